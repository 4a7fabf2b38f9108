/* The kiosk reading the collector's answer to a batch (or whatever a captive portal or a hostile
 * server sends instead): sync_parse_ack must never crash, and never count a response both as
 * delivered and refused, nor anything as delivered when the answer is not an acknowledgement. */
#include "fuzzlib.h"
#include "sync.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The UUIDs of the batch the seeds acknowledge (the same one twice: a corrupt store). */
    static const char ids[4][37] = {
        "6f1c2a3e-0b7d-4c55-9e2a-1d3f4b5c6d7e", "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
        "b3c4d5e6-f7a8-4b9c-8d0e-1f2a3b4c5d6e", "b3c4d5e6-f7a8-4b9c-8d0e-1f2a3b4c5d6e"};
    sync_ack v[4];
    int rc = sync_parse_ack((const char *)data, size, ids, 4, v);
    for (int k = 0; k < 4; k++) {
        if (v[k] != SYNC_ACK_NONE && v[k] != SYNC_ACK_SENT && v[k] != SYNC_ACK_REFUSED)
            abort();
        if (rc != 0 && v[k] != SYNC_ACK_NONE)
            abort();
    }
    (void)sync_parse_ack((const char *)data, size, ids, 0, NULL);
    return 0;
}
