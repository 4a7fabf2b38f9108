/* Accessibility, checked automatically: every screen x language x display mode of the demo poll
 * passes the checker (ACCESSIBILITY.md A5-A8, A12), and the checker can fail. */
#include "config.h"
#include "qset.h"
#include "ui.h"
#include "testlib.h"
#include "testwalk.h"
#include "ui_check.h"
#include "ui_text.h"
#include "ui_walk.h"
#include "ui_widget.h"
#include "util.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIOSK_W       1920
#define KIOSK_H       1080
#define KIOSK_W_MM    531.0 /* visible width of a 24-inch 16:9 screen */
#define PRINT_AT_MOST 200   /* findings printed per walk */

typedef struct {
    ui_check_report *rep;
    ui_check_report *staff_rep; /* findings on staff screens */
    int screens;
    int per_mode[UI_WALK_MODES];
    int staff; /* staff screens (first pages) */
    int peeks; /* screens where the top of a scrolled-away row peeks out */
    int errors;
    int apart;       /* matrix screens not drawn: asked apart on this panel */
    int cards;       /* attract screens with a card of what neighbours said */
    int ar_full;     /* ... of them in Arabic with the 5 answers and "other" (issue 15) */
    ui_walk_fn also; /* called for every screen too (NULL: nothing else) */
    void *also_ctx;
} walk_ctx;

static int on_screen(void *vctx, const ui_walk_screen *s)
{
    walk_ctx *c = vctx;
    char err[512] = "", where[64] = "";
    if (s->apart) { /* a matrix asked one question per screen here: those screens are checked */
        c->apart++;
        c->per_mode[s->mode]++;
        return c->also ? c->also(c->also_ctx, s) : 0;
    }
    if (s->scroll)
        snprintf(where, sizeof where, "scroll %d", s->scroll);
    else if (*s->state)
        snprintf(where, sizeof where, "%s", s->state);
    ui_check_input in = {.tree_json = s->tree_json,
                         .pixels = s->pixels,
                         .width = s->width,
                         .height = s->height,
                         .text = s->text,
                         .where = where};
    if (ui_check_screen(&in, s->staff ? c->staff_rep : c->rep, err, sizeof err) < 0) {
        fprintf(stderr, "check failed: %s\n", err);
        c->errors++;
    }
    c->screens++;
    if (strstr(s->tree_json, "\"role\": \"peek\"") || strstr(s->tree_json, "\"role\":\"peek\""))
        c->peeks++;
    /* the attract cycle's pages: the first (state "") and "page2", ... (not the "more" panel) */
    if (!s->staff && strcmp(s->state, "more") != 0 && !strcmp(s->screen, "attract") &&
        strstr(s->tree_json, "\"card-question\"")) {
        c->cards++;
        c->ar_full += !strcmp(s->lang_code, "ar") && strstr(s->tree_json, "\"card-answer-5\"");
    }
    if (s->staff && !*s->state)
        c->staff++;
    else if (!s->scroll && !*s->state)
        c->per_mode[s->mode]++;
    return c->also ? c->also(c->also_ctx, s) : 0;
}

/* Walks qs at the given size, also handing every screen to also (may be NULL); returns the
 * report (caller frees) or NULL. */
static ui_check_report *walk_also(const qset *qs, int w, int h, double ppm, unsigned modes,
                                  walk_ctx *c, ui_walk_fn also, void *also_ctx)
{
    memset(c, 0, sizeof *c);
    c->rep = ui_check_report_new();
    c->staff_rep = ui_check_report_new();
    c->also = also;
    c->also_ctx = also_ctx;
    ui_walk_options o = {.qs = qs,
                         .data_dir = NULL,
                         .width = w,
                         .height = h,
                         .px_per_mm = ppm,
                         .modes = modes,
                         .scroll = true,
                         .states = true,
                         .staff = true};
    test_walk(&o, on_screen, c);
    CHECK(c->errors == 0);
    return c->rep;
}

static ui_check_report *walk(const qset *qs, int w, int h, double ppm, unsigned modes, walk_ctx *c)
{
    return walk_also(qs, w, h, ppm, modes, c, NULL, NULL);
}

static void print_findings(const ui_check_report *r)
{
    int n = ui_check_report_kept(r);
    for (int i = 0; i < n && i < PRINT_AT_MOST; i++)
        printf("  %s\n", ui_check_report_message(r, i));
    if (ui_check_report_count(r) > PRINT_AT_MOST)
        printf("  ... %d findings in all\n", ui_check_report_count(r));
    fflush(stdout);
}

