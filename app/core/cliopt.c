/* --help and --version for every program (see cliopt.h). */
#include "cliopt.h"

#include <stdio.h>
#include <string.h>

bool cliopt_help(int argc, char *const *argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

bool cliopt_version(int argc, char *const *argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--version") == 0 && (i + 1 == argc || argv[i + 1][0] == '-'))
            return true;
    return false;
}

int cliopt_print_version(const char *prog)
{
    printf("%s %s\n", prog, WIJKPEIL_VERSION);
    return 0;
}
