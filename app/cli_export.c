/* wijkpeil export: writes the stored responses as JSON lines or CSV to stdout or a file. */
#include "cli.h"
#include "cliopt.h"

#include "export.h"
#include "fsio.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLI_EXPORT_PATH_MAX 4096

static const char usage[] =
    "usage: wijkpeil export --db FILE [--format jsonl|csv|csv-excel] [-o FILE]\n";

/* Matches "NAME VALUE" or "NAME=VALUE" at argv[*i]: returns 0 when argv[*i] is another option,
 * 1 with the value in *out, or -1 (after a message) when the value is missing or empty. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != '=' && a[n] != '\0'))
        return 0;
    if (a[n] == '=')
        *out = a + n + 1;
    else if (*i + 1 < argc)
        *out = argv[++*i];
    else
        *out = "";
    if (**out == '\0') {
        fprintf(stderr, "wijkpeil export: %s needs a value\n%s", name, usage);
        return -1;
    }
    return 1;
}

/* Counts the rows written, from the progress callback. */
static int count_rows(void *ctx, int64_t done, int64_t total)
{
    (void)total;
    *(int64_t *)ctx = done;
    return 0;
}

int cli_export(int argc, char **argv)
{
    const char *db = NULL, *outpath = NULL, *fmt_name = "jsonl";
    if (cliopt_version(argc, argv))
        return cliopt_print_version("wijkpeil");
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        int m = opt_value(argc, argv, &i, "--db", &db);
        if (m == 0)
            m = opt_value(argc, argv, &i, "--format", &fmt_name);
        if (m == 0)
            m = opt_value(argc, argv, &i, "-o", &outpath);
        if (m == 0)
            m = opt_value(argc, argv, &i, "--output", &outpath);
        if (m < 0)
            return 2;
        if (m == 0) {
            fprintf(stderr, "wijkpeil export: unknown option \"%s\"\n%s", argv[i], usage);
            return 2;
        }
    }
    if (!db) {
        fprintf(stderr, "wijkpeil export: --db FILE is required\n%s", usage);
        return 2;
    }
    export_format fmt;
    if (export_parse_format(fmt_name, &fmt) != 0) {
        fprintf(stderr, "wijkpeil export: unknown format \"%s\" (use jsonl, csv or csv-excel)\n",
                fmt_name);
        return 2;
    }
    if (outpath && strlen(outpath) + 16 >= CLI_EXPORT_PATH_MAX) {
        fprintf(stderr, "wijkpeil export: output path is too long\n");
        return 2;
    }

    int code = 1;
    char err[WP_ERR_LEN] = "";
    FILE *out = NULL;
    fsio_file *file = NULL;
    int dfd = -1;
    store *st = NULL;
    if (store_open_mode(db, STORE_OPEN_READONLY, &st, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil export: %s\n", err);
        goto done;
    }
    if (outpath) {
        /* A temporary name in the same folder, renamed when complete: a reader never sees a
         * half-written export, and an old one is replaced only by a whole new one. */
        char dir[CLI_EXPORT_PATH_MAX];
        const char *base = fsio_dir_of(outpath, dir, sizeof dir);
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
            fprintf(stderr, "wijkpeil export: cannot write %s: %s\n", outpath,
                    fsio_words(errno, FSIO_DISK));
            goto done;
        }
        if (fsio_open(NULL, FSIO_DISK, dfd, base, outpath, 0644, &file, err, sizeof err) != 0 ||
            !(out = fsio_stream(file))) {
            fprintf(stderr, "wijkpeil export: %s\n", file ? "out of memory" : err);
            goto done;
        }
    }
    int64_t last = 0, count = 0;
    if (export_write(st, out ? out : stdout, fmt, 0, &last, count_rows, &count, err, sizeof err) !=
        0) {
        if (file && fsio_error(file))
            fprintf(stderr, "wijkpeil export: cannot write %s: %s\n", outpath,
                    fsio_words(fsio_error(file), FSIO_DISK));
        else
            fprintf(stderr, "wijkpeil export: %s\n", err);
        goto done;
    }
    if (out) {
        int rc = fclose(out);
        out = NULL;
        if (rc != 0 && !fsio_error(file)) {
            fprintf(stderr, "wijkpeil export: cannot write %s: %s\n", outpath, strerror(errno));
            goto done;
        }
        /* A failed write (a full disk) is said in words here. */
        if (fsio_commit(file, err, sizeof err) != 0) {
            fprintf(stderr, "wijkpeil export: %s\n", err);
            goto done;
        }
        fprintf(stderr, "wijkpeil export: %lld responses written to %s\n", (long long)count,
                outpath);
    }
    code = 0;
done:
    if (out)
        fclose(out);
    fsio_close(file); /* removes the temporary file unless it was renamed */
    if (dfd >= 0)
        close(dfd);
    store_close(st);
    return code;
}
