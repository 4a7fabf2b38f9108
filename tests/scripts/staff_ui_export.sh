#!/usr/bin/env bash
# Export through the real kiosk (scripted, headless): residents answer, staff export to a stick
# (CSV, JSON lines and the kiosk log under WIJKPEIL/export, then "You may remove the stick
# now"), "only new responses" then has none, the collector imports the JSON lines (twice: nothing
# doubles), and without a stick the screen says so and offers no export.
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

# No stick yet: the export screen says so.
{
    gesture
    pin "$STAFF_PIN"
    echo "tap-id staff-export"
    echo "expect-screen staff-export"
    echo "tree $TMP/nostick.json"
} >"$TMP/nostick.txt"
check "kiosk script ran (no stick)" run_kiosk "$TMP/nostick.txt"
check "no stick: said in words" has "$TMP/nostick.json" stick-status "No stick found"
check "no stick: no export offered" python3 - "$TMP/nostick.json" <<'PY'
import json, sys
w = {x["id"]: x for x in json.load(open(sys.argv[1]))["widgets"]}
sys.exit(0 if not w["export-all"]["enabled"] and not w["export-new"]["enabled"] else 1)
PY

mkdir -p "$TMP/media/STICK/WIJKPEIL"
# Under systemd the kiosk asks, through a flag in its runtime folder, for the stick to be
# unmounted once the export is synced (wijkpeil-eject@.path acts on it).
mkdir -p "$TMP/run"
export WIJKPEIL_RUNTIME_DIR="$TMP/run"
{
    for o in nazareth pottenberg; do
        echo "tap-id start"
        echo "tap-id lang:nl"
        echo "tap-id option:wijk:$o"
        echo "tap-id next"
        echo "wait 600000"
        echo "expect-screen attract"
    done
    gesture
    pin "$STAFF_PIN"
    echo "tree $TMP/status.json"
    echo "tap-id staff-export"
    echo "tap-id export-all"
    echo "expect-screen staff-export"
    echo "tree $TMP/done.json"
    echo "tap-id staff-back"
    echo "tap-id staff-leave"
    echo "expect-screen attract"
} >"$TMP/export.txt"
check "kiosk script ran (export)" run_kiosk "$TMP/export.txt"
# Straight away: an export within the same second as the last gets a counter in its names.
{
    gesture
    pin "$STAFF_PIN"
    echo "tap-id staff-export"
    echo "tap-id export-new"
    echo "tree $TMP/new.json"
    echo "tap-id staff-back"
    echo "tap-id staff-leave"
    echo "expect-screen attract"
} >"$TMP/new.txt"
check "kiosk script ran (only new)" run_kiosk "$TMP/new.txt"
check "status counts the residents" has "$TMP/status.json" status:responses "2 in total"
check "export done: remove the stick" has "$TMP/done.json" export-result "You may remove the stick now."
check "export done: how many" has "$TMP/done.json" export-detail "2 responses"
check "only new: none" has "$TMP/new.json" export-detail "0 responses"
E="$TMP/media/STICK/WIJKPEIL/export"
JSONL=$(find "$E" -name 'kiosk-staff-test-*-responses.jsonl' | sort | head -n 1)
check "JSON lines written" test -n "$JSONL"
check "CSV written" test -n "$(ls "$E"/kiosk-staff-test-*-responses.csv 2>/dev/null)"
check "kiosk log copied" test -n "$(ls "$E"/kiosk-staff-test-*-kiosk.log 2>/dev/null)"
check "after the export, a clean unmount was asked for" grep -qx "$TMP/media/STICK" "$TMP/run/eject-STICK"
check "no temporary files left" test -z "$(find "$E" -name '*.tmp*')"
if [ -n "$JSONL" ]; then
    check "two responses exported" test "$(wc -l <"$JSONL")" -eq 2
fi

# The collector takes the stick's file, and a second import changes nothing.
if [ -n "${WIJKPEIL_COLLECTOR:-}" ] && [ -n "$JSONL" ]; then
    C="$WIJKPEIL_COLLECTOR"
    "$C" device add kiosk-staff-test --location wijk-noord --db "$TMP/c.db" >/dev/null
    "$C" import "$JSONL" --device kiosk-staff-test --db "$TMP/c.db" >"$TMP/imp1.out" 2>&1 || true
    "$C" import "$JSONL" --device kiosk-staff-test --db "$TMP/c.db" >"$TMP/imp2.out" 2>&1 || true
    check "collector import: 2 new" grep -q "2 new" "$TMP/imp1.out"
    check "collector import again: 2 already held" grep -q "0 new, 2 already held" "$TMP/imp2.out"
fi
finish
