#!/usr/bin/env bash
# Sealed answers at rest (seal_public_key): keygen --seal file modes; with sealing on, the
# kiosk's database and its stick export hold no answer text (every answer id of the stored
# responses is searched for in the raw bytes); a collector without the key keeps them sealed and
# says so; a wrong key is a clear error and keeps them; the right key (on import, and on serve
# for an upload) opens them to exactly the answers a kiosk without sealing gives.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
K="$WIJKPEIL"
C="$WIJKPEIL_COLLECTOR"
POLL="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
TMP=$(mktemp -d)
SRV=""
cleanup() {
    if [ -n "$SRV" ]; then kill "$SRV" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
fail=0
pass=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
check() {
    local what=$1
    shift
    if "$@"; then pass=$((pass + 1)); else bad "$what"; fi
}

# --- keys ---------------------------------------------------------------------------------
"$WIJKPEIL_QSET" keygen --seal -o "$TMP/central" >"$TMP/keygen.out"
check "keygen --seal: secret is mode 600" test "$(stat -c %a "$TMP/central.seal.secret")" = 600
check "keygen --seal: public is mode 644" test "$(stat -c %a "$TMP/central.seal.public")" = 644
check "keygen --seal: prints the config line" grep -q "^seal_public_key = $(cat "$TMP/central.seal.public")\$" "$TMP/keygen.out"
rc=0
"$WIJKPEIL_QSET" keygen --seal -o "$TMP/central" >/dev/null 2>"$TMP/again.err" || rc=$?
check "keygen --seal never overwrites" bash -c "test $rc -eq 1 && grep -q 'never replaced' '$TMP/again.err'"
"$WIJKPEIL_QSET" keygen --seal -o "$TMP/other" >/dev/null

# --- residents, on a kiosk with sealing and on one without --------------------------------
{
    for i in 0 1 2 3; do
        echo "tap-id start"
        echo "tap-id lang:nl"
        echo "tap-id option:wijk:$([ $i -lt 2 ] && echo nazareth || echo pottenberg)"
        echo "tap-id next"
        echo "tap-id option:woonplezier:$((i % 3 + 3))"
        echo "tap-id next"
        echo "tap-id option:zorgen:geld"
        echo "tap-id option:zorgen:werk"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id option:gehoord:yes"
        echo "tap-id next"
        echo "tap-id next"
        echo "tap-id next"
        echo "expect-screen thanks"
        echo "wait 30000"
        echo "expect-screen attract"
    done
} >"$TMP/residents.txt"
printf 'seal_public_key = %s\n' "$(cat "$TMP/central.seal.public")" >"$TMP/sealed.conf"
: >"$TMP/plain.conf"
for kind in plain sealed; do
    "$K" --config "$TMP/$kind.conf" --questionset "$POLL" --db "$TMP/$kind.db" --window 1920x1080 \
        --script "$TMP/residents.txt" >"$TMP/$kind.out" 2>&1 || { cat "$TMP/$kind.out" >&2; bad "residents on the $kind kiosk"; }
    "$K" export --db "$TMP/$kind.db" --format jsonl -o "$TMP/$kind.jsonl"
done
check "4 responses on each kiosk" test "$(cat "$TMP/plain.jsonl" "$TMP/sealed.jsonl" | wc -l)" -eq 8
# Every question id and answer value the residents gave (read from the kiosk without sealing).
python3 - "$TMP/plain.jsonl" >"$TMP/answer_ids.txt" <<'PY'
import json, sys
ids, clear = set(), ""
for line in open(sys.argv[1]):
    o = json.loads(line)
    clear += o["questionset"] + o["id"]
    for k, v in o["answers"].items():
        ids.add(k)
        ids.update(v if isinstance(v, list) else [v])
# Left out: "3" or "no" occur in any file, and the neighbourhood answers "nazareth" and
# "pottenberg" are also words of the question-set id, which stays in clear.
print("\n".join(sorted(i for i in ids if len(i) > 2 and i not in clear)))
PY
check "answer ids found" test "$(wc -l <"$TMP/answer_ids.txt")" -ge 6
check "the plain kiosk's database holds them (the search works)" grep -a -q -F -f "$TMP/answer_ids.txt" "$TMP/plain.db"
"$K" export --db "$TMP/sealed.db" --format csv -o "$TMP/sealed.csv"
for f in sealed.db sealed.db-wal sealed.jsonl sealed.csv; do
    [ -e "$TMP/$f" ] || continue
    check "$f holds no answer text" bash -c "! grep -a -F -f '$TMP/answer_ids.txt' '$TMP/$f'"
done
check "the stick export carries the answers sealed" bash -c "test \$(grep -c '\"sealed\":' '$TMP/sealed.jsonl') -eq 4"

# --- a collector without the key keeps them sealed and says so ----------------------------
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
CDB=$(coll_db_new c)
CDB2=$(coll_db_new c2)
SDB=$(coll_db_new s)
"$C" device add kiosk1 --location nazareth --db "$CDB" >/dev/null
"$C" import "$TMP/sealed.jsonl" --device kiosk1 --db "$CDB" >"$TMP/imp1.out"
check "import without key: 4 new, kept sealed" bash -c "grep -q '4 new, 0 already held' '$TMP/imp1.out' && grep -q '4 of the new responses are kept sealed' '$TMP/imp1.out'"
"$C" status --db "$CDB" >"$TMP/status1.out"
check "status counts the sealed ones" grep -q '^4 responses are held sealed' "$TMP/status1.out"
counted() { # the responses in the dashboard's results counts (appended and added up)
    echo $(($(coll_db_sql "$CDB" "SELECT COALESCE(SUM(n), 0) FROM agg_delta WHERE question = ''") +
        $(coll_db_sql "$CDB" "SELECT COALESCE(SUM(n), 0) FROM agg_counts WHERE question = ''")))
}
check "the results counts leave sealed answers out" test "$(counted)" = 0
"$C" export --db "$CDB" -o "$TMP/c1.csv" 2>"$TMP/exp1.err"
check "CSV export leaves them out and says so" bash -c "grep -q '4 responses are held sealed (left out of this CSV)' '$TMP/exp1.err' && test \$(wc -l <'$TMP/c1.csv') -eq 1"

# --- a wrong key: a clear error, nothing lost -----------------------------------------------
chmod 644 "$TMP/central.seal.secret"
rc=0
"$C" import "$TMP/sealed.jsonl" --device kiosk1 --db "$CDB" --seal-secret-key "$TMP/central.seal.secret" >/dev/null 2>"$TMP/mode.err" || rc=$?
check "a secret key others may read is refused" bash -c "test $rc -eq 1 && grep -q 'must be mode 0600' '$TMP/mode.err'"
chmod 600 "$TMP/central.seal.secret"
rc=0
"$C" import "$TMP/sealed.jsonl" --device kiosk1 --db "$CDB" --seal-secret-key "$TMP/other.seal.secret" >/dev/null 2>"$TMP/wrong.err" || rc=$?
check "wrong key: says the held ones do not open" grep -q '4 responses held sealed do not open with .*the wrong key file' "$TMP/wrong.err"
"$C" device add kiosk1 --location nazareth --db "$CDB2" >/dev/null
rc=0
"$C" import "$TMP/sealed.jsonl" --device kiosk1 --db "$CDB2" --seal-secret-key "$TMP/other.seal.secret" >/dev/null 2>"$TMP/wrong2.err" || rc=$?
check "wrong key on new lines: exit 1, kept sealed, line named" bash -c "test $rc -eq 1 && grep -q 'line 1: kept sealed: .*do not open' '$TMP/wrong2.err'"
"$C" status --db "$CDB" >"$TMP/status2.out"
check "still 4 held sealed, nothing lost" grep -q '^4 responses are held sealed' "$TMP/status2.out"
"$C" status --db "$CDB2" >"$TMP/status2b.out"
check "wrong key on new lines: stored sealed" grep -q '^4 responses are held sealed' "$TMP/status2b.out"

# --- the right key opens them: the same answers as without sealing ------------------------
"$C" import "$TMP/sealed.jsonl" --device kiosk1 --db "$CDB" --seal-secret-key "$TMP/central.seal.secret" >"$TMP/imp3.out" 2>"$TMP/imp3.err"
check "right key: opens the held ones, the file's lines already held" bash -c "grep -q 'opened 4 responses held sealed' '$TMP/imp3.err' && grep -q '0 new, 4 already held' '$TMP/imp3.out'"
"$C" status --db "$CDB" >"$TMP/status3.out"
check "none held sealed any more" bash -c "! grep -q 'held sealed' '$TMP/status3.out'"
check "... and the results count them now" test "$(counted)" = 4
"$C" export --db "$CDB" --format jsonl -o "$TMP/c.jsonl" 2>/dev/null
same_answers() { # same_answers KIOSK.jsonl CENTRAL.jsonl: same answers per seq
    python3 - "$1" "$2" <<'PY'
import json, sys
plain = {json.loads(l)["seq"]: json.loads(l)["answers"] for l in open(sys.argv[1])}
got = {}
for l in open(sys.argv[2]):
    o = json.loads(l)
    if o["device"] == "kiosk1":
        got[o["seq"]] = o["answers"]
assert got == plain, (got, plain)
PY
}
check "collector with the key: the same answers as the kiosk without sealing" same_answers "$TMP/plain.jsonl" "$TMP/c.jsonl"

# --- upload: sealed on the wire, opened by serve --seal-secret-key ------------------------
"$C" device add kiosk1 --location nazareth --db "$SDB" >"$TMP/add.out"
TOK=$(awk 'END { print $NF }' "$TMP/add.out")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'endpoint = http://127.0.0.1:%s\ntoken = %s\ndevice_id = kiosk1\nlocation = nazareth\n' \
    "$PORT" "$TOK" >>"$TMP/sealed.conf"
"$C" serve --db "$SDB" --listen "127.0.0.1:$PORT" --seal-secret-key "$TMP/central.seal.secret" \
    >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
wait_line "$TMP/serve.out" listening "$SRV" || bad "the collector says it is listening"
"$K" sync --config "$TMP/sealed.conf" --db "$TMP/sealed.db" >"$TMP/sync.out" 2>&1 || bad "sync"
check "sync: all sent" grep -q 'sent 4 responses; nothing waiting' "$TMP/sync.out"
"$C" export --db "$SDB" --format jsonl -o "$TMP/s.jsonl" 2>/dev/null
check "uploaded sealed, opened by serve: the same answers" same_answers "$TMP/plain.jsonl" "$TMP/s.jsonl"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
