/* USB sticks as plain folder trees: finding sticks, accepting only signed and valid sets,
 * refusing everything odd on a stick, the kiosk.conf whitelist, installing sets, and exporting
 * responses with nothing lost when the stick is read-only, full or pulled out. */
#include "config.h"
#include "qset.h"
#include "sign.h"
#include "signfile.h"
#include "stick.h"
#include "store.h"
#include "testlib.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char good_set[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"wijk-test\", \"version\": 1,\n"
    " \"languages\": [\"nl\", \"en\"],\n"
    " \"title\": {\"nl\": \"Hoe gaat het?\", \"en\": \"How are you?\"},\n"
    " \"questions\": [{\"id\": \"blij\", \"type\": \"smiley\",\n"
    "   \"text\": {\"nl\": \"Hoe blij bent u?\", \"en\": \"How happy are you?\"}}]}\n";

static const char good_set_v2[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"wijk-test\", \"version\": 2,\n"
    " \"languages\": [\"nl\"], \"title\": {\"nl\": \"Versie twee\"},\n"
    " \"questions\": [{\"id\": \"ja\", \"type\": \"yesno\", \"text\": {\"nl\": \"Ja?\"}}]}\n";

static char *pathf(const char *fmt, const char *a, const char *b)
{
    char buf[4096];
    snprintf(buf, sizeof buf, fmt, a, b ? b : "");
    return strdup(buf);
}

static void mkdirs(const char *path)
{
    char buf[4096];
    wp_strlcpy(buf, path, sizeof buf);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
    char *p = pathf("%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    CHECKF(f != NULL, "cannot create %s", p);
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
    free(p);
}

static void put_signed(const char *dir, const char *name, const char *text, const unsigned char *sk)
{
    char sig[256], err[WP_ERR_LEN], signame[512];
    put(dir, name, text, strlen(text));
    CHECK(sign_make(text, strlen(text), sk, sig, sizeof sig, err, sizeof err) == 0);
    snprintf(signame, sizeof signame, "%s.sig", name);
    put(dir, signame, sig, strlen(sig));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static void rm_rf(const char *p)
{
    nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
            n++;
    closedir(d);
    return n;
}

typedef struct {
    char *dir;
    unsigned char sk1[SIGN_SECRET_BYTES], sk2[SIGN_SECRET_BYTES];
    config cfg;
    uistr *ui; /* built-in interface strings, which sets are validated against */
} keys;

static void make_keys(keys *k)
{
    char err[WP_ERR_LEN];
    k->dir = test_tmpdir("stick-keys");
    k->ui = test_strings();
    char *n1 = pathf("%s/%s", k->dir, "k1"), *n2 = pathf("%s/%s", k->dir, "k2");
    char *s1 = pathf("%s/%s", k->dir, "k1.secret"), *s2 = pathf("%s/%s", k->dir, "k2.secret");
    CHECK(signfile_keygen(n1, err, sizeof err) == 0 && signfile_keygen(n2, err, sizeof err) == 0);
    CHECK(signfile_load_secret(s1, k->sk1, err, sizeof err) == 0);
    CHECK(signfile_load_secret(s2, k->sk2, err, sizeof err) == 0);
    config_defaults(&k->cfg);
    sign_public_b64(k->sk1 + 32, k->cfg.trusted_keys[0], sizeof k->cfg.trusted_keys[0]);
    k->cfg.n_trusted_keys = 1;
    free(n1), free(n2), free(s1), free(s2);
}

static const stick_set *find_set(const stick_scan *s, const char *file)
{
    for (int i = 0; i < s->n_sets; i++)
        if (!strcmp(s->sets[i].file, file))
            return &s->sets[i];
    return NULL;
}

static void check_status(const stick_scan *s, const char *file, stick_set_status want,
                         const char *words)
{
    const stick_set *set = find_set(s, file);
    CHECKF(set != NULL, "%s not listed", file);
    if (!set)
        return;
    CHECKF(set->status == want, "%s: status %s, want %s (%s)", file, stick_status_name(set->status),
           stick_status_name(want), set->reason);
    CHECKF(!words || strstr(set->reason, words), "%s: reason \"%s\" lacks \"%s\"", file,
           set->reason, words ? words : "");
}

static void test_find_sticks(void)
{
    char *root = test_tmpdir("media");
    char *a = pathf("%s/%s", root, "STICK1/WIJKPEIL");
    char *b = pathf("%s/%s", root, "user/STICK2/WIJKPEIL");
    char *c = pathf("%s/%s", root, "OTHER/photos");
    char *link = pathf("%s/%s", root, "LINKED");
    char *stick1 = pathf("%s/%s", root, "STICK1");
    mkdirs(a), mkdirs(b), mkdirs(c);
    CHECK(symlink(stick1, link) == 0); /* a symlink to a stick is not followed */
    config cfg;
    config_defaults(&cfg);
    wp_strlcpy(cfg.mount_roots[0], root, sizeof cfg.mount_roots[0]);
    wp_strlcpy(cfg.mount_roots[1], "/nonexistent-wijkpeil-root", sizeof cfg.mount_roots[1]);
    char found[STICK_MAX_STICKS][STICK_PATH_LEN];
    int n = stick_find(&cfg, found, STICK_MAX_STICKS);
    CHECKF(n == 2, "found %d sticks", n);
    char *want1 = pathf("%s/%s", root, "STICK1"), *want2 = pathf("%s/%s", root, "user/STICK2");
    bool f1 = false, f2 = false;
    for (int i = 0; i < n; i++) {
        f1 = f1 || !strcmp(found[i], want1);
        f2 = f2 || !strcmp(found[i], want2);
    }
    CHECK(f1 && f2);
    rm_rf(root);
    free(root), free(a), free(b), free(c), free(link), free(stick1), free(want1), free(want2);
}

static void test_scan_sets(void)
{
    keys k;
    make_keys(&k);
    char *stick = test_tmpdir("stick");
    char *qdir = pathf("%s/%s", stick, "WIJKPEIL/questionsets");
    char *wdir = pathf("%s/%s", stick, "WIJKPEIL");
    mkdirs(qdir);
    put_signed(qdir, "good.json", good_set, k.sk1);
    put(qdir, "unsigned.json", good_set, strlen(good_set));
    put_signed(qdir, "other-key.json", good_set, k.sk2);
    put_signed(qdir, "changed.json", good_set, k.sk1);
    {
        char changed[sizeof good_set];
        memcpy(changed, good_set, sizeof good_set);
        *strstr(changed, "Hoe blij") = 'h'; /* one byte after signing */
        put(qdir, "changed.json", changed, strlen(changed));
    }
    put_signed(qdir, "broken.json", "{\"format\": \"wijkpeil/1\",\n \"id\": }\n", k.sk1);
    put_signed(qdir, "invalid.json",
               "{\"format\": \"wijkpeil/1\", \"id\": \"x\", \"version\": 1, \"languages\": "
               "[\"nl\"], \"title\": {\"nl\": \"t\"}, \"questions\": []}\n",
               k.sk1);
    /* Signed and well formed, but in a language the kiosk has no interface strings for. */
    put_signed(
        qdir, "swahili.json",
        "{\"format\": \"wijkpeil/1\", \"id\": \"sw\", \"version\": 1, \"languages\": "
        "[\"nl\", \"sw\"], \"title\": {\"nl\": \"t\", \"sw\": \"t\"}, \"questions\": "
        "[{\"id\": \"a\", \"type\": \"yesno\", \"text\": {\"nl\": \"V\", \"sw\": \"S\"}}]}\n",
        k.sk1);
    {
        /* 6 MiB: refused without being read (sparse, so the test stays fast). */
        char *big = pathf("%s/%s", qdir, "big.json");
        int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        CHECK(fd >= 0 && ftruncate(fd, 6 * 1024 * 1024) == 0);
        close(fd);
        put(qdir, "big.json.sig", "x", 1);
        free(big);
    }
    {
        char *target = pathf("%s/%s", qdir, "good.json"), *ln = pathf("%s/%s", qdir, "link.json");
        CHECK(symlink(target, ln) == 0);
        free(target), free(ln);
        /* A symlinked signature next to a real set is refused too. */
        put(qdir, "linksig.json", good_set, strlen(good_set));
        char *sigt = pathf("%s/%s", qdir, "good.json.sig");
        char *sigl = pathf("%s/%s", qdir, "linksig.json.sig");
        CHECK(symlink(sigt, sigl) == 0);
        free(sigt), free(sigl);
    }
    put_signed(qdir, "a..b.json", good_set, k.sk1);
    put(qdir, "._good.json", "junk", 4); /* macOS litter: silently skipped */
    put(qdir, "notes.txt", "hello", 5);

    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0, "scan: %s", err);
    if (!s)
        goto out;
    CHECKF(s->n_sets == 11, "n_sets = %d", s->n_sets);
    check_status(s, "good.json", STICK_SET_OK, NULL);
    check_status(s, "unsigned.json", STICK_SET_UNSIGNED, "not signed");
    check_status(s, "other-key.json", STICK_SET_UNKNOWN_KEY, "does not trust");
    check_status(s, "changed.json", STICK_SET_TAMPERED, "changed after it was signed");
    check_status(s, "broken.json", STICK_SET_INVALID, "broken.json:2:");
    check_status(s, "invalid.json", STICK_SET_INVALID, "empty");
    check_status(s, "swahili.json", STICK_SET_INVALID, "language \"sw\" has no interface strings");
    check_status(s, "big.json", STICK_SET_TOO_LARGE, "5 MiB");
    check_status(s, "link.json", STICK_SET_UNSAFE, "symbolic link");
    check_status(s, "linksig.json", STICK_SET_UNSAFE, "symbolic link");
    check_status(s, "a..b.json", STICK_SET_UNSAFE, "\"..\"");
    CHECK(find_set(s, "._good.json") == NULL);
    const stick_set *g = find_set(s, "good.json");
    if (g) {
        CHECK_STR(g->id, "wijk-test");
        CHECK(g->version == 1 && g->n_questions == 1);
        CHECK_STR(g->title, "Hoe gaat het?");
        CHECK_STR(g->languages, "nl, en");
        CHECK(strlen(g->signer) == SIGN_KEYID_LEN &&
              !strncmp(g->signer, k.cfg.trusted_keys[0], SIGN_KEYID_LEN));
        CHECK(g->len == strlen(good_set) && !memcmp(g->data, good_set, g->len));
    }
    /* Only OK sets keep their bytes: nothing else can be installed. */
    for (int i = 0; i < s->n_sets; i++)
        CHECK((s->sets[i].status == STICK_SET_OK) == (s->sets[i].data != NULL));
    /* A second trusted key makes other-key.json acceptable. */
    stick_scan_free(s);
    s = NULL;
    sign_public_b64(k.sk2 + 32, k.cfg.trusted_keys[1], sizeof k.cfg.trusted_keys[1]);
    k.cfg.n_trusted_keys = 2;
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    if (s)
        check_status(s, "other-key.json", STICK_SET_OK, NULL);
    stick_scan_free(s);
    s = NULL;
    /* No trusted key at all: nothing is accepted. */
    k.cfg.n_trusted_keys = 0;
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    if (s)
        check_status(s, "good.json", STICK_SET_UNKNOWN_KEY, "trusts no signing key");
out:
    stick_scan_free(s);
    rm_rf(stick), rm_rf(k.dir);
    free(stick), free(qdir), free(wdir), free(k.dir), uistr_free(k.ui);
}

static const stick_settings *find_settings(const stick_scan *s, const char *file)
{
    for (int i = 0; i < s->n_settings; i++)
        if (!strcmp(s->settings[i].file, file))
            return &s->settings[i];
    return NULL;
}

static void check_settings_status(const stick_scan *s, const char *file, stick_set_status want,
                                  const char *words)
{
    const stick_settings *d = find_settings(s, file);
    CHECKF(d != NULL, "%s not listed", file);
    if (!d)
        return;
    CHECKF(d->status == want, "%s: status %s, want %s (%s)", file, stick_status_name(d->status),
           stick_status_name(want), d->reason);
    CHECKF(!words || strstr(d->reason, words), "%s: reason \"%s\" lacks \"%s\"", file, d->reason,
           words ? words : "");
    CHECKF((d->status == STICK_SET_OK) == (d->data != NULL), "%s: bytes kept only when OK", file);
}

/* The centre's settings documents in WIJKPEIL/settings/ (publish --to-stick): each through
 * stick_settings_verify, the check a download goes through; with its schedule, or due at once
 * under its hash when it has none; a schedule that is there but unreadable refuses it. */
static void test_scan_settings(void)
{
    keys k;
    make_keys(&k);
    char *stick = test_tmpdir("stick");
    char *sdir = pathf("%s/%s", stick, "WIJKPEIL/settings");
    mkdirs(sdir);
    static const char hours[] = "# spring\nopening_hours = 09:00-17:00\nidle_seconds = 600\n";
    put_signed(sdir, "hours.conf", hours, k.sk1);
    put(sdir, "hours.conf" STICK_SCHEDULE_EXT,
        "{\"publication\": \"0123456789abcdef\", \"from_ms\": 5000, \"until_ms\": 9000}", 70);
    put_signed(sdir, "plain.conf", "idle_seconds = 300\n", k.sk1); /* no schedule */
    put_signed(sdir, "evil.conf", "idle_seconds = 60\nendpoint = https://evil.example/\n", k.sk1);
    put_signed(sdir, "bad-value.conf", "idle_seconds = soon\n", k.sk1);
    put_signed(sdir, "stranger.conf", hours, k.sk2);
    put_signed(sdir, "changed.conf", hours, k.sk1);
    put(sdir, "changed.conf", "idle_seconds = 900\n", 19);
    put(sdir, "unsigned.conf", hours, strlen(hours));
    put_signed(sdir, "sched.conf", hours, k.sk1);
    put(sdir, "sched.conf" STICK_SCHEDULE_EXT, "{\"publication\": \"../x\"}", 23);
    put(sdir, "._hours.conf", "junk", 4); /* macOS litter: skipped */
    put(sdir, "notes.txt", "hello", 5);

    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0, "scan: %s", err);
    if (!s)
        goto out;
    CHECKF(s->n_sets == 0 && s->n_settings == 8, "n_sets %d, n_settings %d", s->n_sets,
           s->n_settings);
    CHECK_STR(s->settings[0].file, "bad-value.conf"); /* by name */
    check_settings_status(s, "hours.conf", STICK_SET_OK, NULL);
    check_settings_status(s, "plain.conf", STICK_SET_OK, NULL);
    check_settings_status(s, "evil.conf", STICK_SET_INVALID,
                          "evil.conf:2: endpoint may not be set from the centre");
    check_settings_status(s, "bad-value.conf", STICK_SET_INVALID, "bad-value.conf:1:");
    check_settings_status(s, "stranger.conf", STICK_SET_UNKNOWN_KEY, "does not trust");
    check_settings_status(s, "changed.conf", STICK_SET_TAMPERED, "changed after it was signed");
    check_settings_status(s, "unsigned.conf", STICK_SET_UNSIGNED, "not signed");
    check_settings_status(s, "sched.conf", STICK_SET_UNREADABLE, "schedule");
    CHECK(find_settings(s, "._hours.conf") == NULL);
    const stick_settings *h = find_settings(s, "hours.conf");
    if (h) {
        CHECK_STR(h->pub_id, "0123456789abcdef");
        CHECK(h->from_ms == 5000 && h->until_ms == 9000);
        CHECK(h->len == strlen(hours) && !memcmp(h->data, hours, h->len));
        CHECK(!strncmp(h->signer, k.cfg.trusted_keys[0], SIGN_KEYID_LEN));
    }
    const stick_settings *p = find_settings(s, "plain.conf");
    if (p) { /* known by its bytes, from now on without end */
        CHECK(strlen(p->pub_id) == 16 && strspn(p->pub_id, "0123456789abcdef") == 16);
        CHECK(p->from_ms == 0 && p->until_ms == 0);
    }
    /* The very same verdicts through the function a download goes through. */
    char reason[STICK_REASON_LEN], signer[16] = "";
    char sig[256];
    CHECK(sign_make(hours, strlen(hours), k.sk1, sig, sizeof sig, err, sizeof err) == 0);
    CHECK(stick_settings_verify(hours, strlen(hours), sig, strlen(sig), "hours.conf", &k.cfg,
                                signer, reason, sizeof reason) == STICK_SET_OK);
    CHECK(!strncmp(signer, k.cfg.trusted_keys[0], SIGN_KEYID_LEN) && reason[0] == '\0');
    char changed[sizeof hours];
    memcpy(changed, hours, sizeof hours);
    *strstr(changed, "600") = '9'; /* one byte after signing */
    CHECK(stick_settings_verify(changed, strlen(changed), sig, strlen(sig), "hours.conf", &k.cfg,
                                NULL, reason, sizeof reason) == STICK_SET_TAMPERED);
    k.cfg.n_trusted_keys = 0;
    CHECK(stick_settings_verify(hours, strlen(hours), sig, strlen(sig), "hours.conf", &k.cfg, NULL,
                                reason, sizeof reason) == STICK_SET_UNKNOWN_KEY);
out:
    stick_scan_free(s);
    rm_rf(stick), rm_rf(k.dir);
    free(stick), free(sdir), free(k.dir), uistr_free(k.ui);
}

static void test_symlinked_folders(void)
{
    keys k;
    make_keys(&k);
    char *real = test_tmpdir("stick-real");
    char *stick = test_tmpdir("stick-link");
    char *rq = pathf("%s/%s", real, "questionsets");
    mkdirs(rq);
    put_signed(rq, "good.json", good_set, k.sk1);
    /* WIJKPEIL itself a symlink: the whole stick is refused. */
    char *w = pathf("%s/%s", stick, "WIJKPEIL");
    CHECK(symlink(real, w) == 0);
    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "";
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) != 0 && s == NULL);
    CHECKF(strstr(err, "symbolic link") != NULL, "%s", err);
    /* questionsets a symlink: no sets, a note says why. */
    unlink(w);
    mkdirs(w);
    char *q = pathf("%s/%s", w, "questionsets");
    CHECK(symlink(rq, q) == 0);
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    if (s) {
        CHECK(s->n_sets == 0 && s->n_notes == 1 && strstr(s->notes[0], "symbolic link"));
    }
    stick_scan_free(s);
    rm_rf(real), rm_rf(stick), rm_rf(k.dir);
    free(real), free(stick), free(rq), free(w), free(q), free(k.dir), uistr_free(k.ui);
}

