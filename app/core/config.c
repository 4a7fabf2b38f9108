/* Kiosk settings file: "key = value" lines, # comments, strict about unknown keys and values. */
#include "config.h"
#include "hours.h"
#include "seal.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the settings table ---- */

#define FIELD(f) offsetof(config, f), sizeof(((config *)0)->f)
#define F        CONFIG_FROM_FILE
#define STICK    CONFIG_FROM_STICK
#define CLI      CONFIG_FROM_CLI
#define R        CONFIG_FROM_REMOTE
#define STR(key, from, def, doc)                                                                   \
    {                                                                                              \
#key, CONFIG_STR, FIELD(key), 0, 0, 0, 0, def, from, doc, NULL                             \
    }
#define INT(key, min, max, from, def, doc)                                                         \
    {                                                                                              \
#key, CONFIG_INT, FIELD(key), 0, 0, min, max, def, from, doc, NULL                         \
    }
#define BOOL(key, from, def, doc)                                                                  \
    {                                                                                              \
#key, CONFIG_BOOL, FIELD(key), 0, 0, 0, 0, def, from, doc, NULL                            \
    }
#define HOURS(key, from, def, doc)                                                                 \
    {                                                                                              \
#key, CONFIG_HOURS, FIELD(key), 0, 0, 0, 0, def, from, doc, NULL                           \
    }
#define SEAL_KEY(key, from, def, doc)                                                              \
    {                                                                                              \
#key, CONFIG_SEAL_KEY, FIELD(key), 0, 0, 0, 0, def, from, doc, NULL                        \
    }
#define NUM(key, min, max, from, def, doc)                                                         \
    {                                                                                              \
#key, CONFIG_NUM, FIELD(key), 0, 0, min, max, def, from, doc, NULL                         \
    }
#define CHOICE(key, words, from, def, doc)                                                         \
    {                                                                                              \
#key, CONFIG_CHOICE, FIELD(key), 0, 0, 0, 0, def, from, doc, words                         \
    }
