#!/usr/bin/env python3
"""A webhook receiver for the alert tests: an HTTP server on 127.0.0.1 (a free port, written to
PORTFILE once listening) that appends one line per POST to LOG: the status it answered, a space,
the body. The first FAIL_FIRST requests are answered 500 (the collector must send them again).
Runs until killed."""
import http.server
import sys
import threading

log_path, port_path, fail_first = sys.argv[1], sys.argv[2], int(sys.argv[3])
lock = threading.Lock()
seen = [0]


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with lock:
            seen[0] += 1
            code = 500 if seen[0] <= fail_first else 200
            with open(log_path, "a") as f:
                f.write("%d %s\n" % (code, body.replace("\n", " ")))
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
with open(port_path + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
import os  # noqa: E402

os.rename(port_path + ".tmp", port_path)
srv.serve_forever()
