#!/usr/bin/python3
"""tools/dev.sh appliance: the real package on a real kernel in a virtual machine (issue 18).

Builds (once) a minimal Debian 12 root under /var/cache/wijkpeil-appliance, and per run copies
it, installs the project's .deb files with dpkg in a chroot, writes a raw ext4 image with
`mkfs.ext4 -d` and boots it with QEMU (software emulation, no network). The host talks to the
guest through QMP (screendump, input, device_add, quit) and a virtio-serial port served by a
small guest agent (tools/appliance/agent.py: shell commands, uinput touchscreen taps). Every
check prints one PASS/FAIL line with its time; the exit status is non-zero when one failed.
QEMU is always stopped, however this ends.

Screens are compared with the kiosk's own headless render of the same screen at the same size
(`wijkpeil --script` with `shot`), built on the host from the same sources."""
import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import hashlib
import json

from PIL import Image, ImageChops, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
WIDTH, HEIGHT = 1280, 800
SCREEN_MM = 338  # both the guest and the headless render: the same physical sizes
DEMO = "/usr/share/wijkpeil/assets/demo/nazareth-pottenberg.json"
# As the builds on this shared machine: at 15 the VM got so little of the CPU beside them that a
# boot took five minutes.
NICE = ["nice", "-n", "10"]

ROOT_PACKAGES = [
    "linux-image-amd64", "systemd", "systemd-sysv", "udev", "kmod", "libgl1-mesa-dri", "libegl1",
    "libgles2", "libgbm1", "sqlite3", "adduser", "espeak-ng-data", "libsdl2-2.0-0",
    "libsdl2-ttf-2.0-0", "libpng16-16", "libfribidi0", "libsqlite3-0", "libjansson4", "libcurl4",
    "libmicrohttpd12", "libsodium23", "libespeak-ng1", "libsystemd0", "libcmark0.30.2", "libpq5",
    "libinput10", "libxlsxwriter4", "python3-minimal", "procps", "util-linux", "mount", "e2fsprogs"]

# No Requires= on the port's device unit: on a loaded host udev can take longer than the device
# timeout, and a unit whose dependency failed is never started again. The agent waits itself.
AGENT_UNIT = """[Unit]
Description=Wijkpeil appliance test agent (test image only)
DefaultDependencies=no
After=systemd-udevd.service
Before=wijkpeil.service

[Service]
ExecStart=/usr/bin/python3 /usr/local/sbin/wijkpeil-appliance-agent
Restart=always
RestartSec=1

[Install]
WantedBy=multi-user.target
"""

results = []


def log(msg):
    print(msg, flush=True)


def report(name, ok, secs, detail=""):
    results.append((name, ok, secs))
    log("%s %-28s %7.1f s  %s" % ("PASS" if ok else "FAIL", name, secs, detail))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# ---- the cached root and the per-run image ----

