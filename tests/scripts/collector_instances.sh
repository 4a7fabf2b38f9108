#!/usr/bin/env bash
# Two collector instances on one database (issue 13: "instances hold no state that matters beyond
# a request"; PostgreSQL as collector_instances_pg, one SQLite file here):
# - dashboard sessions: signed in through instance A, the cookie works on B; signed out on B, it
#   no longer works on A (sessions are rows of the database, not memory of an instance);
# - kiosk health: one kiosk uploads interleaved batches through both instances at once (odd
#   batches to A, even to B) with three sequence numbers never sent, and heartbeats through
#   both in turn: both instances' kiosks pages show the same row (received, the last
#   heartbeat's pending count, 3 gaps), as does `status`;
# - the kept counts (issue 13): 8 kiosks upload batches through both instances at once (some
#   the same batch through both at the same time, some conflicting) while both add agg_delta up
#   into agg_counts and agg_months (each read of the results page does, coll_db_agg_settle):
#   afterwards the kept counts equal a recount from the responses table exactly (the counts
#   dropped and filled anew from the responses, as for a database from before them), and hold
#   every response stored once.
# Synchronised on the servers' "listening" lines and their answers.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/coll_test.sh
. "$HERE/lib/coll_test.sh"
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"

DB=$(coll_db_new instances)
echo 'correct horse battery' | "$C" user add anna --role viewer --db "$DB" >/dev/null
TOK=$("$C" device add k1 --location nazareth --db "$DB" | tail -1)
python3 "$HERE/lib/share_seed.py" "$TMP" 10 # the set "deel" (share.json) of the kept counts
coll_serve a --db "$DB" --qset "$TMP/share.json"
A="http://127.0.0.1:$SERVE_PORT"
coll_serve b --db "$DB" --qset "$TMP/share.json"
B="http://127.0.0.1:$SERVE_PORT"

# get JAR URL [CURL-ARGS...] -> the status code; the body in $TMP/b
get() {
    local jar=$1 url=$2
    shift 2
    curl -s -c "$jar" -b "$jar" -o "$TMP/b" -w '%{http_code}' "$@" "$url"
}
csrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b" | head -1; }

# --- sessions ---------------------------------------------------------------------------------
J="$TMP/jar"
get "$J" "$A/dash/login" >/dev/null
check "signed in through A" test "$(get "$J" "$A/dash/login" --data-urlencode "csrf=$(csrf)" \
    --data-urlencode user=anna --data-urlencode 'password=correct horse battery')" = 303
check "... the cookie works on B" test "$(get "$J" "$B/dash/kiosks")" = 200
check "... and on A" test "$(get "$J" "$A/dash/kiosks")" = 200
check "signed out on B, with the form's CSRF token from A" \
    test "$(get "$J" "$B/dash/logout" --data "csrf=$(csrf)")" = 303
check "... the session no longer works on A" test "$(get "$J" "$A/dash/kiosks")" = 303
check "... nor on B" test "$(get "$J" "$B/dash/kiosks")" = 303
check "... and is gone from the database" \
    test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM sessions")" = 0

