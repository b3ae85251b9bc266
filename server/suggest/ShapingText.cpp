#include "suggest/ShapingText.h"

#include <algorithm>
#include <cctype>

namespace flint {

namespace {

bool isOpener(char c) {
    return c == '(' || c == '[' || c == '{';
}
bool isCloser(char c) {
    return c == ')' || c == ']' || c == '}';
}
bool pairs(char open, char close) {
    return (open == '(' && close == ')') || (open == '[' && close == ']') ||
           (open == '{' && close == '}');
}

size_t utf8Length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    return 4;
}

// Calls `onBracket(offset, char)` for each bracket outside strings and comments, until
// it returns false. Language-neutral on purpose (this also runs on plain text): "..."
// and `...` are strings; '...' only as a character literal ('x', '\n'), since a lone
// quote is as often a lifetime or an apostrophe; // and /* */ are comments, and so is
// # followed by a space or another # (a Python or shell comment, not #include or #[).
// Returns true when `s` ends inside a string or a block comment.
template <class OnBracket> bool forEachBracket(std::string_view s, OnBracket&& onBracket) {
    enum class State { Code, String, LineComment, BlockComment } state = State::Code;
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const char next = i + 1 < s.size() ? s[i + 1] : '\0';
        switch (state) {
        case State::Code:
            if (c == '"' || c == '`') {
                state = State::String;
                quote = c;
            } else if (c == '\'') {
                if (next == '\\') {
                    const size_t close = s.find('\'', i + 2);
                    if (close != std::string_view::npos && close <= i + 12 &&
                        s.substr(i, close - i).find('\n') == std::string_view::npos)
                        i = close;
                } else if (i + 1 < s.size()) {
                    const size_t after = i + 1 + utf8Length(static_cast<unsigned char>(next));
                    if (after < s.size() && s[after] == '\'' && next != '\n') i = after;
                }
            } else if (c == '/' && next == '/') {
                state = State::LineComment;
            } else if (c == '/' && next == '*') {
                state = State::BlockComment;
                ++i;
            } else if (c == '#' && (next == ' ' || next == '\t' || next == '#' || next == '\n' ||
                                    next == '\0')) {
                state = State::LineComment;
            } else if ((isOpener(c) || isCloser(c)) && !onBracket(i, c)) {
                return false;
            }
            break;
        case State::String:
            if (c == '\\')
                ++i;
            else if (c == quote || (c == '\n' && quote == '"'))
                state = State::Code;
            break;
        case State::LineComment:
            if (c == '\n') state = State::Code;
            break;
        case State::BlockComment:
            if (c == '*' && next == '/') {
                state = State::Code;
                ++i;
            }
            break;
        }
    }
    return state == State::String || state == State::BlockComment;
}

bool hasAlnum(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](unsigned char c) { return std::isalnum(c) || c >= 0x80; });
}

} // namespace

bool isBlank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view trimTrailingSpace(std::string_view s) {
    const size_t end = s.find_last_not_of(" \t\r\n");
    return end == std::string_view::npos ? s.substr(0, 0) : s.substr(0, end + 1);
}

std::string_view stripFence(std::string_view s, bool complete, bool* closed) {
    const size_t lead = s.find_first_not_of(" \t\r\n");
    if (lead == std::string_view::npos) return s;
    // One or two backticks so far may still become a fence: show nothing yet.
    if (!complete && s.size() - lead < 3 &&
        s.find_first_not_of('`', lead) == std::string_view::npos)
        return {};
    if (s.substr(lead, 3) != "```") return s;
    const size_t eol = s.find('\n', lead);
    if (eol == std::string_view::npos) return {}; // the fence line itself is still arriving
    s = s.substr(eol + 1);
    const size_t close = s.rfind("```");
    if (close != std::string_view::npos && isBlank(s.substr(close + 3))) {
        s = s.substr(0, close);
        if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
        if (closed) *closed = true;
    } else if (!complete) {
        // A closing fence may be arriving: hold back a trailing "`" run and the newline
        // before it, so that what is shown while streaming only ever grows.
        while (!s.empty() && s.back() == '`')
            s.remove_suffix(1);
        if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
    }
    return s;
}

