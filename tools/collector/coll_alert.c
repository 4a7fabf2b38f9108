/* Alerts (coll_alert.h): a pass judges every kiosk, records what changed, then sends what waits. */
#include "coll_alert.h"

#include "coll_health.h"
#include "coll_store.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ALERT_DETAIL_MAX 160
#define ALERT_EVENTS_MAX 100 /* events read per pass; the rest wait for the next one */
#define ALERT_SINK_HOOK  1   /* alert_events.sent: the webhook has it */
#define ALERT_SINK_CMD   2   /* ... the command has it */

extern char **environ;

struct coll_alert {
    coll_db *db;
    char *webhook, *command, *hold;
    int64_t interval_ms, silent_ms;
    bool trace;
    long passes;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stop;
};

/* The next element of a growing array (*v of *n elements, room for *cap), zeroed; NULL with
 * *oom set when out of memory. */
static void *next_slot(void **v, size_t *n, size_t *cap, size_t size, bool *oom)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        void *nv = realloc(*v, c * size);
        if (!nv) {
            *oom = true;
            return NULL;
        }
        *v = nv;
        *cap = c;
    }
    void *x = (char *)*v + (*n)++ * size;
    memset(x, 0, size);
    return x;
}

/* ---- what each kiosk is in now ------------------------------------------------------------ */

typedef struct {
    char device[COLL_NAME_MAX + 1], location[COLL_NAME_MAX + 1];
    unsigned flags;
    char detail[COLL_COND_COUNT][ALERT_DETAIL_MAX];
} kiosk_now;

typedef struct {
    kiosk_now *v;
    size_t n, cap;
    int64_t now, silent_ms;
    bool oom;
} kiosk_list;

static int kiosk_seen(void *ctx, const coll_kiosk *k)
{
    kiosk_list *l = ctx;
    if (k->revoked_ms)
        return 0; /* a revoked kiosk is neither raised nor cleared */
    kiosk_now *x = next_slot((void **)&l->v, &l->n, &l->cap, sizeof *x, &l->oom);
    if (!x)
        return 1;
    wp_strlcpy(x->device, k->device, sizeof x->device);
    wp_strlcpy(x->location, k->location, sizeof x->location);
    x->flags = coll_health_flags(k, l->now, l->silent_ms);
    for (int c = 0; c < COLL_COND_COUNT; c++)
        if (x->flags & (1u << c))
            coll_health_detail(k, (coll_cond)c, l->now, x->detail[c], sizeof x->detail[c]);
    return 0;
}

/* ---- what the database says is raised ----------------------------------------------------- */

typedef struct {
    char device[COLL_NAME_MAX + 1];
    int cond;
    int64_t since_ms;
} raised;

typedef struct {
    raised *v;
    size_t n, cap;
    bool oom;
} raised_list;

static int cond_of(const char *name)
{
    for (int c = 0; c < COLL_COND_COUNT; c++)
        if (name && strcmp(name, coll_health_cond_name((coll_cond)c)) == 0)
            return c;
    return -1;
}

static int raised_row(void *ctx, int ncol, const char *const *v)
{
    raised_list *l = ctx;
    (void)ncol;
    int c = cond_of(v[1]);
    if (c < 0 || !v[0])
        return 0;
    raised *r = next_slot((void **)&l->v, &l->n, &l->cap, sizeof *r, &l->oom);
    if (!r)
        return 1;
    wp_strlcpy(r->device, v[0], sizeof r->device);
    r->cond = c;
    r->since_ms = coll_store_num(v[2]);
    return 0;
}

static const raised *find_raised(const raised_list *l, const char *device, int cond)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].cond == cond && strcmp(l->v[i].device, device) == 0)
            return &l->v[i];
    return NULL;
}

/* Raises (to = 1) or clears (to = 0) one condition of one kiosk: the state row changes only if it
 * still holds the other value, and the event is recorded in the same transaction; of several
 * instances doing this at once, one changes the row and the others find it changed. 1 when this
 * call changed it, 0 when another had, -1 on error. */
