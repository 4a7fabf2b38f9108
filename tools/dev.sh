#!/usr/bin/env bash
# One entry point for a newcomer on Debian 12 / Raspberry Pi OS Bookworm:
#   tools/dev.sh run    install what is missing, build, start a local collector, the uploader
#                       (wijkpeil-sync) and the kiosk in a window with the demo poll
#   tools/dev.sh test   install what is missing, build with ASan+UBSan, run every test; then
#                       cross-build for arm64 (the Raspberry Pi) and run its unit and headless
#                       UI tests under qemu-user (skipped on an arm64 machine, or with
#                       WIJKPEIL_SKIP_ARM64=1); the native run ends with a short smoke run of
#                       every fuzz target (WIJKPEIL_FUZZ_SMOKE seconds each, default 15)
#   tools/dev.sh test --loaded   the same beside two CPU-bound processes (stress-ng --cpu 2),
#                       as on a shared 2-core machine (also WIJKPEIL_TEST_LOAD=1)
#   tools/dev.sh bench  install what is missing, build optimised, print the benchmark figures
#   tools/dev.sh fuzz [SECONDS]
#                       build the libFuzzer targets of tests/fuzz with clang (build/fuzz) and run
#                       each for SECONDS (default 300), as many at once as there are cores;
#                       exits non-zero when one crashes, hangs or leaks (input in build/fuzz)
#   tools/dev.sh appliance [--power-cuts N] [--only CHECKS] [--accel auto|kvm|tcg] [--keep]
#                       (root) the real packages on a real kernel in a virtual machine (QEMU,
#                       KVM when it runs the guest, else software emulation; no network):
#                       builds the .deb files, builds once and
#                       then reuses a minimal Debian root in /var/cache/wijkpeil-appliance, boots
#                       it and checks first frame, touch, absolute-pointer taps, crash and hang
#                       restarts and power cuts (tools/appliance/appliance.py); one PASS/FAIL line
#                       a check; not part of `test`. Run it before closing an issue that touches
#                       platform/, packaging or input.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

packages=(build-essential cmake pkg-config
  libsdl2-dev libsdl2-ttf-dev libpng-dev libfribidi-dev
  libsdl2-image-dev # only for tools/icons/make_icons.c, built by hand (assets/icons/README.md)
  libsqlite3-dev sqlite3 libjansson-dev libcurl4-openssl-dev libmicrohttpd-dev
  libsodium-dev libespeak-ng-dev espeak-ng-data libsystemd-dev libcmark-dev
  libxlsxwriter-dev # wijkpeil-to-xlsx: the worked example spreadsheet (assets/demo), not on the kiosk
  libpq-dev postgresql nginx-light # the collector on PostgreSQL; its reference proxy, syntax-tested
  python3 openssl ca-certificates curl stress-ng
  chromium nodejs # the dashboard's browser test (puppeteer-core, axe-core: npm, at test time)
  python3-openpyxl # the collector's xlsx export read back (script_collector_export)
  # LibreOffice opens the Excel CSV as a Dutch spreadsheet would (the same test; skipped, 77,
  # without it): 287 MB, 91 s to install here (measured without recommended packages)
  libreoffice-calc-nogui
  clang libclang-rt-14-dev # clang's libFuzzer (-fsanitize=fuzzer) is in libclang-rt-14-dev
  poppler-utils) # pdftotext, pdfinfo: the dashboard's report printed to PDF, read back (script_collector_report)

# npm comes with Debian's package of that name, or bundled with a Node.js from elsewhere (whose
# nodejs package conflicts with Debian's npm): ask for the package only when the command is absent.
command -v npm >/dev/null 2>&1 || packages+=(npm)

arm64_packages=(crossbuild-essential-arm64 qemu-user-static
  libsdl2-dev:arm64 libsdl2-ttf-dev:arm64 libpng-dev:arm64 libfribidi-dev:arm64
  libsqlite3-dev:arm64 libjansson-dev:arm64 libcurl4-openssl-dev:arm64 libmicrohttpd-dev:arm64
  libsodium-dev:arm64 libespeak-ng-dev:arm64 libsystemd-dev:arm64 libcmark-dev:arm64) # no libpq-dev:arm64: it would replace the native one

