/* Export: JSON lines fields and values, CSV header, columns and RFC 4180 quoting, after_seq,
 * progress, write errors, and the `wijkpeil export` command. */
#include "export.h"
#include "seal.h"
#include "store.h"
#include "testlib.h"
#include "util.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T0 1803892502123LL /* 2027-03-01T09:15:02.123Z */

typedef struct {
    char *dir;
    char path[512];
    store *st;
    char ids[8][37];
    int n;
} fixture;

static void add(fixture *f, const char *lang, store_status status, bool synced, const char *answers)
{
    store_response r;
    memset(&r, 0, sizeof r);
    wp_strlcpy(r.questionset, "nazareth-2027-voorjaar", sizeof r.questionset);
    r.questionset_version = 2;
    wp_strlcpy(r.questionset_version_text, "2027 voorjaar, v2", sizeof r.questionset_version_text);
    wp_strlcpy(r.language, lang, sizeof r.language);
    r.started_at_ms = T0 + f->n * 1000LL;
    r.finished_at_ms = T0 + f->n * 1000LL + 61500;
    r.duration_ms = 61500;
    r.status = status;
    r.clock_synced = synced;
    r.answers_json = answers;
    /* issue 14: switched from Dutch to lang (nl alone: stayed), active 40 s + n ms */
    snprintf(r.languages, sizeof r.languages, "%s%s%s", strcmp(lang, "nl") ? "nl" : "",
             strcmp(lang, "nl") ? ";" : "", lang);
    r.active_ms = 40000 + f->n;
    r.flags = f->n == 1 ? STORE_FLAG_RAPID_REPEAT | STORE_FLAG_TOO_FAST : 0u; /* the second */
    char err[WP_ERR_LEN] = "";
    CHECKF(store_add_response(f->st, &r, err, sizeof err) == 0, "%s", err);
    memcpy(f->ids[f->n++], r.id, 37);
}

static bool setup(fixture *f, const char *tag)
{
    memset(f, 0, sizeof *f);
    f->dir = test_tmpdir(tag);
    snprintf(f->path, sizeof f->path, "%s/responses.db", f->dir);
    char err[WP_ERR_LEN] = "";
    CHECKF(store_open(f->path, &f->st, err, sizeof err) == 0, "%s", err);
    return f->st != NULL;
}

