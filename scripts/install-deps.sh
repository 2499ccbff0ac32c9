#!/usr/bin/env bash
# Installs what mnad needs to build and test on Debian 12, from Debian's
# packages (and npm for the SDK suite). Skips apt entirely when everything is
# already there, so repeated runs are fast and work offline. Extra Debian
# packages may be named as arguments (scripts/fuzz.sh adds clang's).
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libboost1.81-dev libboost-json1.81-dev
  openssl libssl-dev libsqlite3-dev libpq-dev libgoogle-perftools-dev libexpected-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
packages+=("$@")
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
