/* wijkpeil: the kiosk program (placeholder while the kiosk core is built). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "export"))
        return cli_export(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "sync"))
        return cli_sync(argc - 1, argv + 1);
    fprintf(stderr, "wijkpeil: kiosk not built yet\n");
    return 2;
}
