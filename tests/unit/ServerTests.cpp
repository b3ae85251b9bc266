// JSON-RPC and lifecycle behaviour of the server, driven without a transport.
#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "workspace/SyntaxTree.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

using namespace flint;
using namespace flint::lsp;

namespace {

struct Harness {
    std::vector<json::value> sent;
    std::vector<json::value> statuses;  // flint/status params, set aside: they come on any health change
    std::vector<std::function<void()>> deferred;  // the event loop's queue, run by drain()
    LanguageServer server{[this](std::string payload) {
                              json::value message = json::parse(payload);
                              if (const json::value* method = message.as_object().if_contains("method");
                                  method && *method == "flint/status")
                                  statuses.push_back(message.at("params"));
                              else
                                  sent.push_back(std::move(message));
                          },
                          [this](std::function<void()> task) { deferred.push_back(std::move(task)); }};

    size_t drain() {
        size_t ran = 0;
        while (!deferred.empty()) {
            auto task = std::move(deferred.front());
            deferred.erase(deferred.begin());
            task();
            ++ran;
        }
        return ran;
    }

    void raw(std::string_view payload) { server.onMessage(payload); }
    void request(int id, std::string_view method, json::value params = json::object{}) {
        raw(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}));
    }
    void notify(std::string_view method, json::value params = json::object{}) {
        raw(json::serialize(json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}));
    }
    json::value take() {
        REQUIRE_FALSE(sent.empty());
        json::value v = sent.front();
        sent.erase(sent.begin());
        return v;
    }
    int64_t errorCode(const json::value& v) { return v.at("error").at("code").as_int64(); }
    void initialize(json::object capabilities = {}) {
        request(1, "initialize", json::object{{"processId", nullptr}, {"capabilities", capabilities}});
        REQUIRE(take().as_object().contains("result"));
        notify("initialized");
    }
    void open(std::string uri, std::string languageId, std::string text) {
        notify("textDocument/didOpen",
               json::object{{"textDocument", json::object{{"uri", uri}, {"languageId", languageId},
                                                          {"version", 1}, {"text", text}}}});
    }
};

} // namespace

TEST_CASE("requests before initialize get ServerNotInitialized") {
    Harness h;
    h.request(7, "flint/inspect");
    const json::value reply = h.take();
    CHECK(reply.at("id") == 7);
    CHECK(h.errorCode(reply) == ErrorCode::ServerNotInitialized);
    // Notifications before initialize are dropped: the document is not open afterwards.
    h.open("file:///a.py", "python", "x = 1\n");
    h.initialize();
    CHECK(h.server.context().workspace.find("file:///a.py") == nullptr);
}

TEST_CASE("initialize negotiates the position encoding and announces capabilities") {
    SECTION("utf-8 when offered") {
        Harness h;
        h.request(1, "initialize", json::object{{"capabilities", json::object{{"general",
                      json::object{{"positionEncodings", json::array{"utf-16", "utf-8"}}}}}}});
        const json::value reply = h.take();
        CHECK(reply.at("result").at("capabilities").at("positionEncoding") == "utf-8");
        CHECK(reply.at("result").at("capabilities").at("textDocumentSync").at("change") == 2);
        CHECK(reply.at("result").at("serverInfo").at("name") == "flint");
    }
    SECTION("utf-16 otherwise") {
        Harness h;
        h.request(1, "initialize", json::object{{"capabilities", json::object{}}});
        CHECK(h.take().at("result").at("capabilities").at("positionEncoding") == "utf-16");
    }
    SECTION("bad params are InvalidParams and initialize can be retried") {
        Harness h;
        h.request(1, "initialize", json::object{{"processId", "not a number"}});
        const json::value reply = h.take();
        CHECK(h.errorCode(reply) == ErrorCode::InvalidParams);
        CHECK(std::string(reply.at("error").at("message").as_string()).find("processId") != std::string::npos);
        h.initialize();
    }
    SECTION("a second initialize is refused") {
        Harness h;
        h.initialize();
        h.request(2, "initialize", json::object{{"capabilities", json::object{}}});
        CHECK(h.errorCode(h.take()) == ErrorCode::InvalidRequest);
    }
}

