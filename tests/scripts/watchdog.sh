#!/usr/bin/env bash
# systemd's watchdog: with NOTIFY_SOCKET and WATCHDOG_USEC set (as systemd does), the kiosk sends
# READY=1 after its first frame and WATCHDOG=1 from its main loop; when the main loop hangs
# (fault injected with WIJKPEIL_TEST_HANG_MS after the first frame while the other threads go
# on), the pings stop, so systemd restarts it. A fake NOTIFY_SOCKET stands in for systemd; the
# test follows its messages (no fixed moments, so a slow start or a loaded machine cannot fail
# it).
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1 PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" "$WIJKPEIL" "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" <<'PY'
import os, socket, subprocess, sys, time
tmp, kiosk, poll = sys.argv[1:4]
GUARD = 120     # seconds: only ends a kiosk that never gets going
PERIOD = 0.2    # WATCHDOG_USEC / 2: the kiosk pings this often
SILENCE = 15 * PERIOD  # pings gone this long while the process lives: the loop hangs
path = os.path.join(tmp, "notify")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
sock.settimeout(PERIOD)
# The main loop hangs 2.5 s after its first frame (READY=1), however slow the start was.
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000", WIJKPEIL_TEST_HANG_MS="2500")
p = subprocess.Popen([kiosk, "--questionset", poll, "--db", os.path.join(tmp, "k.db"),
                      "--window", "1280x720"], env=env, stderr=subprocess.DEVNULL)
ready, pings, silent_for = None, [], 0.0
try:
    end = time.monotonic() + GUARD
    while time.monotonic() < end and p.poll() is None:
        try:
            data = sock.recv(4096).decode()
        except socket.timeout:
            data = ""
        t = time.monotonic()
        if "READY=1" in data and ready is None:
            ready = t
        if "WATCHDOG=1" in data and ready is not None:
            pings.append(t)
        if pings:
            silent_for = t - pings[-1]
            if silent_for >= SILENCE:
                break
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
check(ready is not None, "READY=1 after the first frame")
check(len(pings) >= 4, "pings every half period while healthy: %d before the hang" % len(pings))
check(silent_for >= SILENCE, "the pings stop once the main loop hangs (%.1f s silent)" % silent_for)
check(alive, "the process is hung, not gone (systemd's watchdog must act)")
if ready is not None and pings:
    print("watchdog: %d pings in %.1f s after READY=1, then silence" % (len(pings),
                                                                        pings[-1] - ready))
print("watchdog: %d passed, %d failed" % (4 - fails, fails))
sys.exit(1 if fails else 0)
PY
