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
} coll_counts;

/* Parses an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS[.fff]Z" into epoch ms. */
bool coll_parse_iso(const char *s, int64_t *out_ms);

/* Stores every item of array for device in one transaction. Appends one result object per
 * item to results ({"id", "status", "code"[, "error"]}) and adds to counts. Returns 0, or -1
 * when the database failed (then nothing of the batch is stored and results must be ignored). */
int coll_ingest_batch(coll_db *db, const char *device, json_t *array, int64_t now_ms,
                      const char *source, json_t *results, coll_counts *counts, char *err,
                      size_t errlen);

#endif
