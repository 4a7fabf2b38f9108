/* Opening hours ("08:30-17:00", also past midnight "20:00-02:00"): parsed once, when the
 * settings are read, then asked whether a local time is within them and when that changes. */
#ifndef WP_HOURS_H
#define WP_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    bool always;     /* no hours set (or opening equals closing): always open */
    int open, close; /* minutes after midnight */
} hours;

/* Parses "HH:MM-HH:MM" ("" means always open; closing may be 24:00). Returns 0, or -1 with a
 * message naming the expected form. */
int hours_parse(const char *s, hours *out, char *err, size_t errlen);

/* True when the minute of the day (0..1439) is within the hours. */
bool hours_open_at(const hours *h, int minute);

/* Seconds from the given local time (minute of the day and second of that minute) to the next
 * opening or closing; -1 when always open. */
long hours_next_change(const hours *h, int minute, int second);

/* How much of the span from from_ms to to_ms (milliseconds since 1970 UTC) lies within the hours,
 * in the process's local time zone: how long a kiosk was silent while it should have been open.
 * A span longer than HOURS_SPAN_MAX_DAYS is counted from that many days before to_ms. */
#define HOURS_SPAN_MAX_DAYS 62
int64_t hours_open_ms(const hours *h, int64_t from_ms, int64_t to_ms);

#endif
