/* Benchmark of the response store: time to store a response (WAL, synchronous=FULL), and
 * counting and fetching pending responses among 1,000,000 stored ones. Prints plain lines. */
#include "export.h"
#include "store.h"
#include "util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_ADDS     2000
#define BENCH_BIG      1000000
#define BENCH_PENDING  1000
#define BENCH_BATCH    500
#define BENCH_REPEATS  50
#define BENCH_BIG_ADDS 2000
#define BENCH_PATH_MAX 512
#define BENCH_ANSWERS                                                                              \
    "{\"woonplezier\":\"4\",\"zorgen\":[\"geld\",\"werk\",\"gezondheid\"],"                        \
    "\"cijfer\":\"7\",\"vertrouwen\":\"prefer_not\",\"eenzaam\":\"no\"}"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v and returns the q-quantile (0..1). */
static double quantile(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void fill(store_response *r, int64_t t)
{
    memset(r, 0, sizeof *r);
    wp_strlcpy(r->questionset, "nazareth-2027-voorjaar", sizeof r->questionset);
    r->questionset_version = 1;
    wp_strlcpy(r->language, "ar", sizeof r->language);
    r->started_at_ms = t - 95000;
    r->finished_at_ms = t;
    r->duration_ms = 95000;
    r->status = STORE_COMPLETE;
    r->clock_synced = true;
    r->answers_json = BENCH_ANSWERS;
}

/* Times n calls of store_add_response; prints p50/p99/max under label. */
static int bench_adds(store *st, size_t n, const char *label)
{
    double *t = calloc(n, sizeof *t);
    char err[WP_ERR_LEN];
    if (!t)
        return -1;
    for (size_t i = 0; i < n; i++) {
        store_response r;
        fill(&r, wp_wall_ms());
        double a = now_ms();
        if (store_add_response(st, &r, err, sizeof err) != 0) {
            fprintf(stderr, "bench_store: %s\n", err);
            free(t);
            return -1;
        }
        t[i] = now_ms() - a;
    }
    double p50 = quantile(t, n, 0.50), p99 = quantile(t, n, 0.99), max = t[n - 1];
    printf("store_add_response %s: n=%zu p50=%.3f ms p99=%.3f ms max=%.3f ms\n", label, n, p50, p99,
           max);
    free(t);
    return 0;
}

/* Builds BENCH_BIG rows in one transaction, all delivered but the last BENCH_PENDING. */
static int build_big(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA cache_size = -262144; BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(
            db,
            "INSERT INTO responses(id, questionset, questionset_version, language, started_at,"
            " finished_at, duration_ms, status, clock_synced, answers, sent, sent_at)"
            " VALUES(?1, 'nazareth-2027-voorjaar', 1, 'nl', ?2 - 95000, ?2, 95000, ?3, 1, ?4,"
            " ?5, ?6)",
            -1, &s, NULL);
    int64_t t0 = wp_wall_ms() - 400LL * 24 * 3600 * 1000;
    for (int i = 0; rc == SQLITE_OK && i < BENCH_BIG; i++) {
        char id[37];
        wp_uuid4(id);
        int64_t t = t0 + (int64_t)i * 30000;
        bool pending = i >= BENCH_BIG - BENCH_PENDING;
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, t);
        sqlite3_bind_text(s, 3, i % 7 ? "complete" : "abandoned", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, BENCH_ANSWERS, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 5, pending ? 0 : 1);
        if (pending)
            sqlite3_bind_null(s, 6);
        else
            sqlite3_bind_int64(s, 6, t + 60000);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "bench_store: building rows: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

static int count_cb(void *ctx, const store_response *r)
{
    (void)r;
    (*(int64_t *)ctx)++;
    return 0;
}

/* Median time of a raw COUNT query (to compare with and without the partial index). */
static double raw_count_ms(const char *path, const char *sql, int64_t *n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    double t[9];
    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    for (int i = 0; i < 9; i++) {
        double a = now_ms();
        if (sqlite3_step(s) == SQLITE_ROW)
            *n = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        t[i] = now_ms() - a;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return quantile(t, 9, 0.5);
}

int main(int argc, char **argv)
{
    char dir[BENCH_PATH_MAX], path[BENCH_PATH_MAX], err[WP_ERR_LEN];
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(dir, sizeof dir, "%s/wijkpeil-bench-store-XXXXXX", argc > 1 ? argv[1] : "/tmp");
    if (!mkdtemp(dir)) {
        perror("bench_store: mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/responses.db", dir);
    int code = 1;
    store *st = NULL;
    printf("bench_store: database %s (WAL, synchronous=FULL)\n", path);
    if (store_open(path, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench_store: %s\n", err);
        goto done;
    }
    if (bench_adds(st, BENCH_ADDS, "empty db") != 0)
        goto done;
    store_close(st);
    st = NULL;

    double a = now_ms();
    if (build_big(path) != 0)
        goto done;
    printf("built %d rows (%d pending) in one transaction: %.0f ms\n", BENCH_BIG, BENCH_PENDING,
           now_ms() - a);
    if (store_open(path, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench_store: %s\n", err);
        goto done;
    }
    double tc[BENCH_REPEATS], tf[BENCH_REPEATS];
    store_counts c;
    int64_t fetched = 0;
    for (int i = 0; i < BENCH_REPEATS; i++) {
        a = now_ms();
        if (store_counts_get(st, &c, err, sizeof err) != 0) {
            fprintf(stderr, "bench_store: %s\n", err);
            goto done;
        }
        tc[i] = now_ms() - a;
        fetched = 0;
        a = now_ms();
        if (store_foreach(st, 0, true, BENCH_BATCH, count_cb, &fetched, err, sizeof err) != 0) {
            fprintf(stderr, "bench_store: %s\n", err);
            goto done;
        }
        tf[i] = now_ms() - a;
    }
    printf("store_counts_get at %lld rows (pending %lld): p50=%.3f ms p99=%.3f ms\n",
           (long long)c.total, (long long)c.pending, quantile(tc, BENCH_REPEATS, 0.5),
           quantile(tc, BENCH_REPEATS, 0.99));
    printf("fetch %lld pending (store_foreach only_pending limit %d) at %lld rows: p50=%.3f ms "
           "p99=%.3f ms\n",
           (long long)fetched, BENCH_BATCH, (long long)c.total, quantile(tf, BENCH_REPEATS, 0.5),
           quantile(tf, BENCH_REPEATS, 0.99));
    if (bench_adds(st, BENCH_BIG_ADDS, "at 1,000,000 rows") != 0)
        goto done;
    store_close(st);
    st = NULL;

    int64_t n1 = 0, n2 = 0;
    double with = raw_count_ms(path, "SELECT COUNT(*) FROM responses WHERE sent = 0", &n1);
    double without =
        raw_count_ms(path, "SELECT COUNT(*) FROM responses NOT INDEXED WHERE sent = 0", &n2);
    printf("count pending (%lld) with the partial index: %.3f ms; without any index: %.3f ms\n",
           (long long)n1, with, without);

    if (store_open_mode(path, STORE_OPEN_READONLY, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench_store: %s\n", err);
        goto done;
    }
    FILE *null = fopen("/dev/null", "w");
    for (int f = 0; null && f < 2; f++) {
        int64_t last = 0;
        a = now_ms();
        if (export_write(st, null, f ? EXPORT_CSV : EXPORT_JSONL, 0, &last, NULL, NULL, err,
                         sizeof err) != 0) {
            fprintf(stderr, "bench_store: %s\n", err);
            fclose(null);
            goto done;
        }
        double ms = now_ms() - a;
        printf("export %s of %lld rows: %.0f ms (%.0f rows/s)\n", f ? "csv" : "jsonl",
               (long long)last, ms, (double)last / (ms / 1000.0));
    }
    if (null)
        fclose(null);
    code = 0;
done:
    store_close(st);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[BENCH_PATH_MAX + 8];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return code;
}
