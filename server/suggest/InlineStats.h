#pragma once
// Local statistics of inline completion: how suggestions fared with the user and
// how requests were served, beside the figures every feature keeps
// (stats/FeatureStats.h: requests, model requests, cache hits, cancelled streams,
// errors, time to first token, Flint's added time, decode rate). Kept in memory only
// (nothing leaves the machine); a `flint/stats` request can report them.
//
//   const InlineStats& s = engine.stats();
//   double acceptance = s.shown ? double(s.accepted) / s.shown : 0;
//
// A "suggestion" here is one model answer at one place: typing through it and
// being shown its rest again is still the same suggestion, counted once.

#include "stats/FeatureStats.h"

#include <cstdint>

namespace flint {

struct InlineStats : FeatureStats {
    // What the user did with suggestions (from didShowCompletion, the accept
    // command and didPartiallyAcceptCompletion).
    uint64_t shown = 0;
    uint64_t accepted = 0;
    uint64_t partiallyAccepted = 0;
    uint64_t rejected = 0;  // shown, then replaced by another suggestion or closed, without any accept

    // How requests were served (beside FeatureStats' requests, cacheHits: answered
    // from the cache, modelRequests: streams started for a request, prefetches not
    // included, streamsCancelled: superseded or diverged).
    uint64_t typedThroughHits = 0; // of the cache hits, after the user typed part of the suggestion
    uint64_t liveHits = 0;         // of those, attached to a stream still running
    uint64_t debounced = 0;        // requests superseded while waiting: model requests saved
    uint64_t prefetches = 0;       // speculative streams started
    uint64_t prefetchHits = 0;     // requests answered from a prefetched suggestion
    uint64_t prefetchesSkipped = 0;  // not started: over the per-minute budget

    // FeatureStats' addedMs, here: from the request being let go (after any debounce)
    // to the stream handed to the provider, plus from the first text arriving to it
    // having been shaped and handed to the editor.
};

} // namespace flint