static int transition(coll_alert *a, const kiosk_now *k, int cond, int to, int64_t since_ms,
                      int64_t now, char *err, size_t errlen)
{
    const char *cname = coll_health_cond_name((coll_cond)cond);
    coll_tx *t;
    if (coll_db_begin(a->db, &t, err, errlen) != 0)
        return -1;
    coll_param key[] = {COLL_TEXT(k->device), COLL_TEXT(cname)};
    coll_param upd[] = {COLL_NUM(to), COLL_NUM(now), COLL_TEXT(k->device), COLL_TEXT(cname),
                        COLL_NUM(1 - to)};
    int64_t changed = 0;
    if (coll_db_tx_query(t,
                         "INSERT INTO alert_state(device, cond) VALUES(?, ?)"
                         " ON CONFLICT(device, cond) DO NOTHING",
                         key, 2, NULL, NULL, NULL, err, errlen) != COLL_SQL_OK ||
        coll_db_tx_query(t,
                         "UPDATE alert_state SET active = ?, since_ms = ?"
                         " WHERE device = ? AND cond = ? AND active = ?",
                         upd, 5, NULL, NULL, &changed, err, errlen) != COLL_SQL_OK)
        goto fail;
    if (changed == 1) {
        unsigned char rnd[16];
        char id[33];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
        coll_param ev[] = {COLL_TEXT(id),
                           COLL_TEXT(k->device),
                           COLL_TEXT(k->location),
                           COLL_TEXT(cname),
                           COLL_TEXT(to ? "raised" : "cleared"),
                           COLL_TEXT(to ? k->detail[cond] : "no longer the case"),
                           COLL_NUM(to ? now : since_ms),
                           COLL_NUM(now)};
        if (coll_db_tx_query(t,
                             "INSERT INTO alert_events(id, device, location, cond, state, detail,"
                             " since_ms, at_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                             ev, 8, NULL, NULL, NULL, err, errlen) != COLL_SQL_OK)
            goto fail;
    }
    if (coll_db_commit(t, err, errlen) != 0)
        return -1;
    if (changed == 1)
        fprintf(stderr, "wijkpeil-collector: alert %s: %s (%s) %s%s%s\n", to ? "raised" : "cleared",
                k->device, k->location, cname, to ? ": " : "", to ? k->detail[cond] : "");
    return changed == 1;
fail:
    coll_db_rollback(t);
    return -1;
}

/* The test hook: waits until the test writes into the FIFO and closes it, so that two
 * instances change the state from the same reading. */
static void hold(const char *fifo)
{
    fprintf(stderr, "wijkpeil-collector: alerts: holding\n");
    int fd = open(fifo, O_RDONLY | O_CLOEXEC);
    char buf[64];
    ssize_t n;
    while (fd >= 0 && ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))) {
    }
    if (fd >= 0)
        close(fd);
}

