/* The dashboard's comparisons: side by side, trend, cross-tab (see coll_views.h). */
#include "coll_views.h"

#include "coll_agg.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define CV_MAX_OPT     16  /* as the results page: 12 options, 11 scale steps, 5 faces */
#define CV_MAX_LOC     8   /* locations side by side */
#define CV_MAX_Q       200 /* questions of a set */
#define CV_MAX_PERIODS 260 /* weeks or months of a trend (five years of weeks): the last ones */
#define CV_BAR_W       260 /* px of a bar of 100 % */
#define CV_NCOLOURS    4

/* Fills of the series (4.5:1 or more on white), the text beside each bar names it too. */
static const char *const colours[CV_NCOLOURS] = {"#0b4f9c", "#a04a00", "#2e6b30", "#6a1b9a"};

/* ---- words -------------------------------------------------------------------------------- */

typedef struct {
    const char *hidden, *fewer, *skipped, *answer, *count, *share, *shown, *answered, *no_loc,
        *cmp_note, *cmp_chart, *trend_q, *period, *week, *month, *location, *all, *apply,
        *trend_note, *trend_sets, *trend_none, *trend_chart, *week_col, *month_col, *n_col,
        *ct_rows, *ct_cols, *ct_same, *ct_note, *ct_total, *ct_chart, *ct_none, *multi_rows,
        *all_hidden, *choose;
    /* the results page's filter: the note heading, the parts, "applied" and "not here" */
    const char *f_note, *f_applied, *f_not, *f_language, *f_period, *f_status, *f_hours, *f_flagged;
} cv_words;

static const cv_words words_nl = {
    .hidden = "verborgen",
    .fewer = "minder dan %lld",
    .skipped = "Geen antwoord (overgeslagen)",
    .answer = "Antwoord",
    .count = "aantal",
    .share = "aandeel",
    .shown = "Kregen de vraag (noemer)",
    .answered = "Beantwoord (n)",
    .no_loc = "Nog geen locaties (wijkpeil-collector device add ... --location).",
    .f_note = "Filter van de resultatenpagina",
    .f_applied = "toegepast: ",
    .f_not = "niet in deze weergave: ",
    .f_language = "taal",
    .f_period = "periode",
    .f_status = "status",
    .f_hours = "weekdagen en uren",
    .f_flagged = "gemarkeerde weglaten",
    .cmp_note = "Per locatie het aandeel van wie de vraag kreeg; verborgen cellen zijn ook niet "
                "af te leiden uit de totalen per locatie of over alle locaties.",
    .cmp_chart = "Staafdiagram per antwoord, een staaf per locatie; dezelfde cijfers staan in de "
                 "tabel",
    .trend_q = "Vraag",
    .period = "Per",
    .week = "week",
    .month = "maand",
    .location = "Locatie",
    .all = "alle",
    .apply = "Toon",
    .trend_note = "Aandeel van wie de vraag beantwoordde (volledige antwoorden), per %s. "
                  "Perioden met minder dan %lld antwoorden hebben geen punt.",
    .trend_sets = "Meegeteld: deze vraag in ",
    .trend_none = "Geen antwoorden op deze vraag.",
    .trend_chart = "Lijn van het aandeel per periode; dezelfde cijfers staan in de tabel",
    .week_col = "Week (maandag)",
    .month_col = "Maand",
    .n_col = "n",
    .ct_rows = "Rijen: vraag",
    .ct_cols = "Kolommen: vraag",
    .ct_same = "Kies twee verschillende vragen.",
    .ct_note = "Aantallen van wie beide vragen beantwoordde, met het aandeel per rij.",
    .ct_total = "Totaal",
    .ct_chart = "Staafdiagram per rij, een staaf per kolom (aandeel van de rij); dezelfde cijfers "
                "staan in de tabel",
    .ct_none = "Minder dan %lld personen beantwoordden beide vragen: niets getoond.",
    .multi_rows = "Meer antwoorden mogelijk: een rij of kolom per gekozen optie.",
    .all_hidden = "Minder dan %lld personen kregen deze vraag: niets getoond.",
    .choose = "Deze vragenlijst heeft geen vragen om te tellen.",
};

static const cv_words words_en = {
    .hidden = "hidden",
    .fewer = "fewer than %lld",
    .skipped = "No answer (skipped)",
    .answer = "Answer",
    .count = "count",
    .share = "share",
    .shown = "Shown the question (denominator)",
    .answered = "Answered (n)",
    .no_loc = "No locations yet (wijkpeil-collector device add ... --location).",
    .f_note = "Filter of the results page",
    .f_applied = "applied: ",
    .f_not = "not in this view: ",
    .f_language = "language",
    .f_period = "period",
    .f_status = "status",
    .f_hours = "weekdays and hours",
    .f_flagged = "flagged left out",
    .cmp_note = "Per location the share of those shown the question; hidden cells cannot be "
                "worked out from the totals per location or over every location either.",
    .cmp_chart = "Bar chart per answer, one bar per location; the table has the same figures",
    .trend_q = "Question",
    .period = "Per",
    .week = "week",
    .month = "month",
    .location = "Location",
    .all = "all",
    .apply = "Show",
    .trend_note = "Share of those who answered the question (complete responses), per %s. "
                  "Periods with fewer than %lld answers have no point.",
    .trend_sets = "Counted: this question in ",
    .trend_none = "No answers to this question.",
    .trend_chart = "Line of the share per period; the table has the same figures",
    .week_col = "Week (Monday)",
    .month_col = "Month",
    .n_col = "n",
    .ct_rows = "Rows: question",
    .ct_cols = "Columns: question",
    .ct_same = "Choose two different questions.",
    .ct_note = "Counts of those who answered both questions, with the share of each row.",
    .ct_total = "Total",
    .ct_chart = "Bar chart per row, one bar per column (share of the row); the table has the "
                "same figures",
    .ct_none = "Fewer than %lld people answered both questions: nothing is shown.",
    .multi_rows = "Several answers possible: a row or column per option chosen.",
    .all_hidden = "Fewer than %lld people were shown this question: nothing is shown.",
    .choose = "This question set has no questions to count.",
};

/* ---- suppression -------------------------------------------------------------------------- */

/* Whether hidden cell e (row r, column c) can be worked out: the hidden cells are the edges of
 * a graph whose nodes are the lines with a known total (rows 0..nr-1, columns nr..nr+nc-1; every
 * line without one is the one node nr+nc, whose total is free). A cell's value follows from the
 * totals exactly when its edge is a bridge: no other path of hidden cells joins its two ends.
 * A cell in a line whose total is a known 0 is known to be 0: zero[] marks them, no edges. */
static bool derivable(const bool *hidden, const bool *zero, size_t nr, size_t nc,
                      const bool *row_known, const bool *col_known, size_t e)
{
    size_t free_node = nr + nc, nn = nr + nc + 1;
    size_t from = row_known[e / nc] ? e / nc : free_node;
    size_t to = col_known[e % nc] ? nr + e % nc : free_node;
    if (from == to)
        return false; /* neither line has a known total */
    bool *seen = calloc(nn, sizeof *seen);
    size_t *stack = malloc(nn * sizeof *stack);
    if (!seen || !stack) {
        free(seen);
        free(stack);
        return true; /* out of memory: hide more rather than less */
    }
    size_t top = 0;
    stack[top++] = from;
    seen[from] = true;
    while (top > 0 && !seen[to]) {
        size_t v = stack[--top];
        for (size_t i = 0; i < nr * nc; i++) {
            if (!hidden[i] || zero[i] || i == e)
                continue;
            size_t a = row_known[i / nc] ? i / nc : free_node;
            size_t b = col_known[i % nc] ? nr + i % nc : free_node;
            size_t w = a == v ? b : b == v ? a : nn;
            if (w < nn && !seen[w]) {
                seen[w] = true;
                stack[top++] = w;
            }
        }
    }
    bool bridge = !seen[to];
    free(seen);
    free(stack);
    return bridge;
}

