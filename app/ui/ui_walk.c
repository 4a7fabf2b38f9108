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

int ui_walk_screens_per_language(const ui_walk *w)
{
    return qset_n_questions(w->o.qs) + 4;
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
    int want = qq->type != QSET_MULTI ? 1 : (qq->max > 0 ? qq->max + 1 : qq->n_options);
    for (int i = 0; i < qq->n_options && i < want; i++) {
        char id[UI_WALK_NAME_LEN * 2];
        snprintf(id, sizeof id, "option:%s:%s", qq->id, qq->options[i].id);
        tap(w, id, t);
    }
}

int ui_walk_run(ui_walk *w, ui_walk_fn fn, void *ctx, char *err, size_t errlen)
{
    const qset *qs = w->o.qs;
    int nq = qset_n_questions(qs), nl = qset_n_languages(qs);
    int per = ui_walk_screens_per_language(w);
    for (int mode = 0; mode < UI_WALK_MODES; mode++) {
        if (!(w->o.modes & (1u << mode)))
            continue;
        bool large = mode == 1 || mode == 3, contrast = mode >= 2;
        for (int lang = 0; lang < nl; lang++) {
            for (int k = 0; k < per; k++) {
                flow_screen sc = k == 0        ? FLOW_ATTRACT
                                 : k == 1      ? FLOW_LANGUAGE
                                 : k < nq + 2  ? FLOW_QUESTION
                                 : k == nq + 2 ? FLOW_STILL_THERE
                                               : FLOW_THANKS;
                int q = sc == FLOW_QUESTION ? k - 2 : -1;
                char name[UI_WALK_NAME_LEN];
                if (sc == FLOW_QUESTION)
                    snprintf(name, sizeof name, "question-%s", qset_question_at(qs, q)->id);
                else
                    wp_strlcpy(name, flow_screen_name(sc), sizeof name);
                w->now += WALK_SCREEN_SPAN;
                ui_set_modes(w->u, large, contrast);
                if (!ui_preview(w->u, sc, q < 0 ? 0 : q, lang, w->now)) {
                    wp_errf(err, errlen, "cannot show the %s screen in language %d", name, lang);
                    return -1;
                }
                /* The attract screen cycles through the languages: show this one's turn. */
                int64_t t = w->now + (sc == FLOW_ATTRACT ? (int64_t)lang * WALK_ATTRACT_MS : 0);
                ui_walk_screen s;
                memset(&s, 0, sizeof s);
                s.number = k;
                s.screen = flow_screen_name(sc);
                s.name = name;
                s.question = q;
                s.lang = lang;
                s.lang_code = qset_language(qs, lang);
                s.rtl = uistr_is_rtl(w->strings, s.lang_code);
                s.mode = mode;
                s.mode_name = mode_names[mode];
                s.large = large;
                s.contrast = contrast;
                s.state = "";
                int rc = visit(w, &s, t, fn, ctx, err, errlen);
                if (rc != 0)
                    return rc;
                if (sc != FLOW_QUESTION)
                    continue;
                if (w->o.states) {
                    choose(w, q, t);
                    s.state = "selected";
                    rc = visit(w, &s, t, fn, ctx, err, errlen);
                    if (rc != 0)
                        return rc;
                    s.state = "";
                    if (!ui_preview(w->u, sc, q, lang, w->now)) { /* clears the answers */
                        wp_errf(err, errlen, "cannot show the %s screen again", name);
                        return -1;
                    }
                }
                if (!w->o.scroll)
                    continue;
                for (int n = 1; n <= UI_WALK_MAX_SCROLL; n++) {
                    if (!tap(w, "scroll-down", t))
                        break;
                    s.scroll = n;
                    rc = visit(w, &s, t, fn, ctx, err, errlen);
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
