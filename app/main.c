/* wijkpeil: the touchscreen poll kiosk. Loads the settings and the question set, opens the
 * response store, and runs the resident screens event-driven (or a script, headless). Also
 * dispatches the `export` and `sync` sub-commands. */
#include "cli.h"
#include "cliopt.h"
#include "activeset.h"
#include "config.h"
#include "flow.h"
#include "plat_input.h"
#include "plat_display.h"
#include "plat_notify.h"
#include "plat_usb.h"
#include "plat_wait.h"
#include "qset.h"
#include "saveq.h"
#include "store.h"
#include "synclink.h"
#include "cards.h"
#include "ui.h"
#include "ui_script.h"
#include "ui_staff.h"
#include "fleet.h"
#include "uistr.h"
#include "util.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

_Static_assert(STORE_VERSION_TEXT_MAX >= QSET_MAX_VERSION_TEXT,
               "a stored response must hold any version_text of a set");

#define APP_RETRY_MAX   1000  /* unsaved responses kept in memory while the disk fails */
#define APP_RETRY_MS    5000  /* how often a failed save is tried again */
#define APP_MAX_WAIT_MS 60000 /* longest sleep of the event loop */
#define APP_CARDS_MS    60000 /* how often the cards the uploader keeps are looked at */

/* Everything the kiosk process owns; main holds the only instance. */
typedef struct {
    config cfg;
    config base_cfg;   /* the settings as loaded, before the centre's settings document */
    config next_cfg;   /* the settings the centre's schedule wants (fleet_settings) */
    bool settings_due; /* next_cfg waits to be taken between residents */
    char settings_path[CONFIG_PATH_LEN + 64]; /* the centre's document in next_cfg ("" none) */
    char data_dir[CONFIG_PATH_LEN];
    const char *script;
    int win_w, win_h;
    bool windowed, stats;
    FILE *log;
    uistr *strings;
    uistr *staff_strings; /* assets/staff-strings.json */
    store *st;
    synclink *sync; /* to the uploader (wijkpeil-sync), NULL when sync is off */
    speech *speech; /* read-aloud, NULL when espeak-ng or audio is unavailable */
    ui_staff *staff;
    plat_usb *usb;          /* notices sticks under the mount roots; NULL when off */
    SDL_Thread *usb_thread; /* wakes the loop when the watcher fd is readable */
    SDL_sem *usb_sem;       /* the loop has read the watcher fd */
    int usb_quit[2];        /* pipe: closing the write end stops usb_thread */
    Uint32 usb_event;
    Uint32 staff_event;               /* the staff worker finished a PIN check or stick scan */
    char fleet_path[CONFIG_PATH_LEN]; /* the set the centre's schedule started ("" when none) */
    int64_t fleet_next;               /* when to look at the schedule again (monotonic ms) */
    int64_t step_now;                 /* the monotonic time of the last app_step */
    bool native_wait;                 /* the video driver can block in SDL_WaitEventTimeout */
    int blank; /* backlight: 1 off (resting), 0 on, -1 not set yet (set at start) */
    char data_dir_local[CONFIG_PATH_LEN]; /* folder of the database: installed sets, local.conf */
    char override_path[CONFIG_PATH_LEN + 16];
    activeset *sets;              /* the set residents get, one staff chose, earlier ones */
    char store_error[WP_ERR_LEN]; /* why the database could not be opened at start */
    Uint32 speech_event;
    bool speech_starting; /* speech_start returned; the worker has not said how it went */
    plat_wait *waiter;    /* where SDL cannot block: poll() on input devices (plat_wait.h) */
    int64_t hours_change; /* next opening or closing time (from apply_hours) */
    int64_t cards_at;     /* next look at the cards in the store (load_cards) */
    char speech_error[WP_ERR_LEN]; /* why there is no speech ("" when it works) */
    ui *u;
    SDL_Window *win;
    SDL_Renderer *ren;
    int64_t mono_base, wall_base; /* wall clock = wall_base + (mono - mono_base) */
    saveq *saves; /* responses that could not be stored yet, retried until they are */
    long frames;
    int64_t first_frame_mono;
    int64_t first_frame_cpu_us; /* CPU time of the process (all threads) until then, --stats */
    bool failed; /* the kiosk stopped after its first frame (the staff words did not load) */
} app;

static void app_log(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void app_log(app *a, const char *fmt, ...)
{
    char ts[32];
    wp_iso8601(wp_wall_ms(), ts, sizeof ts);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "wijkpeil: %s\n", msg);
    if (a->log) {
        fprintf(a->log, "%s %s\n", ts, msg);
        fflush(a->log);
    }
}

static int64_t wall_at(const app *a, int64_t mono)
{
    /* Real clock: read it now, since NTP may have stepped it since start-up (a Pi has no
     * real-time clock). Script mode: the virtual clock. */
    if (!a->script)
        return wp_wall_ms() - (wp_mono_ms() - mono);
    return a->wall_base + (mono - a->mono_base);
}

/* Opens the kiosk's store into a->st; with seal_public_key set, answers are stored sealed. */
static int open_store(app *a, char *err, size_t errlen)
{
    if (store_open(a->cfg.db, &a->st, err, errlen) != 0)
        return -1;
    if (store_seal_to(a->st, a->cfg.seal_public_key, err, errlen) != 0) {
        store_close(a->st); /* never store answers in clear when sealing was asked for */
        a->st = NULL;
        return -1;
    }
    return 0;
}

/* The store, opened again if it could not be opened before (a medium that was read-only or
 * full at start-up). Returns NULL with the reason in err. */
static store *app_store(app *a, char *err, size_t errlen)
{
    if (!a->st && open_store(a, err, errlen) == 0)
        app_log(a, "database %s is writable again", a->cfg.db);
    return a->st;
}

