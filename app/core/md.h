/* Markdown in texts from a spreadsheet (XLSForm labels and hints may carry it): parsed with
 * libcmark and turned into the plain text the kiosk shows, never the raw markup. The kiosk draws
 * a whole label in one weight, so emphasis is removed; links and images become their text, list
 * items their own lines ("1. ", "• "), headings their text. What was removed is reported so the
 * converter can warn at the row. */
#ifndef WP_MD_H
#define WP_MD_H

#include <stddef.h>

/* What md_to_plain found and removed or rewrote, as a mask. */
enum {
    MD_EMPHASIS = 1 << 0, /* *em*, _em_, **strong**, __strong__ */
    MD_LINK = 1 << 1,     /* [text](url): the text is kept */
    MD_IMAGE = 1 << 2,    /* ![alt](file): the alt text is kept */
    MD_LIST = 1 << 3,     /* "- item", "1. item": one line each, "• " or the number kept */
    MD_HEADING = 1 << 4,  /* "# Heading": the text is kept */
    MD_CODE = 1 << 5,     /* `code` or a code block: the text is kept */
    MD_HTML = 1 << 6,     /* <tags>: removed */
    MD_QUOTE = 1 << 7,    /* "> quote": the text is kept */
    MD_RULE = 1 << 8,     /* "---" between paragraphs: removed */
    MD_ESCAPE = 1 << 9    /* \* and &amp;: resolved to the character */
};

#define MD_MAX_INPUT (64 * 1024) /* bytes of one text; longer is refused */

/* Converts the Markdown text in (NUL-terminated) into plain text: *out (malloc'd, caller frees)
 * and in *found the mask of what was rewritten (0: *out equals in byte for byte). Paragraphs are
 * kept apart by an empty line, line breaks kept. Returns 0, or -1 with a message in err. */
int md_to_plain(const char *in, char **out, unsigned *found, char *err, size_t errlen);

/* Names what found holds for a message, e.g. "emphasis, a link", into buf. */
void md_describe(unsigned found, char *buf, size_t len);

#endif
