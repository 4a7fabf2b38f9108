/* wijkpeil-qset validate: checks question sets and prints every problem, one per line. */
#include "qset.h"
#include "qset_cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: wijkpeil-qset validate FILE...\n"
            "Checks each question set (format %s) and prints every problem found, one per\n"
            "line on stdout, or \"FILE: ok (...)\" and any warnings (\"... (warning)\": e.g. a\n"
            "language without the words of the cards, shown without cards). Exits 0 when every\n"
            "file is valid, 1 otherwise.\n",
            QSET_FORMAT);
}

/* True for a spreadsheet rather than a question set: by its name (.csv, .xlsx, .xls, .ods) or
 * by its first bytes (a ZIP container, as .xlsx and .ods are). */
static bool is_spreadsheet(const char *path)
{
    static const char *const ext[] = {".csv", ".xlsx", ".xls", ".ods", NULL};
    size_t n = strlen(path);
    for (int i = 0; ext[i]; i++) {
        size_t el = strlen(ext[i]);
        if (n > el && !strcasecmp(path + n - el, ext[i]))
            return true;
    }
    unsigned char head[4] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    return got == 4 && !memcmp(head, "PK\x03\x04", 4);
}

/* Validates one file; returns true when it is valid. */
static bool validate_one(const char *path, const uistr *strings, qset_diag *diag)
{
    qset *qs = NULL;
    if (is_spreadsheet(path)) {
        printf("%s: this is a spreadsheet, not a question set: use wijkpeil-qset from-csv "
               "SURVEY.csv CHOICES.csv -o SET.json (save each sheet as CSV, UTF-8)\n",
               path);
        fflush(stdout);
        fprintf(stderr, "%s: INVALID (1 problem)\n", path);
        return false;
    }
    if (qset_load_file(path, strings, &qs, diag) != 0) {
        for (int i = 0; i < diag->n; i++)
            printf("%s\n", diag->msg[i]);
        if (diag->dropped > 0)
            printf("%s: ... and %d more problems\n", path, diag->dropped);
        fflush(stdout);
        fprintf(stderr, "%s: INVALID (%d problem%s)\n", path, diag->n + diag->dropped,
                diag->n + diag->dropped == 1 ? "" : "s");
        return false;
    }
    printf("%s: ok (%d question%s, languages", path, qset_n_questions(qs),
           qset_n_questions(qs) == 1 ? "" : "s");
    for (int i = 0; i < qset_n_languages(qs); i++)
        printf(" %s", qset_language(qs, i));
    printf(")\n");
    for (int i = 0; i < qset_n_warnings(qs); i++) /* valid, but staff should know */
        printf("%s (warning)\n", qset_warning(qs, i));
    qset_free(qs);
    return true;
}

int cmd_validate(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) { /* validate takes files only: a usage error */
            fprintf(stderr, "wijkpeil-qset validate: unknown option \"%s\"\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    uistr *strings = qset_cmd_strings("validate");
    if (!strings)
        return 2;
    qset_diag *diag = malloc(sizeof *diag); /* ~64 KB: not on the stack */
    if (!diag) {
        fprintf(stderr, "wijkpeil-qset validate: out of memory\n");
        uistr_free(strings);
        return 2;
    }
    bool all_ok = true;
    for (int i = 1; i < argc; i++)
        if (!validate_one(argv[i], strings, diag))
            all_ok = false;
    free(diag);
    uistr_free(strings);
    fflush(stdout);
    return all_ok ? 0 : 1;
}
