"""Checks for ui_kill.sh: every response the kiosk logged as stored is in the export, whole,
with the logged seq; integrity_check passes; no id or seq repeats.
usage: ui_kill_check.py DB LOG..."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from wpui import Checker, export  # noqa: E402

COMPLETE = {"wijk": "nazareth", "woonplezier": "2", "waarom": "buren",
            "zorgen": ["geld", "werk"], "gezondheid": "4", "cijfer_vertrouwen": "5",
            "gehoord": "prefer_not", "beter": ["groen", "schoon"], "wijkcentrum": "yes"}
ABANDONED = {"wijk": "pottenberg"}
LINE = re.compile(r"^wijkpeil: stored (complete|abandoned) response "
                  r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) \(seq (\d+)\)$")


def main():
    db, logs = sys.argv[1], sys.argv[2:]
    ck = Checker("ui_kill")
    logged = {}
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        # A kill may cut the last line: only whole lines count.
        lines = text.split("\n")[:-1]
        for line in lines:
            m = LINE.match(line)
            if m:
                ck.check(m.group(2) not in logged, "uuid %s logged twice" % m.group(2))
                logged[m.group(2)] = (m.group(1), int(m.group(3)))
            elif "ERROR" in line or "LOST" in line or "AddressSanitizer" in line:
                ck.check(False, "%s: %s" % (os.path.basename(path), line))
    p = subprocess.run(["sqlite3", db, "PRAGMA integrity_check"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    ck.eq(p.stdout.decode().strip(), "ok", "PRAGMA integrity_check (%s)" % p.stderr.decode())
    rows = export(db)
    by_id = {r["id"]: r for r in rows}
    ck.eq(len(by_id), len(rows), "no duplicate ids in the export")
    seqs = [r["seq"] for r in rows]
    ck.eq(len(set(seqs)), len(seqs), "no duplicate seq in the export")
    ck.eq(seqs, sorted(seqs), "export in seq order")
    p = subprocess.run(["sqlite3", db, "SELECT count(*) FROM responses"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode == 0:
        ck.eq(int(p.stdout.decode().strip() or -1), len(rows), "every row is exported")
    for uuid, (status, seq) in sorted(logged.items(), key=lambda x: x[1][1]):
        r = by_id.get(uuid)
        if not ck.check(r is not None, "logged %s response %s (seq %d) is in the export"
                        % (status, uuid, seq)):
            continue
        ck.eq(r["seq"], seq, "%s: seq" % uuid)
        ck.eq(r["status"], status, "%s: status" % uuid)
    for r in rows:
        want = COMPLETE if r["status"] == "complete" else ABANDONED
        ck.eq(r["answers"], want, "%s (%s): answers stored whole" % (r["id"], r["status"]))
        ck.eq(r["language"], "ar" if r["status"] == "complete" else "tr", "%s: language" % r["id"])
    n_complete = sum(1 for s, _ in logged.values() if s == "complete")
    ck.check(n_complete >= 1, "at least one complete response was logged")
    print("ui_kill: %d responses logged as stored (%d complete), %d in the export"
          % (len(logged), n_complete, len(rows)))
    ck.done()


if __name__ == "__main__":
    main()
