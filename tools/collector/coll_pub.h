/* Publications: a signed question set (with its .sig and the clips and icons its "files" list
 * names) that the centre assigns to a location, or to named kiosks there, for a time
 * (`wijkpeil-collector publish`), and what a kiosk asks about them (GET /v1/assignment and
 * GET /v1/files/ID/NAME, PROTOCOL.md). The collector checks that a signature is there and that
 * every file has the SHA-256 the set lists; it need not trust the key and does not: the kiosk
 * verifies everything against its own trusted keys, so a collector broken into cannot put a
 * word on a screen. Files are kept in the database as blobs (base64 text, shared by SHA-256),
 * so collectors sharing one PostgreSQL database serve the same. */
#ifndef COLL_PUB_H
#define COLL_PUB_H

#include "coll_db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define COLL_PUB_ID_LEN      17 /* 16 hex digits + NUL */
#define COLL_PUB_ETAG_LEN    40 /* "\"" + 32 hex digits + "\"" + NUL, with room */
#define COLL_PUB_MAX_DEVICES 64 /* --device NAME, repeated */
#define COLL_PUB_NAME_MAX    256

/* Why coll_pub_add refused, for words in another language (the dashboard's): what and which file
 * (a name as the set lists it, or the set's or .sig's file name; "" when none). */
typedef enum {
    COLL_PUB_WHY_OTHER,    /* the message says it */
    COLL_PUB_WHY_NAME,     /* a file name that may not be used */
    COLL_PUB_WHY_NO_SIG,   /* no .sig beside the set */
    COLL_PUB_WHY_BAD_SIG,  /* the .sig cannot be read */
    COLL_PUB_WHY_TAMPERED, /* the signature does not verify with the key it names */
    COLL_PUB_WHY_NOT_SET,  /* not a question set (JSON, "id", "version") */
    COLL_PUB_WHY_SETTINGS, /* a settings document kiosks would refuse */
    COLL_PUB_WHY_MISSING,  /* a file the set lists is not there */
    COLL_PUB_WHY_MISMATCH, /* a file does not have the SHA-256 the set lists */
    COLL_PUB_WHY_TOO_BIG,  /* a file, or the files together, over the caps */
    COLL_PUB_WHY_WHEN,     /* until not after from */
    COLL_PUB_WHY_LOCATION, /* no location, or no kiosk registered there */
    COLL_PUB_WHY_DEVICE,   /* a named device not registered at the location */
    COLL_PUB_WHY_UNLISTED  /* an uploaded clip or icon the set does not list (coll_pubup.h) */
} coll_pub_why;

/* COLL_PUB_WHY_SETTINGS: each problem of the document as values (config.h's
 * config_problem_kind), for words in the dashboard's language; at most COLL_PUB_MAX_PROBLEMS,
 * more_problems counts the others. A value too long to keep here ends in "...". */
#define COLL_PUB_MAX_PROBLEMS 16
typedef struct {
    int line; /* 0: the whole document */
    int kind; /* config_problem_kind */
    char key[64], value[96];
} coll_pub_problem;

typedef struct {
    coll_pub_why why;
    char file[COLL_PUB_NAME_MAX];
    coll_pub_problem problems[COLL_PUB_MAX_PROBLEMS];
    int n_problems, more_problems;
} coll_pub_refusal;

typedef struct {
    const char *set_path; /* SET.json; SET.json.sig beside it; files relative to its folder.
                             Or FILE.conf, a settings document, with FILE.conf.sig beside it */
    const char *location;
    const char *devices[COLL_PUB_MAX_DEVICES]; /* none: every kiosk of the location */
    int n_devices;
    int64_t from_ms, until_ms; /* 0: from now on, and without end */
    bool force; /* --force: a location without a registered kiosk, a device not registered */
    coll_pub_refusal *refusal; /* NULL, or told why when coll_pub_add refuses */
} coll_pub_spec;

/* "2027-03-01T08:00" or "2027-03-01T08:00:00" in the collector's local time, or with a final
 * "Z" in UTC. Returns true and the time in ms. */
bool coll_pub_parse_time(const char *s, int64_t *ms);

