/* Pre-aggregated results: the counts the dashboard's results page needs, kept per question set,
 * version, location, language, local day (and month) and status, so that a page over a million
 * responses reads a few thousand rows instead of every response. coll_db appends them to the
 * table agg_delta in the same transaction that stores a response, and adds them up into
 * agg_counts (per day) and agg_months (per month) before the results are read; and per
 * month, weekday and local hour into agg_hours, for the filters on weekdays and hours and the
 * hour x weekday view (coll_report.h), so those read no response either.
 *
 * The rows of one response (question, answer, n):
 *   ("", "")           the response itself (every status)
 *   complete responses, per question Q it answered (a text, or a non-empty list):
 *   (Q, "")            Q answered
 *   (Q, A)             A chosen (each distinct text of a list once)
 *   ("#c:Q", "A\nB")   the distinct texts of a list answer, sorted: which show_if on a multiple
 *                      choice needs (any of its options chosen)
 *   any other status (abandoned: who was shown what depends on how far it got):
 *   ("#a", ANSWERS)    the whole answers object (compact, keys sorted)
 * Responses whose answers are not a JSON object (or still sealed) have no rows. Question ids
 * never start with '#'. */
#ifndef COLL_AGG_H
#define COLL_AGG_H

#include <stddef.h>
#include <stdint.h>

#define COLL_AGG_COMBO   "#c:" /* prefix of a list answer's combination row */
#define COLL_AGG_PROFILE "#a"  /* an abandoned response's answers */

typedef struct coll_agg coll_agg; /* counts added up in memory before they are written */

typedef struct {
    const char *questionset;
    int64_t version;
    const char *location, *language;
    int64_t day; /* coll_agg_day of the response's start */
    int hour;    /* the local hour of the response's start, 0-23 */
    const char *status, *question, *answer;
    int64_t n;
} coll_agg_row;

coll_agg *coll_agg_new(void);     /* NULL when out of memory */
void coll_agg_free(coll_agg *a);  /* NULL is a no-op */
void coll_agg_clear(coll_agg *a); /* forgets every count (NULL is a no-op) */
size_t coll_agg_size(const coll_agg *a);

/* The local date (the collector's time zone) of epoch milliseconds, as days since
 * 1970-01-01: the dashboard's date filter and the rows agree on what a day is. */
int64_t coll_agg_day(int64_t epoch_ms);
/* The weekday of such a day, 1 Monday ... 7 Sunday. */
int coll_agg_weekday(int64_t day);
/* The month a day (as above) falls in, as months since January 1970, and the first day of a
 * month: the counts are also kept per month, so a long period reads few rows. */
int64_t coll_agg_month(int64_t day);
int64_t coll_agg_month_start(int64_t month);

/* Adds the rows of one response (see above). 0, or -1 when out of memory. */
int coll_agg_add(coll_agg *a, const char *questionset, int64_t version, const char *location,
                 const char *language, int64_t started_at_ms, const char *status,
                 const char *answers_json);

/* Calls fn for every row held (in no particular order). Stops at a non-zero return and gives
 * it. */
typedef int (*coll_agg_fn)(void *ctx, const coll_agg_row *r);
int coll_agg_foreach(coll_agg *a, coll_agg_fn fn, void *ctx);

#endif
