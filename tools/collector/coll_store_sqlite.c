/* The SQLite backend of coll_store: one file in WAL mode with synchronous=FULL. Prepared
 * statements are kept per SQL text (the statements are constants of coll_db). */
#include "coll_store.h"

#include "util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLITE_CACHE 32

struct coll_conn {
    sqlite3 *h;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[SQLITE_CACHE];
    int ncache;
};

static int fail(coll_conn *c, char *err, size_t errlen, const char *what)
{
    int code = sqlite3_errcode(c->h);
    wp_errf(err, errlen, "collector database: %s: %s", what, sqlite3_errmsg(c->h));
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        return COLL_SQL_CONSTRAINT;
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return COLL_SQL_UNAVAILABLE;
    return COLL_SQL_ERROR;
}

/* "C" ordering as PostgreSQL's COLLATE "C": bytes compared as unsigned, so both backends sort
 * text alike. */
static int collate_c(void *ctx, int la, const void *a, int lb, const void *b)
{
    (void)ctx;
    int r = memcmp(a, b, (size_t)(la < lb ? la : lb));
    return r ? r : la - lb;
}

static void sq_close(coll_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->ncache; i++)
        sqlite3_finalize(c->cache[i].st);
    sqlite3_close(c->h);
    free(c);
}

static int sq_open(const char *path, coll_conn **out, char *err, size_t errlen)
{
    *out = NULL;
    coll_conn *c = calloc(1, sizeof *c);
    if (!c) {
        wp_errf(err, errlen, "out of memory");
        return COLL_SQL_ERROR;
    }
    if (sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        wp_errf(err, errlen, "%s: cannot open database: %s", path,
                c->h ? sqlite3_errmsg(c->h) : "out of memory");
        sq_close(c);
        return COLL_SQL_ERROR;
    }
    sqlite3_busy_timeout(c->h, 10000);
    if (sqlite3_create_collation(c->h, "C", SQLITE_UTF8, NULL, collate_c) != SQLITE_OK ||
        sqlite3_exec(c->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, NULL) !=
            SQLITE_OK) {
        int rc = fail(c, err, errlen, path);
        sq_close(c);
        return rc;
    }
    *out = c;
    return COLL_SQL_OK;
}

/* The prepared statement for sql: kept when there is room, else *temp is set and the caller
 * finalizes it. */
static sqlite3_stmt *stmt(coll_conn *c, const char *sql, bool *temp)
{
    *temp = false;
    for (int i = 0; i < c->ncache; i++)
        if (c->cache[i].sql == sql) {
            sqlite3_reset(c->cache[i].st);
            sqlite3_clear_bindings(c->cache[i].st);
            return c->cache[i].st;
        }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return NULL;
    if (c->ncache < SQLITE_CACHE) {
        c->cache[c->ncache].sql = sql;
        c->cache[c->ncache++].st = st;
    } else {
        *temp = true;
    }
    return st;
}

static int sq_query(coll_conn *c, const char *sql, const coll_param *p, int np, coll_row_fn row,
                    void *ctx, int64_t *changes, char *err, size_t errlen)
{
    if (np == 0 && !row) {
        if (sqlite3_exec(c->h, sql, NULL, NULL, NULL) != SQLITE_OK)
            return fail(c, err, errlen, sql);
        if (changes)
            *changes = sqlite3_changes(c->h);
        return COLL_SQL_OK;
    }
    bool temp;
    sqlite3_stmt *st = stmt(c, sql, &temp);
    if (!st)
        return fail(c, err, errlen, "prepare");
    for (int i = 0; i < np; i++) {
        if (p[i].is_num)
            sqlite3_bind_int64(st, i + 1, p[i].num);
        else if (p[i].text)
            sqlite3_bind_text(st, i + 1, p[i].text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, i + 1);
    }
    int ncol = sqlite3_column_count(st), s;
    const char *vals[32];
    if (ncol > 32)
        ncol = 32;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncol; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        if (row && row(ctx, ncol, vals) != 0) {
            s = SQLITE_DONE;
            break;
        }
    }
    int rc = COLL_SQL_OK;
    if (s != SQLITE_DONE)
        rc = fail(c, err, errlen, "query");
    else if (changes)
        *changes = sqlite3_changes(c->h);
    if (temp)
        sqlite3_finalize(st);
    else
        sqlite3_reset(st);
    return rc;
}

static int sq_ready(coll_conn *c, char *err, size_t errlen)
{
    (void)c;
    (void)err;
    (void)errlen;
    return COLL_SQL_OK;
}

static int sq_lock(coll_conn *c, char *err, size_t errlen)
{
    (void)c;
    (void)err;
    (void)errlen;
    return COLL_SQL_OK; /* BEGIN IMMEDIATE holds the write lock already */
}

static int sq_version(coll_conn *c, int64_t *v, char *err, size_t errlen)
{
    *v = 0;
    return sq_query(c, "PRAGMA user_version", NULL, 0, coll_store_int_row, v, NULL, err, errlen);
}

static int sq_set_version(coll_conn *c, int64_t v, char *err, size_t errlen)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%lld", (long long)v);
    return sq_query(c, sql, NULL, 0, NULL, NULL, NULL, err, errlen);
}

const coll_store_ops coll_store_sqlite = {
    .name = "SQLite",
    .begin_sql = "BEGIN IMMEDIATE",
    .pool_size = 1, /* one writer at a time anyway; the pool's lock is the old handle lock */
    .open = sq_open,
    .close = sq_close,
    .query = sq_query,
    .ready = sq_ready,
    .lock = sq_lock,
    .version = sq_version,
    .set_version = sq_set_version,
};
