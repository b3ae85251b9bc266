// The inline-completion engine without a network: the cache and typed-through
// matching, the adaptive debounce on a hand-driven clock, and the engine against a
// scripted CompletionModel whose streams the test feeds token by token.
#include "suggest/Debounce.h"
#include "suggest/InlineCompletionEngine.h"
#include "suggest/SuggestionCache.h"
#include "support/Clock.h"
#include "workspace/Workspace.h"

#include <catch2/catch.hpp>

using namespace flint;
using namespace std::chrono_literals;

namespace {

CachedSuggestion entryAt(std::string_view text, size_t offset, std::string suggestion, bool complete = true) {
    CachedSuggestion e = anchorAt("file:///a.py", text, offset);
    e.text = std::move(suggestion);
    e.complete = complete;
    return e;
}

} // namespace

TEST_CASE("typed-through matching: typing, backspace, a different character, a moved cursor") {
    const std::string text = "def f(name):\n    return \n\nprint(f('x'))\n";
    const size_t cursor = text.find("return ") + 7;
    const CachedSuggestion e = entryAt(text, cursor, "name.upper()");

    CHECK(typedThrough(e, text, cursor) == 0u);
    // Typing the suggestion's first characters.
    std::string typed = text;
    typed.insert(cursor, "nam");
    CHECK(typedThrough(e, typed, cursor + 3) == 3u);
    CHECK(continuesAt(e, typed, cursor + 3, 3));
    // Backspace: one fewer.
    std::string back = text;
    back.insert(cursor, "na");
    CHECK(typedThrough(e, back, cursor + 2) == 2u);
    // A character the suggestion does not have next.
    std::string other = text;
    other.insert(cursor, "nx");
    CHECK_FALSE(typedThrough(e, other, cursor + 2));
    // The cursor moved (same text, elsewhere).
    CHECK_FALSE(typedThrough(e, text, cursor - 1));
    CHECK_FALSE(typedThrough(e, typed, cursor + 2));
    // The text after the cursor changed.
    std::string after = typed;
    after.insert(cursor + 3 + 1, "#");
    CHECK_FALSE(typedThrough(e, after, cursor + 3));
    // Typed through to the end: matches with nothing left.
    std::string all = text;
    all.insert(cursor, "name.upper()");
    CHECK(typedThrough(e, all, cursor + 12) == 12u);
}

TEST_CASE("typed-through matching: edits beyond the windows do not matter, the file's edges do") {
    std::string text(5000, 'a');
    text += "\nx = ";
    const size_t cursor = text.size();
    text += "\n" + std::string(3000, 'b');
    const CachedSuggestion e = entryAt(text, cursor, "42");
    CHECK_FALSE(e.beforeIsStart);
    CHECK_FALSE(e.afterIsEnd);
    std::string far = text;
    far[10] = 'Z';                // far above: outside `before`
    far[far.size() - 10] = 'Z';  // far below: outside `after`
    CHECK(typedThrough(e, far, cursor) == 0u);
    std::string near = text;
    near[cursor - 100] = 'Z';
    CHECK_FALSE(typedThrough(e, near, cursor));

    // A short file: the whole text is the window, so text added at its start breaks the match.
    const std::string small = "x = ";
    const CachedSuggestion s = entryAt(small, 4, "1");
    CHECK(s.beforeIsStart);
    CHECK(s.afterIsEnd);
    CHECK(typedThrough(s, "x = 1", 5) == 1u);
    CHECK_FALSE(typedThrough(s, "\nx = ", 5));
    CHECK_FALSE(typedThrough(s, "x = \n", 4));
}

TEST_CASE("typed-through matching counts bytes and never splits a character") {
    const std::string text = "s = \"h\xC3\xA9llo \xF0\x9F\x98\x80\" + ";
    const size_t cursor = text.size();
    const CachedSuggestion e = entryAt(text, cursor, "\xF0\x9F\x98\x80 + name");
    std::string typed = text + "\xF0\x9F\x98\x80";
    CHECK(typedThrough(e, typed, typed.size()) == 4u);
    CHECK(std::string_view(e.text).substr(4) == " + name");
}

