#pragma once
// The languages Flint knows: a tree-sitter grammar plus the queries that say what a
// scope, an import and a definition are in it, and which nodes bound a suggestion
// (grammars/queries/<name>/*.scm).
// No C++ here branches on a language; knowledge comes from the query files.
//
//   const Language* python = LanguageRegistry::get().forLanguageId("python");
//   if (const Query* scopes = python->query(QueryKind::Scopes))
//       scopes->forEachMatch(root, text, 0, text.size(), [](const QueryMatch& m) { ... });
//
// Queries compile on first use (start-up stays cheap). A query file may begin with
// "; inherits: a, b": the named languages' queries of the same kind come first.
// Supported predicates: #eq?, #not-eq?, #match?, #not-match?, #any-of?.

#include <tree_sitter/api.h>

#include <atomic>

#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

// Scopes: @scope.<kind> + @name. Imports: @import. Definitions: @definition.<kind> +
// @name. Regions: @region, the statements and blocks a next-edit region may span.
// Shaping: @unit, @opener, @singleline (output shaping, suggest/ShapingSyntax).
enum class QueryKind { Scopes, Imports, Definitions, Regions, Shaping };
inline constexpr QueryKind kQueryKinds[] = {QueryKind::Scopes, QueryKind::Imports, QueryKind::Definitions,
                                            QueryKind::Regions, QueryKind::Shaping};

// The source text a node spans (clamped to `text`).
std::string_view nodeText(TSNode node, std::string_view text);
std::string_view toString(QueryKind kind);

class Query;

struct QueryMatch {
    const Query* query = nullptr;
    uint32_t pattern = 0;
    std::span<const TSQueryCapture> captures;
};

class Query {
public:
    // Compiles `source` for `grammar`; on failure returns null and sets `error`.
    static std::unique_ptr<Query> compile(const TSLanguage* grammar, std::string_view source,
                                          std::string& error);
    ~Query();
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    // Calls `onMatch` for every match intersecting [startByte, endByte) whose
    // predicates hold against `text` (the source the tree was parsed from).
    void forEachMatch(TSNode root, std::string_view text, uint32_t startByte, uint32_t endByte,
                      const std::function<void(const QueryMatch&)>& onMatch) const;
    // Capture names are "scope.function", "name", "import", "definition.class", ...
    std::string_view captureName(uint32_t id) const;
    uint32_t patternCount() const;

private:
    struct Predicate;
    Query() = default;
    bool predicatesHold(const TSQueryMatch& match, std::string_view text) const;
    TSQuery* query_ = nullptr;
    std::vector<std::vector<Predicate>> predicates_;  // per pattern
};

class Language {
public:
    std::string_view name() const { return name_; }
    const TSLanguage* grammar() const { return grammar_; }
    // File extensions with the dot (".py").
    const std::vector<std::string>& extensions() const { return extensions_; }
    // How a line comment starts ("#", "//"); empty for a language without one.
    std::string_view lineComment() const { return lineComment_; }
    // Null when the language has no such query (or it failed to compile: logged once).
    const Query* query(QueryKind kind) const;
    // Compiles all of this language's queries now, stopping between them once `stop` is
    // set. Safe beside readers: each query compiles once (std::call_once).
    void compileQueries(const std::atomic<bool>& stop) const;
    // The query source after resolving "; inherits:" lines.
    const std::string& querySource(QueryKind kind) const { return sources_[index(kind)]; }
    // Compiles the query now; returns an error message, empty on success.
    std::string compileQuery(QueryKind kind) const;

private:
    friend class LanguageRegistry;
    static size_t index(QueryKind kind) { return static_cast<size_t>(kind); }
    std::string name_;
    const TSLanguage* grammar_ = nullptr;
    std::vector<std::string> languageIds_;
    std::vector<std::string> extensions_;
    std::string lineComment_;
    static constexpr size_t kKinds = std::size(kQueryKinds);
    std::string sources_[kKinds];
    mutable std::once_flag compiled_[kKinds];
    mutable std::unique_ptr<Query> queries_[kKinds];
    mutable std::string errors_[kKinds];
};

class LanguageRegistry {
public:
    static const LanguageRegistry& get();

    const Language* forLanguageId(std::string_view languageId) const;
    // By the extension of a path or URI ("file:///x/y.tsx" → tsx).
    const Language* forPath(std::string_view pathOrUri) const;
    const Language* byName(std::string_view name) const;
    // The language for an opened document: its languageId first, else its extension.
    const Language* forDocument(std::string_view languageId, std::string_view uri) const;
    std::span<const std::unique_ptr<Language>> all() const { return languages_; }

private:
    LanguageRegistry();
    std::vector<std::unique_ptr<Language>> languages_;
};

} // namespace flint
