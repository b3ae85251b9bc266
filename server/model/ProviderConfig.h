#pragma once
// One model provider's configuration, as the client sends it (the `provider` part of
// the `flint` section, or one entry of `providers`):
//
//   { "kind": "openai-chat", "endpoint": "https://api.cerebras.ai/v1",
//     "model": "gpt-oss-120b", "apiKeyEnv": "CEREBRAS_API_KEY",
//     "firstTokenTimeoutMs": 5000, "timeoutMs": 30000, "maxRetries": 2,
//     "caFile": "/etc/corp-ca.pem", "tlsVerify": true, "proxy": "http://proxy:3128",
//     "transport": "http", "budget": {"requestsPerMinute": 60},
//     "command": ["llama-server", "--port", "{port}"], "healthPath": "/health",
//     "predictBudgetMs": 500, "slot": 0 }
//
// The API key itself is never part of the configuration: it is read from the
// environment variable (`apiKeyEnv`) or the file (`apiKeyFile`) the configuration
// names, when a request is made.
//
//   std::string error;
//   auto config = parseProviderConfig(settings, error);          // settings["provider"]
//   auto named = parseProviderObject(object, "providers.fast", error);

#include "model/Endpoint.h"

#include <boost/json/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flint {

// Limits that keep automatic features from exhausting a paid or rate-limited quota.
// Zero means no limit. Tokens are estimated (bytes / 4 of prompt and reply) unless
// the provider reports usage.
struct BudgetConfig {
    double requestsPerSecond = 0;  // token-bucket pacing: sustained rate...
    int burst = 0;                 // ...and bucket size (default: max(1, rate))
    int64_t requestsPerMinute = 0;
    int64_t requestsPerDay = 0;
    int64_t tokensPerMinute = 0;
    int64_t tokensPerDay = 0;

    bool any() const {
        return requestsPerSecond > 0 || requestsPerMinute > 0 || requestsPerDay > 0 || tokensPerMinute > 0 ||
               tokensPerDay > 0;
    }
    friend bool operator==(const BudgetConfig&, const BudgetConfig&) = default;
};

// A local model server Flint starts and keeps alive (`command`).
struct LocalProcessConfig {
    std::vector<std::string> command;  // argv; "{port}" is replaced with a free port
    std::string healthPath = "/health";
    std::chrono::milliseconds startTimeout{60000};  // until the health endpoint answers 200

    bool enabled() const { return !command.empty(); }
    friend bool operator==(const LocalProcessConfig&, const LocalProcessConfig&) = default;
};

struct ProviderConfig {
    std::string name = "default";      // the key under `providers`, or "default" for `provider`
    std::string kind = "openai-chat";  // a WireFormat kind
    Endpoint endpoint;
    std::string endpointTemplate;      // the endpoint as written (may hold "{port}" with a command)
    std::string model;
    std::string apiKeyEnv;   // the variable holding the key
    std::string apiKeyFile;  // or a file holding it (read at request time; "~/" expands)
    std::chrono::milliseconds firstTokenTimeout{5000};
    std::chrono::milliseconds timeout{30000};  // a request's whole budget, retries included
    int maxRetries = 2;
    std::string caFile;
    bool tlsVerify = true;
    // "" → HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment; "none" → direct;
    // otherwise an http:// proxy URL (credentials allowed: user:password@host:port).
    std::string proxy;
    enum class Transport { Http, WebSocket };
    Transport transport = Transport::Http;
    std::chrono::milliseconds webSocketMaxAge{55 * 60 * 1000};  // the provider's limit is 60 minutes
    size_t maxResponseBytes = size_t(16) << 20;
    BudgetConfig budget;
    LocalProcessConfig local;
    // llama-infill only (sent as t_max_predict_ms): generation stops at the first line
    // end after this long; 0 sends no limit. llama.vscode's default.
    std::chrono::milliseconds predictBudget{500};
    // llama-infill only (sent as id_slot): every request goes to this server slot, so the
    // request after a cancelled one waits for the slot and reuses its prompt cache
    // instead of landing on an idle slot with nothing cached; -1 lets the server choose.
    int slot = 0;

    bool keyed() const { return !apiKeyEnv.empty() || !apiKeyFile.empty(); }
    friend bool operator==(const ProviderConfig& a, const ProviderConfig& b) {
        return a.name == b.name && a.kind == b.kind && a.endpoint.origin() == b.endpoint.origin() &&
               a.endpoint.basePath == b.endpoint.basePath && a.endpointTemplate == b.endpointTemplate &&
               a.model == b.model && a.apiKeyEnv == b.apiKeyEnv && a.apiKeyFile == b.apiKeyFile &&
               a.firstTokenTimeout == b.firstTokenTimeout && a.timeout == b.timeout &&
               a.maxRetries == b.maxRetries && a.caFile == b.caFile && a.tlsVerify == b.tlsVerify &&
               a.proxy == b.proxy && a.transport == b.transport && a.webSocketMaxAge == b.webSocketMaxAge &&
               a.maxResponseBytes == b.maxResponseBytes && a.budget == b.budget && a.local == b.local &&
               a.predictBudget == b.predictBudget && a.slot == b.slot;
    }
};

// Reads settings["provider"]. Returns nothing and leaves `error` empty when no
// provider is configured; returns nothing with `error` set ("provider.endpoint: ...")
// when the configuration is wrong.
std::optional<ProviderConfig> parseProviderConfig(const boost::json::value& settings, std::string& error);

// Reads one provider object; `where` prefixes error messages ("provider",
// "providers.fast") and the name is the part after "providers.".
std::optional<ProviderConfig> parseProviderObject(const boost::json::value& object, const std::string& where,
                                                  std::string& error);

} // namespace flint
