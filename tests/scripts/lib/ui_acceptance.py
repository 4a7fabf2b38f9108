"""ui_acceptance: the issue's acceptance path and the resident rules around it, run as kiosk
scripts on the demo poll and checked through `tree` files and `wijkpeil export`.
Run by tests/scripts/ui_acceptance.sh."""

import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script import Script  # noqa: E402
from wpui import (SRC, Checker, Poll, export, need_env, run_kiosk,  # noqa: E402
                  ui_strings_of)

FIX = os.path.join(SRC, "tests", "ui")
IDLE_MS, STILL_MS, THANKS_MS, HINT_MS = 90000, 30000, 8000, 4000  # the kiosk's defaults

ck = Checker("ui_acceptance")
poll = Poll()
S = ui_strings_of(poll.data)
TMP = tempfile.mkdtemp(prefix="wp-ui-acc-")


def run(sc, db, extra=(), want_rc=0):
    rc, err = run_kiosk(sc.lines, db, TMP, sc.name, extra)
    ok = ck.eq(rc, want_rc, "%s: kiosk exit code (stderr tail: %s)" % (sc.name,
                                                                       err.strip()[-600:]))
    if ok:
        sc.verify(ck)
    return err


def stored(db):
    try:
        return export(db)
    except RuntimeError as e:
        ck.check(False, str(e))
        return []


def expect_tree(sc, what, screen=None, lang=None, question="-", selected=None, widgets=(),
                no_widgets=(), labels=None, enabled=None):
    """Adds a tree with the usual checks: screen, language, question, selected option values
    of the current question, widgets present / absent, exact labels, enabled flags."""

    def fn(t, w):
        if screen is not None:
            ck.eq(t.screen, screen, w + ": screen")
        if lang is not None:
            ck.eq(t.language, lang, w + ": language")
        if question != "-":
            ck.eq(t.question, question, w + ": question")
        if selected is not None:
            ck.eq(t.selected(t.question), sorted(selected), w + ": selected")
        for wid in widgets:
            ck.check(t.widget(wid) is not None, "%s: widget %s shown" % (w, wid))
        for wid in no_widgets:
            ck.check(t.widget(wid) is None, "%s: widget %s not shown" % (w, wid))
        for wid, label in (labels or {}).items():
            x = t.widget(wid)
            if ck.check(x is not None, "%s: widget %s shown" % (w, wid)):
                ck.eq(x["label"], label, "%s: %s label" % (w, wid))
        for wid, en in (enabled or {}).items():
            x = t.widget(wid)
            if ck.check(x is not None, "%s: widget %s shown" % (w, wid)):
                ck.eq(x["enabled"], en, "%s: %s enabled" % (w, wid))

    sc.tree(what, fn)


def answer(sc, qid, *values):
    for v in values:
        sc.add("tap-id option:%s:%s" % (qid, v))


# ---------------------------------------------------------------------------------------------

