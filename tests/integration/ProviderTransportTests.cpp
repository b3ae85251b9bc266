// The provider over every path it can take to a model, against the scripted model
// server: the Responses WebSocket mode, HTTP proxies (CONNECT and absolute form),
// hedging across two providers, a local model server Flint starts and restarts, and
// the fault and budget policy (rate limits, budgets, caps, stalls, unreachable).
#include "ScriptedModelServer.h"
#include "TestSecrets.h"

#include "model/Provider.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <unistd.h>

using namespace flint;
using namespace flint::test;
namespace json = boost::json;
using End = StreamUpdate::End;
using Refusal = StreamUpdate::Refusal;

namespace {

const std::string kKey = kTestApiKey;

struct Result {
    std::string text;
    std::string model;
    End end = End::None;
    Refusal refused = Refusal::None;
    std::string error;
    int finals = 0;
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

ProviderConfig webSocketConfig(const ScriptedModelServer& server) {
    ProviderConfig c = config(server, "openai-responses");
    c.transport = ProviderConfig::Transport::WebSocket;
    c.apiKeyEnv = "FLINT_TEST_KEY";
    return c;
}

Provider::Environment environment(std::map<std::string, std::string> values) {
    return [values](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

const Provider::Environment kKeyOnly = environment({{"FLINT_TEST_KEY", kKey}});

std::shared_ptr<ProviderCall> start(Provider& provider, Result& r, StreamOptions options = {}) {
    ModelRequest request;
    request.user = request.prefix = "def f(";
    return provider.stream(request, [&r](const StreamUpdate& u) {
        r.text += u.text;
        if (!u.model.empty()) r.model = u.model;
        if (u.end != End::None) {
            ++r.finals;
            r.end = u.end;
            r.error = u.error;
            r.refused = u.refused;
        }
    }, options);
}

Result run(boost::asio::io_context& loop, Provider& provider, StreamOptions options = {}) {
    Result r;
    auto call = start(provider, r, options);
    REQUIRE(runUntil(loop, [&] { return r.finals > 0; }, std::chrono::seconds(20)));
    return r;
}

json::array requests(ScriptedModelServer& server) { return server.control("GET", "/__flint/requests").as_array(); }

std::string temporaryPath(const char* pattern) {
    std::string path = std::string("/tmp/") + pattern;
    const int fd = ::mkstemp(path.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    return path;
}

} // namespace

TEST_CASE("websocket: the Responses WebSocket mode streams over one persistent socket") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    server.control("POST", "/__flint/script", R"({"reply":"return a + b;\n","model":"served-over-ws"})");
    Provider provider(loop, webSocketConfig(server), kKeyOnly);
    provider.warm();
    REQUIRE(runUntil(loop, [&] { return provider.webSocketStats().idle == 1; }));
    for (int i = 0; i < 3; ++i) {
        const Result r = run(loop, provider);
        CHECK(r.end == End::Stop);
        CHECK(r.text == "return a + b;\n");
        CHECK(r.model == "served-over-ws");
    }
    CHECK(provider.webSocketStats().handshakes == 1);
    CHECK(provider.webSocketStats().requestsOnReusedSockets == 3);
    const json::array upgrades = server.control("GET", "/__flint/upgrades").as_array();
    REQUIRE(upgrades.size() == 1);
    CHECK(upgrades[0].at("headers").at("authorization").as_string() == "Bearer " + kKey);
    CHECK(upgrades[0].at("headers").at("sec-websocket-version") == "13");
    const json::array sent = requests(server);
    REQUIRE(sent.size() == 3);
    for (const json::value& request : sent) {
        CHECK(request.at("method") == "WS");
        CHECK(request.at("path") == "/v1/responses");
        const json::value body = json::parse(request.at("body").as_string());
        CHECK(body.at("type") == "response.create");
        CHECK(body.at("model") == "configured-model");
        CHECK_FALSE(body.as_object().contains("stream"));  // implicit on the socket
        CHECK(request.at("body").as_string().find(kKey) == std::string::npos);
    }
}

TEST_CASE("websocket: the first delta arrives while the server holds the rest, cancel closes the socket") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    server.control("POST", "/__flint/script", R"({"reply":"alpha beta gamma","tokenChars":6,"holdAfter":1})");
    Provider provider(loop, webSocketConfig(server), kKeyOnly);
    Result r;
    auto call = start(provider, r);
    REQUIRE(runUntil(loop, [&] { return !r.text.empty(); }));
    CHECK(r.text == "alpha ");
    CHECK(r.finals == 0);
    call->cancel();
    const std::string id = std::to_string(requests(server).back().at("id").as_int64());
    CHECK(server.control("GET", "/__flint/wait?id=" + id + "&for=aborted").at("aborted") == true);
    server.control("POST", "/__flint/release");
    CHECK(r.text == "alpha ");
    CHECK(r.finals == 0);

    // A fresh socket was opened in the background; the next request uses it.
    server.control("POST", "/__flint/script", R"({"holdAfter":null})");
    REQUIRE(runUntil(loop, [&] { return provider.webSocketStats().idle == 1; }));
    const Result next = run(loop, provider);
    CHECK(next.end == End::Stop);
    CHECK(next.text == "alpha beta gamma");
    CHECK(provider.webSocketStats().handshakes == 2);
}

TEST_CASE("websocket: sockets are replaced before their age limit, and on the provider's limit error") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = webSocketConfig(server);
    c.webSocketMaxAge = std::chrono::milliseconds(300);
    Provider provider(loop, c, kKeyOnly);
    provider.warm();
    REQUIRE(runUntil(loop, [&] { return provider.webSocketStats().socketsRetiredForAge >= 2; }));
    REQUIRE(runUntil(loop, [&] { return provider.webSocketStats().idle == 1; }));
    CHECK(run(loop, provider).end == End::Stop);
    CHECK(provider.webSocketStats().handshakes >= 3);

