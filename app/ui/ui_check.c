/* The accessibility checker: tree + pixels of one screen against ACCESSIBILITY.md (ui_check.h). */
#include "ui_check.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_HIST_SLOTS  16384 /* colour histogram (open addressing, power of two) */
#define CHECK_HIST_FILL   12000 /* distinct colours counted before new ones are ignored */
#define CHECK_MAX_SAMPLES 40000 /* pixels sampled for a most-common colour */
#define CHECK_ID_LEN      96
#define CHECK_LABEL_LEN   1024
#define CHECK_CONTEXT_LEN 256

struct ui_check_report {
    ui_check_stats st;
    int count;
    int kept;
    char (*msg)[UI_CHECK_MSG_LEN];
};

/* One widget as read from the tree. */
typedef struct {
    char id[CHECK_ID_LEN];
    char role[24];
    char label[CHECK_LABEL_LEN];
    SDL_Rect r;
    bool target, bold, rtl, has_icon;
    bool undeclared; /* its action is not listed for its screen (ui.c's table of screens) */
    int px, pad, pad_x, pad_top, icon_h, text_w, text_h;
    int symbol_w; /* room of a drawn symbol at the start side, beside the label */
} cwidget;

/* Everything one check call works with. */
typedef struct {
    ui_check_report *rep;
    char ctx[CHECK_CONTEXT_LEN]; /* "screen=... lang=... mode=..." */
    double ppm;
    bool large;
    int W, H;
    SDL_Surface *s;  /* ARGB8888, locked; NULL without pixels */
    double lum[256]; /* linearised channel values */
    uint32_t *hkey, *hcount;
    int *hused;
    int nused;
    int added;
    cwidget *w;
    int n;
} checker;

/* ---------- report ---------- */

ui_check_report *ui_check_report_new(void)
{
    ui_check_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->msg = calloc(UI_CHECK_MAX_MESSAGES, sizeof *r->msg);
    if (!r->msg) {
        free(r);
        return NULL;
    }
    return r;
}

void ui_check_report_stats(const ui_check_report *r, ui_check_stats *out)
{
    if (r)
        *out = r->st;
    else
        memset(out, 0, sizeof *out);
}

/* Keeps the smaller of *cur and v (0 means "nothing yet"). */
static void keep_min(double *cur, double v)
{
    if (*cur == 0 || v < *cur)
        *cur = v;
}

void ui_check_report_free(ui_check_report *r)
{
    if (!r)
        return;
    free(r->msg);
    free(r);
}

int ui_check_report_count(const ui_check_report *r)
{
    return r ? r->count : 0;
}

int ui_check_report_kept(const ui_check_report *r)
{
    return r ? r->kept : 0;
}

const char *ui_check_report_message(const ui_check_report *r, int i)
{
    if (!r || i < 0 || i >= r->kept)
        return NULL;
    return r->msg[i];
}

bool ui_check_report_has(const ui_check_report *r, const char *needle)
{
    for (int i = 0; r && i < r->kept; i++)
        if (strstr(r->msg[i], needle))
            return true;
    return false;
}

