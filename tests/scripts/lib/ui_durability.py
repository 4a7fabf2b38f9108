"""The kill -9 campaign as a test (ui_durability.sh): a scripted kiosk completing polls in a
loop is killed with SIGKILL at random moments, over and over on one database, KILLS times (300).
SECONDS 0 (the default): no time bound, so a loaded machine does every kill, only slower;
ctest's timeout is the guard against a hang. With SECONDS > 0 the campaign stops after that
long, and fewer than MIN kills fail (a bounded run on a quiet machine).

A kill is aimed by events, not by the clock: the driver reads the kiosk's stderr until it has
logged a random number (0-2) of stored responses after start-up, then waits a random 0-250 ms
(only to spread the kills over every phase of a poll) and kills. However slow the machine, the
kills land while polls are being answered and stored.

After every kill: PRAGMA integrity_check is ok, and every response the kiosk logged as stored
so far is in the database exactly once with its status. The log line "stored complete response
UUID (seq N)" is written after the commit and before the thank-you screen is drawn, so every
response whose thanks screen was reached has been logged; rows that were committed but not yet
logged when the kill came are allowed (at most one per kill). At the end ui_kill_check.py checks
every answer and seq over all the logs.

usage: ui_durability.py KIOSK POLL.json SCRIPT.txt TMPDIR"""

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ui_kill_check import LINE  # noqa: E402

KILLS = int(os.environ.get("WIJKPEIL_DURABILITY_KILLS", "300"))
SECONDS = float(os.environ.get("WIJKPEIL_DURABILITY_SECONDS", "0"))
MIN_KILLS = int(os.environ.get("WIJKPEIL_DURABILITY_MIN", str(KILLS)))
SEED = int(os.environ.get("WIJKPEIL_DURABILITY_SEED", "2027"))
STARTED = re.compile(r"^wijkpeil: kiosk \S+ started: ")
BAD = ("ERROR", "LOST", "AddressSanitizer", "runtime error")


def fail(msg):
    print("FAIL: ui_durability: " + msg, file=sys.stderr)
    sys.exit(1)


def one_round(kiosk, poll, script, db, log_path, rng):
    """Starts the kiosk, kills it at an event-aimed random moment; returns the whole log lines."""
    want = rng.randint(0, 2)
    delay = rng.uniform(0, 0.25)
    p = subprocess.Popen([kiosk, "--questionset", poll, "--db", db, "--window", "1920x1080",
                          "--script", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen, started, raw = 0, False, b""
    while True:
        line = p.stderr.readline()  # blocks until the kiosk says something (or ends)
        if not line:
            break
        raw += line
        text = line.decode("utf-8", "replace").rstrip("\n")
        started = started or bool(STARTED.match(text))
        seen += bool(LINE.match(text))
        if started and seen >= want:
            break
    if p.poll() is not None and not line:
        fail("the kiosk ended by itself (exit %s) before it was killed:\n%s"
             % (p.returncode, raw.decode("utf-8", "replace")))
    time.sleep(delay)  # a random moment after the event, not a synchronisation
    p.send_signal(signal.SIGKILL)
    raw += p.stderr.read()
    p.wait()
    if p.returncode != -signal.SIGKILL:
        fail("the kiosk ended with %s, not by the kill:\n%s"
             % (p.returncode, raw.decode("utf-8", "replace")))
    with open(log_path, "wb") as f:
        f.write(raw)
    # A kill may cut the last line: only whole lines count.
    return raw.decode("utf-8", "replace").split("\n")[:-1]


def check_db(db, logged, kills):
    """integrity_check, and every logged response stored exactly once with its status."""
    con = sqlite3.connect(db)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchall()
        if ok != [("ok",)]:
            fail("PRAGMA integrity_check after kill %d: %r" % (kills, ok))
        rows = {}
        for rid, status, n in con.execute(
                "SELECT id, status, count(*) FROM responses GROUP BY id"):
            if n != 1:
                fail("response %s stored %d times (after kill %d)" % (rid, n, kills))
            rows[rid] = status
    finally:
        con.close()
    for uuid, (status, seq) in logged.items():
        if rows.get(uuid) != status:
            fail("after kill %d: logged %s response %s (seq %d) is stored as %r"
                 % (kills, status, uuid, seq, rows.get(uuid)))
    unlogged = len(rows) - len(logged)
    if unlogged < 0 or unlogged > kills:
        fail("after kill %d: %d rows for %d logged responses" % (kills, len(rows), len(logged)))


def main():
    kiosk, poll, script, tmp = sys.argv[1:5]
    db = os.path.join(tmp, "kiosk.db")
    rng = random.Random(SEED)
    logged = {}
    kills = 0
    t0 = time.monotonic()
    while kills < KILLS and (SECONDS <= 0 or time.monotonic() - t0 < SECONDS):
        lines = one_round(kiosk, poll, script, db, os.path.join(tmp, "round-%d.log" % kills), rng)
        kills += 1
        for line in lines:
            m = LINE.match(line)
            if m:
                if m.group(2) in logged:
                    fail("response %s logged as stored twice" % m.group(2))
                logged[m.group(2)] = (m.group(1), int(m.group(3)))
            elif any(b in line for b in BAD):
                fail("round %d: %s" % (kills, line))
        check_db(db, logged, kills)
    took = time.monotonic() - t0
    complete = sum(1 for s, _ in logged.values() if s == "complete")
    print("ui_durability: %d kills in %.0f s (seed %d), %d responses logged as stored "
          "(%d complete), every check passed after each kill" % (kills, took, SEED, len(logged),
                                                                 complete))
    if kills < MIN_KILLS:
        fail("only %d kills in %.0f s (at least %d wanted)" % (kills, took, MIN_KILLS))
    if complete < 1:
        fail("no complete response was logged: the kills never reached a finished poll")


if __name__ == "__main__":
    main()
