/* The collector's SQLite database: devices, responses (idempotent by UUID), conflicts, heartbeats.
 */
#include "coll_db.h"

#include "util.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define COLL_SCHEMA_VERSION 3

struct coll_db {
    sqlite3 *h;
    pthread_mutex_t mu;
    sqlite3_stmt *get;   /* device, hash of a held response */
    sqlite3_stmt *ins;   /* insert a response */
    sqlite3_stmt *conf;  /* log a conflict */
    sqlite3_stmt *nconf; /* conflicts logged for a device */
    sqlite3_stmt *touch; /* last seen */
    bool has_key;
    seal_keypair key; /* opens sealed answers */
};

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS devices ("
    " name TEXT PRIMARY KEY, location TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
    " created_ms INTEGER NOT NULL, revoked_ms INTEGER NOT NULL DEFAULT 0,"
    " last_seen_ms INTEGER NOT NULL DEFAULT 0, last_status TEXT, last_status_ms INTEGER NOT NULL "
    "DEFAULT 0, clock_synced INTEGER NOT NULL DEFAULT -1, last_error TEXT NOT NULL DEFAULT '',"
    " pending INTEGER NOT NULL DEFAULT -1);"
    "CREATE TABLE IF NOT EXISTS responses ("
    " id TEXT PRIMARY KEY, device TEXT NOT NULL, seq INTEGER NOT NULL, questionset TEXT NOT NULL,"
    " questionset_version INTEGER NOT NULL, language TEXT NOT NULL,"
    " started_at_ms INTEGER NOT NULL, finished_at_ms INTEGER NOT NULL,"
    " duration_ms INTEGER NOT NULL, status TEXT NOT NULL, clock_synced INTEGER NOT NULL,"
    " answers TEXT NOT NULL, content_hash TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " source TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS responses_device_seq ON responses(device, seq);"
    "CREATE INDEX IF NOT EXISTS responses_qset ON responses(questionset);"
    "CREATE TABLE IF NOT EXISTS conflicts ("
    " id TEXT NOT NULL, device TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " content_hash TEXT NOT NULL, held_hash TEXT NOT NULL, answers TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS conflicts_device ON conflicts(device);";

static int fail(coll_db *db, char *err, size_t errlen, const char *what)
{
    wp_errf(err, errlen, "collector database: %s: %s", what, sqlite3_errmsg(db->h));
    return -1;
}

static int exec(coll_db *db, const char *sql, char *err, size_t errlen)
{
    if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, err, errlen, sql);
    return 0;
}

static int prep(coll_db *db, const char *sql, sqlite3_stmt **st, char *err, size_t errlen)
{
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return fail(db, err, errlen, "prepare");
    return 0;
}

/* Version 2: answers held sealed until the collector has the secret key. Version 3: the question
 * set's version as the spreadsheet wrote it. */
static int migrate(coll_db *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (v < 2 && exec(db,
                      "BEGIN IMMEDIATE; ALTER TABLE responses ADD COLUMN sealed TEXT;"
                      " PRAGMA user_version=2; COMMIT;",
                      err, errlen) != 0)
        return -1;
    if (v < 3 && exec(db,
                      "BEGIN IMMEDIATE; ALTER TABLE responses ADD COLUMN questionset_version_text"
                      " TEXT; PRAGMA user_version=3; COMMIT;",
                      err, errlen) != 0)
        return -1;
    return 0;
}

int coll_db_open(const char *path, coll_db **out, char *err, size_t errlen)
{
    *out = NULL;
    if (sodium_init() < 0) {
        wp_errf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    coll_db *db = calloc(1, sizeof *db);
    if (!db) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&db->mu, NULL);
    if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        wp_errf(err, errlen, "%s: cannot open database: %s", path,
                db->h ? sqlite3_errmsg(db->h) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(db->h, 10000);
    if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err, errlen) != 0 ||
        exec(db, schema_sql, err, errlen) != 0 || migrate(db, err, errlen) != 0)
        goto fail;
    if (prep(db, "SELECT device, content_hash FROM responses WHERE id=?", &db->get, err, errlen) ||
        prep(db,
             "INSERT INTO responses(id,device,seq,questionset,questionset_version,language,"
             "started_at_ms,finished_at_ms,duration_ms,status,clock_synced,answers,content_hash,"
             "received_ms,source,sealed,questionset_version_text)"
             " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             &db->ins, err, errlen) ||
        prep(db,
             "INSERT INTO conflicts(id,device,received_ms,content_hash,held_hash,answers) "
             "VALUES(?,?,?,?,?,?)",
             &db->conf, err, errlen) ||
        prep(db, "SELECT COUNT(*) FROM conflicts WHERE device=?", &db->nconf, err, errlen) ||
        prep(db, "UPDATE devices SET last_seen_ms=? WHERE name=?", &db->touch, err, errlen))
        goto fail;
    *out = db;
    return 0;
fail:
    coll_db_close(db);
    return -1;
}

