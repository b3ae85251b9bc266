// Next-edit suggestions (flint/inlineEdit, textDocument/copilotInlineEdit) through
// the real flint-lsp binary against the scripted model server, whose reply is the
// rewritten region.
#include "LspProcess.h"
#include "ScriptedModelServer.h"
#include "TestSecrets.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <unistd.h>

using namespace flint::test;

namespace {

const std::string kUri = "file:///work/stats.py";
// Version 1; the user then renames `count` to `total` on line 1 (version 2).
const std::string kSource =
    "def summarize(items):\n"
    "    count = 0\n"
    "    for item in items:\n"
    "        count += item.size\n"
    "    if count > 100:\n"
    "        print(\"gr\xC3\xB6\xC3\x9F" "e \xF0\x9F\x98\x80\", count)\n"
    "    return count\n";
const std::string kRenamed =
    "def summarize(items):\n"
    "    total = 0\n"
    "    for item in items:\n"
    "        count += item.size\n"
    "    if count > 100:\n"
    "        print(\"gr\xC3\xB6\xC3\x9F" "e \xF0\x9F\x98\x80\", count)\n"
    "    return count\n";
// What the model returns: the region (here the whole function) with the rename carried on.
const std::string kRewrite =
    "def summarize(items):\n"
    "    total = 0\n"
    "    for item in items:\n"
    "        total += item.size\n"
    "    if total > 100:\n"
    "        print(\"gr\xC3\xB6\xC3\x9F" "e \xF0\x9F\x98\x80\", total)\n"
    "    return total\n";

json::object options(const ScriptedModelServer& model, json::object nextEdit = {}) {
    if (!nextEdit.contains("quietMs")) nextEdit["quietMs"] = 0;
    return json::object{
        {"provider", json::object{{"kind", "openai-chat"},
                                  {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
                                  {"model", "m"}}},
        {"nextEdit", std::move(nextEdit)}};
}

json::value start(LspProcess& server, json::value options, const std::string& text = kSource,
                  json::object capabilities = {}) {
    capabilities["general"] = json::object{{"positionEncodings", json::array{"utf-16"}}};
    server.request(1, "initialize", json::object{
        {"processId", ::getpid()},
        {"rootUri", "file:///work"},
        {"capabilities", std::move(capabilities)},
        {"initializationOptions", std::move(options)}});
    json::value init = server.responseTo(1);
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}});
    return init;
}

void rename(LspProcess& server) {
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 2}}},
        {"contentChanges", json::array{json::object{{"range", range(1, 4, 1, 9)}, {"text", "total"}}}}});
}

void requestEdit(LspProcess& server, int64_t id, uint32_t line, uint32_t character, std::optional<int64_t> version,
                 std::string_view method = "flint/inlineEdit") {
    json::object document{{"uri", kUri}};
    if (version) document["version"] = *version;
    server.request(id, method, json::object{{"textDocument", std::move(document)}, {"position", position(line, character)}});
}

json::value edit(uint32_t line, uint32_t from, uint32_t to, std::string_view text, int64_t version) {
    return json::object{{"text", text},
                        {"textDocument", json::object{{"uri", kUri}, {"version", version}}},
                        {"range", range(line, from, line, to)}};
}

// The edits without their commands (checked separately).
json::array withoutCommands(const json::value& result) {
    json::array out;
    for (const json::value& e : result.at("edits").as_array()) {
        json::object copy = e.as_object();
        copy.erase("command");
        out.push_back(std::move(copy));
    }
    return out;
}

size_t modelRequests(ScriptedModelServer& model) { return model.control("GET", "/__flint/requests").as_array().size(); }

// Waits (the server's deadline: 10 s) until the model server has received request `n`.
void waitForModelRequests(ScriptedModelServer& model, size_t n) {
    CHECK(model.control("GET", "/__flint/wait?id=" + std::to_string(n) + "&for=received").at("id").as_int64() ==
          static_cast<int64_t>(n));
}

json::value lastRequestBody(ScriptedModelServer& model) {
    return json::parse(model.control("GET", "/__flint/requests").as_array().back().at("body").as_string());
}

void finish(LspProcess& server) { CHECK(server.shutdownAndExit() == 0); }

} // namespace