static void finding(checker *c, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finding(checker *c, const char *id, const char *fmt, ...)
{
    c->added++;
    c->rep->count++;
    if (c->rep->kept >= UI_CHECK_MAX_MESSAGES)
        return;
    char what[UI_CHECK_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->rep->msg[c->rep->kept++], UI_CHECK_MSG_LEN, "%s widget=%s: %s", c->ctx, id, what);
}

/* ---------- colours ---------- */

static double channel(Uint8 v)
{
    double x = v / 255.0;
    return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
}

static double lum_of(const double *lut, uint32_t rgb)
{
    return 0.2126 * lut[(rgb >> 16) & 0xFF] + 0.7152 * lut[(rgb >> 8) & 0xFF] +
           0.0722 * lut[rgb & 0xFF];
}

static double ratio(double la, double lb)
{
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

double ui_check_contrast(SDL_Color a, SDL_Color b)
{
    double la = 0.2126 * channel(a.r) + 0.7152 * channel(a.g) + 0.0722 * channel(a.b);
    double lb = 0.2126 * channel(b.r) + 0.7152 * channel(b.g) + 0.0722 * channel(b.b);
    return ratio(la, lb);
}

static uint32_t pixel(const checker *c, int x, int y)
{
    const Uint8 *row = (const Uint8 *)c->s->pixels + (size_t)y * (size_t)c->s->pitch;
    return ((const uint32_t *)row)[x] & 0xFFFFFFu;
}

static void hist_reset(checker *c)
{
    for (int i = 0; i < c->nused; i++) {
        c->hkey[c->hused[i]] = 0;
        c->hcount[c->hused[i]] = 0;
    }
    c->nused = 0;
}

static void hist_add(checker *c, uint32_t rgb)
{
    uint32_t key = rgb | 0x1000000u; /* 0 marks an empty slot */
    uint32_t h = (rgb * 2654435761u) >> 18;
    for (int probe = 0; probe < CHECK_HIST_SLOTS; probe++) {
        uint32_t i = (h + (uint32_t)probe) & (CHECK_HIST_SLOTS - 1);
        if (c->hkey[i] == key) {
            c->hcount[i]++;
            return;
        }
        if (c->hkey[i] == 0) {
            if (c->nused >= CHECK_HIST_FILL)
                return;
            c->hkey[i] = key;
            c->hcount[i] = 1;
            c->hused[c->nused++] = (int)i;
            return;
        }
    }
}

static uint32_t hist_mode(const checker *c)
{
    uint32_t best = 0, n = 0;
    for (int i = 0; i < c->nused; i++) {
        int k = c->hused[i];
        if (c->hcount[k] > n) {
            n = c->hcount[k];
            best = c->hkey[k] & 0xFFFFFFu;
        }
    }
    return best;
}

/* Clips r to the window; false when nothing is left. */
static bool clip(const checker *c, SDL_Rect *r)
{
    SDL_Rect win = {0, 0, c->W, c->H}, out;
    if (!SDL_IntersectRect(r, &win, &out))
        return false;
    *r = out;
    return true;
}

/* The most common colour in r (sampled on a grid of at most CHECK_MAX_SAMPLES points). */
static uint32_t common_colour(checker *c, SDL_Rect r)
{
    hist_reset(c);
    if (!clip(c, &r))
        return 0;
    long area = (long)r.w * r.h;
    int step = 1;
    while (area / ((long)step * step) > CHECK_MAX_SAMPLES)
        step++;
    for (int y = r.y; y < r.y + r.h; y += step)
        for (int x = r.x; x < r.x + r.w; x += step)
            hist_add(c, pixel(c, x, y));
    return hist_mode(c);
}

/* The most common colour of the outermost ring of pixels of r. */
static uint32_t ring_colour(checker *c, SDL_Rect r)
{
    hist_reset(c);
    for (int x = r.x; x < r.x + r.w; x++) {
        if (x < 0 || x >= c->W)
            continue;
        if (r.y >= 0 && r.y < c->H)
            hist_add(c, pixel(c, x, r.y));
        int yb = r.y + r.h - 1;
        if (yb >= 0 && yb < c->H)
            hist_add(c, pixel(c, x, yb));
    }
    for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
        if (y < 0 || y >= c->H)
            continue;
        if (r.x >= 0 && r.x < c->W)
            hist_add(c, pixel(c, r.x, y));
        int xr = r.x + r.w - 1;
        if (xr >= 0 && xr < c->W)
            hist_add(c, pixel(c, xr, y));
    }
    return hist_mode(c);
}

/* ---------- the tree ---------- */

static void jstr(json_t *o, const char *k, char *buf, size_t len)
{
    const char *s = json_string_value(json_object_get(o, k));
    wp_strlcpy(buf, s ? s : "", len);
}

static int jint(json_t *o, const char *k)
{
    return (int)json_integer_value(json_object_get(o, k));
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n')
            return false;
    return true;
}

static int read_tree(checker *c, const ui_check_input *in, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loads(in->tree_json ? in->tree_json : "", 0, &je);
    int rc = -1;
    if (!json_is_object(root)) {
        wp_errf(err, errlen, "the widget tree is not a JSON object: %s", je.text);
        goto done;
    }
    c->ppm = json_number_value(json_object_get(root, "px_per_mm"));
    if (!(c->ppm > 0)) {
        wp_errf(err, errlen, "the widget tree has no px_per_mm");
        goto done;
    }
    c->large = json_is_true(json_object_get(root, "large_text"));
    bool contrast = json_is_true(json_object_get(root, "high_contrast"));
    const char *screen = json_string_value(json_object_get(root, "screen"));
    const char *q = json_string_value(json_object_get(root, "question"));
    const char *lang = json_string_value(json_object_get(root, "language"));
    const char *mode =
        c->large ? (contrast ? "large-contrast" : "large") : (contrast ? "contrast" : "normal");
    char scr[CHECK_ID_LEN + 16];
    if (q)
        snprintf(scr, sizeof scr, "%s:%s", screen ? screen : "?", q);
    else
        snprintf(scr, sizeof scr, "%s", screen ? screen : "?");
    snprintf(c->ctx, sizeof c->ctx, "screen=%s lang=%s mode=%s%s%s", scr, lang ? lang : "?", mode,
             in->where && *in->where ? " at=" : "", in->where && *in->where ? in->where : "");
    json_t *arr = json_object_get(root, "widgets");
    if (!json_is_array(arr)) {
        wp_errf(err, errlen, "the widget tree has no \"widgets\" list");
        goto done;
    }
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        if (c->n >= UI_CHECK_MAX_WIDGETS)
            break;
        cwidget *w = &c->w[c->n++];
        jstr(o, "id", w->id, sizeof w->id);
        jstr(o, "role", w->role, sizeof w->role);
        jstr(o, "label", w->label, sizeof w->label);
        w->r.x = jint(o, "x");
        w->r.y = jint(o, "y");
        w->r.w = jint(o, "w");
        w->r.h = jint(o, "h");
        w->target = json_is_true(json_object_get(o, "target"));
        w->undeclared = json_is_true(json_object_get(o, "undeclared"));
        w->bold = json_is_true(json_object_get(o, "bold"));
        w->rtl = json_is_true(json_object_get(o, "rtl"));
        w->has_icon = json_is_string(json_object_get(o, "icon"));
        w->px = jint(o, "px");
        w->pad = jint(o, "pad");
        w->pad_x = json_object_get(o, "pad_x") ? jint(o, "pad_x") : w->pad;
        w->pad_top = jint(o, "pad_top");
        w->icon_h = json_object_get(o, "icon_h") ? jint(o, "icon_h") : -1;
        w->text_w = jint(o, "text_w");
        w->text_h = jint(o, "text_h");
        w->symbol_w = jint(o, "symbol_w");
    }
    rc = 0;
done:
    json_decref(root);
    return rc;
}

