/* The kiosk's resident screens: layout in millimetres, drawing, input, widget tree (ui.h). */
#include "ui.h"
#include "ui_icons.h"
#include "ui_staff.h"
#include "ui_text.h"
#include "ui_theme.h"
#include "ui_widget.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTO_CAP_EM 0.714 /* cap height of Noto Sans as a fraction of the em size */

/* Text and control sizes of one display mode, in pixels. */
typedef struct {
    int body, heading, title, small; /* text sizes */
    int bar_h, bottom_h;             /* top toolbar and bottom navigation heights */
    int margin, gap, pad;            /* outer margin, gap between targets, inner padding */
    int tile_min;                    /* shortest side of an answer tile */
    int outline, outline_sel;        /* outline thickness, normal and chosen */
} ui_sizes;

/* What the current layout was built from: when any of it changes, lay out again. */
typedef struct {
    flow_screen screen;
    int question, lang, attract_lang, countdown, scroll;
    flow_hint hint;
    bool large, contrast;
    bool resting; /* outside opening hours */
    bool awake;   /* resting, but woken by a tap: the closed screen */
    bool staff;
} ui_key;

struct ui {
    ui_options o;
    SDL_Renderer *r;
    ui_text *text;
    ui_icons *icons;
    flow *fl;
    const qset *qs;
    bool large, contrast; /* display modes of the current resident */
    bool reading;         /* read-aloud switched on */
    bool resting;         /* outside opening hours: blank screen, no poll */
    int64_t awake_until;  /* a tap while resting shows the closed screen until then */
    char hours[32];       /* opening hours as shown on the closed screen */
    int scroll;           /* first content row shown (scrolling in large text) */
    int max_scroll;       /* last value scroll may take on this screen */
    flow_screen last_screen;
    int last_question;
    uiw_list wl;       /* widgets of the current layout */
    uiw_list content;  /* every content widget of a scrolled screen, shown or not */
    int content_at;    /* index in wl of the first shown content widget, -1: none */
    int content_shown; /* content widgets placed in wl */
    bool layout_valid;
    ui_key key;
    char said[SPEECH_MAX_SEGMENTS][UIW_ID_LEN]; /* widget ids of the segments being read */
    int n_said;
    int heard;                /* segment being heard, -1 when silent */
    char pressed[UIW_ID_LEN]; /* widget under the finger since it went down */
    bool pressing;
    int64_t last_input; /* last finger down, for resetting modes left on the attract */
    char last_error[WP_ERR_LEN];
};

/* ---------- sizes and text helpers ---------- */

static int mm(const ui *u, double v)
{
    return (int)lround(v * u->o.px_per_mm);
}

static int cap_px(const ui *u, double cap_mm)
{
    return (int)ceil(cap_mm * u->o.px_per_mm / NOTO_CAP_EM);
}

static ui_sizes sizes(const ui *u)
{
    ui_sizes s;
    /* Large text: capital height >= 0.0122 x viewing distance (ACCESSIBILITY.md A6). */
    double large_cap = fmax(7.4, 0.0122 * u->o.viewing_distance_mm + 0.1);
    if (u->large) {
        s.small = cap_px(u, large_cap);
        s.body = cap_px(u, large_cap + 0.4);
        s.heading = cap_px(u, large_cap + 1.6);
        s.title = cap_px(u, large_cap + 4.0);
        s.bar_h = mm(u, 30);
        s.bottom_h = mm(u, 30);
    } else {
        s.small = cap_px(u, 5.0);
        s.body = cap_px(u, 5.4);
        s.heading = cap_px(u, 6.8);
        s.title = cap_px(u, 10.0);
        s.bar_h = mm(u, 24);
        s.bottom_h = mm(u, 26);
    }
    s.margin = mm(u, 6);
    s.gap = mm(u, 4);
    s.pad = mm(u, 2.5);
    s.tile_min = mm(u, 22);
    s.outline = mm(u, 0.6) < 2 ? 2 : mm(u, 0.6);
    s.outline_sel = mm(u, 1.6) < 5 ? 5 : mm(u, 1.6);
    return s;
}

static int cur_lang(const ui *u)
{
    /* The attract screen cycles through the languages; elsewhere it is the resident's. */
    return flow_current(u->fl) == FLOW_ATTRACT ? u->key.attract_lang : flow_language(u->fl);
}

static const char *lang_code(const ui *u)
{
    return qset_language(u->qs, cur_lang(u));
}

static bool lang_rtl(const ui *u)
{
    return uistr_is_rtl(u->o.strings, lang_code(u));
}

static const char *S(const ui *u, uistr_key k)
{
    return uistr_get(u->o.strings, lang_code(u), k);
}

static const char *T(const ui *u, const qset_text *t)
{
    const char *s = t ? t->s[cur_lang(u)] : NULL;
    return s ? s : "";
}

static int text_h(ui *u, const char *s, int px, bool bold, int w)
{
    ui_text_style st = {.px = px, .bold = bold, .rtl = lang_rtl(u), .align = UI_ALIGN_START};
    int tw = 0, th = 0;
    ui_text_measure(u->text, s, &st, w, &tw, &th);
    return th;
}

/* Width of s on one line. */
static int text_w(ui *u, const char *s, int px)
{
    ui_text_style st = {.px = px, .rtl = lang_rtl(u), .align = UI_ALIGN_START};
    int tw = 0, th = 0;
    ui_text_measure(u->text, s, &st, 100000, &tw, &th);
    return tw;
}

/* Width kept free for the check mark of a chosen tile (its disc and margin). */
static int check_room(const ui *u)
{
    return mm(u, 9.5);
}

static uiw *add(ui *u, uiw_role role, const char *id, const char *label, const char *spoken, int px,
                SDL_Rect r)
{
    uiw *w = uiw_add(&u->wl, role, id);
    if (!w)
        return NULL;
    uiw_set_label(w, label, spoken);
    wp_strlcpy(w->lang, lang_code(u), sizeof w->lang);
    w->rtl = lang_rtl(u);
    w->px = px;
    w->r = r;
    w->align = UI_ALIGN_START;
    return w;
}

static SDL_Rect rect(int x, int y, int w, int h)
{
    SDL_Rect r = {x, y, w, h};
    return r;
}

/* ---------- layout: parts shared by the screens ---------- */

/* The speech and display controls, always in the same place at the top (start side), and the
 * language switch at the end side on question screens. Returns the toolbar's bottom. */
static int lay_toolbar(ui *u, const ui_sizes *s, bool with_language)
{
    int x = s->margin, y = s->margin / 2, h = s->bar_h;
    struct {
        const char *id;
        uistr_key label;
        uiw_action act;
        double w_mm;
        bool toggle, on;
    } items[] = {
        {"read-aloud", UISTR_READ_ALOUD, UIA_READ_ALOUD, 50, true, u->reading},
        {"volume-down", UISTR_VOLUME_DOWN, UIA_VOLUME_DOWN, 30, false, false},
        {"volume-up", UISTR_VOLUME_UP, UIA_VOLUME_UP, 30, false, false},
        {"large-text", UISTR_LARGE_TEXT, UIA_LARGE_TEXT, 40, true, u->large},
        {"high-contrast", UISTR_HIGH_CONTRAST, UIA_HIGH_CONTRAST, 40, true, u->contrast},
    };
    if (u->large)
        for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
            items[i].w_mm *= 1.15;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        /* Wide enough for the label on one line in every language, never under w_mm. */
        int w = mm(u, items[i].w_mm);
        int natural = text_w(u, S(u, items[i].label), s->small) + 2 * s->pad + 2 * s->outline;
        if (natural > w)
            w = natural;
        uiw *b = add(u, items[i].toggle ? UIW_TOGGLE : UIW_BUTTON, items[i].id,
                     S(u, items[i].label), NULL, s->small, rect(x, y, w, h));
        if (b) {
            b->look = UIW_TILE;
            b->action = items[i].act;
            b->selected = items[i].on;
            b->align = UI_ALIGN_CENTER;
        }
        x += w + s->gap;
    }
    if (with_language) {
        int w = mm(u, u->large ? 72 : 62);
        uiw *b = add(u, UIW_BUTTON, "language-switch", S(u, UISTR_LANGUAGE), NULL, s->small,
                     rect(u->o.width - s->margin - w, y, w, h));
        if (b) {
            b->look = UIW_TILE;
            b->action = UIA_LANG_SWITCH;
            b->align = UI_ALIGN_CENTER;
        }
    }
    return y + h;
}

