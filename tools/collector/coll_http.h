/* The collector's HTTP(S) endpoint (libmicrohttpd): POST /v1/responses and POST /v1/status of
 * wijkpeil-sync/1 (see PROTOCOL.md). Event-driven (a few epoll loops, not a thread per
 * connection): idle or slow clients cost a socket each, are capped per address and dropped after
 * a short inactivity timeout or a header deadline (coll_deadline); the token is checked as soon
 * as the headers are in. Every other path is the web dashboard (coll_dash). */
#ifndef COLL_HTTP_H
#define COLL_HTTP_H

#include "coll_dash.h"
#include "coll_db.h"

#include <stdbool.h>
#include <stddef.h>

#define COLL_HTTP_MAX_BODY   (2u * 1024u * 1024u) /* larger bodies get 413 */
#define COLL_HTTP_MAX_STATUS (16u * 1024u)        /* larger heartbeats get 413 */
#define COLL_HTTP_TIMEOUT_S  10 /* default: a connection silent this long is closed */
#define COLL_HTTP_HEADER_S                                                                         \
    15 /* default: headers must be complete this long after the                                    \
        * connection opened or its previous answer */

typedef struct coll_http coll_http;

typedef struct {
    const char *listen;   /* "ADDR:PORT" or "[V6]:PORT"; port 0 picks a free one */
    const char *tls_cert; /* PEM files, both or neither */
    const char *tls_key;
    int delay_ms;         /* test hook: wait this long before storing each batch */
    int timeout_s;        /* inactivity timeout of a connection; 0 means COLL_HTTP_TIMEOUT_S */
    int header_timeout_s; /* header deadline; 0 means COLL_HTTP_HEADER_S */
    coll_dash_opts dash;  /* the web dashboard on every path outside /v1/ */
    bool no_public;       /* serve --no-public: no /public/LOCATION page */
} coll_http_opts;

/* Starts serving db (which must outlive the server). Returns 0 and fills *out, or -1. */
int coll_http_start(coll_db *db, const coll_http_opts *o, coll_http **out, char *err,
                    size_t errlen);
/* The port actually listened on. */
int coll_http_port(const coll_http *s);
/* Stops serving; closes every connection and waits for the event loops. NULL is a no-op. */
void coll_http_stop(coll_http *s);

#endif
