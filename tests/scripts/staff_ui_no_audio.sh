#!/usr/bin/env bash
# A kiosk without a working audio output: residents see the speech controls marked
# "unavailable" (never a toggle that pretends to speak), the log says why, and staff see the
# reason on the status screen.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export SDL_AUDIODRIVER=no-such-driver # no audio output at all
unset WIJKPEIL_NO_SPEECH
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=../staff_ui/common.sh
. "$WIJKPEIL_SRC/tests/staff_ui/common.sh"
staff_ui_setup

{
    echo "expect-screen attract"
    echo "tap-id start"
    echo "reach-id read-aloud" # behind "more" where the toolbar is collapsed
    echo "tree $TMP/resident.json"
    echo "close-panel"
    echo "tap-id lang:nl"
    echo "wait 100000" # still-there, then back to the attract screen
    echo "wait 100000"
    echo "expect-screen attract"
    gesture
    pin "$STAFF_PIN"
    echo "expect-screen staff"
    echo "tree $TMP/staff.json"
} >"$TMP/s.txt"
if run_kiosk "$TMP/s.txt"; then pass=$((pass + 1)); else bad "the kiosk ran the script"; fi
check "residents: speech is marked unavailable" \
    [ "$(tree_field "$TMP/resident.json" speech)" = unavailable ]
check "residents: the read-aloud control says so" has "$TMP/resident.json" read-aloud "niet beschikbaar"
check "the log says why" grep -q "no speech" "$TMP/s.txt.out"
check "staff see the reason (in Dutch, the default)" has "$TMP/staff.json" status:speech "Voorlezen: niet beschikbaar ("

# The production loop (no script): speech starts on its worker after the first frame, and the
# loop learns of the failure from the worker's event, not by waiting for it. The test reads the
# kiosk's output from a FIFO until the line that says so (the read timeout is a hang guard).
mkfifo "$TMP/live.fifo"
"$WIJKPEIL" --config "$TMP/kiosk.conf" --questionset "$POLL" --db "$TMP/data/kiosk.db" \
    --window 1280x720 >"$TMP/live.fifo" 2>&1 &
live=$!
exec 3<"$TMP/live.fifo"
told=1
while IFS= read -r -t 300 -u 3 line; do
    echo "$line" >>"$TMP/live.out"
    if [[ $line == *"ERROR: no speech: "* ]]; then told=0; break; fi
done
kill -TERM "$live"
rc=0
wait "$live" || rc=$?
exec 3<&-
check "the running kiosk logs that speech failed to start" [ "$told" = 0 ]
check "and goes on until it is stopped (exit $rc)" [ "$rc" = 0 ]
[ "$told" = 0 ] || sed 's/^/    | /' "$TMP/live.out" >&2
finish
