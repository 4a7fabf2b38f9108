/* Publications of signed sets to kiosks (coll_pub.h). */
#include "coll_pub.h"

#include "coll_store.h"
#include "config.h"
#include "fleet.h"
#include "fsio.h"
#include "sign.h"
#include "stick.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, data, len);
    sodium_bin2hex(hex, 65, d, sizeof d);
}

bool coll_pub_parse_time(const char *s, int64_t *ms)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
    if (!end)
        return false;
    if (*end == ':') {
        const char *e2 = strptime(end, ":%S", &tm);
        if (!e2)
            return false;
        end = e2;
    }
    time_t t;
    if (strcmp(end, "Z") == 0) {
        t = timegm(&tm);
    } else if (*end == '\0') {
        tm.tm_isdst = -1;
        t = mktime(&tm);
    } else {
        return false;
    }
    if (t == (time_t)-1)
        return false;
    *ms = (int64_t)t * 1000;
    return true;
}

/* ---- publishing --------------------------------------------------------------------------- */

/* Why path could not be read with at most cap bytes. */
static coll_pub_why why_unreadable(const char *path, long long cap)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? COLL_PUB_WHY_MISSING : COLL_PUB_WHY_OTHER;
    return (long long)st.st_size > cap ? COLL_PUB_WHY_TOO_BIG : COLL_PUB_WHY_OTHER;
}

/* Tells spec->refusal (when asked) why, and about which file. */
static void refuse(const coll_pub_spec *spec, coll_pub_why why, const char *file)
{
    if (!spec->refusal)
        return;
    spec->refusal->why = why;
    wp_strlcpy(spec->refusal->file, file ? file : "", sizeof spec->refusal->file);
    spec->refusal->n_problems = spec->refusal->more_problems = 0;
}

/* config_check_remote_all's problems into a refusal's list. */
static void keep_problem(void *ctx, const config_problem *p)
{
    coll_pub_refusal *r = ctx;
    if (r->n_problems >= COLL_PUB_MAX_PROBLEMS) {
        r->more_problems++;
        return;
    }
    coll_pub_problem *k = &r->problems[r->n_problems++];
    k->line = p->line;
    k->kind = (int)p->kind;
    wp_strlcpy(k->key, p->key, sizeof k->key);
    if (wp_strlcpy(k->value, p->value, sizeof k->value) >= sizeof k->value)
        snprintf(k->value + sizeof k->value - 4, 4, "...");
}

static const char *const sql_blob =
    "INSERT INTO blobs(sha256, size, data) VALUES(?,?,?) ON CONFLICT (sha256) DO NOTHING";
static const char *const sql_file =
    "INSERT INTO publication_files(publication, name, sha256, size) VALUES(?,?,?,?)";
static const char *const sql_device =
    "INSERT INTO publication_devices(publication, device) VALUES(?,?)";
static const char *const sql_pub =
    "INSERT INTO publications(id, kind, set_id, set_version, set_file, location, from_ms,"
    " until_ms, created_ms) VALUES(?,?,?,?,?,?,?,?,?)";
static const char *const sql_device_at = "SELECT COUNT(*) FROM devices WHERE name=? AND location=?";
static const char *const sql_at_location = "SELECT COUNT(*) FROM devices WHERE location=?";

typedef struct {
    char text[512];
    int n;
} name_list;

static int name_row(void *ctx, int ncol, const char *const *v)
{
    name_list *l = ctx;
    (void)ncol;
    size_t used = strlen(l->text);
    if (used + 8 < sizeof l->text)
        snprintf(l->text + used, sizeof l->text - used, "%s%s", l->n++ ? ", " : "", v[0]);
    return 0;
}

/* Refuses (unless spec->force) a location no kiosk is registered at and a named device not
 * registered there, naming what is known. 0 or -1. */
static int check_targets(coll_db *db, const coll_pub_spec *spec, char *err, size_t errlen)
{
    if (spec->force)
        return 0;
    int64_t n = 0;
    name_list known = {"", 0};
    coll_param pl = COLL_TEXT(spec->location);
    if (coll_db_query(db, sql_at_location, &pl, 1, coll_store_int_row, &n, NULL, err, errlen) !=
        COLL_SQL_OK)
        return -1;
    if (n == 0) {
        refuse(spec, COLL_PUB_WHY_LOCATION, "");
        if (coll_db_query(db, "SELECT DISTINCT location FROM devices ORDER BY location", NULL, 0,
                          name_row, &known, NULL, err, errlen) != COLL_SQL_OK)
            return -1;
        wp_errf(err, errlen,
                "no kiosk is registered at location %s (known locations: %s); --force publishes "
                "anyway",
                spec->location, known.n ? known.text : "none");
        return -1;
    }
    for (int i = 0; i < spec->n_devices; i++) {
        coll_param p[2] = {COLL_TEXT(spec->devices[i]), COLL_TEXT(spec->location)};
        if (coll_db_query(db, sql_device_at, p, 2, coll_store_int_row, &n, NULL, err, errlen) !=
            COLL_SQL_OK)
            return -1;
        if (n == 0) {
            refuse(spec, COLL_PUB_WHY_DEVICE, spec->devices[i]);
            if (coll_db_query(db, "SELECT name FROM devices WHERE location=? ORDER BY name", &pl, 1,
                              name_row, &known, NULL, err, errlen) != COLL_SQL_OK)
                return -1;
            wp_errf(err, errlen,
                    "no device %s at location %s (devices there: %s); --force publishes anyway",
                    spec->devices[i], spec->location, known.text);
            return -1;
        }
    }
    return 0;
}

