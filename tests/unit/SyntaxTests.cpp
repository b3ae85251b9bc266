// Grammars, queries and incremental parsing.
#include "workspace/Document.h"
#include "workspace/Language.h"
#include "workspace/QueryWarmer.h"
#include "workspace/SyntaxTree.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

using namespace flint;
namespace json = boost::json;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string fixture(const std::string& relative) { return readFile(std::string(FLINT_TEST_FIXTURES) + "/" + relative); }

// The first difference between two trees (type, named-ness, byte range, shape), or "".
std::string compareTrees(TSNode a, TSNode b, std::string path = "root") {
    if (std::string_view(ts_node_type(a)) != ts_node_type(b) || ts_node_is_named(a) != ts_node_is_named(b))
        return path + ": " + ts_node_type(a) + " vs " + ts_node_type(b);
    if (ts_node_start_byte(a) != ts_node_start_byte(b) || ts_node_end_byte(a) != ts_node_end_byte(b))
        return path + " (" + ts_node_type(a) + "): range " + std::to_string(ts_node_start_byte(a)) + "-" +
               std::to_string(ts_node_end_byte(a)) + " vs " + std::to_string(ts_node_start_byte(b)) + "-" +
               std::to_string(ts_node_end_byte(b));
    if (ts_node_child_count(a) != ts_node_child_count(b))
        return path + " (" + ts_node_type(a) + "): " + std::to_string(ts_node_child_count(a)) + " vs " +
               std::to_string(ts_node_child_count(b)) + " children";
    for (uint32_t i = 0; i < ts_node_child_count(a); ++i) {
        std::string diff = compareTrees(ts_node_child(a, i), ts_node_child(b, i), path + "/" + std::to_string(i));
        if (!diff.empty()) return diff;
    }
    return {};
}

// Moves `offset` back to a character boundary that a position can address.
size_t snap(std::string_view text, size_t offset) {
    while (offset > 0 && offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) --offset;
    if (offset > 0 && offset < text.size() && text[offset - 1] == '\r' && text[offset] == '\n') --offset;
    return offset;
}

struct Sample {
    std::string language;
    std::string languageId;
    std::string file;  // under fixtures/languages/
};

// One sample file per language, as listed in fixtures/languages/cases.json.
std::vector<Sample> samples() {
    std::vector<Sample> out;
    const json::value cases = json::parse(fixture("languages/cases.json"));
    for (const json::value& c : cases.as_array()) {
        Sample s{std::string(c.at("lang").as_string()), std::string(c.at("languageId").as_string()),
                 std::string(c.at("file").as_string())};
        if (std::none_of(out.begin(), out.end(), [&](const Sample& o) { return o.language == s.language; }))
            out.push_back(std::move(s));
    }
    return out;
}

} // namespace

TEST_CASE("every language has a grammar and its queries compile") {
    const auto& registry = LanguageRegistry::get();
    for (const char* name : {"python", "javascript", "typescript", "tsx", "c", "cpp", "go", "rust", "java", "json", "bash"}) {
        const Language* language = registry.byName(name);
        INFO(name);
        REQUIRE(language);
        CHECK(ts_language_abi_version(language->grammar()) >= 13);
        for (QueryKind kind : kQueryKinds) {
            INFO(toString(kind));
            CHECK(language->compileQuery(kind).empty());
        }
        CHECK(language->query(QueryKind::Scopes) != nullptr);
    }
}

TEST_CASE("the query warmer compiles a language once, when asked, and stops without waiting for the queue") {
    const auto& registry = LanguageRegistry::get();
    const Language& python = *registry.byName("python");
    std::mutex mutex;
    std::condition_variable done;
    std::vector<std::string> warmed;
    {
        QueryWarmer warmer([&](const Language& language) {
            std::lock_guard lock(mutex);
            warmed.emplace_back(language.name());
            done.notify_all();
        });
        warmer.warm(python);
        warmer.warm(python);  // asked again: nothing more
        warmer.warm(*registry.byName("rust"));
        std::unique_lock lock(mutex);
        REQUIRE(done.wait_for(lock, std::chrono::seconds(60), [&] { return warmed.size() == 2; }));
    }
    CHECK(warmed == std::vector<std::string>{"python", "rust"});
    CHECK(python.query(QueryKind::Definitions) != nullptr);

    // Stopped with languages queued: it returns after at most the query under way.
    QueryWarmer stopped;
    for (const auto& language : registry.all()) stopped.warm(*language);
    stopped.stop();
    stopped.warm(python);  // after stop: ignored
}

