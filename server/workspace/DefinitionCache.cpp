#include "workspace/DefinitionCache.h"

#include <algorithm>
#include <atomic>

namespace flint {

namespace {

// Where a byte offset of the old text lands in the new one. Offsets inside the
// replaced range collapse onto it (those definitions are re-read anyway).
uint32_t mapStart(uint32_t at, const ByteEdit& e) {
    if (at < e.startByte) return at;
    if (at >= e.oldEndByte) return at - e.oldEndByte + e.newEndByte;
    return e.startByte;
}

uint32_t mapEnd(uint32_t at, const ByteEdit& e) {
    if (at <= e.startByte) return at;
    if (at >= e.oldEndByte) return at - e.oldEndByte + e.newEndByte;
    return e.newEndByte;
}

bool before(const Definition& a, const Definition& b) {
    if (a.startByte != b.startByte) return a.startByte < b.startByte;
    return a.endByte > b.endByte;
}

// Sorted, and one entry per node (a node caught by two patterns, or re-read while
// also kept, would otherwise come twice).
void normalise(std::vector<Definition>& list) {
    std::stable_sort(list.begin(), list.end(), before);
    list.erase(std::unique(list.begin(), list.end(),
                           [](const Definition& a, const Definition& b) {
                               return a.startByte == b.startByte && a.endByte == b.endByte && a.name == b.name;
                           }),
               list.end());
}

// Generations are unique across documents, so a reader keyed on one cannot mistake
// a reopened document's list for the old one's.
uint64_t nextGeneration() {
    static std::atomic<uint64_t> counter{0};
    return ++counter;
}

} // namespace

void DefinitionCache::edit(const ByteEdit& e) {
    if (!definitions_) return;
    for (Definition& d : *definitions_) {
        d.startByte = mapStart(d.startByte, e);
        d.endByte = std::max(d.startByte, mapEnd(d.endByte, e));
    }
    if (dirty_) {
        dirtyStart_ = std::min(mapStart(dirtyStart_, e), e.startByte);
        dirtyEnd_ = std::max(mapEnd(dirtyEnd_, e), e.newEndByte);
    } else {
        dirty_ = true;
        dirtyStart_ = e.startByte;
        dirtyEnd_ = e.newEndByte;
    }
}

void DefinitionCache::reset() {
    definitions_.reset();
    dirty_ = false;
}

const std::vector<Definition>& DefinitionCache::getAwayFrom(const SyntaxTree& tree, std::string_view text,
                                                          uint32_t start, uint32_t end) {
    if (definitions_ && (!dirty_ || (start <= std::min(dirtyStart_, dirtyEnd_) && std::max(dirtyStart_, dirtyEnd_) <= end)))
        return *definitions_;
    return get(tree, text);
}

const std::vector<Definition>& DefinitionCache::get(const SyntaxTree& tree, std::string_view text) {
    const auto size = static_cast<uint32_t>(text.size());
    if (definitions_ && dirty_ && (dirtyEnd_ - std::min(dirtyStart_, dirtyEnd_)) * 4 > size) reset();
    if (!definitions_) {
        definitions_ = tree.definitions(text);
        normalise(*definitions_);
        dirty_ = false;
        generation_ = nextGeneration();
        return *definitions_;
    }
    if (!dirty_) return *definitions_;
    dirty_ = false;
    // Whole lines around the dirty span: an edit at a line end still touches the
    // definition that ends there.
    uint32_t start = std::min({dirtyStart_, dirtyEnd_, size});
    uint32_t end = std::min(std::max(dirtyStart_, dirtyEnd_), size);
    while (start > 0 && text[start - 1] != '\n') --start;
    while (end < size && text[end] != '\n') ++end;
    if (end < size) ++end;
    // At least one byte wide, like the query's range: a span at the very end of the
    // text (everything deleted, or a definition cut off at the end) still touches
    // the definitions that collapsed there.
    end = std::max(end, start + 1);
    auto touches = [&](const Definition& d) {
        return d.startByte < end && (d.endByte > start || (d.startByte == d.endByte && d.startByte >= start));
    };
    std::vector<Definition> fresh = tree.definitions(text, start, end);
    std::vector<Definition>& list = *definitions_;
    std::erase_if(list, touches);
    for (Definition& d : fresh)
        if (touches(d)) list.push_back(std::move(d));
    normalise(list);
    generation_ = nextGeneration();
    return list;
}

} // namespace flint
