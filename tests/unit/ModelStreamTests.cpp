// Streaming body decoding: SSE and NDJSON framing, and each wire format's events
// and request bodies.
#include "model/EventStream.h"
#include "model/StreamDecoder.h"
#include "model/WireFormat.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace flint;
namespace json = boost::json;
using End = StreamUpdate::End;

namespace {

std::vector<SseEvent> sse(std::string_view stream, size_t chunk) {
    SseDecoder decoder;
    std::vector<SseEvent> events;
    for (size_t i = 0; i < stream.size(); i += chunk) REQUIRE(decoder.feed(stream.substr(i, chunk), events));
    return events;
}

struct Outcome {
    std::string text;
    std::string model;
    End end = End::None;
    std::string error;
    size_t updates = 0;
};

Outcome decode(std::string_view kind, std::string_view body, size_t chunk, bool finish = true) {
    const WireFormat* format = findWireFormat(kind);
    REQUIRE(format);
    StreamDecoder decoder(*format);
    std::vector<StreamUpdate> updates;
    for (size_t i = 0; i < body.size(); i += chunk) decoder.feed(body.substr(i, chunk), updates);
    if (finish) decoder.finish(updates);
    Outcome o;
    for (const StreamUpdate& u : updates) {
        o.text += u.text;
        if (!u.model.empty()) o.model = u.model;
        if (u.end != End::None) {
            o.end = u.end;
            o.error = u.error;
        }
    }
    o.updates = updates.size();
    return o;
}

// Decoding must not depend on how the body is split into reads.
Outcome decodeEverySplit(std::string_view kind, std::string_view body) {
    const Outcome whole = decode(kind, body, body.size());
    for (size_t chunk : {1, 2, 3, 7, 64}) {
        const Outcome split = decode(kind, body, chunk);
        INFO("chunk " << chunk);
        CHECK(split.text == whole.text);
        CHECK(split.model == whole.model);
        CHECK(split.end == whole.end);
    }
    return whole;
}

const std::string kResponsesStream =
    "event: response.created\n"
    "data: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-5.3-codex-spark\",\"status\":\"in_progress\"}}\n\n"
    "event: response.output_text.delta\n"
    "data: {\"type\":\"response.output_text.delta\",\"sequence_number\":4,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"return \"}\n\n"
    "event: response.output_text.delta\n"
    "data: {\"type\":\"response.output_text.delta\",\"sequence_number\":5,\"delta\":\"a + b; // \\u00e9\\ud83d\\ude00\"}\n\n"
    "event: response.output_text.done\n"
    "data: {\"type\":\"response.output_text.done\",\"sequence_number\":6,\"text\":\"return a + b;\"}\n\n"
    "event: response.completed\n"
    "data: {\"type\":\"response.completed\",\"sequence_number\":7,\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-5.3-codex-spark-2026-02\",\"status\":\"completed\"}}\n\n";

const std::string kChatStream =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-oss-120b\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\r\n\r\n"
    ": keep-alive\r\n\r\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-oss-120b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"for x in\"},\"finish_reason\":null}]}\r\n\r\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-oss-120b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" xs:\"},\"finish_reason\":\"stop\"}]}\r\n\r\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-oss-120b\",\"choices\":[],\"usage\":{\"completion_tokens\":4}}\r\n\r\n"
    "data: [DONE]\r\n\r\n";

const std::string kCompletionsStream =
    "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"model\":\"deepseek-coder\",\"choices\":[{\"index\":0,\"text\":\"int main\",\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"model\":\"deepseek-coder\",\"choices\":[{\"index\":0,\"text\":\"() {\",\"finish_reason\":\"length\"}]}\n\n"
    "data: [DONE]\n\n";

const std::string kInfillStream =
    "data: {\"index\":0,\"content\":\"    if n\",\"tokens\":[1],\"stop\":false,\"id_slot\":0,\"tokens_predicted\":1}\n\n"
    "data: {\"index\":0,\"content\":\" < 2:\",\"tokens\":[2],\"stop\":false,\"id_slot\":0,\"tokens_predicted\":2}\n\n"
    "data: {\"index\":0,\"content\":\"\",\"tokens\":[],\"id_slot\":0,\"stop\":true,\"model\":\"starcoder-tiny\",\"stop_type\":\"eos\",\"tokens_predicted\":3,\"timings\":{\"predicted_per_second\":1203.4}}\n\n";

const std::string kOllamaStream =
    "{\"model\":\"qwen2.5-coder:1.5b\",\"created_at\":\"2026-11-22T08:00:00Z\",\"response\":\"fmt.\",\"done\":false}\n"
    "{\"model\":\"qwen2.5-coder:1.5b\",\"created_at\":\"2026-11-22T08:00:00Z\",\"response\":\"Println(x)\",\"done\":false}\r\n"
    "\n"
    "{\"model\":\"qwen2.5-coder:1.5b\",\"created_at\":\"2026-11-22T08:00:00Z\",\"response\":\"\",\"done\":true,\"done_reason\":\"stop\",\"eval_count\":3}";

} // namespace

