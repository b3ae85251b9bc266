#pragma once
// A WebSocket client for model providers that keep a persistent socket (the OpenAI
// Responses API WebSocket mode): a small pool of upgraded connections to one URL,
// each carrying one response at a time, kept warm, replaced before the provider's
// connection age limit and when the server drops them. Cancelling a response closes
// its socket (the only cancellation the mode documents) and a fresh one is opened at
// once in the background, so the next request still finds a warm socket. Frames are
// encoded and decoded by model/WebSocketFrame (pure); Beast does the HTTP upgrade;
// connections come from the same Connector as HTTP (proxy, TLS, session resumption).
//
//   WebSocketClient client(loop, endpoint, "/v1/responses", {.maxAge = 55min});
//   client.preconnect(headers);                 // handshake now, with the Authorization header
//   auto call = client.send(json, headers, 30s, {
//       .onRefused = [](const HttpResponseHead& head) { ... },   // no upgrade (401, 429, ...)
//       .onRefusalBody = [](std::string_view bytes) { ... },
//       .onMessage = [](std::string_view event) { return isLastEvent(event); },
//       .onDone = [](const std::string& error) { ... },          // "" once onMessage said "last"
//   });
//   call->cancel();                             // closes that socket; no handler runs after this

#include "model/HttpClient.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace flint {

struct WebSocketHandlers {
    std::function<void(const HttpResponseHead&)> onRefused;
    std::function<void(std::string_view bytes)> onRefusalBody;
    // Each text or binary message; returns true when it was the response's last.
    std::function<bool(std::string_view message)> onMessage;
    std::function<void(const std::string& error)> onDone;
};

struct WebSocketOptions {
    std::chrono::milliseconds maxAge{55 * 60 * 1000};  // replace sockets older than this
    size_t maxIdle = 2;
    size_t maxMessageBytes = size_t(16) << 20;
};

class WebSocketClient {
public:
    // `endpoint` is http(s):// (ws/wss are the same origins); `target` the path to upgrade.
    WebSocketClient(boost::asio::io_context& loop, Endpoint endpoint, std::string target, WebSocketOptions options = {},
                    TlsOptions tls = {}, std::optional<ProxyServer> proxy = std::nullopt);
    ~WebSocketClient();
    WebSocketClient(const WebSocketClient&) = delete;
    WebSocketClient& operator=(const WebSocketClient&) = delete;

    const Endpoint& endpoint() const;
    // Opens (upgrades) a socket ahead of need unless one is idle or opening. The
    // headers go with the upgrade request (Authorization) and are kept in memory to
    // open replacements; a socket opened with other headers is never reused.
    void preconnect(std::vector<HttpHeader> headers);
    std::shared_ptr<HttpCall> send(std::string message, std::vector<HttpHeader> headers,
                                   std::chrono::milliseconds timeout, WebSocketHandlers handlers);

    struct Stats {
        size_t handshakes = 0;
        size_t requestsOnReusedSockets = 0;
        size_t socketsRetiredForAge = 0;
        size_t idle = 0;
    };
    Stats stats() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
