/* XLSForm CSV (survey, choices, optional settings) to "wijkpeil/1" question-set JSON. */
#include "xlsform.h"
#include "md.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- CSV ---- */

typedef struct {
    int n;
    char **cells;
} csv_row;

struct xlsform_csv {
    int n_rows, cap;
    csv_row *rows;
    char sep;
};

void xlsform_csv_free(xlsform_csv *c)
{
    if (!c)
        return;
    for (int r = 0; r < c->n_rows; r++) {
        for (int i = 0; i < c->rows[r].n; i++)
            free(c->rows[r].cells[i]);
        free(c->rows[r].cells);
    }
    free(c->rows);
    free(c);
}

int xlsform_csv_rows(const xlsform_csv *c)
{
    return c ? c->n_rows : 0;
}

int xlsform_csv_cols(const xlsform_csv *c, int row)
{
    return c && row >= 0 && row < c->n_rows ? c->rows[row].n : 0;
}

const char *xlsform_csv_cell(const xlsform_csv *c, int row, int col)
{
    if (!c || row < 0 || row >= c->n_rows || col < 0 || col >= c->rows[row].n)
        return "";
    return c->rows[row].cells[col];
}

char xlsform_csv_separator(const xlsform_csv *c)
{
    return c ? c->sep : ',';
}