/* Bottom navigation: back at the start side, progress in the middle, next at the end side. */
static void lay_bottom(ui *u, const ui_sizes *s, bool back, const char *progress,
                       const char *next_label, bool next_enabled, const char *hint)
{
    int h = s->bottom_h, y = u->o.height - s->margin / 2 - h;
    if (back) {
        uiw *b = add(u, UIW_BUTTON, "back", S(u, UISTR_BACK), NULL, s->body,
                     rect(s->margin, y, mm(u, u->large ? 70 : 60), h));
        if (b) {
            b->look = UIW_TILE;
            b->action = UIA_BACK;
            b->align = UI_ALIGN_CENTER;
        }
    }
    if (hint && *hint) {
        /* A refused tap's hint sits between back and next, in place of the progress: it never
         * moves the answers, so the next tap lands where the finger aims. */
        int bw = mm(u, u->large ? 70 : 60), nw = mm(u, u->large ? 96 : 84);
        int x = s->margin + bw + s->gap, w = u->o.width - 2 * s->margin - bw - nw - 2 * s->gap;
        uiw *hw = add(u, UIW_HINT, "hint", hint, NULL, s->small, rect(x, y, w, h));
        if (hw) {
            hw->look = UIW_HINTBOX;
            hw->bold = true;
            hw->align = UI_ALIGN_CENTER;
        }
    } else if (progress) {
        int w = mm(u, 60);
        uiw *p = add(u, UIW_PROGRESS, "progress", progress, NULL, s->body,
                     rect((u->o.width - w) / 2, y, w, h));
        if (p)
            p->align = UI_ALIGN_CENTER;
    }
    if (next_label) {
        int w = mm(u, u->large ? 96 : 84);
        uiw *n = add(u, UIW_BUTTON, "next", next_label, NULL, s->body,
                     rect(u->o.width - s->margin - w, y, w, h));
        if (n) {
            n->look = UIW_PRIMARY;
            n->action = UIA_NEXT;
            n->enabled = next_enabled;
            n->bold = true;
            n->align = UI_ALIGN_CENTER;
        }
    }
}

/* ---------- content rows with scrolling ---------- */

/* Content is a column of rows; when it is taller than the area, whole rows scroll with large
 * up/down buttons so nothing is ever cut off. */
typedef struct {
    int first, count; /* widgets [first, first+count) in u->wl belong to the row */
    int h;            /* row height */
} ui_row;

#define UI_MAX_ROWS 24

typedef struct {
    ui_row row[UI_MAX_ROWS];
    int n;
    int cur_first;
} ui_rows;

static void row_begin(ui *u, ui_rows *rows)
{
    rows->cur_first = u->wl.n;
}

static void row_end(ui *u, ui_rows *rows, int h)
{
    if (rows->n >= UI_MAX_ROWS)
        return;
    ui_row *r = &rows->row[rows->n++];
    r->first = rows->cur_first;
    r->count = u->wl.n - rows->cur_first;
    r->h = h;
}

/* Places rows from u->scroll on into [top, bottom); rows that do not fit are removed. Returns
 * true when rows before or after are hidden (scroll buttons needed). */
static void rows_place(ui *u, ui_rows *rows, int top, int bottom, int gap, bool *more_before,
                       bool *more_after)
{
    int y = top;
    int first = u->scroll < rows->n ? u->scroll : 0;
    uiw_list keep = {.n = 0};
    int base = rows->n ? rows->row[0].first : u->wl.n;
    bool after = false;
    for (int i = 0; i < rows->n; i++) {
        ui_row *r = &rows->row[i];
        bool show = i >= first && !after && (y + r->h <= bottom || i == first);
        if (i >= first && !show)
            after = true;
        for (int k = 0; k < r->count; k++) {
            uiw *w = &u->wl.w[r->first + k];
            if (!show)
                continue;
            w->r.y += y;
            keep.w[keep.n++] = *w;
        }
        if (show)
            y += r->h + gap;
    }
    /* Speech reads the whole question, scrolled away or not: keep every row's widgets. */
    u->content.n = 0;
    for (int i = base; i < u->wl.n; i++)
        u->content.w[u->content.n++] = u->wl.w[i];
    u->content_at = base;
    u->content_shown = keep.n;
    /* Drop the hidden rows' widgets (they were appended after `base`). */
    u->wl.n = base;
    for (int i = 0; i < keep.n && u->wl.n < UIW_MAX; i++)
        u->wl.w[u->wl.n++] = keep.w[i];
    *more_before = first > 0;
    *more_after = after;
    /* The furthest useful scroll position: the first row from which the rest fits. */
    int last = rows->n - 1, hsum = rows->n ? rows->row[last].h : 0;
    while (last > 0 && hsum + gap + rows->row[last - 1].h <= bottom - top) {
        last--;
        hsum += gap + rows->row[last].h;
    }
    u->max_scroll = rows->n ? last : 0;
}

/* ---------- screens ---------- */

static void lay_attract(ui *u, const ui_sizes *s)
{
    int top = lay_toolbar(u, s, false) + s->gap;
    int w = u->o.width - 2 * s->margin;
    int y = top + mm(u, 8);
    int bw = mm(u, 160), bh = mm(u, 40);
    int by = u->o.height - s->margin - bh - mm(u, 10);
    const char *title = T(u, qset_title(u->qs));
    const char *welcome = T(u, qset_welcome(u->qs));
    /* The largest text sizes with which title and welcome fit above the start button: a long
     * welcome in large text steps down (never below the mode's minimum), never off screen. */
    int tpx[] = {s->title, s->heading, s->body, s->small};
    int wpx[] = {s->heading, s->body, s->small, s->small};
    int k = 0, th = 0, wh = 0;
    for (; k < 4; k++) {
        th = text_h(u, title, tpx[k], true, w);
        wh = *welcome ? text_h(u, welcome, wpx[k], false, w - mm(u, 40)) + s->gap : 0;
        if (y + th + s->gap + wh <= by - s->gap)
            break;
    }
    if (k == 4)
        k = 3;
    uiw *t = add(u, UIW_HEADING, "title", title, NULL, tpx[k], rect(s->margin, y, w, th));
    if (t) {
        t->bold = true;
        t->align = UI_ALIGN_CENTER;
    }
    y += th + s->gap;
    if (*welcome) {
        int h = wh - s->gap;
        uiw *p = add(u, UIW_TEXT, "welcome", welcome, NULL, wpx[k],
                     rect(s->margin + mm(u, 20), y, w - mm(u, 40), h));
        if (p)
            p->align = UI_ALIGN_CENTER;
        y += h + s->gap;
    }
    if (u->last_error[0]) {
        /* For staff: answers cannot be stored right now (full disk, read-only medium). */
        char msg[UIW_LABEL_LEN];
        snprintf(msg, sizeof msg, "%s (%s)", S(u, UISTR_SAVE_ERROR), u->last_error);
        int hw = u->o.width - 2 * s->margin;
        int hh = text_h(u, msg, s->small, true, hw - 2 * s->pad) + 2 * s->pad;
        uiw *e = add(u, UIW_HINT, "storage-error", msg, NULL, s->small,
                     rect(s->margin, by - s->gap - hh, hw, hh));
        if (e) {
            e->look = UIW_HINTBOX;
            e->bold = true;
        }
    }
    if (by < y)
        by = y;
    uiw *b = add(u, UIW_BUTTON, "start", S(u, UISTR_TAP_TO_START), NULL, s->heading,
                 rect((u->o.width - bw) / 2, by, bw, bh));
    if (b) {
        b->look = UIW_PRIMARY;
        b->action = UIA_START;
        b->bold = true;
        b->align = UI_ALIGN_CENTER;
    }
}

