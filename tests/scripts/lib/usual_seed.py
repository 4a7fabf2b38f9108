#!/usr/bin/env python3
"""Seed data for "expected" and "this_month" of the cards: a set "usual" in the demo's
languages (Tigrinya with the demo's own "ui_strings") whose one question, woon (smiley), is
shared, and JSON lines of complete responses of kiosk p1 per month.

usage: usual_seed.py OUTDIR BACK:COUNT...  (COUNT responses started on the 15th, 12:00 UTC, of
the month BACK months before this one; BACK 0: now)
Writes OUTDIR/usual.json and OUTDIR/p1.jsonl. Every response answers woon with 4 ("good"),
every third with 5."""
import datetime
import json
import os
import sys
import uuid

out = sys.argv[1]
langs = ["nl", "en", "ar", "tr", "pl", "uk", "ti"]
demo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "assets",
                    "demo", "nazareth-pottenberg.json")
with open(demo, encoding="utf-8") as f:
    ti_words = json.load(f)["ui_strings"]["ti"]
texts = ["Hoe prettig woont u hier?", "How much do you like living here?",
         "ما مدى رضاك عن السكن هنا؟", "Burada yaşamaktan ne kadar memnunsunuz?",
         "Jak dobrze się tu mieszka?", "Наскільки вам подобається тут жити?",
         "ኣብዚ ምንባር ክንደይ ይፈትውዎ?"]
qset = {
    "format": "wijkpeil/1", "id": "usual", "version": 1, "languages": langs,
    "title": dict(zip(langs, ["Wonen", "Living", "السكن", "Yaşam", "Mieszkanie", "Житло",
                              "መንበሪ"])),
    "ui_strings": {"ti": ti_words},
    "questions": [{"id": "woon", "type": "smiley", "share": True,
                   "text": dict(zip(langs, texts))}],
}
with open(f"{out}/usual.json", "w", encoding="utf-8") as f:
    json.dump(qset, f, ensure_ascii=False)

now = datetime.datetime.now(datetime.timezone.utc)
seq = 0
with open(f"{out}/p1.jsonl", "w", encoding="utf-8") as f:
    for spec in sys.argv[2:]:
        back, count = (int(x) for x in spec.split(":"))
        day = now
        if back > 0:
            y, m = now.year, now.month - back
            while m < 1:
                y, m = y - 1, m + 12
            day = datetime.datetime(y, m, 15, 12, tzinfo=datetime.timezone.utc)
        stamp = day.strftime("%Y-%m-%dT%H:%M:%SZ")
        for i in range(count):
            seq += 1
            f.write(json.dumps({
                "id": str(uuid.UUID(int=seq * 104729 + back)), "seq": seq,
                "questionset": "usual", "questionset_version": 1, "language": "nl",
                "started_at": stamp, "finished_at": stamp, "duration_ms": 60000,
                "status": "complete",
                "answers": {"woon": "5" if i % 3 == 0 else "4"}}) + "\n")
