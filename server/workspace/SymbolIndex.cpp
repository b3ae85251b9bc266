#include "workspace/SymbolIndex.h"

#include "support/Utf8.h"
#include "workspace/Document.h"
#include "workspace/FileUri.h"

#include <algorithm>

namespace flint {

namespace {

constexpr size_t kSignatureLines = 4;
constexpr size_t kSignatureBytes = 240;

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

} // namespace

std::string definitionSignature(std::string_view text, uint32_t startByte, uint32_t endByte) {
    startByte = std::min<uint32_t>(startByte, static_cast<uint32_t>(text.size()));
    endByte = std::clamp<uint32_t>(endByte, startByte, static_cast<uint32_t>(text.size()));
    size_t at = startByte == 0 ? std::string_view::npos : text.rfind('\n', startByte - 1);
    at = at == std::string_view::npos ? 0 : at + 1;
    std::string signature;
    int depth = 0;
    for (size_t lines = 0; lines < kSignatureLines && at <= endByte && at < text.size(); ++lines) {
        const size_t eol = std::min(text.find('\n', at), text.size());
        const std::string_view line = trimRight(text.substr(at, eol - at));
        if (!signature.empty()) signature += '\n';
        signature += line;
        for (const char c : line) {
            if (c == '(' || c == '[') ++depth;
            else if (c == ')' || c == ']') --depth;
        }
        if (depth <= 0 || signature.size() >= kSignatureBytes) break;
        at = eol + 1;
    }
    return std::string(utf8Prefix(signature, kSignatureBytes));  // no character cut in two
}

std::vector<Symbol> symbolsOf(std::span<const Definition> definitions, const Text& text) {
    std::vector<Symbol> symbols;
    symbols.reserve(definitions.size());
    std::vector<size_t> open;  // indices of the definitions enclosing the current one
    for (size_t i = 0; i < definitions.size(); ++i) {
        const Definition& d = definitions[i];
        while (!open.empty() && !(definitions[open.back()].startByte <= d.startByte &&
                                  d.endByte <= definitions[open.back()].endByte))
            open.pop_back();
        Symbol symbol;
        symbol.name = d.name;
        symbol.kind = d.kind;
        symbol.signature = definitionSignature(text.str(), d.startByte, d.endByte);
        symbol.line = text.lineOf(d.startByte);
        if (!open.empty()) {
            const Symbol& outer = symbols[open.back()];
            symbol.container = outer.signature.substr(0, outer.signature.find('\n'));
        }
        symbols.push_back(std::move(symbol));
        open.push_back(i);
    }
    return symbols;
}

std::string fileKey(std::string_view uri) {
    if (auto path = pathFromFileUri(uri)) return std::move(*path);
    return std::string(uri);
}

uint32_t SymbolIndex::allocate(std::string key, bool open) {
    uint32_t slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        slot = static_cast<uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    slots_[slot] = Slot{std::move(key), open, 0, -1, {}};
    return slot;
}

void SymbolIndex::unlinkNames(uint32_t slot) {
    auto& names = slots_[slot].open ? openNames_ : fileNames_;
    for (const Symbol& symbol : slots_[slot].symbols) {
        auto bucket = names.find(symbol.name);
        if (bucket == names.end()) continue;
        std::erase_if(bucket->second, [&](const Ref& ref) { return ref.slot == slot; });
        if (bucket->second.empty()) names.erase(bucket);
    }
    symbols_ -= slots_[slot].symbols.size();
    slots_[slot].symbols.clear();
}

void SymbolIndex::fill(uint32_t slot, std::vector<Symbol> symbols) {
    unlinkNames(slot);
    slots_[slot].symbols = std::move(symbols);
    const auto& list = slots_[slot].symbols;
    auto& names = slots_[slot].open ? openNames_ : fileNames_;
    for (uint32_t i = 0; i < list.size(); ++i) {
        auto bucket = names.find(list[i].name);
        if (bucket == names.end()) bucket = names.emplace(list[i].name, std::vector<Ref>{}).first;
        bucket->second.push_back(Ref{slot, i});
    }
    symbols_ += list.size();
}

void SymbolIndex::release(uint32_t slot) {
    unlinkNames(slot);
    slots_[slot] = Slot{};
    free_.push_back(slot);
}

void SymbolIndex::setFile(const std::string& key, std::vector<Symbol> symbols) {
    auto it = files_.find(key);
    const uint32_t slot = it != files_.end() ? it->second : files_.emplace(key, allocate(key, false)).first->second;
    fill(slot, std::move(symbols));
}

void SymbolIndex::removeFile(const std::string& key) {
    auto it = files_.find(key);
    if (it == files_.end()) return;
    release(it->second);
    files_.erase(it);
}

void SymbolIndex::removeFilesIf(const std::function<bool(const std::string& key)>& drop) {
    for (auto it = files_.begin(); it != files_.end();) {
        if (drop(it->first)) {
            release(it->second);
            it = files_.erase(it);
        } else {
            ++it;
        }
    }
}

void SymbolIndex::clearFiles() {
    removeFilesIf([](const std::string&) { return true; });
}

void SymbolIndex::syncDocument(Document& document) {
    // The common case, asked for every open document on every request: unchanged.
    if (auto known = documentUris_.find(document.uri());
        known != documentUris_.end() && slots_[known->second].version == document.version())
        return;
    const std::string key = fileKey(document.uri());
    auto it = documents_.find(key);
    const uint32_t slot = it != documents_.end() ? it->second : documents_.emplace(key, allocate(key, true)).first->second;
    documentUris_[document.uri()] = slot;
    slots_[slot].version = document.version();
    const std::vector<Definition>& definitions = document.definitions();
    if (slots_[slot].generation == document.definitionsGeneration()) return;
    slots_[slot].generation = document.definitionsGeneration();
    fill(slot, symbolsOf(definitions, document.text()));
}

void SymbolIndex::forgetDocument(const std::string& uri) {
    documentUris_.erase(uri);
    auto it = documents_.find(fileKey(uri));
    if (it == documents_.end()) return;
    release(it->second);
    documents_.erase(it);
}

std::vector<SymbolIndex::Hit> SymbolIndex::lookup(std::string_view name, std::string_view exceptKey,
                                                 size_t limit) const {
    std::vector<Hit> hits;
    size_t available = 0;
    for (const auto* names : {&openNames_, &fileNames_})
        if (auto bucket = names->find(name); bucket != names->end()) available += bucket->second.size();
    if (available == 0) return hits;
    hits.reserve(std::min(available, limit));
    // Open documents first: what the user works on now.
    for (const auto* names : {&openNames_, &fileNames_}) {
        auto bucket = names->find(name);
        if (bucket == names->end()) continue;
        for (const Ref& ref : bucket->second) {
            if (hits.size() >= limit) return hits;
            const Slot& slot = slots_[ref.slot];
            if (!exceptKey.empty() && slot.key == exceptKey) continue;
            if (!slot.open && documents_.find(slot.key) != documents_.end()) continue;
            hits.push_back(Hit{&slot.key, &slot.symbols[ref.index], slot.open});
        }
    }
    return hits;
}

} // namespace flint
