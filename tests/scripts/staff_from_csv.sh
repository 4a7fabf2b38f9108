#!/usr/bin/env bash
# wijkpeil-qset from-csv on a LibreOffice-style export (semicolons, BOM, CRLF, line breaks in
# quotes, Arabic): the result validates, signs and verifies; mistakes name file, row and column
# and leave no output file behind.
set -euo pipefail

: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
Q="$WIJKPEIL_QSET"
FIX="$WIJKPEIL_SRC/tests/staff"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}

"$Q" from-csv "$FIX/survey.csv" "$FIX/choices.csv" --settings "$FIX/settings.csv" \
    -o "$TMP/wijk.json" >"$TMP/out" 2>"$TMP/err" || {
    bad "from-csv failed"
    cat "$TMP/err" >&2
}
"$Q" validate "$TMP/wijk.json" >"$TMP/out" 2>&1 || bad "the result does not validate: $(cat "$TMP/out")"
grep -q '"id": "wijkpeil-test-2027"' "$TMP/wijk.json" || bad "id not taken from settings.csv"
grep -q '"ar": "كيف حال حيّك؟"' "$TMP/wijk.json" || bad "Arabic title missing"
grep -q 'Welkom bij de wijkpeiling!\\nHet duurt' "$TMP/wijk.json" || bad "line break in a quoted cell lost"
ls -A "$TMP" | grep -q '^\.' && bad "a temporary file was left behind"

# The same sheet saved by Excel as comma-separated, LF, no BOM, with --id and --version.
python3 - "$FIX" "$TMP" <<'PY' || bad "python3 needed to re-save as commas"
import csv, sys
for name in ("survey", "choices"):
    src = open(f"{sys.argv[1]}/{name}.csv", encoding="utf-8-sig", newline="")
    rows = list(csv.reader(src, delimiter=";"))
    with open(f"{sys.argv[2]}/{name}-comma.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
PY
"$Q" from-csv "$TMP/survey-comma.csv" "$TMP/choices-comma.csv" --id uit-excel --version 2 \
    -o "$TMP/excel.json" 2>"$TMP/err" || bad "comma version failed: $(cat "$TMP/err")"
grep -q '"version": 2' "$TMP/excel.json" || bad "--version not used"

# Sign and verify what came out.
(cd "$TMP" && "$Q" keygen -o k >/dev/null && "$Q" sign wijk.json --key k.secret >/dev/null &&
    "$Q" verify wijk.json --key k.public >/dev/null) || bad "sign/verify of the converted set"

# A mistake: an expression show_if cannot hold. Named by file, row and column; no output.
printf 'type,name,label::nl\nsmiley,a,Hoe?\nsmiley,b,En nu?\nyesno,c,Echt?\n' >"$TMP/s.csv"
printf 'type,name,label::nl,relevant\nsmiley,a,Hoe?,\nsmiley,b,En nu?,\nyesno,c,Echt?,${a} > 3\n' >"$TMP/bad.csv"
printf 'list_name,name,label::nl\n' >"$TMP/c.csv"
rc=0
"$Q" from-csv "$TMP/bad.csv" "$TMP/c.csv" --id x -o "$TMP/bad.json" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 1 ] || bad "from-csv on a bad sheet: exit $rc, expected 1"
grep -qF "$TMP/bad.csv:4: column \"relevant\": cannot express \"\${a} > 3\" as show_if" "$TMP/err" ||
    bad "message: $(cat "$TMP/err")"
[ ! -e "$TMP/bad.json" ] || bad "output written despite errors"
"$Q" from-csv "$TMP/s.csv" "$TMP/c.csv" --id x -o "$TMP/ok.json" 2>"$TMP/err" || bad "simple sheet: $(cat "$TMP/err")"
# An existing set is not replaced without --force; with it, a stale signature is named.
rc=0
"$Q" from-csv "$TMP/s.csv" "$TMP/c.csv" --id x -o "$TMP/ok.json" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 1 ] || bad "overwrite without --force: exit $rc, expected 1"
grep -q "ok.json already exists; give --force" "$TMP/err" || bad "overwrite message: $(cat "$TMP/err")"
echo sig >"$TMP/ok.json.sig"
"$Q" from-csv "$TMP/s.csv" "$TMP/c.csv" --id y --force -o "$TMP/ok.json" 2>"$TMP/err" ||
    bad "--force: $(cat "$TMP/err")"
