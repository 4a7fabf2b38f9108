#!/usr/bin/env bash
# wijkpeil-collector export for an analyst: --format xlsx (sheets responses with ids and labels
# in a chosen language and local Europe/Amsterdam times as real dates, codebook, counts with
# small counts suppressed), --format csv-excel (";", BOM, CRLF, multi answers one cell) opened
# by LibreOffice with Dutch settings, read back with python3-openpyxl.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
# Debian's python3-openpyxl (tools/dev.sh) is for Debian's python3; another python3 may come first.
PY=python3
$PY -c 'import openpyxl' 2>/dev/null || PY=/usr/bin/python3
if ! $PY -c 'import openpyxl' 2>/dev/null; then
    echo "SKIP: python3-openpyxl is not installed (tools/dev.sh installs it)"
    exit 77
fi
if ! "$C" --help | grep -q 'xlsx'; then
    echo "SKIP: this wijkpeil-collector was built without libxlsxwriter"
    exit 77
fi
DB=$(coll_db_new e)
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    "$@" || bad "$what"
}

cat >"$TMP/set.json" <<'JSON'
{"format":"wijkpeil/1","id":"nazareth-2027-voorjaar","version":1,"languages":["nl","ar","en"],
 "title":{"nl":"Voorjaar","ar":"الربيع","en":"Spring"},
 "questions":[
  {"id":"woonplezier","type":"single","text":{"nl":"Woont u hier fijn?","ar":"هل تحب العيش هنا؟","en":"Do you like living here?"},
   "options":[{"id":"ja","text":{"nl":"Ja","ar":"نعم","en":"Yes"}},{"id":"nee","text":{"nl":"Nee","ar":"لا","en":"No"}}]},
  {"id":"zorgen","type":"multi","text":{"nl":"Waar maakt u zich zorgen over?","ar":"ما الذي يقلقك؟","en":"What worries you?"},
   "options":[{"id":"geld","text":{"nl":"Geld","ar":"المال","en":"Money"}},{"id":"werk","text":{"nl":"Werk","ar":"العمل","en":"Work"}},
              {"id":"zorg","text":{"nl":"Zorg","ar":"الرعاية","en":"Care"}}]}]}
JSON
# 24 responses: 12 "ja", 10 "nee", 2 skipped; every one of the first 22 chose geld and werk.
# Response 1 is in Arabic, in winter (UTC+1); response 2 in summer (UTC+2).
"$PY" - "$TMP/resp.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(24):
        a = {}
        if i < 22:
            a = {"woonplezier": "ja" if i < 12 else "nee", "zorgen": ["geld", "werk"]}
        day = "2027-07-01" if i == 1 else "2027-03-01"
        f.write(json.dumps({"id": "%08d-1111-4111-8111-111111111111" % i, "seq": i + 1,
            "questionset": "nazareth-2027-voorjaar", "questionset_version": 1,
            "language": "ar" if i == 0 else "nl", "started_at": day + "T09:15:02.123Z",
            "finished_at": day + "T09:17:40.001Z", "duration_ms": 157878,
            "status": "complete", "clock_synced": True, "answers": a}) + "\n")
PY
"$C" device add kiosk1 --location nazareth --db "$DB" >/dev/null
"$C" import "$TMP/resp.jsonl" --device kiosk1 --db "$DB" >/dev/null

# --- xlsx ---------------------------------------------------------------------------------
"$C" export --db "$DB" --format xlsx --qset "$TMP/set.json" --lang ar -o "$TMP/out.xlsx" 2>"$TMP/x.err" ||
    if grep -q 'built without libxlsxwriter' "$TMP/x.err"; then
        echo "SKIP: this wijkpeil-collector was built without libxlsxwriter (the arm64 build)"
        exit 77
    fi
check "xlsx: 24 responses exported" grep -q 'exported 24 responses' "$TMP/x.err"
check "xlsx opens with openpyxl: sheets, dates, labels, codebook, counts" "$PY" - "$TMP/out.xlsx" <<'PY'
import datetime, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["responses", "codebook", "counts"], wb.sheetnames
ws = wb["responses"]
rows = list(ws.iter_rows(values_only=True))
head = rows[0]
for c in ("id", "started_at", "finished_at", "duration_s", "received_at", "woonplezier",
          "woonplezier_label", "zorgen", "zorgen_label"):
    assert c in head, (c, head)
