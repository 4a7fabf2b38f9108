#!/usr/bin/env bash
# "You are one of N neighbours who answered this month" (issue 15), on the kiosk alone: the cards
# document in the kiosk's store has this_month (responses at the location this month as of
# computed_at, PROTOCOL.md); the thank-you screen says N + the complete responses this kiosk
# stored this month that those cards cannot count (not delivered before they arrived), this one
# included: a response delivered before the cards arrived is never counted twice, whatever the
# kiosk's clock says against the collector's. Without this_month, or with one of another month,
# there is no such line. A card with "expected" says that fewer neighbours than usual answered.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
HERE=$(dirname "$0")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}
label() { # label FILE.json ID: the label of widget ID in a tree
    python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print(next((w['label'] for w in t['widgets'] if w['id']==sys.argv[2]), '<none>'))" "$1" "$2"
}

python3 "$HERE/lib/share_seed.py" "$TMP" 10
printf 'screen_width_mm = 531\n' >"$TMP/k.conf"
K=("$WIJKPEIL" --config "$TMP/k.conf" --questionset "$TMP/share.json" --db "$TMP/k.db")
# The first start makes the database.
printf 'expect-screen attract\n' >"$TMP/start.txt"
"${K[@]}" --window 1920x1080 --script "$TMP/start.txt" >/dev/null 2>&1

# put_cards THIS_MONTH_JSON [DELIVERED]: a cards document computed an hour ago, with this_month
# (or none), received at time 0; with DELIVERED, received now, every response stored so far
# having been delivered a second before (the collector counted them)
put_cards() {
    python3 - "$TMP/k.db" "$1" "${2:-}" <<'PY'
import datetime, json, sqlite3, sys
now = datetime.datetime.now(datetime.timezone.utc)
at = (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
month = datetime.date.today().replace(day=1)
doc = {"version": "v-" + sys.argv[2], "location": "pottenberg", "k": 10, "computed_at": at,
       "period": {"from": month.isoformat(), "to": datetime.date.today().isoformat(),
                  "whole_month": False},
       "cards": [{"questionset": "deel", "question": "buurt", "type": "single",
                  "languages": ["nl", "en", "ar"],
                  "text": {"nl": "Wat vindt u het belangrijkst?", "en": "What matters most to you?",
                           "ar": "ما الأهم لك؟"},
                  "n": 53, "responses": 53, "expected": 80,
                  "answers": [{"id": "schoon", "text": {"nl": "Schoon", "en": "Clean", "ar": "نظيف"},
                               "count": 31, "percent": 58},
                              {"id": "", "other": True, "count": 22, "percent": 42}]}]}
tm = json.loads(sys.argv[2])
db = sqlite3.connect(sys.argv[1])
if tm == "last":
    last = (month - datetime.timedelta(days=1)).replace(day=1)
    doc["this_month"] = {"from": last.isoformat(), "responses": 41}
elif tm is not None:
    doc["this_month"] = {"from": month.isoformat(), "responses": tm}
received = 0
if sys.argv[3]:
    received = int(now.timestamp() * 1000)
    db.execute("UPDATE responses SET sent = 1, sent_at = ?", (received - 1000,))
db.execute("INSERT INTO cards(id, doc, received_at) VALUES(1, ?, ?) ON CONFLICT(id) DO UPDATE "
           "SET doc = excluded.doc, received_at = excluded.received_at",
           (json.dumps(doc, ensure_ascii=False), received))
db.commit()
PY
}
# answer NAME: one resident answers in Dutch; the thank-you screen's tree goes to NAME.json
answer() {
    cat >"$TMP/$1.txt" <<S
expect-screen attract
tree $TMP/$1-attract.json
tap-id start
tap-id lang:nl
tap-id option:buurt:schoon
tap-id next
tap-id next
tap-id next
expect-screen thanks
tree $TMP/$1.json
S
    "${K[@]}" --window 1920x1080 --script "$TMP/$1.txt" >"$TMP/$1.out" 2>&1 || {
        cat "$TMP/$1.out"
        fail=$((fail + 1))
    }
}

put_cards 41
answer first
check "one of 41 + this one" test "$(label "$TMP/first.json" one-of)" = \
    "U bent een van de 42 buren die deze maand antwoord gaven."
answer second
check "... and the next resident: one of 43 (the first stored since computed_at counts)" \
    test "$(label "$TMP/second.json" one-of)" = \
    "U bent een van de 43 buren die deze maand antwoord gaven."
# Both delivered, then new cards (43: those two counted) arrive: the next resident is one of 44,
# not 46 (their finished_at lies after computed_at, but they are in the 43)
put_cards 43 delivered
answer third
check "responses delivered before the cards arrived are not counted twice: one of 44" \
    test "$(label "$TMP/third.json" one-of)" = \
    "U bent een van de 44 buren die deze maand antwoord gaven."
check "the card says fewer neighbours than usual answered" \
    test "$(label "$TMP/first-attract.json" card-fewer)" = \
    "Minder buren dan gewoonlijk antwoordden (53; meestal ongeveer 80)."
check "... and it is read aloud with the card" \
    grep -q '"spoken": "Minder buren dan gewoonlijk antwoordden (53; meestal ongeveer 80)."' \
    "$TMP/first-attract.json"

put_cards null
answer none
check "without this_month: no one-of line" test "$(label "$TMP/none.json" one-of)" = "<none>"
check "... the card is still there" test "$(label "$TMP/none.json" card-question)" = \
    "Wat vindt u het belangrijkst?"

put_cards '"last"'
answer last
check "this_month of last month: no one-of line" test "$(label "$TMP/last.json" one-of)" = "<none>"

[ "$fail" -eq 0 ] || {
    echo "$fail checks failed" >&2
    exit 1
}
echo "all ok"
