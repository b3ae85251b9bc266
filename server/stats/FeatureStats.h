#pragma once
// The figures every model-backed feature keeps (inline completion, next edit, code
// actions): requests, how many needed the model, cancellations, errors by kind, and
// time to first token, Flint's own added time and decode rate over a sliding window.
// Each feature adds its own (suggest/InlineStats.h, suggest/NextEditStats.h,
// actions/ActionStats.h). Memory only; nothing here does I/O or knows JSON.
//
//   FeatureStats& stats = ...;
//   StreamMeter meter(now);                          // a model stream just started
//   ... for each update: if (meter.update(stats, update, now)) firstTextArrived();
//   ... closed early: meter.cancelled(stats);
//
// A feature's figures are as the feature saw its streams (after its own work on the
// text), which is why they sit beside the provider's (stats/ServingStats.h) rather
// than being derived from them: a hedged or fallback provider serves one feature's
// stream from another provider's figures.

#include "model/WireFormat.h"
#include "stats/SampleWindow.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace flint {

struct FeatureStats {
    uint64_t requests = 0;           // requests from the editor
    uint64_t modelRequests = 0;      // model streams started for them
    uint64_t cacheHits = 0;          // answered from what Flint held, with no model request
    uint64_t requestsCancelled = 0;  // requests the editor cancelled before their answer
    uint64_t streamsCancelled = 0;   // model streams Flint closed before their end
    // Failures by kind: a model stream's (errorKind: "http-5xx", "timeout", "refused-budget",
    // ...) and the feature's own ("syntax-error", "apply-refused", ...).
    std::map<std::string, uint64_t> errors;

    // In milliseconds (tokens per second for the rate), over a sliding window.
    SampleWindow timeToFirstTokenMs;  // a model stream's start → its first text
    SampleWindow addedMs;             // Flint's own time around each model request
    SampleWindow tokensPerSecond;     // after the first text: text events per second (about one token each)
};

// Why a stream's last update failed, as ServingStats names it (errorKind); "" when it
// ended cleanly.
std::string errorKind(const StreamUpdate& last);

// Follows one model stream for a feature: its time to first token, its decode rate,
// and how it ended (a failure counted under `errors`, once).
class StreamMeter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    explicit StreamMeter(TimePoint started) : started_(started) {}

    // Every update of the stream, in order. True for the one that brought the first text.
    bool update(FeatureStats& stats, const StreamUpdate& update, TimePoint now);
    // Flint closed the stream because it had all it needed (a suggestion's line is in,
    // a region's end marker came): a clean end, with its decode rate.
    void complete(FeatureStats& stats, TimePoint now);
    // Flint closed the stream before its end (counted once, and only if it had not ended).
    void cancelled(FeatureStats& stats);
    bool ended() const { return ended_; }

private:
    void sampleRate(FeatureStats& stats, TimePoint now) const;
    TimePoint started_;
    std::optional<TimePoint> first_;
    size_t textEvents_ = 0;
    bool ended_ = false;
};

} // namespace flint