/* saveq's store: the kiosk's store, reopened when needed. */
static store *saves_store(void *ctx, char *err, size_t errlen)
{
    return app_store(ctx, err, errlen);
}

/* saveq: a response is durable; the uploader is told. */
static void saves_stored(void *ctx, const store_response *r, bool retried)
{
    app *a = ctx;
    if (retried)
        app_log(a, "stored response %s (seq %lld) after an earlier failure", r->id,
                (long long)r->seq);
    else
        app_log(a, "stored %s response %s (seq %lld)",
                r->status == STORE_ABANDONED ? "abandoned" : "complete", r->id, (long long)r->seq);
    synclink_wake(a->sync);
}

/* Tries the responses that could not be stored before; keeps those that still fail. */
static void retry_unsaved(app *a, int64_t now)
{
    if (saveq_retry(a->saves, now) && a->u)
        ui_set_error(a->u, ""); /* everything is stored: the warning for staff goes away */
}

/* "You are one of N" on the thank-you screen: the cards' this_month at the location plus the
 * complete responses stored here this month that those cards cannot count (not delivered before
 * they arrived; this one too, once stored); none when the cards have no this_month, it is of
 * another month or the database is out. */
static void update_one_of(app *a)
{
    const cards *c = a->u ? ui_cards(a->u) : NULL;
    if (!c)
        return;
    char err[WP_ERR_LEN], today[16];
    time_t t = (time_t)(wp_wall_ms() / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    struct tm first = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = 1, .tm_isdst = -1};
    time_t month = mktime(&first);
    int64_t since = -1;
    store *st = month != (time_t)-1 ? app_store(a, err, sizeof err) : NULL;
    if (st && store_uncounted_since(st, (int64_t)month * 1000, &since, err, sizeof err) != 0)
        since = -1;
    ui_set_one_of(a->u, cards_one_of(c, today, since));
}

/* ui_save_fn: turns a finished/abandoned session into a stored response. */
static int save_response(void *ctx, const flow_response *fr, char *err, size_t errlen)
{
    app *a = ctx;
    store_response r;
    memset(&r, 0, sizeof r);
    wp_strlcpy(r.questionset, qset_id(fr->qs), sizeof r.questionset);
    r.questionset_version = qset_version(fr->qs);
    const char *vt = qset_version_text(fr->qs);
    wp_strlcpy(r.questionset_version_text, vt ? vt : "", sizeof r.questionset_version_text);
    wp_strlcpy(r.language, qset_language(fr->qs, fr->language), sizeof r.language);
    r.started_at_ms = wall_at(a, fr->started_mono_ms);
    r.finished_at_ms = wall_at(a, fr->finished_mono_ms);
    r.duration_ms = fr->finished_mono_ms - fr->started_mono_ms;
    for (int i = 0; i < fr->n_languages; i++) {
        size_t used = strlen(r.languages);
        snprintf(r.languages + used, sizeof r.languages - used, "%s%s", used ? ";" : "",
                 qset_language(fr->qs, fr->languages[i]));
    }
    if (!r.languages[0]) /* never chose one (cannot answer then): the one it ended in */
        wp_strlcpy(r.languages, r.language, sizeof r.languages);
    r.active_ms = fr->active_ms;
    r.flags = ((fr->flags & FLOW_FLAG_RAPID_REPEAT) ? STORE_FLAG_RAPID_REPEAT : 0u) |
              ((fr->flags & FLOW_FLAG_TOO_FAST) ? STORE_FLAG_TOO_FAST : 0u);
    r.status = fr->abandoned ? STORE_ABANDONED : STORE_COMPLETE;
    r.clock_synced = wp_clock_synced();
    char *answers = flow_answers_json(fr);
    if (!answers) {
        wp_errf(err, errlen, "out of memory while saving a response");
        app_log(a, "%s", err);
        return -1;
    }
    if (saveq_save(a->saves, &r, answers, err, errlen) == 0) {
        if (r.status == STORE_COMPLETE)
            update_one_of(a);
        return 0;
    }
    app_log(a, "ERROR: could not store a response: %s", err);
    return -1;
}

static void staff_info(app *a, ui_staff_info *in)
{
    memset(in, 0, sizeof *in);
    wp_strlcpy(in->device_id, a->cfg.device_id, sizeof in->device_id);
    wp_strlcpy(in->location, a->cfg.location, sizeof in->location);
    wp_strlcpy(in->app_version, WIJKPEIL_VERSION, sizeof in->app_version);
    wp_strlcpy(in->set_id, qset_id(activeset_current(a->sets)), sizeof in->set_id);
    in->set_version = qset_version(activeset_current(a->sets));
    wp_strlcpy(in->speech_error, a->speech_error, sizeof in->speech_error);
}

/* Switches to the set staff activated, but only between residents. */
static void apply_pending(app *a)
{
    qset *next = activeset_pending(a->sets);
    if (!next || !ui_set_qset(a->u, next))
        return;
    activeset_switched(a->sets);
    const qset *qs = next;
    app_log(a, "question set %s v%d is active now", qset_id(qs), qset_version(qs));
    synclink_set_active(a->sync, qset_id(qs), qset_version(qs));
    ui_staff_info in;
    staff_info(a, &in);
    ui_staff_set_info(a->staff, &in);
}

/* ui_staff_options.worker_done, on the staff worker: wakes the loop, whose step shows the result
 * (SDL_PushEvent is thread-safe). */
static void staff_worker_done(void *ctx)
{
    app *a = ctx;
    if (!a->staff_event || a->staff_event == (Uint32)-1)
        return;
    SDL_Event e;
    SDL_zero(e);
    e.type = a->staff_event;
    SDL_PushEvent(&e);
}

