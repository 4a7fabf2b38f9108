/* XLSForm spreadsheets saved as CSV: the input is survey.csv, then optionally choices.csv,
 * settings.csv and ui_strings.csv, separated by form feeds (\f). Each part goes through
 * xlsform_csv_parse; when survey and choices parse, xlsform_convert turns them into a question set
 * and validates it. */
#include "fuzzlib.h"
#include "xlsform.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[4] = {"survey.csv", "choices.csv", "settings.csv",
                                         "ui_strings.csv"};
    xlsform_csv *t[4] = {NULL, NULL, NULL, NULL};
    const char *p = (const char *)data, *end = p + size;
    char err[512];
    for (int i = 0; i < 4 && p <= end; i++) {
        const char *ff = i < 3 ? memchr(p, '\f', (size_t)(end - p)) : NULL;
        size_t n = ff ? (size_t)(ff - p) : (size_t)(end - p);
        if (xlsform_csv_parse(p, n, names[i], &t[i], err, sizeof err) == 0) {
            for (int r = 0; r < xlsform_csv_rows(t[i]); r++)
                for (int c = 0; c < xlsform_csv_cols(t[i], r) + 1; c++)
                    if (!xlsform_csv_cell(t[i], r, c))
                        abort(); /* never NULL */
        }
        if (!ff)
            break;
        p = ff + 1;
    }
    if (t[0] && t[1]) {
        static qset_diag diag; /* 64 KiB; one input at a time */
        char *json = NULL;
        size_t len = 0;
        xlsform_opts o = {.out_name = "set.json",
                          .base_dir = WIJKPEIL_SOURCE_DIR "/tests/staff",
                          .strings = fz_strings()};
        diag.n = diag.dropped = 0;
        if (xlsform_convert(t[0], names[0], t[1], names[1], t[2], t[2] ? names[2] : NULL, t[3],
                            t[3] ? names[3] : NULL, &o, &json, &len, &diag) == 0 &&
            (!json || strlen(json) != len))
            abort();
        free(json);
    }
    for (int i = 0; i < 4; i++)
        xlsform_csv_free(t[i]);
    return 0;
}
