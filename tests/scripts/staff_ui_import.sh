#!/usr/bin/env bash
# Import through the real kiosk (scripted, headless): a stick holds a signed poll, an unsigned
# one, a tampered one and one signed by an unknown key. The staff screen lists the signed one
# with title, languages, number of questions and signer, refuses the others with the reason,
# activates the signed one (residents get it from the next poll on; responses keep the set's id
# and version), and "switch" goes back to an earlier installed set.
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
echo "staff_language = en" >>"$TMP/kiosk.conf" # the checks read English words

F="$WIJKPEIL_SRC/tests/staff_ui"
Q="$TMP/media/STICK/WIJKPEIL/questionsets"
mkdir -p "$Q"
cp "$F/wijk-staff-v1.json" "$Q/a-good.json"
"$WIJKPEIL_QSET" sign "$Q/a-good.json" --key "$TMP/staff.secret" >/dev/null
cp "$F/wijk-staff-v1.json" "$Q/b-unsigned.json"
cp "$F/wijk-staff-v1.json" "$Q/c-tampered.json"
"$WIJKPEIL_QSET" sign "$Q/c-tampered.json" --key "$TMP/staff.secret" >/dev/null
sed -i 's/Hoe is het in de wijk/Hoe is het NIET in de wijk/' "$Q/c-tampered.json"
cp "$F/wijk-staff-v1.json" "$Q/d-unknown.json"
"$WIJKPEIL_QSET" sign "$Q/d-unknown.json" --key "$TMP/stranger.secret" >/dev/null
cp "$F/wijk-staff-v2.json" "$Q/e-second.json"
"$WIJKPEIL_QSET" sign "$Q/e-second.json" --key "$TMP/staff.secret" >/dev/null

{
    gesture
    pin "$STAFF_PIN"
    echo "tap-id staff-import"
    echo "expect-screen staff-import"
    echo "tree $TMP/import.json"
    echo "expect-no-widget activate:1"
    echo "expect-no-widget activate:2"
    echo "expect-no-widget activate:3"
    echo "tap-id activate:0"
    echo "tree $TMP/activated.json"
    echo "tap-id staff-back"
    echo "tap-id staff-leave"
    echo "expect-screen attract"
    echo "tree $TMP/attract1.json"
    # A resident answers the new set.
    echo "tap-id start"
    echo "tap-id lang:nl"
    echo "tap-id option:blij:5"
    echo "tap-id next"
    echo "wait 600000"
    echo "expect-screen attract"
} >"$TMP/import.txt"
check "kiosk script ran" run_kiosk "$TMP/import.txt"

# A restart keeps the activated set; the stick now holds the good set and a second version.
rm "$Q"/b-* "$Q"/c-* "$Q"/d-*
{
    echo "tree $TMP/restart.json"
    # The second set, then back to the first with "switch".
    gesture
    pin "$STAFF_PIN"
    echo "tap-id staff-import"
    echo "tap-id activate:1"
    echo "tap-id staff-back"
    echo "tap-id staff-switch"
    echo "expect-screen staff-switch"
    echo "tree $TMP/switch.json"
    echo "tap-id use:1"
    echo "tree $TMP/switched.json"
    echo "tap-id staff-back"
    echo "tap-id staff-leave"
    echo "tree $TMP/attract2.json"
} >"$TMP/switch.txt"
check "kiosk script ran (restart, switch)" run_kiosk "$TMP/switch.txt"

KEYID=$(head -c 8 "$TMP/staff.public")
check "signed set: title" has "$TMP/import.json" set:0 "Hoe is het in de wijk?"
check "signed set: languages" has "$TMP/import.json" set:0 "nl, en"
check "signed set: number of questions" has "$TMP/import.json" set:0 "2 questions"
check "signed set: signer" has "$TMP/import.json" set:0 "$KEYID"
check "unsigned refused" has "$TMP/import.json" set:1 "NOT accepted (unsigned)"
check "tampered refused" has "$TMP/import.json" set:2 "NOT accepted (tampered)"
check "unknown key refused" has "$TMP/import.json" set:3 "NOT accepted (signed by an unknown key)"
check "activation confirmed" has "$TMP/activated.json" staff-message "activated"
check "installed on the kiosk" test -f "$TMP/data/questionsets/wijk-staff-test-v1.json"
check "residents get the new set" test "$(tree_field "$TMP/attract1.json" questionset)" = wijk-staff-test
check "a restart keeps the activated set" test "$(tree_field "$TMP/restart.json" questionset)" = wijk-staff-test
check "switch lists the configured set and both installed ones" \
    test "$(tree_ids "$TMP/switch.json" use: | wc -l)" -eq 3
check "the configured set comes first" has "$TMP/switch.json" installed:0 "nazareth-pottenberg-2027-voorjaar"
check "switch back confirmed" has "$TMP/switched.json" staff-message "activated"
check "back on version 1" has "$TMP/switched.json" staff-message "version 1"
"$WIJKPEIL" export --db "$TMP/data/kiosk.db" --format jsonl -o "$TMP/out.jsonl"
check "the response keeps the set's id and version" \
    grep -q '"questionset": *"wijk-staff-test", *"questionset_version": *1' "$TMP/out.jsonl"
finish
