/* Sharing back: the cards residents see, with small counts suppressed (see coll_share.h). */
#include "coll_share.h"

#include "coll_agg.h"
#include "coll_store.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHARE_MAX_OPT 16 /* as coll_results: 12 options, 11 scale steps, 5 faces */
#define SHARE_MAX_WD  256
/* this_month's responses are rounded down to a multiple of this: the kiosk gets a new document
 * every 5 responses at its location, not at every one (and adds its own not delivered before the
 * document arrived) */
#define SHARE_MONTH_STEP 5

/* Whether set (from --qset, or else what the database holds: responses counted, or a
 * publication) is known, and question in it: 1 both, 0 not, -1 error (err says which). */
static const char *const sql_set_known =
    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM agg_counts WHERE questionset=?1 LIMIT 1) a)"
    " + (SELECT COUNT(*) FROM (SELECT 1 FROM agg_delta WHERE questionset=?1 LIMIT 1) b)"
    " + (SELECT COUNT(*) FROM (SELECT 1 FROM publications WHERE set_id=?1 LIMIT 1) c)"
    " + (SELECT COUNT(*) FROM share_withdrawn WHERE questionset=?1)";
static const char *const sql_question_known =
    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM agg_counts WHERE questionset=?1"
    "  AND (question=?2 OR question=?3) LIMIT 1) a)"
    " + (SELECT COUNT(*) FROM (SELECT 1 FROM agg_delta WHERE questionset=?1"
    "  AND (question=?2 OR question=?3) LIMIT 1) b)"
    " + (SELECT COUNT(*) FROM share_withdrawn WHERE questionset=?1 AND question=?2)";

static int share_known(coll_db *db, const coll_results_sets *sets, const char *set,
                       const char *question, char *err, size_t errlen)
{
    if (sets && coll_results_sets_count(sets) > 0) {
        long i = coll_results_sets_find(sets, set);
        if (i < 0) {
            wp_errf(err, errlen, "%s is question set \"%s\", not \"%s\"",
                    coll_results_sets_path(sets, 0), coll_results_sets_id(sets, 0), set);
            return 0;
        }
        size_t j;
        json_t *q;
        json_array_foreach(json_object_get(coll_results_sets_json(sets, (size_t)i), "questions"), j,
                           q)
        {
            const char *id = json_string_value(json_object_get(q, "id"));
            if (id && strcmp(id, question) == 0)
                return 1;
        }
        wp_errf(err, errlen, "question set %s has no question \"%s\"", set, question);
        return 0;
    }
    char combo[160];
    snprintf(combo, sizeof combo, "%s%s", COLL_AGG_COMBO, question);
    coll_param p[] = {COLL_TEXT(set), COLL_TEXT(question), COLL_TEXT(combo)};
    int64_t n = 0;
    if (coll_db_query(db, sql_set_known, p, 1, coll_store_int_row, &n, NULL, err, errlen) !=
        COLL_SQL_OK)
        return -1;
    if (n == 0) {
        wp_errf(err, errlen,
                "unknown question set \"%s\": no responses to it held and not published (a "
                "typo? give --qset SET.json for a set not answered yet)",
                set);
        return 0;
    }
    if (coll_db_query(db, sql_question_known, p, 3, coll_store_int_row, &n, NULL, err, errlen) !=
        COLL_SQL_OK)
        return -1;
    if (n == 0)
        wp_errf(err, errlen,
                "unknown question \"%s\" of set %s: no answer to it held (a typo? give --qset "
                "SET.json for a question not answered yet)",
                question, set);
    return n > 0;
}

int coll_share_withdraw(coll_db *db, const coll_results_sets *sets, const char *set,
                        const char *question, bool withdraw, char *err, size_t errlen)
{
    int known = share_known(db, sets, set, question, err, errlen);
    if (known <= 0)
        return -1;
    coll_param p[] = {COLL_TEXT(set), COLL_TEXT(question), COLL_NUM(wp_wall_ms())};
    int64_t changes = 0;
    int rc =
        withdraw
            ? coll_db_query(db,
                            "INSERT INTO share_withdrawn(questionset,question,withdrawn_ms)"
                            " VALUES(?,?,?) ON CONFLICT (questionset,question) DO NOTHING",
                            p, 3, NULL, NULL, &changes, err, errlen)
            : coll_db_query(db, "DELETE FROM share_withdrawn WHERE questionset=? AND question=?", p,
                            2, NULL, NULL, &changes, err, errlen);
    if (rc != COLL_SQL_OK)
        return -1;
    return changes > 0 ? 0 : 1;
}

