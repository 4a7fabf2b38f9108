/* USB sticks: safe scanning, signature and validity checks, kiosk.conf whitelist, installing
 * question sets and exporting responses, all without trusting anything found on the stick. */
#include "stick.h"
#include "export.h"
#include "fsio.h"
#include "qset.h"
#include "sign.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

_Static_assert(SIGN_MAX_DATA_BYTES == STICK_MAX_FILE_BYTES,
               "a set wijkpeil-qset signs is one a stick may bring");

/* ---- small helpers ---- */

/* An I/O failure on the stick in words a staff member can act on. */
static const char *io_words(int e)
{
    return fsio_words(e, FSIO_STICK);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (w == 0) {
            errno = ENOSPC;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* A file name from a stick that may be opened: no path parts, no "..", no hidden or control
 * characters, not too long. */
static bool safe_name(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len > 200 || n[0] == '.' || strstr(n, "..") || strchr(n, '/') ||
        strchr(n, '\\'))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)n[i] < 0x20 || n[i] == 0x7f)
            return false;
    return true;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

enum { RD_OK, RD_MISSING, RD_SYMLINK, RD_NOT_FILE, RD_TOO_LARGE, RD_IO, RD_WRITE };

/* Reads dirfd/name (never following a symlink) into a new NUL-terminated buffer of at most max
 * bytes. Returns an RD_ code; *eno holds errno for RD_IO, *size the size for RD_TOO_LARGE. */
static int read_at(int dirfd, const char *name, size_t max, char **out, size_t *out_len, int *eno,
                   long long *size)
{
    struct stat st, st2;
    int fd = -1, rc = RD_IO;
    char *buf = NULL;
    size_t used = 0;
    *out = NULL;
    *eno = 0;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        *eno = errno;
        return errno == ENOENT ? RD_MISSING : RD_IO;
    }
    if (S_ISLNK(st.st_mode))
        return RD_SYMLINK;
    if (!S_ISREG(st.st_mode))
        return RD_NOT_FILE;
    if (size)
        *size = (long long)st.st_size;
    if ((unsigned long long)st.st_size > max)
        return RD_TOO_LARGE; /* refused unread */
    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *eno = errno;
        rc = errno == ELOOP ? RD_SYMLINK : errno == ENOENT ? RD_MISSING : RD_IO;
        goto done;
    }
    if (fstat(fd, &st2) != 0 || !S_ISREG(st2.st_mode) || st2.st_ino != st.st_ino ||
        st2.st_dev != st.st_dev) {
        rc = RD_NOT_FILE; /* swapped between lstat and open */
        goto done;
    }
    if ((unsigned long long)st2.st_size > max) {
        if (size)
            *size = (long long)st2.st_size;
        rc = RD_TOO_LARGE;
        goto done;
    }
    buf = malloc((size_t)st2.st_size + 1);
    if (!buf) {
        *eno = ENOMEM;
        goto done;
    }
    for (;;) {
        if (used == (size_t)st2.st_size) {
            /* Grew while reading? One more byte tells; never read past max. */
            char extra;
            ssize_t r = read(fd, &extra, 1);
            if (r > 0) {
                rc = RD_TOO_LARGE;
                goto done;
            }
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                *eno = errno;
                goto done;
            }
            break;
        }
        ssize_t r = read(fd, buf + used, (size_t)st2.st_size - used);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *eno = errno;
            goto done;
        }
        if (r == 0)
            break; /* shrank: take what is there */
        used += (size_t)r;
    }
    buf[used] = '\0';
    *out = buf;
    *out_len = used;
    buf = NULL;
    rc = RD_OK;
done:
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* ---- files beside a set (its "files" list) ---- */

/* Opens the folder holding rel (a path as in "files", parts separated by "/") under dirfd, each
 * part without following a symbolic link, making missing parts when create. Returns a new fd
 * and sets *last to rel's last part, or -1 with errno (ELOOP: a symbolic link on the way). */
static int open_parent_at(int dirfd, const char *rel, bool create, const char **last)
{
    int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    const char *p = rel;
    while (cur >= 0) {
        const char *slash = strchr(p, '/');
        if (!slash) {
            *last = p;
            return cur;
        }
        char part[QSET_MAX_FILE_PATH + 1];
        size_t n = (size_t)(slash - p);
        int next = -1, e = EINVAL;
        if (n > 0 && n < sizeof part) {
            memcpy(part, p, n);
            part[n] = '\0';
            if (create && mkdirat(cur, part, 0755) != 0 && errno != EEXIST)
                e = errno;
            else if ((next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
                     0)
                e = errno;
        }
        close(cur);
        cur = next;
        errno = e;
        p = slash + 1;
    }
    return -1;
}

static int rd_of_errno(int e)
{
    return e == ENOENT ? RD_MISSING : e == ELOOP ? RD_SYMLINK : e == ENOTDIR ? RD_NOT_FILE : RD_IO;
}

/* Reads dirfd/rel (see open_parent_at; never a symlink, only a plain file of at most
 * STICK_MAX_SET_FILE_BYTES) once, into its SHA-256 and, when out_fd >= 0, into out_fd.
 * Returns an RD_ code; *eno holds errno for RD_IO and RD_WRITE, *size the size. */
static int hash_at(int dirfd, const char *rel, int out_fd, unsigned char digest[32],
                   long long *size, int *eno)
{
    const char *last = rel;
    struct stat st, st2;
    int fd = -1, rc = RD_IO;
    unsigned char buf[65536];
    crypto_hash_sha256_state h;
    *eno = 0;
    *size = 0;
    int pfd = open_parent_at(dirfd, rel, false, &last);
    if (pfd < 0) {
        *eno = errno;
        return rd_of_errno(errno);
    }
    if (fstatat(pfd, last, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        *eno = errno;
        rc = rd_of_errno(errno);
        goto done;
    }
    *size = (long long)st.st_size;
    if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
        rc = S_ISLNK(st.st_mode) ? RD_SYMLINK : RD_NOT_FILE;
        goto done;
    }
    if (st.st_size > STICK_MAX_SET_FILE_BYTES) {
        rc = RD_TOO_LARGE; /* refused unread */
        goto done;
    }
    fd = openat(pfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *eno = errno;
        rc = rd_of_errno(errno);
        goto done;
    }
    if (fstat(fd, &st2) != 0 || !S_ISREG(st2.st_mode) || st2.st_ino != st.st_ino ||
        st2.st_dev != st.st_dev) {
        rc = RD_NOT_FILE; /* swapped between lstat and open */
        goto done;
    }
    crypto_hash_sha256_init(&h);
    long long total = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *eno = errno;
            goto done;
        }
        if (r == 0)
            break;
        total += r;
        *size = total;
        if (total > STICK_MAX_SET_FILE_BYTES) {
            rc = RD_TOO_LARGE; /* grew while being read */
            goto done;
        }
        crypto_hash_sha256_update(&h, buf, (unsigned long long)r);
        if (out_fd >= 0 && write_all(out_fd, buf, (size_t)r) != 0) {
            *eno = errno;
            rc = RD_WRITE;
            goto done;
        }
    }
    crypto_hash_sha256_final(&h, digest);
    rc = RD_OK;
done:
    if (fd >= 0)
        close(fd);
    close(pfd);
    return rc;
}

/* One line about a file that could not be read, in words; its meaning for the set in *st. */
static void file_words(int rd, int eno, long long size, const char *rel, char *buf, size_t len,
                       stick_set_status *st)
{
    switch (rd) {
    case RD_MISSING:
        *st = STICK_SET_INVALID;
        snprintf(buf, len, "%s is missing (the set lists it)", rel);
        break;
    case RD_SYMLINK:
        *st = STICK_SET_UNSAFE;
        snprintf(buf, len, "%s is a symbolic link (or lies in one): refused", rel);
        break;
    case RD_NOT_FILE:
        *st = STICK_SET_UNSAFE;
        snprintf(buf, len, "%s is not a plain file: refused", rel);
        break;
    case RD_TOO_LARGE:
        *st = STICK_SET_TOO_LARGE;
        snprintf(buf, len, "%s is too large (%lld bytes; at most %lld MiB): not read", rel, size,
                 STICK_MAX_SET_FILE_BYTES >> 20);
        break;
    default:
        *st = STICK_SET_UNREADABLE;
        snprintf(buf, len, "%s cannot be read: %s", rel, io_words(eno ? eno : EIO));
        break;
    }
}

/* Checks the n listed files under dirfd; appends one line per problem to report and returns
 * how many there were, with what the first one means for the set in *st. */
