/* The dashboard's results per question, with small counts suppressed (see coll_results.h). */
#include "coll_results.h"

#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define RS_MAX_OPT  16 /* 12 options, 11 scale steps, 3 yes/no answers, 5 faces */
#define RS_MAX_Q    200
#define RS_QSET_MAX (5u * 1024u * 1024u)
#define RS_BAR_W    260 /* px of the longest bar */

struct coll_results_sets {
    size_t n;
    json_t **set; /* the parsed files, one per id (the highest version) */
    char **path;  /* the file each came from */
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
} rs_question;

typedef struct {
    rs_question q[RS_MAX_Q];
    int nq;
    const coll_results_filter *f;
    int64_t responses;
} rs_ctx;

void coll_results_suppress(const int64_t *cells, size_t n, int64_t k, bool *hidden)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        hidden[i] = cells[i] < k;
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

int coll_results_sets_load(const char *const *paths, int n, coll_results_sets **out, char *err,
                           size_t errlen)
{
    coll_results_sets *s = calloc(1, sizeof *s);
    if (!s || (n > 0 && (!(s->set = calloc((size_t)n, sizeof *s->set)) ||
                         !(s->path = calloc((size_t)n, sizeof *s->path))))) {
        if (s)
            free(s->set);
        free(s);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++) {
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
            coll_results_sets_free(s);
            return -1;
        }
        long at = coll_results_sets_find(s, id);
        if (at < 0) {
            at = (long)s->n;
            s->set[s->n++] = q;
        } else if (json_integer_value(json_object_get(q, "version")) >
                   json_integer_value(json_object_get(s->set[at], "version"))) {
            json_decref(s->set[at]);
            s->set[at] = q;
        } else {
            json_decref(q);
            continue;
        }
        free(s->path[at]);
        if (!(s->path[at] = strdup(paths[i]))) {
            wp_errf(err, errlen, "out of memory");
            coll_results_sets_free(s);
            return -1;
        }
    }
    *out = s;
    return 0;
}

void coll_results_sets_free(coll_results_sets *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        json_decref(s->set[i]);
        free(s->path[i]);
    }
    free(s->path);
    free(s->set);
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

static int count_row(void *ctx, const coll_row *r)
{
    rs_ctx *x = ctx;
    const coll_results_filter *f = x->f;
    if (r->sealed || (f->location && f->location[0] && strcmp(f->location, r->location) != 0) ||
        (f->language && f->language[0] && strcmp(f->language, r->language) != 0) ||
        (f->from_ms && r->started_at_ms < f->from_ms) || (f->to_ms && r->started_at_ms >= f->to_ms))
        return 0;
    json_t *a = json_loads(r->answers_json, 0, NULL);
    if (!json_is_object(a)) {
        json_decref(a);
        return 0;
    }
    x->responses++;
    /* An abandoned response reached a question when it answered that one or a later one. */
    int last = -1;
    if (strcmp(r->status, "complete") == 0)
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
        q->shown++;
        if (!has_answer(v)) {
            q->skipped++;
            continue;
        }
        q->answered++;
        for (int j = 0; j < q->nopt; j++)
            q->cnt[j] += chosen(v, q->opt[j]);
    }
    json_decref(a);
    return 0;
}

/* ---- rendering ---------------------------------------------------------------------------- */

typedef struct {
    const char *fewer, *skipped, *answer, *count, *share, *n_of, *n_hidden, *all_hidden, *chart,
        *responses, *multi_note, *faces[5], *yes, *no, *prefer_not;
} rs_words;

static const rs_words words_nl = {
    .fewer = "minder dan %lld",
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
    .faces = {"1 – heel ontevreden", "2 – ontevreden", "3 – neutraal", "4 – tevreden",
              "5 – heel tevreden"},
    .yes = "Ja",
    .no = "Nee",
    .prefer_not = "Zeg ik liever niet",
};

static const rs_words words_en = {
    .fewer = "fewer than %lld",
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
    .faces = {"1 – very unhappy", "2 – unhappy", "3 – neutral", "4 – happy", "5 – very happy"},
    .yes = "Yes",
    .no = "No",
    .prefer_not = "Prefer not to say",
};

static const char *opt_label(const json_t *set, const rs_question *q, int j, const rs_words *w,
                             const char *ui_lang)
{
    if (q->opt_text[j])
        return set_text(set, q->opt_text[j], ui_lang);
    if (strcmp(q->type, "smiley") == 0)
        return w->faces[j];
    if (strcmp(q->type, "yesno") == 0)
        return j == 0 ? w->yes : j == 1 ? w->no : w->prefer_not;
    return q->opt[j];
}

typedef struct {
    const char *label;
    int64_t count;
    bool hidden;
} rs_cell;

/* The cells of question q (each answer, then "skipped") with those not to be shown marked;
 * *n_hidden when the answered count would give a small group away. Returns the cell count. */
