#!/usr/bin/env bash
# Figures for the dashboard (issue 14): the results page of one question set over N responses
# and the kiosks page with K kiosks, each fetched R times after a first warm-up fetch; prints the
# median time and the collector's peak memory (VmHWM). Not a ctest test (it measures).
# usage: WIJKPEIL_COLLECTOR=... bench_dash.sh [N=100000] [K=200] [R=5]
set -euo pipefail
C="${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR}"
N=${1:-100000} K=${2:-200} R=${3:-5}
HERE=$(cd "$(dirname "$0")/../scripts" && pwd)
TMP=$(mktemp -d)
SRV=""
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$TMP"' EXIT
DB="$TMP/bench.db"
python3 "$HERE/lib/dash_seed.py" "$TMP" 10 # the question set
echo 'bench password 1' | "$C" user add b --role viewer --db "$DB" >/dev/null
python3 - "$DB" "$N" "$K" <<'PY'
import json, random, sqlite3, sys, uuid
db, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = sqlite3.connect(db)
c.executemany("INSERT INTO devices(name, location, token_hash, created_ms, last_seen_ms, last_status)"
              " VALUES(?,?,?,?,?,?)",
              [(f"k{i}", ["nazareth", "pottenberg"][i % 2], uuid.uuid4().hex, 0, 1700000000000,
                json.dumps({"app_version": "0.1.0", "free_disk_bytes": 10**9 * (i % 5),
                            "questionset": {"id": "peil", "version": 2}})) for i in range(k)])
rnd = random.Random(1)
rows = []
for i in range(n):
    a = {"buurt": rnd.choice(["schoon", "veilig", "groen"]), "cijfer": str(rnd.randint(1, 5)),
         "zorgen": rnd.sample(["geld", "werk", "zorg"], rnd.randint(1, 3))}
    rows.append((str(uuid.UUID(int=i + 1)), f"k{i % k}", i // k + 1, "peil", 2,
                 ["nl", "en", "ar", "tr", "pl", "so"][i % 6], 1800000000000 + i * 60000,
                 1800000000000 + i * 60000 + 90000, 90000, "complete", 1, json.dumps(a), "h", 0,
                 "import"))
c.executemany("INSERT INTO responses(id, device, seq, questionset, questionset_version, language,"
              " started_at_ms, finished_at_ms, duration_ms, status, clock_synced, answers,"
              " content_hash, received_ms, source) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
c.commit()
PY
"$C" serve --db "$DB" --listen 127.0.0.1:0 --qset "$TMP/peil.json" >"$TMP/out" 2>"$TMP/err" &
SRV=$!
. "$HERE/lib/wait_line.sh"
wait_line "$TMP/out" listening "$SRV"
URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/out")"
curl -s -c "$TMP/j" -b "$TMP/j" -o "$TMP/b" "$URL/dash/login"
CS=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b")
curl -s -c "$TMP/j" -b "$TMP/j" -o /dev/null --data "csrf=$CS&user=b&password=bench+password+1" "$URL/dash/login"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for page in "/dash/results?set=peil" /dash/kiosks; do
    curl -s -b "$TMP/j" -o "$TMP/page" "$URL$page"
    grep -q '</html>' "$TMP/page" || { echo "no page for $page" >&2; exit 1; }
    t=$(for _ in $(seq "$R"); do curl -s -b "$TMP/j" -o /dev/null -w '%{time_total}\n' "$URL$page"; done | median)
    echo "$page: median ${t}s over $R fetches"
done
echo "responses $N, kiosks $K; collector peak memory: $(grep VmHWM /proc/$SRV/status | awk '{ print $2, $3 }')"
