#include "workspace/IgnoreRules.h"

#include <optional>

namespace flint {

namespace {

// A bracket expression at p[i] == '['. Returns whether `c` is in the class and moves
// `i` past the closing ']'; nothing when there is no closing ']' ('[' is then literal).
std::optional<bool> matchClass(std::string_view p, size_t& i, char c) {
    size_t j = i + 1;
    bool negate = false;
    if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
        negate = true;
        ++j;
    }
    bool matched = false;
    for (bool first = true; j < p.size() && (p[j] != ']' || first); first = false) {
        char lo = p[j];
        if (lo == '\\' && j + 1 < p.size()) lo = p[++j];
        char hi = lo;
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
            j += 2;
            hi = p[j];
            if (hi == '\\' && j + 1 < p.size()) hi = p[++j];
        }
        if (static_cast<unsigned char>(lo) <= static_cast<unsigned char>(c) &&
            static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi))
            matched = true;
        ++j;
    }
    if (j >= p.size()) return std::nullopt;
    i = j + 1;
    return matched != negate;
}

bool wild(std::string_view p, size_t pi, std::string_view s, size_t si) {
    while (pi < p.size()) {
        const char c = p[pi];
        if (c == '*') {
            size_t end = pi;
            while (end < p.size() && p[end] == '*') ++end;
            const bool wholeComponent = (pi == 0 || p[pi - 1] == '/') && (end == p.size() || p[end] == '/');
            if (end - pi >= 2 && wholeComponent) {
                if (end == p.size()) return true;  // trailing "**": everything below
                // "**/": zero or more whole components, then the rest.
                for (size_t at = si;;) {
                    if (wild(p, end + 1, s, at)) return true;
                    const size_t slash = s.find('/', at);
                    if (slash == std::string_view::npos) return false;
                    at = slash + 1;
                }
            }
            // Any other run of stars: anything within one component.
            for (size_t at = si;; ++at) {
                if (wild(p, end, s, at)) return true;
                if (at >= s.size() || s[at] == '/') return false;
            }
        }
        if (si >= s.size()) return false;
        if (c == '?') {
            if (s[si] == '/') return false;
            ++pi, ++si;
            continue;
        }
        if (c == '[') {
            size_t next = pi;
            if (auto in = matchClass(p, next, s[si])) {
                if (!*in || s[si] == '/') return false;
                pi = next, ++si;
                continue;
            }
        }
        if (c == '\\' && pi + 1 < p.size()) ++pi;
        if (p[pi] != s[si]) return false;
        ++pi, ++si;
    }
    return si == s.size();
}

} // namespace

bool globMatch(std::string_view pattern, std::string_view path) { return wild(pattern, 0, path, 0); }

IgnoreRules IgnoreRules::parse(std::string_view text) {
    IgnoreRules rules;
    while (!text.empty()) {
        const size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        // Trailing spaces go unless escaped ("\ ").
        while (!line.empty() && line.back() == ' ' && !(line.size() >= 2 && line[line.size() - 2] == '\\'))
            line.remove_suffix(1);
        Pattern pattern;
        if (!line.empty() && line.front() == '!') {
            pattern.negated = true;
            line.remove_prefix(1);
        }
        if (!line.empty() && line.back() == '/') {
            pattern.directoryOnly = true;
            line.remove_suffix(1);
        }
        pattern.anchored = line.find('/') != std::string_view::npos;
        if (!line.empty() && line.front() == '/') line.remove_prefix(1);
        if (line.empty()) continue;
        pattern.glob = std::string(line);
        rules.patterns_.push_back(std::move(pattern));
    }
    return rules;
}

IgnoreRules::Verdict IgnoreRules::match(std::string_view relativePath, bool isDirectory) const {
    const size_t slash = relativePath.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? relativePath : relativePath.substr(slash + 1);
    for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
        if (it->directoryOnly && !isDirectory) continue;
        if (globMatch(it->glob, it->anchored ? relativePath : name))
            return it->negated ? Verdict::Included : Verdict::Ignored;
    }
    return Verdict::None;
}

} // namespace flint
