/* The collector's database: devices (token hashes), responses (idempotent by UUID, with the
 * collector's own receive time), conflicts and the last heartbeat per device. It is an SQLite
 * file or a PostgreSQL database (coll_store.h): the same statements and the same schema
 * migrations serve both. One handle may be shared by several threads: each call takes a
 * connection from the handle's small pool (one for SQLite) and gives it back. Several
 * collector processes may share one PostgreSQL database: a response is stored once whichever
 * of them sees it first (unique id, INSERT ... ON CONFLICT DO NOTHING). */
#ifndef COLL_DB_H
#define COLL_DB_H

#include "coll_store.h"
#include "seal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define COLL_NAME_MAX             64   /* device names and locations */
#define COLL_TOKEN_LEN            65   /* 64 hex characters of a 256-bit random token + NUL */
#define COLL_HASH_HEX             65   /* BLAKE2b-256 in hex + NUL */
#define COLL_CONFLICTS_MAX        1000 /* conflicts logged per device; later ones are only answered */
#define COLL_CONFLICT_ANSWERS_MAX (16 * 1024) /* a logged conflict keeps answers up to this */
#define COLL_LAST_ERROR_MAX       256         /* bytes of a heartbeat's last_error kept, with NUL */
#define COLL_LANGUAGES_MAX        200 /* a response's languages used, ';'-joined, with NUL */
#define COLL_FLAGS_MAX            272 /* a response's quality flags (8 of 1-32 bytes), ';'-joined */

typedef struct coll_db coll_db;
typedef struct coll_tx coll_tx; /* a write transaction on one of the pool's connections */

/* One response as the collector holds it (strings point into the caller's data). */
typedef struct {
    char id[37]; /* UUID in lower case: one response however its case was sent */
    int64_t seq;
    const char *questionset;
    int64_t questionset_version;
    const char *questionset_version_text; /* the version as the spreadsheet wrote it, or NULL */
    const char *language;
    int64_t started_at_ms, finished_at_ms, duration_ms;
    const char *status;       /* "complete" or "abandoned" */
    int clock_synced;         /* 1, 0, or -1 when unknown */
    const char *answers_json; /* compact JSON object; "" while sealed */
    const char *sealed;       /* answers still sealed (no key, or it did not open), or NULL */
    char hash[COLL_HASH_HEX]; /* content hash (see coll_ingest) */
    /* The resident's measures (issue 14; optional): every language used, in order, joined with
     * ';' ("" when not sent), and the active time (-1 when not sent). */
    char languages[COLL_LANGUAGES_MAX];
    int64_t active_ms;
    char flags[COLL_FLAGS_MAX]; /* quality flags (issue 14), ';'-joined; "" for none */
} coll_item;

typedef enum { COLL_STORED = 0, COLL_DUPLICATE = 1, COLL_CONFLICT = 2 } coll_put_result;

/* Opens target, a file path (SQLite in WAL mode with synchronous=FULL) or a postgresql:// URI,
 * bringing the schema up to date. */
int coll_db_open(const char *target, coll_db **out, char *err, size_t errlen);
/* "SQLite" or "PostgreSQL". */
const char *coll_db_backend(const coll_db *db);
void coll_db_close(coll_db *db); /* NULL is a no-op */

/* The secret key that opens sealed answers (serve/import --seal-secret-key); copied into the
 * handle (wiped by coll_db_close). coll_db_seal_key gives it, or NULL when none was set. */
void coll_db_set_seal_key(coll_db *db, const seal_keypair *kp);
const seal_keypair *coll_db_seal_key(const coll_db *db);

/* Responses held with their answers still sealed; -1 on error. */
int64_t coll_db_sealed_count(coll_db *db, char *err, size_t errlen);

/* Offers every held sealed response to open (one transaction): when open returns 0 with
 * *answers (malloc'd compact JSON), the answers are stored in clear and the sealed text
 * dropped (the content hash stays); otherwise it stays sealed. Counts both. 0 or -1. */
typedef int (*coll_open_fn)(void *ctx, const char *id, const char *sealed, char **answers);
int coll_db_open_held(coll_db *db, coll_open_fn open, void *ctx, int64_t *opened, int64_t *failed,
                      char *err, size_t errlen);

/* Adds a device; writes its new token (hex) into token. Only a hash is stored. */
int coll_db_device_add(coll_db *db, const char *name, const char *location,
                       char token[COLL_TOKEN_LEN], char *err, size_t errlen);
/* Revokes a device's token: its requests get 401 from now on. */
int coll_db_device_revoke(coll_db *db, const char *name, char *err, size_t errlen);
/* Gives an active device a new token (hex, written into token): the old one is refused at
 * once; the device keeps its name, location, responses and heartbeats. */
int coll_db_device_rotate(coll_db *db, const char *name, char token[COLL_TOKEN_LEN], char *err,
                          size_t errlen);
/* Prints one line per device: name, location, created, revoked. */
int coll_db_device_list(coll_db *db, FILE *out, char *err, size_t errlen);
/* 1 when name is an active device, 2 when it is revoked, 0 when unknown, -1 on error. */
int coll_db_device_active(coll_db *db, const char *name, char *err, size_t errlen);

/* The BLAKE2b-256 hash (hex) under which a token (a device's, a dashboard session's) is
 * stored: the database never holds a token itself. */
