#!/usr/bin/env bash
# Publishing from the dashboard in a real browser (lib/publish_browser.js: Debian's chromium,
# headless, with puppeteer-core and axe-core), end to end with a real kiosk: an administrator
# uploads a signed set, its .sig and its clips; the kiosk's uploader (wijkpeil sync) downloads,
# verifies and installs it; the kiosk (wijkpeil, headless) shows it; the dashboard shows what the
# kiosk's heartbeat says and withdraws it (after asking); the next sync drops it. A viewer, a set
# changed after signing, a settings document kiosks would refuse (each problem in Dutch with its
# line) and a forged CSRF token are refused. Without chromium, node or a reachable npm registry
# it is skipped (exit 77). Screenshots stay in $WIJKPEIL_BUILD/dash-screenshots.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
K="$WIJKPEIL"
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
fail=0
check() {
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$HERE/lib/wait_line.sh"
# shellcheck source=lib/browser_npm.sh
. "$HERE/lib/browser_npm.sh"

# The set as the centre makes it (signed, with clips), and a copy changed after signing.
make_set() { # make_set DIR ID KEY
    mkdir -p "$1/clips"
    cp "$WIJKPEIL_SRC"/tests/qsets/clips/welkom-nl.wav "$WIJKPEIL_SRC"/tests/qsets/clips/q1-nl.wav \
        "$1/clips/"
    python3 - "$WIJKPEIL_SRC/tests/qsets/valid-all.json" "$1/$2.json" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["id"] = sys.argv[3]
json.dump(s, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
    "$Q" sign "$1/$2.json" --key "$3" >/dev/null
}
(cd "$TMP" && "$Q" keygen -o centre >/dev/null)
make_set "$TMP/sets/spring" spring "$TMP/centre.secret"
cp -r "$TMP/sets/spring" "$TMP/sets/changed"
sed -i 's/"Overlast"/"Overlast!"/' "$TMP/sets/changed/spring.json"
# a settings document kiosks would refuse (a bare signature: the collector checks only the lines)
mkdir -p "$TMP/sets/settings"
printf '# spring\nidle_seconds = 45\nendpoint = https://evil.example/\nidel_seconds = 30\n' >"$TMP/sets/settings/hours.conf"
printf '%s\n' "$(head -c 64 /dev/zero | base64 -w0)" >"$TMP/sets/settings/hours.conf.sig"

DB=$(coll_db_new pubbrowser)
echo 'correct horse battery' | "$C" user add anna --role admin --db "$DB" >/dev/null
echo 'viewer password 2' | "$C" user add vera --role viewer --db "$DB" >/dev/null
"$C" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV"
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
URL="http://127.0.0.1:$PORT"
# the kiosk: registered at nazareth, trusting the centre's key
"$C" device add kiosk1 --location nazareth --db "$DB" >"$TMP/add.out"
mkdir -p "$TMP/kiosk1"
printf 'endpoint = %s/\ntoken = %s\ndevice_id = kiosk1\nlocation = nazareth\ntrusted_key = %s\n' \
    "$URL" "$(awk 'END { print $NF }' "$TMP/add.out")" "$(cat "$TMP/centre.public")" >"$TMP/kiosk1/k.conf"
ksync() { "$K" sync --config "$TMP/kiosk1/k.conf" --db "$TMP/kiosk1/k.db" >"$TMP/sync.out" 2>&1; }
pub_state() { # pub_state ID -> STATE|SOURCE from the kiosk's last heartbeat
    coll_db_sql "$DB" "SELECT last_status FROM devices WHERE name='kiosk1'" | python3 -c '
import json, sys
for p in json.load(sys.stdin).get("publications", []):
    if p["id"] == sys.argv[1]:
        print(p["state"] + "|" + p["source"])' "$1"
}

SHOTS="$WIJKPEIL_BUILD/dash-screenshots/publish-${COLL_BACKEND:-sqlite}"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
browser() { NODE_PATH="$NPM/node_modules" HOME="$TMP" node "$HERE/lib/publish_browser.js" "$URL" "$SHOTS" "$TMP/sets" "$1" "$TMP/id"; }
check "browser: the upload" browser upload
ID=$(cat "$TMP/id" 2>/dev/null || true)
check "published from the dashboard" test -n "$ID"

# --- the kiosk downloads, verifies and installs it, and shows it ---------------------------------
check "kiosk sync: exit 0" ksync
check "installed as the stick route installs sets" test -f "$TMP/kiosk1/questionsets/spring-v3/spring-v3.json"
check "with its clips" cmp -s "$TMP/kiosk1/questionsets/spring-v3/clips/q1-nl.wav" "$TMP/sets/spring/clips/q1-nl.wav"
check "heartbeat: due, over the network" test "$(pub_state "$ID")" = "due|network"
printf 'idle_seconds = 1200\n' >"$TMP/kiosk1/screen.conf"
printf 'wait 1000\ntree %s\n' "$TMP/tree.json" >"$TMP/show.txt"
SDL_VIDEODRIVER=dummy WIJKPEIL_NO_SPEECH=1 "$K" --config "$TMP/kiosk1/screen.conf" \
    --questionset "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" --db "$TMP/kiosk1/k.db" \
    --script "$TMP/show.txt" >"$TMP/show.out" 2>&1 || echo "kiosk: $(tail -3 "$TMP/show.out")" >&2
check "the kiosk shows the published set" \
    test "$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t["questionset"], t["screen"])' "$TMP/tree.json")" = "spring attract"

# --- the dashboard shows what the kiosk said, and withdraws it -----------------------------------
check "browser: the report and withdraw" browser report
check "kiosk sync after the withdrawal" ksync
check "heartbeat: no longer reported" test -z "$(pub_state "$ID")"

kill "$SRV"
wait "$SRV" 2>/dev/null || true
SRV=""
echo "screenshots: $SHOTS"
echo "collector_publish_browser: $fail failed"
[ "$fail" -eq 0 ]
