#include "context/WindowEdges.h"

#include "workspace/SyntaxTree.h"
#include "workspace/Text.h"

#include <algorithm>
#include <optional>

namespace flint {

namespace {

// Each move passes a whole construct; a line holding more than this many constructs
// that each straddle a line break is not worth walking further (the edge stays put).
constexpr int kMaxMoves = 16;

// From the root down the nodes strictly around `edge` (start < edge < end), the first
// that `droppable(start, end)` accepts; none when the edge lies between two children
// of every node it is inside that is not droppable. The tree cursor jumps to the child
// holding a byte in O(log width), so a module with thousands of statements costs no
// more than a small one.
template <class Droppable>
std::optional<TSNode> outermostDroppable(TSNode root, uint32_t edge, const Droppable& droppable) {
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    std::optional<TSNode> found;
    // The first child that ends after `edge`: it either holds it or starts at or past it.
    while (ts_tree_cursor_goto_first_child_for_byte(&cursor, edge) >= 0) {
        const TSNode node = ts_tree_cursor_current_node(&cursor);
        const uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
        if (start >= edge || end <= edge) break; // between two children: clean at this depth
        if (droppable(start, end)) {
            found = node;
            break;
        }
    }
    ts_tree_cursor_delete(&cursor);
    return found;
}

} // namespace

size_t syntaxPrefixStart(const SyntaxTree& tree, const Text& text, size_t cursor, size_t start,
                         size_t maxDrop) {
    cursor = std::min(cursor, text.size());
    const size_t floor = text.lineStart(text.lineOf(cursor)); // the cursor line always stays
    for (int move = 0; move < kMaxMoves && start < floor; ++move) {
        const size_t edge = start;
        const auto node = outermostDroppable(
            tree.root(), static_cast<uint32_t>(edge),
            [&](uint32_t, uint32_t end) { return end <= floor && end - edge <= maxDrop; });
        if (!node) break;
        // The line after the node's last character (end > edge >= 0: it has one).
        const uint32_t last = text.lineOf(ts_node_end_byte(*node) - 1);
        start = std::min<size_t>(floor, text.lineStart(last + 1));
    }
    return start;
}

size_t syntaxSuffixEnd(const SyntaxTree& tree, const Text& text, size_t cursor, size_t end,
                       size_t maxDrop) {
    cursor = std::min(cursor, text.size());
    const size_t ceiling = text.lineContentEnd(text.lineOf(cursor)); // the cursor line always stays
    for (int move = 0; move < kMaxMoves && end > ceiling; ++move) {
        const size_t edge = end;
        const auto node = outermostDroppable(
            tree.root(), static_cast<uint32_t>(edge),
            [&](uint32_t start, uint32_t) { return start > ceiling && edge - start <= maxDrop; });
        if (!node) break;
        // The end of the line before the node's first line (it starts below the cursor line).
        const uint32_t first = text.lineOf(ts_node_start_byte(*node));
        end = first == 0 ? ceiling : std::max<size_t>(ceiling, text.lineContentEnd(first - 1));
    }
    return end;
}

} // namespace flint
