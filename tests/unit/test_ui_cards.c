/* The cards residents see (issue 15) on the kiosk's own screens, drawn headless by the walker:
 * a card of 5 answers and "other" fits every panel of the matrix in every language and display
 * mode of the demo poll, beside "tap to start", with zero accessibility findings; a card that
 * cannot fit gives way to the next one that does, and without one no card is shown; the
 * thank-you screen's card is whole or left out; "You are one of N" and "fewer neighbours than
 * usual" are shown. On the 7" panels in large text the card is cut into pages (the question on
 * one, the bars on the next, each with the short line "n = 250, ..."; in Arabic "n = 250" stays
 * one left-to-right run); the card pages per card are printed per panel and mode. PNGs of the
 * card screens (nl, ar; 7", 10.1", 24") are kept in cards-png/ of the test's folder for people
 * to look at. */
#include "qset.h"
#include "testlib.h"
#include "testwalk.h"
#include "ui_check.h"
#include "ui_png.h"
#include "ui_text.h"
#include "ui_walk.h"
#include "util.h"

#include <SDL.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PNG_DIR "cards-png"

static qset *load_demo(void)
{
    char *path = test_src("assets/demo/nazareth-pottenberg.json");
    qset *qs = test_load_qset(path);
    free(path);
    return qs;
}

static const char *label(json_t *tree, const char *id)
{
    json_t *w = test_tree_widget(tree, id);
    return w ? json_string_value(json_object_get(w, "label")) : NULL;
}

/* How many bars the card on screen has (card-answer-0, -1, ...). */
static int bars(json_t *tree)
{
    int n = 0;
    char id[32];
    for (;; n++) {
        snprintf(id, sizeof id, "card-answer-%d", n);
        if (!test_tree_widget(tree, id))
            return n;
    }
}

/* How many bars of a card are on screen, of whichever part (card-answer-N for any N). */
static int bars_shown(json_t *tree)
{
    int n = 0;
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(tree, "widgets"), i, w)
    {
        n += !strncmp(json_string_value(json_object_get(w, "id")), "card-answer-", 12);
    }
    return n;
}

/* Lowest edge of the card's widgets (0: no card). */
static int card_bottom(json_t *tree)
{
    int b = 0;
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(tree, "widgets"), i, w)
    {
        if (strncmp(json_string_value(json_object_get(w, "id")), "card-", 5) != 0)
            continue;
        int e = (int)(json_integer_value(json_object_get(w, "y")) +
                      json_integer_value(json_object_get(w, "h")));
        if (e > b)
            b = e;
    }
    return b;
}

typedef struct {
    const char *panel;
    ui_check_report *rep;
    int attract, attract_cards, attract_ar_full, thanks, thanks_lines;
    int thanks_pages; /* thanks pages past the first (the card's) */
    int errors;
    bool save_png;
    bool demo; /* the walker's own cards of the demo poll: the matrix of where cards fit */
    json_t *first_attract; /* the first attract page with a card in nl, normal mode, else the
                              first attract page in nl (for the fallback tests) */
    bool first_has_card;
    /* per language and mode, over the attract screen's pages: a card shown, its bars */
    bool cycle_card[16][UI_WALK_MODES];
    int cycle_bars[16][UI_WALK_MODES];
    bool cycle_meta[16][UI_WALK_MODES]; /* n and the period on some page of the cycle */
    int cycle_pages[16][UI_WALK_MODES]; /* attract pages with (a part of) the card */
    /* the same over the thanks screen's pages */
    bool thanks_card[16][UI_WALK_MODES];
    int thanks_bars[16][UI_WALK_MODES];
    bool thanks_meta[16][UI_WALK_MODES];
    int thanks_card_pages[16][UI_WALK_MODES];
    bool thanks_one_of[16][UI_WALK_MODES]; /* "You are one of N" on some page */
    char ar_meta[256];                     /* the Arabic short line of n and the period, if shown */
    char short_line[16][160]; /* per language: a short line "n = 250, ..." shown, if any */
    int pages;                /* attract pages past the first (the card on its own, or its parts) */
    const char *no_card_lang; /* a language that must show no card (no card words) */
} cards_ctx;

