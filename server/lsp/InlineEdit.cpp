// Next-edit suggestions over LSP: `flint/inlineEdit` and, with the same params
// and result, Copilot's `textDocument/copilotInlineEdit` (so Neovim clients written
// for it, copilot-lsp and sidekick.nvim, work unchanged); `textDocument/
// didShowInlineEdit` (shown) and the `flint.acceptInlineEdit` command (accepted),
// which feed the edit history. Translation only: the engine is suggest/NextEditEngine.
//
// Params: {textDocument: {uri, version?}, position}. Result: {edits: [{text,
// textDocument: {uri, version}, range, command}], complete, jump?}. The README
// documents the shapes.
#include "lsp/ServerContext.h"

#include "suggest/NextEditEngine.h"

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace flint::lsp {

namespace {

constexpr std::string_view kAcceptCommand = "flint.acceptInlineEdit";

template <class T>
void readNumber(const json::object& o, std::string_view key, T& out) {
    if (const json::value* v = o.if_contains(key); v && v->is_number()) out = static_cast<T>(v->to_number<double>());
}

void readStrings(const json::object& o, std::string_view key, std::vector<std::string>& out) {
    if (const json::value* v = o.if_contains(key); v && v->is_array())
        for (const json::value& item : v->as_array())
            if (item.is_string()) out.emplace_back(item.as_string());
}

// The `nextEdit` part of the `flint` configuration section (README: Configuration).
NextEditSettings readSettings(const json::object& settings) {
    NextEditSettings s;
    const json::value* section = settings.if_contains("nextEdit");
    const json::object* o = section ? section->if_object() : nullptr;
    if (!o) return s;
    if (const json::value* v = o->if_contains("enabled"); v && v->is_bool()) s.enabled = v->as_bool();
    if (const json::value* v = o->if_contains("format"); v && v->is_string()) s.format = v->as_string();
    readStrings(*o, "disabledLanguages", s.disabledLanguages);
    readStrings(*o, "disabledGlobs", s.disabledGlobs);
    readNumber(*o, "tokensPerMinute", s.tokensPerMinute);
    long quietMs = s.quietTime.count();
    readNumber(*o, "quietMs", quietMs);
    s.quietTime = std::chrono::milliseconds(std::max(0L, quietMs));
    readNumber(*o, "regionLines", s.regionLines);
    s.regionLines = std::clamp<uint32_t>(s.regionLines, 1, 200);
    return s;
}

std::vector<std::string> workspaceRoots(const InitializeParams& client) {
    std::vector<std::string> roots = client.workspaceFolders;
    if (client.rootUri) roots.push_back(*client.rootUri);
    return roots;
}

json::value toJSON(ServerContext& ctx, const NextEditSuggestion& s) {
    json::array edits;
    const Document* doc = ctx.workspace.find(s.uri);
    // Never an edit for another version than the document's: the engine keeps to
    // that, and this checks it once more at the edge.
    const bool current = doc && doc->version() == s.version;
    json::object result;
    if (current) {
        const Text& text = doc->text();
        auto range = [&](const TextEdit& e) {
            return TextRange{text.positionAt(e.start, ctx.encoding), text.positionAt(e.end, ctx.encoding)};
        };
        for (const TextEdit& e : s.edits)
            edits.push_back(json::object{
                {"text", e.text},
                {"textDocument", json::object{{"uri", s.uri}, {"version", s.version}}},
                {"range", lsp::toJSON(range(e))},
                {"command", json::object{{"title", "Accept next edit"},
                                         {"command", kAcceptCommand},
                                         {"arguments", json::array{json::value(s.id)}}}},
            });
        if (!s.edits.empty() && s.jump) result["jump"] = json::object{{"range", lsp::toJSON(range(s.edits[s.best]))}};
    }
    result["edits"] = std::move(edits);
    result["complete"] = s.complete;
    return result;
}

} // namespace

void registerInlineEdit(ServerContext& ctx) {
    NextEditEngine::Schedule schedule;
    if (ctx.loop)
        schedule = [&ctx](std::chrono::milliseconds delay, std::function<void()> task) {
            auto timer = std::make_shared<boost::asio::steady_timer>(*ctx.loop, delay);
            timer->async_wait([timer, task = std::move(task)](const boost::system::error_code& ec) {
                if (!ec) task();
            });
        };
    auto engine = std::make_shared<NextEditEngine>(ctx.workspace, std::move(schedule));
    engine->setExclusions([&ctx](std::string_view uri) { return ctx.contextSources.excludes(uri); });
    ctx.nextEdits = engine;
    ctx.documentChanged.push_back([engine](const std::string& uri) { engine->documentChanged(uri); });
    auto told = std::make_shared<std::set<std::string>>();  // skip reasons the user was told about

    auto handler = [&ctx, engine, told](const json::value& params, Reply reply, CancellationToken token) {
        TextDocumentPositionParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return reply.error(ErrorCode::InvalidParams, error);
        const Document* doc = ctx.workspace.find(p.uri);
        if (!doc) return reply.error(ErrorCode::InvalidParams, "document is not open: " + p.uri);
        NextEditEngine::Request request;
        request.uri = p.uri;
        request.offset = doc->text().offsetAt(p.position, ctx.encoding);
        if (const json::value* version = params.at("textDocument").as_object().if_contains("version");
            version && version->is_int64())
            request.version = version->as_int64();
        engine->setRoots(workspaceRoots(ctx.client));
        const NextEditSettings settings = readSettings(ctx.settings);
        engine->suggest(request, ctx.providerFor(ServerContext::Feature::NextEdit), settings, token,
                        [&ctx, reply, told, settings](NextEditSuggestion s) {
                            if (s.skipped == "budget" && told->insert(s.skipped).second)
                                ctx.showMessage(ServerContext::MessageType::Warning,
                                                "Flint: next-edit suggestions are paused for a moment: they used their "
                                                "budget of " + std::to_string(settings.tokensPerMinute) +
                                                    " tokens per minute (flint.nextEdit.tokensPerMinute).");
                            if (s.skipped == "no-format" && told->insert(s.skipped).second)
                                ctx.showMessage(ServerContext::MessageType::Info,
                                                "Flint: next-edit suggestions need a chat or completions endpoint, or "
                                                "flint.nextEdit.format set to chat, zeta or qwen.");
                            reply.result(toJSON(ctx, s));
                        });
    };
    ctx.onRequest("flint/inlineEdit", handler);
    ctx.onRequest("textDocument/copilotInlineEdit", handler);

    // {item: {command: {arguments: [id]}}} as Copilot clients send it, or {id}.
    ctx.onNotification("textDocument/didShowInlineEdit", [engine](const json::value& params) {
        const json::object* o = params.if_object();
        const json::value* id = o ? o->if_contains("id") : nullptr;
        if (const json::value* item = o ? o->if_contains("item") : nullptr; !id && item && item->is_object())
            if (const json::value* command = item->as_object().if_contains("command"); command && command->is_object())
                if (const json::value* args = command->as_object().if_contains("arguments");
                    args && args->is_array() && !args->as_array().empty())
                    id = &args->as_array().front();
        if (id && id->is_string()) engine->shown(std::string(id->as_string()));
    });

    ctx.onCommand(std::string(kAcceptCommand), [engine](const json::array& arguments, Reply reply, CancellationToken) {
        if (!arguments.empty() && arguments.front().is_string()) {
            const std::string id(arguments.front().as_string());
            if (!engine->accepted(id)) spdlog::debug("{}: no suggestion {}", kAcceptCommand, id);
        }
        reply.result(nullptr);
    });
}

} // namespace flint::lsp
