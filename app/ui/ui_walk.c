/* The screen walker: every screen x language x display mode, drawn headless (ui_walk.h). */
#include "ui_walk.h"

#include "cards.h"
#include "ui_png.h"
#include "config.h"
#include "flow.h"
#include "sign.h"
#include "stick.h"
#include "store.h"
#include "ui.h"
#include "ui_staff.h"
#include "uistr.h"

#include <jansson.h>
#include "util.h"

#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WALK_PATH_LEN    4096
#define WALK_SCREEN_SPAN 1000000 /* ms of virtual time between two screens */
#define WALK_ATTRACT_MS  3000    /* attract screen language cycle */
#define WALK_STAFF_PIN   "2468"  /* the walk's own staff mode, in a temporary folder */
#define WALK_MAX_PAGES   8       /* further pages visited on one staff screen */
#define WALK_ONE_OF      12345   /* the thanks screen's "You are one of N" */

/* The staff mode the walker visits: its own config, database, stick and PIN. */
typedef struct {
    char dir[WALK_PATH_LEN]; /* temporary root, removed at close */
    char stick[WALK_PATH_LEN], away[WALK_PATH_LEN];
    char db[WALK_PATH_LEN], data[WALK_PATH_LEN], local[WALK_PATH_LEN];
    config cfg;
    uistr *staff_strings;
    ui_staff *s;
} walk_staff;

