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
        user "user add" "user passwd" "user list" "user remove" export status import migrate \
        share "share withdraw" "share restore" publish; do
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
# wijkpeil-collector: each command's --help is that command's usage, not every command's; an
# unknown command is named (not "--db required") with the usage, exit 2.
if [ -n "${WIJKPEIL_COLLECTOR:-}" ]; then
    for cmd in serve device user export status import migrate share publish; do
        n=$((n + 1))
        "$WIJKPEIL_COLLECTOR" "$cmd" --help >"$TMP/out" 2>/dev/null || true
        got=$(grep -o '^  wijkpeil-collector [a-z]*' "$TMP/out" | sort -u | tr -d '\n')
        if [ "$got" != "  wijkpeil-collector $cmd" ]; then
            bad "wijkpeil-collector $cmd --help: the usage of \"$got\", not of $cmd alone"
        fi
    done
    # ... and a sub-command's --help only that sub-command's lines
    for sub in "device add" "device list" "device revoke" "device rotate" "user add" \
        "user passwd" "user list" "user remove" "share withdraw" "share restore"; do
        n=$((n + 1))
        read -r -a words <<<"$sub"
        "$WIJKPEIL_COLLECTOR" "${words[@]}" --help >"$TMP/out" 2>/dev/null || true
        got=$(grep -o '^  wijkpeil-collector [a-z]* [a-z|]*' "$TMP/out" | sort -u)
        if [ -z "$got" ] || grep -Evq "^  wijkpeil-collector ${words[0]} (.*\|)?${words[1]}(\|.*)?\$" <<<"$got"; then
            bad "wijkpeil-collector $sub --help: the usage of \"$(echo $got)\", not of $sub alone"
        fi
    done
    for args in "frob" "frob --db $TMP/x.db" "frob --help" "--db $TMP/x.db frob"; do
        n=$((n + 1))
        rc=0
        # shellcheck disable=SC2086 # args are words
        "$WIJKPEIL_COLLECTOR" $args >"$TMP/out" 2>"$TMP/err" </dev/null || rc=$?
        if [ "$rc" -ne 2 ] || [ "$(head -1 "$TMP/err")" != "wijkpeil-collector: unknown command frob" ] ||
            ! grep -q '^usage:' "$TMP/err" || [ -e "$TMP/x.db" ]; then
            bad "wijkpeil-collector $args: exit $rc, \"$(head -1 "$TMP/err")\" (not: unknown command frob, usage, exit 2)"
        fi
    done
fi

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
