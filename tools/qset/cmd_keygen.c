/* wijkpeil-qset keygen: a new Ed25519 key pair for signing question sets. */
#include "qset_cmds.h"
#include "sign.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int cmd_keygen(int argc, char **argv)
{
    const char *name = NULL;
    char err[WP_ERR_LEN], path[1100];
    unsigned char pk[SIGN_PUBLIC_BYTES];
    char b64[SIGN_PUBLIC_B64_LEN + 1];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            name = argv[++i];
        } else {
            name = NULL;
            break;
        }
    }
    if (!name || !*name) {
        fprintf(stderr, "usage: wijkpeil-qset keygen -o NAME   (writes NAME.secret and "
                        "NAME.public)\n");
        return 2;
    }
    if (sign_keygen(name, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset keygen: %s\n", err);
        return 1;
    }
    snprintf(path, sizeof path, "%s.public", name);
    if (sign_load_public(path, pk, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset keygen: %s\n", err);
        return 1;
    }
    sign_public_b64(pk, b64, sizeof b64);
    printf("wrote %s.secret (keep it private: never on a stick, never on a kiosk)\n", name);
    printf("wrote %s.public; put this line in the config of every kiosk that should accept sets "
           "signed with it:\n",
           name);
    printf("trusted_key = %s\n", b64);
    return 0;
}
