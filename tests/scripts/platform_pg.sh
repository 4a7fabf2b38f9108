#!/usr/bin/env bash
# The reference deployment in platform/collector-pg/: nginx's configuration passes `nginx -t`
# (with a throwaway certificate and prefix), and systemd accepts the units without a warning
# (systemd-analyze verify). Skipped (77) where nginx is not installed.
set -euo pipefail
SRC=${WIJKPEIL_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
P="$SRC/platform/collector-pg"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
    echo "SKIP: nginx is not installed (apt-get install nginx-light)"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=collector.example.org -keyout "$TMP/collector.key" -out "$TMP/collector.crt" \
    2>/dev/null
# The site as shipped, with the certificate and include paths pointed into $TMP.
sed -e "s|/etc/ssl/wijkpeil/|$TMP/|" -e "s|/etc/nginx/wijkpeil-proxy.conf|$P/wijkpeil-proxy.conf|" \
    "$P/nginx-wijkpeil.conf" >"$TMP/site.conf"
cat >"$TMP/nginx.conf" <<NGINX
pid $TMP/nginx.pid;
events {}
http {
    access_log off;
    client_body_temp_path $TMP/body;
    proxy_temp_path $TMP/proxy;
    include $TMP/site.conf;
}
NGINX
if "$NGINX" -t -q -p "$TMP/" -e "$TMP/error.log" -c "$TMP/nginx.conf" 2>"$TMP/nginx.err"; then
    echo "ok   nginx -t accepts nginx-wijkpeil.conf"
else
    echo "FAIL: nginx -t:" >&2
    cat "$TMP/nginx.err" >&2
    fail=1
fi
# A broken copy must fail, or the check above proves nothing.
sed 's/proxy_next_upstream /proxy_next_upstreem /' "$P/wijkpeil-proxy.conf" >"$TMP/broken.conf"
sed -i "s|$P/wijkpeil-proxy.conf|$TMP/broken.conf|" "$TMP/site.conf"
if "$NGINX" -t -q -p "$TMP/" -e "$TMP/error.log" -c "$TMP/nginx.conf" 2>/dev/null; then
    echo "FAIL: nginx -t accepted a misspelt directive" >&2
    fail=1
fi

if command -v systemd-analyze >/dev/null; then
    mkdir "$TMP/units"
    for u in wijkpeil-collector@.service wijkpeil-collector-migrate.service; do
        # the program and the settings file do not exist here
        sed -e "s|/usr/bin/wijkpeil-collector|$(command -v true)|" \
            -e "s|^EnvironmentFile=|EnvironmentFile=-|" "$P/$u" >"$TMP/units/$u"
    done
    ln -s "wijkpeil-collector@.service" "$TMP/units/wijkpeil-collector@8787.service"
    systemd-analyze verify "$TMP/units/wijkpeil-collector@8787.service" \
        "$TMP/units/wijkpeil-collector-migrate.service" >"$TMP/verify.out" 2>&1 || true
    if [ -s "$TMP/verify.out" ]; then
        echo "FAIL: systemd-analyze verify:" >&2
        cat "$TMP/verify.out" >&2
        fail=1
    else
        echo "ok   systemd-analyze verify accepts the units"
    fi
else
    echo "note: systemd-analyze not installed, the units were not checked"
fi
exit "$fail"
