#!/usr/bin/env bash
# The worked example as a workbook: wijkpeil-to-xlsx makes assets/demo/nazareth-pottenberg.xlsx
# from the demo's CSV sheets byte for byte (so the checked-in file is reproducible and up to
# date); its sheets, read back from the XML inside with python3's zipfile, hold exactly the
# CSVs' cells, and saved as CSV again they convert to the demo set exactly (demo_roundtrip.sh).
# Skipped (77) when wijkpeil-to-xlsx was not built (no libxlsxwriter).
set -euo pipefail

: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
if [ -z "${WIJKPEIL_TO_XLSX:-}" ]; then
    echo "wijkpeil-to-xlsx not built (libxlsxwriter-dev missing): skipped"
    exit 77
fi
X="$WIJKPEIL_TO_XLSX"
DEMO="$WIJKPEIL_SRC/assets/demo"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}

sheets=("$DEMO/survey.csv" "$DEMO/choices.csv" "$DEMO/settings.csv" "$DEMO/ui_strings.csv")
"$X" -o "$TMP/demo.xlsx" "${sheets[@]}" >"$TMP/out" || bad "wijkpeil-to-xlsx failed"
grep -q "wrote $TMP/demo.xlsx (4 sheets)" "$TMP/out" || bad "output: $(cat "$TMP/out")"
cmp -s "$TMP/demo.xlsx" "$DEMO/nazareth-pottenberg.xlsx" ||
    bad "assets/demo/nazareth-pottenberg.xlsx is not what the CSVs make; run: wijkpeil-to-xlsx" \
        "-o assets/demo/nazareth-pottenberg.xlsx assets/demo/{survey,choices,settings,ui_strings}.csv"

# Read the workbook as a spreadsheet program would: sheet names, shared strings, cells.
mkdir "$TMP/sheets"
python3 - "$TMP/demo.xlsx" "$TMP/sheets" "${sheets[@]}" <<'PY' || bad "the workbook's cells"
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
z = zipfile.ZipFile(sys.argv[1])
rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
shared = ["".join(t.text or "" for t in si.iter(M + "t"))
          for si in ET.fromstring(z.read("xl/sharedStrings.xml"))]
book = {}
for sh in ET.fromstring(z.read("xl/workbook.xml")).iter(M + "sheet"):
    rows = []
    for c in ET.fromstring(z.read("xl/" + rels[sh.get(R + "id")])).iter(M + "c"):
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", c.get("r")).groups()
        ci = 0
        for ch in col:
            ci = ci * 26 + ord(ch) - 64
        if c.get("t") != "s":
            sys.exit(f"{sh.get('name')}!{c.get('r')}: not written as text")
        while len(rows) < int(row):
            rows.append([])
        r = rows[int(row) - 1]
        while len(r) < ci:
            r.append("")
        r[ci - 1] = shared[int(c.find(M + "v").text)]
    book[sh.get("name")] = rows
fails = 0
names = []
for path in sys.argv[3:]:
    name = path.rsplit("/", 1)[-1][:-4]
    names.append(name)
    want = [r for r in csv.reader(open(path, encoding="utf-8", newline=""))]
    for r in want:
        while r and r[-1] == "":
            r.pop()
    got = book.get(name)
    if got != want:
        fails += 1
        print(f"sheet {name}: cells differ from {path}", file=sys.stderr)
    with open(f"{sys.argv[2]}/{name}.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(got or [])
if list(book) != names:
    fails += 1
    print(f"sheets {list(book)}, expected {names}", file=sys.stderr)
sys.exit(1 if fails else 0)
PY
# Saved as CSV again, the workbook's sheets are the demo poll.
bash "$WIJKPEIL_SRC/tests/scripts/demo_roundtrip.sh" "$TMP/sheets" >"$TMP/rt" 2>&1 ||
    bad "the workbook's sheets do not convert to the demo set: $(cat "$TMP/rt")"

# A sheet that cannot be read is named by file, row and column; nothing is left behind.
printf 'type,name,label::nl\nsmiley,a,caf\xe9\n' >"$TMP/survey.csv"
rc=0
"$X" -o "$TMP/bad.xlsx" "$TMP/survey.csv" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 1 ] || bad "unreadable sheet: exit $rc, expected 1"
grep -qF "$TMP/survey.csv:2: column \"label::nl\": not valid UTF-8" "$TMP/err" ||
    bad "message: $(cat "$TMP/err")"
[ ! -e "$TMP/bad.xlsx" ] || bad "a workbook was left behind"
rc=0
"$X" "$TMP/survey.csv" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || bad "no -o: exit $rc, expected 2"

if [ "$fail" -ne 0 ]; then
    echo "$fail failed" >&2
    exit 1
fi
echo "demo_xlsx: all passed"
