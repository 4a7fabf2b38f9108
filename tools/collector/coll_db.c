/* The collector's database on coll_store (SQLite or PostgreSQL): devices, responses (idempotent
 * by UUID), conflicts, heartbeats. Every statement is written once, with ? placeholders, in the
 * SQL both databases speak; only where the dialects differ (JSON in the analysts' views) does a
 * migration carry a PostgreSQL form beside the SQLite one. */
#include "coll_db.h"

#include "coll_agg.h"
#include "coll_store.h"
#include "util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define COLL_POOL_MAX 8

/* The sequence numbers of one device stored in a transaction (device_seq). */
typedef struct {
    char device[COLL_NAME_MAX];
    int64_t *seq;
    size_t n, cap;
} tx_seqs;

struct coll_tx {
    coll_db *db;
    coll_conn *c; /* NULL until first used */
    bool busy;
    coll_agg *agg; /* results counts of the responses stored, written at commit */
    tx_seqs *seqs; /* per device, the sequence numbers stored, summed up at commit */
    size_t nseqs, capseqs;
    char agg_device[COLL_NAME_MAX], agg_location[COLL_NAME_MAX]; /* the last device's location */
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

static int backfill_agg(coll_tx *t, char *err, size_t errlen);
static int recount_agg(coll_tx *t, char *err, size_t errlen);

#define RESPONSE_COLS                                                                              \
    "r.id, r.device, COALESCE(d.location, '') AS location, r.questionset,"                         \
    " r.questionset_version, r.language, r.started_at_ms, r.finished_at_ms, r.duration_ms,"        \
    " r.status, r.clock_synced, r.received_ms, r.source"
/* responses_flat: its columns as first created, then those added later (PostgreSQL's CREATE OR
 * REPLACE VIEW only adds columns at the end, and keeps the view's grants). */
#define FLAT_COLS                                                                                  \
    RESPONSE_COLS ", CASE WHEN r.sealed IS NULL THEN r.answers END AS answers,"                    \
                  " CASE WHEN r.sealed IS NULL THEN 0 ELSE 1 END AS sealed"
#define FLAT_FROM " FROM responses r LEFT JOIN devices d ON d.name = r.device"
#define ANSWER_COLS                                                                                \
    "r.id AS response_id, r.device, r.questionset, r.questionset_version, r.language,"             \
    " j.key AS question"

/* Migration 8's tables (WITHOUT ROWID is SQLite's) and the kiosk_health view on them. */
#define AGG_TABLE(name, period, tail)                                                              \
    "CREATE TABLE IF NOT EXISTS " name " ("                                                        \
    " questionset TEXT NOT NULL, questionset_version BIGINT NOT NULL, location TEXT NOT NULL,"     \
    " language TEXT NOT NULL, " period " BIGINT NOT NULL, status TEXT NOT NULL,"                   \
    " question TEXT NOT NULL, answer TEXT NOT NULL, n BIGINT NOT NULL,"                            \
    " PRIMARY KEY(questionset, " period ", location, language, status, question, answer,"          \
    " questionset_version))" tail ";"
#define AGG_SCHEMA(tail)                                                                           \
    AGG_TABLE("agg_counts", "day", tail)                                                           \
    AGG_TABLE("agg_months", "month", tail)                                                         \
    "CREATE TABLE IF NOT EXISTS agg_delta ("                                                       \
    " questionset TEXT NOT NULL, questionset_version BIGINT NOT NULL, location TEXT NOT NULL,"     \
    " language TEXT NOT NULL, day BIGINT NOT NULL, month BIGINT NOT NULL, status TEXT NOT NULL,"   \
    " question TEXT NOT NULL, answer TEXT NOT NULL, n BIGINT NOT NULL);"                           \
    "CREATE TABLE IF NOT EXISTS device_seq ("                                                      \
    " device TEXT PRIMARY KEY, received BIGINT NOT NULL, max_seq BIGINT NOT NULL,"                 \
    " min_seq BIGINT NOT NULL, distinct_seq BIGINT NOT NULL);"                                     \
    "INSERT INTO device_seq(device, received, max_seq, min_seq, distinct_seq)"                     \
    " SELECT device, COUNT(*), MAX(seq), MIN(seq), COUNT(DISTINCT seq) FROM responses"             \
    " GROUP BY device"
#define KIOSK_HEALTH_V2                                                                            \
    "DROP VIEW IF EXISTS kiosk_health;"                                                            \
    "CREATE VIEW kiosk_health AS SELECT d.name AS device, d.location, d.revoked_ms,"               \
    " d.last_seen_ms, d.pending, d.clock_synced, d.last_error,"                                    \
    " COALESCE(s.received, 0) AS received,"                                                        \
    " CASE WHEN s.received IS NULL THEN 0 ELSE s.max_seq - s.distinct_seq"                         \
    "  + CASE WHEN s.min_seq = 0 THEN 1 ELSE 0 END END AS gaps,"                                   \
    " (SELECT COUNT(*) FROM conflicts c WHERE c.device = d.name) AS conflicts"                     \
    " FROM devices d LEFT JOIN device_seq s ON s.device = d.name"

/* Migration 16's agg_delta, with the hour: made anew (what it held is counted again from the
 * responses, recount_agg), so that the step can be run again on a table that has it. */
#define AGG_DELTA_V16                                                                              \
    "DROP TABLE IF EXISTS agg_delta;"                                                              \
    "CREATE TABLE agg_delta ("                                                                     \
    " questionset TEXT NOT NULL, questionset_version BIGINT NOT NULL, location TEXT NOT NULL,"     \
    " language TEXT NOT NULL, day BIGINT NOT NULL, month BIGINT NOT NULL, status TEXT NOT NULL,"   \
    " question TEXT NOT NULL, answer TEXT NOT NULL, n BIGINT NOT NULL, hour BIGINT NOT NULL);"

/* Migration 16's indexes: agg_hours's rows of the responses themselves (the hour x weekday
 * view reads only those), and the responses started in a period (the days of a filter on hours
 * outside whole months, coll_db_foreach_started). Not (questionset, started_at_ms): SQLite would
 * take that for the flagged responses of a set too, instead of their partial index
 * responses_flagged, and read every response of the set. */
#define RESPONSES_STARTED "CREATE INDEX IF NOT EXISTS responses_started ON responses(started_at_ms)"

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
     "CREATE VIEW responses_flat AS SELECT " FLAT_COLS FLAT_FROM ";",
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
    /* 8: alerts (coll_alert): one state row per kiosk and condition, changed only by a
     * compare-and-set so that of several instances exactly one raises or clears it; the events
     * to send, with what was sent (sent: 1 webhook, 2 command) and when to try again (due_ms) */
    {"CREATE TABLE IF NOT EXISTS alert_state ("
     " device TEXT NOT NULL, cond TEXT NOT NULL, active BIGINT NOT NULL DEFAULT 0,"
     " since_ms BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (device, cond));"
     "CREATE TABLE IF NOT EXISTS alert_events ("
     " id TEXT PRIMARY KEY, device TEXT NOT NULL, location TEXT NOT NULL, cond TEXT NOT NULL,"
     " state TEXT NOT NULL, detail TEXT NOT NULL, since_ms BIGINT NOT NULL,"
     " at_ms BIGINT NOT NULL, due_ms BIGINT NOT NULL DEFAULT 0,"
     " done_ms BIGINT NOT NULL DEFAULT 0, sent BIGINT NOT NULL DEFAULT 0,"
     " attempts BIGINT NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX IF NOT EXISTS alert_events_open ON alert_events(done_ms, at_ms);",
     NULL},
    /* 9: the resident's measures (issue 14): every language used in order ("nl;ar") and the
     * active time; NULL for responses from kiosks that do not send them. In responses_flat too. */
    {"ALTER TABLE responses ADD COLUMN languages TEXT;"
     "ALTER TABLE responses ADD COLUMN active_ms BIGINT;"
     "DROP VIEW responses_flat;"
     "CREATE VIEW responses_flat AS SELECT " FLAT_COLS ", r.languages, r.active_ms" FLAT_FROM,
     "ALTER TABLE responses ADD COLUMN languages TEXT;"
     "ALTER TABLE responses ADD COLUMN active_ms BIGINT;"
     "CREATE OR REPLACE VIEW responses_flat AS SELECT " FLAT_COLS
     ", r.languages, r.active_ms" FLAT_FROM},
    /* 10: quality flags (issue 14): "rapid_repeat;too_fast", NULL for none. In responses_flat. */
    {"ALTER TABLE responses ADD COLUMN flags TEXT;"
     "DROP VIEW responses_flat;"
     "CREATE VIEW responses_flat AS SELECT " FLAT_COLS
     ", r.languages, r.active_ms, r.flags" FLAT_FROM,
     "ALTER TABLE responses ADD COLUMN flags TEXT;"
     "CREATE OR REPLACE VIEW responses_flat AS SELECT " FLAT_COLS
     ", r.languages, r.active_ms, r.flags" FLAT_FROM},
    /* 11: what the dashboard reads kept up to date at ingest, so its pages read no responses:
     * the results' counts (coll_agg.h), filled from the responses held, and per device the
     * sequence numbers received, which kiosk_health now reads */
    {AGG_SCHEMA(" WITHOUT ROWID") ";" KIOSK_HEALTH_V2,
     AGG_SCHEMA("") ";" KIOSK_HEALTH_V2 ";"
                    " DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                    "'wijkpeil_analyst') THEN"
                    "  GRANT SELECT ON kiosk_health TO wijkpeil_analyst; END IF; END $$"},
    /* 12: the flagged responses, for the results page's count of them (coll_results.c reads
     * the kept counts otherwise): a partial index that holds only those */
    {"CREATE INDEX IF NOT EXISTS responses_flagged ON responses(questionset)"
     " WHERE flags IS NOT NULL",
     NULL},
    /* 13: questions the central team withdrew from sharing back (coll_share) */
    {"CREATE TABLE IF NOT EXISTS share_withdrawn ("
     " questionset TEXT NOT NULL, question TEXT NOT NULL, withdrawn_ms BIGINT NOT NULL,"
     " PRIMARY KEY (questionset, question))",
     NULL},
    /* 14: publications of signed sets to kiosks (coll_pub.h): what is assigned where and when,
     * the files of each, and their contents once per SHA-256 (base64 text: both databases) */
    {"CREATE TABLE IF NOT EXISTS publications ("
     " id TEXT PRIMARY KEY, kind TEXT NOT NULL, set_id TEXT NOT NULL,"
     " set_version BIGINT NOT NULL, set_file TEXT NOT NULL, location TEXT NOT NULL,"
     " from_ms BIGINT NOT NULL, until_ms BIGINT NOT NULL, created_ms BIGINT NOT NULL,"
     " withdrawn_ms BIGINT NOT NULL DEFAULT 0);"
     "CREATE INDEX IF NOT EXISTS publications_location ON publications(location);"
     "CREATE TABLE IF NOT EXISTS publication_devices ("
     " publication TEXT NOT NULL, device TEXT NOT NULL, PRIMARY KEY (publication, device));"
     "CREATE TABLE IF NOT EXISTS publication_files ("
     " publication TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,"
     " size BIGINT NOT NULL, PRIMARY KEY (publication, name));"
     "CREATE TABLE IF NOT EXISTS blobs ("
     " sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, data TEXT NOT NULL);",
     NULL},
    /* 15: what the dashboard's settings page saves over serve's flags (k: never below
     * --suppress-below; silent_ms) */
    {"CREATE TABLE IF NOT EXISTS dash_settings (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
     NULL},
    /* 16: the results counts also per month, weekday (1 Monday ... 7 Sunday) and local hour of
     * the start, for the filters on weekdays and hours and the hour x weekday view
     * (coll_report.h; weekday and hour lead the key: a filter reads only their rows); the
     * batches' rows carry the hour. Every count is made anew from the
     * responses held (recount_agg), as migration 11 did. */
    {AGG_DELTA_V16
     "CREATE TABLE IF NOT EXISTS agg_hours ("
     " questionset TEXT NOT NULL, questionset_version BIGINT NOT NULL, location TEXT NOT NULL,"
     " language TEXT NOT NULL, month BIGINT NOT NULL, weekday BIGINT NOT NULL,"
     " hour BIGINT NOT NULL, status TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,"
     " n BIGINT NOT NULL, PRIMARY KEY(questionset, weekday, hour, month, location, language,"
     " status, question, answer, questionset_version)) WITHOUT ROWID;" RESPONSES_STARTED,
     /* (the index on a million responses, and the recount, take longer than the usual 10 s) */
     "SET LOCAL statement_timeout = '600s';" AGG_DELTA_V16 "CREATE TABLE IF NOT EXISTS agg_hours ("
     " questionset TEXT NOT NULL, questionset_version BIGINT NOT NULL, location TEXT NOT NULL,"
     " language TEXT NOT NULL, month BIGINT NOT NULL, weekday BIGINT NOT NULL,"
     " hour BIGINT NOT NULL, status TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,"
     " n BIGINT NOT NULL, PRIMARY KEY(questionset, weekday, hour, month, location, language,"
     " status, question, answer, questionset_version));" RESPONSES_STARTED},
    /* 17: PostgreSQL's statistics of the kept counts, taken once they are filled (migration 16
     * fills them in one transaction; autovacuum had not analysed agg_hours minutes later). With
     * none, the planner took agg_hours for one row and sorted 150,000 of them on disk for a
     * GROUP BY (Monday-Friday 9-17 h: 381 ms; with statistics a hash aggregate, 127 ms). */
    {NULL, "ANALYZE agg_counts, agg_months, agg_hours"},
};