    // The 60-minute limit as the provider reports it: retried once on a fresh socket.
    ScriptedModelServer other(loop);
    Provider limited(loop, webSocketConfig(other), kKeyOnly);
    other.control("POST", "/__flint/queue", R"({"fault":"limit"})");
    const Result r = run(loop, limited);
    CHECK(r.end == End::Stop);
    CHECK(r.text == "return a + b;\n");
    CHECK(requests(other).size() == 2);
    CHECK(other.control("GET", "/__flint/upgrades").as_array().size() >= 2);
}

TEST_CASE("websocket faults: drop, close, garbage, stall, refused upgrade, ping") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = webSocketConfig(server);
    c.firstTokenTimeout = std::chrono::milliseconds(300);
    c.maxRetries = 0;
    Provider provider(loop, c, kKeyOnly);

    server.control("POST", "/__flint/queue", R"({"fault":"drop","reply":"abcdefgh","tokenChars":2})");
    const Result dropped = run(loop, provider);
    CHECK(dropped.end == End::Truncated);
    CHECK(dropped.text == "abcd");
    CHECK(dropped.error.find("WebSocket") != std::string::npos);

    server.control("POST", "/__flint/queue", R"({"fault":"close","reply":"abcdefgh","tokenChars":2})");
    const Result closed = run(loop, provider);
    CHECK(closed.end == End::Truncated);
    CHECK(closed.text == "abcd");
    CHECK(closed.error == "the model server closed the WebSocket (1011: server going away)");

    server.control("POST", "/__flint/queue", R"({"fault":"garbage","reply":"abcdefgh","tokenChars":2})");
    const Result garbage = run(loop, provider);
    CHECK(garbage.end == End::Error);
    CHECK(garbage.error.find("malformed event") == 0);

    server.control("POST", "/__flint/queue", R"({"fault":"stall"})");
    const Result stalled = run(loop, provider);
    CHECK(stalled.end == End::Error);
    CHECK(stalled.error == "no token from the model within 300 ms");

