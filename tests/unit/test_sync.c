/* The uploader against a real collector and against misbehaving servers on 127.0.0.1: every
 * response ends up delivered exactly once through each fault, and the UI thread never waits. */
#include "config.h"
#include "store.h"
#include "sync.h"
#include "testlib.h"
#include "util.h"

#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T_LINE 4096

/* A child process with its stdout on a pipe: the first line names its port, later lines are
 * events the test waits for (tests/sync/fake_server.py). */
typedef struct {
    pid_t pid;
    int port;
    int out; /* read end of its stdout, -1 when none */
} proc;

/* Waiting for an event gives up after this long: a guard against a test hanging for ever, never
 * what the test synchronises on, so it is far above anything a loaded machine needs. */
#define EVENT_GUARD_MS 120000

/* A collector database with one registered kiosk, and its server when running. */
typedef struct {
    char *dir;
    char db[1100];
    char token[128];
    proc srv;
} coll;

static const sync_tuning fast = {.connect_timeout_ms = 1000,
                                 .low_speed_time_s = 1,
                                 .backoff_min_ms = 100,
                                 .backoff_max_ms = 400};

/* For runs against the real collector that test no timeout: a loaded machine can make a TLS
 * handshake or a batch take longer than fast's one second, which would turn into a failure
 * that has nothing to do with what is tested. */
static const sync_tuning patient = {.connect_timeout_ms = EVENT_GUARD_MS,
                                    .low_speed_time_s = EVENT_GUARD_MS / 1000,
                                    .backoff_min_ms = 100,
                                    .backoff_max_ms = 400};

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Reads one line of fd into line (without the newline), waiting at most timeout_ms for each
 * byte (0: only what is already there). Returns false at end of file or timeout. */
static bool read_line(int fd, char *line, size_t len, int timeout_ms)
{
    size_t n = 0;
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    while (n + 1 < len && poll(&pf, 1, timeout_ms) > 0) {
        char ch;
        if (read(fd, &ch, 1) != 1)
            break;
        if (ch == '\n') {
            line[n] = '\0';
            return true;
        }
        line[n++] = ch;
    }
    line[n] = '\0';
    return false;
}

/* Waits until p prints the line want (skipping others); false if it ended or the guard ran out. */
static bool proc_expect(proc *p, const char *want)
{
    char line[256];
    int64_t end = wp_mono_ms() + EVENT_GUARD_MS;
    while (p->out >= 0 && wp_mono_ms() < end) {
        if (!read_line(p->out, line, sizeof line, EVENT_GUARD_MS))
            return false;
        if (strcmp(line, want) == 0)
            return true;
    }
    return false;
}

/* Whether p has printed the line want by now, without waiting. */
static bool proc_said(proc *p, const char *want)
{
    char line[256];
    while (p->out >= 0 && read_line(p->out, line, sizeof line, 0))
        if (strcmp(line, want) == 0)
            return true;
    return false;
}

static const char *collector_bin(void)
{
    const char *c = getenv("WIJKPEIL_COLLECTOR");
    return c && *c ? c : "./wijkpeil-collector";
}

/* Starts argv with stdout on a pipe; reads the first line and takes its last number as port. */
static int spawn_port(char *const argv[], proc *p)
{
    int fds[2];
    p->pid = -1;
    p->port = 0;
    p->out = -1;
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    p->out = fds[0];
    char line[256];
    read_line(fds[0], line, sizeof line, EVENT_GUARD_MS);
    const char *q = line + strlen(line);
    while (q > line && q[-1] >= '0' && q[-1] <= '9')
        q--;
    long port = 0;
    p->pid = pid;
    if (!wp_parse_int(q, 1, 65535, &port)) {
        fprintf(stderr, "no port in \"%s\"\n", line);
        return -1;
    }
    p->port = (int)port;
    return 0;
}

static void proc_kill(proc *p, int sig)
{
    if (p->pid > 0) {
        kill(p->pid, sig);
        waitpid(p->pid, NULL, 0);
    }
    if (p->out >= 0)
        close(p->out);
    p->pid = -1;
    p->out = -1;
}

/* Runs a shell command and returns its whole stdout (caller frees). */
static char *run_capture(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 4096) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
    }
    pclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static void coll_add_device(coll *c, const char *name)
{
    char cmd[T_LINE];
    snprintf(cmd, sizeof cmd, "%s device add %s --location nazareth --db %s", collector_bin(), name,
             c->db);
    char *out = run_capture(cmd);
    CHECK(out != NULL);
    c->token[0] = '\0';
    if (out) {
        size_t n = strlen(out);
        while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
            out[--n] = '\0';
        const char *last = strrchr(out, '\n');
        wp_strlcpy(c->token, last ? last + 1 : out, sizeof c->token);
    }
    CHECKF(strlen(c->token) == 64, "token printed as the last word: \"%s\"", c->token);
    free(out);
}