# Only for `tools/dev.sh appliance` (the everyday install does not need them).
appliance_packages=(debootstrap qemu-system-x86 qemu-utils e2fsprogs python3-pil dosfstools mtools)

install_missing() { # install_missing [PACKAGE...] (default: the build and test packages)
  local missing=() want=("$@")
  [ ${#want[@]} -eq 0 ] && want=("${packages[@]}")
  for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

build() { # build DIR [cmake options...]
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

# fuzz_run SECONDS: builds every tests/fuzz/fuzz_NAME.c with clang into build/fuzz and runs each
# for SECONDS on its seeds (tests/fuzz/corpus/NAME, read only) plus what earlier runs found
# (build/fuzz/corpus/NAME), nproc at a time. Prints a table; returns 1 when any target failed.
fuzz_run() {
  local secs=$1 dir="$root/build/fuzz" t
  cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWIJKPEIL_FUZZ=ON -DWIJKPEIL_TESTS=OFF >/dev/null
  cmake --build "$dir" -j"$(nproc)" --target wp_fuzz_all
  local targets=()
  for t in "$root"/tests/fuzz/fuzz_*.c; do
    t=$(basename "$t" .c)
    targets+=("${t#fuzz_}")
  done
  one() { # one NAME: runs a target, its output in build/fuzz/NAME.log
    local name=$1 dict=()
    [ -f "$root/tests/fuzz/$name.dict" ] && dict=(-dict="$root/tests/fuzz/$name.dict")
    mkdir -p "$dir/corpus/$name"
    rm -f "$dir/crash-$name"
    "$dir/tests/fuzz/fuzz_$name" "$dir/corpus/$name" "$root/tests/fuzz/corpus/$name" \
      "${dict[@]}" -max_total_time="$secs" -timeout=25 -print_final_stats=1 \
      -exact_artifact_path="$dir/crash-$name" \
      >"$dir/$name.log" 2>&1
  }
  # Waits only for its own jobs: under --loaded the CPU hogs are children of this shell too.
  local failed=() pids=()
  for t in "${targets[@]}"; do
    if [ ${#pids[@]} -ge "$(nproc)" ]; then
      wait "${pids[0]}" || true
      pids=("${pids[@]:1}")
    fi
    echo "fuzz_$t: ${secs}s"
    one "$t" &
    pids+=($!)
  done
  for t in "${pids[@]}"; do
    wait "$t" || true
  done
  printf '%-16s %8s %12s  %s\n' target seconds executions result
  for t in "${targets[@]}"; do
    local log="$dir/$t.log" execs time result=clean
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    if [ -e "$dir/crash-$t" ] || ! grep -q '^Done ' "$log"; then
      result="FAILED: input $dir/crash-$t, log $log"
      failed+=("$t")
    fi
    printf '%-16s %8s %12s  %s\n' "fuzz_$t" "${time:-?}" "${execs:-?}" "$result"
  done
  for t in "${failed[@]}"; do
    echo "== fuzz_$t: end of $dir/$t.log =="
    sed -n '/^fuzz: \|ERROR: /,$p' "$dir/$t.log" | grep -v '^wijkpeil-collector: ' | head -n 60
  done
  [ ${#failed[@]} -eq 0 ]
}

cmd=${1:-}
case "$cmd" in
run)
  install_missing
  build "$root/build/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  bin="$root/build/release"
  data="$root/build/demo"
  mkdir -p "$data"
  # A local collector next to the kiosk, so responses can be seen arriving centrally.
  if [ -x "$bin/wijkpeil-collector" ]; then
    port=8787
    if [ ! -f "$data/kiosk.conf" ]; then
      token=$("$bin/wijkpeil-collector" device add demo-kiosk --location nazareth \
        --db "$data/collector.db" | awk '{print $NF}' | tail -n 1)
      cat >"$data/kiosk.conf" <<CONF
# Demo settings written by tools/dev.sh run
questionset = $root/assets/demo/nazareth-pottenberg.json
db = $data/kiosk.db
log_file = $data/kiosk.log
endpoint = http://127.0.0.1:$port
token = $token
device_id = demo-kiosk
location = nazareth
sync_interval_seconds = 30
# The window on a desktop monitor of about 96 dpi (1280 px = 338 mm): sizes in millimetres
# come out as on a kiosk panel of that width.
screen_width_mm = 338
CONF
    fi
    # A dashboard user for the demo (loopback only), its password kept beside the demo data.
    if [ ! -f "$data/dashboard.txt" ]; then
      pass=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
      printf '%s\n' "$pass" | "$bin/wijkpeil-collector" user add demo --role admin \
        --db "$data/collector.db" >/dev/null
      printf 'user: demo\npassword: %s\n' "$pass" >"$data/dashboard.txt"
      chmod 600 "$data/dashboard.txt"
    fi
    "$bin/wijkpeil-collector" serve --db "$data/collector.db" --listen "127.0.0.1:$port" \
      --qset "$root/assets/demo/nazareth-pottenberg.json" >"$data/collector.log" 2>&1 &
    collector=$!
    # The uploader is its own program, as on a kiosk (wijkpeil-sync.service); the kiosk asks it
    # over this socket.
    export WIJKPEIL_SYNC_SOCKET="$data/sync.sock"
    "$bin/wijkpeil-sync" --config "$data/kiosk.conf" >"$data/sync.log" 2>&1 &
    uploader=$!
    trap 'kill $collector $uploader 2>/dev/null || true' EXIT
    echo "Collector on http://127.0.0.1:$port (log: $data/collector.log)."
    echo "  Dashboard: http://127.0.0.1:$port/dash/ (sign in with $data/dashboard.txt)."
    echo "  Public page: http://127.0.0.1:$port/public/nazareth (cards once 10 have answered)."
    echo "Uploader wijkpeil-sync beside the kiosk (log: $data/sync.log)."
    echo "See what arrived: $bin/wijkpeil-collector status --db $data/collector.db"
    echo "            and:  $bin/wijkpeil-collector export --db $data/collector.db --format csv"
  else
    printf 'questionset = %s\ndb = %s\nlog_file = %s\nscreen_width_mm = 338\n' \
      "$root/assets/demo/nazareth-pottenberg.json" "$data/kiosk.db" "$data/kiosk.log" \
      >"$data/kiosk.conf"
  fi
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && ! tty 2>/dev/null | grep -q '^/dev/tty[0-9]'; then
    echo "No display here (DISPLAY and WAYLAND_DISPLAY are not set, not a console): the kiosk" >&2
    echo "would run unseen. Run this on the machine's desktop or console, or over ssh -X; to" >&2
    echo "look at every screen without a display: $bin/wijkpeil-qset preview $root/assets/demo/nazareth-pottenberg.json -o DIR" >&2
    exit 1
  fi
  echo "Starting the kiosk in a window (Esc closes it; the data is in $data)."
  # The malloc tunables of the kiosk's systemd unit: as deployed (one place says them).
  GLIBC_TUNABLES=$(sed -n 's/^Environment=GLIBC_TUNABLES=//p' "$root/platform/rpi/wijkpeil.service") \
    "$bin/wijkpeil" --config "$data/kiosk.conf" --window "${WIJKPEIL_WINDOW:-1280x720}"
  ;;
test)
  loaded=${WIJKPEIL_TEST_LOAD:-0}
  [ "${2:-}" = --loaded ] && loaded=1
  install_missing
  build "$root/build/test" -DCMAKE_BUILD_TYPE=Debug -DWIJKPEIL_SANITIZE=ON
  if [ "$loaded" = 1 ]; then
    # Two CPU hogs beside the tests, stopped however this script ends.
    stress-ng --cpu 2 --quiet &
    hogs=$!
    trap 'kill $hogs 2>/dev/null || true; wait $hogs 2>/dev/null || true' EXIT
    echo "== tests beside stress-ng --cpu 2 (pid $hogs) =="
  fi
  (cd "$root/build/test" && ctest --output-on-failure -j2 --timeout 900)
  echo "== fuzz smoke run (${WIJKPEIL_FUZZ_SMOKE:-15}s per target) =="
  fuzz_run "${WIJKPEIL_FUZZ_SMOKE:-15}"
  if [ "$(dpkg --print-architecture)" != arm64 ] && [ "${WIJKPEIL_SKIP_ARM64:-}" != 1 ]; then
    echo "== arm64 (Raspberry Pi) cross build, tests under qemu-user =="
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
      sudo=()
      [ "$(id -u)" -ne 0 ] && sudo=(sudo)
      "${sudo[@]}" dpkg --add-architecture arm64
    fi
    install_missing "${arm64_packages[@]}"
    build "$root/build/arm64" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$root/platform/cmake/aarch64-linux-gnu.cmake" -DWIJKPEIL_POSTGRES=OFF
    # Timing comparisons mean nothing under emulation (label "timing"), and the kill -9
    # campaign would take hours (label "slow"); the preview and the package are checked by the
    # native run. (`wijkpeil sync` execs wijkpeil-sync: the test wrappers in build/arm64/emu put
    # themselves first on PATH, so it finds the wrapper without binfmt_misc.)
    (cd "$root/build/arm64" &&
      ctest --output-on-failure -j2 --timeout 900 -LE 'timing|slow' \
        -E '^script_(qset_preview|package_deb)(_pg)?$')
  fi
  ;;
bench)
  install_missing
  build "$root/build/release" -DCMAKE_BUILD_TYPE=Release
  "$root/tests/bench/run.sh" "$root/build/release"
  ;;
fuzz)
  if ! [[ ${2:-300} =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: tools/dev.sh fuzz [SECONDS]  (a whole number of seconds per target)" >&2
    exit 2
  fi
  install_missing
  fuzz_run "${2:-300}"
  ;;
appliance)
  if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@" # debootstrap, chroot and mkfs.ext4 -d of a root file system need root
  fi
  install_missing
  install_missing "${appliance_packages[@]}"
  # The packages as tests/scripts/package_deb.sh builds them; their kiosk also draws the
  # reference screens headless on the host.
  pkg="$root/build/pkg"
  cmake -S "$root" -B "$pkg" -DCMAKE_BUILD_TYPE=Release -DWIJKPEIL_TESTS=OFF \
    -DWIJKPEIL_DATA_DIR=/usr/share/wijkpeil >/dev/null
  nice -n 10 cmake --build "$pkg" -j"$(nproc)"
  (cd "$pkg" && rm -f ./*.deb && cpack -G DEB >/dev/null)
  # The unit test of absolute-pointer taps needs /dev/uinput: it runs in the guest as well
  # (without sanitizers: the image has no libasan).
  gt="$root/build/appliance-tests"
  cmake -S "$root" -B "$gt" -DCMAKE_BUILD_TYPE=Release -DWIJKPEIL_POSTGRES=OFF >/dev/null
  nice -n 10 cmake --build "$gt" -j"$(nproc)" --target test_plat_input
  shift
  /usr/bin/python3 "$root/tools/appliance/appliance.py" --kiosk "$pkg/wijkpeil" \
    --qset "$pkg/wijkpeil-qset" --guest-test "$gt/tests/test_plat_input" "$@" \
    "$pkg"/wijkpeil_*.deb "$pkg"/wijkpeil-collector_*.deb
  ;;
*)
  echo "usage: tools/dev.sh run|test [--loaded]|bench|fuzz [SECONDS]|appliance" >&2
  exit 2
  ;;
esac
