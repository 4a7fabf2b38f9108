#!/usr/bin/env bash
# The worked example: the demo poll's spreadsheet (assets/demo/survey.csv, choices.csv,
# settings.csv, ui_strings.csv) converts with from-csv --strict (no warning) to the demo set
# exactly. "files" (the clips' SHA-256) is written by `sign`, not by the converter, so the
# converted set is signed beside a copy of the demo's clips first; then the parsed JSON,
# "files" included, must equal assets/demo/nazareth-pottenberg.json.
set -euo pipefail

: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
Q="$WIJKPEIL_QSET"
DEMO="$WIJKPEIL_SRC/assets/demo"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mkdir "$TMP/set"
cp -r "$DEMO/clips" "$TMP/set/clips"
"$Q" from-csv "$DEMO/survey.csv" "$DEMO/choices.csv" --settings "$DEMO/settings.csv" \
    --ui-strings "$DEMO/ui_strings.csv" --strict -o "$TMP/set/poll.json" >"$TMP/out" 2>"$TMP/err" || {
    echo "FAIL: from-csv of the demo spreadsheet:" >&2
    cat "$TMP/err" >&2
    exit 1
}
if [ -s "$TMP/err" ]; then
    echo "FAIL: from-csv said something about the demo spreadsheet:" >&2
    cat "$TMP/err" >&2
    exit 1
fi
(cd "$TMP" && "$Q" keygen -o k >/dev/null && "$Q" sign set/poll.json --key k.secret >/dev/null)
python3 - "$DEMO/nazareth-pottenberg.json" "$TMP/set/poll.json" <<'PY'
import json, sys

want = json.load(open(sys.argv[1], encoding="utf-8"))
got = json.load(open(sys.argv[2], encoding="utf-8"))
diffs = []

def diff(a, b, path):
    if type(a) is not type(b):
        diffs.append(f"{path}: {a!r:.80} in the demo, {b!r:.80} from the spreadsheet")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                diffs.append(f"{path}/{k}: only in the demo set")
            elif k not in a:
                diffs.append(f"{path}/{k}: only in the converted set")
            else:
                diff(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, list):
        if len(a) != len(b):
            diffs.append(f"{path}: {len(a)} items in the demo, {len(b)} converted")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]")
    elif a != b:
        diffs.append(f"{path}: {a!r:.80} in the demo, {b!r:.80} from the spreadsheet")

diff(want, got, "")
if diffs or want != got:
    print("FAIL: the spreadsheet does not convert to the demo set:", file=sys.stderr)
    for d in diffs[:40]:
        print("  " + d, file=sys.stderr)
    sys.exit(1)
print(f"equal: {len(got['questions'])} questions, {len(got['languages'])} languages, "
      f"{len(got['files'])} files")
PY
echo "demo_roundtrip: all passed"