static void coll_init(coll *c, const char *tag)
{
    memset(c, 0, sizeof *c);
    c->srv.pid = -1;
    c->srv.out = -1;
    c->dir = test_tmpdir(tag);
    snprintf(c->db, sizeof c->db, "%s/collector.db", c->dir);
    coll_add_device(c, "kiosk1");
}

/* Starts the collector on port (0 = any), with optional extra arguments. */
static int coll_serve(coll *c, int port, const char *a1, const char *a2)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    char *argv[] = {(char *)collector_bin(),
                    "serve",
                    "--db",
                    c->db,
                    "--listen",
                    listen,
                    (char *)a1,
                    (char *)a2,
                    NULL};
    int rc = spawn_port(argv, &c->srv);
    CHECKF(rc == 0, "collector started on %s", listen);
    return rc;
}

static void coll_done(coll *c)
{
    proc_kill(&c->srv, SIGTERM);
    free(c->dir);
}

/* Checks that the collector holds every response of kiosk_db exactly once, with the same
 * answers. Returns the number of responses the collector holds. */
static long check_exactly_once(coll *c, const char *kiosk_db, long allow_missing);

typedef struct {
    json_t *byid;
    long n;
} kiosk_rows;

static int collect_row(void *ctx, const store_response *r)
{
    kiosk_rows *k = ctx;
    json_object_set_new(k->byid, r->id, json_loads(r->answers_json, 0, NULL));
    k->n++;
    return 0;
}

static long check_exactly_once(coll *c, const char *kiosk_db, long allow_missing)
{
    char cmd[T_LINE];
    snprintf(cmd, sizeof cmd, "%s export --db %s --format jsonl 2>/dev/null", collector_bin(),
             c->db);
    char *out = run_capture(cmd);
    CHECK(out != NULL);
    if (!out)
        return -1;
    kiosk_rows k = {.byid = json_object()};
    store *st = NULL;
    char err[WP_ERR_LEN];
    CHECK(store_open(kiosk_db, &st, err, sizeof err) == 0);
    CHECK(store_foreach(st, 0, false, 0, collect_row, &k, err, sizeof err) == 0);
    store_counts sc = {0};
    CHECK(store_counts_get(st, &sc, err, sizeof err) == 0);
    CHECKF(sc.pending == 0, "kiosk has nothing pending (%lld)", (long long)sc.pending);
    store_close(st);
    json_t *seen = json_object();
    long lines = 0, dup = 0, mismatch = 0, unknown = 0;
    for (char *save = NULL, *line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *o = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(o, "id"));
        lines++;
        if (!id) {
            mismatch++;
        } else if (json_object_get(seen, id)) {
            dup++;
        } else {
            json_object_set_new(seen, id, json_true());
            json_t *want = json_object_get(k.byid, id);
            if (!want)
                unknown++;
            else if (!json_equal(want, json_object_get(o, "answers")))
                mismatch++;
        }
        json_decref(o);
    }
    long missing = 0;
    const char *key;
    json_t *v;
    json_object_foreach(k.byid, key, v)
    {
        if (!json_object_get(seen, key))
            missing++;
    }
    CHECKF(dup == 0 && missing == allow_missing && mismatch == 0,
           "exactly once: %ld lines for %ld kiosk responses, %ld duplicated, %ld missing, %ld "
           "with other answers, %ld not from this kiosk",
           lines, k.n, dup, missing, mismatch, unknown);
    json_decref(seen);
    json_decref(k.byid);
    free(out);
    return lines;
}

/* Adds n responses with varied answers to the kiosk store at path. */
static void kiosk_fill(const char *path, int n)
{
    static const char *const langs[] = {"nl", "en", "ar", "tr", "pl", "uk"};
    store *st = NULL;
    char err[WP_ERR_LEN];
    CHECK(store_open(path, &st, err, sizeof err) == 0);
    int ok = 0;
    for (int i = 0; i < n && st; i++) {
        char answers[256];
        snprintf(answers, sizeof answers,
                 "{\"woonplezier\":\"%d\",\"zorgen\":[\"geld\",\"werk%d\"],\"cijfer\":\"%d\","
                 "\"naam\":\"caf\\u00e9 \\u0645\\u0631\\u062d\\u0628\\u0627 \\\"%d\\\"\"}",
                 i % 5 + 1, i % 3, i % 11, i);
        int64_t now = wp_wall_ms();
        store_response r = {.questionset_version = 1,
                            .started_at_ms = now - 60000,
                            .finished_at_ms = now,
                            .duration_ms = 60000,
                            .status = i % 7 == 0 ? STORE_ABANDONED : STORE_COMPLETE,
                            .clock_synced = i % 2 == 0,
                            .answers_json = answers};
        wp_strlcpy(r.questionset, "nazareth-2027-voorjaar", sizeof r.questionset);
        wp_strlcpy(r.language, langs[i % 6], sizeof r.language);
        if (store_add_response(st, &r, err, sizeof err) == 0)
            ok++;
    }
    CHECKF(ok == n, "stored %d of %d responses", ok, n);
    store_close(st);
}

