#include "model/Budget.h"

#include <algorithm>
#include <cmath>

namespace flint {

std::string_view toString(BudgetLimit limit) {
    switch (limit) {
    case BudgetLimit::Pacing: return "requestsPerSecond";
    case BudgetLimit::RequestsPerMinute: return "requestsPerMinute";
    case BudgetLimit::RequestsPerDay: return "requestsPerDay";
    case BudgetLimit::TokensPerMinute: return "tokensPerMinute";
    case BudgetLimit::TokensPerDay: return "tokensPerDay";
    }
    return "budget";
}

Budget::Budget(BudgetConfig config) {
    configure(config);
    bucket_ = config_.burst;
}

void Budget::configure(BudgetConfig config) {
    if (config.requestsPerSecond > 0 && config.burst <= 0)
        config.burst = std::max(1, static_cast<int>(std::ceil(config.requestsPerSecond)));
    if (config.burst != config_.burst || config.requestsPerSecond != config_.requestsPerSecond) {
        bucket_ = config.burst;
        started_ = false;
    }
    config_ = config;
}

void Budget::Window::add(Clock::time_point at, int64_t r, int64_t t) {
    // Entries within one grain share a slot: a day of keystrokes stays small.
    if (!entries.empty() && at - entries.back().at < grain) {
        entries.back().requests += r;
        entries.back().tokens += t;
    } else {
        entries.push_back({at, r, t});
    }
    requests += r;
    tokens += t;
}

void Budget::Window::expire(Clock::time_point now) {
    while (!entries.empty() && entries.front().at + length <= now) {
        requests -= entries.front().requests;
        tokens -= entries.front().tokens;
        entries.pop_front();
    }
}

Budget::Clock::time_point Budget::Window::freesAt(int64_t limit, bool tokensField, Clock::time_point now) const {
    int64_t sum = tokensField ? tokens : requests;
    for (const Entry& e : entries) {
        if (sum < limit) break;
        sum -= tokensField ? e.tokens : e.requests;
        if (sum < limit) return e.at + length;
    }
    return now;
}

std::optional<BudgetRefusal> Budget::admit(Priority priority, Clock::time_point now, int64_t promptTokens,
                                           TokenCheck check) {
    minute_.expire(now);
    day_.expire(now);
    if (config_.requestsPerSecond > 0) {
        if (!started_) refilled_ = now, started_ = true;
        const double elapsed = std::chrono::duration<double>(now - refilled_).count();
        bucket_ = std::min<double>(config_.burst, bucket_ + elapsed * config_.requestsPerSecond);
        refilled_ = now;
    }
    if (priority == Priority::Automatic) {
        auto refuse = [](BudgetLimit limit, Clock::time_point until) { return BudgetRefusal{limit, until}; };
        // Whether a token window leaves no room, and when it will: with `Fits`, room for
        // this request's tokens (never, within the window, for more than the whole limit).
        const int64_t needed = check == TokenCheck::Fits ? promptTokens : 0;
        auto tokensFull = [&](const Window& w, int64_t limit) { return w.tokens + std::max<int64_t>(needed, 1) > limit; };
        auto tokensFree = [&](const Window& w, int64_t limit) {
            if (needed > limit) return now + w.length;
            return w.freesAt(limit - std::max<int64_t>(needed, 1) + 1, true, now);
        };
        if (config_.requestsPerDay > 0 && day_.requests >= config_.requestsPerDay)
            return refuse(BudgetLimit::RequestsPerDay, day_.freesAt(config_.requestsPerDay, false, now));
        if (config_.tokensPerDay > 0 && tokensFull(day_, config_.tokensPerDay))
            return refuse(BudgetLimit::TokensPerDay, tokensFree(day_, config_.tokensPerDay));
        if (config_.requestsPerMinute > 0 && minute_.requests >= config_.requestsPerMinute)
            return refuse(BudgetLimit::RequestsPerMinute, minute_.freesAt(config_.requestsPerMinute, false, now));
        if (config_.tokensPerMinute > 0 && tokensFull(minute_, config_.tokensPerMinute))
            return refuse(BudgetLimit::TokensPerMinute, tokensFree(minute_, config_.tokensPerMinute));
        if (config_.requestsPerSecond > 0 && bucket_ < 1.0) {
            const double wait = (1.0 - bucket_) / config_.requestsPerSecond;
            return refuse(BudgetLimit::Pacing,
                          now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait)));
        }
    }
    if (config_.requestsPerSecond > 0) bucket_ = std::max(0.0, bucket_ - 1.0);
    minute_.add(now, 1, promptTokens);
    day_.add(now, 1, promptTokens);
    return std::nullopt;
}

std::optional<BudgetRefusal> Budget::refusalFor(Priority priority, Clock::time_point now) const {
    Budget copy = *this;  // the windows are small: entries share 100 ms (minute) and 10 s (day) slots
    return copy.admit(priority, now);
}

void Budget::spend(int64_t tokens, Clock::time_point now) {
    if (tokens <= 0) return;
    minute_.add(now, 0, tokens);
    day_.add(now, 0, tokens);
}

int64_t Budget::requestsInLastMinute(Clock::time_point now) {
    minute_.expire(now);
    return minute_.requests;
}
int64_t Budget::tokensInLastMinute(Clock::time_point now) {
    minute_.expire(now);
    return minute_.tokens;
}
int64_t Budget::requestsInLastDay(Clock::time_point now) {
    day_.expire(now);
    return day_.requests;
}
int64_t Budget::tokensInLastDay(Clock::time_point now) {
    day_.expire(now);
    return day_.tokens;
}

} // namespace flint