/* The smallest shown cell of row r (step 1) or column c (step nc, count nr), or SIZE_MAX. */
static size_t smallest_shown(const int64_t *cells, const bool *hidden, size_t first, size_t step,
                             size_t count)
{
    size_t best = SIZE_MAX;
    for (size_t m = 0; m < count; m++) {
        size_t i = first + m * step;
        if (!hidden[i] && (best == SIZE_MAX || cells[i] < cells[best]))
            best = i;
    }
    return best;
}

/* Rule (1) on one line: while its hidden cells hold 1..k-1 people, hide its smallest shown one. */
static bool line_sum(const int64_t *cells, bool *hidden, size_t first, size_t step, size_t count,
                     int64_t k)
{
    bool changed = false;
    for (;;) {
        int64_t sum = 0;
        for (size_t m = 0; m < count; m++)
            sum += hidden[first + m * step] ? cells[first + m * step] : 0;
        size_t best =
            sum > 0 && sum < k ? smallest_shown(cells, hidden, first, step, count) : SIZE_MAX;
        if (best == SIZE_MAX)
            return changed;
        hidden[best] = changed = true;
    }
}

/* Whether hiding shown cell o makes hidden cell e no longer derivable. */
static bool closes(bool *hidden, const bool *zero, size_t nr, size_t nc, const bool *rk,
                   const bool *ck, size_t e, size_t o)
{
    hidden[o] = true;
    bool still = derivable(hidden, zero, nr, nc, rk, ck, e);
    hidden[o] = false;
    return !still;
}

/* A shown cell to hide beside hidden cell e that the totals give away: the smallest one that
 * makes e safe by itself, else the smallest in e's row (if its total is known), else in its
 * column, else anywhere. SIZE_MAX when every cell is hidden. */
static size_t companion(const int64_t *cells, bool *hidden, const bool *zero, size_t nr, size_t nc,
                        const bool *rk, const bool *ck, size_t e)
{
    size_t best = SIZE_MAX;
    for (size_t o = 0; o < nr * nc; o++)
        if (!hidden[o] && (best == SIZE_MAX || cells[o] < cells[best]) &&
            closes(hidden, zero, nr, nc, rk, ck, e, o))
            best = o;
    if (best == SIZE_MAX && rk[e / nc])
        best = smallest_shown(cells, hidden, e / nc * nc, 1, nc);
    if (best == SIZE_MAX && ck[e % nc])
        best = smallest_shown(cells, hidden, e % nc, nc, nr);
    if (best == SIZE_MAX)
        best = smallest_shown(cells, hidden, 0, 1, nr * nc);
    return best;
}

void coll_views_suppress(const int64_t *cells, size_t nr, size_t nc, int64_t k, bool rows_add,
                         bool cols_add, const bool *row_shown, const bool *col_shown, bool *hidden)
{
    if (nr == 0 || nc == 0)
        return;
    bool *rk = calloc(nr, sizeof *rk), *ck = calloc(nc, sizeof *ck),
         *zero = calloc(nr * nc, sizeof *zero);
    int64_t *rsum = calloc(nr, sizeof *rsum), *csum = calloc(nc, sizeof *csum);
    if (!rk || !ck || !zero || !rsum || !csum) { /* out of memory: nothing shown */
        for (size_t i = 0; i < nr * nc; i++)
            hidden[i] = true;
        goto done;
    }
    for (size_t r = 0; r < nr; r++)
        rk[r] = rows_add && (!row_shown || row_shown[r]);
    for (size_t c = 0; c < nc; c++)
        ck[c] = cols_add && (!col_shown || col_shown[c]);
    for (size_t i = 0; i < nr * nc; i++) {
        rsum[i / nc] += cells[i];
        csum[i % nc] += cells[i];
    }
    for (size_t i = 0; i < nr * nc; i++)
        zero[i] = (rk[i / nc] && rsum[i / nc] == 0) || (ck[i % nc] && csum[i % nc] == 0);
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t r = 0; r < nr; r++)
            if (rk[r])
                changed |= line_sum(cells, hidden, r * nc, 1, nc, k);
        for (size_t c = 0; c < nc; c++)
            if (ck[c])
                changed |= line_sum(cells, hidden, c, nc, nr, k);
        /* Rule (2): a hidden cell that the totals give away gets a companion. A cell of 0 gives
         * nobody away. */
        for (size_t e = 0; e < nr * nc && !changed; e++) {
            if (!hidden[e] || cells[e] == 0 || !derivable(hidden, zero, nr, nc, rk, ck, e))
                continue;
            size_t other = companion(cells, hidden, zero, nr, nc, rk, ck, e);
            if (other != SIZE_MAX)
                hidden[other] = changed = true;
        }
    }
done:
    free(rk);
    free(ck);
    free(zero);
    free(rsum);
    free(csum);
}

/* ---- the questions of a set --------------------------------------------------------------- */

typedef struct {
    const char *id, *type; /* alive as long as the sets */
    const json_t *text;
    bool multi;
    int nopt;
    char *opt[CV_MAX_OPT], *label[CV_MAX_OPT];
    /* side by side: per location */
    int64_t cnt[CV_MAX_LOC][CV_MAX_OPT], answered[CV_MAX_LOC], skipped[CV_MAX_LOC],
        shown[CV_MAX_LOC];
} cv_question;

typedef struct {
    const coll_results_sets *s;
    size_t si;
    const char *lang;
    cv_question *q; /* CV_MAX_Q of them */
    int nq;
    int loc;  /* the location being counted (side by side) */
    int next; /* the question the next call is about */
    bool oom;
} cv_set;

/* A question of the set (the first call) or its counts at location x->loc (the next ones, in the
 * same order). Questions without answers to count (text, note) are left out. */
static int take_question(void *ctx, const coll_results_question *q)
{
    cv_set *x = ctx;
    if (q->nopt == 0 || q->nopt > CV_MAX_OPT)
        return 0;
    if (x->loc == 0 && x->next == x->nq) {
        if (x->nq == CV_MAX_Q)
            return 0;
        cv_question *c = &x->q[x->nq++];
        c->id = q->id;
        c->type = q->type;
        c->text = json_object_get(q->question, "text");
        c->multi = strcmp(q->type, "multi") == 0;
        c->nopt = q->nopt;
        for (int j = 0; j < q->nopt; j++) {
            c->opt[j] = strdup(q->opt[j]);
            c->label[j] = strdup(coll_results_label(x->s, x->si, q, j, x->lang));
            x->oom |= !c->opt[j] || !c->label[j];
        }
    }
    if (x->next >= x->nq)
        return 0;
    cv_question *c = &x->q[x->next++];
    for (int j = 0; j < q->nopt; j++)
        c->cnt[x->loc][j] = q->count[j];
    c->answered[x->loc] = q->answered;
    c->skipped[x->loc] = q->skipped;
    c->shown[x->loc] = q->shown;
    return 0;
}

static void set_free(cv_set *x)
{
    for (int i = 0; x->q && i < x->nq; i++)
        for (int j = 0; j < x->q[i].nopt; j++) {
            free(x->q[i].opt[j]);
            free(x->q[i].label[j]);
        }
    free(x->q);
}

