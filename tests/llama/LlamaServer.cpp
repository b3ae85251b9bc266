#include "LlamaServer.h"

#include "ScriptedModelServer.h"  // runUntil
#include "model/HttpClient.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace bp = boost::process;

namespace flint::test {

std::optional<LlamaPaths> llamaPaths(std::string& whyNot) {
    auto pick = [](const char* variable, const char* built) {
        const char* value = std::getenv(variable);
        return std::string(value && *value ? value : built);
    };
    LlamaPaths paths{pick("FLINT_LLAMA_SERVER", FLINT_LLAMA_SERVER), pick("FLINT_LLAMA_MODEL", FLINT_LLAMA_MODEL)};
    std::error_code ec;
    if (!std::filesystem::exists(paths.server, ec) || !std::filesystem::exists(paths.model, ec)) {
        whyNot = "llama-server or the tiny model is not prepared (" + paths.server + ", " + paths.model +
                 "): run `bash scripts/llama-server.sh prepare` (a cold build takes tens of minutes)";
        return std::nullopt;
    }
    return paths;
}

struct LlamaServer::Impl {
    boost::asio::io_context& loop;
    bp::pipe output;
    bp::child child;
    std::thread reader;
    mutable std::mutex mutex;
    std::condition_variable grew;
    std::string log;
    bool closed = false;
    std::unique_ptr<HttpClient> http;

    explicit Impl(boost::asio::io_context& l) : loop(l) {}

    void read() {
        char buffer[16384];
        for (;;) {
            const ssize_t n = ::read(output.native_source(), buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            std::lock_guard lock(mutex);
            if (n <= 0) {
                closed = true;
                grew.notify_all();
                return;
            }
            log.append(buffer, static_cast<size_t>(n));
            grew.notify_all();
        }
    }
};

LlamaServer::LlamaServer(boost::asio::io_context& loop) : LlamaServer(loop, Options{}) {}

LlamaServer::LlamaServer(boost::asio::io_context& loop, Options options) : impl_(std::make_unique<Impl>(loop)) {
    std::string whyNot;
    const auto paths = llamaPaths(whyNot);
    if (!paths) throw std::runtime_error(whyNot);
    std::vector<std::string> args{"-m", paths->model, "--host", "127.0.0.1", "--port", "0",
                                  "-t", "1", "-c", "4096", "--parallel", std::to_string(options.slots),
                                  "--slots", "--no-warmup"};
    args.insert(args.end(), options.extraArgs.begin(), options.extraArgs.end());
    impl_->child = bp::child(paths->server, bp::args(args), bp::std_in.close(),
                             (bp::std_out & bp::std_err) > impl_->output);
    // Only the child holds the write end now, so EOF comes when it exits.
    ::close(impl_->output.native_sink());
    impl_->output.assign_sink(-1);
    impl_->reader = std::thread([impl = impl_.get()] { impl->read(); });

    // "listening on http://127.0.0.1:<port>" is logged once the model is loaded.
    const std::string marker = "listening on http://127.0.0.1:";
    const auto at = waitForLog(marker, 0, options.startTimeout);
    if (!at) {
        const std::string text = log();
        stop();
        throw std::runtime_error("llama-server did not start listening; its log:\n" + text);
    }
    const std::string text = log();
    port_ = static_cast<uint16_t>(std::stoi(text.substr(*at)));
    impl_->http = std::make_unique<HttpClient>(loop, endpoint());
}

LlamaServer::~LlamaServer() { stop(); }

int LlamaServer::pid() const { return impl_->child.valid() ? impl_->child.id() : 0; }

std::string LlamaServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

Endpoint LlamaServer::endpoint(const std::string& basePath) const {
    Endpoint e;
    e.host = "127.0.0.1";
    e.port = port_;
    e.basePath = basePath;
    return e;
}

boost::json::value LlamaServer::request(const std::string& method, const std::string& target, const std::string& body,
                                        int* status) {
    std::string response;
    bool done = false;
    std::string error;
    int code = 0;
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    auto call = impl_->http->send(request, {
        .onHead = [&](const HttpResponseHead& head) { code = head.status; },
        .onBody = [&](std::string_view bytes) { response.append(bytes); },
        .onDone = [&](const std::string& e) { error = e, done = true; },
    });
    if (!runUntil(impl_->loop, [&] { return done; }, 60s))
        throw std::runtime_error("no answer from llama-server to " + method + " " + target);
    if (!error.empty()) throw std::runtime_error(method + " " + target + " failed: " + error);
    if (status) *status = code;
    return boost::json::parse(response);
}

std::optional<size_t> LlamaServer::waitForLog(std::string_view needle, size_t from, std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    std::optional<size_t> found;
    impl_->grew.wait_for(lock, timeout, [&] {
        const size_t at = impl_->log.find(needle, std::min(from, impl_->log.size()));
        if (at != std::string::npos) found = at + needle.size();
        return found || impl_->closed;
    });
    return found;
}

std::string LlamaServer::log() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->log;
}

size_t LlamaServer::logSize() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->log.size();
}

void LlamaServer::stop() {
    impl_->http.reset();
    if (impl_->child.valid() && impl_->child.running()) {
        ::kill(impl_->child.id(), SIGTERM);
        // Its output closes as it exits.
        std::unique_lock lock(impl_->mutex);
        const bool exited = impl_->grew.wait_for(lock, std::chrono::seconds(10), [&] { return impl_->closed; });
        lock.unlock();
        if (!exited) impl_->child.terminate();
    }
    if (impl_->child.valid()) impl_->child.wait();
    if (impl_->reader.joinable()) impl_->reader.join();
}

} // namespace flint::test
