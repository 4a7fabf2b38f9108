/* The kiosk's uploader: batches pending responses to the collector over libcurl (the only file
 * that includes curl.h), counts them delivered only on the collector's acknowledgement, and
 * sleeps on a condition variable between attempts. */
#include "sync.h"

#include "cards.h"
#include "fleet.h"

#include "store.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#define SYNC_URL_LEN         (512 + 32)
#define SYNC_ACK_MAX_BYTES   (4u * 1024u * 1024u) /* cap on a collector answer */
#define SYNC_LOW_SPEED_BYTES 16                   /* bytes/s under which a transfer stalls */
#define SYNC_RETRY_AFTER_MAX 3600                 /* seconds; larger Retry-After values capped */
#define SYNC_NEVER           INT64_MAX

/* How one request or cycle ended. */
typedef enum {
    SYNC_OK = 0,       /* batch acknowledged (more may be pending) */
    SYNC_DONE,         /* nothing (more) pending */
    SYNC_FAIL,         /* transient failure: back off and retry */
    SYNC_UNAUTHORIZED, /* 401: token refused */
    SYNC_ABORTED,      /* sync_stop */
} sync_outcome;

/* One libcurl handle reused across requests (keep-alive) and what the last answer held. */
typedef struct {
    CURL *curl;
    struct curl_slist *hdrs;
    char url_responses[SYNC_URL_LEN];
    char url_status[SYNC_URL_LEN];
    char url_base[SYNC_URL_LEN]; /* the endpoint without a final "/" */
    char etag[96];               /* ETag of the last answer ("" when none) */
    char *body;                  /* answer body */
    size_t len, cap;
    int overflow;
    long retry_after_s; /* -1 when absent */
    atomic_bool *abort;
    char errbuf[CURL_ERROR_SIZE];
} sync_conn;

/* Shared by the thread and sync_run_once. */
typedef struct sync_engine_ {
    const config *cfg;
    sync_tuning t;
    sync_conn conn;
    store *st;
    int64_t start_mono;
    char qset_id[128];
    int qset_version;
    /* results of the current run */
    int64_t sent, conflict, batches, pending, conflict_total;
    int64_t pending_start;                                     /* pending when the run began */
    void (*progress)(void *ctx, const struct sync_engine_ *g); /* after each batch, or NULL */
    void *progress_ctx;
    int http_status;
    long retry_after_s;
    char error[SYNC_TEXT_LEN];
    char unreported[SYNC_TEXT_LEN];  /* an earlier cycle's error, not yet in a heartbeat */
    char fleet_error[SYNC_TEXT_LEN]; /* why published sets could not be fetched this time */
    uistr *strings;                  /* built-in interface strings, to validate published sets */
} sync_engine;

struct sync_ctx {
    config cfg;
    char db_path[CONFIG_PATH_LEN];
    sync_tuning t;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool abort;
    /* under mu */
    bool stop, wake, now;
    char qset_id[128];
    int qset_version;
    sync_state st;
    int64_t next_due_mono; /* SYNC_NEVER when only a wake may start an attempt */
    bool in_backoff;
    sync_observer observer; /* or NULL */
    void *observer_ctx;
    /* thread only */
    int64_t backoff_ms;
    uint64_t rng;
};

static void tuning_defaults(sync_tuning *t, const sync_tuning *in)
{
    sync_tuning d = {.connect_timeout_ms = 10000,
                     .low_speed_time_s = 20,
                     .backoff_min_ms = SYNC_BACKOFF_MIN_MS,
                     .backoff_max_ms = SYNC_BACKOFF_MAX_MS,
                     .request_timeout_ms = 0,
                     .batch_max = SYNC_BATCH_MAX};
    if (in) {
        if (in->connect_timeout_ms > 0)
            d.connect_timeout_ms = in->connect_timeout_ms;
        if (in->low_speed_time_s > 0)
            d.low_speed_time_s = in->low_speed_time_s;
        if (in->backoff_min_ms > 0)
            d.backoff_min_ms = in->backoff_min_ms;
        if (in->backoff_max_ms > 0)
            d.backoff_max_ms = in->backoff_max_ms;
        if (in->request_timeout_ms > 0)
            d.request_timeout_ms = in->request_timeout_ms;
        if (in->batch_max > 0 && in->batch_max <= SYNC_BATCH_MAX)
            d.batch_max = in->batch_max;
    }
    *t = d;
}

/* ---- endpoint check -------------------------------------------------------------------- */

int sync_check_endpoint(const char *endpoint, char *err, size_t errlen)
{
    const char *p;
    bool plain;
    if (strncasecmp(endpoint, "https://", 8) == 0) {
        p = endpoint + 8;
        plain = false;
    } else if (strncasecmp(endpoint, "http://", 7) == 0) {
        p = endpoint + 7;
        plain = true;
    } else {
        wp_errf(err, errlen, "endpoint \"%s\" must start with https://", endpoint);
        return -1;
    }
    size_t n = strcspn(p, "/?#");
    char auth[256];
    if (n == 0 || n >= sizeof auth) {
        wp_errf(err, errlen, "endpoint \"%s\" has no host name", endpoint);
        return -1;
    }
    memcpy(auth, p, n);
    auth[n] = '\0';
    char *host = strrchr(auth, '@') ? strrchr(auth, '@') + 1 : auth;
    if (host[0] == '[') {
        char *close = strchr(host, ']');
        if (!close) {
            wp_errf(err, errlen, "endpoint \"%s\": unclosed [ in the host", endpoint);
            return -1;
        }
        *close = '\0';
        host++;
    } else {
        char *colon = strchr(host, ':');
        if (colon)
            *colon = '\0';
    }
    if (!*host) {
        wp_errf(err, errlen, "endpoint \"%s\" has no host name", endpoint);
        return -1;
    }
    if (!plain)
        return 0;
    struct in_addr a4;
    struct in6_addr a6;
    bool loopback = strcasecmp(host, "localhost") == 0 ||
                    (inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127) ||
                    (inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6));
    if (!loopback) {
        wp_errf(err, errlen,
                "endpoint \"%s\" uses plain http://, which would send the responses and the token "
                "unencrypted; use https:// (plain http:// is allowed only on this machine: "
                "127.0.0.1, ::1, localhost)",
                endpoint);
        return -1;
    }
    return 0;
}