TEST_CASE("typedFrom tells how far along a suggestion the text is, or that it diverged") {
    const std::string text = "x = \ny = 2\n";
    const CachedSuggestion e = entryAt(text, 4, "compute()");
    CHECK(typedFrom(e, text, 4) == 0u);
    std::string accepted = text;
    accepted.insert(4, "compute()");
    CHECK(typedFrom(e, accepted, 4) == 9u);
    std::string partway = text;
    partway.insert(4, "comp");
    CHECK(typedFrom(e, partway, 4) == 4u);
    std::string diverged = text;
    diverged.insert(4, "comx");
    CHECK_FALSE(typedFrom(e, diverged, 4));
}

TEST_CASE("the cache: LRU by request key, typed-through lookup by document") {
    SuggestionCache cache(2);
    const std::string text = "a = \nb = \n";
    auto one = std::make_shared<CachedSuggestion>(entryAt(text, 4, "1"));
    one->key = 11;
    auto two = std::make_shared<CachedSuggestion>(entryAt(text, 9, "2"));
    two->key = 22;
    cache.insert(one);
    cache.insert(two);
    CHECK(cache.find(11) == one);  // now the most recent
    auto three = std::make_shared<CachedSuggestion>(entryAt(text, 4, "3"));
    three->key = 33;
    cache.insert(three);  // evicts the least recent: two
    CHECK(cache.size() == 2);
    CHECK(cache.find(22) == nullptr);
    // The most recent entry that matches wins.
    auto hit = cache.match("file:///a.py", text, 4);
    REQUIRE(hit);
    CHECK(hit->entry == three);
    CHECK(hit->remainder() == "3");
    CHECK_FALSE(cache.match("file:///b.py", text, 4));
    // Same key again replaces.
    auto again = std::make_shared<CachedSuggestion>(entryAt(text, 4, "4"));
    again->key = 33;
    cache.insert(again);
    CHECK(cache.size() == 2);
    CHECK(cache.find(33) == again);
    cache.eraseDocument("file:///a.py");
    CHECK(cache.size() == 0);

    ModelRequest a;
    a.prefix = "x";
    ModelRequest b = a;
    CHECK(requestKey(a, "m") == requestKey(b, "m"));
    b.suffix = "y";
    CHECK(requestKey(a, "m") != requestKey(b, "m"));
    CHECK(requestKey(a, "m") != requestKey(a, "n"));
    ModelRequest c;
    c.prefix = "xy";
    ModelRequest d;
    d.prefix = "x";
    d.suffix = "y";
    CHECK(requestKey(c, "m") != requestKey(d, "m"));
}

TEST_CASE("the manual clock runs due tasks in order and skips cancelled ones") {
    ManualClock clock;
    std::vector<int> ran;
    CancellationSource keep, drop;
    clock.after(20ms, keep.token(), [&] { ran.push_back(2); });
    clock.after(10ms, keep.token(), [&] {
        ran.push_back(1);
        clock.after(5ms, CancellationToken(), [&] { ran.push_back(15); });
    });
    clock.after(12ms, drop.token(), [&] { ran.push_back(99); });
    drop.cancel();
    clock.advance(9ms);
    CHECK(ran.empty());
    clock.advance(11ms);
    CHECK(ran == std::vector<int>{1, 15, 2});
}

TEST_CASE("debounce: near zero for a fast backend, a pause for a slow one, fixed on request") {
    ManualClock clock;
    AdaptiveDebounce d;
    CHECK(d.delay() == 0ms);  // nothing measured: go at once and measure
    for (int i = 0; i < 10; ++i) {
        d.keystroke(clock.now());
        clock.advance(150ms);
    }
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(d.typingInterval()) == 150ms);
    d.firstToken(20ms);  // a 1,000 tok/s backend
    CHECK(d.delay() == 0ms);

    AdaptiveDebounce slow = d;
    for (int i = 0; i < 20; ++i) slow.firstToken(600ms);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(slow.delay());
    CHECK(wait >= 175ms);
    CHECK(wait <= 185ms);  // 1.2 x 150 ms

    AdaptiveDebounce middle = d;
    for (int i = 0; i < 30; ++i) middle.firstToken(93750us);  // ratio 0.625: half way
    const auto half = std::chrono::duration_cast<std::chrono::milliseconds>(middle.delay());
    CHECK(half >= 85ms);
    CHECK(half <= 95ms);

    // A pause is not rhythm; a burst faster than 30 ms counts as 30 ms.
    AdaptiveDebounce pauses = d;
    pauses.keystroke(clock.now() + 5s);
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(pauses.typingInterval()) == 150ms);

    slow.configure({.fixed = std::nullopt, .floor = 0ms, .ceiling = 100ms});
    CHECK(slow.delay() == 100ms);
    slow.configure({.fixed = 42ms});
    CHECK(slow.delay() == 42ms);
}