TEST_CASE("languages are found by LSP languageId and by file extension") {
    const auto& registry = LanguageRegistry::get();
    CHECK(registry.forLanguageId("typescriptreact")->name() == "tsx");
    CHECK(registry.forLanguageId("shellscript")->name() == "bash");
    CHECK(registry.forLanguageId("jsonc")->name() == "json");
    CHECK(registry.forLanguageId("cobol") == nullptr);
    CHECK(registry.forPath("file:///src/App.TSX")->name() == "tsx");
    CHECK(registry.forPath("/x/y/lib.rs")->name() == "rust");
    CHECK(registry.forPath("file:///Makefile") == nullptr);
    // An unknown languageId falls back to the extension; an explicit plaintext does not.
    CHECK(registry.forDocument("unknown-id", "file:///a.go")->name() == "go");
    CHECK(registry.forDocument("plaintext", "file:///a.go") == nullptr);
}

TEST_CASE("query predicates filter matches") {
    const Language& python = *LanguageRegistry::get().byName("python");
    const std::string text = "import os\nx = 1\nname = 'a'\nclass C:\n    pass\n";
    SyntaxTree tree(python, text);
    auto count = [&](std::string_view source) {
        std::string error;
        auto query = Query::compile(python.grammar(), source, error);
        REQUIRE(query);
        int n = 0;
        query->forEachMatch(tree.root(), text, 0, UINT32_MAX, [&](const QueryMatch&) { ++n; });
        return n;
    };
    CHECK(count("((identifier) @id)") == 4);
    CHECK(count("((identifier) @id (#eq? @id \"name\"))") == 1);
    CHECK(count("((identifier) @id (#not-eq? @id \"name\"))") == 3);
    CHECK(count("((identifier) @id (#match? @id \"^[a-z]$\"))") == 1);
    CHECK(count("((identifier) @id (#not-match? @id \"^[a-z]$\"))") == 3);
    CHECK(count("((identifier) @id (#any-of? @id \"os\" \"C\" \"zz\"))") == 2);
    CHECK(count("((assignment left: (identifier) @a right: (_) @b) (#eq? @a @b))") == 0);
    std::string error;
    CHECK_FALSE(Query::compile(python.grammar(), "((identifier) @id (#match? @id \"[\"))", error));
    CHECK(error.find("bad regex") != std::string::npos);
}

TEST_CASE("query files may inherit another language's patterns") {
    const Language* ts = LanguageRegistry::get().byName("typescript");
    const std::string& source = ts->querySource(QueryKind::Scopes);
    if (source.find("; inherits:") != std::string::npos) {
        // The parent's text comes first, then the file's own.
        const std::string& parent = LanguageRegistry::get().byName("javascript")->querySource(QueryKind::Scopes);
        CHECK(source.rfind(parent, 0) == 0);
    }
    CHECK(ts->compileQuery(QueryKind::Scopes).empty());
}

TEST_CASE("unknown languages work as plain text") {
    Document doc("file:///notes.txt", "plaintext", 1, "hello\nworld\n");
    CHECK(doc.syntax() == nullptr);
    const ContentChange change{TextRange{{1, 0}, {1, 5}}, "there"};
    doc.applyChanges({&change, 1}, 2, PositionEncoding::Utf16);
    CHECK(doc.text().str() == "hello\nthere\n");
    CHECK(doc.version() == 2);
}