TEST_CASE("SSE: fields, comments, multi-line data and every line ending") {
    const std::string stream =
        "\xEF\xBB\xBF: a comment\n"
        "event: first\r\n"
        "data: one\r"
        "data:two\n"
        "id: 7\n"
        "retry: 1500\n"
        "\n"
        "data\n"
        "\n"
        "event: no-data\n"
        "\n"
        "data: third\n"
        "unknown: field\n"
        "\r\n";
    for (size_t chunk : {1, 2, 3, 5, 100}) {
        const auto events = sse(stream, chunk);
        INFO("chunk " << chunk);
        REQUIRE(events.size() == 3);
        CHECK(events[0].type == "first");
        CHECK(events[0].data == "one\ntwo");
        CHECK(events[0].id == "7");
        CHECK(events[0].retry == 1500u);
        CHECK(events[1].type == "message");
        CHECK(events[1].data == "");  // a bare "data" field is an empty data line
        CHECK(events[1].id == "7");   // the last event id persists
        CHECK_FALSE(events[1].retry);
        CHECK(events[2].data == "third");
    }
}

TEST_CASE("SSE: an event is delivered as soon as its blank line arrives") {
    SseDecoder decoder;
    std::vector<SseEvent> events;
    decoder.feed("data: a\n", events);
    CHECK(events.empty());
    decoder.feed("\n", events);
    REQUIRE(events.size() == 1);
    decoder.feed("data: b\n\ndata: c", events);
    CHECK(events.size() == 2);
}

TEST_CASE("SSE and NDJSON: oversized events fail the stream instead of growing without bound") {
    SseDecoder sse(64);
    std::vector<SseEvent> events;
    CHECK_FALSE(sse.feed("data: " + std::string(100, 'x'), events));
    CHECK(sse.failed());
    CHECK_FALSE(sse.feed("\n\n", events));
    CHECK(events.empty());

    SseDecoder manyLines(64);
    std::string stream;
    for (int i = 0; i < 20; ++i) stream += "data: 0123456789\n";
    CHECK_FALSE(manyLines.feed(stream, events));

    LineDecoder lines(16);
    std::vector<std::string> out;
    CHECK_FALSE(lines.feed(std::string(40, 'y'), out));
}

// Found by tests/fuzz/model_stream.cpp: a line over the limit failed the stream only
// when it came in several reads; arriving whole with its line end, it passed.
TEST_CASE("SSE and NDJSON: a line over the limit fails the stream however it is split") {
    const std::string sseStream = "event: " + std::string(80, 'e') + "\ndata: x\n\n";
    const std::string lineStream = std::string(40, 'y') + "\n{}\n";
    for (size_t chunk : {1, 7, 1000}) {
        INFO("chunk size " << chunk);
        SseDecoder sse(64);
        std::vector<SseEvent> events;
        for (size_t i = 0; i < sseStream.size(); i += chunk) sse.feed(std::string_view(sseStream).substr(i, chunk), events);
        CHECK(sse.failed());
        CHECK(events.empty());

        LineDecoder lines(16);
        std::vector<std::string> out;
        for (size_t i = 0; i < lineStream.size(); i += chunk) lines.feed(std::string_view(lineStream).substr(i, chunk), out);
        CHECK(lines.failed());
        CHECK(out.empty());
    }
    // At the limit exactly, a line passes.
    LineDecoder lines(16);
    std::vector<std::string> out;
    CHECK(lines.feed(std::string(16, 'z') + "\n", out));
    CHECK(out == std::vector<std::string>{std::string(16, 'z')});
}

