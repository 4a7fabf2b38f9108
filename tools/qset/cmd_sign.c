/* wijkpeil-qset sign: a detached Ed25519 signature (SET.json.sig) of a valid question set. */
#include "qset.h"
#include "qset_cmds.h"
#include "sign.h"
#include "stick.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_sign(int argc, char **argv)
{
    const char *set = NULL, *key = NULL;
    char err[WP_ERR_LEN], dir[1024], sigpath[1100], sigtext[256], id[SIGN_KEYID_LEN + 1];
    unsigned char sk[SIGN_SECRET_BYTES];
    char *data = NULL;
    size_t len = 0;
    qset *qs = NULL;
    qset_diag *diag = NULL;
    uistr *strings = NULL;
    int rc = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (argv[i][0] != '-' && !set)
            set = argv[i];
        else
            set = key = NULL;
    }
    if (!set || !key) {
        fprintf(stderr, "usage: wijkpeil-qset sign SET.json --key NAME.secret\n");
        return 2;
    }
    if (sign_load_secret(key, sk, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset sign: %s\n", err);
        return 1;
    }
    /* Read once; validate and sign those same bytes. */
    if (wp_read_file(set, STICK_MAX_FILE_BYTES, &data, &len, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset sign: %s\n", err);
        goto done;
    }
    const char *slash = strrchr(set, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", slash == set ? 1 : (int)(slash - set), set);
    else
        wp_strlcpy(dir, ".", sizeof dir);
    strings = qset_cmd_strings("sign");
    diag = calloc(1, sizeof *diag);
    if (!strings || !diag)
        goto done;
    if (qset_load_buffer(data, len, set, dir, strings, &qs, diag) != 0) {
        for (int i = 0; i < diag->n; i++)
            fprintf(stderr, "%s\n", diag->msg[i]);
        fprintf(stderr, "wijkpeil-qset sign: %s is not a valid question set: not signed\n", set);
        goto done;
    }
    if (sign_make(data, len, sk, sigtext, sizeof sigtext, err, sizeof err) != 0 ||
        (size_t)snprintf(sigpath, sizeof sigpath, "%s.sig", set) >= sizeof sigpath ||
        stick_write_atomic(sigpath, sigtext, strlen(sigtext), 0644, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset sign: %s\n", err);
        goto done;
    }
    sign_key_id(sk + 32, id, sizeof id);
    printf("wrote %s (key %s)\n", sigpath, id);
    rc = 0;
done:
    memset(sk, 0, sizeof sk);
    qset_free(qs);
    uistr_free(strings);
    free(diag);
    free(data);
    return rc;
}
