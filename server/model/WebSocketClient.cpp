#include "model/WebSocketClient.h"

#include "model/Connector.h"
#include "model/WebSocketFrame.h"
#include "support/Base64.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <random>

namespace flint {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using Clock = std::chrono::steady_clock;
constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

namespace {

std::string fingerprint(const std::vector<HttpHeader>& headers) {
    std::string out;
    for (const HttpHeader& h : headers) out += h.name + '\0' + h.value + '\0';
    return out;
}

} // namespace

struct WebSocketClient::Impl : std::enable_shared_from_this<Impl> {
    struct Socket;

    struct Call : HttpCall {
        std::weak_ptr<Impl> client;
        std::string message;
        std::vector<HttpHeader> headers;
        std::chrono::milliseconds timeout;
        WebSocketHandlers handlers;
        std::shared_ptr<Socket> socket;
        std::unique_ptr<asio::steady_timer> deadline;
        bool cancelled = false;
        bool done = false;

        void cancel() override {
            if (cancelled || done) return;
            cancelled = true;
            if (deadline) deadline->cancel();
            // The mode documents no way to stop one response and keep the socket:
            // closing it is the cancellation. A replacement opens in the background.
            if (auto s = socket) {
                socket.reset();
                if (auto c = client.lock()) c->closeSocket(s, "", true);
            }
        }
    };

    struct Socket {
        std::shared_ptr<Connection> connection;
        WebSocketDecoder decoder;
        std::string fingerprint;
        std::deque<std::string> outbox;
        bool writing = false;
        bool closed = false;
        std::shared_ptr<Call> call;
        Clock::time_point opened = Clock::now();
        std::unique_ptr<asio::steady_timer> ageTimer;
        Socket(size_t maxMessageBytes) : decoder(maxMessageBytes, false) {}
    };

    asio::io_context& loop;
    std::shared_ptr<Connector> connector;
    std::string target;
    WebSocketOptions options;
    std::deque<std::shared_ptr<Socket>> idle;
    std::vector<HttpHeader> lastHeaders;
    bool haveHeaders = false;
    size_t opening = 0;
    int failedOpens = 0;  // consecutive, to back off background reconnects
    bool stopping = false;
    Stats stats;
    std::mt19937 random{std::random_device{}()};

    Impl(asio::io_context& l, Endpoint e, std::string t, WebSocketOptions o, const TlsOptions& tls,
         std::optional<ProxyServer> proxy)
        : loop(l), connector(std::make_shared<Connector>(l, std::move(e), tls, std::move(proxy))),
          target(std::move(t)), options(o) {}

    ~Impl() {
        stopping = true;
        for (auto& s : idle) {
            s->closed = true;
            if (s->ageTimer) s->ageTimer->cancel();
            s->connection->close();
        }
    }

    std::array<uint8_t, 4> mask() {
        const uint32_t r = random();
        return {uint8_t(r), uint8_t(r >> 8), uint8_t(r >> 16), uint8_t(r >> 24)};
    }

