#!/usr/bin/env python3
"""Reads the dashboard's pages for the comparison tests (collector_compare.sh).

usage: views_check.py text PAGE          the text of <main> (tags left out, SVG text included)
       views_check.py table PAGE N       the Nth table (1-based) as tab-separated rows, each cell
                                         repeated over its colspan
       views_check.py derivable RESULTS COMPARE
           the hidden cells of the first question's side-by-side table (COMPARE) that can be
           worked out exactly from what the pages show: the cells shown, each location's
           denominator and the figures over every location (the results page RESULTS), as
           "answer/location=value" lines (none: nothing can).
       views_check.py differences ALL LOCATION [K]
           the figures that ALL (over every location) and LOCATION (the same filter with one
           location) both show whose difference, the other locations' figure, is a small group
           (1..K-1, K 10): "question/answer: all - location = d" lines (none: no such figure).
           Each is a results page (/dash/results: per question each answer's count, n, the
           denominator, and the responses) or a counts sheet as tab-separated lines
           "question_text<TAB>label<TAB>count<TAB>shown" (the exports' counts sheet).
       views_check.py recoverable ALL LOCATION...
           the hidden answers of the results pages per location (each location there is) that
           can be worked out exactly, with more than 0 people, from what the pages show: each
           location's n (the answers add up to it: one answer per question) and the figures
           over every location (ALL), as "question/answer/page=value" lines (none: none can)."""
import re
import signal
import sys
from fractions import Fraction
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.main = False
        self.text = []
        self.tables = []
        self.cell = None
        self.span = 1

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.main = True
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []
            self.span = int(a.get("colspan", "1"))
        self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            v = " ".join("".join(self.cell).split())
            self.tables[-1][-1].extend([v] * self.span)
            self.cell = None
        self.text.append(" ")

    def handle_data(self, data):
        if self.main:
            self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def number(s):
    s = s.split(" ")[0].rstrip("%")
    return int(s) if s.isdigit() else None


