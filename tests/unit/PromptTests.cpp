// Prompts as data: every template and wire-format prompt rendered from one fixed
// context and compared with its golden file (tests/golden/prompts/). To accept a
// deliberate change: FLINT_UPDATE_GOLDEN=1 ./flint-unit-tests "[golden]", then read the diff.
#include "suggest/Prompt.h"
#include "suggest/PromptTemplate.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace flint;

namespace {

CompletionContext sampleContext() {
    CompletionContext c;
    c.path = "file:///home/dev/shop/src/cart.py";
    c.language = "python";
    c.relativePath = "src/cart.py";
    c.repository = "shop";
    c.lineComment = "#";
    c.imports = {"from decimal import Decimal"};
    c.scopeSignatures = {"class Cart:", "def total(self):"};
    c.prefix = "class Cart:\n    def total(self):\n        subtotal = sum(item.price for item in self.items)\n        return ";
    c.suffix = "\n\n    def clear(self):\n        self.items = []\n";
    c.linePrefix = "        return ";
    c.definitions = {{"src/tax.py", "def apply_tax(amount: Decimal, region: str) -> Decimal:\n"},
                     {"src/item.py", "class Item:\n    price: Decimal\n"}};
    c.snippets = {{"src/order.py", "def order_total(order):\n    subtotal = sum(line.price for line in order.lines)\n"
                                   "    return apply_tax(subtotal, order.region)"}};
    return c;
}

void checkGolden(const std::string& name, const std::string& actual) {
    const std::string path = std::string(FLINT_TEST_GOLDENS) + "/prompts/" + name;
    if (std::getenv("FLINT_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    INFO("golden file " << path << " (FLINT_UPDATE_GOLDEN=1 rewrites it)");
    REQUIRE(in.good());
    std::stringstream expected;
    expected << in.rdbuf();
    CHECK(actual == expected.str());
}

std::string withStops(std::string text, const std::vector<std::string>& stops) {
    text += "\n=== stop sequences\n";
    for (const std::string& s : stops) {
        std::string shown;
        for (const char ch : s) shown += ch == '\n' ? std::string("\\n") : std::string(1, ch);
        text += shown + "\n";
    }
    return text;
}

} // namespace

TEST_CASE("every shipped template parses and renders as its golden file", "[golden]") {
    REQUIRE(promptTemplates().size() == 6);
    for (const PromptTemplate& t : promptTemplates()) {
        INFO(t.name);
        CHECK_FALSE(t.match.empty());
        CHECK_FALSE(t.stop.empty());
        checkGolden("template-" + t.name + ".txt", withStops(renderPromptTemplate(t, sampleContext()), t.stop));
    }
}

TEST_CASE("wire-format prompts render as their golden files", "[golden]") {
    const CompletionContext c = sampleContext();
    const ModelRequest chat = buildCompletionRequest(c, *findWireFormat("openai-chat"), 256);
    checkGolden("chat.txt", "=== system\n" + chat.system + "\n=== user\n" + chat.user + "\n");
    checkGolden("openai-completions.json", findWireFormat("openai-completions")->requestBody(
                                               buildCompletionRequest(c, *findWireFormat("openai-completions"), 64)) + "\n");
    checkGolden("llama-infill.json", findWireFormat("llama-infill")->requestBody(
                                         buildCompletionRequest(c, *findWireFormat("llama-infill"), 64)) + "\n");
    const PromptOptions qwen{.fimTemplate = findPromptTemplate("qwen2.5-coder")};
    checkGolden("ollama-qwen2.5-coder.json",
                findWireFormat("ollama")->requestBody(buildCompletionRequest(c, *findWireFormat("ollama"), 64, qwen)) + "\n");
    const PromptOptions codestral{.fimTemplate = findPromptTemplate("codestral")};
    checkGolden("openai-completions-codestral.json",
                findWireFormat("openai-completions")
                        ->requestBody(buildCompletionRequest(c, *findWireFormat("openai-completions"), 64, codestral)) +
                    "\n");
}

TEST_CASE("templates are chosen by the setting or the model name") {
    const WireFormat& completions = *findWireFormat("openai-completions");
    const WireFormat& chat = *findWireFormat("openai-chat");
    const WireFormat& infill = *findWireFormat("llama-infill");
    std::string error;
    CHECK(choosePromptTemplate("", "qwen2.5-coder-7b", completions, error) == nullptr);  // native FIM by default
    auto named = [&](std::string_view model) {
        const PromptTemplate* t = choosePromptTemplate("auto", model, completions, error);
        return t ? t->name : std::string("none");
    };
    CHECK(named("Qwen/Qwen2.5-Coder-7B") == "qwen2.5-coder");
    CHECK(named("qwen3-coder:30b") == "qwen2.5-coder");
    CHECK(named("bigcode/starcoder2-15b") == "starcoder2");
    CHECK(named("bigcode/starcoderbase-1b") == "starcoder");
    CHECK(named("codellama:7b-code") == "codellama");
    CHECK(named("deepseek-ai/deepseek-coder-6.7b-base") == "deepseek-coder");
    CHECK(named("codestral-latest") == "codestral");
    CHECK(named("gpt-4o") == "none");
    CHECK(choosePromptTemplate("codellama", "anything", completions, error)->name == "codellama");
    CHECK(choosePromptTemplate("codellama", "anything", chat, error) == nullptr);    // chat has its own prompt
    CHECK(choosePromptTemplate("codellama", "anything", infill, error) == nullptr);  // /infill templates itself
    CHECK(error.empty());
    CHECK(choosePromptTemplate("nonesuch", "m", completions, error) == nullptr);
    CHECK(error.find("unknown template 'nonesuch'") != std::string::npos);
}

TEST_CASE("a template file: header, body, errors") {
    std::string error;
    auto t = parsePromptTemplate("t", ";; a comment\n;; match: *x*\n;; stop: <end>\n---\nA{{prefix}}B{{suffix}}C\n", error);
    REQUIRE(t);
    CHECK(t->body == "A{{prefix}}B{{suffix}}C");
    CHECK(t->match == std::vector<std::string>{"*x*"});
    CHECK(t->stop == std::vector<std::string>{"<end>"});
    CompletionContext c;
    c.prefix = "p{{suffix}}";  // placeholders in the code are code, not template
    c.suffix = "s";
    CHECK(renderPromptTemplate(*t, c) == "Ap{{suffix}}BsC");
    CHECK_FALSE(parsePromptTemplate("t", ";; no body\n", error));
    CHECK_FALSE(parsePromptTemplate("t", "---\n{{prefix}} only\n", error));
    CHECK(error.find("{{suffix}}") != std::string::npos);
    CHECK_FALSE(parsePromptTemplate("t", "---\n{{#files}}{{prefix}}{{suffix}}\n", error));
    CHECK_FALSE(parsePromptTemplate("t", "stray\n---\n{{prefix}}{{suffix}}\n", error));
}

TEST_CASE("native fill-in-the-middle quotes context in comments, none for a language without them") {
    CompletionContext c = sampleContext();
    const ModelRequest r = buildCompletionRequest(c, *findWireFormat("ollama"), 64);
    CHECK(r.prefix.starts_with("# Path: src/order.py\n# def order_total(order):\n"));
    CHECK(r.prefix.find("# Path: src/tax.py\n# def apply_tax(") != std::string::npos);
    CHECK(r.prefix.find("from decimal import Decimal\n\nclass Cart:") != std::string::npos);
    CHECK_FALSE(r.raw);
    c.lineComment.clear();
    CHECK(buildCompletionRequest(c, *findWireFormat("ollama"), 64).prefix.starts_with("from decimal import Decimal\n"));
}
