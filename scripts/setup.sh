#!/usr/bin/env bash
# Sets Flint up on Debian bookworm: installs the toolchain and libraries (apt), the
# pinned tree-sitter runtime and grammars (npm ci), what the end-to-end tests need
# (chromium, code-server under .cache/e2e, playwright-core), builds flint-lsp, and
# shows it working in a short scripted editor session. Safe to run again.
#   bash scripts/setup.sh            # everything, then the demo
#   bash scripts/setup.sh --no-demo  # everything but the demo
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# Boost 1.81 only: Debian's unversioned libboost-*-dev is 1.74 and has no Boost.JSON.
packages=(
  build-essential cmake ninja-build ccache git pkg-config
  clang-14 libclang-rt-14-dev  # the sanitizer build and its libFuzzer harnesses (scripts/test.sh, scripts/fuzz.sh)
  libboost1.81-dev libboost-json1.81-dev libboost-filesystem1.81-dev
  libboost-system1.81-dev libboost-url1.81-dev
  libssl-dev libspdlog-dev libfmt-dev catch2
  openssl  # the TLS tests make a throwaway certificate authority
  python3 python3-prometheus-client  # the official Prometheus text parser checks the metrics export
  # real editors for the headless editor tests (tests/editors/)
  neovim emacs-nox elpa-eglot
  chromium libkrb5-dev  # end-to-end tests: the browser, and a native module of code-server
  librsvg2-bin  # rsvg-convert: the side-by-side benchmark's plots as PNG too (tests/bench/peers)
  python3-numpy  # tests/llama/make_tiny_model.py writes the real-server tests' model
)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

echo "== apt: installing build dependencies"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"

echo "== npm: pinned tree-sitter runtime and grammars (package-lock.json)"
npm ci --no-audit --no-fund

echo "== end-to-end test tools: Node 24, code-server, playwright-core (pinned; cached in .cache/e2e)"
bash tests/e2e/install.sh --no-apt

echo "== build: flint-lsp"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build

if [ "${1:-}" != "--no-demo" ]; then
  echo "== demo"
  node scripts/demo.mjs build/server/flint-lsp
fi