/* Stores the set, its .sig and its files and assigns them; writes the new publication's id.
 * Refuses a set without a .sig, one whose signature does not verify with the key its .sig names
 * (changed after signing: the key itself is not trusted here, kiosks decide that), a file missing
 * or not matching its listed SHA-256, an until not after from, and (unless spec->force) a location
 * where no kiosk is registered or a named device that is not registered there: the message names
 * the known locations, or the devices there. 0 or -1. */
int coll_pub_add(coll_db *db, const coll_pub_spec *spec, int64_t now_ms, char id[COLL_PUB_ID_LEN],
                 char *err, size_t errlen);

/* One line per publication (newest first): id, set and version, where, when, state at now_ms
 * (waiting, active, ended, withdrawn), files and bytes; then per kiosk what is assigned to it
 * and what its heartbeat says of it ("kiosk NAME: ID ... centre STATE, kiosk STATE REASON").
 * 0 or -1. */
int coll_pub_list(coll_db *db, FILE *out, int64_t now_ms, char *err, size_t errlen);

/* One publication as the list shows it. */
typedef struct {
    const char *id, *kind, *set_id, *set_file, *location;
    int64_t set_version;
    const char *devices; /* "a,b", or NULL: every kiosk of the location */
    int64_t from_ms, until_ms;
    const char *state; /* waiting, active, ended, withdrawn */
    int64_t files, bytes;
} coll_pub_row;

/* Calls fn for every publication (newest first); fn returns non-zero to stop. 0 or -1. */
int coll_pub_each(coll_db *db, int64_t now_ms, int (*fn)(void *ctx, const coll_pub_row *row),
                  void *ctx, char *err, size_t errlen);

/* What one kiosk has of one publication: assigned to it by the centre (centre_state as in the
 * list, "" when the kiosk reports one no longer assigned, e.g. from a stick) and what its last
 * heartbeat says (kiosk_state waiting, due, ended or failed with reason, source network or
 * stick; "" when it has not reported it yet). */
typedef struct {
    const char *device, *location, *id, *kind, *set_id;
    int64_t set_version, from_ms, until_ms;
    const char *centre_state, *kiosk_state, *reason, *source;
    const char *why; /* the kiosk's word for a refusal (FLEET_WHY_*), "" when none or not known */
} coll_pub_kiosk_row;

/* Calls fn for every registered, not revoked kiosk and each publication assigned to it or
 * reported by it (by kiosk name, then oldest first). 0 or -1. */
int coll_pub_each_kiosk(coll_db *db, int64_t now_ms,
                        int (*fn)(void *ctx, const coll_pub_kiosk_row *row), void *ctx, char *err,
                        size_t errlen);

/* Withdraws a publication: kiosks no longer find it in their assignment. 0, 1 when there is no
 * such publication (or it was withdrawn already), -1 on error. */
int coll_pub_withdraw(coll_db *db, const char *id, int64_t now_ms, char *err, size_t errlen);

/* The assignment of device (at location) as compact JSON (malloc'd, caller frees) and its
 * ETag (quoted), which changes only when what is assigned changes (not with the time the
 * document also carries). 0 or -1. */
int coll_pub_assignment(coll_db *db, const char *device, const char *location, int64_t now_ms,
                        char **json, char etag[COLL_PUB_ETAG_LEN], char *err, size_t errlen);

/* The bytes of file name of publication id when it is assigned to device (at location) and
 * not withdrawn: 0 with *data (malloc'd) and its SHA-256, 1 when there is no such file for
 * this device, -1 on error. */
int coll_pub_file(coll_db *db, const char *device, const char *location, const char *id,
                  const char *name, unsigned char **data, size_t *len, char sha256[65], char *err,
                  size_t errlen);

/* Writes publication id for a site without network (publish --to-stick DIR):
 * DIR/WIJKPEIL/questionsets/ gets the set, its .sig and its files, the exact bytes kiosks
 * download, each written atomically, the set and .sig last (a settings document goes to
 * DIR/WIJKPEIL/settings/ with its .sig), both with the publication's schedule beside them
 * (NAME.schedule); staff import it from the stick, which verifies it exactly as a download is
 * verified. 0 or -1. */
int coll_pub_to_stick(coll_db *db, const char *id, const char *dir, char *err, size_t errlen);

#endif
