#!/usr/bin/env bash
# wijkpeil sync: refuses plain http:// off loopback with a clear message, says when sync is off,
# and against a local collector exits 0 with a line a person understands (and sends the
# heartbeat the collector's status shows). Kiosk export -> collector import round trip.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
K="$WIJKPEIL"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
fail=0
pass=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
check() {
    local what=$1
    shift
    if "$@"; then pass=$((pass + 1)); else bad "$what"; fi
}

printf 'endpoint = http://collector.example.org\ntoken = secret-token-123\n' >"$TMP/plain.conf"
rc=0
"$K" sync --config "$TMP/plain.conf" --db "$TMP/k.db" >"$TMP/o1" 2>"$TMP/e1" || rc=$?
check "plain http off loopback refused (exit 2)" test "$rc" -eq 2
check "refusal explains https" grep -q 'use https://' "$TMP/e1"
check "token never printed" bash -c "! grep -q secret-token-123 '$TMP/o1' '$TMP/e1'"

printf '# no endpoint\n' >"$TMP/off.conf"
rc=0
"$K" sync --config "$TMP/off.conf" --db "$TMP/k.db" 2>"$TMP/e2" || rc=$?
check "no endpoint: sync is off (exit 2)" test "$rc" -eq 2
check "says sync is off" grep -q 'sync is off' "$TMP/e2"

# Settings saved from a stick (local.conf next to the database) are read by sync too, through
# the same whitelist as at the kiosk's start: an endpoint there is left out and named.
mkdir -p "$TMP/data"
printf 'endpoint = http://127.0.0.1:9/\nlocation = pottenberg\n' >"$TMP/data/local.conf"
rc=0
"$K" sync --config "$TMP/off.conf" --db "$TMP/data/k.db" 2>"$TMP/e5" || rc=$?
check "local.conf endpoint not used: sync is still off (exit 2)" test "$rc" -eq 2
check "sync names the ignored local.conf line" \
    grep -q 'local.conf:1: ignored: endpoint can only be set by an administrator in /etc/wijkpeil/kiosk.conf' "$TMP/e5"
printf 'idle_seconds = 5\n' >"$TMP/data/local.conf"
rc=0
"$K" sync --config "$TMP/off.conf" --db "$TMP/data/k.db" 2>"$TMP/e6" || rc=$?
check "sync reads local.conf values (a bad one is named with its line)" \
    bash -c "test $rc -eq 2 && grep -q 'local.conf:1: idle_seconds must be' '$TMP/e6'"

# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
CDB=$(coll_db_new c)
"$C" device add kiosk1 --location nazareth --db "$CDB" >"$TMP/add.out"
TOK=$(awk 'END { print $NF }' "$TMP/add.out")
"$C" serve --db "$CDB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
wait_line "$TMP/serve.out" listening "$SRV" || true # the checks below say what is missing
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
printf 'endpoint = http://127.0.0.1:%s/\ntoken = %s\ndevice_id = kiosk1\nlocation = nazareth\n' \
    "$PORT" "$TOK" >"$TMP/k.conf"
rc=0
"$K" sync --config "$TMP/k.conf" --db "$TMP/k.db" >"$TMP/o3" 2>"$TMP/e3" || rc=$?
check "empty kiosk store: exit 0" test "$rc" -eq 0
check "one line saying nothing is waiting" grep -q 'nothing waiting' "$TMP/o3"
"$C" status --db "$CDB" >"$TMP/status.out"
check "heartbeat reached the collector" grep -q 'kiosk1 (nazareth): last seen 20.*pending 0' "$TMP/status.out"
# the set the screen has active (it records it in the store's meta table, synclink.h): the
# heartbeat of sync --once reports it, as the uploader daemon's does
sqlite3 "$TMP/k.db" "INSERT OR REPLACE INTO meta(key, value) VALUES('sync_active', '3 peil')"
rc=0
"$K" sync --config "$TMP/k.conf" --db "$TMP/k.db" >"$TMP/o5" 2>"$TMP/e5" || rc=$?
active=$(coll_db_sql "$CDB" "SELECT last_status FROM devices WHERE name = 'kiosk1'" |
    python3 -c 'import json, sys; q = json.load(sys.stdin)["questionset"]; print(q["id"], q["version"])')
check "sync --once: the heartbeat reports the active set (peil 3: $active)" \
    test "$rc $active" = "0 peil 3"
printf 'endpoint = http://127.0.0.1:%s\ntoken = wrong\n' "$PORT" >"$TMP/bad.conf"
rc=0
"$K" sync --config "$TMP/bad.conf" --db "$TMP/k.db" >"$TMP/o4" 2>&1 || rc=$?
check "wrong token: exit 1 and says token refused" bash -c "test $rc -eq 1 && grep -q 'token refused' '$TMP/o4'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
