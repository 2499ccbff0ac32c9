#!/usr/bin/env bash
# Builds and runs every test: the unit tests (with 200 simulated power cuts),
# the same unit tests under AddressSanitizer + UndefinedBehaviorSanitizer,
# the official Node.js SDK conformance suite against the real server
# (release build, then the sanitizer build of the server; it includes the
# hostile-input catalogue, the limits, SIGTERM under load and TLS), and the
# libFuzzer targets for a bounded time (MNAD_FUZZ_SECONDS per target, 20 by
# default).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh

echo "== unit tests =="
scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "== unit tests under ASan + UBSan =="
scripts/build.sh build-asan -DMNAD_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)"

echo "== Node SDK conformance suite =="
(cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/sdk && MNAD_BIN="$root/build/mnad" npm test)

echo "== Node SDK conformance suite, server under ASan + UBSan =="
(cd tests/sdk && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  MNAD_BIN="$root/build-asan/mnad" npm test)

echo "== fuzz targets (clang, ASan + UBSan), ${MNAD_FUZZ_SECONDS:-20} s each =="
scripts/fuzz.sh "${MNAD_FUZZ_SECONDS:-20}"
