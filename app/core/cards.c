/* The cards document residents see (see cards.h). */
#include "cards.h"

#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    /* "expected": optional, the responses the location usually has (more than "responses") */
    const json_t *e = json_object_get(c, "expected");
    if (e && (!json_is_integer(e) || json_integer_value(e) < 0))
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

/* A date YYYY-MM-DD (digits and dashes where they belong). */
static bool is_date(const char *d)
{
    if (!d || strlen(d) != 10)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? d[i] != '-' : d[i] < '0' || d[i] > '9')
            return false;
    return true;
}

/* "this_month": optional; when there, {"from": "YYYY-MM-01", "responses": N >= 0}. */
static bool this_month_ok(const json_t *m)
{
    if (!m)
        return true;
    const json_t *r = json_object_get(m, "responses");
    const char *from = json_string_value(json_object_get(m, "from"));
    return json_is_object(m) && is_date(from) && !strcmp(from + 7, "-01") && json_is_integer(r) &&
           json_integer_value(r) >= 0;
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
        !json_is_string(json_object_get(period, "to")) ||
        !this_month_ok(json_object_get(doc, "this_month"))) {
        wp_errf(err, errlen, "not a cards document (%s)",
                doc ? "no version, period or cards, or a malformed this_month" : je.text);
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

int64_t cards_computed_ms(const cards *c)
{
    const char *at = json_string_value(json_object_get(c->doc, "computed_at"));
    int y, mo, d, h, mi, s, n = 0;
    if (!at || sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
        n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return -1;
    int ms = 0, scale = 100;
    if (at[19] == '.') /* fractions of a second: the first three digits count */
        for (const char *p = at + 20; *p >= '0' && *p <= '9' && scale > 0; p++, scale /= 10)
            ms += (*p - '0') * scale;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : (int64_t)t * 1000 + ms;
}

int64_t cards_one_of(const cards *c, const char *today, int64_t stored_since)
{
    const json_t *m = json_object_get(c->doc, "this_month");
    const char *from = json_string_value(json_object_get(m, "from"));
    if (!from || !today || strncmp(from, today, 7) != 0 || stored_since < 0)
        return -1;
    return json_integer_value(json_object_get(m, "responses")) + stored_since;
}

bool cards_ymd(const char *date, int *y, int *m, int *d)
{
    return date && sscanf(date, "%4d-%2d-%2d", y, m, d) == 3 && *m >= 1 && *m <= 12 && *d >= 1 &&
           *d <= 31;
}

void cards_say_month(cards_word_fn word, const void *ctx, uistr_key months, int m, char *out,
                     size_t len)
{
    const char *p = word(ctx, months);
    for (int i = 1; i < m && p; i++) {
        p = strchr(p, '|');
        if (p)
            p++;
    }
    size_t n = p ? strcspn(p, "|") : 0;
    if (n)
        snprintf(out, len, "%.*s", (int)n, p);
    else
        snprintf(out, len, "%d", m);
}

void cards_say_day(cards_word_fn word, const void *ctx, const char *date, char *out, size_t len)
{
    int y, m, d;
    if (!cards_ymd(date, &y, &m, &d)) {
        wp_strlcpy(out, date ? date : "", len);
        return;
    }
    char day[16], month[64], year[16];
    snprintf(day, sizeof day, "%d", d);
    snprintf(year, sizeof year, "%d", y);
    cards_say_month(word, ctx, UISTR_CARD_MONTHS, m, month, sizeof month);
    const char *names[] = {"day", "month", "year"}, *values[] = {day, month, year};
    uistr_fill(out, len, word(ctx, UISTR_CARD_DAY), names, values, 3);
}

void cards_say_period(cards_word_fn word, const void *ctx, const char *from, const char *to,
                      char *out, size_t len)
{
    int y1, m1, d1, y2, m2, d2;
    if (cards_ymd(from, &y1, &m1, &d1) && cards_ymd(to, &y2, &m2, &d2) && y1 == y2 && m1 == m2) {
        char a[16], b[16], month[64], year[16];
        snprintf(a, sizeof a, "%d", d1);
        snprintf(b, sizeof b, "%d", d2);
        snprintf(year, sizeof year, "%d", y1);
        cards_say_month(word, ctx, UISTR_CARD_MONTHS, m1, month, sizeof month);
        const char *names[] = {"from", "to", "month", "year"}, *values[] = {a, b, month, year};
        uistr_fill(out, len, word(ctx, UISTR_CARD_DAYS), names, values, 4);
        return;
    }
    char a[256], b[256];
    cards_say_day(word, ctx, from, a, sizeof a);
    cards_say_day(word, ctx, to, b, sizeof b);
    snprintf(out, len, "%s – %s", a, b);
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
    out->expected = json_integer_value(json_object_get(card, "expected"));
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
