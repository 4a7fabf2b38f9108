#!/usr/bin/env bash
# Sets published from the centre reach a kiosk through its uploader (wijkpeil sync) against the
# real collector on loopback: a signed set with clips is downloaded, verified with the kiosk's
# trusted key through the stick's install path and installed beside stick sets; the heartbeat
# reports it waiting for its start. A set signed by a key the kiosk does not trust, one changed
# after signing, and a clip the collector swapped (with hashes to match) are refused with the
# reason in the heartbeat, and nothing of them is kept. A withdrawn publication leaves the report.
# Network faults mid-download (reset, 500, hang) resume at the next sync.
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
PROXY=""
cleanup() {
    if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; fi
    if [ -n "$PROXY" ]; then kill "$PROXY" 2>/dev/null || true; fi
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

# A set with clips, as the centre makes it: id and version set, signed with KEY.
make_set() { # make_set DIR ID KEY
    mkdir -p "$1/clips"
    cp "$WIJKPEIL_SRC"/tests/qsets/clips/welkom-nl.wav "$WIJKPEIL_SRC"/tests/qsets/clips/q1-nl.wav \
        "$1/clips/"
    python3 - "$WIJKPEIL_SRC/tests/qsets/valid-all.json" "$1/$2.json" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["id"] = sys.argv[3]
json.dump(s, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
    "$Q" sign "$1/$2.json" --key "$3" >/dev/null
}
(cd "$TMP" && "$Q" keygen -o centre >/dev/null && "$Q" keygen -o other >/dev/null)

CDB=$(coll_db_new c)
# A kiosk at nazareth: its device at the collector and its config, reaching the collector on PORT.
kiosk() { # kiosk NAME PORT -> $TMP/NAME/k.conf
    "$C" device add "$1" --location nazareth --db "$CDB" >"$TMP/add-$1.out"
    mkdir -p "$TMP/$1"
    printf 'endpoint = http://127.0.0.1:%s/\ntoken = %s\ndevice_id = %s\nlocation = nazareth\ntrusted_key = %s\n' \
        "$2" "$(awk 'END { print $NF }' "$TMP/add-$1.out")" "$1" "$(cat "$TMP/centre.public")" \
        >"$TMP/$1/k.conf"
}
"$C" serve --db "$CDB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
kiosk kiosk1 "$PORT"
ksync() { "$K" sync --config "$TMP/kiosk1/k.conf" --db "$TMP/kiosk1/k.db" >"$TMP/sync.out" 2>&1; }
DEV=kiosk1
heartbeat() { # the kiosk's last heartbeat as the collector holds it
    coll_db_sql "$CDB" "SELECT last_status FROM devices WHERE name='$DEV'"
}
pub_state() { # pub_state ID -> STATE|REASON from the last heartbeat
    heartbeat | python3 -c '
import json, sys
h = json.load(sys.stdin)
for p in h["publications"]:
    if p["id"] == sys.argv[1]:
        print(p["state"] + "|" + p["reason"])' "$1"
}
publish() { # publish SET.json [options] -> the id
    "$C" publish "$@" --location nazareth --db "$CDB" | sed -n 's/^published as //p'
}

# --- a good set, starting next year ---------------------------------------------------------
make_set "$TMP/spring" spring "$TMP/centre.secret"
GOOD=$(publish "$TMP/spring/spring.json" --from 2099-03-01T08:00 --until 2099-04-30T23:59)
check "published" test -n "$GOOD"
check "sync: exit 0" ksync
INST="$TMP/kiosk1/questionsets/spring-v3"
check "installed beside stick sets" test -f "$INST/spring-v3.json"
check "with its signature" test -f "$INST/spring-v3.json.sig"
check "with its clips" cmp -s "$INST/clips/q1-nl.wav" "$TMP/spring/clips/q1-nl.wav"
check "the download is gone" test ! -e "$TMP/kiosk1/incoming/$GOOD"
check "heartbeat: waiting for its start" test "$(pub_state "$GOOD")" = "waiting|"
check "heartbeat: source network" grep -q '"source":"network"' <(heartbeat)
check "sync again: nothing fetched anew, still exit 0" ksync

# --- refused: untrusted key, changed after signing, a clip swapped at the collector ----------------
make_set "$TMP/stranger" stranger "$TMP/other.secret"
UNTRUSTED=$(publish "$TMP/stranger/stranger.json")
make_set "$TMP/changed" changed "$TMP/centre.secret"
CHANGED=$(publish "$TMP/changed/changed.json")
# Changed after signing: the collector refuses to publish that, so one broken into serves it.
sed -i 's/"Overlast"/"Overlast!"/' "$TMP/changed/changed.json"
CH_SIZE=$(stat -c %s "$TMP/changed/changed.json")
CH_B64=$(base64 -w0 "$TMP/changed/changed.json")
CH_SHA=$(sha256sum "$TMP/changed/changed.json" | cut -d' ' -f1)
coll_db_sql "$CDB" "INSERT INTO blobs(sha256, size, data) VALUES('$CH_SHA', $CH_SIZE, '$CH_B64')"
coll_db_sql "$CDB" "UPDATE publication_files SET sha256='$CH_SHA', size=$CH_SIZE WHERE publication='$CHANGED' AND name='changed.json'"
make_set "$TMP/swapped" swapped "$TMP/centre.secret"
SWAPPED=$(publish "$TMP/swapped/swapped.json")
# A collector broken into serves other bytes for a clip, with a size and hash to match them.
python3 - "$TMP/swapped/clips/q1-nl.wav" "$TMP/evil.wav" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[-1] ^= 0x55  # still a WAV file, other sound
open(sys.argv[2], "wb").write(bytes(b))
PY
EVIL_SIZE=$(stat -c %s "$TMP/evil.wav")
EVIL_B64=$(base64 -w0 "$TMP/evil.wav")
EVIL_SHA=$(sha256sum "$TMP/evil.wav" | cut -d' ' -f1)
coll_db_sql "$CDB" "INSERT INTO blobs(sha256, size, data) VALUES('$EVIL_SHA', $EVIL_SIZE, '$EVIL_B64')"
coll_db_sql "$CDB" "UPDATE publication_files SET sha256='$EVIL_SHA', size=$EVIL_SIZE WHERE publication='$SWAPPED' AND name='clips/q1-nl.wav'"
check "sync with refused sets: still exit 0 (responses are not held up)" ksync
case "$(pub_state "$UNTRUSTED")" in "failed|signed by an unknown key: "*"which this kiosk does not trust") pass=$((pass + 1)) ;; *) bad "untrusted key: $(pub_state "$UNTRUSTED")" ;; esac
case "$(pub_state "$CHANGED")" in "failed|tampered: changed.json was changed after it was signed"*) pass=$((pass + 1)) ;; *) bad "changed after signing: $(pub_state "$CHANGED")" ;; esac
case "$(pub_state "$SWAPPED")" in "failed|tampered: "*"clips/q1-nl.wav was changed after the set was signed"*) pass=$((pass + 1)) ;; *) bad "swapped clip: $(pub_state "$SWAPPED")" ;; esac
for id in stranger changed swapped; do
    check "$id: nothing installed" test ! -e "$TMP/kiosk1/questionsets/$id-v3"