/* The separator with most occurrences outside quotes on the first line. */
static char detect_sep(const char *p, const char *end)
{
    int comma = 0, semi = 0, tab = 0;
    bool q = false;
    for (; p < end; p++) {
        if (*p == '"')
            q = !q;
        else if (!q && (*p == '\n' || *p == '\r'))
            break;
        else if (!q && *p == ',')
            comma++;
        else if (!q && *p == ';')
            semi++;
        else if (!q && *p == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

static bool utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n;
        unsigned int cp;
        if (*p < 0x80) {
            p++;
            continue;
        } else if ((*p & 0xe0) == 0xc0) {
            n = 1;
            cp = *p & 0x1f;
        } else if ((*p & 0xf0) == 0xe0) {
            n = 2;
            cp = *p & 0x0f;
        } else if ((*p & 0xf8) == 0xf0) {
            n = 3;
            cp = *p & 0x07;
        } else {
            return false;
        }
        p++;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (*p & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
    }
    return true;
}

/* Removes blanks around s (in place, returns s). */
static char *trim_inplace(char *s)
{
    size_t n = strlen(s), a = 0;
    while (a < n && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
        a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
    return s;
}

typedef struct {
    char *buf;
    size_t len, cap;
} strbuf;

static int sb_put(strbuf *b, char ch)
{
    if (b->len + 1 >= b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 64;
        char *nb = realloc(b->buf, nc);
        if (!nb)
            return -1;
        b->buf = nb;
        b->cap = nc;
    }
    b->buf[b->len++] = ch;
    b->buf[b->len] = '\0';
    return 0;
}

int xlsform_csv_parse(const char *data, size_t len, const char *name, xlsform_csv **out, char *err,
                      size_t errlen)
{
    const char *p = data, *end = data + len;
    xlsform_csv *c = NULL;
    strbuf field = {NULL, 0, 0};
    char **cells = NULL;
    int n_cells = 0, row_no = 1, rc = -1;
    *out = NULL;
    if (len >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
        (unsigned char)p[2] == 0xbf)
        p += 3; /* UTF-8 byte-order mark (Excel's "CSV UTF-8") */
    if (memchr(p, '\0', (size_t)(end - p))) {
        wp_errf(err, errlen,
                "%s: not a text file (save the sheet as CSV, UTF-8; UTF-16 \"Unicode text\" is "
                "not read)",
                name);
        return -1;
    }
    c = calloc(1, sizeof *c);
    cells = calloc(XLSFORM_MAX_COLS, sizeof *cells);
    if (!c || !cells)
        goto oom;
    c->sep = detect_sep(p, end);
    while (p < end) {
        bool quoted = false;
        field.len = 0;
        if (sb_put(&field, 'x') != 0) /* make sure buf exists */
            goto oom;
        field.len = 0;
        field.buf[0] = '\0';
        /* One field. */
        if (*p == '"') {
            quoted = true;
            p++;
            for (;;) {
                if (p >= end) {
                    wp_errf(err, errlen,
                            "%s:%d: a quoted field is not closed (a \" is missing in this row "
                            "or one above)",
                            name, row_no);
                    goto done;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        if (sb_put(&field, '"') != 0)
                            goto oom;
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\r' && p + 1 < end && p[1] == '\n') {
                    p++; /* CRLF inside a cell: keep one line break */
                    continue;
                }
                if (sb_put(&field, *p) != 0)
                    goto oom;
                p++;
                if (field.len > XLSFORM_MAX_CELL) {
                    wp_errf(err, errlen, "%s:%d: a cell is longer than %d bytes", name, row_no,
                            XLSFORM_MAX_CELL);
                    goto done;
                }
            }
        }
        /* Unquoted text, or anything after a closing quote up to the separator. */
        while (p < end && *p != c->sep && *p != '\n' && *p != '\r') {
            if (sb_put(&field, *p) != 0)
                goto oom;
            p++;
            if (field.len > XLSFORM_MAX_CELL) {
                wp_errf(err, errlen, "%s:%d: a cell is longer than %d bytes", name, row_no,
                        XLSFORM_MAX_CELL);
                goto done;
            }
        }
        (void)quoted;
        if (n_cells >= XLSFORM_MAX_COLS) {
            wp_errf(err, errlen, "%s:%d: more than %d columns", name, row_no, XLSFORM_MAX_COLS);
            goto done;
        }
        cells[n_cells] = strdup(field.buf);
        if (!cells[n_cells])
            goto oom;
        trim_inplace(cells[n_cells]);
        if (!utf8_ok(cells[n_cells])) {
            const char *col = c->n_rows > 0 ? xlsform_csv_cell(c, 0, n_cells) : "";
            wp_errf(err, errlen,
                    "%s:%d: column %s%s%s: not valid UTF-8 (save the file as CSV with the "
                    "character set \"Unicode (UTF-8)\")",
                    name, row_no, *col ? "\"" : "", *col ? col : "", *col ? "\"" : "");
            if (!*col)
                wp_errf(err, errlen,
                        "%s:%d: column %d: not valid UTF-8 (save the file as CSV with the "
                        "character set \"Unicode (UTF-8)\")",
                        name, row_no, n_cells + 1);
            n_cells++;
            goto done;
        }
        n_cells++;
        if (p < end && *p == c->sep) {
            p++;
            if (p < end)
                continue;
            /* a separator at the very end: one more empty cell */
            if (n_cells < XLSFORM_MAX_COLS && !(cells[n_cells++] = strdup("")))
                goto oom;
        }
        /* End of the record. */
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        if (c->n_rows >= XLSFORM_MAX_ROWS) {
            wp_errf(err, errlen, "%s: more than %d rows", name, XLSFORM_MAX_ROWS);
            goto done;
        }
        if (c->n_rows == c->cap) {
            int nc = c->cap ? c->cap * 2 : 32;
            csv_row *nr = realloc(c->rows, (size_t)nc * sizeof *nr);
            if (!nr)
                goto oom;
            c->rows = nr;
            c->cap = nc;
        }
        csv_row *r = &c->rows[c->n_rows];
        r->cells = malloc((size_t)n_cells * sizeof *r->cells);
        if (!r->cells)
            goto oom;
        memcpy(r->cells, cells, (size_t)n_cells * sizeof *cells);
        r->n = n_cells;
        c->n_rows++;
        n_cells = 0;
        row_no++;
    }
    rc = 0;
    goto done;
oom:
    wp_errf(err, errlen, "%s: out of memory", name);
done:
    for (int i = 0; i < n_cells; i++)
        free(cells[i]);
    free(cells);
    free(field.buf);
    if (rc == 0)
        *out = c;
    else
        xlsform_csv_free(c);
    return rc;
}

/* ---- conversion ---- */

#define XLS_MAX_QUESTIONS 400

typedef struct {
    qset_diag *diag;
    int n_err;
    qset_diag *warn;   /* NULL: warnings are not kept */
    bool strict;       /* warnings count as errors */
    char def_lang[24]; /* language of plain "label"/"hint" columns, "" when none */
} conv;

static void cerr(conv *cv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cerr(conv *cv, const char *fmt, ...)
{
    char buf[QSET_DIAG_LEN];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    (void)w;
    cv->n_err++;
    qset_diag_add(cv->diag, "%s", buf);
}

/* Something the kiosk cannot honour: a warning, or an error with --strict. */
static void cwarn(conv *cv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cwarn(conv *cv, const char *fmt, ...)
{
    char buf[QSET_DIAG_LEN];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    (void)w;
    if (cv->strict) {
        cv->n_err++;
        qset_diag_add(cv->diag, "%s (an error with --strict)", buf);
    } else {
        qset_diag_add(cv->warn, "%s", buf);
    }
}

/* Column index by name (case-insensitive), -1 when absent. */
static int find_col(const xlsform_csv *t, const char *name)
{
    for (int i = 0; i < xlsform_csv_cols(t, 0); i++)
        if (!strcasecmp(xlsform_csv_cell(t, 0, i), name))
            return i;
    return -1;
}

static bool lang_code_ok(const char *s)
{
    size_t i = 0;
    while (s[i] >= 'a' && s[i] <= 'z')
        i++;
    if (i < 2 || i > 3)
        return false;
    if (!s[i])
        return true;
    if (s[i] != '-')
        return false;
    size_t j = ++i;
    while (isalnum((unsigned char)s[j]))
        j++;
    return !s[j] && j - i >= 2 && j - i <= 8;
}

/* For a header such as "label::nl" or "label::English (en)" with the given prefix ("label"),
 * writes the language code (lowercase) into code. Returns 1 when it is such a column, 0 when
 * not, -1 when it is but the code is unusable. */
static int lang_column(const char *hdr, const char *prefix, char *code, size_t codelen)
{
    size_t pl = strlen(prefix);
    if (strncasecmp(hdr, prefix, pl) != 0 || strncmp(hdr + pl, "::", 2) != 0)
        return 0;
    const char *s = hdr + pl + 2;
    const char *open = strrchr(s, '(');
    char buf[64];
    if (open) {
        const char *close = strchr(open, ')');
        if (!close || (size_t)(close - open - 1) >= sizeof buf)
            return -1;
        snprintf(buf, sizeof buf, "%.*s", (int)(close - open - 1), open + 1);
    } else {
        if (wp_strlcpy(buf, s, sizeof buf) >= sizeof buf)
            return -1;
    }
    trim_inplace(buf);
    for (char *q = buf; *q; q++)
        *q = (char)(*q == '_' ? '-' : tolower((unsigned char)*q));
    if (!lang_code_ok(buf))
        return -1;
    wp_strlcpy(code, buf, codelen);
    return 1;
}

typedef struct {
    int n;
    char code[QSET_MAX_LANGS][24];
} lang_list;

static int lang_find(const lang_list *l, const char *code)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->code[i], code))
            return i;
    return -1;
}

/* Columns prefix::LANG of table t, one per language of langs (-1 when missing). Reports
 * unusable headers. */
static void lang_cols(conv *cv, const xlsform_csv *t, const char *tname, const char *prefix,
                      const lang_list *langs, int *cols)
{
    char code[24];
    for (int i = 0; i < QSET_MAX_LANGS; i++)
        cols[i] = -1;
    for (int c = 0; c < xlsform_csv_cols(t, 0); c++) {
        const char *h = xlsform_csv_cell(t, 0, c);
        int r = lang_column(h, prefix, code, sizeof code);
        if (r < 0) {
            cerr(cv,
                 "%s:1: column \"%s\": put a language code after \"::\" (%s::nl) or in brackets "
                 "(%s::Nederlands (nl))",
                 tname, h, prefix, prefix);
            continue;
        }
        if (r == 0 && cv->def_lang[0] && !strcasecmp(h, prefix)) /* plain "label" */
            wp_strlcpy(code, cv->def_lang, sizeof code);
        else if (r == 0)
            continue;
        int li = lang_find(langs, code);
        if (li >= 0 && cols[li] < 0)
            cols[li] = c;
    }
}

/* A translated text from columns cols of row r; reports empty cells when required. Returns a
 * new object, or NULL when every cell is empty. */
/* The text residents see for cell s (row r, column col): Markdown turned into plain text, never
 * shown raw; what was removed is warned at the cell. NULL when out of memory. */
static char *plain_text(conv *cv, const xlsform_csv *t, const char *tname, int r, int col,
                        const char *s)
{
    char *plain = NULL, err[WP_ERR_LEN], what[256];
    unsigned found = 0;
    if (md_to_plain(s, &plain, &found, err, sizeof err) != 0) {
        cerr(cv, "%s:%d: column \"%s\": %s", tname, r + 1, xlsform_csv_cell(t, 0, col), err);
        return strdup("");
    }
    if (found) {
        md_describe(found, what, sizeof what);
        cwarn(cv, "%s:%d: column \"%s\": Markdown shown as plain text: %s", tname, r + 1,
              xlsform_csv_cell(t, 0, col), what);
    }
    return plain;
}

static json_t *text_obj(conv *cv, const xlsform_csv *t, const char *tname, int r, const int *cols,
                        const lang_list *langs, const char *prefix, bool required)
{
    json_t *o = json_object();
    int filled = 0;
    for (int i = 0; i < langs->n; i++) {
        const char *s = cols[i] >= 0 ? xlsform_csv_cell(t, r, cols[i]) : "";
        if (*s) {
            char *plain = plain_text(cv, t, tname, r, cols[i], s);
            if (!plain) {
                cerr(cv, "%s:%d: out of memory", tname, r + 1);
                continue;
            }
            size_t chars = qset_text_chars(plain);
            if (chars > QSET_MAX_TEXT_CHARS)
                cerr(cv,
                     "%s:%d: column \"%s\": too long for one screen (%zu characters, at most "
                     "%d)",
                     tname, r + 1, xlsform_csv_cell(t, 0, cols[i]), chars, QSET_MAX_TEXT_CHARS);
            json_object_set_new(o, langs->code[i], json_string(plain));
            free(plain);
            filled++;
        }
    }
    if (filled == 0 && !required) {
        json_decref(o);
        return NULL;
    }
    if (filled < langs->n) {
        for (int i = 0; i < langs->n; i++) {
            const char *s = cols[i] >= 0 ? xlsform_csv_cell(t, r, cols[i]) : "";
            if (!*s)
                cerr(cv, "%s:%d: column \"%s::%s\": empty (a text is needed in every language)",
                     tname, r + 1, prefix, langs->code[i]);
        }
    }
    return o;
}

static void collapse_spaces(const char *in, char *out, size_t outlen)
{
    size_t k = 0;
    bool space = false;
    for (; *in && k + 1 < outlen; in++) {
        if (isspace((unsigned char)*in)) {
            space = k > 0;
            continue;
        }
        if (space && k + 2 < outlen)
            out[k++] = ' ';
        space = false;
        out[k++] = *in;
    }
    out[k] = '\0';
}

/* "key=value key=value" (also separated by ; or ,). Returns 0 or -1 (message in cv). */
typedef struct {
    int n;
    char key[8][24];
    char val[8][64];
} params;

static int parse_params(conv *cv, const char *tname, int r, const char *s, params *out)
{
    out->n = 0;
    while (*s) {
        while (*s && (isspace((unsigned char)*s) || *s == ';' || *s == ','))
            s++;
        if (!*s)
            break;
        const char *k0 = s;
        while (*s && *s != '=' && !isspace((unsigned char)*s))
            s++;
        size_t kl = (size_t)(s - k0);
        while (isspace((unsigned char)*s))
            s++;
        if (*s != '=' || kl == 0 || kl >= sizeof out->key[0] || out->n >= 8) {
            cerr(cv,
                 "%s:%d: column \"parameters\": expected key=value pairs such as \"start=0 "
                 "end=10\"",
                 tname, r + 1);
            return -1;
        }
        s++;
        while (isspace((unsigned char)*s))
            s++;
        const char *v0 = s;
        while (*s && !isspace((unsigned char)*s) && *s != ';' && *s != ',')
            s++;
        size_t vl = (size_t)(s - v0);
        if (vl == 0 || vl >= sizeof out->val[0]) {
            cerr(cv, "%s:%d: column \"parameters\": \"%.*s\" has no value", tname, r + 1, (int)kl,
                 k0);
            return -1;
        }
        snprintf(out->key[out->n], sizeof out->key[0], "%.*s", (int)kl, k0);
        snprintf(out->val[out->n], sizeof out->val[0], "%.*s", (int)vl, v0);
        for (char *q = out->key[out->n]; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        out->n++;
    }
    return 0;
}

/* Takes key from params as an integer; returns 1 when present and valid, 0 absent, -1 bad. */
static int param_int(conv *cv, const char *tname, int r, params *pp, const char *key, long min,
                     long max, long *out)
{
    for (int i = 0; i < pp->n; i++) {
        if (strcmp(pp->key[i], key) != 0)
            continue;
        pp->key[i][0] = '\0'; /* used */
        if (!wp_parse_int(pp->val[i], min, max, out)) {
            cerr(cv,
                 "%s:%d: column \"parameters\": %s must be a whole number from %ld to %ld, "
                 "not \"%s\"",
                 tname, r + 1, key, min, max, pp->val[i]);
            return -1;
        }
        return 1;
    }
    return 0;
}

static int param_bool(conv *cv, const char *tname, int r, params *pp, const char *key, bool *out)
{
    for (int i = 0; i < pp->n; i++) {
        if (strcmp(pp->key[i], key) != 0)
            continue;
        pp->key[i][0] = '\0';
        const char *v = pp->val[i];
        if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1")) {
            *out = true;
            return 1;
        }
        if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0")) {
            *out = false;
            return 1;
        }
        cerr(cv, "%s:%d: column \"parameters\": %s must be yes or no, not \"%s\"", tname, r + 1,
             key, v);
        return -1;
    }
    return 0;
}

/* Reports parameters not used by this type. */
static void params_leftover(conv *cv, const char *tname, int r, const params *pp, const char *type)
{
    for (int i = 0; i < pp->n; i++)
        if (pp->key[i][0])
            cerr(cv, "%s:%d: column \"parameters\": \"%s\" means nothing for type %s", tname, r + 1,
                 pp->key[i], type);
}

/* ---- relevant -> show_if ---- */

static void skip_ws(const char **s)
{
    while (isspace((unsigned char)**s))
        (*s)++;
}

/* ${name} */
static bool parse_ref(const char **s, char *name, size_t len)
{
    skip_ws(s);
    if (strncmp(*s, "${", 2) != 0)
        return false;
    const char *a = *s + 2, *b = strchr(a, '}');
    if (!b || b == a || (size_t)(b - a) >= len)
        return false;
    for (const char *q = a; q < b; q++)
        if (!isalnum((unsigned char)*q) && *q != '_' && *q != '-' && *q != '.')
            return false;
    snprintf(name, len, "%.*s", (int)(b - a), a);
    *s = b + 1;
    return true;
}

/* 'v', "v" or an integer. */
static bool parse_value(const char **s, char *val, size_t len)
{
    skip_ws(s);
    char q = **s;
    if (q == '\'' || q == '"') {
        const char *a = *s + 1, *b = strchr(a, q);
        if (!b || b == a || (size_t)(b - a) >= len)
            return false;
        snprintf(val, len, "%.*s", (int)(b - a), a);
        *s = b + 1;
        return true;
    }
    const char *a = *s;
    if (*a == '-')
        a++;
    const char *b = a;
    while (isdigit((unsigned char)*b))
        b++;
    if (b == a || (size_t)(b - *s) >= len)
        return false;
    snprintf(val, len, "%.*s", (int)(b - *s), *s);
    *s = b;
    return true;
}

/* ---- the whole conversion ---- */

typedef struct {
    char name[128];
    char list[128];  /* select lists */
    int type;        /* qset_type (its row in qtype.h) */
    json_t *values;  /* option ids, for checking show_if */
    int lo, hi;      /* scale */
    bool prefer_not; /* yesno */
    int row;         /* survey row (0-based record) */
} qinfo;

/* relevant -> show_if: the expression is evaluated as a set of answers of the one earlier
 * question it looks at ("and" = both, "or" = either, "not()"/"!=" = the other answers), which
 * is exactly what show_if's any_of holds. */
#define REL_MAX_ANSWERS 32

typedef struct {
    const qinfo *qi;
    int nq;
    int dep; /* the question looked at, -1 until the first ${...} */
    int n_ans;
    char ans[REL_MAX_ANSWERS][64];
    bool neg, conj; /* not(), != or "and" used (not expressible on select_multiple) */
    char msg[256];  /* a complete message, or "" */
    char why[160];  /* what follows "cannot express ... as show_if" */
} relp;

static bool rel_ref(relp *P, const char **s)
{
    char name[128];
    if (!parse_ref(s, name, sizeof name))
        return false;
    int di = -1;
    for (int i = 0; i < P->nq; i++)
        if (!strcmp(P->qi[i].name, name))
            di = i;
    if (di < 0) {
        snprintf(P->msg, sizeof P->msg, "${%s} is not a question above this one", name);
        return false;
    }
    if (P->dep >= 0 && P->dep != di) {
        snprintf(P->why, sizeof P->why,
                 " (every part must be about the same question: show_if looks at one earlier "
                 "question)");
        return false;
    }
    if (P->dep >= 0)
        return true;
    P->dep = di;
    const qinfo *q = &P->qi[di];
    const qtype *t = qtype_get(q->type);
    P->n_ans = 0;
    switch (t->answers) {
    case QTYPE_ANS_OPTIONS:
        for (size_t k = 0; k < json_array_size(q->values) && P->n_ans < REL_MAX_ANSWERS; k++)
            wp_strlcpy(P->ans[P->n_ans++], json_string_value(json_array_get(q->values, k)),
                       sizeof P->ans[0]);
        break;
    case QTYPE_ANS_FIXED:
        for (int k = 0; k < qtype_n_fixed(q->type, q->prefer_not); k++)
            wp_strlcpy(P->ans[P->n_ans++], t->fixed[k], sizeof P->ans[0]);
        break;
    case QTYPE_ANS_RANGE:
        for (int k = q->lo; k <= q->hi && P->n_ans < REL_MAX_ANSWERS; k++)
            snprintf(P->ans[P->n_ans++], sizeof P->ans[0], "%d", k);
        break;
    case QTYPE_ANS_NONE:
        snprintf(P->msg, sizeof P->msg, "${%s} is a %s: it has no answer to look at", name,
                 t->xls_type);
        return false;
    }
    return true;
}

static bool rel_value(relp *P, const char **s, uint32_t *m)
{
    char v[128];
    if (!parse_value(s, v, sizeof v))
        return false;
    for (int i = 0; i < P->n_ans; i++)
        if (!strcmp(P->ans[i], v)) {
            *m = 1u << i;
            return true;
        }
    const qinfo *q = &P->qi[P->dep];
    if (qtype_get(q->type)->answers == QTYPE_ANS_OPTIONS)
        snprintf(P->msg, sizeof P->msg, "'%s' is not a choice of ${%s} (list %s)", v, q->name,
                 q->list);
    else
        snprintf(P->msg, sizeof P->msg, "'%s' is not an answer of ${%s} (a %s question)", v,
                 q->name, qset_type_name((qset_type)q->type));
    return false;
}

static bool keyword(const char **s, const char *kw)
{
    size_t n = strlen(kw);
    skip_ws(s);
    if (strncmp(*s, kw, n) != 0)
        return false;
    char c = (*s)[n];
    if (!(isspace((unsigned char)c) || c == '(' || c == '$'))
        return false;
    *s += n;
    return true;
}

static bool rel_or(relp *P, const char **s, uint32_t *m);

static bool rel_factor(relp *P, const char **s, uint32_t *m)
{
    skip_ws(s);
    if (keyword(s, "not")) {
        skip_ws(s);
        if (**s != '(')
            return false;
        (*s)++;
        if (!rel_or(P, s, m))
            return false;
        skip_ws(s);
        if (**s != ')')
            return false;
        (*s)++;
        P->neg = true;
        *m = ~*m & ((P->n_ans >= 32 ? 0u : 1u << P->n_ans) - 1u);
        return true;
    }
    if (**s == '(') {
        (*s)++;
        if (!rel_or(P, s, m))
            return false;
        skip_ws(s);
        if (**s != ')')
            return false;
        (*s)++;
        return true;
    }
    if (!strncmp(*s, "selected", 8)) {
        const char *t = *s + 8;
        skip_ws(&t);
        if (*t != '(')
            return false;
        t++;
        if (!rel_ref(P, &t))
            return false;
        skip_ws(&t);
        if (*t != ',')
            return false;
        t++;
        if (!rel_value(P, &t, m))
            return false;
        skip_ws(&t);
        if (*t != ')')
            return false;
        *s = t + 1;
        return true;
    }
    if (!rel_ref(P, s))
        return false;
    skip_ws(s);
    bool ne = false;
    if (**s == '!' && (*s)[1] == '=') {
        ne = true;
        *s += 2;
    } else if (**s == '=' && (*s)[1] != '=') {
        *s += 1;
    } else {
        return false;
    }
    if (!rel_value(P, s, m))
        return false;
    if (ne) {
        P->neg = true;
        *m = ~*m & ((P->n_ans >= 32 ? 0u : 1u << P->n_ans) - 1u);
    }
    return true;
}

static bool rel_and(relp *P, const char **s, uint32_t *m)
{
    if (!rel_factor(P, s, m))
        return false;
    while (keyword(s, "and")) {
        uint32_t b;
        if (!rel_factor(P, s, &b))
            return false;
        P->conj = true;
        *m &= b;
    }
    return true;
}

static bool rel_or(relp *P, const char **s, uint32_t *m)
{
    if (!rel_and(P, s, m))
        return false;
    while (keyword(s, "or")) {
        uint32_t b;
        if (!rel_and(P, s, &b))
            return false;
        *m |= b;
    }
    return true;
}

/* Straightens what Excel's autocorrect puts into expressions: curly quotes, non-breaking and
 * narrow spaces. */
static void straighten(const char *in, char *out, size_t outlen)
{
    size_t k = 0;
    while (*in && k + 1 < outlen) {
        const unsigned char *u = (const unsigned char *)in;
        if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x98 || u[2] == 0x99)) {
            out[k++] = '\'';
            in += 3;
        } else if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x9c || u[2] == 0x9d)) {
            out[k++] = '"';
            in += 3;
        } else if (u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf) {
            out[k++] = ' ';
            in += 3;
        } else if (u[0] == 0xc2 && u[1] == 0xa0) {
            out[k++] = ' ';
            in += 2;
        } else {
            out[k++] = *in++;
        }
    }
    out[k] = '\0';
}

