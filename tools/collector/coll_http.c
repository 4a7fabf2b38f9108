/* libmicrohttpd endpoint of the collector: authenticates kiosks, stores batches atomically, and
 * answers with per-UUID acknowledgements or a JSON error. */
#include "coll_http.h"

#include "coll_deadline.h"
#include "coll_ingest.h"
#include "coll_public.h"
#include "coll_share.h"
#include "coll_pub.h"
#include "util.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COLL_HTTP_MAX_CONN    1024 /* open connections in all; each costs a socket and 32 KiB */
#define COLL_HTTP_PER_ADDRESS 32   /* open connections one client address may hold */
#define COLL_HTTP_THREADS     4    /* event loops; a slow database write holds up only one */
#define COLL_TOKEN_MAX        256

struct coll_http {
    struct MHD_Daemon *d;
    coll_db *db;
    coll_deadline *deadline;
    coll_dash *dash;
    char *cert, *key;        /* PEM text, alive as long as the daemon */
    coll_results_sets *sets; /* the --qset files: the cards' questions (coll_share) */
    int64_t k;               /* small-count threshold of the cards */
    bool public_page;        /* /public/LOCATION is served (not serve --no-public) */
    int delay_ms;
    int port;
};

typedef struct {
    char *buf;
    size_t len, cap;
    int too_big;
    int is_status; /* POST /v1/status (else /v1/responses) */
    int answered;  /* an answer is queued; the rest of the body is dropped */
    char device[COLL_NAME_MAX];
    char location[COLL_NAME_MAX]; /* the device's */
    int is_dash;                  /* a dashboard path: dash holds its state */
    void *dash;
} coll_req;

typedef struct {
    const char *name;
    int n;
} header_count;

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned code, json_t *body,
                                 int retry_after)
{
    if (!json_object_get(body, "protocol"))
        json_object_set_new(body, "protocol", json_string(COLL_PROTOCOL));
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    if (retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    enum MHD_Result r = MHD_queue_response(c, code, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
    /* A message may quote the request (jansson's "near '...'"), cut inside a UTF-8 sequence:
     * json_pack refuses that, and the kiosk would get no answer at all. Say it in ASCII. */
    char ascii[512];
    size_t n = 0;
    for (; msg[n] && n + 1 < sizeof ascii; n++)
        ascii[n] = (msg[n] >= 0x20 && msg[n] < 0x7f) ? msg[n] : '?';
    ascii[n] = '\0';
    return send_json(c, code, json_pack("{s:s}", "error", ascii), code == 503 ? 5 : 0);
}

static size_t body_limit(const coll_req *r)
{
    return r->is_status ? COLL_HTTP_MAX_STATUS : COLL_HTTP_MAX_BODY;
}

static enum MHD_Result send_too_big(struct MHD_Connection *c, const coll_req *r)
{
    return send_error(c, 413,
                      r->is_status ? "status body too large (at most 16 KiB)"
                                   : "request body too large (at most 2 MiB)");
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    (void)value;
    header_count *hc = cls;
    if (key && strcasecmp(key, hc->name) == 0)
        hc->n++;
    return MHD_YES;
}

/* "application/json", optionally with "; charset=utf-8" (media types are case-insensitive). */
static bool content_type_ok(const char *ct)
{
    static const char type[] = "application/json";
    if (!ct || strncasecmp(ct, type, sizeof type - 1) != 0)
        return false;
    const char *p = ct + sizeof type - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return true;
    if (*p++ != ';')
        return false;
    while (*p == ' ' || *p == '\t')
        p++;
    return strcasecmp(p, "charset=utf-8") == 0 || strcasecmp(p, "charset=\"utf-8\"") == 0;
}

/* Authenticates the bearer token: 0 and the device name, or an answer has been queued. */
static int authenticate(coll_http *s, struct MHD_Connection *c, char *name, size_t namelen,
                        char *loc, size_t loclen, enum MHD_Result *ret)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!auth || strncmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) == 0 ||
        strlen(auth + 7) > COLL_TOKEN_MAX) {
        *ret = send_error(c, 401, "missing bearer token");
        return -1;
    }
    char err[WP_ERR_LEN];
    int r = coll_db_auth(s->db, auth + 7, name, namelen, loc, loclen, err, sizeof err);
    if (r == 1) {
        *ret = send_error(c, 401, "token refused: unknown or revoked device");
        return -1;
    }
    if (r < 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        *ret = send_error(c, 503, "collector database unavailable");
        return -1;
    }
    return 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static enum MHD_Result do_responses(coll_http *s, struct MHD_Connection *c, const char *device,
                                    json_t *body)
{
    json_t *arr = json_object_get(body, "responses");
    if (!json_is_array(arr))
        return send_error(c, 400, "\"responses\" must be an array");
    if (json_array_size(arr) > COLL_MAX_BATCH) {
        char m[96];
        snprintf(m, sizeof m, "at most %d responses per request", COLL_MAX_BATCH);
        return send_error(c, 413, m);
    }
    json_t *dev = json_object_get(body, "device_id");
    if (dev && !json_is_string(dev))
        return send_error(c, 400, "\"device_id\" must be a string");
    if (s->delay_ms > 0)
        sleep_ms(s->delay_ms);
    json_t *results = json_array();
    coll_counts counts = {0};
    char err[WP_ERR_LEN];
    int64_t now = wp_wall_ms();
    if (!results || coll_ingest_batch(s->db, device, arr, now, "upload", results, &counts, err,
                                      sizeof err) != 0) {
        json_decref(results);
        fprintf(stderr, "wijkpeil-collector: %s: batch not stored: %s\n", device, err);
        return send_error(c, 503, "the collector could not store the batch; nothing was kept");
    }
    if (counts.unopened)
        fprintf(stderr,
                "wijkpeil-collector: %s: %lld responses do not open with the secret key (the "
                "wrong key?); stored sealed\n",
                device, (long long)counts.unopened);
    if (counts.conflict || counts.invalid)
        fprintf(stderr,
                "wijkpeil-collector: %s: %lld conflicting and %lld invalid responses refused\n",
                device, (long long)counts.conflict, (long long)counts.invalid);
    char iso[32];
    wp_iso8601(now, iso, sizeof iso);
    return send_json(c, 200,
                     json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "device", device,
                               "received_at", iso, "stored", (json_int_t)counts.stored, "duplicate",
                               (json_int_t)counts.duplicate, "conflict",
                               (json_int_t)counts.conflict, "invalid", (json_int_t)counts.invalid,
                               "results", results),
                     0);
}

