/* The link between the screen process (wijkpeil) and the uploader (wijkpeil-sync), which run as
 * two programs so the screen process never links libcurl nor opens a network socket.
 *
 * Requests go from the kiosk to the uploader as one-word datagrams on an AF_UNIX socket the
 * uploader binds ("wake": a response was stored; "now": staff pressed "sync now"; "active": the
 * active question set changed). Sending never blocks; a missing uploader is remembered and shown.
 * The uploader's state goes back through the shared SQLite database (WAL): it writes it to the
 * store's meta table after every change, and the kiosk reads it there. The active question set
 * travels the same way, so an uploader that restarts still knows it. No libcurl here. */
#ifndef WP_SYNCLINK_H
#define WP_SYNCLINK_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_TEXT_LEN 256
/* Where the uploader listens unless WIJKPEIL_SYNC_SOCKET (or wijkpeil-sync --socket) says. */
#define SYNCLINK_DEFAULT_SOCKET "/run/wijkpeil-sync/sync.sock"
#define SYNCLINK_ENV_SOCKET     "WIJKPEIL_SYNC_SOCKET"
#define SYNCLINK_META_STATE     "sync_state"  /* store meta: the uploader's last state (JSON) */
#define SYNCLINK_META_ACTIVE    "sync_active" /* store meta: "VERSION ID" of the active set */

/* What staff see (the uploader's state; never blocks on the network). */
typedef struct {
    bool enabled;            /* an endpoint is configured */
    bool busy;               /* an upload is in progress */
    bool token_refused;      /* the collector answered 401: the token is wrong or revoked */
    int64_t last_attempt_ms; /* wall clock, 0 = never */
    int64_t last_success_ms; /* last attempt that left nothing pending, 0 = never */
    int64_t next_attempt_ms; /* wall clock of the next planned try (backoff/timer), 0 = none */
    int64_t pending;         /* responses waiting for delivery (after the last attempt) */
    int64_t conflict;        /* responses the collector refused as conflicting */
    int64_t sent_total;      /* delivered since the uploader started */
    char last_result[SYNC_TEXT_LEN]; /* in words, e.g. "sent 12 responses, nothing waiting" */
    char last_error[SYNC_TEXT_LEN];  /* empty when the last attempt succeeded */
} sync_state;

/* The socket path: WIJKPEIL_SYNC_SOCKET when set and not empty, else the default. */
const char *synclink_socket_path(void);

/* ---- kiosk side ---- */
typedef struct synclink synclink;

/* A link to the uploader on socket_path, reading its state from the database at db_path (its own
 * store handle, opened when first needed). Returns NULL only when out of memory. */
synclink *synclink_open(const char *socket_path, const char *db_path);
void synclink_close(synclink *l); /* NULL no-op */
/* A response was stored / staff pressed "sync now". Never block. 0 when the uploader got the
 * request, -1 when it is not running (then the state says so). NULL l: -1. */
int synclink_wake(synclink *l);
int synclink_now(synclink *l);
/* Records the active question set in the database for the heartbeat and tells the uploader. */
void synclink_set_active(synclink *l, const char *qset_id, int version);
/* The uploader's last published state; pending and conflict counted in the database now. NULL l
 * gives a disabled state ("sync is off"). */
void synclink_get_state(synclink *l, sync_state *out);

/* ---- uploader side ---- */
enum { SYNCLINK_WAKE = 1, SYNCLINK_NOW = 2, SYNCLINK_ACTIVE = 4 };
typedef struct synclink_server synclink_server;

/* Binds a datagram socket at path (a stale one from a crash is replaced; mode 0660). */
int synclink_listen(const char *path, synclink_server **out, char *err, size_t errlen);
int synclink_server_fd(const synclink_server *srv);
/* Reads every waiting request without blocking; returns the SYNCLINK_* bits seen (0: none). */
int synclink_take(synclink_server *srv);
void synclink_server_close(synclink_server *srv); /* unlinks the socket; NULL no-op */

/* Writes the state to the meta table / reads the active set ("" and 0 when none). */
int synclink_publish(store *st, const sync_state *s, char *err, size_t errlen);
void synclink_read_active(store *st, char *qset_id, size_t len, int *version);

#endif
