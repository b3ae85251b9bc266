// The fault matrix: every way a model provider fails (429 with Retry-After, 500, a
// refused connection, a certificate the client does not trust, a stream dropped midway,
// a garbage event, a stall after the headers, headers that never come, an oversized
// body) against every feature that calls the model (inline completion, next edit, a
// code action), through the real flint-lsp binary. Each cell is one named section
// ("<fault> x <feature>") and checks the same four things:
//  - responsive: while the fault is in progress a cheap request (flint/inspect) is
//    answered within a small bound (and, for faults that last, before the feature's own
//    answer: the fault holds nothing up);
//  - nothing partial as whole: a broken inline stream ends with no text and an error
//    (its standard response has no items), a next edit from a broken rewrite has no
//    edits, a code action answers an error and no edit;
//  - one clear status: flint/status reaches the fault's state once (error, or
//    rate-limited with `until`) and window/showMessage comes at most once per outage
//    (exactly once for an unreachable provider);
//  - recovery by itself: once the fault clears, the feature works again and the status
//    is ready (after a 429, by itself once Retry-After has passed).
// Then the client disappearing (stdin closed without shutdown or exit, idle and
// mid-stream): flint-lsp exits promptly with code 1 and its local model server is gone.
#include "LspProcess.h"
#include "ScriptedModelServer.h"

#include "model/LocalModelProcess.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace flint::test;
using Ms = std::chrono::milliseconds;

