#!/usr/bin/env bash
# Configures and builds Darwaza in Release into ./build (or $BUILD_DIR), then installs the web
# pages' npm packages (npm ci, from package-lock.json) and vendors them into web/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" ${CMAKE_EXTRA:-} >/dev/null
ninja -C "$BUILD_DIR"
# npm ci only when the lock file changed since the last install (it empties node_modules first).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node scripts/web_assets.mjs
