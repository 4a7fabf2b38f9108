/* CSV, CSV for Excel, .xlsx and JSON-lines export of collected responses. */
#include "coll_export.h"

#include "coll_dash.h"
#include "coll_ingest.h"
#include "coll_results.h"
#include "csvw.h"
#include "qtype.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifndef WIJKPEIL_NO_XLSX
#include <xlsxwriter.h>
#endif

#define COLL_QSET_MAX_BYTES (5u * 1024u * 1024u)

typedef struct {
    FILE *out;
    const coll_export_opts *o;
    char sep;           /* ',' or ';' (Excel) */
    bool local;         /* times as local Europe/Amsterdam "YYYY-MM-DD HH:MM:SS" (Excel) */
    json_t *cols;       /* array of question ids, in column order */
    json_t *seen;       /* object: question id -> true */
    const char *set_id; /* the --qset file's set id, or NULL */
    const json_t *qset; /* the --qset file, or NULL */
    const char *lang;   /* labels' language */
    json_t *qmap;       /* question id -> question (from the --qset file) */
    /* question id -> answer value -> label, as the dashboard words the answers the set has no
     * texts for (smiley, yes/no, scale: coll_results_cells), for the xlsx labels */
    json_t *words;
    long n, matched;
    int failed;
    char *err;
    size_t errlen;
#ifndef WIJKPEIL_NO_XLSX
    lxw_worksheet *ws;
    lxw_format *date_fmt;
#endif
} exp_ctx;

int coll_export_format_parse(const char *name, coll_export_format *out)
{
    static const char *const names[] = {"csv", "jsonl", "csv-excel", "xlsx"};
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (coll_export_format)i;
            return 0;
        }
    return -1;
}

const char *coll_export_mime(coll_export_format fmt)
{
    return fmt == COLL_EXPORT_XLSX    ? "application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet"
           : fmt == COLL_EXPORT_JSONL ? "application/x-ndjson; charset=utf-8"
                                      : "text/csv; charset=utf-8";
}

const char *coll_export_ext(coll_export_format fmt)
{
    return fmt == COLL_EXPORT_XLSX ? "xlsx" : fmt == COLL_EXPORT_JSONL ? "jsonl" : "csv";
}