static int on_screen(void *vctx, const ui_walk_screen *s)
{
    cards_ctx *c = vctx;
    char err[512] = "";
    ui_check_input in = {.tree_json = s->tree_json,
                         .pixels = s->pixels,
                         .width = s->width,
                         .height = s->height,
                         .text = s->text,
                         .where = s->state};
    if (ui_check_screen(&in, c->rep, err, sizeof err) < 0) {
        fprintf(stderr, "check failed: %s\n", err);
        c->errors++;
    }
    if (!strcmp(s->state, "more")) /* the "more" panel: no card */
        return 0;
    json_t *tree = json_loads(s->tree_json, 0, NULL);
    if (!tree)
        return -1;
    const char *short_line = label(tree, "card-meta");
    if (short_line && strstr(short_line, "n = ") && s->lang >= 0 && s->lang < 16)
        wp_strlcpy(c->short_line[s->lang], short_line, sizeof c->short_line[s->lang]);
    bool attract = !strcmp(s->screen, "attract");
    bool card = test_tree_widget(tree, "card-question") != NULL;
    if (attract) {
        /* the attract cycle: the first page (state ""), then "page2", ... */
        c->attract += !*s->state;
        c->pages += *s->state != 0;
        c->attract_cards += card && !*s->state;
        if (s->lang >= 0 && s->lang < 16) {
            c->cycle_card[s->lang][s->mode] |= card;
            c->cycle_bars[s->lang][s->mode] += bars_shown(tree);
            c->cycle_meta[s->lang][s->mode] |= label(tree, "card-meta") != NULL;
            c->cycle_pages[s->lang][s->mode] += card || bars_shown(tree) > 0;
        }
        /* the short line of n and the period ("n = 250, ..."), kept in Arabic for the bidi
         * check */
        const char *meta = label(tree, "card-meta");
        if (meta && !strcmp(s->lang_code, "ar") && strstr(meta, "n = "))
            wp_strlcpy(c->ar_meta, meta, sizeof c->ar_meta);
        /* Arabic writes its own comma (the sample's period is "this month so far") */
        if (meta && !strcmp(s->lang_code, "ar"))
            CHECKF(!strstr(meta, ", ") && !strstr(meta, " ,"), "%s: a Latin comma in \"%s\"",
                   c->panel, meta);
        if (c->no_card_lang && !strcmp(s->lang_code, c->no_card_lang))
            CHECKF(!card, "%s %s: a card without card words", c->panel, s->lang_code);
        /* "tap to start" below the card, whole on screen */
        json_t *st = test_tree_widget(tree, "start");
        CHECKF(st && json_integer_value(json_object_get(st, "y")) >= card_bottom(tree) &&
                   json_integer_value(json_object_get(st, "y")) +
                           json_integer_value(json_object_get(st, "h")) <=
                       s->height,
               "%s %s %s %s: start not below the card", c->panel, s->lang_code, s->mode_name,
               s->state);
        if (!strcmp(s->lang_code, "nl") && s->mode == 0 &&
            (!c->first_attract || (card && !c->first_has_card))) {
            json_decref(c->first_attract);
            c->first_attract = json_incref(tree);
            c->first_has_card = card;
        }
        if (card && !strcmp(s->lang_code, "ar") && bars(tree) == 6)
            c->attract_ar_full++;
    } else {
        /* the thanks screen: its first page (state ""), then its card's pages ("page2", ...) */
        c->thanks += !*s->state;
        c->thanks_pages += *s->state != 0;
        CHECKF(*s->state || label(tree, "heading"), "%s %s %s: no thanks on the first page",
               c->panel, s->lang_code, s->mode_name);
        if (s->lang >= 0 && s->lang < 16) {
            c->thanks_card[s->lang][s->mode] |= card;
            c->thanks_bars[s->lang][s->mode] += bars_shown(tree);
            c->thanks_meta[s->lang][s->mode] |= label(tree, "card-meta") != NULL;
            c->thanks_card_pages[s->lang][s->mode] += card || bars_shown(tree) > 0;
            c->thanks_one_of[s->lang][s->mode] |= label(tree, "one-of") != NULL;
        }
        /* the card (or its part) is whole on screen, never scrolled away in part */
        CHECKF((!card && !bars_shown(tree)) ||
                   (card_bottom(tree) <= s->height && !test_tree_widget(tree, "scroll-down")),
               "%s %s %s %s: the thanks screen's card does not fit whole", c->panel, s->lang_code,
               s->mode_name, s->state);
    }
    if (c->save_png && (s->mode == 0 || s->mode == 1) &&
        (!strcmp(s->lang_code, "nl") || !strcmp(s->lang_code, "ar"))) {
        char path[256], e2[256];
        mkdir(PNG_DIR, 0755);
        snprintf(path, sizeof path, "%s/%s-%s-%s%s%s%s.png", PNG_DIR, c->panel, s->name,
                 s->lang_code, ui_walk_mode_suffix(s->mode), *s->state ? "-" : "", s->state);
        if (ui_walk_save_png(s, path, e2, sizeof e2) != 0)
            fprintf(stderr, "%s\n", e2);
    }
    json_decref(tree);
    return 0;
}