/* ui_staff_activate_fn: staff chose a verified, installed set. */
static int staff_activate(void *ctx, const char *path, char *err, size_t errlen)
{
    app *a = ctx;
    char warn[WP_ERR_LEN], merr[WP_ERR_LEN];
    store *st = app_store(a, merr, sizeof merr);
    if (activeset_choose(a->sets, st, path, a->strings, warn, sizeof warn, err, errlen) != 0)
        return -1;
    if (warn[0])
        app_log(a, "WARNING: the activated set is not remembered for a restart: %s",
                st ? warn : merr);
    const qset *qs = activeset_pending(a->sets);
    app_log(a, "staff activated question set %s v%d (%s)", qset_id(qs), qset_version(qs), path);
    /* Newer than any publication running now: the schedule leaves it be (fleet_due). */
    char at[32];
    snprintf(at, sizeof at, "%lld", (long long)wall_at(a, a->step_now));
    if (st && store_meta_set(st, ACTIVESET_META_AT, at, merr, sizeof merr) != 0)
        app_log(a, "WARNING: when staff chose the set is not remembered: %s", merr);
    a->fleet_path[0] = '\0';
    apply_pending(a);
    return 0;
}

/* Whether the wall clock at monotonic time now is within opening_hours ("HH:MM-HH:MM", local
 * time, may wrap past midnight); *next gets the monotonic time of the next change. */
static bool within_hours(const app *a, int64_t now, int64_t *next)
{
    time_t t = (time_t)(wall_at(a, now) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    int minute = tm.tm_hour * 60 + tm.tm_min;
    long in = hours_next_change(&a->cfg.hours, minute, tm.tm_sec);
    *next = in < 0 ? INT64_MAX : now + (int64_t)in * 1000;
    return hours_open_at(&a->cfg.hours, minute);
}

/* Rests the attract screen outside opening hours. Returns the next time this changes. */
static int64_t apply_hours(app *a, int64_t now)
{
    int64_t next;
    ui_set_resting(a->u, !within_hours(a, now, &next), a->cfg.opening_hours);
    return next;
}

/* Switches the panel's backlight off while nothing is shown, on again when it wakes. */
static void apply_backlight(app *a, int64_t now)
{
    int blank = ui_blank(a->u, now);
    if (blank == a->blank)
        return; /* only changes are written; the first call always writes */
    a->blank = blank;
    int n = plat_display_power(SDL_getenv("WIJKPEIL_BACKLIGHT_DIR"), !blank);
    app_log(a, "display %s (%d backlight%s switched)", blank ? "off: closed" : "on", n,
            n == 1 ? "" : "s");
}

#define APP_SCHEDULE_RECHECK_MS 60000 /* the uploader may have fetched a publication meanwhile */

/* The screens' times from settings c (one place for the start and the centre's documents). */
static void flow_options_of(const config *c, flow_options *fo)
{
    flow_default_options(fo);
    fo->idle_ms = (int64_t)c->idle_seconds * 1000;
    fo->still_there_ms = (int64_t)c->still_there_seconds * 1000;
    fo->thanks_ms = (int64_t)c->thanks_seconds * 1000;
    fo->keep_abandoned = c->keep_abandoned;
    fo->rapid_repeat_ms = (int64_t)c->rapid_repeat_seconds * 1000;
    fo->rapid_repeat_same_pct = c->rapid_repeat_same_percent;
    fo->too_fast_ms_per_char = c->too_fast_ms_per_char;
    fo->too_fast_min_ms = c->too_fast_min_ms;
}

/* The centre's settings document due now (fleet_settings) waits in next_cfg for the screens
 * to be between residents (apply_settings); when none is due any more, the settings as loaded
 * come back the same way. */
static void schedule_settings(app *a, store *st, int64_t now, int64_t wall)
{
    char err[WP_ERR_LEN], path[sizeof a->settings_path];
    int64_t next_wall;
    if (fleet_settings(st, wall, &a->base_cfg, a->override_path, &a->next_cfg, path, sizeof path,
                       &next_wall, err, sizeof err) != 0)
        app_log(a, "WARNING: the centre's settings are not used: %s", err);
    if (next_wall != INT64_MAX && now + (next_wall - wall) < a->fleet_next)
        a->fleet_next = now + (next_wall - wall);
    if (!strcmp(path, a->settings_path))
        return;
    wp_strlcpy(a->settings_path, path, sizeof a->settings_path);
    a->settings_due = true;
    app_log(a, "%s%s: taken between residents",
            path[0] ? "the centre's settings start: " : "the centre's settings ended", path);
}

/* Takes next_cfg when no resident is busy: the screens' times, the languages offered and the
 * opening hours (apply_hours reads a->cfg). */
static void apply_settings(app *a)
{
    if (!a->settings_due)
        return;
    flow_options fo;
    flow_options_of(&a->next_cfg, &fo);
    if (!ui_set_settings(a->u, &fo, a->next_cfg.languages))
        return;
    bool shared = a->cfg.share;
    config_copy_remote(&a->cfg, &a->next_cfg);
    a->settings_due = false;
    if (shared != a->cfg.share)
        a->cards_at = 0; /* the cards go, or come back, at the next step */
    app_log(a,
            "settings in use: languages \"%s\", opening_hours \"%s\", idle_seconds %d, "
            "still_there_seconds %d, thanks_seconds %d",
            a->cfg.languages, a->cfg.opening_hours, a->cfg.idle_seconds, a->cfg.still_there_seconds,
            a->cfg.thanks_seconds);
}

/* The centre's schedule (fleet.h): a published set that is due becomes pending (switched
 * between residents by apply_pending); when none is due any more, the set from before it
 * (staff's remembered choice, else the configured one) comes back. The schedule is in the
 * store, so a restart picks it up again. */
static void apply_schedule(app *a, int64_t now)
{
    if (now < a->fleet_next)
        return;
    a->fleet_next = now + APP_SCHEDULE_RECHECK_MS;
    char err[WP_ERR_LEN], path[CONFIG_PATH_LEN], base[STORE_META_MAX];
    store *st = app_store(a, err, sizeof err);
    if (!st)
        return;
    int64_t wall = wall_at(a, now), next_wall;
    char at[32];
    long long chosen = 0;
    if (store_meta_get(st, ACTIVESET_META_AT, at, sizeof at, err, sizeof err) == 0)
        chosen = atoll(at);
    fleet_due(st, wall, chosen, path, sizeof path, &next_wall);
    if (next_wall != INT64_MAX && now + (next_wall - wall) < a->fleet_next)
        a->fleet_next = now + (next_wall - wall);
    schedule_settings(a, st, now, wall);
    if (!strcmp(path, a->fleet_path))
        return;
    const char *want = path;
    if (!path[0]) {
        if (store_meta_get(st, ACTIVESET_META, base, sizeof base, err, sizeof err) != 0)
            wp_strlcpy(base, a->cfg.questionset, sizeof base);
        want = base;
    }
    if (activeset_schedule(a->sets, want, a->strings, err, sizeof err) == 0)
        app_log(a, "%s %s: switching between residents",
                path[0] ? "the centre's schedule starts" : "the centre's schedule ended, back to",
                want);
    else
        app_log(a, "WARNING: the centre's schedule: %s", err);
    wp_strlcpy(a->fleet_path, path, sizeof a->fleet_path);
}

static void check_usb(app *a, int64_t now);
static bool check_speech(app *a);

/* The kiosk's per-tick work, in one order, for the production loop and the script driver alike:
 * the screens' timeouts, the save retry queue, a pending question-set switch, USB sticks,
 * opening hours and the backlight. Returns true when the screen must be redrawn. */
/* The cards the uploader keeps in the store (what neighbours said): given to the screens when
 * their version changed. Without any, or while the database cannot be read, the screens keep
 * what they have. */
static bool load_cards(app *a, int64_t now)
{
    a->cards_at = now + APP_CARDS_MS;
    char err[WP_ERR_LEN], *doc = NULL;
    cards *c = NULL;
    bool changed = false;
    if (!a->cfg.share) { /* share = no: no cards on this kiosk's screens */
        if (ui_cards(a->u)) {
            app_log(a, "cards not shown (share = no)");
            ui_set_cards(a->u, NULL); /* and the "one of N" line with them */
            changed = true;
        }
        return changed;
    }
    store *st = app_store(a, err, sizeof err);
    if (st && store_cards_get(st, &doc, err, sizeof err) == 0 &&
        cards_parse(doc, strlen(doc), &c, err, sizeof err) == 0) {
        const cards *old = ui_cards(a->u);
        if (!old || strcmp(cards_version(old), cards_version(c)) != 0) {
            app_log(a, "cards %s of %s (%d)", cards_version(c), cards_date(c), cards_count(c));
            ui_set_cards(a->u, c);
            c = NULL;
            changed = true;
            update_one_of(a);
        }
    }
    cards_free(c);
    free(doc);
    return changed;
}

static bool app_step(void *ctx, int64_t now)
{
    app *a = ctx;
    a->step_now = now;
    bool dirty = ui_tick(a->u, now);
    if (now >= a->cards_at && load_cards(a, now))
        dirty = true;
    if (check_speech(a))
        dirty = true;
    retry_unsaved(a, now);
    apply_schedule(a, now);
    apply_pending(a);
    apply_settings(a);
    check_usb(a, now);
    a->hours_change = apply_hours(a, now);
    apply_backlight(a, now);
    return dirty;
}

/* The next time app_step has work (INT64_MAX: none). */
static int64_t app_deadline(void *ctx, int64_t now)
{
    app *a = ctx;
    int64_t d = ui_deadline(a->u, now);
    if (saveq_deadline(a->saves) < d)
        d = saveq_deadline(a->saves);
    if (a->usb && plat_usb_deadline(a->usb, now) < d)
        d = plat_usb_deadline(a->usb, now);
    if (a->hours_change < d)
        d = a->hours_change;
    if (a->fleet_next < d)
        d = a->fleet_next;
    return d;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: wijkpeil [--config FILE] [--questionset FILE] [--db FILE] [--window WxH]\n"
               "                [--script FILE] [--stats]\n"
               "       wijkpeil export --db FILE [--format jsonl|csv|csv-excel] [-o FILE]\n"
               "       wijkpeil sync [--config FILE] [--db FILE]\n"
               "script commands (--script FILE, one a line, # comments):\n");
    script_commands_help(f);
}