// Found by tests/fuzz/model_stream.cpp: the first two bytes of a byte order mark,
// arriving in a read of their own, were dropped as if the mark were whole.
TEST_CASE("SSE: a partial byte order mark is text, however it is split") {
    const std::string stream = "\xEF\xBB" "data: x\n\n" "data: y\n\n";
    for (size_t chunk : {1, 2, 3, 1000}) {
        INFO("chunk size " << chunk);
        const std::vector<SseEvent> events = sse(stream, chunk);
        REQUIRE(events.size() == 1);  // the first line's field is "\xEF\xBB" "data", not "data"
        CHECK(events[0].data == "y");
    }
    for (size_t chunk : {1, 2, 1000}) CHECK(sse("\xEF\xBB\xBF" "data: z\n\n", chunk).at(0).data == "z");
}

// Found by tests/fuzz/model_stream.cpp: a line of a stray "\r" before the "\r\n" was
// handed on (and failed the stream as malformed JSON), though finish() counts it blank.
TEST_CASE("NDJSON: a line of carriage returns is blank") {
    LineDecoder decoder;
    std::vector<std::string> lines;
    decoder.feed("{\"a\":1}\n\r\r\n \r\t\r\n{\"b\":2}\n\r\r", lines);
    decoder.finish(lines);
    CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
}

TEST_CASE("NDJSON: lines in any split, CRLF, blank lines skipped, last line without newline") {
    for (size_t chunk : {1, 4, 1000}) {
        LineDecoder decoder;
        std::vector<std::string> lines;
        const std::string stream = "{\"a\":1}\r\n\n{\"b\":2}\n   \n{\"c\":3}";
        for (size_t i = 0; i < stream.size(); i += chunk) decoder.feed(std::string_view(stream).substr(i, chunk), lines);
        CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
        decoder.finish(lines);
        CHECK(lines.back() == "{\"c\":3}");
    }
}

TEST_CASE("OpenAI Responses stream") {
    const Outcome o = decodeEverySplit("openai-responses", kResponsesStream);
    CHECK(o.text == "return a + b; // \xC3\xA9\xF0\x9F\x98\x80");
    CHECK(o.model == "gpt-5.3-codex-spark-2026-02");  // the model that actually served it
    CHECK(o.end == End::Stop);

    const Outcome incomplete = decode("openai-responses",
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"x\"}\n\n"
        "data: {\"type\":\"response.incomplete\",\"response\":{\"incomplete_details\":{\"reason\":\"max_output_tokens\"}}}\n\n", 5);
    CHECK(incomplete.end == End::Length);
    CHECK(incomplete.text == "x");

    const Outcome failed = decode("openai-responses",
        "data: {\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":\"server_error\",\"message\":\"overloaded\"}}}\n\n", 9);
    CHECK(failed.end == End::Error);
    CHECK(failed.error == "overloaded");

    const Outcome error = decode("openai-responses",
        "event: error\ndata: {\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}\n\n", 4);
    CHECK(error.end == End::Error);
    CHECK(error.error == "slow down");
}

TEST_CASE("OpenAI Chat Completions stream") {
    const Outcome o = decodeEverySplit("openai-chat", kChatStream);
    CHECK(o.text == "for x in xs:");
    CHECK(o.model == "gpt-oss-120b");
    CHECK(o.end == End::Stop);

    const Outcome error = decode("openai-chat", "data: {\"error\":{\"message\":\"bad key\",\"type\":\"invalid_request_error\"}}\n\n", 3);
    CHECK(error.end == End::Error);
    CHECK(error.error == "bad key");
}

TEST_CASE("OpenAI completions (FIM) stream") {
    const Outcome o = decodeEverySplit("openai-completions", kCompletionsStream);
    CHECK(o.text == "int main() {");
    CHECK(o.model == "deepseek-coder");
    CHECK(o.end == End::Length);
}

TEST_CASE("llama.cpp /infill stream") {
    const Outcome o = decodeEverySplit("llama-infill", kInfillStream);
    CHECK(o.text == "    if n < 2:");
    CHECK(o.model == "starcoder-tiny");
    CHECK(o.end == End::Stop);
}

TEST_CASE("Ollama /api/generate stream") {
    const Outcome o = decodeEverySplit("ollama", kOllamaStream);
    CHECK(o.text == "fmt.Println(x)");
    CHECK(o.model == "qwen2.5-coder:1.5b");
    CHECK(o.end == End::Stop);
    const Outcome error = decode("ollama", "{\"error\":\"model 'x' not found\"}\n", 2);
    CHECK(error.end == End::Error);
    CHECK(error.error == "model 'x' not found");
}