int coll_export_has_xlsx(void)
{
#ifdef WIJKPEIL_NO_XLSX
    return 0;
#else
    return 1;
#endif
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The last Sunday of a 31-day month, 01:00 UTC, in seconds since the epoch. */
static int64_t last_sunday_0100(int64_t year, int month)
{
    int64_t z = days_from_civil(year, month, 31);
    int64_t wd = ((z + 4) % 7 + 7) % 7; /* 0 = Sunday; 1970-01-01 was a Thursday */
    return (z - wd) * 86400 + 3600;
}

/* A UTC time as the wall clock in Europe/Amsterdam shows it: CET (UTC+1), CEST (UTC+2) from the
 * last Sunday of March to the last Sunday of October at 01:00 UTC, the EU rule since 1996. Done
 * here, not with TZ and localtime_r, so that it needs neither tzdata nor a process-wide TZ. */
static void amsterdam_tm(int64_t utc_ms, struct tm *tm, int *ms)
{
    int64_t s = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
    *ms = (int)(utc_ms - s * 1000);
    time_t t = (time_t)s;
    struct tm u;
    gmtime_r(&t, &u);
    int64_t y = u.tm_year + 1900;
    bool summer = s >= last_sunday_0100(y, 3) && s < last_sunday_0100(y, 10);
    t = (time_t)(s + (summer ? 7200 : 3600));
    gmtime_r(&t, tm);
}

/* Local Amsterdam "YYYY-MM-DD HH:MM:SS", as a spreadsheet in any locale reads a date and time,
 * or "" for no time. */
static void local_or_empty(int64_t ms, char *buf, size_t len)
{
    if (ms <= 0) {
        buf[0] = '\0';
        return;
    }
    struct tm tm;
    int msec;
    amsterdam_tm(ms, &tm, &msec);
    snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A text of the set in the export's language, else its first language, else NULL. */
static const char *set_text(const exp_ctx *x, const json_t *text)
{
    const char *t = json_string_value(json_object_get(text, x->lang));
    if (!t)
        t = json_string_value(json_object_get(
            text, json_string_value(json_array_get(json_object_get(x->qset, "languages"), 0))));
    return t;
}

/* The label of answer value v of question qid, or v itself when the set has no text for it. */
static const char *value_label(const exp_ctx *x, const char *qid, const char *v)
{
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(json_object_get(x->qmap, qid), "options"), i, o)
    {
        if (json_is_string(json_object_get(o, "id")) &&
            strcmp(json_string_value(json_object_get(o, "id")), v) == 0) {
            const char *t = set_text(x, json_object_get(o, "text"));
            return t ? t : v;
        }
    }
    const char *w = json_string_value(json_object_get(json_object_get(x->words, qid), v));
    return w ? w : v;
}

/* An answer (a value, or a multi's list) as text: values (labels when labels) joined with
 * sep. Returns a malloc'd string ("" for no answer) or NULL when out of memory. */
static char *answer_text(const exp_ctx *x, const char *qid, const json_t *v, bool labels,
                         const char *sep)
{
    size_t len = 1, j;
    json_t *e;
    const json_t *one[1] = {v};
    size_t n = json_is_array(v) ? json_array_size(v) : json_is_string(v) ? 1 : 0;
    for (j = 0; j < n; j++) {
        e = json_is_array(v) ? json_array_get(v, j) : (json_t *)one[0];
        const char *s = json_string_value(e) ? json_string_value(e) : "";
        len += strlen(labels ? value_label(x, qid, s) : s) + strlen(sep);
    }
    char *out = calloc(1, len);
    if (!out)
        return NULL;
    size_t at = 0;
    for (j = 0; j < n; j++) {
        e = json_is_array(v) ? json_array_get(v, j) : (json_t *)one[0];
        const char *s = json_string_value(e) ? json_string_value(e) : "";
        const char *t = labels ? value_label(x, qid, s) : s;
        if (j) {
            memcpy(out + at, sep, strlen(sep));
            at += strlen(sep);
        }
        memcpy(out + at, t, strlen(t));
        at += strlen(t);
    }
    out[at] = '\0';
    return out;
}

static int collect_cols(void *vctx, const coll_row *r)
{
    exp_ctx *x = vctx;
    x->matched++;
    if (r->sealed)
        return 0;
    json_t *a = json_loads(r->answers_json, 0, NULL);
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v)
    {
        if (!json_object_get(x->seen, k)) {
            json_object_set_new(x->seen, k, json_true());
            json_array_append_new(x->cols, json_string(k));
        }
    }
    json_decref(a);
    return 0;
}

static void iso_or_empty(int64_t ms, char *buf, size_t len)
{
    if (ms > 0)
        wp_iso8601(ms, buf, len);
    else
        buf[0] = '\0';
}