/* The demo poll: every screen, language and mode on every panel kiosks really have
 * (ACCESSIBILITY.md A13), with zero findings. */
static void test_demo_every_panel(void)
{
    char *path = test_src("assets/demo/nazareth-pottenberg.json");
    qset *qs = test_load_qset(path);
    CHECK(qs != NULL);
    if (!qs) {
        free(path);
        return;
    }
    int total_screens = 0, total_findings = 0;
    for (int p = 0; p < UI_WALK_N_PANELS; p++) {
        const ui_walk_panel *pn = &ui_walk_panels[p];
        walk_ctx c;
        ui_check_report *r = walk(qs, pn->width, pn->height, pn->width / pn->width_mm, 0, &c);
        int per = 0, staff = 0;
        {
            ui_walk_options o = {.qs = qs,
                                 .width = pn->width,
                                 .height = pn->height,
                                 .px_per_mm = pn->width / pn->width_mm,
                                 .staff = true};
            ui_walk *wk = NULL;
            char err[256];
            if (ui_walk_open(&o, &wk, err, sizeof err) == 0) {
                per = ui_walk_screens_per_language(wk);
                staff = ui_walk_staff_screens(wk);
            }
            ui_walk_close(wk);
        }
        int modes = UI_WALK_MODES;
        CHECKF(staff >= 2 * 13 && c.staff == staff * modes, "%s: %d staff screens, expected %d",
               pn->name, c.staff, staff * modes);
        int expect = per * qset_n_languages(qs);
        for (int m = 0; m < UI_WALK_MODES; m++)
            CHECKF(c.per_mode[m] == expect, "%s mode %s: %d screens, expected %d", pn->name,
                   ui_walk_mode_name(m), c.per_mode[m], expect);
        printf("panel %s (%dx%d, %.0f mm wide): %d screens checked (%d screens x %d languages x "
               "%d modes, plus scroll positions, answers chosen and the \"more\" panel; %d staff "
               "screens: %d x %d modes in Dutch and English, plus further pages), %d findings\n",
               pn->name, pn->width, pn->height, pn->width_mm, c.screens, per, qset_n_languages(qs),
               modes, c.staff, staff, modes, ui_check_report_count(r));
        print_findings(r);
        ui_check_stats st;
        ui_check_report_stats(r, &st);
        printf("  tightest: text contrast %.2f:1 (%s); outline contrast %.2f:1; target side "
               "%.1f mm; gap %.1f mm; capital height %.2f mm (normal), %.2f mm (large); "
               "Arabic apparent size %.3f x Latin\n",
               st.min_text_contrast, st.min_text_where, st.min_outline_contrast, st.min_target_mm,
               st.min_gap_mm, st.min_cap_mm, st.min_cap_large_mm, st.min_script_ratio);
        /* The demo poll has Arabic: its letters were measured and look as large as Latin. */
        CHECK(st.min_script_ratio >= UI_CHECK_SCRIPT_RATIO);
        CHECK(st.texts_measured > 1000);
        CHECK(st.min_text_contrast >= UI_CHECK_LARGE_CONTRAST);
        CHECKF(ui_check_report_count(r) == 0, "%d accessibility findings on the demo poll at %s",
               ui_check_report_count(r), pn->name);
        /* The walker's cards (a smiley card of 5 answers and "other", the Arabic turn): on the
         * attract screens of every panel; in Arabic on every panel from 10" (on 7" Arabic lines
         * are too tall for it: test_ui_cards has the whole matrix). */
        printf("panel %s: %d attract screens with a card, %d of them Arabic with 5 answers and "
               "\"other\"\n",
               pn->name, c.cards, c.ar_full);
        CHECK(c.cards > 0);
        if (pn->width_mm > 200)
            CHECKF(c.ar_full > 0, "%s: the Arabic 5+other card is never shown", pn->name);
        /* On the smallest panel rows often do not fit whole: their tops peek out (no empty
         * band above "down"). */
        printf("panel %s: the next row peeks out on %d screens\n", pn->name, c.peeks);
        if (!strcmp(pn->name, "7in-portrait-720x1280"))
            CHECK(c.peeks > 0);
        /* Staff screens: clean on every panel, in both staff languages and every mode. */
        int staff_findings = ui_check_report_count(c.staff_rep);
        printf("panel %s: %d staff screens checked, %d findings on them\n", pn->name, c.staff,
               staff_findings);
        print_findings(c.staff_rep);
        CHECKF(staff_findings == 0, "%d findings on staff screens at %s", staff_findings, pn->name);
        ui_check_report_free(c.staff_rep);
        total_screens += c.screens;
        total_findings += ui_check_report_count(r);
        ui_check_report_free(r);
    }
    printf("demo poll on %d panels: %d screens checked, %d findings\n", UI_WALK_N_PANELS,
           total_screens, total_findings);
    qset_free(qs);
    free(path);
}

