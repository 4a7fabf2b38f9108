#!/usr/bin/env bash
# End to end: scripted residents answer the demo poll on the kiosk (several languages, one walks
# away); `wijkpeil sync` first finds no collector (nothing lost), then delivers to a collector on
# 127.0.0.1; the collector's export holds each response exactly once with the same answers, and a
# USB-stick export of the same kiosk imports as "already held".
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
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

# The demo poll with the version as a spreadsheet wrote it (issue 12): recorded with each
# response, sent, held and exported by the collector.
mkdir "$TMP/demo"
cp -r "$WIJKPEIL_SRC/assets/demo/." "$TMP/demo/"
POLL="$TMP/demo/nazareth-pottenberg.json"
python3 - "$POLL" <<'PY'
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
s["version_text"] = "voorjaar 2027, versie 1"
json.dump(s, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY

# --- residents ----------------------------------------------------------------------------
langs=(nl en ar tr pl uk)
wijk=(nazareth pottenberg anders)
{
    for i in $(seq 0 11); do
        echo "tap-id start"
        echo "tap-id lang:${langs[$((i % 6))]}"
        echo "tap-id option:wijk:${wijk[$((i % 3))]}"
        echo "tap-id next"
        echo "tap-id option:woonplezier:$((i % 3 + 3))"
        echo "tap-id next"
        if [ $((i % 2)) -eq 0 ]; then echo "tap-id option:zorgen:geld"; fi
        echo "tap-id option:zorgen:werk"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id option:gehoord:$([ $((i % 2)) -eq 0 ] && echo yes || echo no)"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id next"
        echo "expect-screen thanks"
        echo "wait 30000"
        echo "expect-screen attract"
    done
    # one resident switches from Arabic to Dutch and walks away after the first question: kept
    # as abandoned, with both languages and without the idle minutes in active_ms (issue 14)
    echo "tap-id start"
    echo "tap-id lang:ar"
    echo "tap-id option:wijk:pottenberg"
    echo "tap-id language-switch"
    echo "tap-id lang:nl"
    echo "tap-id next"
    echo "wait 600000"
    echo "expect-screen attract"
} >"$TMP/residents.txt"
"$K" --questionset "$POLL" --db "$TMP/kiosk.db" --window 1920x1080 --script "$TMP/residents.txt" \
    >"$TMP/kiosk.out" 2>&1 || { cat "$TMP/kiosk.out" >&2; bad "scripted residents"; }
"$K" export --db "$TMP/kiosk.db" --format jsonl -o "$TMP/kiosk.jsonl"
check "13 responses stored on the kiosk" test "$(wc -l <"$TMP/kiosk.jsonl")" -eq 13

# --- collector not running yet ------------------------------------------------------------
CDB="$TMP/c.db"
"$C" device add kiosk1 --location nazareth --db "$CDB" >"$TMP/add.out"
TOK=$(awk 'END { print $NF }' "$TMP/add.out")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'endpoint = http://127.0.0.1:%s\ntoken = %s\ndevice_id = kiosk1\nlocation = nazareth\n' \
    "$PORT" "$TOK" >"$TMP/kiosk.conf"
rc=0
"$K" sync --config "$TMP/kiosk.conf" --db "$TMP/kiosk.db" >"$TMP/s1.out" 2>&1 || rc=$?
check "no collector: exit 1" test "$rc" -eq 1
check "no collector: says so, 13 waiting" grep -q '13 still waiting: could not reach the collector' "$TMP/s1.out"
check "token never printed" bash -c "! grep -q '$TOK' '$TMP/s1.out'"

# --- collector up -------------------------------------------------------------------------
"$C" serve --db "$CDB" --listen "127.0.0.1:$PORT" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
wait_line "$TMP/serve.out" listening "$SRV" || true # the checks below say what is missing
rc=0
"$K" sync --config "$TMP/kiosk.conf" --db "$TMP/kiosk.db" >"$TMP/s2.out" 2>&1 || rc=$?
check "sync: exit 0" test "$rc" -eq 0
check "sync: says what it did" grep -q 'sent 13 responses; nothing waiting' "$TMP/s2.out"
rc=0
"$K" sync --config "$TMP/kiosk.conf" --db "$TMP/kiosk.db" >"$TMP/s3.out" 2>&1 || rc=$?
check "second sync: nothing to send, exit 0" bash -c "test $rc -eq 0 && grep -q 'nothing waiting' '$TMP/s3.out'"

"$C" export --db "$CDB" --format jsonl -o "$TMP/central.jsonl" 2>/dev/null
check "collector holds each response exactly once with the same answers" \
    python3 - "$TMP/kiosk.jsonl" "$TMP/central.jsonl" <<'PY'
import json, sys
kiosk = [json.loads(l) for l in open(sys.argv[1])]
central = [json.loads(l) for l in open(sys.argv[2])]
ids = [c["id"] for c in central]
assert len(ids) == len(set(ids)) == len(kiosk) == 13, (len(ids), len(set(ids)), len(kiosk))
byid = {c["id"]: c for c in central}
for k in kiosk:
    c = byid[k["id"]]
    for f in ("seq", "questionset", "questionset_version", "questionset_version_text",
              "language", "started_at", "finished_at", "duration_ms", "status", "answers",
              "languages", "active_ms"):
        assert c[f] == k[f], (f, c[f], k[f])
    assert k["questionset_version_text"] == "voorjaar 2027, versie 1", k
    assert c["device"] == "kiosk1" and c["location"] == "nazareth" and c["received_at"]
assert sum(1 for c in central if c["status"] == "abandoned") == 1
ab = [c for c in central if c["status"] == "abandoned"][0]
assert ab["languages"] == ["ar", "nl"] and ab["language"] == "nl", ab
assert ab["duration_ms"] >= 120000 and ab["active_ms"] < 10000, ab  # idle 90 s + 30 s left out
assert all(c["languages"] == [c["language"]] for c in central if c["status"] == "complete")
assert {c["language"] for c in central} == {"nl", "en", "ar", "tr", "pl", "uk"}
PY
"$C" export --db "$CDB" -o "$TMP/central.csv" 2>/dev/null
check "csv: 13 rows" test "$(wc -l <"$TMP/central.csv")" -eq 14
check "csv: the version as written, in its own column" python3 - "$TMP/central.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert rows and all(r["questionset_version_text"] == "voorjaar 2027, versie 1" for r in rows), rows[:1]
PY
"$C" status --db "$CDB" >"$TMP/status.out"
check "status: received 13, pending 0, gaps 0" grep -q 'kiosk1 (nazareth): last seen .*received 13, pending 0, gaps 0' "$TMP/status.out"

# --- the same responses by USB stick: already held ----------------------------------------
"$C" import "$TMP/kiosk.jsonl" --device kiosk1 --db "$CDB" >"$TMP/imp.out"
check "stick import after upload: 0 new, 13 already held" grep -q '0 new, 13 already held, 0 conflicting, 0 invalid' "$TMP/imp.out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