# --- heartbeats and gaps ----------------------------------------------------------------------
# 60 responses in batches of 5, batch i to A when odd, to B when even, all at once; numbers
# 21-23 never sent. Then heartbeats through A and B in turn, pending 9, 8, ..., 4 (the last, 4,
# through B).
python3 - "$TOK" "${A#http://127.0.0.1:}" "${B#http://127.0.0.1:}" <<'PY'
import json, sys, threading, urllib.request
tok, ports = sys.argv[1], [int(p) for p in sys.argv[2:4]]
def post(port, path, body):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), json.dumps(body).encode(),
                                 {"Authorization": "Bearer " + tok,
                                  "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:  # a guard against a hang, no budget
        assert r.status == 200, r.status
        return json.loads(r.read())
def item(seq):
    return {"id": "00000000-0000-4000-8000-%012d" % seq, "seq": seq, "questionset": "q",
            "questionset_version": 1, "language": "nl", "started_at": "2027-03-01T09:15:02Z",
            "finished_at": "2027-03-01T09:17:40Z", "duration_ms": 1, "status": "complete",
            "answers": {"a": "x"}}
seqs = [s for s in range(1, 64) if s not in (21, 22, 23)]
batches = [seqs[i:i + 5] for i in range(0, len(seqs), 5)]
errors = []
def send(i, b):
    try:
        res = post(ports[i % 2], "/v1/responses", {"protocol": "wijkpeil-sync/1", "device_id": "k1",
                                                   "responses": [item(s) for s in b]})
        assert all(r["status"] == "stored" for r in res["results"]), res
    except Exception as e:  # noqa: BLE001
        errors.append(repr(e))
threads = [threading.Thread(target=send, args=(i, b)) for i, b in enumerate(batches)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if errors:
    sys.exit("uploads failed: %s" % errors)
for n, pending in enumerate(range(9, 3, -1)):
    post(ports[(n + 1) % 2], "/v1/status", {"protocol": "wijkpeil-sync/1", "pending": pending,
                                            "clock_synced": True, "free_disk_bytes": 10**10,
                                            "app_version": "0.1.0"})
PY
J2="$TMP/jar2"
get "$J2" "$A/dash/login" >/dev/null
get "$J2" "$A/dash/login" --data-urlencode "csrf=$(csrf)" --data-urlencode user=anna \
    --data-urlencode 'password=correct horse battery' >/dev/null
row() { get "$J2" "$1/dash/kiosks" >/dev/null && grep '<th scope="row">k1</th>' "$TMP/b"; }
row "$A" >"$TMP/row.a"
row "$B" >"$TMP/row.b"
check "the kiosks page shows k1 on A" test -s "$TMP/row.a"
check "... the same row on B" cmp -s "$TMP/row.a" "$TMP/row.b"
check "... pending 4 (the last heartbeat, through B), 3 gaps, no conflicts" \
    grep -q '<td>4</td><td>–</td><td>3</td><td>0</td>' "$TMP/row.a"
check "status agrees: 60 received, pending 4, gaps 3" \
    bash -c "'$C' status --db '$DB' | grep -q '^k1 (nazareth): .*received 60, pending 4, gaps 3, clock synchronised, conflicts 0'"

# --- the kept counts, added up by both while batches arrive through both ----------------------
for i in 1 2 3 4 5 6 7 8; do
    echo "r$i $("$C" device add "r$i" --location race --db "$DB" | tail -1)"
done >"$TMP/race.tokens"
SESSION=$(awk '$6 ~ /^wp_session/ { print $6 "=" $7 }' "$TMP/jar2")
check "a dashboard session for the readers" test -n "$SESSION"
python3 "$HERE/lib/settle_race.py" "${A##*:}" "${B##*:}" "$SESSION" "$TMP/race.tokens" \
    >"$TMP/race.out" 2>"$TMP/race.err" || cat "$TMP/race.err" >&2
read -r _ race_stored _ race_reads <"$TMP/race.out" || true
check "8 kiosks x 120 responses stored once through both instances (${race_stored:-none})" \
    test "${race_stored:-0}" = 960
check "... while the counts were added up, read on both (${race_reads:-0} pages)" \
    test "${race_reads:-0}" -gt 0
get "$J2" "$A/dash/results?set=deel" >/dev/null # adds up the last of agg_delta
kept() { # the kept counts, one line per row
    coll_db_sql "$DB" "SELECT 'd', questionset, questionset_version, location, language, day,
        status, question, answer, n FROM agg_counts UNION ALL SELECT 'm', questionset,
        questionset_version, location, language, month, status, question, answer, n
        FROM agg_months UNION ALL SELECT 'delta', questionset, questionset_version, location,
        language, day, status, question, answer, n FROM agg_delta" | LC_ALL=C sort
}
kept >"$TMP/kept"
check "the kept counts hold every response once: 960 at race, 60 of k1" \
    test "$(coll_db_sql "$DB" "SELECT location, SUM(n) FROM agg_counts WHERE question = ''
        GROUP BY location ORDER BY location")" = "$(printf 'nazareth|60\nrace|960')"
coll_db_before_counts "$DB"
"$C" status --db "$DB" >/dev/null # fills the counts anew from the responses table
kept >"$TMP/recount"
check "... and equal a recount from the responses exactly ($(wc -l <"$TMP/kept") rows)" \
    cmp -s "$TMP/kept" "$TMP/recount"
diff "$TMP/recount" "$TMP/kept" | head -5 >&2 || true

if [ "$fail" -ne 0 ]; then
    cat "$TMP/a.err" "$TMP/b.err" >&2
    cat "$TMP/row.a" "$TMP/row.b" >&2 || true
    exit 1
fi
echo "collector_instances ($COLL_BACKEND): all checks passed"
