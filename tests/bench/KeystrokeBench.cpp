// flint-bench: what a keystroke costs Flint, and how fast it starts.
//
// 1. Keystroke cost on 10,000-line Python and C++ files: a single-character
//    didChange through the whole server path (JSON parse, text edit, ts_tree_edit,
//    incremental reparse), median/p90/p99 over >= 2,000 keystrokes. Baseline in
//    the same run: a full parse of the same file (what an incremental tree avoids).
// 2. Start-up: spawn flint-lsp --stdio and time the initialize response; baseline
//    in the same run: spawning `flint-lsp --version` (process start alone).
//
// Prints a table and writes JSON to the path given with --json.

#include "Corpus.h"
#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "support/Logging.h"
#include "workspace/Language.h"
#include "workspace/SyntaxTree.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <functional>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace flint;
using namespace flint::bench;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;

namespace {

struct Stats {
    double median = 0, p90 = 0, p99 = 0, max = 0;
};

Stats summarise(std::vector<double> us) {
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
    return {at(0.5), at(0.9), at(0.99), us.back()};
}

double microsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

struct KeystrokeResult {
    std::string scenario;
    int lines = 0;
    int keystrokes = 0;
    Stats onLoop;     // didChange handled on the event loop (JSON-RPC + edit + budgeted reparse)
    Stats untilTree;  // ... plus the deferred parse slices until the tree matches the text
    Stats fullParse;  // baseline: parse the whole file from scratch
};

std::string didChange(const std::string& uri, int64_t version, uint32_t line, uint32_t column,
                      uint32_t endLine, uint32_t endColumn, const std::string& text) {
    return json::serialize(json::object{{"jsonrpc", "2.0"}, {"method", "textDocument/didChange"},
        {"params", json::object{{"textDocument", json::object{{"uri", uri}, {"version", version}}},
            {"contentChanges", json::array{json::object{
                {"range", json::object{{"start", json::object{{"line", line}, {"character", column}}},
                                       {"end", json::object{{"line", endLine}, {"character", endColumn}}}}},
                {"text", text}}}}}}});
}

// Types `typed` one character at a time at (line, column) of the middle occurrence of
// `anchorLine`, after pressing Enter with auto-indent if `newLine`, then deletes it
// again with backspaces; repeated `rounds` times.
KeystrokeResult keystrokes(const std::string& scenario, const std::string& languageId, const std::string& text,
                           const std::string& anchorLine, bool newLine, const std::string& indent,
                           const std::string& typed, int rounds) {
    std::vector<std::function<void()>> deferred;
    lsp::LanguageServer server([](std::string) {}, [&](std::function<void()> task) { deferred.push_back(std::move(task)); });
    auto drain = [&] {
        while (!deferred.empty()) {
            auto task = std::move(deferred.front());
            deferred.erase(deferred.begin());
            task();
        }
    };
    server.onMessage(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
    const std::string uri = "file:///bench/file";
    server.onMessage(json::serialize(json::object{{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
        {"params", json::object{{"textDocument", json::object{{"uri", uri}, {"languageId", languageId},
                                                              {"version", 1}, {"text", text}}}}}}));
    Document* doc = server.context().workspace.find(uri);
    uint32_t line = doc->text().lineCount() / 2;
    while (doc->text().lineContent(line) != anchorLine) ++line;
    const auto anchorEnd = static_cast<uint32_t>(anchorLine.size());

    std::vector<double> onLoop, untilTree;
    int64_t version = 1;
    for (int round = 0; round < rounds; ++round) {
        std::vector<std::string> messages;
        uint32_t typingLine = line;
        uint32_t column = 0;
        if (newLine) {
            server.onMessage(didChange(uri, ++version, line, anchorEnd, line, anchorEnd, "\n" + indent));
            typingLine = line + 1;
            column = static_cast<uint32_t>(indent.size());
        }
        drain();
        const uint32_t startColumn = column;
        for (char c : typed) {
            messages.push_back(didChange(uri, ++version, typingLine, column, typingLine, column, std::string(1, c)));
            ++column;
        }
        for (; column > startColumn; --column)
            messages.push_back(didChange(uri, ++version, typingLine, column - 1, typingLine, column, ""));
        for (const std::string& m : messages) {
            const auto start = Clock::now();
            server.onMessage(m);
            onLoop.push_back(microsSince(start));
            drain();
            untilTree.push_back(microsSince(start));
        }
        if (newLine)
            server.onMessage(didChange(uri, ++version, line, anchorEnd, line + 1, static_cast<uint32_t>(indent.size()), ""));
        drain();
    }

    std::vector<double> full;
    for (int i = 0; i < 20; ++i) {
        const auto start = Clock::now();
        SyntaxTree tree(*doc->language(), doc->text().str());
        full.push_back(microsSince(start));
    }
    return {scenario, static_cast<int>(doc->text().lineCount()), static_cast<int>(onLoop.size()),
            summarise(onLoop), summarise(untilTree), summarise(full)};
}

// Spawns `binary args...` with pipes; returns microseconds until `until` is satisfied.
double timeSpawn(const std::string& binary, std::vector<std::string> args, const std::string& input,
                 bool waitForResponse) {
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    const auto start = Clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) return -1;
    ::close(in[0]);
    ::close(out[1]);
    if (!input.empty()) [[maybe_unused]] auto n = ::write(in[1], input.data(), input.size());
    // Read until the first complete response (initialize) or EOF (--version).
    std::string got;
    char buffer[4096];
    double elapsed = -1;
    for (;;) {
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        got.append(buffer, n);
        if (waitForResponse) {
            const size_t header = got.find("\r\n\r\n");
            const size_t length = header == std::string::npos ? 0 : std::stoul(got.substr(16, header - 16));
            if (header != std::string::npos && got.size() >= header + 4 + length) break;
        }
    }
    elapsed = microsSince(start);
    ::close(in[1]);
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&actions);
    return elapsed;
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    std::string binary = FLINT_LSP_BINARY;
    int rounds = 40;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json" && i + 1 < argc) jsonPath = argv[++i];
        else if (arg == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
        else if (arg == "--binary" && i + 1 < argc) binary = argv[++i];
    }

    const std::string python = pythonFile(10000), cpp = cppFile(10000);
    std::vector<KeystrokeResult> results;
    results.push_back(keystrokes("python: new line in a method", "python", python, "        self.items = []", true,
                                 "        ", "total = compute(alpha, beta) + 1", rounds));
    results.push_back(keystrokes("cpp: new line in a method", "cpp", cpp, "        if (amount > 0) size_ += amount;", true,
                                 "        ", "int total = compute(alpha, beta) + 1;", rounds));
    results.push_back(keystrokes("python: column 0 of a def line", "python", python, "    def grow(self, amount):", false,
                                 "", "    total = compute(alpha, beta) + 1", std::max(1, rounds / 4)));

    std::printf("Keystroke cost on 10,000-line files: one-character didChange through the server\n");
    std::printf("(JSON-RPC + text edit + ts_tree_edit + reparse within a 500us budget; longer parses continue\n");
    std::printf(" in 1ms slices behind incoming messages). 'until tree' adds those slices.\n\n");
    std::printf("%-32s %6s | %-27s | %-27s | %9s | %s\n", "scenario", "keys", "on the event loop p50/p99/max",
                "until tree current p50/p99", "full parse", "p50 vs full parse");
    json::array keystrokeJson;
    for (const auto& r : results) {
        std::printf("%-32s %6d | %6.0fus %6.0fus %7.0fus | %8.0fus %9.0fus      | %7.0fus | %.4f (%.0fx less)\n",
                    r.scenario.c_str(), r.keystrokes, r.onLoop.median, r.onLoop.p99, r.onLoop.max,
                    r.untilTree.median, r.untilTree.p99, r.fullParse.median, r.onLoop.median / r.fullParse.median,
                    r.fullParse.median / r.onLoop.median);
        keystrokeJson.push_back(json::object{
            {"scenario", r.scenario}, {"lines", r.lines}, {"keystrokes", r.keystrokes},
            {"loop_median_us", r.onLoop.median}, {"loop_p90_us", r.onLoop.p90}, {"loop_p99_us", r.onLoop.p99},
            {"loop_max_us", r.onLoop.max}, {"tree_median_us", r.untilTree.median}, {"tree_p99_us", r.untilTree.p99},
            {"full_parse_median_us", r.fullParse.median}, {"ratio_to_full_parse", r.onLoop.median / r.fullParse.median}});
    }

    const std::string init = [] {
        const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})";
        return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    std::vector<double> startup, spawnOnly;
    for (int i = 0; i < 30; ++i) {
        spawnOnly.push_back(timeSpawn(binary, {"--version"}, "", false));
        startup.push_back(timeSpawn(binary, {"--stdio"}, init, true));
    }
    const Stats s = summarise(startup), b = summarise(spawnOnly);
    std::printf("\nStart-up: spawn -> initialize response (30 runs)\n");
    std::printf("  flint-lsp --stdio initialize: median %.0fus p90 %.0fus\n", s.median, s.p90);
    std::printf("  baseline, spawn+exit of flint-lsp --version: median %.0fus p90 %.0fus\n", b.median, b.p90);
    std::printf("  ratio %.2f (server adds %.0fus over process start)\n", s.median / b.median, s.median - b.median);

    if (!jsonPath.empty()) {
        std::ofstream out(jsonPath);
        out << json::serialize(json::object{
            {"keystrokes", std::move(keystrokeJson)},
            {"startup", json::object{{"median_us", s.median}, {"p90_us", s.p90},
                                     {"spawn_baseline_median_us", b.median}, {"ratio", s.median / b.median}}}});
        std::printf("\nwrote %s\n", jsonPath.c_str());
    }
    return 0;
}