/* Steps of a migration computed in C, run after its SQL in the same transaction. */
static const struct {
    int64_t version;
    int (*fn)(coll_tx *t, char *err, size_t errlen);
} migration_fns[] = {
    /* (11 filled the counts from the responses held: 16 now does, for every table; a database
     * from before 11 passes 16 too) */
    {16, recount_agg}, /* every results count made anew from the responses held */
};

#define NMIGRATIONS ((int64_t)(sizeof migrations / sizeof migrations[0]))

/* The statements used more than once (each is prepared once per connection). */
static const char *const sql_insert_response =
    "INSERT INTO responses(id,device,seq,questionset,questionset_version,language,"
    "started_at_ms,finished_at_ms,duration_ms,status,clock_synced,answers,content_hash,"
    "received_ms,source,sealed,questionset_version_text,languages,active_ms,flags)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULLIF(?,''),NULLIF(?,-1),NULLIF(?,''))"
    " ON CONFLICT(id) DO NOTHING";
#define INSERT_RESPONSE_NP 20 /* its parameters */
static const char *const sql_held = "SELECT device, content_hash FROM responses WHERE id=?";
static const char *const sql_nconflicts = "SELECT COUNT(*) FROM conflicts WHERE device=?";
static const char *const sql_insert_conflict =
    "INSERT INTO conflicts(id,device,received_ms,content_hash,held_hash,answers) "
    "VALUES(?,?,?,?,?,?)";
