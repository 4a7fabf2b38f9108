/* The response store on SQLite: WAL + synchronous=FULL, versioned schema with migration steps,
 * cached prepared statements, and errors that tell staff what is wrong with the disk. */
#include "store.h"

#include "fsio.h"
#include "seal.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define STORE_PATH_MAX       4096
#define STORE_BUSY_MS        5000          /* another thread (the uploader) may hold the lock */
#define STORE_ANSWERS_MAX    (1024 * 1024) /* a response's answers as JSON text */
#define STORE_APPLICATION_ID 0x57504549    /* "WPEI": marks a file as a Wijkpeil database */

/* Migration steps: migrations[i] takes a database from user_version i to i + 1. Append a step to
 * change the schema; never edit a step that has shipped. Each step runs in one transaction. */
static const char *const migrations[] = {
    /* 1: responses with delivery marks, a partial index on pending rows, key/value meta. */
    "CREATE TABLE responses("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT," /* per-device sequence; never reused */
    " id TEXT NOT NULL UNIQUE,"               /* UUID v4 */
    " questionset TEXT NOT NULL,"
    " questionset_version INTEGER NOT NULL,"
    " language TEXT NOT NULL,"
    " started_at INTEGER NOT NULL," /* UTC epoch ms */
    " finished_at INTEGER NOT NULL,"
    " duration_ms INTEGER NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('complete', 'abandoned')),"
    " clock_synced INTEGER NOT NULL DEFAULT 0 CHECK (clock_synced IN (0, 1)),"
    " answers TEXT NOT NULL,"                                     /* JSON object */
    " sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1, 2))," /* pending, sent, conflict */
    " sent_at INTEGER);"
    "CREATE INDEX responses_pending ON responses(seq) WHERE sent = 0;"
    "CREATE INDEX responses_finished ON responses(finished_at);"
    "CREATE INDEX responses_sent_at ON responses(sent_at) WHERE sent = 1;"
    /* Counts per (status, sent) kept by triggers, so the heartbeat and the staff screen count
     * 1,000,000 responses without scanning them. */
    "CREATE TABLE response_counts(status TEXT NOT NULL, sent INTEGER NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY (status, sent)) WITHOUT ROWID;"
    "CREATE TRIGGER responses_count_insert AFTER INSERT ON responses BEGIN"
    " INSERT INTO response_counts(status, sent, n) VALUES (NEW.status, NEW.sent, 1)"
    " ON CONFLICT(status, sent) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER responses_count_delete AFTER DELETE ON responses BEGIN"
    " UPDATE response_counts SET n = n - 1 WHERE status = OLD.status AND sent = OLD.sent; END;"
    "CREATE TRIGGER responses_count_update AFTER UPDATE OF status, sent ON responses"
    " WHEN OLD.status IS NOT NEW.status OR OLD.sent IS NOT NEW.sent BEGIN"
    " UPDATE response_counts SET n = n - 1 WHERE status = OLD.status AND sent = OLD.sent;"
    " INSERT INTO response_counts(status, sent, n) VALUES (NEW.status, NEW.sent, 1)"
    " ON CONFLICT(status, sent) DO UPDATE SET n = n + 1; END;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    /* 2: answers sealed to the central team's key (seal_public_key): then answers is '' and
     * sealed holds the base64 of crypto_box_seal of the answers JSON. */
    "ALTER TABLE responses ADD COLUMN sealed TEXT;",
    /* 3: the question set's version as written in the spreadsheet (its "version_text", e.g. a
     * date or "1.2"); NULL when the set has none. */
    "ALTER TABLE responses ADD COLUMN questionset_version_text TEXT;",
    /* 4: the resident's measures (issue 14): every language used, in order of first use
     * ("nl;ar"), and the active time without idle and "still there?" time; NULL for the
     * responses stored before. */
    "ALTER TABLE responses ADD COLUMN languages TEXT;"
    "ALTER TABLE responses ADD COLUMN active_ms INTEGER;",
    /* 5: quality flags (issue 14; STORE_FLAG_* bits), in clear also when answers are sealed */
    "ALTER TABLE responses ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;",
    /* 6: the latest cards document from the collector ("What your neighbours said"): written
     * by the uploader, read by the screen; one row. */
    "CREATE TABLE cards(id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL,"
    " received_at INTEGER NOT NULL);",
};
_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "STORE_SCHEMA_VERSION must equal the number of migration steps");

