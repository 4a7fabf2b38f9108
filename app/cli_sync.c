/* wijkpeil sync: the upload runs in its own program (wijkpeil-sync --once), so this program
 * never links libcurl. Looks for wijkpeil-sync beside this program first, then on PATH. */
#include "cli.h"
#include "cliopt.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CLI_SYNC_PROG    "wijkpeil-sync"
#define CLI_SYNC_MAXARGS 16
#define CLI_SYNC_USAGE   "usage: wijkpeil sync [--config FILE] [--db FILE]\n"

int cli_sync(int argc, char **argv)
{
    /* main passes argv from the sub-command's own name on; tolerate both conventions */
    int first = argc > 0 && strcmp(argv[0], "sync") == 0 ? 1 : 0;
    if (cliopt_version(argc, argv))
        return cliopt_print_version("wijkpeil");
    if (cliopt_help(argc, argv)) {
        fputs(CLI_SYNC_USAGE, stdout);
        return 0;
    }
    if (argc - first + 3 > CLI_SYNC_MAXARGS) {
        fputs(CLI_SYNC_USAGE, stderr);
        return 2;
    }
    char *args[CLI_SYNC_MAXARGS];
    int n = 0;
    args[n++] = CLI_SYNC_PROG;
    args[n++] = "--once";
    for (int i = first; i < argc; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    char self[PATH_MAX], beside[PATH_MAX + sizeof CLI_SYNC_PROG];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) {
        self[len] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(beside, sizeof beside, "%s/%s", self, CLI_SYNC_PROG);
            if (access(beside, X_OK) == 0)
                execv(beside, args);
        }
    }
    execvp(CLI_SYNC_PROG, args);
    fprintf(stderr, "wijkpeil sync: cannot run %s: %s\n", CLI_SYNC_PROG, strerror(errno));
    return 2;
}
