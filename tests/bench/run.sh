#!/usr/bin/env bash
# Prints every benchmark's figures (tools/dev.sh bench). Argument: an optimised build folder.
# Run it on a quiet machine: the figures are wall-clock times.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_FRAMEBUFFER_ACCELERATION=0
b="$build/tests"
echo "== kiosk: start-up, memory, draw time, idle frames (1920x1080, software renderer) =="
"$b/bench_kiosk" "$build" "$src"
echo "== store: time to store a response, pending index at 1,000,000 rows, export =="
"$b/bench_store" "${TMPDIR:-/tmp}"
echo "== speech: say/stop latency, time to first audio, synthesis speed =="
"$b/bench_speech"
echo "== sync: 100,000 responses to a loopback collector, 4 kiosks at once, idle CPU =="
"$b/bench_sync" "$build/wijkpeil-collector"
echo "== collector ingest: SQLite, PostgreSQL with 1 and 2 instances, 4 and 16 kiosks =="
"$src/tests/bench/collector_pg.sh" "$build"