/* ---------- the checks ---------- */

static double mmv(const checker *c, int px)
{
    return px / c->ppm;
}

static int icon_px(const checker *c, const cwidget *w)
{
    if (!w->has_icon)
        return 0;
    if (w->icon_h >= 0) /* the tree says how tall the icon is drawn */
        return w->icon_h;
    return (int)lround((c->large ? UI_CHECK_ICON_LARGE_MM : UI_CHECK_ICON_MM) * c->ppm);
}

static bool is_plain(const cwidget *w)
{
    return w->pad == 0;
}

static void check_targets(checker *c)
{
    for (int i = 0; i < c->n; i++) {
        const cwidget *a = &c->w[i];
        if (!a->target)
            continue;
        double wmm = mmv(c, a->r.w), hmm = mmv(c, a->r.h);
        double sm = wmm < hmm ? wmm : hmm;
        keep_min(&c->rep->st.min_target_mm, sm);
        if (sm < UI_CHECK_TARGET_MM)
            finding(c, a->id, "target is %.1f x %.1f mm: short side %.1f mm is under %.0f mm", wmm,
                    hmm, sm, UI_CHECK_TARGET_MM);
        for (int j = i + 1; j < c->n; j++) {
            const cwidget *b = &c->w[j];
            if (!b->target || SDL_HasIntersection(&a->r, &b->r))
                continue;
            int dx1 = b->r.x - (a->r.x + a->r.w), dx2 = a->r.x - (b->r.x + b->r.w);
            int dy1 = b->r.y - (a->r.y + a->r.h), dy2 = a->r.y - (b->r.y + b->r.h);
            int dx = dx1 > dx2 ? dx1 : dx2, dy = dy1 > dy2 ? dy1 : dy2;
            if (dx < 0)
                dx = 0;
            if (dy < 0)
                dy = 0;
            double gap = mmv(c, 1) * sqrt((double)dx * dx + (double)dy * dy);
            keep_min(&c->rep->st.min_gap_mm, gap);
            if (gap < UI_CHECK_TARGET_GAP_MM)
                finding(c, a->id, "only %.1f mm from target %s (at least %.0f mm wanted)", gap,
                        b->id, UI_CHECK_TARGET_GAP_MM);
        }
    }
}