/* Compares every kiosk's conditions with the raised ones and changes what differs. */
static int judge(coll_alert *a, int64_t now, char *err, size_t errlen)
{
    kiosk_list kl = {.now = now, .silent_ms = a->silent_ms};
    raised_list rl = {0};
    int rc = -1;
    /* read both first: the pool may have one connection (SQLite), which a reader holds */
    if (coll_health_foreach(a->db, kiosk_seen, &kl, err, errlen) != COLL_SQL_OK ||
        coll_db_query(a->db, "SELECT device, cond, since_ms FROM alert_state WHERE active = 1",
                      NULL, 0, raised_row, &rl, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    if (kl.oom || rl.oom) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    if (a->hold && a->passes == 0)
        hold(a->hold);
    for (size_t i = 0; i < kl.n; i++) {
        for (int c = 0; c < COLL_COND_COUNT; c++) {
            const raised *r = find_raised(&rl, kl.v[i].device, c);
            int want = (kl.v[i].flags & (1u << c)) != 0;
            if (want == (r != NULL))
                continue;
            if (transition(a, &kl.v[i], c, want, r ? r->since_ms : 0, now, err, errlen) < 0)
                goto done;
        }
    }
    rc = 0;
done:
    free(kl.v);
    free(rl.v);
    return rc;
}

/* ---- sending ------------------------------------------------------------------------------ */

typedef struct {
    char id[33], device[COLL_NAME_MAX + 1], location[COLL_NAME_MAX + 1], cond[16], state[8];
    char detail[ALERT_DETAIL_MAX];
    int64_t since_ms, at_ms, due_ms, sent, attempts;
} event;

typedef struct {
    event v[ALERT_EVENTS_MAX];
    size_t n;
} event_list;

static int event_row(void *ctx, int ncol, const char *const *v)
{
    event_list *l = ctx;
    (void)ncol;
    if (l->n == ALERT_EVENTS_MAX)
        return 1;
    event *e = &l->v[l->n++];
    wp_strlcpy(e->id, v[0] ? v[0] : "", sizeof e->id);
    wp_strlcpy(e->device, v[1] ? v[1] : "", sizeof e->device);
    wp_strlcpy(e->location, v[2] ? v[2] : "", sizeof e->location);
    wp_strlcpy(e->cond, v[3] ? v[3] : "", sizeof e->cond);
    wp_strlcpy(e->state, v[4] ? v[4] : "", sizeof e->state);
    wp_strlcpy(e->detail, v[5] ? v[5] : "", sizeof e->detail);
    e->since_ms = coll_store_num(v[6]);
    e->at_ms = coll_store_num(v[7]);
    e->due_ms = coll_store_num(v[8]);
    e->sent = coll_store_num(v[9]);
    e->attempts = coll_store_num(v[10]);
    return 0;
}

/* The alert as sent: compact JSON, malloc'd (NULL when out of memory). */
static char *alert_json(const event *e)
{
    char since[32], at[32], summary[COLL_NAME_MAX * 2 + ALERT_DETAIL_MAX + 64];
    wp_iso8601(e->since_ms, since, sizeof since);
    wp_iso8601(e->at_ms, at, sizeof at);
    snprintf(summary, sizeof summary, "Wijkpeil kiosk %s (%s): %s %s%s%s", e->device, e->location,
             e->cond, e->state, strcmp(e->state, "raised") == 0 ? ": " : "",
             strcmp(e->state, "raised") == 0 ? e->detail : "");
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "protocol",
                          "wijkpeil-alert/1", "id", e->id, "state", e->state, "condition", e->cond,
                          "device", e->device, "location", e->location, "detail", e->detail,
                          "since", since, "at", at, "summary", summary);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

static int post_webhook(const char *url, const char *body, char *err, size_t errlen)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    if (!h || !hd) {
        curl_easy_cleanup(h);
        curl_slist_free_all(hd);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_USERAGENT, "wijkpeil-collector/" WIJKPEIL_VERSION);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)COLL_ALERT_SEND_S);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        wp_errf(err, errlen, "webhook: %s", cerr[0] ? cerr : curl_easy_strerror(rc));
        return -1;
    }
    if (code < 200 || code > 299) {
        wp_errf(err, errlen, "webhook: answered HTTP %ld", code);
        return -1;
    }
    return 0;
}

/* Runs the command with /bin/sh -c, the alert on its standard input; 0 when it exits 0 within
 * COLL_ALERT_SEND_S seconds (it is killed after that). */
static int run_command(const char *cmd, const char *body, char *err, size_t errlen)
{
    int fd[2];
    if (pipe2(fd, O_CLOEXEC) != 0) {
        wp_errf(err, errlen, "alert command: pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[0], 0);
    posix_spawnattr_init(&at);
    /* serve blocks SIGTERM and SIGINT and ignores SIGPIPE: the command gets the defaults */
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGINT);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dflt);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    int src = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(fd[0]);
    if (src != 0) {
        close(fd[1]);
        wp_errf(err, errlen, "alert command: cannot start /bin/sh: %s", strerror(src));
        return -1;
    }
    /* one alert is far below a pipe's buffer: the write never waits for the command */
    size_t len = strlen(body), off = 0;
    while (off < len) {
        ssize_t w = write(fd[1], body + off, len - off);
        if (w <= 0 && errno != EINTR)
            break;
        off += w > 0 ? (size_t)w : 0;
    }
    if (write(fd[1], "\n", 1) < 0) {
        /* the command did not read its input: its exit status says what it did */
    }
    close(fd[1]);
    int pfd = pidfd_open(pid, 0);
    bool timed_out = false;
    if (pfd >= 0) {
        struct pollfd p = {.fd = pfd, .events = POLLIN};
        int n;
        while ((n = poll(&p, 1, COLL_ALERT_SEND_S * 1000)) < 0 && errno == EINTR) {
        }
        if (n == 0) {
            timed_out = true;
            kill(pid, SIGKILL);
        }
        close(pfd);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        wp_errf(err, errlen, "alert command: still running after %d s, killed", COLL_ALERT_SEND_S);
        return -1;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        wp_errf(err, errlen, "alert command: %s %d", WIFEXITED(st) ? "exit status" : "signal",
                WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        return -1;
    }
    return 0;
}

static bool blocked_by(const char (*keys)[COLL_NAME_MAX + 20], size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0)
            return true;
    return false;
}