static int check_files_at(int dirfd, const stick_file *f, int n, char *report, size_t len,
                          stick_set_status *st)
{
    int bad = 0;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        unsigned char d[32];
        char hex[QSET_SHA256_HEX_LEN + 1], line[QSET_MAX_FILE_PATH + 160];
        long long size = 0;
        int eno = 0;
        stick_set_status s1 = STICK_SET_TAMPERED;
        int rd = hash_at(dirfd, f[i].path, -1, d, &size, &eno);
        if (rd == RD_OK) {
            total += size;
            sodium_bin2hex(hex, sizeof hex, d, sizeof d);
            if (!strcmp(hex, f[i].sha256))
                continue;
            snprintf(line, sizeof line,
                     "%s was changed after the set was signed (its SHA-256 does not match)",
                     f[i].path);
        } else {
            file_words(rd, eno, size, f[i].path, line, sizeof line, &s1);
        }
        if (bad++ == 0)
            *st = s1;
        size_t used = strlen(report);
        snprintf(report + used, len - used, "%s\n", line);
    }
    if (bad == 0 && total > STICK_MAX_SET_FILES_BYTES) {
        *st = STICK_SET_TOO_LARGE;
        size_t used = strlen(report);
        snprintf(report + used, len - used,
                 "its files are too large together (%lld bytes, at most %lld MiB)\n", total,
                 STICK_MAX_SET_FILES_BYTES >> 20);
        bad = 1;
    }
    return bad;
}

/* The files qs lists, as a new array (NULL when none or out of memory; *n is then 0). */
static stick_file *files_of(const qset *qs, int *n)
{
    *n = 0;
    if (!qset_lists_files(qs) || qset_n_files(qs) == 0)
        return NULL;
    stick_file *f = calloc((size_t)qset_n_files(qs), sizeof *f);
    if (!f)
        return NULL;
    for (int i = 0; i < qset_n_files(qs); i++) {
        const qset_file *q = qset_file_at(qs, i);
        wp_strlcpy(f[i].path, q->path, sizeof f[i].path);
        wp_strlcpy(f[i].sha256, q->sha256, sizeof f[i].sha256);
    }
    *n = qset_n_files(qs);
    return f;
}

int stick_file_sha256(const char *dir, const char *rel, char hex[QSET_SHA256_HEX_LEN + 1],
                      char *err, size_t errlen)
{
    unsigned char d[32];
    long long size = 0;
    int eno = 0;
    stick_set_status st;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        wp_errf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    int rd = hash_at(dfd, rel, -1, d, &size, &eno);
    close(dfd);
    if (rd != RD_OK) {
        file_words(rd, eno, size, rel, err, errlen, &st);
        return -1;
    }
    sodium_bin2hex(hex, QSET_SHA256_HEX_LEN + 1, d, sizeof d);
    return 0;
}

int stick_check_files(const char *dir, const qset *qs, char *report, size_t len)
{
    int n = 0;
    stick_set_status st;
    report[0] = '\0';
    stick_file *f = files_of(qs, &n);
    if (!f && qset_lists_files(qs) && qset_n_files(qs) > 0) {
        snprintf(report, len, "out of memory\n");
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(report, len, "%s: %s\n", dir, strerror(errno));
        free(f);
        return -1;
    }
    int bad = check_files_at(dfd, f, n, report, len, &st);
    close(dfd);
    free(f);
    return bad;
}

/* Removes everything in the folder dfd (remove), or fsyncs every folder in it and then itself
 * (files were synced when written). Never follows a symbolic link. Returns 0 or -1. */
static int walk_tree(int dfd, int depth, bool remove)
{
    int dup_fd = depth < 16 ? fcntl(dfd, F_DUPFD_CLOEXEC, 0) : -1;
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -1;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || walk_tree(sub, depth + 1, remove) != 0)
                rc = -1;
            if (sub >= 0)
                close(sub);
            if (remove && unlinkat(dfd, e->d_name, AT_REMOVEDIR) != 0)
                rc = -1;
        } else if (remove && unlinkat(dfd, e->d_name, 0) != 0) {
            rc = -1;
        }
    }
    closedir(d);
    if (!remove && fsync(dfd) != 0 && errno != EINVAL && errno != ENOTSUP)
        rc = -1;
    return rc;
}

/* Removes the folder parent/name and everything in it. */
static void remove_tree_at(int parent, const char *name)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    walk_tree(fd, 0, true);
    close(fd);
    unlinkat(parent, name, AT_REMOVEDIR);
}

void stick_remove_dir(const char *parent, const char *name)
{
    int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0)
        return;
    remove_tree_at(pfd, name);
    close(pfd);
}

/* ---- finding sticks ---- */

static bool has_stick_dir(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstatat(fd, STICK_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    close(fd);
    return ok;
}

static int add_found(char (*out)[STICK_PATH_LEN], int n, int max, const char *a, const char *b,
                     const char *c)
{
    if (n >= max)
        return n;
    int w = c ? snprintf(out[n], STICK_PATH_LEN, "%s/%s/%s", a, b, c)
              : snprintf(out[n], STICK_PATH_LEN, "%s/%s", a, b);
    return (w > 0 && w < STICK_PATH_LEN) ? n + 1 : n;
}

/* Looks at the entries of one folder (at most STICK_MAX_ENTRIES); depth 0 also looks one
 * level deeper. */
static int find_in(const char *root, const char *sub, int depth, char (*out)[STICK_PATH_LEN], int n,
                   int max)
{
    char path[STICK_PATH_LEN];
    if (sub)
        snprintf(path, sizeof path, "%s/%s", root, sub);
    else
        wp_strlcpy(path, root, sizeof path);
    /* The configured root may be a symlink (/media -> /run/media); nothing below it may. */
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (sub ? O_NOFOLLOW : 0));
    if (fd < 0)
        return n;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return n;
    }
    struct dirent *e;
    int seen = 0;
    while (n < max && (e = readdir(d)) != NULL && seen++ < STICK_MAX_ENTRIES) {
        if (e->d_name[0] == '.')
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (has_stick_dir(dirfd(d), e->d_name))
            n = add_found(out, n, max, root, sub ? sub : e->d_name, sub ? e->d_name : NULL);
        else if (depth == 0)
            n = find_in(root, e->d_name, 1, out, n, max);
    }
    closedir(d);
    return n;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int stick_find(const config *cfg, char (*out)[STICK_PATH_LEN], int max)
{
    int n = 0;
    for (int r = 0; r < cfg->n_mount_roots && n < max; r++) {
        int start = n;
        n = find_in(cfg->mount_roots[r], NULL, 0, out, n, max);
        qsort(out + start, (size_t)(n - start), sizeof out[0], cmp_path);
    }
    return n;
}

/* ---- kiosk.conf ---- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static void conf_refuse(stick_conf *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void conf_refuse(stick_conf *c, int line, const char *fmt, ...)
{
    if (c->n_refused >= STICK_MAX_CONF_LINES)
        return;
    char *dst = c->refused[c->n_refused++];
    int w = snprintf(dst, STICK_NOTE_LEN, "kiosk.conf:%d: ", line);
    if (w < 0 || w >= STICK_NOTE_LEN)
        return;
    va_list ap;
    va_start(ap, fmt);
    w = vsnprintf(dst + w, STICK_NOTE_LEN - (size_t)w, fmt, ap);
    va_end(ap);
    (void)w; /* a cut-off message is still useful */
}

/* Parses kiosk.conf text (modified in place). */
static void conf_parse(stick_conf *c, char *text)
{
    config scratch;
    char msg[WP_ERR_LEN];
    int lineno = 0;
    char *line = text;
    while (line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *l = trim(line);
        line = nl ? nl + 1 : NULL;
        if (!*l)
            continue;
        if (c->n_accepted + c->n_refused >= STICK_MAX_CONF_LINES) {
            conf_refuse(c, lineno, "too many lines; the rest of the file is ignored");
            break;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
            conf_refuse(c, lineno, "expected \"key = value\"");
            continue;
        }
        *eq = '\0';
        char *key = trim(l), *val = trim(eq + 1);
        if (strlen(key) >= sizeof c->accepted[0].key) {
            conf_refuse(c, lineno, "unknown setting");
            continue;
        }
        if (config_local_refusal(key, msg, sizeof msg)) {
            conf_refuse(c, lineno, "%s", msg); /* "endpoint can only be set by an administrator" */
            continue;
        }
        config_defaults(&scratch);
        if (strlen(val) >= sizeof c->accepted[0].value ||
            config_set(&scratch, key, val, msg, sizeof msg) != 0) {
            conf_refuse(c, lineno, "%s",
                        strlen(val) >= sizeof c->accepted[0].value ? "value too long" : msg);
            continue;
        }
        int slot = c->n_accepted;
        for (int i = 0; i < c->n_accepted; i++)
            if (!strcmp(c->accepted[i].key, key))
                slot = i; /* a later line wins */
        wp_strlcpy(c->accepted[slot].key, key, sizeof c->accepted[slot].key);
        wp_strlcpy(c->accepted[slot].value, val, sizeof c->accepted[slot].value);
        c->accepted[slot].line = lineno;
        if (slot == c->n_accepted)
            c->n_accepted++;
    }
}

