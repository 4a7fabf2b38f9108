# shellcheck shell=bash
# The browser tests' set-up: Debian's chromium, node and npm, and puppeteer-core and axe-core
# installed by npm into $WIJKPEIL_BUILD/npm when the test runs (never at build time). Exits 77
# (ctest: skipped) saying why when one cannot be had. Sets NPM; needs TMP.
: "${WIJKPEIL_BUILD:?set WIJKPEIL_BUILD to the build folder}"
for p in chromium node npm; do
    if ! command -v "$p" >/dev/null; then
        echo "SKIP: $p is not installed (tools/dev.sh installs chromium, nodejs and npm)"
        exit 77
    fi
done
NPM="$WIJKPEIL_BUILD/npm"
# Browser tests run in parallel (ctest -j): one installs while the others wait for it, or two
# npm runs write the same folder at once and leave a module half there.
mkdir -p "$WIJKPEIL_BUILD"
exec 9>"$WIJKPEIL_BUILD/npm.lock"
flock 9
if [ ! -f "$NPM/.complete" ]; then # written only after an install that finished
    mkdir -p "$NPM"
    if ! npm install --prefix "$NPM" --no-audit --no-fund puppeteer-core axe-core >"$TMP/npm.log" 2>&1; then
        echo "SKIP: npm could not install puppeteer-core and axe-core (registry unreachable?):"
        tail -5 "$TMP/npm.log"
        exit 77
    fi
    : >"$NPM/.complete"
fi
flock -u 9
exec 9>&-
