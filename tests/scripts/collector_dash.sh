#!/usr/bin/env bash
# The collector's web dashboard without a browser (tests/browser/ drives Chromium): users on the
# command line, sign-in with a session cookie (HttpOnly, SameSite=Strict, Secure behind a TLS
# proxy), wrong passwords, throttling per user and per address, forged CSRF tokens, idle expiry,
# sign-out, plain HTTP refused off loopback, password hashing that leaves the event loops free,
# the kiosks page's flags and the results page's small-count suppression (9 never shown, 10
# shown, the complementary cell hidden too).
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

# --- users on the command line ------------------------------------------------------------
DB=$(coll_db_new dash)
check "user add reads the password from stdin" \
    bash -c "echo 'correct horse battery' | '$C' user add anna --role admin --db '$DB' >/dev/null"
echo 'viewer password 1' | "$C" user add bert --role viewer --db "$DB" >/dev/null
check "a short password is refused" \
    bash -c "! echo short | '$C' user add carl --role viewer --db '$DB' 2>/dev/null"
check "an unknown role is refused" \
    bash -c "! echo 'long enough pw' | '$C' user add carl --role boss --db '$DB' 2>/dev/null"
check "user add without --role is a usage error" \
    bash -c "echo 'long enough pw' | '$C' user add carl --db '$DB' 2>/dev/null; test \$? -eq 2"
"$C" user list --db "$DB" >"$TMP/users"
check "user list shows both with their roles" \
    test "$(cut -f1,2 "$TMP/users")" = "$(printf 'anna\trole=admin\nbert\trole=viewer')"
check "the password is not stored in clear" bash -c "! grep -aq 'correct horse battery'" < <(coll_db_dump "$DB")
check "... as \$argon2id\$" grep -q '^\$argon2id\$' < <(coll_db_sql "$DB" "SELECT pw_hash FROM users WHERE name='anna'")

start_server() { # start_server ARGS...: serve on a free loopback port; sets SRV and URL
    rm -f "$TMP/serve.out" # the last server's "listening" line must not be taken for this one's
    "$C" serve --db "$DB" --listen 127.0.0.1:0 "$@" >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SRV=$!
    wait_line "$TMP/serve.out" listening "$SRV" || true
    URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"
}

