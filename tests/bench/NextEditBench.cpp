// flint-nextedit-bench: how soon a next-edit suggestion is known, and what the diff
// costs, for a 60-line region whose rewrite carries a rename to four later uses.
//
// 1. The diff alone, in process. The rewrite is fed to StreamingDiff in 4-character
//    tokens (as the scripted server streams them); measured: after how many tokens
//    the first changed hunk is final, the CPU time to that point, and the CPU time
//    for the whole stream. Baseline, in the same run: a plain full diff (diffText)
//    once the stream has ended. At 1,000 tokens/s, "first token to first hunk" is
//    the tokens it took plus the CPU time; the baseline's is the whole stream plus
//    the full diff.
// 2. End to end: an in-process flint-lsp core (the real JSON-RPC path) against the
//    scripted model server at 1,000 tokens/s asked flint/inlineEdit; measured: the
//    request entering the server to its response leaving it. Baseline, interleaved:
//    a plain streaming client reading the same reply from the same server to its
//    end, then a full diff: what a client that waits for the whole rewrite gets.

#include "ScriptedModelServer.h"

#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "model/HttpClient.h"
#include "model/StreamDecoder.h"
#include "suggest/Diff.h"
#include "suggest/StreamingDiff.h"
#include "support/Logging.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

using namespace flint;
using namespace flint::test;
using Clock = std::chrono::steady_clock;
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

double micros(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::micro>(to - from).count();
}

// 59 lines (60 with the empty last line): a class whose counter the user has just
// renamed on line 4; the rewrite renames the four later uses.
std::string region(bool rewritten) {
    const std::string later = rewritten ? "total" : "count";
    std::string s;
    s += "class Inventory:\n";
    s += "    \"\"\"Items on hand, by name.\"\"\"\n\n";
    s += "    def __init__(self, items):\n        self.total = 0\n        self.items = dict(items)\n";
    s += "        for name, amount in self.items.items():\n            self." + later + " += amount\n\n";
    for (int i = 0; i < 3; ++i) {
        const std::string n = std::to_string(i);
        s += "    def add_" + n + "(self, name, amount):\n";
        s += "        if amount <= 0:\n            raise ValueError(f'bad amount {amount}')\n";
        s += "        self.items[name] = self.items.get(name, 0) + amount\n";
        s += "        self." + (i == 1 ? later : std::string("log")) + " += amount\n";
        s += "        return self.items[name]\n\n";
    }
    s += "    def remove(self, name):\n        amount = self.items.pop(name, 0)\n";
    s += "        self." + later + " -= amount\n        return amount\n\n";
    s += "    def describe(self):\n        lines = [f'{k}: {v}' for k, v in sorted(self.items.items())]\n";
    s += "        lines.append(f'total: {self." + later + "}')\n        return '\\n'.join(lines)\n\n";
    s += "    def clear(self):\n        self.items.clear()\n        self.log = 0\n\n";
    s += "    def names(self):\n        return sorted(self.items)\n\n";
    s += "    def __len__(self):\n        return len(self.items)\n\n";
    s += "    def __contains__(self, name):\n        return name in self.items\n";
    return s;
}

std::vector<std::string> tokens(const std::string& text, size_t size) {
    std::vector<std::string> out;
    for (size_t at = 0; at < text.size(); at += size) out.push_back(text.substr(at, size));
    return out;
}

// ---------------------------------------------------------------------------------------
// 1. The diff alone