void coll_share_percent(const int64_t *count, int n, int *pct)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += count[i];
    int sum = 0;
    for (int i = 0; i < n; i++) {
        pct[i] = total ? (int)(count[i] * 100 / total) : 0;
        sum += pct[i];
    }
    /* the points left go to the largest remainders, one each */
    while (total && sum < 100) {
        int best = -1;
        int64_t best_rem = -1;
        for (int i = 0; i < n; i++) {
            int64_t rem = count[i] * 100 - (int64_t)pct[i] * total;
            if (rem > best_rem && rem > 0) {
                best = i;
                best_rem = rem;
            }
        }
        if (best < 0)
            break;
        pct[best]++;
        sum++;
    }
}

typedef struct {
    char set[128], question[128];
} withdrawn;

typedef struct {
    withdrawn w[SHARE_MAX_WD];
    int n;
} withdrawn_list;

static int wd_row(void *ctx, int ncol, const char *const *v)
{
    withdrawn_list *l = ctx;
    if (ncol >= 2 && v[0] && v[1] && l->n < SHARE_MAX_WD) {
        wp_strlcpy(l->w[l->n].set, v[0], sizeof l->w[0].set);
        wp_strlcpy(l->w[l->n].question, v[1], sizeof l->w[0].question);
        l->n++;
    }
    return 0;
}

typedef struct {
    const json_t *set;
    const withdrawn_list *wd;
    int64_t k, responses;
    json_t *cards; /* array */
} card_ctx;

static bool is_withdrawn(const withdrawn_list *wd, const char *set, const char *q)
{
    for (int i = 0; i < wd->n; i++)
        if (strcmp(wd->w[i].set, set) == 0 && strcmp(wd->w[i].question, q) == 0)
            return true;
    return false;
}

/* One card, or none when fewer than k stand behind it. */
static int add_card(void *ctx, const coll_results_question *q)
{
    card_ctx *x = ctx;
    const char *set_id = json_string_value(json_object_get(x->set, "id"));
    if (!json_is_true(json_object_get(q->question, "share")) ||
        is_withdrawn(x->wd, set_id, q->id) || q->answered < x->k || x->responses < x->k ||
        q->nopt > SHARE_MAX_OPT)
        return 0;
    bool multi = strcmp(q->type, "multi") == 0;
    bool hidden[SHARE_MAX_OPT];
    int64_t bar[SHARE_MAX_OPT + 1];
    int idx[SHARE_MAX_OPT + 1], nbar = 0;
    int64_t other = 0;
    if (multi) {
        /* each answer and those who did not choose it are groups of their own */
        for (int j = 0; j < q->nopt; j++) {
            int64_t rest = q->answered - q->count[j];
            hidden[j] = q->count[j] < x->k || (rest > 0 && rest < x->k);
        }
    } else {
        coll_results_suppress(q->count, (size_t)q->nopt, x->k, hidden);
    }
    for (int j = 0; j < q->nopt; j++) {
        if (hidden[j]) {
            other += q->count[j];
            continue;
        }
        idx[nbar] = j;
        bar[nbar++] = q->count[j];
    }
    if (nbar == 0)
        return 0;
    bool show_other = !multi && other >= x->k;
    if (show_other) {
        idx[nbar] = -1;
        bar[nbar++] = other;
    }
    int pct[SHARE_MAX_OPT + 1];
    if (multi)
        for (int b = 0; b < nbar; b++)
            pct[b] = (int)((bar[b] * 100 + q->answered / 2) / q->answered);
    else
        coll_share_percent(bar, nbar, pct);
    json_t *answers = json_array();
    for (int b = 0; b < nbar; b++) {
        json_t *a = json_object();
        if (idx[b] < 0) {
            json_object_set_new(a, "id", json_string(""));
            json_object_set_new(a, "other", json_true());
        } else {
            json_object_set_new(a, "id", json_string(q->opt[idx[b]]));
            if (q->opt_text[idx[b]])
                json_object_set(a, "text", (json_t *)q->opt_text[idx[b]]);
        }
        json_object_set_new(a, "count", json_integer(bar[b]));
        json_object_set_new(a, "percent", json_integer(pct[b]));
        json_array_append_new(answers, a);
    }
    json_t *card = json_object();
    json_object_set_new(card, "questionset", json_string(set_id));
    json_object_set_new(card, "question", json_string(q->id));
    json_object_set_new(card, "type", json_string(q->type));
    json_object_set(card, "languages", json_object_get(x->set, "languages"));
    json_object_set(card, "text", json_object_get(q->question, "text"));
    json_object_set_new(card, "n", json_integer(q->answered));
    json_object_set_new(card, "responses", json_integer(x->responses));
    json_object_set_new(card, "answers", answers);
    json_array_append_new(x->cards, card);
    return 0;
}

