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

// Reads on until request `id`'s first partial notification, and returns its params.
json::value waitForPartial(LspProcess& server, int64_t id) {
    auto isPartial = [&](const json::value& m) {
        return m.as_object().contains("method") && m.at("method") == "flint/inlineCompletion/partial" &&
               m.at("params").at("id") == id;
    };
    for (const json::value& m : server.others)
        if (isPartial(m)) return m.at("params");
    for (;;) {
        auto message = server.next();
        REQUIRE(message);
        server.others.push_back(*message);
        if (isPartial(*message)) return message->at("params");
    }
}

void requestAt(LspProcess& server, int64_t id, uint32_t line, uint32_t character, int triggerKind = 2) {
    server.request(id, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(line, character)},
        {"context", json::object{{"triggerKind", triggerKind}}}});
}

// Inserts `text` at a position, as a keystroke's didChange.
void typeAt(LspProcess& server, int64_t version, uint32_t line, uint32_t character, std::string text) {
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", version}}},
        {"contentChanges", json::array{json::object{{"range", range(line, character, line, character)}, {"text", text}}}}});
}

size_t modelRequests(ScriptedModelServer& model) { return model.control("GET", "/__flint/requests").as_array().size(); }

void finish(LspProcess& server) { CHECK(server.shutdownAndExit() == 0); }

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
    // No workspace folder: the file goes by its path (never a file:// URI).
    CHECK(user.find("File: /work/greeter.py (python)") != std::string::npos);
    CHECK(user.find("  class Greeter:\n  def greet(self, name):") != std::string::npos);
    CHECK(user.find("\" + <|cursor|>\n        return message") != std::string::npos);
    finish(server);
}

TEST_CASE("the standard response goes out once the first line is whole, partials come before the stream ends") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // Four characters a token; the server holds the stream after "print(count)\n   "
    // until released, so whatever arrives before the release came from a stream that
    // had not ended (no dependence on timing).
    model.control("POST", "/__flint/script",
                  R"J({"reply":"print(count)\n    return count\n","tokenChars":4,"holdAfter":4})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-completions"));
    const std::string uri = "file:///work/report.py";
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", "python"}, {"version", 1},
        {"text", "def report(items):\n    count = len(items)\n    \n\n\ndef other():\n    return 1\n"}}}});
    server.request(2, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", uri}}}, {"position", position(2, 4)},
        {"context", json::object{{"triggerKind", 2}}}});
    const json::value reply = server.responseTo(2);
    REQUIRE(reply.at("result").at("items").as_array().size() == 1);
    CHECK(reply.at("result").at("items").at(0).at("insertText") == "print(count)");
    const json::value request = model.control("GET", "/__flint/requests").as_array().at(0);
    CHECK(request.at("completed") == false);  // the response did not wait for the stream
    CHECK(request.at("aborted") == false);
    const json::value first = waitForPartial(server, 2);
    CHECK(first.at("text") == "print(count)");
    CHECK(first.at("done") == false);

    model.control("POST", "/__flint/release");
    waitForDone(server, 2);
    const auto steps = partials(server, 2);
    CHECK(steps.back().at("text") == "print(count)\n    return count");  // the rest streamed on
    CHECK(model.control("GET", "/__flint/wait?id=1&for=completed").at("completed") == true);
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

TEST_CASE("a superseded request is cancelled on the wire and never answered with stale text") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // The first model request sends one token, then the server holds it; later ones run through.
    model.control("POST", "/__flint/script", R"J({"reply":"count","tokenChars":4})J");
    // (A first token that is a whole expression: a partial shows words once they parse.)
    model.control("POST", "/__flint/queue", R"J({"reply":"name.upper() + name.lower()","tokenChars":12,"holdAfter":1})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-completions"));
    requestCompletion(server, 2);
    waitForPartial(server, 2);
    CHECK(model.control("GET", "/__flint/wait?id=1&for=received").at("id") == 1);

    // A keystroke that is not the suggestion: the request was for the old text.
    typeAt(server, 2, kLine, kCharacter, "x");
    CHECK(server.responseTo(2).at("result").at("items").as_array().empty());
    // The next request needs the model: the held stream is closed on the wire.
    requestAt(server, 3, kLine, kCharacter + 1);
    CHECK(model.control("GET", "/__flint/wait?id=1&for=aborted").at("aborted") == true);
    model.control("POST", "/__flint/release");
    const json::value reply = server.responseTo(3);
    CHECK(reply.at("result").at("items").at(0).at("insertText") == "count");
    CHECK(reply.at("result").at("items").at(0).at("range") == range(kLine, kCharacter + 1, kLine, kCharacter + 1));

    waitForDone(server, 2);
    const auto steps = partials(server, 2);
    REQUIRE_FALSE(steps.empty());
    CHECK(steps.back().at("done") == true);
    CHECK(steps.back().at("cancelled") == true);
    for (const json::value& step : steps) CHECK(step.at("text").as_string().size() <= 12);  // nothing past the held token
    CHECK(modelRequests(model) == 2);
    finish(server);
}

