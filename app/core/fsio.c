/* Atomic writes through an operations table, and file-system failures in words per medium. */
#include "fsio.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sys_openat(int dirfd, const char *name, int flags, mode_t mode)
{
    return openat(dirfd, name, flags, mode);
}

static int sys_renameat2(int olddirfd, const char *oldname, int newdirfd, const char *newname,
                         unsigned int flags)
{
    return renameat2(olddirfd, oldname, newdirfd, newname, flags);
}

static const fsio_ops system_ops = {sys_openat, write,         fsync,    close,
                                    fchmod,     sys_renameat2, unlinkat, mkdirat};

const fsio_ops *fsio_system(void)
{
    return &system_ops;
}

static const fsio_ops *ops_or_system(const fsio_ops *ops)
{
    return ops ? ops : &system_ops;
}

const char *fsio_words(int e, fsio_medium m)
{
    switch (e) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return m == FSIO_STICK   ? "the stick is full"
               : m == FSIO_KIOSK ? "the kiosk's disk is full"
                                 : "the disk is full";
    case EROFS:
        return m == FSIO_STICK ? "the stick is read-only (is its write-protect switch on?)"
               : m == FSIO_KIOSK
                   ? "the kiosk's disk is read-only (the system does that to a failing SD card)"
                   : "the disk is read-only";
    case EACCES:
    case EPERM:
        return m == FSIO_STICK ? "no permission to write there (is the stick read-only?)"
                               : "no permission to write there";
    case EIO:
        return m == FSIO_STICK   ? "the stick was removed or cannot be read"
               : m == FSIO_KIOSK ? "the kiosk's disk cannot be read or written (input/output "
                                   "error: the SD card may be failing)"
                                 : "input/output error on the disk";
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case ESTALE:
    case ENOTDIR:
        if (m == FSIO_STICK)
            return "the stick was removed or cannot be read";
        return strerror(e);
    default:
        return strerror(e);
    }
}

const char *fsio_dir_of(const char *path, char *dir, size_t dirlen)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        wp_strlcpy(dir, ".", dirlen);
        return path;
    }
    if (slash == path)
        wp_strlcpy(dir, "/", dirlen);
    else
        snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
    return slash + 1;
}

int fsio_sync_dir(const fsio_ops *ops, fsio_medium m, int dirfd, const char *shown, char *err,
                  size_t errlen)
{
    ops = ops_or_system(ops);
    if (ops->fsync(dirfd) == 0 || errno == EINVAL || errno == ENOTSUP)
        return 0; /* EINVAL, ENOTSUP: a file system that cannot sync a folder */
    wp_errf(err, errlen, "cannot finish writing to %s: %s", shown, fsio_words(errno, m));
    return -1;
}

int fsio_mkdir_open(const fsio_ops *ops, fsio_medium m, int parent, const char *name,
                    const char *shown, char *err, size_t errlen)
{
    ops = ops_or_system(ops);
    if (ops->mkdirat(parent, name, 0755) != 0 && errno != EEXIST) {
        wp_errf(err, errlen, "cannot create %s: %s", shown, fsio_words(errno, m));
        return -1;
    }
    int fd = ops->openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            wp_errf(err, errlen, "%s is not a folder (or is a symbolic link): refused", shown);
        else
            wp_errf(err, errlen, "cannot open %s: %s", shown, fsio_words(errno, m));
    }
    return fd;
}

struct fsio_file {
    const fsio_ops *ops;
    fsio_medium medium;
    int dirfd; /* the folder (not owned) */
    int fd;    /* -1 once finished */
    int error; /* errno of the first failed write */
    bool renamed;
    bool noreplace;   /* fsio_create_file: an existing final name is kept */
    char tmp[300];    /* temporary name in the folder */
    char name[256];   /* final name in the folder */
    char shown[1100]; /* the path for messages */
};

static int fail(fsio_file *f, int e, const char *what, char *err, size_t errlen)
{
    wp_errf(err, errlen, "cannot %s %s: %s", what, f->shown, fsio_words(e, f->medium));
    return -1;
}

int fsio_open(const fsio_ops *ops, fsio_medium m, int dirfd, const char *name, const char *shown,
              int mode, fsio_file **out, char *err, size_t errlen)
{
    *out = NULL;
    fsio_file *f = calloc(1, sizeof *f);
    if (!f) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    f->ops = ops_or_system(ops);
    f->medium = m;
    f->dirfd = dirfd;
    f->fd = -1;
    wp_strlcpy(f->shown, shown, sizeof f->shown);
    if (wp_strlcpy(f->name, name, sizeof f->name) >= sizeof f->name || strchr(name, '/') ||
        !*name) {
        wp_errf(err, errlen, "%s: unusable file name", shown);
        free(f);
        return -1;
    }
    char rnd[37];
    if (wp_uuid4(rnd) != 0)
        snprintf(rnd, sizeof rnd, "%ld", (long)getpid());
    snprintf(f->tmp, sizeof f->tmp, ".%s.tmp-%.8s", name, rnd);
    f->fd = f->ops->openat(dirfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           (mode_t)mode);
    if (f->fd < 0) {
        fail(f, errno, "write", err, errlen);
        free(f);
        return -1;
    }
    if (f->ops->fchmod(f->fd, (mode_t)mode) != 0) { /* exactly mode, whatever the umask */
        fail(f, errno, "write", err, errlen);
        fsio_close(f);
        return -1;
    }
    *out = f;
    return 0;
}