    // Each fault closed its socket and a replacement opened in the background; wait for
    // it, so that the refusal below meets the fresh provider's upgrade, not that one.
    REQUIRE(runUntil(loop, [&] { return provider.webSocketStats().idle == 1; }));
    server.control("POST", "/__flint/queue", R"({"at":"upgrade","fault":"401"})");
    Provider fresh(loop, c, kKeyOnly);
    const Result refused = run(loop, fresh);
    CHECK(refused.end == End::Error);
    CHECK(refused.error == "the provider refused the request (HTTP 401): invalid API key");

    server.control("POST", "/__flint/queue", R"({"fault":"ping"})");
    const Result pinged = run(loop, provider);
    CHECK(pinged.end == End::Stop);
    // The pong may reach the server just after the response: look until it has.
    auto ponged = [&] {
        const json::value upgrades = server.control("GET", "/__flint/upgrades");
        for (const json::value& u : upgrades.as_array())
            if (const json::value* pongs = u.as_object().if_contains("pongs"); pongs && *pongs == 1) return true;
        return false;
    };
    bool sawPong = false;
    for (int i = 0; i < 200 && !(sawPong = ponged()); ++i) runUntil(loop, [] { return false; }, std::chrono::milliseconds(25));
    CHECK(sawPong);
}

TEST_CASE("proxy: CONNECT tunnels and absolute-form requests, from the setting or the environment") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ScriptedModelServer proxy(loop, ScriptedModelServer::Program::ConnectProxy);
    const std::string proxyUrl = "http://127.0.0.1:" + std::to_string(proxy.port());
    const std::string origin = "127.0.0.1:" + std::to_string(server.port());

    // Plain http through the `proxy` setting: absolute form.
    ProviderConfig c = config(server);
    c.proxy = proxyUrl;
    Provider viaSetting(loop, c, environment({}));
    CHECK(run(loop, viaSetting).end == End::Stop);
    json::array carried = proxy.control("GET", "/__proxy/requests").as_array();
    REQUIRE(carried.size() == 1);
    CHECK(carried[0].at("method") == "POST");
    CHECK(carried[0].at("target").as_string() == "http://" + origin + "/v1/chat/completions");

    // HTTP_PROXY from the environment; NO_PROXY wins over it.
    Provider viaEnvironment(loop, config(server), environment({{"http_proxy", proxyUrl}}));
    CHECK(run(loop, viaEnvironment).end == End::Stop);
    CHECK(proxy.control("GET", "/__proxy/requests").as_array().size() == 2);
    Provider bypassing(loop, config(server), environment({{"HTTP_PROXY", proxyUrl}, {"NO_PROXY", "localhost,127.0.0.1"}}));
    CHECK(run(loop, bypassing).end == End::Stop);
    CHECK(proxy.control("GET", "/__proxy/requests").as_array().size() == 2);
    // "none" ignores the environment.
    ProviderConfig direct = config(server);
    direct.proxy = "none";
    Provider none(loop, direct, environment({{"HTTP_PROXY", proxyUrl}}));
    CHECK(run(loop, none).end == End::Stop);
    CHECK(proxy.control("GET", "/__proxy/requests").as_array().size() == 2);

    // The WebSocket goes through a CONNECT tunnel, key inside it, never to the proxy.
    ProviderConfig ws = webSocketConfig(server);
    ws.proxy = proxyUrl;
    Provider tunnelled(loop, ws, kKeyOnly);
    CHECK(run(loop, tunnelled).end == End::Stop);
    carried = proxy.control("GET", "/__proxy/requests").as_array();
    REQUIRE(carried.size() == 3);
    CHECK(carried[2].at("method") == "CONNECT");
    CHECK(carried[2].at("target").as_string() == origin);
    CHECK(carried[2].at("proxyAuthorization").is_null());
    CHECK(server.control("GET", "/__flint/upgrades").as_array().back().at("headers").at("authorization").as_string() ==
          "Bearer " + kKey);
    // What the proxy itself read of the tunnel (the CONNECT request) holds no key.
    CHECK_FALSE(carried[2].at("headers").as_object().contains("authorization"));
    CHECK(json::serialize(carried[2]).find(kKey) == std::string::npos);

    // A keyed plain-http request through a proxy is relayed (absolute form, as curl
    // does): to the configured origin and nowhere else.
    ProviderConfig keyed = config(server);
    keyed.apiKeyEnv = "FLINT_TEST_KEY";
    keyed.proxy = proxyUrl;
    Provider relayed(loop, keyed, kKeyOnly);
    CHECK(run(loop, relayed).end == End::Stop);
    carried = proxy.control("GET", "/__proxy/requests").as_array();
    REQUIRE(carried.size() == 4);
    CHECK(carried[3].at("target").as_string() == "http://" + origin + "/v1/chat/completions");
    CHECK(requests(server).back().at("headers").at("authorization").as_string() == "Bearer " + kKey);
    for (const json::value& r : carried)
        if (json::serialize(r).find(kKey) != std::string::npos)
            CHECK(r.at("target").as_string().find("http://" + origin + "/") == 0);
}

