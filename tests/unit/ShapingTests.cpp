// Output shaping: each rule on its own, the syntax facts at the cursor, the re-parse
// with the suggestion applied, and the streaming property (every partial extends the
// one before; the final result extends them all). Per-language goldens are in
// ShapingGoldenTests.cpp.
#include "context/CompletionContext.h"
#include "suggest/Shaping.h"
#include "suggest/ShapingSyntax.h"
#include "workspace/Document.h"

#include <catch2/catch.hpp>
#include <memory>
#include <random>

using namespace flint;

namespace {

constexpr std::string_view kCursor = "<|cursor|>";

// A document with the cursor where `marked` has <|cursor|>.
struct Cursor {
    std::unique_ptr<Document> doc;
    size_t offset = 0;
    CompletionContext context;

    ShapingOptions options(bool chat = false) const {
        return {.singleLine = wantsSingleLine(*doc, offset, context), .fromChat = chat};
    }
    ShapingSite site(bool chat = false) const {
        return ShapingSite(*doc, offset, context, options(chat));
    }
    std::string shape(std::string_view reply, bool chat = false) const {
        const ShapingSite s = site(chat);
        return shapeSuggestion(reply, s);
    }
    bool singleLine() const { return wantsSingleLine(*doc, offset, context); }
};

Cursor at(const std::string& languageId, std::string marked) {
    Cursor c;
    c.offset = marked.find(kCursor);
    REQUIRE(c.offset != std::string::npos);
    marked.erase(c.offset, kCursor.size());
    const std::string ext = languageId == "python"      ? "py"
                            : languageId == "plaintext" ? "txt"
                                                        : languageId;
    c.doc = std::make_unique<Document>("file:///t/a." + ext, languageId, 1, marked);
    c.context = buildCompletionContext(*c.doc, c.offset, {});
    return c;
}

// Streams `reply` in the given chunk sizes (cycled) and checks the invariant; returns
// the final result.
std::string streamed(const Cursor& c, std::string_view reply, const std::vector<size_t>& chunks,
                     bool chat = false) {
    const ShapingSite site = c.site(chat);
    std::string shown;
    size_t n = 0;
    for (size_t i = 0; n < reply.size(); ++i) {
        n = std::min(reply.size(), n + chunks[i % chunks.size()]);
        const PartialSuggestion step = shapePartial(reply.substr(0, n), site, shown);
        INFO("after " << n << " bytes: [" << step.text << "] after [" << shown << "]");
        REQUIRE(step.text.starts_with(shown));
        shown = step.text;
        if (step.settled) break;
    }
    const std::string final = shapeSuggestion(reply.substr(0, n), site, shown);
    INFO("final [" << final << "] after [" << shown << "]");
    CHECK(final.starts_with(shown));
    return final;
}

} // namespace

TEST_CASE("shaping text rules: fences, single line, trailing whitespace, blank results") {
    // Plain text: no tree, so only the text rules apply.
    const Cursor c = at("plaintext", "print(<|cursor|>)\nreturn x\n");
    REQUIRE_FALSE(c.doc->syntax());
    CHECK(c.shape("```python\nfoo(1)\n```", true) ==
          "foo(1)"); // the fence goes, the pair stays whole
    CHECK(c.shape("```\n```", true).empty());
    CHECK(c.shape("  \n\t").empty());
    CHECK(c.shape("a, b  \n\n") == "a, b");
    CHECK(c.shape("a, b)\nreturn x\n") == "a, b"); // the whole repeated tail
    CHECK(c.shape("x + 1\nmore") == "x + 1\nmore");

    const Cursor single = at("plaintext", "value = <|cursor|>compute()\n");
    CHECK(single.singleLine());
    CHECK(single.shape("x + 1\nmore") == "x + 1");
    // One repeated ordinary character is not taken for overlap.
    const Cursor word = at("plaintext", "item<|cursor|>s = 1\n");
    CHECK(word.shape("s") == "s");

    // While streaming: an unfinished fence line shows nothing yet; a closing fence, a
    // possible overlap and trailing whitespace are held back.
    const ShapingSite site = c.site(true);
    CHECK(shapePartial("```pyth", site, "").text.empty());
    CHECK(shapePartial("```python\nfoo(1)\n``", site, "").text == "foo(1)");
    CHECK(shapePartial("```python\nfoo(x", site, "").text == "foo(x");
    CHECK(shapePartial("```python\nfoo(x) ", site, "").text == "foo(x)");
    CHECK(
        shapePartial("```python\nfoo(x)\n```", site, "").settled); // the fence closed
}

