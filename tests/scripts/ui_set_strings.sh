#!/usr/bin/env bash
# Interface strings from the question set (issue 9): a Somali set with its own "ui_strings" runs
# and shows them (language tile, question screen, thanks); a right-to-left language from the set
# is laid out right to left; a set with a language nobody has strings for (Swahili) is refused at
# start and by `wijkpeil-qset validate`, naming the language and the missing keys.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
export PYTHONDONTWRITEBYTECODE=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TMPDIR="$TMP"
python3 "$WIJKPEIL_SRC/tests/scripts/lib/ui_set_strings.py"
