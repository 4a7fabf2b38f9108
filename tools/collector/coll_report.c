/* The hour x weekday view and the report to print (see coll_report.h). */
#include "coll_report.h"

#include "util.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

#define RP_CELL  24 /* px of a heat map cell */
#define RP_LEFT  96 /* px of the weekday names */
#define RP_TOP   22 /* px of the hours above */
#define RP_BANDS 5  /* shades of the cells shown */

typedef struct {
    const char *when, *print, *when_h, *when_note, *total, *fewer, *heat_label, *table_caption,
        *day, *hour_abbr, *few, *many, *hidden_note, *flagged_kept, *days[7], *location,
        *all_locations, *period, *period_all, *language, *made, *k_note, *print_hint, *per_location,
        *scroll_label;
} rp_words;

static const rp_words words_nl = {
    .when = "Wanneer: uur en weekdag",
    .print = "Rapport om te printen",
    .when_h = "Antwoorden per uur en weekdag",
    .when_note = "Het uur en de dag waarop een antwoord begon, in Nederlandse tijd "
                 "(Europe/Amsterdam).",
    .total = "%lld antwoorden die aan het filter voldoen.",
    .fewer = "Minder dan %lld antwoorden voldoen aan het filter: niets getoond.",
    .heat_label = "Heatmap van de antwoorden per weekdag (rijen) en uur (kolommen); dezelfde "
                  "cijfers staan in de tabel",
    .table_caption = "Antwoorden per weekdag en uur (het uur waarin het antwoord begon)",
    .day = "Dag",
    .hour_abbr = "%02d:00 tot %02d:00",
    .few = "weinig",
    .many = "veel",
    .hidden_note = "\"verborgen\": minder dan %lld antwoorden, of verborgen zodat een klein aantal "
                   "niet uit het totaal af te leiden is.",
    .flagged_kept = "Minder dan %lld gemarkeerde antwoorden: die worden niet weggelaten (het "
                    "verschil zou een kleine groep verraden), ze zijn meegeteld.",
    .days = {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"},
    .location = "Locatie: ",
    .all_locations = "alle locaties",
    .period = "Periode: %s tot en met %s",
    .period_all = "Periode: alle antwoorden tot nu toe",
    .language = "Taal van de antwoorden: ",
    .made = "Gemaakt op %s.",
    .k_note = "Aantallen onder %lld worden nooit getoond, ook niet af te leiden uit totalen: "
              "zulke cellen staan er als \"verborgen\".",
    .print_hint = "Druk deze pagina af met de printfunctie van de browser (A4); menu en "
                  "filter worden niet mee afgedrukt.",
    .per_location = "Rapport per locatie:",
    .scroll_label = "Tabel van de antwoorden per weekdag en uur",
};

static const rp_words words_en = {
    .when = "When: hour and weekday",
    .print = "Report to print",
    .when_h = "Responses by hour and weekday",
    .when_note = "The hour and day a response started, in Dutch time (Europe/Amsterdam).",
    .total = "%lld responses match the filter.",
    .fewer = "Fewer than %lld responses match the filter: nothing is shown.",
    .heat_label = "Heat map of the responses by weekday (rows) and hour (columns); the table has "
                  "the same figures",
    .table_caption = "Responses by weekday and hour (the hour the response started in)",
    .day = "Day",
    .hour_abbr = "%02d:00 to %02d:00",
    .few = "few",
    .many = "many",
    .hidden_note = "\"hidden\": fewer than %lld responses, or hidden so that a small number cannot "
                   "be worked out from the total.",
    .flagged_kept = "Fewer than %lld flagged responses: they are not left out (the difference "
                    "would reveal a small group), they are included.",
    .days = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
    .location = "Location: ",
    .all_locations = "all locations",
    .period = "Period: %s to %s",
    .period_all = "Period: every response so far",
    .language = "Language of the responses: ",
    .made = "Made on %s.",
    .k_note = "Counts below %lld are never shown, nor can they be worked out from totals: such "
              "cells read \"hidden\".",
    .print_hint = "Print this page with the browser's print function (A4); the menu and the "
                  "filter are not printed.",
    .per_location = "Report per location:",
    .scroll_label = "Table of the responses by weekday and hour",
};

static const rp_words *words_for(const char *lang)
{
    return lang && strcmp(lang, "en") == 0 ? &words_en : &words_nl;
}

static const char css[] =
    ".more a{font-weight:bold}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table.when th,table.when td{padding:.1rem .3rem;text-align:right;font-size:.9rem}\n"
    "table.when th[scope=row]{text-align:left}\n"
    ".heat text{font-size:12px;fill:#1b1b1b}\n"
    ".heat .c0{fill:#dbe6f2}.heat .c1{fill:#a9c3e0}.heat .c2{fill:#6f9acb}"
    ".heat .c3{fill:#2f6aab}.heat .c4{fill:#0b3d6e}\n"
    ".heat .hid{fill:#fff;stroke:#767676;stroke-dasharray:2 2}\n"
    ".legend{display:flex;gap:.5rem;align-items:center}\n"
    ".report .meta{margin:.25rem 0}\n"
    "@page{size:A4;margin:15mm}\n"
    "@media print{header,nav,.skip,.more,.no-print,form{display:none!important}"
    "body{font-size:10pt;color:#000}main{max-width:none;padding:0}"
    ".question{break-inside:avoid}.qbody{display:block}"
    "svg.chart{max-width:100%;height:auto}a{color:#000;text-decoration:none}"
    ".report h1{margin-top:0}}\n";

const char *coll_report_css(void)
{
    return css;
}

const char *coll_report_when_title(const char *lang)
{
    return words_for(lang)->when;
}

const char *coll_report_print_title(const char *lang)
{
    return words_for(lang)->print;
}

static void stylesheet(coll_html *h)
{
    coll_html_raw(h, "<link rel=\"stylesheet\" href=\"" COLL_REPORT_CSS_PATH "\">\n");
}

/* ---- when: hour x weekday ----------------------------------------------------------------- */

/* The shade of a count shown, 0 .. RP_BANDS-1, by its share of the largest. */
static int band(int64_t n, int64_t max)
{
    int b = max > 0 ? (int)(n * RP_BANDS / (max + 1)) : 0;
    return b < RP_BANDS ? b : RP_BANDS - 1;
}

static void heat_svg(coll_html *h, const int64_t cell[7][24], const bool hid[7][24], int64_t max,
                     const rp_words *w)
{
    int width = RP_LEFT + 24 * RP_CELL + 2, height = RP_TOP + 7 * RP_CELL + 2;
    coll_html_fmt(h,
                  "<svg class=\"heat\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
                  "%d\" aria-label=\"",
                  width, height, width, height);
    coll_html_text(h, w->heat_label);
    coll_html_raw(h, "\">\n");
    for (int hr = 0; hr < 24; hr += 3)
        coll_html_fmt(h, "<text x=\"%d\" y=\"%d\">%02d</text>", RP_LEFT + hr * RP_CELL + 2,
                      RP_TOP - 6, hr);
    coll_html_raw(h, "\n");
    for (int d = 0; d < 7; d++) {
        int y = RP_TOP + d * RP_CELL;
        coll_html_fmt(h, "<text x=\"0\" y=\"%d\">", y + RP_CELL - 7);
        coll_html_text(h, w->days[d]);
        coll_html_raw(h, "</text>");
        for (int hr = 0; hr < 24; hr++) {
            coll_html_fmt(h, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"",
                          RP_LEFT + hr * RP_CELL + 1, y + 1, RP_CELL - 2, RP_CELL - 2);
            if (hid[d][hr])
                coll_html_raw(h, "hid\"/>");
            else
                coll_html_fmt(h, "c%d\"/>", band(cell[d][hr], max));
        }
        coll_html_raw(h, "\n");
    }
    coll_html_raw(h, "</svg>\n");
}

/* The legend of the shades: words only (bounds in numbers would be counts of their own). */
static void legend(coll_html *h, const rp_words *w, const char *hidden_word)
{
    coll_html_raw(h, "<p class=\"legend\" aria-hidden=\"true\">");
    coll_html_text(h, w->few);
    coll_html_raw(h, " <svg class=\"heat\" width=\"110\" height=\"20\" viewBox=\"0 0 110 20\">");
    for (int b = 0; b < RP_BANDS; b++)
        coll_html_fmt(h, "<rect x=\"%d\" y=\"1\" width=\"20\" height=\"18\" class=\"c%d\"/>",
                      b * 22, b);
    coll_html_raw(h, "</svg> ");
    coll_html_text(h, w->many);
    coll_html_raw(h, " <svg class=\"heat\" width=\"22\" height=\"20\" viewBox=\"0 0 22 20\">"
                     "<rect x=\"1\" y=\"1\" width=\"20\" height=\"18\" class=\"hid\"/></svg> ");
    coll_html_text(h, hidden_word);
    coll_html_raw(h, "</p>\n");
}

static void heat_table(coll_html *h, const int64_t cell[7][24], const bool hid[7][24],
                       const rp_words *w, const char *hidden_word)
{
    coll_html_raw(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"");
    coll_html_text(h, w->scroll_label);
    coll_html_raw(h, "\">\n<table class=\"when\">\n<caption>");
    coll_html_text(h, w->table_caption);
    coll_html_raw(h, "</caption>\n<thead><tr><th scope=\"col\">");
    coll_html_text(h, w->day);
    coll_html_raw(h, "</th>");
    for (int hr = 0; hr < 24; hr++) {
        char title[64];
        snprintf(title, sizeof title, w->hour_abbr, hr, (hr + 1) % 24);
        coll_html_fmt(h, "<th scope=\"col\"><abbr title=\"%s\">%02d</abbr></th>", title, hr);
    }
    coll_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (int d = 0; d < 7; d++) {
        coll_html_raw(h, "<tr><th scope=\"row\">");
        coll_html_text(h, w->days[d]);
        coll_html_raw(h, "</th>");
        for (int hr = 0; hr < 24; hr++) {
            if (hid[d][hr]) {
                coll_html_raw(h, "<td class=\"hidden\">");
                coll_html_text(h, hidden_word);
                coll_html_raw(h, "</td>");
            } else {
                coll_html_fmt(h, "<td>%lld</td>", (long long)cell[d][hr]);
            }
        }
        coll_html_raw(h, "</tr>\n");
    }
    coll_html_raw(h, "</tbody>\n</table>\n</div>\n");
}

int coll_report_when(coll_db *db, const coll_results_sets *s, size_t i,
                     const coll_results_filter *f, int64_t k, const char *lang, coll_html *h,
                     char *err, size_t errlen)
{
    const rp_words *w = words_for(lang);
    const char *hidden_word = coll_results_hidden_word(lang);
    int64_t cell[7][24], all[7][24];
    bool kept = false, kept_all = false;
    if (coll_results_when(db, s, i, f, k, cell, &kept, err, errlen) != 0)
        return -1;
    /* One location of several: a cell is hidden too when the other locations' count of it (all
     * locations minus this one, as shown on the page without a location) is a small group. */
    bool one = f->location && f->location[0];
    if (one) {
        coll_results_filter every = *f;
        every.location = NULL;
        if (coll_results_when(db, s, i, &every, k, all, &kept_all, err, errlen) != 0)
            return -1;
    }
    int64_t total = 0, total_all = 0;
    bool hid[7][24];
    for (int d = 0; d < 7; d++)
        for (int hr = 0; hr < 24; hr++) {
            total += cell[d][hr];
            total_all += one ? all[d][hr] : 0;
        }
    stylesheet(h);
    coll_html_fmt(h,
                  "<section class=\"when\" aria-labelledby=\"when-h\">\n<h2 id=\"when-h\">%s"
                  "</h2>\n<p>",
                  w->when_h);
    coll_html_text(h, w->when_note);
    coll_html_raw(h, "</p>\n<p class=\"total\">");
    if (total < k || (one && coll_results_small(total_all - total, k))) {
        coll_html_fmt(h, w->fewer, (long long)k);
        coll_html_raw(h, "</p>\n</section>\n");
        return 0;
    }
    coll_html_fmt(h, w->total, (long long)total);
    coll_html_raw(h, "</p>\n");
    if (kept) {
        coll_html_raw(h, "<p class=\"note\">");
        coll_html_fmt(h, w->flagged_kept, (long long)k);
        coll_html_raw(h, "</p>\n");
    }
    /* The cells add up to the total shown (here and on the results page): a cell below k is
     * hidden, and while the hidden ones together hold 1 to k-1 responses, more of them; of one
     * location, beside the view over every location, as the results page hides its cells. */
    if (one)
        coll_results_hide_beside(&cell[0][0], &all[0][0], 7 * 24, k, &hid[0][0]);
    else
        coll_results_suppress(&cell[0][0], 7 * 24, k, &hid[0][0]);
    int64_t max = 0;
    for (int d = 0; d < 7; d++)
        for (int hr = 0; hr < 24; hr++)
            if (!hid[d][hr] && cell[d][hr] > max)
                max = cell[d][hr];
    heat_svg(h, (const int64_t(*)[24])cell, (const bool(*)[24])hid, max, w);
    legend(h, w, hidden_word);
    coll_html_raw(h, "<p class=\"note\">");
    coll_html_fmt(h, w->hidden_note, (long long)k);
    coll_html_raw(h, "</p>\n");
    heat_table(h, (const int64_t(*)[24])cell, (const bool(*)[24])hid, w, hidden_word);
    coll_html_raw(h, "</section>\n");
    return 0;
}

/* ---- the report to print ------------------------------------------------------------------ */

typedef struct {
    coll_html *h;
    const char *set, *path, *lang, *from, *to;
} loc_ctx;

static void url_arg(coll_html *h, const char *name, const char *v)
{
    if (v && v[0]) {
        coll_html_fmt(h, "&amp;%s=", name);
        coll_html_urlarg(h, v);
    }
}

static int location_link(void *ctx, int ncol, const char *const *v)
{
    loc_ctx *x = ctx;
    if (ncol < 1 || !v[0] || !v[0][0])
        return 0;
    coll_html_fmt(x->h, "<li><a href=\"%s?set=", x->path);
    coll_html_urlarg(x->h, x->set);
    url_arg(x->h, "location", v[0]);
    url_arg(x->h, "from", x->from);
    url_arg(x->h, "to", x->to);
    url_arg(x->h, "lang", x->lang);
    coll_html_raw(x->h, "\">");
    coll_html_text(x->h, v[0]);
    coll_html_raw(x->h, "</a></li>");
    return 0;
}

int coll_report_print(coll_db *db, const coll_results_sets *s, size_t i,
                      const coll_results_filter *f, const coll_report_args *a, int64_t k,
                      const char *lang, coll_html *h, char *err, size_t errlen)
{
    const rp_words *w = words_for(lang);
    stylesheet(h);
    coll_html_raw(h, "<p class=\"no-print\">");
    coll_html_text(h, w->print_hint);
    coll_html_raw(h, "</p>\n");
    bool one = f->location && f->location[0];
    if (!one) {
        /* every location together here; the report of each a link away */
        loc_ctx x = {h, coll_results_sets_id(s, i), a->path, lang, a->from, a->to};
        coll_html_raw(h, "<nav class=\"no-print\" aria-label=\"");
        coll_html_text(h, w->per_location);
        coll_html_raw(h, "\"><p>");
        coll_html_text(h, w->per_location);
        coll_html_raw(h, "</p><ul>");
        if (coll_db_query(db, "SELECT DISTINCT location FROM devices ORDER BY location", NULL, 0,
                          location_link, &x, NULL, err, errlen) != COLL_SQL_OK)
            return -1;
        coll_html_raw(h, "</ul></nav>\n");
    }
    coll_html_raw(h, "<article class=\"report\">\n<h1>");
    coll_html_text(h, coll_results_sets_title(s, i, lang));
    coll_html_raw(h, "</h1>\n<p class=\"meta\">");
    coll_html_text(h, w->location);
    coll_html_text(h, one ? f->location : w->all_locations);
    coll_html_raw(h, "</p>\n<p class=\"meta\">");
    if ((a->from && a->from[0]) || (a->to && a->to[0])) {
        char period[256];
        snprintf(period, sizeof period, w->period, a->from && a->from[0] ? a->from : "…",
                 a->to && a->to[0] ? a->to : "…");
        coll_html_text(h, period);
    } else {
        coll_html_text(h, w->period_all);
    }
    coll_html_raw(h, "</p>\n");
    if (f->language && f->language[0]) {
        coll_html_raw(h, "<p class=\"meta\">");
        coll_html_text(h, w->language);
        coll_html_text(h, f->language);
        coll_html_raw(h, "</p>\n");
    }
    char today[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm))
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
    coll_html_raw(h, "<p class=\"meta made\">");
    coll_html_fmt(h, w->made, today);
    coll_html_raw(h, "</p>\n<p class=\"note\">");
    coll_html_fmt(h, w->k_note, (long long)k);
    coll_html_raw(h, "</p>\n");
    if (coll_results_render(db, s, i, f, k, lang, h, err, errlen) != 0)
        return -1;
    coll_html_raw(h, "</article>\n");
    return 0;
}