// ---------------------------------------------------------------------------------------
// The engine against a scripted model

namespace {

class ScriptedModel final : public CompletionModel {
public:
    struct Call final : ProviderCall {
        ModelRequest request;
        std::function<void(const StreamUpdate&)> onUpdate;
        bool cancelled = false;
        bool ended = false;
        bool invoked = false;
        void cancel() override { cancelled = true; }
    };

    const WireFormat* format() override { return configured ? findWireFormat("openai-completions") : nullptr; }
    std::string identity() override { return name; }
    std::shared_ptr<ProviderCall> stream(ModelRequest request, std::function<void(const StreamUpdate&)> onUpdate,
                                         bool invoked) override {
        auto call = std::make_shared<Call>();
        call->request = std::move(request);
        call->invoked = invoked;
        call->onUpdate = std::move(onUpdate);
        calls.push_back(call);
        return call;
    }

    // Feeds call `i` a token (nothing reaches a cancelled stream, as with Provider).
    void token(size_t i, std::string text) {
        REQUIRE(i < calls.size());
        if (calls[i]->cancelled || calls[i]->ended) return;
        StreamUpdate update;
        update.text = std::move(text);
        calls[i]->onUpdate(update);
    }
    void end(size_t i, StreamUpdate::End how = StreamUpdate::End::Stop) {
        REQUIRE(i < calls.size());
        if (calls[i]->cancelled || calls[i]->ended) return;
        calls[i]->ended = true;
        StreamUpdate update;
        update.model = "scripted-model";
        update.end = how;
        if (how == StreamUpdate::End::Error) update.error = "boom";
        calls[i]->onUpdate(update);
    }

    bool configured = true;
    std::string name = "scripted";
    std::vector<std::shared_ptr<Call>> calls;
};

// Tests of scheduling stream token by token in plain text, where only shaping's text
// rules apply; in a language with a grammar a partial grows by whole words that parse
// (tested on its own below and in ShapingTests).
enum class Syntax { Python, PlainText };

struct Session {
    const std::string uri;
    Workspace workspace;
    ScriptedModel model;
    ManualClock clock;
    InlineCompletionEngine engine{workspace, model, clock};
    int64_t version = 1;

    explicit Session(std::string text, Syntax syntax = Syntax::Python)
        : uri(syntax == Syntax::Python ? "file:///a.py" : "file:///a.txt") {
        workspace.open(uri, syntax == Syntax::Python ? "python" : "plaintext", version, std::move(text));
        engine.configure({});
    }
    const std::string& text() { return workspace.find(uri)->text().str(); }

    // Inserts at a byte offset, as a didChange would.
    void insert(size_t offset, std::string_view s) { replace(offset, offset, s); }
    void replace(size_t start, size_t end, std::string_view s) {
        const Text& t = workspace.find(uri)->text();
        const ContentChange change{TextRange{t.positionAt(start, PositionEncoding::Utf8), t.positionAt(end, PositionEncoding::Utf8)},
                                   std::string(s)};
        REQUIRE(workspace.change(uri, ++version, {&change, 1}, PositionEncoding::Utf8).empty());
        engine.documentChanged(uri);
    }

