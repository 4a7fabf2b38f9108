/* The dashboard's comparisons (issue 14, item 3): a question set's answers side by side per
 * location, the trend of a question that recurs across waves (sets or versions with the same
 * question id and answer ids) per week or month, and the cross-tab of one question by another.
 * Each view is a server-rendered SVG chart with a table holding the same figures, small counts
 * suppressed (below k, and complementary cells so that no suppressed cell can be worked out from
 * the totals shown). Side by side reads the kept counts per location, the trend the kept counts
 * per day or month (coll_agg.h); the cross-tab counts pairs of answers, which are not kept: it
 * reads the set's responses and parses each distinct answers object once (grouped by PostgreSQL,
 * or in a hash table as SQLite hands the rows over). */
#ifndef COLL_VIEWS_H
#define COLL_VIEWS_H

#include "coll_db.h"
#include "coll_html.h"
#include "coll_results.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { COLL_VIEWS_COMPARE, COLL_VIEWS_TREND, COLL_VIEWS_CROSSTAB } coll_views_kind;

typedef struct {
    coll_views_kind kind;
    const char *path;      /* the page's own path, for its form */
    const char *question;  /* trend: the question; cross-tab: the rows' question (NULL: first) */
    const char *question2; /* cross-tab: the columns' question (NULL: second) */
    bool by_week;          /* trend: per week (Monday to Sunday), else per month */
    const char *location;  /* trend, cross-tab: one location (NULL or "": every location) */
    /* the results page's filter (its location aside: the views have their own), or NULL. Side
     * by side takes all of it; the trend its language and period (complete responses only, the
     * kept counts per day or month: no weekdays, hours or flags); the cross-tab its language,
     * status, period and flagged ones left out (no weekdays and hours). Each view says which
     * parts apply. */
    const coll_results_filter *filter;
    const char *carry; /* HTML: hidden inputs of the filter's arguments for the view's form */
} coll_views_req;

/* Writes the selectors of view r (a GET form) and the view of set i into h; ui_lang "nl" or
 * "en". 0, or -1 with err (the database). */
int coll_views_render(coll_db *db, const coll_results_sets *s, size_t i, const coll_views_req *r,
                      int64_t k, const char *ui_lang, coll_html *h, char *err, size_t errlen);

/* Small-count suppression of a table of nr x nc cells (row-major) with its totals: hidden[] holds
 * the cells already hidden (below k, or by a rule of the caller) and gets those hidden besides,
 * so that (1) the hidden cells of no line whose total is shown add up to 1..k-1 people, and (2)
 * no hidden cell holding someone can be worked out from the shown cells and the totals shown (a
 * line's total is a constraint when its cells add up to it, rows_add / cols_add, and it is shown,
 * row_shown / col_shown, NULL for all). Each hidden cell is then on a cycle of hidden cells
 * through the lines it is constrained by. */
void coll_views_suppress(const int64_t *cells, size_t nr, size_t nc, int64_t k, bool rows_add,
                         bool cols_add, const bool *row_shown, const bool *col_shown, bool *hidden);

#endif
