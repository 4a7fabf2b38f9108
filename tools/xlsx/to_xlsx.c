/* wijkpeil-to-xlsx: XLSForm sheets saved as CSV (read as from-csv reads them) written into one
 * .xlsx workbook, one worksheet per file named after it (survey.csv -> "survey"). Every cell is
 * written as text, exactly as the CSV holds it, so saving the sheets as CSV again gives what
 * from-csv read. The output depends only on the input: the workbook's creation date is fixed
 * (SOURCE_DATE_EPOCH when set, else 2000-01-01), which makes libxlsxwriter's file binary
 * reproducible.
 *
 *   wijkpeil-to-xlsx -o FORM.xlsx survey.csv choices.csv [settings.csv] [ui_strings.csv] */
#include "cliopt.h"
#include "util.h"
#include "xlsform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define XLSX_FIXED_DATE    946684800L /* 2000-01-01T00:00:00Z */
#define XLSX_MAX_SHEET     31         /* Excel's limit on a worksheet name */
#define XLSX_MAX_COL_WIDTH 50.0       /* characters; longer texts wrap in the cell when edited */

static void usage_to(FILE *f)
{
    fprintf(f, "usage: wijkpeil-to-xlsx -o FORM.xlsx SHEET.csv ... (survey.csv, "
               "choices.csv, settings.csv, ui_strings.csv)\n");
}

static int usage(void)
{
    usage_to(stderr);
    return 2;
}

/* "assets/demo/survey.csv" -> "survey". */
static void sheet_name(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    wp_strlcpy(out, slash ? slash + 1 : path, len);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

/* Characters (not bytes) of the longest line of s. */
static size_t text_width(const char *s)
{
    size_t best = 0, n = 0;
    for (; *s; s++) {
        if (*s == '\n') {
            n = 0;
            continue;
        }
        if (((unsigned char)*s & 0xc0) != 0x80 && ++n > best)
            best = n;
    }
    return best;
}

/* One CSV file as one worksheet. Returns 0, or -1 with "FILE:ROW:COLUMN: message" printed. */
static int add_sheet(lxw_workbook *wb, lxw_format *bold, const char *path)
{
    char *data = NULL, err[WP_ERR_LEN], name[64];
    size_t len = 0;
    xlsform_csv *t = NULL;
    if (wp_read_file(path, XLSFORM_MAX_FILE_BYTES, &data, &len, err, sizeof err) != 0 ||
        xlsform_csv_parse(data, len, path, &t, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-to-xlsx: %s\n", err);
        free(data);
        return -1;
    }
    free(data);
    sheet_name(path, name, sizeof name);
    lxw_worksheet *ws = strlen(name) <= XLSX_MAX_SHEET ? workbook_add_worksheet(wb, name) : NULL;
    if (!ws) {
        fprintf(stderr,
                "wijkpeil-to-xlsx: %s: \"%s\" cannot name a worksheet (at most %d characters, "
                "none of []:*?/\\, each name once)\n",
                path, name, XLSX_MAX_SHEET);
        xlsform_csv_free(t);
        return -1;
    }
    int rc = 0, n_cols = 0;
    for (int r = 0; r < xlsform_csv_rows(t); r++)
        if (xlsform_csv_cols(t, r) > n_cols)
            n_cols = xlsform_csv_cols(t, r);
    for (int c = 0; c < n_cols; c++) {
        size_t w = 4;
        for (int r = 0; r < xlsform_csv_rows(t); r++) {
            size_t cw = text_width(xlsform_csv_cell(t, r, c));
            if (cw > w)
                w = cw;
        }
        double width = (double)w + 1.0;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             width > XLSX_MAX_COL_WIDTH ? XLSX_MAX_COL_WIDTH : width, NULL);
    }
    for (int r = 0; r < xlsform_csv_rows(t) && rc == 0; r++)
        for (int c = 0; c < xlsform_csv_cols(t, r); c++) {
            const char *s = xlsform_csv_cell(t, r, c);
            if (!*s)
                continue;
            lxw_error e =
                worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, r == 0 ? bold : NULL);
            if (e != LXW_NO_ERROR) {
                fprintf(stderr, "wijkpeil-to-xlsx: %s:%d: column \"%s\": %s\n", path, r + 1,
                        xlsform_csv_cell(t, 0, c), lxw_strerror(e));
                rc = -1;
                break;
            }
        }
    worksheet_freeze_panes(ws, 1, 0); /* the header row stays in view */
    xlsform_csv_free(t);
    return rc;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *in[8];
    int n_in = 0;
    if (cliopt_version(argc, argv))
        return cliopt_print_version("wijkpeil-to-xlsx");
    if (cliopt_help(argc, argv)) {
        usage_to(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-')
            return usage();
        else if (n_in < (int)(sizeof in / sizeof in[0]))
            in[n_in++] = argv[i];
        else
            return usage();
    }
    if (!out || n_in == 0)
        return usage();
    long created = XLSX_FIXED_DATE;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde && !wp_parse_int(sde, 0, 253402300799L, &created)) {
        fprintf(stderr, "wijkpeil-to-xlsx: SOURCE_DATE_EPOCH must be seconds since 1970\n");
        return 2;
    }
    lxw_workbook *wb = workbook_new(out);
    if (!wb) {
        fprintf(stderr, "wijkpeil-to-xlsx: cannot create %s\n", out);
        return 1;
    }
    lxw_doc_properties props = {.title = "Wijkpeil question set (XLSForm)",
                                .created = (time_t)created};
    workbook_set_properties(wb, &props);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    int rc = 0;
    for (int i = 0; i < n_in && rc == 0; i++)
        rc = add_sheet(wb, bold, in[i]);
    lxw_error e = workbook_close(wb); /* writes the file (also after an error: removed below) */
    if (rc == 0 && e != LXW_NO_ERROR) {
        fprintf(stderr, "wijkpeil-to-xlsx: %s: %s\n", out, lxw_strerror(e));
        rc = -1;
    }
    if (rc != 0) {
        remove(out);
        return 1;
    }
    printf("wrote %s (%d sheet%s)\n", out, n_in, n_in == 1 ? "" : "s");
    return 0;
}
