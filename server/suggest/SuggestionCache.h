#pragma once
// The inline-completion cache: suggestions by the request that produced them
// (an LRU keyed by a hash of what was sent to the model), and "typed-through"
// lookup: when the text at the cursor is the text a suggestion was made for plus
// the first characters of that suggestion, the rest of it is still the answer.
// Pure: a cache of values and text comparisons, no clock, no I/O.
//
//   auto entry = std::make_shared<CachedSuggestion>(anchorAt(uri, text, offset));
//   entry->key = requestKey(request, "openai-chat http://... model");
//   cache.insert(entry);                     // live: its stream keeps growing entry->text
//   ...
//   if (auto hit = cache.match(uri, newText, newOffset)) show(hit->remainder());
//
// An entry remembers the text around the cursor it was made for: `before` (the
// last kBeforeBytes before it) and `after` (the first kAfterBytes after it). A
// position matches with `typed` bytes typed through when the text before it is
// `before` + the first `typed` bytes of the suggestion and the text after it is
// `after`. So a backspace (fewer bytes typed) still matches, a different
// character or a cursor moved elsewhere does not, and an edit far from the cursor
// (beyond those windows) does not disturb a match.

#include "model/WireFormat.h"

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace flint {

struct CachedSuggestion {
    static constexpr size_t kBeforeBytes = 2048;
    static constexpr size_t kAfterBytes = 512;

    uint64_t key = 0;          // requestKey() of what was sent; 0 for none
    std::string uri;
    std::string before;        // text before the cursor it was made for (its tail)
    bool beforeIsStart = false;  // `before` reaches the start of the document
    std::string after;         // text after the cursor (its head)
    bool afterIsEnd = false;     // `after` reaches the end of the document
    std::string text;          // the shaped suggestion so far
    bool lineDone = false;     // its last line is whole (a line break follows in the reply)
    bool complete = false;     // its stream has ended: `text` is final
    std::string model;         // the model that served it, once known
    std::optional<StreamUsage> usage;  // the server's report of its work, once complete
    bool prefetched = false;   // fetched speculatively and not used yet
};

// An entry anchored at `offset` in `text` (its text still empty).
CachedSuggestion anchorAt(std::string uri, std::string_view text, size_t offset);

// True when `text` at `offset` is the entry's anchor with its first `typed` bytes typed.
bool continuesAt(const CachedSuggestion& entry, std::string_view text, size_t offset, size_t typed);

// The fewest bytes of the entry's text typed through at `offset`, if any count matches.
std::optional<size_t> typedThrough(const CachedSuggestion& entry, std::string_view text, size_t offset);

// Where a suggestion meant to go at `start` stands in `text`: the text before
// `start` is the entry's `before`, and from `start` come the first n bytes of the
// suggestion, then its `after`. The fewest such n (how much of it has been typed
// or accepted), or nothing when the text has diverged from it.
std::optional<size_t> typedFrom(const CachedSuggestion& entry, std::string_view text, size_t start);

// A stable hash of a model request and the model it goes to: the cache key.
uint64_t requestKey(const ModelRequest& request, std::string_view model);

struct CacheMatch {
    std::shared_ptr<CachedSuggestion> entry;
    size_t typed = 0;  // bytes of entry->text the user has typed since
    std::string_view remainder() const {
        return typed < entry->text.size() ? std::string_view(entry->text).substr(typed) : std::string_view();
    }
};

class SuggestionCache {
public:
    explicit SuggestionCache(size_t capacity = 256) : capacity_(capacity) {}

    void setCapacity(size_t capacity);
    size_t size() const { return order_.size(); }
    // Adds `entry` as the most recent (an entry with the same key is replaced).
    void insert(std::shared_ptr<CachedSuggestion> entry);
    void erase(const std::shared_ptr<CachedSuggestion>& entry);
    void eraseDocument(std::string_view uri);
    void clear();

    // The entry stored under `key`, marked most recent.
    std::shared_ptr<CachedSuggestion> find(uint64_t key);
    // The most recent entry of `uri` that `text` at `offset` continues with something
    // left to show (an entry still streaming counts even when nothing is left yet).
    std::optional<CacheMatch> match(std::string_view uri, std::string_view text, size_t offset);

private:
    void touch(std::list<std::shared_ptr<CachedSuggestion>>::iterator it);
    size_t capacity_;
    std::list<std::shared_ptr<CachedSuggestion>> order_;  // most recent first
    std::unordered_map<uint64_t, std::list<std::shared_ptr<CachedSuggestion>>::iterator> byKey_;
};

} // namespace flint
