/* wijkpeil sync: placeholder until the uploader lands. */
#include "cli.h"

#include <stdio.h>

int cli_sync(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "wijkpeil sync: not available in this build\n");
    return 2;
}