static int write_csv_row(void *vctx, const coll_row *r)
{
    exp_ctx *x = vctx;
    FILE *f = x->out;
    if (r->sealed) /* answers not readable yet: left out of the table (the caller says so) */
        return 0;
    char st[32], fin[32], rec[32], num[32];
    void (*when)(int64_t, char *, size_t) = x->local ? local_or_empty : iso_or_empty;
    when(r->started_at_ms, st, sizeof st);
    when(r->finished_at_ms, fin, sizeof fin);
    when(r->received_at_ms, rec, sizeof rec);
    const char *fixed[14] = {r->id,
                             r->device,
                             r->location,
                             NULL,
                             r->questionset,
                             NULL,
                             r->questionset_version_text,
                             r->language,
                             st,
                             fin,
                             NULL,
                             r->status,
                             r->clock_synced < 0 ? "" : (r->clock_synced ? "yes" : "no"),
                             rec};
    for (int i = 0; i < 14; i++) {
        if (i)
            fputc(x->sep, f);
        if (i == 3 || i == 5 || i == 10) {
            snprintf(num, sizeof num, "%lld",
                     (long long)(i == 3   ? r->seq
                                 : i == 5 ? r->questionset_version
                                          : r->duration_ms));
            fputs(num, f);
        } else {
            csvw_field(f, fixed[i], true);
        }
    }
    fputc(x->sep, f);
    csvw_field(f, r->languages, true);
    fputc(x->sep, f);
    if (r->active_ms >= 0)
        fprintf(f, "%lld", (long long)r->active_ms);
    fputc(x->sep, f);
    csvw_field(f, r->flags, true);
    json_t *a = json_loads(r->answers_json, 0, NULL);
    size_t i;
    json_t *col;
    json_array_foreach(x->cols, i, col)
    {
        fputc(x->sep, f);
        /* multi: the chosen option ids joined with ";" (quoted: one cell) */
        char *t = answer_text(x, json_string_value(col), json_object_get(a, json_string_value(col)),
                              false, ";");
        if (!t) {
            x->failed = 1;
            break;
        }
        csvw_field(f, t, true);
        free(t);
    }
    json_decref(a);
    fputs("\r\n", f);
    x->n++;
    return x->failed || ferror(f) ? 1 : 0;
}

static int write_jsonl_row(void *vctx, const coll_row *r)
{
    exp_ctx *x = vctx;
    char st[32], fin[32], rec[32];
    iso_or_empty(r->started_at_ms, st, sizeof st);
    iso_or_empty(r->finished_at_ms, fin, sizeof fin);
    iso_or_empty(r->received_at_ms, rec, sizeof rec);
    json_t *answers = r->sealed ? NULL : json_loads(r->answers_json, 0, NULL);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:o, s:s, s:s, "
                          "s:o}",
                          "id", r->id, "device", r->device, "location", r->location, "seq",
                          (json_int_t)r->seq, "questionset", r->questionset, "questionset_version",
                          (json_int_t)r->questionset_version, "language", r->language, "started_at",
                          st, "finished_at", fin, "duration_ms", (json_int_t)r->duration_ms,
                          "status", r->status, "clock_synced",
                          r->clock_synced < 0 ? json_null() : json_boolean(r->clock_synced),
                          "received_at", rec, "source", r->source, r->sealed ? "sealed" : "answers",
                          r->sealed ? json_string(r->sealed)
                          : answers ? answers
                                    : json_object());
    if (o && ((r->questionset_version_text[0] &&
               json_object_set_new(o, "questionset_version_text",
                                   json_string(r->questionset_version_text)) != 0) ||
              (r->languages[0] &&
               json_object_set_new(o, "languages", store_list_json(r->languages)) != 0) ||
              (r->active_ms >= 0 &&
               json_object_set_new(o, "active_ms", json_integer(r->active_ms)) != 0) ||
              (r->flags[0] && json_object_set_new(o, "flags", store_list_json(r->flags)) != 0))) {
        json_decref(o);
        o = NULL;
    }
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        x->failed = 1;
        return 1;
    }
    fputs(text, x->out);
    fputc('\n', x->out);
    free(text);
    x->n++;
    return ferror(x->out) ? 1 : 0;
}

/* Loads the question-set file: its question ids (in order) become the first columns (a type
 * exported as nothing, a note, gets none) and its questions the labels' source. */
static int load_qset(exp_ctx *x, const char *path, json_t **qset)
{
    json_error_t je;
    json_t *q = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!q) {
        wp_errf(x->err, x->errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    *qset = q;
    json_t *qs = json_object_get(q, "questions");
    x->set_id = json_string_value(json_object_get(q, "id"));
    if (!json_is_array(qs) || !x->set_id) {
        wp_errf(x->err, x->errlen, "%s: not a question set (no \"id\" or \"questions\")", path);
        return -1;
    }
    x->qset = q;
    size_t i;
    json_t *e;
    json_array_foreach(qs, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "id"));
        if (!id || json_object_get(x->seen, id))
            continue;
        int ty = qtype_find(json_string_value(json_object_get(e, "type")));
        if (ty >= 0 && qtype_get(ty)->columns == 0)
            continue;
        json_object_set_new(x->seen, id, json_true());
        json_array_append_new(x->cols, json_string(id));
        json_object_set(x->qmap, id, e);
    }
    if (!x->lang)
        x->lang = json_string_value(json_array_get(json_object_get(q, "languages"), 0));
    size_t j;
    json_array_foreach(json_object_get(q, "languages"), j, e)
    {
        if (x->lang && json_is_string(e) && strcmp(json_string_value(e), x->lang) == 0)
            return 0;
    }
    wp_errf(x->err, x->errlen, "%s: the set has no language \"%s\"", path, x->lang ? x->lang : "");
    return -1;
}

