/* Config file: defaults, overrides, and errors that name the line. */
#include "config.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *write_tmp(const char *text)
{
    char *dir = test_tmpdir("config");
    static const char name[] = "/kiosk.conf";
    size_t n = strlen(dir) + sizeof name;
    char *path = malloc(n);
    snprintf(path, n, "%s%s", dir, name);
    free(dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_defaults_and_values(void)
{
    config c;
    config_defaults(&c);
    CHECK(c.idle_seconds == 90 && c.still_there_seconds == 30 && c.keep_abandoned);
    char *p = write_tmp("# comment\n\nidle_seconds = 45 # trailing\nkeep_abandoned = no\n"
                        "questionset = /tmp/x.json\ntrusted_key = abc\ntrusted_key = def\n");
    char err[256] = "";
    CHECK(config_load(&c, p, err, sizeof err) == 0);
    CHECK(c.idle_seconds == 45);
    CHECK(!c.keep_abandoned);
    CHECK_STR(c.questionset, "/tmp/x.json");
    CHECK(c.n_trusted_keys == 2);
    free(p);
}

static void test_errors_name_line(void)
{
    config c;
    config_defaults(&c);
    char err[256] = "";
    char *p = write_tmp("idle_seconds = 60\ncolour = blue\n");
    CHECK(config_load(&c, p, err, sizeof err) == -1);
    CHECKF(strstr(err, ":2: unknown setting \"colour\"") != NULL, "%s", err);
    free(p);
    p = write_tmp("\n\nstill_there_seconds = 5\n");
    CHECK(config_load(&c, p, err, sizeof err) == -1);
    CHECKF(strstr(err, ":3: still_there_seconds must be a whole number from 20") != NULL, "%s",
           err);
    free(p);
    p = write_tmp("idle_seconds 60\n");
    CHECK(config_load(&c, p, err, sizeof err) == -1);
    CHECKF(strstr(err, ":1: expected") != NULL, "%s", err);
    free(p);
    CHECK(config_set(&c, "keep_abandoned", "maybe", err, sizeof err) == -1);
    CHECK(config_set(&c, "opening_hours", "8-17", err, sizeof err) == -1);
    CHECK(config_set(&c, "opening_hours", "08:30-17:00", err, sizeof err) == 0);
}

/* local.conf (settings saved from a stick) goes through the stick's whitelist again when it is
 * read: an endpoint or token in it is left out with a warning, whatever wrote it. The kiosk and
 * wijkpeil sync share this one loader. */
static void test_local_conf_whitelist(void)
{
    char *dir = test_tmpdir("config-local");
    char main_conf[1024], local[1024], db[1024];
    snprintf(main_conf, sizeof main_conf, "%s/kiosk.conf", dir);
    snprintf(local, sizeof local, "%s/local.conf", dir);
    snprintf(db, sizeof db, "%s/responses.db", dir);
    FILE *f = fopen(main_conf, "w");
    fprintf(f, "endpoint = https://collector.example/\ntoken = real\ndb = %s\n", db);
    fclose(f);
    f = fopen(local, "w");
    fputs("endpoint = https://evil.example/\ntoken = stolen\nca_file = /tmp/ca.pem\n"
          "pinned_public_key = sha256//AAAA\ntrusted_key = AAAA\ndevice_id = k9\n"
          "idle_seconds = 50\nlocation = pottenberg\n",
          f);
    fclose(f);
    config c;
    config_sources src;
    char err[256] = "";
    CHECKF(config_load_kiosk(&c, main_conf, NULL, &src, err, sizeof err) == 0, "%s", err);
    CHECK_STR(c.endpoint, "https://collector.example/");
    CHECK_STR(c.token, "real");
    CHECK(c.ca_file[0] == '\0' && c.pinned_public_key[0] == '\0' && c.device_id[0] == '\0');
    CHECK(c.n_trusted_keys == 0);
    CHECK(c.idle_seconds == 50);
    CHECK_STR(c.location, "pottenberg");
    CHECK_STR(src.data_dir, dir);
    CHECK_STR(src.local_path, local);
    CHECKF(strstr(src.warning, "local.conf:1: ignored: endpoint can only be set by an "
                               "administrator in /etc/wijkpeil/kiosk.conf") &&
               strstr(src.warning, ":6: ignored: device_id"),
           "warning: %s", src.warning);
    /* --db elsewhere: that folder's local.conf (none there) is the one read. */
    char other[1024];
    snprintf(other, sizeof other, "%s/sub", dir);
    mkdir(other, 0755);
    snprintf(other, sizeof other, "%s/sub/x.db", dir);
    CHECK(config_load_kiosk(&c, main_conf, other, &src, err, sizeof err) == 0);
    CHECK(c.idle_seconds == 90 && src.warning[0] == '\0');
    /* No config and no --db: the documented default database in the working folder. */
    CHECK(config_load_kiosk(&c, NULL, NULL, &src, err, sizeof err) == 0);
    CHECK_STR(c.db, "wijkpeil.db");
    CHECK_STR(src.data_dir, ".");
    free(dir);
}

/* Every row of the settings table: its default passes its own parser, and the stick whitelist
 * is exactly the rows that allow the stick. mount_root's first line replaces the defaults. */
static void test_table_drives_parser_and_whitelist(void)
{
    size_t n = 0;
    const config_setting *rows = config_settings(&n);
    CHECK(n >= 20);
    char err[256], buf[256];
    for (size_t i = 0; i < n; i++) {
        config c;
        config_defaults(&c);
        const config_setting *s = &rows[i];
        CHECK(config_setting_find(s->key) == s);
        if (s->def[0] && s->type != CONFIG_LIST)
            CHECKF(config_set(&c, s->key, s->def, err, sizeof err) == 0, "%s: %s", s->key, err);
        bool stick = config_local_refusal(s->key, buf, sizeof buf) == NULL;
        CHECKF(stick == ((s->from & CONFIG_FROM_STICK) != 0), "%s", s->key);
        CHECKF(s->doc && s->doc[0] && !strchr(s->doc, '|'), "%s: one line, no |", s->key);
    }
    /* The secrets and where data goes never come from a stick. */
    static const char *const admin_only[] = {
        "endpoint",    "token",     "ca_file", "pinned_public_key",
        "trusted_key", "device_id", "db",      "mount_root"};
    for (size_t i = 0; i < sizeof admin_only / sizeof admin_only[0]; i++)
        CHECKF(config_local_refusal(admin_only[i], buf, sizeof buf) != NULL, "%s", admin_only[i]);
    config c;
    config_defaults(&c);
    CHECK(c.n_mount_roots == 2 && !strcmp(c.mount_roots[1], "/run/media"));
    CHECK_STR(c.db, "wijkpeil.db");
    CHECK(c.tap_debounce_ms == 400 && c.viewing_distance_mm == 600 && c.thanks_seconds == 8);
    CHECK(c.sync_interval_seconds == 300 && c.screen_width_mm == 0.0 && !c.opening_hours[0]);
    CHECK(config_set(&c, "mount_root", "/mnt/usb", err, sizeof err) == 0);
    CHECK(config_set(&c, "mount_root", "/mnt/usb2", err, sizeof err) == 0);
    CHECK(c.n_mount_roots == 2 && !strcmp(c.mount_roots[0], "/mnt/usb"));
    CHECK(config_set(&c, "screen_width_mm", "40", err, sizeof err) == -1);
    CHECK(config_set(&c, "screen_width_mm", "154.2", err, sizeof err) == 0);
    CHECK(c.screen_width_mm > 154.1 && c.screen_width_mm < 154.3);
}

/* The README's settings table is the table: a setting added, removed or changed in config.c
 * and not in README.md (or the other way round) fails here, printing the rows to paste. */
static void test_readme_table_matches(void)
{
    char want[16384];
    int wl = config_settings_markdown(want, sizeof want);
    CHECK(wl > 0);
    test_readme_table("Settings", want, "app/core/config.c");
}

/* The centre's settings document: only "remote" settings, all or nothing, the line named. */
static void test_remote_document(void)
{
    config c;
    config_defaults(&c);
    CHECK(config_set(&c, "endpoint", "https://collector.example/", NULL, 0) == 0);
    char err[512] = "";
    const char *good = "# spring\nlanguages = nl, ar\nopening_hours = 09:00-17:00\n"
                       "idle_seconds = 45\nretention_days = 30\n";
    CHECKF(config_load_remote(&c, good, strlen(good), "hours.conf", err, sizeof err) == 0, "%s",
           err);
    CHECK_STR(c.languages, "nl, ar");
    CHECK_STR(c.opening_hours, "09:00-17:00");
    CHECK(c.idle_seconds == 45 && c.retention_days == 30);
    CHECK(hours_open_at(&c.hours, 10 * 60) && !hours_open_at(&c.hours, 8 * 60));
    CHECK_STR(c.endpoint, "https://collector.example/");
    /* One line naming where data goes refuses the whole document: nothing of it is taken. */
    const char *evil = "idle_seconds = 20\nendpoint = https://evil.example/\n";
    CHECK(config_load_remote(&c, evil, strlen(evil), "evil.conf", err, sizeof err) == -1);
    CHECKF(strstr(err, "evil.conf:2: endpoint may not be set from the centre") != NULL, "%s", err);
    CHECK(c.idle_seconds == 45);
    CHECK_STR(c.endpoint, "https://collector.example/");
    static const char *const never[] = {
        "endpoint",          "token",      "trusted_key", "ca_file",
        "pinned_public_key", "device_id",  "db",          "seal_public_key",
        "staff_pin_hash",    "mount_root", "log_file"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        char buf[128];
        CHECKF(config_remote_refusal(never[i], buf, sizeof buf) != NULL, "%s", never[i]);
    }
    /* A bad value, an unknown key, a malformed line: refused, with the line. */
    const char *bad = "languages = nl\nidle_seconds = 5\n";
    CHECK(config_load_remote(&c, bad, strlen(bad), "bad.conf", err, sizeof err) == -1);
    CHECKF(strstr(err, "bad.conf:2: idle_seconds must be") != NULL, "%s", err);
    CHECK_STR(c.languages, "nl, ar");
    const char *unknown = "colour = red\n";
    CHECK(config_load_remote(&c, unknown, strlen(unknown), "u.conf", err, sizeof err) == -1);
    CHECKF(strstr(err, "u.conf:1: unknown setting") != NULL, "%s", err);
    const char *nul = "languages = nl\0\nendpoint = x\n";
    CHECK(config_load_remote(&c, nul, 28, "n.conf", err, sizeof err) == -1);
    /* config_copy_remote takes the remote settings only. */
    config d;
    config_defaults(&d);
    config_copy_remote(&d, &c);
    CHECK_STR(d.languages, "nl, ar");
    CHECK(d.idle_seconds == 45 && d.endpoint[0] == '\0');
    CHECK(hours_open_at(&d.hours, 10 * 60) && !hours_open_at(&d.hours, 8 * 60));
}

/* config_check_remote_all: every problem of a document as values, in line order. */
typedef struct {
    int n;
    int line[8];
    config_problem_kind kind[8];
    char key[8][32], value[8][32], message[8][160];
    const config_setting *setting[8];
} problems_seen;

static void see_problem(void *ctx, const config_problem *p)
{
    problems_seen *s = ctx;
    if (s->n >= 8)
        return;
    s->line[s->n] = p->line;
    s->kind[s->n] = p->kind;
    snprintf(s->key[s->n], sizeof s->key[0], "%s", p->key);
    snprintf(s->value[s->n], sizeof s->value[0], "%s", p->value);
    snprintf(s->message[s->n], sizeof s->message[0], "%s", p->message);
    s->setting[s->n] = p->setting;
    s->n++;
}

static void test_remote_problems(void)
{
    char err[512] = "";
    problems_seen s = {0};
    const char *doc = "# spring\nopening_hours = ma 9-\nendpoint = https://evil.example/\n"
                      "idel_seconds = 30\n\nshare = misschien\nno equals sign\n"
                      "idle_seconds = 5\nlanguages = nl\n";
    CHECK(config_check_remote_all(doc, strlen(doc), "hours.conf", see_problem, &s, err,
                                  sizeof err) == -1);
    CHECKF(s.n == 6, "%d", s.n);
    static const struct {
        int line;
        config_problem_kind kind;
        const char *key, *value;
    } want[] = {{2, CONFIG_PROBLEM_VALUE, "opening_hours", "ma 9-"},
                {3, CONFIG_PROBLEM_NOT_REMOTE, "endpoint", "https://evil.example/"},
                {4, CONFIG_PROBLEM_UNKNOWN, "idel_seconds", "30"},
                {6, CONFIG_PROBLEM_VALUE, "share", "misschien"},
                {7, CONFIG_PROBLEM_SYNTAX, "", ""},
                {8, CONFIG_PROBLEM_VALUE, "idle_seconds", "5"}};
    for (int i = 0; i < 6 && i < s.n; i++) {
        CHECKF(s.line[i] == want[i].line, "%d: line %d", i, s.line[i]);
        CHECKF(s.kind[i] == want[i].kind, "%d: kind %d", i, (int)s.kind[i]);
        CHECK_STR(s.key[i], want[i].key);
        CHECK_STR(s.value[i], want[i].value);
        CHECKF((s.setting[i] != NULL) == (want[i].kind == CONFIG_PROBLEM_VALUE ||
                                          want[i].kind == CONFIG_PROBLEM_NOT_REMOTE),
               "%d", i);
    }
    CHECK(s.setting[5] && s.setting[5]->type == CONFIG_INT && s.setting[5]->min == 10);
    CHECKF(strstr(s.message[1], "hours.conf:3: endpoint may not be set from the centre") != NULL,
           "%s", s.message[1]);
    /* err holds the first, as config_check_remote says it */
    char first[512] = "";
    CHECK(config_check_remote(doc, strlen(doc), "hours.conf", first, sizeof first) == -1);
    CHECK_STR(err, first);
    CHECKF(strstr(err, "hours.conf:2: ") != NULL, "%s", err);
    /* a document that is not text: one problem, line 0 */
    problems_seen t = {0};
    const char *nul = "languages = nl\0\nendpoint = x\n";
    CHECK(config_check_remote_all(nul, 28, "n.conf", see_problem, &t, err, sizeof err) == -1);
    CHECK(t.n == 1 && t.line[0] == 0 && t.kind[0] == CONFIG_PROBLEM_NOT_TEXT);
    /* a good one: none */
    problems_seen g = {0};
    const char *good = "languages = nl\nidle_seconds = 45\n";
    CHECK(config_check_remote_all(good, strlen(good), "g.conf", see_problem, &g, err, sizeof err) ==
          0);
    CHECK(g.n == 0);
}

int main(void)
{
    RUN(test_table_drives_parser_and_whitelist);
    RUN(test_readme_table_matches);
    RUN(test_defaults_and_values);
    RUN(test_errors_name_line);
    RUN(test_local_conf_whitelist);
    RUN(test_remote_document);
    RUN(test_remote_problems);
    return test_main();
}
