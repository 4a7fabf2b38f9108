/* The save/retry queue: a finished response is stored at once; when that fails (a full or
 * read-only disk, a database that would not open) it is kept in memory, up to a limit, and
 * tried again with the same UUID until it is stored, so a disk that is cleared loses nothing and
 * a save that was durable after all is found instead of stored twice. */
#ifndef WP_SAVEQ_H
#define WP_SAVEQ_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct saveq saveq;

typedef struct {
    /* The store to save into, or NULL with the reason in err (it may be reopened here). */
    store *(*store)(void *ctx, char *err, size_t errlen);
    /* A response is durable now (retried: after an earlier failure). May be NULL. */
    void (*stored)(void *ctx, const store_response *r, bool retried);
    void *ctx;
    int max;          /* responses kept in memory at most; more are lost (and said so) */
    int64_t retry_ms; /* how often failed saves are tried again */
} saveq_options;

/* NULL when out of memory. */
saveq *saveq_new(const saveq_options *o);

/* Stores r, whose answers JSON (malloc'd) the queue takes over in every case. r->id gets a UUID
 * when empty. Returns 0 when stored; -1 with the reason in err otherwise: then r is kept for a
 * retry (a retry is due at once), unless the queue is full (err then says it is lost). */
int saveq_save(saveq *q, store_response *r, char *answers, char *err, size_t errlen);

/* Tries the kept responses when a retry is due at now; keeps those that still fail. Returns
 * true when this emptied the queue (everything is stored now). */
bool saveq_retry(saveq *q, int64_t now);

/* When the next retry is due (INT64_MAX: nothing kept). */
int64_t saveq_deadline(const saveq *q);

/* Responses kept, and the UUID of kept response i (0 <= i < saveq_count). */
int saveq_count(const saveq *q);
const char *saveq_id(const saveq *q, int i);

/* Frees q and what it kept (unsaved responses are lost: log saveq_id first). NULL is a no-op. */
void saveq_free(saveq *q);

#endif