    struct Answer {
        std::vector<SuggestionUpdate> updates;
        bool done() const { return !updates.empty() && updates.back().done; }
        const SuggestionUpdate& last() const { return updates.back(); }
    };
    std::shared_ptr<Answer> ask(size_t offset, TriggerKind trigger = TriggerKind::Invoked, CancellationToken token = {}) {
        auto answer = std::make_shared<Answer>();
        engine.request({.uri = uri, .offset = offset, .trigger = trigger}, token,
                       [answer](const SuggestionUpdate& u) {
                           // The contract: nothing after done, and done only once.
                           REQUIRE_FALSE(answer->done());
                           answer->updates.push_back(u);
                       });
        return answer;
    }
};

const std::string kSource = "def shout(name):\n    return \n\nprint(shout('x'))\n";
const size_t kCursor = kSource.find("return ") + 7;

} // namespace

TEST_CASE("engine: a model answer streams, then the same place is answered from the cache") {
    Session s(kSource, Syntax::PlainText);
    auto first = s.ask(kCursor);
    REQUIRE(s.model.calls.size() == 1);
    CHECK(s.model.calls[0]->request.prefix.ends_with("    return "));
    s.model.token(0, "name.");
    s.model.token(0, "upper()");
    REQUIRE(first->updates.size() == 2);
    CHECK(first->updates[0].text == "name.");
    CHECK(first->updates[1].text == "name.upper()");
    CHECK_FALSE(first->done());
    s.model.end(0);
    REQUIRE(first->done());
    CHECK(first->last().text == "name.upper()");
    CHECK(first->last().model == "scripted-model");
    CHECK_FALSE(first->last().cached);

    auto again = s.ask(kCursor);
    CHECK(s.model.calls.size() == 1);  // no model call
    REQUIRE(again->done());
    CHECK(again->updates.size() == 1);
    CHECK(again->last().text == "name.upper()");
    CHECK(again->last().cached);
    CHECK(s.engine.stats().cacheHits == 1);
    CHECK(s.engine.stats().modelRequests == 1);
}

TEST_CASE("engine: typing the start of a finished suggestion is answered with the rest, no model call") {
    Session s(kSource);
    auto first = s.ask(kCursor);
    s.model.token(0, "name.upper()");
    s.model.end(0);
    s.insert(kCursor, "na");
    auto typed = s.ask(kCursor + 2);
    REQUIRE(typed->done());
    CHECK(typed->last().text == "me.upper()");
    // Backspace: one character less typed, one more left.
    s.replace(kCursor + 1, kCursor + 2, "");
    auto back = s.ask(kCursor + 1);
    REQUIRE(back->done());
    CHECK(back->last().text == "ame.upper()");
    CHECK(s.model.calls.size() == 1);
    CHECK(s.engine.stats().typedThroughHits == 2);

    // A different character: the cache has nothing that fits, the model is asked.
    s.insert(kCursor + 1, "x");
    auto other = s.ask(kCursor + 2);
    CHECK(s.model.calls.size() == 2);
    CHECK(other->updates.empty());
}

TEST_CASE("engine: a request typed through a suggestion still streaming attaches to the stream") {
    Session s(kSource, Syntax::PlainText);
    auto first = s.ask(kCursor);
    s.model.token(0, "name.up");
    REQUIRE(first->updates.size() == 1);
    s.insert(kCursor, "n");
    // The first request was for the text before the keystroke: it ends, with no text.
    REQUIRE(first->done());
    CHECK(first->last().cancelled);
    CHECK(first->last().text.empty());
    CHECK_FALSE(s.model.calls[0]->cancelled);  // the stream keeps going into the cache

    auto typed = s.ask(kCursor + 1);
    CHECK(s.model.calls.size() == 1);
    REQUIRE(typed->updates.size() == 1);
    CHECK(typed->updates[0].text == "ame.up");
    CHECK(typed->updates[0].cached);
    s.model.token(0, "per()");
    CHECK(typed->updates.back().text == "ame.upper()");
    s.model.end(0);
    REQUIRE(typed->done());
    CHECK(typed->last().text == "ame.upper()");
    CHECK(s.engine.stats().liveHits == 1);
}

