#include "model/Provider.h"

#include "model/LocalModelProcess.h"
#include "model/ProviderErrorText.h"
#include "model/Proxy.h"
#include "model/StreamDecoder.h"
#include "model/WebSocketClient.h"
#include "support/Utf8.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <random>

namespace flint {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using Refusal = StreamUpdate::Refusal;

std::optional<std::string> Provider::systemEnvironment(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

std::string_view toString(ProviderHealth::State state) {
    switch (state) {
    case ProviderHealth::State::Ready: return "ready";
    case ProviderHealth::State::Starting: return "starting";
    case ProviderHealth::State::RateLimited: return "rateLimited";
    case ProviderHealth::State::OverBudget: return "overBudget";
    case ProviderHealth::State::Unreachable: return "unreachable";
    case ProviderHealth::State::Failing: return "failing";
    }
    return "ready";
}

namespace {

std::optional<milliseconds> parseRetryAfter(const std::string& value) {
    unsigned seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty()) return std::nullopt;
    return milliseconds(seconds * 1000LL);
}

std::chrono::system_clock::time_point wallClock(Clock::time_point t) {
    return std::chrono::system_clock::now() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(t - Clock::now());
}

std::string trimmed(std::string s) {
    const auto space = [](unsigned char c) { return std::isspace(c); };
    while (!s.empty() && space(s.back())) s.pop_back();
    size_t start = 0;
    while (start < s.size() && space(s[start])) ++start;
    return s.substr(start);
}

std::string secondsFromNow(Clock::time_point t) {
    const auto ms = std::chrono::duration_cast<milliseconds>(t - Clock::now()).count();
    return std::to_string(std::max<int64_t>(1, (ms + 999) / 1000)) + " s";
}

// A transport error that means nothing was reached at all.
bool unreachable(const std::string& error) {
    return error.starts_with("cannot connect") || error.starts_with("cannot resolve") ||
           error.starts_with("the proxy");
}

} // namespace

struct Provider::Impl : std::enable_shared_from_this<Impl> {
    asio::io_context& loop;
    ProviderConfig config;
    Environment environment;
    const WireFormat& format;
    Endpoint endpoint;
    std::string setupError;
    std::unique_ptr<LocalModelProcess> local;
    std::unique_ptr<HttpClient> http;
    std::unique_ptr<WebSocketClient> ws;
    Budget budget;
    std::optional<Clock::time_point> rateLimitedUntil;
    std::optional<BudgetRefusal> budgetRefusal;
    ProviderHealth::State state = ProviderHealth::State::Ready;
    std::string lastError;
    std::string servedBy;
    std::vector<std::function<void(const ProviderHealth&)>> listeners;
    // Each watcher with the provider (owner or hedged view) it was added through, so a
    // view that goes away takes its watchers with it while the owner lives on.
    std::vector<std::pair<const Provider*, std::function<void(const ProviderEvent&)>>> observers;
    uint64_t nextCall = 1;

    void report(const ProviderEvent& event) {
        for (auto& observer : std::vector(observers)) observer.second(event);
    }
    asio::steady_timer recheck;
    std::minstd_rand random{std::random_device{}()};
    bool warmed = false;

    Impl(asio::io_context& l, ProviderConfig c, Environment env)
        : loop(l), config(std::move(c)), environment(std::move(env)), format(*findWireFormat(config.kind)),
          endpoint(config.endpoint), budget(config.budget), recheck(l) {}

