/* Staff PIN: Argon2id hash check, 5 wrong PINs lock the pad for 5 minutes, driven by an
 * injected clock. */
#include "pin.h"
#include "testlib.h"
#include "util.h"

#include <string.h>

static char hash[PIN_HASH_LEN];

static void test_hash_format(void)
{
    char err[WP_ERR_LEN] = "";
    CHECKF(pin_hash("2468", hash, sizeof hash, err, sizeof err) == 0, "%s", err);
    CHECK(!strncmp(hash, "$argon2id$", 10));
    CHECK(pin_hash("123", hash + 0, 0, err, sizeof err) != 0); /* too short */
    CHECK(pin_hash("123456789", NULL, 0, err, sizeof err) != 0);
    CHECK(pin_hash("12a4", NULL, 0, err, sizeof err) != 0 && strstr(err, "4 to 8 digits"));
    CHECK(pin_format_ok("0000") && pin_format_ok("12345678"));
    CHECK(!pin_format_ok("") && !pin_format_ok(" 1234") && !pin_format_ok(NULL));
    /* Two hashes of one PIN differ (random salt) and both verify. */
    char h2[PIN_HASH_LEN];
    CHECK(pin_hash("2468", h2, sizeof h2, err, sizeof err) == 0 && strcmp(h2, hash) != 0);
    pin_state st;
    pin_init(&st);
    CHECK(pin_check(&st, h2, "2468", 0, NULL) == PIN_OK);
}

static void test_lockout(void)
{
    pin_state st;
    int left = -1;
    int64_t t = 1000000;
    pin_init(&st);
    CHECK(pin_check(&st, hash, "2468", t, &left) == PIN_OK);
    /* Four wrong: attempts left count down. */
    for (int i = 1; i <= 4; i++) {
        CHECK(pin_check(&st, hash, "1111", t + i, &left) == PIN_WRONG);
        CHECKF(left == PIN_MAX_WRONG - i, "after %d wrong: %d left", i, left);
    }
    /* The fifth wrong locks for 5 minutes (a malformed PIN counts as wrong). */
    CHECK(pin_check(&st, hash, "12", t + 5, &left) == PIN_LOCKED);
    CHECK(left == 300);
    /* While locked even the right PIN is refused, and the seconds count down. */
    CHECK(pin_check(&st, hash, "2468", t + 5 + 60000, &left) == PIN_LOCKED && left == 240);
    CHECK(pin_locked_seconds(&st, t + 5 + 299001) == 1);
    CHECK(pin_check(&st, hash, "2468", t + 5 + 299999, &left) == PIN_LOCKED && left == 1);
    /* After 5 minutes the right PIN works ... */
    CHECK(pin_check(&st, hash, "2468", t + 5 + 300000, &left) == PIN_OK);
    CHECK(pin_locked_seconds(&st, t + 5 + 300000) == 0);
    /* ... and a fresh round of 5 attempts begins. */
    CHECK(pin_check(&st, hash, "9999", t + 400000, &left) == PIN_WRONG && left == 4);
}

static void test_right_pin_resets_count(void)
{
    pin_state st;
    int left = 0;
    pin_init(&st);
    for (int i = 0; i < 3; i++)
        CHECK(pin_check(&st, hash, "0000", i, &left) == PIN_WRONG);
    CHECK(pin_check(&st, hash, "2468", 10, &left) == PIN_OK);
    CHECK(pin_check(&st, hash, "0000", 11, &left) == PIN_WRONG && left == 4);
    /* Lock expiry after the lock ran out, then wrong again: counts from 4. */
    pin_init(&st);
    for (int i = 0; i < 5; i++)
        pin_check(&st, hash, "0000", 100, &left);
    CHECK(left == 300 && pin_locked_seconds(&st, 100) == 300);
    CHECK(pin_check(&st, hash, "0000", 100 + PIN_LOCK_MS, &left) == PIN_WRONG && left == 4);
}

static void test_no_hash(void)
{
    pin_state st;
    pin_init(&st);
    CHECK(pin_check(&st, "", "2468", 0, NULL) == PIN_NO_HASH);
    CHECK(pin_check(&st, "plain-text", "2468", 0, NULL) == PIN_NO_HASH);
    CHECK(st.wrong == 0); /* a kiosk without a PIN hash does not lock itself */
}

/* The text kept across a restart: the lock continues on a new monotonic clock, never longer than
 * PIN_LOCK_MS whatever the wall clock did, and junk is refused. */
static void test_state_text(void)
{
    pin_state st, back;
    char buf[PIN_STATE_LEN];
    int left = 0;
    const int64_t wall = 1800000000000LL;
    pin_init(&st);
    for (int i = 0; i < 5; i++)
        pin_check(&st, hash, "0000", 1000, &left);
    CHECK(left == 300);
    pin_state_format(&st, 1000 + 60000, wall, buf, sizeof buf); /* a minute into the lock */
    CHECK_STR(buf, "5 1800000240000");
    /* Read back 30 s later on a fresh clock: 210 s left, the right PIN refused. */
    CHECK(pin_state_parse(&back, buf, 50, wall + 30000));
    CHECK(pin_locked_seconds(&back, 50) == 210);
    CHECK(pin_check(&back, hash, "2468", 60, &left) == PIN_LOCKED);
    /* A wall clock far in the past (no real-time clock yet): at most 5 minutes. */
    CHECK(pin_state_parse(&back, buf, 50, wall - 86400000LL));
    CHECK(pin_locked_seconds(&back, 50) == 300);
    /* The lock ran out while the kiosk was off: a fresh round. */
    CHECK(pin_state_parse(&back, buf, 50, wall + 3600000));
    CHECK(pin_locked_seconds(&back, 50) == 0 && back.wrong == 0);
    /* Wrong attempts without a lock carry over. */
    pin_init(&st);
    pin_check(&st, hash, "0000", 10, &left);
    pin_check(&st, hash, "0000", 20, &left);
    pin_state_format(&st, 20, wall, buf, sizeof buf);
    CHECK_STR(buf, "2 0");
    CHECK(pin_state_parse(&back, buf, 0, wall) && back.wrong == 2);
    CHECK(pin_check(&back, hash, "0000", 30, &left) == PIN_WRONG && left == 2);
    /* Junk leaves the state alone. */
    const char *junk[] = {"", "x", "6 0", "-1 0", "2 -5", "2 0 extra", "2"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        back.wrong = 3;
        CHECKF(!pin_state_parse(&back, junk[i], 0, wall) && back.wrong == 3, "\"%s\"", junk[i]);
    }
}

int main(void)
{
    RUN(test_hash_format);
    RUN(test_lockout);
    RUN(test_right_pin_resets_count);
    RUN(test_no_hash);
    RUN(test_state_text);
    return test_main();
}
