#!/usr/bin/env bash
# systemd's watchdog: with NOTIFY_SOCKET and WATCHDOG_USEC set (as systemd does), the kiosk sends
# READY=1 after its first frame and WATCHDOG=1 from its main loop; when the main loop hangs
# (fault injected with WIJKPEIL_TEST_HANG_MS while the other threads go on), the pings stop, so
# systemd restarts it. A fake NOTIFY_SOCKET stands in for systemd.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1 PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" "$WIJKPEIL" "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" <<'PY'
import os, socket, subprocess, sys, time
tmp, kiosk, poll = sys.argv[1:4]
path = os.path.join(tmp, "notify")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
sock.settimeout(0.1)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000", WIJKPEIL_TEST_HANG_MS="2500")
start = time.monotonic()
p = subprocess.Popen([kiosk, "--questionset", poll, "--db", os.path.join(tmp, "k.db"),
                      "--window", "1280x720"], env=env, stderr=subprocess.DEVNULL)
msgs = []
try:
    while time.monotonic() - start < 6.0:
        try:
            data = sock.recv(4096).decode()
            msgs.append((time.monotonic() - start, data))
        except socket.timeout:
            pass
    alive = p.poll() is None
finally:
    p.kill()
    p.wait()
fails = 0
def check(ok, what):
    global fails
    if not ok:
        fails += 1
        print("FAIL:", what)
ready = [t for t, m in msgs if "READY=1" in m]
pings = [t for t, m in msgs if "WATCHDOG=1" in m]
check(ready and ready[0] < 2.0, "READY=1 soon after start (%s)" % ready[:1])
before = [t for t in pings if t < 2.3]
after = [t for t in pings if t > 3.0]
check(len(before) >= 4, "pings every half period while healthy: %d before the hang" % len(before))
check(not after, "no pings once the main loop hangs: %d after" % len(after))
check(alive, "the process is hung, not gone (systemd's watchdog must act)")
print("watchdog: %d passed, %d failed" % (4 - fails, fails))
sys.exit(1 if fails else 0)
PY
