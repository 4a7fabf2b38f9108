/* The public page of the cards (see coll_public.h). */
#include "coll_public.h"

#include "cards.h"
#include "coll_html.h"
#include "coll_share.h"
#include "coll_words.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUB_MAX_LANGS 12
#define PUB_MAX_LOCS  64 /* locations side by side on /public/ */

/* What every part of a page needs: the words, the language and the threshold. */
typedef struct {
    const coll_words *w;
    const coll_results_sets *sets;
    const json_t *set; /* the set whose own words the page's words come from, or NULL */
    const char *lang, *first;
    int64_t k;
} pub_ctx;

static const char *word(const pub_ctx *p, uistr_key k)
{
    return coll_words_get(p->w, p->set, p->lang, k);
}

/* The first set that offers lang (its own "ui_strings" may hold the words), or NULL. */
static const json_t *set_of_lang(const coll_results_sets *sets, const char *lang)
{
    for (size_t i = 0; i < coll_results_sets_count(sets); i++)
        for (size_t j = 0; j < coll_results_sets_nlang(sets, i); j++)
            if (strcmp(coll_results_sets_lang(sets, i, j), lang) == 0)
                return coll_results_sets_json(sets, i);
    return NULL;
}

/* A text object's string in lang, else in the first of langs, else "". */
static const char *text_in(const json_t *text, const char *lang, const char *first)
{
    const char *t = json_string_value(json_object_get(text, lang));
    if (!t && first)
        t = json_string_value(json_object_get(text, first));
    return t ? t : "";
}

static const char *answer_label(const pub_ctx *p, const json_t *card, const json_t *a)
{
    if (json_is_true(json_object_get(a, "other")))
        return word(p, UISTR_CARD_OTHER);
    const json_t *text = json_object_get(a, "text");
    if (text)
        return text_in(text, p->lang, p->first);
    const char *type = json_string_value(json_object_get(card, "type"));
    const char *id = json_string_value(json_object_get(a, "id"));
    const char *set_id = json_string_value(json_object_get(card, "questionset"));
    long si = set_id ? coll_results_sets_find(p->sets, set_id) : -1;
    const char *label = coll_words_answer(
        p->w, si >= 0 ? coll_results_sets_json(p->sets, (size_t)si) : p->set, p->lang, type, id);
    return label ? label : id ? id : ""; /* a scale's number */
}

/* A template of the words with {n} filled in, as escaped text. */
static void word_n(coll_html *h, const pub_ctx *p, uistr_key k, long long n)
{
    char buf[1024];
    uistr_format(buf, sizeof buf, word(p, k), (long)n);
    coll_html_text(h, buf);
}

