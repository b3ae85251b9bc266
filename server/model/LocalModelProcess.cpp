#include "model/LocalModelProcess.h"

#include "model/HttpClient.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace flint {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Runs in the child between fork and exec: die with Flint.
struct DieWithParent {
    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        return {};
    }
};

std::string substitutePort(std::string text, uint16_t port) {
    const std::string value = std::to_string(port);
    for (size_t at = text.find("{port}"); at != std::string::npos; at = text.find("{port}", at + value.size()))
        text.replace(at, 6, value);
    return text;
}

} // namespace

struct LocalModelProcess::Impl : std::enable_shared_from_this<Impl> {
    asio::io_context& loop;
    LocalProcessConfig config;
    uint16_t port;
    std::function<void(bool)> onReady;
    // The child is launched with Boost.Process and then owned by pid: its exit is
    // watched through a pidfd on the event loop, and it is reaped here.
    std::unique_ptr<asio::posix::stream_descriptor> exitWatch;
    int stdinWriteEnd = -1;
    int pid = 0;
    bool ready = false;
    bool stopping = false;
    int restarts = 0;
    int failuresInARow = 0;
    std::string lastError;
    Clock::time_point startedAt;
    asio::steady_timer timer;
    std::unique_ptr<HttpClient> health;
    std::shared_ptr<HttpCall> probe;
    uint64_t generation = 0;  // which child the pending callbacks are for

    Impl(asio::io_context& l, LocalProcessConfig c, uint16_t p, std::function<void(bool)> r)
        : loop(l), config(std::move(c)), port(p), onReady(std::move(r)), timer(l) {
        Endpoint e;
        e.host = "127.0.0.1";
        e.port = port;
        health = std::make_unique<HttpClient>(loop, e);  // loopback: never through a proxy
    }

    void setReady(bool value) {
        if (ready == value) return;
        ready = value;
        if (onReady) onReady(value);
    }

    void launch() {
        if (stopping) return;
        ++generation;
        std::vector<std::string> args;
        for (size_t i = 1; i < config.command.size(); ++i) args.push_back(substitutePort(config.command[i], port));
        bp::filesystem::path exe = config.command[0];
        if (config.command[0].find('/') == std::string::npos) exe = bp::environment::find_executable(config.command[0]);
        if (exe.empty()) return failed("cannot find the program '" + config.command[0] + "' on PATH");
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return failed("cannot create a pipe for the local model server");
        try {
            bp::process child(loop.get_executor(), exe, args,
                              bp::process_stdio{fds[0], STDERR_FILENO, STDERR_FILENO}, DieWithParent{});
            pid = child.id();
            child.detach();
        } catch (const std::exception& e) {
            ::close(fds[0]);
            ::close(fds[1]);
            return failed(std::string("cannot start the local model server: ") + e.what());
        }
        ::close(fds[0]);
        stdinWriteEnd = fds[1];
        startedAt = Clock::now();
        spdlog::info("started the local model server (pid {}): {} on port {}", pid, config.command[0], port);
        const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
        if (pidfd >= 0) {
            exitWatch = std::make_unique<asio::posix::stream_descriptor>(loop, pidfd);
            watchExit(generation);
        } else {
            pollExit(generation);  // kernels before 5.3: look every 200 ms
        }
        probeHealth(generation);
    }

    void watchExit(uint64_t gen) {
        exitWatch->async_wait(asio::posix::stream_descriptor::wait_read,
                              [weak = weak_from_this(), gen](boost::system::error_code ec) {
                                  auto self = weak.lock();
                                  if (!self || ec || gen != self->generation) return;
                                  self->reap(gen);
                              });
    }

    void pollExit(uint64_t gen) {
        auto poll = std::make_shared<asio::steady_timer>(loop, milliseconds(200));
        poll->async_wait([weak = weak_from_this(), gen, poll](boost::system::error_code ec) {
            auto self = weak.lock();
            if (!self || ec || gen != self->generation) return;
            if (!self->reap(gen)) self->pollExit(gen);
        });
    }

    // True when the child has exited (and was reaped).
    bool reap(uint64_t gen) {
        if (pid == 0) return true;
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == 0) {
            if (exitWatch) watchExit(gen);
            return false;
        }
        exited(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return true;
    }

