#!/usr/bin/env bash
# The dashboard's comparisons (issue 14 item 3) without a browser (collector_browser.sh renders
# them in Chromium): side by side per location, the trend of a question across two waves (two
# sets with the same question) per month and per week, the cross-tab of one question by another
# for every type; reached by tabs from the results page; Dutch first, English. Small counts: a
# seeded cell of 9 (Pottenberg chose "veilig" 9 times) never appears as a number on any of them,
# and cannot be worked out from the totals the pages show (the side-by-side table's hidden cells
# against the results page's figures over every location and each location's denominator); with
# 10 it appears. The results page per location (and the exports' counts sheet) against the same
# page over every location: no difference of the two is a small group (Nazareth's "veilig" 25
# beside 34 over both would give Pottenberg's 9 away).
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
SRV=""
stop_server() {
    if [ -n "$SRV" ]; then
        kill "$SRV" 2>/dev/null || true
        wait "$SRV" 2>/dev/null || true
    fi
    SRV=""
}
cleanup() {
    stop_server
    rm -rf "$TMP"
}
trap cleanup EXIT
HERE=$(dirname "$0")
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$HERE/lib/wait_line.sh"
fail=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}
V() { python3 "$HERE/lib/views_check.py" "$@"; }

# setup V: a database with the seed (Pottenberg's "veilig" in wave 1 = V), served; signed in
setup() {
    stop_server
    DB=$(coll_db_new "compare$1")
    echo 'viewer password 1' | "$C" user add bert --role viewer --db "$DB" >/dev/null
    "$C" device add n1 --location nazareth --db "$DB" >/dev/null
    "$C" device add n2 --location nazareth --db "$DB" >/dev/null
    "$C" device add p1 --location pottenberg --db "$DB" >/dev/null
    mkdir -p "$TMP/$1"
    python3 "$HERE/lib/views_seed.py" "$TMP/$1" "$1"
    for d in n1 n2 p1; do "$C" import "$TMP/$1/$d.jsonl" --device "$d" --db "$DB" >/dev/null; done
    rm -f "$TMP/serve.out"
    "$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/$1/peil.json" \
        --qset "$TMP/$1/najaar.json" >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SRV=$!
    wait_line "$TMP/serve.out" listening "$SRV"
    URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"
    J="$TMP/jar$1"
    curl -s -c "$J" -b "$J" -o "$TMP/b" "$URL/dash/login"
    local csrf
    csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b")
    curl -s -c "$J" -b "$J" -o /dev/null --data "csrf=$csrf&user=bert&password=viewer+password+1" \
        "$URL/dash/login"
}
# page NAME PATH: fetches PATH into $TMP/NAME.html; the status code
page() {
    curl -s -b "$J" -o "$TMP/$1.html" -w '%{http_code}' "$URL$2"
}
# row NAME TABLE HEADER: the cells of the row of table TABLE (1-based) that starts with HEADER
row() { V table "$TMP/$1.html" "$2" | awk -F'\t' -v h="$3" '$1 == h' | cut -f2- | tr '\t' '|'; }

VIEWS=(
    "compare /dash/compare?set=peil"
    "compare_en /dash/compare?set=peil&lang=en"
    "trend /dash/trend?set=peil&q=buurt"
    "trend_p /dash/trend?set=peil&q=buurt&location=pottenberg"
    "trend_n /dash/trend?set=peil&q=buurt&location=nazareth"
    "trend_pw /dash/trend?set=peil&q=buurt&period=week&location=pottenberg"
    "trend_nw /dash/trend?set=peil&q=buurt&period=week&location=nazareth"
    "cross /dash/crosstab?set=peil&q=buurt&q2=fiets"
    "cross_p /dash/crosstab?set=peil&q=buurt&q2=fiets&location=pottenberg"
    "cross_n /dash/crosstab?set=peil&q=buurt&q2=fiets&location=nazareth"
    "cross_multi /dash/crosstab?set=peil&q=zorgen&q2=cijfer"
    "cross_scale /dash/crosstab?set=peil&q=score&q2=zorgen&location=pottenberg"
    "cross_yesno /dash/crosstab?set=peil&q=fiets&q2=score"
    "compare_f /dash/compare?set=peil&from=2027-03-01&to=2027-03-31&status=complete"
    "trend_pf /dash/trend?set=peil&q=buurt&location=pottenberg&from=2027-03-01&to=2027-03-31&wd1=1&hour_from=09:00"
    "cross_pf /dash/crosstab?set=peil&q=buurt&q2=fiets&location=pottenberg&from=2027-03-01&to=2027-03-31&status=complete"
)

