#pragma once
// Drives the real flint-lsp binary over pipes, the way an editor does: framed
// JSON-RPC on stdin/stdout, stderr captured to a file. Every wait has a deadline;
// nothing sleeps.
//
// The log is evidence for the secret audit: flint-lsp runs at `--log-level trace`
// unless the test names a level, and its stderr goes to a file of its own under the
// build tree's test-logs/ (named after the test case), kept after the test. A
// `--log-file` the test names is copied there when the process ends. The last ctest
// (tests/support/audit-logs.py) greps them all for the suite's secrets (TestSecrets.h).
//
//   LspProcess server;                        // spawns flint-lsp --stdio --log-level trace
//   server.request(1, "initialize", {...});
//   json::value reply = server.responseTo(1);
//   server.notify("exit");
//   CHECK(server.waitExit() == 1);

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace flint::test {

namespace json = boost::json;
using namespace std::chrono_literals;

class LspProcess {
public:
    explicit LspProcess(std::vector<std::string> args = {"--stdio"});
    // With extra environment variables (name, value) on top of this process's; an
    // empty value removes the variable.
    LspProcess(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> environment);
    ~LspProcess();

    void writeRaw(std::string_view bytes);
    void send(const json::value& message);
    void request(int64_t id, std::string_view method, json::value params = json::object{});
    void notify(std::string_view method, json::value params = json::object{});

    // The next message the server sends, or nothing if none comes in time (or stdout closed).
    // `flint/status` notifications are set aside in `statuses` (they come whenever the
    // server's health changes, so tests of other things would trip on them).
    std::optional<json::value> next(std::chrono::milliseconds timeout = 10s);
    std::vector<json::value> statuses;  // params of each flint/status, in order
    // The next message of any kind: a flint/status too (kept in `statuses` as well), so a
    // caller waiting for one is not held until another kind of message comes.
    std::optional<json::value> nextAny(std::chrono::milliseconds timeout = 10s);
    // The first status with this state not returned before (reading on until one comes).
    json::value waitStatus(std::string_view state, std::chrono::milliseconds timeout = 10s);
    // The response with this id; other messages met on the way are kept in `others`.
    json::value responseTo(int64_t id, std::chrono::milliseconds timeout = 10s);
    std::vector<json::value> others;

    // Reads on until the server sends a request (it expects an answer) with this method;
    // one already set aside in `others` is taken from there first.
    json::value serverRequest(std::string_view method, std::chrono::milliseconds timeout = 10s);
    // Answers a request the server sent.
    void answer(const json::value& request, json::value result);
    // shutdown, then exit, as an editor ends a session: the exit code (nothing if the
    // server did not exit in time).
    std::optional<int> shutdownAndExit(int64_t id = 999999);

    void closeStdin();
    // Waits for stdout to close and returns the exit code; nothing if it does not exit in time.
    std::optional<int> waitExit(std::chrono::milliseconds timeout = 10s);
    std::string stderrText() const;
    // Bytes on stdout that were not well-framed protocol (must stay zero).
    size_t framingErrors() const { return framingErrors_; }

private:
    std::optional<json::value> nextMessage(std::chrono::milliseconds timeout);
    // Reads on (through next()) until a message is `wanted`, keeping the others in
    // `others`; fails the test, naming `waitingFor`, when none comes in time.
    json::value readUntil(const std::function<bool(const json::value&)>& wanted, std::chrono::milliseconds timeout,
                          const std::string& waitingFor);
    size_t statusesSeen = 0;
    struct Impl;
    std::unique_ptr<Impl> impl_;
    size_t framingErrors_ = 0;
};

// Shortcuts for building LSP params in tests.
json::value position(uint32_t line, uint32_t character);
json::value range(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2);
json::value textDocument(std::string_view uri);

} // namespace flint::test
