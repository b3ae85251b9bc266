#pragma once
// The `provider` part of Flint's configuration, as the client sends it (in
// initializationOptions or the `flint` section of workspace/configuration):
//
//   { "provider": { "kind": "openai-chat", "endpoint": "https://api.cerebras.ai/v1",
//                   "model": "gpt-oss-120b", "apiKeyEnv": "CEREBRAS_API_KEY",
//                   "firstTokenTimeoutMs": 5000, "timeoutMs": 30000, "maxRetries": 2,
//                   "caFile": "/etc/corp-ca.pem", "tlsVerify": true, "predictBudgetMs": 500, "slot": 0 } }
//
// The API key itself is never part of the configuration: it is read from the
// environment variable the configuration names, when a request is made.

#include "model/Endpoint.h"

#include <boost/json/fwd.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace flint {

struct ProviderConfig {
    std::string kind = "openai-chat";  // a WireFormat kind
    Endpoint endpoint;
    std::string model;
    std::string apiKeyEnv;  // "" → no Authorization header
    std::chrono::milliseconds firstTokenTimeout{5000};
    std::chrono::milliseconds timeout{30000};  // a request's whole budget, retries included
    int maxRetries = 2;
    std::string caFile;
    bool tlsVerify = true;
    // llama-infill only (sent as t_max_predict_ms): generation stops at the first line
    // end after this long; 0 sends no limit. llama.vscode's default.
    std::chrono::milliseconds predictBudget{500};
    // llama-infill only (sent as id_slot): every request goes to this server slot, so the
    // request after a cancelled one waits for the slot and reuses its prompt cache
    // instead of landing on an idle slot with nothing cached; -1 lets the server choose.
    int slot = 0;

    friend bool operator==(const ProviderConfig& a, const ProviderConfig& b) {
        return a.kind == b.kind && a.endpoint.origin() == b.endpoint.origin() &&
               a.endpoint.basePath == b.endpoint.basePath && a.model == b.model && a.apiKeyEnv == b.apiKeyEnv &&
               a.firstTokenTimeout == b.firstTokenTimeout && a.timeout == b.timeout &&
               a.maxRetries == b.maxRetries && a.caFile == b.caFile && a.tlsVerify == b.tlsVerify &&
               a.predictBudget == b.predictBudget && a.slot == b.slot;
    }
};

// Reads settings["provider"]. Returns nothing and leaves `error` empty when no
// provider is configured; returns nothing with `error` set ("provider.endpoint: ...")
// when the configuration is wrong.
std::optional<ProviderConfig> parseProviderConfig(const boost::json::value& settings, std::string& error);

} // namespace flint
