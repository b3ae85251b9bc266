#include "model/HttpClient.h"

#include "model/Connector.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <deque>

namespace flint {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto tuple = asio::as_tuple(use_awaitable);

std::string HttpResponseHead::header(std::string_view name) const {
    for (const HttpHeader& h : headers)
        if (h.name.size() == name.size() &&
            std::equal(h.name.begin(), h.name.end(), name.begin(),
                       [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); }))
            return h.value;
    return {};
}

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
    struct Call : HttpCall {
        std::weak_ptr<Impl> client;
        HttpRequest request;
        HttpHandlers handlers;
        std::shared_ptr<Connection> connection;
        bool cancelled = false;
        bool done = false;

        void cancel() override {
            if (cancelled || done) return;
            cancelled = true;
            // Closing the socket completes any pending operation at once; the
            // connection is never pooled again.
            if (connection) connection->close();
        }
    };

    asio::io_context& loop;
    std::shared_ptr<Connector> connector;
    const Endpoint& endpoint;
    std::deque<std::shared_ptr<Connection>> idle;
    size_t maxIdle = 4;
    Stats stats;

    Impl(asio::io_context& l, Endpoint e, const TlsOptions& options, std::optional<ProxyServer> proxy)
        : loop(l), connector(std::make_shared<Connector>(l, std::move(e), options, std::move(proxy))),
          endpoint(connector->endpoint) {}

    ~Impl() {
        for (auto& c : idle) c->close();
    }

    std::shared_ptr<Connection> takeIdle() {
        while (!idle.empty()) {
            auto c = idle.front();
            idle.pop_front();
            if (c->open()) return c;
        }
        return nullptr;
    }

    void giveBack(const std::shared_ptr<Connection>& c) {
        if (!c->open() || idle.size() >= maxIdle) return c->close();
        c->tcp().expires_never();
        idle.push_back(c);
    }

    awaitable<std::shared_ptr<Connection>> connect(std::chrono::steady_clock::time_point deadline, std::string& error) {
        auto self = shared_from_this();
        co_return co_await connector->connect(deadline, false, error);
    }

    void preconnect() {
        if (!idle.empty() || connector->connecting > 0) return;
        asio::co_spawn(loop, [self = shared_from_this()]() -> awaitable<void> {
            std::string error;
            auto c = co_await self->connect(std::chrono::steady_clock::now() + std::chrono::seconds(10), error);
            if (c) self->giveBack(c);
            else spdlog::warn("pre-connecting to {}: {}", self->endpoint.origin(), error);
        }, asio::detached);
    }

    template <class Stream>
    awaitable<std::string> exchange(Stream& stream, Connection& c, Call& call, bool& headSeen) {
        // Through a proxy without a tunnel (plain http), the target names the origin.
        const std::string target = c.absoluteForm ? endpoint.origin() + call.request.target : call.request.target;
        http::request<http::string_body> req{http::string_to_verb(call.request.method), target, 11};
        req.set(http::field::host, endpoint.authority());
        req.set(http::field::user_agent, "flint-lsp");
        req.set(http::field::accept, "text/event-stream, application/x-ndjson, application/json");
        req.set(http::field::content_type, "application/json");
        for (const HttpHeader& h : call.request.headers) req.set(h.name, h.value);
        req.keep_alive(true);
        req.body() = call.request.body;
        req.prepare_payload();

        auto [wec, written] = co_await http::async_write(stream, req, tuple);
        if (wec) co_return "sending the request failed: " + wec.message();

        http::response_parser<http::buffer_body> parser;
        parser.body_limit(boost::none);  // streams are bounded by the decoders, not here
        // All the chunks a read brought in one go: a fast model sends a chunk per token,
        // and each delivery costs a feature a shaping pass.
        parser.eager(true);
        auto [hec, headBytes] = co_await http::async_read_header(stream, c.buffer, parser, tuple);
        if (call.cancelled) co_return "";
        if (hec) co_return "reading the response failed: " + hec.message();
        headSeen = true;
        HttpResponseHead head;
        head.status = static_cast<int>(parser.get().result_int());
        for (const auto& field : parser.get())
            head.headers.push_back({std::string(field.name_string()), std::string(field.value())});
        if (call.handlers.onHead) call.handlers.onHead(head);

        char buffer[16384];
        while (!parser.is_done() && !call.cancelled) {
            parser.get().body().data = buffer;
            parser.get().body().size = sizeof buffer;
            auto [rec, n] = co_await http::async_read_some(stream, c.buffer, parser, tuple);
            if (call.cancelled) co_return "";
            if (rec == http::error::need_buffer) rec = {};
            const size_t got = sizeof buffer - parser.get().body().size;
            if (got > 0 && call.handlers.onBody) call.handlers.onBody(std::string_view(buffer, got));
            if (call.cancelled) co_return "";
            if (rec) co_return "the response stream broke: " + rec.message();
        }
        if (!parser.keep_alive()) c.close();
        co_return "";
    }

    awaitable<void> run(std::shared_ptr<Call> call) {
        auto self = shared_from_this();
        const auto deadline = std::chrono::steady_clock::now() + call->request.timeout;
        std::string error;
        // A pooled connection the server has meanwhile closed fails before any response
        // byte; then the request is sent once more on a fresh connection.
        for (int attempt = 0; attempt < 2; ++attempt) {
            auto c = takeIdle();
            const bool reused = c != nullptr;
            if (!c) {
                error.clear();
                c = co_await connect(deadline, error);
                if (!c) break;
            }
            if (call->cancelled) {
                giveBack(c);  // untouched by this request: still clean
                co_return;
            }
            if (reused) ++stats.requestsOnReusedConnections;
            call->connection = c;
            c->tcp().expires_at(deadline);
            bool headSeen = false;
            // Not `cond ? co_await a : co_await b`: GCC 12 miscompiles co_await in a
            // conditional expression.
            if (c->secure) error = co_await exchange(*c->secure, *c, *call, headSeen);
            else error = co_await exchange(*c->plain, *c, *call, headSeen);
            call->connection.reset();
            if (call->cancelled) co_return;
            if (error.empty()) {
                giveBack(c);
                break;
            }
            c->close();
            if (!reused || headSeen) break;
            spdlog::debug("pooled connection to {} was stale ({}); retrying", endpoint.origin(), error);
        }
        call->done = true;
        if (call->handlers.onDone) call->handlers.onDone(error);
    }
};

