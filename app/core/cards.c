/* The cards document residents see (see cards.h). */
#include "cards.h"

#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct cards {
    json_t *doc;
    int n;
    json_t *card[CARDS_MAX];
    char date[11];
};

static bool is_text(const json_t *t)
{
    if (!json_is_object(t) || json_object_size(t) == 0)
        return false;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)t, k, v) if (!json_is_string(v)) return false;
    return true;
}

static bool card_ok(const json_t *c)
{
    const json_t *ans = json_object_get(c, "answers");
    if (!json_is_string(json_object_get(c, "questionset")) ||
        !json_is_string(json_object_get(c, "question")) ||
        !json_is_string(json_object_get(c, "type")) || !is_text(json_object_get(c, "text")) ||
        !json_is_integer(json_object_get(c, "n")) || !json_is_array(ans) ||
        json_array_size(ans) == 0 || json_array_size(ans) > CARDS_MAX_ANSWERS)
        return false;
    size_t i;
    const json_t *a;
    json_array_foreach(ans, i, a)
    {
        const json_t *text = json_object_get(a, "text");
        json_int_t p = json_integer_value(json_object_get(a, "percent"));
        if (!json_is_string(json_object_get(a, "id")) ||
            !json_is_integer(json_object_get(a, "count")) ||
            !json_is_integer(json_object_get(a, "percent")) || p < 0 || p > 100 ||
            (text && !is_text(text)))
            return false;
    }
    return true;
}

int cards_parse(const char *text, size_t len, cards **out, char *err, size_t errlen)
{
    *out = NULL;
    json_error_t je;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    const json_t *list = json_object_get(doc, "cards");
    const json_t *period = json_object_get(doc, "period");
    if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "version")) ||
        !json_is_array(list) || !json_is_string(json_object_get(period, "from")) ||
        !json_is_string(json_object_get(period, "to"))) {
        wp_errf(err, errlen, "not a cards document (%s)",
                doc ? "no version, period or cards" : je.text);
        json_decref(doc);
        return -1;
    }
    cards *c = calloc(1, sizeof *c);
    if (!c) {
        json_decref(doc);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    c->doc = doc;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (!card_ok(e)) {
            wp_errf(err, errlen, "card %zu of the cards document is malformed", i + 1);
            cards_free(c);
            return -1;
        }
        if (c->n < CARDS_MAX)
            c->card[c->n++] = e;
    }
    const char *at = json_string_value(json_object_get(doc, "computed_at"));
    wp_strlcpy(c->date, at ? at : "", sizeof c->date);
    *out = c;
    return 0;
}

void cards_free(cards *c)
{
    if (!c)
        return;
    json_decref(c->doc);
    free(c);
}

const char *cards_version(const cards *c)
{
    return json_string_value(json_object_get(c->doc, "version"));
}

int cards_count(const cards *c)
{
    return c->n;
}

const char *cards_period_from(const cards *c)
{
    return json_string_value(json_object_get(json_object_get(c->doc, "period"), "from"));
}

const char *cards_period_to(const cards *c)
{
    return json_string_value(json_object_get(json_object_get(c->doc, "period"), "to"));
}

bool cards_whole_month(const cards *c)
{
    return json_is_true(json_object_get(json_object_get(c->doc, "period"), "whole_month"));
}

const char *cards_date(const cards *c)
{
    return c->date;
}

/* A text in lang, else in the card's first language, else any. */
static const char *text_in(const json_t *card, const json_t *text, const char *lang)
{
    const char *t = json_string_value(json_object_get(text, lang));
    if (!t)
        t = json_string_value(json_object_get(
            text, json_string_value(json_array_get(json_object_get(card, "languages"), 0))));
    if (!t) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)text, k, v) return json_string_value(v);
    }
    return t ? t : "";
}

void cards_get(const cards *c, int i, const char *lang, cards_card *out)
{
    memset(out, 0, sizeof *out);
    const json_t *card = c->card[i];
    out->questionset = json_string_value(json_object_get(card, "questionset"));
    out->question = json_string_value(json_object_get(card, "question"));
    out->type = json_string_value(json_object_get(card, "type"));
    out->text = text_in(card, json_object_get(card, "text"), lang);
    out->n = json_integer_value(json_object_get(card, "n"));
    out->responses = json_integer_value(json_object_get(card, "responses"));
    size_t j;
    const json_t *a;
    json_array_foreach(json_object_get(card, "answers"), j, a)
    {
        cards_answer *o = &out->answers[out->n_answers++];
        const json_t *text = json_object_get(a, "text");
        o->id = json_string_value(json_object_get(a, "id"));
        o->text = text ? text_in(card, text, lang) : NULL;
        o->other = json_is_true(json_object_get(a, "other"));
        o->count = json_integer_value(json_object_get(a, "count"));
        o->percent = (int)json_integer_value(json_object_get(a, "percent"));
    }
}

int cards_find(const cards *c, const char *qset, const char *qid)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(json_string_value(json_object_get(c->card[i], "questionset")), qset) == 0 &&
            strcmp(json_string_value(json_object_get(c->card[i], "question")), qid) == 0)
            return i;
    return -1;
}

int cards_top(const cards_card *card)
{
    int best = -1;
    for (int i = 0; i < card->n_answers; i++)
        if (!card->answers[i].other &&
            (best < 0 || card->answers[i].percent > card->answers[best].percent))
            best = i;
    return best;
}
