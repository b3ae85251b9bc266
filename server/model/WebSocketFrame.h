#pragma once
// The WebSocket wire format (RFC 6455) as pure functions: a frame encoder, an
// incremental decoder that turns bytes in any split into whole messages (fragments
// reassembled, control frames as they come), and the handshake's accept value. No
// sockets here, so the decoder can be unit-tested and fuzzed on its own.
//
//   WebSocketDecoder decoder;                       // frames from a server: unmasked
//   std::vector<WebSocketMessage> messages;
//   if (!decoder.feed(bytes, messages)) closeWith(1002, decoder.error());
//   for (auto& m : messages) if (m.type == WebSocketMessage::Type::Text) handle(m.payload);
//
//   std::string frame = encodeWebSocketFrame(WebSocketOpcode::Text, json, mask);  // client → server
//
// Once feed() returns false the decoder stays failed and ignores further input.

#include "support/Utf8.h"  // isValidUtf8

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

enum class WebSocketOpcode : uint8_t { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };

struct WebSocketMessage {
    enum class Type { Text, Binary, Close, Ping, Pong };
    Type type = Type::Text;
    std::string payload;     // for Close: the reason text
    uint16_t closeCode = 0;  // for Close: 1005 when the frame carried none
};

class WebSocketDecoder {
public:
    // `masked`: frames must be masked (a server reading a client) or must not be (a
    // client reading a server), as RFC 6455 section 5.1 requires.
    explicit WebSocketDecoder(size_t maxMessageBytes = size_t(16) << 20, bool masked = false)
        : maxMessageBytes_(maxMessageBytes), masked_(masked) {}

    bool feed(std::string_view bytes, std::vector<WebSocketMessage>& out);
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    // The close code to send when failing: 1009 for an oversized message, else 1002
    // (1007 for text that is not UTF-8).
    uint16_t failureCode() const { return failureCode_; }

private:
    bool fail(std::string message, uint16_t code = 1002);
    bool frame(uint8_t opcode, bool fin, std::string_view payload, std::vector<WebSocketMessage>& out);

    size_t maxMessageBytes_;
    bool masked_;
    std::string pending_;   // bytes of a frame not yet complete
    std::string message_;   // fragments of a data message so far
    std::optional<uint8_t> fragmented_;  // the opcode of the message being reassembled
    std::string error_;
    uint16_t failureCode_ = 0;
};

// One frame. Frames a client sends must carry a mask (4 random bytes).
std::string encodeWebSocketFrame(WebSocketOpcode opcode, std::string_view payload,
                                 std::optional<std::array<uint8_t, 4>> mask, bool fin = true);
// A close frame; `reason` is cut to the 123 bytes a close body leaves it, between characters.
std::string encodeWebSocketClose(uint16_t code, std::string_view reason, std::optional<std::array<uint8_t, 4>> mask);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + the RFC's GUID)).
std::string webSocketAccept(std::string_view key);


} // namespace flint
