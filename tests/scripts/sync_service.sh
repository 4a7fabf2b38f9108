#!/usr/bin/env bash
# wijkpeil-sync as a service (issue 11): under a fake systemd NOTIFY_SOCKET with WATCHDOG_USEC it
# says READY=1 once its socket is bound and pings the watchdog from its main loop; the result of
# an attempt is logged and written to the database; SIGTERM stops it cleanly and removes its
# socket.
# Synchronises on the datagrams and log lines it sends (timeouts are guards only).
set -euo pipefail
: "${WIJKPEIL_SYNC:?set WIJKPEIL_SYNC to the wijkpeil-sync program}"
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# An endpoint nobody listens on (nothing is sent: the database is empty).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'endpoint = http://127.0.0.1:%s\ntoken = t0k3n\ndevice_id = k1\nlocation = here\ndb = %s\n' \
    "$port" "$tmp/k.db" >"$tmp/kiosk.conf"
python3 - "$tmp" "$WIJKPEIL_SYNC" <<'PY'
import os, select, signal, socket, subprocess, sys
tmp, prog = sys.argv[1:3]
fails = passes = 0
def check(ok, what):
    global fails, passes
    if ok:
        passes += 1
    else:
        fails += 1
        print("FAIL:", what)
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(os.path.join(tmp, "notify"))
notify.settimeout(120)  # a guard, not a budget
sock = os.path.join(tmp, "sync.sock")
env = dict(os.environ, NOTIFY_SOCKET=os.path.join(tmp, "notify"), WATCHDOG_USEC="400000")
p = subprocess.Popen([prog, "--config", os.path.join(tmp, "kiosk.conf"), "--socket", sock],
                     env=env, stderr=subprocess.PIPE, bufsize=0)
def until(pred):
    while True:
        m = notify.recv(4096).decode()
        if pred(m):
            return m
try:
    until(lambda m: "READY=1" in m)
    check(os.path.exists(sock), "the request socket exists once READY=1 is sent")
    for _ in range(3):
        until(lambda m: "WATCHDOG=1" in m)
    check(True, "watchdog pings keep coming while idle")
    # The first attempt, at start: nothing stored yet (an empty database), so nothing to send.
    err = b""
    while b"nothing to send" not in err:
        if not select.select([p.stderr], [], [], 120)[0]:  # a guard, not a budget
            break
        chunk = os.read(p.stderr.fileno(), 4096)
        if not chunk:
            break
        err += chunk
    check(b"nothing to send" in err, "the first attempt is logged: %r" % err)
    import sqlite3
    db = sqlite3.connect(os.path.join(tmp, "k.db"))
    row = db.execute("SELECT value FROM meta WHERE key = 'sync_state'").fetchone()
    db.close()
    check(row and "nothing to send" in row[0],
          "the result is in the database for the staff screen: %r" % (row,))
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=120)
    check(rc == 0, "SIGTERM: exit 0 (%s)" % rc)
    check(not os.path.exists(sock), "the socket is removed on exit")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
print("sync_service: %d passed, %d failed" % (passes, fails))
sys.exit(1 if fails else 0)
PY