static int parse_args(app *a, int argc, char **argv)
{
    const char *config_path = NULL, *qs = NULL, *db = NULL;
    char err[WP_ERR_LEN];
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(o, "--config") && has)
            config_path = argv[++i];
        else if (!strcmp(o, "--questionset") && has)
            qs = argv[++i];
        else if (!strcmp(o, "--db") && has)
            db = argv[++i];
        else if (!strcmp(o, "--script") && has)
            a->script = argv[++i];
        else if (!strcmp(o, "--window") && has) {
            int used = 0;
            if (sscanf(argv[++i], "%dx%d%n", &a->win_w, &a->win_h, &used) != 2 || argv[i][used] ||
                a->win_w < 320 || a->win_h < 240 || a->win_w > 8192 || a->win_h > 8192) {
                fprintf(stderr, "wijkpeil: --window wants WIDTHxHEIGHT, e.g. 1920x1080\n");
                return 2;
            }
            a->windowed = true;
        } else if (!strcmp(o, "--stats"))
            a->stats = true;
        else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(o, "--version")) {
            exit(cliopt_print_version("wijkpeil"));
        } else {
            fprintf(stderr, "wijkpeil: unknown option \"%s\"\n", o);
            usage(stderr);
            return 2; /* a usage error */
        }
    }
    /* The same loader as `wijkpeil sync`: the config file, --db, then the settings staff
     * saved from a stick (local.conf in the database's folder, whitelisted again on reading). */
    config_sources src;
    if (config_load_kiosk(&a->cfg, config_path, db, &src, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil: %s\n", err);
        return -1;
    }
    if (src.warning[0])
        fprintf(stderr, "wijkpeil: WARNING: %s\n", src.warning);
    if (qs)
        wp_strlcpy(a->cfg.questionset, qs, sizeof a->cfg.questionset);
    if (!a->cfg.questionset[0]) {
        fprintf(stderr, "wijkpeil: no question set: give --questionset FILE or set "
                        "questionset in the config\n");
        return -1;
    }
    wp_strlcpy(a->data_dir_local, src.data_dir, sizeof a->data_dir_local);
    wp_strlcpy(a->override_path, src.local_path, sizeof a->override_path);
    a->base_cfg = a->cfg; /* under the centre's settings document (fleet_settings) */
    return 0;
}