static const char *const sql_touch = "UPDATE devices SET last_seen_ms=? WHERE name=?";
/* the device's turn without a contact: an import from a stick is no network contact */
static const char *const sql_turn = "UPDATE devices SET last_seen_ms=last_seen_ms WHERE name=?";
static const char *const sql_location = "SELECT location FROM devices WHERE name=?";
static const char *const sql_seq_repeated =
    "SELECT seq, COUNT(*) FROM responses WHERE device=? AND seq >= ? AND seq <= ?"
    " GROUP BY seq HAVING COUNT(*) > 1";
static const char *const sql_device_seq =
    "INSERT INTO device_seq(device, received, max_seq, min_seq, distinct_seq) VALUES(?,?,?,?,?)"
    " ON CONFLICT(device) DO UPDATE SET received = device_seq.received + excluded.received,"
    " max_seq = CASE WHEN excluded.max_seq > device_seq.max_seq THEN excluded.max_seq"
    "  ELSE device_seq.max_seq END,"
    " min_seq = CASE WHEN excluded.min_seq < device_seq.min_seq THEN excluded.min_seq"
    "  ELSE device_seq.min_seq END,"
    " distinct_seq = device_seq.distinct_seq + excluded.distinct_seq";
/* Ingest only appends to agg_delta: batches never wait for each other on the counts they share
 * (one location, day and language). coll_db_agg_settle adds them up into the tables read. */