TEST_CASE("shaping: a tail repeating the text after the cursor goes, unless it closes the "
          "suggestion's own bracket") {
    const Cursor c = at("plaintext", "print(<|cursor|>)\n");
    CHECK(c.shape("format(user))") == "format(user)");
    CHECK(c.shape("format(user)") == "format(user)"); // the old rule cut this to "format(user"
    const Cursor semi = at("plaintext", "x = <|cursor|>;\n");
    CHECK(semi.shape("compute();") == "compute()");
    CHECK(semi.shape("[1, 2];") == "[1, 2]");
    // Overlap across lines in multi-line mode.
    const Cursor block = at("plaintext", "if (x) {\n  <|cursor|>\n  return y;\n}\n");
    CHECK(block.shape("y = 2;\n  return y;\n}") == "y = 2;");
}

TEST_CASE("shaping: the line below the cursor is not repeated") {
    const Cursor c = at("plaintext", "def f(x):\n    y = x + 1\n    <|cursor|>\n    return y\n");
    CHECK(c.shape("y = y * 2\n    return y") == "y = y * 2");
    CHECK(c.shape("y = y * 2\n    return y\n    print(y)") == "y = y * 2");
    // The same words at another depth are another line.
    CHECK(c.shape("if y:\n        return y\n    return y") == "if y:\n        return y");
    // A suggestion that is only the next line is nothing.
    CHECK(c.shape("return y").empty());
    // Lines without a letter or digit never count (`}` belongs to the bracket rule).
    const Cursor braces = at("plaintext", "a {\n  <|cursor|>\n}\n");
    CHECK(braces.shape("b {\n  c\n}") == "b {\n  c\n}");

    // While streaming, a line that may still become the repeat is held back; one that
    // cannot is shown at once.
    const ShapingSite site = c.site();
    CHECK(shapePartial("y = y * 2\n    retu", site, "").text == "y = y * 2");
    CHECK(shapePartial("y = y * 2\n    retry", site, "").text ==
          "y = y * 2\n    retry");
    const PartialSuggestion repeated =
        shapePartial("y = y * 2\n    return y\n", site, "");
    CHECK(repeated.text == "y = y * 2");
    CHECK(repeated.settled);
}

TEST_CASE("shaping brackets: only the suggestion's own closers, none the text after the cursor "
          "already has") {
    const Cursor c = at("plaintext", "show(format(<|cursor|>))\n");
    CHECK(c.shape("a, b))") == "a, b"); // duplicates of the two closers after the cursor
    CHECK(c.shape("a, (b + 1))) + 2") == "a, (b + 1)");
    CHECK(c.shape("a]") == "a");     // matches nothing open
    CHECK(c.shape("x[0)") == "x[0"); // closes the wrong one of its own
    // Brackets in strings and comments do not count.
    CHECK(c.shape("\")\", ')'") == "\")\", ')'");
    CHECK(c.shape("a /* ) */ , b") == "a /* ) */ , b");
    // A bracket the text after the cursor leaves open may be closed.
    const Cursor open = at("plaintext", "call(a,\n  <|cursor|>\nnext()\n");
    CHECK(open.shape("b)\nmore") == "b)\nmore");

    // The lexical scan (no tree) and the tree agree on what is open at the cursor.
    const std::vector<OpenBracket> scanned = scanOpenBrackets("f(a, [1, {\"(\": ", "2}], g(h)\n");
    REQUIRE(scanned.size() == 3);
    CHECK(scanned[0].open == '{');
    CHECK(scanned[0].closedAfter);
    CHECK(scanned[1].open == '[');
    CHECK(scanned[1].closedAfter);
    CHECK(scanned[2].open == '(');
    CHECK_FALSE(scanned[2].closedAfter); // the text ends before f's ")" comes

    const Cursor js = at("javascript", "f(a, [1, {\"(\": <|cursor|>2}], g(h)\nlet y = 1;\n");
    const auto tree = openBracketsAt(*js.doc, js.offset);
    REQUIRE(tree);
    REQUIRE(tree->size() == 3);
    CHECK((*tree)[0].open == '{');
    CHECK((*tree)[0].closedAfter);
    CHECK((*tree)[1].open == '[');
    CHECK((*tree)[1].closedAfter);
    CHECK((*tree)[2].open == '(');
    CHECK_FALSE((*tree)[2].closedAfter);
}

