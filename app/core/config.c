/* Kiosk settings file: "key = value" lines, # comments, strict about unknown keys and values. */
#include "config.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void config_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    c->idle_seconds = 90;
    c->still_there_seconds = 30;
    c->thanks_seconds = 8;
    c->keep_abandoned = true;
    c->sync_interval_seconds = 300;
    c->viewing_distance_mm = 600;
    c->tap_debounce_ms = 400;
    wp_strlcpy(c->staff_language, "nl", sizeof c->staff_language);
    wp_strlcpy(c->mount_roots[0], "/media", sizeof c->mount_roots[0]);
    wp_strlcpy(c->mount_roots[1], "/run/media", sizeof c->mount_roots[1]);
    c->n_mount_roots = 2;
}

static int set_str(char *dst, size_t len, const char *key, const char *v, char *err, size_t errlen)
{
    if (wp_strlcpy(dst, v, len) >= len) {
        wp_errf(err, errlen, "value of %s is too long (at most %zu bytes)", key, len - 1);
        return -1;
    }
    return 0;
}

static int set_int(int *dst, const char *key, const char *v, long min, long max, char *err,
                   size_t errlen)
{
    long n;
    if (!wp_parse_int(v, min, max, &n)) {
        wp_errf(err, errlen, "%s must be a whole number from %ld to %ld, not \"%s\"", key, min, max,
                v);
        return -1;
    }
    *dst = (int)n;
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

static int set_hours(config *c, const char *v, char *err, size_t errlen)
{
    int h1, m1, h2, m2, used = 0;
    if (*v && (sscanf(v, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 || v[used] != '\0' ||
               h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0)) {
        wp_errf(err, errlen, "opening_hours must look like 08:30-17:00, not \"%s\"", v);
        return -1;
    }
    return set_str(c->opening_hours, sizeof c->opening_hours, "opening_hours", v, err, errlen);
}

static const char *const known_keys[] = {"questionset",
                                         "db",
                                         "idle_seconds",
                                         "still_there_seconds",
                                         "thanks_seconds",
                                         "keep_abandoned",
                                         "log_file",
                                         "endpoint",
                                         "token",
                                         "device_id",
                                         "location",
                                         "ca_file",
                                         "pinned_public_key",
                                         "sync_interval_seconds",
                                         "retention_days",
                                         "staff_pin_hash",
                                         "trusted_key",
                                         "mount_root",
                                         "languages",
                                         "opening_hours",
                                         "screen_width_mm",
                                         "viewing_distance_mm",
                                         "tap_debounce_ms",
                                         "staff_language",
                                         NULL};

static bool in_list(const char *const *list, const char *key)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], key))
            return true;
    return false;
}

bool config_known_key(const char *key)
{
    return in_list(known_keys, key);
}