/* Parses relevant (already straightened) into the index of the question it looks at and the
 * answers that show this one (appended to values, in the order of that question's answers).
 * Returns 0, or -1 with a message in P. */
static int parse_relevant(relp *P, const char *expr, int *dep, json_t *values)
{
    const char *s = expr;
    uint32_t m = 0;
    P->dep = -1;
    P->msg[0] = P->why[0] = '\0';
    P->neg = P->conj = false;
    if (!rel_or(P, &s, &m))
        return -1;
    skip_ws(&s);
    if (*s)
        return -1;
    if (qtype_get(P->qi[P->dep].type)->value == QTYPE_VALUE_LIST && (P->neg || P->conj)) {
        snprintf(P->why, sizeof P->why,
                 " (on a select_multiple question show_if means \"any of these chosen\": "
                 "\"and\", \"not()\" and \"!=\" cannot be expressed)");
        return -1;
    }
    if (m == 0) {
        snprintf(P->why, sizeof P->why, " (no answer of ${%s} makes it true)", P->qi[P->dep].name);
        return -1;
    }
    for (int i = 0; i < P->n_ans; i++)
        if (m & (1u << i))
            json_array_append_new(values, json_string(P->ans[i]));
    *dep = P->dep;
    return 0;
}

static bool is_meta_type(const char *t)
{
    static const char *const meta[] = {
        "start",       "end",      "today", "deviceid", "subscriberid",   "simserial",
        "phonenumber", "username", "email", "audit",    "start-geopoint", "background-audio",
        NULL};
    for (int i = 0; meta[i]; i++)
        if (!strcasecmp(meta[i], t))
            return true;
    return false;
}

/* XLSForm types a resident cannot answer on a touch kiosk (typing, dates, places, files) or that
 * compute rather than ask: such a row is skipped with a warning naming it, not refused. */
static const char *not_asked(const char *t)
{
    static const char *const typed[] = {
        "text",     "integer", "decimal", "date",  "time", "datetime", "geopoint", "geotrace",
        "geoshape", "image",   "audio",   "video", "file", "barcode",  "rank",     NULL};
    static const char *const computed[] = {"calculate", "hidden", "acknowledge", NULL};
    for (int i = 0; typed[i]; i++)
        if (!strcasecmp(typed[i], t))
            return "a resident answers by touch only: no typing, dates, places, pictures or files";
    for (int i = 0; computed[i]; i++)
        if (!strcasecmp(computed[i], t))
            return "the kiosk computes nothing and asks nothing hidden";
    return NULL;
}

static int parse_required(const char *s, bool *out)
{
    if (!*s || !strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0") ||
        !strcasecmp(s, "false()")) {
        *out = false;
        return 0;
    }
    if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1") ||
        !strcasecmp(s, "true()")) {
        *out = true;
        return 0;
    }
    return -1;
}

/* Columns of one table (found once): labels, clips and icons per language. */
typedef struct {
    int list, name, icon, image;
    int label[QSET_MAX_LANGS], audio[QSET_MAX_LANGS];
} choice_cols;

/* prefix::LANG and media::prefix::LANG columns (and plain prefix / media::prefix in the default
 * language) of table t, one per language (-1 when absent). */
static void media_cols(conv *cv, const xlsform_csv *t, const char *tname, const char *prefix,
                       const lang_list *langs, int *cols)
{
    int other[QSET_MAX_LANGS];
    char mp[64];
    snprintf(mp, sizeof mp, "media::%s", prefix);
    lang_cols(cv, t, tname, prefix, langs, cols);
    lang_cols(cv, t, tname, mp, langs, other);
    for (int i = 0; i < QSET_MAX_LANGS; i++)
        if (cols[i] < 0)
            cols[i] = other[i];
}

/* The clips of row r ("text_audio"), or NULL when it names none. */
static json_t *audio_obj(const xlsform_csv *t, int r, const int *cols, const lang_list *langs)
{
    json_t *o = NULL;
    for (int i = 0; i < langs->n; i++) {
        const char *s = cols[i] >= 0 ? xlsform_csv_cell(t, r, cols[i]) : "";
        if (!*s)
            continue;
        if (!o)
            o = json_object();
        json_object_set_new(o, langs->code[i], json_string(s));
    }
    return o;
}

/* An XLSForm image cell "money.png" as a kiosk icon name "money"; false when it is not one. */
static bool image_icon(const char *img, char *icon, size_t len)
{
    const char *slash = strrchr(img, '/');
    const char *base = slash ? slash + 1 : img;
    const char *dot = strrchr(base, '.');
    if (!dot || strcasecmp(dot, ".png") != 0 || (size_t)(dot - base) >= len)
        return false;
    snprintf(icon, len, "%.*s", (int)(dot - base), base);
    return qset_icon_valid(icon);
}

/* Collects the options of list from the choices table into a new JSON array, checking what the
 * question-set loader would check, in the choices' rows and columns. */
