/* The kiosk's reading of an assignment from the collector (fleet_parse): what it refuses before
 * downloading anything, and where downloads go. */
#include "fleet.h"
#include "store.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA "e7531525a8818a3b06dc5c4e09269c351688352352117dc6caa3bba02d876112"

/* An assignment for device with one publication whose first file is named name. */
static void doc(char *buf, size_t len, const char *device, const char *name, long long size)
{
    snprintf(buf, len,
             "{\"device\":\"%s\",\"location\":\"nazareth\",\"now_ms\":1803888000000,"
             "\"publications\":[{\"id\":\"cb58f97e6c960fc2\",\"kind\":\"set\",\"set_id\":\"s\","
             "\"set_version\":3,\"set_file\":\"spring.json\",\"from_ms\":1,\"until_ms\":0,"
             "\"files\":[{\"name\":\"%s\",\"size\":%lld,\"sha256\":\"" SHA "\"},"
             "{\"name\":\"spring.json\",\"size\":10,\"sha256\":\"" SHA "\"},"
             "{\"name\":\"spring.json.sig\",\"size\":134,\"sha256\":\"" SHA "\"}]}]}",
             device, name, size);
}

static int parse(const char *device, const char *name, long long size, char *err, size_t errlen)
{
    char buf[2048];
    fleet_assignment a;
    doc(buf, sizeof buf, device, name, size);
    int rc = fleet_parse(buf, strlen(buf), "kiosk-07", &a, err, errlen);
    if (rc == 0) {
        CHECK(a.n == 1 && a.pubs[0].n_files == 3 && a.now_ms == 1803888000000LL);
        fleet_assignment_free(&a);
    }
    return rc;
}

static void test_parse(void)
{
    char err[WP_ERR_LEN];
    CHECKF(parse("kiosk-07", "clips/q1-nl.wav", 364, err, sizeof err) == 0, "%s", err);
    CHECK(parse("kiosk-08", "clips/q1-nl.wav", 364, err, sizeof err) == -1);
    CHECKF(strstr(err, "another device") != NULL, "%s", err);
    static const char *const unsafe[] = {"../x.wav",     "/etc/passwd",  "clips/../../x", ".hidden",
                                         "clips//x.wav", "clips/x.wav/", "a b.wav"};
    for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++)
        CHECKF(parse("kiosk-07", unsafe[i], 364, err, sizeof err) == -1, "accepted %s", unsafe[i]);
    CHECK(parse("kiosk-07", "clips/big.wav", 65LL * 1024 * 1024, err, sizeof err) == -1);
    CHECK(fleet_parse("[]", 2, "kiosk-07", &(fleet_assignment){0}, err, sizeof err) == -1);
}

static void test_download_path(void)
{
    char *dir = test_tmpdir("fleet-path");
    char path[1024], err[WP_ERR_LEN];
    CHECK(fleet_download_path(dir, "cb58f97e6c960fc2", "clips/q1-nl.wav", path, sizeof path, err,
                              sizeof err) == 0);
    char want[1024];
    snprintf(want, sizeof want,
             "%s/incoming/cb58f97e6c960fc2/WIJKPEIL/questionsets/clips/q1-nl.wav", dir);
    CHECK_STR(path, want);
    CHECK(fleet_download_path(dir, "..", "x.wav", path, sizeof path, err, sizeof err) == -1);
    CHECK(fleet_download_path(dir, "id", "../x.wav", path, sizeof path, err, sizeof err) == -1);
    free(dir);
}

/* The schedule on the centre's clock: a kiosk whose clock is a day behind starts and ends a
 * publication when the centre says, and the one that started last wins. */
