#include "lsp/LanguageServer.h"

#include "lsp/ServerContext.h"

#include <spdlog/spdlog.h>

#include <map>

#ifndef FLINT_VERSION
#define FLINT_VERSION "0.0.0"
#endif

namespace flint::lsp {

// ---------------------------------------------------------------------------------------
// Reply

struct Reply::State {
    json::value id;
    Sink sink;
    bool done = false;
    ~State() {
        if (!done && sink) sink(ResponseError{ErrorCode::InternalError, "the request was dropped without a reply", std::nullopt});
    }
};

Reply::Reply(json::value id, Sink sink) : state_(std::make_shared<State>()) {
    state_->id = std::move(id);
    state_->sink = std::move(sink);
}

const json::value& Reply::id() const { return state_->id; }

void Reply::result(json::value value) const {
    if (state_->done) return;
    state_->done = true;
    state_->sink(std::move(value));
}

void Reply::error(int code, std::string message) const {
    if (state_->done) return;
    state_->done = true;
    state_->sink(ResponseError{code, std::move(message), std::nullopt});
}

bool Reply::replied() const { return state_->done; }

// ---------------------------------------------------------------------------------------
// LanguageServer

struct LanguageServer::Impl : std::enable_shared_from_this<Impl> {
    enum class Lifecycle { Uninitialized, Running, ShutDown };

    Send send;
    Post post;
    ServerContext ctx;
    Lifecycle lifecycle = Lifecycle::Uninitialized;
    std::optional<int> exitCode;
    std::map<std::string, RequestHandler, std::less<>> requests;
    // Several features may listen to one notification: each runs, in registration order.
    std::map<std::string, std::vector<NotificationHandler>, std::less<>> notifications;
    std::map<std::string, CommandHandler, std::less<>> commands;
    std::map<std::string, CancellationSource> inflight;  // by idKey
    std::map<int64_t, ResponseHandler> outgoing;         // our requests awaiting the client
    int64_t nextOutgoingId = 1;

    Impl(Send s, Post p) : send(std::move(s)), post(std::move(p)) {}

    void wire() {
        ctx.onRequest = [this](std::string method, RequestHandler handler) {
            requests[std::move(method)] = std::move(handler);
        };
        ctx.onNotification = [this](std::string method, NotificationHandler handler) {
            notifications[std::move(method)].push_back(std::move(handler));
        };
        ctx.onCommand = [this](std::string command, CommandHandler handler) {
            commands[std::move(command)] = std::move(handler);
        };
        ctx.notify = [this](std::string_view method, json::value params) {
            send(serializeNotification(method, params));
        };
        ctx.request = [this](std::string_view method, json::value params, ResponseHandler handler) {
            const int64_t id = nextOutgoingId++;
            outgoing[id] = std::move(handler);
            send(serializeRequest(id, method, params));
        };
        ctx.defer = [weak = weak_from_this()](std::function<void()> task) {
            auto self = weak.lock();
            if (!self) return;
            self->post([weak, task = std::move(task)] {
                // The server may be gone by the time the loop gets here.
                if (weak.lock()) task();
            });
        };

        registerLifecycle();
        registerCommands();
        registerTextSync(ctx);
        registerInspect(ctx);
        registerConfiguration(ctx);
        registerWorkspaceContext(ctx);
        registerStats(ctx);
        registerInlineCompletion(ctx);
        registerStatus(ctx);
        registerCodeActions(ctx);
        registerInlineEdit(ctx);
    }

    void registerCommands() {
        requests["workspace/executeCommand"] = [this](const json::value& params, Reply reply, CancellationToken token) {
            const json::object* p = params.if_object();
            const json::value* command = p ? p->if_contains("command") : nullptr;
            if (!command || !command->is_string()) return reply.error(ErrorCode::InvalidParams, "params.command: missing");
            auto it = commands.find(std::string_view(command->as_string()));
            if (it == commands.end())
                return reply.error(ErrorCode::InvalidParams, "unknown command: " + std::string(command->as_string()));
            static const json::array none;
            const json::value* arguments = p->if_contains("arguments");
            if (arguments && !arguments->is_array() && !arguments->is_null())
                return reply.error(ErrorCode::InvalidParams, "params.arguments: expected an array");
            it->second(arguments && arguments->is_array() ? arguments->as_array() : none, std::move(reply), token);
        };
    }

