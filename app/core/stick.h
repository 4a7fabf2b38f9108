/* USB sticks: finding them under the mount roots, reading question sets and kiosk.conf from
 * their WIJKPEIL/ folder without trusting anything on them, installing accepted sets, and
 * exporting responses to them. Nothing here changes the kiosk until staff call an apply or
 * install function; a scan only reads.
 *
 * Layout on a stick:
 *   WIJKPEIL/questionsets/NAME.json + NAME.json.sig   question sets (see sign.h for .sig)
 *   WIJKPEIL/questionsets/clips/..., icons/NAME.png    files a set lists in its "files"
 *   WIJKPEIL/kiosk.conf                               settings staff may change
 *   WIJKPEIL/settings/NAME.conf + .sig + .schedule    the centre's settings documents
 *                                                     (wijkpeil-collector publish --to-stick)
 *   WIJKPEIL/export/                                  written by stick_export
 * Rules: symlinks are refused at every level (lstat + O_NOFOLLOW); names holding "..", "/",
 * a leading "." or control characters are refused; at most STICK_MAX_ENTRIES directory
 * entries are looked at per folder; files over STICK_MAX_FILE_BYTES are refused unread; each
 * file is read once, and what is verified, validated and installed are those same bytes. */
#ifndef WP_STICK_H
#define WP_STICK_H

#include "config.h"
#include "fsio.h"
#include "qset.h"
#include "store.h"
#include "uistr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STICK_DIR                 "WIJKPEIL"
#define STICK_PATH_LEN            1024
#define STICK_MAX_STICKS          8           /* sticks reported by one stick_find */
#define STICK_MAX_ENTRIES         1000        /* directory entries examined per folder */
#define STICK_MAX_SETS            32          /* question sets examined per stick */
#define STICK_SCHEDULE_EXT        ".schedule" /* beside a set: its publication's schedule */
#define STICK_PUB_ID_LEN          17          /* a publication id: up to 16 hex digits */
#define STICK_SETTINGS_DIR        "settings"  /* WIJKPEIL/settings/: settings documents */
#define STICK_MAX_SETTINGS        8           /* settings documents examined per stick */
#define STICK_MAX_SKIPPED_COUNT   100000      /* entries past the limit counted for the note */
#define STICK_MAX_FILE_BYTES      (5 * 1024 * 1024) /* a question set larger than this is refused */
#define STICK_MAX_CONF_BYTES      (64 * 1024)       /* kiosk.conf */
#define STICK_MAX_SET_FILE_BYTES  (64LL * 1024 * 1024)  /* one clip or icon a set lists */
#define STICK_MAX_SET_FILES_BYTES (512LL * 1024 * 1024) /* all files of one set together */
#define STICK_MAX_CONF_LINES      64 /* kiosk.conf lines kept (accepted or refused) */
#define STICK_MAX_INSTALLED       64 /* installed sets listed */
#define STICK_REASON_LEN          2048
#define STICK_NOTE_LEN            256
#define STICK_SCAN_NOTE_LEN       512 /* a scan note (may name skipped sets) */

/* Why a question set on a stick was or was not accepted. */
typedef enum {
    STICK_SET_OK,          /* signed by a trusted key and valid: may be installed */
    STICK_SET_UNSIGNED,    /* no .sig next to it */
    STICK_SET_UNKNOWN_KEY, /* signed, but not by a key this kiosk trusts */
    STICK_SET_TAMPERED,    /* the signature does not match the bytes: changed after signing */
    STICK_SET_INVALID,     /* signed, but the question set does not validate */
    STICK_SET_TOO_LARGE,   /* over STICK_MAX_FILE_BYTES: not read */
    STICK_SET_UNSAFE,      /* symlink, odd name or not a plain file: not read */
    STICK_SET_UNREADABLE   /* I/O error (e.g. the stick was pulled) */
} stick_set_status;

/* A file a set lists in its "files" (a clip or icons/NAME.png), with its signed SHA-256. */
typedef struct {
    char path[QSET_MAX_FILE_PATH + 1]; /* relative to the set's folder */
    char sha256[QSET_SHA256_HEX_LEN + 1];
} stick_file;

