// Next-edit's pure parts: the edit history's grouping, the editable region per
// language, prompt templates and formats (goldens), the reply reader, rebasing a
// stored prediction onto typing, the token budget and path globs.
#include "Golden.h"
#include "context/ContextSources.h"
#include "context/EditRegion.h"
#include "context/NextEditContext.h"
#include "suggest/NextEditEngine.h"
#include "suggest/NextEditPrompt.h"
#include "suggest/RenderTemplate.h"
#include "suggest/RegionPrediction.h"
#include "workspace/Workspace.h"

#include <catch2/catch.hpp>

using namespace flint;
using namespace std::chrono_literals;

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// A clock the test moves by hand.
struct ManualClock {
    std::shared_ptr<TimePoint> now = std::make_shared<TimePoint>(std::chrono::steady_clock::now());
    EditHistory::Clock clock() const {
        return [now = now] { return *now; };
    }
    void advance(std::chrono::milliseconds by) { *now += by; }
};

// Replaces the first occurrence of `find` at or after line `line` (zero-based) with
// `replace`, as one incremental didChange.
void change(Document& doc, std::string_view find, std::string_view replace, uint32_t fromLine = 0) {
    const std::string& text = doc.text().str();
    const size_t at = text.find(find, doc.text().lineStart(fromLine));
    REQUIRE(at != std::string::npos);
    const ContentChange c{TextRange{doc.text().positionAt(at, PositionEncoding::Utf16),
                                    doc.text().positionAt(at + find.size(), PositionEncoding::Utf16)},
                          std::string(replace)};
    doc.applyChanges({&c, 1}, doc.version() + 1, PositionEncoding::Utf16);
}

// Types `text` one character at a time at byte `offset`.
void type(Document& doc, size_t offset, std::string_view text, ManualClock& clock) {
    for (char c : text) {
        const TextPosition p = doc.text().positionAt(offset, PositionEncoding::Utf8);
        const ContentChange ch{TextRange{p, p}, std::string(1, c)};
        doc.applyChanges({&ch, 1}, doc.version() + 1, PositionEncoding::Utf8);
        ++offset;
        clock.advance(80ms);
    }
}

std::string renderEvents(const Document& doc) {
    std::string out;
    for (const EditEvent& e : doc.history().events(doc.text())) {
        if (e.kind == EditEvent::Kind::Accepted) out += "-- accepted: " + e.note + "\n";
        else out += "-- edit at line " + std::to_string(e.line + 1) + "\n" + renderEventDiff(e);
    }
    return out.empty() ? "(no events)\n" : out;
}

std::string numbered(std::string_view text, uint32_t from) {
    std::string out;
    size_t start = 0;
    for (uint32_t line = from; start < text.size(); ++line) {
        size_t eol = text.find('\n', start);
        if (eol == std::string_view::npos) eol = text.size();
        const std::string n = std::to_string(line + 1);
        out += std::string(4 - std::min<size_t>(4, n.size()), ' ') + n + "| " + std::string(text.substr(start, eol - start)) + "\n";
        start = eol + 1;
    }
    return out;
}

std::string fixtureText(const std::string& relative) {
    return test::readTextFile(std::string(FLINT_TEST_FIXTURES) + "/" + relative);
}

} // namespace

// ---------------------------------------------------------------------------------------
// Edit history