TEST_CASE("typed-through: the rest of a finished suggestion, and the same place again, with no model request") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"J({"reply":"name.upper()","tokenChars":3})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-completions"));
    requestCompletion(server, 2);
    CHECK(server.responseTo(2).at("result").at("items").at(0).at("insertText") == "name.upper()");
    waitForDone(server, 2);

    // The same place again: from the cache.
    requestCompletion(server, 3);
    CHECK(server.responseTo(3).at("result").at("items").at(0).at("insertText") == "name.upper()");
    // Two keystrokes of the suggestion (positions in UTF-16: an emoji is before them).
    typeAt(server, 2, kLine, kCharacter, "n");
    typeAt(server, 3, kLine, kCharacter + 1, "a");
    requestAt(server, 4, kLine, kCharacter + 2);
    const json::value item = server.responseTo(4).at("result").at("items").at(0);
    CHECK(item.at("insertText") == "me.upper()");
    CHECK(item.at("range") == range(kLine, kCharacter + 2, kLine, kCharacter + 2));
    CHECK(item.at("command").at("command") == "flint.acceptCompletion");
    waitForDone(server, 4);
    CHECK(partials(server, 4).back().at("cached") == true);
    // Backspace: one more character of it left.
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 4}}},
        {"contentChanges", json::array{json::object{{"range", range(kLine, kCharacter + 1, kLine, kCharacter + 2)}, {"text", ""}}}}});
    requestAt(server, 5, kLine, kCharacter + 1);
    CHECK(server.responseTo(5).at("result").at("items").at(0).at("insertText") == "ame.upper()");
    CHECK(modelRequests(model) == 1);
    finish(server);
}

TEST_CASE("typed-through a suggestion still streaming: the request attaches to the live stream") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // The first token is a whole expression (a partial shows words once they parse).
    model.control("POST", "/__flint/script", R"J({"reply":"name.upper() + 1","tokenChars":12,"holdAfter":1})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-completions"));
    requestCompletion(server, 2);
    CHECK(waitForPartial(server, 2).at("text") == "name.upper()");

    typeAt(server, 2, kLine, kCharacter, "n");
    CHECK(server.responseTo(2).at("result").at("items").as_array().empty());
    requestAt(server, 3, kLine, kCharacter + 1);
    // The text streamed so far, less what was typed, at once; then the rest as it comes.
    const json::value first = waitForPartial(server, 3);
    CHECK(first.at("text") == "ame.upper()");
    CHECK(first.at("cached") == true);
    model.control("POST", "/__flint/release");
    CHECK(server.responseTo(3).at("result").at("items").at(0).at("insertText").as_string().starts_with("ame.upper()"));
    waitForDone(server, 3);
    CHECK(partials(server, 3).back().at("text") == "ame.upper() + 1");
    CHECK(modelRequests(model) == 1);
    CHECK(model.control("GET", "/__flint/wait?id=1&for=completed").at("aborted") == false);
    finish(server);
}

TEST_CASE("after didShowCompletion the next suggestion is prefetched, served from the cache, cancelled on divergence") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"J({"reply":"name.upper()","tokenChars":4})J");
    model.control("POST", "/__flint/queue", R"J({"reply":"name.upper()"})J");
    model.control("POST", "/__flint/queue", R"J({"reply":".strip()"})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-completions"));
    requestCompletion(server, 2);
    const json::value item = server.responseTo(2).at("result").at("items").at(0);
    waitForDone(server, 2);
    server.notify("textDocument/didShowCompletion", json::object{{"item", item}});
    // The prefetch: the model sees the suggestion as accepted.
    model.control("GET", "/__flint/wait?id=2&for=completed");
    const json::value body = json::parse(model.control("GET", "/__flint/requests").as_array().at(1).at("body").as_string());
    const std::string prompt(body.at("prompt").as_string());
    CHECK(prompt.substr(prompt.size() - 16) == "\" + name.upper()");

    // Accepted: the editor inserts it, runs the item's command and asks at its end.
    typeAt(server, 2, kLine, kCharacter, "name.upper()");
    server.request(3, "workspace/executeCommand", json::object{
        {"command", item.at("command").at("command")}, {"arguments", item.at("command").at("arguments")}});
    CHECK(server.responseTo(3).at("result").is_null());
    requestAt(server, 4, kLine, kCharacter + 12);
    CHECK(server.responseTo(4).at("result").at("items").at(0).at("insertText") == ".strip()");
    CHECK(modelRequests(model) == 2);

    // Shown again: a prefetch after ".strip()", held; then a keystroke that is not it.
    model.control("POST", "/__flint/script", R"J({"reply":" + 1","holdAfter":0})J");
    server.notify("textDocument/didShowCompletion", json::object{{"item", json::object{
        {"insertText", ".strip()"}, {"command", json::object{{"command", "flint.acceptCompletion"},
            {"arguments", json::array{partials(server, 4).back().at("suggestionId")}}}}}}});
    model.control("GET", "/__flint/wait?id=3&for=received");
    typeAt(server, 3, kLine, kCharacter + 12, ";");
    CHECK(model.control("GET", "/__flint/wait?id=3&for=aborted").at("aborted") == true);
    model.control("POST", "/__flint/release");
    finish(server);
}