std::vector<OpenBracket> scanOpenBrackets(std::string_view before, std::string_view after) {
    std::vector<char> stack;
    forEachBracket(before, [&](size_t, char c) {
        if (isOpener(c))
            stack.push_back(c);
        else if (!stack.empty() && pairs(stack.back(), c))
            stack.pop_back();
        // A stray closer in the text before the cursor is the user's to fix: ignored.
        return true;
    });
    std::vector<OpenBracket> open;
    for (auto it = stack.rbegin(); it != stack.rend(); ++it)
        open.push_back({*it, false});
    size_t k = 0;
    std::vector<char> inner;
    forEachBracket(after, [&](size_t, char c) {
        if (isOpener(c))
            inner.push_back(c);
        else if (!inner.empty()) {
            if (pairs(inner.back(), c))
                inner.pop_back();
            else
                return false;
        } else if (k < open.size() && pairs(open[k].open, c)) {
            open[k++].closedAfter = true;
        } else {
            return false;
        }
        return k < open.size();
    });
    return open;
}

BracketCut cutAtForeignCloser(std::string_view suggestion, const std::vector<OpenBracket>& open) {
    BracketCut cut;
    std::vector<std::pair<char, size_t>> own;
    size_t k = 0; // the next bracket open at the cursor a foreign closer would close
    forEachBracket(suggestion, [&](size_t i, char c) {
        if (isOpener(c)) {
            own.emplace_back(c, i);
            return true;
        }
        if (!own.empty()) {
            if (!pairs(own.back().first, c)) {
                cut.keep = i; // closes the wrong one of its own brackets
                return false;
            }
            cut.ownPairs.emplace_back(own.back().second, i);
            own.pop_back();
            return true;
        }
        if (k < open.size() && pairs(open[k].open, c) && !open[k].closedAfter) {
            ++k; // closes a bracket the text after the cursor leaves open: wanted
            return true;
        }
        cut.keep = i; // a duplicate of a closer already after the cursor, or a stray one
        return false;
    });
    return cut;
}

bool leavesOpen(std::string_view suggestion) {
    std::vector<char> own;
    const bool inLiteral = forEachBracket(suggestion, [&](size_t, char c) {
        if (isOpener(c))
            own.push_back(c);
        else if (!own.empty() && pairs(own.back(), c))
            own.pop_back();
        return true;
    });
    return inLiteral || !own.empty();
}

std::string_view trimSuffixOverlap(std::string_view s, std::string_view suffix, bool complete,
                                   const BracketCut& brackets) {
    const std::string_view next = suffix.substr(0, std::min<size_t>(suffix.size(), 400));
    for (size_t n = std::min(s.size(), next.size()); n > 0; --n) {
        if (s.substr(s.size() - n) != next.substr(0, n)) continue;
        if (complete && n == 1 &&
            std::string_view(")]}>;,'\"`").find(s.back()) == std::string_view::npos)
            continue;
        const size_t from = s.size() - n;
        const bool splitsPair =
            std::any_of(brackets.ownPairs.begin(), brackets.ownPairs.end(),
                        [&](const auto& p) { return p.first < from && p.second >= from; });
        if (splitsPair) continue;
        return s.substr(0, from);
    }
    return s;
}

size_t cutAtRepeatedLine(std::string_view s, std::string_view linePrefix, std::string_view nextLine,
                         bool complete, bool* cut) {
    nextLine = trimTrailingSpace(nextLine);
    if (!hasAlnum(nextLine)) return s.size();
    const bool firstLineCounts = isBlank(linePrefix);
    size_t start = 0;
    for (size_t line = 0; start <= s.size(); ++line) {
        size_t end = s.find('\n', start);
        const bool finished = end != std::string_view::npos || complete;
        if (end == std::string_view::npos) end = s.size();
        if (line > 0 || firstLineCounts) {
            std::string whole = line == 0 ? std::string(linePrefix) : std::string();
            whole += s.substr(start, end - start);
            const size_t keep = start == 0 ? 0 : start - 1; // drop the newline before the line too
            if (finished && trimTrailingSpace(whole) == nextLine) {
                if (cut) *cut = true;
                return keep;
            }
            if (!finished && !isBlank(s.substr(start, end - start)) && nextLine.starts_with(whole))
                return keep;
        }
        if (end == s.size()) break;
        start = end + 1;
    }
    return s.size();
}

} // namespace flint
