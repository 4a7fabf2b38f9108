"""ui_walk: walks the whole demo poll in every one of its languages with tap-id, checks every
`tree` (screen, language, question, progress, next label, selected flags, hints, RTL mirroring),
renders every screen to $WIJKPEIL_BUILD/screens/LANG/NN-name.png, and checks what `export`
shows was stored. Run by tests/scripts/ui_walk.sh."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script import Script  # noqa: E402
from wpui import (BUILD, HEIGHT, WIDTH, Checker, Poll, center_x, export,  # noqa: E402
                  need_env, run_kiosk, ui_strings_of)

# Taps per question and language (values as stored). Between them they use every option type,
# replace and take back single answers, refuse a 4th tap on zorgen (max 3), skip optional
# questions, show `waarom` (woonplezier 1 or 2) and hide it (3, 4, 5).
PLANS = {
    "nl": {"wijk": ["pottenberg", "nazareth"], "woonplezier": ["1"], "waarom": ["vuil"],
           "zorgen": ["geld", "werk", "wonen", "eenzaamheid"], "gezondheid": ["2"],
           "eenzaam": ["soms"], "cijfer_vertrouwen": ["7"], "gehoord": ["prefer_not"],
           "beter": ["groen", "schoon"], "wijkcentrum": ["yes"]},
    "en": {"wijk": ["anders"], "woonplezier": ["4"], "zorgen": [], "gezondheid": ["5"],
           "eenzaam": ["nooit", "nooit"], "cijfer_vertrouwen": ["0"], "gehoord": ["yes"],
           "beter": ["ontmoeten"], "wijkcentrum": []},
    "ar": {"wijk": ["pottenberg"], "woonplezier": ["2"], "waarom": ["onveilig"],
           "zorgen": ["geen"], "gezondheid": ["1"], "eenzaam": ["vaak"],
           "cijfer_vertrouwen": ["10"], "gehoord": ["no"],
           "beter": ["veilig", "jongeren", "speelplekken", "hulp_geld"], "wijkcentrum": ["no"]},
    "tr": {"wijk": ["nazareth"], "woonplezier": ["3"], "zorgen": ["werk", "gezondheid"],
           "gezondheid": ["3"], "eenzaam": [], "cijfer_vertrouwen": ["5"],
           "gehoord": ["prefer_not"], "beter": [], "wijkcentrum": ["yes"]},
    "pl": {"wijk": [], "woonplezier": ["1", "5"],
           "zorgen": ["opvoeding", "veiligheid", "geld", "opvoeding"], "gezondheid": ["4"],
           "eenzaam": ["soms"], "cijfer_vertrouwen": ["3", "4"], "gehoord": ["yes"],
           "beter": ["hulp_geld"], "wijkcentrum": ["no"]},
    "uk": {"wijk": ["anders"], "woonplezier": ["2"], "waarom": ["anders"],
           "zorgen": ["eenzaamheid", "geld", "werk", "wonen", "veiligheid"], "gezondheid": ["2"],
           "eenzaam": ["vaak"], "cijfer_vertrouwen": ["9"], "gehoord": ["no"],
           "beter": ["groen", "ontmoeten", "veilig"], "wijkcentrum": ["yes", "no"]},
    "ti": {"wijk": ["nazareth"], "woonplezier": ["1"], "waarom": ["lawaai"],
           "zorgen": ["wonen", "opvoeding"], "gezondheid": ["4"], "eenzaam": ["nooit"],
           "cijfer_vertrouwen": ["6"], "gehoord": ["yes"], "beter": ["schoon", "speelplekken"],
           "wijkcentrum": ["no"]},
}

IDLE_MS, STILL_MS, THANKS_MS = 90000, 30000, 8000  # the kiosk's defaults


def main():
    need_env()
    ck = Checker("ui_walk")
    poll = Poll()
    strings = ui_strings_of(poll.data)
    tmp = tempfile.mkdtemp(prefix="wp-ui-walk-")
    ck.eq(sorted(PLANS), sorted(poll.languages), "a plan for every language of the demo poll")
    for lang in poll.languages:
        walk(ck, poll, strings, tmp, lang)
    ck.done()


def walk(ck, poll, strings, tmp, lang):
    S = strings[lang]
    rtl = S.get("dir") == "rtl"
    shots = os.path.join(BUILD, "screens", lang)
    os.makedirs(shots, exist_ok=True)
    for old in os.listdir(shots):  # this test's earlier renderings ("NN-name.png")
        if old[:2].isdigit() and old[2:3] == "-" and old.endswith(".png"):
            os.remove(os.path.join(shots, old))
    sc = Script(tmp, "walk-" + lang)
    nshot = [0]

    def shot(name):
        sc.add("shot %s" % os.path.join(shots, "%02d-%s.png" % (nshot[0], name)))
        nshot[0] += 1

    def layout(t, what):
        """Back at the start side, next at the end side; mirrored for RTL."""
        nxt, back = t.widget("next"), t.widget("back")
        if not (ck.check(nxt is not None, what + ": has next") and
                ck.check(back is not None, what + ": has back")):
            return
        mid = WIDTH / 2.0
        if rtl:
            ck.check(center_x(nxt) < mid, "%s: RTL: next on the left half (x=%d)" % (what,
                                                                                    nxt["x"]))
            ck.check(center_x(back) > mid, "%s: RTL: back on the right half" % what)
        else:
            ck.check(center_x(nxt) > mid, "%s: next on the right half (x=%d)" % (what, nxt["x"]))
            ck.check(center_x(back) < mid, "%s: back on the left half" % what)
        sw = t.widget("language-switch")
        if ck.check(sw is not None, what + ": has language-switch"):
            ck.check((center_x(sw) < mid) == rtl, "%s: language-switch at the end side" % what)
        for w in t.widgets:
            ck.check(0 <= w["x"] and w["x"] + w["w"] <= WIDTH and 0 <= w["y"] and
                     w["y"] + w["h"] <= HEIGHT, "%s: %s inside the window" % (what, w["id"]))

    # Attract and language screens.
    shot("attract")

    def chk_attract(t, what):
        ck.eq(t.screen, "attract", what + ": screen")
        ck.eq(t.question, None, what + ": question")
        ck.check(t.widget("start") is not None, what + ": has start")

    sc.tree("attract", chk_attract)
    sc.add("tap-id start", "expect-screen language")
    shot("language")

    def chk_language(t, what):
        ck.eq(t.screen, "language", what + ": screen")
        ck.eq(t.question, None, what + ": question")
        ck.eq(t.language, poll.languages[0], what + ": default language")
        for code in poll.languages:
            w = t.widget("lang:" + code)
            if ck.check(w is not None, "%s: lang:%s offered" % (what, code)):
                ck.eq(w["label"], strings[code]["name"], "%s: lang:%s label" % (what, code))
                ck.check(not w["selected"], "%s: lang:%s not selected" % (what, code))

    sc.tree("language", chk_language)
    sc.add("tap-id lang:" + lang, "expect-screen question")

    # The questions.
    plan = PLANS[lang]
    answers = {}
    qids = [q["id"] for q in poll.questions]
    qi = 0
    while qi < len(qids):
        qid = qids[qi]
        qi += 1
        if not poll.visible(qid, answers):
            ck.check(qid not in plan, "%s: plan has an answer for hidden %s" % (lang, qid))
            continue
        q = poll.by_id[qid]
        sel = []
        answers[qid] = sel

        def chk_q(t, what, qid=qid, sel=list(sel), snap=dict((k, list(v)) for k, v in
                                                              answers.items()), refused=False):
            ck.eq(t.screen, "question", what + ": screen")
            ck.eq(t.language, lang, what + ": language")
            ck.eq(t.question, qid, what + ": question")
            prog = t.widget("progress")
            # A hint takes the progress's place for a few seconds (it never moves the answers).
            if t.widget("hint") is not None:
                ck.check(prog is None, what + ": the hint stands in place of the progress")
            elif ck.check(prog is not None, what + ": has progress"):
                ck.eq(prog["label"], poll.progress(qid, snap), what + ": progress label")
            kind = poll.next_kind(qid, snap)
            nxt = t.widget("next")
            if nxt:
                ck.eq(nxt["label"], S[kind], what + ": next label (%s)" % kind)
                want_enabled = bool(sel) or not poll.by_id[qid].get("required")
                ck.eq(nxt["enabled"], want_enabled, what + ": next enabled")
            opts = t.options(qid)
            ck.eq(sorted(opts), sorted(poll.values(qid)), what + ": answer tiles")
            ck.eq(t.selected(qid), sorted(sel), what + ": selected tiles")
            for v, w in opts.items():
                ck.check(w["label"] != "", "%s: option %s has a label" % (what, v))
                ck.check(w["enabled"], "%s: option %s enabled" % (what, v))
            typ = poll.by_id[qid]["type"]
            if typ == "smiley":
                for v, w in opts.items():
                    ck.eq(w["label"], S["smiley_" + v], "%s: smiley %s label" % (what, v))
            elif typ == "yesno":
                for v, w in opts.items():
                    ck.eq(w["label"], S[v], "%s: %s label" % (what, v))
            elif typ == "scale":
                for v, w in opts.items():
                    ck.eq(w["label"], v, "%s: scale %s label" % (what, v))
            else:
                src = {o["id"]: o["text"][lang] for o in poll.by_id[qid]["options"]}
                for v, w in opts.items():
                    ck.eq(w["label"], src[v], "%s: option %s label" % (what, v))
            head = t.widget("question:" + qid)
            if ck.check(head is not None, what + ": has the question heading"):
                ck.eq(head["label"], poll.by_id[qid]["text"][lang], what + ": question text")
            hint = t.widget("hint")
            if refused:
                if ck.check(hint is not None, what + ": refused tap shows the hint"):
                    ck.eq(hint["label"], S["max_reached"].replace("{n}",
                                                                  str(poll.by_id[qid]["max"])),
                          what + ": hint text")
            else:
                ck.check(hint is None, what + ": no hint")
            layout(t, what)

        sc.tree("%s before answering" % qid, chk_q)
        if q.get("required"):
            # Next is disabled and pressing it only shows the hint.
            sc.add("tap-id next", "expect-screen question")

            def chk_req(t, what, qid=qid):
                ck.eq(t.question, qid, what + ": still on the required question")
                hint = t.widget("hint")
                if ck.check(hint is not None, what + ": hint shown"):
                    ck.eq(hint["label"], S["required"], what + ": hint text")
                nxt = t.widget("next")
                if nxt:
                    ck.check(not nxt["enabled"], what + ": next disabled")
                    ck.eq(nxt["label"], S["next"], what + ": next label")
                layout(t, what)

            sc.tree("%s: next pressed unanswered" % qid, chk_req)
            shot(qid + "-required")
        refused_any = False
        for v in plan.get(qid, []):
            new, refused = poll.tap(qid, sel, v)
            refused_any = refused_any or refused
            sel[:] = new
            sc.add("tap-id option:%s:%s" % (qid, v))
            snap = dict((k, list(x)) for k, x in answers.items())
            sc.tree("%s after tapping %s" % (qid, v),
                    lambda t, what, qid=qid, sel=list(sel), snap=snap, r=refused:
                    chk_q(t, what, qid, sel, snap, r))
        shot(qid)
        if not sel:
            del answers[qid]
        sc.add("tap-id next")
    # Thank-you screen, back to attract, and a walk-away that stores nothing.
    sc.add("expect-screen thanks")
    shot("thanks")

    def chk_thanks(t, what):
        ck.eq(t.screen, "thanks", what + ": screen")
        ck.eq(t.language, lang, what + ": thanks in the resident's language")
        ck.eq(t.question, None, what + ": question")
        ck.check(t.widget("back") is None and t.widget("next") is None,
                 what + ": no way back into the answers")
        head = t.widget("heading")
        if ck.check(head is not None, what + ": has heading"):
            ck.eq(head["label"], poll.data["thanks"][lang], what + ": thank-you text")

    sc.tree("thanks", chk_thanks)
    sc.add("wait %d" % (THANKS_MS - 1), "expect-screen thanks", "wait 1", "expect-screen attract",
           "tap-id start", "expect-screen language")

    def chk_clean(t, what):
        ck.eq(t.screen, "language", what + ": screen")
        ck.eq(t.language, poll.languages[0], what + ": language back to the default")
        for code in poll.languages:
            w = t.widget("lang:" + code)
            ck.check(w is not None and not w["selected"], "%s: lang:%s unselected" % (what, code))

    sc.tree("next resident", chk_clean)
    sc.add("tap-id lang:" + lang)

    def chk_fresh(t, what):
        ck.eq(t.question, poll.questions[0]["id"], what + ": first question")
        ck.eq(t.selected(poll.questions[0]["id"]), [], what + ": nothing selected")
        ck.eq(t.widget("progress")["label"], poll.progress(poll.questions[0]["id"], {}),
              what + ": progress starts over")

    sc.tree("next resident's first question", chk_fresh)
    sc.add("wait %d" % IDLE_MS, "expect-screen still-there")
    shot("still-there")

    def chk_still(t, what):
        ck.eq(t.screen, "still-there", what + ": screen")
        ck.eq(t.language, lang, what + ": language")
        head = t.widget("heading")
        if ck.check(head is not None, what + ": has heading"):
            ck.eq(head["label"], S["still_there"], what + ": heading text")
        body = t.widget("message")
        if ck.check(body is not None, what + ": has countdown text"):
            ck.eq(body["label"], S["still_there_body"].replace("{n}", str(STILL_MS // 1000)),
                  what + ": countdown text")
        ck.check(t.widget("continue") is not None, what + ": has continue")

    sc.tree("still-there", chk_still)
    sc.add("wait %d" % STILL_MS, "expect-screen attract")

    db = os.path.join(tmp, "walk-%s.db" % lang)
    rc, err = run_kiosk(sc.lines, db, tmp, "walk-" + lang)
    if not ck.eq(rc, 0, "%s: kiosk exit code (stderr: %s)" % (lang, err.strip()[-800:])):
        return
    sc.verify(ck)
    for i in range(nshot[0]):
        pngs = [f for f in os.listdir(shots) if f.startswith("%02d-" % i)]
        ck.check(len(pngs) == 1 and os.path.getsize(os.path.join(shots, pngs[0])) > 1000,
                 "%s: screenshot %02d written" % (lang, i))
    rows = export(db)
    if not ck.eq(len(rows), 1, "%s: exactly one stored response" % lang):
        return
    r = rows[0]
    ck.eq(r.get("status"), "complete", lang + ": status")
    ck.eq(r.get("language"), lang, lang + ": stored language")
    ck.eq(r.get("questionset"), poll.data["id"], lang + ": questionset")
    ck.eq(r.get("questionset_version"), poll.data["version"], lang + ": questionset_version")
    ck.eq(r.get("answers"), poll.stored(answers), lang + ": stored answers")
    ck.check(isinstance(r.get("duration_ms"), int) and r["duration_ms"] >= 0,
             lang + ": duration_ms")
    ck.check(len(r.get("id", "")) == 36, lang + ": id is a UUID")
    print("%s: walked %d screens, stored %s" % (lang, nshot[0], r.get("answers")))


if __name__ == "__main__":
    main()