/* ---- libcurl connection ---------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    sync_conn *c = userp;
    size_t n = size * nmemb;
    if (c->overflow || c->len + n + 1 > SYNC_ACK_MAX_BYTES) {
        c->overflow = 1;
        return n; /* keep reading, but it will not count as an acknowledgement */
    }
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 16384;
        while (cap < c->len + n + 1)
            cap *= 2;
        char *nb = realloc(c->body, cap);
        if (!nb)
            return 0;
        c->body = nb;
        c->cap = cap;
    }
    memcpy(c->body + c->len, data, n);
    c->len += n;
    c->body[c->len] = '\0';
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    sync_conn *c = userp;
    size_t n = size * nmemb;
    if (n > 5 && strncasecmp(data, "ETag:", 5) == 0) {
        size_t i = 5, k = 0;
        while (i < n && (data[i] == ' ' || data[i] == '\t'))
            i++;
        while (i < n && k + 1 < sizeof c->etag && data[i] > ' ' && data[i] < 127)
            c->etag[k++] = data[i++];
        c->etag[k] = '\0';
    }
    if (n > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
        char v[32];
        size_t i = 12, k = 0;
        while (i < n && (data[i] == ' ' || data[i] == '\t'))
            i++;
        while (i < n && k + 1 < sizeof v && data[i] >= '0' && data[i] <= '9')
            v[k++] = data[i++];
        v[k] = '\0';
        long s;
        if (k > 0 && wp_parse_int(v, 0, 1000000, &s))
            c->retry_after_s = s > SYNC_RETRY_AFTER_MAX ? SYNC_RETRY_AFTER_MAX : s;
    }
    return n;
}

static int on_progress(void *userp, curl_off_t dlt, curl_off_t dln, curl_off_t ult, curl_off_t uln)
{
    (void)dlt;
    (void)dln;
    (void)ult;
    (void)uln;
    sync_conn *c = userp;
    return atomic_load(c->abort) ? 1 : 0;
}

static void conn_close(sync_conn *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->hdrs);
    free(c->body);
    memset(c, 0, sizeof *c);
}

static int conn_open(sync_conn *c, const config *cfg, const sync_tuning *t, atomic_bool *abort,
                     char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->abort = abort;
    size_t el = strlen(cfg->endpoint);
    while (el > 0 && cfg->endpoint[el - 1] == '/')
        el--;
    snprintf(c->url_responses, sizeof c->url_responses, "%.*s/v1/responses", (int)el,
             cfg->endpoint);
    snprintf(c->url_status, sizeof c->url_status, "%.*s/v1/status", (int)el, cfg->endpoint);
    snprintf(c->url_base, sizeof c->url_base, "%.*s", (int)el, cfg->endpoint);
    c->curl = curl_easy_init();
    if (!c->curl) {
        wp_errf(err, errlen, "libcurl could not start");
        return -1;
    }
    /* The bearer header is built in a buffer that is wiped right after libcurl copied it. */
    char auth[300];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", cfg->token);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (h)
        h = curl_slist_append(h, "Accept: application/json");
    if (h)
        h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    if (h)
        h = curl_slist_append(h, auth);
    memset(auth, 0, sizeof auth);
    if (!h) {
        wp_errf(err, errlen, "out of memory");
        conn_close(c);
        return -1;
    }
    c->hdrs = h;
    CURL *e = c->curl;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->hdrs);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "wijkpeil/" WIJKPEIL_VERSION);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect is never an acknowledgement */
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)t->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, (long)SYNC_LOW_SPEED_BYTES);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)t->low_speed_time_s);
    if (t->request_timeout_ms > 0)
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)t->request_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (cfg->ca_file[0])
        curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_file);
    if (cfg->pinned_public_key[0])
        curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, cfg->pinned_public_key);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
    return 0;
}

static sync_outcome conn_perform(sync_conn *c, long *status, char *err, size_t errlen);

/* POSTs body; returns SYNC_OK with *status set when an HTTP answer came, SYNC_ABORTED, or
 * SYNC_FAIL with a message (never containing the token). */
static sync_outcome conn_post(sync_conn *c, const char *url, const char *body, size_t len,
                              long *status, char *err, size_t errlen)
{
    c->len = 0;
    c->overflow = 0;
    c->retry_after_s = -1;
    c->errbuf[0] = '\0';
    *status = 0;
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    return conn_perform(c, status, err, errlen);
}

/* Runs the request set up on the handle: SYNC_OK with *status, SYNC_ABORTED or SYNC_FAIL. */
static sync_outcome conn_perform(sync_conn *c, long *status, char *err, size_t errlen)
{
    c->etag[0] = '\0';
    CURLcode rc = curl_easy_perform(c->curl);
    if (rc == CURLE_ABORTED_BY_CALLBACK || atomic_load(c->abort)) {
        wp_errf(err, errlen, "stopped");
        return SYNC_ABORTED;
    }
    if (rc != CURLE_OK) {
        const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
        if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
            rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH || rc == CURLE_SSL_CONNECT_ERROR)
            wp_errf(err, errlen, "secure connection refused (certificate not trusted?): %s", why);
        else
            wp_errf(err, errlen, "could not reach the collector: %s", why);
        return SYNC_FAIL;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
    return SYNC_OK;
}