def build_root(cache):
    """Builds the minimal Debian root once (debootstrap); later runs reuse it."""
    root = os.path.join(cache, "root")
    if os.path.exists(os.path.join(root, ".wijkpeil-complete")):
        return root, 0.0
    t0 = time.monotonic()
    tmp = os.path.join(cache, "root.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    log("building the cached root in %s (once; several minutes)" % root)
    with open(os.path.join(cache, "debootstrap.log"), "w") as out:
        run(NICE + ["debootstrap", "--variant=minbase", "--include=" + ",".join(ROOT_PACKAGES),
                    "bookworm", tmp, "http://deb.debian.org/debian"], stdout=out, stderr=out)
    finish_root(tmp)
    shutil.rmtree(root, ignore_errors=True)
    os.rename(tmp, root)
    return root, time.monotonic() - t0


def package_depends(debs):
    """The packages debs depend on (first of each alternative), not counting themselves."""
    own, names = set(), []
    for d in debs:
        f = subprocess.run(["dpkg-deb", "-f", d, "Package", "Depends"], stdout=subprocess.PIPE,
                           check=True).stdout.decode()
        fields = dict(x.split(": ", 1) for x in f.splitlines() if ": " in x)
        own.add(fields["Package"])
        for alt in fields.get("Depends", "").split(","):
            alts = [a.strip().split(" ")[0].split(":")[0] for a in alt.split("|") if a.strip()]
            if alts:
                names.append(alts)
    return [alts for alts in names if not own.intersection(alts)]


def complete_root(root, debs):
    """Installs into the cached root what the packages depend on and it lacks (a library added to
    the project after the root was built): once, with apt-get from the root's own sources; later
    runs find it there. Returns the packages installed."""
    out = subprocess.run(["chroot", root, "dpkg-query", "-W", "-f", "${Package} ${Status}\n"],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    have = {x.split()[0] for x in out.splitlines() if x.endswith("install ok installed")}
    want = [alts[0] for alts in package_depends(debs) if not have.intersection(alts)]
    if not want:
        return want
    log("adding to the cached root what the packages now need: " + " ".join(want))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    with open(os.path.join(os.path.dirname(root), "apt.log"), "a") as out:
        run(["chroot", root, "apt-get", "update", "-qq"], stdout=out, stderr=out, env=env)
        run(NICE + ["chroot", root, "apt-get", "install", "-y", "-qq", "--no-install-recommends"]
            + want, stdout=out, stderr=out, env=env)
        run(["chroot", root, "apt-get", "clean"], stdout=out, stderr=out)
    return want


def finish_root(root):
    """What every image shares: no root password on the console, a hostname, the root fs."""
    with open(os.path.join(root, "etc/fstab"), "w") as f:
        f.write("/dev/vda / ext4 rw,errors=remount-ro 0 1\n")
    with open(os.path.join(root, "etc/hostname"), "w") as f:
        f.write("wijkpeil-appliance\n")
    run(["chroot", root, "passwd", "-d", "root"], stdout=subprocess.DEVNULL)
    archives = os.path.join(root, "var/cache/apt/archives")
    for x in os.listdir(archives):  # the downloaded packages: not needed, copied every run
        if x.endswith(".deb"):
            os.unlink(os.path.join(archives, x))
    open(os.path.join(root, ".wijkpeil-complete"), "w").close()


GUEST_TESTS = "/usr/local/lib/wijkpeil-appliance"


def build_image(cache, root, debs, work, extra_conf, guest_tests=()):
    """Copies the root, installs the packages and the agent, writes disk.raw; returns paths."""
    t0 = time.monotonic()
    r = os.path.join(work, "root")
    run(["cp", "-a", root, r])
    for d in debs:
        shutil.copy(d, os.path.join(r, "tmp"))
    names = ["/tmp/" + os.path.basename(d) for d in debs]
    with open(os.path.join(work, "dpkg.log"), "w") as out:
        run(["chroot", r, "dpkg", "-i"] + names, stdout=out, stderr=out)
    for n in names:
        os.unlink(r + n)
    # As platform/rpi/README.md sets a kiosk up: the services on, no login prompt on the screen.
    run(["chroot", r, "systemctl", "enable", "--quiet", "wijkpeil.service",
         "wijkpeil-sync.service"])
    run(["chroot", r, "systemctl", "mask", "--quiet", "getty@tty1.service"])
    # Not the kiosk's, and each boot under emulation is slow enough: no login prompts (without
    # logind getty-static starts tty2-6), no daily maintenance timers.
    run(["chroot", r, "systemctl", "mask", "--quiet", "getty-static.service",
         "serial-getty@ttyS0.service", "apt-daily.timer", "apt-daily-upgrade.timer",
         "dpkg-db-backup.timer", "e2scrub_all.timer", "e2scrub_reap.service", "fstrim.timer"])
    with open(os.path.join(r, "etc/systemd/logind.conf"), "a") as f:
        f.write("NAutoVTs=0\nReserveVT=0\n")
    # The collector inside the VM on loopback (no network leaves the VM), this kiosk a device.
    run(["chroot", r, "systemctl", "enable", "--quiet", "wijkpeil-collector.service"])
    token = subprocess.run(
        ["chroot", r, "runuser", "-u", "wijkpeil-collector", "--", "wijkpeil-collector", "device",
         "add", "appliance", "--location", "vm", "--db",
         "/var/lib/wijkpeil-collector/collector.db"],
        stdout=subprocess.PIPE, check=True).stdout.decode().split()[-1]
    extra_conf += ("endpoint = http://127.0.0.1:8787\ntoken = %s\ndevice_id = appliance\n"
                   "location = vm\nsync_interval_seconds = 5\n" % token)
    shutil.copy(os.path.join(HERE, "agent.py"), os.path.join(r, "usr/local/sbin/wijkpeil-appliance-agent"))
    os.makedirs(r + GUEST_TESTS)
    for t in guest_tests:  # unit tests that need a real kernel (uinput), run by the agent
        shutil.copy(t, r + GUEST_TESTS)
    with open(os.path.join(r, "etc/systemd/system/wijkpeil-appliance-agent.service"), "w") as f:
        f.write(AGENT_UNIT)
    os.symlink("/etc/systemd/system/wijkpeil-appliance-agent.service",
               os.path.join(r, "etc/systemd/system/multi-user.target.wants/wijkpeil-appliance-agent.service"))
    # The same physical size as the headless render; a collector on loopback for the uploads.
    with open(os.path.join(r, "etc/wijkpeil/kiosk.conf"), "a") as f:
        f.write("\n# tools/appliance\nscreen_width_mm = %d\n%s" % (SCREEN_MM, extra_conf))
    boot = os.path.join(r, "boot")
    kernel = sorted(x for x in os.listdir(boot) if x.startswith("vmlinuz-"))[-1]
    initrd = sorted(x for x in os.listdir(boot) if x.startswith("initrd.img-"))[-1]
    shutil.copy(os.path.join(boot, kernel), os.path.join(work, "vmlinuz"))
    shutil.copy(os.path.join(boot, initrd), os.path.join(work, "initrd.img"))
    disk = os.path.join(work, "disk.raw")
    run(NICE + ["mkfs.ext4", "-q", "-F", "-L", "wijkpeil", "-d", r, disk, "3G"])
    shutil.rmtree(r)
    return time.monotonic() - t0


# ---- QEMU, QMP and the agent ----

KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_CREATE_VCPU = 0xAE00, 0xAE01, 0xAE41


def kvm_usable():
    """True when /dev/kvm opens and a VM with one vCPU can be created (a /dev/kvm that exists
    but refuses, as in some containers, is not enough); else the reason, for the log."""
    try:
        import fcntl
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        return "/dev/kvm: " + e.strerror
    vm = cpu = -1
    try:
        if fcntl.ioctl(fd, KVM_GET_API_VERSION) != 12:
            return "/dev/kvm: unexpected API version"
        vm = fcntl.ioctl(fd, KVM_CREATE_VM, 0)
        cpu = fcntl.ioctl(vm, KVM_CREATE_VCPU, 0)
        return True
    except OSError as e:
        return "KVM_CREATE_VM/VCPU: " + e.strerror
    finally:
        for x in (cpu, vm, fd):
            if x >= 0:
                os.close(x)


def kvm_boots(work):
    """Whether this image's kernel starts under KVM: a probe boot (no disk) that must print the
    kernel's banner on the serial console within a bound. /dev/kvm can create VMs that a stock
    kernel cannot run in: PVM (kvm_pvm, KVM without hardware virtualisation in a cloud VM) runs
    only kernels built as its guests, and the Debian kernel hangs after 'Probing EDD'."""
    con = os.path.join(work, "kvm-probe.log")
    p = subprocess.Popen(
        ["qemu-system-x86_64", "-machine", "q35", "-accel", "kvm", "-cpu", "host", "-m", "256",
         "-kernel", os.path.join(work, "vmlinuz"), "-append", "console=ttyS0 panic=-1",
         "-display", "none", "-monitor", "none", "-nic", "none", "-vga", "none",
         "-serial", "file:" + con], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        end = time.monotonic() + KVM_PROBE_SECS
        while time.monotonic() < end and p.poll() is None:
            with open(con, "a+") as f:
                f.seek(0)
                if "Linux version" in f.read():
                    return True
            time.sleep(0.2)
        return False
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def kvm_boots_cached(work):
    """kvm_boots, remembered in the cache for this host kernel and this guest kernel."""
    with open(os.path.join(work, "vmlinuz"), "rb") as f:
        key = "%s %s" % (os.uname().release, hashlib.sha256(f.read()).hexdigest()[:16])
    memo = os.path.join(os.path.dirname(work), "kvm-probe")
    try:
        with open(memo) as f:
            k, v = f.read().rsplit(" ", 1)
            if k == key:
                return v.strip() == "yes"
    except (OSError, ValueError):
        pass
    ok = kvm_boots(work)
    with open(memo, "w") as f:
        f.write("%s %s\n" % (key, "yes" if ok else "no"))
    return ok


KVM_PROBE_SECS = 20  # the banner comes within a second under KVM, even on a loaded host


def accel_args(work, choice="auto"):
    """-accel kvm -cpu host when KVM works here (/dev/kvm creates a VM and a vCPU, and the
    image's kernel starts in one), else software emulation (TCG); prints which and why."""
    if choice != "tcg":
        k = kvm_usable()
        if k is True and not kvm_boots_cached(work):
            k = ("/dev/kvm creates VMs, but the kernel printed nothing within %d s under it%s"
                 % (KVM_PROBE_SECS, " (kvm_pvm: runs only PVM guest kernels)"
                    if os.path.exists("/sys/module/kvm_pvm") else ""))
        if k is True:
            log("accelerator: KVM (-accel kvm -cpu host)")
            return ["-accel", "kvm", "-cpu", "host"]
        if choice == "kvm":
            raise RuntimeError("--accel kvm: " + k)
    else:
        k = "--accel tcg"
    log("accelerator: TCG, software emulation (%s)" % k)
    return ["-accel", "tcg,thread=multi", "-cpu", "max"]


class Guest:
    def __init__(self, work, accel, tablet=True):
        self.work = work
        self.accel = accel
        self.proc = None
        self.qmp = None
        self.agent = None
        self.tablet = tablet
        self.started = 0.0

    def start(self):
        w = self.work
        for s in ("qmp.sock", "serial.sock", "agent.sock"):
            if os.path.exists(os.path.join(w, s)):
                os.unlink(os.path.join(w, s))
        cmd = NICE + [
            "qemu-system-x86_64", "-machine", "q35"] + self.accel + [
            "-m", "1024", "-smp", "2", "-kernel", os.path.join(w, "vmlinuz"),
            "-initrd", os.path.join(w, "initrd.img"),
            "-append", "root=/dev/vda rw console=ttyS0,115200",
            "-drive", "file=%s,format=raw,if=virtio" % os.path.join(w, "disk.raw"),
            "-vga", "none", "-device", "virtio-gpu-pci,xres=%d,yres=%d" % (WIDTH, HEIGHT),
            "-device", "qemu-xhci,id=xhci", "-display", "none", "-monitor", "none",
            "-nic", "none",
            "-qmp", "unix:%s,server=on,wait=off" % os.path.join(w, "qmp.sock"),
            "-chardev", "file,id=con,path=%s" % os.path.join(w, "console.log"),
            "-serial", "chardev:con",
            "-device", "virtio-serial-pci",
            "-chardev", "socket,id=agent,path=%s,server=on,wait=off" % os.path.join(w, "agent.sock"),
            "-device", "virtserialport,chardev=agent,name=wp.agent"]
        if self.tablet:
            cmd += ["-device", "usb-tablet,bus=xhci.0,id=tablet"]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=open(os.path.join(w, "qemu.log"), "a"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.qmp = Qmp(os.path.join(w, "qmp.sock"), self.proc)
        self.agent = Agent(os.path.join(w, "agent.sock"), self.proc)

    def power_off(self):
        """A power cut: SIGKILL to QEMU, nothing flushed."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)

    def kill(self):
        self.power_off()
        if self.proc:
            self.proc.wait()
        for c in (self.qmp, self.agent):
            if c:
                c.close()

    def wait_agent(self, bound):
        end = time.monotonic() + bound
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("QEMU ended (%s/qemu.log)" % self.work)
            try:
                self.agent.call("ping", timeout=3)
                return time.monotonic() - self.started
            except (OSError, TimeoutError):
                self.agent.close()
                time.sleep(1)
        raise TimeoutError("no guest agent within %d s (%s/console.log)" % (bound, self.work))

    def sh(self, command, timeout=120):
        return self.agent.call("sh " + command.encode().hex(), timeout=timeout)

    def wait_for(self, command, bound, step=1.0):
        """Runs command in the guest until it exits 0; returns the output, None at the bound."""
        end = time.monotonic() + bound
        while time.monotonic() < end:
            rc, out = self.sh(command)
            if rc == 0:
                return out
            time.sleep(step)
        return None

    def screendump(self, path):
        self.qmp.call("screendump", {"filename": path})
        return Image.open(path).convert("RGB")


class Qmp:
    def __init__(self, path, proc):
        self.path, self.proc, self.sock, self.buf = path, proc, None, b""

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock, self.buf = None, b""

    def _line(self, timeout):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            self.sock.settimeout(max(0.1, end - time.monotonic()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("QMP closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def call(self, cmd, args=None, timeout=60):
        if not self.sock:
            s = socket.socket(socket.AF_UNIX)
            s.connect(self.path)
            self.sock = s
            self._line(timeout)  # greeting
            self.call("qmp_capabilities")
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._line(timeout)
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError("QMP %s: %s" % (cmd, r["error"].get("desc")))


class Agent:
    def __init__(self, path, proc):
        self.path, self.proc, self.sock, self.buf = path, proc, None, b""

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock, self.buf = None, b""

    def call(self, line, timeout=120):
        if not self.sock:
            s = socket.socket(socket.AF_UNIX)
            s.connect(self.path)
            self.sock = s
        self.sock.sendall(line.encode() + b"\n")
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("agent: no answer to " + line[:40])
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise TimeoutError("agent: no answer to " + line[:40])
            if not chunk:
                raise OSError("agent closed")
            self.buf += chunk
        reply, self.buf = self.buf.split(b"\n", 1)
        words = reply.decode().split(" ")
        if words[0] != "OK":
            raise OSError("agent: " + reply.decode()[:80])
        return int(words[1]), bytes.fromhex(words[2] if len(words) > 2 else "").decode("utf-8", "replace")

    def tap(self, x, y, n=1, gap_ms=0):
        return self.call("tap %d %d %d %d" % (x, y, n, gap_ms))


# ---- the headless reference renders (host) ----

class Renderer:
    """Runs the host's kiosk on a script and gives its PNG shots and trees."""

    def __init__(self, kiosk, tmp, extra_conf=""):
        self.kiosk, self.tmp, self.n = kiosk, tmp, 0
        self.conf = os.path.join(tmp, "render.conf")
        os.makedirs(tmp, exist_ok=True)
        with open(self.conf, "w") as f:
            f.write("questionset = %s/assets/demo/nazareth-pottenberg.json\nscreen_width_mm = %d\n"
                    "%s" % (SRC, SCREEN_MM, extra_conf))

    def script(self, lines):
        """Runs lines (may hold {shot} and {tree} placeholders: numbered files); returns the
        list of files named, in order."""
        self.n += 1
        files, out = [], []
        for i, line in enumerate(lines):
            if "{shot}" in line or "{tree}" in line:
                ext = ".png" if "{shot}" in line else ".json"
                p = os.path.join(self.tmp, "r%d-%d%s" % (self.n, i, ext))
                files.append(p)
                line = line.replace("{shot}", p).replace("{tree}", p)
            out.append(line)
        path = os.path.join(self.tmp, "r%d.txt" % self.n)
        with open(path, "w") as f:
            f.write("\n".join(out + ["quit"]) + "\n")
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
                   WIJKPEIL_DATA=SRC, ASAN_OPTIONS="detect_leaks=0")
        db = os.path.join(self.tmp, "r%d.db" % self.n)
        p = subprocess.run([self.kiosk, "--config", self.conf, "--db", db, "--window",
                            "%dx%d" % (WIDTH, HEIGHT), "--script", path], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            raise RuntimeError("headless render failed: " + p.stdout.decode()[-400:])
        return files


def widget_center(tree_path, wid):
    """Centre of the widget named wid in a `tree` file."""
    with open(tree_path) as f:
        tree = json.load(f)
    for w in tree["widgets"]:
        if w["id"] == wid:
            return w["x"] + w["w"] // 2, w["y"] + w["h"] // 2
    raise KeyError("no widget %s on the %s screen (%s)" % (wid, tree["screen"], tree_path))


def tree_of(path):
    with open(path) as f:
        return json.load(f)


def difference(a, b, fuzz=24, boxes=None):
    """Fraction of pixels that differ by more than fuzz in any channel; with boxes
    [(x, y, w, h)], of the pixels inside them only."""
    if a.size != b.size:
        return 1.0
    d = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    bands = [band.point(lambda v: 255 if v > fuzz else 0) for band in d.split()]
    mask = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    if not boxes:
        return mask.histogram()[255] / float(a.size[0] * a.size[1])
    area = Image.new("L", a.size, 0)
    draw = ImageDraw.Draw(area)
    for x, y, w, h in boxes:
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=255)
    inside = area.histogram()[255]
    return ImageChops.multiply(mask, area).histogram()[255] / float(max(inside, 1))


# Staff widgets that describe the machine the kiosk runs on (device, counts, free disk, clock,
# the stick's name and what was written to it): they differ between the headless render on the
# host and the guest by design.
MACHINE_WIDGETS = ("status:", "stick-status", "export-result", "export-detail")


def control_boxes(tree_path):
    """The boxes of every widget of a screen (from a `tree` file) but those MACHINE_WIDGETS:
    compared whole, a correct staff screen was 4.7% "different" (over the 3% tolerance) and the
    walk waited until staff mode timed out."""
    if not tree_path:
        return None
    boxes = [(w["x"], w["y"], w["w"], w["h"]) for w in tree_of(tree_path)["widgets"]
             if not w["id"].startswith(MACHINE_WIDGETS)]
    return boxes or None


def matches(guest, shot, refs, bound, tolerance, boxes=None):
    """Takes screendumps until one is within tolerance of any of refs; (ok, best difference,
    seconds, index of the closest ref). boxes: compare only there (difference)."""
    t0 = time.monotonic()
    best, which = 1.0, -1
    while True:
        img = guest.screendump(shot)
        for i, r in enumerate(refs):
            d = difference(img, Image.open(r), boxes=boxes)
            if d < best:
                best, which = d, i
        if best <= tolerance:
            return True, best, time.monotonic() - t0, which
        if time.monotonic() - t0 > bound:
            return False, best, time.monotonic() - t0, which
        time.sleep(1)


# ---- plans: what to tap, and what the screen must then look like ----

ATTRACT_CYCLE_MS, N_LANGS = 3000, 7


def attract_refs(render):
    """The attract screen in each language of its cycle."""
    lines = []
    for k in range(N_LANGS):
        lines += ["wait %d" % (ATTRACT_CYCLE_MS if k else ATTRACT_CYCLE_MS // 2), "shot {shot}"]
    return render.script(lines)


def language_refs(render):
    """The language screen as reached from the attract screen in each language of its cycle,
    and their trees (in Arabic the screen is mirrored: the buttons change places)."""
    shots, trees = [], []
    for k in range(N_LANGS):
        files = render.script(["wait %d" % (ATTRACT_CYCLE_MS * k + ATTRACT_CYCLE_MS // 2),
                               "tree {tree}", "tap-id start", "shot {shot}", "tree {tree}"])
        shots.append(files[1])
        trees.append(files[2])
        start = files[0]
    return start, shots, trees


def poll_plan(render, lang):
    """A walk from the language screen to thanks in lang answering every question with its first
    option: [(widget, x, y, reference shot after the tap)]. Built one step at a time with the
    headless kiosk (each step's tree says what is on the screen). The first step's place is
    that on the language screen reached from the nl attract screen: see start_poll."""
    steps = ["tap-id lang:" + lang]
    for _ in range(40):
        lines = ["tap-id start"] + steps + ["tree {tree}"]
        files = render.script(lines)
        t = tree_of(files[-1])
        if t["screen"] == "thanks":
            break
        if t["screen"] != "question":
            raise RuntimeError("plan: unexpected screen " + t["screen"])
        opts = [w["id"] for w in t["widgets"] if w["id"].startswith("option:") and w["target"]]
        if opts and not any(w.get("selected") for w in t["widgets"] if w["id"] in opts):
            steps.append("tap-id " + opts[0])
        steps.append("tap-id next")
    else:
        raise RuntimeError("plan: no thanks screen after 40 steps")
    # One script: the tree before each tap (where to tap) and the shot after it.
    lines = ["tap-id start"]
    for st in steps:
        lines += ["tree {tree}", st, "shot {shot}"]
    files = render.script(lines)
    plan = []
    for i, st in enumerate(steps):
        wid = st.split(" ", 1)[1]
        x, y = widget_center(files[2 * i], wid)
        plan.append((wid, x, y, files[2 * i + 1]))
    return plan


# ---- staff mode and the USB stick ----

STAFF_PIN = "2468"


def staff_setup(qset, work):
    """A signing key the kiosk trusts, a staff PIN, and a stick image (FAT, as sticks come)
    holding a set signed with that key."""
    d = os.path.join(work, "staff")
    os.makedirs(os.path.join(d, "media/STICK/WIJKPEIL/questionsets"))
    run([qset, "keygen", "-o", os.path.join(d, "staff")], stdout=subprocess.DEVNULL)
    pin = subprocess.run([qset, "pin-hash"], input=STAFF_PIN.encode(), stdout=subprocess.PIPE,
                         check=True).stdout.decode().strip()
    with open(os.path.join(d, "staff.public")) as f:
        key = f.read().strip()
    sets = os.path.join(d, "media/STICK/WIJKPEIL/questionsets")
    shutil.copy(os.path.join(SRC, "tests/staff_ui/wijk-staff-v1.json"), os.path.join(sets, "a.json"))
    run([qset, "sign", os.path.join(sets, "a.json"), "--key", os.path.join(d, "staff.secret")],
        stdout=subprocess.DEVNULL)
    img = os.path.join(d, "stick.img")
    run(["mkfs.vfat", "-C", "-n", "STICK", img, "65536"], stdout=subprocess.DEVNULL)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    run(["mmd", "-i", img, "::WIJKPEIL", "::WIJKPEIL/questionsets"], env=env)
    run(["mcopy", "-i", img] + [os.path.join(sets, x) for x in sorted(os.listdir(sets))] +
        ["::WIJKPEIL/questionsets/"], env=env)
    conf = "%s\ntrusted_key = %s\nstaff_language = en\n" % (pin, key)
    return {"dir": d, "img": img, "conf": conf, "media": os.path.join(d, "media")}


def staff_plan(render, staff):
    """Where to tap, from the headless kiosk with the same stick content: the corner gesture,
    the PIN, import, activate, export everything, leave. [(widget, x, y)]"""
    with open(render.conf, "a") as f:
        f.write("mount_root = %s\n" % staff["media"])
    steps = ["pin:" + c for c in STAFF_PIN] + ["pin-ok", "staff-import", "activate:0",
                                                "staff-back", "staff-export", "export-all",
                                                "staff-back", "staff-leave"]
    gesture = ["tap %d 6" % (WIDTH - 7), "wait 300"] * 3
    lines = gesture[:-1] + ["shot {shot}"]
    for st in steps:
        lines += ["tree {tree}", "tap-id " + st, "shot {shot}"]
    files = render.script(lines)
    with open(render.conf) as f:
        kept = [x for x in f if not x.startswith("mount_root")]
    with open(render.conf, "w") as f:
        f.writelines(kept)
    # Each step: the widget, where to tap it, the screen after the tap and that screen's tree
    # (the next step's; none after the last).
    return files[0], [(st, ) + widget_center(files[2 * i + 1], st) +
                      (files[2 * i + 2], files[2 * i + 3] if 2 * i + 3 < len(files) else None)
                      for i, st in enumerate(steps)]


# Staff screens are compared without MACHINE_WIDGETS (control_boxes); what is left may differ a
# little more than the resident's screens (anti-aliasing of the boxes' edges), far less than
# between two staff screens.
STAFF_TOL = 0.03
# After OK the PIN is checked with libsodium's memory-hard hash in a worker: a minute or more
# under software emulation on a loaded host; taps before its end went nowhere (the first runs
# tapped on a timer and left staff mode still "Checking the PIN").
STAFF_STEP_SECS = 300


def usb_stick(g, shot, attract, staff, plan, a_keep=False):
    """Hot-plug a stick holding a signed set (QMP blockdev-add + device_add usb-storage); staff
    mode by touch imports and activates it and exports to the stick; the eject flag unmounts it;
    unplug. Synchronised on the mount, the kiosk's log and the files on the stick."""
    t0 = time.monotonic()
    ok, best, _, _ = matches(g, shot, attract, 60, TOL)
    if not ok:
        report("USB stick", False, time.monotonic() - t0, "no attract screen to start from")
        return
    g.qmp.call("blockdev-add", {"driver": "raw", "node-name": "stick", "file": {
        "driver": "file", "filename": staff["img"]}})
    g.qmp.call("device_add", {"driver": "usb-storage", "bus": "xhci.0", "drive": "stick",
                              "id": "stick", "removable": True})
    mnt = g.wait_for("findmnt -rno TARGET -S /dev/sda | grep -qx /media/wijkpeil-sda && "
                     "grep -q 'USB stick with a WIJKPEIL folder at /media/wijkpeil-sda' "
                     "/var/lib/wijkpeil/kiosk.log", 120)
    msg = "mounted by the udev rule and noticed by the kiosk"
    ok = mnt is not None
    pin_ref, plan = plan
    if ok:
        g.agent.tap(WIDTH - 7, 6, 3, 300)  # the corner gesture: three taps within 2 s
        t_staff = time.monotonic()
        ok, best, _, _ = matches(g, shot, [pin_ref], 60, TOL)
        if not ok:
            msg += "; the corner gesture shows no PIN pad (%.1f%% off)" % (100 * best)
        exported = False
        for i, (wid, x, y, ref, ref_tree) in enumerate(plan if ok else []):
            time.sleep(0.7)  # a person's pace: the kiosk takes faster taps on a spot as one
            g.agent.tap(x, y)
            # From the export on, the stick is ejected in the guest (not in the render, which has
            # no eject service): what follows is synchronised on the unmount and the attract screen.
            if not exported:
                same, best, secs, _ = matches(g, shot, [ref], STAFF_STEP_SECS, STAFF_TOL,
                                              control_boxes(ref_tree))
                if a_keep:  # what each step showed, for a person to look at
                    shutil.copy(shot, os.path.join(g.work, "staff-%02d-%s.ppm"
                                                   % (i, wid.replace(":", "_"))))
                if not same:
                    ok = False
                    msg += "; after %s at (%d,%d) the screen differs from the render by %.1f%%" % (
                        wid, x, y, 100 * best)
                    break
                if wid == "pin-ok":
                    msg += "; PIN checked in %.0f s" % secs
            if wid == "export-all":
                exported = True
                # The kiosk asks for the unmount once every file is written and synced.
                gone = g.wait_for("! findmnt -S /dev/sda >/dev/null", STAFF_STEP_SECS) is not None
                if not gone:
                    ok = False
                    msg += "; the eject flag did NOT unmount the stick after the export"
                    break
                msg += "; exported, and the eject flag unmounted the stick"
        if ok:  # the kiosk switches sets between residents: after staff mode is left
            ok = g.wait_for("grep -q 'staff activated question set' /var/lib/wijkpeil/kiosk.log",
                            60) is not None
            msg += "; signed set %s" % ("activated" if ok else "NOT activated")
        log("  (staff walk %.0f s)" % (time.monotonic() - t_staff))
        if not ok:
            g.screendump(os.path.join(g.work, "usb-fail.ppm"))
            log(g.sh("tail -n 15 /var/lib/wijkpeil/kiosk.log; journalctl -b --no-pager "
                     "-u wijkpeil.service | tail -n 15")[1])
    g.qmp.call("device_del", {"id": "stick"})
    g.wait_for("! test -e /dev/sda", 60)
    time.sleep(1)
    try:
        g.qmp.call("blockdev-del", {"node-name": "stick"})
    except RuntimeError:
        pass
    if ok:  # what the kiosk wrote, read on the host from the unplugged image
        out = subprocess.run(["mdir", "-b", "-/", "-i", staff["img"], "::WIJKPEIL/export"],
                             env=dict(os.environ, MTOOLS_SKIP_CHECK="1"),
                             stdout=subprocess.PIPE).stdout.decode()
        files = [x for x in out.split() if x.endswith((".csv", ".jsonl"))]
        ok = bool(files)
        msg += "; on the unplugged image: %s" % (", ".join(os.path.basename(x) for x in files)
                                                 or "NO export files")
    report("USB stick import/export", ok, time.monotonic() - t0, msg)


# ---- checks ----

TOL = 0.01  # at most 1% of the pixels differ (by more than 24 of 255 in a channel)


def kiosk_active(g, bound):
    return g.wait_for("systemctl is-active --quiet wijkpeil.service", bound) is not None


def db_query(g, sql):
    """Runs sql on the kiosk's database as the kiosk's user (files stay the kiosk's)."""
    # .timeout: the kiosk may be writing (a power-cut run's responses); without it the CLI
    # gave up at once with "database is locked" and ended the whole appliance run.
    rc, out = g.sh("runuser -u wijkpeil -- sqlite3 -cmd '.timeout 10000' "
                   "/var/lib/wijkpeil/responses.db \"%s\" 2>&1" % sql)
    if rc != 0:
        raise RuntimeError("sqlite3: " + out)
    return out.strip()


def n_complete(g):
    return int(db_query(g, "SELECT count(*) FROM responses WHERE status='complete'") or 0)


def start_poll(g, shot, tap, start_tree, lang_shots, lang_trees, plan, bound=90):
    """Taps start and then the plan's language on the language screen as it came up (its
    layout follows the attract screen's language); (ok, message)."""
    sx, sy = widget_center(start_tree, "start")
    tap(sx, sy)
    ok, best, _, k = matches(g, shot, lang_shots, bound, TOL)
    if not ok:
        return False, "tap on start at (%d,%d): no language screen (%.1f%% off)" % (
            sx, sy, 100 * best)
    time.sleep(0.7)
    wid, _, _, ref = plan[0]
    x, y = widget_center(lang_trees[k], wid)
    tap(x, y)
    ok, best, _, _ = matches(g, shot, [ref], bound, TOL)
    if not ok:
        return False, "tap on %s at (%d,%d): wrong screen (%.1f%% off the render)" % (
            wid, x, y, 100 * best)
    time.sleep(0.7)
    return True, "start (%d,%d), %s (%d,%d)" % (sx, sy, wid, x, y)


def walk(g, plan, tap, shot, bound=90):
    """Taps each step through tap(x, y) and waits for its reference screen; (ok, message)."""
    for wid, x, y, ref in plan:
        tap(x, y)
        ok, best, _, _ = matches(g, shot, [ref], bound, TOL)
        if not ok:
            return False, "after %s at (%d,%d): screen differs from the render by %.1f%%" % (
                wid, x, y, 100 * best)
        time.sleep(0.7)  # a person's pace: the kiosk takes faster taps on a spot as one
    return True, "%d taps" % len(plan)


def tablet_tap(g, x, y):
    """A tap of QEMU's usb-tablet (an absolute pointer: 0-32767 on both axes) at pixel x, y."""
    ax = round(x * 32767 / (WIDTH - 1))
    ay = round(y * 32767 / (HEIGHT - 1))
    g.qmp.call("input-send-event", {"events": [
        {"type": "abs", "data": {"axis": "x", "value": ax}},
        {"type": "abs", "data": {"axis": "y", "value": ay}}]})
    g.qmp.call("input-send-event", {"events": [
        {"type": "btn", "data": {"down": True, "button": "left"}}]})
    time.sleep(0.08)
    g.qmp.call("input-send-event", {"events": [
        {"type": "btn", "data": {"down": False, "button": "left"}}]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default="/var/cache/wijkpeil-appliance")
    ap.add_argument("--kiosk", required=True, help="a host build of wijkpeil for the renders")
    ap.add_argument("--qset", required=True, help="a host build of wijkpeil-qset (keys, PIN)")
    ap.add_argument("--power-cuts", type=int, default=10)
    ap.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto",
                    help="auto: KVM when it can run the image's kernel, else TCG")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--guest-test", action="append", default=[],
                    help="a unit test program to run as root in the guest (a real kernel with "
                    "/dev/uinput); may be given more than once")
    ap.add_argument("--only", default="", help="after the boot, only these checks (comma list "
                    "of guest-tests, touch, tablet, crash, watchdog, usb, hours, power, uploads)")
    ap.add_argument("debs", nargs="+")
    a = ap.parse_args()
    # The host's programs (renders, keys) read assets from the source tree.
    os.environ["WIJKPEIL_DATA"] = SRC
    os.makedirs(a.cache, exist_ok=True)
    work = tempfile.mkdtemp(prefix="run-", dir=a.cache)
    guest = None
    t_all = time.monotonic()

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        root, t_root = build_root(a.cache)
        log("root: %s (%s)" % (root, "built in %.0f s" % t_root if t_root else "cached"))
        complete_root(root, a.debs)
        staff = staff_setup(a.qset, work)
        t_img = build_image(a.cache, root, a.debs, work, staff["conf"], a.guest_test)
        log("image: copy + dpkg -i + mkfs.ext4 -d in %.1f s" % t_img)
        render = Renderer(a.kiosk, os.path.join(work, "renders"), staff["conf"])
        usb_plan = staff_plan(render, staff)
        t0 = time.monotonic()
        attract = attract_refs(render)
        start_tree, lang_shots, lang_trees = language_refs(render)
        plan_ar = poll_plan(render, "ar")
        hours = closed_hours()
        closed_ref = (closed_render(render, hours), hours)
        log("headless renders and plans in %.1f s" % (time.monotonic() - t0))
        shot = os.path.join(work, "screen.ppm")
        guest = Guest(work, accel_args(work, a.accel))
        guest.start()
        checks(a, guest, shot, attract, start_tree, lang_shots, lang_trees, plan_ar, closed_ref,
               staff, usb_plan)
    except KeyboardInterrupt:
        report("interrupted", False, time.monotonic() - t_all)
    except Exception as e:  # a check that cannot go on fails; the rest is reported
        report("appliance run", False, time.monotonic() - t_all, "%s: %s" % (type(e).__name__, e))
    finally:
        if guest:
            guest.kill()
        if a.keep or any(not ok for _, ok, _ in results):
            log("work folder kept: %s (console.log, qemu.log, screen.ppm, renders/)" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = [n for n, ok, _ in results if not ok]
    log("appliance: %d checks, %d failed%s; %.0f s in all" % (
        len(results), len(failed), (" (" + ", ".join(failed) + ")") if failed else "",
        time.monotonic() - t_all))
    return 1 if failed or not results else 0


def checks(a, g, shot, attract, start_tree, lang_shots, lang_trees, plan_ar, closed_ref, staff,
           usb_plan):
    def want(name):
        return not a.only or name in a.only.split(",")

    # Boot to first frame: READY=1 comes after the first frame, so "active" means drawn.
    t_agent = g.wait_agent(900)
    log("  (guest agent answers %.0f s after QEMU started)" % t_agent)
    ok = kiosk_active(g, 600)  # llvmpipe compiles its shaders under emulation: minutes
    t_active = time.monotonic() - g.started
    if not ok:
        report("boot to first frame", False, t_active, "wijkpeil.service not active")
        log(g.sh("systemctl status --no-pager wijkpeil.service; "
                 "journalctl -b --no-pager -u wijkpeil.service | tail -n 30")[1])
        return
    same, best, _, _ = matches(g, shot, attract, 60, TOL)
    if not same:  # what the guest showed, for a person to look at
        shutil.copy(shot, os.path.join(g.work, "boot-fail.ppm"))
    report("boot to first frame", same, t_active,
           "agent after %.0f s; attract screen %s the render (%.2f%% pixels differ)"
           % (t_agent, "matches" if same else "DIFFERS from", 100 * best))

    if want("guest-tests"):
        for t in a.guest_test:
            t0 = time.monotonic()
            rc, out = g.sh(os.path.join(GUEST_TESTS, os.path.basename(t)) + " 2>&1")
            report(os.path.basename(t) + " in the guest", rc == 0, time.monotonic() - t0,
                   " / ".join(x for x in out.splitlines() if x.startswith(("ok", "FAIL", "  ")) or
                              "passed" in x)[:300])

    if want("touch"):
        # Touch: a uinput multitouch touchscreen in the guest walks a poll to thanks in Arabic.
        t0 = time.monotonic()
        before = n_complete(g)
        ok, msg = start_poll(g, shot, g.agent.tap, start_tree, lang_shots, lang_trees, plan_ar)
        if ok:
            ok, m = walk(g, plan_ar[1:], g.agent.tap, shot)
            msg += ", " + m
        if ok:
            ok = g.wait_for("grep -q 'stored complete response' /var/lib/wijkpeil/kiosk.log", 60) \
                is not None and n_complete(g) == before + 1
            msg += ", stored once" if ok else ", but not stored exactly once"
        report("touch (uinput) to thanks, ar", ok, time.monotonic() - t0, msg)

    if want("tablet"):
        # Absolute pointer (usb-tablet): taps land where aimed (start, then Arabic).
        t0 = time.monotonic()
        ok, best, _, _ = matches(g, shot, attract, 60, TOL)  # back on the attract screen after thanks
        msg = "no attract screen after thanks (%.1f%% off)" % (100 * best)
        if ok:
            ok, msg = start_poll(g, shot, lambda x, y: tablet_tap(g, x, y), start_tree, lang_shots,
                                 lang_trees, plan_ar)
        report("usb-tablet taps where aimed", ok, time.monotonic() - t0, msg)

    if want("crash"):
        # A crash is restarted by systemd, and no stored response is lost.
        t0 = time.monotonic()
        stored = n_complete(g)
        rc, pid = g.sh("systemctl show -P MainPID wijkpeil.service")
        g.sh("kill -SEGV %s" % pid.strip())
        ok = g.wait_for("test \"$(systemctl show -P MainPID wijkpeil.service)\" != %s && "
                        "systemctl is-active --quiet wijkpeil.service" % pid.strip(), 120) is not None
        t_restart = time.monotonic() - t0
        ok = ok and db_query(g, "PRAGMA integrity_check") == "ok" and n_complete(g) == stored
        report("crash restart (SIGSEGV)", ok, t_restart, "%d complete responses kept" % stored)

    if want("watchdog"):
        # A hang in the main loop (WIJKPEIL_TEST_HANG_MS, the kiosk's fault injection) is ended by
        # the watchdog; the kiosk comes back.
        t0 = time.monotonic()
        stored = n_complete(g)
        g.sh("mkdir -p /run/systemd/system/wijkpeil.service.d && printf '[Service]\\n"
             "Environment=WIJKPEIL_TEST_HANG_MS=3000\\nWatchdogSec=10\\n' "
             ">/run/systemd/system/wijkpeil.service.d/hang.conf && systemctl daemon-reload && "
             "systemctl restart wijkpeil.service")
        seen = g.wait_for("journalctl -u wijkpeil.service -b --no-pager | grep -q 'Watchdog timeout'",
                          180) is not None
        t_wd = time.monotonic() - t0
        g.sh("rm -r /run/systemd/system/wijkpeil.service.d && systemctl daemon-reload && "
             "systemctl restart wijkpeil.service")
        back = kiosk_active(g, 180)
        ok = seen and back and db_query(g, "PRAGMA integrity_check") == "ok" and \
            n_complete(g) == stored
        report("watchdog ends a hang", ok, t_wd, "watchdog timeout %s, kiosk %s" % (
            "seen" if seen else "NOT seen", "back" if back else "NOT back"))

    if want("hours"):
        opening_hours(g, shot, closed_ref)
    if want("power"):
        power_cuts(a, g, shot, attract, start_tree, lang_shots, lang_trees, plan_ar)
    if want("uploads"):
        uploads(g)
    # Last: it activates the stick's set, whose screens are not the demo's the others compare.
    if want("usb"):
        usb_stick(g, shot, attract, staff, usb_plan, a.keep)


COLLECTOR_DB = "/var/lib/wijkpeil-collector/collector.db"


def collector_query(g, sql):
    rc, out = g.sh("runuser -u wijkpeil-collector -- sqlite3 -cmd '.timeout 10000' %s \"%s\" 2>&1"
                   % (COLLECTOR_DB, sql))
    if rc != 0:
        raise RuntimeError("sqlite3 (collector): " + out)
    return out.strip()


def uploads(g):
    """The uploader sends to the collector in the VM (loopback): with the collector stopped
    responses wait; it starts, and the power goes while the uploader is sending them; after the
    reboot every response is at the collector exactly once."""
    t0 = time.monotonic()
    ok, msg = True, ""
    # The collector was off during the power cuts: their responses wait to be sent.
    pending = int(db_query(g, "SELECT count(*) FROM responses WHERE sent = 0") or 0)
    if pending == 0:  # nothing to send: a cut "during a sync" would prove nothing
        report("uploads across a reboot", False, time.monotonic() - t0,
               "no response waiting to be sent (no poll was stored during the power cuts)")
        return
    g.sh("systemctl enable --now wijkpeil-collector.service")
    # The cut: as soon as the collector has taken in anything of this batch.
    before = int(collector_query(g, "SELECT count(*) FROM responses") or 0)
    g.wait_for("test $(runuser -u wijkpeil-collector -- sqlite3 %s "
               "'SELECT count(*) FROM responses') -gt %d" % (COLLECTOR_DB, before), 60, step=0.2)
    g.kill()
    g.start()
    g.wait_agent(900)
    kiosk_active(g, 600)
    done = g.wait_for("test $(runuser -u wijkpeil -- sqlite3 /var/lib/wijkpeil/responses.db "
                      "'SELECT count(*) FROM responses WHERE sent = 0') -eq 0", 180)
    n_kiosk = int(db_query(g, "SELECT count(*) FROM responses") or 0)
    n_coll = int(collector_query(g, "SELECT count(*) FROM responses WHERE device = 'appliance'")
                 or 0)
    ids = int(collector_query(g, "SELECT count(DISTINCT id) FROM responses") or 0)
    ok = done is not None and n_kiosk == n_coll == ids
    msg += "%d pending at the cut (collector had %d); after the reboot the kiosk holds %d, the " \
           "collector %d (%d distinct)" % (pending, before, n_kiosk, n_coll, ids)
    report("uploads across a reboot", ok, time.monotonic() - t0, msg)


def closed_hours():
    """Opening hours that exclude now (UTC, as in the guest): from two to three hours on."""
    h = time.gmtime().tm_hour
    return "%02d:00-%02d:00" % ((h + 2) % 24, (h + 3) % 24)


def closed_render(render, hours):
    """The "closed" screen a tap shows outside opening hours."""
    with open(render.conf, "a") as f:
        f.write("opening_hours = %s\n" % hours)
    try:
        return render.script(["tap %d %d" % (WIDTH // 2, HEIGHT // 2), "shot {shot}"])[0]
    finally:
        with open(render.conf) as f:
            lines = [x for x in f if not x.startswith("opening_hours")]
        with open(render.conf, "w") as f:
            f.writelines(lines)


def opening_hours(g, shot, closed_ref):
    """Outside opening hours: no frames (the screen stays as it is and the kiosk's frame counter
    stands still), a tap shows "closed"."""
    t0 = time.monotonic()
    hours = closed_ref[1]
    g.sh("(cat /etc/wijkpeil/kiosk.conf; echo 'opening_hours = %s') >/etc/wijkpeil/closed.conf && "
         "chgrp wijkpeil /etc/wijkpeil/closed.conf && chmod 0640 /etc/wijkpeil/closed.conf && "
         "mkdir -p /run/systemd/system/wijkpeil.service.d && printf '[Service]\\nExecStart=\\n"
         "ExecStart=/usr/bin/wijkpeil --config /etc/wijkpeil/closed.conf --stats\\n' "
         ">/run/systemd/system/wijkpeil.service.d/closed.conf && systemctl daemon-reload"
         % hours)

    def frames_after(secs, shots=False):
        """Starts the closed kiosk, waits secs, stops it: (frames it drew, screen unchanged)."""
        since = g.sh("date '+%Y-%m-%d %H:%M:%S'")[1].strip()
        g.sh("systemctl restart wijkpeil.service")
        if not kiosk_active(g, 180):
            return -1, False
        first = g.screendump(shot) if shots else None
        g.sh("sleep %d" % secs)
        same = difference(first, g.screendump(shot), 0) == 0.0 if shots else True
        g.sh("systemctl stop wijkpeil.service")
        rc, out = g.sh("journalctl -u wijkpeil.service --since '%s' --no-pager | "
                       "sed -n 's/.*stats:.* frames=\\([0-9]*\\).*/\\1/p' | tail -n 1" % since)
        return (int(out.strip()) if out.strip().isdigit() else -1), same

    # The frame counter (--stats, printed as the kiosk stops) after 5 s and after 25 s closed:
    # whatever start-up draws, nothing more while closed (the attract screen would switch
    # language every 3 s).
    short, _ = frames_after(5)
    long_, same = frames_after(25, True)
    ok = short >= 1 and long_ == short and same
    msg = "screen %s over 25 s; frames after 5 s: %d, after 25 s: %d" % (
        "unchanged" if same else "CHANGED", short, long_)
    g.sh("systemctl start wijkpeil.service")
    ok = ok and kiosk_active(g, 180)
    if ok:
        g.agent.tap(WIDTH // 2, HEIGHT // 2)
        ok, best, _, _ = matches(g, shot, [closed_ref[0]], 60, TOL / 4)
        msg += ", a tap shows %s (%.1f%% off)" % ("closed" if ok else "NOT closed", 100 * best)
    g.sh("rm -r /run/systemd/system/wijkpeil.service.d /etc/wijkpeil/closed.conf && "
         "systemctl daemon-reload && systemctl restart wijkpeil.service")
    ok = kiosk_active(g, 180) and ok
    report("opening hours (closed)", ok, time.monotonic() - t0, msg)


POLL_SECS = 150  # start to thanks through the agent, on a loaded 2-core host


def power_cuts(a, g, shot, attract, start_tree, lang_shots, lang_trees, plan_ar):
    """kill -9 of QEMU at random moments while polls are answered; after each boot the database
    is intact and holds every response whose thanks screen was seen."""
    rng = random.Random(int(os.environ.get("WIJKPEIL_APPLIANCE_SEED", "18")))
    t0 = time.monotonic()
    thanked = n_complete(g)
    attempted = thanked
    thanked_any = 0
    # The collector stays off (across the reboots) until the uploads check: responses pile up.
    g.sh("systemctl disable --now wijkpeil-collector.service")
    detail = []
    for cut in range(a.power_cuts):
        # Answer polls until the cut, at a random moment within one and a half polls' time (a
        # poll takes about POLL_SECS under emulation: cuts at 5-45 s never saw a thanks screen).
        killer = threading.Timer(rng.uniform(5, 1.5 * POLL_SECS), g.power_off)
        killer.start()
        try:
            while True:
                if not matches(g, shot, attract, 60, TOL)[0]:
                    break
                if not start_poll(g, shot, g.agent.tap, start_tree, lang_shots, lang_trees,
                                  plan_ar, 60)[0]:
                    break
                for i, (wid, x, y, ref) in enumerate(plan_ar[1:]):
                    g.agent.tap(x, y)
                    if i == len(plan_ar) - 2:
                        attempted += 1
                    if not matches(g, shot, [ref], 60, TOL)[0]:
                        raise RuntimeError("lost the way after " + wid)
                    time.sleep(0.7)
                thanked += 1  # its thanks screen was captured
                thanked_any += 1
        except Exception:  # QEMU is gone: the sockets close under the walk
            pass
        killer.join()
        g.kill()
        g.start()
        g.wait_agent(900)
        if not kiosk_active(g, 600):
            report("power cuts", False, time.monotonic() - t0,
                   "cut %d: the kiosk did not come back" % (cut + 1))
            return
        integrity = db_query(g, "PRAGMA integrity_check")
        n = n_complete(g)
        dup = db_query(g, "SELECT count(*) FROM (SELECT started_at, answers FROM responses "
                          "GROUP BY started_at, answers HAVING count(*) > 1)")
        detail.append("%d/%d/%d" % (thanked, n, attempted))
        log("  (cut %d: integrity_check %s; thanked %d, stored %d, reached the last tap %d; "
            "%.0f s so far)" % (cut + 1, integrity, thanked, n, attempted, time.monotonic() - t0))
        if integrity != "ok" or n < thanked or n > attempted or dup != "0":
            report("power cuts", False, time.monotonic() - t0,
                   "cut %d: integrity_check %s, %d complete stored, %d thanked, %d reached the "
                   "last tap, %s duplicates" % (cut + 1, integrity, n, thanked, attempted, dup))
            return
        thanked = n  # what is stored counts from here on (stored without thanks seen: fine)
        attempted = n
    if thanked_any == 0:  # nothing was thanked between the cuts: the check proved nothing
        report("power cuts (kill -9 QEMU)", False, time.monotonic() - t0,
               "no thanks screen captured between the cuts: %s" % " ".join(detail))
        return
    report("power cuts (kill -9 QEMU)", True, time.monotonic() - t0,
           "%d cuts; thanked/stored/reached per cut: %s; integrity_check ok each time"
           % (a.power_cuts, " ".join(detail)))


if __name__ == "__main__":
    sys.exit(main())
