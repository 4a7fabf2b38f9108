/* Exports the collector's responses: CSV (RFC 4180, UTF-8, one row per response and one column
 * per question) or JSON lines with everything. */
#ifndef COLL_EXPORT_H
#define COLL_EXPORT_H

#include "coll_db.h"

#include <stdio.h>

typedef enum { COLL_EXPORT_CSV = 0, COLL_EXPORT_JSONL = 1 } coll_export_format;

/* Responses whose answers are still sealed (the collector had no secret key) are left out of
 * the CSV and carried with "sealed" in place of "answers" in JSON lines.
 * Writes every response (of questionset when not NULL) to out. qset_path, when not NULL, is a
 * question-set file whose question order and default-language texts label the CSV columns.
 * Returns the number of responses written, or -1 with a message. */
long coll_export_run(coll_db *db, FILE *out, coll_export_format fmt, const char *questionset,
                     const char *qset_path, char *err, size_t errlen);

#endif
