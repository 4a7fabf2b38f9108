/* Header deadline for the collector's connections: a watcher thread that shuts down sockets
 * waiting too long for request headers. */
#include "coll_deadline.h"

#include "util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct coll_deadline_conn {
    coll_deadline_conn *prev, *next;
    int fd;
    int64_t since_ms; /* waiting for headers since; 0 while a request is handled */
    bool shut;
};

struct coll_deadline {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    coll_deadline_conn *head;
    int64_t limit_ms;
    bool stopping;
};

static void *watch_loop(void *arg)
{
    coll_deadline *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += 1; /* deadlines are kept to about a second */
        pthread_cond_timedwait(&d->cv, &d->mu, &ts);
        int64_t now = wp_mono_ms();
        for (coll_deadline_conn *c = d->head; c; c = c->next) {
            if (!c->shut && c->since_ms > 0 && now - c->since_ms > d->limit_ms) {
                /* The connection's event loop sees the end of the stream and closes it; it
                 * calls coll_deadline_forget (under this lock) before closing the socket. */
                shutdown(c->fd, SHUT_RDWR);
                c->shut = true;
            }
        }
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

int coll_deadline_start(int seconds, coll_deadline **out, char *err, size_t errlen)
{
    *out = NULL;
    coll_deadline *d = calloc(1, sizeof *d);
    if (!d) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    d->limit_ms = (int64_t)seconds * 1000;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, &ca);
    pthread_condattr_destroy(&ca);
    int e = pthread_create(&d->th, NULL, watch_loop, d);
    if (e != 0) {
        wp_errf(err, errlen, "cannot start the header deadline thread: %s", strerror(e));
        pthread_cond_destroy(&d->cv);
        pthread_mutex_destroy(&d->mu);
        free(d);
        return -1;
    }
    *out = d;
    return 0;
}

void coll_deadline_stop(coll_deadline *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stopping = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->th, NULL);
    while (d->head) {
        coll_deadline_conn *c = d->head;
        d->head = c->next;
        free(c);
    }
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

coll_deadline_conn *coll_deadline_watch(coll_deadline *d, int fd)
{
    coll_deadline_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    c->since_ms = wp_mono_ms();
    pthread_mutex_lock(&d->mu);
    c->next = d->head;
    if (d->head)
        d->head->prev = c;
    d->head = c;
    pthread_mutex_unlock(&d->mu);
    return c;
}

static void set_since(coll_deadline *d, coll_deadline_conn *c, int64_t since)
{
    if (!c)
        return;
    pthread_mutex_lock(&d->mu);
    c->since_ms = since;
    pthread_mutex_unlock(&d->mu);
}

void coll_deadline_headers_in(coll_deadline *d, coll_deadline_conn *c)
{
    set_since(d, c, 0);
}

void coll_deadline_answered(coll_deadline *d, coll_deadline_conn *c)
{
    set_since(d, c, wp_mono_ms());
}

void coll_deadline_forget(coll_deadline *d, coll_deadline_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&d->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        d->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&d->mu);
    free(c);
}