TEST_CASE("rename propagation: exactly the expected edits, for the right version, in both method names") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}, {"tokenChars", 7}}));
    LspProcess server;
    const json::value init = start(server, options(model));
    const json::value& commands = init.at("result").at("capabilities").at("executeCommandProvider").at("commands");
    CHECK(std::find(commands.as_array().begin(), commands.as_array().end(), json::value("flint.acceptInlineEdit")) !=
          commands.as_array().end());
    model.control("GET", "/__flint/connections?atLeast=2");
    rename(server);

    requestEdit(server, 2, 1, 9, 2);
    const json::value result = server.responseTo(2).at("result");
    // "total" for "count" on lines 3 to 6; line 5's position counts UTF-16 units
    // (the emoji is two).
    const json::array expected{edit(3, 8, 13, "total", 2), edit(4, 7, 12, "total", 2), edit(5, 26, 31, "total", 2),
                               edit(6, 11, 16, "total", 2)};
    CHECK(withoutCommands(result) == expected);
    CHECK(result.at("complete") == true);
    const json::value& command = result.at("edits").at(0).at("command");
    CHECK(command.at("command") == "flint.acceptInlineEdit");
    REQUIRE(command.at("arguments").as_array().size() == 1);
    CHECK(command.at("arguments").at(0).is_string());
    CHECK(!result.as_object().contains("jump"));  // the nearest edit is two lines from the cursor

    // What the model was asked: the original region as the Predicted Output, and the
    // rename in the edit history.
    const json::value body = lastRequestBody(model);
    CHECK(body.at("prediction").at("type") == "content");
    CHECK(std::string(body.at("prediction").at("content").as_string()) == kRenamed);
    const std::string user(body.at("messages").at(1).at("content").as_string());
    CHECK(user.find("-    count = 0\n+    total = 0\n") != std::string::npos);
    CHECK(user.find("    total<|cursor|> = 0\n") != std::string::npos);
    CHECK(user.find("File: stats.py (python)") != std::string::npos);

    // The Copilot name answers the same, from the stored prediction: no second model call.
    requestEdit(server, 3, 1, 9, 2, "textDocument/copilotInlineEdit");
    const json::value copilot = server.responseTo(3).at("result");
    CHECK(copilot == result);
    CHECK(modelRequests(model) == 1);
    finish(server);
}

TEST_CASE("typing part of a stored suggestion keeps the rest, for the new version, with no model call") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}}));
    LspProcess server;
    start(server, options(model));
    rename(server);
    requestEdit(server, 2, 1, 9, 2);
    REQUIRE(server.responseTo(2).at("result").at("edits").as_array().size() == 4);

    // The client applies the first edit (as copilot-lsp does, one at a time), runs its
    // command, and asks again.
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 3}}},
        {"contentChanges", json::array{json::object{{"range", range(3, 8, 3, 13)}, {"text", "total"}}}}});
    server.notify("textDocument/didShowInlineEdit", json::object{{"item", json::object{{"command", json::object{
        {"command", "flint.acceptInlineEdit"}, {"arguments", json::array{"ne-1"}}}}}}});
    server.request(3, "workspace/executeCommand", json::object{{"command", "flint.acceptInlineEdit"}, {"arguments", json::array{"ne-1"}}});
    CHECK(server.responseTo(3).at("result").is_null());
    requestEdit(server, 4, 3, 13, 3);
    const json::value result = server.responseTo(4).at("result");
    CHECK(withoutCommands(result) == json::array{edit(4, 7, 12, "total", 3), edit(5, 26, 31, "total", 3), edit(6, 11, 16, "total", 3)});
    CHECK(modelRequests(model) == 1);

    // Typing something else where it edits drops it: the next request asks the model
    // again, and its history tells the model a suggestion was accepted.
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 4}}},
        {"contentChanges", json::array{json::object{{"range", range(4, 7, 4, 12)}, {"text", "x"}}}}});
    requestEdit(server, 5, 4, 8, 4);
    server.responseTo(5);
    CHECK(modelRequests(model) == 2);
    const std::string user(lastRequestBody(model).at("messages").at(1).at("content").as_string());
    CHECK(user.find("The user accepted a suggested edit: the edit at line 4 of stats.py") != std::string::npos);
    finish(server);
}

