// Flint's network posture through the real flint-lsp binary: TLS verification is on
// unless the user turns it off explicitly (which is logged, once), and words a provider
// quotes back (an error body, a malformed event) never carry the API key into the log,
// the status line or a message.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <unistd.h>

using namespace flint::test;

namespace {

const std::string kUri = "file:///work/posture.py";

void start(LspProcess& server, json::object provider) {
    server.request(1, "initialize", json::object{
        {"processId", ::getpid()},
        {"capabilities", json::object{{"textDocument", json::object{{"codeAction", json::object{
            {"resolveSupport", json::object{{"properties", json::array{"edit"}}}}}}}}}},
        {"initializationOptions", json::object{{"provider", std::move(provider)}}}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1},
        {"text", "def add(a, b):\n    \n\ndef area(r):\n    return 3.14 * r * r\n"}}}});
}

// An invoked inline completion: its response and its last partial notification.
std::pair<json::value, json::value> complete(LspProcess& server, int64_t id) {
    server.request(id, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(1, 4)},
        {"context", json::object{{"triggerKind", 1}}}});
    const json::value response = server.responseTo(id, std::chrono::seconds(20));
    for (auto it = server.others.begin();; ++it) {
        if (it == server.others.end()) {
            auto message = server.next();
            INFO("server stderr:\n" << server.stderrText());
            REQUIRE(message);
            server.others.push_back(std::move(*message));
            it = std::prev(server.others.end());
        }
        const json::object& o = it->as_object();
        if (o.contains("method") && o.at("method") == "flint/inlineCompletion/partial" && o.at("params").at("id") == id &&
            o.at("params").at("done") == true)
            return {response, it->at("params")};
    }
}

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

void finish(LspProcess& server) { CHECK(server.shutdownAndExit() == 0); }

} // namespace