struct ui_walk {
    ui_walk_options o;
    SDL_Surface *surface;
    SDL_Renderer *renderer;
    uistr *strings;
    ui *u;
    int64_t now;
    walk_staff *staff; /* NULL unless o.staff */
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

/* ---------- the walk's own staff mode ---------- */

/* A small signed set on the walk's stick (ids short enough for any panel). */
static const char walk_stick_set[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"wijk-test\", \"version\": 3,\n"
    " \"languages\": [\"nl\", \"en\"],\n"
    " \"title\": {\"nl\": \"Hoe is de buurt?\", \"en\": \"How is the neighbourhood?\"},\n"
    " \"questions\": [{\"id\": \"blij\", \"type\": \"smiley\",\n"
    "   \"text\": {\"nl\": \"Hoe blij bent u?\", \"en\": \"How happy are you?\"}}]}\n";

/* A settings document of the centre on the walk's stick (publish --to-stick), with its
 * schedule: the import screen shows a row with Take over for it. Its name is as long as the
 * centre's names are (the row shows it whole, and when it is in use, on every panel). */
#define WALK_STICK_SETTINGS_NAME "c-openingstijden-wijkcentrum-voorjaar.conf"
static const char walk_stick_settings[] = "# voorjaar\nidle_seconds = 600\nlanguages = nl, en\n";
static const char walk_stick_schedule[] =
    "{\"publication\": \"cb58f97e6c960fc2\", \"from_ms\": 1803888000000, \"until_ms\": "
    "1806480000000}";

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static int put_file(const char *dir, const char *name, const char *text, char *err, size_t errlen)
{
    char p[WALK_PATH_LEN];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        wp_errf(err, errlen, "cannot write %s: %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

static int mkdirs(const char *path, char *err, size_t errlen)
{
    char buf[WALK_PATH_LEN];
    wp_strlcpy(buf, path, sizeof buf);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
                wp_errf(err, errlen, "cannot make %s: %s", buf, strerror(errno));
                return -1;
            }
            *p = c;
            if (!c)
                return 0;
        }
    }
}

static int staff_activate(void *ctx, const char *path, char *err, size_t errlen)
{
    (void)ctx, (void)path, (void)err, (void)errlen;
    return 0; /* the walk shows the message; it runs no poll */
}

static void staff_close(walk_staff *ws)
{
    if (!ws)
        return;
    ui_staff_free(ws->s);
    uistr_free(ws->staff_strings);
    if (ws->dir[0])
        nftw(ws->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(ws);
}

/* A temporary folder with a database, a stick holding a signed set, an unsigned one, a signed
 * settings document with its schedule, an unsigned one and a kiosk.conf, a config trusting the key,
 * and a staff mode on them. */
static int staff_open(const char *data, const uistr *strings, double px_per_mm, walk_staff **out,
                      char *err, size_t errlen)
{
    char path[WALK_PATH_LEN], qdir[WALK_PATH_LEN], wdir[WALK_PATH_LEN], sdir[WALK_PATH_LEN];
    unsigned char pk[SIGN_PUBLIC_BYTES], sk[SIGN_SECRET_BYTES];
    char sig[256], ssig[256];
    store *st = NULL;
    walk_staff *ws = calloc(1, sizeof *ws);
    *out = NULL;
    if (!ws || sodium_init() < 0) {
        free(ws);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(ws->dir, sizeof ws->dir, "%s/wijkpeil-walk-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(ws->dir)) {
        wp_errf(err, errlen, "cannot make a folder for the staff screens: %s", strerror(errno));
        ws->dir[0] = '\0';
        goto fail;
    }
    snprintf(ws->stick, sizeof ws->stick, "%s/media/STICK", ws->dir);
    snprintf(ws->away, sizeof ws->away, "%s/STICK-away", ws->dir);
    snprintf(ws->data, sizeof ws->data, "%s/data", ws->dir);
    snprintf(ws->db, sizeof ws->db, "%s/wijkpeil.db", ws->data);
    snprintf(ws->local, sizeof ws->local, "%s/local.conf", ws->data);
    snprintf(wdir, sizeof wdir, "%s/WIJKPEIL", ws->stick);
    snprintf(qdir, sizeof qdir, "%s/questionsets", wdir);
    snprintf(sdir, sizeof sdir, "%s/settings", wdir);
    if (mkdirs(qdir, err, errlen) || mkdirs(sdir, err, errlen) || mkdirs(ws->data, err, errlen))
        goto fail;
    crypto_sign_keypair(pk, sk);
    if (sign_make(walk_stick_set, strlen(walk_stick_set), sk, sig, sizeof sig, err, errlen) ||
        put_file(qdir, "a-wijk.json", walk_stick_set, err, errlen) ||
        put_file(qdir, "a-wijk.json.sig", sig, err, errlen) ||
        put_file(qdir, "b-unsigned.json", walk_stick_set, err, errlen) ||
        sign_make(walk_stick_settings, strlen(walk_stick_settings), sk, ssig, sizeof ssig, err,
                  errlen) ||
        put_file(sdir, WALK_STICK_SETTINGS_NAME, walk_stick_settings, err, errlen) ||
        put_file(sdir, WALK_STICK_SETTINGS_NAME ".sig", ssig, err, errlen) ||
        put_file(sdir, WALK_STICK_SETTINGS_NAME STICK_SCHEDULE_EXT, walk_stick_schedule, err,
                 errlen) ||
        put_file(sdir, "d-ongetekend.conf", walk_stick_settings, err, errlen) ||
        put_file(wdir, "kiosk.conf", "idle_seconds = 45\n", err, errlen))
        goto fail;
    config_defaults(&ws->cfg);
    sign_public_b64(pk, ws->cfg.trusted_keys[0], sizeof ws->cfg.trusted_keys[0]);
    ws->cfg.n_trusted_keys = 1;
    snprintf(ws->cfg.mount_roots[0], sizeof ws->cfg.mount_roots[0], "%s/media", ws->dir);
    ws->cfg.n_mount_roots = 1;
    if (crypto_pwhash_str(ws->cfg.staff_pin_hash, WALK_STAFF_PIN, strlen(WALK_STAFF_PIN),
                          crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) != 0) {
        wp_errf(err, errlen, "out of memory hashing the walk's PIN");
        goto fail;
    }
    if (store_open(ws->db, &st, err, errlen) != 0)
        goto fail;
    store_close(st);
    snprintf(path, sizeof path, "%s/assets/staff-strings.json", data);
    if (ui_staff_load_strings(path, &ws->staff_strings, err, errlen) != 0)
        goto fail;
    ui_staff_options so;
    memset(&so, 0, sizeof so);
    so.cfg = &ws->cfg;
    so.db_path = ws->db;
    so.data_dir = ws->data;
    so.override_path = ws->local;
    so.px_per_mm = px_per_mm;
    so.activate = staff_activate;
    so.strings = strings;
    so.staff_strings = ws->staff_strings;
    so.run_inline = true; /* the walk lays out each screen right after its tap */
    wp_strlcpy(so.info.device_id, "kiosk-07", sizeof so.info.device_id);
    wp_strlcpy(so.info.location, "nazareth", sizeof so.info.location);
    wp_strlcpy(so.info.app_version, "0.1.0", sizeof so.info.app_version);
    wp_strlcpy(so.info.set_id, "wijk-test", sizeof so.info.set_id);
    so.info.set_version = 1;
    ws->s = ui_staff_new(&so);
    if (!ws->s) {
        wp_errf(err, errlen, "out of memory");
        goto fail;
    }
    sodium_memzero(sk, sizeof sk);
    *out = ws;
    return 0;
fail:
    sodium_memzero(sk, sizeof sk);
    staff_close(ws);
    return -1;
}

static int walk_cards(const qset *qs, cards **out, char *err, size_t errlen);

int ui_walk_open(const ui_walk_options *o, ui_walk **out, char *err, size_t errlen)
{
    char fonts[WALK_PATH_LEN], icons[WALK_PATH_LEN];
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
    snprintf(fonts, sizeof fonts, "%s/fonts", data);
    snprintf(icons, sizeof icons, "%s/assets/icons", data);
    if (uistr_load_builtin(&w->strings, err, errlen) != 0)
        goto fail;
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
    if (o->staff) {
        if (staff_open(data, w->strings, o->px_per_mm, &w->staff, err, errlen) != 0)
            goto fail;
        uo.staff = w->staff->s;
    }
    w->now = WALK_SCREEN_SPAN;
    if (ui_open(&uo, o->qs, w->now, &w->u, err, errlen) != 0)
        goto fail;
    cards *fixture = NULL;
    if (o->cards_json ? cards_parse(o->cards_json, strlen(o->cards_json), &fixture, err, errlen)
                      : walk_cards(o->qs, &fixture, err, errlen))
        goto fail;
    ui_set_cards(w->u, fixture);
    ui_set_one_of(w->u, WALK_ONE_OF); /* "You are one of N": the longest line it makes */
    *out = w;
    return 0;
fail:
    ui_walk_close(w);
    return -1;
}

/* The walker's cards (what neighbours said), so that the attract and thank-you screens are
 * checked with them: one card per shared question of the set (or its first question with
 * answers when it shares none), every answer a bar plus "other", texts in every language of
 * the set, built-in answers labelled by the kiosk. */
static int walk_cards(const qset *qs, cards **out, char *err, size_t errlen)
{
    json_t *list = json_array(), *langs = json_array();
    for (int l = 0; l < qset_n_languages(qs); l++)
        json_array_append_new(langs, json_string(qset_language(qs, l)));
    int first = -1, shared = 0;
    for (int i = 0; i < qset_n_questions(qs); i++) {
        const qset_question *q = qset_question_at(qs, i);
        if (q->n_options > 0 && first < 0)
            first = i;
        shared += q->share;
    }
    for (int i = 0; i < qset_n_questions(qs); i++) {
        const qset_question *q = qset_question_at(qs, i);
        if (!(q->share || (!shared && i == first)))
            continue;
        json_t *text = json_object(), *answers = json_array();
        for (int l = 0; l < qset_n_languages(qs); l++)
            json_object_set_new(text, qset_language(qs, l), json_string(q->text.s[l]));
        int n = q->n_options, left = 100;
        for (int j = 0; j <= n; j++) {
            /* shares that add up to 100: the first the most, "other" what is left */
            int pct = j == n ? left : left / 2 > 1 ? left / 2 : 0;
            left -= pct;
            json_t *a = json_pack("{s:s, s:I, s:i}", "id", j == n ? "" : q->options[j].id, "count",
                                  (json_int_t)(10 + pct), "percent", pct);
            if (j == n) {
                json_object_set_new(a, "other", json_true());
            } else if (q->options[j].text.s[0]) {
                json_t *ot = json_object();
                for (int l = 0; l < qset_n_languages(qs); l++)
                    json_object_set_new(ot, qset_language(qs, l),
                                        json_string(q->options[j].text.s[l]));
                json_object_set_new(a, "text", ot);
            }
            json_array_append_new(answers, a);
        }
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:O, s:o, s:i, s:i, s:o}", "questionset", qset_id(qs),
                            "question", q->id, "type", qset_type_name(q->type), "languages", langs,
                            "text", text, "n", 250, "responses", 260, "answers", answers));
    }
    json_decref(langs);
    json_t *doc =
        json_pack("{s:s, s:s, s:{s:s, s:s, s:b}, s:i, s:o}", "version", "walk", "computed_at",
                  "2027-03-23T09:00:00.000Z", "period", "from", "2027-03-01", "to", "2027-03-23",
                  "whole_month", 0, "k", 10, "cards", list);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    int rc = text ? cards_parse(text, strlen(text), out, err, errlen) : -1;
    if (!text)
        wp_errf(err, errlen, "out of memory");
    free(text);
    return rc;
}

