/* Translates SDL's touch and mouse events, once, into the kiosk's own pointer events. */
#ifndef WP_PLAT_INPUT_H
#define WP_PLAT_INPUT_H

#include "ui.h"

#include <SDL.h>
#include <stdbool.h>

/* Fills out and returns true when ev is a pointer event the UI should see. Touch is reported
 * once: SDL's synthetic mouse events for touches are ignored. win_w/win_h convert the
 * normalised finger coordinates to window pixels. */
bool plat_input_translate(const SDL_Event *ev, int win_w, int win_h, ui_event *out);

#endif
