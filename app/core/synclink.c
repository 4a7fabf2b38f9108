/* The kiosk <-> uploader link: datagrams one way, the database's meta table the other. */
#include "synclink.h"

#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct synclink {
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char db_path[1024];
    int fd; /* unbound datagram socket, -1 until first used */
    store *st;
    bool down; /* the last request found no uploader */
};

struct synclink_server {
    int fd;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

const char *synclink_socket_path(void)
{
    const char *p = getenv(SYNCLINK_ENV_SOCKET);
    return p && *p ? p : SYNCLINK_DEFAULT_SOCKET;
}

static int addr_of(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa->sun_path)
        return -1;
    wp_strlcpy(sa->sun_path, path, sizeof sa->sun_path);
    return 0;
}

/* ---- kiosk side ---- */

synclink *synclink_open(const char *socket_path, const char *db_path)
{
    synclink *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    wp_strlcpy(l->path, socket_path, sizeof l->path);
    wp_strlcpy(l->db_path, db_path, sizeof l->db_path);
    l->fd = -1;
    return l;
}

void synclink_close(synclink *l)
{
    if (!l)
        return;
    if (l->fd >= 0)
        close(l->fd);
    store_close(l->st);
    free(l);
}

static int send_word(synclink *l, const char *word)
{
    if (!l)
        return -1;
    if (l->fd < 0)
        l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un sa;
    if (l->fd < 0 || addr_of(l->path, &sa) != 0) {
        l->down = true;
        return -1;
    }
    ssize_t n = sendto(l->fd, word, strlen(word), MSG_DONTWAIT | MSG_NOSIGNAL,
                       (struct sockaddr *)&sa, sizeof sa);
    /* EAGAIN: the uploader's queue is full of requests it has not read yet; it is running. */
    l->down = n < 0 && errno != EAGAIN;
    return l->down ? -1 : 0;
}

int synclink_wake(synclink *l)
{
    return send_word(l, "wake");
}

int synclink_now(synclink *l)
{
    return send_word(l, "now");
}

static store *link_store(synclink *l)
{
    char err[WP_ERR_LEN];
    if (!l->st && store_open(l->db_path, &l->st, err, sizeof err) != 0)
        l->st = NULL;
    return l->st;
}

void synclink_set_active(synclink *l, const char *qset_id, int version)
{
    if (!l)
        return;
    char v[STORE_META_MAX], err[WP_ERR_LEN];
    snprintf(v, sizeof v, "%d %s", version, qset_id ? qset_id : "");
    store *st = link_store(l);
    if (st)
        store_meta_set(st, SYNCLINK_META_ACTIVE, v, err, sizeof err);
    send_word(l, "active");
}

static int64_t jint(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static void jstr(json_t *o, const char *k, char *buf, size_t len)
{
    const char *s = json_string_value(json_object_get(o, k));
    wp_strlcpy(buf, s ? s : "", len);
}

void synclink_get_state(synclink *l, sync_state *out)
{
    memset(out, 0, sizeof *out);
    if (!l) {
        wp_strlcpy(out->last_result, "sync is off (no endpoint configured)",
                   sizeof out->last_result);
        return;
    }
    out->enabled = true;
    char buf[STORE_META_MAX], err[WP_ERR_LEN];
    store *st = link_store(l);
    json_t *o = NULL;
    if (st && store_meta_get(st, SYNCLINK_META_STATE, buf, sizeof buf, err, sizeof err) == 0)
        o = json_loads(buf, 0, NULL);
    if (json_is_object(o)) {
        out->busy = json_is_true(json_object_get(o, "busy"));
        out->token_refused = json_is_true(json_object_get(o, "token_refused"));
        out->last_attempt_ms = jint(o, "last_attempt_ms");
        out->last_success_ms = jint(o, "last_success_ms");
        out->next_attempt_ms = jint(o, "next_attempt_ms");
        out->sent_total = jint(o, "sent_total");
        jstr(o, "last_result", out->last_result, sizeof out->last_result);
        jstr(o, "last_error", out->last_error, sizeof out->last_error);
    }
    json_decref(o);
    store_counts sc;
    if (st && store_counts_get(st, &sc, err, sizeof err) == 0) {
        out->pending = sc.pending;
        out->conflict = sc.conflict;
    }
    if (l->down) {
        out->busy = false;
        wp_strlcpy(out->last_error,
                   "the uploader (wijkpeil-sync) is not running; responses are kept and sent "
                   "when it runs again",
                   sizeof out->last_error);
        if (!out->last_attempt_ms)
            out->last_attempt_ms = wp_wall_ms();
    }
}

/* ---- uploader side ---- */

int synclink_listen(const char *path, synclink_server **out, char *err, size_t errlen)
{
    *out = NULL;
    struct sockaddr_un sa;
    if (addr_of(path, &sa) != 0) {
        wp_errf(err, errlen, "socket path %s is too long", path);
        return -1;
    }
    synclink_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    wp_strlcpy(srv->path, path, sizeof srv->path);
    srv->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (srv->fd < 0) {
        wp_errf(err, errlen, "socket: %s", strerror(errno));
        free(srv);
        return -1;
    }
    unlink(path); /* left behind by an uploader that was killed */
    mode_t old = umask(0117);
    int rc = bind(srv->fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0) {
        wp_errf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
        close(srv->fd);
        free(srv);
        return -1;
    }
    *out = srv;
    return 0;
}

int synclink_server_fd(const synclink_server *srv)
{
    return srv->fd;
}

static int word_bit(const char *b, ssize_t n)
{
    if (n == 4 && memcmp(b, "wake", 4) == 0)
        return SYNCLINK_WAKE;
    if (n == 3 && memcmp(b, "now", 3) == 0)
        return SYNCLINK_NOW;
    if (n == 6 && memcmp(b, "active", 6) == 0)
        return SYNCLINK_ACTIVE;
    return 0;
}

int synclink_take(synclink_server *srv)
{
    int bits = 0;
    char b[16];
    ssize_t n;
    while ((n = recv(srv->fd, b, sizeof b, MSG_DONTWAIT)) >= 0)
        bits |= word_bit(b, n);
    return bits;
}

void synclink_server_close(synclink_server *srv)
{
    if (!srv)
        return;
    close(srv->fd);
    unlink(srv->path);
    free(srv);
}

int synclink_publish(store *st, const sync_state *s, char *err, size_t errlen)
{
    json_t *o =
        json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:s, s:s}", "busy", s->busy, "token_refused",
                  s->token_refused, "last_attempt_ms", (json_int_t)s->last_attempt_ms,
                  "last_success_ms", (json_int_t)s->last_success_ms, "next_attempt_ms",
                  (json_int_t)s->next_attempt_ms, "sent_total", (json_int_t)s->sent_total,
                  "last_result", s->last_result, "last_error", s->last_error);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    int rc = store_meta_set(st, SYNCLINK_META_STATE, text, err, errlen);
    free(text);
    return rc;
}

void synclink_read_active(store *st, char *qset_id, size_t len, int *version)
{
    char v[STORE_META_MAX], err[WP_ERR_LEN];
    qset_id[0] = '\0';
    *version = 0;
    if (store_meta_get(st, SYNCLINK_META_ACTIVE, v, sizeof v, err, sizeof err) != 0)
        return;
    char *sp = strchr(v, ' ');
    long n;
    if (!sp)
        return;
    *sp = '\0';
    if (wp_parse_int(v, 0, 1000000000, &n)) {
        *version = (int)n;
        wp_strlcpy(qset_id, sp + 1, len);
    }
}