    // Opens and upgrades one socket. On a refused upgrade (any status but 101) the
    // head and body go to `refused`/`refusedBody` and nothing is returned.
    awaitable<std::shared_ptr<Socket>> open(Clock::time_point deadline, const std::vector<HttpHeader>& headers,
                                            std::string& error, std::shared_ptr<Call> forCall) {
        auto self = shared_from_this();
        ++opening;
        struct Done {
            size_t& n;
            ~Done() { --n; }
        } done{opening};
        auto c = co_await connector->connect(deadline, true, error);
        if (!c) co_return nullptr;
        std::string keyBytes(16, '\0');
        for (char& b : keyBytes) b = static_cast<char>(random());
        const std::string key = base64Encode(keyBytes);
        http::request<http::empty_body> req{http::verb::get, connector->endpoint.target(target), 11};
        req.set(http::field::host, connector->endpoint.authority());
        req.set(http::field::user_agent, "flint-lsp");
        req.set(http::field::upgrade, "websocket");
        req.set(http::field::connection, "Upgrade");
        req.set(http::field::sec_websocket_key, key);
        req.set(http::field::sec_websocket_version, "13");
        for (const HttpHeader& h : headers) req.set(h.name, h.value);
        c->tcp().expires_at(deadline);
        beast::error_code wec;
        if (c->secure) std::tie(wec, std::ignore) = co_await http::async_write(*c->secure, req, tuple);
        else std::tie(wec, std::ignore) = co_await http::async_write(*c->plain, req, tuple);
        if (wec) {
            error = "sending the WebSocket upgrade failed: " + wec.message();
            c->close();
            co_return nullptr;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(65536);
        beast::error_code hec;
        if (c->secure) std::tie(hec, std::ignore) = co_await http::async_read_header(*c->secure, c->buffer, parser, tuple);
        else std::tie(hec, std::ignore) = co_await http::async_read_header(*c->plain, c->buffer, parser, tuple);
        if (hec) {
            error = "reading the WebSocket upgrade response failed: " + hec.message();
            c->close();
            co_return nullptr;
        }
        const auto& res = parser.get();
        if (res.result_int() != 101) {
            // Read the (small) body so the caller can tell the user why.
            beast::error_code bec;
            if (!parser.is_done()) {
                if (c->secure) std::tie(bec, std::ignore) = co_await http::async_read(*c->secure, c->buffer, parser, tuple);
                else std::tie(bec, std::ignore) = co_await http::async_read(*c->plain, c->buffer, parser, tuple);
            }
            c->close();
            error = "the model server refused the WebSocket upgrade (HTTP " + std::to_string(res.result_int()) + ")";
            if (forCall && !forCall->cancelled) {
                HttpResponseHead head;
                head.status = static_cast<int>(res.result_int());
                for (const auto& field : res) head.headers.push_back({std::string(field.name_string()), std::string(field.value())});
                if (forCall->handlers.onRefused) forCall->handlers.onRefused(head);
                if (!forCall->cancelled && forCall->handlers.onRefusalBody) forCall->handlers.onRefusalBody(parser.get().body());
            }
            co_return nullptr;
        }
        if (!beast::iequals(res[http::field::upgrade], "websocket") ||
            res[http::field::sec_websocket_accept] != webSocketAccept(key)) {
            error = "the model server's WebSocket upgrade response is invalid";
            c->close();
            co_return nullptr;
        }
        c->tcp().expires_never();
        ++stats.handshakes;
        auto s = std::make_shared<Socket>(options.maxMessageBytes);
        s->connection = c;
        s->fingerprint = fingerprint(headers);
        s->ageTimer = std::make_unique<asio::steady_timer>(loop);
        s->ageTimer->expires_after(options.maxAge);
        s->ageTimer->async_wait([weak = weak_from_this(), s](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || s->closed) return;
            if (s->call) return;  // busy: retired when its response ends
            ++self->stats.socketsRetiredForAge;
            spdlog::debug("WebSocket to {} reached its age limit: replacing it", self->connector->endpoint.origin());
            self->closeSocket(s, "", true);
        });
        asio::co_spawn(loop, readLoop(s), asio::detached);
        co_return s;
    }

    awaitable<void> readLoop(std::shared_ptr<Socket> s) {
        auto self = shared_from_this();
        std::vector<WebSocketMessage> messages;
        // Bytes that came with the upgrade response are the first frames.
        if (s->connection->buffer.size() > 0) {
            const auto data = s->connection->buffer.cdata();
            std::string first(static_cast<const char*>(data.data()), data.size());
            s->connection->buffer.consume(data.size());
            if (!handleBytes(s, first, messages)) co_return;
        }
        char buffer[16384];
        while (!s->closed) {
            beast::error_code ec;
            size_t n = 0;
            if (s->connection->secure) std::tie(ec, n) = co_await s->connection->secure->async_read_some(asio::buffer(buffer), tuple);
            else std::tie(ec, n) = co_await s->connection->plain->async_read_some(asio::buffer(buffer), tuple);
            if (s->closed) co_return;
            if (ec) {
                closeSocket(s, "the WebSocket connection broke: " + ec.message(), false);
                co_return;
            }
            if (!handleBytes(s, std::string_view(buffer, n), messages)) co_return;
        }
    }

