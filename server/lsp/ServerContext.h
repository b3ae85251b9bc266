#pragma once
// What a feature file sees of the server: the method table to register on, the
// workspace, what the client negotiated, and ways to talk to the client. Each
// feature is a file with one register function (TextSync.cpp, Inspect.cpp, ...),
// not a branch in a switch.
//
//   void registerInspect(ServerContext& ctx) {
//       ctx.onRequest("flint/inspect", [&ctx](const json::value& params, Reply reply,
//                                             CancellationToken) { reply.result(...); });
//   }
//
// Handlers run on the event loop. A request handler may reply later (after async
// work); if every copy of its Reply is dropped unanswered, the client gets an
// InternalError rather than waiting forever. After $/cancelRequest the client has
// its RequestCancelled reply at once and a late reply is dropped.

#include "context/ContextSources.h"
#include "lsp/JsonRpc.h"
#include "lsp/Protocol.h"
#include "model/Provider.h"
#include "support/Cancellation.h"
#include "workspace/Workspace.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>

namespace flint {
struct ActionStats;
struct InlineStats;
class ServingStats;
class NextEditEngine;
}

namespace flint::lsp {

class Reply {
public:
    using Outcome = std::variant<json::value, ResponseError>;
    using Sink = std::function<void(Outcome)>;

    Reply(json::value id, Sink sink);
    // The request's id, for notifications that belong to it.
    const json::value& id() const;
    void result(json::value value) const;
    void error(int code, std::string message) const;
    bool replied() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

using RequestHandler = std::function<void(const json::value& params, Reply reply, CancellationToken)>;
using NotificationHandler = std::function<void(const json::value& params)>;
// A workspace/executeCommand command: its `arguments` (an empty array when absent).
using CommandHandler = std::function<void(const json::array& arguments, Reply reply, CancellationToken)>;
// A reply from the client to a request the server sent: a result or an error.
using ResponseHandler = std::function<void(const json::value& result, const ResponseError* error)>;

struct ServerContext {
    Workspace workspace;
    PositionEncoding encoding = PositionEncoding::Utf16;
    InitializeParams client;
    // The capabilities announced in the initialize result; features add theirs.
    json::object capabilities;
    // The `flint` configuration section, as the client last sent it.
    json::object settings;
    // What context draws on beyond the current document: the symbol index, the
    // exclusion rules, snippet chunks, the `context` settings (lsp/WorkspaceContext.cpp
    // feeds it; the engines read it).
    ContextSources contextSources;
    // The event loop network work runs on (null in tests that drive the server bare).
    boost::asio::io_context* loop = nullptr;
    // The configured model providers by name ("default" is `flint.provider`), each
    // connected ahead of need. lsp/Configuration.cpp keeps them in step with the settings.
    std::map<std::string, std::shared_ptr<Provider>> providers;
    // The features that call a model. Each may be served by its own provider (a fast
    // model for inline, a stronger one for actions); features ask through providerFor.
    enum class Feature { Inline, NextEdit, Actions };
    // The provider serving each feature (for inline, possibly a hedged pair); null when none.
    std::array<std::shared_ptr<Provider>, 3> routes;
    // The provider name behind each route ("" when none), and each feature's fallback: a
    // provider that takes over while the route's provider is degraded (slow first tokens).
    std::array<std::string, 3> routeNames;
    std::array<std::string, 3> fallbackNames;
    std::array<std::shared_ptr<Provider>, 3> fallbacks;
    // How the providers are serving (stats/ServingStats.h; lsp/Stats.cpp keeps it up to date).
    ServingStats* serving = nullptr;
    // The provider that serves `feature` now (its fallback while it is degraded), or null
    // when none is configured for it. Defined in lsp/Stats.cpp.
    Provider* providerFor(Feature feature);
    // The name of the provider providerFor returns ("" when none).
    std::string providerNameFor(Feature feature);
    // Called when a provider's degraded judgement changed (routes and budgets may follow).
    std::vector<std::function<void()>> servingChanged;
    // Called after the providers were replaced (a configuration change): listeners
    // re-read `providers` (e.g. to follow their health).
    std::vector<std::function<void()>> providersChanged;
    // Inline completion's and code actions' statistics (suggest/InlineStats.h,
    // actions/ActionStats.h), for flint/stats and the exports; next edit's are
    // nextEdits->stats().
    const InlineStats* inlineStats = nullptr;
    const ActionStats* actionStats = nullptr;

    std::function<void(std::string method, RequestHandler)> onRequest;
    std::function<void(std::string method, NotificationHandler)> onNotification;
    // Called when `initialize` arrives, once `client` is set and before the capabilities
    // are sent: for features whose capabilities depend on the client's.
    std::vector<std::function<void()>> initializing;
    // Registers a command for workspace/executeCommand; executeCommandProvider lists
    // every registered command. (Features never register workspace/executeCommand
    // themselves: there is one dispatcher.)
    std::function<void(std::string command, CommandHandler)> onCommand;
    std::function<void(std::string_view method, json::value params)> notify;
    std::function<void(std::string_view method, json::value params, ResponseHandler)> request;
    // Runs `task` later on the event loop, after the messages already queued.
    std::function<void(std::function<void()> task)> defer;
    // Has a language's queries compiled in the background (a document of it opened), so
    // its first request does not wait for them. Unset: they compile on first use.
    std::function<void(const Language& language)> warmLanguage;
    // What is wrong with the configuration as last applied ("" when nothing is), for the status.
    std::string configurationProblem;
    // Called after each configuration was applied (the provider may have changed).
    std::vector<std::function<void()>> configurationApplied;
    void notifyConfigurationApplied() {
        for (auto& listener : configurationApplied) listener();
    }
    // Called after a document's text changed (didChange) or it closed: features
    // drop work that was for the old text.
    std::vector<std::function<void(const std::string& uri)>> documentChanged;
    // Next-edit suggestions (lsp/InlineEdit.cpp). Inline completion may ask it for a
    // stored prediction's pure insertion at the cursor (NextEditEngine::insertionAt).
    std::shared_ptr<NextEditEngine> nextEdits;
    void notifyDocumentChanged(const std::string& uri) {
        for (auto& listener : documentChanged) listener(uri);
    }

    enum class MessageType { Error = 1, Warning = 2, Info = 3, Log = 4 };
    void showMessage(MessageType type, std::string message) {
        notify("window/showMessage", json::object{{"type", static_cast<int>(type)}, {"message", std::move(message)}});
    }
};

void registerTextSync(ServerContext& ctx);
void registerInspect(ServerContext& ctx);
void registerConfiguration(ServerContext& ctx);
void registerWorkspaceContext(ServerContext& ctx);
void registerInlineCompletion(ServerContext& ctx);
void registerStatus(ServerContext& ctx);
void registerStats(ServerContext& ctx);
void registerCodeActions(ServerContext& ctx);
void registerInlineEdit(ServerContext& ctx);

} // namespace flint::lsp