static void walk_cards(const qset *qs, const ui_walk_panel *pn, const char *doc, unsigned modes,
                       cards_ctx *c, bool save_png)
{
    memset(c, 0, sizeof *c);
    c->save_png = save_png;
    c->demo = doc == NULL;
    c->panel = pn->name;
    c->rep = ui_check_report_new();
    ui_walk_options o = {.qs = qs,
                         .width = pn->width,
                         .height = pn->height,
                         .px_per_mm = pn->width / pn->width_mm,
                         .modes = modes,
                         .cards_only = true,
                         .cards_json = doc};
    test_walk(&o, on_screen, c);
    CHECK(c->errors == 0);
    /* the bars of the thanks_share question's card: its answers and "other" */
    int ts = qset_thanks_share(qs);
    int thanks_bars = ts >= 0 ? qset_question_at(qs, ts)->n_options + 1 : 0;
    /* The walker's cards of the demo poll: in every language and mode the attract cycle shows
     * a card on one of its pages (issue 15: never left out for want of room), the Arabic turn
     * the smiley card with its 5 answers and "other" over its pages. */
    for (int l = 0; c->demo && l < qset_n_languages(qs) && l < 16; l++)
        for (int m = 0; m < UI_WALK_MODES; m++) {
            if (modes && !(modes & (1u << m)))
                continue;
            const char *code = qset_language(qs, l);
            CHECKF(c->cycle_card[l][m], "%s %s %s: no card on any page of the attract cycle",
                   pn->name, code, ui_walk_mode_name(m));
            CHECKF(!c->cycle_card[l][m] || c->cycle_meta[l][m],
                   "%s %s %s: the card's pages never state n and the period", pn->name, code,
                   ui_walk_mode_name(m));
            if (!strcmp(code, "ar"))
                CHECKF(c->cycle_bars[l][m] == 6, "%s ar %s: %d bars, not the 5+other card",
                       pn->name, ui_walk_mode_name(m), c->cycle_bars[l][m]);
            /* the thank-you screen: the thanks_share question's card on one of its pages, every
             * bar of it once over them and n and the period on one */
            CHECKF(c->thanks_card[l][m], "%s %s %s: no card on any page of the thanks screen",
                   pn->name, code, ui_walk_mode_name(m));
            CHECKF(c->thanks_bars[l][m] == thanks_bars,
                   "%s %s %s: %d bars over the thanks pages, "
                   "not %d",
                   pn->name, code, ui_walk_mode_name(m), c->thanks_bars[l][m], thanks_bars);
            CHECKF(c->thanks_meta[l][m], "%s %s %s: the thanks pages never state n and the period",
                   pn->name, code, ui_walk_mode_name(m));
        }
}

/* The Arabic short line "n = 250، <period>" as the kiosk lays it out (right to left): "n = 250"
 * is one run read left to right, at the line's right end (it comes first), not reordered
 * into "250 = n" or run together with the period's digits. */
static void check_ar_meta(const char *meta)
{
    const char *n = strstr(meta, "n = ");
    CHECKF(n != NULL, "no n in \"%s\"", meta);
    if (!n)
        return;
    char want[32];
    snprintf(want, sizeof want, "%.*s", (int)(4 + strspn(n + 4, "0123456789")), n);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 800, 200, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    char *dir = test_src("fonts"), err[256] = "";
    ui_text *t = NULL;
    CHECKF(r && ui_text_open(r, dir, &t, err, sizeof err) == 0, "ui_text_open: %s", err);
    free(dir);
    if (t) {
        ui_text_style st = {.px = 40, .rtl = true, .align = UI_ALIGN_START};
        ui_text_run runs[16];
        int nr = ui_text_debug_runs(t, meta, &st, 0, runs, 16), at = -1, right = -1;
        for (int i = 0; i < nr && i < 16; i++) {
            /* the run holds n and nothing of the period after it */
            const char *in = strstr(runs[i].text, want);
            if (in && !runs[i].rtl && !strpbrk(in + strlen(want), "0123456789"))
                at = i;
            if (runs[i].w > 0 && (right < 0 || runs[i].x > runs[right].x))
                right = i;
        }
        printf("Arabic short line \"%s\": \"%s\" is run %d of %d (rightmost: %d)\n", meta, want, at,
               nr, right);
        CHECKF(at >= 0 && at == right, "\"%s\" not one left-to-right run at the right end", want);
        ui_text_close(t);
    }
    if (r)
        SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
}

