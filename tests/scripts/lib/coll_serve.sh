# shellcheck shell=bash
# coll_serve NAME ARGS...: starts "$C serve --listen 127.0.0.1:0 ARGS" in the background (output
# in $TMP/NAME.out and $TMP/NAME.err), adds its pid to PIDS (the caller's cleanup stops it),
# waits for its "listening" line and sets SERVE_PORT to the port it took. Needs wait_line.sh.
coll_serve() {
    local name=$1
    shift
    "$C" serve --listen 127.0.0.1:0 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    PIDS+=($!)
    wait_line "$TMP/$name.out" listening $! || {
        cat "$TMP/$name.err" >&2
        return 1
    }
    SERVE_PORT=$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/$name.out")
}
