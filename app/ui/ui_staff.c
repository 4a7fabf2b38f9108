/* Staff mode: gesture, PIN pad, status and actions, laid out into a widget list (ui_staff.h). */
#include "ui_staff.h"
#include "pin.h"
#include "qset.h"
#include "stick.h"
#include "store.h"
#include "util.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#define STAFF_MSG_LEN      1024
#define STAFF_REASON_SHOWN 400 /* characters of a refusal reason shown in a list row */
#define STAFF_EXPORT_POLL  100 /* ms between progress checks while exporting */
#define STAFF_SYNC_POLL    1000

typedef enum { SCR_OFF, SCR_PIN, SCR_HOME, SCR_IMPORT, SCR_SWITCH, SCR_EXPORT } staff_screen;

/* Actions carried in uiw.arg as code + STAFF_ARG_INDEX * index. */
typedef enum {
    ACT_DIGIT = 1,
    ACT_PIN_OK,
    ACT_PIN_CLEAR,
    ACT_PIN_CANCEL,
    ACT_IMPORT,
    ACT_SWITCH,
    ACT_EXPORT,
    ACT_SYNC,
    ACT_LEAVE,
    ACT_BACK,
    ACT_ACTIVATE,
    ACT_USE,
    ACT_EXPORT_ALL,
    ACT_EXPORT_NEW,
    ACT_PAGE_PREV,
    ACT_PAGE_NEXT,
    ACT_CONF_APPLY
} staff_act;

#define STAFF_ARG_INDEX 256

typedef enum { EX_CHOOSE, EX_RUNNING, EX_DONE, EX_FAILED } export_phase;

/* Shared between the UI thread and the export worker (under mu). */
typedef struct {
    pthread_mutex_t mu;
    int64_t done, total;
    bool finished;
    int rc;
    char err[WP_ERR_LEN];
    stick_export_result res;
} export_shared;

struct ui_staff {
    ui_staff_options o;
    char db_path[CONFIG_PATH_LEN];
    char data_dir[CONFIG_PATH_LEN];
    char log_path[CONFIG_PATH_LEN];
    char override_path[CONFIG_PATH_LEN];
    staff_screen screen;
    int64_t now, last_tap;
    int64_t taps[UI_STAFF_GESTURE_TAPS];
    int n_taps;
    /* PIN pad */
    pin_state pin;
    char entry[PIN_MAX_DIGITS + 1];
    char pin_msg[STAFF_MSG_LEN];
    bool pin_lock_shown; /* pin_msg is the lock countdown */
    bool pin_restored;   /* the attempts kept in the store were read */
    /* the message of the current screen (results of actions) */
    char msg[STAFF_MSG_LEN];
    bool msg_error;
    /* status */
    store *st;
    char store_err[WP_ERR_LEN];
    store_counts counts;
    bool counts_ok;
    sync_state sy;
    unsigned long long disk_free, disk_total;
    bool disk_ok;
    int64_t next_refresh;
    /* import */
    stick_scan *scan;
    char stick_root[STICK_PATH_LEN];
    int n_sticks;
    char scan_err[WP_ERR_LEN];
    int64_t next_stick_poll;
    int page, per_page; /* list paging (import and switch screens) */
    /* switch */
    stick_installed *inst;
    int n_inst;
    /* export */
    export_phase ex_phase;
    bool ex_since_last;
    char ex_root[STICK_PATH_LEN];
    pthread_t ex_thread;
    bool ex_running;
    bool ex_inline; /* run_inline: there is no thread to join */
    export_shared ex;
    int64_t ex_done_seen, ex_total_seen;
    int64_t next_export_poll;
};

/* ---------- small helpers ---------- */

static void set_msg(ui_staff *s, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_msg(ui_staff *s, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->msg_error = error;
}

static const char *or_unknown(const char *v)
{
    return v && *v ? v : "(not set)";
}

/* "14:05 (3 minutes ago)" or "2026-11-27 14:05 (yesterday or earlier)" for a wall time. */
static void when_words(int64_t wall_ms, char *buf, size_t len)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    char hm[32] = "?";
    if (localtime_r(&t, &tm))
        strftime(hm, sizeof hm, "%Y-%m-%d %H:%M", &tm);
    int64_t ago = (wp_wall_ms() - wall_ms) / 60000;
    if (ago < 0)
        snprintf(buf, len, "%s", hm);
    else if (ago < 1)
        snprintf(buf, len, "%s (less than a minute ago)", hm);
    else if (ago < 120)
        snprintf(buf, len, "%s (%lld minute%s ago)", hm, (long long)ago, ago == 1 ? "" : "s");
    else if (ago < 48 * 60)
        snprintf(buf, len, "%s (%lld hours ago)", hm, (long long)(ago / 60));
    else
        snprintf(buf, len, "%s (%lld days ago)", hm, (long long)(ago / (24 * 60)));
}

static void bytes_words(unsigned long long b, char *buf, size_t len)
{
    if (b >= 1000ULL * 1000 * 1000)
        snprintf(buf, len, "%.1f GB", (double)b / 1e9);
    else
        snprintf(buf, len, "%.0f MB", (double)b / 1e6);
}

static void open_store(ui_staff *s)
{
    if (s->st || !s->db_path[0])
        return;
    if (store_open_mode(s->db_path, STORE_OPEN_EXISTING, &s->st, s->store_err,
                        sizeof s->store_err) != 0)
        s->st = NULL;
    else
        s->store_err[0] = '\0';
}

static void refresh_status(ui_staff *s, int64_t now)
{
    open_store(s);
    s->counts_ok = false;
    if (s->st) {
        char err[WP_ERR_LEN];
        if (store_counts_get(s->st, &s->counts, err, sizeof err) == 0)
            s->counts_ok = true;
        else
            wp_strlcpy(s->store_err, err, sizeof s->store_err);
    }
    synclink_get_state(s->o.sync, &s->sy);
    struct statvfs vfs;
    const char *dir = s->data_dir[0] ? s->data_dir : ".";
    s->disk_ok = statvfs(dir, &vfs) == 0;
    if (s->disk_ok) {
        s->disk_free = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
        s->disk_total = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
    }
    s->next_refresh = now + (s->sy.busy ? STAFF_SYNC_POLL : UI_STAFF_REFRESH_MS);
}

static void drop_scan(ui_staff *s)
{
    stick_scan_free(s->scan);
    s->scan = NULL;
    s->stick_root[0] = '\0';
    s->scan_err[0] = '\0';
    s->n_sticks = 0;
}

/* Finds sticks and reads the first one. */
static void rescan(ui_staff *s, int64_t now)
{
    drop_scan(s);
    char found[STICK_MAX_STICKS][STICK_PATH_LEN];
    s->n_sticks = stick_find(s->o.cfg, found, STICK_MAX_STICKS);
    s->next_stick_poll = now + UI_STAFF_STICK_POLL_MS;
    if (s->n_sticks <= 0)
        return;
    wp_strlcpy(s->stick_root, found[0], sizeof s->stick_root);
    if (stick_scan_open(found[0], s->o.cfg, s->o.strings, &s->scan, s->scan_err,
                        sizeof s->scan_err) != 0)
        s->scan = NULL;
}

