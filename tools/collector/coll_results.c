/* The dashboard's results per question, with small counts suppressed (see coll_results.h). */
#include "coll_results.h"

#include "coll_agg.h"
#include "coll_views.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RS_MAX_OPT  16 /* 12 options, 11 scale steps, 3 yes/no answers, 5 faces */
#define RS_MAX_Q    200
#define RS_QSET_MAX (5u * 1024u * 1024u)
#define RS_BAR_W    260 /* px of the longest bar */

struct coll_results_sets {
    size_t n;
    json_t **set;      /* the parsed files, one per id (the highest version) */
    json_t **excluded; /* per set: the versions given with other questions (integers) */
    char **path;       /* the file each came from */
    coll_words *words; /* the kiosk's words (answers of smiley and yes/no questions) */
};

typedef struct {
    const char *id, *type;
    json_t *q;
    int nopt;
    const char *opt[RS_MAX_OPT];  /* stored values */
    json_t *opt_text[RS_MAX_OPT]; /* the set's texts of an option, or NULL (synthesised) */
    char scale[RS_MAX_OPT][8];
    int show_ref; /* the question show_if looks at, or -1 */
    json_t *any_of;
    int64_t cnt[RS_MAX_OPT];
    int64_t answered, skipped, shown;
    /* complete responses, from agg_counts: answered, chosen, and shown by show_if */
    int64_t c_answered, c_cnt[RS_MAX_OPT], c_match;
} rs_question;

typedef struct rs_ctx {
    rs_question q[RS_MAX_Q];
    int nq;
    const coll_results_filter *f;
    int64_t responses;
    bool exclude;     /* flagged responses are left out */
    int64_t flagged;  /* flagged responses that match the filter otherwise */
    int64_t complete; /* complete responses, from agg_counts */
    bool oom;
    const coll_results_sets *sets;
    size_t si; /* the set counted: versions with other questions are left out */
    /* only the responses started on local days day_lo <= day < day_hi (the days of a filter on
     * hours outside the whole months agg_hours gives) */
    bool day_bounded;
    int64_t day_lo, day_hi;
    /* coll_results_when: responses per weekday (0 Monday) and hour instead of the answers; all
     * of them, and those without quality flags */
    bool when;
    int64_t when_all[7][24], when_plain[7][24];
    /* the answers of abandoned responses (COLL_AGG_PROFILE rows) parsed once each, while rows
     * come in not added up by the database (count_hours on SQLite); NULL: parsed each time */
    struct rs_profiles *profiles;
    /* with a location, the same filter over every location counted from the same rows of the
     * kept counts (count_pair), or NULL */
    struct rs_ctx *every;
} rs_ctx;

#define RS_PROFILES 64 /* distinct answers parsed once; more are parsed each time */
typedef struct rs_profiles {
    int n;
    char *text[RS_PROFILES];
    json_t *a[RS_PROFILES];
} rs_profiles;

bool coll_results_small(int64_t v, int64_t k)
{
    return v > 0 && v < k;
}

void coll_results_hide_beside(const int64_t *here, const int64_t *all, size_t n, int64_t k,
                              bool *hidden)
{
    int64_t *t = malloc(2 * n * sizeof *t);
    bool *h = calloc(4 * n, sizeof *h);
    if (!t || !h) { /* out of memory: nothing shown */
        for (size_t i = 0; i < n; i++)
            hidden[i] = true;
        free(t);
        free(h);
        return;
    }
    /* columns (this location, the others) and then (the others, this location) */
    for (int order = 0; order < 2; order++) {
        int64_t *c = t;
        bool *hc = h + order * 2 * n;
        for (size_t i = 0; i < n; i++) {
            c[2 * i + order] = here[i];
            c[2 * i + 1 - order] = all[i] - here[i];
        }
        for (size_t i = 0; i < 2 * n; i++)
            hc[i] = c[i] < k;
        coll_views_suppress(c, n, 2, k, true, true, NULL, NULL, hc);
    }
    for (size_t i = 0; i < n; i++)
        hidden[i] = h[2 * i] || h[2 * n + 2 * i + 1];
    free(t);
    free(h);
}

void coll_results_suppress(const int64_t *cells, size_t n, int64_t k, bool *hidden)
{
    for (size_t i = 0; i < n; i++)
        hidden[i] = false;
    coll_results_suppress_more(cells, n, k, hidden);
}

void coll_results_suppress_more(const int64_t *cells, size_t n, int64_t k, bool *hidden)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        hidden[i] = hidden[i] || cells[i] < k;
        sum += hidden[i] ? cells[i] : 0;
    }
    /* The hidden cells add up to the total minus the shown ones: as long as that sum is itself
     * a small group (1 to k-1 people), hide the smallest shown cell too. A sum of 0 gives
     * nobody away. */
    while (sum > 0 && sum < k) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (!hidden[i] && (best == n || cells[i] < cells[best]))
                best = i;
        if (best == n)
            break;
        hidden[best] = true;
        sum += cells[best];
    }
}

/* ---- the question-set files --------------------------------------------------------------- */

/* What makes a set's questions the same in two versions: per question its id, type, options
 * (ids), range, prefer_not and show_if; texts may differ. A new JSON value. */
static json_t *questions_sig(const json_t *set)
{
    json_t *sig = json_array();
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(set, "questions"), i, q)
    {
        json_t *opts = json_array(), *e = json_object();
        size_t j;
        json_t *o;
        json_array_foreach(json_object_get(q, "options"), j, o)
            json_array_append(opts, json_object_get(o, "id"));
        static const char *const keys[] = {"id", "type", "min", "max", "prefer_not", "show_if"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (json_object_get(q, keys[k]))
                json_object_set(e, keys[k], json_object_get(q, keys[k]));
        json_object_set_new(e, "options", opts);
        json_array_append_new(sig, e);
    }
    return sig;
}

static json_int_t version_of(const json_t *set)
{
    return json_integer_value(json_object_get(set, "version"));
}

