/* Responses kept in memory while they cannot be stored, retried with the same UUID. */
#include "saveq.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    store_response r;
    char *answers;
} saveq_item;

struct saveq {
    saveq_options o;
    saveq_item *items; /* grows as needed, up to o.max */
    int n, cap;
    int64_t next_retry;
};

saveq *saveq_new(const saveq_options *o)
{
    saveq *q = calloc(1, sizeof *q);
    if (q)
        q->o = *o;
    return q;
}

/* One attempt; 0 when r is durable. */
static int try_store(saveq *q, store_response *r, char *answers, char *err, size_t errlen)
{
    r->answers_json = answers;
    store *st = q->o.store(q->o.ctx, err, errlen);
    return st && store_add_response(st, r, err, errlen) == 0 ? 0 : -1;
}

static int keep(saveq *q, const store_response *r, char *answers)
{
    if (q->n == q->o.max)
        return -1;
    if (q->n == q->cap) {
        int cap = q->cap ? q->cap * 2 : 8;
        if (cap > q->o.max)
            cap = q->o.max;
        saveq_item *it = realloc(q->items, sizeof *it * (size_t)cap);
        if (!it)
            return -1;
        q->items = it;
        q->cap = cap;
    }
    q->items[q->n].r = *r;
    q->items[q->n].r.answers_json = NULL; /* set again before each attempt */
    q->items[q->n].answers = answers;
    q->n++;
    return 0;
}

int saveq_save(saveq *q, store_response *r, char *answers, char *err, size_t errlen)
{
    /* The UUID is fixed before the first attempt, so every retry is the same response. */
    if (!r->id[0] && wp_uuid4(r->id) != 0)
        r->id[0] = '\0'; /* store_add_response makes one, or says why it cannot */
    if (try_store(q, r, answers, err, errlen) == 0) {
        if (q->o.stored)
            q->o.stored(q->o.ctx, r, false);
        free(answers);
        r->answers_json = NULL;
        return 0;
    }
    if (keep(q, r, answers) != 0) {
        size_t used = strlen(err);
        if (used < errlen)
            snprintf(err + used, errlen - used, "; the response is lost (%d already wait)", q->n);
        free(answers);
        r->answers_json = NULL;
        return -1;
    }
    q->next_retry = 0; /* at once; then every retry_ms */
    return -1;
}

bool saveq_retry(saveq *q, int64_t now)
{
    if (q->n == 0 || now < q->next_retry)
        return false;
    int kept = 0;
    for (int i = 0; i < q->n; i++) {
        saveq_item *s = &q->items[i];
        char err[WP_ERR_LEN];
        if (try_store(q, &s->r, s->answers, err, sizeof err) == 0) {
            if (q->o.stored)
                q->o.stored(q->o.ctx, &s->r, true);
            free(s->answers);
        } else {
            q->items[kept++] = *s;
        }
    }
    q->n = kept;
    q->next_retry = now + q->o.retry_ms;
    return kept == 0;
}

int64_t saveq_deadline(const saveq *q)
{
    return q->n ? q->next_retry : INT64_MAX;
}

int saveq_count(const saveq *q)
{
    return q->n;
}

const char *saveq_id(const saveq *q, int i)
{
    return i >= 0 && i < q->n ? q->items[i].r.id : "";
}

void saveq_free(saveq *q)
{
    if (!q)
        return;
    for (int i = 0; i < q->n; i++)
        free(q->items[i].answers);
    free(q->items);
    free(q);
}