static enum MHD_Result do_status(coll_http *s, struct MHD_Connection *c, const char *device,
                                 const char *location, json_t *body)
{
    json_t *pending = json_object_get(body, "pending");
    json_t *clock = json_object_get(body, "clock_synced");
    json_t *lerr = json_object_get(body, "last_error");
    json_t *cver = json_object_get(body, "cards_version");
    if ((pending && (!json_is_integer(pending) || json_integer_value(pending) < 0)) ||
        (clock && !json_is_boolean(clock)) || (lerr && !json_is_string(lerr)) ||
        (cver && !json_is_string(cver)))
        return send_error(c, 400,
                          "status: \"pending\" must be an integer >= 0, \"clock_synced\" a "
                          "boolean, "
                          "\"last_error\" and \"cards_version\" strings");
    char *text = json_dumps(body, JSON_COMPACT);
    char err[WP_ERR_LEN];
    int64_t now = wp_wall_ms();
    char le[COLL_LAST_ERROR_MAX];
    wp_strlcpy(le, lerr ? json_string_value(lerr) : "", sizeof le);
    int r = text ? coll_db_heartbeat(s->db, device, text, now, clock ? json_is_true(clock) : -1, le,
                                     pending ? json_integer_value(pending) : -1, err, sizeof err)
                 : -1;
    free(text);
    if (r != 0)
        return send_error(c, 503, "the collector could not store the status");
    char iso[32];
    wp_iso8601(now, iso, sizeof iso);
    json_t *ans = json_pack("{s:b, s:s}", "ok", 1, "received_at", iso);
    /* the cards of the device's location, when the kiosk asks and has another version */
    json_t *cards = NULL;
    if (cver && ans &&
        coll_share_cards(s->db, s->sets, location, s->k, now, &cards, NULL, err, sizeof err) != 0)
        fprintf(stderr, "wijkpeil-collector: %s: cards not computed: %s\n", device, err);
    if (cards &&
        strcmp(json_string_value(json_object_get(cards, "version")), json_string_value(cver)) != 0)
        json_object_set(ans, "cards", cards);
    json_decref(cards);
    return send_json(c, 200, ans, 0);
}

/* GET /v1/assignment: what is published to this device (coll_pub.h), 304 when the kiosk's
 * If-None-Match holds the current tag. */
