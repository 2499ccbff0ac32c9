#!/usr/bin/env bash
# Installs what is missing, builds, and starts mnad on its embedded default:
# SQLite under ./data, seeded with examples/demo-seed.json. Extra arguments go
# to mnad (e.g. --listen 127.0.0.1:9000). Stop it with Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" build -DMNAD_BUILD_TESTS=OFF
cd "$root"
exec ./build/mnad --data-dir ./data --seed examples/demo-seed.json "$@"
