#pragma once
// The editable region of a next-edit request: a few whole lines around the cursor
// that the model may rewrite, aligned to syntax so that no small statement, block
// or definition is cut in two. Pure: from a Document, an offset and limits.
//
//   EditRegion region = selectEditRegion(doc, cursor, {.maxLines = 20});
//   std::string_view editable = doc.text().str().substr(region.start, region.end - region.start);
//
// Language knowledge comes from grammars/queries/<language>/regions.scm (`@region`
// captures: statements, declarations, clauses, comments). A line boundary is a
// clean cut unless it falls inside a captured node that would fit in the region
// whole; larger nodes (a long function) must be cut and may be. The region starts
// with the cursor line between the nearest clean cuts, then grows one clean step
// at a time, below the cursor twice as readily as above (the next edit is more
// often further down), while it stays within `maxLines`. Without a grammar every
// boundary is clean.

#include <cstddef>
#include <cstdint>

namespace flint {

class Document;

struct EditRegionLimits {
    uint32_t maxLines = 20;
};

struct EditRegion {
    size_t start = 0;        // byte offset of the first line's start
    size_t end = 0;          // byte offset just past the last line (its line end included)
    uint32_t firstLine = 0;  // zero-based
    uint32_t endLine = 0;    // one past the last line
};

// Non-const: the document's parse is finished first.
EditRegion selectEditRegion(Document& document, size_t cursor, const EditRegionLimits& limits);

} // namespace flint
