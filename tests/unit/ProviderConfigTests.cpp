// The provider configuration contract.
#include "model/ProviderConfig.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace flint;

namespace {
std::optional<ProviderConfig> parse(std::string_view settings, std::string& error) {
    error.clear();
    return parseProviderConfig(boost::json::parse(settings), error);
}
} // namespace

TEST_CASE("a full provider configuration") {
    std::string error;
    auto config = parse(R"({"provider": {"kind": "openai-responses", "endpoint": "https://api.openai.com/v1/",
        "model": "gpt-5.3-codex-spark", "apiKeyEnv": "OPENAI_API_KEY", "firstTokenTimeoutMs": 1500,
        "timeoutMs": 9000, "maxRetries": 3, "caFile": "/etc/ca.pem", "tlsVerify": false}})", error);
    REQUIRE(config);
    CHECK(error.empty());
    CHECK(config->kind == "openai-responses");
    CHECK(config->endpoint.tls);
    CHECK(config->endpoint.host == "api.openai.com");
    CHECK(config->endpoint.port == 443);
    CHECK(config->endpoint.basePath == "/v1");
    CHECK(config->endpoint.target("/responses") == "/v1/responses");
    CHECK(config->model == "gpt-5.3-codex-spark");
    CHECK(config->apiKeyEnv == "OPENAI_API_KEY");
    CHECK(config->firstTokenTimeout == std::chrono::milliseconds(1500));
    CHECK(config->timeout == std::chrono::milliseconds(9000));
    CHECK(config->maxRetries == 3);
    CHECK(config->caFile == "/etc/ca.pem");
    CHECK_FALSE(config->tlsVerify);
}

TEST_CASE("defaults, and no provider at all") {
    std::string error;
    auto config = parse(R"({"provider": {"endpoint": "http://127.0.0.1:8080"}})", error);
    REQUIRE(config);
    CHECK(config->kind == "openai-chat");
    CHECK(config->endpoint.origin() == "http://127.0.0.1:8080");
    CHECK(config->endpoint.basePath.empty());
    CHECK(config->apiKeyEnv.empty());
    CHECK(config->maxRetries == 2);
    CHECK(config->tlsVerify);
    CHECK(config->predictBudget == std::chrono::milliseconds(500));
    CHECK(config->slot == 0);

    CHECK_FALSE(parse(R"({"debounce": 5})", error));
    CHECK(error.empty());
    CHECK_FALSE(parse(R"({"provider": null})", error));
    CHECK(error.empty());
}

TEST_CASE("configuration errors name the field") {
    std::string error;
    CHECK_FALSE(parse(R"({"provider": {"kind": "carrier-pigeon", "endpoint": "http://x"}})", error));
    CHECK(error.rfind("provider.kind: unknown wire format 'carrier-pigeon'", 0) == 0);
    CHECK_FALSE(parse(R"({"provider": {"kind": "ollama"}})", error));
    CHECK(error.rfind("provider.endpoint: missing", 0) == 0);
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "ftp://x"}})", error));
    CHECK(error == "provider.endpoint: endpoint must start with http:// or https://");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x:99999"}})", error));
    CHECK(error == "provider.endpoint: bad port in endpoint: 99999");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "https://user:secret@x"}})", error));
    CHECK(error.find("credentials") != std::string::npos);
    CHECK(error.find("secret") == std::string::npos);  // never echo what looks like a secret
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "model": 7}})", error));
    CHECK(error == "provider.model: expected a string");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "timeoutMs": -5}})", error));
    CHECK(error == "provider.timeoutMs: expected a positive number of milliseconds, at most 86400000 (a day)");
    // Past a day: the deadline (now + timeout, in nanoseconds) would overflow.
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "timeoutMs": 9223372036854775807}})", error));
    CHECK(error == "provider.timeoutMs: expected a positive number of milliseconds, at most 86400000 (a day)");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "firstTokenTimeoutMs": 18446744073709551615}})", error));
    CHECK(error.rfind("provider.firstTokenTimeoutMs: expected a positive number", 0) == 0);
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "budget": {"requestsPerSecond": 1e300}}})", error));
    CHECK(error == "provider.budget.requestsPerSecond: expected a number from 0 to 1000000");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "maxRetries": 99}})", error));
    CHECK(error == "provider.maxRetries: expected a whole number from 0 to 10");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "predictBudgetMs": -1}})", error));
    CHECK(error == "provider.predictBudgetMs: expected milliseconds from 0 (no limit) to 600000");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "predictBudgetMs": "fast"}})", error));
    CHECK(error == "provider.predictBudgetMs: expected milliseconds from 0 (no limit) to 600000");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "slot": -2}})", error));
    CHECK(error == "provider.slot: expected a server slot number, or -1 to let the server choose");
    auto unlimited = parse(R"({"provider": {"endpoint": "http://x", "predictBudgetMs": 0, "slot": -1}})", error);
    REQUIRE(unlimited);
    CHECK(unlimited->predictBudget == std::chrono::milliseconds(0));
    CHECK(unlimited->slot == -1);
    CHECK_FALSE(parse(R"({"provider": "openai"})", error));
    CHECK(error == "provider: expected an object");
}