/* True when code is in the comma-separated list of offered languages (or there is none). */
static bool language_offered(const ui *u, const char *code)
{
    const char *l = u->o.languages;
    if (!l || !*l)
        return true;
    size_t n = strlen(code);
    while (*l) {
        while (*l == ',' || *l == ' ')
            l++;
        size_t m = strcspn(l, ", ");
        if (m == n && !strncmp(l, code, n))
            return true;
        l += m;
    }
    return false;
}

/* The languages of the set that staff offer, as flow_set_offered wants them. */
static uint32_t offered_mask(const ui *u)
{
    uint32_t m = 0;
    for (int i = 0; i < qset_n_languages(u->qs) && i < 32; i++)
        if (language_offered(u, qset_language(u->qs, i)))
            m |= 1u << i;
    return m;
}

static void lay_language(ui *u, const ui_sizes *s)
{
    int top = lay_toolbar(u, s, false) + s->gap;
    int w = u->o.width - 2 * s->margin;
    const char *head = S(u, UISTR_CHOOSE_LANGUAGE);
    int h = text_h(u, head, s->heading, true, w);
    uiw *t = add(u, UIW_HEADING, "heading", head, NULL, s->heading, rect(s->margin, top, w, h));
    if (t) {
        t->bold = true;
        t->align = UI_ALIGN_CENTER;
    }
    int y = top + h + s->gap * 2;
    /* The languages staff chose to offer (config "languages"); all when none of them match. */
    int offered[QSET_MAX_LANGS], n = 0;
    for (int i = 0; i < qset_n_languages(u->qs); i++)
        if (language_offered(u, qset_language(u->qs, i)))
            offered[n++] = i;
    if (n == 0)
        for (int i = 0; i < qset_n_languages(u->qs); i++)
            offered[n++] = i;
    int cols = n <= 2 ? n : (n <= 4 ? 2 : 3);
    int rows = (n + cols - 1) / cols;
    int tw = mm(u, u->large ? 120 : 105);
    if (cols * tw + (cols - 1) * s->gap > w)
        tw = (w - (cols - 1) * s->gap) / cols;
    int th = mm(u, u->large ? 34 : 28);
    int avail = u->o.height - s->bottom_h - s->margin - y;
    while (rows * th + (rows - 1) * s->gap > avail && th > s->tile_min)
        th--;
    int x0 = (u->o.width - (cols * tw + (cols - 1) * s->gap)) / 2;
    for (int k = 0; k < n; k++) {
        int i = offered[k];
        const char *code = qset_language(u->qs, i);
        char id[UIW_ID_LEN];
        snprintf(id, sizeof id, "lang:%s", code);
        int c = k % cols, r = k / cols;
        uiw *b = add(u, UIW_OPTION, id, uistr_get(u->o.strings, code, UISTR_LANGUAGE_NAME), NULL,
                     s->heading, rect(x0 + c * (tw + s->gap), y + r * (th + s->gap), tw, th));
        if (b) {
            b->look = UIW_TILE;
            b->action = UIA_LANG;
            b->arg = i;
            b->selected = flow_language(u->fl) == i && flow_language_chosen(u->fl);
            b->rtl = uistr_is_rtl(u->o.strings, code);
            wp_strlcpy(b->lang, code, sizeof b->lang);
            b->align = UI_ALIGN_CENTER;
            b->checkmark = true;
        }
    }
    lay_bottom(u, s, true, NULL, NULL, false, NULL);
}

/* Label of a built-in option (smiley faces, yes/no, scale numbers) or the set's own text. */
static void option_label(const ui *u, const qset_question *q, int i, char *buf, size_t len,
                         const char **icon)
{
    const qset_option *o = &q->options[i];
    *icon = o->icon;
    switch (q->type) {
    case QSET_SMILEY: {
        static const char *const faces[] = {"smiley-1", "smiley-2", "smiley-3", "smiley-4",
                                            "smiley-5"};
        wp_strlcpy(buf, S(u, (uistr_key)(UISTR_SMILEY_1 + i)), len);
        *icon = faces[i < 5 ? i : 4];
        return;
    }
    case QSET_YESNO:
        wp_strlcpy(buf,
                   S(u, !strcmp(o->id, "yes")  ? UISTR_YES
                        : !strcmp(o->id, "no") ? UISTR_NO
                                               : UISTR_PREFER_NOT),
                   len);
        return;
    case QSET_SCALE:
        wp_strlcpy(buf, o->id, len);
        return;
    case QSET_SINGLE:
    case QSET_MULTI:
        wp_strlcpy(buf, T(u, &o->text), len);
        return;
    }
}

