#!/usr/bin/env bash
# CLI polish of issue 14: --help and --version on every sub-command (exit 0, on stdout), and no
# command that only reads (status, export, device list, user list) creates a database for a
# --db that does not exist: it says so and exits 1.
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
for cmd in status export "device list" "user list"; do
    # shellcheck disable=SC2086
    check "$cmd --db typo.db: an error" bash -c "! '$C' $cmd --db '$TMP/typo.db' 2>'$TMP/err'"
    check "... that says so" grep -q 'no such database' "$TMP/err"
    check "... and no file was made" test ! -e "$TMP/typo.db"
done
check "device add still creates a database" \
    bash -c "'$C' device add k --location l --db '$TMP/new.db' >/dev/null && test -s '$TMP/new.db'"
check "export with two --qset files is a usage error" \
    bash -c "'$C' export --db '$TMP/new.db' --qset a.json --qset b.json 2>/dev/null; test \$? -eq 2"
[ "$fail" -eq 0 ] && echo "collector_readonly: all checks passed"
exit "$fail"
