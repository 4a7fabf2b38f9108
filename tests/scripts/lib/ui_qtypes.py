"""ui_qtypes: notes, likert questions and a matrix answered through the kiosk's --script, checked
through `tree` files and `wijkpeil export`: the matrix on one screen on a wide panel, and one
question per screen on the 7" portrait panel where it does not fit. Run by
tests/scripts/ui_qtypes.sh."""

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


MATRIX = ["schoon", "groen", "rustig"]  # the matrix "buurt": one list of options


def matrix_screen(selected):
    """A tree check: the matrix "buurt" on one screen: a header of the options' labels over
    their columns, each question a row of its text and one target per option (same y), the
    targets in the columns of the header; selected: {qid: value} chosen."""
    def check(t, what):
        ck.eq(t.data.get("matrix"), "buurt", what + ": the matrix shown together")
        ck.eq(t.question, MATRIX[0], what + ": known by its first question")
        heads = {o["id"]: t.widget("head:" + o["id"]) for o in Q[MATRIX[0]]["options"]}
        if not ck.check(all(heads.values()), what + ": a header label per option (%s)" % t.ids()):
            return
        for v, h in heads.items():
            label = [o for o in Q[MATRIX[0]]["options"] if o["id"] == v][0]["text"]["nl"]
            ck.eq(h["label"], label, what + ": header " + v)
            ck.eq(h["spoken"], "", what + ": the header is not read (its targets are)")
        order = []
        for qid in MATRIX:
            row = t.widget("question:" + qid)
            if not ck.check(row is not None, what + ": row " + qid):
                continue
            ck.eq(row["label"], Q[qid]["text"]["nl"], what + ": row text " + qid)
            order.append(t.ids().index("question:" + qid))
            opts = t.options(qid)
            ck.eq(sorted(opts), sorted(heads), what + ": a target per option on " + qid)
            ys = {w["y"] for w in opts.values()}
            ck.eq(len(ys), 1, what + ": the targets of %s in one row" % qid)
            ck.check(list(ys)[0] > max(h["y"] for h in heads.values()),
                     what + ": %s under the header" % qid)
            for v, w in opts.items():
                h = heads[v]
                ck.check(abs((w["x"] + w["w"] / 2) - (h["x"] + h["w"] / 2)) <= 1,
                         what + ": %s's %s under its header label" % (qid, v))
                ck.eq(w["label"], "", what + ": %s's target shows no label" % qid)
                ck.eq(w["spoken"], heads[v]["label"], what + ": %s's target says its option"
                      % qid)
                ck.eq(w["selected"], selected.get(qid) == v, what + ": %s %s chosen" % (qid, v))
            ck.check(row["x"] + row["w"] <= min(w["x"] for w in opts.values()),
                     what + ": the text of %s before its targets" % qid)
        ck.eq(order, sorted(order), what + ": the rows in the set's order")
    return check


def one_question(qid):
    """A tree check: qid alone on its screen (the matrix asked apart), with its options."""
    def check(t, what):
        ck.eq(t.data.get("matrix"), None, what + ": no matrix screen")
        ck.eq(t.question, qid, what + ": question")
        shown = t.options(qid)  # large text may scroll some away: those shown, labelled
        ck.check(shown and set(shown) <= {o["id"] for o in Q[qid]["options"]},
                 what + ": its answers (%s)" % sorted(shown))
        for v, w in shown.items():
            label = [o for o in Q[qid]["options"] if o["id"] == v][0]["text"]["nl"]
            ck.eq(w["label"], label, what + ": the label of " + v)
        for other in MATRIX:
            if other != qid:
                ck.eq(t.options(other), {}, what + ": nothing of " + other)
    return check