TEST_CASE("proxy: credentials from the proxy URL, a 407 is a clear error") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ScriptedModelServer proxy(loop, ScriptedModelServer::Program::ConnectProxy, {"--auth", "alice:wonder land"});
    ProviderConfig ws = webSocketConfig(server);
    ws.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
    ws.maxRetries = 0;
    Provider anonymous(loop, ws, kKeyOnly);
    const Result refused = run(loop, anonymous);
    CHECK(refused.end == End::Error);
    CHECK(refused.error.find("requires authentication (HTTP 407)") != std::string::npos);
    CHECK(anonymous.health().state == ProviderHealth::State::Unreachable);

    ws.proxy = "http://alice:wonder%20land@127.0.0.1:" + std::to_string(proxy.port());
    Provider authenticated(loop, ws, kKeyOnly);
    CHECK(run(loop, authenticated).end == End::Stop);
    const json::array carried = proxy.control("GET", "/__proxy/requests").as_array();
    CHECK(carried.back().at("proxyAuthorization") == "Basic YWxpY2U6d29uZGVyIGxhbmQ=");
}

TEST_CASE("hedging: a slow primary is raced by the backup, the first to stream wins, the other is cancelled") {
    boost::asio::io_context loop;
    ScriptedModelServer slow(loop);
    ScriptedModelServer fast(loop);
    slow.control("POST", "/__flint/script", R"({"reply":"from the slow one","holdAfter":0})");
    fast.control("POST", "/__flint/script", R"({"reply":"from the fast one"})");
    // Each with a key of its own: the race sends the same request with each one's key.
    ProviderConfig primaryConfig = config(slow), backupConfig = config(fast);
    primaryConfig.apiKeyEnv = "FLINT_TEST_KEY";
    backupConfig.apiKeyEnv = "BACKUP_KEY";
    const auto keys = environment({{"FLINT_TEST_KEY", kKey}, {"BACKUP_KEY", "sk-backup-0000"}});
    Provider primary(loop, primaryConfig, keys);
    Provider backup(loop, backupConfig, keys);
    auto hedged = Provider::hedged(primary, backup, std::chrono::milliseconds(100));
    const Result r = run(loop, *hedged);
    CHECK(r.end == End::Stop);
    CHECK(r.text == "from the fast one");
    const std::string id = std::to_string(requests(slow).back().at("id").as_int64());
    CHECK(slow.control("GET", "/__flint/wait?id=" + id + "&for=aborted").at("aborted") == true);
    slow.control("POST", "/__flint/release");
    CHECK(requests(slow).back().at("headers").at("authorization").as_string() == "Bearer " + kKey);
    CHECK(requests(fast).back().at("headers").at("authorization").as_string() == "Bearer sk-backup-0000");
    CHECK(json::serialize(requests(fast)).find(kKey) == std::string::npos);

    // A primary that streams in time is never raced.
    slow.control("POST", "/__flint/script", R"({"holdAfter":null})");
    auto patient = Provider::hedged(primary, backup, std::chrono::milliseconds(5000));
    const Result first = run(loop, *patient);
    CHECK(first.text == "from the slow one");
    CHECK(requests(fast).size() == 1);

    // A primary that fails before the delay fails over to the backup at once.
    slow.control("POST", "/__flint/queue", R"({"fault":"401"})");
    const Result failover = run(loop, *patient);
    CHECK(failover.end == End::Stop);
    CHECK(failover.text == "from the fast one");
}

