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
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
DB=$(coll_db_new c)
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
check "token not stored in clear" bash -c "! grep -aq '$TOK'" < <(coll_db_dump "$DB")
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
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
wait_line "$TMP/serve.out" listening "$SRV" || true # the checks below say what is missing
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
URL="http://127.0.0.1:$PORT"
check "serve printed its port" test -n "$PORT"

post() { # post PATH TOKEN BODYFILE [CONTENT-TYPE] -> prints the code; body in resp.json
    curl -s -D "$TMP/resp.hdr" -o "$TMP/resp.json" -w '%{http_code}' -H "Authorization: Bearer $2" \
        -H "Content-Type: ${4:-application/json}" --data-binary "@$3" "$URL$1"
}
json_error() { # the last answer is a JSON error body, as PROTOCOL.md promises
    grep -qi '^content-type: application/json' "$TMP/resp.hdr" &&
        python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert a["error"] and a["protocol"]=="wijkpeil-sync/1"' "$TMP/resp.json"
}
raw() { # raw REQUESTFILE -> prints the code; body in resp.json (for requests curl will not send)
    python3 - "$PORT" "$1" "$TMP/resp.json" "$TMP/resp.hdr" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(open(sys.argv[2], "rb").read())
data = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    data += d
head, _, body = data.partition(b"\r\n\r\n")
open(sys.argv[3], "wb").write(body)
open(sys.argv[4], "wb").write(head + b"\r\n")
print(head.split()[1].decode())
PY
}
resp() { # resp UUID SEQ ANSWER
    printf '{"id":"%s","seq":%d,"questionset":"nazareth-2027-voorjaar","questionset_version":1,"language":"ar","started_at":"2027-03-01T09:15:02.123Z","finished_at":"2027-03-01T09:17:40.001Z","duration_ms":157878,"status":"complete","clock_synced":false,"answers":{"woonplezier":"%s","zorgen":["geld","werk"],"opmerking":"a, \\"b\\""}}' "$1" "$2" "$3"
}
U1=11111111-1111-4111-8111-111111111111
U2=2222abcd-2222-4222-8222-22222222abcd
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
sed "s/$U2/${U2^^}/" "$TMP/b1.json" >"$TMP/b1u.json"
code=$(post /v1/responses "$TOK" "$TMP/b1u.json")
check "the same UUID in upper case is the same response, acknowledged as sent" python3 - "$TMP/resp.json" "${U2^^}" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
assert a["duplicate"] == 2 and a["stored"] == 0, a
assert a["results"][1]["id"] == sys.argv[2], a["results"][1]
PY
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
check "413 body is JSON" json_error
code=$(post /v1/responses "not-a-token" "$TMP/b1.json")
check "unknown token: 401" bash -c "test $code = 401 && grep -q error '$TMP/resp.json'"
check "401 body is JSON" json_error
code=$(post /v1/responses "$TOK" "$TMP/b1.json" text/plain)
check "wrong content type: 415" test "$code" = 415
check "415 body is JSON" json_error
code=$(post /v1/responses "$TOK" "$TMP/b1.json" application/jsonx)
check "application/jsonx: 415" test "$code" = 415
code=$(post /v1/responses "$TOK" "$TMP/b1.json" "application/json; charset=utf-8")
check "application/json; charset=utf-8 accepted" test "$code" = 200
code=$(post /v1/responses "$TOK" "$TMP/b1.json" "application/json; charset=latin1")
check "another charset: 415" test "$code" = 415
code=$(curl -s -D "$TMP/resp.hdr" -o "$TMP/resp.json" -w '%{http_code}' "$URL/v1/responses")
check "GET: 405" test "$code" = 405
check "405 body is JSON" json_error
code=$(post /v1/nothing "$TOK" "$TMP/b1.json")
check "unknown path: 404" test "$code" = 404
check "404 body is JSON" json_error
len=$(wc -c <"$TMP/b1.json")
{
    printf 'POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n' "$TOK"
    printf 'Content-Type: application/json\r\nContent-Length: %d\r\nContent-Length: %d\r\n' "$len" "$len"
    printf 'Connection: close\r\n\r\n'
    cat "$TMP/b1.json"
} >"$TMP/dupcl.req"
code=$(raw "$TMP/dupcl.req")
check "duplicate Content-Length: 400 JSON" bash -c "test $code = 400 && grep -q 'Content-Length' '$TMP/resp.json'"
check "duplicate Content-Length body is JSON" json_error
sed 's/^Content-Length: [0-9]*\r$/Transfer-Encoding: chunked\r/; T; :a; n; ba' "$TMP/dupcl.req" >"$TMP/clte.req"
code=$(raw "$TMP/clte.req")
check "Content-Length with Transfer-Encoding: 400" bash -c "test $code = 400 && grep -q 'Transfer-Encoding' '$TMP/resp.json'"

