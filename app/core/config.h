/* Kiosk settings: a file of "key = value" lines with # comments. An unknown key or a bad value
 * is an error naming the file and line. Command-line options override the file. */
#ifndef WP_CONFIG_H
#define WP_CONFIG_H

#include "hours.h"

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_PATH_LEN        1024
#define CONFIG_MAX_KEYS        8  /* trusted question-set signing keys */
#define CONFIG_MAX_ROOTS       4  /* USB mount roots watched */
#define CONFIG_MIN_STILL_THERE 20 /* seconds; WCAG 2.2.1 warning time, never less */

typedef struct {
    /* kiosk core */
    char questionset[CONFIG_PATH_LEN]; /* question-set file to run */
    char db[CONFIG_PATH_LEN];          /* response database */
    int idle_seconds;                  /* idle time before "are you still there?" (90) */
    int still_there_seconds;           /* countdown on that screen (30, at least 20) */
    int thanks_seconds;                /* thank-you screen before returning to attract (8) */
    bool keep_abandoned;               /* store partial answers as "abandoned" (yes) */
    char log_file[CONFIG_PATH_LEN];    /* kiosk log; empty = stderr only */
    /* sync */
    char endpoint[512]; /* collector base URL; empty = sync off */
    char token[256];    /* bearer token (never logged) */
    char device_id[64];
    char location[64]; /* neighbourhood, e.g. "nazareth" */
    char ca_file[CONFIG_PATH_LEN];
    char pinned_public_key[512]; /* curl CURLOPT_PINNEDPUBLICKEY form */
    int sync_interval_seconds;   /* timer wake-up (300) */
    int retention_days;          /* delete delivered responses older than this; 0 = keep */
    char seal_public_key[64];    /* base64 X25519 key: answers stored sealed; empty = clear */
    /* staff */
    char staff_pin_hash[256];                /* libsodium crypto_pwhash_str of the staff PIN */
    char trusted_keys[CONFIG_MAX_KEYS][128]; /* Ed25519 public keys (base64) */
    int n_trusted_keys;
    char mount_roots[CONFIG_MAX_ROOTS][CONFIG_PATH_LEN];
    int n_mount_roots;
    char languages[256];    /* languages offered (comma list); empty = all */
    char opening_hours[64]; /* "HH:MM-HH:MM"; empty = always */
    hours hours;            /* the same, parsed (hours.h) */
    char staff_language[8]; /* staff screens: "nl" (default) or "en" */
    /* accessibility */
    double screen_width_mm;  /* visible width; 0 = ask SDL for the DPI */
    int viewing_distance_mm; /* for large-text sizing (600) */
    int tap_debounce_ms;     /* second tap on the control that just moved the screen (400) */
    /* quality flags (issue 14; flow.h) */
    int rapid_repeat_seconds;      /* flag rapid_repeat within this of the previous (60; 0 off) */
    int rapid_repeat_same_percent; /* ... with this share of the answers the same (80) */
    int too_fast_ms_per_char;      /* flag too_fast: reading time per character (20; 0 off) */
    int too_fast_min_ms;           /* ... and per question at least (500) */
    bool share;                    /* the cards of what neighbours said on the screens (yes) */
} config;

/* Where a setting may come from. */
enum {
    CONFIG_FROM_FILE = 1,   /* the administrator's config file (--config, kiosk.conf) */
    CONFIG_FROM_STICK = 2,  /* WIJKPEIL/kiosk.conf on a USB stick, saved to local.conf */
    CONFIG_FROM_REMOTE = 4, /* the centre's signed settings document (config_load_remote) */
    CONFIG_FROM_CLI = 8     /* a command-line option (--db, --questionset) */
};

typedef enum {
    CONFIG_STR,      /* text, at most the field's size - 1 bytes */
    CONFIG_INT,      /* whole number from min to max */
    CONFIG_BOOL,     /* yes/no (also true/false, on/off, 1/0) */
    CONFIG_NUM,      /* number from min to max */
    CONFIG_HOURS,    /* "HH:MM-HH:MM" or empty */
    CONFIG_SEAL_KEY, /* a sealing public key (seal.h) or empty */
    CONFIG_LIST,     /* repeatable text: one entry per line, at most max_items */
    CONFIG_CHOICE    /* one of the words in choices */
} config_type;

/* One setting: the one place its key, type, range, default, sources and meaning are written.
 * The parser, the defaults, the stick whitelist and the README's table all come from the rows
 * of config_settings (a new setting is one row in config.c). */
typedef struct {
    const char *key;
    config_type type;
    size_t off;       /* the config field */
    size_t size;      /* CONFIG_STR: the field's size; CONFIG_LIST: one entry's size */
    size_t count_off; /* CONFIG_LIST: the int counting entries */
    int max_items;    /* CONFIG_LIST */
    double min, max;  /* CONFIG_INT, CONFIG_NUM */
    const char *def;  /* the default as written in the file ("" = none; CONFIG_LIST: "a, b") */
    unsigned from;    /* CONFIG_FROM_* bits */
    const char *doc;  /* one line for the README */
    const char *const *choices; /* CONFIG_CHOICE: the allowed words, NULL-terminated */
} config_setting;