static void test_thousands_of_files(void)
{
    keys k;
    make_keys(&k);
    char *stick = test_tmpdir("stick-many");
    char *qdir = pathf("%s/%s", stick, "WIJKPEIL/questionsets");
    mkdirs(qdir);
    char name[64];
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "set-%04d.json", i);
        put(qdir, name, "{}", 2);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "";
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1000 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("scan of a stick with 3000 files: %.1f ms\n", ms);
    CHECKF(ms < 2000, "scan took %.0f ms", ms);
    if (s) {
        CHECK(s->n_sets <= STICK_MAX_SETS);
        bool stopped = false, capped = false;
        for (int i = 0; i < s->n_notes; i++) {
            stopped = stopped || strstr(s->notes[i], "holds 3000 entries: only the first 1000 "
                                                     "were looked at, 2000 skipped");
            capped = capped || strstr(s->notes[i], "only the first 32 question sets (by name) "
                                                   "were checked; 968 skipped");
        }
        CHECKF(stopped && capped, "notes: %s | %s", s->n_notes > 0 ? s->notes[0] : "",
               s->n_notes > 1 ? s->notes[1] : "");
    }
    stick_scan_free(s);
    rm_rf(stick), rm_rf(k.dir);
    free(stick), free(qdir), free(k.dir), uistr_free(k.ui);
}

