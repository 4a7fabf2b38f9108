/* Kiosk health (coll_health.h). */
#include "coll_health.h"

#include "hours.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

const char *coll_health_cond_name(coll_cond c)
{
    static const char *const names[COLL_COND_COUNT] = {[COLL_COND_SILENT] = "silent",
                                                       [COLL_COND_GAPS] = "gaps",
                                                       [COLL_COND_CONFLICTS] = "conflicts",
                                                       [COLL_COND_CLOCK] = "clock",
                                                       [COLL_COND_DISK] = "disk"};
    return (unsigned)c < COLL_COND_COUNT ? names[c] : "?";
}

/* Milliseconds of opening hours since the last contact; -1 when never in contact. */
static int64_t silent_ms_open(const coll_kiosk *k, int64_t now_ms)
{
    if (k->last_seen_ms <= 0)
        return -1;
    hours h = {.always = true};
    const char *oh = json_string_value(json_object_get(k->status, "opening_hours"));
    if (oh && hours_parse(oh, &h, NULL, 0) != 0)
        h.always = true; /* hours the collector cannot read: as if always open */
    return hours_open_ms(&h, k->last_seen_ms, now_ms);
}

static bool silent(const coll_kiosk *k, int64_t now_ms, int64_t silent_ms)
{
    int64_t open = silent_ms_open(k, now_ms);
    return open < 0 || open > silent_ms;
}

unsigned coll_health_flags(const coll_kiosk *k, int64_t now_ms, int64_t silent_ms)
{
    if (k->revoked_ms)
        return 0;
    unsigned f = 0;
    const json_t *disk = json_object_get(k->status, "free_disk_bytes");
    if (silent(k, now_ms, silent_ms))
        f |= 1u << COLL_COND_SILENT;
    if (k->gaps > 0)
        f |= 1u << COLL_COND_GAPS;
    if (k->conflicts > 0)
        f |= 1u << COLL_COND_CONFLICTS;
    if (k->clock_synced == 0)
        f |= 1u << COLL_COND_CLOCK;
    if (json_is_integer(disk) && json_integer_value(disk) >= 0 &&
        json_integer_value(disk) < COLL_HEALTH_LOW_DISK)
        f |= 1u << COLL_COND_DISK;
    return f;
}

void coll_health_detail(const coll_kiosk *k, coll_cond c, int64_t now_ms, char *buf, size_t len)
{
    const json_t *disk = json_object_get(k->status, "free_disk_bytes");
    char iso[32];
    int64_t open;
    switch (c) {
    case COLL_COND_SILENT:
        open = silent_ms_open(k, now_ms);
        if (open < 0) {
            wp_strlcpy(buf, "never in contact", len);
            break;
        }
        wp_iso8601(k->last_seen_ms, iso, sizeof iso);
        snprintf(buf, len, "last contact %s, %lld minutes of opening hours ago", iso,
                 (long long)(open / 60000));
        break;
    case COLL_COND_GAPS:
        snprintf(buf, len, "%lld sequence numbers missing", (long long)k->gaps);
        break;
    case COLL_COND_CONFLICTS:
        snprintf(buf, len, "%lld conflicting responses logged", (long long)k->conflicts);
        break;
    case COLL_COND_CLOCK:
        wp_strlcpy(buf, "clock not synchronised", len);
        break;
    case COLL_COND_DISK:
        snprintf(buf, len, "%lld MB free", (long long)(json_integer_value(disk) / 1000000));
        break;
    default:
        wp_strlcpy(buf, "", len);
    }
}

typedef struct {
    coll_kiosk_fn fn;
    void *ctx;
} each_ctx;

static int kiosk_row(void *ctx, int ncol, const char *const *v)
{
    each_ctx *x = ctx;
    (void)ncol;
    json_t *st = v[10] ? json_loads(v[10], 0, NULL) : NULL;
    coll_kiosk k = {.device = v[0] ? v[0] : "",
                    .location = v[1] ? v[1] : "",
                    .revoked_ms = coll_store_num(v[2]),
                    .last_seen_ms = coll_store_num(v[3]),
                    .pending = coll_store_num(v[4]),
                    .clock_synced = coll_store_num(v[5]),
                    .last_error = v[6] ? v[6] : "",
                    .received = coll_store_num(v[7]),
                    .gaps = coll_store_num(v[8]),
                    .conflicts = coll_store_num(v[9]),
                    .status = json_is_object(st) ? st : NULL};
    int rc = x->fn(x->ctx, &k);
    json_decref(st);
    return rc;
}

int coll_health_foreach(coll_db *db, coll_kiosk_fn fn, void *ctx, char *err, size_t errlen)
{
    each_ctx x = {fn, ctx};
    return coll_db_query(db,
                         "SELECT k.device, k.location, k.revoked_ms, k.last_seen_ms,"
                         " k.pending, k.clock_synced, k.last_error, k.received, k.gaps,"
                         " k.conflicts, d.last_status FROM kiosk_health k"
                         " JOIN devices d ON d.name = k.device"
                         " ORDER BY k.location COLLATE \"C\", k.device COLLATE \"C\"",
                         NULL, 0, kiosk_row, &x, NULL, err, errlen);
}
