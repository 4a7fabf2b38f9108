#!/usr/bin/env python3
"""Seed data for the results counts test: a question set with every answer type and show_if on a
single and on a multiple choice, and random (seeded) responses, complete and abandoned, from
three kiosks over three weeks (22 February to 14 March 2027) in six languages, with skipped questions and lists with repeats.

usage: results_seed.py OUTDIR
Writes OUTDIR/set.json (version 3; set_v2_same.json and set_v2_other.json: version 2 with the
same questions and with other ones), OUTDIR/n1.jsonl, n2.jsonl (imported) and OUTDIR/p1.json (an upload batch
for kiosk p1), OUTDIR/p1dup.json (the same batch again) and OUTDIR/p1conflict.json (two of its
responses with other answers), OUTDIR/p1extra.json (new responses with sequence numbers 5, 205
and 205 again), OUTDIR/stored.jsonl (every response the collector holds in the end)."""
import datetime
import json
import random
import sys
import uuid

out = sys.argv[1]
langs = ["nl", "en", "ar", "tr", "pl", "so"]
rnd = random.Random(14)


def t(s):
    return {"nl": s, "en": s}


qset = {
    "format": "wijkpeil/1", "id": "golf", "version": 3, "languages": ["nl", "en"],
    "title": t("Golf"),
    "questions": [
        {"id": "woon", "type": "single", "text": t("Woon"),
         "options": [{"id": o, "text": t(o)} for o in ["kort", "middel", "lang"]]},
        {"id": "zorgen", "type": "multi", "text": t("Zorgen"),
         "options": [{"id": o, "text": t(o)} for o in ["geld", "werk", "zorg", "huis"]]},
        {"id": "waarom", "type": "single", "text": t("Waarom"),
         "show_if": {"question": "zorgen", "any_of": ["geld", "werk"]},
         "options": [{"id": o, "text": t(o)} for o in ["a", "b"]]},
        {"id": "blij", "type": "smiley", "text": t("Blij")},
        {"id": "hoe", "type": "yesno", "prefer_not": True, "text": t("Hoe"),
         "show_if": {"question": "woon", "any_of": ["kort", "lang"]}},
        {"id": "cijfer", "type": "scale", "min": 1, "max": 10, "text": t("Cijfer")},
    ],
}
with open(f"{out}/set.json", "w", encoding="utf-8") as f:
    json.dump(qset, f)
# version 2 as it was: the same questions with other texts (counted together with version 3),
# or with another option (counted apart)
same = json.loads(json.dumps(qset))
same["version"] = 2
same["questions"][0]["text"] = t("Hoe lang woont u hier?")
with open(f"{out}/set_v2_same.json", "w", encoding="utf-8") as f:
    json.dump(same, f)
other = json.loads(json.dumps(same))
other["questions"][0]["options"].append({"id": "altijd", "text": t("altijd")})
with open(f"{out}/set_v2_other.json", "w", encoding="utf-8") as f:
    json.dump(other, f)


def answers():
    a = {"woon": rnd.choice(["kort", "middel", "lang"])}
    if rnd.random() < 0.9:
        z = rnd.sample(["geld", "werk", "zorg", "huis"], rnd.randint(1, 3))
        if rnd.random() < 0.1:
            z.append(z[0])  # a repeat counts once
        a["zorgen"] = z
    if set(a.get("zorgen", [])) & {"geld", "werk"} and rnd.random() < 0.8:
        a["waarom"] = rnd.choice(["a", "b"])
    if rnd.random() < 0.95:
        a["blij"] = str(rnd.randint(1, 5))
    if a["woon"] in ("kort", "lang") and rnd.random() < 0.85:
        a["hoe"] = rnd.choice(["yes", "no", "prefer_not"])
    a["cijfer"] = str(rnd.randint(1, 10))
    return a


def abandon(a):
    order = ["woon", "zorgen", "waarom", "blij", "hoe", "cijfer"]
    stop = rnd.randint(0, 4)
    return {k: v for k, v in a.items() if order.index(k) <= stop}


def response(i, dev, seq):
    a = answers()
    status = "complete"
    if rnd.random() < 0.2:
        a, status = abandon(a), "abandoned"
    day = datetime.date(2027, 2, 22) + datetime.timedelta(days=rnd.randint(0, 20))
    hour = rnd.randint(8, 20)
    return {"id": str(uuid.UUID(int=i + 1000)), "seq": seq, "questionset": "golf",
            "questionset_version": rnd.choice([2, 3]), "language": rnd.choice(langs),
            "started_at": f"{day}T{hour:02d}:10:00Z", "finished_at": f"{day}T{hour:02d}:12:00Z",
            "duration_ms": 120000, "status": status, "answers": a}


i = 0
for dev, n in [("n1", 300), ("n2", 250)]:
    with open(f"{out}/{dev}.jsonl", "w", encoding="utf-8") as f:
        for seq in range(1, n + 1):
            f.write(json.dumps(response(i, dev, seq)) + "\n")
            i += 1
p1 = [response(i + k, "p1", k + 1) for k in range(200)]


def batch(items):
    return {"protocol": "wijkpeil-sync/1", "device_id": "p1", "responses": items}


for name, items in [("p1", p1), ("p1dup", p1)]:
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(batch(items), f)
# sequence numbers again (a kiosk reset): 5 held already, and 205 twice in one batch
extra = [dict(response(i + 200 + k, "p1", s)) for k, s in enumerate([5, 205, 205])]
with open(f"{out}/p1extra.json", "w") as f:
    json.dump(batch(extra), f)
conflict = [dict(r, answers={"woon": "kort", "cijfer": "1"}) for r in p1[:2]]
with open(f"{out}/p1conflict.json", "w") as f:
    json.dump(batch(conflict), f)
# what the collector holds in the end (the conflicts are not stored): for the expected figures
with open(f"{out}/stored.jsonl", "w", encoding="utf-8") as f:
    for d in ("n1", "n2"):
        f.writelines(open(f"{out}/{d}.jsonl", encoding="utf-8"))
    for r in p1 + extra:
        f.write(json.dumps(r) + "\n")