    void registerLifecycle() {
        requests["initialize"] = [this](const json::value& params, Reply reply, CancellationToken) {
            InitializeParams parsed;
            std::string error;
            if (!fromJSON(params, parsed, error)) return reply.error(ErrorCode::InvalidParams, error);
            ctx.client = std::move(parsed);
            ctx.encoding = negotiateEncoding(ctx.client.positionEncodings);
            for (auto& hook : ctx.initializing) hook();
            json::object capabilities = ctx.capabilities;
            if (!commands.empty()) {
                json::array names;
                for (const auto& [name, handler] : commands) names.emplace_back(name);
                capabilities["executeCommandProvider"] = json::object{{"commands", std::move(names)}};
            }
            capabilities["positionEncoding"] = toString(ctx.encoding);
            lifecycle = Lifecycle::Running;
            spdlog::info("initialized by {} {}; position encoding {}",
                         ctx.client.clientInfo ? ctx.client.clientInfo->name : "an unnamed client",
                         ctx.client.clientInfo ? ctx.client.clientInfo->version : "",
                         toString(ctx.encoding));
            reply.result(json::object{
                {"capabilities", std::move(capabilities)},
                {"serverInfo", json::object{{"name", "flint"}, {"version", FLINT_VERSION}}},
            });
        };
        requests["shutdown"] = [this](const json::value&, Reply reply, CancellationToken) {
            lifecycle = Lifecycle::ShutDown;
            for (auto& [key, source] : inflight) source.cancel();
            reply.result(nullptr);
        };
        ctx.onNotification("exit", [this](const json::value&) {
            exitCode = lifecycle == Lifecycle::ShutDown ? 0 : 1;
        });
        ctx.onNotification("$/cancelRequest", [this](const json::value& params) {
            CancelParams parsed;
            std::string error;
            if (!fromJSON(params, parsed, error)) return spdlog::warn("$/cancelRequest: {}", error);
            cancel(parsed.id);
        });
        ctx.onNotification("$/setTrace", [](const json::value&) {});
    }

    static PositionEncoding negotiateEncoding(const std::vector<std::string>& offered) {
        // UTF-8 needs no conversion on our side (text is UTF-8): take it when offered.
        for (const std::string& name : offered)
            if (name == "utf-8") return PositionEncoding::Utf8;
        return PositionEncoding::Utf16;
    }

    void cancel(const json::value& id) {
        auto it = inflight.find(idKey(id));
        if (it == inflight.end()) return;  // already answered: nothing to do
        CancellationSource source = it->second;
        inflight.erase(it);
        source.cancel();
        send(serializeError(id, {ErrorCode::RequestCancelled, "request cancelled", std::nullopt}));
    }

    void handle(std::string_view payload) {
        auto parsed = parseMessage(payload);
        if (auto* failure = std::get_if<RpcFailure>(&parsed)) {
            spdlog::warn("bad message: {}", failure->error.message);
            send(serializeError(failure->id, failure->error));
            return;
        }
        Message& message = std::get<Message>(parsed);
        switch (message.kind) {
        case Message::Kind::Request: return handleRequest(message);
        case Message::Kind::Notification: return handleNotification(message);
        case Message::Kind::Response: return handleResponse(message);
        }
    }