    // Second phase of construction: needs shared_from_this for the local process.
    void setUp() {
        std::optional<ProxyServer> proxy;
        if (config.local.enabled()) {
            const uint16_t port = LocalModelProcess::freePort();
            std::string text = config.endpointTemplate;
            for (size_t at = text.find("{port}"); at != std::string::npos; at = text.find("{port}"))
                text.replace(at, 6, std::to_string(port));
            std::string why;
            if (auto parsed = parseEndpoint(text, why)) endpoint = *parsed;
            local = std::make_unique<LocalModelProcess>(loop, config.local, port, [weak = weak_from_this()](bool ready) {
                if (auto self = weak.lock()) self->localReady(ready);
            });
            state = ProviderHealth::State::Starting;
        } else {
            proxy = resolveProxy(endpoint, config.proxy, environment, setupError);
        }
        const TlsOptions tls{config.caFile, config.tlsVerify};
        if (config.transport == ProviderConfig::Transport::WebSocket)
            ws = std::make_unique<WebSocketClient>(
                loop, endpoint, std::string(format.path()),
                WebSocketOptions{.maxAge = config.webSocketMaxAge, .maxIdle = 2, .maxMessageBytes = config.maxResponseBytes},
                tls, proxy);
        else
            http = std::make_unique<HttpClient>(loop, endpoint, tls, proxy);
    }

    ProviderHealth health() const {
        ProviderHealth h;
        h.state = state;
        if (rateLimitedUntil && *rateLimitedUntil > Clock::now()) h.rateLimitedUntil = wallClock(*rateLimitedUntil);
        if (budgetRefusal && budgetRefusal->until > Clock::now()) {
            h.budgetLimit = budgetRefusal->limit;
            h.budgetUntil = wallClock(budgetRefusal->until);
        }
        h.lastError = lastError;
        h.servedBy = servedBy;
        return h;
    }

    void setState(ProviderHealth::State next, std::string error = {}) {
        const bool changed = next != state || error != lastError;
        state = next;
        lastError = std::move(error);
        if (!changed) return;
        const ProviderHealth h = health();
        for (auto& listener : std::vector(listeners)) listener(h);
    }

