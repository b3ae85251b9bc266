#pragma once
// Runs tests/support/model-server.mjs as a child process on a loopback port and
// talks to its control API. The server stops when this object closes its stdin.
//
//   boost::asio::io_context loop;
//   ScriptedModelServer server(loop);
//   server.control("POST", "/__flint/script", R"({"reply":"x","holdAfter":1})");
//   HttpClient client(loop, server.endpoint("/v1"));

#include "model/Endpoint.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace flint::test {

using namespace std::chrono_literals;

// Runs the loop until `done()` holds; false if `timeout` passes first.
bool runUntil(boost::asio::io_context& loop, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = 10s);

class ScriptedModelServer {
public:
    // Which Node program to run: the model server, or the CONNECT proxy
    // (tests/support/connect-proxy.mjs, control API under /__proxy/).
    enum class Program { ModelServer, ConnectProxy };
    explicit ScriptedModelServer(boost::asio::io_context& loop, Program program = Program::ModelServer,
                                 std::vector<std::string> extraArgs = {});
    ~ScriptedModelServer();

    uint16_t port() const { return port_; }
    Endpoint endpoint(const std::string& basePath = "/v1") const;
    // A control request, answered synchronously by running the loop (throws on failure).
    boost::json::value control(const std::string& method, const std::string& target, const std::string& body = "");

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    uint16_t port_ = 0;
    bool tls_ = false;
};

// A throwaway self-signed certificate for 127.0.0.1 (the openssl command line tool), for
// `--tls-cert`/`--tls-key`; a client trusts it only when given `cert` as a CA file.
struct SelfSignedCertificate {
    SelfSignedCertificate();
    ~SelfSignedCertificate();
    SelfSignedCertificate(const SelfSignedCertificate&) = delete;
    SelfSignedCertificate& operator=(const SelfSignedCertificate&) = delete;
    std::string dir, cert, key;
};

} // namespace flint::test
