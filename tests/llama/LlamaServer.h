#pragma once
// Runs the real llama.cpp server (built by scripts/llama-server.sh from the source
// the pinned npm package node-llama-cpp ships) on a free loopback port, serving the
// tiny generated model, and lets a test read its log and ask its HTTP API.
//
//   boost::asio::io_context loop;
//   LlamaServer llama(loop);                        // spawned, model loaded, listening
//   provider["endpoint"] = llama.url();             // http://127.0.0.1:<port>
//   json::value slots = llama.get("/slots");
//   CHECK(llama.waitForLog("stop processing"));     // the slot was released
//
// The port is chosen by the server itself (--port 0) and read from its log, so two
// servers never race for one. The server is stopped by its PID (SIGTERM, then
// SIGKILL after a deadline), never by name: other processes on the machine run
// the same binary.

#include "model/Endpoint.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace flint::test {

using namespace std::chrono_literals;

struct LlamaPaths {
    std::string server;  // the llama-server binary
    std::string model;   // the tiny GGUF model
};

// Where the prepared llama-server and model are ($FLINT_LLAMA_SERVER and
// $FLINT_LLAMA_MODEL override the paths CMake found), or why they are not there.
std::optional<LlamaPaths> llamaPaths(std::string& whyNot);

class LlamaServer {
public:
    struct Options {
        int slots = 1;                         // --parallel
        std::vector<std::string> extraArgs;    // more llama-server flags
        std::chrono::milliseconds startTimeout = 120s;
    };

    explicit LlamaServer(boost::asio::io_context& loop);
    LlamaServer(boost::asio::io_context& loop, Options options);
    ~LlamaServer();
    LlamaServer(const LlamaServer&) = delete;
    LlamaServer& operator=(const LlamaServer&) = delete;

    uint16_t port() const { return port_; }
    int pid() const;
    std::string url() const;  // http://127.0.0.1:<port>
    Endpoint endpoint(const std::string& basePath = "") const;

    // A synchronous request to the server (runs the loop; throws on a transport
    // failure or a non-JSON body). `status` receives the HTTP status.
    boost::json::value request(const std::string& method, const std::string& target, const std::string& body = "",
                               int* status = nullptr);
    boost::json::value get(const std::string& target) { return request("GET", target); }

    // Waits until the log holds `needle` at or after byte `from`; returns the offset just
    // past it, or nothing after `timeout`.
    std::optional<size_t> waitForLog(std::string_view needle, size_t from = 0, std::chrono::milliseconds timeout = 30s);
    std::string log() const;
    size_t logSize() const;

    // Stops the server (SIGTERM by PID, SIGKILL if it has not exited within 10 s).
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    uint16_t port_ = 0;
};

} // namespace flint::test
