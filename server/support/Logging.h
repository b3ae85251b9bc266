#pragma once
// Process-wide logging setup. stdout carries the LSP protocol, so every log line
// goes to stderr or to a file, never to stdout. Call installLogging() first thing
// in main(): spdlog's built-in default logger writes to stdout, and Debian's shared
// spdlog build ignores SPDLOG_DISABLE_DEFAULT_LOGGER.
//
//   auto err = flint::installLogging({.file = "/tmp/flint.log", .level = "debug"});
//   if (!err.empty()) { /* report on stderr and exit 2 */ }

#include <optional>
#include <string>

namespace flint {

struct LoggingOptions {
    std::optional<std::string> file;  // append here instead of stderr
    std::string level = "info";       // trace, debug, info, warn, error, critical, off
};

// Returns an empty string on success, else a message saying what was wrong.
std::string installLogging(const LoggingOptions& options);

// True when `level` is a level name installLogging() accepts.
bool isLogLevel(const std::string& level);

} // namespace flint