/* Junk on a stick cannot hide the real set without staff being told: past the 32-set limit
 * the skipped sets are named, past the 1000-entry limit the skipped entries are counted and
 * any set among them is named. */
static void test_skipped_are_named(void)
{
    keys k;
    make_keys(&k);
    char *stick = test_tmpdir("stick-junk");
    char *qdir = pathf("%s/%s", stick, "WIJKPEIL/questionsets");
    mkdirs(qdir);
    char name[64];
    for (int i = 0; i < 34; i++) {
        snprintf(name, sizeof name, "junk-%02d.json", i);
        put(qdir, name, "{}", 2);
    }
    put_signed(qdir, "zz-real.json", good_set, k.sk1);
    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "";
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    if (s) {
        CHECK(s->n_sets == STICK_MAX_SETS && find_set(s, "zz-real.json") == NULL);
        CHECKF(s->n_notes == 1 &&
                   strstr(s->notes[0], "only the first 32 question sets (by name) were checked; "
                                       "3 skipped: junk-32.json, junk-33.json, zz-real.json"),
               "notes: %s", s->n_notes ? s->notes[0] : "");
    }
    stick_scan_free(s);
    rm_rf(qdir);
    /* 1200 junk entries and the real set: wherever the directory order puts it, the real set is
     * either checked or named, and the 202 entries not looked at are counted. */
    mkdirs(qdir);
    for (int i = 0; i < 1200; i++) {
        snprintf(name, sizeof name, "junk-%04d.txt", i);
        put(qdir, name, "x", 1);
    }
    put_signed(qdir, "real.json", good_set, k.sk1);
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    if (s) {
        bool counted = false, named = false;
        for (int i = 0; i < s->n_notes; i++) {
            counted = counted || strstr(s->notes[i], "holds 1202 entries: only the first 1000 "
                                                     "were looked at, 202 skipped");
            named = named || strstr(s->notes[i], "among them question sets real.json");
        }
        CHECKF(counted, "notes: %s", s->n_notes ? s->notes[0] : "(none)");
        CHECKF(find_set(s, "real.json") != NULL || named, "real.json neither checked nor named: %s",
               s->n_notes ? s->notes[0] : "(none)");
    }
    stick_scan_free(s);
    rm_rf(stick), rm_rf(k.dir);
    free(stick), free(qdir), free(k.dir), uistr_free(k.ui);
}

