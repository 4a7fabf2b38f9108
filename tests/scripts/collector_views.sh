#!/usr/bin/env bash
# The analysts' read-only views on both backends: responses_flat (one row per response, sealed
# ones without answers), answers_long (one row per answer, one per choice of a multiple choice),
# kiosk_health (what `status` prints). On PostgreSQL, a login in the role wijkpeil_analyst reads
# the views and nothing else.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
fail=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}
DB=$(coll_db_new views)
"$C" device add kiosk1 --location nazareth --db "$DB" >/dev/null
"$C" device add kiosk2 --location gent --db "$DB" >/dev/null
cat >"$TMP/in.jsonl" <<'J'
{"id":"00000001-0000-4000-8000-000000000001","seq":1,"questionset":"q","questionset_version":2,"language":"nl","started_at":"2027-03-01T09:15:02Z","finished_at":"2027-03-01T09:17:40Z","duration_ms":5,"status":"complete","languages":["ar","nl"],"active_ms":4,"flags":["rapid_repeat","too_fast"],"answers":{"woon":"4","zorgen":["geld","werk"],"leeg":[]}}
{"id":"00000002-0000-4000-8000-000000000002","seq":3,"questionset":"q","questionset_version":2,"language":"ar","started_at":"2027-03-01T09:15:02Z","finished_at":"2027-03-01T09:17:40Z","duration_ms":5,"status":"abandoned","answers":{"woon":"2"}}
{"id":"00000003-0000-4000-8000-000000000003","seq":4,"questionset":"q","questionset_version":2,"language":"nl","started_at":"2027-03-01T09:15:02Z","finished_at":"2027-03-01T09:17:40Z","duration_ms":5,"status":"complete","sealed":"c2VhbGVkIGFuc3dlcnMgdGhhdCBhcmUgbG9uZyBlbm91Z2ggZm9yIGEgYm94IHNlYWwgLi4uLi4uLi4uLi4uLi4uLi4uLi4="}
J
"$C" import "$TMP/in.jsonl" --device kiosk1 --db "$DB" >/dev/null 2>&1 || true
check "responses_flat: one row per response, sealed without answers" test \
    "$(coll_db_sql "$DB" "SELECT id || ' ' || location || ' ' || status || ' ' || sealed || ' ' || COALESCE(answers, '-') FROM responses_flat ORDER BY id" | cut -c1-8,37-)" = \
    "$(printf '%s\n' '00000001 nazareth complete 0 {"woon":"4","zorgen":["geld","werk"],"leeg":[]}' \
        '00000002 nazareth abandoned 0 {"woon":"2"}' '00000003 nazareth complete 1 -')"
# Issue 14: the languages used (in order) and the active time, where the kiosk sent them.
check "responses_flat: languages, active_ms and flags (empty where not sent)" test \
    "$(coll_db_sql "$DB" "SELECT substr(id, 1, 8) || ' ' || COALESCE(languages, '-') || ' ' || COALESCE(CAST(active_ms AS TEXT), '-') || ' ' || COALESCE(flags, '-') FROM responses_flat ORDER BY id")" = \
    "$(printf '%s\n' '00000001 ar;nl 4 rapid_repeat;too_fast' '00000002 - - -' '00000003 - - -')"
"$C" export --db "$DB" -o "$TMP/out.csv" 2>/dev/null
"$C" export --db "$DB" --format jsonl -o "$TMP/out.jsonl" 2>/dev/null
check "exports: languages and active_ms (csv columns, jsonl keys only when sent)" \
    python3 - "$TMP/out.csv" "$TMP/out.jsonl" <<'PY'
