#pragma once
// Output shaping for inline suggestions: what a model returned, made fit to show at
// the cursor. Pure functions of the reply, the place it goes (a ShapingSite: what was
// read from the document when it was asked for) and what was already shown.
//
//   bool single = wantsSingleLine(doc, offset, context);            // before asking
//   ShapingSite site(doc, offset, context, {.singleLine = single, .fromChat = true});
//   PartialSuggestion step = shapePartial(rawSoFar, site, shown);    // each streamed step
//   if (step.settled) { /* nothing more can change it: close the stream */ }
//   std::string final = shapeSuggestion(raw, site, shown);           // extends `shown`
//
// Rules, in order:
//  1. a markdown fence around the whole reply is stripped (chat models add them);
//  2. single-line mode keeps the first line;
//  3. indentation: a first line that repeats the indentation already typed loses it,
//     and the other lines take the document's tabs or spaces and width;
//  4. the suggestion stops before a line that repeats the first non-blank line below
//     the cursor;
//  5. brackets: a closer the suggestion did not open ends it when the text after the
//     cursor already closes that bracket (or nothing open matches it); the
//     suggestion's own pairs are kept whole;
//  6. a tail that repeats the text after the cursor is dropped;
//  7. with a syntax tree, the document is re-parsed with the suggestion applied
//     (ShapingSyntax.h): the suggestion stops where the unit the cursor is in ends, and
//     if it adds syntax errors it is cut back to the longest clean prefix at a line
//     boundary (never below what was shown), or dropped;
//  8. trailing whitespace goes, and a result that is empty or only whitespace is dropped.
//
// Streamed text only grows: a partial result holds back whatever a later rule could
// still remove (a possible closing fence, a tail that may repeat the suffix or the
// line below, trailing whitespace, text that does not parse yet), so every partial
// extends the one before and the final result extends them all.

#include "context/CompletionContext.h"
#include "suggest/ShapingIndent.h"
#include "suggest/ShapingSyntax.h"
#include "suggest/ShapingText.h"

#include <string>
#include <string_view>
#include <vector>

namespace flint {

class Document;

struct ShapingOptions {
    bool singleLine = false; // one line only (wantsSingleLine)
    bool fromChat = false;   // the reply came from a chat model (may be fenced)
};

// Single-line when the rest of the cursor's line holds more than closing punctuation,
// or when the syntax at the cursor says so (ShapingSyntax.h: in a line comment, or in
// the middle of an unfinished statement); multi-line after a body opener, on a blank
// line, and after a complete statement.
bool wantsSingleLine(const Document& document, size_t offset, const CompletionContext& context);

// What shaping needs to know about the place a suggestion goes, read once per request
// from the document (a few lookups in its tree, a copy of the tree's root and of the
// text up to a few lines past the cursor). Independent of the document afterwards: a
// suggestion is shaped for the text it was asked for, however the document moves on.
class ShapingSite {
public:
    ShapingSite(const Document& document, size_t offset, const CompletionContext& context,
                ShapingOptions options);

    const ShapingOptions& options() const { return options_; }
    const std::string& linePrefix() const { return linePrefix_; }
    const std::string& lineIndent() const { return lineIndent_; }
    const std::string& suffix() const { return options_.singleLine ? lineSuffix_ : suffix_; }
    const std::string& nextLine() const { return nextLine_; }
    const std::vector<OpenBracket>& brackets() const { return brackets_; }
    const IndentStyle& indent() const { return indent_; }
    const SuggestionParser& parser() const { return parser_; }
    // Parses the original text around the cursor now instead of at the first check:
    // worth calling while the model has not answered yet.
    void prepare() const { parser_.prepare(); }

private:
    ShapingOptions options_;
    std::string linePrefix_;
    std::string lineSuffix_;
    std::string lineIndent_; // leading whitespace of the cursor line
    std::string suffix_;
    std::string nextLine_; // the first non-blank line below the cursor line
    std::vector<OpenBracket> brackets_;
    IndentStyle indent_;
    SuggestionParser parser_;
};

struct PartialSuggestion {
    std::string text;      // extends `shown`
    bool settled = false;  // no further text from the model can change it: the stream may close
    bool lineDone = false; // the text's last line is whole (a line break follows it in the reply)
};

// `shown` is the text last shown from this reply (empty before the first).
PartialSuggestion shapePartial(std::string_view raw, const ShapingSite& site, std::string_view shown);
std::string shapeSuggestion(std::string_view raw, const ShapingSite& site, std::string_view shown = {});

} // namespace flint
