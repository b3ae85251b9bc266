// flint-context-bench: what building the full completion context costs.
//
// A 10,000-line Python file is being edited, 49 other Python documents are open, and
// 500 workspace files are in the symbol index. Each round types one character at the
// cursor (the edit and its reparse are not timed), then builds, interleaved:
//   - the window-only context of the first slice (prefix/suffix windows, scopes,
//     imports): the baseline;
//   - the full context (plus definitions from the index and this file, snippets of
//     the open documents, the token budget, redaction).
// A second scenario edits another open document between rounds, so every full build
// first re-syncs that document's definitions into the index (the cost of switching
// files). Figures: median and p99 in microseconds of the thread's CPU time (so a
// loaded machine's preemptions do not count), and the ratio to the baseline. The two
// builds alternate which goes first.
//
// Window edges: at a cursor every 7 lines of 10,000-line Python and C++ files, the
// prefix and suffix edges cut at whole lines within the window-only budget (the
// baseline), beside the same cut moved to syntax boundaries (context/WindowEdges),
// interleaved; and the whole window-only context with and without syntax edges.

#include "Corpus.h"

#include "context/CompletionContext.h"
#include "context/ContextSources.h"
#include "context/WindowEdges.h"
#include "support/Logging.h"
#include "workspace/SyntaxTree.h"
#include "workspace/Workspace.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <fstream>

using namespace flint;
namespace json = boost::json;

