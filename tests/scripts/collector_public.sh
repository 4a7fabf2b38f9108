#!/usr/bin/env bash
# The public page of the cards (/public/LOCATION, and /public/: every location side by side) in a
# real browser: Debian's chromium (headless) driven by puppeteer-core, axe-core on the page in
# every language of the set (the demo's: nl, en, ar, tr, pl, uk, ti)
# (lib/public_browser.js): each renders its cards, Arabic right to left, no violations, no
# request leaves the page's own origin, no cookie. The npm set-up is the dashboard test's
# (lib/browser_npm.sh); skipped (exit 77) without chromium, node or npm. Screenshots stay in
# $WIJKPEIL_BUILD/public-screenshots.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
C="$WIJKPEIL_COLLECTOR"
HERE=$(dirname "$0")
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then
        kill "$SRV" 2>/dev/null || true
        wait "$SRV" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$HERE/lib/wait_line.sh"
# shellcheck source=lib/browser_npm.sh
. "$HERE/lib/browser_npm.sh"

DB=$(coll_db_new public)
"$C" device add p1 --location pottenberg --db "$DB" >/dev/null
"$C" device add n1 --location nazareth --db "$DB" >/dev/null
python3 "$HERE/lib/share_seed.py" "$TMP" 10
"$C" import "$TMP/p1.jsonl" --device p1 --db "$DB" >/dev/null
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/share.json" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV"
URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"

SHOTS="$WIJKPEIL_BUILD/public-screenshots/${COLL_BACKEND}"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
NODE_PATH="$NPM/node_modules" HOME="$TMP" node "$HERE/lib/public_browser.js" "$URL" "$SHOTS" nl en ar tr pl uk ti
echo "screenshots: $SHOTS"
