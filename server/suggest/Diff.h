#pragma once
// Minimal edits between two texts: what a model's rewrite of a region changes,
// as the few small replacements an editor shows and applies. Pure functions;
// next-edit suggestions and code actions both turn a rewrite into edits here.
//
//   std::vector<TextEdit> edits = diffText("int count = 0;\n", "int total = 0;\n");
//   // {{4, 9, "total"}}: bytes [4, 9) of the original become "total"
//   assert(applyEdits(original, edits) == rewrite);
//
// How: the common prefix and suffix are trimmed; what is left is diffed by lines
// (Myers' O(ND) algorithm); each changed run of lines (a hunk) is refined by a
// token diff (identifiers, whitespace runs, single punctuation), each changed
// token run trimmed to the bytes that differ. Whole lines inserted or deleted stay
// whole-line edits. Edits never split a UTF-8 character, are sorted, and never
// overlap or touch. Inputs too different for an exact diff within a fixed work
// bound (huge rewrites) fall back to one replacement of the differing middle, so
// the cost stays bounded for any input.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

// A replacement of bytes [start, end) of the original text by `text`.
struct TextEdit {
    size_t start = 0;
    size_t end = 0;
    std::string text;
    friend bool operator==(const TextEdit&, const TextEdit&) = default;
};

// The edits that turn `before` into `after`.
std::vector<TextEdit> diffText(std::string_view before, std::string_view after);

// `before` with sorted, non-overlapping `edits` applied.
std::string applyEdits(std::string_view before, std::span<const TextEdit> edits);

// How much the edits change: bytes removed plus bytes inserted.
size_t editCost(std::span<const TextEdit> edits);

// One changed run of lines: bytes [oldStart, oldEnd) of the original (whole lines)
// become bytes [newStart, newEnd) of the rewrite (whole lines).
struct LineHunk {
    size_t oldStart = 0, oldEnd = 0;
    size_t newStart = 0, newEnd = 0;
};

// The line-level hunks between `before` and `after` (lines end after each '\n';
// the last line may have no terminator), in order.
std::vector<LineHunk> diffLines(std::string_view before, std::string_view after);

// Refines one hunk into minimal edits (offsets in `before`), appended to `out`.
void refineHunk(std::string_view before, std::string_view after, const LineHunk& hunk,
                std::vector<TextEdit>& out);

} // namespace flint