col = {name: i for i, name in enumerate(head)}
assert len(rows) == 25, len(rows)
r0 = rows[1]
st = r0[col["started_at"]]
assert isinstance(st, datetime.datetime), (type(st), st)
# 09:15:02.123 UTC is 10:15:02 in Amsterdam in March (CET), 11:15:02 in July (CEST)
assert (st.year, st.month, st.day, st.hour, st.minute, st.second) == (2027, 3, 1, 10, 15, 2), st
summer = rows[2][col["started_at"]]
assert (summer.month, summer.hour, summer.minute) == (7, 11, 15), summer
assert isinstance(r0[col["received_at"]], datetime.datetime), r0
assert r0[col["duration_s"]] == 157.878, r0[col["duration_s"]]
assert r0[col["language"]] == "ar"
assert r0[col["woonplezier"]] == "ja" and r0[col["woonplezier_label"]] == "نعم", r0
assert r0[col["zorgen"]] == "geld;werk", r0
assert r0[col["zorgen_label"]] == "المال; العمل", r0[col["zorgen_label"]]
assert rows[24][col["woonplezier"]] is None
cb = [r for r in wb["codebook"].iter_rows(values_only=True)]
assert cb[0][:6] == ("question", "type", "option", "nl", "ar", "en"), cb[0]
assert ("woonplezier", "single", None, "Woont u hier fijn?", "هل تحب العيش هنا؟",
        "Do you like living here?") in cb, cb
assert ("zorgen", None, "werk", "Werk", "العمل", "Work") in cb, cb
assert len(cb) == 1 + 2 + 2 + 3, len(cb)
counts = list(wb["counts"].iter_rows(values_only=True))
assert counts[0] == ("question", "question_text", "answer", "label", "count", "shown"), counts[0]
c = {(r[0], r[2]): r[4] for r in counts[1:]}
assert c[("woonplezier", "ja")] == 12, c
# 10 "nee" is not below k, but with the 2 skipped hidden it would give them away: hidden too
assert c[("woonplezier", "nee")] == "verborgen", c
assert c[("woonplezier", None)] == "verborgen", c  # skipped (no answer id)
assert c[("zorgen", "geld")] == 22 and c[("zorgen", "zorg")] == "verborgen", c
for r in counts[1:]:
    for v in r[4:]:
        assert not (isinstance(v, (int, float)) and v < 10), r
PY
# answers the set has no texts for (smiley, yes/no, scale): labelled with the dashboard's words
cat >"$TMP/kinds.json" <<'JSON'
{"format":"wijkpeil/1","id":"soorten","version":1,"languages":["nl","en"],
 "title":{"nl":"Soorten","en":"Kinds"},
 "questions":[
  {"id":"blij","type":"smiley","text":{"nl":"Hoe blij bent u?","en":"How happy are you?"}},
  {"id":"veilig","type":"yesno","prefer_not":true,"text":{"nl":"Voelt u zich veilig?","en":"Do you feel safe?"}},
  {"id":"cijfer","type":"scale","min":1,"max":5,"text":{"nl":"Uw cijfer?","en":"Your mark?"}}]}
JSON
"$PY" - "$TMP/kinds.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3):
        a = {"blij": ["1", "5", "3"][i], "veilig": ["yes", "no", "prefer_not"][i], "cijfer": str(i + 2)}
        f.write(json.dumps({"id": "%08d-2222-4222-8222-222222222222" % i, "seq": i + 1,
            "questionset": "soorten", "questionset_version": 1, "language": "nl",
            "started_at": "2027-03-02T09:15:02.123Z", "finished_at": "2027-03-02T09:17:40.001Z",
            "duration_ms": 157878, "status": "complete", "clock_synced": True, "answers": a,
            "languages": ["nl", "ar"], "active_ms": 61500, "flags": ["too_fast"] if i == 1 else []})
            + "\n")
PY
"$C" device add kiosk2 --location pottenberg --db "$DB" >/dev/null
"$C" import "$TMP/kinds.jsonl" --device kiosk2 --db "$DB" >/dev/null
for l in nl en; do
    "$C" export --db "$DB" --format xlsx --qset "$TMP/kinds.json" --lang $l -o "$TMP/kinds-$l.xlsx" 2>/dev/null
