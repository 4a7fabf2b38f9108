/* Which question set the kiosk runs: the one from the settings, or the one staff activated
 * (remembered in the store, so it survives a restart as long as it still loads). A set staff
 * choose is pending until the screens can switch between residents; earlier sets stay loaded a
 * while (a screen may still point into them) and are freed later. */
#ifndef WP_ACTIVESET_H
#define WP_ACTIVESET_H

#include "qset.h"
#include "store.h"
#include "uistr.h"

#include <stdbool.h>
#include <stddef.h>

#define ACTIVESET_META    "active_questionset"    /* store meta key: the path staff activated */
#define ACTIVESET_META_AT "active_questionset_at" /* and when (wall ms), against published sets */
#define ACTIVESET_RETIRED 16                      /* earlier sets kept loaded */

typedef struct activeset activeset;

/* Takes over initial (the settings' set). NULL when out of memory (initial is then freed). */
activeset *activeset_new(qset *initial);

/* The set residents get now. */
qset *activeset_current(const activeset *s);

/* At start: the set remembered in st (NULL: none) replaces the current one when it loads.
 * Returns true when it did. */
bool activeset_restore(activeset *s, store *st, const uistr *strings);

/* Staff chose the set at path: it becomes pending (replacing an earlier pending one) and is
 * remembered in st for a restart. Returns 0, or -1 with err when it does not load. When it loads
 * but cannot be remembered (st NULL or failing), 0 with the reason in warn (else warn is ""). */
int activeset_choose(activeset *s, store *st, const char *path, const uistr *strings, char *warn,
                     size_t warnlen, char *err, size_t errlen);

/* As activeset_choose, for a set the centre's schedule starts or ends (fleet.h): not
 * remembered in the store (the schedule is, and is read again after a restart). */
int activeset_schedule(activeset *s, const char *path, const uistr *strings, char *err,
                       size_t errlen);

/* The set waiting to be switched to, or NULL. */
qset *activeset_pending(const activeset *s);

/* The screens took the pending set (between residents): it is current now, the old one retired. */
void activeset_switched(activeset *s);

/* NULL is a no-op. */
void activeset_free(activeset *s);

#endif
