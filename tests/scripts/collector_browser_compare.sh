#!/usr/bin/env bash
# The dashboard's comparisons (side by side, trend, cross-tab) in a real browser: Debian's
# chromium (headless) driven by puppeteer-core, axe-core on every view (lib/views_browser.js);
# seeded data from three kiosks in two locations, six languages and two waves (lib/views_seed.py,
# Pottenberg's cell of 9). The npm packages are installed into the build folder by the test
# (lib/browser_npm.sh); without chromium, node or a reachable npm registry it is skipped (exit
# 77) and says why. Screenshots stay in $WIJKPEIL_BUILD/views-screenshots.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
C="$WIJKPEIL_COLLECTOR"
HERE=$(dirname "$0")
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$HERE/lib/wait_line.sh"
# shellcheck source=lib/browser_npm.sh
. "$HERE/lib/browser_npm.sh"

DB=$(coll_db_new browser_compare)
echo 'viewer password 1' | "$C" user add bert --role viewer --db "$DB" >/dev/null
"$C" device add n1 --location nazareth --db "$DB" >/dev/null
"$C" device add n2 --location nazareth --db "$DB" >/dev/null
"$C" device add p1 --location pottenberg --db "$DB" >/dev/null
python3 "$HERE/lib/views_seed.py" "$TMP" 9
for d in n1 n2 p1; do "$C" import "$TMP/$d.jsonl" --device "$d" --db "$DB" >/dev/null; done
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/peil.json" --qset "$TMP/najaar.json" \
    >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV"
URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"

SHOTS="$WIJKPEIL_BUILD/views-screenshots/${COLL_BACKEND}"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
NODE_PATH="$NPM/node_modules" HOME="$TMP" node "$HERE/lib/views_browser.js" "$URL" "$SHOTS" \
    bert 'viewer password 1'
echo "screenshots: $SHOTS"