static json_t *options_for(conv *cv, const xlsform_csv *ch, const char *cname,
                           const choice_cols *cc, const lang_list *langs, const char *list,
                           json_t *values, int *first_row, int *last_row)
{
    json_t *arr = json_array();
    *first_row = *last_row = 0;
    for (int r = 1; r < xlsform_csv_rows(ch); r++) {
        if (strcmp(xlsform_csv_cell(ch, r, cc->list), list) != 0)
            continue;
        if (!*first_row)
            *first_row = r + 1;
        *last_row = r + 1;
        const char *id = xlsform_csv_cell(ch, r, cc->name);
        if (!*id) {
            cerr(cv, "%s:%d: column \"name\": empty (every choice needs a name, its stored value)",
                 cname, r + 1);
            continue;
        }
        if (!qset_id_valid(id, false))
            cerr(cv,
                 "%s:%d: column \"name\": \"%s\" is not a valid name (use 1-%d letters A-Z a-z, "
                 "digits, \"-\" or \"_\")",
                 cname, r + 1, id, QSET_MAX_ID_LEN);
        for (size_t k = 0; k < json_array_size(values); k++)
            if (!strcmp(json_string_value(json_array_get(values, k)), id))
                cerr(cv, "%s:%d: column \"name\": \"%s\" is listed twice in list %s", cname, r + 1,
                     id, list);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(id));
        json_t *t = text_obj(cv, ch, cname, r, cc->label, langs, "label", true);
        json_object_set_new(o, "text", t);
        json_t *au = audio_obj(ch, r, cc->audio, langs);
        if (au)
            json_object_set_new(o, "text_audio", au);
        const char *icon = cc->icon >= 0 ? xlsform_csv_cell(ch, r, cc->icon) : "";
        const char *img = cc->image >= 0 ? xlsform_csv_cell(ch, r, cc->image) : "";
        char from_img[QSET_MAX_ID_LEN + 1];
        if (*icon && !qset_icon_valid(icon))
            cerr(cv,
                 "%s:%d: column \"icon\": \"%s\" is not an icon name (1-%d lowercase letters, "
                 "digits, \"-\" or \"_\", e.g. money)",
                 cname, r + 1, icon, QSET_MAX_ID_LEN);
        if (!*icon && *img) {
            if (image_icon(img, from_img, sizeof from_img))
                icon = from_img;
            else
                cwarn(cv,
                      "%s:%d: column \"%s\": \"%s\" is not shown (the kiosk shows PNG icons named "
                      "with lowercase letters, digits, \"-\" or \"_\", e.g. money.png)",
                      cname, r + 1, xlsform_csv_cell(ch, 0, cc->image), img);
        }
        if (*icon)
            json_object_set_new(o, "icon", json_string(icon));
        json_array_append_new(arr, o);
        json_array_append_new(values, json_string(id));
    }
    return arr;
}

static bool row_empty(const xlsform_csv *t, int r)
{
    for (int c = 0; c < xlsform_csv_cols(t, r); c++)
        if (*xlsform_csv_cell(t, r, c))
            return false;
    return true;
}

/* Marks the columns cols[0..n) (-1: absent) as read by the converter. */
static void mark_cols(bool *known, const int *cols, int n)
{
    for (int i = 0; i < n; i++)
        if (cols[i] >= 0 && cols[i] < XLSFORM_MAX_COLS)
            known[cols[i]] = true;
}

/* Warns about every column of t not marked in known: the kiosk does not use it. Named at the
 * first row that fills it. */
static void warn_unused(conv *cv, const xlsform_csv *t, const char *tname, const bool *known)
{
    for (int col = 0; col < xlsform_csv_cols(t, 0) && col < XLSFORM_MAX_COLS; col++) {
        const char *h = xlsform_csv_cell(t, 0, col);
        if (!*h || known[col] || !strcasecmp(h, "appearance")) /* appearance: warned per row */
            continue;
        int first = 0, more = 0;
        for (int r = 1; r < xlsform_csv_rows(t); r++)
            if (*xlsform_csv_cell(t, r, col)) {
                if (first)
                    more++;
                else
                    first = r + 1;
            }
        if (first)
            cwarn(cv, "%s:%d: column \"%s\": not used by the kiosk, ignored%s", tname, first, h,
                  more ? " (here and in more rows)" : "");
    }
}

/* The hint of row r: NULL when there is none, or it is not given in every language (warned:
 * the kiosk shows a hint only in every language). */
static json_t *hint_obj(conv *cv, const xlsform_csv *t, const char *tname, int r, const int *cols,
                        const lang_list *langs)
{
    int filled = 0;
    char missing[128] = "";
    size_t mlen = 0;
    for (int i = 0; i < langs->n; i++) {
        if (cols[i] >= 0 && *xlsform_csv_cell(t, r, cols[i]))
            filled++;
        else if (mlen < sizeof missing)
            mlen += (size_t)snprintf(missing + mlen, sizeof missing - mlen, "%s%s",
                                     mlen ? ", " : "", langs->code[i]);
    }
    if (filled == 0)
        return NULL;
    if (filled < langs->n) {
        cwarn(cv, "%s:%d: column \"hint\": the hint is not shown: it has no text for %s", tname,
              r + 1, missing);
        return NULL;
    }
    return text_obj(cv, t, tname, r, cols, langs, "hint", true);
}

/* The survey's columns for the words under the ends of a scale (low::LANG, high::LANG) and
 * their clips (low_audio::LANG, high_audio::LANG): [0] low, [1] high. */
typedef struct {
    int text[2][QSET_MAX_LANGS], audio[2][QSET_MAX_LANGS];
} end_cols;

static const char *const end_key[2] = {"low", "high"};
static const char *const end_audio_key[2] = {"low_audio", "high_audio"};

static void find_end_cols(conv *cv, const xlsform_csv *t, const char *tname, const lang_list *langs,
                          end_cols *e)
{
    for (int k = 0; k < 2; k++) {
        lang_cols(cv, t, tname, end_key[k], langs, e->text[k]);
        media_cols(cv, t, tname, end_audio_key[k], langs, e->audio[k]);
    }
}

/* The first of cols (one per language) filled in row r, or -1. */
static int first_filled(const xlsform_csv *t, int r, const int *cols, const lang_list *langs)
{
    for (int i = 0; i < langs->n; i++)
        if (cols[i] >= 0 && *xlsform_csv_cell(t, r, cols[i]))
            return cols[i];
    return -1;
}

/* The end labels of row r into question jq ("low", "high", "low_audio", "high_audio") for a
 * type that takes them; on a row of any other type a filled cell is warned (ty: the row's type,
 * NULL when unknown, which is reported elsewhere). */
static void row_ends(conv *cv, const xlsform_csv *t, const char *tname, int r, const end_cols *e,
                     const lang_list *langs, const qtype *ty, const char *kind, json_t *jq)
{
    if (!ty)
        return;
    for (int k = 0; k < 2; k++) {
        int ct = first_filled(t, r, e->text[k], langs), ca = first_filled(t, r, e->audio[k], langs);
        if (!(ty->keys & QTYPE_KEY_ENDS)) {
            if (ct >= 0 || ca >= 0)
                cwarn(cv,
                      "%s:%d: column \"%s\": ignored (only a range question has words under "
                      "its ends; this is a %s)",
                      tname, r + 1, xlsform_csv_cell(t, 0, ct >= 0 ? ct : ca), kind);
            continue;
        }
        json_t *text = text_obj(cv, t, tname, r, e->text[k], langs, end_key[k], false);
        json_t *au = audio_obj(t, r, e->audio[k], langs);
        if (au && !text)
            cerr(cv, "%s:%d: column \"%s\": a clip without the words it reads (give %s::LANG too)",
                 tname, r + 1, xlsform_csv_cell(t, 0, ca), end_key[k]);
        if (text)
            json_object_set_new(jq, end_key[k], text);
        if (au)
            json_object_set_new(jq, end_audio_key[k], au);
    }
}

/* The ui_strings sheet (column key, one label::LANG column per language, a row per key) as the
 * set's "ui_strings" object, checked as the loader would check it, by row and column. NULL when
 * it gives no text. builtin: the kiosk's own strings (NULL: not checked against them). */
#define UI_KEY_DIR UISTR_COUNT /* the row of "dir" */

