// flint-lsp's configuration as an editor and a user set it: the user config file,
// settings levels and workspace trust (a workspace cannot send the key elsewhere),
// named providers per feature, one message for an unreachable provider, a stalled
// model never blocking the server, and a local model server that dies with Flint.
// Every session runs with a recognisable fake key at trace level, and the key must
// appear in no log line.
#include "LspProcess.h"
#include "ScriptedModelServer.h"
#include "TestSecrets.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>
#include <unistd.h>

using namespace flint::test;

namespace {

const std::string kKey = kTestApiKey;
const std::string kUri = "file:///work/app.py";
const std::string kSource = "def total(items):\n    return \n";

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char pattern[] = "/tmp/flint-config-XXXXXX";
        REQUIRE(::mkdtemp(pattern));
        path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    void write(const std::string& relative, const std::string& text) const {
        std::filesystem::create_directories((path / relative).parent_path());
        std::ofstream(path / relative) << text;
    }
};

std::string url(const ScriptedModelServer& model) { return "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"; }

std::unique_ptr<LspProcess> launch(const TempDir& config, std::vector<std::pair<std::string, std::string>> env = {}) {
    env.emplace_back("XDG_CONFIG_HOME", config.path.string());
    env.emplace_back("FLINT_API_KEY", kKey);
    return std::make_unique<LspProcess>(std::vector<std::string>{"--stdio", "--log-level", "trace"}, env);
}

void start(LspProcess& server, json::value options) {
    server.request(1, "initialize", json::object{{"processId", ::getpid()}, {"capabilities", json::object{}},
                                                 {"initializationOptions", std::move(options)}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", kSource}}}});
}

bool isMethod(const json::value& m, std::string_view method) {
    return m.as_object().contains("method") && m.at("method").as_string() == method;
}

// Reads on until request `id` is answered and its last partial (done) has arrived.
void complete(LspProcess& server, int64_t id, int triggerKind = 2) {
    server.request(id, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(1, 11)},
        {"context", json::object{{"triggerKind", triggerKind}}}});
    server.responseTo(id);
    auto isDone = [&](const json::value& m) {
        return isMethod(m, "flint/inlineCompletion/partial") && m.at("params").at("id") == id &&
               m.at("params").at("done") == true;
    };
    while (!std::any_of(server.others.begin(), server.others.end(), isDone)) {
        auto message = server.next();
        REQUIRE(message);
        server.others.push_back(*message);
    }
}

std::vector<std::string> shownMessages(LspProcess& server) {
    // Let anything already sent arrive: a request answered after it bounds the wait.
    static int64_t id = 1000;
    server.request(++id, "flint/inspect", json::object{{"textDocument", textDocument(kUri)}, {"position", position(0, 0)}});
    server.responseTo(id);
    std::vector<std::string> out;
    for (const json::value& m : server.others)
        if (isMethod(m, "window/showMessage")) out.emplace_back(m.at("params").at("message").as_string());
    return out;
}

void finish(LspProcess& server) {
    CHECK(server.shutdownAndExit() == 0);
    const std::string log = server.stderrText();
    CHECK(log.find(kKey) == std::string::npos);  // the key is in no log line, at any level
    CHECK(log.find("[debug]") != std::string::npos);  // verbose logging was on
}

json::array requests(ScriptedModelServer& model) { return model.control("GET", "/__flint/requests").as_array(); }

// Waits for `done()` with a deadline, looking every 10 ms (for state outside any
// channel we could block on: a child process's pid file, its exit).
bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

} // namespace