static bool answer_is_json(sync_conn *c)
{
    const char *ct = NULL;
    curl_easy_getinfo(c->curl, CURLINFO_CONTENT_TYPE, &ct);
    return ct && strncasecmp(ct, "application/json", 16) == 0 && !c->overflow && c->body;
}

/* Explains a non-2xx answer in words; sets the outcome. */
static sync_outcome http_failure(sync_engine *g, long status)
{
    sync_conn *c = &g->conn;
    const char *detail = NULL;
    json_t *j = NULL;
    if (answer_is_json(c)) {
        j = json_loadb(c->body, c->len, 0, NULL);
        detail = json_string_value(json_object_get(j, "error"));
    }
    g->retry_after_s = c->retry_after_s;
    sync_outcome o = SYNC_FAIL;
    if (status == 401) {
        wp_errf(g->error, sizeof g->error,
                "token refused: the collector does not accept this kiosk's token (ask the "
                "central team for a new one)");
        o = SYNC_UNAUTHORIZED;
    } else if (status >= 300 && status < 400) {
        wp_errf(g->error, sizeof g->error,
                "redirected (HTTP %ld): a captive portal or proxy is in the way", status);
    } else if (status == 503 || status == 429) {
        wp_errf(g->error, sizeof g->error, "the collector is busy (HTTP %ld)%s%s", status,
                detail ? ": " : "", detail ? detail : "");
    } else {
        wp_errf(g->error, sizeof g->error, "the collector answered HTTP %ld%s%s", status,
                detail ? ": " : "", detail ? detail : "");
    }
    json_decref(j);
    return o;
}

/* ---- one batch ------------------------------------------------------------------------- */

typedef struct {
    char *text; /* "{...envelope...,\"responses\":[" item, item ... */
    size_t len, cap;
    int n, max;
    char (*ids)[37];
    int64_t last_seq;
    int failed;
} sync_batch;

static int batch_append(sync_batch *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *nt = realloc(b->text, cap);
        if (!nt)
            return -1;
        b->text = nt;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
    return 0;
}

static int batch_row(void *ctx, const store_response *r)
{
    sync_batch *b = ctx;
    char st[32], fin[32];
    wp_iso8601(r->started_at_ms, st, sizeof st);
    wp_iso8601(r->finished_at_ms, fin, sizeof fin);
    /* Sealed answers travel as stored: "sealed" in place of "answers" (PROTOCOL.md). */
    json_t *answers = r->sealed ? json_string(r->sealed)
                                : json_loads(r->answers_json ? r->answers_json : "{}", 0, NULL);
    if (!r->sealed && !json_is_object(answers)) {
        json_decref(answers);
        answers = json_object(); /* the store validated it; never send non-JSON */
    }
    json_t *o =
        json_pack("{s:s, s:I, s:s, s:i, s:s, s:s, s:s, s:I, s:s, s:b, s:o}", "id", r->id, "seq",
                  (json_int_t)r->seq, "questionset", r->questionset, "questionset_version",
                  r->questionset_version, "language", r->language, "started_at", st, "finished_at",
                  fin, "duration_ms", (json_int_t)r->duration_ms, "status",
                  r->status == STORE_ABANDONED ? "abandoned" : "complete", "clock_synced",
                  r->clock_synced ? 1 : 0, r->sealed ? "sealed" : "answers", answers);
    if (o && store_response_extras_json(r, o) != 0) {
        json_decref(o);
        o = NULL;
    }
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        b->failed = 1;
        return 1;
    }
    size_t n = strlen(text);
    if (b->n > 0 && b->len + n + 8 > SYNC_BATCH_BYTES) {
        free(text); /* next batch */
        return 1;
    }
    if ((b->n > 0 && batch_append(b, ",", 1) != 0) || batch_append(b, text, n) != 0) {
        free(text);
        b->failed = 1;
        return 1;
    }
    free(text);
    wp_strlcpy(b->ids[b->n], r->id, sizeof b->ids[0]);
    b->n++;
    b->last_seq = r->seq;
    return b->n >= b->max ? 1 : 0;
}

static char *envelope_prefix(const sync_engine *g)
{
    char now[32];
    wp_iso8601(wp_wall_ms(), now, sizeof now);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "protocol", SYNC_PROTOCOL, "device_id",
                          g->cfg->device_id, "location", g->cfg->location, "app_version",
                          WIJKPEIL_VERSION, "clock_synced", wp_clock_synced(), "sent_at", now);
    char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return t;
}

int sync_parse_ack(const char *body, size_t len, const char (*ids)[37], int n, sync_ack *verdict)
{
    for (int k = 0; k < n; k++)
        verdict[k] = SYNC_ACK_NONE;
    json_t *ack = body ? json_loadb(body, len, 0, NULL) : NULL;
    json_t *results = json_object_get(ack, "results");
    const char *proto = json_string_value(json_object_get(ack, "protocol"));
    if (!proto || strcmp(proto, SYNC_PROTOCOL) != 0 || !json_is_array(results)) {
        json_decref(ack);
        return -1;
    }
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        const char *id = json_string_value(json_object_get(r, "id"));
        const char *rs = json_string_value(json_object_get(r, "status"));
        if (!id || !rs)
            continue;
        int k = -1;
        if (i < (size_t)n && strcmp(ids[i], id) == 0) {
            k = (int)i;
        } else {
            for (int j = 0; j < n; j++)
                if (strcmp(ids[j], id) == 0) {
                    k = j;
                    break;
                }
        }
        if (k < 0 || verdict[k] != SYNC_ACK_NONE)
            continue; /* not ours, or named twice */
        if (strcmp(rs, "stored") == 0 || strcmp(rs, "duplicate") == 0)
            verdict[k] = SYNC_ACK_SENT;
        else if (strcmp(rs, "conflict") == 0 || strcmp(rs, "invalid") == 0)
            verdict[k] = SYNC_ACK_REFUSED;
    }
    json_decref(ack);
    return 0;
}

