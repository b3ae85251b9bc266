// The WebSocket wire format without a socket: frames in any split, fragments,
// control frames, and every protocol error a server could commit.
#include "model/WebSocketFrame.h"

#include <catch2/catch.hpp>

using namespace flint;
using Type = WebSocketMessage::Type;

namespace {

constexpr std::array<uint8_t, 4> kMask{0x12, 0x34, 0x56, 0x78};

std::vector<WebSocketMessage> decodeAll(std::string_view bytes, WebSocketDecoder& decoder, bool& ok) {
    std::vector<WebSocketMessage> out;
    ok = decoder.feed(bytes, out);
    return out;
}

} // namespace

TEST_CASE("the accept value of RFC 6455's example handshake") {
    CHECK(webSocketAccept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("frames of every length class decode, split at every byte") {
    for (size_t size : {size_t(0), size_t(5), size_t(125), size_t(126), size_t(65535), size_t(65536), size_t(200000)}) {
        INFO(size);
        std::string payload(size, 'a');
        for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + i % 26);
        const std::string frame = encodeWebSocketFrame(WebSocketOpcode::Text, payload, std::nullopt);
        // One split point per byte for the small frames; a few for the big ones.
        const size_t step = size > 1000 ? size / 7 + 1 : 1;
        for (size_t split = 0; split <= frame.size(); split += step) {
            WebSocketDecoder decoder;
            std::vector<WebSocketMessage> out;
            REQUIRE(decoder.feed(std::string_view(frame).substr(0, split), out));
            REQUIRE(decoder.feed(std::string_view(frame).substr(split), out));
            REQUIRE(out.size() == 1);
            CHECK(out[0].type == Type::Text);
            CHECK(out[0].payload == payload);
        }
    }
}

TEST_CASE("masked frames decode on the server side, and masking is applied by the encoder") {
    const std::string frame = encodeWebSocketFrame(WebSocketOpcode::Text, "{\"type\":\"response.create\"}", kMask);
    CHECK((static_cast<unsigned char>(frame[1]) & 0x80) != 0);
    CHECK(frame.find("response.create") == std::string::npos);  // masked on the wire
    WebSocketDecoder server(1 << 20, /*masked=*/true);
    bool ok = false;
    auto out = decodeAll(frame, server, ok);
    REQUIRE(ok);
    REQUIRE(out.size() == 1);
    CHECK(out[0].payload == "{\"type\":\"response.create\"}");

    // A client must refuse a masked frame from a server, and a server an unmasked one.
    WebSocketDecoder client;
    decodeAll(frame, client, ok);
    CHECK_FALSE(ok);
    CHECK(client.error() == "a masked frame from the server");
    CHECK(client.failureCode() == 1002);
}

TEST_CASE("fragments are reassembled with control frames between them") {
    std::string bytes = encodeWebSocketFrame(WebSocketOpcode::Text, "hel", std::nullopt, false);
    bytes += encodeWebSocketFrame(WebSocketOpcode::Ping, "p", std::nullopt);
    bytes += encodeWebSocketFrame(WebSocketOpcode::Continuation, "lo ", std::nullopt, false);
    bytes += encodeWebSocketFrame(WebSocketOpcode::Continuation, "w\xC3\xB6rld", std::nullopt, true);
    bytes += encodeWebSocketClose(1001, "bye", std::nullopt);
    WebSocketDecoder decoder;
    bool ok = false;
    auto out = decodeAll(bytes, decoder, ok);
    REQUIRE(ok);
    REQUIRE(out.size() == 3);
    CHECK(out[0].type == Type::Ping);
    CHECK(out[0].payload == "p");
    CHECK(out[1].type == Type::Text);
    CHECK(out[1].payload == "hello w\xC3\xB6rld");
    CHECK(out[2].type == Type::Close);
    CHECK(out[2].closeCode == 1001);
    CHECK(out[2].payload == "bye");
}

TEST_CASE("protocol errors fail the decoder once and for all") {
    struct Case {
        std::string bytes;
        std::string error;
        uint16_t code;
    };
    const std::string bigPing = encodeWebSocketFrame(WebSocketOpcode::Ping, std::string(126, 'x'), std::nullopt);
    std::vector<Case> cases = {
        {std::string("\xC1\x00", 2), "reserved bits set (no extension was negotiated)", 1002},
        {std::string("\x83\x00", 2), "an unknown data opcode 3", 1002},
        {std::string("\x8B\x00", 2), "an unknown control opcode 11", 1002},
        {bigPing, "a control frame longer than 125 bytes", 1002},
        {std::string("\x09\x00", 2), "a fragmented control frame", 1002},
        {std::string("\x80\x01x", 3), "a continuation frame with no message to continue", 1002},
        {std::string("\x01\x01x\x81\x01y", 6), "a new message before the fragmented one ended", 1002},
        {std::string("\x81\x7E\x00\x05hello", 9), "a frame length not in its shortest form", 1002},
        {std::string("\x81\x7F\x80\x00\x00\x00\x00\x00\x00\x00", 10), "a frame length with the high bit set", 1002},
        {std::string("\x81\x02\xC3\x28", 4), "a text message that is not UTF-8", 1007},
        {std::string("\x88\x01\x03", 3), "a close frame with a one-byte body", 1002},
    };
    for (const Case& c : cases) {
        INFO(c.error);
        WebSocketDecoder decoder;
        bool ok = true;
        decodeAll(c.bytes, decoder, ok);
        CHECK_FALSE(ok);
        CHECK(decoder.error() == c.error);
        CHECK(decoder.failureCode() == c.code);
        // Failed for good: even a valid frame is refused now.
        decodeAll(encodeWebSocketFrame(WebSocketOpcode::Text, "ok", std::nullopt), decoder, ok);
        CHECK_FALSE(ok);
    }
}

TEST_CASE("an oversized message is refused from its header, before its bytes arrive") {
    WebSocketDecoder decoder(1000);
    std::vector<WebSocketMessage> out;
    // The header announces 2^40 bytes: the decoder must not wait to buffer them.
    const std::string header("\x82\x7F\x00\x00\x01\x00\x00\x00\x00\x00", 10);
    CHECK_FALSE(decoder.feed(header, out));
    CHECK(decoder.failureCode() == 1009);

    WebSocketDecoder fragments(10);
    CHECK(fragments.feed(encodeWebSocketFrame(WebSocketOpcode::Text, "123456", std::nullopt, false), out));
    CHECK_FALSE(fragments.feed(encodeWebSocketFrame(WebSocketOpcode::Continuation, "789012", std::nullopt), out));
    CHECK(fragments.error() == "a message larger than 10 bytes");
}

// Found by tests/fuzz/websocket.cpp: the reason was cut at 123 bytes, through a
// character, and the peer's decoder fails such a close frame (1007).
TEST_CASE("a close reason is cut to its limit between characters") {
    std::string reason;
    for (int i = 0; i < 70; ++i) reason += "\xC3\xA9";  // 140 bytes of é
    const std::string frame = encodeWebSocketClose(1001, reason, kMask);
    WebSocketDecoder server(1 << 20, /*masked=*/true);
    bool ok = false;
    const auto out = decodeAll(frame, server, ok);
    REQUIRE(ok);
    REQUIRE(out.size() == 1);
    CHECK(out[0].type == Type::Close);
    CHECK(out[0].closeCode == 1001);
    CHECK(out[0].payload == reason.substr(0, 122));  // 61 whole characters

    // A reason that is not UTF-8 is not cut back further than a character could need.
    const std::string bytes = "x" + std::string(130, '\x82');
    CHECK(encodeWebSocketClose(1000, bytes, std::nullopt).size() >= 2 + 2 + 120);
}

TEST_CASE("UTF-8 validation") {
    CHECK(isValidUtf8("plain"));
    CHECK(isValidUtf8("h\xC3\xA9llo \xF0\x9F\x98\x80"));
    CHECK_FALSE(isValidUtf8("\xC0\xAF"));          // overlong
    CHECK_FALSE(isValidUtf8("\xED\xA0\x80"));      // a surrogate
    CHECK_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
    CHECK_FALSE(isValidUtf8("\xE2\x82"));          // cut short
}