static const char *const sql_agg_delta =
    "INSERT INTO agg_delta(questionset, questionset_version, location, language, day, month,"
    " status, question, answer, n, hour) VALUES(?,?,?,?,?,?,?,?,?,?,?)";
#define AGG_KEY "questionset, questionset_version, location, language, status, question, answer"
static const char *const sql_settle_days =
    "INSERT INTO agg_counts(" AGG_KEY ", day, n) SELECT " AGG_KEY ", day, SUM(n) FROM agg_delta"
    " WHERE true GROUP BY " AGG_KEY ", day ON CONFLICT(questionset, day, location, language,"
    " status, question, answer, questionset_version) DO UPDATE SET n = agg_counts.n + excluded.n";
static const char *const sql_settle_months =
    "INSERT INTO agg_months(" AGG_KEY ", month, n) SELECT " AGG_KEY ", month, SUM(n)"
    " FROM agg_delta WHERE true GROUP BY " AGG_KEY ", month ON CONFLICT(questionset, month,"
    " location, language, status, question, answer, questionset_version)"
    " DO UPDATE SET n = agg_months.n + excluded.n";
/* (the weekday of a day since 1970-01-01, a Thursday, as coll_agg_weekday gives it) */
static const char *const sql_settle_hours =
    "INSERT INTO agg_hours(" AGG_KEY ", month, weekday, hour, n) SELECT " AGG_KEY ", month,"
    " (day + 3) % 7 + 1, hour, SUM(n) FROM agg_delta WHERE true GROUP BY " AGG_KEY ", month,"
    " (day + 3) % 7 + 1, hour ON CONFLICT(questionset, month, weekday, hour, location, language,"
    " status, question, answer, questionset_version) DO UPDATE SET n = agg_hours.n + excluded.n";

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
    coll_agg_clear(t->agg);
    t->agg_device[0] = '\0';
    for (size_t i = 0; i < t->nseqs; i++)
        t->seqs[i].n = 0;
    t->nseqs = 0;
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

typedef struct {
    coll_tx *t;
    char *err;
    size_t errlen;
} flush_ctx;

static int flush_row(void *ctx, const coll_agg_row *r)
{
    flush_ctx *f = ctx;
    coll_param p[] = {COLL_TEXT(r->questionset), COLL_NUM(r->version),
                      COLL_TEXT(r->location),    COLL_TEXT(r->language),
                      COLL_NUM(r->day),          COLL_NUM(coll_agg_month(r->day)),
                      COLL_TEXT(r->status),      COLL_TEXT(r->question),
                      COLL_TEXT(r->answer),      COLL_NUM(r->n),
                      COLL_NUM(r->hour)};
    return q(f->t, sql_agg_delta, p, 11, NULL, NULL, NULL, f->err, f->errlen) != 0 ? 1 : 0;
}

/* Adds agg_delta up into agg_counts, agg_months and agg_hours and empties it, in t. On PostgreSQL
 * the table is locked against new rows meanwhile (a batch appending waits, and a batch that has
 * appended is waited for): none is counted twice or lost. SQLite has one writer anyway. */
static int settle(coll_tx *t, char *err, size_t errlen)
{
    /* (after a large import there may be a lot to add up: more than the usual 10 s) */
    if (t->db->ops->is_pg && q(t,
                               "SET LOCAL statement_timeout = '600s';"
                               "LOCK TABLE agg_delta IN EXCLUSIVE MODE",
                               NULL, 0, NULL, NULL, NULL, err, errlen) != 0)
        return -1;
    return q(t, sql_settle_days, NULL, 0, NULL, NULL, NULL, err, errlen) != 0 ||
                   q(t, sql_settle_months, NULL, 0, NULL, NULL, NULL, err, errlen) != 0 ||
                   q(t, sql_settle_hours, NULL, 0, NULL, NULL, NULL, err, errlen) != 0 ||
                   q(t, "DELETE FROM agg_delta", NULL, 0, NULL, NULL, NULL, err, errlen) != 0
               ? -1
               : 0;
}