static stick_note note_of(stick_note_kind kind, long n, long max, const char *words)
{
    stick_note t = {.kind = kind, .n = n, .max = max};
    wp_strlcpy(t.words, words ? words : "", sizeof t.words);
    return t;
}

/* Reads WIJKPEIL/kiosk.conf (wfd: WIJKPEIL/). 0, or -1 with what is wrong in err (English) and
 * in *note (note may be NULL). */
static int conf_read_at(int wfd, stick_conf *out, stick_note *note, char *err, size_t errlen)
{
    stick_note ignored;
    if (!note)
        note = &ignored;
    char *text = NULL;
    size_t len = 0;
    int eno = 0;
    long long size = 0;
    memset(out, 0, sizeof *out);
    int r = read_at(wfd, "kiosk.conf", STICK_MAX_CONF_BYTES, &text, &len, &eno, &size);
    switch (r) {
    case RD_OK:
        out->present = true;
        if (memchr(text, '\0', len)) {
            conf_refuse(out, 1, "not a text file; nothing in it is used");
        } else {
            conf_parse(out, text);
        }
        free(text);
        return 0;
    case RD_MISSING:
        return 0;
    case RD_SYMLINK:
        out->present = true;
        *note = note_of(STICK_NOTE_CONF_LINK, 0, 0, NULL);
        wp_errf(err, errlen, "kiosk.conf is a symbolic link: refused");
        return -1;
    case RD_NOT_FILE:
        out->present = true;
        *note = note_of(STICK_NOTE_CONF_NOT_FILE, 0, 0, NULL);
        wp_errf(err, errlen, "kiosk.conf is not a plain file: refused");
        return -1;
    case RD_TOO_LARGE:
        out->present = true;
        *note = note_of(STICK_NOTE_CONF_TOO_LARGE, (long)size, STICK_MAX_CONF_BYTES, NULL);
        wp_errf(err, errlen, "kiosk.conf is too large (%lld bytes, at most %d): refused", size,
                STICK_MAX_CONF_BYTES);
        return -1;
    default:
        out->present = true;
        *note = note_of(STICK_NOTE_CONF_UNREADABLE, 0, 0, io_words(eno));
        wp_errf(err, errlen, "kiosk.conf cannot be read: %s", io_words(eno));
        return -1;
    }
}

static int open_stick_dir(const char *stick_root, char *err, size_t errlen)
{
    int rfd = open(stick_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0) {
        wp_errf(err, errlen, "%s: %s", stick_root, io_words(errno));
        return -1;
    }
    int wfd = openat(rfd, STICK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(rfd);
    if (wfd < 0) {
        if (e == ENOENT)
            wp_errf(err, errlen, "%s has no %s folder", stick_root, STICK_DIR);
        else if (e == ELOOP || e == ENOTDIR)
            wp_errf(err, errlen, "%s/%s is a symbolic link or not a folder: refused", stick_root,
                    STICK_DIR);
        else
            wp_errf(err, errlen, "%s/%s: %s", stick_root, STICK_DIR, io_words(e));
    }
    return wfd;
}

int stick_conf_read(const char *stick_root, stick_conf *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int wfd = open_stick_dir(stick_root, err, errlen);
    if (wfd < 0)
        return -1;
    int rc = conf_read_at(wfd, out, NULL, err, errlen);
    close(wfd);
    return rc;
}

int stick_conf_apply(const stick_conf *c, const char *override_path, char *err, size_t errlen)
{
    return stick_conf_apply_with(NULL, c, override_path, err, errlen);
}

int stick_conf_apply_with(const fsio_ops *ops, const stick_conf *c, const char *override_path,
                          char *err, size_t errlen)
{
    char *old = NULL;
    size_t old_len = 0, used = 0;
    char msg[WP_ERR_LEN];
    int rc = -1;
    size_t cap = STICK_MAX_CONF_BYTES + (size_t)STICK_MAX_CONF_LINES * 600 + 1;
    char *out = malloc(cap);
    if (!out) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (access(override_path, F_OK) == 0 &&
        wp_read_file(override_path, STICK_MAX_CONF_BYTES, &old, &old_len, err, errlen) != 0)
        goto done;
    /* Keep every line of the old file except the settings being replaced. */
    for (char *line = old; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) : strlen(line);
        char key[64];
        size_t k = 0;
        const char *p = line;
        while (p < line + ll && isspace((unsigned char)*p))
            p++;
        while (p < line + ll && k + 1 < sizeof key && !isspace((unsigned char)*p) && *p != '=')
            key[k++] = *p++;
        key[k] = '\0';
        /* Lines no stick may set (an endpoint saved before they were refused) go too. */
        bool replaced =
            k > 0 && key[0] != '#' && config_local_refusal(key, msg, sizeof msg) != NULL;
        for (int i = 0; i < c->n_accepted; i++)
            if (!strcmp(c->accepted[i].key, key))
                replaced = true;
        if (!replaced && used + ll + 1 < cap) {
            memcpy(out + used, line, ll);
            used += ll;
            out[used++] = '\n';
        }
        line = nl ? nl + 1 : NULL;
    }
    for (int i = 0; i < c->n_accepted; i++) {
        int w =
            snprintf(out + used, cap - used, "%s = %s\n", c->accepted[i].key, c->accepted[i].value);
        if (w < 0 || (size_t)w >= cap - used) {
            wp_errf(err, errlen, "%s: too large", override_path);
            goto done;
        }
        used += (size_t)w;
    }
    if (fsio_write_file(ops, FSIO_KIOSK, override_path, out, used, 0644, msg, sizeof msg) != 0) {
        wp_errf(err, errlen, "%s", msg);
        goto done;
    }
    rc = 0;
done:
    free(old);
    free(out);
    return rc;
}

/* ---- scanning question sets ---- */

const char *stick_status_name(stick_set_status st)
{
    switch (st) {
    case STICK_SET_OK:
        return "ok";
    case STICK_SET_UNSIGNED:
        return "unsigned";
    case STICK_SET_UNKNOWN_KEY:
        return "signed by an unknown key";
    case STICK_SET_TAMPERED:
        return "tampered";
    case STICK_SET_INVALID:
        return "invalid";
    case STICK_SET_TOO_LARGE:
        return "too large";
    case STICK_SET_UNSAFE:
        return "refused";
    case STICK_SET_UNREADABLE:
        return "unreadable";
    }
    return "?";
}

/* A note of the scan: what it is about (for the staff screen's words) and its English text
 * (fmt). */
