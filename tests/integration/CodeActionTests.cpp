// Code actions through the real flint-lsp binary against the scripted model server:
// listed with no model call, computed on resolve or through executeCommand +
// workspace/applyEdit, versioned, minimal, cancellable, and refused when broken.
#include "LspProcess.h"
#include "ScriptedModelServer.h"
#include "TestSecrets.h"

#include "workspace/Text.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <unistd.h>

using namespace flint::test;

namespace {

const std::string kUri = "file:///work/shape.py";
const std::string kSource =
    "import math\n"
    "\n"
    "class Shape:\n"
    "    def area(self, r):\n"
    "        total = 0\n"
    "        total = total + math.pi * r * r\n"
    "        return total\n";

json::object providerOptions(const ScriptedModelServer& model) {
    return json::object{{"provider", json::object{
        {"kind", "openai-chat"}, {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
        {"model", "m"}, {"maxRetries", 0}}}};
}

json::object resolvingClient() {
    return json::object{
        {"textDocument", json::object{{"codeAction", json::object{
            {"resolveSupport", json::object{{"properties", json::array{"edit"}}}}}}}},
        {"workspace", json::object{{"workspaceEdit", json::object{{"documentChanges", true}}}, {"applyEdit", true}}},
        {"window", json::object{{"workDoneProgress", true}}}};
}

void start(LspProcess& server, json::object capabilities, json::value options) {
    server.request(1, "initialize", json::object{{"processId", ::getpid()}, {"capabilities", std::move(capabilities)},
                                                 {"initializationOptions", std::move(options)}});
    const json::value init = server.responseTo(1);
    const json::value& provider = init.at("result").at("capabilities").at("codeActionProvider");
    REQUIRE(provider.at("resolveProvider") == true);
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", kSource}}}});
}

json::array listActions(LspProcess& server, int64_t id, json::value range, json::array diagnostics = {}) {
    server.request(id, "textDocument/codeAction", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"range", std::move(range)},
        {"context", json::object{{"diagnostics", std::move(diagnostics)}}}});
    const json::value reply = server.responseTo(id);
    INFO(json::serialize(reply));
    REQUIRE(reply.as_object().contains("result"));
    return reply.at("result").as_array();
}

json::value findAction(const json::array& actions, std::string_view kind) {
    for (const json::value& a : actions)
        if (a.at("data").at("action").as_string() == kind) return a;
    FAIL("no " << kind << " action in " << json::serialize(actions));
    return nullptr;
}

// Applies LSP TextEdits (UTF-16 ranges) to `text`, last first.
std::string applyEdits(std::string text, const json::array& edits) {
    std::vector<std::pair<size_t, std::pair<size_t, std::string>>> byOffset;
    const flint::Text t(text);
    for (const json::value& e : edits) {
        auto pos = [](const json::value& p) {
            return flint::TextPosition{static_cast<uint32_t>(p.at("line").as_int64()),
                                       static_cast<uint32_t>(p.at("character").as_int64())};
        };
        const size_t start = t.offsetAt(pos(e.at("range").at("start")), flint::PositionEncoding::Utf16);
        const size_t end = t.offsetAt(pos(e.at("range").at("end")), flint::PositionEncoding::Utf16);
        byOffset.push_back({start, {end, std::string(e.at("newText").as_string())}});
    }
    std::sort(byOffset.rbegin(), byOffset.rend());
    for (const auto& [start, rest] : byOffset) text.replace(start, rest.first - start, rest.second);
    return text;
}

std::vector<std::string> progressKinds(const LspProcess& server) {
    std::vector<std::string> kinds;
    for (const json::value& m : server.others)
        if (m.as_object().contains("method") && m.at("method") == "$/progress")
            kinds.emplace_back(m.at("params").at("value").at("kind").as_string());
    return kinds;
}

void finish(LspProcess& server) {
    const std::optional<int> code = server.shutdownAndExit();
    INFO("server stderr:\n" << server.stderrText());
    CHECK(code == 0);
}

const std::string kRewrittenLine = "        total = total + math.pi * r ** 2\n";

} // namespace

