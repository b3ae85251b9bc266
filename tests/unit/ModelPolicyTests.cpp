// Pure model-side policy: proxy choice, budgets, which provider serves each feature,
// which settings a workspace may not change, and what of a provider's words is quoted.
#include "model/Budget.h"
#include "model/ProviderErrorText.h"
#include "model/ProviderSettings.h"
#include "model/Proxy.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <map>

using namespace flint;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

Endpoint endpoint(const std::string& url) {
    std::string error;
    return *parseEndpoint(url, error);
}

EnvironmentLookup env(std::map<std::string, std::string> values) {
    return [values](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

json::object object(std::string_view text) { return json::parse(text).as_object(); }

} // namespace

TEST_CASE("proxy URLs: host, port, credentials kept out of what is shown") {
    std::string error;
    auto p = parseProxyUrl("http://alice:s%40cret@proxy.corp:3128/", error);
    REQUIRE(p);
    CHECK(p->host == "proxy.corp");
    CHECK(p->port == 3128);
    CHECK(p->authorization == "Basic YWxpY2U6c0BjcmV0");  // alice:s@cret
    CHECK(p->display == "http://proxy.corp:3128");
    auto bare = parseProxyUrl("proxy.corp", error);
    REQUIRE(bare);
    CHECK(bare->port == 1080);
    CHECK(bare->authorization.empty());
    CHECK_FALSE(parseProxyUrl("socks5://proxy:1080", error));
    CHECK(error.find("only http:// proxies") == 0);
}

TEST_CASE("NO_PROXY: names, suffixes, ports, IPs and the wildcard") {
    const Endpoint api = endpoint("https://api.openai.com/v1");
    CHECK(bypassesProxy(api, "openai.com"));
    CHECK(bypassesProxy(api, ".openai.com"));
    CHECK(bypassesProxy(api, "*.openai.com"));
    CHECK(bypassesProxy(api, "localhost, api.openai.com"));
    CHECK(bypassesProxy(api, "api.openai.com:443"));
    CHECK_FALSE(bypassesProxy(api, "api.openai.com:8443"));
    CHECK_FALSE(bypassesProxy(api, "penai.com"));
    CHECK_FALSE(bypassesProxy(api, "example.com,.org"));
    CHECK(bypassesProxy(api, "*"));
    CHECK(bypassesProxy(endpoint("http://127.0.0.1:8080"), "127.0.0.1"));
    CHECK(bypassesProxy(endpoint("http://[::1]:8080"), "[::1]"));
    CHECK_FALSE(bypassesProxy(endpoint("http://127.0.0.1:8080"), ""));
}

TEST_CASE("which proxy: the setting over the environment, https vs http, lowercase first") {
    std::string error;
    const Endpoint https = endpoint("https://api.cerebras.ai/v1");
    const Endpoint http = endpoint("http://127.0.0.1:8080");
    const auto environment = env({{"HTTPS_PROXY", "http://upper:1"}, {"https_proxy", "http://lower:2"},
                                  {"HTTP_PROXY", "http://plain:3"}, {"NO_PROXY", "cerebras.ai"}});
    CHECK_FALSE(resolveProxy(https, "", environment, error));  // NO_PROXY
    CHECK(resolveProxy(http, "", environment, error)->host == "plain");
    CHECK(resolveProxy(https, "", env({{"HTTPS_PROXY", "http://upper:1"}, {"https_proxy", "http://lower:2"}}), error)->host ==
          "lower");
    CHECK(resolveProxy(https, "http://setting:9", environment, error)->host == "setting");
    CHECK_FALSE(resolveProxy(http, "none", environment, error));
    CHECK_FALSE(resolveProxy(http, "", env({}), error));
    CHECK(error.empty());
    CHECK_FALSE(resolveProxy(https, "", env({{"HTTPS_PROXY", "https://x:1"}}), error));
    CHECK(error.find("HTTPS_PROXY: only http:// proxies") == 0);
}

TEST_CASE("budget: token-bucket pacing refuses automatic requests and says when they may go") {
    BudgetConfig config;
    config.requestsPerSecond = 2;
    config.burst = 2;
    Budget budget(config);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    CHECK_FALSE(budget.admit(Priority::Automatic, t0));
    CHECK_FALSE(budget.admit(Priority::Automatic, t0));
    auto refused = budget.admit(Priority::Automatic, t0);
    REQUIRE(refused);
    CHECK(refused->limit == BudgetLimit::Pacing);
    CHECK(refused->until == t0 + 500ms);
    CHECK_FALSE(budget.admit(Priority::Invoked, t0));  // the user asked: it goes
    CHECK_FALSE(budget.admit(Priority::Automatic, t0 + 500ms));
    CHECK(budget.admit(Priority::Automatic, t0 + 600ms));
}

TEST_CASE("budget: a dry run says what admit would, and records nothing") {
    BudgetConfig config;
    config.requestsPerSecond = 1;
    config.burst = 1;
    Budget budget(config);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    CHECK_FALSE(budget.refusalFor(Priority::Automatic, t0));
    CHECK_FALSE(budget.admit(Priority::Automatic, t0));
    const auto refused = budget.refusalFor(Priority::Automatic, t0);
    REQUIRE(refused);
    CHECK(refused->until == t0 + 1s);
    // An invoked request counts: automatic ones resume later than the first refusal said.
    CHECK_FALSE(budget.admit(Priority::Invoked, t0 + 500ms));
    const auto later = budget.refusalFor(Priority::Automatic, t0 + 500ms);
    REQUIRE(later);
    CHECK(later->until == t0 + 1500ms);
    CHECK(budget.requestsInLastMinute(t0 + 500ms) == 2);  // the dry runs recorded nothing
}

TEST_CASE("budget: per-minute and per-day requests and tokens, in sliding windows") {
    BudgetConfig config;
    config.requestsPerMinute = 3;
    config.tokensPerDay = 1000;
    Budget budget(config);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    for (int i = 0; i < 3; ++i) CHECK_FALSE(budget.admit(Priority::Automatic, t0 + i * 10s, 10));
    auto minute = budget.admit(Priority::Automatic, t0 + 30s);
    REQUIRE(minute);
    CHECK(minute->limit == BudgetLimit::RequestsPerMinute);
    CHECK(minute->until == t0 + 60s);  // when the first of the three leaves the window
    CHECK_FALSE(budget.admit(Priority::Automatic, t0 + 60s, 10));
    CHECK(budget.requestsInLastMinute(t0 + 60s) == 3);

    budget.spend(1000, t0 + 2min);
    auto day = budget.admit(Priority::Automatic, t0 + 3min);
    REQUIRE(day);
    CHECK(day->limit == BudgetLimit::TokensPerDay);
    CHECK(day->until > t0 + 23h);
    CHECK_FALSE(budget.admit(Priority::Invoked, t0 + 3min));
    CHECK_FALSE(budget.admit(Priority::Automatic, t0 + 2min + 24h));
}

TEST_CASE("budget: a request whose tokens must fit (next edit's tokens per minute)") {
    BudgetConfig config;
    config.tokensPerMinute = 1000;
    Budget budget(config);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    using Check = Budget::TokenCheck;
    CHECK_FALSE(budget.admit(Priority::Automatic, t0, 600, Check::Fits));
    auto refused = budget.admit(Priority::Automatic, t0 + 30s, 600, Check::Fits);  // 1200 would not fit
    REQUIRE(refused);
    CHECK(refused->limit == BudgetLimit::TokensPerMinute);
    CHECK(refused->until == t0 + 60s);  // when the first 600 leave the window
    CHECK_FALSE(budget.admit(Priority::Automatic, t0 + 30s, 400, Check::Fits));  // exactly fits
    CHECK(budget.tokensInLastMinute(t0 + 59s) == 1000);
    CHECK_FALSE(budget.admit(Priority::Automatic, t0 + 60s, 600, Check::Fits));  // the first left the window
    CHECK(budget.tokensInLastMinute(t0 + 60s) == 1000);
    // More than the whole limit never fits; the default check would have let it go.
    auto never = budget.admit(Priority::Automatic, t0 + 10min, 1001, Check::Fits);
    REQUIRE(never);
    CHECK(never->until == t0 + 11min);
    CHECK_FALSE(budget.admit(Priority::Automatic, t0 + 10min, 1001));

    // New limits keep what the window holds; 0 is no limit.
    Budget changing(config);
    CHECK_FALSE(changing.admit(Priority::Automatic, t0, 900, Check::Fits));
    changing.configure(BudgetConfig{.tokensPerMinute = 500});
    CHECK(changing.admit(Priority::Automatic, t0 + 1s, 1, Check::Fits));
    changing.configure(BudgetConfig{});
    CHECK_FALSE(changing.admit(Priority::Automatic, t0 + 1s, 1'000'000'000, Check::Fits));
}

TEST_CASE("one provider serves everything, named providers per feature, hedges") {
    auto one = parseProviderSettings(object(R"({"provider": {"endpoint": "http://127.0.0.1:1"}})"));
    CHECK(one.errors.empty());
    for (const auto& route : one.routes) CHECK(route.provider == "default");

    auto named = parseProviderSettings(object(R"({
        "providers": {"fast": {"endpoint": "http://127.0.0.1:1"}, "gpu": {"endpoint": "http://127.0.0.1:2"},
                      "strong": {"kind": "openai-responses", "endpoint": "http://127.0.0.1:3"}},
        "features": {"inline": {"provider": "fast", "hedge": "gpu", "hedgeAfterMs": 150}, "actions": "strong"}})"));
    CHECK(named.errors.empty());
    CHECK(named.providers.at("fast").name == "fast");
    CHECK(named.route(ModelFeature::Inline).provider == "fast");
    CHECK(named.route(ModelFeature::Inline).hedge == "gpu");
    CHECK(named.route(ModelFeature::Inline).hedgeAfter == 150ms);
    CHECK(named.route(ModelFeature::Actions).provider == "strong");
    CHECK(named.route(ModelFeature::NextEdit).provider.empty());  // three providers, none named for it

    auto wrong = parseProviderSettings(object(R"({
        "providers": {"fast": {"endpoint": "http://127.0.0.1:1"}, "strong": {"kind": "openai-responses", "endpoint": "http://127.0.0.1:3"}},
        "features": {"inline": {"provider": "fast", "hedge": "strong"}, "nextEdit": "nobody"}})"));
    REQUIRE(wrong.errors.size() == 2);
    CHECK(wrong.errors[0] ==
          "features.inline.hedge: 'strong' speaks openai-responses but 'fast' speaks openai-chat: a hedge must take the same request");
    CHECK(wrong.errors[1] == "features.nextEdit: no provider named 'nobody' in flint.providers");
    CHECK(wrong.route(ModelFeature::Inline).hedge.empty());
    CHECK(wrong.route(ModelFeature::NextEdit).provider.empty());
}

TEST_CASE("a workspace cannot redirect a keyed provider unless the user trusts workspaces") {
    const json::object user = object(R"({"provider": {"endpoint": "https://api.openai.com/v1", "apiKeyEnv": "OPENAI_API_KEY",
                                                       "model": "a"}})");
    const json::object workspace = object(R"({"provider": {"endpoint": "https://evil.example/v1", "proxy": "http://evil:1",
                                                            "tlsVerify": false, "caFile": "/tmp/evil.pem", "model": "b"},
                                              "trustWorkspaceEndpoints": true})");
    LayeredSettings layered = layerSettings(user, workspace);
    const json::object& p = layered.effective.at("provider").as_object();
    CHECK(p.at("endpoint") == "https://api.openai.com/v1");
    CHECK_FALSE(p.contains("proxy"));
    CHECK_FALSE(p.contains("tlsVerify"));
    CHECK_FALSE(p.contains("caFile"));
    CHECK(p.at("model") == "b");  // the rest of a workspace's settings apply
    CHECK_FALSE(layered.effective.contains("trustWorkspaceEndpoints"));
    CHECK(layered.ignored == std::vector<std::string>{"trustWorkspaceEndpoints", "provider.endpoint", "provider.proxy",
                                                      "provider.caFile", "provider.tlsVerify"});

    // A workspace that adds a key to a provider it points elsewhere gains nothing either.
    LayeredSettings sneaky = layerSettings(object(R"({})"), object(R"({"providers": {"x": {"endpoint": "https://evil.example",
                                                                           "apiKeyFile": "~/.ssh/id_rsa", "command": ["sh"]}}})"));
    CHECK_FALSE(sneaky.effective.at("providers").at("x").as_object().contains("endpoint"));
    CHECK_FALSE(sneaky.effective.at("providers").at("x").as_object().contains("command"));
    CHECK(parseProviderSettings(sneaky.effective).errors.front().find("providers.x.endpoint: missing") == 0);

    // Keyless providers (a local server) may be moved by the workspace; commands never.
    LayeredSettings local = layerSettings(object(R"({})"), object(R"({"provider": {"endpoint": "http://127.0.0.1:9"}})"));
    CHECK(local.effective.at("provider").at("endpoint") == "http://127.0.0.1:9");
    CHECK(local.ignored.empty());

    // The user opted in: the workspace's endpoint applies.
    json::object trusting = user;
    trusting["trustWorkspaceEndpoints"] = true;
    LayeredSettings trusted = layerSettings(trusting, workspace);
    CHECK(trusted.effective.at("provider").at("endpoint") == "https://evil.example/v1");
    CHECK(trusted.ignored == std::vector<std::string>{"trustWorkspaceEndpoints"});
}

TEST_CASE("a provider's error text: its message, and never the API key, whole or cut") {
    const std::string key = "sk-test-0123456789abcdefghijklmn";
    CHECK(providerErrorText(R"({"error": {"message": "invalid API key", "type": "x"}})", key) == "invalid API key");
    CHECK(providerErrorText(R"({"error": "overloaded"})", key) == "overloaded");
    CHECK(providerErrorText(R"({"message": "try later"})", key) == "try later");
    CHECK(providerErrorText("Bad Gateway\r\n", key) == "Bad Gateway");
    // Echoed back, as some providers and proxies do.
    CHECK(providerErrorText(R"({"error": {"message": "Incorrect API key provided: )" + key + R"(."}})", key) ==
          "Incorrect API key provided: [redacted].");
    CHECK(providerErrorText("denied for Bearer " + key + " from 10.0.0.1", key) == "denied for Bearer [redacted] from 10.0.0.1");
    // A plain-text body is shortened to 200 characters: the key is cut out before that.
    const std::string body = std::string(180, '.') + "Bearer " + key + " and more";
    const std::string shown = providerErrorText(body, key);
    CHECK(shown.size() <= 200);
    CHECK(shown.find("sk-test-0") == std::string::npos);
    // Whatever else quotes the provider: a part of the key (8 characters or more), and
    // the start of one cut off at the end of a shortened text.
    CHECK(withoutKey("prefix " + key.substr(10, 12) + " suffix", key) == "prefix [redacted] suffix");
    CHECK(withoutKey("malformed event: {\"auth\": \"Bearer " + key.substr(0, 6), key) ==
          "malformed event: {\"auth\": \"Bearer [redacted]");
    CHECK(withoutKey("nothing to see here", key) == "nothing to see here");
    CHECK(withoutKey("abc key abc", "") == "abc key abc");
    CHECK(withoutKey("short k3y here and k3y", "k3y") == "short [redacted] here and [redacted]");
}
