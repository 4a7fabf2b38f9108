/* The response store: round trips, delivery marks, the pending index, retention, meta,
 * migrations, and that nothing acknowledged is lost under kill -9, a full disk or a read-only
 * database. */
#include "seal.h"
#include "qset.h"
#include "store.h"
#include "testlib.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DAY_MS (24LL * 3600 * 1000)

/* A path in a fresh temporary folder; caller frees. */
static char *tmp_db(const char *tag)
{
    char *dir = test_tmpdir(tag);
    size_t n = strlen(dir) + 32;
    char *p = malloc(n);
    snprintf(p, n, "%s/responses.db", dir);
    free(dir);
    return p;
}

/* Removes a database made by tmp_db, its -wal and -shm, and its folder; frees path. */
static void drop_db(char *path)
{
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    char *slash = strrchr(path, '/');
    if (slash) {
        *slash = '\0';
        rmdir(path);
    }
    free(path);
}

static void make_response(store_response *r, const char *lang, store_status status,
                          int64_t finished, const char *answers)
{
    memset(r, 0, sizeof *r);
    wp_strlcpy(r->questionset, "nazareth-2027-voorjaar", sizeof r->questionset);
    r->questionset_version = 3;
    wp_strlcpy(r->language, lang, sizeof r->language);
    r->started_at_ms = finished - 61234;
    r->finished_at_ms = finished;
    r->duration_ms = 61234;
    r->status = status;
    r->clock_synced = true;
    r->answers_json = answers;
}

/* Rows read back through store_foreach. */
typedef struct {
    int64_t seq;
    char id[37];
    char lang[16];
    store_status status;
    store_delivery delivery;
    int64_t finished, sent_at;
    char answers[512];
    char version_text[STORE_VERSION_TEXT_MAX + 1];
    char languages[STORE_LANGUAGES_MAX];
    int64_t active_ms;
    unsigned flags;
} row;

typedef struct {
    row *rows;
    size_t n, cap;
} rows;

static int collect(void *ctx, const store_response *r)
{
    rows *v = ctx;
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->rows = realloc(v->rows, v->cap * sizeof *v->rows);
    }
    row *w = &v->rows[v->n++];
    w->seq = r->seq;
    memcpy(w->id, r->id, sizeof w->id);
    wp_strlcpy(w->lang, r->language, sizeof w->lang);
    w->status = r->status;
    w->delivery = r->delivery;
    w->finished = r->finished_at_ms;
    w->sent_at = r->sent_at_ms;
    wp_strlcpy(w->answers, r->sealed ? r->sealed : r->answers_json, sizeof w->answers);
    wp_strlcpy(w->version_text, r->questionset_version_text, sizeof w->version_text);
    wp_strlcpy(w->languages, r->languages, sizeof w->languages);
    w->active_ms = r->active_ms;
    w->flags = r->flags;
    return 0;
}

static rows read_all(store *st, int64_t after, bool pending, int64_t limit)
{
    rows v = {0};
    char err[WP_ERR_LEN] = "";
    int rc = store_foreach(st, after, pending, limit, collect, &v, err, sizeof err);
    CHECKF(rc == 0, "store_foreach: %s", err);
    return v;
}

static bool is_uuid4(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!strchr("0123456789abcdef", s[i])) {
            return false;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static void test_round_trip(void)
{
    char *path = tmp_db("store-rt");
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    const char *answers[3] = {"{\"woonplezier\":\"4\",\"zorgen\":[\"geld\",\"werk\"]}",
                              "{\"cijfer\":\"7\"}", "{}"};
    const char *langs[3] = {"ar", "nl", "uk"};
    int64_t now = wp_wall_ms();
    char ids[3][37];
    for (int i = 0; i < 3; i++) {
        store_response r;
        make_response(&r, langs[i], i == 2 ? STORE_ABANDONED : STORE_COMPLETE, now + i, answers[i]);
        CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
        CHECK(r.seq == i + 1);
        CHECKF(is_uuid4(r.id), "not a v4 UUID: %s", r.id);
        memcpy(ids[i], r.id, 37);
    }
    CHECK(strcmp(ids[0], ids[1]) != 0 && strcmp(ids[1], ids[2]) != 0);
    rows v = read_all(st, 0, false, 0);
    CHECK(v.n == 3);
    for (size_t i = 0; i < v.n && i < 3; i++) {
        CHECK(v.rows[i].seq == (int64_t)i + 1);
        CHECK_STR(v.rows[i].id, ids[i]);
        CHECK_STR(v.rows[i].lang, langs[i]);
        CHECK_STR(v.rows[i].answers, answers[i]);
        CHECK(v.rows[i].finished == now + (int64_t)i);
        CHECK(v.rows[i].delivery == STORE_PENDING && v.rows[i].sent_at == 0);
    }
    if (v.n == 3)
        CHECK(v.rows[2].status == STORE_ABANDONED && v.rows[0].status == STORE_COMPLETE);
    free(v.rows);
    /* "You are one of N": complete responses from a time on (the abandoned one not counted)
     * that the cards held cannot count: not delivered before the cards arrived. */
    int64_t since = -1;
    CHECK(store_uncounted_since(st, now, &since, err, sizeof err) == 0 && since == 2);
    CHECK(store_uncounted_since(st, now + 1, &since, err, sizeof err) == 0 && since == 1);
    CHECK(store_uncounted_since(st, now + 2, &since, err, sizeof err) == 0 && since == 0);
    {
        /* The first delivered, then cards arrive: the collector counted it (whatever the
         * clocks say: its finished_at may lie after the cards' computed_at) */
        const char *first[1] = {ids[0]};
        CHECKF(store_mark(st, first, 1, STORE_SENT, now + 100, err, sizeof err) == 0, "%s", err);
        CHECK(store_uncounted_since(st, now, &since, err, sizeof err) == 0 && since == 2);
        CHECKF(store_cards_set(st, "{}", now + 200, err, sizeof err) == 0, "%s", err);
        CHECK(store_uncounted_since(st, now, &since, err, sizeof err) == 0 && since == 1);
        /* ... and one delivered after the cards arrived is not in them */
        const char *second[1] = {ids[1]};
        CHECKF(store_mark(st, second, 1, STORE_SENT, now + 300, err, sizeof err) == 0, "%s", err);
        CHECK(store_uncounted_since(st, now, &since, err, sizeof err) == 0 && since == 1);
        /* back to pending for what follows */
        const char *both[2] = {ids[0], ids[1]};
        CHECKF(store_mark(st, both, 2, STORE_PENDING, 0, err, sizeof err) == 0, "%s", err);
    }
    /* All fields of one row through the public struct. */
    v = read_all(st, 1, false, 1);
    CHECK(v.n == 1 && v.rows[0].seq == 2);
    free(v.rows);

    /* Bad input is refused and nothing is stored. */
    store_response bad;
    make_response(&bad, "nl", STORE_COMPLETE, now, "{\"a\":");
    CHECK(store_add_response(st, &bad, err, sizeof err) == -1);
    CHECKF(strstr(err, "answers are not a JSON object") != NULL, "%s", err);
    make_response(&bad, "nl", STORE_COMPLETE, now, "[1]");
    CHECK(store_add_response(st, &bad, err, sizeof err) == -1);
    make_response(&bad, "", STORE_COMPLETE, now, "{}");
    CHECK(store_add_response(st, &bad, err, sizeof err) == -1);
    CHECKF(strstr(err, "language") != NULL, "%s", err);
    store_counts c;
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
    CHECK(c.total == 3);
    /* After refused input the next response still gets the next number. */
    store_response r;
    make_response(&r, "tr", STORE_COMPLETE, now, NULL);
    CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
    CHECK(r.seq == 4);
    CHECK(store_check(st, err, sizeof err) == 0);
done:
    store_close(st);
    store_close(NULL);
    drop_db(path);
}

/* The same UUID in upper case is the same response: stored once, found again on a retry, and
 * marked delivered by an acknowledgement in either case. Longer ids never match a cut-off. */
static void test_uuid_case(void)
{
    char *path = tmp_db("store-uuid-case");
    store *st = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        return;
    store_response r;
    make_response(&r, "nl", STORE_COMPLETE, 1000, "{}");
    wp_strlcpy(r.id, "6F1C2B9E-3D4A-4B5C-8D6E-7F8091A2B3C4", sizeof r.id);
    CHECK(store_add_response(st, &r, err, sizeof err) == 0 && r.seq == 1);
    CHECK_STR(r.id, "6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4");
    int64_t first = r.seq;
    make_response(&r, "nl", STORE_COMPLETE, 1000, "{}");
    wp_strlcpy(r.id, "6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4", sizeof r.id);
    CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
    CHECK(r.seq == first);
    make_response(&r, "nl", STORE_COMPLETE, 1000, "{}");
    wp_strlcpy(r.id, "6F1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3C4", sizeof r.id);
    CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
    CHECK(r.seq == first);
    rows v = read_all(st, 0, false, 0);
    CHECKF(v.n == 1, "%zu rows for one UUID", v.n);
    free(v.rows);
    const char *longer[] = {"6F1C2B9E-3D4A-4B5C-8D6E-7F8091A2B3C4X"};
    CHECK(store_mark(st, longer, 1, STORE_SENT, 5000, err, sizeof err) == 0);
    store_counts c;
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0 && c.pending == 1);
    const char *upper[] = {"6F1C2B9E-3D4A-4B5C-8D6E-7F8091A2B3C4"};
    CHECK(store_mark(st, upper, 1, STORE_SENT, 5000, err, sizeof err) == 0);
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0 && c.pending == 0 && c.total == 1);
    store_close(st);
    drop_db(path);
}

