#!/usr/bin/env bash
# A script with a mistake (an unknown command, an argument missing, extra or out of range, a
# line too long) stops at that line with exit 1 and one message naming the file, the line and
# the command (an unknown one with the list of known commands, taken from the command table),
# never a crash or a sanitizer report; nothing after the bad line runs.
set -euo pipefail
: "${WIJKPEIL:?}" "${WIJKPEIL_SRC:?}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" WIJKPEIL_NO_SPEECH=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
poll="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
pass=0
fail=0

# NAME|BAD LINE (line 3 of the script)|TEXT THE MESSAGE HOLDS AFTER "NAME.txt:3: "
cases=(
    'unknown|jump-to question|unknown command "jump-to" (the commands: tap, tap-id, double-tap-id, reach-id, close-panel, wait, shot, tree, expect-screen, expect-widget, expect-no-widget, expect-wake-within, sleep, quit)'
    'missing|tap-id|tap-id: an argument is missing (usage: tap-id ID)'
    'missing2|tap 10|tap: an argument is missing (usage: tap X Y)'
    'extra|expect-screen question now|expect-screen: too many arguments (usage: expect-screen NAME)'
    'extra4|tap 1 2 3 4 5|tap: too many arguments (usage: tap X Y)'
    'noargs|quit now|quit: takes no arguments'
    'panel|close-panel all|close-panel: takes no arguments'
    'notnum|wait soon|wait: MS "soon" is not a whole number from 0 to 31536000000 (usage: wait MS)'
    'negative|wait -5|wait: MS "-5" is not a whole number from 0 to 31536000000 (usage: wait MS)'
    'outside|tap 800 5|tap: X "800" is not a whole number from 0 to 799 (the window'"'"'s width) (usage: tap X Y)'
    'below|tap 5 480|tap: Y "480" is not a whole number from 0 to 479 (the window'"'"'s height) (usage: tap X Y)'
    'sleep|sleep 60001|sleep: MS "60001" is not a whole number from 0 to 60000 (usage: sleep MS)'
    'gap|double-tap-id start 9999999999999999999999|double-tap-id: MS "9999999999999999999999" is not a whole number from 0 to 5000 (usage: double-tap-id ID MS)'
    'widget|tap-id lang:xx|tap-id: no widget "lang:xx" on the language screen'
    'expect|expect-screen question|expect-screen: expected screen "question", but it is "language"'
    'reach|reach-id nowhere|reach-id: widget "nowhere" cannot be reached on the language screen'
    'shot|shot /nonexistent-dir/x.png|shot: cannot write /nonexistent-dir/x.png'
)
for row in "${cases[@]}"; do
    IFS='|' read -r name line want <<<"$row"
    printf '# line 1: a comment\ntap-id start\n%s\nshot %s\n' "$line" "$tmp/$name-after.png" \
        >"$tmp/$name.txt"
    rc=0
    "$WIJKPEIL" --window 800x480 --questionset "$poll" --db "$tmp/$name.db" \
        --script "$tmp/$name.txt" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
    msg="wijkpeil: $tmp/$name.txt:3: $want"
    if [ "$rc" -ne 1 ]; then
        echo "FAIL: $name: exit $rc, not 1: $(cat "$tmp/$name.err")"
        fail=$((fail + 1))
    elif ! grep -qF -- "$msg" "$tmp/$name.err"; then
        echo "FAIL: $name: wanted \"$msg\" in: $(cat "$tmp/$name.err")"
        fail=$((fail + 1))
    elif grep -qE 'Sanitizer|runtime error' "$tmp/$name.err"; then
        echo "FAIL: $name: a sanitizer report: $(cat "$tmp/$name.err")"
        fail=$((fail + 1))
    elif [ -e "$tmp/$name-after.png" ]; then
        echo "FAIL: $name: the line after the bad one ran"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done

# A line longer than the reader's buffer (2046 characters and the newline).
{
    echo "tap-id start"
    printf 'tap-id %02100d\n' 0
} >"$tmp/long.txt"
rc=0
"$WIJKPEIL" --questionset "$poll" --db "$tmp/long.db" --script "$tmp/long.txt" 2>"$tmp/long.err" ||
    rc=$?
if [ "$rc" -eq 1 ] && grep -qF "$tmp/long.txt:2: line too long (at most 2046 characters)" "$tmp/long.err"; then
    pass=$((pass + 1))
else
    echo "FAIL: long line: exit $rc: $(cat "$tmp/long.err")"
    fail=$((fail + 1))
fi

# --help lists every command of the table.
"$WIJKPEIL" --help >"$tmp/help.txt"
for cmd in tap tap-id double-tap-id reach-id close-panel wait shot tree expect-screen \
    expect-widget expect-no-widget expect-wake-within sleep quit; do
    if grep -qE "^  $cmd( |\$)" "$tmp/help.txt"; then
        pass=$((pass + 1))
    else
        echo "FAIL: --help does not list $cmd"
        fail=$((fail + 1))
    fi
done

echo "ui_script_errors: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
