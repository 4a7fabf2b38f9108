/* Staff mode on the kiosk: the hidden corner gesture, the PIN pad, the staff screen with status
 * and actions (import from stick, switch back to an earlier set, export to stick, sync now,
 * leave), and the auto-leave after two minutes without a tap. This module owns the staff state
 * machine and lays its screens out into a uiw_list; the resident UI (ui.c) draws that list with
 * its own draw code, routes taps here while staff mode is active, and calls the tick.
 *
 * What the resident UI must do (and nothing more):
 *   - on every finger-up, before its own handling, call ui_staff_gesture(); when it returns
 *     true call ui_staff_enter() and redraw;
 *   - while ui_staff_active(): lay out with ui_staff_layout() instead of its own screens (no
 *     right-to-left mirroring: staff screens are in Dutch or English), hit-test that list, pass the
 *     widget under the finger-up (or NULL) to ui_staff_tap(), use ui_staff_screen_name() for
 *     the tree and expect-screen, and leave the resident flow alone;
 *   - call ui_staff_tick() from its tick and take ui_staff_deadline() into its deadline.
 * Screen names: "staff-pin", "staff", "staff-import", "staff-switch", "staff-export".
 * Widget ids: pin:0..pin:9, pin-ok, pin-clear, pin-cancel; staff-import, staff-switch,
 * staff-export, staff-sync, staff-leave; activate:N, use:N, export-all, export-new,
 * staff-back, page-prev, page-next, staff-conf-apply, staff-language.
 * Words: every text comes from assets/staff-strings.json (ui_staff_load_strings), in the
 * language of the setting staff_language (Dutch by default); the staff-language button on the
 * staff screen switches to the next language of that file until staff mode is left. */
#ifndef WP_UI_STAFF_H
#define WP_UI_STAFF_H

#include "config.h"
#include "synclink.h"
#include "uistr.h"
#include "ui_text.h"
#include "ui_widget.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UI_STAFF_IDLE_MS       (2 * 60 * 1000) /* staff mode leaves by itself after this */
#define UI_STAFF_GESTURE_TAPS  3
#define UI_STAFF_GESTURE_MS    2000 /* the three taps must fall within this */
#define UI_STAFF_CORNER_MM     25.0 /* side of the top-left square the taps must hit */
#define UI_STAFF_REFRESH_MS    5000 /* status refresh while the staff screen is shown */
#define UI_STAFF_STICK_POLL_MS 2000 /* stick re-check while waiting for one */

/* What only the kiosk knows; filled by the kiosk, updated with ui_staff_set_info. */
typedef struct {
    char device_id[64];
    char location[64];
    char app_version[32];
    char set_id[128];       /* the active question set */
    char speech_error[256]; /* why read-aloud is unavailable ("" when it works) */
    int set_version;
} ui_staff_info;

/* Hands an installed question set (a path under DATA_DIR/questionsets/) to the kiosk, which
 * loads it and switches to it between residents. Returns 0 when the kiosk accepted it, or -1
 * with a message in words (shown on the staff screen). */
typedef int (*ui_staff_activate_fn)(void *ctx, const char *path, char *err, size_t errlen);

typedef struct {
    const config *cfg;         /* trusted keys, PIN hash, mount roots; must outlive the module */
    const uistr *strings;      /* built-in interface strings, to validate sets (qset_load_file) */
    const char *db_path;       /* response database (opened read/write for counts and export) */
    const char *data_dir;      /* installed sets go to DATA_DIR/questionsets/ */
    const char *log_path;      /* kiosk log copied by the export; NULL or "" = none */
    const char *override_path; /* where kiosk.conf settings are merged; NULL = not offered */
    synclink *sync;            /* to the uploader; may be NULL (sync off) */
    double px_per_mm;          /* for the gesture's corner square */
    ui_staff_activate_fn activate;
    void *ctx; /* passed to activate */
    ui_staff_info info;
    const char *runtime_dir; /* where to ask systemd to unmount a stick after an export
                                (stick_request_eject); NULL = never */
    bool run_inline; /* export on the calling thread (headless scripts on a virtual clock: the
                        result is there as soon as the tap returns); else a worker thread */
    const uistr *staff_strings; /* the staff words (ui_staff_load_strings); must outlive the
                                   module */
    /* PIN checks and stick scans run on a worker thread (unless run_inline) and the screens keep
     * answering meanwhile ("Checking the PIN", "Reading the stick"). worker_done (may be NULL) is
     * called on the worker when one has finished, so the kiosk can wake its loop; ui_staff_tick
     * then shows the result (ui_staff_deadline also polls for it). worker_hook is for tests:
     * called (with ctx and "pin" or "scan") on the thread that runs the job, before it starts. */
    void (*worker_done)(void *ctx);
    void (*worker_hook)(void *ctx, const char *job);
} ui_staff_options;

