#!/usr/bin/env bash
# wijkpeil-qset keygen / sign / verify through the command line: a good signature, a tampered
# byte, the wrong key, a missing signature, key file modes and keygen refusing to overwrite.
set -euo pipefail

: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
Q="$WIJKPEIL_QSET"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"

fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
# expect RC CMD...: runs CMD, checks its exit code; output in $TMP/out and $TMP/err
expect() {
    local want=$1 rc=0
    shift
    "$@" >out 2>err || rc=$?
    if [ "$rc" -ne "$want" ]; then
        bad "$*: exit code $rc, expected $want"
        sed 's/^/    | /' out err >&2
    fi
}
says() { grep -q -- "$1" out err || bad "expected output to mention \"$1\""; }

umask 000 # the secret key must still be private
expect 0 "$Q" keygen -o staff
[ "$(stat -c %a staff.secret)" = 600 ] || bad "staff.secret has mode $(stat -c %a staff.secret)"
[ "$(wc -l <staff.public)" -eq 1 ] || bad "staff.public is not one line"
grep -q "^trusted_key = $(cat staff.public)\$" out || bad "keygen does not print the config line"
umask 022
cp staff.secret secret.before
expect 1 "$Q" keygen -o staff
says "exists already"
cmp -s staff.secret secret.before || bad "keygen overwrote an existing key"
expect 0 "$Q" keygen -o other

cp "$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json" set.json
cp -r "$WIJKPEIL_SRC/assets/demo/clips" clips # its Tigrinya clips, listed in its "files"
expect 1 "$Q" verify set.json --key staff.public
says "not signed"
expect 0 "$Q" sign set.json --key staff.secret
[ -s set.json.sig ] || bad "no set.json.sig"
expect 0 "$Q" verify set.json --key staff.public
expect 1 "$Q" verify set.json --key other.public
says "another key"

# One byte changed after signing.
cp set.json signed.json
printf 'X' | dd of=set.json bs=1 seek=20 conv=notrunc status=none
expect 1 "$Q" verify set.json --key staff.public
says "changed after signing"
cp signed.json set.json
expect 0 "$Q" verify set.json --key staff.public

# A byte appended at the end is just as bad.
printf ' ' >>set.json
expect 1 "$Q" verify set.json --key staff.public
cp signed.json set.json

# Signing needs the secret key, and refuses a set that does not validate.
expect 1 "$Q" sign set.json --key staff.public
printf '{"format": "wijkpeil/1"}\n' >broken.json
expect 1 "$Q" sign broken.json --key staff.secret
[ ! -e broken.json.sig ] || bad "an invalid set was signed"
expect 2 "$Q" verify set.json

# Clips and per-set icons: sign lists them with their SHA-256 inside the set, verify checks
# them; a set without files is signed byte for byte as before.
cp "$WIJKPEIL_SRC/tests/qsets/valid-somali.json" plain.json
cp plain.json plain.orig
expect 0 "$Q" sign plain.json --key staff.secret
cmp -s plain.json plain.orig || bad "sign changed a set that uses no files"
cp signed.json listed.json
expect 0 "$Q" sign signed.json --key staff.secret
cmp -s signed.json listed.json || bad "signing the demo again changed its up-to-date files list"
mkdir -p media/clips media/icons
cp "$WIJKPEIL_SRC/tests/qsets/clips/q1-nl.wav" media/clips/nl-q1.wav
printf '\x89PNG money' >media/icons/money.png
cat >media/set.json <<'EOF'
{"format": "wijkpeil/1", "id": "met-geluid", "version": 1, "languages": ["nl"],
 "title": {"nl": "Met geluid"},
 "questions": [{"id": "waar", "type": "single", "text": {"nl": "Waar?"},
   "text_audio": {"nl": "clips/nl-q1.wav"},
   "options": [{"id": "hier", "icon": "money", "text": {"nl": "Hier"}},
               {"id": "daar", "icon": "house", "text": {"nl": "Daar"}}]}]}
EOF
cp media/set.json media/unsigned.json
expect 0 "$Q" sign media/set.json --key staff.secret
says '"files" now lists 2 files'
clip_sha=$(sha256sum media/clips/nl-q1.wav | cut -d' ' -f1)
grep -q "\"clips/nl-q1.wav\": \"$clip_sha\"" media/set.json || bad "the clip's SHA-256 is not listed"
grep -q '"icons/money.png"' media/set.json || bad "the set's own icon is not listed"
grep -q '"icons/house.png"' media/set.json && bad "an icon that is not beside the set is listed"
expect 0 "$Q" validate media/set.json
expect 0 "$Q" verify media/set.json --key staff.public
says "2 files as signed"
cp media/set.json media/listed.json
expect 0 "$Q" sign media/set.json --key staff.secret
cmp -s media/set.json media/listed.json || bad "signing again changed an up-to-date list"
# One byte of the clip changed after signing.
cp media/clips/nl-q1.wav clip.orig
printf 'X' | dd of=media/clips/nl-q1.wav bs=1 seek=44 conv=notrunc status=none
expect 1 "$Q" verify media/set.json --key staff.public
says "clips/nl-q1.wav was changed after the set was signed"
# Signing again refreshes the list (the new bytes are what staff mean to sign).
expect 0 "$Q" sign media/set.json --key staff.secret
says '"files" now lists 2 files'
expect 0 "$Q" verify media/set.json --key staff.public
cp clip.orig media/clips/nl-q1.wav
expect 0 "$Q" sign media/set.json --key staff.secret
# A missing clip: sign refuses, naming it; verify names it too.
mv media/clips/nl-q1.wav clip.away
expect 1 "$Q" verify media/set.json --key staff.public
says 'clip "clips/nl-q1.wav" not found'
cp media/set.json before.json
expect 1 "$Q" sign media/set.json --key staff.secret
says 'clip "clips/nl-q1.wav" not found'
cmp -s media/set.json before.json || bad "a refused sign changed the set"
# A symlinked clip or icon is refused, even one leading to a file beside the set (a kiosk
# refuses it on a stick).
mv clip.away media/clips/real.wav
ln -s real.wav media/clips/nl-q1.wav
expect 1 "$Q" sign media/set.json --key staff.secret
says "clips/nl-q1.wav is a symbolic link"
rm media/clips/nl-q1.wav
mv media/clips/real.wav media/clips/nl-q1.wav
mv media/icons/money.png media/icons/real.png
ln -s real.png media/icons/money.png
expect 1 "$Q" sign media/set.json --key staff.secret
says "icons/money.png is a symbolic link"
rm media/icons/money.png
mv media/icons/real.png media/icons/money.png
# A clip the list does not name is refused by the validator (sign would add it).
grep -v '"clips/nl-q1.wav": "' media/set.json >media/unlisted.json
expect 1 "$Q" validate media/unlisted.json
says 'clip "clips/nl-q1.wav" is not listed in "files"'
expect 0 "$Q" sign media/unsigned.json --key staff.secret
expect 0 "$Q" verify media/unsigned.json --key staff.public

# pin-hash: a PIN on stdin gives a config line; letters are refused.
echo 4711 | "$Q" pin-hash >out 2>err || bad "pin-hash failed"
grep -q '^staff_pin_hash = \$argon2id\$' out || bad "pin-hash output: $(cat out)"
echo 47a1 | "$Q" pin-hash >out 2>err && bad "pin-hash took letters"

if [ "$fail" -ne 0 ]; then
    echo "$fail failed" >&2
    exit 1
fi
echo "staff_sign: all passed"
