/* A publication's schedule beside a set or settings document on a stranger's USB stick
 * (NAME.schedule, written by publish --to-stick): stick_schedule_parse on any bytes must not
 * crash, and what it accepts is a publication id of 1-16 lowercase hex digits, ended within its
 * buffer, and times that are not negative. */
#include "fuzzlib.h"
#include "stick.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char id[STICK_PUB_ID_LEN];
    memset(id, 'x', sizeof id);
    int64_t from = -1, until = -1;
    if (stick_schedule_parse((const char *)data, size, id, &from, &until) != 0)
        return 0;
    size_t n = strnlen(id, sizeof id);
    if (n == 0 || n >= sizeof id || strspn(id, "0123456789abcdef") != n || from < 0 || until < 0)
        abort();
    return 0;
}