#define RESPONSE_COLS                                                                              \
    "seq, id, questionset, questionset_version, language, started_at, finished_at, duration_ms, "  \
    "status, clock_synced, answers, sent, sent_at, sealed, questionset_version_text, languages, "  \
    "active_ms, flags"

enum {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_INSERT,
    S_FOREACH_ALL,
    S_FOREACH_PENDING,
    S_COUNTS,
    S_TODAY,
    S_OLDEST_PENDING,
    S_RANGE,
    S_MARK,
    S_PRUNE,
    S_META_GET,
    S_META_SET,
    S_CARDS_GET,
    S_CARDS_SET,
    S_UNCOUNTED_SINCE,
    S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_INSERT] = "INSERT INTO responses(id, questionset, questionset_version, language, "
                 "started_at, finished_at, duration_ms, status, clock_synced, answers, sealed, "
                 "questionset_version_text, languages, active_ms, flags) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [S_FOREACH_ALL] = "SELECT " RESPONSE_COLS " FROM responses WHERE seq > ?1 "
                      "ORDER BY seq LIMIT ?2",
    [S_FOREACH_PENDING] = "SELECT " RESPONSE_COLS " FROM responses WHERE sent = 0 AND seq > ?1 "
                          "ORDER BY seq LIMIT ?2",
    [S_COUNTS] = "SELECT status, sent, n FROM response_counts",
    [S_TODAY] = "SELECT COUNT(*) FROM responses WHERE finished_at >= ?1",
    [S_OLDEST_PENDING] = "SELECT finished_at FROM responses WHERE sent = 0 ORDER BY seq LIMIT 1",
    [S_RANGE] = "SELECT COUNT(*), MAX(seq) FROM responses WHERE seq > ?1",
    [S_MARK] = "UPDATE responses SET sent = ?1, sent_at = ?2 WHERE id = ?3",
    [S_PRUNE] = "DELETE FROM responses WHERE sent = 1 AND sent_at < ?1",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [S_CARDS_GET] = "SELECT doc FROM cards WHERE id = 1",
    [S_CARDS_SET] = "INSERT INTO cards(id, doc, received_at) VALUES(1, ?1, ?2) "
                    "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, "
                    "received_at = excluded.received_at",
    [S_UNCOUNTED_SINCE] = "SELECT COUNT(*) FROM responses WHERE status = 'complete' "
                          "AND finished_at >= ?1 AND NOT (sent = 1 AND sent_at <= "
                          "COALESCE((SELECT received_at FROM cards WHERE id = 1), -1))",
};

struct store {
    sqlite3 *db;
    char path[STORE_PATH_MAX];
    store_mode mode;
    sqlite3_stmt *stmt[S_COUNT]; /* prepared on first use, finalized by store_close */
    bool sealing;                /* store_seal_to: answers are sealed to seal_pk */
    unsigned char seal_pk[SEAL_PUBLIC_BYTES];
};

/* Describes the last failure of st->db in words staff can act on, prefixed by what failed and
 * followed by the file. Call before anything else touches the handle (ROLLBACK overwrites it). */
static void db_err(store *st, int rc, const char *what, char *err, size_t errlen)
{
    if (!err || errlen == 0)
        return;
    int saved = errno; /* the failing write's errno, when SQLite did not keep it */
    int prim = rc & 0xff;
    int sys = sqlite3_system_errno(st->db);
    if (sys == 0 && prim == SQLITE_IOERR &&
        (saved == ENOSPC || saved == EFBIG || saved == EDQUOT || saved == EROFS || saved == EIO))
        sys = saved;
    char buf[320];
    const char *why = buf;
    /* The database lives on the kiosk's own disk: a full, read-only or failing medium is said in
     * fsio's words for it ("the kiosk's disk is full"), never as if it were a stick. */
    if (prim == SQLITE_FULL ||
        (prim == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG || sys == EDQUOT)))
        why = fsio_words(ENOSPC, FSIO_KIOSK);
    else if ((prim == SQLITE_READONLY || prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN) &&
             sys == EROFS)
        why = fsio_words(EROFS, FSIO_KIOSK);
    else if (prim == SQLITE_READONLY)
        why = "the database is read-only";
    else if (prim == SQLITE_IOERR && (sys == 0 || sys == EIO))
        why = fsio_words(EIO, FSIO_KIOSK);
    else if (prim == SQLITE_IOERR)
        snprintf(buf, sizeof buf, "disk I/O error: %s (failing storage?)", strerror(sys));
    else if (prim == SQLITE_CANTOPEN)
        snprintf(buf, sizeof buf, "cannot open the database file%s%s", sys ? ": " : "",
                 sys ? strerror(sys) : "");
    else if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        why = "the database is locked by another program for too long";
    else if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        why = "the database file is damaged or is not a database";
    else
        snprintf(buf, sizeof buf, "%s", sqlite3_errmsg(st->db));
    wp_errf(err, errlen, "%s: %s (%s)", what, why, st->path);
}