typedef struct {
    char file[256]; /* file name in WIJKPEIL/questionsets/ */
    stick_set_status status;
    char reason[STICK_REASON_LEN]; /* in words, for the staff screen; "" when OK */
    /* Filled when the set validated (OK, and INVALID never): */
    char id[128];
    int version;
    char title[256];     /* in the set's default language */
    char languages[128]; /* "nl, en, ar" */
    int n_questions;
    char signer[16]; /* key id (first 8 characters of the trusted key) when OK */
    /* The exact bytes that were verified and validated (OK only; owned by the scan). */
    char *data;
    size_t len;
    char *sig; /* the .sig text, kept with an installed set */
    size_t sig_len;
    /* The files the set lists, each found on the stick with its signed SHA-256 (OK only; owned
     * by the scan), and the stick they are copied from on install. */
    int n_files;
    stick_file *files;
    char src_root[STICK_PATH_LEN];
    /* A publication exported for a site without network (wijkpeil-collector publish ...
     * --to-stick) carries its schedule beside the set, NAME + STICK_SCHEDULE_EXT:
     * {"publication": ID, "from_ms": N, "until_ms": N} (0: from now on / without end). The
     * import then schedules the set as the network route does instead of activating it. */
    bool scheduled;
    char pub_id[STICK_PUB_ID_LEN];
    int64_t from_ms, until_ms;
} stick_set;

typedef struct {
    char key[32];
    char value[512];
    int line;
} stick_conf_entry;

/* kiosk.conf from a stick: whitelisted settings with valid values are accepted, every other
 * line is refused with its line number. Accepted lines are applied only by
 * stick_conf_apply; refused lines are never applied. */
typedef struct {
    bool present;
    int n_accepted;
    stick_conf_entry accepted[STICK_MAX_CONF_LINES];
    int n_refused;
    char refused[STICK_MAX_CONF_LINES][STICK_NOTE_LEN]; /* "kiosk.conf:3: ..." */
} stick_conf;

/* A settings document of the centre on a stick (WIJKPEIL/settings/NAME.conf, written by
 * wijkpeil-collector publish NAME.conf ... --to-stick), checked by stick_settings_verify exactly
 * as a download of it is (fleet_install). */
typedef struct {
    char file[256]; /* file name in WIJKPEIL/settings/ */
    stick_set_status status;
    char reason[STICK_REASON_LEN]; /* in English, for the log and after the staff words */
    char signer[16];               /* key id when OK */
    char *data;                    /* the exact bytes verified (OK only; owned by the scan) */
    size_t len;
    /* Its publication and schedule (NAME.conf.schedule: {"publication": ID, "from_ms": N,
     * "until_ms": N}, 0: from now on / without end). Without one the document is recorded under
     * the first 16 hex digits of its SHA-256, due at once (still taken between residents). */
    char pub_id[STICK_PUB_ID_LEN];
    int64_t from_ms, until_ms;
} stick_settings;

/* What a note of the scan is about. The staff screen words each kind in the staff language
 * (ui_staff.c: one staff string per kind, assets/staff-strings.json); stick_scan.notes holds
 * the same in English for logs and tests. */
typedef enum {
    STICK_NOTE_CONF_LINK,           /* kiosk.conf is a symbolic link */
    STICK_NOTE_CONF_NOT_FILE,       /* kiosk.conf is not a plain file */
    STICK_NOTE_CONF_TOO_LARGE,      /* n: its size in bytes, max: the limit */
    STICK_NOTE_CONF_UNREADABLE,     /* words: why */
    STICK_NOTE_SETTINGS_REFUSED,    /* WIJKPEIL/settings is a link or not a folder */
    STICK_NOTE_SETTINGS_UNREADABLE, /* words: why */
    STICK_NOTE_SETTINGS_CAPPED,     /* max checked, n skipped */
    STICK_NOTE_NO_SETS_DIR,         /* no WIJKPEIL/questionsets */
    STICK_NOTE_SETS_DIR_REFUSED,    /* WIJKPEIL/questionsets is a link or not a folder */
    STICK_NOTE_SETS_DIR_UNREADABLE, /* words: why */
    STICK_NOTE_ENTRIES_CAPPED,      /* total entries, max looked at, n skipped; words: question
                                       sets among the skipped ("" when none) */
    STICK_NOTE_SETS_CAPPED,         /* max checked, n skipped; words: their names */
    STICK_NOTE_COUNT
} stick_note_kind;

typedef struct {
    stick_note_kind kind;
    long n, max, total; /* the numbers it names (see the kinds) */
    bool at_least;      /* total and n were counted up to a bound: "more than" */
    bool more_names;    /* words lists some of the names only */
    char words[200];    /* why (the system's words, English), or file names */
} stick_note;

/* Everything read from one stick. */
typedef struct {
    char root[STICK_PATH_LEN]; /* the stick's folder (the one holding WIJKPEIL/) */
    int n_sets;
    stick_set sets[STICK_MAX_SETS]; /* sorted by file name */
    int n_settings;
    stick_settings settings[STICK_MAX_SETTINGS]; /* sorted by file name */
    int n_notes;
    char notes[8][STICK_SCAN_NOTE_LEN]; /* in English, e.g. "... 1500 entries: only the first
                                           1000 ..., 500 skipped" */
    stick_note note[8];                 /* the same notes, for the staff screen's words */
    stick_conf conf;
} stick_scan;