int coll_results_sets_load(const char *const *paths, int n, coll_results_sets **out, char *err,
                           size_t errlen)
{
    coll_results_sets *s = calloc(1, sizeof *s);
    json_t **all = calloc(n > 0 ? (size_t)n : 1, sizeof *all);
    if (!s || !all || (n > 0 && !(s->set = calloc((size_t)n, sizeof *s->set))) ||
        (n > 0 && !(s->excluded = calloc((size_t)n, sizeof *s->excluded))) ||
        (n > 0 && !(s->path = calloc((size_t)n, sizeof *s->path)))) {
        free(all);
        coll_results_sets_free(s);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    int rc = coll_words_new(&s->words, err, errlen);
    for (int i = 0; i < n && rc == 0; i++) {
        json_error_t je;
        json_t *q = json_load_file(paths[i], JSON_REJECT_DUPLICATES, &je);
        const char *id = json_string_value(json_object_get(q, "id"));
        if (!q || !id || !json_is_array(json_object_get(q, "questions"))) {
            if (q)
                wp_errf(err, errlen, "%s: not a question set (no \"id\" or \"questions\")",
                        paths[i]);
            else
                wp_errf(err, errlen, "%s:%d:%d: %s", paths[i], je.line, je.column, je.text);
            json_decref(q);
            rc = -1;
            break;
        }
        all[i] = q;
        long at = coll_results_sets_find(s, id);
        if (at < 0) {
            at = (long)s->n;
            s->excluded[s->n] = json_array();
            s->set[s->n++] = json_incref(q);
        } else if (version_of(q) > version_of(s->set[at])) {
            json_decref(s->set[at]);
            s->set[at] = json_incref(q);
        } else {
            continue;
        }
        free(s->path[at]);
        if (!(s->path[at] = strdup(paths[i]))) {
            wp_errf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
    }
    /* versions given whose questions differ from the highest one's are counted apart */
    for (size_t k = 0; rc == 0 && k < s->n; k++) {
        json_t *sig = questions_sig(s->set[k]);
        for (int i = 0; i < n; i++) {
            const char *id = json_string_value(json_object_get(all[i], "id"));
            if (strcmp(id, coll_results_sets_id(s, k)) != 0 ||
                version_of(all[i]) == version_of(s->set[k]))
                continue;
            json_t *other = questions_sig(all[i]);
            if (!json_equal(sig, other))
                json_array_append_new(s->excluded[k], json_integer(version_of(all[i])));
            json_decref(other);
        }
        json_decref(sig);
    }
    for (int i = 0; i < n; i++)
        json_decref(all[i]);
    free(all);
    if (rc != 0) {
        coll_results_sets_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

const coll_words *coll_results_sets_words(const coll_results_sets *s)
{
    return s->words;
}

/* Whether responses of version v of set i are counted apart (other questions). */
static bool version_excluded(const coll_results_sets *s, size_t i, int64_t v)
{
    size_t j;
    json_t *e;
    json_array_foreach(s->excluded[i], j, e) if (json_integer_value(e) == v) return true;
    return false;
}

void coll_results_sets_free(coll_results_sets *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        json_decref(s->set[i]);
        json_decref(s->excluded[i]);
        free(s->path[i]);
    }
    free(s->path);
    free(s->set);
    free(s->excluded);
    coll_words_free(s->words);
    free(s);
}

size_t coll_results_sets_count(const coll_results_sets *s)
{
    return s->n;
}

const char *coll_results_sets_id(const coll_results_sets *s, size_t i)
{
    return json_string_value(json_object_get(s->set[i], "id"));
}

const char *coll_results_sets_path(const coll_results_sets *s, size_t i)
{
    return s->path[i];
}

long coll_results_sets_find(const coll_results_sets *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(coll_results_sets_id(s, i), id) == 0)
            return (long)i;
    return -1;
}

size_t coll_results_sets_nlang(const coll_results_sets *s, size_t i)
{
    return json_array_size(json_object_get(s->set[i], "languages"));
}

const char *coll_results_sets_lang(const coll_results_sets *s, size_t i, size_t j)
{
    return json_string_value(json_array_get(json_object_get(s->set[i], "languages"), j));
}

/* A text of the set in ui_lang, else in the set's first language, else "". */
static const char *set_text(const json_t *set, const json_t *text, const char *ui_lang)
{
    const char *t = json_string_value(json_object_get(text, ui_lang));
    if (!t)
        t = json_string_value(json_object_get(
            text, json_string_value(json_array_get(json_object_get(set, "languages"), 0))));
    return t ? t : "";
}

const char *coll_results_sets_title(const coll_results_sets *s, size_t i, const char *ui_lang)
{
    const char *t = set_text(s->set[i], json_object_get(s->set[i], "title"), ui_lang);
    return t[0] ? t : coll_results_sets_id(s, i);
}

/* ---- counting ----------------------------------------------------------------------------- */

static void add_opt(rs_question *q, const char *id, json_t *text)
{
    if (q->nopt < RS_MAX_OPT) {
        q->opt[q->nopt] = id;
        q->opt_text[q->nopt++] = text;
    }
}

static int prepare(rs_ctx *x, const json_t *set, char *err, size_t errlen)
{
    json_t *qs = json_object_get(set, "questions");
    size_t i;
    json_t *e;
    json_array_foreach(qs, i, e)
    {
        if (x->nq == RS_MAX_Q) {
            wp_errf(err, errlen, "more than %d questions", RS_MAX_Q);
            return -1;
        }
        rs_question *q = &x->q[x->nq++];
        q->q = e;
        q->id = json_string_value(json_object_get(e, "id"));
        q->type = json_string_value(json_object_get(e, "type"));
        if (!q->id || !q->type) {
            wp_errf(err, errlen, "question %zu has no id or type", i + 1);
            return -1;
        }
        q->show_ref = -1;
        json_t *si = json_object_get(e, "show_if");
        const char *ref = json_string_value(json_object_get(si, "question"));
        for (int j = 0; ref && j < x->nq - 1; j++)
            if (strcmp(x->q[j].id, ref) == 0)
                q->show_ref = j;
        q->any_of = json_object_get(si, "any_of");
        if (strcmp(q->type, "single") == 0 || strcmp(q->type, "multi") == 0) {
            size_t j;
            json_t *o;
            json_array_foreach(json_object_get(e, "options"), j, o)
                add_opt(q, json_string_value(json_object_get(o, "id")), json_object_get(o, "text"));
        } else if (strcmp(q->type, "smiley") == 0) {
            static const char *const faces[] = {"1", "2", "3", "4", "5"};
            for (int j = 0; j < 5; j++)
                add_opt(q, faces[j], NULL);
        } else if (strcmp(q->type, "yesno") == 0) {
            add_opt(q, "yes", NULL);
            add_opt(q, "no", NULL);
            if (json_is_true(json_object_get(e, "prefer_not")))
                add_opt(q, "prefer_not", NULL);
        } else if (strcmp(q->type, "scale") == 0) {
            json_int_t lo = json_integer_value(json_object_get(e, "min"));
            json_int_t hi = json_integer_value(json_object_get(e, "max"));
            for (json_int_t v = lo; v <= hi && q->nopt < RS_MAX_OPT; v++) {
                snprintf(q->scale[q->nopt], sizeof q->scale[0], "%lld", (long long)v);
                add_opt(q, q->scale[q->nopt], NULL);
            }
        }
        for (int j = 0; j < q->nopt; j++)
            if (!q->opt[j]) {
                wp_errf(err, errlen, "%s: an option has no id", q->id);
                return -1;
            }
    }
    return 0;
}

static bool matches(const json_t *answer, const json_t *any_of)
{
    size_t i, j;
    json_t *a, *e;
    if (json_is_string(answer)) {
        json_array_foreach(any_of, i, a) if (json_equal(a, answer)) return true;
        return false;
    }
    json_array_foreach(answer, j, e) if (matches(e, any_of)) return true;
    return false;
}

static bool has_answer(const json_t *v)
{
    return json_is_string(v) || (json_is_array(v) && json_array_size(v) > 0);
}

/* 1 when answer v (a value, or a list of them) is or holds option id. */
static int chosen(const json_t *v, const char *id)
{
    if (json_is_string(v))
        return strcmp(json_string_value(v), id) == 0;
    size_t i;
    json_t *e;
    json_array_foreach(v, i,
                       e) if (json_is_string(e) && strcmp(json_string_value(e), id) == 0) return 1;
    return 0;
}

/* Counts w responses with answers a (an object) and status complete or not. */
static void count_answers(rs_ctx *x, const json_t *a, bool complete, int64_t w)
{
    /* An abandoned response reached a question when it answered that one or a later one. */
    int last = -1;
    if (complete)
        last = x->nq;
    else
        for (int i = 0; i < x->nq; i++)
            if (has_answer(json_object_get(a, x->q[i].id)))
                last = i;
    bool shown[RS_MAX_Q];
    for (int i = 0; i < x->nq; i++) {
        rs_question *q = &x->q[i];
        json_t *v = json_object_get(a, q->id);
        shown[i] = i <= last;
        if (shown[i] && q->show_ref >= 0) {
            json_t *ra = json_object_get(a, x->q[q->show_ref].id);
            shown[i] = shown[q->show_ref] && has_answer(ra) && matches(ra, q->any_of);
        }
        if (!shown[i])
            continue;
        q->shown += w;
        if (!has_answer(v)) {
            q->skipped += w;
            continue;
        }
        q->answered += w;
        for (int j = 0; j < q->nopt; j++)
            q->cnt[j] += w * chosen(v, q->opt[j]);
    }
}

static bool hour_kept(const coll_results_filter *f, int wd, int hour)
{
    return (!f->weekdays || (f->weekdays & (1u << wd))) &&
           (f->hour_to <= 0 || (hour >= f->hour_from && hour < f->hour_to));
}

/* The local weekday (1 Monday ... 7 Sunday) and hour a response started at ms; false when the
 * time cannot be had. */
static bool local_wd_hour(int64_t ms, int *wd, int *hour)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return false;
    *wd = tm.tm_wday == 0 ? 7 : tm.tm_wday;
    *hour = tm.tm_hour;
    return true;
}

/* Whether a response started at ms falls in the filter's weekdays and hours. */
static bool in_hours(const coll_results_filter *f, int64_t ms)
{
    int wd, hour;
    if (!f->weekdays && f->hour_to <= 0)
        return true;
    return local_wd_hour(ms, &wd, &hour) && hour_kept(f, wd, hour);
}

static bool hours_filtered(const coll_results_filter *f)
{
    return f->weekdays || f->hour_to > 0;
}

/* The raw count: one response at a time (coll_results_filter.from_responses, and the filters
 * on weekdays and hours). */
static int count_row(void *ctx, const coll_row *r)
{
    rs_ctx *x = ctx;
    const coll_results_filter *f = x->f;
    if (r->sealed || (f->location && f->location[0] && strcmp(f->location, r->location) != 0) ||
        (f->language && f->language[0] && strcmp(f->language, r->language) != 0) ||
        (f->status && f->status[0] && strcmp(f->status, r->status) != 0) ||
        (f->from_ms && r->started_at_ms < f->from_ms) ||
        (f->to_ms && r->started_at_ms >= f->to_ms) || !in_hours(f, r->started_at_ms) ||
        version_excluded(x->sets, x->si, r->questionset_version))
        return 0;
    if (x->day_bounded) {
        int64_t day = coll_agg_day(r->started_at_ms);
        if (day < x->day_lo || day >= x->day_hi)
            return 0;
    }
    json_t *a = json_loads(r->answers_json, 0, NULL);
    if (json_is_object(a) && r->flags[0])
        x->flagged++;
    int wd, hour;
    if (x->when && json_is_object(a) && local_wd_hour(r->started_at_ms, &wd, &hour)) {
        x->when_all[wd - 1][hour]++;
        x->when_plain[wd - 1][hour] += !r->flags[0];
        x->responses++;
    } else if (!x->when && json_is_object(a) && !(r->flags[0] && x->exclude)) {
        x->responses++;
        count_answers(x, a, strcmp(r->status, "complete") == 0, 1);
    }
    json_decref(a);
    return 0;
}

/* ---- counting from agg_counts --------------------------------------------------------------- */

static int find_question(const rs_ctx *x, const char *id)
{
    for (int i = 0; i < x->nq; i++)
        if (strcmp(x->q[i].id, id) == 0)
            return i;
    return -1;
}

static bool in_any_of(const json_t *any_of, const char *s)
{
    size_t i;
    json_t *a;
    json_array_foreach(any_of, i, a) if (json_is_string(a) &&
                                         strcmp(json_string_value(a), s) == 0) return true;
    return false;
}

/* The options of a list answer's combination ("A\nB") that are in any_of. */
static int64_t combo_hits(const char *combo, const json_t *any_of)
{
    int64_t hits = 0;
    char opt[256];
    for (const char *p = combo; *p;) {
        size_t l = strcspn(p, "\n");
        if (l < sizeof opt) {
            memcpy(opt, p, l);
            opt[l] = '\0';
            hits += in_any_of(any_of, opt);
        }
        p += l + (p[l] == '\n');
    }
    return hits;
}

/* The answers of an abandoned response (a new reference, or NULL), from c when it has them. */
static json_t *profile(rs_profiles *c, const char *answer)
{
    for (int i = 0; c && i < c->n; i++)
        if (strcmp(c->text[i], answer) == 0)
            return json_incref(c->a[i]);
    json_t *a = json_loads(answer, 0, NULL);
    if (a && c && c->n < RS_PROFILES && (c->text[c->n] = strdup(answer)) != NULL)
        c->a[c->n++] = json_incref(a);
    return a;
}

static void profiles_clear(rs_profiles *c)
{
    for (int i = 0; i < c->n; i++) {
        free(c->text[i]);
        json_decref(c->a[i]);
    }
    c->n = 0;
}

/* One row of the counts (status, question, answer, n). Complete responses: who answered and
 * chose what, and, for a question with show_if, how many were shown it: those whose answer to
 * the question it looks at is one of any_of. A text answer in any_of counts once; a list
 * answer counts in the rows of each of its options, so per combination the options in any_of
 * beyond the first are taken off again. Other responses: their answers one by one. */
static int agg_row(void *ctx, int ncol, const char *const *v)
{
    rs_ctx *x = ctx;
    if (ncol < 5 || !v[0] || !v[1] || !v[2] ||
        version_excluded(x->sets, x->si, coll_store_num(v[3])))
        return 0;
    const char *status = v[0], *question = v[1], *answer = v[2];
    int64_t n = coll_store_num(v[4]);
    bool complete = strcmp(status, "complete") == 0;
    if (!question[0]) {
        x->responses += n;
        x->complete += complete ? n : 0;
        return 0;
    }
    if (strcmp(question, COLL_AGG_PROFILE) == 0) {
        json_t *a = profile(x->profiles, answer);
        if (json_is_object(a))
            count_answers(x, a, complete, n);
        else if (!a)
            x->oom = true; /* the collector wrote it: only memory can make it fail */
        json_decref(a);
        return 0;
    }
    if (!complete)
        return 0;
    size_t plen = strlen(COLL_AGG_COMBO);
    if (strncmp(question, COLL_AGG_COMBO, plen) == 0) {
        int ref = find_question(x, question + plen);
        for (int i = 0; ref >= 0 && i < x->nq; i++) {
            if (x->q[i].show_ref != ref)
                continue;
            int64_t hits = combo_hits(answer, x->q[i].any_of);
            if (hits > 1)
                x->q[i].c_match -= n * (hits - 1);
        }
        return 0;
    }
    int qi = find_question(x, question);
    if (qi < 0)
        return 0;
    rs_question *q = &x->q[qi];
    if (!answer[0]) {
        q->c_answered += n;
        return 0;
    }
    for (int j = 0; j < q->nopt; j++)
        if (strcmp(q->opt[j], answer) == 0)
            q->c_cnt[j] += n;
    for (int i = 0; i < x->nq; i++)
        if (x->q[i].show_ref == qi && in_any_of(x->q[i].any_of, answer))
            x->q[i].c_match += n;
    return 0;
}

/* Adds the complete responses' counts gathered by agg_row to the questions. */
static void add_complete(rs_ctx *x)
{
    for (int i = 0; i < x->nq; i++) {
        rs_question *q = &x->q[i];
        int64_t shown = q->show_ref >= 0 ? q->c_match : x->complete;
        q->shown += shown;
        q->answered += q->c_answered;
        q->skipped += shown - q->c_answered;
        for (int j = 0; j < q->nopt; j++)
            q->cnt[j] += q->c_cnt[j];
    }
}

/* The days [from, to) of the filter as whole months [m0, m1) read from agg_months and the days
 * before and after them, [from, s0) and [s1, to), from agg_counts. */
typedef struct {
    int64_t from, to, m0, m1, s0, s1;
} rs_period;

static rs_period period(const coll_results_filter *f)
{
    rs_period p = {.from = f->from_ms ? coll_agg_day(f->from_ms) : INT32_MIN,
                   .to = f->to_ms ? coll_agg_day(f->to_ms) : INT32_MAX};
    p.m0 = INT32_MIN;
    if (f->from_ms) {
        p.m0 = coll_agg_month(p.from);
        if (coll_agg_month_start(p.m0) != p.from)
            p.m0++;
    }
    p.m1 = f->to_ms ? coll_agg_month(p.to) : INT32_MAX;
    if (p.m0 >= p.m1) { /* no whole month: every day from agg_counts */
        p.m0 = p.m1 = 0;
        p.s0 = p.s1 = p.to;
    } else {
        p.s0 = p.m0 == INT32_MIN ? INT32_MIN : coll_agg_month_start(p.m0);
        p.s1 = p.m1 == INT32_MAX ? INT32_MAX : coll_agg_month_start(p.m1);
    }
    return p;
}

static int count_agg(coll_db *db, const char *set_id, rs_ctx *x, char *err, size_t errlen)
{
    const coll_results_filter *f = x->f;
    rs_period t = period(f);
    if (coll_db_agg_settle(db, err, errlen) != 0)
        return -1;
    coll_param p[] = {COLL_TEXT(set_id),
                      COLL_TEXT(f->location ? f->location : ""),
                      COLL_TEXT(f->language ? f->language : ""),
                      COLL_NUM(t.from),
                      COLL_NUM(t.to),
                      COLL_NUM(t.m0),
                      COLL_NUM(t.m1),
                      COLL_NUM(t.s0),
                      COLL_NUM(t.s1),
                      COLL_TEXT(f->status ? f->status : "")};
    if (coll_db_query(db,
                      "SELECT status, question, answer, questionset_version, SUM(n) FROM ("
                      " SELECT status, question, answer, questionset_version, n FROM agg_months"
                      "  WHERE questionset = ?1 AND month >= ?6 AND month < ?7"
                      "  AND (?2 = '' OR location = ?2) AND (?3 = '' OR language = ?3)"
                      "  AND (?10 = '' OR status = ?10)"
                      " UNION ALL SELECT status, question, answer, questionset_version, n"
                      "  FROM agg_counts"
                      "  WHERE questionset = ?1"
                      "  AND ((day >= ?4 AND day < ?8) OR (day >= ?9 AND day < ?5))"
                      "  AND (?2 = '' OR location = ?2) AND (?3 = '' OR language = ?3)"
                      "  AND (?10 = '' OR status = ?10)"
                      ") u GROUP BY status, question, answer, questionset_version",
                      p, 10, agg_row, x, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    if (x->oom) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    add_complete(x);
    return 0;
}

/* The start of hour `hour` (0..24) of local day `day` (days since 1970-01-01, as coll_agg_day) in
 * epoch milliseconds; the local time as mktime takes it (in a gap or a repeat of daylight saving
 * time one of its meanings, which the margins of count_days cover). */
static int64_t local_hour_ms(int64_t day, int hour)
{
    int64_t month = coll_agg_month(day);
    int64_t y = month >= 0 ? month / 12 : (month - 11) / 12;
    struct tm tm = {.tm_year = (int)(70 + y),
                    .tm_mon = (int)(month - y * 12),
                    .tm_mday = (int)(day - coll_agg_month_start(month) + 1),
                    .tm_hour = hour,
                    .tm_isdst = -1};
    time_t t = mktime(&tm);
    return t == (time_t)-1 ? (day * 24 + hour) * 3600000 : (int64_t)t * 1000;
}

/* The responses of the days lo <= day < hi outside the whole months (coll_results_filter with
 * hours), one by one: only those started in the filter's weekdays and hours of those days are
 * read (a period per day kept, an hour more on either side for daylight saving time; count_row
 * checks the day, weekday and hour of each). */
static int count_days(coll_db *db, const char *set_id, rs_ctx *x, int64_t lo, int64_t hi, char *err,
                      size_t errlen)
{
    if (lo >= hi)
        return 0;
    const coll_results_filter *f = x->f;
    x->day_bounded = true;
    x->day_lo = lo;
    x->day_hi = hi;
    int64_t flagged = x->flagged; /* (count_flagged counts those of the whole period) */
    int hour_from = f->hour_to > 0 ? f->hour_from : 0, hour_to = f->hour_to > 0 ? f->hour_to : 24;
    int rc = 0;
    if (lo == INT32_MIN || hi == INT32_MAX) {
        /* (no bound: coll_results_filter always has one for the days outside whole months) */
        rc = coll_db_foreach_started(
            db, set_id, lo == INT32_MIN ? INT64_MIN / 2 : (lo - 1) * 86400000,
            hi == INT32_MAX ? INT64_MAX / 2 : (hi + 1) * 86400000, count_row, x, err, errlen);
    } else {
        int64_t run_from = 0, run_to = 0; /* the periods of days next to each other, joined */
        for (int64_t d = lo; d <= hi && rc == 0; d++) {
            bool kept = d < hi && (!f->weekdays || (f->weekdays & (1u << coll_agg_weekday(d))));
            int64_t from = kept ? local_hour_ms(d, hour_from) - 3600000 : 0;
            int64_t to = kept ? local_hour_ms(d, hour_to) + 3600000 : 0;
            if (kept && run_to > run_from && from <= run_to) {
                run_to = to;
                continue;
            }
            if (run_to > run_from)
                rc = coll_db_foreach_started(db, set_id, run_from, run_to, count_row, x, err,
                                             errlen);
            run_from = from;
            run_to = to;
        }
    }
    x->day_bounded = false;
    x->flagged = flagged;
    return rc;
}

/* Weekdays and hours from agg_hours (kept per month): the whole months of the period from there,
 * the days before and after them from the responses. */
static int count_hours(coll_db *db, const char *set_id, rs_ctx *x, coll_row_fn row, const char *sql,
                       const char *sql_sqlite, char *err, size_t errlen)
{
    const coll_results_filter *f = x->f;
    rs_period t = period(f);
    if (coll_db_agg_settle(db, err, errlen) != 0)
        return -1;
    coll_param p[15] = {COLL_TEXT(set_id),
                        COLL_TEXT(f->location ? f->location : ""),
                        COLL_TEXT(f->language ? f->language : ""),
                        COLL_NUM(t.m0),
                        COLL_NUM(t.m1),
                        COLL_TEXT(f->status ? f->status : ""),
                        COLL_NUM(f->hour_to > 0 ? f->hour_from : 0),
                        COLL_NUM(f->hour_to > 0 ? f->hour_to : 24)};
    for (int wd = 1; wd <= 7; wd++)
        p[7 + wd] = COLL_NUM(!f->weekdays || (f->weekdays & (1u << wd)) ? wd : 0);
    rs_profiles profiles = {0};
    rs_ctx *y = x->every;
    if (strcmp(coll_db_backend(db), "SQLite") == 0 && sql_sqlite) {
        sql = sql_sqlite;
        x->profiles = &profiles;
        if (y)
            y->profiles = &profiles;
    }
    int rc = t.m0 < t.m1 ? coll_db_query(db, sql, p, 15, row, x, NULL, err, errlen) : COLL_SQL_OK;
    x->profiles = NULL;
    if (y)
        y->profiles = NULL;
    profiles_clear(&profiles);
    if (rc != COLL_SQL_OK)
        return -1;
    if (x->oom || (y && y->oom)) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (!x->when)
        add_complete(x);
    if (y)
        add_complete(y);
    return count_days(db, set_id, x, t.from, t.s0, err, errlen) != 0 ||
                   count_days(db, set_id, x, t.s1, t.to, err, errlen) != 0 ||
                   (y && (count_days(db, set_id, y, t.from, t.s0, err, errlen) != 0 ||
                          count_days(db, set_id, y, t.s1, t.to, err, errlen) != 0))
               ? -1
               : 0;
}

/* The filter's rows of agg_hours: ?1 set, ?2 location, ?3 language, months ?4 <= month < ?5,
 * ?6 status, hours ?7 <= h < ?8, weekdays ?9..?15 (0 for a day left out). */
#define HOURS_WHERE_ANY                                                                            \
    " AND month >= ?4 AND month < ?5 AND (?3 = '' OR language = ?3) AND (?6 = '' OR status = ?6)"
#define HOURS_WHERE HOURS_WHERE_ANY " AND (?2 = '' OR location = ?2)"

/* (the key begins with set, weekday and hour: the rows of the filter's days and hours only) */
#define HOURS_COUNTS                                                                               \
    " FROM agg_hours WHERE questionset = ?1 AND weekday IN (?9, ?10, ?11, ?12, ?13, ?14, ?15)"     \
    " AND hour >= ?7 AND hour < ?8" HOURS_WHERE
static const char *const sql_hours_counts =
    "SELECT status, question, answer, questionset_version, SUM(n)" HOURS_COUNTS
    " GROUP BY status, question, answer, questionset_version";
/* SQLite: every row as it is, added up by agg_row (their sum is what the rows added up by the
 * database give): SQLite's GROUP BY sorted the rows in a temporary b-tree first, which took two
 * thirds of the query (Monday-Friday 9-17 h, 150,000 rows: 254 ms with, 90 ms without). */
static const char *const sql_hours_counts_sqlite =
    "SELECT status, question, answer, questionset_version, n" HOURS_COUNTS;

/* The same rows of every location, each marked whether it is of location ?2 (count_pair: one
 * read of agg_hours for the page of a location and the figures over every location beside it;
 * on PostgreSQL two reads took 95 + 193 ms, one 127). */
#define HOURS_PAIR                                                                                 \
    ", CASE WHEN location = ?2 THEN 1 ELSE 0 END FROM agg_hours"                                   \
    " WHERE questionset = ?1 AND weekday IN (?9, ?10, ?11, ?12, ?13, ?14, ?15)"                    \
    " AND hour >= ?7 AND hour < ?8" HOURS_WHERE_ANY
static const char *const sql_hours_pair =
    "SELECT status, question, answer, questionset_version, SUM(n)" HOURS_PAIR
    " GROUP BY status, question, answer, questionset_version, 6";
static const char *const sql_hours_pair_sqlite =
    "SELECT status, question, answer, questionset_version, n" HOURS_PAIR;

/* A row of sql_hours_pair: to x when it is of x's location, and to x->every. */
static int agg_row_pair(void *ctx, int ncol, const char *const *v)
{
    rs_ctx *x = ctx;
    if (ncol < 6 || !v[5])
        return 0;
    if (strcmp(v[5], "1") == 0)
        agg_row(x, 5, v);
    return agg_row(x->every, 5, v);
}

/* The results with a filter on weekdays or hours, from the kept counts (and those over every
 * location too when x->every is set). */
static int count_agg_hours(coll_db *db, const char *set_id, rs_ctx *x, char *err, size_t errlen)
{
    if (x->every)
        return count_hours(db, set_id, x, agg_row_pair, sql_hours_pair, sql_hours_pair_sqlite, err,
                           errlen);
    return count_hours(db, set_id, x, agg_row, sql_hours_counts, sql_hours_counts_sqlite, err,
                       errlen);
}

static int flagged_row(void *ctx, int ncols, const char *const *cols)
{
    rs_ctx *x = ctx;
    if (ncols == 3 && cols[0] && cols[1] && cols[2] &&
        !version_excluded(x->sets, x->si, atoll(cols[0])) && in_hours(x->f, atoll(cols[2])))
        x->flagged += atoll(cols[1]);
    return 0;
}

/* The flagged responses the kept counts include (the responses_flagged partial index holds only
 * them, so this reads no other response). Bounds as the dashboard gives them: local midnights. */
static int count_flagged(coll_db *db, const char *set_id, rs_ctx *x, char *err, size_t errlen)
{
    const coll_results_filter *f = x->f;
    coll_param p[] = {COLL_TEXT(set_id),
                      COLL_TEXT(f->location ? f->location : ""),
                      COLL_TEXT(f->language ? f->language : ""),
                      COLL_NUM(f->from_ms),
                      COLL_NUM(f->to_ms),
                      COLL_TEXT(f->status ? f->status : ""),
                      COLL_NUM(hours_filtered(f))};
    if (coll_db_query(db,
                      "SELECT r.questionset_version, COUNT(*), MIN(r.started_at_ms)"
                      " FROM responses r"
                      " JOIN devices d ON d.name = r.device"
                      " WHERE r.questionset = ?1 AND r.flags IS NOT NULL AND r.sealed IS NULL"
                      " AND (?2 = '' OR d.location = ?2) AND (?3 = '' OR r.language = ?3)"
                      " AND (?4 = 0 OR r.started_at_ms >= ?4) AND (?5 = 0 OR r.started_at_ms < ?5)"
                      " AND (?6 = '' OR r.status = ?6)"
                      " GROUP BY r.questionset_version, CASE WHEN ?7 = 1 THEN r.id END",
                      p, 7, flagged_row, x, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    return 0;
}

/* ---- rendering ---------------------------------------------------------------------------- */

typedef struct {
    /* hidden: a cell not shown, below k or because it would give one below k away (the same
     * word for both: which is which would tell) */
    const char *fewer, *hidden, *skipped, *answer, *count, *share, *n_of, *n_hidden, *all_hidden,
        *chart, *responses, *multi_note, *median, *excluded;
    const char *flagged_in, *flagged_out, *flagged_kept; /* quality flags (issue 14) */
} rs_words;

static const rs_words words_nl = {
    .fewer = "minder dan %lld",
    .hidden = "verborgen",
    .skipped = "Geen antwoord (overgeslagen)",
    .answer = "Antwoord",
    .count = "Aantal",
    .share = "Aandeel",
    .n_of = "n = %lld beantwoord, van %lld aan wie de vraag getoond is (noemer)",
    .n_hidden = "n niet getoond (het zou een kleine groep verraden), van %lld aan wie de vraag "
                "getoond is (noemer)",
    .all_hidden = "Minder dan %lld personen kregen deze vraag: niets getoond.",
    .chart = "Staafdiagram van de antwoorden; dezelfde cijfers staan in de tabel",
    .responses = "%lld antwoorden die aan het filter voldoen.",
    .multi_note = "Meer antwoorden mogelijk: aandeel van wie de vraag kreeg.",
    .median = "Mediaan: ",
    .excluded = "Niet meegeteld: de antwoorden op versie %lld (andere vragen dan versie %lld).",
    .flagged_in = "Waarvan %s gemarkeerd (snel herhaald met bijna dezelfde antwoorden, of sneller "
                  "beantwoord dan te lezen): meegeteld.",
    .flagged_out = "%s gemarkeerde antwoorden (snel herhaald met bijna dezelfde antwoorden, of "
                   "sneller beantwoord dan te lezen) zijn weggelaten.",
    .flagged_kept = "Minder dan %lld gemarkeerde antwoorden: die worden niet weggelaten (het "
                    "verschil zou een kleine groep verraden), ze zijn meegeteld.",
};

static const rs_words words_en = {
    .fewer = "fewer than %lld",
    .hidden = "hidden",
    .skipped = "No answer (skipped)",
    .answer = "Answer",
    .count = "Count",
    .share = "Share",
    .n_of = "n = %lld answered, of %lld who were shown the question (denominator)",
    .n_hidden = "n not shown (it would reveal a small group), of %lld who were shown the "
                "question (denominator)",
    .all_hidden = "Fewer than %lld people were shown this question: nothing is shown.",
    .chart = "Bar chart of the answers; the table has the same figures",
    .responses = "%lld responses match the filter.",
    .multi_note = "Several answers possible: share of those shown the question.",
    .median = "Median: ",
    .excluded = "Not counted: the responses to version %lld (other questions than version %lld).",
    .flagged_in =
        "Of these, %s flagged (repeated quickly with nearly the same answers, or answered "
        "faster than one can read): included.",
    .flagged_out = "%s flagged responses (repeated quickly with nearly the same answers, or "
                   "answered faster than one can read) are left out.",
    .flagged_kept = "Fewer than %lld flagged responses: they are not left out (the difference "
                    "would reveal a small group), they are included.",
};

/* An answer's label: the set's text, else the kiosk's own word (a face, yes/no: coll_words, the
 * same words the resident tapped), else the stored value (a scale's number). */
static const char *label_of(const json_t *set, const char *type, const json_t *text,
                            const char *opt, const coll_words *cw, const char *ui_lang)
{
    if (text)
        return set_text(set, text, ui_lang);
    const char *word = coll_words_answer(cw, set, ui_lang, type, opt);
    return word ? word : opt;
}

static const char *opt_label(const json_t *set, const rs_question *q, int j, const coll_words *cw,
                             const char *ui_lang)
{
    return label_of(set, q->type, q->opt_text[j], q->opt[j], cw, ui_lang);
}

typedef struct {
    const char *label;
    int64_t count;
    bool hidden;
} rs_cell;

/* The option holding the median answer of a smiley or scale question (the lower one of two),
 * or -1: other types, or fewer than k answers on the scale. */
static int median(const rs_question *q, int64_t k)
{
    if (strcmp(q->type, "smiley") != 0 && strcmp(q->type, "scale") != 0)
        return -1;
    int64_t n = 0, run = 0;
    for (int j = 0; j < q->nopt; j++)
        n += q->cnt[j];
    if (n < k)
        return -1;
    for (int j = 0; j < q->nopt; j++) {
        run += q->cnt[j];
        if (run * 2 >= n)
            return j;
    }
    return -1;
}

/* Whether the whole of question q is hidden: fewer than k were shown it, or (a location shown,
 * all: the same question over every location) the other locations' denominator is a small
 * group, which the page over every location minus this one would give away. */
static bool question_hidden(const rs_question *q, const rs_question *all, int64_t k)
{
    return q->shown < k || (all && coll_results_small(all->shown - q->shown, k));
}

/* The cells of question q (each answer, then "skipped") with those not to be shown marked;
 * *n_hidden when the answered count would give a small group away. all: NULL, or the same
 * question over every location when the filter names one (a cell is then also hidden when the
 * other locations' figure is a small group). Returns the cell count. */
static int question_cells(const json_t *set, const coll_words *cw, const rs_question *q,
                          const rs_question *all, int64_t k, const rs_words *w, const char *ui_lang,
                          rs_cell cells[RS_MAX_OPT + 1], bool *n_hidden_out)
{
    bool multi = strcmp(q->type, "multi") == 0;
    int n = 0;
    int64_t vals[RS_MAX_OPT + 1];
    bool hid[RS_MAX_OPT + 1];
    int64_t allv[RS_MAX_OPT + 1];
    for (int j = 0; j < q->nopt; j++) {
        cells[n] = (rs_cell){opt_label(set, q, j, cw, ui_lang), q->cnt[j], false};
        allv[n] = all ? all->cnt[j] : 0;
        hid[n++] = all && coll_results_small(all->cnt[j] - q->cnt[j], k);
    }
    cells[n] = (rs_cell){w->skipped, q->skipped, false};
    allv[n] = all ? all->skipped : 0;
    hid[n++] = all && coll_results_small(all->skipped - q->skipped, k);
    /* the answered count of the other locations a small group: n is not shown either */
    bool n_other = all && coll_results_small(all->answered - q->answered, k);
    /* The answered count n = denominator - skipped: shown only when that gives no small group
     * away. */
    bool n_hidden;
    if (!multi) {
        /* the answers and "skipped" add up to the denominator; of one location, each beside the
         * same figure over every location (the table of this location and the others, with
         * their totals, as side by side hides it: no hidden cell can be worked out from this
         * page, the other location's and the one over every location) */
        for (int j = 0; j < n; j++)
            vals[j] = cells[j].count;
        if (all)
            coll_results_hide_beside(vals, allv, (size_t)n, k, hid);
        else
            coll_results_suppress(vals, (size_t)n, k, hid);
        for (int j = 0; j < n; j++)
            cells[j].hidden = hid[j];
        /* n = denominator - skipped; the denominator reveals nobody */
        n_hidden = cells[n - 1].hidden && q->skipped > 0;
    } else {
        /* answered + skipped = denominator; each option and those who did not choose it add up
         * to the answered count */
        int64_t two[2] = {q->answered, q->skipped};
        bool h2[2] = {n_other, hid[n - 1]};
        coll_results_suppress_more(two, 2, k, h2);
        n_hidden = h2[0];
        cells[n - 1].hidden = h2[1];
        for (int j = 0; j < q->nopt; j++)
            cells[j].hidden = hid[j] || cells[j].count < k ||
                              (!n_hidden && coll_results_small(q->answered - cells[j].count, k));
    }
    *n_hidden_out = n_hidden;
    return n;
}

static void render_question(coll_html *h, const json_t *set, const coll_words *cw,
                            const rs_question *q, const rs_question *all, int qi, int64_t k,
                            const rs_words *w, const char *ui_lang)
{
    coll_html_fmt(h, "<section class=\"question\" aria-labelledby=\"q%d\">\n<h2 id=\"q%d\">", qi,
                  qi);
    coll_html_text(h, set_text(set, json_object_get(q->q, "text"), ui_lang));
    coll_html_raw(h, "</h2>\n");
    if (question_hidden(q, all, k)) {
        coll_html_raw(h, "<p class=\"note\">");
        coll_html_fmt(h, w->all_hidden, (long long)k);
        coll_html_raw(h, "</p>\n</section>\n");
        return;
    }
    bool multi = strcmp(q->type, "multi") == 0, n_hidden;
    rs_cell cells[RS_MAX_OPT + 1];
    int n = question_cells(set, cw, q, all, k, w, ui_lang, cells, &n_hidden);
    coll_html_raw(h, "<p class=\"n\">");
    if (n_hidden)
        coll_html_fmt(h, w->n_hidden, (long long)q->shown);
    else
        coll_html_fmt(h, w->n_of, (long long)q->answered, (long long)q->shown);
    if (multi) {
        coll_html_raw(h, " ");
        coll_html_text(h, w->multi_note);
    }
    int med = n_hidden ? -1 : median(q, k);
    if (med >= 0) {
        coll_html_raw(h, "</p>\n<p class=\"median\">");
        coll_html_text(h, w->median);
        if (strcmp(q->type, "smiley") == 0) { /* the face's number, then the kiosk's word */
            coll_html_text(h, q->opt[med]);
            coll_html_raw(h, " – ");
        }
        coll_html_text(h, opt_label(set, q, med, cw, ui_lang));
    }
    coll_html_raw(h, "</p>\n<div class=\"qbody\">\n");
    /* the chart: a hidden cell has no bar (its length would give the count away) */
    int64_t max = 1;
    for (int j = 0; j < n; j++)
        if (!cells[j].hidden && cells[j].count > max)
            max = cells[j].count;
    int rowh = 30, labw = 250, width = labw + RS_BAR_W + 110;
    coll_html_fmt(h,
                  "<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
                  "%d\" aria-label=\"",
                  width, rowh * n + 4, width, rowh * n + 4);
    coll_html_text(h, w->chart);
    coll_html_raw(h, "\">\n");
    for (int j = 0; j < n; j++) {
        int y = j * rowh + 4;
        coll_html_fmt(h, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", labw - 8, y + 18);
        coll_html_text(h, cells[j].label);
        coll_html_raw(h, "</text>");
        if (cells[j].hidden) {
            coll_html_fmt(h, "<text x=\"%d\" y=\"%d\" class=\"hidden\">", labw, y + 18);
            coll_html_text(h, w->hidden);
            coll_html_raw(h, "</text>\n");
            continue;
        }
        int bw = (int)(cells[j].count * RS_BAR_W / max);
        int64_t pct = (cells[j].count * 100 + q->shown / 2) / q->shown;
        coll_html_fmt(h,
                      "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar\"/>"
                      "<text x=\"%d\" y=\"%d\">%lld (%lld%%)</text>\n",
                      labw, y + 3, bw, rowh - 8, labw + bw + 6, y + 18, (long long)cells[j].count,
                      (long long)pct);
    }
    coll_html_raw(h, "</svg>\n<table>\n<caption class=\"visually-hidden\">");
    coll_html_text(h, set_text(set, json_object_get(q->q, "text"), ui_lang));
    coll_html_fmt(h,
                  "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                  "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
                  w->answer, w->count, w->share);
    for (int j = 0; j < n; j++) {
        coll_html_raw(h, "<tr><th scope=\"row\">");
        coll_html_text(h, cells[j].label);
        coll_html_raw(h, "</th>");
        if (cells[j].hidden) {
            coll_html_raw(h, "<td colspan=\"2\" class=\"hidden\">");
            coll_html_text(h, w->hidden);
            coll_html_raw(h, "</td></tr>\n");
        } else {
            coll_html_fmt(h, "<td>%lld</td><td>%lld%%</td></tr>\n", (long long)cells[j].count,
                          (long long)((cells[j].count * 100 + q->shown / 2) / q->shown));
        }
    }
    coll_html_raw(h, "</tbody>\n</table>\n</div>\n</section>\n");
}

const json_t *coll_results_sets_json(const coll_results_sets *s, size_t i)
{
    return s->set[i];
}

/* Counts set i under f into x (cleared first), from the kept counts where f allows it: the one
 * way the pages, the cards and the downloads count. exclude: flagged responses left out;
 * flagged: count them too from the kept counts (x->flagged). 0, or -1 with err. */
static int count_into(coll_db *db, const coll_results_sets *s, size_t i,
                      const coll_results_filter *f, bool exclude, bool flagged, rs_ctx *x,
                      char *err, size_t errlen)
{
    rs_ctx *every = x->every; /* (count_pair: prepared already) */
    memset(x, 0, sizeof *x);
    x->every = every;
    x->f = f;
    x->sets = s;
    x->si = i;
    x->exclude = exclude;
    /* The kept counts (agg_counts, agg_hours) know no flags: leaving those out, every response
     * is counted itself. */
    bool each = f->from_responses || f->exclude_flagged;
    const char *id = coll_results_sets_id(s, i);
    if (prepare(x, s->set[i], err, errlen) != 0)
        return -1;
    if (each)
        return coll_db_foreach(db, id, count_row, x, err, errlen) != 0 ? -1 : 0;
    return (hours_filtered(f) ? count_agg_hours(db, id, x, err, errlen)
                              : count_agg(db, id, x, err, errlen)) != 0 ||
                   (flagged && count_flagged(db, id, x, err, errlen) != 0)
               ? -1
               : 0;
}

/* Counts set i under f into a new context (NULL with err set). */
static rs_ctx *count_set(coll_db *db, const coll_results_sets *s, size_t i,
                         const coll_results_filter *f, char *err, size_t errlen)
{
    rs_ctx *x = malloc(sizeof *x);
    if (!x) {
        wp_errf(err, errlen, "out of memory");
        return NULL;
    }
    if (count_into(db, s, i, f, false, false, x, err, errlen) != 0) {
        free(x);
        return NULL;
    }
    return x;
}

/* When f names a location: *all gets set i counted under f over every location (the same other
 * filters, the same exclusion of flagged responses), whose figures minus the location's must not
 * be small groups; else *all is NULL. The same query without the location, on the kept counts
 * as the page itself. 0, or -1 with err. */
static int count_all(coll_db *db, const coll_results_sets *s, size_t i,
                     const coll_results_filter *f, bool exclude, rs_ctx **all, char *err,
                     size_t errlen)
{
    *all = NULL;
    if (!f->location || !f->location[0])
        return 0;
    coll_results_filter every = *f;
    every.location = NULL;
    rs_ctx *y = malloc(sizeof *y);
    if (!y) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (count_into(db, s, i, &every, exclude, true, y, err, errlen) != 0) {
        free(y);
        return -1;
    }
    y->f = NULL; /* every is gone */
    *all = y;
    return 0;
}

/* Whether count_pair counts f (a location; weekdays or hours, from the kept counts). */
static bool pair_counted(const coll_results_filter *f)
{
    return f->location && f->location[0] && hours_filtered(f) && !f->from_responses &&
           !f->exclude_flagged;
}

/* For a filter of pair_counted: x as count_into(f, not excluding, flagged) and *all as count_all
 * (a new context), from one read of agg_hours. 0, or -1 with err. */
static int count_pair(coll_db *db, const coll_results_sets *s, size_t i,
                      const coll_results_filter *f, rs_ctx *x, rs_ctx **all, char *err,
                      size_t errlen)
{
    coll_results_filter every = *f;
    every.location = NULL;
    rs_ctx *y = calloc(1, sizeof *y);
    if (!y) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    y->f = &every;
    y->sets = s;
    y->si = i;
    x->every = y;
    int rc = prepare(y, s->set[i], err, errlen) != 0 ||
                     count_into(db, s, i, f, false, true, x, err, errlen) != 0 ||
                     count_flagged(db, coll_results_sets_id(s, i), y, err, errlen) != 0
                 ? -1
                 : 0;
    x->every = NULL;
    y->f = NULL; /* every is gone */
    if (rc != 0) {
        free(y);
        return -1;
    }
    *all = y;
    return 0;
}

/* Calls fn with each question of x, in order, until it returns non-zero. */
static void each_question(const rs_ctx *x, coll_results_question_fn fn, void *ctx)
{
    for (int j = 0; fn && j < x->nq; j++) {
        const rs_question *q = &x->q[j];
        coll_results_question cq = {
            q->q,   q->id,       q->type,    q->nopt, q->opt, (const json_t *const *)q->opt_text,
            q->cnt, q->answered, q->skipped, q->shown};
        if (fn(ctx, &cq) != 0)
            break;
    }
}

int coll_results_count(coll_db *db, const coll_results_sets *s, size_t i,
                       const coll_results_filter *f, coll_results_question_fn fn, void *ctx,
                       int64_t *responses, char *err, size_t errlen)
{
    rs_ctx *x = count_set(db, s, i, f, err, errlen);
    if (!x)
        return -1;
    *responses = x->responses;
    each_question(x, fn, ctx);
    free(x);
    return 0;
}

int coll_results_questions(const coll_results_sets *s, size_t i, coll_results_question_fn fn,
                           void *ctx, char *err, size_t errlen)
{
    rs_ctx *x = calloc(1, sizeof *x);
    if (!x) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    int rc = prepare(x, s->set[i], err, errlen);
    if (rc == 0)
        each_question(x, fn, ctx);
    free(x);
    return rc;
}

int coll_results_cells(coll_db *db, const coll_results_sets *s, size_t i,
                       const coll_results_filter *f, int64_t k, const char *lang,
                       coll_results_cell_fn cb, void *ctx, char *err, size_t errlen)
{
    rs_ctx *x = count_set(db, s, i, f, err, errlen), *all = NULL;
    if (!x)
        return -1;
    const json_t *set = s->set[i];
    const rs_words *w = strcmp(lang, "en") == 0 ? &words_en : &words_nl;
    int rc = -1;
    if (count_all(db, s, i, f, false, &all, err, errlen) != 0)
        goto done;
    for (int j = 0; j < x->nq; j++) {
        const rs_question *q = &x->q[j], *qa = all ? &all->q[j] : NULL;
        if (q->nopt == 0)
            continue; /* text, note: nothing to count */
        rs_cell cells[RS_MAX_OPT + 1];
        bool n_hidden = true, q_hidden = question_hidden(q, qa, k);
        int n = question_cells(set, s->words, q, qa, k, w, lang, cells, &n_hidden);
        coll_results_cell c = {.question = q->id,
                               .question_text = set_text(set, json_object_get(q->q, "text"), lang),
                               .shown = q_hidden ? -1 : q->shown};
        for (int m = 0; m < n; m++) {
            c.answer = m < q->nopt ? q->opt[m] : "";
            c.label = cells[m].label;
            c.count = q_hidden || cells[m].hidden ? -1 : cells[m].count;
            if (cb(ctx, &c) != 0) {
                wp_errf(err, errlen, "write error");
                goto done;
            }
        }
    }
    rc = 0;
done:
    free(all);
    free(x);
    return rc;
}

const char *coll_results_text(const coll_results_sets *s, size_t i, const json_t *text,
                              const char *lang)
{
    return set_text(s->set[i], text, lang);
}

const char *coll_results_label(const coll_results_sets *s, size_t i, const coll_results_question *q,
                               int j, const char *lang)
{
    return label_of(s->set[i], q->type, q->opt_text[j], q->opt[j], coll_results_sets_words(s),
                    lang);
}

bool coll_results_version_counted(const coll_results_sets *s, size_t i, int64_t v)
{
    return !version_excluded(s, i, v);
}

const char *coll_results_hidden_word(const char *lang)
{
    return strcmp(lang, "en") == 0 ? words_en.hidden : words_nl.hidden;
}

int coll_results_render(coll_db *db, const coll_results_sets *s, size_t i,
                        const coll_results_filter *f, int64_t k, const char *ui_lang, coll_html *h,
                        char *err, size_t errlen)
{
    rs_ctx *x = calloc(1, sizeof *x);
    if (!x) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    const json_t *set = s->set[i];
    int rc = -1;
    rs_ctx *all = NULL;
    bool kept = false; /* asked to leave flagged ones out, but too few of them */
    /* (a location with weekdays or hours: it and every location from one read) */
    for (int pass = 0; !pair_counted(f) && pass < 2; pass++) {
        if (count_into(db, s, i, f, f->exclude_flagged && pass == 0, true, x, err, errlen) != 0)
            goto done;
        if (!x->exclude || x->flagged == 0 || x->flagged >= k)
            break;
        kept = true; /* too few to leave out: counted again with them */
    }
    if (pair_counted(f) ? count_pair(db, s, i, f, x, &all, err, errlen) != 0
                        : count_all(db, s, i, f, x->exclude, &all, err, errlen) != 0)
        goto done;
    const rs_words *w = strcmp(ui_lang, "en") == 0 ? &words_en : &words_nl;
    coll_html_raw(h, "<p class=\"total\">");
    if (x->responses < k || (all && coll_results_small(all->responses - x->responses, k)))
        coll_html_fmt(h, w->fewer, (long long)k);
    else
        coll_html_fmt(h, w->responses, (long long)x->responses);
    /* How many are flagged, suppressed like any count: with the others as the second cell of
     * the total shown (included), or as a count of its own (left out). */
    int64_t cells[2] = {x->exclude ? x->flagged : x->responses - x->flagged, x->flagged};
    bool hidden[2] = {false, all && coll_results_small(all->flagged - x->flagged, k)};
    if (all && !x->exclude)
        hidden[0] = coll_results_small(all->responses - all->flagged - cells[0], k);
    coll_results_suppress_more(cells, 2, k, hidden);
    char n[64];
    if (x->exclude ? x->flagged < k || hidden[1] : hidden[1] || x->responses < k)
        snprintf(n, sizeof n, w->fewer, (long long)k);
    else
        snprintf(n, sizeof n, "%lld", (long long)x->flagged);
    coll_html_raw(h, " ");
    if (kept)
        coll_html_fmt(h, w->flagged_kept, (long long)k);
    else if (x->exclude)
        coll_html_fmt(h, w->flagged_out, n);
    else
        coll_html_fmt(h, w->flagged_in, n);
    coll_html_raw(h, "</p>\n");
    size_t j;
    json_t *e;
    json_array_foreach(s->excluded[i], j, e)
    {
        coll_html_raw(h, "<p class=\"note\">");
        coll_html_fmt(h, w->excluded, (long long)json_integer_value(e), (long long)version_of(set));
        coll_html_raw(h, "</p>\n");
    }
    for (int j = 0; j < x->nq; j++)
        render_question(h, set, s->words, &x->q[j], all ? &all->q[j] : NULL, j + 1, k, w, ui_lang);
    rc = 0;
done:
    free(all);
    free(x);
    return rc;
}

/* ---- responses by weekday and hour -------------------------------------------------------- */

/* (the rows of the responses themselves, by their index agg_hours_responses: weekday and hour
 * compared as expressions, so that the key is not taken, which would read every row) */
static const char *const sql_hours_when =
    "SELECT weekday, hour, questionset_version, SUM(n) FROM agg_hours"
    " WHERE questionset = ?1 AND question = '' AND weekday + 0 IN (?9, ?10, ?11, ?12, ?13, ?14, "
    "?15)"
    " AND hour + 0 >= ?7 AND hour + 0 < ?8" HOURS_WHERE
    " GROUP BY weekday, hour, questionset_version";

static int when_row(void *ctx, int ncol, const char *const *v)
{
    rs_ctx *x = ctx;
    if (ncol < 4 || !v[0] || !v[1] || !v[2] || !v[3] ||
        version_excluded(x->sets, x->si, coll_store_num(v[2])))
        return 0;
    int64_t wd = coll_store_num(v[0]), hour = coll_store_num(v[1]), n = coll_store_num(v[3]);
    if (wd >= 1 && wd <= 7 && hour >= 0 && hour < 24) {
        x->when_all[wd - 1][hour] += n;
        x->when_plain[wd - 1][hour] += n;
        x->responses += n;
    }
    return 0;
}

int coll_results_when(coll_db *db, const coll_results_sets *s, size_t i,
                      const coll_results_filter *f, int64_t k, int64_t cells[7][24],
                      bool *flagged_kept, char *err, size_t errlen)
{
    rs_ctx *x = calloc(1, sizeof *x);
    if (!x) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    x->f = f;
    x->sets = s;
    x->si = i;
    x->when = true;
    const char *id = coll_results_sets_id(s, i);
    int rc = f->from_responses || f->exclude_flagged
                 ? coll_db_foreach(db, id, count_row, x, err, errlen)
                 : count_hours(db, id, x, when_row, sql_hours_when, NULL, err, errlen);
    /* flagged ones are left out only when at least k of them match (as coll_results_render) */
    bool leave_out = f->exclude_flagged && x->flagged >= k;
    *flagged_kept = f->exclude_flagged && x->flagged > 0 && !leave_out;
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            cells[d][h] = leave_out ? x->when_plain[d][h] : x->when_all[d][h];
    free(x);
    return rc;
}
