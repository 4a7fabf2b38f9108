"""Shared helpers for the scripted UI tests (tests/scripts/ui_*.sh): run the kiosk on a script,
read `tree` files, export the database, and collect failures. Standard library only."""

import json
import os
import subprocess
import sys

SRC = os.environ.get("WIJKPEIL_SRC", "")
BUILD = os.environ.get("WIJKPEIL_BUILD", "")
KIOSK = os.environ.get("WIJKPEIL", "")
DEMO = os.path.join(SRC, "assets", "demo", "nazareth-pottenberg.json")
UI_STRINGS = os.path.join(SRC, "assets", "ui-strings.json")

# The window every UI test uses, so layout checks know the middle of the screen.
WIDTH, HEIGHT = 1920, 1080
RUN_TIMEOUT = 120  # seconds for one kiosk run (ASan builds are slow)


def need_env():
    for name in ("WIJKPEIL", "WIJKPEIL_SRC", "WIJKPEIL_BUILD"):
        if not os.environ.get(name):
            sys.exit("set %s (ctest does)" % name)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def ui_strings_of(poll_data):
    """The interface strings a set runs with: the built-in ones, overridden and extended by the
    set's own "ui_strings" (as the kiosk does; e.g. the demo's Tigrinya)."""
    strings = load_json(UI_STRINGS)
    for code, table in poll_data.get("ui_strings", {}).items():
        strings.setdefault(code, {}).update(table)
    return strings


class Checker:
    """Collects failures so one run reports every problem, then exits non-zero."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, ok, msg):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s" % msg, file=sys.stderr)
        return ok

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, expected %r" % (what, got, want))

    def done(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def run_kiosk(script_lines, db, tmp, name, extra=(), qset=DEMO, window=True):
    """Writes the script to tmp/name.txt, runs the kiosk on it; returns (rc, stderr text)."""
    script = os.path.join(tmp, name + ".txt")
    with open(script, "w", encoding="utf-8") as f:
        f.write("\n".join(script_lines) + "\n")
    args = [KIOSK]
    if qset:
        args += ["--questionset", qset]
    if db:
        args += ["--db", db]
    if window:
        args += ["--window", "%dx%d" % (WIDTH, HEIGHT)]
    args += list(extra) + ["--script", script]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=RUN_TIMEOUT)
    err = p.stderr.decode("utf-8", "replace")
    return p.returncode, err


def export(db, fmt="jsonl"):
    """The stored responses as a list of dicts (jsonl) or the CSV text."""
    p = subprocess.run([KIOSK, "export", "--db", db, "--format", fmt],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    if p.returncode != 0:
        raise RuntimeError("export failed (%d): %s" % (p.returncode,
                                                       p.stderr.decode("utf-8", "replace")))
    text = p.stdout.decode("utf-8")
    if fmt != "jsonl":
        return text
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class Tree:
    """One `tree` file."""

    def __init__(self, path):
        self.path = path
        self.data = load_json(path)
        self.screen = self.data.get("screen")
        self.language = self.data.get("language")
        self.question = self.data.get("question")
        self.widgets = self.data.get("widgets", [])

    def widget(self, wid):
        for w in self.widgets:
            if w.get("id") == wid:
                return w
        return None

    def ids(self):
        return [w.get("id") for w in self.widgets]

    def options(self, qid):
        """{value: widget} of the answer tiles of question qid."""
        pre = "option:%s:" % qid
        return {w["id"][len(pre):]: w for w in self.widgets if w.get("id", "").startswith(pre)}

    def selected(self, qid):
        return sorted(v for v, w in self.options(qid).items() if w.get("selected"))


def center_x(w):
    return w["x"] + w["w"] / 2.0


class Poll:
    """The demo poll's questions, with the flow's rules for visibility and selection."""

    def __init__(self, path=DEMO):
        self.data = load_json(path)
        self.languages = self.data["languages"]
        self.questions = self.data["questions"]
        self.by_id = {q["id"]: q for q in self.questions}

    def values(self, qid):
        q = self.by_id[qid]
        t = q["type"]
        if t in ("single", "multi", "likert"):
            return [o["id"] for o in q["options"]]
        if t == "note":
            return []
        if t == "smiley":
            return ["1", "2", "3", "4", "5"]
        if t == "yesno":
            return ["yes", "no"] + (["prefer_not"] if q.get("prefer_not") else [])
        return [str(v) for v in range(q["min"], q["max"] + 1)]

    def visible(self, qid, answers):
        q = self.by_id[qid]
        while q.get("show_if"):
            cond = q["show_if"]
            got = answers.get(cond["question"], [])
            if not any(v in cond["any_of"] for v in got):
                return False
            q = self.by_id[cond["question"]]
        return True

    def visible_ids(self, answers):
        return [q["id"] for q in self.questions if self.visible(q["id"], answers)]

    def tap(self, qid, selection, value):
        """The selection after tapping value, and whether the tap was refused (multi max)."""
        q = self.by_id[qid]
        sel = list(selection)
        if q["type"] != "multi":
            return ([] if sel == [value] else [value]), False
        if value in sel:
            sel.remove(value)
            return sel, False
        if q.get("max") and len(sel) >= q["max"]:
            return sel, True
        sel.append(value)
        order = self.values(qid)
        return sorted(sel, key=order.index), False

    def progress(self, qid, answers):
        """"pos / total" as the kiosk shows it on qid: a question that an answer not given yet
        (on qid or later) could still show counts, so the total never grows going forward."""
        order = [q["id"] for q in self.questions]
        cur = order.index(qid)

        def may_show(q):
            while q.get("show_if"):
                cond = q["show_if"]
                on = cond["question"]
                got = answers.get(on, [])
                if (order.index(on) < cur or got) and not any(v in cond["any_of"] for v in got):
                    return False
                q = self.by_id[on]
            return True

        shown = [q["id"] for q in self.questions if may_show(q)]
        return "%d / %d" % (shown.index(qid) + 1, len(shown))

    def next_kind(self, qid, answers):
        q = self.by_id[qid]
        if not answers.get(qid) and not q.get("required"):
            return "skip"
        vis = self.visible_ids(answers)
        return "finish" if vis.index(qid) == len(vis) - 1 else "next"

    def stored(self, answers):
        """The answers object the export should show: visible and answered only."""
        out = {}
        for q in self.questions:
            qid = q["id"]
            if answers.get(qid) and self.visible(qid, answers):
                out[qid] = list(answers[qid]) if q["type"] == "multi" else answers[qid][0]
        return out
