#include "model/Provider.h"

#include "model/StreamDecoder.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <random>

namespace flint {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::optional<std::string> Provider::systemEnvironment(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

namespace {

// The most useful line of an error body: {"error": {"message"}} / {"error": "..."} / {"message"} / text.
std::string errorMessage(const std::string& body) {
    boost::system::error_code ec;
    const json::value v = json::parse(body, ec);
    if (!ec && v.is_object()) {
        const json::object& o = v.as_object();
        if (const json::value* e = o.if_contains("error")) {
            if (e->is_string()) return std::string(e->as_string());
            if (const json::object* eo = e->if_object())
                if (const json::value* m = eo->if_contains("message"); m && m->is_string()) return std::string(m->as_string());
        }
        if (const json::value* m = o.if_contains("message"); m && m->is_string()) return std::string(m->as_string());
    }
    std::string text = body.substr(0, 200);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

std::optional<milliseconds> parseRetryAfter(const std::string& value) {
    unsigned seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty()) return std::nullopt;
    return milliseconds(seconds * 1000LL);
}

} // namespace

struct Provider::Impl : std::enable_shared_from_this<Impl> {
    asio::io_context& loop;
    ProviderConfig config;
    Environment environment;
    const WireFormat& format;
    HttpClient client;
    std::optional<Clock::time_point> rateLimitedUntil;
    std::minstd_rand random{std::random_device{}()};
    std::vector<std::function<void(const ProviderEvent&)>> observers;
    uint64_t nextCall = 1;

    void report(const ProviderEvent& event) {
        for (auto& observer : observers) observer(event);
    }

    Impl(asio::io_context& l, ProviderConfig c, Environment env)
        : loop(l), config(std::move(c)), environment(std::move(env)), format(*findWireFormat(config.kind)),
          client(l, config.endpoint, TlsOptions{config.caFile, config.tlsVerify}) {}

    struct Call : ProviderCall, std::enable_shared_from_this<Call> {
        std::shared_ptr<Impl> provider;
        ModelRequest request;
        std::function<void(const StreamUpdate&)> onUpdate;
        Clock::time_point deadline;
        Clock::time_point started = Clock::now();
        uint64_t number = 0;
        std::string servedBy;
        asio::steady_timer firstToken;
        asio::steady_timer retry;
        std::shared_ptr<HttpCall> http;
        std::unique_ptr<StreamDecoder> decoder;
        int attempt = 0;
        bool gotText = false;
        bool done = false;
        int status = 0;
        std::string retryAfter;
        std::string errorBody;

        Call(std::shared_ptr<Impl> p, asio::io_context& loop) : provider(std::move(p)), firstToken(loop), retry(loop) {}

        void cancel() override {
            if (done) return;
            done = true;
            stop();
            ProviderEvent event = reportable(ProviderEvent::Kind::Ended);
            event.cancelled = true;
            provider->report(event);
        }
        ProviderEvent reportable(ProviderEvent::Kind kind) const {
            ProviderEvent event;
            event.kind = kind;
            event.call = number;
            event.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
            event.model = servedBy;
            return event;
        }
        void stop() {
            firstToken.cancel();
            retry.cancel();
            if (http) http->cancel();
            http.reset();  // the exchange's handlers hold this call: let go of each other
        }
        void finish(StreamUpdate update) {
            if (done) return;
            done = true;
            const bool clean = update.end == StreamUpdate::End::Stop || update.end == StreamUpdate::End::Length;
            if (clean) {
                // Let the body run to its end ([DONE], a usage event) so the connection
                // goes back to the pool; the decoder ignores what follows the end.
                firstToken.cancel();
                retry.cancel();
            } else {
                stop();
            }
            if (update.end == StreamUpdate::End::Error || update.end == StreamUpdate::End::Truncated)
                spdlog::warn("{} via {}: {}", provider->config.model, provider->config.endpoint.origin(), update.error);
            if (!update.model.empty()) servedBy = update.model;
            ProviderEvent event = reportable(ProviderEvent::Kind::Ended);
            event.end = update.end;
            event.error = update.error;
            provider->report(event);
            onUpdate(update);
        }
        void fail(std::string message) {
            StreamUpdate update;
            update.end = StreamUpdate::End::Error;
            update.error = std::move(message);
            finish(std::move(update));
        }
        milliseconds left() const {
            return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        }

        void start(std::string apiKey) {
            if (left().count() <= 0) return fail("no time left for the request");
            ++attempt;
            status = 0;
            retryAfter.clear();
            errorBody.clear();
            decoder = std::make_unique<StreamDecoder>(provider->format);

            HttpRequest http;
            http.target = provider->config.endpoint.target(provider->format.path());
            http.body = provider->format.requestBody(request);
            http.timeout = left();
            if (!apiKey.empty()) http.headers.push_back({"Authorization", "Bearer " + apiKey});

            if (!gotText) {
                firstToken.expires_after(std::min(provider->config.firstTokenTimeout, left()));
                firstToken.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
                    auto self = weak.lock();
                    if (ec || !self || self->gotText || self->done) return;
                    self->fail("no token from the model within " +
                               std::to_string(self->provider->config.firstTokenTimeout.count()) + " ms");
                });
            }
            // The exchange keeps the call alive: a stream goes on delivering until it ends
            // or is cancelled, whether or not the caller keeps the handle.
            auto self = shared_from_this();
            this->http = provider->client.send(std::move(http), {
                .onHead = [self](const HttpResponseHead& head) {
                    self->status = head.status;
                    self->retryAfter = head.header("retry-after");
                },
                .onBody = [self](std::string_view bytes) { self->body(bytes); },
                .onDone = [self, apiKey](const std::string& error) { self->ended(error, apiKey); },
            });
        }

        void body(std::string_view bytes) {
            if (done) return;
            if (status != 200) {
                if (errorBody.size() < 65536) errorBody.append(bytes.substr(0, 65536 - errorBody.size()));
                return;
            }
            std::vector<StreamUpdate> updates;
            decoder->feed(bytes, updates);
            deliver(updates);
        }

        void deliver(std::vector<StreamUpdate>& updates) {
            for (StreamUpdate& u : updates) {
                if (done) return;
                if (!u.model.empty()) servedBy = u.model;
                if (!u.text.empty() && !gotText) {
                    gotText = true;
                    firstToken.cancel();
                    provider->report(reportable(ProviderEvent::Kind::FirstToken));
                }
                if (u.end != StreamUpdate::End::None) return finish(std::move(u));
                onUpdate(u);
            }
        }

        void retryLater(milliseconds delay, std::string apiKey) {
            retry.expires_after(delay);
            retry.async_wait([weak = weak_from_this(), apiKey](boost::system::error_code ec) {
                if (auto self = weak.lock(); self && !ec && !self->done) self->start(apiKey);
            });
        }

        void ended(const std::string& transportError, const std::string& apiKey) {
            if (done) {
                http.reset();
                return;
            }
            const bool retriesLeft = attempt <= provider->config.maxRetries;
            if (status == 429) {
                const milliseconds wait = parseRetryAfter(retryAfter).value_or(milliseconds(1000));
                provider->rateLimitedUntil = Clock::now() + wait;
                ProviderEvent limited = reportable(ProviderEvent::Kind::RateLimited);
                limited.until = *provider->rateLimitedUntil;
                provider->report(limited);
                if (retriesLeft && wait < left()) return retryLater(wait, apiKey);
                return fail("rate limited by the provider" +
                            (retryAfter.empty() ? std::string() : " (retry after " + retryAfter + " s)") + ": " +
                            errorMessage(errorBody));
            }
            if (status >= 500) {
                // Exponential backoff with jitter: 200 ms, 400 ms, ... times 0.5 to 1.5.
                const double jitter = std::uniform_real_distribution<double>(0.5, 1.5)(provider->random);
                const milliseconds wait(static_cast<int64_t>(200.0 * (1 << (attempt - 1)) * jitter));
                if (retriesLeft && wait < left()) return retryLater(wait, apiKey);
                return fail("the provider failed (HTTP " + std::to_string(status) + "): " + errorMessage(errorBody));
            }
            if (status != 0 && status != 200)
                return fail("the provider refused the request (HTTP " + std::to_string(status) + "): " +
                            errorMessage(errorBody));
            if (!transportError.empty() && status == 0 && !gotText && retriesLeft && attempt == 1 && left().count() > 0) {
                // Nothing came back at all: one more try on a fresh connection.
                return start(apiKey);
            }
            std::vector<StreamUpdate> updates;
            decoder->finish(updates);
            for (StreamUpdate& u : updates)
                if (u.end == StreamUpdate::End::Truncated && !transportError.empty()) u.error = transportError;
            deliver(updates);
        }
    };
};

