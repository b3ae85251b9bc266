#!/usr/bin/env bash
# Runs Flint's libFuzzer harnesses (tests/fuzz) from the clang ASan + UBSan build.
# Each harness starts from its seed corpus (tests/fuzz/corpus/<harness>, only read)
# and writes what it finds to a work corpus; any crash, sanitizer report, leak,
# timeout or broken invariant fails the run and leaves the input in
# <build>/fuzz/artifacts/<harness>/ (reproduce: <build>/tests/fuzz/flint-fuzz-<harness> <file>).
#   bash scripts/fuzz.sh                        # every harness, $FLINT_FUZZ_SECONDS (15) s each
#   bash scripts/fuzz.sh --seconds 3600 dispatch session   # long runs; the work corpus is kept
#   bash scripts/fuzz.sh --list
# Options: --build DIR (default build-asan), --seconds N, --jobs N (harnesses at once;
# default: the number of cores), --keep (keep the work corpus in <build>/fuzz/corpus/;
# implied by --seconds over 120, so long runs resume where they stopped).
# The build: cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLINT_SANITIZE=ON \
#   -DFLINT_FUZZ=ON -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14  (scripts/test.sh does it)
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-asan
seconds=${FLINT_FUZZ_SECONDS:-15}
jobs=$(nproc)
keep=""
harnesses=()
all=(framing dispatch session text_sync model_stream websocket diff shaping)
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --list) printf '%s\n' "${all[@]}"; exit 0 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
[ "$seconds" -gt 120 ] && keep=1

out="$build/fuzz"
mkdir -p "$out/logs"
for h in "${harnesses[@]}"; do
  if [ ! -x "$build/tests/fuzz/flint-fuzz-$h" ]; then
    echo "fuzz.sh: $build/tests/fuzz/flint-fuzz-$h is missing: build $build with -DFLINT_FUZZ=ON (see --help)" >&2
    exit 2
  fi
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One harness: libFuzzer for $seconds, then a summary line from its final stats.
run() {
  local h=$1 corpus dict=() log="$out/logs/$h.log"
  if [ -n "$keep" ]; then corpus="$out/corpus/$h"; else corpus="$scratch/$h"; fi
  mkdir -p "$corpus" "$out/artifacts/$h"
  [ -f "tests/fuzz/dict/$h.dict" ] && dict=(-dict="tests/fuzz/dict/$h.dict")
  local status=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/flint-fuzz-$h" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 \
      -print_final_stats=1 -artifact_prefix="$out/artifacts/$h/" "${dict[@]}" \
      "$corpus" "tests/fuzz/corpus/$h" >"$log" 2>&1 || status=$?
  local execs rate cov corp
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$status" -eq 0 ]; then
    printf '%-13s ok      %9s execs %7s exec/s  cov %5s  corpus %5s\n' "$h" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${corp:-?}"
  else
    printf '%-13s FAILED (exit %s) after %s execs; log: %s\n' "$h" "$status" "${execs:-?}" "$log"
    grep -E 'ERROR: |invariant broken|runtime error|Test unit written|SUMMARY' "$log" | head -8 | sed 's/^/    /'
    return 1
  fi
}

echo "== fuzzing ${harnesses[*]}: ${seconds} s each, ${jobs} at a time (logs in $out/logs)"
failed=0
running=0
for h in "${harnesses[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run "$h" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
[ "$failed" -eq 0 ] || { echo "== fuzzing found a problem: see the artifacts under $out/artifacts/"; exit 1; }
echo "== fuzzing: no crash, leak, timeout or broken invariant"
