/* The dashboard's results: per question of a question set, counts and shares per answer over
 * the responses that match a filter, as an SVG bar chart and a table, with small counts
 * suppressed. Labels and show_if come from the question-set files given to serve (--qset). */
#ifndef COLL_RESULTS_H
#define COLL_RESULTS_H

#include "coll_db.h"
#include "coll_html.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct coll_results_sets coll_results_sets;

typedef struct {
    const char *location; /* NULL or "": every location */
    const char *language; /* NULL or "": every language */
    int64_t from_ms;      /* responses started at or after this (0: no bound) */
    int64_t to_ms;        /* ... and before this (0: no bound) */
} coll_results_filter;

/* Loads question-set files (wijkpeil/1 JSON); of several versions of one id the highest is
 * used for labels. */
int coll_results_sets_load(const char *const *paths, int n, coll_results_sets **out, char *err,
                           size_t errlen);
void coll_results_sets_free(coll_results_sets *s); /* NULL is a no-op */
size_t coll_results_sets_count(const coll_results_sets *s);
/* The id of set i, and its title in ui_lang (or the set's first language). */
const char *coll_results_sets_id(const coll_results_sets *s, size_t i);
const char *coll_results_sets_title(const coll_results_sets *s, size_t i, const char *ui_lang);
/* The languages of set i (a JSON array of strings), to offer as a filter. */
size_t coll_results_sets_nlang(const coll_results_sets *s, size_t i);
const char *coll_results_sets_lang(const coll_results_sets *s, size_t i, size_t j);
/* The file set i was loaded from. */
const char *coll_results_sets_path(const coll_results_sets *s, size_t i);
/* The index of set id, or -1. */
long coll_results_sets_find(const coll_results_sets *s, const char *id);

/* Small-count suppression of cells that add up to a total that is shown: hides every cell below
 * k and, while the hidden cells together hold 1 to k-1 people (so that subtracting the shown
 * cells from the total would reveal a small group, or the single hidden cell itself), the
 * smallest shown cell too. hidden[i] is set for each cell not to be shown. */
void coll_results_suppress(const int64_t *cells, size_t n, int64_t k, bool *hidden);

/* Writes the results of set i (every question: heading, n and denominator, SVG chart, table)
 * into h; ui_lang "nl" or "en". 0, or -1 with err. */
int coll_results_render(coll_db *db, const coll_results_sets *s, size_t i,
                        const coll_results_filter *f, int64_t k, const char *ui_lang, coll_html *h,
                        char *err, size_t errlen);

/* One cell of a question's counts, as the pages show it: count -1 when it is not shown (below k,
 * or it would let one below k be worked out); shown (the denominator) -1 when below k. */
typedef struct {
    const char *question, *question_text, *answer, *label; /* answer "" for "skipped" */
    int64_t count, shown;
} coll_results_cell;
typedef int (*coll_results_cell_fn)(void *ctx, const coll_results_cell *c);
/* The suppressed counts of every counted question of set i (the exports' counts sheet), texts
 * in lang; cb returning non-zero stops with an error. 0, or -1 with err. */
int coll_results_cells(coll_db *db, const coll_results_sets *s, size_t i,
                       const coll_results_filter *f, int64_t k, const char *lang,
                       coll_results_cell_fn cb, void *ctx, char *err, size_t errlen);
/* "fewer than %lld" in lang ("en", else Dutch): a printf format taking k. */
const char *coll_results_fewer(const char *lang);

#endif
