/* Turns submitted response objects (wijkpeil-sync/1, or the JSON lines of `wijkpeil export`)
 * into stored rows: strict per-item validation, a content hash for idempotency, and one
 * database transaction per batch so nothing is half-stored. */
#ifndef COLL_INGEST_H
#define COLL_INGEST_H

#include "coll_db.h"

#include <jansson.h>

#define COLL_PROTOCOL  "wijkpeil-sync/1"
#define COLL_MAX_BATCH 1000 /* items accepted in one request (kiosks send at most 500) */

typedef struct {
    int64_t stored, duplicate, conflict, invalid;
    int64_t sealed;   /* of the new ones: kept sealed, the collector has no secret key */
    int64_t unopened; /* of the new ones: kept sealed, they do not open with its key */
} coll_counts;

#define COLL_SEQ_MAX  2147483647 /* a response a second for 68 years */
#define COLL_YEAR_MIN 2000
#define COLL_YEAR_MAX 2100

/* Parses an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS[.f...]Z" (1 to 9 fraction digits, kept to
 * the millisecond) into epoch ms. Strict: exactly these digits, a real calendar date, seconds
 * 0-59 (no leap second), years COLL_YEAR_MIN to COLL_YEAR_MAX. */
bool coll_parse_iso(const char *s, int64_t *out_ms);

/* Stores every item of array for device in one transaction. Appends one result object per
 * item to results ({"id", "status", "code"[, "error"]}) and adds to counts. Returns 0, or -1
 * when the database failed (then nothing of the batch is stored and results must be ignored). */
int coll_ingest_batch(coll_db *db, const char *device, json_t *array, int64_t now_ms,
                      const char *source, json_t *results, coll_counts *counts, char *err,
                      size_t errlen);

/* Opens the held sealed responses with the database's key (coll_db_set_seal_key), checking
 * the answers as an upload's; those that do not open stay sealed. Returns 0 or -1. */
int coll_ingest_open_held(coll_db *db, int64_t *opened, int64_t *failed, char *err, size_t errlen);

#endif
