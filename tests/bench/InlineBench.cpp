// flint-inline-bench: what Flint adds between a completion request and the model,
// and what the typed-through cache saves.
//
// An in-process flint-lsp core (the real JSON-RPC path, a 10,000-line Python file,
// a provider connected to the scripted model server) is asked for inline
// completions in the middle of the file. Each round first gives the cursor line a
// new text (so the request is cold: nothing cached fits), asks, and waits for the
// whole suggestion; then types the suggestion's first character and asks again
// (a typed-through hit). Measured per round, all on CLOCK_MONOTONIC (the scripted
// server stamps its side with the same clock):
//   - request in -> provider called: Flint's own work before the network layer;
//   - request in -> request on the wire: the request entering the server until the
//     model server has it; baseline: a plain HTTP client's send until the model
//     server has a request of the same size, interleaved (every other round first);
//   - Flint's added latency: (first suggestion text sent to the client) - (first
//     token reaching Flint, from the provider's events); also measured from the
//     model server's write of it (that adds loopback and the other process's
//     scheduling); the model's own time to first token is shown for scale;
//   - request in -> response out, for the cold request and for the typed-through
//     hit (which must make no model request).
// The scripted server runs unpaced (Flint's own cost stands out) and at TTFT 20 ms
// with 1,000 tokens/s (the setting).

#include "Corpus.h"
#include "ScriptedModelServer.h"

#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "model/HttpClient.h"
#include "model/Provider.h"
#include "support/Logging.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
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
    double median, p99;
};

Quantiles quantiles(std::vector<double> v) {
    if (v.empty()) return {0, 0};
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
    return {at(0.5), at(0.99)};
}

