// flint-llama-bench: what Flint adds between a completion request and a real
// llama.cpp server.
//
// An in-process flint-lsp core (the real JSON-RPC path, a 10,000-line Python file, a
// provider connected to llama-server serving the tiny model) is asked for inline
// completions in the middle of the file, in single-line mode (what a keystroke inside
// a line asks for). For each request: the time from the request entering the server
// to the first suggestion text leaving it (flint/inlineCompletion/partial).
// Baseline, interleaved in the same run: a plain streaming client on a warm
// keep-alive connection sending the very body Flint sends (same prompt, so the same
// prompt-cache state on the server), timed to its first text delta. The server has
// one slot, idle before each request, so the baseline meets the cache Flint's request
// left: its final timings (prompt tokens evaluated / cached) show the two asked the
// same work. Flint's added latency is the difference of the medians (and of the p99s).

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
    size_t flintConnections = 0;
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

Run measure(boost::asio::io_context& loop, LlamaServer& llama, const std::string& kind, int requests) {
    std::vector<std::pair<Clock::time_point, std::string>> sent;
    lsp::LanguageServer server([&](std::string payload) { sent.emplace_back(Clock::now(), std::move(payload)); },
                               [&](std::function<void()> task) { boost::asio::post(loop, std::move(task)); }, &loop);
    auto message = [&](json::object m) {
        m["jsonrpc"] = "2.0";
        server.onMessage(json::serialize(m));
    };
    const bool openAi = kind.rfind("openai-", 0) == 0;
    const std::string basePath = openAi ? "/v1" : "";
    message({{"id", 1}, {"method", "initialize"}, {"params", json::object{{"capabilities", json::object{}},
        {"initializationOptions", json::object{{"provider", json::object{{"kind", kind},
            {"endpoint", llama.url() + basePath}, {"model", "tiny"}}}}}}}});
    message({{"method", "initialized"}, {"params", json::object{}}});
    const std::string uri = "file:///bench/widgets.py";
    const std::string text = pythonFile(10000);
    message({{"method", "textDocument/didOpen"}, {"params", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}}}});
    Provider* provider = server.context().provider.get();
    runUntil(loop, [&] { return provider->connectionStats().idle > 0; });

    // The cursor: inside `        if amount > 0:` in the middle of the file, after "if ".
    Document* doc = server.context().workspace.find(uri);
    uint32_t line = doc->text().lineCount() / 2;
    while (doc->text().lineContent(line) != "        if amount > 0:") ++line;
    const uint32_t character = 11;

    // The baseline's body: what Flint sends for this cursor.
    const WireFormat& format = *findWireFormat(kind);
    const size_t offset = doc->text().offsetAt({line, character}, PositionEncoding::Utf16);
    const CompletionContext context = buildCompletionContext(*doc, offset, {});
    ModelRequest request = buildCompletionRequest(context, format, wantsSingleLine(context) ? 64 : 256);
    request.model = "tiny";
    request.predictBudgetMs = static_cast<int>(provider->config().predictBudget.count());
    HttpRequest http;
    http.target = basePath + std::string(format.path());
    http.body = format.requestBody(request);
    HttpClient raw(loop, llama.endpoint());
    raw.preconnect();
    runUntil(loop, [&] { return raw.stats().idle > 0; });

    Run run;
    for (int i = 0; i < requests; ++i) {
        settle(llama);
        sent.clear();
        const int64_t id = 100 + i;
        const Clock::time_point in = Clock::now();
        message({{"id", id}, {"method", "textDocument/inlineCompletion"}, {"params", json::object{
            {"textDocument", json::object{{"uri", uri}}},
            {"position", json::object{{"line", line}, {"character", character}}},
            {"context", json::object{{"triggerKind", 2}}}}}});
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

        // Baseline: the same body on a warm connection, read to its end (so it stays warm).
        StreamDecoder decoder(format);
        std::string body;
        bool finished = false;
        std::optional<Clock::time_point> first;
        const Clock::time_point start = Clock::now();
        auto call = raw.send(http, {
            .onHead = nullptr,
            .onBody = [&](std::string_view bytes) {
                body.append(bytes);
                std::vector<StreamUpdate> updates;
                decoder.feed(bytes, updates);
                for (const StreamUpdate& u : updates)
                    if (!u.text.empty() && !first) first = Clock::now();
            },
            .onDone = [&](const std::string&) { finished = true; },
        });
        runUntil(loop, [&] { return finished; }, std::chrono::seconds(60));
        if (first) run.raw.push_back(micros(start, *first));
        if (const auto timings = lastTimings(body)) {
            run.rawEvaluated.push_back(timings->at("prompt_n").to_number<double>());
            run.rawCached.push_back(timings->at("cache_n").to_number<double>());
        }
        settle(llama);
    }
    run.flintConnections = provider->connectionStats().connectionsOpened;
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
    std::printf("Inline completion against llama-server (tiny model, 1 thread), 10,000-line Python file,\n"
                "single-line cursor: request in -> first suggestion text out, against a plain client's\n"
                "first delta for the same body on a warm connection (interleaved, %d each)\n\n", requests);
    std::printf("%-19s | %-26s | %-26s | %-17s | %s\n", "kind", "Flint p50/p90/p99", "raw client p50/p90/p99",
                "added p50 / p99", "raw eval/cached, Flint conns");
    json::array rows;
    for (const std::string kind : {"llama-infill", "openai-completions", "openai-chat"}) {
        measure(loop, llama, kind, 3);  // warm the server's caches and code paths
        const Run run = measure(loop, llama, kind, requests);
        const Quantiles f = quantiles(run.flint), r = quantiles(run.raw);
        const double evaluated = quantiles(run.rawEvaluated).median, cached = quantiles(run.rawCached).median;
        std::printf("%-19s | %6.0fus %6.0fus %7.0fus | %6.0fus %6.0fus %7.0fus | %6.0fus / %6.0fus | %.0f/%.0f, %zu\n",
                    kind.c_str(), f.median, f.p90, f.p99, r.median, r.p90, r.p99, f.median - r.median, f.p99 - r.p99,
                    evaluated, cached, run.flintConnections);
        rows.push_back(json::object{{"kind", kind}, {"samples", run.flint.size()},
                                    {"flint_us", json::array{f.median, f.p90, f.p99}},
                                    {"raw_us", json::array{r.median, r.p90, r.p99}},
                                    {"added_median_us", f.median - r.median}, {"added_p99_us", f.p99 - r.p99},
                                    {"raw_prompt_evaluated", evaluated},
                                    {"raw_prompt_cached", cached}, {"flint_connections", run.flintConnections}});
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
