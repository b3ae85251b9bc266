#pragma once
// Time for code that waits: what time it is, and "run this later". Engines take a
// Clock instead of reading the system clock or arming timers themselves, so tests
// drive time by hand (ManualClock) and never sleep; the server hands them one on
// its event loop (lsp/LoopClock).
//
//   ManualClock clock;
//   CancellationSource timer;
//   clock.after(50ms, timer.token(), [&] { fired = true; });
//   clock.advance(49ms);   // not yet
//   clock.advance(1ms);    // fired
//
// A task whose token is cancelled before it is due never runs. Tasks run on the
// thread that owns the clock (the event loop), never inside after().

#include "support/Cancellation.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace flint {

class Clock {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using Duration = std::chrono::steady_clock::duration;

    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
    // Runs `task` once `delay` has passed, unless `token` is cancelled first.
    virtual void after(Duration delay, CancellationToken token, std::function<void()> task) = 0;
};

// A clock that moves only when told to: for tests.
class ManualClock final : public Clock {
public:
    TimePoint now() const override { return now_; }
    void after(Duration delay, CancellationToken token, std::function<void()> task) override;
    // Moves time forward, running the tasks that fall due on the way, in time order
    // (tasks they schedule run too if they fall due in the same span).
    void advance(Duration by);
    // Tasks scheduled and not yet run (cancelled ones included until their time).
    size_t pending() const { return tasks_.size(); }

private:
    struct Task {
        TimePoint due;
        uint64_t order;
        CancellationToken token;
        std::function<void()> run;
    };
    TimePoint now_ = TimePoint{} + std::chrono::hours(1);
    uint64_t nextOrder_ = 0;
    std::vector<Task> tasks_;
};

} // namespace flint