static int64_t month_start(const struct tm *now, int back)
{
    struct tm t = {0};
    t.tm_year = now->tm_year;
    t.tm_mon = now->tm_mon - back;
    t.tm_mday = 1;
    t.tm_isdst = -1;
    return (int64_t)mktime(&t) * 1000;
}

static void fmt_date(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

/* The usual number of responses to set i at location per month: the median of the up to 3
 * complete months before the period (back months before now's) that have responses; 0 when
 * none has. */
static int usual_responses(coll_db *db, const coll_results_sets *sets, size_t i,
                           const char *location, const struct tm *now, int back, int64_t *out,
                           char *err, size_t errlen)
{
    int64_t v[3];
    int n = 0;
    *out = 0;
    for (int m = 1; m <= 3; m++) {
        coll_results_filter f = {.location = location,
                                 .from_ms = month_start(now, back + m),
                                 .to_ms = month_start(now, back + m - 1)};
        int64_t r = 0;
        if (coll_results_count(db, sets, i, &f, NULL, NULL, &r, err, errlen) != 0)
            return -1;
        if (r <= 0)
            continue;
        int at = n++; /* kept sorted */
        for (; at > 0 && v[at - 1] > r; at--)
            v[at] = v[at - 1];
        v[at] = r;
    }
    if (n > 0)
        *out = n == 2 ? (v[0] + v[1] + 1) / 2 : v[n / 2];
    return 0;
}

/* The cards of the period from_ms..to_ms (back months before now's month); each card says
 * "expected" when its set had fewer responses than it usually has. */
static int cards_in(coll_db *db, const coll_results_sets *sets, const char *location, int64_t k,
                    const withdrawn_list *wd, const struct tm *now, int back, int64_t from_ms,
                    int64_t to_ms, json_t *cards, char *err, size_t errlen)
{
    coll_results_filter f = {.location = location, .from_ms = from_ms, .to_ms = to_ms};
    for (size_t i = 0; i < coll_results_sets_count(sets); i++) {
        size_t before = json_array_size(cards);
        card_ctx x = {coll_results_sets_json(sets, i), wd, k, 0, cards};
        /* x.responses is set before the first question comes */
        if (coll_results_count(db, sets, i, &f, add_card, &x, &x.responses, err, errlen) != 0)
            return -1;
        if (json_array_size(cards) == before)
            continue;
        int64_t usual;
        if (usual_responses(db, sets, i, location, now, back, &usual, err, errlen) != 0)
            return -1;
        for (size_t j = before; usual > 0 && x.responses < usual && j < json_array_size(cards); j++)
            json_object_set_new(json_array_get(cards, j), "expected", json_integer(usual));
    }
    return 0;
}

/* Complete responses at location from from_ms to to_ms, of every set. */
static int complete_responses(coll_db *db, const coll_results_sets *sets, const char *location,
                              int64_t from_ms, int64_t to_ms, int64_t *out, char *err,
                              size_t errlen)
{
    coll_results_filter f = {
        .location = location, .from_ms = from_ms, .to_ms = to_ms, .status = "complete"};
    *out = 0;
    for (size_t i = 0; i < coll_results_sets_count(sets); i++) {
        int64_t r = 0;
        if (coll_results_count(db, sets, i, &f, NULL, NULL, &r, err, errlen) != 0)
            return -1;
        *out += r;
    }
    return 0;
}

/* The first of this month and of the month before (back 0, 1) and the end of today, local time:
 * the counts are kept per local day (coll_agg.h). */
static void month_bounds(int64_t now_ms, struct tm *now, int64_t *cur, int64_t *prev,
                         int64_t *end_of_today)
{
    time_t t = (time_t)(now_ms / 1000);
    localtime_r(&t, now);
    *cur = month_start(now, 0);
    *prev = month_start(now, 1);
    struct tm tomorrow = {0};
    tomorrow.tm_year = now->tm_year;
    tomorrow.tm_mon = now->tm_mon;
    tomorrow.tm_mday = now->tm_mday + 1;
    tomorrow.tm_isdst = -1;
    *end_of_today = (int64_t)mktime(&tomorrow) * 1000;
}

int coll_share_cards(coll_db *db, const coll_results_sets *sets, const char *location, int64_t k,
                     int64_t now_ms, json_t **out, int64_t *answered, char *err, size_t errlen)
{
    *out = NULL;
    withdrawn_list *wd = calloc(1, sizeof *wd);
    json_t *cards = json_array();
    json_t *doc = json_object();
    int rc = -1;
    if (!wd || !cards || !doc) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    if (coll_db_query(db, "SELECT questionset, question FROM share_withdrawn", NULL, 0, wd_row, wd,
                      NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    struct tm now;
    int64_t cur, prev, end_of_today;
    month_bounds(now_ms, &now, &cur, &prev, &end_of_today);
    /* the last complete calendar month; when it has no card, the current month so far */
    bool whole = true;
    int64_t from = prev, to = cur;
    if (cards_in(db, sets, location, k, wd, &now, 1, prev, cur, cards, err, errlen) != 0)
        goto done;
    if (json_array_size(cards) == 0) {
        whole = false;
        from = cur;
        to = end_of_today;
        if (cards_in(db, sets, location, k, wd, &now, 0, cur, to, cards, err, errlen) != 0)
            goto done;
    }
    /* this month's complete responses so far, rounded down to a multiple of
     * SHARE_MONTH_STEP so that the version (and the kiosk's copy) changes only every few */
    int64_t month_n;
    if (complete_responses(db, sets, location, cur, end_of_today, &month_n, err, errlen) != 0)
        goto done;
    if (answered)
        *answered = month_n;
    month_n -= month_n % SHARE_MONTH_STEP;
    char d_from[16], d_to[16], iso[32];
    fmt_date(from, d_from, sizeof d_from);
    fmt_date(to - 1, d_to, sizeof d_to);
    json_object_set_new(doc, "location", json_string(location));
    json_object_set_new(
        doc, "period",
        json_pack("{s:s, s:s, s:b}", "from", d_from, "to", d_to, "whole_month", (int)whole));
    json_object_set_new(doc, "k", json_integer(k));
    json_object_set(doc, "cards", cards);
    if (month_n >= k && month_n > 0) {
        char d_cur[16];
        fmt_date(cur, d_cur, sizeof d_cur);
        json_object_set_new(
            doc, "this_month",
            json_pack("{s:s, s:I}", "from", d_cur, "responses", (json_int_t)month_n));
    }
    /* the version: a hash of what residents see, without computed_at */
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    unsigned char h[12];
    char hex[2 * sizeof h + 1];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
    free(text);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    json_object_set_new(doc, "version", json_string(hex));
    wp_iso8601(now_ms, iso, sizeof iso);
    json_object_set_new(doc, "computed_at", json_string(iso));
    *out = doc;
    doc = NULL;
    rc = 0;
done:
    json_decref(doc);
    json_decref(cards);
    free(wd);
    return rc;
}