TEST_CASE("engine: a request that needs the model supersedes the stream running for the document") {
    Session s(kSource, Syntax::PlainText);
    auto first = s.ask(kCursor);
    s.model.token(0, "name");
    s.insert(kCursor, "x");  // not the suggestion
    CHECK(first->last().cancelled);
    auto second = s.ask(kCursor + 1);
    REQUIRE(s.model.calls.size() == 2);
    CHECK(s.model.calls[0]->cancelled);  // closed on the wire
    s.model.token(1, " = 1");
    CHECK(second->updates.back().text == " = 1");
    // The first request got nothing more after it was cancelled.
    CHECK(first->updates.size() == 2);
    // The superseded stream's partial text is not served as if it were whole.
    s.replace(kCursor, kCursor + 1, "");
    auto back = s.ask(kCursor);
    CHECK(s.model.calls.size() == 3);
}

TEST_CASE("engine: shaping runs on every streamed step, and keeps its syntax rules while the user types through") {
    const std::string source =
        "class Greeter:\n"
        "    def greet(self, name):\n"
        "        message = 'hello ' + name\n"
        "        \n"
        "\n"
        "    def wave(self):\n"
        "        return 'wave'\n";
    Session s(source);
    const size_t cursor = source.find("        \n") + 8;
    auto first = s.ask(cursor);
    REQUIRE(s.model.calls.size() == 1);
    // On a blank line in a block: several lines may come.
    CHECK(s.model.calls[0]->request.maxTokens == InlineSettings{}.maxTokensMultiLine);
    s.model.token(0, "return mess");
    CHECK(first->updates.empty());  // a new line is shown once it is whole
    s.model.token(0, "age\n");
    REQUIRE(first->updates.size() == 1);
    CHECK(first->updates[0].text == "return message");
    CHECK(first->updates[0].lineDone);

    // The user types the start of it: the stream goes on for the typed-through request,
    // shaped for the text it was asked for (the document has moved on).
    s.insert(cursor, "ret");
    REQUIRE(first->done());
    auto typed = s.ask(cursor + 3);
    REQUIRE(s.model.calls.size() == 1);
    REQUIRE_FALSE(typed->updates.empty());
    CHECK(typed->updates.back().text == "urn message");
    s.model.token(0, "\n    def shout(self):\n");
    s.model.token(0, "        return 'hey'\n");
    // The block ended before `def shout`: nothing later can change the suggestion, so the
    // stream is closed and the answer is whole.
    CHECK(s.model.calls[0]->cancelled);
    REQUIRE(typed->done());
    CHECK(typed->last().text == "urn message");
    for (size_t i = 1; i < typed->updates.size(); ++i)
        CHECK(typed->updates[i].text.starts_with(typed->updates[i - 1].text));
}

TEST_CASE("engine: code after the cursor on its line asks for one line and closes the stream at a closer it already has") {
    const std::string source = "def f(a, b):\n    return compute() + 1\n";
    Session s(source);
    const size_t cursor = source.find("()") + 1;
    auto answer = s.ask(cursor);
    REQUIRE(s.model.calls.size() == 1);
    CHECK(s.model.calls[0]->request.maxTokens == InlineSettings{}.maxTokensSingleLine);
    s.model.token(0, "a, b) + 1\n    return");
    // The `)` is the one after the cursor: the suggestion ends before it, and the stream
    // is closed there.
    CHECK(s.model.calls[0]->cancelled);
    REQUIRE(answer->done());
    CHECK(answer->last().text == "a, b");
}

TEST_CASE("engine: a reply that only adds a syntax error ends as no suggestion, and is not cached") {
    const std::string source = "def scale(values, factor):\n    result = \n    return result\n";
    Session s(source);
    const size_t cursor = source.find("result = ") + 9;
    auto answer = s.ask(cursor);
    s.model.token(0, "[v * factor for v in values if]\n");
    s.model.end(0);
    REQUIRE(answer->done());
    CHECK(answer->last().text.empty());
    for (const SuggestionUpdate& u : answer->updates)
        CHECK(u.text.empty());
    auto again = s.ask(cursor);
    CHECK(s.model.calls.size() == 2);  // nothing was cached for it
}

