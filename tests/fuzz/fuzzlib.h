/* Small helpers shared by the fuzz targets: a private scratch folder (in /dev/shm when there is
 * one, so that fsync costs nothing) for parsers that only read files, and writing an input
 * there. libFuzzer's interface is global, so the folder is too: made once, removed at exit. */
#ifndef WP_FUZZLIB_H
#define WP_FUZZLIB_H

#include "uistr.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scratch folder (created on first use; the process aborts when it cannot be made). */
const char *fz_dir(void);

/* fz_dir()/name into out. */
void fz_path(const char *name, char *out, size_t outlen);

/* Writes exactly data to path (replacing it); aborts on failure, which is the harness's fault,
 * not the parser's. */
void fz_write(const char *path, const uint8_t *data, size_t size);

/* A NUL-terminated copy of data (malloc'd; aborts when out of memory). */
char *fz_strndup(const uint8_t *data, size_t size);

/* The kiosk's built-in interface strings (assets/ui-strings.json of the source tree), loaded on
 * first use and kept; aborts when they do not load. */
const uistr *fz_strings(void);

#endif