namespace {

enum class Feature { Inline, NextEdit, CodeAction };
constexpr Feature kFeatures[] = {Feature::Inline, Feature::NextEdit, Feature::CodeAction};

const char* nameOf(Feature feature) {
    switch (feature) {
    case Feature::Inline: return "inline completion";
    case Feature::NextEdit: return "next edit";
    case Feature::CodeAction: return "code action";
    }
    return "";
}

// Where the model is while the fault lasts.
enum class Setup {
    Scripted,      // the scripted model server, its script carrying the fault
    ClosedPort,    // nothing listens on the port (connection refused)
    UntrustedTls,  // an HTTPS server whose certificate Flint does not trust
};

struct Fault {
    const char* name;
    Setup setup;
    json::object script;  // the fault's fields of the model server's script (Setup::Scripted)
    std::string state;    // flint/status while it lasts
    std::string error;    // in the status message ("" when the words vary, e.g. by how the socket broke)
    bool lasts;           // the model holds the request until Flint gives up (first-token timeout)
    int messages;         // window/showMessage for the outage
};

const Fault kFaults[] = {
    {"429 with Retry-After", Setup::Scripted, {{"fault", "429"}, {"retryAfter", 2}}, "rate-limited",
     "rate limited by the provider until", false, 0},
    {"500", Setup::Scripted, {{"fault", "500"}}, "error", "HTTP 500", false, 0},
    {"connection refused", Setup::ClosedPort, {}, "error", "cannot connect", false, 1},
    {"TLS failure", Setup::UntrustedTls, {}, "error", "certificate verify failed", false, 0},
    {"drop mid-stream", Setup::Scripted, {{"fault", "drop"}}, "error", "", false, 0},
    {"garbage event", Setup::Scripted, {{"fault", "garbage"}}, "error", "malformed event", false, 0},
    {"stall after headers", Setup::Scripted, {{"fault", "stall"}}, "error", "no token from the model within", true, 0},
    {"slow headers", Setup::Scripted, {{"fault", "slow-headers"}}, "error", "no token from the model within", true, 0},
    {"oversized body", Setup::Scripted, {{"fault", "oversized"}}, "error", "", false, 0},
};

constexpr Ms kCheapBound{2000};     // a cheap request's answer while a fault is in progress
constexpr int kFirstTokenMs = 3000;  // the lasting faults end here

// ---- the documents and replies of each feature ----------------------------------------

// Inline: the model writes one line, in tokens of 3 characters, so a fault at the middle
// of the stream cuts it inside the line.
const std::string kInlineUri = "file:///work/fault_inline.py";
const std::string kInlineText = "def add(a, b):\n    \n";
const std::string kInlineReply = "return a + b\n";

// Next edit: the user renamed `count` on line 1; the model carries the rename on. In
// tokens of 7 characters, a fault at the middle of the stream cuts line 3, the first
// changed line, before any hunk is anchored.
const std::string kEditUri = "file:///work/fault_edit.py";
const std::string kEditText =
    "def summarize(items):\n"
    "    count = 0\n"
    "    for item in items:\n"
    "        count += item.size\n"
    "    if count > 100:\n"
    "        print(\"big\", count)\n"
    "    return count\n";
const std::string kEditRewrite =
    "def summarize(items):\n"
    "    total = 0\n"
    "    for item in items:\n"
    "        total += item.size\n"
    "    if total > 100:\n"
    "        print(\"big\", total)\n"
    "    return total\n";

// Code action: a rewrite of one line.
const std::string kActionUri = "file:///work/fault_action.py";
const std::string kActionText =
    "import math\n"
    "\n"
    "class Shape:\n"
    "    def area(self, r):\n"
    "        total = 0\n"
    "        total = total + math.pi * r * r\n"
    "        return total\n";
const std::string kActionReply = "```python\n        total = total + math.pi * r ** 2\n```";

json::object replyScript(Feature feature) {
    switch (feature) {
    case Feature::Inline: return {{"reply", kInlineReply}, {"tokenChars", 3}};
    case Feature::NextEdit: return {{"reply", kEditRewrite}, {"tokenChars", 7}};
    case Feature::CodeAction: return {{"reply", kActionReply}, {"tokenChars", 3}};
    }
    return {};
}

std::string withFault(Feature feature, const json::object& fault) {
    json::object script = replyScript(feature);
    script["fault"] = nullptr;  // no fault unless the row has one
    for (const auto& [key, value] : fault) script[key] = value;
    return json::serialize(script);
}

// ---- a session: flint-lsp as an editor drives it ---------------------------------------

class Session {
public:
    Session(std::string endpoint, json::object providerExtra, Feature feature)
        : lsp_({"--stdio", "--log-level", "debug"}), feature_(feature) {
        json::object provider{{"kind", "openai-chat"}, {"endpoint", std::move(endpoint)}, {"model", "m"},
                              {"maxRetries", 0}, {"timeoutMs", 30000}, {"maxResponseBytes", 1 << 20}};
        for (const auto& [key, value] : providerExtra) provider[key] = value;
        lsp_.request(1, "initialize", json::object{
            {"processId", ::getpid()},
            {"capabilities", json::object{
                {"general", json::object{{"positionEncodings", json::array{"utf-16"}}}},
                {"textDocument", json::object{{"codeAction", json::object{
                    {"resolveSupport", json::object{{"properties", json::array{"edit"}}}}}}}},
                {"workspace", json::object{{"workspaceEdit", json::object{{"documentChanges", true}}}}}}},
            {"initializationOptions", json::object{{"provider", std::move(provider)},
                                                   {"nextEdit", json::object{{"quietMs", 0}}}}}});
        REQUIRE(response(1).as_object().contains("result"));
        lsp_.notify("initialized");
        const auto open = [&](const std::string& uri, const std::string& text) {
            lsp_.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
                {"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}});
        };
        if (feature == Feature::Inline) open(kInlineUri, kInlineText);
        if (feature == Feature::NextEdit) {
            open(kEditUri, kEditText);
            lsp_.notify("textDocument/didChange", json::object{
                {"textDocument", json::object{{"uri", kEditUri}, {"version", 2}}},
                {"contentChanges", json::array{json::object{{"range", range(1, 4, 1, 9)}, {"text", "total"}}}}});
        }
        if (feature == Feature::CodeAction) open(kActionUri, kActionText);
    }

    LspProcess& lsp() { return lsp_; }
    const std::vector<json::value>& seen() const { return seen_; }
    size_t statusCount() const { return lsp_.statuses.size(); }

    // Reads on until `match` holds for a message at `from` or later (statuses aside); its index.
    size_t waitFor(const std::function<bool(const json::value&)>& match, size_t from = 0, Ms timeout = Ms(15000)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (size_t i = from;; ++i) {
            while (i >= seen_.size()) {
                const auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
                INFO("server stderr:\n" << lsp_.stderrText());
                REQUIRE(left.count() > 0);
                read(left);
            }
            if (match(seen_[i])) return i;
        }
    }
    size_t responseIndex(int64_t id, Ms timeout = Ms(15000)) {
        return waitFor([id](const json::value& m) {
            const json::object& o = m.as_object();
            return !o.contains("method") && o.contains("id") && o.at("id") == id;
        }, 0, timeout);
    }
    json::value response(int64_t id, Ms timeout = Ms(15000)) { return seen_[responseIndex(id, timeout)]; }

    // The first status with this state at index `from` or later.
    json::value status(std::string_view state, size_t from, Ms timeout = Ms(15000)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (size_t i = from;; ++i) {
            while (i >= lsp_.statuses.size()) {
                const auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
                INFO("waiting for status " << state << "; statuses so far: " << statesSince(0) << "; stderr:\n"
                                           << lsp_.stderrText());
                REQUIRE(left.count() > 0);
                read(left);
            }
            if (lsp_.statuses[i].at("state").as_string() == state) return lsp_.statuses[i];
        }
    }
    std::string statesSince(size_t from) const {
        std::string out;
        for (size_t i = from; i < lsp_.statuses.size(); ++i)
            out += (out.empty() ? "" : ", ") + std::string(lsp_.statuses[i].at("state").as_string());
        return out;
    }
    size_t statesCount(std::string_view state, size_t from, size_t to) const {
        size_t n = 0;
        for (size_t i = from; i < to && i < lsp_.statuses.size(); ++i) n += lsp_.statuses[i].at("state").as_string() == state;
        return n;
    }
    std::vector<std::string> shownMessages() const {
        std::vector<std::string> out;
        for (const json::value& m : seen_)
            if (const json::value* method = m.as_object().if_contains("method"); method && *method == "window/showMessage")
                out.emplace_back(m.at("params").at("message").as_string());
        return out;
    }

    // Asks the feature's question; the request id.
    int64_t ask(bool automatic = false) {
        const int64_t id = nextId_++;
        switch (feature_) {
        case Feature::Inline:
            lsp_.request(id, "textDocument/inlineCompletion", json::object{
                {"textDocument", json::object{{"uri", kInlineUri}}}, {"position", position(1, 4)},
                {"context", json::object{{"triggerKind", automatic ? 2 : 1}}}});
            break;
        case Feature::NextEdit:
            lsp_.request(id, "flint/inlineEdit", json::object{
                {"textDocument", json::object{{"uri", kEditUri}, {"version", 2}}}, {"position", position(1, 9)}});
            break;
        case Feature::CodeAction: {
            const int64_t list = nextId_++;
            lsp_.request(list, "textDocument/codeAction", json::object{
                {"textDocument", json::object{{"uri", kActionUri}}}, {"range", range(5, 8, 5, 40)},
                {"context", json::object{{"diagnostics", json::array{}}}}});
            const json::value actions = response(list);
            INFO(json::serialize(actions));
            json::value rewrite;
            for (const json::value& a : actions.at("result").as_array())
                if (a.at("data").at("action") == "rewrite") rewrite = a;
            REQUIRE(rewrite.is_object());
            lsp_.request(id, "codeAction/resolve", rewrite);
            break;
        }
        }
        return id;
    }

    // flint/inspect: answered on the event loop like everything else; how long it took.
    Ms cheapRequest(size_t* index = nullptr) {
        const int64_t id = nextId_++;
        const std::string uri = feature_ == Feature::Inline ? kInlineUri : feature_ == Feature::NextEdit ? kEditUri : kActionUri;
        const auto sent = std::chrono::steady_clock::now();
        lsp_.request(id, "flint/inspect", json::object{{"textDocument", textDocument(uri)}, {"position", position(0, 0)}});
        const size_t at = responseIndex(id);
        const Ms took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - sent);
        CHECK(seen_[at].as_object().contains("result"));
        if (index) *index = at;
        return took;
    }