static void write_csv_header(exp_ctx *x)
{
    static const char *const fixed[] = {"id",
                                        "device",
                                        "location",
                                        "seq",
                                        "questionset",
                                        "questionset_version",
                                        "questionset_version_text",
                                        "language",
                                        "started_at",
                                        "finished_at",
                                        "duration_ms",
                                        "status",
                                        "clock_synced",
                                        "received_at",
                                        "languages",
                                        "active_ms",
                                        "flags"};
    fputs(CSVW_BOM, x->out); /* spreadsheets then read the text as UTF-8 */
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (i)
            fputc(x->sep, x->out);
        fputs(fixed[i], x->out);
    }
    size_t i;
    json_t *col;
    json_array_foreach(x->cols, i, col)
    {
        fputc(x->sep, x->out);
        const char *id = json_string_value(col);
        const char *lab =
            x->qset ? set_text(x, json_object_get(json_object_get(x->qmap, id), "text")) : NULL;
        csvw_field(x->out, lab ? lab : id, true);
    }
    fputs("\r\n", x->out);
}

#ifndef WIJKPEIL_NO_XLSX
/* ---- .xlsx ---------------------------------------------------------------------------------- */

static const char *const xlsx_fixed[] = {"id",
                                         "device",
                                         "location",
                                         "seq",
                                         "questionset",
                                         "questionset_version",
                                         "questionset_version_text",
                                         "language",
                                         "started_at",
                                         "finished_at",
                                         "duration_s",
                                         "status",
                                         "clock_synced",
                                         "received_at",
                                         "languages",
                                         "active_s",
                                         "flags"};
#define XLSX_NFIXED ((lxw_col_t)(sizeof xlsx_fixed / sizeof xlsx_fixed[0]))

/* 1 when question qid gets a second column with its answers' labels (it has options, or
 * answers the dashboard words: smiley, yes/no, scale). */
static bool has_labels(const exp_ctx *x, const char *qid)
{
    return json_array_size(json_object_get(json_object_get(x->qmap, qid), "options")) > 0 ||
           json_object_get(x->words, qid);
}

static void xlsx_date(exp_ctx *x, lxw_row_t row, lxw_col_t col, int64_t ms)
{
    if (ms <= 0)
        return;
    struct tm tm;
    int msec;
    amsterdam_tm(ms, &tm, &msec);
    lxw_datetime dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour,        tm.tm_min,     tm.tm_sec + msec / 1000.0};
    worksheet_write_datetime(x->ws, row, col, &dt, x->date_fmt);
}