static void test_kiosk_conf(void)
{
    char *stick = test_tmpdir("stick-conf");
    char *wdir = pathf("%s/%s", stick, "WIJKPEIL");
    mkdirs(wdir);
    const char *conf = "# settings from the centre\n"
                       "idle_seconds = 60\n"
                       "token = stolen\n"
                       "languages = nl,ar\n"
                       "still_there_seconds = 5\n"
                       "colour = red\n"
                       "opening_hours = 09:00-17:00\n"
                       "nonsense line\n"
                       "trusted_key = AAAA\n";
    put(wdir, "kiosk.conf", conf, strlen(conf));
    stick_conf c;
    char err[WP_ERR_LEN] = "";
    CHECK(stick_conf_read(stick, &c, err, sizeof err) == 0 && c.present);
    CHECKF(c.n_accepted == 3, "accepted %d", c.n_accepted);
    CHECKF(c.n_refused == 5, "refused %d", c.n_refused);
    if (c.n_refused == 5) {
        CHECK(!strncmp(c.refused[0], "kiosk.conf:3:", 13) && strstr(c.refused[0], "token"));
        CHECK(!strncmp(c.refused[1], "kiosk.conf:5:", 13));
        CHECK(!strncmp(c.refused[2], "kiosk.conf:6:", 13) && strstr(c.refused[2], "unknown"));
        CHECK(!strncmp(c.refused[3], "kiosk.conf:8:", 13));
        CHECK(!strncmp(c.refused[4], "kiosk.conf:9:", 13) && strstr(c.refused[4], "trusted_key"));
    }
    /* Applying merges into the override file: old value replaced, other lines kept. */
    char *data = test_tmpdir("kiosk-data");
    char *ovr = pathf("%s/%s", data, "local.conf");
    const char *local = "# local\nidle_seconds = 30\nlocation = nazareth\n";
    put(data, "local.conf", local, strlen(local));
    CHECK(stick_conf_apply(&c, ovr, err, sizeof err) == 0);
    config cfg;
    config_defaults(&cfg);
    CHECKF(config_load(&cfg, ovr, err, sizeof err) == 0, "%s", err);
    CHECK(cfg.idle_seconds == 60 && !strcmp(cfg.location, "nazareth"));
    CHECK_STR(cfg.languages, "nl,ar");
    CHECK_STR(cfg.opening_hours, "09:00-17:00");
    CHECK(cfg.n_trusted_keys == 0 && cfg.token[0] == '\0');
    char *text = NULL;
    CHECK(wp_read_file(ovr, 4096, &text, NULL, NULL, 0) == 0);
    CHECK(text && strstr(text, "idle_seconds = 30") == NULL && strstr(text, "# local"));
    free(text);
    CHECK(count_entries(data) == 1); /* no temporary file left */
    /* A symlinked kiosk.conf is refused. */
    char *cp = pathf("%s/%s", wdir, "kiosk.conf");
    unlink(cp);
    CHECK(symlink(ovr, cp) == 0);
    CHECK(stick_conf_read(stick, &c, err, sizeof err) != 0 && strstr(err, "symbolic link"));
    rm_rf(stick), rm_rf(data);
    free(stick), free(wdir), free(data), free(ovr), free(cp);
}

/* Settings that decide where responses and secrets go never come from an unsigned file on a
 * stick: each is refused with a reason staff can read, and saving the stick's settings also
 * clears such lines from an earlier local.conf. */
static void test_kiosk_conf_admin_keys(void)
{
    char *stick = test_tmpdir("stick-admin");
    char *wdir = pathf("%s/%s", stick, "WIJKPEIL");
    mkdirs(wdir);
    const char *conf = "endpoint = https://evil.example/\n"
                       "ca_file = /media/stick/ca.pem\n"
                       "pinned_public_key = sha256//AAAA\n"
                       "token = stolen\n"
                       "trusted_key = AAAA\n"
                       "device_id = kiosk-99\n"
                       "idle_seconds = 45\n";
    put(wdir, "kiosk.conf", conf, strlen(conf));
    stick_conf c;
    char err[WP_ERR_LEN] = "";
    CHECK(stick_conf_read(stick, &c, err, sizeof err) == 0 && c.present);
    CHECKF(c.n_accepted == 1 && !strcmp(c.accepted[0].key, "idle_seconds"), "accepted %d",
           c.n_accepted);
    static const char *const keys[] = {"endpoint", "ca_file",     "pinned_public_key",
                                       "token",    "trusted_key", "device_id"};
    CHECKF(c.n_refused == 6, "refused %d", c.n_refused);
    for (int i = 0; i < 6 && i < c.n_refused; i++) {
        char want[128];
        snprintf(want, sizeof want,
                 "kiosk.conf:%d: %s can only be set by an administrator in "
                 "/etc/wijkpeil/kiosk.conf",
                 i + 1, keys[i]);
        CHECKF(strstr(c.refused[i], want) != NULL, "\"%s\" lacks \"%s\"", c.refused[i], want);
    }
    /* A local.conf saved before (an endpoint from a stick): saving drops it. */
    char *data = test_tmpdir("kiosk-admin-data");
    char *ovr = pathf("%s/%s", data, "local.conf");
    const char *local = "# saved from a stick\nendpoint = https://evil.example/\n"
                        "token = stolen\nlocation = nazareth\n";
    put(data, "local.conf", local, strlen(local));
    CHECK(stick_conf_apply(&c, ovr, err, sizeof err) == 0);
    char *text = NULL;
    CHECK(wp_read_file(ovr, 4096, &text, NULL, NULL, 0) == 0);
    CHECKF(text && !strstr(text, "endpoint") && !strstr(text, "token") &&
               strstr(text, "location = nazareth") && strstr(text, "idle_seconds = 45") &&
               strstr(text, "# saved from a stick"),
           "local.conf now: %s", text ? text : "");
    free(text);
    rm_rf(stick), rm_rf(data);
    free(stick), free(wdir), free(data), free(ovr);
}

