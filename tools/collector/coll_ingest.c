/* Validation, content hashing and batch storage of submitted responses. */
#include "coll_ingest.h"

#include "qset.h"
#include "util.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLL_MAX_STR 128                /* questionset ids; language codes are shorter */
#define COLL_INT_MAX 9007199254740992LL /* 2^53: what every JSON reader holds exactly */

/* n decimal digits at s (no sign, no space), or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int days_in_month(int y, int mo)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mo == 2 && leap ? 29 : days[mo - 1];
}

bool coll_parse_iso(const char *s, int64_t *out_ms)
{
    if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return false;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2),
        mi = digits(s + 14, 2), sec = digits(s + 17, 2);
    if (y < COLL_YEAR_MIN || y > COLL_YEAR_MAX || mo < 1 || mo > 12 || d < 1 ||
        d > days_in_month(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
        return false;
    const char *p = s + 19;
    int ms = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        for (; *p >= '0' && *p <= '9'; p++, n++) {
            if (n < 3)
                ms = ms * 10 + (*p - '0');
        }
        if (n < 1 || n > 9)
            return false;
        for (; n < 3; n++)
            ms *= 10;
    }
    if (strcmp(p, "Z") != 0)
        return false;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    *out_ms = (int64_t)timegm(&tm) * 1000 + ms;
    return true;
}

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

static const char *get_str(json_t *o, const char *key, size_t maxlen, bool nonempty, char *err,
                           size_t errlen)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        wp_errf(err, errlen, "\"%s\" must be a string", key);
        return NULL;
    }
    const char *s = json_string_value(v);
    if ((nonempty && !*s) || strlen(s) > maxlen || strlen(s) != json_string_length(v)) {
        wp_errf(err, errlen, "\"%s\" must be a %sstring of at most %zu bytes", key,
                nonempty ? "non-empty " : "", maxlen);
        return NULL;
    }
    return s;
}

static bool get_int(json_t *o, const char *key, int64_t min, int64_t max, int64_t *out, char *err,
                    size_t errlen)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        wp_errf(err, errlen, "\"%s\" must be an integer from %lld to %lld", key, (long long)min,
                (long long)max);
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

static bool get_time(json_t *o, const char *key, int64_t *out, char *err, size_t errlen)
{
    const char *s = get_str(o, key, 40, true, err, errlen);
    if (!s)
        return false;
    if (!coll_parse_iso(s, out)) {
        wp_errf(err, errlen, "\"%s\" must be an ISO 8601 UTC time like 2027-03-01T09:15:02.123Z",
                key);
        return false;
    }
    return true;
}

/* Validates one item into it (answers_json and the hash owned by *owned, freed by caller).
 * Returns 0, -1 for an invalid item (reason in err), or -2 when memory ran out. */
/* Checks an answers object: values are strings or lists of strings. */
static int check_answers(json_t *ans, char *err, size_t errlen)
{
    if (!json_is_object(ans)) {
        wp_errf(err, errlen, "\"answers\" must be an object");
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(ans, k, v)
    {
        if (json_is_string(v))
            continue;
        if (!json_is_array(v)) {
            wp_errf(err, errlen, "answer \"%s\" must be a string or a list of strings", k);
            return -1;
        }
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (!json_is_string(e)) {
                wp_errf(err, errlen, "answer \"%s\" must be a string or a list of strings", k);
                return -1;
            }
        }
    }
    return 0;
}

/* Opens sealed answers text with kp into a JSON value (*out). Returns 0 and *out, 1 when it
 * does not open with kp (reason in why), -1 when it is not sealed answers (reason in err). */
static int open_text(const seal_keypair *kp, const char *text, json_t **out, char *why,
                     size_t whylen, char *err, size_t errlen)
{
    char *m = NULL;
    *out = NULL;
    int r = seal_open(kp, text, &m, why, whylen);
    if (r == -1)
        return 1;
    if (r != 0) {
        wp_errf(err, errlen, "%s", why);
        return -1;
    }
    *out = json_loads(m, JSON_REJECT_DUPLICATES, NULL);
    sodium_memzero(m, strlen(m));
    free(m);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        wp_errf(err, errlen, "the sealed answers are not a JSON object");
        return -1;
    }
    return 0;
}

