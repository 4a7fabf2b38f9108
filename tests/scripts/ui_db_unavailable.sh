#!/usr/bin/env bash
# A database that cannot be opened at start (its folder is missing: a medium not mounted) does
# not stop the kiosk: the problem is on the attract screen for staff and in the log, a finished
# poll shows the save-error screen (never "thank you"), the answers wait in memory, and they
# are stored once the database can be opened: nothing is lost.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/poll.json" <<'JSON'
{"format": "wijkpeil/1", "id": "db-test", "version": 3, "languages": ["nl"],
 "title": {"nl": "Test"},
 "questions": [{"id": "q", "type": "yesno", "text": {"nl": "Gaat het goed?"}}]}
JSON
db="$tmp/later/kiosk.db"
cat >"$tmp/s.txt" <<S
expect-screen attract
expect-widget storage-error
tap-id start
tap-id lang:nl
tap-id option:q:yes
tap-id next
expect-screen save-error
wait 20000
expect-screen attract
expect-widget storage-error
# the medium comes back: the test reads at.fifo (so it knows the kiosk is here), makes the
# folder, and only then opens go.fifo, which this command waits for
tree $tmp/at.fifo
tree $tmp/go.fifo
wait 6000
expect-no-widget storage-error
S
mkfifo "$tmp/at.fifo" "$tmp/go.fifo"
"$WIJKPEIL" --questionset "$tmp/poll.json" --db "$db" --script "$tmp/s.txt" 2>"$tmp/err" &
pid=$!
# The guards only stop a kiosk that died before reaching the FIFOs.
if timeout 300 cat "$tmp/at.fifo" >/dev/null; then
  mkdir -p "$tmp/later"
  timeout 300 cat "$tmp/go.fifo" >/dev/null || true
fi
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: script failed ($rc)"; cat "$tmp/err"; exit 1; }
fails=0
grep -q "ERROR: .*kiosk.db" "$tmp/err" || { echo "FAIL: no error in the log"; fails=$((fails + 1)); }
grep -q "after an earlier failure" "$tmp/err" || { echo "FAIL: not stored later"; fails=$((fails + 1)); }
out=$("$WIJKPEIL" export --db "$db")
n=$(printf '%s\n' "$out" | grep -c '"answers":{"q":"yes"}' || true)
[ "$n" -eq 1 ] || { echo "FAIL: expected the one response once, got $n: $out"; fails=$((fails + 1)); }
echo "ui_db_unavailable: $((3 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