static void lay_question(ui *u, const ui_sizes *s, int64_t now)
{
    const qset_question *q = qset_question_at(u->qs, flow_question(u->fl));
    int top = lay_toolbar(u, s, true) + s->gap;
    int bottom = u->o.height - s->margin / 2 - s->bottom_h - s->gap;
    int full_w = u->o.width - 2 * s->margin;
    /* Scroll buttons wide enough for their words on one line. */
    int scroll_w = mm(u, u->large ? 34 : 30);
    int sw_need = text_w(u, S(u, UISTR_SCROLL_UP), s->small);
    if (text_w(u, S(u, UISTR_SCROLL_DOWN), s->small) > sw_need)
        sw_need = text_w(u, S(u, UISTR_SCROLL_DOWN), s->small);
    if (sw_need + 2 * s->pad + 2 * s->outline > scroll_w)
        scroll_w = sw_need + 2 * s->pad + 2 * s->outline;
    ui_rows rows = {.n = 0};
    bool before = false, after = false;

    /* Lay the content out at full width first; narrow it for scroll buttons when needed. */
    for (int pass = 0; pass < 2; pass++) {
        int w = pass == 0 ? full_w : full_w - scroll_w - s->gap;
        int base = u->wl.n;
        rows.n = 0;
        char id[UIW_ID_LEN];

        row_begin(u, &rows);
        const char *qtext = T(u, &q->text);
        int h = text_h(u, qtext, s->heading, true, w);
        snprintf(id, sizeof id, "question:%s", q->id);
        uiw *t = add(u, UIW_HEADING, id, qtext, NULL, s->heading, rect(s->margin, 0, w, h));
        if (t) {
            t->bold = true;
            t->clip = q->text.audio[cur_lang(u)];
        }
        row_end(u, &rows, h);

        char instr[UIW_LABEL_LEN];
        if (q->type == QSET_MULTI && q->max > 0)
            uistr_format(instr, sizeof instr, S(u, UISTR_CHOOSE_UP_TO), q->max);
        else
            wp_strlcpy(instr, S(u, q->type == QSET_MULTI ? UISTR_CHOOSE_SEVERAL : UISTR_CHOOSE_ONE),
                       sizeof instr);
        if (q->type == QSET_MULTI && q->min > 1) {
            /* The minimum is said up front, not only after a refused "next". */
            char least[UIW_LABEL_LEN];
            uistr_format(least, sizeof least, S(u, UISTR_CHOOSE_AT_LEAST), q->min);
            size_t used = strlen(instr);
            snprintf(instr + used, sizeof instr - used, ". %s", least);
        }
        row_begin(u, &rows);
        h = text_h(u, instr, s->body, false, w);
        add(u, UIW_TEXT, "instruction", instr, NULL, s->body, rect(s->margin, 0, w, h));
        row_end(u, &rows, h);

        /* Answer tiles in a grid. */
        int n = q->n_options, cols;
        switch (q->type) {
        case QSET_SMILEY:
        case QSET_YESNO:
        case QSET_SCALE:
            cols = n;
            break;
        default:
            cols = n <= 2 ? n : (n <= 6 ? 2 : 3);
            if (u->large && cols > 2)
                cols = 2;
            break;
        }
        if (q->type == QSET_SCALE && u->large && n > 6)
            cols = (n + 1) / 2;
        int tw = (w - (cols - 1) * s->gap) / cols;
        /* Tiles as wide as their longest label needs (on one line if it can), at least
         * 100 mm, at most an equal share of the width; scale tiles stay compact. */
        int max_tw = mm(u, 40);
        if (q->type != QSET_SCALE) {
            max_tw = mm(u, 100);
            for (int i = 0; i < n; i++) {
                char label[UIW_LABEL_LEN];
                const char *icon = NULL;
                option_label(u, q, i, label, sizeof label, &icon);
                int need = text_w(u, label, s->body) + 2 * s->pad + mm(u, 20);
                if (need > max_tw)
                    max_tw = need;
            }
        }
        if (tw > max_tw)
            tw = max_tw;
        int x0 = s->margin;
        if (q->type != QSET_SINGLE && q->type != QSET_MULTI)
            x0 = s->margin + (w - (cols * tw + (cols - 1) * s->gap)) / 2;
        for (int r0 = 0; r0 < n; r0 += cols) {
            row_begin(u, &rows);
            int row_h = s->tile_min + (u->large ? mm(u, 6) : mm(u, 4));
            for (int i = r0; i < n && i < r0 + cols; i++) {
                char label[UIW_LABEL_LEN];
                const char *icon = NULL;
                option_label(u, q, i, label, sizeof label, &icon);
                int icon_h = icon ? mm(u, u->large ? 16 : 14) : 0;
                int need = text_h(u, label, s->body, false, tw - 2 * (s->pad + check_room(u))) +
                           2 * s->pad + (icon ? icon_h + s->pad : 0);
                if (need > row_h)
                    row_h = need;
            }
            for (int i = r0; i < n && i < r0 + cols; i++) {
                char label[UIW_LABEL_LEN];
                const char *icon = NULL;
                option_label(u, q, i, label, sizeof label, &icon);
                snprintf(id, sizeof id, "option:%s:%s", q->id, q->options[i].id);
                uiw *o = add(u, UIW_OPTION, id, label, NULL, s->body,
                             rect(x0 + (i - r0) * (tw + s->gap), 0, tw, row_h));
                if (!o)
                    continue;
                o->look = UIW_TILE;
                o->action = UIA_OPTION;
                o->arg = i;
                o->icon = icon;
                o->clip = q->options[i].text.audio[cur_lang(u)];
                o->selected = flow_selected(u->fl, flow_question(u->fl), i);
                o->align = UI_ALIGN_CENTER;
                o->checkmark = true;
            }
            for (int k = rows.cur_first; k < u->wl.n; k++)
                u->wl.w[k].r.h = row_h;
            row_end(u, &rows, row_h);
        }
        if (q->type == QSET_SCALE && (T(u, &q->low)[0] || T(u, &q->high)[0])) {
            row_begin(u, &rows);
            int span = cols * tw + (cols - 1) * s->gap;
            int lw = span / 2 - s->gap / 2;
            int lh = text_h(u, T(u, &q->low), s->body, false, lw);
            int hh = text_h(u, T(u, &q->high), s->body, false, lw);
            int rh = lh > hh ? lh : hh;
            snprintf(id, sizeof id, "low:%s", q->id);
            add(u, UIW_TEXT, id, T(u, &q->low), NULL, s->body, rect(x0, 0, lw, rh));
            snprintf(id, sizeof id, "high:%s", q->id);
            uiw *hi = add(u, UIW_TEXT, id, T(u, &q->high), NULL, s->body,
                          rect(x0 + span - lw, 0, lw, rh));
            if (hi)
                hi->align = UI_ALIGN_END;
            row_end(u, &rows, rh);
        }

        int total = 0;
        for (int i = 0; i < rows.n; i++)
            total += rows.row[i].h + (i ? s->gap : 0);
        if (pass == 0 && total > bottom - top && u->scroll == 0) {
            u->wl.n = base; /* too tall: lay out again beside the scroll buttons */
            continue;
        }
        if (pass == 0 && u->scroll > 0) {
            u->wl.n = base;
            continue;
        }
        rows_place(u, &rows, top, bottom, s->gap, &before, &after);
        if (pass == 1) {
            int bx = u->o.width - s->margin - scroll_w, bh = (bottom - top - s->gap) / 2;
            uiw *up = add(u, UIW_BUTTON, "scroll-up", S(u, UISTR_SCROLL_UP), NULL, s->small,
                          rect(bx, top, scroll_w, bh));
            if (up) {
                up->look = UIW_TILE;
                up->action = UIA_SCROLL_UP;
                up->enabled = before;
                up->align = UI_ALIGN_CENTER;
            }
            uiw *dn = add(u, UIW_BUTTON, "scroll-down", S(u, UISTR_SCROLL_DOWN), NULL, s->small,
                          rect(bx, top + bh + s->gap, scroll_w, bh));
            if (dn) {
                dn->look = UIW_TILE;
                dn->action = UIA_SCROLL_DOWN;
                dn->enabled = after;
                dn->align = UI_ALIGN_CENTER;
            }
        }
        break;
    }

    int pos = 0, total = 0;
    flow_progress(u->fl, &pos, &total);
    char progress[32];
    snprintf(progress, sizeof progress, "%d / %d", pos, total);
    flow_next_kind nk = flow_next_kind_now(u->fl);
    const char *next = S(u, nk == FLOW_NEXT_SKIP     ? UISTR_SKIP
                            : nk == FLOW_NEXT_FINISH ? UISTR_FINISH
                                                     : UISTR_NEXT);
    char msg[UIW_LABEL_LEN] = "";
    flow_hint hint = flow_hint_now(u->fl, now);
    if (hint == FLOW_HINT_MAX)
        uistr_format(msg, sizeof msg, S(u, UISTR_MAX_REACHED), q->max);
    else if (hint == FLOW_HINT_MIN)
        uistr_format(msg, sizeof msg, S(u, UISTR_CHOOSE_AT_LEAST), q->min);
    else if (hint == FLOW_HINT_REQUIRED)
        wp_strlcpy(msg, S(u, UISTR_REQUIRED), sizeof msg);
    lay_bottom(u, s, true, progress, next, flow_next_enabled(u->fl), msg);
}