TEST_CASE("a workspace-level endpoint for a keyed provider is ignored: the key never reaches the other host") {
    boost::asio::io_context loop;
    ScriptedModelServer users(loop);
    ScriptedModelServer workspaces(loop);
    users.control("POST", "/__flint/script", R"J({"reply":"sum(items)"})J");
    workspaces.control("POST", "/__flint/script", R"({"reply":"stolen"})");
    TempDir config;
    config.write("flint/config.json", json::serialize(json::object{{"provider", json::object{
        {"kind", "openai-chat"}, {"endpoint", url(users)}, {"model", "m"}, {"apiKeyEnv", "FLINT_API_KEY"}}}}));
    auto server = launch(config);
    // The client marks levels: its user-level part is empty, so the endpoint is the workspace's.
    start(*server, json::object{{"flint", json::object{{"provider", json::object{{"endpoint", url(workspaces)}}}}},
                                {"flintUserSettings", json::object{}}});
    complete(*server, 2);
    const json::array seen = requests(users);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].at("headers").at("authorization").as_string() == "Bearer " + kKey);
    CHECK(requests(workspaces).empty());
    const auto messages = shownMessages(*server);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].find("Flint ignored provider.endpoint from the workspace settings") == 0);

    // The user opts in at user level: now the workspace's endpoint applies.
    server->notify("workspace/didChangeConfiguration", json::object{{"settings", json::object{
        {"flint", json::object{{"provider", json::object{{"endpoint", url(workspaces)}}}}},
        {"flintUserSettings", json::object{{"trustWorkspaceEndpoints", true}}}}}});
    complete(*server, 3);
    CHECK(requests(workspaces).size() == 1);
    CHECK(requests(users).size() == 1);
    finish(*server);
}

TEST_CASE("a workspace cannot opt itself in, nor name a command to run") {
    boost::asio::io_context loop;
    ScriptedModelServer users(loop);
    ScriptedModelServer workspaces(loop);
    TempDir config;
    config.write("flint/config.json", json::serialize(json::object{{"flint", json::object{{"provider", json::object{
        {"endpoint", url(users)}, {"apiKeyEnv", "FLINT_API_KEY"}}}}}}));
    const std::string marker = (config.path / "ran").string();
    auto server = launch(config);
    start(*server, json::object{
        {"provider", json::object{{"endpoint", url(workspaces)}, {"command", json::array{"touch", marker}}}},
        {"trustWorkspaceEndpoints", true}, {"flintUserSettings", json::object{}}});
    complete(*server, 2);
    CHECK(requests(users).size() == 1);
    CHECK(requests(workspaces).empty());
    const auto messages = shownMessages(*server);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].find("Flint ignored trustWorkspaceEndpoints, provider.endpoint, provider.command") == 0);
    finish(*server);
    CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("named providers serve the features the configuration gives them") {
    boost::asio::io_context loop;
    ScriptedModelServer fast(loop);
    ScriptedModelServer strong(loop);
    fast.control("POST", "/__flint/script", R"({"reply":"from fast"})");
    TempDir config;
    auto server = launch(config);
    start(*server, json::object{
        {"providers", json::object{{"fast", json::object{{"endpoint", url(fast)}}},
                                   {"strong", json::object{{"kind", "openai-responses"}, {"endpoint", url(strong)}}}}},
        {"features", json::object{{"inline", "fast"}, {"actions", "strong"}}}});
    complete(*server, 2);
    CHECK(requests(fast).size() == 1);
    CHECK(requests(strong).empty());
    CHECK(server->stderrText().find("model provider strong: openai-responses") != std::string::npos);
    finish(*server);
}

TEST_CASE("an unreachable provider is reported once, not once per keystroke") {
    TempDir config;
    auto server = launch(config);
    start(*server, json::object{{"provider", json::object{{"endpoint", "http://127.0.0.1:1/v1"}, {"maxRetries", 0}}}});
    for (int id = 2; id < 6; ++id) complete(*server, id);
    std::vector<std::string> unreachable;
    for (const std::string& m : shownMessages(*server))
        if (m.find("cannot reach the model provider") != std::string::npos) unreachable.push_back(m);
    REQUIRE(unreachable.size() == 1);
    CHECK(unreachable[0].find("Flint: cannot reach the model provider at http://127.0.0.1:1") == 0);
    finish(*server);
}