TEST_CASE("code action resolved: a versioned, minimal WorkspaceEdit, with progress while the model writes") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // The reply is held after its first token until progress has begun, so the model is
    // still writing when the client acknowledges the token (else there is no progress).
    model.control("POST", "/__flint/script",
                  json::serialize(json::object{{"reply", "```python\n" + kRewrittenLine + "```"}, {"holdAfter", 1}}));
    LspProcess server;
    start(server, resolvingClient(), providerOptions(model));

    const json::array actions = listActions(server, 2, range(5, 8, 5, 40));
    CHECK(model.control("GET", "/__flint/requests").as_array().empty());  // listing calls no model
    const json::value rewrite = findAction(actions, "rewrite");
    CHECK(rewrite.at("kind") == "refactor.rewrite");
    CHECK_FALSE(rewrite.as_object().contains("edit"));
    CHECK_FALSE(rewrite.as_object().contains("command"));  // this client resolves

    server.request(3, "codeAction/resolve", rewrite);
    server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
    for (bool begun = false; !begun;) {
        auto message = server.next();
        INFO("waiting for progress to begin; stderr:\n" << server.stderrText());
        REQUIRE(message);
        const json::object& o = message->as_object();
        begun = o.contains("method") && o.at("method") == "$/progress" &&
                o.at("params").at("value").at("kind") == "begin";
        server.others.push_back(std::move(*message));
    }
    // Release the held stream once it is held (the request may still be on its way).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (model.control("POST", "/__flint/release").at("released").to_number<int64_t>() == 0)
        REQUIRE(std::chrono::steady_clock::now() < deadline);
    const json::value resolved = server.responseTo(3);
    INFO(json::serialize(resolved));
    const json::value& change = resolved.at("result").at("edit").at("documentChanges").at(0);
    CHECK(change.at("textDocument").at("uri").as_string() == kUri);
    CHECK(change.at("textDocument").at("version") == 1);
    const json::array& edits = change.at("edits").as_array();
    REQUIRE(edits.size() == 1);
    CHECK(edits[0].at("newText") == "* 2");  // minimal: the rest of the region is untouched
    std::string expected = kSource;
    expected.replace(expected.find("        total = total"), std::string("        total = total + math.pi * r * r\n").size(),
                     kRewrittenLine);
    CHECK(applyEdits(kSource, edits) == expected);

    // The model saw the region marked in its file, with the system prompt.
    const json::value request = model.control("GET", "/__flint/requests").at(0);
    const std::string body(request.at("body").as_string());
    CHECK(body.find("<|region|>") != std::string::npos);
    CHECK(body.find("You are a precise code editor") != std::string::npos);
    finish(server);
    // Progress began while the model wrote, and ended once.
    const auto kinds = progressKinds(server);
    CHECK(std::count(kinds.begin(), kinds.end(), "end") == 1);
    REQUIRE_FALSE(kinds.empty());
    CHECK(kinds.front() == "begin");
}

TEST_CASE("code action without resolve support: flint.runCodeAction, then workspace/applyEdit") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrittenLine}}));
    LspProcess server;
    start(server, json::object{{"workspace", json::object{{"applyEdit", true}}}}, providerOptions(model));

    const json::value rewrite = findAction(listActions(server, 2, range(5, 8, 5, 40)), "rewrite");
    const json::value& command = rewrite.at("command");
    CHECK(command.at("command") == "flint.runCodeAction");
    server.request(3, "workspace/executeCommand",
                   json::object{{"command", command.at("command")}, {"arguments", command.at("arguments")}});
    const json::value apply = server.serverRequest("workspace/applyEdit");
    const json::array& edits = apply.at("params").at("edit").at("changes").at(kUri).as_array();
    CHECK(applyEdits(kSource, edits).find(kRewrittenLine) != std::string::npos);
    CHECK(apply.at("params").at("label") == "Flint: Rewrite the selection, simpler");
    server.answer(apply, json::object{{"applied", true}});
    const json::value reply = server.responseTo(3);
    CHECK(reply.at("result").is_null());

    // An editor that refuses the edit makes the command fail, saying why.
    server.request(4, "workspace/executeCommand",
                   json::object{{"command", command.at("command")}, {"arguments", command.at("arguments")}});
    const json::value again = server.serverRequest("workspace/applyEdit");
    server.answer(again, json::object{{"applied", false}, {"failureReason", "the file is read-only"}});
    const json::value refused = server.responseTo(4);
    CHECK(refused.at("error").at("message") == "the editor did not apply the edit: the file is read-only");
    finish(server);
}

