#include "context/EditRegion.h"

#include "workspace/Document.h"
#include "workspace/Language.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace flint {

EditRegion selectEditRegion(Document& document, size_t cursor, const EditRegionLimits& limits) {
    const Text& text = document.text();
    cursor = std::min(cursor, text.size());
    const uint32_t lines = text.lineCount();
    const uint32_t maxLines = std::max<uint32_t>(1, limits.maxLines);
    const uint32_t cursorLine = text.lineOf(cursor);

    // Boundary b lies between line b - 1 and line b (0 and `lines` are the text's ends).
    // Only boundaries within maxLines of the cursor can matter.
    const uint32_t lo = cursorLine > maxLines ? cursorLine - maxLines : 0;
    const uint32_t hi = std::min(lines, cursorLine + 1 + maxLines);
    std::vector<bool> blocked(hi - lo + 1, false);
    const SyntaxTree* tree = document.parsedSyntax();
    if (const Query* query = tree ? tree->language().query(QueryKind::Regions) : nullptr) {
        const uint32_t from = text.lineStart(lo);
        const uint32_t to = hi < lines ? text.lineStart(hi) : static_cast<uint32_t>(text.size());
        query->forEachMatch(tree->root(), text.str(), from, to, [&](const QueryMatch& match) {
            for (const TSQueryCapture& capture : match.captures) {
                if (query->captureName(capture.index) != "region") continue;
                const uint32_t start = ts_node_start_byte(capture.node), end = ts_node_end_byte(capture.node);
                if (end <= start) continue;
                const uint32_t first = text.lineOf(start), last = text.lineOf(end - 1);
                if (last - first + 1 > maxLines) continue;  // too big to keep whole: may be cut
                for (uint32_t b = std::max(first + 1, lo); b <= std::min(last, hi); ++b) blocked[b - lo] = true;
            }
        });
    }
    auto clean = [&](uint32_t b) { return b == 0 || b == lines || !blocked[b - lo]; };

    // The cursor line between the nearest clean cuts.
    uint32_t top = cursorLine;
    while (top > lo && !clean(top)) --top;
    uint32_t bottom = cursorLine + 1;
    while (bottom < hi && !clean(bottom)) ++bottom;
    if (!clean(top) || !clean(bottom) || bottom - top > maxLines) {
        // Small nodes chained past the budget: cut anyway, keeping the cursor inside.
        top = std::max(top, cursorLine >= maxLines / 3 ? cursorLine - maxLines / 3 : 0);
        bottom = std::min({bottom, top + maxLines, lines});
        bottom = std::max(bottom, cursorLine + 1);
    }

    // Grow one clean step at a time, below twice as readily as above.
    for (;;) {
        std::optional<uint32_t> down, up;
        for (uint32_t b = bottom + 1; b <= hi && b - top <= maxLines; ++b)
            if (clean(b)) {
                down = b;
                break;
            }
        for (uint32_t a = top; a > lo && bottom - (a - 1) <= maxLines; --a)
            if (clean(a - 1)) {
                up = a - 1;
                break;
            }
        if (!down && !up) break;
        const uint32_t below = bottom - cursorLine, above = cursorLine - top;
        const bool preferDown = below <= 2 * (above + 1);
        if (down && (preferDown || !up)) bottom = *down;
        else top = *up;
    }

    EditRegion region;
    region.firstLine = top;
    region.endLine = bottom;
    region.start = text.lineStart(top);
    region.end = bottom < lines ? text.lineStart(bottom) : text.size();
    return region;
}

} // namespace flint
