#!/usr/bin/env bash
# The dashboard's administration pages without a browser (collector_browser drives Chromium
# through them): devices (add shows the token once, rotate, revoke), users (add, new password,
# remove; the hashing off the event loops), conflicts (both versions), settings (k, silent
# threshold); every form refused without the session's CSRF token; viewers get 403 everywhere.
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
trap 'stop_server; rm -rf "$TMP"' EXIT
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

DB=$(coll_db_new admin)
echo 'correct horse battery' | "$C" user add anna --role admin --db "$DB" >/dev/null
echo 'viewer password 1' | "$C" user add bert --role viewer --db "$DB" >/dev/null
N1=$("$C" device add n1 --location nazareth --db "$DB" | tail -1)
N2=$("$C" device add n2 --location pottenberg --db "$DB" | tail -1)

start_server() { # start_server ARGS...: sets SRV and URL
    rm -f "$TMP/serve.out"
    "$C" serve --db "$DB" --listen 127.0.0.1:0 "$@" >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SRV=$!
    wait_line "$TMP/serve.out" listening "$SRV" || true
    URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"
}
get() { # get JAR PATH [CURL-ARGS...] -> the status code; headers in $TMP/h, body in $TMP/b
    local jar=$1 path=$2
    shift 2
    curl -s -c "$jar" -b "$jar" -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@" "$URL$path"
}
form_csrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b" | head -1; }
signin() { # signin JAR USER PASSWORD -> the status code
    get "$1" /dash/login >/dev/null
    get "$1" /dash/login --data-urlencode "csrf=$(form_csrf)" --data-urlencode "user=$2" \
        --data-urlencode "password=$3"
}
post() { # post JAR PATH CSRF FIELD=VALUE... -> the status code (a form of that page)
    local jar=$1 path=$2 csrf=$3 args=() f
    shift 3
    for f in "$@"; do args+=(--data-urlencode "$f"); done
    get "$jar" "$path" --data-urlencode "csrf=$csrf" "${args[@]}"
}
api() { # api TOKEN -> the status code of a kiosk's status report
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" \
        -H 'Content-Type: application/json' \
        --data '{"protocol":"wijkpeil-sync/1","pending":0,"clock_synced":true}' "$URL/v1/status"
}

start_server
# a conflict: the same response id from n2 with other answers than n1 sent
resp() { printf '{"protocol":"wijkpeil-sync/1","responses":[{"id":"11111111-1111-4111-8111-111111111111","seq":1,"questionset":"s","questionset_version":1,"language":"nl","started_at":"2027-03-01T09:15:02.123Z","finished_at":"2027-03-01T09:17:40.001Z","duration_ms":1000,"status":"complete","clock_synced":true,"answers":{"q":"%s"}}]}' "$1"; }
curl -s -o /dev/null -H "Authorization: Bearer $N1" -H 'Content-Type: application/json' --data "$(resp held-by-n1)" "$URL/v1/responses"
curl -s -o /dev/null -H "Authorization: Bearer $N2" -H 'Content-Type: application/json' --data "$(resp sent-by-n2)" "$URL/v1/responses"

A="$TMP/ja"
V="$TMP/jv"
check "admin signs in" test "$(signin "$A" anna 'correct horse battery')" = 303
check "viewer signs in" test "$(signin "$V" bert 'viewer password 1')" = 303
PAGES=(devices users conflicts settings publish)

# --- viewers: 403 on every page and every form; no administration in their menu ------------
get "$V" /dash/kiosks >/dev/null
VCSRF=$(form_csrf)
check "a viewer's menu has no administration" bash -c "! grep -q '/dash/admin/' '$TMP/b'"
for p in "${PAGES[@]}"; do
    check "viewer: GET /dash/admin/$p is 403" test "$(get "$V" "/dash/admin/$p")" = 403
    check "viewer: POST /dash/admin/$p (with the viewer's own token) is 403" \
        test "$(post "$V" "/dash/admin/$p" "$VCSRF" action=add name=x location=y user=x role=admin password=long-enough-1 k=10 silent=5)" = 403
done
check "... nothing was added" bash -c "'$C' device list --db '$DB' | grep -q '^x' && exit 1 || ! '$C' user list --db '$DB' | grep -q '^x'"

# --- administrators: every page, the menu -----------------------------------------------------
for p in "${PAGES[@]}"; do
    check "admin: GET /dash/admin/$p is 200" test "$(get "$A" "/dash/admin/$p")" = 200
done
get "$A" /dash/kiosks >/dev/null
CSRF=$(form_csrf)
check "an admin's menu links the five pages (publishing too)" \
    test "$(grep -o 'href="/dash/admin/[a-z]*"' "$TMP/b" | sort -u | wc -l)" -eq 5

