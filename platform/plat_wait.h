/* Sleeping until something happens, where SDL cannot block (KMSDRM on the Raspberry Pi, and the
 * dummy driver): SDL 2.26 polls there every millisecond. Instead the loop blocks in poll() on
 * the touch and input devices (evdev, /dev/input/event*, read here only to wake up: SDL reads
 * its own descriptors of the same devices), an eventfd that any SDL event pushed from another
 * thread (speech, USB) signals, and inotify for devices plugged in later; then it pumps SDL
 * once. An idle kiosk wakes only at its own deadlines. */
#ifndef WP_PLAT_WAIT_H
#define WP_PLAT_WAIT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#define PLAT_WAIT_MAX_DEVICES 32 /* input devices watched at once */

typedef struct plat_wait plat_wait;

/* Opens the devices in input_dir (NULL: /dev/input) and watches it for new ones. Devices that
 * cannot be opened are skipped (SDL reports its own trouble). Returns 0, or -1 with a message
 * (no eventfd or inotify). */
int plat_wait_open(const char *input_dir, plat_wait **out, char *err, size_t errlen);
void plat_wait_close(plat_wait *w); /* NULL is a no-op */

/* Waits at most timeout_ms for an SDL event; true with *ev filled when one came. Input on a
 * device, an event pushed by another thread or a new device wakes it; so does the timeout. */
bool plat_wait_event(plat_wait *w, SDL_Event *ev, int timeout_ms);

/* Times plat_wait_event returned from poll() (for tests and the benchmark). */
long plat_wait_wakeups(const plat_wait *w);
/* Input devices being watched now. */
int plat_wait_devices(const plat_wait *w);

#endif
