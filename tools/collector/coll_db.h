/* The collector's database: devices (token hashes), responses (idempotent by UUID, with the
 * collector's own receive time), conflicts and the last heartbeat per device. One handle may be
 * shared by several threads: every function takes the handle's lock. */
#ifndef COLL_DB_H
#define COLL_DB_H

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

typedef struct coll_db coll_db;

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
} coll_item;

typedef enum { COLL_STORED = 0, COLL_DUPLICATE = 1, COLL_CONFLICT = 2 } coll_put_result;

/* Opens (creating the schema as needed) in WAL mode with synchronous=FULL. */
int coll_db_open(const char *path, coll_db **out, char *err, size_t errlen);
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
/* Prints one line per device: name, location, created, revoked. */
int coll_db_device_list(coll_db *db, FILE *out, char *err, size_t errlen);
/* 1 when name is an active device, 2 when it is revoked, 0 when unknown, -1 on error. */
int coll_db_device_active(coll_db *db, const char *name, char *err, size_t errlen);

/* Looks a bearer token up: 0 and the device name (and location) when valid, 1 when unknown
 * or revoked, -1 on error. */
int coll_db_auth(coll_db *db, const char *token, char *name, size_t namelen, char *location,
                 size_t loclen, char *err, size_t errlen);

/* Batch transactions: lock + BEGIN IMMEDIATE, then COMMIT (or ROLLBACK) + unlock. Between them
 * only coll_db_put and coll_db_touch may be called, from the same thread. */
int coll_db_begin(coll_db *db, char *err, size_t errlen);
int coll_db_commit(coll_db *db, char *err, size_t errlen);
void coll_db_rollback(coll_db *db);

/* Stores one response for device (inside a batch transaction); -1 on a database error.
 * source is "upload" or "import". A conflict is logged in the conflicts table (at most
 * COLL_CONFLICTS_MAX per device; answers over COLL_CONFLICT_ANSWERS_MAX bytes logged as ""). */
int coll_db_put(coll_db *db, const char *device, const coll_item *it, int64_t now_ms,
                const char *source, char *err, size_t errlen);
/* Records that device was seen now (inside a batch transaction). */
int coll_db_touch(coll_db *db, const char *device, int64_t now_ms, char *err, size_t errlen);

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
} coll_row;
typedef int (*coll_row_cb)(void *ctx, const coll_row *r);
int coll_db_foreach(coll_db *db, const char *questionset, coll_row_cb cb, void *ctx, char *err,
                    size_t errlen);

#endif
