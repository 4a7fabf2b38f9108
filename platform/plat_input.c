/* SDL touch/mouse events to the kiosk's pointer events (see plat_input.h). */
#include "plat_input.h"

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
        return true;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !(ev->motion.state & SDL_BUTTON_LMASK))
            return false;
        out->type = UI_EV_MOVE;
        out->x = ev->motion.x;
        out->y = ev->motion.y;
        return true;
    default:
        return false;
    }
}
