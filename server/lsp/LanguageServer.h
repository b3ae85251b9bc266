#pragma once
// The LSP server: lifecycle, dispatch of JSON-RPC messages to the method table,
// server-to-client requests and $/cancelRequest. It only translates; the features
// it dispatches to live in their own files over the editor-agnostic core.
// Transport-free: feed it payloads, it hands back payloads to send, and it asks
// for deferred work to be run later on the event loop.
//
//   LanguageServer server([&](std::string payload) { transport.write(payload); },
//                         [&](std::function<void()> task) { asio::post(loop, std::move(task)); });
//   server.onMessage(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
//   if (server.exitCode()) return *server.exitCode();

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace flint::lsp {

struct ServerContext;

class LanguageServer {
public:
    using Send = std::function<void(std::string payload)>;  // one JSON message, unframed
    using Post = std::function<void(std::function<void()> task)>;

    // `loop` runs network work (the model provider); without it no provider is started.
    LanguageServer(Send send, Post post, boost::asio::io_context* loop = nullptr);
    ~LanguageServer();
    LanguageServer(const LanguageServer&) = delete;
    LanguageServer& operator=(const LanguageServer&) = delete;

    void onMessage(std::string_view payload);
    // The framing layer could not read a message: answered with a ParseError.
    void onFramingError(std::string_view what);
    // The client went away without `exit`.
    void onEndOfInput();

    // Set once the server should stop: 0 after shutdown + exit, 1 otherwise.
    std::optional<int> exitCode() const;
    // The context features run in (tests and benchmarks look inside through it).
    ServerContext& context();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint::lsp