    // The partial notifications for inline request `id`.
    std::vector<json::value> partials(int64_t id) const {
        std::vector<json::value> out;
        for (const json::value& m : seen_)
            if (const json::value* method = m.as_object().if_contains("method");
                method && *method == "flint/inlineCompletion/partial" && m.at("params").at("id") == id)
                out.push_back(m.at("params"));
        return out;
    }

    // The feature's answer to `id` while the model is broken: nothing presented as whole.
    void expectNothingWhole(int64_t id) {
        const json::value reply = response(id, Ms(20000));
        INFO("reply: " << json::serialize(reply) << "\nserver stderr:\n" << lsp_.stderrText());
        switch (feature_) {
        case Feature::Inline: {
            CHECK(reply.at("result").at("items").as_array().empty());
            const std::vector<json::value> p = partials(id);
            REQUIRE_FALSE(p.empty());
            const json::value& last = p.back();
            CHECK(last.at("done") == true);
            CHECK(last.at("text") == "");
            CHECK(last.as_object().contains("error"));
            for (const json::value& partial : p)
                if (partial.at("done") == true) CHECK(partial.at("text") == "");
            break;
        }
        case Feature::NextEdit:
            CHECK(reply.at("result").at("edits").as_array().empty());
            break;
        case Feature::CodeAction: {
            CHECK_FALSE(reply.as_object().contains("result"));
            REQUIRE(reply.as_object().contains("error"));
            CHECK(reply.at("error").at("code") == -32803);
            for (const json::value& m : seen_)
                CHECK_FALSE((m.as_object().contains("method") && m.at("method") == "workspace/applyEdit"));
            break;
        }
        }
    }