/* Sends the next batch of pending responses after *after_seq. */
static sync_outcome send_batch(sync_engine *g, int64_t *after_seq)
{
    sync_outcome out = SYNC_FAIL;
    char err[WP_ERR_LEN];
    sync_batch b = {.max = g->t.batch_max};
    const char **sent = NULL, **conf = NULL;
    sync_ack *verdict = NULL;
    b.ids = calloc((size_t)b.max, sizeof *b.ids);
    char *pre = envelope_prefix(g);
    if (!b.ids || !pre || batch_append(&b, pre, strlen(pre) - 1) != 0 ||
        batch_append(&b, ",\"responses\":[", 14) != 0) {
        wp_errf(g->error, sizeof g->error, "out of memory");
        goto done;
    }
    if (store_foreach(g->st, *after_seq, true, b.max, batch_row, &b, err, sizeof err) != 0) {
        wp_errf(g->error, sizeof g->error, "reading the responses failed: %s", err);
        goto done;
    }
    if (b.failed) {
        wp_errf(g->error, sizeof g->error, "out of memory while preparing a batch");
        goto done;
    }
    if (b.n == 0) {
        out = SYNC_DONE;
        goto done;
    }
    if (batch_append(&b, "]}", 2) != 0) {
        wp_errf(g->error, sizeof g->error, "out of memory");
        goto done;
    }
    long status = 0;
    g->batches++;
    out = conn_post(&g->conn, g->conn.url_responses, b.text, b.len, &status, g->error,
                    sizeof g->error);
    g->http_status = (int)status;
    if (out != SYNC_OK)
        goto done;
    if (status < 200 || status > 299) {
        out = http_failure(g, status);
        goto done;
    }
    out = SYNC_FAIL;
    sync_conn *c = &g->conn;
    verdict = calloc((size_t)b.n, sizeof *verdict);
    sent = calloc((size_t)b.n, sizeof *sent);
    conf = calloc((size_t)b.n, sizeof *conf);
    if (!verdict || !sent || !conf) {
        wp_errf(g->error, sizeof g->error, "out of memory");
        goto done;
    }
    if (!answer_is_json(c) ||
        sync_parse_ack(c->body, c->len, (const char(*)[37])b.ids, b.n, verdict) != 0) {
        wp_errf(g->error, sizeof g->error,
                "the answer (HTTP %ld) was not the collector's acknowledgement: a captive portal "
                "or proxy may be in the way; nothing was marked as sent",
                status);
        goto done;
    }
    size_t ns = 0, nc = 0;
    for (int k = 0; k < b.n; k++) {
        if (verdict[k] == SYNC_ACK_SENT)
            sent[ns++] = b.ids[k];
        else if (verdict[k] == SYNC_ACK_REFUSED)
            conf[nc++] = b.ids[k];
    }
    int64_t now = wp_wall_ms();
    if ((ns && store_mark(g->st, sent, ns, STORE_SENT, now, err, sizeof err) != 0) ||
        (nc && store_mark(g->st, conf, nc, STORE_CONFLICT, now, err, sizeof err) != 0)) {
        wp_errf(g->error, sizeof g->error, "marking delivered responses failed: %s", err);
        goto done;
    }
    g->sent += (int64_t)ns;
    g->conflict += (int64_t)nc;
    *after_seq = b.last_seq;
    if ((int)(ns + nc) < b.n) {
        wp_errf(g->error, sizeof g->error,
                "the collector acknowledged only %zu of %d responses; the rest will be sent again",
                ns + nc, b.n);
        goto done;
    }
    out = SYNC_OK;
done:
    free(verdict);
    free(sent);
    free(conf);
    free(pre);
    free(b.text);
    free(b.ids);
    return out;
}

/* ---- sets published from the centre (fleet.h) --------------------------------------------- */

/* The folder of the database: installed sets and downloads go there. */
static void db_dir(const char *db_path, char *dir, size_t len)
{
    wp_strlcpy(dir, db_path, len);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        wp_strlcpy(dir, ".", len);
}

/* GETs url into c->body, with If-None-Match when if_none_match is not NULL. */
static sync_outcome conn_get(sync_conn *c, const char *url, const char *if_none_match, long *status,
                             char *err, size_t errlen)
{
    struct curl_slist *h = NULL;
    char inm[128];
    if (if_none_match) {
        for (struct curl_slist *i = c->hdrs; i; i = i->next)
            h = curl_slist_append(h, i->data);
        snprintf(inm, sizeof inm, "If-None-Match: %s", if_none_match);
        h = curl_slist_append(h, inm);
        if (!h) {
            wp_errf(err, errlen, "out of memory");
            return SYNC_FAIL;
        }
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    }
    c->len = 0;
    c->overflow = 0;
    c->retry_after_s = -1;
    c->errbuf[0] = '\0';
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    sync_outcome o = conn_perform(c, status, err, errlen);
    if (h) {
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->hdrs);
        for (struct curl_slist *i = h; i; i = i->next)
            sodium_memzero(i->data, strlen(i->data)); /* a copy of the bearer header */
        curl_slist_free_all(h);
    }
    return o;
}

/* Where a download goes: appended to f, at most left bytes (more is refused). */
typedef struct {
    FILE *f;
    int64_t left;
    bool over, failed;
} sync_sink;

static size_t on_file(char *data, size_t size, size_t nmemb, void *userp)
{
    sync_sink *k = userp;
    size_t n = size * nmemb;
    if ((int64_t)n > k->left) {
        k->over = true;
        return 0; /* aborts the transfer: larger than the assignment said */
    }
    if (fwrite(data, 1, n, k->f) != n) {
        k->failed = true;
        return 0;
    }
    k->left -= (int64_t)n;
    return n;
}