void coll_db_close(coll_db *db)
{
    if (!db)
        return;
    sqlite3_finalize(db->get);
    sqlite3_finalize(db->ins);
    sqlite3_finalize(db->conf);
    sqlite3_finalize(db->nconf);
    sqlite3_finalize(db->touch);
    sqlite3_close(db->h);
    pthread_mutex_destroy(&db->mu);
    seal_forget(&db->key);
    free(db);
}

static void token_hash(const char *token, char hex[COLL_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, COLL_HASH_HEX, h, sizeof h);
}

int coll_db_device_add(coll_db *db, const char *name, const char *location,
                       char token[COLL_TOKEN_LEN], char *err, size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    if (!name[0] || strlen(name) >= COLL_NAME_MAX || strlen(location) >= COLL_NAME_MAX) {
        wp_errf(err, errlen, "device name and location must be 1 to %d characters",
                COLL_NAME_MAX - 1);
        return -1;
    }
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, COLL_TOKEN_LEN, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    char hex[COLL_HASH_HEX];
    token_hash(token, hex);
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(db->h,
                           "INSERT INTO devices(name,location,token_hash,created_ms) "
                           "VALUES(?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "add device");
        goto done;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, location, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, wp_wall_ms());
    int s = sqlite3_step(st);
    if (s == SQLITE_CONSTRAINT) {
        wp_errf(err, errlen, "a device named \"%s\" exists already", name);
        goto done;
    }
    if (s != SQLITE_DONE) {
        fail(db, err, errlen, "add device");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    if (rc != 0)
        sodium_memzero(token, COLL_TOKEN_LEN);
    return rc;
}

int coll_db_device_revoke(coll_db *db, const char *name, char *err, size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(db->h, "UPDATE devices SET revoked_ms=? WHERE name=? AND revoked_ms=0",
                           -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "revoke");
        goto done;
    }
    sqlite3_bind_int64(st, 1, wp_wall_ms());
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        fail(db, err, errlen, "revoke");
        goto done;
    }
    if (sqlite3_changes(db->h) == 0) {
        wp_errf(err, errlen, "no active device named \"%s\"", name);
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return rc;
}

int coll_db_device_active(coll_db *db, const char *name, char *err, size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(db->h, "SELECT revoked_ms FROM devices WHERE name=?", -1, &st, NULL) !=
        SQLITE_OK) {
        fail(db, err, errlen, "device");
        goto done;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        rc = sqlite3_column_int64(st, 0) == 0 ? 1 : 2;
    else if (s == SQLITE_DONE)
        rc = 0;
    else
        fail(db, err, errlen, "device");
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return rc;
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

int coll_db_device_list(coll_db *db, FILE *out, char *err, size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(db->h,
                           "SELECT name, location, created_ms, revoked_ms FROM devices ORDER BY "
                           "name",
                           -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "list");
        goto done;
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char c[32], r[32], name[COLL_NAME_MAX * 2], loc[COLL_NAME_MAX * 2];
        fmt_time(sqlite3_column_int64(st, 2), c, sizeof c);
        int64_t rv = sqlite3_column_int64(st, 3);
        fmt_time(rv, r, sizeof r);
        fprintf(out, "%s\tlocation=%s\tadded=%s\t%s%s\n",
                printable((const char *)sqlite3_column_text(st, 0), name, sizeof name),
                printable((const char *)sqlite3_column_text(st, 1), loc, sizeof loc), c,
                rv ? "revoked=" : "active", rv ? r : "");
    }
    if (s != SQLITE_DONE) {
        fail(db, err, errlen, "list");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return rc;
}

int coll_db_auth(coll_db *db, const char *token, char *name, size_t namelen, char *location,
                 size_t loclen, char *err, size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    char hex[COLL_HASH_HEX];
    token_hash(token, hex);
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(db->h,
                           "SELECT name, location FROM devices WHERE token_hash=? AND "
                           "revoked_ms=0",
                           -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "auth");
        goto done;
    }
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        wp_strlcpy(name, (const char *)sqlite3_column_text(st, 0), namelen);
        wp_strlcpy(location, (const char *)sqlite3_column_text(st, 1), loclen);
        rc = 0;
    } else if (s == SQLITE_DONE) {
        rc = 1;
    } else {
        fail(db, err, errlen, "auth");
    }
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return rc;
}

