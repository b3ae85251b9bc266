#pragma once
// A tokens-per-minute budget, so an eager feature (next-edit asks the model after
// most pauses in typing) cannot burn a rate-limited quota. A sliding window of the
// last minute's spending; pure, the time is passed in.
//
//   TokenRateLimit budget(60'000);
//   if (!budget.allows(estimate, now)) return;  // skip this request
//   budget.spend(estimate, now);

#include <chrono>
#include <deque>

namespace flint {

class TokenRateLimit {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    // 0 (or less) means no limit.
    explicit TokenRateLimit(long perMinute = 0) : perMinute_(perMinute) {}
    void setLimit(long perMinute) { perMinute_ = perMinute; }
    long limit() const { return perMinute_; }

    bool allows(long tokens, TimePoint now);
    void spend(long tokens, TimePoint now);
    // Tokens spent in the minute before `now`.
    long spent(TimePoint now);

private:
    void forget(TimePoint now);
    struct Spending {
        TimePoint at;
        long tokens;
    };
    long perMinute_;
    std::deque<Spending> window_;
    long total_ = 0;
};

} // namespace flint
