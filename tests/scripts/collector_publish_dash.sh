#!/usr/bin/env bash
# Publishing from the dashboard without a browser (collector_publish_browser drives Chromium
# through it): an administrator uploads a signed set, its .sig and its clips (multipart) and it is
# published exactly as `wijkpeil-collector publish` would (the list shows it, waiting for its
# start); a set changed after signing, a missing clip, a missing .sig, an unknown location, a clip
# the set does not list and a bad time are refused with the reason in Dutch or English naming the
# file; a settings document kiosks would refuse is refused with every problem in it, each with
# its line, key and why; a forged CSRF token and a viewer are refused (403) and publish nothing;
# withdraw asks first (what happens, to which kiosks) and withdraws only with confirm=yes; the
# per-kiosk table shows what a kiosk's heartbeat says, its why in the page's language; the upload
# folders are removed. The CLI refuses a set changed after signing too (the same code).
set -euo pipefail

: "${WIJKPEIL_COLLECTOR:?set WIJKPEIL_COLLECTOR to the wijkpeil-collector program}"
: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
C="$WIJKPEIL_COLLECTOR"
Q="$WIJKPEIL_QSET"
TMP=$(mktemp -d)
SRV=""
stop_server() {
    if [ -n "$SRV" ]; then
        kill "$SRV" 2>/dev/null || true
        wait "$SRV" 2>/dev/null || true
    fi
    SRV=""
}
trap 'stop_server; rm -rf "$TMP"' EXIT
HERE=$(dirname "$0")
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
# shellcheck source=lib/wait_line.sh
. "$HERE/lib/wait_line.sh"
fail=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else
        echo "FAIL: $what" >&2
        fail=$((fail + 1))
    fi
}

# A set with clips, as the centre makes it, signed with KEY.
make_set() { # make_set DIR ID KEY
    mkdir -p "$1/clips"
    cp "$WIJKPEIL_SRC"/tests/qsets/clips/welkom-nl.wav "$WIJKPEIL_SRC"/tests/qsets/clips/q1-nl.wav \
        "$1/clips/"
    python3 - "$WIJKPEIL_SRC/tests/qsets/valid-all.json" "$1/$2.json" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["id"] = sys.argv[3]
json.dump(s, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
    "$Q" sign "$1/$2.json" --key "$3" >/dev/null
}
(cd "$TMP" && "$Q" keygen -o centre >/dev/null)

DB=$(coll_db_new pubdash)
echo 'correct horse battery' | "$C" user add anna --role admin --db "$DB" >/dev/null
echo 'viewer password 1' | "$C" user add bert --role viewer --db "$DB" >/dev/null
N1=$("$C" device add n1 --location nazareth --db "$DB" | tail -1)

mkdir -p "$TMP/uploads"
TMPDIR="$TMP/uploads" "$C" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SRV=$!
wait_line "$TMP/serve.out" listening "$SRV" || true
URL="http://127.0.0.1:$(sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")"

get() { # get JAR PATH [CURL-ARGS...] -> the status code; body in $TMP/b
    local jar=$1 path=$2
    shift 2
    curl -s -c "$jar" -b "$jar" -o "$TMP/b" -w '%{http_code}' "$@" "$URL$path"
}
form_csrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/b" | head -1; }
signin() { # signin JAR USER PASSWORD -> the status code
    get "$1" /dash/login >/dev/null
    get "$1" /dash/login --data-urlencode "csrf=$(form_csrf)" --data-urlencode "user=$2" \
        --data-urlencode "password=$3"
}
A="$TMP/ja"
V="$TMP/jv"
check "admin signs in" test "$(signin "$A" anna 'correct horse battery')" = 303
check "viewer signs in" test "$(signin "$V" bert 'viewer password 1')" = 303
check "viewer: the page is refused (403)" test "$(get "$V" /dash/admin/publish)" = 403
check "viewer: no publishing in the menu" bash -c "! grep -q 'href=\"/dash/admin/publish' '$TMP/b'"
VCSRF=$(get "$V" /dash/kiosks >/dev/null && form_csrf)
check "admin: the page" test "$(get "$A" /dash/admin/publish)" = 200
check "admin: in the menu" grep -q 'href="/dash/admin/publish"' "$TMP/b"
check "admin: the upload form (multipart)" grep -q 'enctype="multipart/form-data"' "$TMP/b"
check "admin: the location offered" grep -q '<option value="nazareth"' "$TMP/b"
check "admin: nothing published yet" grep -q 'Nog geen publicaties' "$TMP/b"
CSRF=$(form_csrf)

