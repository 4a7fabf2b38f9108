#!/usr/bin/env python3
"""Writes the kiosk's own words (assets/ui-strings.json) as a C table, built into every program
(uistr_load_builtin in app/core/uistr.c): the kiosk starts without reading or parsing the file.
The table keeps the file's order of languages and keys; the program checks it as strictly as the
file (every key, "dir", placeholders) when it loads it. Run by the build:
    uistr_table.py IN.json OUT.c"""
import json
import sys


def fail(msg):
    sys.exit(f"{sys.argv[1]}: {msg}")


def pairs(items):
    seen = set()
    for k, _ in items:
        if k in seen:
            fail(f'key "{k}" appears twice')
        seen.add(k)
    return items


def c_string(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '\\"?':
            out.append("\\" + ch)
        elif o < 0x20 or o == 0x7F:
            out.append("\\%03o" % o)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: uistr_table.py IN.json OUT.c")
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f, object_pairs_hook=pairs)
    if not isinstance(doc, list):
        fail("expected an object of languages")
    lines = [
        "/* Made by tools/uistr_table.py from assets/ui-strings.json: do not edit. */",
        '#include "uistr.h"',
        "",
    ]
    langs = []
    for i, (code, words) in enumerate(doc):
        if not isinstance(words, list):
            fail(f'language "{code}" must be an object of strings')
        lines.append(f"static const uistr_pair lang{i}[] = {{")
        for key, value in words:
            if not isinstance(value, str):
                fail(f'language "{code}": key "{key}" must be a string')
            lines.append(f"    {{{c_string(key)}, {c_string(value)}}},")
        lines.append("};")
        langs.append(f"    {{{c_string(code)}, lang{i}, {len(words)}}},")
    lines.append("const uistr_table_lang uistr_builtin_langs[] = {")
    lines.extend(langs)
    lines.append("};")
    lines.append(f"const int uistr_builtin_nlangs = {len(doc)};")
    text = "\n".join(lines) + "\n"
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(text)


main()
