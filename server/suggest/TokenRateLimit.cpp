#include "suggest/TokenRateLimit.h"

namespace flint {

void TokenRateLimit::forget(TimePoint now) {
    while (!window_.empty() && now - window_.front().at >= std::chrono::minutes(1)) {
        total_ -= window_.front().tokens;
        window_.pop_front();
    }
}

bool TokenRateLimit::allows(long tokens, TimePoint now) {
    if (perMinute_ <= 0) return true;
    forget(now);
    return total_ + tokens <= perMinute_;
}

void TokenRateLimit::spend(long tokens, TimePoint now) {
    forget(now);
    window_.push_back({now, tokens});
    total_ += tokens;
}

long TokenRateLimit::spent(TimePoint now) {
    forget(now);
    return total_;
}

} // namespace flint