static bool inside(const SDL_Rect *in, const SDL_Rect *out)
{
    return in->x >= out->x && in->y >= out->y && in->x + in->w <= out->x + out->w &&
           in->y + in->h <= out->y + out->h;
}

static void check_overlap(checker *c)
{
    for (int i = 0; i < c->n; i++)
        for (int j = i + 1; j < c->n; j++) {
            const cwidget *a = &c->w[i], *b = &c->w[j];
            SDL_Rect x;
            if (!SDL_IntersectRect(&a->r, &b->r, &x))
                continue;
            if ((!a->target && b->target && inside(&a->r, &b->r)) ||
                (!b->target && a->target && inside(&b->r, &a->r)))
                continue;
            finding(c, a->id, "overlaps %s by %.1f x %.1f mm", b->id, mmv(c, x.w), mmv(c, x.h));
        }
}

/* Where the label's pixels are, as ui.c draws them: plain text from the box's top, boxed
 * labels (and the progress) centred vertically with the icon above; inside the padding and
 * beside a symbol's room at the start side. */
static SDL_Rect text_area(const checker *c, const cwidget *w)
{
    int ih = icon_px(c, w);
    int block = w->text_h + (ih ? ih + w->pad : 0);
    SDL_Rect a;
    a.x = w->r.x + w->pad_x + (w->rtl ? 0 : w->symbol_w);
    a.w = w->r.w - 2 * w->pad_x - w->symbol_w;
    if (is_plain(w) && strcmp(w->role, "progress") != 0)
        a.y = w->r.y;
    else
        a.y = w->r.y + w->pad_top + (w->r.h - w->pad_top - block) / 2 + (ih ? ih + w->pad : 0);
    a.h = w->text_h;
    SDL_Rect inner = {w->r.x + w->pad, w->r.y + w->pad, w->r.w - 2 * w->pad, w->r.h - 2 * w->pad};
    SDL_Rect out;
    if (!SDL_IntersectRect(&a, &inner, &out))
        out.w = out.h = 0;
    return out;
}

/* Answers side by side (one row of a grid: same top and height) with their labels at different
 * heights look like a broken row: their labels' middles must line up (same icon or none). */
static void check_aligned(checker *c)
{
    for (int i = 0; i < c->n; i++)
        for (int j = i + 1; j < c->n; j++) {
            const cwidget *a = &c->w[i], *b = &c->w[j];
            if (strcmp(a->role, "option") != 0 || strcmp(b->role, "option") != 0 ||
                blank(a->label) || blank(b->label) || a->r.y != b->r.y || a->r.h != b->r.h ||
                icon_px(c, a) != icon_px(c, b))
                continue;
            SDL_Rect ta = text_area(c, a), tb = text_area(c, b);
            int d = (2 * ta.y + ta.h) - (2 * tb.y + tb.h); /* twice the difference of middles */
            if (d > 2 || d < -2)
                finding(c, a->id, "its label sits %.1f mm %s than that of %s beside it",
                        mmv(c, abs(d)) / 2, d > 0 ? "lower" : "higher", b->id);
        }
}

