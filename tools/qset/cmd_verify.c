/* wijkpeil-qset verify: placeholder until it lands. */
#include "qset_cmds.h"

#include <stdio.h>

int cmd_verify(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "wijkpeil-qset %s: not available in this build\n", argv[0]);
    return 2;
}
