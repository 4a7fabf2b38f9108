/* Sets published from the centre (issue 16), the kiosk's side without the network: reading the
 * assignment the collector sends (GET /v1/assignment, tools/collector/PROTOCOL.md), the folder
 * downloads go to, verifying and installing a downloaded publication through exactly the code a
 * stick goes through (stick_scan_open: signature against the kiosk's trusted keys, validation,
 * every file against the signed SHA-256; stick_install), and what the kiosk knows about each
 * publication (kept in the store, reported in the heartbeat and on the staff screen). The
 * uploader (sync.c) does the transfers. Nothing that does not verify is kept: a download is
 * removed whatever the verdict, only an installed set stays. */
#ifndef WP_FLEET_H
#define WP_FLEET_H

#include "config.h"
#include "stick.h"
#include "store.h"
#include "uistr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLEET_MAX_PUBS      16   /* publications read from one assignment */
#define FLEET_MAX_FILES     1002 /* files of one publication: the set, its .sig, QSET_MAX_FILES */
#define FLEET_NAME_LEN      256
#define FLEET_ID_LEN        17
#define FLEET_REASON_LEN    512
#define FLEET_META_STATE    "fleet_state" /* store meta: JSON of the publications known */
#define FLEET_META_ETAG     "fleet_etag"  /* store meta: ETag of the last assignment acted on */
#define FLEET_INCOMING      "incoming"    /* DATA_DIR/incoming/ID/: downloads in progress */
#define FLEET_SETTINGS_DIR  "settings" /* DATA_DIR/settings/ID.conf: verified settings documents */
#define FLEET_KIND_SET      "set"      /* a publication of a question set */
#define FLEET_KIND_SETTINGS "settings" /* of a settings document (config_load_remote) */

typedef struct {
    char name[FLEET_NAME_LEN]; /* "spring.json", "spring.json.sig", "clips/q1-nl.wav" */
    int64_t size;
    char sha256[65]; /* as the collector computed it (the signed set's hashes decide) */
} fleet_file;

typedef struct {
    char id[FLEET_ID_LEN];
    char kind[16]; /* FLEET_KIND_SET or FLEET_KIND_SETTINGS ("kind" in the assignment) */
    char set_id[128];
    int set_version;
    char set_file[FLEET_NAME_LEN];
    int64_t from_ms, until_ms; /* 0: from now on / without end */
    int n_files;
    fleet_file *files;
} fleet_pub;

typedef struct {
    char device[64];
    int64_t now_ms; /* the centre's clock when it answered */
    int n;
    fleet_pub pubs[FLEET_MAX_PUBS];
} fleet_assignment;

/* A publication's file name: parts of letters, digits, "-", "_" and ".", none empty or starting
 * with "." (so no "..", no absolute path, no hidden file), shorter than FLEET_NAME_LEN. The
 * collector refuses other names when publishing; the kiosk when reading an assignment. */
bool fleet_name_ok(const char *n);

/* Reads the assignment; refuses one for another device, unsafe file names (as on a stick),
 * files over the stick limits, a publication whose set or .sig is not among its files. 0, or -1
 * with a message (then *a holds nothing to free). */
int fleet_parse(const char *body, size_t len, const char *device_id, fleet_assignment *a, char *err,
                size_t errlen);
void fleet_assignment_free(fleet_assignment *a);

/* DATA_DIR/incoming/ID/WIJKPEIL/questionsets/NAME: where file name of publication id is
 * downloaded (the folders are made). 0 or -1. */
int fleet_download_path(const char *data_dir, const char *id, const char *name, char *path,
                        size_t len, char *err, size_t errlen);

/* A publication whose files are all downloaded: checks each against the size and SHA-256 the
 * assignment gives (a damaged download is removed to be fetched again: returns 1), then
 * verifies and installs the set as a stick import would (a settings document:
 * stick_settings_verify, as on a stick, then kept in DATA_DIR/settings/ID.conf), records the
 * verdict in the store and removes the download. Returns 0 when recorded (installed or refused with
 * a reason), 1 when a file must be fetched again, -1 on a local error (message in err). */
int fleet_install(const fleet_pub *p, const config *cfg, const uistr *strings, const char *data_dir,
                  store *st, char *err, size_t errlen);

/* A set staff imported from a stick that carries its publication's schedule (stick_set.scheduled,
 * written by publish --to-stick), installed at path: recorded as the network route records a
 * download (source "stick"), so fleet_due starts and ends it the same way. 0 or -1. */
int fleet_record_stick(store *st, const stick_set *set, const char *path, char *err, size_t errlen);

