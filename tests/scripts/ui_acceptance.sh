#!/usr/bin/env bash
# The acceptance path (Arabic, switch to Dutch mid-poll, finish; the next resident walks
# away and is reset) and the resident rules around it, checked through tree files and export.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export PYTHONDONTWRITEBYTECODE=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TMPDIR="$TMP"
python3 "$WIJKPEIL_SRC/tests/scripts/lib/ui_acceptance.py"
