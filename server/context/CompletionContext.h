#pragma once
// What the model sees for a completion at a cursor. Pure: built from documents, the
// symbol index and settings; no I/O.
//
// The full context (buildCompletionContext with ContextSources): prefix and suffix
// windows of whole lines whose edges cut no construct they need not cut
// (WindowEdges.h), the enclosing scopes' signature lines (outermost first), the
// imports above the window, the signatures of the definitions that identifiers
// within three lines of the cursor (and in the enclosing signatures) name, found in
// other open documents, in workspace files and far away in this one, and snippets
// of other open documents ranked by similarity to the cursor window; all fitted to
// the token budget in the order TokenBudget documents. Nothing comes from an
// excluded file, and secrets in every text are redacted (see Redaction.h).
//
// The window-only context (with a ContextBudget in bytes) is what the first slice
// used; it stays for callers that want nothing but the current file.
//
//   CompletionContext c = buildCompletionContext(workspace, doc, offset, sources);
//   request.prefix = c.prefix; request.suffix = c.suffix;

#include "context/TokenBudget.h"

#include <cstddef>
#include <string>
#include <vector>

namespace flint {

class Document;
class Workspace;
struct ContextSources;

struct ContextBudget {
    size_t prefixBytes = 6000;  // ~1,500 tokens before the cursor
    size_t suffixBytes = 2000;  // ~500 tokens after it
    size_t importLines = 30;
    bool syntaxEdges = true;  // the windows' edges cut no construct they need not (WindowEdges.h)
};

// Code from another file (or a far part of this one), as it goes into a prompt.
struct ContextItem {
    std::string path;  // relative to the workspace folder when inside one
    std::string text;
};

struct CompletionContext {
    std::string path;          // the document's URI
    std::string language;      // grammar name, or the languageId for plain text
    std::string relativePath;  // the document's path relative to its workspace folder (or its path)
    std::string repository;    // the workspace folder's name (repo-level templates), or empty
    std::string lineComment;   // the language's line comment ("#", "//"), or empty
    std::string prefix;        // text before the cursor, starting at a line start
    std::string suffix;        // text after the cursor, ending at a line end
    std::string linePrefix;    // the cursor line up to the cursor
    std::string lineSuffix;    // the cursor line after the cursor
    std::vector<std::string> scopeSignatures;  // first line of each enclosing scope, outermost first
    std::vector<std::string> imports;          // import statements outside the prefix window
    std::vector<ContextItem> definitions;      // signatures, grouped per file, most relevant file first
    std::vector<ContextItem> snippets;         // similar code, most similar first
    size_t redactions = 0;                     // secrets replaced by kRedacted (for the debug log)
    size_t tokens = 0;                         // approximate size of all of the above
};

// The window-only context. Non-const: the document's parse is finished first, and
// its import cache filled.
CompletionContext buildCompletionContext(Document& document, size_t offset, const ContextBudget& budget);

// The full context, within `sources.settings.promptTokens()` (or `budget`).
CompletionContext buildCompletionContext(Workspace& workspace, Document& document, size_t offset,
                                         ContextSources& sources);
CompletionContext buildCompletionContext(Workspace& workspace, Document& document, size_t offset,
                                         ContextSources& sources, const TokenBudget& budget);

} // namespace flint