static void test_install(void)
{
    keys k;
    make_keys(&k);
    char *stick = test_tmpdir("stick-inst");
    char *qdir = pathf("%s/%s", stick, "WIJKPEIL/questionsets");
    char *data = test_tmpdir("kiosk-data");
    mkdirs(qdir);
    put_signed(qdir, "a.json", good_set, k.sk1);
    put_signed(qdir, "b.json", good_set_v2, k.sk1);
    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "", path[STICK_PATH_LEN] = "";
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    if (!s)
        goto out;
    CHECK(s->n_sets == 2 && s->sets[0].status == STICK_SET_OK && s->sets[1].status == STICK_SET_OK);
    /* The stick is pulled after the preview: activation installs the bytes already verified. */
    rm_rf(stick);
    CHECKF(stick_install(&s->sets[0], data, path, sizeof path, err, sizeof err) == 0, "%s", err);
    char *got = NULL;
    size_t len = 0;
    CHECK(wp_read_file(path, 1 << 20, &got, &len, NULL, 0) == 0);
    CHECK(got && len == strlen(good_set) && !memcmp(got, good_set, len));
    free(got);
    char *want = pathf("%s/%s", data, "questionsets/wijk-test-v1.json");
    CHECK_STR(path, want);
    char *sig = pathf("%s/%s", data, "questionsets/wijk-test-v1.json.sig");
    CHECK(exists(sig));
    /* Same bytes again: fine. Version 2 next to it: both kept, listed in order. */
    CHECK(stick_install(&s->sets[0], data, NULL, 0, err, sizeof err) == 0);
    CHECK(stick_install(&s->sets[1], data, NULL, 0, err, sizeof err) == 0);
    stick_installed inst[STICK_MAX_INSTALLED];
    int n = stick_list_installed(data, k.ui, inst, STICK_MAX_INSTALLED, err, sizeof err);
    CHECKF(n == 2, "installed %d", n);
    if (n == 2) {
        CHECK(inst[0].version == 1 && inst[1].version == 2);
        CHECK_STR(inst[1].title, "Versie twee");
    }
    /* Other bytes under an installed id and version: refused, the installed file unchanged. */
    stick_set fake = s->sets[0];
    char other[sizeof good_set];
    memcpy(other, good_set, sizeof good_set);
    other[strlen(other) - 3] = ' ';
    fake.data = other;
    CHECK(stick_install(&fake, data, NULL, 0, err, sizeof err) != 0 &&
          strstr(err, "raise the version"));
    /* A set that was not accepted cannot be installed. */
    fake.status = STICK_SET_TAMPERED;
    CHECK(stick_install(&fake, data, NULL, 0, err, sizeof err) != 0);
    free(want), free(sig);
out:
    stick_scan_free(s);
    rm_rf(stick), rm_rf(data), rm_rf(k.dir);
    free(stick), free(qdir), free(data), free(k.dir), uistr_free(k.ui);
}

/* ---- sets with clips and icons ("files") ---- */

/* A set whose question has the clip CLIP (nl) and whose option has the icon money, listing the
 * files given as "path":"sha256" pairs in files_json. */
static char *clip_set(const char *id, const char *clip, const char *files_json)
{
    char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"format\": \"wijkpeil/1\", \"id\": \"%s\", \"version\": 1,\n"
             " \"languages\": [\"nl\"], \"title\": {\"nl\": \"Met geluid\"},\n"
             " \"questions\": [{\"id\": \"waar\", \"type\": \"single\",\n"
             "   \"text\": {\"nl\": \"Waar?\"}, \"text_audio\": {\"nl\": \"%s\"},\n"
             "   \"options\": [{\"id\": \"hier\", \"icon\": \"money\", \"text\": {\"nl\": "
             "\"Hier\"}}]}]%s%s%s}\n",
             id, clip, files_json ? ",\n \"files\": {" : "", files_json ? files_json : "",
             files_json ? "}" : "");
    return strdup(buf);
}

