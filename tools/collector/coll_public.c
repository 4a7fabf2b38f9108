/* The public page of the cards (see coll_public.h). */
#include "coll_public.h"

#include "coll_html.h"
#include "coll_share.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define PUB_MAX_LANGS 12

/* The page's own words in one language; a language without a row gets English. */
typedef struct {
    const char *lang, *name; /* code, the language's name in itself */
    bool rtl;
    const char *title, *intro, *period_whole, *period_part, *n_answered, *in_ten, *other, *answer,
        *share, *count, *computed, *none, *languages, *k_note, *yes, *no, *prefer_not, *faces[5];
} pub_words;

static const pub_words words[] = {
    {"nl",
     "Nederlands",
     false,
     "Wat uw buren zeiden",
     "Antwoorden van de wijkpeil-kiosk in %s.",
     "Periode: %s tot en met %s.",
     "Periode: deze maand tot nu toe (%s tot en met %s).",
     "%lld buren gaven antwoord.",
     "%d op de 10 buren kozen: %s",
     "Ander antwoord",
     "Antwoord",
     "Aandeel",
     "Aantal",
     "Cijfers van %s.",
     "Er zijn nog geen uitkomsten om te tonen.",
     "Talen",
     "Een antwoord dat minder dan %lld keer gegeven is, staat onder \"Ander antwoord\" of wordt "
     "niet getoond.",
     "Ja",
     "Nee",
     "Zeg ik liever niet",
     {"Heel ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Heel tevreden"}},
    {"en",
     "English",
     false,
     "What your neighbours said",
     "Answers from the Wijkpeil kiosk in %s.",
     "Period: %s to %s.",
     "Period: this month so far (%s to %s).",
     "%lld neighbours answered.",
     "%d in 10 neighbours chose: %s",
     "Other answer",
     "Answer",
     "Share",
     "Number",
     "Figures of %s.",
     "There are no results to show yet.",
     "Languages",
     "An answer given fewer than %lld times is counted under \"Other answer\" or not shown.",
     "Yes",
     "No",
     "Prefer not to say",
     {"Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"}},
    {"ar",
     "العربية",
     true,
     "ماذا قال جيرانك",
     "إجابات من كشك Wijkpeil في %s.",
     "الفترة: من %s إلى %s.",
     "الفترة: هذا الشهر حتى الآن (من %s إلى %s).",
     "أجاب %lld من الجيران.",
     "%d من كل 10 جيران اختاروا: %s",
     "إجابة أخرى",
     "الإجابة",
     "النسبة",
     "العدد",
     "أرقام بتاريخ %s.",
     "لا توجد نتائج لعرضها بعد.",
     "اللغات",
     "الإجابة التي أُعطيت أقل من %lld مرة تُحسب ضمن \"إجابة أخرى\" أو لا تُعرض.",
     "نعم",
     "لا",
     "أفضّل عدم الإجابة",
     {"غير راضٍ جدًا", "غير راضٍ", "محايد", "راضٍ", "راضٍ جدًا"}},
};

static const pub_words *words_for(const char *lang)
{
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i].lang, lang) == 0)
            return &words[i];
    return &words[1];
}

/* A text object's string in lang, else in the first of langs, else "". */
static const char *text_in(const json_t *text, const char *lang, const char *first)
{
    const char *t = json_string_value(json_object_get(text, lang));
    if (!t && first)
        t = json_string_value(json_object_get(text, first));
    return t ? t : "";
}

