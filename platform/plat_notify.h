/* systemd service notifications: READY=1 once the first frame is shown, WATCHDOG=1 from the
 * main loop, and a STATUS= line for `systemctl status`. All are no-ops outside systemd. */
#ifndef WP_PLAT_NOTIFY_H
#define WP_PLAT_NOTIFY_H

#include <stdint.h>

void plat_notify_ready(void);
void plat_notify_status(const char *text);
void plat_notify_watchdog(void);
/* Watchdog interval requested by systemd in milliseconds, or 0 when there is none. */
int64_t plat_watchdog_ms(void);

#endif
