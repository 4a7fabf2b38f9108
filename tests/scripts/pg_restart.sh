#!/usr/bin/env bash
# wijkpeil-collector on PostgreSQL when the database goes away mid-upload: a batch waiting inside
# its transaction (the test holds the kiosk's row locked, and sees the collector wait for it in
# pg_stat_activity) when the server stops is answered 503 with Retry-After and nothing of it is
# kept; while the server is down every upload gets 503, never an acknowledgement; after the
# server is back the same collector process reconnects and the kiosk's uploads resume (the
# refused batch is then "stored": it was not kept before). Also: a statement timeout set in the
# URI answers a batch stuck behind a lock with 503 instead of holding it, and sslmode passes
# through the URI to libpq. Uses a PostgreSQL server of its own (it is stopped and started).
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
LIB="$(dirname "$0")/lib"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    bash "$LIB/pg_server.sh" stop "$TMP/pg" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT
bash "$LIB/pg_server.sh" start "$TMP/pg" >/dev/null
export WIJKPEIL_COLLECTOR_BACKEND=pg WIJKPEIL_PG_DIR="$TMP/pg"
# shellcheck source=lib/coll_db.sh
. "$LIB/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$LIB/wait_line.sh"
DB=$(coll_db_new restart)
TOK=$("$C" device add kiosk1 --location nazareth --db "$DB" | awk 'END { print $NF }')
serve() { # serve NAME DB: starts an instance (in this shell, so cleanup stops it); its port
    # is then in $TMP/NAME.port
    "$C" serve --db "$2" --listen 127.0.0.1:0 >"$TMP/$1.out" 2>"$TMP/$1.err" &
    PIDS+=($!)
    wait_line "$TMP/$1.out" listening $! || {
        cat "$TMP/$1.err" >&2
        exit 1
    }
    sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/$1.out" >"$TMP/$1.port"
}
serve main "$DB"
PORT=$(cat "$TMP/main.port")
# 300 ms: the database's own timer; the batch it cuts short waits on a lock nobody releases
serve timeout "$DB&options=-c%20statement_timeout%3D300"
PORT_TO=$(cat "$TMP/timeout.port")

python3 - "$LIB/pg_server.sh" "$TMP/pg" "$DB" "$TOK" "$PORT" "$PORT_TO" "$PG_BINDIR/psql" <<'PY'
import json, subprocess, sys, time, urllib.request, urllib.error

pg_server, pgdir, db, tok, port, port_to, psql = sys.argv[1:8]
GUARD = 120  # seconds: only so a broken server fails the test instead of hanging it
failed = 0
def check(what, ok, detail=""):
    global failed
    print(("ok   " if ok else "FAIL ") + what + (": %s" % (detail,) if detail and not ok else ""))
    failed += not ok

def item(i):
    return {"id": "%08x-1111-4111-8111-111111111111" % i, "seq": i, "questionset": "q",
            "questionset_version": 1, "language": "nl", "started_at": "2027-03-01T09:15:02Z",
            "finished_at": "2027-03-01T09:17:40Z", "duration_ms": 1, "status": "complete",
            "answers": {"a": str(i)}}

def upload(p, first, n=10):
    body = json.dumps({"protocol": "wijkpeil-sync/1", "device_id": "kiosk1",
                       "responses": [item(first + i) for i in range(n)]}).encode()
    req = urllib.request.Request("http://127.0.0.1:%s/v1/responses" % p, body, method="POST",
                                 headers={"Authorization": "Bearer " + tok,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=GUARD) as r:
            return r.status, json.load(r), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), dict(e.headers)

def sql(q):
    return subprocess.run([psql, "-qAt", "-d", db, "-c", q], capture_output=True, text=True,
                          timeout=GUARD).stdout.strip()

acked = set()
def note(res):
    for x in res[1].get("results", []):
        if x["status"] in ("stored", "duplicate"):
            acked.add(x["id"])

def wait_for_lock_wait():
    # the collector's batch is waiting for the row the test holds: an event in the database
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        if sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
               "'wijkpeil-collector' AND wait_event_type = 'Lock'") != "0":
            return True
        time.sleep(0.02)
    return False

def hold_row():
    h = subprocess.Popen([psql, "-qAt", "-d", db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    h.stdin.write("BEGIN;\nSELECT 'held' FROM devices WHERE name = 'kiosk1' FOR UPDATE;\n")
    h.stdin.flush()
    check("the test holds the kiosk's row", h.stdout.readline().strip() == "held")
    return h

import threading
for b in range(3):
    r = upload(port, 1 + 10 * b)
    check("batch %d before the restart stored" % b, r[0] == 200, r[0])
    note(r)

# statement timeout from the URI: a batch stuck behind the lock is answered, not held
h = hold_row()
r = upload(port_to, 901, 1)
check("statement timeout: a batch stuck behind a lock gets 503", r[0] == 503, r)
check("statement timeout: with Retry-After", "Retry-After" in r[2], r[2])

# a batch in flight when the database stops
box = {}
t = threading.Thread(target=lambda: box.update(r=upload(port, 31)))
t.start()
check("the collector's batch waits inside its transaction", wait_for_lock_wait())
subprocess.run(["bash", pg_server, "halt", pgdir], check=True, timeout=GUARD)
t.join()
h.kill()
h.wait()
r = box["r"]
note(r)
check("batch in flight when the database stopped: 503", r[0] == 503, r[:2])
check("... with Retry-After", "Retry-After" in r[2], r[2])
check("... and a JSON error body", r[1].get("protocol") == "wijkpeil-sync/1" and r[1].get("error"))
for i in range(2):
    r = upload(port, 41 + 10 * i)
    note(r)
    check("upload while the database is down: 503 (%d)" % i, r[0] == 503 and "Retry-After" in r[2],
          r[:2])

subprocess.run(["bash", pg_server, "restart", pgdir], check=True, timeout=GUARD)
r = upload(port, 31)
note(r)
check("after the restart the refused batch is stored (nothing of it was kept)",
      r[0] == 200 and [x["status"] for x in r[1]["results"]] == ["stored"] * 10, r[:2])
for b in range(4, 8):
    r = upload(port, 1 + 10 * b)
    note(r)
    check("batch %d after the restart stored" % b, r[0] == 200, r[0])
r = upload(port_to, 901, 1)
note(r)
check("the other instance reconnected too", r[0] == 200, r[:2])

held = set(sql("SELECT id FROM responses").split())
check("every acknowledged response is held", acked <= held, sorted(acked - held)[:3])
check("every held response was acknowledged", held <= acked, sorted(held - acked)[:3])
check("80 + 1 responses held", len(held) == 81, len(held))
sys.exit(1 if failed else 0)
PY

# sslmode goes to libpq as written (libpq ignores it on a Unix socket, so a value it does not
# know shows that it got there)
rc=0
"$C" status --db "$DB&sslmode=verify-everything" >/dev/null 2>"$TMP/ssl.err" || rc=$?
grep -q 'sslmode.*verify-everything' "$TMP/ssl.err" && [ "$rc" -ne 0 ] || {
    echo "FAIL: sslmode=require was not passed to libpq" >&2
    cat "$TMP/ssl.err" >&2
    exit 1
}
echo "ok   sslmode passes through the URI ($(head -c 120 "$TMP/ssl.err"))"