TEST_CASE("edit history: grouping by place and time, the last six kept (golden)") {
    std::string source;
    for (int i = 1; i <= 40; ++i) source += "value_" + std::to_string(i) + " = compute(" + std::to_string(i) + ")\n";
    std::string rendered;
    auto scenario = [&](const std::string& name, auto&& steps) {
        Document doc("file:///w/values.py", "python", 1, source);
        ManualClock clock;
        doc.history().setClock(clock.clock());
        steps(doc, clock);
        rendered += "=== " + name + "\n" + renderEvents(doc);
    };

    scenario("a word typed a character at a time is one event", [](Document& doc, ManualClock& clock) {
        type(doc, doc.text().lineStart(2) + 7, "_total", clock);
    });
    scenario("edits a few lines apart within a second join one event", [](Document& doc, ManualClock& clock) {
        change(doc, "value_3 ", "count_3 ");
        clock.advance(300ms);
        change(doc, "value_6 ", "count_6 ");
        clock.advance(300ms);
        change(doc, "value_9 ", "count_9 ");
    });
    scenario("an edit more than eight lines away starts a new event", [](Document& doc, ManualClock& clock) {
        change(doc, "value_3 ", "count_3 ");
        clock.advance(100ms);
        change(doc, "value_30 ", "count_30 ");
    });
    scenario("a pause of a second starts a new event at the same place", [](Document& doc, ManualClock& clock) {
        change(doc, "compute(5)", "compute(50)");
        clock.advance(1500ms);
        change(doc, "compute(50)", "compute(500)");
    });
    scenario("typed and then deleted again: nothing to tell", [](Document& doc, ManualClock& clock) {
        type(doc, doc.text().lineStart(4), "xyz", clock);
        for (int i = 0; i < 3; ++i) {
            const ContentChange del{TextRange{{4, 0}, {4, 1}}, ""};
            doc.applyChanges({&del, 1}, doc.version() + 1, PositionEncoding::Utf16);
        }
    });
    scenario("lines inserted and removed", [](Document& doc, ManualClock& clock) {
        change(doc, "value_10 = compute(10)\n", "value_10 = compute(10)\nlog(value_10)\n");
        clock.advance(200ms);
        change(doc, "value_12 = compute(12)\n", "");
    });
    scenario("eight events: the oldest two are forgotten", [](Document& doc, ManualClock& clock) {
        for (int i = 1; i <= 8; ++i) {
            change(doc, "compute(" + std::to_string(i * 4) + ")", "compute(-" + std::to_string(i * 4) + ")");
            clock.advance(2s);
        }
    });
    scenario("an accepted suggestion closes the event and is marked", [](Document& doc, ManualClock& clock) {
        change(doc, "value_7 ", "count_7 ");
        clock.advance(100ms);
        change(doc, "value_8 ", "count_8 ");
        doc.history().markAccepted("the edit at line 8 of values.py", doc.text());
        clock.advance(100ms);
        change(doc, "value_9 ", "count_9 ");
    });
    scenario("a full-text change is recorded as the part that differs", [](Document& doc, ManualClock&) {
        std::string text = doc.text().str();
        text.replace(text.find("compute(15)"), 11, "compute(15, fast=True)");
        const ContentChange whole{std::nullopt, text};
        doc.applyChanges({&whole, 1}, doc.version() + 1, PositionEncoding::Utf16);
    });
    CHECK_GOLDEN("nextedit/history.golden", rendered);
}

TEST_CASE("edit history: raw replacements for followers, and what is forgotten") {
    Document doc("file:///a.py", "python", 1, "x = 1\n");
    EditHistory& history = doc.history();
    const uint64_t start = history.revision();
    change(doc, "1", "2");
    change(doc, "x", "y");
    auto since = history.replacementsSince(start);
    REQUIRE(since);
    REQUIRE(since->size() == 2);
    CHECK((*since)[0] == TextReplacement{4, "1", "2"});
    CHECK((*since)[1] == TextReplacement{0, "x", "y"});
    CHECK(history.replacementsSince(history.revision())->empty());
    CHECK_FALSE(history.replacementsSince(history.revision() + 1));
    for (int i = 0; i < 300; ++i) change(doc, "y", i % 2 ? "y" : "y");
    CHECK_FALSE(history.replacementsSince(start));  // more than are kept
}

// ---------------------------------------------------------------------------------------
// Editable region

