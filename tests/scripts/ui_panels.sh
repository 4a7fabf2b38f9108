#!/usr/bin/env bash
# Every panel kiosks really have (ACCESSIBILITY.md A13): the demo poll answered end to end in
# Dutch and Arabic, normal and large text, reaching every answer as a resident would (scrolling,
# looking behind "more"), and the stored response checked; plus the double tap on "next" and the
# language the poll opens in.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export PYTHONDONTWRITEBYTECODE=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TMPDIR="$TMP"
python3 "$WIJKPEIL_SRC/tests/scripts/lib/ui_panels.py"
