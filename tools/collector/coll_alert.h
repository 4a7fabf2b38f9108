/* Alerts: a timer thread of `serve`, off the request path, judges every kiosk (coll_health) and
 * tells the central team when a condition starts ("raised") and when it ends ("cleared"): a JSON
 * alert POSTed to a webhook (libcurl) and/or given on standard input to a command. One alert per
 * condition until it clears, however many passes see it and however many instances share the
 * database: each kiosk's condition is a row of alert_state changed only by a compare-and-set
 * (UPDATE ... WHERE active = old value) in the transaction that records the event, so of several
 * instances exactly one sees its UPDATE change the row. Events wait in alert_events until sent;
 * a send that fails is tried again later (backing off), and whichever instance claims an event
 * (again a compare-and-set, on its due time) sends it. */
#ifndef COLL_ALERT_H
#define COLL_ALERT_H

#include "coll_db.h"

#include <stdbool.h>
#include <stdint.h>

#define COLL_ALERT_INTERVAL_S 60 /* default seconds between two passes */
#define COLL_ALERT_SEND_S     10 /* a webhook call or the command may take this long */
#define COLL_ALERT_MAX_AGE_MS (24LL * 3600 * 1000) /* events older than this are not sent */
#define COLL_ALERT_BACKOFF_MS (3600LL * 1000)      /* the longest wait before trying again */

typedef struct {
    const char *webhook; /* URL the alert is POSTed to (http or https), or NULL */
    const char *command; /* run with /bin/sh -c, the alert on its standard input, or NULL */
    int interval_s;      /* seconds between passes; 0: COLL_ALERT_INTERVAL_S */
    int64_t silent_ms;   /* a kiosk silent this long within its opening hours is "silent" */
    bool trace;          /* test hook: "alerts: pass N" on standard error after each pass */
    const char *hold;    /* test hook: a FIFO the first pass opens (and reads to its end) after
                          * it has judged and before it changes anything, or NULL */
} coll_alert_opts;

typedef struct coll_alert coll_alert;

/* Starts the timer thread (a first pass at once). db must outlive it. 0, or -1 with err. */
int coll_alert_start(coll_db *db, const coll_alert_opts *o, coll_alert **out, char *err,
                     size_t errlen);
/* Stops the thread (after the send under way, if any). NULL is a no-op. */
void coll_alert_stop(coll_alert *a);

#endif