static int64_t kiosk_pending(const char *path)
{
    store *st = NULL;
    char err[WP_ERR_LEN];
    store_counts sc = {0};
    if (store_open(path, &st, err, sizeof err) != 0)
        return -1;
    store_counts_get(st, &sc, err, sizeof err);
    store_close(st);
    return sc.pending;
}

static char *kiosk_db(const char *tag)
{
    char *d = test_tmpdir(tag);
    size_t n = strlen(d) + 16;
    char *p = malloc(n);
    snprintf(p, n, "%s/kiosk.db", d);
    free(d);
    return p;
}

static void kiosk_cfg(config *cfg, const char *scheme, int port, const char *token)
{
    config_defaults(cfg);
    snprintf(cfg->endpoint, sizeof cfg->endpoint, "%s://127.0.0.1:%d", scheme, port);
    wp_strlcpy(cfg->token, token, sizeof cfg->token);
    wp_strlcpy(cfg->device_id, "kiosk1", sizeof cfg->device_id);
    wp_strlcpy(cfg->location, "nazareth", sizeof cfg->location);
    cfg->sync_interval_seconds = 3600;
}

/* Starts tests/sync/fake_server.py MODE [ARG1 [ARG2 [ARG3]]] (NULLs end the list). */
static int fake_start_args(const char *mode, const char *a1, const char *a2, const char *a3,
                           proc *p)
{
    char *py = test_src("tests/sync/fake_server.py");
    char *argv[] = {"python3", py, (char *)mode, (char *)a1, (char *)a2, (char *)a3, NULL};
    int rc = spawn_port(argv, p);
    CHECKF(rc == 0, "fake server %s started", mode);
    free(py);
    return rc;
}

static int fake_start(const char *mode, proc *p)
{
    return fake_start_args(mode, NULL, NULL, NULL, p);
}

/* A proxy in front of the collector c that reports each batch and holds the answers to the
 * batches numbered in held ("1", "1 3": at most two numbers, NULL for none). */
static int proxy_start(const coll *c, const char *held1, const char *held2, proc *p)
{
    char port[16];
    snprintf(port, sizeof port, "%d", c->srv.port);
    return fake_start_args("proxy", port, held1, held2, p);
}

/* Waits until pred(state) or timeout; returns the last state. */
static bool wait_state(sync_ctx *s, bool (*pred)(const sync_state *), int timeout_ms,
                       sync_state *out)
{
    int64_t end = wp_mono_ms() + timeout_ms;
    do {
        sync_get_state(s, out);
        if (pred(out))
            return true;
        sleep_ms(20);
    } while (wp_mono_ms() < end);
    return false;
}

static bool st_nothing_pending(const sync_state *st)
{
    return !st->busy && st->last_success_ms > 0 && st->pending == 0;
}

static bool st_attempted(const sync_state *st)
{
    return !st->busy && st->last_attempt_ms > 0 && st->last_result[0];
}