    // The feature's answer to `id` with the model back: the whole suggestion.
    void expectWorking(int64_t id) {
        const json::value reply = response(id, Ms(20000));
        INFO("reply: " << json::serialize(reply) << "\nserver stderr:\n" << lsp_.stderrText());
        REQUIRE(reply.as_object().contains("result"));
        switch (feature_) {
        case Feature::Inline: {
            const json::array& items = reply.at("result").at("items").as_array();
            REQUIRE(items.size() == 1);
            CHECK(items[0].at("insertText") == "return a + b");
            break;
        }
        case Feature::NextEdit: {
            const json::array& edits = reply.at("result").at("edits").as_array();
            REQUIRE(edits.size() == 4);
            for (const json::value& e : edits) CHECK(e.at("text") == "total");
            break;
        }
        case Feature::CodeAction: {
            const json::array& changes = reply.at("result").at("edit").at("documentChanges").as_array();
            REQUIRE(changes.size() == 1);
            CHECK(changes[0].at("textDocument").at("version") == 1);
            CHECK_FALSE(changes[0].at("edits").as_array().empty());
            break;
        }
        }
    }

    void finish() {
        const int64_t id = nextId_++;
        lsp_.request(id, "shutdown", nullptr);
        response(id);
        lsp_.notify("exit");
        CHECK(lsp_.waitExit() == 0);
        CHECK(lsp_.framingErrors() == 0);
    }

private:
    // One message: a status goes to lsp_.statuses, anything else to seen_.
    void read(Ms timeout) {
        auto message = lsp_.nextAny(timeout);
        if (!message) return;
        const json::object& o = message->as_object();
        const json::value* method = o.if_contains("method");
        if (!method || *method != "flint/status" || o.contains("id")) seen_.push_back(std::move(*message));
    }

