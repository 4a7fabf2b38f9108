#!/usr/bin/env bash
# The staff UI scripts cannot pass without testing: run against a stand-in kiosk that has no
# staff mode (it only exits 0), each of them must fail.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$TMP/wijkpeil"
chmod +x "$TMP/wijkpeil"
pass=0
fail=0
for t in staff_ui_export staff_ui_import staff_ui_pin; do
    if WIJKPEIL="$TMP/wijkpeil" bash "$WIJKPEIL_SRC/tests/scripts/$t.sh" >"$TMP/$t.out" 2>&1; then
        echo "FAIL: $t passed against a kiosk without staff mode" >&2
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
