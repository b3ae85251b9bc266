#include "LspProcess.h"

#include "lsp/Framing.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <unistd.h>

namespace bp = boost::process;

namespace flint::test {

namespace {

// A file name for this process's log: the running test case's name (when there is
// one), this test binary's pid and a sequence number, so parallel ctest runs never
// share a file and a leak found by the audit points at its test.
std::string logFileName() {
    static std::atomic<int> sequence{0};
    std::string name = "flint-lsp";
    if (Catch::IResultCapture* capture = Catch::getCurrentContext().getResultCapture()) {
        name.clear();
        for (char c : capture->getCurrentTestName()) {
            const bool plain = std::isalnum(static_cast<unsigned char>(c)) != 0;
            if (!plain && (name.empty() || name.back() == '-')) continue;
            name += plain ? c : '-';
            if (name.size() >= 80) break;
        }
    }
    return name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++sequence) + ".log";
}

} // namespace

struct LspProcess::Impl {
    bp::pipe in;
    bp::pipe out;
    std::string stderrPath;
    std::string logFileArg;  // the test's own --log-file, copied beside stderr at the end
    bp::child child;
    lsp::MessageReader reader;
    std::deque<std::string> ready;  // framed payloads not yet handed out
    bool stdoutClosed = false;
};

LspProcess::LspProcess(std::vector<std::string> args) : LspProcess(std::move(args), {}) {}

LspProcess::LspProcess(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> environment)
    : impl_(std::make_unique<Impl>()) {
    const std::filesystem::path logs = FLINT_TEST_LOG_DIR;
    std::error_code error;
    std::filesystem::create_directories(logs, error);
    INFO("cannot create the test log directory " << logs << ": " << error.message());
    REQUIRE_FALSE(error);
    impl_->stderrPath = (logs / logFileName()).string();
    if (std::find(args.begin(), args.end(), "--log-level") == args.end()) {
        args.push_back("--log-level");
        args.push_back("trace");
    }
    if (auto it = std::find(args.begin(), args.end(), "--log-file"); it != args.end() && it + 1 != args.end())
        impl_->logFileArg = *(it + 1);
    bp::environment env = boost::this_process::environment();
    for (const auto& [name, value] : environment) {
        if (value.empty()) env.erase(name);
        else env[name] = value;
    }
    impl_->child = bp::child(std::string(FLINT_LSP_BINARY), bp::args(args), bp::std_in < impl_->in,
                             bp::std_out > impl_->out, bp::std_err > impl_->stderrPath, env);
    // Our ends of its pipes stay ours: a process started later must not hold its stdin open.
    ::fcntl(impl_->in.native_sink(), F_SETFD, FD_CLOEXEC);
    ::fcntl(impl_->out.native_source(), F_SETFD, FD_CLOEXEC);
}

LspProcess::~LspProcess() {
    if (impl_->child.running()) {
        impl_->child.terminate();
    }
    if (impl_->child.valid()) impl_->child.wait();
    // The log stays for the audit; a log file the test chose joins it there.
    if (!impl_->logFileArg.empty()) {
        std::error_code ignored;
        std::filesystem::copy_file(impl_->logFileArg, impl_->stderrPath + ".log-file.log",
                                   std::filesystem::copy_options::overwrite_existing, ignored);
    }
}

void LspProcess::writeRaw(std::string_view bytes) {
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(impl_->in.native_sink(), bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        REQUIRE(n > 0);
        written += static_cast<size_t>(n);
    }
}

void LspProcess::send(const json::value& message) { writeRaw(lsp::frame(json::serialize(message))); }

