/* Export of stored responses as JSON lines or CSV, for `wijkpeil export` and the staff
 * "export to stick" screen.
 *
 * JSON lines: one object per response, keys in this order: id, seq, questionset,
 * questionset_version, questionset_version_text (the set's version as the spreadsheet wrote it;
 * only when the set has one), language, started_at, finished_at (ISO 8601 UTC), duration_ms, status
 * ("complete" / "abandoned"), clock_synced (true / false), answers (question id -> value, or a
 * list of values for multi; unanswered questions absent). UTF-8, "\n" after each line. A response
 * stored sealed (seal_public_key) has "sealed" (base64, seal.h) in place of "answers", exactly
 * as stored: the kiosk cannot read it, only the collector's secret key opens it.
 *
 * CSV (RFC 4180): UTF-8 without a byte-order mark, CRLF line ends, a header row, then one row per
 * response. Columns: id, seq, questionset, questionset_version, questionset_version_text (empty
 * when the set has none), language, started_at,
 * finished_at, duration_ms, status, then one column per question id in the order of first
 * appearance over the exported responses. A multi answer's values are joined with ";"; an
 * unanswered question is an empty cell. A field is quoted ("...", with " doubled) when it holds
 * a comma, a semicolon (so a multi answer geld;werk stays one cell), a double quote, CR or LF. When
 * some exported response is sealed, a last column "sealed" holds its sealed answers (its answer
 * cells stay empty); it is empty for the others. Values are never altered: no apostrophe is put
 * before values that start with = + - @ (a guard against spreadsheet formula injection) because
 * every answer value is an option id, a smiley or scale number (which may be "-1") or yes/no chosen
 * from the staff's own question set; residents type no free text in format v1. Revisit this when
 * free-text questions are added.
 *
 * CSV for Excel ("csv-excel"): the same table with a UTF-8 byte-order mark first and ";"
 * between fields, as a Dutch-locale spreadsheet opens a .csv (it splits on ";"; without the
 * mark it reads the text as another encoding).
 */
#ifndef WP_EXPORT_H
#define WP_EXPORT_H

#include "store.h"

#include <stdint.h>
#include <stdio.h>

typedef enum { EXPORT_JSONL = 0, EXPORT_CSV = 1, EXPORT_CSV_EXCEL = 2 } export_format;

#define EXPORT_MAX_COLUMNS  5000 /* distinct question ids in one CSV export */
#define EXPORT_PROGRESS_ROW 256  /* the progress callback runs every this many rows */

/* Progress of an export: done rows of total written so far. Called at the start (done = 0),
 * every EXPORT_PROGRESS_ROW rows and at the end (done = total). Return non-zero to cancel:
 * export_write then returns -1 with "export cancelled". */
typedef int (*export_progress_cb)(void *ctx, int64_t done, int64_t total);

/* Parses "jsonl", "csv" or "csv-excel"; returns 0, or -1 for anything else. */
int export_parse_format(const char *name, export_format *out);

/* Writes every response with seq > after_seq (ascending; rows stored while the export runs are
 * left for the next one) to out in the given format. *last_seq_out (optional) receives the
 * highest seq written, or after_seq when there was nothing to write, so the caller can export
 * only newer responses next time. cb (optional) reports progress. Does not close out; flushes it
 * and reports write errors (a full stick) as -1 with a message in err. */
int export_write(store *st, FILE *out, export_format fmt, int64_t after_seq, int64_t *last_seq_out,
                 export_progress_cb cb, void *ctx, char *err, size_t errlen);

#endif