#define LIST(key, field, from, def, doc)                                                           \
    {                                                                                              \
#key, CONFIG_LIST, offsetof(config, field), sizeof(((config *)0)->field[0]),               \
            offsetof(config, n_##field),                                                           \
            (int)(sizeof(((config *)0)->field) / sizeof(((config *)0)->field[0])), 0, 0, def,      \
            from, doc, NULL                                                                        \
    }

static const char *const staff_languages[] = {"nl", "en", NULL};

/* One row per setting. Stick (and so local.conf): how the poll looks and behaves, never where
 * responses and secrets go (endpoint, ca_file, pinned_public_key, token, trusted_key,
 * device_id): those never come from an unsigned file. Remote (the centre's signed settings
 * document, fleet.h): languages, opening hours, the screens' times, retention and share; never
 * where data and secrets go, never what identifies the kiosk. */
// clang-format off
static const config_setting settings[] = {
    STR(questionset, F | CLI, "", "question-set file to run"),
    STR(db, F | CLI, "wijkpeil.db", "response database; installed sets and `local.conf` live in its folder"),
    INT(idle_seconds, 10, 3600, F | STICK | R, "90", "no touch this long: \"Are you still there?\""),
    INT(still_there_seconds, CONFIG_MIN_STILL_THERE, 600, F | STICK | R, "30", "countdown before the kiosk resets (never under 20: WCAG 2.2.1)"),
    INT(thanks_seconds, 2, 120, F | STICK | R, "8", "thank-you screen before the attract screen (a thank-you screen in pages: shared by them, each at least 4 s, at most 60 s in all)"),
    BOOL(keep_abandoned, F, "yes", "keep partial answers of a resident who walked away (status `abandoned`)"),
    STR(log_file, F, "", "kiosk log (also exported to a USB stick); empty: standard error only"),
    STR(endpoint, F, "", "collector base URL; sync is off without it"),
    STR(token, F, "", "bearer token for the collector (never logged)"),
    STR(device_id, F, "", "this kiosk's name at the collector"),
    STR(location, F | STICK, "", "neighbourhood, e.g. `nazareth`"),
    STR(ca_file, F, "", "CA certificates for the collector's TLS"),
    STR(pinned_public_key, F, "", "pinned collector key (`sha256//...`, curl's form)"),
    SEAL_KEY(seal_public_key, F, "", "the central team's sealing key (`wijkpeil-qset keygen --seal`): answers are stored, exported and sent sealed to it; empty: in clear"),
    INT(sync_interval_seconds, 5, 86400, F, "300", "timer for the uploader"),
    INT(retention_days, 0, 3650, F | R, "0", "delete delivered responses older than this; 0 keeps them"),
    STR(staff_pin_hash, F, "", "`wijkpeil-qset pin-hash` output"),
    LIST(trusted_key, trusted_keys, F, "", "public key allowed to sign question sets"),
    LIST(mount_root, mount_roots, F, "/media, /run/media", "where USB sticks appear (the first line replaces the default)"),
    STR(languages, F | STICK | R, "", "languages offered, e.g. `nl, ar, tr`, the first is the default; empty: all"),
    HOURS(opening_hours, F | STICK | R, "", "e.g. `08:30-17:00`: outside them the screen is blank and no poll starts; a tap shows \"closed\" with the hours (staff mode still opens); uploads go on; empty: always open"),
    NUM(screen_width_mm, 50, 5000, F, "", "visible screen width, for physical sizes; unset: from the display's DPI"),
    INT(viewing_distance_mm, 200, 2000, F, "600", "sizes large text (capital height at least 0.0122 times the distance)"),
    CHOICE(staff_language, staff_languages, F, "nl", "language of the staff screens (the staff screen's language button switches until staff mode is left); words in `assets/staff-strings.json`"),
    INT(tap_debounce_ms, 0, 2000, F, "400", "a second tap on the control that just changed the screen, this soon, is ignored; 0 switches it off"),
    INT(rapid_repeat_seconds, 0, 3600, F, "60", "a response finished this soon after the previous one on this kiosk, with mostly the same answers, is flagged `rapid_repeat` (kept and sent, never dropped); 0 switches the flag off"),
    INT(rapid_repeat_same_percent, 1, 100, F, "80", "`rapid_repeat`: at least this share of the questions answered in either response answered the same"),
    INT(too_fast_ms_per_char, 0, 1000, F, "20", "a response whose time on the questions it answered is below their reading time, this per character of a question's text (20: 50 characters a second), is flagged `too_fast`; 0 switches the flag off"),
    INT(too_fast_min_ms, 0, 60000, F, "500", "`too_fast`: the reading time of a question is at least this"),
    BOOL(share, F | STICK | R, "yes", "show the cards of what neighbours said (from the collector) on the attract and thank-you screens; `no`: none on this kiosk"),
};
// clang-format on

#undef FIELD
#undef F
#undef STICK
#undef CLI
#undef R
#undef STR
#undef INT
#undef LIST
#undef BOOL
#undef HOURS
#undef SEAL_KEY
#undef NUM
#undef CHOICE

const config_setting *config_settings(size_t *n)
{
    *n = sizeof settings / sizeof settings[0];
    return settings;
}

const config_setting *config_setting_find(const char *key)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (!strcmp(settings[i].key, key))
            return &settings[i];
    return NULL;
}

bool config_known_key(const char *key)
{
    return config_setting_find(key) != NULL;
}

static int set_str(char *dst, size_t len, const char *key, const char *v, char *err, size_t errlen)
{
    if (wp_strlcpy(dst, v, len) >= len) {
        wp_errf(err, errlen, "value of %s is too long (at most %zu bytes)", key, len - 1);
        return -1;
    }
    return 0;
}

static int set_bool(bool *dst, const char *key, const char *v, char *err, size_t errlen)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on")) {
        *dst = true;
        return 0;
    }
    if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off")) {
        *dst = false;
        return 0;
    }
    wp_errf(err, errlen, "%s must be yes or no, not \"%s\"", key, v);
    return -1;
}

/* True when the list at row s holds exactly its default entries. */
static bool list_is_default(const config *c, const config_setting *s)
{
    const char *base = (const char *)c + s->off;
    int n = *(const int *)((const char *)c + s->count_off);
    const char *d = s->def;
    for (int i = 0; i < n; i++, base += s->size) {
        size_t m = strcspn(d, ",");
        if (!*d || strlen(base) != m || strncmp(base, d, m) != 0)
            return false;
        d += m;
        d += strspn(d, ", ");
    }
    return n > 0 && !*d;
}

