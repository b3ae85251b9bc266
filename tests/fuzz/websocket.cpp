// WebSocket frames (model/WebSocketFrame): the input is read two ways.
//  1. As raw bytes off a socket, decoded as a client (frames must be unmasked) and as
//     a server (masked), with the real message limit and a tiny one: the messages, the
//     failure and its close code do not depend on how the bytes are split; text and
//     close reasons that come out are UTF-8.
//  2. As messages to send: the input cut at NUL bytes, each piece a message (its first
//     byte picks text or binary, fragmentation, a ping between fragments, a mask);
//     encoded with encodeWebSocketFrame and decoded again, in pieces, they come back
//     exactly (text that is not UTF-8 fails with 1007, as the RFC asks). A close frame
//     made by encodeWebSocketClose from the last piece decodes to its code and reason.
#include "FuzzSupport.h"
#include "model/WebSocketFrame.h"

#include <array>

using namespace flint;
using namespace flint::fuzz;

namespace {

struct Outcome {
    std::vector<WebSocketMessage> messages;
    std::string error;
    uint16_t code = 0;
    bool operator==(const Outcome& o) const {
        if (error != o.error || code != o.code || messages.size() != o.messages.size())
            return false;
        for (size_t i = 0; i < messages.size(); ++i)
            if (messages[i].type != o.messages[i].type ||
                messages[i].payload != o.messages[i].payload ||
                messages[i].closeCode != o.messages[i].closeCode)
                return false;
        return true;
    }
};

Outcome decode(const std::vector<std::string_view>& pieces, size_t limit, bool masked) {
    WebSocketDecoder decoder(limit, masked);
    Outcome o;
    for (std::string_view piece : pieces) {
        const bool ok = decoder.feed(piece, o.messages);
        FUZZ_CHECK(ok == !decoder.failed(), "feed() and failed() disagree");
    }
    o.error = decoder.error();
    o.code = decoder.failureCode();
    FUZZ_CHECK(o.error.empty() == (o.code == 0),
               "a failure without a close code, or a code without failure");
    for (const WebSocketMessage& m : o.messages) {
        if (m.type == WebSocketMessage::Type::Text || m.type == WebSocketMessage::Type::Close)
            FUZZ_CHECK(wellFormedUtf8(m.payload),
                       "a text message or close reason that is not UTF-8 was accepted");
        if (m.type == WebSocketMessage::Type::Close || m.type == WebSocketMessage::Type::Ping ||
            m.type == WebSocketMessage::Type::Pong)
            FUZZ_CHECK(m.payload.size() <= 125, "a control frame body over 125 bytes was accepted");
        if (m.type == WebSocketMessage::Type::Text || m.type == WebSocketMessage::Type::Binary)
            FUZZ_CHECK(m.payload.size() <= limit, "a message over the limit was accepted");
    }
    return o;
}

void checkSplits(std::string_view input, size_t limit, bool masked) {
    const Outcome whole = decode({input}, limit, masked);
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < input.size(); ++i)
        bytes.push_back(input.substr(i, 1));
    FUZZ_CHECK(decode(bytes, limit, masked) == whole,
               "decoding byte by byte differs from decoding at once");
    FUZZ_CHECK(decode(chunks(input, seedOf(input)), limit, masked) == whole,
               "decoding in random pieces differs from decoding at once");
}