HttpClient::HttpClient(asio::io_context& loop, Endpoint endpoint, TlsOptions tls, std::optional<ProxyServer> proxy)
    : impl_(std::make_shared<Impl>(loop, std::move(endpoint), tls, std::move(proxy))) {}

HttpClient::~HttpClient() = default;

const Endpoint& HttpClient::endpoint() const { return impl_->endpoint; }

void HttpClient::preconnect() { impl_->preconnect(); }

std::shared_ptr<HttpCall> HttpClient::send(HttpRequest request, HttpHandlers handlers) {
    auto call = std::make_shared<Impl::Call>();
    call->client = impl_;
    call->request = std::move(request);
    call->handlers = std::move(handlers);
    // The lambda keeps the client's state alive until the exchange is over.
    asio::co_spawn(impl_->loop, [self = impl_, call] { return self->run(call); }, [call](std::exception_ptr failure) {
        if (!failure) return;
        std::string what = "internal error in the HTTP client";
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            what += std::string(": ") + e.what();
        } catch (...) {
        }
        // Logged even when nobody waits for the call any more: a bug must not vanish.
        spdlog::error("{}", what);
        if (call->cancelled || call->done) return;
        call->done = true;
        if (call->handlers.onDone) call->handlers.onDone(what);
    });
    return call;
}

HttpClient::Stats HttpClient::stats() const {
    Stats s = impl_->stats;
    s.connectionsOpened = impl_->connector->opened;
    s.tlsSessionsResumed = impl_->connector->resumed;
    s.idle = impl_->idle.size();
    s.connecting = impl_->connector->connecting;
    return s;
}

} // namespace flint
