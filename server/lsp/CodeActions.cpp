// textDocument/codeAction, codeAction/resolve and the flint.runCodeAction command:
// model-backed refactors (actions/CodeActions).
//
// Listing is instant and calls no model: each action carries `data` saying what to
// do (action, uri, version, range, diagnostic). The model is called only when the
// user picks one: in codeAction/resolve (clients that resolve `edit`), or through
// workspace/executeCommand flint.runCodeAction, which ends in workspace/applyEdit
// (clients that don't). "Edit with an instruction" carries the client-side command
// flint.editWithInstruction: the client asks the user for the instruction and runs
// flint.runCodeAction with `instruction` added to the data.
//
// While the model streams, work-done progress is reported (when the client supports
// it); $/cancelRequest or cancelling the progress closes the stream and nothing is
// applied. The edit is a WorkspaceEdit of the minimal changes, versioned (a
// TextDocumentEdit) when the client supports documentChanges; an edit is never
// offered for a document that changed after the action was listed.
#include "lsp/ServerContext.h"

#include "actions/ActionStats.h"
#include "actions/CodeActions.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <utility>

namespace flint::lsp {

namespace {

constexpr std::string_view kRunCommand = "flint.runCodeAction";
constexpr std::string_view kInstructionCommand = "flint.editWithInstruction";

bool capabilityIsTrue(const ServerContext& ctx, std::string_view path) {
    const json::value* v = clientCapability(ctx.client, path);
    return v && v->is_bool() && v->as_bool();
}

bool resolvesEdits(const ServerContext& ctx) {
    const json::value* properties = clientCapability(ctx.client, "textDocument.codeAction.resolveSupport.properties");
    if (!properties || !properties->is_array()) return false;
    for (const json::value& p : properties->as_array())
        if (p.is_string() && p.as_string() == "edit") return true;
    return false;
}

// Why the actions cannot run now, or "" when they can.
std::string unavailableReason(ServerContext& ctx) {
    Provider* provider = ctx.providerFor(ServerContext::Feature::Actions);
    if (!provider) return "Flint: no model is configured (set flint.provider)";
    const std::string& kind = provider->config().kind;
    if (kind != "openai-chat" && kind != "openai-responses")
        return "Flint: code actions need a chat model (provider kind openai-chat or openai-responses), not " + kind;
    return {};
}

// The `data` an action carries from listing to resolve.
struct ActionData {
    ActionKind kind = ActionKind::Rewrite;
    std::string uri;
    int64_t version = 0;
    TextRange range;
    std::optional<json::value> diagnostic;  // as the client sent it
    std::string scope;
    std::string title;
    std::string instruction;
};

json::value encodeData(const ActionData& d) {
    json::object o{{"flint", "codeAction"}, {"action", toString(d.kind)}, {"uri", d.uri}, {"version", d.version},
                   {"range", toJSON(d.range)}, {"title", d.title}};
    if (d.diagnostic) o["diagnostic"] = *d.diagnostic;
    if (!d.scope.empty()) o["scope"] = d.scope;
    if (!d.instruction.empty()) o["instruction"] = d.instruction;
    return o;
}

bool decodeData(const json::value& v, ActionData& out, std::string& error) {
    const json::object* o = v.if_object();
    if (!o || !o->contains("action") || !o->contains("uri")) {
        error = "data: not a Flint code action";
        return false;
    }
    const json::value& action = o->at("action");
    const auto kind = action.is_string() ? parseActionKind(action.as_string()) : std::nullopt;
    if (!kind) {
        error = "data.action: unknown action";
        return false;
    }
    out.kind = *kind;
    const json::value* uri = o->if_contains("uri");
    const json::value* version = o->if_contains("version");
    if (!uri->is_string() || !version || !version->is_int64()) {
        error = "data: uri and version expected";
        return false;
    }
    out.uri = std::string(uri->as_string());
    out.version = version->as_int64();
    if (!lsp::fromJSON(o->at("range"), out.range, error, "data.range")) return false;
    if (const json::value* d = o->if_contains("diagnostic")) out.diagnostic = *d;
    if (const json::value* s = o->if_contains("scope"); s && s->is_string()) out.scope = std::string(s->as_string());
    if (const json::value* t = o->if_contains("title"); t && t->is_string()) out.title = std::string(t->as_string());
    if (const json::value* i = o->if_contains("instruction"); i && i->is_string())
        out.instruction = std::string(i->as_string());
    return true;
}

std::optional<ActionDiagnostic> toDiagnostic(const json::value& v, const Text& text, PositionEncoding encoding) {
    const json::object* o = v.if_object();
    if (!o || !o->contains("range")) return std::nullopt;
    TextRange range;
    std::string ignored;
    if (!lsp::fromJSON(o->at("range"), range, ignored)) return std::nullopt;
    ActionDiagnostic d;
    d.startByte = static_cast<uint32_t>(text.offsetAt(range.start, encoding));
    d.endByte = static_cast<uint32_t>(text.offsetAt(range.end, encoding));
    if (const json::value* m = o->if_contains("message"); m && m->is_string()) d.message = std::string(m->as_string());
    if (const json::value* s = o->if_contains("source"); s && s->is_string()) d.source = std::string(s->as_string());
    return d;
}

// `only` holds kinds like "quickfix" or "refactor": an action matches a kind it equals or extends.
bool wanted(const std::vector<std::string>& only, const std::string& kind) {
    if (only.empty()) return true;
    for (const std::string& k : only)
        if (kind == k || (kind.size() > k.size() && kind.compare(0, k.size(), k) == 0 && kind[k.size()] == '.'))
            return true;
    return false;
}

json::value workspaceEdit(ServerContext& ctx, const Document& doc, const std::vector<ActionEdit>& edits) {
    json::array textEdits;
    for (const ActionEdit& e : edits)
        textEdits.push_back(json::object{
            {"range", toJSON(TextRange{doc.text().positionAt(e.startByte, ctx.encoding),
                                       doc.text().positionAt(e.endByte, ctx.encoding)})},
            {"newText", e.text}});
    if (capabilityIsTrue(ctx, "workspace.workspaceEdit.documentChanges"))
        return json::object{{"documentChanges",
                             json::array{json::object{
                                 {"textDocument", json::object{{"uri", doc.uri()}, {"version", doc.version()}}},
                                 {"edits", std::move(textEdits)}}}}};
    return json::object{{"changes", json::object{{doc.uri(), std::move(textEdits)}}}};
}

// Work-done progress for one run, when the client supports it: created, begun once
// the client acknowledged the token, reported, ended. Cancelling it cancels the run.
struct Progress {
    explicit Progress(ServerContext& c) : ctx(c) {}
    ServerContext& ctx;
    std::string token;
    bool created = false;
    bool ended = false;
    std::string title;
    std::optional<json::object> pending;
    std::function<void()> onCancel;

