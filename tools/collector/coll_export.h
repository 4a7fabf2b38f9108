/* Exports the collector's responses: CSV (RFC 4180, UTF-8, one row per response and one column
 * per question), CSV for Excel (";", a byte-order mark, CRLF, local Europe/Amsterdam times), an
 * .xlsx workbook (sheets responses, codebook, counts) or JSON lines with everything. */
#ifndef COLL_EXPORT_H
#define COLL_EXPORT_H

#include "coll_db.h"

#include <stdio.h>

typedef enum {
    COLL_EXPORT_CSV = 0,
    COLL_EXPORT_JSONL = 1,
    COLL_EXPORT_CSV_EXCEL = 2,
    COLL_EXPORT_XLSX = 3
} coll_export_format;

/* "csv", "jsonl", "csv-excel" or "xlsx"; 0, or -1 for anything else. */
int coll_export_format_parse(const char *name, coll_export_format *out);
/* The MIME type and file-name extension of a format, for a download. */
const char *coll_export_mime(coll_export_format fmt);
const char *coll_export_ext(coll_export_format fmt);
/* 1 when the collector was built with libxlsxwriter (--format xlsx). */
int coll_export_has_xlsx(void);

typedef struct {
    coll_export_format fmt;
    const char *questionset; /* only this set's responses (NULL: every set; with qset_path, its
                                set); a set with no responses is an error */
    const char *qset_path;   /* a question-set file (its id must be the exported set's): CSV
                                column order and labels; xlsx labels, codebook and counts (xlsx
                                needs one) */
    const char *lang;        /* xlsx: the language of labels and texts (NULL: the set's first) */
    int64_t k;               /* xlsx counts: counts below k are not shown (0: the default) */
} coll_export_opts;

/* Responses whose answers are still sealed (the collector had no secret key) are left out of
 * the CSV and the workbook and carried with "sealed" in place of "answers" in JSON lines.
 * Writes the responses o selects to out. Returns the number of responses written, or -1 with a
 * message. */
long coll_export_write(coll_db *db, FILE *out, const coll_export_opts *o, char *err, size_t errlen);

/* coll_export_write with only a format, set and question-set file. */
long coll_export_run(coll_db *db, FILE *out, coll_export_format fmt, const char *questionset,
                     const char *qset_path, char *err, size_t errlen);

#endif
