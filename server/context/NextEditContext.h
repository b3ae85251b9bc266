#pragma once
// What a next-edit model sees: the editable region around the cursor, read-only
// text before and after it, the file's imports and the cursor's enclosing scopes
// (from the inline-completion context), related code, and the recent edits of the
// open documents. Pure: built from the workspace and a cursor, no I/O.
//
//   NextEditContext c = buildNextEditContext(workspace, doc, cursor, {}, excluded);
//   // c.region is what the model rewrites; c.cursor is the cursor inside it.
//   if (c.regionHoldsSecret) return;   // not sent: the rewrite would need the secret
//
// Privacy, as for inline completion: edits of documents the `excluded` predicate
// names (ContextSources::excludes) are left out, and secrets are redacted from every
// read-only text (before, after, imports, scopes, related code, edit events). The
// region itself is the diff's base and cannot hold a placeholder: when it holds a
// secret, `regionHoldsSecret` says so and the engine asks no model.

#include "context/EditRegion.h"
#include "workspace/EditHistory.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

class Document;
class Workspace;

struct NextEditBudget {
    EditRegionLimits region;
    size_t beforeBytes = 3000;  // read-only context above the region (~750 tokens)
    size_t afterBytes = 1500;   // and below it
    size_t maxEvents = 6;       // recent edit events, newest kept, across open documents
    size_t eventBytes = 2000;   // budget for their text (before + after), newest first
};

// A recent edit event and the document it happened in.
struct DocumentEditEvent {
    std::string uri;
    EditEvent event;
};

// Code from elsewhere that the edit may need (a definition the region uses).
struct RelatedCode {
    std::string path;
    std::string text;
};

struct NextEditContext {
    std::string uri;
    std::string language;  // grammar name, or the languageId for plain text
    EditRegion region;
    std::string regionText;  // the editable region, whole lines
    size_t cursor = 0;       // the cursor, as an offset into regionText
    std::string before;      // whole lines before the region, within the budget
    std::string after;       // whole lines after it, within the budget
    bool startOfFile = false;  // `before` starts at the top of the file
    bool endOfFile = false;    // `after` runs to its end
    std::vector<std::string> imports;          // import lines above `before`
    std::vector<std::string> scopeSignatures;  // enclosing scopes at the cursor, outermost first
    std::vector<RelatedCode> related;
    std::vector<DocumentEditEvent> events;  // oldest first
    size_t redactions = 0;          // secrets replaced in the read-only texts (for the debug log)
    bool regionHoldsSecret = false;  // the editable region has a secret: ask no model
};

// The predicate on document URIs that keeps a document's text out of every prompt.
using ExcludedDocument = std::function<bool(std::string_view uri)>;

// Non-const: the document's parse is finished first.
NextEditContext buildNextEditContext(const Workspace& workspace, Document& document, size_t cursor,
                                     const NextEditBudget& budget, const ExcludedDocument& excluded = {});

} // namespace flint
