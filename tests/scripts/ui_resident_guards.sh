#!/usr/bin/env bash
# Guards for a resident, found in review: a refused tap's hint never moves the answers; one tap
# anywhere on "still there?" continues (also on a speech or display control); modes left on the
# attract screen reset for the next resident; only offered languages are cycled and the first
# offered one is the default; the staff gesture does nothing inside a resident's poll.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1 PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
poll="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
run() { # run NAME [config]: runs $tmp/NAME.txt
  local cfg=()
  [ $# -gt 1 ] && cfg=(--config "$2")
  "$WIJKPEIL" "${cfg[@]}" --questionset "$poll" --db "$tmp/$1.db" --window 1920x1080 \
    --script "$tmp/$1.txt" 2>"$tmp/$1.err" || { echo "FAIL: $1 script"; cat "$tmp/$1.err"; exit 1; }
}

cat >"$tmp/hint.txt" <<S
tap-id start
tap-id lang:nl
tap-id next
tap-id next
tap-id option:zorgen:geld
tap-id option:zorgen:werk
tap-id option:zorgen:wonen
tree $tmp/before.json
tap-id option:zorgen:gezondheid
tree $tmp/hint.json
tap-id option:zorgen:gezondheid
tree $tmp/again.json
S
run hint

cat >"$tmp/still.txt" <<S
tap-id start
tap-id lang:nl
tap-id option:wijk:nazareth
wait 90000
expect-screen still-there
tap-id large-text
expect-screen question
tree $tmp/still.json
S
run still

cat >"$tmp/modes.txt" <<S
tap-id large-text
tap-id high-contrast
wait 89000
tree $tmp/modes-kept.json
wait 2000
tree $tmp/modes-reset.json
S
run modes

printf 'languages = en, ar\n' >"$tmp/offered.conf"
cat >"$tmp/offered.txt" <<S
tree $tmp/cycle0.json
wait 3000
tree $tmp/cycle1.json
wait 3000
tree $tmp/cycle2.json
tap-id start
tree $tmp/lang.json
S
run offered "$tmp/offered.conf"

cat >"$tmp/gesture.txt" <<S
tap-id start
tap-id lang:nl
tap 1913 6
wait 300
tap 1913 6
wait 300
tap 1913 6
expect-screen question
S
run gesture

python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
passed = failed = 0
def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
def tree(name):
    return json.load(open("%s/%s.json" % (tmp, name)))
def w(t, wid):
    return next((x for x in t["widgets"] if x["id"] == wid), None)
before, hint, again = tree("before"), tree("hint"), tree("again")
for wid in [x["id"] for x in before["widgets"] if x["id"].startswith("option:")]:
    a, b = w(before, wid), w(hint, wid)
    check(b is not None and (a["x"], a["y"], a["w"], a["h"]) == (b["x"], b["y"], b["w"], b["h"]),
          "the hint moved %s" % wid)
check(w(hint, "hint") is not None, "refused tap shows the hint")
chosen = lambda t: sorted(x["id"] for x in t["widgets"] if x["id"].startswith("option:") and x["selected"])
check(chosen(again) == chosen(before), "a second tap on the same spot changes nothing: %s" % chosen(again))
st = tree("still")
check(st["screen"] == "question" and st["large_text"], "still-there: a tap on large text continues and applies it")
check(w(st, "option:wijk:nazareth")["selected"], "still-there: answers kept")
check(tree("modes-kept")["large_text"] and tree("modes-kept")["high_contrast"], "modes kept while someone may be there")
check(not tree("modes-reset")["large_text"] and not tree("modes-reset")["high_contrast"], "modes reset for the next resident")
langs = [tree("cycle%d" % i)["language"] for i in range(3)]
check(langs == ["en", "ar", "en"], "attract cycles only the offered languages: %s" % langs)
lt = tree("lang")
check(lt["language"] == "en", "the first offered language is the default: %s" % lt["language"])
print("ui_resident_guards: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