static void test_due(void)
{
    char *dir = test_tmpdir("fleet-due");
    char db[600], err[WP_ERR_LEN], path[256];
    snprintf(db, sizeof db, "%s/k.db", dir);
    store *st = NULL;
    CHECKF(store_open(db, &st, err, sizeof err) == 0, "%s", err);
    const int64_t day = 86400000, t = 1803888000000LL; /* the start, on the centre's clock */
    char state[1024];
    snprintf(state, sizeof state,
             "{\"offset_ms\":%lld,\"pubs\":["
             "{\"id\":\"a\",\"path\":\"/a.json\",\"state\":\"installed\",\"from_ms\":%lld,"
             "\"until_ms\":%lld},"
             "{\"id\":\"b\",\"path\":\"/b.json\",\"state\":\"installed\",\"from_ms\":%lld,"
             "\"until_ms\":0},"
             "{\"id\":\"c\",\"path\":\"/c.json\",\"state\":\"failed\",\"from_ms\":0,"
             "\"until_ms\":0}]}",
             (long long)day, (long long)t, (long long)(t + 2 * 3600000), (long long)(t + 3600000));
    CHECK(store_meta_set(st, FLEET_META_STATE, state, err, sizeof err) == 0);
    int64_t next;
    fleet_due(st, t - day - 60000, 0, path, sizeof path, &next); /* a minute before, kiosk clock */
    CHECK_STR(path, "");
    CHECK(next == t - day);
    fleet_due(st, t - day + 60000, 0, path, sizeof path, &next);
    CHECK_STR(path, "/a.json");
    CHECK(next == t - day + 3600000);
    fleet_due(st, t - day + 3600000 + 1, 0, path, sizeof path, &next); /* b started later: wins */
    CHECK_STR(path, "/b.json");
    fleet_due(st, t - day + 3 * 3600000, 0, path, sizeof path, &next); /* a ended; b goes on */
    CHECK_STR(path, "/b.json");
    CHECK(next == INT64_MAX);
    /* Staff chose a set from a stick after b started: theirs is newer, b is not due. */
    fleet_due(st, t - day + 3 * 3600000, t - day + 2 * 3600000, path, sizeof path, &next);
    CHECK_STR(path, "");
    /* Chosen before b started: b wins again. */
    fleet_due(st, t - day + 3 * 3600000, t - day + 1800000, path, sizeof path, &next);
    CHECK_STR(path, "/b.json");
    store_close(st);
    free(dir);
}

/* The centre's settings document on the schedule: a set's schedule leaves the settings alone and
 * the other way round; the document goes over the kiosk's settings, local.conf over it. */
static void test_settings(void)
{
    char *dir = test_tmpdir("fleet-settings");
    char db[600], err[WP_ERR_LEN], path[700], doc[700], local[700], state[2048];
    snprintf(db, sizeof db, "%s/k.db", dir);
    snprintf(doc, sizeof doc, "%s/hours.conf", dir);
    snprintf(local, sizeof local, "%s/local.conf", dir);
    FILE *f = fopen(doc, "w");
    fputs("idle_seconds = 45\nretention_days = 30\nlanguages = nl\n", f);
    fclose(f);
    store *st = NULL;
    CHECKF(store_open(db, &st, err, sizeof err) == 0, "%s", err);
    const int64_t t = 1803888000000LL;
    snprintf(state, sizeof state,
             "{\"offset_ms\":0,\"pubs\":["
             "{\"id\":\"s\",\"kind\":\"settings\",\"path\":\"%s\",\"state\":\"installed\","
             "\"from_ms\":%lld,\"until_ms\":%lld},"
             "{\"id\":\"q\",\"kind\":\"set\",\"path\":\"/q.json\",\"state\":\"installed\","
             "\"from_ms\":0,\"until_ms\":0}]}",
             doc, (long long)t, (long long)(t + 3600000));
    CHECK(store_meta_set(st, FLEET_META_STATE, state, err, sizeof err) == 0);
    config base, eff;
    config_defaults(&base);
    CHECK(config_set(&base, "endpoint", "https://c.example/", err, sizeof err) == 0);
    int64_t next;
    char set[256];
    fleet_due(st, t + 60000, 0, set, sizeof set, &next);
    CHECK_STR(set, "/q.json"); /* the settings document is not a set */
    CHECK(fleet_settings(st, t - 60000, &base, local, &eff, path, sizeof path, &next, err,
                         sizeof err) == 0);
    CHECK_STR(path, "");
    CHECK(eff.idle_seconds == 90 && next == t);
    CHECKF(fleet_settings(st, t + 60000, &base, local, &eff, path, sizeof path, &next, err,
                          sizeof err) == 0,
           "%s", err);
    CHECK_STR(path, doc);
    CHECK(eff.idle_seconds == 45 && eff.retention_days == 30 && next == t + 3600000);
    CHECK_STR(eff.languages, "nl");
    CHECK_STR(eff.endpoint, "https://c.example/");
    /* What staff saved on the kiosk itself wins over the centre. */
    f = fopen(local, "w");
    fputs("languages = nl, en\n", f);
    fclose(f);
    CHECK(fleet_settings(st, t + 60000, &base, local, &eff, path, sizeof path, &next, err,
                         sizeof err) == 0);
    CHECK_STR(eff.languages, "nl, en");
    CHECK(eff.idle_seconds == 45);
    /* After until: the kiosk's own settings again. */
    CHECK(fleet_settings(st, t + 3600000, &base, local, &eff, path, sizeof path, &next, err,
                         sizeof err) == 0);
    CHECK_STR(path, "");
    CHECK(eff.idle_seconds == 90 && eff.retention_days == 0);
    /* A kept document that no longer reads as one (changed on the kiosk's disk): not used. */
    f = fopen(doc, "w");
    fputs("token = x\n", f);
    fclose(f);
    CHECK(fleet_settings(st, t + 60000, &base, local, &eff, path, sizeof path, &next, err,
                         sizeof err) == -1);
    CHECK(eff.idle_seconds == 90 && eff.token[0] == '\0' && path[0] == '\0');
    store_close(st);
    free(dir);
}