def acceptance_path():
    """Arabic, switch to Dutch mid-poll, finish; the next resident answers one and walks away.
    Timeouts from a --config file (idle 45 s, still-there 20 s, thanks 5 s)."""
    sc = Script(TMP, "acceptance")
    db = os.path.join(TMP, "acceptance.db")
    sc.add("expect-screen attract", "tap-id start", "expect-screen language", "tap-id lang:ar",
           "expect-screen question")
    expect_tree(sc, "first question in Arabic", "question", "ar", "wijk",
                labels={"next": S["ar"]["skip"], "progress": "1 / 10"})
    answer(sc, "wijk", "pottenberg")
    sc.add("tap-id next")
    answer(sc, "woonplezier", "2")
    expect_tree(sc, "woonplezier 2 shows waarom", "question", "ar", "woonplezier",
                selected=["2"], labels={"progress": "2 / 10", "next": S["ar"]["next"]})
    sc.add("tap-id next")
    expect_tree(sc, "waarom shown", "question", "ar", "waarom")
    answer(sc, "waarom", "lawaai")
    sc.add("tap-id next")
    answer(sc, "zorgen", "geld", "wonen")
    # Switch to Dutch mid-poll: the same question, the answers kept.
    sc.add("tap-id language-switch", "expect-screen language")
    expect_tree(sc, "language screen from a question", "language", "ar", None,
                widgets=["lang:nl", "lang:ar", "back"])
    sc.add("tap-id lang:nl", "expect-screen question")
    expect_tree(sc, "back on zorgen in Dutch", "question", "nl", "zorgen",
                selected=["geld", "wonen"],
                labels={"progress": "4 / 10", "next": S["nl"]["next"],
                        "question:zorgen": poll.by_id["zorgen"]["text"]["nl"]})
    sc.add("tap-id back")
    expect_tree(sc, "earlier Arabic answer kept", "question", "nl", "waarom",
                selected=["lawaai"])
    sc.add("tap-id next", "tap-id next")  # zorgen, on to gezondheid
    answer(sc, "gezondheid", "3")
    sc.add("tap-id next", "tap-id next")  # eenzaam skipped
    expect_tree(sc, "on the scale", "question", "nl", "cijfer_vertrouwen")
    answer(sc, "cijfer_vertrouwen", "6")
    sc.add("tap-id next")
    answer(sc, "gehoord", "prefer_not")
    sc.add("tap-id next", "tap-id next")  # beter skipped
    answer(sc, "wijkcentrum", "yes")
    expect_tree(sc, "last question", "question", "nl", "wijkcentrum",
                labels={"next": S["nl"]["finish"], "progress": "10 / 10"})
    sc.add("tap-id next", "expect-screen thanks",
           "wait 4999", "expect-screen thanks", "wait 1", "expect-screen attract")
    # Another resident answers one question and walks away.
    sc.add("tap-id start", "tap-id lang:en", "expect-screen question")
    expect_tree(sc, "second resident starts clean", "question", "en", "wijk", selected=[])
    answer(sc, "wijk", "anders")
    sc.add("wait 44999", "expect-screen question", "wait 1", "expect-screen still-there")
    expect_tree(sc, "still-there countdown", "still-there", "en", None, widgets=["continue"],
                labels={"message": S["en"]["still_there_body"].replace("{n}", "20")})
    sc.add("wait 19999", "expect-screen still-there", "wait 1", "expect-screen attract")
    expect_tree(sc, "reset", "attract", None, None, no_widgets=["back", "next"])
    err = run(sc, db, ["--config", os.path.join(FIX, "acceptance.conf")])
    rows = stored(db)
    if ck.eq(len(rows), 2, "acceptance: exactly two stored responses"):
        a, b = rows
        ck.eq(a["status"], "complete", "acceptance: first is complete")
        ck.eq(a["language"], "nl", "acceptance: finished in Dutch")
        ck.eq(a["answers"], {"wijk": "pottenberg", "woonplezier": "2", "waarom": "lawaai",
                             "zorgen": ["geld", "wonen"], "gezondheid": "3",
                             "cijfer_vertrouwen": "6", "gehoord": "prefer_not",
                             "wijkcentrum": "yes"}, "acceptance: complete answers")
        ck.eq(b["status"], "abandoned", "acceptance: second is abandoned")
        ck.eq(b["language"], "en", "acceptance: abandoned language")
        ck.eq(b["answers"], {"wijk": "anders"}, "acceptance: abandoned answers")
        ck.check(b["seq"] > a["seq"], "acceptance: seq grows")
        ck.check(a["id"] != b["id"], "acceptance: distinct ids")
        ck.eq(a["questionset"], poll.data["id"], "acceptance: questionset id")
        for r in rows:
            ck.check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$",
                              r.get("started_at", "")) is not None,
                     "acceptance: started_at is UTC ISO 8601: %r" % r.get("started_at"))
            ck.check(r.get("finished_at", "") >= r.get("started_at", ""),
                     "acceptance: finished_at after started_at")
        # The abandoned session lasted from start to the reset on the virtual clock.
        ck.eq(b["duration_ms"], 45000 + 20000, "acceptance: abandoned duration_ms")
    ck.check(re.search(r"stored complete response [0-9a-f-]{36} \(seq \d+\)", err) is not None,
             "acceptance: the log names the stored complete response")
    ck.check(re.search(r"stored abandoned response [0-9a-f-]{36} \(seq \d+\)", err) is not None,
             "acceptance: the log names the stored abandoned response")
    csv = ""
    try:
        csv = export(db, "csv")
    except RuntimeError as e:
        ck.check(False, str(e))
    import csv as csvmod
    import io
    table = list(csvmod.reader(io.StringIO(csv, newline="")))
    if ck.eq(len(table), 3, "acceptance: CSV has a header and two rows") and len(rows) == 2:
        head = table[0]
        for r, line in zip(rows, table[1:]):
            cells = dict(zip(head, line))
            ck.eq(cells.get("id"), r["id"], "acceptance: CSV id")
            ck.eq(cells.get("status"), r["status"], "acceptance: CSV status")
            ck.eq(cells.get("language"), r["language"], "acceptance: CSV language")
            for q in poll.questions:
                v = r["answers"].get(q["id"])
                want = ";".join(v) if isinstance(v, list) else (v or "")
                ck.eq(cells.get(q["id"], ""), want, "acceptance: CSV %s of %s" % (q["id"],
                                                                                  r["status"]))


