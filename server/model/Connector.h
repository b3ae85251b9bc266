#pragma once
// Internal to model/ (HttpClient.cpp and WebSocketClient.cpp include it; nothing
// else should: it pulls in Asio, Beast and OpenSSL). Opens connections to one model
// origin: DNS, TCP, an optional HTTP proxy (CONNECT tunnel), TLS with verification,
// SNI and session resumption, all bounded by a deadline.
//
//   auto connector = std::make_shared<Connector>(loop, endpoint, tls, proxy);
//   std::string error;
//   auto connection = co_await connector->connect(deadline, /*tunnel=*/false, error);

#include "model/Endpoint.h"
#include "model/HttpClient.h"
#include "model/Proxy.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

typedef struct ssl_session_st SSL_SESSION;

namespace flint {

struct Connection {
    std::unique_ptr<boost::beast::tcp_stream> plain;
    std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure;
    boost::beast::flat_buffer buffer;
    std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
    // Plain HTTP through a proxy without a tunnel: requests use the absolute form.
    bool absoluteForm = false;

    boost::beast::tcp_stream& tcp() { return secure ? boost::beast::get_lowest_layer(*secure) : *plain; }
    bool open() { return tcp().socket().is_open(); }
    void close();
};

class Connector : public std::enable_shared_from_this<Connector> {
public:
    Connector(boost::asio::io_context& loop, Endpoint endpoint, const TlsOptions& tls,
              std::optional<ProxyServer> proxy);
    ~Connector();

    // `tunnel` asks for a CONNECT tunnel even to a plain-http origin (WebSocket);
    // plain HTTP requests otherwise go to the proxy in absolute form.
    boost::asio::awaitable<std::shared_ptr<Connection>> connect(std::chrono::steady_clock::time_point deadline,
                                                                bool tunnel, std::string& error);

    boost::asio::io_context& loop;
    const Endpoint endpoint;
    const std::optional<ProxyServer> proxy;
    size_t opened = 0;
    size_t resumed = 0;
    size_t connecting = 0;

private:
    boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
    SSL_SESSION* session_ = nullptr;  // for resumption on the next handshake
};

} // namespace flint
