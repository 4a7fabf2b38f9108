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

typedef struct {
    const char *set_path; /* SET.json; SET.json.sig beside it; files relative to its folder.
                             Or FILE.conf, a settings document, with FILE.conf.sig beside it */
    const char *location;
    const char *devices[COLL_PUB_MAX_DEVICES]; /* none: every kiosk of the location */
    int n_devices;
    int64_t from_ms, until_ms; /* 0: from now on, and without end */
    bool force; /* --force: a location without a registered kiosk, a device not registered */
} coll_pub_spec;

/* "2027-03-01T08:00" or "2027-03-01T08:00:00" in the collector's local time, or with a final
 * "Z" in UTC. Returns true and the time in ms. */
bool coll_pub_parse_time(const char *s, int64_t *ms);

/* Stores the set, its .sig and its files and assigns them; writes the new publication's id.
 * Refuses a set without a .sig, a file missing or not matching its listed SHA-256, an until not
 * after from, and (unless spec->force) a location where no kiosk is registered or a named device
 * that is not registered there: the message names the known locations, or the devices there. 0
 * or -1. */
int coll_pub_add(coll_db *db, const coll_pub_spec *spec, int64_t now_ms, char id[COLL_PUB_ID_LEN],
                 char *err, size_t errlen);

/* One line per publication (newest first): id, set and version, where, when, state at now_ms
 * (waiting, active, ended, withdrawn), files and bytes. 0 or -1. */
int coll_pub_list(coll_db *db, FILE *out, int64_t now_ms, char *err, size_t errlen);

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
 * download, each written atomically, the set and .sig last; staff import it from the stick,
 * which verifies it exactly as a download is verified. 0 or -1. */
int coll_pub_to_stick(coll_db *db, const char *id, const char *dir, char *err, size_t errlen);

#endif