# Strict fields: a time that only looks like one, a second 60, 31 February, year 9999, and
# sequence numbers no kiosk makes are refused per item as invalid.
U9=99999999-9999-4999-8999-999999999999
{
    printf '{"protocol":"wijkpeil-sync/1","responses":['
    n=0
    for t in '2027-+1-01T09:15:02.123Z' '2027-03-01T09:15:60.000Z' '2027-02-31T09:15:02Z' \
        '9999-03-01T09:15:02Z' ' 2027-03-01T09:15:02Z' '2027-03-01T09:15:02.Z' '2027-3-01T09:15:02Z'; do
        n=$((n + 1))
        resp "$U9" 1 1 | sed "s/\"started_at\":\"[^\"]*\"/\"started_at\":\"$t\"/"
        printf ','
    done
    resp "$U9" 9223372036854775807 1
    printf ','
    resp "$U9" 0 1
    printf ','
    resp "$U9" 2147483648 1
    printf ']}'
} >"$TMP/strict.json"
code=$(post /v1/responses "$TOK" "$TMP/strict.json")
check "strict times and seq: every item invalid, nothing stored" python3 - "$TMP/resp.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
st = [r["status"] for r in a["results"]]
assert st == ["invalid"] * 10 and a["stored"] == 0, st
errs = [r["error"] for r in a["results"]]
assert all("started_at" in e for e in errs[:7]) and all("seq" in e for e in errs[7:]), errs
PY

printf '{"protocol":"wijkpeil-sync/1","pending":"seven"}' >"$TMP/hb2.json"
code=$(post /v1/status "$TOK" "$TMP/hb2.json")
check "heartbeat with wrong types: 400" test "$code" = 400
printf '{"protocol":"wijkpeil-sync/1","pending":-5}' >"$TMP/hb3.json"
code=$(post /v1/status "$TOK" "$TMP/hb3.json")
check "heartbeat with negative pending: 400" test "$code" = 400
python3 -c 'import json; print(json.dumps({"protocol": "wijkpeil-sync/1", "pad": "x" * 17000}))' >"$TMP/hb4.json"
code=$(post /v1/status "$TOK" "$TMP/hb4.json")
check "heartbeat over 16 KiB: 413 JSON" bash -c "test $code = 413 && grep -q '16 KiB' '$TMP/resp.json'"
# the last heartbeat is what status shows: its last_error tries escape sequences and a forged line
printf '{"protocol":"wijkpeil-sync/1","device_id":"kiosk1","pending":7,"clock_synced":false,"last_error":"disk almost full\\u001b[2J\\u009b31m\\nkiosk9 (x): forged\\r"}' >"$TMP/hb.json"
code=$(post /v1/status "$TOK" "$TMP/hb.json")
check "heartbeat accepted" test "$code" = 200

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
check "status: one line per kiosk (a forged line in last_error stays on its line)" test "$(wc -l <"$TMP/status.out")" -eq 2
check "status shows pending, gaps, clock, conflicts, error" grep -q 'kiosk1 (nazareth): last seen .* received 2, pending 7, gaps 0, clock NOT synchronised, conflicts 1, last error: disk almost full?\[2J?31m?kiosk9 (x): forged?$' "$TMP/status.out"
check "status prints no control characters" python3 -c '
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", t), repr(t)' "$TMP/status.out"
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
if "$C" export --db "$DB" --questionset other --format jsonl -o "$TMP/none.jsonl" 2>"$TMP/none.err"; then
    bad "--questionset matching nothing exported an empty file"
fi
check "--questionset matching nothing: an error naming the set, no file" \
    bash -c "grep -q 'no responses of question set \"other\"' '$TMP/none.err' && test ! -e '$TMP/none.jsonl'"
"$C" export --db "$DB" --questionset nazareth-2027-voorjaar --format jsonl -o "$TMP/one.jsonl" 2>/dev/null
check "--questionset filters" test "$(wc -l <"$TMP/one.jsonl")" -eq 2
cat >"$TMP/set.json" <<'JSON'
{"format":"wijkpeil/1","id":"nazareth-2027-voorjaar","version":1,"languages":["nl","en"],
 "questions":[{"id":"zorgen","text":{"nl":"Waar maakt u zich zorgen over?","en":"Worries"}},
              {"id":"uitleg","type":"note","text":{"nl":"Lees dit eerst","en":"Read this"}},
              {"id":"woonplezier","text":{"nl":"Woont u hier fijn?","en":"Do you like living here?"}}]}