int64_t nanos(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

double micros(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::micro>(to - from).count();
}

struct Run {
    std::vector<double> wire, rawWire;       // request in -> on the wire; plain client baseline
    std::vector<double> callMade;            // request in -> Flint calls the provider (in process)
    std::vector<double> added;               // first token reaches Flint -> first text out (in process)
    std::vector<double> addedFromServer;     // first token written by the server -> first text out
    std::vector<double> modelTtft;           // the model's own TTFT
    std::vector<double> cold, hit;           // request in -> response out
    std::vector<double> reparse;             // the keystroke's reparse, finished before asking (not counted)
    size_t hitModelRequests = 0;             // model requests made for typed-through hits (must be 0)
    size_t hitMisses = 0;                    // typed-through requests not answered at once
};

json::value lastModelRequest(ScriptedModelServer& model) {
    return model.control("GET", "/__flint/requests?last=1").as_array().at(0);
}

Run measure(boost::asio::io_context& loop, ScriptedModelServer& model, int ttftMs, int tokensPerSecond, int rounds) {
    model.control("POST", "/__flint/script", json::serialize(json::object{
        {"reply", " * 2 + 1\n        return value\n"}, {"tokenChars", 4}, {"ttftMs", ttftMs},
        {"tokensPerSecond", tokensPerSecond}, {"holdAfter", nullptr}}));

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
    int64_t version = 1;
    auto didChange = [&](uint32_t fromCharacter, uint32_t toCharacter, const std::string& insert) {
        message({{"method", "textDocument/didChange"}, {"params", json::object{
            {"textDocument", json::object{{"uri", uri}, {"version", ++version}}},
            {"contentChanges", json::array{json::object{
                {"range", json::object{{"start", json::object{{"line", line}, {"character", fromCharacter}}},
                                       {"end", json::object{{"line", line}, {"character", toCharacter}}}}},
                {"text", insert}}}}}}});
    };
    auto ask = [&](int64_t id, uint32_t character) {
        message({{"id", id}, {"method", "textDocument/inlineCompletion"}, {"params", json::object{
            {"textDocument", json::object{{"uri", uri}}},
            {"position", json::object{{"line", line}, {"character", character}}},
            {"context", json::object{{"triggerKind", 1}}}}}});
    };
    auto isDone = [](const std::string& payload) {
        return payload.find("flint/inlineCompletion/partial") != std::string::npos &&
               payload.find("\"done\":true") != std::string::npos;
    };
    auto responseTime = [&](int64_t id) -> std::optional<Clock::time_point> {
        for (const auto& [when, payload] : sent) {
            const json::value m = json::parse(payload);
            if (!m.as_object().contains("method") && m.at("id") == id) return when;
        }
        return std::nullopt;
    };

    // The baseline client: a warm connection, a body the size of Flint's.
    HttpClient raw(loop, model.endpoint("/v1"));
    raw.preconnect();
    runUntil(loop, [&] { return raw.stats().idle > 0; });

    // Flint's own view of each model call: when it made it, when the first token reached it.
    Clock::time_point callMade{}, tokenArrived{};
    provider->observe([&](const ProviderEvent& e) {
        if (e.kind == ProviderEvent::Kind::Started) callMade = Clock::now();
        if (e.kind == ProviderEvent::Kind::FirstToken) tokenArrived = Clock::now();
    });

    Run run;
    std::string body;  // Flint's last request body: the baseline sends one of the same size
    auto baseline = [&] {
        if (body.empty()) return;
        HttpRequest http;
        http.target = "/v1/chat/completions";
        http.body = body;
        bool done = false;
        const Clock::time_point start = Clock::now();
        auto call = raw.send(http, {.onHead = nullptr, .onBody = [](std::string_view) {},
                                    .onDone = [&](const std::string&) { done = true; }});
        runUntil(loop, [&] { return done; }, std::chrono::seconds(10));
        run.rawWire.push_back((lastModelRequest(model).at("receivedNs").to_number<double>() - double(nanos(start))) / 1000.0);
    };

    // Once, before timing: the cursor line becomes an assignment whose name changes each round.
    constexpr uint32_t kNameEnd = 13;  // "        total"
    didChange(0, static_cast<uint32_t>(doc->text().lineContent(line).size()), "        total = self.size");
    runUntil(loop, [&] { return !server.context().workspace.find(uri)->parsePending(); });
    uint32_t lineLength = static_cast<uint32_t>(doc->text().lineContent(line).size());
    for (int round = 0; round < rounds; ++round) {
        // A cold request: the cursor line says something new (a keystroke-sized edit:
        // the number in `total0`, `total1`, ... and the space typed last round).
        const std::string fresh = std::to_string(round) + " = self.size";
        didChange(kNameEnd, lineLength, fresh);
        lineLength = static_cast<uint32_t>(kNameEnd + fresh.size());
        // The edit's reparse runs in slices on the loop after the keystroke (in this file
        // tree-sitter re-lexes the rest of it: tens of ms). Let it finish, as it does
        // between keystrokes, so that it is not counted as the request's cost.
        const Clock::time_point parseStart = Clock::now();
        runUntil(loop, [&] { return !server.context().workspace.find(uri)->parsePending(); });
        run.reparse.push_back(micros(parseStart, Clock::now()));
        // The baseline goes first every other round, so both see the same conditions.
        if (round % 2 == 1) baseline();

        sent.clear();
        callMade = tokenArrived = Clock::time_point{};
        const int64_t id = 1000 + 2 * round;
        const Clock::time_point in = Clock::now();
        ask(id, lineLength);
        runUntil(loop, [&] { return std::any_of(sent.begin(), sent.end(), [&](auto& s) { return isDone(s.second); }); },
                 std::chrono::seconds(10));
        const json::value record = lastModelRequest(model);
        body = std::string(record.at("body").as_string());
        const Clock::time_point firstText = [&] {
            for (const auto& [when, payload] : sent)
                if (payload.find("flint/inlineCompletion/partial") != std::string::npos &&
                    payload.find("\"text\":\"\"") == std::string::npos)
                    return when;
            return Clock::time_point{};
        }();
        const auto response = responseTime(id);
        if (firstText == Clock::time_point{} || !response || record.at("firstTokenNs").is_null() ||
            callMade == Clock::time_point{} || tokenArrived == Clock::time_point{})
            continue;
        const double receivedNs = record.at("receivedNs").to_number<double>();
        const double firstTokenNs = record.at("firstTokenNs").to_number<double>();
        run.wire.push_back((receivedNs - double(nanos(in))) / 1000.0);
        run.callMade.push_back(micros(in, callMade));
        run.added.push_back(micros(tokenArrived, firstText));
        run.addedFromServer.push_back((double(nanos(firstText)) - firstTokenNs) / 1000.0);
        run.modelTtft.push_back((firstTokenNs - receivedNs) / 1000.0);
        run.cold.push_back(micros(in, *response));
        if (round % 2 == 0) baseline();

        // Typed-through: the suggestion's first character, then the same question one further on.
        didChange(lineLength, lineLength, " ");
        ++lineLength;
        const size_t modelRequestsNow = static_cast<size_t>(lastModelRequest(model).at("id").as_int64());
        sent.clear();
        const Clock::time_point hitIn = Clock::now();
        ask(id + 1, lineLength);
        const auto hitOut = responseTime(id + 1);  // a hit is answered inside the call
        if (hitOut) run.hit.push_back(micros(hitIn, *hitOut));
        else ++run.hitMisses;
        runUntil(loop, [&] { return std::any_of(sent.begin(), sent.end(), [&](auto& s) { return isDone(s.second); }); },
                 std::chrono::seconds(10));
        run.hitModelRequests += static_cast<size_t>(lastModelRequest(model).at("id").as_int64()) - modelRequestsNow;
    }
    message({{"id", 2}, {"method", "shutdown"}, {"params", nullptr}});
    return run;
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    int rounds = 200;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json" && i + 1 < argc) jsonPath = argv[++i];
        else if (a == "--requests" && i + 1 < argc) rounds = std::stoi(argv[++i]);
    }
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    // Warm the scripted server's own code paths before anything is timed.
    measure(loop, model, 0, 0, 5);

    std::printf("Inline completion on a 10,000-line Python file (microseconds, p50 / p99)\n\n");
    json::array rows;
    for (auto [ttft, tps] : {std::pair{0, 0}, std::pair{20, 1000}}) {
        const Run run = measure(loop, model, ttft, tps, rounds);
        const Quantiles wire = quantiles(run.wire), rawWire = quantiles(run.rawWire), made = quantiles(run.callMade);
        const Quantiles added = quantiles(run.added), fromServer = quantiles(run.addedFromServer);
        const Quantiles modelTtft = quantiles(run.modelTtft), cold = quantiles(run.cold), hit = quantiles(run.hit);
        const double reparse = quantiles(run.reparse).median;
        std::printf("scripted server: TTFT %d ms, %s (%zu rounds)\n", ttft, tps ? "1,000 tok/s" : "unpaced", run.wire.size());
        std::printf("  request in -> provider called (in Flint)     %8.0f %8.0f\n", made.median, made.p99);
        std::printf("  request in -> on the wire (server has it)    %8.0f %8.0f   baseline: plain client send -> on the wire %6.0f %6.0f\n",
                    wire.median, wire.p99, rawWire.median, rawWire.p99);
        std::printf("  added: first token in -> first text out      %8.0f %8.0f   (from the server's write: %.0f %.0f)\n",
                    added.median, added.p99, fromServer.median, fromServer.p99);
        std::printf("  the model's own TTFT, for scale              %8.0f %8.0f\n", modelTtft.median, modelTtft.p99);
        std::printf("  response, cold model request                 %8.0f %8.0f\n", cold.median, cold.p99);
        std::printf("  response, typed-through hit                  %8.1f %8.1f   %.0fx faster at p50; %zu model requests, %zu misses\n",
                    hit.median, hit.p99, hit.median > 0 ? cold.median / hit.median : 0.0, run.hitModelRequests, run.hitMisses);
        std::printf("  (not counted: each round's keystroke reparse, finished before asking: %.0f p50)\n\n", reparse);
        rows.push_back(json::object{
            {"ttft_ms", ttft}, {"tokens_per_second", tps}, {"samples", run.wire.size()},
            {"request_to_provider_call_us", json::array{made.median, made.p99}},
            {"request_to_wire_us", json::array{wire.median, wire.p99}},
            {"raw_client_to_wire_us", json::array{rawWire.median, rawWire.p99}},
            {"added_first_token_in_to_text_us", json::array{added.median, added.p99}},
            {"added_server_write_to_text_us", json::array{fromServer.median, fromServer.p99}},
            {"model_ttft_us", json::array{modelTtft.median, modelTtft.p99}},
            {"cold_response_us", json::array{cold.median, cold.p99}},
            {"typed_through_response_us", json::array{hit.median, hit.p99}},
            {"typed_through_model_requests", run.hitModelRequests},
            {"keystroke_reparse_us", reparse}});
    }
    if (!jsonPath.empty()) {
        std::ofstream(jsonPath) << json::serialize(json::object{{"inline", std::move(rows)}});
        std::printf("wrote %s\n", jsonPath.c_str());
    }
    return 0;
}