/* The questions of set si into x (counts 0). 0, or -1 with err. */
static int set_load(cv_set *x, const coll_results_sets *s, size_t si, const char *lang, char *err,
                    size_t errlen)
{
    *x = (cv_set){.s = s, .si = si, .lang = lang, .q = calloc(CV_MAX_Q, sizeof(cv_question))};
    if (!x->q) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (coll_results_questions(s, si, take_question, x, err, errlen) != 0)
        return -1;
    if (x->oom) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int find_q(const cv_set *x, const char *id)
{
    for (int i = 0; id && i < x->nq; i++)
        if (strcmp(x->q[i].id, id) == 0)
            return i;
    return -1;
}

/* ---- shared page parts -------------------------------------------------------------------- */

typedef struct {
    char name[CV_MAX_LOC][COLL_NAME_MAX];
    int n;
} cv_locations;

static int location_row(void *ctx, int ncol, const char *const *v)
{
    cv_locations *l = ctx;
    if (ncol >= 1 && v[0] && v[0][0] && l->n < CV_MAX_LOC)
        wp_strlcpy(l->name[l->n++], v[0], sizeof l->name[0]);
    return 0;
}

static int locations(coll_db *db, cv_locations *l, char *err, size_t errlen)
{
    l->n = 0;
    return coll_db_query(db, "SELECT DISTINCT location FROM devices ORDER BY location", NULL, 0,
                         location_row, l, NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

static void option(coll_html *h, const char *value, const char *label, bool selected)
{
    coll_html_raw(h, "<option value=\"");
    coll_html_text(h, value);
    coll_html_fmt(h, "\"%s>", selected ? " selected" : "");
    coll_html_text(h, label);
    coll_html_raw(h, "</option>");
}

static void form_open(coll_html *h, const coll_results_sets *s, size_t si, const coll_views_req *r,
                      const char *ui_lang)
{
    const char *path = r->path;
    coll_html_raw(h, "<form method=\"get\" action=\"");
    coll_html_text(h, path);
    coll_html_raw(h, "\">\n<fieldset><legend>");
    coll_html_text(h, coll_results_sets_title(s, si, ui_lang));
    coll_html_raw(h, "</legend>\n<input type=\"hidden\" name=\"set\" value=\"");
    coll_html_text(h, coll_results_sets_id(s, si));
    coll_html_fmt(h, "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">\n", ui_lang);
    if (r->carry)
        coll_html_raw(h, r->carry);
}

/* Parts of the results page's filter (a view takes some of them). */
enum { CV_F_LANGUAGE = 1, CV_F_PERIOD = 2, CV_F_STATUS = 4, CV_F_HOURS = 8, CV_F_FLAGGED = 16 };

/* The parts of filter f given (its location aside). */
static unsigned filter_parts(const coll_results_filter *f)
{
    if (!f)
        return 0;
    return (f->language && f->language[0] ? CV_F_LANGUAGE : 0) |
           (f->from_ms || f->to_ms ? CV_F_PERIOD : 0) |
           (f->status && f->status[0] ? CV_F_STATUS : 0) |
           (f->weekdays || f->hour_to > 0 ? CV_F_HOURS : 0) |
           (f->exclude_flagged ? CV_F_FLAGGED : 0);
}

/* Says which parts of the results page's filter given the view applies (taken) and which not. */
static void filter_note(coll_html *h, const coll_results_filter *f, unsigned taken,
                        const cv_words *w)
{
    unsigned given = filter_parts(f);
    if (!given)
        return;
    const char *names[] = {w->f_language, w->f_period, w->f_status, w->f_hours, w->f_flagged};
    coll_html_raw(h, "<p class=\"note filter\">");
    coll_html_text(h, w->f_note);
    for (int pass = 0; pass < 2; pass++) {
        unsigned set = pass == 0 ? given & taken : given & ~taken;
        if (!set)
            continue;
        coll_html_raw(h, "; ");
        coll_html_text(h, pass == 0 ? w->f_applied : w->f_not);
        bool comma = false;
        for (int b = 0; b < 5; b++)
            if (set & (1u << b)) {
                coll_html_raw(h, comma ? ", " : "");
                coll_html_text(h, names[b]);
                comma = true;
            }
    }
    coll_html_raw(h, ".</p>\n");
}

static void select_question(coll_html *h, const cv_set *x, const char *name, const char *label,
                            int selected, const char *ui_lang)
{
    coll_html_fmt(h, "<div><label for=\"%s\">", name);
    coll_html_text(h, label);
    coll_html_fmt(h, "</label><select id=\"%s\" name=\"%s\">", name, name);
    for (int i = 0; i < x->nq; i++)
        option(h, x->q[i].id, coll_results_text(x->s, x->si, x->q[i].text, ui_lang), i == selected);
    coll_html_raw(h, "</select></div>\n");
}

static void select_location(coll_html *h, const cv_locations *l, const char *selected,
                            const cv_words *w)
{
    coll_html_raw(h, "<div><label for=\"location\">");
    coll_html_text(h, w->location);
    coll_html_raw(h, "</label><select id=\"location\" name=\"location\">");
    option(h, "", w->all, !selected || !selected[0]);
    for (int i = 0; i < l->n; i++)
        option(h, l->name[i], l->name[i], selected && strcmp(selected, l->name[i]) == 0);
    coll_html_raw(h, "</select></div>\n");
}

static void form_close(coll_html *h, const cv_words *w)
{
    coll_html_fmt(h, "<div><button type=\"submit\">%s</button></div>\n</fieldset>\n</form>\n",
                  w->apply);
}

static int64_t pct(int64_t count, int64_t of)
{
    return of > 0 ? (count * 100 + of / 2) / of : 0;
}

/* One bar of a grouped chart: its count and the total its share is of. */
typedef struct {
    int64_t count, of;
    bool hidden;
} cv_bar;

/* A horizontal bar chart with ngroups groups of nseries bars (bars[g * nseries + s]), each bar
 * named by its series in the text beside it (so colour is not the only clue). */
static void grouped_chart(coll_html *h, const char *aria, int ngroups, char *const *group_label,
                          int nseries, const char *const *series_label, const cv_bar *bars,
                          const cv_words *w)
{
    int barh = 18, gap = 12, labw = 250, width = labw + CV_BAR_W + 240;
    int grouph = nseries * barh + gap, height = ngroups * grouph + 4;
    coll_html_fmt(h,
                  "<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
                  "%d\" aria-label=\"",
                  width, height, width, height);
    coll_html_text(h, aria);
    coll_html_raw(h, "\">\n");
    for (int g = 0; g < ngroups; g++) {
        int y0 = g * grouph + 4;
        coll_html_fmt(h, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", labw - 8,
                      y0 + nseries * barh / 2 + 5);
        coll_html_text(h, group_label[g]);
        coll_html_raw(h, "</text>\n");
        for (int s = 0; s < nseries; s++) {
            const cv_bar *b = &bars[g * nseries + s];
            int y = y0 + s * barh;
            int bw = b->hidden ? 0 : (int)(b->count * CV_BAR_W / (b->of > 0 ? b->of : 1));
            if (!b->hidden)
                coll_html_fmt(h,
                              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                              "fill=\"%s\"/>",
                              labw, y + 2, bw, barh - 4, colours[s % CV_NCOLOURS]);
            coll_html_fmt(h, "<text x=\"%d\" y=\"%d\"%s>", labw + bw + 6, y + barh - 4,
                          b->hidden ? " class=\"hidden\"" : "");
            coll_html_text(h, series_label[s]);
            if (b->hidden)
                coll_html_fmt(h, ": %s</text>\n", w->hidden);
            else
                coll_html_fmt(h, ": %lld (%lld%%)</text>\n", (long long)b->count,
                              (long long)pct(b->count, b->of));
        }
    }
    coll_html_raw(h, "</svg>\n");
}

/* A table cell: "count" and "share" (two cells), or one cell "hidden" over both. */
static void count_share_cells(coll_html *h, const cv_bar *b, const cv_words *w)
{
    if (b->hidden)
        coll_html_fmt(h, "<td colspan=\"2\" class=\"hidden\">%s</td>", w->hidden);
    else
        coll_html_fmt(h, "<td>%lld</td><td>%lld%%</td>", (long long)b->count,
                      (long long)pct(b->count, b->of));
}

/* ---- side by side ------------------------------------------------------------------------- */

/* The cells of question q side by side (rows: answers, then "skipped" unless multi; columns:
 * locations) with the hidden ones marked, and per location whether n is hidden. Returns the
 * number of rows. */
static int compare_cells(const cv_question *q, int nl, int64_t k, cv_bar *bars, bool *n_hidden)
{
    int nr = q->nopt + (q->multi ? 0 : 1);
    int64_t cells[(CV_MAX_OPT + 1) * CV_MAX_LOC];
    bool hid[(CV_MAX_OPT + 1) * CV_MAX_LOC], col_shown[CV_MAX_LOC];
    for (int r = 0; r < nr; r++)
        for (int l = 0; l < nl; l++) {
            int64_t c = r < q->nopt ? q->cnt[l][r] : q->skipped[l];
            cells[r * nl + l] = c;
            hid[r * nl + l] = c < k || q->shown[l] < k;
        }
    for (int l = 0; l < nl; l++)
        col_shown[l] = q->shown[l] >= k;
    if (!q->multi) {
        /* answers and "skipped" add up to the denominator of each location, each row to the
         * figure over every location (the results page) */
        coll_views_suppress(cells, (size_t)nr, (size_t)nl, k, true, true, NULL, col_shown, hid);
        for (int l = 0; l < nl; l++)
            n_hidden[l] = q->shown[l] < k || (hid[(nr - 1) * nl + l] && q->skipped[l] > 0);
    } else {
        /* answered + skipped = the denominator; each option and those who did not choose it add
         * up to the answered count, each option's row to the figure over every location */
        int64_t two[2 * CV_MAX_LOC];
        bool h2[2 * CV_MAX_LOC];
        for (int l = 0; l < nl; l++) {
            two[l] = q->answered[l];
            two[nl + l] = q->skipped[l];
            h2[l] = q->answered[l] < k || q->shown[l] < k;
            h2[nl + l] = q->skipped[l] < k || q->shown[l] < k;
        }
        coll_views_suppress(two, 2, (size_t)nl, k, true, true, NULL, col_shown, h2);
        for (int l = 0; l < nl; l++) {
            n_hidden[l] = h2[l];
            for (int r = 0; r < nr; r++) {
                int64_t rest = q->answered[l] - cells[r * nl + l];
                hid[r * nl + l] |= !n_hidden[l] && rest > 0 && rest < k;
            }
        }
        coll_views_suppress(cells, (size_t)nr, (size_t)nl, k, true, false, NULL, NULL, hid);
    }
    for (int r = 0; r < nr; r++)
        for (int l = 0; l < nl; l++)
            bars[r * nl + l] = (cv_bar){cells[r * nl + l], q->shown[l], hid[r * nl + l]};
    return nr;
}

static void render_compare_question(coll_html *h, const cv_set *x, int qi, const cv_locations *l,
                                    int64_t k, const cv_words *w, const char *ui_lang)
{
    const cv_question *q = &x->q[qi];
    const char *text = coll_results_text(x->s, x->si, q->text, ui_lang);
    coll_html_fmt(h, "<section class=\"question\" aria-labelledby=\"q%d\">\n<h2 id=\"q%d\">", qi,
                  qi);
    coll_html_text(h, text);
    coll_html_raw(h, "</h2>\n");
    if (q->multi) {
        coll_html_raw(h, "<p class=\"note\">");
        coll_html_text(h, w->multi_rows);
        coll_html_raw(h, "</p>\n");
    }
    cv_bar bars[(CV_MAX_OPT + 1) * CV_MAX_LOC] = {0};
    bool n_hidden[CV_MAX_LOC];
    int nr = compare_cells(q, l->n, k, bars, n_hidden);
    char *labels[CV_MAX_OPT + 1];
    for (int r = 0; r < q->nopt; r++)
        labels[r] = q->label[r];
    labels[q->nopt] = (char *)w->skipped;
    const char *series[CV_MAX_LOC];
    for (int j = 0; j < l->n; j++)
        series[j] = l->name[j];
    coll_html_raw(h, "<div class=\"qbody\">\n");
    grouped_chart(h, w->cmp_chart, nr, labels, l->n, series, bars, w);
    coll_html_raw(h, "<table>\n<caption class=\"visually-hidden\">");
    coll_html_text(h, text);
    coll_html_fmt(h, "</caption>\n<thead><tr><th scope=\"col\">%s</th>", w->answer);
    for (int j = 0; j < l->n; j++) {
        coll_html_raw(h, "<th scope=\"col\">");
        coll_html_text(h, l->name[j]);
        coll_html_fmt(h, ": %s</th><th scope=\"col\">", w->count);
        coll_html_text(h, l->name[j]);
        coll_html_fmt(h, ": %s</th>", w->share);
    }
    coll_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (int r = 0; r < nr; r++) {
        coll_html_raw(h, "<tr><th scope=\"row\">");
        coll_html_text(h, labels[r]);
        coll_html_raw(h, "</th>");
        for (int j = 0; j < l->n; j++)
            count_share_cells(h, &bars[r * l->n + j], w);
        coll_html_raw(h, "</tr>\n");
    }
    coll_html_fmt(h, "</tbody>\n<tfoot>\n<tr><th scope=\"row\">%s</th>", w->answered);
    for (int j = 0; j < l->n; j++) {
        if (n_hidden[j])
            coll_html_fmt(h, "<td colspan=\"2\" class=\"hidden\">%s</td>", w->hidden);
        else
            coll_html_fmt(h, "<td colspan=\"2\">%lld</td>", (long long)q->answered[j]);
    }
    coll_html_fmt(h, "</tr>\n<tr><th scope=\"row\">%s</th>", w->shown);
    for (int j = 0; j < l->n; j++) {
        coll_html_raw(h, "<td colspan=\"2\">");
        if (q->shown[j] < k)
            coll_html_fmt(h, w->fewer, (long long)k);
        else
            coll_html_fmt(h, "%lld", (long long)q->shown[j]);
        coll_html_raw(h, "</td>");
    }
    coll_html_raw(h, "</tr>\n</tfoot>\n</table>\n</div>\n</section>\n");
}

static int render_compare(coll_db *db, cv_set *x, const coll_views_req *r, int64_t k,
                          const cv_words *w, const char *ui_lang, coll_html *h, char *err,
                          size_t errlen)
{
    /* (not the flagged ones left out: coll_results_count counts them; the results page leaves them
     * out only when at least k match) */
    filter_note(h, r->filter, CV_F_LANGUAGE | CV_F_PERIOD | CV_F_STATUS | CV_F_HOURS, w);
    cv_locations l;
    if (locations(db, &l, err, errlen) != 0)
        return -1;
    if (l.n == 0) {
        coll_html_fmt(h, "<p>%s</p>\n", w->no_loc);
        return 0;
    }
    for (int j = 0; j < l.n; j++) {
        coll_results_filter f = r->filter ? *r->filter : (coll_results_filter){0};
        f.location = l.name[j];
        f.exclude_flagged = false;
        int64_t responses;
        x->loc = j;
        x->next = 0;
        if (coll_results_count(db, x->s, x->si, &f, take_question, x, &responses, err, errlen) != 0)
            return -1;
    }
    coll_html_fmt(h, "<p class=\"note\">%s</p>\n", w->cmp_note);
    for (int i = 0; i < x->nq; i++)
        render_compare_question(h, x, i, &l, k, w, ui_lang);
    return 0;
}

/* ---- trend -------------------------------------------------------------------------------- */

typedef struct {
    int64_t answered, cnt[CV_MAX_OPT];
} cv_period;

typedef struct {
    const cv_question *q;
    const coll_results_sets *s;
    bool *same; /* per set: its question of this id has the same answers */
    bool by_week;
    int64_t first, last; /* periods seen */
    /* periods first .. first + CV_MAX_PERIODS - 1 of the data, kept in a window that slides to
     * the last ones */
    cv_period *p;
    bool any;
    /* one location asked for: the same periods of each other location (the last slot: those not
     * in the list), whose small counts the page must not let be worked out from the figures over
     * every location */
    const char *location;
    const cv_locations *locs;
    cv_period *other; /* (CV_MAX_LOC + 1) x the periods */
    bool days;        /* the rows are days (agg_counts), else months */
} cv_trend;

/* The question of id in set t has the same type and answer ids as q (its counts can be added). */
typedef struct {
    const cv_question *q;
    bool same;
} same_ctx;

static int same_question(void *ctx, const coll_results_question *o)
{
    same_ctx *c = ctx;
    if (strcmp(o->id, c->q->id) != 0)
        return 0;
    c->same = strcmp(o->type, c->q->type) == 0 && o->nopt == c->q->nopt;
    for (int j = 0; c->same && j < o->nopt; j++)
        c->same = strcmp(o->opt[j], c->q->opt[j]) == 0;
    return 1;
}

/* Periods of a day: weeks from Monday (1970-01-01 was a Thursday) or months. */
static int64_t period_of(int64_t v, bool by_week)
{
    return by_week ? (v + 3 >= 0 ? (v + 3) / 7 : (v + 3 - 6) / 7) : v;
}

/* Index of location name among the others (CV_MAX_LOC: not listed). */
static int other_index(const cv_locations *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0)
            return i;
    return CV_MAX_LOC;
}

/* Whether a row (questionset, version, period, answer, n, location) counts for this trend, and
 * its period. */
static bool trend_counted(const cv_trend *t, const char *const *v, int64_t *period)
{
    long si = coll_results_sets_find(t->s, v[0]);
    if (si < 0 || !t->same[si] ||
        !coll_results_version_counted(t->s, (size_t)si, coll_store_num(v[1])))
        return false;
    int64_t d = coll_store_num(v[2]);
    *period = t->days && !t->by_week ? coll_agg_month(d) : period_of(d, t->by_week);
    return true;
}

static int trend_range(void *ctx, int ncol, const char *const *v)
{
    cv_trend *t = ctx;
    int64_t p;
    if (ncol < 6 || !v[0] || !v[1] || !v[2] || !v[3] || !v[4] || !v[5] ||
        !trend_counted(t, v, &p) || (t->location && strcmp(t->location, v[5]) != 0))
        return 0;
    if (!t->any || p < t->first)
        t->first = p;
    if (!t->any || p > t->last)
        t->last = p;
    t->any = true;
    return 0;
}

static int trend_row(void *ctx, int ncol, const char *const *v)
{
    cv_trend *t = ctx;
    int64_t p;
    if (ncol < 6 || !v[0] || !v[1] || !v[2] || !v[3] || !v[4] || !v[5] ||
        !trend_counted(t, v, &p) || p < t->first || p > t->last)
        return 0;
    size_t np = (size_t)(t->last - t->first + 1);
    cv_period *e = &t->p[p - t->first];
    if (t->location && strcmp(t->location, v[5]) != 0)
        e = &t->other[(size_t)other_index(t->locs, v[5]) * np + (size_t)(p - t->first)];
    int64_t n = coll_store_num(v[4]);
    if (!v[3][0])
        e->answered += n;
    for (int j = 0; v[3][0] && j < t->q->nopt; j++)
        if (strcmp(t->q->opt[j], v[3]) == 0)
            e->cnt[j] += n;
    return 0;
}

/* ?1 the question, ?2 a language or '', days ?3 <= day < ?4 (a period: per day, also for a trend
 * per month) */
static const char sql_trend_month[] =
    "SELECT questionset, questionset_version, month, answer, SUM(n), location FROM agg_months"
    " WHERE question = ?1 AND status = 'complete' AND (?2 = '' OR language = ?2)"
    " GROUP BY questionset, questionset_version, month, answer, location";
static const char sql_trend_day[] =
    "SELECT questionset, questionset_version, day, answer, SUM(n), location FROM agg_counts"
    " WHERE question = ?1 AND status = 'complete' AND (?2 = '' OR language = ?2)"
    " AND day >= ?3 AND day < ?4"
    " GROUP BY questionset, questionset_version, day, answer, location";

/* The label of a period: the Monday of a week (YYYY-MM-DD) or the month (YYYY-MM). */
static void period_label(int64_t p, bool by_week, char *buf, size_t len)
{
    int64_t day = by_week ? p * 7 - 3 : 0;
    int64_t month = by_week ? coll_agg_month(day) : p;
    int64_t y = 1970 + (month >= 0 ? month / 12 : (month - 11) / 12);
    int64_t m = month - (y - 1970) * 12 + 1;
    if (by_week)
        snprintf(buf, len, "%04lld-%02lld-%02lld", (long long)y, (long long)m,
                 (long long)(day - coll_agg_month_start(month) + 1));
    else
        snprintf(buf, len, "%04lld-%02lld", (long long)y, (long long)m);
}

/* The cells of the trend (rows: periods, columns: answers) with the hidden ones marked: a period
 * with fewer than k answers has none shown. */
static void trend_cells(const cv_trend *t, size_t np, int64_t k, int64_t *cells, bool *hid,
                        bool *row_shown)
{
    int no = t->q->nopt;
    for (size_t p = 0; p < np; p++) {
        const cv_period *e = &t->p[p];
        row_shown[p] = e->answered >= k;
        for (int j = 0; j < no; j++) {
            int64_t c = e->cnt[j], rest = e->answered - c;
            cells[p * (size_t)no + (size_t)j] = c;
            hid[p * (size_t)no + (size_t)j] =
                !row_shown[p] || c < k || (t->q->multi && rest > 0 && rest < k);
            for (size_t m = 0; t->other && m <= CV_MAX_LOC; m++)
                hid[p * (size_t)no + (size_t)j] |=
                    coll_results_small(t->other[m * np + p].cnt[j], k);
        }
    }
    /* single answers add up to the period's n; the totals per answer over the periods are not
     * shown here */
    coll_views_suppress(cells, np, (size_t)no, k, !t->q->multi, false, row_shown, NULL, hid);
}

/* One small chart per answer: its share per period as points, joined where periods follow each
 * other. */
static void trend_chart(coll_html *h, const cv_trend *t, size_t np, int j, const int64_t *cells,
                        const bool *hid, const cv_words *w)
{
    int no = t->q->nopt, x0 = 50, x1 = 330, y0 = 30, y1 = 130;
    coll_html_raw(h, "<svg class=\"chart trend\" role=\"img\" width=\"350\" height=\"165\" "
                     "viewBox=\"0 0 350 165\" aria-label=\"");
    coll_html_text(h, t->q->label[j]);
    coll_html_fmt(h, ": %s\">\n<text x=\"%d\" y=\"18\" class=\"title\">", w->trend_chart, x0);
    coll_html_text(h, t->q->label[j]);
    coll_html_fmt(h,
                  "</text>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>"
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0%%</text>"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">100%%</text>\n",
                  x0, y1, x1, y1, x0, y0, x0, y1, x0 - 6, y1 + 5, x0 - 6, y0 + 5);
    char a[16], b[16];
    period_label(t->first, t->by_week, a, sizeof a);
    period_label(t->first + (int64_t)np - 1, t->by_week, b, sizeof b);
    coll_html_fmt(h,
                  "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
                  "text-anchor=\"end\">%s</text>\n",
                  x0, y1 + 22, a, x1, y1 + 22, b);
    int px = 0, py = 0;
    bool prev = false;
    for (size_t p = 0; p < np; p++) {
        size_t i = p * (size_t)no + (size_t)j;
        if (hid[i]) {
            prev = false;
            continue;
        }
        int x = np > 1 ? x0 + (int)((int64_t)p * (x1 - x0) / (int64_t)(np - 1)) : (x0 + x1) / 2;
        int y = y1 - (int)(cells[i] * (y1 - y0) / t->p[p].answered);
        if (prev)
            coll_html_fmt(h,
                          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"line\" "
                          "stroke=\"%s\"/>",
                          px, py, x, y, colours[0]);
        coll_html_fmt(h, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>\n", x, y, colours[0]);
        px = x;
        py = y;
        prev = true;
    }
    coll_html_raw(h, "</svg>\n");
}

static void trend_table(coll_html *h, const cv_trend *t, size_t np, const int64_t *cells,
                        const bool *hid, const bool *row_shown, int64_t k, const cv_words *w,
                        const char *caption)
{
    int no = t->q->nopt;
    coll_html_raw(h, "<table>\n<caption class=\"visually-hidden\">");
    coll_html_text(h, caption);
    coll_html_fmt(h, "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>",
                  t->by_week ? w->week_col : w->month_col, w->n_col);
    for (int j = 0; j < no; j++) {
        coll_html_raw(h, "<th scope=\"col\">");
        coll_html_text(h, t->q->label[j]);
        coll_html_raw(h, "</th>");
    }
    coll_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (size_t p = 0; p < np; p++) {
        char label[16];
        period_label(t->first + (int64_t)p, t->by_week, label, sizeof label);
        coll_html_fmt(h, "<tr><th scope=\"row\">%s</th>", label);
        if (!row_shown[p]) {
            coll_html_fmt(h, "<td colspan=\"%d\" class=\"hidden\">", no + 1);
            coll_html_fmt(h, w->fewer, (long long)k);
            coll_html_raw(h, "</td></tr>\n");
            continue;
        }
        coll_html_fmt(h, "<td>%lld</td>", (long long)t->p[p].answered);
        for (int j = 0; j < no; j++) {
            size_t i = p * (size_t)no + (size_t)j;
            if (hid[i])
                coll_html_fmt(h, "<td class=\"hidden\">%s</td>", w->hidden);
            else
                coll_html_fmt(h, "<td>%lld%% (%lld)</td>",
                              (long long)pct(cells[i], t->p[p].answered), (long long)cells[i]);
        }
        coll_html_raw(h, "</tr>\n");
    }
    coll_html_raw(h, "</tbody>\n</table>\n");
}

static int render_trend(coll_db *db, cv_set *x, const coll_views_req *r, int64_t k,
                        const cv_words *w, const char *ui_lang, coll_html *h, char *err,
                        size_t errlen)
{
    cv_locations l;
    if (locations(db, &l, err, errlen) != 0)
        return -1;
    int qi = find_q(x, r->question);
    qi = qi < 0 ? 0 : qi;
    form_open(h, x->s, x->si, r, ui_lang);
    select_question(h, x, "q", w->trend_q, qi, ui_lang);
    coll_html_fmt(h,
                  "<div><label for=\"period\">%s</label><select id=\"period\" "
                  "name=\"period\">",
                  w->period);
    option(h, "month", w->month, !r->by_week);
    option(h, "week", w->week, r->by_week);
    coll_html_raw(h, "</select></div>\n");
    select_location(h, &l, r->location, w);
    form_close(h, w);
    filter_note(h, r->filter, CV_F_LANGUAGE | CV_F_PERIOD, w);
    const coll_results_filter *f = r->filter;
    const cv_question *q = &x->q[qi];
    size_t nsets = coll_results_sets_count(x->s);
    cv_trend t = {.q = q,
                  .s = x->s,
                  .by_week = r->by_week,
                  .same = calloc(nsets + 1, 1),
                  .location = r->location && r->location[0] ? r->location : NULL,
                  .locs = &l,
                  .days = r->by_week || (f && (f->from_ms || f->to_ms))};
    if (!t.same) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    coll_html_fmt(h, "<p class=\"note\">%s", w->trend_sets);
    bool comma = false;
    for (size_t j = 0; j < nsets; j++) {
        same_ctx c = {q, false};
        if (coll_results_questions(x->s, j, same_question, &c, err, errlen) != 0) {
            free(t.same);
            return -1;
        }
        if ((t.same[j] = c.same)) {
            coll_html_raw(h, comma ? ", " : "");
            coll_html_text(h, coll_results_sets_title(x->s, j, ui_lang));
            coll_html_raw(h, " (");
            coll_html_text(h, coll_results_sets_id(x->s, j));
            coll_html_raw(h, ")");
            comma = true;
        }
    }
    coll_html_raw(h, ".</p>\n");
    const char *sql = t.days ? sql_trend_day : sql_trend_month;
    coll_param p[] = {COLL_TEXT(q->id), COLL_TEXT(f && f->language ? f->language : ""),
                      COLL_NUM(f && f->from_ms ? coll_agg_day(f->from_ms) : INT32_MIN),
                      COLL_NUM(f && f->to_ms ? coll_agg_day(f->to_ms) : INT32_MAX)};
    int np_sql = t.days ? 4 : 2;
    int rc = -1;
    int64_t *cells = NULL;
    bool *hid = NULL, *row_shown = NULL;
    if (coll_db_agg_settle(db, err, errlen) != 0 ||
        coll_db_query(db, sql, p, np_sql, trend_range, &t, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    if (!t.any) {
        coll_html_fmt(h, "<p>%s</p>\n", w->trend_none);
        rc = 0;
        goto done;
    }
    if (t.last - t.first >= CV_MAX_PERIODS)
        t.first = t.last - CV_MAX_PERIODS + 1;
    size_t np = (size_t)(t.last - t.first + 1), no = (size_t)q->nopt;
    t.p = calloc(np, sizeof *t.p);
    cells = calloc(np * no, sizeof *cells);
    hid = calloc(np * no, sizeof *hid);
    row_shown = calloc(np, sizeof *row_shown);
    if (t.location)
        t.other = calloc((CV_MAX_LOC + 1) * np, sizeof *t.other);
    if (!t.p || !cells || !hid || !row_shown || (t.location && !t.other)) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    if (coll_db_query(db, sql, p, np_sql, trend_row, &t, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    trend_cells(&t, np, k, cells, hid, row_shown);
    const char *text = coll_results_text(x->s, x->si, q->text, ui_lang);
    coll_html_raw(h, "<section class=\"question\" aria-labelledby=\"q1\">\n<h2 id=\"q1\">");
    coll_html_text(h, text);
    coll_html_raw(h, "</h2>\n<p class=\"note\">");
    coll_html_fmt(h, w->trend_note, r->by_week ? w->week : w->month, (long long)k);
    if (q->multi) {
        coll_html_raw(h, " ");
        coll_html_text(h, w->multi_rows);
    }
    coll_html_raw(h, "</p>\n<div class=\"qbody\">\n");
    for (int j = 0; j < q->nopt; j++)
        trend_chart(h, &t, np, j, cells, hid, w);
    coll_html_raw(h, "</div>\n");
    trend_table(h, &t, np, cells, hid, row_shown, k, w, text);
    coll_html_raw(h, "</section>\n");
    rc = 0;
done:
    free(t.same);
    free(t.p);
    free(t.other);
    free(cells);
    free(hid);
    free(row_shown);
    return rc;
}

/* ---- cross-tab ---------------------------------------------------------------------------- */

typedef struct {
    int64_t cell[CV_MAX_OPT * CV_MAX_OPT], row[CV_MAX_OPT], col[CV_MAX_OPT], total;
} cv_table;

typedef struct {
    const cv_set *x;
    const cv_question *a, *b;
    cv_table t; /* the location asked for, or every location */
    /* one location asked for: each other one (the last: those not in the list), as in a trend;
     * sel the index of the one asked for (CV_MAX_LOC + 1: none has that name), -1 for every one */
    const char *location;
    const cv_locations *locs;
    int sel;
    cv_table other[CV_MAX_LOC + 1];
    bool oom;
} cv_cross;

static bool answered(const json_t *v)
{
    return json_is_string(v) || (json_is_array(v) && json_array_size(v) > 0);
}

static bool chose(const json_t *v, const char *id)
{
    if (json_is_string(v))
        return strcmp(json_string_value(v), id) == 0;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) if (json_is_string(e) &&
                                    strcmp(json_string_value(e), id) == 0) return true;
    return false;
}

/* Adds n responses of version with answers (a JSON object) at location loc (an index of
 * c->locs, CV_MAX_LOC for one not listed). */
static void cross_add(cv_cross *c, int64_t version, const char *answers, int64_t n, int loc)
{
    if (!coll_results_version_counted(c->x->s, c->x->si, version))
        return;
    json_t *ans = json_loads(answers, 0, NULL);
    if (!ans) {
        c->oom = true; /* the collector checked it when it stored it */
        return;
    }
    const json_t *a = json_object_get(ans, c->a->id), *b = json_object_get(ans, c->b->id);
    cv_table *t = c->sel < 0 || loc == c->sel ? &c->t : &c->other[loc];
    if (answered(a) && answered(b)) {
        t->total += n;
        bool ca[CV_MAX_OPT], cb[CV_MAX_OPT];
        for (int i = 0; i < c->a->nopt; i++)
            t->row[i] += (ca[i] = chose(a, c->a->opt[i])) ? n : 0;
        for (int j = 0; j < c->b->nopt; j++)
            t->col[j] += (cb[j] = chose(b, c->b->opt[j])) ? n : 0;
        for (int i = 0; i < c->a->nopt; i++)
            for (int j = 0; j < c->b->nopt; j++)
                t->cell[i * c->b->nopt + j] += ca[i] && cb[j] ? n : 0;
    }
    json_decref(ans);
}

/* PostgreSQL: one distinct answers object per row (version, answers, how many, location), grouped
 * by the server. */
static int cross_row(void *ctx, int ncol, const char *const *v)
{
    cv_cross *c = ctx;
    if (ncol >= 4 && v[0] && v[1] && v[2] && v[3])
        cross_add(c, coll_store_num(v[0]), v[1], coll_store_num(v[2]), other_index(c->locs, v[3]));
    return 0;
}

/* ?1 the set; the results page's filter: ?2 language, ?3 status ('' for any), started
 * ?4 <= ms < ?5 (0: no bound). (Not the flagged ones left out: the results page leaves them out
 * only when at least k match, which a cross-tab of two questions would have to count apart.) */
#define CROSS_FILTER                                                                               \
    " AND (?2 = '' OR r.language = ?2) AND (?3 = '' OR r.status = ?3)"                             \
    " AND (?4 = 0 OR r.started_at_ms >= ?4) AND (?5 = 0 OR r.started_at_ms < ?5)"
static const char sql_cross_pg[] =
    "SELECT r.questionset_version, r.answers, COUNT(*), d.location FROM responses r"
    " JOIN devices d ON d.name = r.device WHERE r.questionset = ?1 AND r.sealed IS "
    "NULL" CROSS_FILTER " GROUP BY d.location, r.questionset_version, r.answers";

/* SQLite: its GROUP BY sorts a million answers in a temporary b-tree (seconds); the responses are
 * read in their order instead and the distinct (version, location, answers) added up here, the
 * location found from the device in a map read first. */
typedef struct {
    char *answers;
    uint64_t hash;
    int64_t version, n;
    int loc;
} cv_distinct;

typedef struct {
    cv_cross *c;
    json_t *device_loc; /* device name -> index of its location */
    cv_distinct *slot;  /* open addressing; answers NULL: free */
    size_t cap, used;
    bool oom;
} cv_scan;

static int device_row(void *ctx, int ncol, const char *const *v)
{
    cv_scan *x = ctx;
    if (ncol >= 2 && v[0] && v[1])
        x->oom |= json_object_set_new(x->device_loc, v[0],
                                      json_integer(other_index(x->c->locs, v[1]))) != 0;
    return 0;
}

static uint64_t fnv(const char *p, uint64_t h)
{
    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return h;
}

static bool scan_grow(cv_scan *x)
{
    size_t cap = x->cap ? x->cap * 2 : 1024;
    cv_distinct *s = calloc(cap, sizeof *s);
    if (!s)
        return false;
    for (size_t i = 0; i < x->cap; i++) {
        if (!x->slot[i].answers)
            continue;
        size_t j = x->slot[i].hash & (cap - 1);
        while (s[j].answers)
            j = (j + 1) & (cap - 1);
        s[j] = x->slot[i];
    }
    free(x->slot);
    x->slot = s;
    x->cap = cap;
    return true;
}

/* One response (version, answers, device). */
static int scan_row(void *ctx, int ncol, const char *const *v)
{
    cv_scan *x = ctx;
    if (ncol < 3 || !v[0] || !v[1] || !v[2])
        return 0;
    if ((x->used + 1) * 2 > x->cap && !scan_grow(x)) {
        x->oom = true;
        return 1;
    }
    int64_t version = coll_store_num(v[0]);
    const json_t *l = json_object_get(x->device_loc, v[2]);
    int loc = l ? (int)json_integer_value(l) : CV_MAX_LOC;
    uint64_t h = fnv(v[1], 1469598103934665603u) ^ (uint64_t)version * 31 ^ (uint64_t)loc;
    size_t j = h & (x->cap - 1);
    for (; x->slot[j].answers; j = (j + 1) & (x->cap - 1)) {
        cv_distinct *e = &x->slot[j];
        if (e->hash == h && e->version == version && e->loc == loc &&
            strcmp(e->answers, v[1]) == 0) {
            e->n++;
            return 0;
        }
    }
    if (!(x->slot[j].answers = strdup(v[1]))) {
        x->oom = true;
        return 1;
    }
    x->slot[j].hash = h;
    x->slot[j].version = version;
    x->slot[j].loc = loc;
    x->slot[j].n = 1;
    x->used++;
    return 0;
}

static const char sql_cross_devices[] = "SELECT name, location FROM devices";
static const char sql_cross_sqlite[] =
    "SELECT r.questionset_version, r.answers, r.device FROM responses r"
    " WHERE r.questionset = ?1 AND r.sealed IS NULL" CROSS_FILTER;

/* Counts the cross-tab of c over the responses of the set. 0, or -1 with err. */
static int cross_count(coll_db *db, cv_cross *c, const coll_results_filter *f, char *err,
                       size_t errlen)
{
    coll_param p[] = {COLL_TEXT(coll_results_sets_id(c->x->s, c->x->si)),
                      COLL_TEXT(f && f->language ? f->language : ""),
                      COLL_TEXT(f && f->status ? f->status : ""), COLL_NUM(f ? f->from_ms : 0),
                      COLL_NUM(f ? f->to_ms : 0)};
    if (strcmp(coll_db_backend(db), "SQLite") != 0) {
        if (coll_db_query(db, sql_cross_pg, p, 5, cross_row, c, NULL, err, errlen) != COLL_SQL_OK)
            return -1;
    } else {
        cv_scan x = {.c = c, .device_loc = json_object()};
        int rc = x.device_loc ? 0 : -1;
        if (rc == 0 && (coll_db_query(db, sql_cross_devices, NULL, 0, device_row, &x, NULL, err,
                                      errlen) != COLL_SQL_OK ||
                        coll_db_query(db, sql_cross_sqlite, p, 5, scan_row, &x, NULL, err,
                                      errlen) != COLL_SQL_OK))
            rc = x.oom ? 0 : -1; /* stopped for memory: said below */
        for (size_t i = 0; i < x.cap; i++) {
            if (x.slot[i].answers && rc == 0 && !x.oom)
                cross_add(c, x.slot[i].version, x.slot[i].answers, x.slot[i].n, x.slot[i].loc);
            free(x.slot[i].answers);
        }
        c->oom |= x.oom || !x.device_loc;
        free(x.slot);
        json_decref(x.device_loc);
        if (rc != 0)
            return -1;
    }
    if (c->oom) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Hidden totals of one side (rows or columns), some already marked in hid: below k, and, when
 * the question takes one answer, so that the hidden ones cannot be worked out from the grand
 * total; a multiple choice's option is also hidden when the others (total minus the option)
 * are 1..k-1. */
static void cross_totals(const int64_t *t, int n, bool multi, int64_t total, int64_t k, bool *hid)
{
    for (int i = 0; i < n; i++)
        hid[i] |= t[i] < k || (multi && coll_results_small(total - t[i], k));
    if (!multi)
        coll_views_suppress(t, 1, (size_t)n, k, true, false, NULL, NULL, hid);
}

static int render_cross(coll_db *db, cv_set *x, const coll_views_req *r, int64_t k,
                        const cv_words *w, const char *ui_lang, coll_html *h, char *err,
                        size_t errlen)
{
    cv_locations l;
    if (locations(db, &l, err, errlen) != 0)
        return -1;
    int qa = find_q(x, r->question), qb = find_q(x, r->question2);
    qa = qa < 0 ? 0 : qa;
    qb = qb < 0 ? (x->nq > 1 ? 1 : 0) : qb;
    form_open(h, x->s, x->si, r, ui_lang);
    select_question(h, x, "q", w->ct_rows, qa, ui_lang);
    select_question(h, x, "q2", w->ct_cols, qb, ui_lang);
    select_location(h, &l, r->location, w);
    form_close(h, w);
    filter_note(h, r->filter, CV_F_LANGUAGE | CV_F_PERIOD | CV_F_STATUS, w);
    if (qa == qb) {
        coll_html_fmt(h, "<p>%s</p>\n", w->ct_same);
        return 0;
    }
    cv_cross *c = calloc(1, sizeof *c);
    if (!c) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    c->x = x;
    c->a = &x->q[qa];
    c->b = &x->q[qb];
    bool loc = r->location && r->location[0];
    c->location = loc ? r->location : NULL;
    c->locs = &l;
    c->sel = loc ? other_index(&l, r->location) : -1;
    if (c->sel == CV_MAX_LOC)
        c->sel = CV_MAX_LOC + 1;
    if (cross_count(db, c, r->filter, err, errlen) != 0) {
        free(c);
        return -1;
    }
    const char *ta = coll_results_text(x->s, x->si, c->a->text, ui_lang);
    const char *tb = coll_results_text(x->s, x->si, c->b->text, ui_lang);
    coll_html_raw(h, "<section class=\"question\" aria-labelledby=\"q1\">\n<h2 id=\"q1\">");
    coll_html_text(h, ta);
    coll_html_raw(h, " × ");
    coll_html_text(h, tb);
    coll_html_raw(h, "</h2>\n<p class=\"note\">");
    coll_html_text(h, w->ct_note);
    if (c->a->multi || c->b->multi) {
        coll_html_raw(h, " ");
        coll_html_text(h, w->multi_rows);
    }
    coll_html_raw(h, "</p>\n");
    if (c->t.total < k) {
        coll_html_raw(h, "<p class=\"note\">");
        coll_html_fmt(h, w->ct_none, (long long)k);
        coll_html_raw(h, "</p>\n</section>\n");
        free(c);
        return 0;
    }
    int na = c->a->nopt, nb = c->b->nopt;
    bool rh[CV_MAX_OPT], ch[CV_MAX_OPT], rs[CV_MAX_OPT], cs[CV_MAX_OPT],
        hid[CV_MAX_OPT * CV_MAX_OPT];
    memset(rh, 0, sizeof rh);
    memset(ch, 0, sizeof ch);
    for (int m = 0; c->location && m <= CV_MAX_LOC; m++) {
        for (int i = 0; i < na; i++)
            rh[i] |= coll_results_small(c->other[m].row[i], k);
        for (int j = 0; j < nb; j++)
            ch[j] |= coll_results_small(c->other[m].col[j], k);
    }
    cross_totals(c->t.row, na, c->a->multi, c->t.total, k, rh);
    cross_totals(c->t.col, nb, c->b->multi, c->t.total, k, ch);
    for (int i = 0; i < na; i++)
        rs[i] = !rh[i];
    for (int j = 0; j < nb; j++)
        cs[j] = !ch[j];
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) {
            int64_t v = c->t.cell[i * nb + j];
            int64_t rest_a = c->t.col[j] - v, rest_b = c->t.row[i] - v;
            hid[i * nb + j] = v < k || rh[i] || ch[j] ||
                              (c->a->multi && cs[j] && rest_a > 0 && rest_a < k) ||
                              (c->b->multi && rs[i] && rest_b > 0 && rest_b < k);
            for (int m = 0; c->location && m <= CV_MAX_LOC; m++)
                hid[i * nb + j] |= coll_results_small(c->other[m].cell[i * nb + j], k);
        }
    /* a row's cells add up to its total when the columns' question takes one answer */
    coll_views_suppress(c->t.cell, (size_t)na, (size_t)nb, k, !c->b->multi, !c->a->multi, rs, cs,
                        hid);
    cv_bar bars[CV_MAX_OPT * CV_MAX_OPT] = {0};
    for (int i = 0; i < na * nb; i++)
        bars[i] = (cv_bar){c->t.cell[i], c->t.row[i / nb], hid[i]};
    coll_html_raw(h, "<div class=\"qbody\">\n");
    grouped_chart(h, w->ct_chart, na, c->a->label, nb, (const char *const *)c->b->label, bars, w);
    coll_html_raw(h, "<table>\n<caption class=\"visually-hidden\">");
    coll_html_text(h, ta);
    coll_html_raw(h, " × ");
    coll_html_text(h, tb);
    coll_html_raw(h, "</caption>\n<thead><tr><th scope=\"col\">");
    coll_html_text(h, ta);
    coll_html_raw(h, "</th>");
    for (int j = 0; j < nb; j++) {
        coll_html_raw(h, "<th scope=\"col\">");
        coll_html_text(h, c->b->label[j]);
        coll_html_raw(h, "</th>");
    }
    coll_html_fmt(h, "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n", w->ct_total);
    for (int i = 0; i < na; i++) {
        coll_html_raw(h, "<tr><th scope=\"row\">");
        coll_html_text(h, c->a->label[i]);
        coll_html_raw(h, "</th>");
        for (int j = 0; j < nb; j++) {
            const cv_bar *b = &bars[i * nb + j];
            if (b->hidden)
                coll_html_fmt(h, "<td class=\"hidden\">%s</td>", w->hidden);
            else
                coll_html_fmt(h, "<td>%lld (%lld%%)</td>", (long long)b->count,
                              (long long)pct(b->count, b->of));
        }
        if (rh[i])
            coll_html_fmt(h, "<td class=\"hidden\">%s</td></tr>\n", w->hidden);
        else
            coll_html_fmt(h, "<td>%lld</td></tr>\n", (long long)c->t.row[i]);
    }
    coll_html_fmt(h, "</tbody>\n<tfoot><tr><th scope=\"row\">%s</th>", w->ct_total);
    for (int j = 0; j < nb; j++) {
        if (ch[j])
            coll_html_fmt(h, "<td class=\"hidden\">%s</td>", w->hidden);
        else
            coll_html_fmt(h, "<td>%lld</td>", (long long)c->t.col[j]);
    }
    coll_html_fmt(h, "<td>%lld</td></tr></tfoot>\n</table>\n</div>\n</section>\n",
                  (long long)c->t.total);
    free(c);
    return 0;
}

/* ---- the views ---------------------------------------------------------------------------- */

int coll_views_render(coll_db *db, const coll_results_sets *s, size_t i, const coll_views_req *r,
                      int64_t k, const char *ui_lang, coll_html *h, char *err, size_t errlen)
{
    const cv_words *w = strcmp(ui_lang, "en") == 0 ? &words_en : &words_nl;
    cv_set x;
    int rc = set_load(&x, s, i, ui_lang, err, errlen);
    if (rc == 0 && x.nq == 0)
        coll_html_fmt(h, "<p>%s</p>\n", w->choose);
    else if (rc == 0 && r->kind == COLL_VIEWS_COMPARE)
        rc = render_compare(db, &x, r, k, w, ui_lang, h, err, errlen);
    else if (rc == 0 && r->kind == COLL_VIEWS_TREND)
        rc = render_trend(db, &x, r, k, w, ui_lang, h, err, errlen);
    else if (rc == 0)
        rc = render_cross(db, &x, r, k, w, ui_lang, h, err, errlen);
    set_free(&x);
    return rc;
}
