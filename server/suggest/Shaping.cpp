#include "suggest/Shaping.h"

#include "workspace/Document.h"

#include <algorithm>
#include <cctype>
#include <spdlog/spdlog.h>

namespace flint {

namespace {

// A final result that does not parse is cut back at line boundaries; each try is a
// window parse, so only this many are made before settling for what was shown.
constexpr int kMaxCutBacks = 8;

bool textWantsSingleLine(const CompletionContext& context) {
    return context.lineSuffix.find_first_not_of(" \t)]}>;,\"'`") != std::string::npos;
}

struct Draft {
    std::string text;
    bool settled = false;
    bool openLine = false; // its last line is still arriving (no newline after it yet)
    bool openWord = false; // and its last word too (nothing after it yet)
    std::string ruled;     // the text after the text rules, before their tails were held back
};

bool isWordByte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || u >= 0x80;
}

// Rules 1-6 and the trailing whitespace: text only.
Draft applyTextRules(std::string_view raw, const ShapingSite& site, bool complete) {
    Draft draft;
    std::string_view s = raw;
    if (site.options().fromChat) {
        bool closed = false;
        s = stripFence(s, complete, &closed);
        draft.settled = closed;
    }
    bool lineCut = false;
    if (site.options().singleLine) {
        if (const size_t eol = s.find('\n'); eol != std::string_view::npos) {
            s = s.substr(0, eol);
            draft.settled = lineCut = true;
        }
    }
    std::string text = reindent(s, site.linePrefix(), site.lineIndent(), site.indent());
    bool repeated = false;
    text.resize(cutAtRepeatedLine(text, site.linePrefix(), site.nextLine(), complete, &repeated));
    if (repeated) draft.settled = true;
    const BracketCut brackets = cutAtForeignCloser(text, site.brackets());
    if (brackets.keep != std::string::npos) {
        text.resize(brackets.keep);
        draft.settled = true;
    }
    draft.text =
        std::string(trimTrailingSpace(trimSuffixOverlap(text, site.suffix(), complete, brackets)));
    // (Single-line mode dropped the line break after the line: it is whole all the same.)
    if (lineCut) text += '\n';
    draft.openLine = !complete && text.find('\n', draft.text.size()) == std::string::npos;
    draft.openWord = draft.openLine && draft.text.size() == text.size() && !text.empty() &&
                     isWordByte(text.back());
    if (!complete) draft.ruled = std::move(text);
    return draft;
}

bool extends(std::string_view text, std::string_view shown) {
    return text.starts_with(shown);
}

// Rule 7. A verdict's unit end is trusted only from a clean parse (error recovery can
// end a unit early); a text that does not parse is cut back at line boundaries to the
// longest clean prefix longer than what was shown. A partial tries one line boundary
// only: the earlier ones were tried as it grew.
void applySyntaxRules(Draft& draft, const ShapingSite& site, std::string_view shown, bool complete) {
    const SuggestionParser& parser = site.parser();
    if (!parser.enabled() || isBlank(draft.text)) return;
    std::string candidate = draft.text;
    if (!complete && draft.openLine &&
        (candidate.find('\n') != std::string::npos || isBlank(site.linePrefix()))) {
        // A new line is shown once it is whole: a start of one may parse only by borrowing
        // from the text after the cursor ("if (x > 0)" takes the next line as its body).
        // Only a first line that finishes code already on the cursor line streams by words.
        const size_t eol = candidate.rfind('\n');
        candidate =
            eol == std::string::npos
                ? std::string()
                : std::string(trimTrailingSpace(std::string_view(candidate).substr(0, eol)));
    } else if (draft.openWord) {
        // The last word may still grow into something that does not parse ("con" becomes
        // "const = 5"): it is shown once it has ended.
        size_t end = candidate.size();
        while (end > 0 && isWordByte(candidate[end - 1]))
            --end;
        candidate = std::string(trimTrailingSpace(std::string_view(candidate).substr(0, end)));
    }
    if (isBlank(candidate)) {
        draft.text = std::string(shown);
        return;
    }
    int cutBacks = complete ? kMaxCutBacks : 1;
    for (int checks = 0; checks < 2 * kMaxCutBacks; ++checks) {
        SuggestionVerdict verdict;
        verdict.parsed = true;
        verdict.clean = false;
        if (!leavesOpen(candidate)) {
            verdict = parser.check(candidate);
            if (!verdict.parsed) return;
        }
        if (verdict.clean) {
            if (!verdict.unitEnd) {
                draft.text = std::move(candidate);
                return;
            }
            // The unit the cursor is in ends inside the suggestion: nothing after it belongs.
            candidate = std::string(
                trimTrailingSpace(std::string_view(candidate).substr(0, *verdict.unitEnd)));
            draft.settled = true;
            if (isBlank(candidate)) break;
            continue;
        }
        const size_t eol = candidate.rfind('\n');
        if (cutBacks-- == 0 || eol == std::string::npos) break;
        candidate = std::string(trimTrailingSpace(std::string_view(candidate).substr(0, eol)));
        if (candidate.size() <= shown.size() || !extends(candidate, shown)) break;
    }
    draft.text = std::string(shown);
}

Draft shape(std::string_view raw, const ShapingSite& site, std::string_view shown, bool complete) {
    Draft draft = applyTextRules(raw, site, complete);
    applySyntaxRules(draft, site, shown, complete);
    if (!extends(draft.text, shown)) {
        // Every rule holds back what it might still remove, so this should not happen;
        // if a grammar's parse of a prefix disagrees with the whole, the shown text stays.
        spdlog::debug("shaping: result [{}] does not extend the shown [{}]; keeping the shown text",
                      draft.text, shown);
        draft.text = std::string(shown);
    }
    if (complete && isBlank(draft.text)) draft.text.clear();
    return draft;
}

// Whether the last line of `text` is whole: in `ruled` (of which it is a prefix) only
// spaces come before the next line break.
bool lastLineDone(std::string_view text, std::string_view ruled) {
    if (text.empty() || !ruled.starts_with(text)) return false;
    const size_t next = ruled.find_first_not_of(" \t\r", text.size());
    return next != std::string_view::npos && ruled[next] == '\n';
}

// The first non-blank line after the cursor line, from the suffix window.
std::string firstLineBelow(std::string_view suffix) {
    size_t start = suffix.find('\n');
    while (start != std::string_view::npos) {
        ++start;
        const size_t end = suffix.find('\n', start);
        const std::string_view line = suffix.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!isBlank(line)) return std::string(trimTrailingSpace(line));
        start = end;
    }
    return {};
}

