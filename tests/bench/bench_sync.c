/* Sync benchmark: 100,000 pending responses uploaded to a loopback collector (time and
 * responses/s), the collector's ingest rate with 4 kiosks uploading at once, and the uploader's
 * CPU use while idle. Usage: bench_sync [PATH/TO/wijkpeil-collector] (default: next to this
 * program, or $WIJKPEIL_COLLECTOR). Run it from a Release build (-DWIJKPEIL_SANITIZE=OFF). */
#include "config.h"
#include "store.h"
#include "sync.h"
#include "util.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_N      100000
#define BENCH_KIOSKS 4
#define BENCH_PER    25000
#define BENCH_PATH   1200

typedef struct {
    config cfg;
    char db[BENCH_PATH];
    sync_report rep;
    int rc;
} bench_job;

static int fill(const char *path, int n)
{
    store *st = NULL;
    char err[WP_ERR_LEN];
    if (store_open(path, &st, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char answers[160];
        snprintf(answers, sizeof answers,
                 "{\"woonplezier\":\"%d\",\"zorgen\":[\"geld\",\"werk\"],\"cijfer\":\"%d\","
                 "\"vertrouwen\":\"yes\"}",
                 i % 5 + 1, i % 11);
        int64_t now = wp_wall_ms();
        store_response r = {.questionset_version = 1,
                            .started_at_ms = now - 90000,
                            .finished_at_ms = now,
                            .duration_ms = 90000,
                            .status = STORE_COMPLETE,
                            .clock_synced = true,
                            .answers_json = answers};
        wp_strlcpy(r.questionset, "nazareth-2027-voorjaar", sizeof r.questionset);
        wp_strlcpy(r.language, "nl", sizeof r.language);
        if (store_add_response(st, &r, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            store_close(st);
            return -1;
        }
    }
    store_close(st);
    return 0;
}

static char *capture(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 8192);
    size_t n = buf ? fread(buf, 1, 8191, f) : 0;
    (void)n;
    pclose(f);
    return buf;
}

static int add_device(const char *coll, const char *db, const char *name, char *token, size_t len)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s device add %s --location bench --db %s", coll, name, db);
    char *out = capture(cmd);
    if (!out)
        return -1;
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
    const char *last = strrchr(out, '\n');
    wp_strlcpy(token, last ? last + 1 : out, len);
    free(out);
    return strlen(token) == 64 ? 0 : -1;
}

static pid_t serve(const char *coll, const char *db, int *port)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(coll, coll, "serve", "--db", db, "--listen", "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[256];
    size_t n = 0;
    struct pollfd pf = {.fd = fds[0], .events = POLLIN};
    while (n + 1 < sizeof line && poll(&pf, 1, 10000) > 0) {
        char ch;
        if (read(fds[0], &ch, 1) != 1 || ch == '\n')
            break;
        line[n++] = ch;
    }
    line[n] = '\0';
    close(fds[0]);
    const char *q = strrchr(line, ':');
    long p = 0;
    if (!q || !wp_parse_int(q + 1, 1, 65535, &p))
        return -1;
    *port = (int)p;
    return pid;
}

static void *run_job(void *arg)
{
    bench_job *j = arg;
    char err[WP_ERR_LEN];
    j->rc = sync_run_once(&j->cfg, j->db, &j->rep, err, sizeof err);
    if (j->rc < 0)
        fprintf(stderr, "%s\n", err);
    return NULL;
}

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

