#!/usr/bin/env bash
# The centre's signed settings document (issue 16, item 2) against the real collector on
# loopback: `wijkpeil-qset sign hours.conf` and `wijkpeil-collector publish hours.conf` with a
# schedule; the kiosk's uploader downloads it, verifies it with its trusted key and keeps it; the
# kiosk takes it at its start (virtual clock), between residents (one mid-poll finishes under the
# old settings), and goes back to its own settings after the end. A document naming `endpoint`
# (signed by the trusted key, served by a collector broken into), one changed after signing and
# one signed by a key the kiosk does not trust are refused with the reason in the heartbeat and
# nothing of them is kept or applied.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
K="$WIJKPEIL"
C="$WIJKPEIL_COLLECTOR"
Q="$WIJKPEIL_QSET"
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
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
# shellcheck source=lib/raw_sign.sh
. "$(dirname "$0")/lib/raw_sign.sh"

(cd "$TMP" && "$Q" keygen -o centre >/dev/null && "$Q" keygen -o other >/dev/null)
CDB=$(coll_db_new c)
"$C" device add kiosk1 --location nazareth --db "$CDB" >"$TMP/add.out"
mkdir -p "$TMP/kiosk1"
printf 'endpoint = http://127.0.0.1:PORT/\ntoken = %s\ndevice_id = kiosk1\nlocation = nazareth\ntrusted_key = %s\n' \
    "$(awk 'END { print $NF }' "$TMP/add.out")" "$(cat "$TMP/centre.public")" >"$TMP/kiosk1/k.tmpl"
"$C" serve --db "$CDB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
sed "s/PORT/$PORT/" "$TMP/kiosk1/k.tmpl" >"$TMP/kiosk1/k.conf"
ksync() { "$K" sync --config "$TMP/kiosk1/k.conf" --db "$TMP/kiosk1/k.db" >"$TMP/sync.out" 2>&1; }
heartbeat() { coll_db_sql "$CDB" "SELECT last_status FROM devices WHERE name='kiosk1'"; }
pub_state() { # pub_state ID -> KIND|STATE|REASON from the last heartbeat
    heartbeat | python3 -c '
import json, sys
h = json.load(sys.stdin)
for p in h["publications"]:
    if p["id"] == sys.argv[1]:
        print(p["kind"] + "|" + p["state"] + "|" + p["reason"])' "$1"
}
publish() { # publish FILE [options] -> the id
    "$C" publish "$@" --location nazareth --db "$CDB" | sed -n 's/^published as //p'
}