static enum MHD_Result do_assignment(coll_http *s, struct MHD_Connection *c, const char *device,
                                     const char *location)
{
    char *json = NULL, etag[COLL_PUB_ETAG_LEN], err[WP_ERR_LEN];
    if (coll_pub_assignment(s->db, device, location, wp_wall_ms(), &json, etag, err, sizeof err) !=
        0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return send_error(c, 503, "collector database unavailable");
    }
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    bool same = inm && strcmp(inm, etag) == 0;
    struct MHD_Response *resp =
        same ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
             : MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(json);
        return MHD_NO;
    }
    if (same)
        free(json);
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    if (!same)
        MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result r = MHD_queue_response(c, same ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return r;
}

/* "bytes=START-", "bytes=START-END" or "bytes=-SUFFIX" against a file of size bytes: 1 with
 * the range, 0 when there is no Range header (or one of another unit: the whole file), -1
 * when it cannot be satisfied. */
static int parse_range(const char *h, size_t size, size_t *from, size_t *to)
{
    if (!h || strncmp(h, "bytes=", 6) != 0)
        return 0;
    const char *p = h + 6;
    char *end;
    if (*p == '-') {
        unsigned long long n = strtoull(p + 1, &end, 10);
        if (end == p + 1 || *end || n == 0 || size == 0)
            return -1;
        *from = n >= size ? 0 : size - (size_t)n;
        *to = size - 1;
        return 1;
    }
    if (*p < '0' || *p > '9')
        return -1;
    unsigned long long a = strtoull(p, &end, 10), b = size ? size - 1 : 0;
    if (*end != '-')
        return -1;
    p = end + 1;
    if (*p) {
        if (*p < '0' || *p > '9')
            return -1;
        b = strtoull(p, &end, 10);
        if (*end || b < a)
            return -1;
        if (b >= size)
            b = size ? size - 1 : 0;
    }
    if (a >= size)
        return -1;
    *from = (size_t)a;
    *to = (size_t)b;
    return 1;
}

/* GET /v1/files/ID/NAME: a file of a publication assigned to this device, whole or a Range
 * (downloads resume where they broke off). */
static enum MHD_Result do_file(coll_http *s, struct MHD_Connection *c, const char *device,
                               const char *location, const char *rest)
{
    char id[COLL_PUB_ID_LEN + 1], err[WP_ERR_LEN], sha[65];
    const char *slash = strchr(rest, '/');
    if (!slash || (size_t)(slash - rest) >= sizeof id || !slash[1])
        return send_error(c, 404, "no such file (GET /v1/files/ID/NAME)");
    memcpy(id, rest, (size_t)(slash - rest));
    id[slash - rest] = '\0';
    unsigned char *data = NULL;
    size_t len = 0;
    int rc =
        coll_pub_file(s->db, device, location, id, slash + 1, &data, &len, sha, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "wijkpeil-collector: %s\n", err);
        return send_error(c, 503, "collector database unavailable");
    }
    if (rc == 1)
        return send_error(c, 404, "no such file published to this device");
    size_t from = 0, to = len ? len - 1 : 0;
    int ranged =
        parse_range(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range"), len, &from, &to);
    char cr[96];
    if (ranged < 0) {
        free(data);
        snprintf(cr, sizeof cr, "bytes */%zu", len);
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (!resp)
            return MHD_NO;
        MHD_add_response_header(resp, "Content-Range", cr);
        enum MHD_Result r = MHD_queue_response(c, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp);
        MHD_destroy_response(resp);
        return r;
    }
    size_t n = len ? to - from + 1 : 0;
    if (from > 0)
        memmove(data, data + from, n);
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    char etag[70];
    snprintf(etag, sizeof etag, "\"%s\"", sha);
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Accept-Ranges", "bytes");
    MHD_add_response_header(resp, "Content-Type", "application/octet-stream");
    if (ranged) {
        snprintf(cr, sizeof cr, "bytes %zu-%zu/%zu", from, to, len);
        MHD_add_response_header(resp, "Content-Range", cr);
    }
    enum MHD_Result r =
        MHD_queue_response(c, ranged ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return r;
}

/* The GET paths kiosks use for publications; answered from the headers alone. */
static enum MHD_Result do_get(coll_http *s, struct MHD_Connection *c, const char *url,
                              const char *method)
{
    if (strcmp(method, "GET") != 0)
        return send_error(c, 405, "use GET");
    enum MHD_Result ret = MHD_YES;
    char device[COLL_NAME_MAX], location[COLL_NAME_MAX];
    if (authenticate(s, c, device, sizeof device, location, sizeof location, &ret) != 0)
        return ret;
    if (strcmp(url, "/v1/assignment") == 0)
        return do_assignment(s, c, device, location);
    return do_file(s, c, device, location, url + strlen("/v1/files/"));
}

/* Answers everything that can be decided from the request line and headers, before any body is
 * read: path, method, duplicate framing headers, the bearer token, Content-Type and the announced
 * length. Returns 1 when an answer has been queued (in *ret), 0 to go on reading the body. */
static int check_headers(coll_http *s, struct MHD_Connection *c, const char *url,
                         const char *method, coll_req *r, enum MHD_Result *ret)
{
    int is_resp = strcmp(url, "/v1/responses") == 0;
    if (strcmp(url, "/v1/assignment") == 0 || strncmp(url, "/v1/files/", 10) == 0) {
        *ret = do_get(s, c, url, method);
        return 1;
    }
    if (!is_resp && strcmp(url, "/v1/status") != 0) {
        *ret = send_error(c, 404,
                          "unknown path (wijkpeil-sync/1 has /v1/responses, /v1/status,"
                          " /v1/assignment and /v1/files/)");
        return 1;
    }
    if (strcmp(method, "POST") != 0) {
        *ret = send_error(c, 405, "use POST");
        return 1;
    }
    r->is_status = !is_resp;
    static const char *const single[] = {"Content-Length", "Content-Type", "Authorization",
                                         "Transfer-Encoding"};
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        header_count hc = {.name = single[i]};
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &hc);
        if (hc.n > 1) {
            char m[96];
            snprintf(m, sizeof m, "more than one %s header", single[i]);
            *ret = send_error(c, 400, m);
            return 1;
        }
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding")) {
        *ret = send_error(c, 400, "Content-Length and Transfer-Encoding together");
        return 1;
    }
    if (authenticate(s, c, r->device, sizeof r->device, r->location, sizeof r->location, ret) != 0)
        return 1;
    if (!content_type_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"))) {
        *ret = send_error(c, 415, "Content-Type must be application/json");
        return 1;
    }
    long n;
    if (cl && !wp_parse_int(cl, 0, LONG_MAX, &n)) {
        *ret = send_error(c, 400, "Content-Length must be a number of bytes");
        return 1;
    }
    if (cl && (unsigned long)n > body_limit(r)) {
        *ret = send_too_big(c, r);
        return 1;
    }
    return 0;
}

