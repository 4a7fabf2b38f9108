#!/usr/bin/env bash
# wijkpeil-collector under a connection flood: hundreds of idle and header-trickling
# unauthenticated connections from several addresses must not lock a kiosk out, one address
# cannot hold more than its share, and a wrong token is refused before any body is read.
# Synchronises on the server's answers (it accepts in arrival order, so when the kiosk's upload
# is answered every earlier connection has been taken or refused), never on sleeps.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=lib/coll_db.sh
. "$(dirname "$0")/lib/coll_db.sh"
DB=$(coll_db_new c)
"$WIJKPEIL_COLLECTOR" device add kiosk1 --location nazareth --db "$DB" >"$TMP/add.out"
TOK=$(awk 'END { print $NF }' "$TMP/add.out")

python3 - "$WIJKPEIL_COLLECTOR" "$DB" "$TOK" <<'PY'
import json, socket, subprocess, sys, time

coll, db, tok = sys.argv[1:4]
PER_ADDRESS = 32   # PROTOCOL.md: connections one address may hold
GUARD = 120        # seconds: only so a broken server fails the test instead of hanging it
def serve(*extra):
    p = subprocess.Popen([coll, "serve", "--db", db, "--listen", "127.0.0.1:0", *extra],
                         stdout=subprocess.PIPE, text=True)
    return p, int(p.stdout.readline().rsplit(":", 1)[1])

def stop(p):
    p.terminate()
    return p.wait()

failed = 0
def check(what, ok, detail=""):
    global failed
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failed += 1

def connect(src, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(GUARD)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s

def read_answer(s):
    """One HTTP answer (status, headers, body), or None when the server closed instead.
    Raises socket.timeout after GUARD seconds of silence."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            return None
        if not d:
            return None
        buf += d
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    code = int(lines[0].split()[1])
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "0"))
    while len(body) < n:
        d = s.recv(65536)
        if not d:
            break
        body += d
    return code, hdrs, body

def closed_by_server(s):
    try:
        return read_answer(s) is None
    except socket.timeout:
        return False

def still_open(s):
    """True when the server has not closed s (nothing to read and no end of stream)."""
    s.setblocking(False)
    try:
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except ConnectionResetError:
        return False
    finally:
        s.settimeout(GUARD)

# Long timeouts here, so that a slow machine cannot let the server drop flooding connections
# before the checks below; the timeouts are checked at the end.
srv, port = serve("--idle-timeout", "600", "--header-timeout", "600")
try:
    # 300 connections from ten addresses: silent, or stopped half-way through their headers.
    # An unauthenticated client gets no answer it could keep the connection open with: every
    # early refusal closes the connection.
    held = []
    for a in range(2, 12):
        for i in range(30):
            s = connect(f"127.0.0.{a}", port)
            if i % 10 == 0:  # a few trickle a header line
                s.sendall(b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nX-Slow: a")
                s.sendall(b"b")
            held.append(s)
    # One address holds at most its share: of 40 connections, 8 are closed at once.
    mine = [connect("127.0.0.12", port) for _ in range(PER_ADDRESS + 8)]

    # A kiosk still gets through.
    resp = {"id": "11111111-1111-4111-8111-111111111111", "seq": 1,
            "questionset": "q", "questionset_version": 1, "language": "nl",
            "started_at": "2027-03-01T09:15:02.123Z", "finished_at": "2027-03-01T09:17:40.001Z",
            "duration_ms": 157878, "status": "complete", "answers": {"a": "1"}}
    body = json.dumps({"protocol": "wijkpeil-sync/1", "device_id": "kiosk1",
                       "responses": [resp]}).encode()
    t0 = time.monotonic()
    upload = (b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Authorization: Bearer " + tok.encode() + b"\r\nContent-Length: "
              + str(len(body)).encode() + b"\r\n\r\n" + body)
    k = connect("127.0.0.1", port)
    k.sendall(upload)
    try:
        ans = read_answer(k)
    except socket.timeout:
        ans = (0, {}, b"no answer")
    ms = (time.monotonic() - t0) * 1000
    check("authenticated upload beside 340 flooding connections: 200, stored",
          ans is not None and ans[0] == 200 and json.loads(ans[2])["stored"] == 1,
          "closed" if ans is None else f"{ans[0]} {ans[2][:200]!r}")
    print(f"measured: upload answered in {ms:.0f} ms beside {len(held) + len(mine)} connections")
    k.close()
    # The server accepts in arrival order, so it had taken every flooding connection before the
    # kiosk's: the refused ones are closed by now, and all others are still open.
    closed = sum(not still_open(s) for s in mine)
    check(f"one address holds at most {PER_ADDRESS} connections", closed == 8,
          f"{closed} of {len(mine)} closed")
    n_open = sum(still_open(s) for s in held)
    check("300 flooding connections from 10 other addresses are all held", n_open == 300,
          f"{n_open} open")

    # A wrong token is refused as soon as the headers are in: no body is ever sent here.
    for expect in (b"", b"Expect: 100-continue\r\n"):
        w = connect("127.0.0.1", port)
        w.sendall(b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Authorization: Bearer wrong\r\n" + expect + b"Content-Length: 1500000\r\n\r\n")
        try:
            ans = read_answer(w)
        except socket.timeout:
            ans = (0, {}, b"no answer")
        check(f"wrong token, 1.5 MB announced {expect.strip().decode() or ''}: 401 JSON before "
              "the body", ans is not None and ans[0] == 401
              and ans[1].get("content-type") == "application/json"
              and "error" in json.loads(ans[2]), "closed" if ans is None else str(ans[0]))
        w.close()
    for s in held + mine:
        s.close()
finally:
    rc = stop(srv)
check("collector stops cleanly on SIGTERM", rc == 0, str(rc))

# The inactivity timeout closes a silent connection; the header deadline closes one that keeps
# sending but never completes its headers (here the inactivity timeout is far away).
srv, port = serve("--idle-timeout", "1", "--header-timeout", "600")
try:
    idle = connect("127.0.0.2", port)
    check("--idle-timeout: a silent connection is closed by the server", closed_by_server(idle))
finally:
    stop(srv)
srv, port = serve("--idle-timeout", "600", "--header-timeout", "1")
try:
    slow = connect("127.0.0.3", port)
    slow.sendall(b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nX-Slow: a")
    check("--header-timeout: a connection stuck in its headers is closed by the server",
          closed_by_server(slow))
finally:
    stop(srv)
sys.exit(1 if failed else 0)
PY