# --- 9: hidden everywhere ---------------------------------------------------------------------
setup 9
check "results page: tabs to the three views" test "$(page results '/dash/results?set=peil')" = 200
check "... side by side, trend, cross-tab" \
    grep -q '<nav class="views" aria-label="Weergaven"><ul><li><a href="/dash/results?set=peil" aria-current="page">Per vraag</a></li><li><a href="/dash/compare?set=peil">Locaties naast elkaar</a></li><li><a href="/dash/trend?set=peil">Trend</a></li><li><a href="/dash/crosstab?set=peil">Kruistabel</a></li></ul></nav>' "$TMP/results.html"
for v in "${VIEWS[@]}"; do
    set -- $v
    check "$1: 200" test "$(page "$1" "$2")" = 200
    check "$1: 9 never shown as a number (text, table or chart)" \
        bash -c "! grep -Ew '9' <(python3 '$HERE/lib/views_check.py' text '$TMP/$1.html')"
    check "$1: a chart (SVG) and a table" \
        bash -c "grep -q '<svg class=\"chart' '$TMP/$1.html' && grep -q '<table>' '$TMP/$1.html'"
done
check "side by side: a table per question with each location's count and share" \
    test "$(V table "$TMP/compare.html" 1 | head -1)" = \
    "$(printf 'Antwoord\tnazareth: aantal\tnazareth: aandeel\tpottenberg: aantal\tpottenberg: aandeel')"
check "... five questions, five tables" test "$(grep -c '<table>' "$TMP/compare.html")" = 5
check "... Pottenberg's 9 hidden, and Nazareth's figure beside it (the row's total is shown)" \
    test "$(row compare 1 Veilig)" = "verborgen|verborgen|verborgen|verborgen"
check "... Pottenberg's other answers shown where nothing small can be worked out" \
    test "$(row compare 1 Schoon)" = "40|47%|30|57%"
check "... no hidden cell can be worked out from the totals (results page, denominators)" \
    test -z "$(V derivable "$TMP/results.html" "$TMP/compare.html")"
check "... n and the denominator per location" test "$(row compare 1 'Kregen de vraag (noemer)')" = "85|85|53|53"
check "... in English" grep -q '<h1>Locations side by side – Neighbourhood poll</h1>' "$TMP/compare_en.html"
check "... English table" test "$(V table "$TMP/compare_en.html" 1 | head -1 | cut -f1,2)" = "$(printf 'Answer\tnazareth: count')"
check "trend: both waves (two sets with the same question) counted" \
    grep -q 'Meegeteld: deze vraag in Peiling van de wijk (peil), Najaarspeiling (najaar).' "$TMP/trend.html"
check "... per month: March and October with their figures" \
    test "$(row trend 1 2027-03)|$(row trend 1 2027-10)" = "138|51% (70)|25% (34)|25% (34)|137|43% (59)|33% (45)|24% (33)"
check "... a month without answers: fewer than k, no point" test "$(row trend 1 2027-05)" = "minder dan 10|minder dan 10|minder dan 10|minder dan 10"
check "... one small chart per answer, a point per month shown" \
    test "$(grep -c '<svg class="chart trend"' "$TMP/trend.html"):$(grep -o '<circle' "$TMP/trend.html" | wc -l)" = "3:6"
check "... Pottenberg in March: 9 hidden (and its complement)" \
    test "$(row trend_p 1 2027-03)" = "53|57% (30)|verborgen|verborgen"
check "... Nazareth in March: hidden too (the trend over every location would give 9 away)" \
    test "$(row trend_n 1 2027-03 | cut -d'|' -f3)" = "verborgen"
