#!/usr/bin/env bash
# The reference deployment's nginx site (platform/collector-pg/nginx-wijkpeil.conf) in front of
# two real collector instances on one database (one SQLite file here; PostgreSQL in production),
# on loopback with a throwaway certificate: what a kiosk, the central team and a resident reach
# through it:
# - the kiosks' protocol (heartbeat, assignment) answers through the proxy, over TLS;
# - the dashboard signs in through the proxy (the instances run with --behind-tls-proxy) and its
#   cookie is Secure; the public page answers; any other path is the proxy's own 404;
# - behind the proxy the sign-in throttle counts the address the proxy appended to
#   X-Forwarded-For, not the proxy's: 20 failed sign-ins from one address refuse that address,
#   while a team member at another address still signs in (before, every request came from the
#   proxy's address: one attacker locked the whole team out).
# Skipped (77) where nginx is not installed. Synchronised on the servers' "listening" lines and
# on nginx's pid file.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${WIJKPEIL_SRC:-$(cd "$HERE/../.." && pwd)}
P="$SRC/platform/collector-pg"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
    echo "SKIP: nginx is not installed (apt-get install nginx-light)"
    exit 77
fi
# shellcheck source=lib/coll_test.sh
. "$HERE/lib/coll_test.sh"
coll_test_on_exit() {
    [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
    return 0
}

DB="$TMP/collector.db"
TOK=$("$C" device add k1 --location nazareth --db "$DB" | tail -1)
echo 'correct horse battery' | "$C" user add anna --role viewer --db "$DB" >/dev/null
coll_serve a --db "$DB" --behind-tls-proxy
PA=$SERVE_PORT
coll_serve b --db "$DB" --behind-tls-proxy
PB=$SERVE_PORT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=collector.example.org -addext subjectAltName=DNS:collector.example.org \
    -keyout "$TMP/collector.key" -out "$TMP/collector.crt" 2>/dev/null
# A free port for nginx (it cannot take port 0 and say which it got).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The site as shipped: certificate, include, upstream servers and listen pointed at this test.
sed -e "s|/etc/ssl/wijkpeil/|$TMP/|" -e "s|/etc/nginx/wijkpeil-proxy.conf|$P/wijkpeil-proxy.conf|" \
    -e "s|server 10.0.0.11:8787|server 127.0.0.1:$PA|" -e "s|server 10.0.0.12:8787|server 127.0.0.1:$PB|" \
    -e "s|listen 443 ssl;|listen 127.0.0.1:$PORT ssl;|" -e "/listen \[::\]:443 ssl;/d" \
    "$P/nginx-wijkpeil.conf" >"$TMP/site.conf"
check "the shipped site's two upstream servers and listen were pointed at the test" \
    test "$(grep -c "127.0.0.1:" "$TMP/site.conf")" = 3
cat >"$TMP/nginx.conf" <<NGINX
pid $TMP/nginx.pid;
error_log $TMP/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $TMP/body;
    proxy_temp_path $TMP/proxy;
    include $TMP/site.conf;
}
NGINX
# nginx daemonises once it listens: its pid file then exists.
"$NGINX" -p "$TMP/" -e "$TMP/error.log" -c "$TMP/nginx.conf" 2>"$TMP/nginx.err" || {
    cat "$TMP/nginx.err" "$TMP/error.log" >&2
    exit 1
}
U="https://collector.example.org:$PORT"
# get URL [CURL-ARGS...] -> the status code; the body in $TMP/b, the headers in $TMP/h
get() {
    local url=$1
    shift
    curl -s --cacert "$TMP/collector.crt" --resolve "collector.example.org:$PORT:127.0.0.1" \
        -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@" "$url"
}

check "a kiosk's heartbeat answers through the proxy" test "$(get "$U/v1/status" \
    -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
    --data '{"protocol":"wijkpeil-sync/1","pending":0,"clock_synced":true}')" = 200
check "... and its assignment" test "$(get "$U/v1/assignment" -H "Authorization: Bearer $TOK")" = 200
check "a wrong token is the collector's 401, through the proxy" \
    test "$(get "$U/v1/assignment" -H "Authorization: Bearer nope")" = 401
check "the public page answers through the proxy" test "$(get "$U/public/")" = 200
check "the dashboard's sign-in form answers through the proxy" test "$(get "$U/dash/login")" = 200
J="$TMP/jar"
get "$U/dash/login" -c "$J" -b "$J" >/dev/null
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b" | head -1)
check "anna signs in through the proxy" test "$(get "$U/dash/login" -c "$J" -b "$J" \
    --data-urlencode "csrf=$CSRF" --data-urlencode user=anna \
    --data-urlencode 'password=correct horse battery')" = 303
check "... with a Secure cookie" grep -qi '^set-cookie:.*; Secure' "$TMP/h"
check "... and sees the kiosks page" test "$(get "$U/dash/kiosks" -c "$J" -b "$J")" = 200
check "any other path is the proxy's 404" test "$(get "$U/etc/passwd")" = 404
check "... not the collector's" grep -q 'not found' "$TMP/b"

# The throttle behind the proxy, straight at instance a as the proxy would call it (the proxy
# appends the client's address last; what a client sends before it is not trusted).
login_from() { # ADDRESS USER PASSWORD -> status code
    local jar="$TMP/jar-$1" url="http://127.0.0.1:$PA/dash/login" csrf
    curl -s -c "$jar" -b "$jar" -o "$TMP/lb" -H "X-Forwarded-For: $1" "$url"
    csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/lb" | head -1)
    curl -s -c "$jar" -b "$jar" -o "$TMP/lb" -w '%{http_code}' \
        -H "X-Forwarded-For: 198.51.100.1, $1" --data-urlencode "csrf=$csrf" \
        --data-urlencode "user=$2" --data-urlencode "password=$3" "$url"
}
for i in $(seq 1 20); do login_from 203.0.113.5 "nobody$i" wrong >/dev/null; done
check "20 failed sign-ins from 203.0.113.5 refuse that address, even with anna's password" \
    test "$(login_from 203.0.113.5 anna 'correct horse battery')" != 303
check "... while anna at 203.0.113.6 still signs in" \
    test "$(login_from 203.0.113.6 anna 'correct horse battery')" = 303
check "... and the log names the forwarded address" grep -q "signed in from 203.0.113.6" "$TMP/a.err"
exit "$fail"
