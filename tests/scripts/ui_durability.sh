#!/usr/bin/env bash
# Durability: a scripted kiosk completing polls in a loop is killed with kill -9 at random
# moments, 300 times on one database (about 2 minutes on a quiet machine; no time bound, so a
# loaded one is only slower: ctest's one-hour timeout is the guard against a hang).
# After every kill the database passes PRAGMA integrity_check and every response the kiosk
# logged as stored (which every response whose thank-you screen was reached has been) is stored
# exactly once. See tests/scripts/lib/ui_durability.py. Label "slow": not run under emulation.
# WIJKPEIL_DURABILITY_KILLS, _SECONDS, _MIN and _SEED change the campaign.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export PYTHONDONTWRITEBYTECODE=1
command -v sqlite3 >/dev/null || { echo "FAIL: the sqlite3 command is not installed" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

POLL="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
LIB="$WIJKPEIL_SRC/tests/scripts/lib"
for _ in $(seq 1 30); do cat "$LIB/kill_poll.txt"; done >"$TMP/long.txt"

python3 "$LIB/ui_durability.py" "$WIJKPEIL" "$POLL" "$TMP/long.txt" "$TMP"

# The database still opens, stores and exits cleanly after all that; then every answer and seq
# over all the logs.
rc=0
"$WIJKPEIL" --questionset "$POLL" --db "$TMP/kiosk.db" --window 1920x1080 \
    --script "$LIB/kill_poll.txt" >/dev/null 2>"$TMP/round-final.log" || rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: the run after the kills exited $rc" >&2
    sed 's/^/    | /' "$TMP/round-final.log" >&2
    exit 1
fi
python3 "$LIB/ui_kill_check.py" "$TMP/kiosk.db" "$TMP"/round-*.log
