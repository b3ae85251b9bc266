#pragma once
// The text rules of output shaping: pure functions of a suggestion and the text
// around the cursor, no syntax tree. Each takes `complete` (false while the reply
// still streams) and then holds back whatever more text could still remove, so
// that what a partial result shows is always a prefix of the final one.
//
//   std::string_view s = stripFence(raw, complete);
//   BracketCut cut = cutAtForeignCloser(s, site.brackets);      // `)` the suffix already has
//   s = s.substr(0, cut.keep);
//   s = trimSuffixOverlap(s, suffix, complete, cut);
//
// Shaping.h puts them in order; ShapingSyntax.h and ShapingIndent.h hold the rest.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

bool isBlank(std::string_view s);
std::string_view trimTrailingSpace(std::string_view s); // spaces, tabs, CR and LF

// "```python\n...\n```" → "...": only when the fence wraps the reply. While streaming,
// an unfinished fence line shows nothing and a possible closing fence is held back.
// `closed` is set when the closing fence has arrived (nothing after it counts).
std::string_view stripFence(std::string_view s, bool complete, bool* closed = nullptr);

// A bracket open at the cursor, innermost first: `open` is '(', '[' or '{'.
struct OpenBracket {
    char open = '(';
    bool closedAfter = false; // the text after the cursor closes it
};

// Brackets open at the end of `before` and which of them `after` closes, by a
// lexical scan that skips strings and comments (used when there is no tree).
std::vector<OpenBracket> scanOpenBrackets(std::string_view before, std::string_view after);

// Where a suggestion must stop because of a closing bracket it did not open: one
// that closes a bracket the text after the cursor already closes (a duplicate), or
// one that matches nothing open. Closers of brackets the suggestion opened are its own.
struct BracketCut {
    size_t keep = std::string_view::npos; // npos: no cut
    // For each closing bracket the suggestion paired with its own opener: (opener, closer) offsets.
    std::vector<std::pair<size_t, size_t>> ownPairs;
};
BracketCut cutAtForeignCloser(std::string_view suggestion, const std::vector<OpenBracket>& open);

// True when `suggestion` leaves one of its own brackets open, or ends inside a string or
// a block comment: then it cannot parse with the text after it (and re-parsing it would
// make tree-sitter re-lex everything after the cursor).
bool leavesOpen(std::string_view suggestion);

// Removes the longest tail of `s` that the text after the cursor starts with. A final
// result keeps a one-character overlap unless it is closing punctuation; a partial
// one holds back any overlap (the final may still drop it). A tail is never trimmed
// if that would take a closer away from an opener the suggestion keeps.
std::string_view trimSuffixOverlap(std::string_view s, std::string_view suffix, bool complete,
                                   const BracketCut& brackets);

// Cuts a suggestion at its first line that repeats the first non-blank line below the
// cursor (`nextLine`, as it stands in the document). `linePrefix` is the cursor line up
// to the cursor: the suggestion's first line continues it. While streaming, a last line
// that could still grow into the repeat is held back. Lines without a letter or digit
// (a lone `}`) never count: the bracket rule owns them. Returns the length to keep;
// `cut` is set when a whole repeated line was found.
size_t cutAtRepeatedLine(std::string_view s, std::string_view linePrefix, std::string_view nextLine,
                         bool complete, bool* cut);

} // namespace flint
