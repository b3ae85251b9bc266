#include "stats/MetricsServer.h"

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <system_error>

namespace flint {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct MetricsServer::Impl : std::enable_shared_from_this<Impl> {
    asio::io_context& loop;
    tcp::acceptor acceptor;
    std::function<std::string()> render;
    uint64_t served = 0;
    bool closed = false;

    Impl(asio::io_context& l, std::function<std::string()> r) : loop(l), acceptor(l), render(std::move(r)) {}

    void accept() {
        acceptor.async_accept([weak = weak_from_this()](boost::system::error_code ec, tcp::socket socket) {
            auto self = weak.lock();
            if (!self || self->closed || ec == asio::error::operation_aborted) return;
            if (!ec) self->answer(std::make_shared<tcp::socket>(std::move(socket)));
            self->accept();
        });
    }

    // Reads the request head (capped, with a deadline), answers, closes.
    void answer(std::shared_ptr<tcp::socket> socket) {
        auto buffer = std::make_shared<asio::streambuf>(16 * 1024);
        auto deadline = std::make_shared<asio::steady_timer>(loop, std::chrono::seconds(5));
        deadline->async_wait([socket](boost::system::error_code ec) {
            if (!ec) socket->close(ec);
        });
        asio::async_read_until(*socket, *buffer, "\r\n\r\n",
                               [weak = weak_from_this(), socket, buffer, deadline](boost::system::error_code ec, size_t) {
            deadline->cancel();
            auto self = weak.lock();
            if (ec || !self) return;
            std::string head(asio::buffers_begin(buffer->data()), asio::buffers_end(buffer->data()));
            const std::string line = head.substr(0, head.find("\r\n"));
            const bool metrics = line.starts_with("GET /metrics ") || line.starts_with("GET /metrics?");
            std::string body = metrics ? self->render() : "not found: Flint serves GET /metrics\n";
            if (metrics) ++self->served;
            auto response = std::make_shared<std::string>(
                std::string(metrics ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n") +
                "Content-Type: " + (metrics ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain") +
                "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
            asio::async_write(*socket, asio::buffer(*response), [socket, response](boost::system::error_code, size_t) {
                boost::system::error_code ignored;
                socket->shutdown(tcp::socket::shutdown_both, ignored);
                socket->close(ignored);
            });
        });
    }
};

MetricsServer::MetricsServer(asio::io_context& loop, uint16_t port, std::function<std::string()> render)
    : impl_(std::make_shared<Impl>(loop, std::move(render))) {
    const tcp::endpoint at(asio::ip::make_address_v4("127.0.0.1"), port);
    boost::system::error_code ec;
    impl_->acceptor.open(at.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(at, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::system_error(ec, "cannot listen on 127.0.0.1:" + std::to_string(port));
    impl_->accept();
}

MetricsServer::~MetricsServer() {
    impl_->closed = true;
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
}

uint16_t MetricsServer::port() const { return impl_->acceptor.local_endpoint().port(); }
uint64_t MetricsServer::served() const { return impl_->served; }

} // namespace flint