/* The table, and its number of rows in *n. */
const config_setting *config_settings(size_t *n);

/* The row of key, or NULL when no setting has that name. */
const config_setting *config_setting_find(const char *key);

/* The README's settings table (markdown, one row per setting, ending in a newline) in buf.
 * Returns the length, or -1 when it does not fit. */
int config_settings_markdown(char *buf, size_t len);

/* Fills every field with its default. */
void config_defaults(config *c);

/* Reads path on top of the current values. Returns 0, or -1 with "FILE:LINE: message". */
int config_load(config *c, const char *path, char *err, size_t errlen);

/* Sets one key from text, as a config line would. Returns 0, or -1 with a message. */
int config_set(config *c, const char *key, const char *value, char *err, size_t errlen);

/* True when key names a setting (for whitelists such as kiosk.conf on a USB stick). */
bool config_known_key(const char *key);

/* The administrator's settings file on an installed kiosk (0640 root:wijkpeil). */
#define CONFIG_SYSTEM_PATH "/etc/wijkpeil/kiosk.conf"

/* Settings staff may bring on a USB stick (WIJKPEIL/kiosk.conf, saved to the kiosk's
 * local.conf): how the poll looks and behaves, never where data and secrets go. Returns NULL
 * when key may come from there, otherwise why not, in words for staff (for every key,
 * "KEY can only be set by an administrator in /etc/wijkpeil/kiosk.conf ..."). */
const char *config_local_refusal(const char *key, char *buf, size_t len);

/* Reads a local.conf (settings saved from a stick) on top of the current values: only the
 * settings config_local_refusal allows are used; every other line is left out and named in
 * warn ("" when none; warn may be NULL). Returns 0, or -1 with "FILE:LINE: message" for a
 * malformed line or a bad value. */
int config_load_local(config *c, const char *path, char *warn, size_t warnlen, char *err,
                      size_t errlen);

/* Settings the centre may send in a signed settings document (fleet.h): NULL when key may come
 * from there, otherwise why not, in words ("endpoint may not be set from the centre ..."). */
const char *config_remote_refusal(const char *key, char *buf, size_t len);

/* Reads the centre's settings document (the "key = value" lines of a config file, len bytes of
 * text, name for messages) on top of c: all or nothing. A key config_remote_refusal refuses, an
 * unknown key, a malformed line or a bad value refuses the whole document with "NAME:LINE:
 * message" and leaves c as it was. Returns 0 or -1. */
int config_load_remote(config *c, const char *text, size_t len, const char *name, char *err,
                       size_t errlen);

/* config_load_remote on the built-in defaults, for a verdict only: 0, or -1 with the message. */
int config_check_remote(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* One problem of a settings document as values, for words in another language (the
 * dashboard's): the line (1 is the first; 0 the whole document), what is wrong, the key and value
 * as written ("" when none), the key's row (NULL when unknown: its type and range say what it
 * takes) and the same in English ("NAME:LINE: message"). Valid only during the call. */
typedef enum {
    CONFIG_PROBLEM_NOT_TEXT,   /* not a text document (a NUL byte): line 0 */
    CONFIG_PROBLEM_SYNTAX,     /* not "key = value" */
    CONFIG_PROBLEM_UNKNOWN,    /* no setting has that key */
    CONFIG_PROBLEM_NOT_REMOTE, /* a setting the centre may not change */
    CONFIG_PROBLEM_VALUE       /* a value the setting does not take */
} config_problem_kind;

typedef struct {
    int line;
    config_problem_kind kind;
    const char *key, *value;
    const config_setting *setting;
    const char *message;
} config_problem;

/* config_check_remote that goes on after a problem: fn is called for every one, in the order of
 * the lines. 0 when there is none, else -1 with the first message in err (-1 without a call to
 * fn: out of memory). */
int config_check_remote_all(const char *text, size_t len, const char *name,
                            void (*fn)(void *ctx, const config_problem *p), void *ctx, char *err,
                            size_t errlen);

/* True when a published file name is a settings document (FILE.conf) rather than a set. */
bool config_remote_name(const char *name);

/* Copies the settings the centre may set (CONFIG_FROM_REMOTE) from src to dst, nothing else:
 * the running kiosk takes a new settings document with it. */
void config_copy_remote(config *dst, const config *src);

/* Where one kiosk's settings came from. */
typedef struct {
    char data_dir[CONFIG_PATH_LEN];        /* the database's folder: installed sets, local.conf */
    char local_path[CONFIG_PATH_LEN + 16]; /* DATA_DIR/local.conf (read when it exists) */
    char warning[1024];                    /* local.conf lines that were left out, or "" */
} config_sources;

/* The one settings loader of every entry point (the kiosk, wijkpeil sync): defaults, then the
 * config file (when config_path is not NULL), then db_override (when not NULL), then local.conf
 * in the database's folder through config_load_local. db defaults to "wijkpeil.db". Returns 0,
 * or -1 with a message naming the file and line. */
int config_load_kiosk(config *c, const char *config_path, const char *db_override,
                      config_sources *src, char *err, size_t errlen);

#endif