check "... per week (Monday)" test "$(row trend_pw 1 2027-03-01)" = "53|57% (30)|verborgen|verborgen"
check "... a hidden point is not plotted" \
    test "$(grep -o '<circle' "$TMP/trend_p.html" | wc -l)" = 4
check "cross-tab: counts and row shares, totals" \
    test "$(row cross 1 Schoon)|$(row cross 1 Totaal)" = "38 (54%)|32 (46%)|70|84|54|138"
check "... Pottenberg: the row of 9 hidden, its total too" \
    test "$(row cross_p 1 Veilig)" = "verborgen|verborgen|verborgen"
check "... Nazareth: Veilig × Ja hidden (the cross-tab over every location would give 9 away)" \
    test "$(row cross_n 1 Veilig | cut -d'|' -f1)" = "verborgen"
check "... multiple choice by smiley: a row per option" \
    test "$(V table "$TMP/cross_multi.html" 1 | cut -f1 | tr '\n' '|')" = "Waar maakt u zich zorgen over?|Geld|Werk|Totaal|"
check "... scale by multiple choice: a column per option" \
    test "$(V table "$TMP/cross_scale.html" 1 | head -1)" = "$(printf 'Hoe veilig voelt u zich?\tGeld\tWerk\tTotaal')"
check "... yes/no by scale" \
    test "$(V table "$TMP/cross_yesno.html" 1 | cut -f1 | tr '\n' '|')" = "Fietst u in de wijk?|Ja|Nee|Totaal|"
# the results page's filter (issue 14): taken by the views where it makes sense, said, carried
check "filtered views (the whole of March, complete): the same figures as without" \
    test "$(row compare_f 1 Schoon)|$(row trend_pf 1 2027-03)|$(row cross_pf 1 Veilig)" = \
    "40|47%|30|57%|53|57% (30)|verborgen|verborgen|verborgen|verborgen|verborgen"
check "... each says which parts of the filter apply" \
    bash -c "grep -q '<p class=\"note filter\">Filter van de resultatenpagina; toegepast: periode, status.</p>' '$TMP/compare_f.html' &&
        grep -q '<p class=\"note filter\">Filter van de resultatenpagina; toegepast: periode; niet in deze weergave: weekdagen en uren.</p>' '$TMP/trend_pf.html' &&
        grep -q 'toegepast: periode, status.</p>' '$TMP/cross_pf.html'"
check "... and keeps it in its own form" \
    grep -q '<input type="hidden" name="from" value="2027-03-01"><input type="hidden" name="to" value="2027-03-31"><input type="hidden" name="wd1" value="1"><input type="hidden" name="hour_from" value="09:00">' "$TMP/trend_pf.html"
page res_f '/dash/results?set=peil&language=nl&location=pottenberg' >/dev/null
check "... the tabs of the results page carry its filter" \
    grep -q '<li><a href="/dash/crosstab?set=peil&amp;location=pottenberg&amp;language=nl">Kruistabel</a></li>' "$TMP/res_f.html"
# 1 to 4 March only: counted again from the seed, per location (side by side, trend) and in
# Pottenberg (the cross-tab's total and its "Schoon" row)
nl=$(python3 - "$TMP/9" <<'PY'
import json, sys
rows = {d: [json.loads(l) for l in open(f"{sys.argv[1]}/{d}.jsonl")] for d in ("n1", "n2", "p1")}
def n(devs, ans=None, setid="peil"):
    return sum(1 for d in devs for r in rows[d] if r["started_at"][:10] <= "2027-03-04"
               and r["questionset"] == setid and (ans is None or r["answers"]["buurt"] == ans))
print(f"{n(['n1', 'n2'], 'schoon')}|{n(['p1'], 'schoon')}|{n(['p1'])}|{n(['p1'], 'schoon')}")
PY
)
page compare_nl '/dash/compare?set=peil&to=2027-03-04' >/dev/null
page trend_nl '/dash/trend?set=peil&q=buurt&to=2027-03-04&location=pottenberg' >/dev/null
page cross_nl '/dash/crosstab?set=peil&q=buurt&q2=fiets&from=2027-03-01&to=2027-03-04&location=pottenberg' >/dev/null
IFS='|' read -r nl_n nl_p nl_ptotal nl_pschoon <<<"$nl"
check "... a period: side by side counts only those ($nl_n, $nl_p)" \
    test "$(row compare_nl 1 Schoon | cut -d'|' -f1,3)" = "$nl_n|$nl_p"