static int set_row(config *c, const config_setting *s, const char *v, char *err, size_t errlen)
{
    char *field = (char *)c + s->off;
    switch (s->type) {
    case CONFIG_STR:
        return set_str(field, s->size, s->key, v, err, errlen);
    case CONFIG_INT: {
        long n;
        if (!wp_parse_int(v, (long)s->min, (long)s->max, &n)) {
            wp_errf(err, errlen, "%s must be a whole number from %ld to %ld, not \"%s\"", s->key,
                    (long)s->min, (long)s->max, v);
            return -1;
        }
        *(int *)(void *)field = (int)n;
        return 0;
    }
    case CONFIG_BOOL:
        return set_bool((bool *)field, s->key, v, err, errlen);
    case CONFIG_NUM: {
        char *end = NULL;
        double d = strtod(v, &end);
        if (!*v || *end || d < s->min || d > s->max) {
            wp_errf(err, errlen, "%s must be a number from %g to %g, not \"%s\"", s->key, s->min,
                    s->max, v);
            return -1;
        }
        *(double *)(void *)field = d;
        return 0;
    }
    case CONFIG_HOURS:
        /* Parsed once, here: the kiosk asks c->hours from then on (one hours setting). */
        if (hours_parse(v, &c->hours, err, errlen) != 0)
            return -1;
        return set_str(field, s->size, s->key, v, err, errlen);
    case CONFIG_SEAL_KEY: {
        unsigned char pk[SEAL_PUBLIC_BYTES];
        char why[WP_ERR_LEN];
        if (*v && seal_parse_public(v, pk, why, sizeof why) != 0) {
            wp_errf(err, errlen, "%s: %s", s->key, why);
            return -1;
        }
        return set_str(field, s->size, s->key, v, err, errlen);
    }
    case CONFIG_LIST: {
        int *n = (int *)(void *)((char *)c + s->count_off);
        /* The first line replaces the default entries; later ones add to it. */
        if (s->def[0] && list_is_default(c, s))
            *n = 0;
        if (*n >= s->max_items) {
            wp_errf(err, errlen, "at most %d %s lines", s->max_items, s->key);
            return -1;
        }
        if (set_str(field + (size_t)*n * s->size, s->size, s->key, v, err, errlen))
            return -1;
        (*n)++;
        return 0;
    }
    case CONFIG_CHOICE: {
        char words[128] = "";
        for (const char *const *w = s->choices; *w; w++) {
            if (!strcmp(*w, v))
                return set_str(field, s->size, s->key, v, err, errlen);
            size_t k = strlen(words);
            snprintf(words + k, sizeof words - k, "%s%s", k ? " or " : "", *w);
        }
        wp_errf(err, errlen, "%s must be %s, not \"%s\"", s->key, words, v);
        return -1;
    }
    }
    wp_errf(err, errlen, "%s: unknown type", s->key);
    return -1;
}

void config_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    char msg[WP_ERR_LEN], one[CONFIG_PATH_LEN];
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const config_setting *s = &settings[i];
        for (const char *d = s->def; *d;) {
            size_t m = s->type == CONFIG_LIST ? strcspn(d, ",") : strlen(d);
            snprintf(one, sizeof one, "%.*s", (int)m, d);
            (void)set_row(c, s, one, msg, sizeof msg); /* checked by test_config */
            d += m;
            d += strspn(d, ", ");
        }
    }
}

int config_set(config *c, const char *key, const char *v, char *err, size_t errlen)
{
    const config_setting *s = config_setting_find(key);
    if (!s) {
        wp_errf(err, errlen, "unknown setting \"%s\"", key);
        return -1;
    }
    return set_row(c, s, v, err, errlen);
}

int config_settings_markdown(char *buf, size_t len)
{
    size_t used = 0;
    bool full = len == 0;
    static const char *const from_words[] = {"file", "stick", "remote", "command line"};
    wp_appendf(buf, len, &used, &full,
               "| key | values | default | set in | meaning |\n"
               "|---|---|---|---|---|\n");
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const config_setting *s = &settings[i];
        char values[64], def[128], from[64] = "";
        switch (s->type) {
        case CONFIG_INT:
        case CONFIG_NUM:
            snprintf(values, sizeof values, "%g to %g", s->min, s->max);
            break;
        case CONFIG_BOOL:
            snprintf(values, sizeof values, "yes / no");
            break;
        case CONFIG_HOURS:
            snprintf(values, sizeof values, "`HH:MM-HH:MM`");
            break;
        case CONFIG_LIST:
            snprintf(values, sizeof values, "text, up to %d lines", s->max_items);
            break;
        case CONFIG_CHOICE:
            values[0] = '\0';
            for (const char *const *w = s->choices; *w; w++) {
                size_t k = strlen(values);
                snprintf(values + k, sizeof values - k, "%s`%s`", k ? " / " : "", *w);
            }
            break;
        default:
            snprintf(values, sizeof values, "text");
        }
        if (s->def[0])
            snprintf(def, sizeof def, "`%s`", s->def);
        else
            wp_strlcpy(def, "—", sizeof def);
        for (int b = 0; b < 4; b++)
            if (s->from & (1u << b)) {
                size_t k = strlen(from);
                snprintf(from + k, sizeof from - k, "%s%s", k ? ", " : "", from_words[b]);
            }
        wp_appendf(buf, len, &used, &full, "| `%s` | %s | %s | %s | %s |\n", s->key, values, def,
                   from, s->doc);
    }
    return full ? -1 : (int)used;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

