#include "suggest/Shaping.h"

#include <algorithm>

namespace flint {

namespace {

bool isBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// "```python\n...\n```" → "...": only when the fence wraps the reply.
std::string_view stripFence(std::string_view s, bool complete) {
    const size_t lead = s.find_first_not_of(" \t\r\n");
    if (lead == std::string_view::npos) return s;
    // One or two backticks so far may still become a fence: show nothing yet.
    if (!complete && s.size() - lead < 3 && s.find_first_not_of('`', lead) == std::string_view::npos) return {};
    if (s.substr(lead, 3) != "```") return s;
    const size_t eol = s.find('\n', lead);
    if (eol == std::string_view::npos) return {};  // the fence line itself is still arriving
    s = s.substr(eol + 1);
    const size_t close = s.rfind("```");
    if (close != std::string_view::npos && isBlank(s.substr(close + 3))) {
        s = s.substr(0, close);
        if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
    } else if (!complete) {
        // A closing fence may be arriving: hold back a trailing "`" run and the newline
        // before it, so that what is shown while streaming only ever grows.
        while (!s.empty() && s.back() == '`') s.remove_suffix(1);
        if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
    }
    return s;
}

// Removes the longest tail of `s` that the text after the cursor already starts with.
// A final result keeps a one-character overlap unless it is closing punctuation; a
// partial one holds back any overlap, since the final may still drop it (so the
// shown text only grows).
std::string_view trimSuffixOverlap(std::string_view s, std::string_view suffix, bool complete) {
    const std::string_view next = suffix.substr(0, std::min<size_t>(suffix.size(), 400));
    for (size_t n = std::min(s.size(), next.size()); n > 0; --n) {
        if (s.substr(s.size() - n) == next.substr(0, n)) {
            if (complete && n == 1 && std::string_view(")]}>;,'\"`").find(s.back()) == std::string_view::npos) continue;
            return s.substr(0, s.size() - n);
        }
    }
    return s;
}

std::string shape(std::string_view raw, const CompletionContext& context, const ShapingOptions& options, bool complete) {
    std::string_view s = raw;
    if (options.fromChat) s = stripFence(s, complete);
    if (options.singleLine) {
        const size_t eol = s.find('\n');
        if (eol != std::string_view::npos) s = s.substr(0, eol);
    }
    s = trimSuffixOverlap(s, options.singleLine ? context.lineSuffix : context.suffix, complete);
    if (complete) {
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        if (isBlank(s)) return {};
    }
    return std::string(s);
}

} // namespace

bool wantsSingleLine(const CompletionContext& context) {
    return context.lineSuffix.find_first_not_of(" \t)]}>;,\"'`") != std::string::npos;
}

std::string shapeSuggestion(std::string_view raw, const CompletionContext& context, const ShapingOptions& options) {
    return shape(raw, context, options, true);
}

std::string shapePartial(std::string_view raw, const CompletionContext& context, const ShapingOptions& options) {
    return shape(raw, context, options, false);
}

} // namespace flint