static void lay_message(ui *u, const ui_sizes *s, const char *head, const char *body,
                        bool with_continue)
{
    int top = lay_toolbar(u, s, false) + s->gap + mm(u, 10);
    int w = u->o.width - 2 * s->margin - mm(u, 40);
    int x = s->margin + mm(u, 20);
    int h = text_h(u, head, s->title, true, w);
    uiw *t = add(u, UIW_HEADING, "heading", head, NULL, s->title, rect(x, top, w, h));
    if (t) {
        t->bold = true;
        t->align = UI_ALIGN_CENTER;
    }
    int y = top + h + s->gap * 2;
    if (body && *body) {
        h = text_h(u, body, s->heading, false, w);
        uiw *b = add(u, UIW_TEXT, "message", body, NULL, s->heading, rect(x, y, w, h));
        if (b)
            b->align = UI_ALIGN_CENTER;
        y += h + s->gap * 2;
    }
    if (with_continue) {
        int bw = mm(u, 130), bh = mm(u, 36);
        uiw *c = add(u, UIW_BUTTON, "continue", S(u, UISTR_CONTINUE), NULL, s->heading,
                     rect((u->o.width - bw) / 2, y, bw, bh));
        if (c) {
            c->look = UIW_PRIMARY;
            c->action = UIA_CONTINUE;
            c->bold = true;
            c->align = UI_ALIGN_CENTER;
        }
    }
}

/* Outside opening hours, after a tap: the poll's title, "closed", and the opening hours. No
 * controls: nothing here starts a poll (staff use the corner gesture). */
static void lay_closed(ui *u, const ui_sizes *s)
{
    int w = u->o.width - 2 * s->margin - mm(u, 40), x = s->margin + mm(u, 20);
    int y = s->margin + mm(u, 30);
    const char *texts[3] = {T(u, qset_title(u->qs)), S(u, UISTR_CLOSED), u->hours};
    static const char *const ids[3] = {"title", "closed", "hours"};
    for (int i = 0; i < 3; i++) {
        if (!texts[i][0])
            continue;
        int px = i == 0 ? s->title : s->heading;
        int h = text_h(u, texts[i], px, i == 0, w);
        uiw *t =
            add(u, i == 0 ? UIW_HEADING : UIW_TEXT, ids[i], texts[i], NULL, px, rect(x, y, w, h));
        if (t) {
            t->bold = i == 0;
            t->align = UI_ALIGN_CENTER;
        }
        y += h + 2 * s->gap;
    }
}

static ui_key current_key(ui *u, int64_t now)
{
    ui_key k;
    memset(&k, 0, sizeof k);
    k.screen = flow_current(u->fl);
    k.question = flow_question(u->fl);
    k.lang = flow_language(u->fl);
    k.attract_lang =
        k.screen == FLOW_ATTRACT && !u->resting ? flow_attract_language(u->fl, now) : 0;
    k.countdown = flow_countdown(u->fl, now);
    k.hint = flow_hint_now(u->fl, now);
    k.scroll = u->scroll;
    k.large = u->large;
    k.contrast = u->contrast;
    k.staff = ui_staff_active(u->o.staff);
    k.resting = u->resting;
    k.awake = u->resting && now < u->awake_until;
    return k;
}

static void layout(ui *u, int64_t now)
{
    ui_key k = current_key(u, now);
    if (u->layout_valid && !memcmp(&k, &u->key, sizeof k))
        return;
    u->key = k;
    u->wl.n = 0;
    u->max_scroll = 0;
    u->content_at = -1;
    u->content_shown = 0;
    ui_sizes s = sizes(u);
    if (k.staff) {
        /* Staff screens: English, never mirrored, laid out by the staff module. */
        ui_staff_metrics m = {.width = u->o.width,
                              .height = u->o.height,
                              .px_per_mm = u->o.px_per_mm,
                              .body_px = s.body,
                              .heading_px = s.heading,
                              .small_px = s.small,
                              .gap = s.gap,
                              .margin = s.margin,
                              .pad = s.pad,
                              .text = u->text};
        ui_staff_layout(u->o.staff, &u->wl, &m);
        for (int i = 0; i < u->wl.n; i++) {
            uiw *w = &u->wl.w[i];
            w->pad = w->pad_x = w->look == UIW_PLAIN ? 0 : s.pad;
            ui_text_style st = {.px = w->px, .bold = w->bold, .rtl = w->rtl, .align = w->align};
            ui_text_measure(u->text, w->label, &st, w->r.w - 2 * w->pad, &w->text_w, &w->text_h);
        }
        u->layout_valid = true;
        return;
    }
    switch (k.screen) {
    case FLOW_ATTRACT:
        if (k.awake)
            lay_closed(u, &s);
        else if (!k.resting)
            lay_attract(u, &s);
        break;
    case FLOW_LANGUAGE:
        lay_language(u, &s);
        break;
    case FLOW_QUESTION:
        lay_question(u, &s, now);
        break;
    case FLOW_STILL_THERE: {
        char body[UIW_LABEL_LEN];
        uistr_format(body, sizeof body, S(u, UISTR_STILL_THERE_BODY), k.countdown);
        lay_message(u, &s, S(u, UISTR_STILL_THERE), body, true);
        break;
    }
    case FLOW_THANKS: {
        const char *t = T(u, qset_thanks(u->qs));
        lay_message(u, &s, *t ? t : S(u, UISTR_THANKS), NULL, false);
        break;
    }
    case FLOW_SAVE_ERROR:
        lay_message(u, &s, S(u, UISTR_SAVE_ERROR), u->last_error, false);
        break;
    }
    /* Measure every label once, inside its padding: drawing and the checks use it. */
    for (int i = 0; i < u->wl.n; i++) {
        uiw *w = &u->wl.w[i];
        /* Tiles that can show a check mark keep room for it on both sides of the label. */
        w->pad = w->look == UIW_PLAIN ? 0 : s.pad;
        w->pad_x = w->pad + (w->checkmark ? check_room(u) : 0);
        ui_text_style st = {.px = w->px, .bold = w->bold, .rtl = w->rtl, .align = w->align};
        ui_text_measure(u->text, w->label, &st, w->r.w - 2 * w->pad_x, &w->text_w, &w->text_h);
    }
    if (lang_rtl(u))
        uiw_mirror(&u->wl, u->o.width);
    u->layout_valid = true;
}

/* ---------- speech ---------- */

/* Reads the current screen aloud: its heading and texts, then every answer or button, each in
 * its own language (a language tile is read in that language). */
static void speak_screen(ui *u)
{
    if (!u->o.speech)
        return;
    speech_segment seg[SPEECH_MAX_SEGMENTS];
    int n = 0;
    /* In order: what is above the content, all of the content (also rows scrolled out of
     * sight), then what is below it. */
    const uiw *order[UIW_MAX * 2];
    int k = 0;
    int end = u->content_at >= 0 ? u->content_at : u->wl.n;
    for (int i = 0; i < end; i++)
        order[k++] = &u->wl.w[i];
    if (u->content_at >= 0) {
        for (int i = 0; i < u->content.n; i++)
            order[k++] = &u->content.w[i];
        for (int i = u->content_at + u->content_shown; i < u->wl.n; i++)
            order[k++] = &u->wl.w[i];
    }
    for (int i = 0; i < k && n < SPEECH_MAX_SEGMENTS; i++) {
        const uiw *w = order[i];
        bool toolbar = w->role == UIW_TOGGLE || !strcmp(w->id, "volume-up") ||
                       !strcmp(w->id, "volume-down") || !strcmp(w->id, "language-switch") ||
                       !strncmp(w->id, "scroll-", 7) || !strcmp(w->id, "progress");
        if (toolbar || !w->spoken[0] || (w->action != UIA_NONE && !w->enabled))
            continue;
        seg[n].text = w->spoken;
        seg[n].lang = w->lang;
        seg[n].clip = w->clip;
        seg[n].tag = n;
        wp_strlcpy(u->said[n], w->id, sizeof u->said[n]);
        n++;
    }
    u->n_said = n;
    u->heard = -1;
    if (n > 0)
        speech_say(u->o.speech, seg, n);
}

