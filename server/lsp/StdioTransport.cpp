#include "lsp/StdioTransport.h"

#include "lsp/Framing.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unistd.h>

namespace flint::lsp {

struct StdioTransport::Impl {
    boost::asio::io_context& loop;
    int inFd;
    int outFd;
    Handlers handlers;
    int wake[2] = {-1, -1};  // written to by stop() to end the reader's poll
    std::thread reader;
    std::mutex writeMutex;
    bool writeFailed = false;

    Impl(boost::asio::io_context& l, int in, int out, Handlers h)
        : loop(l), inFd(in), outFd(out), handlers(std::move(h)) {}

    void read() {
        MessageReader framer;
        std::vector<MessageReader::Event> events;
        std::string buffer(64 * 1024, '\0');
        for (;;) {
            pollfd fds[2] = {{inFd, POLLIN, 0}, {wake[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                break;
            }
            if (fds[1].revents) return;  // stop() was called
            const ssize_t n = ::read(inFd, buffer.data(), buffer.size());
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) break;
            framer.feed(std::string_view(buffer.data(), static_cast<size_t>(n)), events);
            for (auto& event : events) {
                if (event.isError())
                    boost::asio::post(loop, [this, what = std::move(event.text)]() mutable { handlers.error(std::move(what)); });
                else
                    boost::asio::post(loop, [this, payload = std::move(event.text)]() mutable { handlers.message(std::move(payload)); });
            }
            events.clear();
        }
        boost::asio::post(loop, [this] { handlers.end(); });
    }
};

StdioTransport::StdioTransport(boost::asio::io_context& loop, int inFd, int outFd, Handlers handlers)
    : impl_(std::make_unique<Impl>(loop, inFd, outFd, std::move(handlers))) {}

StdioTransport::~StdioTransport() { stop(); }

void StdioTransport::start() {
    if (::pipe(impl_->wake) != 0) throw std::runtime_error("pipe() failed");
    impl_->reader = std::thread([this] { impl_->read(); });
}

void StdioTransport::stop() {
    if (!impl_->reader.joinable()) return;
    const char byte = 0;
    [[maybe_unused]] auto ignored = ::write(impl_->wake[1], &byte, 1);
    impl_->reader.join();
    ::close(impl_->wake[0]);
    ::close(impl_->wake[1]);
}

bool StdioTransport::write(std::string_view payload) {
    const std::string framed = frame(payload);
    std::lock_guard lock(impl_->writeMutex);
    if (impl_->writeFailed) return false;
    size_t written = 0;
    while (written < framed.size()) {
        const ssize_t n = ::write(impl_->outFd, framed.data() + written, framed.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            impl_->writeFailed = true;
            spdlog::warn("writing to the client failed ({}); treating it as gone", std::strerror(errno));
            boost::asio::post(impl_->loop, [this] { impl_->handlers.end(); });
            return false;
        }
        written += static_cast<size_t>(n);
    }
    return true;
}

} // namespace flint::lsp
