#!/usr/bin/env bash
# A kiosk stopped by SIGTERM (systemd, staff) or SIGINT while a resident is in the middle of a
# poll stores the answers so far as "abandoned", with a log line; nothing is lost silently.
# (SIGINT takes the same path through SDL, but a background job of a script ignores SIGINT,
# and SDL leaves an ignored signal alone, so it is not sent here.)
# The script answers question 1, moves to question 2 and writes the widget tree into a FIFO:
# the test reads it (so it knows the kiosk is on question 2, however slow the machine is),
# then sends the signal while the script sleeps.
set -euo pipefail

: "${WIJKPEIL:?set WIJKPEIL to the kiosk program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
export PYTHONDONTWRITEBYTECODE=1
TMP=$(mktemp -d)
PID=""
cleanup() {
    if [ -n "$PID" ]; then kill -9 "$PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

POLL="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}

# stopped SIGNAL KEEP: runs the kiosk to question 2, sends SIGNAL, checks the database and log.
stopped() {
    local sig=$1 keep=$2 dir="$TMP/$1-$2"
    mkdir -p "$dir"
    mkfifo "$dir/tree.fifo"
    printf 'keep_abandoned = %s\nlog_file = %s\n' "$keep" "$dir/kiosk.log" >"$dir/kiosk.conf"
    cat >"$dir/script.txt" <<S
tap-id start
tap-id lang:nl
tap-id option:wijk:nazareth
tap-id next
expect-screen question
tree $dir/tree.fifo
sleep 60000
S
    "$WIJKPEIL" --config "$dir/kiosk.conf" --questionset "$POLL" --db "$dir/kiosk.db" \
        --window 1280x720 --script "$dir/script.txt" >/dev/null 2>"$dir/stderr" &
    PID=$!
    # Blocks until the kiosk has written the tree (the guard only stops a kiosk that died).
    if ! timeout 300 cat "$dir/tree.fifo" >"$dir/tree.json"; then
        bad "$sig: the kiosk never reached question 2"
        sed 's/^/    | /' "$dir/stderr" >&2
        return
    fi
    python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); sys.exit(t["question"] != "woonplezier")' \
        "$dir/tree.json" || bad "$sig: not on question 2: $(head -c 300 "$dir/tree.json")"
    kill "-$sig" "$PID"
    local rc=0
    wait "$PID" || rc=$?
    PID=""
    [ "$rc" -eq 0 ] || bad "$sig: the kiosk exited $rc"
    grep -q "stopping during a poll (on question 2)" "$dir/kiosk.log" ||
        bad "$sig: no log line about stopping during a poll: $(cat "$dir/kiosk.log")"
    "$WIJKPEIL" export --db "$dir/kiosk.db" --format jsonl >"$dir/export.jsonl"
    python3 - "$dir/export.jsonl" "$keep" "$sig" <<'PY' || fail=$((fail + 1))
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keep, sig = sys.argv[2] == "yes", sys.argv[3]
want = [("abandoned", {"wijk": "nazareth"}, "nl")] if keep else []
got = [(r["status"], r["answers"], r["language"]) for r in rows]
if got != want:
    print("FAIL: %s: stored %r, want %r" % (sig, got, want), file=sys.stderr)
    sys.exit(1)
PY
    if [ "$keep" = yes ]; then
        grep -Eq "stored abandoned response [0-9a-f-]{36} \(seq 1\)" "$dir/kiosk.log" ||
            bad "$sig: the log does not name the stored response"
    else
        grep -q "partial answers are not kept (keep_abandoned = no)" "$dir/kiosk.log" ||
            bad "$sig: the log does not say why nothing was kept"
    fi
    echo "ui_sigterm: $sig (keep_abandoned = $keep): $(grep -c . "$dir/export.jsonl") stored"
}

stopped TERM yes
stopped TERM no

if [ "$fail" -ne 0 ]; then
    echo "ui_sigterm: $fail failed" >&2
    exit 1
fi
echo "ui_sigterm: ok"
