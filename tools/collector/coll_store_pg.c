/* The PostgreSQL backend of coll_store, on libpq. The URI is passed to libpq as given (sslmode,
 * sslrootcert, options, ... work as documented there); a connect timeout of 5 s and a statement
 * timeout of 10 s apply unless the URI sets its own. A lost connection is reset by ready().
 * Statements are prepared once per connection; rows are read one at a time (single-row mode),
 * so an export of a million responses does not sit in memory. */
#include "coll_store.h"

#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_CACHE   32
#define PG_MAXPARM 24
#define PG_INT8OID 20
#define PG_TEXTOID 25
#define PG_LOCK_ID 72630013 /* the advisory lock migrations take */

struct coll_conn {
    PGconn *h;
    const char *cache[PG_CACHE]; /* SQL prepared as "w<index>" on this connection */
    int ncache;
};

static bool retryable(const char *state)
{
    if (!state)
        return true;                        /* no SQLSTATE: the connection failed */
    return strncmp(state, "08", 2) == 0 ||  /* connection exception */
           strncmp(state, "57P", 3) == 0 || /* shutdown, cannot connect now */
           strncmp(state, "53", 2) == 0 ||  /* insufficient resources */
           strcmp(state, "57014") == 0 ||   /* statement timeout */
           strcmp(state, "40001") == 0 ||   /* serialisation failure */
           strcmp(state, "40P01") == 0 ||   /* deadlock detected */
           strcmp(state, "25006") == 0;     /* read-only transaction (a replica promoted?) */
}

static int fail(coll_conn *c, PGresult *res, char *err, size_t errlen, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg || !*msg)
        msg = PQerrorMessage(c->h);
    char m[512];
    wp_strlcpy(m, msg ? msg : "", sizeof m);
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        m[--n] = '\0';
    wp_errf(err, errlen, "collector database: %s: %s", what, m);
    if (PQstatus(c->h) == CONNECTION_BAD || (state && retryable(state)) || (!res && !state))
        return COLL_SQL_UNAVAILABLE;
    if (state && strncmp(state, "23", 2) == 0)
        return COLL_SQL_CONSTRAINT;
    return COLL_SQL_ERROR;
}

/* Session settings after each (re)connection. */
static int setup(coll_conn *c, char *err, size_t errlen)
{
    c->ncache = 0;
    PGresult *r = PQexec(c->h, "SELECT set_config('statement_timeout', '10s', false)"
                               " WHERE current_setting('statement_timeout') = '0';"
                               "SET client_min_messages = warning");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
                 ? COLL_SQL_OK
                 : fail(c, r, err, errlen, "session setup");
    PQclear(r);
    return rc;
}

static void pg_close(coll_conn *c)
{
    if (!c)
        return;
    PQfinish(c->h);
    free(c);
}

static int pg_open(const char *uri, coll_conn **out, char *err, size_t errlen)
{
    *out = NULL;
    coll_conn *c = calloc(1, sizeof *c);
    if (!c) {
        wp_errf(err, errlen, "out of memory");
        return COLL_SQL_ERROR;
    }
    /* Defaults first: the URI (expanded in place of dbname) overrides them. */
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *const vals[] = {"5", "wijkpeil-collector", uri, NULL};
    c->h = PQconnectdbParams(keys, vals, 1);
    if (!c->h || PQstatus(c->h) != CONNECTION_OK) {
        char m[512];
        wp_strlcpy(m, c->h ? PQerrorMessage(c->h) : "out of memory", sizeof m);
        size_t n = strlen(m);
        while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
            m[--n] = '\0';
        wp_errf(err, errlen, "cannot connect to PostgreSQL: %s", m);
        pg_close(c);
        return COLL_SQL_UNAVAILABLE;
    }
    int rc = setup(c, err, errlen);
    if (rc != COLL_SQL_OK) {
        pg_close(c);
        return rc;
    }
    *out = c;
    return COLL_SQL_OK;
}

static int pg_ready(coll_conn *c, char *err, size_t errlen)
{
    if (PQstatus(c->h) == CONNECTION_OK) {
        PGTransactionStatusType t = PQtransactionStatus(c->h);
        if (t == PQTRANS_IDLE)
            return COLL_SQL_OK;
        if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR) {
            PQclear(PQexec(c->h, "ROLLBACK"));
            if (PQtransactionStatus(c->h) == PQTRANS_IDLE)
                return COLL_SQL_OK;
        }
    }
    PQreset(c->h);
    if (PQstatus(c->h) != CONNECTION_OK) {
        fail(c, NULL, err, errlen, "reconnect");
        return COLL_SQL_UNAVAILABLE;
    }
    return setup(c, err, errlen);
}

/* sql with ? and ?N turned into $N (text in single quotes left alone). malloc'd. */
static char *translate(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n * 4 + 1), *o = out;
    if (!out)
        return NULL;
    int next = 1;
    bool quoted = false;
    for (const char *s = sql; *s; s++) {
        if (*s == '\'')
            quoted = !quoted;
        if (*s != '?' || quoted) {
            *o++ = *s;
            continue;
        }
        int k;
        if (s[1] >= '1' && s[1] <= '9') {
            k = 0;
            while (s[1] >= '0' && s[1] <= '9')
                k = k * 10 + (*++s - '0');
        } else {
            k = next;
        }
        next = k + 1;
        o += snprintf(o, 8, "$%d", k);
    }
    *o = '\0';
    return out;
}

