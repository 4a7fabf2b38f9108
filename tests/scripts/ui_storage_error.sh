#!/usr/bin/env bash
# A database that cannot be written (here: a file-size limit, as on a full disk: writes fail
# with EFBIG, and the kiosk must ignore SIGXFSZ) is shown on screen for staff and in the log,
# never a crash and never a thank-you. The database stays sound and keeps what it had.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export PYTHONDONTWRITEBYTECODE=1
command -v sqlite3 >/dev/null || { echo "FAIL: the sqlite3 command is not installed" >&2; exit 1; }
TMP=$(mktemp -d)
PID=""
cleanup() {
    if [ -n "$PID" ]; then kill -9 "$PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

POLL="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
DB="$TMP/kiosk.db"
KIOSK=("$WIJKPEIL" --questionset "$POLL" --db "$DB" --window 1920x1080)
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}

# One finished poll in Dutch: only the required question answered.
poll() {
    cat <<'S'
tap-id start
tap-id lang:nl
tap-id option:wijk:pottenberg
tap-id next
tap-id next
tap-id next
tap-id next
tap-id next
tap-id next
tap-id option:gehoord:yes
tap-id next
tap-id next
S
}

# 1. A database whose write-ahead log already holds some responses: the kiosk stores 6 and is
#    killed -9 while busy, so the -wal file stays (SQLite needs the 32 KiB -shm file to be
#    writable; a limit just under the -wal size then fails the next append only).
{
    for _ in 1 2 3 4 5 6; do
        poll
        echo "tap-id next"
        echo "expect-screen thanks"
        echo "wait 8000"
    done
    for _ in $(seq 1 400); do echo "shot $TMP/busy.png"; done
} >"$TMP/prefill.txt"
"${KIOSK[@]}" --script "$TMP/prefill.txt" >/dev/null 2>"$TMP/prefill.log" &
PID=$!
# Until the log says the six are stored; the 300 s limit only guards against a hang.
for _ in $(seq 1 3000); do
    [ "$(grep -c 'stored complete response' "$TMP/prefill.log" || true)" -ge 6 ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
done
kill -9 "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
PID=""
stored_before=$(grep -c 'stored complete response' "$TMP/prefill.log" || true)
[ "$stored_before" -eq 6 ] || { bad "prefill stored $stored_before responses, expected 6"; exit 1; }
wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
limit_kb=$((wal / 1024))
echo "ui_storage_error: -wal holds $wal bytes; file-size limit ${limit_kb} KiB"
if [ "$limit_kb" -lt 33 ]; then
    bad "the -wal file is too small ($wal bytes) for the test"
    exit 1
fi

# 2. The kiosk under the limit: a resident finishes; the answers cannot be stored.
# The save-error screen is rendered for people to look at (well under the limit).
SHOTS="${WIJKPEIL_BUILD:-$TMP}/screens/errors"
mkdir -p "$SHOTS"
rm -f "$SHOTS/save-error-nl.png"
cat >"$TMP/fail.txt" <<S
$(poll)
tap-id option:wijkcentrum:no
tap-id next
expect-screen save-error
tree $TMP/save-error.json
shot $SHOTS/save-error-nl.png
wait 15999
expect-screen save-error
wait 1
expect-screen attract
tap-id start
tap-id lang:en
tap-id option:wijk:anders
wait 120000
expect-screen attract
tree $TMP/after.json
S
# The log goes through a pipe: the limit applies to the kiosk's files only.
set +e
(
    ulimit -f "$limit_kb"
    exec "${KIOSK[@]}" --script "$TMP/fail.txt"
) 2>&1 | cat >"$TMP/fail.log"
rc=${PIPESTATUS[0]}
set -e
sed 's/^/    | /' "$TMP/fail.log"
if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq $((128 + 25)) ]; then
        bad "the kiosk was killed by SIGXFSZ (exit $rc): main must ignore SIGXFSZ"
    else
        bad "the kiosk exited $rc under a full disk, expected 0 at the end of the script"
    fi
fi
grep -q 'ERROR: could not store a response' "$TMP/fail.log" ||
    bad "the log does not say the response could not be stored"
grep -q 'stored complete response' "$TMP/fail.log" &&
    bad "the log claims a response was stored under the limit"
n_lost=$(grep -c 'LOST on exit' "$TMP/fail.log" || true)
[ "$n_lost" -eq 2 ] || bad "expected 2 'LOST on exit' lines for the unsaved responses, got $n_lost"
# Staff must be able to tell which responses were lost: each line names its UUID.
n_named=$(grep -cE 'LOST on exit: response [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} ' \
    "$TMP/fail.log" || true)
[ "$n_named" -eq "$n_lost" ] ||
    bad "'LOST on exit' lines name no response id ($n_named of $n_lost do): the id is empty"
grep -q 'AddressSanitizer\|runtime error' "$TMP/fail.log" && bad "sanitizer report"

# 3. The tree of the save-error screen, the database afterwards.
python3 - "$TMP" "$WIJKPEIL_SRC" <<'PY' || fail=$((fail + 1))
import json, sys
tmp, src = sys.argv[1], sys.argv[2]
S = json.load(open(src + "/assets/ui-strings.json", encoding="utf-8"))
bad = []
t = json.load(open(tmp + "/save-error.json", encoding="utf-8"))
w = {x["id"]: x for x in t["widgets"]}
if t["screen"] != "save-error":
    bad.append("screen is %r, expected save-error" % t["screen"])
if t["language"] != "nl":
    bad.append("save-error language %r" % t["language"])
if w.get("heading", {}).get("label") != S["nl"]["save_error"]:
    bad.append("heading %r is not the save_error text" % w.get("heading", {}).get("label"))
msg = w.get("message", {}).get("label", "")
if not msg:
    bad.append("no error text on the save-error screen for staff")
for wid in ("next", "back", "continue"):
    if wid in w:
        bad.append("the save-error screen has %s" % wid)
a = json.load(open(tmp + "/after.json", encoding="utf-8"))
if a["screen"] != "attract":
    bad.append("after: screen %r" % a["screen"])
for b in bad:
    print("FAIL: " + b, file=sys.stderr)
print("save-error screen shows: %r" % msg)
sys.exit(1 if bad else 0)
PY

check=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
[ "$check" = "ok" ] || bad "integrity_check: $check"
"$WIJKPEIL" export --db "$DB" >"$TMP/export.jsonl" || bad "export failed"
n=$(grep -c . "$TMP/export.jsonl" || true)
[ "$n" -eq 6 ] || bad "export has $n responses, expected the 6 stored before the limit"
grep -q '"wijkcentrum"' "$TMP/export.jsonl" && bad "a response from under the limit is in the export"
grep -q '"abandoned"' "$TMP/export.jsonl" && bad "an abandoned response from under the limit is in the export"

# 4. Without the limit the same database takes responses again.
{
    poll
    echo "tap-id next"
    echo "expect-screen thanks"
} >"$TMP/ok.txt"
"${KIOSK[@]}" --script "$TMP/ok.txt" >/dev/null 2>"$TMP/ok.log" || bad "run without the limit failed"
grep -q 'stored complete response' "$TMP/ok.log" || bad "nothing stored once the limit is gone"
n=$("$WIJKPEIL" export --db "$DB" | grep -c . || true)
[ "$n" -eq 7 ] || bad "export has $n responses after the limit is gone, expected 7"

if [ "$fail" -ne 0 ]; then
    echo "ui_storage_error: $fail failed" >&2
    exit 1
fi
echo "ui_storage_error: ok"