/* Lists the installed sets, and the kiosk's configured set first when it is not among them
 * (so staff can always go back to it). */
static void load_installed(ui_staff *s)
{
    char err[WP_ERR_LEN];
    int first = 0;
    qset *qs = NULL;
    if (s->o.cfg->questionset[0] &&
        qset_load_file(s->o.cfg->questionset, s->o.strings, &qs, NULL) == 0) {
        stick_installed *in = &s->inst[0];
        memset(in, 0, sizeof *in);
        wp_strlcpy(in->path, s->o.cfg->questionset, sizeof in->path);
        wp_strlcpy(in->id, qset_id(qs), sizeof in->id);
        in->version = qset_version(qs);
        const qset_text *t = qset_title(qs);
        wp_strlcpy(in->title, t && t->s[0] ? t->s[0] : "", sizeof in->title);
        qset_free(qs);
        first = 1;
    }
    int n = stick_list_installed(s->data_dir, s->o.strings, s->inst + first,
                                 STICK_MAX_INSTALLED - first, err, sizeof err);
    if (n < 0) {
        n = 0;
        set_msg(s, true, "The installed question sets cannot be listed: %s", err);
    }
    for (int i = 1; first && i <= n; i++)
        if (!strcmp(s->inst[i].id, s->inst[0].id) && s->inst[i].version == s->inst[0].version) {
            memmove(s->inst, s->inst + 1, sizeof s->inst[0] * (size_t)n); /* already there */
            first = 0;
            break;
        }
    s->n_inst = n + first;
}

static void go(ui_staff *s, staff_screen sc, int64_t now)
{
    s->screen = sc;
    s->msg[0] = '\0';
    s->msg_error = false;
    s->page = 0;
    switch (sc) {
    case SCR_HOME:
        refresh_status(s, now);
        break;
    case SCR_IMPORT:
        rescan(s, now);
        break;
    case SCR_SWITCH:
        load_installed(s);
        break;
    case SCR_EXPORT: {
        char found[STICK_MAX_STICKS][STICK_PATH_LEN];
        int n = stick_find(s->o.cfg, found, STICK_MAX_STICKS);
        s->ex_root[0] = '\0';
        if (n > 0)
            wp_strlcpy(s->ex_root, found[0], sizeof s->ex_root);
        s->ex_phase = EX_CHOOSE;
        s->next_stick_poll = now + UI_STAFF_STICK_POLL_MS;
        break;
    }
    case SCR_OFF:
    case SCR_PIN:
        break;
    }
}

/* ---------- the export worker ---------- */

static int export_progress(void *ctx, int64_t done, int64_t total)
{
    ui_staff *s = ctx;
    pthread_mutex_lock(&s->ex.mu);
    s->ex.done = done;
    s->ex.total = total;
    pthread_mutex_unlock(&s->ex.mu);
    return 0;
}

static void *export_main(void *arg)
{
    ui_staff *s = arg;
    char err[WP_ERR_LEN] = "";
    stick_export_result res;
    memset(&res, 0, sizeof res);
    store *st = NULL; /* every thread its own handle */
    int rc = store_open_mode(s->db_path, STORE_OPEN_EXISTING, &st, err, sizeof err);
    if (rc == 0)
        rc = stick_export(st, s->ex_root, s->ex_since_last, s->o.info.device_id, s->log_path,
                          wp_wall_ms(), export_progress, s, &res, err, sizeof err);
    store_close(st);
    /* Everything is written and synced: ask for the stick to be unmounted cleanly. */
    char eerr[WP_ERR_LEN];
    if (rc == 0 && stick_request_eject(s->ex_root, s->o.runtime_dir, eerr, sizeof eerr) < 0 &&
        !err[0])
        wp_strlcpy(err, eerr, sizeof err);
    pthread_mutex_lock(&s->ex.mu);
    s->ex.rc = rc;
    wp_strlcpy(s->ex.err, err, sizeof s->ex.err);
    s->ex.res = res;
    s->ex.finished = true;
    pthread_mutex_unlock(&s->ex.mu);
    return NULL;
}

static bool export_poll(ui_staff *s, int64_t now);

static void export_start(ui_staff *s, bool since_last, int64_t now)
{
    if (s->ex_running)
        return;
    char found[STICK_MAX_STICKS][STICK_PATH_LEN];
    int n = stick_find(s->o.cfg, found, STICK_MAX_STICKS);
    if (n <= 0 && !s->ex_root[0]) {
        s->ex_phase = EX_FAILED;
        set_msg(s, true,
                "No USB stick found. Put in a stick that has a folder named WIJKPEIL, "
                "then try again.");
        return;
    }
    if (n > 0)
        wp_strlcpy(s->ex_root, found[0], sizeof s->ex_root);
    pthread_mutex_lock(&s->ex.mu);
    s->ex.done = 0;
    s->ex.total = 0;
    s->ex.finished = false;
    s->ex.rc = -1;
    s->ex.err[0] = '\0';
    pthread_mutex_unlock(&s->ex.mu);
    s->ex_since_last = since_last;
    s->ex_done_seen = s->ex_total_seen = -1;
    s->msg[0] = '\0';
    if (s->o.run_inline) {
        export_main(s);
        s->ex_running = true; /* collected (and "joined") by export_poll below */
        s->ex_inline = true;
        export_poll(s, now);
        return;
    }
    if (pthread_create(&s->ex_thread, NULL, export_main, s) != 0) {
        s->ex_phase = EX_FAILED;
        set_msg(s, true, "The export could not start (out of resources). Try again.");
        return;
    }
    s->ex_running = true;
    s->ex_phase = EX_RUNNING;
    s->next_export_poll = now + STAFF_EXPORT_POLL;
}

/* Collects the worker's progress; true when what is shown changed. */
static bool export_poll(ui_staff *s, int64_t now)
{
    if (!s->ex_running)
        return false;
    pthread_mutex_lock(&s->ex.mu);
    int64_t done = s->ex.done, total = s->ex.total;
    bool finished = s->ex.finished;
    int rc = s->ex.rc;
    char err[WP_ERR_LEN];
    wp_strlcpy(err, s->ex.err, sizeof err);
    stick_export_result res = s->ex.res;
    pthread_mutex_unlock(&s->ex.mu);
    s->next_export_poll = now + STAFF_EXPORT_POLL;
    if (!finished) {
        bool changed = done != s->ex_done_seen || total != s->ex_total_seen;
        s->ex_done_seen = done;
        s->ex_total_seen = total;
        return changed;
    }
    if (!s->ex_inline)
        pthread_join(s->ex_thread, NULL);
    s->ex_inline = false;
    s->ex_running = false;
    s->last_tap = now; /* the two minutes count from the end of the export */
    if (rc == 0) {
        s->ex_phase = EX_DONE;
        const char *j = strrchr(res.jsonl, '/'), *c = strrchr(res.csv, '/');
        set_msg(s, false, "Wrote %lld response%s to %s and %s%s in WIJKPEIL/export.%s%s",
                (long long)res.n_responses, res.n_responses == 1 ? "" : "s", j ? j + 1 : res.jsonl,
                c ? c + 1 : res.csv, res.log[0] ? ", with the kiosk log," : "",
                err[0] ? " Warning: " : "", err);
    } else {
        s->ex_phase = EX_FAILED;
        set_msg(s, true,
                "The export failed: %s. Nothing was left half-written on the stick, and every "
                "response is still on the kiosk.",
                err[0] ? err : "unknown error");
    }
    if (s->screen == SCR_HOME || s->screen == SCR_EXPORT)
        refresh_status(s, now);
    return true;
}