void ui_walk_close(ui_walk *w)
{
    if (!w)
        return;
    ui_close(w->u);
    staff_close(w->staff);
    if (w->renderer)
        SDL_DestroyRenderer(w->renderer);
    SDL_FreeSurface(w->surface);
    uistr_free(w->strings);
    free(w);
}

/* The screens the walker visits, in order: ui.c's table of screens (ui_screen_info), the one
 * place a new screen is added; the walk, the test and the preview pick it up from there. */

const ui_walk_panel ui_walk_panels[UI_WALK_N_PANELS] = {
    {"7in-800x480", 800, 480, 155},      {"7in-portrait-720x1280", 720, 1280, 88},
    {"10in-1280x800", 1280, 800, 217},   {"10in-1024x600", 1024, 600, 222},
    {"15in-1920x1080", 1920, 1080, 344}, {"21in-1920x1080", 1920, 1080, 476},
    {"24in-1920x1080", 1920, 1080, 531},
};

/* The question index of the rep-th visit of a screen entry: -1 for a screen shown once, the
 * question for one shown per question, the first question of the rep-th matrix (-1 past the
 * last) for the matrix screen. */
static int entry_question(const qset *qs, const ui_screen_info *e, int rep)
{
    if (e->span == UI_SCREEN_EACH_QUESTION)
        return rep < qset_n_questions(qs) ? rep : -1;
    if (e->span != UI_SCREEN_EACH_MATRIX)
        return -1;
    for (int i = 0, n = 0; i < qset_n_questions(qs); i++)
        if (qset_question_at(qs, i)->matrix_first == i && n++ == rep)
            return i;
    return -1;
}

