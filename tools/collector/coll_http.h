/* The collector's HTTP(S) endpoint (libmicrohttpd): POST /v1/responses and POST /v1/status of
 * wijkpeil-sync/1 (see PROTOCOL.md), one thread per connection, bodies capped. */
#ifndef COLL_HTTP_H
#define COLL_HTTP_H

#include "coll_db.h"

#include <stddef.h>

#define COLL_HTTP_MAX_BODY (2u * 1024u * 1024u) /* larger bodies get 413 */

typedef struct coll_http coll_http;

typedef struct {
    const char *listen;   /* "ADDR:PORT" or "[V6]:PORT"; port 0 picks a free one */
    const char *tls_cert; /* PEM files, both or neither */
    const char *tls_key;
    int delay_ms; /* test hook: wait this long before storing each batch */
} coll_http_opts;

/* Starts serving db (which must outlive the server). Returns 0 and fills *out, or -1. */
int coll_http_start(coll_db *db, const coll_http_opts *o, coll_http **out, char *err,
                    size_t errlen);
/* The port actually listened on. */
int coll_http_port(const coll_http *s);
/* Stops serving; waits for the connection threads. NULL is a no-op. */
void coll_http_stop(coll_http *s);

#endif