json::object diffAlone(int rounds) {
    const std::string original = region(false), rewrite = region(true);
    const std::vector<std::string> stream = tokens(rewrite, 4);
    std::vector<double> firstCpu, totalCpu, fullCpu, firstAt1000, baselineAt1000;
    size_t firstToken = 0;
    for (int round = 0; round < rounds; ++round) {
        // Interleaved: the streaming diff, then the full diff on the same input.
        const Clock::time_point start = Clock::now();
        StreamingDiff diff(original);
        std::optional<double> first;
        for (size_t i = 0; i < stream.size(); ++i) {
            diff.append(stream[i]);
            if (!first && !diff.edits().empty()) {
                first = micros(start, Clock::now());
                firstToken = i + 1;
            }
        }
        diff.finish();
        const double total = micros(start, Clock::now());
        const Clock::time_point fullStart = Clock::now();
        const std::vector<TextEdit> full = diffText(original, rewrite);
        const double fullTime = micros(fullStart, Clock::now());
        if (diff.edits() != full || full.size() != 4) {
            std::fprintf(stderr, "the streaming diff disagrees with the full diff\n");
            std::exit(1);
        }
        firstCpu.push_back(*first);
        totalCpu.push_back(total);
        fullCpu.push_back(fullTime);
        firstAt1000.push_back(static_cast<double>(firstToken) * 1000.0 + *first);          // µs at 1 ms a token
        baselineAt1000.push_back(static_cast<double>(stream.size()) * 1000.0 + fullTime);
    }
    const Quantiles fc = quantiles(firstCpu), tc = quantiles(totalCpu), fu = quantiles(fullCpu);
    const Quantiles f1 = quantiles(firstAt1000), b1 = quantiles(baselineAt1000);
    std::printf("1. The diff alone: a 60-line region (%zu bytes), rewrite streamed in %zu tokens of 4 characters, "
                "%d rounds\n\n", original.size(), stream.size(), rounds);
    std::printf("   first changed hunk final after token %zu of %zu (%.0f%% of the stream)\n", firstToken, stream.size(),
                100.0 * static_cast<double>(firstToken) / static_cast<double>(stream.size()));
    std::printf("   %-46s | %10s | %10s\n", "", "median", "p99");
    std::printf("   %-46s | %8.1fus | %8.1fus\n", "streaming: CPU to the first hunk", fc.median, fc.p99);
    std::printf("   %-46s | %8.1fus | %8.1fus\n", "streaming: CPU for the whole stream + finish", tc.median, tc.p99);
    std::printf("   %-46s | %8.1fus | %8.1fus\n", "baseline: one full diff after the stream", fu.median, fu.p99);
    std::printf("   %-46s | %8.2fms | %8.2fms\n", "at 1,000 tok/s: first token -> first hunk", f1.median / 1000, f1.p99 / 1000);
    std::printf("   %-46s | %8.2fms | %8.2fms\n", "baseline: first token -> stream end + diff", b1.median / 1000, b1.p99 / 1000);
    std::printf("   ratio (streaming / baseline): first hunk %.2f, total diff CPU %.2f\n\n", f1.median / b1.median,
                tc.median / fu.median);
    return json::object{{"region_bytes", original.size()}, {"tokens", stream.size()}, {"first_hunk_token", firstToken},
                        {"first_hunk_cpu_us", json::array{fc.median, fc.p99}},
                        {"streaming_total_cpu_us", json::array{tc.median, tc.p99}},
                        {"full_diff_cpu_us", json::array{fu.median, fu.p99}},
                        {"first_hunk_at_1000tps_ms", json::array{f1.median / 1000, f1.p99 / 1000}},
                        {"baseline_at_1000tps_ms", json::array{b1.median / 1000, b1.p99 / 1000}}};
}

// ---------------------------------------------------------------------------------------
// 2. End to end

