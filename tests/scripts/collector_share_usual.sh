#!/usr/bin/env bash
# The cards say when fewer neighbours than usual answered, and how many answered this month
# (issue 15): "expected" on a card = the median of the responses per month of the up to 3
# complete months before the period that have any, present only when the card's responses are
# fewer; "this_month" = the complete responses at the location this month, rounded down to a
# multiple of 5, present only when at least k. Both change the version. The public page says
# "fewer than usual" in every language of the set, and names a smiley's answers with the
# kiosk's own words (as does the export's counts sheet).
set -euo pipefail
HERE=$(dirname "$0")
# shellcheck source=lib/coll_test.sh
. "$HERE/lib/coll_test.sh"
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
SRV=""
# scenario NAME BACK:COUNT...: a new database with these responses of p1 at pottenberg, served
# (the previous server stopped); the cards document of p1's heartbeat in $TMP/hb
scenario() {
    local name=$1
    shift
    if [ -n "$SRV" ]; then
        kill "$SRV" 2>/dev/null || true
        wait "$SRV" 2>/dev/null || true
    fi
    DB=$(coll_db_new "usual_$name")
    TOK=$("$C" device add p1 --location pottenberg --db "$DB" | tail -1)
    python3 "$HERE/lib/usual_seed.py" "$TMP" "$@"
    "$C" import "$TMP/p1.jsonl" --device p1 --db "$DB" >/dev/null
    coll_serve "$name" --db "$DB" --qset "$TMP/usual.json"
    SRV=${PIDS[-1]}
    URL="http://127.0.0.1:$SERVE_PORT"
    curl -s -o "$TMP/hb" -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
        --data '{"protocol":"wijkpeil-sync/1","pending":0,"cards_version":""}' "$URL/v1/status"
}
jq_hb() { python3 -c "import json,sys; d=json.load(open('$TMP/hb'))['cards']; print(eval(sys.argv[1]))" "$1"; }

# --- fewer than usual; 9 this month ---------------------------------------------------------
scenario low 1:53 2:80 3:70 4:90 0:9
check "last month (53) after 80, 70 and 90: the card of last month says expected 80" \
    test "$(jq_hb "(d['period']['whole_month'], d['cards'][0]['responses'], d['cards'][0].get('expected'))")" = \
    "(True, 53, 80)"
check "9 complete responses this month (k 10): no this_month" test "$(jq_hb "'this_month' in d")" = False
for lang in nl en ar tr pl uk ti; do
    curl -s -o "$TMP/p.$lang" "$URL/public/pottenberg?lang=$lang"
done
check "the public page says so in Dutch, with the kiosk's words" \
    grep -q 'Minder buren dan gewoonlijk antwoordden (53; meestal ongeveer 80).' "$TMP/p.nl"
check "... in English" grep -q 'Fewer neighbours than usual answered (53; usually about 80).' "$TMP/p.en"
check "... in every language of the set, from the kiosk's tables (Tigrinya: the set's own)" \
    python3 -c "