static void stop_speech(ui *u)
{
    if (u->o.speech)
        speech_stop(u->o.speech);
    u->heard = -1;
    u->n_said = 0;
}

bool ui_speech_changed(ui *u)
{
    int tag = u->o.speech ? speech_current_tag(u->o.speech) : -1;
    if (tag == u->heard)
        return false;
    u->heard = tag;
    return true;
}

void ui_set_speech(ui *u, speech *sp)
{
    u->o.speech = sp;
    if (sp)
        speech_set_volume(sp, u->o.default_volume);
}

/* True when widget w is the one being read aloud now. */
static bool being_heard(const ui *u, const uiw *w)
{
    return u->heard >= 0 && u->heard < u->n_said && !strcmp(u->said[u->heard], w->id);
}

/* ---------- drawing ---------- */

static void fill(SDL_Renderer *r, SDL_Rect b, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(r, &b);
}

static void frame(SDL_Renderer *r, SDL_Rect b, int t, SDL_Color c)
{
    SDL_Rect e[4] = {{b.x, b.y, b.w, t},
                     {b.x, b.y + b.h - t, b.w, t},
                     {b.x, b.y, t, b.h},
                     {b.x + b.w - t, b.y, t, b.h}};
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRects(r, e, 4);
}

/* A thick check mark in a disc at the tile's top corner on the end side. */
static void checkmark(ui *u, const uiw *w, SDL_Color bg, SDL_Color fg)
{
    int d = mm(u, 8), m = mm(u, 1.5);
    int cx = w->rtl ? w->r.x + m + d / 2 : w->r.x + w->r.w - m - d / 2;
    int cy = w->r.y + m + d / 2;
    SDL_Rect disc = {cx - d / 2, cy - d / 2, d, d};
    fill(u->r, disc, bg);
    float t = (float)d * 0.12f;
    SDL_FPoint p[3] = {{(float)cx - d * 0.28f, (float)cy},
                       {(float)cx - d * 0.08f, (float)cy + d * 0.22f},
                       {(float)cx + d * 0.30f, (float)cy - d * 0.22f}};
    SDL_Vertex v[12];
    int idx = 0;
    for (int s = 0; s < 2; s++) {
        SDL_FPoint a = p[s], b = p[s + 1];
        float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
        float nx = -dy / len * t, ny = dx / len * t;
        SDL_FPoint q[4] = {
            {a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}};
        int tri[6] = {0, 1, 2, 0, 2, 3};
        for (int k = 0; k < 6; k++) {
            v[idx].position = q[tri[k]];
            v[idx].color = fg;
            v[idx].tex_coord.x = v[idx].tex_coord.y = 0;
            idx++;
        }
    }
    SDL_RenderGeometry(u->r, NULL, v, idx, NULL, 0);
}

static void draw_widget(ui *u, const ui_theme *th, const ui_sizes *s, const uiw *w)
{
    SDL_Color text = th->text;
    SDL_Rect b = w->r;
    switch (w->look) {
    case UIW_TILE: {
        bool on = w->selected;
        SDL_Color f = on ? (w->role == UIW_TOGGLE ? th->toggle_on : th->sel) : th->tile;
        fill(u->r, b, f);
        frame(u->r, b, on ? s->outline_sel : s->outline, on ? th->sel_outline : th->outline);
        if (!w->enabled)
            frame(u->r, b, s->outline, th->disabled_text);
        text = on ? (w->role == UIW_TOGGLE ? th->toggle_on_text : th->sel_text) : th->tile_text;
        if (!w->enabled)
            text = th->disabled_text;
        break;
    }
    case UIW_PRIMARY:
        fill(u->r, b, w->enabled ? th->primary : th->disabled);
        frame(u->r, b, s->outline, w->enabled ? th->sel_outline : th->disabled_text);
        text = w->enabled ? th->primary_text : th->disabled_text;
        break;
    case UIW_HINTBOX:
        fill(u->r, b, th->hint);
        frame(u->r, b, s->outline, th->outline);
        text = th->hint_text;
        break;
    case UIW_PLAIN:
        text = (w->role == UIW_TEXT || w->role == UIW_PROGRESS) ? th->muted : th->text;
        break;
    }
    SDL_Rect tb = b;
    tb.x += w->pad_x;
    tb.w -= 2 * w->pad_x;
    ui_text_style st = {
        .px = w->px, .bold = w->bold, .rtl = w->rtl, .align = (ui_align)w->align, .color = text};
    int th_ = w->text_h;
    SDL_Texture *icon = w->icon ? ui_icons_get(u->icons, w->icon) : NULL;
    int icon_h = icon ? mm(u, u->large ? 16 : 14) : 0;
    int block = th_ + (icon ? icon_h + s->pad : 0);
    int y = w->look == UIW_PLAIN && w->role != UIW_PROGRESS ? b.y : b.y + (b.h - block) / 2;
    if (icon) {
        SDL_Rect ir = {b.x + (b.w - icon_h) / 2, y, icon_h, icon_h};
        SDL_RenderCopy(u->r, icon, NULL, &ir);
        y += icon_h + s->pad;
    }
    tb.y = y;
    tb.h = b.y + b.h - y;
    if (tb.h < th_)
        tb.h = th_;
    ui_text_draw(u->text, w->label, &st, tb);
    if (w->checkmark && w->selected)
        checkmark(u, w, th->sel_text, th->sel);
    if (being_heard(u, w)) {
        /* What is being read is framed thickly outside its box: never colour alone. */
        SDL_Rect hb = {b.x - s->gap / 2, b.y - s->gap / 2, b.w + s->gap, b.h + s->gap};
        frame(u->r, hb, s->gap / 3 > 3 ? s->gap / 3 : 3, th->text);
    }
}

void ui_draw(ui *u, int64_t now)
{
    layout(u, now);
    bool dark = u->resting && flow_current(u->fl) == FLOW_ATTRACT && !ui_staff_active(u->o.staff);
    /* Blank when resting and not woken: black, nothing drawn (the display may sleep). */
    const ui_theme *th = ui_theme_get(u->contrast || dark);
    ui_sizes s = sizes(u);
    SDL_SetRenderDrawColor(u->r, th->bg.r, th->bg.g, th->bg.b, 255);
    SDL_RenderClear(u->r);
    for (int i = 0; i < u->wl.n; i++)
        draw_widget(u, th, &s, &u->wl.w[i]);
}

/* ---------- input and time ---------- */

/* Stores whatever the flow handed over; a failure is shown (never "thank you"). */
static void drain(ui *u, int64_t now)
{
    flow_response r;
    while (flow_take_response(u->fl, &r)) {
        char err[WP_ERR_LEN] = "";
        if (u->o.save(u->o.save_ctx, &r, err, sizeof err) != 0) {
            wp_strlcpy(u->last_error, err, sizeof u->last_error);
            if (!r.abandoned)
                flow_save_failed(u->fl, now);
        } else {
            u->last_error[0] = '\0';
        }
    }
}

/* Keeps per-screen state right after the flow moved: scrolling starts at the top of every
 * new screen, and a new resident starts with the default display modes. */
