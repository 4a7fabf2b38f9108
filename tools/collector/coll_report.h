/* Two pages of a question set beside the results page (issue 14): when residents answered, by
 * local hour and weekday (a heat map as SVG and the same figures as a table), and the report to
 * print for the council and residents' meetings (one location and period on A4: per question
 * its chart and table, n, the period and the note on small counts; no navigation in print).
 * Both follow the results page's filter and its small-count suppression. The pages link their
 * own stylesheet (COLL_REPORT_CSS_PATH, served by coll_dash). */
#ifndef COLL_REPORT_H
#define COLL_REPORT_H

#include "coll_db.h"
#include "coll_html.h"
#include "coll_results.h"

#include <stddef.h>
#include <stdint.h>

#define COLL_REPORT_CSS_PATH "/dash/report.css"

/* The stylesheet of both pages (screen and print). */
const char *coll_report_css(void);

/* The pages' names in lang ("en", else Dutch), for links and titles. */
const char *coll_report_when_title(const char *lang);
const char *coll_report_print_title(const char *lang);

/* The hour x weekday view of set i under f (a section: heading, total, SVG, table) into h: every
 * cell below k, or one that would let a small group be worked out from the total, is shown as
 * hidden and has no colour of its own. 0, or -1 with err. */
int coll_report_when(coll_db *db, const coll_results_sets *s, size_t i,
                     const coll_results_filter *f, int64_t k, const char *lang, coll_html *h,
                     char *err, size_t errlen);

typedef struct {
    const char *from, *to; /* the period as the filter gave it ("YYYY-MM-DD"), or NULL */
    const char *path;      /* the page's own path, for the links per location */
} coll_report_args;

/* The report to print of set i under f (its location, or every location together with links
 * to the report of each) into h. 0, or -1 with err. */
int coll_report_print(coll_db *db, const coll_results_sets *s, size_t i,
                      const coll_results_filter *f, const coll_report_args *a, int64_t k,
                      const char *lang, coll_html *h, char *err, size_t errlen);

#endif
