// The diff (suggest/Diff) and its streaming form (suggest/StreamingDiff): golden
// cases for minimality, and properties over random rewrites and chunkings.
#include "Golden.h"
#include "suggest/Diff.h"
#include "suggest/StreamingDiff.h"
#include "workspace/Text.h"

#include <catch2/catch.hpp>

#include <random>

using namespace flint;

namespace {

struct DiffCase {
    std::string name, before, after;
};

// tests/fixtures/nextedit/diff-cases.txt: `=== name`, `--- before`, `--- after`
// blocks; a text line ending in `\` is the last and has no newline.
std::vector<DiffCase> loadCases() {
    const std::string text = test::readTextFile(std::string(FLINT_TEST_FIXTURES) + "/nextedit/diff-cases.txt");
    std::vector<DiffCase> cases;
    std::string* into = nullptr;
    bool closed = false;
    size_t start = 0;
    while (start < text.size()) {
        size_t eol = text.find('\n', start);
        if (eol == std::string::npos) eol = text.size();
        const std::string line = text.substr(start, eol - start);
        start = eol + 1;
        if (line.starts_with(";")) continue;
        if (line.starts_with("=== ")) {
            cases.push_back({line.substr(4), "", ""});
            into = nullptr;
        } else if (line == "--- before") {
            into = &cases.back().before, closed = false;
        } else if (line == "--- after") {
            into = &cases.back().after, closed = false;
        } else if (into && !closed) {
            if (line.ends_with("\\")) {
                *into += line.substr(0, line.size() - 1);
                closed = true;
            } else {
                *into += line + "\n";
            }
        }
    }
    return cases;
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c == '"') out += "\\\"";
        else out += c;
    }
    return out + "\"";
}

std::string position(const Text& text, size_t offset) {
    const TextPosition p = text.positionAt(offset, PositionEncoding::Utf16);
    return std::to_string(p.line) + ":" + std::to_string(p.character);
}

std::string render(const std::string& before, const std::vector<TextEdit>& edits) {
    const Text text(before);
    std::string out;
    for (const TextEdit& e : edits)
        out += "  [" + std::to_string(e.start) + ", " + std::to_string(e.end) + ") " +
               quoted(std::string_view(before).substr(e.start, e.end - e.start)) + " -> " + quoted(e.text) +
               "   utf-16 " + position(text, e.start) + "-" + position(text, e.end) + "\n";
    return out.empty() ? "  (no edits)\n" : out;
}

bool wellFormed(const std::vector<TextEdit>& edits, size_t size) {
    for (size_t i = 0; i < edits.size(); ++i) {
        if (edits[i].start > edits[i].end || edits[i].end > size) return false;
        if (i > 0 && edits[i].start <= edits[i - 1].end) return false;  // sorted, never touching
    }
    return true;
}

bool splitsCharacter(const std::string& text, const std::vector<TextEdit>& edits) {
    auto inside = [&](size_t at) { return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80; };
    for (const TextEdit& e : edits)
        if (inside(e.start) || inside(e.end) || (!e.text.empty() && (static_cast<unsigned char>(e.text[0]) & 0xC0) == 0x80))
            return true;
    return false;
}

std::vector<TextEdit> streamed(const std::string& before, const std::string& after, size_t chunk) {
    StreamingDiff diff(before);
    for (size_t at = 0; at < after.size(); at += chunk) diff.append(std::string_view(after).substr(at, chunk));
    diff.finish();
    return diff.edits();
}

} // namespace

TEST_CASE("diff golden cases: minimal edits, UTF-16 ranges, the same edits when streamed") {
    const std::vector<DiffCase> cases = loadCases();
    REQUIRE(cases.size() >= 20);
    std::string rendered;
    for (const DiffCase& c : cases) {
        INFO(c.name);
        const std::vector<TextEdit> edits = diffText(c.before, c.after);
        CHECK(applyEdits(c.before, edits) == c.after);
        CHECK(wellFormed(edits, c.before.size()));
        CHECK_FALSE(splitsCharacter(c.before, edits));
        rendered += "=== " + c.name + "\n" + render(c.before, edits);
        for (size_t chunk : {1, 4, 17, 1000}) {
            const std::vector<TextEdit> s = streamed(c.before, c.after, chunk);
            CHECK(applyEdits(c.before, s) == c.after);
            if (s != edits) rendered += "  streamed in " + std::to_string(chunk) + "-byte chunks:\n" + render(c.before, s);
        }
    }
    CHECK_GOLDEN("nextedit/diff-cases.golden", rendered);
}

TEST_CASE("diff: a rename is one small edit per use") {
    const std::string before = "a = count\nb = count + count\n";
    const std::vector<TextEdit> edits = diffText(before, "a = total\nb = total + total\n");
    REQUIRE(edits.size() == 3);
    for (const TextEdit& e : edits) {
        CHECK(before.substr(e.start, e.end - e.start) == "count");
        CHECK(e.text == "total");
    }
}

