#!/usr/bin/env python3
"""Seed data for the sharing-back tests: a question set that shares two questions, and JSON
lines of responses (wijkpeil export format) of kiosk p1, all started now (this month).

usage: share_seed.py OUTDIR VEILIG [FIRST [last]]  (VEILIG: how many chose "veilig", 9 or 10;
FIRST: the first response number, so a second batch has new ids; "last": started in the middle
of last month instead of now)
Writes OUTDIR/share.json and OUTDIR/p1.jsonl. buurt (shared): schoon 31, veilig VEILIG,
groen 13; klein (shared) answered by 9 only; cijfer (smiley) not shared. The set has the
demo's languages (nl, en, ar, tr, pl, uk, ti), Tigrinya with the demo's own "ui_strings"
(the kiosk has none built in); the responses are in nl, en and ar."""
import datetime
import json
import os
import sys
import uuid

out, veilig = sys.argv[1], int(sys.argv[2])
first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
langs = ["nl", "en", "ar", "tr", "pl", "uk", "ti"]
demo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "assets",
                    "demo", "nazareth-pottenberg.json")
with open(demo, encoding="utf-8") as f:
    ti_words = json.load(f)["ui_strings"]["ti"]

# tr, pl, uk, ti of each nl text
MORE = {
    "Peiling van de wijk": ("Mahalle anketi", "Ankieta dzielnicy", "Опитування району",
                            "ሕቶታት ከባቢ"),
    "Wat vindt u het belangrijkst?": ("Sizin için en önemli olan ne?",
                                      "Co jest dla Pana/Pani najważniejsze?",
                                      "Що для вас найважливіше?", "ንዓኹም እቲ ዝዓበየ እንታይ እዩ?"),
    "Schoon": ("Temiz", "Czysto", "Чисто", "ጽሩይ"),
    "Veilig": ("Güvenli", "Bezpiecznie", "Безпечно", "ውሑስ"),
    "Groen": ("Yeşil", "Zielono", "Зелено", "ቀጠልያ"),
    "Kent u de buren?": ("Komşuları tanıyor musunuz?", "Czy zna Pan/Pani sąsiadów?",
                         "Чи знаєте ви сусідів?", "ንጎረባብትኹም ትፈልጥዎም ዶ?"),
    "Hoe tevreden bent u?": ("Ne kadar memnunsunuz?", "Jak bardzo jest Pan/Pani zadowolony?",
                             "Наскільки ви задоволені?", "ክሳብ ክንደይ ዕጉባት ኢኹም?"),
}


def t(nl, en, ar):
    tr, pl, uk, ti = MORE[nl]
    return {"nl": nl, "en": en, "ar": ar, "tr": tr, "pl": pl, "uk": uk, "ti": ti}


qset = {
    "format": "wijkpeil/1", "id": "deel", "version": 1, "languages": langs,
    "ui_strings": {"ti": ti_words},
    "title": t("Peiling van de wijk", "Neighbourhood poll", "استطلاع الحي"),
    "thanks_share": "buurt",
    "questions": [
        {"id": "buurt", "type": "single", "share": True,
         "text": t("Wat vindt u het belangrijkst?", "What matters most to you?", "ما الأهم لك؟"),
         "options": [{"id": "schoon", "text": t("Schoon", "Clean", "نظيف")},
                     {"id": "veilig", "text": t("Veilig", "Safe", "آمن")},
                     {"id": "groen", "text": t("Groen", "Green", "أخضر")}]},
        {"id": "klein", "type": "yesno", "share": True,
         "text": t("Kent u de buren?", "Do you know the neighbours?", "هل تعرف الجيران؟")},
        {"id": "cijfer", "type": "smiley",
         "text": t("Hoe tevreden bent u?", "How happy are you?", "ما مدى رضاك؟")},
    ],
}
with open(f"{out}/share.json", "w", encoding="utf-8") as f:
    json.dump(qset, f, ensure_ascii=False)

buurt = ["schoon"] * 31 + ["veilig"] * veilig + ["groen"] * 13
today = datetime.datetime.now(datetime.timezone.utc)
if len(sys.argv) > 4 and sys.argv[4] == "last":
    today = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=15, hour=12)
now = today.strftime("%Y-%m-%dT%H:%M:%SZ")
with open(f"{out}/p1.jsonl", "w", encoding="utf-8") as f:
    for i, b in enumerate(buurt):
        answers = {"buurt": b, "cijfer": "4"}
        if i < 9:
            answers["klein"] = "yes"
        f.write(json.dumps({
            "id": str(uuid.UUID(int=(first + i + 1) * 7919 + veilig)), "seq": first + i + 1,
            "questionset": "deel", "questionset_version": 1, "language": langs[i % 3],
            "started_at": now, "finished_at": now, "duration_ms": 60000, "status": "complete",
            "answers": answers}, ensure_ascii=False) + "\n")