TEST_CASE("fixture cases: scopes, node paths, imports and definitions per language") {
    const json::value cases = json::parse(fixture("languages/cases.json"));
    REQUIRE(cases.as_array().size() >= 11);
    std::set<std::string> languagesSeen;
    for (const json::value& c : cases.as_array()) {
        const std::string file(c.at("file").as_string());
        INFO("case " << file << " line " << c.at("line").as_int64());
        Document doc("file:///" + file, std::string(c.at("languageId").as_string()), 1,
                     fixture("languages/" + file));
        REQUIRE(doc.syntax());
        CHECK(doc.syntax()->language().name() == c.at("lang").as_string());
        languagesSeen.insert(std::string(doc.syntax()->language().name()));
        const Text& text = doc.text();
        const auto offset = static_cast<uint32_t>(text.lineStart(static_cast<uint32_t>(c.at("line").as_int64())) +
                                                  c.at("byteColumn").as_int64());

        std::vector<std::string> scopeNames;
        for (const Scope& s : doc.syntax()->scopesAt(offset, text.str()))
            if (!s.name.empty()) scopeNames.push_back(s.name);
        std::vector<std::string> expectedScopes;
        for (const json::value& s : c.at("scopes").as_array()) expectedScopes.emplace_back(s.as_string());
        CHECK(scopeNames == expectedScopes);

        const std::vector<std::string> path = doc.syntax()->nodePath(offset);
        for (const json::value& type : c.at("nodePathIncludes").as_array())
            CHECK(std::find(path.begin(), path.end(), std::string(type.as_string())) != path.end());

        CHECK(doc.syntax()->imports(text.str()).size() == static_cast<size_t>(c.at("imports").as_int64()));

        std::multiset<std::string> definitions;
        for (const Definition& d : doc.syntax()->definitions(text.str())) definitions.insert(d.name);
        std::multiset<std::string> expected;
        for (const json::value& d : c.at("definitions").as_array()) expected.insert(std::string(d.as_string()));
        CHECK(std::set<std::string>(definitions.begin(), definitions.end()) ==
              std::set<std::string>(expected.begin(), expected.end()));
    }
    CHECK(languagesSeen.size() == 11);
}

// Tree-sitter's error recovery depends on the edit history, so inside ERROR nodes an
// incremental tree may legitimately differ from a fresh one. Where the text parses
// cleanly the two must be identical. Each round makes a chain of random edits (which
// usually break the syntax), then undoes them one by one: every round ends on the
// clean original text after incremental passes through broken states.
TEST_CASE("an incrementally updated tree equals a fresh parse after random edits") {
    const std::vector<Sample> all = samples();
    CHECK(all.size() == 11);
    for (const Sample& sample : all) {
        const std::string original = fixture("languages/" + sample.file);
        std::mt19937 rng(static_cast<unsigned>(std::hash<std::string_view>{}(sample.language)));
        Document doc("file:///" + sample.file, sample.languageId, 1, original);
        REQUIRE(doc.syntax());
        REQUIRE_FALSE(doc.syntax()->hasErrors());
        INFO(sample.language);
        int64_t version = 1;
        int exactComparisons = 0;
        auto edit = [&](size_t at, size_t removeLength, const std::string& insert) {
            const Text& text = doc.text();
            const ContentChange change{TextRange{text.positionAt(at, PositionEncoding::Utf8),
                                                 text.positionAt(at + removeLength, PositionEncoding::Utf8)},
                                       insert};
            doc.applyChanges({&change, 1}, ++version, PositionEncoding::Utf8);
            SyntaxTree fresh(doc.syntax()->language(), doc.text().str());
            INFO("edit " << version << " at " << at);
            if (!fresh.hasErrors()) {
                REQUIRE(compareTrees(doc.syntax()->root(), fresh.root()) == "");
                ++exactComparisons;
            }
            REQUIRE(ts_node_end_byte(doc.syntax()->root()) == ts_node_end_byte(fresh.root()));
        };
        for (int round = 0; round < 60; ++round) {
            struct Undo { size_t at; size_t insertedLength; std::string removed; };
            std::vector<Undo> undo;
            for (int k = std::uniform_int_distribution<int>(1, 5)(rng); k > 0; --k) {
                const std::string& text = doc.text().str();
                // Edits splice in pieces of the file itself, so they look like the language.
                const size_t at = snap(text, std::uniform_int_distribution<size_t>(0, text.size())(rng));
                const size_t removeLength =
                    snap(text, std::min(text.size(), at + std::uniform_int_distribution<size_t>(0, 6)(rng))) - at;
                const size_t from = snap(original, std::uniform_int_distribution<size_t>(0, original.size() - 1)(rng));
                const size_t to = snap(original, std::min(original.size(), from + std::uniform_int_distribution<size_t>(0, 10)(rng)));
                const std::string insert = original.substr(from, to - from);
                undo.push_back({at, insert.size(), text.substr(at, removeLength)});
                edit(at, removeLength, insert);
            }
            for (auto it = undo.rbegin(); it != undo.rend(); ++it) edit(it->at, it->insertedLength, it->removed);
            REQUIRE(doc.text().str() == original);
        }
        CHECK(exactComparisons >= 60);
    }
}

