/* The collector's database on coll_store (SQLite or PostgreSQL): devices, responses (idempotent
 * by UUID), conflicts, heartbeats. Every statement is written once, with ? placeholders, in the
 * SQL both databases speak; only where the dialects differ (JSON in the analysts' views) does a
 * migration carry a PostgreSQL form beside the SQLite one. */
#include "coll_db.h"

#include "coll_store.h"
#include "util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define COLL_POOL_MAX 8

struct coll_tx {
    coll_db *db;
    coll_conn *c; /* NULL until first used */
    bool busy;
};

struct coll_db {
    const coll_store_ops *ops;
    char *target;
    pthread_mutex_t mu;
    pthread_cond_t freed;
    int n;
    coll_tx pool[COLL_POOL_MAX];
    bool has_key;
    seal_keypair key; /* opens sealed answers */
};

/* The schema, one step per version. sql serves both databases unless pg is given (then sql is
 * SQLite's form; NULL: nothing to do there). Types are the ones both know: TEXT, and BIGINT for
 * every number (milliseconds do not fit PostgreSQL's INTEGER). */
typedef struct {
    const char *sql, *pg;
} coll_migration;

#define RESPONSE_COLS                                                                              \
    "r.id, r.device, COALESCE(d.location, '') AS location, r.questionset,"                         \
    " r.questionset_version, r.language, r.started_at_ms, r.finished_at_ms, r.duration_ms,"        \
    " r.status, r.clock_synced, r.received_ms, r.source"
#define ANSWER_COLS                                                                                \
    "r.id AS response_id, r.device, r.questionset, r.questionset_version, r.language,"             \
    " j.key AS question"

