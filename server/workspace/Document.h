#pragma once
// One open document: its text, version and language, and (for languages Flint
// has a grammar for) a syntax tree kept in step with every change.
//
//   Document doc("file:///a.py", "python", 1, "def f():\n    pass\n");
//   doc.applyChanges({{TextRange{{1, 4}, {1, 8}}, "return 1"}}, 2, PositionEncoding::Utf16);
//   doc.syntax()->nodePath(...);

#include "workspace/DefinitionCache.h"
#include "workspace/EditHistory.h"
#include "workspace/SyntaxTree.h"
#include "workspace/Text.h"

#include <memory>
#include <optional>
#include <span>
#include <string>

namespace flint {

class Language;

// A didChange content change: with a range it replaces that range, without one
// it replaces the whole text.
struct ContentChange {
    std::optional<TextRange> range;
    std::string text;
};

class Document {
public:
    Document(std::string uri, std::string languageId, int64_t version, std::string text);

    const std::string& uri() const { return uri_; }
    const std::string& languageId() const { return languageId_; }
    int64_t version() const { return version_; }
    const Text& text() const { return text_; }
    // Null for languages without a grammar: they work as plain text. While a parse
    // is pending the tree's positions are right but its structure may lag the text.
    const SyntaxTree* syntax() const { return syntax_.get(); }
    // The tree, parsed up to the current text (finishing a pending parse first).
    const SyntaxTree* parsedSyntax();
    bool parsePending() const { return syntax_ && !syntax_->upToDate(); }
    // Resumes a pending parse for at most `budget`; true once the tree is current.
    bool continueParse(std::chrono::microseconds budget);
    // SyntaxTree::lastParseCost (zero without a grammar).
    std::chrono::nanoseconds lastParseCost() const {
        return syntax_ ? syntax_->lastParseCost() : std::chrono::nanoseconds(0);
    }
    bool lastParseAbandoned() const { return syntax_ && syntax_->lastParseAbandoned(); }

    // The import statements in the head of the file (its first kImportHeadBytes, where
    // every language we know keeps them), cached until an edit touches that head.
    static constexpr uint32_t kImportHeadBytes = 16 * 1024;
    const std::vector<ByteSpan>& headImports();
    // The definitions in the document (its language's definitions query), kept
    // current incrementally: after an edit only the edited lines are re-queried.
    const std::vector<Definition>& definitions();
    // The definitions, re-read only when an edit reached outside [start, end) (see
    // DefinitionCache::getAwayFrom): entries inside that span may be stale.
    const std::vector<Definition>& definitionsAwayFrom(uint32_t start, uint32_t end);
    // Changes whenever definitions() returned a changed list.
    uint64_t definitionsGeneration() const { return definitions_.generation(); }
    const Language* language() const { return language_; }
    // What the user recently changed (every change goes through applyChanges).
    EditHistory& history() { return history_; }
    const EditHistory& history() const { return history_; }

    // A copy of this document with `insertion` inserted at byte `offset`, its tree
    // updated incrementally (not parsed from scratch): the document as it would be
    // if the user accepted a suggestion there.
    std::unique_ptr<Document> withInsertion(size_t offset, std::string_view insertion) const;

    // Applies changes in order (each range refers to the text after the previous
    // change, as LSP specifies), then reparses once, within `parseBudget` if given
    // (see SyntaxTree::reparse; continueParse() finishes the job). A zero budget
    // leaves the parse to continueParse() or parsedSyntax() entirely.
    void applyChanges(std::span<const ContentChange> changes, int64_t version,
                      PositionEncoding encoding,
                      std::optional<std::chrono::microseconds> parseBudget = std::nullopt);

private:
    Document(const Document& other, std::unique_ptr<SyntaxTree> syntax);
    std::string uri_;
    std::string languageId_;
    int64_t version_;
    Text text_;
    const Language* language_;
    std::unique_ptr<SyntaxTree> syntax_;
    std::optional<std::vector<ByteSpan>> headImports_;
    DefinitionCache definitions_;
    EditHistory history_;
};

} // namespace flint