TEST_CASE("a pure insertion at the cursor goes out as an inline completion, the rest as inline edits") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}}));
    LspProcess server;
    // A client that shows inline completions (it says so in its capabilities).
    start(server, options(model), kSource,
          json::object{{"textDocument", json::object{{"inlineCompletion", json::object{}}}}});
    // The user is typing the rename: "tot" of "total" so far, the cursor after it.
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 2}}},
        {"contentChanges", json::array{json::object{{"range", range(1, 4, 1, 9)}, {"text", "tot"}}}}});
    requestEdit(server, 2, 1, 7, 2);
    const json::value result = server.responseTo(2).at("result");
    // The rest of the word is not among the inline edits...
    CHECK(withoutCommands(result) == json::array{edit(3, 8, 13, "total", 2), edit(4, 7, 12, "total", 2),
                                                 edit(5, 26, 31, "total", 2), edit(6, 11, 16, "total", 2)});
    const json::value id = result.at("edits").at(0).at("command").at("arguments").at(0);

    // ...it is the inline completion at the cursor, from the same suggestion, with no model call.
    server.request(3, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(1, 7)},
        {"context", json::object{{"triggerKind", 2}}}});
    const json::value items = server.responseTo(3).at("result").at("items");
    REQUIRE(items.as_array().size() == 1);
    CHECK(items.at(0).at("insertText") == "al");
    CHECK(items.at(0).at("range") == range(1, 7, 1, 7));
    CHECK(items.at(0).at("command").at("command") == "flint.acceptInlineEdit");
    CHECK(items.at(0).at("command").at("arguments").at(0) == id);
    CHECK(modelRequests(model) == 1);

    // Accepting it is the suggestion's accept: the next prompt says so.
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 3}}},
        {"contentChanges", json::array{json::object{{"range", range(1, 7, 1, 7)}, {"text", "al"}}}}});
    server.request(4, "workspace/executeCommand", json::object{{"command", "flint.acceptInlineEdit"}, {"arguments", json::array{id}}});
    CHECK(server.responseTo(4).at("result").is_null());
    server.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 4}}},
        {"contentChanges", json::array{json::object{{"range", range(3, 8, 3, 13)}, {"text", "x"}}}}});
    requestEdit(server, 5, 3, 9, 4);
    server.responseTo(5);
    CHECK(modelRequests(model) == 2);
    const std::string user(lastRequestBody(model).at("messages").at(1).at("content").as_string());
    CHECK(user.find("The user accepted a suggested edit: the insertion at line 2 of stats.py") != std::string::npos);
    finish(server);
}

TEST_CASE("an edit is never delivered against a newer document version") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    LspProcess server;
    start(server, options(model));
    rename(server);

    SECTION("a request for an older version is answered with nothing, without asking the model") {
        requestEdit(server, 2, 1, 9, 1);
        CHECK(server.responseTo(2).at("result").at("edits").as_array().empty());
        CHECK(modelRequests(model) == 0);
    }
    SECTION("a change while the model writes answers the waiting request with nothing") {
        model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}, {"holdAfter", 2}}));
        requestEdit(server, 2, 1, 9, 2);
        waitForModelRequests(model, 1);
        // The user types inside the region before the model is done.
        server.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", kUri}, {"version", 3}}},
            {"contentChanges", json::array{json::object{{"range", range(2, 4, 2, 4)}, {"text", "# "}}}}});
        const json::value result = server.responseTo(2).at("result");
        CHECK(result.at("edits").as_array().empty());
        // The stream was for the old region: it is closed, and nothing of it is offered later.
        CHECK(model.control("GET", "/__flint/wait?id=1&for=aborted").at("aborted") == true);
        model.control("POST", "/__flint/release");
        model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", ""}, {"holdAfter", nullptr}}));
        requestEdit(server, 3, 2, 6, 3);
        const json::value later = server.responseTo(3).at("result");
        for (const json::value& e : later.at("edits").as_array()) CHECK(e.at("textDocument").at("version") == 3);
        CHECK(modelRequests(model) == 2);
    }
    SECTION("a change outside the region lets the stream finish, rebased to the new version") {
        model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}, {"holdAfter", 2}}));
        requestEdit(server, 2, 1, 9, 2);
        waitForModelRequests(model, 1);
        // A line appended after the function (outside its region) while the model writes.
        server.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", kUri}, {"version", 3}}},
            {"contentChanges", json::array{json::object{{"range", range(7, 0, 7, 0)}, {"text", "\nprint(summarize([]))\n"}}}}});
        CHECK(server.responseTo(2).at("result").at("edits").as_array().empty());
        model.control("POST", "/__flint/release");
        model.control("GET", "/__flint/wait?id=1&for=completed");
        // Served from the stored prediction, for version 3.
        requestEdit(server, 3, 1, 9, 3);
        json::value result = server.responseTo(3).at("result");
        CHECK(withoutCommands(result) ==
              json::array{edit(3, 8, 13, "total", 3), edit(4, 7, 12, "total", 3), edit(5, 26, 31, "total", 3), edit(6, 11, 16, "total", 3)});
        CHECK(modelRequests(model) == 1);
    }
    finish(server);
}