    void handleRequest(Message& message) {
        const json::value id = message.id;
        auto fail = [&](int code, std::string text) {
            send(serializeError(id, {code, std::move(text), std::nullopt}));
        };
        if (lifecycle == Lifecycle::Uninitialized && message.method != "initialize")
            return fail(ErrorCode::ServerNotInitialized, "the server is not initialized yet");
        if (lifecycle != Lifecycle::Uninitialized && message.method == "initialize")
            return fail(ErrorCode::InvalidRequest, "initialize may only be sent once");
        if (lifecycle == Lifecycle::ShutDown)
            return fail(ErrorCode::InvalidRequest, "the server is shutting down");
        auto handler = requests.find(message.method);
        if (handler == requests.end())
            return fail(ErrorCode::MethodNotFound, "method not found: " + message.method);

        const std::string key = idKey(id);
        if (inflight.contains(key))
            return fail(ErrorCode::InvalidRequest, "a request with this id is still in progress");
        CancellationSource source;
        inflight.emplace(key, source);
        std::weak_ptr<Impl> weak = weak_from_this();
        Reply reply(id, [weak, id, key, method = message.method](Reply::Outcome outcome) {
            auto self = weak.lock();
            if (!self) return;
            // Cancelled (and answered) meanwhile: this late reply is dropped.
            if (self->inflight.erase(key) == 0) return;
            if (auto* error = std::get_if<ResponseError>(&outcome)) {
                if (error->code != ErrorCode::RequestCancelled)
                    spdlog::debug("{} failed: {}", method, error->message);
                self->send(serializeError(id, *error));
            } else {
                self->send(serializeResponse(id, std::get<json::value>(outcome)));
            }
        });
        // Exceptions never cross the event loop: they become the request's error.
        try {
            handler->second(message.params, reply, source.token());
        } catch (const std::exception& e) {
            spdlog::error("{} threw: {}", message.method, e.what());
            reply.error(ErrorCode::InternalError, std::string("internal error: ") + e.what());
        }
    }

    void handleNotification(Message& message) {
        // Before initialize, notifications other than exit are dropped (LSP 3.17 §initialize).
        if (lifecycle == Lifecycle::Uninitialized && message.method != "exit") return;
        auto handlers = notifications.find(message.method);
        if (handlers == notifications.end()) {
            if (!message.method.starts_with("$/")) spdlog::debug("ignoring notification {}", message.method);
            return;
        }
        for (const NotificationHandler& handler : handlers->second) {
            try {
                handler(message.params);
            } catch (const std::exception& e) {
                spdlog::error("{} threw: {}", message.method, e.what());
            }
        }
    }

    void handleResponse(Message& message) {
        const json::value& id = message.id;
        auto it = id.is_int64() ? outgoing.find(id.as_int64()) : outgoing.end();
        if (it == outgoing.end()) return spdlog::warn("response to an unknown request id {}", idKey(id));
        ResponseHandler handler = std::move(it->second);
        outgoing.erase(it);
        try {
            handler(message.result, message.error ? &*message.error : nullptr);
        } catch (const std::exception& e) {
            spdlog::error("response handler threw: {}", e.what());
        }
    }
};

LanguageServer::LanguageServer(Send send, Post post, boost::asio::io_context* loop)
    : impl_(std::make_shared<Impl>(std::move(send), std::move(post))) {
    impl_->ctx.loop = loop;
    impl_->wire();
}

LanguageServer::~LanguageServer() {
    // Drop in-flight requests quietly: the client is gone or has been told.
    for (auto& [key, source] : impl_->inflight) source.cancel();
    impl_->send = [](std::string) {};
}

void LanguageServer::onMessage(std::string_view payload) { impl_->handle(payload); }

void LanguageServer::onFramingError(std::string_view what) {
    spdlog::warn("framing error: {}", what);
    impl_->send(serializeError(nullptr, {ErrorCode::ParseError, "Parse error: " + std::string(what), std::nullopt}));
}

void LanguageServer::onEndOfInput() {
    if (!impl_->exitCode) {
        spdlog::info("input closed without exit");
        impl_->exitCode = impl_->lifecycle == Impl::Lifecycle::ShutDown ? 0 : 1;
    }
}

std::optional<int> LanguageServer::exitCode() const { return impl_->exitCode; }

ServerContext& LanguageServer::context() { return impl_->ctx; }

} // namespace flint::lsp
