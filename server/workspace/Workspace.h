#pragma once
// The open documents, by URI. The analysis core starts empty and is fed changes;
// it does no I/O and knows nothing of JSON-RPC.
//
//   Workspace ws;
//   ws.open("file:///a.py", "python", 1, "x = 1\n");
//   std::string error = ws.change("file:///a.py", 2, changes, PositionEncoding::Utf16);
//   if (!error.empty()) spdlog::warn("{}", error);

#include "workspace/Document.h"

#include <map>
#include <memory>
#include <string>

namespace flint {

class Workspace {
public:
    // Opens (or, if already open, replaces) a document.
    Document& open(std::string uri, std::string languageId, int64_t version, std::string text);
    // Returns an empty string on success, else why the change was refused.
    std::string change(const std::string& uri, int64_t version,
                       std::span<const ContentChange> changes, PositionEncoding encoding,
                       std::optional<std::chrono::microseconds> parseBudget = std::nullopt);
    bool close(const std::string& uri);

    template <class F>
    void forEachDocument(F&& f) const {
        for (const auto& [uri, document] : documents_) f(static_cast<const Document&>(*document));
    }
    template <class F>
    void forEachDocument(F&& f) {
        for (auto& [uri, document] : documents_) f(*document);
    }

    Document* find(const std::string& uri);
    const Document* find(const std::string& uri) const;
    size_t size() const { return documents_.size(); }

private:
    std::map<std::string, std::unique_ptr<Document>, std::less<>> documents_;
};

} // namespace flint