/* Stores one file of publication id (its blob once per content). */
static int put_file(coll_db *db, const char *id, const char *name, const void *data, size_t len,
                    const char *sha, char *err, size_t errlen)
{
    size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (!b64) {
        wp_errf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
    coll_param pb[3] = {COLL_TEXT(sha), COLL_NUM((int64_t)len), COLL_TEXT(b64)};
    int rc = coll_db_query(db, sql_blob, pb, 3, NULL, NULL, NULL, err, errlen);
    free(b64);
    if (rc != COLL_SQL_OK)
        return -1;
    coll_param pf[4] = {COLL_TEXT(id), COLL_TEXT(name), COLL_TEXT(sha), COLL_NUM((int64_t)len)};
    if (coll_db_query(db, sql_file, pf, 4, NULL, NULL, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    return 0;
}

/* The folder of path ("." when it has none) and its last part. */
static void split_path(const char *path, char *dir, size_t dirlen, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash) {
        wp_strlcpy(dir, ".", dirlen);
        return;
    }
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1; /* "/SET.json" */
    if (n >= dirlen)
        n = dirlen - 1;
    memcpy(dir, path, n);
    dir[n] = '\0';
}

/* Reads and checks every file the set lists and stores it; 0 or -1. */
static int put_listed(coll_db *db, const coll_pub_spec *spec, const char *id, const char *dir,
                      json_t *files, char *err, size_t errlen)
{
    const char *rel;
    json_t *v;
    long long total = 0;
    json_object_foreach(files, rel, v)
    {
        const char *want = json_string_value(v);
        if (!fleet_name_ok(rel) || !want || strlen(want) != 64) {
            refuse(spec, COLL_PUB_WHY_NOT_SET, rel);
            wp_errf(err, errlen, "\"files\": %s: expected a plain relative path and a SHA-256",
                    rel);
            return -1;
        }
        char path[STICK_PATH_LEN];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, rel) >= sizeof path) {
            refuse(spec, COLL_PUB_WHY_NAME, rel);
            wp_errf(err, errlen, "%s: path too long", rel);
            return -1;
        }
        char *data = NULL;
        size_t len = 0;
        if (wp_read_file(path, (size_t)STICK_MAX_SET_FILE_BYTES, &data, &len, err, errlen) != 0) {
            refuse(spec, why_unreadable(path, STICK_MAX_SET_FILE_BYTES), rel);
            return -1;
        }
        total += (long long)len;
        char sha[65];
        sha256_hex(data, len, sha);
        int rc = -1;
        if (total > STICK_MAX_SET_FILES_BYTES) {
            refuse(spec, COLL_PUB_WHY_TOO_BIG, rel);
            wp_errf(err, errlen, "the set's files are over %lld MB together",
                    STICK_MAX_SET_FILES_BYTES / (1024 * 1024));
        } else if (strcmp(sha, want) != 0) {
            refuse(spec, COLL_PUB_WHY_MISMATCH, rel);
            wp_errf(err, errlen,
                    "%s does not match the SHA-256 the set lists (changed after signing?)", rel);
        } else
            rc = put_file(db, id, rel, data, len, sha, err, errlen);
        free(data);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int coll_pub_add(coll_db *db, const coll_pub_spec *spec, int64_t now_ms, char id[COLL_PUB_ID_LEN],
                 char *err, size_t errlen)
{
    char dir[STICK_PATH_LEN], sig_path[STICK_PATH_LEN], sig_name[COLL_PUB_NAME_MAX];
    const char *base;
    char *set = NULL, *sig = NULL;
    size_t set_len = 0, sig_len = 0;
    json_t *root = NULL;
    int rc = -1;
    id[0] = '\0';
    refuse(spec, COLL_PUB_WHY_OTHER, "");
    if (!spec->location || !spec->location[0] || strlen(spec->location) >= COLL_NAME_MAX) {
        refuse(spec, COLL_PUB_WHY_LOCATION, "");
        wp_errf(err, errlen, "--location LOCATION is required");
        return -1;
    }
    if (spec->until_ms && spec->until_ms <= spec->from_ms) {
        refuse(spec, COLL_PUB_WHY_WHEN, "");
        wp_errf(err, errlen, "--until must be after --from");
        return -1;
    }
    split_path(spec->set_path, dir, sizeof dir, &base);
    if (!fleet_name_ok(base) ||
        (size_t)snprintf(sig_name, sizeof sig_name, "%s.sig", base) >= sizeof sig_name ||
        (size_t)snprintf(sig_path, sizeof sig_path, "%s.sig", spec->set_path) >= sizeof sig_path) {
        refuse(spec, COLL_PUB_WHY_NAME, base);
        wp_errf(err, errlen, "%s: the file name may hold letters, digits, '-', '_' and '.'",
                spec->set_path);
        return -1;
    }
    if (wp_read_file(spec->set_path, STICK_MAX_FILE_BYTES, &set, &set_len, err, errlen) != 0) {
        refuse(spec, why_unreadable(spec->set_path, STICK_MAX_FILE_BYTES), base);
        goto done;
    }
    if (wp_read_file(sig_path, SIGN_MAX_SIG_FILE, &sig, &sig_len, err, errlen) != 0) {
        refuse(spec, COLL_PUB_WHY_NO_SIG, sig_name);
        wp_errf(err, errlen,
                "%s: no signature beside it (sign it first: wijkpeil-qset sign); kiosks accept "
                "only signed sets",
                sig_path);
        goto done;
    }
    sign_sig parsed;
    char serr[WP_ERR_LEN];
    if (sign_parse_sig(sig, sig_len, &parsed, serr, sizeof serr) != 0) {
        refuse(spec, COLL_PUB_WHY_BAD_SIG, sig_name);
        wp_errf(err, errlen, "%s: %s", sig_path, serr);
        goto done;
    }
    /* The key the .sig names is not trusted here (kiosks decide that), but a signature that does
     * not verify even with it means the bytes changed after signing: no kiosk would take them. */
    if (parsed.has_signer && !sign_check(set, set_len, parsed.sig, parsed.signer)) {
        refuse(spec, COLL_PUB_WHY_TAMPERED, base);
        wp_errf(err, errlen,
                "%s was changed after it was signed (its signature does not verify with the key "
                "%s names); sign it again",
                base, sig_name);
        goto done;
    }
    /* A settings document (FILE.conf): the lines a kiosk would take, checked here as there. */
    bool settings = config_remote_name(base);
    json_error_t jerr;
    root = settings ? json_pack("{s:s, s:i}", "id", base, "version", 0)
                    : json_loadb(set, set_len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *jid = json_object_get(root, "id"), *jver = json_object_get(root, "version");
    json_t *files = settings ? NULL : json_object_get(root, "files");
    if (settings) {
        char cerr[WP_ERR_LEN];
        coll_pub_refusal problems = {.why = COLL_PUB_WHY_SETTINGS};
        if (config_check_remote_all(set, set_len, base, keep_problem, &problems, cerr,
                                    sizeof cerr) != 0) {
            refuse(spec, COLL_PUB_WHY_SETTINGS, base);
            if (spec->refusal) {
                memcpy(spec->refusal->problems, problems.problems, sizeof problems.problems);
                spec->refusal->n_problems = problems.n_problems;
                spec->refusal->more_problems = problems.more_problems;
            }
            wp_errf(err, errlen, "%s: kiosks would refuse this settings document: %s",
                    spec->set_path, cerr);
            goto done;
        }
    }
    if (!root || !json_is_string(jid) || !json_is_integer(jver) ||
        strlen(json_string_value(jid)) >= 128 || (files && !json_is_object(files))) {
        refuse(spec, COLL_PUB_WHY_NOT_SET, base);
        wp_errf(err, errlen, "%s: not a question set (needs \"id\", \"version\"%s)", spec->set_path,
                root ? "" : ", valid JSON");
        goto done;
    }
    /* After the files: a set that is not ready says so before where it goes is looked at. */
    if (check_targets(db, spec, err, errlen) != 0)
        goto done;
    unsigned char rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(id, COLL_PUB_ID_LEN, rnd, sizeof rnd);
    char sha[65];
    sha256_hex(set, set_len, sha);
    if (put_file(db, id, base, set, set_len, sha, err, errlen) != 0)
        goto done;
    sha256_hex(sig, sig_len, sha);
    if (put_file(db, id, sig_name, sig, sig_len, sha, err, errlen) != 0)
        goto done;
    if (files && put_listed(db, spec, id, dir, files, err, errlen) != 0)
        goto done;
    for (int i = 0; i < spec->n_devices; i++) {
        coll_param p[2] = {COLL_TEXT(id), COLL_TEXT(spec->devices[i])};
        int r = coll_db_query(db, sql_device, p, 2, NULL, NULL, NULL, err, errlen);
        if (r != COLL_SQL_OK && r != COLL_SQL_CONSTRAINT) /* a device named twice */
            goto done;
    }
    /* Last: kiosks see the publication only once everything it names is stored. */
    coll_param p[9] = {COLL_TEXT(id),
                       COLL_TEXT(settings ? FLEET_KIND_SETTINGS : FLEET_KIND_SET),
                       COLL_TEXT(json_string_value(jid)),
                       COLL_NUM(json_integer_value(jver)),
                       COLL_TEXT(base),
                       COLL_TEXT(spec->location),
                       COLL_NUM(spec->from_ms),
                       COLL_NUM(spec->until_ms),
                       COLL_NUM(now_ms)};
    if (coll_db_query(db, sql_pub, p, 9, NULL, NULL, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    rc = 0;
done:
    if (rc != 0 && id[0]) {
        char ignore[WP_ERR_LEN];
        coll_param p = COLL_TEXT(id);
        coll_db_query(db, "DELETE FROM publication_files WHERE publication=?", &p, 1, NULL, NULL,
                      NULL, ignore, sizeof ignore);
        coll_db_query(db, "DELETE FROM publication_devices WHERE publication=?", &p, 1, NULL, NULL,
                      NULL, ignore, sizeof ignore);
        id[0] = '\0';
    }
    json_decref(root);
    free(set);
    free(sig);
    return rc;
}

int coll_pub_withdraw(coll_db *db, const char *id, int64_t now_ms, char *err, size_t errlen)
{
    int64_t changed = 0;
    coll_param p[2] = {COLL_NUM(now_ms), COLL_TEXT(id)};
    if (coll_db_query(db, "UPDATE publications SET withdrawn_ms=? WHERE id=? AND withdrawn_ms=0", p,
                      2, NULL, NULL, &changed, err, errlen) != COLL_SQL_OK)
        return -1;
    return changed > 0 ? 0 : 1;
}

/* ---- listing ------------------------------------------------------------------------------ */

static void when_text(int64_t ms, const char *none, char *buf, size_t len)
{
    if (!ms) {
        wp_strlcpy(buf, none, len);
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M", &tm);
}

typedef struct {
    int64_t now;
    json_t *devices; /* publication id -> "a,b" */
    int (*fn)(void *ctx, const coll_pub_row *row);
    void *ctx;
} each_ctx;

static int device_row(void *ctx, int ncol, const char *const *v)
{
    each_ctx *l = ctx;
    (void)ncol;
    const char *had = json_string_value(json_object_get(l->devices, v[0]));
    char buf[COLL_PUB_MAX_DEVICES * COLL_NAME_MAX];
    snprintf(buf, sizeof buf, "%s%s%s", had ? had : "", had ? "," : "", v[1]);
    return json_object_set_new(l->devices, v[0], json_string(buf)) != 0;
}

/* The centre's word on a publication at now. */
static const char *pub_state(int64_t now, int64_t from, int64_t until, int64_t withdrawn)
{
    return withdrawn               ? "withdrawn"
           : from && now < from    ? "waiting"
           : until && now >= until ? "ended"
                                   : "active";
}

static int each_row(void *ctx, int ncol, const char *const *v)
{
    each_ctx *l = ctx;
    (void)ncol;
    coll_pub_row r = {.id = v[0],
                      .kind = v[9] ? v[9] : FLEET_KIND_SET,
                      .set_id = v[1],
                      .set_file = v[10] ? v[10] : "",
                      .location = v[3],
                      .set_version = coll_store_num(v[2]),
                      .devices = json_string_value(json_object_get(l->devices, v[0])),
                      .from_ms = coll_store_num(v[4]),
                      .until_ms = coll_store_num(v[5]),
                      .files = coll_store_num(v[7]),
                      .bytes = coll_store_num(v[8])};
    r.state = pub_state(l->now, r.from_ms, r.until_ms, coll_store_num(v[6]));
    return l->fn(l->ctx, &r);
}

int coll_pub_each(coll_db *db, int64_t now_ms, int (*fn)(void *ctx, const coll_pub_row *row),
                  void *ctx, char *err, size_t errlen)
{
    each_ctx l = {now_ms, json_object(), fn, ctx};
    int rc = -1;
    if (!l.devices) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (coll_db_query(db,
                      "SELECT publication, device FROM publication_devices"
                      " ORDER BY publication, device",
                      NULL, 0, device_row, &l, NULL, err, errlen) == COLL_SQL_OK &&
        coll_db_query(db,
                      "SELECT p.id, p.set_id, p.set_version, p.location, p.from_ms, p.until_ms,"
                      " p.withdrawn_ms, (SELECT COUNT(*) FROM publication_files f"
                      "  WHERE f.publication = p.id),"
                      " (SELECT COALESCE(SUM(f.size), 0) FROM publication_files f"
                      "  WHERE f.publication = p.id), p.kind, p.set_file"
                      " FROM publications p ORDER BY p.created_ms DESC, p.id",
                      NULL, 0, each_row, &l, NULL, err, errlen) == COLL_SQL_OK)
        rc = 0;
    json_decref(l.devices);
    return rc;
}

/* ---- per kiosk: what is assigned and what its heartbeat says ------------------------------ */

/* Assigned to device: not withdrawn, at its location, for every kiosk there or for it by
 * name. */
#define ASSIGNED                                                                                   \
    " p.withdrawn_ms = 0 AND p.location = ?2 AND (NOT EXISTS (SELECT 1 FROM publication_devices"   \
    " d WHERE d.publication = p.id) OR EXISTS (SELECT 1 FROM publication_devices d"                \
    " WHERE d.publication = p.id AND d.device = ?1))"

static int kiosk_dev_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    json_t *o =
        json_pack("{s:s, s:s, s:s}", "name", v[0], "location", v[1], "status", v[2] ? v[2] : "");
    return !o || json_array_append_new(ctx, o) != 0;
}

static int kiosk_pub_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id", v[0], "kind", v[1], "set_id",
                          v[2], "version", (json_int_t)coll_store_num(v[3]), "from_ms",
                          (json_int_t)coll_store_num(v[4]), "until_ms",
                          (json_int_t)coll_store_num(v[5]), "withdrawn_ms", (json_int_t)0);
    return !o || json_array_append_new(ctx, o) != 0;
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The publication of id in a heartbeat's "publications", or NULL. */
static json_t *reported(json_t *status, const char *id)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(status, "publications"), i, p)
    {
        if (strcmp(jstr(p, "id"), id) == 0)
            return p;
    }
    return NULL;
}

/* One kiosk: the publications assigned to it, then those it reports that are not. */
static int each_of_kiosk(coll_db *db, int64_t now_ms, json_t *dev,
                         int (*fn)(void *ctx, const coll_pub_kiosk_row *row), void *ctx, char *err,
                         size_t errlen)
{
    const char *name = jstr(dev, "name"), *loc = jstr(dev, "location");
    json_t *pubs = json_array(), *status = json_loads(jstr(dev, "status"), 0, NULL);
    coll_param p[2] = {COLL_TEXT(name), COLL_TEXT(loc)};
    int rc = -1;
    if (!pubs || coll_db_query(db,
                               "SELECT p.id, p.kind, p.set_id, p.set_version, p.from_ms,"
                               " p.until_ms FROM publications p WHERE" ASSIGNED
                               " ORDER BY p.created_ms, p.id",
                               p, 2, kiosk_pub_row, pubs, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    size_t i;
    json_t *a;
    json_array_foreach(pubs, i, a)
    {
        json_t *k = reported(status, jstr(a, "id"));
        int64_t from = json_integer_value(json_object_get(a, "from_ms")),
                until = json_integer_value(json_object_get(a, "until_ms"));
        coll_pub_kiosk_row r = {name,
                                loc,
                                jstr(a, "id"),
                                jstr(a, "kind"),
                                jstr(a, "set_id"),
                                json_integer_value(json_object_get(a, "version")),
                                from,
                                until,
                                pub_state(now_ms, from, until, 0),
                                jstr(k, "state"),
                                jstr(k, "reason"),
                                jstr(k, "source"),
                                jstr(k, "why")};
        if (fn(ctx, &r) != 0)
            goto stopped;
    }
    json_array_foreach(json_object_get(status, "publications"), i, a)
    {
        bool assigned = false;
        size_t j;
        json_t *b;
        json_array_foreach(pubs, j, b) assigned |= strcmp(jstr(a, "id"), jstr(b, "id")) == 0;
        if (assigned)
            continue;
        const char *kind = jstr(a, "kind");
        coll_pub_kiosk_row r = {name,
                                loc,
                                jstr(a, "id"),
                                kind[0] ? kind : FLEET_KIND_SET,
                                jstr(a, "set_id"),
                                json_integer_value(json_object_get(a, "version")),
                                json_integer_value(json_object_get(a, "from_ms")),
                                json_integer_value(json_object_get(a, "until_ms")),
                                "",
                                jstr(a, "state"),
                                jstr(a, "reason"),
                                jstr(a, "source"),
                                jstr(a, "why")};
        if (fn(ctx, &r) != 0)
            goto stopped;
    }
stopped:
    rc = 0;
done:
    json_decref(pubs);
    json_decref(status);
    return rc;
}

int coll_pub_each_kiosk(coll_db *db, int64_t now_ms,
                        int (*fn)(void *ctx, const coll_pub_kiosk_row *row), void *ctx, char *err,
                        size_t errlen)
{
    json_t *devs = json_array();
    int rc = -1;
    if (!devs) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    /* the kiosks first, then each one's: no query runs inside another's rows */
    if (coll_db_query(db,
                      "SELECT name, location, last_status FROM devices WHERE revoked_ms = 0"
                      " ORDER BY name",
                      NULL, 0, kiosk_dev_row, devs, NULL, err, errlen) == COLL_SQL_OK) {
        size_t i;
        json_t *dev;
        rc = 0;
        json_array_foreach(devs, i, dev)
        {
            if (each_of_kiosk(db, now_ms, dev, fn, ctx, err, errlen) != 0) {
                rc = -1;
                break;
            }
        }
    }
    json_decref(devs);
    return rc;
}

/* ---- the list ----------------------------------------------------------------------------- */

typedef struct {
    FILE *out;
    int n;
} print_ctx;

/* "spring v3", or "settings hours.conf". */
static void what_text(const char *kind, const char *set_id, int64_t version, char *buf, size_t len)
{
    if (!strcmp(kind, FLEET_KIND_SETTINGS))
        snprintf(buf, len, "settings %s", set_id);
    else
        snprintf(buf, len, "%s v%lld", set_id, (long long)version);
}

static int print_row(void *ctx, const coll_pub_row *r)
{
    print_ctx *l = ctx;
    char f[32], u[32], what[160];
    when_text(r->from_ms, "now", f, sizeof f);
    when_text(r->until_ms, "open-ended", u, sizeof u);
    what_text(r->kind, r->set_id, r->set_version, what, sizeof what);
    fprintf(l->out, "%s  %s  %s %s%s  %s .. %s  %s  %lld files, %lld bytes\n", r->id, what,
            r->location, r->devices ? "devices " : "(every kiosk)", r->devices ? r->devices : "", f,
            u, r->state, (long long)r->files, (long long)r->bytes);
    l->n++;
    return 0;
}

static int print_kiosk_row(void *ctx, const coll_pub_kiosk_row *r)
{
    print_ctx *l = ctx;
    char f[32], u[32], what[160];
    when_text(r->from_ms, "now", f, sizeof f);
    when_text(r->until_ms, "open-ended", u, sizeof u);
    what_text(r->kind, r->set_id, r->set_version, what, sizeof what);
    if (l->n++ == 0)
        fprintf(l->out, "per kiosk:\n");
    fprintf(l->out, "kiosk %s (%s): %s  %s  %s .. %s  centre %s, kiosk %s%s%s%s%s", r->device,
            r->location, r->id, what, f, u, r->centre_state[0] ? r->centre_state : "-",
            r->kiosk_state[0] ? r->kiosk_state : "not reported yet", r->source[0] ? " (" : "",
            r->source, r->source[0] ? ")" : "", r->reason[0] ? ": " : "");
    if (r->reason[0])
        fprintf(l->out, "%s", r->reason);
    fprintf(l->out, "\n");
    return 0;
}

int coll_pub_list(coll_db *db, FILE *out, int64_t now_ms, char *err, size_t errlen)
{
    print_ctx l = {out, 0};
    if (coll_pub_each(db, now_ms, print_row, &l, err, errlen) != 0)
        return -1;
    if (l.n == 0) {
        fprintf(out, "no publications\n");
        return 0;
    }
    l.n = 0;
    return coll_pub_each_kiosk(db, now_ms, print_kiosk_row, &l, err, errlen);
}

/* ---- what kiosks ask ---------------------------------------------------------------------- */

static const char *const sql_assignment =
    "SELECT p.id, p.kind, p.set_id, p.set_version, p.set_file, p.from_ms, p.until_ms, f.name,"
    " f.size, f.sha256 FROM publications p JOIN publication_files f ON f.publication = p.id"
    " WHERE" ASSIGNED " ORDER BY p.created_ms, p.id, f.name";

static json_t *iso_or_null(int64_t ms)
{
    if (!ms)
        return json_null();
    char buf[40];
    wp_iso8601(ms, buf, sizeof buf);
    return json_string(buf);
}

static int assignment_row(void *ctx, int ncol, const char *const *v)
{
    json_t *pubs = ctx;
    (void)ncol;
    size_t n = json_array_size(pubs);
    json_t *last = n ? json_array_get(pubs, n - 1) : NULL;
    if (!last || strcmp(json_string_value(json_object_get(last, "id")), v[0]) != 0) {
        int64_t from = coll_store_num(v[5]), until = coll_store_num(v[6]);
        last =
            json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:o, s:o, s:[]}", "id", v[0], "kind",
                      v[1], "set_id", v[2], "set_version", (json_int_t)coll_store_num(v[3]),
                      "set_file", v[4], "from_ms", (json_int_t)from, "until_ms", (json_int_t)until,
                      "from", iso_or_null(from), "until", iso_or_null(until), "files");
        if (!last || json_array_append_new(pubs, last) != 0)
            return 1;
    }
    json_t *f = json_pack("{s:s, s:I, s:s}", "name", v[7], "size", (json_int_t)coll_store_num(v[8]),
                          "sha256", v[9]);
    return !f || json_array_append_new(json_object_get(last, "files"), f) != 0;
}

int coll_pub_assignment(coll_db *db, const char *device, const char *location, int64_t now_ms,
                        char **json, char etag[COLL_PUB_ETAG_LEN], char *err, size_t errlen)
{
    *json = NULL;
    json_t *pubs = json_array();
    if (!pubs) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    coll_param p[2] = {COLL_TEXT(device), COLL_TEXT(location)};
    if (coll_db_query(db, sql_assignment, p, 2, assignment_row, pubs, NULL, err, errlen) !=
        COLL_SQL_OK) {
        json_decref(pubs);
        return -1;
    }
    /* The tag covers what is assigned, not the time: an unchanged answer costs one request. */
    char *stable = json_dumps(pubs, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)(stable ? stable : ""),
                       stable ? strlen(stable) : 0, (const unsigned char *)device, strlen(device));
    free(stable);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(etag, COLL_PUB_ETAG_LEN, "\"%s\"", hex);
    json_t *doc =
        json_pack("{s:s, s:s, s:I, s:o, s:o}", "device", device, "location", location, "now_ms",
                  (json_int_t)now_ms, "now", iso_or_null(now_ms), "publications", pubs);
    *json = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!*json) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

typedef struct {
    char sha[COLL_PUB_NAME_MAX]; /* the first column: a SHA-256 (or a file name) */
    int64_t size;
    bool found;
} file_ref;

static int file_row(void *ctx, int ncol, const char *const *v)
{
    file_ref *f = ctx;
    (void)ncol;
    wp_strlcpy(f->sha, v[0] ? v[0] : "", sizeof f->sha);
    f->size = coll_store_num(v[1]);
    f->found = true;
    return 1;
}

typedef struct {
    unsigned char *data;
    size_t len;
    int rc;
} blob_out;

static int blob_row(void *ctx, int ncol, const char *const *v)
{
    blob_out *b = ctx;
    (void)ncol;
    size_t b64len = v[0] ? strlen(v[0]) : 0;
    b->data = malloc(b64len / 4 * 3 + 1);
    if (!b->data)
        return 1;
    if (sodium_base642bin(b->data, b64len / 4 * 3 + 1, v[0], b64len, NULL, &b->len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(b->data);
        b->data = NULL;
        return 1;
    }
    b->rc = 0;
    return 1;
}

/* The blob of sha as bytes (malloc'd); 0 or -1. */
static int load_blob(coll_db *db, const char *sha, int64_t size, unsigned char **data, size_t *len,
                     char *err, size_t errlen)
{
    blob_out b = {NULL, 0, -1};
    coll_param pb = COLL_TEXT(sha);
    if (coll_db_query(db, "SELECT data FROM blobs WHERE sha256=?", &pb, 1, blob_row, &b, NULL, err,
                      errlen) != COLL_SQL_OK)
        return -1;
    if (b.rc != 0 || (int64_t)b.len != size) {
        free(b.data);
        wp_errf(err, errlen, "a file of SHA-256 %.16s... is damaged in the database", sha);
        return -1;
    }
    *data = b.data;
    *len = b.len;
    return 0;
}

static int files_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    json_t *o = json_pack("{s:s, s:s, s:I}", "name", v[0], "sha256", v[1], "size",
                          (json_int_t)coll_store_num(v[2]));
    return !o || json_array_append_new(ctx, o) != 0;
}

/* Writes name (a path of parts below the open folder qfd) with data, atomically. */
static int write_below(int qfd, const char *qshown, const char *name, const unsigned char *data,
                       size_t len, char *err, size_t errlen)
{
    char part[COLL_PUB_NAME_MAX], shown[STICK_PATH_LEN];
    int fd = qfd;
    const char *p = name, *slash;
    while ((slash = strchr(p, '/')) != NULL) {
        snprintf(part, sizeof part, "%.*s", (int)(slash - p), p);
        snprintf(shown, sizeof shown, "%s/%.*s", qshown, (int)(slash - name), name);
        int sub = fsio_mkdir_open(NULL, FSIO_STICK, fd, part, shown, err, errlen);
        if (fd != qfd)
            close(fd);
        if (sub < 0)
            return -1;
        fd = sub;
        p = slash + 1;
    }
    snprintf(shown, sizeof shown, "%s/%s", qshown, name);
    int rc = fsio_write_at(NULL, FSIO_STICK, fd, p, shown, data, len, 0644, err, errlen);
    if (fd != qfd)
        close(fd);
    return rc;
}

static int schedule_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    json_t *o = ctx;
    json_object_set_new(o, "from_ms", json_integer(coll_store_num(v[0])));
    json_object_set_new(o, "until_ms", json_integer(coll_store_num(v[1])));
    return 1;
}