import csv, json, sys
rows = {r["id"][:8]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""))}
assert (rows["00000001"]["languages"], rows["00000001"]["active_ms"]) == ("ar;nl", "4"), rows
assert (rows["00000001"]["flags"], rows["00000002"]["flags"]) == ("rapid_repeat;too_fast", ""), rows
assert (rows["00000002"]["languages"], rows["00000002"]["active_ms"]) == ("", ""), rows
lines = {o["id"][:8]: o for o in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
assert lines["00000001"]["languages"] == ["ar", "nl"] and lines["00000001"]["active_ms"] == 4, lines
assert "languages" not in lines["00000002"] and "active_ms" not in lines["00000002"], lines
assert lines["00000001"]["flags"] == ["rapid_repeat", "too_fast"], lines
assert "flags" not in lines["00000002"], lines
PY
cat >"$TMP/bad.jsonl" <<'J'
{"id":"00000009-0000-4000-8000-000000000009","seq":9,"questionset":"q","questionset_version":2,"language":"nl","started_at":"2027-03-01T09:15:02Z","finished_at":"2027-03-01T09:17:40Z","duration_ms":5,"status":"complete","languages":["nl;ar"],"answers":{}}
{"id":"0000000a-0000-4000-8000-00000000000a","seq":10,"questionset":"q","questionset_version":2,"language":"nl","started_at":"2027-03-01T09:15:02Z","finished_at":"2027-03-01T09:17:40Z","duration_ms":5,"status":"complete","active_ms":-1,"answers":{}}
{"id":"0000000b-0000-4000-8000-00000000000b","seq":11,"questionset":"q","questionset_version":2,"language":"nl","started_at":"2027-03-01T09:15:02Z","finished_at":"2027-03-01T09:17:40Z","duration_ms":5,"status":"complete","flags":["Too Fast"],"answers":{}}
J
"$C" import "$TMP/bad.jsonl" --device kiosk2 --db "$DB" >/dev/null 2>"$TMP/bad.err" || true
check "languages, active_ms and flags: wrong values are invalid by line" \
    bash -c "grep -q 'line 1: invalid: .languages' '$TMP/bad.err' && grep -q 'line 2: invalid: .active_ms' '$TMP/bad.err' &&
             grep -q 'line 3: invalid: .flags' '$TMP/bad.err'"
check "answers_long: one row per answer and per choice" test \
    "$(coll_db_sql "$DB" "SELECT substr(response_id, 1, 8) || ' ' || question || '=' || answer FROM answers_long ORDER BY 1")" = \
    "$(printf '%s\n' '00000001 woon=4' '00000001 zorgen=geld' '00000001 zorgen=werk' '00000002 woon=2')"
check "kiosk_health: received and gaps as status counts them" test \
    "$(coll_db_sql "$DB" "SELECT device || ' ' || received || ' ' || gaps || ' ' || conflicts FROM kiosk_health ORDER BY device")" = \
    "$(printf '%s\n' 'kiosk1 3 1 0' 'kiosk2 0 0 0')"
"$C" status --db "$DB" >"$TMP/status"
check "status prints kiosk_health" grep -q 'kiosk1 (nazareth): .*received 3, .*gaps 1,' "$TMP/status"

if [ "$COLL_BACKEND" = pg ]; then
    coll_db_sql "$DB" "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'r_analyst') THEN
        CREATE ROLE r_analyst LOGIN IN ROLE wijkpeil_analyst; END IF; END \$\$" >/dev/null
    A="${DB/wijkpeil@/r_analyst@}"
    for v in responses_flat answers_long kiosk_health; do
        check "the analyst reads $v" coll_db_sql "$A" "SELECT COUNT(*) FROM $v"
    done
    for t in responses devices conflicts; do
        check "the analyst cannot read $t" bash -c "! '$PG_BINDIR/psql' -qAt -d '$A' -c 'SELECT 1 FROM $t' 2>'$TMP/denied'"
        check "... permission denied" grep -q 'permission denied' "$TMP/denied"
    done
    check "the analyst cannot write through a view" \
        bash -c "! '$PG_BINDIR/psql' -qAt -d '$A' -c \"DELETE FROM responses_flat\" 2>/dev/null"
fi
[ "$fail" -eq 0 ] && echo "collector_views ($COLL_BACKEND): all checks passed"
exit "$fail"
