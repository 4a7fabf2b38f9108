/* The staff PIN: checked against a libsodium password hash (crypto_pwhash_str, Argon2id), with
 * a lockout after PIN_MAX_WRONG wrong PINs in a row. Pure state driven by a clock the caller
 * passes in (monotonic milliseconds), so the lockout is testable without waiting. */
#ifndef WP_PIN_H
#define WP_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIN_MIN_DIGITS 4
#define PIN_MAX_DIGITS 8
#define PIN_MAX_WRONG  5               /* wrong PINs in a row before the pad locks */
#define PIN_LOCK_MS    (5 * 60 * 1000) /* how long it stays locked */
#define PIN_HASH_LEN   128             /* room for a crypto_pwhash_str result */

/* Attempts so far; zero-initialise (or pin_init) once per kiosk run. */
typedef struct {
    int wrong;               /* wrong PINs in a row */
    int64_t locked_until_ms; /* on the caller's clock; 0 when not locked */
} pin_state;

typedef enum {
    PIN_OK,     /* right PIN: the wrong count starts again */
    PIN_WRONG,  /* *left = attempts left before the lock */
    PIN_LOCKED, /* *left = whole seconds until the pad opens again (rounded up) */
    PIN_NO_HASH /* no usable staff_pin_hash configured: staff mode cannot be opened */
} pin_result;

void pin_init(pin_state *st);

/* Checks entered against hash at time now_ms. While locked nothing is checked (and the hash
 * is not computed). A PIN that is not 4-8 digits counts as wrong. left (optional) is filled as
 * described for each result. */
pin_result pin_check(pin_state *st, const char *hash, const char *entered, int64_t now_ms,
                     int *left);

/* Seconds until the pad opens again (rounded up), 0 when not locked. */
int pin_locked_seconds(const pin_state *st, int64_t now_ms);

/* Keeping the attempts across a restart (a restart must not clear the lock). The kiosk keeps
 * the text in its store under PIN_META_KEY and writes it after every check. */
#define PIN_META_KEY  "staff_pin_lock"
#define PIN_STATE_LEN 48

/* The attempts as text, "WRONG UNTIL": UNTIL is the end of the lock on the wall clock (epoch
 * ms; 0 when not locked), since the monotonic clock starts again at a reboot. */
void pin_state_format(const pin_state *st, int64_t now_ms, int64_t wall_ms, char *buf, size_t len);

/* Restores what pin_state_format wrote, onto the caller's monotonic clock now_ms. Whatever the
 * wall clock did in between (a Pi without a real-time clock starts in the past), a restored lock
 * never lasts longer than PIN_LOCK_MS from now. Returns false, st unchanged, for other text. */
bool pin_state_parse(pin_state *st, const char *text, int64_t now_ms, int64_t wall_ms);

/* True when s is 4-8 ASCII digits. */
bool pin_format_ok(const char *s);

/* Hashes a PIN for the config (crypto_pwhash_str, interactive limits) into out (at least
 * PIN_HASH_LEN bytes). Returns 0, or -1 with a message (bad format, out of memory). */
int pin_hash(const char *pin, char *out, size_t outlen, char *err, size_t errlen);

#endif
