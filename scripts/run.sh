#!/usr/bin/env bash
# Installs dependencies, builds in Release (and vendors the web pages' npm packages), creates
# demo accounts on first start, and runs
# `darwaza serve` on 127.0.0.1:8080 with the SQLite database in ./darwaza-data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
DATA="${DARWAZA_DATA:-./darwaza-data}"
BIN=./build/darwaza
if [ ! -f "$DATA/darwaza.db" ]; then
  echo "darwaza: first start, creating demo accounts (see README: demo only)"
  $BIN migrate --data "$DATA"
  demo() { # cnic name email mobile role agency
    local args=(user create --data "$DATA" --cnic "$1" --name "$2" --email "$3" --mobile "$4" --password-stdin)
    [ -n "$5" ] && args+=(--role "$5")
    [ -n "$6" ] && args+=(--agency "$6")
    echo "Demo-Pass-2026" | $BIN "${args[@]}"
  }
  demo 61101-0000001-1 "Platform Admin" admin@demo.darwaza.pk +923000000001 platform_admin ""
  demo 61101-0000002-2 "Ayesha Khan (STZA officer)" officer.stza@demo.darwaza.pk +923000000002 officer stza
  demo 61101-0000003-3 "Bilal Ahmed (PTA officer)" officer.pta@demo.darwaza.pk +923000000003 officer pta
  demo 61101-0000004-4 "Sana Malik (PSEB agency admin)" admin.pseb@demo.darwaza.pk +923000000004 agency_admin pseb
  demo 61101-0000005-5 "Imran Qureshi (auditor)" auditor@demo.darwaza.pk +923000000005 auditor ""
  demo 35202-1234567-1 "Fatima Zahra (citizen)" citizen@demo.darwaza.pk +923001234567 "" ""
fi
exec $BIN serve --data "$DATA" --listen "${DARWAZA_LISTEN:-127.0.0.1:8080}" --registry-dir data/registries --catalog-dir data/services --web-dir web "$@"