/* One screen of the types set over its scroll positions. */
typedef struct {
    char key[128];                        /* screen name, language and mode */
    bool note, text, hint, next, answers; /* the note: what was shown at any scroll position */
    bool likert, row; /* likert: all its answers in one row at some scroll position */
} types_seen;

/* What the walk of the types set saw: its note and likert screens, and how likert was laid. */
typedef struct {
    types_seen cur;
    int notes;           /* note screens: text and hint, no answers, "next" */
    int likert_rows;     /* likert screens with every answer in one row */
    int likert_columns;  /* likert screens laid out as the usual list */
    int matrix_together; /* the matrix "buurt" on one screen: its rows and header */
    int matrix_apart;    /* the matrix asked one question per screen (it does not fit) */
} types_ctx;

/* Screens of one kind in the types set's walk: its languages x the display modes. */
static int per_types(void)
{
    return 3 * UI_WALK_MODES;
}

/* The option widgets of question qid on one tree: count, and whether they share one row. */
static int options_in_row(json_t *widgets, const char *qid, bool *one_row)
{
    char pre[64];
    snprintf(pre, sizeof pre, "option:%s:", qid);
    int n = 0;
    json_int_t y0 = 0;
    *one_row = true;
    size_t i;
    json_t *w;
    json_array_foreach(widgets, i, w)
    {
        const char *id = json_string_value(json_object_get(w, "id"));
        if (!id || strncmp(id, pre, strlen(pre)) != 0)
            continue;
        json_int_t y = json_integer_value(json_object_get(w, "y"));
        if (n++ == 0)
            y0 = y;
        else if (y != y0)
            *one_row = false;
    }
    return n;
}

static bool has_widget(json_t *widgets, const char *id)
{
    size_t i;
    json_t *w;
    json_array_foreach(widgets, i, w)
    {
        const char *wid = json_string_value(json_object_get(w, "id"));
        if (wid && !strcmp(wid, id))
            return true;
    }
    return false;
}

/* Counts the screen just left. */
static void types_flush(types_ctx *t)
{
    types_seen *c = &t->cur;
    if (c->note) {
        bool ok = c->text && c->hint && c->next && !c->answers;
        CHECKF(ok, "%s: the note shows its text, hint and next, and no answers or instruction",
               c->key);
        t->notes += ok;
    }
    if (c->likert) {
        if (c->row)
            t->likert_rows++;
        else
            t->likert_columns++;
    }
    memset(c, 0, sizeof *c);
}

static int on_types_screen(void *vctx, const ui_walk_screen *s)
{
    types_ctx *t = vctx;
    if (s->apart) {
        t->matrix_apart++;
        return 0;
    }
    if (*s->state)
        return 0;
    char key[sizeof t->cur.key];
    snprintf(key, sizeof key, "%s lang=%s mode=%s", s->name, s->lang_code, s->mode_name);
    if (strcmp(key, t->cur.key) != 0) {
        types_flush(t);
        wp_strlcpy(t->cur.key, key, sizeof t->cur.key);
    }
    json_t *tree = json_loads(s->tree_json, 0, NULL);
    json_t *widgets = json_object_get(tree, "widgets");
    const char *q = json_string_value(json_object_get(tree, "question"));
    bool row;
    if (q && !strcmp(q, "intro")) {
        t->cur.note = true;
        t->cur.text |= has_widget(widgets, "question:intro");
        t->cur.hint |= has_widget(widgets, "hint:intro");
        t->cur.next |= has_widget(widgets, "next");
        t->cur.answers |=
            options_in_row(widgets, "intro", &row) > 0 || has_widget(widgets, "instruction");
    } else if (!strcmp(s->screen, "matrix") && !s->scroll) {
        /* Every row and the header on the one screen, nothing scrolled away. */
        const char *m = json_string_value(json_object_get(tree, "matrix"));
        t->matrix_together += m && !strcmp(m, "buurt") && has_widget(widgets, "head:eens") &&
                              options_in_row(widgets, "schoon", &row) == 3 && row &&
                              options_in_row(widgets, "groen", &row) == 3 && row &&
                              options_in_row(widgets, "rustig", &row) == 3 && row &&
                              !has_widget(widgets, "scroll-down");
    } else if (q && !strcmp(q, "veilig")) {
        t->cur.likert = true;
        t->cur.row |= options_in_row(widgets, "veilig", &row) == 5 && row;
    }
    json_decref(tree);
    return 0;
}

