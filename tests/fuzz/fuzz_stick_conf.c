/* WIJKPEIL/kiosk.conf on a stranger's USB stick: stick_conf_read on any bytes must sort every
 * line into accepted or refused without crashing. What it accepts, staff may save: it must then
 * load back as kiosk settings, or the kiosk would not start again after "save settings". */
#include "config.h"
#include "fuzzlib.h"
#include "stick.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char root[512], wdir[600], conf[700], local[512], err[STICK_REASON_LEN];
    fz_path("stick", root, sizeof root);
    snprintf(wdir, sizeof wdir, "%s/" STICK_DIR, root);
    snprintf(conf, sizeof conf, "%s/kiosk.conf", wdir);
    fz_path("local.conf", local, sizeof local);
    mkdir(root, 0700);
    mkdir(wdir, 0700);
    fz_write(conf, data, size);

    static stick_conf sc; /* large; one input at a time */
    if (stick_conf_read(root, &sc, err, sizeof err) != 0)
        return 0;
    /* Each list is capped; "too many lines" may be the refused list's last entry. */
    if (!sc.present || sc.n_accepted > STICK_MAX_CONF_LINES || sc.n_refused > STICK_MAX_CONF_LINES)
        abort();
    if (sc.n_accepted == 0)
        return 0;
    unlink(local);
    if (stick_conf_apply(&sc, local, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: accepted settings could not be saved: %s\n", err);
        abort();
    }
    config c;
    config_defaults(&c);
    if (config_load(&c, local, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: settings accepted from a stick do not load back: %s\n", err);
        abort();
    }
    return 0;
}