/* Reports the widest word of the label that is wider than the line: the renderer then breaks
 * it between characters (which also breaks Arabic letter joining). */
static void check_words(checker *c, const cwidget *w, ui_text *text, int avail_w)
{
    ui_text_style st = {.px = w->px, .bold = w->bold, .rtl = w->rtl, .align = UI_ALIGN_START};
    char word[CHECK_LABEL_LEN], worst[CHECK_LABEL_LEN] = "";
    int worst_w = 0;
    const char *p = w->label;
    while (*p) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \n\t");
        if (n == 0)
            break;
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        p += n;
        int ww = 0, wh = 0;
        ui_text_measure(text, word, &st, 1 << 20, &ww, &wh);
        if (ww > avail_w && ww > worst_w) {
            worst_w = ww;
            wp_strlcpy(worst, word, sizeof worst);
        }
    }
    if (worst_w > 0)
        finding(c, w->id,
                "the word \"%.80s\" is %.1f mm wide, the line has room for %.1f mm: it is broken "
                "between letters",
                worst, mmv(c, worst_w), mmv(c, avail_w));
}

/* Apparent letter size per script, from the letters the renderer draws at this size: the tall
 * letter of each script (Arabic: alef) meets the capital-height rule (A5/A6), and no script's
 * apparent size (mean of its body and tall letter) is more than 10% under Latin's. */
static void check_scripts(checker *c, const cwidget *w, ui_text *text)
{
    unsigned mask = ui_text_scripts_in(w->label);
    ui_text_letters lat;
    if (ui_text_letters_at(text, UI_SCRIPT_LATIN, w->bold, &lat) != 0)
        return;
    double lat_mm = mmv(c, w->px) * (lat.body_em + lat.tall_em) / 2;
    for (int s = UI_SCRIPT_LATIN + 1; s < UI_SCRIPT_COUNT; s++) {
        ui_text_letters l;
        if (!(mask & (1u << s)) || ui_text_letters_at(text, (ui_script)s, w->bold, &l) != 0)
            continue;
        double tall = mmv(c, w->px) * l.tall_em;
        double want_cap = c->large ? UI_CHECK_CAP_LARGE_MM : UI_CHECK_CAP_MM;
        if (tall < want_cap)
            finding(c, w->id, "%s height %.2f mm (%d px) is under %.1f mm%s",
                    ui_text_script_name((ui_script)s, true), tall, w->px, want_cap,
                    c->large ? " (large-text mode)" : "");
        double app = mmv(c, w->px) * (l.body_em + l.tall_em) / 2;
        double r = app / lat_mm;
        keep_min(&c->rep->st.min_script_ratio, r);
        if (r < UI_CHECK_SCRIPT_RATIO)
            finding(c, w->id,
                    "%s letters look %.0f%% smaller than Latin at the same size (apparent height "
                    "%.2f mm against %.2f mm, %d px)",
                    ui_text_script_name((ui_script)s, false), 100.0 * (1 - r), app, lat_mm, w->px);
    }
}

