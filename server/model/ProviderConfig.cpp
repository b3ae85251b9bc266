#include "model/ProviderConfig.h"

#include "model/WireFormat.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace flint {

namespace json = boost::json;

namespace {

bool readString(const json::object& o, std::string_view key, std::string& out, std::string& error) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (!v->is_string()) {
        error = "provider." + std::string(key) + ": expected a string";
        return false;
    }
    out = std::string(v->as_string());
    return true;
}

bool readMillis(const json::object& o, std::string_view key, std::chrono::milliseconds& out, std::string& error) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (!(v->is_int64() || v->is_uint64()) || (v->is_int64() && v->as_int64() <= 0)) {
        error = "provider." + std::string(key) + ": expected a positive number of milliseconds";
        return false;
    }
    out = std::chrono::milliseconds(v->is_int64() ? v->as_int64() : static_cast<int64_t>(v->as_uint64()));
    return true;
}

} // namespace

std::optional<ProviderConfig> parseProviderConfig(const json::value& settings, std::string& error) {
    const json::object* all = settings.if_object();
    const json::value* section = all ? all->if_contains("provider") : nullptr;
    if (!section || section->is_null()) return std::nullopt;
    const json::object* o = section->if_object();
    if (!o) {
        error = "provider: expected an object";
        return std::nullopt;
    }
    ProviderConfig config;
    std::string endpoint;
    if (!readString(*o, "kind", config.kind, error) || !readString(*o, "endpoint", endpoint, error) ||
        !readString(*o, "model", config.model, error) || !readString(*o, "apiKeyEnv", config.apiKeyEnv, error) ||
        !readString(*o, "caFile", config.caFile, error) ||
        !readMillis(*o, "firstTokenTimeoutMs", config.firstTokenTimeout, error) ||
        !readMillis(*o, "timeoutMs", config.timeout, error))
        return std::nullopt;
    if (!findWireFormat(config.kind)) {
        error = "provider.kind: unknown wire format '" + config.kind +
                "' (expected openai-responses, openai-chat, openai-completions, llama-infill or ollama)";
        return std::nullopt;
    }
    if (endpoint.empty()) {
        error = "provider.endpoint: missing (for example https://api.openai.com/v1 or http://127.0.0.1:8080)";
        return std::nullopt;
    }
    std::string why;
    auto parsed = parseEndpoint(endpoint, why);
    if (!parsed) {
        error = "provider.endpoint: " + why;
        return std::nullopt;
    }
    config.endpoint = std::move(*parsed);
    if (const json::value* retries = o->if_contains("maxRetries"); retries && !retries->is_null()) {
        if (!retries->is_int64() || retries->as_int64() < 0 || retries->as_int64() > 10) {
            error = "provider.maxRetries: expected a whole number from 0 to 10";
            return std::nullopt;
        }
        config.maxRetries = static_cast<int>(retries->as_int64());
    }
    if (const json::value* budget = o->if_contains("predictBudgetMs"); budget && !budget->is_null()) {
        if (!budget->is_int64() || budget->as_int64() < 0 || budget->as_int64() > 600000) {
            error = "provider.predictBudgetMs: expected milliseconds from 0 (no limit) to 600000";
            return std::nullopt;
        }
        config.predictBudget = std::chrono::milliseconds(budget->as_int64());
    }
    if (const json::value* slot = o->if_contains("slot"); slot && !slot->is_null()) {
        if (!slot->is_int64() || slot->as_int64() < -1 || slot->as_int64() > 1023) {
            error = "provider.slot: expected a server slot number, or -1 to let the server choose";
            return std::nullopt;
        }
        config.slot = static_cast<int>(slot->as_int64());
    }
    if (const json::value* verify = o->if_contains("tlsVerify"); verify && !verify->is_null()) {
        if (!verify->is_bool()) {
            error = "provider.tlsVerify: expected true or false";
            return std::nullopt;
        }
        config.tlsVerify = verify->as_bool();
    }
    return config;
}

} // namespace flint