def derivable(results, compare):
    """Unknowns: the hidden cells; equations: each row's sum over the locations is the figure on
    the results page (where it shows one), each location's cells sum to its denominator."""
    res = {r[0]: number(r[1]) for r in parse(results).tables[0][1:]}
    t = parse(compare).tables[0]
    head, body = t[0], t[1:]
    locs = [head[j].split(":")[0] for j in range(1, len(head), 2)]
    shown_row = [r for r in body if r[0].startswith(("Kregen", "Shown"))][0]
    rows = [r for r in body if not r[0].startswith(("Kregen", "Shown", "Beantwoord", "Answered"))]
    unknown, eqs = [], []
    for i, r in enumerate(rows):
        for j in range(len(locs)):
            if number(r[1 + 2 * j]) is None:
                unknown.append((i, j))
    index = {u: n for n, u in enumerate(unknown)}

    def equation(cells, total):
        coef = [Fraction(0)] * len(unknown)
        rhs = Fraction(total)
        for (i, j) in cells:
            if (i, j) in index:
                coef[index[(i, j)]] += 1
            else:
                rhs -= number(rows[i][1 + 2 * j])
        eqs.append(coef + [rhs])

    for i, r in enumerate(rows):
        if res.get(r[0]) is not None:
            equation([(i, j) for j in range(len(locs))], res[r[0]])
    for j in range(len(locs)):
        d = number(shown_row[1 + 2 * j])
        if d is not None:
            equation([(i, j) for i in range(len(rows))], d)
    # reduced row echelon form: a variable is determined when its pivot row has no free ones
    m, n = eqs, len(unknown)
    pivots, r = [], 0
    for c in range(n):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [v / m[r][c] for v in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        pivots.append((r, c))
        r += 1
    for (row, c) in pivots:
        if all(m[row][x] == 0 for x in range(n) if x != c):
            i, j = unknown[c]
            print(f"{rows[i][0]}/{locs[j]}={m[row][n]}")


def figures(path):
    """{(question text, answer or "n" or "shown"): number} of a results page or a counts sheet."""
    fig = {}
    if not path.endswith(".html"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                q, label, count, shown = line.rstrip("\n").split("\t")
                for key, v in ((label, count), ("shown", shown)):
                    if v.isdigit():
                        fig[(q, key)] = int(v)
        return fig
    with open(path, encoding="utf-8") as f:
        html = f.read()
    m = re.search(r'<p class="total">(\d+) ', html)
    if m:
        fig[("", "responses")] = int(m.group(1))
    for sec in html.split('<section class="question"')[1:]:
        sec = sec.split("</section>")[0]
        q = " ".join(re.sub(r"<[^>]*>", " ", re.search(r"<h2[^>]*>(.*?)</h2>", sec).group(1)).split())
        n = re.search(r'<p class="n">(.*?)</p>', sec, re.S)
        if n:
            ints = [int(v) for v in re.findall(r"\d+", n.group(1))]
            if n.group(1).startswith("n =") and len(ints) >= 2:
                fig[(q, "n")], fig[(q, "shown")] = ints[0], ints[1]
            elif ints:
                fig[(q, "shown")] = ints[-1]
        p = Page()
        p.feed(sec)
        for r in (p.tables[0][1:] if p.tables else []):
            v = number(r[1])
            if v is not None:
                fig[(q, r[0])] = v
    return fig


def differences(all_path, loc_path, k):
    a, b = figures(all_path), figures(loc_path)
    for key in sorted(a.keys() & b.keys()):
        d = a[key] - b[key]
        if 0 < d < k:
            print(f"{key[0]}/{key[1]}: {a[key]} - {b[key]} = {d}")


def solved(eqs, n):
    """The unknowns eqs (rows of coefficients and the right-hand side) determine: {index: value}."""
    m, pivots, r = [list(e) for e in eqs], [], 0
    for c in range(n):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [v / m[r][c] for v in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        pivots.append((r, c))
        r += 1
    return {c: m[row][n] for (row, c) in pivots
            if all(m[row][x] == 0 for x in range(n) if x != c)}


def recoverable(all_path, loc_paths):
    def answers(path):  # {question: ({answer: number or None}, n or None)}
        out = {}
        with open(path, encoding="utf-8") as f:
            html = f.read()
        for sec in html.split('<section class="question"')[1:]:
            sec = sec.split("</section>")[0]
            q = " ".join(re.sub(r"<[^>]*>", " ", re.search(r"<h2[^>]*>(.*?)</h2>", sec).group(1)).split())
            nm = re.search(r'<p class="n">n = (\d+) ', sec)
            p = Page()
            p.feed(sec)
            rows = p.tables[0][1:-1] if p.tables else []  # the last row: skipped
            out[q] = ({r[0]: number(r[1]) for r in rows}, int(nm.group(1)) if nm else None,
                      "Meer antwoorden" in sec or "Several answers" in sec)
        return out
    every = answers(all_path)
    locs = [(path, answers(path)) for path in loc_paths]
    for q, (tot, _, multi) in every.items():
        if multi:
            continue
        unknown = [(path, a) for path, pg in locs if q in pg for a, v in pg[q][0].items() if v is None]
        if not unknown:
            continue
        index = {u: i for i, u in enumerate(unknown)}
        eqs = []

        def equation(cells, total):
            coef, rhs = [Fraction(0)] * len(unknown), Fraction(total)
            for (path, a) in cells:
                if (path, a) in index:
                    coef[index[(path, a)]] += 1
                else:
                    rhs -= dict(locs)[path][q][0][a]
            eqs.append(coef + [rhs])
        for a, v in tot.items():
            if v is not None and all(q in pg for _, pg in locs):
                equation([(path, a) for path, _ in locs], v)
        for path, pg in locs:
            if q in pg and pg[q][1] is not None:
                equation([(path, a) for a in pg[q][0]], pg[q][1])
        for i, v in solved(eqs, len(unknown)).items():
            if v != 0:
                print(f"{q}/{unknown[i][1]}/{unknown[i][0]}={v}")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # head -1 may stop reading
    cmd = sys.argv[1]
    if cmd == "text":
        print(" ".join("".join(parse(sys.argv[2]).text).split()))
    elif cmd == "table":
        for r in parse(sys.argv[2]).tables[int(sys.argv[3]) - 1]:
            print("\t".join(r))
    elif cmd == "derivable":
        derivable(sys.argv[2], sys.argv[3])
    elif cmd == "recoverable":
        recoverable(sys.argv[2], sys.argv[3:])
    elif cmd == "differences":
        differences(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 10)


main()
