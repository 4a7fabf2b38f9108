/* The kiosk reading the cards document the collector sends with a heartbeat's answer (and keeps
 * in its store): cards_parse must never crash, and every card it accepts must be readable in
 * every language with its shares between 0 and 100. */
#include "cards.h"
#include "fuzzlib.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    cards *c = NULL;
    if (cards_parse((const char *)data, size, &c, err, sizeof err) != 0) {
        if (c)
            abort(); /* refused: nothing handed out */
        return 0;
    }
    static const char *const langs[] = {"nl", "ar", "ti", ""};
    (void)cards_version(c);
    (void)cards_period_from(c);
    (void)cards_period_to(c);
    (void)cards_date(c);
    (void)cards_computed_ms(c);
    if (cards_one_of(c, "2027-04-15", 2) < -1)
        abort(); /* this_month's responses are never negative */
    for (int i = 0; i < cards_count(c); i++)
        for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
            cards_card card;
            cards_get(c, i, langs[l], &card);
            if (card.n_answers < 0 || card.n_answers > CARDS_MAX_ANSWERS || card.expected < 0)
                abort();
            for (int a = 0; a < card.n_answers; a++)
                if (card.answers[a].percent < 0 || card.answers[a].percent > 100)
                    abort();
            int top = cards_top(&card);
            if (top < -1 || top >= card.n_answers)
                abort();
            (void)cards_find(c, card.questionset ? card.questionset : "",
                             card.question ? card.question : "");
        }
    cards_free(c);
    return 0;
}
