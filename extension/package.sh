#!/usr/bin/env bash
# Packs the extension into a VSIX, offline, with the pinned @vscode/vsce, carrying
# flint-lsp (debug info stripped) under bin/ so the extension finds it by default.
#   bash extension/package.sh [FLINT_LSP] [OUT.vsix]
#   defaults: build/server/flint-lsp, build/flint-linux-x64.vsix
# The binary links Debian bookworm's shared Boost, OpenSSL, spdlog and fmt, so the
# VSIX is for linux-x64 machines with those libraries (scripts/setup.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
server=$(realpath "${1:-$root/build/server/flint-lsp}")
out=$(realpath -m "${2:-$root/build/flint-linux-x64.vsix}")
[ -x "$server" ] || { echo "package.sh: no flint-lsp at $server (build it first)" >&2; exit 1; }
cd "$here"
# Reinstall only when the lockfile changed since the last install.
stamp=node_modules/.flint-lock.sha256
if [ "$(sha256sum < package-lock.json)" != "$(cat "$stamp" 2>/dev/null)" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum < package-lock.json > "$stamp"
fi
npx --no-install tsc -p .
mkdir -p bin "$(dirname "$out")"
objcopy --strip-debug "$server" bin/flint-lsp.tmp && mv bin/flint-lsp.tmp bin/flint-lsp
npx --no-install vsce package --target linux-x64 --skip-license --allow-missing-repository \
  --no-update-package-json -o "$out" >/dev/null
echo "$out"
