/* Staff mode: gesture, PIN pad, status and actions, laid out into a widget list (ui_staff.h). */
#include "ui_staff.h"
#include "fleet.h"
#include "pin.h"
#include "qset.h"
#include "stick.h"
#include "store.h"
#include "ui.h"
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
#define STAFF_TARGET_MM    20.5 /* targets: 20 mm and a little for rounding to pixels */

typedef enum { SCR_OFF, SCR_PIN, SCR_HOME, SCR_IMPORT, SCR_SWITCH, SCR_EXPORT } staff_screen;

/* The staff words: enum, JSON key in assets/staff-strings.json, placeholders the text must
 * hold. */
#define STAFF_STRINGS(X)                                                                           \
    X(S_NAME, "name", "")                                                                          \
    X(S_OTHER_LANGUAGE, "other_language", "")                                                      \
    X(S_NOT_SET, "not_set", "")                                                                    \
    X(S_DECIMAL, "decimal_mark", "")                                                               \
    X(S_AGO_NOW, "ago_now", "{time}")                                                              \
    X(S_AGO_MINUTE, "ago_minute", "{time}{n}")                                                     \
    X(S_AGO_MINUTES, "ago_minutes", "{time}{n}")                                                   \
    X(S_AGO_HOURS, "ago_hours", "{time}{n}")                                                       \
    X(S_AGO_DAYS, "ago_days", "{time}{n}")                                                         \
    X(S_LIST_FAILED, "list_failed", "{error}")                                                     \
    X(S_EXPORT_NO_STICK, "export_no_stick", "")                                                    \
    X(S_EXPORT_NO_START, "export_no_start", "")                                                    \
    X(S_EXPORT_WROTE, "export_wrote", "{n}{files}")                                                \
    X(S_EXPORT_WROTE_ONE, "export_wrote_one", "{n}{files}")                                        \
    X(S_EXPORT_FILES, "export_files", "")                                                          \
    X(S_EXPORT_FILES_LOG, "export_files_log", "")                                                  \
    X(S_EXPORT_WARNING, "export_warning", "{error}")                                               \
    X(S_EXPORT_FAILED, "export_failed", "{error}")                                                 \
    X(S_UNKNOWN_ERROR, "unknown_error", "")                                                        \
    X(S_PIN_LOCKED, "pin_locked", "{min}{sec}")                                                    \
    X(S_PIN_WRONG, "pin_wrong", "{n}{min}")                                                        \
    X(S_PIN_WRONG_ONE, "pin_wrong_one", "{n}{min}")                                                \
    X(S_PIN_NO_HASH, "pin_no_hash", "")                                                            \
    X(S_INSTALL_FAILED, "install_failed", "{title}{error}")                                        \
    X(S_INSTALLED_NOT_SWITCHED, "installed_not_switched", "{title}{error}")                        \
    X(S_NO_SWITCH, "no_switch", "")                                                                \
    X(S_ACTIVATED_IMPORT, "activated_import", "{title}{id}{n}")                                    \
    X(S_SWITCH_FAILED, "switch_failed", "{title}{error}")                                          \
    X(S_ACTIVATED_SWITCH, "activated_switch", "{title}{id}{n}")                                    \
    X(S_CONF_FAILED, "conf_failed", "{error}")                                                     \
    X(S_CONF_SAVED, "conf_saved", "{n}")                                                           \
    X(S_CONF_SAVED_ONE, "conf_saved_one", "{n}")                                                   \
    X(S_SYNC_OFF_MSG, "sync_off_message", "")                                                      \
    X(S_SYNC_STARTED, "sync_started", "")                                                          \
    X(S_STAFF_MODE, "staff_mode", "")                                                              \
    X(S_STAFF_MODE_SHORT, "staff_mode_short", "")                                                  \
    X(S_PIN_PROMPT, "pin_prompt", "")                                                              \
    X(S_PIN_DIGITS, "pin_digits", "{n}")                                                           \
    X(S_PIN_DIGITS_ONE, "pin_digits_one", "{n}")                                                   \
    X(S_CANCEL, "cancel", "")                                                                      \
    X(S_CLEAR, "clear", "")                                                                        \
    X(S_CLEAR_KEY, "clear_key", "")                                                                \
    X(S_OK, "ok", "")                                                                              \
    X(S_DEVICE, "status_device", "{device}{location}")                                             \
    X(S_VERSION, "status_version", "{version}")                                                    \
    X(S_SET, "status_set", "{id}{n}")                                                              \
    X(S_SET_NONE, "status_set_none", "")                                                           \
    X(S_RESPONSES, "status_responses", "{today}{total}{complete}{abandoned}")                      \
    X(S_RESPONSES_UNKNOWN, "status_responses_unknown", "{error}")                                  \
    X(S_NO_DATABASE, "no_database", "")                                                            \
    X(S_PENDING, "status_pending", "{n}")                                                          \
    X(S_PENDING_CONFLICT, "status_pending_conflict", "{n}{conflict}")                              \
    X(S_PENDING_UNKNOWN, "status_pending_unknown", "")                                             \
    X(S_SYNC_OFF, "status_sync_off", "")                                                           \
    X(S_SYNC_BUSY, "status_sync_busy", "")                                                         \
    X(S_SYNC_REFUSED, "status_sync_refused", "")                                                   \
    X(S_SYNC_NEVER, "status_sync_never", "")                                                       \
    X(S_SYNC_FAILED, "status_sync_failed", "{when}{error}")                                        \
    X(S_SYNC_DONE, "status_sync_done", "{when}{result}")                                           \
    X(S_SYNC_SUCCEEDED, "sync_succeeded", "")                                                      \
    X(S_DISK, "status_disk", "{free}{total}")                                                      \
    X(S_DISK_UNKNOWN, "status_disk_unknown", "")                                                   \
    X(S_CLOCK_SYNCED, "status_clock_synced", "{time}")                                             \
    X(S_CLOCK_UNSYNCED, "status_clock_unsynced", "{time}")                                         \
    X(S_SPEECH_UNAVAILABLE, "status_speech_unavailable", "{error}")                                \
    X(S_PANEL_SMALL, "status_panel_small", "{w}{h}{min_w}{min_h}")                                 \
    X(S_ACT_IMPORT, "import", "")                                                                  \
    X(S_ACT_SWITCH, "switch", "")                                                                  \
    X(S_ACT_EXPORT, "export", "")                                                                  \
    X(S_ACT_SYNC, "sync", "")                                                                      \
    X(S_ACT_LEAVE, "leave", "")                                                                    \
    X(S_BACK, "back", "")                                                                          \
    X(S_PAGE_PREV, "page_prev", "")                                                                \
    X(S_PAGE_NEXT, "page_next", "")                                                                \
    X(S_SET_ROW, "set_row", "{title}{n}{languages}{key}{id}{version}{file}")                       \
    X(S_SET_ROW_ONE, "set_row_one", "{title}{n}{languages}{key}{id}{version}{file}")               \
    X(S_SET_REFUSED, "set_refused", "{file}{status}{reason}")                                      \
    X(S_IMPORT_HEADING, "import_heading", "")                                                      \
    X(S_NO_STICK, "no_stick", "")                                                                  \
    X(S_STICK_UNREADABLE, "stick_unreadable", "{stick}{error}")                                    \
    X(S_STICK_SETS, "stick_sets", "{stick}{n}{ok}")                                                \
    X(S_STICK_SETS_ONE, "stick_sets_one", "{stick}{n}{ok}")                                        \
    X(S_STICK_DOCS, "stick_docs", "{n}{ok}")                                                       \
    X(S_MANY_STICKS, "many_sticks", "")                                                            \
    X(S_NOTE_CONF_LINK, "note_conf_link", "")                                                      \
    X(S_NOTE_CONF_NOT_FILE, "note_conf_not_file", "")                                              \
    X(S_NOTE_CONF_TOO_LARGE, "note_conf_too_large", "{n}{max}")                                    \
    X(S_NOTE_CONF_UNREADABLE, "note_conf_unreadable", "{error}")                                   \
    X(S_NOTE_SETTINGS_REFUSED, "note_settings_refused", "")                                        \
    X(S_NOTE_SETTINGS_UNREADABLE, "note_settings_unreadable", "{error}")                           \
    X(S_NOTE_SETTINGS_CAPPED, "note_settings_capped", "{max}{n}")                                  \
    X(S_NOTE_NO_SETS_DIR, "note_no_sets_dir", "")                                                  \
    X(S_NOTE_SETS_DIR_REFUSED, "note_sets_dir_refused", "")                                        \
    X(S_NOTE_SETS_DIR_UNREADABLE, "note_sets_dir_unreadable", "{error}")                           \
    X(S_NOTE_ENTRIES_CAPPED, "note_entries_capped", "{total}{max}{n}")                             \
    X(S_NOTE_ENTRIES_SETS, "note_entries_sets", "{total}{max}{n}{names}")                          \
    X(S_NOTE_SETS_CAPPED, "note_sets_capped", "{max}{n}{names}")                                   \
    X(S_NOTE_MORE_THAN, "note_more_than", "{n}")                                                   \
    X(S_NOTE_AND_MORE, "note_and_more", "{names}")                                                 \
    X(S_CONF_ACCEPTED, "conf_accepted", "{n}")                                                     \
    X(S_CONF_ACCEPTED_ONE, "conf_accepted_one", "{n}")                                             \
    X(S_CONF_REFUSED, "conf_refused", "{n}")                                                       \
    X(S_SAVE_SETTINGS, "save_settings", "")                                                        \
    X(S_ACTIVATE, "activate", "")                                                                  \
    X(S_SWITCH_INTRO, "switch_intro", "")                                                          \
    X(S_SWITCH_NONE, "switch_none", "")                                                            \
    X(S_INSTALLED_ROW, "installed_row", "{title}{id}{n}")                                          \
    X(S_INSTALLED_ROW_ACTIVE, "installed_row_active", "{title}{id}{n}")                            \
    X(S_IN_USE, "in_use", "")                                                                      \
    X(S_USE_SET, "use_set", "")                                                                    \
    X(S_EXPORT_HEADING, "export_heading", "")                                                      \
    X(S_EXPORT_STICK, "export_stick", "{stick}")                                                   \
    X(S_EXPORT_ALL, "export_all", "")                                                              \
    X(S_EXPORT_NEW, "export_new", "")                                                              \
    X(S_EXPORTING, "exporting", "{n}")                                                             \
    X(S_PERCENT, "percent", "{n}")                                                                 \
    X(S_EXPORT_DONE, "export_done", "")                                                            \
    X(S_PIN_CHECKING, "pin_checking", "")                                                          \
    X(S_STICK_READING, "stick_reading", "{stick}")                                                 \
    X(S_PUBLISHED, "status_published", "{list}")                                                   \
    X(S_SCHEDULED_IMPORT, "scheduled_import", "{title}{id}{n}{from}{until}")                       \
    X(S_PUB_LINE, "pub_line", "{what}{source}{state}")                                             \
    X(S_PUB_SET, "pub_set", "{id}{n}")                                                             \
    X(S_PUB_SETTINGS, "pub_settings", "{name}")                                                    \
    X(S_PUB_NETWORK, "pub_source_network", "")                                                     \
    X(S_PUB_STICK, "pub_source_stick", "")                                                         \
    X(S_PUB_WAITING, "pub_waiting", "{time}")                                                      \
    X(S_PUB_DUE, "pub_due", "")                                                                    \
    X(S_PUB_DUE_UNTIL, "pub_due_until", "{time}")                                                  \
    X(S_PUB_ENDED, "pub_ended", "")                                                                \
    X(S_PUB_FAILED, "pub_failed", "{reason}")                                                      \
    X(S_PUB_REASON, "pub_reason", "{why}{file}")                                                   \
    X(S_WHY_UNSIGNED, "why_unsigned", "")                                                          \
    X(S_WHY_UNKNOWN_KEY, "why_unknown_key", "")                                                    \
    X(S_WHY_TAMPERED, "why_tampered", "")                                                          \
    X(S_WHY_INVALID, "why_invalid", "")                                                            \
    X(S_WHY_TOO_LARGE, "why_too_large", "")                                                        \
    X(S_WHY_UNSAFE, "why_unsafe", "")                                                              \
    X(S_WHY_UNREADABLE, "why_unreadable", "")                                                      \
    X(S_WHY_SETTINGS, "why_settings", "")                                                          \
    X(S_WHY_NOT_KEPT, "why_not_kept", "")                                                          \
    X(S_WHY_NOT_INSTALLED, "why_not_installed", "")                                                \
    X(S_WHY_MISSING, "why_missing", "")                                                            \
    X(S_SETTINGS_ROW, "settings_row", "{file}{settings}{key}{from}{until}")                        \
    X(S_TAKE_OVER, "take_over", "")                                                                \
    X(S_SETTINGS_TAKEN, "settings_taken", "{file}{from}{until}")                                   \
    X(S_SETTINGS_NOT_TAKEN, "settings_not_taken", "{file}{error}")