static int write_xlsx_row(void *vctx, const coll_row *r)
{
    exp_ctx *x = vctx;
    if (r->sealed)
        return 0;
    lxw_row_t row = (lxw_row_t)x->n + 1;
    lxw_worksheet *ws = x->ws;
    const char *texts[] = {r->id, r->device, r->location, r->questionset};
    for (lxw_col_t c = 0; c < 4; c++)
        worksheet_write_string(ws, row, c == 3 ? 4 : c, texts[c], NULL);
    worksheet_write_number(ws, row, 3, (double)r->seq, NULL);
    worksheet_write_number(ws, row, 5, (double)r->questionset_version, NULL);
    worksheet_write_string(ws, row, 6, r->questionset_version_text, NULL);
    worksheet_write_string(ws, row, 7, r->language, NULL);
    xlsx_date(x, row, 8, r->started_at_ms);
    xlsx_date(x, row, 9, r->finished_at_ms);
    worksheet_write_number(ws, row, 10, (double)r->duration_ms / 1000.0, NULL);
    worksheet_write_string(ws, row, 11, r->status, NULL);
    if (r->clock_synced >= 0)
        worksheet_write_string(ws, row, 12, r->clock_synced ? "yes" : "no", NULL);
    xlsx_date(x, row, 13, r->received_at_ms);
    /* as in the CSV: the languages used, the active time (seconds, as duration_s) and the
     * quality flags, so that flagged responses can be left out in the spreadsheet too */
    if (r->languages[0])
        worksheet_write_string(ws, row, 14, r->languages, NULL);
    if (r->active_ms >= 0)
        worksheet_write_number(ws, row, 15, (double)r->active_ms / 1000.0, NULL);
    if (r->flags[0])
        worksheet_write_string(ws, row, 16, r->flags, NULL);
    json_t *a = json_loads(r->answers_json, 0, NULL);
    lxw_col_t c = XLSX_NFIXED;
    size_t i;
    json_t *col;
    json_array_foreach(x->cols, i, col)
    {
        const char *qid = json_string_value(col);
        json_t *v = json_object_get(a, qid);
        for (int lab = 0; lab <= (has_labels(x, qid) ? 1 : 0); lab++, c++) {
            char *t = answer_text(x, qid, v, lab, lab ? "; " : ";");
            if (!t) {
                x->failed = 1;
                break;
            }
            if (t[0])
                worksheet_write_string(ws, row, c, t, NULL);
            free(t);
        }
    }
    json_decref(a);
    x->n++;
    return x->failed;
}

static void xlsx_header(lxw_worksheet *ws, lxw_format *bold, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, names[i], bold);
    worksheet_freeze_panes(ws, 1, 0);
}

/* The codebook: every question (type, texts per language) and below it its options. */
static void xlsx_codebook(exp_ctx *x, lxw_worksheet *ws, lxw_format *bold)
{
    json_t *langs = json_object_get(x->qset, "languages");
    const char *fixed[] = {"question", "type", "option"};
    xlsx_header(ws, bold, fixed, 3);
    size_t l, i, j;
    json_t *e, *q, *o;
    json_array_foreach(langs, l, e)
        worksheet_write_string(ws, 0, (lxw_col_t)(3 + l), json_string_value(e), bold);
    lxw_row_t row = 1;
    json_array_foreach(json_object_get(x->qset, "questions"), i, q)
    {
        const char *qid = json_string_value(json_object_get(q, "id"));
        const char *type = json_string_value(json_object_get(q, "type"));
        worksheet_write_string(ws, row, 0, qid ? qid : "", NULL);
        worksheet_write_string(ws, row, 1, type ? type : "single", NULL);
        json_array_foreach(langs, l, e)
        {
            const char *t = json_string_value(
                json_object_get(json_object_get(q, "text"), json_string_value(e)));
            if (t)
                worksheet_write_string(ws, row, (lxw_col_t)(3 + l), t, NULL);
        }
        row++;
        json_array_foreach(json_object_get(q, "options"), j, o)
        {
            const char *oid = json_string_value(json_object_get(o, "id"));
            worksheet_write_string(ws, row, 0, qid ? qid : "", NULL);
            worksheet_write_string(ws, row, 2, oid ? oid : "", NULL);
            json_array_foreach(langs, l, e)
            {
                const char *t = json_string_value(
                    json_object_get(json_object_get(o, "text"), json_string_value(e)));
                if (t)
                    worksheet_write_string(ws, row, (lxw_col_t)(3 + l), t, NULL);
            }
            row++;
        }
    }
}

typedef struct {
    lxw_worksheet *ws;
    lxw_row_t row;
    char fewer[64];
    json_t *words; /* exp_ctx.words, filled here */
} counts_ctx;