static json_t *ui_strings_obj(conv *cv, const xlsform_csv *u, const char *uname,
                              const lang_list *langs, const uistr *builtin)
{
    int c_key = find_col(u, "key"), n_rows = xlsform_csv_rows(u);
    if (c_key < 0) {
        cerr(cv, "%s:1: no column \"key\" (the header row needs key, label::LANG ...)", uname);
        return NULL;
    }
    int *kidx = calloc((size_t)n_rows + 1, sizeof *kidx);
    bool known[XLSFORM_MAX_COLS] = {false}, seen[UISTR_COUNT + 1] = {false};
    json_t *root = json_object();
    if (!kidx || !root) {
        cerr(cv, "%s: out of memory", uname);
        free(kidx);
        json_decref(root);
        return NULL;
    }
    known[c_key] = true;
    /* Keys, once for every language: known, not repeated. */
    for (int r = 1; r < n_rows; r++) {
        const char *key = xlsform_csv_cell(u, r, c_key);
        uistr_key k;
        kidx[r] = -1;
        if (row_empty(u, r))
            continue;
        if (!*key)
            cerr(cv, "%s:%d: column \"key\": empty (each row is one interface string)", uname,
                 r + 1);
        else if (!strcmp(key, "dir"))
            kidx[r] = UI_KEY_DIR;
        else if (uistr_key_by_name(key, &k))
            kidx[r] = (int)k;
        else
            cerr(cv,
                 "%s:%d: column \"key\": \"%s\" is not an interface string (the keys are those "
                 "of assets/ui-strings.json, and dir)",
                 uname, r + 1, key);
        if (kidx[r] >= 0 && seen[kidx[r]]) {
            cerr(cv, "%s:%d: column \"key\": \"%s\" is given in an earlier row", uname, r + 1, key);
            kidx[r] = -1;
        } else if (kidx[r] >= 0) {
            seen[kidx[r]] = true;
        }
    }
    char code[24];
    for (int c = 0; c < xlsform_csv_cols(u, 0) && c < XLSFORM_MAX_COLS; c++) {
        const char *h = xlsform_csv_cell(u, 0, c);
        int lr = lang_column(h, "label", code, sizeof code);
        if (lr == 0)
            continue;
        known[c] = true;
        if (lr < 0) {
            cerr(cv, "%s:1: column \"%s\": put a language code after \"::\" (label::ti)", uname, h);
            continue;
        }
        if (lang_find(langs, code) < 0) {
            cerr(cv, "%s:1: column \"%s\": \"%s\" is not one of the languages of the poll", uname,
                 h, code);
            continue;
        }
        json_t *jl = json_object();
        bool given[UISTR_COUNT + 1] = {false};
        for (int r = 1; r < n_rows; r++) {
            const char *v = xlsform_csv_cell(u, r, c);
            bool rtl;
            if (!*v || kidx[r] < 0)
                continue;
            given[kidx[r]] = true; /* a wrong text is named below, not as missing */
            if (kidx[r] == UI_KEY_DIR && !uistr_parse_dir(v, &rtl)) {
                cerr(cv, "%s:%d: column \"%s\": dir must be ltr or rtl, not \"%s\"", uname, r + 1,
                     h, v);
                continue;
            }
            const char *problem =
                kidx[r] == UI_KEY_DIR ? NULL : uistr_check_value((uistr_key)kidx[r], v, strlen(v));
            if (problem) {
                cerr(cv, "%s:%d: column \"%s\": %s %s", uname, r + 1, h,
                     xlsform_csv_cell(u, r, c_key), problem);
                continue;
            }
            json_object_set_new(jl, xlsform_csv_cell(u, r, c_key), json_string(v));
        }
        if (builtin && !uistr_has_language(builtin, code)) {
            char missing[QSET_DIAG_LEN / 2] = "";
            size_t used = 0;
            /* the card words may be left out: the loaded set then warns (no cards in it) */
            for (int k = 0; k <= UISTR_COUNT; k++)
                if (!given[k] &&
                    (k == UI_KEY_DIR || (!uistr_key_card((uistr_key)k) &&
                                         uistr_key_fallback((uistr_key)k) == (uistr_key)k)))
                    wp_list_add(missing, sizeof missing, &used,
                                k == UI_KEY_DIR ? "dir" : uistr_key_name((uistr_key)k));
            if (used)
                cerr(cv,
                     "%s:1: column \"%s\": the kiosk has no interface strings for \"%s\", so "
                     "every key needs a text here; missing: %s",
                     uname, h, code, missing);
        }
        if (json_object_size(jl))
            json_object_set_new(root, code, jl);
        else
            json_decref(jl);
    }
    warn_unused(cv, u, uname, known);
    free(kidx);
    if (!json_object_size(root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* The poll's own texts: note rows of these names, or settings columns NAME::LANG, and their
 * clips. */
static const char *const own_key[3] = {"title", "welcome", "thanks"};
static const char *const own_audio_key[3] = {"title_audio", "welcome_audio", "thanks_audio"};

/* "UCL_Biomass_Plot_Form" from "dir/UCL_Biomass_Plot_Form-survey.csv". */
static void file_stem(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    wp_strlcpy(out, base, len);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
    size_t n = strlen(out);
    if (n > 7 && !strcasecmp(out + n - 6, "survey") &&
        (out[n - 7] == '-' || out[n - 7] == '_' || out[n - 7] == ' '))
        out[n - 7] = '\0';
}

/* A set id from a file stem: other characters become "-". "" when nothing is left. */
static void stem_to_id(const char *stem, char *out, size_t len)
{
    size_t k = 0;
    for (; *stem && k + 1 < len && k < QSET_MAX_ID_LEN; stem++) {
        unsigned char c = (unsigned char)*stem;
        bool ok = isalnum(c) || c == '-' || c == '_' || c == '.';
        if (c >= 0x80)
            ok = false;
        if (ok)
            out[k++] = (char)c;
        else if (k > 0 && out[k - 1] != '-')
            out[k++] = '-';
    }
    while (k > 0 && out[k - 1] == '-')
        k--;
    out[k] = '\0';
}

/* "ucl_biomass-plot" -> "Ucl biomass plot". */
static void humanise(const char *stem, char *out, size_t len)
{
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s", stem);
    for (char *p = tmp; *p; p++)
        if (*p == '_' || *p == '-')
            *p = ' ';
    collapse_spaces(tmp, out, len);
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
    if (!out[0])
        wp_strlcpy(out, "Poll", len);
}

/* The whole-number version of a version string that is not one: a date "2024-03-05[ 14:22]"
 * (as =NOW() or a date is saved) becomes minutes since 2000-01-01, so later saves count
 * higher; anything else the first 9 of its digits in order ("1.2" -> 12, "v3" -> 3). 0 when it
 * has no digits. */
static long derive_version(const char *s)
{
    int y, mo, d, h = 0, mi = 0;
    if (sscanf(s, "%4d-%2d-%2d%*[ T]%2d:%2d", &y, &mo, &d, &h, &mi) >= 3 && y >= 2000 && y < 5000 &&
        mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
        /* days from 2000-01-01 (proleptic Gregorian, as in Howard Hinnant's days_from_civil) */
        long yy = y - (mo <= 2), era = yy / 400, yoe = yy - era * 400;
        long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 730425;
        return 1 + days * 1440 + h * 60 + mi;
    }
    long v = 0;
    int n = 0;
    for (; *s && n < 9; s++)
        if (isdigit((unsigned char)*s)) {
            v = v * 10 + (*s - '0');
            n++;
        }
    return v;
}

/* A language given as a code ("nl"), as "Name (code)", as the name part of a label::Name (code)
 * header of the survey, or as one of the kiosk's own language names ("Nederlands"). */
static bool resolve_language(const xlsform_csv *sv, const uistr *strings, const char *given,
                             char *code, size_t codelen)
{
    char hdr[160];
    snprintf(hdr, sizeof hdr, "x::%s", given);
    if (lang_column(hdr, "x", code, codelen) == 1)
        return true;
    size_t gl = strlen(given);
    for (int c = 0; c < xlsform_csv_cols(sv, 0); c++) {
        const char *h = xlsform_csv_cell(sv, 0, c);
        if (strncasecmp(h, "label::", 7) != 0)
            continue;
        const char *name = h + 7;
        if (!strncasecmp(name, given, gl) && (name[gl] == ' ' || name[gl] == '(') &&
            lang_column(h, "label", code, codelen) == 1)
            return true;
    }
    for (int i = 0; strings && i < uistr_n_languages(strings); i++) {
        const char *l = uistr_language(strings, i);
        const char *n = uistr_get(strings, l, UISTR_LANGUAGE_NAME);
        if (n && !strcasecmp(n, given)) {
            wp_strlcpy(code, l, codelen);
            return true;
        }
    }
    return false;
}

/* A loader message about a question of the converted set ("set.json: QID: ...") rewritten to
 * name the survey row the question came from, which is where staff fix it. */
/* An ODK table ("label" row, then "list-nolabel" rows with the same list in the same group):
 * the rows become the questions of one matrix (FORMAT.md), the "label" row names it. */
typedef struct {
    bool open;
    int row;   /* the "label" row (0-based) */
    int depth; /* the group depth it is in */
    char id[QSET_MAX_ID_LEN + 1];
    char list[64];
    int first, n; /* its questions: questions[first, first + n) */
} xls_matrix;

/* The table ends (a row that is not one of its rows, or the end of the sheet): a table of
 * fewer than two questions is asked as separate questions, and said so. */
static void matrix_close(conv *cv, const char *sname, xls_matrix *m, json_t *questions)
{
    if (!m->open)
        return;
    m->open = false;
    if (m->n >= 2)
        return;
    cwarn(cv,
          "%s:%d: column \"appearance\": \"label\" starts a table, but %s row with appearance "
          "\"list-nolabel\" and list \"%s\" follows it in its group (a table needs two): asked "
          "as separate questions",
          sname, m->row + 1, m->n ? "only one" : "no", m->list);
    if (m->n == 1)
        json_object_del(json_array_get(questions, (size_t)m->first), "matrix");
}

static void map_to_row(char *msg, const char *out_name, const char *sname, const qinfo *qi, int nq)
{
    size_t ol = strlen(out_name);
    if (strncmp(msg, out_name, ol) != 0 || strncmp(msg + ol, ": ", 2) != 0)
        return;
    const char *rest = msg + ol + 2;
    for (int i = 0; i < nq; i++) {
        size_t nl = strlen(qi[i].name);
        if (strncmp(rest, qi[i].name, nl) != 0 || (rest[nl] != ':' && rest[nl] != ' '))
            continue;
        char buf[QSET_DIAG_LEN];
        snprintf(buf, sizeof buf, "%s:%d: question \"%s\"%s", sname, qi[i].row + 1, qi[i].name,
                 rest + nl);
        wp_strlcpy(msg, buf, QSET_DIAG_LEN);
        return;
    }
}

int xlsform_convert(const xlsform_csv *sv, const char *sname, const xlsform_csv *ch,
                    const char *cname, const xlsform_csv *st, const char *stname,
                    const xlsform_csv *ui, const char *uiname, const xlsform_opts *opts,
                    char **json_out, size_t *len_out, qset_diag *diag)
{
    conv cv = {diag, 0, opts ? opts->warnings : NULL, opts && opts->strict, ""};
    json_t *root = NULL, *questions = NULL, *ui_strings = NULL;
    json_t *own_audio[3] = {NULL, NULL, NULL}; /* title_audio, welcome_audio, thanks_audio */
    qinfo *qi = NULL;
    int nq = 0, n_asked = 0, rc = -1; /* n_asked: questions that are not notes */
    lang_list langs = {0};
    int s_lcols[QSET_MAX_LANGS];
    char code[24];
    *json_out = NULL;
    if (len_out)
        *len_out = 0;
    if (!stname)
        stname = "settings";
    if (!uiname)
        uiname = "ui_strings";

    int c_type = find_col(sv, "type"), c_name = find_col(sv, "name");
    int c_rel = find_col(sv, "relevant"), c_req = find_col(sv, "required");
    int c_par = find_col(sv, "parameters"), c_share = find_col(sv, "share");
    if (c_type < 0)
        cerr(&cv, "%s:1: no column \"type\" (the header row needs type, name, label::LANG ...)",
             sname);
    if (c_name < 0)
        cerr(&cv, "%s:1: no column \"name\"", sname);
    /* default_language from the settings (a code, "Name (code)", or a name found in a
     * label::Name (code) header or among the kiosk's language names). */
    int st_row = -1;
    if (st) {
        for (int r = 1; r < xlsform_csv_rows(st) && st_row < 0; r++)
            if (!row_empty(st, r))
                st_row = r;
    }
    const char *defname = "";
    if (st_row > 0) {
        int c_def = find_col(st, "default_language");
        defname = c_def >= 0 ? xlsform_csv_cell(st, st_row, c_def) : "";
    }
    if (*defname && !resolve_language(sv, opts ? opts->strings : NULL, defname, cv.def_lang,
                                      sizeof cv.def_lang))
        cerr(&cv,
             "%s:%d: column \"default_language\": \"%s\" is not a language code (e.g. nl) or "
             "the name of a label language of %s",
             stname, st_row + 1, defname, sname);
    bool plain_label = find_col(sv, "label") >= 0;
    /* Languages: label::LANG columns of the survey in order, those with any text. */
    for (int c = 0; c < xlsform_csv_cols(sv, 0); c++) {
        int r = lang_column(xlsform_csv_cell(sv, 0, c), "label", code, sizeof code);
        if (r != 1 || lang_find(&langs, code) >= 0)
            continue;
        bool any = false;
        for (int row = 1; row < xlsform_csv_rows(sv) && !any; row++)
            any = *xlsform_csv_cell(sv, row, c) != '\0';
        if (!any)
            continue;
        if (langs.n >= QSET_MAX_LANGS) {
            cerr(&cv, "%s:1: more than %d languages", sname, QSET_MAX_LANGS);
            break;
        }
        wp_strlcpy(langs.code[langs.n++], code, sizeof langs.code[0]);
    }
    if (plain_label && !cv.def_lang[0] && !*defname) {
        if (langs.n == 1)
            wp_strlcpy(cv.def_lang, langs.code[0], sizeof cv.def_lang);
        else
            cerr(&cv,
                 "%s:1: column \"label\": say which language it is: give default_language in "
                 "the settings (e.g. nl), or name the column label::nl or label::Nederlands (nl)",
                 sname);
    }
    if (cv.def_lang[0]) {
        int li = lang_find(&langs, cv.def_lang);
        if (li < 0 && plain_label && langs.n < QSET_MAX_LANGS) {
            wp_strlcpy(langs.code[langs.n], cv.def_lang, sizeof langs.code[0]);
            li = langs.n++;
        }
        if (li < 0) {
            cerr(&cv,
                 "%s:%d: column \"default_language\": \"%s\" is not one of the label "
                 "languages of %s",
                 stname, st_row + 1, defname, sname);
        } else if (li > 0) { /* the default language goes first */
            char tmp[24];
            wp_strlcpy(tmp, langs.code[li], sizeof tmp);
            memmove(langs.code[1], langs.code[0], (size_t)li * sizeof langs.code[0]);
            wp_strlcpy(langs.code[0], tmp, sizeof langs.code[0]);
        }
    }
    lang_cols(&cv, sv, sname, "label", &langs, s_lcols);
    if (langs.n == 0 && c_type >= 0 && !plain_label)
        cerr(&cv, "%s:1: no label::LANG column with any text (e.g. label::nl)", sname);

    choice_cols cc;
    cc.list = find_col(ch, "list_name");
    cc.name = find_col(ch, "name");
    cc.icon = find_col(ch, "icon");
    cc.image = find_col(ch, "image") >= 0 ? find_col(ch, "image") : find_col(ch, "media::image");
    if (cc.list < 0)
        cerr(&cv, "%s:1: no column \"list_name\"", cname);
    if (cc.name < 0)
        cerr(&cv, "%s:1: no column \"name\"", cname);
    lang_cols(&cv, ch, cname, "label", &langs, cc.label);
    media_cols(&cv, ch, cname, "audio", &langs, cc.audio);
    for (int i = 0; i < langs.n; i++) {
        bool used = false;
        for (int r = 1; r < xlsform_csv_rows(ch) && !used; r++)
            used = !row_empty(ch, r);
        if (cc.label[i] < 0 && used)
            cerr(&cv, "%s:1: no column label::%s (the survey has labels in \"%s\")", cname,
                 langs.code[i], langs.code[i]);
    }
    int s_hcols[QSET_MAX_LANGS], s_acols[QSET_MAX_LANGS], s_hacols[QSET_MAX_LANGS];
    lang_cols(&cv, sv, sname, "hint", &langs, s_hcols);
    media_cols(&cv, sv, sname, "hint_audio", &langs, s_hacols);
    media_cols(&cv, sv, sname, "audio", &langs, s_acols);
    end_cols ends;
    find_end_cols(&cv, sv, sname, &langs, &ends);
    ui_strings = ui ? ui_strings_obj(&cv, ui, uiname, &langs, opts ? opts->strings : NULL) : NULL;
    /* A language the kiosk has no words for needs them from the ui_strings sheet. */
    for (int i = 0; opts && opts->strings && i < langs.n; i++)
        if (!uistr_has_language(opts->strings, langs.code[i]) &&
            !json_object_get(ui_strings, langs.code[i]))
            cerr(&cv,
                 "%s:1: column \"%s\": the kiosk has no interface strings for \"%s\": give them "
                 "in a ui_strings sheet (from-csv --ui-strings FILE; column key, column "
                 "label::%s, one row per key of assets/ui-strings.json)",
                 sname, s_lcols[i] >= 0 ? xlsform_csv_cell(sv, 0, s_lcols[i]) : "label",
                 langs.code[i], langs.code[i]);
    if (cv.n_err)
        goto done;
    {
        /* Columns the kiosk does not use: one warning each, at the first row that fills it. */
        int used_s[] = {c_type, c_name, c_rel, c_req, c_par, c_share};
        int used_c[] = {cc.list, cc.name, cc.icon, cc.image};
        bool known_s[XLSFORM_MAX_COLS] = {false}, known_c[XLSFORM_MAX_COLS] = {false};
        mark_cols(known_s, used_s, 6);
        const int *lang_s[] = {s_lcols,      s_hcols,       s_acols,       ends.text[0],
                               ends.text[1], ends.audio[0], ends.audio[1], s_hacols};
        for (size_t k = 0; k < sizeof lang_s / sizeof lang_s[0]; k++)
            mark_cols(known_s, lang_s[k], QSET_MAX_LANGS);
        mark_cols(known_c, used_c, 4);
        mark_cols(known_c, cc.label, QSET_MAX_LANGS);
        mark_cols(known_c, cc.audio, QSET_MAX_LANGS);
        warn_unused(&cv, sv, sname, known_s);
        warn_unused(&cv, ch, cname, known_c);
    }

    root = json_object();
    questions = json_array();
    qi = calloc(XLS_MAX_QUESTIONS, sizeof *qi);
    if (!root || !questions || !qi) {
        cerr(&cv, "out of memory");
        goto done;
    }
    int c_app = find_col(sv, "appearance");
    json_t *title = NULL, *welcome = NULL, *thanks = NULL;
    json_t **own_text[3] = {&title, &welcome, &thanks};
    int group_depth = 0;
    xls_matrix mx = {.open = false};
    for (int r = 1; r < xlsform_csv_rows(sv); r++) {
        if (row_empty(sv, r))
            continue;
        char type[256], relbuf[1024];
        collapse_spaces(xlsform_csv_cell(sv, r, c_type), type, sizeof type);
        const char *name = xlsform_csv_cell(sv, r, c_name);
        straighten(c_rel >= 0 ? xlsform_csv_cell(sv, r, c_rel) : "", relbuf, sizeof relbuf);
        const char *rel = relbuf;
        const char *req = c_req >= 0 ? xlsform_csv_cell(sv, r, c_req) : "";
        const char *par = c_par >= 0 ? xlsform_csv_cell(sv, r, c_par) : "";
        const char *shr = c_share >= 0 ? xlsform_csv_cell(sv, r, c_share) : "";
        const char *app = c_app >= 0 ? xlsform_csv_cell(sv, r, c_app) : "";
        if (!*type) {
            cerr(&cv, "%s:%d: column \"type\": empty", sname, r + 1);
            continue;
        }
        /* The question type this row becomes (qtype.h): its type's first word and, for some,
         * its appearance. */
        const char *sp = strchr(type, ' ');
        char kind[64], appearance[64];
        snprintf(kind, sizeof kind, "%.*s", sp ? (int)(sp - type) : (int)strlen(type), type);
        collapse_spaces(app, appearance, sizeof appearance);
        bool app_used = false;
        int qt = qtype_from_xlsform(kind, appearance, &app_used);
        /* A table: a "label" row with a list, then "list-nolabel" rows with the same list. */
        const char *list_name = sp ? sp + 1 : "";
        bool table_kind = qt >= 0 && qtype_get(qt)->answers == QTYPE_ANS_OPTIONS &&
                          qtype_get(qt)->value == QTYPE_VALUE_ONE && *list_name;
        bool in_table = mx.open && table_kind && !strcasecmp(appearance, "list-nolabel") &&
                        group_depth == mx.depth && !strcmp(list_name, mx.list);
        if (!in_table)
            matrix_close(&cv, sname, &mx, questions);
        if (table_kind && !strcasecmp(appearance, "label")) {
            /* The header of a table: its choices are shown once above the rows. */
            mx = (xls_matrix){.open = true,
                              .row = r,
                              .depth = group_depth,
                              .first = (int)json_array_size(questions)};
            wp_strlcpy(mx.list, list_name, sizeof mx.list);
            if (!qset_id_valid(name, false))
                cerr(&cv,
                     "%s:%d: column \"name\": \"%s\" is not a valid name for the table (use "
                     "1-%d letters A-Z a-z, digits, \"-\" or \"_\")",
                     sname, r + 1, name, QSET_MAX_ID_LEN);
            wp_strlcpy(mx.id, name, sizeof mx.id);
            if (*rel)
                cerr(&cv,
                     "%s:%d: column \"relevant\": a table's header row cannot have a condition; "
                     "put it on each of its rows",
                     sname, r + 1);
            int lc = first_filled(sv, r, s_lcols, &langs);
            if (lc < 0)
                lc = first_filled(sv, r, s_hcols, &langs);
            if (lc >= 0)
                cwarn(&cv,
                      "%s:%d: column \"%s\": not shown (the table's header row shows its "
                      "choices only)",
                      sname, r + 1, xlsform_csv_cell(sv, 0, lc));
            if (*req)
                cwarn(&cv,
                      "%s:%d: column \"required\": ignored on a table's header row (put it on "
                      "its rows)",
                      sname, r + 1);
            continue;
        }
        if (in_table)
            app_used = true;
        else if (table_kind && !strcasecmp(appearance, "list-nolabel"))
            cwarn(&cv,
                  "%s:%d: column \"appearance\": \"list-nolabel\" without a row with appearance "
                  "\"label\" and list \"%s\" before it in its group: asked as its own question "
                  "with its choices' labels",
                  sname, r + 1, list_name);
        if (*app && !app_used && !(table_kind && !strcasecmp(appearance, "list-nolabel")))
            cwarn(&cv,
                  "%s:%d: column \"appearance\": \"%s\" is not honoured (the kiosk lays out "
                  "every question and group its own way)",
                  sname, r + 1, app);
        if (is_meta_type(type)) {
            cwarn(&cv, "%s:%d: column \"type\": \"%s\" skipped (the kiosk records no metadata)",
                  sname, r + 1, type);
            continue;
        }
        if (not_asked(type)) {
            cwarn(&cv,
                  "%s:%d: column \"type\": \"%s\" skipped, with its question \"%s\" (%s; a "
                  "condition that refers to it is refused)",
                  sname, r + 1, type, name, not_asked(type));
            continue;
        }
        if (!strcasecmp(type, "begin group") || !strcasecmp(type, "begin_group") ||
            !strcasecmp(type, "begin repeat") || !strcasecmp(type, "begin_repeat")) {
            if (*rel)
                cerr(&cv,
                     "%s:%d: column \"relevant\": a group cannot have a condition; put it on "
                     "each question of the group",
                     sname, r + 1);
            if (!strncasecmp(type, "begin_repeat", 12) || !strncasecmp(type, "begin repeat", 12))
                cwarn(&cv,
                      "%s:%d: column \"type\": \"%s\": the questions are asked once (the kiosk "
                      "does not repeat)",
                      sname, r + 1, type);
            for (int i = 0; i < langs.n; i++)
                if (s_lcols[i] >= 0 && *xlsform_csv_cell(sv, r, s_lcols[i])) {
                    cwarn(&cv,
                          "%s:%d: column \"%s\": the group's label is not shown (the kiosk shows "
                          "no group headers: put instructions into each question's hint)",
                          sname, r + 1, xlsform_csv_cell(sv, 0, s_lcols[i]));
                    break;
                }
            group_depth++;
            continue;
        }
        if (!strcasecmp(type, "end group") || !strcasecmp(type, "end_group") ||
            !strcasecmp(type, "end repeat") || !strcasecmp(type, "end_repeat")) {
            if (group_depth == 0)
                cerr(&cv, "%s:%d: column \"type\": \"end group\" without \"begin group\"", sname,
                     r + 1);
            else
                group_depth--;
            continue;
        }
        if (!strcasecmp(type, "note")) {
            /* Notes named title, welcome or thanks give the poll's own texts; every other
             * note is an information screen between the questions (type note). */
            int own = -1;
            for (int k = 0; k < 3; k++)
                if (!strcmp(name, own_key[k]))
                    own = k;
            if (own >= 0) {
                json_decref(*own_text[own]);
                *own_text[own] = text_obj(&cv, sv, sname, r, s_lcols, &langs, "label", true);
                json_decref(own_audio[own]);
                own_audio[own] = audio_obj(sv, r, s_acols, &langs);
                int ch_ = first_filled(sv, r, s_hcols, &langs);
                if (ch_ >= 0)
                    cwarn(&cv, "%s:%d: column \"%s\": not shown (the %s screen has no hint)", sname,
                          r + 1, xlsform_csv_cell(sv, 0, ch_), own_key[own]);
                continue;
            }
        }
        if (nq >= XLS_MAX_QUESTIONS) {
            cerr(&cv, "%s:%d: too many questions (at most %d)", sname, r + 1, QSET_MAX_QUESTIONS);
            break;
        }
        if (nq == QSET_MAX_QUESTIONS)
            cerr(&cv, "%s:%d: question %d: too many questions (at most %d)", sname, r + 1, nq + 1,
                 QSET_MAX_QUESTIONS);
        qinfo *q = &qi[nq];
        if (!q->values)
            q->values = json_array(); /* a slot left by a skipped row is reused */
        q->row = r;
        if (!*name) {
            cerr(&cv, "%s:%d: column \"name\": empty (every question needs a name)", sname, r + 1);
            continue;
        }
        if (!qset_id_valid(name, false))
            cerr(&cv,
                 "%s:%d: column \"name\": \"%s\" is not a valid name (use 1-%d letters A-Z a-z, "
                 "digits, \"-\" or \"_\")",
                 sname, r + 1, name, QSET_MAX_ID_LEN);
        bool dup = false;
        for (int i = 0; i < nq; i++)
            if (!strcmp(qi[i].name, name))
                dup = true;
        if (dup) /* the rest of the row is still checked: every problem in one run */
            cerr(&cv, "%s:%d: column \"name\": \"%s\" is used by an earlier question", sname, r + 1,
                 name);
        wp_strlcpy(q->name, name, sizeof q->name);
        json_t *jq = json_object();
        json_object_set_new(jq, "id", json_string(name));
        params pp;
        if (parse_params(&cv, sname, r, par, &pp) != 0)
            pp.n = 0;
        json_t *tail = json_object(); /* fields that follow text and required */
        const qtype *ty = qt >= 0 ? qtype_get(qt) : NULL;
        if (ty) {
            q->type = qt;
            json_object_set_new(jq, "type", json_string(ty->name));
        }
        if (in_table) {
            json_object_set_new(jq, "matrix", json_string(mx.id));
            mx.n++;
            int hc = first_filled(sv, r, s_hcols, &langs);
            if (hc >= 0)
                cerr(&cv,
                     "%s:%d: column \"%s\": a row of a table has no hint (it shows its label "
                     "only; put the hint on the table's questions' label or into a note before it)",
                     sname, r + 1, xlsform_csv_cell(sv, 0, hc));
        }
        if (ty && ty->xls_list) {
            const char *list = sp ? sp + 1 : "";
            size_t n_opts = 0;
            if (!*list || strchr(list, ' ')) {
                cerr(&cv,
                     "%s:%d: column \"type\": \"%s\": write %s followed by one list name (\"or "
                     "other\" is not supported)",
                     sname, r + 1, type, kind);
            } else {
                int r0, r1;
                wp_strlcpy(q->list, list, sizeof q->list);
                json_t *opts_arr =
                    options_for(&cv, ch, cname, &cc, &langs, list, q->values, &r0, &r1);
                n_opts = json_array_size(opts_arr);
                if (n_opts == 0)
                    cerr(&cv, "%s:%d: column \"type\": no choices with list_name \"%s\" in %s",
                         sname, r + 1, list, cname);
                else if (n_opts > QSET_MAX_OPTIONS)
                    cerr(&cv,
                         "%s:%d: column \"type\": list \"%s\" has %zu choices (%s rows %d-%d), "
                         "at most %d fit on one screen",
                         sname, r + 1, list, n_opts, cname, r0, r1, QSET_MAX_OPTIONS);
                json_object_set_new(tail, "options", opts_arr);
            }
            if (ty->keys & QTYPE_KEY_COUNT) {
                long mn = 0, mx = 0;
                int a = param_int(&cv, sname, r, &pp, "min", 0, QSET_MAX_OPTIONS, &mn);
                int b = param_int(&cv, sname, r, &pp, "max", 1, QSET_MAX_OPTIONS, &mx);
                if (a == 1)
                    json_object_set_new(tail, "min", json_integer(mn));
                if (b == 1)
                    json_object_set_new(tail, "max", json_integer(mx));
                if (a == 1 && b == 1 && mn > mx)
                    cerr(&cv, "%s:%d: column \"parameters\": min=%ld is more than max=%ld", sname,
                         r + 1, mn, mx);
                if (n_opts > 0 &&
                    ((b == 1 && (size_t)mx > n_opts) || (a == 1 && (size_t)mn > n_opts)))
                    cerr(&cv,
                         "%s:%d: column \"parameters\": list %s has only %zu choices (min/max "
                         "is more)",
                         sname, r + 1, list, n_opts);
            }
        } else if (ty && sp) {
            cerr(&cv, "%s:%d: column \"type\": \"%s\": %s takes no list name", sname, r + 1, type,
                 kind);
        }
        if (ty && (ty->keys & QTYPE_KEY_RANGE)) {
            long lo = 1, hi = 10, step = 1;
            int a = param_int(&cv, sname, r, &pp, "start", -1000, 1000, &lo);
            int b = param_int(&cv, sname, r, &pp, "end", -1000, 1000, &hi);
            int c = param_int(&cv, sname, r, &pp, "step", -1000, 1000, &step);
            if (c == 1 && step != 1)
                cerr(&cv,
                     "%s:%d: column \"parameters\": step=%ld is not supported (the kiosk shows "
                     "every whole number from start to end)",
                     sname, r + 1, step);
            if (a >= 0 && b >= 0 && lo >= hi)
                cerr(&cv, "%s:%d: column \"parameters\": start=%ld must be less than end=%ld",
                     sname, r + 1, lo, hi);
            else if (a >= 0 && b >= 0 && hi - lo + 1 > QSET_MAX_SCALE_SPAN)
                cerr(&cv,
                     "%s:%d: column \"parameters\": start=%ld end=%ld has %ld steps (at most %d "
                     "fit on one screen)",
                     sname, r + 1, lo, hi, hi - lo + 1, QSET_MAX_SCALE_SPAN);
            json_object_set_new(tail, "min", json_integer(lo));
            json_object_set_new(tail, "max", json_integer(hi));
            q->lo = (int)lo;
            q->hi = (int)hi;
        }
        if (ty && (ty->keys & QTYPE_KEY_PREFER_NOT)) {
            bool pn = false;
            if (param_bool(&cv, sname, r, &pp, "prefer_not", &pn) == 1 && pn)
                json_object_set_new(tail, "prefer_not", json_true());
            q->prefer_not = pn;
        }
        if (!ty) {
            char names[160];
            qtype_names(0, true, names, sizeof names);
            cerr(&cv,
                 "%s:%d: column \"type\": \"%s\" is not a question type the kiosk shows (use "
                 "%s)",
                 sname, r + 1, type, names);
        }
        params_leftover(&cv, sname, r, &pp, kind);
        json_t *text = text_obj(&cv, sv, sname, r, s_lcols, &langs, "label", true);
        json_object_set_new(jq, "text", text);
        json_t *au = audio_obj(sv, r, s_acols, &langs);
        if (au)
            json_object_set_new(jq, "text_audio", au);
        json_t *hint = hint_obj(&cv, sv, sname, r, s_hcols, &langs);
        if (hint)
            json_object_set_new(jq, "hint", hint);
        json_t *hau = audio_obj(sv, r, s_hacols, &langs); /* read with the hint instead of speech */
        if (hau)
            json_object_set_new(jq, "hint_audio", hau);
        row_ends(&cv, sv, sname, r, &ends, &langs, ty, kind, tail);
        bool required = false;
        if (parse_required(req, &required) != 0)
            cerr(&cv, "%s:%d: column \"required\": \"%s\" must be yes or no", sname, r + 1, req);
        else if (required && ty && !(ty->keys & QTYPE_KEY_REQUIRED))
            cwarn(&cv, "%s:%d: column \"required\": ignored (a %s has no answer to require)", sname,
                  r + 1, kind);
        else if (required)
            json_object_set_new(jq, "required", json_true());
        bool share = false;
        if (parse_required(shr, &share) != 0)
            cerr(&cv, "%s:%d: column \"share\": \"%s\" must be yes or no", sname, r + 1, shr);
        else if (share && ty && ty->answers == QTYPE_ANS_NONE)
            cwarn(&cv, "%s:%d: column \"share\": ignored (a %s has no answers to show back)", sname,
                  r + 1, kind);
        else if (share)
            json_object_set_new(jq, "share", json_true());
        json_object_update(jq, tail);
        json_decref(tail);
        if (*rel) {
            relp *P = calloc(1, sizeof *P);
            json_t *vals = json_array();
            int di = -1;
            if (!P) {
                cerr(&cv, "out of memory");
            } else {
                P->qi = qi;
                P->nq = nq;
            }
            if (P && parse_relevant(P, rel, &di, vals) != 0) {
                if (P->msg[0])
                    cerr(&cv, "%s:%d: column \"relevant\": %s", sname, r + 1, P->msg);
                else
                    cerr(&cv, "%s:%d: column \"relevant\": cannot express \"%s\" as show_if%s",
                         sname, r + 1, rel, P->why);
            } else if (P && in_table && di >= mx.first) {
                cerr(&cv,
                     "%s:%d: column \"relevant\": refers to \"%s\" in the same table (its rows "
                     "are answered on one screen: refer to a question before the table)",
                     sname, r + 1, qi[di].name);
            } else if (P) {
                json_t *si = json_object();
                json_object_set_new(si, "question", json_string(qi[di].name));
                json_object_set(si, "any_of", vals);
                json_object_set_new(jq, "show_if", si);
            }
            free(P);
            json_decref(vals);
        }
        json_array_append_new(questions, jq);
        nq++;
        if (ty && ty->answers != QTYPE_ANS_NONE)
            n_asked++;
    }
    matrix_close(&cv, sname, &mx, questions);
    if (n_asked == 0 && cv.n_err == 0) {
        char names[160];
        qtype_names(0, true, names, sizeof names);
        cerr(&cv, "%s: no questions (rows of type %s)", sname, names);
    }
    if (group_depth > 0)
        cerr(&cv, "%s: a \"begin group\" has no \"end group\"", sname);

    /* Set-level fields: id, version, title, welcome, thanks. */
    const char *id = opts && opts->id ? opts->id : NULL;
    char id_where[256] = "--id";
    long version = opts && opts->version > 0 ? opts->version : 0;
    const char *version_text = NULL, *thanks_share = NULL;
    char stem[128], fallback_id[QSET_MAX_ID_LEN + 1], human[128];
    file_stem(sname, stem, sizeof stem);
    if (st_row > 0) {
        int c_id = find_col(st, "form_id"), c_ver = find_col(st, "version");
        int c_ft = find_col(st, "form_title"), c_ts = find_col(st, "thanks_share");
        if (c_ts >= 0 && *xlsform_csv_cell(st, st_row, c_ts))
            thanks_share = xlsform_csv_cell(st, st_row, c_ts);
        if (c_id < 0)
            c_id = find_col(st, "id_string"); /* the older name of form_id */
        if (!id && c_id >= 0 && *xlsform_csv_cell(st, st_row, c_id)) {
            id = xlsform_csv_cell(st, st_row, c_id);
            snprintf(id_where, sizeof id_where, "%s:%d: column \"%s\"", stname, st_row + 1,
                     xlsform_csv_cell(st, 0, c_id));
        }
        const char *vt = c_ver >= 0 ? xlsform_csv_cell(st, st_row, c_ver) : "";
        if (version == 0 && *vt && !wp_parse_int(vt, 1, 2147483647L, &version)) {
            version = derive_version(vt);
            if (strlen(vt) > QSET_MAX_VERSION_TEXT)
                cerr(&cv, "%s:%d: column \"version\": longer than %d characters", stname,
                     st_row + 1, QSET_MAX_VERSION_TEXT);
            version_text = vt;
            if (version == 0) {
                version = 1;
                cwarn(&cv,
                      "%s:%d: column \"version\": \"%s\" has no digits; the kiosk counts it as "
                      "version 1 (give --version N to raise it)",
                      stname, st_row + 1, vt);
            }
        }
        int t_cols[QSET_MAX_LANGS], a_cols[QSET_MAX_LANGS];
        bool known[XLSFORM_MAX_COLS] = {false};
        int used[] = {c_id, c_ver, c_ft, find_col(st, "default_language"), c_ts};
        mark_cols(known, used, 5);
        for (int k = 0; k < 3; k++) {
            lang_cols(&cv, st, stname, own_key[k], &langs, t_cols);
            media_cols(&cv, st, stname, own_audio_key[k], &langs, a_cols);
            mark_cols(known, t_cols, QSET_MAX_LANGS);
            mark_cols(known, a_cols, QSET_MAX_LANGS);
            bool any = false;
            for (int i = 0; i < langs.n; i++)
                any = any || t_cols[i] >= 0;
            if (any) {
                json_decref(*own_text[k]);
                *own_text[k] = text_obj(&cv, st, stname, st_row, t_cols, &langs, own_key[k], true);
            }
            json_t *au = audio_obj(st, st_row, a_cols, &langs);
            if (!au)
                continue;
            if (!*own_text[k] && k > 0) /* the title always has a text (else the file name's) */
                cerr(&cv,
                     "%s:%d: column \"%s\": a clip without the words it reads (give %s::LANG, or "
                     "a note row named %s)",
                     stname, st_row + 1,
                     xlsform_csv_cell(st, 0, first_filled(st, st_row, a_cols, &langs)), own_key[k],
                     own_key[k]);
            json_decref(own_audio[k]);
            own_audio[k] = au;
        }
        warn_unused(&cv, st, stname, known);
        if (!title && c_ft >= 0 && *xlsform_csv_cell(st, st_row, c_ft)) {
            title = json_object();
            for (int i = 0; i < langs.n; i++)
                json_object_set_new(title, langs.code[i],
                                    json_string(xlsform_csv_cell(st, st_row, c_ft)));
        }
    }
    if (!id) { /* as pyxform does: the file name */
        stem_to_id(stem, fallback_id, sizeof fallback_id);
        if (fallback_id[0]) {
            id = fallback_id;
            snprintf(id_where, sizeof id_where, "%s: the file name", sname);
        } else {
            cerr(&cv, "no id for the question set: give --id ID, or a settings file with form_id");
        }
    }
    if (id && !qset_id_valid(id, true))
        cerr(&cv,
             "%s: \"%s\" is not a valid set id (use 1-%d letters A-Z a-z, digits, \"-\", "
             "\"_\" or \".\")",
             id_where, id, QSET_MAX_ID_LEN);
    if (version == 0)
        version = 1;
    if (!title) { /* the file name, readable; never the id */
        humanise(stem, human, sizeof human);
        title = json_object();
        for (int i = 0; i < langs.n; i++)
            json_object_set_new(title, langs.code[i], json_string(human));
        cwarn(&cv,
              "%s: no form_title: the title residents read is \"%s\" (from the file name; give "
              "form_title or title::LANG in the settings)",
              st_row > 0 ? stname : sname, human);
    }
    json_t *jl = json_array();
    for (int i = 0; i < langs.n; i++)
        json_array_append_new(jl, json_string(langs.code[i]));
    json_object_set_new(root, "format", json_string(QSET_FORMAT));
    json_object_set_new(root, "id", id ? json_string(id) : json_null());
    json_object_set_new(root, "version", json_integer(version));
    if (version_text)
        json_object_set_new(root, "version_text", json_string(version_text));
    json_object_set_new(root, "languages", jl);
    json_object_set_new(root, "title", title ? title : json_object());
    if (welcome)
        json_object_set_new(root, "welcome", welcome);
    if (thanks)
        json_object_set_new(root, "thanks", thanks);
    if (thanks_share)
        json_object_set_new(root, "thanks_share", json_string(thanks_share));
    for (int k = 0; k < 3; k++)
        if (own_audio[k]) {
            json_object_set_new(root, own_audio_key[k], own_audio[k]);
            own_audio[k] = NULL;
        }
    if (ui_strings) {
        json_object_set_new(root, "ui_strings", ui_strings);
        ui_strings = NULL;
    }
    json_object_set(root, "questions", questions);
    if (cv.n_err)
        goto done;

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) {
        cerr(&cv, "out of memory (or text that is not UTF-8)");
        goto done;
    }
    size_t tl = strlen(text);
    char *full = realloc(text, tl + 2);
    if (!full) {
        free(text);
        cerr(&cv, "out of memory");
        goto done;
    }
    full[tl] = '\n';
    full[tl + 1] = '\0';
    /* The result must load exactly as a kiosk would load it. */
    qset *qs = NULL;
    const char *out_name = opts && opts->out_name ? opts->out_name : "set.json";
    int n0 = diag ? diag->n : 0;
    if (qset_load_buffer(full, tl + 1, out_name, opts && opts->base_dir ? opts->base_dir : ".",
                         opts ? opts->strings : NULL, &qs, diag) != 0) {
        for (int i = n0; diag && i < diag->n; i++)
            map_to_row(diag->msg[i], out_name, sname, qi, nq);
        free(full);
        cv.n_err++;
        goto done;
    }
    for (int i = 0; i < qset_n_warnings(qs); i++)
        qset_diag_add(cv.warn, "%s", qset_warning(qs, i));
    qset_free(qs);
    *json_out = full;
    if (len_out)
        *len_out = tl + 1;
    rc = 0;
done:
    if (qi) {
        for (int i = 0; i <= nq && i < XLS_MAX_QUESTIONS; i++)
            json_decref(qi[i].values);
        free(qi);
    }
    json_decref(questions);
    json_decref(root);
    json_decref(ui_strings);
    for (int k = 0; k < 3; k++)
        json_decref(own_audio[k]);
    return rc;
}

int xlsform_convert_files(const char *survey_path, const char *choices_path,
                          const char *settings_path, const char *ui_strings_path,
                          const xlsform_opts *opts, char **json_out, size_t *len_out,
                          qset_diag *diag)
{
    const char *paths[4] = {survey_path, choices_path, settings_path, ui_strings_path};
    xlsform_csv *t[4] = {NULL, NULL, NULL, NULL};
    char err[WP_ERR_LEN];
    int rc = -1;
    *json_out = NULL;
    for (int i = 0; i < 4; i++) {
        char *data = NULL;
        size_t len = 0;
        if (!paths[i])
            continue;
        if (wp_read_file(paths[i], XLSFORM_MAX_FILE_BYTES, &data, &len, err, sizeof err) != 0 ||
            xlsform_csv_parse(data, len, paths[i], &t[i], err, sizeof err) != 0) {
            qset_diag_add(diag, "%s", err);
            free(data);
            goto done;
        }
        free(data);
    }
    rc = xlsform_convert(t[0], survey_path, t[1], choices_path, t[2], settings_path, t[3],
                         ui_strings_path, opts, json_out, len_out, diag);
done:
    for (int i = 0; i < 4; i++)
        xlsform_csv_free(t[i]);
    return rc;
}
