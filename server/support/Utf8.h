#pragma once
// UTF-8 for text Flint quotes from outside into what it writes: bytes from stdin, a
// model server's body or a WebSocket may be cut anywhere or be no UTF-8 at all, while
// a JSON-RPC message (and a log line) must be well-formed. Boost.JSON serialises a
// string's bytes as they are, so the check has to happen before.
//
//   if (!isValidUtf8(payload)) return fail("a text message that is not UTF-8");
//   error = "malformed event: " + utf8Excerpt(payload, 120);  // well-formed, at most ~120 bytes

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace flint {

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when none starts
// there (no overlongs, surrogates or values past U+10FFFF; a sequence cut short is none).
inline size_t utf8SequenceAt(std::string_view s, size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0)
        len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

// True when `text` is well-formed UTF-8.
inline bool isValidUtf8(std::string_view text) {
    for (size_t i = 0, n = 0; i < text.size(); i += n)
        if ((n = utf8SequenceAt(text, i)) == 0) return false;
    return true;
}

// At most the first `maxBytes` bytes of `text` as well-formed UTF-8: never a character
// cut in two, each byte that starts no character replaced by U+FFFD (so the result may
// be a little longer than `maxBytes` when there are such bytes).
inline std::string utf8Excerpt(std::string_view text, size_t maxBytes = std::string_view::npos) {
    std::string out;
    for (size_t i = 0; i < text.size() && i < maxBytes;) {
        const size_t n = utf8SequenceAt(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            if (i + n > maxBytes) break;
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

// The longest prefix of `text` of at most `maxBytes` bytes that cuts no character in two
// (the bytes are kept as they are: for text known to be UTF-8; other text is cut at
// most 3 bytes short, as no character is longer than 4).
inline std::string_view utf8Prefix(std::string_view text, size_t maxBytes) {
    if (text.size() <= maxBytes) return text;
    size_t end = maxBytes;
    while (end > 0 && maxBytes - end < 3 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

} // namespace flint
