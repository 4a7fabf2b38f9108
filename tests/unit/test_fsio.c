/* fsio: disk full (ENOSPC), EIO and read-only (EROFS) injected through the operations table,
 * without ulimit or tmpfs, on fsio itself, the settings save (local.conf), a stick install and an
 * export: the words name the medium, and nothing is half-written (no temporary file is left and
 * an old file is intact). SQLite does its own I/O, so for the store the same faults come from an
 * sqlite3_vfs that wraps the default one and fails writes and syncs on demand. */
#include "fsio.h"
#include "stick.h"
#include "store.h"
#include "testlib.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The fault to inject: op fails with eno (0: none). Test-only state: the operations have no
 * context argument. */
enum { OP_OPEN, OP_WRITE, OP_FSYNC, OP_RENAME, OP_MKDIR };
static struct {
    int op, eno;
} fault = {-1, 0};

static bool hit(int op)
{
    if (fault.op == op) {
        errno = fault.eno;
        return true;
    }
    return false;
}

static int f_openat(int dirfd, const char *name, int flags, mode_t mode)
{
    /* Only files being created fail to open (folders still open, as on a full disk). */
    if ((flags & O_CREAT) && hit(OP_OPEN))
        return -1;
    return openat(dirfd, name, flags, mode);
}
static ssize_t f_write(int fd, const void *buf, size_t len)
{
    return hit(OP_WRITE) ? -1 : write(fd, buf, len);
}
static int f_fsync(int fd)
{
    return hit(OP_FSYNC) ? -1 : fsync(fd);
}
static int f_renameat2(int a, const char *an, int b, const char *bn, unsigned int flags)
{
    return hit(OP_RENAME) ? -1 : renameat2(a, an, b, bn, flags);
}
static int f_mkdirat(int d, const char *n, mode_t m)
{
    return hit(OP_MKDIR) ? -1 : mkdirat(d, n, m);
}

static const fsio_ops faulty = {f_openat, f_write,     f_fsync,  close,
                                fchmod,   f_renameat2, unlinkat, f_mkdirat};

static void inject(int op, int eno)
{
    fault.op = op;
    fault.eno = eno;
}

static char *pathf(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Number of entries in dir (recursively) whose name holds ".tmp-": temporary files left. */
static int temps_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (strstr(e->d_name, ".tmp-"))
            n++;
        if (e->d_type == DT_DIR) {
            char *sub = pathf(dir, e->d_name);
            n += temps_in(sub);
            free(sub);
        }
    }
    if (d)
        closedir(d);
    return n;
}

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static bool file_is(const char *path, const char *text)
{
    char *t = NULL;
    size_t len = 0;
    if (wp_read_file(path, 1 << 20, &t, &len, NULL, 0) != 0)
        return false;
    bool same = len == strlen(text) && !memcmp(t, text, len);
    free(t);
    return same;
}