/* A settings document staff took from a stick (stick_scan.settings, accepted by
 * stick_settings_verify as a download is): kept as DATA_DIR/settings/ID.conf (its path into path,
 * may be NULL) and recorded as the network route records a download (source "stick", its
 * publication's id and schedule), so fleet_settings starts and ends it the same way, across
 * restarts too. 0, or -1 with a message (then nothing is recorded). */
int fleet_record_stick_settings(store *st, const stick_settings *d, const char *data_dir,
                                char *path, size_t pathlen, char *err, size_t errlen);

/* Publications the kiosk recorded (installed or refused) that the assignment still names are
 * kept; others (withdrawn at the centre) are dropped from the record (not those staff imported
 * from a stick). Also remembers the centre's
 * clock offset (assignment now_ms against this kiosk's clock at local_ms). 0 or -1. */
int fleet_reconcile(const fleet_assignment *a, int64_t local_ms, store *st, char *err,
                    size_t errlen);

/* True when publication id is recorded already with the same set file hash (installed, or
 * refused: not fetched again until it changes at the centre). */
bool fleet_known(store *st, const fleet_pub *p);

/* What the kiosk knows, for the heartbeat: a JSON array (malloc'd text) of {id, set_id,
 * version, source, state, from, until, reason}; state is "failed", "waiting" (before from),
 * "due" (within its time), or "ended", on the centre's clock when one was heard. NULL when
 * nothing is recorded. */
char *fleet_report_json(store *st, int64_t local_ms);

/* The set the centre's schedule wants now: of the installed publications due at wall_ms (this
 * kiosk's clock, corrected by the centre's clock as of the last assignment: a kiosk whose own
 * clock is not synchronised still starts on the centre's word), the one that started last
 * (the newest wins); its installed path goes into path ("" when none is due). A publication
 * that started (or arrived) before chosen_ms, when staff last chose a set from a stick or the
 * installed ones (this kiosk's clock; 0: never), is not due: the newer choice wins, across
 * restarts too. *next_ms gets the wall time (this kiosk's clock) of the next start or end,
 * INT64_MAX when none. */
void fleet_due(store *st, int64_t wall_ms, int64_t chosen_ms, char *path, size_t len,
               int64_t *next_ms);

/* The settings the centre's schedule wants now: base (the kiosk's settings as loaded) with the
 * installed settings document that started last among those due at wall_ms (as fleet_due, on
 * the centre's clock) on top, then local.conf at local_path again (when it exists: what staff
 * saved on the kiosk itself wins over the centre). Precedence: built-in < kiosk.conf < the
 * centre's document < local.conf < command line. The document's path goes into path ("" when
 * none is due: *out is base); *next_ms as fleet_due. 0, or -1 with a message (then *out is
 * base and path ""). */
int fleet_settings(store *st, int64_t wall_ms, const config *base, const char *local_path,
                   config *out, char *path, size_t len, int64_t *next_ms, char *err, size_t errlen);

/* Why a publication was refused, as a word the staff screen words in its own language (the
 * reason beside it, for the heartbeat and the log, stays English). */
#define FLEET_WHY_UNSIGNED      "unsigned"
#define FLEET_WHY_UNKNOWN_KEY   "unknown_key"
#define FLEET_WHY_TAMPERED      "tampered"
#define FLEET_WHY_INVALID       "invalid"
#define FLEET_WHY_TOO_LARGE     "too_large"
#define FLEET_WHY_UNSAFE        "unsafe"
#define FLEET_WHY_UNREADABLE    "unreadable"
#define FLEET_WHY_SETTINGS      "settings"
#define FLEET_WHY_NOT_KEPT      "not_kept"
#define FLEET_WHY_NOT_INSTALLED "not_installed"
#define FLEET_WHY_MISSING       "missing"

/* The same for the staff screen, which words it in its own language: one item per publication
 * (at most max), in the order recorded. Returns how many. */
typedef struct {
    char set_id[128]; /* the set's id, or a settings document's file name */
    int version;
    bool settings;   /* a settings document (FLEET_KIND_SETTINGS) */
    char source[16]; /* "network" or "stick" */
    char state[16];  /* "waiting", "due", "ended" or "failed" (as fleet_report_json) */
    int64_t at_ms;   /* this kiosk's clock: the start while waiting, the end while due; 0 none */
    char reason[FLEET_REASON_LEN]; /* why it failed ("" otherwise), in English */
    char why[24];                  /* the same as a word (FLEET_WHY_*; "" when not known) */
    char file[FLEET_NAME_LEN];     /* the file refused ("" when not known) */
} fleet_item;
int fleet_report_items(store *st, int64_t local_ms, fleet_item *out, int max);

#endif
