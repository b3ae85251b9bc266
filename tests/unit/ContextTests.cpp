// The full completion context: definitions kept current incrementally, the symbol
// index, similarity ranking, budget fitting, exclusions and redaction in the result,
// and window edges at syntax boundaries.
#include "context/CompletionContext.h"
#include "context/ContextSettings.h"
#include "context/ContextSources.h"
#include "context/SimilarSnippets.h"
#include "context/WindowEdges.h"
#include "workspace/Document.h"
#include "workspace/SyntaxTree.h"
#include "workspace/SymbolIndex.h"
#include "workspace/Workspace.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

using namespace flint;

namespace {

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string allText(const CompletionContext& c) {
    std::string s = c.prefix + "|" + c.suffix;
    for (const auto& x : c.scopeSignatures) s += "\n" + x;
    for (const auto& x : c.imports) s += "\n" + x;
    for (const auto& x : c.definitions) s += "\n" + x.path + "\n" + x.text;
    for (const auto& x : c.snippets) s += "\n" + x.path + "\n" + x.text;
    return s;
}

// Fresh definitions for the document's current text, sorted as the cache keeps them.
std::vector<std::tuple<std::string, uint32_t, uint32_t>> freshDefinitions(Document& doc) {
    Document fresh("file:///fresh.py", doc.languageId(), 1, doc.text().str());
    std::vector<std::tuple<std::string, uint32_t, uint32_t>> out;
    for (const Definition& d : fresh.definitions()) out.emplace_back(d.name, d.startByte, d.endByte);
    return out;
}

std::vector<std::tuple<std::string, uint32_t, uint32_t>> cachedDefinitions(Document& doc) {
    std::vector<std::tuple<std::string, uint32_t, uint32_t>> out;
    for (const Definition& d : doc.definitions()) out.emplace_back(d.name, d.startByte, d.endByte);
    return out;
}

void edit(Document& doc, uint32_t line, uint32_t from, uint32_t to, std::string text) {
    const ContentChange change{TextRange{{line, from}, {line, to}}, std::move(text)};
    doc.applyChanges({&change, 1}, doc.version() + 1, PositionEncoding::Utf8);
}

} // namespace

TEST_CASE("a document's definitions follow edits without a full pass") {
    std::string source;
    for (int i = 0; i < 40; ++i)
        source += "class C" + std::to_string(i) + ":\n    def m" + std::to_string(i) +
                  "(self, x):\n        return x\n\n";
    Document doc("file:///d.py", "python", 1, source);
    const uint64_t first = doc.definitionsGeneration();
    CHECK(doc.definitions().size() == 80);
    CHECK(doc.definitionsGeneration() != first);
    const uint64_t read = doc.definitionsGeneration();
    CHECK(doc.definitions().size() == 80);
    CHECK(doc.definitionsGeneration() == read);  // nothing changed: no re-read

    // Rename a method in the middle, add a function at the end, delete a class.
    edit(doc, 41, 8, 11, "renamed");  // "    def m10(" → "    def renamed("
    CHECK(cachedDefinitions(doc) == freshDefinitions(doc));
    const uint32_t last = doc.text().lineCount() - 1;
    edit(doc, last, 0, 0, "def tail(a):\n    return a\n");
    CHECK(cachedDefinitions(doc) == freshDefinitions(doc));
    const ContentChange removal{TextRange{{0, 0}, {4, 0}}, ""};
    doc.applyChanges({&removal, 1}, doc.version() + 1, PositionEncoding::Utf8);
    CHECK(cachedDefinitions(doc) == freshDefinitions(doc));
    bool renamed = false;
    for (const Definition& d : doc.definitions()) renamed = renamed || d.name == "renamed";
    CHECK(renamed);
}

TEST_CASE("typing inside the window re-reads no definitions, an edit outside it does") {
    std::string source;
    for (int i = 0; i < 30; ++i) source += "def f" + std::to_string(i) + "(x):\n    return x\n\n";
    Document doc("file:///w.py", "python", 1, source);
    doc.definitions();
    const uint64_t read = doc.definitionsGeneration();
    const auto window = [&] {
        return std::pair{doc.text().lineStart(40), doc.text().lineStart(50)};
    };
    edit(doc, 45, 0, 0, "def typed(y):\n");  // inside lines 40..50
    auto [start, end] = window();
    CHECK(doc.definitionsAwayFrom(start, end).size() == 30);
    CHECK(doc.definitionsGeneration() == read);  // nothing re-read
    edit(doc, 2, 0, 0, "def far(z):\n    return z\n");  // outside it
    std::tie(start, end) = window();
    const auto& now = doc.definitionsAwayFrom(start, end);
    CHECK(doc.definitionsGeneration() != read);
    CHECK(now.size() == 32);  // both new definitions, once re-read
}

