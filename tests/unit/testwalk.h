/* The screen walker in tests (testlib.c): for the tests that walk screens, apart from testlib.h
 * so that the others need not see SDL. */
#ifndef WP_TESTWALK_H
#define WP_TESTWALK_H

#include "ui_walk.h"

/* Walks the screens the options ask for (ui_walk.h), handing each to fn; a walker that cannot
 * open or run is a failed check. */
void test_walk(const ui_walk_options *o, ui_walk_fn fn, void *ctx);
/* The question set at path, validated against the kiosk's strings; NULL (its messages on
 * stderr) when it does not load. */
qset *test_load_qset(const char *path);

#endif
