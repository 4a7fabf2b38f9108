#!/usr/bin/env bash
# wijkpeil-qset preview: a PNG per screen x language x display mode, an index.html that shows
# them, the accessibility check (exit 0 clean, 3 findings) and exit 1 for an invalid set.
set -euo pipefail

: "${WIJKPEIL_QSET:?set WIJKPEIL_QSET to the wijkpeil-qset program}"
: "${WIJKPEIL_SRC:?set WIJKPEIL_SRC to the source tree}"
Q="$WIJKPEIL_QSET"
DEMO="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail=0
pass=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
good() { pass=$((pass + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then good; else bad "$what"; fi
}

# --- the demo poll: every screen, language and mode on the smallest landscape panel ---
PANEL=800x480-155mm
rc=0
"$Q" preview "$DEMO" -o "$TMP/out" --screen 800x480@155mm >"$TMP/demo.out" 2>"$TMP/demo.err" ||
    rc=$?
ln -s "$TMP/out/$PANEL" "$TMP/demo"
if [ "$rc" -ne 0 ]; then
    bad "preview of the demo poll: exit $rc, expected 0 (no accessibility findings)"
    sed 's/^/    | /' "$TMP/demo.out" "$TMP/demo.err" | head -60 >&2
else
    good
fi

# Expected numbers from the validator: questions + attract, language, still-there, thanks,
# save-error, closed.
ok_line=$("$Q" validate "$DEMO")
nq=$(sed -n 's/.*ok (\([0-9]*\) question.*/\1/p' <<<"$ok_line")
langs=$(sed -n 's/.*languages \(.*\))$/\1/p' <<<"$ok_line")
nl=$(wc -w <<<"$langs")
want=$(((nq + 6) * nl * 4))
have=$(find -L "$TMP/demo" -name '*.png' ! -name '*-scroll*' ! -name '*-selected*' \
    ! -name '*-more*' ! -name '*-page[0-9]*' | wc -l)
check "PNG count $have, expected $want ($((nq + 6)) screens x $nl languages x 4 modes)" \
    [ "$have" -eq "$want" ]
check "the \"more\" panel is drawn" [ -s "$TMP/demo/nl/00-attract-more.png" ]
check "the closed screen is drawn" [ -s "$TMP/demo/nl/$(printf %02d $((nq + 5)))-closed.png" ]
check "the top index links the panel" grep -qF "href=\"$PANEL/index.html\"" "$TMP/out/index.html"
for l in $langs; do
    for m in "" -large -contrast -large-contrast; do
        check "$l/00-attract$m.png" [ -s "$TMP/demo/$l/00-attract$m.png" ]
        check "$l/$(printf %02d $((nq + 3)))-thanks$m.png" \
            [ -s "$TMP/demo/$l/$(printf %02d $((nq + 3)))-thanks$m.png" ]
    done
done
check "a PNG is a real PNG" \
    bash -c "head -c 8 '$TMP/demo/nl/00-attract.png' | od -An -c | grep -q 'P   N   G'"
check "no temporary files left" [ -z "$(find -L "$TMP/demo" -name '*.tmp')" ]

# index.html: exists, names the set, references every PNG, marks the Arabic column RTL.
html="$TMP/demo/index.html"
check "index.html exists" [ -s "$html" ]
check "index.html names the set id" grep -q 'nazareth-pottenberg-2027-voorjaar' "$html"
check "index.html names the version" grep -q 'version 1' "$html"
check "index.html shows the title" grep -qF 'Hoe is het in uw wijk?' "$html"
check "index.html marks the Arabic column right-to-left" grep -q '<th lang="ar" dir="rtl">' "$html"
missing=0
while IFS= read -r f; do
    rel=${f#"$TMP/demo/"}
    grep -qF "href=\"$rel\"" "$html" || missing=$((missing + 1))
done < <(find -L "$TMP/demo" -name '*.png')
check "index.html links every PNG ($missing missing)" [ "$missing" -eq 0 ]
refs=$(grep -o 'src="[^"]*\.png"' "$html" | sort -u | wc -l)
all=$(find -L "$TMP/demo" -name '*.png' | wc -l)
check "index.html shows $refs of $all PNGs" [ "$refs" -eq "$all" ]
check "the summary line counts the screens" \
    grep -q "$PANEL: $((nq + 6)) screens x $nl languages x 4 modes" "$TMP/demo.out"

# --- a valid set with a character the fonts cannot draw: exit 3 and the finding named ---
mkdir -p "$TMP/cjk"
cat >"$TMP/cjk/set.json" <<'EOF'
{"format": "wijkpeil/1", "id": "cjk-set", "version": 2, "languages": ["nl", "en"],
 "title": {"nl": "Wijk 中文", "en": "Neighbourhood"},
 "questions": [{"id": "q", "type": "yesno", "text": {"nl": "Goed?", "en": "Good?"}}]}
EOF
rc=0
"$Q" preview "$TMP/cjk/set.json" -o "$TMP/cjk/all" >"$TMP/cjk.out" 2>&1 || rc=$?
ln -s "$TMP/cjk/all/24in-1920x1080" "$TMP/cjk/out"
check "a set with findings exits 3 (got $rc)" [ "$rc" -eq 3 ]
# Without --screen: every panel of the matrix, each in its folder, summarised by kind.
for p in 7in-800x480 7in-portrait-720x1280 10in-1280x800 10in-1024x600 15in-1920x1080 \
    21in-1920x1080 24in-1920x1080; do
    check "default panels: $p drawn" [ -s "$TMP/cjk/all/$p/index.html" ]
done
check "findings are summarised by kind with a count and an example" \
    grep -Eq '^ +[0-9]+  characters no font can draw, e.g. panel=' "$TMP/cjk.out"
check "the summary comes before the full list" \
    bash -c "grep -n -e '^Findings by kind' -e '^All findings' '$TMP/cjk.out' | head -1 | grep -q Findings"
check "the undrawable character is reported" \
    grep -q 'screen=attract lang=nl mode=normal widget=title: 2 characters no font can draw (first U+4E2D)' \
    "$TMP/cjk.out"
check "the finding is in index.html" grep -q 'U+4E2D' "$TMP/cjk/out/index.html"
n=$(find -L "$TMP/cjk/out" -name '*.png' ! -name '*-scroll*' ! -name '*-selected*' \
    ! -name '*-more*' ! -name '*-page[0-9]*' | wc -l)
check "cjk set: $n PNGs, expected 56" [ "$n" -eq 56 ]

# --- an invalid set: exit 1, the validator's message, nothing drawn ---
rc=0
"$Q" preview "$WIJKPEIL_SRC/tests/qsets/invalid-typo.json" -o "$TMP/bad" >"$TMP/bad.out" \
    2>"$TMP/bad.err" || rc=$?
check "an invalid set exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "the validator's message is printed" grep -q 'unknown key "requird"' "$TMP/bad.out"
check "nothing is drawn for an invalid set" [ ! -e "$TMP/bad/index.html" ]

# --- usage errors: exit 2 ---
rc=0
"$Q" preview "$DEMO" >/dev/null 2>&1 || rc=$?
check "preview without -o exits 2 (got $rc)" [ "$rc" -eq 2 ]
rc=0
"$Q" preview "$DEMO" -o "$TMP/x" --size 12 >/dev/null 2>&1 || rc=$?
check "a bad --size exits 2 (got $rc)" [ "$rc" -eq 2 ]
rc=0
"$Q" preview "$DEMO" -o "$TMP/x" --screen 800x480 >/dev/null 2>&1 || rc=$?
check "a --screen without its width in mm exits 2 (got $rc)" [ "$rc" -eq 2 ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
