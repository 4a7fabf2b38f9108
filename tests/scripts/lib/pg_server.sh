#!/usr/bin/env bash
# A throwaway PostgreSQL server for the collector's tests (Debian's postgresql package):
#   pg_server.sh start DIR   initdb into a new folder under /tmp and start it there, listening
#                            only on a Unix socket in that folder (no port taken); writes
#                            DIR/env (PGHOST, PGPORT, PGUSER for psql and the tests' URIs).
#                            Without PostgreSQL installed it writes DIR/skip with the reason.
#   pg_server.sh stop DIR    stop it (pg_ctl -m fast) and remove its folder.
#   pg_server.sh halt DIR    stop it, keeping its data (then restart starts it again).
#   pg_server.sh restart DIR stop and start again (the same data): a database restart.
# With WIJKPEIL_PG_SSL=FOLDER (holding server.crt and server.key) start also listens on
# 127.0.0.1, on a free port, for TLS connections only (ssl=on; plain TCP is refused), and the
# env file gets PGTCPPORT; the Unix socket is as before.
# PostgreSQL refuses to run as root: then it runs as "nobody" (runuser).
# ctest runs start and stop as a fixture around the *_pg tests (tests/CMakeLists.txt).
set -euo pipefail
cmd=${1:?start, stop or restart}
dir=${2:?directory}

bindir=""
for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
        bindir=$d
        break
    fi
done
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ -z "$bindir" ]; then
        echo "PostgreSQL is not installed (apt-get install postgresql): the *_pg tests are skipped" |
            tee "$dir/skip"
        exit 0
    fi
    data=$(mktemp -d /tmp/wp-pg.XXXXXX) # short: a socket path has at most 107 bytes
    [ "$(id -u)" -eq 0 ] && chown nobody "$data"
    as_pg "$bindir/initdb" -D "$data/db" -U wijkpeil --auth=trust -E UTF8 --no-sync \
        >"$data/initdb.log" 2>&1 || {
        cat "$data/initdb.log" >&2
        exit 1
    }
    echo "$data" >"$dir/data"
    opts="-c listen_addresses='' -p 5432"
    if [ -n "${WIJKPEIL_PG_SSL:-}" ]; then
        cp "$WIJKPEIL_PG_SSL/server.crt" "$WIJKPEIL_PG_SSL/server.key" "$data/db/"
        chmod 600 "$data/db/server.key"
        [ "$(id -u)" -eq 0 ] && chown nobody "$data/db/server.crt" "$data/db/server.key"
        printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n' \
            >"$data/db/pg_hba.conf"
        tcp=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        opts="-c listen_addresses=127.0.0.1 -p $tcp -c ssl=on"
        echo "PGTCPPORT=$tcp" >"$dir/env.tcp"
    fi
    echo "$opts" >"$data/opts"
    ;;
stop | halt | restart)
    [ -f "$dir/data" ] || exit 0
    data=$(cat "$dir/data")
    as_pg "$bindir/pg_ctl" -D "$data/db" -m fast -w stop >/dev/null 2>&1 || true
    if [ "$cmd" = stop ]; then
        rm -rf "$data" "$dir"
        exit 0
    fi
    [ "$cmd" = halt ] && exit 0
    ;;
*)
    echo "usage: pg_server.sh start|stop|halt|restart DIR" >&2
    exit 2
    ;;
esac
# fsync off: a test server's data need not survive a power cut (a restart keeps it);
# WIJKPEIL_PG_FSYNC=on for figures comparable with SQLite's synchronous=FULL (the benchmark).
opts=$(cat "$data/opts")
as_pg "$bindir/pg_ctl" -D "$data/db" -l "$data/log" -w -o \
    "-k $data $opts -c fsync=${WIJKPEIL_PG_FSYNC:-off} -c max_connections=200" start \
    >/dev/null || {
    cat "$data/log" >&2
    exit 1
}
port=$(sed -n 's/.*-p \([0-9]*\).*/\1/p' "$data/opts")
printf 'PGHOST=%s\nPGPORT=%s\nPGUSER=wijkpeil\nPG_BINDIR=%s\n' "$data" "$port" "$bindir" >"$dir/env"
[ -f "$dir/env.tcp" ] && cat "$dir/env.tcp" >>"$dir/env"
true
