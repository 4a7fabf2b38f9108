/* Export of stored responses as JSON lines or RFC 4180 CSV (formats described in export.h). */
#include "export.h"

#include "csvw.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_CELL_MAX (1024 * 1024) /* one CSV cell (a multi answer joined) */

/* A growable byte buffer for one CSV cell. */
typedef struct {
    char *buf;
    size_t len, cap;
} sbuf;

typedef struct {
    FILE *out;
    export_format fmt;
    int64_t max_seq;  /* rows stored after the export started are left out */
    int64_t total;    /* rows to write, for progress */
    int64_t done;     /* rows written */
    int64_t last_seq; /* highest seq written */
    export_progress_cb cb;
    void *cb_ctx;
    json_t *col_index; /* CSV: question id -> column number */
    json_t *col_names; /* CSV: question ids in column order */
    json_t **cells;    /* CSV: answer value per column of the current row (borrowed) */
    sbuf cell;
    bool any_sealed; /* CSV: some row's answers are sealed: a last "sealed" column */
    bool failed;
    char *err;
    size_t errlen;
} export_ctx;

int export_parse_format(const char *name, export_format *out)
{
    if (name && strcmp(name, "jsonl") == 0) {
        *out = EXPORT_JSONL;
        return 0;
    }
    if (name && strcmp(name, "csv") == 0) {
        *out = EXPORT_CSV;
        return 0;
    }
    if (name && strcmp(name, "csv-excel") == 0) {
        *out = EXPORT_CSV_EXCEL;
        return 0;
    }
    return -1;
}

/* Records the first failure; returns 1 so a store_foreach callback can stop with it. */
static int fail_io(export_ctx *e)
{
    if (!e->failed)
        wp_errf(e->err, e->errlen, "cannot write the export: %s", strerror(errno ? errno : EIO));
    e->failed = true;
    return 1;
}

static int fail_msg(export_ctx *e, const char *msg, int64_t seq)
{
    if (!e->failed)
        wp_errf(e->err, e->errlen, "response seq %lld: %s", (long long)seq, msg);
    e->failed = true;
    return 1;
}

static int sbuf_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > EXPORT_CELL_MAX)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *nb = realloc(b->buf, cap);
        if (!nb)
            return -1;
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

/* Appends one scalar JSON value as text (strings as they are). */
static int sbuf_add_value(sbuf *b, const json_t *v)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING:
        return sbuf_add(b, json_string_value(v), strlen(json_string_value(v)));
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return sbuf_add(b, num, strlen(num));
    case JSON_REAL:
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        return sbuf_add(b, num, strlen(num));
    case JSON_TRUE:
        return sbuf_add(b, "true", 4);
    case JSON_FALSE:
        return sbuf_add(b, "false", 5);
    case JSON_NULL:
        return 0;
    default: {
        char *d = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
        int rc = d ? sbuf_add(b, d, strlen(d)) : -1;
        free(d);
        return rc;
    }
    }
}

/* Writes one CSV field (csvw.h quoting); the separator (";" in the Excel flavour) comes before
 * it. */
static int csv_field(export_ctx *e, const char *s, bool first)
{
    if (!first && fputc(e->fmt == EXPORT_CSV_EXCEL ? ';' : ',', e->out) == EOF)
        return -1;
    return csvw_field(e->out, s, false);
}

/* A response's answers as a JSON object; sealed answers are not readable here: none. */
static json_t *parse_answers(const store_response *r)
{
    if (r->sealed)
        return json_object();
    json_t *a = json_loads(r->answers_json ? r->answers_json : "{}", 0, NULL);
    if (a && !json_is_object(a)) {
        json_decref(a);
        a = NULL;
    }
    return a;
}

static int progress(export_ctx *e)
{
    if (e->cb && e->cb(e->cb_ctx, e->done, e->total) != 0) {
        if (!e->failed)
            wp_errf(e->err, e->errlen, "export cancelled");
        e->failed = true;
        return 1;
    }
    return 0;
}

/* After a row is written: progress every EXPORT_PROGRESS_ROW rows. */
static int row_done(export_ctx *e, int64_t seq)
{
    e->done++;
    e->last_seq = seq;
    if (e->done > e->total)
        e->total = e->done;
    if (e->done % EXPORT_PROGRESS_ROW == 0)
        return progress(e);
    return 0;
}

