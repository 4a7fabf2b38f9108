/* How the kiosk reads the collector's acknowledgement (sync_parse_ack, also fuzzed by
 * tests/fuzz/fuzz_sync_ack.c): only a wijkpeil-sync/1 answer counts, each sent UUID gets one
 * verdict, and results about other UUIDs or naming one twice change nothing. */
#include "sync.h"
#include "testlib.h"

#include <string.h>

static const char ids[3][37] = {"11111111-1111-4111-8111-111111111111",
                                "22222222-2222-4222-8222-222222222222",
                                "33333333-3333-4333-8333-333333333333"};

static int parse(const char *body, sync_ack *v)
{
    return sync_parse_ack(body, body ? strlen(body) : 0, ids, 3, v);
}

static void test_not_an_ack(void)
{
    sync_ack v[3] = {SYNC_ACK_SENT, SYNC_ACK_SENT, SYNC_ACK_SENT};
    CHECK(parse("<html>captive portal</html>", v) == -1);
    CHECK(v[0] == SYNC_ACK_NONE && v[1] == SYNC_ACK_NONE && v[2] == SYNC_ACK_NONE);
    CHECK(parse(NULL, v) == -1);
    CHECK(parse("{\"results\":[]}", v) == -1);                                  /* no protocol */
    CHECK(parse("{\"protocol\":\"wijkpeil-sync/2\",\"results\":[]}", v) == -1); /* other one */
    CHECK(parse("{\"protocol\":\"wijkpeil-sync/1\",\"results\":{}}", v) == -1);
    CHECK(parse("{\"protocol\":\"wijkpeil-sync/1\",\"results\":[{\"id\":\"11111111-1111-"
                "4111-8111-111111111111\",\"status\":\"stored\"}", /* truncated */
                v) == -1);
    CHECK(v[0] == SYNC_ACK_NONE);
}

static void test_verdicts(void)
{
    sync_ack v[3];
    const char *body = "{\"protocol\":\"wijkpeil-sync/1\",\"results\":["
                       "{\"id\":\"33333333-3333-4333-8333-333333333333\",\"status\":\"conflict\"},"
                       "{\"id\":\"11111111-1111-4111-8111-111111111111\",\"status\":\"duplicate\"},"
                       "{\"id\":\"33333333-3333-4333-8333-333333333333\",\"status\":\"stored\"},"
                       "{\"id\":\"44444444-4444-4444-8444-444444444444\",\"status\":\"stored\"},"
                       "{\"id\":\"22222222-2222-4222-8222-222222222222\",\"status\":\"later\"},"
                       "{\"id\":null,\"status\":\"invalid\"}]}";
    CHECK(parse(body, v) == 0);
    CHECK(v[0] == SYNC_ACK_SENT);    /* duplicate: the collector holds it */
    CHECK(v[1] == SYNC_ACK_NONE);    /* unknown status: sent again */
    CHECK(v[2] == SYNC_ACK_REFUSED); /* the first word about it counts, not a later "stored" */
}

int main(void)
{
    RUN(test_not_an_ack);
    RUN(test_verdicts);
    return test_main();
}
