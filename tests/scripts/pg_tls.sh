#!/usr/bin/env bash
# wijkpeil-collector to PostgreSQL over TLS with sslmode=verify-full (issue 13): a server of its
# own with ssl=on that refuses plain TCP, its certificate (for "localhost") signed by a CA made
# here with openssl. The collector connects with sslrootcert=CA and verify-full and its
# connections are TLS (pg_stat_ssl); it is refused with another CA, with a host name the
# certificate does not name, and without TLS. Also: the default statement timeout (10 s) ends a
# statement stuck behind a lock the test holds, with a message, instead of waiting for ever.
set -euo pipefail
LIB="$(dirname "$0")/lib"
# shellcheck source=lib/coll_test.sh
. "$LIB/coll_test.sh"
coll_test_on_exit() { bash "$LIB/pg_server.sh" stop "$TMP/pg" >/dev/null 2>&1; }
command -v openssl >/dev/null || {
    echo "SKIP: openssl is not installed"
    exit 77
}
[ "$(id -u)" -eq 0 ] && chmod 755 "$TMP" # the server runs as nobody and reads its files

# a CA, a server certificate for localhost signed by it, and another CA
cd "$TMP"
for ca in ca other; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=wijkpeil test $ca" \
        -keyout "$ca.key" -out "$ca.crt" 2>/dev/null
done
mkdir ssl
openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout ssl/server.key \
    -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' >san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile san.ext -out ssl/server.crt 2>/dev/null
cd - >/dev/null

WIJKPEIL_PG_SSL="$TMP/ssl" bash "$LIB/pg_server.sh" start "$TMP/pg" >/dev/null
export WIJKPEIL_COLLECTOR_BACKEND=pg WIJKPEIL_PG_DIR="$TMP/pg"
# shellcheck source=lib/coll_db.sh
. "$LIB/coll_db.sh"
# shellcheck disable=SC1091
. "$TMP/pg/env"
: "${PGTCPPORT:?the test server has no TLS port}"
"$PG_BINDIR/psql" -qAt -d postgres -c 'CREATE DATABASE tls' >/dev/null
# uri HOST SSLMODE CA: the collector's --db over TCP (hostaddr: no name look-up; the certificate
# is checked against HOST)
uri() {
    printf 'postgresql://wijkpeil@%s:%s/tls?hostaddr=127.0.0.1&sslmode=%s&sslrootcert=%s' \
        "$1" "$PGTCPPORT" "$2" "$3"
}
GOOD=$(uri localhost verify-full "$TMP/ca.crt")
check "verify-full with the right CA: device add" \
    bash -c "'$C' device add k1 --location nazareth --db '$GOOD' >/dev/null 2>'$TMP/add.err'"
check "... status reads it back" bash -c "'$C' status --db '$GOOD' | grep -q '^k1 (nazareth)'"
coll_serve serve --db "$GOOD"
PORT=$SERVE_PORT
check "serve answers over it (the dashboard's sign-in form)" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/dash/login")" = 200
check "... its connections are TLS (pg_stat_ssl)" test "$("$PG_BINDIR/psql" -qAt -d postgres -c \
    "SELECT COUNT(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
     WHERE a.application_name = 'wijkpeil-collector' AND s.ssl AND a.datname = 'tls'")" -ge 1

refused() { # refused WHY URI: the collector cannot open the database, and says why
    ! "$C" status --db "$2" >/dev/null 2>"$TMP/refused.err" && grep -qi "$1" "$TMP/refused.err"
}
check "refused with another CA" refused 'certificate verify failed' \
    "$(uri localhost verify-full "$TMP/other.crt")"
check "refused with a host name the certificate does not name" refused 'does not match host name' \
    "$(uri 127.0.0.1 verify-full "$TMP/ca.crt")"
check "refused without TLS (the server allows none)" refused 'no encryption' \
    "$(uri localhost disable "$TMP/ca.crt")"
check "the refusal says what failed" grep -q 'cannot connect to PostgreSQL' "$TMP/refused.err"

# The default statement timeout: a statement waiting on a lock is ended after 10 s (once more
# after reconnecting), answered as an error, never a hang. The lock is held by psql reading a FIFO.
mkfifo "$TMP/sql"
"$PG_BINDIR/psql" -qAt -d tls <"$TMP/sql" >"$TMP/psql.out" 2>&1 &
PSQL=$!
PIDS+=($PSQL)
exec 7>"$TMP/sql"
echo "BEGIN; LOCK TABLE devices IN ACCESS EXCLUSIVE MODE; SELECT 'locked';" >&7
wait_line "$TMP/psql.out" '^locked$' $PSQL || {
    cat "$TMP/psql.out" >&2
    exit 1
}
check "a statement behind a lock ends with the default statement timeout" \
    refused 'statement timeout' "$GOOD"
echo "ROLLBACK;" >&7
exec 7>&-
wait $PSQL || true
check "... and the database is usable again" bash -c "'$C' status --db '$GOOD' | grep -q '^k1 '"

[ "$fail" -eq 0 ] || {
    cat "$TMP/serve.err" >&2
    exit 1
}
echo "pg_tls: all checks passed"