TEST_CASE("each delta is delivered as soon as its own event is complete") {
    struct Case {
        std::string kind;
        std::string body;
        std::string firstDelta;
    };
    for (const Case& c : std::vector<Case>{{"openai-responses", kResponsesStream, "return "},
                                          {"openai-chat", kChatStream, "for x in"},
                                          {"openai-completions", kCompletionsStream, "int main"},
                                          {"llama-infill", kInfillStream, "    if n"},
                                          {"ollama", kOllamaStream, "fmt."}}) {
        INFO(c.kind);
        // The byte that completes the event carrying the first delta.
        const size_t at = c.body.find(c.firstDelta);
        size_t eventEnd = 0;
        if (c.kind == "ollama") {
            eventEnd = c.body.find('\n', at) + 1;
        } else {
            const size_t lf = c.body.find("\n\n", at), crlf = c.body.find("\r\n\r\n", at);
            // With CRLF the blank line is complete at its '\r' (a lone CR ends a line too).
            eventEnd = std::min(lf == std::string::npos ? SIZE_MAX : lf + 2, crlf == std::string::npos ? SIZE_MAX : crlf + 3);
        }
        StreamDecoder decoder(*findWireFormat(c.kind));
        std::vector<StreamUpdate> updates;
        size_t firstTextAt = 0;
        for (size_t i = 0; i < c.body.size() && firstTextAt == 0; ++i) {
            decoder.feed(std::string_view(c.body).substr(i, 1), updates);
            for (const StreamUpdate& u : updates)
                if (!u.text.empty()) firstTextAt = i + 1;
        }
        CHECK(firstTextAt == eventEnd);
        CHECK(updates.back().text == c.firstDelta);
        CHECK_FALSE(decoder.ended());
    }
}

TEST_CASE("a body that stops early is Truncated, keeping the text so far") {
    const std::string cut = kChatStream.substr(0, kChatStream.find(" xs:"));
    const Outcome o = decode("openai-chat", cut, 10);
    CHECK(o.text == "for x in");
    CHECK(o.end == End::Truncated);

    const std::string ollamaCut = kOllamaStream.substr(0, kOllamaStream.find("Println"));
    CHECK(decode("ollama", ollamaCut, 3).end == End::Truncated);  // a half line is not a message
}

TEST_CASE("a malformed event ends the stream with an error and nothing after it is taken") {
    const Outcome o = decode("openai-chat",
        "data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n"
        "data: {not json\n\n"
        "data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n", 6);
    CHECK(o.text == "ok");
    CHECK(o.end == End::Error);
    CHECK(o.error.find("malformed event") != std::string::npos);
}

// Found by tests/fuzz/model_stream.cpp: the error quoted the event's first 120 bytes
// as they were, cutting a character in two or passing on bytes that are not UTF-8
// (the message reaches the editor in flint/status, as JSON).
TEST_CASE("a malformed event's error quotes it as UTF-8") {
    const Outcome cut = decode("openai-chat", "data: {" + std::string(118, 'x') + "\xC3\xA9}\n\n", 1000);
    CHECK(cut.end == End::Error);
    CHECK(cut.error == "malformed event from the model server: {" + std::string(118, 'x'));
    const Outcome bad = decode("ollama", "{\"response\": \"\xFF\"\n", 1000);
    CHECK(bad.end == End::Error);
    CHECK(bad.error == "malformed event from the model server: {\"response\": \"\xEF\xBF\xBD\"");
}

TEST_CASE("WebSocket messages decode like SSE events") {
    StreamDecoder decoder(*findWireFormat("openai-responses"));
    std::vector<StreamUpdate> updates;
    decoder.feedMessage(R"({"type":"response.output_text.delta","delta":"hi"})", updates);
    decoder.feedMessage(R"({"type":"response.completed","response":{"model":"m"}})", updates);
    REQUIRE(updates.size() == 2);
    CHECK(updates[0].text == "hi");
    CHECK(updates[1].end == End::Stop);
    CHECK(decoder.ended());
}