static int write_all(fsio_file *f, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = f->ops->write(f->fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            if (!f->error)
                f->error = errno;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int fsio_write(fsio_file *f, const void *data, size_t len, char *err, size_t errlen)
{
    if (f->fd < 0)
        return fail(f, EBADF, "write", err, errlen);
    if (write_all(f, data, len) != 0)
        return fail(f, f->error, "write", err, errlen);
    return 0;
}

static ssize_t stream_write(void *cookie, const char *buf, size_t len)
{
    fsio_file *f = cookie;
    if (f->fd < 0 || write_all(f, buf, len) != 0) {
        errno = f->error ? f->error : EBADF;
        return -1;
    }
    return (ssize_t)len;
}

FILE *fsio_stream(fsio_file *f)
{
    cookie_io_functions_t io = {.read = NULL, .write = stream_write, .seek = NULL, .close = NULL};
    return fopencookie(f, "w", io);
}

int fsio_error(const fsio_file *f)
{
    return f->error;
}

int fsio_finish(fsio_file *f, char *err, size_t errlen)
{
    if (f->fd < 0)
        return 0;
    if (f->error)
        return fail(f, f->error, "write", err, errlen);
    if (f->ops->fsync(f->fd) != 0)
        return fail(f, errno, "write", err, errlen);
    int fd = f->fd;
    f->fd = -1;
    if (f->ops->close(fd) != 0)
        return fail(f, errno, "write", err, errlen);
    return 0;
}

int fsio_rename(fsio_file *f, char *err, size_t errlen)
{
    if (f->fd >= 0 && fsio_finish(f, err, errlen) != 0)
        return -1;
    int rc =
        f->ops->renameat2(f->dirfd, f->tmp, f->dirfd, f->name, f->noreplace ? RENAME_NOREPLACE : 0);
    if (rc != 0 && f->noreplace && errno == EINVAL) {
        /* A file system without RENAME_NOREPLACE (some FAT drivers): look, then rename. */
        struct stat st;
        if (fstatat(f->dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            errno = EEXIST;
        else
            rc = f->ops->renameat2(f->dirfd, f->tmp, f->dirfd, f->name, 0);
    }
    if (rc != 0) {
        if (f->noreplace && errno == EEXIST) {
            wp_errf(err, errlen,
                    "%s exists already and is never replaced (choose another name or remove it "
                    "yourself)",
                    f->shown);
            return -1;
        }
        return fail(f, errno, "write", err, errlen);
    }
    f->renamed = true;
    return 0;
}

int fsio_commit(fsio_file *f, char *err, size_t errlen)
{
    if (fsio_rename(f, err, errlen) != 0)
        return -1;
    /* The file itself is complete and synced; only its name may not be durable yet. */
    return fsio_sync_dir(f->ops, f->medium, f->dirfd, f->shown, err, errlen);
}

void fsio_close(fsio_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        f->ops->close(f->fd);
    if (!f->renamed)
        f->ops->unlinkat(f->dirfd, f->tmp, 0);
    free(f);
}

void fsio_discard(fsio_file *f)
{
    if (f && f->renamed)
        f->ops->unlinkat(f->dirfd, f->name, 0);
    fsio_close(f);
}

static int write_at(const fsio_ops *ops, fsio_medium m, int dirfd, const char *name,
                    const char *shown, const void *data, size_t len, int mode, bool noreplace,
                    char *err, size_t errlen)
{
    fsio_file *f = NULL;
    if (fsio_open(ops, m, dirfd, name, shown, mode, &f, err, errlen) != 0)
        return -1;
    f->noreplace = noreplace;
    int rc = fsio_write(f, data, len, err, errlen) == 0 ? fsio_commit(f, err, errlen) : -1;
    fsio_close(f);
    return rc;
}

int fsio_write_at(const fsio_ops *ops, fsio_medium m, int dirfd, const char *name,
                  const char *shown, const void *data, size_t len, int mode, char *err,
                  size_t errlen)
{
    return write_at(ops, m, dirfd, name, shown, data, len, mode, false, err, errlen);
}

static int write_path(const fsio_ops *ops, fsio_medium m, const char *path, const void *data,
                      size_t len, int mode, bool noreplace, char *err, size_t errlen)
{
    char dir[1100];
    ops = ops_or_system(ops);
    const char *base = fsio_dir_of(path, dir, sizeof dir);
    int dfd = ops->openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (dfd < 0) {
        wp_errf(err, errlen, "cannot write %s: %s", path, fsio_words(errno, m));
        return -1;
    }
    int rc = write_at(ops, m, dfd, base, path, data, len, mode, noreplace, err, errlen);
    ops->close(dfd);
    return rc;
}

int fsio_write_file(const fsio_ops *ops, fsio_medium m, const char *path, const void *data,
                    size_t len, int mode, char *err, size_t errlen)
{
    return write_path(ops, m, path, data, len, mode, false, err, errlen);
}

int fsio_create_file(const fsio_ops *ops, fsio_medium m, const char *path, const void *data,
                     size_t len, int mode, char *err, size_t errlen)
{
    return write_path(ops, m, path, data, len, mode, true, err, errlen);
}
