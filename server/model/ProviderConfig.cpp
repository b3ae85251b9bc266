#include "model/ProviderConfig.h"

#include "model/WireFormat.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace flint {

namespace json = boost::json;

namespace {

// Reads fields of one JSON object, naming the field in the first error it meets.
struct Reader {
    const json::object& o;
    const std::string& where;
    std::string& error;

    bool fail(std::string_view key, std::string_view what) {
        error = where + "." + std::string(key) + ": " + std::string(what);
        return false;
    }
    const json::value* get(std::string_view key) {
        const json::value* v = o.if_contains(key);
        return v && !v->is_null() ? v : nullptr;
    }
    bool string(std::string_view key, std::string& out) {
        const json::value* v = get(key);
        if (!v) return true;
        if (!v->is_string()) return fail(key, "expected a string");
        out = std::string(v->as_string());
        return true;
    }
    // At most a day: a deadline is now() + this in nanoseconds, which a huge value
    // would overflow.
    bool millis(std::string_view key, std::chrono::milliseconds& out) {
        constexpr int64_t kDay = 86'400'000;
        const json::value* v = get(key);
        if (!v) return true;
        if (!v->is_int64() || v->as_int64() <= 0 || v->as_int64() > kDay)
            return fail(key, "expected a positive number of milliseconds, at most 86400000 (a day)");
        out = std::chrono::milliseconds(v->as_int64());
        return true;
    }
    bool count(std::string_view key, int64_t& out) {
        const json::value* v = get(key);
        if (!v) return true;
        if (!v->is_int64() || v->as_int64() < 0) return fail(key, "expected a whole number, 0 or more");
        out = v->as_int64();
        return true;
    }
    bool number(std::string_view key, double& out) {
        const json::value* v = get(key);
        if (!v) return true;
        // Bounded: a rate becomes a whole burst size, which 1e300 would not fit.
        if (!v->is_number() || !(v->to_number<double>() >= 0 && v->to_number<double>() <= 1e6))
            return fail(key, "expected a number from 0 to 1000000");
        out = v->to_number<double>();
        return true;
    }
    bool boolean(std::string_view key, bool& out) {
        const json::value* v = get(key);
        if (!v) return true;
        if (!v->is_bool()) return fail(key, "expected true or false");
        out = v->as_bool();
        return true;
    }
};

bool readBudget(const json::value* v, const std::string& where, BudgetConfig& out, std::string& error) {
    if (!v || v->is_null()) return true;
    const json::object* o = v->if_object();
    if (!o) {
        error = where + ": expected an object";
        return false;
    }
    Reader r{*o, where, error};
    int64_t burst = 0;
    if (!r.number("requestsPerSecond", out.requestsPerSecond) || !r.count("burst", burst) ||
        !r.count("requestsPerMinute", out.requestsPerMinute) || !r.count("requestsPerDay", out.requestsPerDay) ||
        !r.count("tokensPerMinute", out.tokensPerMinute) || !r.count("tokensPerDay", out.tokensPerDay))
        return false;
    out.burst = static_cast<int>(std::min<int64_t>(burst, 1000000));
    return true;
}

std::string withPort(std::string text, std::string_view port) {
    for (size_t at = text.find("{port}"); at != std::string::npos; at = text.find("{port}", at + port.size()))
        text.replace(at, 6, port);
    return text;
}

} // namespace

