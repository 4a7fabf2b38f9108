/* Kiosk settings (/etc/wijkpeil/kiosk.conf and the local override file): config_load on any
 * bytes must apply them or stop with "FILE:LINE: message", never crash or overrun a field. */
#include "config.h"
#include "fuzzlib.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], err[512];
    fz_path("kiosk.conf", path, sizeof path);
    fz_write(path, data, size);
    config c;
    config_defaults(&c);
    if (config_load(&c, path, err, sizeof err) != 0 && strncmp(err, path, strlen(path)) != 0)
        abort(); /* every refusal names the file */
    return 0;
}
