#pragma once
// What context draws on beyond the document being completed: the workspace symbol
// index, the exclusion rules, the open documents' snippet chunks and the settings.
// The server keeps one; the protocol layer feeds it (documents opened and edited,
// the workspace scan's batches, configuration), the engines read it.
//
//   ContextSources sources;
//   if (sources.excludes(uri)) return answerEmpty();   // no model request at all
//   CompletionContext c = buildCompletionContext(workspace, doc, offset, sources);

#include "context/ContextSettings.h"
#include "context/SimilarSnippets.h"
#include "workspace/Exclusions.h"
#include "workspace/SymbolIndex.h"

#include <cstdint>
#include <vector>

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace flint {

struct ContextSources {
    SymbolIndex symbols;
    Exclusions exclusions;
    SimilarSnippets snippets;
    ContextSettings settings;

    // The document being completed, its definitions by name: rebuilt only when they
    // are re-read (Document::definitionsGeneration), not on every keystroke.
    struct DefinitionNames {
        uint64_t generation = 0;
        std::unordered_map<std::string_view, std::vector<uint32_t>> byName;  // → indices
    } currentNames;

    // (Each takes a document's URI or a symbol index key, which is a file's path.)
    // True when nothing of this document may reach a model: a secret file, or one the
    // workspace's .gitignore/.flintignore or `context.exclude` excludes. The engine
    // asks before it builds a request; context never takes text from such a file.
    bool excludes(std::string_view uri) const;
    // Whether patterns from a setting (gitignore syntax, read as `context.exclude` is:
    // from each workspace folder's root) match this document; a URI that is not a file
    // is judged by its name.
    bool matches(const IgnoreRules& rules, std::string_view uri) const;
    // The name a file goes by in a prompt: relative to its workspace folder when it is
    // in one, else its path (or its URI when it is not a file).
    std::string displayPath(std::string_view uri) const;
    // The workspace folder's name (repo-level templates), or empty.
    std::string repositoryOf(std::string_view uri) const;

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    // uri → (rules generation, excluded)
    mutable std::unordered_map<std::string, std::pair<uint64_t, bool>, Hash, std::equal_to<>> verdicts_;
};

} // namespace flint