TEST_CASE("deleting everything leaves no definition behind (found by fuzzing)") {
    Document doc("file:///gone.py", "python", 1, "a = 1\n");
    REQUIRE(doc.definitions().size() == 1);
    const ContentChange all{TextRange{{0, 0}, {1, 0}}, ""};
    doc.applyChanges({&all, 1}, 2, PositionEncoding::Utf8);
    doc.parsedSyntax();
    CHECK(doc.text().str().empty());
    CHECK(doc.definitions().empty());
    CHECK(cachedDefinitions(doc) == freshDefinitions(doc));
}

TEST_CASE("incremental definitions equal a fresh pass after random keystrokes") {
    std::string source;
    for (int i = 0; i < 25; ++i)
        source += "def f" + std::to_string(i) + "(a, b):\n    value = a + b\n    return value\n\n" +
                  "class K" + std::to_string(i) + ":\n    LIMIT = " + std::to_string(i) +
                  "\n    def go(self):\n        pass\n\n";
    Document doc("file:///p.py", "python", 1, source);
    doc.definitions();
    std::mt19937 rng(7);
    const std::string pieces[] = {"x", "_", "1", " ", "def", "(", ")", ":", "\n", "\n    "};
    for (int step = 0; step < 400; ++step) {
        const uint32_t line = rng() % doc.text().lineCount();
        const uint32_t length = static_cast<uint32_t>(doc.text().lineContent(line).size());
        const uint32_t from = length ? rng() % (length + 1) : 0;
        const uint32_t to = std::min(length, from + static_cast<uint32_t>(rng() % 3));
        const bool insert = rng() % 3 != 0;
        edit(doc, line, from, insert ? from : to, insert ? pieces[rng() % std::size(pieces)] : "");
        if (step % 7 != 0) continue;  // read now and then, as requests do
        doc.parsedSyntax();
        if (doc.syntax()->hasErrors()) continue;  // error recovery depends on history
        INFO("step " << step);
        // Names and spans: a kind may lag (see DefinitionCache.h), never a name or a place.
        REQUIRE(cachedDefinitions(doc) == freshDefinitions(doc));
    }
}

TEST_CASE("signatures: the first lines of a definition, never its body") {
    const std::string text = "class Point(\n    Base,\n    Mixin):\n    x = 1\n\n"
                             "def area(w: int,\n         h: int) -> int:\n    return w * h\n";
    CHECK(definitionSignature(text, 0, 40) == "class Point(\n    Base,\n    Mixin):");
    const auto def = static_cast<uint32_t>(text.find("def area"));
    CHECK(definitionSignature(text, def, static_cast<uint32_t>(text.size())) ==
          "def area(w: int,\n         h: int) -> int:");
    const auto x = static_cast<uint32_t>(text.find("x = 1"));
    CHECK(definitionSignature(text, x, x + 5) == "    x = 1");
}

TEST_CASE("the symbol index: files, open documents shadowing them, containers") {
    SymbolIndex index;
    Document util("file:///w/util.py", "python", 1,
                  "class Shouter:\n    def shout(self, text):\n        return text.upper()\n\ndef whisper(t):\n    return t\n");
    index.setFile("/w/util.py", symbolsOf(util.definitions(), util.text()));
    index.setFile("/w/other.py", {Symbol{"shout", "function", "def shout(x, y):", "", 3}});
    auto hits = index.lookup("shout");
    REQUIRE(hits.size() == 2);
    const SymbolIndex::Hit* method = *hits[0].key == "/w/util.py" ? &hits[0] : &hits[1];
    CHECK(method->symbol->signature == "    def shout(self, text):");
    CHECK(method->symbol->container == "class Shouter:");
    CHECK(method->symbol->line == 1);
    CHECK(index.lookup("shout", "/w/other.py").size() == 1);  // the document being completed is skipped

    // The same file open with other text: the open document wins over the disk copy.
    Document open("file:///w/util.py", "python", 2, "def shout(loud):\n    return loud\n");
    index.syncDocument(open);
    hits = index.lookup("shout");
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].open);
    CHECK(hits[0].symbol->signature == "def shout(loud):");
    CHECK(index.lookup("whisper").empty());  // only on disk, and the disk copy is shadowed
    edit(open, 0, 4, 9, "yell");
    index.syncDocument(open);
    CHECK(index.lookup("yell").size() == 1);
    CHECK(index.lookup("shout").size() == 1);
    index.forgetDocument("file:///w/util.py");
    CHECK(index.lookup("whisper").size() == 1);
    index.removeFile("/w/util.py");
    CHECK(index.lookup("whisper").empty());
    CHECK(index.fileCount() == 1);
    index.removeFilesIf([](const std::string&) { return true; });
    CHECK(index.symbolCount() == 0);
}