static const coll_migration migrations[] = {
    /* 1: devices, responses, conflicts */
    {"CREATE TABLE IF NOT EXISTS devices ("
     " name TEXT PRIMARY KEY, location TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
     " created_ms BIGINT NOT NULL, revoked_ms BIGINT NOT NULL DEFAULT 0,"
     " last_seen_ms BIGINT NOT NULL DEFAULT 0, last_status TEXT,"
     " last_status_ms BIGINT NOT NULL DEFAULT 0, clock_synced BIGINT NOT NULL DEFAULT -1,"
     " last_error TEXT NOT NULL DEFAULT '', pending BIGINT NOT NULL DEFAULT -1);"
     "CREATE TABLE IF NOT EXISTS responses ("
     " id TEXT PRIMARY KEY, device TEXT NOT NULL, seq BIGINT NOT NULL, questionset TEXT NOT NULL,"
     " questionset_version BIGINT NOT NULL, language TEXT NOT NULL,"
     " started_at_ms BIGINT NOT NULL, finished_at_ms BIGINT NOT NULL,"
     " duration_ms BIGINT NOT NULL, status TEXT NOT NULL, clock_synced BIGINT NOT NULL,"
     " answers TEXT NOT NULL, content_hash TEXT NOT NULL, received_ms BIGINT NOT NULL,"
     " source TEXT NOT NULL);"
     "CREATE INDEX IF NOT EXISTS responses_device_seq ON responses(device, seq);"
     "CREATE INDEX IF NOT EXISTS responses_qset ON responses(questionset);"
     "CREATE TABLE IF NOT EXISTS conflicts ("
     " id TEXT NOT NULL, device TEXT NOT NULL, received_ms BIGINT NOT NULL,"
     " content_hash TEXT NOT NULL, held_hash TEXT NOT NULL, answers TEXT NOT NULL);"
     "CREATE INDEX IF NOT EXISTS conflicts_device ON conflicts(device);",
     NULL},
    /* 2: answers held sealed until the collector has the secret key */
    {"ALTER TABLE responses ADD COLUMN sealed TEXT", NULL},
    /* 3: the analysts' read-only views (README.md, "Analysts"); `status` prints kiosk_health */
    {"CREATE VIEW kiosk_health AS SELECT device, location, revoked_ms, last_seen_ms, pending,"
     " clock_synced, last_error, received,"
     " CASE WHEN received = 0 THEN 0 ELSE max_seq - distinct_seq"
     "  + CASE WHEN min_seq = 0 THEN 1 ELSE 0 END END AS gaps, conflicts FROM ("
     " SELECT d.name AS device, d.location, d.revoked_ms, d.last_seen_ms, d.pending,"
     "  d.clock_synced, d.last_error, COUNT(r.id) AS received,"
     "  COALESCE(MAX(r.seq), 0) AS max_seq, COALESCE(MIN(r.seq), 1) AS min_seq,"
     "  COUNT(DISTINCT r.seq) AS distinct_seq,"
     "  (SELECT COUNT(*) FROM conflicts c WHERE c.device = d.name) AS conflicts"
     " FROM devices d LEFT JOIN responses r ON r.device = d.name GROUP BY d.name) k;"
     "CREATE VIEW responses_flat AS SELECT " RESPONSE_COLS ","
     " CASE WHEN r.sealed IS NULL THEN r.answers END AS answers,"
     " CASE WHEN r.sealed IS NULL THEN 0 ELSE 1 END AS sealed"
     " FROM responses r LEFT JOIN devices d ON d.name = r.device;",
     NULL},
    /* 4: answers_long, one row per answer (one per choice of a multiple choice): JSON is where
     * the dialects differ */
    {"CREATE VIEW answers_long AS"
     " SELECT " ANSWER_COLS ", j.value AS answer FROM responses r,"
     "  json_each(CASE WHEN r.sealed IS NULL THEN r.answers ELSE '{}' END) j"
     "  WHERE j.type <> 'array'"
     " UNION ALL SELECT " ANSWER_COLS ", e.value FROM responses r,"
     "  json_each(CASE WHEN r.sealed IS NULL THEN r.answers ELSE '{}' END) j,"
     "  json_each(CASE WHEN j.type = 'array' THEN j.value ELSE '[]' END) e"
     "  WHERE j.type = 'array'",
     "CREATE VIEW answers_long AS"
     " SELECT " ANSWER_COLS ", j.value #>> '{}' AS answer FROM responses r,"
     "  jsonb_each(CASE WHEN r.sealed IS NULL THEN r.answers::jsonb ELSE '{}' END) j"
     "  WHERE jsonb_typeof(j.value) <> 'array'"
     " UNION ALL SELECT " ANSWER_COLS ", e.value FROM responses r,"
     "  jsonb_each(CASE WHEN r.sealed IS NULL THEN r.answers::jsonb ELSE '{}' END) j,"
     "  jsonb_array_elements_text(CASE WHEN jsonb_typeof(j.value) = 'array' THEN j.value"
     "   ELSE '[]' END) e"
     "  WHERE jsonb_typeof(j.value) = 'array'"},
    /* 5: a role that can read the views and nothing else (PostgreSQL only). Creating it needs
     * CREATEROLE; without it the collector still starts and says so. */
    {NULL,
     "DO $$ BEGIN"
     " IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wijkpeil_analyst') THEN"
     "  BEGIN CREATE ROLE wijkpeil_analyst NOLOGIN;"
     "  EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN"
     "   RAISE WARNING 'role wijkpeil_analyst not created (%): create it and grant it SELECT on"
     " responses_flat, answers_long and kiosk_health', SQLERRM;"
     "  END;"
     " END IF;"
     " IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wijkpeil_analyst') THEN"
     "  GRANT SELECT ON responses_flat, answers_long, kiosk_health TO wijkpeil_analyst;"
     " END IF;"
     " END $$"},
    /* 6: the question set's version as the spreadsheet wrote it (kept as text, optional) */
    {"ALTER TABLE responses ADD COLUMN questionset_version_text TEXT", NULL},
    /* 7: the dashboard's users (argon2id hashes), sessions (only a hash of the cookie) and
     * failed sign-ins ("user:NAME" or "addr:ADDRESS"), which throttle guessing */
    {"CREATE TABLE IF NOT EXISTS users ("
     " name TEXT PRIMARY KEY, role TEXT NOT NULL, pw_hash TEXT NOT NULL,"
     " created_ms BIGINT NOT NULL);"
     "CREATE TABLE IF NOT EXISTS sessions ("
     " token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, csrf TEXT NOT NULL,"
     " created_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL);"
     "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(username);"
     "CREATE TABLE IF NOT EXISTS signin_failures (subject TEXT NOT NULL, at_ms BIGINT NOT NULL);"
     "CREATE INDEX IF NOT EXISTS signin_failures_subject ON signin_failures(subject, at_ms);",
     NULL},
    /* 8: what the dashboard's settings page saves over serve's flags (k: never below
     * --suppress-below; silent_ms) */
    {"CREATE TABLE IF NOT EXISTS dash_settings (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
     NULL},
};

#define NMIGRATIONS ((int64_t)(sizeof migrations / sizeof migrations[0]))

/* The statements used more than once (each is prepared once per connection). */
static const char *const sql_insert_response =
    "INSERT INTO responses(id,device,seq,questionset,questionset_version,language,"
    "started_at_ms,finished_at_ms,duration_ms,status,clock_synced,answers,content_hash,"
    "received_ms,source,sealed,questionset_version_text) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(id) DO NOTHING";
static const char *const sql_held = "SELECT device, content_hash FROM responses WHERE id=?";
static const char *const sql_nconflicts = "SELECT COUNT(*) FROM conflicts WHERE device=?";
static const char *const sql_insert_conflict =
    "INSERT INTO conflicts(id,device,received_ms,content_hash,held_hash,answers) "
    "VALUES(?,?,?,?,?,?)";
static const char *const sql_touch = "UPDATE devices SET last_seen_ms=? WHERE name=?";

/* ---- the pool ----------------------------------------------------------------------------- */