/* Pages of the attract cycle with (a part of) the card, per language and mode: fewest and
 * most over the languages, by mode, and Dutch and Arabic. */
static void print_card_pages(const qset *qs, const cards_ctx *c)
{
    printf("  card pages per card:");
    for (int m = 0; m < UI_WALK_MODES; m++) {
        int lo = 99, hi = 0, nl = 0, ar = 0;
        for (int l = 0; l < qset_n_languages(qs) && l < 16; l++) {
            int p = c->cycle_pages[l][m];
            lo = p < lo ? p : lo;
            hi = p > hi ? p : hi;
            if (!strcmp(qset_language(qs, l), "nl"))
                nl = p;
            if (!strcmp(qset_language(qs, l), "ar"))
                ar = p;
        }
        printf(" %s %d-%d (nl %d, ar %d)%s", ui_walk_mode_name(m), lo, hi, nl, ar,
               m + 1 < UI_WALK_MODES ? ";" : "\n");
    }
}

static void print_findings(const ui_check_report *r)
{
    int n = ui_check_report_kept(r);
    for (int i = 0; i < n && i < 40; i++)
        printf("  %s\n", ui_check_report_message(r, i));
}

/* Every panel x language x mode of the demo poll: the walker's own cards (a smiley card of 5
 * answers and "other", the Arabic attract screen's turn). */
static void test_every_panel(void)
{
    qset *qs = load_demo();
    CHECK(qs != NULL);
    if (!qs)
        return;
    for (int p = 0; p < UI_WALK_N_PANELS; p++) {
        const ui_walk_panel *pn = &ui_walk_panels[p];
        cards_ctx c;
        /* PNGs to look at: 7" landscape and portrait, 10.1", 24" */
        bool png = p == 0 || p == 1 || p == 2 || p == UI_WALK_N_PANELS - 1;
        walk_cards(qs, pn, NULL, 0, &c, png);
        int findings = ui_check_report_count(c.rep);
        int thanks_cards = 0, thanks_whole = 0;
        for (int l = 0; l < qset_n_languages(qs) && l < 16; l++)
            for (int m = 0; m < UI_WALK_MODES; m++) {
                thanks_cards += c.thanks_card[l][m];
                thanks_whole += c.thanks_card[l][m] && c.thanks_card_pages[l][m] == 1;
                c.thanks_lines += c.thanks_one_of[l][m];
            }
        printf("panel %s: attract %d/%d with a card on the first page, %d further pages "
               "(Arabic pages with all 6 bars: %d), thanks %d/%d with a card (%d on one page, "
               "%d further pages), %d with the one-of line, %d findings\n",
               pn->name, c.attract_cards, c.attract, c.pages, c.attract_ar_full, thanks_cards,
               c.thanks, thanks_whole, c.thanks_pages, c.thanks_lines, findings);
        print_card_pages(qs, &c);
        print_findings(c.rep);
        /* 7" landscape: Arabic in large text shows its card in parts, with the short line */
        if (p == 0) {
            CHECKF(c.ar_meta[0] != 0, "%s: no Arabic short line of n and the period", pn->name);
            if (c.ar_meta[0])
                check_ar_meta(c.ar_meta);
        }
        CHECKF(findings == 0, "%s: %d findings on the card screens", pn->name, findings);
        CHECKF(c.attract == 7 * UI_WALK_MODES, "%s: %d attract screens", pn->name, c.attract);
        /* every thanks screen: its card (on one of its pages, walk_cards) and "You are one of
         * N" (on its first page) */
        CHECKF(c.thanks == 7 * UI_WALK_MODES, "%s: %d thanks screens", pn->name, c.thanks);
        CHECKF(thanks_cards == c.thanks, "%s: thanks %d/%d with a card", pn->name, thanks_cards,
               c.thanks);
        CHECKF(c.thanks_lines == c.thanks, "%s: one-of line on %d of %d", pn->name, c.thanks_lines,
               c.thanks);
        /* 24": the card below the thanks on one page in every language and mode */
        if (p == UI_WALK_N_PANELS - 1)
            CHECKF(thanks_whole == c.thanks, "%s: thanks %d/%d with the card on one page", pn->name,
                   thanks_whole, c.thanks);
        ui_check_report_free(c.rep);
        json_decref(c.first_attract);
    }
    qset_free(qs);
}

