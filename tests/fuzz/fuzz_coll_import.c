/* The collector's ingest of response objects, fed as `wijkpeil-collector import` reads a USB
 * export: JSON lines, each parsed and the lot stored with coll_ingest_batch into a fresh
 * in-memory database. Then status and both exports read back what was stored (the export parses
 * the stored answers again), as the central team would. Every item must get exactly one result.
 * Opening a database per input is slow, so one database (in the scratch folder) is emptied of
 * responses and conflicts after each input through a second connection: each input starts from
 * the same state. */
#include "coll_db.h"
#include "coll_export.h"
#include "coll_ingest.h"
#include "fuzzlib.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NOW_MS 1800000000000LL /* 2027-01-15: a fixed "now" keeps runs reproducible */

typedef struct {
    coll_db *db;
    sqlite3 *reset; /* the harness's own connection, to empty the tables between inputs */
    FILE *devnull;
} fixture;

static fixture *get_fixture(void)
{
    static fixture f; /* opened once: libFuzzer's interface leaves no handle */
    if (f.db)
        return &f;
    char path[512], err[512], token[COLL_TOKEN_LEN];
    fz_path("collector.db", path, sizeof path);
    if (coll_db_open(path, &f.db, err, sizeof err) != 0 ||
        coll_db_device_add(f.db, "kiosk-1", "nazareth", token, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: %s\n", err);
        abort();
    }
    if (sqlite3_open(path, &f.reset) != SQLITE_OK || !(f.devnull = fopen("/dev/null", "w")))
        abort();
    sqlite3_busy_timeout(f.reset, 10000);
    return &f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fixture *f = get_fixture();
    coll_db *db = f->db;
    char err[512];
    json_t *arr = json_array();
    const char *p = (const char *)data, *end = p + size;
    while (p < end && json_array_size(arr) < COLL_MAX_BATCH) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t k = n;
        while (k > 0 && p[k - 1] == '\r')
            k--;
        json_t *o = k ? json_loadb(p, k, JSON_REJECT_DUPLICATES, NULL) : NULL;
        if (o)
            json_array_append_new(arr, o);
        p += n + 1;
    }
    json_t *results = json_array();
    coll_counts c = {0};
    if (coll_ingest_batch(db, "kiosk-1", arr, FUZZ_NOW_MS, "import", results, &c, err,
                          sizeof err) != 0) {
        fprintf(stderr, "fuzz: batch not stored: %s\n", err);
        abort();
    }
    if (json_array_size(results) != json_array_size(arr) ||
        c.stored + c.duplicate + c.conflict + c.invalid != (int64_t)json_array_size(arr))
        abort();
    if (c.stored > 0 &&
        (coll_db_status(db, f->devnull, FUZZ_NOW_MS, err, sizeof err) != 0 ||
         coll_export_run(db, f->devnull, COLL_EXPORT_CSV, NULL, NULL, err, sizeof err) < 0 ||
         coll_export_run(db, f->devnull, COLL_EXPORT_JSONL, NULL, NULL, err, sizeof err) < 0)) {
        fprintf(stderr, "fuzz: reading back failed: %s\n", err);
        abort();
    }
    json_decref(results);
    json_decref(arr);
    if (c.stored + c.conflict > 0 &&
        sqlite3_exec(f->reset,
                     "DELETE FROM responses; DELETE FROM conflicts; "
                     "UPDATE devices SET last_seen_ms=0, last_status=NULL, last_status_ms=0, "
                     "clock_synced=-1, last_error='', pending=-1",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz: cannot empty the database: %s\n", sqlite3_errmsg(f->reset));
        abort();
    }
    return 0;
}