TEST_CASE("malformed messages get JSON-RPC errors and the server keeps serving") {
    Harness h;
    h.initialize();
    h.raw("{not json");
    json::value reply = h.take();
    CHECK(h.errorCode(reply) == ErrorCode::ParseError);
    CHECK(reply.at("id").is_null());

    h.raw("[1,2,3]");
    CHECK(h.errorCode(h.take()) == ErrorCode::InvalidRequest);

    h.raw(R"({"id":5,"method":"flint/inspect"})");  // no "jsonrpc"
    reply = h.take();
    CHECK(h.errorCode(reply) == ErrorCode::InvalidRequest);
    CHECK(reply.at("id") == 5);

    h.raw(R"({"jsonrpc":"2.0","id":{"x":1},"method":"shutdown"})");
    CHECK(h.errorCode(h.take()) == ErrorCode::InvalidRequest);

    h.raw(R"({"jsonrpc":"2.0","id":6,"method":"textDocument/didOpen","params":7})");
    CHECK(h.errorCode(h.take()) == ErrorCode::InvalidRequest);

    h.server.onFramingError("header block without Content-Length");
    CHECK(h.errorCode(h.take()) == ErrorCode::ParseError);

    h.request(9, "no/such/method");
    reply = h.take();
    CHECK(h.errorCode(reply) == ErrorCode::MethodNotFound);
    CHECK(reply.at("id") == 9);

    h.notify("no/such/notification");
    h.notify("$/someProgress");
    CHECK(h.sent.empty());

    h.request(10, "flint/inspect", json::object{{"textDocument", json::object{{"uri", "file:///x"}}}});
    reply = h.take();
    CHECK(h.errorCode(reply) == ErrorCode::InvalidParams);
    CHECK(std::string(reply.at("error").at("message").as_string()) == "params.position: missing");

    h.open("file:///a.py", "python", "x = 1\n");
    h.request(11, "flint/inspect", json::object{{"textDocument", json::object{{"uri", "file:///a.py"}}},
                                                {"position", json::object{{"line", 0}, {"character", 0}}}});
    CHECK(h.take().at("result").at("version") == 1);
}

TEST_CASE("string and integer ids are echoed exactly") {
    Harness h;
    h.initialize();
    h.raw(R"({"jsonrpc":"2.0","id":"abc","method":"nope"})");
    CHECK(h.take().at("id") == "abc");
}

TEST_CASE("shutdown and exit follow the spec") {
    SECTION("exit after shutdown is 0; requests after shutdown are refused") {
        Harness h;
        h.initialize();
        h.request(2, "shutdown", nullptr);
        CHECK(h.take().at("result").is_null());
        h.request(3, "flint/inspect");
        CHECK(h.errorCode(h.take()) == ErrorCode::InvalidRequest);
        CHECK_FALSE(h.server.exitCode());
        h.notify("exit");
        CHECK(h.server.exitCode() == 0);
    }
    SECTION("exit without shutdown is 1") {
        Harness h;
        h.initialize();
        h.notify("exit");
        CHECK(h.server.exitCode() == 1);
    }
    SECTION("exit is honoured even before initialize") {
        Harness h;
        h.notify("exit");
        CHECK(h.server.exitCode() == 1);
    }
    SECTION("input closing without exit ends the server") {
        Harness h;
        h.initialize();
        h.server.onEndOfInput();
        CHECK(h.server.exitCode() == 1);
    }
}

