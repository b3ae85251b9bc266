// The model client over real HTTP against the scripted model server on loopback:
// every wire format end to end, streaming without buffering, the connection pool,
// cancellation, and faults.
#include "ScriptedModelServer.h"

#include "model/HttpClient.h"
#include "model/StreamDecoder.h"
#include "model/WireFormat.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <set>

using namespace flint;
using namespace flint::test;
namespace json = boost::json;

namespace {

// One streamed model request, with everything observed along the way.
struct Stream {
    const WireFormat& format;
    StreamDecoder decoder;
    std::shared_ptr<HttpCall> call;
    HttpResponseHead head;
    std::string text;
    std::string model;
    StreamUpdate::End end = StreamUpdate::End::None;
    std::string error;
    std::string transportError;
    bool done = false;
    int updatesAfterCancel = 0;
    bool cancelled = false;

    explicit Stream(const WireFormat& f) : format(f), decoder(f) {}

    void start(HttpClient& client, const ModelRequest& request, std::chrono::milliseconds timeout = 10s) {
        HttpRequest http;
        http.target = client.endpoint().target(format.path());
        http.body = format.requestBody(request);
        http.timeout = timeout;
        call = client.send(http, {
            .onHead = [this](const HttpResponseHead& h) { head = h; },
            .onBody = [this](std::string_view bytes) {
                if (cancelled) ++updatesAfterCancel;
                std::vector<StreamUpdate> updates;
                decoder.feed(bytes, updates);
                take(updates);
            },
            .onDone = [this](const std::string& e) {
                if (cancelled) ++updatesAfterCancel;
                transportError = e;
                std::vector<StreamUpdate> updates;
                decoder.finish(updates);
                take(updates);
                done = true;
            },
        });
    }
    void take(const std::vector<StreamUpdate>& updates) {
        for (const StreamUpdate& u : updates) {
            text += u.text;
            if (!u.model.empty()) model = u.model;
            if (u.end != StreamUpdate::End::None) end = u.end, error = u.error;
        }
    }
    void cancel() {
        cancelled = true;
        call->cancel();
    }
};

ModelRequest sampleRequest() {
    ModelRequest r;
    r.model = "test-model";
    r.system = "Complete the code.";
    r.user = "def add(a, b):";
    r.prefix = "def add(a, b):\n    ";
    r.suffix = "\n";
    r.maxTokens = 32;
    return r;
}

} // namespace

TEST_CASE("every wire format streams a reply end to end over HTTP") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    const std::string reply = "return a + b  # h\xC3\xA9llo \xF0\x9F\x98\x80\n";
    server.control("POST", "/__flint/script", json::serialize(json::object{{"reply", reply}, {"model", "served-model-7"}}));
    HttpClient client(loop, server.endpoint("/v1"));
    int id = 0;
    for (const WireFormat* format : wireFormats()) {
        INFO(format->kind());
        Stream s(*format);
        s.start(client, sampleRequest());
        REQUIRE(runUntil(loop, [&] { return s.done; }));
        ++id;
        CHECK(s.head.status == 200);
        CHECK(s.transportError.empty());
        CHECK(s.text == reply);
        CHECK(s.model == "served-model-7");
        CHECK(s.end == StreamUpdate::End::Stop);
        // The server saw exactly the body the format wrote.
        const json::value recorded = server.control("GET", "/__flint/requests").as_array().back();
        CHECK(recorded.at("path").as_string() == "/v1" + std::string(format->path()));
        CHECK(json::parse(recorded.at("body").as_string()) == json::parse(format->requestBody(sampleRequest())));
        CHECK(recorded.at("headers").at("content-type") == "application/json");
    }
}

TEST_CASE("the first delta reaches the caller while the server still holds the rest") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    // The server sends one token and then waits until it is told to go on: a client
    // that buffered anything would see no text at all until the release.
    server.control("POST", "/__flint/script", R"({"reply":"alpha beta gamma","tokenChars":6,"holdAfter":1})");
    HttpClient client(loop, server.endpoint("/v1"));
    for (const WireFormat* format : wireFormats()) {
        INFO(format->kind());
        Stream s(*format);
        s.start(client, sampleRequest());
        REQUIRE(runUntil(loop, [&] { return !s.text.empty(); }));
        CHECK(s.text == "alpha ");
        CHECK_FALSE(s.done);
        server.control("POST", "/__flint/release");
        REQUIRE(runUntil(loop, [&] { return s.done; }));
        CHECK(s.text == "alpha beta gamma");
    }
}