/* A connection of the pool, working (reconnected if it was lost), or NULL with err set. */
static coll_tx *acquire(coll_db *db, char *err, size_t errlen)
{
    pthread_mutex_lock(&db->mu);
    coll_tx *t = NULL;
    for (;;) {
        for (int i = 0; i < db->n && !t; i++)
            if (!db->pool[i].busy)
                t = &db->pool[i];
        if (t)
            break;
        pthread_cond_wait(&db->freed, &db->mu);
    }
    t->busy = true;
    pthread_mutex_unlock(&db->mu);
    int rc =
        t->c ? db->ops->ready(t->c, err, errlen) : db->ops->open(db->target, &t->c, err, errlen);
    if (rc == COLL_SQL_OK)
        return t;
    pthread_mutex_lock(&db->mu);
    t->busy = false;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->mu);
    return NULL;
}

static void release(coll_tx *t)
{
    coll_db *db = t->db;
    pthread_mutex_lock(&db->mu);
    t->busy = false;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->mu);
}

static int q(coll_tx *t, const char *sql, const coll_param *p, int np, coll_row_fn row, void *ctx,
             int64_t *changes, char *err, size_t errlen)
{
    return t->db->ops->query(t->c, sql, p, np, row, ctx, changes, err, errlen) == COLL_SQL_OK ? 0
                                                                                              : -1;
}

typedef struct {
    coll_row_fn fn;
    void *ctx;
    int64_t rows;
} counted;

static int count_row(void *ctx, int ncol, const char *const *vals)
{
    counted *c = ctx;
    c->rows++;
    return c->fn(c->ctx, ncol, vals);
}

/* A connection lost while idle (the database restarted) is only noticed when used: a statement
 * that changes nothing and has given no row yet is tried again once on the connection made
 * anew, so the first request after a restart is served, not refused. */
static bool try_again(coll_tx *t, int rc, char *err, size_t errlen)
{
    return rc == COLL_SQL_UNAVAILABLE && t->db->ops->ready(t->c, err, errlen) == COLL_SQL_OK;
}

/* One statement on a connection of its own; 0, or the coll_sql_rc. */
static int run(coll_db *db, const char *sql, const coll_param *p, int np, coll_row_fn row,
               void *ctx, int64_t *changes, char *err, size_t errlen)
{
    coll_tx *t = acquire(db, err, errlen);
    if (!t)
        return COLL_SQL_UNAVAILABLE;
    counted c = {row, ctx, 0};
    int rc = db->ops->query(t->c, sql, p, np, row ? count_row : NULL, &c, changes, err, errlen);
    if (row && !changes && c.rows == 0 && try_again(t, rc, err, errlen))
        rc = db->ops->query(t->c, sql, p, np, count_row, &c, changes, err, errlen);
    release(t);
    return rc;
}

int coll_db_query(coll_db *db, const char *sql, const coll_param *p, int np, coll_row_fn row,
                  void *ctx, int64_t *changes, char *err, size_t errlen)
{
    return run(db, sql, p, np, row, ctx, changes, err, errlen);
}

int coll_db_begin(coll_db *db, coll_tx **tx, char *err, size_t errlen)
{
    *tx = acquire(db, err, errlen);
    if (!*tx)
        return -1;
    int rc = db->ops->query((*tx)->c, db->ops->begin_sql, NULL, 0, NULL, NULL, NULL, err, errlen);
    if (try_again(*tx, rc, err, errlen))
        rc = db->ops->query((*tx)->c, db->ops->begin_sql, NULL, 0, NULL, NULL, NULL, err, errlen);
    if (rc != COLL_SQL_OK) {
        release(*tx);
        *tx = NULL;
        return -1;
    }
    return 0;
}

int coll_db_commit(coll_tx *tx, char *err, size_t errlen)
{
    int rc = q(tx, "COMMIT", NULL, 0, NULL, NULL, NULL, err, errlen);
    if (rc != 0)
        tx->db->ops->query(tx->c, "ROLLBACK", NULL, 0, NULL, NULL, NULL, NULL, 0);
    release(tx);
    return rc;
}

void coll_db_rollback(coll_tx *tx)
{
    tx->db->ops->query(tx->c, "ROLLBACK", NULL, 0, NULL, NULL, NULL, NULL, 0);
    release(tx);
}

/* ---- opening: the schema ------------------------------------------------------------------ */

static int migrate(coll_db *db, char *err, size_t errlen)
{
    coll_tx *t;
    int64_t v = 0;
    if (coll_db_begin(db, &t, err, errlen) != 0)
        return -1;
    if (db->ops->lock(t->c, err, errlen) != COLL_SQL_OK ||
        db->ops->version(t->c, &v, err, errlen) != COLL_SQL_OK)
        goto fail;
    for (; v < NMIGRATIONS; v++) {
        const coll_migration *m = &migrations[v];
        const char *sql = db->ops->is_pg && m->pg ? m->pg : m->sql;
        if (sql && q(t, sql, NULL, 0, NULL, NULL, NULL, err, errlen) != 0)
            goto fail;
        if (db->ops->set_version(t->c, v + 1, err, errlen) != COLL_SQL_OK)
            goto fail;
    }
    return coll_db_commit(t, err, errlen);
fail:
    coll_db_rollback(t);
    return -1;
}

