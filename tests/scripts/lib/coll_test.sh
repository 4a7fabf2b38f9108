# shellcheck shell=bash
# What a collector test script starts with: C (the program), TMP (removed at the end), PIDS
# (background processes, stopped at the end; coll_test_on_exit runs first when the script
# defines it), check DESCRIPTION COMMAND... (counts failures in $fail), and wait_line and
# coll_serve from this folder.
: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
C="$WIJKPEIL_COLLECTOR"
TMP=$(mktemp -d)
PIDS=()
fail=0
coll_test_cleanup() {
    if declare -F coll_test_on_exit >/dev/null; then coll_test_on_exit || true; fi
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap coll_test_cleanup EXIT
check() {
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL $what" >&2
        fail=$((fail + 1))
    fi
}
# shellcheck source=wait_line.sh
. "$(dirname "${BASH_SOURCE[0]}")/wait_line.sh"
# shellcheck source=coll_serve.sh
. "$(dirname "${BASH_SOURCE[0]}")/coll_serve.sh"
