/* Config file: defaults, overrides, and errors that name the line. */
#include "config.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
    RUN(test_defaults_and_values);
    RUN(test_errors_name_line);
    return test_main();
}
