# shellcheck shell=bash
# raw_sign FILE KEY: writes FILE.sig with KEY.secret as wijkpeil-qset sign would, without its
# checks (a centre's key that was stolen, or a collector broken into that signs nothing but serves
# what the key signed). Needs TMP (scratch files) and openssl.
raw_sign() {
    python3 - "$2.secret" "$TMP/raw.pem" <<'PY'
import base64, sys
sk = base64.b64decode(open(sys.argv[1]).read().split()[1])
der = bytes.fromhex("302e020100300506032b657004220420") + sk[:32]
open(sys.argv[2], "w").write("-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PRIVATE KEY-----\n")
PY
    openssl pkeyutl -sign -rawin -inkey "$TMP/raw.pem" -in "$1" -out "$TMP/raw.sig"
    printf '%s %s\n' "$(base64 -w0 "$TMP/raw.sig")" "$(cat "$2.public")" >"$1.sig"
}