/* Finds sticks: every directory directly under a mount root, or one level deeper
 * (/media/USER/STICK), that holds a WIJKPEIL folder. Writes up to max paths into out and
 * returns how many (0 when none). Missing roots are not an error. */
int stick_find(const config *cfg, char (*out)[STICK_PATH_LEN], int max);

/* Reads a stick: lists its question sets (and the centre's settings documents in
 * WIJKPEIL/settings/, each through stick_settings_verify), verifies each against cfg->trusted_keys,
 * validates the same bytes with qset_load_buffer (against the built-in interface strings), checks
 * every file a set lists in "files" (a plain file reached without symbolic links, within
 * STICK_MAX_SET_FILE_BYTES and STICK_MAX_SET_FILES_BYTES, with the signed SHA-256; a set naming
 * clips without such a list is refused), and reads kiosk.conf. Returns 0 and a new scan in *out
 * (free with stick_scan_free), or -1 with a message when the stick cannot be read at all (e.g. no
 * WIJKPEIL folder). */
int stick_scan_open(const char *stick_root, const config *cfg, const uistr *strings,
                    stick_scan **out, char *err, size_t errlen);
void stick_scan_free(stick_scan *s); /* NULL is a no-op */

/* One status in words ("unsigned", "tampered", ...). */
const char *stick_status_name(stick_set_status st);

/* The one check of the centre's settings document name (len bytes of doc, its .sig text), for a
 * download (fleet_install) and a stick alike: signed by one of cfg's trusted keys (else
 * STICK_SET_TAMPERED or STICK_SET_UNKNOWN_KEY), then every line a setting the centre may change
 * with a valid value (config_check_remote; else STICK_SET_INVALID: the whole document is
 * refused). Returns STICK_SET_OK (signer, when not NULL, gets the key id), or the verdict with the
 * reason in English ("hours.conf:2: endpoint may not be set from the centre ..."). */
stick_set_status stick_settings_verify(const char *doc, size_t len, const char *sig, size_t siglen,
                                       const char *name, const config *cfg, char signer[16],
                                       char *reason, size_t reasonlen);

/* Reads WIJKPEIL/kiosk.conf under stick_root into out (out->present false when there is none).
 * Returns 0, or -1 when the file exists but cannot be read safely (symlink, too large). */
int stick_conf_read(const char *stick_root, stick_conf *out, char *err, size_t errlen);

/* Merges the accepted settings into the kiosk's local override file (key = value lines read
 * after the main config), replacing earlier values of the same keys; written atomically.
 * Returns 0 or -1 with a message; on failure the old file is unchanged. */
int stick_conf_apply(const stick_conf *c, const char *override_path, char *err, size_t errlen);

/* The functions that write (the settings save, an install, an export) through the given
 * file-system operations (NULL: the real ones; tests inject a full disk, EIO or EROFS). A
 * failure is said for the medium written: "the kiosk's disk is full" for local.conf and
 * installed sets, "the stick is full" for an export. */
int stick_conf_apply_with(const fsio_ops *ops, const stick_conf *c, const char *override_path,
                          char *err, size_t errlen);

/* Installs an accepted set. Without files: its exact bytes into
 * DATA_DIR/questionsets/ID-vVERSION.json (and its signature next to it) via a temporary file,
 * fsync and rename. With files: the set, its signature and its files (copied from the stick,
 * each checked against its signed SHA-256 while copying) into a temporary folder, everything
 * fsynced, then the folder renamed to DATA_DIR/questionsets/ID-vVERSION/ in one step (the set is
 * ID-vVERSION/ID-vVERSION.json there), so the kiosk never sees half a set. Earlier sets stay.
 * Installing the same bytes again succeeds (a damaged earlier copy of the same set is replaced
 * in one step); different bytes under an installed id and version are refused. path_out
 * (optional) receives the installed set's path. Returns 0 or -1 with a message. */
int stick_install(const stick_set *s, const char *data_dir, char *path_out, size_t path_len,
                  char *err, size_t errlen);
int stick_install_with(const fsio_ops *ops, const stick_set *s, const char *data_dir,
                       char *path_out, size_t path_len, char *err, size_t errlen);

typedef struct {
    char path[STICK_PATH_LEN];
    char id[128];
    int version;
    char title[256];
} stick_installed;