/* Where assets/ and fonts/ are: $WIJKPEIL_DATA, else the install or source folder. */
static void find_data_dir(app *a)
{
    const char *env = getenv("WIJKPEIL_DATA");
    wp_strlcpy(a->data_dir, env && *env ? env : WIJKPEIL_DATA_DIR, sizeof a->data_dir);
}

static int load_content(app *a)
{
    char err[WP_ERR_LEN];
    qset_diag *diag = calloc(1, sizeof *diag);
    if (!diag)
        return -1;
    /* The kiosk's own strings first (built in): the set is checked against their languages. */
    if (uistr_load_builtin(&a->strings, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil: %s\n", err);
        free(diag);
        return -1;
    }
    qset *qs = NULL;
    if (qset_load_file(a->cfg.questionset, a->strings, &qs, diag) != 0) {
        fprintf(stderr, "wijkpeil: the question set is not valid; the kiosk will not start "
                        "a poll from it:\n");
        for (int i = 0; i < diag->n; i++)
            fprintf(stderr, "%s\n", diag->msg[i]);
        if (diag->dropped)
            fprintf(stderr, "(and %d more)\n", diag->dropped);
        free(diag);
        return -1;
    }
    free(diag);
    for (int i = 0; i < qset_n_warnings(qs); i++) /* e.g. a language without card words */
        app_log(a, "WARNING: %s", qset_warning(qs, i));
    if (!(a->sets = activeset_new(qs)))
        return -1;
    if (open_store(a, err, sizeof err) != 0) {
        /* Not fatal: residents can still answer; every save retries the database, the error
         * is on screen for staff and in the log, and answers wait in memory. */
        app_log(a, "ERROR: %s", err);
        wp_strlcpy(a->store_error, err, sizeof a->store_error);
        return 0;
    }
    /* A set staff activated survives a restart, as long as it still loads. */
    activeset_restore(a->sets, a->st, a->strings);
    return 0;
}

static double px_per_mm(app *a)
{
    if (a->cfg.screen_width_mm > 0)
        return a->win_w / a->cfg.screen_width_mm;
    float hdpi = 0;
    if (SDL_GetDisplayDPI(0, NULL, &hdpi, NULL) == 0 && hdpi > 40 && hdpi < 1000)
        return hdpi / 25.4;
    return 96.0 / 25.4; /* unknown: a common desktop monitor */
}

static int open_video(app *a)
{
    bool headless = a->script != NULL;
    if (headless) {
        /* Software rendering without an OpenGL probe: ~100 ms and ~95 MB less. */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    }
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "wijkpeil: cannot start the display: %s\n", SDL_GetError());
        return -1;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "wijkpeil: cannot start font rendering: %s\n", TTF_GetError());
        return -1;
    }
    Uint32 flags = SDL_WINDOW_SHOWN;
    if (!a->windowed && !headless) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        SDL_DisplayMode dm;
        if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            a->win_w = dm.w;
            a->win_h = dm.h;
        }
    }
    if (a->win_w == 0) {
        a->win_w = 1920;
        a->win_h = 1080;
    }
    a->win = SDL_CreateWindow("Wijkpeil", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, a->win_w,
                              a->win_h, flags);
    if (!a->win) {
        fprintf(stderr, "wijkpeil: cannot open a window: %s\n", SDL_GetError());
        return -1;
    }
    SDL_GetWindowSize(a->win, &a->win_w, &a->win_h);
    a->ren = SDL_CreateRenderer(a->win, -1, headless ? SDL_RENDERER_SOFTWARE : 0);
    if (!a->ren && !headless)
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->ren) {
        fprintf(stderr, "wijkpeil: cannot draw: %s\n", SDL_GetError());
        return -1;
    }
    if (!headless)
        SDL_ShowCursor(a->windowed ? SDL_ENABLE : SDL_DISABLE);
    return 0;
}

