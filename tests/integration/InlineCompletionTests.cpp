// textDocument/inlineCompletion through the real flint-lsp binary, against the
// scripted model server or the embedded workspace engine.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <unistd.h>

using namespace flint::test;

namespace {

const std::string kUri = "file:///work/greeter.py";
const std::string kSource =
    "import os\n"
    "\n"
    "class Greeter:\n"
    "    def greet(self, name):\n"
    "        message = \"h\xC3\xA9llo \xF0\x9F\x98\x80 \" + \n"  // the cursor goes after the "+ "
    "        return message\n";

void start(LspProcess& server, json::value options) {
    server.request(1, "initialize", json::object{
        {"processId", ::getpid()},
        {"capabilities", json::object{{"general", json::object{{"positionEncodings", json::array{"utf-16"}}}}}},
        {"initializationOptions", std::move(options)}});
    const json::value init = server.responseTo(1);
    REQUIRE(init.at("result").at("capabilities").as_object().contains("inlineCompletionProvider"));
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", kSource}}}});
}

json::value providerOptions(const ScriptedModelServer& model, std::string kind) {
    return json::object{{"provider", json::object{
        {"kind", kind}, {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"}, {"model", "m"}}}};
}

// Line 4, after `" + `: 8 spaces, `message = "` (11), `héllo ` (6), the emoji (two
// UTF-16 units), `" + ` (4) → 32 (35 bytes).
constexpr uint32_t kLine = 4, kCharacter = 32;

void requestCompletion(LspProcess& server, int64_t id) {
    server.request(id, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(kLine, kCharacter)},
        {"context", json::object{{"triggerKind", 2}}}});
}

// Reads on until request `id`'s last partial notification (done: true) has arrived.
void waitForDone(LspProcess& server, int64_t id) {
    auto isDone = [&](const json::value& m) {
        return m.as_object().contains("method") && m.at("method") == "flint/inlineCompletion/partial" &&
               m.at("params").at("id") == id && m.at("params").at("done") == true;
    };
    if (std::any_of(server.others.begin(), server.others.end(), isDone)) return;
    for (;;) {
        auto message = server.next();
        REQUIRE(message);
        server.others.push_back(*message);
        if (isDone(*message)) return;
    }
}

std::vector<json::value> partials(const LspProcess& server, int64_t id) {
    std::vector<json::value> out;
    for (const json::value& m : server.others)
        if (m.as_object().contains("method") && m.at("method") == "flint/inlineCompletion/partial" &&
            m.at("params").at("id") == id)
            out.push_back(m.at("params"));
    return out;
}

void finish(LspProcess& server) {
    server.request(99, "shutdown", nullptr);
    server.responseTo(99);
    server.notify("exit");
    CHECK(server.waitExit() == 0);
}

} // namespace

TEST_CASE("a chat model's suggestion streams as partial notifications, then the response") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"J({"reply":"```python\nname.upper()\n```","tokenChars":3})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-chat"));
    model.control("GET", "/__flint/connections?atLeast=2");  // the control connection and the warm one

    requestCompletion(server, 2);
    const json::value reply = server.responseTo(2);
    const json::array& items = reply.at("result").at("items").as_array();
    REQUIRE(items.size() == 1);
    CHECK(items[0].at("insertText") == "name.upper()");
    CHECK(items[0].at("range") == range(kLine, kCharacter, kLine, kCharacter));

    // The growing suggestion came first, each step a prefix of the next, then done.
    waitForDone(server, 2);
    const auto steps = partials(server, 2);
    REQUIRE(steps.size() >= 2);
    CHECK(steps.back().at("done") == true);
    CHECK(steps.back().at("text") == "name.upper()");
    CHECK(steps.back().at("model") == "flint-scripted-model");
    for (size_t i = 0; i + 1 < steps.size(); ++i) {
        CHECK(steps[i].at("done") == false);
        const std::string now(steps[i].at("text").as_string()), later(steps[i + 1].at("text").as_string());
        CHECK(later.rfind(now, 0) == 0);
    }

    // What the model was asked: the chat prompt with the cursor marker, the enclosing
    // signatures, and the key never in the body.
    const json::value body = json::parse(model.control("GET", "/__flint/requests").as_array().back().at("body").as_string());
    const std::string user(body.at("messages").at(1).at("content").as_string());
    CHECK(user.find("File: file:///work/greeter.py (python)") != std::string::npos);
    CHECK(user.find("  class Greeter:\n  def greet(self, name):") != std::string::npos);
    CHECK(user.find("\" + <|cursor|>\n        return message") != std::string::npos);
    finish(server);
}

