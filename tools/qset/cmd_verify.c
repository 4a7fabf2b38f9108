/* wijkpeil-qset verify: exit 0 only when SET.json.sig is a valid signature of SET.json's bytes. */
#include "qset_cmds.h"
#include "sign.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

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
        fprintf(stderr, "usage: wijkpeil-qset verify SET.json --key NAME.public\n");
        return 2;
    }
    int r = sign_verify_file(set, key, err, sizeof err);
    if (r == 0) {
        printf("%s: good signature (%s)\n", set, key);
        return 0;
    }
    fprintf(stderr, "wijkpeil-qset verify: %s\n", err);
    return r > 0 ? 1 : 2;
}
