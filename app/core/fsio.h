/* The one file-system edge for files that must never be seen half-written: atomic writes (a
 * temporary name in the final folder, fsync, rename, fsync of the folder), the folder of a path,
 * and failures in words that name the medium ("the kiosk's disk is full" is not "the stick is
 * full"). Every system call goes through an operations table, so tests inject a full disk
 * (ENOSPC), an I/O error (EIO) or a read-only medium (EROFS) at any step without ulimit or
 * tmpfs. Pass NULL for the real system calls.
 *
 * Usage: fsio_open, fsio_write (or fsio_stream) as often as needed, fsio_commit, fsio_close.
 * fsio_close after a failure (or without a commit) removes the temporary file: nothing is left
 * under either name and an old file under the final name is untouched. */
#ifndef WP_FSIO_H
#define WP_FSIO_H

#include <stdio.h>
#include <sys/types.h>

/* The system calls fsio makes. Every member must be set. */
typedef struct {
    int (*openat)(int dirfd, const char *name, int flags, mode_t mode);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    int (*fsync)(int fd);
    int (*close)(int fd);
    int (*fchmod)(int fd, mode_t mode);
    /* renameat2(2): flags 0 (replace), RENAME_NOREPLACE or RENAME_EXCHANGE. */
    int (*renameat2)(int olddirfd, const char *oldname, int newdirfd, const char *newname,
                     unsigned int flags);
    int (*unlinkat)(int dirfd, const char *name, int flags);
    int (*mkdirat)(int dirfd, const char *name, mode_t mode);
} fsio_ops;

/* The real system calls. */
const fsio_ops *fsio_system(void);

/* Where a file is written, for the words of a failure. */
typedef enum {
    FSIO_KIOSK, /* the kiosk's own disk (SD card): database folder, local.conf, installed sets */
    FSIO_STICK, /* a USB stick */
    FSIO_DISK   /* a computer's disk (the staff tools) */
} fsio_medium;

/* errno e in words a staff member can act on, naming the medium ("the kiosk's disk is full",
 * "the stick is full", "... is read-only", an I/O error); strerror for anything else. */
const char *fsio_words(int e, fsio_medium m);

/* Splits path into its folder (written to dir: "." when path has no '/', "/" for "/name") and
 * returns the last part (a pointer into path). */
const char *fsio_dir_of(const char *path, char *dir, size_t dirlen);

/* fsync of an open folder, so a rename in it is durable (folders that cannot be synced, as on
 * some FUSE mounts, count as synced). Returns 0, or -1 with a message naming shown. */
int fsio_sync_dir(const fsio_ops *ops, fsio_medium m, int dirfd, const char *shown, char *err,
                  size_t errlen);

/* Makes the folder name in parent when it is missing and opens it without following a symbolic
 * link. Returns its fd, or -1 with a message naming shown. */
int fsio_mkdir_open(const fsio_ops *ops, fsio_medium m, int parent, const char *name,
                    const char *shown, char *err, size_t errlen);

typedef struct fsio_file fsio_file;

/* Starts writing name (no '/') in the open folder dirfd (not owned; kept open until
 * fsio_close) under a new temporary name there, with exactly mode. shown is the path used in
 * messages. Returns 0 and *out, or -1 with a message. */
int fsio_open(const fsio_ops *ops, fsio_medium m, int dirfd, const char *name, const char *shown,
              int mode, fsio_file **out, char *err, size_t errlen);

/* Appends len bytes. Returns 0, or -1 with "cannot write SHOWN: WORDS". */
int fsio_write(fsio_file *f, const void *data, size_t len, char *err, size_t errlen);

/* A stdio stream writing through fsio_write (for writers that take a FILE *). fclose it before
 * fsio_commit; a failed write sets the stream's error and fsio_error. NULL when out of memory. */
FILE *fsio_stream(fsio_file *f);

/* The errno of the first failed write (0 when none). */
int fsio_error(const fsio_file *f);

/* The temporary file complete: fsync and close it (it keeps its temporary name). */
int fsio_finish(fsio_file *f, char *err, size_t errlen);

/* Gives a finished file its final name (replacing an old file of that name in one step). */
int fsio_rename(fsio_file *f, char *err, size_t errlen);

/* fsio_finish, fsio_rename and fsio_sync_dir of the folder. */
int fsio_commit(fsio_file *f, char *err, size_t errlen);

/* Frees f; a temporary file not renamed is removed. NULL is a no-op. */
void fsio_close(fsio_file *f);

/* Frees f and removes what it made, even the final name when it was renamed already (for a set
 * of files that appear together or not at all). NULL is a no-op. */
void fsio_discard(fsio_file *f);

/* Writes data to dirfd/name atomically (fsio_open, fsio_write, fsio_commit). */
int fsio_write_at(const fsio_ops *ops, fsio_medium m, int dirfd, const char *name,
                  const char *shown, const void *data, size_t len, int mode, char *err,
                  size_t errlen);

/* Writes data to path atomically, through its folder. Returns 0, or -1 with a message; on
 * failure no file is left under either name and an old file at path is unchanged. */
int fsio_write_file(const fsio_ops *ops, fsio_medium m, const char *path, const void *data,
                    size_t len, int mode, char *err, size_t errlen);

/* As fsio_write_file, but a file already at path is never replaced (a key, say): it fails with
 * "PATH exists already ..." and leaves both files as they were. The new file appears complete or
 * not at all (written under a temporary name, then renamed with RENAME_NOREPLACE). */
int fsio_create_file(const fsio_ops *ops, fsio_medium m, const char *path, const void *data,
                     size_t len, int mode, char *err, size_t errlen);

#endif
