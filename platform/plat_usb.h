/* Noticing USB sticks: watches the configured mount roots (and one and two levels below them,
 * for /media/USER/STICK) with inotify, and the kernel's mount table, and tells the caller when
 * the set of sticks holding a WIJKPEIL folder changed. Never blocks: everything is read
 * non-blocking from plat_usb_check, which the main loop calls when plat_usb_fd is readable or
 * at plat_usb_deadline. */
#ifndef WP_PLAT_USB_H
#define WP_PLAT_USB_H

#include "config.h"
#include "stick.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_USB_MAX_WATCHES 64    /* directories watched at once */
#define PLAT_USB_SETTLE_MS   500   /* first re-check after a change (a mount follows a mkdir) */
#define PLAT_USB_FOLLOWUPS   4     /* re-checks after a change: +0.5, +1, +2, +4 s */
#define PLAT_USB_FALLBACK_MS 10000 /* a full re-check even when nothing was signalled */

typedef struct plat_usb plat_usb;

/* Starts watching cfg's mount roots (copied; missing roots are watched once they appear).
 * Finds the sticks present now. Returns 0, or -1 with a message (no inotify). */
int plat_usb_open(const config *cfg, plat_usb **out, char *err, size_t errlen);
void plat_usb_close(plat_usb *u); /* NULL is a no-op */

/* A descriptor that becomes readable (POLLIN) when something under the roots or in the mount
 * table changed; the caller then calls plat_usb_check. */
int plat_usb_fd(const plat_usb *u);

/* Reads what happened (without blocking), re-checks the roots when something changed or a
 * follow-up is due, and returns true when the list of sticks changed since the last call. */
bool plat_usb_check(plat_usb *u, int64_t now_ms);

/* The next time plat_usb_check has work even without the fd becoming readable. */
int64_t plat_usb_deadline(const plat_usb *u, int64_t now_ms);

/* The sticks found at the last check (folders holding WIJKPEIL/), sorted per root. Copies at
 * most max into out and returns how many there are. */
int plat_usb_sticks(const plat_usb *u, char (*out)[STICK_PATH_LEN], int max);

#endif