/* ---------- lifetime ---------- */

ui_staff *ui_staff_new(const ui_staff_options *o)
{
    ui_staff *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->inst = calloc(STICK_MAX_INSTALLED, sizeof *s->inst);
    if (!s->inst) {
        free(s);
        return NULL;
    }
    s->o = *o;
    wp_strlcpy(s->db_path, o->db_path ? o->db_path : "", sizeof s->db_path);
    wp_strlcpy(s->data_dir, o->data_dir ? o->data_dir : ".", sizeof s->data_dir);
    wp_strlcpy(s->log_path, o->log_path ? o->log_path : "", sizeof s->log_path);
    wp_strlcpy(s->override_path, o->override_path ? o->override_path : "", sizeof s->override_path);
    s->o.db_path = s->db_path;
    s->o.data_dir = s->data_dir;
    s->o.log_path = s->log_path;
    s->o.override_path = s->override_path;
    if (s->o.px_per_mm <= 0)
        s->o.px_per_mm = 96.0 / 25.4;
    pthread_mutex_init(&s->ex.mu, NULL);
    pin_init(&s->pin);
    s->screen = SCR_OFF;
    return s;
}

void ui_staff_free(ui_staff *s)
{
    if (!s)
        return;
    if (s->ex_running)
        pthread_join(s->ex_thread, NULL);
    pthread_mutex_destroy(&s->ex.mu);
    stick_scan_free(s->scan);
    store_close(s->st);
    free(s->inst);
    free(s);
}

/* ---------- entering and leaving ---------- */

bool ui_staff_in_corner(const ui_staff *s, int x, int y, int w, int h)
{
    int corner = (int)lround(UI_STAFF_CORNER_MM * s->o.px_per_mm);
    int cap = (w < h ? w : h) / 3;
    if (cap > 0 && corner > cap)
        corner = cap;
    /* Top-right: empty on the attract screen, away from the speech controls (top-left). */
    return x >= w - corner && x < w && y >= 0 && y < corner;
}

bool ui_staff_gesture(ui_staff *s, int x, int y, int w, int h, int64_t now)
{
    if (s->screen != SCR_OFF)
        return false;
    if (!ui_staff_in_corner(s, x, y, w, h)) {
        s->n_taps = 0;
        return false;
    }
    /* Keep only the taps of the last UI_STAFF_GESTURE_MS. */
    int kept = 0;
    for (int i = 0; i < s->n_taps; i++)
        if (now - s->taps[i] <= UI_STAFF_GESTURE_MS)
            s->taps[kept++] = s->taps[i];
    s->n_taps = kept;
    if (s->n_taps == UI_STAFF_GESTURE_TAPS) {
        memmove(s->taps, s->taps + 1, sizeof s->taps[0] * (UI_STAFF_GESTURE_TAPS - 1));
        s->n_taps--;
    }
    s->taps[s->n_taps++] = now;
    if (s->n_taps < UI_STAFF_GESTURE_TAPS)
        return false;
    s->n_taps = 0;
    return true;
}

static void pin_lock_msg(ui_staff *s)
{
    int secs = pin_locked_seconds(&s->pin, s->now);
    s->pin_lock_shown = secs > 0;
    if (secs > 0)
        snprintf(s->pin_msg, sizeof s->pin_msg,
                 "Too many wrong PINs: the pad is locked. Try again in %d min %02d s.", secs / 60,
                 secs % 60);
}

/* The PIN attempts survive a restart (PIN_META_KEY in the store): read once, the stricter of
 * what is kept and what is in memory wins. */
static void pin_restore(ui_staff *s, int64_t now)
{
    char buf[PIN_STATE_LEN], err[WP_ERR_LEN];
    pin_state kept;
    open_store(s);
    if (s->pin_restored || !s->st)
        return;
    int g = store_meta_get(s->st, PIN_META_KEY, buf, sizeof buf, err, sizeof err);
    if (g < 0)
        return;
    s->pin_restored = true;
    if (g == 0 && pin_state_parse(&kept, buf, now, wp_wall_ms()) &&
        (pin_locked_seconds(&kept, now) > 0 || kept.wrong > s->pin.wrong))
        s->pin = kept;
}

static void pin_keep(ui_staff *s, int64_t now)
{
    char buf[PIN_STATE_LEN], err[WP_ERR_LEN];
    open_store(s);
    pin_state_format(&s->pin, now, wp_wall_ms(), buf, sizeof buf);
    if (s->st)
        store_meta_set(s->st, PIN_META_KEY, buf, err, sizeof err); /* best effort */
}

void ui_staff_enter(ui_staff *s, int64_t now)
{
    pin_restore(s, now);
    s->now = now;
    s->last_tap = now;
    s->entry[0] = '\0';
    s->pin_msg[0] = '\0';
    s->n_taps = 0;
    go(s, SCR_PIN, now);
    pin_lock_msg(s);
}

void ui_staff_leave(ui_staff *s)
{
    /* A running export keeps going on its own handle; its result is simply not shown. */
    s->screen = SCR_OFF;
    sodium_memzero(s->entry, sizeof s->entry);
    s->pin_msg[0] = '\0';
    s->msg[0] = '\0';
    drop_scan(s);
}

bool ui_staff_active(const ui_staff *s)
{
    return s && s->screen != SCR_OFF;
}

const char *ui_staff_screen_name(const ui_staff *s)
{
    switch (s ? s->screen : SCR_OFF) {
    case SCR_PIN:
        return "staff-pin";
    case SCR_HOME:
        return "staff";
    case SCR_IMPORT:
        return "staff-import";
    case SCR_SWITCH:
        return "staff-switch";
    case SCR_EXPORT:
        return "staff-export";
    case SCR_OFF:
        break;
    }
    return "";
}

void ui_staff_set_info(ui_staff *s, const ui_staff_info *info)
{
    s->o.info = *info;
}

const char *ui_staff_message(const ui_staff *s)
{
    if (s->screen == SCR_PIN)
        return s->pin_msg;
    return s->msg;
}

/* ---------- actions ---------- */

static void pin_ok(ui_staff *s, int64_t now)
{
    if (!s->entry[0])
        return;
    int left = 0;
    /* Argon2 takes a moment (~0.1-0.3 s at the interactive limits); it runs here, on the UI
     * thread, once per OK. */
    pin_result r = pin_check(&s->pin, s->o.cfg->staff_pin_hash, s->entry, now, &left);
    sodium_memzero(s->entry, sizeof s->entry);
    if (r != PIN_NO_HASH)
        pin_keep(s, now);
    switch (r) {
    case PIN_OK:
        s->pin_msg[0] = '\0';
        s->pin_lock_shown = false;
        go(s, SCR_HOME, now);
        break;
    case PIN_WRONG:
        snprintf(s->pin_msg, sizeof s->pin_msg,
                 "Wrong PIN. %d attempt%s left before the pad locks for %d minutes.", left,
                 left == 1 ? "" : "s", PIN_LOCK_MS / 60000);
        break;
    case PIN_LOCKED:
        pin_lock_msg(s);
        break;
    case PIN_NO_HASH:
        snprintf(s->pin_msg, sizeof s->pin_msg,
                 "No staff PIN is set up on this kiosk (staff_pin_hash in the config), so "
                 "staff mode cannot be opened.");
        break;
    }
}

