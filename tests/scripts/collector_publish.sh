#!/usr/bin/env bash
# wijkpeil-collector publish: a signed set with its clips stored and assigned to a location or to
# named kiosks; refused without a signature or with a clip changed after signing; publish --list
# and --withdraw; GET /v1/assignment (ETag / If-None-Match -> 304, only what this kiosk is
# assigned) and GET /v1/files/ID/NAME (the exact bytes, Range for resuming, 404 for another
# kiosk's or a withdrawn publication's files).
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
C="$WIJKPEIL_COLLECTOR"
Q="$WIJKPEIL_QSET"
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
DB=$(coll_db_new p)
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

# --- a signed set with clips ----------------------------------------------------------------
mkdir -p "$TMP/set/clips"
cp "$WIJKPEIL_SRC/tests/qsets/valid-all.json" "$TMP/set/spring.json"
cp "$WIJKPEIL_SRC"/tests/qsets/clips/welkom-nl.wav "$WIJKPEIL_SRC"/tests/qsets/clips/q1-nl.wav \
    "$TMP/set/clips/"
(cd "$TMP" && "$Q" keygen -o centre >/dev/null)
if "$C" publish "$TMP/set/spring.json" --location nazareth --db "$DB" 2>"$TMP/nosig.err"; then
    bad "an unsigned set was published"
fi
check "unsigned: says why" grep -q "no signature" "$TMP/nosig.err"
"$Q" sign "$TMP/set/spring.json" --key "$TMP/centre.secret" >/dev/null
check "the set lists its clips" grep -q '"clips/q1-nl.wav"' "$TMP/set/spring.json"

for d in kiosk1:nazareth kiosk2:nazareth kiosk3:pottenberg; do
    "$C" device add "${d%%:*}" --location "${d##*:}" --db "$DB" >"$TMP/add-${d%%:*}.out"
done
tok() { awk 'END { print $NF }' "$TMP/add-$1.out"; }

cp "$TMP/set/clips/q1-nl.wav" "$TMP/q1.keep"
printf 'x' >>"$TMP/set/clips/q1-nl.wav"
if "$C" publish "$TMP/set/spring.json" --location nazareth --db "$DB" 2>"$TMP/clip.err"; then
    bad "a set whose clip changed after signing was published"
fi
check "changed clip: names it" grep -q "clips/q1-nl.wav does not match" "$TMP/clip.err"
cp "$TMP/q1.keep" "$TMP/set/clips/q1-nl.wav"
if "$C" publish "$TMP/set/spring.json" --location nazareth --device nobody --db "$DB" \
    2>"$TMP/dev.err"; then
    bad "published to an unknown device"
fi
check "unknown device: says so" grep -q "no device nobody at location nazareth" "$TMP/dev.err"
check "unknown device: names the devices there" grep -q "(devices there: kiosk1, kiosk2); --force" "$TMP/dev.err"
check "unknown device: one line" test "$(wc -l <"$TMP/dev.err")" -eq 1
rc=0
"$C" publish "$TMP/set/spring.json" --location nazaret --db "$DB" >/dev/null 2>"$TMP/loc.err" || rc=$?
check "unknown location: exit 1" test "$rc" -eq 1
check "unknown location: one line naming the known ones" \
    grep -qx "wijkpeil-collector: no kiosk is registered at location nazaret (known locations: nazareth, pottenberg); --force publishes anyway" "$TMP/loc.err"
check "unknown location: one line" test "$(wc -l <"$TMP/loc.err")" -eq 1
check "unknown location: nothing published" bash -c "! '$C' publish --list --db '$DB' | grep -q nazaret"
if "$C" publish "$TMP/set/spring.json" --location nazareth --from 2027-03-01T08:00 \
    --until 2027-02-01T08:00 --db "$DB" 2>/dev/null; then
    bad "until before from accepted"
fi
check "nothing half-stored by the refusals" \
    test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM publication_files")" = 0

"$C" publish "$TMP/set/spring.json" --location nazareth --from 2027-03-01T08:00 \
    --until 2027-04-30T23:59 --db "$DB" >"$TMP/pub.out"
