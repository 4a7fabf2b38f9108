#!/usr/bin/env bash
# Walks the whole demo poll in every language (tap-id), checks every tree and what was stored,
# and renders every screen to $WIJKPEIL_BUILD/screens/LANG/NN-name.png for people to look at.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export PYTHONDONTWRITEBYTECODE=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TMPDIR="$TMP"
python3 "$WIJKPEIL_SRC/tests/scripts/lib/ui_walk.py"
