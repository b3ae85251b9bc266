// flint-model-bench: the cost of Flint's path to the model.
//
// 1. Decode + deliver cost per token for each wire format: a 100,000-token body fed
//    in 16 KiB reads through StreamDecoder. Baseline in the same run: the same bytes
//    through bare framing (SSE or NDJSON splitting, no JSON).
// 2. Relay: the scripted model server streams at 1k, 10k and 100k tokens/s over
//    loopback HTTP; tokens received vs sent, and the rate achieved.
// 3. Time to first delta on a warm pooled connection vs a fresh connection per
//    request, against the same server in the same run (interleaved), as a ratio.
// 4. Time to first delta over the Responses WebSocket mode (one persistent socket)
//    vs a warm HTTP keep-alive connection vs a fresh HTTP connection, all three
//    interleaved in one run against the same server, as ratios.

#include "ScriptedModelServer.h"

#include "model/EventStream.h"
#include "model/HttpClient.h"
#include "model/StreamDecoder.h"
#include "model/WebSocketClient.h"
#include "model/WireFormat.h"
#include "support/Logging.h"

#include <boost/asio/io_context.hpp>
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

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// A body of `n` tokens in a format's own event shape.
std::string body(std::string_view kind, int n) {
    std::string out;
    auto sse = [&](const std::string& data) { out += "data: " + data + "\n\n"; };
    for (int i = 0; i < n; ++i) {
        const std::string t = json::serialize(json::value("tok" + std::to_string(i % 10)));
        if (kind == "openai-responses") sse(R"({"type":"response.output_text.delta","sequence_number":)" + std::to_string(i) + R"(,"delta":)" + t + "}");
        else if (kind == "openai-chat") sse(R"({"object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":)" + t + R"(},"finish_reason":null}]})");
        else if (kind == "openai-completions") sse(R"({"object":"text_completion","model":"m","choices":[{"index":0,"text":)" + t + R"(,"finish_reason":null}]})");
        else if (kind == "llama-infill") sse(R"({"index":0,"content":)" + t + R"(,"stop":false,"tokens_predicted":)" + std::to_string(i) + "}");
        else out += R"({"model":"m","response":)" + t + R"(,"done":false})" + "\n";
    }
    return out;
}

struct DecodeResult {
    std::string kind;
    double nsPerToken;
    double framingNsPerToken;
    size_t tokens;
};

DecodeResult decodeCost(const WireFormat& format) {
    constexpr int kTokens = 100000;
    const std::string bytes = body(format.kind(), kTokens);
    std::vector<double> full, framing;
    size_t delivered = 0;
    for (int round = 0; round < 5; ++round) {
        StreamDecoder decoder(format);
        std::vector<StreamUpdate> updates;
        delivered = 0;
        auto start = Clock::now();
        for (size_t i = 0; i < bytes.size(); i += 16384) {
            decoder.feed(std::string_view(bytes).substr(i, 16384), updates);
            delivered += updates.size();
            updates.clear();
        }
        full.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kTokens);

        start = Clock::now();
        size_t events = 0;
        if (format.framing() == WireFormat::Framing::ServerSentEvents) {
            SseDecoder sse;
            std::vector<SseEvent> out;
            for (size_t i = 0; i < bytes.size(); i += 16384) {
                sse.feed(std::string_view(bytes).substr(i, 16384), out);
                events += out.size();
                out.clear();
            }
        } else {
            LineDecoder lines;
            std::vector<std::string> out;
            for (size_t i = 0; i < bytes.size(); i += 16384) {
                lines.feed(std::string_view(bytes).substr(i, 16384), out);
                events += out.size();
                out.clear();
            }
        }
        framing.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kTokens);
        if (events != kTokens) std::fprintf(stderr, "framing lost events: %zu of %d\n", events, kTokens);
    }
    return {std::string(format.kind()), median(full), median(framing), delivered};
}

struct Streamed {
    std::string text;
    bool done = false;
    std::string error;
    Clock::time_point firstDelta{};
};

