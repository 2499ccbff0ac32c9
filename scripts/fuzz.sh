#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/, then runs each one for a
# bounded time:
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 20)
#
# Each target first replays fuzz/regressions/<target>/ (inputs that once
# found a bug), then fuzzes from a scratch copy of fuzz/corpus/<target>/ with
# its dictionary: new inputs never land in the committed corpus. Exits
# non-zero when any target crashes, breaks an invariant, leaks, times out or
# runs out of memory; those inputs are kept in build-fuzz/fuzz-findings/.
set -euo pipefail
seconds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
targets=(fuzz_http_request fuzz_authorization fuzz_params fuzz_seed fuzz_admin_json)
declare -A dictionaries=(
  [fuzz_http_request]=http.dict [fuzz_authorization]=http.dict [fuzz_params]=params.dict
  [fuzz_seed]=seed.dict [fuzz_admin_json]=seed.dict)

"$root/scripts/install-deps.sh" clang-14 libclang-rt-14-dev
cxx=$(command -v clang++ || command -v clang++-14)

build_started=$(date +%s)
cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_CXX_COMPILER="$cxx" -DMNAD_FUZZ=ON \
  -DMNAD_BUILD_TESTS=OFF -DMNAD_BUILD_BENCH=OFF -DMNAD_WERROR=ON -DMNAD_TCMALLOC=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build-fuzz" -j "$(nproc)" --target mnad_fuzzers
echo "build: $(($(date +%s) - build_started)) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/mnad-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Targets that need files (fuzz_admin_json's SQLite store) make them here.
export TMPDIR="$work"
findings="$root/build-fuzz/fuzz-findings"
rm -rf "$findings"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=()
# Keeps what a failed run left (its log and the inputs that broke it).
keep_findings() {
  local target=$1 log=$2
  mkdir -p "$findings/$target"
  cp "$log" "$findings/$target/"
  if [ -d "$work/$target/artifacts" ]; then
    cp -r "$work/$target/artifacts/." "$findings/$target/"
  fi
  tail -n 40 "$log" | sed "s/^/  [$target] /"
  failed+=("$target")
}

echo "fuzzing each target for $seconds s"
for target in "${targets[@]}"; do
  binary="$root/build-fuzz/fuzz/$target"
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"

  regressions=()
  if [ -d "fuzz/regressions/$target" ]; then
    while IFS= read -r -d '' file; do regressions+=("$file"); done \
      < <(find "fuzz/regressions/$target" -type f -print0 | sort -z)
  fi
  if [ ${#regressions[@]} -gt 0 ] &&
    ! "$binary" -rss_limit_mb=2048 -timeout=10 "${regressions[@]}" >"$work/$target/regressions.log" 2>&1; then
    echo "$target: a regression input still fails"
    keep_findings "$target" "$work/$target/regressions.log"
    continue
  fi

  cp -r "fuzz/corpus/$target/." "$work/$target/corpus/"
  status=0
  "$binary" "$work/$target/corpus" -dict="fuzz/dict/${dictionaries[$target]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/$target/artifacts/" >"$work/$target/fuzz.log" 2>&1 || status=$?
  executions=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/$target/fuzz.log")
  echo "$target: ${executions:-?} executions (stat::number_of_executed_units)$([ $status -eq 0 ] || echo ", FAILED with exit $status")"
  [ $status -eq 0 ] || keep_findings "$target" "$work/$target/fuzz.log"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]} (inputs and logs in $findings)"
  exit 1
fi
echo "all ${#targets[@]} targets ran clean"