TEST_CASE("hedging: watchers added through a hedged view go with the view, the owner's stay") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ScriptedModelServer other(loop);
    Provider primary(loop, config(server));
    Provider backup(loop, config(other));
    size_t seenByOwner = 0, seenByView = 0;
    primary.observe([&](const ProviderEvent& e) { seenByOwner += e.kind == ProviderEvent::Kind::Started; });
    auto view = Provider::hedged(primary, backup, std::chrono::milliseconds(5000));
    CHECK(view->hedges(primary, backup, std::chrono::milliseconds(5000)));
    CHECK_FALSE(view->hedges(primary, backup, std::chrono::milliseconds(100)));
    CHECK_FALSE(view->hedges(backup, primary, std::chrono::milliseconds(5000)));
    CHECK_FALSE(primary.hedges(primary, backup, std::chrono::milliseconds(5000)));
    view->observe([&](const ProviderEvent& e) { seenByView += e.kind == ProviderEvent::Kind::Started; });
    CHECK(run(loop, *view).end == End::Stop);
    CHECK(seenByOwner == 1);
    CHECK(seenByView == 1);

    // A configuration applied again used to leave one watcher per apply behind in the
    // shared state; the view's destruction now takes its own.
    view.reset();
    CHECK(run(loop, primary).end == End::Stop);
    CHECK(seenByOwner == 2);
    CHECK(seenByView == 1);
}

TEST_CASE("local model process: started on a free port, healthy, restarted when killed") {
    boost::asio::io_context loop;
    ProviderConfig c;
    c.kind = "openai-chat";
    c.endpointTemplate = "http://127.0.0.1:{port}/v1";
    c.local.command = {FLINT_NODE, FLINT_MODEL_SERVER, "--port", "{port}", "--reply", "from the local server"};
    c.local.healthPath = "/health";
    c.local.startTimeout = std::chrono::milliseconds(30000);
    auto owned = std::make_unique<Provider>(loop, c);
    Provider& provider = *owned;
    CHECK(provider.health().state == ProviderHealth::State::Starting);
    const Result early = run(loop, provider);  // before warm(): nothing runs yet
    CHECK(early.refused == Refusal::Starting);
    provider.warm();
    REQUIRE(runUntil(loop, [&] { return provider.health().state == ProviderHealth::State::Ready; }, std::chrono::seconds(30)));
    const int first = provider.localProcessId();
    CHECK(first > 0);
    CHECK(provider.endpoint().port != 0);
    const Result r = run(loop, provider);
    CHECK(r.end == End::Stop);
    CHECK(r.text == "from the local server");

    ::kill(first, SIGKILL);
    REQUIRE(runUntil(loop, [&] { return provider.localProcessId() != first && provider.localProcessId() != 0; },
                     std::chrono::seconds(30)));
    REQUIRE(runUntil(loop, [&] { return provider.health().state == ProviderHealth::State::Ready; }, std::chrono::seconds(30)));
    CHECK(provider.localProcessRestarts() == 1);
    CHECK(run(loop, provider).text == "from the local server");
    const int second = provider.localProcessId();
    // Dropping the provider stops (and reaps) the server: no orphan.
    owned.reset();
    CHECK(::kill(second, 0) != 0);
}