TEST_CASE("similarity: Jaccard over identifier tokens ranks the closest chunk first") {
    const TokenSet a = tokenSet("total = price * quantity + tax");
    const TokenSet b = tokenSet("total = price * count");
    const TokenSet c = tokenSet("print(hello, world)");
    CHECK(jaccard(a, a) == 1.0);
    CHECK(jaccard(a, b) == Approx(2.0 / 5.0));  // {total, price} of {total, price, quantity, tax, count}
    CHECK(jaccard(a, c) == 0.0);
    CHECK(estimatedJaccard(a, b) >= jaccard(a, b) - 1e-9);

    Workspace ws;
    std::string billing = "def invoice_total(price, quantity, tax):\n    total = price * quantity + tax\n    return total\n";
    for (int i = 0; i < 40; ++i) billing += "def unrelated_" + std::to_string(i) + "():\n    print('x')\n";
    ws.open("file:///w/billing.py", "python", 1, billing);
    ws.open("file:///w/greet.py", "python", 1, "def greet(name):\n    print('hello', name)\n");
    ws.open("file:///w/copy.py", "python", 1, billing);  // the same code again: a duplicate
    ws.open("file:///w/.env", "plaintext", 1, "price quantity tax total\n");
    ws.open("file:///w/cur.py", "python", 1, "x = price * quantity + tax\n");
    SimilarSnippets snippets;
    snippets.touch("file:///w/billing.py");
    const auto found = snippets.rank(ws, "file:///w/cur.py", "subtotal = price * quantity + tax", 3,
                                     [](const std::string& uri) { return uri.ends_with(".env"); });
    REQUIRE_FALSE(found.empty());
    CHECK(found[0].uri == "file:///w/billing.py");  // ties go to the recently touched one
    CHECK(contains(found[0].text, "total = price * quantity + tax"));
    for (size_t i = 0; i < found.size(); ++i) {
        CHECK(found[i].uri != "file:///w/.env");
        CHECK(found[i].uri != "file:///w/cur.py");
        if (i) CHECK(found[i].score <= found[i - 1].score);
        // No second copy of the same code, no overlapping chunk of one file.
        CHECK(found[i].uri != "file:///w/copy.py");
    }
}

TEST_CASE("context settings: defaults, the budget's scale and bad values") {
    std::string error;
    auto s = parseContextSettings(boost::json::parse("{}"), error);
    REQUIRE(s);
    CHECK(s->promptTokens() == 2048);
    s = parseContextSettings(boost::json::parse(R"({"context": {"contextWindow": 131072}})"), error);
    REQUIRE(s);
    CHECK(s->promptTokens() == 8192);
    s = parseContextSettings(boost::json::parse(R"({"context": {"contextWindow": 8192}})"), error);
    CHECK(s->promptTokens() == 1024);
    s = parseContextSettings(boost::json::parse(R"({"context": {"contextWindow": 1024}})"), error);
    CHECK(s->promptTokens() == 512);
    s = parseContextSettings(boost::json::parse(
        R"({"context": {"maxPromptTokens": 3000, "snippets": false, "exclude": ["gen/"]},
            "provider": {"template": "qwen2.5-coder"}})"), error);
    REQUIRE(s);
    CHECK(s->promptTokens() == 3000);
    CHECK_FALSE(s->snippets);
    CHECK(s->exclude == std::vector<std::string>{"gen/"});
    CHECK(s->fimTemplate == "qwen2.5-coder");
    CHECK_FALSE(parseContextSettings(boost::json::parse(R"({"context": {"maxPromptTokens": -1}})"), error));
    CHECK(error.find("context.maxPromptTokens") == 0);
    CHECK_FALSE(parseContextSettings(boost::json::parse(R"({"context": {"exclude": "gen/"}})"), error));
    CHECK(error.find("context.exclude") == 0);
    CHECK_FALSE(parseContextSettings(boost::json::parse(R"({"context": 3})"), error));
}

