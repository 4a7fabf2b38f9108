#!/usr/bin/env bash
# The hour x weekday view (/dash/when) and the report to print (/dash/report) of a question set
# (issue 14, coll_report): the view follows the results page's filters, suppresses cells below k
# and the complement that would give one away, and gives the same page from the counts kept per
# hour (agg_hours) as from every response; the report holds every question and no hidden
# number. Then in Chromium (puppeteer-core, lib/report_browser.js): axe-core on both pages and
# the report printed to PDF (page.pdf, A4), whose text (pdftotext) holds every question of the
# set and none of the hidden numbers. Times are Europe/Amsterdam's (the collector's zone).
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
export TZ=Europe/Amsterdam
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
HERE=$(dirname "$0")
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$HERE/lib/wait_line.sh"
# shellcheck source=lib/coll_serve.sh
. "$HERE/lib/coll_serve.sh"
fail=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}

# serve NAME ARGS...: a collector on a free loopback port, signed in as anna; sets URL_NAME
serve() {
    local name=$1
    shift
    coll_serve "$name" --db "$DB" --qset "$TMP/peil.json" --qset "$TMP/uren.json" "$@"
    local url="http://127.0.0.1:$SERVE_PORT"
    printf -v "URL_$name" '%s' "$url"
    curl -s -c "$TMP/$name.jar" -b "$TMP/$name.jar" -o "$TMP/$name.b" "$url/dash/login"
    local csrf
    csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/$name.b")
    curl -s -c "$TMP/$name.jar" -b "$TMP/$name.jar" -o /dev/null --data "csrf=$csrf&user=anna" \
        --data-urlencode "password=correct horse battery" "$url/dash/login"
}
page() { # page NAME PATH: the page, the session's CSRF token left out
    local url="URL_$1"
    curl -s -b "$TMP/$1.jar" "${!url}$2" | sed -e 's/name="csrf" value="[0-9a-f]*"//'
}
# cell FILE DAY HOUR: what the table of the view says for a weekday (1 Monday) and hour
cell() {
    python3 - "$@" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
body = html.split('<table class="when">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
row = body.split("</tr>")[int(sys.argv[2]) - 1]
print(re.findall(r"<td[^>]*>([^<]*)</td>", row)[int(sys.argv[3])])
PY
}
td_numbers() { # td_numbers FILE: the numbers in the view's table cells, one a line
    grep -o '<td>[0-9]*</td>' "$1" | tr -dc '0-9\n' || true
}

DB=$(coll_db_new report)
echo 'correct horse battery' | "$C" user add anna --role admin --db "$DB" >/dev/null
"$C" device add n1 --location nazareth --db "$DB" >/dev/null
"$C" device add n2 --location nazareth --db "$DB" >/dev/null
"$C" device add p1 --location pottenberg --db "$DB" >/dev/null
python3 "$HERE/lib/dash_seed.py" "$TMP" 9 # set "peil": "veilig" chosen 9 times
for d in n1 n2 p1; do "$C" import "$TMP/$d.jsonl" --device "$d" --db "$DB" >/dev/null; done
# set "uren": when (local time) Monday 1 March 2027 09 h 12 responses (nazareth), Tuesday 14 h 9
# (nazareth), Saturday 20 h 30 (pottenberg), Sunday 11 h 20 (nazareth); the week after, 16 on
# Wednesday 10 h (nazareth) and 5 abandoned on Thursday 16 h (pottenberg).
python3 - "$TMP" <<'PY'
import datetime, json, sys, uuid, zoneinfo
out = sys.argv[1]
ams = zoneinfo.ZoneInfo("Europe/Amsterdam")
qset = {"format": "wijkpeil/1", "id": "uren", "version": 1, "languages": ["nl", "en"],
        "title": {"nl": "Uren", "en": "Hours"},
        "questions": [{"id": "fijn", "type": "yesno",
                       "text": {"nl": "Woont u hier fijn?", "en": "Do you like living here?"}}]}
json.dump(qset, open(f"{out}/uren.json", "w"), ensure_ascii=False)
cells = [(1, 9, 12, "n2", "complete"), (2, 14, 9, "n2", "complete"), (6, 20, 30, "p1", "complete"),
         (7, 11, 20, "n2", "complete"), (10, 10, 16, "n2", "complete"),
         (11, 16, 5, "p1", "abandoned")]
rows = {"n2": [], "p1": []}
for day, hour, n, dev, status in cells:
    for j in range(n):
        t = datetime.datetime(2027, 3, day, hour, j, tzinfo=ams).astimezone(datetime.timezone.utc)
        rows[dev].append({
            "id": str(uuid.uuid4()), "seq": 1000 + len(rows[dev]), "questionset": "uren",
            "questionset_version": 1, "language": "nl",
            "started_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "finished_at": (t + datetime.timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_ms": 30000, "status": status,
            "answers": {"fijn": "yes"} if status == "complete" else {}})
for dev, rs in rows.items():
    with open(f"{out}/uren-{dev}.jsonl", "w") as f:
        for r in rs:
            f.write(json.dumps(r) + "\n")
PY
for d in n2 p1; do "$C" import "$TMP/uren-$d.jsonl" --device "$d" --db "$DB" >/dev/null; done

serve a
page a "/dash/results?set=uren&location=nazareth&wd1=1" >"$TMP/results.html"
check "the results page links the view and the report with its filter" \
    grep -q 'href="/dash/when?set=uren&amp;location=nazareth&amp;wd1=1">Wanneer: uur en weekdag</a>' "$TMP/results.html"
check "... and the report" \
    grep -q 'href="/dash/report?set=uren&amp;location=nazareth&amp;wd1=1">Rapport om te printen</a>' "$TMP/results.html"

# --- when: hour x weekday -------------------------------------------------------------------------
page a "/dash/when?set=uren&from=2027-03-01&to=2027-03-07" >"$TMP/w.html"
check "view (first week): 71 responses" grep -q '<p class="total">71 antwoorden' "$TMP/w.html"
check "... Saturday 20 h: 30" test "$(cell "$TMP/w.html" 6 20)" = 30
check "... Sunday 11 h: 20" test "$(cell "$TMP/w.html" 7 11)" = 20
check "... Tuesday 14 h (9) hidden" test "$(cell "$TMP/w.html" 2 14)" = verborgen
check "... Monday 9 h (12) hidden too: else 71 - 30 - 20 - 12 would give the 9 away" \
    test "$(cell "$TMP/w.html" 1 9)" = verborgen
check "... no cell of 9 or 12 anywhere in the table" \
    bash -c "! grep -Eqx '9|12'" < <(td_numbers "$TMP/w.html")
check "... the heat map colours no hidden cell: 166 of 168 hidden" \
    test "$(sed -n '/<svg class="heat" role="img"/,/<\/svg>/p' "$TMP/w.html" | grep -o 'class="hid"/>' | wc -l)" = 166
check "... the table says what hidden means" grep -q 'minder dan 10 antwoorden, of verborgen' "$TMP/w.html"
page a "/dash/when?set=uren&from=2027-03-01&to=2027-03-07&location=pottenberg&status=complete" >"$TMP/w.html"
check "filtered by location and status: Saturday 20 h alone (30)" \
    grep -q '<p class="total">30 antwoorden' "$TMP/w.html"
check "... nothing else to hide: the one number in the table" test "$(td_numbers "$TMP/w.html")" = 30
page a "/dash/when?set=uren&wd3=1&wd7=1" >"$TMP/w.html"
check "filtered by weekday (Wednesday, Sunday): 36" grep -q '<p class="total">36 antwoorden' "$TMP/w.html"
check "... Wednesday 10 h: 16" test "$(cell "$TMP/w.html" 3 10)" = 16
check "... the boxes stay ticked" grep -q 'id="wd3" name="wd3" value="1" checked' "$TMP/w.html"
page a "/dash/when?set=uren&hour_from=09:00&hour_to=10:00" >"$TMP/w.html"
check "filtered by hour (9-10 h): 12" grep -q '<p class="total">12 antwoorden' "$TMP/w.html"
page a "/dash/when?set=uren&location=pottenberg&status=abandoned" >"$TMP/w.html"
check "fewer than k in all: nothing but that" \
    bash -c "grep -q 'Minder dan 10 antwoorden voldoen aan het filter' '$TMP/w.html' && ! grep -q '<table class=\"when\">' '$TMP/w.html'"
page a "/dash/when?set=uren&lang=en" >"$TMP/w.html"
check "in English" grep -q '<h2 id="when-h">Responses by hour and weekday</h2>' "$TMP/w.html"
check "the stylesheet of the view (print rules)" \
    bash -c "curl -s '$URL_a/dash/report.css' | grep -q '@media print{header,nav'"

# the same pages from the counts kept per hour as from every response
serve raw --test-results-from-responses
same=0
for f in "" "&location=nazareth" "&from=2027-03-02&to=2027-03-09" "&wd6=1&wd7=1&hour_from=10:00" \
    "&status=complete&from=2027-03-01" "&language=nl&to=2027-03-05" "&hour_to=12:00&from=2027-03-03&to=2027-03-31"; do
    page a "/dash/when?set=uren$f" >"$TMP/agg.html"
    page raw "/dash/when?set=uren$f" >"$TMP/raw.html"
    if ! grep -q '<p class="total">' "$TMP/agg.html" || ! cmp -s "$TMP/agg.html" "$TMP/raw.html"; then
        echo "  differs for '$f':" >&2
        diff "$TMP/raw.html" "$TMP/agg.html" | head -6 >&2 || true
        same=1
    fi
done
check "the view from the kept counts = counted from every response (every filter)" test "$same" = 0
coll_db_sql "$DB" "UPDATE responses SET questionset = 'uren-away' WHERE questionset = 'uren'" >/dev/null
page a "/dash/when?set=uren&wd6=1" >"$TMP/kept.html"
coll_db_sql "$DB" "UPDATE responses SET questionset = 'uren' WHERE questionset = 'uren-away'" >/dev/null
check "... which reads no response (no period)" grep -q '<p class="total">30 antwoorden' "$TMP/kept.html"

# --- the report to print ------------------------------------------------------------------------
page a "/dash/report?set=peil" >"$TMP/r.html"
check "report of every location: links to each location's" \
    grep -q 'href="/dash/report?set=peil&amp;location=pottenberg&amp;lang=nl">pottenberg</a>' "$TMP/r.html"
check "... every question, its chart and table" \
    test "$(grep -c '<section class="question"' "$TMP/r.html")" = 3 -a \
    "$(grep -c '<svg class="chart"' "$TMP/r.html")" = 3
check "... the note on small counts and the period" \
    bash -c "grep -q 'Aantallen onder 10 worden nooit getoond' '$TMP/r.html' && grep -q 'Periode: alle antwoorden tot nu toe' '$TMP/r.html'"
check "... the hidden cell (9) as \"verborgen\"" \
    grep -q '<th scope="row">Veilig</th><td colspan="2" class="hidden">verborgen</td>' "$TMP/r.html"
page a "/dash/report?set=peil&location=nazareth&from=2027-03-01&to=2027-03-31" >"$TMP/r.html"
check "report of one location and period" \
    bash -c "grep -q 'Locatie: nazareth' '$TMP/r.html' && grep -q 'Periode: 2027-03-01 tot en met 2027-03-31' '$TMP/r.html'"
check "a malformed date is said" grep -q 'JJJJ-MM-DD' < <(page a "/dash/report?set=peil&from=maart")
check "an unknown set: to the list of sets" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -b "$TMP/a.jar" "$URL_a/dash/report?set=nope")" = 303
check "without a session: to the sign-in form" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "$URL_a/dash/when?set=uren")" = 303