/* Sends what waits, oldest first; an event whose kiosk and condition has an earlier one still
 * unsent waits too, so a "cleared" never overtakes its "raised". */
static int send_due(coll_alert *a, int64_t now, char *err, size_t errlen)
{
    int64_t need = (a->webhook ? ALERT_SINK_HOOK : 0) | (a->command ? ALERT_SINK_CMD : 0);
    event_list *l = calloc(1, sizeof *l);
    char(*blocked)[COLL_NAME_MAX + 20] = calloc(ALERT_EVENTS_MAX, sizeof *blocked);
    size_t nblocked = 0;
    int rc = -1;
    if (!l || !blocked) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    coll_param lim = COLL_NUM(ALERT_EVENTS_MAX);
    if (coll_db_query(a->db,
                      "SELECT id, device, location, cond, state, detail, since_ms, at_ms, due_ms,"
                      " sent, attempts FROM alert_events WHERE done_ms = 0"
                      " ORDER BY at_ms, id LIMIT ?",
                      &lim, 1, event_row, l, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    for (size_t i = 0; i < l->n; i++) {
        event *e = &l->v[i];
        char key[COLL_NAME_MAX + 20];
        snprintf(key, sizeof key, "%s\n%s", e->device, e->cond);
        if (blocked_by(blocked, nblocked, key))
            continue;
        if (e->at_ms < now - COLL_ALERT_MAX_AGE_MS) {
            coll_param p[] = {COLL_NUM(now), COLL_TEXT(e->id)};
            if (coll_db_query(a->db,
                              "UPDATE alert_events SET done_ms = ?, last_error = 'not sent:"
                              " older than a day' WHERE id = ? AND done_ms = 0",
                              p, 2, NULL, NULL, NULL, err, errlen) != COLL_SQL_OK)
                goto done;
            continue;
        }
        /* claim it: of several instances, the one whose UPDATE changes due_ms sends it */
        int64_t changed = 0;
        coll_param claim[] = {COLL_NUM(now + 3 * COLL_ALERT_SEND_S * 1000LL), COLL_TEXT(e->id),
                              COLL_NUM(e->due_ms), COLL_NUM(now)};
        if (e->due_ms <= now &&
            coll_db_query(a->db,
                          "UPDATE alert_events SET due_ms = ? WHERE id = ? AND done_ms = 0"
                          " AND due_ms = ? AND due_ms <= ?",
                          claim, 4, NULL, NULL, &changed, err, errlen) != COLL_SQL_OK)
            goto done;
        if (changed != 1) {
            wp_strlcpy(blocked[nblocked++], key, sizeof blocked[0]);
            continue;
        }
        char *body = alert_json(e);
        char serr[WP_ERR_LEN] = "";
        int64_t sent = e->sent;
        if (body && a->webhook && !(sent & ALERT_SINK_HOOK) &&
            post_webhook(a->webhook, body, serr, sizeof serr) == 0)
            sent |= ALERT_SINK_HOOK;
        if (body && a->command && !(sent & ALERT_SINK_CMD) &&
            run_command(a->command, body, serr[0] ? serr + strlen(serr) : serr,
                        sizeof serr - strlen(serr)) == 0)
            sent |= ALERT_SINK_CMD;
        if (!body)
            wp_strlcpy(serr, "out of memory", sizeof serr);
        free(body);
        int64_t attempts = e->attempts + 1;
        int rcq;
        if ((sent & need) == need) {
            coll_param p[] = {COLL_NUM(sent), COLL_NUM(now), COLL_NUM(attempts), COLL_TEXT(e->id)};
            rcq = coll_db_query(a->db,
                                "UPDATE alert_events SET sent = ?, done_ms = ?, attempts = ?,"
                                " last_error = '' WHERE id = ?",
                                p, 4, NULL, NULL, NULL, err, errlen);
        } else {
            int64_t wait = a->interval_ms << (attempts < 12 ? attempts : 12);
            if (wait > COLL_ALERT_BACKOFF_MS)
                wait = COLL_ALERT_BACKOFF_MS;
            coll_param p[] = {COLL_NUM(sent), COLL_NUM(now + wait), COLL_NUM(attempts),
                              COLL_TEXT(serr), COLL_TEXT(e->id)};
            rcq = coll_db_query(a->db,
                                "UPDATE alert_events SET sent = ?, due_ms = ?, attempts = ?,"
                                " last_error = ? WHERE id = ?",
                                p, 5, NULL, NULL, NULL, err, errlen);
            fprintf(stderr,
                    "wijkpeil-collector: alert %s of %s %s not sent (attempt %lld, next in %lld "
                    "s): %s\n",
                    e->state, e->device, e->cond, (long long)attempts, (long long)(wait / 1000),
                    serr);
            wp_strlcpy(blocked[nblocked++], key, sizeof blocked[0]);
        }
        if (rcq != COLL_SQL_OK)
            goto done;
    }
    rc = 0;
done:
    free(l);
    free(blocked);
    return rc;
}

/* ---- the timer ---------------------------------------------------------------------------- */

static void pass(coll_alert *a)
{
    char err[WP_ERR_LEN];
    int64_t now = wp_wall_ms();
    if (judge(a, now, err, sizeof err) != 0 || send_due(a, now, err, sizeof err) != 0)
        fprintf(stderr, "wijkpeil-collector: alerts: %s (tried again in %lld s)\n", err,
                (long long)(a->interval_ms / 1000));
    a->passes++;
    if (a->trace)
        fprintf(stderr, "wijkpeil-collector: alerts: pass %ld\n", a->passes);
}

static void *loop(void *arg)
{
    coll_alert *a = arg;
    pthread_mutex_lock(&a->mu);
    while (!a->stop) {
        pthread_mutex_unlock(&a->mu);
        pass(a);
        pthread_mutex_lock(&a->mu);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)(a->interval_ms / 1000);
        until.tv_nsec += (long)(a->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!a->stop && pthread_cond_timedwait(&a->wake, &a->mu, &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

static void alert_free(coll_alert *a)
{
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->wake);
    free(a->webhook);
    free(a->command);
    free(a->hold);
    free(a);
}

int coll_alert_start(coll_db *db, const coll_alert_opts *o, coll_alert **out, char *err,
                     size_t errlen)
{
    *out = NULL;
    if (o->webhook && strncmp(o->webhook, "http://", 7) != 0 &&
        strncmp(o->webhook, "https://", 8) != 0) {
        wp_errf(err, errlen, "--alert-webhook: an http:// or https:// URL, not \"%s\"", o->webhook);
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        wp_errf(err, errlen, "libcurl failed to initialise");
        return -1;
    }
    coll_alert *a = calloc(1, sizeof *a);
    if (!a) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    a->db = db;
    a->interval_ms = 1000LL * (o->interval_s > 0 ? o->interval_s : COLL_ALERT_INTERVAL_S);
    a->silent_ms = o->silent_ms;
    a->trace = o->trace;
    pthread_mutex_init(&a->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a->wake, &ca);
    pthread_condattr_destroy(&ca);
    if ((o->webhook && !(a->webhook = strdup(o->webhook))) ||
        (o->command && !(a->command = strdup(o->command))) ||
        (o->hold && !(a->hold = strdup(o->hold)))) {
        alert_free(a);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    int rc = pthread_create(&a->thread, NULL, loop, a);
    if (rc != 0) {
        alert_free(a);
        wp_errf(err, errlen, "cannot start the alerts' thread: %s", strerror(rc));
        return -1;
    }
    *out = a;
    return 0;
}

void coll_alert_stop(coll_alert *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    alert_free(a);
    curl_global_cleanup();
}
