/* systemd service notifications through libsystemd's sd_notify. */
#include "plat_notify.h"

#include <stdio.h>
#include <systemd/sd-daemon.h>

void plat_notify_ready(void)
{
    sd_notify(0, "READY=1");
}

void plat_notify_status(const char *text)
{
    sd_notifyf(0, "STATUS=%s", text);
}

void plat_notify_watchdog(void)
{
    sd_notify(0, "WATCHDOG=1");
}

int64_t plat_watchdog_ms(void)
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0)
        return 0;
    return (int64_t)(usec / 1000);
}
