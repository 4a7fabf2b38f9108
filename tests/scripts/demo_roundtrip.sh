#!/usr/bin/env bash
# The worked example: the demo poll's spreadsheet (assets/demo/survey.csv, choices.csv,
# settings.csv, ui_strings.csv) converts with from-csv --strict (no warning) to the demo set
# exactly. "files" (the clips' SHA-256) is written by `sign`, not by the converter, so the
# converted set is signed beside a copy of the demo's clips first; then the parsed JSON,
# "files" included, must equal assets/demo/nazareth-pottenberg.json.
#   demo_roundtrip.sh [DIR]   the sheets from DIR instead (demo_xlsx.sh: those read from the .xlsx)
set -euo pipefail

: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
Q="$WIJKPEIL_QSET"
DEMO="$WIJKPEIL_SRC/assets/demo"
SHEETS=${1:-$DEMO}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mkdir "$TMP/set"
cp -r "$DEMO/clips" "$TMP/set/clips"
"$Q" from-csv "$SHEETS/survey.csv" "$SHEETS/choices.csv" --settings "$SHEETS/settings.csv" \
    --ui-strings "$SHEETS/ui_strings.csv" --strict -o "$TMP/set/poll.json" >"$TMP/out" 2>"$TMP/err" || {
    echo "FAIL: from-csv of the demo spreadsheet:" >&2
    cat "$TMP/err" >&2
    exit 1
}
if [ -s "$TMP/err" ]; then
    echo "FAIL: from-csv said something about the demo spreadsheet:" >&2
    cat "$TMP/err" >&2
    exit 1
fi
(cd "$TMP" && "$Q" keygen -o k >/dev/null && "$Q" sign set/poll.json --key k.secret >/dev/null)
python3 "$WIJKPEIL_SRC/tests/scripts/lib/demo_compare.py" "$DEMO/nazareth-pottenberg.json" \
    "$TMP/set/poll.json"
echo "demo_roundtrip: all passed"