# --- in Chromium: axe-core, and the report printed to PDF ------------------------------------------
[ "$fail" -eq 0 ] || exit "$fail" # (before a skip for want of a browser could hide them)
if command -v pdftotext >/dev/null; then
    # shellcheck source=lib/browser_npm.sh
    . "$HERE/lib/browser_npm.sh"
    SHOTS="$WIJKPEIL_BUILD/report-screenshots/${COLL_BACKEND}"
    rm -rf "$SHOTS"
    mkdir -p "$SHOTS"
    check "in Chromium: axe-core finds nothing; the report prints to PDF" \
        env NODE_PATH="$NPM/node_modules" HOME="$TMP" node "$HERE/lib/report_browser.js" "$URL_a" "$SHOTS"
    for pdf in peil-all peil-nazareth; do
        pdftotext -layout "$SHOTS/$pdf.pdf" "$TMP/$pdf.txt"
        check "$pdf.pdf: A4" bash -c "pdfinfo '$SHOTS/$pdf.pdf' | grep -q 'Page size:.*595.* x 841.* pts (A4)'"
        for q in "Wat vindt u het belangrijkst?" "Hoe tevreden bent u?" "Waar maakt u zich zorgen over?"; do
            check "$pdf.pdf holds the question \"$q\"" grep -qF "$q" "$TMP/$pdf.txt"
        done
        check "$pdf.pdf: the set's title, n and the note on small counts" \
            bash -c "grep -q 'Peiling van de wijk' '$TMP/$pdf.txt' && grep -q 'n = ' '$TMP/$pdf.txt' && grep -q 'Aantallen onder 10' '$TMP/$pdf.txt'"
        check "$pdf.pdf: no menu, no filter" bash -c "! grep -Eq 'Afmelden|Hoofdmenu|Toepassen' '$TMP/$pdf.txt'"
        # (the date the report was made is the one line with a date of today)
        check "$pdf.pdf: the hidden cell is \"verborgen\", and 9 appears nowhere as a number" \
            bash -c "grep -q 'verborgen' '$TMP/$pdf.txt' && ! grep -v 'Gemaakt op' '$TMP/$pdf.txt' | grep -oE '[0-9]+' | grep -qx 9"
    done
    echo "screenshots and PDFs: $SHOTS"
else
    echo "SKIP: pdftotext (poppler-utils, tools/dev.sh) is not installed: the PDF part is not run"
    [ "$fail" -eq 0 ] && exit 77
fi

[ "$fail" -eq 0 ] && echo "collector_report ($COLL_BACKEND): all checks passed"
exit "$fail"