TEST_CASE("engine: a cancelled token ends the request but the stream fills the cache") {
    Session s(kSource);
    CancellationSource source;
    auto first = s.ask(kCursor, TriggerKind::Invoked, source.token());
    s.model.token(0, "name");
    source.cancel();
    REQUIRE(first->done());
    CHECK(first->last().cancelled);
    CHECK_FALSE(s.model.calls[0]->cancelled);
    s.model.token(0, ".title()");
    s.model.end(0);
    auto again = s.ask(kCursor);
    REQUIRE(again->done());
    CHECK(again->last().text == "name.title()");
    CHECK(s.model.calls.size() == 1);
}

TEST_CASE("engine: failed streams are not cached and say why") {
    Session s(kSource);
    auto first = s.ask(kCursor);
    s.model.token(0, "name");
    s.model.end(0, StreamUpdate::End::Error);
    REQUIRE(first->done());
    CHECK(first->last().text.empty());
    CHECK(first->last().error == "boom");
    s.ask(kCursor);
    CHECK(s.model.calls.size() == 2);
}

TEST_CASE("engine: a stream that breaks off offers none of its text as whole, and is not cached") {
    // A dropped connection or a reply over the size cap ends Truncated: shaping the text
    // so far would end the suggestion at the word the model was writing.
    Session s(kSource);
    auto first = s.ask(kCursor);
    s.model.token(0, "name.ti");
    s.model.end(0, StreamUpdate::End::Truncated);
    REQUIRE(first->done());
    CHECK(first->last().text.empty());
    CHECK(first->last().error == "the stream broke off");
    s.ask(kCursor);
    CHECK(s.model.calls.size() == 2);
}

TEST_CASE("engine: automatic requests wait out the debounce, newer ones replace them before the model is asked") {
    Session s(kSource);
    // Teach it a slow backend and a 100 ms typing rhythm.
    auto warm = s.ask(kCursor);
    s.clock.advance(500ms);
    s.model.token(0, "name");
    s.model.end(0);
    for (int i = 0; i < 5; ++i) {
        s.insert(kCursor, "#");
        s.clock.advance(100ms);
    }
    const auto wait = s.engine.debounce().delay();
    REQUIRE(wait > 100ms);

    const size_t at = kCursor + 5;
    auto a = s.ask(at, TriggerKind::Automatic);
    CHECK(s.model.calls.size() == 1);
    s.clock.advance(wait / 2);
    auto b = s.ask(at, TriggerKind::Automatic);
    REQUIRE(a->done());
    CHECK(a->last().cancelled);
    CHECK(s.engine.stats().debounced == 1);
    s.clock.advance(wait - 1ms);
    CHECK(s.model.calls.size() == 1);
    s.clock.advance(1ms);
    CHECK(s.model.calls.size() == 2);
    CHECK_FALSE(s.model.calls[1]->invoked);  // automatic: budgets may pause it
    // An invoked request never waits, and goes as invoked.
    s.insert(at, "y");
    s.ask(at + 1, TriggerKind::Invoked);
    CHECK(s.model.calls.size() == 3);
    CHECK(s.model.calls[2]->invoked);
}

TEST_CASE("engine: after a suggestion is shown the next one is prefetched as if accepted") {
    Session s(kSource);
    auto first = s.ask(kCursor);
    s.model.token(0, "name.upper()");
    s.model.end(0);
    const std::string id = first->last().id;
    s.engine.shown(id);
    REQUIRE(s.model.calls.size() == 2);
    // The prefetch's prompt has the suggestion in place; nobody asked for it yet.
    CHECK(s.model.calls[1]->request.prefix.ends_with("    return name.upper()"));
    CHECK(s.model.calls[0]->invoked);
    CHECK_FALSE(s.model.calls[1]->invoked);
    s.model.token(1, " + \"!\"");
    s.model.end(1);
    CHECK(s.engine.stats().prefetches == 1);

    // The user accepts: the editor inserts it, then asks at its end: served from the prefetch.
    s.insert(kCursor, "name.upper()");
    s.engine.accepted(id);
    auto next = s.ask(kCursor + 12);
    CHECK(s.model.calls.size() == 2);
    REQUIRE(next->done());
    CHECK(next->last().text == " + \"!\"");
    CHECK(s.engine.stats().prefetchHits == 1);
    CHECK(s.engine.stats().accepted == 1);
    CHECK(s.engine.stats().shown == 1);
    CHECK(s.engine.stats().rejected == 0);
}