static void add_note(stick_scan *s, stick_note note, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_note(stick_scan *s, stick_note note, const char *fmt, ...)
{
    if (s->n_notes >= (int)(sizeof s->notes / sizeof s->notes[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(s->notes[s->n_notes], sizeof s->notes[0], fmt, ap);
    va_end(ap);
    (void)w;
    s->note[s->n_notes++] = note;
}

/* Names of question sets that were not checked, as many as fit in a note. */
typedef struct {
    int n, shown;
    char text[200];
} skipped_names;

static void skipped_add(skipped_names *k, const char *name)
{
    size_t used = strlen(k->text);
    k->n++;
    if (!safe_name(name) || used + strlen(name) + 2 >= sizeof k->text)
        return; /* counted, not shown */
    snprintf(k->text + used, sizeof k->text - used, "%s%s", used ? ", " : "", name);
    k->shown++;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads file name in the open folder dfd (a set or a settings document, at most
 * STICK_MAX_FILE_BYTES) and its .sig, never following a link: 0 with both (malloc'd), or -1 with
 * the verdict in *status and why in reason (nothing to free). */
static int read_signed_at(int dfd, const char *name, char **data, size_t *len, char **sig,
                          size_t *siglen, stick_set_status *status, char *reason, size_t rlen)
{
    int eno = 0;
    long long size = 0;
    char signame[300];
    *data = *sig = NULL;
    if (!safe_name(name)) {
        *status = STICK_SET_UNSAFE;
        snprintf(reason, rlen, "%s: the name contains \"..\", a path or odd characters: refused",
                 name);
        return -1;
    }
    int r = read_at(dfd, name, STICK_MAX_FILE_BYTES, data, len, &eno, &size);
    if (r != RD_OK) {
        *status = r == RD_TOO_LARGE               ? STICK_SET_TOO_LARGE
                  : r == RD_IO || r == RD_MISSING ? STICK_SET_UNREADABLE
                                                  : STICK_SET_UNSAFE;
        if (r == RD_TOO_LARGE)
            snprintf(reason, rlen, "%s is too large (%lld bytes; at most 5 MiB): not read", name,
                     size);
        else if (r == RD_SYMLINK)
            snprintf(reason, rlen, "%s is a symbolic link: refused", name);
        else if (r == RD_NOT_FILE)
            snprintf(reason, rlen, "%s is not a plain file: refused", name);
        else
            snprintf(reason, rlen, "%s cannot be read: %s", name, io_words(eno ? eno : EIO));
        return -1;
    }
    snprintf(signame, sizeof signame, "%s.sig", name);
    r = read_at(dfd, signame, SIGN_MAX_SIG_FILE, sig, siglen, &eno, &size);
    if (r == RD_OK)
        return 0;
    if (r == RD_MISSING) {
        *status = STICK_SET_UNSIGNED;
        snprintf(reason, rlen,
                 "%s is not signed (no %s next to it): sign it with \"wijkpeil-qset sign\"", name,
                 signame);
    } else {
        *status = r == RD_IO ? STICK_SET_UNREADABLE : STICK_SET_UNSAFE;
        snprintf(reason, rlen, "%s: %s", signame,
                 r == RD_SYMLINK     ? "is a symbolic link: refused"
                 : r == RD_TOO_LARGE ? "is too large to be a signature: refused"
                 : r == RD_NOT_FILE  ? "is not a plain file: refused"
                                     : io_words(eno ? eno : EIO));
    }
    free(*data);
    *data = NULL;
    return -1;
}

/* The signature of data against cfg's trusted keys: STICK_SET_OK (signer, when not NULL, gets
 * the key's id), or TAMPERED / UNKNOWN_KEY with the reason. */
static stick_set_status verify_signed(const char *data, size_t len, const char *sig, size_t siglen,
                                      const char *name, const config *cfg, char signer[16],
                                      char *reason, size_t rlen)
{
    int which = -1;
    sign_verdict v = sign_verify_named(data, len, sig, siglen, cfg->trusted_keys,
                                       cfg->n_trusted_keys, name, &which, reason, rlen);
    if (v != SIGN_OK)
        return v == SIGN_TAMPERED ? STICK_SET_TAMPERED : STICK_SET_UNKNOWN_KEY;
    unsigned char pk[SIGN_PUBLIC_BYTES];
    if (signer && which >= 0 && sign_parse_public(cfg->trusted_keys[which], pk, NULL, 0) == 0)
        sign_key_id(pk, signer, 16);
    return STICK_SET_OK;
}

stick_set_status stick_settings_verify(const char *doc, size_t len, const char *sig, size_t siglen,
                                       const char *name, const config *cfg, char signer[16],
                                       char *reason, size_t reasonlen)
{
    reason[0] = '\0';
    stick_set_status v = verify_signed(doc, len, sig, siglen, name, cfg, signer, reason, reasonlen);
    if (v != STICK_SET_OK)
        return v;
    /* Signed by a trusted key: only now are its lines read, from the very same bytes. */
    if (config_check_remote(doc, len, name, reason, reasonlen) != 0)
        return STICK_SET_INVALID;
    reason[0] = '\0';
    return STICK_SET_OK;
}

static int cmp_name_buf(const void *a, const void *b)
{
    return strcmp(a, b);
}

int stick_schedule_parse(const char *text, size_t len, char pub_id[STICK_PUB_ID_LEN],
                         int64_t *from_ms, int64_t *until_ms)
{
    json_t *o = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *id = json_string_value(json_object_get(o, "publication"));
    json_t *from = json_object_get(o, "from_ms"), *until = json_object_get(o, "until_ms");
    bool ok = id && strlen(id) < STICK_PUB_ID_LEN && strspn(id, "0123456789abcdef") == strlen(id) &&
              id[0] && json_is_integer(from) && json_is_integer(until) &&
              json_integer_value(from) >= 0 && json_integer_value(until) >= 0;
    if (ok) {
        wp_strlcpy(pub_id, id, STICK_PUB_ID_LEN);
        *from_ms = json_integer_value(from);
        *until_ms = json_integer_value(until);
    }
    json_decref(o);
    return ok ? 0 : -1;
}

/* NAME.schedule beside NAME (STICK_SCHEDULE_EXT) in the open folder dfd: 1 with its publication
 * (pub_id, STICK_PUB_ID_LEN bytes) and times, 0 when there is none, -1 with the reason when it is
 * there but not readable (then NAME is refused: it must never be used at once by mistake). */
static int schedule_at(int dfd, const char *name, char *pub_id, int64_t *from_ms, int64_t *until_ms,
                       char *reason, size_t rlen)
{
    char sname[300], *text = NULL;
    size_t len = 0;
    int eno = 0;
    long long size = 0;
    snprintf(sname, sizeof sname, "%s%s", name, STICK_SCHEDULE_EXT);
    int r = read_at(dfd, sname, 1024, &text, &len, &eno, &size);
    if (r == RD_MISSING)
        return 0;
    bool ok = r == RD_OK && stick_schedule_parse(text, len, pub_id, from_ms, until_ms) == 0;
    free(text);
    if (!ok)
        snprintf(reason, rlen, "%s: its schedule %s is not readable: refused", name, sname);
    return ok ? 1 : -1;
}

/* The schedule beside set NAME, when there is one, into set. */
static int read_schedule_at(int qfd, const char *name, stick_set *set)
{
    int r = schedule_at(qfd, name, set->pub_id, &set->from_ms, &set->until_ms, set->reason,
                        sizeof set->reason);
    set->scheduled = r == 1;
    if (r < 0)
        set->status = STICK_SET_INVALID;
    return r < 0 ? -1 : 0;
}

/* Reads and verifies one settings document in WIJKPEIL/settings/ (open as sfd); fills *d. */
static void check_settings(int sfd, const char *name, const config *cfg, stick_settings *d)
{
    char *doc = NULL, *sig = NULL;
    size_t len = 0, siglen = 0;
    wp_strlcpy(d->file, name, sizeof d->file);
    if (read_signed_at(sfd, name, &doc, &len, &sig, &siglen, &d->status, d->reason,
                       sizeof d->reason) != 0)
        return;
    d->status = stick_settings_verify(doc, len, sig, siglen, name, cfg, d->signer, d->reason,
                                      sizeof d->reason);
    free(sig);
    int r = d->status == STICK_SET_OK ? schedule_at(sfd, name, d->pub_id, &d->from_ms, &d->until_ms,
                                                    d->reason, sizeof d->reason)
                                      : -1;
    if (r == 0) { /* no publication beside it: known by its bytes, due from now on */
        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[2 * crypto_hash_sha256_BYTES + 1];
        crypto_hash_sha256(h, (const unsigned char *)doc, len);
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        wp_strlcpy(d->pub_id, hex, sizeof d->pub_id);
    }
    if (r < 0) {
        if (d->status == STICK_SET_OK)
            d->status = STICK_SET_UNREADABLE; /* its schedule */
        free(doc);
        return;
    }
    d->data = doc;
    d->len = len;
}

/* The settings documents in WIJKPEIL/settings/ (wfd: WIJKPEIL/), when there is such a folder:
 * the first STICK_MAX_SETTINGS NAME.conf files by name, each checked. */
static void scan_settings(int wfd, const config *cfg, stick_scan *s)
{
    int sfd = openat(wfd, STICK_SETTINGS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sfd < 0) {
        if (errno != ENOENT)
            add_note(s, note_of(STICK_NOTE_SETTINGS_REFUSED, 0, 0, NULL),
                     "%s/%s is a symbolic link, not a folder or unreadable: refused", STICK_DIR,
                     STICK_SETTINGS_DIR);
        return;
    }
    int dfd = dup(sfd);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        int e = errno;
        add_note(s, note_of(STICK_NOTE_SETTINGS_UNREADABLE, 0, 0, io_words(e)),
                 "%s/%s cannot be read: %s", STICK_DIR, STICK_SETTINGS_DIR, io_words(e));
        close(sfd);
        return;
    }
    char names[STICK_MAX_SETTINGS + 1][256];
    int n = 0, more = 0;
    long seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && ++seen <= STICK_MAX_ENTRIES) {
        const char *nm = e->d_name;
        if (nm[0] == '.' || !ends_with_ci(nm, ".conf") || strlen(nm) >= sizeof names[0])
            continue;
        /* Keeps the first STICK_MAX_SETTINGS by name: the last slot takes the next one in. */
        wp_strlcpy(names[n < STICK_MAX_SETTINGS ? n : STICK_MAX_SETTINGS], nm, sizeof names[0]);
        if (n == STICK_MAX_SETTINGS)
            more++;
        else
            n++;
        qsort(names, (size_t)n + (more ? 1 : 0), sizeof names[0], cmp_name_buf);
    }
    closedir(d);
    if (more)
        add_note(s, note_of(STICK_NOTE_SETTINGS_CAPPED, more, STICK_MAX_SETTINGS, NULL),
                 "only the first %d settings documents (by name) were checked; %d skipped",
                 STICK_MAX_SETTINGS, more);
    for (int i = 0; i < n; i++)
        check_settings(sfd, names[i], cfg, &s->settings[s->n_settings++]);
    close(sfd);
}

/* Reads, verifies and validates one set; fills *set. */
static void check_set(int qfd, const char *qdir, const char *name, const config *cfg,
                      const char *stick_root, const uistr *strings, stick_set *set)
{
    char *data = NULL, *sigtext = NULL;
    size_t len = 0, siglen = 0;
    qset *qs = NULL;
    qset_diag *diag = NULL;
    stick_file *files = NULL;
    int n_files = 0;

    wp_strlcpy(set->file, name, sizeof set->file);
    if (read_signed_at(qfd, name, &data, &len, &sigtext, &siglen, &set->status, set->reason,
                       sizeof set->reason) != 0)
        goto done;
    set->status = verify_signed(data, len, sigtext, siglen, name, cfg, set->signer, set->reason,
                                sizeof set->reason);
    if (set->status != STICK_SET_OK)
        goto done;
    /* Signed by a trusted key: only now is the content parsed, from the very same bytes. */
    diag = calloc(1, sizeof *diag);
    if (!diag) {
        set->status = STICK_SET_UNREADABLE;
        snprintf(set->reason, sizeof set->reason, "%s: out of memory", name);
        goto done;
    }
    if (qset_load_buffer(data, len, name, qdir, strings, &qs, diag) != 0) {
        set->status = STICK_SET_INVALID;
        size_t used = (size_t)snprintf(set->reason, sizeof set->reason,
                                       "%s is signed but not a valid question set:", name);
        for (int i = 0; i < diag->n && used < sizeof set->reason; i++)
            used += (size_t)snprintf(set->reason + used, sizeof set->reason - used, "\n%s",
                                     diag->msg[i]);
        goto done;
    }
    /* Clips and icons must be covered by the signature (their SHA-256 in "files") and be on the
     * stick as signed: otherwise the set cannot be installed whole, so it is not offered. */
    if (!qset_lists_files(qs) && qset_n_files(qs) > 0) {
        set->status = STICK_SET_INVALID;
        snprintf(set->reason, sizeof set->reason,
                 "%s names recorded clips (%s%s) that its signature does not cover (it has no "
                 "\"files\" list): sign it again with the current wijkpeil-qset sign",
                 name, qset_file_at(qs, 0)->path, qset_n_files(qs) > 1 ? ", ..." : "");
        goto done;
    }
    files = files_of(qs, &n_files);
    if (!files && qset_lists_files(qs) && qset_n_files(qs) > 0) {
        set->status = STICK_SET_UNREADABLE;
        snprintf(set->reason, sizeof set->reason, "%s: out of memory", name);
        goto done;
    }
    {
        size_t used = (size_t)snprintf(set->reason, sizeof set->reason,
                                       "%s: a file it lists is not as signed:\n", name);
        if (used < sizeof set->reason && check_files_at(qfd, files, n_files, set->reason,
                                                        sizeof set->reason, &set->status) > 0) {
            size_t n = strlen(set->reason);
            if (n > 0 && set->reason[n - 1] == '\n')
                set->reason[n - 1] = '\0';
            goto done;
        }
    }
    if (read_schedule_at(qfd, name, set) != 0)
        goto done;
    set->status = STICK_SET_OK;
    set->reason[0] = '\0';
    wp_strlcpy(set->id, qset_id(qs), sizeof set->id);
    set->version = qset_version(qs);
    const qset_text *t = qset_title(qs);
    wp_strlcpy(set->title, t && t->s[0] ? t->s[0] : "", sizeof set->title);
    size_t used = 0;
    for (int i = 0; i < qset_n_languages(qs) && used < sizeof set->languages; i++)
        used += (size_t)snprintf(set->languages + used, sizeof set->languages - used, "%s%s",
                                 i ? ", " : "", qset_language(qs, i));
    set->n_questions = qset_n_questions(qs);
    set->data = data;
    set->len = len;
    set->sig = sigtext;
    set->sig_len = siglen;
    set->files = files;
    set->n_files = n_files;
    wp_strlcpy(set->src_root, stick_root, sizeof set->src_root);
    data = NULL;
    sigtext = NULL;
    files = NULL;
done:
    free(files);
    qset_free(qs);
    free(diag);
    free(data);
    free(sigtext);
}

int stick_scan_open(const char *stick_root, const config *cfg, const uistr *strings,
                    stick_scan **out, char *err, size_t errlen)
{
    stick_scan *s = NULL;
    int wfd = -1, qfd = -1, rc = -1;
    DIR *d = NULL;
    char **names = NULL;
    int n_names = 0;
    char msg[WP_ERR_LEN], qdir[STICK_PATH_LEN];
    *out = NULL;
    s = calloc(1, sizeof *s);
    names = calloc(STICK_MAX_ENTRIES, sizeof *names);
    if (!s || !names) {
        wp_errf(err, errlen, "out of memory");
        goto done;
    }
    wp_strlcpy(s->root, stick_root, sizeof s->root);
    wfd = open_stick_dir(stick_root, err, errlen);
    if (wfd < 0)
        goto done;
    stick_note conf_note;
    if (conf_read_at(wfd, &s->conf, &conf_note, msg, sizeof msg) != 0)
        add_note(s, conf_note, "%s", msg);
    scan_settings(wfd, cfg, s);
    snprintf(qdir, sizeof qdir, "%s/%s/questionsets", stick_root, STICK_DIR);
    qfd = openat(wfd, "questionsets", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (qfd < 0) {
        int e = errno;
        if (e == ENOENT)
            add_note(s, note_of(STICK_NOTE_NO_SETS_DIR, 0, 0, NULL),
                     "no %s/questionsets folder on this stick", STICK_DIR);
        else if (e == ELOOP || e == ENOTDIR)
            add_note(s, note_of(STICK_NOTE_SETS_DIR_REFUSED, 0, 0, NULL),
                     "%s/questionsets is a symbolic link or not a folder: refused", STICK_DIR);
        else
            add_note(s, note_of(STICK_NOTE_SETS_DIR_UNREADABLE, 0, 0, io_words(e)),
                     "%s/questionsets cannot be read: %s", STICK_DIR, io_words(e));
        rc = 0;
        goto done;
    }
    int dfd = dup(qfd);
    if (dfd < 0 || !(d = fdopendir(dfd))) {
        if (dfd >= 0)
            close(dfd);
        wp_errf(err, errlen, "%s: %s", qdir, io_words(errno));
        goto done;
    }
    struct dirent *e;
    long seen = 0, skipped = 0;
    bool uncounted = false;
    skipped_names past_cap = {0, 0, ""}, past_sets = {0, 0, ""};
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        const char *nm = e->d_name;
        /* signatures, pictures, anything else: not a set; nor hidden files (macOS "._x.json") */
        bool is_set = ends_with_ci(nm, ".json") && !(nm[0] == '.' && !strstr(nm, ".."));
        if (++seen > STICK_MAX_ENTRIES) {
            /* Not looked at, but counted (cheaply, up to a bound) and named, so junk cannot
             * hide a real set without staff being told. */
            skipped++;
            if (is_set)
                skipped_add(&past_cap, nm);
            if (skipped >= STICK_MAX_SKIPPED_COUNT) {
                uncounted = true;
                break;
            }
            continue;
        }
        if (!is_set)
            continue;
        names[n_names] = strdup(nm);
        if (!names[n_names]) {
            wp_errf(err, errlen, "out of memory");
            goto done;
        }
        n_names++;
    }
    if (skipped > 0) {
        stick_note t =
            note_of(STICK_NOTE_ENTRIES_CAPPED, skipped, STICK_MAX_ENTRIES, past_cap.text);
        t.total = seen;
        t.at_least = uncounted;
        t.more_names = past_cap.n > past_cap.shown;
        add_note(s, t,
                 "%s/questionsets holds %s%ld entries: only the first %ld were looked at, %s%ld "
                 "skipped%s%s%s; keep only the question sets on the stick",
                 STICK_DIR, uncounted ? "more than " : "", seen, (long)STICK_MAX_ENTRIES,
                 uncounted ? "more than " : "", skipped,
                 past_cap.n ? ", among them question sets " : "", past_cap.text,
                 past_cap.n > past_cap.shown ? " and more" : "");
    }
    qsort(names, (size_t)n_names, sizeof *names, cmp_name);
    for (int i = STICK_MAX_SETS; i < n_names; i++)
        skipped_add(&past_sets, names[i]);
    if (past_sets.n > 0) {
        stick_note t = note_of(STICK_NOTE_SETS_CAPPED, past_sets.n, STICK_MAX_SETS, past_sets.text);
        t.more_names = past_sets.n > past_sets.shown;
        add_note(s, t, "only the first %d question sets (by name) were checked; %d skipped: %s%s",
                 STICK_MAX_SETS, past_sets.n, past_sets.text,
                 past_sets.n > past_sets.shown ? " and more" : "");
    }
    for (int i = 0; i < n_names && s->n_sets < STICK_MAX_SETS; i++)
        check_set(qfd, qdir, names[i], cfg, stick_root, strings, &s->sets[s->n_sets++]);
    rc = 0;
done:
    if (names) {
        for (int i = 0; i < n_names; i++)
            free(names[i]);
        free(names);
    }
    if (d)
        closedir(d);
    if (qfd >= 0)
        close(qfd);
    if (wfd >= 0)
        close(wfd);
    if (rc == 0)
        *out = s;
    else
        stick_scan_free(s);
    return rc;
}

void stick_scan_free(stick_scan *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_sets; i++) {
        free(s->sets[i].data);
        free(s->sets[i].sig);
        free(s->sets[i].files);
    }
    for (int i = 0; i < s->n_settings; i++)
        free(s->settings[i].data);
    free(s);
}

/* ---- installing ---- */

static bool install_id_ok(const char *id)
{
    if (!*id || id[0] == '.' || strstr(id, "..") || strlen(id) > 100)
        return false;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return false;
    return true;
}

static void refuse_other(const stick_set *s, char *err, size_t errlen)
{
    wp_errf(err, errlen,
            "another question set \"%s\" version %d is installed already; raise the version "
            "number in the new one",
            s->id, s->version);
}

/* Whether the set installed at path holds exactly s's bytes: 1 yes, 0 no file there, -1 other
 * bytes (refused, with a message) or unreadable. */
static int same_installed(const stick_set *s, const char *path, char *err, size_t errlen)
{
    char *old = NULL;
    size_t old_len = 0;
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    if (wp_read_file(path, STICK_MAX_FILE_BYTES, &old, &old_len, err, errlen) != 0)
        return -1;
    int rc = 1;
    if (old_len != s->len || memcmp(old, s->data, s->len) != 0) {
        refuse_other(s, err, errlen);
        rc = -1;
    }
    free(old);
    return rc;
}

/* Copies the listed file rel from the stick folder qfd into the folder tfd (making its
 * folders), checking the bytes copied against the signed SHA-256, and fsyncs it. */
static int copy_file(int qfd, int tfd, const stick_file *f, char *err, size_t errlen)
{
    const char *last = f->path;
    unsigned char d[32];
    char hex[QSET_SHA256_HEX_LEN + 1], words[QSET_MAX_FILE_PATH + 160];
    long long size = 0;
    int eno = 0, rc = -1;
    stick_set_status st;
    int pfd = open_parent_at(tfd, f->path, true, &last);
    int ofd = pfd < 0
                  ? -1
                  : openat(pfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (ofd < 0) {
        wp_errf(err, errlen, "cannot write %s: %s", f->path, fsio_words(errno, FSIO_KIOSK));
        goto done;
    }
    int rd = hash_at(qfd, f->path, ofd, d, &size, &eno);
    if (rd == RD_WRITE) {
        wp_errf(err, errlen, "cannot write %s: %s", f->path, fsio_words(eno, FSIO_KIOSK));
        goto done;
    }
    if (rd != RD_OK) {
        file_words(rd, eno, size, f->path, words, sizeof words, &st);
        wp_errf(err, errlen, "on the stick, %s", words);
        goto done;
    }
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    if (strcmp(hex, f->sha256) != 0) {
        wp_errf(err, errlen, "%s on the stick changed after it was checked: not installed",
                f->path);
        goto done;
    }
    if (fsync(ofd) != 0) {
        wp_errf(err, errlen, "cannot write %s: %s", f->path, fsio_words(errno, FSIO_KIOSK));
        goto done;
    }
    rc = 0;
done:
    if (ofd >= 0 && close(ofd) != 0 && rc == 0) {
        wp_errf(err, errlen, "cannot write %s: %s", f->path, fsio_words(errno, FSIO_KIOSK));
        rc = -1;
    }
    if (pfd >= 0)
        close(pfd);
    return rc;
}

/* Installs a set with files as the folder dir/NAME (see stick_install). */
static int install_folder(const fsio_ops *ops, const stick_set *s, const char *dir,
                          const char *name, char *path_out, size_t path_len, char *err,
                          size_t errlen)
{
    char json[STICK_PATH_LEN], sig[STICK_PATH_LEN + 8], path[STICK_PATH_LEN * 2], tmp[200];
    char rnd[37], report[STICK_REASON_LEN] = "";
    int qsfd = -1, tfd = -1, ofd = -1, sfd = -1, qfd = -1, rc = -1;
    bool replace = false, made = false;
    stick_set_status st;
    snprintf(json, sizeof json, "%s.json", name);
    snprintf(sig, sizeof sig, "%s.sig", json);
    snprintf(path, sizeof path, "%s/%s/%s", dir, name, json);
    qsfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (qsfd < 0) {
        wp_errf(err, errlen, "cannot open %s: %s", dir, fsio_words(errno, FSIO_KIOSK));
        return -1;
    }
    /* The same id and version installed as a plain file (a set without files) is another set. */
    char flat[STICK_PATH_LEN * 2];
    snprintf(flat, sizeof flat, "%s/%s", dir, json);
    int same = same_installed(s, flat, err, errlen);
    if (same == 1)
        refuse_other(s, err, errlen);
    if (same != 0)
        goto done;
    same = same_installed(s, path, err, errlen);
    if (same < 0)
        goto done;
    if (same == 1) {
        /* Installed before: keep it if every file is still as signed, else replace it whole. */
        ofd = openat(qsfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (ofd >= 0 &&
            check_files_at(ofd, s->files, s->n_files, report, sizeof report, &st) == 0) {
            rc = 0;
            goto done;
        }
        replace = true;
    }
    /* Stale temporary folders of this set (an install cut short by a power cut) go first. */
    {
        int dup_fd = fcntl(qsfd, F_DUPFD_CLOEXEC, 0);
        DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
        char prefix[200];
        snprintf(prefix, sizeof prefix, ".%s.tmp-", name);
        struct dirent *e;
        int seen = 0;
        while (d && (e = readdir(d)) != NULL && seen++ < STICK_MAX_ENTRIES)
            if (!strncmp(e->d_name, prefix, strlen(prefix)))
                remove_tree_at(qsfd, e->d_name);
        if (d)
            closedir(d);
        else if (dup_fd >= 0)
            close(dup_fd);
    }
    if (wp_uuid4(rnd) != 0)
        snprintf(rnd, sizeof rnd, "%ld", (long)getpid());
    snprintf(tmp, sizeof tmp, ".%s.tmp-%.8s", name, rnd);
    if (ops->mkdirat(qsfd, tmp, 0755) != 0) {
        wp_errf(err, errlen, "cannot create a folder in %s: %s", dir,
                fsio_words(errno, FSIO_KIOSK));
        goto done;
    }
    made = true;
    tfd = openat(qsfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (tfd < 0) {
        wp_errf(err, errlen, "cannot open %s/%s: %s", dir, tmp, fsio_words(errno, FSIO_KIOSK));
        goto done;
    }
    if (fsio_write_at(ops, FSIO_KIOSK, tfd, json, json, s->data, s->len, 0644, err, errlen) != 0 ||
        (s->sig &&
         fsio_write_at(ops, FSIO_KIOSK, tfd, sig, sig, s->sig, s->sig_len, 0644, err, errlen) != 0))
        goto done;
    /* The files come from the stick again, each part without following a symlink, and are
     * checked against the signed list while being copied. */
    sfd = open_stick_dir(s->src_root, err, errlen);
    if (sfd < 0) {
        wp_errf(err, errlen, "the stick with %s was removed: put it back to install the set",
                s->file);
        goto done;
    }
    qfd = openat(sfd, "questionsets", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (qfd < 0) {
        wp_errf(err, errlen, "%s/%s/questionsets cannot be read: %s", s->src_root, STICK_DIR,
                io_words(errno));
        goto done;
    }
    for (int i = 0; i < s->n_files; i++)
        if (copy_file(qfd, tfd, &s->files[i], err, errlen) != 0)
            goto done;
    if (walk_tree(tfd, 0, false) != 0) {
        wp_errf(err, errlen, "cannot finish writing %s/%s: %s", dir, tmp,
                fsio_words(errno, FSIO_KIOSK));
        goto done;
    }
    /* Activation: the complete folder takes its name in one step. */
    if (ops->renameat2(qsfd, tmp, qsfd, name, replace ? RENAME_EXCHANGE : 0) != 0) {
        wp_errf(err, errlen, "cannot install %s/%s: %s", dir, name, fsio_words(errno, FSIO_KIOSK));
        goto done;
    }
    if (replace)
        remove_tree_at(qsfd, tmp); /* now the damaged copy */
    made = false;
    if (fsio_sync_dir(ops, FSIO_KIOSK, qsfd, dir, err, errlen) != 0)
        goto done;
    rc = 0;
done:
    if (made)
        remove_tree_at(qsfd, tmp);
    if (rc == 0 && path_out)
        wp_strlcpy(path_out, path, path_len);
    const int fds[] = {qfd, sfd, tfd, ofd, qsfd};
    for (size_t k = 0; k < sizeof fds / sizeof fds[0]; k++)
        if (fds[k] >= 0)
            close(fds[k]);
    return rc;
}

int stick_install(const stick_set *s, const char *data_dir, char *path_out, size_t path_len,
                  char *err, size_t errlen)
{
    return stick_install_with(NULL, s, data_dir, path_out, path_len, err, errlen);
}

int stick_install_with(const fsio_ops *ops, const stick_set *s, const char *data_dir,
                       char *path_out, size_t path_len, char *err, size_t errlen)
{
    char dir[STICK_PATH_LEN], name[160], path[STICK_PATH_LEN + 200], sigpath[STICK_PATH_LEN + 210];
    if (!ops)
        ops = fsio_system();
    if (s->status != STICK_SET_OK || !s->data) {
        wp_errf(err, errlen, "%s was not accepted: it cannot be installed", s->file);
        return -1;
    }
    if (!install_id_ok(s->id)) {
        wp_errf(err, errlen, "%s: the id \"%s\" cannot be used as a file name", s->file, s->id);
        return -1;
    }
    if ((size_t)snprintf(dir, sizeof dir, "%s/questionsets", data_dir) >= sizeof dir) {
        wp_errf(err, errlen, "%s: path too long", data_dir);
        return -1;
    }
    if (ops->mkdirat(AT_FDCWD, dir, 0755) != 0 && errno != EEXIST) {
        wp_errf(err, errlen, "cannot create %s: %s", dir, fsio_words(errno, FSIO_KIOSK));
        return -1;
    }
    snprintf(name, sizeof name, "%s-v%d", s->id, s->version);
    if (s->n_files > 0)
        return install_folder(ops, s, dir, name, path_out, path_len, err, errlen);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    snprintf(sigpath, sizeof sigpath, "%s.sig", path);
    int same = same_installed(s, path, err, errlen);
    if (same < 0)
        return -1;
    if (same == 0 &&
        fsio_write_file(ops, FSIO_KIOSK, path, s->data, s->len, 0644, err, errlen) != 0)
        return -1;
    if (s->sig &&
        fsio_write_file(ops, FSIO_KIOSK, sigpath, s->sig, s->sig_len, 0644, err, errlen) != 0)
        return -1;
    if (path_out)
        wp_strlcpy(path_out, path, path_len);
    return 0;
}

static int cmp_installed(const void *a, const void *b)
{
    const stick_installed *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->version > y->version) - (x->version < y->version);
}

int stick_list_installed(const char *data_dir, const uistr *strings, stick_installed *out, int max,
                         char *err, size_t errlen)
{
    char dir[STICK_PATH_LEN];
    if ((size_t)snprintf(dir, sizeof dir, "%s/questionsets", data_dir) >= sizeof dir) {
        wp_errf(err, errlen, "%s: path too long", data_dir);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        wp_errf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    int n = 0, seen = 0;
    struct dirent *e;
    while (n < max && (e = readdir(d)) != NULL && seen++ < STICK_MAX_ENTRIES) {
        char path[STICK_PATH_LEN];
        struct stat st;
        int w;
        if (e->d_name[0] == '.')
            continue;
        if (ends_with_ci(e->d_name, ".json"))
            w = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        else if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                 S_ISDIR(st.st_mode)) /* a set with files: ID-vN/ID-vN.json */
            w = snprintf(path, sizeof path, "%s/%s/%s.json", dir, e->d_name, e->d_name);
        else
            continue;
        if (w < 0 || (size_t)w >= sizeof path)
            continue;
        qset *qs = NULL;
        if (qset_load_file(path, strings, &qs, NULL) != 0)
            continue;
        stick_installed *it = &out[n++];
        wp_strlcpy(it->path, path, sizeof it->path);
        wp_strlcpy(it->id, qset_id(qs), sizeof it->id);
        it->version = qset_version(qs);
        const qset_text *t = qset_title(qs);
        wp_strlcpy(it->title, t && t->s[0] ? t->s[0] : "", sizeof it->title);
        qset_free(qs);
    }
    closedir(d);
    qsort(out, (size_t)n, sizeof *out, cmp_installed);
    return n;
}

/* ---- export to a stick ---- */

#define STICK_MAX_LOG_BYTES (64 * 1024 * 1024) /* larger logs: only the newest part is copied */

typedef struct {
    stick_progress_cb cb;
    void *ctx;
    int pass;      /* 0 = JSON lines, 1 = CSV */
    int64_t total; /* 2 * rows + 1 (the log) */
} export_progress;

static int export_progress_fn(void *ctx, int64_t done, int64_t total)
{
    export_progress *p = ctx;
    p->total = 2 * total + 1;
    return p->cb ? p->cb(p->ctx, p->pass * total + done, p->total) : 0;
}

static int count_row(void *ctx, const store_response *r)
{
    (void)r;
    (*(int64_t *)ctx)++;
    return 0;
}

/* Writes one export format to f (already open) and finishes it. */
static int export_one(store *st, fsio_file *f, const char *shown, export_format fmt, int64_t after,
                      int64_t *last, export_progress *prog, char *err, size_t errlen)
{
    char msg[WP_ERR_LEN];
    FILE *out = fsio_stream(f);
    if (!out) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    int rc = export_write(st, out, fmt, after, last, export_progress_fn, prog, msg, sizeof msg);
    if (fclose(out) != 0 && rc == 0)
        rc = -1, snprintf(msg, sizeof msg, "%s", io_words(fsio_error(f) ? fsio_error(f) : EIO));
    if (rc != 0 && fsio_error(f))
        /* export_write words a failed write as errno text; say it the staff way. */
        snprintf(msg, sizeof msg, "%s", io_words(fsio_error(f)));
    if (rc != 0) {
        wp_errf(err, errlen, "cannot write %s: %s", shown, msg);
        return -1;
    }
    return fsio_finish(f, err, errlen);
}

static int copy_log(const char *log_path, fsio_file *f, char *err, size_t errlen)
{
    char buf[65536];
    int fd = open(log_path, O_RDONLY | O_CLOEXEC);
    int rc = -1;
    if (fd < 0) {
        wp_errf(err, errlen, "cannot read the kiosk log %s: %s", log_path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > STICK_MAX_LOG_BYTES)
        lseek(fd, st.st_size - STICK_MAX_LOG_BYTES, SEEK_SET);
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            wp_errf(err, errlen, "cannot read the kiosk log %s: %s", log_path, strerror(errno));
            goto done;
        }
        if (r == 0)
            break;
        if (fsio_write(f, buf, (size_t)r, err, errlen) != 0)
            goto done;
    }
    rc = fsio_finish(f, err, errlen);
done:
    close(fd);
    return rc;
}

int stick_export(store *st, const char *stick_root, bool since_last, const char *device_id,
                 const char *log_path, int64_t now_ms, stick_progress_cb cb, void *ctx,
                 stick_export_result *res, char *err, size_t errlen)
{
    return stick_export_with(NULL, st, stick_root, since_last, device_id, log_path, now_ms, cb, ctx,
                             res, err, errlen);
}

int stick_export_with(const fsio_ops *ops, store *st, const char *stick_root, bool since_last,
                      const char *device_id, const char *log_path, int64_t now_ms,
                      stick_progress_cb cb, void *ctx, stick_export_result *res, char *err,
                      size_t errlen)
{
    char wdir[STICK_PATH_LEN], edir[STICK_PATH_LEN], dev[64], date[32], val[64];
    char path[3][STICK_PATH_LEN], name[3][STICK_PATH_LEN];
    int rfd = -1, wfd = -1, efd = -1;
    fsio_file *af[3] = {NULL, NULL, NULL};
    bool want_log = log_path && *log_path;
    int64_t after = 0, last_json = 0, last_csv = 0, rows = 0;
    export_progress prog = {cb, ctx, 0, 1};
    int rc = -1;
    stick_export_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (since_last) {
        int g = store_meta_get(st, STICK_META_LAST_EXPORT, val, sizeof val, err, errlen);
        if (g < 0)
            return -1;
        if (g == 0) {
            char *end = NULL;
            errno = 0;
            long long v = strtoll(val, &end, 10);
            if (errno || end == val || *end || v < 0) {
                wp_errf(err, errlen, "the stored last export (%s) is not a number", val);
                return -1;
            }
            after = (int64_t)v;
        }
    }
    /* Device id and date go into file names: keep only harmless characters. */
    size_t k = 0;
    for (const char *p = device_id && *device_id ? device_id : "kiosk"; *p && k + 1 < sizeof dev;
         p++)
        dev[k++] = (isalnum((unsigned char)*p) || *p == '-' || *p == '_') ? *p : '_';
    dev[k] = '\0';
    {
        time_t secs = (time_t)(now_ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(date, sizeof date, "%Y%m%d-%H%M%S", &tm);
    }
    if ((size_t)snprintf(wdir, sizeof wdir, "%s/%s", stick_root, STICK_DIR) >= sizeof wdir ||
        (size_t)snprintf(edir, sizeof edir, "%s/export", wdir) >= sizeof edir) {
        wp_errf(err, errlen, "%s: path too long", stick_root);
        return -1;
    }
    /* The export folder is opened once, each level without following a symlink, and every
     * file is made, renamed and synced through that fd: a symlink swapped in for WIJKPEIL,
     * export or a file name afterwards cannot send anything outside the stick. */
    rfd = open(stick_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0) {
        wp_errf(err, errlen, "%s: %s", stick_root, io_words(errno));
        return -1;
    }
    wfd = fsio_mkdir_open(ops, FSIO_STICK, rfd, STICK_DIR, wdir, err, errlen);
    if (wfd < 0)
        goto done;
    efd = fsio_mkdir_open(ops, FSIO_STICK, wfd, "export", edir, err, errlen);
    if (efd < 0)
        goto done;
    /* A second export within the same second gets a counter after the time (DATE.2, DATE.3,
     * ...), which sorts after the first; an earlier export is never overwritten. */
    static const char *const suffix[3] = {"responses.jsonl", "responses.csv", "kiosk.log"};
    bool taken = true;
    for (int n = 1; taken && n <= STICK_EXPORTS_PER_SECOND; n++) {
        char stamp[48];
        if (n == 1)
            wp_strlcpy(stamp, date, sizeof stamp);
        else
            snprintf(stamp, sizeof stamp, "%s.%d", date, n);
        taken = false;
        for (int i = 0; i < 3; i++) {
            if ((size_t)snprintf(name[i], sizeof name[i], "%s-%s-%s", dev, stamp, suffix[i]) >=
                    sizeof name[i] ||
                (size_t)snprintf(path[i], sizeof path[i], "%s/%s", edir, name[i]) >=
                    sizeof path[i]) {
                wp_errf(err, errlen, "%s: path too long", edir);
                goto done;
            }
            struct stat sst;
            if (fstatat(efd, name[i], &sst, AT_SYMLINK_NOFOLLOW) == 0)
                taken = true;
        }
    }
    if (taken) {
        wp_errf(err, errlen, "%s exists already: wait a second and export again", path[0]);
        goto done;
    }
    if (store_foreach(st, after, false, 0, count_row, &rows, err, errlen) != 0)
        goto done;
    prog.total = 2 * rows + 1;
    if (cb && cb(ctx, 0, prog.total) != 0) {
        wp_errf(err, errlen, "export cancelled");
        goto done;
    }

    /* Everything goes to temporary names first; the final names appear only when all three
     * files are complete and on the stick. */
    for (int i = 0; i < (want_log ? 3 : 2); i++)
        if (fsio_open(ops, FSIO_STICK, efd, name[i], path[i], 0644, &af[i], err, errlen) != 0)
            goto done;
    prog.pass = 0;
    if (export_one(st, af[0], path[0], EXPORT_JSONL, after, &last_json, &prog, err, errlen) != 0)
        goto done;
    prog.pass = 1;
    if (export_one(st, af[1], path[1], EXPORT_CSV, after, &last_csv, &prog, err, errlen) != 0)
        goto done;
    if (want_log && copy_log(log_path, af[2], err, errlen) != 0)
        goto done;
    for (int i = 0; i < (want_log ? 3 : 2); i++)
        if (fsio_rename(af[i], err, errlen) != 0)
            goto done;
    if (fsio_sync_dir(ops, FSIO_STICK, efd, edir, err, errlen) != 0)
        goto done;
    if (cb)
        cb(ctx, prog.total, prog.total);
    /* Rows stored between the two passes are in the CSV only: remember the lower mark, so the
     * next export repeats them rather than skips them (the collector's import is idempotent). */
    int64_t last = last_json < last_csv ? last_json : last_csv;
    res->n_responses = rows;
    res->last_seq = last;
    wp_strlcpy(res->jsonl, path[0], sizeof res->jsonl);
    wp_strlcpy(res->csv, path[1], sizeof res->csv);
    if (want_log)
        wp_strlcpy(res->log, path[2], sizeof res->log);
    if (last > after) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)last);
        char msg[WP_ERR_LEN];
        if (store_meta_set(st, STICK_META_LAST_EXPORT, num, msg, sizeof msg) != 0)
            wp_errf(err, errlen,
                    "exported, but the kiosk could not remember it (%s): the next \"since last "
                    "export\" repeats these responses",
                    msg);
    }
    rc = 0;
done:
    for (int i = 0; i < 3; i++) {
        if (rc != 0)
            fsio_discard(af[i]); /* all three files or none */
        else
            fsio_close(af[i]);
    }
    if (efd >= 0)
        close(efd);
    if (wfd >= 0)
        close(wfd);
    if (rfd >= 0)
        close(rfd);
    return rc;
}

int stick_request_eject(const char *stick_root, const char *runtime_dir, char *err, size_t errlen)
{
    struct stat st;
    if (!runtime_dir || !*runtime_dir || stat(runtime_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return 1;
    const char *name = strrchr(stick_root, '/');
    name = name ? name + 1 : stick_root;
    size_t n = strlen(name);
    bool ok = n > 0 && n < 64 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)name[i]) || name[i] == '-' || name[i] == '_' || name[i] == '.';
    if (!ok) {
        wp_errf(err, errlen, "cannot ask to unmount %s: unusual folder name", stick_root);
        return -1;
    }
    char path[STICK_PATH_LEN + 80];
    snprintf(path, sizeof path, "%s/eject-%s", runtime_dir, name);
    return fsio_write_file(NULL, FSIO_KIOSK, path, stick_root, strlen(stick_root), 0644, err,
                           errlen) == 0
               ? 0
               : -1;
}
