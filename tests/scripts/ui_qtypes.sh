#!/usr/bin/env bash
# Question types through the kiosk (issue 12: the type table): a set with notes and likert
# questions answered by a script. A note is a screen of text and hint with "next", skipped by
# its show_if, and stores nothing; likert answers are tiles in one row on a wide panel and are
# stored like a single's.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
export PYTHONDONTWRITEBYTECODE=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TMPDIR="$TMP"
python3 "$WIJKPEIL_SRC/tests/scripts/lib/ui_qtypes.py"
