// flint-stats-bench: what keeping statistics costs, beside what a keystroke costs.
//
// Measured in the same run:
//   - per model request, the statistics Flint keeps: a provider's three events
//     (started, first token, ended) recorded into ServingStats, plus the feature's
//     StreamMeter over the stream (time to first token, two text events, the end and
//     its decode rate), its added-time sample and the two clock reads around them;
//   - baseline: a keystroke (a didChange through the in-process server core: JSON-RPC,
//     the edit, the budgeted incremental reparse) in a 10,000-line Python file;
//   - not on the keystroke path, for scale: answering flint/stats' figures as
//     Prometheus text (collect + render) with one provider and the three features.
// The ratio says how much of a keystroke's cost a model request's bookkeeping is.

#include "Corpus.h"

#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "stats/Metrics.h"
#include "stats/ServingStats.h"
#include "stats/FeatureStats.h"
#include "suggest/InlineStats.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

using namespace flint;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Nanoseconds per model request's bookkeeping, as the median of `batches` batches.
double statsPerRequestNs(int batches, int perBatch) {
    ServingStats serving;
    InlineStats inlineStats;
    std::vector<double> results;
    uint64_t call = 0;
    volatile double sink = 0;
    StreamUpdate text, end;
    text.text = "tok";
    end.end = StreamUpdate::End::Stop;
    end.status = 200;
    for (int b = 0; b < batches; ++b) {
        const auto start = Clock::now();
        for (int i = 0; i < perBatch; ++i) {
            ++call;
            ProviderEvent e;
            e.call = call;
            e.kind = ProviderEvent::Kind::Started;
            serving.record("default", e, start);
            e.kind = ProviderEvent::Kind::FirstToken;
            e.elapsed = std::chrono::milliseconds(100 + (call % 50));
            serving.record("default", e, start);
            const auto a = Clock::now();
            StreamMeter meter(start);
            meter.update(inlineStats, text, a);  // the first text: time to first token
            meter.update(inlineStats, text, a + 1ms);
            e.kind = ProviderEvent::Kind::Ended;
            e.end = StreamUpdate::End::Stop;
            e.status = 200;
            e.deltas = 20;
            e.elapsed = std::chrono::milliseconds(200 + (call % 50));
            serving.record("default", e, start);
            meter.update(inlineStats, end, a + 2ms);  // the end: the decode rate
            inlineStats.addedMs.add(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
        }
        results.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() / perBatch);
        sink = sink + inlineStats.addedMs.sum();
    }
    return median(results);
}

std::string didChange(const std::string& uri, int64_t version, uint32_t line, uint32_t column, uint32_t endColumn,
                      const std::string& text) {
    return json::serialize(json::object{{"jsonrpc", "2.0"}, {"method", "textDocument/didChange"},
        {"params", json::object{{"textDocument", json::object{{"uri", uri}, {"version", version}}},
            {"contentChanges", json::array{json::object{
                {"range", json::object{{"start", json::object{{"line", line}, {"character", column}}},
                                       {"end", json::object{{"line", line}, {"character", endColumn}}}}},
                {"text", text}}}}}}});
}

// Nanoseconds per keystroke (type a character, then delete it), median over rounds.
double keystrokeNs(int rounds) {
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
    const std::string uri = "file:///bench/stats.py";
    server.onMessage(json::serialize(json::object{{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
        {"params", json::object{{"textDocument", json::object{{"uri", uri}, {"languageId", "python"},
                                                              {"version", 1}, {"text", bench::pythonFile(10000)}}}}}}));
    drain();
    Document* doc = server.context().workspace.find(uri);
    uint32_t line = doc->text().lineCount() / 2;
    while (doc->text().lineContent(line) != "        return self.size") ++line;
    std::vector<double> results;
    int64_t version = 1;
    for (int i = 0; i < rounds; ++i) {
        const std::string type = didChange(uri, ++version, line, 24, 24, "x");
        const std::string erase = didChange(uri, ++version, line, 24, 25, "");
        const auto start = Clock::now();
        server.onMessage(type);
        results.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
        drain();
        server.onMessage(erase);
        drain();
    }
    return median(results);
}

double prometheusRenderUs(int rounds) {
    ServingStats serving;
    InlineStats inlineStats;
    FeatureStats nextEditStats, actionStats;
    for (uint64_t call = 1; call <= 300; ++call) {
        ProviderEvent e;
        e.call = call;
        serving.record("default", e, Clock::now());
        e.kind = ProviderEvent::Kind::FirstToken;
        e.elapsed = std::chrono::milliseconds(call % 400);
        serving.record("default", e, Clock::now());
        for (FeatureStats* f : {static_cast<FeatureStats*>(&inlineStats), &nextEditStats, &actionStats}) {
            f->timeToFirstTokenMs.add(static_cast<double>(call % 400));
            f->addedMs.add(0.3);
            f->tokensPerSecond.add(static_cast<double>(800 + call % 200));
        }
    }
    std::vector<double> results;
    size_t bytes = 0;
    for (int i = 0; i < rounds; ++i) {
        const auto start = Clock::now();
        bytes += prometheusText(collectMetrics(
                     serving, {{.feature = "inline", .provider = "default", .stats = &inlineStats,
                                .outcomes = {{"shown", 3}, {"accepted", 1}, {"partially_accepted", 1}, {"rejected", 1}},
                                .counters = {{"flint_feature_debounced_total", "Debounced.", "", {{"", 4}}}}},
                               {.feature = "nextEdit", .provider = "default", .stats = &nextEditStats,
                                .outcomes = {{"shown", 2}, {"accepted", 1}, {"rejected", 1}},
                                .counters = {{"flint_feature_skipped_total", "Skipped.", "reason", {{"budget", 1}}}}},
                               {.feature = "actions", .provider = "default", .stats = &actionStats,
                                .outcomes = {{"offered", 5}, {"applied", 1}}}}))
                     .size();
        results.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    return bytes ? median(results) : 0;
}

} // namespace

int main(int argc, char** argv) {
    std::string jsonPath;
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--json" && i + 1 < argc) jsonPath = argv[++i];
    // Interleaved: baseline and subject alternate, so load on the machine hits both.
    std::vector<double> stats, keystroke;
    for (int round = 0; round < 5; ++round) {
        keystroke.push_back(keystrokeNs(200));
        stats.push_back(statsPerRequestNs(20, 10000));
    }
    const double statsNs = median(stats);
    const double keystrokeMedianNs = median(keystroke);
    const double renderUs = prometheusRenderUs(200);
    std::printf("statistics per model request: %.0f ns (3 provider events + a stream meter over 3 updates + 1 sample + 2 clock reads)\n", statsNs);
    std::printf("baseline, one keystroke (didChange, 10,000-line Python file): %.0f ns\n", keystrokeMedianNs);
    std::printf("ratio statistics / keystroke: %.2e (%.4f%%)\n", statsNs / keystrokeMedianNs, 100.0 * statsNs / keystrokeMedianNs);
    std::printf("Prometheus text for one provider and three features (collect + render): %.1f us (not on the keystroke path)\n",
                renderUs);
    if (!jsonPath.empty()) {
        std::ofstream(jsonPath) << json::serialize(json::object{
            {"stats_per_model_request_ns", statsNs}, {"keystroke_ns", keystrokeMedianNs},
            {"ratio", statsNs / keystrokeMedianNs}, {"prometheus_render_us", renderUs}});
        std::printf("wrote %s\n", jsonPath.c_str());
    }
}