S="$TMP/spring"
make_set "$S" spring "$TMP/centre.secret"
upload() { # upload JAR CSRF LANG SETDIR/SET.json [CURL -F ARGS...] -> the status code
    local jar=$1 csrf=$2 lang=$3 set=$4
    shift 4
    get "$jar" /dash/admin/publish -F "csrf=$csrf" -F "lang=$lang" -F action=publish \
        -F "set=@$set" "$@"
}
clips=(-F "media=@$S/clips/welkom-nl.wav" -F "media=@$S/clips/q1-nl.wav")
n_published() { "$C" publish --list --db "$DB" | grep -c '^[0-9a-f]\{16\}  ' || true; }

# --- refused, each with its reason ----------------------------------------------------------------
check "forged CSRF token: 403" test "$(upload "$A" 0000 en "$S/spring.json" -F "sig=@$S/spring.json.sig" "${clips[@]}" -F location=nazareth)" = 403
check "viewer upload: 403" test "$(upload "$V" "$VCSRF" en "$S/spring.json" -F "sig=@$S/spring.json.sig" "${clips[@]}" -F location=nazareth)" = 403
check "refused uploads: nothing published" test "$(n_published)" = 0

refused() { # refused WHAT PATTERN UPLOAD-ARGS...: the page answers 200 with PATTERN in its alert
    local what=$1 pattern=$2 code
    shift 2
    code=$(upload "$A" "$CSRF" "$@")
    check "$what: answered (200)" test "$code" = 200
    check "$what: says why" grep -q "role=\"alert\" id=\"outcome\"><p>[^<]*$pattern" "$TMP/b"
}
cp -r "$S" "$TMP/changed"
sed -i 's/"Overlast"/"Overlast!"/' "$TMP/changed/spring.json" # after signing
refused "changed after signing" "Bad signature: spring.json was changed after it was signed" \
    en "$TMP/changed/spring.json" -F "sig=@$TMP/changed/spring.json.sig" "${clips[@]}" -F location=nazareth
refused "changed after signing, in Dutch" "Verkeerde handtekening: spring.json is na het ondertekenen gewijzigd" \
    nl "$TMP/changed/spring.json" -F "sig=@$TMP/changed/spring.json.sig" "${clips[@]}" -F location=nazareth
refused "a clip left out" "Missing file: the set lists clips/q1-nl.wav but it was not uploaded" \
    en "$S/spring.json" -F "sig=@$S/spring.json.sig" -F "media=@$S/clips/welkom-nl.wav" -F location=nazareth
refused "no .sig" "spring.json.sig is missing" en "$S/spring.json" "${clips[@]}" -F location=nazareth
refused "unknown location" "Unknown location" \
    en "$S/spring.json" -F "sig=@$S/spring.json.sig" "${clips[@]}" -F location=nazaret
check "unknown location: the collector's words name the known ones" grep -q "known locations: nazareth" "$TMP/b"
refused "unknown kiosk" "No kiosk n9 at that location" \
    en "$S/spring.json" -F "sig=@$S/spring.json.sig" "${clips[@]}" -F location=nazareth -F devices=n9
printf 'RIFF' >"$TMP/extra.wav"
refused "a clip the set does not list" "extra.wav is not in the set&#39;s list of files\|extra.wav is not in the set's list of files" \
    en "$S/spring.json" -F "sig=@$S/spring.json.sig" "${clips[@]}" -F "media=@$TMP/extra.wav" -F location=nazareth
cp "$S/clips/q1-nl.wav" "$TMP/q1-nl.wav" && printf 'x' >>"$TMP/q1-nl.wav"
refused "a clip other than the signed one" "clips/q1-nl.wav is not the file the set listed" \
    en "$S/spring.json" -F "sig=@$S/spring.json.sig" -F "media=@$S/clips/welkom-nl.wav" -F "media=@$TMP/q1-nl.wav" -F location=nazareth
