/* The response store: SQLite in WAL mode with synchronous=FULL, so a response is durable the
 * moment store_add_response returns 0 (one transaction, one fsync). Schema versioned with
 * PRAGMA user_version and migrated on open. Every thread opens its own handle. */
#ifndef WP_STORE_H
#define WP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store store;

#define STORE_VERSION_TEXT_MAX 64  /* bytes of a version_text (QSET_MAX_VERSION_TEXT) */
#define STORE_LANGUAGES_MAX    200 /* bytes of a response's list of languages used */

/* Quality flags of a response (issue 14; the rules are the kiosk flow's, flow.h). */
enum {
    STORE_FLAG_RAPID_REPEAT = 1u << 0, /* "rapid_repeat" */
    STORE_FLAG_TOO_FAST = 1u << 1,     /* "too_fast" */
    STORE_FLAG_ALL = (1u << 2) - 1
};
/* The flags as their names joined with sep ("rapid_repeat;too_fast"; "" for none). */
void store_flags_text(unsigned flags, const char *sep, char *buf, size_t len);

typedef enum { STORE_COMPLETE = 0, STORE_ABANDONED = 1 } store_status;

/* Delivery state of a response (sync issue). */
typedef enum { STORE_PENDING = 0, STORE_SENT = 1, STORE_CONFLICT = 2 } store_delivery;

typedef struct {
    char id[37];           /* UUID; filled by store_add_response */
    int64_t seq;           /* per-device sequence number; filled by store_add_response */
    char questionset[128]; /* question-set id */
    int questionset_version;
    char questionset_version_text[STORE_VERSION_TEXT_MAX + 1]; /* the set's version as the
                                 spreadsheet wrote it ("version_text"); "" when it has none */
    char language[16];      /* language code the response was finished in */
    int64_t started_at_ms;  /* UTC epoch ms */
    int64_t finished_at_ms; /* UTC epoch ms */
    int64_t duration_ms;
    store_status status;
    bool clock_synced; /* wall clock known to be NTP-synchronised when stored */
    /* The resident's measures (issue 14): every language used, in order of first use, as codes
     * separated by ';' ("nl;ar"), and the active time without idle and "still there?" time
     * (flow.h). "" for a response stored before they were recorded: then active_ms is not
     * recorded either (stored as NULL, read as 0) and neither is sent nor exported. */
    char languages[STORE_LANGUAGES_MAX];
    int64_t active_ms;
    /* Quality flags (STORE_FLAG_*): metadata kept in clear beside sealed answers, sent and
     * exported with the response; a flagged response is never dropped. */
    unsigned flags;
    const char *answers_json; /* JSON object: question id -> value or [values]; read side:
                                 NULL when the answers are sealed */
    const char *sealed;       /* read side only: the answers sealed to the seal key (base64 of
                                 crypto_box_seal, see seal.h), or NULL when stored in clear */
    store_delivery delivery;  /* read side only */
    int64_t sent_at_ms;       /* read side only; 0 when not sent */
} store_response;

typedef struct {
    int64_t total, complete, abandoned, pending, conflict;
    int64_t today;             /* stored since local midnight */
    int64_t oldest_pending_ms; /* finished_at of the oldest pending response, 0 when none */
} store_counts;

/* The schema version this program creates and migrates to (PRAGMA user_version). A database
 * with a higher version is refused; a lower one is upgraded step by step on open. */
#define STORE_SCHEMA_VERSION 6

/* Opens (creating and migrating as needed). Returns 0, or -1 with a message in err. */
int store_open(const char *path, store **out, char *err, size_t errlen);
void store_close(store *st); /* NULL is a no-op */

typedef enum {
    STORE_OPEN_CREATE = 0,   /* create the file when missing, migrate (the kiosk, the uploader) */
    STORE_OPEN_EXISTING = 1, /* refuse a missing file, migrate */
    STORE_OPEN_READONLY = 2  /* refuse a missing file, never write, refuse an older schema
                                (export, staff tools); store_add_response etc. then fail */
} store_mode;

/* store_open with a mode; store_open(p, ...) is store_open_mode(p, STORE_OPEN_CREATE, ...).
 * path may also be an SQLite "file:" URI. */
int store_open_mode(const char *path, store_mode mode, store **out, char *err, size_t errlen);

