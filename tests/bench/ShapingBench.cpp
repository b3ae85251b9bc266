// flint-shaping-bench: what output shaping costs, re-parse included, on 10,000-line
// Python and C++ files.
//
// For a cursor in the middle of each file, a multi-line reply that runs past the end of
// its unit (so it is re-parsed, cut, and re-parsed again):
//   request     a final result for a fresh request, and its parts: the ShapingSite (tree
//               copy, bracket context, indentation), the original window's parse, and
//               the reply's re-parses;
//   partial     one streamed step (4-character tokens), those that ran a re-parse and all;
//   unbalanced  a reply with an unclosed bracket, which the bracket scan rejects without
//               a parse;
// beside two baselines measured in the same run:
//   keystroke   a plain incremental reparse of a one-character edit of the document (what
//               every keystroke already costs);
//   whole file  an incremental reparse of the whole document with the unbalanced reply
//               applied (what a re-parse without the window would cost: in Python the
//               rest of the file re-lexes).
// Prints a table (wall and CPU medians and p99 in microseconds, CPU ratio to the
// keystroke) and writes JSON to the path given with --json.

#include "Corpus.h"
#include "context/CompletionContext.h"
#include "suggest/Shaping.h"
#include "support/Logging.h"
#include "workspace/Document.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <time.h>

using namespace flint;
using namespace flint::bench;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;