/* A settings document staff took from a stick: kept in DATA_DIR/settings/ID.conf and recorded as
 * a download (its publication's id and schedule, source "stick"), so fleet_settings starts and
 * ends it the same way; the centre's assignment does not drop it; a refused one is not taken. */
static void test_stick_settings(void)
{
    char *dir = test_tmpdir("fleet-stick-settings");
    char db[600], err[WP_ERR_LEN], path[700], kept[700], want[700];
    snprintf(db, sizeof db, "%s/k.db", dir);
    store *st = NULL;
    CHECKF(store_open(db, &st, err, sizeof err) == 0, "%s", err);
    const int64_t t = 1803888000000LL;
    static char text[] = "idle_seconds = 45\nlanguages = nl\n";
    stick_settings d;
    memset(&d, 0, sizeof d);
    wp_strlcpy(d.file, "hours.conf", sizeof d.file);
    wp_strlcpy(d.pub_id, "cb58f97e6c960fc2", sizeof d.pub_id);
    d.from_ms = t;
    d.until_ms = t + 3600000;
    d.data = text;
    d.len = strlen(text);
    d.status = STICK_SET_TAMPERED; /* refused on the stick: nothing is taken */
    CHECK(fleet_record_stick_settings(st, &d, dir, kept, sizeof kept, err, sizeof err) == -1);
    CHECK(fleet_report_json(st, t) == NULL);
    d.status = STICK_SET_OK;
    CHECKF(fleet_record_stick_settings(st, &d, dir, kept, sizeof kept, err, sizeof err) == 0, "%s",
           err);
    snprintf(want, sizeof want, "%s/%s/cb58f97e6c960fc2.conf", dir, FLEET_SETTINGS_DIR);
    CHECK_STR(kept, want);
    char *back = NULL;
    size_t n = 0;
    CHECK(wp_read_file(kept, 4096, &back, &n, err, sizeof err) == 0 && n == d.len &&
          !memcmp(back, text, n));
    free(back);
    char *json = fleet_report_json(st, t - 60000);
    CHECKF(json && strstr(json, "\"id\":\"cb58f97e6c960fc2\",\"kind\":\"settings\","
                                "\"set_id\":\"hours.conf\",\"version\":0,\"source\":\"stick\","
                                "\"state\":\"waiting\""),
           "%s", json ? json : "(none)");
    free(json);
    fleet_item it;
    CHECK(fleet_report_items(st, t - 60000, &it, 1) == 1);
    CHECK(it.settings && !strcmp(it.source, "stick") && !strcmp(it.state, "waiting"));
    config base, eff;
    config_defaults(&base);
    int64_t next;
    CHECK(fleet_settings(st, t - 60000, &base, NULL, &eff, path, sizeof path, &next, err,
                         sizeof err) == 0);
    CHECK(path[0] == '\0' && eff.idle_seconds == base.idle_seconds && next == t);
    CHECK(fleet_settings(st, t + 60000, &base, NULL, &eff, path, sizeof path, &next, err,
                         sizeof err) == 0);
    CHECK_STR(path, kept);
    CHECK(eff.idle_seconds == 45 && next == t + 3600000);
    /* The centre's assignment, which does not name it, leaves it be. */
    fleet_assignment a;
    memset(&a, 0, sizeof a);
    CHECK(fleet_reconcile(&a, t, st, err, sizeof err) == 0);
    CHECK(fleet_settings(st, t + 60000, &base, NULL, &eff, path, sizeof path, &next, err,
                         sizeof err) == 0);
    CHECK_STR(path, kept);
    CHECK(fleet_settings(st, t + 3600000, &base, NULL, &eff, path, sizeof path, &next, err,
                         sizeof err) == 0);
    CHECK(path[0] == '\0' && eff.idle_seconds == base.idle_seconds);
    store_close(st);
    free(dir);
}

/* A publication of a kind the kiosk does not know refuses the assignment. */
static void test_kind(void)
{
    char buf[2048], err[WP_ERR_LEN];
    fleet_assignment a;
    doc(buf, sizeof buf, "kiosk-07", "clips/q1-nl.wav", 364);
    char *k = strstr(buf, "\"kind\":\"set\"");
    CHECK(k != NULL);
    memcpy(k, "\"kind\":\"exe\"", 12);
    CHECK(fleet_parse(buf, strlen(buf), "kiosk-07", &a, err, sizeof err) == -1);
    CHECKF(strstr(err, "of a kind this kiosk does not know") != NULL, "%s", err);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_download_path);
    RUN(test_due);
    RUN(test_settings);
    RUN(test_stick_settings);
    RUN(test_kind);
    return test_main();
}
