#pragma once
// Document text with a line index, LSP position conversion in every position
// encoding, and edits that report what tree-sitter needs to update a tree.
//
//   Text text("a😀b\r\nc");
//   size_t off = text.offsetAt({0, 3}, PositionEncoding::Utf16);   // 5: after the emoji
//   TextPosition p = text.positionAt(off, PositionEncoding::Utf8);  // {0, 5}
//   ByteEdit e = text.replace(off, off + 1, "B");                  // feed e to ts_tree_edit
//
// Lines end at "\n", "\r\n" or a lone "\r", as LSP defines them. Offsets are byte
// offsets into the UTF-8 text. Positions out of range are clamped the way LSP asks:
// a character past the end of its line means the end of the line, a line past the
// end of the document means the end of the document. Invalid UTF-8 bytes count as
// one code unit each (they stand for U+FFFD).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

enum class PositionEncoding { Utf8, Utf16, Utf32 };

std::string_view toString(PositionEncoding encoding);  // "utf-8", "utf-16", "utf-32"
std::optional<PositionEncoding> parsePositionEncoding(std::string_view name);

// An LSP position: zero-based line and character, counted in the encoding's code units.
struct TextPosition {
    uint32_t line = 0;
    uint32_t character = 0;
    friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

struct TextRange {
    TextPosition start;
    TextPosition end;
    friend bool operator==(const TextRange&, const TextRange&) = default;
};

// A row and a byte column, as tree-sitter's TSPoint.
struct BytePoint {
    uint32_t row = 0;
    uint32_t column = 0;
    friend bool operator==(const BytePoint&, const BytePoint&) = default;
};

// What one replacement did, in the terms of tree-sitter's TSInputEdit.
struct ByteEdit {
    uint32_t startByte = 0;
    uint32_t oldEndByte = 0;
    uint32_t newEndByte = 0;
    BytePoint startPoint;
    BytePoint oldEndPoint;
    BytePoint newEndPoint;
};

class Text {
public:
    explicit Text(std::string text = {});

    const std::string& str() const { return text_; }
    size_t size() const { return text_.size(); }
    uint32_t lineCount() const { return static_cast<uint32_t>(lineStarts_.size()); }
    uint32_t lineStart(uint32_t line) const { return lineStarts_[line]; }
    // Offset just past the line's content, before its terminator.
    uint32_t lineContentEnd(uint32_t line) const;
    std::string_view lineContent(uint32_t line) const;
    // The line holding byte `offset` (offset is clamped to the text).
    uint32_t lineOf(size_t offset) const;

    size_t offsetAt(TextPosition position, PositionEncoding encoding) const;
    TextPosition positionAt(size_t offset, PositionEncoding encoding) const;
    BytePoint pointAt(size_t offset) const;
    // Length of the whole text in the encoding's code units.
    size_t length(PositionEncoding encoding) const;

    // Replaces bytes [start, end) with `replacement`; offsets are clamped and ordered.
    ByteEdit replace(size_t start, size_t end, std::string_view replacement);
    ByteEdit replace(TextRange range, PositionEncoding encoding, std::string_view replacement);

    // The line index rebuilt from scratch: what the incremental index must always equal.
    static std::vector<uint32_t> computeLineStarts(std::string_view text);
    const std::vector<uint32_t>& lineStarts() const { return lineStarts_; }

private:
    std::string text_;
    std::vector<uint32_t> lineStarts_;  // byte offset where each line begins; [0] == 0
};

// Code units of `encoding` in the UTF-8 bytes `s`.
size_t codeUnits(std::string_view s, PositionEncoding encoding);
// Byte length of the longest prefix of `s` spanning at most `units` code units,
// never splitting a character (a unit count inside a character stops before it).
size_t bytesForCodeUnits(std::string_view s, size_t units, PositionEncoding encoding);

} // namespace flint