/* Downloads file f of publication p to path, resuming after the bytes already there. 0 when the
 * file is complete, -1 with a message (what is there stays for the next sync). */
static int download(sync_engine *g, const fleet_pub *p, const fleet_file *f, const char *path,
                    char *err, size_t errlen)
{
    struct stat sb;
    int64_t have = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : 0;
    if (have > f->size) {
        unlink(path);
        have = 0;
    }
    if (have == f->size)
        return 0;
    char url[SYNC_URL_LEN + 2 * FLEET_NAME_LEN], range[48];
    snprintf(url, sizeof url, "%s/v1/files/%s/%s", g->conn.url_base, p->id, f->name);
    snprintf(range, sizeof range, "%lld-", (long long)have);
    sync_sink k = {fopen(path, "ab"), f->size - have, false, false};
    if (!k.f) {
        wp_errf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    CURL *e = g->conn.curl;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_RANGE, have > 0 ? range : NULL);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_file);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &k);
    curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L); /* an error page is never file content */
    long status = 0;
    char cerr[SYNC_TEXT_LEN];
    sync_outcome o = conn_perform(&g->conn, &status, cerr, sizeof cerr);
    curl_easy_setopt(e, CURLOPT_RANGE, NULL);
    curl_easy_setopt(e, CURLOPT_FAILONERROR, 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &g->conn);
    bool closed = fclose(k.f) == 0;
    if (o == SYNC_OK && have > 0 && status == 200) {
        /* The collector ignored the range: what came is the whole file after the old start. */
        wp_errf(err, errlen, "%s: the collector did not resume the download", f->name);
        unlink(path);
        return -1;
    }
    if (k.over) {
        unlink(path);
        wp_errf(err, errlen, "%s is larger than the collector announced: refused", f->name);
        return -1;
    }
    if (o != SYNC_OK || !closed || k.failed || (status != 200 && status != 206) || k.left != 0) {
        if (o == SYNC_OK && status >= 400)
            wp_errf(err, errlen, "%s: the collector answered HTTP %ld", f->name, status);
        else if (o == SYNC_OK && k.left != 0)
            wp_errf(err, errlen,
                    "%s: the download broke off (%lld of %lld bytes): resumed at the "
                    "next sync",
                    f->name, (long long)(f->size - k.left), (long long)f->size);
        else
            wp_errf(err, errlen, "%s: %s", f->name, o == SYNC_OK ? "cannot write it" : cerr);
        return -1;
    }
    return 0;
}

/* Asks what is published to this kiosk, downloads what it lacks, verifies and installs it
 * (fleet.h). Problems go to g->fleet_error (for the heartbeat); never stops the upload. */
static void fleet_sync(sync_engine *g, const char *db_path)
{
    char dir[CONFIG_PATH_LEN], err[WP_ERR_LEN], etag[96] = "", url[SYNC_URL_LEN + 32];
    g->fleet_error[0] = '\0';
    if (!g->strings)
        return; /* said once when the uploader started */
    db_dir(db_path, dir, sizeof dir);
    if (store_meta_get(g->st, FLEET_META_ETAG, etag, sizeof etag, err, sizeof err) != 0)
        etag[0] = '\0';
    snprintf(url, sizeof url, "%s/v1/assignment", g->conn.url_base);
    long status = 0;
    if (conn_get(&g->conn, url, etag[0] ? etag : NULL, &status, g->fleet_error,
                 sizeof g->fleet_error) != SYNC_OK)
        return;
    if (status == 304 || status == 404) /* unchanged, or a collector without publications */
        return;
    if (status != 200 || !answer_is_json(&g->conn)) {
        wp_errf(g->fleet_error, sizeof g->fleet_error,
                "assignment: the collector answered HTTP %ld", status);
        return;
    }
    wp_strlcpy(etag, g->conn.etag, sizeof etag);
    fleet_assignment a;
    if (fleet_parse(g->conn.body, g->conn.len, g->cfg->device_id, &a, g->fleet_error,
                    sizeof g->fleet_error) != 0)
        return;
    bool complete = fleet_reconcile(&a, wp_wall_ms(), g->st, err, sizeof err) == 0;
    for (int i = 0; i < a.n; i++) {
        const fleet_pub *p = &a.pubs[i];
        if (fleet_known(g->st, p))
            continue;
        int rc = 0;
        for (int k = 0; k < p->n_files && rc == 0; k++) {
            char path[CONFIG_PATH_LEN + 2 * FLEET_NAME_LEN];
            rc = fleet_download_path(dir, p->id, p->files[k].name, path, sizeof path, err,
                                     sizeof err);
            if (rc == 0)
                rc = download(g, p, &p->files[k], path, err, sizeof err);
        }
        if (rc == 0)
            rc = fleet_install(p, g->cfg, g->strings, dir, g->st, err, sizeof err);
        if (rc != 0) {
            complete = false;
            wp_errf(g->fleet_error, sizeof g->fleet_error, "publication %s: %s", p->id, err);
        }
    }
    fleet_assignment_free(&a);
    /* Only once everything assigned is in hand does "unchanged" (304) mean nothing to do. */
    if (complete && etag[0])
        store_meta_set(g->st, FLEET_META_ETAG, etag, err, sizeof err);
}

/* ---- heartbeat and retention ----------------------------------------------------------- */

/* Keeps the cards of a heartbeat's answer, when it has them, for the screen (store_cards_get);
 * a malformed document is not kept (the old one stays). */
static void keep_cards(sync_engine *g)
{
    json_t *ans = json_loadb(g->conn.body, g->conn.len, 0, NULL);
    json_t *jc = json_object_get(ans, "cards");
    char *doc = jc ? json_dumps(jc, JSON_COMPACT) : NULL;
    char err[WP_ERR_LEN];
    cards *c = NULL;
    if (doc && cards_parse(doc, strlen(doc), &c, err, sizeof err) == 0)
        store_cards_set(g->st, doc, wp_wall_ms(), err, sizeof err);
    cards_free(c);
    free(doc);
    json_decref(ans);
}

