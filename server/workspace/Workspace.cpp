#include "workspace/Workspace.h"

namespace flint {

Document& Workspace::open(std::string uri, std::string languageId, int64_t version, std::string text) {
    auto document = std::make_unique<Document>(uri, std::move(languageId), version, std::move(text));
    auto& slot = documents_[std::move(uri)];
    slot = std::move(document);
    return *slot;
}

std::string Workspace::change(const std::string& uri, int64_t version,
                              std::span<const ContentChange> changes, PositionEncoding encoding,
                              std::optional<std::chrono::microseconds> parseBudget) {
    Document* document = find(uri);
    if (!document) return "didChange for a document that is not open: " + uri;
    document->applyChanges(changes, version, encoding, parseBudget);
    return {};
}

bool Workspace::close(const std::string& uri) { return documents_.erase(uri) > 0; }

Document* Workspace::find(const std::string& uri) {
    auto it = documents_.find(uri);
    return it == documents_.end() ? nullptr : it->second.get();
}

const Document* Workspace::find(const std::string& uri) const {
    auto it = documents_.find(uri);
    return it == documents_.end() ? nullptr : it->second.get();
}

} // namespace flint
