/* The screen walker: every screen x language x display mode, drawn headless (ui_walk.h). */
#include "ui_walk.h"
#include "flow.h"
#include "ui.h"
#include "uistr.h"
#include "util.h"

#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK_PATH_LEN    4096
#define WALK_SCREEN_SPAN 1000000 /* ms of virtual time between two screens */
#define WALK_ATTRACT_MS  3000    /* attract screen language cycle */

struct ui_walk {
    ui_walk_options o;
    SDL_Surface *surface;
    SDL_Renderer *renderer;
    uistr *strings;
    ui *u;
    bool img;
    int64_t now;
};

static const char *const mode_names[UI_WALK_MODES] = {"normal", "large", "contrast",
                                                      "large-contrast"};
static const char *const mode_suffixes[UI_WALK_MODES] = {"", "-large", "-contrast",
                                                         "-large-contrast"};

const char *ui_walk_data_dir(void)
{
    const char *env = getenv("WIJKPEIL_DATA");
    return env && *env ? env : WIJKPEIL_DATA_DIR;
}

const char *ui_walk_mode_name(int mode)
{
    return mode >= 0 && mode < UI_WALK_MODES ? mode_names[mode] : "?";
}

const char *ui_walk_mode_suffix(int mode)
{
    return mode >= 0 && mode < UI_WALK_MODES ? mode_suffixes[mode] : "";
}

/* Previews never finish a session; should one arrive, it is dropped. */
static int no_save(void *ctx, const flow_response *r, char *err, size_t errlen)
{
    (void)ctx;
    (void)r;
    (void)err;
    (void)errlen;
    return 0;
}

int ui_walk_open(const ui_walk_options *o, ui_walk **out, char *err, size_t errlen)
{
    char path[WALK_PATH_LEN], fonts[WALK_PATH_LEN], icons[WALK_PATH_LEN];
    *out = NULL;
    if (!o || !o->qs || o->width < 64 || o->height < 64 || o->width > 8192 || o->height > 8192 ||
        !(o->px_per_mm > 0.5 && o->px_per_mm < 100)) {
        wp_errf(err, errlen,
                "ui_walk_open: needs a question set, a size from 64x64 to 8192x8192 and "
                "px_per_mm between 0.5 and 100");
        return -1;
    }
    ui_walk *w = calloc(1, sizeof *w);
    if (!w) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    w->o = *o;
    if (!w->o.modes)
        w->o.modes = UI_WALK_NORMAL | UI_WALK_LARGE | UI_WALK_CONTRAST | UI_WALK_LARGE_CONTRAST;
    if (w->o.viewing_distance_mm <= 0)
        w->o.viewing_distance_mm = 600;
    const char *data = o->data_dir && *o->data_dir ? o->data_dir : ui_walk_data_dir();
    snprintf(path, sizeof path, "%s/assets/ui-strings.json", data);
    snprintf(fonts, sizeof fonts, "%s/fonts", data);
    snprintf(icons, sizeof icons, "%s/assets/icons", data);
    if (uistr_load(path, &w->strings, err, errlen) != 0)
        goto fail;
    w->img = (IMG_Init(IMG_INIT_PNG) & IMG_INIT_PNG) != 0;
    w->surface =
        SDL_CreateRGBSurfaceWithFormat(0, o->width, o->height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!w->surface) {
        wp_errf(err, errlen, "cannot make a %dx%d screen in memory: %s", o->width, o->height,
                SDL_GetError());
        goto fail;
    }
    w->renderer = SDL_CreateSoftwareRenderer(w->surface);
    if (!w->renderer) {
        wp_errf(err, errlen, "cannot start the software renderer: %s", SDL_GetError());
        goto fail;
    }
    ui_options uo;
    memset(&uo, 0, sizeof uo);
    uo.renderer = w->renderer;
    uo.width = o->width;
    uo.height = o->height;
    uo.px_per_mm = o->px_per_mm;
    uo.viewing_distance_mm = w->o.viewing_distance_mm;
    uo.font_dir = fonts;
    uo.icon_dir = icons;
    uo.strings = w->strings;
    flow_default_options(&uo.flow);
    uo.flow.attract_cycle_ms = WALK_ATTRACT_MS;
    uo.save = no_save;
    w->now = WALK_SCREEN_SPAN;
    if (ui_open(&uo, o->qs, w->now, &w->u, err, errlen) != 0)
        goto fail;
    *out = w;
    return 0;
fail:
    ui_walk_close(w);
    return -1;
}

void ui_walk_close(ui_walk *w)
{
    if (!w)
        return;
    ui_close(w->u);
    if (w->renderer)
        SDL_DestroyRenderer(w->renderer);
    SDL_FreeSurface(w->surface);
    uistr_free(w->strings);
    if (w->img)
        IMG_Quit();
    free(w);
}