    void report(json::object value) {
        if (ended) return;
        // Before the client acknowledged the token, keep the latest report for then.
        if (!created) {
            if (value["kind"] == "report") pending = std::move(value);
            return;
        }
        ctx.notify("$/progress", json::object{{"token", token}, {"value", std::move(value)}});
    }
    void begin() {
        created = true;
        report(json::object{{"kind", "begin"}, {"title", title}, {"cancellable", true}, {"message", "asking the model"}});
        if (pending) report(std::exchange(pending, std::nullopt).value());
    }
    void end(std::string message) {
        if (ended) return;
        if (created) report(json::object{{"kind", "end"}, {"message", std::move(message)}});
        ended = true;
        onCancel = nullptr;  // nothing left to cancel (and no cycle through the call's handlers)
    }
};

struct State {
    uint64_t nextRun = 1;
    std::map<std::string, std::weak_ptr<Progress>> progress;  // by token
    ActionStats stats;
};

using SteadyClock = std::chrono::steady_clock;

double millisecondsSince(SteadyClock::time_point from, SteadyClock::time_point to = SteadyClock::now()) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

using Done = std::function<void(json::value edit, std::optional<ResponseError> error)>;

// Runs the action: the model streams the rewrite of the region; then the result is
// checked against the document as it is now.
void runAction(ServerContext& ctx, State& state, const ActionData& data, CancellationToken token, Done done) {
    const SteadyClock::time_point began = SteadyClock::now();
    ActionStats& stats = state.stats;
    ++stats.requests;
    auto skip = [&](std::string why, ResponseError error) {
        ++stats.skipped[std::move(why)];
        done({}, std::move(error));
    };
    Document* doc = ctx.workspace.find(data.uri);
    if (!doc) return skip("not-open", ResponseError{ErrorCode::InvalidParams, "document is not open: " + data.uri, {}});
    if (doc->version() != data.version)
        return skip("content-modified", ResponseError{ErrorCode::ContentModified,
                                                      "the document changed since the action was offered: ask again", {}});
    if (std::string reason = unavailableReason(ctx); !reason.empty())
        return skip(ctx.providerFor(ServerContext::Feature::Actions) ? "no-chat-model" : "no-model",
                    ResponseError{ErrorCode::RequestFailed, reason, {}});
    // An excluded file (.gitignore, .flintignore, a secret file) is never sent anywhere.
    if (ctx.contextSources.excludes(data.uri))
        return skip("excluded", ResponseError{ErrorCode::RequestFailed,
                                              "Flint: this file is excluded from what models see (.gitignore, "
                                              ".flintignore, context.exclude or a secret file)",
                                              {}});
    if (data.kind == ActionKind::Instruct && data.instruction.empty())
        return skip("no-instruction", ResponseError{ErrorCode::InvalidParams,
                                                    "data.instruction: this action needs the user's instruction", {}});

    const Text& text = doc->text();
    OfferedAction action;
    action.kind = data.kind;
    action.startByte = static_cast<uint32_t>(text.offsetAt(data.range.start, ctx.encoding));
    action.endByte = static_cast<uint32_t>(text.offsetAt(data.range.end, ctx.encoding));
    action.scopeName = data.scope;
    if (data.diagnostic) action.diagnostic = toDiagnostic(*data.diagnostic, text, ctx.encoding);
    const ActionRegion region = regionFor(*doc, action);
    RedactedSecrets secrets;
    ModelRequest request = buildActionRequest(*doc, action, region, data.instruction, 2048, &secrets);
    if (secrets.redacted) spdlog::debug("code action: {} secret(s) redacted from the request", secrets.redacted);

    auto progress = std::make_shared<Progress>(ctx);
    progress->token = "flint/action/" + std::to_string(state.nextRun++);
    progress->title = data.title.empty() ? "Flint: " + std::string(toString(data.kind)) : data.title;
    if (ctx.client.workDoneProgress) {
        std::erase_if(state.progress, [](const auto& entry) { return entry.second.expired(); });
        state.progress[progress->token] = progress;
        ctx.request("window/workDoneProgress/create", json::object{{"token", progress->token}},
                    [progress](const json::value&, const ResponseError* error) {
                        if (error || progress->ended) return;
                        progress->begin();
                    });
    }

    auto reply = std::make_shared<std::string>();
    auto finished = std::make_shared<bool>(false);
    const std::string uri = data.uri;
    const int64_t version = data.version;
    Provider* provider = ctx.providerFor(ServerContext::Feature::Actions);
    spdlog::debug("code action {} on {} ({} bytes of region)", toString(data.kind), uri, region.endByte - region.startByte);
    ++stats.modelRequests;
    // The stream's figures; Flint's own time is what it spent before the request left
    // plus what it spends on the finished rewrite (the check's re-parse, the diff, the reply).
    auto meter = std::make_shared<StreamMeter>(SteadyClock::now());
    auto requestSide = std::make_shared<SteadyClock::duration>();
    std::shared_ptr<ProviderCall> call = provider->stream(
        std::move(request),
        [&ctx, &stats, reply, finished, progress, meter, requestSide, region, uri, version, done,
         secrets = std::move(secrets)](const StreamUpdate& update) {
            if (*finished) return;
            const SteadyClock::time_point arrived = SteadyClock::now();
            meter->update(stats, update, arrived);
            reply->append(update.text);
            if (update.end == StreamUpdate::End::None) {
                if (!update.text.empty())
                    progress->report(json::object{
                        {"kind", "report"},
                        {"message", std::to_string(std::count(reply->begin(), reply->end(), '\n')) + " lines written"}});
                return;
            }
            *finished = true;
            if (update.end == StreamUpdate::End::Error || update.end == StreamUpdate::End::Truncated) {
                progress->end("failed");
                return done({}, ResponseError{ErrorCode::RequestFailed, "Flint: the model failed: " + update.error, {}});
            }
            // From here on the time is Flint's, whatever the outcome.
            auto refuse = [&](std::string_view why, int code, std::string message, std::string progressMessage) {
                ++stats.refused[std::string(why)];
                progress->end(std::move(progressMessage));
                done({}, ResponseError{code, std::move(message), {}});
                stats.addedMs.add(millisecondsSince(arrived) + std::chrono::duration<double, std::milli>(*requestSide).count());
            };
            Document* doc = ctx.workspace.find(uri);
            if (!doc || doc->version() != version)
                return refuse("content-modified", ErrorCode::ContentModified,
                              "the document changed while the model was writing: ask again", "the document changed");
            // The rewrite was written from placeholders: the user's secrets go back in
            // (never the placeholder into the file), or nothing changes.
            if (!restoreSecrets(*reply, secrets)) {
                const std::string refusal = "the rewrite dropped or added a redacted secret; nothing was changed";
                return refuse("secret-mismatch", ErrorCode::RequestFailed, "Flint: " + refusal, refusal);
            }
            RewriteCheck check = checkRewrite(*doc, region, *reply);
            if (!check.refusal.empty())
                return refuse(check.reason, ErrorCode::RequestFailed, "Flint: " + check.refusal, check.refusal);
            progress->end("done");
            done(workspaceEdit(ctx, *doc, check.edits), std::nullopt);
            stats.addedMs.add(millisecondsSince(arrived) + std::chrono::duration<double, std::milli>(*requestSide).count());
        }, {.priority = Priority::Invoked});  // the user asked: budgets do not refuse it
    *requestSide = SteadyClock::now() - began;
    // The provider keeps a running call alive by itself: hold it weakly here.
    auto cancel = [&stats, meter, weakCall = std::weak_ptr<ProviderCall>(call), finished,
                   weakProgress = std::weak_ptr<Progress>(progress)] {
        if (*finished) return;
        *finished = true;
        ++stats.requestsCancelled;
        meter->cancelled(stats);
        if (auto call = weakCall.lock()) call->cancel();
        if (auto progress = weakProgress.lock()) progress->end("cancelled");
    };
    progress->onCancel = cancel;
    token.onCancel(cancel);
}

} // namespace

void registerCodeActions(ServerContext& ctx) {
    auto state = std::make_shared<State>();
    ctx.actionStats = &state->stats;
    ctx.capabilities["codeActionProvider"] =
        json::object{{"codeActionKinds", json::array{"quickfix", "refactor.rewrite"}}, {"resolveProvider", true}};

    ctx.onRequest("textDocument/codeAction", [&ctx, state](const json::value& params, Reply reply, CancellationToken) {
        const json::object* p = params.if_object();
        std::string error;
        TextRange range;
        if (!p || !p->contains("textDocument") || !p->at("textDocument").is_object() ||
            !p->at("textDocument").as_object().contains("uri") || !p->at("textDocument").at("uri").is_string())
            return reply.error(ErrorCode::InvalidParams, "params.textDocument.uri: missing");
        if (!p->contains("range") || !fromJSON(p->at("range"), range, error, "params.range"))
            return reply.error(ErrorCode::InvalidParams, error.empty() ? "params.range: missing" : error);
        const std::string uri(p->at("textDocument").at("uri").as_string());
        Document* doc = ctx.workspace.find(uri);
        if (!doc) return reply.error(ErrorCode::InvalidParams, "document is not open: " + uri);

        const Text& text = doc->text();
        std::vector<ActionDiagnostic> diagnostics;
        std::vector<json::value> rawDiagnostics;
        std::vector<std::string> only;
        if (const json::value* context = p->if_contains("context"); context && context->is_object()) {
            if (const json::value* list = context->as_object().if_contains("diagnostics"); list && list->is_array())
                for (const json::value& d : list->as_array())
                    if (auto diagnostic = toDiagnostic(d, text, ctx.encoding)) {
                        diagnostics.push_back(*diagnostic);
                        rawDiagnostics.push_back(d);
                    }
            if (const json::value* kinds = context->as_object().if_contains("only"); kinds && kinds->is_array())
                for (const json::value& k : kinds->as_array())
                    if (k.is_string()) only.emplace_back(k.as_string());
        }
        const uint32_t start = static_cast<uint32_t>(text.offsetAt(range.start, ctx.encoding));
        const uint32_t end = static_cast<uint32_t>(text.offsetAt(range.end, ctx.encoding));
        const std::string unavailable = unavailableReason(ctx);
        const bool showDisabled = capabilityIsTrue(ctx, "textDocument.codeAction.disabledSupport");
        ++state->stats.listed;
        if (!unavailable.empty() && !showDisabled) return reply.result(json::array{});
        const bool resolves = resolvesEdits(ctx);

        json::array actions;
        for (const OfferedAction& offer : offerActions(*doc, start, end, diagnostics)) {
            if (!wanted(only, offer.lspKind)) continue;
            ActionData data;
            data.kind = offer.kind;
            data.uri = uri;
            data.version = doc->version();
            data.range = TextRange{text.positionAt(offer.startByte, ctx.encoding), text.positionAt(offer.endByte, ctx.encoding)};
            data.scope = offer.scopeName;
            data.title = offer.title;
            if (offer.diagnostic)
                for (size_t i = 0; i < diagnostics.size(); ++i)
                    if (diagnostics[i].startByte == offer.diagnostic->startByte &&
                        diagnostics[i].message == offer.diagnostic->message) {
                        data.diagnostic = rawDiagnostics[i];
                        break;
                    }
            json::object action{{"title", offer.title}, {"kind", offer.lspKind}, {"data", encodeData(data)}};
            if (data.diagnostic) action["diagnostics"] = json::array{*data.diagnostic};
            if (!unavailable.empty()) action["disabled"] = json::object{{"reason", unavailable}};
            if (offer.kind == ActionKind::Instruct)
                action["command"] = json::object{{"title", offer.title}, {"command", kInstructionCommand},
                                                 {"arguments", json::array{encodeData(data)}}};
            else if (!resolves)
                action["command"] = json::object{{"title", offer.title}, {"command", kRunCommand},
                                                 {"arguments", json::array{encodeData(data)}}};
            actions.push_back(std::move(action));
        }
        if (unavailable.empty()) state->stats.offered += actions.size();
        reply.result(std::move(actions));
    });

    ctx.onRequest("codeAction/resolve", [&ctx, state](const json::value& params, Reply reply, CancellationToken token) {
        const json::object* action = params.if_object();
        if (!action || !action->contains("data")) return reply.error(ErrorCode::InvalidParams, "params.data: missing");
        ActionData data;
        std::string error;
        if (!decodeData(action->at("data"), data, error)) return reply.error(ErrorCode::InvalidParams, "params." + error);
        json::object resolved = *action;
        runAction(ctx, *state, data, token, [state, reply, resolved](json::value edit, std::optional<ResponseError> failure) mutable {
            if (failure) return reply.error(failure->code, failure->message);
            ++state->stats.resolved;
            resolved["edit"] = std::move(edit);
            reply.result(std::move(resolved));
        });
    });

    ctx.onCommand(std::string(kRunCommand), [&ctx, state](const json::array& arguments, Reply reply, CancellationToken token) {
        if (arguments.empty()) return reply.error(ErrorCode::InvalidParams, "params.arguments: the action's data expected");
        ActionData data;
        std::string error;
        if (!decodeData(arguments.front(), data, error))
            return reply.error(ErrorCode::InvalidParams, "params.arguments[0]: " + error);
        const std::string label = data.title.empty() ? "Flint" : data.title;
        runAction(ctx, *state, data, token, [&ctx, state, reply, label, token](json::value edit, std::optional<ResponseError> failure) {
            if (failure) return reply.error(failure->code, failure->message);
            if (token.cancelled()) return;
            ctx.request("workspace/applyEdit", json::object{{"label", label}, {"edit", std::move(edit)}},
                        [state, reply](const json::value& result, const ResponseError* error) {
                            const json::object* r = result.if_object();
                            const json::value* applied = r ? r->if_contains("applied") : nullptr;
                            const bool ok = !error && applied && applied->is_bool() && applied->as_bool();
                            ++(ok ? state->stats.applied : state->stats.applyFailed);
                            if (error) return reply.error(ErrorCode::RequestFailed, "the editor refused the edit: " + error->message);
                            if (ok) return reply.result(nullptr);
                            std::string why = "the editor did not apply the edit";
                            if (const json::value* reason = r ? r->if_contains("failureReason") : nullptr;
                                reason && reason->is_string())
                                why += ": " + std::string(reason->as_string());
                            reply.error(ErrorCode::RequestFailed, why);
                        });
        });
    });

    ctx.onNotification("window/workDoneProgress/cancel", [state](const json::value& params) {
        const json::object* p = params.if_object();
        const json::value* token = p ? p->if_contains("token") : nullptr;
        if (!token || !token->is_string()) return;
        auto it = state->progress.find(std::string(token->as_string()));
        if (it == state->progress.end()) return;
        std::function<void()> cancel;
        if (auto progress = it->second.lock()) cancel = std::move(progress->onCancel);
        state->progress.erase(it);
        if (cancel) cancel();
    });
}

} // namespace flint::lsp