static void heartbeat(sync_engine *g, const char *db_path, const char *last_error)
{
    char err[WP_ERR_LEN];
    store_counts sc = {0};
    if (store_counts_get(g->st, &sc, err, sizeof err) != 0)
        return;
    int64_t count = 0, last_seq = 0;
    store_range(g->st, 0, &count, &last_seq, err, sizeof err);
    char dir[CONFIG_PATH_LEN];
    db_dir(db_path, dir, sizeof dir);
    struct statvfs vfs;
    int64_t free_bytes =
        statvfs(dir, &vfs) == 0 ? (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize : -1;
    struct sysinfo si;
    int64_t sys_up = sysinfo(&si) == 0 ? (int64_t)si.uptime : -1;
    int64_t now = wp_wall_ms();
    char iso[32];
    wp_iso8601(now, iso, sizeof iso);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:i}, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:I, "
        "s:I, s:b, s:s, s:s}",
        "protocol", SYNC_PROTOCOL, "device_id", g->cfg->device_id, "location", g->cfg->location,
        "app_version", WIJKPEIL_VERSION, "questionset", "id", g->qset_id, "version",
        g->qset_version, "stored", (json_int_t)sc.total, "pending", (json_int_t)sc.pending,
        "abandoned", (json_int_t)sc.abandoned, "conflict", (json_int_t)sc.conflict, "today",
        (json_int_t)sc.today, "last_seq", (json_int_t)last_seq, "oldest_pending_age_s",
        (json_int_t)(sc.oldest_pending_ms ? (now - sc.oldest_pending_ms) / 1000 : 0), "last_error",
        last_error ? last_error : "", "free_disk_bytes", (json_int_t)free_bytes, "uptime_s",
        (json_int_t)((wp_mono_ms() - g->start_mono) / 1000), "system_uptime_s", (json_int_t)sys_up,
        "clock_synced", wp_clock_synced(), "sent_at", iso, "opening_hours", g->cfg->opening_hours);
    /* the version of the cards held: the collector answers with its cards when they differ */
    char *held = NULL;
    cards *hc = NULL;
    if (store_cards_get(g->st, &held, err, sizeof err) == 0 &&
        cards_parse(held, strlen(held), &hc, err, sizeof err) == 0)
        json_object_set_new(o, "cards_version", json_string(cards_version(hc)));
    else
        json_object_set_new(o, "cards_version", json_string(""));
    cards_free(hc);
    free(held);
    /* What was published to this kiosk: installed (waiting, due, ended) or failed, and why. */
    char *pubs = fleet_report_json(g->st, now);
    if (o) {
        json_object_set_new(o, "publications", pubs ? json_loads(pubs, 0, NULL) : json_array());
        json_object_set_new(o, "publication_error", json_string(g->fleet_error));
    }
    free(pubs);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return;
    long status = 0;
    char herr[SYNC_TEXT_LEN];
    if (conn_post(&g->conn, g->conn.url_status, text, strlen(text), &status, herr, sizeof herr) ==
            SYNC_OK &&
        status == 401)
        http_failure(g, status);
    else if (status == 200 && answer_is_json(&g->conn))
        keep_cards(g);
    free(text);
}

/* Deletes delivered responses older than retention_days, as the centre's settings document
 * says when one is due (fleet_settings), else as the kiosk's settings say. */
static void retention(sync_engine *g, const char *db_path)
{
    char err[WP_ERR_LEN], dir[CONFIG_PATH_LEN], local[CONFIG_PATH_LEN + 16],
        doc[CONFIG_PATH_LEN + 64];
    config *eff = malloc(sizeof *eff);
    int64_t next;
    if (!eff)
        return;
    db_dir(db_path, dir, sizeof dir);
    snprintf(local, sizeof local, "%s/local.conf", dir);
    if (fleet_settings(g->st, wp_wall_ms(), g->cfg, local, eff, doc, sizeof doc, &next, err,
                       sizeof err) != 0)
        fprintf(stderr, "wijkpeil-sync: the centre's settings: %s\n", err);
    if (eff->retention_days > 0) {
        int64_t cutoff = wp_wall_ms() - (int64_t)eff->retention_days * 86400000;
        store_prune_sent(g->st, cutoff, err, sizeof err);
    }
    free(eff);
}

/* Uploads until nothing is pending or something stops it. Sets g->pending and g->conflict_total. */
static sync_outcome run_cycle(sync_engine *g, const char *db_path, atomic_bool *abort)
{
    g->sent = g->conflict = g->batches = 0;
    g->http_status = 0;
    g->retry_after_s = -1;
    if (g->error[0])
        wp_strlcpy(g->unreported, g->error, sizeof g->unreported);
    g->error[0] = '\0';
    int64_t after = 0;
    sync_outcome o;
    store_counts sc;
    char err[WP_ERR_LEN];
    g->pending_start = store_counts_get(g->st, &sc, err, sizeof err) == 0 ? sc.pending : 0;
    do {
        o = send_batch(g, &after);
        if (atomic_load(abort))
            o = SYNC_ABORTED;
        if (g->progress)
            g->progress(g->progress_ctx, g);
    } while (o == SYNC_OK);
    if (o == SYNC_DONE) {
        fleet_sync(g, db_path);
        /* The collector hears about the trouble the kiosk had before this success. */
        heartbeat(g, db_path, g->unreported);
        g->unreported[0] = '\0';
        retention(g, db_path);
        if (g->error[0] && strncmp(g->error, "token refused", 13) == 0)
            o = SYNC_UNAUTHORIZED;
    }
    if (store_counts_get(g->st, &sc, err, sizeof err) == 0) {
        g->pending = sc.pending;
        g->conflict_total = sc.conflict;
    }
    return o;
}

