/* A minimal test harness (see testlib.h). */
#include "testlib.h"
#include "testwalk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counters of the one test process; the harness is the only place that needs them. */
static struct {
    int passed, failed;
    int cur_failed;
} t;

void test_check(bool ok, const char *expr, const char *file, int line)
{
    if (!ok) {
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
        t.cur_failed++;
    }
}

void test_checkf(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: check failed: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    t.cur_failed++;
}

int test_run(const char *name, test_fn fn)
{
    t.cur_failed = 0;
    fn();
    if (t.cur_failed) {
        t.failed++;
        fprintf(stderr, "FAIL %s\n", name);
    } else {
        t.passed++;
        fprintf(stderr, "ok   %s\n", name);
    }
    return t.cur_failed;
}

int test_main(void)
{
    printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}

char *test_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char tmpl[1024];
    snprintf(tmpl, sizeof tmpl, "%s/wijkpeil-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    char *d = mkdtemp(tmpl);
    if (!d) {
        perror("mkdtemp");
        exit(2);
    }
    return strdup(d);
}

void test_readme_table(const char *heading, const char *want, const char *source)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/README.md", WIJKPEIL_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    CHECKF(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    size_t len = 32768;
    char *got = calloc(1, len);
    CHECK(got != NULL);
    if (!got) {
        fclose(f);
        return;
    }
    char line[4096];
    size_t used = 0, hl = strlen(heading);
    bool in_section = false, in_table = false;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "### ", 4)) {
            if (in_section)
                break;
            in_section = !strncmp(line + 4, heading, hl);
            continue;
        }
        if (!in_section)
            continue;
        if (line[0] == '|') {
            in_table = true;
            size_t k = strlen(line);
            if (used + k < len) {
                memcpy(got + used, line, k + 1);
                used += k;
            }
        } else if (in_table) {
            break; /* the first table of the section */
        }
    }
    fclose(f);
    CHECKF(!strcmp(got, want),
           "README.md's table under \"### %s\" differs from the table in %s; it should read:\n%s",
           heading, source, want);
    free(got);
}

char *test_src(const char *rel)
{
    const char *src = getenv("WIJKPEIL_SRC");
    char buf[2048];
    snprintf(buf, sizeof buf, "%s/%s", src && *src ? src : WIJKPEIL_SOURCE_DIR, rel);
    return strdup(buf);
}

uistr *test_strings(void)
{
    char *path = test_src("assets/ui-strings.json");
    char err[512];
    uistr *u = NULL;
    test_checkf(uistr_load(path, &u, err, sizeof err) == 0, __FILE__, __LINE__, "%s", err);
    free(path);
    return u;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double test_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void test_walk(const ui_walk_options *o, ui_walk_fn fn, void *ctx)
{
    ui_walk *wk = NULL;
    char err[512] = "";
    int rc = ui_walk_open(o, &wk, err, sizeof err);
    CHECKF(rc == 0, "ui_walk_open: %s", err);
    if (rc == 0) {
        rc = ui_walk_run(wk, fn, ctx, err, sizeof err);
        CHECKF(rc == 0, "ui_walk_run: %s", err);
    }
    ui_walk_close(wk);
}

json_t *test_tree_widget(json_t *tree, const char *id)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(tree, "widgets"), i, w)
    {
        const char *wid = json_string_value(json_object_get(w, "id"));
        if (wid && !strcmp(wid, id))
            return w;
    }
    return NULL;
}

qset *test_load_qset(const char *path)
{
    qset_diag *d = calloc(1, sizeof *d);
    uistr *ui = test_strings();
    qset *qs = NULL;
    if (d && qset_load_file(path, ui, &qs, d) != 0) {
        for (int i = 0; i < d->n; i++)
            fprintf(stderr, "%s\n", d->msg[i]);
        qs = NULL;
    }
    uistr_free(ui);
    free(d);
    return qs;
}

qset *test_demo_qset(void)
{
    char *path = test_src("assets/demo/nazareth-pottenberg.json");
    qset *qs = path ? test_load_qset(path) : NULL;
    free(path);
    CHECK(qs != NULL);
    return qs;
}