static const struct {
    int op, eno;
    const char *kiosk_words, *stick_words;
} cases[] = {
    {OP_WRITE, ENOSPC, "the kiosk's disk is full", "the stick is full"},
    {OP_OPEN, ENOSPC, "the kiosk's disk is full", "the stick is full"},
    {OP_FSYNC, EIO, "the kiosk's disk cannot be read or written", "the stick was removed"},
    {OP_WRITE, EIO, "the kiosk's disk cannot be read or written", "the stick was removed"},
    {OP_OPEN, EROFS, "the kiosk's disk is read-only", "the stick is read-only"},
    {OP_RENAME, EROFS, "the kiosk's disk is read-only", "the stick is read-only"},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static void test_write_file(void)
{
    char *dir = test_tmpdir("fsio");
    char *path = pathf(dir, "local.conf");
    char err[WP_ERR_LEN] = "";
    char dirbuf[64];
    CHECK_STR(fsio_dir_of("/a/b/c.conf", dirbuf, sizeof dirbuf), "c.conf");
    CHECK_STR(dirbuf, "/a/b");
    CHECK_STR(fsio_dir_of("c.conf", dirbuf, sizeof dirbuf), "c.conf");
    CHECK_STR(dirbuf, ".");
    CHECK_STR(fsio_dir_of("/c.conf", dirbuf, sizeof dirbuf), "c.conf");
    CHECK_STR(dirbuf, "/");

    CHECK(fsio_write_file(NULL, FSIO_KIOSK, path, "old\n", 4, 0640, err, sizeof err) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
    for (size_t i = 0; i < N_CASES; i++) {
        for (int m = 0; m < 2; m++) {
            inject(cases[i].op, cases[i].eno);
            fsio_medium med = m ? FSIO_STICK : FSIO_KIOSK;
            const char *want = m ? cases[i].stick_words : cases[i].kiosk_words;
            CHECK(fsio_write_file(&faulty, med, path, "new\n", 4, 0644, err, sizeof err) == -1);
            CHECKF(strstr(err, want) && strstr(err, path), "case %zu/%d: %s", i, m, err);
            CHECKF(m || !strstr(err, "stick"), "the kiosk's disk is not a stick: %s", err);
            CHECK(file_is(path, "old\n"));
            CHECK(temps_in(dir) == 0 && files_in(dir) == 1);
        }
    }
    inject(-1, 0);
    CHECK(fsio_write_file(&faulty, FSIO_KIOSK, path, "new\n", 4, 0644, err, sizeof err) == 0);
    CHECK(file_is(path, "new\n") && temps_in(dir) == 0);

    /* fsio_create_file (keys): never replaces, appears whole or not at all. */
    CHECK(fsio_create_file(&faulty, FSIO_DISK, path, "key\n", 4, 0600, err, sizeof err) == -1);
    CHECKF(strstr(err, path) && strstr(err, "exists already") && strstr(err, "never replaced"),
           "%s", err);
    CHECK(file_is(path, "new\n") && temps_in(dir) == 0 && files_in(dir) == 1);
    char *key = pathf(dir, "k.secret");
    for (size_t i = 0; i < N_CASES; i++) {
        inject(cases[i].op, cases[i].eno);
        CHECK(fsio_create_file(&faulty, FSIO_KIOSK, key, "key\n", 4, 0600, err, sizeof err) == -1);
        CHECKF(strstr(err, cases[i].kiosk_words), "case %zu: %s", i, err);
        CHECK(temps_in(dir) == 0 && files_in(dir) == 1);
    }
    inject(-1, 0);
    CHECKF(fsio_create_file(&faulty, FSIO_DISK, key, "key\n", 4, 0600, err, sizeof err) == 0, "%s",
           err);
    CHECK(file_is(key, "key\n") && stat(key, &st) == 0 && (st.st_mode & 0777) == 0600);
    free(key);
    free(path);
    free(dir);
}

/* "Save settings": local.conf on the kiosk's own disk. */
static void test_settings_save(void)
{
    char *dir = test_tmpdir("fsio-save");
    char *path = pathf(dir, "local.conf");
    put(path, "idle_seconds = 60\n");
    stick_conf c;
    memset(&c, 0, sizeof c);
    c.present = true;
    c.n_accepted = 1;
    wp_strlcpy(c.accepted[0].key, "thanks_seconds", sizeof c.accepted[0].key);
    wp_strlcpy(c.accepted[0].value, "5", sizeof c.accepted[0].value);
    char err[WP_ERR_LEN] = "";
    for (size_t i = 0; i < N_CASES; i++) {
        inject(cases[i].op, cases[i].eno);
        CHECK(stick_conf_apply_with(&faulty, &c, path, err, sizeof err) == -1);
        CHECKF(strstr(err, cases[i].kiosk_words) && !strstr(err, "stick"), "case %zu: %s", i, err);
        CHECK(file_is(path, "idle_seconds = 60\n"));
        CHECK(temps_in(dir) == 0 && files_in(dir) == 1);
    }
    inject(-1, 0);
    CHECKF(stick_conf_apply_with(&faulty, &c, path, err, sizeof err) == 0, "%s", err);
    CHECK(file_is(path, "idle_seconds = 60\nthanks_seconds = 5\n"));
    free(path);
    free(dir);
}

/* A set installed from a stick goes to the kiosk's disk: a full disk is not a full stick. */
static void test_install(void)
{
    char *data = test_tmpdir("fsio-install");
    char *qdir = pathf(data, "questionsets");
    stick_set s;
    memset(&s, 0, sizeof s);
    s.status = STICK_SET_OK;
    wp_strlcpy(s.file, "wijk.json", sizeof s.file);
    wp_strlcpy(s.id, "wijk", sizeof s.id);
    s.version = 2;
    char json[] = "{\"id\": \"wijk\"}";
    char sig[] = "SIG KEY\n";
    s.data = json;
    s.len = strlen(json);
    s.sig = sig;
    s.sig_len = strlen(sig);
    char err[WP_ERR_LEN] = "";
    for (size_t i = 0; i < N_CASES; i++) {
        inject(cases[i].op, cases[i].eno);
        CHECK(stick_install_with(&faulty, &s, data, NULL, 0, err, sizeof err) == -1);
        CHECKF(strstr(err, cases[i].kiosk_words) && !strstr(err, "stick is"), "case %zu: %s", i,
               err);
        CHECKF(temps_in(data) == 0 && files_in(qdir) == 0, "case %zu: %d files", i, files_in(qdir));
    }
    inject(-1, 0);
    CHECKF(stick_install_with(&faulty, &s, data, NULL, 0, err, sizeof err) == 0, "%s", err);
    CHECK(files_in(qdir) == 2 && temps_in(data) == 0);
    free(qdir);
    free(data);
}

/* An export goes to the stick: its words name the stick; no file appears under a final name and
 * the store does not count it as exported. */
static void test_export(void)
{
    char *dir = test_tmpdir("fsio-export");
    char *stick = test_tmpdir("fsio-stick");
    char *db = pathf(dir, "kiosk.db");
    char *edir = pathf(stick, "WIJKPEIL/export");
    store *st = NULL;
    char err[WP_ERR_LEN] = "", val[64];
    CHECKF(store_open(db, &st, err, sizeof err) == 0, "store: %s", err);
    for (int i = 0; st && i < 5; i++) {
        store_response r;
        memset(&r, 0, sizeof r);
        wp_strlcpy(r.questionset, "wijk", sizeof r.questionset);
        r.questionset_version = 1;
        wp_strlcpy(r.language, "nl", sizeof r.language);
        r.started_at_ms = 1800000000000LL + i * 60000;
        r.finished_at_ms = r.started_at_ms + 1000;
        r.duration_ms = 1000;
        r.answers_json = "{\"blij\": \"4\"}";
        CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    }
    if (!st)
        goto out;
    for (size_t i = 0; i < N_CASES; i++) {
        inject(cases[i].op, cases[i].eno);
        CHECK(stick_export_with(&faulty, st, stick, false, "k1", NULL, 1800000000000LL, NULL, NULL,
                                NULL, err, sizeof err) == -1);
        CHECKF(strstr(err, cases[i].stick_words) != NULL, "case %zu: %s", i, err);
        CHECKF(files_in(edir) == 0 && temps_in(stick) == 0, "case %zu: %d files", i,
               files_in(edir));
        CHECK(store_meta_get(st, STICK_META_LAST_EXPORT, val, sizeof val, err, sizeof err) == 1);
    }
    /* The folders themselves cannot be made: a read-only stick. */
    rmdir(edir);
    inject(OP_MKDIR, EROFS);
    CHECK(stick_export_with(&faulty, st, stick, false, "k1", NULL, 1800000000000LL, NULL, NULL,
                            NULL, err, sizeof err) == -1);
    CHECKF(strstr(err, "the stick is read-only") != NULL, "%s", err);
    inject(-1, 0);
    CHECKF(stick_export_with(&faulty, st, stick, false, "k1", NULL, 1800000000000LL, NULL, NULL,
                             NULL, err, sizeof err) == 0,
           "%s", err);
    CHECK(files_in(edir) == 2 && temps_in(stick) == 0);
out:
    store_close(st);
    free(db), free(edir), free(stick), free(dir);
}

/* The store: an SQLite VFS that forwards to the default one and fails xWrite (OP_WRITE) or
 * xSync (OP_FSYNC) with fault.eno as the unix VFS would: SQLITE_FULL for ENOSPC, otherwise an
 * I/O error whose errno xGetLastError reports. */
typedef struct {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, right after this struct */
} vfile;

static sqlite3_vfs *real_vfs;
static int vfs_errno;

#define REAL(f) (((vfile *)(f))->real)

static int vfault(int op, int ioerr)
{
    if (!hit(op))
        return SQLITE_OK;
    vfs_errno = errno;
    return errno == ENOSPC ? SQLITE_FULL : ioerr;
}
static int v_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods->xClose(REAL(f));
    return rc;
}
static int v_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int v_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    int rc = vfault(OP_WRITE, SQLITE_IOERR_WRITE);
    return rc ? rc : REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int v_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int v_sync(sqlite3_file *f, int flags)
{
    int rc = vfault(OP_FSYNC, SQLITE_IOERR_FSYNC);
    return rc ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int v_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int v_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int v_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int v_check(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int v_fcntl(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int v_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int v_caps(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int v_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **p)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, p);
}
static int v_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void v_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int v_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Version 2: WAL's shared memory, no memory-mapped I/O (every write goes through xWrite). */
static const sqlite3_io_methods v_methods = {
    2,          v_close,       v_read,      v_write, v_truncate, v_sync, v_size,
    v_lock,     v_unlock,      v_check,     v_fcntl, v_sector,   v_caps, v_shm_map,
    v_shm_lock, v_shm_barrier, v_shm_unmap, NULL,    NULL};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    vfile *v = (vfile *)f;
    v->real = (sqlite3_file *)(v + 1);
    int rc = real_vfs->xOpen(real_vfs, name, v->real, flags, out);
    v->base.pMethods = v->real->pMethods ? &v_methods : NULL;
    return rc;
}
static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync);
}
static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int v_full(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static int v_random(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, n, out);
}
static int v_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return real_vfs->xSleep(real_vfs, us);
}
static int v_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, out);
}
static int v_last_error(sqlite3_vfs *vfs, int n, char *buf)
{
    (void)vfs;
    (void)n;
    (void)buf;
    return vfs_errno;
}

