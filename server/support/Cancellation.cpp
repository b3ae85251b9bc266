#include "support/Cancellation.h"

namespace flint {

void CancellationToken::onCancel(std::function<void()> callback) const {
    if (!state_) return;
    if (state_->cancelled) {
        callback();
        return;
    }
    state_->callbacks.push_back(std::move(callback));
}

void CancellationSource::cancel() {
    if (state_->cancelled) return;
    state_->cancelled = true;
    // Callbacks may register further callbacks or drop the last reference: move out first.
    auto callbacks = std::move(state_->callbacks);
    state_->callbacks.clear();
    for (auto& callback : callbacks) callback();
}

} // namespace flint
