#!/usr/bin/env bash
# The end-to-end tests: installs what they need (install.sh; quick when done before),
# packs the VSIX around flint-lsp, and runs the scenarios in code-server + chromium.
#   bash tests/e2e/run.sh [path/to/flint-lsp]     (default build/server/flint-lsp)
# Screenshots go to build/e2e-artifacts/. FLINT_E2E_KEEP=1 keeps each run's
# temporary folders (code-server's log, the workspace, VS Code's logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
server=$(realpath "${1:-$root/build/server/flint-lsp}")

bash "$here/install.sh"
echo "== e2e: packing the VSIX around $server"
mkdir -p "$root/build/e2e"
bash "$root/extension/package.sh" "$server" "$root/build/e2e/flint.vsix" >/dev/null
rm -rf "$root/build/e2e-artifacts"
echo "== e2e: scenarios (code-server + chromium)"
cd "$here"
node --test --test-reporter=spec --test-concurrency=1 vscode.test.mjs
echo "== e2e: screenshots in build/e2e-artifacts/"