static void test_counts_and_marks(void)
{
    char *path = tmp_db("store-counts");
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    int64_t now = wp_wall_ms();
    store_response r;
    char ids[5][37];
    int64_t fin[5] = {now - 3 * DAY_MS, now - 2 * DAY_MS, now, now, now};
    for (int i = 0; i < 5; i++) {
        make_response(&r, "nl", i == 3 ? STORE_ABANDONED : STORE_COMPLETE, fin[i], "{}");
        CHECK(store_add_response(st, &r, err, sizeof err) == 0);
        memcpy(ids[i], r.id, 37);
    }
    store_counts c;
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
    CHECK(c.total == 5 && c.complete == 4 && c.abandoned == 1);
    CHECK(c.pending == 5 && c.conflict == 0);
    CHECKF(c.today == 3, "today = %lld", (long long)c.today);
    CHECK(c.oldest_pending_ms == fin[0]);

    const char *sent[2] = {ids[0], ids[2]};
    CHECKF(store_mark(st, sent, 2, STORE_SENT, now, err, sizeof err) == 0, "%s", err);
    const char *conflict[2] = {ids[3], "no-such-id"};
    CHECK(store_mark(st, conflict, 2, STORE_CONFLICT, now + 5, err, sizeof err) == 0);
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
    CHECK(c.total == 5 && c.pending == 2 && c.conflict == 1);
    CHECK(c.oldest_pending_ms == fin[1]);

    rows v = read_all(st, 0, true, 0);
    CHECK(v.n == 2);
    if (v.n == 2)
        CHECK(v.rows[0].seq == 2 && v.rows[1].seq == 5);
    free(v.rows);
    v = read_all(st, 2, true, 0);
    CHECK(v.n == 1 && v.rows[0].seq == 5);
    free(v.rows);
    v = read_all(st, 0, true, 1);
    CHECK(v.n == 1 && v.rows[0].seq == 2);
    free(v.rows);
    v = read_all(st, 0, false, 0);
    CHECK(v.n == 5);
    if (v.n == 5) {
        CHECK(v.rows[0].delivery == STORE_SENT && v.rows[0].sent_at == now);
        CHECK(v.rows[3].delivery == STORE_CONFLICT && v.rows[3].sent_at == now + 5);
    }
    free(v.rows);
    /* Back to pending (a conflict resolved by staff). */
    const char *back[1] = {ids[3]};
    CHECK(store_mark(st, back, 1, STORE_PENDING, now, err, sizeof err) == 0);
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
    CHECK(c.pending == 3 && c.conflict == 0);
    CHECK(store_mark(st, back, 1, (store_delivery)7, now, err, sizeof err) == -1);

    /* An empty store. */
    store_close(st);
    st = NULL;
    drop_db(path);
    path = tmp_db("store-empty");
    CHECK(store_open(path, &st, err, sizeof err) == 0);
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
    CHECK(c.total == 0 && c.pending == 0 && c.oldest_pending_ms == 0 && c.today == 0);
    int64_t n = -1, max = -1;
    CHECK(store_range(st, 0, &n, &max, err, sizeof err) == 0 && n == 0 && max == 0);
done:
    store_close(st);
    drop_db(path);
}

/* The query plan of a statement on a second connection; "" on error. */
static void query_plan(const char *path, const char *sql, char *out, size_t len)
{
    out[0] = '\0';
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto done;
    char q[1024];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
        goto done;
    size_t used = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int w = snprintf(out + used, len - used, "%s | ", (const char *)sqlite3_column_text(s, 3));
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
    sqlite3_finalize(s);
done:
    sqlite3_close(db);
}

static void test_pending_index_is_used(void)
{
    char *path = tmp_db("store-plan");
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    store_close(st);
    char plan[1024];
    /* The same queries as store.c's S_FOREACH_PENDING and S_OLDEST_PENDING. */
    query_plan(path,
               "SELECT seq, id, answers FROM responses WHERE sent = 0 AND seq > ?1 "
               "ORDER BY seq LIMIT ?2",
               plan, sizeof plan);
    CHECKF(strstr(plan, "USING INDEX responses_pending") != NULL, "plan: %s", plan);
    CHECKF(strstr(plan, "TEMP B-TREE") == NULL, "plan sorts: %s", plan);
    query_plan(path, "SELECT COUNT(*) FROM responses WHERE sent = 0", plan, sizeof plan);
    CHECKF(strstr(plan, "responses_pending") != NULL, "plan: %s", plan);
    query_plan(path, "SELECT finished_at FROM responses WHERE sent = 0 ORDER BY seq LIMIT 1", plan,
               sizeof plan);
    CHECKF(strstr(plan, "responses_pending") != NULL, "plan: %s", plan);
    query_plan(path, "SELECT COUNT(*) FROM responses WHERE finished_at >= ?1", plan, sizeof plan);
    CHECKF(strstr(plan, "COVERING INDEX responses_finished") != NULL, "plan: %s", plan);
    drop_db(path);
}

