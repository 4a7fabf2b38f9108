/* Sharing back: the cards residents see ("What your neighbours said") for the questions a set
 * marks "share", per location, over the last complete calendar month (else the current month so
 * far), from the same counts as the dashboard's results (coll_results) and with the same
 * small-count suppression: no count below k leaves the collector. The central team can withdraw
 * a question from sharing (share withdraw|restore), kept in the table share_withdrawn. The kiosk
 * gets the cards document with its heartbeat (PROTOCOL.md), the public page shows it
 * (coll_public). */
#ifndef COLL_SHARE_H
#define COLL_SHARE_H

#include "coll_db.h"
#include "coll_results.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Withdraws a question of a set from sharing (withdraw) or shares it again. The set and the
 * question must be known: in sets (the --qset files; NULL or none: not given), or else in
 * what db holds (answers counted, a publication of the set, a withdrawal). 0; 1 when nothing
 * changed (withdrawn already, or not withdrawn to restore); -1 with err (an unknown set or
 * question is named there). */
int coll_share_withdraw(coll_db *db, const coll_results_sets *sets, const char *set,
                        const char *question, bool withdraw, char *err, size_t errlen);

/* The cards document of location at now_ms (a new reference in *out):
 *   {"version": HEX, "location", "computed_at", "period": {"from", "to", "whole_month"}, "k",
 *    "cards": [{"questionset", "question", "type", "languages", "text": {LANG: ...}, "n",
 *               "responses", "expected"?, "answers": [{"id", "text"?: {LANG: ...},
 *               "other"?: true, "count", "percent"}]}],
 *    "this_month"?: {"from": "YYYY-MM-01", "responses"}}
 * expected: the usual responses to the card's set at location per month (the median of the up
 * to 3 complete months before the period that have any), only when responses are fewer.
 * this_month: the complete responses at location this month so far, rounded down to a multiple
 * of 5, only when that is at least k.
 * version changes exactly when what a resident would see changes (not with computed_at).
 * answered (may be NULL): the complete responses at location this month so far, not rounded,
 * which never leaves the collector: whether "fewer than k neighbours answered" is true where no
 * card can be shown (the public page). */
int coll_share_cards(coll_db *db, const coll_results_sets *sets, const char *location, int64_t k,
                     int64_t now_ms, json_t **out, int64_t *answered, char *err, size_t errlen);

/* Percentages of n counts that add up to 100 by the largest remainder (ties: the earlier one);
 * all 0 when the counts add up to 0. */
void coll_share_percent(const int64_t *count, int n, int *pct);

#endif