    // False once the socket is closed.
    bool handleBytes(const std::shared_ptr<Socket>& s, std::string_view bytes, std::vector<WebSocketMessage>& messages) {
        messages.clear();
        const bool ok = s->decoder.feed(bytes, messages);
        for (WebSocketMessage& m : messages) {
            if (s->closed) return false;
            switch (m.type) {
            case WebSocketMessage::Type::Ping:
                write(s, encodeWebSocketFrame(WebSocketOpcode::Pong, m.payload, mask()));
                break;
            case WebSocketMessage::Type::Pong: break;
            case WebSocketMessage::Type::Close:
                write(s, encodeWebSocketClose(1000, "", mask()));
                closeSocket(s, "the model server closed the WebSocket (" + std::to_string(m.closeCode) +
                                   (m.payload.empty() ? std::string() : ": " + m.payload) + ")",
                            false);
                return false;
            case WebSocketMessage::Type::Text:
            case WebSocketMessage::Type::Binary: {
                std::shared_ptr<Call> call = s->call;
                if (!call || call->cancelled || call->done) break;  // nothing asked: ignore
                const bool last = call->handlers.onMessage(m.payload);
                if (call->cancelled || s->closed) break;
                if (last) finish(s, call, "");
                break;
            }
            }
        }
        if (!ok && !s->closed) {
            write(s, encodeWebSocketClose(s->decoder.failureCode(), "", mask()));
            closeSocket(s, "the model server broke the WebSocket protocol: " + s->decoder.error(), false);
            return false;
        }
        return !s->closed;
    }

    void write(const std::shared_ptr<Socket>& s, std::string frame) {
        if (s->closed) return;
        s->outbox.push_back(std::move(frame));
        if (!s->writing) asio::co_spawn(loop, writeLoop(s), asio::detached);
    }

    awaitable<void> writeLoop(std::shared_ptr<Socket> s) {
        auto self = shared_from_this();
        s->writing = true;
        while (!s->outbox.empty() && !s->closed) {
            beast::error_code ec;
            if (s->connection->secure) std::tie(ec, std::ignore) = co_await asio::async_write(*s->connection->secure, asio::buffer(s->outbox.front()), tuple);
            else std::tie(ec, std::ignore) = co_await asio::async_write(*s->connection->plain, asio::buffer(s->outbox.front()), tuple);
            if (ec) {
                s->writing = false;
                closeSocket(s, "sending on the WebSocket failed: " + ec.message(), false);
                co_return;
            }
            s->outbox.pop_front();
        }
        s->writing = false;
    }

    void finish(const std::shared_ptr<Socket>& s, const std::shared_ptr<Call>& call, const std::string& error) {
        if (call->done) return;
        call->done = true;
        call->socket.reset();
        if (call->deadline) call->deadline->cancel();
        if (s) {
            s->call.reset();
            if (error.empty()) giveBack(s);
        }
        if (call->handlers.onDone) call->handlers.onDone(error);
    }

    void giveBack(const std::shared_ptr<Socket>& s) {
        if (s->closed) return;
        if (stopping) return closeSocket(s, "", false);
        if (Clock::now() - s->opened >= options.maxAge) {
            ++stats.socketsRetiredForAge;
            return closeSocket(s, "", true);
        }
        if (idle.size() >= options.maxIdle) return closeSocket(s, "", false);
        idle.push_back(s);
    }

    // Closes a socket; a call on it ends with `error` (unless cancelled). With
    // `replace`, a fresh socket is opened in the background to keep one warm.
    void closeSocket(const std::shared_ptr<Socket>& s, const std::string& error, bool replace) {
        if (s->closed) return;
        s->closed = true;
        if (s->ageTimer) s->ageTimer->cancel();
        s->connection->close();
        std::erase(idle, s);
        if (auto call = s->call) {
            s->call.reset();
            if (!call->cancelled) finish(nullptr, call, error.empty() ? "the WebSocket closed" : error);
        }
        // A socket the server dropped while idle is replaced too, unless opening keeps failing.
        if ((replace || !error.empty()) && !stopping) ensureWarm();
    }

