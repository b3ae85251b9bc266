#include "suggest/Diff.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>

namespace flint {

namespace {

// Work bound for one Myers run: (N + M) * D steps. Past it the differing middle is
// replaced as a whole, so a pathological rewrite costs milliseconds, not minutes.
constexpr size_t kMaxDiffWork = 40'000'000;
constexpr size_t kMaxEditDistance = 1024;  // also bounds the trace: ~D² ints

using Match = std::pair<uint32_t, uint32_t>;

// Myers' greedy O(ND) diff: the index pairs of a longest common subsequence of `a`
// and `b`, or nothing when more than the work bound's edit distance separates them.
std::optional<std::vector<Match>> longestCommonSubsequence(std::span<const uint32_t> a,
                                                           std::span<const uint32_t> b) {
    const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
    const size_t total = a.size() + b.size();
    if (total == 0) return std::vector<Match>{};
    const int limit = static_cast<int>(std::min({total, kMaxEditDistance, std::max<size_t>(1, kMaxDiffWork / total)}));
    const int offset = limit + 1;
    std::vector<int> v(2 * static_cast<size_t>(limit) + 3, 0);
    std::vector<std::vector<int>> trace;  // trace[d][k + d]: furthest x on diagonal k after d edits
    int found = -1;
    for (int d = 0; d <= limit && found < 0; ++d) {
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1]
                                                                                  : v[offset + k - 1] + 1;
            int y = x - k;
            while (x < n && y < m && a[x] == b[y]) ++x, ++y;
            v[offset + k] = x;
            if (x >= n && y >= m) found = d;
        }
        trace.emplace_back(v.begin() + offset - d, v.begin() + offset + d + 1);
    }
    if (found < 0) return std::nullopt;

    std::vector<Match> matches;
    int x = n, y = m;
    for (int d = found; d > 0; --d) {
        const std::vector<int>& previous = trace[d - 1];  // indexed k + (d - 1)
        const int k = x - y;
        const bool down = k == -d || (k != d && previous[k - 1 + d - 1] < previous[k + 1 + d - 1]);
        const int prevK = down ? k + 1 : k - 1;
        const int prevX = previous[prevK + d - 1];
        const int prevY = prevX - prevK;
        while (x > prevX && y > prevY) matches.emplace_back(--x, --y);
        x = prevX;
        y = prevY;
    }
    while (x > 0 && y > 0) matches.emplace_back(--x, --y);
    std::reverse(matches.begin(), matches.end());
    return matches;
}

// Splits into lines that keep their '\n'; the last may have none.
std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t eol = text.find('\n', start);
        const size_t end = eol == std::string_view::npos ? text.size() : eol + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

// Maps equal strings to equal small integers, so Myers compares ints.
class Interner {
public:
    uint32_t id(std::string_view s) {
        auto [it, inserted] = ids_.try_emplace(s, static_cast<uint32_t>(ids_.size()));
        return it->second;
    }

private:
    std::unordered_map<std::string_view, uint32_t> ids_;
};

bool isContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t commonPrefix(std::string_view a, std::string_view b) {
    size_t n = 0;
    const size_t most = std::min(a.size(), b.size());
    while (n < most && a[n] == b[n]) ++n;
    // Never end inside a character: back off while the next byte continues one.
    while (n > 0 && ((n < a.size() && isContinuation(a[n])) || (n < b.size() && isContinuation(b[n])))) --n;
    return n;
}

size_t commonSuffix(std::string_view a, std::string_view b, size_t most) {
    size_t n = 0;
    most = std::min({most, a.size(), b.size()});
    while (n < most && a[a.size() - 1 - n] == b[b.size() - 1 - n]) ++n;
    while (n > 0 && isContinuation(a[a.size() - n])) --n;
    return n;
}

enum class TokenKind { Word, Space, Newline, Other };

TokenKind kindOf(unsigned char c) {
    if (c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return TokenKind::Word;
    if (c == ' ' || c == '\t') return TokenKind::Space;
    if (c == '\n') return TokenKind::Newline;
    return TokenKind::Other;
}

// Identifier-like runs (any non-ASCII byte counts as a letter, so characters stay
// whole), runs of spaces and tabs, line ends ("\r\n" as one) and single other bytes.
std::vector<std::string_view> tokenize(std::string_view text) {
    std::vector<std::string_view> tokens;
    size_t i = 0;
    while (i < text.size()) {
        const size_t start = i;
        const TokenKind kind = kindOf(static_cast<unsigned char>(text[i]));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            i += 2;
        } else if (kind == TokenKind::Word || kind == TokenKind::Space) {
            while (i < text.size() && kindOf(static_cast<unsigned char>(text[i])) == kind) ++i;
        } else {
            ++i;
        }
        tokens.push_back(text.substr(start, i - start));
    }
    return tokens;
}

// Appends the edit [start, end) → `replacement` (offsets in `old`, shifted by
// `base`) trimmed to the bytes that differ; nothing if they do not. Trimming stops
// short of splitting words for a stray common letter: "count" → "counter" inserts
// "er", but "sqrt" → "hypot" stays whole rather than "sqr" → "hypo".
void pushTrimmed(std::string_view old, size_t start, size_t end, std::string_view replacement, size_t base,
                 std::vector<TextEdit>& out) {
    const std::string_view removed = old.substr(start, end - start);
    size_t prefix = commonPrefix(removed, replacement);
    size_t suffix = commonSuffix(removed, replacement, std::min(removed.size(), replacement.size()) - prefix);
    if (removed.size() == prefix + suffix && replacement.size() == prefix + suffix) return;
    if ((prefix + suffix) * 2 < std::min(removed.size(), replacement.size())) prefix = suffix = 0;
    out.push_back({base + start + prefix, base + end - suffix,
                   std::string(replacement.substr(prefix, replacement.size() - prefix - suffix))});
}