JSON
"$C" export --db "$DB" --qset "$TMP/set.json" -o "$TMP/lab.csv" 2>/dev/null
check "--qset labels and orders the columns" bash -c "head -1 '$TMP/lab.csv' | grep -q ',Waar maakt u zich zorgen over?,Woont u hier fijn?,opmerking'"
check "--qset: a note is exported as nothing (no column)" bash -c "! head -1 '$TMP/lab.csv' | grep -q 'Lees dit eerst'"
sed 's/"id":"nazareth-2027-voorjaar"/"id":"pottenberg-2027"/' "$TMP/set.json" >"$TMP/other-set.json"
if "$C" export --db "$DB" --qset "$TMP/other-set.json" -o "$TMP/o.csv" 2>"$TMP/o.err"; then
    bad "--qset of another set accepted"
fi
check "--qset of another set: nothing written" test ! -e "$TMP/o.csv"
if "$C" export --db "$DB" --questionset nazareth-2027-voorjaar --qset "$TMP/other-set.json" \
    -o "$TMP/o.csv" 2>"$TMP/o.err"; then
    bad "--qset not matching --questionset accepted"
fi
check "--qset must match the exported set id" grep -q 'is question set "pottenberg-2027", not the exported "nazareth-2027-voorjaar"' "$TMP/o.err"

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

# --- the version as the spreadsheet wrote it (issue 12) -----------------------------------------
# A database from before it (schema 5: the column dropped again) is upgraded on open; the text
# is kept and exported; one over 64 bytes is refused by number.
DB3="$TMP/c3.db"
"$C" device add kiosk4 --location y --db "$DB3" >/dev/null
# (the columns of later versions go too, and responses_flat, which names them, is a stand-in)
sqlite3 "$DB3" "DROP VIEW responses_flat; DROP INDEX responses_flagged; ALTER TABLE responses DROP COLUMN languages;
    ALTER TABLE responses DROP COLUMN active_ms; ALTER TABLE responses DROP COLUMN flags;
    CREATE VIEW responses_flat AS SELECT 1 AS x;
    ALTER TABLE responses DROP COLUMN questionset_version_text; PRAGMA user_version=5;"
python3 - "$TMP/vt.jsonl" <<'PY'
import json, sys
def item(i, vt):
    o = {"id": "%08x-5555-4555-8555-555555555555" % i, "seq": i + 1, "questionset": "q",
         "questionset_version": 12716063, "language": "ti", "started_at": "2027-03-01T09:15:02Z",
         "finished_at": "2027-03-01T09:17:40Z", "duration_ms": 1, "status": "complete",
         "answers": {"a": "1"}}
    if vt is not None:
        o["questionset_version_text"] = vt
    return json.dumps(o, ensure_ascii=False)
open(sys.argv[1], "w").write("\n".join([item(0, "2024-03-05 14:22:10"), item(1, None),
                                       item(2, "v" * 65)]) + "\n")
PY
"$C" import "$TMP/vt.jsonl" --device kiosk4 --db "$DB3" >"$TMP/vt.out" 2>"$TMP/vt.err" || true
check "version_text: 2 new, the over-long one invalid by line" \
    bash -c "grep -q '2 new, 0 already held, 0 conflicting, 1 invalid' '$TMP/vt.out' &&
             grep -q 'line 3: invalid: .questionset_version_text' '$TMP/vt.err'"
check "version_text: schema upgraded (to 6 or later)" test "$(sqlite3 "$DB3" 'PRAGMA user_version')" -ge 6
"$C" export --db "$DB3" -o "$TMP/vt.csv" 2>/dev/null
"$C" export --db "$DB3" --format jsonl -o "$TMP/vt-out.jsonl" 2>/dev/null
check "version_text: exported as held (csv column, jsonl key only when given)" \
    python3 - "$TMP/vt.csv" "$TMP/vt-out.jsonl" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert [r["questionset_version_text"] for r in rows] == ["2024-03-05 14:22:10", ""], rows
lines = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert lines[0]["questionset_version_text"] == "2024-03-05 14:22:10", lines[0]
assert "questionset_version_text" not in lines[1], lines[1]
PY