TEST_CASE("a stalled model never blocks the server: didChange and flint/inspect are answered meanwhile") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"({"fault":"stall"})");
    TempDir config;
    auto server = launch(config);
    start(*server, json::object{{"provider", json::object{{"endpoint", url(model)}, {"firstTokenTimeoutMs", 60000},
                                                          {"timeoutMs", 120000}}}});
    server->request(2, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(1, 11)},
        {"context", json::object{{"triggerKind", 2}}}});
    // The model has the request and says nothing more.
    REQUIRE(eventually([&] { return requests(model).size() == 1; }));
    server->notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 2}}},
        {"contentChanges", json::array{json::object{{"range", range(1, 11, 1, 11)}, {"text", "s"}}}}});
    server->request(3, "flint/inspect", json::object{{"textDocument", textDocument(kUri)}, {"position", position(1, 12)}});
    const json::value inspected = server->responseTo(3);
    CHECK(inspected.at("result").at("version") == 2);
    // The keystroke answered the stalled request with nothing (its stream may still
    // feed the cache); the next request that needs the model closes it on the wire.
    auto answered = std::find_if(server->others.begin(), server->others.end(), [](const json::value& m) {
        return !m.as_object().contains("method") && m.as_object().contains("id") && m.at("id") == 2;
    });
    const json::value reply = answered != server->others.end() ? *answered : server->responseTo(2);
    CHECK(reply.at("result").at("items").as_array().empty());
    server->request(4, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kUri}}}, {"position", position(1, 12)},
        {"context", json::object{{"triggerKind", 1}}}});
    CHECK(model.control("GET", "/__flint/wait?id=1&for=aborted").at("aborted") == true);
    finish(*server);
}

TEST_CASE("a local model server started by Flint is stopped when the client goes away") {
    TempDir config;
    const std::string pidFile = (config.path / "model.pid").string();
    auto server = launch(config);
    start(*server, json::object{{"provider", json::object{
        {"command", json::array{FLINT_NODE, FLINT_MODEL_SERVER, "--port", "{port}", "--pid-file", pidFile,
                                "--reply", "local"}},
        {"endpoint", "http://127.0.0.1:{port}/v1"}, {"healthPath", "/health"}}}});
    int pid = 0;
    REQUIRE(eventually([&] {
        std::ifstream in(pidFile);
        return static_cast<bool>(in >> pid) && pid > 0;
    }));
    CHECK(::kill(pid, 0) == 0);
    server->closeStdin();  // the editor disappeared
    CHECK(server->waitExit().has_value());
    CHECK(eventually([&] { return ::kill(pid, 0) != 0; }));
    CHECK(server->stderrText().find("stopping the local model server") != std::string::npos);
}

