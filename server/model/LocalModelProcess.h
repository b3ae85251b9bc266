#pragma once
// A local model server that Flint starts and keeps alive (`provider.command`, for
// example `llama-server -m model.gguf --port {port}`): started on a free loopback
// port, polled on its health endpoint until it answers 200, restarted with backoff
// when it dies, and stopped when Flint stops. It never outlives Flint: its stdin is a
// pipe only Flint holds (closed by the kernel however Flint ends), it gets SIGTERM
// when Flint's thread exits (PR_SET_PDEATHSIG), and Flint stops it on shutdown. Its
// stdout and stderr go to Flint's stderr, never to stdout (the protocol).
//
//   LocalModelProcess local(loop, config.local, LocalModelProcess::freePort(), [](bool ready) { ... });
//   local.start();
//   if (local.ready()) send requests to http://127.0.0.1:{local.port()}

#include "model/ProviderConfig.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace flint {

class LocalModelProcess {
public:
    // `onReady(true)` once the health endpoint answers; `onReady(false)` when it dies.
    LocalModelProcess(boost::asio::io_context& loop, LocalProcessConfig config, uint16_t port,
                      std::function<void(bool ready)> onReady);
    ~LocalModelProcess();  // stops the child: SIGTERM, then SIGKILL if it lingers
    LocalModelProcess(const LocalModelProcess&) = delete;
    LocalModelProcess& operator=(const LocalModelProcess&) = delete;

    void start();
    bool ready() const;
    uint16_t port() const;
    int pid() const;       // 0 while no child runs
    int restarts() const;  // how many times it was started again after dying
    const std::string& lastError() const;

    // A port nothing listens on now (bound and released on 127.0.0.1).
    static uint16_t freePort();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace flint
