#!/usr/bin/env python3
"""Small groups worked out from the results pages over every location and per location.

usage: results_derive.py K ALL.html LOC1.html LOC2.html ...   (LOC*: every location, same filter)
Per question with one answer each (its cells and "skipped" add up to the denominator), every
figure a page shows is known; the relations are: per page, the cells add up to the denominator
shown, and per cell the locations add up to the figure over every location. A relation with one
unknown left gives it; repeated until nothing changes. Prints each hidden cell so worked out
whose value is a small group (1 to K-1) and exits 1 when there is one."""
import html
import re
import sys

k = int(sys.argv[1])


def questions(path):
    """{section id: (denominator or None, {label: count or None}) } of single-answer questions."""
    text = open(path, encoding="utf-8").read()
    out = {}
    for qid, body in re.findall(r'<section class="question" aria-labelledby="(q\d+)">(.*?)</section>',
                                text, re.S):
        n = re.search(r'<p class="n">(.*?)</p>', body, re.S)
        if not n or "Meer antwoorden mogelijk" in n.group(1) or "Several answers" in n.group(1):
            continue  # nothing shown, or a multiple choice (its cells do not add up)
        den = re.search(r"(?:van|of) (\d+) (?:aan wie|who were)", n.group(1))
        cells = {}
        tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S).group(1)
        for label, rest in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', tbody, re.S):
            m = re.match(r"<td>(\d+)</td>", rest)
            cells[html.unescape(label)] = int(m.group(1)) if m else None
        out[qid] = (int(den.group(1)) if den else None, cells)
    return out


pages = [questions(p) for p in sys.argv[2:]]
leaks = []
for qid, (den_all, cells_all) in pages[0].items():
    if any(qid not in p for p in pages[1:]):
        continue
    labels = list(cells_all)
    val = {}  # (page, label) -> value; label None: the denominator
    hidden = set()
    for i, p in enumerate(pages):
        den, cells = p[qid]
        val[(i, None)] = den
        for lab in labels:
            val[(i, lab)] = cells.get(lab)
            if cells.get(lab) is None:
                hidden.add((i, lab))
    rels = []  # (sum of these, equals that)
    for i in range(len(pages)):
        rels.append(([(i, lab) for lab in labels], (i, None)))
    for lab in labels:
        rels.append(([(i, lab) for i in range(1, len(pages))], (0, lab)))
    changed = True
    while changed:
        changed = False
        for parts, total in rels:
            unknown = [x for x in parts + [total] if val[x] is None]
            if len(unknown) != 1:
                continue
            u = unknown[0]
            known = sum(val[x] for x in parts if x is not u)
            val[u] = val[total] - known if u is not total else known
            changed = True
    for (i, lab) in sorted(hidden, key=str):
        if val[(i, lab)] is not None and 0 < val[(i, lab)] < k:
            leaks.append(f"{sys.argv[2 + i]} {qid} {lab}: {val[(i, lab)]}")
print("\n".join(leaks))
sys.exit(1 if leaks else 0)