TEST_CASE("Copilot's extra params: a stale version answers empty, formattingOptions are accepted") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"J({"reply":"name"})J");
    LspProcess server;
    start(server, providerOptions(model, "openai-completions"));
    auto ask = [&](int64_t id, int64_t version, json::value formatting) {
        json::object params{{"textDocument", json::object{{"uri", kUri}, {"version", version}}},
                            {"position", position(kLine, kCharacter)}, {"context", json::object{{"triggerKind", 1}}}};
        if (!formatting.is_null()) params["formattingOptions"] = std::move(formatting);
        server.request(id, "textDocument/inlineCompletion", std::move(params));
        return server.responseTo(id);
    };
    CHECK(ask(2, 0, json::object{{"tabSize", 4}, {"insertSpaces", true}}).at("result").at("items").as_array().empty());
    CHECK(ask(3, 1, json::object{{"tabSize", 4}, {"insertSpaces", true}}).at("result").at("items").at(0).at("insertText") == "name");
    CHECK(ask(4, 1, json::value("tabs")).at("error").at("code") == -32602);
    CHECK(modelRequests(model) == 1);
    finish(server);
}

TEST_CASE("completion items for clients without inline completion: on by default only for them") {
    auto init = [](LspProcess& server, json::object capabilities, json::value options) {
        capabilities["general"] = json::object{{"positionEncodings", json::array{"utf-16"}}};
        server.request(1, "initialize", json::object{{"processId", ::getpid()}, {"capabilities", std::move(capabilities)},
                                                     {"initializationOptions", std::move(options)}});
        return server.responseTo(1).at("result").at("capabilities");
    };
    {
        LspProcess withInline;
        const json::value caps = init(withInline, json::object{{"textDocument", json::object{{"inlineCompletion", json::object{}}}}}, json::object{});
        CHECK_FALSE(caps.as_object().contains("completionProvider"));
        const json::array& commands = caps.at("executeCommandProvider").at("commands").as_array();
        CHECK(std::find(commands.begin(), commands.end(), json::value("flint.acceptCompletion")) != commands.end());
        withInline.notify("exit");
    }
    {
        LspProcess forced;
        const json::value caps = init(forced, json::object{}, json::object{{"inline", json::object{{"completionFallback", false}}}});
        CHECK_FALSE(caps.as_object().contains("completionProvider"));
        forced.notify("exit");
    }

    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"J({"reply":"e.upper()\nprint(1)"})J");
    LspProcess helix;
    const json::value caps = init(helix, json::object{{"textDocument", json::object{{"completion", json::object{}}}}},
                                  providerOptions(model, "openai-completions"));
    REQUIRE(caps.as_object().contains("completionProvider"));
    helix.notify("initialized");
    helix.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", kSource}}}});
    typeAt(helix, 2, kLine, kCharacter, "nam");
    helix.request(2, "textDocument/completion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(kLine, kCharacter + 3)}});
    const json::value list = helix.responseTo(2).at("result");
    CHECK(list.at("isIncomplete") == true);
    const json::value item = list.at("items").at(0);
    CHECK(item.at("label") == "name.upper()");
    // The edit replaces the word typed so far, in UTF-16 positions (an emoji is before it).
    CHECK(item.at("textEdit").at("range") == range(kLine, kCharacter, kLine, kCharacter + 3));
    CHECK(item.at("textEdit").at("newText") == "name.upper()");
    CHECK(item.at("command").at("command") == "flint.acceptCompletion");
    finish(helix);
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