static void activate_set(ui_staff *s, int i)
{
    if (!s->scan || i < 0 || i >= s->scan->n_sets)
        return;
    const stick_set *set = &s->scan->sets[i];
    if (set->status != STICK_SET_OK)
        return;
    char path[STICK_PATH_LEN], err[WP_ERR_LEN] = "";
    if (stick_install(set, s->data_dir, path, sizeof path, err, sizeof err) != 0) {
        set_msg(s, true, "\"%s\" could not be installed: %s", set->title, err);
        return;
    }
    if (!s->o.activate || s->o.activate(s->o.ctx, path, err, sizeof err) != 0) {
        set_msg(s, true, "\"%s\" was installed, but the kiosk could not switch to it: %s",
                set->title, err[0] ? err : "no way to switch is set up");
        return;
    }
    set_msg(s, false,
            "\"%s\" (%s version %d) is activated. Residents see it from the next poll on; "
            "anyone answering now finishes the old one.",
            set->title, set->id, set->version);
}

static void use_installed(ui_staff *s, int i)
{
    if (i < 0 || i >= s->n_inst)
        return;
    const stick_installed *in = &s->inst[i];
    char err[WP_ERR_LEN] = "";
    if (!s->o.activate || s->o.activate(s->o.ctx, in->path, err, sizeof err) != 0) {
        set_msg(s, true, "The kiosk could not switch to \"%s\": %s", in->title,
                err[0] ? err : "no way to switch is set up");
        return;
    }
    set_msg(s, false,
            "\"%s\" (%s version %d) is activated. Residents see it from the next poll on.",
            in->title, in->id, in->version);
}

static void conf_apply(ui_staff *s)
{
    if (!s->scan || !s->override_path[0] || s->scan->conf.n_accepted == 0)
        return;
    char err[WP_ERR_LEN];
    if (stick_conf_apply(&s->scan->conf, s->override_path, err, sizeof err) != 0)
        set_msg(s, true, "The settings could not be saved: %s", err);
    else
        set_msg(s, false,
                "%d setting%s from kiosk.conf saved. They take effect when the kiosk restarts.",
                s->scan->conf.n_accepted, s->scan->conf.n_accepted == 1 ? "" : "s");
}

bool ui_staff_tap(ui_staff *s, const uiw *w, int64_t now)
{
    if (s->screen == SCR_OFF)
        return false;
    s->now = now;
    s->last_tap = now;
    if (!w || w->action != UIA_STAFF || !w->enabled)
        return false;
    int code = w->arg % STAFF_ARG_INDEX, idx = w->arg / STAFF_ARG_INDEX;
    switch ((staff_act)code) {
    case ACT_DIGIT: {
        size_t n = strlen(s->entry);
        if (pin_locked_seconds(&s->pin, now) > 0 || n >= PIN_MAX_DIGITS)
            break;
        s->entry[n] = (char)('0' + idx % 10);
        s->entry[n + 1] = '\0';
        break;
    }
    case ACT_PIN_CLEAR:
        sodium_memzero(s->entry, sizeof s->entry);
        break;
    case ACT_PIN_OK:
        pin_ok(s, now);
        break;
    case ACT_PIN_CANCEL:
    case ACT_LEAVE:
        ui_staff_leave(s);
        break;
    case ACT_IMPORT:
        go(s, SCR_IMPORT, now);
        break;
    case ACT_SWITCH:
        go(s, SCR_SWITCH, now);
        break;
    case ACT_EXPORT:
        go(s, SCR_EXPORT, now);
        break;
    case ACT_SYNC:
        if (!s->o.sync) {
            set_msg(s, true,
                    "Sync is off: no collector endpoint is configured on this kiosk. "
                    "Use \"Export to stick\" instead.");
        } else {
            synclink_now(s->o.sync);
            set_msg(s, false, "Sync started. The result shows under \"Last sync\" in a moment.");
        }
        refresh_status(s, now);
        s->next_refresh = now + STAFF_SYNC_POLL;
        break;
    case ACT_BACK:
        if (!s->ex_running)
            go(s, SCR_HOME, now);
        break;
    case ACT_ACTIVATE:
        activate_set(s, idx);
        break;
    case ACT_USE:
        use_installed(s, idx);
        break;
    case ACT_EXPORT_ALL:
    case ACT_EXPORT_NEW:
        export_start(s, code == ACT_EXPORT_NEW, now);
        break;
    case ACT_PAGE_PREV:
        if (s->page > 0)
            s->page--;
        break;
    case ACT_PAGE_NEXT:
        s->page++;
        break;
    case ACT_CONF_APPLY:
        conf_apply(s);
        break;
    }
    return true;
}

bool ui_staff_tick(ui_staff *s, int64_t now)
{
    if (s->screen == SCR_OFF)
        return false;
    s->now = now;
    bool changed = false;
    if (s->ex_running && now >= s->next_export_poll)
        changed |= export_poll(s, now);
    if (!s->ex_running && now - s->last_tap >= UI_STAFF_IDLE_MS) {
        ui_staff_leave(s);
        return true;
    }
    switch (s->screen) {
    case SCR_PIN:
        if (pin_locked_seconds(&s->pin, now) > 0 || s->pin_lock_shown) {
            char before[sizeof s->pin_msg];
            wp_strlcpy(before, s->pin_msg, sizeof before);
            if (pin_locked_seconds(&s->pin, now) > 0) {
                pin_lock_msg(s); /* the countdown */
            } else {
                s->pin_msg[0] = '\0'; /* the lock ran out */
                s->pin_lock_shown = false;
            }
            changed |= strcmp(before, s->pin_msg) != 0;
        }
        break;
    case SCR_HOME:
        if (now >= s->next_refresh) {
            refresh_status(s, now);
            changed = true;
        }
        break;
    case SCR_IMPORT:
        /* Waiting for a stick, or watching the one shown disappear. */
        if (now >= s->next_stick_poll) {
            char found[STICK_MAX_STICKS][STICK_PATH_LEN];
            int n = stick_find(s->o.cfg, found, STICK_MAX_STICKS);
            bool same = n > 0 && s->stick_root[0] && !strcmp(found[0], s->stick_root);
            if (!same && (n > 0 || s->stick_root[0])) {
                char keep[STAFF_MSG_LEN];
                wp_strlcpy(keep, s->msg, sizeof keep);
                rescan(s, now);
                s->page = 0;
                if (!s->stick_root[0])
                    wp_strlcpy(s->msg, "", sizeof s->msg);
                else
                    wp_strlcpy(s->msg, keep, sizeof s->msg);
                changed = true;
            }
            s->next_stick_poll = now + UI_STAFF_STICK_POLL_MS;
        }
        break;
    case SCR_EXPORT:
        if (s->ex_phase == EX_CHOOSE && now >= s->next_stick_poll) {
            char found[STICK_MAX_STICKS][STICK_PATH_LEN];
            int n = stick_find(s->o.cfg, found, STICK_MAX_STICKS);
            const char *now_root = n > 0 ? found[0] : "";
            if (strcmp(now_root, s->ex_root) != 0) {
                wp_strlcpy(s->ex_root, now_root, sizeof s->ex_root);
                changed = true;
            }
            s->next_stick_poll = now + UI_STAFF_STICK_POLL_MS;
        }
        break;
    case SCR_SWITCH:
    case SCR_OFF:
        break;
    }
    return changed;
}

