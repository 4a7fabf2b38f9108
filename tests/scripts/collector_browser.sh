#!/usr/bin/env bash
# The dashboard in a real browser: Debian's chromium (headless) driven by puppeteer-core, with
# axe-core checking every page (lib/dash_browser.js); seeded data from three kiosks in two
# locations and six languages; then the administration pages (lib/dash_admin.js). The npm
# packages are installed into the build folder by this test (never at build time); without
# chromium, node or a reachable npm registry it is skipped (exit 77) and says why. Screenshots
# stay in $WIJKPEIL_BUILD/dash-screenshots.
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

DB=$(coll_db_new browser)
echo 'correct horse battery' | "$C" user add anna --role admin --db "$DB" >/dev/null
echo 'viewer password 1' | "$C" user add bert --role viewer --db "$DB" >/dev/null
echo 'viewer password 2' | "$C" user add vera --role viewer --db "$DB" >/dev/null
N1=$("$C" device add n1 --location nazareth --db "$DB" | tail -1)
"$C" device add n2 --location nazareth --db "$DB" >/dev/null
"$C" device add p1 --location pottenberg --db "$DB" >/dev/null
python3 "$HERE/lib/dash_seed.py" "$TMP" 9
for d in n1 n2 p1; do "$C" import "$TMP/$d.jsonl" --device "$d" --db "$DB" >/dev/null; done
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/peil.json" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV"
URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"
curl -s -o /dev/null -H "Authorization: Bearer $N1" -H 'Content-Type: application/json' \
    --data '{"protocol":"wijkpeil-sync/1","app_version":"0.1.0","pending":2,"clock_synced":false,"free_disk_bytes":4000000000,"oldest_pending_age_s":600,"questionset":{"id":"peil","version":2}}' \
    "$URL/v1/status"

SHOTS="$WIJKPEIL_BUILD/dash-screenshots/${COLL_BACKEND}"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
NODE_PATH="$NPM/node_modules" HOME="$TMP" node "$HERE/lib/dash_browser.js" "$URL" "$SHOTS"
# the administration pages (role admin only): after the first run, whose settings they change
NODE_PATH="$NPM/node_modules" HOME="$TMP" node "$HERE/lib/dash_admin.js" "$URL" "$SHOTS"
echo "screenshots: $SHOTS"