TEST_CASE("the VS Code extension contributes every context setting, in a shape the server accepts") {
    std::ifstream in(std::string(FLINT_TEST_GOLDENS) + "/../../extension/package.json", std::ios::binary);
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    const boost::json::value manifest = boost::json::parse(text.str());
    const boost::json::object& properties =
        manifest.at("contributes").at("configuration").at("properties").as_object();
    for (const char* key : {"maxPromptTokens", "contextWindow", "definitions", "snippets", "workspaceIndex",
                            "maxWorkspaceFiles", "maxFileBytes", "exclude"}) {
        INFO("flint.context." << key);
        const boost::json::value* contributed = properties.if_contains(std::string("flint.context.") + key);
        REQUIRE(contributed);
        // The settings UI's default, as the server would read it.
        std::string error;
        CHECK(parseContextSettings(boost::json::object{{"context", boost::json::object{
                                       {key, contributed->at("default")}}}}, error));
        CHECK(error.empty());
    }
    REQUIRE(properties.contains("flint.provider.template"));
    std::string error;
    CHECK(parseContextSettings(boost::json::object{{"provider", boost::json::object{
                                   {"template", properties.at("flint.provider.template").at("default")}}}}, error));
}

namespace {

// A workspace like an editor's: the file being edited, another open file that
// defines what it calls, and (through the index) a file only on disk.
struct Fixture {
    Workspace ws;
    ContextSources sources;
    Document* current;
    std::string source;
    size_t cursor;

    Fixture() {
        sources.exclusions.setRoots({"/w"});
        sources.exclusions.setIgnoreFile("/w", Exclusions::IgnoreFile::Git, "generated/\n");
        ws.open("file:///w/shapes.py", "python", 1,
                "class Circle:\n    def area(self):\n        return 3.14 * self.r * self.r\n\n"
                "def describe(shape, unit):\n    return f'{shape.area()} {unit}'\n");
        ws.open("file:///w/generated/fake.py", "python", 1, "def describe(secret_generated_thing):\n    pass\n");
        ws.open("file:///w/.env", "plaintext", 1, "OPENAI_API_KEY=not-a-real-key-but-private\n");
        Document disk("file:///w/units.py", "python", 1, "def convert(value, unit):\n    return value\n");
        sources.symbols.setFile("/w/units.py", symbolsOf(disk.definitions(), disk.text()));
        source = "import os\nimport math\n";
        for (int i = 0; i < 60; ++i) source += "# filler line " + std::to_string(i) + " with some words in it\n";
        source += "class Report:\n    def render(self, shape):\n        api_key = \"sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z\"\n"
                  "        text = describe(shape, convert(1, 'cm'))\n        return \n\n"
                  "    def footer(self):\n        return 'end'\n";
        current = &ws.open("file:///w/report.py", "python", 1, source);
        cursor = source.find("return \n") + 7;
    }
};

} // namespace

TEST_CASE("the full context: scopes, imports, definitions from open and disk files, nothing excluded, no secret") {
    Fixture f;
    const CompletionContext c = buildCompletionContext(f.ws, *f.current, f.cursor, f.sources, TokenBudget::forTotal(2048));
    CHECK(c.relativePath == "report.py");
    CHECK(c.repository == "w");
    CHECK(c.lineComment == "#");
    CHECK(c.scopeSignatures == std::vector<std::string>{"class Report:", "def render(self, shape):"});
    CHECK(c.linePrefix == "        return ");
    const std::string all = allText(c);
    CHECK(contains(all, "def describe(shape, unit):"));  // an open document
    CHECK(contains(all, "def convert(value, unit):"));   // a file only on disk
    CHECK_FALSE(contains(all, "secret_generated_thing"));  // gitignored, though open
    CHECK_FALSE(contains(all, "not-a-real-key"));          // .env, though open
    CHECK_FALSE(contains(all, "sk-proj-"));
    CHECK(contains(c.prefix, "api_key = \"REDACTED\""));
    CHECK(c.redactions == 1);
    bool sawShapes = false;
    for (const ContextItem& item : c.definitions) sawShapes = sawShapes || item.path == "shapes.py";
    CHECK(sawShapes);
    CHECK(c.tokens <= 2048);
    // The whole file fits this budget: the imports are inside the prefix, not repeated.
    CHECK(c.prefix.starts_with("import os\n"));
    CHECK(c.imports.empty());
}