typedef enum {
#define STAFF_ENUM(e, key, needs) e,
    STAFF_STRINGS(STAFF_ENUM)
#undef STAFF_ENUM
        S_COUNT
} staff_str;

static const char *const staff_keys[S_COUNT] = {
#define STAFF_KEY(e, key, needs) [e] = key,
    STAFF_STRINGS(STAFF_KEY)
#undef STAFF_KEY
};

static const char *const staff_needs[S_COUNT] = {
#define STAFF_NEEDS(e, key, needs) [e] = needs,
    STAFF_STRINGS(STAFF_NEEDS)
#undef STAFF_NEEDS
};

static const uistr_schema staff_schema = {staff_keys, staff_needs, S_COUNT};

#define STAFF_MAX_ARGS 8 /* placeholders in one text */

/* Staff actions: carried in uiw.staff_act, with the list row (if any) in uiw.arg. */
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
    ACT_CONF_APPLY,
    ACT_LANGUAGE,
    ACT_TAKE_SETTINGS
} staff_act;

typedef enum { EX_CHOOSE, EX_RUNNING, EX_DONE, EX_FAILED } export_phase;

typedef enum { JOB_PIN, JOB_SCAN } job_kind;

/* A PIN check or stick scan on the worker thread. The UI thread fills the inputs before it
 * starts the worker and reads the outputs only after it saw finished (under mu); the worker
 * touches nothing else of the module. */
typedef struct {
    pthread_mutex_t mu;
    bool finished; /* under mu */
    job_kind kind;
    unsigned gen; /* the staff visit that asked (ui_staff_leave counts up) */
    /* JOB_PIN: in entry, now and pin (the attempts so far); out pin, result and left. */
    char entry[PIN_MAX_DIGITS + 1];
    int64_t now;
    pin_state pin;
    pin_result result;
    int left;
    /* JOB_SCAN: in root; out scan (NULL with err when unreadable). */
    char root[STICK_PATH_LEN];
    stick_scan *scan;
    char err[WP_ERR_LEN];
} staff_job;

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
    char published[STAFF_MSG_LEN]; /* from the centre (published_words), "" when none */
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
    char lang[16]; /* the staff screens' language now */
    /* the worker for PIN checks and stick scans */
    staff_job job;
    pthread_t job_thread;
    bool job_running;
    bool job_inline;   /* run_inline: there is no thread to join */
    unsigned gen;      /* counts staff visits: a result of an earlier one is dropped */
    bool pin_checking; /* the PIN entered is being checked */
    bool pin_queued;   /* OK was tapped while the worker was busy: check when it is free */
    bool scanning;     /* the stick at stick_root is being read */
    bool scan_again;   /* the sticks changed while reading: read again */
    int64_t next_job_poll;
};

/* ---------- small helpers ---------- */

int ui_staff_load_strings(const char *path, uistr **out, char *err, size_t errlen)
{
    return uistr_load_schema(path, &staff_schema, out, err, errlen);
}

static const char *T(const ui_staff *s, staff_str k)
{
    return uistr_get_at(s->o.staff_strings, s->lang, (int)k);
}

/* A number as text for a placeholder: NUM(v) lives until the end of the enclosing call. */
static const char *num_text(char *buf, size_t len, long long v)
{
    snprintf(buf, len, "%lld", v);
    return buf;
}
#define NUM(v) num_text((char[24]){""}, 24, (long long)(v))
/* Placeholder names and values, in pairs: ARGS("n", NUM(3), "title", t). */
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOARGS    ((const char *const[]){NULL})

/* The text of k in the staff language with its placeholders filled from kv (name, value, ...,
 * NULL). */
static void tr(const ui_staff *s, char *buf, size_t len, staff_str k, const char *const *kv)
{
    const char *names[STAFF_MAX_ARGS], *values[STAFF_MAX_ARGS];
    int n = 0;
    for (; kv[0] && n < STAFF_MAX_ARGS; kv += 2, n++) {
        names[n] = kv[0];
        values[n] = kv[1];
    }
    uistr_fill(buf, len, T(s, k), names, values, n);
}

/* The message of the current screen (results of actions). */
static void say(ui_staff *s, bool error, staff_str k, const char *const *kv)
{
    tr(s, s->msg, sizeof s->msg, k, kv);
    s->msg_error = error;
}

static const char *or_unknown(const ui_staff *s, const char *v)
{
    return v && *v ? v : T(s, S_NOT_SET);
}

/* "14:05 (3 minutes ago)" or "2026-11-27 14:05 (2 days ago)" for a wall time. */
static void when_words(const ui_staff *s, int64_t wall_ms, char *buf, size_t len)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    char hm[32] = "?";
    if (localtime_r(&t, &tm))
        strftime(hm, sizeof hm, "%Y-%m-%d %H:%M", &tm);
    int64_t ago = (wp_wall_ms() - wall_ms) / 60000;
    staff_str k = S_AGO_DAYS;
    long long n = ago / (24 * 60);
    if (ago < 0) {
        wp_strlcpy(buf, hm, len);
        return;
    }
    if (ago < 1)
        k = S_AGO_NOW;
    else if (ago < 120)
        k = ago == 1 ? S_AGO_MINUTE : S_AGO_MINUTES, n = ago;
    else if (ago < 48 * 60)
        k = S_AGO_HOURS, n = ago / 60;
    tr(s, buf, len, k, ARGS("time", hm, "n", NUM(n)));
}

/* "1.5 GB" ("1,5 GB" in Dutch) or "300 MB". */
static void bytes_words(const ui_staff *s, unsigned long long b, char *buf, size_t len)
{
    if (b >= 1000ULL * 1000 * 1000) {
        unsigned long long tenths = (b + 50ULL * 1000 * 1000) / (100ULL * 1000 * 1000);
        snprintf(buf, len, "%llu%s%llu GB", tenths / 10, T(s, S_DECIMAL), tenths % 10);
    } else {
        snprintf(buf, len, "%.0f MB", (double)b / 1e6);
    }
}

/* A publication's from or until for staff: "2027-03-01 08:00", or "-" when not set. */
static void schedule_words(int64_t wall_ms, char *buf, size_t len)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    wp_strlcpy(buf, "-", len);
    if (wall_ms && localtime_r(&t, &tm))
        strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

#define STAFF_MAX_PUBS 16 /* publications listed on the status screen */

/* Why a publication was refused, in the staff screens' language: "changed after it was signed
 * (spring.json)"; the English reason when the record has no word for it (recorded before). */
static void refusal_words(const ui_staff *s, const fleet_item *it, char *buf, size_t len)
{
    static const struct {
        const char *why;
        staff_str k;
    } words[] = {
        {FLEET_WHY_UNSIGNED, S_WHY_UNSIGNED},     {FLEET_WHY_UNKNOWN_KEY, S_WHY_UNKNOWN_KEY},
        {FLEET_WHY_TAMPERED, S_WHY_TAMPERED},     {FLEET_WHY_INVALID, S_WHY_INVALID},
        {FLEET_WHY_TOO_LARGE, S_WHY_TOO_LARGE},   {FLEET_WHY_UNSAFE, S_WHY_UNSAFE},
        {FLEET_WHY_UNREADABLE, S_WHY_UNREADABLE}, {FLEET_WHY_SETTINGS, S_WHY_SETTINGS},
        {FLEET_WHY_NOT_KEPT, S_WHY_NOT_KEPT},     {FLEET_WHY_NOT_INSTALLED, S_WHY_NOT_INSTALLED},
        {FLEET_WHY_MISSING, S_WHY_MISSING}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(it->why, words[i].why) == 0) {
            tr(s, buf, len, S_PUB_REASON, ARGS("why", T(s, words[i].k), "file", it->file));
            return;
        }
    wp_strlcpy(buf, it->reason, len);
}

/* What the centre published to this kiosk (fleet_report_items), one line each, in the staff
 * screens' language: "spring v3 (network): waiting until 2027-03-01 08:00". */
