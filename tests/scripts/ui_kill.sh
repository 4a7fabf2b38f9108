#!/usr/bin/env bash
# kill -9 durability, the short run (also under emulation, where ui_durability.sh is left out):
# exactly 25 kills of a scripted kiosk completing polls on one database, each aimed by the
# kiosk's log lines as ui_durability.sh does (after 0-2 stored responses, never at a moment
# counted from the start, which a slow machine would spend starting up). After every kill the
# database passes PRAGMA integrity_check and every response the log says was stored is there
# exactly once; then every answer and seq over all the logs, and a last uninterrupted run.
# No time bound: ctest's timeout is the guard. WIJKPEIL_KILL_ROUNDS and _SEED change the run.
set -euo pipefail
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export WIJKPEIL_DURABILITY_KILLS="${WIJKPEIL_KILL_ROUNDS:-25}"
export WIJKPEIL_DURABILITY_MIN="$WIJKPEIL_DURABILITY_KILLS" WIJKPEIL_DURABILITY_SECONDS=0
export WIJKPEIL_DURABILITY_SEED="${WIJKPEIL_KILL_SEED:-2027}"
exec bash "$WIJKPEIL_SRC/tests/scripts/ui_durability.sh"
