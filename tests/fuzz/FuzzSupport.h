#pragma once
// What the fuzz harnesses share: a check that stops the run with a message (libFuzzer
// saves the input as a crash artifact), split points for feeding one input in pieces,
// and logging sent nowhere. Header-only; each harness is one .cpp with
// LLVMFuzzerTestOneInput.
//
//   FUZZ_CHECK(split == whole, "events depend on how the bytes were split");
//   for (std::string_view piece : chunks(input, seedOf(input))) decoder.feed(piece, out);

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(condition, message)                                                             \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "\n*** invariant broken: %s\n    (%s) at %s:%d\n", message,       \
                         #condition, __FILE__, __LINE__);                                          \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

namespace flint::fuzz {

inline std::string_view asText(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A seed derived from the input itself (FNV-1a), so a crash reproduces from its file
// alone and every mutation of the input also varies how it is split.
inline uint64_t seedOf(std::string_view input) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : input)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

// `input` cut into pieces of 1..maxPiece bytes (sizes drawn from `seed`).
inline std::vector<std::string_view> chunks(std::string_view input, uint64_t seed,
                                            size_t maxPiece = 16) {
    std::mt19937_64 random(seed);
    std::vector<std::string_view> out;
    while (!input.empty()) {
        const size_t n =
            std::min(input.size(), std::uniform_int_distribution<size_t>(1, maxPiece)(random));
        out.push_back(input.substr(0, n));
        input.remove_prefix(n);
    }
    return out;
}

// Every log line is still formatted (at trace level: formatting is code under test
// too) but written nowhere: a fuzz run's output is libFuzzer's.
inline void silenceLogging() {
    auto logger =
        std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

// True when `text` is well-formed UTF-8 (what a JSON writer may emit).
inline bool wellFormedUtf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        size_t n = 0;
        uint32_t min = 0;
        if (b0 < 0x80) {
            ++i;
            continue;
        }
        if ((b0 & 0xE0) == 0xC0)
            n = 1, min = 0x80;
        else if ((b0 & 0xF0) == 0xE0)
            n = 2, min = 0x800;
        else if ((b0 & 0xF8) == 0xF0)
            n = 3, min = 0x10000;
        else
            return false;
        uint32_t cp = b0 & (0x3F >> n);
        for (size_t k = 1; k <= n; ++k) {
            if (i + k >= text.size()) return false;
            const auto b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

} // namespace flint::fuzz