check "... a period: the trend ($nl_ptotal in March)" test "$(row trend_nl 1 2027-03 | cut -d'|' -f1)" = "$nl_ptotal"
check "... a period: the cross-tab ($nl_pschoon Schoon, $nl_ptotal in all)" \
    test "$(row cross_nl 1 Schoon | cut -d'|' -f3)|$(row cross_nl 1 Totaal | cut -d'|' -f3)" = "$nl_pschoon|$nl_ptotal"
check "a view without a known set goes back to the list of sets" \
    test "$(page none '/dash/trend?set=nope')" = 303

# The results page, over every location and per location, Dutch and English: no figure of a
# location's page subtracted from the same figure over every location leaves 1..9.
RESULTS=(
    "res /dash/results?set=peil"
    "res_p /dash/results?set=peil&location=pottenberg"
    "res_n /dash/results?set=peil&location=nazareth"
    "res_en /dash/results?set=peil&lang=en"
    "res_p_en /dash/results?set=peil&location=pottenberg&lang=en"
    "res_n_en /dash/results?set=peil&location=nazareth&lang=en"
    "res_pm /dash/results?set=peil&location=pottenberg&from=2027-03-01&to=2027-04-01"
    "res_nm /dash/results?set=peil&location=nazareth&from=2027-03-01&to=2027-04-01"
    "res_m /dash/results?set=peil&from=2027-03-01&to=2027-04-01"
)
for v in "${RESULTS[@]}"; do
    set -- $v
    check "$1: 200" test "$(page "$1" "$2")" = 200
    check "$1: 9 never shown as a number" \
        bash -c "! grep -Ew '9' <(python3 '$HERE/lib/views_check.py' text '$TMP/$1.html')"
done
for pair in "res res_p" "res res_n" "res_en res_p_en" "res_en res_n_en" "res_m res_pm" "res_m res_nm"; do
    set -- $pair
    check "$1 - $2: no small group by subtraction" \
        test -z "$(V differences "$TMP/$1.html" "$TMP/$2.html" | tee /dev/stderr)"
done
for l in "res res_p res_n" "res_en res_p_en res_n_en" "res_m res_pm res_nm"; do
    set -- $l
    check "$1, $2, $3: no hidden answer worked out from n and the figures over both" \
        test -z "$(V recoverable "$TMP/$1.html" "$TMP/$2.html" "$TMP/$3.html" | tee /dev/stderr)"
done
# the hour x weekday view of one location against all of them: no cell, nor the total, gives the
# other location's small group away by subtraction
when_cells() { # FILE -> "day:hour value" per cell of the heat table, and "total value"
    python3 - "$1" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<p class="total">[^<0-9]*(\d+)', html)
if m:
    print("total", m.group(1))
body = re.search(r'<table class="when">.*?<tbody>(.*?)</tbody>', html, re.S)
for d, tr in enumerate(re.findall(r"<tr>(.*?)</tr>", body.group(1) if body else "", re.S)):
    for hr, td in enumerate(re.findall(r"<td[^>]*>([^<]*)</td>", tr)):
        print(f"{d}:{hr}", td)
PY
}
when_diff() { # ALL LOCATION -> the cells whose difference is a small group
    join <(when_cells "$TMP/$1.html" | sort) <(when_cells "$TMP/$2.html" | sort) |
        awk '$2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ && $2 - $3 > 0 && $2 - $3 < 10 { print }'
}
for v in "when /dash/when?set=peil" "when_p /dash/when?set=peil&location=pottenberg" \
    "when_n /dash/when?set=peil&location=nazareth"; do
    set -- $v
    check "$1: 200" test "$(page "$1" "$2")" = 200