std::optional<ProviderConfig> parseProviderObject(const json::value& value, const std::string& where,
                                                  std::string& error) {
    const json::object* o = value.if_object();
    if (!o) {
        error = where + ": expected an object";
        return std::nullopt;
    }
    ProviderConfig config;
    if (where.starts_with("providers.")) config.name = where.substr(10);
    Reader r{*o, where, error};
    std::string endpoint, transport, proxy;
    int64_t maxResponseBytes = 0;
    if (!r.string("kind", config.kind) || !r.string("endpoint", endpoint) || !r.string("model", config.model) ||
        !r.string("apiKeyEnv", config.apiKeyEnv) || !r.string("apiKeyFile", config.apiKeyFile) ||
        !r.string("caFile", config.caFile) || !r.string("proxy", config.proxy) ||
        !r.string("transport", transport) || !r.millis("firstTokenTimeoutMs", config.firstTokenTimeout) ||
        !r.millis("timeoutMs", config.timeout) || !r.millis("webSocketMaxAgeMs", config.webSocketMaxAge) ||
        !r.boolean("tlsVerify", config.tlsVerify) || !r.count("maxResponseBytes", maxResponseBytes) ||
        !r.string("healthPath", config.local.healthPath) || !r.millis("startTimeoutMs", config.local.startTimeout) ||
        !readBudget(o->if_contains("budget"), where + ".budget", config.budget, error))
        return std::nullopt;
    if (maxResponseBytes > 0) config.maxResponseBytes = static_cast<size_t>(maxResponseBytes);
    if (!findWireFormat(config.kind)) {
        error = where + ".kind: unknown wire format '" + config.kind +
                "' (expected openai-responses, openai-chat, openai-completions, llama-infill or ollama)";
        return std::nullopt;
    }
    if (transport == "websocket") {
        if (config.kind != "openai-responses") {
            error = where + ".transport: \"websocket\" needs kind openai-responses (the Responses WebSocket mode)";
            return std::nullopt;
        }
        config.transport = ProviderConfig::Transport::WebSocket;
    } else if (!transport.empty() && transport != "http") {
        error = where + ".transport: expected \"http\" or \"websocket\"";
        return std::nullopt;
    }
    if (const json::value* command = r.get("command")) {
        const json::array* argv = command->if_array();
        bool ok = argv && !argv->empty();
        for (const json::value& arg : argv ? *argv : json::array{}) ok = ok && arg.is_string();
        if (!ok) {
            error = where + ".command: expected a list of strings (the program and its arguments)";
            return std::nullopt;
        }
        for (const json::value& arg : *argv) config.local.command.emplace_back(arg.as_string());
        if (!config.local.healthPath.starts_with("/")) {
            error = where + ".healthPath: expected a path starting with /";
            return std::nullopt;
        }
    }
    if (endpoint.empty() && config.local.enabled()) endpoint = "http://127.0.0.1:{port}";
    if (endpoint.empty()) {
        error = where + ".endpoint: missing (for example https://api.openai.com/v1 or http://127.0.0.1:8080)";
        return std::nullopt;
    }
    if (endpoint.find("{port}") != std::string::npos && !config.local.enabled()) {
        error = where + ".endpoint: {port} is only meaningful with a command that starts a local server";
        return std::nullopt;
    }
    config.endpointTemplate = endpoint;
    std::string why;
    // With a command the port is chosen at start; any valid port checks the rest.
    auto parsed = parseEndpoint(withPort(endpoint, "1"), why);
    if (!parsed) {
        error = where + ".endpoint: " + why;
        return std::nullopt;
    }
    config.endpoint = std::move(*parsed);
    if (const json::value* retries = r.get("maxRetries")) {
        if (!retries->is_int64() || retries->as_int64() < 0 || retries->as_int64() > 10) {
            error = where + ".maxRetries: expected a whole number from 0 to 10";
            return std::nullopt;
        }
        config.maxRetries = static_cast<int>(retries->as_int64());
    }
    if (const json::value* budget = r.get("predictBudgetMs")) {
        if (!budget->is_int64() || budget->as_int64() < 0 || budget->as_int64() > 600000) {
            error = where + ".predictBudgetMs: expected milliseconds from 0 (no limit) to 600000";
            return std::nullopt;
        }
        config.predictBudget = std::chrono::milliseconds(budget->as_int64());
    }
    if (const json::value* slot = r.get("slot")) {
        if (!slot->is_int64() || slot->as_int64() < -1 || slot->as_int64() > 1023) {
            error = where + ".slot: expected a server slot number, or -1 to let the server choose";
            return std::nullopt;
        }
        config.slot = static_cast<int>(slot->as_int64());
    }
    if (!config.proxy.empty() && config.proxy != "none" && !config.proxy.starts_with("http://")) {
        error = where + ".proxy: expected an http:// proxy URL or \"none\"";
        return std::nullopt;
    }
    return config;
}

std::optional<ProviderConfig> parseProviderConfig(const json::value& settings, std::string& error) {
    const json::object* all = settings.if_object();
    const json::value* section = all ? all->if_contains("provider") : nullptr;
    if (!section || section->is_null()) return std::nullopt;
    return parseProviderObject(*section, "provider", error);
}

} // namespace flint