/* A cards document of big (12 answers and "other", long words: never fits a 7" panel) and,
 * when small is true, a small card after it (2 answers). */
static char *fallback_doc(bool small)
{
    json_t *answers = json_array();
    for (int i = 0; i < 12; i++) {
        char id[8], nl[96];
        snprintf(id, sizeof id, "a%d", i);
        snprintf(nl, sizeof nl, "Antwoord nummer %d, met een lange omschrijving erbij", i + 1);
        json_array_append_new(answers, json_pack("{s:s, s:{s:s}, s:i, s:i}", "id", id, "text", "nl",
                                                 nl, "count", 12, "percent", 6));
    }
    json_array_append_new(answers, json_pack("{s:s, s:b, s:i, s:i}", "id", "", "other", 1, "count",
                                             12, "percent", 4));
    json_t *list = json_array();
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:[s], s:{s:s}, s:i, s:i, s:o}",
                                          "questionset", "x", "question", "big", "type", "single",
                                          "languages", "nl", "text", "nl",
                                          "Welke van deze twaalf dingen vindt u het "
                                          "belangrijkst in uw buurt?",
                                          "n", 200, "responses", 200, "answers", answers));
    if (small)
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:s, s:[s], s:{s:s}, s:i, s:i, s:[{s:s, s:i, s:i}, "
                      "{s:s, s:i, s:i}]}",
                      "questionset", "x", "question", "small", "type", "yesno", "languages", "nl",
                      "text", "nl", "Kent u uw buren?", "n", 40, "responses", 40, "answers", "id",
                      "yes", "count", 30, "percent", 75, "id", "no", "count", 10, "percent", 25));
    json_t *doc =
        json_pack("{s:s, s:s, s:{s:s, s:s, s:b}, s:i, s:o}", "version", "fallback", "computed_at",
                  "2027-04-01T09:00:00.000Z", "period", "from", "2027-03-01", "to", "2027-03-31",
                  "whole_month", 1, "k", 10, "cards", list);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

/* A card that cannot fit a 7" panel gives way to the next one that does; with none that fits,
 * no card is shown, and nothing is found wrong either way. */
static void test_fallback(void)
{
    qset *qs = load_demo();
    CHECK(qs != NULL);
    if (!qs)
        return;
    const ui_walk_panel *seven = &ui_walk_panels[0];
    CHECK_STR(seven->name, "7in-800x480");
    for (int small = 1; small >= 0; small--) {
        char *doc = fallback_doc(small);
        cards_ctx c;
        walk_cards(qs, seven, doc, UI_WALK_NORMAL, &c, false);
        int findings = ui_check_report_count(c.rep);
        print_findings(c.rep);
        CHECKF(findings == 0, "%d findings", findings);
        CHECK(c.first_attract != NULL);
        if (c.first_attract) {
            /* Dutch is the attract screen's first turn: the big card's, which gives way */
            if (small) {
                CHECK_STR(label(c.first_attract, "card-question"), "Kent u uw buren?");
                CHECK(bars(c.first_attract) == 2);
            } else {
                CHECK(card_bottom(c.first_attract) == 0);
            }
        }
        int cycle = 0; /* languages whose attract cycle shows a card */
        for (int l = 0; l < qset_n_languages(qs); l++)
            cycle += c.cycle_card[l][0];
        printf("fallback, %s: attract %d/%d with a card on some page\n",
               small ? "big then small card" : "only the big card", cycle, c.attract);
        CHECK(small ? cycle == c.attract : cycle == 0);
        ui_check_report_free(c.rep);
        json_decref(c.first_attract);
        free(doc);
    }
    /* The big card alone fits a 24" panel: it is not left out for nothing. */
    char *doc = fallback_doc(false);
    cards_ctx c;
    walk_cards(qs, &ui_walk_panels[UI_WALK_N_PANELS - 1], doc, UI_WALK_NORMAL, &c, false);
    CHECK(c.first_attract && bars(c.first_attract) == 13);
    ui_check_report_free(c.rep);
    json_decref(c.first_attract);
    free(doc);
    qset_free(qs);
}