int coll_db_agg_settle(coll_db *db, char *err, size_t errlen)
{
    int64_t n = 0;
    if (run(db, "SELECT COUNT(*) FROM (SELECT 1 FROM agg_delta LIMIT 1) d", NULL, 0,
            coll_store_int_row, &n, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    if (n == 0)
        return 0;
    coll_tx *t;
    if (coll_db_begin(db, &t, err, errlen) != 0)
        return -1;
    if (settle(t, err, errlen) != 0) {
        coll_db_rollback(t);
        return -1;
    }
    return coll_db_commit(t, err, errlen);
}

/* Appends the counts gathered in t to agg_delta (in t's transaction) and forgets them. */
static int flush_agg(coll_tx *t, char *err, size_t errlen)
{
    if (!t->agg)
        return 0;
    flush_ctx f = {t, err, errlen};
    int rc = coll_agg_foreach(t->agg, flush_row, &f);
    coll_agg_clear(t->agg);
    return rc == 0 ? 0 : -1;
}

static int cmp_seq(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    int64_t *seq, *count;
    size_t n, cap;
    bool oom;
} repeated_ctx;

static int repeated_row(void *ctx, int ncol, const char *const *v)
{
    repeated_ctx *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        int64_t *s = realloc(r->seq, cap * sizeof *s),
                *c = s ? realloc(r->count, cap * sizeof *c) : NULL;
        if (s)
            r->seq = s;
        if (!s || !c) {
            r->oom = true;
            return 1;
        }
        r->count = c;
        r->cap = cap;
    }
    r->seq[r->n] = ncol > 0 ? coll_store_num(v[0]) : 0;
    r->count[r->n++] = ncol > 1 ? coll_store_num(v[1]) : 0;
    return 0;
}

/* Adds the sequence numbers each device stored in t to device_seq: how many, the lowest and
 * highest, and how many were not held before (one look at the numbers held more than once in
 * the batch's range: a number is new when every response holding it is of this batch). Batches
 * of one device take turns (coll_db_touch), so no other batch adds to the same range meanwhile. */
static int flush_seqs(coll_tx *t, char *err, size_t errlen)
{
    int rc = 0;
    for (size_t d = 0; d < t->nseqs && rc == 0; d++) {
        tx_seqs *x = &t->seqs[d];
        if (x->n == 0)
            continue;
        qsort(x->seq, x->n, sizeof *x->seq, cmp_seq);
        coll_param p[] = {COLL_TEXT(x->device), COLL_NUM(x->seq[0]), COLL_NUM(x->seq[x->n - 1])};
        repeated_ctx r = {0};
        rc = q(t, sql_seq_repeated, p, 3, repeated_row, &r, NULL, err, errlen);
        if (rc == 0 && r.oom) {
            wp_errf(err, errlen, "out of memory");
            rc = -1;
        }
        int64_t fresh = 0;
        for (size_t i = 0, k = 0; rc == 0 && i < x->n;) {
            size_t j = i;
            while (j < x->n && x->seq[j] == x->seq[i])
                j++;
            while (k < r.n && r.seq[k] < x->seq[i])
                k++;
            int64_t held = k < r.n && r.seq[k] == x->seq[i] ? r.count[k] : 1;
            fresh += held == (int64_t)(j - i);
            i = j;
        }
        free(r.seq);
        free(r.count);
        coll_param u[] = {COLL_TEXT(x->device), COLL_NUM((int64_t)x->n), COLL_NUM(x->seq[x->n - 1]),
                          COLL_NUM(x->seq[0]), COLL_NUM(fresh)};
        if (rc == 0)
            rc = q(t, sql_device_seq, u, 5, NULL, NULL, NULL, err, errlen);
        x->n = 0;
    }
    t->nseqs = 0;
    return rc;
}

/* Notes a sequence number stored for device in t. */
static int note_seq(coll_tx *t, const char *device, int64_t seq, char *err, size_t errlen)
{
    tx_seqs *x = NULL;
    for (size_t i = 0; i < t->nseqs && !x; i++)
        if (strcmp(t->seqs[i].device, device) == 0)
            x = &t->seqs[i];
    if (!x) {
        if (t->nseqs == t->capseqs) {
            size_t cap = t->capseqs ? t->capseqs * 2 : 4;
            tx_seqs *s = realloc(t->seqs, cap * sizeof *s);
            if (!s)
                goto oom;
            memset(s + t->capseqs, 0, (cap - t->capseqs) * sizeof *s);
            t->seqs = s;
            t->capseqs = cap;
        }
        x = &t->seqs[t->nseqs++];
        wp_strlcpy(x->device, device, sizeof x->device);
        x->n = 0;
    }
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        int64_t *s = realloc(x->seq, cap * sizeof *s);
        if (!s)
            goto oom;
        x->seq = s;
        x->cap = cap;
    }
    x->seq[x->n++] = seq;
    return 0;
oom:
    wp_errf(err, errlen, "out of memory");
    return -1;
}