    // Back to Ready when a wait (Retry-After, a budget window) is over.
    void readyAt(Clock::time_point when) {
        recheck.expires_at(when);
        recheck.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            if (self->state == ProviderHealth::State::RateLimited || self->state == ProviderHealth::State::OverBudget)
                self->setState(ProviderHealth::State::Ready, self->lastError);
        });
    }

    void localReady(bool ready) {
        if (ready) {
            if (http) http->preconnect();
            warmSocket();
            setState(ProviderHealth::State::Ready);
        } else {
            setState(ProviderHealth::State::Starting, local ? local->lastError() : std::string());
        }
    }

    // The API key: from the environment variable, else the key file; "" when none is
    // configured; nothing (with `error` saying why, never the key) when it is missing.
    std::optional<std::string> readKey(std::string& error) const {
        if (!config.apiKeyEnv.empty()) {
            if (auto key = environment(config.apiKeyEnv); key && !trimmed(*key).empty()) return trimmed(*key);
            if (config.apiKeyFile.empty()) {
                error = "no API key: the environment variable " + config.apiKeyEnv + " is not set";
                return std::nullopt;
            }
        }
        if (!config.apiKeyFile.empty()) {
            std::string path = config.apiKeyFile;
            if (path.starts_with("~/"))
                if (auto home = environment("HOME")) path = *home + path.substr(1);
            std::ifstream in(path, std::ios::binary);
            std::string key;
            if (in) {
                char buffer[4096];
                in.read(buffer, sizeof buffer);
                key = trimmed(std::string(buffer, static_cast<size_t>(in.gcount())));
            }
            if (key.empty()) {
                error = "no API key: cannot read a key from the file " + config.apiKeyFile;
                return std::nullopt;
            }
            return key;
        }
        return std::string();
    }

    std::vector<HttpHeader> authHeaders(const std::string& key) const {
        if (key.empty()) return {};
        return {{"Authorization", "Bearer " + key}};
    }

    void warmSocket() {
        if (!ws || (local && !local->ready())) return;
        std::string error;
        if (auto key = readKey(error)) ws->preconnect(authHeaders(*key));
    }

    void warm() {
        if (local && !warmed) local->start();
        warmed = true;
        if (local && !local->ready()) return;  // connected once its health endpoint answers
        if (http) http->preconnect();
        warmSocket();
    }

    struct Call : ProviderCall, std::enable_shared_from_this<Call> {
        std::shared_ptr<Impl> provider;
        ModelRequest request;
        std::function<void(const StreamUpdate&)> onUpdate;
        Clock::time_point deadline;
        Clock::time_point started = Clock::now();
        uint64_t number = 0;
        asio::steady_timer firstToken;
        asio::steady_timer retry;
        // Weak: the exchange holds this call (through its handlers) while it runs; a
        // strong reference back would be a cycle that outlives a torn-down event loop.
        std::weak_ptr<HttpCall> http;
        std::unique_ptr<StreamDecoder> decoder;
        int attempt = 0;
        bool gotText = false;
        bool done = false;
        int status = 0;
        size_t received = 0;   // response bytes, for the size cap
        size_t textBytes = 0;  // for the budget's token estimate
        size_t deltas = 0;     // text-carrying events, for statistics
        bool timedOut = false;
        std::string retryAfter;
        std::string errorBody;
        std::string model;
        // The key this call sends: cut out of anything quoted from the provider.
        std::string sentKey;

        Call(std::shared_ptr<Impl> p, asio::io_context& loop) : provider(std::move(p)), firstToken(loop), retry(loop) {}

        void cancel() override {
            if (done) return;
            done = true;
            stop();
            provider->budget.spend(estimateTokens(textBytes), Clock::now());
            ProviderEvent event = reportable(ProviderEvent::Kind::Ended);
            event.cancelled = true;
            provider->report(event);
        }
        ProviderEvent reportable(ProviderEvent::Kind kind) const {
            ProviderEvent event;
            event.kind = kind;
            event.call = number;
            event.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
            event.model = model;
            event.status = status;
            event.timedOut = timedOut;
            event.deltas = deltas;
            event.textBytes = textBytes;
            return event;
        }
        void stop() {
            firstToken.cancel();
            retry.cancel();
            if (auto exchange = http.lock()) exchange->cancel();
            http.reset();
        }
        void finish(StreamUpdate update) {
            if (done) return;
            done = true;
            // Whatever the provider said goes on into logs, the status and messages.
            update.error = withoutKey(std::move(update.error), sentKey);
            const bool clean = update.end == StreamUpdate::End::Stop || update.end == StreamUpdate::End::Length;
            if (clean) {
                // Let the body run to its end ([DONE], a usage event) so the connection
                // goes back to the pool; the decoder ignores what follows the end.
                firstToken.cancel();
                retry.cancel();
            } else {
                stop();
            }
            Impl& p = *provider;
            p.budget.spend(estimateTokens(textBytes), Clock::now());
            if (!model.empty()) p.servedBy = model;
            if (clean) {
                p.setState(ProviderHealth::State::Ready);
            } else if (update.refused == Refusal::None) {
                if (update.end == StreamUpdate::End::Error || update.end == StreamUpdate::End::Truncated)
                    spdlog::warn("{} via {}: {}", p.config.model, p.endpoint.origin(), update.error);
                if (p.state != ProviderHealth::State::RateLimited && p.state != ProviderHealth::State::Unreachable)
                    p.setState(ProviderHealth::State::Failing, update.error);
            }
            ProviderEvent event = reportable(ProviderEvent::Kind::Ended);
            event.end = update.end;
            event.error = update.error;
            event.refused = update.refused;
            p.report(event);
            update.status = status;
            update.timedOut = timedOut;
            onUpdate(update);
        }
        void fail(std::string message, Refusal refused = Refusal::None) {
            StreamUpdate update;
            update.end = StreamUpdate::End::Error;
            update.error = std::move(message);
            update.refused = refused;
            finish(std::move(update));
        }
        void truncate(std::string message) {
            StreamUpdate update;
            update.end = StreamUpdate::End::Truncated;
            update.error = std::move(message);
            finish(std::move(update));
        }
        milliseconds left() const { return std::chrono::duration_cast<milliseconds>(deadline - Clock::now()); }

        void start(std::string apiKey) {
            if (left().count() <= 0) return fail("no time left for the request");
            ++attempt;
            sentKey = apiKey;
            status = 0;
            received = 0;
            retryAfter.clear();
            errorBody.clear();
            decoder = std::make_unique<StreamDecoder>(provider->format);
            if (!gotText) {
                firstToken.expires_after(std::min(provider->config.firstTokenTimeout, left()));
                firstToken.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
                    auto self = weak.lock();
                    if (ec || !self || self->gotText || self->done) return;
                    self->timedOut = true;
                    self->fail("no token from the model within " +
                               std::to_string(self->provider->config.firstTokenTimeout.count()) + " ms");
                });
            }
            // The exchange keeps the call alive: a stream goes on delivering until it ends
            // or is cancelled, whether or not the caller keeps the handle.
            auto self = shared_from_this();
            if (provider->ws) {
                this->http = provider->ws->send(provider->format.webSocketMessage(request), provider->authHeaders(apiKey),
                                                left(), {
                    .onRefused = [self](const HttpResponseHead& head) {
                        self->status = head.status;
                        self->retryAfter = head.header("retry-after");
                    },
                    .onRefusalBody = [self](std::string_view bytes) { self->errorBody.append(bytes.substr(0, 65536)); },
                    .onMessage = [self](std::string_view message) { return self->message(message); },
                    .onDone = [self, apiKey](const std::string& error) { self->ended(error, apiKey); },
                });
                return;
            }
            HttpRequest http;
            http.target = provider->endpoint.target(provider->format.path());
            http.body = provider->format.requestBody(request);
            http.timeout = left();
            if (!apiKey.empty()) http.headers.push_back({"Authorization", "Bearer " + apiKey});
            this->http = provider->http->send(std::move(http), {
                .onHead = [self](const HttpResponseHead& head) {
                    self->status = head.status;
                    self->retryAfter = head.header("retry-after");
                },
                .onBody = [self](std::string_view bytes) { self->body(bytes); },
                .onDone = [self, apiKey](const std::string& error) { self->ended(error, apiKey); },
            });
        }

        bool overCap(size_t bytes) {
            received += bytes;
            if (received <= provider->config.maxResponseBytes) return false;
            truncate("the response was larger than " + std::to_string(provider->config.maxResponseBytes) +
                     " bytes: cut off there");
            return true;
        }

        void body(std::string_view bytes) {
            if (done) return;
            if (status != 200) {
                if (errorBody.size() < 65536) errorBody.append(bytes.substr(0, 65536 - errorBody.size()));
                return;
            }
            if (overCap(bytes.size())) return;
            std::vector<StreamUpdate> updates;
            decoder->feed(bytes, updates);
            deliver(updates);
        }

        // One WebSocket message; true when it ended the response.
        bool message(std::string_view message) {
            if (done) return true;
            if (status == 0) status = 200;
            if (overCap(message.size())) return true;
            // The socket reached the provider's age limit: like a stale pooled connection,
            // worth one more try on a fresh socket when nothing was shown yet.
            if (!gotText && message.find("websocket_connection_limit_reached") != std::string_view::npos) {
                if (auto exchange = http.lock()) exchange->cancel();
                http.reset();
                if (attempt == 1 && left().count() > 0) {
                    std::string error;
                    if (auto key = provider->readKey(error)) start(*key);
                    else fail(error, Refusal::NoKey);
                } else {
                    fail("the WebSocket reached its connection limit");
                }
                return true;
            }
            std::vector<StreamUpdate> updates;
            decoder->feedMessage(message, updates);
            deliver(updates);
            return decoder->ended();
        }

        // What one read brought goes on as one update: a fast model's tokens arrive
        // several to a read, and every update costs the feature a shaping pass.
        void deliver(std::vector<StreamUpdate>& updates) {
            std::optional<StreamUpdate> pending;
            for (StreamUpdate& u : updates) {
                if (done) return;
                if (!u.model.empty()) model = u.model;
                if (!u.text.empty()) {
                    textBytes += u.text.size();
                    ++deltas;
                    if (!gotText) {
                        gotText = true;
                        firstToken.cancel();
                        provider->report(reportable(ProviderEvent::Kind::FirstToken));
                    }
                }
                if (u.end != StreamUpdate::End::None) {
                    if (pending) onUpdate(*pending);
                    if (!done) finish(std::move(u));
                    return;
                }
                if (!pending) {
                    pending = std::move(u);
                } else {
                    pending->text += u.text;
                    if (!u.model.empty()) pending->model = std::move(u.model);
                }
            }
            if (pending && !done) onUpdate(*pending);
        }

        void retryLater(milliseconds delay, std::string apiKey) {
            retry.expires_after(delay);
            // Strong: between attempts nothing else may hold the call, and it must still end.
            retry.async_wait([self = shared_from_this(), apiKey](boost::system::error_code ec) {
                if (!ec && !self->done) self->start(apiKey);
            });
        }

        void ended(const std::string& transportError, const std::string& apiKey) {
            if (done) {
                http.reset();
                return;
            }
            Impl& p = *provider;
            const bool retriesLeft = attempt <= p.config.maxRetries;
            if (status == 429) {
                const milliseconds wait = parseRetryAfter(retryAfter).value_or(milliseconds(1000));
                p.rateLimitedUntil = Clock::now() + wait;
                ProviderEvent limited = reportable(ProviderEvent::Kind::RateLimited);
                limited.until = *p.rateLimitedUntil;
                p.report(limited);
                if (retriesLeft && wait < left()) return retryLater(wait, apiKey);
                const std::string message = "rate limited by the provider" +
                                            (retryAfter.empty() ? std::string() : " (retry after " + utf8Excerpt(retryAfter, 40) + " s)") +
                                            ": " + providerErrorText(errorBody, apiKey);
                p.setState(ProviderHealth::State::RateLimited, message);
                p.readyAt(*p.rateLimitedUntil);
                return fail(message);
            }
            if (status >= 500) {
                // Exponential backoff with jitter: 200 ms, 400 ms, ... times 0.5 to 1.5.
                const double jitter = std::uniform_real_distribution<double>(0.5, 1.5)(p.random);
                const milliseconds wait(static_cast<int64_t>(200.0 * (1 << (attempt - 1)) * jitter));
                if (retriesLeft && wait < left()) return retryLater(wait, apiKey);
                return fail("the provider failed (HTTP " + std::to_string(status) + "): " + providerErrorText(errorBody, apiKey));
            }
            if (status != 0 && status != 200)
                return fail("the provider refused the request (HTTP " + std::to_string(status) + "): " +
                            providerErrorText(errorBody, apiKey));
            if (!transportError.empty() && status == 0 && !gotText) {
                // Nothing came back at all: one more try on a fresh connection.
                if (retriesLeft && attempt == 1 && left().count() > 0) return start(apiKey);
                // Nothing was answered: an error, not a truncated answer.
                if (unreachable(transportError)) p.setState(ProviderHealth::State::Unreachable, transportError);
                return fail(transportError);
            }
            std::vector<StreamUpdate> updates;
            decoder->finish(updates);
            for (StreamUpdate& u : updates)
                if (u.end == StreamUpdate::End::Truncated && !transportError.empty()) u.error = transportError;
            deliver(updates);
        }
    };

    std::shared_ptr<ProviderCall> stream(ModelRequest request, std::function<void(const StreamUpdate&)> onUpdate,
                                         StreamOptions options) {
        auto call = std::make_shared<Call>(shared_from_this(), loop);
        if (request.model.empty()) request.model = config.model;
        if (!request.predictBudgetMs) request.predictBudgetMs = static_cast<int>(config.predictBudget.count());
        if (!request.slot) request.slot = config.slot;
        call->request = std::move(request);
        call->onUpdate = std::move(onUpdate);
        call->deadline = Clock::now() + config.timeout;
        call->number = nextCall++;
        report(call->reportable(ProviderEvent::Kind::Started));
        // Refusals are posted: a caller never gets a callback before stream() returns.
        auto refuse = [&](std::string message, Refusal why) {
            asio::post(loop, [call, message = std::move(message), why] { call->fail(message, why); });
            return call;
        };
        if (!setupError.empty()) return refuse(setupError, Refusal::Misconfigured);
        std::string keyError;
        auto key = readKey(keyError);
        if (!key) return refuse(keyError, Refusal::NoKey);
        if (local && !local->ready())
            return refuse(local->lastError().empty() ? "the local model server is starting"
                                                     : "the local model server is not ready: " + local->lastError(),
                          Refusal::Starting);
        const auto now = Clock::now();
        if (options.priority == Priority::Automatic && rateLimitedUntil && *rateLimitedUntil > now)
            return refuse("rate limited by the provider: automatic requests resume in " + secondsFromNow(*rateLimitedUntil),
                          Refusal::RateLimited);
        const size_t promptBytes = call->request.system.size() + call->request.user.size() +
                                   call->request.prefix.size() + call->request.suffix.size();
        if (auto refused = budget.admit(options.priority, now, estimateTokens(promptBytes))) {
            budgetRefusal = refused;
            setState(ProviderHealth::State::OverBudget, lastError);
            readyAt(refused->until);
            return refuse("the " + std::string(toString(refused->limit)) + " budget of provider " + config.name +
                              " is spent: automatic requests resume in " + secondsFromNow(refused->until),
                          Refusal::Budget);
        }
        // The user's request counts too: while automatic requests are paused, it may
        // push their resumption later than the refusal that began the pause said.
        if (options.priority == Priority::Invoked && budgetRefusal && budgetRefusal->until > now)
            if (auto still = budget.refusalFor(Priority::Automatic, now); still && still->until > budgetRefusal->until) {
                budgetRefusal = still;
                readyAt(still->until);
            }
        spdlog::debug("model request: {} {} model {}", config.kind, endpoint.origin(), call->request.model);
        call->start(std::move(*key));
        return call;
    }
};

