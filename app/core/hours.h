/* Opening hours ("08:30-17:00", also past midnight "20:00-02:00"): parsed once, when the
 * settings are read, then asked whether a local time is within them and when that changes. */
#ifndef WP_HOURS_H
#define WP_HOURS_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
