#!/usr/bin/env bash
# Sharing back (issue 15): the collector computes the cards of a location from the stored
# responses for the questions a set shares; a bar of 9 never reaches a kiosk or the public page,
# 10 do; a question answered by 9 gets no card; the kiosk gets the cards in its heartbeat's
# answer only when its cards_version differs; withdrawing a question removes its card at the
# next heartbeat and restore brings it back; the public page is read-only, cacheable, without
# cookies, in every language of the set (Arabic right to left) and can be turned off; /public/
# shows every location side by side, and no count of 9 is on any of these pages in any language.
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
start_server() { # start_server ARGS...: serve on a free loopback port; sets SRV and URL
    rm -f "$TMP/serve.out"
    "$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/share.json" "$@" \
        >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SRV=$!
    wait_line "$TMP/serve.out" listening "$SRV" || true
    URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"
}
# heartbeat TOKEN VERSION -> the answer's body in $TMP/hb
heartbeat() {
    curl -s -o "$TMP/hb" -w '%{http_code}' -H "Authorization: Bearer $1" \
        -H 'Content-Type: application/json' \
        --data "{\"protocol\":\"wijkpeil-sync/1\",\"pending\":0,\"cards_version\":\"$2\"}" \
        "$URL/v1/status"
}
# post TOKEN BODY -> the answer's body on stdout
post() {
    curl -s -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data "$2" \
        "$URL/v1/status"
}
jq_hb() { python3 -c "import json,sys; d=json.load(open('$TMP/hb')); print(eval(sys.argv[1]))" "$1"; }
# page PATH -> status; headers in $TMP/h, body in $TMP/b
page() { curl -s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$URL$1"; }

# --- a bar of 9 -----------------------------------------------------------------------------
DB=$(coll_db_new share9)
TOK=$("$C" device add p1 --location pottenberg --db "$DB" | tail -1)
NTOK=$("$C" device add n1 --location nazareth --db "$DB" | tail -1)
python3 "$HERE/lib/share_seed.py" "$TMP" 9
"$C" import "$TMP/p1.jsonl" --device p1 --db "$DB" >/dev/null
start_server
check "a heartbeat with cards_version \"\" gets the cards" test "$(heartbeat "$TOK" "")" = 200
check "... one card: buurt (klein has 9 answers, cijfer is not shared)" \
    test "$(jq_hb "[c['question'] for c in d['cards']['cards']]")" = "['buurt']"
check "... veilig (9) never leaves: merged with groen (13) into other (22)" \
    test "$(jq_hb "[(a['id'], a['count']) for a in d['cards']['cards'][0]['answers']]")" = \
    "[('schoon', 31), ('', 22)]"
check "... percentages by largest remainder add up to 100 (58 + 42)" \
    test "$(jq_hb "[a['percent'] for a in d['cards']['cards'][0]['answers']]")" = "[58, 42]"
check "... n, the period (this month so far) and the texts per language" \
    test "$(jq_hb "(d['cards']['cards'][0]['n'], d['cards']['period']['whole_month'], d['cards']['cards'][0]['text']['ar'])")" = \
    "(53, False, 'ما الأهم لك؟')"
check "... no count below 10 anywhere in the document" \
    python3 -c "
import json,sys
d=json.load(open('$TMP/hb'))['cards']
def walk(v):
    if isinstance(v,dict):
        if 'count' in v and v['count']<10: sys.exit(1)
        for x in v.values(): walk(x)
    if isinstance(v,list):
        for x in v: walk(x)
walk(d)"
V=$(jq_hb "d['cards']['version']")
post "$TOK" "{\"protocol\":\"wijkpeil-sync/1\",\"cards_version\":\"$V\"}" >"$TMP/same"
check "the same version again: ok, and no cards in the answer" \
    bash -c "grep -q '\"ok\":true' '$TMP/same' && ! grep -q cards '$TMP/same'"
post "$TOK" '{"protocol":"wijkpeil-sync/1"}' >"$TMP/old"
check "a heartbeat without cards_version (an older kiosk) gets no cards" \
    bash -c "grep -q '\"ok\":true' '$TMP/old' && ! grep -q cards '$TMP/old'"
check "cards_version must be a string" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
        --data '{"protocol":"wijkpeil-sync/1","cards_version":1}' "$URL/v1/status")" = 400