namespace {

// Races a backup provider when the primary is slow to start streaming.
struct HedgedCall : ProviderCall, std::enable_shared_from_this<HedgedCall> {
    std::shared_ptr<Provider::Impl> primary, backup;
    ModelRequest request;
    StreamOptions options;
    std::function<void(const StreamUpdate&)> onUpdate;
    std::shared_ptr<ProviderCall> calls[2];
    bool ended[2] = {false, false};
    bool started[2] = {true, false};
    int winner = -1;
    bool done = false;
    asio::steady_timer timer;

    HedgedCall(asio::io_context& loop) : timer(loop) {}

    void start(milliseconds delay) {
        calls[0] = primary->stream(request, [weak = weak_from_this()](const StreamUpdate& u) {
            if (auto self = weak.lock()) self->update(0, u);
        }, options);
        timer.expires_after(delay);
        timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            if (auto self = weak.lock(); self && !ec) self->startBackup();
        });
    }
    void startBackup() {
        if (done || winner >= 0 || started[1]) return;
        started[1] = true;
        spdlog::debug("no text from {} yet: racing {}", primary->config.name, backup->config.name);
        calls[1] = backup->stream(request, [weak = weak_from_this()](const StreamUpdate& u) {
            if (auto self = weak.lock()) self->update(1, u);
        }, options);
    }
    void update(int i, const StreamUpdate& u) {
        if (done) return;
        if (winner < 0) {
            if (!u.text.empty()) {
                winner = i;
                timer.cancel();
                if (calls[1 - i]) calls[1 - i]->cancel();
            } else if (u.end != StreamUpdate::End::None) {
                ended[i] = true;
                // The primary failed before the delay: fail over to the backup now.
                if (i == 0 && !started[1]) {
                    timer.cancel();
                    startBackup();
                    return;
                }
                if (!ended[1 - i] && started[1 - i]) return;  // the other may still answer
                done = true;
                return onUpdate(u);
            } else {
                return;  // a model name before any text: wait for a winner
            }
        }
        if (i != winner) return;
        if (u.end != StreamUpdate::End::None) done = true;
        onUpdate(u);
    }
    void cancel() override {
        if (done) return;
        done = true;
        timer.cancel();
        for (auto& c : calls)
            if (c) c->cancel();
    }
};

} // namespace