void roundTrip(std::string_view input) {
    std::vector<std::string_view> pieces;
    for (size_t start = 0;;) {
        const size_t nul = input.find('\0', start);
        pieces.push_back(input.substr(start, nul == std::string_view::npos ? std::string_view::npos
                                                                           : nul - start));
        if (nul == std::string_view::npos) break;
        start = nul + 1;
    }
    std::string wire;
    std::vector<WebSocketMessage> expected;
    std::optional<uint16_t> failure;
    bool masked = !pieces.front().empty() && (pieces.front()[0] & 1);
    const std::array<uint8_t, 4> key{0x37, 0xfa, 0x21, 0x3d};
    const auto mask = masked ? std::optional(key) : std::nullopt;
    const size_t dataMessages = pieces.size() > 1 ? pieces.size() - 1 : 1;
    for (size_t i = 0; i < dataMessages; ++i) {
        std::string_view piece = pieces[i];
        const unsigned char control = piece.empty() ? 0 : static_cast<unsigned char>(piece[0]);
        if (!piece.empty()) piece.remove_prefix(1);
        const bool text = control & 2;
        const size_t fragments = 1 + (control >> 2 & 3);
        const bool pingBetween = control & 0x10;
        const size_t step = piece.size() / fragments + 1;
        for (size_t f = 0; f < fragments; ++f) {
            const std::string_view part =
                piece.substr(std::min(piece.size(), f * step),
                             f + 1 == fragments ? std::string_view::npos : step);
            const auto opcode = f > 0  ? WebSocketOpcode::Continuation
                                : text ? WebSocketOpcode::Text
                                       : WebSocketOpcode::Binary;
            wire += encodeWebSocketFrame(opcode, part, mask, f + 1 == fragments);
            if (pingBetween && f + 1 < fragments) {
                wire += encodeWebSocketFrame(WebSocketOpcode::Ping, piece.substr(0, 125), mask);
                if (!failure)
                    expected.push_back(
                        {WebSocketMessage::Type::Ping, std::string(piece.substr(0, 125)), 0});
            }
        }
        if (failure) continue;
        if (text && !wellFormedUtf8(piece))
            failure = 1007;
        else
            expected.push_back(
                {text ? WebSocketMessage::Type::Text : WebSocketMessage::Type::Binary,
                 std::string(piece), 0});
    }
    if (pieces.size() > 1) {
        // The last piece: a close frame. Its first two bytes (if any) are the code.
        const std::string_view last = pieces.back();
        const uint16_t code = last.size() >= 2
                                  ? static_cast<uint16_t>(static_cast<unsigned char>(last[0]) << 8 |
                                                          static_cast<unsigned char>(last[1]))
                                  : 1000;
        const std::string_view reason = last.size() >= 2 ? last.substr(2) : std::string_view();
        wire += encodeWebSocketClose(code, reason, mask);
        const Outcome closing =
            decode({encodeWebSocketClose(code, reason, mask)}, size_t(16) << 20, masked);
        if (closing.error.empty()) {
            FUZZ_CHECK(closing.messages.size() == 1,
                       "a close frame decoded to more than one message");
            const WebSocketMessage& m = closing.messages[0];
            FUZZ_CHECK(m.type == WebSocketMessage::Type::Close && m.closeCode == code,
                       "a close frame lost its code");
            // Cut to the 123 bytes a close body leaves, and only as far back as a
            // character boundary needs.
            FUZZ_CHECK(reason.starts_with(m.payload) && m.payload.size() <= 123 &&
                           m.payload.size() + 3 >= std::min<size_t>(reason.size(), 123),
                       "a close reason was cut more than its limit needs");
            if (!failure) expected.push_back(m);
        } else {
            // Only a reason that is not UTF-8 may fail.
            FUZZ_CHECK(closing.code == 1007 && !wellFormedUtf8(reason),
                       "a close frame with a UTF-8 reason did not decode");
            if (!failure) failure = 1007;
        }
    }
    const Outcome got = decode(chunks(wire, seedOf(input), 40), size_t(16) << 20, masked);
    FUZZ_CHECK(got.messages.size() == expected.size(), "the round trip lost or added messages");
    for (size_t i = 0; i < expected.size(); ++i) {
        FUZZ_CHECK(got.messages[i].type == expected[i].type,
                   "a message came back with another type");
        FUZZ_CHECK(got.messages[i].payload == expected[i].payload, "a message came back changed");
    }
    FUZZ_CHECK(got.code == (failure ? *failure : 0),
               "the round trip failed, or did not fail, unexpectedly");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input = asText(data, size);
    for (bool masked : {false, true}) {
        checkSplits(input, size_t(16) << 20, masked);
        checkSplits(input, 64, masked);
    }
    roundTrip(input);
    return 0;
}
