/* A publication uploaded through the dashboard (coll_pubup.h). */
#include "coll_pubup.h"

#include "config.h"
#include "fleet.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct coll_pubup {
    char dir[STICK_PATH_LEN];         /* the private folder */
    char set_name[COLL_PUB_NAME_MAX]; /* the set's file name, "" until one came */
    char media[COLL_PUBUP_MAX_MEDIA][COLL_PUB_NAME_MAX];
    int n_media;
    long long media_bytes;
    /* the file being written */
    int fd;
    char part[8];
    long long written;
    /* the first thing wrong */
    bool failed;
    coll_pub_refusal refusal;
    char msg[WP_ERR_LEN];
};

int coll_pubup_new(coll_pubup **out, char *err, size_t errlen)
{
    *out = NULL;
    coll_pubup *u = calloc(1, sizeof *u);
    if (!u) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    u->fd = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(u->dir, sizeof u->dir, "%s/wijkpeil-publish-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(u->dir)) {
        wp_errf(err, errlen, "%s: cannot make a folder for the upload: %s", u->dir,
                strerror(errno));
        free(u);
        return -1;
    }
    static const char *const subs[] = {"set", "media"};
    for (size_t i = 0; i < 2; i++) {
        char path[STICK_PATH_LEN + 8];
        snprintf(path, sizeof path, "%s/%s", u->dir, subs[i]);
        if (mkdir(path, 0700) != 0) {
            wp_errf(err, errlen, "%s: %s", path, strerror(errno));
            coll_pubup_free(u);
            return -1;
        }
    }
    *out = u;
    return 0;
}