Provider::Provider(asio::io_context& loop, ProviderConfig config, Environment environment)
    : impl_(std::make_shared<Impl>(loop, std::move(config), std::move(environment))), owner_(true) {
    impl_->setUp();
}

Provider::Provider(std::shared_ptr<Impl> primary, std::shared_ptr<Impl> backup, milliseconds delay)
    : impl_(std::move(primary)), backup_(std::move(backup)), hedgeDelay_(delay) {}

Provider::~Provider() {
    // Streams still finishing may keep the state alive for a while; they report to no
    // one now, and the local model server stops with the provider that started it.
    if (!owner_) {
        // A hedged view: only the watchers added through it go (the owners keep theirs).
        std::erase_if(impl_->observers, [this](const auto& observer) { return observer.first == this; });
        return;
    }
    impl_->observers.clear();
    impl_->listeners.clear();
    if (impl_->local) impl_->local.reset();
}

std::unique_ptr<Provider> Provider::hedged(const Provider& primary, const Provider& backup, milliseconds delay) {
    return std::unique_ptr<Provider>(new Provider(primary.impl_, backup.impl_, delay));
}

bool Provider::hedges(const Provider& primary, const Provider& backup, milliseconds delay) const {
    return !owner_ && impl_ == primary.impl_ && backup_ == backup.impl_ && hedgeDelay_ == delay;
}

