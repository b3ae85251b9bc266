#pragma once
// How each model provider is serving, from its typed events (Provider::observe):
// requests, cancellations, errors by kind, time to first token and decode rate over
// a sliding window, and whether it is degraded (its recent median time to first
// token is over a threshold), which lets a feature switch to a faster fallback and
// budgets adapt. Kept in memory only; nothing here does I/O or knows JSON.
//
//   ServingStats stats;
//   provider.observe([&](const ProviderEvent& e) {
//       if (stats.record("fast", e, steady_clock::now())) routesMayHaveChanged();
//   });
//   if (stats.degraded("fast", now)) use(fallback);
//   const ProviderFigures* f = stats.provider("fast");   // f->ttftMs.quantiles() ...
//
// Degradation has hysteresis in time rather than in level: once judged degraded, a
// provider stays so for `probeAfter` (its requests go to the fallback, if any, so it
// gets no new samples); then one request probes it, and that sample alone decides
// whether it is still degraded (for another `probeAfter`) or not.

#include "model/Provider.h"
#include "stats/SampleWindow.h"

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace flint {

struct DegradationSettings {
    bool enabled = true;
    std::chrono::milliseconds ttftThreshold{1000};  // a recent median above this is degraded
    size_t recentSamples = 5;                       // how many of the newest TTFTs the median takes
    size_t minSamples = 3;                          // fewer than this: no judgement yet
    std::chrono::milliseconds probeAfter{30000};
    friend bool operator==(const DegradationSettings&, const DegradationSettings&) = default;
};

// Why a call failed, as a short stable name ("" when it did not fail): "rate-limited",
// "http-5xx", "http-4xx", "timeout", "transport", "truncated", "stream", or for
// requests never sent, "refused-budget", "refused-rate-limited", "refused-no-key",
// "refused-starting", "refused-misconfigured".
std::string errorKind(const ProviderEvent& ended);

struct ProviderFigures {
    uint64_t requests = 0;   // calls made (refused ones included)
    uint64_t completed = 0;  // ended with the model's own end (stop or length)
    uint64_t cancelled = 0;  // closed by the caller before their end
    uint64_t failed = 0;     // ended with an error or truncated (refusals included)
    uint64_t refused = 0;    // of those, never sent (budget, Retry-After, no key, ...)
    uint64_t rateLimited = 0;  // 429 answers (each attempt)
    std::map<std::string, uint64_t> errors;  // by errorKind()
    SampleWindow ttftMs;           // time to first token
    SampleWindow tokensPerSecond;  // decode rate after the first token (text events per second)
    SampleWindow durationMs;       // whole calls that ended cleanly
    std::optional<std::chrono::steady_clock::time_point> rateLimitedUntil;

    bool degraded = false;
    double degradedMedianMs = 0;  // the median that judged it
    std::chrono::steady_clock::time_point degradedAt{};

    // Internal: recent TTFTs for the degradation judgement, and first tokens of calls in flight.
    SampleWindow recent{5};
    std::map<uint64_t, std::chrono::milliseconds> firstTokens;
};

class ServingStats {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    void configure(const DegradationSettings& settings);
    const DegradationSettings& settings() const { return settings_; }

    // Records one event of `provider`'s; true when its degraded judgement changed.
    bool record(const std::string& provider, const ProviderEvent& event, TimePoint now);

    const ProviderFigures* provider(const std::string& name) const;
    const std::map<std::string, ProviderFigures>& providers() const { return providers_; }
    // Drops the figures of providers no longer configured.
    void retain(const std::set<std::string>& names);

    // Whether requests should avoid `provider` now: judged degraded and not yet due a probe.
    bool degraded(const std::string& provider, TimePoint now) const;
    // One line for a status: why it is degraded ("" when it is not).
    std::string degradedReason(const std::string& provider) const;

private:
    bool sampleFirstToken(ProviderFigures& f, double ms, TimePoint now);

    DegradationSettings settings_;
    std::map<std::string, ProviderFigures> providers_;
};

} // namespace flint