TEST_CASE("code action cancelled mid-stream: the stream is closed and nothing is applied") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script",
                  json::serialize(json::object{{"reply", kRewrittenLine}, {"holdAfter", 1}, {"tokenChars", 4}}));
    LspProcess server;
    json::object capabilities = resolvingClient();
    capabilities.erase("textDocument");  // no resolve: the executeCommand path, which would apply the edit
    start(server, capabilities, providerOptions(model));

    const json::value rewrite = findAction(listActions(server, 2, range(5, 8, 5, 40)), "rewrite");
    server.request(3, "workspace/executeCommand",
                   json::object{{"command", "flint.runCodeAction"}, {"arguments", rewrite.at("command").at("arguments")}});
    server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
    // Wait until the model has streamed its first token (progress reports it), then cancel.
    for (bool reported = false; !reported;) {
        auto message = server.next();
        REQUIRE(message);
        server.others.push_back(*message);
        reported = message->as_object().contains("method") && message->at("method") == "$/progress" &&
                   message->at("params").at("value").at("kind") == "report";
    }
    server.notify("$/cancelRequest", json::object{{"id", 3}});
    CHECK(server.responseTo(3).at("error").at("code") == -32800);
    CHECK(model.control("GET", "/__flint/wait?id=1&for=aborted").at("aborted") == true);

    // Everything the server had to say about it came before this answer: no applyEdit among it.
    server.request(4, "flint/inspect", json::object{{"textDocument", json::object{{"uri", kUri}}}, {"position", position(0, 0)}});
    server.responseTo(4);
    for (const json::value& m : server.others)
        CHECK_FALSE((m.as_object().contains("method") && m.at("method") == "workspace/applyEdit"));
    const auto kinds = progressKinds(server);
    REQUIRE_FALSE(kinds.empty());
    CHECK(kinds.back() == "end");
    finish(server);
}

TEST_CASE("code action refused: a rewrite that adds a syntax error, or a document that changed") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    LspProcess server;
    start(server, resolvingClient(), providerOptions(model));
    const json::value rewrite = findAction(listActions(server, 2, range(5, 8, 5, 40)), "rewrite");

    model.control("POST", "/__flint/queue",
                  json::serialize(json::object{{"reply", "        total = (total + math.pi * r * r\n"}}));
    server.request(3, "codeAction/resolve", rewrite);
    server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
    const json::value broken = server.responseTo(3);
    CHECK(broken.at("error").at("code") == -32803);
    CHECK(std::string(broken.at("error").at("message").as_string()).find("would add a syntax error") != std::string::npos);

    // The user typed after the action was listed: it is not computed for old text.
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 2}}},
        {"contentChanges", json::array{json::object{{"range", range(0, 0, 0, 0)}, {"text", "# edited\n"}}}}});
    server.request(4, "codeAction/resolve", rewrite);
    CHECK(server.responseTo(4).at("error").at("code") == -32801);
    CHECK(model.control("GET", "/__flint/requests").as_array().size() == 1);  // no second model call
    finish(server);
}

TEST_CASE("code actions: a quick fix per diagnostic, an instruction from the client, none without a model") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrittenLine}}));
    LspProcess server;
    start(server, resolvingClient(), providerOptions(model));

    const json::value diagnostic{{"range", range(5, 8, 5, 13)}, {"message", "use ** for powers"}, {"source", "lint"}};
    const json::array actions = listActions(server, 2, range(5, 10, 5, 10), json::array{diagnostic});
    const json::value fix = findAction(actions, "fix");
    CHECK(fix.at("kind") == "quickfix");
    CHECK(fix.at("diagnostics").at(0) == diagnostic);

    const json::value instruct = findAction(actions, "instruct");
    CHECK(instruct.at("command").at("command") == "flint.editWithInstruction");  // the client asks the user
    json::object data = instruct.at("command").at("arguments").at(0).as_object();
    data["instruction"] = "square r with **";
    server.request(3, "workspace/executeCommand",
                   json::object{{"command", "flint.runCodeAction"}, {"arguments", json::array{data}}});
    server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
    server.answer(server.serverRequest("workspace/applyEdit"), json::object{{"applied", true}});
    CHECK(server.responseTo(3).at("result").is_null());
    const std::string body(model.control("GET", "/__flint/requests").at(0).at("body").as_string());
    CHECK(body.find("Task: square r with **") != std::string::npos);
    finish(server);

    // No model configured: nothing offered to a plain client; disabled, with the reason, where supported.
    LspProcess bare;
    start(bare, json::object{}, json::object{});
    CHECK(listActions(bare, 2, range(5, 8, 5, 40)).empty());
    finish(bare);
    LspProcess explained;
    start(explained, json::object{{"textDocument", json::object{{"codeAction", json::object{{"disabledSupport", true}}}}}},
          json::object{});
    const json::array disabled = listActions(explained, 2, range(5, 8, 5, 40));
    REQUIRE_FALSE(disabled.empty());
    CHECK(disabled.at(0).at("disabled").at("reason") == "Flint: no model is configured (set flint.provider)");
    finish(explained);
}