void coll_db_token_hash(const char *token, char hex[COLL_HASH_HEX]);

/* Looks a bearer token up: 0 and the device name (and location) when valid, 1 when unknown
 * or revoked, -1 on error. */
int coll_db_auth(coll_db *db, const char *token, char *name, size_t namelen, char *location,
                 size_t loclen, char *err, size_t errlen);

/* One statement on a connection of the pool, for the modules that keep their own SQL beside
 * their code (coll_user, coll_dash): sql a string constant (see coll_store.h). Returns
 * COLL_SQL_OK or another coll_sql_rc. */
int coll_db_query(coll_db *db, const char *sql, const coll_param *p, int np, coll_row_fn row,
                  void *ctx, int64_t *changes, char *err, size_t errlen);

/* Batch transactions: a connection from the pool and BEGIN, then COMMIT (or ROLLBACK) and the
 * connection back. Only coll_db_put and coll_db_touch take the transaction. An error (-1)
 * means nothing of the transaction was stored: with the database unreachable (restarting,
 * connection lost) too, so a kiosk is never told a response is held that is not. */
int coll_db_begin(coll_db *db, coll_tx **tx, char *err, size_t errlen);
int coll_db_commit(coll_tx *tx, char *err, size_t errlen);
void coll_db_rollback(coll_tx *tx);

/* One statement inside a transaction of coll_db_begin (the alerts' compare-and-set of their
 * state); like coll_db_query. */
int coll_db_tx_query(coll_tx *tx, const char *sql, const coll_param *p, int np, coll_row_fn row,
                     void *ctx, int64_t *changes, char *err, size_t errlen);

/* Stores one response for device (inside a batch transaction); -1 on a database error.
 * source is "upload" or "import". A conflict is logged in the conflicts table (at most
 * COLL_CONFLICTS_MAX per device; answers over COLL_CONFLICT_ANSWERS_MAX bytes logged as ""). */
int coll_db_put(coll_tx *tx, const char *device, const coll_item *it, int64_t now_ms,
                const char *source, char *err, size_t errlen);
/* Takes device's row for the batch (inside a batch transaction; first, so that batches of one
 * device on several instances take their turns instead of deadlocking) and, when seen (an
 * upload: network contact), records that it was seen now. An import from a stick is no contact:
 * the kiosks page's last contact and the silent alert stay as they were. */
int coll_db_touch(coll_tx *tx, const char *device, int64_t now_ms, bool seen, char *err,
                  size_t errlen);

/* Adds the results counts batches have appended since (agg_delta) into the tables the results
 * page reads, agg_counts and agg_months (coll_agg.h); call it before reading them. 0 or -1. */
int coll_db_agg_settle(coll_db *db, char *err, size_t errlen);

/* Stores a heartbeat (its own transaction). */
int coll_db_heartbeat(coll_db *db, const char *device, const char *json, int64_t now_ms,
                      int clock_synced, const char *last_error, int64_t pending, char *err,
                      size_t errlen);

/* Prints one line per kiosk: last seen, received, pending, gaps, clock state, last error.
 * Text a device sent is printed with control characters replaced by '?'. */
int coll_db_status(coll_db *db, FILE *out, int64_t now_ms, char *err, size_t errlen);

/* Calls cb for each stored response (filtered by questionset when not NULL), ordered by
 * device and seq. Stops when cb returns non-zero. */
typedef struct {
    const char *id, *device, *location, *questionset, *language, *status, *answers_json;
    const char *sealed; /* answers still sealed (then answers_json is ""), or NULL */
    const char *source;
    const char *questionset_version_text; /* "" when the set has none */
    int64_t seq, questionset_version, started_at_ms, finished_at_ms, duration_ms, received_at_ms;
    int clock_synced;
    const char *languages; /* ';'-joined ("nl;ar"), "" when the kiosk did not send them */
    int64_t active_ms;     /* -1 when the kiosk did not send it */
    const char *flags;     /* quality flags, ';'-joined ("rapid_repeat;too_fast"), "" for none */
} coll_row;
typedef int (*coll_row_cb)(void *ctx, const coll_row *r);
int coll_db_foreach(coll_db *db, const char *questionset, coll_row_cb cb, void *ctx, char *err,
                    size_t errlen);
/* Like coll_db_foreach for the responses of questionset started at or after from_ms and before
 * to_ms, in no particular order (an index serves it). */
int coll_db_foreach_started(coll_db *db, const char *questionset, int64_t from_ms, int64_t to_ms,
                            coll_row_cb cb, void *ctx, char *err, size_t errlen);

/* Copies everything from one database into another (migrate --from FILE.db --to URI): devices
 * (with their token hashes and last heartbeat), responses and conflicts, in transactions of at
 * most COLL_COPY_BATCH responses; then users, sharing withdrawals, dashboard settings, alert
 * states and publications (counted in other). Sessions are not copied: users sign in again. What
 * the target holds already is kept, so running it again, or after it was interrupted, completes the
 * copy without duplicates. Counts what was new. */
#define COLL_COPY_BATCH 1000
typedef struct {
    int64_t devices, responses, conflicts, other;
} coll_copy_counts;
int coll_db_copy(coll_db *from, coll_db *to, coll_copy_counts *n, char *err, size_t errlen);

#endif
