/* The screen walker in tests (testlib.c): for the tests that walk screens, apart from testlib.h
 * so that the others need not see SDL. */
#ifndef WP_TESTWALK_H
#define WP_TESTWALK_H

#include "ui_walk.h"

#include <jansson.h>

/* Walks the screens the options ask for (ui_walk.h), handing each to fn; a walker that cannot
 * open or run is a failed check. */
void test_walk(const ui_walk_options *o, ui_walk_fn fn, void *ctx);
/* The widget with this id in a screen's tree (ui_tree_json, parsed), or NULL. */
json_t *test_tree_widget(json_t *tree, const char *id);
/* The question set at path, validated against the kiosk's strings; NULL (its messages on
 * stderr) when it does not load. */
qset *test_load_qset(const char *path);
/* The demo poll (assets/demo/nazareth-pottenberg.json); NULL and a failed check when it does not
 * load. */
qset *test_demo_qset(void);

#endif
