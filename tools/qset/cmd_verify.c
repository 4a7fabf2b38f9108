/* wijkpeil-qset verify: exit 0 only when SET.json.sig is a valid signature of SET.json's bytes
 * and every file the set lists in "files" is beside it with the SHA-256 listed. */
#include "config.h"
#include "qset.h"
#include "qset_cmds.h"
#include "sign.h"
#include "signfile.h"
#include "stick.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checks the files the signed set lists. Returns the exit code. */
static int verify_files(const char *set)
{
    qset *qs = NULL;
    qset_diag *diag = calloc(1, sizeof *diag);
    uistr *strings = qset_cmd_strings("verify");
    char report[8192];
    int rc = 1;
    if (!diag || !strings) {
        fprintf(stderr, "wijkpeil-qset verify: out of memory or no interface strings\n");
        free(diag);
        uistr_free(strings);
        return 2;
    }
    if (qset_load_file(set, strings, &qs, diag) != 0) {
        for (int i = 0; i < diag->n; i++)
            fprintf(stderr, "%s\n", diag->msg[i]);
        fprintf(stderr,
                "wijkpeil-qset verify: %s: the signature is good, but the set does not load\n",
                set);
        goto done;
    }
    int bad = stick_check_files(qset_base_dir(qs), qs, report, sizeof report);
    for (char *line = report; bad != 0 && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        fprintf(stderr, "wijkpeil-qset verify: %s: %s\n", set, line);
        line = end ? end + 1 : line + strlen(line);
    }
    if (bad != 0) {
        rc = bad < 0 ? 2 : 1;
        goto done;
    }
    printf("%s: good signature", set);
    if (qset_n_files(qs) > 0)
        printf(", %d file%s as signed", qset_n_files(qs), qset_n_files(qs) == 1 ? "" : "s");
    rc = 0;
done:
    qset_free(qs);
    free(diag);
    uistr_free(strings);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    const char *set = NULL, *key = NULL;
    char err[WP_ERR_LEN];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (argv[i][0] != '-' && !set)
            set = argv[i];
        else
            set = key = NULL;
    }
    if (!set || !key) {
        fprintf(stderr, "usage: wijkpeil-qset verify SET.json|SETTINGS.conf --key NAME.public\n");
        return 2;
    }
    int r = signfile_verify(set, key, err, sizeof err);
    if (r == 0 && config_remote_name(set)) { /* the centre's settings document */
        char *text = NULL;
        size_t len = 0;
        int rc = 1;
        if (wp_read_file(set, 1024 * 1024, &text, &len, err, sizeof err) != 0 ||
            config_check_remote(text, len, set, err, sizeof err) != 0)
            fprintf(stderr, "wijkpeil-qset verify: good signature, but kiosks refuse it: %s\n",
                    err);
        else
            rc = printf("%s: good signature, settings a kiosk takes (%s)\n", set, key) < 0;
        free(text);
        return rc;
    }
    if (r == 0) {
        int rc = verify_files(set);
        if (rc == 0)
            printf(" (%s)\n", key);
        return rc;
    }
    fprintf(stderr, "wijkpeil-qset verify: %s\n", err);
    return r > 0 ? 1 : 2;
}