# --- the tools: a settings document is signed and published only when a kiosk would take it ------
# Opening hours that exclude the next five hours: a kiosk under them rests (the tree says so).
H=$(date +%H)
OPEN=$(printf '%02d:00-%02d:00' $(((10#$H + 6) % 24)) $(((10#$H + 7) % 24)))
printf '# spring\nopening_hours = %s\nidle_seconds = 600\nlanguages = nl\n' "$OPEN" >"$TMP/hours.conf"
check "qset sign: a settings document" "$Q" sign "$TMP/hours.conf" --key "$TMP/centre.secret"
check "qset verify: a settings document" "$Q" verify "$TMP/hours.conf" --key "$TMP/centre.public"
check "qset verify: another key refused" bash -c "! '$Q' verify '$TMP/hours.conf' --key '$TMP/other.public' 2>/dev/null"
printf 'idle_seconds = 60\nendpoint = https://evil.example/\n' >"$TMP/evil.conf"
check "qset sign: endpoint refused" bash -c "! '$Q' sign '$TMP/evil.conf' --key '$TMP/centre.secret' 2>'$TMP/sign.err'"
check "qset sign: says which line" grep -q "evil.conf:2: endpoint may not be set from the centre" "$TMP/sign.err"
check "qset sign: no .sig written" test ! -e "$TMP/evil.conf.sig"
raw_sign "$TMP/evil.conf" "$TMP/centre"
check "collector: endpoint refused at publish" bash -c "! '$C' publish '$TMP/evil.conf' --location nazareth --db '$CDB' 2>'$TMP/pub.err'"
check "collector: says why" grep -q "kiosks would refuse this settings document: .*evil.conf:2: endpoint" "$TMP/pub.err"

FROM=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ)
UNTIL=$(date -u -d '+60 min' +%Y-%m-%dT%H:%M:%SZ)
GOOD=$(publish "$TMP/hours.conf" --from "$FROM" --until "$UNTIL")
check "published" test -n "$GOOD"
check "publish --list: a settings line" grep -q "^$GOOD  settings hours.conf  nazareth" <("$C" publish --list --db "$CDB")

# --- refused at the kiosk: endpoint (served by a collector broken into), changed after signing,
# an untrusted key ---------------------------------------------------------------------------------
cp "$TMP/hours.conf" "$TMP/evil2.conf" && cp "$TMP/hours.conf.sig" "$TMP/evil2.conf.sig"
EVIL=$(publish "$TMP/evil2.conf")
swap() { # swap ID NAME FILE: the collector serves FILE's bytes as NAME of publication ID
    local size b64 sha
    size=$(stat -c %s "$3")
    b64=$(base64 -w0 "$3")
    sha=$(sha256sum "$3" | cut -d' ' -f1)
    coll_db_sql "$CDB" "INSERT INTO blobs(sha256, size, data) VALUES('$sha', $size, '$b64') ON CONFLICT (sha256) DO NOTHING"
    coll_db_sql "$CDB" "UPDATE publication_files SET sha256='$sha', size=$size WHERE publication='$1' AND name='$2'"
}
swap "$EVIL" evil2.conf "$TMP/evil.conf"
swap "$EVIL" evil2.conf.sig "$TMP/evil.conf.sig"
cp "$TMP/hours.conf" "$TMP/changed.conf"
"$Q" sign "$TMP/changed.conf" --key "$TMP/centre.secret" >/dev/null
CHANGED=$(publish "$TMP/changed.conf")
sed -i 's/idle_seconds = 600/idle_seconds = 900/' "$TMP/changed.conf"
swap "$CHANGED" changed.conf "$TMP/changed.conf"
cp "$TMP/hours.conf" "$TMP/stranger.conf"
"$Q" sign "$TMP/stranger.conf" --key "$TMP/other.secret" >/dev/null
STRANGER=$(publish "$TMP/stranger.conf")

check "sync: exit 0" ksync
check "heartbeat: the good document waits for its start" test "$(pub_state "$GOOD")" = "settings|waiting|"
check "kept in the data folder" cmp -s "$TMP/kiosk1/settings/$GOOD.conf" "$TMP/hours.conf"
case "$(pub_state "$EVIL")" in "settings|failed|refused: evil2.conf:2: endpoint may not be set from the centre"*) pass=$((pass + 1)) ;; *) bad "endpoint: $(pub_state "$EVIL")" ;; esac
case "$(pub_state "$CHANGED")" in "settings|failed|tampered: changed.conf was changed after it was signed"*) pass=$((pass + 1)) ;; *) bad "changed: $(pub_state "$CHANGED")" ;; esac
case "$(pub_state "$STRANGER")" in "settings|failed|signed by an unknown key: stranger.conf is signed by key "*"which this kiosk does not trust") pass=$((pass + 1)) ;; *) bad "untrusted: $(pub_state "$STRANGER")" ;; esac
for id in "$EVIL" "$CHANGED" "$STRANGER"; do
    check "$id: nothing kept" test ! -e "$TMP/kiosk1/settings/$id.conf"
done
check "nothing unverified left in incoming" bash -c "! ls '$TMP/kiosk1/incoming/'* >/dev/null 2>&1"

# --- the kiosk (a new process: the document comes from the store) on the centre's schedule --------
printf 'idle_seconds = 1200\n' >"$TMP/kiosk1/screen.conf"
cat >"$TMP/sched.txt" <<S
tree $TMP/s0.json
tap-id start
wait 900000
tree $TMP/s1.json
wait 900000
tree $TMP/s2.json
wait 2700000
tree $TMP/s3.json
S
SDL_VIDEODRIVER=dummy WIJKPEIL_NO_SPEECH=1 "$K" --config "$TMP/kiosk1/screen.conf" \
    --questionset "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" --db "$TMP/kiosk1/k.db" \
    --script "$TMP/sched.txt" >"$TMP/sched.out" 2>&1 || bad "the scheduled run: $(tail -3 "$TMP/sched.out")"
tree_of() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t["screen"], "resting" if t["resting"] else "open")' "$1"; }
check "before the start: its own settings (open)" test "$(tree_of "$TMP/s0.json")" = "attract open"
check "after the start, mid-poll: still its own settings" bash -c "[[ '$(tree_of "$TMP/s1.json")' != attract* && '$(tree_of "$TMP/s1.json")' == *open ]]"
check "after that resident: the centre's opening hours (closed now)" test "$(tree_of "$TMP/s2.json")" = "attract resting"
check "after the end: back to its own settings" test "$(tree_of "$TMP/s3.json")" = "attract open"
check "the log: taken" grep -q "settings in use: languages \"nl\", opening_hours \"$OPEN\", idle_seconds 600" "$TMP/sched.out"
check "the log: given back" grep -q "settings in use: languages \"\", opening_hours \"\", idle_seconds 1200" "$TMP/sched.out"
check "the refused ones never applied" bash -c "! grep -q 'idle_seconds 60,\|idle_seconds 900' '$TMP/sched.out'"

# --- withdrawn: no longer reported, not applied -------------------------------------------------
"$C" publish --withdraw "$GOOD" --db "$CDB" >/dev/null
check "sync after the withdrawal" ksync
check "withdrawn: no longer reported" test -z "$(pub_state "$GOOD")"

kill "$SRV"
wait "$SRV" 2>/dev/null || true
SRV=""
echo "sync_settings: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
