#pragma once
// Golden files for the unit tests: rendered output compared with a checked-in file
// under tests/golden/. Run with FLINT_UPDATE_GOLDENS=1 to rewrite the files after
// an intended change, then review the diff in git.
//
//   CHECK_GOLDEN("nextedit/diff-cases.golden", rendered);

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace flint::test {

inline std::string readTextFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Empty when equal; else the first line that differs, for the failure message.
inline std::string firstDifference(const std::string& expected, const std::string& actual) {
    std::istringstream e(expected), a(actual);
    std::string le, la;
    for (size_t line = 1;; ++line) {
        const bool me = static_cast<bool>(std::getline(e, le)), ma = static_cast<bool>(std::getline(a, la));
        if (!me && !ma) return expected == actual ? "" : "the files differ in their line ends";
        if (!me || !ma || le != la)
            return "line " + std::to_string(line) + ":\n  expected: " + (me ? le : "<end of file>") +
                   "\n  actual:   " + (ma ? la : "<end of file>");
    }
}

inline std::string goldenPath(const std::string& name) { return std::string(FLINT_TEST_GOLDENS) + "/" + name; }

} // namespace flint::test

#define CHECK_GOLDEN(name, actual)                                                                  \
    do {                                                                                            \
        const std::string goldenActual_ = (actual);                                                 \
        const std::string goldenFile_ = ::flint::test::goldenPath(name);                            \
        if (std::getenv("FLINT_UPDATE_GOLDENS")) {                                                  \
            std::ofstream(goldenFile_, std::ios::binary) << goldenActual_;                          \
        }                                                                                           \
        const std::string goldenExpected_ = ::flint::test::readTextFile(goldenFile_);               \
        INFO("golden " << goldenFile_ << " (FLINT_UPDATE_GOLDENS=1 rewrites it)\n"                  \
                       << ::flint::test::firstDifference(goldenExpected_, goldenActual_));          \
        CHECK(goldenExpected_ == goldenActual_);                                                    \
    } while (false)