/* Closes the store and removes the fixture's folder with what the tests put in it. */
static void teardown(fixture *f)
{
    store_close(f->st);
    const char *names[] = {"responses.db", "responses.db-wal", "responses.db-shm", "out.csv",
                           "stderr.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", f->dir, names[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f->dir);
}

/* Runs an export into memory; returns the text (caller frees) or NULL when it failed. */
static char *export_text(store *st, export_format fmt, int64_t after, int64_t *last, char *err,
                         size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int rc = export_write(st, m, fmt, after, last, NULL, NULL, err, errlen);
    fclose(m);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_jsonl(void)
{
    fixture f;
    if (!setup(&f, "export-jsonl"))
        return;
    add(&f, "ar", STORE_COMPLETE, true,
        "{\"woonplezier\":\"4\",\"zorgen\":[\"geld\",\"werk\"],\"cijfer\":\"7\"}");
    add(&f, "nl", STORE_ABANDONED, false, "{\"woonplezier\":\"1\"}");
    add(&f, "uk", STORE_COMPLETE, true, "{}");
    char err[WP_ERR_LEN] = "";
    int64_t last = -1;
    char *text = export_text(f.st, EXPORT_JSONL, 0, &last, err, sizeof err);
    CHECKF(text != NULL, "%s", err);
    CHECK(last == 3);
    if (!text)
        goto done;
    static const char *const keys[] = {"id",
                                       "seq",
                                       "questionset",
                                       "questionset_version",
                                       "language",
                                       "started_at",
                                       "finished_at",
                                       "duration_ms",
                                       "status",
                                       "clock_synced",
                                       "questionset_version_text",
                                       "languages",
                                       "active_ms",
                                       "answers"};
    size_t nkeys = sizeof keys / sizeof keys[0];
    int lines = 0;
    char *save = NULL;
    CHECK(text[strlen(text) - 1] == '\n');
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        CHECKF(json_is_object(o), "line %d: %s", lines + 1, je.text);
        if (!o)
            break;
        /* the second response is flagged (issue 14): "flags" before "answers" */
        CHECK(json_object_size(o) == nkeys + (lines == 1));
        size_t k = 0;
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v)
        {
            if (lines == 1 && !strcmp(key, "flags") && k == nkeys - 1) {
                json_t *want = json_loads("[\"rapid_repeat\",\"too_fast\"]", 0, NULL);
                CHECK(json_equal(v, want));
                json_decref(want);
                continue;
            }
            CHECKF(k < nkeys && strcmp(key, keys[k]) == 0, "key %zu is %s", k, key);
            k++;
        }
        CHECK_STR(json_string_value(json_object_get(o, "id")), f.ids[lines]);
        CHECK(json_integer_value(json_object_get(o, "seq")) == lines + 1);
        CHECK_STR(json_string_value(json_object_get(o, "questionset")), "nazareth-2027-voorjaar");
        CHECK(json_integer_value(json_object_get(o, "questionset_version")) == 2);
        CHECK_STR(json_string_value(json_object_get(o, "questionset_version_text")),
                  "2027 voorjaar, v2");
        CHECK(json_integer_value(json_object_get(o, "duration_ms")) == 61500);
        if (lines == 0) {
            CHECK_STR(json_string_value(json_object_get(o, "language")), "ar");
            CHECK_STR(json_string_value(json_object_get(o, "started_at")),
                      "2027-03-01T09:15:02.123Z");
            CHECK_STR(json_string_value(json_object_get(o, "finished_at")),
                      "2027-03-01T09:16:03.623Z");
            CHECK_STR(json_string_value(json_object_get(o, "status")), "complete");
            CHECK(json_is_true(json_object_get(o, "clock_synced")));
            json_t *langs = json_loads("[\"nl\",\"ar\"]", 0, NULL);
            CHECK(json_equal(json_object_get(o, "languages"), langs)); /* issue 14 */
            json_decref(langs);
            CHECK(json_integer_value(json_object_get(o, "active_ms")) == 40000);
            json_t *want = json_loads(
                "{\"woonplezier\":\"4\",\"zorgen\":[\"geld\",\"werk\"],\"cijfer\":\"7\"}", 0, NULL);
            CHECK(json_equal(json_object_get(o, "answers"), want));
            json_decref(want);
        } else if (lines == 1) {
            CHECK_STR(json_string_value(json_object_get(o, "status")), "abandoned");
            CHECK(json_is_false(json_object_get(o, "clock_synced")));
        } else {
            CHECK(json_is_object(json_object_get(o, "answers")) &&
                  json_object_size(json_object_get(o, "answers")) == 0);
        }
        json_decref(o);
        lines++;
    }
    CHECK(lines == 3);
    free(text);

    /* after_seq: only newer responses; nothing newer gives no lines and keeps the seq. */
    text = export_text(f.st, EXPORT_JSONL, 2, &last, err, sizeof err);
    CHECK(text && last == 3);
    CHECK(text && strstr(text, f.ids[2]) && !strstr(text, f.ids[1]) && !strstr(text, f.ids[0]));
    free(text);
    text = export_text(f.st, EXPORT_JSONL, 3, &last, err, sizeof err);
    CHECK(text && text[0] == '\0' && last == 3);
    free(text);
done:
    teardown(&f);
}