/* "path": "sha256 of dir/path" */
static char *file_entry(const char *dir, const char *rel)
{
    char *p = pathf("%s/%s", dir, rel), *data = NULL, buf[600];
    size_t len = 0;
    unsigned char d[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    CHECK(wp_read_file(p, 1 << 20, &data, &len, NULL, 0) == 0);
    crypto_hash_sha256(d, (const unsigned char *)data, len);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    snprintf(buf, sizeof buf, "\"%s\": \"%s\"", rel, hex);
    free(p), free(data);
    return strdup(buf);
}

/* A WAV clip: the bytes of the fixture, with one byte made different per name. */
static void put_clip(const char *qdir, const char *rel, char tag)
{
    char *src = test_src("tests/qsets/clips/q1-nl.wav"), *data = NULL;
    size_t len = 0;
    CHECK(wp_read_file(src, 1 << 20, &data, &len, NULL, 0) == 0 && len > 40);
    if (data) {
        data[len - 1] = tag;
        put(qdir, rel, data, len);
    }
    free(src), free(data);
}

/* Signs a set with one clip (and the money icon) listing exactly those files. */
static void put_clip_set(const char *qdir, const char *name, const char *id, const char *clip,
                         const unsigned char *sk)
{
    char *e1 = file_entry(qdir, clip), *e2 = file_entry(qdir, "icons/money.png");
    char files[1200];
    snprintf(files, sizeof files, "%s, %s", e1, e2);
    char *set = clip_set(id, clip, files);
    put_signed(qdir, name, set, sk);
    free(e1), free(e2), free(set);
}

static void test_install_files(void)
{
    keys k;
    make_keys(&k);
    char *stick = test_tmpdir("stick-files");
    char *qdir = pathf("%s/%s", stick, "WIJKPEIL/questionsets");
    char *data = test_tmpdir("kiosk-files");
    char *cdir = pathf("%s/%s", qdir, "clips"), *idir = pathf("%s/%s", qdir, "icons");
    mkdirs(cdir), mkdirs(idir);
    put_clip(qdir, "clips/nl-q1.wav", 'a');
    put(qdir, "icons/money.png", "\x89PNG-money", 10);
    put_clip_set(qdir, "met-geluid.json", "met-geluid", "clips/nl-q1.wav", k.sk1);
    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "", path[STICK_PATH_LEN] = "";
    CHECKF(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0, "scan: %s", err);
    const stick_set *set = s ? find_set(s, "met-geluid.json") : NULL;
    CHECK(set != NULL);
    if (!set)
        goto out;
    check_status(s, "met-geluid.json", STICK_SET_OK, NULL);
    CHECK(set->n_files == 2);
    CHECKF(stick_install(set, data, path, sizeof path, err, sizeof err) == 0, "install: %s", err);
    char *want = pathf("%s/%s", data, "questionsets/met-geluid-v1/met-geluid-v1.json");
    CHECK_STR(path, want);
    /* The installed copy loads, and its clip and icon are files of its own folder. */
    qset *qs = NULL;
    qset_diag *d = calloc(1, sizeof *d);
    CHECKF(qset_load_file(path, k.ui, &qs, d) == 0, "installed set: %s", d->n ? d->msg[0] : "");
    if (qs) {
        const char *clip = qset_question_at(qs, 0)->text.audio[0];
        char real[4096];
        CHECK(realpath(data, real) != NULL);
        CHECKF(clip && !strncmp(clip, real, strlen(real)) && exists(clip), "clip %s",
               clip ? clip : "(none)");
        char *icon = pathf("%s/%s", qset_base_dir(qs), "icons/money.png");
        CHECK(exists(icon));
        free(icon);
        CHECK(qset_lists_files(qs) && qset_n_files(qs) == 2);
    }
    qset_free(qs);
    free(d);
    char *sig = pathf("%s/%s", data, "questionsets/met-geluid-v1/met-geluid-v1.json.sig");
    CHECK(exists(sig));
    /* Nothing else is left in questionsets (no temporary folder). */
    char *qs_dir = pathf("%s/%s", data, "questionsets");
    CHECK(count_entries(qs_dir) == 1);
    stick_installed inst[STICK_MAX_INSTALLED];
    int n = stick_list_installed(data, k.ui, inst, STICK_MAX_INSTALLED, err, sizeof err);
    CHECKF(n == 1 && !strcmp(inst[0].path, want), "listed %d", n);
    /* Installing again: fine. A damaged installed clip is replaced whole. */
    CHECK(stick_install(set, data, NULL, 0, err, sizeof err) == 0);
    char *inst_clip = pathf("%s/%s", data, "questionsets/met-geluid-v1/clips/nl-q1.wav");
    put(data, "questionsets/met-geluid-v1/clips/nl-q1.wav", "broken", 6);
    CHECKF(stick_install(set, data, NULL, 0, err, sizeof err) == 0, "reinstall: %s", err);
    char *got = NULL;
    size_t len = 0;
    CHECK(wp_read_file(inst_clip, 1 << 20, &got, &len, NULL, 0) == 0 && len > 6);
    free(got);
    CHECK(count_entries(qs_dir) == 1);
    /* A clip changed on the stick after the scan: not installed, nothing left behind. */
    rm_rf(qs_dir);
    put_clip(qdir, "clips/nl-q1.wav", 'b');
    CHECK(stick_install(set, data, NULL, 0, err, sizeof err) != 0 &&
          strstr(err, "clips/nl-q1.wav"));
    CHECK(count_entries(qs_dir) == 0);
    free(want), free(sig), free(qs_dir), free(inst_clip);
out:
    stick_scan_free(s);
    rm_rf(stick), rm_rf(data), rm_rf(k.dir);
    free(stick), free(qdir), free(data), free(cdir), free(idir), free(k.dir), uistr_free(k.ui);
}

static void test_refused_files(void)
{
    keys k;
    make_keys(&k);
    char *stick = test_tmpdir("stick-badfiles");
    char *qdir = pathf("%s/%s", stick, "WIJKPEIL/questionsets");
    char *cdir = pathf("%s/%s", qdir, "clips"), *idir = pathf("%s/%s", qdir, "icons");
    mkdirs(cdir), mkdirs(idir);
    put(qdir, "icons/money.png", "\x89PNG-money", 10);
    /* One byte of the clip changed after signing. */
    put_clip(qdir, "clips/t.wav", 't');
    put_clip_set(qdir, "tampered.json", "tampered", "clips/t.wav", k.sk1);
    put_clip(qdir, "clips/t.wav", 'T');
    /* The clip is not on the stick (the set lists it). */
    put_clip(qdir, "clips/m.wav", 'm');
    put_clip_set(qdir, "missing.json", "missing", "clips/m.wav", k.sk1);
    char *m = pathf("%s/%s", qdir, "clips/m.wav");
    unlink(m);
    /* The clip is a symbolic link (to a file with the very bytes signed). */
    put_clip(qdir, "clips/real.wav", 's');
    char *real = pathf("%s/%s", qdir, "clips/real.wav"), *ln = pathf("%s/%s", qdir, "clips/s.wav");
    CHECK(symlink(real, ln) == 0);
    put_clip_set(qdir, "symlinked.json", "symlinked", "clips/s.wav", k.sk1);
    /* A clip the signed list does not name, and a set with a clip and no list at all. */
    put_clip(qdir, "clips/u.wav", 'u');
    {
        char *e = file_entry(qdir, "icons/money.png");
        char *set = clip_set("unlisted", "clips/u.wav", e);
        put_signed(qdir, "unlisted.json", set, k.sk1);
        free(set), free(e);
        set = clip_set("old", "clips/u.wav", NULL);
        put_signed(qdir, "old.json", set, k.sk1);
        free(set);
    }
    /* A listed icon that is too large (sparse, so the test stays fast). */
    put_clip(qdir, "clips/b.wav", 'b');
    put_clip_set(qdir, "big.json", "big", "clips/b.wav", k.sk1);
    {
        char *icon = pathf("%s/%s", qdir, "icons/money.png");
        int fd = open(icon, O_WRONLY | O_TRUNC);
        CHECK(fd >= 0 && ftruncate(fd, STICK_MAX_SET_FILE_BYTES + 1) == 0);
        close(fd);
        free(icon);
    }
    stick_scan *s = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0, "scan: %s", err);
    if (!s)
        goto out;
    check_status(s, "tampered.json", STICK_SET_TAMPERED,
                 "clips/t.wav was changed after the set was signed");
    check_status(s, "missing.json", STICK_SET_INVALID, "clip \"clips/m.wav\" not found");
    check_status(s, "symlinked.json", STICK_SET_UNSAFE, "clips/s.wav is a symbolic link");
    check_status(s, "unlisted.json", STICK_SET_INVALID,
                 "clip \"clips/u.wav\" is not listed in \"files\"");
    check_status(s, "old.json", STICK_SET_INVALID,
                 "clips/u.wav) that its signature does not cover");
    check_status(s, "big.json", STICK_SET_TOO_LARGE, "icons/money.png is too large");
    for (int i = 0; i < s->n_sets; i++) {
        CHECK(s->sets[i].data == NULL && s->sets[i].files == NULL);
        CHECK(stick_install(&s->sets[i], stick, NULL, 0, err, sizeof err) != 0);
    }
    /* A listed icon that is not on the stick is named too. */
    stick_scan_free(s);
    s = NULL;
    char *icon = pathf("%s/%s", qdir, "icons/money.png");
    unlink(icon);
    put(qdir, "icons/money.png", "\x89PNG-money", 10);
    put_clip(qdir, "clips/i.wav", 'i');
    put_clip_set(qdir, "icon.json", "icon", "clips/i.wav", k.sk1);
    unlink(icon);
    CHECK(stick_scan_open(stick, &k.cfg, k.ui, &s, err, sizeof err) == 0);
    if (s)
        check_status(s, "icon.json", STICK_SET_INVALID, "icons/money.png");
    free(icon);
out:
    stick_scan_free(s);
    rm_rf(stick), rm_rf(k.dir);
    free(stick), free(qdir), free(cdir), free(idir), free(k.dir), free(m), free(real), free(ln),
        uistr_free(k.ui);
}

/* ---- export ---- */

static store *make_store(const char *dir, int n)
{
    char *db = pathf("%s/%s", dir, "kiosk.db");
    store *st = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(db, &st, err, sizeof err) == 0, "store: %s", err);
    for (int i = 0; st && i < n; i++) {
        store_response r;
        memset(&r, 0, sizeof r);
        wp_strlcpy(r.questionset, "wijk-test", sizeof r.questionset);
        r.questionset_version = 1;
        wp_strlcpy(r.language, i % 2 ? "ar" : "nl", sizeof r.language);
        r.started_at_ms = 1800000000000LL + i * 60000;
        r.finished_at_ms = r.started_at_ms + 45000;
        r.duration_ms = 45000;
        r.answers_json = "{\"blij\": \"4\"}";
        CHECK(store_add_response(st, &r, err, sizeof err) == 0);
    }
    free(db);
    return st;
}

