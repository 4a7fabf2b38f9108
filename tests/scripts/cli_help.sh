#!/usr/bin/env bash
# Every program and sub-command answers --help (usage on stdout) and --version ("PROGRAM
# VERSION") with exit 0, and a usage error (an unknown option) with exit 2.
set -euo pipefail

: "${WIJKPEIL:?}" "${WIJKPEIL_QSET:?}" "${WIJKPEIL_SYNC:?}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
n=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}

# NAME|PROGRAM|SUB-COMMAND WORDS (the table: programs x sub-commands)
rows=(
    "wijkpeil|$WIJKPEIL|"
    "wijkpeil|$WIJKPEIL|export"
    "wijkpeil|$WIJKPEIL|sync"
    "wijkpeil-sync|$WIJKPEIL_SYNC|"
    "wijkpeil-qset|$WIJKPEIL_QSET|"
)
for sub in validate from-csv preview keygen sign verify pin-hash; do
    rows+=("wijkpeil-qset|$WIJKPEIL_QSET|$sub")
done
if [ -n "${WIJKPEIL_TO_XLSX:-}" ]; then rows+=("wijkpeil-to-xlsx|$WIJKPEIL_TO_XLSX|"); fi
if [ -n "${WIJKPEIL_COLLECTOR:-}" ]; then
    for sub in "" serve device "device add" "device list" "device revoke" "device rotate" \
        user "user add" "user passwd" "user list" "user remove" export status import migrate; do
        rows+=("wijkpeil-collector|$WIJKPEIL_COLLECTOR|$sub")
    done
fi

for row in "${rows[@]}"; do
    IFS='|' read -r name prog sub <<<"$row"
    read -r -a words <<<"$sub"
    what="$name${sub:+ $sub}"
    n=$((n + 1))
    rc=0
    "$prog" "${words[@]}" --help >"$TMP/out" 2>"$TMP/err" </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        bad "$what --help: exit $rc ($(head -1 "$TMP/err"))"
    elif ! grep -qi '^usage' "$TMP/out"; then
        bad "$what --help: no usage on stdout"
    fi
    rc=0
    "$prog" "${words[@]}" --version >"$TMP/out" 2>"$TMP/err" </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        bad "$what --version: exit $rc ($(head -1 "$TMP/err"))"
    elif ! grep -Eqx "$name [0-9]+\.[0-9]+\.[0-9]+.*" "$TMP/out"; then
        bad "$what --version: printed \"$(head -1 "$TMP/out")\""
    fi
    rc=0
    "$prog" "${words[@]}" --no-such-option >"$TMP/out" 2>"$TMP/err" </dev/null || rc=$?
    if [ "$rc" -ne 2 ]; then
        bad "$what --no-such-option: exit $rc, not 2 (a usage error)"
    fi
done
# from-csv's own --version N (the set's version) keeps its meaning: it is not taken for ours.
rc=0
"$WIJKPEIL_QSET" from-csv --version 3 >"$TMP/out" 2>"$TMP/err" || rc=$?
if [ "$rc" -ne 2 ] || grep -q "wijkpeil-qset [0-9]" "$TMP/out"; then
    bad "from-csv --version 3 (without files) is a usage error, not the program's version"
fi

if [ "$fail" -ne 0 ]; then
    echo "$fail of $((n * 3 + 1)) checks failed" >&2
    exit 1
fi
echo "cli_help: $n programs and sub-commands x --help, --version, a usage error: all passed"
