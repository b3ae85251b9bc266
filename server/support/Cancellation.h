#pragma once
// Cooperative cancellation shared between whoever started some work and the work.
// The LSP layer creates a CancellationSource per request and cancels it on
// $/cancelRequest; the engine checks the token or registers a callback that
// aborts I/O (closing a model stream, for instance).
//
//   CancellationSource source;
//   engine.run(request, source.token());   // engine polls token.cancelled()
//   source.cancel();                       // runs callbacks once, in order
//
// Single-threaded by design: everything touching a token runs on the event loop.

#include <functional>
#include <memory>
#include <vector>

namespace flint {

class CancellationToken {
public:
    CancellationToken() = default;  // a token that is never cancelled
    bool cancelled() const { return state_ && state_->cancelled; }
    // Runs `callback` on cancellation, or at once if already cancelled.
    void onCancel(std::function<void()> callback) const;

private:
    friend class CancellationSource;
    struct State {
        bool cancelled = false;
        std::vector<std::function<void()>> callbacks;
    };
    explicit CancellationToken(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
};

class CancellationSource {
public:
    CancellationSource() : state_(std::make_shared<CancellationToken::State>()) {}
    CancellationToken token() const { return CancellationToken(state_); }
    bool cancelled() const { return state_->cancelled; }
    void cancel();

private:
    std::shared_ptr<CancellationToken::State> state_;
};

} // namespace flint