static void test_prune_keeps_numbers(void)
{
    char *path = tmp_db("store-prune");
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    store_response r;
    char ids[4][37];
    for (int i = 0; i < 4; i++) {
        make_response(&r, "pl", STORE_COMPLETE, 1000 + i, "{}");
        CHECK(store_add_response(st, &r, err, sizeof err) == 0);
        memcpy(ids[i], r.id, 37);
    }
    const char *old[2] = {ids[2], ids[3]};
    CHECK(store_mark(st, old, 2, STORE_SENT, 1000, err, sizeof err) == 0);
    const char *recent[1] = {ids[1]};
    CHECK(store_mark(st, recent, 1, STORE_SENT, 5000, err, sizeof err) == 0);
    const char *conf[1] = {ids[0]};
    CHECK(store_mark(st, conf, 1, STORE_CONFLICT, 500, err, sizeof err) == 0);
    CHECK(store_prune_sent(st, 3000, err, sizeof err) == 2);
    CHECK(store_prune_sent(st, 3000, err, sizeof err) == 0);
    rows v = read_all(st, 0, false, 0);
    CHECK(v.n == 2);
    if (v.n == 2)
        CHECK(v.rows[0].seq == 1 && v.rows[1].seq == 2);
    free(v.rows);
    /* seq 4 was the highest and is gone: the next response must not get it again. */
    make_response(&r, "pl", STORE_COMPLETE, 2000, "{}");
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    CHECKF(r.seq == 5, "seq %lld reused", (long long)r.seq);
    store_close(st);
    st = NULL;
    CHECK(store_open(path, &st, err, sizeof err) == 0);
    make_response(&r, "pl", STORE_COMPLETE, 2000, "{}");
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    CHECK(r.seq == 6);
done:
    store_close(st);
    drop_db(path);
}

/* The cards document: absent at first, replaced by set, kept across a reopen (a restart). */
static void test_cards(void)
{
    char *path = tmp_db("store-cards");
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    char *doc = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    CHECK(store_cards_get(st, &doc, err, sizeof err) == 1 && doc == NULL);
    CHECK(store_cards_set(st, "{\"version\":\"a\"}", 1000, err, sizeof err) == 0);
    /* larger than a meta value: the cards have their own table */
    char *big = malloc(STORE_META_MAX * 2);
    memset(big, ' ', STORE_META_MAX * 2 - 1);
    big[0] = '{';
    big[STORE_META_MAX * 2 - 2] = '}';
    big[STORE_META_MAX * 2 - 1] = '\0';
    CHECK(store_cards_set(st, big, 2000, err, sizeof err) == 0);
    CHECK(store_cards_set(st, "{\"version\":\"b\"}", 3000, err, sizeof err) == 0);
    free(big);
    store_close(st);
    st = NULL;
    CHECK(store_open(path, &st, err, sizeof err) == 0);
    CHECK(st && store_cards_get(st, &doc, err, sizeof err) == 0);
    CHECK_STR(doc ? doc : "", "{\"version\":\"b\"}");
done:
    free(doc);
    store_close(st);
    drop_db(path);
}

static void test_meta(void)
{
    char *path = tmp_db("store-meta");
    char err[WP_ERR_LEN] = "", buf[64];
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    CHECK(store_meta_get(st, "last_export_seq", buf, sizeof buf, err, sizeof err) == 1);
    CHECK(store_meta_set(st, "last_export_seq", "41", err, sizeof err) == 0);
    CHECK(store_meta_set(st, "last_export_seq", "42", err, sizeof err) == 0);
    CHECK(store_meta_set(st, "active_questionset", "nazareth-2027-voorjaar", err, sizeof err) == 0);
    CHECK(store_meta_get(st, "last_export_seq", buf, sizeof buf, err, sizeof err) == 0);
    CHECK_STR(buf, "42");
    char small[4];
    CHECK(store_meta_get(st, "active_questionset", small, sizeof small, err, sizeof err) == -1);
    CHECKF(strstr(err, "longer than") != NULL, "%s", err);
    char *big = malloc(STORE_META_MAX + 2);
    memset(big, 'x', STORE_META_MAX + 1);
    big[STORE_META_MAX + 1] = '\0';
    CHECK(store_meta_set(st, "big", big, err, sizeof err) == -1);
    free(big);
    store_close(st);
    st = NULL;
    CHECK(store_open(path, &st, err, sizeof err) == 0);
    CHECK(store_meta_get(st, "last_export_seq", buf, sizeof buf, err, sizeof err) == 0);
    CHECK_STR(buf, "42");
done:
    store_close(st);
    drop_db(path);
}

/* Runs SQL on a database directly (to build old or foreign databases by hand). */
static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "raw_exec: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
}

/* Schema version 1 exactly as it shipped: frozen here so that, once a version 2 exists, this
 * test upgrades a real version-1 database with data in it. Never edit it. */
static const char schema_v1[] =
    "PRAGMA journal_mode = WAL;"
    "CREATE TABLE responses("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
    " questionset TEXT NOT NULL, questionset_version INTEGER NOT NULL, language TEXT NOT NULL,"
    " started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('complete', 'abandoned')),"
    " clock_synced INTEGER NOT NULL DEFAULT 0 CHECK (clock_synced IN (0, 1)),"
    " answers TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1, 2)),"
    " sent_at INTEGER);"
    "CREATE INDEX responses_pending ON responses(seq) WHERE sent = 0;"
    "CREATE INDEX responses_finished ON responses(finished_at);"
    "CREATE INDEX responses_sent_at ON responses(sent_at) WHERE sent = 1;"
    "CREATE TABLE response_counts(status TEXT NOT NULL, sent INTEGER NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY (status, sent)) WITHOUT ROWID;"
    "CREATE TRIGGER responses_count_insert AFTER INSERT ON responses BEGIN"
    " INSERT INTO response_counts(status, sent, n) VALUES (NEW.status, NEW.sent, 1)"
    " ON CONFLICT(status, sent) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER responses_count_delete AFTER DELETE ON responses BEGIN"
    " UPDATE response_counts SET n = n - 1 WHERE status = OLD.status AND sent = OLD.sent; END;"
    "CREATE TRIGGER responses_count_update AFTER UPDATE OF status, sent ON responses"
    " WHEN OLD.status IS NOT NEW.status OR OLD.sent IS NOT NEW.sent BEGIN"
    " UPDATE response_counts SET n = n - 1 WHERE status = OLD.status AND sent = OLD.sent;"
    " INSERT INTO response_counts(status, sent, n) VALUES (NEW.status, NEW.sent, 1)"
    " ON CONFLICT(status, sent) DO UPDATE SET n = n + 1; END;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO responses VALUES(7, '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4', 'pottenberg-2026', 2,"
    " 'ar', 1780000000000, 1780000060000, 60000, 'complete', 1, '{\"q\":\"1\"}', 1, 1780000100000);"
    "INSERT INTO responses VALUES(9, '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d', 'pottenberg-2026', 2,"
    " 'nl', 1780000200000, 1780000230000, 30000, 'abandoned', 0, '{}', 0, NULL);"
    "INSERT INTO meta VALUES('last_export_seq', '7');"
    "PRAGMA application_id = 1464878409;" /* 0x57504549 */
    "PRAGMA user_version = 1;";