static enum MHD_Result respond(coll_http *s, struct MHD_Connection *c, coll_req *r)
{
    if (r->too_big)
        return send_too_big(c, r);
    json_error_t jerr;
    json_t *body = json_loadb(r->buf ? r->buf : "", r->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        char m[300];
        snprintf(m, sizeof m, "malformed JSON at line %d column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        return send_error(c, 400, m);
    }
    json_t *proto = json_object_get(body, "protocol");
    if (!json_is_object(body) || !json_is_string(proto) ||
        strcmp(json_string_value(proto), COLL_PROTOCOL) != 0) {
        json_decref(body);
        return send_error(c, 400,
                          "the body must be a JSON object with \"protocol\": "
                          "\"" COLL_PROTOCOL "\"");
    }
    enum MHD_Result ret = r->is_status ? do_status(s, c, r->device, r->location, body)
                                       : do_responses(s, c, r->device, body);
    json_decref(body);
    return ret;
}

static coll_deadline_conn *deadline_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void connection_event(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    coll_http *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? coll_deadline_watch(s->deadline, ci->connect_fd) : NULL;
    } else {
        coll_deadline_forget(s->deadline, *socket_context);
        *socket_context = NULL;
    }
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls)
{
    (void)version;
    coll_http *s = cls;
    coll_req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        coll_deadline_headers_in(s->deadline, deadline_of(c));
        if (s->public_page && strncmp(url, "/public/", 8) == 0) {
            r->answered = 1;
            return coll_public_handle(s->db, s->sets, s->k, c, url + 8, method);
        }
        r->is_dash = strncmp(url, "/v1/", 4) != 0;
        if (r->is_dash)
            return coll_dash_handle(s->dash, c, url, method, upload_data, upload_data_size,
                                    &r->dash);
        enum MHD_Result ret = MHD_YES;
        if (check_headers(s, c, url, method, r, &ret) != 0) {
            r->answered = 1;
            return ret;
        }
        return MHD_YES;
    }
    if (r->is_dash)
        return coll_dash_handle(s->dash, c, url, method, upload_data, upload_data_size, &r->dash);
    if (r->answered) { /* answered from the headers: whatever body follows is dropped */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->too_big)
            return MHD_YES;
        if (r->len + n > body_limit(r)) {
            r->too_big = 1;
            free(r->buf);
            r->buf = NULL;
            r->len = r->cap = 0;
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            size_t cap = r->cap ? r->cap : 16384;
            while (cap < r->len + n + 1)
                cap *= 2;
            char *nb = realloc(r->buf, cap);
            if (!nb)
                return MHD_NO;
            r->buf = nb;
            r->cap = cap;
        }
        memcpy(r->buf + r->len, upload_data, n);
        r->len += n;
        return MHD_YES;
    }
    r->answered = 1;
    return respond(s, c, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    coll_http *s = cls;
    coll_deadline_answered(s->deadline, deadline_of(c));
    coll_req *r = *con_cls;
    if (r) {
        coll_dash_completed(r->dash);
        free(r->buf);
        free(r);
        *con_cls = NULL;
    }
}

