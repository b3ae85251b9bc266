#pragma once
// A plain model of LSP document text for the harnesses to compare the server with: a
// string, lines split by a scan ("\n", "\r\n", lone "\r"), characters decoded one
// at a time (an ill-formed byte is one code unit, as workspace/Text.h defines).
// Deliberately naive (every query rescans): it must be obviously right, not fast.

#include "workspace/Text.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flint::fuzz {

// Length of the well-formed UTF-8 sequence at s[i] and its code point, or 1 and -1
// for a byte that starts none (Unicode's Table 3-7).
inline std::pair<size_t, int64_t> decodeCharacter(std::string_view s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char b0 = b(0);
    if (b0 < 0x80) return {1, b0};
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        n = 2;
    else if (b0 == 0xE0)
        n = 3, lo = 0xA0;
    else if (b0 >= 0xE1 && b0 <= 0xEC)
        n = 3;
    else if (b0 == 0xED)
        n = 3, hi = 0x9F;
    else if (b0 >= 0xEE && b0 <= 0xEF)
        n = 3;
    else if (b0 == 0xF0)
        n = 4, lo = 0x90;
    else if (b0 >= 0xF1 && b0 <= 0xF3)
        n = 4;
    else if (b0 == 0xF4)
        n = 4, hi = 0x8F;
    else
        return {1, -1};
    if (i + n > s.size()) return {1, -1};
    if (b(1) < lo || b(1) > hi) return {1, -1};
    int64_t cp = b0 & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) {
        if (k > 1 && (b(k) & 0xC0) != 0x80) return {1, -1};
        cp = (cp << 6) | (b(k) & 0x3F);
    }
    return {n, cp};
}

inline size_t unitsOf(size_t bytes, int64_t cp, PositionEncoding encoding) {
    switch (encoding) {
    case PositionEncoding::Utf8:
        return bytes;
    case PositionEncoding::Utf16:
        return cp > 0xFFFF ? 2 : 1;
    case PositionEncoding::Utf32:
        return 1;
    }
    return 1;
}

struct ReferenceText {
    std::string text;

    struct Line {
        size_t start, contentEnd;
    };
    // Recomputed only when the text changed since the last call (harnesses ask often).
    const std::vector<Line>& lines() const {
        if (linesFor_ == text && !lines_.empty()) return lines_;
        linesFor_ = text;
        std::vector<Line>& out = lines_;
        out.clear();
        size_t start = 0;
        for (size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n' || text[i] == '\r') {
                out.push_back({start, i});
                if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
                start = i + 1;
            }
        }
        out.push_back({start, text.size()});
        return out;
    }
    mutable std::string linesFor_;
    mutable std::vector<Line> lines_;
    std::vector<uint32_t> lineStarts() const {
        std::vector<uint32_t> out;
        for (const Line& l : lines())
            out.push_back(static_cast<uint32_t>(l.start));
        return out;
    }
    // Offsets where a character starts (plus the end): the only offsets a position may map to.
    std::vector<bool> boundaries() const {
        std::vector<bool> at(text.size() + 1, false);
        for (size_t i = 0; i < text.size(); i += decodeCharacter(text, i).first)
            at[i] = true;
        at[text.size()] = true;
        return at;
    }
    size_t offsetAt(TextPosition p, PositionEncoding encoding) const {
        const auto& all = lines();
        if (p.line >= all.size()) return text.size();
        const Line l = all[p.line];
        size_t i = l.start, counted = 0;
        while (i < l.contentEnd) {
            auto [n, cp] = decodeCharacter(std::string_view(text).substr(0, l.contentEnd), i);
            const size_t u = unitsOf(n, cp, encoding);
            if (counted + u > p.character) break;
            counted += u;
            i += n;
        }
        return i;
    }
    size_t units(size_t from, size_t to, PositionEncoding encoding) const {
        const std::string_view s = std::string_view(text).substr(0, to);
        size_t count = 0;
        for (size_t i = from; i < to;) {
            auto [n, cp] = decodeCharacter(s, i);
            count += unitsOf(n, cp, encoding);
            i += n;
        }
        return count;
    }
    TextPosition positionAt(size_t offset, PositionEncoding encoding) const {
        const auto& all = lines();
        size_t line = 0;
        while (line + 1 < all.size() && all[line + 1].start <= offset)
            ++line;
        const size_t end = std::min(offset, all[line].contentEnd);
        return {static_cast<uint32_t>(line),
                static_cast<uint32_t>(units(all[line].start, end, encoding))};
    }
};

} // namespace flint::fuzz