/* How many times a screen entry is visited per language and mode. */
static int entry_reps(const qset *qs, const ui_screen_info *e)
{
    if (e->span == UI_SCREEN_ONCE)
        return 1;
    int n = 0;
    while (entry_question(qs, e, n) >= 0)
        n++;
    return n;
}

int ui_walk_screens_per_language(const ui_walk *w)
{
    int n = 0;
    for (int i = 0; i < ui_screen_count(); i++)
        if (!ui_screen_at(i)->staff)
            n += entry_reps(w->o.qs, ui_screen_at(i));
    return n;
}

static int staff_languages(const ui_walk *w)
{
    int n = 0;
    while (w->staff && uistr_language(w->staff->staff_strings, n))
        n++;
    return n;
}

int ui_walk_staff_screens(const ui_walk *w)
{
    int n = 0;
    for (int i = 0; i < ui_screen_count(); i++)
        n += ui_screen_at(i)->staff != NULL;
    return n * staff_languages(w);
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
static int visit_variants(ui_walk *w, const ui_screen_info *e, ui_walk_screen *s, int q, int lang,
                          int64_t t, ui_walk_fn fn, void *ctx, char *err, size_t errlen)
{
    int rc = visit(w, s, t, fn, ctx, err, errlen);
    if (rc != 0)
        return rc;
    if (e->more && (e->span == UI_SCREEN_ONCE || q == 0) && tap(w, "more", t)) {
        s->state = "more";
        rc = visit(w, s, t, fn, ctx, err, errlen);
        s->state = "";
        tap(w, "more", t);
        if (rc != 0)
            return rc;
    }
    /* The attract screen's further pages (the card on its own, or its parts): a round through
     * the languages later each, in this language. */
    char page[16];
    for (int p = 1; e->screen == FLOW_ATTRACT && p < ui_attract_pages(w->u); p++) {
        snprintf(page, sizeof page, "page%d", p + 1);
        s->state = page;
        rc = visit(w, s, t + (int64_t)p * qset_n_languages(w->o.qs) * WALK_ATTRACT_MS, fn, ctx, err,
                   errlen);
        s->state = "";
        if (rc != 0)
            return rc;
    }
    /* The thank-you screen's further pages (its card's): each when the flow turns to it. */
    for (int p = 1; e->screen == FLOW_THANKS && p < ui_thanks_pages(w->u); p++) {
        snprintf(page, sizeof page, "page%d", p + 1);
        s->state = page;
        rc = visit(w, s, t + p * flow_thanks_page_ms(ui_flow(w->u)), fn, ctx, err, errlen);
        s->state = "";
        if (rc != 0)
            return rc;
    }
    if (e->screen != FLOW_QUESTION)
        return 0;
    if (w->o.states && qset_question_at(w->o.qs, q)->n_options > 0) {
        /* On a matrix, an answer on every row. */
        int last = e->span == UI_SCREEN_EACH_MATRIX ? qset_question_at(w->o.qs, q)->matrix_last : q;
        for (int k = q; k <= last; k++)
            choose(w, k, t);
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

/* Runs a staff entry's steps (space separated): "enter" opens staff mode on the PIN pad;
 * "pin" types the walk's PIN and OK, "pin:DIGITS" another; "tap:ID" taps a widget (paging
 * on through a list until it shows);
 * "no-stick" takes the stick out; "settle" waits for a running export to end. The stick is
 * put back and the staff mode left before the steps start. Returns 0, or -1 when a step
 * cannot be done (a widget not on screen). */
static int staff_steps(ui_walk *w, const char *steps, const char *lang, int64_t t, char *err,
                       size_t errlen)
{
    walk_staff *ws = w->staff;
    char buf[512], export_dir[WALK_PATH_LEN];
    ui_staff_settle(ws->s, t);
    ui_staff_leave(ws->s);
    rename(ws->away, ws->stick); /* back in (fails harmlessly when it is there) */
    snprintf(export_dir, sizeof export_dir, "%s/WIJKPEIL/export", ws->stick);
    nftw(export_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); /* every export starts on a clean stick */
    wp_strlcpy(buf, steps, sizeof buf);
    char *save = NULL;
    for (char *st = strtok_r(buf, " ", &save); st; st = strtok_r(NULL, " ", &save)) {
        bool ok = true;
        if (!strcmp(st, "enter")) {
            ui_staff_enter(ws->s, t);
            ui_staff_set_language(ws->s, lang);
        } else if (!strncmp(st, "pin", 3)) {
            const char *pin = st[3] == ':' ? st + 4 : WALK_STAFF_PIN;
            for (const char *p = pin; *p && ok; p++) {
                char id[16];
                snprintf(id, sizeof id, "pin:%c", *p);
                ok = tap(w, id, t);
            }
            ok = ok && tap(w, "pin-ok", t);
        } else if (!strncmp(st, "tap:", 4)) {
            /* On a list, page on until the widget shows. */
            ok = tap(w, st + 4, t);
            for (int p = 0; !ok && p < WALK_MAX_PAGES && ui_widget_enabled(w->u, "page-next", t);
                 p++)
                ok = tap(w, "page-next", t) && tap(w, st + 4, t);
        } else if (!strcmp(st, "no-stick")) {
            ok = rename(ws->stick, ws->away) == 0;
        } else if (!strcmp(st, "settle")) {
            ui_staff_settle(ws->s, t);
        } else {
            ok = false;
        }
        if (!ok) {
            wp_errf(err, errlen, "staff screens: step \"%s\" of \"%s\" failed (on %s)", st, steps,
                    ui_staff_screen_name(ws->s));
            return -1;
        }
    }
    return 0;
}

/* Visits one staff entry in every staff language, and every further page of it. */
static int walk_staff_entry(ui_walk *w, const ui_screen_info *e, ui_walk_screen *s, ui_walk_fn fn,
                            void *ctx, char *err, size_t errlen)
{
    for (int l = 0; l < staff_languages(w); l++) {
        const char *lang = uistr_language(w->staff->staff_strings, l);
        w->now += WALK_SCREEN_SPAN;
        int64_t t = w->now;
        if (!ui_preview(w->u, FLOW_ATTRACT, 0, 0, t)) {
            wp_errf(err, errlen, "cannot show the attract screen");
            return -1;
        }
        if (staff_steps(w, e->staff, lang, t, err, errlen) != 0)
            return -1;
        s->lang_code = lang;
        s->state = "";
        int rc = visit(w, s, t, fn, ctx, err, errlen);
        for (int p = 1; rc == 0 && p <= WALK_MAX_PAGES && ui_widget_enabled(w->u, "page-next", t);
             p++) {
            tap(w, "page-next", t);
            s->state = "next page";
            rc = visit(w, s, t, fn, ctx, err, errlen);
        }
        s->state = "";
        ui_staff_settle(w->staff->s, t);
        ui_staff_leave(w->staff->s);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int ui_walk_run(ui_walk *w, ui_walk_fn fn, void *ctx, char *err, size_t errlen)
{
    const qset *qs = w->o.qs;
    int nl = qset_n_languages(qs);
    for (int mode = 0; mode < UI_WALK_MODES; mode++) {
        if (!(w->o.modes & (1u << mode)))
            continue;
        bool large = mode == 1 || mode == 3, contrast = mode >= 2;
        for (int lang = 0; lang < nl; lang++) {
            int number = 0;
            for (int i = 0; i < ui_screen_count(); i++) {
                const ui_screen_info *e = ui_screen_at(i);
                if (e->staff) {
                    /* Staff screens: once per mode, in the staff languages. */
                    if (lang > 0 || !w->staff)
                        continue;
                    ui_walk_screen s;
                    memset(&s, 0, sizeof s);
                    s.number = number++;
                    s.screen = e->name;
                    s.name = e->name;
                    s.question = -1;
                    s.lang = -1;
                    s.mode = mode;
                    s.mode_name = mode_names[mode];
                    s.large = large;
                    s.contrast = contrast;
                    s.staff = true;
                    ui_set_modes(w->u, large, contrast);
                    int rc = walk_staff_entry(w, e, &s, fn, ctx, err, errlen);
                    if (rc != 0)
                        return rc;
                    continue;
                }
                if ((w->o.staff_only && w->staff) ||
                    (w->o.matrices_only && e->span != UI_SCREEN_EACH_MATRIX) ||
                    (w->o.cards_only &&
                     (e->closed || (e->screen != FLOW_ATTRACT && e->screen != FLOW_THANKS))))
                    continue;
                int reps = entry_reps(qs, e);
                for (int q = 0; q < reps; q++, number++) {
                    int qi = entry_question(qs, e, q);
                    char name[UI_WALK_NAME_LEN];
                    if (e->span == UI_SCREEN_EACH_MATRIX)
                        snprintf(name, sizeof name, "%s-%s", e->name,
                                 qset_question_at(qs, qi)->matrix);
                    else if (qi >= 0)
                        snprintf(name, sizeof name, "%s-%s", e->name, qset_question_at(qs, qi)->id);
                    else
                        wp_strlcpy(name, e->name, sizeof name);
                    /* A matrix's questions one per screen on the question screens (as where it
                     * does not fit), together on its own screen where it fits. */
                    ui_set_matrix_apart(w->u, e->span == UI_SCREEN_EACH_QUESTION);
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
                    int first, last;
                    if (e->span == UI_SCREEN_EACH_MATRIX &&
                        !flow_matrix(ui_flow(w->u), &first, &last)) {
                        s.apart = ui_matrix_why(w->u, qi);
                        if (!s.apart)
                            s.apart = "not shown";
                        int rc = fn(ctx, &s);
                        if (rc != 0)
                            return rc;
                        continue;
                    }
                    if (w->o.matrices_only)
                        continue;
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
    if (ui_png_save(s->pixels, tmp, err, errlen) != 0) {
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