static sqlite3_stmt *get_stmt(store *st, int which, char *err, size_t errlen)
{
    if (!st->stmt[which]) {
        int rc = sqlite3_prepare_v3(st->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                    &st->stmt[which], NULL);
        if (rc != SQLITE_OK) {
            db_err(st, rc, "database query failed", err, errlen);
            st->stmt[which] = NULL;
            return NULL;
        }
    }
    return st->stmt[which];
}

/* Runs a statement that returns no rows of interest; returns the SQLite code. */
static int run_simple(store *st, int which)
{
    sqlite3_stmt *s = get_stmt(st, which, NULL, 0);
    if (!s)
        return SQLITE_ERROR;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Rolls back an open transaction, if any (after an error the library may have done it). */
static void rollback(store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        run_simple(st, S_ROLLBACK);
}

/* Reads one integer from a PRAGMA; returns the SQLite code. */
static int pragma_int(store *st, const char *sql, int *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(s, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_ERROR;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

/* Applies the missing migration steps, each in its own IMMEDIATE transaction. The version is
 * re-read inside the transaction because another handle may be migrating at the same time. */
static int migrate(store *st, char *err, size_t errlen)
{
    for (;;) {
        int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            db_err(st, rc, "cannot upgrade the database", err, errlen);
            return -1;
        }
        int v = 0;
        rc = pragma_int(st, "PRAGMA user_version", &v);
        if (rc != SQLITE_OK) {
            db_err(st, rc, "cannot upgrade the database", err, errlen);
            goto fail;
        }
        if (v >= STORE_SCHEMA_VERSION) {
            rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
            if (rc == SQLITE_OK)
                return 0;
            db_err(st, rc, "cannot upgrade the database", err, errlen);
            goto fail;
        }
        char *msg = NULL;
        rc = sqlite3_exec(st->db, migrations[v], NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            wp_errf(err, errlen, "cannot upgrade the database to schema version %d: %s (%s)", v + 1,
                    msg ? msg : sqlite3_errstr(rc), st->path);
            sqlite3_free(msg);
            goto fail;
        }
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d", v + 1,
                 STORE_APPLICATION_ID);
        rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            db_err(st, rc, "cannot upgrade the database", err, errlen);
            goto fail;
        }
    }
fail:
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Checks that the file is ours and of a version this program can use. */
static int check_version(store *st, int *version_out, char *err, size_t errlen)
{
    int v = 0, app = 0, ntables = 0;
    int rc = pragma_int(st, "PRAGMA user_version", &v);
    if (rc == SQLITE_OK)
        rc = pragma_int(st, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = pragma_int(st, "SELECT COUNT(*) FROM sqlite_master", &ntables);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_NOTADB)
            wp_errf(err, errlen, "%s is not a Wijkpeil database (not an SQLite file)", st->path);
        else
            db_err(st, rc, "cannot read the database", err, errlen);
        return -1;
    }
    if (v == 0 && ntables > 0) {
        wp_errf(err, errlen,
                "%s is an SQLite database of another program (no Wijkpeil schema); "
                "refusing to change it",
                st->path);
        return -1;
    }
    if (v > 0 && app != STORE_APPLICATION_ID) {
        wp_errf(err, errlen, "%s is not a Wijkpeil database (application id %d)", st->path, app);
        return -1;
    }
    if (v > STORE_SCHEMA_VERSION) {
        wp_errf(err, errlen,
                "%s was written by a newer Wijkpeil (database schema version %d, this program "
                "knows up to %d): update this program, or keep using the newer one",
                st->path, v, STORE_SCHEMA_VERSION);
        return -1;
    }
    *version_out = v;
    return 0;
}

int store_open(const char *path, store **out, char *err, size_t errlen)
{
    return store_open_mode(path, STORE_OPEN_CREATE, out, err, errlen);
}

