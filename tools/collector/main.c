/* wijkpeil-collector: the central endpoint that receives kiosk responses (serve), manages device
 * tokens (device add/list/revoke/rotate), shows kiosk status, imports USB-stick exports and exports
 * everything for analysis. */
#include "coll_alert.h"
#include "coll_db.h"
#include "coll_export.h"
#include "coll_http.h"
#include "coll_ingest.h"
#include "coll_share.h"
#include "coll_pub.h"
#include "coll_store.h"
#include "coll_user.h"
#include "config.h"
#include "stick.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define COLL_IMPORT_BATCH    500
#define COLL_IMPORT_MAX_LINE (1u << 20)
#define COLL_MAX_QSETS       16 /* serve --qset FILE, repeated */

typedef struct {
    const char *db, *listen, *tls_cert, *tls_key, *location, *format, *questionset, *qset, *out,
        *device, *seal_key, *from, *to, *role, *signin_hold, *alert_webhook, *alert_command,
        *alert_hold, *until, *withdraw, *to_stick, *lang;
    const char *devices[COLL_PUB_MAX_DEVICES]; /* every --device, in order (device is the first) */
    int ndevices;
    bool list;
    bool force;
    const char *qsets[COLL_MAX_QSETS]; /* every --qset, in order (qset is the first) */
    int nqsets;
    const char *pos[4]; /* positional arguments */
    int npos;
    long delay_ms, idle_timeout, header_timeout, k, session_idle, silent_after, alert_interval;
    bool behind_tls_proxy, alert_trace;
    bool results_from_responses; /* test hook: results counted from the responses themselves */
    bool no_public;              /* serve --no-public */
} coll_args;

/* The usage of each command, and what --db takes: `CMD --help` prints its own. */
static const struct {
    const char *cmd, *text;
} usages[] = {
    {"serve",
     "  wijkpeil-collector serve --db FILE --listen ADDR:PORT [--tls-cert FILE --tls-key FILE]\n"
     "                           [--idle-timeout SECONDS] [--header-timeout SECONDS]\n"
     "                           [--seal-secret-key NAME.seal.secret]\n"
     "                           [--qset SET.json]... [--suppress-below K] [--behind-tls-proxy]\n"
     "                           [--session-idle MINUTES] [--silent-after MINUTES]\n"
     "                           [--alert-webhook URL] [--alert-command CMD] "
     "[--alert-interval SECONDS]\n"
     "                           [--no-public]\n"
     "      (creates the database when there is none)\n"},
    {"device",
     "  wijkpeil-collector device add NAME --location LOCATION --db FILE\n"
     "      (creates the database when there is none: a new deployment's first command)\n"
     "  wijkpeil-collector device list --db FILE\n"
     "  wijkpeil-collector device revoke NAME --db FILE\n"
     "  wijkpeil-collector device rotate NAME --db FILE   (a new token; the old one stops)\n"},
    {"user",
     "  wijkpeil-collector user add NAME --role viewer|admin --db FILE   (password on stdin)\n"
     "  wijkpeil-collector user passwd NAME --db FILE                    (password on stdin)\n"
     "  wijkpeil-collector user list|remove [NAME] --db FILE\n"},
    {"export",
     "  wijkpeil-collector export --db FILE [--format csv|csv-excel|xlsx|jsonl] [--questionset "
     "ID]\n"
     "                           [--qset SET.json] [--lang LANG] [--suppress-below K] [-o FILE]\n"
     "      (xlsx needs --qset: sheets responses, codebook, counts; csv-excel: \";\", BOM,\n"
     "       Europe/Amsterdam times, for a Dutch-locale spreadsheet)\n"},
    {"status", "  wijkpeil-collector status --db FILE\n"},
    {"import", "  wijkpeil-collector import FILE.jsonl --device NAME --db FILE "
               "[--seal-secret-key NAME.seal.secret]\n"},
    {"migrate", "  wijkpeil-collector migrate --from FILE.db --to postgresql://USER@HOST/DB\n"},
    {"share",
     "  wijkpeil-collector share withdraw|restore SET QUESTION --db FILE [--qset SET.json]\n"
     "      (SET and QUESTION must be known: answered in the responses held, or in\n"
     "       --qset SET.json)\n"},
    {"publish", "  wijkpeil-collector publish SET.json|SETTINGS.conf --location LOCATION "
                "[--device NAME]...\n"
                "                             [--from 2027-03-01T08:00] [--until 2027-04-30T23:59] "
                "[--to-stick DIR] [--force] --db FILE\n"
                "  wijkpeil-collector publish --list --db FILE\n"
                "  wijkpeil-collector publish --withdraw ID --db FILE\n"},
};
#define N_USAGES (sizeof usages / sizeof usages[0])

