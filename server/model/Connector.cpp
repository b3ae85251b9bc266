#include "model/Connector.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <set>

namespace flint {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

void Connection::close() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
}

Connector::Connector(asio::io_context& l, Endpoint e, const TlsOptions& options, std::optional<ProxyServer> p)
    : loop(l), endpoint(std::move(e)), proxy(std::move(p)) {
    if (proxy) spdlog::info("connections to {} go through the proxy {}", endpoint.origin(), proxy->display);
    if (!endpoint.tls) return;
    tls_.set_default_verify_paths();
    if (!options.extraCaFile.empty()) {
        beast::error_code ec;
        tls_.load_verify_file(options.extraCaFile, ec);
        if (ec) spdlog::error("cannot load the CA file {}: {}", options.extraCaFile, ec.message());
    }
    if (options.verify) {
        tls_.set_verify_mode(ssl::verify_peer);
    } else {
        tls_.set_verify_mode(ssl::verify_none);
        // Once per endpoint for the life of the process: a provider is re-created on
        // every configuration change, and a warning repeated each time stops being read.
        static std::set<std::string> warned;
        if (warned.insert(endpoint.origin()).second)
            spdlog::warn("TLS certificate verification is OFF for {} (tlsVerify: false): use this only for a local server",
                         endpoint.origin());
    }
    SSL_CTX_set_session_cache_mode(tls_.native_handle(), SSL_SESS_CACHE_CLIENT);
}

Connector::~Connector() {
    if (session_) SSL_SESSION_free(session_);
}

asio::awaitable<std::shared_ptr<Connection>> Connector::connect(std::chrono::steady_clock::time_point deadline,
                                                                bool tunnel, std::string& error) {
    auto self = shared_from_this();
    ++opened;
    ++connecting;
    struct Done {
        size_t& n;
        ~Done() { --n; }
    } done{connecting};
    const std::string& host = proxy ? proxy->host : endpoint.host;
    const uint16_t port = proxy ? proxy->port : endpoint.port;
    const std::string peer = proxy ? "the proxy " + proxy->display : endpoint.authority();
    tcp::resolver resolver(loop);
    auto [rec, results] = co_await resolver.async_resolve(host, std::to_string(port), tuple);
    if (rec) {
        error = "cannot resolve " + host + ": " + rec.message();
        co_return nullptr;
    }
    auto c = std::make_shared<Connection>();
    if (endpoint.tls) c->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(loop, tls_);
    else c->plain = std::make_unique<beast::tcp_stream>(loop);
    c->tcp().expires_at(deadline);
    auto [cec, ep] = co_await c->tcp().async_connect(results, tuple);
    if (cec) {
        error = "cannot connect to " + peer + ": " + cec.message();
        co_return nullptr;
    }
    c->tcp().socket().set_option(tcp::no_delay(true));

    if (proxy && (endpoint.tls || tunnel)) {
        http::request<http::empty_body> req{http::verb::connect, endpoint.host.find(':') != std::string::npos
                                                                     ? "[" + endpoint.host + "]:" + std::to_string(endpoint.port)
                                                                     : endpoint.host + ":" + std::to_string(endpoint.port),
                                            11};
        req.set(http::field::host, req.target());
        req.set(http::field::user_agent, "flint-lsp");
        if (!proxy->authorization.empty()) req.set(http::field::proxy_authorization, proxy->authorization);
        auto [wec, w] = co_await http::async_write(c->tcp(), req, tuple);
        if (wec) {
            error = "the proxy " + proxy->display + " closed the connection: " + wec.message();
            co_return nullptr;
        }
        http::response_parser<http::empty_body> parser;
        parser.skip(true);  // a CONNECT response has no body: what follows is the tunnel
        auto [hec, h] = co_await http::async_read_header(c->tcp(), c->buffer, parser, tuple);
        if (hec) {
            error = "the proxy " + proxy->display + " did not answer CONNECT: " + hec.message();
            co_return nullptr;
        }
        const unsigned status = parser.get().result_int();
        if (status == 407) {
            error = "the proxy " + proxy->display + " requires authentication (HTTP 407): put user:password in the proxy URL";
            co_return nullptr;
        }
        if (status / 100 != 2) {
            error = "the proxy " + proxy->display + " refused to connect to " + endpoint.authority() + " (HTTP " +
                    std::to_string(status) + ")";
            co_return nullptr;
        }
        if (c->buffer.size() > 0) {
            error = "the proxy " + proxy->display + " sent data before the tunnel opened";
            co_return nullptr;
        }
    } else if (proxy) {
        c->absoluteForm = true;
    }

    if (c->secure) {
        SSL* ssl = c->secure->native_handle();
        SSL_set_tlsext_host_name(ssl, endpoint.host.c_str());
        c->secure->set_verify_callback(ssl::host_name_verification(endpoint.host));
        if (session_) SSL_set_session(ssl, session_);
        auto [hec] = co_await c->secure->async_handshake(ssl::stream_base::client, tuple);
        if (hec) {
            error = "TLS handshake with " + endpoint.authority() + " failed: " + hec.message();
            // What the user can do about it (never: turn verification off).
            if (error.find("certificate verify failed") != std::string::npos)
                error += " (its certificate is not trusted: set provider.caFile to the CA that signed it)";
            co_return nullptr;
        }
        if (SSL_session_reused(ssl)) ++resumed;
        if (SSL_SESSION* fresh = SSL_get1_session(ssl)) {
            if (session_) SSL_SESSION_free(session_);
            session_ = fresh;
        }
    }
    c->tcp().expires_never();
    co_return c;
}

} // namespace flint
