#include "suggest/Debounce.h"

#include <algorithm>

namespace flint {

namespace {

using namespace std::chrono_literals;
constexpr double kWeight = 0.3;
constexpr auto kPause = 1s;
constexpr auto kShortestGap = 30ms;

AdaptiveDebounce::Duration blend(AdaptiveDebounce::Duration average, AdaptiveDebounce::Duration sample) {
    return std::chrono::round<AdaptiveDebounce::Duration>(average * (1 - kWeight) + sample * kWeight);
}

} // namespace

void AdaptiveDebounce::keystroke(TimePoint at) {
    if (lastKeystroke_ && at >= *lastKeystroke_) {
        const Duration gap = at - *lastKeystroke_;
        if (gap <= kPause) {
            const Duration sample = std::max<Duration>(gap, kShortestGap);
            interval_ = intervalMeasured_ ? blend(interval_, sample) : sample;
            intervalMeasured_ = true;
        }
    }
    lastKeystroke_ = at;
}

void AdaptiveDebounce::firstToken(Duration ttft) {
    ttft = std::max(ttft, Duration::zero());
    ttft_ = ttft_ ? blend(*ttft_, ttft) : ttft;
}

AdaptiveDebounce::Duration AdaptiveDebounce::delay() const {
    if (settings_.fixed) return std::max(*settings_.fixed, Duration::zero());
    Duration wait = Duration::zero();
    if (ttft_) {
        const double ratio = std::chrono::duration<double>(*ttft_) / std::chrono::duration<double>(interval_);
        const double share = std::clamp((ratio - 0.25) / 0.75, 0.0, 1.0);
        wait = std::chrono::round<Duration>(interval_ * (1.2 * share));
    }
    return std::clamp(wait, settings_.floor, std::max(settings_.floor, settings_.ceiling));
}

} // namespace flint
