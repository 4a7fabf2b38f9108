/* The first answer in sight: on every panel kiosks have (ACCESSIBILITY.md A13), in every language
 * and display mode of the demo poll, how many question screens show no whole answer on their first
 * page (the resident would see only the question until they scroll). Printed per panel; each
 * panel fails above its threshold (set just above what the layout reaches; none from 15"). Also
 * the language screen's first page: how many languages a resident sees without scrolling. */
#include "qset.h"
#include "testlib.h"
#include "testwalk.h"
#include "ui_walk.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Question screens (of 10 questions x 7 languages x 4 modes = 280 per panel) whose first page
 * shows no whole answer, at most (before the arrows moved into the bottom bar and the question
 * gave way: 230, 190, 100, 140, 2, 0, 0); and languages at least on the language screen's first
 * page in large text, in every language (before: 1, 1, 2, 2, 7, 7, 7). Indexed like
 * ui_walk_panels. */
typedef struct {
    const char *panel;
    int most_without; /* question screens without a whole answer on the first page */
    int least_langs;  /* languages on the language screen's first page (large text) */
} first_limit;

static const first_limit limits[] = {
    {"7in-800x480", 186, 1},  {"7in-portrait-720x1280", 154, 2}, {"10in-1280x800", 36, 3},
    {"10in-1024x600", 32, 3}, {"15in-1920x1080", 0, 7},          {"21in-1920x1080", 0, 7},
    {"24in-1920x1080", 0, 7},
};

typedef struct {
    int height;
    int questions; /* question screens walked (first pages) */
    int without;   /* ... with no whole answer on them */
    int without_mode[UI_WALK_MODES];
    int least_langs; /* fewest languages on a large-text language screen's first page */
    char worst[UI_WALK_NAME_LEN * 2]; /* one screen without an answer, for the message */
    const char *png_dir;              /* $WIJKPEIL_FIRST_PNG: first pages saved there, or NULL */
    const char *panel;
} first_ctx;

/* With $WIJKPEIL_FIRST_PNG set, the first pages walked are saved there to look at
 * (PANEL-LANG-NAME-MODE.png). */
static void save_png(const first_ctx *c, const ui_walk_screen *s)
{
    if (!c->png_dir)
        return;
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/%s-%s-%s-%s.png", c->png_dir, c->panel, s->lang_code, s->name,
             s->mode_name);
    CHECKF(ui_walk_save_png(s, path, err, sizeof err) == 0, "%s", err);
}

/* Widgets of the tree whose id starts with prefix and whose box lies wholly on the screen
 * (rows scrolled away or only peeking out are not in the tree's widgets). */
static int whole(const char *tree_json, const char *prefix, int height)
{
    json_error_t je;
    json_t *root = json_loads(tree_json, 0, &je);
    json_t *ws = root ? json_object_get(root, "widgets") : NULL;
    int n = 0;
    size_t i;
    json_t *w;
    json_array_foreach(ws, i, w)
    {
        const char *id = json_string_value(json_object_get(w, "id"));
        int y = (int)json_integer_value(json_object_get(w, "y"));
        int h = (int)json_integer_value(json_object_get(w, "h"));
        if (id && !strncmp(id, prefix, strlen(prefix)) && y >= 0 && y + h <= height && h > 0)
            n++;
    }
    json_decref(root);
    return n;
}

static int on_screen(void *vctx, const ui_walk_screen *s)
{
    first_ctx *c = vctx;
    if (s->apart || s->staff || s->scroll || *s->state)
        return 0;
    if (!strcmp(s->screen, "language") || !strcmp(s->screen, "question"))
        save_png(c, s);
    if (!strcmp(s->screen, "language") && s->large) {
        int n = whole(s->tree_json, "lang:", c->height);
        if (c->least_langs < 0 || n < c->least_langs)
            c->least_langs = n;
        return 0;
    }
    if (strcmp(s->screen, "question") != 0)
        return 0;
    c->questions++;
    if (whole(s->tree_json, "option:", c->height) == 0) {
        c->without++;
        c->without_mode[s->mode]++;
        if (!c->worst[0])
            snprintf(c->worst, sizeof c->worst, "%s %s %s", s->name, s->lang_code, s->mode_name);
    }
    return 0;
}

static void test_first_answer_every_panel(void)
{
    char *path = test_src("assets/demo/nazareth-pottenberg.json");
    qset *qs = test_load_qset(path);
    free(path);
    CHECK(qs != NULL);
    if (!qs)
        return;
    CHECK(sizeof limits / sizeof limits[0] == UI_WALK_N_PANELS);
    int total = 0;
    /* $WIJKPEIL_FIRST_PANEL: walk only that panel (while working on its layout). */
    const char *only = getenv("WIJKPEIL_FIRST_PANEL");
    for (int p = 0; p < UI_WALK_N_PANELS; p++) {
        const ui_walk_panel *pn = &ui_walk_panels[p];
        const first_limit *lim = &limits[p];
        CHECK_STR(lim->panel, pn->name);
        if (only && *only && strcmp(only, pn->name) != 0)
            continue;
        first_ctx c;
        memset(&c, 0, sizeof c);
        c.png_dir = getenv("WIJKPEIL_FIRST_PNG");
        c.panel = pn->name;
        c.height = pn->height;
        c.least_langs = -1;
        ui_walk_options o = {.qs = qs,
                             .width = pn->width,
                             .height = pn->height,
                             .px_per_mm = pn->width / pn->width_mm};
        test_walk(&o, on_screen, &c);
        printf("panel %s: %d of %d question screens show no whole answer on their first page "
               "(normal %d, large %d, contrast %d, large-contrast %d; at most %d)%s%s; the "
               "language screen in large text shows %d languages first (at least %d)\n",
               pn->name, c.without, c.questions, c.without_mode[0], c.without_mode[1],
               c.without_mode[2], c.without_mode[3], lim->most_without, c.worst[0] ? ", e.g. " : "",
               c.worst, c.least_langs, lim->least_langs);
        fflush(stdout);
        CHECKF(c.questions == qset_n_questions(qs) * qset_n_languages(qs) * UI_WALK_MODES,
               "%s: %d question screens walked", pn->name, c.questions);
        CHECKF(c.without <= lim->most_without,
               "%s: %d question screens without a whole answer on the first page (at most %d)",
               pn->name, c.without, lim->most_without);
        CHECKF(c.least_langs >= lim->least_langs,
               "%s: %d languages on the large-text language screen's first page (at least %d)",
               pn->name, c.least_langs, lim->least_langs);
        total += c.without;
    }
    printf("all panels: %d question screens without a whole answer on the first page\n", total);
    qset_free(qs);
}

int main(void)
{
    RUN(test_first_answer_every_panel);
    return test_main();
}