TEST_CASE("cancellation of a request still in progress") {
    Harness h;
    h.initialize();
    std::optional<Reply> pending;
    CancellationToken token;
    h.server.context().onRequest("test/slow", [&](const json::value&, Reply reply, CancellationToken t) {
        pending = reply;
        token = t;
    });
    h.request(42, "test/slow");
    REQUIRE(pending);
    CHECK(h.sent.empty());
    CHECK_FALSE(token.cancelled());

    bool callbackRan = false;
    token.onCancel([&] { callbackRan = true; });
    h.notify("$/cancelRequest", json::object{{"id", 42}});
    CHECK(token.cancelled());
    CHECK(callbackRan);
    const json::value reply = h.take();
    CHECK(reply.at("id") == 42);
    CHECK(h.errorCode(reply) == ErrorCode::RequestCancelled);

    // The handler's late answer is dropped: the client already has its reply.
    pending->result("late");
    CHECK(h.sent.empty());

    // Cancelling something already answered does nothing.
    h.notify("$/cancelRequest", json::object{{"id", 42}});
    h.notify("$/cancelRequest", json::object{{"id", 999}});
    CHECK(h.sent.empty());
}

TEST_CASE("a request dropped without a reply, or a throwing handler, still gets an answer") {
    Harness h;
    h.initialize();
    h.server.context().onRequest("test/drop", [](const json::value&, Reply, CancellationToken) {});
    h.server.context().onRequest("test/throw", [](const json::value&, Reply, CancellationToken) {
        throw std::runtime_error("boom");
    });
    h.request(1, "test/drop");
    CHECK(h.errorCode(h.take()) == ErrorCode::InternalError);
    h.request(2, "test/throw");
    const json::value reply = h.take();
    CHECK(h.errorCode(reply) == ErrorCode::InternalError);
    CHECK(std::string(reply.at("error").at("message").as_string()).find("boom") != std::string::npos);
    CHECK(h.sent.empty());  // exactly one answer each
}

namespace {

// Captures what the server logs while it lives (the unit tests otherwise log nothing).
struct LogCapture {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
    LogCapture() {
        auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_st>(text));
        logger->set_level(spdlog::level::warn);
        logger->set_pattern("[%l] %v");
        spdlog::set_default_logger(std::move(logger));
    }
    ~LogCapture() { spdlog::set_default_logger(previous); }
};

} // namespace

TEST_CASE("a throwing handler is logged as an error, not swallowed: requests, notifications, replies from the client") {
    LogCapture log;
    Harness h;
    h.initialize();
    h.server.context().onRequest("test/throw", [](const json::value&, Reply, CancellationToken) {
        throw std::runtime_error("request boom");
    });
    h.server.context().onNotification("test/notify", [](const json::value&) { throw std::runtime_error("notification boom"); });
    h.request(2, "test/throw");
    CHECK(h.errorCode(h.take()) == ErrorCode::InternalError);
    h.notify("test/notify");
    h.server.context().request("test/ask", json::object{}, [](const json::value&, const ResponseError*) {
        throw std::runtime_error("response boom");
    });
    const json::value asked = h.take();
    h.raw(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", asked.at("id")}, {"result", nullptr}}));
    const std::string text = log.text.str();
    INFO(text);
    CHECK(text.find("[error] test/throw threw: request boom") != std::string::npos);
    CHECK(text.find("[error] test/notify threw: notification boom") != std::string::npos);
    CHECK(text.find("[error] response handler threw: response boom") != std::string::npos);
    h.request(3, "flint/inspect", json::object{});  // and the server goes on serving
    CHECK(h.take().at("id") == 3);
}

TEST_CASE("server-to-client requests: workspace/configuration is pulled and its reply routed back") {
    Harness h;
    h.request(1, "initialize", json::object{
        {"capabilities", json::object{{"workspace", json::object{{"configuration", true}}}}},
        {"initializationOptions", json::object{{"fromInit", true}}}});
    h.take();
    h.notify("initialized");
    CHECK(h.server.context().settings.contains("fromInit"));
    const json::value request = h.take();
    CHECK(request.at("method") == "workspace/configuration");
    CHECK(request.at("params").at("items").at(0).at("section") == "flint");

    // A response with an id we never used is ignored.
    h.raw(R"({"jsonrpc":"2.0","id":12345,"result":[]})");
    CHECK(h.sent.empty());

    h.raw(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", request.at("id")},
                                       {"result", json::array{json::object{{"model", "m1"}}}}}));
    CHECK(h.server.context().settings.at("model") == "m1");

    // Push-style change carries the settings; null asks for a new pull.
    h.notify("workspace/didChangeConfiguration",
             json::object{{"settings", json::object{{"flint", json::object{{"model", "m2"}}}}}});
    CHECK(h.server.context().settings.at("model") == "m2");
    CHECK(h.sent.empty());
    h.notify("workspace/didChangeConfiguration", json::object{{"settings", nullptr}});
    const json::value again = h.take();
    CHECK(again.at("method") == "workspace/configuration");
    h.raw(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", again.at("id")},
                                       {"error", json::object{{"code", -32603}, {"message", "no"}}}}));
    CHECK(h.server.context().settings.at("model") == "m2");  // an error keeps what we had
}

