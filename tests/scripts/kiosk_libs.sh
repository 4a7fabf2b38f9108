#!/usr/bin/env bash
# Start-up (issue 11): the screen program reads its PNG icons with libpng (already loaded for
# FreeType), so it does not link SDL2_image, whose TIFF, WebP and JPEG decoders (and libstdc++,
# through libtiff) would be loaded and bound at every start. readelf reads foreign ELF too.
set -euo pipefail
: "${WIJKPEIL:?set WIJKPEIL to the wijkpeil program}" "${WIJKPEIL_BUILD:?}"
needed=$(readelf -d "$WIJKPEIL_BUILD/wijkpeil" | grep NEEDED)
fail=0
if grep -q 'libSDL2_image' <<<"$needed"; then
    echo "FAIL: wijkpeil links SDL2_image" >&2
    fail=1
fi
if ! grep -q 'libpng16' <<<"$needed"; then
    echo "FAIL: wijkpeil does not link libpng16 (how does it read its icons?)" >&2
    fail=1
fi
[ "$fail" = 0 ] && echo "kiosk_libs: 2 passed, 0 failed"
exit "$fail"