static void check_text(checker *c, const cwidget *w, ui_text *text)
{
    if (blank(w->label))
        return;
    double em = mmv(c, w->px);
    double cap = UI_CHECK_CAP_EM * em;
    double want_cap = c->large ? UI_CHECK_CAP_LARGE_MM : UI_CHECK_CAP_MM;
    keep_min(c->large ? &c->rep->st.min_cap_large_mm : &c->rep->st.min_cap_mm, cap);
    if (cap < want_cap)
        finding(c, w->id, "capital height %.2f mm (%d px) is under %.1f mm%s", cap, w->px, want_cap,
                c->large ? " (large-text mode)" : "");
    if (text)
        check_scripts(c, w, text);
    /* Fits its box: inside the padding and below the icon. */
    int ih = icon_px(c, w);
    int avail_h = w->r.h - 2 * w->pad - (ih ? ih + w->pad : 0);
    int avail_w = w->r.w - 2 * w->pad_x - w->symbol_w;
    if (w->text_h > avail_h)
        finding(c, w->id, "text clipped: the label is %.1f mm tall, its box has room for %.1f mm",
                mmv(c, w->text_h), mmv(c, avail_h));
    if (w->text_w > avail_w)
        finding(c, w->id, "text overflows: the label is %.1f mm wide, its box has room for %.1f mm",
                mmv(c, w->text_w), mmv(c, avail_w));
    if (text) {
        check_words(c, w, text, avail_w);
        uint32_t first = 0;
        int miss = ui_text_missing(text, w->label, w->bold, &first);
        if (miss > 0)
            finding(c, w->id, "%d character%s no font can draw (first U+%04X) in \"%.60s\"", miss,
                    miss == 1 ? "" : "s", (unsigned)first, w->label);
    }
    if (!c->s)
        return;
    SDL_Rect box = w->r;
    if (!clip(c, &box))
        return;
    SDL_Rect area = text_area(c, w);
    if (area.w <= 0 || area.h <= 0 || !clip(c, &area))
        return;
    uint32_t bg = common_colour(c, box);
    double lbg = lum_of(c->lum, bg), best = 1.0;
    uint32_t fg = bg;
    for (int y = area.y; y < area.y + area.h; y++)
        for (int x = area.x; x < area.x + area.w; x++) {
            uint32_t p = pixel(c, x, y);
            if (p == bg)
                continue;
            double r = ratio(lum_of(c->lum, p), lbg);
            if (r > best) {
                best = r;
                fg = p;
            }
        }
    bool large_text = em >= UI_CHECK_LARGE_EM_MM || (w->bold && em >= UI_CHECK_LARGE_BOLD_EM_MM);
    double want = large_text ? UI_CHECK_LARGE_CONTRAST : UI_CHECK_TEXT_CONTRAST;
    c->rep->st.texts_measured++;
    if (c->rep->st.min_text_contrast == 0 || best < c->rep->st.min_text_contrast) {
        c->rep->st.min_text_contrast = best;
        snprintf(c->rep->st.min_text_where, sizeof c->rep->st.min_text_where,
                 "%s widget=%s (#%06X on #%06X)", c->ctx, w->id, (unsigned)fg, (unsigned)bg);
    }
    if (best < want)
        finding(c, w->id,
                "text contrast %.2f:1 is under %.1f:1 (text #%06X on #%06X, %s%.2f mm em)", best,
                want, (unsigned)fg, (unsigned)bg, w->bold ? "bold, " : "", em);
}

static void check_window(checker *c, const cwidget *w)
{
    if (w->r.x < 0 || w->r.y < 0 || w->r.x + w->r.w > c->W || w->r.y + w->r.h > c->H)
        finding(c, w->id, "box %d,%d %dx%d px reaches outside the %dx%d window", w->r.x, w->r.y,
                w->r.w, w->r.h, c->W, c->H);
}

static void check_outline(checker *c, const cwidget *w, uint32_t screen_bg)
{
    if (!w->target || !c->s)
        return;
    uint32_t ring = ring_colour(c, w->r);
    /* Compare with what surrounds this control (a ring of pixels just outside it), not with
     * the commonest colour of the whole screen, which chosen tiles may dominate. */
    SDL_Rect out = {w->r.x - 2, w->r.y - 2, w->r.w + 4, w->r.h + 4};
    if (out.x >= 0 && out.y >= 0 && out.x + out.w <= c->W && out.y + out.h <= c->H)
        screen_bg = ring_colour(c, out);
    double r = ratio(lum_of(c->lum, ring), lum_of(c->lum, screen_bg));
    keep_min(&c->rep->st.min_outline_contrast, r);
    if (r < UI_CHECK_OUTLINE_CONTRAST)
        finding(c, w->id, "outline contrast %.2f:1 is under %.0f:1 (outline #%06X on screen #%06X)",
                r, UI_CHECK_OUTLINE_CONTRAST, (unsigned)ring, (unsigned)screen_bg);
}

