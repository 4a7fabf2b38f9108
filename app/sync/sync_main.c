/* wijkpeil-sync: the kiosk's uploader as its own program, so the screen process (wijkpeil) never
 * links libcurl nor opens a network socket. As a service it runs the uploader thread (sync.h),
 * takes requests from the kiosk on an AF_UNIX datagram socket (synclink.h) and writes its state
 * to the shared database for the staff screen; with --once it uploads once in the foreground
 * (what `wijkpeil sync` runs). It needs no display and no input device. */
#include "cliopt.h"
#include "config.h"
#include "plat_notify.h"
#include "store.h"
#include "sync.h"
#include "synclink.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

typedef struct {
    const char *config_path, *db, *socket_path;
    bool once;
} sync_args;

static void usage(FILE *f)
{
    fprintf(f, "usage: wijkpeil-sync [--config FILE] [--db FILE] [--socket PATH]\n"
               "       wijkpeil-sync --once [--config FILE] [--db FILE]\n");
}

static int parse(int argc, char **argv, sync_args *a)
{
    memset(a, 0, sizeof *a);
    a->socket_path = synclink_socket_path();
    for (int i = 1; i < argc; i++) {
        bool has = i + 1 < argc;
        if (strcmp(argv[i], "--config") == 0 && has)
            a->config_path = argv[++i];
        else if (strcmp(argv[i], "--db") == 0 && has)
            a->db = argv[++i];
        else if (strcmp(argv[i], "--socket") == 0 && has)
            a->socket_path = argv[++i];
        else if (strcmp(argv[i], "--once") == 0)
            a->once = true;
        else
            return -1;
    }
    return 0;
}

static int run_once(const config *cfg)
{
    char err[WP_ERR_LEN];
    sync_report rep;
    int rc = sync_run_once(cfg, cfg->db, &rep, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "wijkpeil sync: %s\n", err);
        return 2;
    }
    printf("wijkpeil sync: %s\n", rep.summary);
    return rc == 0 ? 0 : 1;
}

/* The observer: runs on the uploader thread, the only user of this store handle. */
static void publish(void *ctx, const sync_state *st)
{
    char err[WP_ERR_LEN];
    if (synclink_publish(ctx, st, err, sizeof err) != 0)
        fprintf(stderr, "wijkpeil-sync: could not record the sync state: %s\n", err);
    if (!st->busy) /* one line per attempt, for the journal (and tests) */
        fprintf(stderr, "wijkpeil-sync: %s\n", st->last_result);
    plat_notify_status(st->busy ? "sending" : st->last_result);
}

static void set_active(sync_ctx *s, store *st)
{
    char id[128];
    int version;
    synclink_read_active(st, id, sizeof id, &version);
    sync_set_active(s, id, version);
}

/* Serves requests until SIGTERM/SIGINT; pings the watchdog. */
static int serve(const config *cfg, const char *socket_path)
{
    char err[WP_ERR_LEN];
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    store *main_st = NULL, *pub_st = NULL;
    synclink_server *srv = NULL;
    sync_ctx *s = NULL;
    int rc = 1;
    if (sfd < 0 || store_open(cfg->db, &main_st, err, sizeof err) != 0 ||
        store_open(cfg->db, &pub_st, err, sizeof err) != 0 ||
        synclink_listen(socket_path, &srv, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-sync: %s\n", sfd < 0 ? strerror(errno) : err);
        goto done;
    }
    if (sync_start_observed(cfg, cfg->db, NULL, publish, pub_st, &s, err, sizeof err) != 0) {
        /* A refused endpoint or no token: staff see why on the status screen. */
        fprintf(stderr, "wijkpeil-sync: uploads are off: %s\n", err);
        sync_state st = {.enabled = true, .last_attempt_ms = wp_wall_ms()};
        snprintf(st.last_result, sizeof st.last_result, "could not start: %s", err);
        wp_strlcpy(st.last_error, err, sizeof st.last_error);
        publish(pub_st, &st);
    } else if (!s) {
        fprintf(stderr, "wijkpeil-sync: sync is off (no endpoint in the config)\n");
    } else {
        set_active(s, main_st);
    }
    fprintf(stderr, "wijkpeil-sync: listening on %s, database %s\n", socket_path, cfg->db);
    plat_notify_ready();
    int64_t wd = plat_watchdog_ms();
    struct pollfd p[2] = {{.fd = synclink_server_fd(srv), .events = POLLIN},
                          {.fd = sfd, .events = POLLIN}};
    for (;;) {
        int n = poll(p, 2, wd > 0 ? (int)(wd / 2) : -1);
        if (wd > 0)
            plat_notify_watchdog();
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "wijkpeil-sync: poll: %s\n", strerror(errno));
            goto done;
        }
        if (n > 0 && (p[1].revents & POLLIN))
            break;
        int bits = n > 0 ? synclink_take(srv) : 0;
        if (bits & SYNCLINK_ACTIVE)
            set_active(s, main_st);
        if (bits & SYNCLINK_NOW)
            sync_now(s);
        else if (bits & SYNCLINK_WAKE)
            sync_wake(s);
    }
    rc = 0;
done:
    sync_stop(s); /* before pub_st closes: the observer uses it */
    synclink_server_close(srv);
    store_close(pub_st);
    store_close(main_st);
    if (sfd >= 0)
        close(sfd);
    return rc;
}

int main(int argc, char **argv)
{
    sync_args a;
    if (cliopt_version(argc, argv))
        return cliopt_print_version("wijkpeil-sync");
    if (cliopt_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    if (parse(argc, argv, &a) != 0) {
        usage(stderr);
        return 2;
    }
    config cfg;
    config_sources src;
    char err[WP_ERR_LEN];
    /* The kiosk's own loader: settings staff saved from a stick apply here too. */
    if (config_load_kiosk(&cfg, a.config_path, a.db, &src, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil sync: %s\n", err);
        return 2;
    }
    if (src.warning[0])
        fprintf(stderr, "wijkpeil sync: WARNING: %s\n", src.warning);
    signal(SIGPIPE, SIG_IGN);
    return a.once ? run_once(&cfg) : serve(&cfg, a.socket_path);
}
