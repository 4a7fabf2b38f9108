#!/usr/bin/python3
"""The appliance VM's guest agent (tools/appliance, installed only in the test image, never in the
package): reads one command a line from the virtio-serial port wp.agent and answers each with one
line "OK RC HEX" (RC the exit status, HEX the output as hex). Uses only python3-minimal.

    ping            answers OK 0
    sh HEX          runs the shell command (hex-encoded) as root, output and status back
    tap X Y [N MS]  one finger tap at pixel X,Y through a uinput multitouch touchscreen
                    (INPUT_PROP_DIRECT: udev tags it ID_INPUT_TOUCHSCREEN); N taps MS apart

The touchscreen is made at start, before the kiosk (its unit orders itself first), with axes in
pixels of the 1280x800 screen."""
import fcntl
import os
import struct
import subprocess
import sys
import time

PORT = "/dev/virtio-ports/wp.agent"
WIDTH, HEIGHT = 1280, 800

EV_SYN, EV_KEY, EV_ABS = 0, 1, 3
BTN_TOUCH = 0x14A
ABS_X, ABS_Y = 0, 1
ABS_MT_SLOT, ABS_MT_POSITION_X, ABS_MT_POSITION_Y, ABS_MT_TRACKING_ID = 0x2F, 0x35, 0x36, 0x39
INPUT_PROP_DIRECT = 1
UI_SET_EVBIT, UI_SET_KEYBIT, UI_SET_ABSBIT = 0x40045564, 0x40045565, 0x40045567
UI_SET_PROPBIT, UI_DEV_CREATE = 0x4004556E, 0x5501


class Touch:
    def __init__(self):
        self.fd = os.open("/dev/uinput", os.O_WRONLY)
        self.tracking = 0
        fcntl.ioctl(self.fd, UI_SET_EVBIT, EV_KEY)
        fcntl.ioctl(self.fd, UI_SET_KEYBIT, BTN_TOUCH)
        fcntl.ioctl(self.fd, UI_SET_EVBIT, EV_ABS)
        fcntl.ioctl(self.fd, UI_SET_PROPBIT, INPUT_PROP_DIRECT)
        absmax = [0] * 64
        for code in (ABS_X, ABS_MT_POSITION_X):
            absmax[code] = WIDTH - 1
        for code in (ABS_Y, ABS_MT_POSITION_Y):
            absmax[code] = HEIGHT - 1
        absmax[ABS_MT_SLOT] = 1
        absmax[ABS_MT_TRACKING_ID] = 65535
        for code in (ABS_X, ABS_Y, ABS_MT_SLOT, ABS_MT_POSITION_X, ABS_MT_POSITION_Y,
                     ABS_MT_TRACKING_ID):
            fcntl.ioctl(self.fd, UI_SET_ABSBIT, code)
        name = b"wijkpeil appliance touchscreen".ljust(80, b"\0")
        dev = name + struct.pack("<HHHHi", 0x03, 0x1234, 0x5678, 1, 0)
        dev += struct.pack("<64i", *absmax) + struct.pack("<64i", *([0] * 64)) * 3
        os.write(self.fd, dev)
        fcntl.ioctl(self.fd, UI_DEV_CREATE)

    def emit(self, events):
        now = time.time()
        sec, usec = int(now), int((now % 1) * 1e6)
        data = b"".join(struct.pack("<qqHHi", sec, usec, t, c, v) for t, c, v in events)
        os.write(self.fd, data + struct.pack("<qqHHi", sec, usec, EV_SYN, 0, 0))

    def tap(self, x, y):
        self.tracking = (self.tracking + 1) % 65535
        self.emit([(EV_ABS, ABS_MT_SLOT, 0), (EV_ABS, ABS_MT_TRACKING_ID, self.tracking),
                   (EV_ABS, ABS_MT_POSITION_X, x), (EV_ABS, ABS_MT_POSITION_Y, y),
                   (EV_KEY, BTN_TOUCH, 1), (EV_ABS, ABS_X, x), (EV_ABS, ABS_Y, y)])
        time.sleep(0.08)
        self.emit([(EV_ABS, ABS_MT_TRACKING_ID, -1), (EV_KEY, BTN_TOUCH, 0)])


def main():
    touch = Touch()
    while not os.path.exists(PORT):  # udev names the port; slow on a loaded host
        time.sleep(0.5)
    port = os.open(PORT, os.O_RDWR)
    buf = b""
    while True:
        chunk = os.read(port, 4096)
        if not chunk:
            time.sleep(0.2)  # no host on the other end yet
            continue
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            words = line.decode("ascii", "replace").split()
            rc, out = 0, b""
            try:
                if not words or words[0] == "ping":
                    pass
                elif words[0] == "sh":
                    p = subprocess.run(["/bin/sh", "-c", bytes.fromhex(words[1]).decode()],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                    rc, out = p.returncode, p.stdout
                elif words[0] == "tap":
                    n = int(words[3]) if len(words) > 3 else 1
                    for i in range(n):
                        if i:
                            time.sleep(int(words[4]) / 1000.0)
                        touch.tap(int(words[1]), int(words[2]))
                else:
                    rc, out = 2, b"unknown command"
            except Exception as e:  # the host sees it; the agent stays
                rc, out = 3, str(e).encode()
            os.write(port, b"OK %d %s\n" % (rc, out.hex().encode()))


if __name__ == "__main__":
    sys.exit(main())
