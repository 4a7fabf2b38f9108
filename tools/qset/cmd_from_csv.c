/* wijkpeil-qset from-csv: an XLSForm spreadsheet (saved as CSV) to a validated question set. */
#include "qset_cmds.h"
#include "qset.h"
#include "fsio.h"
#include "matrix_fit.h"
#include "util.h"
#include "xlsform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int usage(void)
{
    fprintf(stderr,
            "usage: wijkpeil-qset from-csv SURVEY.csv CHOICES.csv -o SET.json [--id ID] "
            "[--version N] [--settings SETTINGS.csv] [--ui-strings UI_STRINGS.csv] [--strict] "
            "[--force]\n");
    return 2;
}

int cmd_from_csv(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *out = NULL, *settings = NULL, *ui_strings = NULL;
    xlsform_opts opts = {NULL, 0, NULL, NULL, NULL, false, NULL};
    int npos = 0, rc = 1;
    bool force = false;
    char dir[1024], err[WP_ERR_LEN];
    char *json = NULL;
    size_t len = 0;
    qset_diag *diag = NULL, *warn = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "--id") && i + 1 < argc) {
            opts.id = argv[++i];
        } else if (!strcmp(a, "--strict")) {
            opts.strict = true;
        } else if (!strcmp(a, "--force")) {
            force = true;
        } else if (!strcmp(a, "--settings") && i + 1 < argc) {
            settings = argv[++i];
        } else if (!strcmp(a, "--ui-strings") && i + 1 < argc) {
            ui_strings = argv[++i];
        } else if (!strcmp(a, "--version") && i + 1 < argc) {
            long v;
            if (!wp_parse_int(argv[++i], 1, 2147483647L, &v)) {
                fprintf(stderr, "wijkpeil-qset from-csv: --version needs a whole number >= 1\n");
                return 2;
            }
            opts.version = (int)v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wijkpeil-qset from-csv: unknown option %s\n", a);
            return usage();
        } else if (npos < 2) {
            pos[npos++] = a;
        } else {
            return usage();
        }
    }
    if (npos != 2 || !out)
        return usage();
    struct stat sb;
    bool exists = stat(out, &sb) == 0;
    if (exists && !force) {
        fprintf(stderr,
                "wijkpeil-qset from-csv: %s already exists; give --force to replace it (its "
                "signature %s.sig then no longer matches: sign it again)\n",
                out, out);
        return 1;
    }
    const char *slash = strrchr(out, '/');
    opts.out_name = out;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - out) > 0 ? (int)(slash - out) : 1, out);
    else
        wp_strlcpy(dir, ".", sizeof dir);
    opts.base_dir = dir;
    uistr *strings = qset_cmd_strings("from-csv");
    if (!strings)
        return 1;
    opts.strings = strings;
    diag = calloc(1, sizeof *diag);
    warn = calloc(1, sizeof *warn);
    opts.warnings = warn;
    if (!diag || !warn) {
        fprintf(stderr, "wijkpeil-qset from-csv: out of memory\n");
        free(diag);
        free(warn);
        uistr_free(strings);
        return 1;
    }
    int conv =
        xlsform_convert_files(pos[0], pos[1], settings, ui_strings, &opts, &json, &len, diag);
    for (int i = 0; i < warn->n; i++)
        fprintf(stderr, "%s (warning)\n", warn->msg[i]);
    if (warn->dropped)
        fprintf(stderr, "... and %d more warnings\n", warn->dropped);
    if (conv != 0) {
        for (int i = 0; i < diag->n; i++)
            fprintf(stderr, "%s\n", diag->msg[i]);
        if (diag->dropped)
            fprintf(stderr, "... and %d more\n", diag->dropped);
        fprintf(stderr, "%s was not written (%d problem%s)\n", out, diag->n + diag->dropped,
                diag->n + diag->dropped == 1 ? "" : "s");
        goto done;
    }
    if (fsio_write_file(NULL, FSIO_DISK, out, json, len, 0644, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset from-csv: %s\n", err);
        goto done;
    }
    printf("wrote %s\n", out);
    /* Where the kiosk cannot show a matrix on one screen: said per panel (it then asks its
     * questions one per screen, which is no error). */
    qset *qs = NULL;
    if (qset_load_buffer(json, len, out, dir, strings, &qs, NULL) == 0 &&
        mfit_check_panels(qs, pos[0], stderr, err, sizeof err) < 0)
        fprintf(stderr, "wijkpeil-qset from-csv: cannot measure the matrices: %s\n", err);
    qset_free(qs);
    char sig[1100];
    snprintf(sig, sizeof sig, "%s.sig", out);
    if (exists && stat(sig, &sb) == 0)
        fprintf(stderr, "%s no longer matches the new %s: sign it again (wijkpeil-qset sign)\n",
                sig, out);
    rc = 0;
done:
    free(json);
    free(diag);
    free(warn);
    uistr_free(strings);
    return rc;
}
