// A provider's budget through the real flint-lsp binary: once it is spent, automatic
// suggestions pause (refused at once, nothing sent to the model), flint/status says so
// and until when, suggestions the user asks for still go, and automatic ones resume by
// themselves when the status says.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <ctime>
#include <unistd.h>

using namespace flint::test;

namespace {

const std::string kUri = "file:///work/budget.py";

size_t modelRequests(ScriptedModelServer& model) { return model.control("GET", "/__flint/requests").as_array().size(); }

class Editor {
public:
    explicit Editor(LspProcess& server) : server_(server) {}

    // A new line at the end of the file: the next request's prompt differs (no cache hit).
    void type() {
        ++version_;
        server_.notify("textDocument/didChange", json::object{
            {"textDocument", json::object{{"uri", kUri}, {"version", version_}}},
            {"contentChanges", json::array{json::object{{"range", range(2 + lines_, 0, 2 + lines_, 0)},
                                                        {"text", "x" + std::to_string(lines_) + " = 1\n"}}}}});
        ++lines_;
    }

    // Asks for a suggestion in the function body; its response and last partial.
    struct Answer {
        json::value response;
        json::value last;  // the final flint/inlineCompletion/partial
    };
    Answer ask(bool automatic) {
        const int64_t id = nextId_++;
        server_.request(id, "textDocument/inlineCompletion", json::object{
            {"textDocument", json::object{{"uri", kUri}}}, {"position", position(1, 4)},
            {"context", json::object{{"triggerKind", automatic ? 2 : 1}}}});
        Answer answer;
        answer.response = server_.responseTo(id);
        auto isLast = [id](const json::value& m) {
            return m.as_object().contains("method") && m.at("method") == "flint/inlineCompletion/partial" &&
                   m.at("params").at("id") == id && m.at("params").at("done") == true;
        };
        for (auto it = server_.others.begin();; ++it) {
            if (it == server_.others.end()) {
                auto message = server_.next();
                INFO("server stderr:\n" << server_.stderrText());
                REQUIRE(message);
                server_.others.push_back(std::move(*message));
                it = std::prev(server_.others.end());
            }
            if (isLast(*it)) {
                answer.last = it->at("params");
                return answer;
            }
        }
    }

private:
    LspProcess& server_;
    int64_t version_ = 1;
    int lines_ = 0;
    int64_t nextId_ = 2;
};

size_t items(const json::value& response) { return response.at("result").at("items").as_array().size(); }

double secondsUntil(const json::value& iso) {
    std::tm t{};
    REQUIRE(strptime(std::string(iso.as_string()).c_str(), "%Y-%m-%dT%H:%M:%SZ", &t) != nullptr);
    return std::difftime(timegm(&t), std::time(nullptr));
}

} // namespace

TEST_CASE("budget spent: automatic suggestions pause, the status says until when, invoked ones still go, then they resume") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", R"({"reply":"return a + b\n","tokenChars":13})");
    LspProcess server;
    // One request every four seconds at most (a burst of one): the second automatic
    // request in a row is over budget.
    server.request(1, "initialize", json::object{
        {"processId", ::getpid()}, {"capabilities", json::object{}},
        {"initializationOptions", json::object{
            {"provider", json::object{{"kind", "openai-chat"},
                                      {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"},
                                      {"model", "m"}, {"budget", json::object{{"requestsPerSecond", 0.25}, {"burst", 1}}}}},
            {"inline", json::object{{"debounceMs", 0}, {"prefetch", false}}}}}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kUri}, {"languageId", "python"}, {"version", 1}, {"text", "def add(a, b):\n    \n"}}}});
    server.waitStatus("ready");
    Editor editor(server);

    // Within budget: to the model.
    CHECK(items(editor.ask(true).response) == 1);
    CHECK(modelRequests(model) == 1);

    // Over it: refused at once, nothing sent, and the status says until when.
    editor.type();
    const Editor::Answer refused = editor.ask(true);
    CHECK(items(refused.response) == 0);
    CHECK(refused.last.at("text") == "");
    CHECK(std::string(refused.last.at("error").as_string()).find("requestsPerSecond budget") != std::string::npos);
    CHECK(modelRequests(model) == 1);
    const json::value paused = server.waitStatus("over-budget");
    INFO(json::serialize(paused));
    CHECK(paused.at("limit") == "requestsPerSecond");
    CHECK(std::string(paused.at("message").as_string()).find("automatic suggestions paused until ") == 0);
    CHECK(secondsUntil(paused.at("until")) >= -1);
    CHECK(secondsUntil(paused.at("until")) <= 5);

    // Asked for explicitly: it goes, and the pause goes on.
    editor.type();
    CHECK(items(editor.ask(false).response) == 1);
    CHECK(modelRequests(model) == 2);
    CHECK(server.statuses.back().at("state") == "over-budget");

    // The pause ends by itself when the status said it would (the invoked request
    // counted, so that may be later than the first "until": the status follows).
    server.waitStatus("ready", std::chrono::seconds(15));
    editor.type();
    CHECK(items(editor.ask(true).response) == 1);
    CHECK(modelRequests(model) == 3);

    server.request(99, "shutdown", nullptr);
    server.responseTo(99);
    server.notify("exit");
    CHECK(server.waitExit() == 0);
}
