/* A kiosk's health as the collector judges it, in one place for the kiosks page and the alerts:
 * silent longer than a threshold while it should be open (the opening hours its heartbeat
 * reports; always open when it reports none), gaps in its sequence numbers, logged conflicts, an
 * unsynchronised clock, little free disk. */
#ifndef COLL_HEALTH_H
#define COLL_HEALTH_H

#include "coll_db.h"

#include <jansson.h>
#include <stdint.h>

#define COLL_HEALTH_LOW_DISK (500LL * 1024 * 1024) /* free bytes under this are low */

typedef enum {
    COLL_COND_SILENT,
    COLL_COND_GAPS,
    COLL_COND_CONFLICTS,
    COLL_COND_CLOCK,
    COLL_COND_DISK,
    COLL_COND_COUNT
} coll_cond;

/* One kiosk's row of kiosk_health with its last heartbeat (strings valid during the callback). */
typedef struct {
    const char *device, *location, *last_error;
    int64_t revoked_ms, last_seen_ms, pending, clock_synced, received, gaps, conflicts;
    const json_t *status; /* the last heartbeat's JSON object, or NULL */
} coll_kiosk;

/* The conditions' names in alerts and logs: "silent", "gaps", "conflicts", "clock", "disk". */
const char *coll_health_cond_name(coll_cond c);

/* The conditions a kiosk is in at now_ms, one bit (1u << coll_cond) each; none for a revoked
 * kiosk. Silence counts only the time within the reported opening hours (local time). */
unsigned coll_health_flags(const coll_kiosk *k, int64_t now_ms, int64_t silent_ms);

/* A sentence on what a raised condition is now ("last contact 2027-03-01T09:20:00Z, 135 minutes
 * of opening hours ago"), for the alert. */
void coll_health_detail(const coll_kiosk *k, coll_cond c, int64_t now_ms, char *buf, size_t len);

/* Calls fn for every kiosk, ordered by location and name; fn returning non-zero stops. Holds a
 * connection of db's pool meanwhile: fn must not use db. Returns a coll_sql_rc. */
typedef int (*coll_kiosk_fn)(void *ctx, const coll_kiosk *k);
int coll_health_foreach(coll_db *db, coll_kiosk_fn fn, void *ctx, char *err, size_t errlen);

#endif
