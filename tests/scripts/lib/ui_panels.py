"""ui_panels: the demo poll on every panel of the matrix (same list as ui_walk_panels in
app/ui/ui_walk.c), answered end to end as a resident would, and the resident details of the
panels issue: a double tap on "next" moves one question on; "start" opens the language screen
in the language the attract screen showed. Run by tests/scripts/ui_panels.sh."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script import Script  # noqa: E402
from wpui import DEMO, Checker, export, load_json, run_kiosk  # noqa: E402

PANELS = [  # name, width, height, visible width in mm
    ("7in-800x480", 800, 480, 155),
    ("7in-portrait-720x1280", 720, 1280, 88),
    ("10in-1280x800", 1280, 800, 217),
    ("10in-1024x600", 1024, 600, 222),
    ("15in-1920x1080", 1920, 1080, 344),
    ("21in-1920x1080", 1920, 1080, 476),
    ("24in-1920x1080", 1920, 1080, 531),
]

ck = Checker("ui_panels")
TMP = tempfile.mkdtemp(prefix="wp-ui-panels-")
SET = load_json(DEMO)


def option_ids(q):
    if q["type"] == "smiley":
        return [str(i) for i in range(1, 6)]
    if q["type"] == "scale":
        return [str(i) for i in range(q.get("min", 0), q["max"] + 1)]
    if q["type"] == "yesno":
        return ["yes", "no"]
    return [o["id"] for o in q["options"]]


def choices(q):
    """What this resident answers: the last answers of each list (the ones a small panel hides
    first), "1" on the smiley that opens the follow-up question."""
    ids = option_ids(q)
    if q["id"] == "woonplezier":
        return ["1"]
    if q["type"] == "multi":
        return ids[-(q.get("max") or 2):]
    return ids[-1:]


def conf(panel, name):
    path = os.path.join(TMP, name + ".conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write("screen_width_mm = %d\n" % panel[3])
    return path


def poll_end_to_end(panel, lang, large):
    name = "%s-%s-%s" % (panel[0], lang, "large" if large else "normal")
    sc = Script(TMP, name)
    sc.add("expect-screen attract", "tap-id start", "expect-screen language")
    if large:
        sc.add("reach-id large-text", "tap-id large-text", "close-panel")
    sc.add("reach-id lang:" + lang, "tap-id lang:" + lang)
    want = {}
    for q in SET["questions"]:
        if "show_if" in q and want.get(q["show_if"]["question"]) not in q["show_if"]["any_of"]:
            continue
        sc.add("expect-widget question:" + q["id"])
        for v in choices(q):
            sc.add("reach-id option:%s:%s" % (q["id"], v), "tap-id option:%s:%s" % (q["id"], v))
        want[q["id"]] = choices(q)[0] if q["type"] != "multi" else sorted(choices(q))
        sc.add("reach-id next", "tap-id next")
    sc.add("expect-screen thanks", "quit")
    db = os.path.join(TMP, name + ".db")
    rc, err = run_kiosk(sc.lines, db, TMP, name,
                        ["--config", conf(panel, name), "--window", "%dx%d" % panel[1:3]],
                        window=False)
    if not ck.eq(rc, 0, "%s: kiosk exit code (%s)" % (name, err.strip()[-400:])):
        return
    rows = export(db)
    if not ck.eq(len(rows), 1, name + ": one stored response"):
        return
    got = rows[0]["answers"]
    for qid, v in want.items():
        g = got.get(qid)
        if isinstance(v, list):
            g = sorted(g) if isinstance(g, list) else sorted(str(g).split(";"))
        ck.eq(g, v, "%s: answer to %s" % (name, qid))
    ck.eq(rows[0]["language"] if "language" in rows[0] else lang, lang, name + ": language")


def double_tap():
    """Next tapped twice, 120 ms and 300 ms apart, moves one question on; 450 ms apart is two
    taps (the default interval is 400 ms)."""
    for gap, moved in ((120, 1), (300, 1), (450, 2)):
        name = "double-%d" % gap
        sc = Script(TMP, name)
        sc.add("tap-id start", "tap-id lang:nl", "tap-id option:wijk:nazareth",
               "double-tap-id next %d" % gap)
        # Questions shown with nothing answered after the first (no follow-up question).
        qs = [q["id"] for q in SET["questions"] if "show_if" not in q]
        sc.add("expect-widget question:" + qs[moved], "quit")
        rc, err = run_kiosk(sc.lines, os.path.join(TMP, name + ".db"), TMP, name)
        ck.eq(rc, 0, "%s: one double tap %d ms apart moves %d on (%s)" % (name, gap, moved,
                                                                           err.strip()[-300:]))


def start_in_attract_language():
    """The attract screen cycles its language; "start" opens the language screen in the one
    shown at the tap."""
    cycle = 3000  # the kiosk's attract cycle (flow_default_options)
    for k, lang in enumerate(SET["languages"][:3]):
        name = "start-%s" % lang
        sc = Script(TMP, name)
        sc.add("wait %d" % (k * cycle + 10), "tap-id start")

        def fn(t, w, lang=lang):
            ck.eq(t.language, lang, w + ": language screen language")

        sc.tree("language screen", fn)
        sc.add("quit")
        rc, err = run_kiosk(sc.lines, os.path.join(TMP, name + ".db"), TMP, name)
        if ck.eq(rc, 0, "%s: kiosk exit code (%s)" % (name, err.strip()[-300:])):
            sc.verify(ck)


def too_small():
    """Below the smallest panel the kiosk still starts and says so."""
    for panel, warned in ((("tiny", 480, 320, 70), True), (PANELS[0], False)):
        name = "small-" + panel[0]
        sc = Script(TMP, name)
        sc.add("expect-screen attract", "quit")
        rc, err = run_kiosk(sc.lines, os.path.join(TMP, name + ".db"), TMP, name,
                            ["--config", conf(panel, name), "--window", "%dx%d" % panel[1:3]],
                            window=False)
        ck.eq(rc, 0, "%s: the kiosk starts" % name)
        ck.eq("smaller than the smallest panel" in err, warned, "%s: warned at start" % name)


def peek_tap():
    """Where the next row of answers does not fit whole, its top peeks out below the last whole
    row (7" landscape, Arabic, the smiley question); a tap on it scrolls that row into view."""
    panel = PANELS[0]
    name = "peek"
    q0, q1 = SET["questions"][0], SET["questions"][1]
    first = option_ids(q1)[0]
    sc = Script(TMP, name)
    sc.add("tap-id start", "reach-id lang:ar", "tap-id lang:ar",
           "reach-id option:%s:%s" % (q0["id"], option_ids(q0)[0]),
           "tap-id option:%s:%s" % (q0["id"], option_ids(q0)[0]),
           "tap-id next", "expect-widget question:" + q1["id"], "expect-widget peek",
           "expect-no-widget option:%s:%s" % (q1["id"], first), "tap-id peek",
           "expect-widget option:%s:%s" % (q1["id"], first), "quit")
    rc, err = run_kiosk(sc.lines, os.path.join(TMP, name + ".db"), TMP, name,
                        ["--config", conf(panel, name), "--window", "%dx%d" % panel[1:3]],
                        window=False)
    ck.eq(rc, 0, "%s: the peeking row is shown and a tap on it scrolls it into view (%s)" %
          (name, err.strip()[-300:]))


for panel in PANELS:
    for lang in ("nl", "ar"):
        for large in (False, True):
            poll_end_to_end(panel, lang, large)
double_tap()
peek_tap()
start_in_attract_language()
too_small()
ck.done()