static int lines_in(const char *path)
{
    char *t = NULL;
    size_t len = 0;
    if (wp_read_file(path, 1 << 24, &t, &len, NULL, 0) != 0)
        return -1;
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += t[i] == '\n';
    free(t);
    return n;
}

static const int64_t export_now = 1800000000000LL; /* 2027-01-15T08:00:00Z */

static void test_export_ok(void)
{
    char *dir = test_tmpdir("export");
    char *stick = test_tmpdir("stick-export");
    store *st = make_store(dir, 3);
    put(dir, "kiosk.log", "started\nstopped\n", 16);
    char *log = pathf("%s/%s", dir, "kiosk.log");
    stick_export_result res;
    char err[WP_ERR_LEN] = "";
    CHECKF(stick_export(st, stick, false, "kiosk-nazareth-1", log, export_now, NULL, NULL, &res,
                        err, sizeof err) == 0,
           "export: %s", err);
    CHECK(res.n_responses == 3 && res.last_seq == 3);
    char *jl =
        pathf("%s/%s", stick, "WIJKPEIL/export/kiosk-nazareth-1-20270115-080000-responses.jsonl");
    CHECK_STR(res.jsonl, jl);
    CHECK(lines_in(res.jsonl) == 3);
    CHECK(lines_in(res.csv) == 4);
    CHECK(lines_in(res.log) == 2);
    char *edir = pathf("%s/%s", stick, "WIJKPEIL/export");
    CHECK(count_entries(edir) == 3); /* nothing but the three files */
    char val[32] = "";
    CHECK(store_meta_get(st, STICK_META_LAST_EXPORT, val, sizeof val, err, sizeof err) == 0);
    CHECK_STR(val, "3");
    /* Two more responses; "since last export" takes only those. */
    store_close(st);
    st = make_store(dir, 2);
    CHECK(stick_export(st, stick, true, "kiosk-nazareth-1", NULL, export_now + 60000, NULL, NULL,
                       &res, err, sizeof err) == 0);
    CHECK(res.n_responses == 2 && lines_in(res.jsonl) == 2 && res.log[0] == '\0');
    CHECK(store_meta_get(st, STICK_META_LAST_EXPORT, val, sizeof val, err, sizeof err) == 0);
    CHECK_STR(val, "5");
    /* Same second again (staff pressing export twice, a test exporting twice): a counter after
     * the time, sorting after the first; the earlier files are left as they were. */
    char *second = pathf("%s%s", res.jsonl, "");
    CHECKF(stick_export(st, stick, false, "kiosk-nazareth-1", NULL, export_now + 60000, NULL, NULL,
                        &res, err, sizeof err) == 0,
           "same second: %s", err);
    char *third =
        pathf("%s/%s", stick, "WIJKPEIL/export/kiosk-nazareth-1-20270115-080100.2-responses.jsonl");
    CHECK_STR(res.jsonl, third);
    CHECK(lines_in(res.jsonl) == 5 && lines_in(second) == 2);
    CHECK(strcmp(strrchr(second, '/'), strrchr(third, '/')) < 0); /* in order when sorted */
    CHECK(stick_export(st, stick, true, "kiosk-nazareth-1", NULL, export_now + 60000, NULL, NULL,
                       &res, err, sizeof err) == 0);
    CHECK(strstr(res.jsonl, "-080100.3-responses.jsonl") != NULL && lines_in(res.jsonl) == 0);
    CHECK(count_entries(edir) == 3 + 2 * 3);
    store_close(st);
    rm_rf(dir), rm_rf(stick);
    free(dir), free(stick), free(log), free(jl), free(edir), free(second), free(third);
}

/* After a failed export: no file under a final name, no temporary file, store unchanged. */
static void check_nothing_left(const char *stick, store *st, const char *want_meta)
{
    char *edir = pathf("%s/%s", stick, "WIJKPEIL/export");
    int n = count_entries(edir);
    CHECKF(n <= 0, "%d files left in %s", n, edir);
    char val[32] = "", err[WP_ERR_LEN];
    int g = store_meta_get(st, STICK_META_LAST_EXPORT, val, sizeof val, err, sizeof err);
    if (want_meta)
        CHECK(g == 0 && !strcmp(val, want_meta));
    else
        CHECK(g == 1);
    store_counts c;
    CHECK(store_counts_get(st, &c, err, sizeof err) == 0 && c.total > 0);
    free(edir);
}

typedef struct {
    const char *stick;
    int calls;
} pull_ctx;

static int pull_stick(void *ctx, int64_t done, int64_t total)
{
    pull_ctx *p = ctx;
    (void)total;
    p->calls++;
    if (done > 0 && p->calls < 100) {
        char *w = pathf("%s/%s", p->stick, "WIJKPEIL");
        rm_rf(w); /* the stick is pulled out half-way */
        free(w);
        p->calls = 100;
    }
    return 0;
}

static int cancel_at_once(void *ctx, int64_t done, int64_t total)
{
    (void)ctx, (void)total;
    return done > 0;
}

static void test_export_pulled_and_cancelled(void)
{
    char *dir = test_tmpdir("export");
    char *stick = test_tmpdir("stick-pull");
    store *st = make_store(dir, 600);
    pull_ctx p = {stick, 0};
    char err[WP_ERR_LEN] = "";
    CHECK(stick_export(st, stick, false, "k1", NULL, export_now, pull_stick, &p, NULL, err,
                       sizeof err) != 0);
    CHECKF(strstr(err, "removed") != NULL, "message: %s", err);
    check_nothing_left(stick, st, NULL);
    CHECK(stick_export(st, stick, false, "k1", NULL, export_now, cancel_at_once, NULL, NULL, err,
                       sizeof err) != 0);
    CHECKF(strstr(err, "cancelled") != NULL, "message: %s", err);
    check_nothing_left(stick, st, NULL);
    /* The next try on a good stick exports everything. */
    stick_export_result res;
    CHECK(stick_export(st, stick, true, "k1", NULL, export_now, NULL, NULL, &res, err,
                       sizeof err) == 0 &&
          res.n_responses == 600);
    store_close(st);
    rm_rf(dir), rm_rf(stick);
    free(dir), free(stick);
}

/* Someone with the stick (or a process racing the export) swaps the export folder, or a file
 * name in it, for a symlink pointing off the stick after the kiosk checked it. The progress
 * callback runs after the checks and before the files are made: the swap happens there. */
typedef struct {
    const char *edir, *moved, *outside, *plant; /* plant: a file name to make a symlink */
    int calls;
} swap_ctx;

static int swap_on_first_progress(void *ctx, int64_t done, int64_t total)
{
    swap_ctx *c = ctx;
    (void)done, (void)total;
    if (c->calls++ > 0)
        return 0;
    if (c->moved) {
        CHECK(rename(c->edir, c->moved) == 0);
        CHECK(symlink(c->outside, c->edir) == 0);
    }
    if (c->plant) {
        char target[4096], link[4096];
        snprintf(target, sizeof target, "%s/victim", c->outside);
        snprintf(link, sizeof link, "%s/%s", c->edir, c->plant);
        CHECK(symlink(target, link) == 0);
    }
    return 0;
}