/* From now on store_add_response stores the answers of every response sealed to this public
 * key (base64, seal.h; the kiosk's seal_public_key) instead of in clear: the UUID, status,
 * times and question set stay in clear, so counts, status and delivery work as before. ""
 * stores in clear again. Returns 0, or -1 with a message (then nothing changed). */
int store_seal_to(store *st, const char *public_key_b64, char *err, size_t errlen);

/* The schema version of the open database (PRAGMA user_version), or -1 on error. */
int store_schema_version(store *st, char *err, size_t errlen);

/* Counts the responses with seq > after_seq and gives the highest seq among them (after_seq
 * when there are none), so a caller can bound later passes to the same rows. */
int store_range(store *st, int64_t after_seq, int64_t *count, int64_t *max_seq, char *err,
                size_t errlen);

/* Stores r in one transaction; fills r->seq, and r->id when it is empty (a caller retrying a
 * failed save passes the same r again, so it keeps its UUID and a save that was durable after all
 * is found instead of stored twice). Returns 0 only when the response is durable; -1 with a
 * message (disk full, read-only, ...) otherwise, and nothing is half-stored. */
int store_add_response(store *st, store_response *r, char *err, size_t errlen);

/* Calls cb for each response with seq > after_seq (ascending), at most limit (0 = all);
 * only_pending restricts to undelivered ones. cb returns non-zero to stop early.
 * The response passed to cb is valid only during the call; cb must not use the same handle. */
typedef int (*store_row_cb)(void *ctx, const store_response *r);
int store_foreach(store *st, int64_t after_seq, bool only_pending, int64_t limit, store_row_cb cb,
                  void *ctx, char *err, size_t errlen);

int store_counts_get(store *st, store_counts *out, char *err, size_t errlen);
/* For "You are one of N": complete responses finished at or after since_ms that the cards held
 * (store_cards_set) cannot count: not delivered before those cards arrived. The uploader asks
 * for cards after it has delivered what was pending, so the collector counted every response
 * delivered before; comparing the kiosk's own clock with itself, never with the collector's.
 * 0 and *n, or -1. */
int store_uncounted_since(store *st, int64_t since_ms, int64_t *n, char *err, size_t errlen);

/* Marks responses (by UUID) as delivered/conflicting in one transaction; sent_at becomes now_ms
 * (NULL again for STORE_PENDING). Unknown ids are ignored. */
int store_mark(store *st, const char *const *ids, size_t n, store_delivery d, int64_t now_ms,
               char *err, size_t errlen);

/* Deletes delivered responses (STORE_SENT, never pending or conflicting ones) sent before
 * cutoff_ms; returns the number deleted or -1. Their seq numbers are never reused. */
int64_t store_prune_sent(store *st, int64_t cutoff_ms, char *err, size_t errlen);

/* A small key/value table for state that must survive restarts (last export seq, last sync
 * result, active question set). get returns 0 and copies into buf, 1 when absent, -1 on error
 * (also when the value does not fit in buf: it is never silently truncated). Keys and values
 * are at most STORE_META_MAX bytes. */
#define STORE_META_MAX 4096
int store_meta_get(store *st, const char *key, char *buf, size_t len, char *err, size_t errlen);
int store_meta_set(store *st, const char *key, const char *value, char *err, size_t errlen);

/* Adds the optional fields of r that the upload (wijkpeil-sync/1) and the stick export carry
 * beside the fixed ones, under the same keys in both: questionset_version_text, languages (a
 * list), active_ms and flags (a list of names), each only when recorded (flags: when any). Returns
 * 0, or -1 when out of memory. */
struct json_t;
int store_response_extras_json(const store_response *r, struct json_t *o);
/* A ';'-separated list as the store and the CSV exports hold it ("nl;ar") as a JSON array of
 * strings (empty items left out), or NULL when out of memory. */
struct json_t *store_list_json(const char *list);
/* The latest cards document from the collector (tools/collector/PROTOCOL.md, "the cards
 * residents see"), kept across restarts: set replaces it (the uploader), get gives a malloc'd
 * copy in *doc: 0, 1 when none was ever received, -1 on error. */
#define STORE_CARDS_MAX (256 * 1024)
int store_cards_set(store *st, const char *doc, int64_t now_ms, char *err, size_t errlen);
int store_cards_get(store *st, char **doc, char *err, size_t errlen);

/* PRAGMA integrity_check; returns 0 when "ok" (also checks the kept response counts). */
int store_check(store *st, char *err, size_t errlen);

#endif
