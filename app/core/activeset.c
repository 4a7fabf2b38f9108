/* The active question set, the one staff chose, and the retired ones. */
#include "activeset.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct activeset {
    qset *current;
    qset *pending;
    qset *retired[ACTIVESET_RETIRED];
    int n_retired;
};

activeset *activeset_new(qset *initial)
{
    activeset *s = calloc(1, sizeof *s);
    if (!s) {
        qset_free(initial);
        return NULL;
    }
    s->current = initial;
    return s;
}

qset *activeset_current(const activeset *s)
{
    return s->current;
}

bool activeset_restore(activeset *s, store *st, const uistr *strings)
{
    char path[STORE_META_MAX], err[WP_ERR_LEN];
    qset *qs = NULL;
    if (!st || store_meta_get(st, ACTIVESET_META, path, sizeof path, err, sizeof err) != 0 ||
        qset_load_file(path, strings, &qs, NULL) != 0)
        return false;
    qset_free(s->current);
    s->current = qs;
    return true;
}

int activeset_schedule(activeset *s, const char *path, const uistr *strings, char *err,
                       size_t errlen)
{
    qset *qs = NULL;
    if (qset_load_file(path, strings, &qs, NULL) != 0) {
        wp_errf(err, errlen, "%s does not load as a question set", path);
        return -1;
    }
    qset_free(s->pending);
    s->pending = qs;
    return 0;
}

int activeset_choose(activeset *s, store *st, const char *path, const uistr *strings, char *warn,
                     size_t warnlen, char *err, size_t errlen)
{
    if (warn && warnlen)
        warn[0] = '\0';
    if (activeset_schedule(s, path, strings, err, errlen) != 0)
        return -1;
    char merr[WP_ERR_LEN] = "the database is not open";
    if (!st || store_meta_set(st, ACTIVESET_META, path, merr, sizeof merr) != 0)
        wp_errf(warn, warnlen, "%s", merr);
    return 0;
}

qset *activeset_pending(const activeset *s)
{
    return s->pending;
}

void activeset_switched(activeset *s)
{
    if (!s->pending)
        return;
    if (s->n_retired == ACTIVESET_RETIRED) {
        qset_free(s->retired[0]);
        memmove(s->retired, s->retired + 1, sizeof s->retired[0] * (ACTIVESET_RETIRED - 1));
        s->n_retired--;
    }
    s->retired[s->n_retired++] = s->current;
    s->current = s->pending;
    s->pending = NULL;
}

void activeset_free(activeset *s)
{
    if (!s)
        return;
    qset_free(s->pending);
    for (int i = 0; i < s->n_retired; i++)
        qset_free(s->retired[i]);
    qset_free(s->current);
    free(s);
}