int coll_http_start(coll_db *db, const coll_http_opts *o, coll_http **out, char *err, size_t errlen)
{
    *out = NULL;
    char host[128];
    const char *colon = strrchr(o->listen, ':');
    long port;
    if (!colon || colon == o->listen || (size_t)(colon - o->listen) >= sizeof host ||
        !wp_parse_int(colon + 1, 0, 65535, &port)) {
        wp_errf(err, errlen, "--listen %s: expected ADDR:PORT, e.g. 127.0.0.1:8443", o->listen);
        return -1;
    }
    memcpy(host, o->listen, (size_t)(colon - o->listen));
    host[colon - o->listen] = '\0';
    struct sockaddr_in6 a6 = {0};
    struct sockaddr_in a4 = {0};
    const struct sockaddr *sa;
    /* suspend/resume: a sign-in's password hash runs on a thread of its own (coll_dash) */
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        memmove(host, host + 1, hl - 1);
    }
    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        wp_errf(err, errlen, "--listen %s: \"%s\" is not an IP address", o->listen, host);
        return -1;
    }
    if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
        wp_errf(err, errlen, "--tls-cert and --tls-key go together");
        return -1;
    }
    coll_http *s = calloc(1, sizeof *s);
    if (!s) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    s->db = db;
    s->delay_ms = o->delay_ms;
    s->k = o->dash.k > 0 ? o->dash.k : COLL_DASH_K_DEFAULT;
    s->public_page = !o->no_public;
    if (coll_results_sets_load(o->dash.qsets, o->dash.nqsets, &s->sets, err, errlen) != 0)
        goto fail;
    if (o->tls_cert) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            wp_errf(err, errlen, "this libmicrohttpd was built without TLS support");
            goto fail;
        }
        if (wp_read_file(o->tls_cert, 1u << 20, &s->cert, NULL, err, errlen) != 0 ||
            wp_read_file(o->tls_key, 1u << 20, &s->key, NULL, err, errlen) != 0)
            goto fail;
        flags |= MHD_USE_TLS;
    }
    if (coll_dash_new(db, &o->dash, o->tls_cert != NULL, &s->dash, err, errlen) != 0)
        goto fail;
    if (coll_deadline_start(o->header_timeout_s > 0 ? o->header_timeout_s : COLL_HTTP_HEADER_S,
                            &s->deadline, err, errlen) != 0)
        goto fail;
    unsigned timeout = o->timeout_s > 0 ? (unsigned)o->timeout_s : COLL_HTTP_TIMEOUT_S;
    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_SOCK_ADDR, 0, (void *)sa},
        {MHD_OPTION_THREAD_POOL_SIZE, COLL_HTTP_THREADS, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, COLL_HTTP_MAX_CONN, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, COLL_HTTP_PER_ADDRESS, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)timeout, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, s},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)connection_event, s},
        /* without TLS the list ends here */
        {o->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key},
        {MHD_OPTION_END, 0, NULL},
    };
    s->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, s, MHD_OPTION_ARRAY, ops,
                            MHD_OPTION_END);
    if (!s->d) {
        wp_errf(err, errlen, "cannot listen on %s (address in use, or bad TLS certificate/key?)",
                o->listen);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : (int)port;
    *out = s;
    return 0;
fail:
    coll_http_stop(s);
    return -1;
}

int coll_http_port(const coll_http *s)
{
    return s->port;
}

void coll_http_stop(coll_http *s)
{
    if (!s)
        return;
    coll_dash_drain(s->dash); /* sign-ins being hashed resume their connections first */
    if (s->d)
        MHD_stop_daemon(s->d);
    coll_dash_free(s->dash);
    coll_results_sets_free(s->sets);
    coll_deadline_stop(s->deadline);
    free(s->cert);
    if (s->key) {
        memset(s->key, 0, strlen(s->key));
        free(s->key);
    }
    free(s);
}