grep -q '"id": "y"' "$TMP/ok.json" || bad "--force did not replace the set"
grep -q "ok.json.sig no longer matches" "$TMP/err" || bad "stale .sig not named: $(cat "$TMP/err")"

# Warnings name their rows; --strict turns them into errors.
printf 'type,name,label::nl,appearance
note,uitleg,Lees dit,
smiley,a,Hoe?,likert
' >"$TMP/w.csv"
"$Q" from-csv "$TMP/w.csv" "$TMP/c.csv" --id w -o "$TMP/w.json" 2>"$TMP/err" ||
    bad "warnings only: $(cat "$TMP/err")"
# A note is an information screen of its own (type note), not warned.
grep -qF "$TMP/w.csv:2:" "$TMP/err" && bad "note warned: $(cat "$TMP/err")"
grep -q '"type": "note"' "$TMP/w.json" || bad "the note is not in the set: $(cat "$TMP/w.json")"
grep -qF "$TMP/w.csv:3: column \"appearance\": \"likert\" is not honoured" "$TMP/err" ||
    bad "appearance warning: $(cat "$TMP/err")"
rc=0
"$Q" from-csv "$TMP/w.csv" "$TMP/c.csv" --id w --strict -o "$TMP/w2.json" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 1 ] && [ ! -e "$TMP/w2.json" ] || bad "--strict: exit $rc"

# validate on a spreadsheet says what to use instead.
printf 'PK\003\004rest' >"$TMP/form.xlsx"
for f in "$TMP/form.xlsx" "$TMP/s.csv"; do
    rc=0
    "$Q" validate "$f" >"$TMP/out" 2>&1 || rc=$?
    [ "$rc" -eq 1 ] || bad "validate $f: exit $rc"
    grep -q "this is a spreadsheet, not a question set: use wijkpeil-qset from-csv" "$TMP/out" ||
        bad "validate $f: $(cat "$TMP/out")"
done

# An ODK table (a "label" row, then "list-nolabel" rows): one matrix in the set, and a warning
# for each panel where the kiosk asks it one question per screen (the 7" portrait panel is too
# narrow for three 20 mm columns beside the text); none for the 24" panel, where it fits.
printf '%s\n' 'type,name,label::nl,label::en,required,appearance' 'smiley,blij,Blij?,Happy?,,' \
    'begin group,tafel,,,,field-list' 'select_one eens,kop,,,,label' \
    'select_one eens,schoon,De straat is schoon,The street is clean,,list-nolabel' \
    'select_one eens,groen,Er is genoeg groen,There is enough green,yes,list-nolabel' \
    'end group,,,,,' >"$TMP/tafel.csv"
printf '%s\n' 'list_name,name,label::nl,label::en' 'eens,oneens,Oneens,Disagree' \
    'eens,neutraal,Neutraal,Neutral' 'eens,eens,Eens,Agree' >"$TMP/tafel-choices.csv"
"$Q" from-csv "$TMP/tafel.csv" "$TMP/tafel-choices.csv" -o "$TMP/tafel.json" >"$TMP/out" \
    2>"$TMP/err" || bad "table: from-csv failed: $(cat "$TMP/err")"
grep -q '"matrix": "kop"' "$TMP/tafel.json" || bad "table: no matrix in the set"
[ "$(grep -c '"matrix": "kop"' "$TMP/tafel.json")" -eq 2 ] || bad "table: two questions in it"
grep -q 'warning: matrix "kop" (schoon .. groen) does not fit the 7in-portrait-720x1280 panel in nl normal, en normal,.*: asked one question per screen there (too narrow' "$TMP/err" ||
    bad "table: no warning for the 7in portrait panel: $(cat "$TMP/err")"
grep -q 'does not fit the 24in' "$TMP/err" && bad "table: warned for the 24in panel: $(cat "$TMP/err")"

# Usage errors.
rc=0
"$Q" from-csv "$TMP/s.csv" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || bad "missing arguments: exit $rc, expected 2"

if [ "$fail" -ne 0 ]; then
    echo "$fail failed" >&2
    exit 1
fi
echo "staff_from_csv: all passed"