ID=$(sed -n 's/^published as \([0-9a-f]*\)$/\1/p' "$TMP/pub.out")
check "publish prints the id" test -n "$ID"
"$C" publish "$TMP/set/spring.json" --location nazareth --device kiosk2 --device kiosk2 \
    --db "$DB" >"$TMP/pub2.out"
ID2=$(sed -n 's/^published as \([0-9a-f]*\)$/\1/p' "$TMP/pub2.out")
check "a second publication to one kiosk" test -n "$ID2"
check "files stored once per content (the two clips are the same bytes)" \
    test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM blobs")" = 3
"$C" publish --list --db "$DB" >"$TMP/list.out"
check "list: the first is waiting for its start" \
    grep -q "^$ID  test-alle-typen v3  nazareth (every kiosk)  2027-03-01T08:00 .. 2027-04-30T23:59  waiting  4 files" "$TMP/list.out"
check "list: the second is for kiosk2 and active" grep -q "^$ID2 .* devices kiosk2 .* active" "$TMP/list.out"

# --- what kiosks ask --------------------------------------------------------------------------
"$C" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
URL="http://127.0.0.1:$PORT"
get() { # get PATH TOKEN OUT [curl options...] -> prints the status code; headers in OUT.hdr
    local path=$1 token=$2 out=$3
    shift 3
    curl -s -D "$out.hdr" -o "$out" -w '%{http_code}' -H "Authorization: Bearer $token" "$@" \
        "$URL$path"
}
etag() { sed -n 's/^[Ee][Tt][Aa][Gg]: *\([^[:space:]]*\).*/\1/p' "$1.hdr"; }

check "assignment: 200" test "$(get /v1/assignment "$(tok kiosk1)" "$TMP/a1")" = 200
python3 - "$TMP/a1" "$ID" "$ID2" "$TMP/set" <<'PY' || bad "kiosk1's assignment"
import hashlib, json, os, sys
a = json.load(open(sys.argv[1]))
ids = [p["id"] for p in a["publications"]]
assert ids == [sys.argv[2]], ids  # not kiosk2's own publication
p = a["publications"][0]
assert p["set_id"] == "test-alle-typen" and p["set_version"] == 3 and p["set_file"] == "spring.json", p
assert p["from"].startswith("2027-03-01T") and p["until"].startswith("2027-04-30T"), p
assert abs(a["now_ms"] / 1000 - __import__("time").time()) < 3600, a["now_ms"]
names = sorted(f["name"] for f in p["files"])
assert names == ["clips/q1-nl.wav", "clips/welkom-nl.wav", "spring.json", "spring.json.sig"], names
for f in p["files"]:
    data = open(os.path.join(sys.argv[4], f["name"]), "rb").read()
    assert f["size"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest(), f
PY
E1=$(etag "$TMP/a1")
check "assignment has an ETag" test -n "$E1"
check "unchanged: 304" test "$(get /v1/assignment "$(tok kiosk1)" "$TMP/a1b" -H "If-None-Match: $E1")" = 304
check "304 has no body" test ! -s "$TMP/a1b"
get /v1/assignment "$(tok kiosk2)" "$TMP/a2" >/dev/null
check "kiosk2 gets both" python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["publications"]) == 2' "$TMP/a2"
get /v1/assignment "$(tok kiosk3)" "$TMP/a3" >/dev/null
check "another location gets nothing" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["publications"] == []' "$TMP/a3"
check "no token: 401" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/assignment")" = 401
check "POST: 405" test "$(get /v1/assignment "$(tok kiosk1)" "$TMP/post" -d x)" = 405

