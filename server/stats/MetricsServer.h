#pragma once
// A loopback-only HTTP endpoint that serves Prometheus text: GET /metrics answers
// what `render` returns at that moment; anything else is a 404. It binds 127.0.0.1
// (never another interface: the figures are local), one request per connection,
// on the event loop (render runs there too, so it may read the server's state).
//
//   MetricsServer metrics(loop, 9464, [&] { return prometheusText(collectMetrics(...)); });
//   metrics.port();   // the port bound (useful with 0: any free port)
//
// Construction throws std::system_error when the port cannot be bound.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace flint {

class MetricsServer {
public:
    MetricsServer(boost::asio::io_context& loop, uint16_t port, std::function<std::string()> render);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    uint16_t port() const;
    uint64_t served() const;  // /metrics answers so far

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
