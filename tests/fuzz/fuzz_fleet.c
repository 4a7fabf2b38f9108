/* The kiosk reading what the centre assigns to it (GET /v1/assignment), from a collector that may
 * be broken into: fleet_parse must never crash, and what it accepts names only this device and
 * safe file names, each publication with its set and .sig among its files. */
#include "fleet.h"
#include "fuzzlib.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    fleet_assignment a;
    memset(&a, 0, sizeof a);
    if (fleet_parse((const char *)data, size, "kiosk-07", &a, err, sizeof err) != 0)
        return 0;
    if (strcmp(a.device, "kiosk-07") != 0 || a.n < 0 || a.n > FLEET_MAX_PUBS)
        abort();
    for (int i = 0; i < a.n; i++) {
        const fleet_pub *p = &a.pubs[i];
        bool set = false, sig = false;
        for (int f = 0; f < p->n_files; f++) {
            if (!fleet_name_ok(p->files[f].name) || p->files[f].size < 0)
                abort();
            set = set || strcmp(p->files[f].name, p->set_file) == 0;
            sig = sig || (strncmp(p->files[f].name, p->set_file, strlen(p->set_file)) == 0 &&
                          strcmp(p->files[f].name + strlen(p->set_file), ".sig") == 0);
        }
        if (!set || !sig)
            abort();
    }
    fleet_assignment_free(&a);
    return 0;
}