int64_t ui_staff_deadline(const ui_staff *s, int64_t now)
{
    (void)now;
    if (!s || s->screen == SCR_OFF)
        return INT64_MAX;
    int64_t d = s->ex_running ? s->next_export_poll : s->last_tap + UI_STAFF_IDLE_MS;
    switch (s->screen) {
    case SCR_PIN:
        if (pin_locked_seconds(&s->pin, s->now) > 0 || s->pin_lock_shown) {
            int64_t next = s->now + 1000;
            if (next < d)
                d = next;
        }
        break;
    case SCR_HOME:
        if (s->next_refresh < d)
            d = s->next_refresh;
        break;
    case SCR_IMPORT:
        if (s->next_stick_poll < d)
            d = s->next_stick_poll;
        break;
    case SCR_EXPORT:
        if (s->ex_phase == EX_CHOOSE && s->next_stick_poll < d)
            d = s->next_stick_poll;
        break;
    case SCR_SWITCH:
    case SCR_OFF:
        break;
    }
    return d;
}

/* ---------- layout ---------- */

typedef struct {
    uiw_list *l;
    const ui_staff_metrics *m;
} lay;

static int mm(const lay *L, double v)
{
    return (int)lround(v * L->m->px_per_mm);
}

static int line_h(const lay *L, int px)
{
    if (L->m->text)
        return ui_text_line_height(L->m->text, px);
    return (int)ceil(px * 1.3);
}

/* Height of label wrapped at w (estimated without a text renderer). */
static int text_height(const lay *L, const char *label, int px, bool bold, int w)
{
    if (L->m->text) {
        ui_text_style st = {.px = px, .bold = bold, .align = UI_ALIGN_START};
        int tw = 0, th = 0;
        ui_text_measure(L->m->text, label, &st, w, &tw, &th);
        return th > 0 ? th : line_h(L, px);
    }
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        if ((*p & 0xC0) != 0x80)
            chars++;
    double per_line = w > 0 ? w / (px * 0.55) : 1;
    int lines = (int)ceil((double)chars / (per_line > 1 ? per_line : 1));
    if (lines < 1)
        lines = 1;
    return lines * line_h(L, px);
}

static uiw *add(lay *L, uiw_role role, const char *id, const char *label, int px, int x, int y,
                int w, int h)
{
    uiw *wd = uiw_add(L->l, role, id);
    if (!wd)
        return NULL;
    uiw_set_label(wd, label, NULL);
    wp_strlcpy(wd->lang, "en", sizeof wd->lang);
    wd->px = px;
    wd->r.x = x;
    wd->r.y = y;
    wd->r.w = w;
    wd->r.h = h;
    wd->align = UI_ALIGN_START;
    return wd;
}

static uiw *button(lay *L, const char *id, const char *label, int act, int idx, int x, int y, int w,
                   int h, bool primary)
{
    uiw *b = add(L, UIW_BUTTON, id, label, L->m->body_px, x, y, w, h);
    if (!b)
        return NULL;
    b->look = primary ? UIW_PRIMARY : UIW_TILE;
    b->action = UIA_STAFF;
    b->arg = act + STAFF_ARG_INDEX * idx;
    b->align = UI_ALIGN_CENTER;
    b->bold = primary;
    /* A label that would not fit at the body size uses the small size. */
    int pad = L->m->pad;
    if (text_height(L, label, b->px, b->bold, w - 2 * pad) > h - 2 * pad)
        b->px = L->m->small_px;
    return b;
}

/* A paragraph; returns its bottom. */
static int para(lay *L, uiw_role role, const char *id, const char *label, int px, bool bold, int x,
                int y, int w)
{
    int h = text_height(L, label, px, bold, w);
    uiw *t = add(L, role, id, label, px, x, y, w, h);
    if (t)
        t->bold = bold;
    return y + h;
}

/* The message box of a screen (results of actions); returns its bottom. */
static int message_box(lay *L, const char *id, const char *msg, int x, int y, int w)
{
    if (!msg || !*msg)
        return y;
    const ui_staff_metrics *m = L->m;
    int h = text_height(L, msg, m->body_px, true, w - 2 * m->pad) + 2 * m->pad;
    uiw *b = add(L, UIW_HINT, id, msg, m->body_px, x, y, w, h);
    if (b) {
        b->look = UIW_HINTBOX;
        b->bold = true;
    }
    return y + h + m->gap;
}

static int heading(lay *L, const char *label)
{
    const ui_staff_metrics *m = L->m;
    return para(L, UIW_HEADING, "heading", label, m->heading_px, true, m->margin, m->margin,
                m->width - 2 * m->margin) +
           m->gap;
}

static int button_h(const lay *L)
{
    int h = mm(L, 20);
    int min_h = line_h(L, L->m->body_px) + 2 * L->m->pad;
    return h > min_h ? h : min_h;
}

