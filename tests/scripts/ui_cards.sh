#!/usr/bin/env bash
# What neighbours said, on the kiosk (issue 15): a real collector on 127.0.0.1 computes the
# cards, `wijkpeil sync` keeps them in the kiosk's store; the attract screen then shows a card in
# each language it cycles through (question, labelled bars with percentages, "6 in 10 ...", n,
# period, the date of the figures), the 9-strong answer never; a tap on the card starts the poll
# at once; read aloud, the card's words are what is read; the thank-you screen says how many
# answered and shows the chosen question's card; after a restart without the collector the
# cards are still there with their date. Screenshots (7" portrait, 10.1", 24"; Dutch and Arabic)
# stay in $WIJKPEIL_BUILD/cards-screenshots.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
C="$WIJKPEIL_COLLECTOR"
HERE=$(dirname "$0")
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
# label FILE.json ID: the label of widget ID in a tree
label() {
    python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print(next((w['label'] for w in t['widgets'] if w['id']==sys.argv[2]), '<none>'))" "$1" "$2"
}

DB="$TMP/c.db"
TOK=$("$C" device add p1 --location pottenberg --db "$DB" | tail -1)
python3 "$HERE/lib/share_seed.py" "$TMP" 9
"$C" import "$TMP/p1.jsonl" --device p1 --db "$DB" >/dev/null
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/share.json" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV"
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
conf() { # conf WIDTH_MM: the kiosk's settings on a screen this wide
    printf 'endpoint = http://127.0.0.1:%s/\ntoken = %s\ndevice_id = p1\nlocation = pottenberg\nscreen_width_mm = %s\n' \
        "$PORT" "$TOK" "$1" >"$TMP/k.conf"
}
conf 217
K=("$WIJKPEIL" --config "$TMP/k.conf" --questionset "$TMP/share.json" --db "$TMP/k.db")

# Before any sync: no cards.
printf 'expect-screen attract\ntree %s/none.json\n' "$TMP" >"$TMP/none.txt"
"${K[@]}" --window 1280x800 --script "$TMP/none.txt" >/dev/null 2>&1
check "a kiosk that never received cards shows none" bash -c "! grep -q '\"id\": \"card-' '$TMP/none.json'"

"$WIJKPEIL" sync --config "$TMP/k.conf" --db "$TMP/k.db" >/dev/null 2>&1

# The attract screen cycles nl, en, ar every 3 s: a card in each (on a 24" panel: on 10.1" an
# Arabic card does not fit above "start" and is left out; see the screenshots).
conf 531
cat >"$TMP/cycle.txt" <<S
expect-screen attract
expect-widget card-question
tree $TMP/a-nl.json
wait 3000
tree $TMP/a-en.json
wait 3000
tree $TMP/a-ar.json
tap-id card-question
expect-screen language
S
"${K[@]}" --window 1920x1080 --script "$TMP/cycle.txt" >"$TMP/cycle.out" 2>&1 && echo ok >"$TMP/cycle.ok" || cat "$TMP/cycle.out"
conf 217
check "nl: the card asks the question in Dutch" test "$(label "$TMP/a-nl.json" card-question)" = "Wat vindt u het belangrijkst?"
check "nl: 6 in 10 chose Schoon" test "$(label "$TMP/a-nl.json" card-sentence)" = "6 op de 10 buren kozen: Schoon"
check "nl: bars Schoon 58% and Andere antwoorden 42% (veilig, 9, merged)" \
    test "$(label "$TMP/a-nl.json" card-answer-0) $(label "$TMP/a-nl.json" card-percent-0) $(label "$TMP/a-nl.json" card-answer-1) $(label "$TMP/a-nl.json" card-percent-1)" = "Schoon 58% Andere antwoorden 42%"