TEST_CASE("shaping indentation: typed indentation, tabs and widths") {
    // The document's style, read from the lines before the cursor.
    CHECK(detectIndentStyle("a:\n  b:\n    c\n  d\n", "").width == 2);
    CHECK_FALSE(detectIndentStyle("a:\n  b:\n    c\n", "").tabs);
    CHECK(detectIndentStyle("a {\n\tb {\n\t\tc\n", "").tabs);
    CHECK(detectIndentStyle("a {\n    b\n", "\t").tabs); // the cursor line decides

    const IndentStyle fourSpaces{.tabs = false, .width = 4};
    const IndentStyle twoSpaces{.tabs = false, .width = 2};
    const IndentStyle tabs{.tabs = true, .width = 4};
    // The first line repeating what is typed loses it.
    CHECK(reindent("        return x", "        ", "        ", fourSpaces) == "return x");
    CHECK(reindent("            return x", "        ", "        ", fourSpaces) == "    return x");
    CHECK(reindent("  x", "        ", "        ", fourSpaces) == "x");
    CHECK(reindent("  x", "y = ", "", fourSpaces) == "  x"); // code before the cursor: untouched
    // A model writing 4-space levels in a 2-space file, at the cursor's level and deeper.
    CHECK(reindent("if x:\n        y()\n            z()", "    ", "    ", twoSpaces) ==
          "if x:\n    y()\n      z()");
    CHECK(reindent("if x:\n            y()", "    ", "    ", twoSpaces) == "if x:\n      y()");
    // Spaces in a file indented with tabs, and tabs in one indented with spaces.
    CHECK(reindent("if x {\n        y()\n    }", "\t", "\t", tabs) == "if x {\n\t\ty()\n\t}");
    CHECK(reindent("if x:\n\t\ty()", "    ", "    ", fourSpaces) == "if x:\n        y()");
    // A model that follows the file is left alone.
    CHECK(reindent("if x:\n      y()\n    z()", "    ", "    ", twoSpaces) ==
          "if x:\n      y()\n    z()");
    // Whitespace-only lines between others become empty.
    CHECK(reindent("a\n   \nb", "", "", fourSpaces) == "a\n\nb");

    // Through the whole pipeline: a Go file (tabs) and a model writing spaces.
    const Cursor go =
        at("go", "package main\n\nfunc f(xs []int) int {\n\ttotal := 0\n\t<|cursor|>\n}\n");
    CHECK(go.shape("for _, x := range xs {\n        total += x\n    }\n    return total") ==
          "for _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total");
}

TEST_CASE("shaping line mode from the syntax at the cursor") {
    // Code after the cursor on its line: one line (today's rule, kept).
    CHECK(at("python", "x = foo(<|cursor|>a)\n").singleLine());
    // After a block opener at the end of the line: several.
    CHECK_FALSE(at("python", "def f(x):<|cursor|>\n").singleLine());
    CHECK_FALSE(at("python", "class A:\n    def f(self):<|cursor|>").singleLine());
    CHECK_FALSE(at("c", "int f(int x) {<|cursor|>\n}\n").singleLine());
    CHECK_FALSE(at("javascript", "const config = {<|cursor|>\n};\n").singleLine());
    CHECK_FALSE(at("go", "func f() {<|cursor|>\n}\n").singleLine());
    // On a blank line, and after a complete statement: several.
    CHECK_FALSE(at("python", "def f(x):\n    y = 1\n    <|cursor|>\n").singleLine());
    CHECK_FALSE(at("c", "void f() {\n  x = 1;<|cursor|>\n}\n").singleLine());
    CHECK_FALSE(at("rust", "fn f() {\n    let x = 1;<|cursor|>\n}\n").singleLine());
    // In the middle of an expression or an unfinished statement: one.
    CHECK(at("python", "def f(x):\n    y = x +<|cursor|>\n").singleLine());
    CHECK(at("python", "def f(x):\n    y = foo(a,<|cursor|>\n").singleLine());
    CHECK(at("c", "void f() {\n  int y = x *<|cursor|>\n}\n").singleLine());
    CHECK(at("java", "class A {\n  void f() {\n    int y = x +<|cursor|>\n  }\n}\n").singleLine());
    CHECK(
        at("typescript", "function f(x: number) {\n  const y = x ||<|cursor|>\n}\n").singleLine());
    // In a line comment: one.
    CHECK(at("python", "def f(x):\n    # returns the<|cursor|>\n").singleLine());
    CHECK(at("cpp", "int f() {\n  // the answer<|cursor|>\n  return 42;\n}\n").singleLine());
    CHECK(at("rust", "fn f() {\n    // the answer<|cursor|>\n}\n").singleLine());
    // Plain text: the text rule alone.
    CHECK_FALSE(at("plaintext", "x = y +<|cursor|>\n").singleLine());
}

