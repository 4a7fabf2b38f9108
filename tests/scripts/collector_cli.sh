#!/usr/bin/env bash
# wijkpeil-collector: device tokens, bad input answered with 4xx JSON and never half-stored,
# CSV/JSONL export, USB-stick import idempotent by UUID, status, clean stop on SIGTERM.
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
DB="$TMP/c.db"
fail=0
pass=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then pass=$((pass + 1)); else bad "$what"; fi
}

# --- devices ---------------------------------------------------------------------------
"$C" device add kiosk1 --location nazareth --db "$DB" >"$TMP/add.out"
TOK=$(awk 'END { print $NF }' "$TMP/add.out")
check "token is 64 hex characters" grep -Eq '^[0-9a-f]{64}$' <<<"$TOK"
check "token not stored in clear" bash -c "! grep -aq '$TOK' '$DB'"
"$C" device add kiosk2 --location pottenberg --db "$DB" >"$TMP/add2.out"
TOK2=$(awk 'END { print $NF }' "$TMP/add2.out")
if "$C" device add kiosk1 --location x --db "$DB" 2>"$TMP/dup.err"; then bad "duplicate device accepted"; fi
check "duplicate device named" grep -q 'exists already' "$TMP/dup.err"
"$C" device list --db "$DB" >"$TMP/list.out"
check "list shows both" test "$(grep -c active "$TMP/list.out")" -eq 2
if "$C" status 2>/dev/null; then bad "command without --db accepted"; fi

# --- serve ------------------------------------------------------------------------------
"$C" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
for _ in $(seq 100); do grep -q listening "$TMP/serve.out" 2>/dev/null && break; sleep 0.05; done
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
URL="http://127.0.0.1:$PORT"
check "serve printed its port" test -n "$PORT"

post() { # post PATH TOKEN BODYFILE [CONTENT-TYPE] -> prints "CODE BODY"
    curl -s -o "$TMP/resp.json" -w '%{http_code}' -H "Authorization: Bearer $2" \
        -H "Content-Type: ${4:-application/json}" --data-binary "@$3" "$URL$1"
}
resp() { # resp UUID SEQ ANSWER
    printf '{"id":"%s","seq":%d,"questionset":"nazareth-2027-voorjaar","questionset_version":1,"language":"ar","started_at":"2027-03-01T09:15:02.123Z","finished_at":"2027-03-01T09:17:40.001Z","duration_ms":157878,"status":"complete","clock_synced":false,"answers":{"woonplezier":"%s","zorgen":["geld","werk"],"opmerking":"a, \\"b\\""}}' "$1" "$2" "$3"
}
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
U4=44444444-4444-4444-8444-444444444444
batch() { printf '{"protocol":"wijkpeil-sync/1","device_id":"kiosk1","location":"nazareth","responses":[%s]}' "$1"; }

batch "$(resp $U1 1 4),$(resp $U2 2 5),{\"id\":\"$U3\",\"seq\":\"three\"}" >"$TMP/b1.json"
code=$(post /v1/responses "$TOK" "$TMP/b1.json")
check "batch with one bad item: 200" test "$code" = 200
check "good items stored, bad one reported" python3 - "$TMP/resp.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
r = a["results"]
assert a["protocol"] == "wijkpeil-sync/1"
assert [x["status"] for x in r] == ["stored", "stored", "invalid"], r
assert r[2]["code"] == 400 and "seq" in r[2]["error"], r
PY
code=$(post /v1/responses "$TOK" "$TMP/b1.json")
check "resend acknowledged as duplicate" bash -c "test $code = 200 && grep -q '\"duplicate\":2' '$TMP/resp.json'"
batch "$(resp $U1 1 1)" >"$TMP/b2.json"
code=$(post /v1/responses "$TOK" "$TMP/b2.json")
check "same UUID, other content: conflict 409 per item" grep -q '"status":"conflict","code":409' "$TMP/resp.json"
code=$(post /v1/responses "$TOK2" "$TMP/b1.json")
check "same UUID from another kiosk: conflict" grep -q '"conflict":2' "$TMP/resp.json"

printf '{"protocol":"wijkpeil-sync/1","responses":[' >"$TMP/bad.json"
code=$(post /v1/responses "$TOK" "$TMP/bad.json")
check "malformed JSON: 400 with JSON error" bash -c "test $code = 400 && grep -q '\"error\":\"malformed JSON' '$TMP/resp.json'"
# Found by fuzz_coll_http: jansson quotes the bad token cut inside a UTF-8 sequence; the answer
# must still be JSON (it was a closed connection without any answer).
printf '{"protocol":"wijkpeil-sync/1","responses":[{"a":"\\\325\227"}]}' >"$TMP/badutf8.json"
code=$(post /v1/responses "$TOK" "$TMP/badutf8.json")
check "malformed JSON cut inside UTF-8: 400 with JSON error" bash -c "test $code = 400 && grep -q '\"error\":\"malformed JSON' '$TMP/resp.json'"
printf '{"protocol":"wijkpeil-sync/1","responses":{"a":1}}' >"$TMP/bad2.json"
code=$(post /v1/responses "$TOK" "$TMP/bad2.json")
check "wrong envelope type: 400" test "$code" = 400
printf '{"responses":[]}' >"$TMP/bad3.json"
code=$(post /v1/responses "$TOK" "$TMP/bad3.json")
check "missing protocol: 400" test "$code" = 400
head -c 3000000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
code=$(post /v1/responses "$TOK" "$TMP/big.json")
check "oversized body: 413" bash -c "test $code = 413 && grep -q error '$TMP/resp.json'"
code=$(post /v1/responses "not-a-token" "$TMP/b1.json")
check "unknown token: 401" bash -c "test $code = 401 && grep -q error '$TMP/resp.json'"
code=$(post /v1/responses "$TOK" "$TMP/b1.json" text/plain)
check "wrong content type: 415" test "$code" = 415
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/responses")
check "GET: 405" test "$code" = 405
code=$(post /v1/nothing "$TOK" "$TMP/b1.json")
check "unknown path: 404" test "$code" = 404