json::object endToEnd(int requests) {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    const std::string original = region(false), rewrite = region(true);
    model.control("POST", "/__flint/script", json::serialize(json::object{
        {"reply", rewrite}, {"tokenChars", 4}, {"ttftMs", 0}, {"tokensPerSecond", 1000}}));

    std::vector<std::pair<Clock::time_point, std::string>> sent;
    lsp::LanguageServer server([&](std::string payload) { sent.emplace_back(Clock::now(), std::move(payload)); },
                               [&](std::function<void()> task) { boost::asio::post(loop, std::move(task)); }, &loop);
    auto message = [&](json::object m) {
        m["jsonrpc"] = "2.0";
        server.onMessage(json::serialize(m));
    };
    message({{"id", 1}, {"method", "initialize"}, {"params", json::object{{"capabilities", json::object{}},
        {"initializationOptions", json::object{
            {"provider", json::object{{"kind", "openai-chat"},
                                      {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
                                      {"model", "bench"}}},
            {"nextEdit", json::object{{"regionLines", 60}, {"quietMs", 0}, {"tokensPerMinute", 0}}}}}}}});
    message({{"method", "initialized"}, {"params", json::object{}}});
    Provider* provider = server.context().providerFor(lsp::ServerContext::Feature::NextEdit);
    runUntil(loop, [&] { return provider->connectionStats().idle > 0; });

    HttpClient raw(loop, model.endpoint("/v1"));
    raw.preconnect();
    runUntil(loop, [&] { return raw.stats().idle > 0; });
    const WireFormat& chat = *findWireFormat("openai-chat");
    const std::string uri = "file:///bench/inventory.py";

    std::vector<double> flint, baseline;
    for (int i = 0; i < requests; ++i) {
        // A fresh document each time, so every request asks the model.
        message({{"method", "textDocument/didOpen"}, {"params", json::object{{"textDocument", json::object{
            {"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", original}}}}}});
        sent.clear();
        const int64_t id = 100 + i;
        const Clock::time_point in = Clock::now();
        message({{"id", id}, {"method", "flint/inlineEdit"}, {"params", json::object{
            {"textDocument", json::object{{"uri", uri}, {"version", 1}}},
            {"position", json::object{{"line", 4}, {"character", 18}}}}}});
        const std::string idText = "\"id\":" + std::to_string(id);
        auto answered = [&] {
            return std::any_of(sent.begin(), sent.end(), [&](const auto& s) { return s.second.find(idText) != std::string::npos; });
        };
        runUntil(loop, answered, std::chrono::seconds(10));
        for (const auto& [when, payload] : sent)
            if (payload.find(idText) != std::string::npos && payload.find("\"edits\":[{") != std::string::npos)
                flint.push_back(micros(in, when));
        message({{"method", "textDocument/didClose"}, {"params", json::object{{"textDocument", json::object{{"uri", uri}}}}}});
        // Let the closed stream's connection settle before the baseline runs.
        runUntil(loop, [&] { return raw.stats().idle > 0 && provider->connectionStats().idle > 0; }, std::chrono::seconds(2));

        // Baseline: the same reply, read to its end by a plain client, then diffed.
        ModelRequest request;
        request.model = "bench";
        request.user = original;
        HttpRequest http;
        http.target = "/v1/chat/completions";
        http.body = chat.requestBody(request);
        StreamDecoder decoder(chat);
        std::string text;
        bool done = false;
        const Clock::time_point start = Clock::now();
        auto call = raw.send(http, {
            .onHead = nullptr,
            .onBody = [&](std::string_view bytes) {
                std::vector<StreamUpdate> updates;
                decoder.feed(bytes, updates);
                for (const StreamUpdate& u : updates) text += u.text;
            },
            .onDone = [&](const std::string&) { done = true; },
        });
        runUntil(loop, [&] { return done; }, std::chrono::seconds(10));
        const std::vector<TextEdit> edits = diffText(original, text);
        if (!edits.empty()) baseline.push_back(micros(start, Clock::now()));
    }
    message({{"id", 2}, {"method", "shutdown"}, {"params", nullptr}});
    const Quantiles f = quantiles(flint), b = quantiles(baseline);
    std::printf("2. End to end at 1,000 tokens/s (scripted server, TTFT 0), %zu/%zu requests with edits\n\n",
                flint.size(), baseline.size());
    std::printf("   %-62s | %9s | %9s\n", "", "median", "p99");
    std::printf("   %-62s | %7.1fms | %7.1fms\n", "Flint: flint/inlineEdit request in -> response with edits out",
                f.median / 1000, f.p99 / 1000);
    std::printf("   %-62s | %7.1fms | %7.1fms\n", "baseline: plain client, whole rewrite read + full diff",
                b.median / 1000, b.p99 / 1000);
    std::printf("   ratio (Flint / baseline): %.2f\n\n", f.median / b.median);
    return json::object{{"samples", flint.size()}, {"flint_ms", json::array{f.median / 1000, f.p99 / 1000}},
                        {"baseline_ms", json::array{b.median / 1000, b.p99 / 1000}}};
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    int rounds = 2000, requests = 40;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json" && i + 1 < argc) jsonPath = argv[++i];
        else if (a == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
        else if (a == "--requests" && i + 1 < argc) requests = std::stoi(argv[++i]);
    }
    json::object results;
    results["diff"] = diffAlone(rounds);
    results["end_to_end"] = endToEnd(requests);
    if (!jsonPath.empty()) {
        std::ofstream(jsonPath) << json::serialize(json::object{{"nextedit", std::move(results)}});
        std::printf("wrote %s\n", jsonPath.c_str());
    }
    return 0;
}