const char *config_local_refusal(const char *key, char *buf, size_t len)
{
    const config_setting *s = config_setting_find(key);
    if (s && (s->from & CONFIG_FROM_STICK))
        return NULL;
    if (!s)
        snprintf(buf, len, "unknown setting \"%s\"", key);
    else
        snprintf(buf, len, "%s can only be set by an administrator in %s", key, CONFIG_SYSTEM_PATH);
    return buf;
}

static void append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
    if (!buf || len == 0)
        return;
    size_t used = strnlen(buf, len);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

const char *config_remote_refusal(const char *key, char *buf, size_t len)
{
    const config_setting *s = config_setting_find(key);
    if (s && (s->from & CONFIG_FROM_REMOTE))
        return NULL;
    if (!s)
        snprintf(buf, len, "unknown setting \"%s\"", key);
    else
        snprintf(buf, len, "%s may not be set from the centre (only by an administrator in %s)",
                 key, CONFIG_SYSTEM_PATH);
    return buf;
}

typedef enum {
    LINES_FILE,   /* every key */
    LINES_LOCAL,  /* config_local_refusal: others are skipped and named in warn */
    LINES_REMOTE, /* config_remote_refusal: another key refuses the whole text */
} lines_mode;

/* Where load_text tells every problem (config_check_remote_all), or NULL: stop at the first. */
typedef struct {
    void (*fn)(void *ctx, const config_problem *p);
    void *ctx;
} problem_sink;

