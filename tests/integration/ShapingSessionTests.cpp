// Output shaping through the real flint-lsp binary, against the scripted model server:
// a reply that runs past the end of the block is cut where the block ends (and its
// stream is closed there), and a reply that adds a syntax error is dropped.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <unistd.h>

using namespace flint::test;

namespace {

// Opens `text` as `uri` in a server whose provider is the scripted model server.
void start(LspProcess& server, const ScriptedModelServer& model, const std::string& uri,
           const std::string& text) {
    server.request(
        1, "initialize",
        json::object{
            {"processId", ::getpid()},
            {"capabilities",
             json::object{{"general", json::object{{"positionEncodings", json::array{"utf-16"}}}}}},
            {"initializationOptions",
             json::object{
                 {"provider", json::object{{"kind", "openai-completions"},
                                           {"endpoint", "http://127.0.0.1:" +
                                                            std::to_string(model.port()) + "/v1"},
                                           {"model", "m"}}}}}});
    REQUIRE(server.responseTo(1)
                .at("result")
                .at("capabilities")
                .as_object()
                .contains("inlineCompletionProvider"));
    server.notify("initialized");
    server.notify("textDocument/didOpen",
                  json::object{{"textDocument", json::object{{"uri", uri},
                                                             {"languageId", "python"},
                                                             {"version", 1},
                                                             {"text", text}}}});
}

// The request's partial notifications, read on until the one marked done.
std::vector<json::value> partialsUntilDone(LspProcess& server, int64_t id) {
    auto isPartial = [&](const json::value& m) {
        return m.as_object().contains("method") &&
               m.at("method") == "flint/inlineCompletion/partial" && m.at("params").at("id") == id;
    };
    auto done = [&] {
        return std::any_of(server.others.begin(), server.others.end(), [&](const json::value& m) {
            return isPartial(m) && m.at("params").at("done") == true;
        });
    };
    while (!done()) {
        auto message = server.next();
        REQUIRE(message);
        server.others.push_back(*message);
    }
    std::vector<json::value> steps;
    for (const json::value& m : server.others)
        if (isPartial(m)) steps.push_back(m.at("params"));
    return steps;
}

void finish(LspProcess& server) {
    server.request(99, "shutdown", nullptr);
    server.responseTo(99);
    server.notify("exit");
    CHECK(server.waitExit() == 0);
}

} // namespace

TEST_CASE("a reply that runs past the end of the block is cut where the block ends, and its stream "
          "closed") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // Two characters every 5 ms: the reply takes ~250 ms, so closing the stream early shows.
    model.control("POST", "/__flint/script",
                  boost::json::serialize(
                      json::object{{"reply", "return message\n\ndef shout(name):\n    return "
                                             "name.upper() + '!'\n\n\ndef whisper(name):\n"
                                             "    return name.lower()\n"},
                                   {"tokenChars", 2},
                                   {"tokensPerSecond", 200}}));
    LspProcess server;
    const std::string uri = "file:///work/greeter.py";
    start(server, model, uri,
          "class Greeter:\n"
          "    def greet(self, name):\n"
          "        message = 'hello ' + name\n"
          "        \n"
          "\n"
          "    def wave(self):\n"
          "        return 'wave'\n");
    server.request(2, "textDocument/inlineCompletion",
                   json::object{{"textDocument", json::object{{"uri", uri}}},
                                {"position", position(3, 8)},
                                {"context", json::object{{"triggerKind", 2}}}});
    const json::value reply = server.responseTo(2);
    REQUIRE(reply.at("result").at("items").as_array().size() == 1);
    CHECK(reply.at("result").at("items").at(0).at("insertText") == "return message");

    const auto steps = partialsUntilDone(server, 2);
    REQUIRE_FALSE(steps.empty());
    CHECK(steps.back().at("text") == "return message");
    for (const json::value& step : steps)
        CHECK(std::string(step.at("text").as_string()).find("shout") == std::string::npos);
    // Nothing after the block could change the suggestion: the stream was closed there.
    const std::string requestId = std::to_string(
        model.control("GET", "/__flint/requests").as_array().back().at("id").as_int64());
    CHECK(model.control("GET", "/__flint/wait?id=" + requestId + "&for=aborted").at("aborted") ==
          true);
    finish(server);
}

TEST_CASE("a reply that adds a syntax error is dropped, and nothing of it is shown") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script",
                  R"J({"reply":"[v * factor for v in values if]\n","tokenChars":3})J");
    LspProcess server;
    const std::string uri = "file:///work/scale.py";
    start(server, model, uri,
          "def scale(values, factor):\n"
          "    result = \n"
          "    return result\n");
    server.request(2, "textDocument/inlineCompletion",
                   json::object{{"textDocument", json::object{{"uri", uri}}},
                                {"position", position(1, 13)},
                                {"context", json::object{{"triggerKind", 2}}}});
    const json::value reply = server.responseTo(2);
    CHECK(reply.at("result").at("items").as_array().empty());
    const auto steps = partialsUntilDone(server, 2);
    REQUIRE_FALSE(steps.empty());
    for (const json::value& step : steps)
        CHECK(step.at("text") == "");
    // The model was asked (the suggestion was dropped by shaping, not for want of a reply).
    CHECK(model.control("GET", "/__flint/requests").as_array().size() == 1);
    finish(server);
}
