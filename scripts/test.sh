#!/usr/bin/env bash
# Builds and runs every test: the unit tests (with 200 simulated power cuts
# and the store's contract suite on SQLite and PostgreSQL), the same unit
# tests under AddressSanitizer + UndefinedBehaviorSanitizer, the official
# Node.js SDK conformance suite against the real server (release build on
# SQLite, the same on PostgreSQL, then the sanitizer build on SQLite; it
# includes the hostile-input catalogue, the limits, SIGTERM under load and
# TLS), and the libFuzzer targets for a bounded time (MNAD_FUZZ_SECONDS per
# target, 20 by default). PostgreSQL 15 is a private server on loopback in a
# temporary directory (scripts/pg-test-server.sh), stopped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh postgresql-15 postgresql-client-15

# A private PostgreSQL server for the store's contract tests and the second
# run of the SDK suite, stopped when the tests end.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/mnad-pg.XXXXXX")
chmod 755 "$pg_dir"
pg_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
trap 'scripts/pg-test-server.sh stop "$pg_dir" || true; rm -rf "$pg_dir"' EXIT
MNAD_TEST_PG_URL=$(scripts/pg-test-server.sh start "$pg_dir" "$pg_port")
export MNAD_TEST_PG_URL
export MNAD_TEST_PG_DIR="$pg_dir"  # the restart tests stop and start it
echo "PostgreSQL for the tests: ${MNAD_TEST_PG_URL/:mnad-test@/:***@}"

echo "== unit tests =="
scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "== unit tests under ASan + UBSan =="
scripts/build.sh build-asan -DMNAD_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)"

echo "== Node SDK conformance suite =="
(cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/sdk && MNAD_TEST_PG_URL= MNAD_BIN="$root/build/mnad" npm test)

echo "== Node SDK conformance suite, on PostgreSQL =="
(cd tests/sdk && MNAD_BIN="$root/build/mnad" npm test)

echo "== Node SDK conformance suite, server under ASan + UBSan =="
(cd tests/sdk && MNAD_TEST_PG_URL= ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  MNAD_BIN="$root/build-asan/mnad" npm test)

echo "== fuzz targets (clang, ASan + UBSan), ${MNAD_FUZZ_SECONDS:-20} s each =="
scripts/fuzz.sh "${MNAD_FUZZ_SECONDS:-20}"