TEST_CASE("budget fitting: as the budget shrinks, sections go in priority order") {
    Fixture f;
    // Enough lines between the imports and the cursor that the window cannot hold both.
    std::string big = "import os\nimport math\n";
    for (int i = 0; i < 400; ++i) big += "# filler line " + std::to_string(i) + " with some words in it\n";
    big += f.source.substr(f.source.find("class Report:"));
    f.ws.open("file:///w/report.py", "python", 2, big);
    Document& doc = *f.ws.find("file:///w/report.py");
    const size_t cursor = big.find("return \n") + 7;

    struct Sizes {
        size_t suffix, signatures, imports, definitions, snippets, prefix;
    };
    auto measure = [&](size_t total) {
        TokenBudget b = TokenBudget::forTotal(2048);
        b.total = total;  // the same shares, a smaller whole
        const CompletionContext d = buildCompletionContext(f.ws, doc, cursor, f.sources, b);
        CHECK(d.tokens <= std::max<size_t>(total, approxTokens(d.linePrefix) + approxTokens(d.lineSuffix)) + 8);
        size_t defs = 0, snips = 0, sigs = 0, imps = 0;
        for (const auto& x : d.definitions) defs += x.text.size();
        for (const auto& x : d.snippets) snips += x.text.size();
        for (const auto& x : d.scopeSignatures) sigs += x.size();
        for (const auto& x : d.imports) imps += x.size();
        return Sizes{d.suffix.size(), sigs, imps, defs, snips, d.prefix.size()};
    };
    const Sizes full = measure(2048);
    CHECK(full.definitions > 0);
    CHECK(full.imports > 0);
    CHECK(full.signatures > 0);
    CHECK(full.suffix > 0);
    CHECK(full.prefix > bytesForTokens(512));  // the far prefix got the rest
    Sizes previous = full;
    for (size_t total = 2048; total >= 64; total -= 32) {
        INFO("total " << total);
        const Sizes now = measure(total);
        // Nothing grows when the budget shrinks...
        CHECK(now.prefix <= previous.prefix);
        CHECK(now.definitions <= previous.definitions);
        CHECK(now.imports <= previous.imports);
        CHECK(now.signatures <= previous.signatures);
        CHECK(now.suffix <= previous.suffix);
        // ...and a section only loses anything once every lower one is gone.
        if (now.snippets < full.snippets) CHECK(now.prefix <= bytesForTokens(512));
        if (now.definitions < full.definitions) CHECK(now.prefix <= bytesForTokens(512));
        if (now.definitions < full.definitions) CHECK(now.snippets == 0);
        if (now.imports < full.imports) CHECK(now.definitions == 0);
        if (now.signatures < full.signatures) CHECK(now.imports == 0);
        if (now.suffix < full.suffix) CHECK(now.signatures == 0);
        if (total < 512) CHECK(now.suffix == 0);  // the near prefix's share is 512: it is losing lines
        previous = now;
    }
}

TEST_CASE("an excluded document is reported by the predicate") {
    Fixture f;
    CHECK(f.sources.excludes("file:///w/.env"));
    CHECK(f.sources.excludes("file:///w/generated/fake.py"));
    CHECK(f.sources.excludes("file:///anywhere/id_rsa"));
    CHECK_FALSE(f.sources.excludes("file:///w/report.py"));
    CHECK_FALSE(f.sources.excludes("untitled:Untitled-1"));
    f.sources.exclusions.setIgnoreFile("/w", Exclusions::IgnoreFile::Flint, "report.py\n");
    CHECK(f.sources.excludes("file:///w/report.py"));  // the verdict cache follows rule changes
}

// ---------------------------------------------------------------------------------------
// Window edges at syntax boundaries

namespace {

// The window-only context of `source` (cursor at <|cursor|>) with a budget whose line
// cut starts the prefix at the line holding `fromLine` and ends the suffix with the
// first line after the cursor holding `toLine`: with syntax edges, and with whole
// lines only.
struct Cuts {
    std::string prefix, suffix;          // syntax edges
    std::string linePrefix, lineSuffix;  // whole lines only
};

std::ostream& operator<<(std::ostream& out, const Cuts& c) {
    return out << "prefix:\n" << c.prefix << "|\nsuffix:\n" << c.suffix << "|";
}

Cuts cutsOf(const std::string& languageId, const std::string& uri, std::string source, std::string_view fromLine,
            std::string_view toLine) {
    const size_t cursor = source.find("<|cursor|>");
    REQUIRE(cursor != std::string::npos);
    source.erase(cursor, 10);
    Document doc(uri, languageId, 1, source);
    REQUIRE(doc.syntax());
    const Text& text = doc.text();
    REQUIRE(source.find(fromLine) < cursor);
    REQUIRE(source.find(toLine, cursor) != std::string::npos);
    const size_t from = text.lineStart(text.lineOf(source.find(fromLine)));
    const size_t to = text.lineContentEnd(text.lineOf(source.find(toLine, cursor)));
    ContextBudget budget{.prefixBytes = cursor - from, .suffixBytes = to - cursor, .importLines = 30};
    const CompletionContext syntax = buildCompletionContext(doc, cursor, budget);
    budget.syntaxEdges = false;
    const CompletionContext lines = buildCompletionContext(doc, cursor, budget);
    return {syntax.prefix, syntax.suffix, lines.prefix, lines.suffix};
}

} // namespace

