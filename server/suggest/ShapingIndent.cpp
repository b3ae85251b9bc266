#include "suggest/ShapingIndent.h"

#include <array>
#include <vector>

namespace flint {

namespace {

std::string_view leadingSpace(std::string_view line) {
    const size_t n = line.find_first_not_of(" \t");
    return line.substr(0, n == std::string_view::npos ? line.size() : n);
}

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

int tabColumns(const IndentStyle& style) {
    return style.tabs ? 4 : style.width;
}

int columns(std::string_view space, const IndentStyle& style) {
    int n = 0;
    for (char c : space)
        n += c == '\t' ? tabColumns(style) : 1;
    return n;
}

// The document's level of the cursor line, in its own unit.
int levelOf(std::string_view indent, const IndentStyle& style) {
    if (style.tabs) {
        int tabs = 0;
        for (char c : indent)
            tabs += c == '\t';
        return tabs;
    }
    return columns(indent, style) / style.width;
}

// The model's space width, read from the first indented line after the first: `m`
// spaces there is most likely the cursor's level, one deeper, or one shallower. The
// document's own width wins whenever it explains `m`; then the common widths in order.
int modelSpaceWidth(int m, int level, const IndentStyle& style) {
    constexpr std::array<int, 3> kSteps{0, 1, -1};
    auto explains = [&](int w) {
        for (int k : kSteps)
            if (level + k > 0 && m == (level + k) * w) return true;
        return false;
    };
    if (!style.tabs && explains(style.width)) return style.width;
    for (int w : {4, 2, 8, 3})
        if (explains(w)) return w;
    return tabColumns(style);
}

} // namespace

IndentStyle detectIndentStyle(std::string_view before, std::string_view cursorLineIndent) {
    IndentStyle style;
    // The last 200 lines before the cursor, oldest first.
    std::vector<std::string_view> lines;
    size_t end = before.size();
    while (lines.size() < 200) {
        const size_t start = end == 0 ? std::string_view::npos : before.rfind('\n', end - 1);
        const size_t from = start == std::string_view::npos ? 0 : start + 1;
        lines.push_back(before.substr(from, end - from));
        if (from == 0) break;
        end = from - 1;
    }
    // The cursor line's own indentation counts as the last line (its text may be blank).
    std::vector<std::string_view> ordered(lines.rbegin(), lines.rend());
    const std::string cursorLine = std::string(cursorLineIndent) + "x";
    if (!cursorLineIndent.empty()) ordered.push_back(cursorLine);
    int tabLines = 0, spaceLines = 0;
    std::array<int, 9> deltas{};
    int previous = -1;
    for (std::string_view line : ordered) {
        if (blank(line)) continue;
        const std::string_view lead = leadingSpace(line);
        if (!lead.empty()) (lead[0] == '\t' ? tabLines : spaceLines)++;
        if (lead.find('\t') != std::string_view::npos) {
            previous = -1;
            continue;
        }
        const int width = static_cast<int>(lead.size());
        if (previous >= 0 && width > previous && width - previous <= 8) deltas[width - previous]++;
        previous = width;
    }
    style.tabs = cursorLineIndent.empty() ? tabLines > spaceLines : cursorLineIndent[0] == '\t';
    int best = 0;
    for (int w = 1; w <= 8; ++w)
        if (deltas[w] > deltas[best]) best = w;
    if (best > 0) style.width = best;
    return style;
}

std::string reindent(std::string_view s, std::string_view linePrefix,
                     std::string_view cursorLineIndent, const IndentStyle& style) {
    std::string out;
    out.reserve(s.size());
    const bool atIndent = blank(linePrefix);
    const int typed = columns(linePrefix, style);
    const int level = levelOf(cursorLineIndent, style);
    // The model's unit, fixed by the first indented line after the first.
    bool unitKnown = false, convert = false;
    int spaceWidth = tabColumns(style);

    size_t start = 0;
    for (size_t line = 0;; ++line) {
        size_t end = s.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = s.size();
        std::string_view text = s.substr(start, end - start);
        if (line > 0) out += '\n';
        if (blank(text)) {
            // Whitespace alone: nothing to keep on an empty line between others; at the
            // end it may be the indentation of a line still arriving (held back anyway).
            if (last) out += text;
        } else if (line == 0) {
            std::string_view lead = leadingSpace(text);
            if (atIndent && typed > 0 && !lead.empty()) {
                // The model repeated the indentation already typed: drop that much.
                if (columns(lead, style) <= typed) {
                    text.remove_prefix(lead.size());
                } else {
                    int dropped = 0;
                    size_t n = 0;
                    while (n < lead.size() && dropped < typed)
                        dropped += lead[n++] == '\t' ? tabColumns(style) : 1;
                    text.remove_prefix(n);
                }
            }
            out += text;
        } else {
            const std::string_view lead = leadingSpace(text);
            if (!unitKnown && !lead.empty()) {
                unitKnown = true;
                if (lead[0] == '\t') {
                    convert = !style.tabs;
                } else {
                    spaceWidth = modelSpaceWidth(columns(lead, style), level, style);
                    convert = style.tabs || spaceWidth != style.width;
                }
            }
            if (convert && !lead.empty()) {
                int levels = 0, rest = 0;
                if (lead[0] == '\t') {
                    size_t tabs = lead.find_first_not_of('\t');
                    if (tabs == std::string_view::npos) tabs = lead.size();
                    levels = static_cast<int>(tabs);
                    rest = columns(lead.substr(tabs), style);
                } else {
                    const int cols = columns(lead, style);
                    levels = cols / spaceWidth;
                    rest = cols % spaceWidth;
                }
                out +=
                    style.tabs ? std::string(levels, '\t') : std::string(levels * style.width, ' ');
                out += std::string(rest, ' ');
                out += text.substr(lead.size());
            } else {
                out += text;
            }
        }
        if (last) break;
        start = end + 1;
    }
    return out;
}

} // namespace flint