def walk_away_without_answering():
    sc = Script(TMP, "walkaway")
    db = os.path.join(TMP, "walkaway.db")
    # On the language screen; a tap anywhere on the attract screen (here its text) starts.
    sc.add("tap-id welcome", "expect-screen language", "wait %d" % IDLE_MS,
           "expect-screen still-there",
           "wait %d" % STILL_MS, "expect-screen attract")
    # On the first question, having tapped an answer and taken it back.
    sc.add("tap-id start", "tap-id lang:tr", "tap-id option:wijk:nazareth",
           "tap-id option:wijk:nazareth", "tap-id next")
    sc.add("wait %d" % (IDLE_MS - 1), "expect-screen question", "wait 1",
           "expect-screen still-there", "wait %d" % (STILL_MS - 1), "expect-screen still-there",
           "wait 1", "expect-screen attract")
    run(sc, db)
    ck.eq(stored(db), [], "walk-away without answers stores nothing")


def keep_abandoned_off():
    sc = Script(TMP, "keepno")
    db = os.path.join(TMP, "keepno.db")
    sc.add("tap-id start", "tap-id lang:pl")
    answer(sc, "wijk", "pottenberg")
    sc.add("tap-id next")
    answer(sc, "woonplezier", "5")
    sc.add("wait %d" % (IDLE_MS + STILL_MS), "expect-screen attract")
    # A complete poll is still stored: only gehoord (required) answered.
    sc.add("tap-id start", "tap-id lang:nl")
    for _ in range(6):  # wijk .. cijfer_vertrouwen (waarom hidden)
        sc.add("tap-id next")
    sc.add("expect-screen question")
    expect_tree(sc, "gehoord reached by skipping", "question", "nl", "gehoord")
    answer(sc, "gehoord", "no")
    sc.add("tap-id next", "tap-id next", "tap-id next", "expect-screen thanks")
    run(sc, db, ["--config", os.path.join(FIX, "keep-abandoned-no.conf")])
    rows = stored(db)
    if ck.eq(len(rows), 1, "keep_abandoned = no: only the complete response"):
        ck.eq(rows[0]["status"], "complete", "keep_abandoned = no: status")
        ck.eq(rows[0]["answers"], {"gehoord": "no"}, "keep_abandoned = no: answers")


def continue_keeps_answers():
    sc = Script(TMP, "continue")
    db = os.path.join(TMP, "continue.db")
    sc.add("tap-id start", "tap-id lang:uk")
    answer(sc, "wijk", "nazareth")
    sc.add("tap-id next")
    answer(sc, "woonplezier", "1")
    sc.add("wait %d" % IDLE_MS, "expect-screen still-there")
    expect_tree(sc, "still-there", "still-there", "uk", None,
                labels={"continue": S["uk"]["continue"], "heading": S["uk"]["still_there"]})
    sc.add("wait 12500")
    expect_tree(sc, "countdown after 12.5 s", "still-there",
                labels={"message": S["uk"]["still_there_body"].replace("{n}", "18")})
    sc.add("tap-id continue", "expect-screen question")
    expect_tree(sc, "continued where they were", "question", "uk", "woonplezier",
                selected=["1"], labels={"progress": "2 / 10"})
    sc.add("tap-id back")
    expect_tree(sc, "earlier answer kept", "question", "uk", "wijk", selected=["nazareth"])
    # The idle timer starts over; a tap anywhere (the left margin) also continues.
    sc.add("wait %d" % IDLE_MS, "expect-screen still-there", "tap 3 540",
           "expect-screen question")
    expect_tree(sc, "tap anywhere continues", "question", "uk", "wijk", selected=["nazareth"])
    sc.add("tap-id next", "tap-id next")
    expect_tree(sc, "waarom still shown", "question", "uk", "waarom")
    # A new idle period, and this time nobody comes back.
    sc.add("wait %d" % (IDLE_MS + STILL_MS), "expect-screen attract")
    # After the reset: default language, no answers, no way back.
    sc.add("expect-no-widget back", "tap-id start", "expect-screen language")
    expect_tree(sc, "after reset: language screen", "language", "nl", None,
                labels={"heading": S["nl"]["choose_language"]})

    def none_selected(t, w):
        ck.check(not any(x["selected"] for x in t.widgets if x["id"].startswith("lang:")),
                 w + ": no language selected")

    sc.tree("after reset: no language selected", none_selected)
    sc.add("tap-id lang:uk")
    expect_tree(sc, "after reset: first question empty", "question", "uk", "wijk", selected=[],
                labels={"progress": "1 / 10", "next": S["uk"]["skip"]})
    sc.add("tap-id next")
    expect_tree(sc, "after reset: woonplezier empty", "question", "uk", "woonplezier",
                selected=[])
    # Back from the first question opens the language screen; back there returns to it.
    sc.add("tap-id back", "tap-id back", "expect-screen language", "tap-id back",
           "expect-screen question")
    run(sc, db)
    rows = stored(db)
    if ck.eq(len(rows), 1, "continue: one abandoned response"):
        ck.eq(rows[0]["status"], "abandoned", "continue: status")
        ck.eq(rows[0]["answers"], {"wijk": "nazareth", "woonplezier": "1"}, "continue: answers")
        ck.eq(rows[0]["language"], "uk", "continue: language")