static void test_migrations(void)
{
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    store_response r;
    char buf[32];

    /* A fresh database is at the current version. */
    char *path = tmp_db("store-mig-new");
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    CHECK(store_schema_version(st, err, sizeof err) == STORE_SCHEMA_VERSION);
    store_close(st);
    st = NULL;
    drop_db(path);

    /* Version 0: an empty file (e.g. created by an installer) is upgraded. */
    path = tmp_db("store-mig-v0");
    FILE *f = fopen(path, "w");
    fclose(f);
    CHECK(store_open_mode(path, STORE_OPEN_READONLY, &st, err, sizeof err) == -1);
    CHECKF(strstr(err, "older than this program") != NULL, "%s", err);
    CHECKF(store_open_mode(path, STORE_OPEN_EXISTING, &st, err, sizeof err) == 0, "%s", err);
    CHECK(store_schema_version(st, err, sizeof err) == STORE_SCHEMA_VERSION);
    make_response(&r, "nl", STORE_COMPLETE, 1000, "{}");
    CHECK(store_add_response(st, &r, err, sizeof err) == 0 && r.seq == 1);
    store_close(st);
    st = NULL;
    drop_db(path);

    /* Version 1 built by hand, with data: opened (and upgraded, once there is a version 2). */
    path = tmp_db("store-mig-v1");
    CHECK(raw_exec(path, schema_v1) == SQLITE_OK);
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (st) {
        CHECK(store_schema_version(st, err, sizeof err) == STORE_SCHEMA_VERSION);
        rows v = read_all(st, 0, false, 0);
        CHECK(v.n == 2);
        if (v.n == 2) {
            CHECK(v.rows[0].seq == 7 && v.rows[0].delivery == STORE_SENT);
            CHECK_STR(v.rows[0].id, "6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4");
            CHECK_STR(v.rows[0].answers, "{\"q\":\"1\"}");
            CHECK(v.rows[1].seq == 9 && v.rows[1].status == STORE_ABANDONED);
            CHECK_STR(v.rows[0].version_text, ""); /* stored before version_text existed */
            CHECK_STR(v.rows[0].languages, "");    /* and before the measures (issue 14) */
            CHECK(v.rows[0].active_ms == 0);
            CHECK(v.rows[0].flags == 0);
        }
        free(v.rows);
        store_counts c;
        CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
        CHECK(c.total == 2 && c.pending == 1 && c.abandoned == 1);
        CHECK(store_meta_get(st, "last_export_seq", buf, sizeof buf, err, sizeof err) == 0);
        CHECK_STR(buf, "7");
        make_response(&r, "nl", STORE_COMPLETE, 1000, "{}");
        CHECK(store_add_response(st, &r, err, sizeof err) == 0);
        CHECK(r.seq == 10);
        CHECK(store_check(st, err, sizeof err) == 0);
        store_close(st);
        st = NULL;
    }

    /* A database from a newer version is refused, and left as it is. */
    char newer[64];
    snprintf(newer, sizeof newer, "PRAGMA user_version = %d;", STORE_SCHEMA_VERSION + 1);
    CHECK(raw_exec(path, newer) == SQLITE_OK);
    CHECK(store_open(path, &st, err, sizeof err) == -1 && st == NULL);
    CHECKF(strstr(err, "newer Wijkpeil") != NULL && strstr(err, path) != NULL, "%s", err);
    char want[64];
    snprintf(want, sizeof want, "schema version %d", STORE_SCHEMA_VERSION + 1);
    CHECKF(strstr(err, want) != NULL, "%s", err);
    CHECK(store_open_mode(path, STORE_OPEN_READONLY, &st, err, sizeof err) == -1);
    CHECKF(strstr(err, "newer Wijkpeil") != NULL, "%s", err);
    snprintf(newer, sizeof newer, "PRAGMA user_version = %d;", STORE_SCHEMA_VERSION);
    CHECK(raw_exec(path, newer) == SQLITE_OK);
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "left as it was: %s", err);
    store_close(st);
    st = NULL;
    drop_db(path);

    /* Another program's SQLite database, or not a database at all: refused, untouched. */
    path = tmp_db("store-mig-foreign");
    CHECK(raw_exec(path, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('x');") ==
          SQLITE_OK);
    CHECK(store_open(path, &st, err, sizeof err) == -1);
    CHECKF(strstr(err, "another program") != NULL, "%s", err);
    CHECK(raw_exec(path, "SELECT name FROM contacts; PRAGMA user_version = 0;") == SQLITE_OK);
    drop_db(path);
    path = tmp_db("store-mig-text");
    f = fopen(path, "w");
    fputs("questionset = demo.json\nthis is not a database, just some text long enough to read\n"
          "................................................................................\n",
          f);
    fclose(f);
    CHECK(store_open(path, &st, err, sizeof err) == -1);
    CHECKF(strstr(err, "not a Wijkpeil database") != NULL, "%s", err);
    drop_db(path);

    /* Missing files: created only by the kiosk's mode. */
    path = tmp_db("store-mig-missing");
    CHECK(store_open_mode(path, STORE_OPEN_READONLY, &st, err, sizeof err) == -1);
    CHECKF(strstr(err, "no database at") != NULL, "%s", err);
    CHECK(store_open_mode(path, STORE_OPEN_EXISTING, &st, err, sizeof err) == -1);
    CHECK(access(path, F_OK) != 0);
    drop_db(path);
}