static sqlite3_vfs faulty_vfs;

static void register_faulty_vfs(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    faulty_vfs = (sqlite3_vfs){.iVersion = 1,
                               .szOsFile = (int)sizeof(vfile) + real_vfs->szOsFile,
                               .mxPathname = real_vfs->mxPathname,
                               .zName = "wp-faulty",
                               .xOpen = v_open,
                               .xDelete = v_delete,
                               .xAccess = v_access,
                               .xFullPathname = v_full,
                               .xDlOpen = NULL,
                               .xDlError = NULL,
                               .xDlSym = NULL,
                               .xDlClose = NULL,
                               .xRandomness = v_random,
                               .xSleep = v_sleep,
                               .xCurrentTime = v_time,
                               .xGetLastError = v_last_error};
    CHECK(sqlite3_vfs_register(&faulty_vfs, 0) == SQLITE_OK);
}

static void fill_response(store_response *r, int i)
{
    memset(r, 0, sizeof *r);
    wp_strlcpy(r->questionset, "wijk", sizeof r->questionset);
    r->questionset_version = 1;
    wp_strlcpy(r->language, "nl", sizeof r->language);
    r->started_at_ms = 1800000000000LL + i * 60000;
    r->finished_at_ms = r->started_at_ms + 1000;
    r->duration_ms = 1000;
    r->answers_json = "{\"blij\": \"4\"}";
}