static int open_ui(app *a, int64_t now)
{
    char err[WP_ERR_LEN], fonts[CONFIG_PATH_LEN + 16], icons[CONFIG_PATH_LEN + 16];
    snprintf(fonts, sizeof fonts, "%s/fonts", a->data_dir);
    snprintf(icons, sizeof icons, "%s/assets/icons", a->data_dir);
    ui_options o;
    memset(&o, 0, sizeof o);
    o.renderer = a->ren;
    o.width = a->win_w;
    o.height = a->win_h;
    o.px_per_mm = px_per_mm(a);
    o.viewing_distance_mm = a->cfg.viewing_distance_mm;
    o.font_dir = fonts;
    o.icon_dir = icons;
    o.strings = a->strings;
    flow_options_of(&a->cfg, &o.flow);
    o.save = save_response;
    o.save_ctx = a;
    o.languages = a->cfg.languages;
    o.tap_debounce_ms = a->cfg.tap_debounce_ms;
    ui_staff_options so;
    memset(&so, 0, sizeof so);
    so.cfg = &a->cfg;
    so.strings = a->strings;
    so.db_path = a->cfg.db;
    so.data_dir = a->data_dir_local;
    so.log_path = a->cfg.log_file;
    so.override_path = a->override_path;
    so.sync = a->sync;
    so.px_per_mm = o.px_per_mm;
    so.activate = staff_activate;
    so.ctx = a;
    so.run_inline = a->script != NULL;
    a->staff_event = SDL_RegisterEvents(1);
    so.worker_done = staff_worker_done;
    so.staff_strings = a->staff_strings;
    /* systemd makes /run/wijkpeil for the service (RuntimeDirectory=); tests point it elsewhere. */
    const char *rt = SDL_getenv("WIJKPEIL_RUNTIME_DIR");
    so.runtime_dir = rt && *rt ? rt : "/run/wijkpeil";
    staff_info(a, &so.info);
    a->staff = ui_staff_new(&so);
    o.staff = a->staff;
    if (ui_open(&o, activeset_current(a->sets), now, &a->u, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil: %s\n", err);
        return -1;
    }
    load_cards(a, now); /* the first frame shows the cards kept from before */
    return 0;
}

/* Residents and staff learn that there is no read-aloud, and why. */
static void no_speech(app *a, const char *err)
{
    app_log(a, "ERROR: no speech: %s", err);
    wp_strlcpy(a->speech_error, err, sizeof a->speech_error);
    ui_set_speech_unavailable(a->u, true);
    if (a->staff) {
        ui_staff_info in;
        staff_info(a, &in);
        ui_staff_set_info(a->staff, &in);
    }
}

/* Starts speech after the first frame. espeak-ng, its voice list and the audio device take tens
 * of milliseconds and megabytes: the speech worker does that, never this thread; what residents
 * ask for meanwhile is said once it is ready. check_speech (every step) learns how it ended. */
static void open_speech(app *a)
{
    char err[WP_ERR_LEN];
    if (SDL_getenv("WIJKPEIL_NO_SPEECH"))
        return;
    a->speech_event = SDL_RegisterEvents(1);
    speech_options so = {.event_type = a->speech_event == (Uint32)-1 ? 0 : a->speech_event};
    if (speech_start(&so, &a->speech, err, sizeof err) != 0) {
        no_speech(a, err);
        return;
    }
    a->speech_starting = true;
    ui_set_speech(a->u, a->speech);
}

/* Once the speech worker has finished starting: if it failed, the kiosk goes on without. */
static bool check_speech(app *a)
{
    char err[WP_ERR_LEN];
    if (!a->speech_starting)
        return false;
    int state = speech_state(a->speech, err, sizeof err);
    if (state == SPEECH_STARTING)
        return false;
    a->speech_starting = false;
    if (state == SPEECH_READY)
        return false;
    ui_set_speech(a->u, NULL);
    speech_close(a->speech);
    a->speech = NULL;
    no_speech(a, err);
    return true;
}

/* CPU time the process has used so far (all threads, the dynamic loader included). */
static int64_t cpu_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The staff words are read once residents see the first frame (about a twentieth of the work
 * before it): nobody can reach a staff screen before the loop takes its first input. A kiosk
 * installed without them stops here, as it would have before its first frame. */
static void load_staff_strings(app *a)
{
    char err[WP_ERR_LEN], path[CONFIG_PATH_LEN + 64];
    snprintf(path, sizeof path, "%s/assets/staff-strings.json", a->data_dir);
    if (ui_staff_load_strings(path, &a->staff_strings, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil: %s\n", err);
        app_log(a, "ERROR: %s", err);
        a->failed = true;
        SDL_Event q = {.type = SDL_QUIT};
        SDL_PushEvent(&q);
        return;
    }
    ui_staff_set_strings(a->staff, a->staff_strings);
}

/* After the first frame, in both loops: what residents do not need to see it. */
static void after_first_frame(app *a)
{
    a->first_frame_cpu_us = cpu_us();
    open_speech(a); /* its worker starts espeak-ng while this thread reads the staff words */
    load_staff_strings(a);
}

/* The script driver runs on a virtual clock in which other threads' work is instant: its
 * scripts see speech started (or failed) from the first frame on, as they always have. */
static void on_first_frame(void *ctx)
{
    app *a = ctx;
    after_first_frame(a);
    if (a->speech)
        speech_wait_ready(a->speech, NULL, 0);
    check_speech(a);
}

static void present(app *a, int64_t now)
{
    ui_draw(a->u, now);
    SDL_RenderPresent(a->ren);
    if (a->frames++ == 0) {
        a->first_frame_mono = wp_mono_ms();
        plat_notify_ready();
        after_first_frame(a);
    }
}

/* Logs the USB sticks present after the watcher saw a change (staff read it in the log; the
 * staff screens look at the sticks themselves). */
static void check_usb(app *a, int64_t now)
{
    if (!a->usb || !plat_usb_check(a->usb, now))
        return;
    char sticks[4][STICK_PATH_LEN];
    int n = plat_usb_sticks(a->usb, sticks, 4);
    if (n == 0)
        app_log(a, "no USB stick with a WIJKPEIL folder");
    for (int i = 0; i < n && i < 4; i++)
        app_log(a, "USB stick with a WIJKPEIL folder at %s", sticks[i]);
}

/* Sleeps in poll() on the stick watcher's descriptor and wakes the event loop when it becomes
 * readable, so a stick is noticed at once without the loop polling on a timer. */
static int usb_thread_main(void *ctx)
{
    app *a = ctx;
    struct pollfd p[2] = {{plat_usb_fd(a->usb), POLLIN, 0}, {a->usb_quit[0], POLLIN, 0}};
    for (;;) {
        if (poll(p, 2, -1) < 0)
            continue;
        if (p[1].revents)
            return 0;
        if (p[0].revents & POLLIN) {
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = a->usb_event;
            SDL_PushEvent(&e);
            SDL_SemWait(a->usb_sem); /* until the loop has drained the descriptor */
        }
    }
}

static void start_usb(app *a)
{
    char err[WP_ERR_LEN];
    if (plat_usb_open(&a->cfg, &a->usb, err, sizeof err) != 0) {
        app_log(a, "USB sticks are not watched: %s", err);
        return;
    }
    a->usb_event = SDL_RegisterEvents(1);
    a->usb_sem = SDL_CreateSemaphore(0);
    if (a->usb_event == (Uint32)-1 || !a->usb_sem || pipe(a->usb_quit) != 0)
        return;
    a->usb_thread = SDL_CreateThread(usb_thread_main, "usb", a);
}

static void stop_usb(app *a)
{
    if (a->usb_thread) {
        close(a->usb_quit[1]);
        SDL_SemPost(a->usb_sem);
        SDL_WaitThread(a->usb_thread, NULL);
        close(a->usb_quit[0]);
    }
    if (a->usb_sem)
        SDL_DestroySemaphore(a->usb_sem);
    plat_usb_close(a->usb);
    a->usb = NULL;
}

/* Sleeps until an event or timeout_ms. SDL 2.26 blocks natively only on x11 and wayland; on
 * other drivers (KMSDRM on the Pi, dummy) its SDL_WaitEventTimeout polls every millisecond.
 * There we block in poll() on the input devices and an eventfd (plat_wait.h); only if that
 * cannot be set up (no eventfd or inotify) does SDL's own polling remain. */
static bool wait_event(app *a, SDL_Event *ev, int timeout_ms)
{
    if (a->waiter)
        return plat_wait_event(a->waiter, ev, timeout_ms);
    return SDL_WaitEventTimeout(ev, timeout_ms) == 1;
}

/* The kiosk is being stopped (SIGTERM from systemd or staff, SIGINT, the window closed) while a
 * resident is in the middle of a poll: their answers so far are stored as abandoned, as when
 * they walk away, and the log says so. */
static void save_on_stop(app *a, int64_t now)
{
    flow *f = a->u ? ui_flow(a->u) : NULL;
    if (!f || !flow_busy(f))
        return;
    char where[48];
    if (flow_question(f) >= 0)
        snprintf(where, sizeof where, "on question %d", flow_question(f) + 1);
    else
        snprintf(where, sizeof where, "on the %s screen", flow_screen_name(flow_current(f)));
    flow_response r;
    if (flow_abandon(f, now) && flow_take_response(f, &r)) {
        app_log(a, "stopping during a poll (%s): the answers so far are stored as abandoned",
                where);
        char err[WP_ERR_LEN];
        save_response(a, &r, err, sizeof err); /* logs the outcome */
    } else if (!a->cfg.keep_abandoned) {
        app_log(a,
                "stopping during a poll (%s): partial answers are not kept (keep_abandoned = no)",
                where);
    } else {
        app_log(a, "stopping during a poll (%s): nothing answered yet", where);
    }
}

/* The event-driven loop: sleep until input or the next deadline, draw only when changed. */
static int run_interactive(app *a)
{
    start_usb(a);
    const char *drv = SDL_GetCurrentVideoDriver();
    a->native_wait = drv && (!strcmp(drv, "x11") || !strcmp(drv, "wayland"));
    if (!a->native_wait) {
        /* KMSDRM and dummy: block in poll() on the input devices instead of polling SDL. */
        char err[WP_ERR_LEN];
        if (plat_wait_open(NULL, &a->waiter, err, sizeof err) != 0)
            app_log(a, "%s: SDL polls for events instead", err);
    }
    bool dirty = true, running = true;
    bool exposed = true; /* the window lost its pixels: draw even a blank screen again */
    int64_t wd = plat_watchdog_ms(), next_wd = 0;
    /* Fault injection for the watchdog test: the main loop hangs this many ms after the first
     * frame (READY=1; however long a loaded machine took to get there) while the other threads
     * go on, so systemd must see the pings stop. */
    const char *hang = SDL_getenv("WIJKPEIL_TEST_HANG_MS");
    long hang_ms = 0;
    if (!hang || !wp_parse_int(hang, 1, 86400000L, &hang_ms))
        hang_ms = 0;
    int64_t hang_at = INT64_MAX;
    while (running) {
        int64_t now = wp_mono_ms();
        if (hang_ms && hang_at == INT64_MAX && a->frames > 0)
            hang_at = a->first_frame_mono + hang_ms;
        if (app_step(a, now))
            dirty = true;
        if (dirty) {
            if (exposed || ui_frame_wanted(a->u, now))
                present(a, now);
            dirty = exposed = false;
        }
        while (now >= hang_at)
            SDL_Delay(1000);
        /* Pinged from the main loop only: if the loop stops, so do the pings. */
        if (wd > 0 && now >= next_wd) {
            plat_notify_watchdog();
            next_wd = now + wd / 2;
        }
        int64_t d = app_deadline(a, now);
        if (wd > 0 && next_wd < d)
            d = next_wd;
        if (hang_at < d)
            d = hang_at;
        int64_t wait = d == INT64_MAX ? APP_MAX_WAIT_MS : d - now;
        if (wait < 1)
            wait = 1;
        if (wait > APP_MAX_WAIT_MS)
            wait = APP_MAX_WAIT_MS;
        SDL_Event ev;
        if (!wait_event(a, &ev, (int)wait))
            continue;
        do {
            ui_event ue;
            now = wp_mono_ms();
            if (ev.type == SDL_QUIT)
                running = false;
            else if (ev.type == SDL_KEYDOWN && a->windowed && ev.key.keysym.sym == SDLK_ESCAPE)
                running = false;
            else if (ev.type == SDL_WINDOWEVENT &&
                     (ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
                      ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED))
                dirty = exposed = true;
            else if (ev.type == SDL_RENDER_TARGETS_RESET || ev.type == SDL_RENDER_DEVICE_RESET)
                dirty = exposed = true;
            else if (a->speech_event && ev.type == a->speech_event && ui_speech_changed(a->u))
                dirty = true;
            else if (a->usb_thread && ev.type == a->usb_event) {
                check_usb(a, now);
                SDL_SemPost(a->usb_sem);
            } else if (plat_input_translate(&ev, a->win_w, a->win_h, &ue) &&
                       ui_input(a->u, &ue, now))
                dirty = true;
        } while (SDL_PollEvent(&ev));
    }
    save_on_stop(a, wp_mono_ms());
    plat_wait_close(a->waiter);
    a->waiter = NULL;
    return 0;
}

static int run_script(app *a)
{
    char err[WP_ERR_LEN];
    script_env env = {.u = a->u,
                      .renderer = a->ren,
                      .width = a->win_w,
                      .height = a->win_h,
                      .now = a->mono_base,
                      .step = app_step,
                      .deadline = app_deadline,
                      .on_first_frame = on_first_frame,
                      .ctx = a};
    int rc = script_run_file(a->script, &env, err, sizeof err);
    a->frames += env.frames;
    a->first_frame_mono = env.first_frame_mono;
    if (env.stopped)
        save_on_stop(a, env.now);
    if (rc != 0) {
        fprintf(stderr, "wijkpeil: %s\n", err);
        return 1;
    }
    return 0;
}

static void app_close(app *a)
{
    synclink_close(a->sync);
    if (a->u)
        ui_set_speech(a->u, NULL);
    speech_close(a->speech);
    for (int i = 0; a->saves && i < saveq_count(a->saves); i++)
        app_log(a, "LOST on exit: response %s could not be stored", saveq_id(a->saves, i));
    saveq_free(a->saves);
    ui_close(a->u);
    ui_staff_free(a->staff);
    uistr_free(a->staff_strings);
    stop_usb(a);
    if (a->ren)
        SDL_DestroyRenderer(a->ren);
    if (a->win)
        SDL_DestroyWindow(a->win);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    store_close(a->st);
    uistr_free(a->strings);
    activeset_free(a->sets);
    if (a->log)
        fclose(a->log);
}

int main(int argc, char **argv)
{
    int64_t t0 = wp_mono_ms();
    if (argc > 1 && !strcmp(argv[1], "export"))
        return cli_export(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "sync"))
        return cli_sync(argc - 1, argv + 1);

    /* A full disk that shows up as a file-size limit must be an error value, not a kill. */
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    app *a = calloc(1, sizeof *a);
    if (!a)
        return 1;
    int rc = 1;
    saveq_options sq = {.store = saves_store,
                        .stored = saves_stored,
                        .ctx = a,
                        .max = APP_RETRY_MAX,
                        .retry_ms = APP_RETRY_MS};
    a->saves = saveq_new(&sq);
    /* 2: a usage error; -1: the configuration could not be loaded */
    int pa = a->saves ? parse_args(a, argc, argv) : -1;
    if (pa != 0) {
        rc = pa == 2 ? 2 : 1;
        goto done;
    }
    find_data_dir(a);
    if (a->cfg.log_file[0] && !(a->log = fopen(a->cfg.log_file, "a")))
        fprintf(stderr, "wijkpeil: cannot open log %s: %s\n", a->cfg.log_file, strerror(errno));
    if (load_content(a) != 0 || open_video(a) != 0)
        goto done;
    /* Script mode runs on a virtual clock that starts now and moves only with `wait`. */
    a->mono_base = wp_mono_ms();
    a->wall_base = wp_wall_ms();
    /* The uploader is its own program (wijkpeil-sync); this one only asks it over a local
     * socket (WIJKPEIL_SYNC_SOCKET) and reads its state from the database. */
    if (a->cfg.endpoint[0]) {
        a->sync = synclink_open(synclink_socket_path(), a->cfg.db);
        synclink_set_active(a->sync, qset_id(activeset_current(a->sets)),
                            qset_version(activeset_current(a->sets)));
    }
    if (open_ui(a, a->mono_base) != 0)
        goto done;
    if (a->store_error[0])
        ui_set_error(a->u, a->store_error);
    a->blank = -1;
    apply_hours(a, a->mono_base);
    app_log(a, "kiosk %s started: question set %s v%d, database %s", WIJKPEIL_VERSION,
            qset_id(activeset_current(a->sets)), qset_version(activeset_current(a->sets)),
            a->cfg.db);
    double ppm = px_per_mm(a), w_mm = a->win_w / ppm, h_mm = a->win_h / ppm;
    if (w_mm < UI_SMALLEST_W_MM - 0.5 || h_mm < UI_SMALLEST_H_MM - 0.5)
        app_log(a,
                "WARNING: the screen is %.0f x %.0f mm (%dx%d pixels): smaller than the smallest "
                "panel the layout is checked on (%.0f mm wide, %.0f mm high); residents may not "
                "see or reach every answer. Check screen_width_mm.",
                w_mm, h_mm, a->win_w, a->win_h, UI_SMALLEST_W_MM, UI_SMALLEST_H_MM);
    rc = a->script ? run_script(a) : run_interactive(a);
    if (a->failed)
        rc = 1;
    if (a->stats)
        fprintf(stderr,
                "stats: main_mono_ms=%lld first_frame_mono_ms=%lld frames=%ld "
                "first_frame_cpu_us=%lld\n",
                (long long)t0, (long long)a->first_frame_mono, a->frames,
                (long long)a->first_frame_cpu_us);
done:
    app_close(a);
    free(a);
    return rc;
}