TEST_CASE("shaping re-parse: the suggestion stops where the unit the cursor is in ends") {
    const Cursor py = at("python", "class Greeter:\n"
                                   "    def greet(self, name):\n"
                                   "        message = 'hello ' + name\n"
                                   "        <|cursor|>\n");
    CHECK(py.shape("return message\n\ndef shout(name):\n    return name.upper()") ==
          "return message");
    CHECK(py.shape("print(message)\n        return message\n\n    def wave(self):\n        pass") ==
          "print(message)\n        return message");
    // A statement being finished ends with the statement.
    const Cursor stmt = at("javascript", "function f(a) {\n  const x = compute<|cursor|>\n}\n");
    CHECK(stmt.shape("(a, 2);\n  return x;") == "(a, 2);");
    // A C function at the end of the file: the block closes, the next function goes.
    const Cursor c = at("c", "int twice(int x) {\n    <|cursor|>");
    CHECK(c.shape("return 2 * x;\n}\n\nint thrice(int x) {\n    return 3 * x;\n}") ==
          "return 2 * x;\n}");

    // The unit end settles a stream: nothing the model sends after it can change it.
    const ShapingSite site = py.site();
    const PartialSuggestion step =
        shapePartial("return message\n\ndef shout(name):\n", site, "");
    CHECK(step.text == "return message");
    CHECK(step.settled);
}

TEST_CASE(
    "shaping: a partial result says when its last line is whole (the standard response can go)") {
    const Cursor c = at("python", "def f(x):\n    <|cursor|>\n");
    const ShapingSite site = c.site();
    PartialSuggestion step = shapePartial("y = x + 1", site, "");
    CHECK(step.text.empty()); // a new line is shown once it is whole
    CHECK_FALSE(step.lineDone);
    step = shapePartial("y = x + 1\n    ret", site, "");
    CHECK(step.text == "y = x + 1");
    CHECK(step.lineDone);
    // Code before the cursor on its line: the first line streams by words.
    const Cursor mid = at("python", "def f(x):\n    y = <|cursor|>\n");
    const ShapingSite midSite = mid.site();
    // The open word is held back; what is before it leaves the user's unfinished line as
    // unfinished as it was (no error added), so it shows.
    step = shapePartial("x + 1 if x else", midSite, "");
    CHECK(step.text == "x + 1 if x");
    CHECK_FALSE(step.lineDone);
    step = shapePartial("x + 1 if x else 0\n", midSite, step.text);
    CHECK(step.text == "x + 1 if x else 0");
    CHECK(step.lineDone);
}

TEST_CASE("shaping re-parse: a suggestion that adds a syntax error is cut back to a clean line, or "
          "dropped") {
    const Cursor py = at("python", "def area(r):\n    <|cursor|>\n\nprint(area(2))\n");
    CHECK(py.shape("return 3.14 * r r").empty());
    CHECK(py.shape("pi = 3.14\n    return pi * r *").empty() == false);
    CHECK(py.shape("pi = 3.14\n    return pi * r *") == "pi = 3.14");
    CHECK(py.shape("pi = 3.14\n    return pi * r * r") == "pi = 3.14\n    return pi * r * r");
    // Errors the text already had do not count against the suggestion.
    const Cursor broken = at("python", "def area(r):\n    <|cursor|>\n\nprint(area(2)\n");
    REQUIRE(broken.doc->syntax()->hasErrors());
    CHECK(broken.shape("return r * r") == "return r * r");
    // C++: an unbalanced suggestion inside a balanced function.
    const Cursor cpp = at("cpp", "int f(int x) {\n    <|cursor|>\n    return x;\n}\n");
    CHECK(cpp.shape("if (x > 0) {\n        x = -x;") == "");
    CHECK(cpp.shape("if (x > 0) {\n        x = -x;\n    }") ==
          "if (x > 0) {\n        x = -x;\n    }");

    // While streaming, text that does not parse yet is held back and shown once it does.
    const ShapingSite site = py.site();
    std::string shown = shapePartial("pi = 3.14\n    return (pi", site, "").text;
    CHECK(shown == "pi = 3.14");
    shown = shapePartial("pi = 3.14\n    return (pi * r)\n", site, shown).text;
    CHECK(shown == "pi = 3.14\n    return (pi * r)");
}

