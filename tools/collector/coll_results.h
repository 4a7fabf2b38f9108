/* The dashboard's results: per question of a question set, counts and shares per answer over
 * the responses that match a filter, as an SVG bar chart and a table, with small counts
 * suppressed. Labels and show_if come from the question-set files given to serve (--qset). */
#ifndef COLL_RESULTS_H
#define COLL_RESULTS_H

#include "coll_db.h"
#include "coll_html.h"
#include "coll_words.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct coll_results_sets coll_results_sets;

typedef struct {
    const char *location; /* NULL or "": every location */
    const char *language; /* NULL or "": every language */
    int64_t from_ms;      /* responses started at or after this (0: no bound) */
    int64_t to_ms;        /* ... and before this (0: no bound) */
    /* Leave out responses with quality flags (issue 14). Not done while fewer than k of them
     * match (the difference from the results with them would reveal that small group): the
     * page then says they are counted. */
    bool exclude_flagged;
    const char *status; /* NULL or "": every status; else "complete" or "abandoned" */
    /* Weekdays and hours of the start (local time): bit d of weekdays (1 Monday ... 7 Sunday)
     * for each day kept, 0 for every day; hours hour_from <= h < hour_to, hour_to 0 for every
     * hour. Read from agg_hours (kept per month, weekday and hour): the days outside whole
     * months of from_ms..to_ms are then counted response by response. */
    unsigned weekdays;
    int hour_from, hour_to;
    /* The counts are read from agg_counts (coll_agg.h), so the bounds are local days: from_ms
     * and to_ms are taken as the days they fall on (the dashboard gives local midnights). true:
     * count every response itself instead (the test that both agree; slow). */
    bool from_responses;
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
/* The kiosk's words (coll_words.h), loaded with the sets. */
const coll_words *coll_results_sets_words(const coll_results_sets *s);

/* Small-count suppression of cells that add up to a total that is shown: hides every cell below
 * k and, while the hidden cells together hold 1 to k-1 people (so that subtracting the shown
 * cells from the total would reveal a small group, or the single hidden cell itself), the
 * smallest shown cell too. hidden[i] is set for each cell not to be shown. */
void coll_results_suppress(const int64_t *cells, size_t n, int64_t k, bool *hidden);
/* The same with some cells already hidden (hidden[i] set by the caller, e.g. by
 * coll_results_small): those stay hidden, the complementary step counts them. */
void coll_results_suppress_more(const int64_t *cells, size_t n, int64_t k, bool *hidden);
/* Whether v, the same figure over every location minus that of the location shown (or that of
 * another location), is a small group (1..k-1): then the figure shown is hidden too, or the page
 * over every location would give that group away by subtraction. */
bool coll_results_small(int64_t v, int64_t k);
/* The cells of one location (here[0..n-1], adding up to its total shown) beside the same cells over
 * every location (all[], adding up to theirs): hidden[i] set for each not to be shown, so that no
 * hidden cell with someone in it (below k) can be worked out from this location's page, the one
 * over every location and the other locations' (all minus here): the table of this location and
 * the others with its totals, suppressed as side by side does (coll_views_suppress), in both
 * orders of its columns, so that each location's page hides the same cells. The one rule of the
 * results page (questions with one answer) and the hour x weekday view of one location. */
void coll_results_hide_beside(const int64_t *here, const int64_t *all, size_t n, int64_t k,
                              bool *hidden);

/* The parsed file of set i (alive as long as s). */
const json_t *coll_results_sets_json(const coll_results_sets *s, size_t i);

/* One question's counts over the responses that match a filter, as the results page counts
 * them: for the cards residents see (coll_share), which must not count a second way. */
typedef struct {
    const json_t *question; /* the set's question object */
    const char *id, *type;
    int nopt;
    const char *const *opt;        /* the stored values of the answers */
    const json_t *const *opt_text; /* the set's text of each answer, or NULL (built in) */
    const int64_t *count;          /* residents who chose each answer */
    int64_t answered, skipped, shown;
} coll_results_question;
typedef int (*coll_results_question_fn)(void *ctx, const coll_results_question *q);
/* Counts set i over the responses that match f and calls fn once per question, in order (it
 * stops when fn returns non-zero); *responses gets the number of matching responses. */
int coll_results_count(coll_db *db, const coll_results_sets *s, size_t i,
                       const coll_results_filter *f, coll_results_question_fn fn, void *ctx,
                       int64_t *responses, char *err, size_t errlen);

/* Calls fn once per question of set i, in order, as coll_results_count does but with every count
 * 0 and without reading the database: the questions, their answers and labels. 0, or -1 with
 * err. */
int coll_results_questions(const coll_results_sets *s, size_t i, coll_results_question_fn fn,
                           void *ctx, char *err, size_t errlen);

/* Writes the results of set i (every question: heading, n and denominator, SVG chart, table)
 * into h; ui_lang "nl" or "en". 0, or -1 with err. */
int coll_results_render(coll_db *db, const coll_results_sets *s, size_t i,
                        const coll_results_filter *f, int64_t k, const char *ui_lang, coll_html *h,
                        char *err, size_t errlen);

/* For the comparisons (coll_views): the text of a question (or of any "text" object of set i)
 * in lang, else the set's first language; the label of answer j of q as the results page shows
 * it (the set's text, or the built-in words of smiley and yes/no); whether the responses to
 * version v of set i are counted with it (its questions are those of the set loaded). */
const char *coll_results_text(const coll_results_sets *s, size_t i, const json_t *text,
                              const char *lang);
const char *coll_results_label(const coll_results_sets *s, size_t i, const coll_results_question *q,
                               int j, const char *lang);
bool coll_results_version_counted(const coll_results_sets *s, size_t i, int64_t v);

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
/* The word for a cell not shown in lang ("en", else Dutch): "hidden", below k or because it would
 * give one below k away (one word for both). */
const char *coll_results_hidden_word(const char *lang);

/* Responses of set i that match f per local weekday (cells[0] Monday ... cells[6] Sunday) and
 * hour of their start, from the kept counts (agg_hours) where f allows it; flagged responses
 * left out as the results page leaves them out (not while fewer than k match: *flagged_kept).
 * 0, or -1 with err. */
int coll_results_when(coll_db *db, const coll_results_sets *s, size_t i,
                      const coll_results_filter *f, int64_t k, int64_t cells[7][24],
                      bool *flagged_kept, char *err, size_t errlen);

#endif
