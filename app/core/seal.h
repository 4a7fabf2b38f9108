/* Sealed answers: a response's answers encrypted to the central team's public key with
 * libsodium's crypto_box_seal (X25519 + XSalsa20-Poly1305, an ephemeral key per message), so a
 * kiosk's SD card or a stick holds nothing a finder can read. Only the holder of the secret key
 * (the collector, never a kiosk) opens them.
 *
 * File formats (text, one line, ending in a newline; base64 = RFC 4648 with padding):
 *   NAME.seal.public   base64 of the 32-byte X25519 public key (44 characters). The same text
 *                      goes into the kiosk config as "seal_public_key = ...".
 *   NAME.seal.secret   SEAL_SECRET_PREFIX followed by base64 of the 32-byte X25519 secret key.
 *                      Created with mode 0600 and O_EXCL; refused when group or others may read.
 * Sealed text: base64 of crypto_box_seal(answers JSON bytes). */
#ifndef WP_SEAL_H
#define WP_SEAL_H

#include <stddef.h>

#define SEAL_PUBLIC_BYTES   32
#define SEAL_SECRET_BYTES   32
#define SEAL_PUBLIC_B64_LEN 44
#define SEAL_SECRET_PREFIX  "wijkpeil-seal-secret "
#define SEAL_MAX_KEY_FILE   1024

/* A secret key with its public half (derived from the secret, never read from a file). */
typedef struct {
    unsigned char pk[SEAL_PUBLIC_BYTES];
    unsigned char sk[SEAL_SECRET_BYTES];
} seal_keypair;

/* Creates NAME.seal.secret (0600) and NAME.seal.public. Never overwrites: fails when either
 * exists. Returns 0, or -1 with a message. */
int seal_keygen(const char *name, char *err, size_t errlen);

/* Reads a public key from its base64 text (blanks around allowed). Returns 0 or -1. */
int seal_parse_public(const char *b64, unsigned char pk[SEAL_PUBLIC_BYTES], char *err,
                      size_t errlen);

/* Reads a NAME.seal.secret file: a regular file, not a symlink, readable by its owner only
 * (mode 0600 or 0400). Returns 0, or -1 with a message naming the file. */
int seal_load_secret(const char *path, seal_keypair *out, char *err, size_t errlen);

/* Wipes a key pair (sodium_memzero). */
void seal_forget(seal_keypair *kp);

/* Seals len bytes of text to pk; returns a new NUL-terminated base64 string (caller frees), or
 * NULL with a message. */
char *seal_text(const unsigned char pk[SEAL_PUBLIC_BYTES], const char *text, size_t len, char *err,
                size_t errlen);

/* Opens sealed base64 text with kp into a new NUL-terminated string (caller frees *out).
 * Returns 0; -1 when it does not open with this key (sealed to another key, or damaged),
 * with a message; -2 when it is not sealed text at all (not base64, too short) or memory ran
 * out, with a message. */
int seal_open(const seal_keypair *kp, const char *sealed_b64, char **out, char *err, size_t errlen);

#endif