post "$NTOK" '{"protocol":"wijkpeil-sync/1","cards_version":""}' >"$TMP/naz"
check "another location (nazareth, no responses) gets an empty list" grep -q '"cards":\[\]' "$TMP/naz"
check "the public page answers 200 without sign-in" test "$(page /public/pottenberg)" = 200
check "... cacheable" grep -qi '^Cache-Control: public, max-age=' "$TMP/h"
check "... sets no cookie" bash -c "! grep -qi '^Set-Cookie' '$TMP/h'"
check "... Dutch first, with the question and its answers" \
    bash -c "grep -q '<html lang=\"nl\" dir=\"ltr\">' '$TMP/b' && grep -q 'Wat vindt u het belangrijkst?' '$TMP/b' && grep -q 'Schoon' '$TMP/b'"
check "... the period in words, as the kiosk says it (1–N maand JJJJ), no ISO dates" \
    bash -c "grep -Eq 'Periode: <bdi>1–[0-9]+ (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) 20[0-9]{2}</bdi>, deze maand tot nu toe. Cijfers van <bdi>[0-9]+ [a-z]+ 20[0-9]{2}</bdi>' '$TMP/b' && ! grep -Eq '<bdi>20[0-9]{2}-[0-9]{2}-[0-9]{2}' '$TMP/b'"
check "... veilig (9) is not on it" bash -c "! grep -q 'Veilig' '$TMP/b'"
check "... nor the 9 of klein" bash -c "! grep -q 'Kent u de buren' '$TMP/b'"
check "... links to every language of the set" \
    bash -c "for l in en ar tr pl uk ti; do grep -q \"href=\\\"?lang=\$l\\\"\" '$TMP/b' || exit 1; done"
check "... and to both neighbourhoods side by side, in its language" \
    grep -q '<a href="./?lang=nl">Alle wijken naast elkaar</a>' "$TMP/b"
check "... Tigrinya in the words the set brings for it (the kiosk has none built in)" \
    bash -c "curl -s '$URL/public/pottenberg?lang=ti' | grep -q '<h1>ጎረባብትኹም እንታይ በሉ</h1>'"
check "... Turkish, Polish and Ukrainian in the kiosk's own words, not English" \
    bash -c "curl -s '$URL/public/pottenberg?lang=tr' | grep -q '<h1>Komşularınız ne dedi</h1>' &&
        curl -s '$URL/public/pottenberg?lang=pl' | grep -q '<h1>Co powiedzieli sąsiedzi</h1>' &&
        curl -s '$URL/public/pottenberg?lang=uk' | grep -q '<h1>Що сказали ваші сусіди</h1>'"
check "... a table for screen readers" grep -q '<th scope="row">Schoon</th><td>58%</td><td>31</td>' "$TMP/b"
check "... Arabic right to left" \
    bash -c "test \"\$(curl -s -o '$TMP/ar' -w '%{http_code}' '$URL/public/pottenberg?lang=ar')\" = 200 && \
        grep -q '<html lang=\"ar\" dir=\"rtl\">' '$TMP/ar' && grep -q 'نظيف' '$TMP/ar'"
check "... nothing from another origin (no src=, no http link)" \
    bash -c "! grep -Eq 'src=|https?://' '$TMP/b'"
check "... read-only: POST refused" \
    test "$(curl -s -o /dev/null -w '%{http_code}' --data x "$URL/public/pottenberg")" = 405
check "... a location no kiosk stands at: 404, not a page saying too few answered" \
    bash -c "test \"\$(curl -s -o '$TMP/x' -w '%{http_code}' '$URL/public/elders')\" = 404 && ! grep -q 'class=\"card\"' '$TMP/x'"

check "/public/: both neighbourhoods side by side" test "$(page /public/)" = 200
check "... cacheable, no cookie" \
    bash -c "grep -qi '^Cache-Control: public, max-age=' '$TMP/h' && ! grep -qi '^Set-Cookie' '$TMP/h'"
check "... the question once, with the card of pottenberg and nazareth's fewer than 10" \
    python3 -c "
import re, sys
b = open('$TMP/b', encoding='utf-8').read()
sec = re.findall(r'<section class=\"card\".*?</section>', b, re.S)
assert len(sec) == 1 and 'Wat vindt u het belangrijkst?' in sec[0], len(sec)
places = re.findall(r'<div class=\"place\">.*?</h3>.*?(?=<div class=\"place\">|</div>\n</section>)', sec[0], re.S)
assert [re.search(r'>(\w+)</a></h3>', p).group(1) for p in places] == ['nazareth', 'pottenberg'], places
assert 'Minder dan 10 buren gaven antwoord' in places[0] and '<td>' not in places[0], places[0]
assert '<th scope=\"row\">Schoon</th><td>58%</td><td>31</td>' in places[1], places[1]
"
check "... each place links to its own page" grep -q '<a href="pottenberg?lang=nl">pottenberg</a>' "$TMP/b"
check "... Arabic right to left" \
    bash -c "curl -s '$URL/public/?lang=ar' | grep -q '<html lang=\"ar\" dir=\"rtl\">'"