static void lay_pin(ui_staff *s, lay *L)
{
    const ui_staff_metrics *m = L->m;
    bool locked = pin_locked_seconds(&s->pin, s->now) > 0;
    int half = (m->width - 2 * m->margin - m->gap) / 2;
    int y = para(L, UIW_HEADING, "heading", "Staff mode", m->heading_px, true, m->margin, m->margin,
                 half) +
            m->gap;
    y = para(L, UIW_TEXT, "pin-prompt", "Enter the staff PIN, then OK.", m->body_px, false,
             m->margin, y, half) +
        m->gap;
    char dots[PIN_MAX_DIGITS * 4 + 1] = "";
    size_t n = strlen(s->entry);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(dots);
        snprintf(dots + l, sizeof dots - l, "%s\xE2\x80\xA2", i ? " " : ""); /* U+2022 */
    }
    char spoken[64];
    snprintf(spoken, sizeof spoken, "%zu digit%s entered", n, n == 1 ? "" : "s");
    int dh = line_h(L, m->heading_px) + 2 * m->pad;
    uiw *d = add(L, UIW_TEXT, "pin-dots", dots, m->heading_px, m->margin, y, half, dh);
    if (d) {
        uiw_set_label(d, dots, spoken);
        d->look = UIW_TILE;
        d->align = UI_ALIGN_CENTER;
    }
    y += dh + m->gap;
    message_box(L, "pin-message", s->pin_msg, m->margin, y, half);
    /* Cancel at the bottom of the left column. */
    int bh = button_h(L);
    button(L, "pin-cancel", "Cancel", ACT_PIN_CANCEL, 0, m->margin, m->height - m->margin - bh,
           mm(L, 60) < half ? mm(L, 60) : half, bh, false);
    /* The number pad in the right half. */
    int px0 = m->margin + half + m->gap;
    int avail_h = m->height - 2 * m->margin;
    int key_h = (avail_h - 3 * m->gap) / 4;
    if (key_h > mm(L, 24))
        key_h = mm(L, 24);
    int key_w = (half - 2 * m->gap) / 3;
    if (key_w > mm(L, 34))
        key_w = mm(L, 34);
    int pad_w = 3 * key_w + 2 * m->gap, pad_h = 4 * key_h + 3 * m->gap;
    int x0 = px0 + (half - pad_w) / 2, y0 = m->margin + (avail_h - pad_h) / 2;
    static const char keys[12][12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "OK"};
    for (int i = 0; i < 12; i++) {
        int x = x0 + (i % 3) * (key_w + m->gap), yy = y0 + (i / 3) * (key_h + m->gap);
        uiw *b;
        if (i == 9) {
            b = button(L, "pin-clear", "Clear", ACT_PIN_CLEAR, 0, x, yy, key_w, key_h, false);
        } else if (i == 11) {
            b = button(L, "pin-ok", "OK", ACT_PIN_OK, 0, x, yy, key_w, key_h, true);
            if (b)
                b->enabled = !locked && n > 0;
        } else {
            char id[16];
            snprintf(id, sizeof id, "pin:%s", keys[i]);
            b = button(L, id, keys[i], ACT_DIGIT, keys[i][0] - '0', x, yy, key_w, key_h, false);
            if (b) {
                b->px = m->heading_px;
                b->enabled = !locked;
            }
        }
    }
}

static void lay_home(ui_staff *s, lay *L)
{
    const ui_staff_metrics *m = L->m;
    int bw = mm(L, 80);
    if (bw > (m->width - 2 * m->margin) / 3)
        bw = (m->width - 2 * m->margin) / 3;
    int col_w = m->width - 2 * m->margin - bw - m->gap;
    int y = para(L, UIW_HEADING, "heading", "Staff mode", m->heading_px, true, m->margin, m->margin,
                 col_w) +
            m->gap;
    y = message_box(L, "staff-message", s->msg, m->margin, y, col_w);

    char line[UIW_LABEL_LEN], t[160];
    const ui_staff_info *in = &s->o.info;
    struct {
        const char *id;
        char text[UIW_LABEL_LEN];
    } rows[10];
    int n = 0;
    snprintf(rows[n].text, sizeof rows[n].text, "Device: %s, location: %s",
             or_unknown(in->device_id), or_unknown(in->location));
    rows[n++].id = "status:device";
    snprintf(rows[n].text, sizeof rows[n].text, "App version: %s", or_unknown(in->app_version));
    rows[n++].id = "status:version";
    if (in->set_id[0])
        snprintf(rows[n].text, sizeof rows[n].text, "Active question set: %s, version %d",
                 in->set_id, in->set_version);
    else
        snprintf(rows[n].text, sizeof rows[n].text, "Active question set: (none)");
    rows[n++].id = "status:set";
    if (s->counts_ok)
        snprintf(rows[n].text, sizeof rows[n].text,
                 "Responses: %lld today, %lld in total (%lld complete, %lld stopped early)",
                 (long long)s->counts.today, (long long)s->counts.total,
                 (long long)s->counts.complete, (long long)s->counts.abandoned);
    else
        snprintf(rows[n].text, sizeof rows[n].text, "Responses: unknown (%s)",
                 s->store_err[0] ? s->store_err : "no database");
    rows[n++].id = "status:responses";
    if (s->counts_ok)
        snprintf(rows[n].text, sizeof rows[n].text, "Waiting to upload: %lld%s",
                 (long long)s->counts.pending,
                 s->counts.conflict ? " (and some refused by the collector as conflicting)" : "");
    else
        snprintf(rows[n].text, sizeof rows[n].text, "Waiting to upload: unknown");
    if (s->counts_ok && s->counts.conflict) {
        snprintf(line, sizeof line, "Waiting to upload: %lld, refused as conflicting: %lld",
                 (long long)s->counts.pending, (long long)s->counts.conflict);
        wp_strlcpy(rows[n].text, line, sizeof rows[n].text);
    }
    rows[n++].id = "status:pending";
    if (!s->o.sync)
        snprintf(rows[n].text, sizeof rows[n].text,
                 "Sync: off (no collector endpoint is configured)");
    else if (s->sy.busy)
        snprintf(rows[n].text, sizeof rows[n].text, "Sync: sending now...");
    else if (s->sy.token_refused)
        snprintf(rows[n].text, sizeof rows[n].text,
                 "Last sync: refused. The collector does not accept this kiosk's token; ask the "
                 "central team for a new one.");
    else if (!s->sy.last_attempt_ms)
        snprintf(rows[n].text, sizeof rows[n].text, "Last sync: not tried yet");
    else {
        when_words(s->sy.last_attempt_ms, t, sizeof t);
        if (s->sy.last_error[0])
            snprintf(rows[n].text, sizeof rows[n].text, "Last sync: %s, failed: %s", t,
                     s->sy.last_error);
        else
            snprintf(rows[n].text, sizeof rows[n].text, "Last sync: %s, %s", t,
                     s->sy.last_result[0] ? s->sy.last_result : "succeeded");
    }
    rows[n++].id = "status:sync";
    if (s->disk_ok) {
        char f[32], tot[32];
        bytes_words(s->disk_free, f, sizeof f);
        bytes_words(s->disk_total, tot, sizeof tot);
        snprintf(rows[n].text, sizeof rows[n].text, "Free disk: %s of %s", f, tot);
    } else {
        snprintf(rows[n].text, sizeof rows[n].text, "Free disk: unknown");
    }
    rows[n++].id = "status:disk";
    {
        char ts[32] = "?";
        time_t now = (time_t)(wp_wall_ms() / 1000);
        struct tm tm;
        if (localtime_r(&now, &tm))
            strftime(ts, sizeof ts, "%Y-%m-%d %H:%M", &tm);
        snprintf(rows[n].text, sizeof rows[n].text,
                 wp_clock_synced() ? "Clock: %s, synchronised over the network"
                                   : "Clock: %s, NOT synchronised: the times of new responses "
                                     "may be off",
                 ts);
    }
    rows[n++].id = "status:clock";
    if (in->speech_error[0]) {
        /* Residents see "read aloud (unavailable)"; staff see why. */
        snprintf(rows[n].text, sizeof rows[n].text, "Read-aloud: unavailable (%s)",
                 in->speech_error);
        rows[n++].id = "status:speech";
    }
    /* The body size when everything fits, else the small size. */
    int px = m->body_px, min_px = m->small_px * 2 / 3;
    for (;;) {
        int need = 0;
        for (int i = 0; i < n; i++)
            need += text_height(L, rows[i].text, px, false, col_w) + m->gap / 2;
        if (y + need <= m->height - m->margin || px <= min_px)
            break;
        px = px > m->small_px ? m->small_px : px - 2;
    }
    for (int i = 0; i < n; i++)
        y = para(L, UIW_TEXT, rows[i].id, rows[i].text, px, false, m->margin, y, col_w) +
            m->gap / 2;

    /* Actions in a column at the end side. */
    int bx = m->width - m->margin - bw;
    int bh = (m->height - 2 * m->margin - 4 * m->gap) / 5;
    if (bh > mm(L, 22))
        bh = mm(L, 22);
    struct {
        const char *id, *label;
        int act;
    } acts[] = {{"staff-import", "Import from stick", ACT_IMPORT},
                {"staff-switch", "Switch question set", ACT_SWITCH},
                {"staff-export", "Export to stick", ACT_EXPORT},
                {"staff-sync", "Sync now", ACT_SYNC},
                {"staff-leave", "Leave staff mode", ACT_LEAVE}};
    for (int i = 0; i < 5; i++)
        button(L, acts[i].id, acts[i].label, acts[i].act, 0, bx, m->margin + i * (bh + m->gap), bw,
               bh, i == 4);
}

