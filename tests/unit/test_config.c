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

int main(void)
{
    RUN(test_defaults_and_values);
    RUN(test_errors_name_line);
    RUN(test_local_conf_whitelist);
    return test_main();
}