def run_on_panel(sc, width_mm, window, what):
    """Runs sc on a window of that size ("WxH") whose visible width is width_mm, checks its
    trees; returns the stored answers, or None when the kiosk failed."""
    db = os.path.join(TMP, sc.name + ".db")
    conf = os.path.join(TMP, sc.name + ".conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("screen_width_mm = %d\n" % width_mm)
    rc, err = run_kiosk(sc.lines, db, TMP, sc.name, qset=TYPES,
                        extra=["--config", conf, "--window", window], window=False)
    if not ck.eq(rc, 0, "%s: kiosk exit code (stderr tail: %s)" % (what, err.strip()[-600:])):
        return None
    sc.verify(ck)
    return [r.get("answers") for r in export(db)]


def matrix_apart():
    """On the 7" portrait panel (88 mm wide) three columns of 20 mm targets beside the text do
    not fit: the same questions one per screen, the same answers stored."""
    sc = Script(TMP, "qtypes-portrait")
    sc.add("tap-id start", "tap-id lang:nl", "reach-id next", "tap-id next",
           "reach-id option:veilig:eens", "tap-id option:veilig:eens", "reach-id next",
           "tap-id next", "reach-id next", "tap-id next", "expect-widget question:schoon")
    sc.tree("schoon alone", one_question("schoon"))
    sc.add("reach-id option:schoon:oneens", "tap-id option:schoon:oneens", "reach-id next",
           "tap-id next")
    sc.tree("groen alone", one_question("groen"))
    sc.add("reach-id option:groen:eens", "tap-id option:groen:eens", "reach-id next",
           "tap-id next")
    sc.tree("rustig alone", one_question("rustig"))
    sc.add("reach-id next", "tap-id next", "expect-screen thanks", "quit")
    got = run_on_panel(sc, 88, "720x1280", "portrait")
    if got is not None:
        ck.eq(got, [{"veilig": "eens", "schoon": "oneens", "groen": "eens"}],
              "portrait: the matrix's answers stored as separate questions")


def matrix_large_text():
    """At run time: on a 10.1" panel the matrix fits in normal text; large text switched on on
    its screen asks it one question per screen (where the resident was, the answers kept), and
    switched off again shows it together, known by its first question."""
    sc = Script(TMP, "qtypes-10in")
    sc.add("tap-id start", "tap-id lang:nl", "tap-id next", "tap-id option:veilig:eens",
           "tap-id next", "tap-id next")
    sc.tree("10in: together", matrix_screen({}))
    sc.add("tap-id option:schoon:eens", "reach-id large-text", "tap-id large-text",
           "close-panel", "expect-widget question:schoon")
    sc.tree("10in large: schoon alone", one_question("schoon"))
    # A person's pace: "next" moved the last screen, and a quick second tap on it is debounced.
    sc.add("wait 700", "reach-id next", "tap-id next")
    sc.tree("10in large: groen alone", one_question("groen"))
    sc.add("reach-id option:groen:oneens", "tap-id option:groen:oneens", "reach-id large-text",
           "tap-id large-text", "close-panel")
    sc.tree("10in normal again: together", matrix_screen({"schoon": "eens", "groen": "oneens"}))
    sc.add("wait 700", "tap-id next", "expect-screen thanks", "quit")
    got = run_on_panel(sc, 217, "1280x800", "10in")
    if got is not None:
        ck.eq(got, [{"veilig": "eens", "schoon": "eens", "groen": "oneens"}],
              "10in: the answers given on either screen stored")


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
    sc.add("tap-id option:licht:genoeg", "tap-id next")
    sc.tree("matrix", matrix_screen({}))
    # groen is required: "next" is refused with the hint until its row is answered.
    sc.add("tap-id option:schoon:eens", "tap-id option:schoon:oneens", "tap-id next",
           "expect-widget hint", "tap-id option:groen:neutraal")
    sc.tree("matrix answered", matrix_screen({"schoon": "oneens", "groen": "neutraal"}))
    sc.add("tap-id next", "expect-screen thanks")
    # Resident 2: agrees, so "waarom" is skipped; licht skipped.
    sc.add("wait 20000", "expect-screen attract", "tap-id start", "tap-id lang:nl",
           "expect-widget question:intro", "tap-id next", "tap-id option:veilig:eens",
           "tap-id next")

    def skipped(t, what):
        ck.eq(t.question, "licht", what + ": the note waarom was skipped")
    sc.tree("note skipped by show_if", skipped)
    sc.add("tap-id next", "tap-id option:groen:oneens", "tap-id next", "expect-screen thanks",
           "quit")
    rc, err = run_kiosk(sc.lines, db, TMP, sc.name, qset=TYPES)
    if not ck.eq(rc, 0, "kiosk exit code (stderr tail: %s)" % err.strip()[-600:]):
        return
    sc.verify(ck)
    rows = export(db)
    got = [r.get("answers") for r in rows]
    ck.eq(got, [{"veilig": "oneens", "licht": "genoeg", "schoon": "oneens", "groen": "neutraal"},
                {"veilig": "eens", "groen": "oneens"}],
          "stored answers: likert like a single, nothing for a note, a matrix as its questions")
    csv = export(db, "csv")
    header = csv.splitlines()[0] if csv else ""
    for qid in ("intro", "waarom"):
        ck.check(qid not in header.split(","), "csv: no column for the note %s (%s)" % (qid,
                                                                                       header))
    for qid in ("schoon", "groen"):  # a matrix's answered questions export as any question
        ck.check(qid in header.split(","), "csv: a column for %s (%s)" % (qid, header))


main()
matrix_apart()
matrix_large_text()
ck.done()