    LspProcess lsp_;
    Feature feature_;
    std::vector<json::value> seen_;
    int64_t nextId_ = 10;
};

// Seconds from now until an ISO 8601 UTC time.
double secondsUntil(const json::value& iso) {
    std::tm t{};
    REQUIRE(strptime(std::string(iso.as_string()).c_str(), "%Y-%m-%dT%H:%M:%SZ", &t) != nullptr);
    return std::difftime(timegm(&t), std::time(nullptr));
}

void runCell(const Fault& fault, Feature feature) {
    boost::asio::io_context loop;
    std::optional<SelfSignedCertificate> trusted, untrusted;
    std::optional<ScriptedModelServer> model;
    uint16_t port = 0;
    std::string scheme = "http";
    json::object extra;
    if (fault.lasts) extra["firstTokenTimeoutMs"] = kFirstTokenMs;
    else extra["firstTokenTimeoutMs"] = 15000;
    switch (fault.setup) {
    case Setup::Scripted:
        model.emplace(loop);
        port = model->port();
        model->control("POST", "/__flint/script", withFault(feature, fault.script));
        break;
    case Setup::ClosedPort:
        port = flint::LocalModelProcess::freePort();  // bound and released: nothing listens there
        break;
    case Setup::UntrustedTls:
        // Flint trusts `trusted`; the server shows `untrusted` until the fault clears.
        trusted.emplace();
        untrusted.emplace();
        model.emplace(loop, ScriptedModelServer::Program::ModelServer,
                      std::vector<std::string>{"--tls-cert", untrusted->cert, "--tls-key", untrusted->key});
        port = model->port();
        model->control("POST", "/__flint/script", withFault(feature, {}));
        scheme = "https";
        extra["caFile"] = trusted->cert;
        break;
    }
    Session session(scheme + "://127.0.0.1:" + std::to_string(port) + "/v1", extra, feature);
    session.status("ready", 0);

    // The fault.
    const size_t faultStatuses = session.statusCount();
    const auto asked = std::chrono::steady_clock::now();
    const int64_t id = session.ask();
    // While it is in progress: for one that lasts, once the model holds the request.
    if (fault.lasts) CHECK(model->control("GET", "/__flint/wait?id=1&for=received").at("id") == 1);
    size_t cheapAt = 0;
    const Ms cheap = session.cheapRequest(&cheapAt);
    CHECK(cheap.count() <= kCheapBound.count());
    session.expectNothingWhole(id);
    if (fault.lasts) CHECK(cheapAt < session.responseIndex(id));  // answered while the model held the request
    if (fault.setup == Setup::UntrustedTls)
        CHECK(model->control("GET", "/__flint/requests").as_array().empty());  // nothing sent to an untrusted server

    const json::value shown = session.status(fault.state, faultStatuses);
    INFO("status: " << json::serialize(shown));
    if (!fault.error.empty()) CHECK(std::string(shown.at("message").as_string()).find(fault.error) != std::string::npos);
    if (fault.state == "rate-limited") {
        const double left = secondsUntil(shown.at("until"));
        CHECK(left >= -1);
        CHECK(left <= 2 + 1 + std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - asked).count());
        // It ends by itself when Retry-After has passed (no request needed to find out).
        session.status("ready", faultStatuses + 1);
    }

