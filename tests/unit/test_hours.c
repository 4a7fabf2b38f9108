/* Opening hours: parsing (every malformed form refused), open or closed at a minute, and the
 * next change, also past midnight. */
#include "hours.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void test_parse(void)
{
    hours h;
    char err[256];
    CHECK(hours_parse("", &h, err, sizeof err) == 0 && h.always);
    CHECK(hours_parse("08:30-17:00", &h, err, sizeof err) == 0 && !h.always);
    CHECK(h.open == 510 && h.close == 1020);
    CHECK(hours_parse("20:00-24:00", &h, err, sizeof err) == 0 && h.close == 0);
    CHECK(hours_parse("09:00-09:00", &h, err, sizeof err) == 0 && h.always);
    const char *bad[] = {"8-17",        "08:30-17:00x", "25:00-17:00", "08:60-17:00",
                         "08:30-24:30", "08:30 17:00",  "-1:00-02:00", "08:30-"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECKF(hours_parse(bad[i], &h, err, sizeof err) == -1, "accepted \"%s\"", bad[i]);
        CHECK(strstr(err, "08:30-17:00") != NULL);
    }
}

static void test_open_and_next(void)
{
    hours h;
    char err[256];
    CHECK(hours_parse("08:30-17:00", &h, err, sizeof err) == 0);
    CHECK(!hours_open_at(&h, 8 * 60 + 29));
    CHECK(hours_open_at(&h, 8 * 60 + 30));
    CHECK(hours_open_at(&h, 16 * 60 + 59));
    CHECK(!hours_open_at(&h, 17 * 60));
    /* 08:29:30: opens in 30 s; 16:59:00: closes in 60 s; 17:00:00: opens in 15.5 h. */
    CHECK(hours_next_change(&h, 8 * 60 + 29, 30) == 30);
    CHECK(hours_next_change(&h, 16 * 60 + 59, 0) == 60);
    CHECK(hours_next_change(&h, 17 * 60, 0) == 930L * 60);
    /* Past midnight. */
    CHECK(hours_parse("20:00-02:00", &h, err, sizeof err) == 0);
    CHECK(hours_open_at(&h, 23 * 60) && hours_open_at(&h, 60) && !hours_open_at(&h, 2 * 60));
    CHECK(hours_next_change(&h, 23 * 60, 0) == 180L * 60);
    CHECK(hours_parse("", &h, err, sizeof err) == 0);
    CHECK(hours_next_change(&h, 0, 0) == -1 && hours_open_at(&h, 0));
}

/* Silence counted only while open (TZ=UTC, set in main): 2027-03-01 00:00 UTC onwards. */
static void test_open_ms(void)
{
    hours h;
    char err[256];
    const int64_t day = 86400000LL, hour = 3600000LL, t0 = 1803859200000LL; /* 2027-03-01 */
    CHECK(hours_parse("08:30-17:00", &h, err, sizeof err) == 0);
    /* 07:00-10:00: open from 08:30, 1.5 h */
    CHECK(hours_open_ms(&h, t0 + 7 * hour, t0 + 10 * hour) == 90 * 60000LL);
    /* closed all the time: 18:00 to 08:00 the next day */
    CHECK(hours_open_ms(&h, t0 + 18 * hour, t0 + day + 8 * hour) == 0);
    /* 16:00 to 09:00 the next day: one hour and half an hour */
    CHECK(hours_open_ms(&h, t0 + 16 * hour, t0 + day + 9 * hour) == 90 * 60000LL);
    /* three whole days: 8.5 h each */
    CHECK(hours_open_ms(&h, t0, t0 + 3 * day) == 3 * 510 * 60000LL);
    CHECK(hours_open_ms(&h, t0 + 10 * hour, t0 + 9 * hour) == 0);
    /* past midnight, 20:00-02:00: 19:00 to 03:00 is 6 h open */
    CHECK(hours_parse("20:00-02:00", &h, err, sizeof err) == 0);
    CHECK(hours_open_ms(&h, t0 + 19 * hour, t0 + day + 3 * hour) == 6 * hour);
    /* always open: the whole span, up to the cap */
    CHECK(hours_parse("", &h, err, sizeof err) == 0);
    CHECK(hours_open_ms(&h, t0, t0 + 5 * hour) == 5 * hour);
    CHECK(hours_open_ms(&h, 0, t0) == HOURS_SPAN_MAX_DAYS * day);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    RUN(test_parse);
    RUN(test_open_and_next);
    RUN(test_open_ms);
    return test_main();
}