static int jsonl_row(void *ctx, const store_response *r)
{
    export_ctx *e = ctx;
    if (r->seq > e->max_seq)
        return 1;
    json_t *answers = parse_answers(r);
    if (!answers)
        return fail_msg(e, "answers are not a JSON object", r->seq);
    char started[32], finished[32];
    wp_iso8601(r->started_at_ms, started, sizeof started);
    wp_iso8601(r->finished_at_ms, finished, sizeof finished);
    json_t *o = json_object();
    if (!o) {
        json_decref(answers);
        return fail_msg(e, "out of memory", r->seq);
    }
    int enc = json_object_set_new(o, "id", json_string(r->id));
    enc |= json_object_set_new(o, "seq", json_integer(r->seq));
    enc |= json_object_set_new(o, "questionset", json_string(r->questionset));
    enc |= json_object_set_new(o, "questionset_version", json_integer(r->questionset_version));
    enc |= json_object_set_new(o, "language", json_string(r->language));
    enc |= json_object_set_new(o, "started_at", json_string(started));
    enc |= json_object_set_new(o, "finished_at", json_string(finished));
    enc |= json_object_set_new(o, "duration_ms", json_integer(r->duration_ms));
    enc |= json_object_set_new(
        o, "status", json_string(r->status == STORE_ABANDONED ? "abandoned" : "complete"));
    enc |= json_object_set_new(o, "clock_synced", json_boolean(r->clock_synced));
    enc |= store_response_extras_json(r, o) != 0;
    if (r->sealed) { /* carried as they are: only the collector's secret key opens them */
        json_decref(answers);
        enc |= json_object_set_new(o, "sealed", json_string(r->sealed));
    } else {
        enc |= json_object_set_new(o, "answers", answers);
    }
    char *line = enc ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!line)
        return fail_msg(e, "cannot encode as JSON (text that is not valid UTF-8?)", r->seq);
    int bad = fputs(line, e->out) == EOF || fputc('\n', e->out) == EOF;
    free(line);
    if (bad)
        return fail_io(e);
    return row_done(e, r->seq);
}

/* CSV pass 1: collects the question ids in order of first appearance. */
static int csv_collect(void *ctx, const store_response *r)
{
    export_ctx *e = ctx;
    if (r->seq > e->max_seq)
        return 1;
    json_t *answers = parse_answers(r);
    if (!answers)
        return fail_msg(e, "answers are not a JSON object", r->seq);
    if (r->sealed)
        e->any_sealed = true;
    const char *key;
    json_t *v;
    int ret = 0;
    json_object_foreach(answers, key, v)
    {
        if (json_object_get(e->col_index, key))
            continue;
        size_t n = json_array_size(e->col_names);
        if (n >= EXPORT_MAX_COLUMNS) {
            ret = fail_msg(e, "too many different questions for one CSV export", r->seq);
            break;
        }
        if (json_object_set_new(e->col_index, key, json_integer((json_int_t)n)) != 0 ||
            json_array_append_new(e->col_names, json_string(key)) != 0) {
            ret = fail_msg(e, "out of memory", r->seq);
            break;
        }
    }
    json_decref(answers);
    return ret;
}

/* CSV pass 2: one row per response. */
static int csv_row(void *ctx, const store_response *r)
{
    export_ctx *e = ctx;
    if (r->seq > e->max_seq)
        return 1;
    json_t *answers = parse_answers(r);
    if (!answers)
        return fail_msg(e, "answers are not a JSON object", r->seq);
    size_t ncols = json_array_size(e->col_names);
    memset(e->cells, 0, ncols * sizeof e->cells[0]);
    const char *key;
    json_t *v;
    json_object_foreach(answers, key, v)
    {
        json_t *idx = json_object_get(e->col_index, key);
        if (idx) /* absent only for a row that changed between the passes: impossible */
            e->cells[json_integer_value(idx)] = v;
    }
    char num[32], started[32], finished[32];
    wp_iso8601(r->started_at_ms, started, sizeof started);
    wp_iso8601(r->finished_at_ms, finished, sizeof finished);
    int bad = csv_field(e, r->id, true);
    snprintf(num, sizeof num, "%lld", (long long)r->seq);
    bad |= csv_field(e, num, false);
    bad |= csv_field(e, r->questionset, false);
    snprintf(num, sizeof num, "%d", r->questionset_version);
    bad |= csv_field(e, num, false);
    bad |= csv_field(e, r->questionset_version_text, false);
    bad |= csv_field(e, r->language, false);
    bad |= csv_field(e, started, false);
    bad |= csv_field(e, finished, false);
    snprintf(num, sizeof num, "%lld", (long long)r->duration_ms);
    bad |= csv_field(e, num, false);
    bad |= csv_field(e, r->status == STORE_ABANDONED ? "abandoned" : "complete", false);
    bad |= csv_field(e, r->languages, false);
    if (r->languages[0])
        snprintf(num, sizeof num, "%lld", (long long)r->active_ms);
    else
        num[0] = '\0'; /* not recorded (a response from before issue 14) */
    bad |= csv_field(e, num, false);
    char flags[64];
    store_flags_text(r->flags, ";", flags, sizeof flags);
    bad |= csv_field(e, flags, false);
    int ret = 0;
    for (size_t i = 0; i < ncols && !bad; i++) {
        e->cell.len = 0;
        if (sbuf_add(&e->cell, "", 0) != 0) {
            ret = fail_msg(e, "out of memory", r->seq);
            break;
        }
        const json_t *c = e->cells[i];
        if (json_is_array(c)) {
            size_t j;
            json_t *item;
            json_array_foreach(c, j, item)
            {
                if ((j > 0 && sbuf_add(&e->cell, ";", 1) != 0) ||
                    sbuf_add_value(&e->cell, item) != 0) {
                    ret = fail_msg(e, "an answer is too large", r->seq);
                    break;
                }
            }
        } else if (c && sbuf_add_value(&e->cell, c) != 0) {
            ret = fail_msg(e, "an answer is too large", r->seq);
        }
        if (ret)
            break;
        bad |= csv_field(e, e->cell.buf, false);
    }
    json_decref(answers);
    if (ret)
        return ret;
    if (e->any_sealed)
        bad |= csv_field(e, r->sealed ? r->sealed : "", false);
    if (bad || fputs("\r\n", e->out) == EOF)
        return fail_io(e);
    return row_done(e, r->seq);
}

