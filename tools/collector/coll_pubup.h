/* A publication uploaded through the dashboard (POST /dash/admin/publish, multipart): the set or
 * settings document, its .sig and its clips and icons are written as they arrive into a private
 * temporary folder (mode 0700), with caps on each file and on all together, and then handed to
 * coll_pub_add exactly as `wijkpeil-collector publish` hands a set on disk, so what is checked
 * and refused is the same. A browser sends only the last part of a file's name: each uploaded
 * clip or icon is put where the set's "files" list names a file of that name. */
#ifndef COLL_PUBUP_H
#define COLL_PUBUP_H

#include "coll_pub.h"
#include "sign.h"
#include "stick.h"

#include <stddef.h>
#include <stdint.h>

#define COLL_PUBUP_MAX_MEDIA 256 /* clips and icons in one upload */

/* Everything an upload may hold together (with room for the form's other fields): a request
 * body larger than this is refused unread. */
#define COLL_PUBUP_MAX_BODY                                                                        \
    (STICK_MAX_FILE_BYTES + SIGN_MAX_SIG_FILE + STICK_MAX_SET_FILES_BYTES + 1024 * 1024)

typedef struct coll_pubup coll_pubup;

/* A new upload and its folder under $TMPDIR (or /tmp). 0 or -1. */
int coll_pubup_new(coll_pubup **out, char *err, size_t errlen);

/* A piece of an uploaded file, as the post processor hands it: part "set" (SET.json or
 * SETTINGS.conf), "sig" (its .sig) or "media" (a clip or icon; several), filename as the browser
 * sent it, data at offset off of that file. Parts with an empty filename (no file chosen) are
 * ignored. The first thing wrong (a name, a size over its cap, a write) is kept and refuses the
 * upload in coll_pubup_add; later pieces are then dropped. */
void coll_pubup_write(coll_pubup *u, const char *part, const char *filename, const char *data,
                      uint64_t off, size_t size);

/* Places the clips and icons where the set lists them and publishes with spec (whose set_path
 * this sets; spec->refusal, when given, says why on a refusal, also for what coll_pubup_write
 * found wrong: COLL_PUB_WHY_MISSING with file "" when no set was uploaded). 0 or -1. */
int coll_pubup_add(coll_pubup *u, coll_db *db, coll_pub_spec *spec, int64_t now_ms,
                   char id[COLL_PUB_ID_LEN], char *err, size_t errlen);

/* Removes the folder and everything in it. NULL is a no-op. */
void coll_pubup_free(coll_pubup *u);

#endif