TEST_CASE("shaping re-parse in a 10,000-line file: incremental and windowed, none for a suggestion "
          "left open") {
    std::string source;
    for (int i = 0; i < 1000; ++i)
        source += "def f" + std::to_string(i) + "(x):\n    y = x + " + std::to_string(i) +
                  "\n    return y\n\n\n";
    const std::string marker = "def f500(x):\n    y = x + 500\n";
    const size_t where = source.find(marker) + marker.size();
    source.insert(where, "    <|cursor|>\n");
    const Cursor c = at("python", source);
    REQUIRE(c.doc->text().lineCount() > 5000);
    const ShapingSite site = c.site();
    // An unclosed bracket would make tree-sitter re-lex everything after it: the bracket
    // scan knows it cannot parse, and no re-parse is run for it or its cut-backs.
    CHECK(shapeSuggestion("z = [y,\n    return z", site).empty());
    CHECK(site.parser().parses() == 0);
    CHECK(shapeSuggestion("z = [y]\n    return z", site) == "z = [y]\n    return z");
    CHECK(site.parser().parses() == 2); // the original window, then the suggestion in it
    // The same suggestion again is remembered (streamed steps repeat).
    CHECK(site.parser().check("z = [y]\n    return z").clean);
    CHECK(site.parser().parses() == 2);
}

TEST_CASE("shaping judges a suggestion against the text it was asked for, however the document moves on") {
    Cursor c = at("python", "def f(x):\n    <|cursor|>\n");
    const ShapingSite site = c.site();
    // The user types on (here: breaks the line above); the stream still shapes for the
    // text it was asked for, with the syntax rules.
    const ContentChange change{TextRange{{0, 0}, {0, 0}}, "def broken(:\n"};
    c.doc->applyChanges({&change, 1}, 2, PositionEncoding::Utf16);
    CHECK(site.parser().check("return x").parsed);
    CHECK(site.parser().check("return x").clean);
    CHECK(shapeSuggestion("return x +", site).empty()); // still judged: it does not parse
    CHECK(shapeSuggestion("return x", site) == "return x");
    // The document may even be gone.
    c.doc.reset();
    CHECK(shapeSuggestion("return x\n\ndef g():\n    pass", site) == "return x");
}

