/* wijkpeil-qset keygen: a new Ed25519 key pair for signing question sets, or with --seal an
 * X25519 pair for sealing answers (seal.h). */
#include "qset_cmds.h"
#include "seal.h"
#include "sign.h"
#include "signfile.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* keygen --seal: the pair whose public half every kiosk seals answers to. */
static int keygen_seal(const char *name)
{
    char err[WP_ERR_LEN], path[1100];
    char *text = NULL;
    if (seal_keygen(name, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset keygen: %s\n", err);
        return 1;
    }
    snprintf(path, sizeof path, "%s.seal.public", name);
    if (wp_read_file(path, SEAL_MAX_KEY_FILE, &text, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset keygen: %s\n", err);
        return 1;
    }
    text[strcspn(text, "\r\n")] = '\0';
    printf("wrote %s.seal.secret (mode 0600; only for the collector: never on a stick, never on "
           "a kiosk; without it sealed answers cannot be read, so keep a safe copy)\n",
           name);
    printf("wrote %s.seal.public; put this line in /etc/wijkpeil/kiosk.conf of every kiosk whose "
           "answers should be sealed:\n",
           name);
    printf("seal_public_key = %s\n", text);
    free(text);
    return 0;
}

int cmd_keygen(int argc, char **argv)
{
    const char *name = NULL;
    bool seal = false;
    char err[WP_ERR_LEN], path[1100];
    unsigned char pk[SIGN_PUBLIC_BYTES];
    char b64[SIGN_PUBLIC_B64_LEN + 1];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            name = argv[++i];
        } else if (!strcmp(argv[i], "--seal")) {
            seal = true;
        } else {
            name = NULL;
            break;
        }
    }
    if (!name || !*name) {
        fprintf(stderr, "usage: wijkpeil-qset keygen -o NAME   (writes NAME.secret and "
                        "NAME.public)\n"
                        "       wijkpeil-qset keygen --seal -o NAME   (writes NAME.seal.secret "
                        "and NAME.seal.public)\n");
        return 2;
    }
    if (seal)
        return keygen_seal(name);
    if (signfile_keygen(name, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset keygen: %s\n", err);
        return 1;
    }
    snprintf(path, sizeof path, "%s.public", name);
    if (signfile_load_public(path, pk, err, sizeof err) != 0) {
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