/* SET_FILE.schedule beside the set on a stick: the publication's id and its from and until, as
 * the assignment gives them (stick.h, STICK_SCHEDULE_EXT). 0 or -1. */
static int write_schedule(coll_db *db, const char *id, int qfd, const char *qshown,
                          const char *set_file, char *err, size_t errlen)
{
    json_t *o = json_pack("{s:s}", "publication", id);
    coll_param p = COLL_TEXT(id);
    char name[COLL_PUB_NAME_MAX + 16];
    int rc = -1;
    if (!o) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (coll_db_query(db, "SELECT from_ms, until_ms FROM publications WHERE id=?", &p, 1,
                      schedule_row, o, NULL, err, errlen) == COLL_SQL_OK) {
        char *text = json_dumps(o, JSON_COMPACT);
        snprintf(name, sizeof name, "%s%s", set_file, STICK_SCHEDULE_EXT);
        if (text)
            rc = write_below(qfd, qshown, name, (const unsigned char *)text, strlen(text), err,
                             errlen);
        else
            wp_errf(err, errlen, "out of memory");
        free(text);
    }
    json_decref(o);
    return rc;
}

int coll_pub_to_stick(coll_db *db, const char *id, const char *dir, char *err, size_t errlen)
{
    char set_file[COLL_PUB_NAME_MAX] = "", wshown[STICK_PATH_LEN], qshown[STICK_PATH_LEN];
    json_t *files = json_array();
    int rfd = -1, wfd = -1, qfd = -1, rc = -1;
    coll_param p = COLL_TEXT(id);
    file_ref f = {.found = false};
    if (!files || coll_db_query(db,
                                "SELECT name, sha256, size FROM publication_files"
                                " WHERE publication=? ORDER BY name",
                                &p, 1, files_row, files, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    /* file_row keeps the first column as text, the second as a number: 1 for a settings
     * document, which goes to WIJKPEIL/settings/ (stick.h) instead of questionsets/. */
    if (coll_db_query(db,
                      "SELECT set_file, CASE WHEN kind='" FLEET_KIND_SETTINGS "' THEN 1 ELSE 0 END"
                      " FROM publications WHERE id=?",
                      &p, 1, file_row, &f, NULL, err, errlen) != COLL_SQL_OK)
        goto done;
    if (!f.found || json_array_size(files) == 0) {
        wp_errf(err, errlen, "no publication %s", id);
        goto done;
    }
    wp_strlcpy(set_file, f.sha, sizeof set_file);
    const char *folder = f.size == 1 ? STICK_SETTINGS_DIR : "questionsets";
    snprintf(wshown, sizeof wshown, "%s/%s", dir, STICK_DIR);
    snprintf(qshown, sizeof qshown, "%s/%s", wshown, folder);
    rfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0) {
        wp_errf(err, errlen, "%s: %s", dir, fsio_words(errno, FSIO_STICK));
        goto done;
    }
    wfd = fsio_mkdir_open(NULL, FSIO_STICK, rfd, STICK_DIR, wshown, err, errlen);
    qfd = wfd < 0 ? -1 : fsio_mkdir_open(NULL, FSIO_STICK, wfd, folder, qshown, err, errlen);
    if (qfd < 0)
        goto done;
    /* The clips and icons first, then the schedule and the signature, the set last: a stick
     * pulled half-way holds no set whose files are missing, nor one without its schedule. */
    size_t bl = strlen(set_file);
    for (int pass = 0; pass < 3; pass++) {
        size_t i;
        json_t *o;
        json_array_foreach(files, i, o)
        {
            const char *name = json_string_value(json_object_get(o, "name"));
            bool is_set = !strcmp(name, set_file);
            bool is_sig = !strncmp(name, set_file, bl) && !strcmp(name + bl, ".sig");
            if ((pass == 0 && (is_set || is_sig)) || (pass == 1 && !is_sig) ||
                (pass == 2 && !is_set))
                continue;
            if (pass == 1 && write_schedule(db, id, qfd, qshown, set_file, err, errlen) != 0)
                goto done;
            unsigned char *data = NULL;
            size_t len = 0;
            if (load_blob(db, json_string_value(json_object_get(o, "sha256")),
                          json_integer_value(json_object_get(o, "size")), &data, &len, err,
                          errlen) != 0)
                goto done;
            int w = write_below(qfd, qshown, name, data, len, err, errlen);
            free(data);
            if (w != 0)
                goto done;
        }
    }
    rc = 0;
done:
    if (qfd >= 0)
        close(qfd);
    if (wfd >= 0)
        close(wfd);
    if (rfd >= 0)
        close(rfd);
    json_decref(files);
    return rc;
}

int coll_pub_file(coll_db *db, const char *device, const char *location, const char *id,
                  const char *name, unsigned char **data, size_t *len, char sha256[65], char *err,
                  size_t errlen)
{
    *data = NULL;
    *len = 0;
    file_ref f = {.found = false};
    coll_param p[4] = {COLL_TEXT(device), COLL_TEXT(location), COLL_TEXT(id), COLL_TEXT(name)};
    if (coll_db_query(db,
                      "SELECT f.sha256, f.size FROM publications p JOIN publication_files f"
                      " ON f.publication = p.id WHERE" ASSIGNED " AND p.id = ?3 AND f.name = ?4",
                      p, 4, file_row, &f, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    if (!f.found)
        return 1;
    if (load_blob(db, f.sha, f.size, data, len, err, errlen) != 0)
        return -1;
    wp_strlcpy(sha256, f.sha, 65);
    return 0;
}
