// Inline-completion feedback over the protocol, on a server driven without a
// transport (no model: the workspace engine answers): Copilot-shaped
// didShowCompletion / didPartiallyAcceptCompletion, the accept command through
// workspace/executeCommand, and the statistics they keep.
#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "suggest/InlineStats.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

using namespace flint;
using namespace flint::lsp;

namespace {

struct Server {
    std::vector<json::value> sent;
    std::vector<std::function<void()>> deferred;
    LanguageServer server{[this](std::string payload) { sent.push_back(json::parse(payload)); },
                          [this](std::function<void()> task) { deferred.push_back(std::move(task)); }};

    void send(json::object message) {
        message["jsonrpc"] = "2.0";
        server.onMessage(json::serialize(message));
    }
    json::value responseTo(int64_t id) {
        for (const json::value& m : sent)
            if (m.as_object().contains("id") && m.at("id") == id && !m.as_object().contains("method")) return m;
        FAIL("no response to " << id);
        return nullptr;
    }
    const InlineStats& stats() { return *server.context().inlineStats; }
};

} // namespace

TEST_CASE("feedback on suggestions: shown, partially accepted, accepted, rejected") {
    Server s;
    s.send({{"id", 1}, {"method", "initialize"}, {"params", json::object{{"capabilities", json::object{}}}}});
    const json::value caps = s.responseTo(1).at("result").at("capabilities");
    const json::array& commands = caps.at("executeCommandProvider").at("commands").as_array();
    CHECK(std::find(commands.begin(), commands.end(), json::value("flint.acceptCompletion")) != commands.end());
    s.send({{"method", "initialized"}, {"params", json::object{}}});
    auto open = [&](std::string uri, std::string text) {
        s.send({{"method", "textDocument/didOpen"}, {"params", json::object{{"textDocument", json::object{
            {"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}}}});
    };
    open("file:///util.py", "def shout(name):\n    return name.upper() + \"\xF0\x9F\x98\x80\"\n    print(name)\n");
    open("file:///new.py", "    return name.up\n    print\n");
    auto ask = [&](int64_t id, uint32_t line, uint32_t character) {
        s.send({{"id", id}, {"method", "textDocument/inlineCompletion"}, {"params", json::object{
            {"textDocument", json::object{{"uri", "file:///new.py"}}},
            {"position", json::object{{"line", line}, {"character", character}}},
            {"context", json::object{{"triggerKind", 1}}}}}});
        return s.responseTo(id).at("result").at("items").at(0);
    };

    const json::value item = ask(2, 0, 18);
    CHECK(item.at("insertText") == "per() + \"\xF0\x9F\x98\x80\"");
    CHECK(item.at("command").at("command") == "flint.acceptCompletion");
    s.send({{"method", "textDocument/didShowCompletion"}, {"params", json::object{{"item", item}}}});
    s.send({{"method", "textDocument/didShowCompletion"}, {"params", json::object{{"item", item}}}});  // counted once
    // acceptedLength in UTF-16 code units from the start of insertText: through the emoji.
    s.send({{"method", "textDocument/didPartiallyAcceptCompletion"}, {"params", json::object{{"item", item}, {"acceptedLength", 11}}}});
    CHECK(s.stats().shown == 1);
    CHECK(s.stats().partiallyAccepted == 1);

    s.send({{"id", 3}, {"method", "workspace/executeCommand"}, {"params", json::object{
        {"command", "flint.acceptCompletion"}, {"arguments", item.at("command").at("arguments")}}}});
    CHECK(s.responseTo(3).at("result").is_null());
    CHECK(s.stats().accepted == 1);

    // Shown, then another suggestion replaces it without any accept: rejected.
    const json::value other = ask(4, 1, 9);
    CHECK(other.at("insertText") == "(name)");
    s.send({{"method", "textDocument/didShowCompletion"}, {"params", json::object{{"item", other}}}});
    ask(5, 0, 18);
    CHECK(s.stats().shown == 2);
    CHECK(s.stats().rejected == 1);
    CHECK(s.stats().accepted == 1);

    // Bad input: a clear error, nothing counted.
    s.send({{"id", 6}, {"method", "workspace/executeCommand"}, {"params", json::object{{"command", "flint.nope"}}}});
    CHECK(s.responseTo(6).at("error").at("code") == -32602);
    s.send({{"id", 7}, {"method", "workspace/executeCommand"}, {"params", json::object{
        {"command", "flint.acceptCompletion"}, {"arguments", json::array{42}}}}});
    CHECK(s.responseTo(7).at("error").at("code") == -32602);
    s.send({{"method", "textDocument/didShowCompletion"}, {"params", json::object{{"item", json::object{}}}}});
    CHECK(s.stats().shown == 2);
    CHECK(s.stats().accepted == 1);
}

// Found by tests/fuzz/dispatch.cpp (UBSan under clang): `debounceMs: 1e300` became a
// duration it cannot hold (float-cast-overflow), and so did huge counts.
TEST_CASE("inline settings out of range are reported and their defaults used") {
    Server s;
    s.send({{"id", 1}, {"method", "initialize"}, {"params", json::object{
        {"capabilities", json::object{}},
        {"initializationOptions", json::object{{"inline", json::object{
            {"debounceMs", 1e300}, {"debounceMaxMs", -1e300}, {"prefetchPerMinute", 1e300}, {"cacheEntries", 1e300}}}}}}}});
    s.send({{"method", "initialized"}, {"params", json::object{}}});
    std::vector<std::string> warnings;
    for (const json::value& m : s.sent)
        if (m.as_object().contains("method") && m.at("method") == "window/showMessage" &&
            std::string_view(m.at("params").at("message").as_string()).find("flint.inline.") != std::string_view::npos)
            warnings.emplace_back(m.at("params").at("message").as_string());
    REQUIRE(warnings.size() == 1);  // once, naming a field
    CHECK(warnings[0].find(": expected a number from ") != std::string::npos);
    // The server goes on serving with the defaults.
    s.send({{"method", "textDocument/didOpen"}, {"params", json::object{{"textDocument", json::object{
        {"uri", "file:///a.py"}, {"languageId", "python"}, {"version", 1}, {"text", "x = 1\n"}}}}}});
    s.send({{"id", 2}, {"method", "textDocument/inlineCompletion"}, {"params", json::object{
        {"textDocument", json::object{{"uri", "file:///a.py"}}}, {"position", json::object{{"line", 1}, {"character", 0}}},
        {"context", json::object{{"triggerKind", 1}}}}}});
    CHECK(s.responseTo(2).as_object().contains("result"));
}
