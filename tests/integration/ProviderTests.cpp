// The provider policy against the scripted model server: the API key from the
// environment, retries inside the budget, Retry-After, the first-token timeout,
// error messages, and warm connections.
#include "ScriptedModelServer.h"
#include "TestSecrets.h"

#include "model/Provider.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <map>

using namespace flint;
using namespace flint::test;
namespace json = boost::json;
using End = StreamUpdate::End;

namespace {

struct Result {
    std::string text;
    std::string model;
    End end = End::None;
    std::string error;
    int finals = 0;
    int updates = 0;
};

ProviderConfig config(const ScriptedModelServer& server, std::string kind = "openai-chat") {
    ProviderConfig c;
    c.kind = std::move(kind);
    c.endpoint = server.endpoint("/v1");
    c.model = "configured-model";
    c.firstTokenTimeout = std::chrono::milliseconds(5000);
    c.timeout = std::chrono::milliseconds(10000);
    return c;
}

Result run(boost::asio::io_context& loop, Provider& provider, ModelRequest request = {}) {
    Result r;
    if (request.user.empty()) request.user = request.prefix = "def f(";
    auto call = provider.stream(request, [&](const StreamUpdate& u) {
        ++r.updates;
        r.text += u.text;
        if (!u.model.empty()) r.model = u.model;
        if (u.end != End::None) {
            ++r.finals;
            r.end = u.end;
            r.error = u.error;
        }
    });
    REQUIRE(runUntil(loop, [&] { return r.finals > 0; }, std::chrono::seconds(20)));
    return r;
}

json::array requests(ScriptedModelServer& server) { return server.control("GET", "/__flint/requests").as_array(); }

Provider::Environment environment(std::map<std::string, std::string> values) {
    return [values](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

} // namespace

TEST_CASE("the API key comes from the named variable and goes only into the Authorization header") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = config(server);
    c.apiKeyEnv = "FLINT_TEST_KEY";
    const std::string key = kTestApiKey;
    Provider provider(loop, c, environment({{"FLINT_TEST_KEY", key}}));
    const Result r = run(loop, provider);
    CHECK(r.end == End::Stop);
    CHECK(r.text == "return a + b;\n");
    const json::value recorded = requests(server).back();
    CHECK(recorded.at("headers").at("authorization").as_string() == "Bearer " + key);
    CHECK(recorded.at("body").as_string().find(key) == std::string::npos);
    CHECK(json::parse(recorded.at("body").as_string()).at("model") == "configured-model");

    Provider missing(loop, c, environment({}));
    const Result none = run(loop, missing);
    CHECK(none.end == End::Error);
    CHECK(none.error == "no API key: the environment variable FLINT_TEST_KEY is not set");
    CHECK(requests(server).size() == 1);  // nothing was sent without the key

    ProviderConfig local = config(server, "ollama");
    Provider keyless(loop, local, environment({{"FLINT_TEST_KEY", key}}));
    run(loop, keyless);
    CHECK_FALSE(requests(server).back().at("headers").as_object().contains("authorization"));
}

TEST_CASE("429 with Retry-After is honoured, then the request goes through") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    Provider provider(loop, config(server));
    server.control("POST", "/__flint/queue", R"({"fault":"429","retryAfter":0})");
    const Result r = run(loop, provider);
    CHECK(r.end == End::Stop);
    CHECK(r.text == "return a + b;\n");
    CHECK(requests(server).size() == 2);
    CHECK(provider.rateLimitedUntil().has_value());

    // A wait longer than the request's budget is reported, not slept through.
    server.control("POST", "/__flint/queue", R"({"fault":"429","retryAfter":60})");
    const Result limited = run(loop, provider);
    CHECK(limited.end == End::Error);
    CHECK(limited.error == "rate limited by the provider (retry after 60 s): rate limited");
    CHECK(*provider.rateLimitedUntil() > std::chrono::steady_clock::now() + std::chrono::seconds(50));
    CHECK(requests(server).size() == 3);
}

TEST_CASE("5xx is retried with backoff up to maxRetries") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = config(server);
    c.maxRetries = 2;
    Provider provider(loop, c);
    server.control("POST", "/__flint/queue", R"({"fault":"500"})");
    server.control("POST", "/__flint/queue", R"({"fault":"500"})");
    const Result r = run(loop, provider);
    CHECK(r.end == End::Stop);
    CHECK(requests(server).size() == 3);

    for (int i = 0; i < 3; ++i) server.control("POST", "/__flint/queue", R"({"fault":"500"})");
    const Result failed = run(loop, provider);
    CHECK(failed.end == End::Error);
    CHECK(failed.error == "the provider failed (HTTP 500): internal error");
    CHECK(requests(server).size() == 6);
}

TEST_CASE("other HTTP errors are reported with the provider's message and not retried") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    Provider provider(loop, config(server));
    server.control("POST", "/__flint/queue", R"({"fault":"401"})");
    const Result r = run(loop, provider);
    CHECK(r.end == End::Error);
    CHECK(r.error == "the provider refused the request (HTTP 401): invalid API key");
    CHECK(requests(server).size() == 1);
}

TEST_CASE("a stalled model hits the first-token timeout, text that arrived is kept on a dropped stream") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = config(server);
    c.firstTokenTimeout = std::chrono::milliseconds(200);
    Provider provider(loop, c);
    server.control("POST", "/__flint/queue", R"({"fault":"stall"})");
    const Result stalled = run(loop, provider);
    CHECK(stalled.end == End::Error);
    CHECK(stalled.error == "no token from the model within 200 ms");
    CHECK(stalled.finals == 1);

    server.control("POST", "/__flint/queue", R"({"fault":"drop","reply":"abcdefgh","tokenChars":2})");
    const Result dropped = run(loop, provider);
    CHECK(dropped.end == End::Truncated);
    CHECK(dropped.text == "abcd");
    CHECK(dropped.finals == 1);
}

TEST_CASE("warm: the first request finds a connection already open, and streams keep it") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    Provider provider(loop, config(server, "openai-chat"));
    provider.warm();
    REQUIRE(runUntil(loop, [&] { return provider.connectionStats().idle == 1; }));
    for (int i = 0; i < 3; ++i) {
        const Result r = run(loop, provider);
        CHECK(r.end == End::Stop);
        CHECK(r.model == "flint-scripted-model");
        // The end marker arrives before [DONE]: the body is still read to its end so
        // that the connection can serve the next request.
        REQUIRE(runUntil(loop, [&] { return provider.connectionStats().idle == 1; }));
    }
    CHECK(provider.connectionStats().connectionsOpened == 1);
}

TEST_CASE("cancelling a provider stream delivers nothing more") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    Provider provider(loop, config(server));
    server.control("POST", "/__flint/script", R"({"reply":"aaaa bbbb cccc","holdAfter":1})");
    int updates = 0;
    std::string text;
    auto call = provider.stream(ModelRequest{.model = "", .system = "", .user = "x"}, [&](const StreamUpdate& u) {
        ++updates;
        text += u.text;
    });
    REQUIRE(runUntil(loop, [&] { return !text.empty(); }));
    call->cancel();
    const int before = updates;
    const std::string id = requests(server).back().at("id").is_int64()
                               ? std::to_string(requests(server).back().at("id").as_int64()) : "1";
    server.control("GET", "/__flint/wait?id=" + id + "&for=aborted");
    server.control("POST", "/__flint/release");
    CHECK(updates == before);
}