TEST_CASE("several providers and a proxy: each key goes only to its provider's host, and never into "
          "inspect, stats, status or any message") {
    boost::asio::io_context loop;
    ScriptedModelServer keyed(loop);   // inline, through the proxy, with the test key
    ScriptedModelServer other(loop);   // code actions, with a key of its own
    ScriptedModelServer local(loop);   // next edit, no key
    ScriptedModelServer proxy(loop, ScriptedModelServer::Program::ConnectProxy);
    keyed.control("POST", "/__flint/script", R"J({"reply":"sum(items)"})J");
    other.control("POST", "/__flint/script", R"J({"reply":"len(items)"})J");
    local.control("POST", "/__flint/script", R"J({"reply":"def total(items):\n    return sum(items)\n"})J");
    const std::string otherKey = "sk-other-provider-0000";
    TempDir config;
    // User level (the config file): the proxy and endpoints are the user's own.
    config.write("flint/config.json", json::serialize(json::object{
        {"providers", json::object{
            {"keyed", json::object{{"endpoint", url(keyed)}, {"model", "m"}, {"apiKeyEnv", "FLINT_API_KEY"},
                                   {"proxy", "http://127.0.0.1:" + std::to_string(proxy.port())}}},
            {"other", json::object{{"endpoint", url(other)}, {"model", "m"}, {"apiKeyEnv", "OTHER_API_KEY"}}},
            {"local", json::object{{"endpoint", url(local)}, {"model", "m"}}}}},
        {"features", json::object{
            {"inline", "keyed"}, {"nextEdit", "local"}, {"actions", "other"}}}}));
    auto server = launch(config, {{"OTHER_API_KEY", otherKey}});
    server->request(1, "initialize", json::object{{"processId", ::getpid()}, {"capabilities", json::object{
        {"textDocument", json::object{{"codeAction", json::object{
            {"resolveSupport", json::object{{"properties", json::array{"edit"}}}}, {"dataSupport", true}}}}}}}});
    REQUIRE(server->responseTo(1).as_object().contains("result"));
    server->notify("initialized");
    server->notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", kSource}}}});

    complete(*server, 2, 1);  // inline: keyed
    server->notify("textDocument/didChange", json::object{
        {"textDocument", json::object{{"uri", kUri}, {"version", 2}}},
        {"contentChanges", json::array{json::object{{"range", range(1, 11, 1, 11)}, {"text", "0"}}}}});
    server->request(3, "flint/inlineEdit", json::object{{"textDocument", textDocument(kUri)}, {"position", position(1, 12)}});
    server->responseTo(3, 20s);  // next edit: local
    server->request(4, "textDocument/codeAction", json::object{
        {"textDocument", textDocument(kUri)}, {"range", range(0, 0, 1, 12)},
        {"context", json::object{{"diagnostics", json::array{}}}}});
    const json::value listed = server->responseTo(4);
    json::value action;  // one the model runs as it is ("Edit with an instruction" asks the user first)
    for (const json::value& a : listed.at("result").as_array())
        if (a.as_object().contains("data") && !a.as_object().contains("command")) action = a;
    REQUIRE(action.is_object());
    server->request(5, "codeAction/resolve", action);
    server->responseTo(5, 20s);  // code action: other (the rewrite may be refused; what matters is where it went)
    server->request(6, "flint/inspect", json::object{{"textDocument", textDocument(kUri)}, {"position", position(1, 5)}});
    const json::value inspected = server->responseTo(6);
    server->request(7, "flint/stats", nullptr);
    const json::value stats = server->responseTo(7);

    const std::string piece = kKey.substr(0, 12);
    const json::array toKeyed = requests(keyed), toOther = requests(other), toLocal = requests(local);
    REQUIRE_FALSE(toKeyed.empty());
    REQUIRE_FALSE(toOther.empty());
    REQUIRE_FALSE(toLocal.empty());
    for (const json::value& r : toKeyed) CHECK(r.at("headers").at("authorization").as_string() == "Bearer " + kKey);
    for (const json::value& r : toOther) {
        CHECK(r.at("headers").at("authorization").as_string() == "Bearer " + otherKey);
        CHECK(json::serialize(r).find(piece) == std::string::npos);
    }
    for (const json::value& r : toLocal) {
        CHECK_FALSE(r.at("headers").as_object().contains("authorization"));
        CHECK(json::serialize(r).find(piece) == std::string::npos);
    }
    // Only the keyed provider went through the proxy, and only to its own origin.
    const json::array carried = proxy.control("GET", "/__proxy/requests").as_array();
    REQUIRE(carried.size() == toKeyed.size());
    for (const json::value& r : carried) CHECK(r.at("target").as_string().find(url(keyed) + "/") == 0);

    // Nothing the server said holds the key: answers, statuses, notifications.
    CHECK(json::serialize(inspected).find(piece) == std::string::npos);
    CHECK(json::serialize(stats).find(piece) == std::string::npos);
    CHECK(json::serialize(stats).find(otherKey) == std::string::npos);
    for (const json::value& m : server->others) CHECK(json::serialize(m).find(piece) == std::string::npos);
    for (const json::value& s : server->statuses) CHECK(json::serialize(s).find(piece) == std::string::npos);
    finish(*server);
    CHECK(server->stderrText().find(otherKey) == std::string::npos);
}