static void test_csv(void)
{
    fixture f;
    if (!setup(&f, "export-csv"))
        return;
    add(&f, "ar", STORE_COMPLETE, true,
        "{\"waarom\":\"a,b\",\"zorgen\":[\"geld\",\"werk\"],\"cijfer\":\"-1\"}");
    add(&f, "nl", STORE_ABANDONED, false,
        "{\"citaat\":\"zei \\\"hoi\\\"\",\"waarom\":\"regel1\\nregel2\\r\"}");
    add(&f, "ar", STORE_COMPLETE, true, "{\"tekst\":\"نعم، شكرا\",\"zorgen\":[\"x\"]}");
    add(&f, "en", STORE_COMPLETE, true, "{}");
    char err[WP_ERR_LEN] = "";
    int64_t last = -1;
    char *text = export_text(f.st, EXPORT_CSV, 0, &last, err, sizeof err);
    CHECKF(text != NULL, "%s", err);
    CHECK(last == 4);
    if (!text)
        goto done;
    char want[4096];
    snprintf(want, sizeof want,
             "id,seq,questionset,questionset_version,questionset_version_text,language,started_at,"
             "finished_at,duration_ms,status,languages,active_ms,flags,waarom,zorgen,cijfer,citaat,"
             "tekst\r\n"
             "%s,1,nazareth-2027-voorjaar,2,\"2027 voorjaar, "
             "v2\",ar,2027-03-01T09:15:02.123Z,2027-03-01T09:16:03.623Z,"
             "61500,complete,\"nl;ar\",40000,,\"a,b\",\"geld;werk\",-1,,\r\n"
             "%s,2,nazareth-2027-voorjaar,2,\"2027 voorjaar, "
             "v2\",nl,2027-03-01T09:15:03.123Z,2027-03-01T09:16:04.623Z,"
             "61500,abandoned,nl,40001,\"rapid_repeat;too_fast\",\"regel1\nregel2\r\",,,\"zei "
             "\"\"hoi\"\"\",\r\n"
             "%s,3,nazareth-2027-voorjaar,2,\"2027 voorjaar, "
             "v2\",ar,2027-03-01T09:15:04.123Z,2027-03-01T09:16:05.623Z,"
             "61500,complete,\"nl;ar\",40002,,,x,,,نعم، شكرا\r\n"
             "%s,4,nazareth-2027-voorjaar,2,\"2027 voorjaar, "
             "v2\",en,2027-03-01T09:15:05.123Z,2027-03-01T09:16:06.623Z,"
             "61500,complete,\"nl;en\",40003,,,,,,\r\n",
             f.ids[0], f.ids[1], f.ids[2], f.ids[3]);
    CHECKF(strcmp(text, want) == 0, "CSV differs:\n--- got ---\n%s\n--- want ---\n%s", text, want);
    free(text);

    /* The Excel flavour: a byte-order mark, ";" between fields, the same quoting (a multi
     * answer stays one cell). */
    text = export_text(f.st, EXPORT_CSV_EXCEL, 0, &last, err, sizeof err);
    CHECKF(text != NULL, "%s", err);
    if (text) {
        CHECKF(strncmp(text, "\xEF\xBB\xBFid;seq;questionset;questionset_version;", 42) == 0, "%s",
               text);
        char row1[256];
        snprintf(row1, sizeof row1,
                 "\r\n%s;1;nazareth-2027-voorjaar;2;\"2027 voorjaar, v2\";ar;"
                 "2027-03-01T09:15:02.123Z;2027-03-01T09:16:03.623Z;61500;complete;\"nl;ar\";40000;"
                 ";\"a,b\";"
                 "\"geld;werk\";-1;;\r\n",
                 f.ids[0]);
        CHECKF(strstr(text, row1) != NULL, "no %s in\n%s", row1, text);
    }
    free(text);

    /* after_seq: columns come from the exported rows only. */
    text = export_text(f.st, EXPORT_CSV, 2, &last, err, sizeof err);
    CHECK(text && last == 4);
#define HEAD "id,seq,questionset,questionset_version,questionset_version_text,language,"
    CHECKF(
        text &&
            strncmp(
                text,
                HEAD "started_at,finished_at,duration_ms,status,languages,active_ms,flags,tekst,"
                     "zorgen\r\n",
                strlen(HEAD
                       "started_at,finished_at,duration_ms,status,languages,active_ms,flags,tekst,"
                       "zorgen\r\n")) == 0,
        "%s", text ? text : "");
    free(text);
    text = export_text(f.st, EXPORT_CSV, 4, &last, err, sizeof err);
    CHECK_STR(text, HEAD "started_at,finished_at,duration_ms,status,languages,active_ms,flags\r\n");
#undef HEAD
    free(text);
done:
    teardown(&f);
}

typedef struct {
    int calls;
    int64_t first_done, last_done, last_total;
    int cancel_at;
} progress_log;

static int on_progress(void *ctx, int64_t done, int64_t total)
{
    progress_log *p = ctx;
    if (p->calls == 0)
        p->first_done = done;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    return p->cancel_at && p->calls >= p->cancel_at;
}

