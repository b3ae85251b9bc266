#pragma once
// One open document: its text, version and language, and (for languages Flint
// has a grammar for) a syntax tree kept in step with every change.
//
//   Document doc("file:///a.py", "python", 1, "def f():\n    pass\n");
//   doc.applyChanges({{TextRange{{1, 4}, {1, 8}}, "return 1"}}, 2, PositionEncoding::Utf16);
//   doc.syntax()->nodePath(...);

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
    // Null for languages without a grammar: they work as plain text.
    const SyntaxTree* syntax() const { return syntax_.get(); }
    const Language* language() const { return language_; }

    // Applies changes in order (each range refers to the text after the previous
    // change, as LSP specifies), then reparses once.
    void applyChanges(std::span<const ContentChange> changes, int64_t version,
                      PositionEncoding encoding);

private:
    std::string uri_;
    std::string languageId_;
    int64_t version_;
    Text text_;
    const Language* language_;
    std::unique_ptr<SyntaxTree> syntax_;
};

} // namespace flint
