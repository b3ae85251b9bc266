// Code actions, the pure part: what is offered where, the region each rewrites,
// the prompts (pinned by golden files), and the check of the model's rewrite.
#include "actions/CodeActions.h"
#include "workspace/Document.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace flint;

namespace {

const std::string kPython =
    "import math\n"                            // line 0
    "\n"                                       // 1
    "class Shape:\n"                           // 2
    "    def area(self, r):\n"                 // 3
    "        total = 0\n"                      // 4
    "        total = total + math.pi * r * r\n"  // 5
    "        return total\n"                   // 6
    "\n"                                       // 7
    "def unused():\n"                          // 8
    "    pass\n";                              // 9

uint32_t at(const Document& doc, uint32_t line, uint32_t character = 0) {
    return static_cast<uint32_t>(doc.text().offsetAt({line, character}, PositionEncoding::Utf8));
}

std::vector<ActionKind> kinds(const std::vector<OfferedAction>& offers) {
    std::vector<ActionKind> out;
    for (const auto& o : offers) out.push_back(o.kind);
    return out;
}

std::string apply(std::string text, const std::vector<ActionEdit>& edits) {
    for (auto it = edits.rbegin(); it != edits.rend(); ++it)
        text.replace(it->startByte, it->endByte - it->startByte, it->text);
    return text;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Compares with tests/golden/actions/<name>; FLINT_UPDATE_GOLDENS=1 rewrites the file.
void checkGolden(const std::string& name, const std::string& actual) {
    const std::string path = std::string(FLINT_TEST_GOLDENS) + "/actions/" + name;
    if (std::getenv("FLINT_UPDATE_GOLDENS")) std::ofstream(path, std::ios::binary) << actual;
    INFO("golden file " << path << " (FLINT_UPDATE_GOLDENS=1 rewrites it)");
    CHECK(readFile(path) == actual);
}

} // namespace

TEST_CASE("actions offered: by selection, scope and diagnostics, with no model call") {
    Document doc("file:///shape.py", "python", 1, kPython);
    // A selection inside area(): rewrite, complete, document, instruct.
    auto offers = offerActions(doc, at(doc, 4, 8), at(doc, 5, 20), {});
    CHECK(kinds(offers) == std::vector{ActionKind::Rewrite, ActionKind::Complete, ActionKind::Document,
                                       ActionKind::Instruct});
    CHECK(offers[1].title == "Flint: Complete the body of area()");
    CHECK(offers[2].scopeName == "area()");
    CHECK(offers[0].lspKind == "refactor.rewrite");

    // A bare cursor in the class body but outside any method: document the class.
    offers = offerActions(doc, at(doc, 2, 3), at(doc, 2, 3), {});
    CHECK(kinds(offers) == std::vector{ActionKind::Document, ActionKind::Instruct});
    CHECK(offers[0].title == "Flint: Document Shape");

    // Diagnostics touching the selection each get a quick fix, first.
    ActionDiagnostic near{at(doc, 5, 8), at(doc, 5, 13), "\"total\" is reassigned\nmore detail", "pylint"};
    ActionDiagnostic far{at(doc, 9, 4), at(doc, 9, 8), "unnecessary pass", "pylint"};
    offers = offerActions(doc, at(doc, 5, 10), at(doc, 5, 10), {near, far});
    REQUIRE(offers.size() >= 2);
    CHECK(offers[0].kind == ActionKind::Fix);
    CHECK(offers[0].lspKind == "quickfix");
    CHECK(offers[0].title == "Flint: Fix \"\"total\" is reassigned\"");
    CHECK(offers[1].kind != ActionKind::Fix);  // the far one is not offered here
}

TEST_CASE("action regions: whole lines, the enclosing function, capped") {
    Document doc("file:///shape.py", "python", 1, kPython);
    OfferedAction rewrite{ActionKind::Rewrite, "", "", at(doc, 4, 10), at(doc, 5, 3), {}, ""};
    ActionRegion r = regionFor(doc, rewrite);
    CHECK(r.startByte == at(doc, 4));
    CHECK(r.endByte == at(doc, 6));

    // A selection that ends at the start of a line does not take that line in.
    rewrite.startByte = at(doc, 4);
    rewrite.endByte = at(doc, 6);
    r = regionFor(doc, rewrite);
    CHECK(r.endByte == at(doc, 6));

    OfferedAction complete{ActionKind::Complete, "", "", at(doc, 5, 4), at(doc, 5, 4), {}, "area()"};
    r = regionFor(doc, complete);
    CHECK(r.startByte == at(doc, 3));
    CHECK(r.endByte == at(doc, 7));

    // The last line of the file, with no final line break, still counts whole.
    Document bare("file:///b.py", "python", 1, "x = 1\ny = 2");
    OfferedAction last{ActionKind::Rewrite, "", "", 7, 9, {}, ""};
    r = regionFor(bare, last);
    CHECK(r.startByte == 6);
    CHECK(r.endByte == 11);

    std::string big;
    for (int i = 0; i < 500; ++i) big += "x" + std::to_string(i) + " = " + std::to_string(i) + "\n";
    Document large("file:///large.py", "python", 1, big);
    OfferedAction all{ActionKind::Rewrite, "", "", 0, static_cast<uint32_t>(big.size()), {}, ""};
    r = regionFor(large, all);
    CHECK(large.text().lineOf(r.endByte) == kMaxRegionLines);
}

TEST_CASE("action prompts are data, pinned by golden files") {
    Document doc("file:///shape.py", "python", 1, kPython);
    ActionDiagnostic diagnostic{at(doc, 5, 8), at(doc, 5, 13), "\"total\" is reassigned", "pylint"};
    for (ActionKind kind : {ActionKind::Rewrite, ActionKind::Document, ActionKind::Fix, ActionKind::Complete,
                            ActionKind::Instruct}) {
        OfferedAction action{kind, "", "", at(doc, 4, 8), at(doc, 5, 20), std::nullopt, "area()"};
        if (kind == ActionKind::Fix) action.diagnostic = diagnostic;
        const ModelRequest request =
            buildActionRequest(doc, action, regionFor(doc, action), "use math.pow for the square");
        CHECK(request.temperature == 0.0);
        checkGolden(std::string(toString(kind)) + ".txt", "## system\n" + request.system + "\n## user\n" + request.user);
    }
}

TEST_CASE("a rewrite becomes minimal edits, or is refused with a reason") {
    Document doc("file:///shape.py", "python", 1, kPython);
    const ActionRegion region{at(doc, 3), at(doc, 7)};
    const std::string original = kPython.substr(region.startByte, region.endByte - region.startByte);

    SECTION("one changed line: one edit of the changed characters") {
        std::string rewrite = original;
        rewrite.replace(rewrite.find("math.pi * r * r"), 15, "math.pi * r ** 2");
        const RewriteCheck check = checkRewrite(doc, region, rewrite);
        REQUIRE(check.refusal.empty());
        REQUIRE(check.edits.size() == 1);
        CHECK(check.edits[0].text == "* 2");  // " r" became "* 2": the rest of the line stays
        CHECK(check.edits[0].endByte - check.edits[0].startByte == 2);
        CHECK(apply(kPython, check.edits) == kPython.substr(0, region.startByte) + rewrite + kPython.substr(region.endByte));
    }
    SECTION("two hunks with an unchanged line between, from a fenced reply without a final line break") {
        const std::string rewrite =
            "```python\n"
            "    def area(self, radius):\n"
            "        total = 0\n"
            "        total = total + math.pi * radius * radius\n"
            "        return total\n"
            "```";
        const RewriteCheck check = checkRewrite(doc, region, rewrite);
        REQUIRE(check.refusal.empty());
        // "r" → "radius" in the signature and twice in the changed line: each use is
        // its own small edit (next-edit's diff refines a hunk to tokens).
        REQUIRE(check.edits.size() == 3);
        for (const ActionEdit& edit : check.edits) CHECK(edit.text == "adius");
        CHECK(check.edits[0].startByte == at(doc, 3, 20));  // right after "(self, r"
        const std::string expected = "    def area(self, radius):\n        total = 0\n"
                                     "        total = total + math.pi * radius * radius\n        return total\n";
        CHECK(apply(kPython, check.edits) == kPython.substr(0, region.startByte) + expected + kPython.substr(region.endByte));
    }
    SECTION("adjacent changed lines and a deleted line make one hunk") {
        const std::string rewrite = "    def area(self, r):\n        return math.pi * r * r\n";
        const RewriteCheck check = checkRewrite(doc, region, rewrite);
        // One hunk, refined: "total = 0 ... total + " becomes "return ", and the old
        // return line goes.
        REQUIRE(check.edits.size() == 2);
        CHECK(check.edits[0].text == "return ");
        CHECK(check.edits[1].text.empty());
        CHECK(apply(kPython, check.edits) == kPython.substr(0, region.startByte) + rewrite + kPython.substr(region.endByte));
    }
    SECTION("non-ASCII text is never split inside a character") {
        Document accents("file:///a.py", "python", 1, "s = 'h\xC3\xA9llo'\n");
        const RewriteCheck check = checkRewrite(accents, {0, 13}, "s = 'h\xC3\xA8llo'\n");
        REQUIRE(check.edits.size() == 1);
        CHECK(check.edits[0].text == "\xC3\xA8");
        CHECK(check.edits[0].startByte == 6);
        CHECK(check.edits[0].endByte == 8);
    }
    SECTION("refusals") {
        CHECK(checkRewrite(doc, region, original).refusal == "the model left the region unchanged");
        CHECK(checkRewrite(doc, region, "\n  \n").refusal == "the model returned nothing for the region");
        const RewriteCheck broken = checkRewrite(doc, region, "    def area(self, r:\n        return (math.pi\n");
        CHECK(broken.edits.empty());
        CHECK(broken.refusal.find("would add a syntax error (line 4)") != std::string::npos);
    }
    SECTION("a region that was already broken may stay as broken, but no worse") {
        Document broken("file:///b.py", "python", 1, "def f(:\n    return 1\n");
        const RewriteCheck check = checkRewrite(broken, {0, 21}, "def f(:\n    return 2\n");
        CHECK(check.refusal.empty());
        CHECK(check.edits.size() == 1);
    }
}

TEST_CASE("cleanRewrite strips fences and echoed markers and keeps the region's line break") {
    CHECK(cleanRewrite("```py\nx = 1\n```\n", "x = 0\n") == "x = 1\n");
    CHECK(cleanRewrite("<|region|>\nx = 1\n<|end_region|>\n", "x = 0\n") == "x = 1\n");
    CHECK(cleanRewrite("x = 1\n\n", "x = 0") == "x = 1");
    CHECK(cleanRewrite("x = 1", "x = 0\n") == "x = 1\n");
}
