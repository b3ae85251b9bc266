#include "ScriptedModelServer.h"

#include "model/HttpClient.h"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace bp = boost::process;

namespace flint::test {

bool runUntil(boost::asio::io_context& loop, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    loop.restart();
    while (!done()) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) return false;
        if (loop.run_one_for(left) == 0 && loop.stopped()) loop.restart();
    }
    return true;
}

struct ScriptedModelServer::Impl {
    boost::asio::io_context& loop;
    bp::opstream in;
    bp::ipstream out;
    bp::child child;
    std::unique_ptr<HttpClient> control;
    explicit Impl(boost::asio::io_context& l) : loop(l) {}
};

ScriptedModelServer::ScriptedModelServer(boost::asio::io_context& loop, Program program,
                                         std::vector<std::string> extraArgs)
    : impl_(std::make_unique<Impl>(loop)) {
    std::vector<std::string> args{program == Program::ModelServer ? FLINT_MODEL_SERVER : FLINT_CONNECT_PROXY};
    // Any free port, unless the caller names one (a server coming back where one was down).
    if (std::find(extraArgs.begin(), extraArgs.end(), "--port") == extraArgs.end()) args.insert(args.end(), {"--port", "0"});
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    impl_->child = bp::child(std::string(FLINT_NODE), bp::args(args), bp::std_in < impl_->in, bp::std_out > impl_->out);
    // Our ends of its pipes stay ours: a process started later (flint-lsp, another
    // server) must not inherit them, or the server never sees its stdin close.
    ::fcntl(impl_->in.pipe().native_sink(), F_SETFD, FD_CLOEXEC);
    ::fcntl(impl_->out.pipe().native_source(), F_SETFD, FD_CLOEXEC);
    std::string line;
    if (!std::getline(impl_->out, line)) throw std::runtime_error("the scripted model server did not start");
    port_ = static_cast<uint16_t>(boost::json::parse(line).at("port").as_int64());
    // With --tls-cert the server speaks HTTPS; its self-signed certificate is the CA.
    TlsOptions tls;
    for (size_t i = 0; i + 1 < extraArgs.size(); ++i)
        if (extraArgs[i] == "--tls-cert") tls_ = true, tls.extraCaFile = extraArgs[i + 1];
    impl_->control = std::make_unique<HttpClient>(loop, endpoint(""), tls);
}

ScriptedModelServer::~ScriptedModelServer() {
    impl_->control.reset();
    impl_->in.pipe().close();  // the server exits when its stdin closes
    impl_->child.wait();
}

Endpoint ScriptedModelServer::endpoint(const std::string& basePath) const {
    Endpoint e;
    e.tls = tls_;
    e.host = "127.0.0.1";
    e.port = port_;
    e.basePath = basePath;
    return e;
}

boost::json::value ScriptedModelServer::control(const std::string& method, const std::string& target,
                                                const std::string& body) {
    std::string response;
    bool done = false;
    std::string error;
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    auto call = impl_->control->send(request, {
        .onHead = nullptr,
        .onBody = [&](std::string_view bytes) { response.append(bytes); },
        .onDone = [&](const std::string& e) { error = e, done = true; },
    });
    if (!runUntil(impl_->loop, [&] { return done; }, 15s))
        throw std::runtime_error("no answer to control request " + method + " " + target);
    if (!error.empty()) throw std::runtime_error("control request " + target + " failed: " + error);
    return boost::json::parse(response);
}

SelfSignedCertificate::SelfSignedCertificate() {
    char pattern[] = "/tmp/flint-tls-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("cannot make a directory for a test certificate");
    dir = pattern;
    cert = dir + "/cert.pem";
    key = dir + "/key.pem";
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
}

SelfSignedCertificate::~SelfSignedCertificate() {
    ::unlink(cert.c_str());
    ::unlink(key.c_str());
    ::rmdir(dir.c_str());
}

} // namespace flint::test