TEST_CASE("429 sets rate-limited-until, automatic requests are refused until then, invoked ones go") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = config(server);
    c.maxRetries = 0;
    Provider provider(loop, c);
    std::vector<ProviderHealth::State> states;
    provider.addHealthListener([&](const ProviderHealth& h) { states.push_back(h.state); });
    server.control("POST", "/__flint/queue", R"({"fault":"429","retryAfter":30})");
    const Result limited = run(loop, provider);
    CHECK(limited.end == End::Error);
    const ProviderHealth health = provider.health();
    CHECK(health.state == ProviderHealth::State::RateLimited);
    REQUIRE(health.rateLimitedUntil);
    CHECK(*health.rateLimitedUntil > std::chrono::system_clock::now() + std::chrono::seconds(20));
    CHECK(states == std::vector{ProviderHealth::State::RateLimited});

    const Result automatic = run(loop, provider);
    CHECK(automatic.refused == Refusal::RateLimited);
    CHECK(automatic.error.find("rate limited by the provider: automatic requests resume in") == 0);
    CHECK(requests(server).size() == 1);  // nothing sent

    const Result invoked = run(loop, provider, {.priority = Priority::Invoked});
    CHECK(invoked.end == End::Stop);
    CHECK(requests(server).size() == 2);
    CHECK(provider.health().state == ProviderHealth::State::Ready);
}

TEST_CASE("budgets: automatic requests are refused quickly with a typed reason, invoked ones still go") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = config(server);
    c.budget.requestsPerMinute = 2;
    Provider provider(loop, c);
    CHECK(run(loop, provider).end == End::Stop);
    CHECK(run(loop, provider).end == End::Stop);
    const Result refused = run(loop, provider);
    CHECK(refused.end == End::Error);
    CHECK(refused.refused == Refusal::Budget);
    CHECK(refused.error.find("the requestsPerMinute budget of provider default is spent") == 0);
    const ProviderHealth health = provider.health();
    CHECK(health.state == ProviderHealth::State::OverBudget);
    CHECK(health.budgetLimit == BudgetLimit::RequestsPerMinute);
    REQUIRE(health.budgetUntil);
    CHECK(*health.budgetUntil > std::chrono::system_clock::now());
    CHECK(requests(server).size() == 2);
    CHECK(run(loop, provider, {.priority = Priority::Invoked}).end == End::Stop);
    CHECK(requests(server).size() == 3);
}

TEST_CASE("the API key from a key file, read at request time") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    const std::string path = temporaryPath("flint-key-XXXXXX");
    std::ofstream(path) << kKey << "\n";
    ProviderConfig c = config(server);
    c.apiKeyFile = path;
    Provider provider(loop, c, environment({}));
    CHECK(run(loop, provider).end == End::Stop);
    CHECK(requests(server).back().at("headers").at("authorization").as_string() == "Bearer " + kKey);
    std::ofstream(path) << kKey << "-rotated\n";  // read again for each request
    CHECK(run(loop, provider).end == End::Stop);
    CHECK(requests(server).back().at("headers").at("authorization").as_string() == "Bearer " + kKey + "-rotated");
    ::unlink(path.c_str());
    const Result missing = run(loop, provider);
    CHECK(missing.refused == Refusal::NoKey);
    CHECK(missing.error == "no API key: cannot read a key from the file " + path);
    CHECK(requests(server).size() == 2);
}

TEST_CASE("faults: mid-stream stall hits the total budget, slow headers the first-token timeout, oversized is capped") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = config(server);
    c.timeout = std::chrono::milliseconds(800);
    c.firstTokenTimeout = std::chrono::milliseconds(400);
    c.maxRetries = 0;
    Provider provider(loop, c);

    server.control("POST", "/__flint/queue", R"({"reply":"abcdefgh","tokenChars":2,"holdAfter":2})");
    const Result stalled = run(loop, provider);
    CHECK(stalled.end == End::Truncated);
    CHECK(stalled.text == "abcd");  // kept, flagged incomplete
    CHECK(stalled.error.find("timeout") != std::string::npos);
    server.control("POST", "/__flint/release");

    server.control("POST", "/__flint/queue", R"({"fault":"slow-headers"})");
    const Result slow = run(loop, provider);
    CHECK(slow.end == End::Error);
    CHECK(slow.error == "no token from the model within 400 ms");
    server.control("POST", "/__flint/release");

    ProviderConfig capped = config(server);
    capped.maxResponseBytes = 4096;
    Provider small(loop, capped);
    server.control("POST", "/__flint/queue", R"({"fault":"oversized"})");
    const Result oversized = run(loop, small);
    CHECK(oversized.end == End::Truncated);
    CHECK(oversized.error == "the response was larger than 4096 bytes: cut off there");
    CHECK(oversized.finals == 1);
}

