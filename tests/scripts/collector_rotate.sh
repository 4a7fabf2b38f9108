#!/usr/bin/env bash
# wijkpeil-collector device rotate: a new token for an existing device, printed once; the old
# token is refused at once by a running collector; the device keeps its responses and status.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
DB=$(coll_db_new r)
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    "$@" || bad "$what"
}

"$C" device add kiosk1 --location nazareth --db "$DB" >"$TMP/add.out"
OLD=$(awk 'END { print $NF }' "$TMP/add.out")
"$C" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
URL="http://127.0.0.1:$PORT"

upload() { # upload TOKEN UUID SEQ -> prints the HTTP code
    printf '{"protocol":"wijkpeil-sync/1","device_id":"kiosk1","location":"nazareth","responses":[{"id":"%s","seq":%d,"questionset":"s","questionset_version":1,"language":"nl","started_at":"2027-03-01T09:15:02.123Z","finished_at":"2027-03-01T09:17:40.001Z","duration_ms":1000,"status":"complete","clock_synced":true,"answers":{"q":"a"}}]}' "$2" "$3" >"$TMP/b.json"
    curl -s -o "$TMP/resp.json" -w '%{http_code}' -H "Authorization: Bearer $1" \
        -H "Content-Type: application/json" --data-binary "@$TMP/b.json" "$URL/v1/responses"
}
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
check "old token works before the rotation" test "$(upload "$OLD" $U1 1)" = 200

"$C" device rotate kiosk1 --db "$DB" >"$TMP/rot.out"
NEW=$(awk 'END { print $NF }' "$TMP/rot.out")
check "new token is 64 hex characters" grep -Eq '^[0-9a-f]{64}$' <<<"$NEW"
check "new token differs from the old" test "$NEW" != "$OLD"
check "says it is shown once" grep -q 'shown only once' "$TMP/rot.out"
check "new token not stored in clear" bash -c "! grep -aq '$NEW'" < <(coll_db_dump "$DB")

# The running collector refuses the old token at once, takes the new one.
check "old token refused by the running server" test "$(upload "$OLD" $U2 2)" = 401
check "new token accepted" test "$(upload "$NEW" $U2 2)" = 200
code=$(upload "$NEW" $U1 1)
check "history kept: the first response is held for the device (duplicate)" \
    bash -c "test $code = 200 && grep -q '\"duplicate\":1' '$TMP/resp.json'"

"$C" device list --db "$DB" >"$TMP/list.out"
check "still one device, active, same location" \
    bash -c "test \$(wc -l <'$TMP/list.out') -ge 1 && test \$(grep -c kiosk1 '$TMP/list.out') -eq 1 && grep kiosk1 '$TMP/list.out' | grep -q 'nazareth' && grep kiosk1 '$TMP/list.out' | grep -q active"
"$C" export --db "$DB" --format jsonl >"$TMP/all.jsonl" 2>/dev/null
check "both responses exported under kiosk1" \
    test "$(grep -c '"device":"kiosk1"' "$TMP/all.jsonl")" -eq 2

if "$C" device rotate nosuch --db "$DB" >"$TMP/no.out" 2>"$TMP/no.err"; then
    bad "rotating an unknown device succeeded"
fi
check "unknown device named" grep -q 'no active device named "nosuch"' "$TMP/no.err"
check "no token printed for an unknown device" bash -c "! grep -Eq '[0-9a-f]{64}' '$TMP/no.out'"
"$C" device revoke kiosk1 --db "$DB" >/dev/null
check "revoked: the rotated token is refused too" test "$(upload "$NEW" $U2 2)" = 401
if "$C" device rotate kiosk1 --db "$DB" >/dev/null 2>"$TMP/rev.err"; then
    bad "a revoked device got a new token"
fi
if "$C" device rotate --db "$DB" >/dev/null 2>&1; then bad "rotate without a name"; else
    check "rotate without a name: usage error 2" test $? -eq 2
fi

kill "$SRV"
wait "$SRV" || true
SRV=""
if [ "$fail" -ne 0 ]; then
    echo "$fail checks failed" >&2
    exit 1
fi
echo "collector_rotate: all checks passed ($COLL_BACKEND)"
