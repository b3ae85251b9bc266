// The next-edit engine in process against the scripted model server: what inline
// completion can ask it (a stored pure insertion at the cursor), the store, and a
// failing model giving a clean empty or partial result.
#include "ScriptedModelServer.h"

#include "model/Provider.h"
#include "suggest/NextEditEngine.h"
#include "workspace/Workspace.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

using namespace flint;
using namespace flint::test;
namespace json = boost::json;

namespace {

ProviderConfig config(const ScriptedModelServer& server) {
    ProviderConfig c;
    c.kind = "openai-chat";
    c.endpoint = server.endpoint("/v1");
    c.firstTokenTimeout = std::chrono::milliseconds(5000);
    c.timeout = std::chrono::milliseconds(10000);
    return c;
}

struct Answer {
    std::optional<NextEditSuggestion> suggestion;
};

NextEditSuggestion ask(boost::asio::io_context& loop, NextEditEngine& engine, Provider& provider, const std::string& uri,
                       size_t offset) {
    std::optional<NextEditSuggestion> answer;
    NextEditSettings settings;
    settings.quietTime = std::chrono::milliseconds(0);
    engine.suggest({uri, offset, std::nullopt}, &provider, settings, {}, [&](NextEditSuggestion s) { answer = std::move(s); });
    REQUIRE(runUntil(loop, [&] { return answer.has_value(); }, std::chrono::seconds(20)));
    return *answer;
}

// The answer can come before the last bytes of the body ([DONE]): let the exchange
// end and its connection go back to the pool before the test tears down.
void settle(boost::asio::io_context& loop, Provider& provider) {
    CHECK(runUntil(loop, [&] { return provider.connectionStats().idle > 0; }, std::chrono::seconds(10)));
}

} // namespace

TEST_CASE("next-edit engine: a pure insertion at the cursor is there for inline completion to take") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    const std::string text = "def add(a, b):\n    return \n";
    const std::string rewrite = "def add(a, b):\n    return a + b\n";
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", rewrite}}));
    Provider provider(loop, config(model));
    Workspace workspace;
    Document& doc = workspace.open("file:///w/add.py", "python", 7, text);
    NextEditEngine engine(workspace, nullptr);
    const size_t cursor = text.find("return ") + 7;

    const NextEditSuggestion s = ask(loop, engine, provider, doc.uri(), cursor);
    REQUIRE(s.edits.size() == 1);
    CHECK(s.edits[0] == TextEdit{cursor, cursor, "a + b"});
    CHECK(s.version == 7);
    CHECK_FALSE(s.jump);
    const auto insertion = engine.insertionAt(doc.uri(), 7, cursor);
    REQUIRE(insertion);
    CHECK(insertion->text == "a + b");
    CHECK(insertion->id == s.id);
    CHECK_FALSE(engine.insertionAt(doc.uri(), 6, cursor));          // another version
    CHECK_FALSE(engine.insertionAt(doc.uri(), 7, cursor - 1));      // another place
    CHECK_FALSE(engine.insertionAt("file:///w/other.py", 7, cursor));

    // Asked again: from the store, no second model call.
    const NextEditSuggestion again = ask(loop, engine, provider, doc.uri(), cursor);
    CHECK(again.edits == s.edits);
    CHECK(engine.stats().modelRequests == 1);
    CHECK(engine.stats().cacheHits == 1);

    // The user types "a " of it: the rest stays, for the new version.
    const ContentChange typed{TextRange{doc.text().positionAt(cursor, PositionEncoding::Utf8),
                                        doc.text().positionAt(cursor, PositionEncoding::Utf8)}, "a "};
    doc.applyChanges({&typed, 1}, 8, PositionEncoding::Utf8);
    engine.documentChanged(doc.uri());
    const auto rest = engine.insertionAt(doc.uri(), 8, cursor + 2);
    REQUIRE(rest);
    CHECK(rest->text == "+ b");
    CHECK(engine.accepted(rest->id));  // taken as an inline completion, it is the suggestion's accept
    CHECK(engine.stats().rebased == 1);
    settle(loop, provider);
}

TEST_CASE("next-edit engine: a failing model gives nothing, or only the hunks it had anchored") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    Provider provider(loop, config(model));
    Workspace workspace;
    std::string text, rewrite;
    for (int i = 0; i < 12; ++i) {
        text += "x" + std::to_string(i) + " = " + std::to_string(i) + "\n";
        rewrite += "x" + std::to_string(i) + " = " + std::to_string(i == 1 || i == 10 ? i * 7 : i) + "\n";
    }
    Document& doc = workspace.open("file:///w/xs.py", "python", 1, text);
    NextEditEngine engine(workspace, nullptr);

    SECTION("an error status, and the next request asks again") {
        model.control("POST", "/__flint/script", R"({"fault":"500"})");
        const NextEditSuggestion s = ask(loop, engine, provider, doc.uri(), 0);
        CHECK(s.edits.empty());
        // A failure is no answer (not "nothing to change"): at the same version the
        // model is asked again once it is back.
        model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", rewrite}, {"fault", nullptr}}));
        const NextEditSuggestion again = ask(loop, engine, provider, doc.uri(), 0);
        REQUIRE_FALSE(again.edits.empty());  // answered at the first anchored hunk
        CHECK(again.edits[0].text == "7");
        CHECK(engine.stats().modelRequests == 2);
        settle(loop, provider);
    }
    SECTION("a stream cut in the middle keeps the first, anchored hunk only") {
        model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", rewrite}, {"fault", "drop"}, {"tokenChars", 3}}));
        const NextEditSuggestion s = ask(loop, engine, provider, doc.uri(), 0);
        REQUIRE(s.edits.size() == 1);
        CHECK(s.edits[0].text == "7");
        // Once the broken stream has ended, nothing more comes of it.
        CHECK(model.control("GET", "/__flint/wait?id=1&for=aborted").at("aborted") == true);
        NextEditSuggestion again;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        do {
            again = ask(loop, engine, provider, doc.uri(), 0);
            loop.poll();
        } while (!again.complete && std::chrono::steady_clock::now() < deadline);
        CHECK(again.complete);
        CHECK(again.edits == s.edits);
        CHECK(engine.stats().modelRequests == 1);
    }
    SECTION("an empty reply does not delete the region") {
        model.control("POST", "/__flint/script", R"({"reply":""})");
        const NextEditSuggestion s = ask(loop, engine, provider, doc.uri(), 0);
        CHECK(s.edits.empty());
        settle(loop, provider);
    }
}

TEST_CASE("next-edit engine: after \"nothing to change\", a new change asks the model again") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    const std::string text = "x = 1\ny = 2\n";
    model.control("POST", "/__flint/script", json::serialize(json::object{{"reply", text}}));
    Provider provider(loop, config(model));
    Workspace workspace;
    Document& doc = workspace.open("file:///w/xy.py", "python", 1, text);
    NextEditEngine engine(workspace, nullptr);
    CHECK(ask(loop, engine, provider, doc.uri(), 0).edits.empty());
    CHECK(ask(loop, engine, provider, doc.uri(), 0).edits.empty());  // the same text: from the store
    CHECK(engine.stats().modelRequests == 1);
    const ContentChange typed{TextRange{{1, 5}, {1, 5}}, "0"};
    doc.applyChanges({&typed, 1}, 2, PositionEncoding::Utf16);
    engine.documentChanged(doc.uri());
    ask(loop, engine, provider, doc.uri(), 0);
    CHECK(engine.stats().modelRequests == 2);
    settle(loop, provider);
}