// Joins edits that only one byte of unchanged text (not a line end) separates:
// "a.b" → "x.y" reads better as one replacement than as two.
void mergeNeighbours(std::string_view before, std::vector<TextEdit>& edits, size_t from) {
    size_t kept = from;
    for (size_t i = from; i < edits.size(); ++i) {
        if (kept > from) {
            TextEdit& last = edits[kept - 1];
            const size_t gap = edits[i].start - last.end;
            if (gap <= 1 && (gap == 0 || before[last.end] != '\n')) {
                last.text += before.substr(last.end, gap);
                last.text += edits[i].text;
                last.end = edits[i].end;
                continue;
            }
        }
        if (kept != i) edits[kept] = std::move(edits[i]);
        ++kept;
    }
    edits.resize(kept);
}

} // namespace

std::vector<LineHunk> diffLines(std::string_view before, std::string_view after) {
    const std::vector<std::string_view> a = splitLines(before), b = splitLines(after);
    std::vector<size_t> aStart(a.size() + 1, 0), bStart(b.size() + 1, 0);
    for (size_t i = 0; i < a.size(); ++i) aStart[i + 1] = aStart[i] + a[i].size();
    for (size_t i = 0; i < b.size(); ++i) bStart[i + 1] = bStart[i] + b[i].size();

    size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
    size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
    const size_t aEnd = a.size() - tail, bEnd = b.size() - tail;
    if (head == aEnd && head == bEnd) return {};

    Interner interner;
    std::vector<uint32_t> aIds, bIds;
    for (size_t i = head; i < aEnd; ++i) aIds.push_back(interner.id(a[i]));
    for (size_t i = head; i < bEnd; ++i) bIds.push_back(interner.id(b[i]));
    std::vector<Match> matches = longestCommonSubsequence(aIds, bIds).value_or(std::vector<Match>{});
    matches.emplace_back(static_cast<uint32_t>(aIds.size()), static_cast<uint32_t>(bIds.size()));  // sentinel

    std::vector<LineHunk> hunks;
    size_t i = 0, j = 0;
    for (const auto& [mi, mj] : matches) {
        if (mi > i || mj > j)
            hunks.push_back({aStart[head + i], aStart[head + mi], bStart[head + j], bStart[head + mj]});
        i = mi + 1;
        j = mj + 1;
    }
    return hunks;
}

void refineHunk(std::string_view before, std::string_view after, const LineHunk& hunk, std::vector<TextEdit>& out) {
    const std::string_view old = before.substr(hunk.oldStart, hunk.oldEnd - hunk.oldStart);
    const std::string_view now = after.substr(hunk.newStart, hunk.newEnd - hunk.newStart);
    // Whole lines added or removed stay whole lines: that is how an editor shows them.
    if (old.empty() || now.empty()) {
        out.push_back({hunk.oldStart, hunk.oldEnd, std::string(now)});
        return;
    }
    const std::vector<std::string_view> a = tokenize(old), b = tokenize(now);
    std::vector<size_t> aStart(a.size() + 1, 0), bStart(b.size() + 1, 0);
    for (size_t i = 0; i < a.size(); ++i) aStart[i + 1] = aStart[i] + a[i].size();
    for (size_t i = 0; i < b.size(); ++i) bStart[i + 1] = bStart[i] + b[i].size();

    Interner interner;
    std::vector<uint32_t> aIds, bIds;
    for (std::string_view t : a) aIds.push_back(interner.id(t));
    for (std::string_view t : b) bIds.push_back(interner.id(t));
    const size_t from = out.size();
    std::optional<std::vector<Match>> matches = longestCommonSubsequence(aIds, bIds);
    if (!matches) {
        pushTrimmed(old, 0, old.size(), now, hunk.oldStart, out);
        return;
    }
    matches->emplace_back(static_cast<uint32_t>(a.size()), static_cast<uint32_t>(b.size()));  // sentinel
    size_t i = 0, j = 0;
    for (const auto& [mi, mj] : *matches) {
        if (mi > i || mj > j)
            pushTrimmed(old, aStart[i], aStart[mi], now.substr(bStart[j], bStart[mj] - bStart[j]), hunk.oldStart, out);
        i = mi + 1;
        j = mj + 1;
    }
    mergeNeighbours(before, out, from);
}

std::vector<TextEdit> diffText(std::string_view before, std::string_view after) {
    std::vector<TextEdit> edits;
    if (before == after) return edits;
    for (const LineHunk& hunk : diffLines(before, after)) refineHunk(before, after, hunk, edits);
    return edits;
}

std::string applyEdits(std::string_view before, std::span<const TextEdit> edits) {
    std::string out;
    out.reserve(before.size());
    size_t at = 0;
    for (const TextEdit& edit : edits) {
        out.append(before.substr(at, edit.start - at));
        out.append(edit.text);
        at = edit.end;
    }
    out.append(before.substr(std::min(at, before.size())));
    return out;
}

size_t editCost(std::span<const TextEdit> edits) {
    size_t cost = 0;
    for (const TextEdit& edit : edits) cost += (edit.end - edit.start) + edit.text.size();
    return cost;
}

} // namespace flint
