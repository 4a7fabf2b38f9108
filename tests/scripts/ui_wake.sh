#!/usr/bin/env bash
# The script command expect-wake-within MS: the loop's next deadline is at most MS away. The
# attract screen wakes for its next language (3 s a turn); a question wakes at the latest for
# "are you still there?" (idle_seconds, 90 s; sooner for the kiosk's minute checks), and a
# script asking for less fails with the time it found.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
poll="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"

cat >"$tmp/ok.txt" <<'S'
expect-screen attract
expect-wake-within 3000
tap-id start
tap-id lang:nl
expect-screen question
expect-wake-within 90000
S
"$WIJKPEIL" --questionset "$poll" --db "$tmp/a.db" --script "$tmp/ok.txt"

cat >"$tmp/short.txt" <<'S'
tap-id start
tap-id lang:nl
expect-screen question
expect-wake-within 1000
S
if "$WIJKPEIL" --questionset "$poll" --db "$tmp/b.db" --script "$tmp/short.txt" 2>"$tmp/err"; then
  echo "FAIL: expect-wake-within 1000 passed on a question (idle 90 s)"
  exit 1
fi
ms=$(sed -n 's/.*the loop wakes in \([0-9]*\) ms on the question screen, not within 1000 ms.*/\1/p' "$tmp/err")
[ -n "$ms" ] && [ "$ms" -gt 1000 ] && [ "$ms" -le 90000 ] || {
  echo "FAIL: message does not say when the loop wakes: $(cat "$tmp/err")"
  exit 1
}
echo "ui_wake: 2 passed, 0 failed"
