// The real flint-lsp binary against the real llama.cpp server: every wire format
// llama-server speaks (/infill, /v1/completions, /v1/chat/completions, /v1/responses),
// cancellation on the wire, its prompt cache and its time budget. The model has
// random weights: these tests assert on the protocol, the streaming and what Flint
// does with it, never on the words.
#include "LlamaServer.h"
#include "LspProcess.h"

#include "model/HttpClient.h"
#include "model/StreamDecoder.h"
#include "ScriptedModelServer.h"  // runUntil

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <regex>
#include <thread>

#include <unistd.h>

using namespace flint;
using namespace flint::test;

namespace {

const std::string kUri = "file:///work/shapes.py";
// The cursor goes at the end of the last line (nothing after it: multi-line mode).
const std::string kSource =
    "import math\n"
    "\n"
    "\n"
    "def area(radius):\n"
    "    \"\"\"The area of a circle, in square m\xC3\xA8tres.\"\"\"\n"
    "    return math.pi * radius ** 2\n"
    "\n"
    "\n"
    "def circumference(radius):\n"
    "    ";
constexpr uint32_t kLine = 9, kCharacter = 4;

// Flint's provider settings for this server and wire format.
json::object providerFor(const LlamaServer& llama, std::string_view kind, json::object more = {}) {
    const bool openAi = kind.rfind("openai-", 0) == 0;
    json::object provider{{"kind", kind}, {"endpoint", llama.url() + (openAi ? "/v1" : "")}, {"model", "tiny"},
                          {"firstTokenTimeoutMs", 60000}, {"timeoutMs", 120000}};
    for (auto& [key, value] : more) provider[key] = value;
    return provider;
}

// An editor session: flint-lsp started, configured, the document open.
struct Editor {
    LspProcess lsp;
    int64_t nextId = 10;

    explicit Editor(json::object provider) {
        lsp.request(1, "initialize", json::object{
            {"processId", ::getpid()},
            {"capabilities", json::object{}},
            {"initializationOptions", json::object{{"provider", std::move(provider)}}}});
        REQUIRE(lsp.responseTo(1, 30s).at("result").at("capabilities").as_object().contains("inlineCompletionProvider"));
        lsp.notify("initialized");
        lsp.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
            {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", kSource}}}});
    }

    // Invoked (triggerKind 1): answered at once, with no debounce wait.
    int64_t requestCompletion(uint32_t line = kLine, uint32_t character = kCharacter) {
        const int64_t id = nextId++;
        lsp.request(id, "textDocument/inlineCompletion", json::object{
            {"textDocument", json::object{{"uri", kUri}}}, {"position", position(line, character)},
            {"context", json::object{{"triggerKind", 1}}}});
        return id;
    }

    static bool isPartial(const json::value& m, int64_t id) {
        return m.as_object().contains("method") && m.at("method") == "flint/inlineCompletion/partial" &&
               m.at("params").at("id") == id;
    }

    // Reads on until `done(message)` holds for a message (kept in lsp.others).
    json::value waitFor(const std::function<bool(const json::value&)>& done, std::chrono::milliseconds timeout = 60s) {
        for (const json::value& m : lsp.others)
            if (done(m)) return m;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            auto message = lsp.next(std::max(left, 0ms));
            INFO("flint-lsp stderr:\n" << lsp.stderrText());
            REQUIRE(message);
            lsp.others.push_back(*message);
            if (done(*message)) return *message;
        }
    }

    json::value firstPartial(int64_t id) {
        return waitFor([id](const json::value& m) { return isPartial(m, id); }).at("params");
    }
    json::value lastPartial(int64_t id) {
        return waitFor([id](const json::value& m) { return isPartial(m, id) && m.at("params").at("done") == true; })
            .at("params");
    }
    std::vector<json::value> partials(int64_t id) const {
        std::vector<json::value> out;
        for (const json::value& m : lsp.others)
            if (isPartial(m, id)) out.push_back(m.at("params"));
        return out;
    }
    json::value response(int64_t id) {
        return waitFor([id](const json::value& m) { return !m.as_object().contains("method") && m.at("id") == id; });
    }