TEST_CASE("shaping streams only grow: every partial extends the last, the final extends them all") {
    // `breaks`: the reply adds a syntax error. Then a streamed result may keep more than
    // the same reply shaped in one go (which cuts back to a clean line): what was shown
    // was clean, and shown text is never taken back.
    struct Sample {
        std::string language;
        std::string document;
        std::string reply;
        bool chat;
        bool breaks = false;
    };
    const std::vector<Sample> samples = {
        {"python", "def f(x):\n    <|cursor|>\n    return y\n",
         "```python\nif x:\n    y = foo(1)\n```", true},
        {"python", "class A:\n    def f(self):\n        <|cursor|>\n",
         "a = [1,\n            2]\n        return a\n\ndef g():\n    pass", false},
        {"python", "def f(x):\n    print(<|cursor|>)\n", "format(x, (1, 2)))\nprint(x)", false},
        {"python", "def f(x):\n    y = 1\n    <|cursor|>\n    return y\n", "y += 1\n    return y\n",
         false},
        {"python", "def area(r):\n    <|cursor|>\n", "pi = 3.14\n    return pi * r r", false, true},
        {"c", "int f(int x) {\n    <|cursor|>\n}\n",
         "if (x) {\n        x++;\n    }\n    return x;\n}\nint g() {}", false},
        {"cpp", "int f(int x) {\n    return g(<|cursor|>);\n}\n", "x, h(x));\n", false},
        {"javascript", "const o = {\n  <|cursor|>\n};\n",
         "a: 1,\n  b: [2, 3],\n};\nconsole.log(o);", false},
        {"go", "package main\n\nfunc f() int {\n\t<|cursor|>\n}\n",
         "x := 1\n        return x\n}\n\nfunc g() {}", false},
        {"rust", "fn f(v: &[i32]) -> i32 {\n    <|cursor|>\n}\n", "```rust\nv.iter().sum()\n}\n```",
         true},
        {"java", "class A {\n  int f(int x) {\n    <|cursor|>\n  }\n}\n",
         "return x * 2;\n  }\n\n  int g() { return 1; }", false},
        {"typescript", "function f(x: number): number {\n  return <|cursor|>\n}\n",
         "x * 2;\n}\nfunction g() {}", false},
        {"plaintext", "say(<|cursor|>)\n", "\"hi\") and more", false},
    };
    std::mt19937 random(20240611);
    for (const Sample& sample : samples) {
        INFO(sample.language << ": " << sample.reply);
        const Cursor c = at(sample.language, sample.document);
        const std::string oneShot = c.shape(sample.reply, sample.chat);
        const ShapingSite site = c.site(sample.chat);
        auto agrees = [&](const std::string& result) {
            INFO("streamed [" << result << "], in one go [" << oneShot << "]");
            if (!sample.breaks) {
                CHECK(result == oneShot);
                return;
            }
            CHECK(result.starts_with(oneShot));
            if (c.doc->syntax() && !result.empty())
                CHECK(site.parser().check(result).clean);
        };
        // Byte by byte, whole, and in random chunkings of 1-12 bytes.
        agrees(streamed(c, sample.reply, {1}, sample.chat));
        agrees(streamed(c, sample.reply, {sample.reply.size()}, sample.chat));
        for (int round = 0; round < 20; ++round) {
            std::vector<size_t> chunks;
            for (int i = 0; i < 64; ++i)
                chunks.push_back(std::uniform_int_distribution<size_t>(1, 12)(random));
            agrees(streamed(c, sample.reply, chunks, sample.chat));
        }
    }
}

TEST_CASE("shaping's re-parsed window starts at the top-level item holding the cursor") {
    auto startOf = [](const std::string& text, const std::string& marker) { return text.find(marker); };
    SECTION("python: the class, not the file's start") {
        const std::string text = "import os\n\nclass A:\n    def f(self):\n        return 1\n\n"
                                 "class B:\n    def g(self):\n        x = 1\n        return x\n";
        Document doc("file:///w.py", "python", 1, text);
        const size_t cursor = text.find("x = 1") + 5;
        SuggestionParser parser(doc, cursor);
        CHECK(parser.windowStart() == startOf(text, "class B"));
        // The verdicts stay what they are: a clean line is clean, a broken one is not.
        CHECK(parser.check("\n        y = x * 2").clean);
        CHECK_FALSE(parser.check("\n        y = = 2").clean);
    }
    SECTION("cpp: the function inside the namespace, not the namespace") {
        const std::string text = "#include <string>\n\nnamespace app {\n\nint one() { return 1; }\n\n"
                                 "int two() {\n    int x = 1;\n    return x;\n}\n\n} // namespace app\n";
        Document doc("file:///w.cpp", "cpp", 1, text);
        const size_t cursor = text.find("int x = 1;") + 10;
        SuggestionParser parser(doc, cursor);
        CHECK(parser.windowStart() == startOf(text, "int two"));
        CHECK(parser.check("\n    x += 2;").clean);
        CHECK_FALSE(parser.check("\n    x += ;").clean);
    }
    SECTION("cpp: a cursor right after the namespace's opening brace starts past the brace") {
        const std::string text = "namespace app {\nint one() { return 1; }\n}\n";
        Document doc("file:///w.cpp", "cpp", 1, text);
        SuggestionParser parser(doc, text.find('{') + 1);
        CHECK(parser.windowStart() == text.find('{') + 1);
    }
    SECTION("rust: the item inside the module") {
        const std::string text = "mod shapes {\n    fn one() -> i32 { 1 }\n\n    fn two() -> i32 {\n        let x = 1;\n"
                                 "        x\n    }\n}\n";
        Document doc("file:///w.rs", "rust", 1, text);
        SuggestionParser parser(doc, text.find("let x = 1;") + 10);
        CHECK(parser.windowStart() == startOf(text, "fn two"));
        CHECK(parser.check("\n        let y = x;").clean);
    }
}