static const char *answer_label(const json_t *card, const json_t *a, const pub_words *w,
                                const char *lang, const char *first)
{
    if (json_is_true(json_object_get(a, "other")))
        return w->other;
    const json_t *text = json_object_get(a, "text");
    if (text)
        return text_in(text, lang, first);
    const char *type = json_string_value(json_object_get(card, "type"));
    const char *id = json_string_value(json_object_get(a, "id"));
    if (!type || !id)
        return "";
    if (strcmp(type, "yesno") == 0)
        return strcmp(id, "yes") == 0 ? w->yes : strcmp(id, "no") == 0 ? w->no : w->prefer_not;
    if (strcmp(type, "smiley") == 0 && id[0] >= '1' && id[0] <= '5' && !id[1])
        return w->faces[id[0] - '1'];
    return id; /* a scale's number */
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
    "header p{margin:.25rem 0 0}\n"
    "nav ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:.5rem 0 0;padding:0}\n"
    "nav a{color:#fff}nav a[aria-current]{font-weight:bold}\n"
    "main{padding:1rem;max-width:60rem}\n"
    ":focus-visible{outline:3px solid #f2c200;outline-offset:2px}\n"
    "section.card{border:1px solid #767676;border-radius:6px;padding:1rem;margin:0 0 1.5rem}\n"
    "section.card h2{margin-top:0}\n"
    ".sentence{font-size:1.25rem;font-weight:bold}\n"
    ".bars{margin:.5rem 0}.row{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}\n"
    ".row .label{flex:0 0 40%}.row .track{flex:1;background:#e8eef5;height:1.75rem}\n"
    ".row .fill{background:#0b4f9c;height:100%}.row .pct{flex:0 0 3.5rem;font-weight:bold}\n"
    "table{border-collapse:collapse;margin:.5rem 0}\n"
    "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:start}\n"
    "thead th{background:#e8eef5}\n"
    ".note{color:#3b3b3b}\n";

static void render(coll_html *h, const json_t *doc, const char *location, const char *lang,
                   const char *const *langs, int nlang, int64_t k)
{
    const pub_words *w = words_for(lang);
    bool rtl = strcmp(words_for(lang)->lang, lang) == 0 ? w->rtl : false;
    const char *first = nlang > 0 ? langs[0] : NULL;
    coll_html_raw(h, "<!doctype html>\n<html lang=\"");
    coll_html_text(h, lang);
    coll_html_fmt(h, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", rtl ? "rtl" : "ltr");
    coll_html_raw(h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>");
    coll_html_text(h, w->title);
    coll_html_raw(h, " – ");
    coll_html_text(h, location);
    coll_html_fmt(h, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
    coll_html_text(h, w->title);
    coll_html_raw(h, "</h1>\n<p>");
    coll_html_fmt(h, w->intro, location); /* location_ok: letters, digits, - _ . */
    coll_html_raw(h, "</p>\n");
    if (nlang > 1) {
        coll_html_raw(h, "<nav aria-label=\"");
        coll_html_text(h, w->languages);
        coll_html_raw(h, "\"><ul>\n");
        for (int i = 0; i < nlang; i++) {
            const pub_words *lw = words_for(langs[i]);
            const char *name = strcmp(lw->lang, langs[i]) == 0 ? lw->name : langs[i];
            coll_html_raw(h, "<li><a href=\"?lang=");
            coll_html_urlarg(h, langs[i]);
            coll_html_raw(h, "\" lang=\"");
            coll_html_text(h, langs[i]);
            coll_html_raw(h, "\" hreflang=\"");
            coll_html_text(h, langs[i]);
            coll_html_raw(h, "\"");
            if (strcmp(langs[i], lang) == 0)
                coll_html_raw(h, " aria-current=\"page\"");
            coll_html_raw(h, ">");
            coll_html_text(h, name);
            coll_html_raw(h, "</a></li>\n");
        }
        coll_html_raw(h, "</ul></nav>\n");
    }
    coll_html_raw(h, "</header>\n<main>\n");
    const json_t *cards = json_object_get(doc, "cards");
    const json_t *period = json_object_get(doc, "period");
    const char *from = json_string_value(json_object_get(period, "from"));
    const char *to = json_string_value(json_object_get(period, "to"));
    /* dates as <bdi>: digits and hyphens keep their order inside a right-to-left sentence */
    char b_from[40], b_to[40], b_day[40];
    snprintf(b_from, sizeof b_from, "<bdi>%.10s</bdi>", from ? from : "");
    snprintf(b_to, sizeof b_to, "<bdi>%.10s</bdi>", to ? to : "");
    const char *computed = json_string_value(json_object_get(doc, "computed_at"));
    snprintf(b_day, sizeof b_day, "<bdi>%.10s</bdi>", computed ? computed : "");
    coll_html_raw(h, "<p>");
    coll_html_fmt(
        h, json_is_true(json_object_get(period, "whole_month")) ? w->period_whole : w->period_part,
        b_from, b_to);
    coll_html_raw(h, " ");
    coll_html_fmt(h, w->computed, b_day);
    coll_html_raw(h, "</p>\n");
    if (json_array_size(cards) == 0) {
        coll_html_raw(h, "<p>");
        coll_html_text(h, w->none);
        coll_html_raw(h, "</p>\n");
    }
    size_t i;
    const json_t *card;
    json_array_foreach(cards, i, card)
    {
        const char *qtext = text_in(json_object_get(card, "text"), lang, first);
        const json_t *answers = json_object_get(card, "answers");
        coll_html_fmt(h, "<section class=\"card\" aria-labelledby=\"c%zu\">\n<h2 id=\"c%zu\">", i,
                      i);
        coll_html_text(h, qtext);
        coll_html_raw(h, "</h2>\n<p class=\"sentence\">");
        const json_t *top = NULL, *a;
        size_t j;
        json_array_foreach(answers, j, a)
        {
            if (!json_is_true(json_object_get(a, "other")) &&
                (!top || json_integer_value(json_object_get(a, "percent")) >
                             json_integer_value(json_object_get(top, "percent"))))
                top = a;
        }
        if (top) {
            char lab[512];
            wp_strlcpy(lab, answer_label(card, top, w, lang, first), sizeof lab);
            int tens = (int)((json_integer_value(json_object_get(top, "percent")) + 5) / 10);
            char sentence[1024];
            snprintf(sentence, sizeof sentence, w->in_ten, tens, lab);
            coll_html_text(h, sentence);
        }
        coll_html_raw(h, "</p>\n<p>");
        coll_html_fmt(h, w->n_answered, (long long)json_integer_value(json_object_get(card, "n")));
        coll_html_raw(h, "</p>\n<div class=\"bars\" aria-hidden=\"true\">\n");
        json_array_foreach(answers, j, a)
        {
            json_int_t pct = json_integer_value(json_object_get(a, "percent"));
            coll_html_raw(h, "<div class=\"row\"><span class=\"label\">");
            coll_html_text(h, answer_label(card, a, w, lang, first));
            coll_html_fmt(h,
                          "</span><span class=\"track\"><span class=\"fill\" "
                          "style=\"display:block;width:%lld%%\"></span></span>"
                          "<span class=\"pct\">%lld%%</span></div>\n",
                          (long long)pct, (long long)pct);
        }
        coll_html_raw(h, "</div>\n<table>\n<caption>");
        coll_html_text(h, qtext);
        coll_html_fmt(h,
                      "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                      "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
                      w->answer, w->share, w->count);
        json_array_foreach(answers, j, a)
        {
            coll_html_raw(h, "<tr><th scope=\"row\">");
            coll_html_text(h, answer_label(card, a, w, lang, first));
            coll_html_fmt(h, "</th><td>%lld%%</td><td>%lld</td></tr>\n",
                          (long long)json_integer_value(json_object_get(a, "percent")),
                          (long long)json_integer_value(json_object_get(a, "count")));
        }
        coll_html_raw(h, "</tbody>\n</table>\n</section>\n");
    }
    coll_html_raw(h, "<p class=\"note\">");
    coll_html_fmt(h, w->k_note, (long long)k);
    coll_html_raw(h, "</p>\n</main>\n</body>\n</html>\n");
}

enum MHD_Result coll_public_handle(coll_db *db, const coll_results_sets *sets, int64_t k,
                                   struct MHD_Connection *c, const char *location,
                                   const char *method)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_text(c, 405, "Method not allowed: the public page is read-only");
    if (!location_ok(location))
        return send_text(c, 404, "Not found");
    json_t *doc = NULL;
    char err[WP_ERR_LEN];
    if (coll_share_cards(db, sets, location, k, wp_wall_ms(), &doc, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-collector: public page %s: %s\n", location, err);
        return send_text(c, 503, "Not available right now");
    }
    /* the languages: every language of the sets with cards, else of the first set */
    const char *langs[PUB_MAX_LANGS];
    int nlang = 0;
    size_t i;
    const json_t *card;
    json_array_foreach(json_object_get(doc, "cards"), i, card)
    {
        size_t j;
        const json_t *l;
        json_array_foreach(json_object_get(card, "languages"), j, l)
        {
            const char *code = json_string_value(l);
            bool seen = false;
            for (int n = 0; n < nlang; n++)
                seen |= strcmp(langs[n], code) == 0;
            if (code && !seen && nlang < PUB_MAX_LANGS)
                langs[nlang++] = code;
        }
    }
    for (size_t s = 0; nlang == 0 && s < coll_results_sets_count(sets); s++)
        for (size_t j = 0; j < coll_results_sets_nlang(sets, s) && nlang < PUB_MAX_LANGS; j++)
            langs[nlang++] = coll_results_sets_lang(sets, s, j);
    if (nlang == 0)
        langs[nlang++] = "nl";
    const char *want = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    const char *lang = langs[0];
    for (int n = 0; want && n < nlang; n++)
        if (strcmp(langs[n], want) == 0)
            lang = langs[n];
    coll_html *h = coll_html_new();
    if (!h) {
        json_decref(doc);
        return MHD_NO;
    }
    render(h, doc, location, lang, langs, nlang, k);
    json_decref(doc);
    size_t len;
    char *body = coll_html_take(h, &len);
    return body ? send_page(c, 200, body, len) : MHD_NO;
}
