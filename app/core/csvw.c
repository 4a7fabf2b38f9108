/* CSV fields for the exports (see csvw.h). */
#include "csvw.h"

#include <string.h>

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

int csvw_field(FILE *f, const char *s, bool formula_guard)
{
    bool guard = formula_guard && s[0] && strchr("=+-@\t\r\n", s[0]) && !plain_number(s);
    if (!guard && strpbrk(s, ",;\"\r\n") == NULL)
        return fputs(s, f) == EOF ? -1 : 0;
    if (fputc('"', f) == EOF || (guard && fputc('\'', f) == EOF))
        return -1;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', f) == EOF)
            return -1;
        if (fputc(*s, f) == EOF)
            return -1;
    }
    return fputc('"', f) == EOF ? -1 : 0;
}