const ProviderConfig& Provider::config() const { return impl_->config; }

void Provider::warm() {
    impl_->warm();
    if (backup_) backup_->warm();
}

std::shared_ptr<ProviderCall> Provider::stream(ModelRequest request, std::function<void(const StreamUpdate&)> onUpdate,
                                               StreamOptions options) {
    if (!backup_) return impl_->stream(std::move(request), std::move(onUpdate), options);
    auto call = std::make_shared<HedgedCall>(impl_->loop);
    call->primary = impl_;
    call->backup = backup_;
    call->request = std::move(request);
    call->options = options;
    call->onUpdate = std::move(onUpdate);
    call->start(hedgeDelay_);
    return call;
}

void Provider::observe(std::function<void(const ProviderEvent&)> observer) {
    impl_->observers.emplace_back(this, std::move(observer));
}

ProviderHealth Provider::health() const { return impl_->health(); }

void Provider::addHealthListener(std::function<void(const ProviderHealth&)> listener) {
    impl_->listeners.push_back(std::move(listener));
}

std::optional<Clock::time_point> Provider::rateLimitedUntil() const { return impl_->rateLimitedUntil; }

HttpClient::Stats Provider::connectionStats() const { return impl_->http ? impl_->http->stats() : HttpClient::Stats{}; }

Provider::WebSocketStats Provider::webSocketStats() const {
    if (!impl_->ws) return {};
    const auto s = impl_->ws->stats();
    return {s.handshakes, s.requestsOnReusedSockets, s.socketsRetiredForAge, s.idle};
}

int Provider::localProcessId() const { return impl_->local ? impl_->local->pid() : 0; }
int Provider::localProcessRestarts() const { return impl_->local ? impl_->local->restarts() : 0; }
const Endpoint& Provider::endpoint() const { return impl_->endpoint; }

} // namespace flint
