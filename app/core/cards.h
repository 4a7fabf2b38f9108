/* The cards residents see, "What your neighbours said": the collector's cards document
 * (tools/collector/PROTOCOL.md, "the cards residents see"), received by the uploader with a
 * heartbeat and kept in the store (store_cards_get), read by the screen. Parsing checks the
 * whole document; a card's texts are looked up per language. No SDL, no network. */
#ifndef WP_CARDS_H
#define WP_CARDS_H

#include "uistr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARDS_MAX         32 /* cards used from one document */
#define CARDS_MAX_ANSWERS 17 /* 16 answers and "other" */

typedef struct cards cards;

typedef struct {
    const char *id;   /* the stored value ("" for other) */
    const char *text; /* in the language asked for; NULL: the kiosk labels it (smiley, yesno,
                         scale: id is the value) */
    bool other;       /* answers chosen by fewer than k, together */
    int64_t count;
    int percent;
} cards_answer;

typedef struct {
    const char *questionset, *question, *type;
    const char *text;  /* the question in the language asked for (else the set's first) */
    int64_t n;         /* residents who answered the question */
    int64_t responses; /* responses in the period */
    int64_t expected;  /* the responses the location usually has, when more than responses
                          ("expected"); 0: not given */
    int n_answers;
    cards_answer answers[CARDS_MAX_ANSWERS];
} cards_card;

/* Parses a cards document. 0 and *out, or -1 with a message. */
int cards_parse(const char *text, size_t len, cards **out, char *err, size_t errlen);
void cards_free(cards *c); /* NULL is a no-op */

const char *cards_version(const cards *c);
int cards_count(const cards *c);
/* The period, as dates YYYY-MM-DD; whole: a complete calendar month (else the month so far). */
const char *cards_period_from(const cards *c);
const char *cards_period_to(const cards *c);
bool cards_whole_month(const cards *c);
/* The date the figures were computed (YYYY-MM-DD). */
const char *cards_date(const cards *c);
/* computed_at as milliseconds since 1970 (UTC), or -1 when it is missing or not a time. */
int64_t cards_computed_ms(const cards *c);
/* Dates said in a language's card words, the same on the kiosk and on the public page. word
 * gives the language's word for a key (UISTR_CARD_MONTHS, UISTR_CARD_MONTHS_ALONE,
 * UISTR_CARD_DAYS, UISTR_CARD_DAY). */
typedef const char *(*cards_word_fn)(const void *ctx, uistr_key k);
/* A date YYYY-MM-DD, split; false when it is not one. */
bool cards_ymd(const char *date, int *y, int *m, int *d);
/* The name of month m (1-12) from months (a date's UISTR_CARD_MONTHS or a heading's
 * UISTR_CARD_MONTHS_ALONE); its number where the word has none. */
void cards_say_month(cards_word_fn word, const void *ctx, uistr_key months, int m, char *out,
                     size_t len);
/* "1 April 2027", "1 أبريل 2027"; the text as given when it is not a date. */
void cards_say_day(cards_word_fn word, const void *ctx, const char *date, char *out, size_t len);
/* "1–31 March 2027" within a month, else "1 March 2027 – 2 April 2027". */
void cards_say_period(cards_word_fn word, const void *ctx, const char *from, const char *to,
                      char *out, size_t len);
/* "You are one of N": the document's "this_month" responses plus stored_since, the complete
 * responses this kiosk stored since computed_at (this one included), when this_month is of the
 * month of today (YYYY-MM-DD, local); -1 when the document has no this_month, it is of another
 * month, or stored_since is not known (< 0). */
int64_t cards_one_of(const cards *c, const char *today, int64_t stored_since);
/* Card i in lang (strings live as long as c). */
void cards_get(const cards *c, int i, const char *lang, cards_card *out);
/* The index of the card of question qid of set qset, or -1. */
int cards_find(const cards *c, const char *qset, const char *qid);
/* The answer with the largest share that is not "other" (for "6 in 10 ..."), or -1. */
int cards_top(const cards_card *card);

#endif
