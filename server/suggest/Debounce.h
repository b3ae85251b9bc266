#pragma once
// How long an automatic inline-completion request waits before it goes to the
// model. Waiting only pays when the next keystroke would cancel the request before
// its answer arrived: so the wait follows the backend's measured time to first
// token (TTFT) against the user's measured typing rhythm.
//
//   AdaptiveDebounce debounce;
//   debounce.keystroke(clock.now());          // every document change
//   debounce.firstToken(40ms);                // every model stream's TTFT
//   auto wait = debounce.delay();             // for an automatic trigger
//
// With i the typical gap between keystrokes and t the typical TTFT:
//   t <= i/4  (a fast backend answers well inside a keystroke gap): no wait (the floor, 0);
//   t >= i    (the answer would come after the next keystroke): wait 1.2 i, i.e.
//             until the user has paused longer than their rhythm;
//   in between, linearly; always within [floor, ceiling].
// A 1,000 tok/s backend (TTFT ~20 ms) against typing at 150 ms a key waits 0 ms; a
// 600 ms backend waits ~180 ms. Gaps over 1 s are pauses, not rhythm, and are not
// sampled; gaps are taken as at least 30 ms (a paste or a multi-cursor edit is not
// typing). Both averages are exponential (weight 0.3 for the newest sample). With
// no TTFT measured yet the request goes at once: the first answer measures it.

#include <chrono>
#include <optional>

namespace flint {

class AdaptiveDebounce {
public:
    using Duration = std::chrono::steady_clock::duration;
    using TimePoint = std::chrono::steady_clock::time_point;

    struct Settings {
        std::optional<Duration> fixed;  // a fixed wait instead of the adaptive one
        Duration floor = Duration::zero();
        Duration ceiling = std::chrono::milliseconds(400);
    };

    void configure(const Settings& settings) { settings_ = settings; }
    void keystroke(TimePoint at);
    void firstToken(Duration ttft);
    Duration delay() const;

    // The current estimates (for tests and statistics).
    Duration typingInterval() const { return interval_; }
    std::optional<Duration> timeToFirstToken() const { return ttft_; }

private:
    Settings settings_;
    std::optional<TimePoint> lastKeystroke_;
    Duration interval_ = std::chrono::milliseconds(150);  // until measured
    bool intervalMeasured_ = false;
    std::optional<Duration> ttft_;
};

} // namespace flint