/* A free loopback port, for a collector that starts later. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_endpoint_rules(void)
{
    char err[WP_ERR_LEN];
    CHECK(sync_check_endpoint("https://collector.example.org", err, sizeof err) == 0);
    CHECK(sync_check_endpoint("http://127.0.0.1:8080", err, sizeof err) == 0);
    CHECK(sync_check_endpoint("http://127.4.5.6/base/", err, sizeof err) == 0);
    CHECK(sync_check_endpoint("http://[::1]:8080", err, sizeof err) == 0);
    CHECK(sync_check_endpoint("http://localhost:8080", err, sizeof err) == 0);
    CHECK(sync_check_endpoint("http://user@127.0.0.1:8080", err, sizeof err) == 0);
    err[0] = '\0';
    CHECK(sync_check_endpoint("http://collector.example.org", err, sizeof err) != 0);
    CHECKF(strstr(err, "https://") != NULL, "message says to use https: %s", err);
    CHECK(sync_check_endpoint("http://10.0.0.1:8080", err, sizeof err) != 0);
    CHECK(sync_check_endpoint("http://127.0.0.1.evil.example", err, sizeof err) != 0);
    CHECK(sync_check_endpoint("http://[::2]:80", err, sizeof err) != 0);
    CHECK(sync_check_endpoint("ftp://127.0.0.1", err, sizeof err) != 0);
    CHECK(sync_check_endpoint("collector.example.org", err, sizeof err) != 0);

    config cfg;
    config_defaults(&cfg);
    sync_ctx *s = (sync_ctx *)1;
    CHECK(sync_start(&cfg, "/nonexistent/kiosk.db", &s, err, sizeof err) == 0 && s == NULL);
    sync_wake(NULL);
    sync_stop(NULL);
    sync_state st;
    sync_get_state(NULL, &st);
    CHECK(!st.enabled);
    wp_strlcpy(cfg.endpoint, "http://kiosk-collector.lan:8080", sizeof cfg.endpoint);
    wp_strlcpy(cfg.token, "x", sizeof cfg.token);
    err[0] = '\0';
    CHECK(sync_start(&cfg, "/tmp/none.db", &s, err, sizeof err) == -1 && s == NULL);
    CHECKF(strstr(err, "plain http://") != NULL, "refusal explains: %s", err);
}

static void test_end_to_end(void)
{
    coll c;
    coll_init(&c, "sync-e2e");
    char *db = kiosk_db("sync-e2e-kiosk");
    kiosk_fill(db, 1234); /* three batches */
    if (coll_serve(&c, 0, NULL, NULL) == 0) {
        config cfg;
        kiosk_cfg(&cfg, "http", c.srv.port, c.token);
        wp_strlcpy(cfg.opening_hours, "08:30-17:00", sizeof cfg.opening_hours);
        char err[WP_ERR_LEN];
        sync_ctx *s = NULL;
        CHECK(sync_start_tuned(&cfg, db, &patient, &s, err, sizeof err) == 0 && s);
        sync_set_active(s, "nazareth-2027-voorjaar", 1);
        sync_state st;
        CHECKF(wait_state(s, st_nothing_pending, EVENT_GUARD_MS, &st), "all delivered: %s",
               st.last_result);
        CHECK(st.sent_total == 1234);
        CHECK(!st.token_refused && st.last_error[0] == '\0');
        /* a response stored later is sent after sync_wake */
        kiosk_fill(db, 3);
        sync_wake(s);
        int64_t end = wp_mono_ms() + EVENT_GUARD_MS;
        while (wp_mono_ms() < end) {
            sync_get_state(s, &st);
            if (st.sent_total == 1237 && !st.busy)
                break;
            sleep_ms(20);
        }
        CHECKF(st.sent_total == 1237, "woken for new responses: sent %lld",
               (long long)st.sent_total);
        sync_stop(s);
        CHECK(check_exactly_once(&c, db, 0) == 1237);
        char cmd[T_LINE];
        snprintf(cmd, sizeof cmd, "%s status --db %s", collector_bin(), c.db);
        char *out = run_capture(cmd);
        CHECKF(out && strstr(out, "kiosk1 (nazareth)") && strstr(out, "received 1237") &&
                   strstr(out, "pending 0") && strstr(out, "gaps 0"),
               "status after heartbeat: %s", out ? out : "");
        free(out);
        /* the heartbeat carries the opening hours (the collector's silence alert counts only
         * the time the kiosk is open) */
        snprintf(cmd, sizeof cmd,
                 "sqlite3 %s \"SELECT json_extract(last_status, '$.opening_hours') FROM devices\"",
                 c.db);
        out = run_capture(cmd);
        CHECKF(out && strstr(out, "08:30-17:00"), "heartbeat's opening hours: %s", out ? out : "");
        free(out);
    }
    free(db);
    coll_done(&c);
}

static void test_collector_down_at_start(void)
{
    coll c;
    coll_init(&c, "sync-down");
    char *db = kiosk_db("sync-down-kiosk");
    kiosk_fill(db, 300);
    int port = free_port();
    config cfg;
    kiosk_cfg(&cfg, "http", port, c.token);
    char err[WP_ERR_LEN];
    sync_ctx *s = NULL;
    CHECK(sync_start_tuned(&cfg, db, &patient, &s, err, sizeof err) == 0 && s);
    sync_state st;
    CHECK(wait_state(s, st_attempted, EVENT_GUARD_MS, &st));
    CHECKF(st.last_error[0] && st.pending == 300 && st.next_attempt_ms > 0,
           "unreachable collector reported: %s", st.last_result);
    if (coll_serve(&c, port, NULL, NULL) == 0)
        CHECKF(wait_state(s, st_nothing_pending, EVENT_GUARD_MS, &st), "delivered after start: %s",
               st.last_result);
    sync_stop(s);
    CHECK(check_exactly_once(&c, db, 0) == 300);
    free(db);
    coll_done(&c);
}

