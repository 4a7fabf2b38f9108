/* A deadline for request headers: libmicrohttpd's timeout only closes connections that stay
 * silent, so a client sending a byte every few seconds could hold one forever. Each watched
 * connection is shut down once it has waited longer than the deadline for a complete set of
 * headers (since it opened, or since its previous answer). One watcher thread for all. */
#ifndef COLL_DEADLINE_H
#define COLL_DEADLINE_H

#include <stddef.h>

typedef struct coll_deadline coll_deadline;
typedef struct coll_deadline_conn coll_deadline_conn;

/* Starts the watcher: connections waiting more than seconds for their headers are shut down. */
int coll_deadline_start(int seconds, coll_deadline **out, char *err, size_t errlen);
/* Stops the watcher and frees it (connections still watched are forgotten). NULL is a no-op. */
void coll_deadline_stop(coll_deadline *d);

/* A new connection on socket fd, waiting for headers from now. NULL when memory ran out. */
coll_deadline_conn *coll_deadline_watch(coll_deadline *d, int fd);
/* Its headers are in: no deadline while the request is handled. */
void coll_deadline_headers_in(coll_deadline *d, coll_deadline_conn *c);
/* It was answered: waiting for the next request's headers from now. */
void coll_deadline_answered(coll_deadline *d, coll_deadline_conn *c);
/* It is about to be closed: forget it (before its socket is closed). */
void coll_deadline_forget(coll_deadline *d, coll_deadline_conn *c);

#endif
