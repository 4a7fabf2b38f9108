#!/usr/bin/env bash
# Two collector instances on one database (PostgreSQL as collector_multi_pg; two processes on one
# SQLite file as collector_multi), 8 simulated kiosks each uploading overlapping batches through
# both instances at once (one uploader per instance, in opposite orders), with injected
# connection resets right after a request (the answer lost: was it stored?) and retries. Kiosk 8
# also sends 10 responses under UUIDs kiosk 1 uses, with other content. Afterwards: every
# response stored exactly once; no UUID acknowledged to two devices; each contested UUID answered
# 409 to one of them and logged as its conflict; per kiosk, the collector's count equals what the
# kiosk was told is held. Synchronised on the servers' "listening" lines and their answers.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$(dirname "$0")/lib/wait_line.sh"
DB=$(coll_db_new multi)
for k in 1 2 3 4 5 6 7 8; do
    "$C" device add "kiosk$k" --location "loc$k" --db "$DB" | awk 'END { print $NF }' >"$TMP/tok$k"
done
PORTS=()
for i in 1 2; do
    "$C" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve$i.out" 2>"$TMP/serve$i.err" &
    PIDS+=($!)
    wait_line "$TMP/serve$i.out" listening $! || {
        cat "$TMP/serve$i.err" >&2
        exit 1
    }
    PORTS+=("$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve$i.out")")
done

python3 - "$TMP" "${PORTS[@]}" >"$TMP/acks.json" <<'PY'
import json, random, socket, struct, sys, threading

tmp, ports = sys.argv[1], [int(p) for p in sys.argv[2:4]]
KIOSKS, N, BATCH, STEP = 8, 120, 30, 20
GUARD = 120  # seconds: only so a broken server fails the test instead of hanging it
rng = random.Random(13)

def uuid(k, i):
    return "%08x-%04x-4000-8000-%012x" % (k, i, k * 1000 + i)

def item(k, seq, uid, answer):
    return {"id": uid, "seq": seq, "questionset": "q", "questionset_version": 1,
            "language": "nl", "started_at": "2027-03-01T09:15:02Z",
            "finished_at": "2027-03-01T09:17:40Z", "duration_ms": 1, "status": "complete",
            "answers": {"a": answer, "b": ["x", str(k)]}}

items = {k: [item(k, i + 1, uuid(k, i), "k%d" % k) for i in range(N)] for k in range(1, 9)}
# kiosk 8's responses 121..130 carry kiosk 1's first 10 UUIDs with other content
contested = [uuid(1, i) for i in range(10)]
items[8] += [item(8, N + 1 + i, contested[i], "other") for i in range(10)]

lock = threading.Lock()
acked = {}      # uuid -> set of devices told stored/duplicate
refused = {}    # uuid -> set of devices told conflict
stats = {"resets": 0, "retries": 0, "requests": 0}

def post(port, token, body, reset):
    s = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
    req = ("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
           % (token, len(body))).encode() + body
    s.sendall(req)
    if reset:  # RST at once: the answer is lost whether or not the batch was stored
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        return None
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest

def uploader(k, token, port, batches, seed):
    r = random.Random(seed)
    for b in batches:
        body = json.dumps({"protocol": "wijkpeil-sync/1", "device_id": "kiosk%d" % k,
                           "responses": b}).encode()
        for attempt in range(50):  # a guard against retrying for ever, not a budget
            reset = r.random() < 0.25
            with lock:
                stats["requests"] += 1
                stats["resets"] += reset
            try:
                ans = post(port, token, body, reset)
            except OSError:
                ans = None
            if ans and ans[0] == 200:
                break
            if ans:
                sys.stderr.write("kiosk%d: %d %s\n" % (k, ans[0], ans[1][:200]))
            with lock:
                stats["retries"] += 1
        else:
            raise SystemExit("kiosk%d: a batch not taken in 50 attempts" % k)
        res = json.loads(ans[1])["results"]
        with lock:
            for x in res:
                if x["status"] in ("stored", "duplicate"):
                    acked.setdefault(x["id"], set()).add(k)
                elif x["status"] == "conflict":
                    refused.setdefault(x["id"], set()).add(k)
                else:
                    raise SystemExit("unexpected result %r" % x)