/* Rows of a list screen: computes how many fit and the bounds of the current page. */
static void page_bounds(ui_staff *s, int n, int per_page, int *first, int *last)
{
    if (per_page < 1)
        per_page = 1;
    s->per_page = per_page;
    int pages = (n + per_page - 1) / per_page;
    if (pages < 1)
        pages = 1;
    if (s->page >= pages)
        s->page = pages - 1;
    *first = s->page * per_page;
    *last = *first + per_page < n ? *first + per_page : n;
}

/* Back button and paging at the bottom; returns the top of that bar. */
static int bottom_bar(lay *L, bool back, bool prev, bool next)
{
    const ui_staff_metrics *m = L->m;
    int bh = button_h(L), y = m->height - m->margin - bh, bw = mm(L, 60);
    if (bw > (m->width - 2 * m->margin - 2 * m->gap) / 3)
        bw = (m->width - 2 * m->margin - 2 * m->gap) / 3;
    if (back)
        button(L, "staff-back", "Back", ACT_BACK, 0, m->margin, y, bw, bh, false);
    if (prev || next) {
        uiw *p = button(L, "page-prev", "Previous page", ACT_PAGE_PREV, 0,
                        m->width - m->margin - 2 * bw - m->gap, y, bw, bh, false);
        if (p)
            p->enabled = prev;
        uiw *nx = button(L, "page-next", "Next page", ACT_PAGE_NEXT, 0, m->width - m->margin - bw,
                         y, bw, bh, false);
        if (nx)
            nx->enabled = next;
    }
    return y;
}

static void set_words(const stick_set *set, char *buf, size_t len)
{
    if (set->status == STICK_SET_OK) {
        snprintf(buf, len,
                 "\"%s\" - languages: %s - %d question%s - signed by key %s - %s version %d (%s)",
                 set->title, set->languages, set->n_questions, set->n_questions == 1 ? "" : "s",
                 set->signer, set->id, set->version, set->file);
        return;
    }
    char reason[STAFF_REASON_SHOWN + 4];
    wp_strlcpy(reason, set->reason[0] ? set->reason : stick_status_name(set->status),
               sizeof reason);
    if (strlen(set->reason) >= STAFF_REASON_SHOWN)
        wp_strlcpy(reason + STAFF_REASON_SHOWN - 3, "...", 4);
    snprintf(buf, len, "%s: NOT accepted (%s). %s", set->file, stick_status_name(set->status),
             reason);
}

static void lay_import(ui_staff *s, lay *L)
{
    const ui_staff_metrics *m = L->m;
    int w = m->width - 2 * m->margin;
    int y = heading(L, "Import from USB stick");
    char line[UIW_LABEL_LEN];
    if (s->n_sticks <= 0) {
        y = para(L, UIW_TEXT, "stick-status",
                 "No stick found. Put in a USB stick that has a folder named WIJKPEIL; this "
                 "screen updates by itself.",
                 m->body_px, false, m->margin, y, w) +
            m->gap;
    } else if (!s->scan) {
        snprintf(line, sizeof line, "The stick %s cannot be read: %s", s->stick_root, s->scan_err);
        y = para(L, UIW_TEXT, "stick-status", line, m->body_px, false, m->margin, y, w) + m->gap;
    } else {
        int ok = 0;
        for (int i = 0; i < s->scan->n_sets; i++)
            ok += s->scan->sets[i].status == STICK_SET_OK;
        snprintf(line, sizeof line, "Stick %s: %d question set%s, %d accepted.%s", s->stick_root,
                 s->scan->n_sets, s->scan->n_sets == 1 ? "" : "s", ok,
                 s->n_sticks > 1 ? " (More than one stick is in; this is the first.)" : "");
        for (int i = 0; i < s->scan->n_notes; i++) {
            size_t l = strlen(line);
            snprintf(line + l, sizeof line - l, " %s.", s->scan->notes[i]);
        }
        y = para(L, UIW_TEXT, "stick-status", line, m->body_px, false, m->margin, y, w) + m->gap;
    }
    y = message_box(L, "staff-message", s->msg, m->margin, y, w);
    int bh = button_h(L);
    int bar_top = m->height - m->margin - bh - m->gap;
    const stick_conf *c = s->scan ? &s->scan->conf : NULL;
    if (c && c->present) {
        snprintf(line, sizeof line, "kiosk.conf: %d setting%s accepted", c->n_accepted,
                 c->n_accepted == 1 ? "" : "s");
        for (int i = 0; i < c->n_accepted; i++) {
            size_t l = strlen(line);
            snprintf(line + l, sizeof line - l, "%s%s = %s", i ? ", " : " (", c->accepted[i].key,
                     c->accepted[i].value);
        }
        size_t l = strlen(line);
        snprintf(line + l, sizeof line - l, "%s; %d refused%s", c->n_accepted ? ")" : "",
                 c->n_refused, c->n_refused ? ": " : ".");
        for (int i = 0; i < c->n_refused; i++) { /* each one, so staff know why */
            l = strlen(line);
            snprintf(line + l, sizeof line - l, "%s%s", i ? "; " : "", c->refused[i]);
        }
        bool can_apply = s->override_path[0] && c->n_accepted > 0;
        int tw = can_apply ? w - mm(L, 70) - m->gap : w;
        int h = text_height(L, line, m->body_px, false, tw);
        if (can_apply && h < bh)
            h = bh;
        add(L, UIW_TEXT, "stick-conf", line, m->body_px, m->margin, y, tw, h);
        if (can_apply)
            button(L, "staff-conf-apply", "Save settings", ACT_CONF_APPLY, 0,
                   m->width - m->margin - mm(L, 70), y, mm(L, 70), bh, false);
        y += h + m->gap;
    }
    int n = s->scan ? s->scan->n_sets : 0;
    int row_h = 3 * line_h(L, m->body_px);
    if (row_h < bh)
        row_h = bh;
    int first, last;
    page_bounds(s, n, (bar_top - y + m->gap) / (row_h + m->gap), &first, &last);
    int bw = mm(L, 50), tw = w - bw - m->gap;
    for (int i = first; i < last; i++) {
        const stick_set *set = &s->scan->sets[i];
        char id[UIW_ID_LEN];
        set_words(set, line, sizeof line);
        snprintf(id, sizeof id, "set:%d", i);
        uiw *t = add(L, set->status == STICK_SET_OK ? UIW_TEXT : UIW_HINT, id, line, m->body_px,
                     m->margin, y, tw, row_h);
        if (t && set->status != STICK_SET_OK)
            t->look = UIW_HINTBOX;
        if (set->status == STICK_SET_OK) {
            snprintf(id, sizeof id, "activate:%d", i);
            button(L, id, "Activate", ACT_ACTIVATE, i, m->margin + tw + m->gap, y, bw, row_h, true);
        }
        y += row_h + m->gap;
    }
    bottom_bar(L, true, first > 0, last < n);
}

