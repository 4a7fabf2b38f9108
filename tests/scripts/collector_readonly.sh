#!/usr/bin/env bash
# CLI polish of issue 14: --help and --version on every sub-command (exit 0, on stdout), and no
# command that only reads or updates (status, export, import, device list|revoke|rotate,
# user add|list|remove|passwd, share withdraw|restore, publish) creates a database for a --db
# that does not exist: it says so in one line and exits 1. Only serve and device add create one.
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}
for sub in serve "device add" "device list" export status import migrate "user add" "user list"; do
    # shellcheck disable=SC2086 # sub is one or two words
    check "$sub --help: usage on stdout, exit 0" bash -c "'$C' $sub --help >'$TMP/out' && grep -q '^usage:' '$TMP/out'"
    # shellcheck disable=SC2086
    check "$sub --version: exit 0" bash -c "'$C' $sub --version | grep -Eq '^wijkpeil-collector [0-9]'"
done
echo '{}' >"$TMP/in.jsonl"
for cmd in status export "device list" "device revoke k" "device rotate k" "user list" \
    "user add u --role admin" "user passwd u" "user remove u" "share withdraw set q" \
    "share restore set q" "publish --list" "publish --withdraw 0123456789abcdef" \
    "publish $TMP/set.json --location l" "import $TMP/in.jsonl --device k"; do
    rc=0
    # shellcheck disable=SC2086
    echo 'a long password' | "$C" $cmd --db "$TMP/typo.db" >/dev/null 2>"$TMP/err" || rc=$?
    check "$cmd --db typo.db: exit 1 ($rc)" test "$rc" = 1
    check "... one line that says so" \
        test "$(cat "$TMP/err")" = "wijkpeil-collector: $TMP/typo.db: no such database (serve and device add create one)"
    check "... and no file was made" test ! -e "$TMP/typo.db"
done
check "device add still creates a database" \
    bash -c "'$C' device add k --location l --db '$TMP/new.db' >/dev/null && test -s '$TMP/new.db'"
check "export with two --qset files is a usage error" \
    bash -c "'$C' export --db '$TMP/new.db' --qset a.json --qset b.json 2>/dev/null; test \$? -eq 2"
[ "$fail" -eq 0 ] && echo "collector_readonly: all checks passed"
exit "$fail"
