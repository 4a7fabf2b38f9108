/* The collector's storage backends: one connection to SQLite or to PostgreSQL behind one table of
 * operations, so coll_db holds every SQL statement once. Statements use ? placeholders (?N for
 * the Nth parameter again); the PostgreSQL backend turns them into $N. Values come back as text
 * (NULL for SQL NULL), as both databases give them. Statements are prepared once per
 * connection and found again by their address: pass string constants, not built strings (a
 * statement with neither parameters nor rows is not kept and may be built). */
#ifndef COLL_STORE_H
#define COLL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct coll_conn coll_conn;

/* What went wrong: an error, the database unreachable for now (connection lost, server
 * restarting, statement timeout, serialisation failure: try again later), or a unique or other
 * constraint refused the change. */
typedef enum {
    COLL_SQL_OK = 0,
    COLL_SQL_ERROR = -1,
    COLL_SQL_UNAVAILABLE = -2,
    COLL_SQL_CONSTRAINT = -3
} coll_sql_rc;

/* One parameter: text (NULL: SQL NULL) or an integer. */
typedef struct {
    const char *text;
    int64_t num;
    bool is_num;
} coll_param;
#define COLL_TEXT(s) ((coll_param){.text = (s)})
#define COLL_NUM(n)  ((coll_param){.num = (n), .is_num = true})

/* Called once per result row with its ncol values; non-zero stops the rows. */
typedef int (*coll_row_fn)(void *ctx, int ncol, const char *const *vals);

typedef struct {
    const char *name;      /* "SQLite" or "PostgreSQL" */
    const char *begin_sql; /* starts a write transaction */
    int pool_size;         /* connections one coll_db keeps */
    bool is_pg;            /* takes the PostgreSQL form of a statement where one differs */
    /* Opens a connection to target (a file path, or a postgresql:// URI). */
    int (*open)(const char *target, coll_conn **out, char *err, size_t errlen);
    void (*close)(coll_conn *c); /* NULL is a no-op */
    /* Runs one statement with np parameters; each result row goes to row (may be NULL);
     * *changes gets the rows inserted/updated/deleted (changes may be NULL). Without
     * parameters and rows, sql may hold several statements. Returns a coll_sql_rc. */
    int (*query)(coll_conn *c, const char *sql, const coll_param *p, int np, coll_row_fn row,
                 void *ctx, int64_t *changes, char *err, size_t errlen);
    /* Makes sure the connection works, reconnecting when it was lost: COLL_SQL_OK or
     * COLL_SQL_UNAVAILABLE. */
    int (*ready)(coll_conn *c, char *err, size_t errlen);
    /* The schema version the database is at (0 when new), and setting it (inside the
     * migration's transaction). lock (in that transaction, before reading the version) keeps
     * two processes from migrating at once. */
    int (*lock)(coll_conn *c, char *err, size_t errlen);
    int (*version)(coll_conn *c, int64_t *v, char *err, size_t errlen);
    int (*set_version)(coll_conn *c, int64_t v, char *err, size_t errlen);
} coll_store_ops;

extern const coll_store_ops coll_store_sqlite;
extern const coll_store_ops coll_store_pg;

/* The backend for --db: postgresql:// and postgres:// URIs go to PostgreSQL, anything else is
 * an SQLite file. */
const coll_store_ops *coll_store_for(const char *target);
bool coll_store_is_pg(const char *target);

/* The first value of a row as a number (0 for NULL): a coll_row_fn for "SELECT COUNT(*)". */
int coll_store_int_row(void *ctx, int ncol, const char *const *vals);
int64_t coll_store_num(const char *v); /* a value as a number, 0 for NULL */

#endif
