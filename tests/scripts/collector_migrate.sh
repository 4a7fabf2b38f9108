#!/usr/bin/env bash
# wijkpeil-collector migrate --from FILE.db --to DB: an SQLite collector with responses (more
# than one copy transaction of them), devices (one revoked), heartbeat-less and sealed-less
# kiosks, and conflicts is copied to the backend under test (PostgreSQL as collector_migrate_pg,
# another SQLite file otherwise). The exports (CSV and JSON lines, with the collector's receive
# times), the device list and the status are identical; a second run copies nothing; a copy
# that lost part of its rows (an interrupted run) is completed by running it again; the kiosk's
# old token works against the new database.
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
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else bad "$what"; fi
}

SRC="$TMP/old.db"
TO=$(coll_db_new new)
TOK=$("$C" device add kiosk1 --location nazareth --db "$SRC" | awk 'END { print $NF }')
"$C" device add kiosk2 --location pottenberg --db "$SRC" >/dev/null
"$C" device add kiosk3 --location gent --db "$SRC" >/dev/null
"$C" device revoke kiosk3 --db "$SRC" >/dev/null
python3 - "$TMP" <<'PY'
import json, sys
def item(i, answer, seq=None):
    return {"id": "%08x-5555-4555-8555-555555555555" % i, "seq": seq or i + 1,
            "questionset": "q" if i % 3 else "r", "questionset_version": 1, "language": "nl",
            "started_at": "2027-03-01T09:15:02Z", "finished_at": "2027-03-01T09:17:40Z",
            "duration_ms": i, "status": "complete",
            "answers": {"a": answer, "m": ["x", "y,\"z\""], "t": "regel\nnieuw"}}
with open(sys.argv[1] + "/k1.jsonl", "w") as f:
    for i in range(2300):
        f.write(json.dumps(item(i, str(i % 5))) + "\n")
with open(sys.argv[1] + "/k2.jsonl", "w") as f:  # 7 of kiosk 1's UUIDs: conflicts
    for i in range(7):
        f.write(json.dumps(item(i, "anders")) + "\n")
    for i in range(5000, 5040):
        f.write(json.dumps(item(i, "b", i - 4999)) + "\n")
PY
"$C" import "$TMP/k1.jsonl" --device kiosk1 --db "$SRC" >/dev/null
"$C" import "$TMP/k2.jsonl" --device kiosk2 --db "$SRC" >/dev/null 2>&1 || true
check "the source holds conflicts" test "$(coll_db_sql "$SRC" 'SELECT COUNT(*) FROM conflicts')" -eq 7

# the central team's own rows: a user, a question withdrawn from sharing, a dashboard setting, a
# publication of a signed set with a clip
echo 'correct horse battery' | "$C" user add anna --role admin --db "$SRC" >/dev/null
"$C" share withdraw q a --db "$SRC" >/dev/null
coll_db_sql "$SRC" "INSERT INTO dash_settings(key, value) VALUES('k', 12)" >/dev/null
mkdir -p "$TMP/set/clips"
cp "$WIJKPEIL_SRC/tests/qsets/valid-all.json" "$TMP/set/spring.json"
cp "$WIJKPEIL_SRC"/tests/qsets/clips/welkom-nl.wav "$WIJKPEIL_SRC"/tests/qsets/clips/q1-nl.wav \
    "$TMP/set/clips/"
(cd "$TMP" && "$WIJKPEIL_QSET" keygen -o centre >/dev/null)
"$WIJKPEIL_QSET" sign "$TMP/set/spring.json" --key "$TMP/centre.secret" >/dev/null
"$C" publish "$TMP/set/spring.json" --location nazareth --from 2027-03-01T08:00 --db "$SRC" >/dev/null

"$C" migrate --from "$SRC" --to "$TO" >"$TMP/m1.out"
check "migrate counts what it copied" \
    grep -q ': 3 devices, 2340 responses, 7 conflicts new there' "$TMP/m1.out"
