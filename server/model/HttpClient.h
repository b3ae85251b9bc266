#pragma once
// An HTTP/1.1 client for one model origin: a keep-alive connection pool (plain TCP
// or TLS with session resumption), requests whose response bodies are handed out
// piece by piece the moment bytes arrive, and cancellation that closes the socket
// at once. Runs on the server's event loop; Beast and Asio stay in HttpClient.cpp.
//
//   HttpClient client(loop, endpoint);
//   client.preconnect();                       // the handshake happens now, not on a keystroke
//   auto call = client.send(request, {
//       .onHead = [](const HttpResponseHead& head) { ... },
//       .onBody = [&](std::string_view bytes) { decoder.feed(bytes, updates); },
//       .onDone = [](const std::string& error) { ... },   // "" once the body is complete
//   });
//   call->cancel();                            // no handler runs after this
//
// A connection goes back to the pool only after its response was read to the end;
// one left mid-response is closed, never reused.

#include "model/Endpoint.h"
#include "model/Proxy.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace flint {

struct HttpHeader {
    std::string name;
    std::string value;
};

struct HttpRequest {
    std::string method = "POST";
    std::string target;  // path and query
    std::vector<HttpHeader> headers;
    std::string body;
    std::chrono::milliseconds timeout{30000};  // the whole exchange
};

struct HttpResponseHead {
    int status = 0;
    std::vector<HttpHeader> headers;
    // The value of a header (case-insensitive name), or "".
    std::string header(std::string_view name) const;
};

struct HttpHandlers {
    std::function<void(const HttpResponseHead&)> onHead;
    std::function<void(std::string_view bytes)> onBody;
    std::function<void(const std::string& error)> onDone;  // "" when the body completed
};

class HttpCall {
public:
    virtual ~HttpCall() = default;
    // Stops delivery at once and closes the connection if the exchange is under way.
    virtual void cancel() = 0;
};

struct TlsOptions {
    std::string extraCaFile;  // added to the system store (corporate proxies)
    bool verify = true;       // false only for self-signed local servers, loudly logged
};

class HttpClient {
public:
    // With a proxy, https origins are reached through a CONNECT tunnel and plain http
    // ones with absolute-form requests.
    HttpClient(boost::asio::io_context& loop, Endpoint endpoint, TlsOptions tls = {},
               std::optional<ProxyServer> proxy = std::nullopt);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    const Endpoint& endpoint() const;
    // Opens a connection ahead of need, unless one is idle already.
    void preconnect();
    std::shared_ptr<HttpCall> send(HttpRequest request, HttpHandlers handlers);

    struct Stats {
        size_t connectionsOpened = 0;
        size_t requestsOnReusedConnections = 0;
        size_t tlsSessionsResumed = 0;
        size_t idle = 0;        // open connections waiting in the pool
        size_t connecting = 0;  // connections being opened (for a request or ahead of need)
    };
    Stats stats() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