static int counts_cell(void *ctx, const coll_results_cell *c)
{
    counts_ctx *cc = ctx;
    lxw_row_t r = cc->row++;
    if (c->answer[0]) {
        json_t *q = json_object_get(cc->words, c->question);
        if (!q && json_object_set_new(cc->words, c->question, q = json_object()) != 0)
            return 1;
        if (json_object_set_new(q, c->answer, json_string(c->label)) != 0)
            return 1;
    }
    worksheet_write_string(cc->ws, r, 0, c->question, NULL);
    worksheet_write_string(cc->ws, r, 1, c->question_text, NULL);
    worksheet_write_string(cc->ws, r, 2, c->answer, NULL);
    worksheet_write_string(cc->ws, r, 3, c->label, NULL);
    if (c->count < 0)
        worksheet_write_string(cc->ws, r, 4, cc->fewer, NULL);
    else
        worksheet_write_number(cc->ws, r, 4, (double)c->count, NULL);
    if (c->shown < 0)
        worksheet_write_string(cc->ws, r, 5, cc->fewer, NULL);
    else
        worksheet_write_number(cc->ws, r, 5, (double)c->shown, NULL);
    return 0;
}

/* The counts per answer, suppressed below k as the dashboard's pages do; notes the labels of
 * the answers in x->words (before the responses are written: they use them). */
static int xlsx_counts(exp_ctx *x, coll_db *db, lxw_worksheet *ws, lxw_format *bold)
{
    const char *fixed[] = {"question", "question_text", "answer", "label", "count", "shown"};
    xlsx_header(ws, bold, fixed, 6);
    coll_results_sets *sets = NULL;
    const char *path = x->o->qset_path;
    if (coll_results_sets_load(&path, 1, &sets, x->err, x->errlen) != 0)
        return -1;
    int64_t k = x->o->k > 0 ? x->o->k : COLL_DASH_K_DEFAULT;
    counts_ctx cc = {.ws = ws, .row = 1, .words = x->words};
    snprintf(cc.fewer, sizeof cc.fewer, "%s", coll_results_hidden_word(x->lang));
    coll_results_filter all = {0};
    int rc = coll_results_cells(db, sets, 0, &all, k, x->lang, counts_cell, &cc, x->err, x->errlen);
    coll_results_sets_free(sets);
    return rc;
}

/* Copies file path to out. */
static int copy_file(const char *path, FILE *out)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    int bad = ferror(in) || ferror(out);
    fclose(in);
    return bad ? -1 : 0;
}

/* The workbook, written by libxlsxwriter into a temporary file (it writes files only), then
 * copied to out. */