team() { # team DB: the central team's rows as the commands show them
    "$C" user list --db "$1"
    "$C" publish --list --db "$1"
    coll_db_sql "$1" "SELECT questionset || '/' || question FROM share_withdrawn"
    coll_db_sql "$1" "SELECT key || '=' || value FROM dash_settings"
    coll_db_sql "$1" "SELECT COUNT(*) || ' blobs' FROM blobs"
}
team "$SRC" >"$TMP/team.src"
team "$TO" >"$TMP/team.to"
check "users, sharing, settings and publications copied too" \
    bash -c "cmp -s '$TMP/team.src' '$TMP/team.to' && grep -q anna '$TMP/team.to' &&
        grep -q nazareth '$TMP/team.to' && grep -q 'q/a' '$TMP/team.to' &&
        grep -q 'k=12' '$TMP/team.to' && grep -q '^3 blobs' '$TMP/team.to'"

same() { # same: the target's exports, device list and status equal the source's
    local db ok=0
    for db in src to; do
        local d=$SRC
        [ $db = to ] && d=$TO
        "$C" export --db "$d" --format csv -o "$TMP/$db.csv" 2>/dev/null
        "$C" export --db "$d" --format jsonl -o "$TMP/$db.jsonl" 2>/dev/null
        "$C" export --db "$d" --format csv --questionset r -o "$TMP/$db.r.csv" 2>/dev/null
        "$C" device list --db "$d" >"$TMP/$db.list"
        "$C" status --db "$d" | sed -E 's/ \([0-9]+ ?[a-z]+ ago\)//' >"$TMP/$db.status"
    done
    for f in csv jsonl r.csv list status; do
        cmp -s "$TMP/src.$f" "$TMP/to.$f" || {
            echo "differs: $f" >&2
            diff "$TMP/src.$f" "$TMP/to.$f" | head -5 >&2
            ok=1
        }
    done
    return $ok
}
check "exports, device list and status identical after migrate" same
check "the export has every response" test "$(wc -l <"$TMP/to.jsonl")" -eq 2340

"$C" migrate --from "$SRC" --to "$TO" >"$TMP/m2.out"
check "a second run copies nothing" grep -q ': 0 devices, 0 responses, 0 conflicts new there; 0 rows' "$TMP/m2.out"
check "still identical" same

# an interrupted run: part of the responses and conflicts and a device are missing
coll_db_sql "$TO" "DELETE FROM responses WHERE seq > 1500 OR device = 'kiosk2'" >/dev/null
coll_db_sql "$TO" "DELETE FROM conflicts WHERE received_ms IN (SELECT MAX(received_ms) FROM conflicts)" >/dev/null
coll_db_sql "$TO" "DELETE FROM devices WHERE name = 'kiosk3'" >/dev/null
# (a real interruption rolls the counts kept beside the responses back with them: here they are
# filled anew from what is left when the database is next opened)
coll_db_before_counts "$TO"
"$C" migrate --from "$SRC" --to "$TO" >"$TMP/m3.out"
check "running it again completes the copy" grep -q ': 1 devices, 840 responses, [1-7] conflicts new' "$TMP/m3.out"
check "identical after completing" same

# the kiosk keeps its token
"$C" serve --db "$TO" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
head -n 1 "$TMP/k1.jsonl" | python3 -c 'import json,sys; print(json.dumps({"protocol":"wijkpeil-sync/1","device_id":"kiosk1","responses":[json.loads(sys.stdin.read())]}))' >"$TMP/body.json"
code=$(curl -s -o "$TMP/resp.json" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
    -H 'Content-Type: application/json' --data-binary "@$TMP/body.json" "http://127.0.0.1:$PORT/v1/responses")
check "the old token works on the new database (a duplicate)" \
    bash -c "[ $code = 200 ] && grep -q '\"duplicate\"' '$TMP/resp.json'"
check "migrate refuses a missing source" bash -c "! '$C' migrate --from '$TMP/none.db' --to '$TO' 2>/dev/null"
check "the missing source was not created" test ! -e "$TMP/none.db"
[ "$fail" -eq 0 ] && echo "collector_migrate ($COLL_BACKEND): all checks passed"
exit "$fail"