# --- hostile content (a separate database, filled by import) ---------------------------------
DB2=$(coll_db_new c2)
"$C" device add kiosk3 --location x --db "$DB2" >/dev/null
python3 - "$TMP/formula.jsonl" <<'PY'
import json, sys
item = {"id": "66666666-6666-4666-8666-666666666666", "seq": 1, "questionset": "=cmd|' /C calc'!A0",
        "questionset_version": 1, "language": "nl", "started_at": "2027-03-01T09:15:02.123Z",
        "finished_at": "2027-03-01T09:17:40.001Z", "duration_ms": 1, "status": "complete",
        "answers": {"a": '=HYPERLINK("http://x","y")', "b": "+1+1", "c": "-3", "d": "@SUM(A1)",
                    "e": "\tx", "f": "\rx", "g": "-", "h": "2.5", "i": ["-1+2", "x"], "=evil": "1"}}
open(sys.argv[1], "w").write(json.dumps(item) + "\n")
PY
"$C" import "$TMP/formula.jsonl" --device kiosk3 --db "$DB2" >/dev/null
"$C" export --db "$DB2" -o "$TMP/formula.csv" 2>/dev/null
check "csv: formulas neutralised with a quote, text kept, numbers left alone" python3 - "$TMP/formula.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
r = rows[0]
want = {"questionset": "'=cmd|' /C calc'!A0", "a": '\'=HYPERLINK("http://x","y")', "b": "'+1+1",
        "c": "-3", "d": "'@SUM(A1)", "e": "'\tx", "f": "'\rx", "g": "'-", "h": "2.5",
        "i": "'-1+2;x", "'=evil": "1"}
got = {k: r.get(k) for k in want}
assert got == want, got
PY

# Conflicts are logged up to a quota per device; later ones are answered but not kept.
python3 - "$TMP/q1.jsonl" "$TMP/q2.jsonl" <<'PY'
import json, sys
def item(i, answer):
    return {"id": "%08x-7777-4777-8777-777777777777" % i, "seq": i + 1, "questionset": "q",
            "questionset_version": 1, "language": "nl", "started_at": "2027-03-01T09:15:02Z",
            "finished_at": "2027-03-01T09:17:40Z", "duration_ms": 1, "status": "complete",
            "answers": {"a": answer}}
with open(sys.argv[1], "w") as f:
    for i in range(1010):
        f.write(json.dumps(item(i, "1")) + "\n")
with open(sys.argv[2], "w") as f:
    for i in range(1010):
        f.write(json.dumps(item(i, "2")) + "\n")
PY
"$C" import "$TMP/q1.jsonl" --device kiosk3 --db "$DB2" >/dev/null
"$C" import "$TMP/q2.jsonl" --device kiosk3 --db "$DB2" >"$TMP/q2.out" 2>/dev/null || true
check "import: 1010 conflicts reported" grep -q '0 new, 0 already held, 1010 conflicting' "$TMP/q2.out"
check "conflicts log holds at most 1000 rows per device" \
    test "$(coll_db_sql "$DB2" "SELECT COUNT(*) FROM conflicts WHERE device='kiosk3'")" -eq 1000
"$C" status --db "$DB2" >"$TMP/status3.out"
check "status says the conflicts log is full" grep -q 'conflicts 1000 (log full' "$TMP/status3.out"

# Import reads a line at most 1 MiB at a time: a 200 MB line costs no 200 MB of memory, is
# named by its number and skipped, and the lines after it are imported.
check "import: a 200 MB line is skipped by number in bounded memory" python3 - "$C" "$DB2" <<'PY'
import json, resource, subprocess, sys, tempfile
c, db = sys.argv[1:3]
item = {"id": "88888888-8888-4888-8888-888888888888", "seq": 5000, "questionset": "q",
        "questionset_version": 1, "language": "nl", "started_at": "2027-03-01T09:15:02Z",
        "finished_at": "2027-03-01T09:17:40Z", "duration_ms": 1, "status": "complete",
        "answers": {"a": "1"}}
out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
p = subprocess.Popen([c, "import", "/dev/stdin", "--device", "kiosk3", "--db", db],
                     stdin=subprocess.PIPE, stdout=out, stderr=err)
p.stdin.write(b"\n")
chunk = b"x" * (1 << 20)
for _ in range(200):
    p.stdin.write(chunk)
p.stdin.write(b"\n" + json.dumps(item).encode() + b"\n")
p.stdin.close()
p.wait()
out.seek(0)
err.seek(0)
out, err = out.read(), err.read()
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"measured: import of a 200 MB line peaked at {rss_mb:.0f} MB resident")
assert p.returncode == 1, p.returncode
assert b"stdin:2: line longer than 1 MiB, skipped" in err, err
assert b"1 new, 0 already held, 0 conflicting, 1 invalid" in out, out
assert rss_mb < 150, rss_mb
PY

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
