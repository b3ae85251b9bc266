#pragma once
// Local statistics of next-edit suggestions, beside the figures every feature keeps
// (stats/FeatureStats.h). Memory only; `flint/stats` and the exports report them.
//
//   const NextEditStats& s = engine.stats();
//   s.cacheHits;              // requests answered from a stored prediction, no model call
//   s.skipped.at("budget");   // requests not sent: over nextEdit.tokensPerMinute
//   s.accepted / s.shown;     // how often a shown suggestion was taken
//
// A suggestion is one prediction (one id): shown once however often it is drawn,
// accepted by `flint.acceptInlineEdit`, rejected when it is dropped after being shown
// without an accept (the user typed something else, moved away, or a new change
// superseded it). A rejected suggestion accepted late counts as accepted.

#include "stats/FeatureStats.h"

#include <cstdint>
#include <map>
#include <string>

namespace flint {

struct NextEditStats : FeatureStats {
    // Requests answered with nothing without asking the model, by why: "disabled",
    // "excluded", "secret", "budget" (nextEdit.tokensPerMinute), "no-model",
    // "no-format", "stale", "not-open".
    std::map<std::string, uint64_t> skipped;

    // What happened to stored predictions.
    uint64_t rebased = 0;            // changes a prediction survived
    uint64_t dropped = 0;            // predictions dropped by a conflicting change
    uint64_t completedByTyping = 0;  // predictions the user typed out themselves

    // What the user did with suggestions (didShowInlineEdit, flint.acceptInlineEdit).
    uint64_t shown = 0;
    uint64_t accepted = 0;
    uint64_t rejected = 0;
};

} // namespace flint
