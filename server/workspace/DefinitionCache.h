#pragma once
// A document's definitions (from its language's definitions query), kept current as
// the text changes without a full-file pass per keystroke: each edit shifts the
// definitions after it and widens a dirty span; the next read re-runs the query over
// that span only (widened to whole lines) and replaces the definitions it touches.
// A query match is found whenever its outermost node intersects the span, so every
// definition whose node the edits touched is re-read; the others kept their text.
// What can lag is the kind of an untouched definition whose surroundings changed
// (a function that a far edit turned into a method): a full pass then fixes it,
// which happens when the dirty span grows past a quarter of the file.
//
//   DefinitionCache cache;
//   cache.edit(byteEdit);                       // for every text edit, in order
//   for (const Definition& d : cache.get(tree, text)) ...;   // tree parsed up to text

#include "workspace/SyntaxTree.h"

#include <optional>
#include <vector>

namespace flint {

class DefinitionCache {
public:
    void edit(const ByteEdit& edit);
    // Forgets everything (the whole text was replaced).
    void reset();
    // Definitions sorted by start (outer before inner at the same start).
    const std::vector<Definition>& get(const SyntaxTree& tree, std::string_view text);
    // The same, but only refreshed when an edit since the last refresh reaches outside
    // [start, end): a reader that takes that span from the text itself (the window
    // around the cursor, where the typing happens) needs nothing re-read on a
    // keystroke. Entries inside the span may be stale.
    const std::vector<Definition>& getAwayFrom(const SyntaxTree& tree, std::string_view text, uint32_t start,
                                               uint32_t end);
    // Changes whenever get() re-read the list (unique across all caches, never 0):
    // readers that copied or indexed it compare this.
    uint64_t generation() const { return generation_; }

private:
    std::optional<std::vector<Definition>> definitions_;
    bool dirty_ = false;
    uint32_t dirtyStart_ = 0, dirtyEnd_ = 0;
    uint64_t generation_ = 0;
};

} // namespace flint