TEST_CASE("text sync and flint/inspect over the protocol, in UTF-16") {
    Harness h;
    h.initialize();
    // "😀" is two UTF-16 units: positions after it must account for that.
    h.open("file:///t.py", "python", "def f():\n    s = '\xF0\x9F\x98\x80'\n    return s\n");
    h.notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", "file:///t.py"}, {"version", 2}}},
        {"contentChanges", json::array{json::object{
            {"range", json::object{{"start", json::object{{"line", 1}, {"character", 11}}},
                                   {"end", json::object{{"line", 1}, {"character", 11}}}}},
            {"text", "!"}}}}});
    CHECK(h.server.context().workspace.find("file:///t.py")->text().str() ==
          "def f():\n    s = '\xF0\x9F\x98\x80!'\n    return s\n");
    h.request(3, "flint/inspect", json::object{{"textDocument", json::object{{"uri", "file:///t.py"}}},
                                               {"position", json::object{{"line", 2}, {"character", 4}}}});
    const json::value result = h.take().at("result");
    CHECK(result.at("version") == 2);
    CHECK(result.at("languageId") == "python");
    CHECK(result.at("syntaxLanguage") == "python");
    CHECK(result.at("lineCount") == 4);
    CHECK(result.at("byteLength") == 38);
    CHECK(result.at("length") == 36);  // the emoji's 4 bytes are 2 UTF-16 units
    CHECK(result.at("scopeNames") == json::array{"f"});
    CHECK(result.at("nodePath").at(0) == "module");
    CHECK(result.at("hasSyntaxErrors") == false);

    h.notify("textDocument/didClose", json::object{{"textDocument", json::object{{"uri", "file:///t.py"}}}});
    h.request(4, "flint/inspect", json::object{{"textDocument", json::object{{"uri", "file:///t.py"}}},
                                               {"position", json::object{{"line", 0}, {"character", 0}}}});
    CHECK(h.errorCode(h.take()) == ErrorCode::InvalidParams);
}

TEST_CASE("a parse that outgrows the keystroke budget finishes on the loop, and inspect never sees a lagging tree") {
    Harness h;
    h.initialize();
    std::string text;
    for (int i = 0; i < 3000; ++i) text += "def f" + std::to_string(i) + "(x):\n    return x\n";
    h.open("file:///big.py", "python", text);
    // Typing at column 0 of a def line makes tree-sitter re-lex what follows.
    uint32_t column = 0;
    int version = 1;
    for (char c : std::string("  if x:")) {
        h.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", "file:///big.py"}, {"version", ++version}}},
            {"contentChanges", json::array{json::object{
                {"range", json::object{{"start", json::object{{"line", 3000}, {"character", column}}},
                                       {"end", json::object{{"line", 3000}, {"character", column}}}}},
                {"text", std::string(1, c)}}}}});
        ++column;
    }
    Document* doc = h.server.context().workspace.find("file:///big.py");
    h.drain();
    CHECK_FALSE(doc->parsePending());
    SyntaxTree fresh(*doc->language(), doc->text().str());
    auto sexp = [](TSNode node) {
        char* raw = ts_node_string(node);
        std::string out(raw);
        std::free(raw);
        return out;
    };
    CHECK(sexp(doc->syntax()->root()) == sexp(fresh.root()));
    CHECK(h.sent.empty());
}

