// Text synchronisation: didOpen / didChange (incremental) / didClose / didSave,
// feeding the workspace, which keeps each document's syntax tree in step.
//
// A keystroke's reparse gets a small budget on the event loop; a parse that needs
// more (some edits make tree-sitter re-lex the rest of the file) continues in
// slices queued behind incoming messages, so no message waits on a long parse.
#include "lsp/ServerContext.h"

#include <spdlog/spdlog.h>

#include <set>

namespace flint::lsp {

namespace {

using namespace std::chrono_literals;
constexpr auto kKeystrokeParseBudget = 500us;
constexpr auto kIdleParseSlice = 1000us;

// Queues the next slice of a pending parse, once per document.
void continueParseLater(ServerContext& ctx, const std::shared_ptr<std::set<std::string>>& queued,
                        const std::string& uri) {
    if (!queued->insert(uri).second) return;
    ctx.defer([&ctx, queued, uri] {
        queued->erase(uri);
        Document* doc = ctx.workspace.find(uri);
        if (doc && !doc->continueParse(kIdleParseSlice)) continueParseLater(ctx, queued, uri);
    });
}

} // namespace

void registerTextSync(ServerContext& ctx) {
    auto parseQueued = std::make_shared<std::set<std::string>>();
    ctx.capabilities["textDocumentSync"] = json::object{
        {"openClose", true},
        {"change", 2},  // TextDocumentSyncKind.Incremental
        {"save", json::object{{"includeText", false}}},
    };

    ctx.onNotification("textDocument/didOpen", [&ctx](const json::value& params) {
        DidOpenTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return spdlog::warn("textDocument/didOpen: {}", error);
        TextDocumentItem& item = p.textDocument;
        const Document& doc = ctx.workspace.open(item.uri, item.languageId, item.version, std::move(item.text));
        spdlog::debug("opened {} ({}, {} lines, grammar {})", doc.uri(), doc.languageId(),
                      doc.text().lineCount(), doc.language() ? doc.language()->name() : "none");
    });

    ctx.onNotification("textDocument/didChange", [&ctx, parseQueued](const json::value& params) {
        DidChangeTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return spdlog::warn("textDocument/didChange: {}", error);
        if (const Document* doc = ctx.workspace.find(p.textDocument.uri);
            doc && p.textDocument.version <= doc->version())
            spdlog::warn("didChange for {}: version {} does not follow {}", doc->uri(),
                         p.textDocument.version, doc->version());
        error = ctx.workspace.change(p.textDocument.uri, p.textDocument.version, p.contentChanges,
                                     ctx.encoding, kKeystrokeParseBudget);
        if (!error.empty()) return spdlog::warn("{}", error);
        if (ctx.workspace.find(p.textDocument.uri)->parsePending())
            continueParseLater(ctx, parseQueued, p.textDocument.uri);
        ctx.notifyDocumentChanged(p.textDocument.uri);
    });

    ctx.onNotification("textDocument/didClose", [&ctx](const json::value& params) {
        DidCloseTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return spdlog::warn("textDocument/didClose: {}", error);
        if (!ctx.workspace.close(p.uri)) return spdlog::warn("didClose for a document that is not open: {}", p.uri);
        ctx.notifyDocumentChanged(p.uri);
    });

    ctx.onNotification("textDocument/didSave", [&ctx](const json::value& params) {
        DidSaveTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return spdlog::warn("textDocument/didSave: {}", error);
        const Document* doc = ctx.workspace.find(p.uri);
        if (!doc) return spdlog::warn("didSave for a document that is not open: {}", p.uri);
        if (p.text && *p.text != doc->text().str())
            spdlog::warn("didSave for {}: saved text differs from the synchronised text", p.uri);
    });
}

} // namespace flint::lsp