done
why_of() { # why_of ID -> WHY|FILE as the kiosk recorded it (the staff screen words WHY)
    python3 - "$TMP/kiosk1/k.db" "$1" <<'PY'
import json, sqlite3, sys
v = sqlite3.connect(sys.argv[1]).execute("SELECT value FROM meta WHERE key='fleet_state'").fetchone()[0]
for p in json.loads(v)["pubs"]:
    if p["id"] == sys.argv[2]:
        print(p.get("why", "") + "|" + p.get("file", ""))
PY
}
check "recorded for the staff screen: unknown key" test "$(why_of "$UNTRUSTED")" = "unknown_key|stranger.json"
check "recorded for the staff screen: changed after signing" test "$(why_of "$CHANGED")" = "tampered|changed.json"
check "recorded for the staff screen: a clip swapped" test "$(why_of "$SWAPPED")" = "tampered|swapped.json"
check "nothing unverified kept" bash -c "! ls '$TMP/kiosk1/incoming/'* >/dev/null 2>&1"
check "the good set is still there" test -f "$INST/spring-v3.json"
check "and still waiting" test "$(pub_state "$GOOD")" = "waiting|"

# --- withdrawn ----------------------------------------------------------------------------------
"$C" publish --withdraw "$UNTRUSTED" --db "$CDB" >/dev/null
check "sync after a withdrawal" ksync
check "withdrawn: no longer reported" test -z "$(pub_state "$UNTRUSTED")"
check "others still reported" test "$(pub_state "$GOOD")" = "waiting|"

# --- on the centre's schedule: the old set until the start, switched between residents (one
# mid-poll finishes on the old set), back to the old set after the end (virtual clock) -------------
make_set "$TMP/sched" sched "$TMP/centre.secret"
FROM=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ)
UNTIL=$(date -u -d '+60 min' +%Y-%m-%dT%H:%M:%SZ)
SCHED=$(publish "$TMP/sched/sched.json" --from "$FROM" --until "$UNTIL")
check "scheduled set fetched" ksync
check "scheduled set: waiting" test "$(pub_state "$SCHED")" = "waiting|"
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
tree_of() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t["questionset"], t["screen"])' "$1"; }
BASE=nazareth-pottenberg-2027-voorjaar
check "before the start: the old set" test "$(tree_of "$TMP/s0.json")" = "$BASE attract"
check "after the start, mid-poll: still the old set" bash -c "[[ '$(tree_of "$TMP/s1.json")' == '$BASE '* && '$(tree_of "$TMP/s1.json")' != *attract ]]"
check "after that resident: the published set" test "$(tree_of "$TMP/s2.json")" = "sched attract"
check "after the end: back to the old set" test "$(tree_of "$TMP/s3.json")" = "$BASE attract"
check "the kiosk log says why" grep -q "the centre's schedule starts .*sched-v3" "$TMP/sched.out"