TEST_CASE("a warm connection is reused: one connection for preconnect and every request") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    HttpClient client(loop, server.endpoint("/v1"));
    client.preconnect();
    REQUIRE(runUntil(loop, [&] { return client.stats().idle == 1; }));
    std::set<std::string> connections;
    for (int i = 0; i < 5; ++i) {
        Stream s(*findWireFormat("openai-chat"));
        s.start(client, sampleRequest());
        REQUIRE(runUntil(loop, [&] { return s.done; }));
        CHECK(s.text == "return a + b;\n");
        connections.insert(s.head.header("x-flint-connection"));
    }
    CHECK(connections.size() == 1);
    CHECK(client.stats().connectionsOpened == 1);
    CHECK(client.stats().requestsOnReusedConnections == 5);
}

TEST_CASE("cancelling stops delivery at once and the server sees the connection close") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    server.control("POST", "/__flint/script", R"({"reply":"one two three four five six seven","tokenChars":4,"holdAfter":1})");
    HttpClient client(loop, server.endpoint("/v1"));
    Stream s(*findWireFormat("openai-responses"));
    s.start(client, sampleRequest());
    REQUIRE(runUntil(loop, [&] { return !s.text.empty(); }));
    const std::string firstConnection = s.head.header("x-flint-connection");
    const std::string requestId = s.head.header("x-flint-request");
    s.cancel();
    // The server notices the close; then it is released and would send the rest.
    const json::value aborted = server.control("GET", "/__flint/wait?id=" + requestId + "&for=aborted");
    CHECK(aborted.at("aborted") == true);
    server.control("POST", "/__flint/release");
    CHECK(s.updatesAfterCancel == 0);
    CHECK_FALSE(s.done);
    CHECK(s.text == "one ");

    // The cancelled connection is never handed out again.
    server.control("POST", "/__flint/script", R"({"holdAfter":null})");
    Stream next(*findWireFormat("openai-responses"));
    next.start(client, sampleRequest());
    REQUIRE(runUntil(loop, [&] { return next.done; }));
    CHECK(next.end == StreamUpdate::End::Stop);
    CHECK(next.head.header("x-flint-connection") != firstConnection);
}

TEST_CASE("faults: status errors, a dropped stream, a malformed event, a stall, a refused connection") {
    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    HttpClient client(loop, server.endpoint("/v1"));
    auto run = [&](const std::string& script, std::chrono::milliseconds timeout = 10s) {
        server.control("POST", "/__flint/queue", script);
        auto s = std::make_unique<Stream>(*findWireFormat("openai-chat"));
        s->start(client, sampleRequest(), timeout);
        REQUIRE(runUntil(loop, [&] { return s->done; }));
        return s;
    };

    auto limited = run(R"({"fault":"429","retryAfter":7})");
    CHECK(limited->head.status == 429);
    CHECK(limited->head.header("retry-after") == "7");

    auto failed = run(R"({"fault":"500"})");
    CHECK(failed->head.status == 500);

    auto dropped = run(R"({"fault":"drop","reply":"abcdefghijklmnop","tokenChars":2})");
    CHECK_FALSE(dropped->transportError.empty());
    CHECK(dropped->end == StreamUpdate::End::Truncated);
    CHECK(dropped->text == "abcdefgh");  // what arrived is kept, flagged as incomplete

    auto garbage = run(R"({"fault":"garbage","reply":"abcdefgh","tokenChars":2})");
    CHECK(garbage->end == StreamUpdate::End::Error);
    CHECK(garbage->text == "abcd");

    auto stalled = run(R"({"fault":"stall"})", 300ms);
    INFO(stalled->transportError);
    CHECK(stalled->transportError.find("timeout") != std::string::npos);
    CHECK(stalled->end == StreamUpdate::End::Truncated);

    // After all that the pool still serves a clean request.
    auto fine = run(R"({"reply":"ok"})");
    CHECK(fine->text == "ok");

    Endpoint closed = server.endpoint("/v1");
    closed.port = 1;  // nothing listens on port 1
    HttpClient nowhere(loop, closed);
    Stream refused(*findWireFormat("ollama"));
    refused.start(nowhere, sampleRequest());
    REQUIRE(runUntil(loop, [&] { return refused.done; }));
    CHECK(refused.transportError.find("cannot connect") != std::string::npos);
}
