/* The public page /public/LOCATION: the cards residents see on the kiosk (coll_share), for
 * everyone, without sign-in: read-only, cacheable, no cookies, no scripts, nothing from another
 * origin; every language of the set (?lang=CODE links) in the kiosk's own words (coll_words),
 * right to left where the language is, and each card as a table for screen readers. /public/
 * shows every location's card of each shared question side by side (a location with fewer than
 * k: words, never a count). serve --no-public turns both off. */
#ifndef COLL_PUBLIC_H
#define COLL_PUBLIC_H

#include "coll_db.h"
#include "coll_results.h"

#include <microhttpd.h>
#include <stdint.h>

#define COLL_PUBLIC_MAX_AGE 300 /* seconds a browser or proxy may keep the page */

/* Answers a request for /public/ + location (the path after "/public/"; "" for every
 * location). */
enum MHD_Result coll_public_handle(coll_db *db, const coll_results_sets *sets, int64_t k,
                                   struct MHD_Connection *c, const char *location,
                                   const char *method);

#endif