done
check "when: the view over all locations has figures to compare" \
    test "$(when_cells "$TMP/when.html" | grep -c ' [0-9][0-9]*$')" -ge 2
for l in when_p when_n; do
    check "when - $l: no small group by subtraction" \
        test -z "$(when_diff when "$l" | tee /dev/stderr)"
done
check "... Nazareth's Veilig hidden (34 - 25 = 9)" \
    test "$(V table "$TMP/res_n.html" 1 | awk -F'\t' '$1 == "Veilig"' | cut -f2)" = verborgen
check "... and something beside it (else the denominator gives it)" \
    test "$(V table "$TMP/res_n.html" 1 | grep -c verborgen)" -ge 2
# the exports' counts sheet (xlsx, over every location) against each location's page
PY=python3
$PY -c 'import openpyxl' 2>/dev/null || PY=/usr/bin/python3
counts_tsv() { # counts_tsv XLSX: the counts sheet as question_text, label, count, shown
    "$PY" -c 'import openpyxl, sys
for r in list(openpyxl.load_workbook(sys.argv[1])["counts"].iter_rows(values_only=True))[1:]:
    print("\t".join(str(v) if v is not None else "" for v in (r[1], r[3], r[4], r[5])))' "$1"
}
if "$PY" -c 'import openpyxl' 2>/dev/null && "$C" export --db "$DB" --format xlsx \
    --qset "$TMP/9/peil.json" --lang nl -o "$TMP/counts.xlsx" 2>/dev/null; then
    counts_tsv "$TMP/counts.xlsx" >"$TMP/counts.tsv"
    check "counts sheet: the figures over every location" grep -q "$(printf 'Veilig\t34\t')" "$TMP/counts.tsv"
    for l in res_p res_n; do
        check "counts sheet - $l: no small group by subtraction" \
            test -z "$(V differences "$TMP/counts.tsv" "$TMP/$l.html" | tee /dev/stderr)"
    done
else
    echo "skip counts sheet: no xlsx export or python3-openpyxl here"
fi

# --- 10: shown -------------------------------------------------------------------------------
setup 10
for v in compare trend_p trend_n cross_p cross_n compare_f trend_pf cross_pf; do
    for w in "${VIEWS[@]}"; do
        set -- $w
        if [ "$1" = "$v" ]; then page "$1" "$2" >/dev/null; fi
    done
done
for v in res_p res_n; do
    for w in "${RESULTS[@]}"; do
        set -- $w
        if [ "$1" = "$v" ]; then page "$1" "$2" >/dev/null; fi
    done
done
check "10: results in Pottenberg show Veilig" \
    test "$(V table "$TMP/res_p.html" 1 | awk -F'\t' '$1 == "Veilig"' | cut -f2)" = 10
check "10: results in Nazareth show Veilig" \
    test "$(V table "$TMP/res_n.html" 1 | awk -F'\t' '$1 == "Veilig"' | cut -f2)" = 25
check "10: side by side shows it" test "$(row compare 1 Veilig)" = "25|29%|10|19%"
check "10: trend in Pottenberg shows it" test "$(row trend_p 1 2027-03)" = "54|56% (30)|19% (10)|26% (14)"
check "10: trend in Nazareth shows March" test "$(row trend_n 1 2027-03 | cut -d'|' -f3)" = "29% (25)"
check "10: cross-tab in Pottenberg shows the row's total" test "$(row cross_p 1 Veilig | cut -d'|' -f3)" = "10"
check "10: cross-tab in Nazareth shows Veilig × Ja" test "$(row cross_n 1 Veilig | cut -d'|' -f1)" = "13 (52%)"
check "10: the filtered views show it" \
    test "$(row compare_f 1 Veilig)|$(row trend_pf 1 2027-03)|$(row cross_pf 1 Veilig | cut -d'|' -f3)" = \
    "25|29%|10|19%|54|56% (30)|19% (10)|26% (14)|10"

stop_server
if [ "$fail" -ne 0 ]; then
    echo "$fail check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
