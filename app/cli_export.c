/* wijkpeil export: placeholder until the store lands. */
#include "cli.h"

#include <stdio.h>

int cli_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "wijkpeil export: not available in this build\n");
    return 2;
}
