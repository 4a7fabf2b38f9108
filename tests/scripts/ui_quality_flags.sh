#!/usr/bin/env bash
# Quality flags end to end (issue 14): scripted residents on the real kiosk answer the demo poll
# twice the same way, at a script's pace (far faster than anyone reads), half a minute apart;
# `wijkpeil sync` delivers to a real collector on 127.0.0.1. The collector holds both responses
# (nothing dropped): the first flagged too_fast, the second rapid_repeat and too_fast; a third,
# with other answers after more than a minute, is too_fast only. The flags are in the kiosk's
# and the collector's exports, and a USB-stick export of the same kiosk imports as "already
# held" (flags are not part of a response's content identity).
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
K="$WIJKPEIL"
C="$WIJKPEIL_COLLECTOR"
POLL="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then
        kill "$SRV" 2>/dev/null || true
        wait "$SRV" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}

# --- residents: the same answers twice, 30 s apart; then other answers 2 minutes later --------
resident() { # resident WIJK WOONPLEZIER
    echo "tap-id start"
    echo "tap-id lang:nl"
    echo "tap-id option:wijk:$1"
    echo "tap-id next"
    echo "tap-id option:woonplezier:$2"
    echo "tap-id next"
    echo "tap-id option:zorgen:werk"
    for _ in 1 2 3 4; do echo "tap-id next"; done
    echo "tap-id option:gehoord:yes"
    for _ in 1 2 3; do echo "tap-id next"; done
    echo "expect-screen thanks"
}
{
    resident nazareth 4
    echo "wait 30000"
    echo "expect-screen attract"
    resident nazareth 4
    echo "wait 120000"
    echo "expect-screen attract"
    resident pottenberg 5
    echo "wait 30000"
} >"$TMP/residents.txt"
"$K" --questionset "$POLL" --db "$TMP/kiosk.db" --window 1920x1080 --script "$TMP/residents.txt" \
    >"$TMP/kiosk.out" 2>&1 || {
    cat "$TMP/kiosk.out" >&2
    check "scripted residents" false
}
"$K" export --db "$TMP/kiosk.db" --format jsonl -o "$TMP/kiosk.jsonl"
"$K" export --db "$TMP/kiosk.db" --format csv -o "$TMP/kiosk.csv"
check "the kiosk stored all three (nothing dropped)" test "$(wc -l <"$TMP/kiosk.jsonl")" -eq 3
check "the kiosk's CSV has the flags column" python3 - "$TMP/kiosk.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert [r["flags"] for r in rows] == ["too_fast", "rapid_repeat;too_fast", "too_fast"], rows
PY

# --- the collector ----------------------------------------------------------------------------
CDB="$TMP/c.db"
"$C" device add kiosk1 --location nazareth --db "$CDB" >"$TMP/add.out"
TOK=$(awk 'END { print $NF }' "$TMP/add.out")
"$C" serve --db "$CDB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
wait_line "$TMP/serve.out" listening "$SRV" || true # the checks below say what is missing
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
printf 'endpoint = http://127.0.0.1:%s\ntoken = %s\ndevice_id = kiosk1\nlocation = nazareth\n' \
    "$PORT" "$TOK" >"$TMP/kiosk.conf"
rc=0
"$K" sync --config "$TMP/kiosk.conf" --db "$TMP/kiosk.db" >"$TMP/sync.out" 2>&1 || rc=$?
check "sync: all three sent" bash -c "test $rc -eq 0 && grep -q 'sent 3 responses; nothing waiting' '$TMP/sync.out'"

"$C" export --db "$CDB" --format jsonl -o "$TMP/central.jsonl" 2>/dev/null
"$C" export --db "$CDB" -o "$TMP/central.csv" 2>/dev/null
check "the collector holds all three, the repeat flagged rapid_repeat and too_fast" \
    python3 - "$TMP/kiosk.jsonl" "$TMP/central.jsonl" "$TMP/central.csv" <<'PY'
import csv, json, sys
kiosk = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
central = sorted((json.loads(l) for l in open(sys.argv[2], encoding="utf-8")), key=lambda c: c["seq"])
assert [c["id"] for c in central] == [k["id"] for k in kiosk], (central, kiosk)
assert [c.get("flags") for c in central] == [["too_fast"], ["rapid_repeat", "too_fast"],
                                             ["too_fast"]], central
assert central[0]["answers"] == central[1]["answers"] != central[2]["answers"], central
rows = sorted(csv.DictReader(open(sys.argv[3], encoding="utf-8-sig", newline="")),
              key=lambda r: int(r["seq"]))
assert [r["flags"] for r in rows] == ["too_fast", "rapid_repeat;too_fast", "too_fast"], rows
PY
"$C" import "$TMP/kiosk.jsonl" --device kiosk1 --db "$CDB" >"$TMP/imp.out" 2>&1 || true
check "a stick import of the uploaded responses: already held (flags are not content)" \
    grep -q '0 new, 3 already held, 0 conflicting, 0 invalid' "$TMP/imp.out"

[ "$fail" -eq 0 ] && echo "ui_quality_flags: all checks passed"
exit "$fail"
