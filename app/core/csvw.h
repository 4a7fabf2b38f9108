/* CSV fields as both exports write them (the kiosk's, app/core/export.c, and the collector's):
 * RFC 4180 quoting ("...", a " doubled) whenever a field holds a comma, a semicolon, a double
 * quote, CR or LF. The semicolon is quoted under either separator, so a multi answer such as
 * geld;werk stays one cell whether a spreadsheet splits on commas or (the Dutch locale, the
 * Excel flavour) on semicolons. */
#ifndef WP_CSVW_H
#define WP_CSVW_H

#include <stdbool.h>
#include <stdio.h>

#define CSVW_BOM "\xEF\xBB\xBF" /* UTF-8 byte-order mark: Excel then reads the text as UTF-8 */

/* Writes s as one field. formula_guard: text a spreadsheet would run as a formula (starting
 * with = + - @, a tab, CR or LF, and not a plain number such as -3) gets a leading single quote
 * inside the quotes, as OWASP advises; the text is otherwise kept. 0, or -1 on a write error. */
int csvw_field(FILE *f, const char *s, bool formula_guard);

#endif
