#include "lsp/LoopClock.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace flint::lsp {

void LoopClock::after(Duration delay, CancellationToken token, std::function<void()> task) {
    if (delay <= Duration::zero()) {
        boost::asio::post(loop_, [token, task = std::move(task)] {
            if (!token.cancelled()) task();
        });
        return;
    }
    auto timer = std::make_shared<boost::asio::steady_timer>(loop_, delay);
    // The token only holds the timer weakly: a fired timer is not kept alive by it.
    token.onCancel([weak = std::weak_ptr<boost::asio::steady_timer>(timer)] {
        if (auto t = weak.lock()) t->cancel();
    });
    timer->async_wait([timer, token, task = std::move(task)](const boost::system::error_code& error) {
        if (!error && !token.cancelled()) task();
    });
}

} // namespace flint::lsp
