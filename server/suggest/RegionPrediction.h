#pragma once
// A model's rewrite of a region, kept in step with the user's typing: every change
// to the document is applied to it (rebased) so the edits it offers are always for
// the current text, or it is dropped. Pure; offsets are document bytes.
//
//   RegionPrediction p(regionStart, regionText, rewrite);   // the model is done
//   for (const TextReplacement& r : doc.history().replacementsSince(revision))
//       if (p.rebase(r) != RegionPrediction::Rebase::Kept) { drop(p); break; }
//   show(p.edits());   // region-local: add p.regionStart()
//
// Rules (after Zed's interpolation of edit predictions):
// - a change before the region shifts it; a change after it leaves it alone;
// - a change that straddles a region boundary drops the prediction;
// - inside the region, a change that touches none of the predicted edits (not even
//   at an edge) is applied to both the region and the rewrite: the edits stay as
//   they were, shifted;
// - a change that touches a predicted edit is kept only if it moves the text
//   toward the rewrite (the remaining edits cost fewer bytes than before) and what
//   it inserted stands in the rewrite (no remaining edit replaces it): the user
//   typed part of the suggestion. The remaining edits are then re-diffed.
//   When nothing remains the user typed all of it (Rebase::Completed); when the
//   change moves away from the rewrite it conflicts (Rebase::Dropped).
// While the rewrite is still streaming only the first two rules apply; any change
// inside the region drops it.

#include "suggest/Diff.h"
#include "workspace/EditHistory.h"

#include <optional>
#include <string>
#include <vector>

namespace flint {

class RegionPrediction {
public:
    enum class Rebase { Kept, Completed, Dropped };

    // Still streaming: the rewrite is not known yet.
    RegionPrediction(size_t regionStart, std::string regionText);
    // Complete: `edits` turn `regionText` into `rewrite` (as the streaming diff found them).
    RegionPrediction(size_t regionStart, std::string regionText, std::string rewrite, std::vector<TextEdit> edits);
    // The rewrite has streamed to its end.
    void complete(std::string rewrite, std::vector<TextEdit> edits);

    Rebase rebase(const TextReplacement& change);

    bool streaming() const { return !rewrite_; }
    size_t regionStart() const { return regionStart_; }
    size_t regionEnd() const { return regionStart_ + regionText_.size(); }
    const std::string& regionText() const { return regionText_; }
    // Region-local edits; empty while streaming (the streaming diff has those).
    const std::vector<TextEdit>& edits() const { return edits_; }
    const std::string* rewrite() const { return rewrite_ ? &*rewrite_ : nullptr; }

private:
    size_t regionStart_;
    std::string regionText_;
    std::optional<std::string> rewrite_;
    std::vector<TextEdit> edits_;
};

} // namespace flint