/* Lists the valid sets in DATA_DIR/questionsets, as files or ID-vN/ID-vN.json folders (sorted by
 * id, then version). Returns the count
 * (at most max), or -1 with a message. Files that no longer validate are left out. */
int stick_list_installed(const char *data_dir, const uistr *strings, stick_installed *out, int max,
                         char *err, size_t errlen);

/* Progress of an export: done and total in the same unit (responses, then log bytes count as
 * one step). Return non-zero to cancel. */
typedef int (*stick_progress_cb)(void *ctx, int64_t done, int64_t total);

typedef struct {
    int64_t n_responses;      /* responses written */
    int64_t last_seq;         /* highest seq written (0 when none) */
    char csv[STICK_PATH_LEN]; /* final paths */
    char jsonl[STICK_PATH_LEN];
    char log[STICK_PATH_LEN]; /* "" when there was no log to copy */
} stick_export_result;

/* Asks the system to unmount a stick after an export: writes RUNTIME_DIR/eject-NAME, where NAME
 * is the stick folder's own name (e.g. "wijkpeil-sda1" for /media/wijkpeil-sda1); the systemd
 * path unit wijkpeil-eject@.path sees it and stops the stick's mount service (the kiosk's user
 * may not unmount). Returns 0 when asked, 1 when runtime_dir does not exist (not under systemd:
 * nothing to do), -1 with a message otherwise. */
int stick_request_eject(const char *stick_root, const char *runtime_dir, char *err, size_t errlen);

/* Exports to one stick within one second (the counter in the file names) before refusing. */
#define STICK_EXPORTS_PER_SECOND 99

/* Store meta key holding the highest seq exported to a stick. */
#define STICK_META_LAST_EXPORT "last_export_seq"

/* Exports responses (all, or those after the last successful export when since_last) to
 * STICK/WIJKPEIL/export/DEVICE-DATE-responses.csv and .jsonl, plus a copy of log_path (may
 * be NULL or "") as DEVICE-DATE-kiosk.log. DATE is now_ms in UTC (YYYYMMDD-HHMMSS); a later
 * export within the same second adds a counter (YYYYMMDD-HHMMSS.2, .3, ... up to
 * STICK_EXPORTS_PER_SECOND), so it never overwrites or refuses an earlier one. Each file is
 * written to a temporary name, fsynced and renamed, then the folder is fsynced. The last
 * exported seq is recorded in the store only after everything succeeded. On failure (stick
 * full, read-only, pulled out) returns -1 with a message, no file is left under a final name,
 * and the store is unchanged. When 0 is returned but the store could not record the export,
 * err holds a warning (the next "since last" export then repeats those responses). Runs on the
 * caller's thread; the callback may drive a progress bar. */
int stick_export(store *st, const char *stick_root, bool since_last, const char *device_id,
                 const char *log_path, int64_t now_ms, stick_progress_cb cb, void *ctx,
                 stick_export_result *res, char *err, size_t errlen);
int stick_export_with(const fsio_ops *ops, store *st, const char *stick_root, bool since_last,
                      const char *device_id, const char *log_path, int64_t now_ms,
                      stick_progress_cb cb, void *ctx, stick_export_result *res, char *err,
                      size_t errlen);

/* SHA-256 (64 lowercase hex digits) of the file rel, a path as listed in "files", in the folder
 * dir, reached without following any symbolic link below dir, at most
 * STICK_MAX_SET_FILE_BYTES. Returns 0, or -1 with a message naming rel. */
int stick_file_sha256(const char *dir, const char *rel, char hex[QSET_SHA256_HEX_LEN + 1],
                      char *err, size_t errlen);

/* Checks every file qs lists in "files" in its folder dir, as a stick scan does. Returns the
 * number of problems (0: all there and as signed), each one line naming the file appended to
 * report (lines end in "\n"), or -1 with a message in report when dir cannot be opened. */
int stick_check_files(const char *dir, const qset *qs, char *report, size_t len);

/* A publication's schedule as written beside a set or settings document on a stick
 * (NAME + STICK_SCHEDULE_EXT, read from a stranger's stick): {"publication": ID of 1-16
 * lowercase hex digits, "from_ms": N >= 0, "until_ms": N >= 0}. Returns 0 with the three filled,
 * or -1 (then nothing of it may be used: the caller refuses what it belongs to). */
int stick_schedule_parse(const char *text, size_t len, char pub_id[STICK_PUB_ID_LEN],
                         int64_t *from_ms, int64_t *until_ms);

/* Removes the folder parent/name and everything in it, never following a symbolic link
 * (a network download that did not verify, fleet.h). */
void stick_remove_dir(const char *parent, const char *name);

#endif