TEST_CASE("streaming diff: the first hunk is final before the stream ends") {
    std::string before, after;
    for (int i = 0; i < 60; ++i) {
        before += "    value_" + std::to_string(i) + " = compute(" + std::to_string(i) + ")\n";
        after += "    value_" + std::to_string(i) + " = compute(" + std::to_string(i == 5 ? 50 : i) + ")\n";
    }
    StreamingDiff diff(before);
    size_t firstAt = 0;
    for (size_t at = 0; at < after.size() && diff.edits().empty(); at += 4) {
        diff.append(std::string_view(after).substr(at, 4));
        firstAt = at + 4;
    }
    REQUIRE(diff.edits().size() == 1);
    // Line 5 changed; two more lines (6 and 7) anchor it: known after 8 of 60 lines.
    CHECK(firstAt <= before.find("value_8"));
    // compute(5) became compute(50): the edit is the one inserted digit.
    CHECK(diff.edits()[0] == TextEdit{before.find("(5)") + 2, before.find("(5)") + 2, "0"});
    // Settled through the anchor lines; the rest is still open.
    CHECK(diff.settledBytes() == before.find("    value_8"));
    diff.append(std::string_view(after).substr(firstAt));
    diff.finish();
    CHECK(diff.edits() == diffText(before, after));
}

TEST_CASE("streaming diff: blank lines and braces alone do not anchor a hunk") {
    const std::string before = "if (a) {\n  x();\n}\n\n}\n\nfinal();\n";
    const std::string after = "if (a) {\n  y();\n}\n\n}\n\nfinal();\n";
    StreamingDiff diff(before);
    diff.append("if (a) {\n  y();\n}\n\n}\n");
    // "}" and "" are trivial: four of them are needed, and only three have come.
    CHECK(diff.edits().empty());
    diff.append("\n");
    CHECK(diff.edits().size() == 1);
    diff.append("final();\n");
    diff.finish();
    CHECK(applyEdits(before, diff.edits()) == after);
}

TEST_CASE("streaming diff: random rewrites in random chunks apply exactly and only grow") {
    std::mt19937 rng(12345);
    const std::vector<std::string> vocabulary = {"alpha", "beta", "x", "}", "", "    return y;", "héllo 😀", "\t// note",
                                                 "value = compute(1)", "value = compute(2)", "if (ok) {", "call(a, b)"};
    size_t streamedCost = 0, fullCost = 0, same = 0;
    for (int round = 0; round < 400; ++round) {
        std::vector<std::string> lines;
        const size_t count = rng() % 25;
        for (size_t i = 0; i < count; ++i) lines.push_back(vocabulary[rng() % vocabulary.size()]);
        std::string before;
        for (const std::string& l : lines) before += l + "\n";
        // Mutate: replace, insert, delete lines and edit characters inside lines.
        std::vector<std::string> changed = lines;
        for (int m = 0, mutations = static_cast<int>(rng() % 5); m < mutations; ++m) {
            const size_t at = changed.empty() ? 0 : rng() % (changed.size() + 1);
            switch (rng() % 4) {
            case 0: changed.insert(changed.begin() + at, vocabulary[rng() % vocabulary.size()]); break;
            case 1: if (at < changed.size()) changed.erase(changed.begin() + at); break;
            case 2: if (at < changed.size()) changed[at] += "_" + std::to_string(rng() % 10); break;
            case 3: if (at < changed.size()) changed[at] = "  " + changed[at]; break;
            }
        }
        std::string after;
        for (const std::string& l : changed) after += l + "\n";
        if (rng() % 3 == 0 && !after.empty()) after.pop_back();  // no final newline

        INFO("round " << round << "\nbefore:\n" << before << "after:\n" << after);
        const std::vector<TextEdit> full = diffText(before, after);
        REQUIRE(applyEdits(before, full) == after);
        REQUIRE(wellFormed(full, before.size()));
        REQUIRE_FALSE(splitsCharacter(before, full));

        StreamingDiff diff(before);
        std::vector<TextEdit> seen;
        for (size_t at = 0; at < after.size();) {
            const size_t chunk = 1 + rng() % 9;
            diff.append(std::string_view(after).substr(at, chunk));
            at += chunk;
            // Edits already reported never change: the new list extends the old one.
            REQUIRE(diff.edits().size() >= seen.size());
            REQUIRE(std::equal(seen.begin(), seen.end(), diff.edits().begin()));
            for (const TextEdit& e : diff.edits()) REQUIRE(e.end <= diff.settledBytes());
            seen = diff.edits();
        }
        diff.finish();
        REQUIRE(std::equal(seen.begin(), seen.end(), diff.edits().begin()));
        REQUIRE(applyEdits(before, diff.edits()) == after);
        REQUIRE(wellFormed(diff.edits(), before.size()));
        // Streaming settles early, so among lines that repeat it can pick another
        // alignment than the full diff would: never a much costlier one, and rarely
        // a costlier one at all.
        CHECK(editCost(diff.edits()) <= editCost(full) * 4 + 64);
        streamedCost += editCost(diff.edits());
        fullCost += editCost(full);
        if (editCost(diff.edits()) == editCost(full)) ++same;
    }
    INFO("streamed " << streamedCost << " bytes of edits, full diff " << fullCost << ", equal cost in " << same << " of 400");
    CHECK(streamedCost * 100 <= fullCost * 110);
    CHECK(same >= 380);
}

TEST_CASE("diff: inputs far apart stay bounded and exact") {
    std::string before, after;
    std::mt19937 rng(7);
    for (int i = 0; i < 5000; ++i) {
        before += std::to_string(rng()) + "\n";
        after += std::to_string(rng()) + "\n";
    }
    const std::vector<TextEdit> edits = diffText(before, after);
    CHECK(applyEdits(before, edits) == after);
    CHECK(wellFormed(edits, before.size()));
}