int store_open_mode(const char *path, store_mode mode, store **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!path || !*path) {
        wp_errf(err, errlen, "no database file given");
        return -1;
    }
    if (strlen(path) >= STORE_PATH_MAX) {
        wp_errf(err, errlen, "database path is too long (at most %d bytes)", STORE_PATH_MAX - 1);
        return -1;
    }
    bool is_uri = strncmp(path, "file:", 5) == 0;
    if (mode != STORE_OPEN_CREATE && !is_uri) {
        struct stat sb;
        if (stat(path, &sb) != 0) {
            wp_errf(err, errlen, "no database at %s: %s", path, fsio_words(errno, FSIO_KIOSK));
            return -1;
        }
        if (!S_ISREG(sb.st_mode)) {
            wp_errf(err, errlen, "%s is not a database file", path);
            return -1;
        }
    }
    store *st = calloc(1, sizeof *st);
    if (!st) {
        wp_errf(err, errlen, "out of memory opening %s", path);
        return -1;
    }
    wp_strlcpy(st->path, path, sizeof st->path);
    st->mode = mode;
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (mode == STORE_OPEN_READONLY)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | (mode == STORE_OPEN_CREATE ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        if (st->db)
            db_err(st, rc, "cannot open database", err, errlen);
        else
            wp_errf(err, errlen, "cannot open database: out of memory (%s)", path);
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);

    int version = 0;
    if (check_version(st, &version, err, errlen) != 0)
        goto fail;
    if (mode == STORE_OPEN_READONLY) {
        if (version < STORE_SCHEMA_VERSION) {
            wp_errf(err, errlen,
                    "%s has database schema version %d, older than this program's %d (or is "
                    "empty); the kiosk upgrades it when it opens it",
                    path, version, STORE_SCHEMA_VERSION);
            goto fail;
        }
        rc = sqlite3_exec(st->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
    } else {
        sqlite3_stmt *s = NULL;
        rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(s);
            const unsigned char *m = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
            if (rc == SQLITE_ROW && m && strcmp((const char *)m, "wal") != 0) {
                wp_errf(err, errlen,
                        "cannot open database: this file system does not support WAL mode "
                        "(journal mode stays \"%s\") (%s)",
                        (const char *)m, path);
                sqlite3_finalize(s);
                goto fail;
            }
            rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        sqlite3_finalize(s);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(st->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", NULL,
                              NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        db_err(st, rc, "cannot open database", err, errlen);
        goto fail;
    }
    if (mode != STORE_OPEN_READONLY && version < STORE_SCHEMA_VERSION &&
        migrate(st, err, errlen) != 0)
        goto fail;
    *out = st;
    return 0;
fail:
    store_close(st);
    return -1;
}

void store_close(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st);
}

int store_schema_version(store *st, char *err, size_t errlen)
{
    int v = 0;
    int rc = pragma_int(st, "PRAGMA user_version", &v);
    if (rc != SQLITE_OK) {
        db_err(st, rc, "cannot read the database", err, errlen);
        return -1;
    }
    return v;
}

int store_seal_to(store *st, const char *public_key_b64, char *err, size_t errlen)
{
    if (!public_key_b64 || !*public_key_b64) {
        st->sealing = false;
        return 0;
    }
    unsigned char pk[SEAL_PUBLIC_BYTES];
    char why[WP_ERR_LEN];
    if (seal_parse_public(public_key_b64, pk, why, sizeof why) != 0) {
        wp_errf(err, errlen, "seal_public_key: %s", why);
        return -1;
    }
    memcpy(st->seal_pk, pk, sizeof pk);
    st->sealing = true;
    return 0;
}

/* Checks a response before it is written, so that a bad caller value is refused up front. */
static int validate_response(const store_response *r, char *err, size_t errlen)
{
    if (strnlen(r->questionset, sizeof r->questionset) == 0 ||
        strnlen(r->questionset, sizeof r->questionset) == sizeof r->questionset) {
        wp_errf(err, errlen, "cannot save response: question-set id is empty or too long");
        return -1;
    }
    if (strnlen(r->language, sizeof r->language) == 0 ||
        strnlen(r->language, sizeof r->language) == sizeof r->language) {
        wp_errf(err, errlen, "cannot save response: language code is empty or too long");
        return -1;
    }
    if (strnlen(r->languages, sizeof r->languages) == sizeof r->languages ||
        (!r->languages[0] && r->active_ms != 0) || r->active_ms < 0 ||
        (r->flags & ~(unsigned)STORE_FLAG_ALL)) {
        wp_errf(err, errlen,
                "cannot save response: languages too long, an active time without them, "
                "or unknown flags");
        return -1;
    }
    if (r->status != STORE_COMPLETE && r->status != STORE_ABANDONED) {
        wp_errf(err, errlen, "cannot save response: unknown status %d", (int)r->status);
        return -1;
    }
    const char *a = r->answers_json ? r->answers_json : "{}";
    size_t alen = strnlen(a, STORE_ANSWERS_MAX + 1);
    if (alen > STORE_ANSWERS_MAX) {
        wp_errf(err, errlen, "cannot save response: answers are larger than %d bytes",
                STORE_ANSWERS_MAX);
        return -1;
    }
    json_error_t jerr;
    json_t *j = json_loadb(a, alen, JSON_REJECT_DUPLICATES, &jerr);
    bool ok = j && json_is_object(j);
    json_decref(j);
    if (!ok) {
        wp_errf(err, errlen, "cannot save response: answers are not a JSON object (%s)",
                j ? "another JSON value" : jerr.text);
        return -1;
    }
    return 0;
}

