#!/usr/bin/env bash
# The running kiosk notices a USB stick with a WIJKPEIL folder within a few seconds of it
# appearing under a mount root (a plain folder stands in for /media here), and stops cleanly on
# SIGTERM as systemd sends it.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/media"
cat >"$tmp/kiosk.conf" <<CONF
mount_root = $tmp/media
log_file = $tmp/kiosk.log
CONF
"$WIJKPEIL" --config "$tmp/kiosk.conf" --questionset "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" \
  --db "$tmp/kiosk.db" --window 1280x720 2>"$tmp/stderr" &
pid=$!
sleep 1
mkdir -p "$tmp/media/STICK1/WIJKPEIL/questionsets"
found=0
for _ in $(seq 1 50); do
  if grep -q "USB stick with a WIJKPEIL folder at $tmp/media/STICK1" "$tmp/kiosk.log" 2>/dev/null; then
    found=1
    break
  fi
  sleep 0.1
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
if [ "$found" -ne 1 ]; then
  echo "FAIL: the stick was not noticed within 5 s"; cat "$tmp/kiosk.log" "$tmp/stderr"; exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "FAIL: the kiosk exited $rc on SIGTERM"; cat "$tmp/stderr"; exit 1
fi
echo "usb_notice: 2 passed, 0 failed"
