// The model tests run the provider in this process. Instead of silencing its log (as
// the unit tests do), they write it at trace level to a file of its own under the build
// tree's test-logs/, where the secret audit (tests/support/audit-logs.py, the last
// ctest) greps it for the suite's API key: the key goes through every transport here
// (proxies, WebSockets, TLS, key files), so these are the log lines most worth reading.
#include "support/Logging.h"

#include <filesystem>
#include <string>
#include <unistd.h>

namespace {
const bool logging = [] {
    const std::filesystem::path logs = FLINT_TEST_LOG_DIR;
    std::error_code ignored;
    std::filesystem::create_directories(logs, ignored);
    const std::string file = (logs / ("model-tests-" + std::to_string(::getpid()) + ".log")).string();
    // A directory that cannot be written leaves the log off: the audit then finds fewer
    // files, and says how many it read.
    if (!flint::installLogging({.file = file, .level = "trace"}).empty())
        flint::installLogging({.file = std::nullopt, .level = "off"});
    return true;
}();
} // namespace
