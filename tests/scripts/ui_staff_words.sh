#!/usr/bin/env bash
# The staff words (assets/staff-strings.json) are read just after the kiosk's first frame, not
# before it: a kiosk installed with a broken file must still stop with a message that names the
# file (exit status 1, as before its first frame), and with a sound file the staff screens speak
# the configured language as before.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}

# A data folder as installed: fonts and assets, the staff words cut off half-way.
mkdir -p "$TMP/data/assets"
ln -s "$WIJKPEIL_SRC/fonts" "$TMP/data/fonts"
ln -s "$WIJKPEIL_SRC/assets/icons" "$TMP/data/assets/icons"
cp "$WIJKPEIL_SRC/assets/ui-strings.json" "$TMP/data/assets/"
head -c 2000 "$WIJKPEIL_SRC/assets/staff-strings.json" >"$TMP/data/assets/staff-strings.json"
printf 'wait 1000\nshot %s\nquit\n' "$TMP/first.png" >"$TMP/quit.script"
rc=0
WIJKPEIL_DATA="$TMP/data" "$WIJKPEIL" --questionset "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" \
    --db "$TMP/a.db" --window 1280x800 --script "$TMP/quit.script" >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || bad "a broken staff-strings.json: exit status $rc, expected 1"
grep -q "staff-strings.json" "$TMP/out" || bad "the message does not name staff-strings.json: $(cat "$TMP/out")"

# The same folder with the whole file: the kiosk runs, and the staff screen speaks the
# configured staff language (Dutch by default, English when set), which it can only do once the
# words were handed to it after the first frame.
cp "$WIJKPEIL_SRC/assets/staff-strings.json" "$TMP/data/assets/"
printf 'tap 1913 6\nwait 300\ntap 1913 6\nwait 300\ntap 1913 6\ntree %s\nquit\n' "$TMP/t.json" \
    >"$TMP/staff.script"
heading() {
    python3 -c 'import json,sys; print(next(w["label"] for w in json.load(open(sys.argv[1]))["widgets"] if w["id"] == "heading"))' "$TMP/t.json"
}
for lang in nl en; do
    echo "staff_language = $lang" >"$TMP/kiosk.conf"
    rc=0
    WIJKPEIL_DATA="$TMP/data" "$WIJKPEIL" --config "$TMP/kiosk.conf" \
        --questionset "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" --db "$TMP/b.db" \
        --window 1920x1080 --script "$TMP/staff.script" >"$TMP/out2" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || bad "a sound staff-strings.json: exit status $rc: $(cat "$TMP/out2")"
    want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["staff_mode"])' \
        "$WIJKPEIL_SRC/assets/staff-strings.json" "$lang" 2>/dev/null || true)
    got=$(heading 2>/dev/null || true)
    [ -n "$got" ] && [ "$got" = "$want" ] || bad "staff_language $lang: the PIN screen says \"$got\", expected \"$want\""
done

[ "$fail" -eq 0 ] || exit 1
echo "ok: staff words read after the first frame; a broken file still stops the kiosk"
