// Completion context, prompts and the embedded workspace engine (shaping: ShapingTests.cpp).
#include "context/CompletionContext.h"
#include "suggest/Prompt.h"
#include "suggest/WorkspaceMatch.h"
#include "workspace/Workspace.h"

#include <catch2/catch.hpp>

using namespace flint;

namespace {

const std::string kPython =
    "import os\n"
    "from typing import List\n"
    "\n"
    "class Greeter:\n"
    "    def greet(self, names: List[str]) -> str:\n"
    "        total = len(names)\n"
    "        return ', '.join(names)\n";

size_t offsetOf(const std::string& text, std::string_view marker) { return text.find(marker); }

} // namespace

TEST_CASE("completion context: windows, cursor line, scopes and imports") {
    Document doc("file:///g.py", "python", 1, kPython);
    const size_t offset = offsetOf(kPython, "len(names)") + 4;  // after "len("
    const CompletionContext c = buildCompletionContext(doc, offset, {});
    CHECK(c.language == "python");
    CHECK(c.prefix == kPython.substr(0, offset));
    CHECK(c.suffix == kPython.substr(offset));  // to the end of the last (empty) line
    CHECK(c.linePrefix == "        total = len(");
    CHECK(c.lineSuffix == "names)");
    CHECK(c.scopeSignatures == std::vector<std::string>{"class Greeter:", "def greet(self, names: List[str]) -> str:"});
    CHECK(c.imports.empty());  // both imports are inside the prefix window

    // A small budget cuts at whole lines, and the imports it cut off are carried separately.
    // The two lines before the cursor are 66 bytes: a 70-byte budget takes both, no more.
    const CompletionContext small = buildCompletionContext(doc, offset, {.prefixBytes = 70, .suffixBytes = 10, .importLines = 30});
    CHECK(small.prefix == "    def greet(self, names: List[str]) -> str:\n        total = len(");
    CHECK(small.suffix == "names)");
    CHECK(small.imports == std::vector<std::string>{"import os", "from typing import List"});
}

TEST_CASE("the imports cache follows edits above and below it") {
    std::string source = "import os\n";
    for (int i = 0; i < 3000; ++i) source += "x" + std::to_string(i) + " = " + std::to_string(i) + "\n";
    Document doc("file:///big.py", "python", 1, source);
    REQUIRE(doc.headImports().size() == 1);
    // Far below the head: the cached spans stay right.
    const uint32_t last = doc.text().lineCount() - 1;
    const ContentChange below{TextRange{{last, 0}, {last, 0}}, "import sys\n"};
    doc.applyChanges({&below, 1}, 2, PositionEncoding::Utf16);
    CHECK(doc.headImports().size() == 1);
    // In the head: a new import shows up.
    const ContentChange above{TextRange{{1, 0}, {1, 0}}, "import re\n"};
    doc.applyChanges({&above, 1}, 3, PositionEncoding::Utf16);
    REQUIRE(doc.headImports().size() == 2);
    CHECK(doc.text().str().substr(doc.headImports()[1].startByte, 9) == "import re");
    const size_t offset = doc.text().size();
    CHECK(buildCompletionContext(doc, offset, {.prefixBytes = 100, .suffixBytes = 10, .importLines = 30}).imports ==
          std::vector<std::string>{"import os", "import re"});
}

TEST_CASE("prompts: native fill-in-the-middle, and the chat prompt with a cursor marker") {
    Document doc("file:///g.py", "python", 1, kPython);
    const size_t offset = offsetOf(kPython, "len(names)") + 4;
    const CompletionContext c = buildCompletionContext(doc, offset, {.prefixBytes = 70, .suffixBytes = 100, .importLines = 30});

    const ModelRequest fim = buildCompletionRequest(c, *findWireFormat("llama-infill"), 64);
    CHECK(fim.prefix == "import os\nfrom typing import List\n\n" + c.prefix);
    CHECK(fim.suffix == c.suffix);
    CHECK(fim.maxTokens == 64);
    CHECK(fim.user.empty());

    const ModelRequest chat = buildCompletionRequest(c, *findWireFormat("openai-responses"), 64);
    CHECK(chat.system.find("<|cursor|>") != std::string::npos);
    CHECK(chat.user.find("File: file:///g.py (python)") == 0);
    CHECK(chat.user.find("Imports:\nimport os\nfrom typing import List\n") != std::string::npos);
    CHECK(chat.user.find("The cursor is inside:\n  class Greeter:\n  def greet(") != std::string::npos);
    CHECK(chat.user.find("total = len(<|cursor|>names)") != std::string::npos);
    CHECK(isFillInTheMiddle(*findWireFormat("ollama")));
    CHECK_FALSE(isFillInTheMiddle(*findWireFormat("openai-chat")));
}

TEST_CASE("workspace engine: the rest of a matching line, a block re-indented, ranking") {
    Workspace ws;
    ws.open("file:///lib.py", "python", 1,
            "def load(path):\n"
            "    with open(path) as f:\n"
            "        data = f.read()\n"
            "        return data\n"
            "    return None\n");
    Document& doc = ws.open("file:///main.py", "python", 1, "def main():\n  with open(");
    const size_t end = doc.text().size();

    auto single = findWorkspaceMatch(ws, doc, end, true);
    REQUIRE(single);
    CHECK(single->text == "path) as f:");
    CHECK(single->uri == "file:///lib.py");
    CHECK(single->line == 1);

    auto block = findWorkspaceMatch(ws, doc, end, false);
    REQUIRE(block);
    CHECK(block->text == "path) as f:\n      data = f.read()\n      return data");

    // Too little typed: no guess.
    Document& short_ = ws.open("file:///s.py", "python", 1, "  wi");
    CHECK_FALSE(findWorkspaceMatch(ws, short_, 4, true));

    // The candidate whose previous line matches the cursor's previous line wins.
    Workspace ranked;
    ranked.open("file:///a.py", "python", 1, "x = 1\nresult = compute(a)\n");
    ranked.open("file:///b.py", "python", 1, "def main():\nresult = compute(b)\n");
    Document& here = ranked.open("file:///c.py", "python", 1, "def main():\nresult = comp");
    auto best = findWorkspaceMatch(ranked, here, here.text().size(), true);
    REQUIRE(best);
    CHECK(best->text == "ute(b)");
}