namespace {

struct Quantiles {
    double median, p99;
};

Quantiles quantiles(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
    return {at(0.5), at(0.99)};
}

// CPU time of this thread, in microseconds.
double cpuMicros() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// Another module of the same project: its own classes, calls into the big file's names.
std::string moduleFile(int k, int lines) {
    std::string s = "from widgets import Widget" + std::to_string(k) + "\nimport logging\n\n";
    int n = 0;
    while (std::count(s.begin(), s.end(), '\n') < lines) {
        const std::string id = std::to_string(k) + "_" + std::to_string(n);
        s += "def build_" + id + "(size, amount):\n";
        s += "    widget = Widget" + std::to_string(k) + "(size)\n";
        s += "    widget.grow(amount)\n    logging.info('built %s', widget.describe())\n    return widget\n\n";
        s += "def grow(widget, amount):\n    return widget.grow(amount)\n\n";
        s += "class Store" + id + ":\n    def __init__(self):\n        self.items = []\n\n";
        s += "    def add(self, item):\n        self.items.append(item)\n        return len(self.items)\n\n";
        ++n;
    }
    return s;
}

struct Result {
    Quantiles window, full;
    size_t definitions = 0, snippets = 0, tokens = 0;
};

Result run(Workspace& ws, ContextSources& sources, Document& doc, Document* other, int rounds) {
    std::vector<double> window, full;
    Result result;
    // The cursor: the end of a method body line in the middle of the file.
    uint32_t line = doc.text().lineCount() / 2;
    while (doc.text().lineContent(line) != "        return self.size") ++line;
    const std::string typed = " + amount";
    for (int i = 0; i < rounds; ++i) {
        // One keystroke at the cursor (untimed), cycling through a short phrase.
        const uint32_t column = static_cast<uint32_t>(doc.text().lineContent(line).size());
        const ContentChange key{TextRange{{line, column}, {line, column}}, std::string(1, typed[i % typed.size()])};
        doc.applyChanges({&key, 1}, doc.version() + 1, PositionEncoding::Utf8);
        if (i % typed.size() == typed.size() - 1) {  // the phrase is typed: take it back
            const ContentChange undo{TextRange{{line, column + 1 - static_cast<uint32_t>(typed.size())}, {line, column + 1}}, ""};
            doc.applyChanges({&undo, 1}, doc.version() + 1, PositionEncoding::Utf8);
        }
        if (other) {
            const ContentChange edit{TextRange{{3, 0}, {3, 0}}, "#"};
            other->applyChanges({&edit, 1}, other->version() + 1, PositionEncoding::Utf8);
        }
        doc.parsedSyntax();
        const size_t offset = doc.text().lineContentEnd(line);

        CompletionContext w, f;
        auto timed = [](auto&& build, auto& out, std::vector<double>& samples) {
            const double start = cpuMicros();
            out = build();
            samples.push_back(cpuMicros() - start);
        };
        auto buildWindow = [&] { return buildCompletionContext(doc, offset, ContextBudget{}); };
        auto buildFull = [&] { return buildCompletionContext(ws, doc, offset, sources); };
        if (i % 2) {
            timed(buildWindow, w, window);
            timed(buildFull, f, full);
        } else {
            timed(buildFull, f, full);
            timed(buildWindow, w, window);
        }
        result.definitions = f.definitions.size();
        result.snippets = f.snippets.size();
        result.tokens = f.tokens;
        if (w.prefix.empty()) std::abort();  // keep the baseline's work observable
    }
    result.window = quantiles(window);
    result.full = quantiles(full);
    return result;
}

// The baseline: whole lines within the byte budgets, as the window-only context cuts them.
std::pair<size_t, size_t> lineEdges(const Text& text, size_t offset, const ContextBudget& budget) {
    const uint32_t line = text.lineOf(offset);
    size_t start = text.lineStart(line);
    for (uint32_t l = line; l > 0 && offset - text.lineStart(l - 1) <= budget.prefixBytes; --l) start = text.lineStart(l - 1);
    size_t end = text.lineContentEnd(line);
    for (uint32_t l = line + 1; l < text.lineCount() && text.lineContentEnd(l) - offset <= budget.suffixBytes; ++l)
        end = text.lineContentEnd(l);
    return {start, end};
}

struct EdgeResult {
    Quantiles lines, syntax, windowLines, windowSyntax;
    size_t cuts = 0, prefixMoved = 0, suffixMoved = 0, bytesDropped = 0;
};

EdgeResult runEdges(Document& doc) {
    const Text& text = doc.text();
    const SyntaxTree& tree = *doc.parsedSyntax();
    const ContextBudget budget;
    const size_t prefixDrop = std::min<size_t>(1024, budget.prefixBytes / 2);
    const size_t suffixDrop = std::min<size_t>(1024, budget.suffixBytes / 2);
    std::vector<double> lines, syntax, windowLines, windowSyntax;
    EdgeResult r;
    size_t sink = 0;
    for (uint32_t line = 0, round = 0; line < text.lineCount(); line += 7, ++round) {
        const size_t offset = text.lineContentEnd(line);
        std::pair<size_t, size_t> byLines, bySyntax;
        auto lineCut = [&] {
            const double t0 = cpuMicros();
            byLines = lineEdges(text, offset, budget);
            lines.push_back(cpuMicros() - t0);
        };
        auto syntaxCut = [&] {
            const double t0 = cpuMicros();
            const auto [start, end] = lineEdges(text, offset, budget);
            bySyntax = {syntaxPrefixStart(tree, text, offset, start, prefixDrop),
                        syntaxSuffixEnd(tree, text, offset, end, suffixDrop)};
            syntax.push_back(cpuMicros() - t0);
        };
        ContextBudget linesOnly = budget;
        linesOnly.syntaxEdges = false;
        auto windowBy = [&](const ContextBudget& b, std::vector<double>& samples) {
            const double t0 = cpuMicros();
            sink += buildCompletionContext(doc, offset, b).prefix.size();
            samples.push_back(cpuMicros() - t0);
        };
        if (round % 2) {
            lineCut();
            syntaxCut();
            windowBy(linesOnly, windowLines);
            windowBy(budget, windowSyntax);
        } else {
            syntaxCut();
            lineCut();
            windowBy(budget, windowSyntax);
            windowBy(linesOnly, windowLines);
        }
        ++r.cuts;
        r.prefixMoved += bySyntax.first != byLines.first;
        r.suffixMoved += bySyntax.second != byLines.second;
        r.bytesDropped += (bySyntax.first - byLines.first) + (byLines.second - bySyntax.second);
    }
    if (sink == 0) std::abort();  // keep the builds' work observable
    r.lines = quantiles(lines);
    r.syntax = quantiles(syntax);
    r.windowLines = quantiles(windowLines);
    r.windowSyntax = quantiles(windowSyntax);
    return r;
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    int rounds = 2000;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json" && i + 1 < argc) jsonPath = argv[++i];
        else if (a == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
    }

    Workspace ws;
    ContextSources sources;
    sources.exclusions.setRoots({"/bench"});
    Document& doc = ws.open("file:///bench/widgets.py", "python", 1, bench::pythonFile(10000));
    std::vector<Document*> others;
    for (int k = 0; k < 49; ++k) {
        others.push_back(&ws.open("file:///bench/pkg/module" + std::to_string(k) + ".py", "python", 1,
                                  moduleFile(k, 200 + 20 * k)));
        sources.snippets.touch(others.back()->uri());
    }
    sources.snippets.touch(doc.uri());
    for (int k = 0; k < 500; ++k) {
        Document disk("file:///bench/lib/file" + std::to_string(k) + ".py", "python", 1, moduleFile(1000 + k, 120));
        sources.symbols.setFile("/bench/lib/file" + std::to_string(k) + ".py", symbolsOf(disk.definitions(), disk.text()));
    }
    // Warm-up: definitions read, chunks cut, queries compiled.
    run(ws, sources, doc, nullptr, 50);

    std::printf("Context building on a 10,000-line Python file, 49 other open documents, %zu indexed workspace files\n"
                "(%zu definitions); one keystroke before each build (untimed); %d rounds, interleaved with the baseline\n\n",
                sources.symbols.fileCount(), sources.symbols.symbolCount(), rounds);
    std::printf("%-40s | %-20s | %-20s | %s\n", "scenario", "window only p50/p99", "full context p50/p99",
                "ratio p50 | added p50");
    json::array rows;
    const std::pair<const char*, Document*> scenarios[] = {{"typing in the big file", nullptr},
                                                           {"another open file edited each round", others[7]}};
    for (const auto& [name, other] : scenarios) {
        const Result r = run(ws, sources, doc, other, rounds);
        std::printf("%-40s | %7.1fus %8.1fus | %7.1fus %8.1fus | %5.1fx  | %6.1fus\n", name, r.window.median, r.window.p99,
                    r.full.median, r.full.p99, r.full.median / r.window.median, r.full.median - r.window.median);
        rows.push_back(json::object{{"scenario", name}, {"rounds", rounds},
                                    {"window_us", json::array{r.window.median, r.window.p99}},
                                    {"full_us", json::array{r.full.median, r.full.p99}},
                                    {"definitions", r.definitions}, {"snippets", r.snippets}, {"tokens", r.tokens}});
        std::printf("%-40s   (the full context carried %zu definition files, %zu snippets, ~%zu tokens)\n", "",
                    r.definitions, r.snippets, r.tokens);
    }

    std::printf("\nWindow edges (window-only budget: %zu bytes before, %zu after), a cursor every 7 lines, interleaved\n\n",
                ContextBudget{}.prefixBytes, ContextBudget{}.suffixBytes);
    std::printf("%-26s | %-19s | %-19s | %-6s | %-19s | %-19s | %-6s | %s\n", "file", "line cut p50/p99",
                "syntax cut p50/p99", "ratio", "window, lines p50/p99", "window, syntax p50/p99", "ratio",
                "edges moved (prefix, suffix), bytes dropped per cut");
    json::array edgeRows;
    Workspace edgeFiles;
    const std::tuple<const char*, const char*, std::string> files[] = {
        {"Python, 10,000 lines", "python", bench::pythonFile(10000)},
        {"C++, 10,000 lines", "cpp", bench::cppFile(10000)},
    };
    for (const auto& [name, languageId, source] : files) {
        Document& file = edgeFiles.open(std::string("file:///bench/edges.") + languageId, languageId, 1, source);
        runEdges(file);  // warm-up
        const EdgeResult e = runEdges(file);
        std::printf("%-26s | %6.2fus %8.2fus | %6.2fus %8.2fus | %5.1fx | %7.1fus %8.1fus | %7.1fus %8.1fus | %5.2fx | "
                    "%zu/%zu, %zu/%zu, %.0f\n",
                    name, e.lines.median, e.lines.p99, e.syntax.median, e.syntax.p99, e.syntax.median / e.lines.median,
                    e.windowLines.median, e.windowLines.p99, e.windowSyntax.median, e.windowSyntax.p99,
                    e.windowSyntax.median / e.windowLines.median, e.prefixMoved, e.cuts, e.suffixMoved, e.cuts,
                    static_cast<double>(e.bytesDropped) / static_cast<double>(e.cuts));
        edgeRows.push_back(json::object{{"file", name}, {"cuts", e.cuts},
                                        {"line_cut_us", json::array{e.lines.median, e.lines.p99}},
                                        {"syntax_cut_us", json::array{e.syntax.median, e.syntax.p99}},
                                        {"window_lines_us", json::array{e.windowLines.median, e.windowLines.p99}},
                                        {"window_syntax_us", json::array{e.windowSyntax.median, e.windowSyntax.p99}},
                                        {"prefix_moved", e.prefixMoved}, {"suffix_moved", e.suffixMoved},
                                        {"bytes_dropped", e.bytesDropped}});
    }

    if (!jsonPath.empty()) {
        std::ofstream(jsonPath) << json::serialize(json::object{{"context", std::move(rows)}, {"edges", std::move(edgeRows)}});
        std::printf("\nwrote %s\n", jsonPath.c_str());
    }
    return 0;
}