done
check "xlsx: smiley, yes/no and scale answers get labels (Dutch, English)" "$PY" - "$TMP" <<'PY'
import sys
import openpyxl
# a face's words are the kiosk's own (coll_words: the words the resident tapped)
for lang, want in (("nl", [("1", "Heel slecht", "yes", "Ja", "2", "2"),
                           ("5", "Heel goed", "no", "Nee", "3", "3"),
                           ("3", "Gaat wel", "prefer_not", "Zeg ik liever niet", "4", "4")]),
                   ("en", [("1", "Very bad", "yes", "Yes", "2", "2"),
                           ("5", "Very good", "no", "No", "3", "3"),
                           ("3", "Okay", "prefer_not", "I'd rather not say", "4", "4")])):
    rows = list(openpyxl.load_workbook(f"{sys.argv[1]}/kinds-{lang}.xlsx")["responses"].iter_rows(values_only=True))
    col = {n: i for i, n in enumerate(rows[0])}
    got = [tuple(r[col[c]] for c in ("blij", "blij_label", "veilig", "veilig_label", "cijfer",
                                     "cijfer_label")) for r in rows[1:]]
    assert got == want, (lang, got)
    # as in the CSV: languages used, active time and quality flags (flagged ones can be left out)
    extra = [tuple(r[col[c]] for c in ("languages", "active_s", "flags")) for r in rows[1:]]
    assert extra == [("nl;ar", 61.5, None), ("nl;ar", 61.5, "too_fast"), ("nl;ar", 61.5, None)], extra
PY
if "$C" export --db "$DB" --format xlsx -o "$TMP/noset.xlsx" 2>"$TMP/ns.err"; then
    bad "xlsx without --qset accepted"
else
    check "xlsx without --qset: usage error 2" test $? -eq 2
fi
check "xlsx without --qset: no file" test ! -e "$TMP/noset.xlsx"
if "$C" export --db "$DB" --format xlsx --qset "$TMP/set.json" --lang de -o "$TMP/de.xlsx" 2>"$TMP/de.err"; then
    bad "a language the set lacks accepted"
fi
check "a language the set lacks is named" grep -q 'no language "de"' "$TMP/de.err"

# --- CSV for Excel ------------------------------------------------------------------------
"$C" export --db "$DB" --format csv-excel --qset "$TMP/set.json" -o "$TMP/excel.csv" 2>/dev/null
check "csv-excel: BOM, semicolons, CRLF" bash -c "head -c 3 '$TMP/excel.csv' | od -An -tx1 | grep -q 'ef bb bf' && head -1 '$TMP/excel.csv' | grep -q '^.*id;device;location;seq;' && grep -c \$'\\r\$' '$TMP/excel.csv' | grep -qx 25"
check "csv-excel: one cell per field, multi answer quoted, local times" "$PY" - "$TMP/excel.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
head = rows[0]
assert all(len(r) == len(head) for r in rows), [len(r) for r in rows]
col = {n: i for i, n in enumerate(head)}
assert rows[1][col["Waar maakt u zich zorgen over?"]] == "geld;werk", rows[1]
assert rows[1][col["started_at"]] == "2027-03-01 10:15:02", rows[1]
assert rows[2][col["started_at"]] == "2027-07-01 11:15:02", rows[2]
assert '"geld;werk"' in open(sys.argv[1], encoding="utf-8-sig").read()
PY

# LibreOffice (libreoffice-calc-nogui, tools/dev.sh) opens it as a Dutch-locale spreadsheet
# does: ";" between fields, UTF-8, Dutch (1043) for dates and numbers.
if command -v soffice >/dev/null 2>&1; then
    HOME="$TMP/lohome" soffice --headless --norestore "-env:UserInstallation=file://$TMP/lohome" \
        --infilter="CSV:59,34,76,1,,1043,false,true" --convert-to xlsx --outdir "$TMP/lo" \
        "$TMP/excel.csv" >"$TMP/lo.out" 2>&1 || true
    check "LibreOffice (Dutch): right columns, dates as dates, Arabic intact" "$PY" - "$TMP/lo/excel.xlsx" <<'PY'