TEST_CASE("TLS verification is on by default: a certificate nobody trusts is refused, nothing is sent, and the error says what to do") {
    boost::asio::io_context loop;
    SelfSignedCertificate certificate;
    ScriptedModelServer model(loop, ScriptedModelServer::Program::ModelServer,
                              {"--tls-cert", certificate.cert, "--tls-key", certificate.key});
    LspProcess server;
    start(server, json::object{{"kind", "openai-chat"}, {"endpoint", "https://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
                               {"maxRetries", 0}});
    const auto [response, last] = complete(server, 2);
    CHECK(response.at("result").at("items").as_array().empty());
    const std::string error(last.at("error").as_string());
    CHECK(error.find("certificate verify failed") != std::string::npos);
    CHECK(error.find("set provider.caFile") != std::string::npos);
    CHECK(model.control("GET", "/__flint/requests").as_array().empty());
    const json::value status = server.waitStatus("error");
    CHECK(std::string(status.at("message").as_string()).find("certificate verify failed") != std::string::npos);
    finish(server);
    CHECK(server.stderrText().find("verification is OFF") == std::string::npos);
}

TEST_CASE("TLS verification off is an explicit setting, logged once as a warning however often the provider is made") {
    boost::asio::io_context loop;
    SelfSignedCertificate certificate;
    ScriptedModelServer model(loop, ScriptedModelServer::Program::ModelServer,
                              {"--tls-cert", certificate.cert, "--tls-key", certificate.key});
    model.control("POST", "/__flint/script", R"({"reply":"return a + b\n","tokenChars":13})");
    const std::string endpoint = "https://127.0.0.1:" + std::to_string(model.port()) + "/v1";
    LspProcess server;
    start(server, json::object{{"kind", "openai-chat"}, {"endpoint", endpoint}, {"tlsVerify", false}, {"model", "m"}});
    CHECK(complete(server, 2).first.at("result").at("items").as_array().size() == 1);
    // Another model: the provider is made again, with its connections.
    server.notify("workspace/didChangeConfiguration", json::object{{"settings", json::object{{"flint", json::object{
        {"provider", json::object{{"kind", "openai-chat"}, {"endpoint", endpoint}, {"tlsVerify", false}, {"model", "m2"}}}}}}}});
    CHECK(complete(server, 3).first.at("result").at("items").as_array().size() == 1);
    const json::array requests = model.control("GET", "/__flint/requests").as_array();
    REQUIRE(requests.size() == 2);
    CHECK(std::string(requests[1].at("body").as_string()).find("\"m2\"") != std::string::npos);
    finish(server);
    const std::string log = server.stderrText();
    INFO(log);
    CHECK(occurrences(log, "[warning] TLS certificate verification is OFF for https://127.0.0.1:" +
                               std::to_string(model.port()) + " (tlsVerify: false)") == 1);
}

TEST_CASE("an error that quotes the API key back: the key is cut from the log, the status, suggestions and code actions") {
    const std::string key = "sk-flint-posture-7f3a9c1e5b2d8f4a6c0e9b7d";
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    LspProcess server({"--stdio", "--log-level", "trace"}, {{"FLINT_POSTURE_TEST_KEY", key}});
    start(server, json::object{{"kind", "openai-chat"}, {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
                               {"apiKeyEnv", "FLINT_POSTURE_TEST_KEY"}, {"maxRetries", 0}, {"model", "m"}});
    std::string shown;  // everything the client was told
    int64_t id = 2;
    for (const char* fault : {"401", "500", "429", "garbage"}) {
        DYNAMIC_SECTION("fault " << fault) {
            model.control("POST", "/__flint/script",
                          json::serialize(json::object{{"fault", fault}, {"echoKey", true}, {"retryAfter", 0},
                                                       {"reply", "return a + b\n"}, {"tokenChars", 3}}));
            const auto [response, last] = complete(server, id++);
            CHECK(response.at("result").at("items").as_array().empty());
            const std::string error(last.at("error").as_string());
            INFO(error);
            CHECK(error.find("[redacted]") != std::string::npos);  // the provider did quote it: cut out
            // A code action's failure quotes the same words.
            server.request(id, "textDocument/codeAction", json::object{
                {"textDocument", json::object{{"uri", kUri}}}, {"range", range(4, 4, 4, 30)},
                {"context", json::object{{"diagnostics", json::array{}}}}});
            json::value rewrite;
            const json::value actions = server.responseTo(id++);
            for (const json::value& a : actions.at("result").as_array())
                if (a.at("data").at("action") == "rewrite") rewrite = a;
            REQUIRE(rewrite.is_object());
            server.request(id, "codeAction/resolve", rewrite);
            const json::value failed = server.responseTo(id++, std::chrono::seconds(20));
            REQUIRE(failed.as_object().contains("error"));
            CHECK(std::string(failed.at("error").at("message").as_string()).find("[redacted]") != std::string::npos);
            shown += json::serialize(failed);

            // The key was sent, and only to the provider; nothing that came back carries it.
            const json::array requests = model.control("GET", "/__flint/requests").as_array();
            REQUIRE_FALSE(requests.empty());
            CHECK(requests.back().at("headers").at("authorization").as_string() == "Bearer " + key);
            server.request(98, "shutdown", nullptr);
            server.responseTo(98);
            server.notify("exit");
            CHECK(server.waitExit() == 0);
            for (const json::value& m : server.others) shown += json::serialize(m);
            for (const json::value& s : server.statuses) shown += json::serialize(s);
            const std::string log = server.stderrText();
            CHECK(log.find("[redacted]") != std::string::npos);
            // Neither the key nor any 8 characters of it.
            for (size_t i = 0; i + 8 <= key.size(); ++i) {
                INFO("piece " << key.substr(i, 8));
                CHECK(shown.find(key.substr(i, 8)) == std::string::npos);
                CHECK(log.find(key.substr(i, 8)) == std::string::npos);
            }
        }
    }
}