TEST_CASE("window edges, Python: a construct the line cut splits is left out whole, a long one is cut between statements") {
    const std::string source =
        "import os\n"
        "\n"
        "\n"
        "def helper(values):\n"
        "    total = compute(\n"
        "        values,\n"
        "        scale=2,\n"
        "    )\n"
        "    return total\n"
        "\n"
        "\n"
        "def main():\n"
        "    \"\"\"Loads the data,\n"
        "    handles each item\n"
        "    and reports.\"\"\"\n"
        "    data = load(os.environ[\"DATA\"])\n"
        "    print(data)\n"
        "    for item in data:\n"
        "        handle(item)\n"
        "    result = <|cursor|>\n"
        "    report(result)\n"
        "    print('done')\n"
        "    return result\n"
        "\n"
        "\n"
        "def after():\n"
        "    return {\n"
        "        'one': 1,\n"
        "        'two': 2,\n"
        "    }\n";
    SECTION("the prefix would start inside a call in the function above: it starts after that function") {
        const Cuts c = cutsOf("python", "file:///t/a.py", source, "        scale=2,", "    print('done')");
        CHECK(c.linePrefix.starts_with("        scale=2,\n    )\n"));
        CHECK(c.prefix.starts_with("\n\ndef main():\n"));
        CHECK(c.linePrefix.ends_with(c.prefix));
    }
    SECTION("the prefix would start inside a docstring: it starts after it") {
        const Cuts c = cutsOf("python", "file:///t/a.py", source, "    handles each item", "    print('done')");
        CHECK(c.linePrefix.starts_with("    handles each item\n"));
        CHECK(c.prefix.starts_with("    data = load("));
    }
    SECTION("the suffix would end inside a dict in the function below: it ends before that function") {
        const Cuts c = cutsOf("python", "file:///t/a.py", source, "def main():", "        'one': 1,");
        CHECK(c.lineSuffix.ends_with("    return {\n        'one': 1,"));
        CHECK(c.suffix == "\n    report(result)\n    print('done')\n    return result\n\n");
        CHECK(c.lineSuffix.starts_with(c.suffix));
    }
    SECTION("a long function above is not dropped: the prefix starts at the statement after the split one") {
        std::string longer = source;
        std::string body;
        for (int i = 0; i < 30; ++i) body += "    step_" + std::to_string(i) + " = total + " + std::to_string(i) + "\n";
        longer.insert(longer.find("    return total\n"), body);
        const Cuts c = cutsOf("python", "file:///t/a.py", longer, "        scale=2,", "    print('done')");
        CHECK(c.linePrefix.starts_with("        scale=2,\n    )\n"));
        CHECK(c.prefix.starts_with("    step_0 = total + 0\n"));
    }
}

TEST_CASE("window edges, C++: a block comment, a call in the cursor's own function, a class below") {
    const std::string source =
        "#include <vector>\n"
        "\n"
        "/* Widths of the columns,\n"
        "   measured in characters,\n"
        "   before any padding. */\n"
        "static const int kWidths[] = {4, 8, 16};\n"
        "\n"
        "int area(int w, int h) {\n"
        "    int total = compute(w,\n"
        "                        h,\n"
        "                        kWidths[0]);\n"
        "    if (total > 0) {\n"
        "        log(total);\n"
        "    }\n"
        "    return <|cursor|>;\n"
        "}\n"
        "\n"
        "int perimeter(int w, int h) {\n"
        "    return 2 * (w + h);\n"
        "}\n"
        "\n"
        "class Shape {\n"
        "public:\n"
        "    virtual int sides() const = 0;\n"
        "};\n";
    SECTION("inside a block comment above") {
        const Cuts c = cutsOf("cpp", "file:///t/a.cpp", source, "   measured in characters,", "int perimeter");
        CHECK(c.linePrefix.starts_with("   measured in characters,\n"));
        CHECK(c.prefix.starts_with("static const int kWidths[]"));
    }
    SECTION("inside a call in the function the cursor is in: the statement goes, the function is cut") {
        const Cuts c = cutsOf("cpp", "file:///t/a.cpp", source, "                        kWidths[0]);", "int perimeter");
        INFO(c);
        CHECK(c.linePrefix.starts_with("                        kWidths[0]);\n"));
        CHECK(c.prefix.starts_with("    if (total > 0) {\n"));
    }
    SECTION("inside a class below: the suffix ends before it") {
        const Cuts c = cutsOf("cpp", "file:///t/a.cpp", source, "int area", "public:");
        CHECK(c.lineSuffix.ends_with("class Shape {\npublic:"));
        CHECK(c.suffix == ";\n}\n\nint perimeter(int w, int h) {\n    return 2 * (w + h);\n}\n");
    }
}