int coll_db_open(const char *target, coll_db **out, char *err, size_t errlen)
{
    *out = NULL;
    if (sodium_init() < 0) {
        wp_errf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    coll_db *db = calloc(1, sizeof *db);
    if (!db || !(db->target = strdup(target))) {
        free(db);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    db->ops = coll_store_for(target);
    if (!db->ops) {
        wp_errf(err, errlen,
                "%s: this collector was built without PostgreSQL (cmake -DWIJKPEIL_POSTGRES=ON)",
                target);
        free(db->target);
        free(db);
        return -1;
    }
    db->n = db->ops->pool_size < COLL_POOL_MAX ? db->ops->pool_size : COLL_POOL_MAX;
    for (int i = 0; i < db->n; i++)
        db->pool[i].db = db;
    pthread_mutex_init(&db->mu, NULL);
    pthread_cond_init(&db->freed, NULL);
    if (migrate(db, err, errlen) != 0) {
        coll_db_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

void coll_db_close(coll_db *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->n; i++)
        db->ops->close(db->pool[i].c);
    pthread_mutex_destroy(&db->mu);
    pthread_cond_destroy(&db->freed);
    seal_forget(&db->key);
    if (db->target) {
        sodium_memzero(db->target, strlen(db->target)); /* a URI may hold a password */
        free(db->target);
    }
    free(db);
}

const char *coll_db_backend(const coll_db *db)
{
    return db->ops->name;
}

/* ---- devices ------------------------------------------------------------------------------ */

void coll_db_token_hash(const char *token, char hex[COLL_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, COLL_HASH_HEX, h, sizeof h);
}

/* A new random token (hex) and the hash under which it is stored. */
static void new_token(char token[COLL_TOKEN_LEN], char hex[COLL_HASH_HEX])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, COLL_TOKEN_LEN, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    coll_db_token_hash(token, hex);
}

int coll_db_device_add(coll_db *db, const char *name, const char *location,
                       char token[COLL_TOKEN_LEN], char *err, size_t errlen)
{
    if (!name[0] || strlen(name) >= COLL_NAME_MAX || strlen(location) >= COLL_NAME_MAX) {
        wp_errf(err, errlen, "device name and location must be 1 to %d characters",
                COLL_NAME_MAX - 1);
        return -1;
    }
    char hex[COLL_HASH_HEX];
    new_token(token, hex);
    coll_param p[] = {COLL_TEXT(name), COLL_TEXT(location), COLL_TEXT(hex), COLL_NUM(wp_wall_ms())};
    int rc = run(db, "INSERT INTO devices(name,location,token_hash,created_ms) VALUES(?,?,?,?)", p,
                 4, NULL, NULL, NULL, err, errlen);
    if (rc == COLL_SQL_CONSTRAINT)
        wp_errf(err, errlen, "a device named \"%s\" exists already", name);
    if (rc != COLL_SQL_OK) {
        sodium_memzero(token, COLL_TOKEN_LEN);
        return -1;
    }
    return 0;
}

int coll_db_device_revoke(coll_db *db, const char *name, char *err, size_t errlen)
{
    coll_param p[] = {COLL_NUM(wp_wall_ms()), COLL_TEXT(name)};
    int64_t changed = 0;
    if (run(db, "UPDATE devices SET revoked_ms=? WHERE name=? AND revoked_ms=0", p, 2, NULL, NULL,
            &changed, err, errlen) != COLL_SQL_OK)
        return -1;
    if (changed == 0) {
        wp_errf(err, errlen, "no active device named \"%s\"", name);
        return -1;
    }
    return 0;
}

int coll_db_device_rotate(coll_db *db, const char *name, char token[COLL_TOKEN_LEN], char *err,
                          size_t errlen)
{
    char hex[COLL_HASH_HEX];
    new_token(token, hex);
    coll_param p[] = {COLL_TEXT(hex), COLL_TEXT(name)};
    int64_t changed = 0;
    int rc = run(db, "UPDATE devices SET token_hash=? WHERE name=? AND revoked_ms=0", p, 2, NULL,
                 NULL, &changed, err, errlen);
    if (rc == COLL_SQL_OK && changed == 0)
        wp_errf(err, errlen, "no active device named \"%s\"", name);
    if (rc != COLL_SQL_OK || changed == 0) {
        sodium_memzero(token, COLL_TOKEN_LEN);
        return -1;
    }
    return 0;
}

int coll_db_device_active(coll_db *db, const char *name, char *err, size_t errlen)
{
    int64_t revoked = -1;
    coll_param p = COLL_TEXT(name);
    if (run(db, "SELECT revoked_ms FROM devices WHERE name=?", &p, 1, coll_store_int_row, &revoked,
            NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    return revoked < 0 ? 0 : revoked == 0 ? 1 : 2;
}

/* Copies text for a terminal: control characters (C0, DEL, C1 such as CSI) and bytes that are
 * not UTF-8 become '?', so a device cannot forge lines or send escape sequences. */
static const char *printable(const char *s, char *buf, size_t len)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && o + 1 < len) {
        size_t n = *p < 0x80                  ? 1
                   : *p >= 0xC2 && *p <= 0xDF ? 2
                   : *p >= 0xE0 && *p <= 0xEF ? 3
                   : *p >= 0xF0 && *p <= 0xF4 ? 4
                                              : 0;
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                n = 0;
        }
        bool control = n == 1 ? (*p < 0x20 || *p == 0x7F) : n == 2 && *p == 0xC2 && p[1] < 0xA0;
        if (n == 0 || control || o + n >= len) {
            buf[o++] = '?';
            p += n ? n : 1;
            continue;
        }
        memcpy(buf + o, p, n);
        o += n;
        p += n;
    }
    buf[o] = '\0';
    return buf;
}

static void fmt_time(int64_t ms, char *buf, size_t len)
{
    if (ms <= 0)
        wp_strlcpy(buf, "never", len);
    else
        wp_iso8601(ms, buf, len);
}

/* Rows printed as they come: device list and status. */
typedef struct {
    FILE *out;
    int64_t now_ms, n;
} print_ctx;

static int list_row(void *ctx, int ncol, const char *const *v)
{
    print_ctx *x = ctx;
    (void)ncol;
    char c[32], r[32], name[COLL_NAME_MAX * 2], loc[COLL_NAME_MAX * 2];
    fmt_time(coll_store_num(v[2]), c, sizeof c);
    int64_t rv = coll_store_num(v[3]);
    fmt_time(rv, r, sizeof r);
    fprintf(x->out, "%s\tlocation=%s\tadded=%s\t%s%s\n", printable(v[0], name, sizeof name),
            printable(v[1], loc, sizeof loc), c, rv ? "revoked=" : "active", rv ? r : "");
    return 0;
}

int coll_db_device_list(coll_db *db, FILE *out, char *err, size_t errlen)
{
    print_ctx x = {.out = out};
    return run(db,
               "SELECT name, location, created_ms, revoked_ms FROM devices"
               " ORDER BY name COLLATE \"C\"",
               NULL, 0, list_row, &x, NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

typedef struct {
    char *name, *location;
    size_t namelen, loclen;
    bool found;
} auth_ctx;

static int auth_row(void *ctx, int ncol, const char *const *v)
{
    auth_ctx *a = ctx;
    (void)ncol;
    wp_strlcpy(a->name, v[0] ? v[0] : "", a->namelen);
    wp_strlcpy(a->location, v[1] ? v[1] : "", a->loclen);
    a->found = true;
    return 0;
}

int coll_db_auth(coll_db *db, const char *token, char *name, size_t namelen, char *location,
                 size_t loclen, char *err, size_t errlen)
{
    char hex[COLL_HASH_HEX];
    coll_db_token_hash(token, hex);
    auth_ctx a = {name, location, namelen, loclen, false};
    coll_param p = COLL_TEXT(hex);
    if (run(db, "SELECT name, location FROM devices WHERE token_hash=? AND revoked_ms=0", &p, 1,
            auth_row, &a, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    return a.found ? 0 : 1;
}

/* ---- responses ---------------------------------------------------------------------------- */

typedef struct {
    char device[COLL_NAME_MAX * 2], hash[COLL_HASH_HEX];
    bool found;
} held_ctx;

static int held_row(void *ctx, int ncol, const char *const *v)
{
    held_ctx *h = ctx;
    (void)ncol;
    wp_strlcpy(h->device, v[0] ? v[0] : "", sizeof h->device);
    wp_strlcpy(h->hash, v[1] ? v[1] : "", sizeof h->hash);
    h->found = true;
    return 0;
}

/* The 16 values of sql_insert_response, in its order. */
static void response_params(coll_param p[17], const char *device, const coll_item *it,
                            int64_t now_ms, const char *source)
{
    coll_param v[17] = {COLL_TEXT(it->id),
                        COLL_TEXT(device),
                        COLL_NUM(it->seq),
                        COLL_TEXT(it->questionset),
                        COLL_NUM(it->questionset_version),
                        COLL_TEXT(it->language),
                        COLL_NUM(it->started_at_ms),
                        COLL_NUM(it->finished_at_ms),
                        COLL_NUM(it->duration_ms),
                        COLL_TEXT(it->status),
                        COLL_NUM(it->clock_synced),
                        COLL_TEXT(it->answers_json),
                        COLL_TEXT(it->hash),
                        COLL_NUM(now_ms),
                        COLL_TEXT(source),
                        COLL_TEXT(it->sealed),
                        COLL_TEXT(it->questionset_version_text)};
    memcpy(p, v, sizeof v);
}

int coll_db_put(coll_tx *tx, const char *device, const coll_item *it, int64_t now_ms,
                const char *source, char *err, size_t errlen)
{
    coll_param p[17];
    response_params(p, device, it, now_ms, source);
    int64_t stored = 0;
    /* Stored by whichever transaction inserts first; another instance's insert of the same
     * UUID waits for that one to end and then finds it held. */
    if (q(tx, sql_insert_response, p, 17, NULL, NULL, &stored, err, errlen) != 0)
        return -1;
    if (stored == 1)
        return COLL_STORED;
    held_ctx h = {.found = false};
    if (q(tx, sql_held, p, 1, held_row, &h, NULL, err, errlen) != 0)
        return -1;
    if (!h.found) {
        wp_errf(err, errlen, "collector database: response %s neither stored nor held", it->id);
        return -1;
    }
    if (strcmp(h.device, device) == 0 && strcmp(h.hash, it->hash) == 0)
        return COLL_DUPLICATE;
    /* Quota: a device cannot fill the disk with conflicts; past it they are still answered
     * (409) but no longer logged. */
    int64_t logged = 0;
    coll_param d = COLL_TEXT(device);
    if (q(tx, sql_nconflicts, &d, 1, coll_store_int_row, &logged, NULL, err, errlen) != 0)
        return -1;
    if (logged >= COLL_CONFLICTS_MAX)
        return COLL_CONFLICT;
    size_t alen = strlen(it->answers_json);
    coll_param c[] = {
        COLL_TEXT(it->id), COLL_TEXT(device),
        COLL_NUM(now_ms),  COLL_TEXT(it->hash),
        COLL_TEXT(h.hash), COLL_TEXT(alen <= COLL_CONFLICT_ANSWERS_MAX ? it->answers_json : "")};
    if (q(tx, sql_insert_conflict, c, 6, NULL, NULL, NULL, err, errlen) != 0)
        return -1;
    return COLL_CONFLICT;
}

int coll_db_touch(coll_tx *tx, const char *device, int64_t now_ms, char *err, size_t errlen)
{
    coll_param p[] = {COLL_NUM(now_ms), COLL_TEXT(device)};
    return q(tx, sql_touch, p, 2, NULL, NULL, NULL, err, errlen);
}

int coll_db_heartbeat(coll_db *db, const char *device, const char *json, int64_t now_ms,
                      int clock_synced, const char *last_error, int64_t pending, char *err,
                      size_t errlen)
{
    coll_param p[] = {COLL_TEXT(json),        COLL_NUM(now_ms),      COLL_NUM(now_ms),
                      COLL_NUM(clock_synced), COLL_TEXT(last_error), COLL_NUM(pending),
                      COLL_TEXT(device)};
    return run(db,
               "UPDATE devices SET last_status=?, last_status_ms=?, last_seen_ms=?, "
               "clock_synced=?, last_error=?, pending=? WHERE name=?",
               p, 7, NULL, NULL, NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

static void fmt_age(int64_t now_ms, int64_t then_ms, char *buf, size_t len)
{
    if (then_ms <= 0) {
        wp_strlcpy(buf, "never", len);
        return;
    }
    char iso[32];
    wp_iso8601(then_ms, iso, sizeof iso);
    int64_t s = (now_ms - then_ms) / 1000;
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, len, "%s (%llds ago)", iso, (long long)s);
    else if (s < 7200)
        snprintf(buf, len, "%s (%lld min ago)", iso, (long long)(s / 60));
    else if (s < 172800)
        snprintf(buf, len, "%s (%lld h ago)", iso, (long long)(s / 3600));
    else
        snprintf(buf, len, "%s (%lld days ago)", iso, (long long)(s / 86400));
}

static int status_row(void *ctx, int ncol, const char *const *v)
{
    print_ctx *x = ctx;
    (void)ncol;
    char seen[80];
    fmt_age(x->now_ms, coll_store_num(v[3]), seen, sizeof seen);
    int64_t pending = coll_store_num(v[4]);
    int64_t clock = coll_store_num(v[5]);
    const char *lerr = v[6];
    int64_t received = coll_store_num(v[7]), gaps = coll_store_num(v[8]);
    int64_t conflicts = coll_store_num(v[9]);
    char pend[32], name[COLL_NAME_MAX * 2], loc[COLL_NAME_MAX * 2], le[COLL_LAST_ERROR_MAX];
    if (pending < 0)
        wp_strlcpy(pend, "unknown", sizeof pend);
    else
        snprintf(pend, sizeof pend, "%lld", (long long)pending);
    fprintf(x->out,
            "%s (%s)%s: last seen %s, received %lld, pending %s, gaps %lld, clock %s, "
            "conflicts %lld%s, last error: %s\n",
            printable(v[0], name, sizeof name), printable(v[1], loc, sizeof loc),
            coll_store_num(v[2]) ? " [revoked]" : "", seen, (long long)received, pend,
            (long long)gaps, clock < 0 ? "unknown" : (clock ? "synchronised" : "NOT synchronised"),
            (long long)conflicts,
            conflicts >= COLL_CONFLICTS_MAX ? " (log full: later ones not logged)" : "",
            lerr && *lerr ? printable(lerr, le, sizeof le) : "none");
    x->n++;
    return 0;
}

int coll_db_status(coll_db *db, FILE *out, int64_t now_ms, char *err, size_t errlen)
{
    print_ctx x = {.out = out, .now_ms = now_ms};
    /* gaps: sequence numbers start at 1 (0 is counted when present): every number below the
     * highest one received that is not held is a response made but not delivered. */
    if (run(db,
            "SELECT device, location, revoked_ms, last_seen_ms, pending, clock_synced,"
            " last_error, received, gaps, conflicts FROM kiosk_health"
            " ORDER BY device COLLATE \"C\"",
            NULL, 0, status_row, &x, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    if (x.n == 0)
        fprintf(out, "no kiosks registered (wijkpeil-collector device add NAME --location LOC)\n");
    return 0;
}

typedef struct {
    coll_row_cb cb;
    void *ctx;
} foreach_ctx;

static int foreach_row(void *ctx, int ncol, const char *const *v)
{
    foreach_ctx *f = ctx;
    (void)ncol;
    coll_row r = {
        .id = v[0] ? v[0] : "",
        .device = v[1] ? v[1] : "",
        .location = v[2] ? v[2] : "",
        .questionset = v[3] ? v[3] : "",
        .questionset_version = coll_store_num(v[4]),
        .language = v[5] ? v[5] : "",
        .started_at_ms = coll_store_num(v[6]),
        .finished_at_ms = coll_store_num(v[7]),
        .duration_ms = coll_store_num(v[8]),
        .status = v[9] ? v[9] : "",
        .clock_synced = (int)coll_store_num(v[10]),
        .received_at_ms = coll_store_num(v[11]),
        .source = v[12] ? v[12] : "",
        .seq = coll_store_num(v[13]),
        .answers_json = v[14] ? v[14] : "",
        .sealed = v[15],
        .questionset_version_text = v[16] ? v[16] : "",
    };
    return f->cb(f->ctx, &r);
}

int coll_db_foreach(coll_db *db, const char *questionset, coll_row_cb cb, void *ctx, char *err,
                    size_t errlen)
{
    foreach_ctx f = {cb, ctx};
    coll_param p = COLL_TEXT(questionset);
    return run(db,
               "SELECT " RESPONSE_COLS ", r.seq, r.answers, r.sealed,"
               " r.questionset_version_text FROM responses r"
               " LEFT JOIN devices d ON d.name=r.device WHERE ?1 IS NULL OR r.questionset=?1"
               " ORDER BY r.device COLLATE \"C\", r.seq, r.id COLLATE \"C\"",
               &p, 1, foreach_row, &f, NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

void coll_db_set_seal_key(coll_db *db, const seal_keypair *kp)
{
    db->key = *kp;
    db->has_key = true;
}

const seal_keypair *coll_db_seal_key(const coll_db *db)
{
    return db->has_key ? &db->key : NULL;
}

int64_t coll_db_sealed_count(coll_db *db, char *err, size_t errlen)
{
    int64_t n = 0;
    if (run(db, "SELECT COUNT(*) FROM responses WHERE sealed IS NOT NULL", NULL, 0,
            coll_store_int_row, &n, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    return n;
}

/* ---- rows read in pages (a connection cannot run a statement while it reads another's
 * rows): opening sealed answers, copying ------------------------------------------------- */

typedef struct {
    int ncol;
    size_t n, cap;
    char **v; /* n rows of ncol values, malloc'd (NULL: SQL NULL) */
    bool oom;
} rows;

static int rows_add(void *ctx, int ncol, const char *const *vals)
{
    rows *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        char **v = realloc(r->v, cap * (size_t)r->ncol * sizeof *v);
        if (!v) {
            r->oom = true;
            return 1;
        }
        r->v = v;
        r->cap = cap;
    }
    for (int i = 0; i < r->ncol; i++) {
        const char *s = i < ncol ? vals[i] : NULL;
        char *d = s ? strdup(s) : NULL;
        if (s && !d)
            r->oom = true;
        r->v[r->n * (size_t)r->ncol + (size_t)i] = d;
    }
    r->n++;
    return r->oom;
}

static void rows_clear(rows *r)
{
    for (size_t i = 0; i < r->n * (size_t)r->ncol; i++)
        free(r->v[i]);
    r->n = 0;
}

static void rows_free(rows *r)
{
    rows_clear(r);
    free(r->v);
    r->v = NULL;
    r->cap = 0;
}

static const char *cell(const rows *r, size_t row, int col)
{
    return r->v[row * (size_t)r->ncol + (size_t)col];
}

/* Reads one page into r (cleared first); 0 or -1. */
static int page(coll_db *db, const char *sql, const coll_param *p, int np, rows *r, char *err,
                size_t errlen)
{
    rows_clear(r);
    if (run(db, sql, p, np, rows_add, r, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    if (r->oom) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int coll_db_open_held(coll_db *db, coll_open_fn open, void *ctx, int64_t *opened, int64_t *failed,
                      char *err, size_t errlen)
{
    *opened = *failed = 0;
    rows r = {.ncol = 2};
    char last[40] = "";
    int rc = 0;
    /* Pages in id order; one transaction per page: answers opened are never lost to a later
     * failure. */
    for (;;) {
        coll_param after = COLL_TEXT(last);
        if (page(db,
                 "SELECT id, sealed FROM responses WHERE sealed IS NOT NULL AND id > ?"
                 " ORDER BY id LIMIT 500",
                 &after, 1, &r, err, errlen) != 0) {
            rc = -1;
            break;
        }
        if (r.n == 0)
            break;
        coll_tx *t;
        if (coll_db_begin(db, &t, err, errlen) != 0) {
            rc = -1;
            break;
        }
        int64_t o = 0, f = 0;
        for (size_t i = 0; i < r.n && rc == 0; i++) {
            char *answers = NULL;
            if (open(ctx, cell(&r, i, 0), cell(&r, i, 1), &answers) != 0) {
                f++;
                continue;
            }
            coll_param p[] = {COLL_TEXT(answers), COLL_TEXT(cell(&r, i, 0))};
            rc = q(t, "UPDATE responses SET answers=?, sealed=NULL WHERE id=?", p, 2, NULL, NULL,
                   NULL, err, errlen);
            free(answers);
            o++;
        }
        wp_strlcpy(last, cell(&r, r.n - 1, 0), sizeof last);
        if (rc != 0) {
            coll_db_rollback(t);
            break;
        }
        if (coll_db_commit(t, err, errlen) != 0) {
            rc = -1;
            break;
        }
        *opened += o;
        *failed += f;
    }
    rows_free(&r);
    return rc;
}

/* ---- copying (migrate) -------------------------------------------------------------------- */

/* Runs insert once per row of r in one transaction on to; types has one letter per column:
 * T text, N number. Adds the rows changed to *added. */
static int copy_rows(coll_db *to, const char *insert, const rows *r, const char *types,
                     int64_t *added, char *err, size_t errlen)
{
    coll_tx *t;
    if (coll_db_begin(to, &t, err, errlen) != 0)
        return -1;
    coll_param p[17];
    for (size_t i = 0; i < r->n; i++) {
        for (int k = 0; k < r->ncol; k++)
            p[k] = types[k] == 'N' ? COLL_NUM(coll_store_num(cell(r, i, k)))
                                   : COLL_TEXT(cell(r, i, k));
        int64_t n = 0;
        if (q(t, insert, p, r->ncol, NULL, NULL, &n, err, errlen) != 0) {
            coll_db_rollback(t);
            return -1;
        }
        *added += n;
    }
    return coll_db_commit(t, err, errlen);
}

int coll_db_copy(coll_db *from, coll_db *to, coll_copy_counts *n, char *err, size_t errlen)
{
    memset(n, 0, sizeof *n);
    int rc = -1;
    rows r = {.ncol = 11};
    /* devices, with their token hashes: the kiosks keep their tokens */
    if (page(from,
             "SELECT name, location, token_hash, created_ms, revoked_ms, last_seen_ms,"
             " last_status, last_status_ms, clock_synced, last_error, pending FROM devices",
             NULL, 0, &r, err, errlen) != 0 ||
        copy_rows(to,
                  "INSERT INTO devices(name, location, token_hash, created_ms, revoked_ms,"
                  " last_seen_ms, last_status, last_status_ms, clock_synced, last_error, pending)"
                  " VALUES(?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(name) DO NOTHING",
                  &r, "TTTNNNTNNTN", &n->devices, err, errlen) != 0)
        goto done;
    rows_free(&r);
    /* responses: in pages by id, one transaction each; held ones are left as they are */
    r.ncol = 17;
    char last[40] = "";
    do {
        coll_param after[] = {COLL_TEXT(last), COLL_NUM(COLL_COPY_BATCH)};
        if (page(from,
                 "SELECT id, device, seq, questionset, questionset_version, language,"
                 " started_at_ms, finished_at_ms, duration_ms, status, clock_synced, answers,"
                 " content_hash, received_ms, source, sealed, questionset_version_text"
                 " FROM responses WHERE id > ?"
                 " ORDER BY id LIMIT ?",
                 after, 2, &r, err, errlen) != 0 ||
            copy_rows(to, sql_insert_response, &r, "TTNTNTNNNTNTTNTTT", &n->responses, err,
                      errlen) != 0)
            goto done;
        if (r.n)
            wp_strlcpy(last, cell(&r, r.n - 1, 0), sizeof last);
    } while (r.n == COLL_COPY_BATCH);
    rows_free(&r);
    /* conflicts: a row is new unless one with the same response, device, time and content is
     * held */
    r.ncol = 6;
    for (int64_t off = 0;; off += COLL_COPY_BATCH) {
        coll_param p[] = {COLL_NUM(COLL_COPY_BATCH), COLL_NUM(off)};
        if (page(from,
                 "SELECT id, device, received_ms, content_hash, held_hash, answers FROM conflicts"
                 " ORDER BY device, received_ms, id, content_hash LIMIT ? OFFSET ?",
                 p, 2, &r, err, errlen) != 0 ||
            copy_rows(to,
                      "INSERT INTO conflicts(id, device, received_ms, content_hash, held_hash,"
                      " answers) SELECT ?,?,?,?,?,? WHERE NOT EXISTS (SELECT 1 FROM conflicts"
                      " WHERE id=?1 AND device=?2 AND received_ms=?3 AND content_hash=?4)",
                      &r, "TTNTTT", &n->conflicts, err, errlen) != 0)
            goto done;
        if (r.n < COLL_COPY_BATCH)
            break;
    }
    rc = 0;
done:
    rows_free(&r);
    return rc;
}
