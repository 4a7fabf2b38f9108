/* Markdown to plain text with libcmark (see md.h): one walk over the parsed tree. */
#include "md.h"
#include "util.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_MAX_DEPTH 16 /* nested lists numbered; deeper ones get bullets */

typedef struct {
    char *buf;
    size_t len, cap;
    bool oom;
    int breaks; /* line ends owed before the next text (0, 1 or 2) */
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom || n == 0)
        return;
    while (b->breaks > 0 && b->len > 0) {
        b->breaks--;
        put(b, "\n", 1);
    }
    b->breaks = 0;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->buf, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->buf = p;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void put_str(sbuf *b, const char *s)
{
    if (s)
        put(b, s, strlen(s));
}

/* At least `n` line ends before the next text (none at the start). */
static void owe_breaks(sbuf *b, int n)
{
    if (b->breaks < n)
        b->breaks = n;
}

typedef struct {
    bool ordered;
    int next;   /* number of the next item */
    char delim; /* '.' or ')' */
} list_state;

int md_to_plain(const char *in, char **out, unsigned *found, char *err, size_t errlen)
{
    *out = NULL;
    *found = 0;
    size_t n = strnlen(in, MD_MAX_INPUT + 1);
    if (n > MD_MAX_INPUT) {
        wp_errf(err, errlen, "text too long for Markdown (over %d bytes)", MD_MAX_INPUT);
        return -1;
    }
    cmark_node *doc = cmark_parse_document(in, n, CMARK_OPT_DEFAULT);
    cmark_iter *it = doc ? cmark_iter_new(doc) : NULL;
    sbuf b = {0};
    list_state lists[MD_MAX_DEPTH];
    int depth = 0;
    unsigned f = 0;
    int rc = -1;
    if (!it)
        goto done;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *nd = cmark_iter_get_node(it);
        bool enter = ev == CMARK_EVENT_ENTER;
        switch (cmark_node_get_type(nd)) {
        case CMARK_NODE_PARAGRAPH:
            /* Paragraphs of a tight list item are lines, others are kept apart. */
            if (!enter) {
                cmark_node *item = cmark_node_parent(nd);
                cmark_node *list = item ? cmark_node_parent(item) : NULL;
                bool tight = list && cmark_node_get_type(list) == CMARK_NODE_LIST &&
                             cmark_node_get_list_tight(list);
                owe_breaks(&b, tight ? 1 : 2);
            }
            break;
        case CMARK_NODE_HEADING:
            f |= MD_HEADING;
            if (!enter)
                owe_breaks(&b, 2);
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            f |= MD_QUOTE;
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            f |= MD_RULE;
            owe_breaks(&b, 2);
            break;
        case CMARK_NODE_CODE_BLOCK: {
            f |= MD_CODE;
            const char *lit = cmark_node_get_literal(nd);
            size_t ln = lit ? strlen(lit) : 0;
            while (ln > 0 && lit[ln - 1] == '\n')
                ln--;
            put(&b, lit ? lit : "", ln);
            owe_breaks(&b, 2);
            break;
        }
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
            f |= MD_HTML;
            break;
        case CMARK_NODE_LIST:
            f |= MD_LIST;
            if (enter) {
                if (depth < MD_MAX_DEPTH)
                    lists[depth] = (list_state){
                        cmark_node_get_list_type(nd) == CMARK_ORDERED_LIST,
                        cmark_node_get_list_start(nd),
                        cmark_node_get_list_delim(nd) == CMARK_PAREN_DELIM ? ')' : '.'};
                depth++;
            } else {
                depth--;
                owe_breaks(&b, 2);
            }
            break;
        case CMARK_NODE_ITEM:
            if (enter) {
                owe_breaks(&b, 1);
                char mark[24];
                list_state *l = depth > 0 && depth <= MD_MAX_DEPTH ? &lists[depth - 1] : NULL;
                if (l && l->ordered)
                    snprintf(mark, sizeof mark, "%d%c ", l->next++, l->delim);
                else
                    snprintf(mark, sizeof mark, "\u2022 ");
                put_str(&b, mark);
            }
            break;
        case CMARK_NODE_TEXT: {
            const char *lit = cmark_node_get_literal(nd);
            put_str(&b, lit);
            break;
        }
        case CMARK_NODE_CODE:
            f |= MD_CODE;
            put_str(&b, cmark_node_get_literal(nd));
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            owe_breaks(&b, 1);
            break;
        case CMARK_NODE_EMPH:
        case CMARK_NODE_STRONG:
            f |= MD_EMPHASIS;
            break;
        case CMARK_NODE_LINK:
            f |= MD_LINK;
            break;
        case CMARK_NODE_IMAGE:
            f |= MD_IMAGE;
            break;
        default:
            break;
        }
    }
    if (b.oom)
        goto done;
    if (!b.buf && !(b.buf = strdup("")))
        goto done;
    if (f == 0 && strcmp(b.buf, in) != 0) {
        /* Plain paragraphs: keep the text as written (spacing, blank lines), unless an escape
         * or entity was resolved. */
        bool escape = strchr(in, '\\') || strchr(in, '&');
        if (!escape) {
            free(b.buf);
            b.buf = strdup(in);
            if (!b.buf)
                goto done;
        } else {
            f |= MD_ESCAPE;
        }
    }
    *out = b.buf;
    b.buf = NULL;
    *found = f;
    rc = 0;
done:
    if (rc != 0)
        wp_errf(err, errlen, "out of memory reading Markdown");
    free(b.buf);
    cmark_iter_free(it);
    cmark_node_free(doc);
    return rc;
}

void md_describe(unsigned found, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *what;
    } names[] = {
        {MD_EMPHASIS, "emphasis (the kiosk shows a label in one weight)"},
        {MD_LINK, "a link (its text kept)"},
        {MD_IMAGE, "an image (its text kept)"},
        {MD_LIST, "a list (one line per item)"},
        {MD_HEADING, "a heading (its text kept)"},
        {MD_CODE, "code (its text kept)"},
        {MD_HTML, "HTML (removed)"},
        {MD_QUOTE, "a quote (its text kept)"},
        {MD_RULE, "a rule (removed)"},
        {MD_ESCAPE, "escapes (resolved)"},
    };
    size_t o = 0;
    if (len == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(found & names[i].bit))
            continue;
        int n = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", names[i].what);
        if (n < 0 || (size_t)n >= len - o)
            return;
        o += (size_t)n;
    }
}
