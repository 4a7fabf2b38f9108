"""ui_set_strings: interface strings a question set brings for its languages ("ui_strings",
assets/FORMAT.md). Run by tests/scripts/ui_set_strings.sh."""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script import Script  # noqa: E402
from wpui import SRC, UI_STRINGS, Checker, export, load_json, run_kiosk  # noqa: E402

ck = Checker("ui_set_strings")
TMP = tempfile.mkdtemp(prefix="wp-ui-set-strings-")
QSETS = os.path.join(SRC, "tests", "qsets")
SOMALI = os.path.join(QSETS, "valid-somali.json")
SWAHILI = os.path.join(QSETS, "invalid-no-ui-strings.json")
SO = load_json(SOMALI)["ui_strings"]["so"]


def labels_are(want):
    """A tree check: every widget id in want shows that label."""
    def check(t, what):
        for wid, label in want.items():
            w = t.widget(wid)
            if ck.check(w is not None, "%s: no widget %s (have %s)" % (what, wid, t.ids())):
                ck.eq(w.get("label"), label, "%s: label of %s" % (what, wid))
    return check


def somali_poll():
    """The Somali set answered end to end in Somali: every interface text is the set's own."""
    s = Script(TMP, "so")
    s.add("tap-id start", "expect-screen language")
    s.tree("language screen", labels_are({"lang:nl": "Nederlands", "lang:so": SO["name"]}))
    s.add("tap-id lang:so", "expect-screen question")

    def first_question(t, what):
        ck.eq(t.language, "so", what + ": language")
        labels_are({
            "instruction": SO["choose_up_to"].replace("{n}", "2"),
            "next": SO["skip"],
            "back": SO["back"],
            "language-switch": SO["language"],
            "read-aloud": SO["read_aloud"],
            "large-text": SO["large_text"],
            "high-contrast": SO["high_contrast"],
            "option:belangrijk:veilig": "Nabadgelyo",
        })(t, what)
        ck.check(not any(w.get("rtl") for w in t.widgets), what + ": Somali is left to right")
    s.tree("first question", first_question)
    s.add("tap-id option:belangrijk:veilig")
    s.tree("an answer chosen", labels_are({"next": SO["next"]}))
    s.add("tap-id next", "expect-screen question")
    s.tree("smiley question", labels_are({"option:woonplezier:1": SO["smiley_1"],
                                          "option:woonplezier:5": SO["smiley_5"],
                                          "instruction": SO["choose_one"]}))
    s.add("tap-id option:woonplezier:4", "tap-id next", "expect-screen question")
    s.tree("yes/no question", labels_are({"option:buren:yes": SO["yes"],
                                          "option:buren:no": SO["no"]}))
    s.add("tap-id option:buren:yes")
    s.tree("last question answered", labels_are({"next": SO["finish"]}))
    s.add("tap-id next", "expect-screen thanks")

    def thanks(t, what):
        shown = [w.get("label") for w in t.widgets]
        ck.check(SO["thanks"] in shown, "%s: %r not among %r" % (what, SO["thanks"], shown))
    s.tree("thanks", thanks)
    s.add("quit")
    db = os.path.join(TMP, "so.db")
    rc, err = run_kiosk(s.lines, db, TMP, "so", qset=SOMALI)
    if not ck.eq(rc, 0, "the Somali set runs (stderr: %s)" % err.strip()):
        return
    s.verify(ck)
    rows = export(db)
    if ck.eq(len(rows), 1, "one response stored"):
        ck.eq(rows[0].get("language"), "so", "stored language")
        ck.eq(rows[0].get("answers"), {"belangrijk": ["veilig"], "woonplezier": "4",
                                       "buren": "yes"}, "stored answers")


def persian_rtl():
    """A right-to-left language the kiosk does not have: its "dir" from the set is used."""
    fa = dict(load_json(UI_STRINGS)["ar"], name="فارسی")
    poll = {"format": "wijkpeil/1", "id": "fa-test", "version": 1, "languages": ["nl", "fa"],
            "title": {"nl": "Wonen", "fa": "زندگی"},
            "questions": [{"id": "buren", "type": "yesno",
                           "text": {"nl": "Kent u uw buren?", "fa": "همسایه‌هایتان را می‌شناسید؟"}}],
            "ui_strings": {"fa": fa}}
    path = os.path.join(TMP, "fa.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(poll, f, ensure_ascii=False)
    s = Script(TMP, "fa")
    s.add("tap-id start", "expect-screen language")

    def tile(t, what):
        w = t.widget("lang:fa")
        if ck.check(w is not None, what + ": no lang:fa tile"):
            ck.eq(w.get("label"), "فارسی", what + ": tile label")
            ck.eq(w.get("rtl"), True, what + ": tile is right to left")
    s.tree("language screen", tile)
    s.add("tap-id lang:fa", "expect-screen question")

    def question(t, what):
        ck.eq(t.language, "fa", what + ": language")
        nxt = t.widget("next")
        if ck.check(nxt is not None, what + ": no next button"):
            ck.eq(nxt.get("rtl"), True, what + ": next is right to left")
    s.tree("question", question)
    s.add("quit")
    rc, err = run_kiosk(s.lines, os.path.join(TMP, "fa.db"), TMP, "fa", qset=path)
    if ck.eq(rc, 0, "the Persian set runs (stderr: %s)" % err.strip()):
        s.verify(ck)


def swahili_refused():
    """No strings for Swahili anywhere: refused at start and by the validator, with the keys."""
    rc, err = run_kiosk(["quit"], os.path.join(TMP, "sw.db"), TMP, "sw", qset=SWAHILI)
    ck.check(rc != 0, "the kiosk started on a set with a language it has no strings for")
    for want in ('language "sw" has no interface strings', "tap_to_start", "more_answers"):
        ck.check(want in err, "kiosk start: %r not in %r" % (want, err))
    qset_tool = os.environ.get("WIJKPEIL_QSET", "")
    p = subprocess.run([qset_tool, "validate", SWAHILI, SOMALI], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    ck.eq(p.returncode, 1, "validate exit code")
    ck.check('invalid-no-ui-strings.json: language "sw" has no interface strings' in out and
             "choose_language" in out, "validate names sw and the keys: %r" % out)
    ck.check("valid-somali.json: ok (3 questions, languages nl so)" in out,
             "validate accepts the Somali set: %r" % out)


somali_poll()
persian_rtl()
swahili_refused()
ck.done()