static void test_unwritable(void)
{
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECK(store_open("/nonexistent-wijkpeil-dir/responses.db", &st, err, sizeof err) == -1);
    CHECKF(strstr(err, "cannot open database") != NULL && strstr(err, "/nonexistent") != NULL, "%s",
           err);
    char *dir = test_tmpdir("store-dir");
    CHECK(store_open(dir, &st, err, sizeof err) == -1);
    CHECKF(strstr(err, "cannot open database") != NULL, "%s", err);
    rmdir(dir);
    free(dir);

    /* A database that cannot be written (read-only medium or open): a clear error, no crash,
     * nothing stored. As root, file modes do not stop writes, so use a read-only open; as a
     * normal user, also a chmod 0444 file. */
    char *path = tmp_db("store-ro");
    CHECK(store_open(path, &st, err, sizeof err) == 0);
    store_response r;
    make_response(&r, "en", STORE_COMPLETE, 1000, "{}");
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    store_close(st);
    st = NULL;
    CHECKF(store_open_mode(path, STORE_OPEN_READONLY, &st, err, sizeof err) == 0, "%s", err);
    if (st) {
        make_response(&r, "en", STORE_COMPLETE, 2000, "{}");
        CHECK(store_add_response(st, &r, err, sizeof err) == -1);
        CHECKF(strstr(err, "cannot save response: the database is read-only") != NULL &&
                   strstr(err, path) != NULL,
               "%s", err);
        const char *ids[1] = {"x"};
        CHECK(store_mark(st, ids, 1, STORE_SENT, 1, err, sizeof err) == -1);
        CHECK(store_meta_set(st, "k", "v", err, sizeof err) == -1);
        store_counts c;
        CHECK(store_counts_get(st, &c, err, sizeof err) == 0 && c.total == 1);
        store_close(st);
        st = NULL;
    }
    if (geteuid() != 0) {
        chmod(path, 0444);
        int rc = store_open(path, &st, err, sizeof err);
        if (rc == 0)
            rc = store_add_response(st, &r, err, sizeof err);
        CHECK(rc == -1);
        CHECKF(strstr(err, "read-only") != NULL, "%s", err);
        store_close(st);
        st = NULL;
        chmod(path, 0644);
    }
    drop_db(path);
}

/* What a child process reports to the parent over a pipe (smaller than PIPE_BUF, so each
 * record is written atomically even when the child is killed). */
enum { REC_ACK = 1, REC_FAIL = 2, REC_ACK_AFTER = 3, REC_ERROR = 4 };
typedef struct {
    int kind;
    int64_t seq;
    char id[37];
    char msg[300];
} rec;

static void send_rec(int fd, int kind, const store_response *r, const char *msg)
{
    rec x;
    memset(&x, 0, sizeof x);
    x.kind = kind;
    if (r) {
        x.seq = r->seq;
        memcpy(x.id, r->id, sizeof x.id);
    }
    if (msg)
        wp_strlcpy(x.msg, msg, sizeof x.msg);
    if (write(fd, &x, sizeof x) != (ssize_t)sizeof x)
        _exit(5);
}

typedef struct {
    rec *v;
    size_t n, cap;
} recs;

