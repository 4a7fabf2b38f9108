/* saveq: a response that cannot be stored is kept in memory and retried with the same UUID on
 * its deadline until it is stored (once); a full queue loses the newest with a message. */
#include "saveq.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    store *st;
    bool down; /* the store cannot be reached */
    int stored, retried;
    char last_id[37];
} env;

static store *get_store(void *ctx, char *err, size_t errlen)
{
    env *e = ctx;
    if (e->down) {
        wp_errf(err, errlen, "the kiosk's disk is full");
        return NULL;
    }
    return e->st;
}

static void on_stored(void *ctx, const store_response *r, bool retried)
{
    env *e = ctx;
    e->stored++;
    e->retried += retried;
    wp_strlcpy(e->last_id, r->id, sizeof e->last_id);
}

static void make(store_response *r, int i, char **answers)
{
    memset(r, 0, sizeof *r);
    wp_strlcpy(r->questionset, "wijk", sizeof r->questionset);
    r->questionset_version = 1;
    wp_strlcpy(r->language, "nl", sizeof r->language);
    r->started_at_ms = 1800000000000LL + i * 1000;
    r->finished_at_ms = r->started_at_ms + 500;
    r->duration_ms = 500;
    *answers = strdup("{\"blij\": \"4\"}");
}

typedef struct {
    const char *id;
    int n;
} find;

static int count_id(void *ctx, const store_response *r)
{
    find *f = ctx;
    f->n += strcmp(r->id, f->id) == 0;
    return 0;
}

static void test_retry_same_uuid(void)
{
    char *dir = test_tmpdir("saveq");
    char db[1100], err[WP_ERR_LEN] = "";
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    env e = {0};
    CHECKF(store_open(db, &e.st, err, sizeof err) == 0, "%s", err);
    saveq_options o = {
        .store = get_store, .stored = on_stored, .ctx = &e, .max = 2, .retry_ms = 5000};
    saveq *q = saveq_new(&o);
    CHECK(saveq_deadline(q) == INT64_MAX && saveq_count(q) == 0);

    store_response r;
    char *answers;
    make(&r, 0, &answers);
    CHECK(saveq_save(q, &r, answers, err, sizeof err) == 0 && e.stored == 1 && e.retried == 0);

    /* The disk fails: kept, with a UUID from the first attempt, retry due at once. */
    e.down = true;
    make(&r, 1, &answers);
    CHECK(saveq_save(q, &r, answers, err, sizeof err) == -1);
    CHECKF(strstr(err, "the kiosk's disk is full") != NULL, "%s", err);
    CHECK(saveq_count(q) == 1 && saveq_deadline(q) == 0 && strlen(saveq_id(q, 0)) == 36);
    char id[37];
    wp_strlcpy(id, saveq_id(q, 0), sizeof id);
    CHECK(!saveq_retry(q, 1000) && saveq_count(q) == 1);
    CHECK(saveq_deadline(q) == 6000); /* every retry_ms after a failed retry */
    CHECK(!saveq_retry(q, 5999) && saveq_count(q) == 1);

    /* A second failure fills the queue; a third is lost and said so. */
    make(&r, 2, &answers);
    CHECK(saveq_save(q, &r, answers, err, sizeof err) == -1 && saveq_count(q) == 2);
    make(&r, 3, &answers);
    CHECK(saveq_save(q, &r, answers, err, sizeof err) == -1 && saveq_count(q) == 2);
    CHECKF(strstr(err, "the response is lost") != NULL, "%s", err);

    /* The disk works again: both stored on the next retry, the first with its own UUID. */
    e.down = false;
    CHECK(saveq_retry(q, 6000));
    CHECK(saveq_count(q) == 0 && saveq_deadline(q) == INT64_MAX);
    CHECK(e.stored == 3 && e.retried == 2);
    store_counts c;
    CHECK(store_counts_get(e.st, &c, err, sizeof err) == 0 && c.total == 3);
    find f = {.id = id};
    CHECK(store_foreach(e.st, 0, false, 0, count_id, &f, err, sizeof err) == 0 && f.n == 1);
    CHECK(!saveq_retry(q, 20000)); /* nothing left: no work, not "emptied" again */
    saveq_free(q);
    store_close(e.st);
    free(dir);
}

/* Responses still kept when the kiosk stops are freed with the queue (ASan: no leak). */
static void test_free_kept(void)
{
    env e = {.down = true};
    saveq_options o = {.store = get_store, .ctx = &e, .max = 4, .retry_ms = 10};
    saveq *q = saveq_new(&o);
    char err[WP_ERR_LEN];
    for (int i = 0; i < 3; i++) {
        store_response r;
        char *answers;
        make(&r, i, &answers);
        CHECK(saveq_save(q, &r, answers, err, sizeof err) == -1);
    }
    CHECK(saveq_count(q) == 3 && strcmp(saveq_id(q, 0), saveq_id(q, 1)) != 0);
    saveq_free(q);
}

int main(void)
{
    RUN(test_retry_same_uuid);
    RUN(test_free_kept);
    return test_main();
}