import datetime, sys
import openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1]).active.iter_rows(values_only=True))
head = rows[0]
assert head[0] == "id" and head[1] == "device", head[:3]
col = {n: i for i, n in enumerate(head)}
assert len(rows) == 25, len(rows)
assert all(len([v for v in r if v is not None]) <= len(head) for r in rows)
r = rows[1]
assert r[col["device"]] == "kiosk1" and r[col["location"]] == "nazareth", r
assert r[col["Waar maakt u zich zorgen over?"]] == "geld;werk", r
assert r[col["language"]] == "ar", r
st = r[col["started_at"]]
assert isinstance(st, datetime.datetime) and (st.hour, st.minute) == (10, 15), st
assert r[col["duration_ms"]] == 157878, r
PY
else
    echo "NOTE: soffice (libreoffice-calc-nogui) not installed: the LibreOffice check is skipped"
    if [ "$fail" -eq 0 ]; then
        echo "SKIP: LibreOffice part not run (everything else passed)"
        exit 77
    fi
fi

# --- the dashboard's downloads: raw responses for administrators only ----------------------
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
echo 'correct horse battery' | "$C" user add anna --role admin --db "$DB" >/dev/null
echo 'viewer password 1' | "$C" user add bert --role viewer --db "$DB" >/dev/null
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/set.json" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
trap 'kill $SRV 2>/dev/null || true; rm -rf "$TMP"' EXIT
wait_line "$TMP/serve.out" listening "$SRV" || true
URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"
get() { # get JAR PATH [CURL-ARGS...] -> the status code; headers in $TMP/h, body in $TMP/b
    local jar=$1 path=$2
    shift 2
    curl -s -c "$jar" -b "$jar" -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@" "$URL$path"
}
signin() { # signin JAR USER PASSWORD -> the status code of the POST
    get "$1" /dash/login >/dev/null
    get "$1" /dash/login --data-urlencode "csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b")" \
        --data-urlencode "user=$2" --data-urlencode "password=$3"
}
SET=nazareth-2027-voorjaar
check "admin signs in" test "$(signin "$TMP/ja" anna 'correct horse battery')" = 303
check "viewer signs in" test "$(signin "$TMP/jv" bert 'viewer password 1')" = 303
get "$TMP/ja" "/dash/results?set=$SET" >/dev/null
check "the results page offers an admin the downloads" grep -q "href=\"/dash/export?set=$SET&amp;format=xlsx" "$TMP/b"
get "$TMP/jv" "/dash/results?set=$SET" >/dev/null
check "... and a viewer none" bash -c "! grep -q '/dash/export' '$TMP/b'"
check "a viewer's download is refused (403)" test "$(get "$TMP/jv" "/dash/export?set=$SET&format=csv")" = 403
check "... and holds no response" bash -c "! grep -q '00000000-1111' '$TMP/b'"
check "without a session: to the sign-in form" test "$(get "$TMP/none" "/dash/export?set=$SET&format=csv")" = 303
check "an admin downloads the xlsx" test "$(get "$TMP/ja" "/dash/export?set=$SET&format=xlsx&labels=en")" = 200
check "... as an attachment named after the set" grep -qi "^Content-Disposition: attachment; filename=\"$SET.xlsx\"" "$TMP/h"
cp "$TMP/b" "$TMP/dl.xlsx" # openpyxl goes by the name's extension
check "... that opens, English labels" "$PY" - "$TMP/dl.xlsx" <<'PY'
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = list(wb["responses"].iter_rows(values_only=True))
col = {n: i for i, n in enumerate(rows[0])}
assert len(rows) == 25 and rows[1][col["woonplezier_label"]] == "Yes", rows[1]
PY
check "an admin downloads the Excel CSV" test "$(get "$TMP/ja" "/dash/export?set=$SET&format=csv-excel")" = 200
check "... the same bytes as the command line's" cmp -s "$TMP/b" "$TMP/excel.csv"
check "an unknown set: 404" test "$(get "$TMP/ja" "/dash/export?set=nope&format=csv")" = 404
kill "$SRV"
wait "$SRV" 2>/dev/null || true

if [ "$fail" -ne 0 ]; then
    echo "$fail checks failed" >&2
    exit 1
fi
echo "collector_export: all checks passed ($COLL_BACKEND)"