static void test_fault_servers(void)
{
    static const char *const modes[] = {"500",      "503",   "captive", "notack",
                                        "redirect", "reset", "hang",    "partial"};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        coll c;
        coll_init(&c, "sync-fault");
        char *db = kiosk_db("sync-fault-kiosk");
        kiosk_fill(db, 700);
        proc fake;
        if (fake_start(modes[m], &fake) == 0) {
            config cfg;
            kiosk_cfg(&cfg, "http", fake.port, c.token);
            sync_report rep;
            char err[WP_ERR_LEN];
            int rc = sync_run_once_tuned(&cfg, db, &fast, &rep, err, sizeof err);
            int64_t pending = kiosk_pending(db);
            int64_t want = strcmp(modes[m], "partial") == 0 ? 699 : 700;
            CHECKF(rc == 1 && pending == want && rep.conflict == 0,
                   "%s: rc %d, %lld pending (want %lld): %s", modes[m], rc, (long long)pending,
                   (long long)want, rep.summary);
            /* One request, then it stops until the next attempt: no loop against a server that
             * fails. That it returned at all against "hang" is the low-speed limit at work;
             * the server saw it give up and close the connection. (No wall-clock budget: curl
             * measures speed over a window of seconds, which a loaded machine stretches.) */
            CHECKF(rep.batches == 1, "%s: %lld requests", modes[m], (long long)rep.batches);
            if (!strcmp(modes[m], "hang"))
                CHECKF(proc_expect(&fake, "hanging 1") && proc_expect(&fake, "gone 1"),
                       "hang: the server held the request until the kiosk gave up");
            if (!strcmp(modes[m], "captive") || !strcmp(modes[m], "notack"))
                CHECKF(strstr(rep.summary, "captive portal") != NULL, "%s: %s", modes[m],
                       rep.summary);
            if (!strcmp(modes[m], "503"))
                CHECK(rep.http_status == 503);
            proc_kill(&fake, SIGKILL);
        }
        if (coll_serve(&c, 0, NULL, NULL) == 0) {
            config cfg;
            kiosk_cfg(&cfg, "http", c.srv.port, c.token);
            sync_report rep;
            char err[WP_ERR_LEN];
            int rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
            CHECKF(rc == 0, "%s: then delivered: %s", modes[m], rep.summary);
            /* the "partial" server's one acknowledged response never reached this collector */
            check_exactly_once(&c, db, strcmp(modes[m], "partial") == 0 ? 1 : 0);
        }
        free(db);
        coll_done(&c);
    }
}

static void test_conflict_kept_for_staff(void)
{
    char *db = kiosk_db("sync-conflict-kiosk");
    kiosk_fill(db, 20);
    proc fake;
    if (fake_start("conflict", &fake) == 0) {
        config cfg;
        kiosk_cfg(&cfg, "http", fake.port, "tok");
        sync_report rep;
        char err[WP_ERR_LEN];
        int rc = sync_run_once_tuned(&cfg, db, &fast, &rep, err, sizeof err);
        CHECKF(rc == 1 && rep.conflict == 20 && rep.pending == 0, "conflicts: %s", rep.summary);
        CHECK(strstr(rep.summary, "conflicting") != NULL);
        /* not sent again */
        rc = sync_run_once_tuned(&cfg, db, &fast, &rep, err, sizeof err);
        CHECKF(rc == 0 && rep.batches == 0 && rep.conflict == 0, "no loop: %s", rep.summary);
        store *st = NULL;
        store_counts sc = {0};
        CHECK(store_open(db, &st, err, sizeof err) == 0);
        store_counts_get(st, &sc, err, sizeof err);
        CHECK(sc.conflict == 20 && sc.total == 20);
        store_close(st);
        proc_kill(&fake, SIGKILL);
    }
    free(db);
}

/* Runs the uploader against a fake server answering 503 (mode); returns the wait it planned
 * after the first failed attempt, or -1; last_error gets the state's error text. The planned
 * wait is counted from the attempt's start, so it includes the attempt itself: *attempt_ms gets
 * an upper bound of that, measured in this run (a loaded machine makes it longer). */
static int64_t planned_wait(const char *mode, const char *tag, char *last_error, size_t len,
                            int64_t *attempt_ms)
{
    char *db = kiosk_db(tag);
    kiosk_fill(db, 5);
    int64_t wait = -1;
    proc fake;
    if (fake_start(mode, &fake) == 0) {
        config cfg;
        kiosk_cfg(&cfg, "http", fake.port, "tok");
        sync_ctx *s = NULL;
        char err[WP_ERR_LEN];
        int64_t t0 = wp_mono_ms();
        CHECK(sync_start_tuned(&cfg, db, &fast, &s, err, sizeof err) == 0);
        sync_state st;
        if (wait_state(s, st_attempted, EVENT_GUARD_MS, &st)) {
            *attempt_ms = wp_mono_ms() - t0;
            wait = st.next_attempt_ms - st.last_attempt_ms;
            wp_strlcpy(last_error, st.last_error, len);
        }
        sync_stop(s);
        proc_kill(&fake, SIGKILL);
    }
    free(db);
    return wait;
}