/* A set with notes and likert questions (tests/qsets/valid-types.json, nl en ar): every screen,
 * language and mode on every panel, with zero findings; the note shows as a text screen, and
 * likert as one row where it fits (wide panels) and as the usual list where not. */
static void test_types_every_panel(void)
{
    char *path = test_src("tests/qsets/valid-types.json");
    qset *qs = test_load_qset(path);
    CHECK(qs != NULL);
    if (!qs) {
        free(path);
        return;
    }
    int total = 0;
    for (int p = 0; p < UI_WALK_N_PANELS; p++) {
        const ui_walk_panel *pn = &ui_walk_panels[p];
        types_ctx t;
        memset(&t, 0, sizeof t);
        walk_ctx c;
        ui_check_report *r = walk_also(qs, pn->width, pn->height, pn->width / pn->width_mm, 0, &c,
                                       on_types_screen, &t);
        types_flush(&t);
        printf("types set on %s: %d screens, %d findings; note shown %d times, likert in one "
               "row %d, as a list %d; matrix on one screen %d, apart %d\n",
               pn->name, c.screens, ui_check_report_count(r), t.notes, t.likert_rows,
               t.likert_columns, t.matrix_together, t.matrix_apart);
        CHECKF(t.matrix_together + t.matrix_apart == per_types(),
               "%s: the matrix screen %d + %d times, expected %d", pn->name, t.matrix_together,
               t.matrix_apart, per_types());
        /* The 24" panel has room for the matrix in every language and mode; the 7" portrait
         * panel (88 mm) has not: one question per screen, checked as question screens. */
        if (!strcmp(pn->name, "24in-1920x1080"))
            CHECKF(t.matrix_together == per_types(), "24in: matrix together %d of %d",
                   t.matrix_together, per_types());
        if (!strcmp(pn->name, "7in-portrait-720x1280"))
            CHECKF(t.matrix_apart == per_types(), "7in portrait: matrix apart %d of %d",
                   t.matrix_apart, per_types());
        print_findings(r);
        CHECKF(ui_check_report_count(r) == 0, "%d findings on the types set at %s",
               ui_check_report_count(r), pn->name);
        int per = 3 * UI_WALK_MODES; /* languages x modes */
        CHECKF(t.notes == per, "%s: note screens %d, expected %d", pn->name, t.notes, per);
        CHECK(t.likert_rows + t.likert_columns == per);
        /* The 24" panel has room for the row in every language and mode. */
        if (!strcmp(pn->name, "24in-1920x1080"))
            CHECKF(t.likert_rows == per, "24in: likert in one row %d of %d", t.likert_rows, per);
        /* The 7" panel has not: the usual list, and still no findings. */
        if (!strcmp(pn->name, "7in-800x480"))
            CHECKF(t.likert_columns == per, "7in: likert as a list %d of %d", t.likert_columns,
                   per);
        total += c.screens;
        ui_check_report_free(r);
        ui_check_report_free(c.staff_rep);
    }
    printf("types set on %d panels: %d screens checked\n", UI_WALK_N_PANELS, total);
    qset_free(qs);
    free(path);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* A crafted set: an overlong word and a CJK title the fonts cannot draw. */
static void test_crafted_set_fails(void)
{
    char *dir = test_tmpdir("a11y");
    char path[1024];
    snprintf(path, sizeof path, "%s/long.json", dir);
    /* One Dutch compound word far wider than any tile (the validator allows 400 characters):
     * the renderer must break it between letters, and the checker must say so. */
    char *long_text = malloc(8192);
    size_t used = 0;
    long_text[0] = '\0';
    for (int i = 0; i < 6; i++)
        used += (size_t)snprintf(long_text + used, 8192 - used, "%s",
                                 "wijkbewonersondersteuningsgesprekscoordinatie");
    size_t cap = 16384;
    char *json = malloc(cap);
    snprintf(json, cap,
             "{\"format\": \"wijkpeil/1\", \"id\": \"long-set\", \"version\": 3,\n"
             " \"languages\": [\"nl\", \"en\"],\n"
             " \"title\": {\"nl\": \"Wijk \xe4\xb8\xad\xe6\x96\x87\", \"en\": \"Neighbourhood\"},\n"
             " \"questions\": [{\"id\": \"lang\", \"type\": \"single\",\n"
             "   \"text\": {\"nl\": \"Vraag\", \"en\": \"Question\"},\n"
             "   \"options\": [{\"id\": \"a\", \"text\": {\"nl\": \"%s\", \"en\": \"Short\"}},\n"
             "                {\"id\": \"b\", \"text\": {\"nl\": \"Nee\", \"en\": \"No\"}}]}]}\n",
             long_text);
    CHECK(write_file(path, json) == 0);
    qset *qs = test_load_qset(path);
    CHECK(qs != NULL);
    if (qs) {
        walk_ctx c;
        ui_check_report *r =
            walk(qs, KIOSK_W, KIOSK_H, KIOSK_W / KIOSK_W_MM, UI_WALK_NORMAL | UI_WALK_LARGE, &c);
        ui_check_report_free(c.staff_rep);
        printf("crafted long set: %d screens, %d findings, e.g.:\n", c.screens,
               ui_check_report_count(r));
        print_findings(r);
        CHECK(ui_check_report_count(r) > 0);
        CHECK(ui_check_report_has(r, "widget=option:lang:a: the word \"wijkbewoners"));
        CHECK(ui_check_report_has(r, "it is broken between letters"));
        CHECKF(ui_check_report_has(r, "U+4E2D"), "the CJK title is reported as undrawable");
        CHECK(ui_check_report_has(r, "screen=attract lang=nl mode=normal widget=title"));
        ui_check_report_free(r);

        /* A tiny window at kiosk density: the toolbar does not fit, so boxes overlap, leave
         * the window or crowd each other (since the scroll arrows sit in the bottom bar on
         * small panels none leaves it here: test_checker_synthetic has a box outside). */
        r = walk(qs, 640, 400, KIOSK_W / KIOSK_W_MM, UI_WALK_NORMAL, &c);
        ui_check_report_free(c.staff_rep);
        printf("tiny window: %d findings\n", ui_check_report_count(r));
        print_findings(r);
        CHECK(ui_check_report_has(r, "overlaps"));
        CHECK(ui_check_report_has(r, "overlaps scroll-down"));
        ui_check_report_free(r);
        qset_free(qs);
    }
    remove(path);
    remove(dir);
    free(json);
    free(long_text);
    free(dir);
}

/* True when one message starts with head and contains what. */
static bool has_finding(const ui_check_report *r, const char *head, const char *what)
{
    for (int i = 0; i < ui_check_report_kept(r); i++) {
        const char *m = ui_check_report_message(r, i);
        if (!strncmp(m, head, strlen(head)) && strstr(m, what))
            return true;
    }
    return false;
}

static void fill(SDL_Surface *s, SDL_Rect r, Uint32 argb)
{
    SDL_FillRect(s, &r, argb);
}

/* The checker on a synthetic screen: each kind of finding is reported for its widget. */
static void test_checker_synthetic(void)
{
    const int W = 800, H = 600;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    CHECK(s != NULL);
    if (!s)
        return;
    fill(s, (SDL_Rect){0, 0, W, H}, 0xFFFFFFFF);
    /* px_per_mm 4: 20 mm = 80 px. */
    /* "good": a 100x100 target, dark outline, black text: no finding. */
    fill(s, (SDL_Rect){540, 300, 100, 100}, 0xFF000000);
    fill(s, (SDL_Rect){543, 303, 94, 94}, 0xFFFFFFFF);
    fill(s, (SDL_Rect){560, 340, 40, 10}, 0xFF000000);
    /* "grey": text widget drawn in light grey on white (about 1.9:1). */
    fill(s, (SDL_Rect){20, 30, 100, 10}, 0xFFBBBBBB);
    /* "small": a 40x40 target (10 mm) with a dark outline. */
    fill(s, (SDL_Rect){20, 500, 40, 40}, 0xFF000000);
    /* "pale": a target whose outline is nearly white. */
    fill(s, (SDL_Rect){300, 300, 100, 100}, 0xFFF4F4F4);
    const char *tree =
        "{\"screen\": \"question\", \"language\": \"nl\", \"question\": \"q1\","
        " \"large_text\": false, \"high_contrast\": false, \"px_per_mm\": 4.0, \"widgets\": ["
        "{\"id\": \"good\", \"role\": \"button\", \"label\": \"OK\", \"x\": 540, \"y\": 300,"
        " \"w\": 100, \"h\": 100, \"target\": true, \"px\": 28, \"bold\": false, \"pad\": 10,"
        " \"text_w\": 40, \"text_h\": 30, \"icon\": null},"
        "{\"id\": \"grey\", \"role\": \"text\", \"label\": \"Grijs\", \"x\": 20, \"y\": 20,"
        " \"w\": 260, \"h\": 40, \"target\": false, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 200, \"text_h\": 40, \"icon\": null},"
        "{\"id\": \"small\", \"role\": \"button\", \"label\": \"\", \"x\": 20, \"y\": 500,"
        " \"w\": 40, \"h\": 40, \"target\": true, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 0, \"text_h\": 0, \"icon\": null},"
        "{\"id\": \"pale\", \"role\": \"option\", \"label\": \"\", \"x\": 300, \"y\": 300,"
        " \"w\": 100, \"h\": 100, \"target\": true, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 0, \"text_h\": 0, \"icon\": null},"
        "{\"id\": \"near\", \"role\": \"button\", \"label\": \"\", \"x\": 404, \"y\": 300,"
        " \"w\": 90, \"h\": 100, \"target\": true, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 0, \"text_h\": 0, \"icon\": null},"
        "{\"id\": \"over-a\", \"role\": \"text\", \"label\": \"\", \"x\": 100, \"y\": 100,"
        " \"w\": 100, \"h\": 100, \"target\": false, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 0, \"text_h\": 0, \"icon\": null},"
        "{\"id\": \"over-b\", \"role\": \"text\", \"label\": \"\", \"x\": 150, \"y\": 150,"
        " \"w\": 100, \"h\": 100, \"target\": false, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 0, \"text_h\": 0, \"icon\": null},"
        "{\"id\": \"tiny-text\", \"role\": \"text\", \"label\": \"klein\", \"x\": 300, \"y\": 20,"
        " \"w\": 300, \"h\": 30, \"target\": false, \"px\": 12, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 100, \"text_h\": 60, \"icon\": null},"
        "{\"id\": \"cjk\", \"role\": \"text\", \"label\": \"Wijk \xe4\xb8\xad\", \"x\": 620,"
        " \"y\": 20, \"w\": 150, \"h\": 40, \"target\": false, \"px\": 28, \"bold\": false,"
        " \"pad\": 0, \"text_w\": 100, \"text_h\": 40, \"icon\": null},"
        "{\"id\": \"next\", \"role\": \"button\", \"label\": \"\", \"x\": 680, \"y\": 70,"
        " \"w\": 100, \"h\": 30, \"target\": true, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 0, \"text_h\": 0, \"icon\": null},"
        "{\"id\": \"wide\", \"role\": \"text\", \"label\": \"x\", \"x\": 700, \"y\": 560,"
        " \"w\": 200, \"h\": 30, \"target\": false, \"px\": 28, \"bold\": false, \"pad\": 0,"
        " \"text_w\": 300, \"text_h\": 30, \"icon\": null},"
        /* Two answers side by side, the second's label pushed down by a check mark's band. */
        "{\"id\": \"row-a\", \"role\": \"option\", \"label\": \"Eens\", \"x\": 100,"
        " \"y\": 420, \"w\": 100, \"h\": 100, \"target\": true, \"px\": 28, \"bold\": false,"
        " \"pad\": 10, \"text_w\": 60, \"text_h\": 30, \"icon\": null},"
        "{\"id\": \"row-b\", \"role\": \"option\", \"label\": \"Neutraal\", \"x\": 220,"
        " \"y\": 420, \"w\": 100, \"h\": 100, \"target\": true, \"px\": 28, \"bold\": false,"
        " \"pad\": 10, \"pad_top\": 20, \"text_w\": 80, \"text_h\": 30, \"icon\": null}"
        "]}";
    /* Fonts for the glyph check, on a software renderer of its own. */
    SDL_Surface *fs = SDL_CreateRGBSurfaceWithFormat(0, 64, 64, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *fr = fs ? SDL_CreateSoftwareRenderer(fs) : NULL;
    ui_text *text = NULL;
    char fonts[1024], err[512] = "";
    snprintf(fonts, sizeof fonts, "%s/fonts", ui_walk_data_dir());
    CHECKF(fr && ui_text_open(fr, fonts, &text, err, sizeof err) == 0, "fonts: %s", err);

    ui_check_report *r = ui_check_report_new();
    ui_check_input in = {.tree_json = tree, .pixels = s, .text = text};
    int n = ui_check_screen(&in, r, err, sizeof err);
    printf("synthetic screen: %d findings\n", n);
    print_findings(r);
    const char *pre = "screen=question:q1 lang=nl mode=normal ";
    char want[256];
    struct {
        const char *id, *what;
    } expect[] = {
        {"grey", "text contrast 1.9"},
        {"small", "short side 10.0 mm is under 20 mm"},
        {"pale", "outline contrast 1.1"},
        {"pale", "only 1.0 mm from target near"},
        {"over-a", "overlaps over-b by 12.5 x 12.5 mm"},
        {"tiny-text", "capital height 2.14 mm"},
        {"tiny-text", "text clipped"},
        {"cjk", "1 character no font can draw (first U+4E2D)"},
        {"next", "essential target centred at 14%"},
        {"wide", "text overflows"},
        {"wide", "reaches outside the 800x600 window"},
        {"row-a", "its label sits 2.5 mm higher than that of row-b beside it"},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        snprintf(want, sizeof want, "%swidget=%s: ", pre, expect[i].id);
        CHECKF(has_finding(r, want, expect[i].what), "expected a finding: %s... %s", want,
               expect[i].what);
    }
    CHECKF(!ui_check_report_has(r, "widget=good"), "the good button has no finding");
    CHECK(n == ui_check_report_count(r));

    /* Broken input is an error, not a pass. */
    ui_check_input bad = {.tree_json = "{\"widgets\": 3}"};
    CHECK(ui_check_screen(&bad, r, err, sizeof err) == -1);
    ui_check_report_free(r);
    ui_text_close(text);
    if (fr)
        SDL_DestroyRenderer(fr);
    SDL_FreeSurface(fs);
    SDL_FreeSurface(s);
}

/* Ink height in pixels of utf8 drawn black at 100 px on the white surface s. */
static int ink_height(SDL_Renderer *r, SDL_Surface *s, ui_text *text, const char *utf8)
{
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    ui_text_style st = {.px = 100, .color = {0, 0, 0, 255}};
    ui_text_draw(text, utf8, &st, (SDL_Rect){0, 0, s->w, s->h});
    SDL_RenderPresent(r);
    int top = -1, bottom = -1;
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            Uint32 p = ((Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch))[x];
            if ((p & 0xFF) < 128) { /* at least half ink */
                if (top < 0)
                    top = y;
                bottom = y;
            }
        }
    SDL_UnlockSurface(s);
    return top < 0 ? 0 : bottom - top + 1;
}

/* Arabic letters drawn as large as Latin ones: the checker measures each script's reference
 * letters as the renderer draws them, and fails Arabic drawn at Noto Sans Arabic's own size
 * (its letters about 13% smaller than Noto Sans at one px). */
static void test_arabic_as_large_as_latin(void)
{
    SDL_Surface *fs = SDL_CreateRGBSurfaceWithFormat(0, 300, 300, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *fr = fs ? SDL_CreateSoftwareRenderer(fs) : NULL;
    ui_text *text = NULL;
    char fonts[1024], err[512] = "";
    snprintf(fonts, sizeof fonts, "%s/fonts", ui_walk_data_dir());
    CHECKF(fr && ui_text_open(fr, fonts, &text, err, sizeof err) == 0, "fonts: %s", err);
    if (!text)
        return;
    const char *tree =
        "{\"screen\": \"question\", \"language\": \"ar\", \"question\": \"q1\","
        " \"large_text\": false, \"high_contrast\": false, \"px_per_mm\": 4.0, \"widgets\": ["
        "{\"id\": \"title\", \"role\": \"text\", \"label\": \"\u0641\u064a \u0623\u064a "
        "\u062d\u064a\", \"x\": 20, \"y\": 20, \"w\": 700, \"h\": 200, \"target\": false,"
        " \"px\": 40, \"bold\": false, \"rtl\": true, \"pad\": 0, \"text_w\": 100, \"text_h\": 100,"
        " \"icon\": null}]}";
    ui_text_letters lat, ara;
    CHECK(ui_text_letters_at(text, UI_SCRIPT_LATIN, false, &lat) == 0);
    CHECK(ui_text_letters_at(text, UI_SCRIPT_ARABIC, false, &ara) == 0);
    double ratio = (ara.body_em + ara.tall_em) / (lat.body_em + lat.tall_em);
    printf("Arabic size factor %.3f (regular): apparent size %.3f x Latin\n", ara.factor, ratio);
    CHECK(ara.factor > 1.1 && ara.factor < 1.2);
    CHECK(ratio > 0.99 && ratio < 1.01);
    /* Measured from what is drawn: alef and H at 100 px, their ink heights in pixels. */
    int ink_alef = ink_height(fr, fs, text, "\xd8\xa7"), ink_h = ink_height(fr, fs, text, "H");
    printf("drawn at 100 px: alef %d px, H %d px\n", ink_alef, ink_h);
    CHECKF(ink_alef >= (int)(100 * ara.tall_em) - 2 && ink_alef <= (int)(100 * ara.tall_em) + 2,
           "alef is %d px tall, the letters say %.1f", ink_alef, 100 * ara.tall_em);
    CHECK(ink_h >= 70 && ink_h <= 73);

    ui_check_report *r = ui_check_report_new();
    ui_check_input in = {.tree_json = tree, .text = text};
    CHECK(ui_check_screen(&in, r, err, sizeof err) >= 0);
    print_findings(r);
    CHECK(!ui_check_report_has(r, "smaller than Latin"));
    ui_check_stats cs;
    ui_check_report_stats(r, &cs);
    CHECKF(cs.min_script_ratio > 0.99, "Arabic measured at %.3f x Latin", cs.min_script_ratio);
    ui_check_report_free(r);

    /* Drawn at the font's own size, Arabic is reported on the same screen. */
    ui_text_set_size_factor(text, UI_SCRIPT_ARABIC, 1.0);
    r = ui_check_report_new();
    CHECK(ui_check_screen(&in, r, err, sizeof err) > 0);
    print_findings(r);
    CHECK(ui_check_report_has(r, "widget=title: Arabic letters look 13% smaller than Latin"));
    ui_check_report_free(r);
    ui_text_close(text);
    SDL_DestroyRenderer(fr);
    SDL_FreeSurface(fs);
}

/* The colour maths against WCAG's known values. */
static void test_contrast_maths(void)
{
    SDL_Color black = {0, 0, 0, 255}, white = {255, 255, 255, 255}, grey = {0x77, 0x77, 0x77, 255};
    double r = ui_check_contrast(black, white);
    CHECKF(r > 20.99 && r < 21.01, "black on white is 21:1, got %.3f", r);
    r = ui_check_contrast(grey, white);
    CHECKF(r > 4.47 && r < 4.49, "#777 on white is 4.48:1, got %.3f", r);
}

/* The one table of screens (ui.c): names unique, every flow screen has an entry, timeouts name
 * real settings, staff entries say how to reach them; and a widget whose action its screen does
 * not list is a finding. */
static void test_screens_table(void)
{
    int n = ui_screen_count();
    CHECK(n > 7);
    bool flow_seen[FLOW_SAVE_ERROR + 1] = {false};
    int staff = 0;
    for (int i = 0; i < n; i++) {
        const ui_screen_info *a = ui_screen_at(i);
        for (int j = 0; j < i; j++)
            CHECKF(strcmp(a->name, ui_screen_at(j)->name) != 0, "screen %s twice", a->name);
        CHECKF(!a->timeout || config_setting_find(a->timeout), "screen %s: no setting %s", a->name,
               a->timeout);
        CHECKF(a->then && *a->then, "screen %s says nothing of what ends it", a->name);
        if (a->staff) {
            staff++;
            CHECK(a->actions == UI_ACT(UIA_STAFF));
        } else {
            flow_seen[a->screen] = true;
            CHECKF(a->closed || a->actions != 0, "screen %s has no actions", a->name);
        }
    }
    for (int f = 0; f <= FLOW_SAVE_ERROR; f++)
        CHECKF(flow_seen[f], "flow screen %d has no entry in the table of screens", f);
    CHECK(staff >= 13);
    CHECK(ui_screen_at(n) == NULL);
    const char *tree = "{\"screen\": \"thanks\", \"language\": \"nl\", \"large_text\": false,"
                       " \"high_contrast\": false, \"px_per_mm\": 4.0, \"widgets\": ["
                       "{\"id\": \"stray\", \"role\": \"button\", \"label\": \"\", \"x\": 10,"
                       " \"y\": 300, \"w\": 100, \"h\": 100, \"target\": true, \"px\": 28,"
                       " \"pad\": 0, \"undeclared\": true}]}";
    ui_check_report *r = ui_check_report_new();
    char err[256];
    ui_check_input in = {.tree_json = tree, .width = 800, .height = 600, .where = ""};
    CHECK(ui_check_screen(&in, r, err, sizeof err) >= 0);
    for (int i = 0; i < ui_check_report_count(r); i++)
        printf("  finding: %s\n", ui_check_report_message(r, i));
    CHECK(ui_check_report_count(r) == 1);
    if (ui_check_report_count(r) == 1)
        CHECK(strstr(ui_check_report_message(r, 0), "table of screens") != NULL);
    ui_check_report_free(r);
}

int main(void)
{
    RUN(test_contrast_maths);
    RUN(test_checker_synthetic);
    RUN(test_screens_table);
    RUN(test_arabic_as_large_as_latin);
    RUN(test_crafted_set_fails);
    RUN(test_types_every_panel);
    RUN(test_demo_every_panel);
    return test_main();
}
