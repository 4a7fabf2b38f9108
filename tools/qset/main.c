/* wijkpeil-qset: the staff toolkit for question sets (validate, from-csv, preview, sign). */
#include "cliopt.h"
#include "qset_cmds.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *usage;
    bool own_help; /* answers --help itself */
} commands[] = {
    {"validate", cmd_validate, "validate FILE...            check question sets", true},
    {"from-csv", cmd_from_csv, "from-csv SURVEY.csv CHOICES.csv -o SET.json   XLSForm CSV to a set",
     false},
    {"preview", cmd_preview, "preview SET.json -o DIR     PNG of every screen in every language",
     true},
    {"keygen", cmd_keygen,
     "keygen [--seal] -o NAME     new Ed25519 signing key pair (--seal: answer sealing pair)",
     false},
    {"sign", cmd_sign,
     "sign SET.json|SETTINGS.conf --key NAME.secret   write SET.json.sig (or SETTINGS.conf.sig)",
     false},
    {"verify", cmd_verify, "verify SET.json --key NAME.public  check SET.json.sig", false},
    {"pin-hash", cmd_pin_hash, "pin-hash                    hash a staff PIN read from stdin",
     false},
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
    if (!strcmp(argv[1], "--version"))
        return cliopt_print_version("wijkpeil-qset");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        /* --help and --version answered alike by every command (validate and preview have a
         * longer help of their own) */
        if (cliopt_version(argc - 1, argv + 1))
            return cliopt_print_version("wijkpeil-qset");
        if (cliopt_help(argc - 1, argv + 1)) {
            if (commands[i].own_help) {
                char *help[] = {argv[1], "--help", NULL};
                return commands[i].fn(2, help);
            }
            printf("usage: wijkpeil-qset %s\n", commands[i].usage);
            return 0;
        }
        return commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "wijkpeil-qset: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return 2;
}
