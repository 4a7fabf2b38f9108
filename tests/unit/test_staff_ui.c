/* Staff mode driven directly (no window): the corner gesture, the PIN pad with its lockout, the
 * auto-leave, importing signed and refused sets from a fake stick, switching back, exporting to
 * a stick (and the errors when it is gone or read-only), the layout staying on screen, and
 * plat_usb noticing a stick folder appear under a watched root. */
#include "config.h"
#include "fleet.h"
#include "pin.h"
#include "plat_usb.h"
#include "sign.h"
#include "signfile.h"
#include "stick.h"
#include "store.h"
#include "synclink.h"
#include "testlib.h"
#include "ui_staff.h"
#include "util.h"

#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PIN "2468"
#define W   1920
#define H   1080
#define PPM 5.6

static const char good_set[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"wijk-staff\", \"version\": 3,\n"
    " \"languages\": [\"nl\", \"en\"],\n"
    " \"title\": {\"nl\": \"Hoe is de buurt?\", \"en\": \"How is the neighbourhood?\"},\n"
    " \"questions\": [{\"id\": \"blij\", \"type\": \"smiley\",\n"
    "   \"text\": {\"nl\": \"Hoe blij bent u?\", \"en\": \"How happy are you?\"}},\n"
    "  {\"id\": \"ja\", \"type\": \"yesno\", \"text\": {\"nl\": \"Ja?\", \"en\": \"Yes?\"}}]}\n";

static const char other_set[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"wijk-other\", \"version\": 1,\n"
    " \"languages\": [\"nl\"], \"title\": {\"nl\": \"Ander\"},\n"
    " \"questions\": [{\"id\": \"ja\", \"type\": \"yesno\", \"text\": {\"nl\": \"Ja?\"}}]}\n";

static const char good_set_v9[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"wijk-staff\", \"version\": 9,\n"
    " \"languages\": [\"nl\"], \"title\": {\"nl\": \"Negen\"},\n"
    " \"questions\": [{\"id\": \"ja\", \"type\": \"yesno\", \"text\": {\"nl\": \"Ja?\"}}]}\n";

/* ---------- fixture ---------- */

typedef struct {
    char *dir; /* temp root of everything */
    char root[512], stick[600], qdir[700], data[600], db[700], log[700];
    unsigned char sk1[SIGN_SECRET_BYTES], sk2[SIGN_SECRET_BYTES];
    config cfg;
    uistr *ui; /* built-in interface strings, which sets are validated against */
    ui_staff *s;
    int64_t now;
    int activated;
    char activated_path[STICK_PATH_LEN];
    ui_staff_metrics m;
    uiw_list wl;
    synclink *link;       /* the kiosk's end of the link to the uploader, or NULL */
    synclink_server *srv; /* standing in for wijkpeil-sync */
    char sock[700];
    uistr *staff_strings;
    /* the staff worker (PIN checks, stick scans): one byte on done[] per finished job; with
     * hold set, it writes held[] and waits for a byte on gate[] before each job */
    int done[2], held[2], gate[2];
    bool hold;
    pthread_t ui_thread;
    bool ran_on_ui; /* a job ran on the thread that drives the screens */
} fx;

static void mkdirs(const char *path)
{
    char buf[4096];
    wp_strlcpy(buf, path, sizeof buf);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    mkdir(buf, 0755);
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    CHECKF(f != NULL, "cannot create %s", p);
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
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

static bool exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

static int on_activate(void *ctx, const char *path, char *err, size_t errlen)
{
    fx *f = ctx;
    (void)err, (void)errlen;
    f->activated++;
    wp_strlcpy(f->activated_path, path, sizeof f->activated_path);
    return 0;
}

static void add_response(store *st, int i)
{
    store_response r;
    memset(&r, 0, sizeof r);
    wp_strlcpy(r.questionset, "wijk-staff", sizeof r.questionset);
    r.questionset_version = 3;
    wp_strlcpy(r.language, "nl", sizeof r.language);
    r.started_at_ms = wp_wall_ms() - 60000 + i;
    r.finished_at_ms = wp_wall_ms();
    r.duration_ms = 60000 - i;
    r.status = STORE_COMPLETE;
    r.answers_json = "{\"blij\":\"4\",\"ja\":\"yes\"}";
    char err[WP_ERR_LEN] = "";
    CHECKF(store_add_response(st, &r, err, sizeof err) == 0, "%s", err);
}

/* Reads one byte from fd, waiting at most TEST_GUARD_MS (a guard against a hang only). */
static bool read_byte(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;
    return poll(&p, 1, TEST_GUARD_MS) == 1 && read(fd, &c, 1) == 1;
}

static void on_worker_done(void *ctx)
{
    fx *f = ctx;
    CHECK(write(f->done[1], "d", 1) == 1);
}

static void on_worker_hook(void *ctx, const char *job)
{
    fx *f = ctx;
    (void)job;
    if (pthread_equal(pthread_self(), f->ui_thread)) {
        f->ran_on_ui = true; /* holding it here would freeze the screens */
        return;
    }
    if (f->hold) {
        CHECK(write(f->held[1], "h", 1) == 1);
        CHECKF(read_byte(f->gate[0]), "the test never let the %s job go", job);
    }
}

/* Waits for the worker's PIN check or stick scan to finish and shows its result, as the kiosk
 * loop does when worker_done wakes it. */
static void settle(fx *f)
{
    while (ui_staff_working(f->s)) {
        if (!read_byte(f->done[0])) {
            CHECKF(false, "the staff worker did not finish in %d s", TEST_GUARD_MS / 1000);
            return;
        }
        ui_staff_tick(f->s, f->now);
    }
}

/* with_sync: an uploader link on a socket the test listens on, as wijkpeil-sync would. */
static bool setup_with(fx *f, const char *tag, bool with_stick, bool inline_export, bool with_sync)
{
    memset(f, 0, sizeof *f);
    f->dir = test_tmpdir(tag);
    if (!f->dir)
        return false;
    char err[WP_ERR_LEN];
    snprintf(f->root, sizeof f->root, "%s/media", f->dir);
    snprintf(f->stick, sizeof f->stick, "%s/STICK", f->root);
    snprintf(f->qdir, sizeof f->qdir, "%s/WIJKPEIL/questionsets", f->stick);
    snprintf(f->data, sizeof f->data, "%s/data", f->dir);
    snprintf(f->db, sizeof f->db, "%s/wijkpeil.db", f->data);
    snprintf(f->log, sizeof f->log, "%s/kiosk.log", f->data);
    mkdirs(f->root);
    mkdirs(f->data);
    put(f->data, "kiosk.log", "2026-11-28T00:00:00Z kiosk started\n", 36);
    /* Keys: k1 is trusted, k2 is not. */
    char n1[600], n2[600], s1[700], s2[700];
    snprintf(n1, sizeof n1, "%s/k1", f->dir);
    snprintf(n2, sizeof n2, "%s/k2", f->dir);
    snprintf(s1, sizeof s1, "%s.secret", n1);
    snprintf(s2, sizeof s2, "%s.secret", n2);
    CHECK(signfile_keygen(n1, err, sizeof err) == 0 && signfile_keygen(n2, err, sizeof err) == 0);
    CHECK(signfile_load_secret(s1, f->sk1, err, sizeof err) == 0);
    CHECK(signfile_load_secret(s2, f->sk2, err, sizeof err) == 0);
    config_defaults(&f->cfg);
    /* These tests read the English words; test_language checks the Dutch default. */
    wp_strlcpy(f->cfg.staff_language, "en", sizeof f->cfg.staff_language);
    char *strings = test_src("assets/staff-strings.json");
    CHECKF(ui_staff_load_strings(strings, &f->staff_strings, err, sizeof err) == 0, "%s", err);
    free(strings);
    sign_public_b64(f->sk1 + 32, f->cfg.trusted_keys[0], sizeof f->cfg.trusted_keys[0]);
    f->cfg.n_trusted_keys = 1;
    wp_strlcpy(f->cfg.mount_roots[0], f->root, sizeof f->cfg.mount_roots[0]);
    f->cfg.n_mount_roots = 1;
    /* The PIN hash with the minimum limits keeps the test fast. */
    CHECK(crypto_pwhash_str(f->cfg.staff_pin_hash, PIN, strlen(PIN), crypto_pwhash_OPSLIMIT_MIN,
                            crypto_pwhash_MEMLIMIT_MIN) == 0);
    if (with_stick) {
        mkdirs(f->qdir);
        put_signed(f->qdir, "a-good.json", good_set, f->sk1);
        put(f->qdir, "b-unsigned.json", good_set, strlen(good_set));
        put_signed(f->qdir, "c-tampered.json", good_set, f->sk1);
        char changed[sizeof good_set];
        memcpy(changed, good_set, sizeof good_set);
        changed[strlen(changed) - 3] = ' '; /* the bytes change after signing */
        put(f->qdir, "c-tampered.json", changed, strlen(changed));
        put_signed(f->qdir, "d-unknown.json", good_set, f->sk2);
        put_signed(f->qdir, "e-other.json", other_set, f->sk1);
    }
    store *st = NULL;
    CHECK(store_open(f->db, &st, err, sizeof err) == 0);
    for (int i = 0; i < 3; i++)
        add_response(st, i);
    store_close(st);

    ui_staff_options o;
    memset(&o, 0, sizeof o);
    f->ui = test_strings();
    o.cfg = &f->cfg;
    o.strings = f->ui;
    o.db_path = f->db;
    o.data_dir = f->data;
    o.log_path = f->log;
    o.px_per_mm = PPM;
    o.activate = on_activate;
    o.ctx = f;
    o.run_inline = inline_export;
    CHECK(pipe(f->done) == 0 && pipe(f->held) == 0 && pipe(f->gate) == 0);
    f->ui_thread = pthread_self();
    o.worker_done = on_worker_done;
    o.worker_hook = on_worker_hook;
    if (with_sync) {
        snprintf(f->sock, sizeof f->sock, "%s/sync.sock", f->dir);
        CHECKF(synclink_listen(f->sock, &f->srv, err, sizeof err) == 0, "%s", err);
        f->link = synclink_open(f->sock, f->db);
        o.sync = f->link;
    }
    o.staff_strings = f->staff_strings;
    wp_strlcpy(o.info.device_id, "kiosk-07", sizeof o.info.device_id);
    wp_strlcpy(o.info.location, "nazareth", sizeof o.info.location);
    wp_strlcpy(o.info.app_version, "0.1.0", sizeof o.info.app_version);
    wp_strlcpy(o.info.set_id, "demo", sizeof o.info.set_id);
    o.info.set_version = 1;
    f->s = ui_staff_new(&o);
    CHECK(f->s != NULL);
    f->now = 1000000;
    f->m = (ui_staff_metrics){.width = W,
                              .height = H,
                              .px_per_mm = PPM,
                              .body_px = 42,
                              .heading_px = 53,
                              .small_px = 39,
                              .gap = 22,
                              .margin = 34,
                              .pad = 14,
                              .text = NULL};
    return f->s != NULL;
}

static bool setup(fx *f, const char *tag, bool with_stick, bool inline_export)
{
    return setup_with(f, tag, with_stick, inline_export, false);
}

static void teardown(fx *f)
{
    ui_staff_free(f->s);
    uiw_list_free(&f->wl);
    uistr_free(f->ui);
    synclink_close(f->link);
    synclink_server_close(f->srv);
    uistr_free(f->staff_strings);
    for (int i = 0; i < 2; i++) {
        close(f->done[i]);
        close(f->held[i]);
        close(f->gate[i]);
    }
    rm_rf(f->dir);
    free(f->dir);
}

static void relayout(fx *f)
{
    ui_staff_layout(f->s, &f->wl, &f->m);
}

/* Taps the widget with this id as the resident UI would; false when it is not on screen. */
static bool tap_id(fx *f, const char *id)
{
    relayout(f);
    const uiw *w = uiw_find(&f->wl, id);
    CHECKF(w != NULL, "no widget %s on %s", id, ui_staff_screen_name(f->s));
    if (!w)
        return false;
    f->now += 300;
    uiw copy = *w;
    ui_staff_tap(f->s, &copy, f->now);
    if (!f->hold)
        settle(f);
    return true;
}

static const char *label_of(fx *f, const char *id)
{
    relayout(f);
    const uiw *w = uiw_find(&f->wl, id);
    return w ? w->label : "";
}

static void enter_pin(fx *f, const char *pin)
{
    for (const char *p = pin; *p; p++) {
        char id[16];
        snprintf(id, sizeof id, "pin:%c", *p);
        tap_id(f, id);
    }
    tap_id(f, "pin-ok");
}

static void unlock(fx *f)
{
    ui_staff_enter(f->s, f->now);
    enter_pin(f, PIN);
    CHECK_STR(ui_staff_screen_name(f->s), "staff");
}

/* ---------- tests ---------- */

static void test_gesture(void)
{
    fx f;
    if (!setup(&f, "staff-gesture", false, false))
        return;
    ui_staff *s = f.s;
    int c = (int)(25 * PPM) - 2; /* just inside the corner square (top-right) */
    CHECK(!ui_staff_gesture(s, W - 1 - (10), 10, W, H, 0));
    CHECK(!ui_staff_gesture(s, W - 1 - (c), c, W, H, 500));
    CHECK(ui_staff_gesture(s, W - 1 - (5), 20, W, H, 1000)); /* three within 2 s */
    CHECK(!ui_staff_active(s));                              /* nothing shows until enter */
    CHECK_STR(ui_staff_screen_name(s), "");
    /* Too slow: the first tap falls out of the window. */
    CHECK(!ui_staff_gesture(s, W - 1 - (10), 10, W, H, 10000));
    CHECK(!ui_staff_gesture(s, W - 1 - (10), 10, W, H, 11500));
    CHECK(!ui_staff_gesture(s, W - 1 - (10), 10, W, H, 12100));
    CHECK(ui_staff_gesture(s, W - 1 - (10), 10, W, H, 12200)); /* 11500, 12100, 12200 */
    /* A tap elsewhere starts the count again. */
    CHECK(!ui_staff_gesture(s, W - 1 - (10), 10, W, H, 20000));
    CHECK(!ui_staff_gesture(s, W - 1 - (10), 10, W, H, 20100));
    CHECK(!ui_staff_gesture(s, W - 1 - (900), 500, W, H, 20200));
    CHECK(!ui_staff_gesture(s, W - 1 - (10), 10, W, H, 20300));
    CHECK(ui_staff_in_corner(s, W - 1 - (c), c, W, H) &&
          !ui_staff_in_corner(s, W - 1 - (c + 4), 10, W, H));
    /* Outside the 25 mm square. */
    CHECK(!ui_staff_gesture(s, W - 1 - ((int)(26 * PPM)), 10, W, H, 30000));
    CHECK(!ui_staff_gesture(s, W - 1 - (10), (int)(26 * PPM), W, H, 30100));
    CHECK(!ui_staff_gesture(s, W - 1 - ((int)(26 * PPM)), 10, W, H, 30200));
    teardown(&f);
}

static void test_pin(void)
{
    fx f;
    if (!setup(&f, "staff-pin", false, false))
        return;
    ui_staff_enter(f.s, f.now);
    CHECK(ui_staff_active(f.s));
    CHECK_STR(ui_staff_screen_name(f.s), "staff-pin");
    relayout(&f);
    for (int i = 0; i <= 9; i++) {
        char id[16];
        snprintf(id, sizeof id, "pin:%d", i);
        CHECKF(uiw_find(&f.wl, id) != NULL, "%s on the pad", id);
    }
    CHECK(uiw_find(&f.wl, "pin-ok") && uiw_find(&f.wl, "pin-clear") &&
          uiw_find(&f.wl, "pin-cancel"));
    /* Digits show as dots, never as digits. */
    tap_id(&f, "pin:1");
    tap_id(&f, "pin:2");
    const char *dots = label_of(&f, "pin-dots");
    CHECKF(strstr(dots, "1") == NULL && strstr(dots, "2") == NULL && strlen(dots) > 0, "dots: %s",
           dots);
    tap_id(&f, "pin-clear");
    CHECK_STR(label_of(&f, "pin-dots"), "");
    /* Four wrong PINs, then the right one. */
    for (int i = 0; i < 4; i++) {
        enter_pin(&f, "1111");
        CHECK_STR(ui_staff_screen_name(f.s), "staff-pin");
    }
    CHECKF(strstr(label_of(&f, "pin-message"), "1 attempt left") != NULL, "message: %s",
           label_of(&f, "pin-message"));
    enter_pin(&f, PIN);
    CHECK_STR(ui_staff_screen_name(f.s), "staff");
    tap_id(&f, "staff-leave");
    CHECK(!ui_staff_active(f.s));

    /* Five wrong PINs lock the pad; the right PIN is then refused until the lock runs out. */
    ui_staff_enter(f.s, f.now);
    for (int i = 0; i < 5; i++)
        enter_pin(&f, "9999");
    const char *msg = label_of(&f, "pin-message");
    CHECKF(strstr(msg, "locked") != NULL && strstr(msg, "5 min") != NULL, "message: %s", msg);
    relayout(&f);
    const uiw *one = uiw_find(&f.wl, "pin:1");
    CHECK(one && !one->enabled);
    /* A tap on a disabled key does nothing; OK with the right PIN is refused. */
    for (const char *p = PIN; *p; p++) {
        uiw fake = {.action = UIA_STAFF, .enabled = true, .arg = 1 + 256 * (*p - '0')};
        snprintf(fake.id, sizeof fake.id, "pin:%c", *p);
        f.now += 200;
        ui_staff_tap(f.s, &fake, f.now);
    }
    CHECK_STR(ui_staff_screen_name(f.s), "staff-pin");
    CHECK_STR(label_of(&f, "pin-dots"), "");
    /* The countdown updates by itself. */
    f.now += 62000;
    CHECK(ui_staff_tick(f.s, f.now));
    CHECKF(strstr(label_of(&f, "pin-message"), "Try again in 3 min") != NULL, "message: %s",
           label_of(&f, "pin-message"));
    /* Staff mode left by itself meanwhile? Enter again after the lock. */
    f.now += 5 * 60 * 1000;
    ui_staff_tick(f.s, f.now);
    ui_staff_enter(f.s, f.now);
    CHECK_STR(label_of(&f, "pin-message"), "");
    enter_pin(&f, PIN);
    CHECK_STR(ui_staff_screen_name(f.s), "staff");

    /* Without a PIN hash staff mode cannot open. */
    ui_staff_leave(f.s);
    f.cfg.staff_pin_hash[0] = '\0';
    ui_staff_enter(f.s, f.now);
    enter_pin(&f, PIN);
    CHECK_STR(ui_staff_screen_name(f.s), "staff-pin");
    CHECKF(strstr(label_of(&f, "pin-message"), "No staff PIN") != NULL, "message: %s",
           label_of(&f, "pin-message"));
    teardown(&f);
}

/* The PIN check and the stick scan run on the worker: while one is held there, the screens
 * still lay out and answer taps and ticks; the result shows when the worker says it is done. */
static void test_worker_keeps_screens_answering(void)
{
    fx f;
    if (!setup(&f, "staff-worker", true, false))
        return;
    f.hold = true;
    ui_staff_enter(f.s, f.now);
    for (const char *p = PIN; *p; p++) {
        char id[16];
        snprintf(id, sizeof id, "pin:%c", *p);
        tap_id(&f, id);
    }
    tap_id(&f, "pin-ok"); /* returns while the check is held on the worker */
    CHECK(!f.ran_on_ui);
    if (f.ran_on_ui) {
        teardown(&f);
        return;
    }
    CHECK(read_byte(f.held[0])); /* the worker is inside the job now */
    CHECK(ui_staff_working(f.s));
    CHECK_STR(ui_staff_screen_name(f.s), "staff-pin");
    CHECKF(strstr(label_of(&f, "pin-message"), "Checking the PIN") != NULL, "message: %s",
           label_of(&f, "pin-message"));
    relayout(&f);
    const uiw *one = uiw_find(&f.wl, "pin:1");
    CHECK(one && !one->enabled); /* no typing into a PIN being checked */
    f.now += 100;
    ui_staff_tick(f.s, f.now); /* the loop keeps running: nothing blocks */
    CHECK_STR(ui_staff_screen_name(f.s), "staff-pin");
    CHECK(write(f.gate[1], "g", 1) == 1);
    settle(&f);
    CHECK_STR(ui_staff_screen_name(f.s), "staff");

    tap_id(&f, "staff-import"); /* the stick is read on the worker */
    CHECK(read_byte(f.held[0]));
    CHECK(!f.ran_on_ui);
    CHECK_STR(ui_staff_screen_name(f.s), "staff-import");
    CHECKF(strstr(label_of(&f, "stick-status"), "Reading stick STICK") != NULL, "status: %s",
           label_of(&f, "stick-status"));
    relayout(&f);
    CHECK(uiw_find(&f.wl, "activate:0") == NULL);
    f.now += 100;
    ui_staff_tick(f.s, f.now);
    CHECK(write(f.gate[1], "g", 1) == 1);
    settle(&f);
    CHECKF(strstr(label_of(&f, "stick-status"), "Stick STICK: 5 question sets") != NULL,
           "status: %s", label_of(&f, "stick-status"));
    relayout(&f);
    CHECK(uiw_find(&f.wl, "activate:0") != NULL);

    /* Leaving while a scan is held: its result is dropped, nothing leaks or opens. */
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-import");
    CHECK(read_byte(f.held[0]));
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-leave");
    CHECK(!ui_staff_active(f.s));
    CHECK(write(f.gate[1], "g", 1) == 1);
    f.hold = false;
    teardown(&f); /* joins the worker */
}

/* Sets from the centre: the status screen says which wait for their start and which were
 * refused, and why (what wijkpeil-sync recorded in the store, fleet.h). */
static void test_published_status(void)
{
    fx f;
    if (!setup(&f, "staff-published", false, false))
        return;
    store *st = NULL;
    char err[WP_ERR_LEN];
    CHECK(store_open(f.db, &st, err, sizeof err) == 0);
    CHECK(store_meta_set(
              st, FLEET_META_STATE,
              "{\"offset_ms\":0,\"pubs\":[{\"id\":\"a1\",\"set_id\":\"spring\","
              "\"version\":3,\"digest\":\"x\",\"path\":\"p\",\"from_ms\":"
              "4076035200000,\"until_ms\":0,\"state\":\"installed\",\"reason\":\"\","
              "\"source\":\"network\"},{\"id\":\"b2\",\"set_id\":\"stranger\","
              "\"version\":1,\"digest\":\"y\",\"path\":\"\",\"from_ms\":0,"
              "\"until_ms\":0,\"state\":\"failed\",\"reason\":\"signed by an "
              "unknown key\",\"why\":\"unknown_key\",\"file\":\"stranger.json\","
              "\"source\":\"network\"},{\"id\":\"c3\",\"kind\":"
              "\"settings\",\"set_id\":\"hours.conf\",\"version\":0,\"digest\":\"z\","
              "\"path\":\"\",\"from_ms\":0,\"until_ms\":0,\"state\":\"failed\","
              "\"reason\":\"refused: hours.conf:2: endpoint may not be set from the "
              "centre\",\"why\":\"settings\",\"file\":\"hours.conf\",\"source\":\"network\"},"
              "{\"id\":\"e5\",\"set_id\":\"old\",\"version\":1,\"digest\":\"v\","
              "\"path\":\"\",\"from_ms\":0,\"until_ms\":0,\"state\":\"failed\","
              "\"reason\":\"tampered: "
              "old.json\",\"source\":\"network\"},{\"id\":\"d4\",\"set_id\":\"autumn\","
              "\"version\":2,\"digest\":\"w\",\"path\":\"p\",\"from_ms\":0,"
              "\"until_ms\":0,\"state\":\"installed\",\"reason\":\"\","
              "\"source\":\"stick\"}]}",
              err, sizeof err) == 0);
    store_close(st);
    unlock(&f);
    if (!uiw_find(&f.wl, "status:published")) /* longer words: on the next page */
        tap_id(&f, "page-next");
    const char *row = label_of(&f, "status:published");
    CHECKF(strstr(row, "From the centre: spring v3 (network): waiting until 2099-03-01") != NULL,
           "row: %s", row);
    CHECKF(strstr(row, "stranger v1 (network): failed: signed by a key this kiosk does not trust "
                       "(stranger.json)") != NULL,
           "row: %s", row);
    CHECKF(strstr(row, "settings hours.conf (network): failed: holds a setting the centre may "
                       "not change, or a bad value (hours.conf)") != NULL,
           "row: %s", row);
    /* recorded before refusals had a word: the reason as it was recorded */
    CHECKF(strstr(row, "old v1 (network): failed: tampered: old.json") != NULL, "row: %s", row);
    CHECKF(strstr(row, "autumn v2 (USB stick): active") != NULL, "row: %s", row);
    /* The staff screens' other language words the row, and each status, in it. */
    tap_id(&f, "staff-language");
    ui_staff_tick(f.s, f.now);
    relayout(&f);
    if (!uiw_find(&f.wl, "status:published")) /* longer words: on the next page */
        tap_id(&f, "page-next");
    row = label_of(&f, "status:published");
    CHECKF(strstr(row, "Van de centrale: spring versie 3 (netwerk): wacht tot 2099-03-01") != NULL,
           "row: %s", row);
    /* the reasons in Dutch too, naming the file (the heartbeat keeps them in English) */
    CHECKF(strstr(row, "stranger versie 1 (netwerk): geweigerd: ondertekend met een sleutel die "
                       "deze kiosk niet vertrouwt (stranger.json)") != NULL,
           "row: %s", row);
    CHECKF(strstr(row, "instellingen hours.conf (netwerk): geweigerd: bevat een instelling die de "
                       "centrale niet mag wijzigen, of een ongeldige waarde (hours.conf)") != NULL,
           "row: %s", row);
    CHECKF(strstr(row, "autumn versie 2 (USB-stick): actief") != NULL, "row: %s", row);
    teardown(&f);
}

static void test_auto_leave(void)
{
    fx f;
    if (!setup(&f, "staff-leave", false, false))
        return;
    unlock(&f);
    int64_t t = f.now;
    CHECK(ui_staff_deadline(f.s, t) <= t + UI_STAFF_IDLE_MS);
    ui_staff_tick(f.s, t + 119000);
    CHECK(ui_staff_active(f.s));
    ui_staff_tap(f.s, NULL, t + 100000); /* a tap anywhere counts */
    ui_staff_tick(f.s, t + 200000);
    CHECK(ui_staff_active(f.s));
    CHECK(ui_staff_tick(f.s, t + 100000 + UI_STAFF_IDLE_MS));
    CHECK(!ui_staff_active(f.s));
    CHECK_STR(ui_staff_screen_name(f.s), "");
    CHECK(ui_staff_deadline(f.s, t) == INT64_MAX);
    /* The PIN pad leaves by itself too. */
    ui_staff_enter(f.s, t);
    ui_staff_tick(f.s, t + UI_STAFF_IDLE_MS);
    CHECK(!ui_staff_active(f.s));
    teardown(&f);
}

static void test_status(void)
{
    fx f;
    if (!setup(&f, "staff-status", false, false))
        return;
    unlock(&f);
    CHECKF(strstr(label_of(&f, "status:device"), "kiosk-07") &&
               strstr(label_of(&f, "status:device"), "nazareth"),
           "%s", label_of(&f, "status:device"));
    CHECK(strstr(label_of(&f, "status:version"), "0.1.0") != NULL);
    CHECKF(strstr(label_of(&f, "status:set"), "demo, version 1") != NULL, "%s",
           label_of(&f, "status:set"));
    CHECKF(strstr(label_of(&f, "status:responses"), "3 today, 3 in total") != NULL, "%s",
           label_of(&f, "status:responses"));
    CHECKF(strstr(label_of(&f, "status:pending"), "3") != NULL, "%s",
           label_of(&f, "status:pending"));
    CHECKF(strstr(label_of(&f, "status:sync"), "off") != NULL, "%s", label_of(&f, "status:sync"));
    CHECKF(strstr(label_of(&f, "status:disk"), " of ") != NULL, "%s", label_of(&f, "status:disk"));
    CHECKF(strstr(label_of(&f, "status:clock"), "Clock: ") != NULL, "%s",
           label_of(&f, "status:clock"));
    const char *acts[] = {"staff-import", "staff-switch", "staff-export", "staff-sync",
                          "staff-leave"};
    relayout(&f);
    for (int i = 0; i < 5; i++)
        CHECKF(uiw_find(&f.wl, acts[i]) != NULL, "%s", acts[i]);
    tap_id(&f, "staff-sync");
    CHECKF(strstr(ui_staff_message(f.s), "Sync is off") != NULL, "%s", ui_staff_message(f.s));
    CHECK(strstr(label_of(&f, "staff-message"), "Sync is off") != NULL);
    /* The kiosk switched sets: the status follows. */
    ui_staff_info in = {.set_version = 4};
    wp_strlcpy(in.set_id, "wijk-new", sizeof in.set_id);
    ui_staff_set_info(f.s, &in);
    CHECK(strstr(label_of(&f, "status:set"), "wijk-new, version 4") != NULL);
    teardown(&f);
}

/* Finds the row of a file on the import screen, paging through the list as staff would. */
/* The row (its number) whose id starts with prefix ("set:", "settings:") and whose label holds
 * needle, turning to its page; -1 when there is none. */
static int find_row(fx *f, const char *prefix, const char *needle)
{
    size_t plen = strlen(prefix);
    for (int guard = 0; guard < 20; guard++) {
        relayout(f);
        const uiw *p = uiw_find(&f->wl, "page-prev");
        if (!p || !p->enabled)
            break;
        tap_id(f, "page-prev");
    }
    for (int guard = 0; guard < 20; guard++) {
        relayout(f);
        for (int i = 0; i < f->wl.n; i++)
            if (!strncmp(f->wl.w[i].id, prefix, plen) && strstr(f->wl.w[i].label, needle))
                return (int)strtol(f->wl.w[i].id + plen, NULL, 10);
        const uiw *n = uiw_find(&f->wl, "page-next");
        if (!n || !n->enabled)
            break;
        tap_id(f, "page-next");
    }
    return -1;
}

static int find_set_row(fx *f, const char *needle)
{
    return find_row(f, "set:", needle);
}

/* Waits (on the socket, with a guard far beyond any delay) for the kiosk's requests. */
static int next_request(fx *f)
{
    struct pollfd p = {.fd = synclink_server_fd(f->srv), .events = POLLIN};
    if (poll(&p, 1, 60000) != 1)
        return 0;
    return synclink_take(f->srv);
}

/* Staff "sync now" and the status across the two processes: the request reaches the uploader's
 * socket, the status shows what the uploader wrote to the database, and an uploader that is not
 * running is said so (responses kept). */
static void test_sync_across_processes(void)
{
    fx f;
    if (!setup_with(&f, "staff-sync2", false, false, true))
        return;
    unlock(&f);
    CHECKF(strstr(label_of(&f, "status:sync"), "not tried yet") != NULL, "%s",
           label_of(&f, "status:sync"));
    /* What wijkpeil-sync writes after an upload (its own store handle, as in that process). */
    store *st = NULL;
    char err[WP_ERR_LEN];
    CHECK(store_open(f.db, &st, err, sizeof err) == 0);
    sync_state ss = {.enabled = true, .last_attempt_ms = wp_wall_ms()};
    wp_strlcpy(ss.last_result, "sent 7 responses; nothing waiting", sizeof ss.last_result);
    CHECKF(synclink_publish(st, &ss, err, sizeof err) == 0, "%s", err);
    tap_id(&f, "staff-sync");
    CHECKF(next_request(&f) & SYNCLINK_NOW, "the uploader got \"sync now\"");
    CHECKF(strstr(ui_staff_message(f.s), "Sync started") != NULL, "%s", ui_staff_message(f.s));
    CHECKF(strstr(label_of(&f, "status:sync"), "sent 7 responses") != NULL, "%s",
           label_of(&f, "status:sync"));
    CHECKF(strstr(label_of(&f, "status:pending"), "3") != NULL, "%s",
           label_of(&f, "status:pending"));
    /* A failure the uploader recorded shows as such. */
    wp_strlcpy(ss.last_error, "could not reach the collector", sizeof ss.last_error);
    CHECK(synclink_publish(st, &ss, err, sizeof err) == 0);
    tap_id(&f, "staff-sync");
    CHECK(next_request(&f) & SYNCLINK_NOW);
    CHECKF(strstr(label_of(&f, "status:sync"), "failed: could not reach") != NULL, "%s",
           label_of(&f, "status:sync"));
    store_close(st);
    /* The uploader stopped: staff read that it is not running. */
    synclink_server_close(f.srv);
    f.srv = NULL;
    tap_id(&f, "staff-sync");
    CHECKF(strstr(label_of(&f, "status:sync"), "not running") != NULL, "%s",
           label_of(&f, "status:sync"));
    teardown(&f);
}

static void test_import_and_switch(void)
{
    fx f;
    if (!setup(&f, "staff-import", true, false))
        return;
    unlock(&f);
    tap_id(&f, "staff-import");
    CHECK_STR(ui_staff_screen_name(f.s), "staff-import");
    int good = find_set_row(&f, "a-good.json");
    CHECK(good >= 0);
    if (good >= 0) {
        char id[32];
        snprintf(id, sizeof id, "set:%d", good);
        const char *l = label_of(&f, id);
        char keyid[16];
        sign_key_id(f.sk1 + 32, keyid, sizeof keyid);
        CHECKF(strstr(l, "Hoe is de buurt?") && strstr(l, "nl, en") && strstr(l, "2 questions") &&
                   strstr(l, keyid),
               "row: %s", l);
    }
    const struct {
        const char *file, *words;
    } refused[] = {{"b-unsigned.json", "unsigned"},
                   {"c-tampered.json", "tampered"},
                   {"d-unknown.json", "unknown key"}};
    for (int i = 0; i < 3; i++) {
        int r = find_set_row(&f, refused[i].file);
        CHECKF(r >= 0, "%s listed", refused[i].file);
        char id[32];
        snprintf(id, sizeof id, "set:%d", r);
        const char *l = label_of(&f, id);
        CHECKF(strstr(l, "NOT accepted") && strstr(l, refused[i].words), "row: %s", l);
        snprintf(id, sizeof id, "activate:%d", r);
        relayout(&f);
        CHECKF(uiw_find(&f.wl, id) == NULL, "no %s for a refused set", id);
    }
    /* Activate the good set: installed, and its path handed to the kiosk. */
    char id[32];
    good = find_set_row(&f, "a-good.json"); /* back to its page */
    snprintf(id, sizeof id, "activate:%d", good);
    tap_id(&f, id);
    CHECK(f.activated == 1);
    CHECKF(strstr(f.activated_path, "/data/questionsets/") != NULL, "path %s", f.activated_path);
    CHECK(exists(f.activated_path));
    CHECKF(strstr(ui_staff_message(f.s), "activated") != NULL, "%s", ui_staff_message(f.s));
    int other = find_set_row(&f, "e-other.json");
    snprintf(id, sizeof id, "activate:%d", other);
    tap_id(&f, id);
    CHECK(f.activated == 2);
    char other_path[STICK_PATH_LEN];
    wp_strlcpy(other_path, f.activated_path, sizeof other_path);

    /* The stick is pulled: the screen says so by itself. */
    rm_rf(f.stick);
    f.now += UI_STAFF_STICK_POLL_MS;
    CHECK(ui_staff_tick(f.s, f.now));
    CHECKF(strstr(label_of(&f, "stick-status"), "No stick found") != NULL, "%s",
           label_of(&f, "stick-status"));

    /* Switch back to the first set. */
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-switch");
    CHECK_STR(ui_staff_screen_name(f.s), "staff-switch");
    ui_staff_info in = {.set_version = 1};
    wp_strlcpy(in.set_id, "wijk-other", sizeof in.set_id);
    ui_staff_set_info(f.s, &in);
    relayout(&f);
    int n_use = 0, in_use = -1, staff_set = -1;
    for (int i = 0; i < f.wl.n; i++) {
        if (!strncmp(f.wl.w[i].id, "use:", 4)) {
            n_use++;
            if (!f.wl.w[i].enabled)
                in_use = i;
        }
        if (!strncmp(f.wl.w[i].id, "installed:", 10) && strstr(f.wl.w[i].label, "wijk-staff"))
            staff_set = (int)strtol(f.wl.w[i].id + 10, NULL, 10);
    }
    CHECK(n_use == 2);
    CHECK(in_use >= 0); /* the active one cannot be chosen again */
    CHECK(staff_set >= 0);
    snprintf(id, sizeof id, "use:%d", staff_set);
    tap_id(&f, id);
    CHECK(f.activated == 3);
    CHECKF(strstr(f.activated_path, "wijk-staff") != NULL, "%s", f.activated_path);

    /* The kiosk's configured set is offered first, unless it is one of the installed ones. */
    put(f.dir, "configured.json", good_set_v9, strlen(good_set_v9));
    snprintf(f.cfg.questionset, sizeof f.cfg.questionset, "%s/configured.json", f.dir);
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-switch");
    CHECKF(strstr(label_of(&f, "installed:0"), "wijk-staff version 9") != NULL, "%s",
           label_of(&f, "installed:0"));
    relayout(&f);
    CHECK(uiw_find(&f.wl, "use:2") && !uiw_find(&f.wl, "use:3"));
    tap_id(&f, "use:0");
    CHECK(f.activated == 4);
    CHECK_STR(f.activated_path, f.cfg.questionset);
    snprintf(f.cfg.questionset, sizeof f.cfg.questionset, "%s/questionsets/wijk-other-v1.json",
             f.data);
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-switch");
    relayout(&f);
    CHECK(uiw_find(&f.wl, "use:1") && !uiw_find(&f.wl, "use:2"));
    teardown(&f);
}

/* Ticks (virtual time) until the export, which runs on a thread, shows its result; polls the
 * thread in real time, with TEST_GUARD_MS only as a guard against a hang. */
static void wait_export(fx *f)
{
    int64_t end = wp_mono_ms() + TEST_GUARD_MS;
    do {
        f->now += 100;
        ui_staff_tick(f->s, f->now);
        relayout(f);
        if (uiw_find(&f->wl, "export-result"))
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    } while (wp_mono_ms() < end);
    CHECKF(false, "the export showed no result in %d s", TEST_GUARD_MS / 1000);
}

static void test_export(void)
{
    fx f;
    if (!setup(&f, "staff-export", true, false))
        return;
    unlock(&f);
    tap_id(&f, "staff-export");
    CHECK_STR(ui_staff_screen_name(f.s), "staff-export");
    CHECKF(strstr(label_of(&f, "stick-status"), "Stick: STICK.") != NULL, "%s",
           label_of(&f, "stick-status"));
    tap_id(&f, "export-all");
    relayout(&f);
    CHECK(uiw_find(&f.wl, "export-progress") || uiw_find(&f.wl, "export-result"));
    CHECK(ui_staff_deadline(f.s, f.now) <= f.now + 100);
    wait_export(&f);
    CHECK_STR(label_of(&f, "export-result"), "You may remove the stick now.");
    CHECKF(strstr(label_of(&f, "export-detail"), "3 responses") != NULL, "%s",
           label_of(&f, "export-detail"));
    char exp[800];
    snprintf(exp, sizeof exp, "%s/WIJKPEIL/export", f.stick);
    int csv = 0, jsonl = 0, log = 0;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls %s", exp);
    FILE *p = popen(cmd, "r");
    char line[512];
    while (p && fgets(line, sizeof line, p)) {
        csv += strstr(line, "-responses.csv") != NULL;
        jsonl += strstr(line, "-responses.jsonl") != NULL;
        log += strstr(line, "-kiosk.log") != NULL;
        CHECKF(strstr(line, "kiosk-07-") == line, "file name %s", line);
    }
    if (p)
        pclose(p);
    CHECK(csv == 1 && jsonl == 1 && log == 1);
    /* "Since the last export" then has nothing new. */
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-export");
    tap_id(&f, "export-new"); /* within the same second: a counter in the file names */
    wait_export(&f);
    CHECKF(strstr(label_of(&f, "export-detail"), "0 responses") != NULL, "%s",
           label_of(&f, "export-detail"));

    /* The stick is gone between choosing and exporting: the error in words. */
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-export");
    rm_rf(f.stick);
    tap_id(&f, "export-all");
    wait_export(&f);
    const char *r = label_of(&f, "export-result");
    CHECKF(strstr(r, "failed") != NULL || strstr(r, "No USB stick") != NULL, "%s", r);
    CHECK(strstr(r, "remove the stick") == NULL);
    /* With no stick at all the buttons are off and the screen says why. */
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-export");
    CHECK(strstr(label_of(&f, "stick-status"), "No stick found") != NULL);
    relayout(&f);
    const uiw *all = uiw_find(&f.wl, "export-all");
    CHECK(all && !all->enabled);

    /* A read-only stick (needs mount rights; as another user a chmod does). */
    mkdirs(f.stick);
    bool ro = false, mounted = false;
    if (mount("tmpfs", f.stick, "tmpfs", 0, "size=256k") == 0) {
        mounted = true;
        char wd[800];
        snprintf(wd, sizeof wd, "%s/WIJKPEIL", f.stick);
        mkdirs(wd);
        ro = mount(NULL, f.stick, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0;
    } else if (geteuid() != 0) {
        char wd[800];
        snprintf(wd, sizeof wd, "%s/WIJKPEIL", f.stick);
        mkdirs(wd);
        ro = chmod(wd, 0555) == 0;
    }
    if (ro) {
        tap_id(&f, "staff-back");
        tap_id(&f, "staff-export");
        tap_id(&f, "export-all");
        wait_export(&f);
        r = label_of(&f, "export-result");
        CHECKF(strstr(r, "failed") && strstr(r, "read-only"), "%s", r);
    } else {
        printf("read-only stick not testable here\n");
    }
    if (mounted)
        umount(f.stick);
    teardown(&f);
}

/* Headless scripts export on the calling thread: the result is there when the tap returns. */
static void test_export_inline(void)
{
    fx f;
    if (!setup(&f, "staff-export-inline", true, true))
        return;
    unlock(&f);
    tap_id(&f, "staff-export");
    tap_id(&f, "export-all");
    CHECK_STR(label_of(&f, "export-result"), "You may remove the stick now.");
    CHECK(strstr(label_of(&f, "export-detail"), "3 responses") != NULL);
    teardown(&f);
}

/* Every widget inside the window and no two targets overlapping, on every screen. */
static void check_layout(fx *f, const char *screen)
{
    relayout(f);
    CHECKF(f->wl.n > 0, "%s has widgets", screen);
    for (int i = 0; i < f->wl.n; i++) {
        const uiw *a = &f->wl.w[i];
        CHECKF(a->r.x >= 0 && a->r.y >= 0 && a->r.x + a->r.w <= f->m.width &&
                   a->r.y + a->r.h <= f->m.height,
               "%s: %s inside the window (%d,%d %dx%d)", screen, a->id, a->r.x, a->r.y, a->r.w,
               a->r.h);
        if (a->action == UIA_NONE)
            continue;
        CHECKF(a->r.h >= (int)(9 * f->m.px_per_mm), "%s: %s at least 9 mm high", screen, a->id);
        for (int j = i + 1; j < f->wl.n; j++) {
            const uiw *b = &f->wl.w[j];
            if (b->action == UIA_NONE)
                continue;
            SDL_Rect x;
            CHECKF(!SDL_IntersectRect(&a->r, &b->r, &x), "%s: %s overlaps %s", screen, a->id,
                   b->id);
        }
    }
}

/* With real text measurement: no label is taller than its box (nothing cut off). */
static void check_text_fits(fx *f, const char *screen)
{
    relayout(f);
    for (int i = 0; i < f->wl.n; i++) {
        const uiw *w = &f->wl.w[i];
        CHECKF(w->label[0] == '\0' || w->text_h > 0, "%s: %s measured", screen, w->id);
        CHECKF(w->text_h <= w->r.h - (w->look == UIW_PLAIN ? 0 : 2 * w->pad),
               "%s: %s text %d > box %d", screen, w->id, w->text_h, w->r.h);
        CHECKF(w->text_w <= w->r.w, "%s: %s text wider than its box", screen, w->id);
        uint32_t first = 0;
        CHECKF(ui_text_missing(f->m.text, w->label, w->bold, &first) == 0,
               "%s: %s has a character no font draws (U+%04X)", screen, w->id, (unsigned)first);
    }
}

/* Text measured with the kiosk's fonts, on a software renderer of its own. */
typedef struct {
    SDL_Surface *surf;
    SDL_Renderer *ren;
    ui_text *text;
} text_rig;

static ui_text *text_rig_open(text_rig *r)
{
    r->surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    r->ren = r->surf ? SDL_CreateSoftwareRenderer(r->surf) : NULL;
    r->text = NULL;
    char *fonts = test_src("fonts"), err[WP_ERR_LEN] = "";
    CHECKF(r->ren && ui_text_open(r->ren, fonts, &r->text, err, sizeof err) == 0, "text: %s", err);
    free(fonts);
    return r->text;
}

static void text_rig_close(text_rig *r)
{
    ui_text_close(r->text);
    if (r->ren)
        SDL_DestroyRenderer(r->ren);
    SDL_FreeSurface(r->surf);
}

static void test_layout(void)
{
    fx f;
    if (!setup(&f, "staff-layout", true, false))
        return;
    text_rig tr;
    ui_text *text = text_rig_open(&tr);
    /* width, height, px/mm, body, heading, small, gap, margin, pad (as ui.c would size them) */
    const double sizes[][9] = {{1920, 1080, 5.6, 42, 53, 39, 22, 34, 14},
                               {1280, 800, 5.6, 42, 53, 39, 22, 34, 14},
                               {1024, 600, 4.0, 30, 38, 28, 16, 24, 10}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const double *z = sizes[k];
        f.m = (ui_staff_metrics){(int)z[0], (int)z[1], z[2],      (int)z[3], (int)z[4],
                                 (int)z[5], (int)z[6], (int)z[7], (int)z[8], NULL};
        for (int measured = 0; measured < 2; measured++) {
            f.m.text = measured ? text : NULL;
            void (*check)(fx *, const char *) = measured ? check_text_fits : check_layout;
            ui_staff_enter(f.s, f.now);
            tap_id(&f, "pin:5");
            check(&f, "staff-pin");
            tap_id(&f, "pin-clear");
            enter_pin(&f, PIN);
            check(&f, "staff");
            tap_id(&f, "staff-import");
            check(&f, "staff-import");
            tap_id(&f, "staff-back");
            tap_id(&f, "staff-switch");
            check(&f, "staff-switch");
            tap_id(&f, "staff-back");
            tap_id(&f, "staff-export");
            check(&f, "staff-export");
            ui_staff_leave(f.s);
        }
    }
    text_rig_close(&tr);
    teardown(&f);
}

/* Where the staff screen's status takes more than one page (a 10.1" panel), the bar says which
 * page is shown beside the arrows ("1 / 3"), and follows them. */
static void test_page_count(void)
{
    fx f;
    if (!setup(&f, "staff-pages", true, false))
        return;
    text_rig tr;
    ui_text *text = text_rig_open(&tr);
    f.m = (ui_staff_metrics){1280, 800, 1280 / 217.0, 34, 43, 31, 18, 27, 11, text};
    ui_staff_enter(f.s, f.now);
    enter_pin(&f, PIN);
    relayout(&f);
    const uiw *next = uiw_find(&f.wl, "page-next");
    CHECK(next != NULL && next->enabled);
    const char *count = label_of(&f, "page-count");
    int page = 0, pages = 0;
    CHECKF(sscanf(count, "%d / %d", &page, &pages) == 2 && page == 1 && pages >= 2,
           "page count \"%s\"", count);
    for (int p = 2; p <= pages && p < 10; p++) {
        tap_id(&f, "page-next");
        char want[32];
        snprintf(want, sizeof want, "%d / %d", p, pages);
        CHECK_STR(label_of(&f, "page-count"), want);
    }
    check_layout(&f, "staff, last page");
    tap_id(&f, "page-prev");
    char back[32];
    snprintf(back, sizeof back, "%d / %d", pages - 1, pages);
    CHECK_STR(label_of(&f, "page-count"), back);
    ui_staff_leave(f.s);
    text_rig_close(&tr);
    teardown(&f);
}

/* The watcher's next moment of work on a virtual clock: a millisecond on when its fd is
 * readable (the clock always moves, so a loop on it ends), else its deadline (a main loop
 * sleeping until either). */
static int64_t usb_next(plat_usb *u, int64_t now)
{
    struct pollfd pfd = {.fd = plat_usb_fd(u), .events = POLLIN};
    if (poll(&pfd, 1, 0) == 1)
        return now + 1;
    int64_t d = plat_usb_deadline(u, now);
    return d > now ? d : now + 1;
}

static void test_usb_watch(void)
{
    char *dir = test_tmpdir("staff-usb");
    if (!dir)
        return;
    config cfg;
    config_defaults(&cfg);
    char root[512], user[600], stick[700], wd[800];
    snprintf(root, sizeof root, "%s/media", dir);
    mkdirs(root);
    wp_strlcpy(cfg.mount_roots[0], root, sizeof cfg.mount_roots[0]);
    snprintf(cfg.mount_roots[1], sizeof cfg.mount_roots[1], "%s/not-there-yet", dir);
    cfg.n_mount_roots = 2;
    plat_usb *u = NULL;
    char err[WP_ERR_LEN];
    CHECKF(plat_usb_open(&cfg, &u, err, sizeof err) == 0, "%s", err);
    if (!u) {
        free(dir);
        return;
    }
    CHECK(plat_usb_fd(u) >= 0);
    char found[4][STICK_PATH_LEN];
    CHECK(plat_usb_sticks(u, found, 4) == 0);
    CHECK(!plat_usb_check(u, wp_mono_ms()));

    /* The watcher runs on the clock it is given, as the kiosk's main loop gives it: here a
     * virtual one that jumps to plat_usb_deadline whenever the fd is quiet, so the delays
     * below are the watcher's own (inotify at once, follow-ups, the fallback re-check),
     * however loaded the machine. inotify events are queued by the mkdir itself. */
    int64_t now = wp_mono_ms();
    /* /media/USER/STICK/WIJKPEIL, made the way a mount shows up: folders, then contents. */
    struct {
        const char *rel;
        const char *root;
    } cases[] = {{"user/STICK1", NULL}, {"STICK2", NULL}, {"STICK3", "not-there-yet"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        if (cases[c].root)
            snprintf(user, sizeof user, "%s/%s", dir, cases[c].root);
        else
            wp_strlcpy(user, root, sizeof user);
        snprintf(stick, sizeof stick, "%s/%s", user, cases[c].rel);
        mkdirs(stick);
        now += 300;             /* the mount point exists a moment before its contents */
        plat_usb_check(u, now); /* drained: the fd is quiet until something changes */
        snprintf(wd, sizeof wd, "%s/WIJKPEIL", stick);
        mkdir(wd, 0755);
        if (!cases[c].root) {
            struct pollfd pfd = {.fd = plat_usb_fd(u), .events = POLLIN};
            CHECKF(poll(&pfd, 1, TEST_GUARD_MS) == 1, "the fd signals %s", cases[c].rel);
        }
        int64_t t0 = now, seen = -1;
        while (seen < 0 && now - t0 < 15000) {
            if (plat_usb_check(u, now)) {
                int n = plat_usb_sticks(u, found, 4);
                for (int i = 0; i < n && i < 4; i++)
                    if (!strcmp(found[i], stick))
                        seen = now - t0;
            }
            if (seen < 0)
                now = usb_next(u, now);
        }
        printf("stick %s noticed after %lld ms (watcher's clock)\n", cases[c].rel, (long long)seen);
        CHECKF(seen >= 0 && seen <= (cases[c].root ? 11000 : 5000), "%s noticed after %lld ms",
               cases[c].rel, (long long)seen);
    }
    /* Removed again. */
    snprintf(stick, sizeof stick, "%s/STICK2", root);
    rm_rf(stick);
    int64_t t0 = now;
    bool gone = false;
    while (!gone && now - t0 < 5000) {
        if (plat_usb_check(u, now))
            gone = plat_usb_sticks(u, found, 4) == 2;
        if (!gone)
            now = usb_next(u, now);
    }
    CHECKF(gone, "a removed stick is still listed after %lld ms", (long long)(now - t0));
    plat_usb_close(u);
    plat_usb_close(NULL);
    rm_rf(dir);
    free(dir);
}

/* kiosk.conf on the stick: staff see every refused line and why (where data and secrets go is
 * for an administrator only), and the accepted one. */
static void test_stick_conf_refusals(void)
{
    fx f;
    if (!setup(&f, "staff-conf", true, false))
        return;
    char wdir[800];
    snprintf(wdir, sizeof wdir, "%s/WIJKPEIL", f.stick);
    const char *conf = "endpoint = https://evil.example/\nca_file = /x.pem\n"
                       "pinned_public_key = sha256//AAAA\ntoken = stolen\ntrusted_key = AAAA\n"
                       "device_id = kiosk-99\nidle_seconds = 45\n";
    put(wdir, "kiosk.conf", conf, strlen(conf));
    unlock(&f);
    tap_id(&f, "staff-import");
    const char *l = label_of(&f, "stick-conf");
    CHECKF(strstr(l, "1 setting accepted (idle_seconds = 45); 6 refused"), "label: %s", l);
    static const char *const keys[] = {"endpoint", "ca_file",     "pinned_public_key",
                                       "token",    "trusted_key", "device_id"};
    for (int i = 0; i < 6; i++) {
        char want[128];
        snprintf(want, sizeof want,
                 "%s can only be set by an administrator in "
                 "/etc/wijkpeil/kiosk.conf",
                 keys[i]);
        CHECKF(strstr(l, want) != NULL, "label lacks \"%s\": %s", want, l);
    }
    teardown(&f);
}

/* What the stick scan notes (no questionsets folder, a kiosk.conf that is a link) is said in
 * the staff language: Dutch words on a Dutch staff screen, English ones in English, never the
 * scan's English on the Dutch screen. */
static void test_stick_notes_language(void)
{
    fx f;
    if (!setup(&f, "staff-notes", false, true))
        return;
    char wdir[800], conf[900];
    snprintf(wdir, sizeof wdir, "%s/WIJKPEIL", f.stick);
    mkdirs(wdir); /* a stick with the folder, but no questionsets in it */
    snprintf(conf, sizeof conf, "%s/kiosk.conf", wdir);
    CHECK(symlink("/etc/hostname", conf) == 0);
    wp_strlcpy(f.cfg.staff_language, "nl", sizeof f.cfg.staff_language);
    unlock(&f);
    tap_id(&f, "staff-import");
    const char *l = label_of(&f, "stick-status");
    CHECKF(strstr(l, "geen map WIJKPEIL/questionsets op deze stick.") != NULL, "nl: %s", l);
    CHECKF(strstr(l, "WIJKPEIL/kiosk.conf is een symbolische link: geweigerd.") != NULL, "nl: %s",
           l);
    CHECKF(!strstr(l, "folder") && !strstr(l, "refused"), "English on the Dutch screen: %s", l);
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-language");
    tap_id(&f, "staff-import");
    l = label_of(&f, "stick-status");
    CHECKF(strstr(l, "no WIJKPEIL/questionsets folder on this stick.") != NULL, "en: %s", l);
    CHECKF(strstr(l, "kiosk.conf is a symbolic link: refused.") != NULL, "en: %s", l);
    teardown(&f);
    /* More question sets than are checked: the count and the names skipped, in Dutch. */
    if (!setup(&f, "staff-notes-many", true, true))
        return;
    for (int i = 0; i < STICK_MAX_SETS; i++) {
        char name[32];
        snprintf(name, sizeof name, "z-%02d.json", i);
        put(f.qdir, name, good_set, strlen(good_set));
    }
    wp_strlcpy(f.cfg.staff_language, "nl", sizeof f.cfg.staff_language);
    unlock(&f);
    tap_id(&f, "staff-import");
    l = label_of(&f, "stick-status");
    CHECKF(strstr(l, "alleen de eerste 32 vragenlijsten (op naam) zijn bekeken; 5 overgeslagen: "
                     "z-27.json, z-28.json, z-29.json, z-30.json, z-31.json.") != NULL,
           "nl: %s", l);
    teardown(&f);
}

/* The centre's settings documents on a stick (publish --to-stick): a row each, with Take over
 * for an accepted one and the staff words for the verdict for a refused one (as for a refused
 * publication); taking one keeps it and records it as a download with source stick, waiting for
 * its start on the status screen. */
static void test_stick_settings(void)
{
    fx f;
    if (!setup(&f, "staff-settings", true, false))
        return;
    char sdir[800], kept[900];
    snprintf(sdir, sizeof sdir, "%s/WIJKPEIL/settings", f.stick);
    mkdirs(sdir);
    const char *hours = "# spring\nidle_seconds = 600\nlanguages = nl\n";
    put_signed(sdir, "hours.conf", hours, f.sk1);
    const char *sched = "{\"publication\": \"cb58f97e6c960fc2\", \"from_ms\": 4076035200000, "
                        "\"until_ms\": 0}";
    put(sdir, "hours.conf.schedule", sched, strlen(sched));
    const char *evil = "idle_seconds = 60\nendpoint = https://evil.example/\n";
    put_signed(sdir, "evil.conf", evil, f.sk1);
    put_signed(sdir, "other.conf", hours, f.sk2);
    unlock(&f);
    tap_id(&f, "staff-import");
    int good = find_row(&f, "settings:", "hours.conf");
    CHECK(good >= 0);
    char id[32], take[32];
    snprintf(id, sizeof id, "settings:%d", good);
    snprintf(take, sizeof take, "take:%d", good);
    char keyid[16];
    sign_key_id(f.sk1 + 32, keyid, sizeof keyid);
    const char *l = label_of(&f, id);
    /* The name and when it is in use first (they show whole on every panel), then the rest. */
    CHECKF(strstr(l, "Settings from the centre \"hours.conf\", in use from 2099-03-01") == l &&
               strstr(l, "; key ") && strstr(l, keyid) &&
               strstr(l, ": idle_seconds = 600; languages = nl"),
           "row: %s", l);
    CHECK_STR(label_of(&f, take), "Take over");
    const struct {
        const char *file, *words;
    } refused[] = {{"evil.conf", "evil.conf: NOT accepted (holds a setting the centre may not "
                                 "change, or a bad value). evil.conf:2: endpoint may not be set"},
                   {"other.conf", "other.conf: NOT accepted (signed by a key this kiosk does not "
                                  "trust)"}};
    for (int i = 0; i < 2; i++) {
        int r = find_row(&f, "settings:", refused[i].file);
        CHECKF(r >= 0, "%s listed", refused[i].file);
        char rid[32];
        snprintf(rid, sizeof rid, "settings:%d", r);
        l = label_of(&f, rid);
        CHECKF(strstr(l, refused[i].words) != NULL, "row: %s", l);
        snprintf(rid, sizeof rid, "take:%d", r);
        relayout(&f);
        CHECKF(uiw_find(&f.wl, rid) == NULL, "no %s for a refused document", rid);
    }
    good = find_row(&f, "settings:", "hours.conf"); /* back to its page */
    snprintf(take, sizeof take, "take:%d", good);
    tap_id(&f, take);
    CHECKF(strstr(ui_staff_message(f.s),
                  "Settings \"hours.conf\" are kept on the centre's schedule: in use from "
                  "2099-03-01") != NULL,
           "%s", ui_staff_message(f.s));
    snprintf(kept, sizeof kept, "%s/settings/cb58f97e6c960fc2.conf", f.data);
    CHECK(exists(kept));
    snprintf(kept, sizeof kept, "%s/settings/evil.conf", f.data);
    CHECK(!exists(kept)); /* nothing of the refused ones: kept by publication id only */
    fleet_item items[4];
    store *st = NULL;
    char err[WP_ERR_LEN];
    CHECK(store_open(f.db, &st, err, sizeof err) == 0);
    CHECK(fleet_report_items(st, wp_wall_ms(), items, 4) == 1); /* the refused: not recorded */
    store_close(st);
    tap_id(&f, "staff-back");
    ui_staff_tick(f.s, f.now + UI_STAFF_STICK_POLL_MS);
    relayout(&f);
    if (!uiw_find(&f.wl, "status:published")) /* longer words: on the next page */
        tap_id(&f, "page-next");
    l = label_of(&f, "status:published");
    CHECKF(strstr(l, "settings hours.conf (USB stick): waiting until 2099-03-01") != NULL,
           "row: %s", l);
    teardown(&f);
}

/* The lockout survives a restart of the kiosk: five wrong PINs, a new staff mode on the same
 * database (as after a restart, on a fresh monotonic clock), and the right PIN is still
 * refused; four wrong ones count on after a restart too. */
static void test_pin_lock_survives_restart(void)
{
    fx f;
    if (!setup(&f, "staff-pin-restart", false, false))
        return;
    ui_staff_enter(f.s, f.now);
    for (int i = 0; i < 5; i++)
        enter_pin(&f, "9999");
    CHECK(strstr(label_of(&f, "pin-message"), "locked") != NULL);
    /* Restart: a new ui_staff, the monotonic clock far from where it was. */
    ui_staff_options o;
    memset(&o, 0, sizeof o);
    o.cfg = &f.cfg;
    o.strings = f.ui;
    o.db_path = f.db;
    o.data_dir = f.data;
    o.px_per_mm = PPM;
    o.staff_strings = f.staff_strings;
    o.ctx = &f;
    o.worker_done = on_worker_done;
    ui_staff_free(f.s);
    f.s = ui_staff_new(&o);
    f.now = 5000;
    ui_staff_enter(f.s, f.now);
    const char *msg = label_of(&f, "pin-message");
    CHECKF(strstr(msg, "locked") != NULL, "after a restart: %s", msg);
    enter_pin(&f, PIN);
    CHECK_STR(ui_staff_screen_name(f.s), "staff-pin");
    /* Five minutes on, the right PIN opens it and the kept count starts again. */
    f.now += PIN_LOCK_MS;
    ui_staff_tick(f.s, f.now);
    ui_staff_enter(f.s, f.now);
    enter_pin(&f, PIN);
    CHECK_STR(ui_staff_screen_name(f.s), "staff");
    ui_staff_leave(f.s);
    /* Four wrong, restart, one more wrong: locked. */
    ui_staff_enter(f.s, f.now);
    for (int i = 0; i < 4; i++)
        enter_pin(&f, "9999");
    ui_staff_free(f.s);
    f.s = ui_staff_new(&o);
    f.now = 7000;
    ui_staff_enter(f.s, f.now);
    enter_pin(&f, "9999");
    msg = label_of(&f, "pin-message");
    CHECKF(strstr(msg, "locked") != NULL, "4 wrong, restart, 1 wrong: %s", msg);
    teardown(&f);
}

/* Issue 9 rule 5: on a panel below the smallest supported one (UI_SMALLEST_W_MM x _H_MM) the
 * status screen says so first, with both sizes, in the staff language; at the smallest
 * supported size and above it says nothing. */
static void test_panel_too_small(void)
{
    fx f;
    if (!setup(&f, "staff-panel", false, false))
        return;
    unlock(&f);
    relayout(&f);
    CHECK(uiw_find(&f.wl, "status:panel") == NULL); /* 343 x 193 mm */
    f.m.width = (int)(80 * PPM);
    f.m.height = (int)(60 * PPM) + 1;
    relayout(&f); /* a tiny panel: the row is there (cut to what fits) */
    CHECK(strncmp(label_of(&f, "status:panel"), "Screen", 6) == 0);
    /* Wide enough but too short (a 7" landscape panel, 155 x 93 mm, is supported). */
    f.m.width = (int)(300 * PPM);
    f.m.height = (int)(90 * PPM);
    CHECKF(strstr(label_of(&f, "status:panel"),
                  "Screen too small: 300 x 90 mm, at least 88 x 93 mm needed") != NULL,
           "%s", label_of(&f, "status:panel"));
    ui_staff_set_language(f.s, "nl");
    CHECKF(strstr(label_of(&f, "status:panel"),
                  "Scherm te klein: 300 x 90 mm, minstens 88 x 93 mm nodig") != NULL,
           "%s", label_of(&f, "status:panel"));
    f.m.height = (int)(93 * PPM) + 1;
    relayout(&f);
    CHECK(uiw_find(&f.wl, "status:panel") == NULL);
    f.m.width = (int)(88 * PPM) + 1;
    f.m.height = (int)(156 * PPM);
    relayout(&f);
    CHECK(uiw_find(&f.wl, "status:panel") == NULL);
    teardown(&f);
}

/* Staff screens speak Dutch unless staff_language says English; the language button on the
 * staff screen switches until staff mode is left; every word comes from the strings file. */
static void test_language(void)
{
    fx f;
    if (!setup(&f, "staff-lang", true, true))
        return;
    config c;
    config_defaults(&c);
    CHECK_STR(c.staff_language, "nl");
    wp_strlcpy(f.cfg.staff_language, c.staff_language, sizeof f.cfg.staff_language);
    char err[WP_ERR_LEN] = "";
    CHECK(config_set(&c, "staff_language", "en", err, sizeof err) == 0);
    CHECK_STR(c.staff_language, "en");
    CHECK(config_set(&c, "staff_language", "fr", err, sizeof err) == -1);
    CHECKF(strstr(err, "staff_language must be nl or en") != NULL, "%s", err);

    ui_staff_enter(f.s, f.now);
    CHECK_STR(ui_staff_language(f.s), "nl");
    CHECK_STR(label_of(&f, "heading"), "Personeelsmodus");
    CHECK_STR(label_of(&f, "pin-cancel"), "Annuleren");
    relayout(&f);
    const uiw *clear = uiw_find(&f.wl, "pin-clear");
    CHECK(clear && !strcmp(clear->spoken, "Wissen")); /* shown as "C" where the word does not fit */
    enter_pin(&f, "1111");
    CHECKF(strstr(label_of(&f, "pin-message"), "Verkeerde pincode. Nog 4 pogingen") != NULL, "%s",
           label_of(&f, "pin-message"));
    enter_pin(&f, PIN);
    CHECK_STR(ui_staff_screen_name(f.s), "staff");
    CHECK_STR(label_of(&f, "staff-import"), "Stick inlezen");
    CHECK_STR(label_of(&f, "staff-leave"), "Naar bewoners");
    CHECKF(strstr(label_of(&f, "status:responses"), "3 vandaag, 3 in totaal") != NULL, "%s",
           label_of(&f, "status:responses"));
    CHECKF(strstr(label_of(&f, "status:device"), "Apparaat: kiosk-07, locatie: nazareth"), "%s",
           label_of(&f, "status:device"));
    relayout(&f);
    const uiw *lw = uiw_find(&f.wl, "status:disk");
    CHECK(lw && !strcmp(lw->lang, "nl"));
    /* The language button names the other language. */
    CHECK_STR(label_of(&f, "staff-language"), "English");
    tap_id(&f, "staff-sync");
    CHECKF(strstr(label_of(&f, "staff-message"), "Versturen staat uit") != NULL, "%s",
           label_of(&f, "staff-message"));
    tap_id(&f, "staff-language");
    CHECK_STR(ui_staff_language(f.s), "en");
    CHECK_STR(label_of(&f, "staff-import"), "Import from stick");
    CHECK_STR(label_of(&f, "heading"), "Staff mode");
    CHECK_STR(label_of(&f, "staff-language"), "Dutch");
    tap_id(&f, "staff-import");
    CHECK_STR(label_of(&f, "heading"), "Import from USB stick");
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-language");
    tap_id(&f, "staff-import");
    CHECK_STR(label_of(&f, "heading"), "Importeren van USB-stick");
    CHECKF(strstr(label_of(&f, "stick-status"), "Stick STICK: 5 vragenlijsten, 2 geaccepteerd."),
           "%s", label_of(&f, "stick-status"));
    CHECK_STR(label_of(&f, "activate:0"), "Activeren");
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-export");
    tap_id(&f, "export-all");
    CHECK_STR(label_of(&f, "export-result"), "U kunt de stick er nu uit halen.");
    CHECKF(strstr(label_of(&f, "export-detail"), "3 antwoorden naar WIJKPEIL/export") != NULL, "%s",
           label_of(&f, "export-detail"));
    /* Leaving ends the choice: the next staff member starts in the configured language. */
    tap_id(&f, "staff-back");
    tap_id(&f, "staff-language");
    CHECK_STR(ui_staff_language(f.s), "en");
    ui_staff_leave(f.s);
    ui_staff_enter(f.s, f.now);
    CHECK_STR(label_of(&f, "pin-cancel"), "Annuleren");
    ui_staff_leave(f.s);
    /* staff_language = en: English from the PIN pad on. */
    wp_strlcpy(f.cfg.staff_language, "en", sizeof f.cfg.staff_language);
    ui_staff_enter(f.s, f.now);
    CHECK_STR(label_of(&f, "heading"), "Staff mode");
    CHECK_STR(label_of(&f, "pin-cancel"), "Cancel");
    enter_pin(&f, PIN);
    CHECK_STR(label_of(&f, "staff-import"), "Import from stick");
    CHECKF(strstr(label_of(&f, "status:responses"), "3 today, 3 in total") != NULL, "%s",
           label_of(&f, "status:responses"));
    teardown(&f);
}

/* The shipped staff words: both languages complete, placeholders in every translation, and a
 * file lacking a key or a placeholder is refused with the key named. */
static void test_strings_file(void)
{
    char *path = test_src("assets/staff-strings.json");
    uistr *u = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(ui_staff_load_strings(path, &u, err, sizeof err) == 0, "%s", err);
    CHECK(uistr_has_language(u, "nl") && uistr_has_language(u, "en"));
    uistr_free(u);
    free(path);
    char *dir = test_tmpdir("staff-strings");
    char bad[700];
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    const char *missing = "{\"en\": {\"dir\": \"ltr\", \"name\": \"English\"}}";
    put(dir, "bad.json", missing, strlen(missing));
    CHECK(ui_staff_load_strings(bad, &u, err, sizeof err) == -1);
    CHECKF(strstr(err, "missing key") != NULL, "%s", err);
    rm_rf(dir);
    free(dir);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    RUN(test_gesture);
    RUN(test_pin);
    RUN(test_worker_keeps_screens_answering);
    RUN(test_published_status);
    RUN(test_pin_lock_survives_restart);
    RUN(test_auto_leave);
    RUN(test_status);
    RUN(test_sync_across_processes);
    RUN(test_import_and_switch);
    RUN(test_stick_conf_refusals);
    RUN(test_stick_settings);
    RUN(test_stick_notes_language);
    RUN(test_export);
    RUN(test_export_inline);
    RUN(test_layout);
    RUN(test_page_count);
    RUN(test_usb_watch);
    RUN(test_language);
    RUN(test_strings_file);
    RUN(test_panel_too_small);
    return test_main();
}
