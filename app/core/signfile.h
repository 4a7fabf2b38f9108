/* The files of sign.h: key files and detached .sig files (formats in sign.h). sign.c works on
 * bytes; this module reads the files (wp_read_file) and writes them (fsio). */
#ifndef WP_SIGNFILE_H
#define WP_SIGNFILE_H

#include "sign.h"

#include <stddef.h>

/* Creates NAME.secret (0600) and NAME.public. Never overwrites: fails when either exists.
 * Returns 0, or -1 with a message. */
int signfile_keygen(const char *name, char *err, size_t errlen);

/* Reads a NAME.public file. Returns 0, or -1 with a message naming the file. */
int signfile_load_public(const char *path, unsigned char pk[SIGN_PUBLIC_BYTES], char *err,
                         size_t errlen);
/* Reads a NAME.secret file (checks that its two halves belong together). Returns 0 or -1. */
int signfile_load_secret(const char *path, unsigned char sk[SIGN_SECRET_BYTES], char *err,
                         size_t errlen);

/* Signs the file at path with the secret key file and writes path.sig (atomically).
 * Returns 0 or -1 with a message. */
int signfile_sign(const char *path, const char *secret_path, char *err, size_t errlen);

/* Checks path.sig against path and the public key file. Returns 0 when valid, 1 when the
 * signature does not verify (message says why), -1 when something could not be read. */
int signfile_verify(const char *path, const char *public_path, char *err, size_t errlen);

#endif