/* The screens the walker visits, in order: one entry per screen of the kiosk a resident can
 * meet. A new screen is one entry here (and its layout in ui.c); the walk, the test and the
 * preview pick it up from this table. */
typedef enum { WALK_ONCE, WALK_EACH_QUESTION } walk_span;

typedef struct {
    const char *name; /* file and report name ("question" becomes "question-ID") */
    flow_screen screen;
    walk_span span;
    bool closed;     /* outside opening hours, woken by a tap */
    bool save_error; /* with a storage problem to show */
    bool more;       /* also with the collapsed toolbar's panel open */
} walk_entry;

static const walk_entry walk_screens[] = {
    {"attract", FLOW_ATTRACT, WALK_ONCE, false, false, true},
    {"language", FLOW_LANGUAGE, WALK_ONCE, false, false, false},
    {"question", FLOW_QUESTION, WALK_EACH_QUESTION, false, false, true},
    {"still-there", FLOW_STILL_THERE, WALK_ONCE, false, false, false},
    {"thanks", FLOW_THANKS, WALK_ONCE, false, false, false},
    {"save-error", FLOW_SAVE_ERROR, WALK_ONCE, false, true, false},
    {"closed", FLOW_ATTRACT, WALK_ONCE, true, false, false},
};

#define WALK_N_ENTRIES (int)(sizeof walk_screens / sizeof walk_screens[0])

const ui_walk_panel ui_walk_panels[UI_WALK_N_PANELS] = {
    {"7in-800x480", 800, 480, 155},      {"7in-portrait-720x1280", 720, 1280, 88},
    {"10in-1280x800", 1280, 800, 217},   {"10in-1024x600", 1024, 600, 222},
    {"15in-1920x1080", 1920, 1080, 344}, {"21in-1920x1080", 1920, 1080, 476},
    {"24in-1920x1080", 1920, 1080, 531},
};

int ui_walk_screens_per_language(const ui_walk *w)
{
    int n = 0;
    for (int i = 0; i < WALK_N_ENTRIES; i++)
        n += walk_screens[i].span == WALK_EACH_QUESTION ? qset_n_questions(w->o.qs) : 1;
    return n;
}

/* Draws the current screen and hands it to fn. */
static int visit(ui_walk *w, ui_walk_screen *s, int64_t t, ui_walk_fn fn, void *ctx, char *err,
                 size_t errlen)
{
    ui_draw(w->u, t);
    SDL_RenderFlush(w->renderer);
    char *tree = ui_tree_json(w->u, t);
    if (!tree) {
        wp_errf(err, errlen, "out of memory writing the widget tree");
        return -1;
    }
    s->tree_json = tree;
    s->pixels = w->surface;
    s->text = ui_get_text(w->u);
    s->width = w->o.width;
    s->height = w->o.height;
    int rc = fn(ctx, s);
    free(tree);
    s->tree_json = NULL;
    return rc;
}

/* Taps the widget id (finger down and up at its centre); true when the screen changed. */
static bool tap(ui_walk *w, const char *id, int64_t t)
{
    int x, y;
    if (!ui_widget_center(w->u, id, t, &x, &y))
        return false;
    ui_event down = {UI_EV_DOWN, x, y}, up = {UI_EV_UP, x, y};
    ui_input(w->u, &down, t);
    return ui_input(w->u, &up, t);
}

/* Chooses answers on the current question: the first option, or for a multi question as many
 * as allowed and then one more (refused: the "at most" hint shows). */
static void choose(ui_walk *w, int q, int64_t t)
{
    const qset_question *qq = qset_question_at(w->o.qs, q);
    int want = qtype_get(qq->type)->value != QTYPE_VALUE_LIST
                   ? 1
                   : (qq->max > 0 ? qq->max + 1 : qq->n_options);
    for (int i = 0; i < qq->n_options && i < want; i++) {
        char id[UI_WALK_NAME_LEN * 2];
        snprintf(id, sizeof id, "option:%s:%s", qq->id, qq->options[i].id);
        tap(w, id, t);
    }
}

/* Taps anywhere outside every control (the closed screen wakes on any tap). */
static void tap_empty(ui_walk *w, int64_t t)
{
    ui_event down = {UI_EV_DOWN, w->o.width / 2, w->o.height / 2};
    ui_event up = {UI_EV_UP, w->o.width / 2, w->o.height / 2};
    ui_input(w->u, &down, t);
    ui_input(w->u, &up, t);
}

/* Visits one screen as previewed, then its variants: answers chosen, the "more" panel, every
 * further scroll position. */
