// Text synchronisation: didOpen / didChange (incremental) / didClose / didSave,
// feeding the workspace, which keeps each document's syntax tree in step.
//
// A keystroke's reparse gets a small budget on the event loop; a parse that needs
// more (some edits make tree-sitter re-lex the rest of the file) continues in
// slices queued behind incoming messages, so no message waits on a long parse.
//
// A parse that costs more than the gap between keystrokes would be abandoned at every
// keystroke (an edit makes the partial parse useless) and begun again: a core spent
// on trees never finished. Once a document's last parse cost more than kSlowParse, or
// a keystroke abandoned it, its keystrokes only edit the tree, and the parse starts
// when typing pauses for as long as that parse took (kSlowParse to kMaxQuietWait).
// A request that needs the tree before then parses it itself (Document::parsedSyntax).
#include "lsp/ServerContext.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

namespace flint::lsp {

namespace {

using namespace std::chrono_literals;
constexpr auto kKeystrokeParseBudget = 500us;
constexpr auto kIdleParseSlice = 1000us;
constexpr auto kSlowParse = 2000us;
constexpr auto kMaxQuietWait = 100ms;

// Pending parses: the documents with a slice queued, and the slow ones waiting for a
// pause in typing.
struct Parses {
    std::set<std::string> queued;
    std::map<std::string, std::unique_ptr<boost::asio::steady_timer>> waiting;
};

// Queues the next slice of a pending parse, once per document.
void continueParseLater(ServerContext& ctx, const std::shared_ptr<Parses>& parses, const std::string& uri) {
    if (parses->waiting.contains(uri) || !parses->queued.insert(uri).second) return;
    ctx.defer([&ctx, parses, uri] {
        parses->queued.erase(uri);
        if (parses->waiting.contains(uri)) return;  // typing resumed: the pause restarts it
        Document* doc = ctx.workspace.find(uri);
        if (doc && !doc->continueParse(kIdleParseSlice)) continueParseLater(ctx, parses, uri);
    });
}

// Starts the document's parse once nothing has changed it for `quiet`; each call
// starts the wait again.
void parseAfterPause(ServerContext& ctx, const std::shared_ptr<Parses>& parses, const std::string& uri,
                     std::chrono::nanoseconds quiet) {
    auto& timer = parses->waiting[uri];
    if (!timer) timer = std::make_unique<boost::asio::steady_timer>(*ctx.loop);
    timer->expires_after(quiet);
    timer->async_wait([&ctx, parses, uri, t = timer.get()](const boost::system::error_code& ec) {
        auto it = parses->waiting.find(uri);
        if (ec || it == parses->waiting.end() || it->second.get() != t) return;
        parses->waiting.erase(it);
        continueParseLater(ctx, parses, uri);
    });
}

} // namespace

void registerTextSync(ServerContext& ctx) {
    auto parses = std::make_shared<Parses>();
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
        if (doc.language() && ctx.warmLanguage) ctx.warmLanguage(*doc.language());
        spdlog::debug("opened {} ({}, {} lines, grammar {})", doc.uri(), doc.languageId(),
                      doc.text().lineCount(), doc.language() ? doc.language()->name() : "none");
    });

    ctx.onNotification("textDocument/didChange", [&ctx, parses](const json::value& params) {
        DidChangeTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return spdlog::warn("textDocument/didChange: {}", error);
        const Document* before = ctx.workspace.find(p.textDocument.uri);
        if (before && p.textDocument.version <= before->version())
            spdlog::warn("didChange for {}: version {} does not follow {}", before->uri(),
                         p.textDocument.version, before->version());
        const auto cost = before ? before->lastParseCost() : std::chrono::nanoseconds(0);
        const bool slow = ctx.loop && before && (cost > kSlowParse || before->lastParseAbandoned());
        error = ctx.workspace.change(p.textDocument.uri, p.textDocument.version, p.contentChanges,
                                     ctx.encoding, slow ? 0us : kKeystrokeParseBudget);
        if (!error.empty()) return spdlog::warn("{}", error);
        if (before->parsePending()) {  // changed in place: no error means it was open
            if (slow)
                parseAfterPause(ctx, parses, p.textDocument.uri,
                                std::clamp<std::chrono::nanoseconds>(cost, kSlowParse, kMaxQuietWait));
            else continueParseLater(ctx, parses, p.textDocument.uri);
        }
        ctx.notifyDocumentChanged(p.textDocument.uri);
    });

    ctx.onNotification("textDocument/didClose", [&ctx, parses](const json::value& params) {
        DidCloseTextDocumentParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return spdlog::warn("textDocument/didClose: {}", error);
        parses->waiting.erase(p.uri);  // its timer is cancelled with it
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
