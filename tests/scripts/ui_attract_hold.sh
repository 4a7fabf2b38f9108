#!/usr/bin/env bash
# A resident reading the attract screen keeps its language: the Arabic welcome does not fit a
# 7" panel whole, and a scroll down holds Arabic (and the page) for 20 s from the scroll, with
# nothing due before then (expect-wake-within), then the cycle goes on with the next language
# (a tester scrolled and was in Turkish 2.5 s later). flow_attract_hold, tested in test_flow.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
poll="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
printf 'screen_width_mm = 155\n' >"$tmp/k.conf"
# the demo's languages turn every 3 s: nl, en, ar, tr, ...
cat >"$tmp/s.txt" <<S
expect-screen attract
wait 6000
tree $tmp/before.json
tap-id scroll-down
expect-wake-within 20000
wait 2900
tree $tmp/read.json
wait 17000
tree $tmp/still.json
wait 200
tree $tmp/after.json
S
"$WIJKPEIL" --config "$tmp/k.conf" --questionset "$poll" --db "$tmp/k.db" --window 800x480 \
    --script "$tmp/s.txt" >"$tmp/out" 2>&1 || {
    cat "$tmp/out"
    exit 1
}
lang() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['widgets'][0]['lang'])" "$1"; }
fail=0
expect() { # expect FILE LANG WHAT
    local got
    got=$(lang "$1")
    if [ "$got" = "$2" ]; then echo "ok   $3"; else
        echo "FAIL: $3: $got, not $2" >&2
        fail=1
    fi
}
expect "$tmp/before.json" ar "the attract screen in Arabic, the welcome cut (a scroll button)"
expect "$tmp/read.json" ar "2.9 s after a scroll: still Arabic (the turn was due after 3 s)"
expect "$tmp/still.json" ar "19.9 s after it: still Arabic"
expect "$tmp/after.json" tr "20.1 s after it: the next language, Turkish"
exit $fail
