#pragma once
// Moves LSP messages between stdio and the event loop. A reader thread blocks on
// stdin, frames what arrives and posts each message to the event loop; writes go
// straight to stdout, whole messages at a time. Nothing else may write to stdout.
//
//   boost::asio::io_context loop;
//   StdioTransport transport(loop, 0, 1, {.message = ..., .error = ..., .end = ...});
//   transport.start();
//   loop.run();
//   transport.stop();   // wakes and joins the reader

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace flint::lsp {

class StdioTransport {
public:
    struct Handlers {
        std::function<void(std::string payload)> message;
        std::function<void(std::string what)> error;
        std::function<void()> end;  // input closed (or a write failed: the client is gone)
    };

    StdioTransport(boost::asio::io_context& loop, int inFd, int outFd, Handlers handlers);
    ~StdioTransport();

    void start();
    void stop();
    // Frames and writes one payload; returns false when the client is gone.
    bool write(std::string_view payload);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace flint::lsp
