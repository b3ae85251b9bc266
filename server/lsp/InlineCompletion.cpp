// Inline completion over LSP: textDocument/inlineCompletion (LSP 3.18) with Flint's
// streamed `flint/inlineCompletion/partial` notifications, Copilot's feedback
// notifications (textDocument/didShowCompletion, didPartiallyAcceptCompletion) and
// accept command (flint.acceptCompletion), and textDocument/completion items for
// clients without inline completion (Helix). This file only translates: what to
// answer, when, and from where is suggest/InlineCompletionEngine's business.
//
// The standard response goes out as soon as the suggestion's first line is
// complete (or its stream ends), so clients that know nothing of Flint still get a
// suggestion early; partial notifications carry the whole of it as it grows.
#include "lsp/ServerContext.h"

#include "lsp/LoopClock.h"
#include "stats/ServingStats.h"
#include "suggest/InlineCompletionEngine.h"
#include "suggest/NextEditEngine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <iterator>

namespace flint::lsp {

namespace {

constexpr std::string_view kAcceptCommand = "flint.acceptCompletion";
constexpr std::string_view kAcceptInlineEditCommand = "flint.acceptInlineEdit";  // lsp/InlineEdit.cpp

// The engine's way to the model: whichever provider serves inline completion now
// (the configuration may replace it at any time).
class ProviderModel final : public CompletionModel {
public:
    explicit ProviderModel(ServerContext& ctx) : ctx_(ctx) {}
    const WireFormat* format() override {
        Provider* provider = ctx_.providerFor(ServerContext::Feature::Inline);
        return provider ? findWireFormat(provider->config().kind) : nullptr;
    }
    std::string identity() override {
        Provider* provider = ctx_.providerFor(ServerContext::Feature::Inline);
        if (!provider) return {};
        const ProviderConfig& c = provider->config();
        return c.kind + " " + c.endpoint.origin() + c.endpoint.basePath + " " + c.model;
    }
    std::string modelName() override {
        Provider* provider = ctx_.providerFor(ServerContext::Feature::Inline);
        return provider ? provider->config().model : std::string();
    }
    std::shared_ptr<ProviderCall> stream(ModelRequest request, std::function<void(const StreamUpdate&)> onUpdate,
                                         bool invoked) override {
        // An explicit request goes even when budgets pause automatic ones.
        StreamOptions options;
        if (invoked) options.priority = Priority::Invoked;
        return ctx_.providerFor(ServerContext::Feature::Inline)->stream(std::move(request), std::move(onUpdate), options);
    }

private:
    ServerContext& ctx_;
};

// Without an event loop (a bare server in unit tests) there is no model either, so
// nothing waits: tasks just run after the messages already queued.
class DeferredClock final : public Clock {
public:
    explicit DeferredClock(ServerContext& ctx) : ctx_(ctx) {}
    TimePoint now() const override { return std::chrono::steady_clock::now(); }
    void after(Duration, CancellationToken token, std::function<void()> task) override {
        ctx_.defer([token, task = std::move(task)] {
            if (!token.cancelled()) task();
        });
    }

private:
    ServerContext& ctx_;
};

enum class Fallback { Auto, On, Off };

struct Settings {
    InlineSettings engine;
    Fallback completionFallback = Fallback::Auto;
};

// The `inline` object of the flint section; `error` names the first bad field (its
// default is used instead).
Settings readSettings(const json::value* section, std::string& error) {
    Settings s;
    const json::object* o = section ? section->if_object() : nullptr;
    if (!o) {
        if (section && !section->is_null()) error = "flint.inline: expected an object";
        return s;
    }
    // Bounded above too: the value becomes a duration or a count, and a number past
    // what those hold (1e300) would not convert.
    auto number = [&](std::string_view key, double low, double high) -> std::optional<double> {
        const json::value* v = o->if_contains(key);
        if (!v) return std::nullopt;
        if (!v->is_number() || !(v->to_number<double>() >= low && v->to_number<double>() <= high)) {
            error = "flint.inline." + std::string(key) + ": expected a number from " + std::to_string(int(low)) +
                    " to " + std::to_string(int64_t(high));
            return std::nullopt;
        }
        return v->to_number<double>();
    };
    auto boolean = [&](std::string_view key) -> std::optional<bool> {
        const json::value* v = o->if_contains(key);
        if (!v) return std::nullopt;
        if (!v->is_bool()) {
            error = "flint.inline." + std::string(key) + ": expected true or false";
            return std::nullopt;
        }
        return v->as_bool();
    };
    using Ms = std::chrono::duration<double, std::milli>;
    using D = AdaptiveDebounce::Duration;
    if (const json::value* d = o->if_contains("debounceMs"); d && !(d->is_string() && d->as_string() == "auto")) {
        if (auto ms = number("debounceMs", 0, 60000)) s.engine.debounce.fixed = std::chrono::duration_cast<D>(Ms(*ms));
        else if (!d->is_number()) error = "flint.inline.debounceMs: expected \"auto\" or a number of milliseconds";
    }
    if (auto ms = number("debounceMaxMs", 0, 60000)) s.engine.debounce.ceiling = std::chrono::duration_cast<D>(Ms(*ms));
    if (auto on = boolean("prefetch")) s.engine.prefetch = *on;
    if (auto n = number("prefetchPerMinute", 0, 100000)) s.engine.prefetchPerMinute = static_cast<int>(*n);
    if (auto n = number("cacheEntries", 1, 1000000)) s.engine.cacheEntries = static_cast<size_t>(*n);
    if (auto n = number("maxTokensSingleLine", 1, 100000)) s.engine.maxTokensSingleLine = static_cast<int>(*n);
    if (auto n = number("maxTokensMultiLine", 1, 100000)) s.engine.maxTokensMultiLine = static_cast<int>(*n);
    if (auto on = boolean("multiLine")) s.engine.multiLine = *on;
    if (const json::value* f = o->if_contains("completionFallback")) {
        if (f->is_bool()) s.completionFallback = f->as_bool() ? Fallback::On : Fallback::Off;
        else if (!(f->is_string() && f->as_string() == "auto"))
            error = "flint.inline.completionFallback: expected \"auto\", true or false";
    }
    static constexpr std::string_view kKnown[] = {"debounceMs", "debounceMaxMs", "prefetch", "prefetchPerMinute",
                                                  "cacheEntries", "maxTokensSingleLine", "maxTokensMultiLine",
                                                  "multiLine", "completionFallback"};
    for (const auto& entry : *o)
        if (error.empty() && std::find(std::begin(kKnown), std::end(kKnown), entry.key()) == std::end(kKnown))
            error = "flint.inline." + std::string(entry.key()) +
                    ": unknown setting (known: debounceMs, debounceMaxMs, prefetch, prefetchPerMinute, cacheEntries, "
                    "maxTokensSingleLine, maxTokensMultiLine, multiLine, completionFallback)";
    return s;
}

struct State {
    explicit State(ServerContext& ctx)
        : model(ctx), clock(ctx.loop ? std::unique_ptr<Clock>(std::make_unique<LoopClock>(*ctx.loop))
                                     : std::make_unique<DeferredClock>(ctx)),
          engine(ctx.workspace, model, *clock, &ctx.contextSources) {}
    ProviderModel model;
    std::unique_ptr<Clock> clock;
    InlineCompletionEngine engine;
    bool toldNoModel = false;
    bool completionOffered = false;  // completionProvider was announced
    Settings settings;
    bool adapted = false;  // the engine runs with adaptedToSlowModel(settings)
    std::string reportedError;
};

// Whether the provider serving inline completion now is degraded (its fallback, if any,
// was not an escape): then budgets adapt.
bool servingDegraded(ServerContext& ctx) {
    if (!ctx.serving) return false;
    const ProviderFigures* figures = ctx.serving->provider(ctx.providerNameFor(ServerContext::Feature::Inline));
    return figures && figures->degraded;
}

void applyEngineSettings(ServerContext& ctx, State& state) {
    state.adapted = servingDegraded(ctx);
    state.engine.configure(state.adapted ? adaptedToSlowModel(state.settings.engine) : state.settings.engine);
}

// Reads the `inline` settings into the engine, after each configuration is applied.
void configure(ServerContext& ctx, State& state) {
    std::string error;
    state.settings = readSettings(ctx.settings.if_contains("inline"), error);
    applyEngineSettings(ctx, state);
    if (!error.empty() && error != state.reportedError) {
        spdlog::warn("configuration: {}", error);
        ctx.showMessage(ServerContext::MessageType::Warning, "Flint: " + error + " (using the default)");
    }
    state.reportedError = error;
}

void tellNoModelOnce(ServerContext& ctx, State& state) {
    if (state.toldNoModel) return;
    state.toldNoModel = true;
    ctx.showMessage(ServerContext::MessageType::Info,
                    "Flint: no model is configured, so suggestions come from matching code in your open files. "
                    "Set flint.provider (kind, endpoint, model, apiKeyEnv) to connect a model.");
}

json::value acceptCommand(const std::string& id) {
    return json::object{{"title", "Accept suggestion"}, {"command", kAcceptCommand}, {"arguments", json::array{json::value(id)}}};
}

json::value inlineItems(const std::string& text, const TextRange& range, const std::string& id) {
    json::array list;
    if (!text.empty())
        list.push_back(json::object{{"insertText", text}, {"range", toJSON(range)}, {"command", acceptCommand(id)}});
    return json::object{{"items", std::move(list)}};
}

// The id in a Copilot-shaped item: item.command.arguments[0].
std::optional<std::string> itemId(const json::value& params, const json::object** item = nullptr) {
    const json::object* p = params.if_object();
    const json::value* i = p ? p->if_contains("item") : nullptr;
    const json::object* o = i ? i->if_object() : nullptr;
    const json::value* command = o ? o->if_contains("command") : nullptr;
    const json::value* args = command && command->is_object() ? command->as_object().if_contains("arguments") : nullptr;
    if (!args || !args->is_array() || args->as_array().empty() || !args->as_array()[0].is_string()) return std::nullopt;
    if (item) *item = o;
    return std::string(args->as_array()[0].as_string());
}

// Where the request's document and position are, with Copilot's extra params checked.
struct Located {
    Document* doc = nullptr;
    size_t offset = 0;
    TextPosition at;
};

std::optional<Located> locate(ServerContext& ctx, const json::value& params, const Reply& reply) {
    TextDocumentPositionParams p;
    std::string error;
    if (!fromJSON(params, p, error)) {
        reply.error(ErrorCode::InvalidParams, error);
        return std::nullopt;
    }
    Document* doc = ctx.workspace.find(p.uri);
    if (!doc) {
        reply.error(ErrorCode::InvalidParams, "document is not open: " + p.uri);
        return std::nullopt;
    }
    const json::object& o = params.as_object();
    if (const json::value* f = o.if_contains("formattingOptions"); f && !f->is_null()) {
        const json::object* fo = f->if_object();
        const json::value* tab = fo ? fo->if_contains("tabSize") : nullptr;
        const json::value* spaces = fo ? fo->if_contains("insertSpaces") : nullptr;
        if (!fo || (tab && !tab->is_number()) || (spaces && !spaces->is_bool())) {
            reply.error(ErrorCode::InvalidParams,
                        "params.formattingOptions: expected {tabSize: number, insertSpaces: boolean}");
            return std::nullopt;
        }
    }
    const json::value* version = o.at("textDocument").as_object().if_contains("version");
    if (version && !version->is_null() && !version->is_int64()) {
        reply.error(ErrorCode::InvalidParams, "params.textDocument.version: expected an integer");
        return std::nullopt;
    }
    Located where;
    where.doc = doc;
    where.offset = doc->text().offsetAt(p.position, ctx.encoding);
    where.at = doc->text().positionAt(where.offset, ctx.encoding);
    // Copilot-style clients send the version they saw: a request for older text is stale.
    if (version && version->is_int64() && version->as_int64() != doc->version()) where.doc = nullptr;
    return where;
}

TriggerKind triggerOf(const json::value& params) {
    const json::value* context = params.as_object().if_contains("context");
    const json::value* kind = context && context->is_object() ? context->as_object().if_contains("triggerKind") : nullptr;
    return kind && kind->is_int64() && kind->as_int64() == 2 ? TriggerKind::Automatic : TriggerKind::Invoked;
}

// What the server said it did (llama.cpp's timings): cached prompt tokens show whether
// its KV cache was reused. Only the figures it reported.
json::object usageJSON(const StreamUsage& usage) {
    json::object out;
    auto put = [&](std::string_view key, auto value) {
        if (value >= 0) out[key] = value;
    };
    put("promptTokens", usage.promptTokens);
    put("cachedTokens", usage.cachedTokens);
    put("outputTokens", usage.outputTokens);
    put("promptMs", usage.promptMs);
    put("outputMs", usage.outputMs);
    return out;
}

void handleInline(ServerContext& ctx, const std::shared_ptr<State>& state, const json::value& params, Reply reply,
                  CancellationToken token) {
    const std::optional<Located> where = locate(ctx, params, reply);
    if (!where) return;
    if (!where->doc) return reply.result(inlineItems({}, {}, {}));
    const std::string uri = where->doc->uri();
    const TextRange range{where->at, where->at};
    const json::value requestId = reply.id();
    // A next-edit suggestion whose edit here is a pure insertion at the cursor is
    // offered as this completion, with no model call; accepting it is next-edit's accept.
    if (ctx.nextEdits)
        if (auto insertion = ctx.nextEdits->insertionAt(uri, where->doc->version(), where->offset)) {
            ctx.notify("flint/inlineCompletion/partial",
                       json::object{{"id", requestId}, {"textDocument", json::object{{"uri", uri}}},
                                    {"range", toJSON(range)}, {"text", insertion->text}, {"done", true},
                                    {"source", "next-edit"}, {"suggestionId", insertion->id}});
            json::object item{{"insertText", insertion->text}, {"range", toJSON(range)},
                              {"command", json::object{{"title", "Accept next edit"},
                                                       {"command", kAcceptInlineEditCommand},
                                                       {"arguments", json::array{json::value(insertion->id)}}}}};
            return reply.result(json::object{{"items", json::array{std::move(item)}}});
        }
    state->engine.request(
        {.uri = uri, .offset = where->offset, .trigger = triggerOf(params)}, token,
        // The engine holds the listener: it holds the state weakly, or neither would go.
        [&ctx, weak = std::weak_ptr<State>(state), reply, requestId, uri, range](const SuggestionUpdate& u) {
            const bool workspace = u.source == SuggestionUpdate::Source::Workspace;
            if (auto state = weak.lock(); state && workspace) tellNoModelOnce(ctx, *state);
            json::object p{{"id", requestId}, {"textDocument", json::object{{"uri", uri}}},
                           {"range", toJSON(range)}, {"text", u.text}, {"done", u.done},
                           {"source", workspace ? "workspace" : "model"}, {"suggestionId", u.id}};
            if (u.cancelled) p["cancelled"] = true;
            if (u.cached) p["cached"] = true;
            if (!u.model.empty()) p["model"] = u.model;
            if (!u.error.empty()) p["error"] = u.error;
            if (u.usage) p["usage"] = usageJSON(*u.usage);
            if (workspace && !u.fromUri.empty())
                p["from"] = json::object{{"uri", u.fromUri}, {"line", u.fromLine}};
            ctx.notify("flint/inlineCompletion/partial", std::move(p));
            // The standard response (after the partial: a client sees them in that order),
            // at the first complete line or at the end.
            if (!reply.replied()) {
                if (u.done) reply.result(inlineItems(u.text, range, u.id));
                else if (const size_t eol = u.text.find('\n'); eol != std::string::npos || u.lineDone)
                    reply.result(inlineItems(u.text.substr(0, eol), range, u.id));
            }
        });
}

bool isWordByte(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// textDocument/completion for clients without inline completion: the suggestion as
// one item whose edit replaces the word before the cursor with that word plus the
// suggestion, so the client's filtering on the typed word keeps it in the list.
void handleCompletion(ServerContext& ctx, const std::shared_ptr<State>& state, const json::value& params,
                      Reply reply, CancellationToken token) {
    const std::optional<Located> where = locate(ctx, params, reply);
    if (!where) return;
    const bool enabled = state->settings.completionFallback == Fallback::On ||
                         (state->settings.completionFallback == Fallback::Auto && state->completionOffered);
    if (!where->doc || !enabled) return reply.result(json::object{{"isIncomplete", false}, {"items", json::array{}}});
    const Text& text = where->doc->text();
    const size_t lineStart = text.lineStart(text.lineOf(where->offset));
    size_t wordStart = where->offset;
    while (wordStart > lineStart && isWordByte(static_cast<unsigned char>(text.str()[wordStart - 1]))) --wordStart;
    // Never start inside a character: step forward past continuation bytes.
    while (wordStart < where->offset && (static_cast<unsigned char>(text.str()[wordStart]) & 0xC0) == 0x80) ++wordStart;
    const std::string word = text.str().substr(wordStart, where->offset - wordStart);
    const TextRange range{text.positionAt(wordStart, ctx.encoding), where->at};
    state->engine.request(
        {.uri = where->doc->uri(), .offset = where->offset, .trigger = TriggerKind::Automatic}, token,
        [&ctx, weak = std::weak_ptr<State>(state), reply, word, range](const SuggestionUpdate& u) {
            if (auto state = weak.lock(); state && u.source == SuggestionUpdate::Source::Workspace)
                tellNoModelOnce(ctx, *state);
            if (reply.replied()) return;
            const size_t eol = u.text.find('\n');
            if (!u.done && eol == std::string::npos && !u.lineDone) return;
            const std::string shown = u.done ? u.text : u.text.substr(0, eol);
            json::array items;
            if (!shown.empty()) {
                const std::string full = word + shown;
                std::string_view label = full;
                const size_t cut = label.find('\n');
                if (label.substr(0, cut).find_first_not_of(" \t") == std::string_view::npos && cut != std::string_view::npos)
                    label = label.substr(cut + 1);  // a suggestion that starts on the next line
                label = label.substr(0, label.find('\n'));
                if (const size_t lead = label.find_first_not_of(" \t"); lead != std::string_view::npos)
                    label.remove_prefix(lead);
                items.push_back(json::object{
                    {"label", label}, {"kind", 1}, {"detail", "Flint suggestion"},
                    {"documentation", json::object{{"kind", "plaintext"}, {"value", full}}},
                    {"filterText", full.substr(0, full.find('\n'))}, {"sortText", "0"}, {"preselect", true},
                    {"insertTextFormat", 1}, {"textEdit", json::object{{"range", toJSON(range)}, {"newText", full}}},
                    {"command", acceptCommand(u.id)}});
            }
            reply.result(json::object{{"isIncomplete", true}, {"items", std::move(items)}});
        });
}

} // namespace

void registerInlineCompletion(ServerContext& ctx) {
    ctx.capabilities["inlineCompletionProvider"] = json::object{};
    auto state = std::make_shared<State>(ctx);
    ctx.inlineStats = &state->engine.stats();

    // Completion items only for clients that cannot show inline completions, unless
    // the configuration says otherwise (decided at initialize: capabilities are fixed then).
    ctx.initializing.push_back([&ctx, state] {
        std::string error;
        const json::object* options = ctx.client.initializationOptions.if_object();
        const Settings s = readSettings(options ? options->if_contains("inline") : nullptr, error);
        state->completionOffered = s.completionFallback == Fallback::On ||
                                   (s.completionFallback == Fallback::Auto && !ctx.client.inlineCompletion);
        if (state->completionOffered)
            ctx.capabilities["completionProvider"] = json::object{
                {"triggerCharacters", json::array{".", "(", "[", ",", " "}}, {"resolveProvider", false}};
        else
            ctx.capabilities.erase("completionProvider");
    });

    ctx.configurationApplied.push_back([&ctx, state] { configure(ctx, *state); });
    ctx.servingChanged.push_back([&ctx, state] {
        const bool was = state->adapted;
        applyEngineSettings(ctx, *state);
        if (was != state->adapted)
            spdlog::info("inline completion: {}", state->adapted ? "the model is slow: single-line suggestions, no prefetch, debounce floor 150 ms"
                                                                 : "the model is fast again: settings as configured");
    });
    ctx.documentChanged.push_back([&ctx, state](const std::string& uri) {
        if (ctx.workspace.find(uri)) state->engine.documentChanged(uri);
        else state->engine.documentClosed(uri);
    });

    ctx.onRequest("textDocument/inlineCompletion", [&ctx, state](const json::value& params, Reply reply,
                                                                  CancellationToken token) {
        handleInline(ctx, state, params, std::move(reply), std::move(token));
    });
    ctx.onRequest("textDocument/completion", [&ctx, state](const json::value& params, Reply reply,
                                                            CancellationToken token) {
        handleCompletion(ctx, state, params, std::move(reply), std::move(token));
    });

    ctx.onNotification("textDocument/didShowCompletion", [&ctx, state](const json::value& params) {
        const auto id = itemId(params);
        if (!id) return spdlog::warn("textDocument/didShowCompletion: expected {{item: {{command: {{arguments: [id]}}}}}}");
        // A next edit's insertion offered as this completion is next edit's suggestion.
        if (ctx.nextEdits && ctx.nextEdits->shown(*id)) return;
        state->engine.shown(*id);
    });
    ctx.onNotification("textDocument/didPartiallyAcceptCompletion", [&ctx, state](const json::value& params) {
        const json::object* item = nullptr;
        const auto id = itemId(params, &item);
        const json::value* length = params.as_object().if_contains("acceptedLength");
        if (!id || !length || !length->is_int64() || length->as_int64() < 0)
            return spdlog::warn("textDocument/didPartiallyAcceptCompletion: expected {{item, acceptedLength}}");
        // acceptedLength counts code units (of the negotiated encoding) from the start of insertText.
        const json::value* insert = item->if_contains("insertText");
        const std::string text = insert && insert->is_string() ? std::string(insert->as_string())
                                                               : state->engine.suggestionText(*id);
        state->engine.partiallyAccepted(*id, bytesForCodeUnits(text, static_cast<size_t>(length->as_int64()), ctx.encoding));
    });
    ctx.onCommand(std::string(kAcceptCommand), [state](const json::array& arguments, Reply reply, CancellationToken) {
        if (arguments.empty() || !arguments[0].is_string())
            return reply.error(ErrorCode::InvalidParams, "flint.acceptCompletion: expected [suggestionId]");
        state->engine.accepted(std::string(arguments[0].as_string()));
        reply.result(nullptr);
    });
}

} // namespace flint::lsp
