#!/usr/bin/env python3
"""Seed data for the dashboard tests: a question set in six languages and JSON lines of
responses (wijkpeil export format) for three kiosks in two locations.

usage: dash_seed.py OUTDIR VEILIG   (VEILIG: how many chose "veilig", 9 or 10)
Writes OUTDIR/peil.json and OUTDIR/n1.jsonl, n2.jsonl, p1.jsonl (kiosks n1, n2 in nazareth,
p1 in pottenberg). The counts are chosen so that no other figure on the results page is 9:
buurt = schoon 31, veilig VEILIG, groen 13; smiley 3:11, 4:20 (+1 with VEILIG 10), 5:22;
zorgen (multi) geld 25, werk 30, zorg 12 of everyone."""
import json
import sys
import uuid

out, veilig = sys.argv[1], int(sys.argv[2])
langs = ["nl", "en", "ar", "tr", "pl", "so"]


def t(nl, en, ar):
    return {"nl": nl, "en": en, "ar": ar, "tr": nl, "pl": nl, "so": en}


qset = {
    "format": "wijkpeil/1", "id": "peil", "version": 2, "languages": langs,
    "title": t("Peiling van de wijk", "Neighbourhood poll", "استطلاع الحي"),
    "questions": [
        {"id": "buurt", "type": "single", "required": True,
         "text": t("Wat vindt u het belangrijkst?", "What matters most to you?", "ما الأهم لك؟"),
         "options": [{"id": "schoon", "text": t("Schoon", "Clean", "نظيف")},
                     {"id": "veilig", "text": t("Veilig", "Safe", "آمن")},
                     {"id": "groen", "text": t("Groen", "Green", "أخضر")}]},
        {"id": "cijfer", "type": "smiley",
         "text": t("Hoe tevreden bent u?", "How happy are you?", "ما مدى رضاك؟")},
        {"id": "zorgen", "type": "multi",
         "text": t("Waar maakt u zich zorgen over?", "What do you worry about?", "ما الذي يقلقك؟"),
         "options": [{"id": "geld", "text": t("Geld", "Money", "المال")},
                     {"id": "werk", "text": t("Werk", "Work", "العمل")},
                     {"id": "zorg", "text": t("Zorg", "Care", "الرعاية")}]},
    ],
}
with open(f"{out}/peil.json", "w", encoding="utf-8") as f:
    json.dump(qset, f, ensure_ascii=False)

buurt = ["schoon"] * 31 + ["veilig"] * veilig + ["groen"] * 13
n = len(buurt)
smiley = ["3"] * 11 + ["4"] * (n - 33) + ["5"] * 22
zorgen = [[] for _ in range(n)]
for i in range(25):
    zorgen[i].append("geld")
for i in range(30):
    zorgen[(i + 20) % n].append("werk")
for i in range(12):
    zorgen[(i + 35) % n].append("zorg")
devices = {"n1": [], "n2": [], "p1": []}
for i in range(n):
    dev = ["n1", "n2", "p1"][i % 3]
    seq = len(devices[dev]) + 1
    day = 1 + i % 7
    answers = {"buurt": buurt[i], "cijfer": smiley[i]}
    if zorgen[i]:
        answers["zorgen"] = zorgen[i]
    devices[dev].append({
        "id": str(uuid.UUID(int=(i + 1) * 7919 + veilig)), "seq": seq, "questionset": "peil",
        "questionset_version": 2, "language": langs[i % 6],
        "started_at": f"2027-03-0{day}T10:00:00Z", "finished_at": f"2027-03-0{day}T10:02:00Z",
        "duration_ms": 120000, "status": "complete", "answers": answers})
for dev, rows in devices.items():
    with open(f"{out}/{dev}.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