TEST_CASE("several changes in one didChange apply in order, then one reparse") {
    Document doc("file:///a.py", "python", 1, "def f():\n    return 1\n");
    const ContentChange changes[] = {
        {TextRange{{0, 4}, {0, 5}}, "g"},
        {TextRange{{1, 11}, {1, 12}}, "2"},
        {TextRange{{1, 12}, {1, 12}}, "\n\ndef h():\n    pass"},
    };
    doc.applyChanges(changes, 2, PositionEncoding::Utf16);
    CHECK(doc.text().str() == "def g():\n    return 2\n\ndef h():\n    pass\n");
    SyntaxTree fresh(*doc.language(), doc.text().str());
    CHECK(compareTrees(doc.syntax()->root(), fresh.root()) == "");
    std::vector<std::string> names;
    for (const Definition& d : doc.syntax()->definitions(doc.text().str())) names.push_back(d.name);
    CHECK(names == std::vector<std::string>{"g", "h"});
}

TEST_CASE("a full-text change replaces the document and its tree") {
    Document doc("file:///a.rs", "rust", 1, "fn a() {}\n");
    const ContentChange changes[] = {
        {std::nullopt, "struct S;\nfn b() {}\n"},
        {TextRange{{1, 3}, {1, 4}}, "c"},
    };
    doc.applyChanges(changes, 5, PositionEncoding::Utf16);
    CHECK(doc.text().str() == "struct S;\nfn c() {}\n");
    CHECK(doc.version() == 5);
    SyntaxTree fresh(*doc.language(), doc.text().str());
    CHECK(compareTrees(doc.syntax()->root(), fresh.root()) == "");
}

TEST_CASE("a budgeted reparse halts, resumes with the same text, and restarts after another edit") {
    using namespace std::chrono_literals;
    std::string source;
    for (int i = 0; i < 2000; ++i) source += "def f" + std::to_string(i) + "(x):\n    return [x, " + std::to_string(i) + "]\n";
    const Language& python = *LanguageRegistry::get().byName("python");
    Text text(source);
    SyntaxTree tree(python, text.str());
    REQUIRE(tree.upToDate());

    // An unclosed bracket near the top: everything after it is lexed again.
    tree.edit(text.replace(text.lineStart(1) + 11, text.lineStart(1) + 11, "(["));
    CHECK_FALSE(tree.upToDate());
    // A zero budget stops at tree-sitter's first progress check.
    REQUIRE_FALSE(tree.reparse(text.str(), 0us));
    CHECK_FALSE(tree.upToDate());
    int slices = 1;
    while (!tree.reparse(text.str(), 0us) && slices < 1000000) ++slices;
    CHECK(slices > 1);
    REQUIRE(tree.upToDate());
    CHECK(compareTrees(tree.root(), SyntaxTree(python, text.str()).root()) == "");

    // Halt again, then edit: the partial parse is dropped and the next one is for the new text.
    tree.edit(text.replace(text.lineStart(3) + 4, text.lineStart(3) + 4, "{"));
    REQUIRE_FALSE(tree.reparse(text.str(), 0us));
    tree.edit(text.replace(text.lineStart(5) + 4, text.lineStart(5) + 4, "x = "));
    REQUIRE(tree.reparse(text.str()));
    CHECK(compareTrees(tree.root(), SyntaxTree(python, text.str()).root()) == "");
}