    void probeHealth(uint64_t gen) {
        if (stopping || gen != generation || ready) return;
        if (Clock::now() - startedAt > config.startTimeout) {
            lastError = "the local model server did not answer " + config.healthPath + " within " +
                        std::to_string(config.startTimeout.count()) + " ms";
            spdlog::error("{}: restarting it", lastError);
            terminate(false);  // hung: no grace period on the event loop
            return scheduleRestart();
        }
        HttpRequest request;
        request.method = "GET";
        request.target = config.healthPath;
        request.timeout = milliseconds(2000);
        auto status = std::make_shared<int>(0);
        probe = health->send(request, {
            .onHead = [status](const HttpResponseHead& head) { *status = head.status; },
            .onBody = nullptr,
            .onDone = [weak = weak_from_this(), gen, status](const std::string&) {
                auto self = weak.lock();
                if (!self || gen != self->generation || self->stopping) return;
                if (*status == 200) {
                    spdlog::info("the local model server on port {} is ready", self->port);
                    self->failuresInARow = 0;
                    self->lastError.clear();
                    return self->setReady(true);
                }
                self->timer.expires_after(milliseconds(100));
                self->timer.async_wait([weak, gen](boost::system::error_code ec) {
                    if (auto self = weak.lock(); self && !ec) self->probeHealth(gen);
                });
            },
        });
    }

    void exited(int code) {
        closeStdin();
        exitWatch.reset();
        pid = 0;
        if (stopping) return;
        setReady(false);
        lastError = "the local model server exited (status " + std::to_string(code) + ")";
        spdlog::warn("{}; restarting it", lastError);
        // A server that ran for a while before dying restarts at once; one that keeps
        // dying backs off: 0.5 s, 1 s, 2 s, ... up to 30 s.
        if (Clock::now() - startedAt > std::chrono::seconds(30)) failuresInARow = 0;
        scheduleRestart();
    }

    void failed(std::string why) {
        lastError = std::move(why);
        spdlog::error("{}", lastError);
        scheduleRestart();
    }

    void scheduleRestart() {
        const milliseconds delay(std::min(30000, 500 << std::min(failuresInARow, 6)));
        ++failuresInARow;
        ++restarts;
        timer.expires_after(delay);
        timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            if (auto self = weak.lock(); self && !ec) self->launch();
        });
    }

    void closeStdin() {
        if (stdinWriteEnd >= 0) ::close(stdinWriteEnd);
        stdinWriteEnd = -1;
    }

    // Asks the child to stop, then insists: the caller is going away.
    void terminate(bool graceful = true) {
        ++generation;  // the exit that follows is ours, not a crash to restart from
        exitWatch.reset();
        closeStdin();
        if (pid == 0) return;
        const pid_t p = pid;
        pid = 0;
        setReady(false);
        ::kill(p, graceful ? SIGTERM : SIGKILL);
        for (int i = 0; i < (graceful ? 200 : 0); ++i) {  // up to 2 s
            const pid_t r = ::waitpid(p, nullptr, WNOHANG);
            if (r == p || r < 0) return;
            ::usleep(10000);
        }
        ::kill(p, SIGKILL);
        ::waitpid(p, nullptr, 0);
    }
};

LocalModelProcess::LocalModelProcess(asio::io_context& loop, LocalProcessConfig config, uint16_t port,
                                     std::function<void(bool)> onReady)
    : impl_(std::make_shared<Impl>(loop, std::move(config), port, std::move(onReady))) {}

LocalModelProcess::~LocalModelProcess() {
    impl_->stopping = true;
    ++impl_->generation;
    impl_->onReady = nullptr;
    impl_->timer.cancel();
    if (impl_->probe) impl_->probe->cancel();
    if (impl_->pid) spdlog::info("stopping the local model server (pid {})", impl_->pid);
    impl_->terminate();
}

void LocalModelProcess::start() { impl_->launch(); }
bool LocalModelProcess::ready() const { return impl_->ready; }
uint16_t LocalModelProcess::port() const { return impl_->port; }
int LocalModelProcess::pid() const { return impl_->pid; }
int LocalModelProcess::restarts() const { return impl_->restarts; }
const std::string& LocalModelProcess::lastError() const { return impl_->lastError; }

uint16_t LocalModelProcess::freePort() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    return acceptor.local_endpoint().port();
}

} // namespace flint