/* Reads the "key = value" lines of text (its name in messages) into c. */
static int load_text(config *c, char *text, const char *name, lines_mode mode, char *warn,
                     size_t warnlen, const problem_sink *sink, char *err, size_t errlen)
{
    char msg[WP_ERR_LEN], said[WP_ERR_LEN + 64];
    int rc = 0, lineno = 0;

    /* strtok_r would merge empty lines and shift numbers: split by hand. */
    char *line = text;

    while (line && (rc == 0 || sink)) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *l = trim(line);
        if (*l) {
            char *eq = strchr(l, '=');
            const char *key = "", *val = "";
            int kind = -1; /* a config_problem_kind when the line is refused */
            if (!eq) {
                snprintf(said, sizeof said, "%s:%d: expected \"key = value\"", name, lineno);
                kind = CONFIG_PROBLEM_SYNTAX;
            } else {
                *eq = '\0';
                key = trim(l);
                val = trim(eq + 1);
                if (mode == LINES_LOCAL && config_local_refusal(key, msg, sizeof msg)) {
                    append(warn, warnlen, "%s%s:%d: ignored: %s", warn && warn[0] ? "; " : "", name,
                           lineno, msg);
                } else if (mode == LINES_REMOTE && config_remote_refusal(key, msg, sizeof msg)) {
                    snprintf(said, sizeof said, "%s:%d: %s", name, lineno, msg);
                    kind =
                        config_known_key(key) ? CONFIG_PROBLEM_NOT_REMOTE : CONFIG_PROBLEM_UNKNOWN;
                } else if (config_set(c, key, val, msg, sizeof msg) != 0) {
                    snprintf(said, sizeof said, "%s:%d: %s", name, lineno, msg);
                    kind = config_known_key(key) ? CONFIG_PROBLEM_VALUE : CONFIG_PROBLEM_UNKNOWN;
                }
            }
            if (kind >= 0) {
                if (rc == 0)
                    wp_errf(err, errlen, "%s", said);
                rc = -1;
                if (sink) {
                    config_problem p = {lineno, (config_problem_kind)kind, key,
                                        val,    config_setting_find(key),  said};
                    sink->fn(sink->ctx, &p);
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return rc;
}

static int load_lines(config *c, const char *path, lines_mode mode, char *warn, size_t warnlen,
                      char *err, size_t errlen)
{
    char *text = NULL;
    if (warn && warnlen)
        warn[0] = '\0';
    if (wp_read_file(path, 1024 * 1024, &text, NULL, err, errlen) != 0)
        return -1;
    int rc = load_text(c, text, path, mode, warn, warnlen, NULL, err, errlen);
    free(text);
    return rc;
}

int config_load(config *c, const char *path, char *err, size_t errlen)
{
    return load_lines(c, path, LINES_FILE, NULL, 0, err, errlen);
}

int config_load_local(config *c, const char *path, char *warn, size_t warnlen, char *err,
                      size_t errlen)
{
    return load_lines(c, path, LINES_LOCAL, warn, warnlen, err, errlen);
}

static int load_remote(config *c, const char *text, size_t len, const char *name,
                       const problem_sink *sink, char *err, size_t errlen)
{
    if (memchr(text, '\0', len)) {
        wp_errf(err, errlen, "%s: not a settings document (holds a NUL byte)", name);
        if (sink) {
            config_problem p = {0, CONFIG_PROBLEM_NOT_TEXT, "", "", NULL, err};
            sink->fn(sink->ctx, &p);
        }
        return -1;
    }
    char *copy = malloc(len + 1);
    config *next = malloc(sizeof *next);
    int rc = -1;
    if (!copy || !next) {
        wp_errf(err, errlen, "out of memory");
    } else {
        memcpy(copy, text, len);
        copy[len] = '\0';
        *next = *c;
        /* All or nothing: c changes only when every line is allowed and valid. */
        rc = load_text(next, copy, name, LINES_REMOTE, NULL, 0, sink, err, errlen);
        if (rc == 0)
            config_copy_remote(c, next);
    }
    free(copy);
    free(next);
    return rc;
}

int config_load_remote(config *c, const char *text, size_t len, const char *name, char *err,
                       size_t errlen)
{
    return load_remote(c, text, len, name, NULL, err, errlen);
}

static int check_remote(const char *text, size_t len, const char *name, const problem_sink *sink,
                        char *err, size_t errlen)
{
    config *check = malloc(sizeof *check);
    if (!check) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    config_defaults(check);
    int rc = load_remote(check, text, len, name, sink, err, errlen);
    free(check);
    return rc;
}

int config_check_remote(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
    return check_remote(text, len, name, NULL, err, errlen);
}

int config_check_remote_all(const char *text, size_t len, const char *name,
                            void (*fn)(void *ctx, const config_problem *p), void *ctx, char *err,
                            size_t errlen)
{
    problem_sink sink = {fn, ctx};
    return check_remote(text, len, name, &sink, err, errlen);
}

bool config_remote_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".conf");
}

void config_copy_remote(config *dst, const config *src)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const config_setting *s = &settings[i];
        if (!(s->from & CONFIG_FROM_REMOTE) || s->type == CONFIG_LIST)
            continue;
        memcpy((char *)dst + s->off, (const char *)src + s->off, s->size);
        if (s->type == CONFIG_HOURS)
            dst->hours = src->hours;
    }
}

int config_load_kiosk(config *c, const char *config_path, const char *db_override,
                      config_sources *src, char *err, size_t errlen)
{
    memset(src, 0, sizeof *src);
    config_defaults(c);
    if (config_path && config_load(c, config_path, err, errlen) != 0)
        return -1;
    if (db_override && set_str(c->db, sizeof c->db, "db", db_override, err, errlen) != 0)
        return -1;
    if (!c->db[0])
        wp_strlcpy(c->db, "wijkpeil.db", sizeof c->db);
    /* The database's folder holds installed sets and the settings staff brought on a stick
     * (local.conf), which apply on top of the config file, through the same whitelist as the
     * stick itself. */
    wp_strlcpy(src->data_dir, c->db, sizeof src->data_dir);
    char *slash = strrchr(src->data_dir, '/');
    if (slash)
        *(slash == src->data_dir ? slash + 1 : slash) = '\0';
    else
        wp_strlcpy(src->data_dir, ".", sizeof src->data_dir);
    snprintf(src->local_path, sizeof src->local_path, "%s/local.conf", src->data_dir);
    struct stat st;
    if (stat(src->local_path, &st) != 0)
        return 0;
    return config_load_local(c, src->local_path, src->warning, sizeof src->warning, err, errlen);
}