static void after_flow(ui *u, int64_t now)
{
    drain(u, now);
    flow_screen sc = flow_current(u->fl);
    int q = flow_question(u->fl);
    if (sc != u->last_screen || q != u->last_question)
        u->scroll = 0;
    bool moved = sc != u->last_screen || q != u->last_question;
    if (sc == FLOW_ATTRACT && u->last_screen != FLOW_ATTRACT) {
        /* A new resident starts with the default display, volume and no speech. */
        u->large = false;
        u->contrast = false;
        u->reading = false;
        if (u->o.speech)
            speech_set_volume(u->o.speech, u->o.default_volume);
    }
    u->last_screen = sc;
    u->last_question = q;
    u->layout_valid = false;
    if (moved) {
        stop_speech(u);
        /* The still-there warning is always spoken (A10); other screens once speech is on. */
        if (sc == FLOW_STILL_THERE || (u->reading && sc != FLOW_ATTRACT)) {
            layout(u, now);
            speak_screen(u);
        }
    }
}

static void activate(ui *u, const uiw *w, int64_t now)
{
    switch (w->action) {
    case UIA_START:
        flow_start(u->fl, now);
        break;
    case UIA_LANG:
        flow_choose_language(u->fl, w->arg, now);
        break;
    case UIA_OPTION:
        flow_toggle(u->fl, w->arg, now);
        break;
    case UIA_NEXT:
        flow_next(u->fl, now);
        break;
    case UIA_BACK:
        flow_back(u->fl, now);
        break;
    case UIA_LANG_SWITCH:
        flow_open_languages(u->fl, now);
        break;
    case UIA_CONTINUE:
        flow_continue(u->fl, now);
        break;
    case UIA_LARGE_TEXT:
        u->large = !u->large;
        u->scroll = 0;
        break;
    case UIA_HIGH_CONTRAST:
        u->contrast = !u->contrast;
        break;
    case UIA_READ_ALOUD:
        /* Switches reading on for the rest of the poll; pressed again, it reads again. */
        u->reading = true;
        layout(u, now);
        speak_screen(u);
        break;
    case UIA_SCROLL_UP:
        if (u->scroll > 0)
            u->scroll--;
        break;
    case UIA_SCROLL_DOWN:
        if (u->scroll < u->max_scroll)
            u->scroll++;
        break;
    case UIA_VOLUME_UP:
    case UIA_VOLUME_DOWN:
        if (u->o.speech) {
            int v = speech_volume(u->o.speech) + (w->action == UIA_VOLUME_UP ? 1 : -1);
            speech_set_volume(u->o.speech, v < 1                   ? 1
                                           : v > SPEECH_VOLUME_MAX ? SPEECH_VOLUME_MAX
                                                                   : v);
        }
        break;
    case UIA_STAFF:
    case UIA_NONE:
        break;
    }
    after_flow(u, now);
}

typedef enum { TAP_NONE, TAP_DOWN, TAP_UP } tap_phase;

/* Follows one finger from down to up. On TAP_UP, *same says whether it rose on the widget it
 * went down on (activation on finger-up inside the target: sliding off cancels, WCAG 2.5.2). */
static tap_phase track(ui *u, const ui_event *ev, const uiw *w, bool *same)
{
    *same = false;
    switch (ev->type) {
    case UI_EV_DOWN:
        u->pressing = true;
        wp_strlcpy(u->pressed, w ? w->id : "", sizeof u->pressed);
        return TAP_DOWN;
    case UI_EV_CANCEL:
        u->pressing = false;
        return TAP_NONE;
    case UI_EV_MOVE:
        return TAP_NONE;
    case UI_EV_UP:
        break;
    }
    if (!u->pressing)
        return TAP_NONE;
    u->pressing = false;
    *same = w && !strcmp(w->id, u->pressed);
    return TAP_UP;
}

/* Input while staff mode is open. */
static bool staff_input(ui *u, const ui_event *ev, int64_t now)
{
    const uiw *w = uiw_hit(&u->wl, ev->x, ev->y);
    bool same;
    if (track(u, ev, w, &same) != TAP_UP)
        return false;
    bool changed = ui_staff_tap(u->o.staff, same ? w : NULL, now);
    if (changed || !ui_staff_active(u->o.staff))
        u->layout_valid = false;
    return changed || !ui_staff_active(u->o.staff);
}

bool ui_input(ui *u, const ui_event *ev, int64_t now)
{
    layout(u, now);
    u->last_input = now;
    if (ui_staff_active(u->o.staff))
        return staff_input(u, ev, now);
    flow_activity(u->fl, now);
    const uiw *w = uiw_hit(&u->wl, ev->x, ev->y);
    /* The hidden staff gesture: only on the attract screen (never in a resident's poll) and only
     * taps that hit no control; a corner tap never starts a poll either. */
    if (ev->type == UI_EV_UP && u->o.staff && !w && flow_current(u->fl) == FLOW_ATTRACT) {
        if (ui_staff_gesture(u->o.staff, ev->x, ev->y, u->o.width, u->o.height, now)) {
            u->pressing = false;
            stop_speech(u);
            ui_staff_enter(u->o.staff, now);
            u->layout_valid = false;
            return true;
        }
        if (ui_staff_in_corner(u->o.staff, ev->x, ev->y, u->o.width, u->o.height)) {
            u->pressing = false;
            return false;
        }
    }
    if (u->resting && flow_current(u->fl) == FLOW_ATTRACT) {
        /* Closed: a tap shows the closed screen (for staff: the gesture still works there),
         * never a poll. */
        if (ev->type != UI_EV_UP)
            return false;
        bool was = now < u->awake_until;
        u->awake_until = now + u->o.flow.idle_ms;
        u->layout_valid = false;
        return !was;
    }
    bool same;
    tap_phase ph = track(u, ev, w, &same);
    if (ph == TAP_DOWN) {
        /* A tap anywhere stops the speech, except on the speech controls themselves. */
        if (!w || (w->action != UIA_VOLUME_UP && w->action != UIA_VOLUME_DOWN &&
                   w->action != UIA_READ_ALOUD)) {
            bool was = u->heard >= 0;
            stop_speech(u);
            return was;
        }
        return false;
    }
    if (ph != TAP_UP)
        return false;
    flow_screen sc = flow_current(u->fl);
    if (sc == FLOW_STILL_THERE) {
        /* One tap anywhere continues where the resident was; a speech or display control
         * tapped there also does its job on the way. */
        flow_continue(u->fl, now);
        after_flow(u, now);
        if (same && w->action != UIA_CONTINUE && w->enabled)
            activate(u, w, now);
        return true;
    }
    if (same) {
        if (!w->enabled && w->action != UIA_NEXT)
            return false;
        activate(u, w, now);
        return true;
    }
    /* Anywhere on the attract screen starts; anywhere on still-there continues. */
    if (!w && !u->pressed[0] && sc == FLOW_ATTRACT) {
        flow_start(u->fl, now);
        after_flow(u, now);
        return true;
    }
    return false;
}

/* True when the display or speech differs from what a new resident starts with. */
static bool modes_changed(const ui *u)
{
    return u->large || u->contrast || u->reading ||
           (u->o.speech && speech_volume(u->o.speech) != u->o.default_volume);
}

/* True when someone changed the display or speech on the attract screen and walked away. */
static bool attract_modes_left(const ui *u, int64_t now)
{
    return modes_changed(u) && flow_current(u->fl) == FLOW_ATTRACT &&
           !ui_staff_active(u->o.staff) && now - u->last_input >= u->o.flow.idle_ms;
}

bool ui_tick(ui *u, int64_t now)
{
    bool changed = flow_tick(u->fl, now);
    if (attract_modes_left(u, now)) {
        /* The next resident starts with the default display, volume and no speech. */
        u->large = u->contrast = u->reading = false;
        if (u->o.speech)
            speech_set_volume(u->o.speech, u->o.default_volume);
        stop_speech(u);
        u->layout_valid = false;
        changed = true;
    }
    if (changed)
        after_flow(u, now);
    if (ui_staff_active(u->o.staff) && ui_staff_tick(u->o.staff, now)) {
        changed = true;
        u->layout_valid = false;
    }
    ui_key k = current_key(u, now);
    if (!u->layout_valid || memcmp(&k, &u->key, sizeof k) != 0) {
        changed = true;
        u->layout_valid = false;
    }
    return changed;
}