TEST_CASE("code action on code holding a secret: the model sees a placeholder, the edit keeps the user's value") {
    const std::string uri = "file:///work/client.py";
    const std::string key = kBufferSecret;
    const std::string source = "import os\n"
                               "\n"
                               "def connect():\n"
                               "    api_key = \"" + key + "\"  # clé — 鍵\n"
                               "    return os.getenv(\"HOST\"), api_key\n";
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // The model renames the variable and keeps the placeholder it was shown.
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply",
        "    key = \"REDACTED\"  # clé — 鍵\n    return os.getenv(\"HOST\"), key\n"}}));
    LspProcess server;  // at trace level: the debug lines are there
    start(server, resolvingClient(), providerOptions(model));
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", source}}}});
    server.request(2, "textDocument/codeAction", json::object{
        {"textDocument", json::object{{"uri", uri}}}, {"range", range(3, 0, 4, 40)},
        {"context", json::object{{"diagnostics", json::array{}}}}});
    const json::value rewrite = findAction(server.responseTo(2).at("result").as_array(), "rewrite");
    server.request(3, "codeAction/resolve", rewrite);
    server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
    const json::value resolved = server.responseTo(3);
    INFO(json::serialize(resolved));
    const json::array& edits = resolved.at("result").at("edit").at("documentChanges").at(0).at("edits").as_array();
    const std::string edited = applyEdits(source, edits);
    CHECK(edited == "import os\n\ndef connect():\n    key = \"" + key + "\"  # clé — 鍵\n    return os.getenv(\"HOST\"), key\n");

    // What went out: the placeholder, never the key; the non-ASCII comment intact.
    const std::string body(model.control("GET", "/__flint/requests").at(0).at("body").as_string());
    const std::string user(json::parse(body).at("messages").at(1).at("content").as_string());
    CHECK(body.find(key.substr(0, 12)) == std::string::npos);
    CHECK(user.find("    api_key = \"REDACTED\"  # clé — 鍵\n") != std::string::npos);

    // A reply that lost the placeholder cannot say where the key goes: refused, nothing applied.
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply",
        "    key = os.getenv(\"KEY\")\n    return os.getenv(\"HOST\"), key\n"}}));
    server.request(4, "codeAction/resolve", rewrite);
    server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
    const json::value refused = server.responseTo(4);
    INFO(json::serialize(refused));
    REQUIRE(refused.as_object().contains("error"));
    CHECK(std::string(refused.at("error").at("message").as_string()).find("redacted secret") != std::string::npos);
    finish(server);
    // The debug log counts the redaction; no log line carries the key.
    const std::string log = server.stderrText();
    CHECK(log.find("1 secret(s) redacted") != std::string::npos);
    CHECK(log.find(key.substr(0, 12)) == std::string::npos);
}

