/* CSV and JSON-lines export of collected responses. */
#include "coll_export.h"

#include "coll_ingest.h"
#include "qtype.h"
#include "store.h"
#include "util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define COLL_QSET_MAX_BYTES (5u * 1024u * 1024u)

typedef struct {
    FILE *out;
    json_t *cols; /* array of question ids, in column order */
    json_t *seen; /* object: question id -> true */
    long n;
    int failed;
} exp_ctx;

/* A plain decimal number such as -3 or 2.5: a spreadsheet reads it as that number, nothing
 * more, so it needs no guard. */
static bool plain_number(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t before = strspn(s, "0123456789");
    s += before;
    if (*s == '.') {
        size_t after = strspn(s + 1, "0123456789");
        if (after == 0)
            return false;
        s += 1 + after;
    }
    return before > 0 && *s == '\0';
}

/* One RFC 4180 field. Text a spreadsheet would run as a formula (starting with = + - @, a tab
 * or a carriage return) gets a leading single quote, as OWASP advises; the text is kept. */
static void csv_field(FILE *f, const char *s)
{
    bool guard = strchr("=+-@\t\r\n", s[0]) && s[0] && !plain_number(s);
    if (!guard && strpbrk(s, ",\"\r\n;") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (guard)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int collect_cols(void *vctx, const coll_row *r)
{
    exp_ctx *x = vctx;
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
    char st[32], fin[32], rec[32];
    iso_or_empty(r->started_at_ms, st, sizeof st);
    iso_or_empty(r->finished_at_ms, fin, sizeof fin);
    iso_or_empty(r->received_at_ms, rec, sizeof rec);
    csv_field(f, r->id);
    fputc(',', f);
    csv_field(f, r->device);
    fputc(',', f);
    csv_field(f, r->location);
    fprintf(f, ",%lld,", (long long)r->seq);
    csv_field(f, r->questionset);
    fprintf(f, ",%lld,", (long long)r->questionset_version);
    csv_field(f, r->questionset_version_text);
    fputc(',', f);
    csv_field(f, r->language);
    fprintf(f, ",%s,%s,%lld,", st, fin, (long long)r->duration_ms);
    csv_field(f, r->status);
    fprintf(f, ",%s,%s", r->clock_synced < 0 ? "" : (r->clock_synced ? "yes" : "no"), rec);
    fputc(',', f);
    csv_field(f, r->languages);
    if (r->active_ms >= 0)
        fprintf(f, ",%lld", (long long)r->active_ms);
    else
        fputc(',', f);
    fputc(',', f);
    csv_field(f, r->flags);
    json_t *a = json_loads(r->answers_json, 0, NULL);
    size_t i;
    json_t *col;
    json_array_foreach(x->cols, i, col)
    {
        fputc(',', f);
        json_t *v = json_object_get(a, json_string_value(col));
        if (json_is_string(v)) {
            csv_field(f, json_string_value(v));
        } else if (json_is_array(v)) {
            /* multi: the chosen option ids joined with ";" */
            size_t len = 1, j;
            json_t *e;
            json_array_foreach(v, j, e) len += json_string_length(e) + 1;
            char *joined = calloc(1, len);
            if (joined) {
                size_t at = 0;
                json_array_foreach(v, j, e)
                {
                    if (j)
                        joined[at++] = ';';
                    memcpy(joined + at, json_string_value(e), json_string_length(e));
                    at += json_string_length(e);
                }
                joined[at] = '\0';
                csv_field(f, joined);
                free(joined);
            }
        }
    }
    json_decref(a);
    fputs("\r\n", f);
    x->n++;
    return ferror(f) ? 1 : 0;
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

/* Reads question ids (in order) and their default-language texts from a question-set file. */
static int load_qset_cols(const char *path, json_t *cols, json_t *seen, json_t **labels, char *err,
                          size_t errlen)
{
    json_error_t je;
    json_t *q = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!q) {
        wp_errf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    const char *lang = json_string_value(json_array_get(json_object_get(q, "languages"), 0));
    json_t *qs = json_object_get(q, "questions");
    if (!json_is_array(qs)) {
        json_decref(q);
        wp_errf(err, errlen, "%s: no \"questions\" list", path);
        return -1;
    }
    *labels = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(qs, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "id"));
        if (!id || json_object_get(seen, id))
            continue;
        /* A type exported as nothing (a note: no answer) gets no column. */
        int ty = qtype_find(json_string_value(json_object_get(e, "type")));
        if (ty >= 0 && qtype_get(ty)->columns == 0)
            continue;
        json_object_set_new(seen, id, json_true());
        json_array_append_new(cols, json_string(id));
        const char *t =
            lang ? json_string_value(json_object_get(json_object_get(e, "text"), lang)) : NULL;
        if (t)
            json_object_set_new(*labels, id, json_string(t));
    }
    json_decref(q);
    return 0;
}

long coll_export_run(coll_db *db, FILE *out, coll_export_format fmt, const char *questionset,
                     const char *qset_path, char *err, size_t errlen)
{
    long rc = -1;
    json_t *labels = NULL;
    exp_ctx x = {.out = out, .cols = json_array(), .seen = json_object()};
    if (!x.cols || !x.seen) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    if (fmt == COLL_EXPORT_JSONL) {
        if (coll_db_foreach(db, questionset, write_jsonl_row, &x, err, errlen) != 0)
            goto done;
    } else {
        if (qset_path && load_qset_cols(qset_path, x.cols, x.seen, &labels, err, errlen) != 0)
            goto done;
        /* Answers to questions the set does not name (or all, without a set) get columns too. */
        if (coll_db_foreach(db, questionset, collect_cols, &x, err, errlen) != 0)
            goto done;
        fputs("\xEF\xBB\xBF", out); /* UTF-8 BOM: spreadsheets then read the text right */
        fputs("id,device,location,seq,questionset,questionset_version,questionset_version_text,"
              "language,started_at,"
              "finished_at,duration_ms,status,clock_synced,received_at,languages,active_ms,flags",
              out);
        size_t i;
        json_t *col;
        json_array_foreach(x.cols, i, col)
        {
            fputc(',', out);
            const char *lab = json_string_value(json_object_get(labels, json_string_value(col)));
            csv_field(out, lab ? lab : json_string_value(col));
        }
        fputs("\r\n", out);
        if (coll_db_foreach(db, questionset, write_csv_row, &x, err, errlen) != 0)
            goto done;
    }
    if (x.failed || fflush(out) != 0 || ferror(out)) {
        wp_errf(err, errlen, "write error while exporting");
        goto done;
    }
    rc = x.n;
done:
    json_decref(labels);
    json_decref(x.cols);
    json_decref(x.seen);
    return rc;
}