TEST_CASE("the first changed hunk is answered before the model has finished, the rest is stored") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    std::string text, rewrite;
    for (int i = 0; i < 30; ++i) {
        text += "v_" + std::to_string(i) + " = f(" + std::to_string(i) + ")\n";
        rewrite += "v_" + std::to_string(i) + " = f(" + std::to_string(i == 2 ? 200 : i == 25 ? 250 : i) + ")\n";
    }
    // The stream holds once lines 0-5 have gone out: line 2's hunk and its anchor.
    const size_t firstSix = rewrite.find("v_6 ");
    const int tokenChars = 5;
    model.control("POST", "/__flint/script", json::serialize(json::object{
        {"reply", rewrite}, {"tokenChars", tokenChars}, {"holdAfter", (firstSix + tokenChars - 1) / tokenChars}}));
    LspProcess server;
    start(server, options(model, json::object{{"regionLines", 40}}), text);
    requestEdit(server, 2, 1, 0, 1);
    const json::value early = server.responseTo(2).at("result");
    CHECK(early.at("complete") == false);
    CHECK(withoutCommands(early) == json::array{edit(2, 9, 9, "00", 1)});

    model.control("POST", "/__flint/release");
    model.control("GET", "/__flint/wait?id=1&for=completed");
    // Asked again: the stored prediction, now complete, with the later hunk too. The
    // model server has sent its last bytes; flint-lsp may not have read them yet, so ask
    // until the answer says complete (each answer is from the store: no model call).
    json::value whole;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (int64_t id = 1000; whole.is_null() || (whole.at("complete") != true && std::chrono::steady_clock::now() < deadline); ++id) {
        requestEdit(server, id, 1, 0, 1);
        whole = server.responseTo(id).at("result");
    }
    CHECK(whole.at("complete") == true);
    CHECK(withoutCommands(whole) == json::array{edit(2, 9, 9, "00", 1), edit(25, 11, 11, "0", 1)});
    CHECK(modelRequests(model) == 1);
    finish(server);
}

TEST_CASE("an edit away from the cursor says where, and waits for a pause in typing") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}}));
    LspProcess server;

    SECTION("with no quiet time: offered at once, with the range to jump to") {
        start(server, options(model, json::object{{"quietMs", 0}}));
        rename(server);
        // The cursor on the first line: the nearest edit is three lines below.
        requestEdit(server, 2, 0, 0, 2);
        const json::value result = server.responseTo(2).at("result");
        REQUIRE(result.at("edits").as_array().size() == 4);
        CHECK(result.at("jump").at("range") == range(3, 8, 3, 13));
    }
    SECTION("with a quiet time: held back, and dropped when the user types on") {
        start(server, options(model, json::object{{"quietMs", 60000}}));
        rename(server);
        requestEdit(server, 2, 0, 0, 2);
        model.control("GET", "/__flint/wait?id=1&for=completed");
        // The edits are ready but the user typed less than a minute ago: nothing yet.
        // More typing supersedes the request; it is answered with nothing.
        server.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", kUri}, {"version", 3}}},
            {"contentChanges", json::array{json::object{{"range", range(0, 0, 0, 0)}, {"text", "# stats\n"}}}}});
        CHECK(server.responseTo(2).at("result").at("edits").as_array().empty());
    }
    finish(server);
}