def rules_max_required_back_skip_show_if():
    sc = Script(TMP, "rules")
    db = os.path.join(TMP, "rules.db")
    sc.add("tap-id start", "tap-id lang:nl")
    # Skip and back.
    expect_tree(sc, "wijk empty", "question", "nl", "wijk", labels={"next": S["nl"]["skip"]})
    sc.add("tap-id next")
    expect_tree(sc, "skipped to woonplezier", "question", "nl", "woonplezier",
                labels={"progress": "2 / 10", "back": S["nl"]["back"]})
    sc.add("tap-id back")
    expect_tree(sc, "back to wijk", "question", "nl", "wijk", selected=[])
    sc.add("tap-id back", "expect-screen language", "tap-id lang:nl")
    expect_tree(sc, "language again, same question", "question", "nl", "wijk")
    answer(sc, "wijk", "nazareth")
    expect_tree(sc, "wijk chosen", "question", "nl", "wijk", selected=["nazareth"],
                labels={"next": S["nl"]["next"]})
    answer(sc, "wijk", "nazareth")
    expect_tree(sc, "wijk taken back", "question", "nl", "wijk", selected=[],
                labels={"next": S["nl"]["skip"]})
    answer(sc, "wijk", "pottenberg")
    sc.add("tap-id next")
    # show_if: woonplezier 4 skips waarom (counted until then: the total only shrinks).
    answer(sc, "woonplezier", "4")
    expect_tree(sc, "woonplezier 4", "question", "nl", "woonplezier",
                labels={"progress": "2 / 9"})
    sc.add("tap-id next")
    expect_tree(sc, "waarom skipped", "question", "nl", "zorgen", labels={"progress": "3 / 9"},
                no_widgets=["hint"])
    # Back across the hidden question.
    sc.add("tap-id back")
    expect_tree(sc, "back skips hidden waarom", "question", "nl", "woonplezier",
                selected=["4"])
    # woonplezier 1 shows it.
    answer(sc, "woonplezier", "1")
    expect_tree(sc, "woonplezier 1", "question", "nl", "woonplezier", selected=["1"],
                labels={"progress": "2 / 10"})
    sc.add("tap-id next")
    expect_tree(sc, "waarom shown", "question", "nl", "waarom", labels={"progress": "3 / 10"})
    answer(sc, "waarom", "buren")
    sc.add("tap-id next")
    # zorgen: max 3, the 4th is refused with a visible hint.
    answer(sc, "zorgen", "geld", "werk", "gezondheid")
    sc.add("expect-no-widget hint")
    answer(sc, "zorgen", "veiligheid")
    sc.add("expect-widget hint")
    expect_tree(sc, "4th refused", "question", "nl", "zorgen",
                selected=["geld", "werk", "gezondheid"],
                labels={"hint": S["nl"]["max_reached"].replace("{n}", "3")})
    sc.add("wait %d" % (HINT_MS - 1), "expect-widget hint", "wait 1", "expect-no-widget hint")
    answer(sc, "zorgen", "werk", "veiligheid")
    expect_tree(sc, "room after taking one back", "question", "nl", "zorgen",
                selected=["geld", "gezondheid", "veiligheid"], no_widgets=["hint"])
    sc.add("tap-id next", "tap-id next", "tap-id next", "tap-id next")
    # gehoord: required.
    expect_tree(sc, "gehoord unanswered", "question", "nl", "gehoord",
                labels={"next": S["nl"]["next"]}, enabled={"next": False})
    sc.add("tap-id next", "expect-screen question", "expect-widget hint")
    expect_tree(sc, "next refused on gehoord", "question", "nl", "gehoord",
                labels={"hint": S["nl"]["required"]}, enabled={"next": False})
    answer(sc, "gehoord", "yes")
    expect_tree(sc, "gehoord answered", "question", "nl", "gehoord", selected=["yes"],
                enabled={"next": True}, no_widgets=["hint"])
    answer(sc, "gehoord", "yes")
    expect_tree(sc, "gehoord taken back", "question", "nl", "gehoord", selected=[],
                enabled={"next": False})
    answer(sc, "gehoord", "no")
    sc.add("tap-id next")
    # Change woonplezier to 5 now: the waarom answer given earlier must not be stored.
    for _ in range(7):  # beter .. waarom, woonplezier
        sc.add("tap-id back")
    expect_tree(sc, "back at woonplezier", "question", "nl", "woonplezier", selected=["1"])
    answer(sc, "woonplezier", "5")
    for _ in range(5):
        sc.add("tap-id next")
    expect_tree(sc, "forward again to gehoord", "question", "nl", "gehoord", selected=["no"],
                labels={"progress": "7 / 9"})
    sc.add("tap-id next", "tap-id next", "tap-id next", "expect-screen thanks",
           "expect-no-widget back", "expect-no-widget next")
    run(sc, db)
    rows = stored(db)
    if ck.eq(len(rows), 1, "rules: one response"):
        ck.eq(rows[0]["answers"], {"wijk": "pottenberg", "woonplezier": "5",
                                   "zorgen": ["geld", "gezondheid", "veiligheid"],
                                   "gehoord": "no"}, "rules: stored answers (no hidden waarom)")
        ck.eq(rows[0]["status"], "complete", "rules: status")


