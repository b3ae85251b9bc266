#include "support/Logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace flint {

bool isLogLevel(const std::string& level) {
    return level == "off" || spdlog::level::from_str(level) != spdlog::level::off;
}

std::string installLogging(const LoggingOptions& options) {
    if (!isLogLevel(options.level))
        return "unknown log level '" + options.level +
               "' (expected trace, debug, info, warn, error, critical or off)";
    std::shared_ptr<spdlog::logger> logger;
    try {
        if (options.file)
            logger = std::make_shared<spdlog::logger>(
                "flint", std::make_shared<spdlog::sinks::basic_file_sink_mt>(*options.file));
        else
            logger = std::make_shared<spdlog::logger>(
                "flint", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    } catch (const spdlog::spdlog_ex& e) {
        return std::string("cannot open log file: ") + e.what();
    }
    logger->set_level(spdlog::level::from_str(options.level));
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v");
    // Every line reaches the file at once: editors kill their servers (eglot sends
    // `exit` and deletes the process straight away), and a log that lost its last
    // lines is no help in finding out why.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
    return {};
}

} // namespace flint