    void type(int version, uint32_t line, uint32_t character, std::string_view text) {
        lsp.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", kUri}, {"version", version}}},
            {"contentChanges", json::array{json::object{{"range", range(line, character, line, character)}, {"text", text}}}}});
    }

    void finish() {
        lsp.request(99, "shutdown", nullptr);
        lsp.responseTo(99, 30s);
        lsp.notify("exit");
        CHECK(lsp.waitExit(30s) == 0);
        CHECK(lsp.framingErrors() == 0);
    }
};

// The slot that served the last task, as /slots reports it.
json::value lastSlot(LlamaServer& llama) {
    const json::value slots = llama.get("/slots");
    REQUIRE(slots.is_array());
    REQUIRE(slots.as_array().size() == 1);
    return slots.as_array().front();
}

// A suggestion streamed from llama-server through Flint to the editor: growing
// partial notifications, then done; the standard response carries its first line.
void checkStreamedSuggestion(std::string_view kind) {
    boost::asio::io_context loop;
    LlamaServer llama(loop);
    // No time budget: every run streams exactly n_predict tokens, however loaded the
    // machine. (With one, a run may stop just after an indentation token; main's
    // shaping then trims from the final text the trailing spaces the last partial
    // showed: the "only grows" check below catches that.)
    Editor editor(providerFor(llama, kind, json::object{{"predictBudgetMs", 0}}));
    const int64_t id = editor.requestCompletion();
    const json::value last = editor.lastPartial(id);
    INFO("llama-server log:\n" << llama.log());

    CHECK(last.at("source") == "model");
    CHECK_FALSE(last.as_object().contains("error"));
    CHECK_FALSE(last.as_object().contains("cancelled"));
    const std::string text(last.at("text").as_string());
    CHECK_FALSE(text.empty());
    // Streamed: more than one step, each extending the one before.
    const auto steps = editor.partials(id);
    REQUIRE(steps.size() >= 2);
    for (size_t i = 0; i + 1 < steps.size(); ++i) {
        const std::string now(steps[i].at("text").as_string()), later(steps[i + 1].at("text").as_string());
        INFO("step " << i << " ends " << json::serialize(json::value(now.substr(now.size() > 40 ? now.size() - 40 : 0))) << ", step " << i + 1 << " (done " << steps[i + 1].at("done") << ") ends " << json::serialize(json::value(later.substr(later.size() > 40 ? later.size() - 40 : 0))));
        CHECK(later.rfind(now, 0) == 0);
        CHECK(steps[i].at("done") == false);
    }
    // The standard response: the suggestion's first line (or all of it) at the cursor.
    const json::value reply = editor.response(id);
    const json::array& items = reply.at("result").at("items").as_array();
    REQUIRE(items.size() == 1);
    const std::string first(items[0].at("insertText").as_string());
    CHECK(text.rfind(first, 0) == 0);
    CHECK(items[0].at("range") == range(kLine, kCharacter, kLine, kCharacter));

    // llama-server served Flint's one request, streaming, and its slot is idle again.
    const json::value slot = lastSlot(llama);
    CHECK(slot.at("is_processing") == false);
    CHECK(slot.at("id_task") == 0);
    CHECK(slot.at("params").at("stream") == true);
    editor.finish();
}

} // namespace

TEST_CASE("llama-infill: a suggestion streams from llama-server's /infill into the editor") {
    checkStreamedSuggestion("llama-infill");
}

TEST_CASE("openai-completions: a suggestion streams from llama-server's /v1/completions") {
    checkStreamedSuggestion("openai-completions");
}

TEST_CASE("openai-chat: a suggestion streams from llama-server's /v1/chat/completions") {
    checkStreamedSuggestion("openai-chat");
}

TEST_CASE("openai-responses: a suggestion streams from llama-server's /v1/responses") {
    checkStreamedSuggestion("openai-responses");
}