def errors():
    demo = poll_path = os.path.join(SRC, "assets", "demo", "nazareth-pottenberg.json")
    db = os.path.join(TMP, "errors.db")
    ok_script = ["expect-screen attract"]
    # Unknown config key: non-zero, the message names the file and line.
    conf = os.path.join(FIX, "unknown-key.conf")
    rc, err = run_kiosk(ok_script, db, TMP, "err-config", ["--config", conf], qset=poll_path)
    ck.check(rc != 0, "unknown config key: non-zero exit (%d)" % rc)
    ck.check("unknown-key.conf:4:" in err and "colour" in err,
             "unknown config key: message names line 4 and the key: %r" % err.strip())
    # A bad value, also naming the line (written here: the line number is computed).
    bad = os.path.join(TMP, "bad-value.conf")
    with open(bad, "w") as f:
        f.write("# comment\n\nstill_there_seconds = 5\n")
    rc, err = run_kiosk(ok_script, db, TMP, "err-value", ["--config", bad], qset=poll_path)
    ck.check(rc != 0, "bad config value: non-zero exit")
    ck.check("bad-value.conf:3:" in err and "still_there_seconds" in err,
             "bad config value: message names line 3: %r" % err.strip())
    # An invalid question set: every validator message, and no poll.
    inv = os.path.join(FIX, "invalid-poll.json")
    rc, err = run_kiosk(ok_script, os.path.join(TMP, "invalid.db"), TMP, "err-qset", qset=inv)
    ck.check(rc != 0, "invalid question set: non-zero exit")
    for msg in ['zorgen: option "geld" has no text for "ar"',
                'zorgen: "min" (4) is greater than "max" (3)',
                'waarom: show_if refers to "cijfer", which comes later in the poll',
                'cijfer: the question id is used twice']:
        ck.check(("invalid-poll.json: " + msg) in err,
                 "invalid question set: message %r in %r" % (msg, err.strip()))
    ck.check("started" not in err, "invalid question set: the kiosk did not start")
    ck.check(not os.path.exists(os.path.join(TMP, "invalid.db")) or
             stored(os.path.join(TMP, "invalid.db")) == [],
             "invalid question set: nothing stored")
    syn = os.path.join(FIX, "syntax-error.json")
    rc, err = run_kiosk(ok_script, db, TMP, "err-syntax", qset=syn)
    ck.check(rc != 0, "JSON syntax error: non-zero exit")
    ck.check(re.search(r"syntax-error\.json:3:\d+: ", err) is not None,
             "JSON syntax error: FILE:LINE:COLUMN message: %r" % err.strip())
    # Script errors name the script line.
    bad_script = os.path.join(FIX, "bad-command.txt")
    p = run_kiosk_file(bad_script, db, demo)
    ck.check(p[0] != 0, "bad script command: non-zero exit")
    ck.check("bad-command.txt:4: " in p[1] and "jump-to" in p[1],
             "bad script command: names line 4: %r" % p[1].strip())
    for name, lines, lineno, text in [
            ("err-expect", ["tap-id start", "", "# comment", "expect-screen question"], 4,
             'expected screen "question"'),
            ("err-tapid", ["tap-id start", "tap-id lang:xx"], 2, "lang:xx"),
            ("err-tap", ["tap 99999 5"], 1, "tap"),
            ("err-wait", ["wait soon"], 1, "wait"),
            ("err-widget", ["expect-widget next"], 1, "next"),
            ("err-nowidget", ["expect-no-widget start"], 1, "start")]:
        rc, err = run_kiosk(lines, db, TMP, name)
        ck.check(rc != 0, "%s: non-zero exit" % name)
        ck.check(("%s.txt:%d: " % (name, lineno)) in err and text in err,
                 "%s: message names line %d: %r" % (name, lineno, err.strip()))
    # A script that ends normally, with quit before the end: 0, and nothing after quit runs.
    rc, err = run_kiosk(["tap-id start", "quit", "expect-screen thanks"], db, TMP, "quit")
    ck.eq(rc, 0, "quit ends the script with 0 (%s)" % err.strip()[-300:])