TEST_CASE("editable region per language: whole statements around the cursor (golden)") {
    struct Case {
        const char* file;
        const char* languageId;
        uint32_t line;  // 1-based, the cursor at the line's first non-blank character
        uint32_t maxLines;
    };
    const Case cases[] = {
        {"python/sample.py", "python", 35, 20}, {"python/sample.py", "python", 35, 6},
        {"python/sample.py", "python", 42, 8},  {"python/sample.py", "python", 53, 5},
        {"typescript/sample.ts", "typescript", 33, 20}, {"typescript/sample.ts", "typescript", 33, 4},
        {"typescript/sample.ts", "typescript", 17, 6},  {"typescript/sample.ts", "typescript", 44, 3},
        {"cpp/sample.cpp", "cpp", 47, 20}, {"cpp/sample.cpp", "cpp", 47, 5},
        {"cpp/sample.cpp", "cpp", 28, 6},  {"cpp/sample.cpp", "cpp", 17, 3},
        {"go/sample.go", "go", 40, 20}, {"go/sample.go", "go", 40, 4},
        {"go/sample.go", "go", 47, 6},  {"go/sample.go", "go", 6, 3},
        {"rust/sample.rs", "rust", 33, 20}, {"rust/sample.rs", "rust", 33, 4},
        {"rust/sample.rs", "rust", 49, 6},  {"rust/sample.rs", "rust", 20, 3},
        {"java/Sample.java", "java", 20, 6}, {"c/sample.c", "c", 39, 6},
        {"javascript/sample.js", "javascript", 21, 6}, {"bash/sample.sh", "shellscript", 26, 5},
        {"json/sample.json", "json", 13, 4},
    };
    std::string rendered;
    for (const Case& c : cases) {
        const std::string source = fixtureText(std::string("languages/") + c.file);
        Document doc(std::string("file:///fixtures/") + c.file, c.languageId, 1, source);
        const Text& text = doc.text();
        const std::string_view lineText = text.lineContent(c.line - 1);
        const size_t cursor = text.lineStart(c.line - 1) + std::min(lineText.find_first_not_of(" \t"), lineText.size());
        const EditRegion region = selectEditRegion(doc, cursor, {.maxLines = c.maxLines});
        INFO(c.file << " line " << c.line);
        CHECK(region.start <= cursor);
        CHECK(cursor <= region.end);
        CHECK(region.endLine - region.firstLine <= c.maxLines);
        CHECK(region.start == text.lineStart(region.firstLine));
        rendered += "=== " + std::string(c.file) + ", cursor on line " + std::to_string(c.line) + ", at most " +
                    std::to_string(c.maxLines) + " lines: lines " + std::to_string(region.firstLine + 1) + "-" +
                    std::to_string(region.endLine) + "\n" +
                    numbered(std::string_view(text.str()).substr(region.start, region.end - region.start), region.firstLine);
    }
    CHECK_GOLDEN("nextedit/regions.golden", rendered);
}

TEST_CASE("editable region without a grammar: lines around the cursor, more below") {
    std::string source;
    for (int i = 1; i <= 50; ++i) source += "line " + std::to_string(i) + "\n";
    Document doc("file:///notes.txt", "plaintext", 1, source);
    const EditRegion region = selectEditRegion(doc, doc.text().lineStart(24), {.maxLines = 9});
    CHECK(region.firstLine == 22);  // two lines above the cursor line, six below
    CHECK(region.endLine == 31);
}

// ---------------------------------------------------------------------------------------
// Templates and formats

TEST_CASE("prompt templates: values, lists, conditions, standalone tags") {
    TemplateValues v;
    v.set("name", "flint").set("empty", "");
    v.add("items").set("x", "a");
    v.add("items").set("x", "b");
    CHECK(renderTemplate("hi {{name}}{{missing}}!", v) == "hi flint!");
    CHECK(renderTemplate("{{#items}}[{{x}}:{{name}}]{{/items}}", v) == "[a:flint][b:flint]");
    CHECK(renderTemplate("{{#empty}}no{{/empty}}{{^empty}}yes{{/empty}}{{#name}}+{{/name}}", v) == "yes+");
    CHECK(renderTemplate("{{^items}}none{{/items}}{{^nothing}}none{{/nothing}}", v) == "none");
    CHECK(renderTemplate("a\n{{#items}}\n- {{x}}\n{{/items}}\nb\n", v) == "a\n- a\n- b\nb\n");
    CHECK(renderTemplate("  {{#name}}  \nkept\n  {{/name}}\n", v) == "kept\n");
    std::string error;
    renderTemplate("{{#open}}never closed", v, &error);
    CHECK(error == "unclosed {{#open}}");
    renderTemplate("{{/stray}}", v, &error);
    CHECK(error == "unexpected {{/stray}}");
}

