#include "suggest/StreamingDiff.h"

#include <algorithm>
#include <optional>

namespace flint {

namespace {

constexpr size_t kAnchorLines = 2;
constexpr size_t kTrivialAnchorLines = 4;
// Bounds on the work per new line while a hunk is open, whatever the input: past
// them the hunk waits for the end of the stream.
constexpr size_t kMaxOpenHunkLines = 256;
constexpr size_t kMaxAnchorPositions = 64;

// A line an anchor can rest on: three or more non-blank characters. Blank lines and
// lone braces repeat too often to say where the rewrite is in the original.
bool hasSubstance(std::string_view line) {
    size_t count = 0;
    for (char c : line)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && ++count >= 3) return true;
    return false;
}

} // namespace

StreamingDiff::StreamingDiff(std::string original) : original_(std::move(original)) {
    const std::string_view text = original_;
    size_t start = 0;
    while (start < text.size()) {
        const size_t eol = text.find('\n', start);
        const size_t end = eol == std::string_view::npos ? text.size() : eol + 1;
        oldStarts_.push_back(start);
        oldLines_.push_back(text.substr(start, end - start));
        start = end;
    }
    oldStarts_.push_back(text.size());
    for (size_t i = 0; i < oldLines_.size(); ++i) oldPositions_[oldLines_[i]].push_back(i);
}

size_t StreamingDiff::settledBytes() const {
    if (finished_) return original_.size();
    return oldStarts_[oldAt_];
}

bool StreamingDiff::append(std::string_view text) {
    if (finished_ || text.empty()) return false;
    size_t scan = rewrite_.size();
    rewrite_.append(text);
    if (newStarts_.empty()) newStarts_.push_back(0);
    for (size_t eol; (eol = rewrite_.find('\n', scan)) != std::string::npos; scan = eol + 1) {
        ++completeLines_;
        newStarts_.push_back(eol + 1);  // where the next line starts
    }
    const size_t before = edits_.size();
    advance();
    return edits_.size() > before;
}

StreamingDiff::Anchor StreamingDiff::verify(size_t candidate, size_t at) const {
    size_t matched = 0;
    bool substance = false;
    for (;;) {
        const size_t o = at + matched, r = candidate + matched;
        if ((matched >= kAnchorLines && substance) || matched >= kTrivialAnchorLines) return Anchor::Confirmed;
        // The rewrite has not come this far yet: the anchor may still form.
        if (r >= completeLines_) return Anchor::Pending;
        // The original ends first: no anchor here while streaming (finish() diffs the tail).
        if (o >= oldLines_.size()) return Anchor::Failed;
        if (newLine(r) != oldLines_[o]) return Anchor::Failed;
        substance = substance || hasSubstance(oldLines_[o]);
        ++matched;
    }
}

bool StreamingDiff::resolveHunk() {
    // The cheapest way back into step: a hunk from (oldAt_, newAt_) to an anchor at
    // (at, candidate) costs the lines it removes plus the lines it adds. Candidates
    // are tried in rewrite order; once no later candidate can be cheaper than the
    // best confirmed one, that one closes the hunk. A cheaper candidate still
    // waiting for lines holds the decision back.
    std::optional<std::pair<size_t, size_t>> best;  // (at, candidate)
    size_t bestCost = SIZE_MAX;
    for (size_t candidate = newAt_;; ++candidate) {
        if (candidate - newAt_ >= bestCost) break;
        if (candidate - newAt_ > kMaxOpenHunkLines) return false;  // too different to settle early
        if (candidate >= completeLines_) return false;
        auto it = oldPositions_.find(newLine(candidate));
        if (it == oldPositions_.end()) continue;
        const std::vector<size_t>& positions = it->second;
        size_t tried = 0;
        for (auto p = std::lower_bound(positions.begin(), positions.end(), oldAt_);
             p != positions.end() && tried < kMaxAnchorPositions; ++p, ++tried) {
            const size_t cost = (*p - oldAt_) + (candidate - newAt_);
            if (cost >= bestCost) break;
            const Anchor anchor = verify(candidate, *p);
            if (anchor == Anchor::Pending) return false;
            if (anchor == Anchor::Confirmed) {
                best = {*p, candidate};
                bestCost = cost;
                break;
            }
        }
    }
    if (!best) return false;
    closeHunk(best->first, best->second);
    return true;
}

void StreamingDiff::closeHunk(size_t oldEndLine, size_t newEndLine) {
    const LineHunk hunk{oldStarts_[oldAt_], oldStarts_[oldEndLine], newLineStart(newAt_), newLineStart(newEndLine)};
    refineHunk(original_, rewrite_, hunk, edits_);
    ++hunks_;
    oldAt_ = oldEndLine;
    newAt_ = newEndLine;
}

void StreamingDiff::advance() {
    for (;;) {
        if (!divergent_) {
            if (newAt_ >= completeLines_) return;
            if (oldAt_ < oldLines_.size() && newLine(newAt_) == oldLines_[oldAt_]) {
                ++oldAt_;
                ++newAt_;
                continue;
            }
            divergent_ = true;
        }
        if (!resolveHunk()) return;
        divergent_ = false;
    }
}

void StreamingDiff::finish() {
    if (finished_) return;
    finished_ = true;
    // Whatever is not settled (an open hunk, lines not yet matched, a last line
    // without '\n') is diffed in full.
    const size_t oldFrom = oldStarts_[oldAt_];
    const size_t newFrom = newLineStart(newAt_);
    const std::string_view oldTail = std::string_view(original_).substr(oldFrom);
    const std::string_view newTail = std::string_view(rewrite_).substr(newFrom);
    for (LineHunk hunk : diffLines(oldTail, newTail)) {
        hunk.oldStart += oldFrom;
        hunk.oldEnd += oldFrom;
        hunk.newStart += newFrom;
        hunk.newEnd += newFrom;
        refineHunk(original_, rewrite_, hunk, edits_);
        ++hunks_;
    }
    oldAt_ = oldLines_.size();
}

} // namespace flint