int coll_db_commit(coll_tx *tx, char *err, size_t errlen)
{
    if (flush_seqs(tx, err, errlen) != 0 || flush_agg(tx, err, errlen) != 0) {
        coll_db_rollback(tx);
        return -1;
    }
    int rc = q(tx, "COMMIT", NULL, 0, NULL, NULL, NULL, err, errlen);
    if (rc != 0)
        tx->db->ops->query(tx->c, "ROLLBACK", NULL, 0, NULL, NULL, NULL, NULL, 0);
    release(tx);
    return rc;
}

int coll_db_tx_query(coll_tx *tx, const char *sql, const coll_param *p, int np, coll_row_fn row,
                     void *ctx, int64_t *changes, char *err, size_t errlen)
{
    return tx->db->ops->query(tx->c, sql, p, np, row, ctx, changes, err, errlen);
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
        for (size_t i = 0; i < sizeof migration_fns / sizeof migration_fns[0]; i++)
            if (migration_fns[i].version == v + 1 && migration_fns[i].fn(t, err, errlen) != 0)
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
    for (int i = 0; i < db->n; i++) {
        db->ops->close(db->pool[i].c);
        coll_agg_free(db->pool[i].agg);
        for (size_t j = 0; j < db->pool[i].capseqs; j++)
            free(db->pool[i].seqs[j].seq);
        free(db->pool[i].seqs);
    }
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

/* The values of sql_insert_response, in its order. */
static void response_params(coll_param p[INSERT_RESPONSE_NP], const char *device,
                            const coll_item *it, int64_t now_ms, const char *source)
{
    coll_param v[INSERT_RESPONSE_NP] = {COLL_TEXT(it->id),
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
                                        COLL_TEXT(it->questionset_version_text),
                                        COLL_TEXT(it->languages),
                                        COLL_NUM(it->active_ms),
                                        COLL_TEXT(it->flags)};
    memcpy(p, v, sizeof v);
}

typedef struct {
    char *buf;
    size_t len;
} text_ctx;

static int text_row(void *ctx, int ncol, const char *const *v)
{
    text_ctx *x = ctx;
    wp_strlcpy(x->buf, ncol > 0 && v[0] ? v[0] : "", x->len);
    return 0;
}

/* Adds a response's counts to t's results counts (its location as the devices table says). */
static int agg_response(coll_tx *t, const char *device, const char *questionset, int64_t version,
                        const char *language, int64_t started_at_ms, const char *status,
                        const char *answers, char *err, size_t errlen)
{
    if (!t->agg && !(t->agg = coll_agg_new())) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (strcmp(t->agg_device, device) != 0) {
        text_ctx loc = {t->agg_location, sizeof t->agg_location};
        coll_param d = COLL_TEXT(device);
        t->agg_location[0] = '\0';
        if (q(t, sql_location, &d, 1, text_row, &loc, NULL, err, errlen) != 0)
            return -1;
        wp_strlcpy(t->agg_device, device, sizeof t->agg_device);
    }
    if (coll_agg_add(t->agg, questionset, version, t->agg_location, language, started_at_ms, status,
                     answers) != 0) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* What follows a response newly stored, in its transaction (written at commit): its device's
 * sequence numbers (kiosk_health) and, unless still sealed, the results counts. */
static int after_insert(coll_tx *t, const char *device, int64_t seq, const char *questionset,
                        int64_t version, const char *language, int64_t started_at_ms,
                        const char *status, const char *answers, const char *sealed, char *err,
                        size_t errlen)
{
    if (note_seq(t, device, seq, err, errlen) != 0)
        return -1;
    if (sealed)
        return 0;
    return agg_response(t, device, questionset, version, language, started_at_ms, status, answers,
                        err, errlen);
}

int coll_db_put(coll_tx *tx, const char *device, const coll_item *it, int64_t now_ms,
                const char *source, char *err, size_t errlen)
{
    coll_param p[INSERT_RESPONSE_NP];
    response_params(p, device, it, now_ms, source);
    int64_t stored = 0;
    /* Stored by whichever transaction inserts first; another instance's insert of the same
     * UUID waits for that one to end and then finds it held. */
    if (q(tx, sql_insert_response, p, INSERT_RESPONSE_NP, NULL, NULL, &stored, err, errlen) != 0)
        return -1;
    if (stored == 1)
        return after_insert(tx, device, it->seq, it->questionset, it->questionset_version,
                            it->language, it->started_at_ms, it->status, it->answers_json,
                            it->sealed, err, errlen) == 0
                   ? COLL_STORED
                   : -1;
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

int coll_db_touch(coll_tx *tx, const char *device, int64_t now_ms, bool seen, char *err,
                  size_t errlen)
{
    coll_param p[] = {COLL_NUM(now_ms), COLL_TEXT(device)};
    return seen ? q(tx, sql_touch, p, 2, NULL, NULL, NULL, err, errlen)
                : q(tx, sql_turn, p + 1, 1, NULL, NULL, NULL, err, errlen);
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
        .languages = v[17] ? v[17] : "",
        .active_ms = v[18] ? coll_store_num(v[18]) : -1,
        .flags = v[19] ? v[19] : "",
    };
    return f->cb(f->ctx, &r);
}

#define FOREACH_COLS                                                                               \
    RESPONSE_COLS ", r.seq, r.answers, r.sealed, r.questionset_version_text, r.languages,"         \
                  " r.active_ms, r.flags FROM responses r LEFT JOIN devices d ON d.name=r.device"

int coll_db_foreach(coll_db *db, const char *questionset, coll_row_cb cb, void *ctx, char *err,
                    size_t errlen)
{
    foreach_ctx f = {cb, ctx};
    coll_param p = COLL_TEXT(questionset);
    return run(db,
               "SELECT " FOREACH_COLS " WHERE ?1 IS NULL OR r.questionset=?1"
               " ORDER BY r.device COLLATE \"C\", r.seq, r.id COLLATE \"C\"",
               &p, 1, foreach_row, &f, NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

int coll_db_foreach_started(coll_db *db, const char *questionset, int64_t from_ms, int64_t to_ms,
                            coll_row_cb cb, void *ctx, char *err, size_t errlen)
{
    foreach_ctx f = {cb, ctx};
    coll_param p[] = {COLL_TEXT(questionset), COLL_NUM(from_ms), COLL_NUM(to_ms)};
    return run(db,
               /* (the set compared as an expression, so that no index of the set is taken
                * over the period's: that would read every response of the set) */
               "SELECT " FOREACH_COLS " WHERE r.started_at_ms >= ?2 AND r.started_at_ms < ?3"
               " AND r.questionset || '' = ?1",
               p, 3, foreach_row, &f, NULL, err, errlen) == COLL_SQL_OK
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
    rows r = {.ncol = 8};
    char last[40] = "";
    int rc = 0;
    /* Pages in id order; one transaction per page: answers opened are never lost to a later
     * failure. */
    for (;;) {
        coll_param after = COLL_TEXT(last);
        if (page(db,
                 "SELECT id, sealed, device, questionset, questionset_version, language,"
                 " started_at_ms, status FROM responses WHERE sealed IS NOT NULL AND id > ?"
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
            if (rc == 0) /* counted now that its answers can be read */
                rc = agg_response(t, cell(&r, i, 2), cell(&r, i, 3), coll_store_num(cell(&r, i, 4)),
                                  cell(&r, i, 5), coll_store_num(cell(&r, i, 6)), cell(&r, i, 7),
                                  answers, err, errlen);
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

/* Migration 8: the results counts of the responses held (the sealed ones are counted when
 * they are opened). Reads pages on the migration's own connection. */
static int backfill_agg(coll_tx *t, char *err, size_t errlen)
{
    rows r = {.ncol = 8};
    char last[40] = "";
    int rc = 0;
    do {
        coll_param after = COLL_TEXT(last);
        rows_clear(&r);
        if (q(t,
              "SELECT id, device, questionset, questionset_version, language, started_at_ms,"
              " status, answers FROM responses WHERE sealed IS NULL AND id > ? ORDER BY id"
              " LIMIT 1000",
              &after, 1, rows_add, &r, NULL, err, errlen) != 0 ||
            r.oom) {
            if (r.oom)
                wp_errf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        for (size_t i = 0; i < r.n && rc == 0; i++)
            rc = agg_response(t, cell(&r, i, 1), cell(&r, i, 2), coll_store_num(cell(&r, i, 3)),
                              cell(&r, i, 4), coll_store_num(cell(&r, i, 5)), cell(&r, i, 6),
                              cell(&r, i, 7), err, errlen);
        if (r.n)
            wp_strlcpy(last, cell(&r, r.n - 1, 0), sizeof last);
        if (rc == 0 && t->agg && coll_agg_size(t->agg) > 100000)
            rc = flush_agg(t, err, errlen); /* bounded memory; the rest at commit */
    } while (rc == 0 && r.n == 1000);
    rows_free(&r);
    if (rc == 0)
        rc = flush_agg(t, err, errlen);
    return rc == 0 ? settle(t, err, errlen) : rc;
}

/* Migration 16: every results count (coll_agg.h) made anew from the responses held, now with
 * the hours: what the batches appended before is in the responses too. */
static int recount_agg(coll_tx *t, char *err, size_t errlen)
{
    if (q(t,
          "DELETE FROM agg_delta; DELETE FROM agg_counts; DELETE FROM agg_months;"
          " DELETE FROM agg_hours",
          NULL, 0, NULL, NULL, NULL, err, errlen) != 0)
        return -1;
    return backfill_agg(t, err, errlen);
}

/* ---- copying (migrate) -------------------------------------------------------------------- */

/* Runs insert once per row of r in one transaction on to; types has one letter per column:
 * T text, N number. Adds the rows changed to *added. */
static int copy_rows(coll_db *to, const char *insert, const rows *r, const char *types,
                     int64_t *added, char *err, size_t errlen)
{
    bool responses = insert == sql_insert_response;
    coll_tx *t;
    if (coll_db_begin(to, &t, err, errlen) != 0)
        return -1;
    coll_param p[INSERT_RESPONSE_NP];
    for (size_t i = 0; i < r->n; i++) {
        for (int k = 0; k < r->ncol; k++)
            p[k] = types[k] == 'N' ? COLL_NUM(coll_store_num(cell(r, i, k)))
                                   : COLL_TEXT(cell(r, i, k));
        int64_t n = 0;
        if (q(t, insert, p, r->ncol, NULL, NULL, &n, err, errlen) != 0 ||
            (responses && n == 1 &&
             after_insert(t, cell(r, i, 1), p[2].num, cell(r, i, 3), p[4].num, cell(r, i, 5),
                          p[6].num, cell(r, i, 9), cell(r, i, 11), cell(r, i, 15), err,
                          errlen) != 0)) {
            coll_db_rollback(t);
            return -1;
        }
        *added += n;
    }
    return coll_db_commit(t, err, errlen);
}

/* The central team's own tables, copied whole after the responses (each small, blobs in small
 * pages): users, what was withdrawn from sharing, the dashboard's settings, alert states (so
 * that no alert is raised again by the move) and publications with their files. */
static const struct {
    const char *select; /* in key order, "LIMIT ? OFFSET ?" */
    const char *insert;
    const char *types;
    int batch;
} copy_tables[] = {
    {"SELECT name, role, pw_hash, created_ms FROM users ORDER BY name LIMIT ? OFFSET ?",
     "INSERT INTO users(name, role, pw_hash, created_ms) VALUES(?,?,?,?) ON CONFLICT DO NOTHING",
     "TTTN", COLL_COPY_BATCH},
    {"SELECT questionset, question, withdrawn_ms FROM share_withdrawn"
     " ORDER BY questionset, question LIMIT ? OFFSET ?",
     "INSERT INTO share_withdrawn(questionset, question, withdrawn_ms) VALUES(?,?,?)"
     " ON CONFLICT DO NOTHING",
     "TTN", COLL_COPY_BATCH},
    {"SELECT key, value FROM dash_settings ORDER BY key LIMIT ? OFFSET ?",
     "INSERT INTO dash_settings(key, value) VALUES(?,?) ON CONFLICT DO NOTHING", "TN",
     COLL_COPY_BATCH},
    {"SELECT device, cond, active, since_ms FROM alert_state ORDER BY device, cond"
     " LIMIT ? OFFSET ?",
     "INSERT INTO alert_state(device, cond, active, since_ms) VALUES(?,?,?,?)"
     " ON CONFLICT DO NOTHING",
     "TTNN", COLL_COPY_BATCH},
    {"SELECT sha256, size, data FROM blobs ORDER BY sha256 LIMIT ? OFFSET ?",
     "INSERT INTO blobs(sha256, size, data) VALUES(?,?,?) ON CONFLICT DO NOTHING", "TNT", 4},
    {"SELECT id, kind, set_id, set_version, set_file, location, from_ms, until_ms, created_ms,"
     " withdrawn_ms FROM publications ORDER BY id LIMIT ? OFFSET ?",
     "INSERT INTO publications(id, kind, set_id, set_version, set_file, location, from_ms,"
     " until_ms, created_ms, withdrawn_ms) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
     "TTTNTTNNNN", COLL_COPY_BATCH},
    {"SELECT publication, device FROM publication_devices ORDER BY publication, device"
     " LIMIT ? OFFSET ?",
     "INSERT INTO publication_devices(publication, device) VALUES(?,?) ON CONFLICT DO NOTHING",
     "TT", COLL_COPY_BATCH},
    {"SELECT publication, name, sha256, size FROM publication_files ORDER BY publication, name"
     " LIMIT ? OFFSET ?",
     "INSERT INTO publication_files(publication, name, sha256, size) VALUES(?,?,?,?)"
     " ON CONFLICT DO NOTHING",
     "TTTN", COLL_COPY_BATCH},
};

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
    r.ncol = INSERT_RESPONSE_NP;
    char last[40] = "";
    do {
        coll_param after[] = {COLL_TEXT(last), COLL_NUM(COLL_COPY_BATCH)};
        if (page(from,
                 "SELECT id, device, seq, questionset, questionset_version, language,"
                 " started_at_ms, finished_at_ms, duration_ms, status, clock_synced, answers,"
                 " content_hash, received_ms, source, sealed, questionset_version_text,"
                 " COALESCE(languages, ''), COALESCE(active_ms, -1), COALESCE(flags, '')"
                 " FROM responses WHERE id > ?"
                 " ORDER BY id LIMIT ?",
                 after, 2, &r, err, errlen) != 0 ||
            copy_rows(to, sql_insert_response, &r, "TTNTNTNNNTNTTNTTTTNT", &n->responses, err,
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
    for (size_t k = 0; k < sizeof copy_tables / sizeof copy_tables[0]; k++) {
        rows_free(&r);
        r.ncol = (int)strlen(copy_tables[k].types);
        for (int64_t off = 0;; off += copy_tables[k].batch) {
            coll_param p[] = {COLL_NUM(copy_tables[k].batch), COLL_NUM(off)};
            if (page(from, copy_tables[k].select, p, 2, &r, err, errlen) != 0 ||
                copy_rows(to, copy_tables[k].insert, &r, copy_tables[k].types, &n->other, err,
                          errlen) != 0)
                goto done;
            if ((int64_t)r.n < copy_tables[k].batch)
                break;
        }
    }
    rc = 0;
done:
    rows_free(&r);
    return rc;
}
