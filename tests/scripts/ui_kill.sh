#!/usr/bin/env bash
# kill -9 durability: runs long scripted sessions (30 finished polls and 30 walk-aways in a row)
# and SIGKILLs the kiosk at random moments, 25 times on the same database. Every response the
# log says was stored ("stored complete response UUID (seq N)": the thank-you screen follows
# right after) must be in the export, whole; the database must pass PRAGMA integrity_check; no
# id or seq may repeat. A last uninterrupted run shows the database still works.
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
ROUNDS=${WIJKPEIL_KILL_ROUNDS:-25}
RANDOM=${WIJKPEIL_KILL_SEED:-2027}
echo "ui_kill: $ROUNDS rounds, seed ${WIJKPEIL_KILL_SEED:-2027}"

# One finished poll (the answers ui_kill_check.py expects) and one resident who walks away.
poll() { cat "$WIJKPEIL_SRC/tests/scripts/lib/kill_poll.txt"; }
for _ in $(seq 1 30); do poll; done >"$TMP/long.txt"
poll >"$TMP/short.txt"

for round in $(seq 1 "$ROUNDS"); do
    ms=$((RANDOM % 1500))
    "$WIJKPEIL" --questionset "$POLL" --db "$DB" --window 1920x1080 --script "$TMP/long.txt" \
        >/dev/null 2>"$TMP/round-$round.log" &
    PID=$!
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    kill -9 "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=""
    n=$(grep -c 'stored .* response' "$TMP/round-$round.log" || true)
    echo "round $round: killed after ${ms} ms, $n responses logged"
done

# The database still opens, stores and exits cleanly after all that.
rc=0
"$WIJKPEIL" --questionset "$POLL" --db "$DB" --window 1920x1080 --script "$TMP/short.txt" \
    >/dev/null 2>"$TMP/round-final.log" || rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: the run after the kills exited $rc" >&2
    sed 's/^/    | /' "$TMP/round-final.log" >&2
    exit 1
fi

python3 "$WIJKPEIL_SRC/tests/scripts/lib/ui_kill_check.py" "$DB" "$TMP"/round-*.log