TEST_CASE("a parse's cost counts all its slices, and an abandoned parse's time is kept") {
    using namespace std::chrono_literals;
    using Clock = std::chrono::steady_clock;
    std::string source;
    for (int i = 0; i < 2000; ++i) source += "def f" + std::to_string(i) + "(x):\n    return [x, " + std::to_string(i) + "]\n";
    const Language& python = *LanguageRegistry::get().byName("python");
    Text text(source);
    SyntaxTree tree(python, text.str());
    CHECK(tree.lastParseCost() == 0ns);  // the first, full parse says nothing of a keystroke's

    // A sliced reparse: its cost is the time spent in its slices, no more.
    tree.edit(text.replace(text.lineStart(1) + 11, text.lineStart(1) + 11, "(["));
    Clock::duration spent{0};
    int halted = 0;
    for (bool done = false; !done;) {
        const auto start = Clock::now();
        done = tree.reparse(text.str(), 500us);
        spent += Clock::now() - start;
        if (!done) ++halted;
    }
    REQUIRE(halted > 0);
    CHECK(tree.lastParseCost() >= halted * 500us);  // a slice halts only past its deadline
    CHECK(tree.lastParseCost() <= spent);

    // Halted slices, then an edit: the partial parse is dropped but what it took stays
    // the cost, even though the one before it was cheap.
    tree.edit(text.replace(text.lineStart(1) + 11, text.lineStart(1) + 13, ""));
    REQUIRE(tree.reparse(text.str()));
    tree.edit(text.replace(text.lineStart(3) + 4, text.lineStart(3) + 4, "x"));
    REQUIRE(tree.reparse(text.str()));  // a cheap keystroke
    tree.edit(text.replace(text.lineStart(1) + 11, text.lineStart(1) + 11, "(["));
    int slices = 0;
    while (slices < 5 && !tree.reparse(text.str(), 200us)) ++slices;
    REQUIRE(slices == 5);  // five halted slices of the re-lex, 200 µs or more each
    CHECK_FALSE(tree.lastParseAbandoned());
    tree.edit(text.replace(text.lineStart(5) + 4, text.lineStart(5) + 4, "y"));
    CHECK(tree.lastParseCost() >= 5 * 200us);
    CHECK(tree.lastParseAbandoned());
    CHECK(tree.reparse(text.str()));
    CHECK_FALSE(tree.lastParseAbandoned());
}

TEST_CASE("Document::parsedSyntax finishes a pending parse") {
    using namespace std::chrono_literals;
    std::string source;
    for (int i = 0; i < 2000; ++i) source += "def f" + std::to_string(i) + "(x):\n    return [x, " + std::to_string(i) + "]\n";
    Document doc("file:///a.py", "python", 1, source);
    // An unclosed bracket: every later token is lexed again, far past the first progress check.
    const ContentChange change{TextRange{{1, 11}, {1, 11}}, "(["};
    doc.applyChanges({&change, 1}, 2, PositionEncoding::Utf16, 0us);
    CHECK(doc.parsePending());
    CHECK(doc.version() == 2);
    const SyntaxTree* tree = doc.parsedSyntax();
    CHECK_FALSE(doc.parsePending());
    CHECK(compareTrees(tree->root(), SyntaxTree(*doc.language(), doc.text().str()).root()) == "");
}

TEST_CASE("a background full parse gives up once told to (the server's exit never waits for it)") {
    const Language* python = LanguageRegistry::get().forLanguageId("python");
    REQUIRE(python);
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "def f" + std::to_string(i) + "(x):\n    return x + " + std::to_string(i) + "\n";
    std::atomic<bool> abandon{false};
    const auto whole = SyntaxTree::parseUnless(*python, text, abandon);
    REQUIRE(whole);
    CHECK(whole->upToDate());
    CHECK_FALSE(whole->hasErrors());
    CHECK(whole->definitions(text).size() == 2000);

    abandon = true;
    CHECK(SyntaxTree::parseUnless(*python, text, abandon) == nullptr);
}
