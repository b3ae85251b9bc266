// The llama-server tests' entry point: Catch2, except that with no prepared
// llama-server the run reports "not run" (exit code 77, which ctest shows as Skipped)
// and says why, instead of failing every test or passing none silently.
#define CATCH_CONFIG_RUNNER
#include "LlamaServer.h"

#include "support/Logging.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
    flint::installLogging({.file = std::nullopt, .level = "off"});
    bool listing = false;
    for (int i = 1; i < argc; ++i) listing |= std::string_view(argv[i]).rfind("--list", 0) == 0;
    std::string whyNot;
    if (!listing && !flint::test::llamaPaths(whyNot)) {
        std::fprintf(stderr, "NOT RUN: %s\n", whyNot.c_str());
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