def run_kiosk_file(script, db, qset):
    import subprocess
    from wpui import KIOSK, RUN_TIMEOUT
    p = subprocess.run([KIOSK, "--questionset", qset, "--db", db, "--script", script],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def attract_and_frames():
    """The attract screen cycles through the poll's languages; nothing is drawn while nothing
    changes (frames counted with --stats)."""
    sc = Script(TMP, "attract")
    db = os.path.join(TMP, "attract.db")
    cycle = 3000  # flow_default_options' attract_cycle_ms
    for i, code in enumerate(poll.languages + poll.languages[:1]):
        if i:
            sc.add("wait %d" % cycle)
        expect_tree(sc, "attract after %d ms" % (i * cycle), "attract", code, None,
                    labels={"start": S[code]["tap_to_start"],
                            "title": poll.data["title"][code]})
    run(sc, db)

    def frames(name, lines):
        rc, err = run_kiosk(lines, db, TMP, name, ["--stats"])
        m = re.search(r"frames=(\d+)", err)
        ck.check(rc == 0 and m is not None, "%s: ran with --stats (%s)" % (name, err[-300:]))
        return int(m.group(1)) if m else -1

    # Frame counts on the virtual clock; speech (which redraws its highlight in real time, and
    # always speaks the still-there warning) is off for these runs.
    os.environ["WIJKPEIL_NO_SPEECH"] = "1"
    base = ["tap-id start", "tap-id lang:nl", "tap-id option:wijk:nazareth"]
    f0 = frames("frames-base", base)
    f1 = frames("frames-idle", base + ["wait %d" % (IDLE_MS - 1)])
    ck.eq(f1, f0, "no frames drawn while a question screen waits %d ms" % (IDLE_MS - 1))
    f2 = frames("frames-still", base + ["wait %d" % IDLE_MS])
    ck.eq(f2, f0 + 1, "one frame when still-there appears")
    f3 = frames("frames-countdown", base + ["wait %d" % (IDLE_MS + 5000)])
    ck.eq(f3, f0 + 6, "one frame per countdown second")
    del os.environ["WIJKPEIL_NO_SPEECH"]


def main():
    need_env()
    attract_and_frames()
    acceptance_path()
    walk_away_without_answering()
    keep_abandoned_off()
    continue_keeps_answers()
    rules_max_required_back_skip_show_if()
    errors()
    ck.done()


if __name__ == "__main__":
    main()
