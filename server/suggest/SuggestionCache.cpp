#include "suggest/SuggestionCache.h"

#include <algorithm>
#include <functional>

namespace flint {

CachedSuggestion anchorAt(std::string uri, std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    CachedSuggestion entry;
    entry.uri = std::move(uri);
    const size_t beforeStart = offset > CachedSuggestion::kBeforeBytes ? offset - CachedSuggestion::kBeforeBytes : 0;
    entry.before = std::string(text.substr(beforeStart, offset - beforeStart));
    entry.beforeIsStart = beforeStart == 0;
    entry.after = std::string(text.substr(offset, CachedSuggestion::kAfterBytes));
    entry.afterIsEnd = offset + entry.after.size() == text.size();
    return entry;
}

namespace {

bool afterMatches(const CachedSuggestion& entry, std::string_view text, size_t offset) {
    if (offset > text.size() || text.size() - offset < entry.after.size()) return false;
    if (entry.afterIsEnd && text.size() - offset != entry.after.size()) return false;
    return text.compare(offset, entry.after.size(), entry.after) == 0;
}

bool beforeMatches(const CachedSuggestion& entry, std::string_view text, size_t offset, size_t typed) {
    if (typed > entry.text.size() || offset < typed) return false;
    if (text.compare(offset - typed, typed, entry.text.data(), typed) != 0) return false;
    const size_t start = offset - typed;  // where the suggestion was to go
    if (start < entry.before.size()) return false;
    if (entry.beforeIsStart && start != entry.before.size()) return false;
    // The bytes nearest the cursor differ first (entries of one document share most of
    // their windows): compare them before the rest.
    const size_t near = std::min<size_t>(entry.before.size(), 64);
    if (text.compare(start - near, near, std::string_view(entry.before).substr(entry.before.size() - near)) != 0)
        return false;
    return text.compare(start - entry.before.size(), entry.before.size() - near,
                        std::string_view(entry.before).substr(0, entry.before.size() - near)) == 0;
}

} // namespace

bool continuesAt(const CachedSuggestion& entry, std::string_view text, size_t offset, size_t typed) {
    return afterMatches(entry, text, offset) && beforeMatches(entry, text, offset, typed);
}

std::optional<size_t> typedThrough(const CachedSuggestion& entry, std::string_view text, size_t offset) {
    if (!afterMatches(entry, text, offset)) return std::nullopt;
    const size_t most = std::min(entry.text.size(), offset);
    for (size_t typed = 0; typed <= most; ++typed) {
        // The last byte typed must be the byte before the cursor: rules out most counts at once.
        if (typed > 0 && entry.text[typed - 1] != text[offset - 1]) continue;
        if (beforeMatches(entry, text, offset, typed)) return typed;
    }
    return std::nullopt;
}

std::optional<size_t> typedFrom(const CachedSuggestion& entry, std::string_view text, size_t start) {
    if (start > text.size() || start < entry.before.size()) return std::nullopt;
    if (entry.beforeIsStart && start != entry.before.size()) return std::nullopt;
    if (text.compare(start - entry.before.size(), entry.before.size(), entry.before) != 0) return std::nullopt;
    const size_t most = std::min(entry.text.size(), text.size() - start);
    size_t common = 0;
    while (common < most && text[start + common] == entry.text[common]) ++common;
    for (size_t typed = 0; typed <= common; ++typed)
        if (afterMatches(entry, text, start + typed)) return typed;
    return std::nullopt;
}

uint64_t requestKey(const ModelRequest& request, std::string_view model) {
    uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&h](std::string_view part) {
        // Each part's hash and length, so that moving bytes between parts changes the key.
        h ^= std::hash<std::string_view>{}(part) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
        h ^= part.size() * 0x100000001b3ull;
    };
    mix(model);
    mix(request.model);
    mix(request.system);
    mix(request.user);
    mix(request.prefix);
    mix(request.suffix);
    mix(request.prediction.value_or(std::string()));
    for (const ContextSnippet& snippet : request.extra) {
        mix(snippet.path);
        mix(snippet.text);
    }
    for (const std::string& stop : request.stop) mix(stop);
    mix(std::to_string(request.maxTokens) + "/" + (request.temperature ? std::to_string(*request.temperature) : ""));
    return h == 0 ? 1 : h;  // 0 means "no key"
}

void SuggestionCache::setCapacity(size_t capacity) {
    capacity_ = std::max<size_t>(capacity, 1);
    while (order_.size() > capacity_) erase(order_.back());
}

void SuggestionCache::insert(std::shared_ptr<CachedSuggestion> entry) {
    if (entry->key != 0) {
        if (auto it = byKey_.find(entry->key); it != byKey_.end()) {
            order_.erase(it->second);
            byKey_.erase(it);
        }
    }
    order_.push_front(entry);
    if (entry->key != 0) byKey_[entry->key] = order_.begin();
    while (order_.size() > capacity_) erase(order_.back());
}

void SuggestionCache::erase(const std::shared_ptr<CachedSuggestion>& entry) {
    // Copy: `entry` may be a reference into the list itself.
    const std::shared_ptr<CachedSuggestion> doomed = entry;
    auto it = std::find(order_.begin(), order_.end(), doomed);
    if (it == order_.end()) return;
    if (doomed->key != 0) {
        auto k = byKey_.find(doomed->key);
        if (k != byKey_.end() && k->second == it) byKey_.erase(k);
    }
    order_.erase(it);
}

void SuggestionCache::eraseDocument(std::string_view uri) {
    for (auto it = order_.begin(); it != order_.end();) {
        auto next = std::next(it);
        if ((*it)->uri == uri) erase(*it);
        it = next;
    }
}

void SuggestionCache::clear() {
    order_.clear();
    byKey_.clear();
}

void SuggestionCache::touch(std::list<std::shared_ptr<CachedSuggestion>>::iterator it) {
    order_.splice(order_.begin(), order_, it);  // iterators stay valid
}

std::shared_ptr<CachedSuggestion> SuggestionCache::find(uint64_t key) {
    auto it = byKey_.find(key);
    if (it == byKey_.end()) return nullptr;
    touch(it->second);
    return *it->second;
}

std::optional<CacheMatch> SuggestionCache::match(std::string_view uri, std::string_view text, size_t offset) {
    for (auto it = order_.begin(); it != order_.end(); ++it) {
        const CachedSuggestion& entry = **it;
        if (entry.uri != uri) continue;
        const std::optional<size_t> typed = typedThrough(entry, text, offset);
        if (!typed || (entry.complete && *typed >= entry.text.size())) continue;
        CacheMatch hit{*it, *typed};
        touch(it);
        return hit;
    }
    return std::nullopt;
}

} // namespace flint