TEST_CASE("every code action, resolved through the real server: its prompt, a versioned edit, the expected text") {
    // The method area() (lines 3-6) is the region of every action at a bare cursor in it
    // but the rewrite, whose region is the selected line.
    const std::string method = "    def area(self, r):\n"
                               "        total = 0\n"
                               "        total = total + math.pi * r * r\n"
                               "        return total\n";
    struct Row {
        std::string action;     // data.action of the offered action
        std::string task;       // what the model must be asked (from its prompt file)
        std::string region;     // the text the model's reply replaces
        std::string rewritten;  // the model's reply
        json::value range;      // the selection the client asks at
    };
    const std::vector<Row> rows{
        {"fix", "Task: fix this problem reported in the region", method,
         "    def area(self, r):\n        total = 0\n        total = total + math.pi * r ** 2\n        return total\n",
         range(5, 10, 5, 10)},
        {"rewrite", "Task: rewrite the region to be simpler", "        total = total + math.pi * r * r\n",
         kRewrittenLine, range(5, 8, 5, 40)},
        {"document", "Task: add documentation to area()", method,
         "    def area(self, r):\n        \"\"\"The area of a circle of radius r.\"\"\"\n        total = 0\n"
         "        total = total + math.pi * r * r\n        return total\n",
         range(5, 10, 5, 10)},
        {"complete", "Task: complete the body of area()", method,
         "    def area(self, r):\n        if r < 0:\n            raise ValueError(r)\n        total = 0\n"
         "        total = total + math.pi * r * r\n        return total\n",
         range(5, 10, 5, 10)},
    };
    const json::value diagnostic{{"range", range(5, 8, 5, 13)}, {"message", "use ** for powers"}, {"source", "lint"}};
    for (const Row& row : rows) {
        DYNAMIC_SECTION(row.action) {
            boost::asio::io_context loop;
            ScriptedModelServer model(loop);
            model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", row.rewritten}}));
            LspProcess server;
            start(server, resolvingClient(), providerOptions(model));
            // A later version than didOpen's: the edit must carry the one Flint holds.
            server.notify("textDocument/didChange",
                          json::object{{"textDocument", json::object{{"uri", kUri}, {"version", 4}}},
                                       {"contentChanges", json::array{json::object{{"text", kSource}}}}});

            const json::array actions = listActions(server, 2, row.range, json::array{diagnostic});
            server.request(3, "codeAction/resolve", findAction(actions, row.action));
            server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
            const json::value resolved = server.responseTo(3);
            INFO(json::serialize(resolved) << "\nstderr:\n" << server.stderrText());
            const json::value& change = resolved.at("result").at("edit").at("documentChanges").at(0);
            CHECK(change.at("textDocument").at("uri").as_string() == kUri);
            CHECK(change.at("textDocument").at("version") == 4);
            std::string expected = kSource;
            expected.replace(expected.find(row.region), row.region.size(), row.rewritten);
            CHECK(applyEdits(kSource, change.at("edits").as_array()) == expected);

            const json::array requests = model.control("GET", "/__flint/requests").as_array();
            REQUIRE(requests.size() == 1);
            const std::string body(requests.at(0).at("body").as_string());
            CHECK(body.find(row.task) != std::string::npos);
            if (row.action == "fix") CHECK(body.find("use ** for powers") != std::string::npos);
            finish(server);
        }
    }

    SECTION("instruct, through workspace/executeCommand and workspace/applyEdit") {
        boost::asio::io_context loop;
        ScriptedModelServer model(loop);
        const std::string rewritten =
            "    def area(self, r):\n        return math.pi * r ** 2\n";
        model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", rewritten}}));
        LspProcess server;
        start(server, resolvingClient(), providerOptions(model));
        const json::array actions = listActions(server, 2, range(5, 10, 5, 10));
        json::object data = findAction(actions, "instruct").at("command").at("arguments").at(0).as_object();
        data["instruction"] = "return the area in one line";
        server.request(3, "workspace/executeCommand",
                       json::object{{"command", "flint.runCodeAction"}, {"arguments", json::array{data}}});
        server.answer(server.serverRequest("window/workDoneProgress/create"), nullptr);
        const json::value apply = server.serverRequest("workspace/applyEdit");
        server.answer(apply, json::object{{"applied", true}});
        CHECK(server.responseTo(3).at("result").is_null());
        const json::value& change = apply.at("params").at("edit").at("documentChanges").at(0);
        CHECK(change.at("textDocument").at("version") == 1);
        std::string expected = kSource;
        expected.replace(expected.find(method), method.size(), rewritten);
        CHECK(applyEdits(kSource, change.at("edits").as_array()) == expected);
        const std::string body(model.control("GET", "/__flint/requests").at(0).at("body").as_string());
        CHECK(body.find("Task: return the area in one line") != std::string::npos);
        finish(server);
    }
}