int coll_db_begin(coll_db *db, char *err, size_t errlen)
{
    pthread_mutex_lock(&db->mu);
    if (exec(db, "BEGIN IMMEDIATE", err, errlen) != 0) {
        pthread_mutex_unlock(&db->mu);
        return -1;
    }
    return 0;
}

int coll_db_commit(coll_db *db, char *err, size_t errlen)
{
    int rc = exec(db, "COMMIT", err, errlen);
    if (rc != 0)
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&db->mu);
    return rc;
}

void coll_db_rollback(coll_db *db)
{
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&db->mu);
}

int coll_db_put(coll_db *db, const char *device, const coll_item *it, int64_t now_ms,
                const char *source, char *err, size_t errlen)
{
    sqlite3_stmt *g = db->get;
    sqlite3_reset(g);
    sqlite3_bind_text(g, 1, it->id, -1, SQLITE_STATIC);
    int s = sqlite3_step(g);
    if (s == SQLITE_ROW) {
        bool same = strcmp((const char *)sqlite3_column_text(g, 0), device) == 0 &&
                    strcmp((const char *)sqlite3_column_text(g, 1), it->hash) == 0;
        char held[COLL_HASH_HEX];
        wp_strlcpy(held, (const char *)sqlite3_column_text(g, 1), sizeof held);
        sqlite3_reset(g);
        if (same)
            return COLL_DUPLICATE;
        /* Quota: a device cannot fill the disk with conflicts; past it they are still answered
         * (409) but no longer logged. */
        sqlite3_stmt *n = db->nconf;
        sqlite3_reset(n);
        sqlite3_bind_text(n, 1, device, -1, SQLITE_STATIC);
        s = sqlite3_step(n);
        int64_t logged = s == SQLITE_ROW ? sqlite3_column_int64(n, 0) : -1;
        sqlite3_reset(n);
        if (logged < 0)
            return fail(db, err, errlen, "count conflicts");
        if (logged >= COLL_CONFLICTS_MAX)
            return COLL_CONFLICT;
        size_t alen = strlen(it->answers_json);
        sqlite3_stmt *c = db->conf;
        sqlite3_reset(c);
        sqlite3_bind_text(c, 1, it->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(c, 2, device, -1, SQLITE_STATIC);
        sqlite3_bind_int64(c, 3, now_ms);
        sqlite3_bind_text(c, 4, it->hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(c, 5, held, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(c, 6, alen <= COLL_CONFLICT_ANSWERS_MAX ? it->answers_json : "", -1,
                          SQLITE_STATIC);
        s = sqlite3_step(c);
        sqlite3_reset(c);
        if (s != SQLITE_DONE)
            return fail(db, err, errlen, "log conflict");
        return COLL_CONFLICT;
    }
    sqlite3_reset(g);
    if (s != SQLITE_DONE)
        return fail(db, err, errlen, "look up response");
    sqlite3_stmt *i = db->ins;
    sqlite3_reset(i);
    sqlite3_bind_text(i, 1, it->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(i, 2, device, -1, SQLITE_STATIC);
    sqlite3_bind_int64(i, 3, it->seq);
    sqlite3_bind_text(i, 4, it->questionset, -1, SQLITE_STATIC);
    sqlite3_bind_int64(i, 5, it->questionset_version);
    sqlite3_bind_text(i, 6, it->language, -1, SQLITE_STATIC);
    sqlite3_bind_int64(i, 7, it->started_at_ms);
    sqlite3_bind_int64(i, 8, it->finished_at_ms);
    sqlite3_bind_int64(i, 9, it->duration_ms);
    sqlite3_bind_text(i, 10, it->status, -1, SQLITE_STATIC);
    sqlite3_bind_int(i, 11, it->clock_synced);
    sqlite3_bind_text(i, 12, it->answers_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(i, 13, it->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(i, 14, now_ms);
    sqlite3_bind_text(i, 15, source, -1, SQLITE_STATIC);
    if (it->sealed)
        sqlite3_bind_text(i, 16, it->sealed, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(i, 16);
    if (it->questionset_version_text)
        sqlite3_bind_text(i, 17, it->questionset_version_text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(i, 17);
    s = sqlite3_step(i);
    sqlite3_reset(i);
    if (s != SQLITE_DONE)
        return fail(db, err, errlen, "store response");
    return COLL_STORED;
}

int coll_db_touch(coll_db *db, const char *device, int64_t now_ms, char *err, size_t errlen)
{
    sqlite3_stmt *t = db->touch;
    sqlite3_reset(t);
    sqlite3_bind_int64(t, 1, now_ms);
    sqlite3_bind_text(t, 2, device, -1, SQLITE_STATIC);
    int s = sqlite3_step(t);
    sqlite3_reset(t);
    if (s != SQLITE_DONE)
        return fail(db, err, errlen, "last seen");
    return 0;
}

int coll_db_heartbeat(coll_db *db, const char *device, const char *json, int64_t now_ms,
                      int clock_synced, const char *last_error, int64_t pending, char *err,
                      size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(db->h,
                           "UPDATE devices SET last_status=?, last_status_ms=?, last_seen_ms=?, "
                           "clock_synced=?, last_error=?, pending=? WHERE name=?",
                           -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "heartbeat");
        goto done;
    }
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int64(st, 3, now_ms);
    sqlite3_bind_int(st, 4, clock_synced);
    sqlite3_bind_text(st, 5, last_error, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, pending);
    sqlite3_bind_text(st, 7, device, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        fail(db, err, errlen, "heartbeat");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return rc;
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

int coll_db_status(coll_db *db, FILE *out, int64_t now_ms, char *err, size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(
            db->h,
            "SELECT d.name, d.location, d.last_seen_ms, d.pending, d.clock_synced, d.last_error,"
            " d.revoked_ms, COUNT(r.id), COALESCE(MAX(r.seq),0), COALESCE(MIN(r.seq),1),"
            " COUNT(DISTINCT r.seq), (SELECT COUNT(*) FROM conflicts c WHERE c.device=d.name)"
            " FROM devices d LEFT JOIN responses r ON r.device=d.name"
            " GROUP BY d.name ORDER BY d.name",
            -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "status");
        goto done;
    }
    int s, n = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char seen[80];
        fmt_age(now_ms, sqlite3_column_int64(st, 2), seen, sizeof seen);
        int64_t pending = sqlite3_column_int64(st, 3);
        int clock = sqlite3_column_int(st, 4);
        const char *lerr = (const char *)sqlite3_column_text(st, 5);
        int64_t received = sqlite3_column_int64(st, 7);
        int64_t maxseq = sqlite3_column_int64(st, 8);
        int64_t minseq = sqlite3_column_int64(st, 9);
        int64_t distinct = sqlite3_column_int64(st, 10);
        int64_t conflicts = sqlite3_column_int64(st, 11);
        /* Sequence numbers start at 1 (0 is counted when present): every number below the
         * highest one received that is not held is a response made but not delivered. */
        int64_t gaps = received ? maxseq - distinct + (minseq == 0 ? 1 : 0) : 0;
        char pend[32], name[COLL_NAME_MAX * 2], loc[COLL_NAME_MAX * 2], le[COLL_LAST_ERROR_MAX];
        if (pending < 0)
            wp_strlcpy(pend, "unknown", sizeof pend);
        else
            snprintf(pend, sizeof pend, "%lld", (long long)pending);
        fprintf(out,
                "%s (%s)%s: last seen %s, received %lld, pending %s, gaps %lld, clock %s, "
                "conflicts %lld%s, last error: %s\n",
                printable((const char *)sqlite3_column_text(st, 0), name, sizeof name),
                printable((const char *)sqlite3_column_text(st, 1), loc, sizeof loc),
                sqlite3_column_int64(st, 6) ? " [revoked]" : "", seen, (long long)received, pend,
                (long long)gaps,
                clock < 0 ? "unknown" : (clock ? "synchronised" : "NOT synchronised"),
                (long long)conflicts,
                conflicts >= COLL_CONFLICTS_MAX ? " (log full: later ones not logged)" : "",
                lerr && *lerr ? printable(lerr, le, sizeof le) : "none");
        n++;
    }
    if (s != SQLITE_DONE) {
        fail(db, err, errlen, "status");
        goto done;
    }
    if (n == 0)
        fprintf(out, "no kiosks registered (wijkpeil-collector device add NAME --location LOC)\n");
    rc = 0;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return rc;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

int coll_db_foreach(coll_db *db, const char *questionset, coll_row_cb cb, void *ctx, char *err,
                    size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(
            db->h,
            "SELECT r.id, r.device, COALESCE(d.location,''), r.questionset, r.language, r.status,"
            " r.answers, r.source, r.seq, r.questionset_version, r.started_at_ms,"
            " r.finished_at_ms, r.duration_ms, r.received_ms, r.clock_synced, r.sealed,"
            " COALESCE(r.questionset_version_text,'')"
            " FROM responses r"
            " LEFT JOIN devices d ON d.name=r.device WHERE ?1 IS NULL OR r.questionset=?1"
            " ORDER BY r.device, r.seq",
            -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "export");
        goto done;
    }
    if (questionset)
        sqlite3_bind_text(st, 1, questionset, -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        coll_row r = {
            .id = col_text(st, 0),
            .device = col_text(st, 1),
            .location = col_text(st, 2),
            .questionset = col_text(st, 3),
            .language = col_text(st, 4),
            .status = col_text(st, 5),
            .answers_json = col_text(st, 6),
            .source = col_text(st, 7),
            .seq = sqlite3_column_int64(st, 8),
            .questionset_version = sqlite3_column_int64(st, 9),
            .started_at_ms = sqlite3_column_int64(st, 10),
            .finished_at_ms = sqlite3_column_int64(st, 11),
            .duration_ms = sqlite3_column_int64(st, 12),
            .received_at_ms = sqlite3_column_int64(st, 13),
            .clock_synced = sqlite3_column_int(st, 14),
            .sealed = (const char *)sqlite3_column_text(st, 15),
            .questionset_version_text = col_text(st, 16),
        };
        if (cb(ctx, &r) != 0)
            break;
    }
    if (s != SQLITE_DONE && s != SQLITE_ROW) {
        fail(db, err, errlen, "export");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return rc;
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
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    pthread_mutex_lock(&db->mu);
    if (sqlite3_prepare_v2(db->h, "SELECT COUNT(*) FROM responses WHERE sealed IS NOT NULL", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        fail(db, err, errlen, "count sealed responses");
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->mu);
    return n;
}

int coll_db_open_held(coll_db *db, coll_open_fn open, void *ctx, int64_t *opened, int64_t *failed,
                      char *err, size_t errlen)
{
    *opened = *failed = 0;
    sqlite3_stmt *sel = NULL, *upd = NULL;
    if (coll_db_begin(db, err, errlen) != 0)
        return -1;
    if (prep(db, "SELECT id, sealed FROM responses WHERE sealed IS NOT NULL", &sel, err, errlen) ||
        prep(db, "UPDATE responses SET answers=?, sealed=NULL WHERE id=?", &upd, err, errlen))
        goto fail;
    int s;
    /* Updated rows leave the WHERE of the running SELECT; SQLite allows that for a rowid
     * table scanned by rowid order, and each row is visited once. */
    while ((s = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(sel, 0);
        char *answers = NULL;
        if (open(ctx, id, (const char *)sqlite3_column_text(sel, 1), &answers) != 0) {
            (*failed)++;
            continue;
        }
        sqlite3_reset(upd);
        sqlite3_bind_text(upd, 1, answers, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(upd, 2, id, -1, SQLITE_TRANSIENT);
        s = sqlite3_step(upd);
        free(answers);
        if (s != SQLITE_DONE)
            goto fail_db;
        (*opened)++;
    }
    if (s != SQLITE_DONE)
        goto fail_db;
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return coll_db_commit(db, err, errlen);
fail_db:
    fail(db, err, errlen, "open sealed responses");
fail:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    coll_db_rollback(db);
    return -1;
}
