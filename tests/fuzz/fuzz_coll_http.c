/* The collector's request bodies as a kiosk (or whoever holds a device token) sends them: a real
 * libmicrohttpd server on 127.0.0.1 with an in-memory database, one POST per input. The first
 * byte's low bit picks /v1/responses or /v1/status; the rest is the body. Every answer must be a
 * complete HTTP response with a JSON body (PROTOCOL.md), and status must still print after it. */
#include "coll_db.h"
#include "coll_http.h"
#include "fuzzlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define FUZZ_REPLY_MAX (8u * 1024u * 1024u)

typedef struct {
    coll_db *db;
    coll_http *http;
    int port;
    char token[COLL_TOKEN_LEN];
    FILE *devnull;
    char *reply;
} server;

static server *get_server(void)
{
    static server s; /* started once: libFuzzer's interface leaves no handle */
    if (s.http)
        return &s;
    char err[512];
    coll_http_opts o = {.listen = "127.0.0.1:0"};
    if (coll_db_open(":memory:", &s.db, err, sizeof err) != 0 ||
        coll_db_device_add(s.db, "kiosk-1", "nazareth", s.token, err, sizeof err) != 0 ||
        coll_http_start(s.db, &o, &s.http, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: cannot start the collector: %s\n", err);
        abort();
    }
    s.port = coll_http_port(s.http);
    s.devnull = fopen("/dev/null", "w");
    s.reply = malloc(FUZZ_REPLY_MAX + 1);
    if (!s.devnull || !s.reply)
        abort();
    return &s;
}

static void send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue; /* libFuzzer's timeout alarm */
        if (w <= 0)
            return; /* the server may answer and close before reading everything (413) */
        p += w;
        len -= (size_t)w;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    server *s = get_server();
    const char *path = size > 0 && (data[0] & 1) ? "/v1/status" : "/v1/responses";
    const char *body = size > 0 ? (const char *)data + 1 : "";
    size_t blen = size > 0 ? size - 1 : 0;

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 30};
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINTR)) {
        perror("fuzz: connect");
        abort();
    }
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                      "Connection: close\r\n\r\n",
                      path, s->token, blen);
    send_all(fd, head, (size_t)hl);
    send_all(fd, body, blen);
    size_t got = 0;
    for (;;) {
        ssize_t r = recv(fd, s->reply + got, FUZZ_REPLY_MAX - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            perror("fuzz: no complete answer from the collector");
            abort(); /* a hang is a bug too */
        }
        if (r == 0 || (got += (size_t)r) == FUZZ_REPLY_MAX)
            break;
    }
    close(fd);
    s->reply[got] = '\0';
    char *sep = strstr(s->reply, "\r\n\r\n");
    if (strncmp(s->reply, "HTTP/1.1 ", 9) != 0 || !sep) {
        fprintf(stderr, "fuzz: not an HTTP answer: %.200s\n", s->reply);
        abort();
    }
    json_t *j = json_loads(sep + 4, 0, NULL);
    if (!json_is_object(j)) {
        fprintf(stderr, "fuzz: answer without a JSON body: %.300s\n", s->reply);
        abort();
    }
    json_decref(j);
    char err[512];
    if (coll_db_status(s->db, s->devnull, 1800000000000LL, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: status failed: %s\n", err);
        abort();
    }
    return 0;
}