static bool location_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= COLL_NAME_MAX)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static enum MHD_Result send_page(struct MHD_Connection *c, unsigned code, char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    /* no scripts, nothing from elsewhere: only the page's own inline style */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; "
                            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    char cc[64];
    snprintf(cc, sizeof cc, "public, max-age=%d", COLL_PUBLIC_MAX_AGE);
    MHD_add_response_header(r, "Cache-Control", code == 200 ? cc : "no-store");
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *msg)
{
    coll_html *h = coll_html_new();
    if (!h)
        return MHD_NO;
    coll_html_raw(h, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    coll_html_text(h, msg);
    coll_html_raw(h, "</title></head><body><main><h1>");
    coll_html_text(h, msg);
    coll_html_raw(h, "</h1></main></body></html>\n");
    size_t len;
    char *body = coll_html_take(h, &len);
    return body ? send_page(c, code, body, len) : MHD_NO;
}

static const char css[] =
    "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;"
    "line-height:1.5}\n"
    "header{padding:1rem;background:#0b3d6e;color:#fff}header h1{margin:0}\n"
    "header p{margin:.25rem 0 0}header a{color:#fff}\n"
    "nav ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:.5rem 0 0;padding:0}\n"
    "nav a[aria-current]{font-weight:bold}\n"
    "main{padding:1rem;max-width:60rem}\n"
    ":focus-visible{outline:3px solid #f2c200;outline-offset:2px}\n"
    "section.card{border:1px solid #767676;border-radius:6px;padding:1rem;margin:0 0 1.5rem}\n"
    "section.card h2{margin-top:0}\n"
    ".places{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}\n"
    ".place{border-inline-start:4px solid #0b4f9c;padding-inline-start:.75rem}\n"
    ".place h3{margin:0}\n"
    ".sentence{font-size:1.25rem;font-weight:bold}\n"
    ".bars{margin:.5rem 0}.row{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}\n"
    ".row .label{flex:0 0 40%}.row .track{flex:1;background:#e8eef5;height:1.75rem}\n"
    ".row .fill{background:#0b4f9c;height:100%}.row .pct{flex:0 0 3.5rem;font-weight:bold}\n"
    "table{border-collapse:collapse;margin:.5rem 0}\n"
    "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:start}\n"
    "thead th{background:#e8eef5}\n"
    ".note{color:#3b3b3b}\n";

/* The page up to <main>: title, heading, the place (NULL: the page of every place), the
 * language switch (links to ?lang=CODE of the same page) and a link to another page (href, its
 * words; NULL: none). */
static void page_head(coll_html *h, const pub_ctx *p, const char *place, const char *const *langs,
                      int nlang, const char *other_href, const char *other_words)
{
    coll_html_raw(h, "<!doctype html>\n<html lang=\"");
    coll_html_text(h, p->lang);
    coll_html_fmt(h, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                  coll_words_rtl(p->w, p->set, p->lang) ? "rtl" : "ltr");
    coll_html_raw(h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>");
    coll_html_text(h, word(p, UISTR_CARD_HEADING));
    coll_html_raw(h, " – ");
    coll_html_text(h, place ? place : word(p, UISTR_CARD_COMPARE));
    coll_html_fmt(h, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
    coll_html_text(h, word(p, UISTR_CARD_HEADING));
    coll_html_raw(h, "</h1>\n<p>");
    coll_html_text(h, place ? place : word(p, UISTR_CARD_COMPARE));
    coll_html_raw(h, "</p>\n<nav aria-label=\"");
    coll_html_text(h, word(p, UISTR_LANGUAGE));
    coll_html_raw(h, "\"><ul>\n");
    for (int i = 0; nlang > 1 && i < nlang; i++) {
        coll_html_raw(h, "<li><a href=\"?lang=");
        coll_html_urlarg(h, langs[i]);
        coll_html_raw(h, "\" lang=\"");
        coll_html_text(h, langs[i]);
        coll_html_raw(h, "\" hreflang=\"");
        coll_html_text(h, langs[i]);
        coll_html_fmt(h, "\" dir=\"%s\"",
                      coll_words_rtl(p->w, set_of_lang(p->sets, langs[i]), langs[i]) ? "rtl"
                                                                                     : "ltr");
        if (strcmp(langs[i], p->lang) == 0)
            coll_html_raw(h, " aria-current=\"page\"");
        coll_html_raw(h, ">");
        coll_html_text(h, coll_words_has(p->w, set_of_lang(p->sets, langs[i]), langs[i])
                              ? coll_words_get(p->w, set_of_lang(p->sets, langs[i]), langs[i],
                                               UISTR_LANGUAGE_NAME)
                              : langs[i]);
        coll_html_raw(h, "</a></li>\n");
    }
    coll_html_raw(h, "</ul></nav>\n");
    if (other_href) {
        coll_html_raw(h, "<p><a href=\"");
        coll_html_text(h, other_href);
        coll_html_raw(h, "?lang=");
        coll_html_urlarg(h, p->lang);
        coll_html_raw(h, "\">");
        coll_html_text(h, other_words);
        coll_html_raw(h, "</a></p>\n");
    }
    coll_html_raw(h, "</header>\n<main>\n");
}

/* "Period: FROM – TO[, this month so far]. Figures of DAY." as the kiosk says it; dates as
 * <bdi>: digits and hyphens keep their order inside a right-to-left sentence. */
/* The page language's word for k (cards_word_fn). */
static const char *page_word(const void *ctx, uistr_key k)
{
    return word(ctx, k);
}

/* "Period: 1–23 March 2027, this month so far. Figures of 23 March 2027." in the words of the
 * page's language, as the kiosk says it (cards_say_period). */
static void period_line(coll_html *h, const pub_ctx *p, const json_t *doc)
{
    const json_t *period = json_object_get(doc, "period");
    const char *from = json_string_value(json_object_get(period, "from"));
    const char *to = json_string_value(json_object_get(period, "to"));
    const char *computed = json_string_value(json_object_get(doc, "computed_at"));
    char said[512], day[256], date[16];
    cards_say_period(page_word, p, from, to, said, sizeof said);
    snprintf(date, sizeof date, "%.10s", computed ? computed : "");
    cards_say_day(page_word, p, date, day, sizeof day);
    coll_html_raw(h, "<p>");
    coll_html_text(h, word(p, UISTR_CARD_PERIOD));
    coll_html_raw(h, " <bdi>");
    coll_html_text(h, said);
    coll_html_raw(h, "</bdi>");
    if (!json_is_true(json_object_get(period, "whole_month"))) {
        coll_html_raw(h, coll_words_rtl(p->w, p->set, p->lang) ? "\u060C " : ", ");
        coll_html_text(h, word(p, UISTR_CARD_SO_FAR));
    }
    coll_html_raw(h, ". ");
    coll_html_text(h, word(p, UISTR_CARD_DATE));
    coll_html_raw(h, " <bdi>");
    coll_html_text(h, day);
    coll_html_raw(h, "</bdi>.</p>\n");
}

/* One card's figures: the sentence of the answer most chose, n (and fewer than usual), the
 * bars (for the eye) and the same as a table (for screen readers). id: unique on the page. */
static void card_body(coll_html *h, const pub_ctx *p, const json_t *card, const char *caption,
                      size_t id)
{
    const json_t *answers = json_object_get(card, "answers");
    const json_t *top = NULL, *a;
    size_t j;
    json_array_foreach(answers, j, a)
    {
        if (!json_is_true(json_object_get(a, "other")) &&
            (!top || json_integer_value(json_object_get(a, "percent")) >
                         json_integer_value(json_object_get(top, "percent"))))
            top = a;
    }
    coll_html_raw(h, "<p class=\"sentence\">");
    if (top) {
        word_n(h, p, UISTR_CARD_IN_TEN,
               (json_integer_value(json_object_get(top, "percent")) + 5) / 10);
        coll_html_raw(h, " ");
        coll_html_text(h, answer_label(p, card, top));
    }
    coll_html_raw(h, "</p>\n<p>");
    word_n(h, p, UISTR_CARD_ANSWERED, json_integer_value(json_object_get(card, "n")));
    coll_html_raw(h, ".");
    const json_t *expected = json_object_get(card, "expected");
    if (json_is_integer(expected)) {
        char n[24], e[24], buf[1024];
        snprintf(n, sizeof n, "%lld",
                 (long long)json_integer_value(json_object_get(card, "responses")));
        snprintf(e, sizeof e, "%lld", (long long)json_integer_value(expected));
        const char *names[] = {"n", "e"}, *values[] = {n, e};
        uistr_fill(buf, sizeof buf, word(p, UISTR_CARD_EXPECTED), names, values, 2);
        coll_html_raw(h, " <span class=\"expected\">");
        coll_html_text(h, buf);
        coll_html_raw(h, "</span>");
    }
    coll_html_raw(h, "</p>\n<div class=\"bars\" aria-hidden=\"true\">\n");
    json_array_foreach(answers, j, a)
    {
        json_int_t pct = json_integer_value(json_object_get(a, "percent"));
        coll_html_raw(h, "<div class=\"row\"><span class=\"label\">");
        coll_html_text(h, answer_label(p, card, a));
        coll_html_fmt(h,
                      "</span><span class=\"track\"><span class=\"fill\" "
                      "style=\"display:block;width:%lld%%\"></span></span>"
                      "<span class=\"pct\">%lld%%</span></div>\n",
                      (long long)pct, (long long)pct);
    }
    coll_html_fmt(h, "</div>\n<table id=\"t%zu\">\n<caption>", id);
    coll_html_text(h, caption);
    coll_html_raw(h, "</caption>\n<thead><tr><th scope=\"col\">");
    coll_html_text(h, word(p, UISTR_CARD_ANSWER));
    coll_html_raw(h, "</th><th scope=\"col\">");
    coll_html_text(h, word(p, UISTR_CARD_SHARE));
    coll_html_raw(h, "</th><th scope=\"col\">");
    coll_html_text(h, word(p, UISTR_CARD_COUNT));
    coll_html_raw(h, "</th></tr></thead>\n<tbody>\n");
    json_array_foreach(answers, j, a)
    {
        coll_html_raw(h, "<tr><th scope=\"row\">");
        coll_html_text(h, answer_label(p, card, a));
        coll_html_fmt(h, "</th><td>%lld%%</td><td>%lld</td></tr>\n",
                      (long long)json_integer_value(json_object_get(a, "percent")),
                      (long long)json_integer_value(json_object_get(a, "count")));
    }
    coll_html_raw(h, "</tbody>\n</table>\n");
}

static void page_foot(coll_html *h, const pub_ctx *p)
{
    coll_html_raw(h, "<p class=\"note\">");
    word_n(h, p, UISTR_CARD_K_NOTE, p->k);
    coll_html_raw(h, "</p>\n</main>\n</body>\n</html>\n");
}

/* /public/LOCATION: the cards of one location. answered: its complete responses this month.
 * Without a card, "fewer than k neighbours answered" is said only when true; with k or more
 * every answer was chosen by fewer than k, which the note at the foot of the page says. */
static void render_location(coll_html *h, const pub_ctx *p, const json_t *doc, const char *location,
                            int64_t answered, const char *const *langs, int nlang)
{
    page_head(h, p, location, langs, nlang, "./", word(p, UISTR_CARD_COMPARE));
    period_line(h, p, doc);
    const json_t *cards = json_object_get(doc, "cards");
    if (json_array_size(cards) == 0 && answered < p->k) {
        coll_html_raw(h, "<p>");
        word_n(h, p, UISTR_CARD_FEWER, p->k);
        coll_html_raw(h, "</p>\n");
    }
    size_t i;
    const json_t *card;
    json_array_foreach(cards, i, card)
    {
        const char *qtext = text_in(json_object_get(card, "text"), p->lang, p->first);
        coll_html_fmt(h, "<section class=\"card\" aria-labelledby=\"c%zu\">\n<h2 id=\"c%zu\">", i,
                      i);
        coll_html_text(h, qtext);
        coll_html_raw(h, "</h2>\n");
        card_body(h, p, card, qtext, i);
        coll_html_raw(h, "</section>\n");
    }
    page_foot(h, p);
}

/* The card of (set, question) in a cards document, or NULL. */
static const json_t *card_of(const json_t *doc, const char *set, const char *question)
{
    size_t i;
    const json_t *card;
    json_array_foreach(json_object_get(doc, "cards"), i, card)
    {
        const char *s = json_string_value(json_object_get(card, "questionset"));
        const char *q = json_string_value(json_object_get(card, "question"));
        if (s && q && strcmp(s, set) == 0 && strcmp(q, question) == 0)
            return card;
    }
    return NULL;
}

/* /public/: per shared question, the card of every location side by side; a location with
 * fewer than k behind it gets the words for that, never a count. */
static void render_compare(coll_html *h, const pub_ctx *p, json_t *const *docs,
                           const char *const *locs, int nloc, const char *const *langs, int nlang)
{
    page_head(h, p, NULL, langs, nlang, NULL, NULL);
    /* every card of every location, once per question, in the order they first come */
    json_t *seen = json_object();
    size_t id = 0;
    for (int l = 0; l < nloc && seen; l++) {
        size_t i;
        const json_t *card;
        json_array_foreach(json_object_get(docs[l], "cards"), i, card)
        {
            const char *set = json_string_value(json_object_get(card, "questionset"));
            const char *q = json_string_value(json_object_get(card, "question"));
            char key[300];
            if (!set || !q)
                continue;
            snprintf(key, sizeof key, "%s\n%s", set, q);
            if (json_object_get(seen, key))
                continue;
            json_object_set_new(seen, key, json_true());
            const char *qtext = text_in(json_object_get(card, "text"), p->lang, p->first);
            coll_html_fmt(h,
                          "<section class=\"card\" aria-labelledby=\"c%zu\">\n<h2 "
                          "id=\"c%zu\">",
                          id, id);
            coll_html_text(h, qtext);
            coll_html_raw(h, "</h2>\n<div class=\"places\">\n");
            for (int m = 0; m < nloc; m++) {
                const json_t *c = card_of(docs[m], set, q);
                coll_html_raw(h, "<div class=\"place\">\n<h3><a href=\"");
                coll_html_text(h, locs[m]);
                coll_html_raw(h, "?lang=");
                coll_html_urlarg(h, p->lang);
                coll_html_raw(h, "\">");
                coll_html_text(h, locs[m]);
                coll_html_raw(h, "</a></h3>\n");
                if (c) {
                    char caption[1024];
                    snprintf(caption, sizeof caption, "%s – %s", qtext, locs[m]);
                    card_body(h, p, c, caption, ++id);
                    period_line(h, p, docs[m]);
                } else {
                    coll_html_raw(h, "<p>");
                    word_n(h, p, UISTR_CARD_FEWER, p->k);
                    coll_html_raw(h, "</p>\n");
                }
                coll_html_raw(h, "</div>\n");
            }
            coll_html_raw(h, "</div>\n</section>\n");
            id++;
        }
    }
    if (json_object_size(seen) == 0) {
        coll_html_raw(h, "<p>");
        word_n(h, p, UISTR_CARD_FEWER, p->k);
        coll_html_raw(h, "</p>\n");
    }
    json_decref(seen);
    page_foot(h, p);
}

/* The languages of the cards of docs (in order, once), else of the sets, else Dutch. */
static int page_langs(json_t *const *docs, int ndoc, const coll_results_sets *sets,
                      const char **langs)
{
    int nlang = 0;
    for (int d = 0; d < ndoc; d++) {
        size_t i;
        const json_t *card;
        json_array_foreach(json_object_get(docs[d], "cards"), i, card)
        {
            size_t j;
            const json_t *l;
            json_array_foreach(json_object_get(card, "languages"), j, l)
            {
                const char *code = json_string_value(l);
                bool seen = false;
                for (int n = 0; n < nlang; n++)
                    seen |= code && strcmp(langs[n], code) == 0;
                if (code && !seen && nlang < PUB_MAX_LANGS)
                    langs[nlang++] = code;
            }
        }
    }
    for (size_t s = 0; nlang == 0 && s < coll_results_sets_count(sets); s++)
        for (size_t j = 0; j < coll_results_sets_nlang(sets, s) && nlang < PUB_MAX_LANGS; j++)
            langs[nlang++] = coll_results_sets_lang(sets, s, j);
    if (nlang == 0)
        langs[nlang++] = "nl";
    return nlang;
}

typedef struct {
    char name[PUB_MAX_LOCS][COLL_NAME_MAX];
    int n;
} loc_list;

static int loc_row(void *ctx, int ncol, const char *const *v)
{
    loc_list *l = ctx;
    if (ncol >= 1 && v[0] && location_ok(v[0]) && l->n < PUB_MAX_LOCS)
        wp_strlcpy(l->name[l->n++], v[0], sizeof l->name[0]);
    return 0;
}

enum MHD_Result coll_public_handle(coll_db *db, const coll_results_sets *sets, int64_t k,
                                   struct MHD_Connection *c, const char *location,
                                   const char *method)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_text(c, 405, "Method not allowed: the public page is read-only");
    bool compare = location[0] == '\0';
    if (!compare && !location_ok(location))
        return send_text(c, 404, "Not found");
    char err[WP_ERR_LEN];
    loc_list *locs = calloc(1, sizeof *locs);
    json_t *docs[PUB_MAX_LOCS] = {NULL};
    int64_t answered[PUB_MAX_LOCS] = {0};
    int ndoc = 0;
    enum MHD_Result ret = MHD_NO;
    if (!locs)
        return MHD_NO;
    if (compare) {
        if (coll_db_query(db, "SELECT DISTINCT location FROM devices ORDER BY location", NULL, 0,
                          loc_row, locs, NULL, err, sizeof err) != COLL_SQL_OK) {
            fprintf(stderr, "wijkpeil-collector: public page: %s\n", err);
            ret = send_text(c, 503, "Not available right now");
            goto done;
        }
    } else {
        /* a location no kiosk stands at has no page (not one that says too few answered) */
        coll_param at[] = {COLL_TEXT(location)};
        if (coll_db_query(db, "SELECT DISTINCT location FROM devices WHERE location = ?1", at, 1,
                          loc_row, locs, NULL, err, sizeof err) != COLL_SQL_OK) {
            fprintf(stderr, "wijkpeil-collector: public page: %s\n", err);
            ret = send_text(c, 503, "Not available right now");
            goto done;
        }
        if (locs->n == 0) {
            ret = send_text(c, 404, "Not found: no kiosk stands at this location");
            goto done;
        }
    }
    int64_t now = wp_wall_ms();
    for (; ndoc < locs->n; ndoc++) {
        if (coll_share_cards(db, sets, locs->name[ndoc], k, now, &docs[ndoc], &answered[ndoc], err,
                             sizeof err) != 0) {
            fprintf(stderr, "wijkpeil-collector: public page %s: %s\n", locs->name[ndoc], err);
            ret = send_text(c, 503, "Not available right now");
            goto done;
        }
    }
    const char *langs[PUB_MAX_LANGS];
    int nlang = page_langs(docs, ndoc, sets, langs);
    const char *want = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    const char *lang = langs[0];
    for (int n = 0; want && n < nlang; n++)
        if (strcmp(langs[n], want) == 0)
            lang = langs[n];
    pub_ctx p = {coll_results_sets_words(sets), sets, set_of_lang(sets, lang), lang, langs[0], k};
    coll_html *h = coll_html_new();
    if (!h)
        goto done;
    if (compare) {
        const char *names[PUB_MAX_LOCS];
        for (int i = 0; i < locs->n; i++)
            names[i] = locs->name[i];
        render_compare(h, &p, docs, names, locs->n, langs, nlang);
    } else {
        render_location(h, &p, docs[0], location, answered[0], langs, nlang);
    }
    size_t len;
    char *body = coll_html_take(h, &len);
    ret = body ? send_page(c, 200, body, len) : MHD_NO;
done:
    for (int i = 0; i < ndoc; i++)
        json_decref(docs[i]);
    free(locs);
    return ret;
}