TEST_CASE("window edges, JavaScript and TypeScript: template literals, objects, interfaces, a long array") {
    SECTION("JavaScript: a template literal above, an object below") {
        const std::string source =
            "const header = `Report\n"
            "  generated for ${user}\n"
            "  at ${time}`;\n"
            "\n"
            "function render(rows) {\n"
            "  const out = [];\n"
            "  for (const row of rows) {\n"
            "    out.push(<|cursor|>);\n"
            "  }\n"
            "  return out;\n"
            "}\n"
            "\n"
            "const styles = {\n"
            "  color: \"red\",\n"
            "  margin: 4,\n"
            "};\n";
        const Cuts c = cutsOf("javascript", "file:///t/a.js", source, "  generated for ${user}", "  color: \"red\",");
        CHECK(c.linePrefix.starts_with("  generated for ${user}\n"));
        CHECK(c.prefix.starts_with("\nfunction render(rows) {\n"));
        CHECK(c.lineSuffix.ends_with("const styles = {\n  color: \"red\","));
        CHECK(c.suffix == ");\n  }\n  return out;\n}\n");
    }
    SECTION("TypeScript: an interface above") {
        const std::string source =
            "interface Options {\n"
            "  verbose: boolean;\n"
            "  depth: number;\n"
            "}\n"
            "\n"
            "export function run(opts: Options): number {\n"
            "  const start = Date.now();\n"
            "  if (opts.verbose) console.log(start);\n"
            "  return <|cursor|>;\n"
            "}\n";
        const Cuts c = cutsOf("typescript", "file:///t/a.ts", source, "  depth: number;", "}");
        CHECK(c.linePrefix.starts_with("  depth: number;\n}\n"));
        CHECK(c.prefix.starts_with("\nexport function run("));
    }
    SECTION("JavaScript: a long array is cut between its elements, not inside one") {
        std::string source = "const rows = [\n";
        for (int i = 0; i < 40; ++i)
            source += "  { id: " + std::to_string(i) + ",\n    name: \"row " + std::to_string(i) + "\" },\n";
        source += "];\n\nfunction first() {\n  return rows[<|cursor|>];\n}\n";
        const Cuts c = cutsOf("javascript", "file:///t/a.js", source, "    name: \"row 20\" },", "}");
        CHECK(c.linePrefix.starts_with("    name: \"row 20\" },\n"));
        CHECK(c.prefix.starts_with("  { id: 21,\n"));
    }
}

