#!/usr/bin/env bash
# Figures for the dashboard (issues 14 and 13): the results page of one question set over N
# responses and the kiosks page with K kiosks, each fetched R times after a first warm-up fetch;
# prints the median time, the collector's peak memory (VmHWM) and how long filling the results
# counts from the responses held took (migration 8, what an existing database goes through
# once). BACKEND sqlite or pg (a PostgreSQL server of its own, tests/scripts/lib/pg_server.sh).
# A tenth of the responses are abandoned. Not a ctest test (it measures).
# The comparisons (side by side, trend, cross-tab) are fetched the same way.
# usage: WIJKPEIL_COLLECTOR=... bench_dash.sh [N=100000] [K=200] [R=5] [BACKEND=sqlite]
set -euo pipefail
C="${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR}"
N=${1:-100000} K=${2:-200} R=${3:-5} BACKEND=${4:-sqlite}
HERE=$(cd "$(dirname "$0")/../scripts" && pwd)
TMP=$(mktemp -d)
SRV=""
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ "$BACKEND" = pg ] && bash "$HERE/lib/pg_server.sh" stop "$TMP/pg" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
if [ "$BACKEND" = pg ]; then
    bash "$HERE/lib/pg_server.sh" start "$TMP/pg" >/dev/null
    [ -f "$TMP/pg/env" ] || { echo "PostgreSQL is not installed"; exit 1; }
    # shellcheck disable=SC1091
    . "$TMP/pg/env"
    export PGHOST PGPORT PGUSER
    "$PG_BINDIR/psql" -qAt -d postgres -c "CREATE DATABASE bench"
    DB="postgresql://$PGUSER@/bench?host=$PGHOST&port=$PGPORT"
    export WIJKPEIL_PG_DIR="$TMP/pg" WIJKPEIL_COLLECTOR_BACKEND=pg
else
    DB="$TMP/bench.db"
    : >"$DB" # only serve and device add create a database; user add needs one
fi
# shellcheck source=../scripts/lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
python3 "$HERE/lib/dash_seed.py" "$TMP" 10 # the question set
echo 'bench password 1' | "$C" user add b --role viewer --db "$DB" >/dev/null
python3 - "$TMP" "$N" "$K" <<'PY'
import csv, json, random, sys, uuid
out, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{out}/devices.csv", "w", newline="") as f:
    w = csv.writer(f)
    for i in range(k):
        w.writerow([f"k{i}", ["nazareth", "pottenberg"][i % 2], uuid.uuid4().hex, 0, 1700000000000,
                    json.dumps({"app_version": "0.1.0", "free_disk_bytes": 10**9 * (i % 5),
                                "questionset": {"id": "peil", "version": 2}})])
rnd = random.Random(1)
with open(f"{out}/responses.csv", "w", newline="") as f:
    w = csv.writer(f)
    for i in range(n):
        a = {"buurt": rnd.choice(["schoon", "veilig", "groen"]), "cijfer": str(rnd.randint(1, 5)),
             "zorgen": rnd.sample(["geld", "werk", "zorg"], rnd.randint(1, 3))}
        status = "complete"
        if rnd.random() < 0.1:
            status = "abandoned"
            del a["zorgen"]
            if rnd.random() < 0.5:
                del a["cijfer"]
        w.writerow([str(uuid.UUID(int=i + 1)), f"k{i % k}", i // k + 1, "peil", 2,
                    ["nl", "en", "ar", "tr", "pl", "so"][i % 6], 1800000000000 + i * 60000,
                    1800000000000 + i * 60000 + 90000, 90000, status, 1, json.dumps(a), "h", 0,
                    "import"])
PY
DCOLS="name, location, token_hash, created_ms, last_seen_ms, last_status"
RCOLS="id, device, seq, questionset, questionset_version, language, started_at_ms,"
RCOLS="$RCOLS finished_at_ms, duration_ms, status, clock_synced, answers, content_hash,"
RCOLS="$RCOLS received_ms, source"
if [ "$BACKEND" = pg ]; then
    "$PG_BINDIR/psql" -qAt -v ON_ERROR_STOP=1 -d "$DB" \
        -c "\\copy devices($DCOLS) FROM '$TMP/devices.csv' WITH (FORMAT csv)" \
        -c "\\copy responses($RCOLS) FROM '$TMP/responses.csv' WITH (FORMAT csv)" \
        -c "ANALYZE"
