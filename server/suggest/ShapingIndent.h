#pragma once
// Indentation for suggestions: the document's style, read from the lines before the
// cursor, and a suggestion re-indented to it. Two fixes: a first line that repeats
// the indentation already typed on the cursor line loses it; the following lines are
// converted to the document's tabs or spaces and width when the model used another
// unit. Pure functions; each line's result depends only on the lines before it, so a
// streamed suggestion re-indented step by step only grows.
//
//   IndentStyle style = detectIndentStyle(context.prefix, "\t\t");     // tabs
//   std::string fixed = reindent("    x = 1\n        y()", "\t\t", "\t\t", style);
//   // fixed == "x = 1\n\t\ty()"  (the model wrote 4-space levels; the file uses tabs)

#include <string>
#include <string_view>

namespace flint {

struct IndentStyle {
    bool tabs = false; // the document indents with tabs
    int width = 4;     // columns per level when it indents with spaces
};

// `before` is the text before the cursor (a window is enough); `cursorLineIndent` the
// leading whitespace of the cursor line, which decides tabs vs spaces when it has any.
IndentStyle detectIndentStyle(std::string_view before, std::string_view cursorLineIndent);

// `linePrefix` is the cursor line up to the cursor (the suggestion's first line continues
// it); `cursorLineIndent` its leading whitespace.
std::string reindent(std::string_view suggestion, std::string_view linePrefix,
                     std::string_view cursorLineIndent, const IndentStyle& style);

} // namespace flint
