#!/usr/bin/env bash
# Builds mnad and its unit tests into build/ (or $1 with extra cmake flags).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build}
shift || true
cmake -S "$root" -B "$root/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMNAD_WERROR=ON "$@" >/dev/null
cmake --build "$root/$dir" -j "$(nproc)"
