/* The kiosk's uploader (protocol wijkpeil-sync/1, see tools/collector/PROTOCOL.md): a thread with
 * its own store handle that sends pending responses in batches to the collector over libcurl and
 * marks them delivered only on the collector's JSON acknowledgement. It sleeps on a condition
 * variable until woken (a stored response, "sync now", the timer, the end of a backoff), so the
 * UI thread never waits on the network and an idle kiosk uses no CPU. */
#ifndef WP_SYNC_H
#define WP_SYNC_H

#include "config.h"
#include "synclink.h" /* sync_state, SYNC_TEXT_LEN */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_PROTOCOL       "wijkpeil-sync/1"
#define SYNC_BATCH_MAX      500             /* responses per request */
#define SYNC_BATCH_BYTES    (1024u * 1024u) /* request body cap */
#define SYNC_BACKOFF_MIN_MS 5000            /* first wait after a failure */
#define SYNC_BACKOFF_MAX_MS (15 * 60 * 1000)

typedef struct sync_ctx sync_ctx;

/* Result of one foreground run (wijkpeil sync). */
typedef struct {
    int64_t sent;     /* acknowledged as new or already held */
    int64_t conflict; /* refused by the collector as conflicting (kept, shown to staff) */
    int64_t pending;  /* still waiting afterwards */
    int64_t batches;  /* requests made */
    bool token_refused;
    int http_status;             /* of the last request, 0 when none was answered */
    char summary[SYNC_TEXT_LEN]; /* one line a person understands */
} sync_report;

/* Timing knobs; tests shrink them. Zero fields take the defaults shown. */
typedef struct {
    int connect_timeout_ms; /* 10000 */
    int low_speed_time_s;   /* 20: abort when under 64 bytes/s for this long */
    int backoff_min_ms;     /* SYNC_BACKOFF_MIN_MS */
    int backoff_max_ms;     /* SYNC_BACKOFF_MAX_MS */
    int request_timeout_ms; /* 0 = none besides the low-speed limit */
    int batch_max;          /* SYNC_BATCH_MAX */
} sync_tuning;

/* Checks that endpoint is https://, or http:// on a loopback host (127.0.0.0/8, ::1,
 * localhost). Returns 0, or -1 with a message saying why not. */
int sync_check_endpoint(const char *endpoint, char *err, size_t errlen);

/* What the collector's acknowledgement says about one response of a batch. */
typedef enum {
    SYNC_ACK_NONE = 0, /* not named (or only after it was named once): sent again later */
    SYNC_ACK_SENT,     /* "stored" or "duplicate": the collector holds it */
    SYNC_ACK_REFUSED   /* "conflict" or "invalid": kept here and shown to staff */
} sync_ack;

/* Reads the JSON answer to POST /v1/responses (PROTOCOL.md) about the n UUIDs that were sent,
 * in the order sent: verdict[k] says what became of ids[k]. Results naming no sent UUID, or one
 * already named, and unknown statuses are ignored. Returns 0, or -1 when the body is not a
 * wijkpeil-sync/1 acknowledgement (then every verdict is SYNC_ACK_NONE). */
int sync_parse_ack(const char *body, size_t len, const char (*ids)[37], int n, sync_ack *verdict);

/* Starts the uploader thread on db_path with a copy of cfg. Returns 0 and *out = NULL when no
 * endpoint is configured (sync off); 0 and a running uploader; or -1 with a message (a refused
 * endpoint, no token, curl failed). tuning may be NULL. */
int sync_start(const config *cfg, const char *db_path, sync_ctx **out, char *err, size_t errlen);
int sync_start_tuned(const config *cfg, const char *db_path, const sync_tuning *tuning,
                     sync_ctx **out, char *err, size_t errlen);
/* Called on the uploader thread, without any lock held, with a copy of the state whenever it
 * changes (an attempt begins, a batch is acknowledged, an attempt ends). */
typedef void (*sync_observer)(void *ctx, const sync_state *st);
int sync_start_observed(const config *cfg, const char *db_path, const sync_tuning *tuning,
                        sync_observer observer, void *observer_ctx, sync_ctx **out, char *err,
                        size_t errlen);

/* A response was stored: upload soon (after any running backoff). Never blocks. NULL no-op. */
void sync_wake(sync_ctx *s);
/* Staff pressed "sync now": try at once, ignoring backoff and a refused token. Never blocks. */
void sync_now(sync_ctx *s);
/* The question set now active, for the heartbeat. Never blocks on the network. */
void sync_set_active(sync_ctx *s, const char *qset_id, int version);
/* Copies the current state (see sync_state). NULL s gives a zeroed, disabled state. */
void sync_get_state(sync_ctx *s, sync_state *out);
/* Stops the thread (aborting a transfer within about a second) and frees everything. NULL no-op. */
void sync_stop(sync_ctx *s);

/* Uploads in the foreground until nothing is pending or an error stops it, then sends a
 * heartbeat (with the active set the screen recorded in the store, as the uploader's) and
 * applies retention. Returns 0 only when every pending response was acknowledged
 * (and none was refused as a conflict); 1 when some were not (out says why); -1 with a message
 * in err when it could not start (no endpoint, refused endpoint, database). */
int sync_run_once(const config *cfg, const char *db_path, sync_report *out, char *err,
                  size_t errlen);
int sync_run_once_tuned(const config *cfg, const char *db_path, const sync_tuning *tuning,
                        sync_report *out, char *err, size_t errlen);

#endif