static void lay_switch(ui_staff *s, lay *L)
{
    const ui_staff_metrics *m = L->m;
    int w = m->width - 2 * m->margin;
    int y = heading(L, "Switch question set");
    y = para(L, UIW_TEXT, "switch-intro",
             s->n_inst ? "Question sets installed on this kiosk. Residents see the one you choose "
                         "from the next poll on."
                       : "No question sets are installed on this kiosk yet. Import one from a "
                         "stick first.",
             m->body_px, false, m->margin, y, w) +
        m->gap;
    y = message_box(L, "staff-message", s->msg, m->margin, y, w);
    int bh = button_h(L);
    int bar_top = m->height - m->margin - bh - m->gap;
    int first, last;
    page_bounds(s, s->n_inst, (bar_top - y + m->gap) / (bh + m->gap), &first, &last);
    int bw = mm(L, 50), tw = w - bw - m->gap;
    for (int i = first; i < last; i++) {
        const stick_installed *in = &s->inst[i];
        bool active = !strcmp(in->id, s->o.info.set_id) && in->version == s->o.info.set_version;
        char line[UIW_LABEL_LEN], id[UIW_ID_LEN];
        snprintf(line, sizeof line, "%s (%s version %d)%s", in->title, in->id, in->version,
                 active ? ": in use now" : "");
        snprintf(id, sizeof id, "installed:%d", i);
        uiw *t = add(L, UIW_TEXT, id, line, m->body_px, m->margin, y, tw, bh);
        if (t)
            t->bold = active;
        snprintf(id, sizeof id, "use:%d", i);
        uiw *b = button(L, id, active ? "In use" : "Use this set", ACT_USE, i,
                        m->margin + tw + m->gap, y, bw, bh, false);
        if (b) {
            b->enabled = !active;
            b->selected = active;
        }
        y += bh + m->gap;
    }
    bottom_bar(L, true, first > 0, last < s->n_inst);
}

static void lay_export(ui_staff *s, lay *L)
{
    const ui_staff_metrics *m = L->m;
    int w = m->width - 2 * m->margin;
    int y = heading(L, "Export to USB stick");
    char line[UIW_LABEL_LEN];
    int bh = button_h(L);
    switch (s->ex_phase) {
    case EX_CHOOSE: {
        if (s->ex_root[0])
            snprintf(line, sizeof line,
                     "Stick: %s. The responses are written as CSV and JSON lines, with the kiosk "
                     "log, into its WIJKPEIL/export folder. \"Export only new responses\" leaves "
                     "out those already exported to a stick.",
                     s->ex_root);
        else
            wp_strlcpy(line,
                       "No stick found. Put in a USB stick that has a folder named WIJKPEIL; this "
                       "screen updates by itself.",
                       sizeof line);
        y = para(L, UIW_TEXT, "stick-status", line, m->body_px, false, m->margin, y, w) + m->gap;
        y = message_box(L, "staff-message", s->msg, m->margin, y, w);
        int bw = (w - m->gap) / 2;
        if (bw > mm(L, 120))
            bw = mm(L, 120);
        uiw *a = button(L, "export-all", "Export all responses", ACT_EXPORT_ALL, 0, m->margin, y,
                        bw, bh, true);
        if (a)
            a->enabled = s->ex_root[0] != '\0';
        uiw *b = button(L, "export-new", "Export only new responses", ACT_EXPORT_NEW, 0,
                        m->margin + bw + m->gap, y, bw, bh, false);
        if (b)
            b->enabled = s->ex_root[0] != '\0';
        bottom_bar(L, true, false, false);
        break;
    }
    case EX_RUNNING: {
        int64_t done = s->ex_done_seen > 0 ? s->ex_done_seen : 0;
        int64_t total = s->ex_total_seen > 0 ? s->ex_total_seen : 0;
        int pct = total > 0 ? (int)(done * 100 / total) : 0;
        if (pct > 100)
            pct = 100;
        snprintf(line, sizeof line,
                 "Exporting: %d %% done. Do not remove the stick until this screen says so.", pct);
        y = para(L, UIW_TEXT, "export-progress", line, m->body_px, true, m->margin, y, w) + m->gap;
        int bar_h = mm(L, 12);
        uiw *track = add(L, UIW_PROGRESS, "export-bar", "", m->body_px, m->margin, y, w, bar_h);
        if (track) {
            track->look = UIW_TILE;
            snprintf(line, sizeof line, "%d percent", pct);
            uiw_set_label(track, "", line);
        }
        int fw = (int)((int64_t)w * pct / 100);
        if (fw > 0) {
            uiw *f =
                add(L, UIW_PROGRESS, "export-bar-fill", "", m->body_px, m->margin, y, fw, bar_h);
            if (f)
                f->look = UIW_PRIMARY;
        }
        break;
    }
    case EX_DONE:
        y = para(L, UIW_HEADING, "export-result", "You may remove the stick now.", m->heading_px,
                 true, m->margin, y, w) +
            m->gap;
        y = para(L, UIW_TEXT, "export-detail", s->msg, m->body_px, false, m->margin, y, w) + m->gap;
        bottom_bar(L, true, false, false);
        break;
    case EX_FAILED:
        y = message_box(L, "export-result", s->msg, m->margin, y, w);
        bottom_bar(L, true, false, false);
        break;
    }
}

void ui_staff_layout(ui_staff *s, uiw_list *out, const ui_staff_metrics *m)
{
    out->n = 0;
    lay L = {.l = out, .m = m};
    switch (s->screen) {
    case SCR_PIN:
        lay_pin(s, &L);
        break;
    case SCR_HOME:
        lay_home(s, &L);
        break;
    case SCR_IMPORT:
        lay_import(s, &L);
        break;
    case SCR_SWITCH:
        lay_switch(s, &L);
        break;
    case SCR_EXPORT:
        lay_export(s, &L);
        break;
    case SCR_OFF:
        break;
    }
    /* Padding and measured text, as the resident layout does. */
    for (int i = 0; i < out->n; i++) {
        uiw *w = &out->w[i];
        w->pad = w->look == UIW_PLAIN ? 0 : m->pad;
        if (m->text) {
            ui_text_style st = {.px = w->px, .bold = w->bold, .align = w->align};
            ui_text_measure(m->text, w->label, &st, w->r.w - 2 * w->pad, &w->text_w, &w->text_h);
        }
    }
}