else
    sqlite3 "$DB" "CREATE TABLE dev_in($DCOLS)" "CREATE TABLE resp_in($RCOLS)" \
        ".import --csv '$TMP/devices.csv' dev_in" ".import --csv '$TMP/responses.csv' resp_in" \
        "INSERT INTO devices($DCOLS) SELECT * FROM dev_in" \
        "INSERT INTO responses($RCOLS) SELECT * FROM resp_in" \
        "DROP TABLE dev_in" "DROP TABLE resp_in"
fi
coll_db_before_counts "$DB" # the counts are filled when the collector opens it
t0=$(date +%s.%N)
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/peil.json" >"$TMP/out" 2>"$TMP/err" &
SRV=$!
# (not wait_line: filling the counts of a million responses may take longer than its guard)
until grep -q listening "$TMP/out"; do
    kill -0 "$SRV" 2>/dev/null || { cat "$TMP/err" >&2; exit 1; }
    sleep 0.2
done
t1=$(date +%s.%N)
echo "filling the results counts from $N responses (migrations 11 and 16, once): $(echo "$t1 - $t0" | bc)s"
URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/out")"
curl -s -c "$TMP/j" -b "$TMP/j" -o "$TMP/b" "$URL/dash/login"
CS=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b")
curl -s -c "$TMP/j" -b "$TMP/j" -o /dev/null --data "csrf=$CS&user=b&password=bench+password+1" "$URL/dash/login"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# the filtered by weekday and hour: whole months from agg_hours; with a period that is not
# whole months, the days around them counted response by response; then the comparisons
# (coll_views): side by side, the trend per month and per week in one location, the cross-tab
# over every location and in one (the only view that reads the responses)
for page in "/dash/results?set=peil" "/dash/results?set=peil&location=nazareth&language=ar" \
    "/dash/results?set=peil&from=2027-03-01&to=2027-05-31" \
    "/dash/results?set=peil&wd6=1&wd7=1&hour_from=10:00&hour_to=16:00" \
    "/dash/results?set=peil&wd1=1&wd2=1&wd3=1&wd4=1&wd5=1&hour_from=09:00&hour_to=17:00&location=pottenberg" \
    "/dash/results?set=peil&wd6=1&hour_from=10:00&hour_to=16:00&from=2027-03-10&to=2027-05-20" \
    /dash/kiosks \
    "/dash/compare?set=peil" "/dash/trend?set=peil&q=buurt" \
    "/dash/trend?set=peil&q=cijfer&period=week&location=nazareth" \
    "/dash/crosstab?set=peil&q=buurt&q2=zorgen" \
    "/dash/crosstab?set=peil&q=buurt&q2=cijfer&location=nazareth"; do
    curl -s -b "$TMP/j" -o "$TMP/page" "$URL$page"
    grep -q '</html>' "$TMP/page" || { echo "no page for $page" >&2; exit 1; }
    cpu0=$(awk '{ print $14 + $15 }' "/proc/$SRV/stat") # the collector's CPU time (ticks)
    t=$(for _ in $(seq "$R"); do curl -s -b "$TMP/j" -o /dev/null -w '%{time_total}\n' "$URL$page"; done | median)
    cpu1=$(awk '{ print $14 + $15 }' "/proc/$SRV/stat")
    echo "$page: median ${t}s over $R fetches, collector CPU $(((cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) / R)) ms a fetch"
done
echo "$BACKEND: responses $N, kiosks $K; agg_counts rows: $(coll_db_sql "$DB" "SELECT COUNT(*) FROM agg_counts"), agg_hours rows: $(coll_db_sql "$DB" "SELECT COUNT(*) FROM agg_hours");" \
    "collector peak memory: $(grep VmHWM /proc/$SRV/status | awk '{ print $2, $3 }')"