static void test_progress_and_errors(void)
{
    fixture f;
    if (!setup(&f, "export-progress"))
        return;
    for (int i = 0; i < EXPORT_PROGRESS_ROW + 10 && f.n < 8; i++)
        add(&f, "tr", STORE_COMPLETE, true, "{\"q\":\"1\"}");
    /* More rows than fit in ids[]: add directly. */
    char err[WP_ERR_LEN] = "";
    for (int i = f.n; i < EXPORT_PROGRESS_ROW + 10; i++) {
        store_response r;
        memset(&r, 0, sizeof r);
        wp_strlcpy(r.questionset, "q", sizeof r.questionset);
        wp_strlcpy(r.language, "pl", sizeof r.language);
        r.answers_json = "{\"q\":\"2\"}";
        CHECK(store_add_response(f.st, &r, err, sizeof err) == 0);
    }
    int64_t total = EXPORT_PROGRESS_ROW + 10;
    FILE *null = fopen("/dev/null", "w");
    progress_log p = {0};
    int64_t last = 0;
    CHECK(export_write(f.st, null, EXPORT_CSV, 0, &last, on_progress, &p, err, sizeof err) == 0);
    CHECK(p.first_done == 0 && p.last_done == total && p.last_total == total);
    CHECK(p.calls == 3);
    CHECK(last == total);
    progress_log c = {.cancel_at = 2};
    last = -5;
    CHECK(export_write(f.st, null, EXPORT_JSONL, 0, &last, on_progress, &c, err, sizeof err) == -1);
    CHECKF(strstr(err, "export cancelled") != NULL, "%s", err);
    CHECK(last == -5);
    fclose(null);

    /* A full stick. */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        CHECK(export_write(f.st, full, EXPORT_JSONL, 0, NULL, NULL, NULL, err, sizeof err) == -1);
        CHECKF(strstr(err, "cannot write the export: No space left on device") != NULL, "%s", err);
        fclose(full);
    }
    export_format fmt;
    CHECK(export_parse_format("csv", &fmt) == 0 && fmt == EXPORT_CSV);
    CHECK(export_parse_format("jsonl", &fmt) == 0 && fmt == EXPORT_JSONL);
    CHECK(export_parse_format("csv-excel", &fmt) == 0 && fmt == EXPORT_CSV_EXCEL);
    CHECK(export_parse_format("xlsx", &fmt) == -1);
    CHECK(export_parse_format(NULL, &fmt) == -1);
    teardown(&f);
}

/* Runs a shell command; returns its exit code. */
static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void)
{
    const char *bin = getenv("WIJKPEIL");
    if (!bin || access(bin, X_OK) != 0) {
        fprintf(stderr, "skipping test_cli: WIJKPEIL not set or not built\n");
        return;
    }
    fixture f;
    if (!setup(&f, "export-cli"))
        return;
    add(&f, "ar", STORE_COMPLETE, true, "{\"zorgen\":[\"geld\"],\"cijfer\":\"8\"}");
    add(&f, "nl", STORE_ABANDONED, false, "{\"cijfer\":\"3\"}");
    char cmd[2048], out[600], errf[600], missing[600];
    snprintf(out, sizeof out, "%s/out.csv", f.dir);
    snprintf(errf, sizeof errf, "%s/stderr.txt", f.dir);
    snprintf(missing, sizeof missing, "%s/nope.db", f.dir);

    snprintf(cmd, sizeof cmd, "'%s' export --db '%s' --format csv -o '%s' 2>'%s'", bin, f.path, out,
             errf);
    CHECK(sh(cmd) == 0);
    char *got = NULL, *msg = NULL;
    CHECK(wp_read_file(out, 1 << 20, &got, NULL, NULL, 0) == 0);
    char err[WP_ERR_LEN] = "";
    char *want = export_text(f.st, EXPORT_CSV, 0, NULL, err, sizeof err);
    CHECK(got && want && strcmp(got, want) == 0);
    free(got);
    free(want);
    got = NULL;

    /* stdout by default, JSON lines by default. */
    snprintf(cmd, sizeof cmd, "'%s' export --db '%s' >'%s' 2>'%s'", bin, f.path, out, errf);
    CHECK(sh(cmd) == 0);
    CHECK(wp_read_file(out, 1 << 20, &got, NULL, NULL, 0) == 0);
    want = export_text(f.st, EXPORT_JSONL, 0, NULL, err, sizeof err);
    CHECK(got && want && strcmp(got, want) == 0);
    free(got);
    free(want);

    /* A missing database is an error, and is not created. */
    snprintf(cmd, sizeof cmd, "'%s' export --db '%s' 2>'%s'", bin, missing, errf);
    CHECK(sh(cmd) == 1);
    CHECK(access(missing, F_OK) != 0);
    CHECK(wp_read_file(errf, 1 << 16, &msg, NULL, NULL, 0) == 0);
    CHECKF(msg && strstr(msg, "no database at") && strstr(msg, "nope.db"), "%s", msg);
    free(msg);

    snprintf(cmd, sizeof cmd, "'%s' export --db '%s' --format xml 2>'%s'", bin, f.path, errf);
    CHECK(sh(cmd) == 2);
    CHECK(wp_read_file(errf, 1 << 16, &msg, NULL, NULL, 0) == 0);
    CHECKF(msg && strstr(msg, "unknown format \"xml\""), "%s", msg);
    free(msg);

    snprintf(cmd, sizeof cmd, "'%s' export --db '%s' --colour 2>'%s'", bin, f.path, errf);
    CHECK(sh(cmd) == 2);
    CHECK(wp_read_file(errf, 1 << 16, &msg, NULL, NULL, 0) == 0);
    CHECKF(msg && strstr(msg, "unknown option \"--colour\""), "%s", msg);
    free(msg);

    snprintf(cmd, sizeof cmd, "'%s' export 2>'%s'", bin, errf);
    CHECK(sh(cmd) == 2);
    snprintf(cmd, sizeof cmd, "'%s' export --db 2>'%s'", bin, errf);
    CHECK(sh(cmd) == 2);

    /* An output folder that does not exist: an error, exit 1. */
    snprintf(cmd, sizeof cmd, "'%s' export --db '%s' -o '%s/no/such/dir.csv' 2>'%s'", bin, f.path,
             f.dir, errf);
    CHECK(sh(cmd) == 1);
    teardown(&f);
}

