#include "context/CompletionContext.h"

#include "workspace/Document.h"
#include "workspace/Language.h"

#include <algorithm>

namespace flint {

namespace {

std::string trimRight(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

} // namespace

CompletionContext buildCompletionContext(Document& document, size_t offset, const ContextBudget& budget) {
    const Text& text = document.text();
    const std::string_view all = text.str();
    offset = std::min(offset, all.size());
    CompletionContext c;
    c.path = document.uri();
    c.language = document.syntax() ? std::string(document.syntax()->language().name()) : document.languageId();

    const uint32_t line = text.lineOf(offset);
    c.linePrefix = all.substr(text.lineStart(line), offset - text.lineStart(line));
    c.lineSuffix = all.substr(offset, text.lineContentEnd(line) - std::min<size_t>(offset, text.lineContentEnd(line)));

    // Whole lines only: the window starts at a line start and ends at a line end.
    size_t prefixStart = text.lineStart(line);
    for (uint32_t l = line; l > 0; --l) {
        const size_t start = text.lineStart(l - 1);
        if (offset - start > budget.prefixBytes) break;
        prefixStart = start;
    }
    c.prefix = all.substr(prefixStart, offset - prefixStart);
    size_t suffixEnd = text.lineContentEnd(line);
    for (uint32_t l = line + 1; l < text.lineCount(); ++l) {
        const size_t end = text.lineContentEnd(l);
        if (end - offset > budget.suffixBytes) break;
        suffixEnd = end;
    }
    suffixEnd = std::max(suffixEnd, offset);
    c.suffix = all.substr(offset, suffixEnd - offset);

    if (const SyntaxTree* tree = document.parsedSyntax()) {
        for (const Scope& scope : tree->scopesAt(static_cast<uint32_t>(offset), all)) {
            const std::string_view body = all.substr(scope.startByte, scope.endByte - scope.startByte);
            c.scopeSignatures.push_back(trimRight(body.substr(0, body.find('\n'))));
        }
        // Imports above the window: those inside it are already seen.
        for (const ByteSpan& span : document.headImports()) {
            if (span.startByte >= prefixStart) continue;
            if (c.imports.size() >= budget.importLines) break;
            c.imports.push_back(trimRight(all.substr(span.startByte, span.endByte - span.startByte)));
        }
    }
    return c;
}

} // namespace flint
