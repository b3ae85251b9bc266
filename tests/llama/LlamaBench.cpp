// flint-llama-bench: what Flint adds between a completion request and a real
// llama.cpp server.
//
// An in-process flint-lsp core (the real JSON-RPC path, a 10,000-line Python file, a
// provider connected to llama-server serving the tiny model) is asked for inline
// completions in the middle of the file: with the cursor inside a line (single-line:
// Flint closes the stream once the line is in) and at the end of one (a block). Each
// round first edits the cursor line, as a keystroke would (Flint's own cache would
// answer a repeated question), and lets the reparse finish. Timed: the request
// entering the server → the first suggestion text leaving it
// (flint/inlineCompletion/partial). Baseline, in the same round: a plain streaming
// client on a warm keep-alive connection sending the very body Flint sends, built by
// the same code, timed to its first text delta; each goes first every other round.
// The server has one slot; an untimed request with that body runs first, so both timed
// requests meet the same prompt cache (the baseline's final timings show it: all but
// one token cached). Flint's added latency is the difference of the medians (and of
// the p99s).

#include "Corpus.h"
#include "LlamaServer.h"
#include "ScriptedModelServer.h"  // runUntil

#include "context/CompletionContext.h"
#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "model/HttpClient.h"
#include "model/StreamDecoder.h"
#include "suggest/Prompt.h"
#include "suggest/Shaping.h"
#include "support/Logging.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace flint;
using namespace flint::bench;
using namespace flint::test;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;

