// flint-inline-bench: what Flint adds between a completion request and the model.
//
// An in-process flint-lsp core (the real JSON-RPC path, a 10,000-line Python file,
// a provider connected to the scripted model server) is asked for inline
// completions in the middle of the file. For each request: the time from the
// request entering the server to the first streamed suggestion text leaving it
// (flint/inlineCompletion/partial). Baseline, interleaved in the same run: a plain
// streaming client on a warm connection to the same server, sending a request body
// of the same size, timed to its first delta. Flint's added latency is the
// difference; the scripted server runs at TTFT 0 (Flint's own cost stands out) and
// at TTFT 20 ms with 1,000 tokens/s (the setting).

#include "Corpus.h"
#include "ScriptedModelServer.h"

#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "model/HttpClient.h"
#include "model/StreamDecoder.h"
#include "support/Logging.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

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
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
    return {at(0.5), at(0.9), at(0.99)};
}

double micros(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::micro>(to - from).count();
}

struct Run {
    std::vector<double> flint;     // request in → first suggestion text out
    std::vector<double> raw;       // request sent → first delta, plain client
};

Run measure(boost::asio::io_context& loop, ScriptedModelServer& model, int ttftMs, int tokensPerSecond, int requests) {
    model.control("POST", "/__flint/script", json::serialize(json::object{
        {"reply", "self.size * 2\n"}, {"tokenChars", 4}, {"ttftMs", ttftMs}, {"tokensPerSecond", tokensPerSecond},
        {"holdAfter", nullptr}}));

    // Flint, in process: what it sends out is only timestamped here, read afterwards.
    std::vector<std::pair<Clock::time_point, std::string>> sent;
    lsp::LanguageServer server([&](std::string payload) { sent.emplace_back(Clock::now(), std::move(payload)); },
                               [&](std::function<void()> task) { boost::asio::post(loop, std::move(task)); }, &loop);
    auto message = [&](json::object m) {
        m["jsonrpc"] = "2.0";
        server.onMessage(json::serialize(m));
    };
    message({{"id", 1}, {"method", "initialize"}, {"params", json::object{{"capabilities", json::object{}},
        {"initializationOptions", json::object{{"provider", json::object{{"kind", "openai-chat"},
            {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"}, {"model", "bench"}}}}}}}});
    message({{"method", "initialized"}, {"params", json::object{}}});
    const std::string uri = "file:///bench/widgets.py";
    const std::string text = pythonFile(10000);
    message({{"method", "textDocument/didOpen"}, {"params", json::object{{"textDocument", json::object{
        {"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}}}});
    Provider* provider = server.context().providerFor(lsp::ServerContext::Feature::Inline);
    runUntil(loop, [&] { return provider->connectionStats().idle > 0; });

    // The cursor: the end of a method body line in the middle of the file.
    const Document* doc = server.context().workspace.find(uri);
    uint32_t line = doc->text().lineCount() / 2;
    while (doc->text().lineContent(line) != "        return self.size") ++line;
    const auto character = static_cast<uint32_t>(doc->text().lineContent(line).size());

    // The baseline client: a warm connection, a body the size of Flint's.
    HttpClient raw(loop, model.endpoint("/v1"));
    raw.preconnect();
    runUntil(loop, [&] { return raw.stats().idle > 0; });
    const WireFormat& chat = *findWireFormat("openai-chat");

    Run run;
    for (int i = 0; i < requests; ++i) {
        // Flint: the request goes in through JSON-RPC like an editor's.
        sent.clear();
        const int64_t id = 100 + i;
        const Clock::time_point in = Clock::now();
        message({{"id", id}, {"method", "textDocument/inlineCompletion"}, {"params", json::object{
            {"textDocument", json::object{{"uri", uri}}},
            {"position", json::object{{"line", line}, {"character", character}}},
            {"context", json::object{{"triggerKind", 2}}}}}});
        auto doneFor = [&](const std::pair<Clock::time_point, std::string>& s) {
            return s.second.find("flint/inlineCompletion/partial") != std::string::npos &&
                   s.second.find("\"done\":true") != std::string::npos;
        };
        runUntil(loop, [&] { return std::any_of(sent.begin(), sent.end(), doneFor); }, std::chrono::seconds(10));
        for (const auto& [when, payload] : sent)
            if (payload.find("flint/inlineCompletion/partial") != std::string::npos &&
                payload.find("\"text\":\"\"") == std::string::npos) {
                run.flint.push_back(micros(in, when));
                break;
            }

        // Baseline: the same server, the same size of request, no Flint.
        ModelRequest request;
        request.model = "bench";
        request.system = std::string(1200, 's');
        request.user = text.substr(0, 7500);
        HttpRequest http;
        http.target = "/v1/chat/completions";
        http.body = chat.requestBody(request);
        StreamDecoder decoder(chat);
        bool done = false;
        std::optional<Clock::time_point> first;
        const Clock::time_point start = Clock::now();
        auto call = raw.send(http, {
            .onHead = nullptr,
            .onBody = [&](std::string_view bytes) {
                std::vector<StreamUpdate> updates;
                decoder.feed(bytes, updates);
                for (const StreamUpdate& u : updates)
                    if (!u.text.empty() && !first) first = Clock::now();
            },
            .onDone = [&](const std::string&) { done = true; },
        });
        runUntil(loop, [&] { return done; }, std::chrono::seconds(10));
        if (first) run.raw.push_back(micros(start, *first));
    }
    message({{"id", 2}, {"method", "shutdown"}, {"params", nullptr}});
    return run;
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    int requests = 200;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json" && i + 1 < argc) jsonPath = argv[++i];
        else if (a == "--requests" && i + 1 < argc) requests = std::stoi(argv[++i]);
    }
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // Warm the scripted server's own code paths before anything is timed.
    measure(loop, model, 0, 0, 5);

    std::printf("Inline completion on a 10,000-line Python file: request in -> first suggestion text out,\n"
                "against a plain client's first delta from the same server (interleaved, %d each)\n\n", requests);
    std::printf("%-26s | %-26s | %-26s | %s\n", "scripted server", "Flint p50/p90/p99", "raw client p50/p90/p99",
                "added p50 (ratio)");
    json::array rows;
    for (auto [ttft, tps] : {std::pair{0, 0}, std::pair{20, 1000}}) {
        const Run run = measure(loop, model, ttft, tps, requests);
        const Quantiles f = quantiles(run.flint), r = quantiles(run.raw);
        char label[64];
        std::snprintf(label, sizeof label, "TTFT %d ms, %s", ttft, tps ? "1,000 tok/s" : "unpaced");
        std::printf("%-26s | %6.0fus %6.0fus %7.0fus | %6.0fus %6.0fus %7.0fus | %6.0fus (%.2f)\n", label, f.median,
                    f.p90, f.p99, r.median, r.p90, r.p99, f.median - r.median, f.median / r.median);
        rows.push_back(json::object{{"ttft_ms", ttft}, {"tokens_per_second", tps}, {"samples", run.flint.size()},
                                    {"flint_us", json::array{f.median, f.p90, f.p99}},
                                    {"raw_us", json::array{r.median, r.p90, r.p99}},
                                    {"added_median_us", f.median - r.median}});
    }
    if (!jsonPath.empty()) {
        std::ofstream(jsonPath) << json::serialize(json::object{{"inline", std::move(rows)}});
        std::printf("wrote %s\n", jsonPath.c_str());
    }
    return 0;
}