import json, re, sys
ui = json.load(open('$HERE/../../assets/ui-strings.json', encoding='utf-8'))
ti = json.load(open('$TMP/usual.json', encoding='utf-8'))['ui_strings']['ti']
for lang in ['nl', 'en', 'ar', 'tr', 'pl', 'uk', 'ti']:
    words = ti if lang == 'ti' else ui[lang]
    page = open('$TMP/p.' + lang, encoding='utf-8').read()
    want = words['card_expected'].replace('{n}', '53').replace('{e}', '80')
    want = want.replace('&', '&amp;').replace(\"'\", '&#39;').replace('\"', '&quot;')
    for key in ['card_heading', 'smiley_4']:
        if words[key] not in page:
            sys.exit(f'{lang}: no {key} {words[key]!r}')
    if want not in page:
        sys.exit(f'{lang}: no {want!r}')
"
check "the smiley's answers are the kiosk's words (Goed, Heel goed), not the collector's own" \
    bash -c "grep -q '<th scope=\"row\">Goed</th>' '$TMP/p.nl' && grep -q '<th scope=\"row\">Heel goed</th>' '$TMP/p.nl' && ! grep -qi 'tevreden' '$TMP/p.nl'"
check "Arabic right to left, Tigrinya left to right (the set's own dir)" \
    bash -c "grep -q '<html lang=\"ar\" dir=\"rtl\">' '$TMP/p.ar' && grep -q '<html lang=\"ti\" dir=\"ltr\">' '$TMP/p.ti'"
V_LOW=$(jq_hb "d['version']")
# the analyst's counts sheet names the faces as the kiosk does too (one source of words)
# (not on a collector built without libxlsxwriter: the arm64 build)
if "$C" export --db "$DB" --format xlsx --qset "$TMP/usual.json" --lang nl -o "$TMP/u.xlsx" \
    2>"$TMP/u.err" || ! grep -q 'built without libxlsxwriter' "$TMP/u.err"; then
    check "the export (xlsx, nl) names the faces Goed and Heel goed, the kiosk's words" python3 -c "
import re, sys, zipfile
z = zipfile.ZipFile('$TMP/u.xlsx')
text = [html for n in z.namelist() if n.endswith('.xml') for html in re.findall(r'<t[^>]*>([^<]*)</t>', z.read(n).decode())]
sys.exit(0 if 'Goed' in text and 'Heel goed' in text and not any('tevreden' in t for t in text) else str(text))
"
fi

# --- as many as usual; 12 this month ----------------------------------------------------------
scenario usual 1:85 2:80 3:70 4:90 0:12
check "last month (85) after 80, 70 and 90: no expected" \
    test "$(jq_hb "(d['cards'][0]['responses'], 'expected' in d['cards'][0])")" = "(85, False)"
check "12 complete responses this month: this_month 10 (rounded down to a multiple of 5)" \
    test "$(jq_hb "(d['this_month']['from'][8:], d['this_month']['responses'])")" = "('01', 10)"
check "... from the first of this month" \
    test "$(jq_hb "d['this_month']['from']")" = "$(date +%Y-%m-01)"
curl -s -o "$TMP/p.nl" "$URL/public/pottenberg?lang=nl"
check "the public page says nothing of fewer than usual" bash -c "! grep -q gewoonlijk '$TMP/p.nl'"

# --- this_month at k exactly; the version follows it ------------------------------------------
scenario atk 1:85 0:10
check "10 complete responses this month (k 10): this_month 10" \
    test "$(jq_hb "d['this_month']['responses']")" = 10
V10=$(jq_hb "d['version']")
scenario atk14 1:85 0:14
check "14: still 10, the same version (no new document for every response)" \
    test "$(jq_hb "(d['this_month']['responses'], d['version'])")" = "(10, '$V10')"
scenario atk15 1:85 0:15
check "15: this_month 15 and a new version (the kiosk gets it)" \
    test "$(jq_hb "(d['this_month']['responses'], d['version'] != '$V10')")" = "(15, True)"

# --- nothing known before; two months known ---------------------------------------------------
scenario none 1:53
check "no month before the period has responses: no expected" \
    test "$(jq_hb "(d['cards'][0]['responses'], 'expected' in d['cards'][0])")" = "(53, False)"
check "... and a version other than with expected" test "$(jq_hb "d['version'] != '$V_LOW'")" = True
scenario two 1:53 2:60 4:91
check "two months known (60 and 91): expected is their median, 76" \
    test "$(jq_hb "d['cards'][0].get('expected')")" = 76
scenario sofar 0:30 1:0 2:40
check "the current month so far (30) after 40: expected 40 on this month's card" \
    test "$(jq_hb "(d['period']['whole_month'], d['cards'][0]['responses'], d['cards'][0].get('expected'))")" = \
    "(False, 30, 40)"

[ "$fail" -eq 0 ] || {
    echo "$fail checks failed" >&2
    exit 1
}
echo "all ok"
