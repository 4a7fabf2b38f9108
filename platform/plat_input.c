/* SDL touch/mouse events to the kiosk's pointer events (see plat_input.h). */
#include "plat_input.h"

#include <linux/input.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* The character-device major number of /dev/input/event*. */
enum { INPUT_DEVICE_MAJOR = 13 };

int plat_input_abs_scale(int value, int min, int max, int size)
{
    if (max <= min || size <= 0)
        return 0;
    if (value <= min)
        return 0;
    if (value >= max)
        return size - 1;
    return (int)((int64_t)(value - min) * size / ((int64_t)max - min + 1));
}

/* SDL's evdev input (KMSDRM) names a mouse by the file descriptor it reads the device from. When
 * that descriptor is an input device with absolute X and Y axes, the pointer's position is the
 * device's current axis state scaled by its range (EVIOCGABS), not SDL's unscaled copy. */
static bool abs_position(Uint32 which, int win_w, int win_h, int *x, int *y)
{
    if (which == SDL_TOUCH_MOUSEID || which > INT32_MAX)
        return false;
    int fd = (int)which;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != INPUT_DEVICE_MAJOR)
        return false;
    unsigned long bits[(ABS_MAX + 1 + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long))];
    if (ioctl(fd, EVIOCGBIT(EV_ABS, sizeof bits), bits) < 0)
        return false;
    const unsigned long w = 8 * sizeof(unsigned long);
    if (!(bits[ABS_X / w] >> (ABS_X % w) & 1) || !(bits[ABS_Y / w] >> (ABS_Y % w) & 1))
        return false;
    struct input_absinfo ax, ay;
    if (ioctl(fd, EVIOCGABS(ABS_X), &ax) < 0 || ioctl(fd, EVIOCGABS(ABS_Y), &ay) < 0)
        return false;
    *x = plat_input_abs_scale(ax.value, ax.minimum, ax.maximum, win_w);
    *y = plat_input_abs_scale(ay.value, ay.minimum, ay.maximum, win_h);
    return true;
}

bool plat_input_translate(const SDL_Event *ev, int win_w, int win_h, ui_event *out)
{
    switch (ev->type) {
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
        out->type = ev->type == SDL_FINGERDOWN ? UI_EV_DOWN
                    : ev->type == SDL_FINGERUP ? UI_EV_UP
                                               : UI_EV_MOVE;
        out->x = (int)(ev->tfinger.x * (float)win_w);
        out->y = (int)(ev->tfinger.y * (float)win_h);
        return true;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return false;
        out->type = ev->type == SDL_MOUSEBUTTONDOWN ? UI_EV_DOWN : UI_EV_UP;
        out->x = ev->button.x;
        out->y = ev->button.y;
        abs_position(ev->button.which, win_w, win_h, &out->x, &out->y);
        return true;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !(ev->motion.state & SDL_BUTTON_LMASK))
            return false;
        out->type = UI_EV_MOVE;
        out->x = ev->motion.x;
        out->y = ev->motion.y;
        abs_position(ev->motion.which, win_w, win_h, &out->x, &out->y);
        return true;
    default:
        return false;
    }
}
