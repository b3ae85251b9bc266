// Unit tests exercise failure paths on purpose: keep their log lines out of the report.
#include "support/Logging.h"

namespace {
const bool quiet = [] {
    flint::installLogging({.file = std::nullopt, .level = "off"});
    return true;
}();
} // namespace
