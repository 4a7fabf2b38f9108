/* The options every program and sub-command answers the same way (exit 0, on stdout):
 * --help (or -h) anywhere among its arguments, and --version. A usage error exits 2. */
#ifndef WP_CLIOPT_H
#define WP_CLIOPT_H

#include <stdbool.h>

/* true when argv[1..argc-1] holds --help or -h. */
bool cliopt_help(int argc, char *const *argv);

/* true when argv[1..argc-1] holds --version with no value after it (the last argument, or one
 * followed by another option): `wijkpeil-qset from-csv --version 3` keeps meaning the set's
 * version. */
bool cliopt_version(int argc, char *const *argv);

/* Prints "PROG VERSION" (the build's WIJKPEIL_VERSION) on stdout; returns 0, the exit code. */
int cliopt_print_version(const char *prog);

#endif
