#!/usr/bin/env python3
"""Seed data for the comparisons (side by side, trend, cross-tab): two waves of a poll in six
languages from three kiosks in two locations, as question sets and JSON lines of responses
(wijkpeil export format).

usage: views_seed.py OUTDIR V   (V: how many in Pottenberg chose "veilig" in wave 1, 9 or 10)
Writes OUTDIR/peil.json (wave 1, set "peil" version 2, March 2027), OUTDIR/najaar.json (wave 2,
set "najaar", a different id with the same question "buurt", October 2027) and
OUTDIR/n1.jsonl, n2.jsonl (kiosks in nazareth), p1.jsonl (pottenberg).

The counts are chosen so that, with V = 9, no figure on any of the views tested (side by side,
the trend of "buurt" per month over every location and in Pottenberg, the cross-tab of "buurt"
by "fiets" over every location and in Pottenberg) is 9 other than the cell itself, which must be
hidden: the test looks for 9 as a number anywhere on those pages."""
import json
import sys
import uuid

out, veilig = sys.argv[1], int(sys.argv[2])
langs = ["nl", "en", "ar", "tr", "pl", "so"]


def t(nl, en, ar):
    return {"nl": nl, "en": en, "ar": ar, "tr": nl, "pl": nl, "so": en}


BUURT = {"id": "buurt", "type": "single", "required": True,
         "text": t("Wat vindt u het belangrijkst?", "What matters most to you?", "ما الأهم لك؟"),
         "options": [{"id": "schoon", "text": t("Schoon", "Clean", "نظيف")},
                     {"id": "veilig", "text": t("Veilig", "Safe", "آمن")},
                     {"id": "groen", "text": t("Groen", "Green", "أخضر")}]}
CIJFER = {"id": "cijfer", "type": "smiley",
          "text": t("Hoe tevreden bent u?", "How happy are you?", "ما مدى رضاك؟")}
ZORGEN = {"id": "zorgen", "type": "multi",
          "text": t("Waar maakt u zich zorgen over?", "What do you worry about?", "ما الذي يقلقك؟"),
          "options": [{"id": "geld", "text": t("Geld", "Money", "المال")},
                      {"id": "werk", "text": t("Werk", "Work", "العمل")}]}
FIETS = {"id": "fiets", "type": "yesno",
         "text": t("Fietst u in de wijk?", "Do you cycle in the neighbourhood?", "هل تركب الدراجة؟")}
SCORE = {"id": "score", "type": "scale", "min": 1, "max": 3,
         "text": t("Hoe veilig voelt u zich?", "How safe do you feel?", "ما مدى شعورك بالأمان؟")}

peil = {"format": "wijkpeil/1", "id": "peil", "version": 2, "languages": langs,
        "title": t("Peiling van de wijk", "Neighbourhood poll", "استطلاع الحي"),
        "questions": [BUURT, CIJFER, ZORGEN, FIETS, SCORE]}
najaar = {"format": "wijkpeil/1", "id": "najaar", "version": 1, "languages": langs,
          "title": t("Najaarspeiling", "Autumn poll", "استطلاع الخريف"),
          "questions": [BUURT, FIETS]}
for name, qs in (("peil", peil), ("najaar", najaar)):
    with open(f"{out}/{name}.json", "w", encoding="utf-8") as f:
        json.dump(qs, f, ensure_ascii=False)

responses = {"n1": [], "n2": [], "p1": []}


def add(devs, setid, month, buurt_counts, fiets_of):
    """Responses at devices devs (round robin) of set setid in month (3 or 10 of 2027): per
    answer of buurt how many; fiets_of(answer, i) gives fiets, other questions follow i."""
    i = 0
    for answer, n in buurt_counts:
        for m in range(n):
            dev = devs[i % len(devs)]
            a = {"buurt": answer, "fiets": fiets_of(answer, m)}
            if setid == "peil":
                a["cijfer"] = str(3 + i % 3)
                a["score"] = str(1 + i % 3)
                a["zorgen"] = [["geld"], ["werk"], ["geld", "werk"]][i % 3]
            day = 1 + i % 7
            seq = len(responses[dev]) + 1
            responses[dev].append({
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"wijkpeil:{dev}/{setid}/{seq}/{veilig}")),
                "seq": seq, "questionset": setid,
                "questionset_version": 2 if setid == "peil" else 1,
                "language": langs[i % 6],
                "started_at": f"2027-{month:02d}-0{day}T10:00:00Z",
                "finished_at": f"2027-{month:02d}-0{day}T10:02:00Z",
                "duration_ms": 120000, "status": "complete", "answers": a})
            i += 1


# fiets: "yes" for the first part of each answer's group
def fiets_split(yes):
    return lambda answer, m: "yes" if m < yes[answer] else "no"


# wave 1 (March): Nazareth 40/25/20, Pottenberg 30/V/14
add(["n1", "n2"], "peil", 3, [("schoon", 40), ("veilig", 25), ("groen", 20)],
    fiets_split({"schoon": 22, "veilig": 13, "groen": 9 + 1}))
add(["p1"], "peil", 3, [("schoon", 30), ("veilig", veilig), ("groen", 14)],
    fiets_split({"schoon": 16, "veilig": veilig, "groen": 14}))
# wave 2 (October): Nazareth 33/27/21, Pottenberg 26/18/12
add(["n1", "n2"], "najaar", 10, [("schoon", 33), ("veilig", 27), ("groen", 21)],
    fiets_split({"schoon": 17, "veilig": 14, "groen": 11}))
add(["p1"], "najaar", 10, [("schoon", 26), ("veilig", 18), ("groen", 12)],
    fiets_split({"schoon": 13, "veilig": 8, "groen": 6}))
for dev, rows in responses.items():
    with open(f"{out}/{dev}.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