/* An item's "sealed" (in place of "answers"): opened into *opened with kp when it can be;
 * otherwise kept sealed in it->sealed (why says so when kp did not open it). */
static int open_sealed(const seal_keypair *kp, json_t *o, json_t **opened, coll_item *it, char *why,
                       size_t whylen, char *err, size_t errlen)
{
    json_t *sealed = json_object_get(o, "sealed");
    if (json_object_get(o, "answers")) {
        wp_errf(err, errlen, "give \"answers\" or \"sealed\", not both");
        return -1;
    }
    const char *text = json_string_value(sealed);
    if (!text || !*text) {
        wp_errf(err, errlen, "\"sealed\" must be the base64 text of sealed answers");
        return -1;
    }
    if (!kp) {
        it->sealed = text;
        return 0;
    }
    int r = open_text(kp, text, opened, why, whylen, err, errlen);
    if (r == 1)
        it->sealed = text;
    return r < 0 ? -1 : 0;
}

/* An optional list of names (key), kept joined with ';' in out ("" when absent): min_n to max_n
 * strings of 1 to max_len bytes, none with ';', and with only the characters a-z, 0-9 and '_'
 * when word is set. what says what a name is, for the message. */
typedef struct {
    const char *key, *what;
    size_t min_n, max_n, max_len;
    bool word;
} name_list;

static int parse_names(json_t *o, const name_list *l, char *out, size_t outlen, char *err,
                       size_t errlen)
{
    json_t *a = json_object_get(o, l->key);
    out[0] = '\0';
    if (!a)
        return 0;
    size_t n = json_array_size(a), used = 0;
    bool ok = json_is_array(a) && n >= l->min_n && n <= l->max_n;
    for (size_t i = 0; ok && i < n; i++) {
        const char *c = json_string_value(json_array_get(a, i));
        size_t len = c ? strlen(c) : 0;
        ok = len >= 1 && len <= l->max_len && len == json_string_length(json_array_get(a, i)) &&
             !strchr(c, ';') && used + len + 1 < outlen;
        for (size_t j = 0; ok && l->word && j < len; j++)
            ok = (c[j] >= 'a' && c[j] <= 'z') || (c[j] >= '0' && c[j] <= '9') || c[j] == '_';
        if (ok)
            used += (size_t)snprintf(out + used, outlen - used, "%s%s", i ? ";" : "", c);
    }
    if (!ok)
        wp_errf(err, errlen, "\"%s\" must be a list of %zu to %zu %s (1 to %zu bytes%s)", l->key,
                l->min_n, l->max_n, l->what, l->max_len, l->word ? ": a-z, 0-9, _" : "");
    return ok ? 0 : -1;
}

/* "languages": every language used, in order, as "language" is given (issue 14). */
static const name_list languages_list = {"languages", "language codes", 1, QSET_MAX_LANGS, 15,
                                         false};
/* "flags": quality flags (issue 14); names the collector does not know yet are kept. */
static const name_list flags_list = {"flags", "flag names", 0, 8, 32, true};
_Static_assert(QSET_MAX_LANGS * 16 < COLL_LANGUAGES_MAX && 8 * 33 < COLL_FLAGS_MAX,
               "the longest lists fit");

