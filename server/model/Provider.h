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

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