TEST_CASE("flint/status: sent once initialized, and again only when it changes") {
    Harness h;
    h.initialize();
    REQUIRE(h.statuses.size() == 1);
    CHECK(h.statuses[0].at("state") == "no-model");
    CHECK(h.statuses[0].at("provider").is_null());
    CHECK(std::string(h.statuses[0].at("message").as_string()).find("flint.provider") != std::string::npos);

    // The same (empty) configuration again: nothing new to say.
    h.notify("workspace/didChangeConfiguration", json::object{{"settings", json::object{{"flint", json::object{}}}}});
    CHECK(h.statuses.size() == 1);

    // A configuration that cannot work says why.
    h.notify("workspace/didChangeConfiguration",
             json::object{{"settings", json::object{{"flint", json::object{
                 {"provider", json::object{{"kind", "no-such-format"}, {"endpoint", "http://127.0.0.1:1"}}}}}}}});
    REQUIRE(h.statuses.size() == 2);
    CHECK(h.statuses[1].at("state") == "error");
    CHECK(std::string(h.statuses[1].at("message").as_string()).find("provider.kind") != std::string::npos);

    // Fixed again (no provider): back to the embedded engine.
    h.notify("workspace/didChangeConfiguration", json::object{{"settings", json::object{{"flint", json::object{}}}}});
    REQUIRE(h.statuses.size() == 3);
    CHECK(h.statuses[2].at("state") == "no-model");
}

TEST_CASE("a configuration applied again keeps an unchanged hedged route, a changed one replaces it") {
    boost::asio::io_context loop;  // never run: providers are made, nothing connects
    std::vector<json::value> sent;
    LanguageServer server([&](std::string payload) { sent.push_back(json::parse(payload)); },
                          [](std::function<void()>) {}, &loop);
    auto settings = [](int hedgeAfterMs, int debounceMs) {
        return json::object{
            {"providers", json::object{{"fast", json::object{{"endpoint", "http://127.0.0.1:1"}}},
                                       {"gpu", json::object{{"endpoint", "http://127.0.0.1:2"}}}}},
            {"features", json::object{{"inline", json::object{{"provider", "fast"},
                                                              {"hedge", "gpu"},
                                                              {"hedgeAfterMs", hedgeAfterMs}}}}},
            {"inline", json::object{{"debounceMs", debounceMs}}}};
    };
    auto configure = [&](json::object flint) {
        server.onMessage(json::serialize(json::object{
            {"jsonrpc", "2.0"},
            {"method", "workspace/didChangeConfiguration"},
            {"params", json::object{{"settings", json::object{{"flint", std::move(flint)}}}}}}));
    };
    server.onMessage(json::serialize(json::object{
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
        {"params", json::object{{"processId", nullptr}, {"capabilities", json::object{}},
                                {"initializationOptions", settings(150, 0)}}}}));
    server.onMessage(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
    ServerContext& ctx = server.context();
    const auto inlineRoute = static_cast<size_t>(ServerContext::Feature::Inline);
    const std::shared_ptr<Provider> first = ctx.routes[inlineRoute];
    REQUIRE(first);
    CHECK(first->hedges(*ctx.providers.at("fast"), *ctx.providers.at("gpu"), std::chrono::milliseconds(150)));

    configure(settings(150, 5));  // another section changed: the providers and the hedge did not
    CHECK(ctx.routes[inlineRoute] == first);

    configure(settings(300, 5));  // the hedge's delay changed: a new route
    REQUIRE(ctx.routes[inlineRoute]);
    CHECK(ctx.routes[inlineRoute] != first);
    CHECK(ctx.routes[inlineRoute]->hedges(*ctx.providers.at("fast"), *ctx.providers.at("gpu"),
                                          std::chrono::milliseconds(300)));
}