static int parse_item(json_t *o, coll_item *it, char **owned, const seal_keypair *db_key,
                      char *sealed_why, size_t sealed_whylen, char *err, size_t errlen)
{
    *owned = NULL;
    memset(it, 0, sizeof *it);
    if (!json_is_object(o)) {
        wp_errf(err, errlen, "a response must be a JSON object");
        return -1;
    }
    const char *id = get_str(o, "id", 36, true, err, errlen);
    if (!id)
        return -1;
    if (!is_uuid(id)) {
        wp_errf(err, errlen, "\"id\" must be a UUID");
        return -1;
    }
    for (size_t i = 0; i < sizeof it->id; i++)
        it->id[i] = (char)tolower((unsigned char)id[i]);
    if (!get_int(o, "seq", 1, COLL_SEQ_MAX, &it->seq, err, errlen) ||
        !(it->questionset = get_str(o, "questionset", COLL_MAX_STR, true, err, errlen)) ||
        !get_int(o, "questionset_version", 0, COLL_INT_MAX, &it->questionset_version, err,
                 errlen) ||
        !(it->language = get_str(o, "language", 15, true, err, errlen)) ||
        !get_time(o, "started_at", &it->started_at_ms, err, errlen) ||
        !get_time(o, "finished_at", &it->finished_at_ms, err, errlen) ||
        !get_int(o, "duration_ms", 0, COLL_INT_MAX, &it->duration_ms, err, errlen) ||
        !(it->status = get_str(o, "status", 16, true, err, errlen)))
        return -1;
    /* Optional (kiosks from before it do not send it): the version as the spreadsheet wrote it.
     * Not part of the content hash: it follows from the set's id and version. */
    it->questionset_version_text = NULL;
    if (json_object_get(o, "questionset_version_text") &&
        !(it->questionset_version_text =
              get_str(o, "questionset_version_text", QSET_MAX_VERSION_TEXT, true, err, errlen)))
        return -1;
    /* Optional (issue 14): the languages used, the active time and the quality flags. Like the
     * version text, not part of the content hash: metadata the kiosk records once with the
     * response, which every copy of it (upload, stick) carries the same. */
    it->active_ms = -1;
    if (parse_names(o, &languages_list, it->languages, sizeof it->languages, err, errlen) != 0 ||
        parse_names(o, &flags_list, it->flags, sizeof it->flags, err, errlen) != 0 ||
        (json_object_get(o, "active_ms") &&
         !get_int(o, "active_ms", 0, COLL_INT_MAX, &it->active_ms, err, errlen)))
        return -1;
    if (strcmp(it->status, "complete") != 0 && strcmp(it->status, "abandoned") != 0) {
        wp_errf(err, errlen, "\"status\" must be \"complete\" or \"abandoned\"");
        return -1;
    }
    json_t *cs = json_object_get(o, "clock_synced");
    if (cs && !json_is_boolean(cs) && !json_is_null(cs)) {
        wp_errf(err, errlen, "\"clock_synced\" must be true or false");
        return -1;
    }
    it->clock_synced = json_is_boolean(cs) ? json_is_true(cs) : -1;
    json_t *ans = json_object_get(o, "answers");
    json_t *sealed = json_object_get(o, "sealed");
    json_t *opened = NULL;
    if (!sealed && !ans) {
        wp_errf(err, errlen, "\"answers\" (or \"sealed\") is missing");
        return -1;
    }
    if (sealed) {
        int r = open_sealed(db_key, o, &opened, it, sealed_why, sealed_whylen, err, errlen);
        if (r != 0)
            return r;
        ans = opened; /* NULL: kept sealed */
    }
    if (ans && check_answers(ans, err, errlen) != 0) {
        json_decref(opened);
        return -1;
    }
    /* as sent: question order kept; "" while sealed */
    char *answers = ans ? json_dumps(ans, JSON_COMPACT) : strdup("");
    /* Content identity: everything but clock_synced, times as milliseconds. */
    json_t *canon =
        json_pack("{s:s, s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:O}", "id", it->id, "seq",
                  (json_int_t)it->seq, "questionset", it->questionset, "questionset_version",
                  (json_int_t)it->questionset_version, "language", it->language, "started_at_ms",
                  (json_int_t)it->started_at_ms, "finished_at_ms", (json_int_t)it->finished_at_ms,
                  "duration_ms", (json_int_t)it->duration_ms, "status", it->status,
                  sealed ? "sealed" : "answers", sealed ? sealed : ans);
    json_decref(opened);
    char *ctext =
        canon ? json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
    json_decref(canon);
    if (!answers || !ctext) {
        free(answers);
        free(ctext);
        wp_errf(err, errlen, "out of memory");
        return -2; /* the collector's trouble, not the item's: the whole batch is retried */
    }
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)ctext, strlen(ctext), NULL, 0);
    sodium_bin2hex(it->hash, sizeof it->hash, h, sizeof h);
    free(ctext);
    it->answers_json = answers;
    *owned = answers;
    return 0;
}

