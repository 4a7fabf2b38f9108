#!/usr/bin/env bash
# The `share` setting from the centre (issue 16 item 2): a kiosk shows the cards of what
# neighbours said (a real collector computes them, `wijkpeil sync` keeps them); a signed settings
# document with `share = no` published to its location and fetched by the next sync takes them
# off the attract screen (the kiosk log says so); withdrawn, they come back.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
C="$WIJKPEIL_COLLECTOR"
Q="$WIJKPEIL_QSET"
HERE=$(dirname "$0")
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; fi
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
cards_in() { grep -c '"id": "card-' "$1" || true; }

(cd "$TMP" && "$Q" keygen -o centre >/dev/null)
DB="$TMP/c.db"
TOK=$("$C" device add p1 --location pottenberg --db "$DB" | tail -1)
python3 "$HERE/lib/share_seed.py" "$TMP" 9
"$C" import "$TMP/p1.jsonl" --device p1 --db "$DB" >/dev/null
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/share.json" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV"
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
printf 'endpoint = http://127.0.0.1:%s/\ntoken = %s\ndevice_id = p1\nlocation = pottenberg\nscreen_width_mm = 531\ntrusted_key = %s\n' \
    "$PORT" "$TOK" "$(cat "$TMP/centre.public")" >"$TMP/k.conf"
K=("$WIJKPEIL" --config "$TMP/k.conf" --questionset "$TMP/share.json" --db "$TMP/k.db" --window 1920x1080)
ksync() { "$WIJKPEIL" sync --config "$TMP/k.conf" --db "$TMP/k.db" >"$TMP/sync.out" 2>&1; }
show() { # show NAME: the attract screen's tree after a second, in $TMP/NAME.json
    printf 'expect-screen attract\nwait 1000\ntree %s/%s.json\n' "$TMP" "$1" >"$TMP/$1.txt"
    "${K[@]}" --script "$TMP/$1.txt" >"$TMP/$1.out" 2>&1 || cat "$TMP/$1.out" >&2
}

check "sync: the cards" ksync
show before
check "share on (the default): a card on the attract screen" test "$(cards_in "$TMP/before.json")" -gt 0

printf 'share = no\n' >"$TMP/noshare.conf"
"$Q" sign "$TMP/noshare.conf" --key "$TMP/centre.secret" >/dev/null
ID=$("$C" publish "$TMP/noshare.conf" --location pottenberg --db "$DB" | sed -n 's/^published as //p')
check "published" test -n "$ID"
check "sync: the settings document" ksync
show after
check "share = no from the centre: no card" test "$(cards_in "$TMP/after.json")" -eq 0
check "the kiosk log says why" grep -q "cards not shown (share = no)" "$TMP/after.out"

"$C" publish --withdraw "$ID" --db "$DB" >/dev/null
check "sync after the withdrawal" ksync
show withdrawn
check "withdrawn: the cards are back" test "$(cards_in "$TMP/withdrawn.json")" -gt 0

echo "ui_share_remote: $fail failed"
[ "$fail" -eq 0 ]
