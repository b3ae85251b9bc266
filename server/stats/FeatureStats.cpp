#include "stats/FeatureStats.h"

#include "stats/ServingStats.h"

namespace flint {

std::string errorKind(const StreamUpdate& last) {
    // The provider's event for the same end carries the same facts: one naming for both.
    ProviderEvent ended;
    ended.kind = ProviderEvent::Kind::Ended;
    ended.end = last.end;
    ended.refused = last.refused;
    ended.status = last.status;
    ended.timedOut = last.timedOut;
    return errorKind(ended);
}

bool StreamMeter::update(FeatureStats& stats, const StreamUpdate& update, TimePoint now) {
    if (ended_) return false;
    bool firstText = false;
    if (!update.text.empty()) {
        ++textEvents_;
        if (!first_) {
            first_ = now;
            firstText = true;
            stats.timeToFirstTokenMs.add(std::chrono::duration<double, std::milli>(now - started_).count());
        }
    }
    if (update.end == StreamUpdate::End::None) return firstText;
    ended_ = true;
    if (const std::string kind = errorKind(update); !kind.empty()) {
        ++stats.errors[kind];
        return firstText;
    }
    sampleRate(stats, now);
    return firstText;
}

void StreamMeter::complete(FeatureStats& stats, TimePoint now) {
    if (ended_) return;
    ended_ = true;
    sampleRate(stats, now);
}

void StreamMeter::sampleRate(FeatureStats& stats, TimePoint now) const {
    // As the provider's figures: the events after the first, over the time after it.
    if (first_ && textEvents_ >= 2 && now > *first_)
        stats.tokensPerSecond.add(static_cast<double>(textEvents_ - 1) / std::chrono::duration<double>(now - *first_).count());
}

void StreamMeter::cancelled(FeatureStats& stats) {
    if (ended_) return;
    ended_ = true;
    ++stats.streamsCancelled;
}

} // namespace flint
