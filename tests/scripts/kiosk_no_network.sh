#!/usr/bin/env bash
# Two processes (issue 11): the screen program links no libcurl, and a kiosk with no network at
# all (its own empty network namespace, `unshare -n`, as PrivateNetwork=yes gives the service)
# still gets a resident's response to a collector on 127.0.0.1: it only asks the uploader
# (wijkpeil-sync) over the AF_UNIX socket, and the uploader delivers. The test synchronises on
# the uploader's log lines (read from a FIFO), never on sleeps.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}"
: "${WIJKPEIL_SYNC:?set WIJKPEIL_SYNC to the wijkpeil-sync program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_SRC:?}" "${WIJKPEIL_BUILD:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
POLL="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
fail=0
pass=0
check() {
    local what=$1
    shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what" >&2; fail=$((fail + 1)); fi
}
# until_line FD PATTERN COPY: reads lines from FD (a FIFO) into COPY until one matches PATTERN.
# The read timeout is a guard against a hang, not a budget.
until_line() {
    local fd=$1 pattern=$2 copy=$3 line
    while IFS= read -r -t 300 -u "$fd" line; do
        echo "$line" >>"$copy"
        if [[ $line == *$pattern* ]]; then return 0; fi
    done
    return 1
}

# --- the screen program's NEEDED entries (readelf reads foreign-architecture ELF too) -------
readelf -d "$WIJKPEIL_BUILD/wijkpeil" | grep NEEDED >"$TMP/kiosk.needed"
readelf -d "$WIJKPEIL_BUILD/wijkpeil-sync" | grep NEEDED >"$TMP/sync.needed"
check "wijkpeil links no libcurl ($(grep -o 'libcurl[^]]*' "$TMP/kiosk.needed" || true))" \
    bash -c "! grep -q libcurl '$TMP/kiosk.needed'"
# espeak-ng and its audio libraries are loaded by the speech worker after the first frame
# (app/ui/speechlib.c), not by the dynamic loader before it.
check "wijkpeil does not load espeak-ng at start ($(grep -o 'libespeak[^]]*' "$TMP/kiosk.needed" || true))" \
    bash -c "! grep -q libespeak '$TMP/kiosk.needed'"
check "wijkpeil-sync does link libcurl (the check above can fail)" grep -q libcurl "$TMP/sync.needed"
check "wijkpeil-sync links no SDL (no display, no input)" bash -c "! grep -qi sdl '$TMP/sync.needed'"

# --- a collector on 127.0.0.1 and the uploader ----------------------------------------------
CDB="$TMP/c.db"
"$WIJKPEIL_COLLECTOR" device add kiosk1 --location nazareth --db "$CDB" >"$TMP/add.out"
TOK=$(awk 'END { print $NF }' "$TMP/add.out")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'endpoint = http://127.0.0.1:%s\ntoken = %s\ndevice_id = kiosk1\nlocation = nazareth\nquestionset = %s\ndb = %s\n' \
    "$PORT" "$TOK" "$POLL" "$TMP/kiosk.db" >"$TMP/kiosk.conf"
mkfifo "$TMP/coll.fifo" "$TMP/sync.fifo"
"$WIJKPEIL_COLLECTOR" serve --db "$CDB" --listen "127.0.0.1:$PORT" >"$TMP/coll.fifo" 2>"$TMP/coll.err" &
PIDS+=($!)
exec 3<"$TMP/coll.fifo"
check "collector listening" until_line 3 listening "$TMP/coll.out"
cat <&3 >>"$TMP/coll.out" &
PIDS+=($!)
export WIJKPEIL_SYNC_SOCKET="$TMP/sync.sock"
"$WIJKPEIL_SYNC" --config "$TMP/kiosk.conf" 2>"$TMP/sync.fifo" &
PIDS+=($!)
exec 4<"$TMP/sync.fifo"
check "uploader listening on the socket" until_line 4 "listening on $TMP/sync.sock" "$TMP/sync.out"
check "uploader's first attempt: nothing to send" until_line 4 "nothing to send" "$TMP/sync.out"

# --- the kiosk without any network --------------------------------------------------------
NET=(unshare -n)
if ! unshare -n true 2>/dev/null; then
    echo "note: unshare -n is not permitted here; the kiosk runs with the network (delivery only)"
    NET=()
else
    check "inside unshare -n the collector cannot be reached" bash -c \
        "! unshare -n python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $PORT), 2)' 2>/dev/null"
fi
cat >"$TMP/resident.txt" <<'SCRIPT'
tap-id start
tap-id lang:nl
tap-id option:wijk:nazareth
tap-id next
tap-id option:woonplezier:4
tap-id next
tap-id option:zorgen:werk
tap-id next
tap-id next
tap-id next
tap-id next
tap-id option:gehoord:yes
tap-id next
tap-id next
tap-id next
expect-screen thanks
SCRIPT
rc=0
"${NET[@]}" "$WIJKPEIL" --config "$TMP/kiosk.conf" --window 1280x800 --script "$TMP/resident.txt" \
    >"$TMP/kiosk.out" 2>&1 || rc=$?
check "the kiosk ran the poll without network (rc $rc: $(tail -c 300 "$TMP/kiosk.out"))" test "$rc" -eq 0
check "the uploader delivered it" until_line 4 "sent 1 response" "$TMP/sync.out"
cat <&4 >>"$TMP/sync.out" &
PIDS+=($!)
"$WIJKPEIL" export --db "$TMP/kiosk.db" --format jsonl -o "$TMP/kiosk.jsonl"
"$WIJKPEIL_COLLECTOR" export --db "$CDB" --format jsonl -o "$TMP/central.jsonl" 2>/dev/null
check "the collector holds the kiosk's response" python3 - "$TMP/kiosk.jsonl" "$TMP/central.jsonl" <<'PY'
import json, sys
kiosk = [json.loads(l) for l in open(sys.argv[1])]
central = [json.loads(l) for l in open(sys.argv[2])]
assert len(kiosk) == 1 and [c["id"] for c in central] == [kiosk[0]["id"]], (kiosk, central)
assert central[0]["answers"] == kiosk[0]["answers"]
PY
check "the uploader's result is in the database for the staff screen" bash -c \
    "sqlite3 '$TMP/kiosk.db' \"SELECT value FROM meta WHERE key = 'sync_state'\" | grep -q 'sent 1 response'"
check "the kiosk told the uploader its question set (for the heartbeat)" bash -c \
    "sqlite3 '$TMP/kiosk.db' \"SELECT value FROM meta WHERE key = 'sync_active'\" | grep -q nazareth"
echo "kiosk_no_network: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
