/* Pre-aggregated results (see coll_agg.h): a hash table of counts keyed by their row. */
#include "coll_agg.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AGG_NSTR 6 /* questionset, location, language, status, question, answer */

typedef struct {
    char *key; /* the AGG_NSTR strings one after another, each with its NUL */
    size_t keylen;
    uint64_t hash;
    int64_t version, day, n;
    int hour;
} agg_entry;

struct coll_agg {
    agg_entry *slot; /* open addressing; key NULL: free */
    size_t cap, used;
};

coll_agg *coll_agg_new(void)
{
    return calloc(1, sizeof(coll_agg));
}

void coll_agg_clear(coll_agg *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->cap; i++)
        free(a->slot[i].key);
    free(a->slot);
    a->slot = NULL;
    a->cap = a->used = 0;
}

void coll_agg_free(coll_agg *a)
{
    coll_agg_clear(a);
    free(a);
}

size_t coll_agg_size(const coll_agg *a)
{
    return a->used;
}

/* Days since 1970-01-01 of a date, and back (H. Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The local day (as coll_agg_day) and hour of epoch milliseconds. */
static int64_t day_hour(int64_t epoch_ms, int *hour)
{
    time_t t = (time_t)(epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000);
    struct tm tm;
    *hour = 0;
    if (!localtime_r(&t, &tm))
        return 0;
    *hour = tm.tm_hour;
    return days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t coll_agg_day(int64_t epoch_ms)
{
    int hour;
    return day_hour(epoch_ms, &hour);
}

int coll_agg_weekday(int64_t day)
{
    return (int)(((day % 7) + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday */
}

int64_t coll_agg_month(int64_t day)
{
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    return (y - 1970) * 12 + m - 1;
}

int64_t coll_agg_month_start(int64_t month)
{
    int64_t y = 1970 + (month >= 0 ? month / 12 : (month - 11) / 12);
    return days_from_civil(y, month - (y - 1970) * 12 + 1, 1);
}

static uint64_t fnv(const char *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211u;
    return h;
}

static int grow(coll_agg *a)
{
    size_t cap = a->cap ? a->cap * 2 : 256;
    agg_entry *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < a->cap; i++) {
        if (!a->slot[i].key)
            continue;
        size_t j = a->slot[i].hash & (cap - 1);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = a->slot[i];
    }
    free(a->slot);
    a->slot = s;
    a->cap = cap;
    return 0;
}

/* Adds n to the row of key (strs) at version and day. */
static int bump(coll_agg *a, const char *const strs[AGG_NSTR], int64_t version, int64_t day,
                int hour, int64_t n)
{
    if ((a->used + 1) * 4 > a->cap * 3 && grow(a) != 0)
        return -1;
    char buf[1024];
    size_t len = 0;
    for (int i = 0; i < AGG_NSTR; i++)
        len += strlen(strs[i]) + 1;
    char *key = len <= sizeof buf ? buf : malloc(len);
    if (!key)
        return -1;
    size_t o = 0;
    for (int i = 0; i < AGG_NSTR; i++) {
        size_t l = strlen(strs[i]) + 1;
        memcpy(key + o, strs[i], l);
        o += l;
    }
    uint64_t h = fnv(key, len, 1469598103934665603u);
    h = fnv((const char *)&version, sizeof version, h);
    h = fnv((const char *)&day, sizeof day, h);
    h = fnv((const char *)&hour, sizeof hour, h);
    size_t j = h & (a->cap - 1);
    for (; a->slot[j].key; j = (j + 1) & (a->cap - 1)) {
        agg_entry *e = &a->slot[j];
        if (e->hash == h && e->version == version && e->day == day && e->hour == hour &&
            e->keylen == len && memcmp(e->key, key, len) == 0) {
            e->n += n;
            if (key != buf)
                free(key);
            return 0;
        }
    }
    char *own = key;
    if (key == buf && !(own = malloc(len)))
        return -1;
    if (key == buf)
        memcpy(own, buf, len);
    a->slot[j] = (agg_entry){own, len, h, version, day, n, hour};
    a->used++;
    return 0;
}

static int cmp_text(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The row ("#c:Q", "A\nB...") of a list answer: its distinct texts, sorted. */
static int add_combo(coll_agg *a, const char *strs[AGG_NSTR], const char *q, const json_t *list,
                     int64_t version, int64_t day, int hour)
{
    size_t n = json_array_size(list), k = 0, len = 1;
    const char **t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(list, i));
        if (s) {
            t[k++] = s;
            len += strlen(s) + 1;
        }
    }
    qsort(t, k, sizeof *t, cmp_text);
    size_t qlen = strlen(COLL_AGG_COMBO) + strlen(q) + 1;
    char *combo = malloc(len), *question = malloc(qlen);
    int rc = -1;
    if (combo && question) {
        size_t o = 0;
        for (size_t i = 0; i < k; i++) {
            if (i > 0 && strcmp(t[i], t[i - 1]) == 0)
                continue;
            size_t l = strlen(t[i]);
            if (o)
                combo[o++] = '\n';
            memcpy(combo + o, t[i], l);
            o += l;
        }
        combo[o] = '\0';
        snprintf(question, qlen, "%s%s", COLL_AGG_COMBO, q);
        strs[4] = question;
        strs[5] = combo;
        rc = bump(a, strs, version, day, hour, 1);
    }
    free(combo);
    free(question);
    free(t);
    return rc;
}

/* Whether text s is in the list before index i (a list's texts are counted once each). */
static bool seen_before(const json_t *list, size_t i, const char *s)
{
    for (size_t j = 0; j < i; j++) {
        const char *t = json_string_value(json_array_get(list, j));
        if (t && strcmp(t, s) == 0)
            return true;
    }
    return false;
}

int coll_agg_add(coll_agg *a, const char *questionset, int64_t version, const char *location,
                 const char *language, int64_t started_at_ms, const char *status,
                 const char *answers_json)
{
    json_t *ans = answers_json ? json_loads(answers_json, 0, NULL) : NULL;
    if (!json_is_object(ans)) {
        json_decref(ans);
        return 0;
    }
    int hour;
    int64_t day = day_hour(started_at_ms, &hour);
    const char *strs[AGG_NSTR] = {questionset, location, language, status, "", ""};
    int rc = bump(a, strs, version, day, hour, 1);
    if (rc == 0 && strcmp(status, "complete") != 0) {
        char *text = json_dumps(ans, JSON_COMPACT | JSON_SORT_KEYS);
        strs[4] = COLL_AGG_PROFILE;
        strs[5] = text;
        rc = text ? bump(a, strs, version, day, hour, 1) : -1;
        free(text);
        json_decref(ans);
        return rc;
    }
    const char *q;
    json_t *v;
    json_object_foreach(ans, q, v)
    {
        if (rc != 0)
            break;
        bool list = json_is_array(v) && json_array_size(v) > 0;
        if (!json_is_string(v) && !list)
            continue;
        strs[4] = q;
        strs[5] = "";
        rc = bump(a, strs, version, day, hour, 1);
        if (rc == 0 && !list) {
            strs[5] = json_string_value(v);
            rc = bump(a, strs, version, day, hour, 1);
        }
        for (size_t i = 0; list && rc == 0 && i < json_array_size(v); i++) {
            const char *s = json_string_value(json_array_get(v, i));
            if (!s || seen_before(v, i, s))
                continue;
            strs[4] = q;
            strs[5] = s;
            rc = bump(a, strs, version, day, hour, 1);
        }
        if (list && rc == 0)
            rc = add_combo(a, strs, q, v, version, day, hour);
    }
    json_decref(ans);
    return rc;
}

static void split(const agg_entry *e, coll_agg_row *r)
{
    const char *s[AGG_NSTR];
    const char *p = e->key;
    for (int i = 0; i < AGG_NSTR; i++) {
        s[i] = p;
        p += strlen(p) + 1;
    }
    *r = (coll_agg_row){s[0], e->version, s[1], s[2], e->day, e->hour, s[3], s[4], s[5], e->n};
}

int coll_agg_foreach(coll_agg *a, coll_agg_fn fn, void *ctx)
{
    int rc = 0;
    for (size_t i = 0; i < a->cap && rc == 0; i++) {
        if (!a->slot[i].key)
            continue;
        coll_agg_row r;
        split(&a->slot[i], &r);
        rc = fn(ctx, &r);
    }
    return rc;
}
