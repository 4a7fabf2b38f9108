"""python3 demo_compare.py WANT.json GOT.json: exits 1, naming every difference (by JSON path),
when the two question sets differ once parsed; key order and layout do not count."""
import json
import sys


def differences(a, b, path, out):
    if type(a) is not type(b):
        out.append(f"{path}: {a!r:.80} in the demo, {b!r:.80} converted")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append(f"{path}/{k}: only in the demo set")
            elif k not in a:
                out.append(f"{path}/{k}: only in the converted set")
            else:
                differences(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items in the demo, {len(b)} converted")
        for i, (x, y) in enumerate(zip(a, b)):
            differences(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r:.80} in the demo, {b!r:.80} converted")


want = json.load(open(sys.argv[1], encoding="utf-8"))
got = json.load(open(sys.argv[2], encoding="utf-8"))
found = []
differences(want, got, "", found)
if found or want != got:
    print(f"FAIL: {sys.argv[2]} differs from {sys.argv[1]}:", file=sys.stderr)
    for d in found[:40]:
        print("  " + d, file=sys.stderr)
    sys.exit(1)
print(f"equal: {len(got['questions'])} questions, {len(got['languages'])} languages, "
      f"{len(got.get('files', {}))} files")