static void published_words(const ui_staff *s, store *st, char *buf, size_t len)
{
    fleet_item *items = calloc(STAFF_MAX_PUBS, sizeof *items);
    buf[0] = '\0';
    if (!items)
        return;
    int n = fleet_report_items(st, wp_wall_ms(), items, STAFF_MAX_PUBS);
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        const fleet_item *it = &items[i];
        char what[192], state[FLEET_REASON_LEN + 64], time[64], line[FLEET_REASON_LEN + 320],
            reason[FLEET_REASON_LEN];
        schedule_words(it->at_ms, time, sizeof time);
        if (it->settings)
            tr(s, what, sizeof what, S_PUB_SETTINGS, ARGS("name", it->set_id));
        else
            tr(s, what, sizeof what, S_PUB_SET, ARGS("id", it->set_id, "n", NUM(it->version)));
        if (!strcmp(it->state, "waiting"))
            tr(s, state, sizeof state, S_PUB_WAITING, ARGS("time", time));
        else if (!strcmp(it->state, "due") && it->at_ms)
            tr(s, state, sizeof state, S_PUB_DUE_UNTIL, ARGS("time", time));
        else if (!strcmp(it->state, "due"))
            tr(s, state, sizeof state, S_PUB_DUE, NOARGS);
        else if (!strcmp(it->state, "ended"))
            tr(s, state, sizeof state, S_PUB_ENDED, NOARGS);
        else {
            refusal_words(s, it, reason, sizeof reason);
            tr(s, state, sizeof state, S_PUB_FAILED, ARGS("reason", reason));
        }
        tr(s, line, sizeof line, S_PUB_LINE,
           ARGS("what", what, "source",
                T(s, !strcmp(it->source, "stick") ? S_PUB_STICK : S_PUB_NETWORK), "state", state));
        int w = snprintf(buf + used, len - used, "%s%s", used ? "\n" : "", line);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
    free(items);
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
    s->published[0] = '\0';
    if (s->st)
        published_words(s, s->st, s->published, sizeof s->published);
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

static void job_start(ui_staff *s, job_kind kind, int64_t now);

static void drop_scan(ui_staff *s)
{
    stick_scan_free(s->scan);
    s->scan = NULL;
    s->stick_root[0] = '\0';
    s->scan_err[0] = '\0';
    s->n_sticks = 0;
    s->scanning = false;
    s->scan_again = false;
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
    s->scanning = true;
    if (s->job_running) {
        s->scan_again = true; /* read when the worker is free */
        return;
    }
    wp_strlcpy(s->job.root, found[0], sizeof s->job.root);
    job_start(s, JOB_SCAN, now);
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
        say(s, true, S_LIST_FAILED, ARGS("error", err));
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

/* ---------- the worker for PIN checks and stick scans ---------- */

/* Argon2 (~0.1-0.3 s, more on a Pi) and reading a slow or crowded stick run here, so the
 * screens keep answering meanwhile. */
static void *job_main(void *arg)
{
    ui_staff *s = arg;
    staff_job *j = &s->job;
    if (s->o.worker_hook)
        s->o.worker_hook(s->o.ctx, j->kind == JOB_PIN ? "pin" : "scan");
    if (j->kind == JOB_PIN) {
        j->result = pin_check(&j->pin, s->o.cfg->staff_pin_hash, j->entry, j->now, &j->left);
        sodium_memzero(j->entry, sizeof j->entry);
    } else {
        j->err[0] = '\0';
        if (stick_scan_open(j->root, s->o.cfg, s->o.strings, &j->scan, j->err, sizeof j->err) != 0)
            j->scan = NULL;
    }
    pthread_mutex_lock(&j->mu);
    j->finished = true;
    pthread_mutex_unlock(&j->mu);
    if (s->o.worker_done)
        s->o.worker_done(s->o.ctx);
    return NULL;
}

static bool job_collect(ui_staff *s, int64_t now);

/* Starts the job whose inputs are filled (the worker is free). */
static void job_start(ui_staff *s, job_kind kind, int64_t now)
{
    s->job.kind = kind;
    s->job.gen = s->gen;
    s->job.finished = false;
    s->job_running = true;
    s->next_job_poll = now + STAFF_EXPORT_POLL;
    if (!s->o.run_inline && pthread_create(&s->job_thread, NULL, job_main, s) == 0)
        return;
    /* Headless scripts on a virtual clock (or no thread to be had): here and now. */
    s->job_inline = true;
    job_main(s);
    job_collect(s, now);
}

static void pin_ok(ui_staff *s, int64_t now);
static void pin_done(ui_staff *s, int64_t now);

static void scan_done(ui_staff *s, int64_t now)
{
    stick_scan *scan = s->job.scan;
    s->job.scan = NULL;
    if (s->job.gen != s->gen || s->screen != SCR_IMPORT || s->scan_again ||
        strcmp(s->job.root, s->stick_root) != 0) {
        stick_scan_free(scan); /* asked for by an earlier visit, or the sticks changed since */
        if (s->scan_again && s->screen == SCR_IMPORT)
            rescan(s, now);
        return;
    }
    s->scanning = false;
    s->scan = scan;
    wp_strlcpy(s->scan_err, s->job.err, sizeof s->scan_err);
}

/* Takes the worker's result when it is there; true when what is shown changed. */
static bool job_collect(ui_staff *s, int64_t now)
{
    if (!s->job_running)
        return false;
    pthread_mutex_lock(&s->job.mu);
    bool finished = s->job.finished;
    pthread_mutex_unlock(&s->job.mu);
    s->next_job_poll = now + STAFF_EXPORT_POLL;
    if (!finished)
        return false;
    if (!s->job_inline)
        pthread_join(s->job_thread, NULL);
    s->job_inline = false;
    s->job_running = false;
    if (s->job.kind == JOB_PIN)
        pin_done(s, now);
    else
        scan_done(s, now);
    if (s->pin_queued && !s->job_running && s->screen == SCR_PIN) {
        s->pin_queued = false;
        pin_ok(s, now);
    }
    if (s->scan_again && !s->job_running && s->screen == SCR_IMPORT) {
        s->scan_again = false;
        rescan(s, now);
    }
    return true;
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
        say(s, true, S_EXPORT_NO_STICK, NOARGS);
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
        say(s, true, S_EXPORT_NO_START, NOARGS);
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
        char files[256], warn[WP_ERR_LEN + 64] = "";
        tr(s, files, sizeof files, res.log[0] ? S_EXPORT_FILES_LOG : S_EXPORT_FILES, NOARGS);
        say(s, false, res.n_responses == 1 ? S_EXPORT_WROTE_ONE : S_EXPORT_WROTE,
            ARGS("n", NUM(res.n_responses), "files", files));
        if (err[0]) {
            size_t l = strlen(s->msg);
            tr(s, warn, sizeof warn, S_EXPORT_WARNING, ARGS("error", err));
            snprintf(s->msg + l, sizeof s->msg - l, " %s", warn);
        }
    } else {
        s->ex_phase = EX_FAILED;
        say(s, true, S_EXPORT_FAILED, ARGS("error", err[0] ? err : T(s, S_UNKNOWN_ERROR)));
    }
    if (s->screen == SCR_HOME || s->screen == SCR_EXPORT)
        refresh_status(s, now);
    return true;
}

void ui_staff_settle(ui_staff *s, int64_t now)
{
    if (!s->ex_running)
        return;
    if (!s->ex_inline) {
        pthread_join(s->ex_thread, NULL);
        s->ex_inline = true; /* joined: export_poll must not join it again */
    }
    export_poll(s, now);
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
    pthread_mutex_init(&s->job.mu, NULL);
    pin_init(&s->pin);
    s->screen = SCR_OFF;
    ui_staff_set_language(s, o->cfg && o->cfg->staff_language[0] ? o->cfg->staff_language : "nl");
    return s;
}

void ui_staff_set_strings(ui_staff *s, const uistr *strings)
{
    if (!s)
        return;
    s->o.staff_strings = strings;
    const config *c = s->o.cfg;
    ui_staff_set_language(s, c && c->staff_language[0] ? c->staff_language : "nl");
}

const char *ui_staff_language(const ui_staff *s)
{
    return s->lang;
}

void ui_staff_set_language(ui_staff *s, const char *lang)
{
    wp_strlcpy(s->lang, uistr_has_language(s->o.staff_strings, lang) ? lang : "en", sizeof s->lang);
}

/* The language after the current one in the strings file (the language button). */
static const char *next_language(const ui_staff *s)
{
    for (int i = 0; uistr_language(s->o.staff_strings, i); i++)
        if (!strcmp(uistr_language(s->o.staff_strings, i), s->lang)) {
            const char *n = uistr_language(s->o.staff_strings, i + 1);
            return n ? n : uistr_language(s->o.staff_strings, 0);
        }
    return "en";
}

void ui_staff_free(ui_staff *s)
{
    if (!s)
        return;
    if (s->ex_running)
        pthread_join(s->ex_thread, NULL);
    pthread_mutex_destroy(&s->ex.mu);
    if (s->job_running && !s->job_inline)
        pthread_join(s->job_thread, NULL);
    pthread_mutex_destroy(&s->job.mu);
    stick_scan_free(s->job.scan);
    sodium_memzero(s->job.entry, sizeof s->job.entry);
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
    if (secs > 0) {
        char sec[8];
        snprintf(sec, sizeof sec, "%02d", secs % 60);
        tr(s, s->pin_msg, sizeof s->pin_msg, S_PIN_LOCKED, ARGS("min", NUM(secs / 60), "sec", sec));
    }
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
    ui_staff_set_language(s, s->o.cfg->staff_language[0] ? s->o.cfg->staff_language : "nl");
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
    s->gen++; /* a PIN check or scan still running is not shown */
    s->pin_checking = false;
    s->pin_queued = false;
    sodium_memzero(s->entry, sizeof s->entry);
    s->pin_msg[0] = '\0';
    s->msg[0] = '\0';
    drop_scan(s);
}

bool ui_staff_working(const ui_staff *s)
{
    return s && s->job_running;
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
    tr(s, s->pin_msg, sizeof s->pin_msg, S_PIN_CHECKING, NOARGS);
    s->pin_lock_shown = false;
    s->pin_checking = true;
    if (s->job_running) {
        s->pin_queued = true; /* an earlier visit's job: checked when it is done */
        return;
    }
    wp_strlcpy(s->job.entry, s->entry, sizeof s->job.entry);
    sodium_memzero(s->entry, sizeof s->entry);
    s->job.pin = s->pin;
    s->job.now = now;
    job_start(s, JOB_PIN, now); /* Argon2 takes a moment: on the worker */
}

static void pin_done(ui_staff *s, int64_t now)
{
    pin_result r = s->job.result;
    int left = s->job.left;
    s->pin = s->job.pin; /* the attempts count whether or not the pad is still shown */
    if (r != PIN_NO_HASH)
        pin_keep(s, now);
    if (s->job.gen != s->gen || s->screen != SCR_PIN)
        return; /* staff left meanwhile: nothing opens */
    s->pin_checking = false;
    s->pin_msg[0] = '\0';
    switch (r) {
    case PIN_OK:
        s->pin_lock_shown = false;
        go(s, SCR_HOME, now);
        break;
    case PIN_WRONG:
        tr(s, s->pin_msg, sizeof s->pin_msg, left == 1 ? S_PIN_WRONG_ONE : S_PIN_WRONG,
           ARGS("n", NUM(left), "min", NUM(PIN_LOCK_MS / 60000)));
        break;
    case PIN_LOCKED:
        pin_lock_msg(s);
        break;
    case PIN_NO_HASH:
        tr(s, s->pin_msg, sizeof s->pin_msg, S_PIN_NO_HASH, NOARGS);
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
        say(s, true, S_INSTALL_FAILED, ARGS("title", set->title, "error", err));
        return;
    }
    if (set->scheduled) {
        /* Exported with its schedule (publish --to-stick): started and ended by the kiosk's
         * schedule exactly as the same publication fetched over the network (fleet.h). */
        open_store(s);
        if (!s->st || fleet_record_stick(s->st, set, path, err, sizeof err) != 0) {
            say(s, true, S_INSTALLED_NOT_SWITCHED,
                ARGS("title", set->title, "error", s->st ? err : s->store_err));
            return;
        }
        char from[64], until[64];
        schedule_words(set->from_ms, from, sizeof from);
        schedule_words(set->until_ms, until, sizeof until);
        say(s, false, S_SCHEDULED_IMPORT,
            ARGS("title", set->title, "id", set->id, "n", NUM(set->version), "from", from, "until",
                 until));
        return;
    }
    if (!s->o.activate || s->o.activate(s->o.ctx, path, err, sizeof err) != 0) {
        say(s, true, S_INSTALLED_NOT_SWITCHED,
            ARGS("title", set->title, "error", err[0] ? err : T(s, S_NO_SWITCH)));
        return;
    }
    say(s, false, S_ACTIVATED_IMPORT,
        ARGS("title", set->title, "id", set->id, "n", NUM(set->version)));
}

/* Takes over a settings document of the centre from the stick: recorded as a download of the same
 * publication is (fleet_record_stick_settings), started and ended by the kiosk's schedule between
 * residents. */
static void take_settings(ui_staff *s, int i)
{
    if (!s->scan || i < 0 || i >= s->scan->n_settings)
        return;
    const stick_settings *d = &s->scan->settings[i];
    if (d->status != STICK_SET_OK)
        return;
    char err[WP_ERR_LEN] = "";
    open_store(s);
    if (!s->st ||
        fleet_record_stick_settings(s->st, d, s->data_dir, NULL, 0, err, sizeof err) != 0) {
        say(s, true, S_SETTINGS_NOT_TAKEN,
            ARGS("file", d->file, "error", s->st ? err : s->store_err));
        return;
    }
    char from[64], until[64];
    schedule_words(d->from_ms, from, sizeof from);
    schedule_words(d->until_ms, until, sizeof until);
    say(s, false, S_SETTINGS_TAKEN, ARGS("file", d->file, "from", from, "until", until));
}

static void use_installed(ui_staff *s, int i)
{
    if (i < 0 || i >= s->n_inst)
        return;
    const stick_installed *in = &s->inst[i];
    char err[WP_ERR_LEN] = "";
    if (!s->o.activate || s->o.activate(s->o.ctx, in->path, err, sizeof err) != 0) {
        say(s, true, S_SWITCH_FAILED,
            ARGS("title", in->title, "error", err[0] ? err : T(s, S_NO_SWITCH)));
        return;
    }
    say(s, false, S_ACTIVATED_SWITCH,
        ARGS("title", in->title, "id", in->id, "n", NUM(in->version)));
}

static void conf_apply(ui_staff *s)
{
    if (!s->scan || !s->override_path[0] || s->scan->conf.n_accepted == 0)
        return;
    char err[WP_ERR_LEN];
    if (stick_conf_apply(&s->scan->conf, s->override_path, err, sizeof err) != 0)
        say(s, true, S_CONF_FAILED, ARGS("error", err));
    else
        say(s, false, s->scan->conf.n_accepted == 1 ? S_CONF_SAVED_ONE : S_CONF_SAVED,
            ARGS("n", NUM(s->scan->conf.n_accepted)));
}

bool ui_staff_tap(ui_staff *s, const uiw *w, int64_t now)
{
    if (s->screen == SCR_OFF)
        return false;
    s->now = now;
    s->last_tap = now;
    if (!w || w->action != UIA_STAFF || !w->enabled)
        return false;
    int idx = w->arg;
    switch ((staff_act)w->staff_act) {
    case ACT_DIGIT: {
        size_t n = strlen(s->entry);
        if (pin_locked_seconds(&s->pin, now) > 0 || s->pin_checking || n >= PIN_MAX_DIGITS)
            break;
        s->entry[n] = (char)('0' + idx % 10);
        s->entry[n + 1] = '\0';
        break;
    }
    case ACT_PIN_CLEAR:
        sodium_memzero(s->entry, sizeof s->entry);
        break;
    case ACT_PIN_OK:
        if (!s->pin_checking)
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
            say(s, true, S_SYNC_OFF_MSG, NOARGS);
        } else {
            synclink_now(s->o.sync);
            say(s, false, S_SYNC_STARTED, NOARGS);
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
    case ACT_TAKE_SETTINGS:
        take_settings(s, idx);
        break;
    case ACT_EXPORT_ALL:
    case ACT_EXPORT_NEW:
        export_start(s, w->staff_act == ACT_EXPORT_NEW, now);
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
    case ACT_LANGUAGE:
        ui_staff_set_language(s, next_language(s));
        s->msg[0] = '\0';
        s->next_refresh = 0; /* the status rows worded again in it */
        break;
    }
    return true;
}

bool ui_staff_tick(ui_staff *s, int64_t now)
{
    if (s->screen == SCR_OFF)
        return false;
    s->now = now;
    bool changed = job_collect(s, now);
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
        if (now >= s->next_stick_poll && !s->scanning) {
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
    if (s->job_running && s->next_job_poll < d)
        d = s->next_job_poll;
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
    ui_staff *s;
    uiw_list *l;
    const ui_staff_metrics *m;
    int col_w; /* width of the column of items (from the start margin) */
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

/* Width and height of label wrapped at w (estimated without a text renderer). */
static void text_size(const lay *L, const char *label, int px, bool bold, int w, int *tw, int *th)
{
    if (L->m->text) {
        ui_text_style st = {.px = px, .bold = bold, .align = UI_ALIGN_START};
        *tw = *th = 0;
        ui_text_measure(L->m->text, label, &st, w, tw, th);
        if (*th <= 0)
            *th = line_h(L, px);
        return;
    }
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        if ((*p & 0xC0) != 0x80)
            chars++;
    double per_line = w > 0 ? w / (px * 0.55) : 1;
    int lines = (int)ceil((double)chars / (per_line > 1 ? per_line : 1));
    *tw = (int)fmin(w, chars * px * 0.55);
    *th = (lines < 1 ? 1 : lines) * line_h(L, px);
}

static int text_height(const lay *L, const char *label, int px, bool bold, int w)
{
    int tw, th;
    text_size(L, label, px, bold, w, &tw, &th);
    return th;
}

/* Width of the widest word of label (no line can be narrower without breaking it). */
static int widest_word(const lay *L, const char *label, int px, bool bold)
{
    int best = 0;
    for (const char *p = label; *p;) {
        size_t n = strcspn(p, " ");
        if (n > 0) {
            char word[UIW_LABEL_LEN];
            size_t k = n < sizeof word ? n : sizeof word - 1;
            memcpy(word, p, k);
            word[k] = '\0';
            int tw, th;
            text_size(L, word, px, bold, INT32_MAX / 2, &tw, &th);
            if (tw > best)
                best = tw;
        }
        p += n;
        p += strspn(p, " ");
    }
    return best;
}

static uiw *add(lay *L, uiw_role role, const char *id, const char *label, int px, int x, int y,
                int w, int h)
{
    uiw *wd = uiw_add(L->l, role, id);
    if (!wd)
        return NULL;
    uiw_set_label(wd, label, NULL);
    wp_strlcpy(wd->lang, L->s->lang, sizeof wd->lang);
    wd->px = px;
    wd->r.x = x;
    wd->r.y = y;
    wd->r.w = w;
    wd->r.h = h;
    wd->align = UI_ALIGN_START;
    return wd;
}

/* Height a button of width w needs for label (at least 20 mm: a target). */
static int button_need(const lay *L, const char *label, int w)
{
    int pad = L->m->pad, h = mm(L, STAFF_TARGET_MM);
    int th = text_height(L, label, L->m->body_px, false, w - 2 * pad) + 2 * pad;
    return th > h ? th : h;
}

static int button_h(const lay *L)
{
    return button_need(L, "", mm(L, 40));
}

static uiw *button(lay *L, const char *id, const char *label, int act, int idx, int x, int y, int w,
                   int h, bool primary)
{
    uiw *b = add(L, UIW_BUTTON, id, label, L->m->body_px, x, y, w, h);
    if (!b)
        return NULL;
    b->look = primary ? UIW_PRIMARY : UIW_TILE;
    b->action = UIA_STAFF;
    b->staff_act = act;
    b->arg = idx;
    b->align = UI_ALIGN_CENTER;
    b->bold = primary;
    /* A label that would not fit at the body size uses the small size. */
    int pad = L->m->pad;
    if (text_height(L, label, b->px, b->bold, w - 2 * pad) > h - 2 * pad ||
        widest_word(L, label, b->px, b->bold) > w - 2 * pad) {
        b->px = L->m->small_px;
        b->bold = false;
    }
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

static int message_h(const lay *L, const char *msg, int w)
{
    if (!msg || !*msg)
        return 0;
    const ui_staff_metrics *m = L->m;
    return text_height(L, msg, m->body_px, true, w - 2 * m->pad) + 2 * m->pad;
}

/* The message box of a screen (results of actions); returns its bottom. */
static int message_box(lay *L, const char *id, const char *msg, int x, int y, int w)
{
    if (!msg || !*msg)
        return y;
    const ui_staff_metrics *m = L->m;
    int h = message_h(L, msg, w);
    uiw *b = add(L, UIW_HINT, id, msg, m->body_px, x, y, w, h);
    if (b) {
        b->look = UIW_HINTBOX;
        b->bold = true;
    }
    return y + h + m->gap;
}

/* The heading size, or the body size where a word of label would not fit w at it. */
static int head_px(const lay *L, const char *label, int w)
{
    const ui_staff_metrics *m = L->m;
    return widest_word(L, label, m->heading_px, true) <= w ? m->heading_px : m->body_px;
}

static int heading_at(lay *L, const char *label, int w)
{
    const ui_staff_metrics *m = L->m;
    return para(L, UIW_HEADING, "heading", label, head_px(L, label, w), true, m->margin, m->margin,
                w) +
           m->gap;
}

/* Cuts text at a word so that it fits w x max_h at px ("..." at the end). */
static void fit_text(const lay *L, char *text, int px, bool bold, int w, int max_h)
{
    while (text_height(L, text, px, bold, w) > max_h) {
        char *sp = strrchr(text, ' ');
        if (!sp)
            return;
        *sp = '\0';
        size_t l = strlen(text);
        if (l > 3 && !strcmp(text + l - 3, "..."))
            text[l - 3] = '\0';
        wp_strlcpy(text + strlen(text), "...", 4);
    }
}

/* The longest start of word (n bytes) at most w wide at px, ending after a '-', '_', '.' or '/'
 * where one fits ("c-openingstijden-" of "c-openingstijden-voorjaar.conf"), else after as many
 * whole characters as fit; at least one character. Returns its length in bytes. */
static size_t word_piece(const lay *L, const char *word, size_t n, int px, bool bold, int w)
{
    char piece[UIW_LABEL_LEN];
    size_t fit = 0, at_mark = 0;
    for (size_t i = 0; i < n;) {
        size_t next = i + 1;
        while (next < n && ((unsigned char)word[next] & 0xC0) == 0x80)
            next++;
        snprintf(piece, sizeof piece, "%.*s", (int)next, word);
        int tw, th;
        text_size(L, piece, px, bold, INT32_MAX / 2, &tw, &th);
        if (tw > w && fit > 0)
            break;
        fit = next;
        if (strchr("-_./", word[i]))
            at_mark = next;
        i = next;
    }
    return at_mark > 0 && fit < n ? at_mark : fit;
}

/* Breaks every word of text wider than w at px over lines ('\n' after a '-', '_', '.' or '/'
 * where it can): a file name staff must read whole ("c-openingstijden-" / "voorjaar.conf"). */
static void wrap_words(const lay *L, char *text, size_t len, int px, bool bold, int w)
{
    char out[UIW_LABEL_LEN] = "";
    size_t o = 0;
    for (const char *p = text; *p;) {
        size_t sp = strspn(p, " "), n = strcspn(p + sp, " ");
        const char *word = p + sp;
        int k = snprintf(out + o, sizeof out - o, "%.*s", (int)sp, p);
        if (k < 0 || (size_t)k >= sizeof out - o)
            break;
        o += (size_t)k;
        while (n > 0) {
            size_t piece = word_piece(L, word, n, px, bold, w);
            k = snprintf(out + o, sizeof out - o, "%.*s%s", (int)piece, word,
                         piece < n ? "\n" : "");
            if (k < 0 || (size_t)k >= sizeof out - o)
                break;
            o += (size_t)k;
            word += piece;
            n -= piece;
        }
        if (n > 0)
            break; /* out is full */
        p = word;
    }
    wp_strlcpy(text, out, len);
}

/* Shortens every word of text wider than w at px in its middle ("b-unsig…json"), so that no
 * word is broken between letters: long file names and paths from a stick or an error. */
static void fit_words(const lay *L, char *text, size_t len, int px, bool bold, int w)
{
    char out[UIW_LABEL_LEN] = "", word[UIW_LABEL_LEN];
    size_t o = 0;
    for (const char *p = text; *p;) {
        size_t sp = strspn(p, " "), n = strcspn(p + sp, " ");
        snprintf(word, sizeof word, "%.*s", (int)n, p + sp);
        int tw, th;
        for (;;) {
            text_size(L, word, px, bold, INT32_MAX / 2, &tw, &th);
            size_t wl = strlen(word);
            if (tw <= w || wl < 6)
                break;
            /* Drop one character next to the cut, from the longer side (whole UTF-8
             * sequences), and mark the cut. */
            char *ell = strstr(word, "\xE2\x80\xA6");
            size_t at = ell ? (size_t)(ell - word) : wl / 2, end = ell ? at + 3 : at;
            if (at > wl - end) {
                do
                    at--;
                while (at > 0 && ((unsigned char)word[at] & 0xC0) == 0x80);
            } else if (end < wl) {
                do
                    end++;
                while (end < wl && ((unsigned char)word[end] & 0xC0) == 0x80);
            } else {
                break;
            }
            char rest[UIW_LABEL_LEN];
            wp_strlcpy(rest, word + end, sizeof rest);
            snprintf(word + at, sizeof word - at, "\xE2\x80\xA6%s", rest);
        }
        int k = snprintf(out + o, sizeof out - o, "%.*s%s", (int)sp, p, word);
        if (k < 0 || (size_t)k >= sizeof out - o)
            break;
        o += (size_t)k;
        p += sp + n;
    }
    wp_strlcpy(text, out, len);
}

static int heading(lay *L, const char *label)
{
    return heading_at(L, label, L->m->width - 2 * L->m->margin);
}

/* The staff screen's heading: "Staff mode", or the short word where a word of it does not fit
 * the panel even at the body size. */
static const char *staff_heading(const lay *L)
{
    const char *h = T(L->s, S_STAFF_MODE);
    int w = L->m->width - 2 * L->m->margin;
    return widest_word(L, h, L->m->body_px, true) <= w ? h : T(L->s, S_STAFF_MODE_SHORT);
}

/* Splits items of heights h[0..n) into pages of at most avail (gap between items), keeps
 * s->page among them and gives the items of that page; returns the number of pages. */
static int paginate(ui_staff *s, const int *h, int n, int avail, int gap, int *first, int *last)
{
    int pages = 0;
    for (int pass = 0; pass < 2; pass++) {
        int start = 0, page = 0;
        do {
            int used = 0, end = start;
            while (end < n && (end == start || used + gap + h[end] <= avail)) {
                used += (end > start ? gap : 0) + h[end];
                end++;
            }
            if (pass == 1 && page == s->page) {
                *first = start;
                *last = end;
                return pages;
            }
            page++;
            start = end;
        } while (start < n);
        pages = page;
        if (s->page >= pages)
            s->page = pages - 1;
        if (s->page < 0)
            s->page = 0;
    }
    *first = *last = 0;
    return pages;
}

/* The page buttons: arrows, spoken as "previous page" / "next page". */
static void page_buttons(lay *L, int x, int y, int w, int h, bool prev, bool next)
{
    const ui_staff_metrics *m = L->m;
    int bw = (w - m->gap) / 2;
    struct {
        const char *id;
        staff_str k;
        int act, arrow, x;
        bool on;
    } b[2] = {{"page-prev", S_PAGE_PREV, ACT_PAGE_PREV, 1, x, prev},
              {"page-next", S_PAGE_NEXT, ACT_PAGE_NEXT, -1, x + bw + m->gap, next}};
    for (int i = 0; i < 2; i++) {
        uiw *p = button(L, b[i].id, "", b[i].act, 0, b[i].x, y, bw, h, false);
        if (!p)
            continue;
        uiw_set_label(p, "", T(L->s, b[i].k));
        p->arrow = b[i].arrow;
        p->icon_h = mm(L, 7) < h - 2 * m->pad ? mm(L, 7) : h - 2 * m->pad;
        p->enabled = b[i].on;
    }
}

/* Width of the two page buttons side by side. */
static int pages_w(const lay *L)
{
    return 2 * mm(L, STAFF_TARGET_MM) + L->m->gap;
}

/* Height of the bottom bar at most (Back as narrow as its word). */
static int bar_height(const lay *L)
{
    const char *label = T(L->s, S_BACK);
    int words = widest_word(L, label, L->m->body_px, false) + 2 * L->m->pad;
    int h = button_need(L, label, words);
    return h > button_h(L) ? h : button_h(L);
}

/* Back button and paging at the bottom, with "page / pages" beside the arrows where it fits
 * (paging: pages > 1; page counts from 0); returns the top of that bar. */
static int bottom_bar(lay *L, bool back, int page, int pages)
{
    bool paging = pages > 1;
    const ui_staff_metrics *m = L->m;
    const char *label = T(L->s, S_BACK);
    int words = widest_word(L, label, m->body_px, false) + 2 * m->pad;
    int bw = words + mm(L, 4);
    if (bw < mm(L, 30))
        bw = mm(L, 30);
    int room = L->col_w - (paging ? pages_w(L) + m->gap : 0);
    if (bw > room) /* a narrow panel: Back as narrow as its word allows beside the arrows */
        bw = words > room ? words : room;
    int bh = button_need(L, label, bw), y = m->height - m->margin - bh;
    if (back)
        button(L, "staff-back", label, ACT_BACK, 0, m->margin, y, bw, bh, false);
    if (!paging)
        return y;
    /* at the end of the column (the staff screen's actions may be beside it) */
    int px = m->margin + L->col_w - pages_w(L);
    page_buttons(L, px, y, pages_w(L), bh, page > 0, page + 1 < pages);
    char count[32];
    snprintf(count, sizeof count, "%d / %d", page + 1, pages);
    int from = back ? m->margin + bw + m->gap : m->margin, tw, th;
    text_size(L, count, m->body_px, false, L->col_w, &tw, &th);
    if (tw > 0 && tw <= px - m->gap - from && th <= line_h(L, m->body_px)) {
        uiw *c = add(L, UIW_TEXT, "page-count", count, m->body_px, px - m->gap - tw,
                     y + (bh - th) / 2, tw, th);
        if (c)
            c->align = UI_ALIGN_END;
    }
    return y;
}

/* The twelve keys of the PIN pad in a grid of cols columns from x0,y0 (3: "C 0 OK" last;
 * otherwise "0 C OK"). */
static void pin_keys(ui_staff *s, lay *L, int x0, int y0, int cols, int key_w, int key_h,
                     bool locked)
{
    const ui_staff_metrics *m = L->m;
    size_t n = strlen(s->entry);
    static const char order3[12][4] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "OK"};
    static const char order4[12][4] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "C", "OK"};
    /* "Clear" where the word fits its key, else "C" (speech still says the word). */
    const char *clear = T(s, S_CLEAR);
    bool short_clear = widest_word(L, clear, m->small_px, false) > key_w - 2 * m->pad;
    for (int i = 0; i < 12; i++) {
        const char *k = cols == 3 ? order3[i] : order4[i];
        int x = x0 + (i % cols) * (key_w + m->gap), yy = y0 + (i / cols) * (key_h + m->gap);
        uiw *b;
        if (!strcmp(k, "C")) {
            b = button(L, "pin-clear", short_clear ? T(s, S_CLEAR_KEY) : clear, ACT_PIN_CLEAR, 0, x,
                       yy, key_w, key_h, false);
            if (b)
                uiw_set_label(b, b->label, clear);
        } else if (!strcmp(k, "OK")) {
            b = button(L, "pin-ok", T(s, S_OK), ACT_PIN_OK, 0, x, yy, key_w, key_h, true);
            if (b)
                b->enabled = !locked && n > 0;
        } else {
            char id[16];
            snprintf(id, sizeof id, "pin:%s", k);
            b = button(L, id, k, ACT_DIGIT, k[0] - '0', x, yy, key_w, key_h, false);
            if (b) {
                b->px = m->heading_px;
                b->enabled = !locked;
            }
        }
    }
}

/* The PIN pad where the text column beside or above it has too little room for the words
 * (small panels, large text): the pad across the bottom in as few rows as fit, above it one
 * box that shows the message, else the prompt while nothing is typed, else the dots; Cancel
 * beside the box, or under it when the box would get too narrow. No heading. */
static void lay_pin_tight(ui_staff *s, lay *L, const char *dots, const char *spoken, bool locked)
{
    const ui_staff_metrics *m = L->m;
    int W = m->width - 2 * m->margin, H = m->height - 2 * m->margin, key = mm(L, STAFF_TARGET_MM);
    int cols = 3;
    if (6 * key + 5 * m->gap <= W)
        cols = 6;
    else if (4 * key + 3 * m->gap <= W)
        cols = 4;
    int rows = 12 / cols;
    int key_w = (W - (cols - 1) * m->gap) / cols;
    if (key_w > mm(L, 34))
        key_w = mm(L, 34);
    int pad_w = cols * key_w + (cols - 1) * m->gap, pad_h = rows * key + (rows - 1) * m->gap;
    int top_h = H - pad_h - m->gap;
    const char *cancel = T(s, S_CANCEL);
    int cancel_w = widest_word(L, cancel, m->body_px, false) + 2 * m->pad + mm(L, 2);
    if (cancel_w < key)
        cancel_w = key;
    if (cancel_w > W)
        cancel_w = W;
    bool side = W - cancel_w - m->gap >= mm(L, 40);
    int box_w = side ? W - cancel_w - m->gap : W;
    int box_h = side ? top_h : top_h - key - m->gap;
    bool typed = s->entry[0] != '\0';
    char text[UIW_LABEL_LEN];
    const char *id = "pin-dots";
    if (s->pin_msg[0] && !typed) {
        wp_strlcpy(text, s->pin_msg, sizeof text);
        id = "pin-message";
    } else if (!typed) {
        wp_strlcpy(text, T(s, S_PIN_PROMPT), sizeof text);
        id = "pin-prompt";
    } else {
        wp_strlcpy(text, dots, sizeof text);
    }
    int px = typed ? m->heading_px : m->body_px;
    if (typed && line_h(L, px) + 2 * m->pad > box_h)
        px = m->body_px;
    fit_text(L, text, px, false, box_w - 2 * m->pad, box_h - 2 * m->pad);
    uiw *d = add(L, typed ? UIW_TEXT : UIW_HINT, id, text, px, m->margin, m->margin, box_w, box_h);
    if (d) {
        if (typed)
            uiw_set_label(d, text, spoken);
        d->look = typed ? UIW_TILE : UIW_HINTBOX;
        d->align = typed ? UI_ALIGN_CENTER : UI_ALIGN_START;
    }
    button(L, "pin-cancel", cancel, ACT_PIN_CANCEL, 0,
           side ? m->margin + box_w + m->gap : m->margin + W - cancel_w,
           side ? m->margin : m->margin + box_h + m->gap, cancel_w, key, false);
    pin_keys(s, L, m->margin + (W - pad_w) / 2, m->height - m->margin - pad_h, cols, key_w, key,
             locked);
}

static void lay_pin(ui_staff *s, lay *L)
{
    const ui_staff_metrics *m = L->m;
    bool locked = pin_locked_seconds(&s->pin, s->now) > 0 || s->pin_checking; /* keys off */
    int W = m->width - 2 * m->margin, H = m->height - 2 * m->margin;
    bool portrait = m->height > m->width;
    /* The pad: 3 x 4 keys, or 4 x 3 when four rows do not fit a landscape panel. */
    int key = mm(L, STAFF_TARGET_MM), cols = 3, rows = 4;
    if (!portrait && 4 * key + 3 * m->gap > H)
        cols = 4, rows = 3;
    int key_h = ((portrait ? H / 2 : H) - (rows - 1) * m->gap) / rows;
    if (key_h > mm(L, 24))
        key_h = mm(L, 24);
    if (key_h < key)
        key_h = key;
    int key_w = portrait ? (W - (cols - 1) * m->gap) / cols : mm(L, 24);
    if (!portrait && W - cols * key_w - cols * m->gap < mm(L, 50))
        key_w = key; /* a narrow panel: the text column needs the room */
    if (key_w > mm(L, 34))
        key_w = mm(L, 34);
    int pad_w = cols * key_w + (cols - 1) * m->gap, pad_h = rows * key_h + (rows - 1) * m->gap;
    /* Text column: beside the pad (landscape) or above it (portrait). */
    int col_w = portrait ? W : W - pad_w - m->gap;
    int col_h = portrait ? H - pad_h - m->gap : H;
    if (!portrait && col_w > mm(L, 160))
        col_w = mm(L, 160);
    const char *cancel = T(s, S_CANCEL);
    int cancel_w = widest_word(L, cancel, m->body_px, false) + 2 * m->pad + mm(L, 6);
    if (cancel_w < mm(L, 40))
        cancel_w = mm(L, 40);
    if (cancel_w > col_w)
        cancel_w = col_w;
    int cancel_h = button_need(L, cancel, cancel_w);
    char dots[PIN_MAX_DIGITS * 4 + 1] = "";
    size_t n = strlen(s->entry);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(dots);
        snprintf(dots + l, sizeof dots - l, "%s\xE2\x80\xA2", i ? " " : ""); /* U+2022 */
    }
    char spoken[64];
    tr(s, spoken, sizeof spoken, n == 1 ? S_PIN_DIGITS_ONE : S_PIN_DIGITS, ARGS("n", NUM(n)));
    /* The message replaces the prompt; the dots sit beside Cancel when there is room. */
    const char *text = s->pin_msg[0] ? s->pin_msg : T(s, S_PIN_PROMPT);
    int dots_px = m->heading_px, dh = line_h(L, dots_px) + 2 * m->pad;
    bool side = col_w - cancel_w - m->gap >= mm(L, 30);
    int row_h = side && cancel_h > dh ? cancel_h : dh;
    int text_h =
        s->pin_msg[0] ? message_h(L, text, col_w) : text_height(L, text, m->body_px, false, col_w);
    int need = row_h + m->gap + text_h + (side ? 0 : m->gap + cancel_h);
    if (need > col_h && !side) { /* a short column: smaller dots */
        dots_px = m->body_px;
        row_h = dh = line_h(L, dots_px) + 2 * m->pad;
        need = row_h + m->gap + text_h + m->gap + cancel_h;
    }
    int pad = m->pad;
    if (need > col_h || widest_word(L, text, m->body_px, s->pin_msg[0]) > col_w - 2 * pad ||
        widest_word(L, cancel, m->body_px, false) > cancel_w - 2 * pad) {
        lay_pin_tight(s, L, dots, spoken, locked);
        return;
    }
    const char *head = T(s, S_STAFF_MODE);
    int head_h = text_height(L, head, head_px(L, head, col_w), true, col_w) + m->gap;
    int y = m->margin;
    if (need + head_h <= col_h)
        y = heading_at(L, head, col_w);
    int dots_w = side ? col_w - cancel_w - m->gap : col_w;
    uiw *d = add(L, UIW_TEXT, "pin-dots", dots, dots_px, m->margin, y, dots_w, row_h);
    if (d) {
        uiw_set_label(d, dots, spoken);
        d->look = UIW_TILE;
        d->align = UI_ALIGN_CENTER;
    }
    if (side)
        button(L, "pin-cancel", cancel, ACT_PIN_CANCEL, 0, m->margin + col_w - cancel_w, y,
               cancel_w, cancel_h, false);
    y += row_h + m->gap;
    if (s->pin_msg[0])
        message_box(L, "pin-message", s->pin_msg, m->margin, y, col_w);
    else
        para(L, UIW_TEXT, "pin-prompt", text, m->body_px, false, m->margin, y, col_w);
    if (!side)
        button(L, "pin-cancel", cancel, ACT_PIN_CANCEL, 0, m->margin, m->margin + col_h - cancel_h,
               cancel_w, cancel_h, false);
    /* The number pad: at the end side (landscape) or at the bottom (portrait). */
    int x0 = portrait ? m->margin + (W - pad_w) / 2 : m->width - m->margin - pad_w;
    int y0 = portrait ? m->height - m->margin - pad_h : m->margin + (H - pad_h) / 2;
    pin_keys(s, L, x0, y0, cols, key_w, key_h, locked);
}

/* ---- the column: every staff screen but the PIN pad is a heading, items in one column that
 * page by whole items, and a bar at the bottom (Back, and the page arrows when there is more) */

/* A button of an item. */
typedef struct {
    const char *id, *label;
    int act, idx;
    bool primary, on, selected;
} col_button;

#define COL_BUTTONS 3 /* buttons side by side in one item */

/* One item: a text (a paragraph, a message box or a result heading) and/or buttons, beside the
 * text when there is room, else below it. */
typedef struct {
    const char *id;
    char text[UIW_LABEL_LEN]; /* "" = buttons only */
    uiw_role role;            /* UIW_TEXT, UIW_HINT (boxed) or UIW_HEADING */
    bool bold;
    bool whole;              /* a word too wide is broken over lines, never shortened */
    const char *name;        /* whole: what the buttons act on ("hours.conf"); when the item
                                does not fit a page, its buttons go to a row of their own
                                beside this name (col_split) */
    char own_id[UIW_ID_LEN]; /* the id of such a row's text (id is NULL then) */
    int nb;
    col_button b[COL_BUTTONS];
} col_item;

typedef struct {
    col_item *it;
    int n, cap;
} col_list;

static col_item *col_add(col_list *c, const char *id, uiw_role role, const char *text)
{
    if (c->n >= c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        col_item *it = realloc(c->it, (size_t)cap * sizeof *it);
        if (!it)
            return NULL;
        c->it = it;
        c->cap = cap;
    }
    col_item *i = &c->it[c->n++];
    memset(i, 0, sizeof *i);
    i->id = id;
    i->role = role;
    i->bold = role == UIW_HINT || role == UIW_HEADING;
    wp_strlcpy(i->text, text ? text : "", sizeof i->text);
    return i;
}

static void col_button_add(col_item *i, const char *id, const char *label, int act, int idx,
                           bool primary)
{
    if (i && i->nb < COL_BUTTONS)
        i->b[i->nb++] = (col_button){id, label, act, idx, primary, true, false};
}

/* Width a button needs for its longest word (at least a target). */
static int col_button_w(const lay *L, const col_button *b)
{
    int w = widest_word(L, b->label, L->m->body_px, b->primary) + 2 * L->m->pad + mm(L, 4);
    return w > mm(L, 40) ? w : mm(L, 40);
}

static int col_px(const lay *L, const col_item *i)
{
    return i->role == UIW_HEADING ? L->m->heading_px : L->m->body_px;
}

/* Lays item i out at y in a column of width w (or only measures it when !put); text longer
 * than max_h is cut at a word. Returns its height. */
static int col_item_lay(lay *L, col_item *i, int x, int y, int w, int max_h, bool put)
{
    const ui_staff_metrics *m = L->m;
    bool has_text = i->text[0] != '\0';
    int bw = 0;
    for (int k = 0; k < i->nb; k++)
        bw += col_button_w(L, &i->b[k]) + (k ? m->gap : 0);
    bool beside = has_text && i->nb && w - bw - m->gap >= mm(L, 70);
    int tw = beside ? w - bw - m->gap : w, pad = i->role == UIW_HINT ? m->pad : 0;
    int px = col_px(L, i);
    if (has_text && widest_word(L, i->text, px, i->bold) > tw - 2 * pad)
        px = m->body_px; /* a result heading whose word does not fit: body size */
    /* Buttons share their line evenly (each as wide as its words need at least). */
    int row_w = beside ? bw : w, bh = 0;
    for (int k = 0; k < i->nb; k++) {
        int each = (row_w - (i->nb - 1) * m->gap) / i->nb;
        int need = button_need(L, i->b[k].label, each);
        if (need > bh)
            bh = need;
    }
    int th = 0;
    if (has_text) {
        if (i->whole)
            wrap_words(L, i->text, sizeof i->text, px, i->bold, tw - 2 * pad);
        else
            fit_words(L, i->text, sizeof i->text, px, i->bold, tw - 2 * pad);
        fit_text(L, i->text, px, i->bold, tw - 2 * pad,
                 max_h - 2 * pad - (i->nb && !beside ? m->gap + bh : 0));
        th = text_height(L, i->text, px, i->bold, tw - 2 * pad) + 2 * pad;
    }
    int h = beside ? (th > bh ? th : bh) : th + (has_text && i->nb ? m->gap : 0) + bh;
    if (!put)
        return h;
    if (has_text) {
        uiw *t = add(L, i->role, i->id ? i->id : i->own_id, i->text, px, x, y, tw, beside ? h : th);
        if (t) {
            t->bold = i->bold;
            if (i->role == UIW_HINT)
                t->look = UIW_HINTBOX;
        }
    }
    int bx = beside ? x + tw + m->gap : x, by = beside ? y : y + (has_text ? th + m->gap : 0);
    int each = (row_w - (i->nb - 1) * m->gap) / (i->nb ? i->nb : 1);
    for (int k = 0; k < i->nb; k++) {
        const col_button *cb = &i->b[k];
        uiw *b = button(L, cb->id, cb->label, cb->act, cb->idx, bx + k * (each + m->gap), by, each,
                        beside ? h : bh, cb->primary);
        if (b) {
            b->enabled = cb->on;
            b->selected = cb->selected;
        }
    }
    return h;
}

/* Adds buttons as items, as many side by side as their words allow (at most COL_BUTTONS). */
static void col_buttons(const lay *L, col_list *c, const col_button *b, int n)
{
    const ui_staff_metrics *m = L->m;
    int w = m->width - 2 * m->margin, per = 1;
    for (int k = COL_BUTTONS; k > 1; k--) {
        int each = (w - (k - 1) * m->gap) / k;
        bool fits = each >= mm(L, 45);
        /* Each label in at most two lines at that width. */
        for (int i = 0; i < n && fits; i++)
            fits = col_button_w(L, &b[i]) <= each &&
                   text_height(L, b[i].label, m->body_px, b[i].primary, each - 2 * m->pad) <=
                       2 * line_h(L, m->body_px);
        if (fits) {
            per = k;
            break;
        }
    }
    for (int i = 0; i < n; i += per) {
        col_item *it = col_add(c, NULL, UIW_TEXT, NULL);
        for (int k = i; it && k < i + per && k < n; k++)
            it->b[it->nb++] = b[k];
    }
}

/* An item that must show whole (a settings document: its name and when it is in use) and is
 * taller than a page (avail) with its buttons: its text stands alone at the full width, and its
 * buttons follow in a row of their own beside the name they act on ("ID:name"). */
static void col_split(lay *L, col_list *c, int w, int avail)
{
    for (int i = 0; i < c->n; i++) {
        if (!c->it[i].whole || !c->it[i].nb || !c->it[i].name || !c->it[i].id)
            continue;
        col_item probe = c->it[i];
        if (col_item_lay(L, &probe, 0, 0, w, INT32_MAX / 2, false) <= avail)
            continue;
        if (!col_add(c, NULL, UIW_TEXT, NULL))
            return;
        col_item row = c->it[c->n - 1], *it = &c->it[i];
        memmove(it + 2, it + 1, (size_t)(c->n - 1 - (i + 1)) * sizeof *it);
        snprintf(row.text, sizeof row.text, "\"%s\"", it->name);
        snprintf(row.own_id, sizeof row.own_id, "%s:name", it->id);
        row.whole = true;
        row.nb = it->nb;
        memcpy(row.b, it->b, sizeof row.b);
        it->nb = 0;
        it[1] = row;
        i++;
    }
}

/* Lays the column out: heading, the items of the current page, the bottom bar (Back when back,
 * page arrows when the items need more than one page). */
static void col_lay(lay *L, const char *head, col_list *c, bool back)
{
    const ui_staff_metrics *m = L->m;
    int w = L->col_w;
    int bar_h = bar_height(L), bottom = m->height - m->margin;
    col_split(L, c, w,
              bottom - m->margin - text_height(L, head, head_px(L, head, w), true, w) - m->gap -
                  (back ? bar_h + m->gap : 0));
    int *hs = calloc((size_t)c->n + 1, sizeof *hs), first = 0, last = 0, y = 0, avail = 0;
    if (!hs)
        return;
    /* The heading at its size, else at the body size, else none, while an item is taller than
     * a page; the bar when there is Back or more than one page. */
    int px[3] = {head_px(L, head, w), m->body_px, 0}, pick = 0;
    for (; pick < 3; pick++) {
        y = m->margin + (px[pick] ? text_height(L, head, px[pick], true, w) + m->gap : 0);
        avail = bottom - y - (back ? bar_h + m->gap : 0);
        int tallest = 0;
        for (int pass = 0; pass < 2; pass++) {
            tallest = 0;
            for (int i = 0; i < c->n; i++) {
                hs[i] = col_item_lay(L, &c->it[i], m->margin, 0, w, avail, false);
                if (hs[i] > tallest)
                    tallest = hs[i];
            }
            if (back || pass == 1 || paginate(L->s, hs, c->n, avail, m->gap, &first, &last) <= 1)
                break;
            avail = bottom - y - bar_h - m->gap; /* no Back: the arrows need the bar */
        }
        if (tallest <= avail || pick == 2)
            break;
    }
    if (px[pick])
        para(L, UIW_HEADING, "heading", head, px[pick], true, m->margin, m->margin, w);
    int pages = paginate(L->s, hs, c->n, avail, m->gap, &first, &last);
    for (int i = first; i < last; i++)
        y += col_item_lay(L, &c->it[i], m->margin, y, w, avail, true) + m->gap;
    if (back || pages > 1)
        bottom_bar(L, back, L->s->page, pages);
    free(hs);
}

/* On a wide panel the staff screen's actions stand in one column at the end side, beside the
 * status, when all of them fit its height: lays them out and narrows the items' column. */
static bool home_actions_beside(lay *L, const col_button *b, int n)
{
    const ui_staff_metrics *m = L->m;
    int W = m->width - 2 * m->margin, H = m->height - 2 * m->margin, bw = mm(L, 60), bh = 0;
    for (int i = 0; i < n; i++)
        if (col_button_w(L, &b[i]) > bw)
            bw = col_button_w(L, &b[i]);
    if (W - bw - m->gap < mm(L, 150))
        return false;
    for (int i = 0; i < n; i++)
        if (button_need(L, b[i].label, bw) > bh)
            bh = button_need(L, b[i].label, bw);
    if (n * bh + (n - 1) * m->gap > H)
        return false;
    for (int i = 0; i < n; i++) {
        uiw *w = button(L, b[i].id, b[i].label, b[i].act, b[i].idx, m->width - m->margin - bw,
                        m->margin + i * (bh + m->gap), bw, bh, b[i].primary);
        if (w)
            w->enabled = b[i].on;
    }
    L->col_w = W - bw - m->gap;
    return true;
}

/* Below the smallest panel the layouts are made for (ui.h; issue 9 rule 5), the status says
 * so first: the kiosk runs, but not every target or word may fit. */
static void panel_row(const ui_staff *s, const lay *L, col_list *c)
{
    const ui_staff_metrics *m = L->m;
    double w_mm = m->width / m->px_per_mm, h_mm = m->height / m->px_per_mm;
    if (w_mm >= UI_SMALLEST_W_MM - 0.5 && h_mm >= UI_SMALLEST_H_MM - 0.5)
        return;
    char w[16], h[16], mw[16], mh[16], text[UIW_LABEL_LEN];
    snprintf(w, sizeof w, "%.0f", w_mm);
    snprintf(h, sizeof h, "%.0f", h_mm);
    snprintf(mw, sizeof mw, "%.0f", UI_SMALLEST_W_MM);
    snprintf(mh, sizeof mh, "%.0f", UI_SMALLEST_H_MM);
    tr(s, text, sizeof text, S_PANEL_SMALL, ARGS("w", w, "h", h, "min_w", mw, "min_h", mh));
    col_add(c, "status:panel", UIW_HINT, text);
}

static void lay_home(ui_staff *s, lay *L)
{
    col_list c = {0};
    char t[160];
    const ui_staff_info *in = &s->o.info;
    if (s->msg[0])
        col_add(&c, "staff-message", UIW_HINT, s->msg);
    panel_row(s, L, &c);
    const col_button acts[] = {
        {"staff-import", T(s, S_ACT_IMPORT), ACT_IMPORT, 0, false, true, false},
        {"staff-switch", T(s, S_ACT_SWITCH), ACT_SWITCH, 0, false, true, false},
        {"staff-export", T(s, S_ACT_EXPORT), ACT_EXPORT, 0, false, true, false},
        {"staff-sync", T(s, S_ACT_SYNC), ACT_SYNC, 0, false, true, false},
        {"staff-language", T(s, S_OTHER_LANGUAGE), ACT_LANGUAGE, 0, false, true, false},
        {"staff-leave", T(s, S_ACT_LEAVE), ACT_LEAVE, 0, true, true, false}};
    int na = (int)(sizeof acts / sizeof acts[0]);
    if (!home_actions_beside(L, acts, na))
        col_buttons(L, &c, acts, na);
    char text[UIW_LABEL_LEN];
#define ROW(rid, key, kv)                                                                          \
    do {                                                                                           \
        tr(s, text, sizeof text, key, kv);                                                         \
        col_add(&c, rid, UIW_TEXT, text);                                                          \
    } while (0)
    ROW("status:device", S_DEVICE,
        ARGS("device", or_unknown(s, in->device_id), "location", or_unknown(s, in->location)));
    ROW("status:version", S_VERSION, ARGS("version", or_unknown(s, in->app_version)));
    if (in->set_id[0])
        ROW("status:set", S_SET, ARGS("id", in->set_id, "n", NUM(in->set_version)));
    else
        ROW("status:set", S_SET_NONE, NOARGS);
    if (s->counts_ok)
        ROW("status:responses", S_RESPONSES,
            ARGS("today", NUM(s->counts.today), "total", NUM(s->counts.total), "complete",
                 NUM(s->counts.complete), "abandoned", NUM(s->counts.abandoned)));
    else
        ROW("status:responses", S_RESPONSES_UNKNOWN,
            ARGS("error", s->store_err[0] ? s->store_err : T(s, S_NO_DATABASE)));
    if (!s->counts_ok)
        ROW("status:pending", S_PENDING_UNKNOWN, NOARGS);
    else if (s->counts.conflict)
        ROW("status:pending", S_PENDING_CONFLICT,
            ARGS("n", NUM(s->counts.pending), "conflict", NUM(s->counts.conflict)));
    else
        ROW("status:pending", S_PENDING, ARGS("n", NUM(s->counts.pending)));
    if (!s->o.sync)
        ROW("status:sync", S_SYNC_OFF, NOARGS);
    else if (s->sy.busy)
        ROW("status:sync", S_SYNC_BUSY, NOARGS);
    else if (s->sy.token_refused)
        ROW("status:sync", S_SYNC_REFUSED, NOARGS);
    else if (!s->sy.last_attempt_ms)
        ROW("status:sync", S_SYNC_NEVER, NOARGS);
    else {
        when_words(s, s->sy.last_attempt_ms, t, sizeof t);
        if (s->sy.last_error[0])
            ROW("status:sync", S_SYNC_FAILED, ARGS("when", t, "error", s->sy.last_error));
        else
            ROW("status:sync", S_SYNC_DONE,
                ARGS("when", t, "result",
                     s->sy.last_result[0] ? s->sy.last_result : T(s, S_SYNC_SUCCEEDED)));
    }
    if (s->disk_ok) {
        char f[32], tot[32];
        bytes_words(s, s->disk_free, f, sizeof f);
        bytes_words(s, s->disk_total, tot, sizeof tot);
        ROW("status:disk", S_DISK, ARGS("free", f, "total", tot));
    } else {
        ROW("status:disk", S_DISK_UNKNOWN, NOARGS);
    }
    {
        char ts[32] = "?";
        time_t now = (time_t)(wp_wall_ms() / 1000);
        struct tm tm;
        if (localtime_r(&now, &tm))
            strftime(ts, sizeof ts, "%Y-%m-%d %H:%M", &tm);
        ROW("status:clock", wp_clock_synced() ? S_CLOCK_SYNCED : S_CLOCK_UNSYNCED,
            ARGS("time", ts));
    }
    if (in->speech_error[0]) /* residents see "read aloud (unavailable)"; staff see why */
        ROW("status:speech", S_SPEECH_UNAVAILABLE, ARGS("error", in->speech_error));
    if (s->published[0]) /* sets from the centre: waiting, due, refused and why (fleet.h) */
        ROW("status:published", S_PUBLISHED, ARGS("list", s->published));
#undef ROW
    col_lay(L, staff_heading(L), &c, false);
    free(c.it);
}

/* A refused set's or settings document's row: "{file}: NOT accepted ({status}). {reason}" with
 * status the staff words for the verdict (settings: those of a refused publication) or, for a
 * set, its status name; the English reason shortened to fit. */
static void refused_words(const ui_staff *s, const char *file, const char *status, const char *why,
                          char *buf, size_t len)
{
    char reason[STAFF_REASON_SHOWN + 4];
    wp_strlcpy(reason, why, sizeof reason);
    if (strlen(why) >= STAFF_REASON_SHOWN)
        wp_strlcpy(reason + STAFF_REASON_SHOWN - 3, "...", 4);
    tr(s, buf, len, S_SET_REFUSED, ARGS("file", file, "status", status, "reason", reason));
}

/* The staff words for the verdict on a settings document (as for a refused publication). */
static staff_str settings_verdict(stick_set_status st)
{
    switch (st) {
    case STICK_SET_UNSIGNED:
        return S_WHY_UNSIGNED;
    case STICK_SET_UNKNOWN_KEY:
        return S_WHY_UNKNOWN_KEY;
    case STICK_SET_TAMPERED:
        return S_WHY_TAMPERED;
    case STICK_SET_TOO_LARGE:
        return S_WHY_TOO_LARGE;
    case STICK_SET_UNSAFE:
        return S_WHY_UNSAFE;
    case STICK_SET_UNREADABLE:
        return S_WHY_UNREADABLE;
    case STICK_SET_OK:
    case STICK_SET_INVALID:
        break;
    }
    return S_WHY_SETTINGS;
}

/* The settings a document sets, for its row: "idle_seconds = 600; languages = nl". */
static void settings_lines(const stick_settings *d, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *p = d->data, *end = d->data + d->len; p && p < end && used < len;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        size_t n = (size_t)(e - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
            n--;
        if (n > 0 && *p != '#')
            used += (size_t)snprintf(buf + used, len - used, "%s%.*s", used ? "; " : "", (int)n, p);
        p = e + 1;
    }
}

static void settings_words(const ui_staff *s, const stick_settings *d, char *buf, size_t len)
{
    if (d->status != STICK_SET_OK) {
        refused_words(s, d->file, T(s, settings_verdict(d->status)),
                      d->reason[0] ? d->reason : stick_status_name(d->status), buf, len);
        return;
    }
    char lines[STAFF_REASON_SHOWN], from[64], until[64];
    settings_lines(d, lines, sizeof lines);
    schedule_words(d->from_ms, from, sizeof from);
    schedule_words(d->until_ms, until, sizeof until);
    tr(s, buf, len, S_SETTINGS_ROW,
       ARGS("file", d->file, "settings", lines, "key", d->signer, "from", from, "until", until));
}

static void set_words(const ui_staff *s, const stick_set *set, char *buf, size_t len)
{
    if (set->status == STICK_SET_OK) {
        tr(s, buf, len, set->n_questions == 1 ? S_SET_ROW_ONE : S_SET_ROW,
           ARGS("title", set->title, "languages", set->languages, "n", NUM(set->n_questions), "key",
                set->signer, "id", set->id, "version", NUM(set->version), "file", set->file));
        return;
    }
    refused_words(s, set->file, stick_status_name(set->status),
                  set->reason[0] ? set->reason : stick_status_name(set->status), buf, len);
}

/* The last part of a stick's path: its name ("KINGSTON"), short enough for any panel. */
static const char *stick_name(const char *root)
{
    const char *b = strrchr(root, '/');
    return b && b[1] ? b + 1 : root;
}

/* The staff words of each kind of stick scan note (stick.h). */
static const staff_str note_strs[STICK_NOTE_COUNT] = {
    [STICK_NOTE_CONF_LINK] = S_NOTE_CONF_LINK,
    [STICK_NOTE_CONF_NOT_FILE] = S_NOTE_CONF_NOT_FILE,
    [STICK_NOTE_CONF_TOO_LARGE] = S_NOTE_CONF_TOO_LARGE,
    [STICK_NOTE_CONF_UNREADABLE] = S_NOTE_CONF_UNREADABLE,
    [STICK_NOTE_SETTINGS_REFUSED] = S_NOTE_SETTINGS_REFUSED,
    [STICK_NOTE_SETTINGS_UNREADABLE] = S_NOTE_SETTINGS_UNREADABLE,
    [STICK_NOTE_SETTINGS_CAPPED] = S_NOTE_SETTINGS_CAPPED,
    [STICK_NOTE_NO_SETS_DIR] = S_NOTE_NO_SETS_DIR,
    [STICK_NOTE_SETS_DIR_REFUSED] = S_NOTE_SETS_DIR_REFUSED,
    [STICK_NOTE_SETS_DIR_UNREADABLE] = S_NOTE_SETS_DIR_UNREADABLE,
    [STICK_NOTE_ENTRIES_CAPPED] = S_NOTE_ENTRIES_CAPPED,
    [STICK_NOTE_SETS_CAPPED] = S_NOTE_SETS_CAPPED,
};

/* Note i of the scan in the staff language (its English text if its kind has no words). */
static void note_words(const ui_staff *s, const stick_scan *scan, int i, char *buf, size_t len)
{
    const stick_note *t = &scan->note[i];
    staff_str k = t->kind < STICK_NOTE_COUNT ? note_strs[t->kind] : S_NAME;
    if (k == S_NAME) { /* S_NAME: a kind missing from note_strs */
        wp_strlcpy(buf, scan->notes[i], len);
        return;
    }
    if (k == S_NOTE_ENTRIES_CAPPED && t->words[0])
        k = S_NOTE_ENTRIES_SETS;
    char n[64], total[64], names[sizeof t->words + 64];
    if (t->at_least) {
        tr(s, n, sizeof n, S_NOTE_MORE_THAN, ARGS("n", NUM(t->n)));
        tr(s, total, sizeof total, S_NOTE_MORE_THAN, ARGS("n", NUM(t->total)));
    } else {
        wp_strlcpy(n, NUM(t->n), sizeof n);
        wp_strlcpy(total, NUM(t->total), sizeof total);
    }
    if (t->more_names)
        tr(s, names, sizeof names, S_NOTE_AND_MORE, ARGS("names", t->words));
    else
        wp_strlcpy(names, t->words, sizeof names);
    tr(s, buf, len, k,
       ARGS("n", n, "max", NUM(t->max), "total", total, "error", t->words, "names", names));
}

static void lay_import(ui_staff *s, lay *L)
{
    col_list c = {0};
    char line[UIW_LABEL_LEN];
    if (s->n_sticks <= 0) {
        wp_strlcpy(line, T(s, S_NO_STICK), sizeof line);
    } else if (s->scanning) {
        tr(s, line, sizeof line, S_STICK_READING, ARGS("stick", stick_name(s->stick_root)));
    } else if (!s->scan) {
        tr(s, line, sizeof line, S_STICK_UNREADABLE,
           ARGS("stick", stick_name(s->stick_root), "error", s->scan_err));
    } else {
        int ok = 0;
        for (int i = 0; i < s->scan->n_sets; i++)
            ok += s->scan->sets[i].status == STICK_SET_OK;
        tr(s, line, sizeof line, s->scan->n_sets == 1 ? S_STICK_SETS_ONE : S_STICK_SETS,
           ARGS("stick", stick_name(s->stick_root), "n", NUM(s->scan->n_sets), "ok", NUM(ok)));
        if (s->scan->n_settings > 0) { /* settings documents from the centre (publish --to-stick) */
            int docs_ok = 0;
            for (int i = 0; i < s->scan->n_settings; i++)
                docs_ok += s->scan->settings[i].status == STICK_SET_OK;
            size_t l = strlen(line);
            if (l + 1 < sizeof line) {
                line[l++] = ' ';
                tr(s, line + l, sizeof line - l, S_STICK_DOCS,
                   ARGS("n", NUM(s->scan->n_settings), "ok", NUM(docs_ok)));
            }
        }
        if (s->n_sticks > 1) {
            size_t l = strlen(line);
            snprintf(line + l, sizeof line - l, " %s", T(s, S_MANY_STICKS));
        }
        for (int i = 0; i < s->scan->n_notes; i++) {
            char note[STICK_SCAN_NOTE_LEN];
            note_words(s, s->scan, i, note, sizeof note);
            size_t l = strlen(line);
            snprintf(line + l, sizeof line - l, " %s.", note);
        }
    }
    col_add(&c, "stick-status", UIW_TEXT, line);
    if (s->msg[0])
        col_add(&c, "staff-message", UIW_HINT, s->msg);
    int n = s->scan ? s->scan->n_sets : 0, n_doc = s->scan ? s->scan->n_settings : 0;
    char(*ids)[2][UIW_ID_LEN] = calloc((size_t)(n + n_doc) + 1, sizeof *ids);
    const stick_conf *cf = s->scan ? &s->scan->conf : NULL;
    if (cf && cf->present) {
        char t[UIW_LABEL_LEN];
        tr(s, t, sizeof t, cf->n_accepted == 1 ? S_CONF_ACCEPTED_ONE : S_CONF_ACCEPTED,
           ARGS("n", NUM(cf->n_accepted)));
        for (int i = 0; i < cf->n_accepted; i++) {
            size_t l = strlen(t);
            snprintf(t + l, sizeof t - l, "%s%s = %s", i ? ", " : " (", cf->accepted[i].key,
                     cf->accepted[i].value);
        }
        size_t l = strlen(t);
        char refused[64];
        tr(s, refused, sizeof refused, S_CONF_REFUSED, ARGS("n", NUM(cf->n_refused)));
        snprintf(t + l, sizeof t - l, "%s; %s%s", cf->n_accepted ? ")" : "", refused,
                 cf->n_refused ? ": " : ".");
        for (int i = 0; i < cf->n_refused; i++) { /* each one, so staff know why */
            l = strlen(t);
            snprintf(t + l, sizeof t - l, "%s%s", i ? "; " : "", cf->refused[i]);
        }
        col_item *it = col_add(&c, "stick-conf", UIW_TEXT, t);
        if (s->override_path[0] && cf->n_accepted > 0)
            col_button_add(it, "staff-conf-apply", T(s, S_SAVE_SETTINGS), ACT_CONF_APPLY, 0, false);
    }
    for (int i = 0; ids && i < n; i++) {
        const stick_set *set = &s->scan->sets[i];
        bool ok = set->status == STICK_SET_OK;
        char t[UIW_LABEL_LEN];
        set_words(s, set, t, sizeof t);
        snprintf(ids[i][0], UIW_ID_LEN, "set:%d", i);
        snprintf(ids[i][1], UIW_ID_LEN, "activate:%d", i);
        col_item *it = col_add(&c, ids[i][0], ok ? UIW_TEXT : UIW_HINT, t);
        if (it && !ok)
            it->bold = false;
        if (ok)
            col_button_add(it, ids[i][1], T(s, S_ACTIVATE), ACT_ACTIVATE, i, true);
    }
    for (int i = 0; ids && i < n_doc; i++) { /* the centre's settings documents (stick.h) */
        const stick_settings *d = &s->scan->settings[i];
        bool ok = d->status == STICK_SET_OK;
        char t[UIW_LABEL_LEN];
        settings_words(s, d, t, sizeof t);
        snprintf(ids[n + i][0], UIW_ID_LEN, "settings:%d", i);
        snprintf(ids[n + i][1], UIW_ID_LEN, "take:%d", i);
        col_item *it = col_add(&c, ids[n + i][0], ok ? UIW_TEXT : UIW_HINT, t);
        if (it && !ok)
            it->bold = false;
        if (it) { /* staff see the whole name of what they take over */
            it->whole = true;
            it->name = d->file;
        }
        if (ok)
            col_button_add(it, ids[n + i][1], T(s, S_TAKE_OVER), ACT_TAKE_SETTINGS, i, false);
    }
    col_lay(L, T(s, S_IMPORT_HEADING), &c, true);
    free(ids);
    free(c.it);
}

static void lay_switch(ui_staff *s, lay *L)
{
    col_list c = {0};
    col_add(&c, "switch-intro", UIW_TEXT, T(s, s->n_inst ? S_SWITCH_INTRO : S_SWITCH_NONE));
    if (s->msg[0])
        col_add(&c, "staff-message", UIW_HINT, s->msg);
    int n = s->n_inst;
    char(*ids)[2][UIW_ID_LEN] = calloc((size_t)n + 1, sizeof *ids);
    for (int i = 0; ids && i < n; i++) {
        const stick_installed *in = &s->inst[i];
        bool active = !strcmp(in->id, s->o.info.set_id) && in->version == s->o.info.set_version;
        char t[UIW_LABEL_LEN];
        tr(s, t, sizeof t, active ? S_INSTALLED_ROW_ACTIVE : S_INSTALLED_ROW,
           ARGS("title", in->title, "id", in->id, "n", NUM(in->version)));
        snprintf(ids[i][0], UIW_ID_LEN, "installed:%d", i);
        snprintf(ids[i][1], UIW_ID_LEN, "use:%d", i);
        col_item *it = col_add(&c, ids[i][0], UIW_TEXT, t);
        col_button_add(it, ids[i][1], T(s, active ? S_IN_USE : S_USE_SET), ACT_USE, i, false);
        if (it) {
            it->bold = active;
            it->b[0].on = !active;
            it->b[0].selected = active;
        }
    }
    col_lay(L, T(s, S_ACT_SWITCH), &c, true);
    free(ids);
    free(c.it);
}

static void lay_export(ui_staff *s, lay *L)
{
    const ui_staff_metrics *m = L->m;
    int w = m->width - 2 * m->margin;
    char line[UIW_LABEL_LEN];
    col_list c = {0};
    switch (s->ex_phase) {
    case EX_CHOOSE: {
        if (s->ex_root[0])
            tr(s, line, sizeof line, S_EXPORT_STICK, ARGS("stick", stick_name(s->ex_root)));
        else
            wp_strlcpy(line, T(s, S_NO_STICK), sizeof line);
        col_add(&c, "stick-status", UIW_TEXT, line);
        if (s->msg[0])
            col_add(&c, "staff-message", UIW_HINT, s->msg);
        bool on = s->ex_root[0] != '\0';
        const col_button b[] = {
            {"export-all", T(s, S_EXPORT_ALL), ACT_EXPORT_ALL, 0, true, on, false},
            {"export-new", T(s, S_EXPORT_NEW), ACT_EXPORT_NEW, 0, false, on, false}};
        col_buttons(L, &c, b, 2);
        col_lay(L, T(s, S_EXPORT_HEADING), &c, true);
        break;
    }
    case EX_RUNNING: {
        int y = heading(L, T(s, S_EXPORT_HEADING));
        int64_t done = s->ex_done_seen > 0 ? s->ex_done_seen : 0;
        int64_t total = s->ex_total_seen > 0 ? s->ex_total_seen : 0;
        int pct = total > 0 ? (int)(done * 100 / total) : 0;
        if (pct > 100)
            pct = 100;
        tr(s, line, sizeof line, S_EXPORTING, ARGS("n", NUM(pct)));
        y = para(L, UIW_TEXT, "export-progress", line, m->body_px, true, m->margin, y, w) + m->gap;
        int bar_h = mm(L, 12);
        uiw *track = add(L, UIW_PROGRESS, "export-bar", "", m->body_px, m->margin, y, w, bar_h);
        if (track) {
            track->look = UIW_TILE;
            tr(s, line, sizeof line, S_PERCENT, ARGS("n", NUM(pct)));
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
        col_add(&c, "export-result", UIW_HEADING, T(s, S_EXPORT_DONE));
        col_add(&c, "export-detail", UIW_TEXT, s->msg);
        col_lay(L, T(s, S_EXPORT_HEADING), &c, true);
        break;
    case EX_FAILED:
        col_add(&c, "export-result", UIW_HINT, s->msg);
        col_lay(L, T(s, S_EXPORT_HEADING), &c, true);
        break;
    }
    free(c.it);
}

void ui_staff_layout(ui_staff *s, uiw_list *out, const ui_staff_metrics *m)
{
    out->n = 0;
    lay L = {.s = s, .l = out, .m = m, .col_w = m->width - 2 * m->margin};
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
