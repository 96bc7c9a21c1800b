# Shared set-up of the benchmark scripts (sourced, not run): helpers, clean-up of the processes
# they start, prerequisites (apt-get), and an up-to-date Release build of ./build/darwaza.
# The sourcing script sets BENCH_NAME, optionally BENCH_EXTRA_TOOLS (commands to install), and
# DARWAZA_PID / NGINX_PID / TMP as it starts things; cleanup() stops them on exit.
BENCH_NAME=${BENCH_NAME:-$(basename "$0")}
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The reporting part of every wrk script (one RESULT line; see the file).
WRK_REPORT="$PWD/bench/wrk_report.lua"

step() { printf '\n== %s\n' "$*" >&2; }
die() {
  printf '%s: FAILED: %s\n' "$BENCH_NAME" "$*" >&2
  exit 1
}

TMP=""
DARWAZA_PID=""
NGINX_PID=""
cleanup() {
  local rc=$?
  set +e
  if [[ $rc -ne 0 && -n "$TMP" && -f "$TMP/darwaza.log" ]]; then
    echo "--- last lines of the darwaza log ---" >&2
    tail -n 20 "$TMP/darwaza.log" >&2
  fi
  if [[ $rc -ne 0 && -n "$TMP" && -f "$TMP/nginx/error.log" ]]; then
    echo "--- last lines of the nginx error log ---" >&2
    tail -n 10 "$TMP/nginx/error.log" >&2
  fi
  for pid in $NGINX_PID $DARWAZA_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  [[ -n "$TMP" && -d "$TMP" ]] && rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- prerequisites
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
for p in ${BENCH_EXTRA_TOOLS:-}; do command -v "$p" >/dev/null || missing+=("$p"); done
if ((${#missing[@]})); then
  step "installing ${missing[*]} with apt-get"
  [[ $(id -u) -eq 0 ]] || die "need ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
  command -v apt-get >/dev/null || die "need ${missing[*]} and there is no apt-get here; install them by hand"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [[ -n "${DARWAZA:-}" ]]; then
  [[ -x "$DARWAZA" ]] || die "DARWAZA=$DARWAZA is not an executable"
  build_type="given by DARWAZA"
else
  DARWAZA=./build/darwaza
  if [[ -d build && -f build/build.ninja ]]; then
    step "bringing ./build up to date (ninja -C build darwaza)"
    ninja -C build darwaza >&2 || die "ninja -C build failed"
  else
    step "building ./build/darwaza (Release)"
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release || die "cmake configure failed"
    ninja -C build darwaza || die "build failed"
  fi
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' build/CMakeCache.txt 2>/dev/null || true)
  [[ "$build_type" == Release ]] || echo "warning: ./build is configured as '${build_type:-unknown}', not Release; figures will be pessimistic" >&2
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit="$commit + uncommitted changes"


# ---------------------------------------------------------------- helpers for the scripts
# start_darwaza ARGS...: starts `darwaza serve` on a free loopback port with data in $TMP/data,
# waits (up to 10 minutes: start-up may load large data) for GET /readyz 200, sets PORT and BASE.
start_darwaza() {
  "$DARWAZA" serve --listen 127.0.0.1:0 --port-file "$TMP/port" --data "$TMP/data" \
    --access-log off --rate-limit-per-minute 0 "$@" >"$TMP/darwaza.log" 2>&1 &
  DARWAZA_PID=$!
  local code=""
  for _ in $(seq 12000); do
    [[ -s "$TMP/port" ]] && code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(cat "$TMP/port")/readyz" || true)
    [[ "$code" == 200 ]] && break
    kill -0 "$DARWAZA_PID" 2>/dev/null || die "darwaza (pid $DARWAZA_PID) exited during start-up"
    sleep 0.05
  done
  [[ "$code" == 200 ]] || die "darwaza was not ready within 10 minutes"
  PORT=$(cat "$TMP/port")
  BASE="http://127.0.0.1:$PORT"
}

# staff_token ROLE AGENCY: creates a staff member with the CLI and prints a session token.
staff_token() {
  local cnic="35202-$(printf '%07d' $((RANDOM * 32 + RANDOM % 32)))-1" password="bench staff password 2026"
  printf '%s' "$password" | "$DARWAZA" user create --data "$TMP/data" --cnic "$cnic" --name "Bench Staff" \
    --email "staff$RANDOM@example.pk" --mobile "+92300$(printf '%07d' $RANDOM)" --role "$1" --agency "$2" \
    --password-stdin >/dev/null 2>&1 || die "darwaza user create failed"
  curl -s -H 'Content-Type: application/json' --data-binary '{"login":"'$cnic'","password":"'"$password"'"}' \
    "$BASE/v1/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