/* The store on the kiosk's disk: a full, failing or read-only disk is said in the kiosk's words
 * (never "the stick"), nothing is half-stored, and the same response (same UUID) is stored once
 * when the disk works again. */
static void test_store(void)
{
    static const struct {
        int op, eno;
        const char *words;
    } store_cases[] = {
        {OP_WRITE, ENOSPC, "cannot save response: the kiosk's disk is full"},
        {OP_FSYNC, ENOSPC, "cannot save response: the kiosk's disk is full"},
        {OP_WRITE, EIO, "cannot save response: the kiosk's disk cannot be read or written"},
        {OP_FSYNC, EIO, "cannot save response: the kiosk's disk cannot be read or written"},
        {OP_WRITE, EROFS, "cannot save response: the kiosk's disk is read-only"},
    };
    register_faulty_vfs();
    char *dir = test_tmpdir("fsio-store");
    char *db = pathf(dir, "kiosk.db");
    char uri[1200];
    snprintf(uri, sizeof uri, "file:%s?vfs=wp-faulty", db);
    store *st = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(uri, &st, err, sizeof err) == 0, "store: %s", err);
    store_response r;
    fill_response(&r, 0);
    CHECKF(st && store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
    for (size_t i = 0; st && i < sizeof store_cases / sizeof store_cases[0]; i++) {
        fill_response(&r, (int)i + 1);
        inject(store_cases[i].op, store_cases[i].eno);
        CHECK(store_add_response(st, &r, err, sizeof err) == -1);
        CHECKF(strstr(err, store_cases[i].words) && strstr(err, db) && !strstr(err, "stick"),
               "case %zu: %s", i, err);
        inject(-1, 0);
        store_counts c;
        CHECKF(store_counts_get(st, &c, err, sizeof err) == 0 && c.total == (int64_t)i + 1,
               "case %zu: %s, %lld stored", i, err, (long long)c.total);
        /* The disk works again: the same response, same UUID, is stored once. */
        char id[37];
        wp_strlcpy(id, r.id, sizeof id);
        CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "case %zu: %s", i, err);
        CHECK_STR(r.id, id);
        CHECK(store_counts_get(st, &c, err, sizeof err) == 0 && c.total == (int64_t)i + 2);
    }
    CHECKF(st && store_check(st, err, sizeof err) == 0, "%s", err);
    store_close(st);
    /* Nothing half-written survives a restart either: the plain file opens and checks. */
    st = NULL;
    CHECKF(store_open(db, &st, err, sizeof err) == 0 && store_check(st, err, sizeof err) == 0, "%s",
           err);
    store_counts c;
    CHECK(st && store_counts_get(st, &c, err, sizeof err) == 0 &&
          c.total == (int64_t)(sizeof store_cases / sizeof store_cases[0]) + 1);
    store_close(st);
    sqlite3_vfs_unregister(&faulty_vfs);
    free(db);
    free(dir);
}

int main(void)
{
    RUN(test_write_file);
    RUN(test_settings_save);
    RUN(test_install);
    RUN(test_export);
    RUN(test_store);
    return test_main();
}
