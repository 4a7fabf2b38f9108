#!/usr/bin/env bash
# The running kiosk notices a USB stick with a WIJKPEIL folder appearing under a mount root (a
# plain folder stands in for /media here), and stops cleanly on SIGTERM as systemd sends it.
# Synchronised on events, not sleeps: the stick is made once the kiosk says READY=1 on a fake
# NOTIFY_SOCKET (after its first frame, when the stick watcher runs), and the test waits for
# the log line naming the stick; the guards only stop a kiosk that hangs or died.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1 PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/media"
cat >"$tmp/kiosk.conf" <<CONF
mount_root = $tmp/media
log_file = $tmp/kiosk.log
CONF
python3 - "$tmp" "$WIJKPEIL" "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" <<'PY'
import os, signal, socket, subprocess, sys, time
tmp, kiosk, poll = sys.argv[1:4]
GUARD = 120  # seconds: a hang guard, not a budget
notify = os.path.join(tmp, "notify")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(notify)
sock.settimeout(1)
env = dict(os.environ, NOTIFY_SOCKET=notify)
env.pop("WATCHDOG_USEC", None)
stderr = open(os.path.join(tmp, "stderr"), "w")
p = subprocess.Popen([kiosk, "--config", os.path.join(tmp, "kiosk.conf"), "--questionset", poll,
                      "--db", os.path.join(tmp, "kiosk.db"), "--window", "1280x720"],
                     env=env, stderr=stderr)
fails = 0


def fail(what):
    global fails
    fails += 1
    print("FAIL:", what)
    for f in ("kiosk.log", "stderr"):
        try:
            print("  %s:\n%s" % (f, open(os.path.join(tmp, f)).read()))
        except OSError:
            pass


def until(pred):
    end = time.monotonic() + GUARD
    while time.monotonic() < end and p.poll() is None:
        if pred():
            return True
    return pred()


def ready():
    try:
        return "READY=1" in sock.recv(4096).decode()
    except socket.timeout:
        return False


stick = os.path.join(tmp, "media", "STICK1")
line = "USB stick with a WIJKPEIL folder at " + stick


def noticed():
    try:
        if line in open(os.path.join(tmp, "kiosk.log")).read():
            return True
    except OSError:
        pass
    time.sleep(0.05)  # polling the log; the guard above bounds it
    return False


try:
    if not until(ready):
        fail("the kiosk never said READY=1")
    else:
        t0 = time.monotonic()
        os.makedirs(os.path.join(stick, "WIJKPEIL", "questionsets"))
        if until(noticed):
            print("usb_notice: stick noticed after %.0f ms" % ((time.monotonic() - t0) * 1000))
        else:
            fail("the stick was not noticed")
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(GUARD)
    except subprocess.TimeoutExpired:
        rc = "hung"
    if rc != 0:
        fail("the kiosk exited %s on SIGTERM" % rc)
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
print("usb_notice: %d passed, %d failed" % (2 - fails if fails <= 2 else 0, fails))
sys.exit(1 if fails else 0)
PY
