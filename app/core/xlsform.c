/* XLSForm CSV (survey, choices, optional settings) to "wijkpeil/1" question-set JSON. */
#include "xlsform.h"
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
        if (r == 0)
            continue;
        int li = lang_find(langs, code);
        if (li >= 0)
            cols[li] = c;
    }
}

/* A translated text from columns cols of row r; reports empty cells when required. Returns a
 * new object, or NULL when every cell is empty. */
static json_t *text_obj(conv *cv, const xlsform_csv *t, const char *tname, int r, const int *cols,
                        const lang_list *langs, const char *prefix, bool required)
{
    json_t *o = json_object();
    int filled = 0;
    for (int i = 0; i < langs->n; i++) {
        const char *s = cols[i] >= 0 ? xlsform_csv_cell(t, r, cols[i]) : "";
        if (*s) {
            json_object_set_new(o, langs->code[i], json_string(s));
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

/* One clause: ${q} = 'v' | selected(${q}, 'v'), optionally in brackets. */
static bool parse_clause(const char **s, char *q, size_t qlen, char *v, size_t vlen)
{
    skip_ws(s);
    if (**s == '(') {
        const char *t = *s + 1;
        if (!parse_clause(&t, q, qlen, v, vlen))
            return false;
        skip_ws(&t);
        if (*t != ')')
            return false;
        *s = t + 1;
        return true;
    }
    if (!strncmp(*s, "selected", 8)) {
        const char *t = *s + 8;
        skip_ws(&t);
        if (*t != '(')
            return false;
        t++;
        if (!parse_ref(&t, q, qlen))
            return false;
        skip_ws(&t);
        if (*t != ',')
            return false;
        t++;
        if (!parse_value(&t, v, vlen))
            return false;
        skip_ws(&t);
        if (*t != ')')
            return false;
        *s = t + 1;
        return true;
    }
    const char *t = *s;
    if (!parse_ref(&t, q, qlen))
        return false;
    skip_ws(&t);
    if (*t != '=' || t[1] == '=')
        return false;
    t++;
    if (!parse_value(&t, v, vlen))
        return false;
    *s = t;
    return true;
}

/* Parses relevant into the question it depends on and a JSON list of values. Returns 0, or -1
 * when show_if cannot express it (why in whybuf). */
static int parse_relevant(const char *expr, char *q, size_t qlen, json_t *values, char *why,
                          size_t whylen)
{
    const char *s = expr;
    char name[128], val[128];
    q[0] = '\0';
    why[0] = '\0';
    for (;;) {
        if (!parse_clause(&s, name, sizeof name, val, sizeof val))
            return -1;
        if (q[0] && strcmp(q, name) != 0) {
            wp_errf(why, whylen, " (every part must be about the same question)");
            return -1;
        }
        wp_strlcpy(q, name, qlen);
        bool dup = false;
        for (size_t i = 0; i < json_array_size(values); i++)
            if (!strcmp(json_string_value(json_array_get(values, i)), val))
                dup = true;
        if (!dup)
            json_array_append_new(values, json_string(val));
        skip_ws(&s);
        if (!*s)
            return 0;
        if (strncmp(s, "or", 2) != 0 ||
            !(isspace((unsigned char)s[2]) || s[2] == '(' || s[2] == '$'))
            return -1;
        s += 2;
    }
}

/* ---- the whole conversion ---- */

typedef struct {
    char name[128];
    char list[128]; /* select lists */
    int type;       /* qset_type */
    json_t *values; /* option ids, for checking show_if */
    int lo, hi;     /* scale */
} qinfo;

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

/* Collects the options of list from the choices table into a new JSON array. */
static json_t *options_for(conv *cv, const xlsform_csv *ch, const char *cname, int c_list,
                           int c_name, int c_icon, const int *lcols, const lang_list *langs,
                           const char *list, json_t *values)
{
    json_t *arr = json_array();
    for (int r = 1; r < xlsform_csv_rows(ch); r++) {
        if (strcmp(xlsform_csv_cell(ch, r, c_list), list) != 0)
            continue;
        const char *id = xlsform_csv_cell(ch, r, c_name);
        if (!*id) {
            cerr(cv, "%s:%d: column \"name\": empty (every choice needs a name, its stored value)",
                 cname, r + 1);
            continue;
        }
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(id));
        json_t *t = text_obj(cv, ch, cname, r, lcols, langs, "label", true);
        json_object_set_new(o, "text", t);
        if (c_icon >= 0 && *xlsform_csv_cell(ch, r, c_icon))
            json_object_set_new(o, "icon", json_string(xlsform_csv_cell(ch, r, c_icon)));
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

int xlsform_convert(const xlsform_csv *sv, const char *sname, const xlsform_csv *ch,
                    const char *cname, const xlsform_csv *st, const char *stname,
                    const xlsform_opts *opts, char **json_out, size_t *len_out, qset_diag *diag)
{
    conv cv = {diag, 0};
    json_t *root = NULL, *questions = NULL;
    qinfo *qi = NULL;
    int nq = 0, rc = -1;
    lang_list langs = {0};
    int s_lcols[QSET_MAX_LANGS], c_lcols[QSET_MAX_LANGS];
    char code[24];
    *json_out = NULL;
    if (len_out)
        *len_out = 0;
    if (!stname)
        stname = "settings";

    int c_type = find_col(sv, "type"), c_name = find_col(sv, "name");
    int c_rel = find_col(sv, "relevant"), c_req = find_col(sv, "required");
    int c_par = find_col(sv, "parameters");
    if (c_type < 0)
        cerr(&cv, "%s:1: no column \"type\" (the header row needs type, name, label::LANG ...)",
             sname);
    if (c_name < 0)
        cerr(&cv, "%s:1: no column \"name\"", sname);
    if (find_col(sv, "label") >= 0)
        cerr(&cv,
             "%s:1: column \"label\": say which language it is, e.g. label::nl or "
             "label::Nederlands (nl)",
             sname);
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
    /* default_language from the settings moves to the front. */
    int st_row = -1;
    if (st) {
        for (int r = 1; r < xlsform_csv_rows(st) && st_row < 0; r++)
            if (!row_empty(st, r))
                st_row = r;
    }
    if (st_row > 0) {
        int c_def = find_col(st, "default_language");
        const char *d = c_def >= 0 ? xlsform_csv_cell(st, st_row, c_def) : "";
        if (*d) {
            char hdr[128];
            snprintf(hdr, sizeof hdr, "x::%s", d);
            int li = -1;
            if (lang_column(hdr, "x", code, sizeof code) == 1)
                li = lang_find(&langs, code);
            if (li < 0) {
                cerr(&cv,
                     "%s:%d: column \"default_language\": \"%s\" is not one of the label "
                     "languages of %s",
                     stname, st_row + 1, d, sname);
            } else if (li > 0) {
                char tmp[24];
                wp_strlcpy(tmp, langs.code[li], sizeof tmp);
                memmove(langs.code[1], langs.code[0], (size_t)li * sizeof langs.code[0]);
                wp_strlcpy(langs.code[0], tmp, sizeof langs.code[0]);
            }
        }
    }
    lang_cols(&cv, sv, sname, "label", &langs, s_lcols);
    if (langs.n == 0 && c_type >= 0)
        cerr(&cv, "%s:1: no label::LANG column with any text (e.g. label::nl)", sname);

    int cc_list = find_col(ch, "list_name"), cc_name = find_col(ch, "name");
    int cc_icon = find_col(ch, "icon");
    if (cc_list < 0)
        cerr(&cv, "%s:1: no column \"list_name\"", cname);
    if (cc_name < 0)
        cerr(&cv, "%s:1: no column \"name\"", cname);
    lang_cols(&cv, ch, cname, "label", &langs, c_lcols);
    for (int i = 0; i < langs.n; i++) {
        bool used = false;
        for (int r = 1; r < xlsform_csv_rows(ch) && !used; r++)
            used = !row_empty(ch, r);
        if (c_lcols[i] < 0 && used)
            cerr(&cv, "%s:1: no column label::%s (the survey has labels in \"%s\")", cname,
                 langs.code[i], langs.code[i]);
    }
    if (cv.n_err)
        goto done;

    root = json_object();
    questions = json_array();
    qi = calloc(XLS_MAX_QUESTIONS, sizeof *qi);
    if (!root || !questions || !qi) {
        cerr(&cv, "out of memory");
        goto done;
    }
    json_t *title = NULL, *welcome = NULL, *thanks = NULL;
    int group_depth = 0;
    for (int r = 1; r < xlsform_csv_rows(sv); r++) {
        if (row_empty(sv, r))
            continue;
        char type[256];
        collapse_spaces(xlsform_csv_cell(sv, r, c_type), type, sizeof type);
        const char *name = xlsform_csv_cell(sv, r, c_name);
        const char *rel = c_rel >= 0 ? xlsform_csv_cell(sv, r, c_rel) : "";
        const char *req = c_req >= 0 ? xlsform_csv_cell(sv, r, c_req) : "";
        const char *par = c_par >= 0 ? xlsform_csv_cell(sv, r, c_par) : "";
        if (!*type) {
            cerr(&cv, "%s:%d: column \"type\": empty", sname, r + 1);
            continue;
        }
        if (is_meta_type(type))
            continue;
        if (!strcasecmp(type, "begin group") || !strcasecmp(type, "begin_group")) {
            if (*rel)
                cerr(&cv,
                     "%s:%d: column \"relevant\": a group cannot have a condition; put it on "
                     "each question of the group",
                     sname, r + 1);
            group_depth++;
            continue;
        }
        if (!strcasecmp(type, "end group") || !strcasecmp(type, "end_group")) {
            if (group_depth == 0)
                cerr(&cv, "%s:%d: column \"type\": \"end group\" without \"begin group\"", sname,
                     r + 1);
            else
                group_depth--;
            continue;
        }
        if (!strcasecmp(type, "note")) {
            json_t **slot = !strcmp(name, "title")     ? &title
                            : !strcmp(name, "welcome") ? &welcome
                            : !strcmp(name, "thanks")  ? &thanks
                                                       : NULL;
            if (!slot) {
                cerr(&cv,
                     "%s:%d: column \"type\": the kiosk shows no notes between questions (only "
                     "notes named title, welcome or thanks, which give the poll's own texts)",
                     sname, r + 1);
                continue;
            }
            json_decref(*slot);
            *slot = text_obj(&cv, sv, sname, r, s_lcols, &langs, "label", true);
            continue;
        }
        if (nq >= XLS_MAX_QUESTIONS) {
            cerr(&cv, "%s:%d: too many questions (at most %d)", sname, r + 1, XLS_MAX_QUESTIONS);
            break;
        }
        qinfo *q = &qi[nq];
        if (!q->values)
            q->values = json_array(); /* a slot left by a skipped row is reused */
        if (!*name) {
            cerr(&cv, "%s:%d: column \"name\": empty (every question needs a name)", sname, r + 1);
            continue;
        }
        bool dup = false;
        for (int i = 0; i < nq; i++)
            if (!strcmp(qi[i].name, name))
                dup = true;
        if (dup) {
            cerr(&cv, "%s:%d: column \"name\": \"%s\" is used by an earlier question", sname, r + 1,
                 name);
            continue;
        }
        wp_strlcpy(q->name, name, sizeof q->name);
        json_t *jq = json_object();
        json_object_set_new(jq, "id", json_string(name));
        params pp;
        if (parse_params(&cv, sname, r, par, &pp) != 0)
            pp.n = 0;
        bool ok = true;
        json_t *tail = json_object(); /* fields that follow text and required */
        const char *sp = strchr(type, ' ');
        char kind[64];
        snprintf(kind, sizeof kind, "%.*s", sp ? (int)(sp - type) : (int)strlen(type), type);
        if (!strcasecmp(kind, "select_one") || !strcasecmp(kind, "select_multiple")) {
            bool multi = !strcasecmp(kind, "select_multiple");
            const char *list = sp ? sp + 1 : "";
            q->type = multi ? QSET_MULTI : QSET_SINGLE;
            json_object_set_new(jq, "type", json_string(multi ? "multi" : "single"));
            if (!*list || strchr(list, ' ')) {
                cerr(&cv,
                     "%s:%d: column \"type\": \"%s\": write %s followed by one list name (\"or "
                     "other\" is not supported)",
                     sname, r + 1, type, kind);
                ok = false;
            } else {
                wp_strlcpy(q->list, list, sizeof q->list);
                json_t *opts_arr = options_for(&cv, ch, cname, cc_list, cc_name, cc_icon, c_lcols,
                                               &langs, list, q->values);
                if (json_array_size(opts_arr) == 0) {
                    cerr(&cv, "%s:%d: column \"type\": no choices with list_name \"%s\" in %s",
                         sname, r + 1, list, cname);
                    ok = false;
                }
                json_object_set_new(tail, "options", opts_arr);
            }
            if (multi) {
                long mn = 0, mx = 0;
                int a = param_int(&cv, sname, r, &pp, "min", 0, QSET_MAX_OPTIONS, &mn);
                int b = param_int(&cv, sname, r, &pp, "max", 0, QSET_MAX_OPTIONS, &mx);
                if (a == 1)
                    json_object_set_new(tail, "min", json_integer(mn));
                if (b == 1)
                    json_object_set_new(tail, "max", json_integer(mx));
                ok = ok && a >= 0 && b >= 0;
            }
        } else if (!strcasecmp(type, "range")) {
            long lo = 1, hi = 10, step = 1;
            q->type = QSET_SCALE;
            json_object_set_new(jq, "type", json_string("scale"));
            int a = param_int(&cv, sname, r, &pp, "start", -1000, 1000, &lo);
            int b = param_int(&cv, sname, r, &pp, "end", -1000, 1000, &hi);
            int c = param_int(&cv, sname, r, &pp, "step", -1000, 1000, &step);
            if (c == 1 && step != 1) {
                cerr(&cv,
                     "%s:%d: column \"parameters\": step=%ld is not supported (the kiosk shows "
                     "every whole number from start to end)",
                     sname, r + 1, step);
                ok = false;
            }
            ok = ok && a >= 0 && b >= 0 && c >= 0;
            json_object_set_new(tail, "min", json_integer(lo));
            json_object_set_new(tail, "max", json_integer(hi));
            q->lo = (int)lo;
            q->hi = (int)hi;
        } else if (!strcasecmp(type, "smiley")) {
            q->type = QSET_SMILEY;
            json_object_set_new(jq, "type", json_string("smiley"));
        } else if (!strcasecmp(type, "yesno")) {
            bool pn = false;
            q->type = QSET_YESNO;
            json_object_set_new(jq, "type", json_string("yesno"));
            int a = param_bool(&cv, sname, r, &pp, "prefer_not", &pn);
            if (a == 1 && pn)
                json_object_set_new(tail, "prefer_not", json_true());
            ok = ok && a >= 0;
        } else {
            cerr(&cv,
                 "%s:%d: column \"type\": \"%s\" is not a question type the kiosk shows (use "
                 "select_one LIST, select_multiple LIST, range, smiley or yesno)",
                 sname, r + 1, type);
            ok = false;
        }
        params_leftover(&cv, sname, r, &pp, kind);
        json_t *text = text_obj(&cv, sv, sname, r, s_lcols, &langs, "label", true);
        json_object_set_new(jq, "text", text);
        bool required = false;
        if (parse_required(req, &required) != 0) {
            cerr(&cv, "%s:%d: column \"required\": \"%s\" must be yes or no", sname, r + 1, req);
            ok = false;
        } else if (required) {
            json_object_set_new(jq, "required", json_true());
        }
        json_object_update(jq, tail);
        json_decref(tail);
        if (*rel) {
            char dep[128], why[128];
            json_t *vals = json_array();
            if (parse_relevant(rel, dep, sizeof dep, vals, why, sizeof why) != 0) {
                cerr(&cv, "%s:%d: column \"relevant\": cannot express \"%s\" as show_if%s", sname,
                     r + 1, rel, why);
                ok = false;
            } else {
                int di = -1;
                for (int i = 0; i < nq; i++)
                    if (!strcmp(qi[i].name, dep))
                        di = i;
                if (di < 0) {
                    cerr(&cv, "%s:%d: column \"relevant\": ${%s} is not a question above this one",
                         sname, r + 1, dep);
                    ok = false;
                } else if (qi[di].type == QSET_SINGLE || qi[di].type == QSET_MULTI) {
                    for (size_t k = 0; k < json_array_size(vals); k++) {
                        const char *v = json_string_value(json_array_get(vals, k));
                        bool found = false;
                        for (size_t m = 0; m < json_array_size(qi[di].values); m++)
                            if (!strcmp(json_string_value(json_array_get(qi[di].values, m)), v))
                                found = true;
                        if (!found) {
                            cerr(&cv,
                                 "%s:%d: column \"relevant\": '%s' is not a choice of ${%s} "
                                 "(list %s)",
                                 sname, r + 1, v, dep, qi[di].list);
                            ok = false;
                        }
                    }
                }
                json_t *si = json_object();
                json_object_set_new(si, "question", json_string(dep));
                json_object_set(si, "any_of", vals);
                json_object_set_new(jq, "show_if", si);
            }
            json_decref(vals);
        }
        (void)ok;
        json_array_append_new(questions, jq);
        nq++;
    }
    if (group_depth > 0)
        cerr(&cv, "%s: a \"begin group\" has no \"end group\"", sname);

    /* Set-level fields: id, version, title, welcome, thanks. */
    const char *id = opts && opts->id ? opts->id : NULL;
    long version = opts && opts->version > 0 ? opts->version : 0;
    if (st_row > 0) {
        int c_id = find_col(st, "form_id"), c_ver = find_col(st, "version");
        int c_ft = find_col(st, "form_title");
        if (!id && c_id >= 0 && *xlsform_csv_cell(st, st_row, c_id))
            id = xlsform_csv_cell(st, st_row, c_id);
        if (version == 0 && c_ver >= 0 && *xlsform_csv_cell(st, st_row, c_ver) &&
            !wp_parse_int(xlsform_csv_cell(st, st_row, c_ver), 1, 2147483647L, &version))
            cerr(&cv, "%s:%d: column \"version\": must be a whole number (1, 2, ...)", stname,
                 st_row + 1);
        int t_cols[QSET_MAX_LANGS];
        json_t **slots[3] = {&title, &welcome, &thanks};
        static const char *const pfx[3] = {"title", "welcome", "thanks"};
        for (int k = 0; k < 3; k++) {
            lang_cols(&cv, st, stname, pfx[k], &langs, t_cols);
            bool any = false;
            for (int i = 0; i < langs.n; i++)
                any = any || t_cols[i] >= 0;
            if (!any)
                continue;
            json_decref(*slots[k]);
            *slots[k] = text_obj(&cv, st, stname, st_row, t_cols, &langs, pfx[k], true);
        }
        if (!title && c_ft >= 0 && *xlsform_csv_cell(st, st_row, c_ft)) {
            title = json_object();
            for (int i = 0; i < langs.n; i++)
                json_object_set_new(title, langs.code[i],
                                    json_string(xlsform_csv_cell(st, st_row, c_ft)));
        }
    }
    if (!id)
        cerr(&cv, "no id for the question set: give --id ID, or a settings file with form_id");
    if (version == 0)
        version = 1;
    if (!title && id) {
        title = json_object(); /* the id is better than no title at all */
        for (int i = 0; i < langs.n; i++)
            json_object_set_new(title, langs.code[i], json_string(id));
    }
    json_t *jl = json_array();
    for (int i = 0; i < langs.n; i++)
        json_array_append_new(jl, json_string(langs.code[i]));
    json_object_set_new(root, "format", json_string(QSET_FORMAT));
    json_object_set_new(root, "id", id ? json_string(id) : json_null());
    json_object_set_new(root, "version", json_integer(version));
    json_object_set_new(root, "languages", jl);
    json_object_set_new(root, "title", title ? title : json_object());
    if (welcome)
        json_object_set_new(root, "welcome", welcome);
    if (thanks)
        json_object_set_new(root, "thanks", thanks);
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
    if (qset_load_buffer(full, tl + 1, opts && opts->out_name ? opts->out_name : "set.json",
                         opts && opts->base_dir ? opts->base_dir : ".", opts ? opts->strings : NULL,
                         &qs, diag) != 0) {
        free(full);
        cv.n_err++;
        goto done;
    }
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
    return rc;
}

int xlsform_convert_files(const char *survey_path, const char *choices_path,
                          const char *settings_path, const xlsform_opts *opts, char **json_out,
                          size_t *len_out, qset_diag *diag)
{
    const char *paths[3] = {survey_path, choices_path, settings_path};
    xlsform_csv *t[3] = {NULL, NULL, NULL};
    char err[WP_ERR_LEN];
    int rc = -1;
    *json_out = NULL;
    for (int i = 0; i < 3; i++) {
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
    rc = xlsform_convert(t[0], survey_path, t[1], choices_path, t[2], settings_path, opts, json_out,
                         len_out, diag);
done:
    for (int i = 0; i < 3; i++)
        xlsform_csv_free(t[i]);
    return rc;
}
