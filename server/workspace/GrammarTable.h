#pragma once
// The grammars compiled into Flint, generated at configure time from the list in
// grammars/CMakeLists.txt and the query files under grammars/queries/<name>/.
// Language knowledge is data: adding a language is a row there plus its queries.
//
//   for (const GrammarEntry& g : grammarTable())
//       if (g.name == "python") parser.setLanguage(g.language());

#include <span>
#include <string_view>

struct TSLanguage;

namespace flint {

struct GrammarEntry {
    std::string_view name;              // "python", "tsx", ...
    const TSLanguage* (*language)();    // the grammar's entry point
    std::string_view languageIds;       // LSP languageIds, space separated
    std::string_view extensions;        // file extensions with the dot, space separated
    std::string_view lineComment;       // "#", "//", or empty for a language without one
    std::string_view scopesQuery;       // grammars/queries/<name>/scopes.scm
    std::string_view importsQuery;      // grammars/queries/<name>/imports.scm
    std::string_view definitionsQuery;  // grammars/queries/<name>/definitions.scm
    std::string_view regionsQuery;      // grammars/queries/<name>/regions.scm
    std::string_view shapingQuery;      // grammars/queries/<name>/shaping.scm
};

std::span<const GrammarEntry> grammarTable();

} // namespace flint
