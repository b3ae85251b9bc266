#pragma once
// What output shaping learns from syntax trees. Two things:
//
// 1. Facts about the cursor, from the document's current tree: whether the syntax
//    there asks for one line or several, and which brackets around the cursor are
//    open and whether the text after the cursor closes them.
// 2. The document re-parsed with a suggestion applied (`SuggestionParser`): where the
//    syntactic unit the cursor is in ends, and whether the suggestion adds syntax
//    errors. The parse is incremental from the document's own tree (ts_tree_copy,
//    ts_tree_edit, parse with the old tree, the text read in place) and limited to a
//    window a few lines past the cursor (tree-sitter's included ranges), so it costs a
//    fraction of a keystroke's reparse even in a 10,000-line file, and a suggestion that
//    changes how the rest of the file lexes re-lexes the window, never the file. The
//    suggestions that cannot parse for lexical reasons (an unclosed bracket or string)
//    never get here: Shaping.cpp knows them from the bracket scan.
//
//   SuggestionParser parser(document, offset, leftOpen);      // per request
//   SuggestionVerdict v = parser.check("return x\n\ndef g():");
//   if (v.unitEnd) text.resize(*v.unitEnd);                   // the block ended there
//   if (!v.clean) ...                                          // it adds a syntax error
//
// What counts as a unit is language knowledge: the `@unit` captures of
// grammars/queries/<language>/shaping.scm (with `@opener` and `@singleline` for the
// line mode). This file only knows those capture names.

#include "suggest/ShapingText.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

namespace flint {

class Document;
class Language;

// One line or several, from the syntax at the cursor; nullopt when the document has
// no tree (or no shaping query). Single when the cursor is in a line comment, or
// after an operator or keyword that leaves a statement unfinished; several after a
// body opener (`{`, `(`, `[`, Python's `:`), on a blank line, or after a complete
// statement.
std::optional<bool> syntaxWantsSingleLine(const Document& document, size_t offset);

// The brackets open at `offset` (innermost first) from the document's tree, and
// whether the text after the cursor closes each; nullopt without a tree.
std::optional<std::vector<OpenBracket>> openBracketsAt(const Document& document, size_t offset);

struct SuggestionVerdict {
    bool parsed = false; // false: no tree, or the document is not the one the parser was made for
    // The suggestion adds no syntax error (ERROR or MISSING node): every error in the
    // window was in the original window, of the same kind at the same place (shifted past
    // the suggestion),
    // or is the missing closer of a bracket the user opened before the cursor and left open.
    bool clean = true;
    // Where the innermost unit that began before the cursor and holds the suggestion's
    // first character ends, as a length of the suggestion, when it ends inside it.
    std::optional<size_t> unitEnd;
};

class SuggestionParser {
public:
    // Copies what it needs from `document` (its tree, O(1); its text up to the window's
    // end): checks judge a suggestion against the text it was asked for, even once the
    // document has moved on. `leftOpen`: how many brackets open at the cursor nothing
    // after it closes (openBracketsAt); their closers may be missing before and after.
    SuggestionParser(const Document& document, size_t offset, size_t leftOpen = 0);
    ~SuggestionParser();
    SuggestionParser(const SuggestionParser&) = delete;
    SuggestionParser& operator=(const SuggestionParser&) = delete;

    bool enabled() const { return base_ != nullptr; }
    // Parses the original window and reads its errors (the first check does it
    // otherwise): a caller can do it while the model is still thinking.
    void prepare() const;
    SuggestionVerdict check(std::string_view suggestion) const;

    // How many parses were run (the original window's included): for tests and benchmarks.
    size_t parses() const { return parses_; }
    // Where the re-parsed window starts: the top-level item (or the item of a @toplevel
    // body, such as a C++ namespace's) that holds the cursor.
    size_t windowStart() const { return windowStart_; }

private:
    size_t offset_ = 0;
    std::string text_;  // the document's text up to the window's end
    TSPoint cursorPoint_{};
    uint32_t windowStart_ = 0;  // where the top-level node holding the cursor starts
    TSPoint windowStartPoint_{};
    TSPoint windowEndPoint_{};
    size_t leftOpenAtCursor_ = 0;
    const Language* language_ = nullptr;
    TSTree* base_ = nullptr;  // the document's tree, copied
    mutable TSParser* parser_ = nullptr;
    mutable TSTree* window_ = nullptr;  // the original window's tree
    mutable size_t windowErrors_ = 0;
    mutable std::vector<uint64_t> windowErrorKeys_;  // its errors: where each starts and its kind, in order
    mutable size_t parses_ = 0;
    mutable std::string lastSuggestion_;  // the last check, remembered: partial results repeat
    mutable SuggestionVerdict lastVerdict_;
};

} // namespace flint
