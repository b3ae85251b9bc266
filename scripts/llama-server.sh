#!/usr/bin/env bash
# A real llama.cpp server for Flint's tests, built from the source the npm package
# node-llama-cpp ships (llama/gitRelease.bundle), with a tiny generated model.
# Nothing is downloaded but the pinned npm package (tests/llama/package-lock.json);
# no prebuilt binaries (install scripts are off), no weights (the model is generated).
#
#   bash scripts/llama-server.sh prepare        # npm package, source, llama-server, model (cached)
#   bash scripts/llama-server.sh status         # prints whether the cache is complete, and where
#   bash scripts/llama-server.sh start          # serves on a free loopback port; prints "PORT PID"
#   bash scripts/llama-server.sh stop PID       # stops the server started above (by its PID only)
#   bash scripts/llama-server.sh env            # FLINT_LLAMA_SERVER=... FLINT_LLAMA_MODEL=...
#
# The cache lives in $FLINT_LLAMA_CACHE (default: ${XDG_CACHE_HOME:-~/.cache}/flint/llama),
# one directory per package version, shared by every checkout on the machine: npm/ (the
# installed package), src/ (the cloned bundle), build/ (CMake), bin/llama-server,
# tiny-starcoder.gguf. A cold build is ~200 compile steps (about 700 CPU-seconds): it
# runs under `nice` with $FLINT_LLAMA_JOBS jobs (default: nproc). Concurrent `prepare` runs
# wait for each other (flock).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
pins="$repo/tests/llama"
version="$(sed -n 's/.*"node-llama-cpp": *"\([^"]*\)".*/\1/p' "$pins/package.json")"
cache="${FLINT_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flint/llama}/$version"
server="$cache/bin/llama-server"
model="$cache/tiny-starcoder.gguf"
jobs="${FLINT_LLAMA_JOBS:-$(nproc)}"
# The bundle the tests were written against; a different one is a different server.
bundle_sha256="5f5d1105d5df040738d87b8290e5d17e7362131cdcfdb0831618e0ea528b4a51"

log() { echo "== llama: $*" >&2; }

install_package() {
  local bundle="$cache/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle"
  if [ -f "$bundle" ] && [ -f "$cache/npm/.installed" ]; then return; fi
  log "npm: node-llama-cpp@$version (--ignore-scripts: no prebuilt binaries)"
  mkdir -p "$cache/npm"
  cp "$pins/package.json" "$pins/package-lock.json" "$cache/npm/"
  # Not `npm ci`: the package lists optional prebuilt-binary packages for platforms
  # that were never published at this version, which `npm ci` reports as a lockfile
  # mismatch. `npm install` with the lockfile present installs exactly the locked
  # tree (integrity-checked); the optional binaries are omitted on purpose.
  (cd "$cache/npm" && npm install --ignore-scripts --omit=optional --no-save \
      --no-audit --no-fund --loglevel=error)
  local got
  got="$(sha256sum "$bundle" | cut -d' ' -f1)"
  if [ "$got" != "$bundle_sha256" ]; then
    echo "llama: gitRelease.bundle has sha256 $got, expected $bundle_sha256" >&2
    exit 1
  fi
  touch "$cache/npm/.installed"
}

extract_source() {
  if [ -f "$cache/src/.extracted" ]; then return; fi
  log "source: git clone of the package's llama/gitRelease.bundle"
  rm -rf "$cache/src"
  git -c advice.detachedHead=false clone -q \
    "$cache/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$cache/src"
  touch "$cache/src/.extracted"
}

build_server() {
  if [ -x "$server" ]; then return; fi
  log "build: llama-server (Release, -j$jobs, nice 15; tens of minutes cold on 2 cores)"
  local start=$SECONDS
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # Only what llama-server needs: no tests, examples, web UI (and no UI download),
  # no HTTPS; static so the binary can be copied out of the build tree.
  nice -n 15 cmake -S "$cache/src" -B "$cache/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
    -DGGML_CCACHE=OFF "${launcher[@]}" >"$cache/configure.log" 2>&1 \
    || { tail -40 "$cache/configure.log" >&2; exit 1; }
  nice -n 15 cmake --build "$cache/build" --target llama-server -j "$jobs" >"$cache/build.log" 2>&1 \
    || { tail -40 "$cache/build.log" >&2; exit 1; }
  mkdir -p "$cache/bin"
  cp "$cache/build/bin/llama-server" "$server.tmp" && mv "$server.tmp" "$server"
  echo "$((SECONDS - start))" >"$cache/build-seconds"
  log "build: done in $((SECONDS - start)) s"
}

model_stamp() { cat "$pins/make_tiny_model.py" "$cache/src/models/ggml-vocab-starcoder.gguf" | sha256sum | cut -d' ' -f1; }

generate_model() {
  # Regenerated when the generator changes (the stamp is its hash with the vocab's).
  if [ -f "$model" ] && [ "$(cat "$model.stamp" 2>/dev/null)" = "$(model_stamp)" ]; then return; fi
  log "model: 2-layer, 128-wide llama with the StarCoder tokenizer (seeded, f16)"
  PYTHONPATH="$cache/src/gguf-py" /usr/bin/python3 "$pins/make_tiny_model.py" \
    --vocab "$cache/src/models/ggml-vocab-starcoder.gguf" --out "$model.tmp"
  mv "$model.tmp" "$model"
  model_stamp >"$model.stamp"
}

ready() {
  [ -x "$server" ] && [ -f "$model" ] && [ "$(cat "$model.stamp" 2>/dev/null)" = "$(model_stamp 2>/dev/null)" ]
}

cmd="${1:-prepare}"; shift || true
case "$cmd" in
  prepare)
    mkdir -p "$cache"
    exec 9>"$cache/.lock"
    flock 9
    install_package; extract_source; build_server; generate_model
    log "ready: $server, $model"
    ;;
  status)
    if ready; then echo "ready: $server $model"; else
      echo "missing: llama-server or the tiny model is not in $cache (bash scripts/llama-server.sh prepare)"; exit 1; fi
    ;;
  env)
    echo "FLINT_LLAMA_SERVER=$server"; echo "FLINT_LLAMA_MODEL=$model"
    ;;
  start)
    ready || { echo "llama: not prepared (bash scripts/llama-server.sh prepare)" >&2; exit 1; }
    logfile="$(mktemp "${TMPDIR:-/tmp}/llama-server-XXXXXX.log")"
    # --port 0: the server picks a free port and logs it once the model is loaded.
    "$server" -m "$model" --host 127.0.0.1 --port 0 -t 1 --slots >"$logfile" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
      port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$logfile" | head -1)"
      if [ -n "$port" ]; then
        echo "$port $pid"; log "serving on http://127.0.0.1:$port (pid $pid, log $logfile)"; exit 0
      fi
      kill -0 "$pid" 2>/dev/null || { tail -20 "$logfile" >&2; exit 1; }
      sleep 0.1
    done
    kill "$pid"; echo "llama: not listening after 60 s" >&2; tail -20 "$logfile" >&2; exit 1
    ;;
  stop)
    pid="${1:?stop needs the PID that start printed}"
    kill "$pid" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 prepare|status|env|start|stop PID" >&2; exit 2
    ;;
esac
