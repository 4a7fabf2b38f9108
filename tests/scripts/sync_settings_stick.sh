#!/usr/bin/env bash
# The centre's settings document by stick (issue 16): `wijkpeil-collector publish hours.conf
# --from ... --until ... --to-stick DIR` writes WIJKPEIL/settings/hours.conf with its .sig and its
# schedule; staff take it over on the import screen of a kiosk without network. It waits for its
# start, is taken between residents after it (virtual clock; a new kiosk process: it was kept),
# and given back after its end; the heartbeat reports it with source "stick". The same
# publication fetched over the network by another kiosk gives the same screens. On the same stick
# a document changed after signing, one signed by a key the kiosk does not trust and one naming
# `endpoint` are refused on the import screen with the reason, and nothing of them is kept.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export WIJKPEIL_NO_SPEECH=1
C="$WIJKPEIL_COLLECTOR"
Q="$WIJKPEIL_QSET"
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
# shellcheck source=lib/raw_sign.sh
. "$(dirname "$0")/lib/raw_sign.sh"
staff_ui_setup
echo "staff_language = en" >>"$TMP/kiosk.conf"
echo "idle_seconds = 1200" >>"$TMP/kiosk.conf"

# Opening hours that exclude the next five hours: a kiosk under them rests (the tree says so).
H=$(date +%H)
OPEN=$(printf '%02d:00-%02d:00' $(((10#$H + 6) % 24)) $(((10#$H + 7) % 24)))
printf '# spring\nopening_hours = %s\nidle_seconds = 600\nlanguages = nl\n' "$OPEN" >"$TMP/hours.conf"
"$Q" sign "$TMP/hours.conf" --key "$TMP/staff.secret" >/dev/null

CDB=$(coll_db_new c)
"$C" device add kiosk-staff-test --location wijk-noord --db "$CDB" >"$TMP/add-stick.out"
"$C" device add kiosk-net --location wijk-noord --db "$CDB" >"$TMP/add-net.out"
"$C" device add kiosk-other --location wijk-noord --db "$CDB" >/dev/null
STICK="$TMP/media/STICK"
SDIR="$STICK/WIJKPEIL/settings"
mkdir -p "$STICK" "$TMP/net"
FROM=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ)
UNTIL=$(date -u -d '+60 min' +%Y-%m-%dT%H:%M:%SZ)
publish() { # publish FILE DEVICE [options] -> the id (the stick kiosk gets it by stick only)
    local f=$1 dev=$2
    shift 2
    "$C" publish "$f" "$@" --location wijk-noord --device "$dev" --db "$CDB" >"$TMP/publish.out"
    sed -n 's/^published as //p' "$TMP/publish.out"
}
GOOD=$(publish "$TMP/hours.conf" kiosk-net --from "$FROM" --until "$UNTIL" --to-stick "$STICK")
check "published" test -n "$GOOD"
check "publish says where" grep -q "written to $STICK/WIJKPEIL/settings" "$TMP/publish.out"
check "on the stick: the document as signed" cmp -s "$SDIR/hours.conf" "$TMP/hours.conf"
check "on the stick: its signature" cmp -s "$SDIR/hours.conf.sig" "$TMP/hours.conf.sig"
check "on the stick: its schedule" python3 - "$SDIR/hours.conf.schedule" "$GOOD" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["publication"] == sys.argv[2] and s["from_ms"] > 0 and s["until_ms"] > s["from_ms"], s
PY
check "no question set folder for it" test ! -e "$STICK/WIJKPEIL/questionsets/hours.conf"

# The collector refuses on the stick route what it refuses on the network route.
printf 'idle_seconds = 60\nendpoint = https://evil.example/\n' >"$TMP/evil.conf"
raw_sign "$TMP/evil.conf" "$TMP/staff"
check "--to-stick: endpoint refused as on the network route" \
    bash -c "! '$C' publish '$TMP/evil.conf' --location wijk-noord --to-stick '$STICK' --db '$CDB' 2>'$TMP/pub.err'"
check "--to-stick: says why" grep -q "kiosks would refuse this settings document: .*evil.conf:2: endpoint" "$TMP/pub.err"
check "--to-stick: nothing written for it" test ! -e "$SDIR/evil.conf"
# ... but a stick may hold anything: the kiosk checks it itself.
cp "$TMP/evil.conf" "$TMP/evil.conf.sig" "$SDIR/"
cp "$TMP/hours.conf" "$TMP/changed.conf"
"$Q" sign "$TMP/changed.conf" --key "$TMP/staff.secret" >/dev/null
publish "$TMP/changed.conf" kiosk-other --to-stick "$STICK" >/dev/null
sed -i 's/idle_seconds = 600/idle_seconds = 900/' "$SDIR/changed.conf"
cp "$TMP/hours.conf" "$TMP/stranger.conf"
"$Q" sign "$TMP/stranger.conf" --key "$TMP/stranger.secret" >/dev/null
publish "$TMP/stranger.conf" kiosk-other --to-stick "$STICK" >/dev/null

# --- the stick route: taken over in staff mode (rows by name: changed, evil, hours, stranger) ------
{
    gesture
    pin "$STAFF_PIN"
    echo "tap-id staff-import"
    echo "expect-screen staff-import"
    echo "expect-widget take:2"
    echo "tree $TMP/rows.json"
    echo "tap-id take:2"
    echo "tree $TMP/taken.json"
    echo "tap-id staff-back"
    echo "tree $TMP/home.json"
    echo "tap-id staff-leave"
    echo "expect-screen attract"
} >"$TMP/import.txt"
check "stick: the kiosk ran" run_kiosk "$TMP/import.txt"
check "row: the document and its schedule first" has "$TMP/rows.json" settings:2 \
    'Settings from the centre "hours.conf", in use from '
check "row: its settings" has "$TMP/rows.json" settings:2 \
    ': opening_hours = '"$OPEN"'; idle_seconds = 600; languages = nl'
check "stick status: the settings documents counted" has "$TMP/rows.json" stick-status \
    "Settings documents from the centre: 4, 1 accepted."
check "row: Take over" test "$(tree_label "$TMP/rows.json" take:2)" = "Take over"
check "refused: changed after signing" has "$TMP/rows.json" settings:0 "changed.conf: NOT accepted (changed after it was signed). changed.conf was changed after it was signed"
check "refused: endpoint, with its line" has "$TMP/rows.json" settings:1 "evil.conf: NOT accepted (holds a setting the centre may not change, or a bad value). evil.conf:2: endpoint may not be set from the centre"
check "refused: an untrusted key" has "$TMP/rows.json" settings:3 "stranger.conf: NOT accepted (signed by a key this kiosk does not trust)"
for i in 0 1 3; do
    check "refused row $i: nothing to take over" test -z "$(tree_label "$TMP/rows.json" "take:$i")"
done
check "taken: staff are told it waits for its start" has "$TMP/taken.json" staff-message 'Settings "hours.conf" are kept on the centre'"'"'s schedule: in use from '
check "status: waiting, from the stick" has "$TMP/home.json" status:published "settings hours.conf (USB stick): waiting until"
check "kept in the data folder" cmp -s "$TMP/data/settings/$GOOD.conf" "$TMP/hours.conf"
check "nothing else kept" test "$(ls "$TMP/data/settings")" = "$GOOD.conf"

schedule_lines() { # schedule_lines PREFIX: a resident mid-poll at the start, the virtual clock
    echo "tree $1-s0.json"
    echo "tap-id start"
    echo "wait 900000"
    echo "tree $1-s1.json"
    echo "wait 900000"
    echo "tree $1-s2.json"
    echo "wait 2700000"
    echo "tree $1-s3.json"
}
schedule_lines "$TMP/stick" >"$TMP/stick.txt"
check "stick: the kiosk ran again (a new process)" run_kiosk "$TMP/stick.txt"
cp "$TMP/stick.txt.out" "$TMP/stick.log"

# --- the network route: the same publication fetched by kiosk-net ----------------------------------
"$C" serve --db "$CDB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
{
    grep -v '^log_file\|^device_id' "$TMP/kiosk.conf"
    echo "device_id = kiosk-net"
    echo "endpoint = http://127.0.0.1:$PORT/"
    echo "token = $(awk 'END { print $NF }' "$TMP/add-net.out")"
} >"$TMP/net/k.conf"
check "network: sync" "$WIJKPEIL" sync --config "$TMP/net/k.conf" --db "$TMP/net/k.db"
check "network: kept as by the stick" cmp -s "$TMP/net/settings/$GOOD.conf" "$TMP/data/settings/$GOOD.conf"
schedule_lines "$TMP/net" >"$TMP/net.txt"
check "network: the kiosk ran" "$WIJKPEIL" --config "$TMP/net/k.conf" --questionset "$POLL" \
    --db "$TMP/net/k.db" --window 1920x1080 --script "$TMP/net.txt" >"$TMP/net.log" 2>&1

tree_of() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print("attract" if t["screen"] == "attract" else "mid-poll", "resting" if t["resting"] else "open")' "$1"; }
for route in stick net; do
    check "$route: before the start, its own settings (open)" test "$(tree_of "$TMP/$route-s0.json")" = "attract open"
    check "$route: after the start, mid-poll: still its own settings" test "$(tree_of "$TMP/$route-s1.json")" = "mid-poll open"
    check "$route: after that resident, the centre's opening hours" test "$(tree_of "$TMP/$route-s2.json")" = "attract resting"
    check "$route: after the end, its own settings again" test "$(tree_of "$TMP/$route-s3.json")" = "attract open"
    check "$route: the log: taken" grep -q "settings in use: languages \"nl\", opening_hours \"$OPEN\", idle_seconds 600" "$TMP/$route.log"
    check "$route: the refused ones never applied" bash -c "! grep -q 'idle_seconds 60,\|idle_seconds 900' '$TMP/$route.log'"
done
for n in 0 1 2 3; do
    check "s$n: the same on both routes" test "$(tree_of "$TMP/net-s$n.json")" = "$(tree_of "$TMP/stick-s$n.json")"
done

# --- the heartbeat of the stick kiosk (network back for a moment): source "stick" -----------------
{
    grep -v '^log_file' "$TMP/kiosk.conf"
    echo "endpoint = http://127.0.0.1:$PORT/"
    echo "token = $(awk 'END { print $NF }' "$TMP/add-stick.out")"
} >"$TMP/stick-sync.conf"
check "stick kiosk: sync" "$WIJKPEIL" sync --config "$TMP/stick-sync.conf" --db "$TMP/data/kiosk.db"
pubs() { # pubs DEVICE -> one "ID KIND SOURCE STATE" line per publication in its last heartbeat
    coll_db_sql "$CDB" "SELECT last_status FROM devices WHERE name='$1'" | python3 -c '
import json, sys
for p in json.load(sys.stdin).get("publications") or []:
    print(p["id"], p["kind"], p["source"], p["state"])'
}
check "heartbeat: taken from the stick, waiting" test "$(pubs kiosk-staff-test)" = "$GOOD settings stick waiting"
check "stick kiosk: still kept after the sync" test -e "$TMP/data/settings/$GOOD.conf"
"$WIJKPEIL" sync --config "$TMP/net/k.conf" --db "$TMP/net/k.db" >/dev/null 2>&1 || true
check "heartbeat of kiosk-net: the same, from the network" \
    test "$(pubs kiosk-net | grep "^$GOOD ")" = "$GOOD settings network waiting"
kill "$SRV"
wait "$SRV" 2>/dev/null || true
SRV=""
finish
