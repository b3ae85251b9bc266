#pragma once
// The diff of a rewrite against its original, computed while the rewrite streams
// in, so the first changed hunk is known before the model has finished. Pure: fed
// text, it answers with edits (suggest/Diff's TextEdit, offsets in the original).
//
//   StreamingDiff diff(originalRegion);
//   for (auto& chunk : stream) {
//       diff.append(chunk);
//       if (!diff.edits().empty()) show(diff.edits());  // final: they never change
//   }
//   diff.finish();                                      // the tail is settled too
//   assert(applyEdits(originalRegion, diff.edits()) == diff.rewrite());
//
// How: complete lines of the rewrite are matched against the original in order.
// While they agree nothing is pending. At the first line that differs a hunk opens;
// it closes once the stream has moved past it and an anchor is found: at least two
// consecutive rewrite lines equal to consecutive original lines, one of them with
// some substance (three or more non-blank characters), or four equal lines of any
// kind. Of the candidate anchors the one giving the smallest hunk (lines removed
// plus lines added) wins; it is chosen once no candidate still possible could give
// a smaller one. A closed hunk is refined into edits (Diff's refineHunk) and is
// final. The search per line is bounded; a hunk too large for it waits for the end. At the end of the stream whatever is still open is diffed in full
// (diffLines). Lines end at '\n'; the last line may have none.

#include "suggest/Diff.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flint {

class StreamingDiff {
public:
    explicit StreamingDiff(std::string original);

    // More of the rewrite. Returns true when new edits became final.
    bool append(std::string_view text);
    // The rewrite is complete: the rest of the diff is settled.
    void finish();
    bool finished() const { return finished_; }

    // Final edits, sorted, offsets in the original. Each call returns a list that
    // extends the previous one; none ever changes.
    const std::vector<TextEdit>& edits() const { return edits_; }
    // Line hunks closed so far (each gave one or more edits).
    size_t hunkCount() const { return hunks_; }
    // Bytes of the original whose fate is settled: no later edit starts before this.
    size_t settledBytes() const;
    const std::string& original() const { return original_; }
    const std::string& rewrite() const { return rewrite_; }

private:
    enum class Anchor { Confirmed, Pending, Failed };
    void advance();
    // Closes the open hunk when its anchor is settled; false while it is not.
    bool resolveHunk();
    Anchor verify(size_t candidate, size_t at) const;
    void closeHunk(size_t oldEndLine, size_t newEndLine);
    size_t newLineStart(size_t line) const { return line < newStarts_.size() ? newStarts_[line] : rewrite_.size(); }
    std::string_view newLine(size_t line) const {
        return std::string_view(rewrite_).substr(newStarts_[line], newStarts_[line + 1] - newStarts_[line]);
    }

    std::string original_;
    std::vector<std::string_view> oldLines_;
    std::vector<size_t> oldStarts_;  // byte offset of each original line, plus the end
    std::unordered_map<std::string_view, std::vector<size_t>> oldPositions_;
    std::string rewrite_;
    std::vector<size_t> newStarts_;  // byte offset of each complete rewrite line
    size_t completeLines_ = 0;
    // Matching state: lines [0, oldAt_) and [0, newAt_) are settled.
    size_t oldAt_ = 0, newAt_ = 0;
    bool divergent_ = false;
    std::vector<TextEdit> edits_;
    size_t hunks_ = 0;
    bool finished_ = false;
};

} // namespace flint
