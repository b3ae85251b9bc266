#pragma once
// A configured model provider: one warm HttpClient to its endpoint, one wire format,
// the API key from the environment, and the request policy: retries inside the
// request's budget (honouring Retry-After on 429, jittered backoff on 5xx), a
// first-token timeout, and errors a user can act on.
//
//   Provider provider(loop, config);
//   provider.warm();                              // connect now, before any keystroke
//   auto call = provider.stream(request, [](const StreamUpdate& u) {
//       show(u.text);                              // as it arrives
//       if (u.end != StreamUpdate::End::None) ...  // exactly one final update
//   });
//   call->cancel();                               // nothing is delivered after this
//
// The API key is read when a request is made, sent only to the configured
// endpoint, and never logged.

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

// What happened to a provider's calls, for whoever watches its health (the status
// line, statistics). Typed, no JSON; delivered on the event loop, in order per call.
struct ProviderEvent {
    enum class Kind {
        Started,      // a call was made
        FirstToken,   // its first text arrived (elapsed = time to first token)
        Ended,        // it ended: finished, failed or cancelled (exactly once per call)
        RateLimited,  // the provider answered 429; `until` says how long to wait
    };
    Kind kind = Kind::Started;
    uint64_t call = 0;  // a sequence number per provider
    std::chrono::milliseconds elapsed{0};  // since the call started
    StreamUpdate::End end = StreamUpdate::End::None;  // Ended
    bool cancelled = false;  // Ended: by the caller
    std::string error;       // Ended with End::Error or End::Truncated
    std::string model;       // the serving model, when the stream named it
    std::chrono::steady_clock::time_point until{};  // RateLimited
};

class Provider {
public:
    using Environment = std::function<std::optional<std::string>(const std::string& name)>;
    static std::optional<std::string> systemEnvironment(const std::string& name);

    Provider(boost::asio::io_context& loop, ProviderConfig config, Environment environment = systemEnvironment);
    ~Provider();
    Provider(const Provider&) = delete;
    Provider& operator=(const Provider&) = delete;

    const ProviderConfig& config() const;
    void warm();
    std::shared_ptr<ProviderCall> stream(ModelRequest request, std::function<void(const StreamUpdate&)> onUpdate);

    // Until when the provider asked us to wait (its last 429's Retry-After).
    std::optional<std::chrono::steady_clock::time_point> rateLimitedUntil() const;
    HttpClient::Stats connectionStats() const;
    // Adds a watcher of every call's events. Watchers are dropped with the provider:
    // calls still running after it is replaced report nothing more.
    void observe(std::function<void(const ProviderEvent&)> observer);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