namespace {

struct Quantiles {
    double median, p90, p99;
};

Quantiles quantiles(std::vector<double> v) {
    if (v.empty()) return {0, 0, 0};
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
    return {at(0.5), at(0.9), at(0.99)};
}

double micros(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::micro>(to - from).count();
}

struct Run {
    std::vector<double> flint;  // request in → first suggestion text out
    std::vector<double> raw;    // request sent → first text delta, plain client
    std::vector<double> rawEvaluated, rawCached;  // the baseline's prompt tokens evaluated / from the cache
    size_t flintConnections = 0, rawConnections = 0;
};

// Waits until the server's one slot is idle.
void settle(LlamaServer& llama) {
    while (llama.get("/slots").as_array().front().at("is_processing").as_bool()) {
    }
}

// The `timings` of the last event of a llama-server stream that carries them.
std::optional<json::object> lastTimings(const std::string& body) {
    const size_t at = body.rfind("\"timings\"");
    if (at == std::string::npos) return std::nullopt;
    const size_t start = body.rfind("data: ", at);
    const size_t end = body.find('\n', at);
    boost::system::error_code ec;
    json::value event = json::parse(body.substr(start + 6, end - start - 6), ec);
    if (ec || !event.is_object()) return std::nullopt;
    const json::value* timings = event.as_object().if_contains("timings");
    if (!timings && event.as_object().contains("response"))  // Responses: inside response.completed
        timings = event.at("response").as_object().if_contains("timings");
    if (!timings || !timings->is_object()) return std::nullopt;
    return timings->as_object();
}

struct Scenario {
    std::string kind;
    bool singleLine;  // the cursor inside a line (Flint closes the stream after one line)
};

Run measure(boost::asio::io_context& loop, LlamaServer& llama, const Scenario& scenario, int rounds) {
    std::vector<std::pair<Clock::time_point, std::string>> sent;
    lsp::LanguageServer server([&](std::string payload) { sent.emplace_back(Clock::now(), std::move(payload)); },
                               [&](std::function<void()> task) { boost::asio::post(loop, std::move(task)); }, &loop);
    auto message = [&](json::object m) {
        m["jsonrpc"] = "2.0";
        server.onMessage(json::serialize(m));
    };
    const std::string& kind = scenario.kind;
    const bool openAi = kind.rfind("openai-", 0) == 0;
    const std::string basePath = openAi ? "/v1" : "";
    message({{"id", 1}, {"method", "initialize"}, {"params", json::object{{"capabilities", json::object{}},
        {"initializationOptions", json::object{{"provider", json::object{{"kind", kind},
            {"endpoint", llama.url() + basePath}, {"model", "tiny"}}}}}}}});
    message({{"method", "initialized"}, {"params", json::object{}}});
    const std::string uri = "file:///bench/widgets.py";
    const std::string text = pythonFile(10000);
    int version = 1;
    message({{"method", "textDocument/didOpen"}, {"params", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", "python"}, {"version", version}, {"text", text}}}}}});
    Provider* provider = server.context().providerFor(lsp::ServerContext::Feature::Inline);
    runUntil(loop, [&] { return provider->connectionStats().idle > 0; });

    // The cursor line, in the middle of the file: `        if amount > 0:` with the cursor
    // after "if " (single-line), or `        return self.size` with it at the end.
    Document* doc = server.context().workspace.find(uri);
    const std::string original = scenario.singleLine ? "        if amount > 0:" : "        return self.size";
    uint32_t line = doc->text().lineCount() / 2;
    while (doc->text().lineContent(line) != original) ++line;

    const WireFormat& format = *findWireFormat(kind);
    HttpClient raw(loop, llama.endpoint());
    raw.preconnect();
    runUntil(loop, [&] { return raw.stats().idle > 0; });

    // The plain client: the body on its warm connection, read to the end (so the
    // connection stays warm); returns when its first text delta arrived after sending.
    auto baseline = [&](const std::string& target, const std::string& body, Run* run) {
        StreamDecoder decoder(format);
        std::string received;
        bool finished = false;
        std::optional<Clock::time_point> first;
        HttpRequest http;
        http.target = target;
        http.body = body;
        const Clock::time_point start = Clock::now();
        auto call = raw.send(http, {
            .onHead = nullptr,
            .onBody = [&](std::string_view bytes) {
                received.append(bytes);
                std::vector<StreamUpdate> updates;
                decoder.feed(bytes, updates);
                for (const StreamUpdate& u : updates)
                    if (!u.text.empty() && !first) first = Clock::now();
            },
            .onDone = [&](const std::string&) { finished = true; },
        });
        runUntil(loop, [&] { return finished; }, std::chrono::seconds(60));
        settle(llama);
        if (!run) return;
        if (first) run->raw.push_back(micros(start, *first));
        if (const auto timings = lastTimings(received)) {
            run->rawEvaluated.push_back(timings->at("prompt_n").to_number<double>());
            run->rawCached.push_back(timings->at("cache_n").to_number<double>());
        }
    };

    auto flint = [&](int64_t id, uint32_t character, Run& run) {
        sent.clear();
        const Clock::time_point in = Clock::now();
        message({{"id", id}, {"method", "textDocument/inlineCompletion"}, {"params", json::object{
            {"textDocument", json::object{{"uri", uri}}},
            {"position", json::object{{"line", line}, {"character", character}}},
            {"context", json::object{{"triggerKind", 1}}}}}});  // invoked: no debounce wait
        auto done = [&](const std::pair<Clock::time_point, std::string>& s) {
            return s.second.find("flint/inlineCompletion/partial") != std::string::npos &&
                   s.second.find("\"done\":true") != std::string::npos;
        };
        runUntil(loop, [&] { return std::any_of(sent.begin(), sent.end(), done); }, std::chrono::seconds(60));
        for (const auto& [when, payload] : sent)
            if (payload.find("flint/inlineCompletion/partial") != std::string::npos &&
                payload.find("\"text\":\"\"") == std::string::npos) {
                run.flint.push_back(micros(in, when));
                break;
            }
        settle(llama);
    };

    Run run;
    uint32_t length = static_cast<uint32_t>(original.size());
    for (int round = 0; round < rounds; ++round) {
        // A new question each round (Flint's own cache would answer a repeated one): the
        // cursor line changes, as between keystrokes, and its reparse is let finish.
        const std::string fresh = scenario.singleLine ? "        if amount > " + std::to_string(round) + ":"
                                                      : "        return self.size + " + std::to_string(round);
        message({{"method", "textDocument/didChange"}, {"params", json::object{
            {"textDocument", json::object{{"uri", uri}, {"version", ++version}}},
            {"contentChanges", json::array{json::object{
                {"range", json::object{{"start", json::object{{"line", line}, {"character", 0}}},
                                       {"end", json::object{{"line", line}, {"character", length}}}}},
                {"text", fresh}}}}}}});
        length = static_cast<uint32_t>(fresh.size());
        runUntil(loop, [&] { return !doc->parsePending(); });
        const uint32_t character = scenario.singleLine ? 11 : length;

        // The body Flint will send for this cursor, built by the same code.
        const size_t offset = doc->text().offsetAt({line, character}, PositionEncoding::Utf16);
        const CompletionContext context = buildCompletionContext(*doc, offset, {});
        ModelRequest request = buildCompletionRequest(context, format, wantsSingleLine(*doc, offset, context) ? 64 : 256);
        request.model = "tiny";
        request.predictBudgetMs = static_cast<int>(provider->config().predictBudget.count());
        request.slot = provider->config().slot;
        const std::string target = basePath + std::string(format.path());
        const std::string body = format.requestBody(request);
        // Untimed: the server evaluates the new prompt once, so that both timed requests
        // meet the same cache (all but the last token cached).
        baseline(target, body, nullptr);
        // Interleaved, each going first every other round.
        if (round % 2 == 0) {
            flint(100 + round, character, run);
            baseline(target, body, &run);
        } else {
            baseline(target, body, &run);
            flint(100 + round, character, run);
        }
    }
    run.flintConnections = provider->connectionStats().connectionsOpened;
    run.rawConnections = raw.stats().connectionsOpened;
    message({{"id", 2}, {"method", "shutdown"}, {"params", nullptr}});
    return run;
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    int requests = 100;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json" && i + 1 < argc) jsonPath = argv[++i];
        else if (a == "--requests" && i + 1 < argc) requests = std::stoi(argv[++i]);
    }
    std::string whyNot;
    if (!llamaPaths(whyNot)) {
        std::fprintf(stderr, "NOT RUN: %s\n", whyNot.c_str());
        return 77;
    }
    boost::asio::io_context loop;
    LlamaServer llama(loop);  // one slot: every request, Flint's or the baseline's, meets the same cache
    std::printf("Inline completion against llama-server (tiny model, 1 thread), 10,000-line Python file, a new\n"
                "line each round: request in -> first suggestion text out, against a plain client's first delta\n"
                "for the same body on a warm connection (each going first every other round, %d rounds)\n\n",
                requests);
    std::printf("%-26s | %-26s | %-26s | %-17s | %-9s | %s\n", "kind (cursor)", "Flint p50/p90/p99",
                "raw client p50/p90/p99", "added p50 / p99", "p50 ratio", "raw eval/cached, conns Flint/raw");
    json::array rows;
    const Scenario scenarios[] = {{"llama-infill", true}, {"llama-infill", false}, {"openai-completions", true},
                                  {"openai-chat", true}};
    for (const Scenario& scenario : scenarios) {
        measure(loop, llama, scenario, 3);  // warm the server's caches and code paths
        const Run run = measure(loop, llama, scenario, requests);
        const Quantiles f = quantiles(run.flint), r = quantiles(run.raw);
        const double evaluated = quantiles(run.rawEvaluated).median, cached = quantiles(run.rawCached).median;
        const std::string label = scenario.kind + (scenario.singleLine ? " (line)" : " (block)");
        const double ratio = r.median > 0 ? f.median / r.median : 0;  // Flint's p50 over the baseline's
        std::printf("%-26s | %6.0fus %6.0fus %7.0fus | %6.0fus %6.0fus %7.0fus | %6.0fus / %6.0fus | %8.2fx | "
                    "%.0f/%.0f, %zu/%zu\n",
                    label.c_str(), f.median, f.p90, f.p99, r.median, r.p90, r.p99, f.median - r.median, f.p99 - r.p99,
                    ratio, evaluated, cached, run.flintConnections, run.rawConnections);
        rows.push_back(json::object{{"kind", scenario.kind}, {"single_line", scenario.singleLine},
                                    {"samples", run.flint.size()},
                                    {"flint_us", json::array{f.median, f.p90, f.p99}},
                                    {"raw_us", json::array{r.median, r.p90, r.p99}},
                                    {"added_median_us", f.median - r.median}, {"added_p99_us", f.p99 - r.p99},
                                    {"median_ratio", ratio},
                                    {"raw_prompt_evaluated", evaluated},
                                    {"raw_prompt_cached", cached}, {"flint_connections", run.flintConnections},
                                    {"raw_connections", run.rawConnections}});
    }
    double load[3] = {0, 0, 0};
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
        std::fclose(f);
    }
    std::printf("\nmachine load average (1/5/15 min): %.2f %.2f %.2f on %u cores\n", load[0], load[1], load[2],
                std::thread::hardware_concurrency());
    if (!jsonPath.empty()) {
        std::ofstream(jsonPath) << json::serialize(json::object{{"llama", std::move(rows)}});
        std::printf("wrote %s\n", jsonPath.c_str());
    }
    return 0;
}