namespace {

// Wall time and this thread's CPU time (the machine may be loaded: CPU time leaves out
// the waits for a core, wall time is what an editor would see).
struct Sample {
    double wall = 0, cpu = 0;
};

double cpuMicros() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

struct Timer {
    Clock::time_point wall = Clock::now();
    double cpu = cpuMicros();
    Sample elapsed() const {
        return {std::chrono::duration<double, std::micro>(Clock::now() - wall).count(),
                cpuMicros() - cpu};
    }
};

struct Stats {
    double median = 0, p99 = 0, cpuMedian = 0, cpuP99 = 0;
    size_t samples = 0;
};

Stats summarise(const std::vector<Sample>& samples) {
    std::vector<double> wall, cpu;
    for (const Sample& s : samples) {
        wall.push_back(s.wall);
        cpu.push_back(s.cpu);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    auto at = [](const std::vector<double>& v, double q) {
        return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
    };
    return {at(wall, 0.5), at(wall, 0.99), at(cpu, 0.5), at(cpu, 0.99), samples.size()};
}

struct Scenario {
    std::string language;
    std::string languageId;
    std::string text;
    std::string anchorLine; // the cursor goes at the end of the middle occurrence of this line
    std::string reply;      // a multi-line reply that runs past its unit
    std::string unbalanced; // a reply with an unclosed bracket
};

struct Result {
    std::string language;
    int lines = 0;
    std::string shaped;
    Stats keystroke, site, window, final, request, partialParsing, partialAll, unbalanced,
        wholeFile;
};

Result run(const Scenario& s, int iterations) {
    Result result;
    result.language = s.language;
    Document doc("file:///bench/file." + s.language, s.languageId, 1, s.text);
    result.lines = static_cast<int>(doc.text().lineCount());
    uint32_t line = doc.text().lineCount() / 2;
    while (doc.text().lineContent(line) != s.anchorLine)
        ++line;
    const size_t offset = doc.text().lineContentEnd(line);
    const CompletionContext context = buildCompletionContext(doc, offset, {});
    const ShapingOptions options{.singleLine = wantsSingleLine(doc, offset, context),
                                 .fromChat = false};

    std::vector<Sample> site, window, final, request, partialParsing, partialAll, unbalanced,
        keystroke, wholeFile;
    for (int i = 0; i < iterations; ++i) {
        {
            const Timer all;
            Timer t;
            const ShapingSite shaping(doc, offset, context, options);
            site.push_back(t.elapsed());
            t = Timer();
            shaping.prepare();
            window.push_back(t.elapsed());
            t = Timer();
            result.shaped = shapeSuggestion(s.reply, shaping);
            final.push_back(t.elapsed());
            request.push_back(all.elapsed());
        }
        {
            const Timer t;
            const ShapingSite shaping(doc, offset, context, options);
            shapeSuggestion(s.unbalanced, shaping);
            unbalanced.push_back(t.elapsed());
        }
    }
    for (int round = 0; round < std::max(1, iterations / 4); ++round) {
        const ShapingSite shaping(doc, offset, context, options);
        shaping.prepare();
        std::string shown;
        for (size_t n = 4; n < s.reply.size() + 4; n += 4) {
            const size_t parsesBefore = shaping.parser().parses();
            const Timer t;
            const PartialSuggestion step =
                shapePartial(s.reply.substr(0, std::min(n, s.reply.size())), shaping, shown);
            const Sample sample = t.elapsed();
            partialAll.push_back(sample);
            if (shaping.parser().parses() > parsesBefore) partialParsing.push_back(sample);
            shown = step.text;
            if (step.settled) break;
        }
    }

    // Baselines, on a second copy of the document so the first stays as it was. The
    // keystroke types a letter into the last identifier before the cursor (an edit that
    // leaves the file valid: what typing mostly is), then deletes it.
    Document edited("file:///bench/edited." + s.language, s.languageId, 1, s.text);
    size_t typeAt = offset;
    while (typeAt > 0 && !std::isalnum(static_cast<unsigned char>(s.text[typeAt - 1])))
        --typeAt;
    const TextPosition at = edited.text().positionAt(typeAt, PositionEncoding::Utf8);
    const TextPosition cursorAt = edited.text().positionAt(offset, PositionEncoding::Utf8);
    int64_t version = 1;
    for (int i = 0; i < iterations; ++i) {
        const ContentChange insert{TextRange{at, at}, "x"};
        Timer t;
        edited.applyChanges({&insert, 1}, ++version, PositionEncoding::Utf8);
        keystroke.push_back(t.elapsed());
        const ContentChange remove{TextRange{at, {at.line, at.character + 1}}, ""};
        t = Timer();
        edited.applyChanges({&remove, 1}, ++version, PositionEncoding::Utf8);
        keystroke.push_back(t.elapsed());
    }
    for (int i = 0; i < std::max(5, iterations / 10); ++i) {
        const ContentChange insert{TextRange{cursorAt, cursorAt}, s.unbalanced};
        const Timer t;
        edited.applyChanges({&insert, 1}, ++version, PositionEncoding::Utf8);
        wholeFile.push_back(t.elapsed());
        const TextPosition end =
            edited.text().positionAt(offset + s.unbalanced.size(), PositionEncoding::Utf8);
        const ContentChange remove{TextRange{cursorAt, end}, ""};
        edited.applyChanges({&remove, 1}, ++version, PositionEncoding::Utf8);
    }
    result.keystroke = summarise(keystroke);
    result.site = summarise(site);
    result.window = summarise(window);
    result.final = summarise(final);
    result.request = summarise(request);
    result.partialParsing = summarise(partialParsing);
    result.partialAll = summarise(partialAll);
    result.unbalanced = summarise(unbalanced);
    result.wholeFile = summarise(wholeFile);
    return result;
}

json::object toJson(const Stats& s, const Stats& baseline) {
    return {{"median_us", s.median},
            {"p99_us", s.p99},
            {"cpu_median_us", s.cpuMedian},
            {"cpu_p99_us", s.cpuP99},
            {"samples", s.samples},
            {"median_vs_keystroke", s.median / baseline.median},
            {"cpu_median_vs_keystroke", s.cpuMedian / baseline.cpuMedian}};
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    int iterations = 400;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json" && i + 1 < argc)
            jsonPath = argv[++i];
        else if (arg == "--iterations" && i + 1 < argc)
            iterations = std::stoi(argv[++i]);
    }

    const std::vector<Scenario> scenarios = {
        {"python", "python", pythonFile(10000), "        self.items = []",
         "\n        self.count = 0\n        self.log = []\n\n    def reset(self):\n        "
         "self.size = 0\n        self.items = []\n",
         "\n        self.items = [size,\n"},
        {"cpp", "cpp", cppFile(10000), "        if (amount > 0) size_ += amount;",
         "\n        items_.push_back(amount);\n        return size_ * 2;\n    }\n\n    void "
         "reset() { size_ = 0; }\n",
         "\n        items_.push_back((amount;\n"},
    };
    std::vector<Result> results;
    for (const Scenario& s : scenarios)
        results.push_back(run(s, iterations));

    std::printf(
        "Output shaping on 10,000-line files, re-parse with the suggestion applied included.\n");
    std::printf(
        "Baseline in the same run: an incremental reparse of a one-character edit (keystroke).\n");
    std::printf(
        "Wall time, and this thread's CPU time (the difference is waiting for a core).\n\n");
    std::printf("%-7s %-44s %9s %9s %9s %9s %8s\n", "file", "what", "median", "p99", "cpu p50",
                "cpu p99", "vs key");
    json::array out;
    for (const Result& r : results) {
        auto row = [&](const char* what, const Stats& s) {
            std::printf("%-7s %-44s %7.1fus %7.0fus %7.1fus %7.1fus %7.2fx\n", r.language.c_str(),
                        what, s.median, s.p99, s.cpuMedian, s.cpuP99,
                        s.cpuMedian / r.keystroke.cpuMedian);
        };
        row("keystroke: reparse after a 1-char edit", r.keystroke);
        row("request: all of the three below", r.request);
        row("  site: tree copy, brackets, indentation", r.site);
        row("  window: the original window parsed", r.window);
        row("  final: the reply shaped (its re-parses)", r.final);
        row("partial: a streamed step that re-parsed", r.partialParsing);
        row("partial: any streamed step (4-char tokens)", r.partialAll);
        row("unbalanced reply: shaped (no parse needed)", r.unbalanced);
        row("unbalanced reply: whole-file reparse", r.wholeFile);
        std::printf("%-7s %-44s [%s]\n\n", "", "shaped reply", r.shaped.c_str());
        out.push_back(
            json::object{{"file", r.language},
                         {"lines", r.lines},
                         {"keystroke_reparse", toJson(r.keystroke, r.keystroke)},
                         {"request", toJson(r.request, r.keystroke)},
                         {"site", toJson(r.site, r.keystroke)},
                         {"window_parse", toJson(r.window, r.keystroke)},
                         {"final_shaping", toJson(r.final, r.keystroke)},
                         {"partial_step_with_parse", toJson(r.partialParsing, r.keystroke)},
                         {"partial_step", toJson(r.partialAll, r.keystroke)},
                         {"unbalanced_shaped", toJson(r.unbalanced, r.keystroke)},
                         {"unbalanced_whole_file_reparse", toJson(r.wholeFile, r.keystroke)}});
    }
    if (!jsonPath.empty()) {
        std::ofstream file(jsonPath);
        file << json::serialize(json::object{{"shaping", std::move(out)}});
        std::printf("wrote %s\n", jsonPath.c_str());
    }
    return 0;
}