    // The fault clears.
    switch (fault.setup) {
    case Setup::Scripted: model->control("POST", "/__flint/script", withFault(feature, {})); break;
    case Setup::ClosedPort:
        model.emplace(loop, ScriptedModelServer::Program::ModelServer,
                      std::vector<std::string>{"--port", std::to_string(port)});
        model->control("POST", "/__flint/script", withFault(feature, {}));
        break;
    case Setup::UntrustedTls:
        model.reset();  // the server comes back on the same port with a certificate Flint trusts
        model.emplace(loop, ScriptedModelServer::Program::ModelServer,
                      std::vector<std::string>{"--port", std::to_string(port), "--tls-cert", trusted->cert, "--tls-key",
                                               trusted->key});
        model->control("POST", "/__flint/script", withFault(feature, {}));
        break;
    }
    session.cheapRequest();  // its answer comes after every status sent before it: all are read
    const size_t recoveryStatuses = session.statusCount();
    INFO("statuses during the fault: " << session.statesSince(faultStatuses));
    CHECK(session.statesCount(fault.state, faultStatuses, recoveryStatuses) == 1);

    // Recovery: the next request works (inline: an automatic one, which a rate limit
    // would refuse), and the status is ready again.
    const int64_t again = session.ask(true);
    session.expectWorking(again);
    session.status("ready", recoveryStatuses);

    const std::vector<std::string> messages = session.shownMessages();
    INFO("messages: " << messages.size());
    CHECK(static_cast<int>(messages.size()) == fault.messages);
    if (fault.setup == Setup::ClosedPort && !messages.empty())
        CHECK(messages[0].find("Flint: cannot reach the model provider at http://127.0.0.1:" + std::to_string(port)) == 0);
    session.finish();
}

void runRow(const Fault& fault) {
    for (Feature feature : kFeatures)
        DYNAMIC_SECTION(fault.name << " x " << nameOf(feature)) { runCell(fault, feature); }
}

} // namespace

TEST_CASE("fault matrix: 429 with Retry-After", "[faults]") { runRow(kFaults[0]); }
TEST_CASE("fault matrix: 500", "[faults]") { runRow(kFaults[1]); }
TEST_CASE("fault matrix: connection refused", "[faults]") { runRow(kFaults[2]); }
TEST_CASE("fault matrix: TLS failure", "[faults]") { runRow(kFaults[3]); }
TEST_CASE("fault matrix: drop mid-stream", "[faults]") { runRow(kFaults[4]); }
TEST_CASE("fault matrix: garbage event", "[faults]") { runRow(kFaults[5]); }
TEST_CASE("fault matrix: stall after headers", "[faults]") { runRow(kFaults[6]); }
TEST_CASE("fault matrix: slow headers", "[faults]") { runRow(kFaults[7]); }
TEST_CASE("fault matrix: oversized body", "[faults]") { runRow(kFaults[8]); }

// ---- the client disappears ----------------------------------------------------------------

namespace {

// Waits for a process that is not our child to end: a pidfd polls readable once it has.
bool processEnds(int pid, Ms timeout) {
    const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0) return errno == ESRCH;  // already gone
    pollfd p{fd, POLLIN, 0};
    int ready;
    do ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    while (ready < 0 && errno == EINTR);
    ::close(fd);
    return ready > 0;
}

