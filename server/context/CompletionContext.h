#pragma once
// What the model sees for a completion at a cursor: prefix and suffix windows cut
// at line boundaries within byte budgets, the enclosing scopes' signature lines
// (outermost first) and the file's import lines. Pure: built from a Document and
// an offset, no I/O.
//
//   CompletionContext c = buildCompletionContext(doc, offset, {});
//   request.prefix = c.prefix; request.suffix = c.suffix;

#include <cstddef>
#include <string>
#include <vector>

namespace flint {

class Document;

struct ContextBudget {
    size_t prefixBytes = 6000;  // ~1,500 tokens before the cursor
    size_t suffixBytes = 2000;  // ~500 tokens after it
    size_t importLines = 30;
};

struct CompletionContext {
    std::string path;          // the document's URI
    std::string language;      // grammar name, or the languageId for plain text
    std::string prefix;        // text before the cursor, starting at a line start
    std::string suffix;        // text after the cursor, ending at a line end
    std::string linePrefix;    // the cursor line up to the cursor
    std::string lineSuffix;    // the cursor line after the cursor
    std::vector<std::string> scopeSignatures;  // first line of each enclosing scope, outermost first
    std::vector<std::string> imports;          // import statements outside the prefix window
};

// Non-const: the document's parse is finished first, and its import cache filled.
CompletionContext buildCompletionContext(Document& document, size_t offset, const ContextBudget& budget);

} // namespace flint