static int engine_open(sync_engine *g, const config *cfg, const char *db_path, const sync_tuning *t,
                       atomic_bool *abort, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    g->cfg = cfg;
    tuning_defaults(&g->t, t);
    g->start_mono = wp_mono_ms();
    if (conn_open(&g->conn, cfg, &g->t, abort, err, errlen) != 0)
        return -1;
    if (store_open(db_path, &g->st, err, errlen) != 0) {
        conn_close(&g->conn);
        return -1;
    }
    /* Published sets are validated against the kiosk's own strings, as at its start. */
    char serr[WP_ERR_LEN];
    if (uistr_load_builtin(&g->strings, serr, sizeof serr) != 0) {
        g->strings = NULL;
        fprintf(stderr, "wijkpeil-sync: published sets are not fetched: %s\n", serr);
    }
    return 0;
}

static void engine_close(sync_engine *g)
{
    uistr_free(g->strings);
    store_close(g->st);
    conn_close(&g->conn);
}

static int check_config(const config *cfg, char *err, size_t errlen)
{
    if (sync_check_endpoint(cfg->endpoint, err, errlen) != 0)
        return -1;
    if (!cfg->token[0]) {
        wp_errf(err, errlen, "sync: an endpoint is configured but no token (set token = ...)");
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        wp_errf(err, errlen, "libcurl could not initialise");
        return -1;
    }
    return 0;
}

static void describe(const sync_engine *g, sync_outcome o, char *buf, size_t len)
{
    char conf[96] = "";
    if (g->conflict)
        snprintf(conf, sizeof conf, "; %lld refused as conflicting (kept, see staff screen)",
                 (long long)g->conflict);
    if (o == SYNC_DONE && g->sent == 0)
        snprintf(buf, len, "nothing to send; nothing waiting%s", conf);
    else if (o == SYNC_DONE)
        snprintf(buf, len, "sent %lld response%s%s; nothing waiting", (long long)g->sent,
                 g->sent == 1 ? "" : "s", conf);
    else if (o == SYNC_UNAUTHORIZED)
        snprintf(buf, len, "token refused by the collector; %lld responses waiting, none lost",
                 (long long)g->pending);
    else if (o == SYNC_ABORTED)
        snprintf(buf, len, "stopped; %lld responses waiting", (long long)g->pending);
    else
        snprintf(buf, len, "sent %lld responses%s; %lld still waiting: %s", (long long)g->sent,
                 conf, (long long)g->pending, g->error);
}

/* ---- foreground run -------------------------------------------------------------------- */

int sync_run_once_tuned(const config *cfg, const char *db_path, const sync_tuning *tuning,
                        sync_report *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!cfg->endpoint[0]) {
        wp_errf(err, errlen, "sync is off: no endpoint in the config (endpoint = https://...)");
        return -1;
    }
    if (check_config(cfg, err, errlen) != 0)
        return -1;
    atomic_bool abort_flag = false;
    sync_engine g;
    if (engine_open(&g, cfg, db_path, tuning, &abort_flag, err, errlen) != 0)
        return -1;
    /* the heartbeat reports the set the screen has active, as the uploader daemon's does */
    synclink_read_active(g.st, g.qset_id, sizeof g.qset_id, &g.qset_version);
    sync_outcome o = run_cycle(&g, db_path, &abort_flag);
    out->sent = g.sent;
    out->conflict = g.conflict;
    out->pending = g.pending;
    out->batches = g.batches;
    out->token_refused = o == SYNC_UNAUTHORIZED;
    out->http_status = g.http_status;
    describe(&g, o, out->summary, sizeof out->summary);
    engine_close(&g);
    return (o == SYNC_DONE && out->pending == 0 && out->conflict == 0) ? 0 : 1;
}

int sync_run_once(const config *cfg, const char *db_path, sync_report *out, char *err,
                  size_t errlen)
{
    return sync_run_once_tuned(cfg, db_path, NULL, out, err, errlen);
}

/* ---- the uploader thread --------------------------------------------------------------- */

static int64_t jitter(sync_ctx *s, int64_t ms)
{
    /* xorshift64*: "equal jitter", half fixed and half random, so kiosks do not retry in step */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    uint64_t r = s->rng * 2685821657736338717ULL;
    int64_t half = ms / 2;
    return half + (half > 0 ? (int64_t)(r % (uint64_t)(half + 1)) : 0);
}

static void wait_until(sync_ctx *s, int64_t due_mono)
{
    if (due_mono == SYNC_NEVER) {
        pthread_cond_wait(&s->cv, &s->mu);
        return;
    }
    struct timespec ts = {.tv_sec = (time_t)(due_mono / 1000),
                          .tv_nsec = (long)(due_mono % 1000) * 1000000L};
    pthread_cond_timedwait(&s->cv, &s->mu, &ts);
}

/* Hands the observer a copy of the state; called with s->mu held, releases it meanwhile. */
static void observe_locked(sync_ctx *s)
{
    if (!s->observer)
        return;
    sync_state copy = s->st;
    pthread_mutex_unlock(&s->mu);
    s->observer(s->observer_ctx, &copy);
    pthread_mutex_lock(&s->mu);
}

/* After each batch: staff see the pending count go down while a long upload runs. */
static void thread_progress(void *ctx, const sync_engine *g)
{
    sync_ctx *s = ctx;
    pthread_mutex_lock(&s->mu);
    int64_t left = g->pending_start - g->sent - g->conflict;
    s->st.pending = left > 0 ? left : 0;
    observe_locked(s);
    pthread_mutex_unlock(&s->mu);
}

