#include "workspace/Text.h"

#include <algorithm>

namespace flint {

std::string_view toString(PositionEncoding encoding) {
    switch (encoding) {
    case PositionEncoding::Utf8: return "utf-8";
    case PositionEncoding::Utf16: return "utf-16";
    case PositionEncoding::Utf32: return "utf-32";
    }
    return "utf-16";
}

std::optional<PositionEncoding> parsePositionEncoding(std::string_view name) {
    if (name == "utf-8") return PositionEncoding::Utf8;
    if (name == "utf-16") return PositionEncoding::Utf16;
    if (name == "utf-32") return PositionEncoding::Utf32;
    return std::nullopt;
}

namespace {

struct Char {
    uint8_t bytes;   // length of the sequence in UTF-8
    uint8_t utf16;   // UTF-16 code units it takes
};

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Decodes the character starting at s[i]; ill-formed sequences are one byte each.
Char charAt(std::string_view s, size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return {1, 1};
    const size_t left = s.size() - i;
    auto at = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        if (left >= 2 && isContinuation(at(1))) return {2, 1};
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (left >= 3 && isContinuation(at(1)) && isContinuation(at(2))) {
            const bool overlong = b0 == 0xE0 && at(1) < 0xA0;
            const bool surrogate = b0 == 0xED && at(1) > 0x9F;
            if (!overlong && !surrogate) return {3, 1};
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (left >= 4 && isContinuation(at(1)) && isContinuation(at(2)) && isContinuation(at(3))) {
            const bool overlong = b0 == 0xF0 && at(1) < 0x90;
            const bool tooBig = b0 == 0xF4 && at(1) > 0x8F;
            if (!overlong && !tooBig) return {4, 2};
        }
    }
    return {1, 1};
}

size_t unitsOf(Char c, PositionEncoding encoding) {
    switch (encoding) {
    case PositionEncoding::Utf8: return c.bytes;
    case PositionEncoding::Utf16: return c.utf16;
    case PositionEncoding::Utf32: return 1;
    }
    return c.utf16;
}

bool isLineStart(std::string_view text, size_t p) {
    if (p == 0 || p > text.size()) return false;
    const char before = text[p - 1];
    if (before == '\n') return true;
    return before == '\r' && (p == text.size() || text[p] != '\n');
}

} // namespace

size_t codeUnits(std::string_view s, PositionEncoding encoding) {
    if (encoding == PositionEncoding::Utf8) return s.size();
    size_t units = 0;
    for (size_t i = 0; i < s.size();) {
        const Char c = charAt(s, i);
        units += unitsOf(c, encoding);
        i += c.bytes;
    }
    return units;
}

size_t bytesForCodeUnits(std::string_view s, size_t units, PositionEncoding encoding) {
    size_t i = 0;
    size_t counted = 0;
    while (i < s.size()) {
        const Char c = charAt(s, i);
        const size_t u = unitsOf(c, encoding);
        if (counted + u > units) break;
        counted += u;
        i += c.bytes;
    }
    return i;
}

std::vector<uint32_t> Text::computeLineStarts(std::string_view text) {
    std::vector<uint32_t> starts{0};
    for (size_t p = 1; p <= text.size(); ++p)
        if (isLineStart(text, p)) starts.push_back(static_cast<uint32_t>(p));
    return starts;
}

Text::Text(std::string text) : text_(std::move(text)), lineStarts_(computeLineStarts(text_)) {}

uint32_t Text::lineContentEnd(uint32_t line) const {
    if (line + 1 >= lineCount()) return static_cast<uint32_t>(text_.size());
    uint32_t end = lineStarts_[line + 1];
    if (text_[end - 1] == '\n') {
        --end;
        if (end > lineStarts_[line] && text_[end - 1] == '\r') --end;
    } else {
        --end;  // a lone '\r'
    }
    return end;
}

std::string_view Text::lineContent(uint32_t line) const {
    const uint32_t start = lineStarts_[line];
    return std::string_view(text_).substr(start, lineContentEnd(line) - start);
}

uint32_t Text::lineOf(size_t offset) const {
    offset = std::min(offset, text_.size());
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
    return static_cast<uint32_t>(it - lineStarts_.begin() - 1);
}

size_t Text::offsetAt(TextPosition position, PositionEncoding encoding) const {
    if (position.line >= lineCount()) return text_.size();
    return lineStarts_[position.line] +
           bytesForCodeUnits(lineContent(position.line), position.character, encoding);
}

TextPosition Text::positionAt(size_t offset, PositionEncoding encoding) const {
    offset = std::min(offset, text_.size());
    const uint32_t line = lineOf(offset);
    const size_t start = lineStarts_[line];
    const size_t end = std::min<size_t>(offset, lineContentEnd(line));
    const auto units = codeUnits(std::string_view(text_).substr(start, end - start), encoding);
    return {line, static_cast<uint32_t>(units)};
}

BytePoint Text::pointAt(size_t offset) const {
    offset = std::min(offset, text_.size());
    const uint32_t line = lineOf(offset);
    return {line, static_cast<uint32_t>(offset - lineStarts_[line])};
}

size_t Text::length(PositionEncoding encoding) const { return codeUnits(text_, encoding); }

ByteEdit Text::replace(size_t start, size_t end, std::string_view replacement) {
    start = std::min(start, text_.size());
    end = std::min(end, text_.size());
    if (start > end) std::swap(start, end);

    ByteEdit edit;
    edit.startByte = static_cast<uint32_t>(start);
    edit.oldEndByte = static_cast<uint32_t>(end);
    edit.newEndByte = static_cast<uint32_t>(start + replacement.size());
    edit.startPoint = pointAt(start);
    edit.oldEndPoint = pointAt(end);

    text_.replace(start, end - start, replacement);

    // Only line starts in [start, end + 1] can change: a start depends on the byte
    // before it and, for '\r', the byte at it. Starts past end + 1 just shift.
    const auto delta = static_cast<int64_t>(replacement.size()) - static_cast<int64_t>(end - start);
    // Offset 0 always starts a line and is never recomputed.
    auto lo = std::lower_bound(lineStarts_.begin() + 1, lineStarts_.end(), start);
    auto hi = std::upper_bound(lo, lineStarts_.end(), end + 1);
    for (auto it = hi; it != lineStarts_.end(); ++it)
        *it = static_cast<uint32_t>(static_cast<int64_t>(*it) + delta);
    std::vector<uint32_t> fresh;
    const size_t scanEnd = std::min(start + replacement.size() + 1, text_.size());
    for (size_t p = std::max<size_t>(start, 1); p <= scanEnd; ++p)
        if (isLineStart(text_, p)) fresh.push_back(static_cast<uint32_t>(p));
    const auto at = lineStarts_.erase(lo, hi);
    lineStarts_.insert(at, fresh.begin(), fresh.end());

    edit.newEndPoint = pointAt(edit.newEndByte);
    return edit;
}

ByteEdit Text::replace(TextRange range, PositionEncoding encoding, std::string_view replacement) {
    return replace(offsetAt(range.start, encoding), offsetAt(range.end, encoding), replacement);
}

} // namespace flint
