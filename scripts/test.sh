#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit and end-to-end, via ctest), then runs
# the end-to-end suite a second time against a throw-away PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
root=$(pwd)
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 600

pgdir=$(mktemp -d /tmp/darwaza-pg.XXXXXX)
trap '"$root/scripts/pg_test_server.sh" stop "$pgdir"' EXIT
DARWAZA_TEST_DB_URL_BASE=$("$root/scripts/pg_test_server.sh" start "$pgdir")
export DARWAZA_TEST_DB_URL_BASE
echo "darwaza: end-to-end suite on PostgreSQL ($DARWAZA_TEST_DB_URL_BASE)"
ctest --output-on-failure -j "$(nproc)" --timeout 600 -L e2e