# get JAR PATH [CURL-ARGS...] -> the status code; headers in $TMP/h, body in $TMP/b
get() {
    local jar=$1 path=$2
    shift 2
    curl -s -c "$jar" -b "$jar" -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@" "$URL$path"
}
# signin JAR USER PASSWORD [CSRF] -> the status code of the POST (a fresh form first)
signin() {
    get "$1" /dash/login >/dev/null
    local csrf=${4:-$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b")}
    get "$1" /dash/login --data-urlencode "csrf=$csrf" --data-urlencode "user=$2" \
        --data-urlencode "password=$3"
}
form_csrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b" | head -1; }

DEVTOK=$("$C" device add n1 --location nazareth --db "$DB" | tail -1)
"$C" device add n2 --location nazareth --db "$DB" >/dev/null
"$C" device add p1 --location pottenberg --db "$DB" >/dev/null
"$C" device add stil --location pottenberg --db "$DB" >/dev/null # never heard from
python3 "$HERE/lib/dash_seed.py" "$TMP" 9
for d in n1 n2 p1; do "$C" import "$TMP/$d.jsonl" --device "$d" --db "$DB" >/dev/null; done

start_server --qset "$TMP/peil.json"
J="$TMP/jar"
check "the kiosk API is still there beside the dashboard" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $DEVTOK" \
        -H 'Content-Type: application/json' \
        --data '{"protocol":"wijkpeil-sync/1","pending":0,"clock_synced":false,"free_disk_bytes":1000}' \
        "$URL/v1/status")" = 200
check "a page without a session sends to the sign-in form" test "$(get "$J" /dash/kiosks)" = 303
check "... Location /dash/login" grep -qi '^Location: /dash/login' "$TMP/h"
check "the sign-in form is Dutch first" grep -q '<html lang="nl">' < <(get "$J" /dash/login >/dev/null; cat "$TMP/b")
check "... English with ?lang=en" grep -q '<label for="user">User name</label>' < <(get "$J" '/dash/login?lang=en' >/dev/null; cat "$TMP/b")
check "... English from Accept-Language" grep -q 'Password' < <(get "$J" /dash/login -H 'Accept-Language: en-GB,en;q=0.8,nl;q=0.5' >/dev/null; cat "$TMP/b")

check "a wrong password is refused (401)" test "$(signin "$J" anna 'wrong password!')" = 401
check "... and says so" grep -q 'Onjuiste gebruikersnaam of wachtwoord' "$TMP/b"
check "... no session cookie" bash -c "! grep -qi '^Set-Cookie: wp_session=[0-9a-f]' '$TMP/h'"
check "a forged CSRF token is refused (403)" \
    test "$(signin "$J" anna 'correct horse battery' 0000000000000000000000000000000000000000000000000000000000000000)" = 403
check "the right password signs in (303)" test "$(signin "$J" anna 'correct horse battery')" = 303
check "... cookie HttpOnly; SameSite=Strict, no Secure on plain loopback" \
    grep -Eqi '^Set-Cookie: wp_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict'$'\r''$' "$TMP/h"
SESSION=$(awk '$6 == "wp_session" { print $7 }' "$J")
check "the session token is stored hashed only" bash -c "! grep -aq '$SESSION'" < <(coll_db_dump "$DB")

# --- kiosks page ------------------------------------------------------------------------------
check "kiosks page with the session (200)" test "$(get "$J" /dash/kiosks)" = 200
check "... one row per kiosk" test "$(grep -c '<tr.*<th scope="row">' "$TMP/b")" = 4
check "... n1 flagged: clock not synced, low disk" \
    grep -q '<tr class="flagged"><th scope="row">n1</th>.*klok niet gelijk, weinig schijfruimte' "$TMP/b"
check "... stil flagged: never heard from" \
    grep -q '<tr class="flagged"><th scope="row">stil</th><td>pottenberg</td><td>nooit</td>.*te lang stil' "$TMP/b"
check "... p1 (responses imported from a stick, never in network contact): last contact never" \
    grep -q '<th scope="row">p1</th><td>pottenberg</td><td>nooit</td>' "$TMP/b"
check "... as status says" bash -c "'$C' status --db '$DB' | grep -q '^p1 (pottenberg): last seen never'"
check "... security headers" grep -qi "^Content-Security-Policy: default-src 'none'" "$TMP/h"
check "... a sign-out form with the session's CSRF token" \
    test "$(form_csrf)" = "$(coll_db_sql "$DB" "SELECT csrf FROM sessions")"

# --- results: small counts never shown --------------------------------------------------------
page_numbers() { # the numbers in a page's text (tags dropped), one a line
    sed -e 's/<[^>]*>/ /g' "$TMP/b" | grep -oE '[0-9]+' || true
}
check "results page (200)" test "$(get "$J" '/dash/results?set=peil')" = 200
cp "$TMP/b" "$TMP/results9.html"
check "... the cell of 9 is \"verborgen\" (the word for every hidden cell)" \
    grep -q '<th scope="row">Veilig</th><td colspan="2" class="hidden">verborgen</td>' "$TMP/b"
check "... 9 appears nowhere as a number, in the table nor in the SVG" \
    bash -c "! grep -qx 9" < <(page_numbers)
check "... its complement (groen, 13) is hidden too: 53 - 31 gives nothing away" \
    grep -q '<th scope="row">Groen</th><td colspan="2" class="hidden">' "$TMP/b"
check "... no number 13 either" bash -c "! grep -qx 13" < <(page_numbers)
check "... the shown cell and the denominator" grep -q '<th scope="row">Schoon</th><td>31</td><td>58%</td>' "$TMP/b"
check "... n and the denominator" grep -q 'n = 53 beantwoord, van 53 aan wie de vraag getoond is' "$TMP/b"
check "... an SVG chart beside a table" grep -q '<svg class="chart" role="img"' "$TMP/b"
check "filter by location: pottenberg alone is all small" \
    test "$(get "$J" '/dash/results?set=peil&location=pottenberg')" = 200
check "... every cell of the single question hidden" \
    test "$(grep -c '<td colspan="2" class="hidden">' "$TMP/b")" -ge 4
check "filter by language (nl): fewer than 10 people" \
    grep -q 'Minder dan 10 personen kregen deze vraag' < <(get "$J" '/dash/results?set=peil&language=nl' >/dev/null; cat "$TMP/b")
check "filter by date: 1 to 3 March holds 3/7 of the responses" \
    grep -Eq 'n = 2[0-9] beantwoord' < <(get "$J" '/dash/results?set=peil&from=2027-03-01&to=2027-03-03' >/dev/null; cat "$TMP/b")
check "a bad date is said" grep -q 'JJJJ-MM-DD' < <(get "$J" '/dash/results?set=peil&from=maart' >/dev/null; cat "$TMP/b")
get "$J" '/dash/results?set=peil&from=2027-03-03&to=2027-03-01' >/dev/null
check "a start date after the end date is said" \
    grep -q '<p class="error" role="alert" id="date-order">De begindatum ligt na de einddatum' "$TMP/b"
check "... and no data shown" bash -c "! grep -q 'class=\"question\"' '$TMP/b' && ! grep -q 'antwoorden die aan het filter voldoen' '$TMP/b'"
check "... the same day as start and end is one day, not refused" \
    bash -c "! grep -q 'date-order' < <(curl -s -b '$J' '$URL/dash/results?set=peil&from=2027-03-02&to=2027-03-02')"

# --- sign-out, idle expiry --------------------------------------------------------------------
get "$J" /dash/kiosks >/dev/null
CSRF=$(form_csrf)
check "sign-out with a forged CSRF token is refused (403)" \
    test "$(get "$J" /dash/logout --data "csrf=${CSRF//[0-9]/a}")" = 403
check "... the session still works" test "$(get "$J" /dash/kiosks)" = 200
check "sign-out (303)" test "$(get "$J" /dash/logout --data "csrf=$CSRF")" = 303
check "... the old cookie no longer works" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -b "wp_session=$SESSION" "$URL/dash/kiosks")" = 303
signin "$J" bert 'viewer password 1' >/dev/null
check "a fresh session works" test "$(get "$J" /dash/kiosks)" = 200
coll_db_sql "$DB" "UPDATE sessions SET last_ms = last_ms - 31 * 60000" >/dev/null
check "a session idle for longer than 30 minutes has expired" test "$(get "$J" /dash/kiosks)" = 303
check "... and is deleted" test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM sessions")" = 0
signin "$J" bert 'viewer password 1' >/dev/null
coll_db_sql "$DB" "UPDATE sessions SET last_ms = last_ms - 31 * 60000" >/dev/null
signin "$TMP/jar2" bert 'viewer password 1' >/dev/null
check "sessions left idle are deleted when the next one starts" \
    test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM sessions")" = 1

# --- throttling -------------------------------------------------------------------------------
for i in 1 2 3 4 5; do signin "$J" bert "wrong $i wrong wrong" >/dev/null; done
check "after 5 failures of one user even the right password is refused (429)" \
    test "$(signin "$J" bert 'viewer password 1')" = 429
check "... another user is not held up by it" test "$(signin "$J" anna 'correct horse battery')" = 303
# a page that does not exist: 404, and its sign-in link leads to the sign-in form (200), in
# either language, from the dashboard's paths and from others
for p in /dash/nope /nope '/dash/admin/nope?lang=en' /dash/kiosks/x; do
    code=$(get "$TMP/j404" "$p")
    link=$(sed -n 's/.*<p><a href="\([^"]*\)">.*/\1/p' "$TMP/b" | head -1)
    check "$p: 404 ($code) with a sign-in link ($link) that answers the sign-in form" \
        bash -c "test '$code' = 404 && test \"\$(curl -s -o '$TMP/l' -w '%{http_code}' '$URL$link')\" = 200 && grep -q 'name=\"password\"' '$TMP/l'"
done
for i in $(seq 1 15); do signin "$J" "nobody$i" "wrong password" >/dev/null; done
check "after 20 failures from one address every user is refused (429)" \
    test "$(signin "$J" anna 'correct horse battery')" = 429
check "passwd changes the password" \
    bash -c "echo 'a new password 2' | '$C' user passwd anna --db '$DB' >/dev/null"
check "... and ends the user's sessions" \
    test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM sessions WHERE username='anna'")" = 0
check "user remove" bash -c "'$C' user remove bert --db '$DB' >/dev/null && ! '$C' user list --db '$DB' | grep -q bert"
stop_server

# --- results with 10: shown ------------------------------------------------------------------
# (the results counts and sequence summaries kept at ingest go with the responses deleted)
coll_db_sql "$DB" "DELETE FROM signin_failures; DELETE FROM responses; DELETE FROM agg_counts;
    DELETE FROM agg_months; DELETE FROM agg_hours; DELETE FROM agg_delta; DELETE FROM device_seq" >/dev/null
python3 "$HERE/lib/dash_seed.py" "$TMP" 10
for d in n1 n2 p1; do "$C" import "$TMP/$d.jsonl" --device "$d" --db "$DB" >/dev/null; done
start_server --qset "$TMP/peil.json" --behind-tls-proxy
signin "$J" anna 'a new password 2' >/dev/null
check "behind a TLS proxy the session cookie is Secure" \
    grep -qi '^Set-Cookie: wp_session=.*; Secure' "$TMP/h"
get "$J" '/dash/results?set=peil' >/dev/null
check "with 10 the cell is shown" grep -q '<th scope="row">Veilig</th><td>10</td><td>19%</td>' "$TMP/b"
# Quality flags (issue 14): counted by default and said how many; left out on request, but never
# while fewer than k are flagged (the difference would show that small group).
check "... 54 responses, none flagged" \
    grep -q '54 antwoorden die aan het filter voldoen. Waarvan minder dan 10 gemarkeerd' "$TMP/b"
check "... a filter to include or leave out flagged responses" \
    grep -q '<select id="flagged" name="flagged"><option value="include" selected>meetellen</option><option value="exclude">weglaten</option></select>' "$TMP/b"
coll_db_sql "$DB" "UPDATE responses SET flags = 'too_fast' WHERE id IN
    (SELECT id FROM responses ORDER BY id LIMIT 12)" >/dev/null
get "$J" '/dash/results?set=peil' >/dev/null
check "12 flagged: included by default, and said" \
    grep -q '54 antwoorden die aan het filter voldoen. Waarvan 12 gemarkeerd .*meegeteld' "$TMP/b"
get "$J" '/dash/results?set=peil&flagged=exclude' >/dev/null
check "... left out on request: 42 remain, and said" \
    grep -q '42 antwoorden die aan het filter voldoen. 12 gemarkeerde antwoorden .*weggelaten' "$TMP/b"
check "... the filter keeps the choice" grep -q '<option value="exclude" selected>' "$TMP/b"
coll_db_sql "$DB" "UPDATE responses SET flags = NULL WHERE id NOT IN
    (SELECT id FROM responses ORDER BY id LIMIT 3)" >/dev/null
get "$J" '/dash/results?set=peil&flagged=exclude' >/dev/null
check "3 flagged: not left out (it would reveal them), and said" \
    grep -q '54 antwoorden die aan het filter voldoen. Minder dan 10 gemarkeerde antwoorden: die worden niet weggelaten' "$TMP/b"
get "$J" '/dash/results?set=peil' >/dev/null
check "... included: \"minder dan 10\" flagged, never the 3" \
    bash -c "grep -q 'Waarvan minder dan 10 gemarkeerd' '$TMP/b' && ! grep -q 'Waarvan 3 ' '$TMP/b'"
stop_server
check "--suppress-below cannot go under 5" \
    bash -c "'$C' serve --db '$DB' --listen 127.0.0.1:0 --suppress-below 4 2>/dev/null; test \$? -eq 2"

# --- hashing leaves the event loops free -----------------------------------------------------
# Four sign-ins are held inside their password hashing (the test hook makes each open a FIFO
# first); the collector has four event loops. A page must still be served meanwhile.
mkfifo "$TMP/hold"
start_server --test-signin-hold "$TMP/hold"
HELD=()
for i in 1 2 3 4; do
    mkdir "$TMP/s$i" # each sign-in its own header and body files
    (TMP="$TMP/s$i" signin "$TMP/jar$i" anna 'a new password 2' >"$TMP/held$i") &
    HELD+=($!)
done
held() { test "$(grep -c 'sign-in hashing held' "$TMP/serve.err")" -ge 4; }
for _ in $(seq 1 6000); do held && break; sleep 0.05; done
check "four sign-ins are being hashed" held
check "... and meanwhile a page is served (guard against a hang: 60 s)" \
    test "$(curl -s -o /dev/null -m 60 -w '%{http_code}' "$URL/dash/login")" = 200
: >"$TMP/hold" # opening the FIFO for writing lets every held reader go
wait "${HELD[@]}" || true
check "... then all four are signed in" test "$(cat "$TMP"/held[1-4] | tr -d '\n')" = 303303303303
stop_server

# --- plain HTTP off loopback ---------------------------------------------------------------
ADDR=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -1 || true)
if [ -n "$ADDR" ]; then
    rm -f "$TMP/serve.out"
    "$C" serve --db "$DB" --listen "$ADDR:0" >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SRV=$!
    wait_line "$TMP/serve.out" listening "$SRV" || true
    P=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
    check "plain HTTP off loopback: the dashboard is refused (403)" \
        test "$(curl -s -o "$TMP/b" -w '%{http_code}' "http://$ADDR:$P/dash/login")" = 403
    check "... and says HTTPS" grep -q 'alleen via HTTPS' "$TMP/b"
    stop_server
    rm -f "$TMP/serve.out"
    "$C" serve --db "$DB" --listen "$ADDR:0" --behind-tls-proxy >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SRV=$!
    wait_line "$TMP/serve.out" listening "$SRV" || true
    P=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
    check "... served behind a TLS proxy" \
        test "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR:$P/dash/login")" = 200
    stop_server
else
    echo "note: no non-loopback address here; the plain-HTTP refusal is not tested"
fi

[ "$fail" -eq 0 ] && echo "collector_dash ($COLL_BACKEND): all checks passed"
exit "$fail"
