#include "suggest/WorkspaceMatch.h"

#include "workspace/Workspace.h"

#include <algorithm>

namespace flint {

namespace {

std::string_view trimLeft(std::string_view s) {
    const size_t start = s.find_first_not_of(" \t");
    return start == std::string_view::npos ? std::string_view() : s.substr(start);
}

std::string_view indentOf(std::string_view line) { return line.substr(0, line.size() - trimLeft(line).size()); }

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

} // namespace

std::optional<WorkspaceMatch> findWorkspaceMatch(const Workspace& workspace, const Document& document,
                                                 size_t offset, bool singleLine) {
    const Text& text = document.text();
    const uint32_t cursorLine = text.lineOf(offset);
    const std::string_view lineText = text.lineContent(cursorLine);
    const std::string_view typed = trimLeft(lineText.substr(0, offset - text.lineStart(cursorLine)));
    if (std::count_if(typed.begin(), typed.end(), [](char c) { return c != ' ' && c != '\t'; }) < 4) return std::nullopt;
    const std::string_view previous = cursorLine > 0 ? trimRight(trimLeft(text.lineContent(cursorLine - 1))) : "";
    const std::string_view cursorIndent = indentOf(lineText);

    std::optional<WorkspaceMatch> best;
    int bestScore = 0;
    workspace.forEachDocument([&](const Document& candidate) {
        const Text& other = candidate.text();
        for (uint32_t l = 0; l < other.lineCount(); ++l) {
            if (&candidate == &document && l == cursorLine) continue;
            const std::string_view line = other.lineContent(l);
            const std::string_view body = trimLeft(line);
            if (!body.starts_with(typed) || trimRight(body).size() <= typed.size()) continue;
            int score = 1;
            if (!previous.empty() && l > 0 && trimRight(trimLeft(other.lineContent(l - 1))) == previous) score += 2;
            if (&candidate == &document) score += 1;
            if (score <= bestScore) continue;
            WorkspaceMatch match{std::string(trimRight(body.substr(typed.size()))), candidate.uri(), l};
            if (!singleLine) {
                // The block the matched line opens: following lines indented deeper.
                const std::string_view indent = indentOf(line);
                for (uint32_t next = l + 1; next < other.lineCount() && next <= l + 8; ++next) {
                    const std::string_view following = other.lineContent(next);
                    if (trimLeft(following).empty() || indentOf(following).size() <= indent.size()) break;
                    match.text += "\n" + std::string(cursorIndent) + std::string(trimRight(following.substr(indent.size())));
                }
            }
            best = std::move(match);
            bestScore = score;
        }
    });
    return best;
}

} // namespace flint
