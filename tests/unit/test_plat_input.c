/* plat_input: taps from an absolute pointer (QEMU's usb-tablet, single-touch panels that present
 * themselves as tablets: axes 0-32767) land where they are aimed, scaled by the device's range;
 * ordinary mice and touch keep SDL's coordinates. Where /dev/uinput can be written (root, a real
 * kernel: the appliance VM), a usb-tablet-like device is made and read back through the
 * translation as SDL's evdev input would name it (by its file descriptor). */
#include "plat_input.h"
#include "testlib.h"

#include <SDL.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void test_scale(void)
{
    /* usb-tablet on a 1280x800 screen: the middle of the range is the middle of the screen. */
    CHECK(plat_input_abs_scale(16384, 0, 32767, 1280) == 640);
    CHECK(plat_input_abs_scale(16384, 0, 32767, 800) == 400);
    CHECK(plat_input_abs_scale(0, 0, 32767, 1280) == 0);
    CHECK(plat_input_abs_scale(32767, 0, 32767, 1280) == 1279);
    CHECK(plat_input_abs_scale(8192, 0, 32767, 1280) == 320);
    /* A range that does not start at 0, and values outside it. */
    CHECK(plat_input_abs_scale(0, -100, 99, 200) == 100);
    CHECK(plat_input_abs_scale(-500, -100, 99, 200) == 0);
    CHECK(plat_input_abs_scale(500, -100, 99, 200) == 199);
    /* A device that reports no range, or no window yet. */
    CHECK(plat_input_abs_scale(5, 0, 0, 1280) == 0);
    CHECK(plat_input_abs_scale(5, 0, 10, 0) == 0);
}

static SDL_Event button(Uint32 which, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.which = which;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = x;
    e.button.y = y;
    return e;
}

static void test_plain_mouse_keeps_sdl_coordinates(void)
{
    /* A mouse that is not an input device descriptor (X11, Wayland: id 0; a pipe here). */
    int p[2];
    CHECK(pipe(p) == 0);
    ui_event ue;
    SDL_Event e = button((Uint32)p[0], 300, 200);
    CHECK(plat_input_translate(&e, 1280, 800, &ue));
    CHECK(ue.type == UI_EV_DOWN && ue.x == 300 && ue.y == 200);
    e = button(0, 17, 19);
    CHECK(plat_input_translate(&e, 1280, 800, &ue));
    CHECK(ue.x == 17 && ue.y == 19);
    e = button(SDL_TOUCH_MOUSEID, 1, 1);
    CHECK(!plat_input_translate(&e, 1280, 800, &ue)); /* touch is reported as a finger */
    close(p[0]);
    close(p[1]);
}

/* /dev/input/eventN of the uinput device ufd, opened for reading; -1 when it cannot be found. */
static int open_event_node(int ufd)
{
    char sys[64], path[512];
    if (ioctl(ufd, UI_GET_SYSNAME(sizeof sys), sys) < 0)
        return -1;
    snprintf(path, sizeof path, "/sys/devices/virtual/input/%s", sys);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int fd = -1;
    struct dirent *de;
    while (fd < 0 && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "event", 5) == 0) {
            snprintf(path, sizeof path, "/dev/input/%s", de->d_name);
            fd = open(path, O_RDONLY | O_NONBLOCK);
        }
    }
    closedir(d);
    return fd;
}

static void emit(int ufd, int type, int code, int value)
{
    struct input_event ie;
    memset(&ie, 0, sizeof ie);
    ie.type = (unsigned short)type;
    ie.code = (unsigned short)code;
    ie.value = value;
    CHECK(write(ufd, &ie, sizeof ie) == (ssize_t)sizeof ie);
}

static void test_absolute_pointer_is_scaled(void)
{
    int ufd = open("/dev/uinput", O_WRONLY | O_NONBLOCK);
    if (ufd < 0) {
        printf("  (no writable /dev/uinput: the device part runs in the appliance VM)\n");
        return;
    }
    CHECK(ioctl(ufd, UI_SET_EVBIT, EV_KEY) == 0);
    CHECK(ioctl(ufd, UI_SET_KEYBIT, BTN_LEFT) == 0);
    CHECK(ioctl(ufd, UI_SET_EVBIT, EV_ABS) == 0);
    CHECK(ioctl(ufd, UI_SET_ABSBIT, ABS_X) == 0);
    CHECK(ioctl(ufd, UI_SET_ABSBIT, ABS_Y) == 0);
    struct uinput_user_dev dev;
    memset(&dev, 0, sizeof dev);
    snprintf(dev.name, sizeof dev.name, "wijkpeil test tablet");
    dev.id.bustype = BUS_USB;
    dev.absmax[ABS_X] = 32767;
    dev.absmax[ABS_Y] = 32767;
    CHECK(write(ufd, &dev, sizeof dev) == (ssize_t)sizeof dev);
    CHECK(ioctl(ufd, UI_DEV_CREATE) == 0);
    int fd = open_event_node(ufd);
    CHECKF(fd >= 0, "the uinput device's event node opens");
    if (fd >= 0) {
        emit(ufd, EV_ABS, ABS_X, 16384);
        emit(ufd, EV_ABS, ABS_Y, 8192);
        emit(ufd, EV_SYN, SYN_REPORT, 0);
        /* SDL 2.26 passes the raw values on, clamped to the window: the bottom-right corner. */
        SDL_Event e = button((Uint32)fd, 1279, 799);
        ui_event ue;
        CHECK(plat_input_translate(&e, 1280, 800, &ue));
        CHECKF(ue.x == 640 && ue.y == 200, "tap aimed at (640,200) landed at (%d,%d)", ue.x, ue.y);
        close(fd);
    }
    ioctl(ufd, UI_DEV_DESTROY);
    close(ufd);
}

int main(void)
{
    RUN(test_scale);
    RUN(test_plain_mouse_keeps_sdl_coordinates);
    RUN(test_absolute_pointer_is_scaled);
    return test_main();
}