static bool essential(const char *id)
{
    return !strcmp(id, "next") || !strcmp(id, "back") || !strcmp(id, "continue") ||
           !strcmp(id, "start") || !strncmp(id, "option:", 7) || !strncmp(id, "lang:", 5) ||
           !strncmp(id, "scroll-", 7);
}

static void check_reach(checker *c, const cwidget *w)
{
    if (!w->target || !essential(w->id))
        return;
    double cy = w->r.y + w->r.h / 2.0;
    if (cy < UI_CHECK_REACH_TOP * c->H)
        finding(c, w->id,
                "essential target centred at %.0f%% of the screen height (%.1f mm from the top): "
                "out of reach from a wheelchair (keep it below the top %.0f%%)",
                100.0 * cy / c->H, mmv(c, (int)cy), 100.0 * UI_CHECK_REACH_TOP);
}

int ui_check_screen(const ui_check_input *in, ui_check_report *rep, char *err, size_t errlen)
{
    checker *c = calloc(1, sizeof *c);
    SDL_Surface *conv = NULL;
    bool locked = false;
    int rc = -1;
    if (!c || !in || !rep) {
        wp_errf(err, errlen, "ui_check_screen: %s", c ? "no input or report" : "out of memory");
        goto done;
    }
    c->rep = rep;
    c->w = calloc(UI_CHECK_MAX_WIDGETS, sizeof *c->w);
    c->hkey = calloc(CHECK_HIST_SLOTS, sizeof *c->hkey);
    c->hcount = calloc(CHECK_HIST_SLOTS, sizeof *c->hcount);
    c->hused = calloc(CHECK_HIST_FILL, sizeof *c->hused);
    if (!c->w || !c->hkey || !c->hcount || !c->hused) {
        wp_errf(err, errlen, "ui_check_screen: out of memory");
        goto done;
    }
    if (read_tree(c, in, err, errlen) != 0)
        goto done;
    for (int i = 0; i < 256; i++)
        c->lum[i] = channel((Uint8)i);
    c->W = in->width > 0 ? in->width : (in->pixels ? in->pixels->w : 0);
    c->H = in->height > 0 ? in->height : (in->pixels ? in->pixels->h : 0);
    if (in->pixels) {
        SDL_Surface *s = in->pixels;
        if (s->format->format != SDL_PIXELFORMAT_ARGB8888 &&
            s->format->format != SDL_PIXELFORMAT_RGB888) {
            conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
            if (!conv) {
                wp_errf(err, errlen, "cannot read the screen's pixels: %s", SDL_GetError());
                goto done;
            }
            s = conv;
        }
        if (SDL_LockSurface(s) != 0) {
            wp_errf(err, errlen, "cannot read the screen's pixels: %s", SDL_GetError());
            goto done;
        }
        locked = true;
        c->s = s;
        if (c->W > s->w)
            c->W = s->w;
        if (c->H > s->h)
            c->H = s->h;
    }
    rep->st.screens++;
    rep->st.widgets += c->n;
    check_targets(c);
    check_overlap(c);
    check_aligned(c);
    uint32_t screen_bg = c->s ? common_colour(c, (SDL_Rect){0, 0, c->W, c->H}) : 0;
    for (int i = 0; i < c->n; i++) {
        const cwidget *w = &c->w[i];
        if (c->W > 0 && c->H > 0)
            check_window(c, w);
        check_text(c, w, in->text);
        if (w->undeclared)
            finding(c, w->id,
                    "its action is not listed for this screen in the table of screens "
                    "(app/ui/ui.c): a tap on it does nothing");
        check_outline(c, w, screen_bg);
        if (c->H > 0)
            check_reach(c, w);
    }
    rc = c->added;
done:
    if (locked)
        SDL_UnlockSurface(c->s);
    SDL_FreeSurface(conv);
    if (c) {
        free(c->w);
        free(c->hkey);
        free(c->hcount);
        free(c->hused);
        free(c);
    }
    return rc;
}