/* Reads one record (0), or none at EOF (-1). */
static int read_one(int fd, recs *out)
{
    rec x;
    size_t got = 0;
    while (got < sizeof x) {
        ssize_t n = read(fd, (char *)&x + got, sizeof x - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 256;
        out->v = realloc(out->v, out->cap * sizeof *out->v);
    }
    out->v[out->n++] = x;
    return 0;
}

/* Reads records until EOF. */
static void read_recs(int fd, recs *out)
{
    while (read_one(fd, out) == 0) {
    }
}

/* Answers of varying size, so commits span one to several pages. */
static void child_answers(char *buf, size_t len, unsigned i)
{
    size_t pad = (i * 37) % 900;
    int n = snprintf(buf, len, "{\"woonplezier\":\"%u\",\"zorgen\":[\"geld\",\"werk\"],\"note\":\"",
                     i % 5 + 1);
    for (size_t k = 0; k < pad && (size_t)n + 3 < len; k++)
        buf[n++] = (char)('a' + k % 26);
    snprintf(buf + n, len - (size_t)n, "\"}");
}

/* The kill -9 child: stores responses forever, reporting each acknowledged one. */
static void kill_child(const char *path, int fd)
{
    char err[WP_ERR_LEN];
    store *st = NULL;
    if (store_open(path, &st, err, sizeof err) != 0) {
        send_rec(fd, REC_ERROR, NULL, err);
        _exit(3);
    }
    char answers[1024];
    for (unsigned i = 0;; i++) {
        store_response r;
        child_answers(answers, sizeof answers, i);
        make_response(&r, "ar", STORE_COMPLETE, wp_wall_ms(), answers);
        if (store_add_response(st, &r, err, sizeof err) != 0) {
            send_rec(fd, REC_ERROR, NULL, err);
            _exit(4);
        }
        send_rec(fd, REC_ACK, &r, NULL);
    }
}

/* Finds seq in rows sorted by seq; NULL when absent. */
static const row *find_seq(const rows *v, int64_t seq)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->rows[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->n && v->rows[lo].seq == seq ? &v->rows[lo] : NULL;
}

static void test_kill9_loses_nothing_acknowledged(void)
{
    enum { ROUNDS = 30 };
    char *path = tmp_db("store-kill");
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    fprintf(stderr, "kill -9 test seed %u\n", seed);
    recs acks = {0};
    int children_errors = 0, killed = 0;
    for (int round = 0; round < ROUNDS; round++) {
        int p[2];
        if (pipe(p) != 0) {
            CHECK(!"pipe");
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            kill_child(path, p[1]);
        }
        close(p[1]);
        /* Even rounds: 1..60 ms after the start, so some kills land in open and WAL recovery.
         * Odd rounds: 0..30 ms after the first acknowledgement, mid-stream (a commit, a
         * checkpoint), however slowly a loaded machine starts the child. */
        recs got = {0};
        if (round % 2 == 1)
            read_one(p[0], &got);
        long ms = round % 2 ? rand_r(&seed) % 31 : 1 + rand_r(&seed) % 60;
        struct timespec ts = {0, ms * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        read_recs(p[0], &got);
        close(p[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            killed++;
        for (size_t i = 0; i < got.n; i++) {
            if (got.v[i].kind == REC_ERROR) {
                children_errors++;
                fprintf(stderr, "child error: %s\n", got.v[i].msg);
                continue;
            }
            if (acks.n == acks.cap) {
                acks.cap = acks.cap ? acks.cap * 2 : 1024;
                acks.v = realloc(acks.v, acks.cap * sizeof *acks.v);
            }
            acks.v[acks.n++] = got.v[i];
        }
        free(got.v);
    }
    CHECK(children_errors == 0);
    CHECKF(killed == ROUNDS, "only %d of %d children died of SIGKILL", killed, ROUNDS);
    CHECKF(acks.n >= ROUNDS / 2, "only %zu responses acknowledged", acks.n);
    fprintf(stderr, "kill -9: %d rounds, %zu acknowledged responses\n", ROUNDS, acks.n);

    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (st) {
        CHECKF(store_check(st, err, sizeof err) == 0, "%s", err);
        rows v = read_all(st, 0, false, 0);
        size_t missing = 0;
        for (size_t i = 0; i < acks.n; i++) {
            const row *w = find_seq(&v, acks.v[i].seq);
            if (!w || strcmp(w->id, acks.v[i].id) != 0)
                missing++;
            if (i > 0)
                CHECKF(acks.v[i].seq > acks.v[i - 1].seq, "seq %lld after %lld",
                       (long long)acks.v[i].seq, (long long)acks.v[i - 1].seq);
        }
        CHECKF(missing == 0, "%zu acknowledged responses lost", missing);
        /* Every stored row is whole (at most one unacknowledged per round, committed but killed
         * before it could report). */
        CHECK(v.n >= acks.n && v.n <= acks.n + ROUNDS);
        for (size_t i = 0; i < v.n; i++)
            CHECK(strstr(v.rows[i].answers, "\"woonplezier\"") && v.rows[i].answers[0] == '{');
        free(v.rows);
        store_close(st);
    }
    free(acks.v);
    drop_db(path);
}

/* The full-disk child: a file-size limit stands in for a full SD card. */
static void full_child(const char *path, int fd, rlim_t limit)
{
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl;
    getrlimit(RLIMIT_FSIZE, &rl);
    rl.rlim_cur = limit;
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
        send_rec(fd, REC_ERROR, NULL, "setrlimit failed");
        _exit(3);
    }
    char err[WP_ERR_LEN];
    store *st = NULL;
    if (store_open(path, &st, err, sizeof err) != 0) {
        send_rec(fd, REC_ERROR, NULL, err);
        _exit(3);
    }
    char answers[1024];
    unsigned i = 0;
    for (; i < 100000; i++) {
        store_response r;
        child_answers(answers, sizeof answers, i);
        make_response(&r, "uk", STORE_COMPLETE, wp_wall_ms(), answers);
        if (store_add_response(st, &r, err, sizeof err) != 0) {
            send_rec(fd, REC_FAIL, NULL, err);
            break;
        }
        send_rec(fd, REC_ACK, &r, NULL);
    }
    /* Still full: fails again, cleanly. */
    store_response r;
    make_response(&r, "uk", STORE_COMPLETE, wp_wall_ms(), answers);
    if (store_add_response(st, &r, err, sizeof err) == 0)
        send_rec(fd, REC_ACK, &r, NULL);
    else
        send_rec(fd, REC_FAIL, NULL, err);
    /* Space is back: the same handle writes again. */
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_FSIZE, &rl);
    make_response(&r, "uk", STORE_ABANDONED, wp_wall_ms(), "{\"after\":\"yes\"}");
    if (store_add_response(st, &r, err, sizeof err) == 0)
        send_rec(fd, REC_ACK_AFTER, &r, NULL);
    else
        send_rec(fd, REC_ERROR, NULL, err);
    store_close(st);
    _exit(0);
}

static void test_full_disk(void)
{
    char *path = tmp_db("store-full");
    int p[2];
    if (pipe(p) != 0) {
        CHECK(!"pipe");
        drop_db(path);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        full_child(path, p[1], 400 * 1024);
    }
    close(p[1]);
    recs got = {0};
    read_recs(p[0], &got);
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);

    size_t acks = 0, fails = 0, after = 0;
    for (size_t i = 0; i < got.n; i++) {
        switch (got.v[i].kind) {
        case REC_ACK:
            acks++;
            break;
        case REC_FAIL:
            fails++;
            CHECKF(strstr(got.v[i].msg, "cannot save response: the kiosk's disk is full") &&
                       strstr(got.v[i].msg, path),
                   "message: %s", got.v[i].msg);
            break;
        case REC_ACK_AFTER:
            after++;
            break;
        default:
            CHECKF(0, "child error: %s", got.v[i].msg);
        }
    }
    fprintf(stderr, "full disk: %zu stored before the disk was full\n", acks);
    CHECK(acks > 5);
    CHECK(fails == 2);
    CHECK(after == 1);

    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (st) {
        CHECKF(store_check(st, err, sizeof err) == 0, "%s", err);
        rows v = read_all(st, 0, false, 0);
        CHECKF(v.n == acks + after, "%zu rows stored, %zu acknowledged", v.n, acks + after);
        for (size_t i = 0; i < got.n; i++) {
            if (got.v[i].kind != REC_ACK && got.v[i].kind != REC_ACK_AFTER)
                continue;
            const row *w = find_seq(&v, got.v[i].seq);
            CHECK(w && strcmp(w->id, got.v[i].id) == 0);
        }
        free(v.rows);
        store_close(st);
    }
    free(got.v);
    drop_db(path);
}

/* The tiny-filesystem child: a 512 KiB tmpfs in a private mount namespace fills up for real
 * (ENOSPC); then a file is deleted and the same handle writes again. It checks the result
 * itself (the mount vanishes with it) and reports problems as REC_ERROR; exit 77 = cannot
 * mount here (no privileges), which the parent reports as skipped. */
static void tmpfs_child(const char *dir, int fd)
{
    char err[WP_ERR_LEN], path[512], filler[512];
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", dir, "tmpfs", 0, "size=512k") != 0)
        _exit(77);
    snprintf(path, sizeof path, "%s/responses.db", dir);
    snprintf(filler, sizeof filler, "%s/filler", dir);
    FILE *fl = fopen(filler, "w");
    for (int i = 0; fl && i < 64 * 1024; i++)
        fputc('x', fl);
    if (!fl || fclose(fl) != 0) {
        send_rec(fd, REC_ERROR, NULL, "cannot write the filler file");
        _exit(3);
    }
    store *st = NULL;
    if (store_open(path, &st, err, sizeof err) != 0) {
        send_rec(fd, REC_ERROR, NULL, err);
        _exit(3);
    }
    recs acks = {0};
    char answers[1024];
    bool full = false;
    for (unsigned i = 0; i < 100000 && !full; i++) {
        store_response r;
        child_answers(answers, sizeof answers, i);
        make_response(&r, "pl", STORE_COMPLETE, wp_wall_ms(), answers);
        if (store_add_response(st, &r, err, sizeof err) != 0) {
            send_rec(fd, REC_FAIL, NULL, err);
            full = true;
        } else {
            send_rec(fd, REC_ACK, &r, NULL);
            rec x = {.kind = REC_ACK, .seq = r.seq};
            memcpy(x.id, r.id, sizeof x.id);
            if (acks.n == acks.cap) {
                acks.cap = acks.cap ? acks.cap * 2 : 256;
                acks.v = realloc(acks.v, acks.cap * sizeof *acks.v);
            }
            acks.v[acks.n++] = x;
        }
    }
    unlink(filler); /* staff free some space */
    store_response r;
    make_response(&r, "pl", STORE_ABANDONED, wp_wall_ms(), "{\"after\":\"yes\"}");
    if (store_add_response(st, &r, err, sizeof err) != 0) {
        send_rec(fd, REC_ERROR, NULL, err);
    } else {
        send_rec(fd, REC_ACK_AFTER, &r, NULL);
        rec x = {.kind = REC_ACK_AFTER, .seq = r.seq};
        memcpy(x.id, r.id, sizeof x.id);
        if (acks.n == acks.cap) {
            acks.cap = acks.cap ? acks.cap * 2 : 256;
            acks.v = realloc(acks.v, acks.cap * sizeof *acks.v);
        }
        acks.v[acks.n++] = x;
    }
    store_close(st);
    st = NULL;
    if (store_open(path, &st, err, sizeof err) != 0) {
        send_rec(fd, REC_ERROR, NULL, err);
        _exit(3);
    }
    if (store_check(st, err, sizeof err) != 0)
        send_rec(fd, REC_ERROR, NULL, err);
    rows v = {0};
    store_foreach(st, 0, false, 0, collect, &v, err, sizeof err);
    if (v.n != acks.n) {
        snprintf(err, sizeof err, "%zu rows stored, %zu acknowledged", v.n, acks.n);
        send_rec(fd, REC_ERROR, NULL, err);
    }
    for (size_t i = 0; i < acks.n; i++) {
        const row *w = find_seq(&v, acks.v[i].seq);
        if (!w || strcmp(w->id, acks.v[i].id) != 0) {
            snprintf(err, sizeof err, "acknowledged seq %lld lost", (long long)acks.v[i].seq);
            send_rec(fd, REC_ERROR, NULL, err);
        }
    }
    free(v.rows);
    free(acks.v);
    store_close(st);
    _exit(0);
}

static void test_full_tiny_filesystem(void)
{
    char *dir = test_tmpdir("store-tmpfs");
    int p[2];
    if (pipe(p) != 0) {
        CHECK(!"pipe");
        free(dir);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        tmpfs_child(dir, p[1]);
    }
    close(p[1]);
    recs got = {0};
    read_recs(p[0], &got);
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        fprintf(stderr, "skipping test_full_tiny_filesystem: cannot mount a tmpfs here\n");
        free(got.v);
        rmdir(dir);
        free(dir);
        return;
    }
    CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    size_t acks = 0, fails = 0, after = 0;
    for (size_t i = 0; i < got.n; i++) {
        if (got.v[i].kind == REC_ACK)
            acks++;
        else if (got.v[i].kind == REC_ACK_AFTER)
            after++;
        else if (got.v[i].kind == REC_FAIL) {
            fails++;
            CHECKF(strstr(got.v[i].msg, "cannot save response: the kiosk's disk is full") &&
                       strstr(got.v[i].msg, dir),
                   "message: %s", got.v[i].msg);
        } else
            CHECKF(0, "child: %s", got.v[i].msg);
    }
    fprintf(stderr, "tiny filesystem: %zu stored before it was full\n", acks);
    CHECK(acks > 10 && fails == 1 && after == 1);
    free(got.v);
    rmdir(dir);
    free(dir);
}

