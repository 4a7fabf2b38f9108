/* A growing text buffer for the dashboard's pages: raw text, text escaped for HTML (and for
 * attribute values), formatted numbers. An allocation failure is remembered and reported once at
 * the end (coll_html_failed), so the page code need not check every append. */
#ifndef COLL_HTML_H
#define COLL_HTML_H

#include <stdbool.h>
#include <stddef.h>

typedef struct coll_html coll_html;

coll_html *coll_html_new(void);
void coll_html_free(coll_html *h); /* NULL is a no-op */
void coll_html_raw(coll_html *h, const char *s);
void coll_html_text(coll_html *h, const char *s); /* escapes & < > " ' */
void coll_html_fmt(coll_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Percent-encodes s for a URL query value. */
void coll_html_urlarg(coll_html *h, const char *s);
bool coll_html_failed(const coll_html *h);
/* Hands the text over (the caller frees it) and frees h; NULL when an allocation failed. */
char *coll_html_take(coll_html *h, size_t *len);

#endif
