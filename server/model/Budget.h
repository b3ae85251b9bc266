#pragma once
// A provider's budget: token-bucket pacing plus per-minute and per-day request and
// token limits, so that automatic features (completion on every keystroke) cannot
// exhaust a paid or rate-limited quota. Requests the user asked for explicitly
// (Priority::Invoked) always go, and count. Pure: the clock is a parameter.
//
//   Budget budget(config.budget);
//   if (auto refused = budget.admit(Priority::Automatic, now, promptTokens)) {
//       tell(refused->limit, refused->until);   // nothing is sent
//   }
//   ...
//   budget.spend(replyTokens, now);              // when the reply is in
//
// Windows slide: "per minute" is the last 60 seconds, "per day" the last 24 hours
// of this process's life (budgets are not persisted across restarts).

#include "model/ProviderConfig.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace flint {

// How much a request matters: automatic ones (typing) give way to budgets and rate
// limits; invoked ones (an explicit shortcut, a code action) go regardless.
enum class Priority { Automatic, Invoked };

enum class BudgetLimit { Pacing, RequestsPerMinute, RequestsPerDay, TokensPerMinute, TokensPerDay };
std::string_view toString(BudgetLimit limit);

struct BudgetRefusal {
    BudgetLimit limit;
    std::chrono::steady_clock::time_point until;  // when a request would next be admitted
};

class Budget {
public:
    using Clock = std::chrono::steady_clock;
    explicit Budget(BudgetConfig config = {});

    // How a token limit judges an automatic request. `Reached`: admitted while the
    // window is under the limit (a provider's budget: a reply's size is not known
    // before it comes, so one request may go past the limit). `Fits`: admitted only
    // when its tokens fit in what is left (next edit, whose estimate covers the prompt
    // and the expected reply: a limit too small for one request sends nothing).
    enum class TokenCheck { Reached, Fits };
    // Admits a request (recording it and its prompt tokens) or says why not. An
    // invoked request is always admitted.
    std::optional<BudgetRefusal> admit(Priority priority, Clock::time_point now, int64_t promptTokens = 0,
                                       TokenCheck check = TokenCheck::Reached);
    // What admit() would answer now, without recording anything.
    std::optional<BudgetRefusal> refusalFor(Priority priority, Clock::time_point now) const;
    // New limits, for a setting that changed; what the windows hold is kept.
    void configure(BudgetConfig config);
    const BudgetConfig& config() const { return config_; }
    // Adds tokens to the current windows (the reply, as it arrives or at its end).
    void spend(int64_t tokens, Clock::time_point now);

    int64_t requestsInLastMinute(Clock::time_point now);
    int64_t tokensInLastMinute(Clock::time_point now);
    int64_t requestsInLastDay(Clock::time_point now);
    int64_t tokensInLastDay(Clock::time_point now);

private:
    struct Entry {
        Clock::time_point at;
        int64_t requests;
        int64_t tokens;
    };
    struct Window {
        Clock::duration length;
        Clock::duration grain;
        std::deque<Entry> entries;
        int64_t requests = 0;
        int64_t tokens = 0;
        void add(Clock::time_point at, int64_t requests, int64_t tokens);
        void expire(Clock::time_point now);
        // When the window's sum of `field` drops to `limit - 1` or less.
        Clock::time_point freesAt(int64_t limit, bool tokensField, Clock::time_point now) const;
    };

    BudgetConfig config_;
    double bucket_ = 0;
    Clock::time_point refilled_{};
    bool started_ = false;
    Window minute_{std::chrono::minutes(1), std::chrono::milliseconds(100), {}, 0, 0};
    Window day_{std::chrono::hours(24), std::chrono::seconds(10), {}, 0, 0};
};

// A rough token count for text: one token per four bytes, at least one for any text.
inline int64_t estimateTokens(size_t bytes) { return bytes == 0 ? 0 : static_cast<int64_t>((bytes + 3) / 4); }

} // namespace flint
