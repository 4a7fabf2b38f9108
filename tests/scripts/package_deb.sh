#!/usr/bin/env bash
# The Debian packages (cpack -G DEB): "wijkpeil" (kiosk, toolkit, assets, fonts, config, systemd
# units, udev rule, a system user made by postinst, data kept on removal) and
# "wijkpeil-collector" (own package and service). Built from a Release configuration in the
# build folder; the units are checked with systemd-analyze verify.
set -euo pipefail
: "${WIJKPEIL_SRC:?}" "${WIJKPEIL_BUILD:?}"
pkg="$WIJKPEIL_BUILD/pkg"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S "$WIJKPEIL_SRC" -B "$pkg" -DCMAKE_BUILD_TYPE=Release -DWIJKPEIL_TESTS=OFF \
  -DWIJKPEIL_DATA_DIR=/usr/share/wijkpeil >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
cmake --build "$pkg" -j"$(nproc)" >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; exit 1; }
(cd "$pkg" && rm -f ./*.deb && cpack -G DEB >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; exit 1; }

passed=0 failed=0
check() { # check WHAT COMMAND...
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}
kiosk=$(ls "$pkg"/wijkpeil_*_*.deb)
coll=$(ls "$pkg"/wijkpeil-collector_*_*.deb)
dpkg-deb -c "$kiosk" | awk '{print $6}' >"$tmp/kiosk.list"
dpkg-deb -c "$coll" | awk '{print $6}' >"$tmp/coll.list"
for f in ./usr/bin/wijkpeil ./usr/bin/wijkpeil-qset ./usr/bin/wijkpeil-sync ./etc/wijkpeil/kiosk.conf \
  ./lib/systemd/system/wijkpeil.service ./lib/systemd/system/wijkpeil-sync.service \
  ./lib/systemd/system/wijkpeil-usb@.service \
  ./lib/udev/rules.d/99-wijkpeil-usb.rules ./lib/udev/rules.d/98-wijkpeil-backlight.rules \
  ./lib/systemd/system/wijkpeil-eject@.path \
  ./lib/systemd/system/wijkpeil-eject@.service ./usr/share/wijkpeil/fonts/NotoSans-Regular.ttf \
  ./usr/share/wijkpeil/fonts/NotoSansEthiopic-Regular.ttf ./usr/share/wijkpeil/fonts/NotoSansEthiopic-Bold.ttf \
  ./usr/share/wijkpeil/fonts/OFL.txt ./usr/share/wijkpeil/assets/ui-strings.json \
  ./usr/share/wijkpeil/assets/demo/nazareth-pottenberg.json \
  ./usr/share/wijkpeil/assets/demo/clips/ti-title.wav; do
  check "kiosk package holds $f" grep -qx "$f" "$tmp/kiosk.list"
done
check "the collector is not in the kiosk package" bash -c "! grep -q wijkpeil-collector '$tmp/kiosk.list'"
check "collector package holds its program" grep -qx ./usr/bin/wijkpeil-collector "$tmp/coll.list"
check "collector package holds its service" grep -qx ./lib/systemd/system/wijkpeil-collector.service "$tmp/coll.list"
check "kiosk.conf (token, PIN hash) is packaged 0640, never world-readable" \
  bash -c "dpkg-deb -c '$kiosk' | grep -E '^-rw-r----- root/root .* \\./etc/wijkpeil/kiosk\\.conf\$'"
check "kiosk package is named wijkpeil" test "$(dpkg-deb -f "$kiosk" Package)" = wijkpeil
check "kiosk depends on SDL2 (shlibdeps)" bash -c "dpkg-deb -f '$kiosk' Depends | grep -q libsdl2-2.0-0"
check "kiosk depends on libespeak-ng (loaded by dlopen, so not found by shlibdeps)" \
    bash -c "dpkg-deb -f '$kiosk' Depends | grep -q 'libespeak-ng[0-9]'"
check "kiosk depends on adduser" bash -c "dpkg-deb -f '$kiosk' Depends | grep -q adduser"
dpkg-deb -e "$kiosk" "$tmp/ctl"
check "the config is a conffile (kept on upgrade)" grep -qx /etc/wijkpeil/kiosk.conf "$tmp/ctl/conffiles"
check "postinst makes a system user" grep -q "adduser --system --group" "$tmp/ctl/postinst"
check "postinst makes the data folder" grep -q "install -d -m 0750" "$tmp/ctl/postinst"
check "postrm never deletes responses" bash -c "! grep -q 'rm .*/var/lib/wijkpeil' '$tmp/ctl/postrm'"
check "maintainer scripts are valid sh" sh -n "$tmp/ctl/postinst"
check "maintainer scripts are valid sh" sh -n "$tmp/ctl/postrm"
# The installed kiosk finds its data under /usr/share/wijkpeil (compiled in for packages).
mkdir -p "$tmp/root"
dpkg-deb -x "$kiosk" "$tmp/root"
dpkg-deb -x "$coll" "$tmp/root"
check "the packaged screen program links no libcurl" bash -c "! readelf -d '$tmp/root/usr/bin/wijkpeil' | grep NEEDED | grep -q libcurl"
check "the packaged uploader links no SDL" bash -c "! readelf -d '$tmp/root/usr/bin/wijkpeil-sync' | grep NEEDED | grep -qi sdl"
check "the kiosk service may not make IP sockets" bash -c "grep -qx 'RestrictAddressFamilies=AF_UNIX AF_NETLINK' '$tmp/root/lib/systemd/system/wijkpeil.service'"
check "the uploader service has no device access" grep -qx PrivateDevices=yes "$tmp/root/lib/systemd/system/wijkpeil-sync.service"
check "packaged kiosk looks for data in /usr/share/wijkpeil" grep -q /usr/share/wijkpeil "$tmp/root/usr/bin/wijkpeil"
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$tmp/units"
  for u in wijkpeil.service wijkpeil-sync.service wijkpeil-collector.service; do
    sed "s|/usr/bin/|$tmp/root/usr/bin/|g" "$tmp/root/lib/systemd/system/$u" >"$tmp/units/$u"
  done
  cp "$tmp/root/lib/systemd/system/wijkpeil-usb@.service" "$tmp/units/wijkpeil-usb@sda1.service"
  cp "$tmp/root/lib/systemd/system/wijkpeil-eject@.service" "$tmp/units/wijkpeil-eject@sda1.service"
  cp "$tmp/root/lib/systemd/system/wijkpeil-eject@.path" "$tmp/units/wijkpeil-eject@sda1.path"
  systemd-analyze verify "$tmp/units/"*.service "$tmp/units/"*.path >"$tmp/verify.out" 2>&1 || true
  check "systemd-analyze verify: no complaints ($(head -c 300 "$tmp/verify.out"))" test ! -s "$tmp/verify.out"
else
  echo "note: systemd-analyze not installed; units not verified"
fi
# Install into a scratch root (dpkg --root, maintainer scripts chrootless with DPKG_ROOT), remove,
# purge: the user and data folder are made, the data survives removal and purge.
if [ "$(id -u)" -eq 0 ]; then
  S="$tmp/scratch"
  mkdir -p "$S/var/lib/dpkg/info" "$S/var/lib/dpkg/updates" "$S/etc"
  touch "$S/var/lib/dpkg/status"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$S/etc/passwd"
  printf 'root:x:0:\n' >"$S/etc/group"
  printf 'root:*:19000:0:99999:7:::\n' >"$S/etc/shadow"
  printf 'root:*::\n' >"$S/etc/gshadow"
  cp /etc/login.defs "$S/etc/"
  dpkg_s() { dpkg --root="$S" --force-script-chrootless --force-depends --log=/dev/null "$@"; }
  check "dpkg installs the kiosk package into a scratch root" dpkg_s -i "$kiosk"
  check "dpkg installs the collector package into a scratch root" dpkg_s -i "$coll"
  check "installed: the program" test -x "$S/usr/bin/wijkpeil"
  check "installed: the config" test -f "$S/etc/wijkpeil/kiosk.conf"
  gid=$(awk -F: '$1 == "wijkpeil" { print $3 }' "$S/etc/group")
  check "installed config is 0640 root:wijkpeil ($(stat -c '%a %u:%g' "$S/etc/wijkpeil/kiosk.conf"), group $gid)" \
    test "$(stat -c '%a %u:%g' "$S/etc/wijkpeil/kiosk.conf")" = "640 0:$gid"
  check "postinst made the wijkpeil system user" grep -q '^wijkpeil:x:[0-9]*:[0-9]*::/var/lib/wijkpeil:/usr/sbin/nologin$' "$S/etc/passwd"
  check "postinst made the collector user" grep -q '^wijkpeil-collector:' "$S/etc/passwd"
  uid=$(awk -F: '$1 == "wijkpeil" { print $3 }' "$S/etc/passwd")
  check "data folder owned by the kiosk user, mode 750" \
    test "$(stat -c '%u %a' "$S/var/lib/wijkpeil")" = "$uid 750"
  echo "not lost" >"$S/var/lib/wijkpeil/responses.db"
  check "dpkg removes the kiosk package" dpkg_s -r wijkpeil
  check "removed: the program" test ! -e "$S/usr/bin/wijkpeil"
  check "removal keeps the responses" grep -q "not lost" "$S/var/lib/wijkpeil/responses.db"
  check "removal keeps the edited config (conffile)" test -f "$S/etc/wijkpeil/kiosk.conf"
  check "dpkg purges the kiosk package" dpkg_s -P wijkpeil
  check "purge still keeps the responses" grep -q "not lost" "$S/var/lib/wijkpeil/responses.db"
else
  echo "note: not root; the scratch-root install was not tried"
fi
echo "package_deb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
