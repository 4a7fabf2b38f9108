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

# pin-hash: a PIN on stdin gives a config line; letters are refused.
echo 4711 | "$Q" pin-hash >out 2>err || bad "pin-hash failed"
grep -q '^staff_pin_hash = \$argon2id\$' out || bad "pin-hash output: $(cat out)"
echo 47a1 | "$Q" pin-hash >out 2>err && bad "pin-hash took letters"

if [ "$fail" -ne 0 ]; then
    echo "$fail failed" >&2
    exit 1
fi
echo "staff_sign: all passed"