TEST_CASE("next-edit formats: every built-in one parses, bad ones say why") {
    const auto names = nextEditFormatNames();
    CHECK(names == std::vector<std::string_view>{"chat", "qwen", "zeta"});
    for (std::string_view name : names) {
        const NextEditFormat* format = findNextEditFormat(name);
        REQUIRE(format);
        CHECK(!format->cursor.empty());
    }
    CHECK(findNextEditFormat("chat")->prediction == "{{regionPlain}}");
    CHECK(defaultNextEditFormat("openai-chat") == "chat");
    CHECK(defaultNextEditFormat("ollama") == "zeta");
    CHECK(defaultNextEditFormat("llama-infill").empty());

    std::string error;
    CHECK_FALSE(parseNextEditFormat("x", "[format]\ncursor = <c>\n", error));
    CHECK(error == "a format has either [user] (chat) or [prompt] (raw)");
    CHECK_FALSE(parseNextEditFormat("x", "[format]\nmystery = 1\n[prompt]\nhi\n", error));
    CHECK(error == "[format]: unknown key mystery");
    CHECK_FALSE(parseNextEditFormat("x", "[format]\ncursor = <c>\n[prompt]\n{{#a}}\n", error));
    CHECK(error == "unclosed {{#a}}");
    const auto ok = parseNextEditFormat("x", "; comment\n[format]\ncursor = <c>\nreplyStart = <s>\\n\n[prompt]\nhi {{path}}\n\n", error);
    REQUIRE(ok);
    CHECK(ok->replyStart == "<s>\n");
    CHECK(ok->prompt == "hi {{path}}\n");
}

TEST_CASE("next-edit prompts in each format (golden)") {
    Workspace workspace;
    const std::string other = "def total(items):\n    return sum(items)\n";
    Document& helper = workspace.open("file:///w/src/util.py", "python", 1, other);
    ManualClock clock;
    helper.history().setClock(clock.clock());
    change(helper, "def total(items):", "def total(items, start=0):");
    clock.advance(2s);

    const std::string source =
        "import os\n"
        "from util import total\n"
        "\n"
        "class Basket:\n"
        "    def __init__(self):\n"
        "        self.count = 0\n"
        "        self.items = []\n"
        "\n"
        "    def add(self, item):\n"
        "        self.count += 1\n"
        "        self.items.append(item)\n"
        "        return self.count\n"
        "\n"
        "    def price(self):\n"
        "        return total(self.items)\n";
    Document& doc = workspace.open("file:///w/src/basket.py", "python", 1, source);
    doc.history().setClock(clock.clock());
    change(doc, "self.count = 0", "self.size = 0");
    clock.advance(300ms);
    const size_t cursor = doc.text().str().find("self.size = 0") + 9;

    NextEditContext context = buildNextEditContext(workspace, doc, cursor, {.region = {.maxLines = 8}});
    context.related.push_back({"file:///w/src/util.py", helper.text().str()});
    const std::vector<std::string> roots = {"file:///w"};
    std::string rendered;
    for (auto [format, wire] : {std::pair{"chat", "openai-chat"}, std::pair{"zeta", "openai-completions"},
                                std::pair{"qwen", "ollama"}, std::pair{"chat", "openai-responses"}}) {
        const ModelRequest r = buildNextEditRequest(context, *findNextEditFormat(format), *findWireFormat(wire), roots);
        rendered += std::string("######## format ") + format + " over " + wire + " (max tokens " + std::to_string(r.maxTokens) + ")\n";
        if (!r.system.empty()) rendered += "---- system\n" + r.system + "\n";
        if (!r.user.empty()) rendered += "---- user\n" + r.user + "\n";
        if (!r.prefix.empty()) rendered += "---- prompt\n" + r.prefix + "<END>\n";
        if (r.prediction) rendered += "---- prediction\n" + *r.prediction + "<END>\n";
        for (const std::string& stop : r.stop) rendered += "---- stop " + stop + "\n";
        CHECK(r.temperature == 0.0);
        if (std::string_view(wire) == "openai-chat") {
            REQUIRE(r.prediction);
            CHECK(*r.prediction == context.regionText);  // Predicted Outputs: the region as it is
        } else {
            CHECK_FALSE(r.prediction);
        }
    }
    CHECK_GOLDEN("nextedit/prompts.golden", rendered);
}

