/* Small helpers shared by every module: bounded strings, whole-file reads, clocks, UUIDs.
 * Nothing here allocates behind the caller's back except wp_read_file, which says so. */
#ifndef WP_UTIL_H
#define WP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WP_ERR_LEN 512 /* size of the error buffers passed between modules */

/* Copies at most size-1 bytes of src into dst and always terminates it (when size > 0).
 * Returns strlen(src), so a result >= size means the copy was truncated. */
size_t wp_strlcpy(char *dst, const char *src, size_t size);

/* printf into an optional caller buffer for error messages; a no-op when buf is NULL. */
void wp_errf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads a whole file into a new NUL-terminated buffer (caller frees *out). Refuses files
 * larger than max_bytes. Returns 0, or -1 with a message naming the file in err. */
int wp_read_file(const char *path, size_t max_bytes, char **out, size_t *out_len, char *err,
                 size_t errlen);

/* Wall-clock time in milliseconds since the Unix epoch (UTC). */
int64_t wp_wall_ms(void);
/* Monotonic time in milliseconds (for timeouts; never jumps with NTP). */
int64_t wp_mono_ms(void);

/* Formats epoch milliseconds as ISO 8601 UTC, e.g. 2027-03-01T09:15:02.123Z (needs 25 bytes). */
void wp_iso8601(int64_t epoch_ms, char *buf, size_t len);

/* A random (version 4) UUID in its 36-character text form; buf needs 37 bytes.
 * Returns 0, or -1 when the kernel's random source failed. */
int wp_uuid4(char buf[37]);

/* printf at buf + *used, advancing *used; once something does not fit, *full is set and nothing
 * more is written (for texts built from tables: check *full at the end). */
void wp_appendf(char *buf, size_t len, size_t *used, bool *full, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Appends ", item" (or "item" when *used is 0) to the list text in buf, advancing *used; false
 * (and buf unchanged) when it does not fit. */
bool wp_list_add(char *buf, size_t len, size_t *used, const char *item);

/* Parses a whole decimal integer in [min, max]; returns false on junk or out of range. */
bool wp_parse_int(const char *s, long min, long max, long *out);

/* True when the system clock is known to be synchronised (NTP / timedatectl). */
bool wp_clock_synced(void);

#endif
