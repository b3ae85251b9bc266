#include "suggest/TokenBudget.h"

namespace flint {

void TokenBudget::forget(TimePoint now) {
    while (!window_.empty() && now - window_.front().at >= std::chrono::minutes(1)) {
        total_ -= window_.front().tokens;
        window_.pop_front();
    }
}

bool TokenBudget::allows(long tokens, TimePoint now) {
    if (perMinute_ <= 0) return true;
    forget(now);
    return total_ + tokens <= perMinute_;
}

void TokenBudget::spend(long tokens, TimePoint now) {
    forget(now);
    window_.push_back({now, tokens});
    total_ += tokens;
}

long TokenBudget::spent(TimePoint now) {
    forget(now);
    return total_;
}

} // namespace flint