int coll_ingest_batch(coll_db *db, const char *device, json_t *array, int64_t now_ms,
                      const char *source, json_t *results, coll_counts *counts, char *err,
                      size_t errlen)
{
    size_t n = json_array_size(array);
    coll_counts c = {0};
    coll_tx *tx;
    if (coll_db_begin(db, &tx, err, errlen) != 0)
        return -1;
    /* The device's row first: its batches arriving at several instances take turns. */
    if (coll_db_touch(tx, device, now_ms, strcmp(source, "import") != 0, err, errlen) != 0) {
        coll_db_rollback(tx);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(array, i);
        coll_item it;
        char *owned = NULL;
        char why[256] = "", sealed_why[256] = "";
        json_t *res;
        int pr = parse_item(o, &it, &owned, coll_db_seal_key(db), sealed_why, sizeof sealed_why,
                            why, sizeof why);
        if (pr == -2) {
            free(owned);
            coll_db_rollback(tx);
            wp_errf(err, errlen, "out of memory");
            return -1;
        }
        if (pr != 0) {
            json_t *idv = json_object_get(o, "id");
            res = json_pack("{s:O, s:I, s:s, s:i, s:s}", "id",
                            json_is_string(idv) ? idv : json_null(), "index", (json_int_t)i,
                            "status", "invalid", "code", 400, "error", why);
            c.invalid++;
        } else {
            int r = coll_db_put(tx, device, &it, now_ms, source, err, errlen);
            free(owned);
            if (r < 0) {
                coll_db_rollback(tx);
                return -1;
            }
            static const char *const names[] = {"stored", "duplicate", "conflict"};
            /* the id as sent: the kiosk looks its responses up by it */
            res = json_pack("{s:O, s:s, s:i}", "id", json_object_get(o, "id"), "status", names[r],
                            "code", r == COLL_CONFLICT ? 409 : 200);
            if (r == COLL_CONFLICT)
                json_object_set_new(res, "error",
                                    json_string("this UUID is held with different content"));
            if (r == COLL_STORED && it.sealed && sealed_why[0]) {
                c.unopened++; /* held sealed, nothing lost; the operator is told */
                json_object_set_new(res, "error", json_string(sealed_why));
            } else if (r == COLL_STORED && it.sealed) {
                c.sealed++;
            }
            if (r == COLL_STORED)
                c.stored++;
            else if (r == COLL_DUPLICATE)
                c.duplicate++;
            else
                c.conflict++;
        }
        if (!res || json_array_append_new(results, res) != 0) {
            coll_db_rollback(tx);
            wp_errf(err, errlen, "out of memory");
            return -1;
        }
    }
    if (coll_db_commit(tx, err, errlen) != 0)
        return -1;
    counts->stored += c.stored;
    counts->duplicate += c.duplicate;
    counts->conflict += c.conflict;
    counts->invalid += c.invalid;
    counts->sealed += c.sealed;
    counts->unopened += c.unopened;
    return 0;
}

static int open_held(void *ctx, const char *id, const char *sealed, char **answers)
{
    coll_db *db = ctx;
    json_t *a = NULL;
    char why[256], err[256];
    (void)id;
    if (open_text(coll_db_seal_key(db), sealed, &a, why, sizeof why, err, sizeof err) != 0 ||
        check_answers(a, err, sizeof err) != 0) {
        json_decref(a);
        return -1;
    }
    *answers = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return *answers ? 0 : -1;
}

int coll_ingest_open_held(coll_db *db, int64_t *opened, int64_t *failed, char *err, size_t errlen)
{
    if (!coll_db_seal_key(db)) {
        wp_errf(err, errlen, "no secret key to open sealed answers with");
        return -1;
    }
    return coll_db_open_held(db, open_held, db, opened, failed, err, errlen);
}