static void fail(coll_pubup *u, coll_pub_why why, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keeps the first thing wrong; the file being written is dropped. */
static void fail(coll_pubup *u, coll_pub_why why, const char *file, const char *fmt, ...)
{
    if (u->fd >= 0) {
        close(u->fd);
        u->fd = -1;
    }
    if (u->failed)
        return;
    u->failed = true;
    u->refusal.why = why;
    wp_strlcpy(u->refusal.file, file, sizeof u->refusal.file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->msg, sizeof u->msg, fmt, ap);
    va_end(ap);
}

/* Opens the file a new part goes to. */
static void start_part(coll_pubup *u, const char *part, const char *filename)
{
    char path[STICK_PATH_LEN + COLL_PUB_NAME_MAX];
    if (u->fd >= 0)
        close(u->fd);
    u->fd = -1;
    u->written = 0;
    wp_strlcpy(u->part, part, sizeof u->part);
    if (!fleet_name_ok(filename) || strchr(filename, '/') ||
        strlen(filename) + 5 >= COLL_PUB_NAME_MAX) {
        fail(u, COLL_PUB_WHY_NAME, filename,
             "%s: the file name may hold letters, digits, '-', '_' and '.'", filename);
        return;
    }
    if (strcmp(part, "set") == 0) {
        if (u->set_name[0]) {
            fail(u, COLL_PUB_WHY_OTHER, filename, "%s: one set (or settings document) at a time",
                 filename);
            return;
        }
        wp_strlcpy(u->set_name, filename, sizeof u->set_name);
        snprintf(path, sizeof path, "%s/set/%s", u->dir, filename);
    } else if (strcmp(part, "sig") == 0) {
        /* named after the set when publishing: it may come first */
        snprintf(path, sizeof path, "%s/sig", u->dir);
    } else {
        if (u->n_media >= COLL_PUBUP_MAX_MEDIA) {
            fail(u, COLL_PUB_WHY_TOO_BIG, filename, "more than %d clips and icons",
                 COLL_PUBUP_MAX_MEDIA);
            return;
        }
        for (int i = 0; i < u->n_media; i++)
            if (strcmp(u->media[i], filename) == 0) {
                fail(u, COLL_PUB_WHY_OTHER, filename, "%s: uploaded twice", filename);
                return;
            }
        wp_strlcpy(u->media[u->n_media], filename, sizeof u->media[0]);
        snprintf(path, sizeof path, "%s/media/%d", u->dir, u->n_media++);
    }
    u->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (u->fd < 0)
        fail(u, COLL_PUB_WHY_OTHER, filename, "%s: cannot be kept: %s", filename, strerror(errno));
}

void coll_pubup_write(coll_pubup *u, const char *part, const char *filename, const char *data,
                      uint64_t off, size_t size)
{
    if (!filename || !filename[0] || u->failed)
        return;
    if (off == 0)
        start_part(u, part, filename);
    if (u->fd < 0)
        return;
    bool media = strcmp(part, "media") == 0;
    long long cap = strcmp(part, "set") == 0   ? STICK_MAX_FILE_BYTES
                    : strcmp(part, "sig") == 0 ? SIGN_MAX_SIG_FILE
                                               : STICK_MAX_SET_FILE_BYTES;
    u->written += (long long)size;
    if (media)
        u->media_bytes += (long long)size;
    if (u->written > cap) {
        fail(u, COLL_PUB_WHY_TOO_BIG, filename, "%s is larger than %lld bytes", filename, cap);
        return;
    }
    if (media && u->media_bytes > STICK_MAX_SET_FILES_BYTES) {
        fail(u, COLL_PUB_WHY_TOO_BIG, filename, "the clips and icons are over %lld MB together",
             STICK_MAX_SET_FILES_BYTES / (1024 * 1024));
        return;
    }
    while (size > 0) {
        ssize_t n = write(u->fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fail(u, COLL_PUB_WHY_OTHER, filename, "%s: cannot be kept: %s", filename,
                 strerror(n < 0 ? errno : ENOSPC));
            return;
        }
        data += n;
        size -= (size_t)n;
    }
}

/* Makes the folders of rel below the set's folder. */
static int make_dirs(const coll_pubup *u, const char *rel)
{
    char path[STICK_PATH_LEN + COLL_PUB_NAME_MAX];
    int n = snprintf(path, sizeof path, "%s/set/", u->dir);
    for (const char *p = rel; (p = strchr(p, '/')) != NULL; p++) {
        snprintf(path + n, sizeof path - (size_t)n, "%.*s", (int)(p - rel), rel);
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* Puts every uploaded clip and icon where the set lists a file of its name; one it does not
 * list refuses the upload (u->failed). */
static void place_media(coll_pubup *u)
{
    char path[STICK_PATH_LEN + COLL_PUB_NAME_MAX];
    snprintf(path, sizeof path, "%s/set/%s", u->dir, u->set_name);
    json_t *root = config_remote_name(u->set_name) ? NULL : json_load_file(path, 0, NULL);
    json_t *files = json_object_get(root, "files");
    bool used[COLL_PUBUP_MAX_MEDIA] = {false};
    const char *rel;
    json_t *v;
    json_object_foreach(files, rel, v)
    {
        const char *slash = strrchr(rel, '/');
        const char *base = slash ? slash + 1 : rel;
        for (int i = 0; i < u->n_media; i++) {
            if (strcmp(u->media[i], base) != 0 || !fleet_name_ok(rel))
                continue;
            char from[STICK_PATH_LEN + 32];
            snprintf(from, sizeof from, "%s/media/%d", u->dir, i);
            snprintf(path, sizeof path, "%s/set/%s", u->dir, rel);
            if (make_dirs(u, rel) != 0 || link(from, path) != 0) {
                fail(u, COLL_PUB_WHY_OTHER, rel, "%s: cannot be kept: %s", rel, strerror(errno));
                break;
            }
            used[i] = true;
        }
    }
    for (int i = 0; i < u->n_media && !u->failed; i++)
        if (!used[i])
            fail(u, COLL_PUB_WHY_UNLISTED, u->media[i],
                 "%s is not among the files %s lists (\"files\")", u->media[i], u->set_name);
    json_decref(root);
}

int coll_pubup_add(coll_pubup *u, coll_db *db, coll_pub_spec *spec, int64_t now_ms,
                   char id[COLL_PUB_ID_LEN], char *err, size_t errlen)
{
    char set_path[STICK_PATH_LEN + COLL_PUB_NAME_MAX], sig_from[STICK_PATH_LEN + 8];
    id[0] = '\0';
    if (u->fd >= 0) {
        close(u->fd);
        u->fd = -1;
    }
    if (!u->failed && !u->set_name[0])
        fail(u, COLL_PUB_WHY_MISSING, "", "no question set or settings document was uploaded");
    if (!u->failed) {
        /* the .sig, when one came, beside the set under the name publish looks for */
        snprintf(sig_from, sizeof sig_from, "%s/sig", u->dir);
        snprintf(set_path, sizeof set_path, "%s/set/%s.sig", u->dir, u->set_name);
        if (access(sig_from, F_OK) == 0 && rename(sig_from, set_path) != 0)
            fail(u, COLL_PUB_WHY_OTHER, "", "the .sig cannot be kept: %s", strerror(errno));
    }
    if (!u->failed)
        place_media(u);
    if (u->failed) {
        if (spec->refusal)
            *spec->refusal = u->refusal;
        wp_strlcpy(err, u->msg, errlen);
        return -1;
    }
    snprintf(set_path, sizeof set_path, "%s/set/%s", u->dir, u->set_name);
    spec->set_path = set_path;
    int rc = coll_pub_add(db, spec, now_ms, id, err, errlen);
    spec->set_path = NULL;
    /* the message names files as uploaded, not where they wait here */
    char prefix[STICK_PATH_LEN + 8];
    size_t plen = (size_t)snprintf(prefix, sizeof prefix, "%s/set/", u->dir);
    for (char *p; rc != 0 && (p = strstr(err, prefix)) != NULL;)
        memmove(p, p + plen, strlen(p + plen) + 1);
    return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void coll_pubup_free(coll_pubup *u)
{
    if (!u)
        return;
    if (u->fd >= 0)
        close(u->fd);
    nftw(u->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(u);
}