static void test_retry_after_honoured(void)
{
    char last[SYNC_TEXT_LEN] = "";
    int64_t attempt_ms = 0;
    int64_t wait = planned_wait("503", "sync-retry-kiosk", last, sizeof last, &attempt_ms);
    CHECKF(wait >= 900 && wait <= 1000 + fast.backoff_max_ms + attempt_ms,
           "Retry-After: 1 gives a wait of %lld ms (the attempt took at most %lld ms)",
           (long long)wait, (long long)attempt_ms);
    CHECK(strstr(last, "503") != NULL);
}

/* Retry-After is a floor: "0" from a proxy must not turn the backoff into a busy loop. */
static void test_retry_after_zero_keeps_backoff(void)
{
    char last[SYNC_TEXT_LEN] = "";
    int64_t attempt_ms = 0;
    int64_t wait = planned_wait("503zero", "sync-retry0-kiosk", last, sizeof last, &attempt_ms);
    CHECKF(wait >= fast.backoff_min_ms / 2, "Retry-After: 0 gives a wait of %lld ms",
           (long long)wait);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The calls the UI thread makes every frame, n times on s; returns the median in ns. */
static int64_t ui_calls_median_ns(sync_ctx *s, sync_state *st)
{
    enum { n = 2000 };
    static int64_t ns[n];
    for (int i = 0; i < n; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        sync_wake(s);
        sync_get_state(s, st);
        sync_set_active(s, "x", 2);
        clock_gettime(CLOCK_MONOTONIC, &b);
        ns[i] = (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
    }
    qsort(ns, n, sizeof ns[0], cmp_i64);
    return ns[n / 2];
}

static void test_ui_never_blocked(void)
{
    char *db = kiosk_db("sync-ui-kiosk");
    kiosk_fill(db, 50);
    char err[WP_ERR_LEN];
    /* Baseline, same run: the same calls on an uploader with nothing to do. */
    char *idle_db = kiosk_db("sync-ui-idle-kiosk");
    config idle_cfg;
    kiosk_cfg(&idle_cfg, "http", free_port(), "tok");
    sync_ctx *idle = NULL;
    sync_state st;
    CHECK(sync_start_tuned(&idle_cfg, idle_db, &fast, &idle, err, sizeof err) == 0);
    CHECK(wait_state(idle, st_attempted, EVENT_GUARD_MS, &st));
    int64_t base_ns = ui_calls_median_ns(idle, &st);
    sync_stop(idle);
    free(idle_db);
    proc fake;
    if (fake_start("hang", &fake) == 0) {
        config cfg;
        kiosk_cfg(&cfg, "http", fake.port, "tok");
        sync_tuning slow = fast;
        slow.low_speed_time_s = 30; /* the upload stays stuck for the whole test */
        sync_ctx *s = NULL;
        CHECK(sync_start_tuned(&cfg, db, &slow, &s, err, sizeof err) == 0);
        CHECKF(proc_expect(&fake, "hanging 1"), "the upload reached the server");
        int64_t hang_ns = ui_calls_median_ns(s, &st);
        /* None of the calls waited for the upload: it is still stuck after all of them. */
        CHECK(st.busy);
        CHECK(!proc_said(&fake, "gone 1"));
        CHECKF(hang_ns < 10 * base_ns + 20000,
               "UI calls while the upload hangs: median %lld ns, idle %lld ns", (long long)hang_ns,
               (long long)base_ns);
        int64_t t0 = wp_mono_ms();
        sync_stop(s);
        int64_t stop_ms = wp_mono_ms() - t0;
        /* Stopping aborts the upload: it does not wait for the upload's own give-up. */
        CHECKF(stop_ms < slow.low_speed_time_s * 1000 / 2,
               "sync_stop during a hanging upload took %lld ms", (long long)stop_ms);
        CHECKF(proc_expect(&fake, "gone 1"), "sync_stop closed the connection");
        CHECK(kiosk_pending(db) == 50);
        proc_kill(&fake, SIGKILL);
    }
    free(db);
}

static void test_collector_killed_mid_batch(void)
{
    coll c;
    coll_init(&c, "sync-kill-coll");
    char *db = kiosk_db("sync-kill-coll-kiosk");
    kiosk_fill(db, 1500);
    proc px = {.pid = -1, .out = -1};
    /* The delay keeps the collector busy with a batch, so the kill finds it mid-batch. */
    if (coll_serve(&c, 0, "--delay-ms", "700") == 0 && proxy_start(&c, NULL, NULL, &px) == 0) {
        int port = c.srv.port;
        config cfg;
        kiosk_cfg(&cfg, "http", px.port, c.token);
        sync_ctx *s = NULL;
        char err[WP_ERR_LEN];
        CHECK(sync_start_tuned(&cfg, db, &patient, &s, err, sizeof err) == 0);
        /* the first batch goes through; the collector is killed while it holds the second */
        CHECKF(proc_expect(&px, "answered 1") && proc_expect(&px, "forwarded 2"),
               "the second batch reached the collector");
        sync_state st;
        sync_get_state(s, &st);
        CHECKF(st.busy && st.pending == 1000, "first batch acknowledged, second in flight (%lld)",
               (long long)st.pending);
        proc_kill(&c.srv, SIGKILL);
        CHECKF(proc_expect(&px, "dropped 2"), "the collector died holding the second batch");
        if (coll_serve(&c, port, NULL, NULL) == 0)
            CHECKF(wait_state(s, st_nothing_pending, EVENT_GUARD_MS, &st),
                   "delivered after restart: %s", st.last_result);
        sync_stop(s);
        CHECK(check_exactly_once(&c, db, 0) == 1500);
    }
    proc_kill(&px, SIGKILL);
    free(db);
    coll_done(&c);
}

static void test_token_revoked(void)
{
    coll c;
    coll_init(&c, "sync-401");
    char *db = kiosk_db("sync-401-kiosk");
    kiosk_fill(db, 100);
    if (coll_serve(&c, 0, NULL, NULL) == 0) {
        config cfg;
        kiosk_cfg(&cfg, "http", c.srv.port, c.token);
        sync_report rep;
        char err[WP_ERR_LEN];
        CHECK(sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err) == 0);
        char cmd[T_LINE];
        snprintf(cmd, sizeof cmd, "%s device revoke kiosk1 --db %s", collector_bin(), c.db);
        char *out = run_capture(cmd);
        free(out);
        kiosk_fill(db, 100);
        int rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
        CHECKF(rc == 1 && rep.token_refused && rep.pending == 100, "401: %s", rep.summary);
        CHECK(strstr(rep.summary, "token refused") != NULL);
        CHECK(strstr(rep.summary, c.token) == NULL);
        sync_ctx *s = NULL;
        CHECK(sync_start_tuned(&cfg, db, &patient, &s, err, sizeof err) == 0);
        sync_state st;
        CHECK(wait_state(s, st_attempted, EVENT_GUARD_MS, &st));
        CHECKF(st.token_refused && st.pending == 100 && strstr(st.last_result, "token refused"),
               "state for staff: %s", st.last_result);
        CHECK(strstr(st.last_error, c.token) == NULL && strstr(st.last_result, c.token) == NULL);
        CHECK(st.next_attempt_ms == 0); /* waits for staff, does not hammer */
        sync_stop(s);
        /* a new token: nothing was lost */
        coll_add_device(&c, "kiosk1b");
        wp_strlcpy(cfg.token, c.token, sizeof cfg.token);
        rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
        CHECKF(rc == 0 && rep.sent == 100, "after a new token: %s", rep.summary);
        CHECK(check_exactly_once(&c, db, 0) == 200);
    }
    free(db);
    coll_done(&c);
}

static void test_tls(void)
{
    coll c;
    coll_init(&c, "sync-tls");
    char *db = kiosk_db("sync-tls-kiosk");
    kiosk_fill(db, 40);
    char cmd[T_LINE];
    snprintf(cmd, sizeof cmd,
             "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
             "-days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
             ">/dev/null 2>&1 && openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin "
             "-outform der 2>/dev/null | openssl dgst -sha256 -binary | base64",
             c.dir);
    char *pin = run_capture(cmd);
    CHECK(pin && strlen(pin) > 40);
    char cert[1200], key[1200], other[1200];
    snprintf(cert, sizeof cert, "%s/cert.pem", c.dir);
    snprintf(key, sizeof key, "%s/key.pem", c.dir);
    snprintf(other, sizeof other, "%s/other.pem", c.dir);
    snprintf(cmd, sizeof cmd,
             "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout otherkey.pem -out "
             "other.pem -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 "
             ">/dev/null 2>&1 && echo ok",
             c.dir);
    char *ok = run_capture(cmd);
    free(ok);
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:0");
    char *argv[] = {(char *)collector_bin(),
                    "serve",
                    "--db",
                    c.db,
                    "--listen",
                    listen,
                    "--tls-cert",
                    cert,
                    "--tls-key",
                    key,
                    NULL};
    if (pin && spawn_port(argv, &c.srv) == 0) {
        config cfg;
        kiosk_cfg(&cfg, "https", c.srv.port, c.token);
        sync_report rep;
        char err[WP_ERR_LEN];
        int rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
        CHECKF(rc == 1 && rep.sent == 0 && kiosk_pending(db) == 40,
               "self-signed refused without the CA file: %s", rep.summary);
        CHECK(strstr(rep.summary, "certificate") != NULL);
        wp_strlcpy(cfg.ca_file, other, sizeof cfg.ca_file);
        rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
        CHECKF(rc == 1 && kiosk_pending(db) == 40, "another CA refused: %s", rep.summary);
        wp_strlcpy(cfg.ca_file, cert, sizeof cfg.ca_file);
        wp_strlcpy(cfg.pinned_public_key, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                   sizeof cfg.pinned_public_key);
        rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
        CHECKF(rc == 1 && kiosk_pending(db) == 40, "wrong pinned key refused: %s", rep.summary);
        size_t pl = strlen(pin);
        while (pl && (pin[pl - 1] == '\n' || pin[pl - 1] == ' '))
            pin[--pl] = '\0';
        snprintf(cfg.pinned_public_key, sizeof cfg.pinned_public_key, "sha256//%s", pin);
        rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
        CHECKF(rc == 0 && rep.sent == 40, "accepted with the CA file and the pin: %s", rep.summary);
        CHECK(check_exactly_once(&c, db, 0) == 40);
    }
    free(pin);
    free(db);
    coll_done(&c);
}

/* Forks an uploader (one run against cfg), waits until the proxy px holds the answer to
 * batch number k (the collector has stored it), and kills the uploader with SIGKILL. */
static void upload_killed_at(const config *cfg, const char *db, proc *px, int k)
{
    pid_t pid = fork();
    if (pid == 0) {
        sync_report rep;
        char err[WP_ERR_LEN];
        sync_run_once_tuned(cfg, db, &patient, &rep, err, sizeof err); /* waits till killed */
        _exit(0);
    }
    char want[32];
    snprintf(want, sizeof want, "hanging %d", k);
    CHECKF(proc_expect(px, want), "batch %d stored, its answer held", k);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
}

static void test_uploader_killed_in_flight(void)
{
    coll c;
    coll_init(&c, "sync-kill9");
    char *db = kiosk_db("sync-kill9-kiosk");
    kiosk_fill(db, 1000); /* two batches */
    proc px = {.pid = -1, .out = -1};
    /* The collector stores batch 1 (the first 500) and batch 3 (the second 500, sent after the
     * first was sent again as batch 2), but the kiosk never hears it: killed while waiting. */
    if (coll_serve(&c, 0, NULL, NULL) == 0 && proxy_start(&c, "1", "3", &px) == 0) {
        config cfg;
        kiosk_cfg(&cfg, "http", px.port, c.token);
        upload_killed_at(&cfg, db, &px, 1);
        upload_killed_at(&cfg, db, &px, 3);
        store *st = NULL;
        char err[WP_ERR_LEN];
        CHECK(store_open(db, &st, err, sizeof err) == 0);
        CHECK(store_check(st, err, sizeof err) == 0);
        store_close(st);
        char cmd[T_LINE];
        snprintf(cmd, sizeof cmd, "%s export --db %s --format jsonl 2>/dev/null | wc -l",
                 collector_bin(), c.db);
        char *held = run_capture(cmd);
        long nheld = 0;
        if (held)
            held[strcspn(held, " \n")] = '\0';
        /* The collector kept both batches; the kiosk marked only the one answered (batch 2). */
        long marked = 1000 - (long)kiosk_pending(db);
        CHECKF(held && wp_parse_int(held, 0, 100000, &nheld) && nheld == 1000 && marked == 500,
               "the collector kept a batch the killed kiosk never marked (%ld held, %ld marked)",
               nheld, marked);
        free(held);
        proc_kill(&px, SIGKILL);
        kiosk_cfg(&cfg, "http", c.srv.port, c.token);
        sync_report rep;
        int rc = sync_run_once_tuned(&cfg, db, &patient, &rep, err, sizeof err);
        CHECKF(rc == 0, "after kill -9: %s", rep.summary);
        CHECK(check_exactly_once(&c, db, 0) == 1000);
    }
    proc_kill(&px, SIGKILL);
    free(db);
    coll_done(&c);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    RUN(test_endpoint_rules);
    RUN(test_end_to_end);
    RUN(test_collector_down_at_start);
    RUN(test_fault_servers);
    RUN(test_conflict_kept_for_staff);
    RUN(test_retry_after_honoured);
    RUN(test_retry_after_zero_keeps_backoff);
    RUN(test_ui_never_blocked);
    RUN(test_collector_killed_mid_batch);
    RUN(test_token_revoked);
    RUN(test_tls);
    RUN(test_uploader_killed_in_flight);
    return test_main();
}
