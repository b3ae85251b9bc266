// textDocument/inlineCompletion (LSP 3.18): a suggestion at the cursor, streamed.
//
// With a model configured, the request is built from the completion context and
// streamed from the provider. Every step of the growing suggestion goes to the
// client as a `flint/inlineCompletion/partial` notification; the standard response
// is sent as soon as the first line is complete (or the stream ends), so clients
// that know nothing of Flint still get a suggestion early. In single-line mode the
// stream is closed once its first line is in. One request is in flight per document:
// a newer request or any change to the document cancels the older one at once (its
// stream is closed, its text never shown, and it is answered with no items).
//
// With no model configured, the embedded default answers: matching code from the
// open documents (suggest/WorkspaceMatch), labelled `source: "workspace"`, and the
// user is told once how to connect a model.
#include "lsp/ServerContext.h"

#include "context/CompletionContext.h"
#include "suggest/Prompt.h"
#include "suggest/Shaping.h"
#include "suggest/WorkspaceMatch.h"

#include <spdlog/spdlog.h>

#include <map>

namespace flint::lsp {

namespace {

struct InFlight {
    json::value id;
    std::string uri;
    TextRange range;
    std::optional<Reply> reply;  // until the standard response is sent
    std::shared_ptr<ProviderCall> call;
    bool finished = false;
};

struct State {
    std::map<std::string, std::shared_ptr<InFlight>> byUri;
    bool toldNoModel = false;
};

json::value items(const std::string& text, const TextRange& range) {
    json::array list;
    if (!text.empty()) list.push_back(json::object{{"insertText", text}, {"range", toJSON(range)}});
    return json::object{{"items", std::move(list)}};
}

void notifyPartial(ServerContext& ctx, const InFlight& flight, const std::string& text, bool done,
                   std::string_view source, json::object extra = {}) {
    json::object params{{"id", flight.id}, {"textDocument", json::object{{"uri", flight.uri}}},
                        {"range", toJSON(flight.range)}, {"text", text}, {"done", done}, {"source", source}};
    for (auto& [key, value] : extra) params[key] = value;
    ctx.notify("flint/inlineCompletion/partial", std::move(params));
}

// Ends a flight that lost its reason to exist: its stream closes, it shows nothing more.
void supersede(ServerContext& ctx, State& state, const std::string& uri) {
    auto it = state.byUri.find(uri);
    if (it == state.byUri.end()) return;
    std::shared_ptr<InFlight> flight = it->second;
    state.byUri.erase(it);
    flight->finished = true;
    if (flight->call) flight->call->cancel();
    // The last partial first, then the (empty) answer: a client sees them in that order.
    notifyPartial(ctx, *flight, {}, true, "model", {{"cancelled", true}});
    if (flight->reply && !flight->reply->replied()) flight->reply->result(items({}, flight->range));
}

void answerFromWorkspace(ServerContext& ctx, State& state, InFlight& flight, const Document& doc, size_t offset,
                         bool singleLine, const Reply& reply) {
    if (!state.toldNoModel) {
        state.toldNoModel = true;
        ctx.showMessage(ServerContext::MessageType::Info,
                        "Flint: no model is configured, so suggestions come from matching code in your open files. "
                        "Set flint.provider (kind, endpoint, model, apiKeyEnv) to connect a model.");
    }
    const auto match = findWorkspaceMatch(ctx.workspace, doc, offset, singleLine);
    const std::string text = match ? match->text : std::string();
    reply.result(items(text, flight.range));
    json::object extra;
    if (match) extra["from"] = json::object{{"uri", match->uri}, {"line", match->line}};
    notifyPartial(ctx, flight, text, true, "workspace", std::move(extra));
}

} // namespace

void registerInlineCompletion(ServerContext& ctx) {
    ctx.capabilities["inlineCompletionProvider"] = json::object{};
    auto state = std::make_shared<State>();
    ctx.documentChanged.push_back([&ctx, state](const std::string& uri) { supersede(ctx, *state, uri); });

    ctx.onRequest("textDocument/inlineCompletion", [&ctx, state](const json::value& params, Reply reply,
                                                                  CancellationToken token) {
        TextDocumentPositionParams p;
        std::string error;
        if (!fromJSON(params, p, error)) return reply.error(ErrorCode::InvalidParams, error);
        Document* doc = ctx.workspace.find(p.uri);
        if (!doc) return reply.error(ErrorCode::InvalidParams, "document is not open: " + p.uri);
        // Copilot-style clients send the version they saw: a request for older text is stale.
        if (const json::value* version = params.at("textDocument").as_object().if_contains("version");
            version && version->is_int64() && version->as_int64() != doc->version())
            return reply.result(items({}, {}));

        supersede(ctx, *state, p.uri);
        doc->parsedSyntax();  // scopes and imports for the current text
        const Text& text = doc->text();
        const size_t offset = text.offsetAt(p.position, ctx.encoding);
        const TextPosition at = text.positionAt(offset, ctx.encoding);
        const CompletionContext context = buildCompletionContext(*doc, offset, {});
        const bool singleLine = wantsSingleLine(*doc, offset, context);

        auto flight = std::make_shared<InFlight>();
        flight->id = reply.id();
        flight->uri = p.uri;
        flight->range = TextRange{at, at};
        Provider* provider = ctx.providerFor(ServerContext::Feature::Inline);
        if (!provider) return answerFromWorkspace(ctx, *state, *flight, *doc, offset, singleLine, reply);

        const WireFormat& format = *findWireFormat(provider->config().kind);
        auto site = std::make_shared<const ShapingSite>(
            *doc, offset, context, ShapingOptions{.singleLine = singleLine, .fromChat = !isFillInTheMiddle(format)});
        flight->reply = reply;
        state->byUri[p.uri] = flight;
        auto raw = std::make_shared<std::string>();
        auto shown = std::make_shared<std::string>();
        std::weak_ptr<InFlight> weak = flight;
        const ModelRequest request = buildCompletionRequest(context, format, singleLine ? 64 : 256);
        flight->call = provider->stream(request, [&ctx, state, weak, raw, shown, site](const StreamUpdate& update) {
            auto flight = weak.lock();
            if (!flight || flight->finished) return;
            raw->append(update.text);
            bool end = update.end != StreamUpdate::End::None;
            // Unchanged since the request: a change would have superseded this flight.
            const Document* doc = ctx.workspace.find(flight->uri);
            PartialSuggestion step;
            if (!end) {
                step = shapePartial(*raw, *site, doc, *shown);
                // Nothing more the model sends can change the suggestion (its line or its
                // block is complete): close the stream early.
                if (step.settled) {
                    end = true;
                    flight->call->cancel();
                }
            }
            std::string next = end ? shapeSuggestion(*raw, *site, doc, *shown) : std::move(step.text);
            const bool failed = update.end == StreamUpdate::End::Error;
            if (end) {
                flight->finished = true;
                auto it = state->byUri.find(flight->uri);
                if (it != state->byUri.end() && it->second == flight) state->byUri.erase(it);
                json::object extra;
                if (!update.model.empty()) extra["model"] = update.model;
                if (failed || update.end == StreamUpdate::End::Truncated) {
                    extra["error"] = update.error;
                    // Text from a stream that broke is not presented as a whole suggestion.
                    if (failed) next.clear();
                }
                notifyPartial(ctx, *flight, next, true, "model", std::move(extra));
                if (flight->reply && !flight->reply->replied()) flight->reply->result(items(next, flight->range));
                return;
            }
            if (next == *shown) return;
            *shown = next;
            notifyPartial(ctx, *flight, next, false, "model");
            // The standard response goes out once the first line is complete.
            if (const size_t eol = next.find('\n');
                (eol != std::string::npos || step.lineDone) && flight->reply && !flight->reply->replied())
                flight->reply->result(items(next.substr(0, eol), flight->range));
        });
        // The original text's window parse, while the model thinks (behind the request's send).
        ctx.defer([&ctx, site, uri = p.uri] {
            if (const Document* current = ctx.workspace.find(uri)) site->prepare(*current);
        });
        token.onCancel([weak] {
            if (auto flight = weak.lock()) {
                flight->finished = true;
                flight->call->cancel();
            }
        });
    });
}

} // namespace flint::lsp
