/* A minimal test harness: CHECK records a failure with file and line and goes on; the run ends
 * with "N passed, N failed" and a non-zero exit when anything failed. */
#ifndef WP_TESTLIB_H
#define WP_TESTLIB_H

#include "uistr.h"

#include <stdbool.h>
#include <stddef.h>

typedef void (*test_fn)(void);

void test_check(bool ok, const char *expr, const char *file, int line);
void test_checkf(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int test_run(const char *name, test_fn fn);
int test_main(void); /* prints the summary; returns the exit code */

/* A fresh empty directory under $TMPDIR for this test; the caller owns the string. */
char *test_tmpdir(const char *tag);
/* Path of a file in the source tree, e.g. test_src("assets/demo/poll.json"). Caller frees. */
char *test_src(const char *rel);
/* Checks that the first markdown table (its lines starting with '|') of the README.md section
 * whose "### " heading starts with heading is want, the table the code makes from its own table
 * (source: where that is); a failed check prints want, the rows to paste. */
void test_readme_table(const char *heading, const char *want, const char *source);
/* The kiosk's built-in interface strings (assets/ui-strings.json), which question sets are
 * validated against; NULL (and a failed check) when they do not load. Free with uistr_free. */
uistr *test_strings(void);

#define CHECK(e)       test_check((e) ? true : false, #e, __FILE__, __LINE__)
#define CHECKF(e, ...) test_checkf((e) ? true : false, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        test_checkf(a_ &&b_ &&strcmp(a_, b_) == 0, __FILE__, __LINE__,                             \
                    "%s == %s (\"%s\" vs \"%s\")", #a, #b, a_ ? a_ : "(null)",                     \
                    b_ ? b_ : "(null)");                                                           \
    } while (0)
#define RUN(fn) test_run(#fn, fn)

/* Real time a test waits for an event (a thread finishing, a file appearing) before it gives
 * up: a guard against a hang, never a budget; a loaded machine stays far inside it. */
#define TEST_GUARD_MS 120000

/* The median of v[0..n-1] (sorted in place; n >= 1): timing checks compare the median of a run
 * with the median of a baseline measured in the same run, so a loaded machine slows both. */
double test_median(double *v, int n);

#endif