static int write_xlsx(exp_ctx *x, coll_db *db, const char *questionset)
{
    const char *tmpdir = getenv("TMPDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/wijkpeil-export-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        wp_errf(x->err, x->errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    int rc = -1;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        wp_errf(x->err, x->errlen, "cannot start a workbook");
        unlink(path);
        return -1;
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    x->date_fmt = workbook_add_format(wb);
    format_set_num_format(x->date_fmt, "yyyy-mm-dd hh:mm:ss");
    x->ws = workbook_add_worksheet(wb, "responses");
    lxw_worksheet *codebook = workbook_add_worksheet(wb, "codebook");
    lxw_worksheet *counts = workbook_add_worksheet(wb, "counts");
    if (!(x->words = json_object()) || xlsx_counts(x, db, counts, bold) != 0)
        goto done;
    xlsx_header(x->ws, bold, xlsx_fixed, XLSX_NFIXED);
    lxw_col_t c = XLSX_NFIXED;
    size_t i;
    json_t *col;
    json_array_foreach(x->cols, i, col)
    {
        const char *qid = json_string_value(col);
        worksheet_write_string(x->ws, 0, c++, qid, bold);
        if (has_labels(x, qid)) {
            char name[256];
            snprintf(name, sizeof name, "%s_label", qid);
            worksheet_write_string(x->ws, 0, c++, name, bold);
        }
    }
    worksheet_set_column(x->ws, 8, 9, 19, NULL);
    worksheet_set_column(x->ws, 13, 13, 19, NULL);
    if (coll_db_foreach(db, questionset, write_xlsx_row, x, x->err, x->errlen) != 0 || x->failed)
        goto done;
    xlsx_codebook(x, codebook, bold);
    rc = 0;
done:;
    json_decref(x->words);
    x->words = NULL;
    lxw_error e = workbook_close(wb);
    if (rc == 0 && e != LXW_NO_ERROR) {
        wp_errf(x->err, x->errlen, "cannot write the workbook: %s", lxw_strerror(e));
        rc = -1;
    }
    if (rc == 0 && copy_file(path, x->out) != 0) {
        wp_errf(x->err, x->errlen, "write error while exporting");
        rc = -1;
    }
    unlink(path);
    return rc;
}
#endif

long coll_export_write(coll_db *db, FILE *out, const coll_export_opts *o, char *err, size_t errlen)
{
    long rc = -1;
    json_t *qset = NULL;
    exp_ctx x = {.out = out,
                 .o = o,
                 .sep = o->fmt == COLL_EXPORT_CSV_EXCEL ? ';' : ',',
                 .local = o->fmt == COLL_EXPORT_CSV_EXCEL,
                 .lang = o->lang,
                 .cols = json_array(),
                 .seen = json_object(),
                 .qmap = json_object(),
                 .err = err,
                 .errlen = errlen};
    if (!x.cols || !x.seen || !x.qmap) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    if (o->fmt == COLL_EXPORT_XLSX && !coll_export_has_xlsx()) {
        wp_errf(err, errlen, "this collector was built without libxlsxwriter: no xlsx");
        goto done;
    }
    if (o->fmt == COLL_EXPORT_XLSX && !o->qset_path) {
        wp_errf(err, errlen,
                "an xlsx export needs --qset SET.json (its codebook, labels and "
                "counts come from the set)");
        goto done;
    }
    if (o->qset_path && o->fmt != COLL_EXPORT_JSONL && load_qset(&x, o->qset_path, &qset) != 0)
        goto done;
    const char *questionset = o->questionset;
    if (x.set_id && questionset && strcmp(x.set_id, questionset) != 0) {
        wp_errf(err, errlen, "%s is question set \"%s\", not the exported \"%s\"", o->qset_path,
                x.set_id, questionset);
        goto done;
    }
    if (x.set_id)
        questionset = x.set_id; /* the labels are that set's: export that set */
    /* Pass 1: what matches (a set that matches nothing is an error, not an empty file), and
     * columns for answers to questions the set does not name (or all, without a set). */
    if (coll_db_foreach(db, questionset, collect_cols, &x, err, errlen) != 0)
        goto done;
    if (questionset && x.matched == 0) {
        wp_errf(err, errlen, "no responses of question set \"%s\" (see status for the sets held)",
                questionset);
        goto done;
    }
    if (o->fmt == COLL_EXPORT_JSONL) {
        if (coll_db_foreach(db, questionset, write_jsonl_row, &x, err, errlen) != 0)
            goto done;
    } else if (o->fmt == COLL_EXPORT_XLSX) {
#ifndef WIJKPEIL_NO_XLSX
        if (write_xlsx(&x, db, questionset) != 0)
            goto done;
#endif
    } else {
        write_csv_header(&x);
        if (coll_db_foreach(db, questionset, write_csv_row, &x, err, errlen) != 0)
            goto done;
    }
    if (x.failed || fflush(out) != 0 || ferror(out)) {
        wp_errf(err, errlen, "write error while exporting");
        goto done;
    }
    rc = x.n;
done:
    json_decref(qset);
    json_decref(x.qmap);
    json_decref(x.cols);
    json_decref(x.seen);
    return rc;
}

long coll_export_run(coll_db *db, FILE *out, coll_export_format fmt, const char *questionset,
                     const char *qset_path, char *err, size_t errlen)
{
    coll_export_opts o = {.fmt = fmt, .questionset = questionset, .qset_path = qset_path};
    return coll_export_write(db, out, &o, err, errlen);
}
