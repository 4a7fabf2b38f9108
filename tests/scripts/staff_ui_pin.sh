#!/usr/bin/env bash
# Staff mode through the real kiosk (scripted, headless): the corner gesture opens the PIN pad
# without starting a poll, a wrong PIN says how many attempts are left, the right PIN shows the
# staff screen with the kiosk's status, leave returns to the residents, staff mode leaves by
# itself after 2 minutes, and five wrong PINs lock the pad even for the right PIN. All in Dutch,
# the staff screens' default language (staff_language).
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=../staff_ui/common.sh
. "$WIJKPEIL_SRC/tests/staff_ui/common.sh"
staff_ui_setup

{
    echo "expect-screen attract"
    gesture
    echo "expect-screen staff-pin"
    for _ in 1 2 3 4; do pin 1111; done
    echo "expect-screen staff-pin"
    echo "tree $TMP/wrong4.json"
    pin "$STAFF_PIN"
    echo "expect-screen staff"
    echo "tree $TMP/staff.json"
    echo "tap-id staff-sync"
    echo "tree $TMP/sync.json"
    echo "tap-id staff-leave"
    echo "expect-screen attract"
    echo "tree $TMP/after-leave.json"
    # Auto-leave: 2 minutes without a tap.
    gesture
    pin "$STAFF_PIN"
    echo "expect-screen staff"
    echo "wait 119000"
    echo "expect-screen staff"
    echo "wait 2000"
    echo "expect-screen attract"
    # The cancel button of the pad.
    gesture
    echo "tap-id pin-cancel"
    echo "expect-screen attract"
    # Five wrong PINs lock the pad; the right one is then refused.
    gesture
    for _ in 1 2 3 4 5; do pin 9999; done
    echo "tree $TMP/locked.json"
    for d in 2 4 6 8; do echo "tap-id pin:$d"; done
    echo "tap-id pin-ok"
    echo "expect-screen staff-pin"
    echo "wait 130000"
    echo "expect-screen attract"
    echo "wait 200000"
    gesture
    pin "$STAFF_PIN"
    echo "expect-screen staff"
    echo "tap-id staff-leave"
} >"$TMP/pin.txt"
check "kiosk script ran" run_kiosk "$TMP/pin.txt"

check "wrong PIN: attempts left (in Dutch, the default)" has "$TMP/wrong4.json" pin-message "Nog 1 poging"
check "the pad shows dots, not digits" bash -c "! grep -q '\"label\": \"1111\"' '$TMP/wrong4.json'"
check "status: device and location" has "$TMP/staff.json" status:device "kiosk-staff-test"
check "status: location" has "$TMP/staff.json" status:device "wijk-noord"
check "status: active set" has "$TMP/staff.json" status:set "nazareth-pottenberg-2027-voorjaar, versie 1"
check "status: responses" has "$TMP/staff.json" status:responses "0 vandaag, 0 in totaal"
check "status: pending" has "$TMP/staff.json" status:pending "Wachten op uploaden: 0"
check "status: sync in words" has "$TMP/staff.json" status:sync "Synchroniseren: uit"
check "status: free disk" has "$TMP/staff.json" status:disk "Vrije schijfruimte: "
check "status: clock" has "$TMP/staff.json" status:clock "Klok: "
for id in staff-import staff-switch staff-export staff-sync staff-leave; do
    check "staff screen has $id" test -n "$(tree_ids "$TMP/staff.json" "$id")"
done
check "sync now without an endpoint says so" has "$TMP/sync.json" staff-message "Versturen staat uit"
check "tree names the staff screen" test "$(tree_field "$TMP/staff.json" screen)" = staff
check "residents' screen after leaving" test "$(tree_field "$TMP/after-leave.json" screen)" = attract
check "locked after five wrong PINs" has "$TMP/locked.json" pin-message "Op slot"
finish