static void *thread_main(void *arg)
{
    sync_ctx *s = arg;
    sync_engine g;
    char err[WP_ERR_LEN];
    bool open = false;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        int64_t now = wp_mono_ms();
        bool due = s->now || now >= s->next_due_mono ||
                   (s->wake && !s->in_backoff && !s->st.token_refused);
        if (!due) {
            wait_until(s, s->next_due_mono);
            continue;
        }
        bool forced = s->now;
        s->wake = s->now = false;
        s->st.busy = true;
        s->st.last_attempt_ms = wp_wall_ms();
        if (forced)
            s->st.token_refused = false;
        observe_locked(s);
        pthread_mutex_unlock(&s->mu);
        sync_outcome o;
        if (!open) {
            if (engine_open(&g, &s->cfg, s->db_path, &s->t, &s->abort, err, sizeof err) == 0) {
                open = true;
                g.progress = thread_progress;
                g.progress_ctx = s;
            }
        }
        if (open) {
            pthread_mutex_lock(&s->mu);
            wp_strlcpy(g.qset_id, s->qset_id, sizeof g.qset_id);
            g.qset_version = s->qset_version;
            pthread_mutex_unlock(&s->mu);
            o = run_cycle(&g, s->db_path, &s->abort);
        } else {
            o = SYNC_FAIL;
        }
        pthread_mutex_lock(&s->mu);
        s->st.busy = false;
        now = wp_mono_ms();
        if (open) {
            s->st.pending = g.pending;
            s->st.conflict = g.conflict_total;
            s->st.sent_total += g.sent;
            describe(&g, o, s->st.last_result, sizeof s->st.last_result);
            wp_strlcpy(s->st.last_error, o == SYNC_DONE ? "" : g.error, sizeof s->st.last_error);
        } else {
            wp_strlcpy(s->st.last_error, err, sizeof s->st.last_error);
            snprintf(s->st.last_result, sizeof s->st.last_result, "could not start: %s", err);
        }
        s->in_backoff = false;
        if (o == SYNC_DONE) {
            s->backoff_ms = 0;
            s->st.last_success_ms = wp_wall_ms();
            s->next_due_mono =
                now +
                (int64_t)(s->cfg.sync_interval_seconds > 0 ? s->cfg.sync_interval_seconds : 300) *
                    1000;
        } else if (o == SYNC_UNAUTHORIZED) {
            s->st.token_refused = true;
            s->next_due_mono = SYNC_NEVER; /* until staff press "sync now" */
        } else if (o == SYNC_FAIL) {
            s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : s->t.backoff_min_ms;
            if (s->backoff_ms > s->t.backoff_max_ms)
                s->backoff_ms = s->t.backoff_max_ms;
            int64_t delay = jitter(s, s->backoff_ms);
            /* Retry-After is a floor, never a way around the backoff (a 0 would spin). */
            if (open && g.retry_after_s >= 0 && (int64_t)g.retry_after_s * 1000 > delay)
                delay = (int64_t)g.retry_after_s * 1000;
            s->in_backoff = true;
            s->next_due_mono = now + delay;
        }
        s->st.next_attempt_ms =
            s->next_due_mono == SYNC_NEVER ? 0 : wp_wall_ms() + (s->next_due_mono - now);
        observe_locked(s);
    }
    pthread_mutex_unlock(&s->mu);
    if (open)
        engine_close(&g);
    return NULL;
}

int sync_start_tuned(const config *cfg, const char *db_path, const sync_tuning *tuning,
                     sync_ctx **out, char *err, size_t errlen)
{
    return sync_start_observed(cfg, db_path, tuning, NULL, NULL, out, err, errlen);
}

int sync_start_observed(const config *cfg, const char *db_path, const sync_tuning *tuning,
                        sync_observer observer, void *observer_ctx, sync_ctx **out, char *err,
                        size_t errlen)
{
    *out = NULL;
    if (!cfg->endpoint[0])
        return 0; /* sync off */
    if (check_config(cfg, err, errlen) != 0)
        return -1;
    sync_ctx *s = calloc(1, sizeof *s);
    if (!s) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    s->cfg = *cfg;
    wp_strlcpy(s->db_path, db_path, sizeof s->db_path);
    tuning_defaults(&s->t, tuning);
    atomic_init(&s->abort, false);
    s->st.enabled = true;
    s->observer = observer;
    s->observer_ctx = observer_ctx;
    s->next_due_mono = 0; /* first attempt at once */
    s->rng = (uint64_t)wp_mono_ms() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)wp_wall_ms() ^
             (uint64_t)(uintptr_t)s;
    if (!s->rng)
        s->rng = 1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->thread, NULL, thread_main, s) != 0) {
        wp_errf(err, errlen, "could not start the uploader thread");
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return -1;
    }
    s->started = true;
    *out = s;
    return 0;
}

int sync_start(const config *cfg, const char *db_path, sync_ctx **out, char *err, size_t errlen)
{
    return sync_start_tuned(cfg, db_path, NULL, out, err, errlen);
}

void sync_wake(sync_ctx *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->wake = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void sync_now(sync_ctx *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->now = true;
    s->backoff_ms = 0;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void sync_set_active(sync_ctx *s, const char *qset_id, int version)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    wp_strlcpy(s->qset_id, qset_id ? qset_id : "", sizeof s->qset_id);
    s->qset_version = version;
    pthread_mutex_unlock(&s->mu);
}

void sync_get_state(sync_ctx *s, sync_state *out)
{
    if (!s) {
        memset(out, 0, sizeof *out);
        wp_strlcpy(out->last_result, "sync is off (no endpoint configured)",
                   sizeof out->last_result);
        return;
    }
    pthread_mutex_lock(&s->mu);
    *out = s->st;
    pthread_mutex_unlock(&s->mu);
}

void sync_stop(sync_ctx *s)
{
    if (!s)
        return;
    atomic_store(&s->abort, true);
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started)
        pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    memset(s->cfg.token, 0, sizeof s->cfg.token);
    free(s);
}