TEST_CASE("IPv6 endpoints") {
    std::string error;
    auto config = parse(R"({"provider": {"endpoint": "http://[::1]:11434/"}})", error);
    REQUIRE(config);
    CHECK(config->endpoint.host == "::1");
    CHECK(config->endpoint.port == 11434);
    CHECK(config->endpoint.authority() == "[::1]:11434");
}

TEST_CASE("transport, proxy, key file, budget and local command settings") {
    std::string error;
    auto config = parse(R"({"provider": {"kind": "openai-responses", "endpoint": "https://api.openai.com/v1",
        "transport": "websocket", "webSocketMaxAgeMs": 600000, "proxy": "http://proxy:3128",
        "apiKeyFile": "~/.config/flint/key", "maxResponseBytes": 1024,
        "budget": {"requestsPerSecond": 1.5, "burst": 3, "requestsPerMinute": 60, "tokensPerDay": 100000}}})", error);
    REQUIRE(config);
    CHECK(config->transport == ProviderConfig::Transport::WebSocket);
    CHECK(config->webSocketMaxAge == std::chrono::milliseconds(600000));
    CHECK(config->proxy == "http://proxy:3128");
    CHECK(config->apiKeyFile == "~/.config/flint/key");
    CHECK(config->keyed());
    CHECK(config->maxResponseBytes == 1024);
    CHECK(config->budget.requestsPerSecond == 1.5);
    CHECK(config->budget.burst == 3);
    CHECK(config->budget.requestsPerMinute == 60);
    CHECK(config->budget.tokensPerDay == 100000);

    auto local = parse(R"({"provider": {"kind": "llama-infill", "command": ["llama-server", "--port", "{port}"]}})", error);
    REQUIRE(local);
    CHECK(local->local.command == std::vector<std::string>{"llama-server", "--port", "{port}"});
    CHECK(local->local.healthPath == "/health");
    CHECK(local->endpointTemplate == "http://127.0.0.1:{port}");
    CHECK(local->endpoint.host == "127.0.0.1");

    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "transport": "websocket"}})", error));
    CHECK(error == "provider.transport: \"websocket\" needs kind openai-responses (the Responses WebSocket mode)");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "proxy": "socks5://p:1"}})", error));
    CHECK(error == "provider.proxy: expected an http:// proxy URL or \"none\"");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x:{port}"}})", error));
    CHECK(error == "provider.endpoint: {port} is only meaningful with a command that starts a local server");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "command": "llama-server"}})", error));
    CHECK(error == "provider.command: expected a list of strings (the program and its arguments)");
    CHECK_FALSE(parse(R"({"provider": {"endpoint": "http://x", "budget": {"requestsPerMinute": -1}}})", error));
    CHECK(error == "provider.budget.requestsPerMinute: expected a whole number, 0 or more");
}
