#include "stats/ServingStats.h"

#include <cmath>

namespace flint {

using std::chrono::milliseconds;

std::string errorKind(const ProviderEvent& e) {
    using Refusal = StreamUpdate::Refusal;
    switch (e.refused) {
    case Refusal::None: break;
    case Refusal::Budget: return "refused-budget";
    case Refusal::RateLimited: return "refused-rate-limited";
    case Refusal::Starting: return "refused-starting";
    case Refusal::NoKey: return "refused-no-key";
    case Refusal::Misconfigured: return "refused-misconfigured";
    }
    if (e.cancelled) return {};
    if (e.end != StreamUpdate::End::Error && e.end != StreamUpdate::End::Truncated) return {};
    if (e.timedOut) return "timeout";
    if (e.status == 429) return "rate-limited";
    if (e.status >= 500) return "http-5xx";
    if (e.status >= 400 || (e.status != 0 && e.status != 200)) return "http-4xx";
    if (e.end == StreamUpdate::End::Truncated) return "truncated";
    if (e.status == 0) return "transport";
    return "stream";
}

void ServingStats::configure(const DegradationSettings& settings) {
    const bool resize = settings.recentSamples != settings_.recentSamples;
    settings_ = settings;
    for (auto& [name, f] : providers_) {
        if (resize) f.recent = SampleWindow(settings_.recentSamples);
        if (!settings_.enabled) f.degraded = false;
    }
}

bool ServingStats::sampleFirstToken(ProviderFigures& f, double ms, TimePoint now) {
    if (!settings_.enabled) return false;
    const double threshold = static_cast<double>(settings_.ttftThreshold.count());
    if (f.degraded && now >= f.degradedAt + settings_.probeAfter) {
        // A probe: this sample alone says whether it is still slow.
        f.recent.clear();
        f.recent.add(ms);
        if (ms > threshold) {
            f.degradedAt = now;
            f.degradedMedianMs = ms;
            return false;
        }
        f.degraded = false;
        return true;
    }
    f.recent.add(ms);
    if (f.recent.size() < settings_.minSamples) return false;
    const double median = *f.recent.recentMedian(settings_.recentSamples);
    if (!f.degraded && median > threshold) {
        f.degraded = true;
        f.degradedAt = now;
        f.degradedMedianMs = median;
        return true;
    }
    if (f.degraded && median <= threshold) {
        f.degraded = false;
        return true;
    }
    if (f.degraded) f.degradedMedianMs = median;
    return false;
}

bool ServingStats::record(const std::string& provider, const ProviderEvent& e, TimePoint now) {
    auto [it, inserted] = providers_.try_emplace(provider);
    ProviderFigures& f = it->second;
    if (inserted) f.recent = SampleWindow(settings_.recentSamples);
    switch (e.kind) {
    case ProviderEvent::Kind::Started:
        ++f.requests;
        return false;
    case ProviderEvent::Kind::FirstToken:
        f.ttftMs.add(static_cast<double>(e.elapsed.count()));
        f.firstTokens[e.call] = e.elapsed;
        return sampleFirstToken(f, static_cast<double>(e.elapsed.count()), now);
    case ProviderEvent::Kind::RateLimited:
        ++f.rateLimited;
        f.rateLimitedUntil = e.until;
        return false;
    case ProviderEvent::Kind::Ended: break;
    }
    std::optional<milliseconds> first;
    if (auto found = f.firstTokens.find(e.call); found != f.firstTokens.end()) {
        first = found->second;
        f.firstTokens.erase(found);
    }
    if (e.cancelled) {
        ++f.cancelled;
        return false;
    }
    const std::string kind = errorKind(e);
    if (!kind.empty()) {
        ++f.failed;
        if (e.refused != StreamUpdate::Refusal::None) ++f.refused;
        ++f.errors[kind];
        // No first token within the timeout is the slowest first token of all.
        if (e.timedOut) return sampleFirstToken(f, static_cast<double>(e.elapsed.count()), now);
        return false;
    }
    ++f.completed;
    f.rateLimitedUntil.reset();  // it answered
    f.durationMs.add(static_cast<double>(e.elapsed.count()));
    if (first && e.deltas >= 2 && e.elapsed > *first) {
        const double seconds = std::chrono::duration<double>(e.elapsed - *first).count();
        f.tokensPerSecond.add(static_cast<double>(e.deltas - 1) / seconds);
    }
    return false;
}

const ProviderFigures* ServingStats::provider(const std::string& name) const {
    auto it = providers_.find(name);
    return it == providers_.end() ? nullptr : &it->second;
}

void ServingStats::retain(const std::set<std::string>& names) {
    std::erase_if(providers_, [&](const auto& entry) { return !names.contains(entry.first); });
}

bool ServingStats::degraded(const std::string& provider, TimePoint now) const {
    const ProviderFigures* f = this->provider(provider);
    return settings_.enabled && f && f->degraded && now < f->degradedAt + settings_.probeAfter;
}

std::string ServingStats::degradedReason(const std::string& provider) const {
    const ProviderFigures* f = this->provider(provider);
    if (!settings_.enabled || !f || !f->degraded) return {};
    return "recent median time to first token " + std::to_string(std::lround(f->degradedMedianMs)) + " ms (over " +
           std::to_string(settings_.ttftThreshold.count()) + " ms)";
}

} // namespace flint