# --- CSRF: every form refused with a forged token or none, and nothing changes ---------------
FORGED=$(printf 'f%.0s' {1..64})
forms=("devices action=add name=forged location=x" "devices action=revoke name=n1"
    "devices action=revoke name=n1 confirm=yes"
    "devices action=rotate name=n1" "users action=add user=forged role=admin password=long-enough-1"
    "users action=passwd user=bert password=long-enough-1" "users action=remove user=bert"
    "settings action=save k=50 silent=5")
for f in "${forms[@]}"; do
    read -r -a w <<<"$f"
    check "forged CSRF token: ${w[*]} is 403" test "$(post "$A" "/dash/admin/${w[0]}" "$FORGED" "${w[@]:1}")" = 403
    check "no CSRF token: ${w[*]} is 403" test "$(post "$A" "/dash/admin/${w[0]}" "" "${w[@]:1}")" = 403
done
check "... n1's token still works" test "$(api "$N1")" = 200
check "... bert still signs in" test "$(signin "$TMP/jb" bert 'viewer password 1')" = 303
check "... no user or device 'forged'" bash -c "! '$C' user list --db '$DB' | grep -q forged && ! '$C' device list --db '$DB' | grep -q forged"

# --- devices ------------------------------------------------------------------------------
check "add a device: 200" test "$(post "$A" /dash/admin/devices "$CSRF" action=add name=p9 location=pottenberg)" = 200
NEW=$(sed -n 's/.*<code id="token">\([0-9a-f]\{64\}\)<\/code>.*/\1/p' "$TMP/b")
check "... its token is shown" test -n "$NEW"
check "... said to be shown once, with no word of an old token (it is a new device)" \
    bash -c "grep -q 'het wordt maar één keer getoond:' '$TMP/b' && ! grep -q 'het oude' '$TMP/b'"
check "... and works" test "$(api "$NEW")" = 200
check "... listed in the table" grep -q '<th scope="row">p9</th><td>pottenberg</td>' "$TMP/b"
get "$A" /dash/admin/devices >/dev/null
check "... and shown only once" bash -c "! grep -q '$NEW' '$TMP/b'"
check "... never stored in clear" bash -c "! grep -aq '$NEW'" < <(coll_db_dump "$DB")
code=$(post "$A" /dash/admin/devices "$CSRF" action=add name=p9 location=x)
check "a second device of that name: refused, said, no token" \
    bash -c "test $code = 200 && grep -q 'exists already' '$TMP/b' && ! grep -q 'id=\"token\"' '$TMP/b'"
check "rotate n1: 200" test "$(post "$A" /dash/admin/devices "$CSRF" action=rotate name=n1)" = 200
ROT=$(sed -n 's/.*<code id="token">\([0-9a-f]\{64\}\)<\/code>.*/\1/p' "$TMP/b")
check "... the old token stops at once" test "$(api "$N1")" = 401
check "... and the page says so" grep -q 'het oude werkt niet meer' "$TMP/b"
check "... the new one works" test "$(api "$ROT")" = 200
check "... n1 keeps its responses (kiosk_health)" \
    test "$(coll_db_sql "$DB" "SELECT received FROM kiosk_health WHERE device='n1'")" = 1
check "revoke n2: first a confirmation step (200)" \
    test "$(post "$A" /dash/admin/devices "$CSRF" action=revoke name=n2)" = 200
check "... that asks, names n2 and says what it does" \
    bash -c "grep -q '<h2 id=\"confirm\">Kiosk intrekken?</h2>' '$TMP/b' && grep -q '<strong>n2</strong>: Het token van deze kiosk wordt vanaf nu geweigerd' '$TMP/b'"
check "... its form carries the session's CSRF token and confirm=yes" \
    bash -c "test \"\$(sed -n 's/.*name=\"csrf\" value=\"\([0-9a-f]*\)\".*/\1/p' '$TMP/b' | sort -u)\" = '$CSRF' && grep -q 'name=\"confirm\" value=\"yes\"' '$TMP/b' && grep -q 'id=\"revoke-yes\"' '$TMP/b'"
check "... and a way back" grep -q '<a href="/dash/admin/devices">Annuleren</a>' "$TMP/b"
check "... n2 is not revoked yet: its token works" test "$(api "$N2")" = 200
check "revoke n2, confirmed: 200" \
    test "$(post "$A" /dash/admin/devices "$CSRF" action=revoke name=n2 confirm=yes)" = 200
check "... its token is refused" test "$(api "$N2")" = 401
check "... shown as revoked, no buttons" grep -q '<th scope="row">n2</th><td>pottenberg</td><td>[^<]*</td><td>ingetrokken</td><td></td>' "$TMP/b"

