#!/usr/bin/env python3
"""Writes the demo poll's stand-in clips for Tigrinya (assets/demo/clips/ti-*.wav) and names
them in the set's *_audio keys; espeak-ng has no Tigrinya voice, so the kiosk plays these
instead of synthesising. They are short tones (8 kHz, 8-bit mono, integer arithmetic only, so
every run writes the same bytes), one pitch per text, NOT speech: a community centre records the
real clips (see the README, "Tigrinya in the demo poll") under the same names.

Then list them with their SHA-256 in the set's "files" the way every set gets them:
    python3 tools/demo_clips.py
    wijkpeil-qset keygen -o /tmp/demo && wijkpeil-qset sign assets/demo/nazareth-pottenberg.json \
        --key /tmp/demo.secret && rm assets/demo/nazareth-pottenberg.json.sig
(the demo is not shipped signed: a kiosk runs it from --questionset or its config.)
"""
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SET = os.path.join(ROOT, "assets", "demo", "nazareth-pottenberg.json")
LANG = "ti"
RATE = 8000
SAMPLES = 1200  # 0.15 s


def tone(step):
    """A triangle wave of `step` phase units per sample (integers only: same bytes everywhere)."""
    out = bytearray()
    phase = 0
    for i in range(SAMPLES):
        phase = (phase + step) % 4096
        tri = phase if phase < 2048 else 4095 - phase  # 0..2047
        env = min(i, SAMPLES - i, 200)  # fade in and out over 200 samples
        out.append(128 + (tri - 1024) * 48 * env // (1024 * 200))
    return bytes(out)


def wav(data):
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def main():
    with open(SET, encoding="utf-8") as f:
        s = json.load(f)
    clips = []  # (object, key, file name)
    for k in ("title", "welcome", "thanks"):
        clips.append((s, k, f"{LANG}-{k}.wav"))
    for q in s["questions"]:
        clips.append((q, "text", f"{LANG}-{q['id']}.wav"))
        for k in ("hint", "low", "high"):
            if k in q:
                clips.append((q, k, f"{LANG}-{q['id']}-{k}.wav"))
        for o in q.get("options", []):
            clips.append((o, "text", f"{LANG}-{q['id']}-{o['id']}.wav"))
    folder = os.path.join(os.path.dirname(SET), "clips")
    os.makedirs(folder, exist_ok=True)
    for i, (obj, key, name) in enumerate(clips):
        if LANG not in obj[key]:
            sys.exit(f"{SET}: {key} has no {LANG} text for {name}")
        with open(os.path.join(folder, name), "wb") as f:
            f.write(wav(tone(160 + 12 * i)))
        obj.setdefault(key + "_audio", {})[LANG] = "clips/" + name
    s.pop("files", None)  # wijkpeil-qset sign writes it again
    with open(SET, "w", encoding="utf-8") as f:
        json.dump(s, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"{len(clips)} clips in {folder}")


if __name__ == "__main__":
    main()