# --- network faults mid-download: a cut-off transfer and a 500 resume at the next sync ------------
# Download 1 (the good set's first clip) is cut off half-way, download 2 answered 500.
python3 "$WIJKPEIL_SRC/tests/sync/fake_server.py" fileproxy "$PORT" cut:1 500:2 >"$TMP/proxy.out" &
PROXY=$!
wait_line "$TMP/proxy.out" port "$PROXY" || true
PPORT=$(sed -n 's/^port //p' "$TMP/proxy.out")
kiosk kiosk2 "$PPORT"
DEV=kiosk2
"$K" sync --config "$TMP/kiosk2/k.conf" --db "$TMP/kiosk2/k.db" >"$TMP/sync2.out" 2>&1 || true
check "cut off: not installed yet" test ! -e "$TMP/kiosk2/questionsets/spring-v3"
PART="$TMP/kiosk2/incoming/$GOOD/WIJKPEIL/questionsets/clips/q1-nl.wav"
check "cut off: what came is kept to resume" test -s "$PART"
check "cut off: the heartbeat says why" grep -q '"publication_error":"publication' <(heartbeat)
HAD=$(stat -c %s "$PART")
"$K" sync --config "$TMP/kiosk2/k.conf" --db "$TMP/kiosk2/k.db" >"$TMP/sync3.out" 2>&1 || true
check "next sync: resumed where it broke off" \
    grep -q "^file [0-9]* bytes=$HAD- /v1/files/$GOOD/clips/q1-nl.wav\$" "$TMP/proxy.out"
check "next sync: installed" cmp -s "$TMP/kiosk2/questionsets/spring-v3/clips/q1-nl.wav" "$TMP/spring/clips/q1-nl.wav"
check "next sync: waiting for its start" test "$(pub_state "$GOOD")" = "waiting|"
case "$(pub_state "$CHANGED")" in "failed|tampered: "*) pass=$((pass + 1)) ;; *) bad "after a 500: $(pub_state "$CHANGED")" ;; esac
check "no download left behind" bash -c "! ls '$TMP/kiosk2/incoming/'* >/dev/null 2>&1"
N=$(grep -c '^file ' "$TMP/proxy.out")
"$K" sync --config "$TMP/kiosk2/k.conf" --db "$TMP/kiosk2/k.db" >"$TMP/sync4.out" 2>&1 || true
check "unchanged: nothing downloaded again" test "$(grep -c '^file ' "$TMP/proxy.out")" -eq "$N"
kill "$PROXY" 2>/dev/null || true

# --- a hang mid-download: the collector stops sending half-way and keeps the connection open. The
# sync gives up within its low-speed limit (no test clock: the proxy sees the kiosk close the
# connection), keeps what came, installs nothing, and resumes at the next sync. ------------------
python3 "$WIJKPEIL_SRC/tests/sync/fake_server.py" fileproxy "$PORT" hang:1 >"$TMP/hproxy.out" &
PROXY=$!
wait_line "$TMP/hproxy.out" port "$PROXY" || true
HPORT=$(sed -n 's/^port //p' "$TMP/hproxy.out")
kiosk kiosk3 "$HPORT"
DEV=kiosk3
"$K" sync --config "$TMP/kiosk3/k.conf" --db "$TMP/kiosk3/k.db" >"$TMP/hsync1.out" 2>&1 || true
check "hang: the proxy held the download" grep -q "^hanging 1$" "$TMP/hproxy.out"
check "hang: the sync ended the transfer itself (closed the connection)" grep -q "^gone 1$" "$TMP/hproxy.out"
check "hang: not installed" test ! -e "$TMP/kiosk3/questionsets/spring-v3"
HPART="$TMP/kiosk3/incoming/$GOOD/WIJKPEIL/questionsets/$(sed -n 's|^file 1 - /v1/files/[0-9a-f]*/||p' "$TMP/hproxy.out")"
check "hang: what came is kept to resume" test -s "$HPART"
HHAD=$(stat -c %s "$HPART")
check "hang: the heartbeat says why" grep -q '"publication_error":"publication' <(heartbeat)
"$K" sync --config "$TMP/kiosk3/k.conf" --db "$TMP/kiosk3/k.db" >"$TMP/hsync2.out" 2>&1 || true
check "hang: the next sync resumed where it stopped" grep -q "^file [0-9]* bytes=$HHAD- " "$TMP/hproxy.out"
check "hang: then installed" cmp -s "$TMP/kiosk3/questionsets/spring-v3/clips/q1-nl.wav" "$TMP/spring/clips/q1-nl.wav"
check "hang: waiting for its start" test "$(pub_state "$GOOD")" = "waiting|"
check "hang: no download left behind" bash -c "! ls '$TMP/kiosk3/incoming/'* >/dev/null 2>&1"
kill "$PROXY" 2>/dev/null || true

kill "$SRV"
wait "$SRV" 2>/dev/null || true
SRV=""
echo "sync_fleet: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
