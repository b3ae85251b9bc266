#include "context/NextEditContext.h"

#include "context/CompletionContext.h"
#include "context/Redaction.h"
#include "workspace/Document.h"
#include "workspace/Workspace.h"

#include <algorithm>

namespace flint {

NextEditContext buildNextEditContext(const Workspace& workspace, Document& document, size_t cursor,
                                     const NextEditBudget& budget, const ExcludedDocument& excluded) {
    const Text& text = document.text();
    cursor = std::min(cursor, text.size());
    NextEditContext c;
    c.uri = document.uri();
    c.region = selectEditRegion(document, cursor, budget.region);
    c.regionText = text.str().substr(c.region.start, c.region.end - c.region.start);
    c.cursor = cursor - c.region.start;

    // The inline-completion context around the cursor, its prefix window stretched
    // over the region so that what lies before the region is the read-only `before`.
    // Whole lines, not syntax edges: moving the window's start down could pass the
    // region's start (whose own edges EditRegion already aligns).
    const CompletionContext around = buildCompletionContext(
        document, cursor,
        {.prefixBytes = c.cursor + budget.beforeBytes, .suffixBytes = 0, .importLines = 30, .syntaxEdges = false});
    c.language = around.language;
    c.imports = around.imports;
    c.scopeSignatures = around.scopeSignatures;
    const size_t inRegion = cursor - c.region.start;
    c.before = around.prefix.size() > inRegion ? around.prefix.substr(0, around.prefix.size() - inRegion) : "";
    c.startOfFile = c.region.start == c.before.size();

    // Whole lines after the region, within the budget.
    size_t afterEnd = c.region.end;
    for (uint32_t line = c.region.endLine; line < text.lineCount(); ++line) {
        const size_t end = line + 1 < text.lineCount() ? text.lineStart(line + 1) : text.size();
        if (end - c.region.end > budget.afterBytes) break;
        afterEnd = end;
    }
    c.after = text.str().substr(c.region.end, afterEnd - c.region.end);
    c.endOfFile = afterEnd == text.size();

    // Recent edits across the open documents, newest kept within the budgets.
    std::vector<DocumentEditEvent> events;
    workspace.forEachDocument([&](const Document& doc) {
        if (excluded && excluded(doc.uri())) return;  // what the user typed in .env stays there
        for (EditEvent& event : doc.history().events(doc.text())) events.push_back({doc.uri(), std::move(event)});
    });
    std::stable_sort(events.begin(), events.end(), [](const DocumentEditEvent& a, const DocumentEditEvent& b) {
        return a.event.lastChange < b.event.lastChange;
    });
    size_t bytes = 0;
    for (auto it = events.rbegin(); it != events.rend() && c.events.size() < budget.maxEvents; ++it) {
        bytes += it->event.before.size() + it->event.after.size() + it->event.note.size();
        if (bytes > budget.eventBytes && !c.events.empty()) break;
        c.events.push_back(std::move(*it));
    }
    std::reverse(c.events.begin(), c.events.end());

    // Nothing secret leaves. The region is what the model rewrites and what its reply
    // is diffed against: a placeholder there would come back as an edit.
    c.regionHoldsSecret = holdsSecret(c.before + c.regionText + c.after, c.before.size(),
                                      c.before.size() + c.regionText.size());
    for (std::string& s : c.imports) c.redactions += redactSecrets(s);
    for (std::string& s : c.scopeSignatures) c.redactions += redactSecrets(s);
    for (RelatedCode& r : c.related) c.redactions += redactSecrets(r.text);
    for (DocumentEditEvent& e : c.events)
        for (std::string* s : {&e.event.before, &e.event.after, &e.event.above, &e.event.below, &e.event.note})
            c.redactions += redactSecrets(*s);
    c.redactions += redactSecrets(c.before) + redactSecrets(c.after);
    return c;
}

} // namespace flint
