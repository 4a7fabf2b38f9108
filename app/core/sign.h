/* Question-set signatures: Ed25519 keys and detached signatures, made and checked with
 * libsodium (crypto_sign_detached), never home-made crypto. Bytes only: the files below are
 * read and written by signfile.h.
 *
 * File formats (all text, one line, ending in a newline; base64 = RFC 4648 with padding):
 *   NAME.public   base64 of the 32-byte Ed25519 public key (44 characters). The same text goes
 *                 into the kiosk config as "trusted_key = ...".
 *   NAME.secret   "wijkpeil-ed25519-secret " followed by base64 of libsodium's 64-byte secret
 *                 key (seed followed by public key). Created with mode 0600 and O_EXCL.
 *   SET.json.sig  base64 of the 64-byte detached signature of exactly the bytes of SET.json,
 *                 then a space and the signer's public key in base64 (the "signer hint").
 *                 The hint is never trusted: a set is accepted only when the signature verifies
 *                 against a key the kiosk trusts. It only lets the kiosk tell apart
 *                 "signed by a key we do not know" from "changed after signing" (see
 *                 sign_classify). A .sig holding only the signature is also read.
 * A key id is the first SIGN_KEYID_LEN characters of the public key's base64 text. */
#ifndef WP_SIGN_H
#define WP_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#define SIGN_PUBLIC_BYTES   32
#define SIGN_SECRET_BYTES   64
#define SIGN_SIG_BYTES      64
#define SIGN_PUBLIC_B64_LEN 44   /* base64 text of a public key, without NUL */
#define SIGN_SIG_B64_LEN    88   /* base64 text of a signature, without NUL */
#define SIGN_KEYID_LEN      8    /* characters of a key id */
#define SIGN_MAX_SIG_FILE   1024 /* larger .sig files are refused unread */
#define SIGN_MAX_KEY_FILE   1024
#define SIGN_SECRET_PREFIX  "wijkpeil-ed25519-secret "
#define SIGN_MAX_DATA_BYTES (5 * 1024 * 1024) /* signfile_sign: as STICK_MAX_FILE_BYTES */

/* A .sig file, parsed. */
typedef struct {
    unsigned char sig[SIGN_SIG_BYTES];
    bool has_signer;                         /* the file named a signer key */
    unsigned char signer[SIGN_PUBLIC_BYTES]; /* hint only: never trusted */
} sign_sig;

/* What a signature says about some bytes, given the kiosk's trusted keys. */
typedef enum {
    SIGN_OK,          /* verifies against trusted key number *which */
    SIGN_UNKNOWN_KEY, /* signed by a key not trusted here (the hint names it and it verifies,
                         or there is no hint and no trusted key verifies) */
    SIGN_TAMPERED     /* the hint names a key (trusted or not) and the signature does not
                         verify with it: the bytes changed after signing */
} sign_verdict;

/* Reads a public key from its base64 text (surrounding blanks allowed). Returns 0 or -1. */
int sign_parse_public(const char *b64, unsigned char pk[SIGN_PUBLIC_BYTES], char *err,
                      size_t errlen);
/* The text of a NAME.public file (a public key's base64, surrounding blanks allowed); refuses
 * the text of a secret key with a message saying so. Returns 0 or -1. */
int sign_parse_public_text(const char *text, unsigned char pk[SIGN_PUBLIC_BYTES], char *err,
                           size_t errlen);
/* The bytes of a NAME.secret file (checks that its two halves belong together). Returns 0, or
 * -1 with a message (then sk is zeroed). */
int sign_parse_secret(const char *text, size_t len, unsigned char sk[SIGN_SECRET_BYTES], char *err,
                      size_t errlen);
/* A new key pair as the texts of its two files, each one line ending in a newline. */
int sign_keypair_text(char *public_line, size_t publen, char *secret_line, size_t seclen, char *err,
                      size_t errlen);

/* Base64 text of a public key (out needs SIGN_PUBLIC_B64_LEN + 1 bytes). */
void sign_public_b64(const unsigned char pk[SIGN_PUBLIC_BYTES], char *out, size_t outlen);
/* Key id: the first SIGN_KEYID_LEN characters of the base64 text (out needs 9 bytes). */
void sign_key_id(const unsigned char pk[SIGN_PUBLIC_BYTES], char *out, size_t outlen);

/* Signs data and writes the .sig file text ("SIG SIGNER\n") into out (at least 140 bytes).
 * Returns 0 or -1. */
int sign_make(const void *data, size_t len, const unsigned char sk[SIGN_SECRET_BYTES], char *out,
              size_t outlen, char *err, size_t errlen);

/* Parses .sig file text. Returns 0, or -1 with a message. */
int sign_parse_sig(const char *text, size_t len, sign_sig *out, char *err, size_t errlen);

/* True when sig is a valid signature of exactly data by pk. */
bool sign_check(const void *data, size_t len, const unsigned char sig[SIGN_SIG_BYTES],
                const unsigned char pk[SIGN_PUBLIC_BYTES]);

/* Decides whether data is signed by one of the n trusted keys (base64 texts as in the config;
 * unreadable ones are skipped). On SIGN_OK *which is the index of the key that verified. */
sign_verdict sign_classify(const void *data, size_t len, const sign_sig *sig,
                           const char (*trusted)[128], int n_trusted, int *which);

/* The whole check of a detached signature: sigtext (a .sig file's text) over data (the file
 * name), against the n trusted keys. SIGN_OK with reason "", or the verdict with a reason in
 * words for staff and the heartbeat: a damaged .sig or tampered data is SIGN_TAMPERED, no trusted
 * key or a key not trusted SIGN_UNKNOWN_KEY. *which as sign_classify (may be NULL). Used by the
 * stick scan and settings documents. */
sign_verdict sign_verify_named(const void *data, size_t len, const char *sigtext, size_t siglen,
                               const char (*trusted)[128], int n_trusted, const char *name,
                               int *which, char *reason, size_t reasonlen);

/* libsodium started (sodium_init); 0, or -1 with a message. Shared with seal.c. */
int sign_sodium_ready(char *err, size_t errlen);
/* Decodes exactly want bytes of standard base64 from text[0..len) (blanks around are ignored);
 * 0, or -1 when it is not exactly that. Shared with seal.c. */
int sign_b64_exact(const char *text, size_t len, unsigned char *out, size_t want);

#endif
