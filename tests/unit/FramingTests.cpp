// Content-Length framing: split and coalesced reads, headers, bad and absurd input.
#include "lsp/Framing.h"

#include <catch2/catch.hpp>

using namespace flint::lsp;
using Event = MessageReader::Event;

namespace {

std::vector<Event> feedAll(MessageReader& reader, std::string_view bytes, size_t chunk) {
    std::vector<Event> events;
    for (size_t i = 0; i < bytes.size(); i += chunk) reader.feed(bytes.substr(i, chunk), events);
    return events;
}

std::vector<std::string> messages(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const Event& e : events)
        if (!e.isError()) out.push_back(e.text);
    return out;
}

size_t errors(const std::vector<Event>& events) {
    return std::count_if(events.begin(), events.end(), [](const Event& e) { return e.isError(); });
}

} // namespace

TEST_CASE("frame writes the Content-Length header") {
    CHECK(frame("{}") == "Content-Length: 2\r\n\r\n{}");
    CHECK(frame("\xC3\xA9") == "Content-Length: 2\r\n\r\n\xC3\xA9");  // bytes, not characters
}

TEST_CASE("messages survive any split of the byte stream") {
    const std::string stream = frame(R"({"a":1})") + frame(R"({"b":"\u00e9"})") + frame("[]");
    for (size_t chunk : {1, 2, 3, 5, 7, 16, 1000}) {
        MessageReader reader;
        auto events = feedAll(reader, stream, chunk);
        INFO("chunk size " << chunk);
        CHECK(errors(events) == 0);
        CHECK(messages(events) == std::vector<std::string>{R"({"a":1})", R"({"b":"\u00e9"})", "[]"});
        CHECK(reader.idle());
    }
}

TEST_CASE("a Content-Type header and header-name case are accepted") {
    MessageReader reader;
    std::vector<Event> events;
    reader.feed("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", events);
    reader.feed("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 3\r\n\r\n[1]", events);
    CHECK(messages(events) == std::vector<std::string>{"{}", "[1]"});
}

TEST_CASE("a header block without a usable Content-Length is an error and the next message still arrives") {
    MessageReader reader;
    std::vector<Event> events;
    reader.feed("Content-Type: x\r\n\r\n", events);
    reader.feed("Content-Length: abc\r\n\r\n", events);
    reader.feed("garbage line\r\n\r\n", events);
    reader.feed(frame("{}"), events);
    CHECK(errors(events) == 3);
    CHECK(messages(events) == std::vector<std::string>{"{}"});
}

TEST_CASE("an oversized message is skipped without being stored") {
    MessageReader reader(MessageReader::Limits{.maxContentLength = 16, .skipLimit = 1 << 20, .maxHeaderBytes = 1024});
    std::vector<Event> events;
    reader.feed("Content-Length: 40\r\n\r\n", events);
    REQUIRE(errors(events) == 1);
    reader.feed(std::string(40, 'x'), events);
    reader.feed(frame("{}"), events);
    CHECK(messages(events) == std::vector<std::string>{"{}"});
}

TEST_CASE("an absurd Content-Length resynchronises on the next header") {
    MessageReader reader;
    std::vector<Event> events;
    const std::string stream = "Content-Length: 99999999999999999\r\n\r\n{\"jsonrpc\":\"2.0\"}" + frame("{\"ok\":1}");
    events = feedAll(reader, stream, 3);
    CHECK(errors(events) == 1);
    CHECK(messages(events) == std::vector<std::string>{"{\"ok\":1}"});
}

TEST_CASE("a header block that never ends is bounded") {
    MessageReader reader(MessageReader::Limits{.maxContentLength = 1024, .skipLimit = 4096, .maxHeaderBytes = 64});
    std::vector<Event> events;
    reader.feed(std::string(200, 'h'), events);
    CHECK(errors(events) == 1);
    reader.feed("\r\n" + frame("{}"), events);
    CHECK(messages(events) == std::vector<std::string>{"{}"});
}

TEST_CASE("a zero-length body is delivered as an empty payload") {
    MessageReader reader;
    std::vector<Event> events;
    reader.feed("Content-Length: 0\r\n\r\n" + frame("{}"), events);
    CHECK(messages(events) == std::vector<std::string>{"", "{}"});
}

// Found by tests/fuzz/framing.cpp: the reader resynchronised only on a header at a line
// start, so with the whole stream in one read it never found the header that follows
// a body directly (and lost every later message), while small reads found it.
TEST_CASE("resynchronising finds the header right after a body, however the bytes are split") {
    const std::string stream =
        "Content-Length: 99999999999999999\r\n\r\n{\"x\":1}" + frame("{}") + frame("[1]");
    for (size_t chunk : {1, 2, 3, 7, 1000}) {
        MessageReader reader;
        const auto events = feedAll(reader, stream, chunk);
        INFO("chunk size " << chunk);
        CHECK(errors(events) == 1);
        CHECK(messages(events) == std::vector<std::string>{"{}", "[1]"});
    }
}

// Found by tests/fuzz/framing.cpp: a header block over the limit was refused when it
// came in small reads and accepted when it came in one.
TEST_CASE("a header block over the limit is an error however it is split") {
    const std::string stream = "Content-Length: 2\r\nX-Padding: " + std::string(60, 'x') + "\r\n\r\n{}" + frame("[]");
    for (size_t chunk : {1, 5, 1000}) {
        MessageReader reader(MessageReader::Limits{.maxContentLength = 1024, .skipLimit = 4096, .maxHeaderBytes = 48});
        const auto events = feedAll(reader, stream, chunk);
        INFO("chunk size " << chunk);
        REQUIRE(errors(events) == 1);
        CHECK(events.front().text == "header block too long");
        CHECK(messages(events) == std::vector<std::string>{"[]"});
    }
}

// Found by tests/fuzz/framing.cpp: the error quoted the header line's raw bytes, and
// the JSON-RPC error carrying it was not UTF-8.
TEST_CASE("a framing error quoting bad bytes is UTF-8") {
    MessageReader reader;
    std::vector<Event> events;
    reader.feed("Content-Length: 2\r\nX\xFF\xC3\r\n\r\n{}", events);
    REQUIRE(errors(events) == 1);
    CHECK(events.front().text == "malformed header line: X\xEF\xBF\xBD\xEF\xBF\xBD");
}
