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
#include "suggest/NextEditPrompt.h"

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <type_traits>

namespace flint::lsp {

namespace {

constexpr std::string_view kAcceptCommand = "flint.acceptInlineEdit";

// The `nextEdit` part of the `flint` configuration section (README: Next-edit
// settings). A field that is unknown or of the wrong type is named in `error` (the
// first one) and its default used: the rest of the section still counts.
NextEditSettings readSettings(const json::object& settings, std::string& error) {
    NextEditSettings s;
    const json::value* section = settings.if_contains("nextEdit");
    if (!section || section->is_null()) return s;
    const json::object* o = section->if_object();
    if (!o) {
        error = "flint.nextEdit: expected an object";
        return s;
    }
    auto bad = [&](std::string_view key, std::string_view expected) {
        if (error.empty()) error = "flint.nextEdit." + std::string(key) + ": expected " + std::string(expected);
    };
    auto number = [&](std::string_view key, double low, double high, auto& out) {
        const json::value& v = o->at(key);
        if (!v.is_number() || v.to_number<double>() < low || v.to_number<double>() > high)
            return bad(key, "a whole number from " + std::to_string(long(low)) + " to " + std::to_string(long(high)));
        out = static_cast<std::remove_reference_t<decltype(out)>>(v.to_number<double>());
    };
    auto strings = [&](std::string_view key, std::vector<std::string>& out) {
        const json::value& v = o->at(key);
        const bool ok = v.is_array() && std::all_of(v.as_array().begin(), v.as_array().end(),
                                                    [](const json::value& item) { return item.is_string(); });
        if (!ok) return bad(key, "a list of strings");
        for (const json::value& item : v.as_array()) out.emplace_back(item.as_string());
    };
    for (const auto& [key, v] : *o) {
        if (key == "enabled") {
            if (v.is_bool()) s.enabled = v.as_bool();
            else bad(key, "true or false");
        } else if (key == "format") {
            if (v.is_string() && (v.as_string().empty() || findNextEditFormat(v.as_string()))) s.format = v.as_string();
            else bad(key, "\"\" (by provider kind), \"chat\", \"zeta\" or \"qwen\"");
        } else if (key == "disabledLanguages") {
            strings(key, s.disabledLanguages);
        } else if (key == "disabledGlobs") {
            strings(key, s.disabledGlobs);
        } else if (key == "tokensPerMinute") {
            number(key, 0, 1e12, s.tokensPerMinute);
        } else if (key == "quietMs") {
            long ms = s.quietTime.count();
            number(key, 0, 600'000, ms);
            s.quietTime = std::chrono::milliseconds(ms);
        } else if (key == "regionLines") {
            number(key, 1, 200, s.regionLines);
        } else if (error.empty()) {
            error = "flint.nextEdit." + std::string(key) +
                    ": unknown setting (known: enabled, disabledLanguages, disabledGlobs, tokensPerMinute, quietMs, "
                    "regionLines, format)";
        }
    }
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
    engine->setExclusions(ctx.contextSources);
    ctx.nextEdits = engine;
    ctx.documentChanged.push_back([engine](const std::string& uri) { engine->documentChanged(uri); });
    auto told = std::make_shared<std::set<std::string>>();  // what the user was told about (skips, bad settings)

    // A bad field is reported once, when the configuration that has it is applied.
    ctx.configurationApplied.push_back([&ctx, told] {
        std::string error;
        readSettings(ctx.settings, error);
        if (error.empty() || !told->insert(error).second) return;
        spdlog::warn("configuration: {}", error);
        ctx.showMessage(ServerContext::MessageType::Warning, "Flint: " + error + " (using the default)");
    });

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
        // A client that shows inline completions gets an insertion at the cursor there
        // (lsp/InlineCompletion.cpp), not drawn a second time as an inline edit.
        request.insertionAsCompletion = ctx.client.inlineCompletion;
        engine->setRoots(workspaceRoots(ctx.client));
        std::string settingsError;  // reported when the configuration came (below)
        const NextEditSettings settings = readSettings(ctx.settings, settingsError);
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
