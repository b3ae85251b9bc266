// Output shaping through the real flint-lsp binary, against the scripted model server:
// a reply that runs past the end of the block is cut where the block ends (and its
// stream is closed there), a reply that adds a syntax error is dropped, and each of
// the other rules on one session (suffix overlap, the line below, brackets,
// indentation, one line or several, blank replies).
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>

using namespace flint::test;

namespace {

// Opens `text` as `uri` in a server whose provider is the scripted model server.
void start(LspProcess& server, const ScriptedModelServer& model, const std::string& uri,
           const std::string& text, const std::string& languageId = "python") {
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
                                                             {"languageId", languageId},
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

void finish(LspProcess& server) { CHECK(server.shutdownAndExit() == 0); }

} // namespace

TEST_CASE("a reply that runs past the end of the block is cut where the block ends, and its stream "
          "closed") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // Two characters a token; the server holds the stream before the reply's last line
    // (after 42 tokens) until released: the suggestion can only be done before that if
    // Flint closed the stream itself, with no dependence on timing.
    model.control("POST", "/__flint/script",
                  boost::json::serialize(
                      json::object{{"reply", "return message\n\ndef shout(name):\n    return "
                                             "name.upper() + '!'\n\n\ndef whisper(name):\n"
                                             "    return name.lower()\n"},
                                   {"tokenChars", 2},
                                   {"holdAfter", 42}}));
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
    model.control("POST", "/__flint/release");
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

TEST_CASE("each shaping rule through the server: overlap, line below, brackets, indentation, line mode, blank") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    LspProcess server;
    struct Case {
        std::string name;
        std::string languageId;
        std::string document;  // with <|cursor|>
        std::string reply;
        std::string expected;  // the final suggestion ("" = none)
        int maxTokens;         // what the request asked for: 64 for one line, 256 for several
    };
    const std::vector<Case> cases = {
        {"a tail repeating the text after the cursor goes (one line: code follows)", "python",
         "def total(price, tax):\n    value = <|cursor|> * tax\n    return value\n",
         "price * tax\n    return value\n", "price", 64},
        {"the line below is not repeated", "python",
         "def double(x):\n    <|cursor|>\n    return y\n", "y = x * 2\n    return y\n", "y = x * 2", 256},
        {"closers the text after the cursor already has go", "python",
         "def show(a, b):\n    print(max(<|cursor|>))\n", "a, b))\n", "a, b", 256},
        {"the file's indentation unit replaces the model's", "typescript",
         "export function clamp(x: number, lo: number, hi: number): number {\n  <|cursor|>\n}\n",
         "if (x < lo) {\n        return lo;\n    }\n    return Math.min(x, hi);\n",
         "if (x < lo) {\n    return lo;\n  }\n  return Math.min(x, hi);", 256},
        {"after an operator one line is asked for and kept", "javascript",
         "const area = (w, h) =>\n  w * <|cursor|>\n", "h;\nconsole.log(area(2, 3));\n", "h;", 64},
        {"a whitespace-only reply is no suggestion", "python", "def f(x):\n    <|cursor|>\n", "   \n  \n", "",
         256},
    };
    start(server, model, "file:///work/empty.py", "\n");
    int64_t id = 10;
    for (const Case& c : cases) {
        INFO(c.name);
        const std::string ext = c.languageId == "python" ? "py" : c.languageId == "typescript" ? "ts" : "js";
        const std::string uri = "file:///work/case" + std::to_string(id) + "." + ext;
        std::string text = c.document;
        const size_t cursor = text.find("<|cursor|>");
        REQUIRE(cursor != std::string::npos);
        text.erase(cursor, 10);
        const uint32_t line = static_cast<uint32_t>(std::count(text.begin(), text.begin() + cursor, '\n'));
        const uint32_t character = static_cast<uint32_t>(cursor - (text.rfind('\n', cursor - 1) + 1));
        server.notify("textDocument/didOpen",
                      json::object{{"textDocument", json::object{{"uri", uri},
                                                                 {"languageId", c.languageId},
                                                                 {"version", 1},
                                                                 {"text", text}}}});
        model.control("POST", "/__flint/queue", boost::json::serialize(json::object{{"reply", c.reply}}));
        server.request(id, "textDocument/inlineCompletion",
                       json::object{{"textDocument", json::object{{"uri", uri}}},
                                    {"position", position(line, character)},
                                    {"context", json::object{{"triggerKind", 1}}}});
        const json::value reply = server.responseTo(id);
        const auto steps = partialsUntilDone(server, id);
        REQUIRE_FALSE(steps.empty());
        CHECK(std::string(steps.back().at("text").as_string()) == c.expected);
        const auto& items = reply.at("result").at("items").as_array();
        if (c.expected.empty()) {
            CHECK(items.empty());
        } else {
            REQUIRE(items.size() == 1);
            // The standard response carries the first line (or all of it, if it came whole).
            const std::string first = c.expected.substr(0, c.expected.find('\n'));
            CHECK(std::string(items.at(0).at("insertText").as_string()).starts_with(first));
        }
        const json::value requests = model.control("GET", "/__flint/requests");
        const json::value body = json::parse(requests.as_array().back().at("body").as_string());
        CHECK(body.at("max_tokens") == c.maxTokens);
        ++id;
    }
    finish(server);
}