/* A set older than the cards (its "so" brings no card words): no card in "so", the Dutch turn
 * still has its card, and nothing is found wrong on either. */
static void test_no_card_words(void)
{
    char *path = test_src("tests/qsets/valid-somali-no-card-words.json");
    qset *qs = test_load_qset(path);
    free(path);
    CHECK(qs != NULL);
    if (!qs)
        return;
    cards_ctx c;
    memset(&c, 0, sizeof c);
    c.panel = "24in-1920x1080";
    c.rep = ui_check_report_new();
    c.no_card_lang = "so";
    const ui_walk_panel *pn = &ui_walk_panels[UI_WALK_N_PANELS - 1];
    ui_walk_options o = {.qs = qs,
                         .width = pn->width,
                         .height = pn->height,
                         .px_per_mm = pn->width / pn->width_mm,
                         .modes = UI_WALK_NORMAL,
                         .cards_only = true};
    test_walk(&o, on_screen, &c);
    printf("set without card words: attract %d/%d with a card\n", c.attract_cards, c.attract);
    print_findings(c.rep);
    CHECK(c.errors == 0 && ui_check_report_count(c.rep) == 0);
    CHECK(c.attract == 2 && c.attract_cards == 1);
    ui_check_report_free(c.rep);
    json_decref(c.first_attract);
    qset_free(qs);
}

/* The short line of a whole month names the month as a month-and-year heading does: Polish
 * "marzec 2027" and Ukrainian "березень 2027" (card_months_alone), not a date's "marca",
 * "березня"; Dutch (no such word of its own) as its dates, "maart 2027". On the 7" portrait
 * panel in large text, where the cards have the short line. */
static void test_short_line_month(void)
{
    qset *qs = load_demo();
    CHECK(qs != NULL);
    if (!qs)
        return;
    char doc[2048];
    snprintf(doc, sizeof doc,
             "{\"version\": \"m\", \"computed_at\": \"2027-04-01T09:00:00.000Z\", \"period\": "
             "{\"from\": \"2027-03-01\", \"to\": \"2027-03-31\", \"whole_month\": true}, \"k\": "
             "10, \"cards\": [{\"questionset\": \"%s\", \"question\": \"woonplezier\", \"type\": "
             "\"smiley\", \"languages\": [\"nl\", \"pl\", \"uk\"], \"text\": {\"nl\": \"Hoe "
             "woont u?\", \"pl\": \"Jak się mieszka?\", \"uk\": \"Як вам живеться?\"}, \"n\": "
             "250, \"responses\": 250, \"answers\": [{\"id\": \"1\", \"count\": 50, "
             "\"percent\": 20}, {\"id\": \"2\", \"count\": 50, \"percent\": 20}, {\"id\": \"3\", "
             "\"count\": 50, \"percent\": 20}, {\"id\": \"4\", \"count\": 50, \"percent\": 20}, "
             "{\"id\": \"5\", \"count\": 50, \"percent\": 20}]}]}",
             qset_id(qs));
    cards_ctx c;
    walk_cards(qs, &ui_walk_panels[1], doc, UI_WALK_LARGE, &c, false);
    const char *want[][2] = {{"nl", "n = 250, maart 2027"},
                             {"pl", "n = 250, marzec 2027"},
                             {"uk", "n = 250, березень 2027"}};
    for (int i = 0; i < 3; i++) {
        int l = qset_language_index(qs, want[i][0]);
        CHECK(l >= 0 && l < 16);
        if (l >= 0 && l < 16)
            CHECKF(!strcmp(c.short_line[l], want[i][1]), "%s: \"%s\", not \"%s\"", want[i][0],
                   c.short_line[l], want[i][1]);
    }
    ui_check_report_free(c.rep);
    json_decref(c.first_attract);
    qset_free(qs);
}

int main(void)
{
    RUN(test_no_card_words);
    RUN(test_fallback);
    RUN(test_short_line_month);
    RUN(test_every_panel);
    return test_main();
}
