#!/usr/bin/env bash
# The config key "languages" limits the language screen to the languages staff offer; a kiosk
# without it offers every language of the poll.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
poll="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"

printf 'languages = nl, ar\n' >"$tmp/kiosk.conf"
cat >"$tmp/offered.txt" <<'S'
tap-id start
expect-screen language
expect-widget lang:nl
expect-widget lang:ar
expect-no-widget lang:en
expect-no-widget lang:uk
tap-id lang:ar
expect-screen question
S
"$WIJKPEIL" --config "$tmp/kiosk.conf" --questionset "$poll" --db "$tmp/a.db" --script "$tmp/offered.txt"

cat >"$tmp/all.txt" <<'S'
tap-id start
expect-widget lang:nl
expect-widget lang:en
expect-widget lang:ar
expect-widget lang:tr
expect-widget lang:pl
expect-widget lang:uk
S
"$WIJKPEIL" --questionset "$poll" --db "$tmp/b.db" --script "$tmp/all.txt"

# An unknown setting is refused with the file and line.
printf 'languages = nl\nlanguage = en\n' >"$tmp/bad.conf"
if "$WIJKPEIL" --config "$tmp/bad.conf" --questionset "$poll" --db "$tmp/c.db" \
    --script "$tmp/all.txt" 2>"$tmp/err"; then
  echo "FAIL: an unknown setting was accepted"
  exit 1
fi
grep -q "bad.conf:2: unknown setting \"language\"" "$tmp/err" || {
  echo "FAIL: message does not name the line: $(cat "$tmp/err")"
  exit 1
}
echo "ui_languages: 3 passed, 0 failed"