TEST_CASE("window edges: never cut a droppable construct, only shrink the window, move monotonically") {
    // Checked against every node of the tree (not the descent the implementation
    // makes): after the move no node that ends above the cursor line straddles the
    // prefix's start with at most maxDrop bytes of it in the window; likewise below.
    std::string big;
    for (int i = 0; i < 12; ++i)
        big += "def f" + std::to_string(i) + "(x):\n    \"\"\"Doc\n    string.\"\"\"\n    return combine(\n        x,\n"
               "        [1, 2,\n         3],\n    )\n\n";
    std::string js;
    for (int i = 0; i < 12; ++i)
        js += "export const v" + std::to_string(i) + " = {\n  a: `x\n  y`,\n  b: [1,\n    2],\n};\n/* c\n d */\n";
    std::string cpp = "namespace app {\n";
    for (int i = 0; i < 10; ++i)
        cpp += "/* Widget\n   " + std::to_string(i) + " */\nclass W" + std::to_string(i) +
               " {\npublic:\n    int grow(int a) {\n        return call(a,\n                    " + std::to_string(i) +
               ");\n    }\n};\n";
    cpp += "}\n";
    const std::vector<std::tuple<std::string, std::string, std::string>> files = {
        {"python", "file:///t/p.py", big},
        {"javascript", "file:///t/j.js", js},
        {"cpp", "file:///t/c.cpp", cpp},
    };
    for (const auto& [languageId, uri, source] : files) {
        INFO(uri);
        Document doc(uri, languageId, 1, source);
        const SyntaxTree& tree = *doc.parsedSyntax();
        const Text& text = doc.text();
        std::vector<std::pair<uint32_t, uint32_t>> nodes;  // every node's [start, end)
        std::vector<TSNode> stack{tree.root()};
        while (!stack.empty()) {
            const TSNode n = stack.back();
            stack.pop_back();
            // (The root holds the cursor whatever it is.)
            if (!ts_node_eq(n, tree.root())) nodes.emplace_back(ts_node_start_byte(n), ts_node_end_byte(n));
            for (uint32_t i = 0; i < ts_node_child_count(n); ++i) stack.push_back(ts_node_child(n, i));
        }
        for (uint32_t line = 0; line < text.lineCount(); line += 3) {
            const size_t cursor = text.lineContentEnd(line);
            const size_t floor = text.lineStart(line), ceiling = text.lineContentEnd(line);
            for (const size_t maxDrop : {40u, 200u}) {
                size_t previousStart = 0;
                for (uint32_t up = line; up-- > 0;) {
                    const size_t edge = text.lineStart(up);
                    const size_t start = syntaxPrefixStart(tree, text, cursor, edge, maxDrop);
                    INFO("cursor line " << line << ", line cut at line " << up << ", maxDrop " << maxDrop);
                    REQUIRE(edge <= start);
                    REQUIRE(start <= floor);
                    REQUIRE(text.lineStart(text.lineOf(start)) == start);
                    if (up + 1 < line) CHECK(start <= previousStart);  // a bigger window never starts lower
                    previousStart = start;
                    for (const auto& [s, e] : nodes)
                        if (s < start && start < e && e <= floor) CHECK(e - start > maxDrop);
                }
                size_t previousEnd = text.size();
                for (uint32_t down = line + 1; down < text.lineCount(); ++down) {
                    const size_t edge = text.lineContentEnd(down);
                    const size_t end = syntaxSuffixEnd(tree, text, cursor, edge, maxDrop);
                    INFO("cursor line " << line << ", line cut at line " << down << ", maxDrop " << maxDrop);
                    REQUIRE(ceiling <= end);
                    REQUIRE(end <= edge);
                    REQUIRE(text.lineContentEnd(text.lineOf(end)) == end);
                    if (down > line + 1) CHECK(end >= previousEnd);
                    previousEnd = end;
                    for (const auto& [s, e] : nodes)
                        if (s < end && end < e && s > ceiling) CHECK(end - s > maxDrop);
                }
            }
        }
    }
}

TEST_CASE("the full context's windows start and end between definitions, whatever the budget") {
    std::string source = "import os\n\n";
    for (int i = 0; i < 200; ++i)
        source += "def f" + std::to_string(i) + "(x):\n    return combine(\n        x,\n        " + std::to_string(i) +
                  ",\n    )\n\n";
    const size_t cursorAt = source.size() / 2;
    const size_t cursor = source.find("    return combine(", cursorAt) + 11;  // "    return |combine("
    Workspace ws;
    ContextSources sources;
    Document& doc = ws.open("file:///w/many.py", "python", 1, source);
    size_t previous = std::string::npos;
    for (size_t total = 2048; total >= 256; total -= 64) {
        INFO("total " << total);
        TokenBudget budget = TokenBudget::forTotal(2048);
        budget.total = total;
        const CompletionContext c = buildCompletionContext(ws, doc, cursor, sources, budget);
        const size_t firstCode = c.prefix.find_first_not_of('\n');
        REQUIRE(firstCode != std::string::npos);
        CHECK(c.prefix.substr(firstCode).starts_with("def f"));
        // Past the cursor's own function (cut wherever the budget says), the suffix ends
        // with a function's last line.
        INFO("suffix:\n" << c.suffix << "|");
        if (c.suffix.find("\ndef ") != std::string::npos)
            CHECK((c.suffix.ends_with("    )") || c.suffix.ends_with("    )\n")));
        if (total == 2048) CHECK(c.suffix.find("\ndef ") != std::string::npos);
        CHECK(c.prefix.size() <= previous);
        previous = c.prefix.size();
    }
}