int64_t ui_deadline(ui *u, int64_t now)
{
    bool still = u->resting && flow_current(u->fl) == FLOW_ATTRACT;
    int64_t d = still ? INT64_MAX : flow_deadline(u->fl, now);
    if (still && now < u->awake_until)
        d = u->awake_until; /* back to blank */
    if (modes_changed(u) && flow_current(u->fl) == FLOW_ATTRACT &&
        u->last_input + u->o.flow.idle_ms < d)
        d = u->last_input + u->o.flow.idle_ms;
    int64_t sd = ui_staff_deadline(u->o.staff, now);
    return sd < d ? sd : d;
}

/* ---------- lifetime and queries ---------- */

int ui_open(const ui_options *o, const qset *qs, int64_t now, ui **out, char *err, size_t errlen)
{
    ui *u = calloc(1, sizeof *u);
    if (!u) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    u->o = *o;
    u->r = o->renderer;
    u->qs = qs;
    if (ui_text_open(u->r, o->font_dir, &u->text, err, errlen) != 0)
        goto fail;
    u->icons = ui_icons_new(u->r, o->icon_dir);
    u->fl = flow_new(qs, &o->flow, now);
    if (!u->icons || !u->fl) {
        wp_errf(err, errlen, "out of memory");
        goto fail;
    }
    ui_icons_set_local_dir(u->icons, qset_base_dir(qs));
    flow_set_offered(u->fl, offered_mask(u));
    u->last_screen = FLOW_ATTRACT;
    u->last_question = -1;
    u->heard = -1;
    if (u->o.default_volume <= 0)
        u->o.default_volume = SPEECH_VOLUME_DEFAULT;
    if (u->o.speech)
        speech_set_volume(u->o.speech, u->o.default_volume);
    *out = u;
    return 0;
fail:
    ui_close(u);
    return -1;
}

void ui_close(ui *u)
{
    if (!u)
        return;
    flow_free(u->fl);
    ui_icons_free(u->icons);
    ui_text_close(u->text);
    free(u);
}

bool ui_set_qset(ui *u, const qset *qs)
{
    if (!flow_replace_qset(u->fl, qs))
        return false;
    u->qs = qs;
    ui_icons_set_local_dir(u->icons, qset_base_dir(qs));
    flow_set_offered(u->fl, offered_mask(u));
    u->layout_valid = false;
    return true;
}

const char *ui_screen_name(const ui *u)
{
    if (ui_staff_active(u->o.staff))
        return ui_staff_screen_name(u->o.staff);
    return flow_screen_name(flow_current(u->fl));
}

flow *ui_flow(ui *u)
{
    return u->fl;
}

const char *ui_last_error(const ui *u)
{
    return u->last_error;
}

bool ui_blank(const ui *u, int64_t now)
{
    return u->resting && flow_current(u->fl) == FLOW_ATTRACT && now >= u->awake_until &&
           !ui_staff_active(u->o.staff);
}

void ui_set_resting(ui *u, bool resting, const char *hours)
{
    wp_strlcpy(u->hours, hours ? hours : "", sizeof u->hours);
    if (u->resting != resting) {
        u->resting = resting;
        u->awake_until = 0;
        u->layout_valid = false;
    }
}

void ui_set_error(ui *u, const char *msg)
{
    wp_strlcpy(u->last_error, msg ? msg : "", sizeof u->last_error);
    u->layout_valid = false;
}

void ui_set_modes(ui *u, bool large_text, bool high_contrast)
{
    u->large = large_text;
    u->contrast = high_contrast;
    u->layout_valid = false;
}

bool ui_preview(ui *u, flow_screen s, int question, int lang, int64_t now)
{
    bool large = u->large, contrast = u->contrast;
    if (!flow_preview(u->fl, s, question, lang, now))
        return false;
    after_flow(u, now);
    /* A preview keeps the display modes it was asked for. */
    u->large = large;
    u->contrast = contrast;
    return true;
}

ui_text *ui_get_text(ui *u)
{
    return u->text;
}

static const char *role_name(uiw_role r)
{
    switch (r) {
    case UIW_TEXT:
        return "text";
    case UIW_HEADING:
        return "heading";
    case UIW_BUTTON:
        return "button";
    case UIW_OPTION:
        return "option";
    case UIW_TOGGLE:
        return "toggle";
    case UIW_PROGRESS:
        return "progress";
    case UIW_HINT:
        return "hint";
    }
    return "?";
}

char *ui_tree_json(ui *u, int64_t now)
{
    layout(u, now);
    json_t *root = json_object();
    json_object_set_new(root, "screen", json_string(ui_screen_name(u)));
    json_object_set_new(root, "language", json_string(lang_code(u)));
    int q = flow_question(u->fl);
    json_object_set_new(root, "question",
                        q >= 0 ? json_string(qset_question_at(u->qs, q)->id) : json_null());
    json_object_set_new(root, "questionset", json_string(qset_id(u->qs)));
    json_object_set_new(root, "large_text", json_boolean(u->large));
    json_object_set_new(root, "high_contrast", json_boolean(u->contrast));
    json_object_set_new(root, "px_per_mm", json_real(u->o.px_per_mm));
    json_object_set_new(root, "reading", json_boolean(u->reading));
    json_object_set_new(root, "resting", json_boolean(u->resting));
    json_object_set_new(root, "awake", json_boolean(u->resting && now < u->awake_until));
    json_object_set_new(root, "volume",
                        json_integer(u->o.speech ? speech_volume(u->o.speech) : -1));
    json_t *arr = json_array();
    for (int i = 0; i < u->wl.n; i++) {
        const uiw *w = &u->wl.w[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(w->id));
        json_object_set_new(o, "role", json_string(role_name(w->role)));
        json_object_set_new(o, "label", json_string(w->label));
        json_object_set_new(o, "spoken", json_string(w->spoken));
        json_object_set_new(o, "x", json_integer(w->r.x));
        json_object_set_new(o, "y", json_integer(w->r.y));
        json_object_set_new(o, "w", json_integer(w->r.w));
        json_object_set_new(o, "h", json_integer(w->r.h));
        json_object_set_new(o, "selected", json_boolean(w->selected));
        json_object_set_new(o, "enabled", json_boolean(w->enabled));
        json_object_set_new(o, "target", json_boolean(w->action != UIA_NONE));
        json_object_set_new(o, "lang", json_string(w->lang));
        json_object_set_new(o, "px", json_integer(w->px));
        json_object_set_new(o, "bold", json_boolean(w->bold));
        json_object_set_new(o, "rtl", json_boolean(w->rtl));
        json_object_set_new(o, "pad", json_integer(w->pad));
        json_object_set_new(o, "pad_x", json_integer(w->pad_x));
        json_object_set_new(o, "text_w", json_integer(w->text_w));
        json_object_set_new(o, "text_h", json_integer(w->text_h));
        json_object_set_new(o, "icon", w->icon ? json_string(w->icon) : json_null());
        json_object_set_new(o, "speaking", json_boolean(being_heard(u, w)));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "widgets", arr);
    char *s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}

bool ui_widget_center(ui *u, const char *id, int64_t now, int *x, int *y)
{
    layout(u, now);
    const uiw *w = uiw_find(&u->wl, id);
    if (!w)
        return false;
    *x = w->r.x + w->r.w / 2;
    *y = w->r.y + w->r.h / 2;
    return true;
}
