#pragma once
// A document's tree-sitter tree, kept up to date incrementally: every text edit
// is applied to the old tree (ts_tree_edit) and the next parse reuses it, so a
// keystroke costs a small reparse, never a full one.
//
// A reparse can be given a time budget. Most finish well inside it, but some edits
// make tree-sitter re-lex the rest of the file (an unclosed bracket, a changed
// indentation in Python: ~20 ms on 10,000 lines). Then the parse halts, the old
// tree (already edited, so its positions are right) stays in place, and the next
// reparse() call with the same text resumes where it stopped.
//
//   SyntaxTree tree(*language, text.str());
//   ByteEdit e = text.replace(10, 10, "x");
//   tree.edit(e);
//   if (!tree.reparse(text.str(), 500us)) { /* resume later: tree.reparse(text.str(), 1ms) */ }
//   auto path = tree.nodePath(12);              // {"module", "function_definition", ...}
//   auto scopes = tree.scopesAt(12, text.str());

#include "workspace/Language.h"
#include "workspace/Text.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

struct Scope {
    std::string kind;   // from the capture name: "function", "class", ...
    std::string name;   // empty for an anonymous scope
    uint32_t startByte = 0;
    uint32_t endByte = 0;
};

// A definition found by the language's definitions query.
struct Definition {
    std::string kind;   // from the capture name: "function", "class", "constant", ...
    std::string name;
    uint32_t startByte = 0;
    uint32_t endByte = 0;
};

// A byte range in the document (an import statement, for instance).
struct ByteSpan {
    uint32_t startByte = 0;
    uint32_t endByte = 0;
};

class SyntaxTree {
public:
    SyntaxTree(const Language& language, std::string_view text);
    // A full parse that gives up as soon as `abandon` is set (null then): for background
    // work that must not hold up the server's exit.
    static std::unique_ptr<SyntaxTree> parseUnless(const Language& language, std::string_view text,
                                                   const std::atomic<bool>& abandon);
    ~SyntaxTree();
    SyntaxTree(const SyntaxTree&) = delete;
    SyntaxTree& operator=(const SyntaxTree&) = delete;

    // A copy sharing the parsed structure (tree-sitter trees copy in O(1)), with a
    // parser of its own: for parsing a what-if version of the text.
    std::unique_ptr<SyntaxTree> clone() const;

    const Language& language() const { return *language_; }
    TSNode root() const { return ts_tree_root_node(tree_); }
    const TSTree* tree() const { return tree_; }

    // Tells the tree about one text replacement; call reparse() after the last one.
    // A halted parse is abandoned: it was for the text before this edit.
    void edit(const ByteEdit& edit);
    // Parses `text` (the edited document) reusing the edited tree. Returns true when
    // the tree matches `text`; false when `budget` ran out first (resumable).
    bool reparse(std::string_view text, std::optional<std::chrono::microseconds> budget = std::nullopt);
    // False after edit() until a reparse completes.
    bool upToDate() const { return upToDate_; }
    // What the last parse cost: the time spent in reparse() from its first slice to
    // the tree matching the text, or, when an edit abandoned a parse after more than
    // that, the time that parse had taken. Callers use it to tell a parse that keeps
    // up with typing from one that would be abandoned at every keystroke.
    std::chrono::nanoseconds lastParseCost() const { return lastCost_; }
    // True when an edit abandoned the last parse before it finished: the text changed
    // faster than it could be parsed, however little the parse had cost so far.
    bool lastParseAbandoned() const { return abandoned_; }

    bool hasErrors() const { return ts_node_has_error(root()); }
    // Named node types from the root down to the smallest named node at `byte`.
    std::vector<std::string> nodePath(uint32_t byte) const;
    // Scopes enclosing `byte`, outermost first (from the language's scopes query).
    std::vector<Scope> scopesAt(uint32_t byte, std::string_view text) const;
    // Import statements in document order (from the imports query), those that
    // intersect [startByte, endByte).
    std::vector<ByteSpan> imports(std::string_view text, uint32_t startByte = 0,
                                  uint32_t endByte = UINT32_MAX) const;
    // Definitions in document order (from the definitions query), those whose match
    // intersects [startByte, endByte).
    std::vector<Definition> definitions(std::string_view text, uint32_t startByte = 0,
                                        uint32_t endByte = UINT32_MAX) const;

private:
    explicit SyntaxTree(const Language& language);
    const Language* language_;
    TSParser* parser_;
    TSTree* tree_ = nullptr;
    bool upToDate_ = false;
    bool halted_ = false;  // the parser holds a partial parse of the current text
    std::chrono::nanoseconds work_{0};  // spent on the parse under way (halted or not begun)
    std::chrono::nanoseconds lastCost_{0};
    bool abandoned_ = false;
};

} // namespace flint