    void ensureWarm() {
        if (!haveHeaders || !idle.empty() || opening > 0 || stopping) return;
        const int failures = failedOpens;
        auto delay = std::chrono::milliseconds(failures == 0 ? 0 : std::min(30000, 250 << std::min(failures, 7)));
        auto timer = std::make_shared<asio::steady_timer>(loop, delay);
        ++opening;  // counted from now so that no second warm-up starts meanwhile
        timer->async_wait([weak = weak_from_this(), timer](boost::system::error_code) {
            auto self = weak.lock();
            if (!self) return;
            --self->opening;
            if (self->stopping || !self->idle.empty() || self->opening > 0) return;
            asio::co_spawn(self->loop, self->warmOne(), asio::detached);
        });
    }

    awaitable<void> warmOne() {
        auto self = shared_from_this();
        std::string error;
        auto s = co_await open(Clock::now() + std::chrono::seconds(10), lastHeaders, error, nullptr);
        if (!s) {
            ++failedOpens;
            spdlog::warn("opening a WebSocket to {}: {}", connector->endpoint.origin(), error);
            co_return;
        }
        failedOpens = 0;
        giveBack(s);
    }

    std::shared_ptr<Socket> takeIdle(const std::string& print) {
        while (!idle.empty()) {
            auto s = idle.front();
            idle.pop_front();
            if (s->closed || !s->connection->open()) continue;
            if (s->fingerprint != print || Clock::now() - s->opened >= options.maxAge) {
                closeSocket(s, "", false);
                continue;
            }
            return s;
        }
        return nullptr;
    }

    awaitable<void> run(std::shared_ptr<Call> call) {
        auto self = shared_from_this();
        const auto deadline = Clock::now() + call->timeout;
        call->deadline = std::make_unique<asio::steady_timer>(loop, deadline);
        call->deadline->async_wait([weak = weak_from_this(), call](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || call->done || call->cancelled) return;
            if (auto s = call->socket) {
                call->socket.reset();
                self->closeSocket(s, "the response timed out", false);
            }
            self->finish(nullptr, call, "timeout: the response did not finish in time");
        });
        const std::string print = fingerprint(call->headers);
        std::shared_ptr<Socket> s = takeIdle(print);
        const bool reused = s != nullptr;
        if (!s) {
            std::string error;
            s = co_await open(deadline, call->headers, error, call);
            if (call->cancelled || call->done) {
                if (s) giveBack(s);
                co_return;
            }
            if (!s) {
                ++failedOpens;
                co_return finish(nullptr, call, error);
            }
            failedOpens = 0;
        }
        if (reused) ++stats.requestsOnReusedSockets;
        if (call->cancelled || call->done) {
            giveBack(s);
            co_return;
        }
        s->call = call;
        call->socket = s;
        write(s, encodeWebSocketFrame(WebSocketOpcode::Text, call->message, mask()));
    }
};

WebSocketClient::WebSocketClient(asio::io_context& loop, Endpoint endpoint, std::string target,
                                 WebSocketOptions options, TlsOptions tls, std::optional<ProxyServer> proxy)
    : impl_(std::make_shared<Impl>(loop, std::move(endpoint), std::move(target), options, tls, std::move(proxy))) {}

WebSocketClient::~WebSocketClient() {
    impl_->stopping = true;
    for (auto& s : std::deque(impl_->idle)) impl_->closeSocket(s, "", false);
}

const Endpoint& WebSocketClient::endpoint() const { return impl_->connector->endpoint; }

void WebSocketClient::preconnect(std::vector<HttpHeader> headers) {
    impl_->lastHeaders = std::move(headers);
    impl_->haveHeaders = true;
    impl_->ensureWarm();
}

std::shared_ptr<HttpCall> WebSocketClient::send(std::string message, std::vector<HttpHeader> headers,
                                                std::chrono::milliseconds timeout, WebSocketHandlers handlers) {
    auto call = std::make_shared<Impl::Call>();
    call->client = impl_;
    call->message = std::move(message);
    impl_->lastHeaders = headers;
    impl_->haveHeaders = true;
    call->headers = std::move(headers);
    call->timeout = timeout;
    call->handlers = std::move(handlers);
    asio::co_spawn(impl_->loop, [self = impl_, call] { return self->run(call); }, [call](std::exception_ptr failure) {
        if (!failure) return;
        std::string what = "internal error in the WebSocket client";
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

WebSocketClient::Stats WebSocketClient::stats() const {
    Stats s = impl_->stats;
    s.idle = impl_->idle.size();
    return s;
}

} // namespace flint
