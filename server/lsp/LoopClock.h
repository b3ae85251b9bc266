#pragma once
// The server's Clock: the steady clock, and tasks run later on the event loop by
// Asio timers. Asio stays in the .cpp.
//
//   LoopClock clock(loop);
//   clock.after(20ms, token, [] { ... });   // runs on the loop unless token is cancelled

#include "support/Clock.h"

namespace boost::asio {
class io_context;
}

namespace flint::lsp {

class LoopClock final : public Clock {
public:
    explicit LoopClock(boost::asio::io_context& loop) : loop_(loop) {}
    TimePoint now() const override { return std::chrono::steady_clock::now(); }
    void after(Duration delay, CancellationToken token, std::function<void()> task) override;

private:
    boost::asio::io_context& loop_;
};

} // namespace flint::lsp
