#include "suggest/RegionPrediction.h"

namespace flint {

RegionPrediction::RegionPrediction(size_t regionStart, std::string regionText)
    : regionStart_(regionStart), regionText_(std::move(regionText)) {}

RegionPrediction::RegionPrediction(size_t regionStart, std::string regionText, std::string rewrite,
                                   std::vector<TextEdit> edits)
    : regionStart_(regionStart), regionText_(std::move(regionText)), rewrite_(std::move(rewrite)),
      edits_(std::move(edits)) {}

void RegionPrediction::complete(std::string rewrite, std::vector<TextEdit> edits) {
    rewrite_ = std::move(rewrite);
    edits_ = std::move(edits);
}

RegionPrediction::Rebase RegionPrediction::rebase(const TextReplacement& change) {
    const size_t p = change.start, q = change.start + change.removed.size();
    const auto delta = static_cast<std::ptrdiff_t>(change.inserted.size()) - static_cast<std::ptrdiff_t>(q - p);
    const size_t start = regionStart_, end = regionEnd();
    // An insertion at the region's first byte is inside it (it is on its first line);
    // one at its end is on the next line, unless the region has no final newline.
    const bool openEnd = regionText_.empty() || !regionText_.ends_with('\n');
    if (q < start || (q == start && p < q)) {
        regionStart_ = static_cast<size_t>(static_cast<std::ptrdiff_t>(regionStart_) + delta);
        return Rebase::Kept;
    }
    if (p > end || (p == end && !openEnd)) return Rebase::Kept;
    if (p < start || q > end) return Rebase::Dropped;  // straddles a boundary
    if (!rewrite_) return Rebase::Dropped;             // the rewrite was for the old region

    const size_t localStart = p - start, localEnd = q - start;
    bool touches = false;
    std::ptrdiff_t shift = 0;  // where localStart lies in the rewrite, relative to the region
    for (const TextEdit& e : edits_) {
        if (e.start <= localEnd && localStart <= e.end) touches = true;
        else if (e.end < localStart) shift += static_cast<std::ptrdiff_t>(e.text.size()) - static_cast<std::ptrdiff_t>(e.end - e.start);
    }
    if (!touches) {
        // An unrelated change: the rewrite gets it too, the edits just move.
        const size_t at = static_cast<size_t>(static_cast<std::ptrdiff_t>(localStart) + shift);
        rewrite_->replace(at, localEnd - localStart, change.inserted);
        regionText_.replace(localStart, localEnd - localStart, change.inserted);
        for (TextEdit& e : edits_)
            if (e.start > localEnd) {
                e.start = static_cast<size_t>(static_cast<std::ptrdiff_t>(e.start) + delta);
                e.end = static_cast<size_t>(static_cast<std::ptrdiff_t>(e.end) + delta);
            }
        return Rebase::Kept;
    }
    std::string typed = regionText_;
    typed.replace(localStart, localEnd - localStart, change.inserted);
    std::vector<TextEdit> remaining = diffText(typed, *rewrite_);
    if (remaining.empty()) return Rebase::Completed;
    if (editCost(remaining) >= editCost(edits_)) return Rebase::Dropped;
    // What the user typed must stand in the rewrite: an edit that would replace it
    // means they typed something else.
    const size_t typedEnd = localStart + change.inserted.size();
    for (const TextEdit& e : remaining)
        if (e.start < e.end && e.start < typedEnd && localStart < e.end) return Rebase::Dropped;
    regionText_ = std::move(typed);
    edits_ = std::move(remaining);
    return Rebase::Kept;
}

} // namespace flint
