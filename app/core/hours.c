/* Opening hours, parsed once (hours.h). */
#include "hours.h"
#include "util.h"

#include <stdio.h>
#include <time.h>

#define DAY_MIN 1440

int hours_parse(const char *s, hours *out, char *err, size_t errlen)
{
    out->always = true;
    out->open = out->close = 0;
    if (!s || !*s)
        return 0;
    int h1, m1, h2, m2, used = 0;
    if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 || s[used] != '\0' ||
        h1 < 0 || h1 > 23 || m1 < 0 || m1 > 59 || h2 < 0 || h2 > 24 || m2 < 0 || m2 > 59 ||
        (h2 == 24 && m2 != 0)) {
        wp_errf(err, errlen, "opening_hours must look like 08:30-17:00, not \"%s\"", s);
        return -1;
    }
    out->open = h1 * 60 + m1;
    out->close = (h2 * 60 + m2) % DAY_MIN;
    out->always = out->open == out->close;
    return 0;
}

bool hours_open_at(const hours *h, int minute)
{
    if (h->always)
        return true;
    if (h->open < h->close)
        return minute >= h->open && minute < h->close;
    return minute >= h->open || minute < h->close; /* past midnight */
}

long hours_next_change(const hours *h, int minute, int second)
{
    if (h->always)
        return -1;
    int target = hours_open_at(h, minute) ? h->close : h->open;
    int delta = ((target - minute) % DAY_MIN + DAY_MIN) % DAY_MIN;
    if (delta == 0)
        delta = DAY_MIN;
    return (long)delta * 60 - second;
}

int64_t hours_open_ms(const hours *h, int64_t from_ms, int64_t to_ms)
{
    if (to_ms <= from_ms)
        return 0;
    if (to_ms - from_ms > HOURS_SPAN_MAX_DAYS * 86400000LL)
        from_ms = to_ms - HOURS_SPAN_MAX_DAYS * 86400000LL;
    if (h->always)
        return to_ms - from_ms;
    int64_t open = 0;
    /* From one opening or closing to the next: two steps a day. */
    for (int64_t t = from_ms; t < to_ms;) {
        time_t s = (time_t)(t / 1000);
        struct tm tm;
        if (!localtime_r(&s, &tm))
            break;
        int minute = tm.tm_hour * 60 + tm.tm_min;
        int64_t next = t - t % 1000 + (int64_t)hours_next_change(h, minute, tm.tm_sec) * 1000;
        if (next <= t)
            next = t + 60000; /* a minute skipped or repeated at a daylight-saving change */
        if (next > to_ms)
            next = to_ms;
        if (hours_open_at(h, minute))
            open += next - t;
        t = next;
    }
    return open;
}
