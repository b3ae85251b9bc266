// flint-lsp: the Flint language server. Speaks LSP over stdio; logs go to stderr
// or to --log-file, never to stdout.
#include "lsp/LanguageServer.h"
#include "lsp/ServerContext.h"
#include "lsp/StdioTransport.h"
#include "support/Logging.h"
#include "workspace/Language.h"
#include "workspace/QueryWarmer.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <string>

#ifndef FLINT_VERSION
#define FLINT_VERSION "0.0.0"
#endif

namespace {

constexpr const char* kUsage =
    "usage: flint-lsp [--stdio] [--log-file PATH] [--log-level LEVEL]\n"
    "       flint-lsp --version\n"
    "\n"
    "Flint language server: real-time model suggestions over LSP on stdio.\n"
    "  --stdio            talk LSP over stdin/stdout (the default and only transport)\n"
    "  --log-file PATH    append logs to PATH instead of stderr\n"
    "  --log-level LEVEL  trace, debug, info (default), warn, error, critical, off\n"
    "  --version          print the version and exit\n";

int usageError(const std::string& message) {
    std::fprintf(stderr, "flint-lsp: %s\n\n%s", message.c_str(), kUsage);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    flint::LoggingOptions logging;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (arg == "--version") {
            std::fputs("flint-lsp " FLINT_VERSION "\n", stdout);  // --version: the one stdout write
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stderr);
            return 0;
        } else if (arg == "--stdio") {
        } else if (arg == "--log-file") {
            const char* path = value();
            if (!path) return usageError("--log-file needs a path");
            logging.file = path;
        } else if (arg == "--log-level") {
            const char* level = value();
            if (!level) return usageError("--log-level needs a level");
            logging.level = level;
        } else {
            return usageError("unknown argument '" + arg + "'");
        }
    }
    if (std::string error = flint::installLogging(logging); !error.empty()) return usageError(error);
    std::signal(SIGPIPE, SIG_IGN);  // a vanished client shows up as a failed write

    boost::asio::io_context loop;
    std::unique_ptr<flint::lsp::StdioTransport> transport;
    flint::lsp::LanguageServer server(
        [&](std::string payload) { transport->write(payload); },
        [&](std::function<void()> task) { boost::asio::post(loop, std::move(task)); }, &loop);
    auto stopIfExiting = [&] {
        if (server.exitCode()) loop.stop();
    };
    transport = std::make_unique<flint::lsp::StdioTransport>(
        loop, STDIN_FILENO, STDOUT_FILENO,
        flint::lsp::StdioTransport::Handlers{
            .message = [&](std::string payload) { server.onMessage(payload); stopIfExiting(); },
            .error = [&](std::string what) { server.onFramingError(what); },
            .end = [&] { server.onEndOfInput(); stopIfExiting(); },
        });

    spdlog::info("flint-lsp {} started (pid {})", FLINT_VERSION, ::getpid());
    // The queries of each language opened compile on the second core.
    flint::QueryWarmer warmer;
    server.context().warmLanguage = [&warmer](const flint::Language& language) { warmer.warm(language); };
    auto work = boost::asio::make_work_guard(loop);
    transport->start();
    // Exceptions never cross the event loop: one that escapes a handler (a timer, a
    // posted task) is logged and the loop goes on (Asio allows run() again after it).
    for (;;) {
        try {
            loop.run();
            break;
        } catch (const std::exception& e) {
            spdlog::error("an event-loop task threw: {}", e.what());
        } catch (...) {
            spdlog::error("an event-loop task threw something that is not a std::exception");
        }
    }
    transport->stop();
    // On a busy machine the low-priority warm-up may still be going: exit must not wait for it.
    server.context().warmLanguage = nullptr;
    warmer.stop();
    // Providers go first, while logging still works: a local model server is stopped here.
    server.context().routes = {};
    server.context().providers.clear();
    const int code = server.exitCode().value_or(1);
    spdlog::info("flint-lsp exiting with code {}", code);
    spdlog::shutdown();
    return code;
}
