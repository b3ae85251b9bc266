// flint/status through the real flint-lsp binary against the scripted model server:
// the state a status bar shows follows what the provider does.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <ctime>
#include <unistd.h>

using namespace flint::test;

namespace {

const std::string kUri = "file:///work/status.py";

void start(LspProcess& server, const ScriptedModelServer& model) {
    server.request(1, "initialize", json::object{
        {"processId", ::getpid()}, {"capabilities", json::object{}},
        {"initializationOptions", json::object{{"provider", json::object{
            {"kind", "openai-chat"}, {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
            {"model", "m"}, {"maxRetries", 0}}}}}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", "def add(a, b):\n    \n"}}}});
}

void requestCompletion(LspProcess& server, int64_t id) {
    server.request(id, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(1, 4)},
        {"context", json::object{{"triggerKind", 1}}}});
}

std::string text(const json::value& status, std::string_view field) {
    return std::string(status.at(field).as_string());
}

void finish(LspProcess& server) { CHECK(server.shutdownAndExit() == 0); }

} // namespace

TEST_CASE("flint/status: ready, streaming while the model answers, ready again with its latency") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // The first token is the whole line (shaping shows a new line once it is whole), then
    // the server holds the stream.
    model.control("POST", "/__flint/script", R"({"reply":"return a + b\n","tokenChars":13,"holdAfter":1})");
    LspProcess server;
    start(server, model);

    const json::value ready = server.waitStatus("ready");
    CHECK(ready.at("provider").at("kind") == "openai-chat");
    CHECK(text(ready.at("provider"), "endpoint") == "http://127.0.0.1:" + std::to_string(model.port()) + "/v1");
    CHECK(ready.at("model") == "m");

    requestCompletion(server, 2);
    const json::value streaming = server.waitStatus("streaming");
    CHECK(text(streaming, "message").find("streaming from") == 0);
    // Release the stream only once it is held (after its first token), or the release is lost.
    for (;;) {
        auto message = server.next();
        REQUIRE(message);
        if (message->as_object().contains("method") && message->at("method") == "flint/inlineCompletion/partial") break;
    }
    model.control("POST", "/__flint/release");
    server.responseTo(2);
    const json::value after = server.waitStatus("ready");
    CHECK(after.at("model") == "flint-scripted-model");  // the model that actually served it
    CHECK(after.at("latencyMs").is_int64());
    CHECK(after.at("latencyMs").as_int64() >= 0);
    finish(server);
}

TEST_CASE("flint/status: a failing provider shows an error until a request succeeds") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    LspProcess server;
    start(server, model);
    server.waitStatus("ready");

    model.control("POST", "/__flint/queue", R"({"fault":"500"})");
    requestCompletion(server, 2);
    server.responseTo(2);
    const json::value error = server.waitStatus("error");
    CHECK(text(error, "message").find("HTTP 500") != std::string::npos);

    // The fault is gone: the next request succeeds and the error clears by itself.
    requestCompletion(server, 3);
    server.responseTo(3);
    server.waitStatus("ready");
    finish(server);
}

TEST_CASE("flint/status: a 429 shows rate-limited with the time it ends") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    LspProcess server;
    start(server, model);
    server.waitStatus("ready");

    model.control("POST", "/__flint/queue", R"({"fault":"429","retryAfter":120})");
    const std::time_t asked = std::time(nullptr);
    requestCompletion(server, 2);
    server.responseTo(2);
    const json::value limited = server.waitStatus("rate-limited");
    CHECK(text(limited, "message").find("rate limited by the provider until ") == 0);
    // "until" is ISO 8601 UTC, about Retry-After seconds from now.
    std::tm until{};
    REQUIRE(strptime(text(limited, "until").c_str(), "%Y-%m-%dT%H:%M:%SZ", &until) != nullptr);
    const std::time_t at = timegm(&until);
    CHECK(at >= asked + 110);
    CHECK(at <= asked + 130 + 60);  // generous: a loaded machine may be slow to answer
    finish(server);
}