TEST_CASE("openai-chat: llama-server opens the stream with a null content and Flint reads past it") {
    boost::asio::io_context loop;
    LlamaServer llama(loop);
    // The raw stream, as a plain client sees it.
    HttpClient client(loop, llama.endpoint());
    HttpRequest request;
    request.target = "/v1/chat/completions";
    request.body = R"({"messages":[{"role":"user","content":"def f("}],"stream":true,"max_tokens":8})";
    std::string body;
    bool done = false;
    auto call = client.send(request, {.onHead = nullptr,
                                      .onBody = [&](std::string_view bytes) { body.append(bytes); },
                                      .onDone = [&](const std::string&) { done = true; }});
    REQUIRE(runUntil(loop, [&] { return done; }, 60s));
    SseDecoder sse;
    std::vector<SseEvent> events;
    REQUIRE(sse.feed(body, events));
    REQUIRE(events.size() >= 3);
    const json::value first = json::parse(events.front().data);
    CHECK(first.at("choices").at(0).at("delta").at("role") == "assistant");
    CHECK(first.at("choices").at(0).at("delta").at("content").is_null());
    CHECK(events.back().data == "[DONE]");

    // Flint's decoder: the null is no text and no end; the tokens after it all arrive.
    StreamDecoder decoder(*findWireFormat("openai-chat"));
    std::vector<StreamUpdate> updates;
    decoder.feed(body, updates);
    REQUIRE_FALSE(updates.empty());
    CHECK(updates.back().end != StreamUpdate::End::Error);
    CHECK(updates.back().end != StreamUpdate::End::Truncated);
    std::string text;
    for (const StreamUpdate& u : updates) text += u.text;
    std::string expected;
    for (size_t i = 1; i < events.size(); ++i) {
        if (events[i].data == "[DONE]") continue;
        const json::value e = json::parse(events[i].data);
        const json::array& choices = e.at("choices").as_array();
        if (choices.empty()) continue;
        if (const json::value* content = choices[0].at("delta").as_object().if_contains("content");
            content && content->is_string())
            expected += content->as_string();
    }
    CHECK(text == expected);
}

namespace {

// The usage Flint reports on a suggestion's last partial (from llama.cpp's timings).
struct Usage {
    int64_t prompt = -1, cached = -1, output = -1;
    double outputMs = -1;
};

Usage usageOf(const json::value& last) {
    INFO("last partial: " << json::serialize(last));
    REQUIRE(last.as_object().contains("usage"));
    const json::object& u = last.at("usage").as_object();
    Usage out;
    out.prompt = u.at("promptTokens").as_int64();
    out.cached = u.at("cachedTokens").as_int64();
    out.output = u.at("outputTokens").as_int64();
    out.outputMs = u.at("outputMs").to_number<double>();
    return out;
}

} // namespace

TEST_CASE("llama-infill: a second request at the same place is served from llama-server's prompt cache") {
    boost::asio::io_context loop;
    LlamaServer llama(loop);
    // Two editor sessions one after the other: the second asks exactly what the first
    // did, and (a new flint-lsp) has no suggestion cache of its own to answer from.
    Usage cold, warm;
    for (Usage* usage : {&cold, &warm}) {
        Editor editor(providerFor(llama, "llama-infill"));
        *usage = usageOf(editor.lastPartial(editor.requestCompletion()));
        editor.finish();
    }
    INFO("llama-server log:\n" << llama.log());
    CHECK(cold.cached == 0);  // a fresh server has nothing cached
    CHECK(cold.prompt > 20);
    CHECK(cold.output > 0);
    // The same prompt: all of it but what must be evaluated again comes from the cache.
    CHECK(warm.cached + warm.prompt == cold.cached + cold.prompt);
    CHECK(warm.cached >= cold.prompt - 1);
    CHECK(warm.prompt < cold.prompt);
}

TEST_CASE("llama-infill: the next request after a keystroke closes the stream mid-generation and frees the slot") {
    boost::asio::io_context loop;
    LlamaServer llama(loop);
    // No time budget: unless Flint closes it, a generation runs to n_predict (256 tokens).
    Editor editor(providerFor(llama, "llama-infill", json::object{{"predictBudgetMs", 0}}));
    uint32_t column = kCharacter;
    int version = 1;
    bool cancelledMidStream = false;
    // The race is real on a loaded machine (a whole generation takes ~0.2 s): an attempt
    // whose stream ended before the keystroke's request reached it proves nothing and
    // is repeated.
    for (int attempt = 0; attempt < 5 && !cancelledMidStream; ++attempt) {
        const int64_t id = editor.requestCompletion(kLine, column);
        editor.firstPartial(id);  // tokens are arriving
        const json::value slot = lastSlot(llama);
        const int64_t task = slot.at("id_task").as_int64();
        // A keystroke the suggestion does not continue, then the editor asks again.
        editor.type(++version, kLine, column, "x");
        ++column;
        const int64_t next = editor.requestCompletion(kLine, column);
        const json::value last = editor.lastPartial(id);
        const std::string released = "| task " + std::to_string(task) + " | stop processing";
        REQUIRE(llama.waitForLog(released));
        const bool serverCancelled =
            llama.log().find("cancel task, id_task = " + std::to_string(task) + "\n") != std::string::npos;
        // The new request is served by the freed slot.
        const json::value answer = editor.lastPartial(next);
        INFO("attempt " << attempt << ", task " << task << ", last partial " << json::serialize(last)
                        << ", the next request's " << json::serialize(answer));
        CHECK_FALSE(answer.as_object().contains("error"));
        // (Its text is whatever output shaping keeps of the random model's lines after
        // "x": possibly nothing. llama-server's usage says the server answered it.)
        CHECK(answer.as_object().contains("usage"));
        CHECK(lastSlot(llama).at("is_processing") == false);
        // The superseded suggestion ends as cancelled at the keystroke and shows nothing more.
        CHECK(last.at("cancelled") == true);
        CHECK(last.at("text") == "");
        if (slot.at("is_processing").as_bool() && serverCancelled) cancelledMidStream = true;
    }
    INFO("llama-server log:\n" << llama.log());
    // llama-server saw the connection close before the generation's end: it cancelled the task.
    REQUIRE(cancelledMidStream);
    editor.finish();
}

TEST_CASE("llama-infill: after a keystroke cancels a request the next one reuses its prompt cache") {
    boost::asio::io_context loop;
    // Four slots, as llama-server runs by default: an unpinned request that follows a
    // cancelled one would most often land on an idle slot with nothing cached.
    LlamaServer llama(loop, LlamaServer::Options{.slots = 4});
    Editor editor(providerFor(llama, "llama-infill", json::object{{"predictBudgetMs", 0}}));
    const int64_t first = editor.requestCompletion();
    editor.firstPartial(first);
    // A keystroke the suggestion does not continue (a continued one is answered from
    // Flint's own cache with no request at all).
    editor.type(2, kLine, kCharacter, "x");
    const int64_t second = editor.requestCompletion(kLine, kCharacter + 1);  // closes the first stream
    const Usage usage = usageOf(editor.lastPartial(second));
    INFO("llama-server log:\n" << llama.log());
    // All of the first prompt up to the typed character came from slot 0's cache.
    CHECK(usage.cached > 20);
    CHECK(usage.prompt < usage.cached);
    // Both went to slot 0 by Flint's id_slot, the second waiting for the cancel to free it.
    const std::string log = llama.log();
    const size_t firstPick = log.find("selected slot by id (0)");
    REQUIRE(firstPick != std::string::npos);
    CHECK(log.find("selected slot by id (0)", firstPick + 1) != std::string::npos);
    editor.finish();
}

TEST_CASE("llama-infill: t_max_predict_ms stops a long generation at a line end past the budget") {
    boost::asio::io_context loop;
    // Debug logging: llama-server then says why each generation stopped.
    LlamaServer llama(loop, LlamaServer::Options{.extraArgs = {"-lv", "5"}});
    Usage full;
    {
        Editor unlimited(providerFor(llama, "llama-infill", json::object{{"predictBudgetMs", 0}}));
        full = usageOf(unlimited.lastPartial(unlimited.requestCompletion()));
        unlimited.finish();
    }
    CHECK(full.output == 256);  // a multi-line suggestion's n_predict
    CHECK(llama.log().find("stopped by time limit") == std::string::npos);

    Editor budgeted(providerFor(llama, "llama-infill", json::object{{"predictBudgetMs", 20}}));
    const Usage cut = usageOf(budgeted.lastPartial(budgeted.requestCompletion()));
    INFO("llama-server log:\n" << llama.log());
    CHECK(cut.output < full.output);
    CHECK(cut.outputMs >= 20);  // llama-server's own clock: it stops only once past the budget
    CHECK(llama.waitForLog("stopped by time limit"));
    CHECK(llama.log().find("t_max_predict_ms = 20 ms") != std::string::npos);  // the value Flint sent
    budgeted.finish();
}

TEST_CASE("llama-infill: one session streams suggestion after suggestion though llama-server drops each connection") {
    boost::asio::io_context loop;
    LlamaServer llama(loop);
    // llama-server 3.22.1 advertises keep-alive but closes the connection after every
    // streamed response: Flint's pooled connection is stale by the next request, which
    // must still go through (on a fresh connection), every time.
    Editor editor(providerFor(llama, "llama-infill", json::object{{"predictBudgetMs", 0}}));
    for (uint32_t line : {6u, 7u, 9u}) {  // three places: Flint's cache answers none of them
        const uint32_t character = line == 9 ? kCharacter : 0;
        const json::value last = editor.lastPartial(editor.requestCompletion(line, character));
        INFO("line " << line << ": " << json::serialize(last));
        CHECK_FALSE(last.as_object().contains("error"));
        CHECK_FALSE(last.as_object().contains("cancelled"));
        CHECK(usageOf(last).output == 256);
    }
    editor.finish();
}

namespace {

// Waits, with a deadline, until `done` holds (a condition on flint-lsp's log).
bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout = 120s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

size_t occurrences(const std::string& text, std::string_view needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
    return n;
}

// The PIDs of the local model servers flint-lsp started, from its log, in order.
std::vector<int> startedPids(const std::string& log) {
    static const std::regex started(R"(started the local model server \(pid (\d+)\))");
    std::vector<int> pids;
    for (std::sregex_iterator it(log.begin(), log.end(), started), end; it != end; ++it)
        pids.push_back(std::stoi((*it)[1]));
    return pids;
}

// Gone, or a zombie nobody has reaped yet: either way no longer serving.
bool exited(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pidField, name, state;
    return !(stat >> pidField >> name >> state) || state == "Z";
}

} // namespace

TEST_CASE("llama-infill: Flint starts llama-server itself, waits for its health, and restarts it when it is killed") {
    std::string whyNot;
    const auto paths = llamaPaths(whyNot);
    REQUIRE(paths);
    // provider.command: Flint's managed local model process, with the real server as the child.
    Editor editor(json::object{
        {"kind", "llama-infill"},
        {"command", json::array{paths->server.c_str(), "-m", paths->model.c_str(), "--host", "127.0.0.1", "--port",
                                "{port}", "-t", "1", "-c", "4096", "--parallel", "1", "--no-warmup"}},
        {"healthPath", "/health"}, {"startTimeoutMs", 120000}, {"firstTokenTimeoutMs", 60000},
        {"timeoutMs", 120000}, {"predictBudgetMs", 0}});
    const auto log = [&] { return editor.lsp.stderrText(); };  // flint-lsp's, with llama-server's
    const auto readyCount = [&] { return occurrences(log(), "the local model server on port"); };

    // Started on a free port; requests go once its /health answers 200 (it loads the model first).
    if (!eventually([&] { return readyCount() >= 1; })) FAIL("llama-server never became healthy:\n" << log());
    const std::vector<int> before = startedPids(log());
    REQUIRE(before.size() == 1);
    const int first = before[0];
    CHECK_FALSE(exited(first));
    const json::value served = editor.lastPartial(editor.requestCompletion());
    CHECK_FALSE(served.as_object().contains("error"));
    CHECK(usageOf(served).output == 256);

    // Killed while it streams (or just after, on a slow machine): the suggestion in
    // flight still ends, as a clean result or an error, never a hang.
    const int64_t inFlight = editor.requestCompletion(6, 0);
    editor.firstPartial(inFlight);
    REQUIRE(::kill(first, SIGKILL) == 0);
    editor.lastPartial(inFlight);

    // Flint notices the exit, starts a new llama-server, waits for its health again...
    if (!eventually([&] { return log().find("the local model server exited (status 137)") != std::string::npos; }))
        FAIL("Flint did not notice llama-server's exit:\n" << log());
    if (!eventually([&] { return readyCount() >= 2; })) FAIL("no healthy llama-server after the kill:\n" << log());
    const std::vector<int> after = startedPids(log());
    REQUIRE(after.size() == 2);
    const int second = after[1];
    CHECK(second != first);
    CHECK(exited(first));
    // ...and suggestions stream from it (a place Flint's own cache has no answer for).
    const json::value again = editor.lastPartial(editor.requestCompletion(7, 0));
    CHECK_FALSE(again.as_object().contains("error"));
    CHECK(usageOf(again).output == 256);

    // Flint stops its child when it shuts down.
    editor.finish();
    CHECK(log().find("stopping the local model server (pid " + std::to_string(second) + ")") !=
          std::string::npos);
    CHECK(eventually([&] { return exited(second); }, 30s));
}