TEST_CASE("next-edit guardrails: turned off, per language and per glob, and a token budget") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}}));
    LspProcess server;
    auto expectNothing = [&](int64_t id) {
        rename(server);
        requestEdit(server, id, 1, 9, 2);
        CHECK(server.responseTo(id).at("result").at("edits").as_array().empty());
        CHECK(modelRequests(model) == 0);
    };
    SECTION("enabled: false") {
        start(server, options(model, json::object{{"enabled", false}}));
        expectNothing(2);
    }
    SECTION("a language turned off") {
        start(server, options(model, json::object{{"disabledLanguages", json::array{"markdown", "python"}}}));
        expectNothing(2);
    }
    SECTION("a glob turned off") {
        start(server, options(model, json::object{{"disabledGlobs", json::array{"**/*.py"}}}));
        expectNothing(2);
    }
    SECTION("a budget too small for one request: nothing is sent, and the user is told once") {
        start(server, options(model, json::object{{"tokensPerMinute", 50}}));
        expectNothing(2);
        requestEdit(server, 3, 1, 9, 2);
        server.responseTo(3);
        int warnings = 0;
        for (const json::value& m : server.others)
            if (m.as_object().contains("method") && m.at("method") == "window/showMessage" &&
                std::string(m.at("params").at("message").as_string()).find("tokens per minute") != std::string::npos)
                ++warnings;
        CHECK(warnings == 1);
    }
    SECTION("no model configured: nothing, without error") {
        start(server, json::object{});
        expectNothing(2);
    }
    finish(server);
}

TEST_CASE("next edit: nothing from an excluded file, secrets redacted, no request for a region holding one") {
    const std::string key = kBufferSecret;
    // A key far above the function (in the read-only text before the region).
    std::string source = "API_KEY = \"" + key + "\"\n";
    for (int i = 0; i < 30; ++i) source += "LIMIT_" + std::to_string(i) + " = " + std::to_string(i) + "\n";
    source += "\n";
    const uint32_t shift = 32;  // kSource's first line
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", kRewrite}}));
    LspProcess server;  // at trace level: the debug lines are there
    start(server, options(model), source + kSource);
    auto change = [&](const std::string& uri, int64_t version, json::value at, const std::string& text) {
        server.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", uri}, {"version", version}}},
            {"contentChanges", json::array{json::object{{"range", std::move(at)}, {"text", text}}}}});
    };
    auto ask = [&](int64_t id, const std::string& uri, uint32_t line, uint32_t character) {
        server.request(id, "flint/inlineEdit", json::object{{"textDocument", json::object{{"uri", uri}}},
                                                             {"position", position(line, character)}});
        return server.responseTo(id).at("result");
    };
    // The user edits .env (a secret file) first: that edit is in the history.
    const std::string env = "file:///work/.env";
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", env}, {"languageId", "dotenv"}, {"version", 1}, {"text", "SERVICE_URL=ENV_MARKER_one\n"}}}});
    change(env, 2, range(0, 23, 0, 26), "two");
    // Next edit in .env itself: nothing asked.
    CHECK(ask(2, env, 0, 26).at("edits").as_array().empty());
    CHECK(modelRequests(model) == 0);

    // Next edit in the source file: the model sees the rename, never the key or .env's edit.
    change(kUri, 2, range(shift + 1, 4, shift + 1, 9), "total");
    ask(3, kUri, shift + 1, 9);
    REQUIRE(modelRequests(model) == 1);
    const std::string body(model.control("GET", "/__flint/requests").as_array().back().at("body").as_string());
    INFO(body);
    CHECK(body.find(key.substr(0, 12)) == std::string::npos);
    CHECK(body.find("API_KEY = \\\"REDACTED\\\"") != std::string::npos);  // (JSON-escaped quotes)
    CHECK(body.find("ENV_MARKER") == std::string::npos);
    CHECK(body.find("total = 0") != std::string::npos);

    // A region holding a secret is not sent: the rewrite would need it.
    const std::string keys = "file:///work/keys.py";
    const std::string keysSource = "def connect():\n    token = \"ghp_aB3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3d\"\n"
                                   "    return token\n";
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", keys}, {"languageId", "python"}, {"version", 1}, {"text", keysSource}}}});
    change(keys, 2, range(2, 11, 2, 16), "token.strip()");
    CHECK(ask(4, keys, 2, 24).at("edits").as_array().empty());
    CHECK(modelRequests(model) == 1);
    finish(server);
    const std::string log = server.stderrText();
    CHECK(log.find("next edit: 1 secret(s) redacted") != std::string::npos);
    CHECK(log.find(key.substr(0, 12)) == std::string::npos);
}
