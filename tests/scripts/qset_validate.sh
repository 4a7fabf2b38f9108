#!/usr/bin/env bash
# wijkpeil-qset validate: exit codes and the messages staff see, on valid and invalid fixtures.
set -euo pipefail

: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
Q="$WIJKPEIL_QSET"
FIX="$WIJKPEIL_SRC/tests/qsets"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail=0
pass=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
good() { pass=$((pass + 1)); }

# run NAME EXPECTED_RC ARGS...: runs validate, keeps stdout in $TMP/NAME.out
run() {
    local name=$1 want=$2
    shift 2
    local rc=0
    "$Q" validate "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
    if [ "$rc" -ne "$want" ]; then
        bad "$name: exit code $rc, expected $want"
        sed 's/^/    | /' "$TMP/$name.out" "$TMP/$name.err" >&2
    else
        good
    fi
}

# expect NAME TEXT: stdout of NAME has a line containing TEXT
expect() {
    if grep -qF -- "$2" "$TMP/$1.out"; then
        good
    else
        bad "$1: no line containing: $2"
        sed 's/^/    | /' "$TMP/$1.out" >&2
    fi
}

cd "$FIX"

# A valid set: exit 0 and one "ok" line naming the questions and languages.
run valid 0 valid-all.json
expect valid "valid-all.json: ok (9 questions, languages nl en ar)"
[ "$(wc -l <"$TMP/valid.out")" -eq 1 ] && good || bad "valid: more than one line of output"

# A set older than the cards (its own language without the card words) is valid, and says in a
# warning that it shows no cards in that language, naming the missing keys.
run nocards 0 valid-somali-no-card-words.json
expect nocards "valid-somali-no-card-words.json: ok (3 questions, languages nl so)"
expect nocards "valid-somali-no-card-words.json: \"ui_strings\" \"so\": no words for the cards of what neighbours said, so the kiosk shows no cards in \"so\""
expect nocards "add them to show cards: card_heading, card_in_ten,"
expect nocards "card_day (warning)"
run withcards 0 valid-somali.json
grep -q warning "$TMP/withcards.out" && bad "valid-somali.json: a warning" || good

# The demo polls that ship with the kiosk validate.
shopt -s nullglob
demos=("$WIJKPEIL_SRC"/assets/demo/*.json)
if [ ${#demos[@]} -gt 0 ]; then
    run demo 0 "${demos[@]}"
fi

# Invalid sets: exit 1 and the message that names the place to fix.
run syntax 1 invalid-syntax-comma.json
expect syntax "invalid-syntax-comma.json:6:23: string or '}' expected"
run comma 1 invalid-syntax-missing-comma.json
expect comma "invalid-syntax-missing-comma.json:4:11:"
run dupkey 1 invalid-duplicate-key.json
expect dupkey "invalid-duplicate-key.json:4:6: duplicate object key"
run utf8 1 invalid-utf8.json
expect utf8 "invalid-utf8.json:3:12: unable to decode byte 0xe9"
expect utf8 "not valid UTF-8"
run arabic 1 invalid-no-arabic.json
expect arabic 'invalid-no-arabic.json: zorgen: option "geld" has no text for "ar"'
run forward 1 invalid-show-if-forward.json
expect forward 'invalid-show-if-forward.json: waarom: show_if refers to "woonplezier", which comes later'
run typo 1 invalid-typo.json
expect typo 'invalid-typo.json: vertrouwen: unknown key "requird" (did you mean "required"?)'
run empty 1 invalid-empty-poll.json
expect empty 'invalid-empty-poll.json: "questions" is empty'
run clip 1 invalid-clip-escape.json
expect clip 'must not contain ".."'

# Every problem of a file is printed, one per line.
run many 1 invalid-many.json
expect many 'invalid-many.json: "version" must be a positive whole number'
expect many 'invalid-many.json: "title" has no text for "en"'
expect many 'invalid-many.json: a: unknown type "multiple"'
expect many 'invalid-many.json: b: the question id is used twice'
expect many 'invalid-many.json: c: "min" (3) is greater than "max" (2)'
expect many 'invalid-many.json: d: option "x" has no text for "en"'
expect many 'invalid-many.json: d: show_if refers to question "nope", which does not exist'
n=$(grep -c '^invalid-many.json: ' "$TMP/many.out" || true)
[ "$n" -eq 7 ] && good || bad "many: $n message lines, expected 7"

# Several files: one bad file makes the exit code 1, and both are reported.
run mixed 1 valid-all.json invalid-typo.json
expect mixed "valid-all.json: ok"
expect mixed 'invalid-typo.json: vertrouwen: unknown key "requird"'

# A missing file, and a file over the size limit refused unread.
run missing 1 "$TMP/none.json"
expect missing "none.json: cannot open"
head -c 5242881 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
run big 1 "$TMP/big.json"
expect big "big.json: file is too large"

# A set copied elsewhere still finds its clips relative to its own folder.
mkdir -p "$TMP/set/clips"
cp "$FIX/clips/q1-nl.wav" "$FIX/clips/welkom-nl.wav" "$TMP/set/clips/"
cp "$FIX/valid-all.json" "$TMP/set/"
run moved 0 "$TMP/set/valid-all.json"
rm "$TMP/set/clips/q1-nl.wav"
run noclip 1 "$TMP/set/valid-all.json"
expect noclip 'woonplezier: "text_audio" for "nl": clip "clips/q1-nl.wav" not found'

# Usage: no file is a usage error (2), not a pass.
rc=0
"$Q" validate >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] && good || bad "validate without files: exit $rc, expected 2"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