static int visit_variants(ui_walk *w, const walk_entry *e, ui_walk_screen *s, int q, int lang,
                          int64_t t, ui_walk_fn fn, void *ctx, char *err, size_t errlen)
{
    int rc = visit(w, s, t, fn, ctx, err, errlen);
    if (rc != 0)
        return rc;
    if (e->more && (e->span == WALK_ONCE || q == 0) && tap(w, "more", t)) {
        s->state = "more";
        rc = visit(w, s, t, fn, ctx, err, errlen);
        s->state = "";
        tap(w, "more", t);
        if (rc != 0)
            return rc;
    }
    if (e->screen != FLOW_QUESTION)
        return 0;
    if (w->o.states && qset_question_at(w->o.qs, q)->n_options > 0) {
        choose(w, q, t);
        s->state = "selected";
        rc = visit(w, s, t, fn, ctx, err, errlen);
        if (rc != 0)
            return rc;
        s->state = "";
        if (!ui_preview(w->u, e->screen, q, lang, w->now)) { /* clears the answers */
            wp_errf(err, errlen, "cannot show the %s screen again", s->name);
            return -1;
        }
    }
    if (!w->o.scroll)
        return 0;
    for (int n = 1; n <= UI_WALK_MAX_SCROLL; n++) {
        if (!tap(w, "scroll-down", t))
            break;
        s->scroll = n;
        rc = visit(w, s, t, fn, ctx, err, errlen);
        if (rc != 0)
            return rc;
    }
    s->scroll = 0;
    return 0;
}

int ui_walk_run(ui_walk *w, ui_walk_fn fn, void *ctx, char *err, size_t errlen)
{
    const qset *qs = w->o.qs;
    int nq = qset_n_questions(qs), nl = qset_n_languages(qs);
    for (int mode = 0; mode < UI_WALK_MODES; mode++) {
        if (!(w->o.modes & (1u << mode)))
            continue;
        bool large = mode == 1 || mode == 3, contrast = mode >= 2;
        for (int lang = 0; lang < nl; lang++) {
            int number = 0;
            for (int i = 0; i < WALK_N_ENTRIES; i++) {
                const walk_entry *e = &walk_screens[i];
                int reps = e->span == WALK_EACH_QUESTION ? nq : 1;
                for (int q = 0; q < reps; q++, number++) {
                    int qi = e->span == WALK_EACH_QUESTION ? q : -1;
                    char name[UI_WALK_NAME_LEN];
                    if (qi >= 0)
                        snprintf(name, sizeof name, "%s-%s", e->name, qset_question_at(qs, qi)->id);
                    else
                        wp_strlcpy(name, e->name, sizeof name);
                    w->now += WALK_SCREEN_SPAN;
                    ui_set_error(w->u, e->save_error ? "the kiosk's disk is full" : "");
                    ui_set_modes(w->u, large, contrast);
                    if (!ui_preview(w->u, e->screen, qi < 0 ? 0 : qi, lang, w->now)) {
                        wp_errf(err, errlen, "cannot show the %s screen in language %d", name,
                                lang);
                        return -1;
                    }
                    /* The attract screen cycles through the languages: show this one's turn. */
                    int64_t t =
                        w->now + (e->screen == FLOW_ATTRACT ? (int64_t)lang * WALK_ATTRACT_MS : 0);
                    if (e->closed) {
                        ui_set_resting(w->u, true, "08:30-17:00");
                        ui_set_modes(w->u, large, contrast);
                        tap_empty(w, t);
                    }
                    ui_walk_screen s;
                    memset(&s, 0, sizeof s);
                    s.number = number;
                    s.screen = e->name;
                    s.name = name;
                    s.question = qi;
                    s.lang = lang;
                    s.lang_code = qset_language(qs, lang);
                    s.rtl = qset_ui_rtl(qs, w->strings, s.lang_code);
                    s.mode = mode;
                    s.mode_name = mode_names[mode];
                    s.large = large;
                    s.contrast = contrast;
                    s.state = "";
                    int rc = visit_variants(w, e, &s, qi, lang, t, fn, ctx, err, errlen);
                    if (e->closed)
                        ui_set_resting(w->u, false, "");
                    ui_set_error(w->u, "");
                    if (rc != 0)
                        return rc;
                }
            }
        }
    }
    return 0;
}

int ui_walk_save_png(const ui_walk_screen *s, const char *path, char *err, size_t errlen)
{
    char tmp[WALK_PATH_LEN];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        wp_errf(err, errlen, "path too long: %s", path);
        return -1;
    }
    if (IMG_SavePNG(s->pixels, tmp) != 0) {
        wp_errf(err, errlen, "cannot write %s: %s", tmp, SDL_GetError());
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        wp_errf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}
