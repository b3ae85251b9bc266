// flint-lsp with a model provider configured: connected ahead of need, and a
// configuration that cannot work reported to the user.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <unistd.h>

using namespace flint::test;

namespace {

void initialize(LspProcess& server, json::value options) {
    server.request(1, "initialize", json::object{{"processId", ::getpid()}, {"capabilities", json::object{}},
                                                 {"initializationOptions", std::move(options)}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
}

json::value nextNotification(LspProcess& server, std::string_view method) {
    for (;;) {
        auto message = server.next();
        REQUIRE(message);
        if (message->as_object().contains("method") && message->at("method").as_string() == method) return *message;
    }
}

} // namespace

TEST_CASE("flint-lsp connects to the configured provider at initialize, before any request") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    const int64_t before = model.control("GET", "/__flint/connections").at("opened").as_int64();

    LspProcess server;
    initialize(server, json::object{{"provider", json::object{
        {"kind", "openai-chat"}, {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
        {"model", "m"}}}});
    const json::value seen = model.control("GET", "/__flint/connections?atLeast=" + std::to_string(before + 1));
    CHECK(seen.at("opened").as_int64() == before + 1);
    CHECK(model.control("GET", "/__flint/requests").as_array().empty());  // connected, nothing asked yet

    server.request(2, "shutdown", nullptr);
    server.responseTo(2);
    server.notify("exit");
    CHECK(server.waitExit() == 0);
    CHECK(server.stderrText().find("model provider: openai-chat at http://127.0.0.1:") != std::string::npos);
}

TEST_CASE("a wrong provider configuration, or a missing API key, is shown to the user once") {
    LspProcess server;
    initialize(server, json::object{{"provider", json::object{{"kind", "telepathy"}, {"endpoint", "http://x"}}}});
    const json::value message = nextNotification(server, "window/showMessage");
    CHECK(message.at("params").at("type") == 1);
    CHECK(std::string(message.at("params").at("message").as_string()).find("provider.kind: unknown wire format 'telepathy'") !=
          std::string::npos);

    // Fixing it through a configuration change: the key's variable is named but not set.
    server.notify("workspace/didChangeConfiguration", json::object{{"settings", json::object{{"flint", json::object{
        {"provider", json::object{{"kind", "openai-responses"}, {"endpoint", "https://api.openai.com/v1"},
                                  {"apiKeyEnv", "FLINT_TEST_UNSET_VARIABLE"}}}}}}}});
    const json::value warning = nextNotification(server, "window/showMessage");
    CHECK(warning.at("params").at("type") == 2);
    CHECK(warning.at("params").at("message") ==
          "Flint: set the environment variable FLINT_TEST_UNSET_VARIABLE to your API key for api.openai.com "
          "(requests are not sent without it)");

    server.request(2, "shutdown", nullptr);
    server.responseTo(2);
    server.notify("exit");
    CHECK(server.waitExit() == 0);
}
