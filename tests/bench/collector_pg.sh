#!/usr/bin/env bash
# Collector ingest on SQLite and on PostgreSQL with one and with two instances, 4 and 16 kiosks
# uploading batches of 500 at once (round robin over the instances). Prints responses/s.
# Argument: a build folder with wijkpeil-collector (optimised for figures that mean anything).
# Starts its own PostgreSQL (tests/scripts/lib/pg_server.sh). Run it on a quiet machine.
set -euo pipefail
build=${1:?usage: collector_pg.sh BUILD_DIR [RESPONSES_PER_KIOSK]}
per=${2:-5000}
src=$(cd "$(dirname "$0")/../.." && pwd)
C="$build/wijkpeil-collector"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    bash "$src/tests/scripts/lib/pg_server.sh" stop "$TMP/pg" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT
WIJKPEIL_PG_FSYNC=on bash "$src/tests/scripts/lib/pg_server.sh" start "$TMP/pg" >/dev/null
[ -f "$TMP/pg/env" ] || { echo "PostgreSQL is not installed"; exit 1; }
# shellcheck disable=SC1091
. "$TMP/pg/env"
export PGHOST PGPORT PGUSER
. "$src/tests/scripts/lib/wait_line.sh"
n=0
run() { # run BACKEND INSTANCES KIOSKS
    n=$((n + 1))
    local db="$TMP/b$n.db" ports=() i k
    if [ "$1" = pg ]; then
        "$PG_BINDIR/psql" -qAt -d postgres -c "CREATE DATABASE b$n"
        db="postgresql://$PGUSER@/b$n?host=$PGHOST&port=$PGPORT"
    fi
    for ((k = 1; k <= $3; k++)); do
        "$C" device add "k$k" --location x --db "$db" | awk 'END { print $NF }' >"$TMP/tok$k"
    done
    local pids=()
    for ((i = 1; i <= $2; i++)); do
        "$C" serve --db "$db" --listen 127.0.0.1:0 >"$TMP/s$n.$i.out" 2>/dev/null &
        pids+=($!)
        wait_line "$TMP/s$n.$i.out" listening $!
        ports+=("$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/s$n.$i.out")")
    done
    python3 - "$TMP" "$3" "$per" "${ports[@]}" <<'PY'
import http.client, json, sys, threading, time
tmp, kiosks, per, ports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
def body(k, first):
    return json.dumps({"protocol": "wijkpeil-sync/1", "device_id": "k%d" % k, "responses": [
        {"id": "%08x-%04x-4000-8000-%012x" % (k, 0, first + i), "seq": first + i + 1,
         "questionset": "q", "questionset_version": 1, "language": "nl",
         "started_at": "2027-03-01T09:15:02Z", "finished_at": "2027-03-01T09:17:40Z",
         "duration_ms": 1, "status": "complete",
         "answers": {"a": "4", "b": ["x", "y"], "c": "tekst %d" % i}} for i in range(500)]})
bodies = {k: [body(k, f) for f in range(0, per, 500)] for k in range(1, kiosks + 1)}
def up(k):
    tok = open("%s/tok%d" % (tmp, k)).read().strip()
    conn = [http.client.HTTPConnection("127.0.0.1", int(p)) for p in ports]
    for j, b in enumerate(bodies[k]):
        c = conn[(k + j) % len(conn)]
        c.request("POST", "/v1/responses", b, {"Authorization": "Bearer " + tok,
                                               "Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        assert r.status == 200, r.status
t = [threading.Thread(target=up, args=(k,)) for k in range(1, kiosks + 1)]
t0 = time.monotonic()
for x in t: x.start()
for x in t: x.join()
s = time.monotonic() - t0
print("%8d responses in %6.2f s: %7.0f responses/s" % (kiosks * per, s, kiosks * per / s))
PY
    kill "${pids[@]}"
    wait "${pids[@]}" 2>/dev/null || true
}
# the machine's load beside the figures: on a shared machine they vary with it
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
for k in 4 16; do
    printf '%-34s' "SQLite, 1 instance, $k kiosks:"
    run sqlite 1 $k
    printf '%-34s' "PostgreSQL, 1 instance, $k kiosks:"
    run pg 1 $k
    printf '%-34s' "PostgreSQL, 2 instances, $k kiosks:"
    run pg 2 $k
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