/* With sealing on, a stick export (both formats, and `wijkpeil export`) carries the sealed
 * answers exactly as stored and no answer text; the secret key opens them to what was stored. */
static void test_sealed(void)
{
    static const char *const answers[] = {
        "{\"woonplezier\":\"zeer-tevreden\",\"geldzorgen\":[\"huur-betalen\"]}",
        "{\"vertrouwen-gemeente\":\"weinig-vertrouwen\"}"};
    static const char *const answer_ids[] = {"woonplezier",         "zeer-tevreden",
                                             "geldzorgen",          "huur-betalen",
                                             "vertrouwen-gemeente", "weinig-vertrouwen"};
    CHECK(sodium_init() >= 0);
    seal_keypair kp;
    crypto_box_keypair(kp.pk, kp.sk);
    char pk_b64[SEAL_PUBLIC_B64_LEN + 1];
    sodium_bin2base64(pk_b64, sizeof pk_b64, kp.pk, sizeof kp.pk, sodium_base64_VARIANT_ORIGINAL);
    fixture f;
    if (!setup(&f, "export-sealed"))
        return;
    char err[WP_ERR_LEN] = "";
    CHECKF(store_seal_to(f.st, pk_b64, err, sizeof err) == 0, "%s", err);
    add(&f, "nl", STORE_COMPLETE, true, answers[0]);
    add(&f, "ar", STORE_ABANDONED, false, answers[1]);
    char *jsonl = export_text(f.st, EXPORT_JSONL, 0, NULL, err, sizeof err);
    char *csv = export_text(f.st, EXPORT_CSV, 0, NULL, err, sizeof err);
    CHECKF(jsonl && csv, "%s", err);
    for (size_t i = 0; jsonl && csv && i < sizeof answer_ids / sizeof answer_ids[0]; i++) {
        CHECKF(!strstr(jsonl, answer_ids[i]), "JSON lines export holds \"%s\"", answer_ids[i]);
        CHECKF(!strstr(csv, answer_ids[i]), "CSV export holds \"%s\"", answer_ids[i]);
    }
    /* JSON lines: "sealed" in place of "answers"; it opens to exactly the stored answers. */
    int line = 0;
    for (char *p = jsonl, *nl; p && (nl = strchr(p, '\n')); p = nl + 1, line++) {
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);
        CHECK(o && !json_object_get(o, "answers"));
        const char *sealed = json_string_value(json_object_get(o, "sealed"));
        CHECK_STR(json_string_value(json_object_get(o, "id")), f.ids[line]);
        char *opened = NULL;
        CHECKF(sealed && seal_open(&kp, sealed, &opened, err, sizeof err) == 0, "%s", err);
        CHECK_STR(opened, answers[line < 2 ? line : 0]);
        free(opened);
        json_decref(o);
    }
    CHECK(line == 2);
    /* CSV: no answer columns (they cannot be read here), the sealed text in the last one. */
    CHECKF(csv && strstr(csv, "duration_ms,status,languages,active_ms,flags,sealed\r\n"), "%s",
           csv);
    /* `wijkpeil export` writes the same (its database opened read-only, without the key). */
    const char *bin = getenv("WIJKPEIL");
    if (bin && access(bin, X_OK) == 0) {
        char cmd[2048], out[600];
        snprintf(out, sizeof out, "%s/out.csv", f.dir);
        snprintf(cmd, sizeof cmd, "'%s' export --db '%s' -o '%s'", bin, f.path, out);
        CHECK(sh(cmd) == 0);
        char *got = NULL;
        CHECK(wp_read_file(out, 1 << 20, &got, NULL, NULL, 0) == 0);
        CHECK(got && jsonl && strcmp(got, jsonl) == 0);
        free(got);
    }
    free(jsonl);
    free(csv);
    seal_forget(&kp);
    teardown(&f);
}

int main(void)
{
    RUN(test_jsonl);
    RUN(test_csv);
    RUN(test_progress_and_errors);
    RUN(test_cli);
    RUN(test_sealed);
    return test_main();
}
