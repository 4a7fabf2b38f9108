# shellcheck shell=bash
# Shared setup of the staff-mode script tests (sourced by tests/scripts/staff_ui_*.sh): a kiosk
# config with a staff PIN, a trusted signing key and a plain folder as the USB mount root, and
# helpers to write kiosk scripts and check the widget trees they dump.
# Needs: WIJKPEIL, WIJKPEIL_QSET, WIJKPEIL_SRC; sets TMP (removed on exit by the caller's trap).

STAFF_PIN=2468
POLL="$WIJKPEIL_SRC/assets/demo/nazareth-pottenberg.json"
fail=0
pass=0
bad() {
    echo "FAIL: $*" >&2
    fail=$((fail + 1))
}
check() {
    local what=$1
    shift
    if "$@"; then pass=$((pass + 1)); else bad "$what"; fi
}


# Makes $TMP/kiosk.conf, $TMP/staff.secret/.public, $TMP/media (mount root), $TMP/data (db).
staff_ui_setup() {
    mkdir -p "$TMP/media" "$TMP/data"
    "$WIJKPEIL_QSET" keygen -o "$TMP/staff" >/dev/null
    "$WIJKPEIL_QSET" keygen -o "$TMP/stranger" >/dev/null
    {
        echo "$STAFF_PIN" | "$WIJKPEIL_QSET" pin-hash 2>/dev/null
        echo "trusted_key = $(cat "$TMP/staff.public")"
        echo "mount_root = $TMP/media"
        echo "device_id = kiosk-staff-test"
        echo "location = wijk-noord"
        echo "log_file = $TMP/data/kiosk.log"
    } >"$TMP/kiosk.conf"
    grep -q '^staff_pin_hash = ' "$TMP/kiosk.conf" || bad "wijkpeil-qset pin-hash gave no hash"
}

# Runs the kiosk headless on script file $1; output in $1.out. Returns the kiosk's exit code.
run_kiosk() {
    local rc=0
    "$WIJKPEIL" --config "$TMP/kiosk.conf" --questionset "$POLL" --db "$TMP/data/kiosk.db" \
        --window 1920x1080 --script "$1" >"$1.out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then sed 's/^/    | /' "$1.out" >&2; fi
    return "$rc"
}

# Script lines: the hidden gesture (three taps in the top-right corner within 2 s).
gesture() {
    printf 'tap 1913 6\nwait 300\ntap 1913 6\nwait 300\ntap 1913 6\n'
}
# Script lines: a PIN on the pad, then OK.
pin() {
    local p=$1 i
    for ((i = 0; i < ${#p}; i++)); do echo "tap-id pin:${p:i:1}"; done
    echo "tap-id pin-ok"
}

# tree_label FILE ID: the label of widget ID in a dumped tree ("" when absent).
tree_label() {
    python3 - "$1" "$2" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
print(next((w["label"] for w in t["widgets"] if w["id"] == sys.argv[2]), ""))
PY
}
# tree_field FILE KEY: a top-level field of a dumped tree.
tree_field() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
# tree_ids FILE PREFIX: the ids of widgets starting with PREFIX, one per line.
tree_ids() {
    python3 - "$1" "$2" <<'PY'
import json, sys
for w in json.load(open(sys.argv[1]))["widgets"]:
    if w["id"].startswith(sys.argv[2]):
        print(w["id"])
PY
}
# has FILE ID TEXT: widget ID's label contains TEXT.
has() {
    local l
    l=$(tree_label "$1" "$2")
    [[ "$l" == *"$3"* ]] || { echo "    $2: \"$l\"" >&2; return 1; }
}

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