printf '{"protocol":"wijkpeil-sync/1","device_id":"kiosk1","pending":7,"clock_synced":false,"last_error":"disk almost full"}' >"$TMP/hb.json"
code=$(post /v1/status "$TOK" "$TMP/hb.json")
check "heartbeat accepted" test "$code" = 200
printf '{"protocol":"wijkpeil-sync/1","pending":"seven"}' >"$TMP/hb2.json"
code=$(post /v1/status "$TOK" "$TMP/hb2.json")
check "heartbeat with wrong types: 400" test "$code" = 400

# --- revoke -----------------------------------------------------------------------------
"$C" device revoke kiosk2 --db "$DB" >/dev/null
batch "$(resp $U4 9 3)" >"$TMP/b4.json"
code=$(post /v1/responses "$TOK2" "$TMP/b4.json")
check "revoked token: 401" test "$code" = 401

kill -TERM "$SRV"
if wait "$SRV"; then pass=$((pass + 1)); else bad "SIGTERM: clean exit 0"; fi
SRV=""

# --- status, export ---------------------------------------------------------------------
"$C" status --db "$DB" >"$TMP/status.out"
check "status: one line per kiosk" test "$(wc -l <"$TMP/status.out")" -eq 2
check "status shows pending, gaps, clock, error" grep -q 'kiosk1 (nazareth): last seen .* received 2, pending 7, gaps 0, clock NOT synchronised, last error: disk almost full' "$TMP/status.out"
check "status marks the revoked kiosk" grep -q 'kiosk2 (pottenberg) \[revoked\]' "$TMP/status.out"

"$C" export --db "$DB" -o "$TMP/out.csv" 2>/dev/null
check "csv: header and 2 rows" test "$(wc -l <"$TMP/out.csv")" -eq 3
check "csv: CRLF line ends" grep -q $'\r$' "$TMP/out.csv"
check "csv: RFC 4180 quoting" grep -q '"a, ""b"""' "$TMP/out.csv"
check "csv: multi answers joined" grep -q 'geld;werk' "$TMP/out.csv"
check "csv: one column per question" bash -c "head -1 '$TMP/out.csv' | grep -q ',woonplezier,zorgen,opmerking'"
check "csv: parses as 2 rows" python3 - "$TMP/out.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert len(rows) == 2 and rows[0]["opmerking"] == 'a, "b"' and rows[0]["language"] == "ar", rows
assert rows[0]["received_at"].endswith("Z")
PY
"$C" export --db "$DB" --format jsonl -o "$TMP/out.jsonl" 2>/dev/null
check "jsonl: 2 lines" test "$(wc -l <"$TMP/out.jsonl")" -eq 2
"$C" export --db "$DB" --questionset other --format jsonl -o "$TMP/none.jsonl" 2>/dev/null
check "--questionset filters" test ! -s "$TMP/none.jsonl"
cat >"$TMP/set.json" <<'JSON'
{"format":"wijkpeil/1","id":"nazareth-2027-voorjaar","version":1,"languages":["nl","en"],
 "questions":[{"id":"zorgen","text":{"nl":"Waar maakt u zich zorgen over?","en":"Worries"}},
              {"id":"woonplezier","text":{"nl":"Woont u hier fijn?","en":"Do you like living here?"}}]}
JSON
"$C" export --db "$DB" --qset "$TMP/set.json" -o "$TMP/lab.csv" 2>/dev/null
check "--qset labels and orders the columns" bash -c "head -1 '$TMP/lab.csv' | grep -q ',Waar maakt u zich zorgen over?,Woont u hier fijn?,opmerking'"

# --- import (USB stick) ---------------------------------------------------------------------
U5=55555555-5555-4555-8555-555555555555
{
    resp $U1 1 4 | sed 's/,"clock_synced":false//; s/\.123Z/.123000Z/'
    echo
    resp $U5 5 2
    echo
    echo '{"id": "not json'
    echo
} >"$TMP/stick.jsonl"
if "$C" import "$TMP/stick.jsonl" --device kiosk1 --db "$DB" >"$TMP/imp.out" 2>"$TMP/imp.err"; then
    bad "import with a broken line exits 0"
fi
check "import: 1 new, 1 already held (uploaded before), 1 invalid" grep -q '1 new, 1 already held, 0 conflicting, 1 invalid' "$TMP/imp.out"
check "import names the broken line" grep -q 'stick.jsonl:3' "$TMP/imp.err"
sed -i '3d' "$TMP/stick.jsonl"
"$C" import "$TMP/stick.jsonl" --device kiosk1 --db "$DB" >"$TMP/imp2.out"
check "import again: idempotent" grep -q '0 new, 2 already held' "$TMP/imp2.out"
if "$C" import "$TMP/stick.jsonl" --device nobody --db "$DB" 2>/dev/null; then bad "import for an unknown device"; fi
"$C" status --db "$DB" >"$TMP/status2.out"
check "gaps from sequence numbers (1,2,5: 3 and 4 missing)" grep -q 'kiosk1.*received 3, .*gaps 2' "$TMP/status2.out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