refused "until before from" "Until must be after from" \
    en "$S/spring.json" -F "sig=@$S/spring.json.sig" "${clips[@]}" -F location=nazareth \
    -F from=2099-03-01T08:00 -F until=2099-02-01T08:00
# a settings document kiosks would refuse: every problem, each with its line, key and what is wrong,
# in the page's language. (A bare signature names no key: the collector checks only the lines;
# kiosks check the signature.)
printf '# spring\nopening_hours = ma 9-\nendpoint = https://evil.example/\nidel_seconds = 30\n\nshare = misschien\nidle_seconds = 5\nlanguages = nl\n' >"$TMP/hours.conf"
printf '%s\n' "$(head -c 64 /dev/zero | base64 -w0)" >"$TMP/hours.conf.sig"
settings_refused() { # settings_refused LANG -> the page in $TMP/b
    upload "$A" "$CSRF" "$1" "$TMP/hours.conf" -F "sig=@$TMP/hours.conf.sig" -F location=nazareth
}
check "settings refused, in Dutch: answered (200)" test "$(settings_refused nl)" = 200
check "settings refused, in Dutch: says so" grep -q 'role="alert" id="outcome"><p>Niet gelukt: hours.conf: kiosken zouden deze instellingen weigeren.</p>' "$TMP/b"
check "settings, in Dutch: line 2, the hours" grep -q "<li>hours.conf, regel 2: opening_hours: &#39;ma 9-&#39; is geen tijdvak (zoals 08:30-17:00)</li>" "$TMP/b"
check "settings, in Dutch: line 3, endpoint, and what may be changed" grep -q "<li>hours.conf, regel 3: endpoint mag niet op afstand worden gewijzigd (alleen: idle_seconds, still_there_seconds, thanks_seconds, retention_days, languages, opening_hours, share)</li>" "$TMP/b"
check "settings, in Dutch: line 4, an unknown setting" grep -q "<li>hours.conf, regel 4: onbekende instelling &#39;idel_seconds&#39;</li>" "$TMP/b"
check "settings, in Dutch: line 6, not yes or no" grep -q "<li>hours.conf, regel 6: share: &#39;misschien&#39; is niet yes of no</li>" "$TMP/b"
check "settings, in Dutch: line 7, out of range" grep -q "<li>hours.conf, regel 7: idle_seconds: &#39;5&#39; is geen geheel getal van 10 tot en met 3600</li>" "$TMP/b"
check "settings, in Dutch: five problems, no more" test "$(grep -c '^<li>hours.conf, regel' "$TMP/b")" = 5
check "settings refused, in English" test "$(settings_refused en)" = 200
check "settings, in English: line 3" grep -q "<li>hours.conf, line 3: endpoint may not be changed remotely (only: idle_seconds, still_there_seconds, thanks_seconds, retention_days, languages, opening_hours, share)</li>" "$TMP/b"
check "settings, in English: line 4" grep -q "<li>hours.conf, line 4: unknown setting &#39;idel_seconds&#39;</li>" "$TMP/b"
check "settings, in English: line 2" grep -q "<li>hours.conf, line 2: opening_hours: &#39;ma 9-&#39; is not a time range (such as 08:30-17:00)</li>" "$TMP/b"
check "settings: the collector's own words after them" grep -q '<span lang="en">.*kiosks would refuse this settings document: hours.conf:2: ' "$TMP/b"
check "refused uploads: still nothing published" test "$(n_published)" = 0

# --- published ------------------------------------------------------------------------------------
check "good upload: 200" test "$(upload "$A" "$CSRF" en "$S/spring.json" -F "sig=@$S/spring.json.sig" "${clips[@]}" -F location=nazareth -F from=2099-03-01T08:00 -F until=2099-04-30T23:59)" = 200
ID=$(sed -n 's/.*<code id="published">\([0-9a-f]*\)<.*/\1/p' "$TMP/b")
check "good upload: published as an id" test -n "$ID"
"$C" publish --list --db "$DB" >"$TMP/list.out"
check "the CLI's list has it, as publish would have stored it" \
    grep -q "^$ID  spring v3  nazareth (every kiosk)  2099-03-01T08:00 .. 2099-04-30T23:59  waiting  4 files" "$TMP/list.out"