check "... and no third bar" test "$(label "$TMP/a-nl.json" card-answer-2)" = "<none>"
# this month in Dutch words, as the card says dates ("1–15 maart 2027")
MONTH="$(python3 -c "import datetime; print('januari februari maart april mei juni juli augustus september oktober november december'.split()[datetime.datetime.utcnow().month - 1], datetime.datetime.utcnow().year)")"
check "nl: n, the period (this month so far) and the date of the figures, in words" \
    grep -q "\"label\": \"53 buren gaven antwoord. Periode: 1–[0-9]* $MONTH, deze maand tot nu toe. Cijfers van [0-9]* $MONTH.\"" "$TMP/a-nl.json"
check "en: the card in English" test "$(label "$TMP/a-en.json" card-question)" = "What matters most to you?"
check "ar: the card in Arabic" test "$(label "$TMP/a-ar.json" card-question)" = "ما الأهم لك؟"
check "ar: written right to left" grep -q '"rtl": true' "$TMP/a-ar.json"
check "a tap on the card starts the poll at once (the script's expect-screen language passed)" \
    grep -q . "$TMP/cycle.ok"
check "read aloud: the card's words are what is read (spoken text of the bars)" \
    grep -q '"spoken": "Schoon: 58%"' "$TMP/a-nl.json"

# Screenshots to look at: 7" portrait, 10.1", 24"; Dutch and Arabic.
SHOTS="$WIJKPEIL_BUILD/cards-screenshots"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
for p in 720x1280:88 1280x800:217 1920x1080:531; do
    conf "${p#*:}"
    printf 'expect-screen attract\nshot %s/attract-%s-nl.png\nwait 6000\nshot %s/attract-%s-ar.png\n' \
        "$SHOTS" "${p%:*}" "$SHOTS" "${p%:*}" >"$TMP/shot.txt"
    "${K[@]}" --window "${p%:*}" --script "$TMP/shot.txt" >/dev/null 2>&1 || { echo "FAIL: shots ${p%:*}" >&2; fail=$((fail + 1)); }
done
conf 217

# The thank-you screen: after the response is stored.
cat >"$TMP/thanks.txt" <<S
tap-id start
tap-id lang:nl
tap-id option:buurt:schoon
tap-id next
tap-id next
tap-id next
expect-screen thanks
tree $TMP/thanks.json
shot $SHOTS/thanks-1280x800-nl.png
S
"${K[@]}" --window 1280x800 --script "$TMP/thanks.txt" >"$TMP/thanks.out" 2>&1 || { cat "$TMP/thanks.out"; fail=$((fail + 1)); }
# "You are one of N": this_month's responses (when the collector sends this_month) plus this one
ONE_OF=$(python3 -c "import json,sqlite3,sys; d=json.loads(sqlite3.connect(sys.argv[1]).execute('SELECT doc FROM cards').fetchone()[0]); m=d.get('this_month'); print('U bent een van de %d buren die deze maand antwoord gaven.' % (m['responses'] + 1) if m else '<none>')" "$TMP/k.db")
check "thanks: you are one of N+1 neighbours (no line without this_month)" test "$(label "$TMP/thanks.json" one-of)" = "$ONE_OF"
check "thanks: with the card of buurt" test "$(label "$TMP/thanks.json" card-question)" = "Wat vindt u het belangrijkst?"

# Restart without the collector: the cards are still there, with their date.
stop_server
"$WIJKPEIL" sync --config "$TMP/k.conf" --db "$TMP/k.db" >/dev/null 2>&1 || true
printf 'expect-screen attract\nexpect-widget card-question\ntree %s/offline.json\n' "$TMP" >"$TMP/offline.txt"
"${K[@]}" --window 1280x800 --script "$TMP/offline.txt" >"$TMP/offline.out" 2>&1 || { cat "$TMP/offline.out"; fail=$((fail + 1)); }
check "offline restart: the card is still shown" test "$(label "$TMP/offline.json" card-question)" = "Wat vindt u het belangrijkst?"
check "... with the date of its figures" grep -q "Cijfers van [0-9]* $MONTH" "$TMP/offline.json"

echo "screenshots: $SHOTS"
[ "$fail" -eq 0 ] || {
    echo "$fail checks failed" >&2
    exit 1
}
echo "all ok"