static int question_cells(const json_t *set, const rs_question *q, int64_t k, const rs_words *w,
                          const char *ui_lang, rs_cell cells[RS_MAX_OPT + 1], bool *n_hidden_out)
{
    bool multi = strcmp(q->type, "multi") == 0;
    int n = 0;
    int64_t vals[RS_MAX_OPT + 1];
    bool hid[RS_MAX_OPT + 1];
    for (int j = 0; j < q->nopt; j++)
        cells[n++] = (rs_cell){opt_label(set, q, j, w, ui_lang), q->cnt[j], false};
    cells[n++] = (rs_cell){w->skipped, q->skipped, false};
    /* The answered count n = denominator - skipped: shown only when that gives no small group
     * away. */
    bool n_hidden;
    if (!multi) {
        /* the answers and "skipped" add up to the denominator */
        for (int j = 0; j < n; j++)
            vals[j] = cells[j].count;
        coll_results_suppress(vals, (size_t)n, k, hid);
        for (int j = 0; j < n; j++)
            cells[j].hidden = hid[j];
        n_hidden = cells[n - 1].hidden && q->skipped > 0; /* n = denominator reveals nobody */
    } else {
        /* answered + skipped = denominator; each option and those who did not choose it add up
         * to the answered count */
        int64_t two[2] = {q->answered, q->skipped};
        bool h2[2];
        coll_results_suppress(two, 2, k, h2);
        n_hidden = h2[0];
        cells[n - 1].hidden = h2[1];
        for (int j = 0; j < q->nopt; j++)
            cells[j].hidden =
                cells[j].count < k ||
                (!n_hidden && q->answered - cells[j].count < k && q->answered - cells[j].count > 0);
    }
    *n_hidden_out = n_hidden;
    return n;
}

static void render_question(coll_html *h, const json_t *set, const rs_question *q, int qi,
                            int64_t k, const rs_words *w, const char *ui_lang)
{
    coll_html_fmt(h, "<section class=\"question\" aria-labelledby=\"q%d\">\n<h2 id=\"q%d\">", qi,
                  qi);
    coll_html_text(h, set_text(set, json_object_get(q->q, "text"), ui_lang));
    coll_html_raw(h, "</h2>\n");
    if (q->shown < k) {
        coll_html_raw(h, "<p class=\"note\">");
        coll_html_fmt(h, w->all_hidden, (long long)k);
        coll_html_raw(h, "</p>\n</section>\n");
        return;
    }
    bool multi = strcmp(q->type, "multi") == 0, n_hidden;
    rs_cell cells[RS_MAX_OPT + 1];
    int n = question_cells(set, q, k, w, ui_lang, cells, &n_hidden);
    coll_html_raw(h, "<p class=\"n\">");
    if (n_hidden)
        coll_html_fmt(h, w->n_hidden, (long long)q->shown);
    else
        coll_html_fmt(h, w->n_of, (long long)q->answered, (long long)q->shown);
    if (multi) {
        coll_html_raw(h, " ");
        coll_html_text(h, w->multi_note);
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
            coll_html_fmt(h, w->fewer, (long long)k);
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
            coll_html_fmt(h, w->fewer, (long long)k);
            coll_html_raw(h, "</td></tr>\n");
        } else {
            coll_html_fmt(h, "<td>%lld</td><td>%lld%%</td></tr>\n", (long long)cells[j].count,
                          (long long)((cells[j].count * 100 + q->shown / 2) / q->shown));
        }
    }
    coll_html_raw(h, "</tbody>\n</table>\n</div>\n</section>\n");
}

int coll_results_cells(coll_db *db, const coll_results_sets *s, size_t i,
                       const coll_results_filter *f, int64_t k, const char *lang,
                       coll_results_cell_fn cb, void *ctx, char *err, size_t errlen)
{
    rs_ctx *x = calloc(1, sizeof *x);
    if (!x) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    x->f = f;
    const json_t *set = s->set[i];
    const rs_words *w = strcmp(lang, "en") == 0 ? &words_en : &words_nl;
    int rc = -1;
    if (prepare(x, set, err, errlen) != 0 ||
        coll_db_foreach(db, coll_results_sets_id(s, i), count_row, x, err, errlen) != 0)
        goto done;
    for (int j = 0; j < x->nq; j++) {
        const rs_question *q = &x->q[j];
        if (q->nopt == 0)
            continue; /* text, note: nothing to count */
        rs_cell cells[RS_MAX_OPT + 1];
        bool n_hidden = true;
        int n = question_cells(set, q, k, w, lang, cells, &n_hidden);
        coll_results_cell c = {.question = q->id,
                               .question_text = set_text(set, json_object_get(q->q, "text"), lang),
                               .shown = q->shown < k ? -1 : q->shown};
        for (int m = 0; m < n; m++) {
            c.answer = m < q->nopt ? q->opt[m] : "";
            c.label = cells[m].label;
            c.count = q->shown < k || cells[m].hidden ? -1 : cells[m].count;
            if (cb(ctx, &c) != 0) {
                wp_errf(err, errlen, "write error");
                goto done;
            }
        }
    }
    rc = 0;
done:
    free(x);
    return rc;
}

const char *coll_results_fewer(const char *lang)
{
    return strcmp(lang, "en") == 0 ? words_en.fewer : words_nl.fewer;
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
    x->f = f;
    const json_t *set = s->set[i];
    int rc = -1;
    if (prepare(x, set, err, errlen) != 0 ||
        coll_db_foreach(db, coll_results_sets_id(s, i), count_row, x, err, errlen) != 0)
        goto done;
    const rs_words *w = strcmp(ui_lang, "en") == 0 ? &words_en : &words_nl;
    coll_html_raw(h, "<p class=\"total\">");
    if (x->responses < k)
        coll_html_fmt(h, w->fewer, (long long)k);
    else
        coll_html_fmt(h, w->responses, (long long)x->responses);
    coll_html_raw(h, "</p>\n");
    for (int j = 0; j < x->nq; j++)
        render_question(h, set, &x->q[j], j + 1, k, w, ui_lang);
    rc = 0;
done:
    free(x);
    return rc;
}