void LspProcess::request(int64_t id, std::string_view method, json::value params) {
    send(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
}

void LspProcess::notify(std::string_view method, json::value params) {
    send(json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

std::optional<json::value> LspProcess::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        std::optional<json::value> message = nextMessage(std::max(left, std::chrono::milliseconds(0)));
        if (!message) return message;
        const json::object& o = message->as_object();
        const json::value* method = o.if_contains("method");
        if (!method || *method != "flint/status" || o.contains("id")) return message;
        statuses.push_back(o.at("params"));
    }
}

std::optional<json::value> LspProcess::nextAny(std::chrono::milliseconds timeout) {
    std::optional<json::value> message = nextMessage(timeout);
    if (!message) return message;
    const json::object& o = message->as_object();
    if (const json::value* method = o.if_contains("method"); method && *method == "flint/status" && !o.contains("id"))
        statuses.push_back(o.at("params"));
    return message;
}

json::value LspProcess::waitStatus(std::string_view state, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (; statusesSeen < statuses.size(); ++statusesSeen)
            if (statuses[statusesSeen].at("state").as_string() == state) return statuses[statusesSeen++];
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        INFO("waiting for status " << state << "; server stderr:\n" << stderrText());
        REQUIRE(left.count() > 0);
        std::optional<json::value> message = nextMessage(left);
        if (!message) continue;
        const json::object& o = message->as_object();
        if (const json::value* method = o.if_contains("method"); method && *method == "flint/status" && !o.contains("id"))
            statuses.push_back(o.at("params"));
        else
            others.push_back(std::move(*message));
    }
}

std::optional<json::value> LspProcess::nextMessage(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<lsp::MessageReader::Event> events;
    while (impl_->ready.empty() && !impl_->stdoutClosed) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd fd{impl_->out.native_source(), POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return std::nullopt;
        char buffer[65536];
        const ssize_t n = ::read(impl_->out.native_source(), buffer, sizeof buffer);
        if (n <= 0) {
            impl_->stdoutClosed = true;
            break;
        }
        impl_->reader.feed(std::string_view(buffer, static_cast<size_t>(n)), events);
        for (auto& event : events) {
            if (event.isError()) ++framingErrors_;
            else impl_->ready.push_back(std::move(event.text));
        }
        events.clear();
    }
    if (impl_->ready.empty()) return std::nullopt;
    std::string payload = std::move(impl_->ready.front());
    impl_->ready.pop_front();
    return json::parse(payload);
}

json::value LspProcess::readUntil(const std::function<bool(const json::value&)>& wanted,
                                  std::chrono::milliseconds timeout, const std::string& waitingFor) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto message = next(std::max(left, std::chrono::milliseconds(0)));
        INFO("waiting for " << waitingFor << "; server stderr:\n" << stderrText());
        REQUIRE(message);
        if (wanted(*message)) return *message;
        others.push_back(std::move(*message));
    }
}

json::value LspProcess::responseTo(int64_t id, std::chrono::milliseconds timeout) {
    return readUntil(
        [id](const json::value& m) {
            const json::object& o = m.as_object();
            return !o.contains("method") && o.contains("id") && o.at("id") == id;
        },
        timeout, "the response to request " + std::to_string(id));
}

void LspProcess::closeStdin() { impl_->in.close(); }

json::value LspProcess::serverRequest(std::string_view method, std::chrono::milliseconds timeout) {
    auto isIt = [&](const json::value& m) {
        const json::object& o = m.as_object();
        return o.contains("id") && o.contains("method") && o.at("method").as_string() == method;
    };
    for (auto it = others.begin(); it != others.end(); ++it)
        if (isIt(*it)) {
            json::value found = std::move(*it);
            others.erase(it);
            return found;
        }
    return readUntil(isIt, timeout, "the server to send " + std::string(method));
}

void LspProcess::answer(const json::value& request, json::value result) {
    send(json::object{{"jsonrpc", "2.0"}, {"id", request.at("id")}, {"result", std::move(result)}});
}

std::optional<int> LspProcess::shutdownAndExit(int64_t id) {
    request(id, "shutdown", nullptr);
    responseTo(id);
    notify("exit");
    return waitExit();
}

std::optional<int> LspProcess::waitExit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!impl_->stdoutClosed) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        auto message = next(left);
        if (message) others.push_back(std::move(*message));
    }
    // stdout closes as the process exits; wait() now returns at once.
    impl_->child.wait();
    return impl_->child.exit_code();
}

std::string LspProcess::stderrText() const {
    std::ifstream in(impl_->stderrPath);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

json::value position(uint32_t line, uint32_t character) {
    return json::object{{"line", line}, {"character", character}};
}

json::value range(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    return json::object{{"start", position(l1, c1)}, {"end", position(l2, c2)}};
}

json::value textDocument(std::string_view uri) { return json::object{{"uri", uri}}; }

} // namespace flint::test