static void test_export_symlink_swap(void)
{
    char *dir = test_tmpdir("export-swap");
    char *stick = test_tmpdir("stick-swap");
    char *outside = test_tmpdir("outside-swap");
    char *edir = pathf("%s/%s", stick, "WIJKPEIL/export");
    char *moved = pathf("%s/%s", stick, "WIJKPEIL/export-real");
    mkdirs(edir);
    store *st = make_store(dir, 3);
    stick_export_result res;
    char err[WP_ERR_LEN] = "";
    /* The folder swapped between the check and the writes: everything lands in the folder
     * that was checked, nothing outside. */
    swap_ctx c = {edir, moved, outside, NULL, 0};
    int rc = stick_export(st, stick, false, "kiosk-1", NULL, export_now, swap_on_first_progress, &c,
                          &res, err, sizeof err);
    CHECKF(c.calls > 0, "the progress callback never ran");
    CHECKF(count_entries(outside) == 0, "%d files written through the swapped-in symlink",
           count_entries(outside));
    CHECKF(rc == 0 && count_entries(moved) == 2, "export: %s; %d files in the checked folder", err,
           count_entries(moved));
    /* A symlink planted under the final file name: replaced by the file, never followed. */
    unlink(edir);
    rm_rf(moved);
    mkdirs(edir);
    put(outside, "victim", "keep", 4);
    swap_ctx c2 = {edir, NULL, outside, "kiosk-1-20270115-080100-responses.csv", 0};
    rc = stick_export(st, stick, false, "kiosk-1", NULL, export_now + 60000, swap_on_first_progress,
                      &c2, &res, err, sizeof err);
    CHECKF(rc == 0, "export: %s", err);
    char *victim = pathf("%s/%s", outside, "victim");
    char *text = NULL;
    CHECK(wp_read_file(victim, 100, &text, NULL, NULL, 0) == 0 && text && !strcmp(text, "keep"));
    free(text);
    struct stat sst;
    CHECK(lstat(res.csv, &sst) == 0 && S_ISREG(sst.st_mode));
    /* Export folder a symlink from the start: refused, nothing written. */
    rm_rf(edir);
    CHECK(symlink(outside, edir) == 0);
    CHECK(stick_export(st, stick, false, "kiosk-1", NULL, export_now + 120000, NULL, NULL, &res,
                       err, sizeof err) != 0);
    CHECKF(strstr(err, "symbolic link") != NULL, "%s", err);
    CHECK(count_entries(outside) == 1);
    store_close(st);
    unlink(edir);
    rm_rf(dir), rm_rf(stick), rm_rf(outside);
    free(dir), free(stick), free(outside), free(edir), free(moved), free(victim);
}

static void test_export_full(void)
{
    char *dir = test_tmpdir("export");
    char *stick = test_tmpdir("stick-full");
    store *st = make_store(dir, 200);
    /* A full stick, simulated by a file size limit in a child process. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char err[WP_ERR_LEN] = "";
        struct rlimit rl = {8192, 8192};
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &rl);
        int rc = stick_export(st, stick, false, "k1", NULL, export_now, NULL, NULL, NULL, err,
                              sizeof err);
        if (rc == 0)
            _exit(10);
        if (!strstr(err, "full")) {
            fprintf(stderr, "message: %s\n", err);
            _exit(11);
        }
        _exit(0);
    }
    int status = -1;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    check_nothing_left(stick, st, NULL);

    /* A real full filesystem when this machine lets us mount a tiny tmpfs. */
    char *tiny = test_tmpdir("stick-tiny");
    if (mount("tmpfs", tiny, "tmpfs", 0, "size=16k") == 0) {
        char err[WP_ERR_LEN] = "";
        CHECK(stick_export(st, tiny, false, "k1", NULL, export_now, NULL, NULL, NULL, err,
                           sizeof err) != 0);
        CHECKF(strstr(err, "full") != NULL, "message: %s", err);
        check_nothing_left(tiny, st, NULL);
        umount2(tiny, MNT_DETACH);
    } else {
        printf("tiny tmpfs not mountable here (%s): RLIMIT_FSIZE case only\n", strerror(errno));
    }
    store_close(st);
    rm_rf(dir), rm_rf(stick), rm_rf(tiny);
    free(dir), free(stick), free(tiny);
}

static void test_export_read_only(void)
{
    char *dir = test_tmpdir("export");
    char *stick = test_tmpdir("stick-ro");
    store *st = make_store(dir, 3);
    char err[WP_ERR_LEN] = "";
    bool tested = false;
    if (mount("tmpfs", stick, "tmpfs", MS_RDONLY, "size=64k") == 0) {
        CHECK(stick_export(st, stick, false, "k1", NULL, export_now, NULL, NULL, NULL, err,
                           sizeof err) != 0);
        CHECKF(strstr(err, "read-only") != NULL, "message: %s", err);
        umount2(stick, MNT_DETACH);
        tested = true;
    } else if (geteuid() != 0) {
        chmod(stick, 0555); /* effective for anyone but root */
        CHECK(stick_export(st, stick, false, "k1", NULL, export_now, NULL, NULL, NULL, err,
                           sizeof err) != 0);
        CHECKF(strstr(err, "read-only") != NULL, "message: %s", err);
        chmod(stick, 0755);
        tested = true;
    } else {
        printf("read-only stick not testable here (root without mount)\n");
    }
    if (tested)
        check_nothing_left(stick, st, NULL);
    store_close(st);
    rm_rf(dir), rm_rf(stick);
    free(dir), free(stick);
}

/* After an export the kiosk asks systemd (through a flag in its runtime folder) to unmount. */
static void test_request_eject(void)
{
    char *rt = test_tmpdir("runtime");
    char err[WP_ERR_LEN] = "";
    CHECK(stick_request_eject("/media/wijkpeil-sda1", rt, err, sizeof err) == 0);
    char *flag = pathf("%s/%s", rt, "eject-wijkpeil-sda1");
    char *got = NULL;
    CHECK(wp_read_file(flag, 4096, &got, NULL, NULL, 0) == 0);
    CHECK(got && !strcmp(got, "/media/wijkpeil-sda1"));
    free(got);
    /* Not under systemd (no runtime folder): nothing to ask, not an error. */
    CHECK(stick_request_eject("/media/wijkpeil-sda1", "/nonexistent/run", err, sizeof err) == 1);
    /* A folder name that could escape the runtime folder is refused. */
    CHECK(stick_request_eject("/media/..", rt, err, sizeof err) == -1);
    CHECK(stick_request_eject("/media/a b", rt, err, sizeof err) == -1);
    rm_rf(rt);
    free(flag), free(rt);
}

int main(void)
{
    RUN(test_find_sticks);
    RUN(test_scan_sets);
    RUN(test_scan_settings);
    RUN(test_symlinked_folders);
    RUN(test_thousands_of_files);
    RUN(test_skipped_are_named);
    RUN(test_kiosk_conf);
    RUN(test_kiosk_conf_admin_keys);
    RUN(test_install);
    RUN(test_install_files);
    RUN(test_refused_files);
    RUN(test_export_ok);
    RUN(test_export_pulled_and_cancelled);
    RUN(test_export_symlink_swap);
    RUN(test_export_full);
    RUN(test_export_read_only);
    RUN(test_request_eject);
    return test_main();
}
