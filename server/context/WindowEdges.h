#pragma once
// Where the prefix and suffix windows of a completion prompt end: on syntax
// boundaries, not wherever the byte budget runs out. Pure: a tree, its text and the
// line-based edges in, edges out; no language knowledge (only the tree's shape).
//
// The line-based edge (a line start above the cursor, a line end below it) may fall
// inside a construct: a statement, a string, a comment, a bracketed expression. Going
// from the root down the nodes that hold the edge, the first one that does not reach
// the cursor line and of which at most `maxDrop` bytes lie inside the window is kept
// out of it whole: the prefix then starts on the line after that node ends, the
// suffix ends on the line before it begins (the window only shrinks, so the budget
// holds). A node with more than `maxDrop` bytes in the window is too much to lose: the
// edge stays inside it and the same is asked of its children, so a long function is
// cut between two of its statements, a long list between two elements. Nodes that
// reach the cursor line (the scopes the cursor is in, a statement it is finishing) are
// cut wherever they must be. A move can land in another construct (two on one line),
// so the step repeats until the edge is clean.
//
// The edge moves monotonically with the line edge (a smaller budget never yields a
// larger window), and costs a few tree-cursor descents: O(depth · log width).
//
//   size_t start = syntaxPrefixStart(*tree, text, cursor, lineStart, 1024);
//   size_t end = syntaxSuffixEnd(*tree, text, cursor, lineEnd, 1024);

#include <cstddef>

namespace flint {

class SyntaxTree;
class Text;

// `start`: a line start at or above the cursor's line. Returns a line start in
// [start, the cursor line's start]; `start` itself when it is clean, or when it is
// already on the cursor line.
size_t syntaxPrefixStart(const SyntaxTree& tree, const Text& text, size_t cursor, size_t start,
                         size_t maxDrop);

// `end`: a line's content end at or below the cursor's line. Returns a line content
// end in [the cursor line's end, end]; `end` itself when it is clean, or when it is
// on the cursor line.
size_t syntaxSuffixEnd(const SyntaxTree& tree, const Text& text, size_t cursor, size_t end,
                       size_t maxDrop);

} // namespace flint
