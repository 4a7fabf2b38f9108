/* The central team's web dashboard, served by the collector beside the kiosk API (every path
 * outside /v1/): sign-in with sessions, the kiosks page and the results page. Server-rendered
 * HTML without scripts, Dutch first (English with ?lang=en or Accept-Language). Over plain HTTP
 * it answers only on loopback unless the collector is told it runs behind a TLS proxy. Password
 * hashing runs on a thread of its own while the connection is suspended, so the event loop goes
 * on serving others. */
#ifndef COLL_DASH_H
#define COLL_DASH_H

#include "coll_db.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#define COLL_DASH_K_DEFAULT  10  /* counts below this are never shown ... */
#define COLL_DASH_K_MIN      5   /* ... and it cannot be set lower than this */
#define COLL_DASH_IDLE_MIN   30  /* minutes a session may stay unused */
#define COLL_DASH_SILENT_MIN 120 /* minutes without contact before a kiosk is flagged */

typedef struct {
    const char *const *qsets; /* question-set files for the results' labels */
    int nqsets;
    int k;
    int64_t idle_ms, silent_ms;
    bool behind_tls_proxy;
    const char *signin_hold;     /* test hook: a FIFO each sign-in's hashing opens first, or NULL */
    bool results_from_responses; /* test hook: results counted from every response (slow) */
} coll_dash_opts;

typedef struct coll_dash coll_dash;

int coll_dash_new(coll_db *db, const coll_dash_opts *o, bool tls, coll_dash **out, char *err,
                  size_t errlen);
/* Waits for sign-ins still being hashed and starts no more: call it before the daemon stops
 * (libmicrohttpd cannot stop with connections suspended). Then coll_dash_free after it stopped.
 * NULL is a no-op for both. */
void coll_dash_drain(coll_dash *d);
void coll_dash_free(coll_dash *d);

/* The part of libmicrohttpd's access handler for dashboard paths; *state is the request's own
 * (NULL at first), freed by coll_dash_completed. The daemon must allow suspend/resume. */
enum MHD_Result coll_dash_handle(coll_dash *d, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *upload, size_t *upload_size,
                                 void **state);
void coll_dash_completed(void *state);

#endif
