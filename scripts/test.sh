#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit and end-to-end, via ctest).
#
#   scripts/test.sh              Release build in ./build; every test (unit, end-to-end, web
#                                browser, authorisation matrix, crash), then the end-to-end and
#                                crash suites a second time against a throw-away PostgreSQL server.
#   scripts/test.sh --all        both of the modes below and above, one after the other (CI: .ci/run)
#   scripts/test.sh --sanitize   clang build in ./build-sanitize with AddressSanitizer and
#                                UndefinedBehaviorSanitizer: the unit, end-to-end and authorisation
#                                tests, the fuzz corpora replayed, then each libFuzzer target for
#                                FUZZ_SECONDS (default 60), two at a time. Crashes land in
#                                build-sanitize/fuzz-artifacts/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--all" ]; then
  start=$SECONDS
  scripts/test.sh
  echo "darwaza: normal mode passed in $(( (SECONDS - start) / 60 )) min"
  scripts/test.sh --sanitize
  echo "darwaza: normal and sanitizer modes passed in $(( (SECONDS - start) / 60 )) min"
  exit 0
fi
scripts/deps.sh

if [ "${1:-}" != "--sanitize" ]; then
  scripts/build.sh
  root=$(pwd)
  cd "${BUILD_DIR:-build}"
  ctest --output-on-failure -j "$(nproc)" --timeout 600

  pgdir=$(mktemp -d /tmp/darwaza-pg.XXXXXX)
  trap '"$root/scripts/pg_test_server.sh" stop "$pgdir"' EXIT
  DARWAZA_TEST_DB_URL_BASE=$("$root/scripts/pg_test_server.sh" start "$pgdir")
  export DARWAZA_TEST_DB_URL_BASE
  echo "darwaza: end-to-end, authorisation-matrix and crash suites on PostgreSQL ($DARWAZA_TEST_DB_URL_BASE)"
  ctest --output-on-failure -j "$(nproc)" --timeout 600 -L "e2e|authz|crash"
  exit 0
fi

BUILD_DIR="${SANITIZE_BUILD_DIR:-build-sanitize}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_TARGETS=(http_request form_json ip service_definition import multipart)
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDARWAZA_SANITIZE=ON -DDARWAZA_FUZZ=ON ${CMAKE_EXTRA:-} >/dev/null
ninja -C "$BUILD_DIR"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The crash test kills the server on purpose; sanitizers add nothing to it, so it runs only in
# the normal mode.
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" --timeout 900 -LE crash)

# Short fuzz runs: the corpus in tests/fuzz/<target>/ seeds a scratch copy (new inputs stay
# out of the source tree unless someone copies them in on purpose).
artifacts="$BUILD_DIR/fuzz-artifacts"
rm -rf "$artifacts" && mkdir -p "$artifacts"
fuzz() {
  local t=$1 scratch="$BUILD_DIR/fuzz-corpus/$1"
  mkdir -p "$scratch"
  "$BUILD_DIR/tests/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" "$scratch" "tests/fuzz/$t" >"$artifacts/$t.log" 2>&1 \
    && echo "fuzz $t: $(grep -h 'stat::number_of_executed_units' "$artifacts/$t.log" | awk '{print $2}') executions, no crash" \
    || { echo "fuzz $t FAILED:"; tail -40 "$artifacts/$t.log"; return 1; }
}
status=0
for ((i = 0; i < ${#FUZZ_TARGETS[@]}; i += 2)); do
  pids=()
  for t in "${FUZZ_TARGETS[@]:i:2}"; do fuzz "$t" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
done
exit $status