check "file: 200" test "$(get "/v1/files/$ID/clips/q1-nl.wav" "$(tok kiosk1)" "$TMP/f1")" = 200
check "file: the exact bytes" cmp -s "$TMP/f1" "$TMP/set/clips/q1-nl.wav"
check "file: set bytes" test "$(get "/v1/files/$ID/spring.json" "$(tok kiosk1)" "$TMP/f2")" = 200
check "file: set the exact bytes" cmp -s "$TMP/f2" "$TMP/set/spring.json"
check "range: 206" test "$(get "/v1/files/$ID/clips/q1-nl.wav" "$(tok kiosk1)" "$TMP/r1" -H 'Range: bytes=10-')" = 206
check "range: the rest" cmp -s "$TMP/r1" <(tail -c +11 "$TMP/set/clips/q1-nl.wav")
check "range: Content-Range" grep -qi "^content-range: bytes 10-" "$TMP/r1.hdr"
get "/v1/files/$ID/clips/q1-nl.wav" "$(tok kiosk1)" "$TMP/r2" -H 'Range: bytes=4-7' >/dev/null
check "range: four bytes" cmp -s "$TMP/r2" <(head -c 8 "$TMP/set/clips/q1-nl.wav" | tail -c 4)
check "range past the end: 416" test "$(get "/v1/files/$ID/clips/q1-nl.wav" "$(tok kiosk1)" "$TMP/r3" -H 'Range: bytes=99999999-')" = 416
check "another location's kiosk: 404" test "$(get "/v1/files/$ID/spring.json" "$(tok kiosk3)" "$TMP/f3")" = 404
check "kiosk2's own publication for kiosk1: 404" test "$(get "/v1/files/$ID2/spring.json" "$(tok kiosk1)" "$TMP/f4")" = 404
check "a name not in the publication: 404" test "$(get "/v1/files/$ID/../spring.json" "$(tok kiosk1)" "$TMP/f5" --path-as-is)" = 404

# --- the same publication on a stick, for a site without network -----------------------------
mkdir "$TMP/stick"
"$C" publish "$TMP/set/spring.json" --location nazareth --from 2027-03-01T08:00 \
    --to-stick "$TMP/stick" --db "$DB" >"$TMP/stick.out"
ID3=$(sed -n 's/^published as \([0-9a-f]*\)$/\1/p' "$TMP/stick.out")
check "to-stick: says where" grep -q "written to $TMP/stick/WIJKPEIL/questionsets" "$TMP/stick.out"
for f in spring.json spring.json.sig clips/q1-nl.wav clips/welkom-nl.wav; do
    get "/v1/files/$ID3/$f" "$(tok kiosk1)" "$TMP/net" >/dev/null
    check "to-stick: $f is what the network route serves" cmp -s "$TMP/stick/WIJKPEIL/questionsets/$f" "$TMP/net"
done
check "to-stick: the kiosk's key check accepts it" \
    "$Q" verify "$TMP/stick/WIJKPEIL/questionsets/spring.json" --key "$TMP/centre.public"
check "to-stick: the schedule beside the set" python3 -c '
import json, sys, time
s = json.load(open(sys.argv[1]))
want = int(time.mktime(time.strptime("2027-03-01T08:00", "%Y-%m-%dT%H:%M"))) * 1000
assert s == {"publication": sys.argv[2], "from_ms": want, "until_ms": 0}, s' \
    "$TMP/stick/WIJKPEIL/questionsets/spring.json.schedule" "$ID3"
check "to-stick: no temporary files left (four files and the schedule)" \
    test "$(find "$TMP/stick" -type f | wc -l)" -eq 5

# --- withdrawing ------------------------------------------------------------------------------
"$C" publish --withdraw "$ID" --db "$DB" >"$TMP/wd.out"
check "withdraw says what kiosks do" grep -q "go back to their previous set" "$TMP/wd.out"
if "$C" publish --withdraw "$ID" --db "$DB" 2>/dev/null; then bad "withdrawn twice"; fi
check "withdrawn: the tag changes" test "$(get /v1/assignment "$(tok kiosk1)" "$TMP/a4" -H "If-None-Match: $E1")" = 200
check "withdrawn: not assigned, the others still are" python3 -c 'import json,sys; assert [p["id"] for p in json.load(open(sys.argv[1]))["publications"]] == [sys.argv[2]]' "$TMP/a4" "$ID3"
check "withdrawn: files 404" test "$(get "/v1/files/$ID/spring.json" "$(tok kiosk1)" "$TMP/f6")" = 404
"$C" publish --list --db "$DB" >"$TMP/list2.out"
check "list: withdrawn" grep -q "^$ID .* withdrawn" "$TMP/list2.out"
FORCED=$("$C" publish "$TMP/set/spring.json" --location newsite --device k9 --force --db "$DB" | sed -n 's/^published as //p')
check "--force: published to a location without kiosks yet" test -n "$FORCED"

kill "$SRV"
wait "$SRV" 2>/dev/null || true
SRV=""
echo "collector_publish: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
