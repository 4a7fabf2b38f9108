#!/usr/bin/env bash
# The stick route of a publication gives the same result as the network route (issue 16):
# `wijkpeil-collector publish SET.json --from ... --until ... --to-stick DIR` writes the set with
# its schedule; one kiosk fetches the publication over the network, another imports the stick in
# staff mode. Neither shows it before its start; both switch to it between residents after the
# start (a resident mid-poll finishes on the old set) and back after its end (virtual clock).
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export WIJKPEIL_NO_SPEECH=1
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
# shellcheck source=../staff_ui/common.sh
. "$WIJKPEIL_SRC/tests/staff_ui/common.sh"
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
staff_ui_setup
echo "staff_language = en" >>"$TMP/kiosk.conf"
echo "idle_seconds = 1200" >>"$TMP/kiosk.conf"

# The set, signed with the key both kiosks trust.
mkdir -p "$TMP/sched/clips"
cp "$WIJKPEIL_SRC"/tests/qsets/clips/welkom-nl.wav "$WIJKPEIL_SRC"/tests/qsets/clips/q1-nl.wav "$TMP/sched/clips/"
python3 - "$WIJKPEIL_SRC/tests/qsets/valid-all.json" "$TMP/sched/sched.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["id"] = "sched"
json.dump(s, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
"$WIJKPEIL_QSET" sign "$TMP/sched/sched.json" --key "$TMP/staff.secret" >/dev/null

CDB=$(coll_db_new c)
"$C" device add kiosk-staff-test --location wijk-noord --db "$CDB" >"$TMP/add.out"
mkdir -p "$TMP/media/STICK" "$TMP/net"
FROM=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ)
UNTIL=$(date -u -d '+60 min' +%Y-%m-%dT%H:%M:%SZ)
"$C" publish "$TMP/sched/sched.json" --location wijk-noord --from "$FROM" --until "$UNTIL" \
    --to-stick "$TMP/media/STICK" --db "$CDB" >"$TMP/publish.out"
check "the schedule is on the stick" test -f "$TMP/media/STICK/WIJKPEIL/questionsets/sched.json.schedule"

# --- the network route ------------------------------------------------------------------------
"$C" serve --db "$CDB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
{
    grep -v '^log_file' "$TMP/kiosk.conf"
    echo "endpoint = http://127.0.0.1:$PORT/"
    echo "token = $(awk 'END { print $NF }' "$TMP/add.out")"
} >"$TMP/net/k.conf"
check "network: sync" "$WIJKPEIL" sync --config "$TMP/net/k.conf" --db "$TMP/net/k.db"
kill "$SRV"
wait "$SRV" 2>/dev/null || true
SRV=""

schedule_lines() { # schedule_lines PREFIX: the resident and the virtual clock of both routes
    echo "tree $1-s0.json"
    echo "tap-id start"
    echo "wait 900000"
    echo "tree $1-s1.json"
    echo "wait 900000"
    echo "tree $1-s2.json"
    echo "wait 2700000"
    echo "tree $1-s3.json"
}
schedule_lines "$TMP/net" >"$TMP/net.txt"
check "network: the kiosk ran" "$WIJKPEIL" --config "$TMP/net/k.conf" --questionset "$POLL" \
    --db "$TMP/net/k.db" --window 1920x1080 --script "$TMP/net.txt"

# --- the stick route: imported in staff mode ---------------------------------------------------
{
    gesture
    pin "$STAFF_PIN"
    echo "tap-id staff-import"
    echo "expect-screen staff-import"
    echo "tap-id activate:0"
    echo "tree $TMP/imported.json"
    echo "tap-id staff-back"
    echo "tap-id staff-leave"
    echo "expect-screen attract"
    schedule_lines "$TMP/stick"
} >"$TMP/stick.txt"
check "stick: the kiosk ran" run_kiosk "$TMP/stick.txt"
check "stick: staff are told it waits for its start" grep -q "installed on the centre's schedule: active from" "$TMP/imported.json"

tree_of() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t["questionset"], "attract" if t["screen"] == "attract" else "mid-poll")' "$1"; }
BASE=nazareth-pottenberg-2027-voorjaar
for route in net stick; do
    check "$route: before the start, the old set" test "$(tree_of "$TMP/$route-s0.json")" = "$BASE attract"
    check "$route: after the start, mid-poll: still the old set" test "$(tree_of "$TMP/$route-s1.json")" = "$BASE mid-poll"
    check "$route: after that resident, the published set" test "$(tree_of "$TMP/$route-s2.json")" = "sched attract"
    check "$route: after the end, the old set" test "$(tree_of "$TMP/$route-s3.json")" = "$BASE attract"
done
for n in 0 1 2 3; do
    check "s$n: the same on both routes" test "$(tree_of "$TMP/net-s$n.json")" = "$(tree_of "$TMP/stick-s$n.json")"
done
finish
