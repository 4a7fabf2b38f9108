# shellcheck shell=bash
# wait_line FILE PATTERN PID: waits until FILE has a line matching PATTERN (grep -E), written by
# process PID (a server saying it is listening, a kiosk logging a step). Returns 1 at once when
# PID has ended without it; the 300 s limit only guards against a hang, it is no budget.
wait_line() {
    local file=$1 pattern=$2 pid=$3 i
    for ((i = 0; i < 6000; i++)); do
        grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    grep -Eq -- "$pattern" "$file" 2>/dev/null
}