TEST_CASE("engine: a prefetch is cancelled when the user diverges, and kept while they type toward it") {
    Session s(kSource);
    auto first = s.ask(kCursor);
    s.model.token(0, "name.upper()");
    s.model.end(0);
    s.engine.shown(first->last().id);
    REQUIRE(s.model.calls.size() == 2);
    s.model.token(1, " + 1");
    s.insert(kCursor, "name");  // typing toward it
    CHECK_FALSE(s.model.calls[1]->cancelled);
    s.insert(kCursor + 4, "?");  // not the suggestion
    CHECK(s.model.calls[1]->cancelled);
    CHECK(s.engine.stats().streamsCancelled == 1);
}

TEST_CASE("engine: a suggestion shown while streaming is prefetched after once it ends, the budget holds") {
    Session s(kSource, Syntax::PlainText);
    InlineSettings settings;
    settings.prefetchPerMinute = 1;
    s.engine.configure(settings);
    auto first = s.ask(kCursor);
    s.model.token(0, "name");
    s.engine.shown(first->updates.back().id);
    CHECK(s.model.calls.size() == 1);
    s.model.token(0, ".lower()");
    s.model.end(0);
    REQUIRE(s.model.calls.size() == 2);
    CHECK(s.model.calls[1]->request.prefix.ends_with("return name.lower()"));

    // Elsewhere, a second shown suggestion: over the budget, no prefetch.
    const size_t end = s.text().size();
    auto second = s.ask(end);
    REQUIRE(s.model.calls.size() == 3);
    s.model.token(2, "print(1)");
    s.model.end(2);
    s.engine.shown(second->last().id);
    CHECK(s.model.calls.size() == 3);
    CHECK(s.engine.stats().prefetchesSkipped == 1);
    // A minute later the budget has room again.
    s.clock.advance(61s);
    s.engine.accepted(second->last().id);
    CHECK(s.model.calls.size() == 4);
}

TEST_CASE("engine: acceptance statistics count each suggestion once") {
    Session s(kSource);
    InlineSettings settings;
    settings.prefetch = false;
    s.engine.configure(settings);
    auto a = s.ask(kCursor);
    s.model.token(0, "name.upper()");
    s.model.end(0);
    s.engine.shown(a->last().id);
    // Typed through and shown again: the same suggestion.
    s.insert(kCursor, "n");
    auto b = s.ask(kCursor + 1);
    s.engine.shown(b->last().id);
    s.engine.partiallyAccepted(b->last().id, 4);
    CHECK(s.engine.stats().shown == 1);
    CHECK(s.engine.stats().partiallyAccepted == 1);
    CHECK(s.engine.suggestionText(b->last().id) == "ame.upper()");

    // Another suggestion, shown, then replaced by a different one: rejected.
    s.insert(kCursor + 1, "?");
    auto c = s.ask(kCursor + 2);
    s.model.token(1, "x");
    s.model.end(1);
    s.engine.shown(c->last().id);
    s.insert(kCursor + 2, "!");
    auto d = s.ask(kCursor + 3);
    CHECK(s.engine.stats().shown == 2);
    CHECK(s.engine.stats().rejected == 1);
    s.model.token(2, "y");
    s.model.end(2);
    s.engine.shown(d->last().id);
    s.engine.accepted(d->last().id);
    s.engine.documentClosed(s.uri);
    CHECK(s.engine.stats().accepted == 1);
    CHECK(s.engine.stats().rejected == 1);  // accepted ones are not rejected on close
}

TEST_CASE("engine: with no model, the workspace engine answers at once") {
    Session s("    return name.up");
    s.model.configured = false;
    s.workspace.open("file:///util.py", "python", 1, "def shout(name):\n    return name.upper() + \"!\"\n");
    auto answer = s.ask(18, TriggerKind::Automatic);
    REQUIRE(answer->done());
    CHECK(answer->last().source == SuggestionUpdate::Source::Workspace);
    CHECK(answer->last().text == "per() + \"!\"");
    CHECK(answer->last().fromUri == "file:///util.py");
    CHECK(s.model.calls.empty());
}