check "the page lists it, waiting" grep -q "<code>$ID</code></th><td>spring v3</td><td>nazareth: every kiosk</td><td>2099-03-01 08:00</td><td>2099-04-30 23:59</td><td>waiting for its start</td>" "$TMP/b"
check "the page: per kiosk, not reported yet" grep -q "<th scope=\"row\">n1</th><td>nazareth</td><td><code>$ID</code></td>.*<td>not reported yet</td>" "$TMP/b"
# the same bytes as the CLI would store: the kiosk downloads the signed set as it was signed
curl -s -H "Authorization: Bearer $N1" -o "$TMP/dl.json" "$URL/v1/files/$ID/spring.json"
check "a kiosk gets the exact signed bytes" cmp -s "$TMP/dl.json" "$S/spring.json"
curl -s -H "Authorization: Bearer $N1" -o "$TMP/dl.wav" "$URL/v1/files/$ID/clips/q1-nl.wav"
check "and the clip where the set lists it" cmp -s "$TMP/dl.wav" "$S/clips/q1-nl.wav"

# --- what the kiosk's heartbeat says shows per kiosk -------------------------------------------
# its "why" word in the page's language (the English reason after it, smaller); a word not known
# here: the English reason alone
curl -s -o /dev/null -H "Authorization: Bearer $N1" -H 'Content-Type: application/json' \
    --data "{\"protocol\":\"wijkpeil-sync/1\",\"pending\":0,\"clock_synced\":true,\"publications\":[{\"id\":\"$ID\",\"kind\":\"set\",\"set_id\":\"spring\",\"version\":3,\"source\":\"network\",\"from_ms\":0,\"until_ms\":0,\"state\":\"failed\",\"reason\":\"signed by an unknown key: spring.json\",\"why\":\"unknown_key\",\"file\":\"spring.json\"},{\"id\":\"00000000000000aa\",\"kind\":\"set\",\"set_id\":\"old\",\"version\":1,\"source\":\"stick\",\"from_ms\":0,\"until_ms\":0,\"state\":\"failed\",\"reason\":\"some new trouble\",\"why\":\"frobnicated\"}]}" \
    "$URL/v1/status"
check "after a heartbeat: the page" test "$(get "$A" /dash/admin/publish?lang=en)" = 200
check "per kiosk: failed, over the network, the kiosk's why in words, its reason after it" \
    grep -q '<td>failed (over the network)</td><td><span class="why">signed by a key this kiosk does not trust (trusted_key)</span><br><small class="detail" lang="en">signed by an unknown key: spring.json</small></td>' "$TMP/b"
check "per kiosk: a why word not known here: the kiosk's reason alone" \
    grep -q '<td>failed (from a stick)</td><td><span lang="en">some new trouble</span></td>' "$TMP/b"
check "after a heartbeat: the page in Dutch" test "$(get "$A" /dash/admin/publish?lang=nl)" = 200
check "per kiosk in Dutch: the why in Dutch, the English reason after it" \
    grep -q '<td>geweigerd (via het netwerk)</td><td><span class="why">ondertekend met een sleutel die deze kiosk niet vertrouwt (trusted_key)</span><br><small class="detail" lang="en">signed by an unknown key: spring.json</small></td>' "$TMP/b"
"$C" publish --list --db "$DB" >"$TMP/list.out"
check "publish --list: per kiosk too" grep -q "^kiosk n1 (nazareth): $ID  spring v3 .* centre waiting, kiosk failed (network): signed by an unknown key: spring.json$" "$TMP/list.out"

# --- withdraw -------------------------------------------------------------------------------------
check "withdraw: forged token refused" test "$(get "$A" /dash/admin/publish --data-urlencode csrf=00 --data action=withdraw --data "id=$ID")" = 403
# the Withdraw button asks first: a POST without confirm=yes withdraws nothing
check "withdraw, first step: answered (200)" test "$(get "$A" /dash/admin/publish --data-urlencode "csrf=$CSRF" --data lang=en --data action=withdraw --data "id=$ID")" = 200
check "withdraw, first step: asks" grep -q '<h2 id="confirm">Withdraw the publication?</h2>' "$TMP/b"
check "withdraw, first step: names the publication" grep -q "<dd><code>$ID</code></dd>" "$TMP/b"
check "withdraw, first step: names the set and its file" grep -q '<dd>spring v3 (<code>spring.json</code>)</dd>' "$TMP/b"
check "withdraw, first step: names where it goes" grep -q '<dd>nazareth: every kiosk</dd>' "$TMP/b"
check "withdraw, first step: says what happens" \
    grep -q 'id="confirm-what">The kiosks at nazareth return to the set they had before at their next sync.</p>' "$TMP/b"