std::shared_ptr<HttpCall> stream(HttpClient& client, const WireFormat& format, Streamed& out) {
    HttpRequest request;
    request.target = client.endpoint().target(format.path());
    ModelRequest m;
    m.model = "bench";
    m.user = "x";
    m.prefix = "x";
    request.body = format.requestBody(m);
    auto decoder = std::make_shared<StreamDecoder>(format);
    return client.send(request, {
        .onHead = nullptr,
        .onBody = [&out, decoder](std::string_view bytes) {
            std::vector<StreamUpdate> updates;
            decoder->feed(bytes, updates);
            for (const StreamUpdate& u : updates) {
                if (!u.text.empty() && out.text.empty()) out.firstDelta = Clock::now();
                out.text += u.text;
            }
        },
        .onDone = [&out](const std::string& e) { out.error = e, out.done = true; },
    });
}

// The same request as a `response.create` message on a persistent WebSocket.
std::shared_ptr<HttpCall> streamWebSocket(WebSocketClient& client, const WireFormat& format, Streamed& out) {
    ModelRequest m;
    m.model = "bench";
    m.user = "x";
    auto decoder = std::make_shared<StreamDecoder>(format);
    return client.send(format.webSocketMessage(m), {}, std::chrono::seconds(10), {
        .onRefused = nullptr,
        .onRefusalBody = nullptr,
        .onMessage = [&out, decoder](std::string_view message) {
            std::vector<StreamUpdate> updates;
            decoder->feedMessage(message, updates);
            for (const StreamUpdate& u : updates) {
                if (!u.text.empty() && out.text.empty()) out.firstDelta = Clock::now();
                out.text += u.text;
            }
            return decoder->ended();
        },
        .onDone = [&out](const std::string& e) { out.error = e, out.done = true; },
    });
}

} // namespace

