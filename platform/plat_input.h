/* Translates SDL's touch and mouse events, once, into the kiosk's own pointer events. */
#ifndef WP_PLAT_INPUT_H
#define WP_PLAT_INPUT_H

#include "ui.h"

#include <SDL.h>
#include <stdbool.h>

/* Fills out and returns true when ev is a pointer event the UI should see. Touch is reported
 * once: SDL's synthetic mouse events for touches are ignored. win_w/win_h convert the
 * normalised finger coordinates to window pixels. Mouse events from an absolute pointer (a
 * single-touch panel that presents itself as a tablet, QEMU's usb-tablet) are placed by the
 * device's own axis range: SDL 2.26's evdev input (KMSDRM) passes their raw values (0-32767)
 * on as pixels, clamped to the window's bottom-right corner. */
bool plat_input_translate(const SDL_Event *ev, int win_w, int win_h, ui_event *out);

/* An absolute axis value in [min, max] as a pixel in [0, size): min is the first pixel, max
 * the last. Values outside the range are clamped; an empty range gives 0. */
int plat_input_abs_scale(int value, int min, int max, int size);

#endif