check "withdraw, first step: the second form carries the token and confirm=yes" \
    bash -c "grep -q 'name=\"csrf\" value=\"$CSRF\"' '$TMP/b' && grep -q 'name=\"confirm\" value=\"yes\"' '$TMP/b' && grep -q 'name=\"id\" value=\"$ID\"' '$TMP/b'"
check "withdraw, first step: Cancel goes back" grep -q '<a href="/dash/admin/publish?lang=en" id="withdraw-cancel">Cancel</a>' "$TMP/b"
check "withdraw, first step: nothing withdrawn" grep -q "^$ID .* waiting " <("$C" publish --list --db "$DB")
check "withdraw, first step in Dutch" test "$(get "$A" /dash/admin/publish --data-urlencode "csrf=$CSRF" --data lang=nl --data action=withdraw --data "id=$ID")" = 200
check "withdraw, first step in Dutch: says what happens" \
    grep -q 'De kiosken in nazareth gaan bij hun volgende synchronisatie terug naar de set die ze daarvoor hadden.' "$TMP/b"
check "withdraw, first step in Dutch: Intrekken and Annuleren" \
    bash -c "grep -q 'id=\"withdraw-yes\">Intrekken</button>' '$TMP/b' && grep -q '>Annuleren</a>' '$TMP/b'"
check "withdraw: confirm other than yes withdraws nothing" test "$(get "$A" /dash/admin/publish --data-urlencode "csrf=$CSRF" --data lang=en --data action=withdraw --data "id=$ID" --data confirm=no)" = 200
check "... still waiting" grep -q "^$ID .* waiting " <("$C" publish --list --db "$DB")
check "withdraw, confirmed: forged token refused" test "$(get "$A" /dash/admin/publish --data-urlencode csrf=00 --data action=withdraw --data "id=$ID" --data confirm=yes)" = 403
check "... still waiting" grep -q "^$ID .* waiting " <("$C" publish --list --db "$DB")
check "withdraw, confirmed" test "$(get "$A" /dash/admin/publish --data-urlencode "csrf=$CSRF" --data lang=en --data action=withdraw --data "id=$ID" --data confirm=yes)" = 200
check "withdraw: said" grep -q 'Withdrawn: the kiosks return' "$TMP/b"
check "withdraw: the list says so" grep -q "^$ID .* withdrawn " <("$C" publish --list --db "$DB")
check "withdraw again: no such publication" bash -c "[ \"\$(curl -s -b '$A' -o '$TMP/b2' -w '%{http_code}' --data-urlencode 'csrf=$CSRF' --data lang=en --data action=withdraw --data 'id=$ID' --data confirm=yes '$URL/dash/admin/publish')\" = 200 ] && grep -q 'no such publication' '$TMP/b2'"
check "withdraw again, first step: no such publication, nothing asked" bash -c "[ \"\$(curl -s -b '$A' -o '$TMP/b2' -w '%{http_code}' --data-urlencode 'csrf=$CSRF' --data lang=en --data action=withdraw --data 'id=$ID' '$URL/dash/admin/publish')\" = 200 ] && grep -q 'no such publication' '$TMP/b2' && ! grep -q 'id=\"confirm\"' '$TMP/b2'"

# --- the CLI refuses a set changed after signing (the same check) ----------------------------------
check "CLI: changed after signing refused" bash -c "! '$C' publish '$TMP/changed/spring.json' --location nazareth --db '$DB' 2>'$TMP/cli.err'"
check "CLI: says why" grep -q "spring.json was changed after it was signed" "$TMP/cli.err"

stop_server
check "every upload folder removed" test -z "$(ls -A "$TMP/uploads")"
if [ "$fail" -ne 0 ]; then
    echo "--- serve.err" >&2
    tail -20 "$TMP/serve.err" >&2
fi
echo "collector_publish_dash: $fail failed"
[ "$fail" -eq 0 ]
