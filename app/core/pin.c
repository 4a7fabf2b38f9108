/* Staff PIN check with lockout, over libsodium's Argon2id password hashes. */
#include "pin.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void pin_init(pin_state *st)
{
    memset(st, 0, sizeof *st);
}

bool pin_format_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < PIN_MIN_DIGITS || n > PIN_MAX_DIGITS)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int pin_locked_seconds(const pin_state *st, int64_t now_ms)
{
    if (st->locked_until_ms == 0 || now_ms >= st->locked_until_ms)
        return 0;
    int64_t ms = st->locked_until_ms - now_ms;
    if (ms > PIN_LOCK_MS)
        ms = PIN_LOCK_MS; /* a clock that went back never lengthens the lock */
    return (int)((ms + 999) / 1000);
}

pin_result pin_check(pin_state *st, const char *hash, const char *entered, int64_t now_ms,
                     int *left)
{
    int dummy;
    if (!left)
        left = &dummy;
    *left = 0;
    if (st->locked_until_ms != 0) {
        int secs = pin_locked_seconds(st, now_ms);
        if (secs > 0) {
            *left = secs;
            return PIN_LOCKED;
        }
        st->locked_until_ms = 0; /* the lock has run out: a fresh round of attempts */
        st->wrong = 0;
    }
    if (!hash || strncmp(hash, "$argon2", 7) != 0 || sodium_init() < 0)
        return PIN_NO_HASH;
    if (pin_format_ok(entered) && crypto_pwhash_str_verify(hash, entered, strlen(entered)) == 0) {
        st->wrong = 0;
        return PIN_OK;
    }
    st->wrong++;
    if (st->wrong >= PIN_MAX_WRONG) {
        st->locked_until_ms = now_ms + PIN_LOCK_MS;
        if (st->locked_until_ms == 0)
            st->locked_until_ms = 1;
        *left = pin_locked_seconds(st, now_ms);
        return PIN_LOCKED;
    }
    *left = PIN_MAX_WRONG - st->wrong;
    return PIN_WRONG;
}

void pin_state_format(const pin_state *st, int64_t now_ms, int64_t wall_ms, char *buf, size_t len)
{
    int64_t until = 0;
    if (st->locked_until_ms != 0 && st->locked_until_ms > now_ms)
        until = wall_ms + (st->locked_until_ms - now_ms);
    snprintf(buf, len, "%d %lld", st->locked_until_ms != 0 && until == 0 ? 0 : st->wrong,
             (long long)until);
}

bool pin_state_parse(pin_state *st, const char *text, int64_t now_ms, int64_t wall_ms)
{
    int wrong = 0, used = 0;
    long long until = 0;
    if (!text || sscanf(text, "%d %lld%n", &wrong, &until, &used) != 2 || text[used] != '\0' ||
        wrong < 0 || wrong > PIN_MAX_WRONG || until < 0)
        return false;
    pin_init(st);
    if (until == 0) {
        st->wrong = wrong;
        return true;
    }
    if (until <= wall_ms)
        return true; /* the lock ran out while the kiosk was off: a fresh round */
    int64_t left = until - wall_ms;
    if (left > PIN_LOCK_MS)
        left = PIN_LOCK_MS;
    st->wrong = wrong;
    st->locked_until_ms = now_ms + left;
    if (st->locked_until_ms == 0)
        st->locked_until_ms = 1;
    return true;
}

int pin_hash(const char *pin, char *out, size_t outlen, char *err, size_t errlen)
{
    char buf[crypto_pwhash_STRBYTES];
    if (!pin_format_ok(pin)) {
        wp_errf(err, errlen, "a staff PIN is %d to %d digits", PIN_MIN_DIGITS, PIN_MAX_DIGITS);
        return -1;
    }
    if (sodium_init() < 0) {
        wp_errf(err, errlen, "libsodium could not start");
        return -1;
    }
    if (crypto_pwhash_str(buf, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        wp_errf(err, errlen, "hashing the PIN failed (out of memory?)");
        return -1;
    }
    if (wp_strlcpy(out, buf, outlen) >= outlen) {
        wp_errf(err, errlen, "hash buffer too small");
        return -1;
    }
    return 0;
}
