/* wijkpeil-qset: the staff toolkit for question sets (validate, from-csv, preview, sign). */
#include "qset_cmds.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *usage;
} commands[] = {
    {"validate", cmd_validate, "validate FILE...            check question sets"},
    {"from-csv", cmd_from_csv,
     "from-csv SURVEY.csv CHOICES.csv -o SET.json   XLSForm CSV to a set"},
    {"preview", cmd_preview, "preview SET.json -o DIR     PNG of every screen in every language"},
    {"keygen", cmd_keygen,
     "keygen [--seal] -o NAME     new Ed25519 signing key pair (--seal: answer sealing pair)"},
    {"sign", cmd_sign, "sign SET.json --key NAME.secret   write SET.json.sig"},
    {"verify", cmd_verify, "verify SET.json --key NAME.public  check SET.json.sig"},
    {"pin-hash", cmd_pin_hash, "pin-hash                    hash a staff PIN read from stdin"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: wijkpeil-qset COMMAND ...\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "wijkpeil-qset: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return 2;
}
