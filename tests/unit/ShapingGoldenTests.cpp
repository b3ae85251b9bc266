// Golden tests of output shaping, per language: tests/golden/shaping/<language>/*.case
// (format in tests/golden/shaping/README.md). Each case is shaped in one go and also
// streamed in small steps: every step must extend the one before, and the streamed
// result must equal the expected one too.
#include "context/CompletionContext.h"
#include "suggest/Shaping.h"
#include "workspace/Document.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace flint;

namespace {

constexpr std::string_view kCursor = "<|cursor|>";

struct GoldenCase {
    std::string name;
    std::map<std::string, std::string> header;   // from:, mode:, language:
    std::map<std::string, std::string> sections; // document, reply, expected
};

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Sections run from a "--- name" line to the next; the document keeps its last newline,
// the reply and the expected text do not (the newline before "---" separates them).
GoldenCase parseCase(const std::filesystem::path& path) {
    GoldenCase c;
    c.name = path.parent_path().filename().string() + "/" + path.filename().string();
    const std::string text = readFile(path);
    std::string current;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        if (line.starts_with("--- ")) {
            current = line.substr(4);
            c.sections[current];
        } else if (!current.empty()) {
            c.sections[current] += line;
            if (end < text.size()) c.sections[current] += '\n';
        } else if (!line.empty() && line[0] != '#') {
            const size_t colon = line.find(':');
            if (colon != std::string::npos) {
                const size_t value = line.find_first_not_of(' ', colon + 1);
                c.header[line.substr(0, colon)] =
                    value == std::string::npos ? "" : line.substr(value);
            }
        }
        start = end + 1;
    }
    for (const char* name : {"reply", "expected", "streamed"}) {
        if (!c.sections.count(name)) continue;
        std::string& s = c.sections[name];
        if (!s.empty() && s.back() == '\n') s.pop_back();
    }
    return c;
}

std::string languageIdFor(const std::string& language) {
    if (language == "tsx") return "typescriptreact";
    if (language == "bash") return "shellscript";
    return language;
}

} // namespace

TEST_CASE("shaping golden cases, in one go and streamed") {
    const std::filesystem::path root = std::filesystem::path(FLINT_TEST_GOLDENS) / "shaping";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
        if (entry.path().extension() == ".case") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    CHECK(files.size() >= 40);
    std::map<std::string, int> perLanguage;

    for (const auto& path : files) {
        const GoldenCase golden = parseCase(path);
        INFO("case " << golden.name);
        const std::string language = golden.header.count("language")
                                         ? golden.header.at("language")
                                         : path.parent_path().filename().string();
        ++perLanguage[language];
        std::string source = golden.sections.at("document");
        const size_t offset = source.find(kCursor);
        REQUIRE(offset != std::string::npos);
        source.erase(offset, kCursor.size());
        const std::string ext = language == "python"       ? "py"
                                : language == "javascript" ? "js"
                                : language == "typescript" ? "ts"
                                : language == "rust"       ? "rs"
                                : language == "bash"       ? "sh"
                                                           : language;
        Document doc("file:///golden/case." + ext, languageIdFor(language), 1, source);
        REQUIRE(doc.syntax());
        REQUIRE_FALSE(doc.parsePending());
        const CompletionContext context = buildCompletionContext(doc, offset, {});
        const bool single = wantsSingleLine(doc, offset, context);
        if (golden.header.count("mode"))
            CHECK((single ? "single" : "multi") == golden.header.at("mode"));
        const ShapingOptions options{.singleLine = single,
                                     .fromChat = golden.header.count("from") &&
                                                 golden.header.at("from") == "chat"};
        const std::string& reply = golden.sections.at("reply");
        const std::string& expected = golden.sections.at("expected");

        {
            const ShapingSite site(doc, offset, context, options);
            CHECK(shapeSuggestion(reply, site) == expected);
        }
        // Streamed in steps of 1, 2, 3, 5, 8 bytes, as a model's tokens arrive.
        const ShapingSite site(doc, offset, context, options);
        std::string shown;
        size_t n = 0;
        const size_t steps[] = {1, 2, 3, 5, 8};
        for (size_t i = 0; n < reply.size(); ++i) {
            n = std::min(reply.size(), n + steps[i % 5]);
            const PartialSuggestion step = shapePartial(reply.substr(0, n), site, shown);
            INFO("after " << n << " bytes: [" << step.text << "], shown before [" << shown << "]");
            REQUIRE(step.text.starts_with(shown));
            shown = step.text;
            if (step.settled) break;
        }
        const std::string streamed = shapeSuggestion(reply.substr(0, n), site, shown);
        INFO("streamed result [" << streamed << "], last partial [" << shown << "]");
        CHECK(streamed.starts_with(shown));
        // A reply that adds a syntax error may keep, streamed, the clean text shown before
        // the error came (shown text is never taken back): the case says so in `streamed`.
        CHECK(streamed ==
              (golden.sections.count("streamed") ? golden.sections.at("streamed") : expected));
    }
    for (const char* language :
         {"python", "javascript", "typescript", "c", "cpp", "go", "rust", "java", "bash"}) {
        INFO(language);
        CHECK(perLanguage[language] >= 4);
    }
}