bool processGone(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/flint-faults-XXXXXX";
        REQUIRE(::mkdtemp(pattern));
        path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

// Closes stdin and checks flint-lsp ends at once, as an LSP server must without `exit`.
void expectPromptExit(LspProcess& server) {
    const auto closed = std::chrono::steady_clock::now();
    server.closeStdin();
    const std::optional<int> code = server.waitExit(Ms(5000));
    const std::string log = server.stderrText();
    INFO("server stderr:\n" << log);
    REQUIRE(code.has_value());
    CHECK(std::chrono::steady_clock::now() - closed < Ms(5000));
    CHECK(*code == 1);  // no shutdown came first
    CHECK(log.find("input closed without exit") != std::string::npos);
    CHECK(log.find("flint-lsp exiting with code 1") != std::string::npos);
}

void initializeWith(LspProcess& server, json::object provider) {
    server.request(1, "initialize", json::object{{"processId", ::getpid()}, {"capabilities", json::object{}},
                                                 {"initializationOptions", json::object{{"provider", std::move(provider)}}}});
    REQUIRE(server.responseTo(1).as_object().contains("result"));
    server.notify("initialized");
    server.notify("textDocument/didOpen", json::object{{"textDocument", json::object{
        {"uri", kInlineUri}, {"languageId", "python"}, {"version", 1}, {"text", kInlineText}}}});
}

// The model's first token is a whole line; then it holds the stream (more is to come).
const std::string kHeldScript = R"({"reply":"total = a + b\n    return total\n","tokenChars":14,"holdAfter":1})";

// Asks for a suggestion and reads until its first text has arrived while the stream is
// still open (the partial is not the last one).
void streamStarted(LspProcess& server) {
    server.request(2, "textDocument/inlineCompletion", json::object{
        {"textDocument", json::object{{"uri", kInlineUri}}}, {"position", position(1, 4)},
        {"context", json::object{{"triggerKind", 1}}}});
    for (;;) {
        auto message = server.next();
        INFO("server stderr:\n" << server.stderrText());
        REQUIRE(message);
        const json::object& o = message->as_object();
        if (o.contains("method") && o.at("method") == "flint/inlineCompletion/partial" && o.at("params").at("text") != "") {
            REQUIRE(o.at("params").at("done") == false);
            break;
        }
    }
}

json::object localModel(const std::string& pidFile) {
    return json::object{
        {"kind", "openai-chat"}, {"endpoint", "http://127.0.0.1:{port}/v1"}, {"healthPath", "/health"},
        {"command", json::array{FLINT_NODE, FLINT_MODEL_SERVER, "--port", "{port}", "--pid-file", pidFile, "--script",
                                kHeldScript}}};
}

int readPid(const std::string& pidFile) {
    std::ifstream in(pidFile);
    int pid = 0;
    in >> pid;
    return pid;
}

} // namespace

TEST_CASE("fault matrix: the client disappears while idle: flint-lsp exits and its local model server is gone",
          "[faults]") {
    TempDir dir;
    const std::string pidFile = dir.path + "/model.pid";
    LspProcess server({"--stdio", "--log-level", "debug"});
    initializeWith(server, localModel(pidFile));
    server.waitStatus("starting");
    server.waitStatus("ready", Ms(30000));  // the local server answers its health check
    const int pid = readPid(pidFile);
    REQUIRE(pid > 0);
    REQUIRE_FALSE(processGone(pid));
    expectPromptExit(server);
    CHECK(processEnds(pid, Ms(5000)));
    CHECK(processGone(pid));  // reaped by flint-lsp, not left behind
}

TEST_CASE("fault matrix: the client disappears mid-stream from its local model server: both end", "[faults]") {
    TempDir dir;
    const std::string pidFile = dir.path + "/model.pid";
    LspProcess server({"--stdio", "--log-level", "debug"});
    initializeWith(server, localModel(pidFile));
    server.waitStatus("ready", Ms(30000));
    const int pid = readPid(pidFile);
    REQUIRE(pid > 0);
    streamStarted(server);
    server.waitStatus("streaming");
    expectPromptExit(server);
    CHECK(processEnds(pid, Ms(5000)));
    CHECK(processGone(pid));
}

TEST_CASE("fault matrix: the client disappears mid-stream from a remote model: the stream is closed", "[faults]") {
    boost::asio::io_context loop;
    ScriptedModelServer model(loop);
    model.control("POST", "/__flint/script", kHeldScript);
    LspProcess server({"--stdio", "--log-level", "debug"});
    initializeWith(server, json::object{{"kind", "openai-chat"},
                                        {"endpoint", "http://127.0.0.1:" + std::to_string(model.port()) + "/v1"}});
    streamStarted(server);
    CHECK(model.control("GET", "/__flint/requests").at(0).at("aborted") == false);  // still streaming
    expectPromptExit(server);
    // The model sees its request end with the client's connection, not hang on.
    CHECK(model.control("GET", "/__flint/wait?id=1&for=aborted").at("aborted") == true);
}