TEST_CASE("engine: another model takes over: the old one's streams stop and its answers go") {
    Session s(kSource);
    auto first = s.ask(kCursor);
    s.model.token(0, "name");
    s.model.end(0);
    auto second = s.ask(s.text().size());
    s.model.token(1, "pri");
    s.model.name = "another";
    auto third = s.ask(kCursor);
    CHECK(s.model.calls[1]->cancelled);
    REQUIRE(second->done());
    CHECK(second->last().cancelled);
    REQUIRE(s.model.calls.size() == 3);  // not served from the old model's answer
}

TEST_CASE("a what-if copy of a document: the insertion applied, its tree updated, the original untouched") {
    const std::string source = "class A:\n    def f(self):\n        return \n";
    Document doc("file:///a.py", "python", 3, source);
    const size_t at = source.find("return ") + 7;
    const auto copy = doc.withInsertion(at, "self.g()\n\n    def g(self):\n        pass");
    CHECK(doc.text().str() == source);
    CHECK(copy->version() == 3);
    CHECK(copy->text().str() == "class A:\n    def f(self):\n        return self.g()\n\n    def g(self):\n        pass\n");
    const Document fresh("file:///a.py", "python", 3, copy->text().str());
    const uint32_t inG = static_cast<uint32_t>(copy->text().str().find("pass"));
    std::vector<std::string> viaCopy, viaFresh;
    for (const Scope& s : copy->syntax()->scopesAt(inG, copy->text().str())) viaCopy.push_back(s.kind + " " + s.name);
    for (const Scope& s : fresh.syntax()->scopesAt(inG, fresh.text().str())) viaFresh.push_back(s.kind + " " + s.name);
    CHECK(viaCopy == viaFresh);
    CHECK(viaCopy.back() == "method g");
    CHECK_FALSE(copy->syntax()->hasErrors());
    CHECK(doc.syntax()->scopesAt(inG, doc.text().str()).empty());  // the original's tree knows no g
}

TEST_CASE("engine: statistics time each model stream's first token and Flint's own share") {
    Session s(kSource);
    auto first = s.ask(kCursor);
    REQUIRE(s.model.calls.size() == 1);
    s.clock.advance(250ms);
    s.model.token(0, "name");
    s.model.end(0);
    REQUIRE(first->done());
    const InlineStats& stats = s.engine.stats();
    REQUIRE(stats.timeToFirstTokenMs.size() == 1);
    CHECK(*stats.timeToFirstTokenMs.quantile(0.5) == Approx(250.0));
    // The manual clock stands still while Flint works: its share is measured, and zero here.
    REQUIRE(stats.addedMs.size() == 1);
    CHECK(*stats.addedMs.quantile(0.5) == 0.0);

    auto cached = s.ask(kCursor);  // a cache hit: no model stream, nothing timed
    REQUIRE(cached->done());
    CHECK(stats.timeToFirstTokenMs.count() == 1);
    CHECK(stats.addedMs.count() == 1);
}

TEST_CASE("engine: settings for a slow model make a multi-line place single-line with the short token cap") {
    Session s(kSource);
    InlineSettings settings;
    settings.maxTokensSingleLine = 32;
    settings.maxTokensMultiLine = 200;
    s.engine.configure(settings);
    s.ask(kCursor);
    REQUIRE(s.model.calls.size() == 1);
    CHECK(s.model.calls[0]->request.maxTokens == 200);  // the end of a line: multi-line

    s.engine.configure(adaptedToSlowModel(settings));
    s.insert(kCursor, " ");
    s.ask(kCursor + 1);
    REQUIRE(s.model.calls.size() == 2);
    CHECK(s.model.calls[1]->request.maxTokens == 32);
    // Single-line: the stream is closed once a line is complete.
    s.model.token(1, "name\n");
    s.model.token(1, "    more");
    CHECK(s.model.calls[1]->cancelled);
}