std::vector<OpenBracket> bracketsAround(const Document& document, size_t offset,
                                        const CompletionContext& context) {
    if (auto open = openBracketsAt(document, offset)) return std::move(*open);
    return scanOpenBrackets(context.prefix, context.suffix);
}

size_t leftOpen(const std::vector<OpenBracket>& brackets) {
    return std::count_if(brackets.begin(), brackets.end(),
                         [](const OpenBracket& b) { return !b.closedAfter; });
}

} // namespace

bool wantsSingleLine(const Document& document, size_t offset, const CompletionContext& context) {
    if (textWantsSingleLine(context)) return true;
    return syntaxWantsSingleLine(document, offset).value_or(false);
}

ShapingSite::ShapingSite(const Document& document, size_t offset, const CompletionContext& context,
                         ShapingOptions options)
    : options_(options), linePrefix_(context.linePrefix), lineSuffix_(context.lineSuffix),
      suffix_(context.suffix), nextLine_(firstLineBelow(context.suffix)),
      brackets_(bracketsAround(document, offset, context)),
      parser_(document, offset, leftOpen(brackets_)) {
    const std::string line = linePrefix_ + lineSuffix_;
    lineIndent_ = line.substr(0, std::min(line.find_first_not_of(" \t"), line.size()));
    const std::string_view before = context.prefix;
    indent_ = detectIndentStyle(
        before.substr(0, before.size() - std::min(before.size(), linePrefix_.size())), lineIndent_);
}

PartialSuggestion shapePartial(std::string_view raw, const ShapingSite& site, std::string_view shown) {
    Draft draft = shape(raw, site, shown, false);
    const bool lineDone = lastLineDone(draft.text, draft.ruled);
    return {std::move(draft.text), draft.settled, lineDone};
}

std::string shapeSuggestion(std::string_view raw, const ShapingSite& site, std::string_view shown) {
    return shape(raw, site, shown, true).text;
}

} // namespace flint