/* The index of command cmd in usages, or -1. */
static int command_index(const char *cmd)
{
    for (size_t i = 0; cmd && i < N_USAGES; i++)
        if (strcmp(usages[i].cmd, cmd) == 0)
            return (int)i;
    return -1;
}

/* Whether the usage entry at line (after "  wijkpeil-collector CMD ") is sub-command sub: its
 * first word, or one of its '|'-separated words ("list|remove"). */
static bool entry_is(const char *line, const char *sub)
{
    size_t n = strlen(sub), w = strcspn(line, " \n");
    for (const char *p = line; p < line + w;) {
        size_t k = strcspn(p, "| \n");
        if (k == n && strncmp(p, sub, n) == 0)
            return true;
        p += k + (p[k] == '|');
    }
    return false;
}

/* Prints the entries of a command's usage text that are sub-command sub (an entry: a line
 * "  wijkpeil-collector CMD ..." and the lines after it that do not start one); false when none
 * is. */
static bool print_entries(FILE *f, const char *cmd, const char *text, const char *sub)
{
    char head[64];
    int hl = snprintf(head, sizeof head, "  wijkpeil-collector %s ", cmd);
    bool any = false, on = false;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n") + 1;
        if (strncmp(p, "  wijkpeil-collector ", 21) == 0)
            on = strncmp(p, head, (size_t)hl) == 0 && entry_is(p + hl, sub);
        if (on)
            fprintf(f, "%.*s", (int)len, p);
        any |= on;
        p += len;
    }
    return any;
}

/* The usage of command cmd, of its sub-command sub when it has one of that name (NULL: all of
 * the command's), or every command's when cmd is not one. */
static void usage_of_sub(FILE *f, const char *cmd, const char *sub)
{
    int only = command_index(cmd);
    fputs("usage:\n", f);
    if (only >= 0 && sub && print_entries(f, cmd, usages[only].text, sub))
        only = -2; /* printed */
    for (size_t i = 0; only != -2 && i < N_USAGES; i++)
        if (only < 0 || (size_t)only == i)
            fputs(usages[i].text, f);
    fputs("--db (and --from, --to) is an SQLite file or a postgresql:// URI (libpq: sslmode=...,\n"
          "connect_timeout=..., options=-c%20statement_timeout%3D5s, ...). Only serve and\n"
          "device add create a database; every other command refuses a --db file that does\n"
          "not exist.\n",
          f);
}

static void usage_of(FILE *f, const char *cmd)
{
    usage_of_sub(f, cmd, NULL);
}

static void usage(FILE *f)
{
    usage_of(f, NULL);
}