/* The uploader thread's pattern: its own handle marks rows while the UI thread adds. */
typedef struct {
    const char *path;
    int marked;
    int errors;
    _Atomic int stop;
} uploader_ctx;

typedef struct {
    char ids[64][37];
    int n;
} id_batch;

static int batch_ids(void *ctx, const store_response *r)
{
    id_batch *b = ctx;
    memcpy(b->ids[b->n++], r->id, 37);
    return 0;
}

static void *uploader(void *arg)
{
    uploader_ctx *u = arg;
    char err[WP_ERR_LEN];
    store *st = NULL;
    if (store_open(u->path, &st, err, sizeof err) != 0) {
        u->errors++;
        return NULL;
    }
    while (!u->stop) {
        id_batch b = {.n = 0};
        if (store_foreach(st, 0, true, 64, batch_ids, &b, err, sizeof err) != 0) {
            u->errors++;
            break;
        }
        const char *ids[64];
        for (int i = 0; i < b.n; i++)
            ids[i] = b.ids[i];
        if (store_mark(st, ids, (size_t)b.n, STORE_SENT, wp_wall_ms(), err, sizeof err) != 0) {
            fprintf(stderr, "uploader: %s\n", err);
            u->errors++;
            break;
        }
        u->marked += b.n;
    }
    store_close(st);
    return NULL;
}

static void test_two_handles(void)
{
    char *path = tmp_db("store-threads");
    char err[WP_ERR_LEN] = "";
    store *st = NULL;
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st) {
        drop_db(path);
        return;
    }
    uploader_ctx u = {.path = path};
    pthread_t th;
    pthread_create(&th, NULL, uploader, &u);
    int add_errors = 0;
    for (int i = 0; i < 300; i++) {
        store_response r;
        make_response(&r, "nl", STORE_COMPLETE, wp_wall_ms(), "{\"a\":\"1\"}");
        if (store_add_response(st, &r, err, sizeof err) != 0) {
            fprintf(stderr, "add: %s\n", err);
            add_errors++;
        }
    }
    u.stop = 1;
    pthread_join(th, NULL);
    CHECK(add_errors == 0);
    CHECK(u.errors == 0);
    store_counts c;
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
    CHECK(c.total == 300);
    CHECKF(c.pending + u.marked == 300, "pending %lld + marked %d", (long long)c.pending, u.marked);
    store_close(st);
    drop_db(path);
}

/* True when needle occurs anywhere in the raw bytes of path (a missing file holds nothing). */
static bool file_holds(const char *path, const char *needle)
{
    char *text = NULL;
    size_t len = 0;
    if (wp_read_file(path, 64u * 1024 * 1024, &text, &len, NULL, 0) != 0)
        return false;
    bool found = memmem(text, len, needle, strlen(needle)) != NULL;
    free(text);
    return found;
}

/* With a seal key the answers never reach the file (nor its WAL) in clear; everything else
 * (counts, status, delivery marks) works as before, and the secret key gives them back. */
static void test_sealed_at_rest(void)
{
    static const char *const answers[] = {
        "{\"woonplezier\":\"zeer-tevreden\",\"geldzorgen\":[\"huur-betalen\",\"schulden\"]}",
        "{\"vertrouwen-gemeente\":\"weinig-vertrouwen\"}", "{\"gezondheid-klachten\":\"ja-vaak\"}"};
    static const char *const answer_ids[] = {
        "woonplezier", "zeer-tevreden",       "geldzorgen",        "huur-betalen",
        "schulden",    "vertrouwen-gemeente", "weinig-vertrouwen", "gezondheid-klachten",
        "ja-vaak"};
    CHECK(sodium_init() >= 0);
    seal_keypair kp;
    crypto_box_keypair(kp.pk, kp.sk);
    char pk_b64[SEAL_PUBLIC_B64_LEN + 1];
    sodium_bin2base64(pk_b64, sizeof pk_b64, kp.pk, sizeof kp.pk, sodium_base64_VARIANT_ORIGINAL);
    char *path = tmp_db("store-sealed");
    store *st = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    CHECK(store_seal_to(st, "not a key", err, sizeof err) == -1 && strstr(err, "seal_public_key"));
    CHECKF(store_seal_to(st, pk_b64, err, sizeof err) == 0, "%s", err);
    char ids[3][37];
    for (int i = 0; i < 3; i++) {
        store_response r;
        make_response(&r, "nl", i == 2 ? STORE_ABANDONED : STORE_COMPLETE, 1803892502123LL + i,
                      answers[i]);
        CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
        memcpy(ids[i], r.id, sizeof ids[i]);
    }
    store_counts c;
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0);
    CHECK(c.total == 3 && c.complete == 2 && c.abandoned == 1 && c.pending == 3);
    const char *mark[] = {ids[0]};
    CHECK(store_mark(st, mark, 1, STORE_SENT, 1803892600000LL, err, sizeof err) == 0);
    /* Read back: sealed, never in clear; the secret key opens exactly what was stored. */
    rows v = read_all(st, 0, false, 0);
    CHECK(v.n == 3);
    for (size_t i = 0; i < v.n && i < 3; i++) {
        CHECK_STR(v.rows[i].id, ids[i]);
        char *opened = NULL;
        CHECKF(seal_open(&kp, v.rows[i].answers, &opened, err, sizeof err) == 0, "%s", err);
        CHECK_STR(opened, answers[i]);
        free(opened);
    }
    CHECK(v.n == 3 && v.rows[0].delivery == STORE_SENT && v.rows[1].delivery == STORE_PENDING);
    free(v.rows);
    /* The raw bytes of the database and its WAL (checkpointed or not) hold no answer. */
    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", path);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof answer_ids / sizeof answer_ids[0]; i++) {
            CHECKF(!file_holds(path, answer_ids[i]), "database holds \"%s\"", answer_ids[i]);
            CHECKF(!file_holds(wal, answer_ids[i]), "WAL holds \"%s\"", answer_ids[i]);
        }
        CHECK(file_holds(pass == 0 ? wal : path, ids[1])); /* the UUIDs stay in clear */
        store_close(st); /* the last close checkpoints the WAL into the database */
        st = NULL;
    }
    seal_forget(&kp);
    drop_db(path);
}

