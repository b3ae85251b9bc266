#include "support/Clock.h"

#include <algorithm>

namespace flint {

void ManualClock::after(Duration delay, CancellationToken token, std::function<void()> task) {
    tasks_.push_back({now_ + std::max(delay, Duration::zero()), nextOrder_++, std::move(token), std::move(task)});
}

void ManualClock::advance(Duration by) {
    const TimePoint until = now_ + by;
    for (;;) {
        auto next = std::min_element(tasks_.begin(), tasks_.end(), [](const Task& a, const Task& b) {
            return a.due != b.due ? a.due < b.due : a.order < b.order;
        });
        if (next == tasks_.end() || next->due > until) break;
        Task task = std::move(*next);
        tasks_.erase(next);
        now_ = std::max(now_, task.due);
        if (!task.token.cancelled()) task.run();
    }
    now_ = until;
}

} // namespace flint