static int parse_args(int argc, char **argv, coll_args *a)
{
    memset(a, 0, sizeof *a);
    a->k = COLL_DASH_K_DEFAULT;
    a->session_idle = COLL_DASH_IDLE_MIN;
    a->silent_after = COLL_DASH_SILENT_MIN;
    for (int i = 0; i < argc; i++) {
        const char *k = argv[i];
        const char **slot = NULL;
        if (strcmp(k, "--db") == 0)
            slot = &a->db;
        else if (strcmp(k, "--listen") == 0)
            slot = &a->listen;
        else if (strcmp(k, "--tls-cert") == 0)
            slot = &a->tls_cert;
        else if (strcmp(k, "--tls-key") == 0)
            slot = &a->tls_key;
        else if (strcmp(k, "--location") == 0)
            slot = &a->location;
        else if (strcmp(k, "--format") == 0)
            slot = &a->format;
        else if (strcmp(k, "--questionset") == 0)
            slot = &a->questionset;
        else if (strcmp(k, "--qset") == 0) {
            if (a->nqsets == COLL_MAX_QSETS) {
                fprintf(stderr, "wijkpeil-collector: at most %d --qset files\n", COLL_MAX_QSETS);
                return -1;
            }
            slot = &a->qsets[a->nqsets++];
        } else if (strcmp(k, "--lang") == 0)
            slot = &a->lang;
        else if (strcmp(k, "--role") == 0)
            slot = &a->role;
        else if (strcmp(k, "--test-signin-hold") == 0)
            slot = &a->signin_hold; /* test hook: a FIFO each sign-in's hashing waits on */
        else if (strcmp(k, "-o") == 0 || strcmp(k, "--output") == 0)
            slot = &a->out;
        else if (strcmp(k, "--device") == 0) {
            if (a->ndevices == COLL_PUB_MAX_DEVICES) {
                fprintf(stderr, "wijkpeil-collector: at most %d --device names\n",
                        COLL_PUB_MAX_DEVICES);
                return -1;
            }
            slot = &a->devices[a->ndevices++];
        } else if (strcmp(k, "--until") == 0)
            slot = &a->until;
        else if (strcmp(k, "--withdraw") == 0)
            slot = &a->withdraw;
        else if (strcmp(k, "--to-stick") == 0)
            slot = &a->to_stick;
        else if (strcmp(k, "--seal-secret-key") == 0)
            slot = &a->seal_key;
        else if (strcmp(k, "--from") == 0)
            slot = &a->from;
        else if (strcmp(k, "--to") == 0)
            slot = &a->to;
        else if (strcmp(k, "--alert-webhook") == 0)
            slot = &a->alert_webhook;
        else if (strcmp(k, "--alert-command") == 0)
            slot = &a->alert_command;
        else if (strcmp(k, "--test-alert-hold") == 0)
            slot = &a->alert_hold; /* test hook: a FIFO the first pass of the alerts waits on */
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "wijkpeil-collector: %s needs a value\n", k);
                return -1;
            }
            *slot = argv[++i];
        } else if (strcmp(k, "--delay-ms") == 0 && i + 1 < argc) {
            /* test hook: hold each batch this long before storing it */
            if (!wp_parse_int(argv[++i], 0, 600000, &a->delay_ms)) {
                fprintf(stderr, "wijkpeil-collector: --delay-ms: expected milliseconds\n");
                return -1;
            }
        } else if ((strcmp(k, "--idle-timeout") == 0 || strcmp(k, "--header-timeout") == 0) &&
                   i + 1 < argc) {
            if (!wp_parse_int(argv[++i], 1, 3600,
                              k[2] == 'i' ? &a->idle_timeout : &a->header_timeout)) {
                fprintf(stderr, "wijkpeil-collector: %s: expected 1 to 3600 seconds\n", k);
                return -1;
            }
        } else if (strcmp(k, "--list") == 0) {
            a->list = true;
        } else if (strcmp(k, "--force") == 0) {
            a->force = true; /* publish: to a location or device not registered (yet) */
        } else if (strcmp(k, "--behind-tls-proxy") == 0) {
            a->behind_tls_proxy = true;
        } else if (strcmp(k, "--alert-interval") == 0 && i + 1 < argc) {
            if (!wp_parse_int(argv[++i], 1, 86400, &a->alert_interval)) {
                fprintf(stderr, "wijkpeil-collector: --alert-interval: 1 to 86400 seconds\n");
                return -1;
            }
        } else if (strcmp(k, "--test-alert-trace") == 0) {
            a->alert_trace = true; /* test hook: a line on stderr after each pass of the alerts */
        } else if (strcmp(k, "--test-results-from-responses") == 0) {
            a->results_from_responses = true; /* test hook: compare with the kept counts */
        } else if (strcmp(k, "--no-public") == 0) {
            a->no_public = true;
        } else if (strcmp(k, "--suppress-below") == 0 && i + 1 < argc) {
            if (!wp_parse_int(argv[++i], COLL_DASH_K_MIN, 1000000, &a->k)) {
                fprintf(stderr,
                        "wijkpeil-collector: --suppress-below: a count of at least %d (counts "
                        "below it are never shown)\n",
                        COLL_DASH_K_MIN);
                return -1;
            }
        } else if ((strcmp(k, "--session-idle") == 0 || strcmp(k, "--silent-after") == 0) &&
                   i + 1 < argc) {
            if (!wp_parse_int(argv[++i], 1, 60 * 24 * 30,
                              k[3] == 'e' ? &a->session_idle : &a->silent_after)) {
                fprintf(stderr, "wijkpeil-collector: %s: expected minutes\n", k);
                return -1;
            }
        } else if (k[0] == '-' && k[1]) {
            fprintf(stderr, "wijkpeil-collector: unknown option %s\n", k);
            return -1;
        } else if (a->npos < 4) {
            a->pos[a->npos++] = k;
        } else {
            fprintf(stderr, "wijkpeil-collector: too many arguments\n");
            return -1;
        }
    }
    a->qset = a->nqsets ? a->qsets[0] : NULL;
    a->device = a->ndevices ? a->devices[0] : NULL;
    return 0;
}