TEST_CASE("request bodies per wire format") {
    ModelRequest r;
    r.model = "m1";
    r.system = "You complete code.";
    r.user = "def f(";
    r.prefix = "def add(a, b):\n    ";
    r.suffix = "\n\nprint(add(1, 2))\n";
    r.extra = {{"util.py", "def sub(a, b): return a - b\n"}};
    r.maxTokens = 64;
    r.temperature = 0.2;
    r.stop = {"\n\n"};
    r.prediction = "def f(x):";

    auto body = [&](std::string_view kind) { return json::parse(findWireFormat(kind)->requestBody(r)); };

    const json::value responses = body("openai-responses");
    CHECK(responses.at("model") == "m1");
    CHECK(responses.at("input") == "def f(");
    CHECK(responses.at("instructions") == "You complete code.");
    CHECK(responses.at("stream") == true);
    CHECK(responses.at("store") == false);
    CHECK(responses.at("max_output_tokens") == 64);
    CHECK(findWireFormat("openai-responses")->path() == "/responses");

    const json::value chat = body("openai-chat");
    CHECK(chat.at("messages").at(0).at("role") == "system");
    CHECK(chat.at("messages").at(1).at("content") == "def f(");
    CHECK(chat.at("max_tokens") == 64);
    CHECK(chat.at("stop").at(0) == "\n\n");
    CHECK(chat.at("prediction").at("type") == "content");
    CHECK(chat.at("prediction").at("content") == "def f(x):");
    CHECK(findWireFormat("openai-chat")->path() == "/chat/completions");

    const json::value completions = body("openai-completions");
    CHECK(completions.at("prompt") == "def add(a, b):\n    ");
    CHECK(completions.at("suffix") == "\n\nprint(add(1, 2))\n");
    CHECK(completions.at("stream") == true);

    const json::value infill = body("llama-infill");
    CHECK(infill.at("input_prefix") == "def add(a, b):\n    ");
    CHECK(infill.at("input_suffix") == "\n\nprint(add(1, 2))\n");
    CHECK(infill.at("input_extra").at(0).at("filename") == "util.py");
    CHECK(infill.at("n_predict") == 64);
    CHECK(infill.at("cache_prompt") == true);
    CHECK(findWireFormat("llama-infill")->path() == "/infill");

    const json::value ollama = body("ollama");
    CHECK(ollama.at("suffix") == "\n\nprint(add(1, 2))\n");
    CHECK(ollama.at("options").at("num_predict") == 64);
    CHECK(ollama.at("options").at("stop").at(0) == "\n\n");
    CHECK(findWireFormat("ollama")->path() == "/api/generate");
    CHECK(findWireFormat("ollama")->framing() == WireFormat::Framing::NewlineDelimitedJson);

    CHECK(findWireFormat("anthropic") == nullptr);
    CHECK(wireFormats().size() == 5);
}

TEST_CASE("llama.cpp /infill: the time budget and the slot go out and the timings come back as usage") {
    ModelRequest r;
    r.prefix = "def f(";
    const WireFormat& infill = *findWireFormat("llama-infill");
    CHECK_FALSE(json::parse(infill.requestBody(r)).as_object().contains("t_max_predict_ms"));
    r.predictBudgetMs = 0;  // no limit
    CHECK_FALSE(json::parse(infill.requestBody(r)).as_object().contains("t_max_predict_ms"));
    r.predictBudgetMs = 250;
    CHECK(json::parse(infill.requestBody(r)).at("t_max_predict_ms") == 250);
    CHECK_FALSE(json::parse(infill.requestBody(r)).as_object().contains("id_slot"));
    r.slot = -1;  // the server chooses
    CHECK_FALSE(json::parse(infill.requestBody(r)).as_object().contains("id_slot"));
    r.slot = 0;
    CHECK(json::parse(infill.requestBody(r)).at("id_slot") == 0);

    // The last event as llama-server sends it (stop by the time limit, the prompt mostly cached).
    const std::string last =
        "data: {\"index\":0,\"content\":\"\\n\",\"stop\":true,\"stop_type\":\"limit\",\"timings\":{\"cache_n\":118,"
        "\"prompt_n\":3,\"prompt_ms\":1.25,\"prompt_per_token_ms\":0.41,\"predicted_n\":57,\"predicted_ms\":251.5}}\n\n";
    StreamDecoder decoder(infill);
    std::vector<StreamUpdate> updates;
    decoder.feed(last, updates);
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].end == End::Length);
    REQUIRE(updates[0].usage);
    CHECK(updates[0].usage->cachedTokens == 118);
    CHECK(updates[0].usage->promptTokens == 3);
    CHECK(updates[0].usage->outputTokens == 57);
    CHECK(updates[0].usage->promptMs == 1.25);
    CHECK(updates[0].usage->outputMs == 251.5);

    // Partial timings (timings_per_token) and odd types read as "not reported".
    updates.clear();
    StreamDecoder other(infill);
    other.feed("data: {\"content\":\"x\",\"stop\":false,\"timings\":{\"cache_n\":\"many\"}}\n\n", updates);
    REQUIRE(updates.size() == 1);
    REQUIRE(updates[0].usage);
    CHECK(updates[0].usage->cachedTokens == -1);
    CHECK(updates[0].usage->outputMs == -1);
}