for p in / /pottenberg /nazareth; do
    for l in nl en ar tr pl uk ti; do
        curl -s -o "$TMP/all.$l.${p#/}" "$URL/public$p?lang=$l"
    done
done
check "no count of 9 (veilig, klein) anywhere on /public/ or /public/LOCATION, in any language" \
    python3 -c "
import glob, html, re, sys
files = glob.glob('$TMP/all.*')
assert len(files) == 21, len(files)
for f in files:
    text = html.unescape(re.sub(r'<[^>]*>', ' ', open(f, encoding='utf-8').read()))
    # a 9 standing alone: not inside a date, another number or a percentage
    if re.search(r'(?<![\w.-])9(?![\w.%-])', text):
        sys.exit(f + ': ' + text)
    if 'Veilig' in text or 'Kent u de buren' in text:
        sys.exit(f + ': veilig or klein')
"

# --- withdraw and restore ---------------------------------------------------------------------
check "share withdraw" "$C" share withdraw deel buurt --db "$DB"
post "$TOK" "{\"protocol\":\"wijkpeil-sync/1\",\"cards_version\":\"$V\"}" >"$TMP/wd"
check "... the next heartbeat with the old version gets the cards without buurt" \
    grep -q '"cards":\[\]' "$TMP/wd"
check "... and the public page no longer shows it" \
    bash -c "curl -s '$URL/public/pottenberg' > '$TMP/w' && ! grep -q 'Wat vindt u' '$TMP/w'"
check "... nor says fewer than 10 answered: more did (the note on small counts stays)" \
    bash -c "! grep -q 'Minder dan 10 buren gaven antwoord' '$TMP/w' && grep -q 'Antwoorden die minder dan 10 buren kozen' '$TMP/w'"
check "share restore" "$C" share restore deel buurt --db "$DB"
heartbeat "$TOK" "" >/dev/null
check "... the card is back, with the first version" test "$(jq_hb "d['cards']['version']")" = "$V"
# typos: an unknown set or question is refused, named, and nothing is withdrawn
sharerr() { # sharerr ARGS... -> exit status; stderr in $TMP/se
    local rc=0
    "$C" share "$@" --db "$DB" >/dev/null 2>"$TMP/se" || rc=$?
    echo "$rc"
}
check "share withdraw of an unknown set: refused (exit 1)" test "$(sharerr withdraw deal buurt)" = 1
check "... naming the set" grep -q 'unknown question set "deal"' "$TMP/se"
check "share withdraw of an unknown question: refused (exit 1)" test "$(sharerr withdraw deel buur)" = 1
check "... naming the question and its set" grep -q 'unknown question "buur" of set deel' "$TMP/se"
check "... nothing withdrawn" test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM share_withdrawn")" = 0
check "share restore of a question not withdrawn: says so (exit 1)" \
    test "$(sharerr restore deel buurt)" = 1
check "... in one line" test "$(cat "$TMP/se")" = \
    "wijkpeil-collector: deel buurt is not withdrawn: nothing to restore"
check "share restore of an unknown question: refused" test "$(sharerr restore deel buur)" = 1
# a question not answered yet is known from the set's file (--qset)
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['questions'].append({'id':'nieuw','type':'yesno','text':{'nl':'n','en':'n','ar':'n'}}); json.dump(d,open(sys.argv[2],'w'))" \
    "$TMP/share.json" "$TMP/share2.json"
check "share withdraw of a question not answered yet: refused without --qset" \
    test "$(sharerr withdraw deel nieuw)" = 1
check "... accepted with --qset SET.json that has it" \
    test "$(sharerr withdraw deel nieuw --qset "$TMP/share2.json")" = 0
check "... restored (the withdrawal is known)" test "$(sharerr restore deel nieuw)" = 0
check "--qset of a set without the question: refused" \
    test "$(sharerr withdraw deel nieuw2 --qset "$TMP/share2.json")" = 1
