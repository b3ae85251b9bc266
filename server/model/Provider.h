#pragma once
// A configured model provider: a warm transport to its endpoint (an HTTP keep-alive
// pool, or a persistent WebSocket for the Responses WebSocket mode), one wire format,
// the API key (from the environment or a key file), an optional local model server
// it starts and keeps alive, a budget, and the request policy: retries inside the
// request's budget (honouring Retry-After on 429, jittered backoff on 5xx), a
// first-token timeout, a response size cap, and errors a user can act on.
//
//   Provider provider(loop, config);
//   provider.warm();                              // connect now, before any keystroke
//   auto call = provider.stream(request, [](const StreamUpdate& u) {
//       show(u.text);                              // as it arrives
//       if (u.end != StreamUpdate::End::None) ...  // exactly one final update
//   }, {.priority = Priority::Invoked});           // the user asked: budgets do not refuse it
//   call->cancel();                               // nothing is delivered after this
//
// The API key is read when a request is made, sent only to the configured endpoint
// (never to a proxy: through one it travels inside the TLS tunnel), and never logged.
//
// Hedging: Provider::hedged(primary, backup, delay) is a Provider whose streams race
// `backup` when `primary` has produced no text after `delay`, keep whichever streams
// first and cancel the other.

#include "model/Budget.h"
#include "model/HttpClient.h"
#include "model/ProviderConfig.h"
#include "model/WireFormat.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
}

namespace flint {

class ProviderCall {
public:
    virtual ~ProviderCall() = default;
    virtual void cancel() = 0;
};

struct StreamOptions {
    Priority priority = Priority::Automatic;
};

// What happened to a provider's calls, for whoever watches its health (the status
// line, statistics). Typed, no JSON; delivered on the event loop, in order per call.
struct ProviderEvent {
    enum class Kind {
        Started,      // a call was made
        FirstToken,   // its first text arrived (elapsed = time to first token)
        Ended,        // it ended: finished, failed, refused or cancelled (exactly once per call)
        RateLimited,  // the provider answered 429; `until` says how long to wait
    };
    Kind kind = Kind::Started;
    uint64_t call = 0;  // a sequence number per provider
    std::chrono::milliseconds elapsed{0};  // since the call started
    StreamUpdate::End end = StreamUpdate::End::None;  // Ended
    bool cancelled = false;  // Ended: by the caller
    StreamUpdate::Refusal refused = StreamUpdate::Refusal::None;  // Ended: not sent, and why
    std::string error;       // Ended with End::Error or End::Truncated
    std::string model;       // the serving model, when the stream named it
    std::chrono::steady_clock::time_point until{};  // RateLimited
    // Ended: what statistics need to say why and how fast.
    int status = 0;          // the last attempt's HTTP status (0: none, e.g. no connection)
    bool timedOut = false;   // no first token within the provider's first-token timeout
    size_t deltas = 0;       // stream events that carried text (about one token each)
    size_t textBytes = 0;
};

// What a status display needs to know about a provider, as plain values.
struct ProviderHealth {
    enum class State {
        Ready,        // nothing wrong that we know of
        Starting,     // its local model server is starting
        RateLimited,  // the provider said to wait (Retry-After); see rateLimitedUntil
        OverBudget,   // automatic requests are paused by the budget; see budgetLimit/budgetUntil
        Unreachable,  // the last request could not connect
        Failing,      // the last request failed otherwise; see lastError
    };
    State state = State::Ready;
    std::optional<std::chrono::system_clock::time_point> rateLimitedUntil;
    std::optional<BudgetLimit> budgetLimit;
    std::optional<std::chrono::system_clock::time_point> budgetUntil;
    std::string lastError;  // the last failure ("" after a success)
    std::string servedBy;   // the model that served the last response, when the provider said
};
std::string_view toString(ProviderHealth::State state);

class Provider {
public:
    using Environment = std::function<std::optional<std::string>(const std::string& name)>;
    static std::optional<std::string> systemEnvironment(const std::string& name);

    Provider(boost::asio::io_context& loop, ProviderConfig config, Environment environment = systemEnvironment);
    ~Provider();
    Provider(const Provider&) = delete;
    Provider& operator=(const Provider&) = delete;

    // A provider that races `backup` when `primary` is slow to produce its first text
    // (both must speak the same wire format). Shares their connections, budgets and health.
    static std::unique_ptr<Provider> hedged(const Provider& primary, const Provider& backup,
                                            std::chrono::milliseconds delay);
    // Whether this is the view hedged(primary, backup, delay) would make: a configuration
    // applied again keeps such a route, and with it what watches the route.
    bool hedges(const Provider& primary, const Provider& backup, std::chrono::milliseconds delay) const;

    const ProviderConfig& config() const;
    // Connects ahead of need (and starts the local model server, if configured).
    void warm();
    std::shared_ptr<ProviderCall> stream(ModelRequest request, std::function<void(const StreamUpdate&)> onUpdate,
                                         StreamOptions options = {});

    // Adds a watcher of every call's events. Watchers are dropped with the provider (or
    // the hedged view) they were added through: calls still running after it is replaced
    // report nothing more to them.
    void observe(std::function<void(const ProviderEvent&)> observer);
    ProviderHealth health() const;
    // Called on the event loop whenever health() changes.
    void addHealthListener(std::function<void(const ProviderHealth&)> listener);
    // Until when the provider asked us to wait (its last 429's Retry-After).
    std::optional<std::chrono::steady_clock::time_point> rateLimitedUntil() const;
    HttpClient::Stats connectionStats() const;
    struct WebSocketStats {
        size_t handshakes = 0;
        size_t requestsOnReusedSockets = 0;
        size_t socketsRetiredForAge = 0;
        size_t idle = 0;
    };
    WebSocketStats webSocketStats() const;
    // The local model server's pid (0 when none runs) and how often it was restarted.
    int localProcessId() const;
    int localProcessRestarts() const;
    // Where requests go (with a local model server, its port filled in).
    const Endpoint& endpoint() const;

    struct Impl;

private:
    Provider(std::shared_ptr<Impl> primary, std::shared_ptr<Impl> backup, std::chrono::milliseconds delay);
    std::shared_ptr<Impl> impl_;
    std::shared_ptr<Impl> backup_;
    std::chrono::milliseconds hedgeDelay_{0};
    bool owner_ = false;  // false for a hedged view of providers owned elsewhere
};

} // namespace flint