int config_set(config *c, const char *key, const char *v, char *err, size_t errlen)
{
    if (!strcmp(key, "questionset"))
        return set_str(c->questionset, sizeof c->questionset, key, v, err, errlen);
    if (!strcmp(key, "db"))
        return set_str(c->db, sizeof c->db, key, v, err, errlen);
    if (!strcmp(key, "log_file"))
        return set_str(c->log_file, sizeof c->log_file, key, v, err, errlen);
    if (!strcmp(key, "idle_seconds"))
        return set_int(&c->idle_seconds, key, v, 10, 3600, err, errlen);
    if (!strcmp(key, "still_there_seconds"))
        return set_int(&c->still_there_seconds, key, v, CONFIG_MIN_STILL_THERE, 600, err, errlen);
    if (!strcmp(key, "thanks_seconds"))
        return set_int(&c->thanks_seconds, key, v, 2, 120, err, errlen);
    if (!strcmp(key, "keep_abandoned"))
        return set_bool(&c->keep_abandoned, key, v, err, errlen);
    if (!strcmp(key, "endpoint"))
        return set_str(c->endpoint, sizeof c->endpoint, key, v, err, errlen);
    if (!strcmp(key, "token"))
        return set_str(c->token, sizeof c->token, key, v, err, errlen);
    if (!strcmp(key, "device_id"))
        return set_str(c->device_id, sizeof c->device_id, key, v, err, errlen);
    if (!strcmp(key, "location"))
        return set_str(c->location, sizeof c->location, key, v, err, errlen);
    if (!strcmp(key, "ca_file"))
        return set_str(c->ca_file, sizeof c->ca_file, key, v, err, errlen);
    if (!strcmp(key, "pinned_public_key"))
        return set_str(c->pinned_public_key, sizeof c->pinned_public_key, key, v, err, errlen);
    if (!strcmp(key, "sync_interval_seconds"))
        return set_int(&c->sync_interval_seconds, key, v, 5, 86400, err, errlen);
    if (!strcmp(key, "retention_days"))
        return set_int(&c->retention_days, key, v, 0, 3650, err, errlen);
    if (!strcmp(key, "staff_pin_hash"))
        return set_str(c->staff_pin_hash, sizeof c->staff_pin_hash, key, v, err, errlen);
    if (!strcmp(key, "trusted_key")) {
        if (c->n_trusted_keys >= CONFIG_MAX_KEYS) {
            wp_errf(err, errlen, "at most %d trusted_key lines", CONFIG_MAX_KEYS);
            return -1;
        }
        if (set_str(c->trusted_keys[c->n_trusted_keys], sizeof c->trusted_keys[0], key, v, err,
                    errlen))
            return -1;
        c->n_trusted_keys++;
        return 0;
    }
    if (!strcmp(key, "mount_root")) {
        /* The first mount_root line replaces the defaults; later ones add to it. */

        if (c->n_mount_roots > 0 && !strcmp(c->mount_roots[0], "/media") && c->n_mount_roots == 2 &&
            !strcmp(c->mount_roots[1], "/run/media"))
            c->n_mount_roots = 0;
        if (c->n_mount_roots >= CONFIG_MAX_ROOTS) {
            wp_errf(err, errlen, "at most %d mount_root lines", CONFIG_MAX_ROOTS);
            return -1;
        }
        if (set_str(c->mount_roots[c->n_mount_roots], sizeof c->mount_roots[0], key, v, err,
                    errlen))
            return -1;
        c->n_mount_roots++;
        return 0;
    }
    if (!strcmp(key, "languages"))
        return set_str(c->languages, sizeof c->languages, key, v, err, errlen);
    if (!strcmp(key, "opening_hours"))
        return set_hours(c, v, err, errlen);
    if (!strcmp(key, "screen_width_mm")) {
        char *end = NULL;
        double d = strtod(v, &end);
        if (!*v || *end || d < 50 || d > 5000) {
            wp_errf(err, errlen, "screen_width_mm must be a number from 50 to 5000, not \"%s\"", v);
            return -1;
        }
        c->screen_width_mm = d;
        return 0;
    }
    if (!strcmp(key, "viewing_distance_mm"))
        return set_int(&c->viewing_distance_mm, key, v, 200, 2000, err, errlen);
    if (!strcmp(key, "tap_debounce_ms"))
        return set_int(&c->tap_debounce_ms, key, v, 0, 2000, err, errlen);
    if (!strcmp(key, "staff_language")) {
        if (strcmp(v, "nl") && strcmp(v, "en")) {
            wp_errf(err, errlen, "staff_language must be nl or en, not \"%s\"", v);
            return -1;
        }
        return set_str(c->staff_language, sizeof c->staff_language, key, v, err, errlen);
    }
    wp_errf(err, errlen, "unknown setting \"%s\"", key);
    return -1;
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

/* Keys a stick (and so local.conf) may set: how the poll looks and behaves, nothing else. */
static const char *const local_keys[] = {
    "idle_seconds",        "languages",      "location", "opening_hours",
    "still_there_seconds", "thanks_seconds", NULL};

const char *config_local_refusal(const char *key, char *buf, size_t len)
{
    if (in_list(local_keys, key))
        return NULL;
    /* Everything else, above all where responses and secrets go (endpoint, ca_file,
     * pinned_public_key, token, trusted_key, device_id), never comes from an unsigned file. */
    if (!config_known_key(key))
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

/* Reads "key = value" lines from path into c. local: only keys config_local_refusal allows;
 * the others are named in warn and skipped. */
static int load_lines(config *c, const char *path, bool local, char *warn, size_t warnlen,
                      char *err, size_t errlen)
{
    char *text = NULL;
    char msg[WP_ERR_LEN];
    if (warn && warnlen)
        warn[0] = '\0';
    if (wp_read_file(path, 1024 * 1024, &text, NULL, err, errlen) != 0)
        return -1;
    int rc = 0, lineno = 0;

    /* strtok_r would merge empty lines and shift numbers: split by hand. */
    char *line = text;

    while (line && rc == 0) {
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
            if (!eq) {
                wp_errf(err, errlen, "%s:%d: expected \"key = value\"", path, lineno);
                rc = -1;
                break;
            }
            *eq = '\0';
            char *key = trim(l), *val = trim(eq + 1);
            if (local && config_local_refusal(key, msg, sizeof msg)) {
                append(warn, warnlen, "%s%s:%d: ignored: %s", warn && warn[0] ? "; " : "", path,
                       lineno, msg);
            } else if (config_set(c, key, val, msg, sizeof msg) != 0) {
                wp_errf(err, errlen, "%s:%d: %s", path, lineno, msg);
                rc = -1;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return rc;
}

int config_load(config *c, const char *path, char *err, size_t errlen)
{
    return load_lines(c, path, false, NULL, 0, err, errlen);
}

int config_load_local(config *c, const char *path, char *warn, size_t warnlen, char *err,
                      size_t errlen)
{
    return load_lines(c, path, true, warn, warnlen, err, errlen);
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
