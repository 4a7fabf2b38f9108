#!/usr/bin/env bash
# Outside opening_hours the screen is blank (no frames drawn at all) and no poll can start: a
# tap shows a "closed" screen with the hours until the idle time passes, then blank again; at
# opening time the attract screen comes back by itself.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1 TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
poll="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
# Open from two to three hours from now (UTC), so the kiosk starts outside opening hours.
hm=$(date -u +%H%M) # one reading for hour and minute
h=${hm:0:2}
m=${hm:2:2}
open=$(printf '%02d:00' $(((10#$h + 2) % 24)))
close=$(printf '%02d:00' $(((10#$h + 3) % 24)))
printf 'opening_hours = %s-%s\n' "$open" "$close" >"$tmp/kiosk.conf"
# A stand-in for /sys/class/backlight: the panel goes dark while nothing is shown.
mkdir -p "$tmp/bl/panel"
echo 0 >"$tmp/bl/panel/bl_power"
export WIJKPEIL_BACKLIGHT_DIR="$tmp/bl"
cat >"$tmp/rest.txt" <<S
tree $tmp/closed.json
wait 600000
tree $tmp/still-closed.json
S
"$WIJKPEIL" --config "$tmp/kiosk.conf" --questionset "$poll" --db "$tmp/k.db" \
  --script "$tmp/rest.txt" --stats 2>"$tmp/rest.err"
# to half past the opening hour (the clock moves on a little while we compute; half an hour of
# margin on each side)
to_open=$(((150 - 10#$m) * 60000))
bl_rest=$(cat "$tmp/bl/panel/bl_power")
cat >"$tmp/wake.txt" <<S
wait $to_open
tree $tmp/open.json
wait 9500
S
"$WIJKPEIL" --config "$tmp/kiosk.conf" --questionset "$poll" --db "$tmp/k.db" \
  --script "$tmp/wake.txt" --stats 2>"$tmp/wake.err"
cat >"$tmp/tap.txt" <<S
expect-no-widget start
tap 960 700
expect-screen attract
expect-widget closed
expect-widget hours
expect-no-widget start
tap 960 700
expect-screen attract
wait 91000
expect-no-widget closed
S
bl_open=$(cat "$tmp/bl/panel/bl_power")
"$WIJKPEIL" --config "$tmp/kiosk.conf" --questionset "$poll" --db "$tmp/k.db" --script "$tmp/tap.txt"
bl_after_tap=$(cat "$tmp/bl/panel/bl_power")
printf '%s %s %s\n' "$bl_rest" "$bl_open" "$bl_after_tap" >"$tmp/bl.txt"
python3 - "$tmp" <<'PY'
import json, re, sys
tmp = sys.argv[1]
fails = 0
def check(ok, what):
    global fails
    if not ok:
        fails += 1
        print("FAIL:", what)
closed = json.load(open(tmp + "/closed.json"))
still = json.load(open(tmp + "/still-closed.json"))
opened = json.load(open(tmp + "/open.json"))
check(closed["resting"] is True, "resting outside opening hours")
check(still["resting"] is True and still["language"] == closed["language"],
      "no language cycle while resting")
check(opened["resting"] is False, "awake at opening time")
check(not closed["widgets"], "blank while closed: %d widgets" % len(closed["widgets"]))
check(any(w["id"] == "start" for w in opened["widgets"]), "the start button is back once open")
def frames(name):
    return int(re.search(r"frames=(\d+)", open(tmp + "/" + name).read()).group(1))
# Resting: the first frame and nothing in 10 minutes. Awake: the 3 s language cycle draws.
check(frames("rest.err") == 1, "frames while resting: %d, expected 1" % frames("rest.err"))
check(frames("wake.err") >= 4, "frames once open: %d, expected >= 4" % frames("wake.err"))
rest, opened_bl, after_tap = open(tmp + "/bl.txt").read().split()
check(rest == "4", "backlight off while closed (bl_power %s)" % rest)
check(opened_bl == "0", "backlight on once open (bl_power %s)" % opened_bl)
check(after_tap == "4", "off again after the closed screen timed out (bl_power %s)" % after_tap)
print("ui_opening_hours: %d passed, %d failed" % (11 - fails, fails))
sys.exit(1 if fails else 0)
PY
