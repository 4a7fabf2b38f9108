/* The dashboard's page buffer (see coll_html.h). */
#include "coll_html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct coll_html {
    char *buf;
    size_t len, cap;
    bool failed;
};

coll_html *coll_html_new(void)
{
    coll_html *h = calloc(1, sizeof *h);
    if (h && !(h->buf = malloc(h->cap = 16384))) {
        free(h);
        return NULL;
    }
    if (h)
        h->buf[0] = '\0';
    return h;
}

void coll_html_free(coll_html *h)
{
    if (h)
        free(h->buf);
    free(h);
}

static bool reserve(coll_html *h, size_t more)
{
    if (h->failed)
        return false;
    if (h->len + more + 1 <= h->cap)
        return true;
    size_t cap = h->cap;
    while (cap < h->len + more + 1)
        cap *= 2;
    char *nb = realloc(h->buf, cap);
    if (!nb) {
        h->failed = true;
        return false;
    }
    h->buf = nb;
    h->cap = cap;
    return true;
}

static void append(coll_html *h, const char *s, size_t n)
{
    if (!reserve(h, n))
        return;
    memcpy(h->buf + h->len, s, n);
    h->len += n;
    h->buf[h->len] = '\0';
}

void coll_html_raw(coll_html *h, const char *s)
{
    append(h, s, strlen(s));
}

void coll_html_text(coll_html *h, const char *s)
{
    for (const char *p = s; *p;) {
        size_t run = strcspn(p, "&<>\"'");
        append(h, p, run);
        p += run;
        if (!*p)
            break;
        switch (*p++) {
        case '&':
            coll_html_raw(h, "&amp;");
            break;
        case '<':
            coll_html_raw(h, "&lt;");
            break;
        case '>':
            coll_html_raw(h, "&gt;");
            break;
        case '"':
            coll_html_raw(h, "&quot;");
            break;
        default:
            coll_html_raw(h, "&#39;");
            break;
        }
    }
}

void coll_html_fmt(coll_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(h, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(h->buf + h->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    h->len += (size_t)n;
}

void coll_html_urlarg(coll_html *h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.~", *p)) {
            char c[2] = {(char)*p, '\0'};
            coll_html_raw(h, c);
        } else {
            coll_html_fmt(h, "%%%02X", *p);
        }
    }
}

bool coll_html_failed(const coll_html *h)
{
    return h->failed;
}

char *coll_html_take(coll_html *h, size_t *len)
{
    char *s = h->failed ? NULL : h->buf;
    if (len)
        *len = h->len;
    if (!s)
        free(h->buf);
    free(h);
    return s;
}
