#!/usr/bin/env bash
# Prints every benchmark's figures (tools/dev.sh bench). Argument: an optimised build folder.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_FRAMEBUFFER_ACCELERATION=0
echo "== kiosk (1920x1080, software renderer) =="
"$build/tests/bench_kiosk" "$build" "$src"
for b in "$build"/tests/bench_*; do
  name=$(basename "$b")
  case "$name" in bench_kiosk) continue ;; esac
  [ -x "$b" ] || continue
  echo "== $name =="
  "$b" "$build" "$src" || echo "($name failed with exit $?)"
done
