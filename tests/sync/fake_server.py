#!/usr/bin/env python3
"""Misbehaving HTTP servers for the uploader's fault tests, on 127.0.0.1 with an ephemeral port.

usage: fake_server.py MODE [ARG...]
Prints "port N" on stdout, then serves until killed. Events follow on stdout, one line each and
flushed at once, so a test can wait for them instead of sleeping:
  hanging K    (hang, proxy) the K-th request is in and will never be answered
  gone K       (hang, proxy) the client closed the connection of the K-th request
  forwarded K  (proxy) the K-th batch of responses went to the collector
  answered K   (proxy) the collector answered the K-th batch (it is stored or refused)
  dropped K    (proxy) the collector closed the K-th batch's connection without an answer
Requests are numbered from 1 in the order they are read; for proxy, only POSTs carrying
"responses" (batches) are numbered.

  hang     accept, read the request, never answer
  proxy COLLECTOR_PORT [K...]
           pass every request to the collector on 127.0.0.1:COLLECTOR_PORT and its answer back,
           except that the answers to batches number K... are held (never passed on)
  fileproxy COLLECTOR_PORT [cut:K | 500:K | hang:K]...
           as proxy, but file downloads (GET /v1/files/) are numbered: the answer to download
           cut:K is cut off after half its body (connection reset), download 500:K is answered
           500, download hang:K stops after half its body and keeps the connection open ("hanging
           K", then "gone K" once the kiosk gives up and closes it); each download says "file K
           RANGE PATH" (RANGE "-" when the whole file is asked)
  reset    read the headers and half of the body, then reset the connection (RST)
  captive  answer 200 with an HTML login page (a captive portal)
  notack   answer 200 application/json that is not an acknowledgement
  500      answer 500 with a JSON error
  503      answer 503 with Retry-After: 1
  503zero  answer 503 with Retry-After: 0 (must not make the kiosk retry at once)
  redirect answer 302 to a login page
  conflict acknowledge every response as a conflict (HTTP 409 semantics per item)
  partial  acknowledge only the first response of each batch
"""
import itertools
import json
import socket
import struct
import sys
import threading

EVENTS = threading.Lock()
NUMBER = itertools.count(1)
FILES = itertools.count(1)


def event(*words):
    with EVENTS:
        print(*words, flush=True)


def wait_gone(conn, k):
    """Blocks until the client closes the connection, then says so."""
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass
    event("gone", k)


def read_head(conn):
    """Reads the head; returns (head, Content-Length, what was read of the body), or
    (None, 0, b"") when the peer closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None, 0, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    return head, length, rest


def read_request(conn):
    """Reads the head; returns (Content-Length, what was read of the body)."""
    head, length, rest = read_head(conn)
    return (None if head is None else length), rest


def answer(conn, status, ctype, body, extra=""):
    body = body.encode()
    conn.sendall((f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                  f"{extra}Connection: close\r\n\r\n").encode() + body)


def read_message(conn):
    """Reads a whole HTTP message (head and Content-Length body); None when the peer closed."""
    head, length, body = read_head(conn)
    if head is None:
        return None
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def proxy(conn, collector_port, held, faults=None):
    request = read_message(conn)
    if request is None:
        return
    if faults is not None and request.startswith(b"GET /v1/files/"):
        f = next(FILES)
        rng = b"-"
        for line in request.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
            if line.lower().startswith(b"range:"):
                rng = line.split(b":", 1)[1].strip()
        event("file", f, rng.decode(), request.split(b" ")[1].decode())
        if faults.get(f) == "500":
            answer(conn, "500 Internal Server Error", "application/json",
                   '{"protocol":"wijkpeil-sync/1","error":"test"}')
            return
        if faults.get(f) in ("cut", "hang"):
            up = socket.create_connection(("127.0.0.1", collector_port))
            up.sendall(request)
            whole = read_message(up)
            up.close()
            head, _, body = whole.partition(b"\r\n\r\n")
            conn.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
            if faults.get(f) == "hang":
                event("hanging", f)
                wait_gone(conn, f)
                return
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
    k = next(NUMBER) if b'"responses"' in request else None
    up = socket.create_connection(("127.0.0.1", collector_port))
    up.sendall(request)
    if k is not None:
        event("forwarded", k)
    try:
        answer = read_message(up)
    except OSError:
        answer = None
    up.close()
    if answer is None:
        if k is not None:
            event("dropped", k)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return
    if k is not None:
        event("answered", k)
    if k in held:
        event("hanging", k)
        wait_gone(conn, k)
        return
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"connection:")]
    conn.sendall(b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n" + body)


def handle(conn, mode, args):
    try:
        if mode == "proxy":
            proxy(conn, int(args[0]), {int(a) for a in args[1:]})
            return
        if mode == "fileproxy":
            faults = {int(a.split(":")[1]): a.split(":")[0] for a in args[1:]}
            proxy(conn, int(args[0]), set(), faults)
            return
        length, rest = read_request(conn)
        if length is None:
            return
        if mode == "reset":
            while len(rest) < length // 2:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                rest += chunk
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            return
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            rest += chunk
        if mode == "hang":
            k = next(NUMBER)
            event("hanging", k)
            wait_gone(conn, k)
        elif mode == "captive":
            answer(conn, "200 OK", "text/html; charset=utf-8",
                   "<html><body><h1>Welcome to CentreWiFi</h1><form>Accept terms</form></body></html>")
        elif mode == "notack":
            answer(conn, "200 OK", "application/json", '{"ok": true}')
        elif mode == "500":
            answer(conn, "500 Internal Server Error", "application/json", '{"error": "boom"}')
        elif mode == "503":
            answer(conn, "503 Service Unavailable", "application/json", '{"error": "busy"}',
                   "Retry-After: 1\r\n")
        elif mode == "503zero":
            answer(conn, "503 Service Unavailable", "application/json", '{"error": "busy"}',
                   "Retry-After: 0\r\n")
        elif mode in ("conflict", "partial") and b'"responses"' not in rest:
            answer(conn, "200 OK", "application/json", '{"protocol": "wijkpeil-sync/1", "ok": true}')
        elif mode in ("conflict", "partial"):
            ids = [r["id"] for r in json.loads(rest)["responses"]]
            if mode == "partial":
                results = [{"id": ids[0], "status": "stored", "code": 200}]
            else:
                results = [{"id": i, "status": "conflict", "code": 409} for i in ids]
            answer(conn, "200 OK", "application/json",
                   json.dumps({"protocol": "wijkpeil-sync/1", "results": results}))
        elif mode == "redirect":
            answer(conn, "302 Found", "text/html", "<a href='/login'>login</a>",
                   "Location: http://127.0.0.1/login\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    print("port", srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, mode, args), daemon=True).start()


if __name__ == "__main__":
    main()