/* Loads the staff words (assets/staff-strings.json: every language defines every key). Returns
 * 0, or -1 with a message naming the file, language and key. */
int ui_staff_load_strings(const char *path, uistr **out, char *err, size_t errlen);

/* Sizes the resident UI uses, in pixels, so staff screens match it. text may be NULL: labels
 * are then not measured (text_w/text_h stay 0) and heights are estimated. */
typedef struct {
    int width, height;
    double px_per_mm;
    int body_px, heading_px, small_px;
    int gap, margin, pad;
    ui_text *text;
} ui_staff_metrics;

typedef struct ui_staff ui_staff;

/* Creates the staff module (inactive). Copies the strings of o. Returns NULL when out of
 * memory; a database that cannot be opened is shown on the staff screen, not an error here. */
ui_staff *ui_staff_new(const ui_staff_options *o);
/* Frees it; waits for a running export to end. NULL is a no-op. */
void ui_staff_free(ui_staff *s);

/* Feeds one finger-up at x,y in a window of w x h pixels. Returns true on the third tap in the
 * top-right corner square within UI_STAFF_GESTURE_MS; a tap elsewhere starts the count again.
 * Nothing is shown until the caller calls ui_staff_enter. */
bool ui_staff_gesture(ui_staff *s, int x, int y, int w, int h, int64_t now);
/* True when x,y lies in the gesture's corner square (the resident UI should then not treat a
 * tap on no widget there as "start the poll", or the first corner tap would start it). */
bool ui_staff_in_corner(const ui_staff *s, int x, int y, int w, int h);
/* Opens staff mode on the PIN pad. */
void ui_staff_enter(ui_staff *s, int64_t now);
/* Leaves staff mode (also done by the leave button and the auto-leave). */
void ui_staff_leave(ui_staff *s);
/* False for NULL; ui_staff_screen_name(NULL) is "" and ui_staff_deadline(NULL, t) INT64_MAX, so
 * a kiosk without staff mode needs no checks. */
bool ui_staff_active(const ui_staff *s);
/* True while a PIN check or stick scan runs on the worker (its result not yet taken by
 * ui_staff_tick). */
bool ui_staff_working(const ui_staff *s);
/* The current screen's name ("staff-pin", "staff", ...), or "" when not active. */
const char *ui_staff_screen_name(const ui_staff *s);

/* Lays the current screen out into out (cleared first). */
void ui_staff_layout(ui_staff *s, uiw_list *out, const ui_staff_metrics *m);
/* A finger-up on widget w of the last layout (NULL: on no widget; still counts as activity).
 * Returns true when the screen must be redrawn (laid out again). */
bool ui_staff_tap(ui_staff *s, const uiw *w, int64_t now);
/* Auto-leave, export progress, status refresh. Returns true when a redraw is needed. */
bool ui_staff_tick(ui_staff *s, int64_t now);
/* The next time ui_staff_tick has work (INT64_MAX when not active). */
int64_t ui_staff_deadline(const ui_staff *s, int64_t now);

/* The kiosk switched sets (or learnt its location): updates the status shown. */
void ui_staff_set_info(ui_staff *s, const ui_staff_info *info);

/* The staff words, when they were not given at ui_staff_new (the kiosk reads them after its
 * first frame); the language is chosen again from the configuration. `strings` must outlive s. */
void ui_staff_set_strings(ui_staff *s, const uistr *strings);

/* The language staff screens speak now ("nl", "en"), and a change of it (a code the strings do
 * not have shows English). ui_staff_enter starts again from the staff_language setting. */
const char *ui_staff_language(const ui_staff *s);
void ui_staff_set_language(ui_staff *s, const char *lang);

/* Waits for a running export to end and shows its result (headless walks: the export's own
 * thread is joined, no clock involved). */
void ui_staff_settle(ui_staff *s, int64_t now);

/* The last message shown to staff in words ("" when none), for logs and tests. */
const char *ui_staff_message(const ui_staff *s);

#endif