TEST_CASE("connection refused: the health says unreachable, and recovers when a request succeeds") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    ProviderConfig c = config(server);
    c.endpoint.port = 1;  // nothing listens there
    c.maxRetries = 0;
    Provider provider(loop, c);
    int unreachable = 0;
    provider.addHealthListener([&](const ProviderHealth& h) {
        if (h.state == ProviderHealth::State::Unreachable) ++unreachable;
    });
    for (int i = 0; i < 3; ++i) {
        const Result r = run(loop, provider);
        CHECK(r.end == End::Error);
        CHECK(r.error.find("cannot connect to 127.0.0.1:1") == 0);
    }
    CHECK(unreachable == 1);  // one change of state, not one per request
    CHECK(provider.health().lastError.find("cannot connect") == 0);
}


TEST_CASE("TLS: verified with the configured CA file, through a CONNECT tunnel, and a clear TLS failure") {
    boost::asio::io_context loop;
    SelfSignedCertificate certificate;
    ScriptedModelServer server(loop, ScriptedModelServer::Program::ModelServer,
                               {"--tls-cert", certificate.cert, "--tls-key", certificate.key});
    ScriptedModelServer proxy(loop, ScriptedModelServer::Program::ConnectProxy);
    REQUIRE(server.endpoint().tls);

    // Without the CA the certificate is refused: an error, never a request.
    ProviderConfig untrusted = config(server);
    untrusted.apiKeyEnv = "FLINT_TEST_KEY";
    untrusted.maxRetries = 0;
    Provider refusing(loop, untrusted, kKeyOnly);
    const Result failed = run(loop, refusing);
    CHECK(failed.end == End::Error);
    CHECK(failed.error.find("TLS handshake with 127.0.0.1:") == 0);
    CHECK(failed.error.find("certificate verify failed") != std::string::npos);
    CHECK(refusing.health().state == ProviderHealth::State::Failing);
    CHECK(requests(server).empty());

    // With it, through the proxy: the proxy sees a CONNECT and nothing else, the key
    // travels inside the tunnel.
    ProviderConfig trusted = untrusted;
    trusted.caFile = certificate.cert;
    trusted.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
    Provider tunnelled(loop, trusted, kKeyOnly);
    for (int i = 0; i < 2; ++i) {
        const Result r = run(loop, tunnelled);
        CHECK(r.end == End::Stop);
        CHECK(r.text == "return a + b;\n");
    }
    const json::array carried = proxy.control("GET", "/__proxy/requests").as_array();
    REQUIRE(carried.size() == 1);  // one tunnel, kept alive for both requests
    CHECK(carried[0].at("method") == "CONNECT");
    CHECK(json::serialize(carried[0]).find(kKey) == std::string::npos);  // the key is inside the tunnel only
    CHECK(requests(server).back().at("headers").at("authorization").as_string() == "Bearer " + kKey);

    // The WebSocket mode over TLS (wss) through the same kind of tunnel.
    ProviderConfig secureSocket = trusted;
    secureSocket.kind = "openai-responses";
    secureSocket.transport = ProviderConfig::Transport::WebSocket;
    Provider wss(loop, secureSocket, kKeyOnly);
    CHECK(run(loop, wss).end == End::Stop);
    const json::array tunnels = proxy.control("GET", "/__proxy/requests").as_array();
    CHECK(tunnels.size() == 2);
    CHECK(json::serialize(tunnels).find(kKey) == std::string::npos);
}
