#!/usr/bin/env bash
# Installs the Debian 12 packages Darwaza needs to build, run and test (idempotent).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-system-dev
  libsqlite3-dev libsodium-dev nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libqrencode-dev libpq-dev libcurl4-openssl-dev libjemalloc-dev
  postgresql haproxy
  clang libclang-rt-14-dev
  curl
  chromium  # the browser tests (tests/browser) drive it headless
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "darwaza: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js and npm for the web pages' packages and the browser tests. A machine may already have
# a newer Node.js from elsewhere (whose npm is bundled): only install Debian's when none is there.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