# --- conflicts ----------------------------------------------------------------------------
get "$A" /dash/admin/conflicts >/dev/null
check "conflicts: the 409 with both versions" \
    bash -c "grep -q '11111111-1111-4111-8111-111111111111' '$TMP/b' && grep -q 'sent-by-n2' '$TMP/b' && grep -q 'held-by-n1' '$TMP/b'"

# --- settings -----------------------------------------------------------------------------
check "settings: k 12, silent 30 min saved" test "$(post "$A" /dash/admin/settings "$CSRF" action=save k=12 silent=30)" = 200
check "... said" grep -q 'role="status" id="outcome">Gedaan.' "$TMP/b"
get "$A" /dash/results >/dev/null
check "... the results pages now hide counts below 12" grep -q 'Aantallen onder 12 ' "$TMP/b"
code=$(post "$A" /dash/admin/settings "$CSRF" action=save k=6 silent=30)
check "k below serve's --suppress-below (10): refused" \
    bash -c "test $code = 200 && grep -q 'ongeldige waarde' '$TMP/b'"
get "$A" /dash/results >/dev/null
check "... k stays 12" grep -q 'Aantallen onder 12 ' "$TMP/b"

# --- users (the hashing held by the test hook: the event loops go on meanwhile) --------------
stop_server
mkfifo "$TMP/hold"
start_server --test-signin-hold "$TMP/hold"
REL=""
release() { # lets the next held hashing go (as the FIFO's writer); wait "$REL" after it
    (: >"$TMP/hold") &
    REL=$!
}
HELD=$(grep -c 'hashing held' "$TMP/serve.err" || true)
mkdir "$TMP/u"
(TMP="$TMP/u" post "$A" /dash/admin/users "$CSRF" action=add user=carl role=viewer 'password=carl password 1' >"$TMP/u.code") &
P=$!
held() { test "$(grep -c 'hashing held' "$TMP/serve.err")" -gt "$HELD"; }
for _ in $(seq 1 6000); do held && break; sleep 0.05; done
check "user add: the password is being hashed (held)" held
check "... and meanwhile a page is served (guard against a hang: 60 s)" \
    test "$(curl -s -o /dev/null -m 60 -w '%{http_code}' "$URL/dash/login")" = 200
: >"$TMP/hold"
wait "$P" || true
check "... then carl is added (200, said)" bash -c "test \"\$(cat '$TMP/u.code')\" = 200 && grep -q 'Gedaan.' '$TMP/u/b'"
check "... listed as viewer" grep -q '<th scope="row">carl</th><td>viewer</td>' "$TMP/u/b"
release
check "... carl signs in" test "$(signin "$TMP/jc" carl 'carl password 1')" = 303
wait "$REL"
release
code=$(post "$A" /dash/admin/users "$CSRF" action=passwd user=carl 'password=carl password 2')
wait "$REL"
check "set carl's password: 200, said" bash -c "test $code = 200 && grep -q 'Gedaan.' '$TMP/b'"
check "... carl's session ended" test "$(get "$TMP/jc" /dash/kiosks)" = 303
release
check "... the old password refused" test "$(signin "$TMP/jc" carl 'carl password 1')" = 401
wait "$REL"
release
check "... the new one signs in" test "$(signin "$TMP/jc" carl 'carl password 2')" = 303
wait "$REL"
code=$(post "$A" /dash/admin/users "$CSRF" action=add user=dora role=boss 'password=dora password 1')
check "an unknown role: refused, said" bash -c "test $code = 200 && grep -q 'role: viewer or admin' '$TMP/b'"
release
code=$(post "$A" /dash/admin/users "$CSRF" action=add user=dora role=admin password=short)
wait "$REL"
check "a short password: refused, said" bash -c "test $code = 200 && grep -q 'class=\"error\" role=\"alert\" id=\"outcome\"' '$TMP/b'"
code=$(post "$A" /dash/admin/users "$CSRF" action=remove user=anna)
check "removing oneself: refused, said" bash -c "test $code = 200 && grep -q 'u kunt uzelf niet verwijderen' '$TMP/b'"
code=$(post "$A" /dash/admin/users "$CSRF" action=remove user=carl)
check "remove carl: 200" test "$code" = 200
check "... gone" bash -c "! '$C' user list --db '$DB' | grep -q '^carl'"
check "... and signed out" test "$(get "$TMP/jc" /dash/kiosks)" = 303
stop_server

if [ "$fail" -ne 0 ]; then
    echo "$fail checks failed" >&2
    exit 1
fi
echo "collector_admin: all checks passed ($COLL_BACKEND)"
