"""ui_qtypes: notes and likert questions answered through the kiosk's --script, checked through
`tree` files and `wijkpeil export`. Run by tests/scripts/ui_qtypes.sh."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script import Script  # noqa: E402
from wpui import SRC, UI_STRINGS, Checker, export, load_json, run_kiosk  # noqa: E402

ck = Checker("ui_qtypes")
TMP = tempfile.mkdtemp(prefix="wp-ui-qtypes-")
TYPES = os.path.join(SRC, "tests", "qsets", "valid-types.json")
SET = load_json(TYPES)
Q = {q["id"]: q for q in SET["questions"]}
S = load_json(UI_STRINGS)["nl"]


def note_screen(qid, next_label):
    """A tree check: the note's text (and hint when it has one), no answers, no instruction,
    "next" enabled with next_label."""
    def check(t, what):
        ck.eq(t.question, qid, what + ": question")
        w = t.widget("question:" + qid)
        if ck.check(w is not None, "%s: the note's text is shown (have %s)" % (what, t.ids())):
            ck.eq(w["label"], Q[qid]["text"]["nl"], what + ": text")
        if "hint" in Q[qid]:
            h = t.widget("hint:" + qid)
            if ck.check(h is not None, what + ": the note's hint is shown"):
                ck.eq(h["label"], Q[qid]["hint"]["nl"], what + ": hint")
        ck.eq(t.options(qid), {}, what + ": no answers")
        ck.check(t.widget("instruction") is None, what + ": no instruction")
        n = t.widget("next")
        if ck.check(n is not None, what + ": next shown"):
            ck.eq(n["label"], next_label, what + ": next label")
            ck.eq(n["enabled"], True, what + ": next enabled")
        ck.check(t.widget("back") is not None, what + ": back shown")
    return check


def likert_row(qid):
    """A tree check: every answer of qid in one row, in the set's order (left to right)."""
    def check(t, what):
        ck.eq(t.question, qid, what + ": question")
        opts = t.options(qid)
        ids = [o["id"] for o in Q[qid]["options"]]
        if not ck.eq(sorted(opts), sorted(ids), what + ": answers shown"):
            return
        ck.eq(len({opts[i]["y"] for i in ids}), 1, what + ": answers in one row")
        xs = [opts[i]["x"] for i in ids]
        ck.eq(xs, sorted(xs), what + ": in the set's order")
        ck.eq(t.widget("instruction")["label"], S["choose_one"], what + ": instruction")
    return check


def main():
    sc = Script(TMP, "qtypes")
    db = os.path.join(TMP, "qtypes.db")
    # Resident 1: disagrees, so the note "waarom" is shown; answers licht.
    sc.add("tap-id start", "expect-screen language", "tap-id lang:nl", "expect-screen question")
    sc.tree("first note", note_screen("intro", S["next"]))
    sc.add("tap-id next")
    sc.tree("likert veilig", likert_row("veilig"))
    sc.add("tap-id option:veilig:oneens", "tap-id next")
    sc.tree("note shown by its show_if", note_screen("waarom", S["next"]))
    sc.add("tap-id back", "tap-id option:veilig:eens", "tap-id option:veilig:oneens",
           "tap-id next", "expect-widget question:waarom", "tap-id next")
    sc.tree("likert licht", likert_row("licht"))
    sc.add("tap-id option:licht:genoeg", "tap-id next", "expect-screen thanks")
    # Resident 2: agrees, so "waarom" is skipped; licht skipped.
    sc.add("wait 20000", "expect-screen attract", "tap-id start", "tap-id lang:nl",
           "expect-widget question:intro", "tap-id next", "tap-id option:veilig:eens",
           "tap-id next")

    def skipped(t, what):
        ck.eq(t.question, "licht", what + ": the note waarom was skipped")
    sc.tree("note skipped by show_if", skipped)
    sc.add("tap-id next", "expect-screen thanks", "quit")
    rc, err = run_kiosk(sc.lines, db, TMP, sc.name, qset=TYPES)
    if not ck.eq(rc, 0, "kiosk exit code (stderr tail: %s)" % err.strip()[-600:]):
        return
    sc.verify(ck)
    rows = export(db)
    got = [r.get("answers") for r in rows]
    ck.eq(got, [{"veilig": "oneens", "licht": "genoeg"}, {"veilig": "eens"}],
          "stored answers: likert like a single, nothing for a note")
    csv = export(db, "csv")
    header = csv.splitlines()[0] if csv else ""
    for qid in ("intro", "waarom"):
        ck.check(qid not in header.split(","), "csv: no column for the note %s (%s)" % (qid,
                                                                                       header))


main()
ck.done()