TEST_CASE("unified diffs of edit events: context, counts, cut long ones") {
    EditEvent e;
    e.line = 9;
    e.before = "a\nb\nc\nd\ne\nf\ng\nh\n";
    e.after = "a\nB\nc\nd\ne\nf\ng\nh\ni\n";
    CHECK(renderEventDiff(e, 1) == "@@ -10,3 +10,3 @@\n a\n-b\n+B\n c\n@@ -17,1 +17,2 @@\n h\n+i\n");
    CHECK(renderEventDiff(e, 3) == "@@ -10,8 +10,9 @@\n a\n-b\n+B\n c\n d\n e\n f\n g\n h\n+i\n");
    EditEvent insertOnly;
    insertOnly.before = "";
    insertOnly.after = "x\n";
    CHECK(renderEventDiff(insertOnly) == "@@ -0,0 +1,1 @@\n+x\n");
    CHECK(renderEventDiff(e, 1, 3) == "@@ -10,3 +10,3 @@\n a\n-b\n+B\n...\n");
}

TEST_CASE("display paths are relative to the workspace root that holds them") {
    const std::vector<std::string> roots = {"file:///w", "file:///w/sub/"};
    CHECK(displayPath("file:///w/sub/a.py", roots) == "a.py");
    CHECK(displayPath("file:///w/b.py", roots) == "b.py");
    CHECK(displayPath("file:///elsewhere/c.py", roots) == "/elsewhere/c.py");
    CHECK(displayPath("untitled:Untitled-1", roots) == "untitled:Untitled-1");
}

// ---------------------------------------------------------------------------------------
// Reading the reply

TEST_CASE("reply reader: chat replies, fences, markers, the final newline") {
    const NextEditFormat& chat = *findNextEditFormat("chat");
    auto read = [](const NextEditFormat& f, std::vector<std::string_view> chunks) {
        RewriteReader reader(f);
        std::string out;
        for (std::string_view c : chunks) out += reader.feed(c);
        return out + reader.finish();
    };
    CHECK(read(chat, {"a = 1\nb", " = 2"}) == "a = 1\nb = 2\n");
    CHECK(read(chat, {"```python\na = 1\n", "```\nSome explanation.\n"}) == "a = 1\n");
    CHECK(read(chat, {"<|editable_region_start|>\na<|cursor|> = 1\n<|editable_region_end|>\ntrailing"}) == "a = 1\n");
    CHECK(read(chat, {"<|cursor|>\n"}) == "\n");  // the cursor on a blank line keeps the line
    CHECK(read(chat, {""}).empty());

    // Only complete lines are handed on while streaming.
    RewriteReader reader(chat);
    CHECK(reader.feed("a = 1\nb =") == "a = 1\n");
    CHECK(reader.feed(" 2") == "");
    CHECK(reader.finish() == "b = 2\n");

    const NextEditFormat& zeta = *findNextEditFormat("zeta");
    RewriteReader z(zeta);
    CHECK(z.feed("```x.py\ncontext\n<|editable_") == "");
    CHECK_FALSE(z.started());
    CHECK(z.feed("region_start|>\nx = <|user_cursor_is_here|>1\n") == "x = 1\n");
    CHECK(z.feed("y = 2\n<|editable_region_end|>\nmore") == "y = 2\n");
    CHECK(z.ended());
    CHECK(read(zeta, {"no markers at all\n"}).empty());
}

// ---------------------------------------------------------------------------------------
// Rebasing a stored prediction