int main(int argc, char **argv)
{
    char coll[BENCH_PATH];
    const char *env = getenv("WIJKPEIL_COLLECTOR");
    if (argc > 1)
        wp_strlcpy(coll, argv[1], sizeof coll);
    else if (env && *env)
        wp_strlcpy(coll, env, sizeof coll);
    else {
        wp_strlcpy(coll, argv[0], sizeof coll);
        char *slash = strrchr(coll, '/');
        size_t at = slash ? (size_t)(slash - coll + 1) : 0;
        snprintf(coll + at, sizeof coll - at, "wijkpeil-collector");
    }
    if (access(coll, X_OK) != 0) {
        fprintf(stderr, "bench_sync: collector not found at %s (pass its path)\n", coll);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    char tmpl[] = "/tmp/wijkpeil-bench-sync-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        return 2;
    char cdb[BENCH_PATH], kdb[BENCH_PATH];
    snprintf(cdb, sizeof cdb, "%s/collector.db", dir);
    snprintf(kdb, sizeof kdb, "%s/kiosk.db", dir);

    int64_t t0 = wp_mono_ms();
    if (fill(kdb, BENCH_N) != 0)
        return 1;
    printf("filled kiosk store with %d responses in %.1f s (one transaction each)\n", BENCH_N,
           (double)(wp_mono_ms() - t0) / 1000.0);

    char token[128];
    if (add_device(coll, cdb, "bench0", token, sizeof token) != 0)
        return 1;
    int port = 0;
    pid_t srv = serve(coll, cdb, &port);
    if (srv < 0)
        return 1;

    bench_job j = {0};
    config_defaults(&j.cfg);
    snprintf(j.cfg.endpoint, sizeof j.cfg.endpoint, "http://127.0.0.1:%d", port);
    wp_strlcpy(j.cfg.token, token, sizeof j.cfg.token);
    wp_strlcpy(j.cfg.device_id, "bench0", sizeof j.cfg.device_id);
    wp_strlcpy(j.db, kdb, sizeof j.db);
    double c0 = cpu_ms();
    t0 = wp_mono_ms();
    run_job(&j);
    int64_t ms = wp_mono_ms() - t0;
    double c1 = cpu_ms();
    printf("upload: %lld responses in %lld batches, %.2f s, %.0f responses/s (target >= 5000); "
           "uploader CPU %.2f s; %s\n",
           (long long)j.rep.sent, (long long)j.rep.batches, (double)ms / 1000.0,
           (double)j.rep.sent * 1000.0 / (double)(ms ? ms : 1), (c1 - c0) / 1000.0,
           j.rc == 0 ? "all acknowledged" : j.rep.summary);

    /* idle: the uploader thread with nothing pending */
    sync_ctx *s = NULL;
    char err[WP_ERR_LEN];
    j.cfg.sync_interval_seconds = 300;
    if (sync_start(&j.cfg, kdb, &s, err, sizeof err) == 0 && s) {
        sync_state st;
        for (int i = 0; i < 500; i++) {
            sync_get_state(s, &st);
            if (st.last_attempt_ms && !st.busy)
                break;
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
        }
        double i0 = cpu_ms();
        struct timespec two = {2, 0};
        nanosleep(&two, NULL);
        double i1 = cpu_ms();
        printf("idle uploader: %.3f ms CPU over 2 s (sleeps on a condition variable)\n", i1 - i0);
        sync_stop(s);
    }

    /* 4 kiosks at once */
    bench_job jobs[BENCH_KIOSKS];
    t0 = wp_mono_ms();
    for (int k = 0; k < BENCH_KIOSKS; k++) {
        memset(&jobs[k], 0, sizeof jobs[k]);
        snprintf(jobs[k].db, sizeof jobs[k].db, "%s/kiosk%d.db", dir, k + 1);
        if (fill(jobs[k].db, BENCH_PER) != 0)
            return 1;
        char name[32];
        snprintf(name, sizeof name, "bench%d", k + 1);
        config_defaults(&jobs[k].cfg);
        snprintf(jobs[k].cfg.endpoint, sizeof jobs[k].cfg.endpoint, "http://127.0.0.1:%d", port);
        if (add_device(coll, cdb, name, jobs[k].cfg.token, sizeof jobs[k].cfg.token) != 0)
            return 1;
        wp_strlcpy(jobs[k].cfg.device_id, name, sizeof jobs[k].cfg.device_id);
    }
    printf("filled %d kiosk stores with %d responses each in %.1f s\n", BENCH_KIOSKS, BENCH_PER,
           (double)(wp_mono_ms() - t0) / 1000.0);
    pthread_t th[BENCH_KIOSKS];
    t0 = wp_mono_ms();
    for (int k = 0; k < BENCH_KIOSKS; k++)
        pthread_create(&th[k], NULL, run_job, &jobs[k]);
    int64_t total = 0;
    int ok = 1;
    for (int k = 0; k < BENCH_KIOSKS; k++) {
        pthread_join(th[k], NULL);
        total += jobs[k].rep.sent;
        ok &= jobs[k].rc == 0;
    }
    ms = wp_mono_ms() - t0;
    printf("collector ingest, %d kiosks at once: %lld responses in %.2f s, %.0f responses/s "
           "(%s)\n",
           BENCH_KIOSKS, (long long)total, (double)ms / 1000.0,
           (double)total * 1000.0 / (double)(ms ? ms : 1),
           ok ? "all acknowledged" : "SOME NOT ACKNOWLEDGED");
    kill(srv, SIGTERM);
    waitpid(srv, NULL, 0);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return ok && j.rc == 0 ? 0 : 1;
}