Provider::Provider(asio::io_context& loop, ProviderConfig config, Environment environment)
    : impl_(std::make_shared<Impl>(loop, std::move(config), std::move(environment))) {}

Provider::~Provider() { impl_->observers.clear(); }

const ProviderConfig& Provider::config() const { return impl_->config; }

void Provider::warm() { impl_->client.preconnect(); }

std::shared_ptr<ProviderCall> Provider::stream(ModelRequest request, std::function<void(const StreamUpdate&)> onUpdate) {
    auto call = std::make_shared<Impl::Call>(impl_, impl_->loop);
    if (request.model.empty()) request.model = impl_->config.model;
    call->request = std::move(request);
    call->onUpdate = std::move(onUpdate);
    call->deadline = Clock::now() + impl_->config.timeout;
    call->number = impl_->nextCall++;
    impl_->report(call->reportable(ProviderEvent::Kind::Started));
    std::string apiKey;
    if (!impl_->config.apiKeyEnv.empty()) {
        auto key = impl_->environment(impl_->config.apiKeyEnv);
        if (!key) {
            // Post the failure: a caller never gets a callback before stream() returns.
            asio::post(impl_->loop, [call, name = impl_->config.apiKeyEnv] {
                call->fail("no API key: the environment variable " + name + " is not set");
            });
            return call;
        }
        apiKey = std::move(*key);
    }
    spdlog::debug("model request: {} {} model {}", impl_->config.kind, impl_->config.endpoint.origin(),
                  call->request.model);
    call->start(std::move(apiKey));
    return call;
}

std::optional<Clock::time_point> Provider::rateLimitedUntil() const { return impl_->rateLimitedUntil; }

HttpClient::Stats Provider::connectionStats() const { return impl_->client.stats(); }

void Provider::observe(std::function<void(const ProviderEvent&)> observer) {
    impl_->observers.push_back(std::move(observer));
}

} // namespace flint