/* Issue 12: the set's version as the spreadsheet wrote it is recorded with each response (at most
 * QSET_MAX_VERSION_TEXT bytes, all kept); a set without one stores none. */
static void test_version_text(void)
{
    char *path = tmp_db("store-vt");
    store *st = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    store_response r;
    make_response(&r, "ti", STORE_COMPLETE, 1000, "{}");
    wp_strlcpy(r.questionset_version_text, "2024-03-05 14:22:10",
               sizeof r.questionset_version_text);
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    make_response(&r, "nl", STORE_COMPLETE, 2000, "{}");
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    char longest[QSET_MAX_VERSION_TEXT + 1];
    memset(longest, 'v', QSET_MAX_VERSION_TEXT);
    longest[QSET_MAX_VERSION_TEXT] = '\0';
    make_response(&r, "en", STORE_COMPLETE, 3000, "{}");
    wp_strlcpy(r.questionset_version_text, longest, sizeof r.questionset_version_text);
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    rows v = read_all(st, 0, false, 0);
    CHECK(v.n == 3);
    if (v.n == 3) {
        CHECK_STR(v.rows[0].version_text, "2024-03-05 14:22:10");
        CHECK_STR(v.rows[1].version_text, "");
        CHECK_STR(v.rows[2].version_text, longest);
    }
    free(v.rows);
    store_close(st);
done:
    drop_db(path);
}

/* Issue 14: the languages used (in order) and the active time are stored with each response;
 * a response without them (a caller from before) stores neither, and an active time without
 * languages is refused. */
static void test_measures(void)
{
    char *path = tmp_db("store-measures");
    store *st = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    store_response r;
    make_response(&r, "ar", STORE_ABANDONED, 1000, "{}");
    wp_strlcpy(r.languages, "nl;ar", sizeof r.languages);
    r.active_ms = 41500;
    CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
    make_response(&r, "nl", STORE_COMPLETE, 2000, "{}");
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    make_response(&r, "nl", STORE_COMPLETE, 3000, "{}");
    r.active_ms = 5;
    CHECK(store_add_response(st, &r, err, sizeof err) == -1);
    CHECKF(strstr(err, "active time without") != NULL, "%s", err);
    rows v = read_all(st, 0, false, 0);
    CHECK(v.n == 2);
    if (v.n == 2) {
        CHECK_STR(v.rows[0].languages, "nl;ar");
        CHECK(v.rows[0].active_ms == 41500);
        CHECK_STR(v.rows[1].languages, "");
        CHECK(v.rows[1].active_ms == 0);
    }
    free(v.rows);
    store_close(st);
done:
    drop_db(path);
}

/* Issue 14: quality flags are stored with the response, also when its answers are sealed (they
 * are metadata, not answers); unknown bits are refused. */
static void test_flags(void)
{
    char *path = tmp_db("store-flags");
    store *st = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(path, &st, err, sizeof err) == 0, "%s", err);
    if (!st)
        goto done;
    CHECK(sodium_init() >= 0);
    seal_keypair kp;
    crypto_box_keypair(kp.pk, kp.sk);
    char pk[SEAL_PUBLIC_B64_LEN + 1];
    sodium_bin2base64(pk, sizeof pk, kp.pk, sizeof kp.pk, sodium_base64_VARIANT_ORIGINAL);
    store_response r;
    make_response(&r, "nl", STORE_COMPLETE, 1000, "{\"q\":\"1\"}");
    r.flags = STORE_FLAG_TOO_FAST;
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    CHECKF(store_seal_to(st, pk, err, sizeof err) == 0, "%s", err);
    make_response(&r, "nl", STORE_COMPLETE, 2000, "{\"q\":\"1\"}");
    r.flags = STORE_FLAG_RAPID_REPEAT | STORE_FLAG_TOO_FAST;
    CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    make_response(&r, "nl", STORE_COMPLETE, 3000, "{}");
    r.flags = 1u << 7;
    CHECK(store_add_response(st, &r, err, sizeof err) == -1);
    rows v = read_all(st, 0, false, 0);
    CHECK(v.n == 2);
    if (v.n == 2) {
        CHECK(v.rows[0].flags == STORE_FLAG_TOO_FAST);
        CHECK(v.rows[1].flags == (STORE_FLAG_RAPID_REPEAT | STORE_FLAG_TOO_FAST));
        CHECK(strstr(v.rows[1].answers, "\"q\"") == NULL); /* sealed */
    }
    free(v.rows);
    char names[64];
    store_flags_text(STORE_FLAG_RAPID_REPEAT | STORE_FLAG_TOO_FAST, ";", names, sizeof names);
    CHECK_STR(names, "rapid_repeat;too_fast");
    store_flags_text(0, ";", names, sizeof names);
    CHECK_STR(names, "");
    store_close(st);
done:
    drop_db(path);
}

int main(void)
{
    RUN(test_round_trip);
    RUN(test_counts_and_marks);
    RUN(test_uuid_case);
    RUN(test_pending_index_is_used);
    RUN(test_prune_keeps_numbers);
    RUN(test_meta);
    RUN(test_cards);
    RUN(test_version_text);
    RUN(test_measures);
    RUN(test_flags);
    RUN(test_sealed_at_rest);
    RUN(test_migrations);
    RUN(test_unwritable);
    RUN(test_two_handles);
    RUN(test_kill9_loses_nothing_acknowledged);
    RUN(test_full_disk);
    RUN(test_full_tiny_filesystem);
    return test_main();
}
