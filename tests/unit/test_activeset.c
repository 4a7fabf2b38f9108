/* activeset: a set staff choose waits until the screens switch between residents, is remembered
 * in the store and comes back after a restart (but not when it no longer loads); earlier sets
 * stay loaded, at most ACTIVESET_RETIRED of them. */
#include "activeset.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_choose_switch_restart(void)
{
    uistr *strings = test_strings();
    char *demo = test_src("assets/demo/nazareth-pottenberg.json");
    char *all = test_src("tests/qsets/valid-all.json");
    char *bad = test_src("tests/qsets/invalid-typo.json");
    char *dir = test_tmpdir("activeset");
    char db[1100], err[WP_ERR_LEN] = "", warn[WP_ERR_LEN] = "";
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    store *st = NULL;
    CHECKF(store_open(db, &st, err, sizeof err) == 0, "%s", err);
    qset *first = NULL;
    CHECK(qset_load_file(demo, strings, &first, NULL) == 0);
    activeset *s = activeset_new(first);
    CHECK(!activeset_restore(s, st, strings) && activeset_current(s) == first);

    /* A set that does not load is refused; nothing pending, nothing remembered. */
    CHECK(activeset_choose(s, st, bad, strings, warn, sizeof warn, err, sizeof err) == -1);
    CHECKF(strstr(err, "does not load") != NULL, "%s", err);
    CHECK(activeset_pending(s) == NULL);

    /* Chosen: pending, not current until the screens switch. */
    CHECKF(activeset_choose(s, st, all, strings, warn, sizeof warn, err, sizeof err) == 0, "%s",
           err);
    CHECK(warn[0] == '\0');
    qset *chosen = activeset_pending(s);
    CHECK(chosen != NULL && activeset_current(s) == first);
    activeset_switched(s);
    CHECK(activeset_current(s) == chosen && activeset_pending(s) == NULL);
    char chosen_id[128];
    wp_strlcpy(chosen_id, qset_id(chosen), sizeof chosen_id);
    CHECK(strcmp(qset_id(first), chosen_id) != 0);
    activeset_free(s);

    /* A restart comes back with the chosen set. */
    qset *again = NULL;
    CHECK(qset_load_file(demo, strings, &again, NULL) == 0);
    s = activeset_new(again);
    CHECK(activeset_restore(s, st, strings));
    CHECK_STR(qset_id(activeset_current(s)), chosen_id);
    activeset_free(s);

    /* Without a database the choice still applies but is not remembered, and says so. */
    qset *third = NULL;
    CHECK(qset_load_file(demo, strings, &third, NULL) == 0);
    s = activeset_new(third);
    CHECK(activeset_choose(s, NULL, all, strings, warn, sizeof warn, err, sizeof err) == 0);
    CHECKF(strstr(warn, "not open") != NULL, "%s", warn);
    /* Switching more often than sets are kept frees the oldest (ASan: no leak, no double free). */
    for (int i = 0; i < ACTIVESET_RETIRED + 3; i++) {
        CHECK(activeset_choose(s, NULL, i % 2 ? demo : all, strings, warn, sizeof warn, err,
                               sizeof err) == 0);
        activeset_switched(s);
    }
    activeset_free(s);

    /* A remembered set that no longer loads: the settings' set stays. */
    CHECK(store_meta_set(st, ACTIVESET_META, bad, err, sizeof err) == 0);
    qset *fourth = NULL;
    CHECK(qset_load_file(demo, strings, &fourth, NULL) == 0);
    s = activeset_new(fourth);
    CHECK(!activeset_restore(s, st, strings) && activeset_current(s) == fourth);
    activeset_free(s);

    store_close(st);
    uistr_free(strings);
    free(demo), free(all), free(bad), free(dir);
}

int main(void)
{
    RUN(test_choose_switch_restart);
    return test_main();
}