/* UUIDs are compared as text: one response's UUID in upper case must not look like a second
 * response, so every UUID is lower-cased (ASCII only) where it enters the store. */
static bool uuid_lower(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < len; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
    return src[i] == '\0'; /* false: too long, so no UUID (never a cut-off match) */
}

/* The seq of the response with this UUID; 0 when found. */
static int find_seq(store *st, const char *id, int64_t *seq)
{
    sqlite3_stmt *q = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(st->db, "SELECT seq FROM responses WHERE id = ?", -1, &q, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        *seq = sqlite3_column_int64(q, 0);
        rc = 0;
    }
    sqlite3_finalize(q);
    return rc;
}

int store_add_response(store *st, store_response *r, char *err, size_t errlen)
{
    static const char what[] = "cannot save response";
    if (validate_response(r, err, errlen) != 0)
        return -1;
    /* A retry keeps the UUID of the first attempt, so a commit that was durable after all is
     * recognised below instead of stored twice. */
    if (!r->id[0] && wp_uuid4(r->id) != 0) {
        r->id[0] = '\0';
        wp_errf(err, errlen, "%s: the system's random source failed (%s)", what, strerror(errno));
        return -1;
    }
    uuid_lower(r->id, sizeof r->id, r->id);
    const char *id = r->id;
    const char *answers = r->answers_json ? r->answers_json : "{}";
    char *sealed = NULL; /* sealed before SQLite sees the answers: no clear copy in any page */
    if (st->sealing) {
        char why[WP_ERR_LEN];
        sealed = seal_text(st->seal_pk, answers, strlen(answers), why, sizeof why);
        if (!sealed) {
            wp_errf(err, errlen, "%s: %s", what, why);
            return -1;
        }
        answers = "";
    }
    sqlite3_stmt *ins = get_stmt(st, S_INSERT, err, errlen);
    if (!ins || !get_stmt(st, S_BEGIN, err, errlen) || !get_stmt(st, S_COMMIT, err, errlen) ||
        !get_stmt(st, S_ROLLBACK, err, errlen)) {
        free(sealed);
        return -1;
    }
    int rc = run_simple(st, S_BEGIN);
    if (rc != SQLITE_OK) {
        free(sealed);
        db_err(st, rc, what, err, errlen);
        rollback(st);
        return -1;
    }
    sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, r->questionset, -1, SQLITE_STATIC);
    sqlite3_bind_int(ins, 3, r->questionset_version);
    sqlite3_bind_text(ins, 4, r->language, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, r->started_at_ms);
    sqlite3_bind_int64(ins, 6, r->finished_at_ms);
    sqlite3_bind_int64(ins, 7, r->duration_ms);
    sqlite3_bind_text(ins, 8, r->status == STORE_ABANDONED ? "abandoned" : "complete", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(ins, 9, r->clock_synced ? 1 : 0);
    sqlite3_bind_text(ins, 10, answers, -1, SQLITE_STATIC);
    if (sealed)
        sqlite3_bind_text(ins, 11, sealed, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(ins, 11);
    if (r->questionset_version_text[0])
        sqlite3_bind_text(ins, 12, r->questionset_version_text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(ins, 12);
    if (r->languages[0]) {
        sqlite3_bind_text(ins, 13, r->languages, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 14, r->active_ms);
    } else {
        sqlite3_bind_null(ins, 13);
        sqlite3_bind_null(ins, 14);
    }
    sqlite3_bind_int(ins, 15, (int)r->flags);
    rc = sqlite3_step(ins);
    int64_t seq = sqlite3_last_insert_rowid(st->db);
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    free(sealed);
    if (rc != SQLITE_DONE) {
        db_err(st, rc, what, err, errlen);
        rollback(st);
        if ((rc & 0xff) == SQLITE_CONSTRAINT && find_seq(st, id, &seq) == 0) {
            r->seq = seq; /* an earlier attempt with this UUID was stored after all */
            return 0;
        }
        return -1;
    }
    rc = run_simple(st, S_COMMIT);
    if (rc != SQLITE_OK) {
        db_err(st, rc, what, err, errlen);
        rollback(st);
        return -1;
    }
    r->seq = seq;
    return 0;
}

/* Fills r from a row of RESPONSE_COLS; strings point into the statement. */
static void read_row(sqlite3_stmt *s, store_response *r)
{
    memset(r, 0, sizeof *r);
    r->seq = sqlite3_column_int64(s, 0);
    const char *t = (const char *)sqlite3_column_text(s, 1);
    wp_strlcpy(r->id, t ? t : "", sizeof r->id);
    t = (const char *)sqlite3_column_text(s, 2);
    wp_strlcpy(r->questionset, t ? t : "", sizeof r->questionset);
    r->questionset_version = sqlite3_column_int(s, 3);
    t = (const char *)sqlite3_column_text(s, 4);
    wp_strlcpy(r->language, t ? t : "", sizeof r->language);
    r->started_at_ms = sqlite3_column_int64(s, 5);
    r->finished_at_ms = sqlite3_column_int64(s, 6);
    r->duration_ms = sqlite3_column_int64(s, 7);
    t = (const char *)sqlite3_column_text(s, 8);
    r->status = t && strcmp(t, "abandoned") == 0 ? STORE_ABANDONED : STORE_COMPLETE;
    r->clock_synced = sqlite3_column_int(s, 9) != 0;
    r->sealed = (const char *)sqlite3_column_text(s, 13);
    t = (const char *)sqlite3_column_text(s, 10);
    r->answers_json = r->sealed ? NULL : t ? t : "{}";
    int sent = sqlite3_column_int(s, 11);
    r->delivery = sent == 1 ? STORE_SENT : sent == 2 ? STORE_CONFLICT : STORE_PENDING;
    r->sent_at_ms = sqlite3_column_int64(s, 12);
    t = (const char *)sqlite3_column_text(s, 14);
    wp_strlcpy(r->questionset_version_text, t ? t : "", sizeof r->questionset_version_text);
    t = (const char *)sqlite3_column_text(s, 15);
    wp_strlcpy(r->languages, t ? t : "", sizeof r->languages);
    r->active_ms = sqlite3_column_int64(s, 16);
    r->flags = (unsigned)sqlite3_column_int(s, 17) & STORE_FLAG_ALL;
}

static const char *const flag_names[] = {"rapid_repeat", "too_fast"};
_Static_assert(STORE_FLAG_ALL == (1u << (sizeof flag_names / sizeof flag_names[0])) - 1,
               "a name for every flag");

void store_flags_text(unsigned flags, const char *sep, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        if (!(flags & (1u << i)) || used >= len)
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? sep : "", flag_names[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

json_t *store_list_json(const char *list)
{
    json_t *a = json_array();
    for (const char *p = list; a && *p;) {
        size_t n = strcspn(p, ";");
        if (n > 0 && json_array_append_new(a, json_stringn(p, n)) != 0) {
            json_decref(a);
            return NULL;
        }
        p += n + (p[n] == ';');
    }
    return a;
}

int store_response_extras_json(const store_response *r, json_t *o)
{
    int bad = 0;
    if (r->questionset_version_text[0])
        bad |= json_object_set_new(o, "questionset_version_text",
                                   json_string(r->questionset_version_text));
    if (r->languages[0]) {
        bad |= json_object_set_new(o, "languages", store_list_json(r->languages));
        bad |= json_object_set_new(o, "active_ms", json_integer(r->active_ms));
    }
    if (r->flags) {
        char names[64];
        store_flags_text(r->flags, ";", names, sizeof names);
        bad |= json_object_set_new(o, "flags", store_list_json(names));
    }
    return bad ? -1 : 0;
}

int store_foreach(store *st, int64_t after_seq, bool only_pending, int64_t limit, store_row_cb cb,
                  void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *s = get_stmt(st, only_pending ? S_FOREACH_PENDING : S_FOREACH_ALL, err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, after_seq);
    sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
    int ret = 0, rc;
    store_response r;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        read_row(s, &r);
        if (cb(ctx, &r) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        db_err(st, rc, "cannot read responses", err, errlen);
        ret = -1;
    }
    sqlite3_reset(s);
    return ret;
}

/* Local midnight of today as UTC epoch ms. */
static int64_t local_midnight_ms(void)
{
    time_t now = (time_t)(wp_wall_ms() / 1000);
    struct tm tm;
    localtime_r(&now, &tm);
    tm.tm_hour = 0;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

int store_counts_get(store *st, store_counts *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = get_stmt(st, S_COUNTS, err, errlen);
    sqlite3_stmt *t = get_stmt(st, S_TODAY, err, errlen);
    sqlite3_stmt *o = get_stmt(st, S_OLDEST_PENDING, err, errlen);
    if (!s || !t || !o)
        return -1;
    int ret = -1, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(s, 0);
        int sent = sqlite3_column_int(s, 1);
        int64_t n = sqlite3_column_int64(s, 2);
        out->total += n;
        if (status && strcmp(status, "abandoned") == 0)
            out->abandoned += n;
        else
            out->complete += n;
        if (sent == 0)
            out->pending += n;
        else if (sent == 2)
            out->conflict += n;
    }
    if (rc != SQLITE_DONE)
        goto fail;
    sqlite3_bind_int64(t, 1, local_midnight_ms());
    rc = sqlite3_step(t);
    if (rc != SQLITE_ROW)
        goto fail;
    out->today = sqlite3_column_int64(t, 0);
    rc = sqlite3_step(o);
    if (rc == SQLITE_ROW)
        out->oldest_pending_ms = sqlite3_column_int64(o, 0);
    else if (rc != SQLITE_DONE)
        goto fail;
    ret = 0;
    goto done;
fail:
    db_err(st, rc, "cannot count responses", err, errlen);
done:
    sqlite3_reset(s);
    sqlite3_reset(t);
    sqlite3_reset(o);
    return ret;
}

int store_uncounted_since(store *st, int64_t since_ms, int64_t *n, char *err, size_t errlen)
{
    sqlite3_stmt *s = get_stmt(st, S_UNCOUNTED_SINCE, err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, since_ms);
    int rc = sqlite3_step(s), ret = -1;
    if (rc == SQLITE_ROW) {
        *n = sqlite3_column_int64(s, 0);
        ret = 0;
    } else {
        db_err(st, rc, "cannot count responses", err, errlen);
    }
    sqlite3_reset(s);
    return ret;
}

int store_range(store *st, int64_t after_seq, int64_t *count, int64_t *max_seq, char *err,
                size_t errlen)
{
    sqlite3_stmt *s = get_stmt(st, S_RANGE, err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, after_seq);
    int rc = sqlite3_step(s);
    int ret = -1;
    if (rc == SQLITE_ROW) {
        *count = sqlite3_column_int64(s, 0);
        *max_seq =
            sqlite3_column_type(s, 1) == SQLITE_NULL ? after_seq : sqlite3_column_int64(s, 1);
        ret = 0;
    } else {
        db_err(st, rc, "cannot count responses", err, errlen);
    }
    sqlite3_reset(s);
    return ret;
}

int store_mark(store *st, const char *const *ids, size_t n, store_delivery d, int64_t now_ms,
               char *err, size_t errlen)
{
    static const char what[] = "cannot mark responses as delivered";
    if (d != STORE_PENDING && d != STORE_SENT && d != STORE_CONFLICT) {
        wp_errf(err, errlen, "%s: unknown delivery state %d", what, (int)d);
        return -1;
    }
    if (n == 0)
        return 0;
    sqlite3_stmt *u = get_stmt(st, S_MARK, err, errlen);
    if (!u || !get_stmt(st, S_BEGIN, err, errlen) || !get_stmt(st, S_COMMIT, err, errlen) ||
        !get_stmt(st, S_ROLLBACK, err, errlen))
        return -1;
    int rc = run_simple(st, S_BEGIN);
    if (rc != SQLITE_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int(u, 1, (int)d);
        if (d == STORE_PENDING)
            sqlite3_bind_null(u, 2);
        else
            sqlite3_bind_int64(u, 2, now_ms);
        char id[sizeof((store_response *)0)->id];
        if (!uuid_lower(id, sizeof id, ids[i] ? ids[i] : ""))
            continue; /* longer than any UUID: unknown, ignored */
        sqlite3_bind_text(u, 3, id, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(u);
        sqlite3_reset(u);
        if (rc != SQLITE_DONE)
            goto fail;
    }
    sqlite3_clear_bindings(u);
    rc = run_simple(st, S_COMMIT);
    if (rc != SQLITE_OK)
        goto fail;
    return 0;
fail:
    sqlite3_clear_bindings(u);
    db_err(st, rc, what, err, errlen);
    rollback(st);
    return -1;
}

int64_t store_prune_sent(store *st, int64_t cutoff_ms, char *err, size_t errlen)
{
    sqlite3_stmt *s = get_stmt(st, S_PRUNE, err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, cutoff_ms);
    int rc = sqlite3_step(s);
    int64_t n = rc == SQLITE_DONE ? (int64_t)sqlite3_changes64(st->db) : -1;
    if (rc != SQLITE_DONE)
        db_err(st, rc, "cannot delete old delivered responses", err, errlen);
    sqlite3_reset(s);
    return n;
}

int store_meta_get(store *st, const char *key, char *buf, size_t len, char *err, size_t errlen)
{
    sqlite3_stmt *s = get_stmt(st, S_META_GET, err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    int ret = -1;
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        if (wp_strlcpy(buf, v ? v : "", len) >= len)
            wp_errf(err, errlen, "setting \"%s\" is longer than %zu bytes (%s)", key,
                    len ? len - 1 : 0, st->path);
        else
            ret = 0;
    } else if (rc == SQLITE_DONE) {
        ret = 1;
    } else {
        db_err(st, rc, "cannot read a setting from the database", err, errlen);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ret;
}

int store_meta_set(store *st, const char *key, const char *value, char *err, size_t errlen)
{
    if (strnlen(key, STORE_META_MAX + 1) > STORE_META_MAX ||
        strnlen(value, STORE_META_MAX + 1) > STORE_META_MAX) {
        wp_errf(err, errlen, "setting \"%.40s\" is too long (at most %d bytes)", key,
                STORE_META_MAX);
        return -1;
    }
    sqlite3_stmt *s = get_stmt(st, S_META_SET, err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        db_err(st, rc, "cannot save a setting in the database", err, errlen);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_cards_set(store *st, const char *doc, int64_t now_ms, char *err, size_t errlen)
{
    if (strnlen(doc, STORE_CARDS_MAX + 1) > STORE_CARDS_MAX) {
        wp_errf(err, errlen, "the cards are too large (at most %d bytes)", STORE_CARDS_MAX);
        return -1;
    }
    sqlite3_stmt *s = get_stmt(st, S_CARDS_SET, err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, doc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now_ms);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        db_err(st, rc, "cannot save the cards in the database", err, errlen);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_cards_get(store *st, char **doc, char *err, size_t errlen)
{
    *doc = NULL;
    sqlite3_stmt *s = get_stmt(st, S_CARDS_GET, err, errlen);
    if (!s)
        return -1;
    int rc = sqlite3_step(s);
    int ret = -1;
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        *doc = strdup(v ? v : "");
        if (*doc)
            ret = 0;
        else
            wp_errf(err, errlen, "out of memory");
    } else if (rc == SQLITE_DONE) {
        ret = 1;
    } else {
        db_err(st, rc, "cannot read the cards from the database", err, errlen);
    }
    sqlite3_reset(s);
    return ret;
}

int store_check(store *st, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check(5)", -1, &s, NULL);
    int ret = -1;
    if (rc != SQLITE_OK) {
        db_err(st, rc, "cannot check the database", err, errlen);
        goto done;
    }
    char msg[WP_ERR_LEN] = "";
    size_t used = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        if (t && strcmp(t, "ok") == 0) {
            ret = 0;
            break;
        }
        int w = snprintf(msg + used, sizeof msg - used, "%s%s", used ? "; " : "", t ? t : "?");
        if (w > 0)
            used = used + (size_t)w < sizeof msg ? used + (size_t)w : sizeof msg - 1;
    }
    if (ret == 0) {
        sqlite3_finalize(s);
        s = NULL;
        int drift = 0;
        rc = pragma_int(st,
                        "SELECT COUNT(*) FROM (SELECT status, sent, COUNT(*) AS n FROM responses "
                        "GROUP BY status, sent) AS real FULL JOIN response_counts AS kept "
                        "USING (status, sent) WHERE COALESCE(real.n, 0) != COALESCE(kept.n, 0)",
                        &drift);
        if (rc != SQLITE_OK || drift != 0) {
            ret = -1;
            if (rc != SQLITE_OK)
                db_err(st, rc, "cannot check the database", err, errlen);
            else
                wp_errf(err, errlen, "database check failed: response counts are off (%s)",
                        st->path);
        }
        goto done;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        db_err(st, rc, "cannot check the database", err, errlen);
    else
        wp_errf(err, errlen, "database integrity check failed: %s (%s)", msg, st->path);
done:
    sqlite3_finalize(s);
    return ret;
}