static int pg_query(coll_conn *c, const char *sql, const coll_param *p, int np, coll_row_fn row,
                    void *ctx, int64_t *changes, char *err, size_t errlen)
{
    if (np == 0 && !row) {
        PGresult *r = PQexec(c->h, sql);
        ExecStatusType s = PQresultStatus(r);
        int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? COLL_SQL_OK
                                                               : fail(c, r, err, errlen, sql);
        if (rc == COLL_SQL_OK && changes)
            *changes = strtoll(PQcmdTuples(r), NULL, 10);
        PQclear(r);
        return rc;
    }
    if (np > PG_MAXPARM) {
        wp_errf(err, errlen, "collector database: too many parameters");
        return COLL_SQL_ERROR;
    }
    const char *vals[PG_MAXPARM];
    char nums[PG_MAXPARM][24];
    unsigned types[PG_MAXPARM];
    for (int i = 0; i < np; i++) {
        if (p[i].is_num) {
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)p[i].num);
            vals[i] = nums[i];
            types[i] = PG_INT8OID;
        } else {
            vals[i] = p[i].text;
            types[i] = PG_TEXTOID;
        }
    }
    int slot = -1;
    for (int i = 0; i < c->ncache; i++)
        if (c->cache[i] == sql)
            slot = i;
    char name[16];
    char *tsql = NULL;
    if (slot < 0) {
        tsql = translate(sql);
        if (!tsql) {
            wp_errf(err, errlen, "out of memory");
            return COLL_SQL_ERROR;
        }
        /* An aggregation is planned with its values each time (unprepared): after five runs
         * of a prepared one PostgreSQL may keep a generic plan, which cannot tell which of the
         * dashboard's filters ("?2 = '' OR location = ?2") are empty; for the results with
         * weekday and hour filters it took one row and sorted 150,000 on disk (456 ms instead
         * of 127). */
        if (c->ncache < PG_CACHE && !strstr(sql, "GROUP BY")) {
            snprintf(name, sizeof name, "w%d", c->ncache);
            PGresult *r = PQprepare(c->h, name, tsql, np, types);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                int rc = fail(c, r, err, errlen, "prepare");
                PQclear(r);
                free(tsql);
                return rc;
            }
            PQclear(r);
            slot = c->ncache;
            c->cache[c->ncache++] = sql;
        }
    }
    int sent;
    if (slot >= 0) {
        snprintf(name, sizeof name, "w%d", slot);
        sent = PQsendQueryPrepared(c->h, name, np, vals, NULL, NULL, 0);
    } else {
        sent = PQsendQueryParams(c->h, tsql, np, types, vals, NULL, NULL, 0);
    }
    free(tsql);
    if (!sent)
        return fail(c, NULL, err, errlen, "send");
    if (row)
        PQsetSingleRowMode(c->h);
    int rc = COLL_SQL_OK;
    bool stop = false;
    PGresult *r;
    while ((r = PQgetResult(c->h)) != NULL) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE || (s == PGRES_TUPLES_OK && PQntuples(r) > 0)) {
            int ncol = PQnfields(r);
            const char *v[32];
            if (ncol > 32)
                ncol = 32;
            for (int t = 0; t < PQntuples(r) && !stop && row; t++) {
                for (int i = 0; i < ncol; i++)
                    v[i] = PQgetisnull(r, t, i) ? NULL : PQgetvalue(r, t, i);
                stop = row(ctx, ncol, v) != 0;
            }
        } else if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
            if (changes)
                *changes = strtoll(PQcmdTuples(r), NULL, 10);
        } else if (rc == COLL_SQL_OK) {
            rc = fail(c, r, err, errlen, "query");
        }
        PQclear(r);
    }
    if (rc == COLL_SQL_OK && PQstatus(c->h) == CONNECTION_BAD)
        rc = fail(c, NULL, err, errlen, "query");
    return rc;
}

static int pg_lock(coll_conn *c, char *err, size_t errlen)
{
    coll_param id = COLL_NUM(PG_LOCK_ID);
    return pg_query(c, "SELECT pg_advisory_xact_lock(?)", &id, 1, coll_store_int_row, &(int64_t){0},
                    NULL, err, errlen);
}

static int pg_version(coll_conn *c, int64_t *v, char *err, size_t errlen)
{
    *v = 0;
    int rc = pg_query(c, "CREATE TABLE IF NOT EXISTS wijkpeil_schema(version BIGINT NOT NULL)",
                      NULL, 0, NULL, NULL, NULL, err, errlen);
    if (rc != COLL_SQL_OK)
        return rc;
    return pg_query(c, "SELECT COALESCE(MAX(version), 0) FROM wijkpeil_schema", NULL, 0,
                    coll_store_int_row, v, NULL, err, errlen);
}

static int pg_set_version(coll_conn *c, int64_t v, char *err, size_t errlen)
{
    coll_param p = COLL_NUM(v);
    int rc = pg_query(c, "DELETE FROM wijkpeil_schema", NULL, 0, NULL, NULL, NULL, err, errlen);
    return rc != COLL_SQL_OK ? rc
                             : pg_query(c, "INSERT INTO wijkpeil_schema(version) VALUES(?)", &p, 1,
                                        NULL, NULL, NULL, err, errlen);
}

const coll_store_ops coll_store_pg = {
    .name = "PostgreSQL",
    .begin_sql = "BEGIN",
    .is_pg = true,
    .pool_size = 4, /* the HTTP thread pool's size: a request never waits for a connection */
    .open = pg_open,
    .close = pg_close,
    .query = pg_query,
    .ready = pg_ready,
    .lock = pg_lock,
    .version = pg_version,
    .set_version = pg_set_version,
};