check "... naming it" grep -q 'question set deel has no question "nieuw2"' "$TMP/se"
check "--qset of another set: refused" test "$(sharerr withdraw other buurt --qset "$TMP/share2.json")" = 1
check "... naming both" grep -q 'is question set "deel", not "other"' "$TMP/se"
check "share with a wrong sub-command is a usage error" \
    bash -c "'$C' share remove deel buurt --db '$DB' 2>/dev/null; test \$? -eq 2"
stop_server

start_server --no-public
check "serve --no-public: no public page" bash -c "test \"\$(curl -s -o '$TMP/np' -w '%{http_code}' '$URL/public/pottenberg')\" != 200 && ! grep -q 'Schoon' '$TMP/np'"
check "... nor the page of both neighbourhoods" bash -c "test \"\$(curl -s -o '$TMP/np' -w '%{http_code}' '$URL/public/')\" != 200 && ! grep -q 'Schoon' '$TMP/np'"
stop_server

# --- the kiosk's uploader keeps the cards --------------------------------------------------
if [ -n "${WIJKPEIL:-}" ]; then
    start_server
    PORT=${URL##*:}
    printf 'endpoint = http://127.0.0.1:%s/\ntoken = %s\ndevice_id = p1\nlocation = pottenberg\n' \
        "$PORT" "$TOK" >"$TMP/k.conf"
    kcards() { sqlite3 "$TMP/k.db" "SELECT doc FROM cards" 2>/dev/null; }
    check "a kiosk that never synced holds no cards" test -z "$(kcards)"
    "$WIJKPEIL" sync --config "$TMP/k.conf" --db "$TMP/k.db" >/dev/null 2>&1
    check "after a sync the kiosk's store holds the cards of its location" \
        bash -c "sqlite3 '$TMP/k.db' 'SELECT doc FROM cards' | grep -q '\"question\":\"buurt\"'"
    check "... without the 9" bash -c "! sqlite3 '$TMP/k.db' 'SELECT doc FROM cards' | grep -q veilig"
    "$C" share withdraw deel buurt --db "$DB" >/dev/null
    "$WIJKPEIL" sync --config "$TMP/k.conf" --db "$TMP/k.db" >/dev/null 2>&1
    check "withdrawn: the next sync leaves the kiosk without the card" \
        bash -c "sqlite3 '$TMP/k.db' 'SELECT doc FROM cards' | grep -q '\"cards\":\[\]'"
    "$C" share restore deel buurt --db "$DB" >/dev/null
    "$WIJKPEIL" sync --config "$TMP/k.conf" --db "$TMP/k.db" >/dev/null 2>&1
    stop_server
    "$WIJKPEIL" sync --config "$TMP/k.conf" --db "$TMP/k.db" >/dev/null 2>&1 || true
    check "restored, then a sync without the collector: the kiosk keeps its cards" \
        bash -c "sqlite3 '$TMP/k.db' 'SELECT doc FROM cards' | grep -q '\"question\":\"buurt\"'"
fi

# --- a bar of 10 ------------------------------------------------------------------------------
DB=$(coll_db_new share10)
TOK=$("$C" device add p1 --location pottenberg --db "$DB" | tail -1)
python3 "$HERE/lib/share_seed.py" "$TMP" 10
"$C" import "$TMP/p1.jsonl" --device p1 --db "$DB" >/dev/null
start_server
heartbeat "$TOK" "" >/dev/null
check "with 10 veilig reaches the kiosk, groen too: no other" \
    test "$(jq_hb "[(a['id'], a['count'], a['percent']) for a in d['cards']['cards'][0]['answers']]")" = \
    "[('schoon', 31, 57), ('veilig', 10, 19), ('groen', 13, 24)]"
check "... and the public page" bash -c "test \"\$(curl -s '$URL/public/pottenberg' | grep -c 'Veilig')\" -ge 1"
stop_server

# --- last month, complete ----------------------------------------------------------------------
DB=$(coll_db_new sharelast)
TOK=$("$C" device add p1 --location pottenberg --db "$DB" | tail -1)
python3 "$HERE/lib/share_seed.py" "$TMP" 10 0 last
"$C" import "$TMP/p1.jsonl" --device p1 --db "$DB" >/dev/null
start_server
heartbeat "$TOK" "" >/dev/null
check "responses of last month: the card covers that whole month" \
    test "$(jq_hb "(d['cards']['period']['whole_month'], d['cards']['period']['from'][8:], len(d['cards']['cards']))")" = "(True, '01', 1)"
stop_server

[ "$fail" -eq 0 ] || {
    echo "$fail checks failed" >&2
    exit 1
}
echo "all ok"
