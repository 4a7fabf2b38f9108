/* The panel's backlight: switched off while the kiosk rests outside opening hours (drawing
 * black alone leaves an LCD lit) and on again when it wakes. Uses the kernel's backlight class
 * (/sys/class/backlight/NAME/bl_power, as the Raspberry Pi touchscreen offers it); a missing or
 * unwritable backlight is not an error: the screen is then only drawn black. */
#ifndef WP_PLAT_DISPLAY_H
#define WP_PLAT_DISPLAY_H

#include <stdbool.h>

/* Switches every backlight under class_dir (NULL = /sys/class/backlight) on or off. Returns the
 * number of backlights switched (0 when there are none or none may be written). */
int plat_display_power(const char *class_dir, bool on);

#endif