int main(int argc, char** argv) {
    installLogging({.file = std::nullopt, .level = "off"});
    std::string jsonPath;
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--json" && i + 1 < argc) jsonPath = argv[++i];
    json::object report;

    std::printf("Decode + deliver per token (100,000 tokens, 16 KiB reads)\n");
    std::printf("%-20s | %12s | %16s | %s\n", "format", "full ns/tok", "framing ns/tok", "ratio");
    json::array decodeJson;
    for (const WireFormat* format : wireFormats()) {
        const DecodeResult r = decodeCost(*format);
        std::printf("%-20s | %12.0f | %16.0f | %.1fx (%zu updates)\n", r.kind.c_str(), r.nsPerToken,
                    r.framingNsPerToken, r.nsPerToken / r.framingNsPerToken, r.tokens);
        decodeJson.push_back(json::object{{"format", r.kind}, {"ns_per_token", r.nsPerToken},
                                          {"framing_ns_per_token", r.framingNsPerToken}, {"updates", r.tokens}});
    }
    report["decode"] = std::move(decodeJson);

    boost::asio::io_context loop;
    ScriptedModelServer server(loop);
    HttpClient client(loop, server.endpoint("/v1"));
    const WireFormat& chat = *findWireFormat("openai-chat");

    std::printf("\nRelay over loopback HTTP (openai-chat, one token = 4 characters)\n");
    std::printf("%-12s | %8s | %8s | %14s\n", "target tok/s", "sent", "received", "achieved tok/s");
    json::array relayJson;
    for (int rate : {1000, 10000, 100000}) {
        const int tokens = std::min(rate, 20000);  // about a second at 1k/10k, less at 100k
        std::string reply;
        for (int i = 0; i < tokens; ++i) reply += "t" + std::to_string(i % 100 + 100);
        server.control("POST", "/__flint/script", json::serialize(json::object{
            {"reply", reply}, {"tokenChars", 4}, {"tokensPerSecond", rate}, {"ttftMs", 0}, {"holdAfter", nullptr}}));
        Streamed s;
        const auto start = Clock::now();
        auto call = stream(client, chat, s);
        runUntil(loop, [&] { return s.done; }, std::chrono::seconds(60));
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        const size_t received = s.text.size() / 4;
        std::printf("%12d | %8d | %8zu | %14.0f%s\n", rate, tokens, received, received / seconds,
                    s.text == reply ? "" : "  (TEXT MISMATCH)");
        relayJson.push_back(json::object{{"target_tokens_per_second", rate}, {"sent", tokens}, {"received", received},
                                         {"achieved_tokens_per_second", received / seconds}, {"exact", s.text == reply}});
    }
    report["relay"] = std::move(relayJson);

    server.control("POST", "/__flint/script", R"({"reply":"return a + b;\n","tokensPerSecond":0,"ttftMs":0})");
    client.preconnect();
    runUntil(loop, [&] { return client.stats().idle > 0; });
    std::vector<double> warm, fresh;
    for (int i = 0; i < 60; ++i) {
        {
            Streamed s;
            const auto start = Clock::now();
            auto call = stream(client, chat, s);
            runUntil(loop, [&] { return s.done; });
            warm.push_back(std::chrono::duration<double, std::micro>(s.firstDelta - start).count());
        }
        {
            HttpClient once(loop, server.endpoint("/v1"));
            Streamed s;
            const auto start = Clock::now();
            auto call = stream(once, chat, s);
            runUntil(loop, [&] { return s.done; });
            fresh.push_back(std::chrono::duration<double, std::micro>(s.firstDelta - start).count());
        }
    }
    const double w = median(warm), f = median(fresh);
    std::printf("\nTime to first delta over loopback (60 interleaved runs, server TTFT 0)\n");
    std::printf("  warm pooled connection: median %.0fus\n  fresh connection:       median %.0fus\n", w, f);
    std::printf("  warm/fresh ratio %.2f (%.0fus saved per request, before any TLS handshake)\n", w / f, f - w);
    std::printf("  pooled client: %zu connection(s) opened, %zu requests on a reused connection\n",
                client.stats().connectionsOpened, client.stats().requestsOnReusedConnections);
    report["first_delta"] = json::object{{"warm_median_us", w}, {"fresh_median_us", f}, {"ratio", w / f}};

    // The Responses API over its WebSocket mode vs HTTP, interleaved.
    const WireFormat& responses = *findWireFormat("openai-responses");
    WebSocketClient socket(loop, server.endpoint("/v1"), std::string(responses.path()));
    socket.preconnect({});
    runUntil(loop, [&] { return socket.stats().idle > 0; });
    std::vector<double> overSocket, overWarm, overFresh;
    int mismatches = 0;
    for (int i = 0; i < 60; ++i) {
        auto measure = [&](auto&& send, std::vector<double>& into) {
            Streamed s;
            const auto start = Clock::now();
            auto call = send(s);
            runUntil(loop, [&] { return s.done; });
            if (s.text != "return a + b;\n" || !s.error.empty()) ++mismatches;
            into.push_back(std::chrono::duration<double, std::micro>(s.firstDelta - start).count());
        };
        measure([&](Streamed& s) { return streamWebSocket(socket, responses, s); }, overSocket);
        measure([&](Streamed& s) { return stream(client, responses, s); }, overWarm);
        measure([&](Streamed& s) {
            HttpClient once(loop, server.endpoint("/v1"));
            return stream(once, responses, s);
        }, overFresh);
    }
    const double ws = median(overSocket), hw = median(overWarm), hf = median(overFresh);
    std::printf("\nTime to first delta, Responses API (60 interleaved runs each, server TTFT 0, loopback)\n");
    std::printf("  WebSocket (persistent socket): median %.0fus\n", ws);
    std::printf("  HTTP warm keep-alive:          median %.0fus\n", hw);
    std::printf("  HTTP fresh connection:         median %.0fus\n", hf);
    std::printf("  websocket/warm %.2f, websocket/fresh %.2f, warm/fresh %.2f%s\n", ws / hw, ws / hf, hw / hf,
                mismatches ? "  (SOME REPLIES WRONG)" : "");
    std::printf("  socket: %zu handshake(s), %zu requests on a reused socket\n", socket.stats().handshakes,
                socket.stats().requestsOnReusedSockets);
    report["first_delta_websocket"] = json::object{{"websocket_median_us", ws}, {"http_warm_median_us", hw},
                                                   {"http_fresh_median_us", hf}, {"websocket_over_warm", ws / hw},
                                                   {"websocket_over_fresh", ws / hf}, {"errors", mismatches}};

    if (!jsonPath.empty()) {
        std::ofstream(jsonPath) << json::serialize(report);
        std::printf("\nwrote %s\n", jsonPath.c_str());
    }
    return 0;
}