TEST_CASE("rebase: typing part of the suggestion keeps the rest, conflicts drop it") {
    // The document holds 20 bytes before the region.
    const size_t base = 20;
    const std::string region = "a = count\nb = count + 1\n";
    const std::string rewrite = "a = total\nb = total + 1\n";
    auto fresh = [&] { return RegionPrediction(base, region, rewrite, diffText(region, rewrite)); };
    auto at = [&](std::string_view needle, size_t nth = 0) {
        size_t pos = region.find(needle);
        while (nth-- > 0) pos = region.find(needle, pos + 1);
        return base + pos;
    };

    SECTION("a change before the region shifts it; after it, nothing moves") {
        RegionPrediction p = fresh();
        CHECK(p.rebase({3, "", "xyz"}) == RegionPrediction::Rebase::Kept);
        CHECK(p.regionStart() == base + 3);
        CHECK(p.rebase({static_cast<uint32_t>(p.regionEnd()), "", "tail"}) == RegionPrediction::Rebase::Kept);
        CHECK(p.edits() == diffText(region, rewrite));
    }
    SECTION("typing the suggestion shrinks it; typing all of it completes it") {
        RegionPrediction p = fresh();
        // The user selects the first "count" and types "t", then "otal".
        CHECK(p.rebase({static_cast<uint32_t>(at("count")), "count", "t"}) == RegionPrediction::Rebase::Kept);
        CHECK(p.edits().size() == 2);
        CHECK(p.regionText() == "a = t\nb = count + 1\n");
        CHECK(p.rebase({static_cast<uint32_t>(base + 5), "", "otal"}) == RegionPrediction::Rebase::Kept);
        REQUIRE(p.edits().size() == 1);
        CHECK(p.edits()[0].text == "total");
        const size_t second = base + p.regionText().find("count");
        CHECK(p.rebase({static_cast<uint32_t>(second), "count", "total"}) == RegionPrediction::Rebase::Completed);
    }
    SECTION("applying one of its edits leaves the others (a client that shows one at a time)") {
        RegionPrediction p = fresh();
        CHECK(p.rebase({static_cast<uint32_t>(at("count", 1)), "count", "total"}) == RegionPrediction::Rebase::Kept);
        REQUIRE(p.edits().size() == 1);
        CHECK(p.edits()[0].start == 4);
    }
    SECTION("typing something else where it edits is a conflict") {
        RegionPrediction p = fresh();
        CHECK(p.rebase({static_cast<uint32_t>(at("count")), "count", "x"}) == RegionPrediction::Rebase::Dropped);
    }
    SECTION("an unrelated change inside the region is carried into the rewrite") {
        RegionPrediction p = fresh();
        const size_t one = at("1");
        CHECK(p.rebase({static_cast<uint32_t>(one), "1", "42"}) == RegionPrediction::Rebase::Kept);
        CHECK(p.regionText() == "a = count\nb = count + 42\n");
        CHECK(*p.rewrite() == "a = total\nb = total + 42\n");
        CHECK(applyEdits(p.regionText(), p.edits()) == *p.rewrite());
        CHECK(p.edits().size() == 2);
    }
    SECTION("a change across the region's edge drops it") {
        RegionPrediction p = fresh();
        CHECK(p.rebase({static_cast<uint32_t>(base - 2), std::string(4, 'x'), ""}) == RegionPrediction::Rebase::Dropped);
    }
    SECTION("while streaming, any change inside the region drops it") {
        RegionPrediction p(base, region);
        CHECK(p.rebase({0, "", "\n"}) == RegionPrediction::Rebase::Kept);
        CHECK(p.regionStart() == base + 1);
        CHECK(p.rebase({static_cast<uint32_t>(base + 3), "", "x"}) == RegionPrediction::Rebase::Dropped);
    }
}

// ---------------------------------------------------------------------------------------
// Guardrails

TEST_CASE("next edit off by path: disabledGlobs in gitignore syntax from the workspace folder's root") {
    ContextSources sources;
    sources.exclusions.setRoots({"/home/me/app"});
    auto off = [&](std::string_view patterns, std::string_view uri) {
        return sources.matches(IgnoreRules::parse(patterns), uri);
    };
    CHECK(off("*.md", "file:///home/me/app/notes/todo.md"));  // no '/': a name at any depth
    CHECK_FALSE(off("*.md", "file:///home/me/app/notes/todo.mdx"));
    CHECK(off("**/secrets/**", "file:///home/me/app/secrets/key.txt"));
    CHECK(off("secrets/", "file:///home/me/app/deep/secrets/key.txt"));  // a directory: all inside it
    CHECK_FALSE(off("secrets/", "file:///home/me/app/secrets"));         // ...but not a file of that name
    CHECK(off("secrets/*", "file:///home/me/app/secrets/key.txt"));       // an inner '/': from the folder's root
    CHECK_FALSE(off("secrets/*", "file:///home/me/app/deep/secrets/key.txt"));
    CHECK(off("secrets/*", "file:///home/me/app/secrets/deep/key.txt"));  // secrets/deep matches: all inside
    CHECK(off("/docs/*.py", "file:///home/me/app/docs/x.py"));
    CHECK_FALSE(off("/docs/*.py", "file:///home/me/app/sub/docs/x.py"));
    CHECK(off("**/*.generated.ts", "file:///home/me/app/src/api/client.generated.ts"));
    CHECK(off("test_?.py", "file:///home/me/app/t/test_a.py"));
    CHECK(off("[ab].py", "file:///home/me/app/b.py"));
    CHECK_FALSE(off("*.lock\n!keep.lock", "file:///home/me/app/keep.lock"));  // negation
    CHECK(off("*.lock\n!keep.lock", "file:///home/me/app/yarn.lock"));
    CHECK(off("my notes/", "file:///home/me/app/my%20notes/a.txt"));  // the URI is decoded
    CHECK(off("elsewhere/src/*.py", "file:///elsewhere/src/a.py"));  // outside every folder: from the filesystem root
    CHECK_FALSE(off("src/*.py", "file:///elsewhere/src/a.py"));
    CHECK(off("*.md", "untitled:notes.md"));               // not a file: by its name
    CHECK_FALSE(off("", "file:///home/me/app/a.py"));
}

