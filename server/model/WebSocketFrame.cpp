#include "model/WebSocketFrame.h"

#include "support/Base64.h"
#include "support/Utf8.h"

#include <openssl/sha.h>

namespace flint {

bool WebSocketDecoder::fail(std::string message, uint16_t code) {
    error_ = std::move(message);
    failureCode_ = code;
    pending_.clear();
    message_.clear();
    return false;
}

bool WebSocketDecoder::frame(uint8_t opcode, bool fin, std::string_view payload, std::vector<WebSocketMessage>& out) {
    using Type = WebSocketMessage::Type;
    if (opcode >= 8) {
        if (!fin) return fail("a fragmented control frame");
        if (payload.size() > 125) return fail("a control frame longer than 125 bytes");
        WebSocketMessage m;
        if (opcode == 8) {
            m.type = Type::Close;
            m.closeCode = 1005;
            if (payload.size() == 1) return fail("a close frame with a one-byte body");
            if (payload.size() >= 2) {
                m.closeCode = static_cast<uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                    static_cast<unsigned char>(payload[1]));
                m.payload = payload.substr(2);
                if (!isValidUtf8(m.payload)) return fail("a close reason that is not UTF-8", 1007);
            }
        } else if (opcode == 9) {
            m.type = Type::Ping;
            m.payload = payload;
        } else if (opcode == 10) {
            m.type = Type::Pong;
            m.payload = payload;
        } else {
            return fail("an unknown control opcode " + std::to_string(opcode));
        }
        out.push_back(std::move(m));
        return true;
    }
    if (opcode == 0) {
        if (!fragmented_) return fail("a continuation frame with no message to continue");
    } else if (opcode == 1 || opcode == 2) {
        if (fragmented_) return fail("a new message before the fragmented one ended");
        fragmented_ = opcode;
    } else {
        return fail("an unknown data opcode " + std::to_string(opcode));
    }
    if (message_.size() + payload.size() > maxMessageBytes_)
        return fail("a message larger than " + std::to_string(maxMessageBytes_) + " bytes", 1009);
    message_.append(payload);
    if (!fin) return true;
    WebSocketMessage m;
    m.type = *fragmented_ == 1 ? Type::Text : Type::Binary;
    fragmented_.reset();
    m.payload = std::move(message_);
    message_.clear();
    if (m.type == Type::Text && !isValidUtf8(m.payload)) return fail("a text message that is not UTF-8", 1007);
    out.push_back(std::move(m));
    return true;
}

bool WebSocketDecoder::feed(std::string_view bytes, std::vector<WebSocketMessage>& out) {
    if (failed()) return false;
    pending_.append(bytes);
    size_t at = 0;
    for (;;) {
        const size_t avail = pending_.size() - at;
        if (avail < 2) break;
        const auto* p = reinterpret_cast<const unsigned char*>(pending_.data() + at);
        const bool fin = p[0] & 0x80;
        if (p[0] & 0x70) return fail("reserved bits set (no extension was negotiated)");
        const uint8_t opcode = p[0] & 0x0F;
        const bool isMasked = p[1] & 0x80;
        if (isMasked != masked_) return fail(masked_ ? "an unmasked frame from a client" : "a masked frame from the server");
        uint64_t length = p[1] & 0x7F;
        size_t header = 2;
        if (length == 126) {
            if (avail < 4) break;
            length = (uint64_t(p[2]) << 8) | p[3];
            header = 4;
            if (length < 126) return fail("a frame length not in its shortest form");
        } else if (length == 127) {
            if (avail < 10) break;
            length = 0;
            for (int i = 0; i < 8; ++i) length = (length << 8) | p[2 + i];
            header = 10;
            if (length >> 63) return fail("a frame length with the high bit set");
            if (length <= 0xFFFF) return fail("a frame length not in its shortest form");
        }
        // Check sizes before waiting for the bytes: a huge length must not make us buffer it.
        if (opcode < 8 && length + message_.size() > maxMessageBytes_)
            return fail("a message larger than " + std::to_string(maxMessageBytes_) + " bytes", 1009);
        if (opcode >= 8 && length > 125) return fail("a control frame longer than 125 bytes");
        const size_t maskBytes = isMasked ? 4 : 0;
        if (avail < header + maskBytes + length) break;
        std::string payload(pending_.data() + at + header + maskBytes, static_cast<size_t>(length));
        if (isMasked) {
            const unsigned char* key = p + header;
            for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ key[i & 3]);
        }
        at += header + maskBytes + static_cast<size_t>(length);
        if (!frame(opcode, fin, payload, out)) return false;
    }
    pending_.erase(0, at);
    return true;
}

std::string encodeWebSocketFrame(WebSocketOpcode opcode, std::string_view payload,
                                 std::optional<std::array<uint8_t, 4>> mask, bool fin) {
    std::string out;
    out.reserve(payload.size() + 14);
    out += static_cast<char>((fin ? 0x80 : 0) | static_cast<uint8_t>(opcode));
    const uint8_t maskBit = mask ? 0x80 : 0;
    if (payload.size() < 126) {
        out += static_cast<char>(maskBit | payload.size());
    } else if (payload.size() <= 0xFFFF) {
        out += static_cast<char>(maskBit | 126);
        out += static_cast<char>(payload.size() >> 8);
        out += static_cast<char>(payload.size() & 0xFF);
    } else {
        out += static_cast<char>(maskBit | 127);
        for (int i = 7; i >= 0; --i) out += static_cast<char>((uint64_t(payload.size()) >> (8 * i)) & 0xFF);
    }
    if (!mask) return out.append(payload);
    out.append(reinterpret_cast<const char*>(mask->data()), 4);
    const size_t start = out.size();
    out.append(payload);
    for (size_t i = 0; i < payload.size(); ++i) out[start + i] = static_cast<char>(out[start + i] ^ (*mask)[i & 3]);
    return out;
}

std::string encodeWebSocketClose(uint16_t code, std::string_view reason, std::optional<std::array<uint8_t, 4>> mask) {
    std::string body;
    body += static_cast<char>(code >> 8);
    body += static_cast<char>(code & 0xFF);
    // A close body is at most 125 bytes and its reason UTF-8 (a peer fails the
    // connection otherwise): cut between characters.
    body.append(utf8Prefix(reason, 123));
    return encodeWebSocketFrame(WebSocketOpcode::Close, body, mask);
}

std::string webSocketAccept(std::string_view key) {
    const std::string input = std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    return base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

} // namespace flint