threads = []
start = threading.Barrier(KIOSKS * 2)
def run(*a):
    start.wait()
    uploader(*a)
for k in range(1, 9):
    token = open("%s/tok%d" % (tmp, k)).read().strip()
    its = items[k]
    batches = [its[i:i + BATCH] for i in range(0, len(its), STEP)]
    # one uploader per instance, in opposite orders: every batch reaches both, overlapping
    threads.append(threading.Thread(target=run, args=(k, token, ports[0], batches, k)))
    threads.append(threading.Thread(target=run, args=(k, token, ports[1], batches[::-1], -k)))
for t in threads:
    t.start()
for t in threads:
    t.join()
json.dump({"acked": {u: sorted(d) for u, d in acked.items()},
           "refused": {u: sorted(d) for u, d in refused.items()},
           "contested": contested, "stats": stats,
           "expect": {k: sorted(x["id"] for x in items[k]) for k in items}}, sys.stdout)
PY

fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
coll_db_sql "$DB" "SELECT id, device FROM responses" >"$TMP/held.txt"
coll_db_sql "$DB" "SELECT id, device FROM conflicts" >"$TMP/conflicts.txt"
"$C" status --db "$DB" >"$TMP/status.txt"
"$C" export --db "$DB" --format jsonl -o "$TMP/export.jsonl" 2>/dev/null
python3 - "$TMP" <<'PY' || fail=$((fail + 1))
import json, sys
tmp = sys.argv[1]
a = json.load(open(tmp + "/acks.json"))
held = dict(l.split("|") for l in open(tmp + "/held.txt").read().split())
rows = open(tmp + "/held.txt").read().split()
conf = [tuple(l.split("|")) for l in open(tmp + "/conflicts.txt").read().split()]
status = open(tmp + "/status.txt").read()
export = [json.loads(l) for l in open(tmp + "/export.jsonl")]
failed = 0
def check(what, ok, detail=""):
    global failed
    print(("ok   " if ok else "FAIL ") + what + (": %s" % detail if detail and not ok else ""))
    failed += not ok
s = a["stats"]
print("requests %d, injected resets %d, retries %d" % (s["requests"], s["resets"], s["retries"]))
check("resets were injected", s["resets"] > 0)
check("no batch refused (503): every retry was after an injected reset",
      s["retries"] == s["resets"], s)
all_ids = set(u for k in a["expect"] for u in a["expect"][k])
check("each UUID stored once", len(rows) == len(held) == len(all_ids), (len(rows), len(all_ids)))
check("no UUID acknowledged to two devices",
      all(len(d) == 1 for d in a["acked"].values()))
check("every response acknowledged is held, from that device",
      all(held.get(u) == "kiosk%d" % d[0] for u, d in a["acked"].items()),
      [u for u, d in a["acked"].items() if held.get(u) != "kiosk%d" % d[0]][:3])
for u in a["contested"]:
    winner = a["acked"].get(u, [])
    loser = a["refused"].get(u, [])
    ok = len(winner) == 1 and len(loser) == 1 and winner != loser
    check("contested %s: one device stored, the other refused" % u, ok, (winner, loser))
    if ok:
        check("contested %s: logged as kiosk%d's conflict" % (u, loser[0]),
              (u, "kiosk%d" % loser[0]) in conf)
check("conflicts logged only for contested UUIDs", all(c[0] in a["contested"] for c in conf))
for k in range(1, 9):
    n = sum(1 for u, d in a["acked"].items() if d == [k])
    check("kiosk%d: received %d as acknowledged" % (k, n), "kiosk%d (loc%d): " % (k, k) in status
          and ("received %d," % n) in status.split("kiosk%d (" % k)[1].split("\n")[0])
check("export holds every response", len(export) == len(all_ids), len(export))
sys.exit(1 if failed else 0)
PY
[ "$fail" -eq 0 ] && echo "collector_multi ($COLL_BACKEND): all checks passed"
exit "$fail"