TEST_CASE("fill-in-the-middle formats get the prefix and suffix") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"({"reply":"name"})");
    LspProcess server;
    start(server, providerOptions(model, "ollama"));
    requestCompletion(server, 2);
    CHECK(server.responseTo(2).at("result").at("items").at(0).at("insertText") == "name");
    const json::value body = json::parse(model.control("GET", "/__flint/requests").as_array().back().at("body").as_string());
    const std::string prefix(body.at("prompt").as_string());
    CHECK(prefix.size() > 9);
    CHECK(prefix.substr(prefix.size() - 9) == "\xF0\x9F\x98\x80 \" + ");
    CHECK(body.at("suffix") == "\n        return message\n");
    finish(server);
}

TEST_CASE("a keystroke cancels the suggestion in flight: closed on the wire, never shown") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // One token (a whole word: shaping shows a word once it has ended), then the server
    // holds the stream.
    model.control("POST", "/__flint/script", R"J({"reply":"name + name.lower()","tokenChars":5,"holdAfter":1})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-completions"));
    requestCompletion(server, 2);
    // Wait for the first partial: the stream is open and the server is holding it.
    for (;;) {
        auto message = server.next();
        REQUIRE(message);
        server.others.push_back(*message);
        if (message->as_object().contains("method") && message->at("method") == "flint/inlineCompletion/partial") break;
    }
    const std::string requestId = std::to_string(model.control("GET", "/__flint/requests").as_array().back().at("id").as_int64());

    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 2}}},
        {"contentChanges", json::array{json::object{{"range", range(kLine, kCharacter, kLine, kCharacter)}, {"text", "n"}}}}});
    CHECK(server.responseTo(2).at("result").at("items").as_array().empty());
    CHECK(model.control("GET", "/__flint/wait?id=" + requestId + "&for=aborted").at("aborted") == true);
    model.control("POST", "/__flint/release");

    waitForDone(server, 2);
    const auto steps = partials(server, 2);
    REQUIRE_FALSE(steps.empty());
    CHECK(steps.back().at("done") == true);
    CHECK(steps.back().at("cancelled") == true);
    for (const json::value& step : steps) CHECK(step.at("text").as_string().size() <= 4);  // nothing past the held token
    finish(server);
}

TEST_CASE("with no model configured, the workspace engine answers and says so once") {
    LspProcess server;
    start(server, json::object{});
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", "file:///work/util.py"}, {"languageId", "python"}, {"version", 1},
        {"text", "def shout(name):\n    return name.upper() + \"!\"\n"}}}});
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", "file:///work/new.py"}, {"languageId", "python"}, {"version", 1}, {"text", "    return name.up"}}}});
    server.request(2, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", "file:///work/new.py"}}}, {"position", position(0, 18)},
        {"context", json::object{{"triggerKind", 1}}}});
    const json::value reply = server.responseTo(2);
    CHECK(reply.at("result").at("items").at(0).at("insertText") == "per() + \"!\"");

    server.request(3, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", "file:///work/new.py"}}}, {"position", position(0, 18)}});
    server.responseTo(3);
    int messages = 0;
    for (const json::value& m : server.others)
        if (m.as_object().contains("method") && m.at("method") == "window/showMessage") {
            ++messages;
            CHECK(std::string(m.at("params").at("message").as_string()).find("no model is configured") != std::string::npos);
        }
    CHECK(messages == 1);
    waitForDone(server, 2);
    const auto steps = partials(server, 2);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].at("source") == "workspace");
    CHECK(steps[0].at("from").at("uri") == "file:///work/util.py");
    finish(server);
}