static int cmd_serve(coll_db *db, const coll_args *a)
{
    char err[WP_ERR_LEN];
    if (!a->listen) {
        fprintf(stderr, "wijkpeil-collector serve: --listen ADDR:PORT is required\n");
        return 2;
    }
    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    coll_http_opts o = {.listen = a->listen,
                        .tls_cert = a->tls_cert,
                        .tls_key = a->tls_key,
                        .delay_ms = (int)a->delay_ms,
                        .timeout_s = (int)a->idle_timeout,
                        .header_timeout_s = (int)a->header_timeout,
                        .dash = {.qsets = a->qsets,
                                 .nqsets = a->nqsets,
                                 .k = (int)a->k,
                                 .idle_ms = a->session_idle * 60000,
                                 .silent_ms = a->silent_after * 60000,
                                 .behind_tls_proxy = a->behind_tls_proxy,
                                 .signin_hold = a->signin_hold,
                                 .results_from_responses = a->results_from_responses},
                        .no_public = a->no_public};
    /* Room for the connection limit: one descriptor per open connection. */
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    coll_http *s = NULL;
    if (coll_http_start(db, &o, &s, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return 1;
    }
    char host[128];
    const char *colon = strrchr(a->listen, ':');
    size_t hl =
        (size_t)(colon - a->listen) < sizeof host ? (size_t)(colon - a->listen) : sizeof host - 1;
    memcpy(host, a->listen, hl);
    host[hl] = '\0';
    coll_alert *alerts = NULL;
    coll_alert_opts ao = {.webhook = a->alert_webhook,
                          .command = a->alert_command,
                          .interval_s = (int)a->alert_interval,
                          .silent_ms = a->silent_after * 60000,
                          .trace = a->alert_trace,
                          .hold = a->alert_hold};
    if ((ao.webhook || ao.command) && coll_alert_start(db, &ao, &alerts, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        coll_http_stop(s);
        return 1;
    }
    printf("wijkpeil-collector: listening on %s://%s:%d\n", a->tls_cert ? "https" : "http", host,
           coll_http_port(s));
    fflush(stdout);
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    coll_alert_stop(alerts);
    coll_http_stop(s);
    fprintf(stderr, "wijkpeil-collector: stopped (signal %d)\n", sig);
    return 0;
}

static int cmd_device(coll_db *db, const coll_args *a)
{
    char err[WP_ERR_LEN];
    const char *sub = a->npos > 1 ? a->pos[1] : "";
    if (strcmp(sub, "add") == 0 && a->npos == 3) {
        if (!a->location) {
            fprintf(stderr, "wijkpeil-collector device add: --location LOCATION is required\n");
            return 2;
        }
        char token[COLL_TOKEN_LEN];
        if (coll_db_device_add(db, a->pos[2], a->location, token, err, sizeof err) != 0) {
            fprintf(stderr, "wijkpeil-collector: %s\n", err);
            return 1;
        }
        printf("device %s (%s) added. Put this token in the kiosk's config as \"token = ...\"; "
               "it is shown only once:\n%s\n",
               a->pos[2], a->location, token);
        return 0;
    }
    if (strcmp(sub, "list") == 0 && a->npos == 2)
        return coll_db_device_list(db, stdout, err, sizeof err) == 0 ? 0 : 1;
    if (strcmp(sub, "rotate") == 0 && a->npos == 3) {
        char token[COLL_TOKEN_LEN];
        if (coll_db_device_rotate(db, a->pos[2], token, err, sizeof err) != 0) {
            fprintf(stderr, "wijkpeil-collector: %s\n", err);
            return 1;
        }
        printf("device %s has a new token; the old one is refused from now on. Put this in the "
               "kiosk's config as \"token = ...\"; it is shown only once:\n%s\n",
               a->pos[2], token);
        sodium_memzero(token, sizeof token);
        return 0;
    }
    if (strcmp(sub, "revoke") == 0 && a->npos == 3) {
        if (coll_db_device_revoke(db, a->pos[2], err, sizeof err) != 0) {
            fprintf(stderr, "wijkpeil-collector: %s\n", err);
            return 1;
        }
        printf("device %s revoked: its token is refused from now on\n", a->pos[2]);
        return 0;
    }
    usage_of(stderr, "device");
    return 2;
}

/* share withdraw|restore SET QUESTION: takes a question out of the cards residents see, or
 * back in; kiosks get the new cards with their next heartbeat. */
static int cmd_share(coll_db *db, const coll_args *a)
{
    char err[WP_ERR_LEN];
    const char *sub = a->npos > 1 ? a->pos[1] : "";
    bool withdraw = strcmp(sub, "withdraw") == 0;
    if ((!withdraw && strcmp(sub, "restore") != 0) || a->npos != 4) {
        usage_of(stderr, "share");
        return 2;
    }
    if (a->nqsets > 1) {
        fprintf(stderr, "wijkpeil-collector share: one --qset at most\n");
        return 2;
    }
    coll_results_sets *sets = NULL;
    if (a->qset && coll_results_sets_load(a->qsets, 1, &sets, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return 1;
    }
    int rc = coll_share_withdraw(db, sets, a->pos[2], a->pos[3], withdraw, err, sizeof err);
    coll_results_sets_free(sets);
    if (rc < 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return 1;
    }
    if (rc == 1 && !withdraw) {
        fprintf(stderr, "wijkpeil-collector: %s %s is not withdrawn: nothing to restore\n",
                a->pos[2], a->pos[3]);
        return 1;
    }
    printf("%s %s: %s\n", a->pos[2], a->pos[3],
           rc == 1    ? "withdrawn already"
           : withdraw ? "withdrawn from sharing; kiosks drop its card at their next sync"
                      : "shared again (when its set says \"share\")");
    return 0;
}

static int cmd_publish(coll_db *db, const coll_args *a)
{
    char err[WP_ERR_LEN];
    int64_t now = wp_wall_ms();
    if (a->list && a->npos == 1 && !a->withdraw)
        return coll_pub_list(db, stdout, now, err, sizeof err) == 0 ? 0 : 1;
    if (a->withdraw && a->npos == 1 && !a->list) {
        int rc = coll_pub_withdraw(db, a->withdraw, now, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "wijkpeil-collector: %s\n", err);
        else if (rc == 1)
            fprintf(stderr, "wijkpeil-collector: no publication %s (or withdrawn already)\n",
                    a->withdraw);
        else
            printf("publication %s withdrawn: kiosks go back to their previous set at their "
                   "next sync\n",
                   a->withdraw);
        return rc == 0 ? 0 : 1;
    }
    if (a->npos != 2 || a->list || a->withdraw) {
        usage_of(stderr, "publish");
        return 2;
    }
    coll_pub_spec spec = {.set_path = a->pos[1], .location = a->location, .force = a->force};
    for (int i = 0; i < a->ndevices; i++)
        spec.devices[spec.n_devices++] = a->devices[i];
    if ((a->from && !coll_pub_parse_time(a->from, &spec.from_ms)) ||
        (a->until && !coll_pub_parse_time(a->until, &spec.until_ms))) {
        fprintf(stderr, "wijkpeil-collector publish: --from and --until take a local time as "
                        "2027-03-01T08:00 (or UTC with a final Z)\n");
        return 2;
    }
    char id[COLL_PUB_ID_LEN];
    if (coll_pub_add(db, &spec, now, id, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return 1;
    }
    printf("published as %s\n", id);
    if (a->to_stick) { /* the same publication for a site without network */
        if (coll_pub_to_stick(db, id, a->to_stick, err, sizeof err) != 0) {
            fprintf(stderr, "wijkpeil-collector: %s\n", err);
            return 1;
        }
        printf("written to %s/%s/%s: import it in staff mode\n", a->to_stick, STICK_DIR,
               config_remote_name(a->pos[1]) ? STICK_SETTINGS_DIR : "questionsets");
    }
    return 0;
}

static int cmd_user(coll_db *db, const coll_args *a)
{
    char err[WP_ERR_LEN], pw[COLL_USER_PASS_MAX + 2];
    const char *sub = a->npos > 1 ? a->pos[1] : "";
    const char *name = a->npos == 3 ? a->pos[2] : NULL;
    int rc = -1;
    if (strcmp(sub, "list") == 0 && a->npos == 2)
        rc = coll_user_list(db, stdout, err, sizeof err);
    else if (strcmp(sub, "remove") == 0 && name)
        rc = coll_user_remove(db, name, err, sizeof err);
    else if ((strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) && name) {
        if (sub[0] == 'a' && !a->role) {
            fprintf(stderr, "wijkpeil-collector user add: --role viewer|admin is required\n");
            return 2;
        }
        rc = coll_user_read_password(stdin, "password: ", pw, sizeof pw, err, sizeof err);
        if (rc == 0)
            rc = sub[0] == 'a' ? coll_user_add(db, name, a->role, pw, err, sizeof err)
                               : coll_user_passwd(db, name, pw, err, sizeof err);
        sodium_memzero(pw, sizeof pw);
    } else {
        usage_of(stderr, "user");
        return 2;
    }
    if (rc != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return 1;
    }
    if (strcmp(sub, "add") == 0)
        printf("user %s (%s) added\n", name, a->role);
    else if (strcmp(sub, "passwd") == 0)
        printf("password of %s changed; the user's sessions are ended\n", name);
    else if (strcmp(sub, "remove") == 0)
        printf("user %s removed; the user's sessions are ended\n", name);
    return 0;
}

static int cmd_export(coll_db *db, const coll_args *a)
{
    char err[WP_ERR_LEN];
    coll_export_format fmt = COLL_EXPORT_CSV;
    if (a->format && coll_export_format_parse(a->format, &fmt) != 0) {
        fprintf(stderr, "wijkpeil-collector export: --format is csv, csv-excel, xlsx or jsonl\n");
        return 2;
    }
    if (fmt == COLL_EXPORT_XLSX && !a->qset) {
        fprintf(stderr, "wijkpeil-collector export: --format xlsx needs --qset SET.json (the "
                        "codebook, labels and counts come from it)\n");
        return 2;
    }
    if (fmt == COLL_EXPORT_XLSX && !a->out && isatty(fileno(stdout))) {
        fprintf(stderr, "wijkpeil-collector export: an xlsx goes to a file: -o FILE.xlsx\n");
        return 2;
    }
    char tmp[1100];
    FILE *f = stdout;
    if (a->out) {
        if (strlen(a->out) + sizeof ".tmp" > sizeof tmp) {
            fprintf(stderr, "wijkpeil-collector: output path too long: %s\n", a->out);
            return 2;
        }
        snprintf(tmp, sizeof tmp, "%s.tmp", a->out);
        f = fopen(tmp, "wb");
        if (!f) {
            fprintf(stderr, "wijkpeil-collector: %s: %s\n", tmp, strerror(errno));
            return 1;
        }
    }
    coll_export_opts eo = {.fmt = fmt,
                           .questionset = a->questionset,
                           .qset_path = a->qset,
                           .lang = a->lang,
                           .k = a->k};
    long n = coll_export_write(db, f, &eo, err, sizeof err);
    if (a->out) {
        int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
        if (n < 0 || bad || rename(tmp, a->out) != 0) {
            unlink(tmp);
            if (n >= 0)
                wp_errf(err, sizeof err, "%s: cannot write: %s", a->out, strerror(errno));
            n = -1;
        }
    }
    if (n < 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return 1;
    }
    fprintf(stderr, "wijkpeil-collector: exported %ld responses\n", n);
    int64_t sealed = coll_db_sealed_count(db, err, sizeof err);
    if (sealed > 0)
        fprintf(stderr,
                "wijkpeil-collector: %lld responses are held sealed (%s); open them with serve "
                "or import --seal-secret-key FILE\n",
                (long long)sealed,
                fmt == COLL_EXPORT_XLSX    ? "left out of this workbook"
                : fmt != COLL_EXPORT_JSONL ? "left out of this CSV"
                                           : "written with \"sealed\" in place of \"answers\"");
    return 0;
}

/* Imports one chunk of parsed lines; reports per-line problems. */
static int import_chunk(coll_db *db, const char *device, json_t *arr, const long *lines,
                        coll_counts *c)
{
    char err[WP_ERR_LEN];
    json_t *res = json_array();
    if (!res ||
        coll_ingest_batch(db, device, arr, wp_wall_ms(), "import", res, c, err, sizeof err) != 0) {
        json_decref(res);
        fprintf(stderr, "wijkpeil-collector: import failed, this part was not stored: %s\n", err);
        return -1;
    }
    size_t i;
    json_t *r;
    json_array_foreach(res, i, r)
    {
        const char *st = json_string_value(json_object_get(r, "status"));
        if (st && strcmp(st, "stored") == 0 && json_object_get(r, "error"))
            fprintf(stderr, "line %ld: kept sealed: %s\n", lines[i],
                    json_string_value(json_object_get(r, "error")));
        if (st && (strcmp(st, "conflict") == 0 || strcmp(st, "invalid") == 0))
            fprintf(stderr, "line %ld: %s: %s\n", lines[i], st,
                    json_string_value(json_object_get(r, "error")));
    }
    json_decref(res);
    json_array_clear(arr);
    return 0;
}

/* Reads one line (without its newline) into buf, keeping at most cap-1 bytes: the rest of a
 * longer line is read past and *too_long set, so a line never costs more than cap bytes.
 * Returns 0, or -1 at the end of the file. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len, bool *too_long)
{
    size_t n = 0;
    int ch;
    bool any = false;
    *too_long = false;
    while ((ch = getc_unlocked(f)) != EOF) {
        any = true;
        if (ch == '\n')
            break;
        if (n + 1 < cap)
            buf[n++] = (char)ch;
        else
            *too_long = true;
    }
    buf[n] = '\0';
    *len = n;
    return any ? 0 : -1;
}

static int cmd_import(coll_db *db, const coll_args *a)
{
    char err[WP_ERR_LEN];
    if (a->npos != 2 || !a->device) {
        fprintf(stderr, "usage: wijkpeil-collector import FILE.jsonl --device NAME --db FILE\n");
        return 2;
    }
    int act = coll_db_device_active(db, a->device, err, sizeof err);
    if (act <= 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n",
                act < 0 ? err : "unknown device (add it with: device add NAME --location LOC)");
        return 1;
    }
    FILE *f = fopen(a->pos[1], "rb");
    if (!f) {
        fprintf(stderr, "wijkpeil-collector: %s: %s\n", a->pos[1], strerror(errno));
        return 1;
    }
    int rc = 1;
    char *line = malloc(COLL_IMPORT_MAX_LINE + 1);
    size_t len;
    bool too_long;
    long lineno = 0, bad_lines = 0;
    long lines[COLL_IMPORT_BATCH];
    coll_counts c = {0};
    json_t *arr = json_array();
    if (!line || !arr) {
        fprintf(stderr, "wijkpeil-collector: out of memory\n");
        goto done;
    }
    while (read_line(f, line, COLL_IMPORT_MAX_LINE + 1, &len, &too_long) == 0) {
        lineno++;
        if (too_long) {
            fprintf(stderr, "%s:%ld: line longer than 1 MiB, skipped\n", a->pos[1], lineno);
            bad_lines++;
            continue;
        }
        while (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0)
            continue;
        json_error_t je;
        json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
        if (!o) {
            fprintf(stderr, "%s:%ld:%d: %s\n", a->pos[1], lineno, je.column, je.text);
            bad_lines++;
            continue;
        }
        lines[json_array_size(arr)] = lineno;
        json_array_append_new(arr, o);
        if (json_array_size(arr) == COLL_IMPORT_BATCH &&
            import_chunk(db, a->device, arr, lines, &c) != 0)
            goto done;
    }
    if (ferror(f)) {
        fprintf(stderr, "wijkpeil-collector: %s: read error\n", a->pos[1]);
        goto done;
    }
    if (json_array_size(arr) && import_chunk(db, a->device, arr, lines, &c) != 0)
        goto done;
    printf("imported %s for %s: %lld new, %lld already held, %lld conflicting, %lld invalid\n",
           a->pos[1], a->device, (long long)c.stored, (long long)c.duplicate, (long long)c.conflict,
           (long long)(c.invalid + bad_lines));
    if (c.sealed)
        printf("%lld of the new responses are kept sealed: no --seal-secret-key given\n",
               (long long)c.sealed);
    if (c.unopened)
        fprintf(stderr,
                "wijkpeil-collector: %lld new responses do not open with %s (the wrong key?); "
                "they are kept sealed\n",
                (long long)c.unopened, a->seal_key);
    rc = (c.conflict || c.invalid || bad_lines || c.unopened) ? 1 : 0;
done:
    json_decref(arr);
    free(line);
    fclose(f);
    return rc;
}

/* Copies an SQLite collector into PostgreSQL (or any --db into another); safe to run again. */
static int cmd_migrate(const coll_args *a)
{
    char err[WP_ERR_LEN];
    if (!a->from || !a->to || a->npos != 1 || a->db) {
        fprintf(stderr, "usage: wijkpeil-collector migrate --from FILE.db --to postgresql://...\n");
        return 2;
    }
    if (strcmp(a->from, a->to) == 0) {
        fprintf(stderr, "wijkpeil-collector: --from and --to are the same database\n");
        return 2;
    }
    if (access(a->from, F_OK) != 0 && !coll_store_is_pg(a->from)) {
        fprintf(stderr, "wijkpeil-collector: %s: %s\n", a->from, strerror(errno));
        return 1;
    }
    coll_db *from = NULL, *to = NULL;
    coll_copy_counts n;
    int rc = 1;
    if (coll_db_open(a->from, &from, err, sizeof err) != 0 ||
        coll_db_open(a->to, &to, err, sizeof err) != 0 ||
        coll_db_copy(from, to, &n, err, sizeof err) != 0) {
        fprintf(stderr,
                "wijkpeil-collector: migrate: %s (what was copied is kept; run it again "
                "to complete it)\n",
                err);
        goto done;
    }
    printf("migrated %s (%s) to %s: %lld devices, %lld responses, %lld conflicts new there; "
           "%lld rows of users, settings, alerts and publications\n",
           a->from, coll_db_backend(from), coll_db_backend(to), (long long)n.devices,
           (long long)n.responses, (long long)n.conflicts, (long long)n.other);
    rc = 0;
done:
    coll_db_close(from);
    coll_db_close(to);
    return rc;
}

/* Loads the secret key (mode 0600 required) into db and opens the responses held sealed. */
static int use_seal_key(coll_db *db, const char *path)
{
    char err[WP_ERR_LEN];
    seal_keypair kp;
    if (seal_load_secret(path, &kp, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return -1;
    }
    coll_db_set_seal_key(db, &kp);
    seal_forget(&kp);
    int64_t opened = 0, failed = 0;
    if (coll_ingest_open_held(db, &opened, &failed, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return -1;
    }
    if (opened)
        fprintf(stderr, "wijkpeil-collector: opened %lld responses held sealed\n",
                (long long)opened);
    if (failed)
        fprintf(stderr,
                "wijkpeil-collector: %lld responses held sealed do not open with %s (sealed to "
                "another key: the wrong key file?); they stay sealed\n",
                (long long)failed, path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    /* The command is the first word; --help and --version answer on every command too (before
     * anything else is checked), --help with that command's usage. */
    const char *word = argv[1][0] != '-' ? argv[1] : NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (word && command_index(word) < 0) {
                fprintf(stderr, "wijkpeil-collector: unknown command %s\n", word);
                usage(stderr);
                return 2;
            }
            usage_of_sub(stdout, word, word && argc > 2 && argv[2][0] != '-' ? argv[2] : NULL);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("wijkpeil-collector %s\n", WIJKPEIL_VERSION);
            return 0;
        }
    }
    coll_args a;
    if (parse_args(argc - 1, argv + 1, &a) != 0) {
        usage_of(stderr, word);
        return 2;
    }
    const char *cmd = a.npos ? a.pos[0] : "";
    const char *sub = a.npos > 1 ? a.pos[1] : "";
    if (command_index(cmd) < 0) {
        if (*cmd)
            fprintf(stderr, "wijkpeil-collector: unknown command %s\n", cmd);
        else
            fprintf(stderr, "wijkpeil-collector: a command is required\n");
        usage(stderr);
        return 2;
    }
    if (!a.db && strcmp(cmd, "migrate") != 0) {
        fprintf(stderr, "wijkpeil-collector %s: --db FILE is required\n", cmd);
        usage_of(stderr, cmd);
        return 2;
    }
    /* Only serve and device add create a database (a new deployment starts with either):
     * every other command reads or updates one, and a mistyped --db is an error, not a new
     * empty database. */
    bool creates = strcmp(cmd, "serve") == 0 || strcmp(cmd, "migrate") == 0 ||
                   (strcmp(cmd, "device") == 0 && strcmp(sub, "add") == 0);
    if (!creates && !coll_store_is_pg(a.db) && access(a.db, F_OK) != 0) {
        fprintf(stderr,
                "wijkpeil-collector: %s: no such database (serve and device add create one)\n",
                a.db);
        return 1;
    }
    if (strcmp(cmd, "export") == 0 && a.nqsets > 1) {
        fprintf(stderr, "wijkpeil-collector export: one --qset at most\n");
        return 2;
    }
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(&a);
    char err[WP_ERR_LEN];
    coll_db *db = NULL;
    if (coll_db_open(a.db, &db, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return 1;
    }
    int rc;
    if (a.seal_key && strcmp(cmd, "serve") && strcmp(cmd, "import")) {
        fprintf(stderr, "wijkpeil-collector: --seal-secret-key is for serve and import\n");
        coll_db_close(db);
        return 2;
    }
    if (a.seal_key && use_seal_key(db, a.seal_key) != 0) {
        coll_db_close(db);
        return 1;
    }
    if (strcmp(cmd, "serve") == 0)
        rc = cmd_serve(db, &a);
    else if (strcmp(cmd, "device") == 0)
        rc = cmd_device(db, &a);
    else if (strcmp(cmd, "export") == 0)
        rc = cmd_export(db, &a);
    else if (strcmp(cmd, "user") == 0)
        rc = cmd_user(db, &a);
    else if (strcmp(cmd, "import") == 0)
        rc = cmd_import(db, &a);
    else if (strcmp(cmd, "share") == 0)
        rc = cmd_share(db, &a);
    else if (strcmp(cmd, "publish") == 0)
        rc = cmd_publish(db, &a);
    else
        rc = coll_db_status(db, stdout, wp_wall_ms(), err, sizeof err) == 0 ? 0 : 1;
    if (rc == 1 && strcmp(cmd, "status") == 0)
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
    int64_t sealed =
        rc == 0 && strcmp(cmd, "status") == 0 ? coll_db_sealed_count(db, err, sizeof err) : 0;
    if (sealed > 0)
        printf("%lld responses are held sealed: open them with serve or import "
               "--seal-secret-key FILE\n",
               (long long)sealed);
    coll_db_close(db);
    return rc;
}