static int csv_header(export_ctx *e)
{
    static const char *const fixed[] = {
        "id",        "seq",        "questionset", "questionset_version", "questionset_version_text",
        "language",  "started_at", "finished_at", "duration_ms",         "status",
        "languages", "active_ms",  "flags"};
    int bad = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        bad |= csv_field(e, fixed[i], i == 0);
    size_t i;
    json_t *name;
    json_array_foreach(e->col_names, i, name) bad |= csv_field(e, json_string_value(name), false);
    if (e->any_sealed)
        bad |= csv_field(e, "sealed", false);
    if (bad || fputs("\r\n", e->out) == EOF)
        return fail_io(e);
    return 0;
}

int export_write(store *st, FILE *out, export_format fmt, int64_t after_seq, int64_t *last_seq_out,
                 export_progress_cb cb, void *ctx, char *err, size_t errlen)
{
    int ret = -1;
    export_ctx e = {.out = out,
                    .fmt = fmt,
                    .last_seq = after_seq,
                    .cb = cb,
                    .cb_ctx = ctx,
                    .err = err,
                    .errlen = errlen};
    if (fmt != EXPORT_JSONL && fmt != EXPORT_CSV && fmt != EXPORT_CSV_EXCEL) {
        wp_errf(err, errlen, "unknown export format %d", (int)fmt);
        return -1;
    }
    if (store_range(st, after_seq, &e.total, &e.max_seq, err, errlen) != 0)
        return -1;
    errno = 0;
    if (progress(&e))
        goto done;
    if (fmt == EXPORT_JSONL) {
        if (store_foreach(st, after_seq, false, 0, jsonl_row, &e, err, errlen) != 0)
            goto done;
    } else {
        e.col_index = json_object();
        e.col_names = json_array();
        if (!e.col_index || !e.col_names) {
            wp_errf(err, errlen, "out of memory");
            goto done;
        }
        if (store_foreach(st, after_seq, false, 0, csv_collect, &e, err, errlen) != 0 || e.failed)
            goto done;
        size_t ncols = json_array_size(e.col_names);
        e.cells = calloc(ncols ? ncols : 1, sizeof e.cells[0]);
        if (!e.cells) {
            wp_errf(err, errlen, "out of memory");
            goto done;
        }
        if ((fmt == EXPORT_CSV_EXCEL && fputs(CSVW_BOM, out) == EOF) || csv_header(&e) != 0)
            goto done;
        if (store_foreach(st, after_seq, false, 0, csv_row, &e, err, errlen) != 0)
            goto done;
    }
    if (e.failed)
        goto done;
    if (fflush(out) != 0 || ferror(out)) {
        fail_io(&e);
        goto done;
    }
    e.total = e.done;
    if (progress(&e))
        goto done;
    if (last_seq_out)
        *last_seq_out = e.last_seq;
    ret = 0;
done:
    json_decref(e.col_index);
    json_decref(e.col_names);
    free(e.cells);
    free(e.cell.buf);
    return ret;
}