TEST_CASE("next edit asks the server's context sources: disabled paths, then exclusions") {
    Workspace workspace;
    ContextSources sources;
    sources.exclusions.setRoots({"/w"});
    NextEditEngine engine(workspace, nullptr);
    engine.setExclusions(sources);
    workspace.open("file:///w/gen/api.py", "python", 1, "x = 1\n");
    workspace.open("file:///w/src/gen/api.py", "python", 1, "x = 1\n");
    NextEditSettings settings;
    settings.disabledGlobs = {"/gen/"};
    auto skipped = [&](const std::string& uri) {
        std::string why = "(no answer)";
        engine.suggest({uri, 0, std::nullopt, false}, nullptr, settings, CancellationToken(),
                       [&](NextEditSuggestion s) { why = s.skipped; });
        return why;
    };
    CHECK(skipped("file:///w/gen/api.py") == "disabled");
    CHECK(skipped("file:///w/src/gen/api.py") == "no-model");  // anchored: only the folder's own gen/
    settings.disabledGlobs = {"gen/"};                          // the setting changed: read again
    CHECK(skipped("file:///w/src/gen/api.py") == "disabled");
    settings.disabledGlobs = {};
    sources.exclusions.setIgnoreFile("/w", Exclusions::IgnoreFile::Flint, "src/\n");
    CHECK(skipped("file:///w/src/gen/api.py") == "excluded");  // the same predicate as every feature's
    CHECK(skipped("file:///w/gen/api.py") == "no-model");
}

TEST_CASE("next-edit context: excluded documents' edits left out, secrets redacted, a region with one flagged") {
    Workspace workspace;
    ManualClock clock;
    std::string source = "TOKEN = \"ghp_aB3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3d\"  # clé 🔑\n";
    for (int i = 0; i < 40; ++i) source += "LIMIT_" + std::to_string(i) + " = " + std::to_string(i) + "\n";
    source += "\ndef add(a, b):\n    total = a + b\n    return total\n";
    Document& doc = workspace.open("file:///w/app.py", "python", 1, source);
    Document& env = workspace.open("file:///w/.env", "dotenv", 1, "SERVICE=one\n");
    doc.history().setClock(clock.clock());
    env.history().setClock(clock.clock());
    change(env, "one", "ENV_MARKER");
    clock.advance(10ms);
    change(doc, "total = a + b", "result = a + b");
    clock.advance(300ms);
    const size_t cursor = doc.text().str().find("result") + 6;
    const NextEditBudget budget{.region = {.maxLines = 4}};

    // Without the predicate both documents' edits are there (the baseline).
    const NextEditContext all = buildNextEditContext(workspace, doc, cursor, budget);
    CHECK(all.events.size() == 2);
    const NextEditContext c = buildNextEditContext(workspace, doc, cursor, budget,
                                                   [](std::string_view uri) { return uri.ends_with("/.env"); });
    REQUIRE(c.events.size() == 1);
    CHECK(c.events[0].uri == "file:///w/app.py");
    CHECK_FALSE(c.regionHoldsSecret);
    CHECK(c.redactions == 1);
    CHECK(c.before.find("TOKEN = \"REDACTED\"  # clé 🔑\n") != std::string::npos);
    CHECK(c.before.find("ghp_") == std::string::npos);
    CHECK(c.regionText.find("result = a + b") != std::string::npos);

    // The key inside the region: flagged, the region left as it is (it is the diff's base).
    const size_t atKey = doc.text().str().find("clé");
    const NextEditContext k = buildNextEditContext(workspace, doc, atKey, budget);
    CHECK(k.regionHoldsSecret);
    CHECK(k.regionText.find("ghp_aB3d") != std::string::npos);
}
