/* The kiosk's resident screens: layout in millimetres, drawing, input, widget tree (ui.h). */
#include "ui.h"
#include "cards.h"
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

/* Panels (ACCESSIBILITY.md A13): below these sizes in millimetres the layout tightens. */
#define UI_COMPACT_MM   240.0 /* narrower: 7" and 10" panels, compact chrome and text */
#define UI_COMPACT_H_MM 150.0 /* or lower than this */
#define UI_ONE_BAR_H_MM 110.0 /* lower: toolbar and navigation share one bar (7" landscape) */
#define UI_NARROW_MM    120.0 /* narrower: scroll buttons below the content (7" portrait) */

#define UI_SYMBOL_MM 10.0 /* speaking head / loudspeaker beside the speech controls' labels */

/* Text and control sizes of one display mode on one panel, in pixels. */
typedef struct {
    int body, heading, title, small; /* text sizes */
    int least;                       /* the smallest text this mode allows (A5, A6) */
    int bar_h, bottom_h;             /* top toolbar and bottom navigation heights */
    int margin, gap, pad;            /* outer margin, gap between targets, inner padding */
    int tile_min;                    /* shortest side of an answer tile */
    int icon;                        /* icon above a tile's label */
    int arrow;                       /* arrow of a scroll button */
    int symbol;                      /* drawn symbol beside a toolbar label (square side) */
    int check;                       /* corner square of a check mark (disc and its margin) */
    int outline, outline_sel;        /* outline thickness, normal and chosen */
    bool compact;                    /* a small panel (7" or 10"): tighter chrome and text */
    bool one_bar;                    /* too short for two bars: the toolbar joins the bottom bar */
    bool narrow; /* too narrow for a scroll column: scroll buttons sit below the content */
} ui_sizes;

/* What the current layout was built from: when any of it changes, lay out again. */
typedef struct {
    flow_screen screen;
    int question, lang, attract_lang, countdown, scroll, volume;
    int attract_round; /* the attract screen's rounds through its languages: its pages turn */
    int thanks_page;   /* the thank-you screen's page (flow_thanks_page) */
    flow_hint hint;
    bool large, contrast, reading, more_open;
    bool resting; /* outside opening hours */
    bool awake;   /* resting, but woken by a tap: the closed screen */
    bool staff;
    bool matrix; /* a matrix asked together */
} ui_key;

#define UI_MATRIX_WHY_LEN 160

/* Which matrices fit, as last measured: for this set, language, display mode. */
typedef struct {
    bool valid;
    const qset *qs;
    int lang;
    bool large, all_apart;
    char why[QSET_MAX_QUESTIONS][UI_MATRIX_WHY_LEN]; /* by first question; "" when it fits */
} ui_matrix_fit;

struct ui {
    ui_options o;
    char languages[256]; /* o.languages after ui_set_settings */
    SDL_Renderer *r;
    ui_text *text;
    ui_icons *icons;
    flow *fl;
    const qset *qs;
    bool large, contrast;          /* display modes of the current resident */
    bool reading;                  /* read-aloud switched on */
    bool more_open;                /* the collapsed toolbar's panel is open */
    bool no_speech;                /* the kiosk has no working audio output */
    char said_text[UIW_LABEL_LEN]; /* the confirmation last spoken ("Chosen: Money") */
    bool resting;                  /* outside opening hours: blank screen, no poll */
    bool drew_blank;               /* the last frame drawn was the blank screen (ui_blank) */
    int64_t awake_until;           /* a tap while resting shows the closed screen until then */
    char hours[32];                /* opening hours as shown on the closed screen */
    int scroll;                    /* first content row shown */
    int max_scroll;                /* last value scroll may take on this screen */
    int keep_option;               /* option to scroll into view at the next layout, -1: none */
    flow_screen last_screen;
    int last_question;
    uiw_list wl;       /* widgets of the current layout */
    uiw_list content;  /* every content widget of a scrolled screen, shown or not */
    uiw_list peek;     /* the next row's widgets, drawn clipped to the "peek" widget's box */
    int content_at;    /* index in wl of the first shown content widget, -1: none */
    int content_shown; /* content widgets placed in wl */
    bool layout_valid;
    ui_key key;
    char said[SPEECH_MAX_SEGMENTS][UIW_ID_LEN]; /* widget ids of the segments being read */
    int n_said;
    int heard;                /* segment being heard, -1 when silent */
    char pressed[UIW_ID_LEN]; /* widget under the finger since it went down */
    bool pressing;
    int64_t last_input;        /* last finger down, for resetting modes left on the attract */
    int64_t moved_at;          /* when a tap last changed the screen */
    char moved_by[UIW_ID_LEN]; /* the control that did (a second tap on it is debounced) */
    char last_error[WP_ERR_LEN];
    ui_matrix_fit mfit;
    cards *cards;      /* what neighbours said (ui_set_cards), or NULL: no cards are shown */
    int attract_pages; /* pages of the attract screen as last laid out (ui_attract_pages) */
    int thanks_pages;  /* pages of the thank-you screen as last laid out (ui_thanks_pages) */
    int64_t one_of;    /* "You are one of N" on the thank-you screen (ui_set_one_of); 0: no line */
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
    double w_mm = u->o.width / u->o.px_per_mm, h_mm = u->o.height / u->o.px_per_mm;
    s.compact = w_mm < UI_COMPACT_MM || h_mm < UI_COMPACT_H_MM;
    s.one_bar = h_mm < UI_ONE_BAR_H_MM;
    s.narrow = w_mm < UI_NARROW_MM;
    /* Large text: capital height >= 0.0122 x viewing distance (ACCESSIBILITY.md A6). */
    double large_cap = fmax(7.4, 0.0122 * u->o.viewing_distance_mm + 0.1);
    if (u->large && s.compact) {
        s.small = s.body = cap_px(u, large_cap);
        s.heading = cap_px(u, large_cap + 0.4);
        s.title = cap_px(u, large_cap + 1.2);
        /* Large text on 7" and 10" panels leaves little room for answers: bars no taller than
         * targets must be (20 mm, A8) with a millimetre to spare. */
        s.bar_h = s.bottom_h = mm(u, 21);
    } else if (u->large) {
        s.small = cap_px(u, large_cap);
        s.body = cap_px(u, large_cap + 0.4);
        s.heading = cap_px(u, large_cap + 1.6);
        s.title = cap_px(u, large_cap + 4.0);
        s.bar_h = mm(u, 30);
        s.bottom_h = mm(u, 30);
    } else if (s.compact) {
        /* A5: capital height at least 4.8 mm, also on the smallest panel. */
        s.small = cap_px(u, 4.9);
        s.body = cap_px(u, 5.0);
        s.heading = cap_px(u, 5.6);
        s.title = cap_px(u, 7.0);
        s.bar_h = s.bottom_h = mm(u, 21);
    } else {
        s.small = cap_px(u, 5.0);
        s.body = cap_px(u, 5.4);
        s.heading = cap_px(u, 6.8);
        s.title = cap_px(u, 10.0);
        s.bar_h = mm(u, 24);
        s.bottom_h = mm(u, 26);
    }
    /* Text gives way to keep a long word whole, never below A5's or A6's capital height. */
    s.least = cap_px(u, u->large ? fmax(7.35, 0.0122 * u->o.viewing_distance_mm + 0.05) : 4.85);
    s.margin = mm(u, s.narrow ? 2 : s.compact ? 3 : 6); /* 88 mm portrait: every mm counts */
    /* Gaps between targets at least 3 mm (A8): 3.2 mm in large text on a small panel. */
    s.gap = mm(u, s.compact ? (u->large ? 3.2 : 3.5) : 4);
    s.pad = mm(u, s.compact ? 2 : 2.5);
    s.tile_min = mm(u, s.compact ? 21 : 22);
    s.icon = mm(u, u->large ? UI_ICON_LARGE_MM : UI_ICON_MM);
    s.arrow = mm(u, UI_ARROW_MM);
    s.symbol = mm(u, UI_SYMBOL_MM);
    s.check = mm(u, (UI_CHECK_DISC_MM + UI_CHECK_MARGIN_MM) * (s.compact ? 0.75 : 1.0));
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
    return qset_ui_rtl(u->qs, u->o.strings, lang_code(u));
}

static const char *S(const ui *u, uistr_key k)
{
    return qset_ui_string(u->qs, u->o.strings, lang_code(u), k);
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
static int text_w(ui *u, const char *s, int px, bool bold)
{
    ui_text_style st = {.px = px, .bold = bold, .rtl = lang_rtl(u), .align = UI_ALIGN_START};
    int tw = 0, th = 0;
    ui_text_measure(u->text, s, &st, 100000, &tw, &th);
    return tw;
}

/* Width of the widest word of s (a line can never be narrower without breaking a word). */
static int word_w(ui *u, const char *s, int px, bool bold, bool rtl)
{
    ui_text_style st = {.px = px, .bold = bold, .rtl = rtl, .align = UI_ALIGN_START};
    int widest = 0;
    char word[UIW_LABEL_LEN];
    while (*s) {
        while (*s == ' ' || *s == '\n' || *s == '\t')
            s++;
        size_t n = strcspn(s, " \n\t");
        if (n == 0)
            break;
        snprintf(word, sizeof word, "%.*s", (int)n, s);
        s += n;
        int tw = 0, th = 0;
        ui_text_measure(u->text, word, &st, 1 << 20, &tw, &th);
        if (tw > widest)
            widest = tw;
    }
    return widest;
}

/* Width of the first line of s wrapped at max_w: the longest run of whole words from the start
 * that fits on one line (at least the first word). */
static int first_line_w(ui *u, const char *s, int px, bool rtl, int max_w)
{
    ui_text_style st = {.px = px, .rtl = rtl, .align = UI_ALIGN_START};
    char line[UIW_LABEL_LEN];
    int best = 0;
    size_t end = strcspn(s, " \n");
    for (;;) {
        snprintf(line, sizeof line, "%.*s", (int)end, s);
        int tw = 0, th = 0;
        ui_text_measure(u->text, line, &st, 1 << 20, &tw, &th);
        if (best > 0 && tw > max_w)
            break;
        best = tw;
        if (s[end] != ' ')
            break;
        end += 1 + strcspn(s + end + 1, " \n");
    }
    return best;
}

/* A boxed control wide enough for its label on one line, never narrower than min_w. */
static int control_w(ui *u, const ui_sizes *s, const char *label, int px, bool bold, int min_w)
{
    int w = text_w(u, label, px, bold) + 2 * s->pad + 2 * s->outline + mm(u, 1);
    return w < min_w ? min_w : w;
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

/* A boxed control (tile look, centred label). */
static uiw *add_control(ui *u, uiw_role role, const char *id, const char *label, int px, SDL_Rect r,
                        uiw_action act)
{
    uiw *b = add(u, role, id, label, NULL, px, r);
    if (b) {
        b->look = UIW_TILE;
        b->action = act;
        b->align = UI_ALIGN_CENTER;
    }
    return b;
}

static SDL_Rect rect(int x, int y, int w, int h)
{
    SDL_Rect r = {x, y, w, h};
    return r;
}

/* ---------- the toolbar: speech and display controls, collapsed behind "more" ---------- */

#define UI_TOOLS      5     /* read aloud, volume down and up, large text, high contrast */
#define UI_MORE_SHORT "..." /* "more" where its word does not fit (spoken as the word) */

typedef struct {
    const char *id;
    uiw_action act;
    bool toggle, on, enabled;
    char label[UIW_LABEL_LEN];
    int w;              /* width wanted for the label on one line (and its symbol) */
    const char *symbol; /* drawn beside the label (draw_symbol), or NULL */
} ui_tool;

/* Room a tool keeps at its start side for its symbol: the symbol and a gap before the words. */
static int tool_symbol_w(const ui_sizes *s, const ui_tool *t)
{
    return t->symbol ? s->symbol + s->pad : 0;
}

static int volume_now(const ui *u)
{
    return u->o.speech ? speech_volume(u->o.speech) : u->o.default_volume;
}

/* The five controls with their labels in the current language and state. */
static void tools(ui *u, const ui_sizes *s, ui_tool *t)
{
    static const struct {
        const char *id;
        uiw_action act;
        bool toggle;
        double min_mm;
    } def[UI_TOOLS] = {
        {"read-aloud", UIA_READ_ALOUD, true, 34},       {"volume-down", UIA_VOLUME_DOWN, false, 26},
        {"volume-up", UIA_VOLUME_UP, false, 26},        {"large-text", UIA_LARGE_TEXT, true, 34},
        {"high-contrast", UIA_HIGH_CONTRAST, true, 34},
    };
    for (int i = 0; i < UI_TOOLS; i++) {
        t[i].id = def[i].id;
        t[i].act = def[i].act;
        t[i].toggle = def[i].toggle;
        t[i].on = false;
        t[i].enabled = true;
        switch (def[i].act) {
        case UIA_READ_ALOUD:
            /* Its state in words: once on, the same control stops the reading. */
            t[i].on = u->reading;
            wp_strlcpy(t[i].label, S(u, u->reading ? UISTR_STOP_READING : UISTR_READ_ALOUD),
                       sizeof t[i].label);
            break;
        case UIA_VOLUME_DOWN:
            wp_strlcpy(t[i].label, S(u, UISTR_VOLUME_DOWN), sizeof t[i].label);
            break;
        case UIA_VOLUME_UP:
            /* The level in numbers, so a tap shows what it did. */
            snprintf(t[i].label, sizeof t[i].label, "%s %d/%d", S(u, UISTR_VOLUME_UP),
                     volume_now(u), SPEECH_VOLUME_MAX);
            break;
        case UIA_LARGE_TEXT:
            t[i].on = u->large;
            wp_strlcpy(t[i].label, S(u, UISTR_LARGE_TEXT), sizeof t[i].label);
            break;
        default:
            t[i].on = u->contrast;
            wp_strlcpy(t[i].label, S(u, UISTR_HIGH_CONTRAST), sizeof t[i].label);
            break;
        }
        bool speech_control = def[i].act == UIA_READ_ALOUD || def[i].act == UIA_VOLUME_DOWN ||
                              def[i].act == UIA_VOLUME_UP;
        /* The speech controls each have their own symbol, always beside their words. */
        t[i].symbol = speech_control ? def[i].id : NULL;
        if (speech_control && u->no_speech) {
            /* No audio output: say so on the controls instead of a toggle that does nothing. */
            char l[UIW_LABEL_LEN];
            snprintf(l, sizeof l, "%s (%s)",
                     S(u, def[i].act == UIA_READ_ALOUD  ? UISTR_READ_ALOUD
                          : def[i].act == UIA_VOLUME_UP ? UISTR_VOLUME_UP
                                                        : UISTR_VOLUME_DOWN),
                     S(u, UISTR_UNAVAILABLE));
            wp_strlcpy(t[i].label, l, sizeof t[i].label);
            t[i].enabled = false;
            t[i].on = false;
        }
        t[i].w = control_w(u, s, t[i].label, s->small, false, mm(u, def[i].min_mm)) +
                 tool_symbol_w(s, &t[i]);
    }
}

static int language_switch_w(ui *u, const ui_sizes *s)
{
    return control_w(u, s, S(u, UISTR_LANGUAGE), s->small, false, mm(u, s->compact ? 28 : 40));
}

static int more_w(ui *u, const ui_sizes *s)
{
    int a = control_w(u, s, S(u, UISTR_MORE), s->small, false, mm(u, 28));
    int b = control_w(u, s, S(u, UISTR_CLOSE), s->small, false, mm(u, 28));
    return a > b ? a : b;
}

/* True when the five controls and the language switch do not fit side by side: they move
 * behind one "more" button (also whenever the toolbar has to join the bottom bar). */
static bool toolbar_collapsed(ui *u, const ui_sizes *s)
{
    if (s->one_bar)
        return true;
    ui_tool t[UI_TOOLS];
    tools(u, s, t);
    int need = language_switch_w(u, s) + UI_TOOLS * s->gap + mm(u, 10);
    for (int i = 0; i < UI_TOOLS; i++)
        need += t[i].w;
    return need > u->o.width - 2 * s->margin;
}

static void add_tool(ui *u, const ui_sizes *s, const ui_tool *t, SDL_Rect r)
{
    uiw *b =
        add_control(u, t->toggle ? UIW_TOGGLE : UIW_BUTTON, t->id, t->label, s->small, r, t->act);
    if (b) {
        b->selected = t->on;
        b->enabled = t->enabled;
        b->symbol = t->symbol;
        b->symbol_w = tool_symbol_w(s, t);
    }
}

static void add_more(ui *u, const ui_sizes *s, SDL_Rect r)
{
    uiw *b = add_control(u, UIW_TOGGLE, "more", S(u, u->more_open ? UISTR_CLOSE : UISTR_MORE),
                         s->small, r, UIA_MORE);
    if (b)
        b->selected = u->more_open;
}

static void add_language_switch(ui *u, const ui_sizes *s, SDL_Rect r)
{
    add_control(u, UIW_BUTTON, "language-switch", S(u, UISTR_LANGUAGE), s->small, r,
                UIA_LANG_SWITCH);
}

/* True when the language switch fits into the toolbar beside "more" (else it is in the panel). */
static bool language_in_toolbar(ui *u, const ui_sizes *s)
{
    return more_w(u, s) + s->gap + language_switch_w(u, s) <= u->o.width - 2 * s->margin;
}

/* The toolbar at the top: the five controls (or "more") at the start side, the language
 * switch at the end side on question screens. Returns the toolbar's bottom. */
static int lay_toolbar(ui *u, const ui_sizes *s, bool with_language)
{
    int x = s->margin, y = s->margin / 2, h = s->bar_h;
    if (toolbar_collapsed(u, s)) {
        add_more(u, s, rect(x, y, more_w(u, s), h));
    } else {
        ui_tool t[UI_TOOLS];
        tools(u, s, t);
        for (int i = 0; i < UI_TOOLS; i++) {
            add_tool(u, s, &t[i], rect(x, y, t[i].w, h));
            x += t[i].w + s->gap;
        }
    }
    if (with_language && language_in_toolbar(u, s)) {
        int w = language_switch_w(u, s);
        add_language_switch(u, s, rect(u->o.width - s->margin - w, y, w, h));
    }
    return y + h;
}

/* A hint across the toolbar's place (when the bottom bar has no room for it). */
static int lay_top_hint(ui *u, const ui_sizes *s, const char *hint)
{
    int y = s->margin / 2, w = u->o.width - 2 * s->margin;
    uiw *hw = add(u, UIW_HINT, "hint", hint, NULL, s->small, rect(s->margin, y, w, s->bar_h));
    if (hw) {
        hw->look = UIW_HINTBOX;
        hw->bold = true;
        hw->align = UI_ALIGN_CENTER;
    }
    return y + s->bar_h;
}

/* ---------- the bottom bar ---------- */

typedef struct {
    bool back;
    const char *progress;       /* NULL: none */
    const char *next;           /* NULL: no next button */
    const char *next_widest[3]; /* every label next may take on this screen (stable width) */
    bool next_enabled;
    bool next_secondary; /* "skip": nothing chosen, so not the most visible button */
    const char *hint;    /* a refused tap's notice, or NULL */
    bool tools;          /* one-bar panels: "more" and the language switch join it */
    bool language;
} ui_bottom;

static int back_w(ui *u, const ui_sizes *s)
{
    double min = s->compact ? 26 : (u->large ? 70 : 60);
    return control_w(u, s, S(u, UISTR_BACK), s->body, false, mm(u, min));
}

static int next_w(ui *u, const ui_sizes *s, const ui_bottom *b)
{
    int w = mm(u, s->compact ? 34 : (u->large ? 96 : 84));
    for (int i = 0; i < 3; i++)
        if (b->next_widest[i]) {
            int n = control_w(u, s, b->next_widest[i], s->body, true, 0);
            if (n > w)
                w = n;
        }
    return w;
}

/* On one-bar panels: true when the language switch fits into the bottom bar beside "more",
 * back and next; otherwise it moves into the "more" panel. */
static bool language_in_bar(ui *u, const ui_sizes *s, const ui_bottom *b)
{
    int need = more_w(u, s) + back_w(u, s) + language_switch_w(u, s) + next_w(u, s, b) +
               3 * s->gap + mm(u, 4);
    return need <= u->o.width - 2 * s->margin;
}

/* Where the bottom bar's controls go. One row: "more", back ... the middle ... language
 * switch, next. When they do not fit side by side (large text on a narrow panel), two rows:
 * "more", back and the language switch above, next below. */
typedef struct {
    SDL_Rect more, back, lang, next;
    SDL_Rect middle; /* free span of the bar between them (the hint, progress or scrolling) */
    bool has_more, has_lang;
    bool more_short; /* "more" as "..." (its word did not fit beside back and next) */
    int top;         /* the bar's top: content ends a gap above it */
} ui_bottom_geo;

static void bottom_geo(ui *u, const ui_sizes *s, const ui_bottom *b, ui_bottom_geo *g)
{
    memset(g, 0, sizeof *g);
    bool hint = b->hint && *b->hint;
    int h = s->bottom_h, y = u->o.height - s->margin / 2 - h, full = u->o.width - 2 * s->margin;
    int mw = more_w(u, s), bw = back_w(u, s), lw = language_switch_w(u, s);
    int nw = b->next ? next_w(u, s, b) : 0;
    g->has_more = b->tools && !hint;
    g->has_lang = b->tools && b->language && !hint && language_in_bar(u, s, b);
    int end = (b->next ? nw + s->gap : 0) + (g->has_lang ? lw + s->gap : 0);
    if (g->has_more && mw + s->gap + (b->back ? bw + s->gap : 0) + end - s->gap > full) {
        g->more_short = true;
        mw = control_w(u, s, UI_MORE_SHORT, s->small, true, s->tile_min);
    }
    int start = (g->has_more ? mw + s->gap : 0) + (b->back ? bw + s->gap : 0);
    bool two = start + end - s->gap > full && b->next;
    int y0 = two ? y - h - s->gap : y; /* the row of more, back and language */
    int x = s->margin;
    if (g->has_more) {
        g->more = rect(x, y0, mw, h);
        x += mw + s->gap;
    }
    if (b->back) {
        g->back = rect(x, y0, bw, h);
        x += bw + s->gap;
    }
    int x1 = u->o.width - s->margin;
    if (nw > full)
        nw = full;
    if (b->next) {
        g->next = rect(x1 - nw, y, nw, h);
        if (!two)
            x1 -= nw + s->gap;
    }
    if (g->has_lang) {
        g->lang = rect(x1 - lw, y0, lw, h);
        x1 -= lw + s->gap;
    }
    /* The middle: between back and next on one row; on two rows the wider of the span beside
     * back (upper row) and the span beside next (lower row). */
    if (two) {
        SDL_Rect lower = rect(s->margin, y, full - nw - s->gap, h);
        SDL_Rect upper = rect(x, y0, x1 - x, h);
        g->middle = upper.w > lower.w ? upper : lower;
    } else
        g->middle = rect(x, y, x1 - x, h);
    if (g->middle.w < 0)
        g->middle.w = 0;
    g->top = y0;
}

/* Back at the start side, next at the end side, between them the hint or the progress (unless
 * the scroll controls took the middle); on one-bar panels "more" before back and the language
 * switch before next (a hint takes their place while it shows). */
static void lay_bottom(ui *u, const ui_sizes *s, const ui_bottom *b, bool middle_taken)
{
    ui_bottom_geo g;
    bottom_geo(u, s, b, &g);
    if (g.has_more) {
        add_more(u, s, g.more);
        if (g.more_short && u->wl.n > 0) {
            uiw *m = &u->wl.w[u->wl.n - 1];
            uiw_set_label(m, UI_MORE_SHORT, S(u, u->more_open ? UISTR_CLOSE : UISTR_MORE));
            m->bold = true;
        }
    }
    if (b->back)
        add_control(u, UIW_BUTTON, "back", S(u, UISTR_BACK), s->body, g.back, UIA_BACK);
    if (b->next) {
        uiw *n = add(u, UIW_BUTTON, "next", b->next, NULL, s->body, g.next);
        if (n) {
            n->look = b->next_secondary ? UIW_TILE : UIW_PRIMARY;
            n->action = UIA_NEXT;
            n->enabled = b->next_enabled;
            n->bold = true;
            n->align = UI_ALIGN_CENTER;
        }
    }
    if (g.has_lang)
        add_language_switch(u, s, g.lang);
    if (b->hint && *b->hint) {
        /* A refused tap's hint sits in the bar: it never moves the answers, so the next tap
         * lands where the finger aims. */
        uiw *hw = add(u, UIW_HINT, "hint", b->hint, NULL, s->small, g.middle);
        if (hw) {
            hw->look = UIW_HINTBOX;
            hw->bold = true;
            hw->align = UI_ALIGN_CENTER;
        }
    } else if (b->progress && !middle_taken) {
        int w = text_w(u, b->progress, s->body, false) + 2 * s->pad;
        if (w <= g.middle.w) {
            uiw *p = add(u, UIW_PROGRESS, "progress", b->progress, NULL, s->body,
                         rect(g.middle.x + (g.middle.w - w) / 2, g.middle.y, w, g.middle.h));
            if (p)
                p->align = UI_ALIGN_CENTER;
        }
    }
}

/* ---------- content rows with scrolling ---------- */

/* Content is a column of rows; when it is taller than the area, whole rows scroll with large
 * up/down buttons so nothing is ever cut off, and "down" says how many answers are below. */
typedef struct {
    int first, count; /* widgets [first, first+count) in u->wl belong to the row */
    int h;            /* row height */
} ui_row;

#define UI_MAX_ROWS 40

typedef struct {
    ui_row row[UI_MAX_ROWS];
    int n;
    int cur_first;
    int avail;  /* height of the content area: no row may be taller */
    bool tight; /* answer rows no taller than their targets need (see build_question) */
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

/* The first row shown when scrolled to first: rows [first, end) fit into avail. */
static int rows_fit_end(const ui_rows *rows, int first, int avail, int gap)
{
    int y = 0, i = first;
    for (; i < rows->n; i++) {
        if (i > first && y + rows->row[i].h > avail)
            break;
        y += rows->row[i].h + gap;
    }
    return i;
}

/* Scrolls so that the row holding option keep (if any) is shown. */
static void rows_keep_in_view(ui *u, const ui_rows *rows, int avail, int gap)
{
    if (u->keep_option < 0)
        return;
    int target = -1;
    for (int i = 0; i < rows->n && target < 0; i++)
        for (int k = 0; k < rows->row[i].count; k++) {
            const uiw *w = &u->wl.w[rows->row[i].first + k];
            if (w->action == UIA_OPTION && w->arg == u->keep_option)
                target = i;
        }
    u->keep_option = -1;
    if (target < 0)
        return;
    int first = u->scroll;
    if (first > target)
        first = target;
    while (first < target && rows_fit_end(rows, first, avail, gap) <= target)
        first++;
    u->scroll = first;
}

/* Places rows from u->scroll on into [top, bottom); rows that do not fit are removed. Says
 * whether rows before or after are hidden and how many targets lie below. */
static void rows_place(ui *u, ui_rows *rows, int top, int bottom, int gap, bool *more_before,
                       bool *more_after, int *targets_after)
{
    int avail = bottom - top;
    /* The furthest useful scroll position: the first row from which the rest fits. */
    int last = rows->n - 1, hsum = rows->n ? rows->row[last].h : 0;
    while (last > 0 && hsum + gap + rows->row[last - 1].h <= avail) {
        last--;
        hsum += gap + rows->row[last].h;
    }
    u->max_scroll = rows->n ? last : 0;
    rows_keep_in_view(u, rows, avail, gap);
    if (u->scroll > u->max_scroll)
        u->scroll = u->max_scroll;
    int first = u->scroll < rows->n ? u->scroll : 0;
    int end = rows_fit_end(rows, first, avail, gap);
    uiw_list keep = {0};
    int base = rows->n ? rows->row[0].first : u->wl.n;
    int y = top, hidden = 0;
    u->peek.n = 0;
    for (int i = 0; i < rows->n; i++) {
        ui_row *r = &rows->row[i];
        bool show = i >= first && i < end;
        for (int k = 0; k < r->count; k++) {
            uiw *w = &u->wl.w[r->first + k];
            if (!show) {
                hidden += i >= end && w->action != UIA_NONE;
                continue;
            }
            w->r.y += y;
            uiw_push(&keep, w);
        }
        if (show)
            y += r->h + gap;
    }
    /* The top of the next row where it leaves room: the resident sees that more follows (an
     * empty band looks like the end). Drawn clipped; a tap on it scrolls down like "down",
     * which stays the target of that size (the peek may be lower than a target must be). */
    if (end < rows->n && bottom - y >= mm(u, UI_PEEK_MM) && keep.n < UIW_MAX) {
        const ui_row *r = &rows->row[end];
        for (int k = 0; k < r->count && u->peek.n < UIW_MAX; k++) {
            uiw *pw = uiw_push(&u->peek, &u->wl.w[r->first + k]);
            if (pw)
                pw->r.y += y;
        }
        uiw *pk = uiw_add(&keep, UIW_PEEK, "peek");
        if (pk) {
            pk->action = UIA_SCROLL_DOWN; /* a tap on a partly shown answer brings it into view */
            pk->r = rect(u->peek.n ? u->peek.w[0].r.x : 0, y, 0, bottom - y);
            int right = pk->r.x;
            for (int k = 0; k < u->peek.n; k++) {
                const SDL_Rect *b = &u->peek.w[k].r;
                if (b->x < pk->r.x)
                    pk->r.x = b->x;
                if (b->x + b->w > right)
                    right = b->x + b->w;
            }
            pk->r.w = right - pk->r.x;
        }
    }
    /* Speech reads the whole question, scrolled away or not: keep every row's widgets. */
    u->content.n = 0;
    for (int i = base; i < u->wl.n; i++)
        uiw_push(&u->content, &u->wl.w[i]);
    u->content_at = base;
    u->content_shown = keep.n;
    /* Drop the hidden rows' widgets (they were appended after `base`). */
    u->wl.n = base;
    for (int i = 0; i < keep.n && u->wl.n < UIW_MAX; i++)
        uiw_push(&u->wl, &keep.w[i]);
    uiw_list_free(&keep);
    *more_before = first > 0;
    *more_after = end < rows->n;
    *targets_after = hidden;
}

/* Builds the rows of a screen's content at width w (x from s->margin, y from 0). */
typedef void (*ui_build_fn)(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx);

static int rows_total(const ui_rows *rows, int gap)
{
    int total = 0;
    for (int i = 0; i < rows->n; i++)
        total += rows->row[i].h + (i ? gap : 0);
    return total;
}

/* Width an arrow drawn beside a scroll button's label takes at its start side (see draw). */
static int scroll_arrow_room(const ui_sizes *s)
{
    return (int)lround(s->arrow * 1.2) + s->pad;
}

/* The scroll buttons: an arrow (drawn, language-free) and, where there is room, words ("down,
 * 3 more"); where there is not, the arrow and the count ("+3"). Speech always says the words. */
static uiw *add_scroll(ui *u, const ui_sizes *s, bool down, bool words, bool beside, int hidden,
                       SDL_Rect r, bool enabled)
{
    char label[UIW_LABEL_LEN] = "", spoken[UIW_LABEL_LEN], cue[UIW_LABEL_LEN] = "";
    const char *word = S(u, down ? UISTR_SCROLL_DOWN : UISTR_SCROLL_UP);
    if (hidden > 0)
        uistr_format(cue, sizeof cue, S(u, UISTR_MORE_ANSWERS), hidden);
    snprintf(spoken, sizeof spoken, "%s%s%s", word, cue[0] ? ", " : "", cue);
    /* Room an arrow beside the label keeps at the start side. */
    int arrow_room = beside ? scroll_arrow_room(s) : 0;
    if (words)
        snprintf(label, sizeof label, "%s%s%s", word, cue[0] ? " " : "", cue);
    else if (hidden > 0)
        snprintf(label, sizeof label, "+%d", hidden);
    /* The count only where it fits beside the arrow (speech still says it). */
    if (!words && label[0] && control_w(u, s, label, s->small, false, 0) + arrow_room > r.w)
        label[0] = '\0';
    uiw *b = add(u, UIW_BUTTON, down ? "scroll-down" : "scroll-up", label, spoken, s->small, r);
    if (b) {
        b->look = UIW_TILE;
        b->action = down ? UIA_SCROLL_DOWN : UIA_SCROLL_UP;
        b->align = UI_ALIGN_CENTER;
        b->enabled = enabled;
        b->arrow = down ? -1 : 1;
        /* Above the label, or (low buttons) beside it at the start side: then the label is
         * centred as on any button and the arrow is no icon above it. */
        if (!beside || !label[0]) {
            b->icon = down ? "arrow-down" : "arrow-up";
            b->icon_h = s->arrow;
        } else {
            b->symbol_w = arrow_room; /* the label is centred beside the arrow */
        }
    }
    return b;
}

/* Height of a scroll button of width w with this label (arrow above it). */
static int scroll_h(ui *u, const ui_sizes *s, const char *label, int w)
{
    int h = s->arrow + 2 * s->pad +
            (*label ? s->pad + text_h(u, label, s->small, false, w - 2 * s->pad) : 0);
    return h < s->tile_min ? s->tile_min : h;
}

/* Lays a screen's content into [top, bottom): as it is when it fits, else with scroll buttons
 * that move by whole rows: in the bottom bar's free middle (slot, may be NULL) when they fit
 * there with their words, else in a column beside the content (with words when it is tall and
 * wide enough, else arrows and the count), on narrow panels side by side below it. Returns
 * true when they took the slot. */
static bool lay_content(ui *u, const ui_sizes *s, int top, int bottom, const SDL_Rect *slot,
                        ui_build_fn build, void *ctx)
{
    int full_w = u->o.width - 2 * s->margin, avail = bottom - top;
    const char *up_l = S(u, UISTR_SCROLL_UP), *down_l = S(u, UISTR_SCROLL_DOWN);
    char cue[UIW_LABEL_LEN] = "", longest[UIW_LABEL_LEN];
    uistr_format(cue, sizeof cue, S(u, UISTR_MORE_ANSWERS), 88);
    snprintf(longest, sizeof longest, "%s %s", down_l, cue);
    int up_w = control_w(u, s, up_l, s->small, false, s->tile_min);
    int down_w = control_w(u, s, longest, s->small, false, s->tile_min);
    bool in_slot =
        slot && slot->w >= up_w + s->gap + down_w && slot->h >= scroll_h(u, s, longest, down_w);
    /* On a small panel, else the arrows with the count in the slot: a column beside the content
     * or a row below it would take room from the answers. */
    int arrow_w = control_w(u, s, "+88", s->small, false, s->tile_min);
    bool slot_arrows = !in_slot && slot && s->compact && slot->w >= 2 * s->tile_min + s->gap &&
                       slot->h >= s->tile_min;
    if (slot_arrows) {
        /* Halves (at most 40 mm each); "down" wider where that lets its count show. */
        int half = (slot->w - s->gap) / 2 < mm(u, 40) ? (slot->w - s->gap) / 2 : mm(u, 40);
        int count_w = control_w(u, s, "+88", s->small, false, 0) + scroll_arrow_room(s);
        in_slot = true;
        up_w = down_w = half;
        if (count_w > half && slot->w - s->gap - count_w >= s->tile_min) {
            down_w = count_w;
            up_w = slot->w - s->gap - count_w < half ? slot->w - s->gap - count_w : half;
        }
    }
    /* A column with words: as wide as "up", "down" and the cue each on a line. */
    int col_w = control_w(u, s, up_l, s->small, false, mm(u, u->large ? 34 : 30));
    int dw = control_w(u, s, down_l, s->small, false, 0),
        cw = control_w(u, s, cue, s->small, false, 0);
    col_w = dw > col_w ? dw : col_w;
    col_w = cw > col_w ? cw : col_w;
    int col_up = scroll_h(u, s, up_l, col_w), col_down = scroll_h(u, s, longest, col_w);
    bool col_words =
        !in_slot && !s->narrow && col_w <= full_w / 3 && col_up + s->gap + col_down <= avail;
    /* Else a narrow column of arrows with the count. */
    int arrow_up = scroll_h(u, s, "", arrow_w), arrow_down = scroll_h(u, s, "+88", arrow_w);
    bool column = !in_slot && !s->narrow && (col_words || arrow_up + s->gap + arrow_down <= avail);
    if (column && !col_words)
        col_w = arrow_w;
    bool below = !in_slot && !column;
    int bar_w = (full_w - s->gap) / 2;
    /* Below the content the arrow sits beside the count: as low as a button can be. */
    int bar_h = text_h(u, "+88", s->small, false, bar_w) + 2 * s->pad;
    if (bar_h < s->arrow + 2 * s->pad)
        bar_h = s->arrow + 2 * s->pad;
    if (bar_h < s->tile_min)
        bar_h = s->tile_min;
    ui_rows rows;
    for (int pass = 0; pass < 2; pass++) {
        int base = u->wl.n;
        int w = pass == 1 && column ? full_w - col_w - s->gap : full_w;
        int cbottom = pass == 1 && below ? bottom - bar_h - s->gap : bottom;
        rows.n = 0;
        rows.avail = cbottom - top;
        rows.tight = false;
        build(u, s, &rows, w, ctx);
        if (pass == 0) {
            if (rows_total(&rows, s->gap) > avail) {
                u->wl.n = base; /* too tall: lay out again with the scroll buttons */
                continue;
            }
            u->scroll = 0;
            u->keep_option = -1;
        }
        bool before = false, after = false;
        int hidden = 0;
        rows_place(u, &rows, top, cbottom, s->gap, &before, &after, &hidden);
        if (pass == 0)
            return false;
        if (!after)
            hidden = 0;
        if (in_slot) {
            int x = slot->x + (slot->w - up_w - s->gap - down_w) / 2;
            add_scroll(u, s, false, !slot_arrows, slot_arrows, 0, rect(x, slot->y, up_w, slot->h),
                       before);
            add_scroll(u, s, true, !slot_arrows, slot_arrows, hidden,
                       rect(x + up_w + s->gap, slot->y, down_w, slot->h), after);
        } else if (column) {
            int bx = u->o.width - s->margin - col_w;
            /* Halves where both fit, else "up" as low as it may be and "down" the rest. */
            int uh = (avail - s->gap) / 2;
            int up_need = col_words ? col_up : arrow_up,
                down_need = col_words ? col_down : arrow_down;
            if (avail - s->gap - uh < down_need)
                uh = up_need;
            add_scroll(u, s, false, col_words, false, 0, rect(bx, top, col_w, uh), before);
            add_scroll(u, s, true, col_words, false, hidden,
                       rect(bx, top + uh + s->gap, col_w, avail - uh - s->gap), after);
        } else {
            add_scroll(u, s, false, false, true, 0, rect(s->margin, bottom - bar_h, bar_w, bar_h),
                       before);
            add_scroll(u, s, true, false, true, hidden,
                       rect(s->margin + bar_w + s->gap, bottom - bar_h, bar_w, bar_h), after);
        }
        return in_slot;
    }
    return false;
}

/* ---------- tiles: answers and languages in a grid ---------- */

typedef struct {
    char id[UIW_ID_LEN];
    char label[UIW_LABEL_LEN];
    const char *icon, *clip;
    uiw_action act;
    int arg;
    bool selected;
    char lang[16];
    bool rtl;
} ui_tile;

typedef struct {
    int icon;    /* icon size (set by lay_tiles) */
    int px;      /* label size */
    int pref;    /* columns wanted (fewer when the labels need it) */
    bool packed; /* one compact centred row when it fits (smileys, yes/no, scales) */
    int max_w;   /* widest a tile gets (0: an equal share) */
} ui_grid;

static int tile_width(const ui_sizes *s, int w, int cols, int need, const ui_grid *g)
{
    int tw = (w - (cols - 1) * s->gap) / cols;
    /* One column takes the whole width: its labels then need the fewest lines. */
    if (cols > 1 && g->max_w > 0 && tw > g->max_w && g->max_w >= need)
        tw = g->max_w;
    return tw;
}

/* Height a tile needs at width tw; *band says whether its check mark needs a band above the
 * label (when the centred label leaves no room beside the mark's corner). */
static int tile_need(ui *u, const ui_sizes *s, const ui_tile *t, int tw, const ui_grid *g,
                     int *band)
{
    ui_text_style st = {.px = g->px, .rtl = t->rtl, .align = UI_ALIGN_CENTER};
    int lw = 0, lh = 0;
    ui_text_measure(u->text, t->label, &st, tw - 2 * s->pad, &lw, &lh);
    bool icon = t->icon && g->icon > 0;
    int block_w = icon && g->icon > lw ? g->icon : lw;
    int block_h = lh + (icon ? g->icon + s->pad : 0);
    /* The mark's corner is free beside the centred label, or beside an icon (the label then
     * starts below the icon, lower than the corner reaches). */
    /* Or beside the label's first line, when the mark is no taller than that line reaches. */
    bool free = block_w <= tw - 2 * s->check ||
                (icon && g->icon <= tw - 2 * s->check && g->icon + s->pad >= s->check) ||
                (!icon && s->check <= s->pad + ui_text_line_height(u->text, g->px) &&
                 first_line_w(u, t->label, g->px, t->rtl, tw - 2 * s->pad) <= tw - 2 * s->check);
    *band = free ? 0 : s->check;
    return *band + block_h + 2 * s->pad;
}

/* The tallest row of a grid with cols columns of width tw (a row's labels share one band for
 * the check mark: see lay_tiles). */
static int tiles_tallest(ui *u, const ui_sizes *s, const ui_tile *t, int n, int cols, int tw,
                         const ui_grid *g)
{
    int tallest = 0;
    if (cols < 1)
        cols = 1;
    for (int r0 = 0; r0 < n; r0 += cols) {
        int band_max = 0, rest_max = 0, band;
        for (int i = r0; i < n && i < r0 + cols; i++) {
            int rest = tile_need(u, s, &t[i], tw, g, &band) - band;
            band_max = band > band_max ? band : band_max;
            rest_max = rest > rest_max ? rest : rest_max;
        }
        if (band_max + rest_max > tallest)
            tallest = band_max + rest_max;
    }
    return tallest;
}

/* The narrowest a tile may be: a target's minimum, and every word of every label whole. */
static int tiles_need(ui *u, const ui_sizes *s, const ui_tile *t, int n, const ui_grid *g)
{
    int need = s->tile_min;
    for (int i = 0; i < n; i++) {
        int ww = word_w(u, t[i].label, g->px, false, t[i].rtl) + 2 * s->pad + 2 * s->outline;
        if (t[i].icon && s->icon + 2 * s->pad > ww)
            ww = s->icon + 2 * s->pad;
        if (ww > need)
            need = ww;
    }
    return need;
}

/* True when lay_tiles with g (packed, no max_w) puts all n tiles in one row across w. */
static bool tiles_fit_one_row(ui *u, const ui_sizes *s, const ui_rows *rows, int w,
                              const ui_tile *t, int n, const ui_grid *g_in)
{
    ui_grid gg = *g_in;
    gg.icon = s->icon;
    int need = tiles_need(u, s, t, n, &gg);
    if ((w + s->gap) / (need + s->gap) < n)
        return false;
    int tw = tile_width(s, w, n, need, &gg);
    return tiles_tallest(u, s, t, n, n, tw, &gg) <= rows->avail;
}

/* Lays tiles out in rows of a grid at width w: columns only as many as keep every word of every
 * label whole at >= the target size; a chosen tile's check mark sits in the top corner on the
 * end side, above the label when the label leaves no room beside it. */
static void lay_tiles(ui *u, const ui_sizes *s, ui_rows *rows, int w, const ui_tile *t, int n,
                      const ui_grid *g_in)
{
    if (n <= 0)
        return;
    ui_grid gg = *g_in;
    const ui_grid *g = &gg;
    gg.icon = s->icon;
    int need = tiles_need(u, s, t, n, g);
    int max_cols = (w + s->gap) / (need + s->gap);
    if (max_cols < 1)
        max_cols = 1;
    int cols;
    if (g->packed) {
        int nrows = (n + max_cols - 1) / max_cols;
        cols = (n + nrows - 1) / nrows;
    } else {
        cols = g->pref < max_cols ? g->pref : max_cols;
        if (cols > n)
            cols = n;
    }
    int tw = tile_width(s, w, cols, need, g);
    /* Fewer, wider columns while a row would be taller than the screen has room for. */
    while (cols > 1 && tiles_tallest(u, s, t, n, cols, tw, g) > rows->avail) {
        cols--;
        tw = tile_width(s, w, cols, need, g);
    }
    /* Still too tall in one column (large text on a 7" panel): smaller icons, never under
     * 8 mm; the labels keep their size. */
    int over = tiles_tallest(u, s, t, n, cols, tw, g) - rows->avail;
    if (over > 0) {
        gg.icon -= over;
        if (gg.icon < mm(u, 8))
            gg.icon = mm(u, 8);
        /* Even so too tall (large text, long labels, 7" portrait): the labels alone, so that
         * no tile is ever taller than the screen can show. */
        if (tiles_tallest(u, s, t, n, cols, tw, g) > rows->avail)
            gg.icon = 0;
    }
    int x0 = s->margin;
    if (g->packed)
        x0 = s->margin + (w - (cols * tw + (cols - 1) * s->gap)) / 2;
    for (int r0 = 0; r0 < n; r0 += cols) {
        row_begin(u, rows);
        int row_h = s->tile_min + (rows->tight ? 0
                                   : u->large  ? mm(u, 6)
                                               : mm(u, s->compact ? 2 : 4));
        int first = u->wl.n;
        /* One band for the whole row: where one tile's check mark needs a band above its label,
         * every label of the row moves down with it (labels side by side line up). */
        int top_band = 0;
        for (int i = r0; i < n && i < r0 + cols; i++) {
            int band;
            int h = tile_need(u, s, &t[i], tw, g, &band);
            if (band > top_band)
                top_band = band;
            if (h > row_h)
                row_h = h;
        }
        for (int i = r0; i < n && i < r0 + cols; i++) {
            int band;
            int h = tile_need(u, s, &t[i], tw, g, &band) + top_band - band;
            if (h > row_h)
                row_h = h;
            uiw *o = add(u, UIW_OPTION, t[i].id, t[i].label, NULL, g->px,
                         rect(x0 + (i - r0) * (tw + s->gap), 0, tw, 0));
            if (!o)
                continue;
            o->look = UIW_TILE;
            o->action = t[i].act;
            o->arg = t[i].arg;
            o->icon = gg.icon > 0 ? t[i].icon : NULL;
            o->icon_h = o->icon ? gg.icon : 0;
            o->clip = t[i].clip;
            o->selected = t[i].selected;
            o->align = UI_ALIGN_CENTER;
            o->checkmark = true;
            o->pad_top = top_band;
            o->rtl = t[i].rtl;
            wp_strlcpy(o->lang, t[i].lang, sizeof o->lang);
        }
        for (int k = first; k < u->wl.n; k++)
            u->wl.w[k].r.h = row_h;
        row_end(u, rows, row_h);
    }
}

/* The longest run of whole words from the start of text whose lines fit into avail: its
 * length in bytes (at least one word). */
static size_t text_fit_prefix(ui *u, const char *text, int px, bool bold, int w, int avail)
{
    char buf[UIW_LABEL_LEN];
    size_t best = strcspn(text, " ");
    for (size_t i = best; text[i];) {
        size_t next = i + 1 + strcspn(text + i + 1, " ");
        snprintf(buf, sizeof buf, "%.*s", (int)next, text);
        if (text_h(u, buf, px, bold, w) > avail)
            break;
        best = next;
        i = next;
    }
    return best;
}

/* A text with a word wider than the line w gives way so that its words stay whole: first its
 * boldness, then its size, down to the smallest text the mode allows (a word still too wide is
 * then broken, and the checker names it for the set's author). */
static void fit_words(ui *u, const ui_sizes *s, const char *label, int w, int *px, bool *bold)
{
    bool rtl = lang_rtl(u);
    while (word_w(u, label, *px, *bold, rtl) > w) {
        if (*bold)
            *bold = false;
        else if (*px > s->least)
            (*px)--;
        else
            break;
    }
}

/* A row of text (heading or paragraph) across the content width. A text taller than the
 * content area becomes several rows of whole lines, so scrolling shows all of it. */
static uiw *text_row(ui *u, const ui_sizes *s, ui_rows *rows, int w, uiw_role role, const char *id,
                     const char *label, int px, bool bold, int align)
{
    if (!label || !*label)
        return NULL;
    fit_words(u, s, label, w, &px, &bold);
    uiw *first = NULL;
    char part[UIW_LABEL_LEN], pid[UIW_ID_LEN];
    for (int k = 1; *label && k < UI_MAX_ROWS; k++) {
        size_t n = strlen(label);
        if (rows->avail > 0 && text_h(u, label, px, bold, w) > rows->avail)
            n = text_fit_prefix(u, label, px, bold, w, rows->avail);
        snprintf(part, sizeof part, "%.*s", (int)n, label);
        if (k == 1)
            wp_strlcpy(pid, id, sizeof pid);
        else
            snprintf(pid, sizeof pid, "%s~%d", id, k);
        row_begin(u, rows);
        int h = text_h(u, part, px, bold, w);
        uiw *t = add(u, role, pid, part, NULL, px, rect(s->margin, 0, w, h));
        if (t) {
            t->bold = bold;
            t->align = align;
        }
        row_end(u, rows, h);
        if (!first)
            first = t;
        label += n;
        while (*label == ' ')
            label++;
    }
    return first;
}

/* ---------- screens ---------- */

/* Without a toolbar above it, content starts low enough that a target in its first row is
 * not centred in the top 15% of the screen (A12: reach from a wheelchair). */
static int reach_top(const ui *u, const ui_sizes *s)
{
    int t = (int)(u->o.height * 0.15) - s->tile_min / 2 + mm(u, 1);
    return t > s->margin / 2 ? t : s->margin / 2;
}

/* Text sizes of a message screen's heading and body (NULL: the mode's own). */
typedef struct {
    int head, body;
} ui_message_px;

/* A screen of text: heading, body and, for still-there, "continue". */
typedef struct {
    const char *head, *body;
    bool with_continue;
    const ui_message_px *px; /* the attract screen's title and welcome use their own ids */
} ui_message;

static void build_message(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx);
static void build_more(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx);

/* ---------- cards: what neighbours said ---------- */

#define UI_BAR_MM         8.0  /* height of a card's bar */
#define UI_BAR_MIN_MM     30.0 /* a bar at least this long: a bar to read, never a small gauge */
#define UI_CARD_PARTS     3    /* parts of a card that each repeat its question, at most */
#define UI_CARD_MAX_PARTS 6    /* parts of a card at most (5 answers and "other": a bar a page) */
/* Widgets kept free after a card: "start", a storage error, scrolling. */
#define UI_CARD_RESERVE 4

/* The words of an answer on a card: the set's, or the kiosk's own for built-in answers. */
static const char *card_label(const ui *u, const cards_card *c, const cards_answer *a)
{
    if (a->other)
        return S(u, UISTR_CARD_OTHER);
    if (a->text)
        return a->text;
    if (!strcmp(c->type, "smiley") && a->id[0] >= '1' && a->id[0] <= '5' && !a->id[1])
        return S(u, (uistr_key)(UISTR_SMILEY_1 + (a->id[0] - '1')));
    if (!strcmp(c->type, "yesno"))
        return S(u, !strcmp(a->id, "yes")  ? UISTR_YES
                    : !strcmp(a->id, "no") ? UISTR_NO
                                           : UISTR_PREFER_NOT);
    return a->id; /* a scale's number */
}

/* A card, or a part of it: part of parts (0 or 1 parts: all of it) has the heading and the
 * question (with lead_only, only the first part: each other part's first bar reads the
 * question first), its share of the bars, and the last part n and the period too. With
 * q_page (narrow panels, large text): the first part is the question alone, the others share
 * the bars (down to one a part), and every part has the short line of n and the period; the
 * question is in body text there unless q_small. With q_bare (where a page holds the question,
 * or a bar, but not the short line as well: Arabic in large text on the 7" portrait panel) the
 * question's and the bars' parts leave n and the period to a last part of their own. */
typedef struct {
    cards_card card;
    const cards *from;
    int part, parts;
    bool lead_only, q_page, q_small, q_bare;
} ui_card;

/* The bars of part k->part: first to end (exclusive); true for the last part. */
static bool card_share(const ui_card *k, int *first, int *end)
{
    int n = k->card.n_answers, p = k->parts > 1 ? k->parts : 1, i = k->part;
    if (k->q_page) { /* the question's own part has no bars */
        p--, i--;
        if (k->q_bare) /* nor has the last, n and the period alone */
            p--;
        if (i < 0 || p < 1 || i >= p) {
            *first = *end = 0;
            return k->q_bare ? i >= p : p < 1;
        }
    }
    *first = n * i / p;
    *end = n * (i + 1) / p;
    return !k->q_bare && i + 1 >= p;
}

/* What of a card card_rows lays: all of it in one column, or its words (heading, question,
 * "6 in 10 ...", n, period and date) or its bars, for two columns side by side. */
enum { CARD_ALL, CARD_WORDS, CARD_BARS };

/* How a card is laid out. The usual card: the question in body text, "6 in 10 ..." and a bar
 * per row. A compact card (for small panels and large text): the question in small text (never
 * below the mode's least), no "6 in 10 ..." (the bars say it), each bar with its words and
 * percentage on one row, in one to three columns, or under them (stacked) where a row is too
 * narrow for words and a bar side by side. A bare card (the smallest panels): no heading (it is
 * read aloud with the question) and n with the period alone. two: the words and the bars side
 * by side. tall (stacked, for the narrowest columns in large text): the words on a line of
 * their own, the bar and its percentage under them. */
typedef struct {
    bool two, compact, bare, stacked;
    int cols;
    bool tall;
} card_look;

/* The looks tried, most generous first: the first that fits is used. */
static const card_look card_looks[] = {
    {false, false, false, false, 1, false}, {true, false, false, false, 1, false},
    {false, true, false, false, 1, false},  {true, true, false, false, 1, false},
    {false, true, false, false, 2, false},  {false, true, false, true, 1, false},
    {false, true, true, false, 1, false},   {true, true, true, false, 1, false},
    {false, true, true, false, 2, false},   {false, true, true, true, 1, false},
    {false, true, true, false, 3, false},   {false, true, true, true, 2, false},
    {true, true, true, false, 2, false},    {false, true, true, true, 1, true},
};
#define CARD_LOOKS (int)(sizeof card_looks / sizeof card_looks[0])

/* The language on screen's word for k (cards_word_fn). */
static const char *card_word(const void *ctx, uistr_key k)
{
    return S(ctx, k);
}

/* The name of month m (1-12) in the language on screen, as a date says it (UISTR_CARD_MONTHS)
 * or as a month-and-year heading does (UISTR_CARD_MONTHS_ALONE); else its number. */
static void card_month(const ui *u, uistr_key months, int m, char *out, size_t len)
{
    cards_say_month(card_word, u, months, m, out, len);
}

/* A date in the words and order of the language on screen ("1 April 2027", "1 أبريل 2027"). */
static void card_day(const ui *u, const char *date, char *out, size_t len)
{
    cards_say_day(card_word, u, date, out, len);
}

/* The period of the figures: "1–31 March 2027" within a month, else its first and last day. */
static void card_period(const ui *u, const cards *c, char *out, size_t len)
{
    cards_say_period(card_word, u, cards_period_from(c), cards_period_to(c), out, len);
}

/* n, the period (in the words of the language) and the date of the figures, in one line; a
 * compact card leaves out the words "Period:" and the date of the figures (the period ends on
 * it or the day before); a bare one also "this month so far" (the period's last day says it). */
static void card_meta(const ui *u, const ui_card *k, bool compact, bool bare, char *line,
                      size_t len)
{
    char answered[UIW_LABEL_LEN], period[UIW_LABEL_LEN], date[UIW_LABEL_LEN];
    uistr_format(answered, sizeof answered, S(u, UISTR_CARD_ANSWERED), (long)k->card.n);
    card_period(u, k->from, period, sizeof period);
    card_day(u, cards_date(k->from), date, sizeof date);
    bool whole = cards_whole_month(k->from);
    const char *so_far = whole ? "" : S(u, UISTR_CARD_SO_FAR);
    const char *comma = whole ? "" : lang_rtl(u) ? "\u060C " : ", "; /* Arabic: "،" */
    if (bare) /* the period's last day says how far it goes */
        snprintf(line, len, "%s. %s.", answered, period);
    else if (compact)
        snprintf(line, len, "%s. %s%s%s.", answered, period, comma, so_far);
    else
        snprintf(line, len, "%s. %s %s%s%s. %s %s.", answered, S(u, UISTR_CARD_PERIOD), period,
                 comma, so_far, S(u, UISTR_CARD_DATE), date);
}

/* The period of the figures in short: "maart 2027" for a whole month (the words and order of
 * the language's date, card_day, without the day), else as card_period says it. */
static void card_period_short(const ui *u, const cards *c, char *out, size_t len)
{
    int y1, m1, d1, y2, m2, d2;
    if (!cards_whole_month(c) || !cards_ymd(cards_period_from(c), &y1, &m1, &d1) ||
        !cards_ymd(cards_period_to(c), &y2, &m2, &d2) || y1 != y2 || m1 != m2) {
        card_period(u, c, out, len);
        return;
    }
    char month[64], year[16], line[UIW_LABEL_LEN];
    card_month(u, UISTR_CARD_MONTHS_ALONE, m1, month, sizeof month); /* "marzec 2027" */
    snprintf(year, sizeof year, "%d", y1);
    const char *names[] = {"day", "month", "year"}, *values[] = {"", month, year};
    uistr_fill(line, sizeof line, S(u, UISTR_CARD_DAY), names, values, 3);
    /* the day's place and its marks ("{day}. {month} {year}") go with the day */
    const char *b = line + strspn(line, " .,");
    size_t n = strlen(b);
    while (n > 0 && strchr(" .,", b[n - 1]))
        n--;
    snprintf(out, len, "%.*s", (int)n, b);
}

/* The short line of n and the period on every part of a card cut for a narrow panel:
 * "n = 250, maart 2027"; right to left "n = 250" is isolated (LRI ... PDI) so the bidi
 * algorithm keeps it as it reads, and the comma is the Arabic one. */
static void card_meta_short(const ui *u, const ui_card *k, char *line, size_t len)
{
    char period[UIW_LABEL_LEN];
    card_period_short(u, k->from, period, sizeof period);
    if (lang_rtl(u)) /* U+2066 n = N U+2069, U+060C */
        snprintf(line, len, "\u2066n = %lld\u2069\u060C %s", (long long)k->card.n, period);
    else
        snprintf(line, len, "n = %lld, %s", (long long)k->card.n, period);
}

/* One bar of a card at x (row-relative y 0) in a column cw wide, as one row (label, bar,
 * percentage; lw wide words, g apart) or stacked (words and percentage, the bar under them);
 * returns its height, or -1 when the column is too narrow for a bar beside the words. */
static int card_bar(ui *u, const ui_sizes *s, const cards_card *c, int j, int x, int cw, int lw,
                    int pw, int g, const card_look *look)
{
    bool stacked = look->stacked;
    const cards_answer *a = &c->answers[j];
    const char *label = card_label(u, c, a);
    char id[UIW_ID_LEN], pct[16], spoken[UIW_LABEL_LEN];
    snprintf(pct, sizeof pct, "%d%%", a->percent);
    snprintf(spoken, sizeof spoken, "%s: %s", label, pct);
    int bar = mm(u, UI_BAR_MM);
    int bx, bw, by, th, h;
    if (look->tall) { /* the words alone on a line, the bar and the percentage beside it under */
        lw = cw;
        th = text_h(u, label, s->small, false, lw);
        int ph = text_h(u, pct, s->small, true, pw), lift = ph > bar ? (ph - bar + 1) / 2 : 0;
        bx = x, bw = cw - pw - g, by = th + s->gap / 4 + lift;
        h = by + bar + lift;
    } else if (stacked) {
        /* the words and percentage on a line, the bar as wide as the column under */
        lw = cw - pw - g;
        th = text_h(u, label, s->small, false, lw);
        bx = x, bw = cw, by = th + s->gap / 4;
        h = by + bar;
    } else {
        bw = cw - lw - pw - 2 * g;
        if (bw < mm(u, UI_BAR_MIN_MM))
            return -1;
        th = text_h(u, label, s->small, false, lw);
        h = th > bar ? th : bar;
        bx = x + lw + g, by = (h - bar) / 2;
    }
    snprintf(id, sizeof id, "card-answer-%d", j);
    /* read as "Clean: 58%"; the bar and the number beside it are not read again */
    add(u, UIW_TEXT, id, label, spoken, s->small, rect(x, 0, lw, th));
    /* the bar: its filled part and the rest side by side (never one over the other) */
    int fw = (int)((int64_t)bw * a->percent / 100);
    if (fw > 0) {
        snprintf(id, sizeof id, "card-fill-%d", j);
        uiw *f = add(u, UIW_PROGRESS, id, "", "", s->small, rect(bx, by, fw, bar));
        if (f)
            f->look = UIW_PRIMARY;
    }
    if (fw < bw) {
        snprintf(id, sizeof id, "card-bar-%d", j);
        uiw *tr = add(u, UIW_PROGRESS, id, "", "", s->small, rect(bx + fw, by, bw - fw, bar));
        if (tr)
            tr->look = UIW_TILE;
    }
    snprintf(id, sizeof id, "card-percent-%d", j);
    int ph = text_h(u, pct, s->small, true, pw);
    int px = x + cw - pw, py = look->tall ? by + (bar - ph) / 2 : stacked ? 0 : (h - ph) / 2;
    if (look->tall && py + ph > h)
        h = py + ph;
    uiw *p = add(u, UIW_TEXT, id, pct, "", s->small, rect(px, py, pw, ph));
    if (p)
        p->bold = true;
    return h;
}

/* The space between a bar and its words and percentage: half the usual on a compact card. */
static int card_inner_gap(const ui_sizes *s, const card_look *look)
{
    return look->compact ? s->gap / 2 : s->gap;
}

/* The width kept for a card's percentages: "100%" on the usual card, the widest of its own on a
 * compact one. */
static int card_pct_w(ui *u, const ui_sizes *s, const cards_card *c, bool compact)
{
    int w = compact ? 0 : text_w(u, "100%", s->small, true);
    char pct[16];
    for (int j = 0; compact && j < c->n_answers; j++) {
        snprintf(pct, sizeof pct, "%d%%", c->answers[j].percent);
        int tw = text_w(u, pct, s->small, true);
        w = tw > w ? tw : w;
    }
    return w + s->pad;
}

/* The bars of a card in look->cols columns of rows; false when a row is too narrow. */
static bool card_bars(ui *u, const ui_sizes *s, ui_rows *rows, int w, const ui_card *k,
                      const card_look *look)
{
    const cards_card *c = &k->card;
    int first, end;
    card_share(k, &first, &end);
    int cols = look->compact ? look->cols : 1;
    int cw = (w - (cols - 1) * s->gap) / cols;
    int pw = card_pct_w(u, s, c, look->compact);
    /* compact: the words as wide as the widest answer's (on one line) where the bar keeps its
     * least width; the bar takes the rest */
    int lw = (cw - pw - 2 * s->gap) * 2 / 5, g = card_inner_gap(s, look), widest = 0, word = 0;
    for (int j = 0; j < c->n_answers; j++) {
        const char *label = card_label(u, c, &c->answers[j]);
        int tw = text_w(u, label, s->small, false),
            ww = word_w(u, label, s->small, false, lang_rtl(u));
        widest = tw > widest ? tw : widest;
        word = ww > word ? ww : word;
    }
    if (look->compact) {
        int most = cw - pw - 2 * g - mm(u, UI_BAR_MIN_MM);
        lw = widest + 1 < most ? widest + 1 : most;
    }
    /* a look whose words would break inside a word does not suit this width */
    if ((look->tall ? cw : look->stacked ? cw - pw - g : lw) < word)
        return false;
    for (int j = first; j < end; j += cols) {
        row_begin(u, rows);
        int h = 0;
        for (int col = 0; col < cols && j + col < end; col++) {
            int bh =
                card_bar(u, s, c, j + col, s->margin + col * (cw + s->gap), cw, lw, pw, g, look);
            if (bh < 0)
                return false;
            h = bh > h ? bh : h;
        }
        row_end(u, rows, h);
    }
    return true;
}

/* A card as rows: heading, the question, "6 in 10 neighbours chose: ...", one labelled bar with
 * its percentage per answer, and n, the period and the date of the figures. False when the
 * look does not suit this width (bars too narrow). */
static bool card_rows(ui *u, const ui_sizes *s, ui_rows *rows, int w, const ui_card *k, int part,
                      const card_look *look)
{
    const cards_card *c = &k->card;
    char line[UIW_LABEL_LEN], num[UIW_LABEL_LEN];
    bool lead = k->q_page ? k->part == 0 : !k->lead_only || k->part == 0;
    if (part != CARD_BARS && lead) {
        if (!look->bare)
            text_row(u, s, rows, w, UIW_TEXT, "card-heading", S(u, UISTR_CARD_HEADING), s->small,
                     true, UI_ALIGN_START);
        /* on a page of its own the question is read at body size */
        uiw *q = text_row(u, s, rows, w, UIW_TEXT, "card-question", c->text,
                          (look->compact && !k->q_page) || k->q_small ? s->small : s->body, true,
                          UI_ALIGN_START);
        if (q && look->bare) { /* the heading is not shown: it is read with the question */
            snprintf(line, sizeof line, "%s. %s", S(u, UISTR_CARD_HEADING), q->spoken);
            wp_strlcpy(q->spoken, line, sizeof q->spoken);
        }
        int top = cards_top(c);
        if (top >= 0 && !look->compact) {
            uistr_format(num, sizeof num, S(u, UISTR_CARD_IN_TEN),
                         (c->answers[top].percent + 5) / 10);
            snprintf(line, sizeof line, "%s %s", num, card_label(u, c, &c->answers[top]));
            text_row(u, s, rows, w, UIW_TEXT, "card-sentence", line, s->small, false,
                     UI_ALIGN_START);
        }
    }
    int first, end, base = u->wl.n;
    bool last = card_share(k, &first, &end);
    if (part != CARD_WORDS && first < end && !card_bars(u, s, rows, w, k, look))
        return false;
    if (!lead && u->wl.n > base && first < end) { /* the question is read before the bars */
        uiw *b = &u->wl.w[base];
        snprintf(line, sizeof line, "%s. %s. %s", S(u, UISTR_CARD_HEADING), c->text, b->spoken);
        wp_strlcpy(b->spoken, line, sizeof b->spoken);
    }
    bool ends = part != CARD_BARS && (last || k->q_page);
    if (ends && (!k->q_bare || last)) {
        card_meta(u, k, look->compact || k->q_page, look->bare && !k->q_page, line, sizeof line);
        if (k->q_page) { /* the short line, read as the compact card's sentence */
            char shown[UIW_LABEL_LEN];
            card_meta_short(u, k, shown, sizeof shown);
            uiw *m = text_row(u, s, rows, w, UIW_TEXT, "card-meta", shown, s->small, false,
                              UI_ALIGN_START);
            if (m)
                wp_strlcpy(m->spoken, line, sizeof m->spoken);
        } else {
            text_row(u, s, rows, w, UIW_TEXT, "card-meta", line, s->small, false, UI_ALIGN_START);
        }
    }
    if (ends && c->expected > 0 &&
        (k->q_bare ? last : lead)) { /* from fewer neighbours than the location usually has */
        char n[24], e[24];
        snprintf(n, sizeof n, "%lld", (long long)c->responses);
        snprintf(e, sizeof e, "%lld", (long long)c->expected);
        const char *names[] = {"n", "e"}, *values[] = {n, e};
        uistr_fill(line, sizeof line, S(u, UISTR_CARD_EXPECTED), names, values, 2);
        text_row(u, s, rows, w, UIW_TEXT, "card-fewer", line, s->small, false, UI_ALIGN_START);
    }
    return true;
}

/* Lays a part of card k as rows of width w at x, from y on (or only measures it, when lay is
 * false); returns its height, or -1 when the look does not suit the width. A card's rows
 * belong together: a quarter of the usual gap. */
static int card_part(ui *u, const ui_sizes *s, const ui_card *k, int part, const card_look *look,
                     int x, int y, int w, bool lay)
{
    int base = u->wl.n;
    ui_rows rows = {.avail = u->o.height};
    /* a card too many widgets for the screen's list (many answers) does not fit either: the
     * widgets after it ("start") must still have room */
    bool ok = card_rows(u, s, &rows, w, k, part, look) && u->wl.n + UI_CARD_RESERVE <= UIW_MAX;
    int total = rows.n ? rows_total(&rows, s->gap / 4) : 0;
    if (!lay || !ok) {
        u->wl.n = base;
        return ok ? total : -1;
    }
    for (int i = 0; i < rows.n; i++) {
        for (int j = 0; j < rows.row[i].count; j++) {
            uiw *wd = &u->wl.w[rows.row[i].first + j];
            wd->r.y += y;
            wd->r.x += x - s->margin;
        }
        y += rows.row[i].h + s->gap / 4;
    }
    return total;
}

/* Lays card k in a look across the screen from y (or measures it); returns its height, or -1
 * when the look does not suit this panel (two columns only on a landscape panel). */
/* Card k's words and its bars side by side in two columns of a width w from y (or measured);
 * the height of the taller, or -1 when either does not suit its column. */
static int card_two(ui *u, const ui_sizes *s, const ui_card *k, const card_look *look, int y, int w,
                    bool lay)
{
    int cw = (w - s->gap) / 2;
    int a = card_part(u, s, k, CARD_WORDS, look, s->margin, y, cw, lay);
    int b = a < 0 ? -1 : card_part(u, s, k, CARD_BARS, look, s->margin + cw + s->gap, y, cw, lay);
    return a < 0 || b < 0 ? -1 : a > b ? a : b;
}

static int card_lay(ui *u, const ui_sizes *s, const ui_card *k, const card_look *look, int y,
                    bool lay)
{
    int w = u->o.width - 2 * s->margin;
    if (!look->two)
        return card_part(u, s, k, CARD_ALL, look, s->margin, y, w, lay);
    if (u->o.width <= u->o.height || k->lead_only || k->q_page)
        return -1;
    return card_two(u, s, k, look, y, w, lay);
}

/* The height of card k (the tallest of its parts) in the first look in which every part fits
 * into room (*look says which), or -1 when none does. */
static int card_fit(ui *u, const ui_sizes *s, const ui_card *k, int room, card_look *look)
{
    ui_card part = *k;
    int parts = k->parts > 1 ? k->parts : 1;
    for (int i = 0; i < CARD_LOOKS; i++) {
        int h = 0;
        for (part.part = 0; part.part < parts && h >= 0; part.part++) {
            int ph = card_lay(u, s, &part, &card_looks[i], 0, false);
            h = ph < 0 || ph > room ? -1 : ph > h ? ph : h;
        }
        if (h > 0) {
            *look = card_looks[i];
            return h;
        }
    }
    return -1;
}

/* The card the attract screen shows now: they take turns with the languages. */
static bool attract_card(const ui *u, ui_card *out)
{
    if (!u->cards || cards_count(u->cards) == 0 || !qset_shows_cards(u->qs, lang_code(u)))
        return false;
    out->from = u->cards;
    cards_get(u->cards, u->key.attract_lang % cards_count(u->cards), lang_code(u), &out->card);
    return true;
}

/* Where the attract screen's texts and card go: the title, the top below the toolbar (or
 * card_top for a card alone), the top of "start" and the welcome's inset. */
typedef struct {
    const char *title;
    int y, card_top, by, inset;
} attract_room;

/* The attract screen's text sizes, largest first: title and welcome step down together. */
static int attract_px(const ui_sizes *s, int k, bool title)
{
    int tpx[] = {s->title, s->heading, s->body, s->small};
    int wpx[] = {s->heading, s->body, s->small, s->small};
    return title ? tpx[k] : wpx[k];
}

/* The largest text sizes k (0-3) with which the title (when shown), the welcome wl and card
 * (all of its parts; NULL: none) fit above "start", with *th, *wh (the welcome and its gap),
 * *ch and *look; 4 when even the smallest do not. */
static int attract_fit(ui *u, const ui_sizes *s, const attract_room *r, bool show_title,
                       const char *wl, const ui_card *card, card_look *look, int *th, int *wh,
                       int *ch)
{
    int w = u->o.width - 2 * s->margin;
    bool above = show_title || *wl; /* something above the card */
    int top = above || !card ? r->y : r->card_top;
    for (int k = 0; k < 4; k++) {
        *th = show_title ? text_h(u, r->title, attract_px(s, k, true), true, w) : 0;
        *wh = *wl ? text_h(u, wl, attract_px(s, k, false), false, w - 2 * r->inset) + s->gap : 0;
        int room = r->by - s->gap - top - (show_title ? *th + s->gap : 0) - *wh;
        if (card ? (*ch = card_fit(u, s, card, room - (above ? s->gap : 0), look)) > 0 : room >= 0)
            return k;
    }
    return 4;
}

/* Says whether card, as cut (card->parts and its ways), fits pages of its own on a screen: the
 * screen's pages then (its first page and the card's), else 0. */
typedef int (*card_try_fn)(ui *u, const ui_sizes *s, ui_card *card, void *ctx);

/* A card that does not fit beside a screen's words, cut into parts on pages of its own (the
 * attract screen's and the thank-you screen's): each with the question (up to UI_CARD_PARTS);
 * else the question on a page of its own (at body size, else small) and the bars on as few pages
 * as they fit, down to one a page, with the short line of n and the period on each (narrow
 * panels in large text), or on a last page of its own; else the question on the first part only
 * (read before the bars on the others). A card of many answers is not cut into many pages. The
 * screen's pages in the first cut that try accepts, with card set to it; 0 when none fits. */
static int card_cut(ui *u, const ui_sizes *s, ui_card *card, card_try_fn try, void *ctx)
{
    int pages = 0;
    bool many = card->card.n_answers > UI_CARD_MAX_PARTS;
    card->part = 0;
    card->lead_only = card->q_page = card->q_small = card->q_bare = false;
    for (int parts = 1;
         parts <= UI_CARD_PARTS && parts <= card->card.n_answers && !pages && (parts == 1 || !many);
         parts++) {
        card->parts = parts;
        pages = try(u, s, card, ctx);
    }
    /* small: 0 the question at body size, 1 small, 2 small and without the short line (then on
     * the bars' pages only) */
    for (int small = 0; small < 3 && !pages && !many; small++)
        for (int parts = small == 2 ? 3 : 2;
             parts <= card->card.n_answers + (small == 2 ? 2 : 1) && !pages; parts++) {
            card->q_page = true;
            card->q_small = small > 0;
            card->q_bare = small == 2;
            card->parts = parts;
            pages = try(u, s, card, ctx);
        }
    if (!pages)
        card->q_page = card->q_small = card->q_bare = false;
    for (int parts = 2; parts <= card->card.n_answers && !pages && !many; parts++) {
        card->lead_only = true;
        card->parts = parts;
        pages = try(u, s, card, ctx);
    }
    if (!pages)
        card->parts = 0, card->lead_only = false;
    return pages;
}

/* The attract screen's room and what attract_fit found, for attract_try. */
typedef struct {
    const attract_room *r;
    card_look *look;
    int *th, *wh, *ch;
    bool *title;
} attract_tried;

/* Card (as cut into card->parts) on pages of its own, with the title where it fits: the pages
 * of the attract screen (the welcome's and the card's), or 0 when it does not fit. */
static int attract_try(ui *u, const ui_sizes *s, ui_card *card, void *ctx)
{
    attract_tried *a = ctx;
    for (int t = 1; t >= 0; t--)
        if (attract_fit(u, s, a->r, t, "", card, a->look, a->th, a->wh, a->ch) < 4) {
            *a->title = t;
            return 1 + card->parts;
        }
    return 0;
}

static void lay_attract(ui *u, const ui_sizes *s)
{
    int w = u->o.width - 2 * s->margin;
    ui_card card = {.part = 0};
    bool has_card = !u->last_error[0] && attract_card(u, &card);
    /* with a card, "start" is as low as on a compact panel (still far above a target's least)
     * and sits at the bottom margin */
    int bw = mm(u, 160), bh = mm(u, s->compact || has_card ? 28 : 40);
    int bx = (u->o.width - bw) / 2;
    int y, by;
    /* On a 7" or 10" panel a card needs the height of the toolbar: "more" goes beside "start",
     * as on a low panel (not in large text on a narrow one: "start" needs the width there, and
     * no card fits anyway). */
    bool side = s->one_bar || (has_card && s->compact && !(u->large && s->narrow));
    if (side) {
        /* Too low for a toolbar above the welcome: "more" sits beside "start". */
        int mw = more_w(u, s);
        bx = s->margin + mw + s->gap;
        bw = u->o.width - s->margin - bx;
        bh = text_h(u, S(u, UISTR_TAP_TO_START), s->body, true, bw - 2 * s->pad) + 2 * s->pad;
        if (bh < s->bottom_h)
            bh = s->bottom_h;
        by = u->o.height - s->margin / 2 - bh;
        add_more(u, s, rect(s->margin, by, mw, bh));
        y = reach_top(u, s);
    } else {
        if (bw > w)
            bw = w;
        bx = (u->o.width - bw) / 2;
        y = lay_toolbar(u, s, false) + s->gap + mm(u, s->compact ? 2 : 8);
        /* Tall enough for its words (they wrap on a portrait panel). */
        int need =
            text_h(u, S(u, UISTR_TAP_TO_START), s->heading, true, bw - 2 * s->pad) + 2 * s->pad;
        if (need > bh)
            bh = need;
        by = u->o.height - s->margin - bh - mm(u, s->compact || has_card ? 0 : 10);
    }
    const char *title = T(u, qset_title(u->qs));
    const char *welcome = T(u, qset_welcome(u->qs));
    int inset = s->compact ? 0 : mm(u, 20);
    /* The largest text sizes with which title and welcome fit above the start button: a long
     * welcome in large text steps down (never below the mode's minimum), never off screen. The
     * card of what neighbours said goes between the welcome and "start": the title and welcome
     * step down for it, the card takes a compact look. */
    card_look look = card_looks[0];
    int ch = 0;
    /* alone, the card starts at the top margin where "more" sits beside "start": it has no
     * target to keep within reach */
    int card_top = side ? s->margin / 2 : y;
    attract_room room = {title, y, card_top, by, inset};
    /* The attract screen's pages: all on one where the card fits beside the title and welcome.
     * Else the title and welcome on the first page, and the card on the next (with the title
     * where it fits), or in parts on pages of their own where it does not fit whole even alone
     * (Arabic and large text on 7" panels): one page a round through the languages. A card
     * that fits no way gives way to the next one; without one, one page and no card. */
    bool show_title = true, card_title = true;
    int k = 4, th = 0, wh = 0, pages = 0;
    int ncards = has_card ? cards_count(u->cards) : 0;
    attract_tried tried = {&room, &look, &th, &wh, &ch, &card_title};
    for (int tries = 0; tries < ncards && !pages; tries++) {
        cards_get(u->cards, (u->key.attract_lang + tries) % ncards, lang_code(u), &card.card);
        card.part = card.parts = 0;
        card.lead_only = card.q_page = card.q_small = card.q_bare = false;
        if (attract_fit(u, s, &room, true, welcome, &card, &look, &th, &wh, &ch) < 4) {
            pages = 1;
            break;
        }
        pages = card_cut(u, s, &card, attract_try, &tried);
    }
    int page = pages > 1 ? u->key.attract_round % pages : 0;
    u->attract_pages = pages > 1 ? pages : 1;
    if (pages == 1) { /* all on one page */
        k = attract_fit(u, s, &room, true, welcome, &card, &look, &th, &wh, &ch);
    } else if (page > 0) { /* a card page: no welcome */
        card.part = page - 1;
        show_title = card_title;
        welcome = "";
        k = attract_fit(u, s, &room, show_title, welcome, &card, &look, &th, &wh, &ch);
    } else { /* the title and welcome alone */
        k = attract_fit(u, s, &room, true, welcome, NULL, &look, &th, &wh, &ch);
        ch = 0;
    }
    int err_h = 0;
    char msg[UIW_LABEL_LEN] = "";
    if (u->last_error[0]) {
        /* For staff: answers cannot be stored right now (full disk, read-only medium). */
        snprintf(msg, sizeof msg, "%s (%s)", S(u, UISTR_SAVE_ERROR), u->last_error);
        err_h = text_h(u, msg, s->small, true, w - 2 * s->pad) + 2 * s->pad;
    }
    if (k == 4) {
        /* Even the smallest sizes of this mode do not fit (large text on a small panel): the
         * title and welcome scroll above the start button. */
        ui_message_px px = {attract_px(s, 3, true), attract_px(s, 3, false)};
        ui_message m = {title, welcome, false, &px};
        lay_content(u, s, y, by - s->gap - (err_h ? err_h + s->gap : 0), NULL, build_message, &m);
        y = by;
    } else if (show_title) {
        uiw *t = add(u, UIW_HEADING, "title", title, NULL, attract_px(s, k, true),
                     rect(s->margin, y, w, th));
        if (t) {
            t->bold = true;
            t->align = UI_ALIGN_CENTER;
        }
        y += th + s->gap;
    }
    if (k < 4 && *welcome) {
        int h = wh - s->gap;
        uiw *p = add(u, UIW_TEXT, "welcome", welcome, NULL, attract_px(s, k, false),
                     rect(s->margin + inset, y, w - 2 * inset, h));
        if (p)
            p->align = UI_ALIGN_CENTER;
        y += h + s->gap;
    }
    if (k < 4 && ch > 0 && !show_title && !*welcome)
        y = card_top;
    /* the card: in the middle of the room left beside the welcome, at the top of a page of
     * its own */
    if (k < 4 && ch > 0)
        card_lay(u, s, &card, &look, pages > 1 ? y : y + (by - s->gap - y - ch) / 2, true);
    if (msg[0]) {
        uiw *e = add(u, UIW_HINT, "storage-error", msg, NULL, s->small,
                     rect(s->margin, by - s->gap - err_h, w, err_h));
        if (e) {
            e->look = UIW_HINTBOX;
            e->bold = true;
        }
    }
    if (by < y)
        by = y;
    uiw *b = add(u, UIW_BUTTON, "start", S(u, UISTR_TAP_TO_START), NULL,
                 side ? s->body : s->heading, rect(bx, by, bw, bh));
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

/* Where content goes between the toolbar (if at the top) and the bottom bar. */
static int content_top(ui *u, const ui_sizes *s, bool toolbar, bool with_language)
{
    if (!toolbar)
        return reach_top(u, s);
    return lay_toolbar(u, s, with_language) + s->gap;
}

/* The bottom of the content: a gap above the bottom bar b (NULL: none). */
static int content_bottom(ui *u, const ui_sizes *s, const ui_bottom *b)
{
    if (!b)
        return u->o.height - s->margin / 2;
    ui_bottom_geo g;
    bottom_geo(u, s, b, &g);
    return g.top - s->gap;
}

/* The screen with the "more" panel open: the controls where the content was; on one-bar panels
 * "more" (now "close") stays in the bottom bar. */
static void lay_more_open(ui *u, const ui_sizes *s, bool with_language)
{
    ui_bottom only = {.tools = true};
    bool lang_here = false;
    if (s->one_bar) {
        ui_bottom full = {.back = true, .next = "", .tools = true, .language = true};
        lang_here = with_language && !language_in_bar(u, s, &full);
    } else {
        lang_here = with_language && !language_in_toolbar(u, s);
    }
    int top = content_top(u, s, !s->one_bar, with_language);
    lay_content(u, s, top, content_bottom(u, s, s->one_bar ? &only : NULL), NULL, build_more,
                &lang_here);
    if (s->one_bar)
        lay_bottom(u, s, &only, false);
}

static void build_language(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx)
{
    (void)ctx;
    text_row(u, s, rows, w, UIW_HEADING, "heading", S(u, UISTR_CHOOSE_LANGUAGE), s->heading, true,
             UI_ALIGN_CENTER);
    /* The languages staff chose to offer (config "languages"); all when none of them match. */
    int offered[QSET_MAX_LANGS], n = 0;
    for (int i = 0; i < qset_n_languages(u->qs); i++)
        if (language_offered(u, qset_language(u->qs, i)))
            offered[n++] = i;
    if (n == 0)
        for (int i = 0; i < qset_n_languages(u->qs); i++)
            offered[n++] = i;
    ui_tile t[QSET_MAX_LANGS];
    for (int k = 0; k < n; k++) {
        int i = offered[k];
        const char *code = qset_language(u->qs, i);
        memset(&t[k], 0, sizeof t[k]);
        snprintf(t[k].id, sizeof t[k].id, "lang:%s", code);
        wp_strlcpy(t[k].label, qset_ui_string(u->qs, u->o.strings, code, UISTR_LANGUAGE_NAME),
                   sizeof t[k].label);
        t[k].act = UIA_LANG;
        t[k].arg = i;
        t[k].selected = flow_language(u->fl) == i && flow_language_chosen(u->fl);
        t[k].rtl = qset_ui_rtl(u->qs, u->o.strings, code);
        wp_strlcpy(t[k].lang, code, sizeof t[k].lang);
    }
    ui_grid g = {.px = s->compact ? s->body : s->heading,
                 .pref = n <= 2 ? n : (n <= 4 ? 2 : 3),
                 .packed = true,
                 .max_w = mm(u, u->large ? 120 : 105)};
    /* In large text on a small panel, tiles no taller than their targets need: more languages
     * on the first page. */
    rows->tight = u->large && s->compact;
    lay_tiles(u, s, rows, w, t, n, &g);
    rows->tight = false;
}

static void lay_language(ui *u, const ui_sizes *s)
{
    int top = content_top(u, s, !s->one_bar, false);
    ui_bottom b = {.back = true, .tools = s->one_bar};
    ui_bottom_geo g;
    bottom_geo(u, s, &b, &g);
    bool taken =
        lay_content(u, s, top, g.top - s->gap, s->one_bar ? NULL : &g.middle, build_language, NULL);
    lay_bottom(u, s, &b, taken);
}

/* Label of an answer tile as its type's row says: the kiosk's own words for built-in answers
 * (smiley faces, yes/no, scale numbers) or the set's text. */
static void option_label(const ui *u, const qset_question *q, int i, char *buf, size_t len,
                         const char **icon)
{
    const qset_option *o = &q->options[i];
    *icon = o->icon;
    switch (qtype_get(q->type)->label) {
    case QTYPE_LABEL_SMILEY: {
        static const char *const faces[] = {"smiley-1", "smiley-2", "smiley-3", "smiley-4",
                                            "smiley-5"};
        wp_strlcpy(buf, S(u, (uistr_key)(UISTR_SMILEY_1 + i)), len);
        *icon = faces[i < 5 ? i : 4];
        return;
    }
    case QTYPE_LABEL_YESNO:
        wp_strlcpy(buf,
                   S(u, !strcmp(o->id, "yes")  ? UISTR_YES
                        : !strcmp(o->id, "no") ? UISTR_NO
                                               : UISTR_PREFER_NOT),
                   len);
        return;
    case QTYPE_LABEL_VALUE:
        wp_strlcpy(buf, o->id, len);
        return;
    case QTYPE_LABEL_TEXT:
        wp_strlcpy(buf, T(u, &o->text), len);
        return;
    }
}

/* ---------- question layouts: one drawing function per qtype_layout ---------- */

/* The answer tiles of q (caller frees); *widest: the widest label on one line. NULL on OOM. */
static ui_tile *answer_tiles(ui *u, const ui_sizes *s, const qset_question *q, int *widest)
{
    int n = q->n_options;
    ui_tile *tiles = calloc((size_t)(n > 0 ? n : 1), sizeof *tiles);
    if (!tiles)
        return NULL;
    *widest = 0;
    for (int i = 0; i < n; i++) {
        ui_tile *ti = &tiles[i];
        option_label(u, q, i, ti->label, sizeof ti->label, &ti->icon);
        snprintf(ti->id, sizeof ti->id, "option:%s:%s", q->id, q->options[i].id);
        ti->act = UIA_OPTION;
        ti->arg = i;
        ti->clip = q->options[i].text.audio[cur_lang(u)];
        ti->selected = flow_selected(u->fl, flow_question(u->fl), i);
        ti->rtl = lang_rtl(u);
        wp_strlcpy(ti->lang, lang_code(u), sizeof ti->lang);
        int lw = text_w(u, ti->label, s->body, false);
        if (lw > *widest)
            *widest = lw;
    }
    return tiles;
}

/* A note: its text and hint are all there is. */
static void lay_answers_note(ui *u, const ui_sizes *s, ui_rows *rows, int w, const qset_question *q)
{
    (void)u;
    (void)s;
    (void)rows;
    (void)w;
    (void)q;
}

/* Wide tiles with the set's texts, in as many columns as the labels allow. */
static void lay_answers_list(ui *u, const ui_sizes *s, ui_rows *rows, int w, const qset_question *q)
{
    int widest;
    ui_tile *tiles = answer_tiles(u, s, q, &widest);
    if (!tiles)
        return;
    int n = q->n_options;
    ui_grid g = {.px = s->body, .pref = n <= 2 ? n : (n <= 6 ? 2 : 3)};
    if (u->large && g.pref > 2)
        g.pref = 2;
    /* As wide as the longest label needs (on one line if it can), at least 100 mm. */
    g.max_w = widest + 2 * s->pad + mm(u, 20);
    if (g.max_w < mm(u, 100))
        g.max_w = mm(u, 100);
    lay_tiles(u, s, rows, w, tiles, n, &g);
    free(tiles);
}

/* A compact centred row of built-in answers (faces, yes/no). */
static void lay_answers_row(ui *u, const ui_sizes *s, ui_rows *rows, int w, const qset_question *q)
{
    int widest;
    ui_tile *tiles = answer_tiles(u, s, q, &widest);
    if (!tiles)
        return;
    ui_grid g = {.px = s->body, .packed = true, .max_w = mm(u, 60)};
    lay_tiles(u, s, rows, w, tiles, q->n_options, &g);
    free(tiles);
}

/* A compact row of numbers with the end labels under the first and last. */
static void lay_answers_scale(ui *u, const ui_sizes *s, ui_rows *rows, int w,
                              const qset_question *q)
{
    int widest;
    ui_tile *tiles = answer_tiles(u, s, q, &widest);
    if (!tiles)
        return;
    ui_grid g = {.px = s->body, .packed = true, .max_w = mm(u, 40)};
    int first = u->wl.n;
    lay_tiles(u, s, rows, w, tiles, q->n_options, &g);
    free(tiles);
    if (!(T(u, &q->low)[0] || T(u, &q->high)[0]) || u->wl.n <= first)
        return;
    char id[UIW_ID_LEN];
    /* End labels under the first and last tile of the scale's span. */
    int x0 = u->wl.w[first].r.x, x1 = x0;
    for (int k = first; k < u->wl.n; k++)
        if (u->wl.w[k].r.x + u->wl.w[k].r.w > x1)
            x1 = u->wl.w[k].r.x + u->wl.w[k].r.w;
    row_begin(u, rows);
    int span = x1 - x0;
    int lw = span / 2 - s->gap / 2;
    bool rtl = lang_rtl(u);
    if (word_w(u, T(u, &q->low), s->body, false, rtl) > lw ||
        word_w(u, T(u, &q->high), s->body, false, rtl) > lw) {
        /* Too narrow side by side: low above high, each across the scale. */
        int lh = text_h(u, T(u, &q->low), s->body, false, span);
        snprintf(id, sizeof id, "low:%s", q->id);
        add(u, UIW_TEXT, id, T(u, &q->low), NULL, s->body, rect(x0, 0, span, lh));
        row_end(u, rows, lh);
        row_begin(u, rows);
        int hh = text_h(u, T(u, &q->high), s->body, false, span);
        snprintf(id, sizeof id, "high:%s", q->id);
        uiw *hi = add(u, UIW_TEXT, id, T(u, &q->high), NULL, s->body, rect(x0, 0, span, hh));
        if (hi)
            hi->align = UI_ALIGN_END;
        row_end(u, rows, hh);
    } else {
        int lh = text_h(u, T(u, &q->low), s->body, false, lw);
        int hh = text_h(u, T(u, &q->high), s->body, false, lw);
        int rh = lh > hh ? lh : hh;
        snprintf(id, sizeof id, "low:%s", q->id);
        add(u, UIW_TEXT, id, T(u, &q->low), NULL, s->body, rect(x0, 0, lw, rh));
        snprintf(id, sizeof id, "high:%s", q->id);
        uiw *hi =
            add(u, UIW_TEXT, id, T(u, &q->high), NULL, s->body, rect(x0 + span - lw, 0, lw, rh));
        if (hi)
            hi->align = UI_ALIGN_END;
        row_end(u, rows, rh);
    }
}

/* A likert question: one row of labelled tiles across the width, in the set's order, when
 * every label keeps its words whole and the row fits the content height; else the usual list
 * (no warning: the answers are the same). */
static void lay_answers_likert(ui *u, const ui_sizes *s, ui_rows *rows, int w,
                               const qset_question *q)
{
    int widest;
    ui_tile *tiles = answer_tiles(u, s, q, &widest);
    if (!tiles)
        return;
    ui_grid g = {.px = s->body, .packed = true};
    bool row = tiles_fit_one_row(u, s, rows, w, tiles, q->n_options, &g);
    if (row)
        lay_tiles(u, s, rows, w, tiles, q->n_options, &g);
    free(tiles);
    if (!row)
        lay_answers_list(u, s, rows, w, q);
}

typedef void (*lay_answers_fn)(ui *u, const ui_sizes *s, ui_rows *rows, int w,
                               const qset_question *q);

/* The one place a type's layout (its row in qtype.c) becomes drawing code. */
static const lay_answers_fn lay_answers[QTYPE_N_LAYOUTS] = {
    [QTYPE_LAYOUT_NOTE] = lay_answers_note,     [QTYPE_LAYOUT_LIST] = lay_answers_list,
    [QTYPE_LAYOUT_ROW] = lay_answers_row,       [QTYPE_LAYOUT_SCALE] = lay_answers_scale,
    [QTYPE_LAYOUT_LIKERT] = lay_answers_likert,
};

/* Where the first row with an answer in rows [from, n) ends, laid from the top with gap between
 * rows; -1 when no row has one. */
static int first_answer_end(const ui *u, const ui_rows *rows, int from, int gap)
{
    int y = 0;
    for (int i = from; i < rows->n; i++) {
        y += rows->row[i].h;
        for (int k = 0; k < rows->row[i].count; k++)
            if (u->wl.w[rows->row[i].first + k].action == UIA_OPTION)
                return y;
        y += gap;
    }
    return -1;
}

/* Answers with an icon (faces, pictograms) among the widgets from index first. */
static int icons_from(const ui *u, int first)
{
    int n = 0;
    for (int i = first; i < u->wl.n; i++)
        n += u->wl.w[i].action == UIA_OPTION && u->wl.w[i].icon != NULL;
    return n;
}

/* A question's rows with its text at px: the text, the instruction, the set's hint, the
 * answers; tight: the answers laid into what the rows above leave of the first page, as low as
 * their targets may be (their icons smaller, fewer columns). */
static void question_rows(ui *u, const ui_sizes *s, ui_rows *rows, int w, int px, bool tight)
{
    const qset_question *q = qset_question_at(u->qs, flow_question(u->fl));
    const qtype *ty = qtype_get(q->type);
    char id[UIW_ID_LEN];
    snprintf(id, sizeof id, "question:%s", q->id);
    uiw *t = text_row(u, s, rows, w, UIW_HEADING, id, T(u, &q->text), px, true, UI_ALIGN_START);
    if (t)
        t->clip = q->text.audio[cur_lang(u)];

    /* The kiosk's instruction for the type ("choose one"), with a multi's bounds. */
    char instr[UIW_LABEL_LEN] = "";
    if ((ty->keys & QTYPE_KEY_COUNT) && q->max > 0)
        uistr_format(instr, sizeof instr, S(u, UISTR_CHOOSE_UP_TO), q->max);
    else if (ty->say != UISTR_COUNT)
        wp_strlcpy(instr, S(u, ty->say), sizeof instr);
    if ((ty->keys & QTYPE_KEY_COUNT) && q->min > 1) {
        /* The minimum is said up front, not only after a refused "next". */
        char least[UIW_LABEL_LEN];
        uistr_format(least, sizeof least, S(u, UISTR_CHOOSE_AT_LEAST), q->min);
        size_t used = strlen(instr);
        snprintf(instr + used, sizeof instr - used, ". %s", least);
    }
    text_row(u, s, rows, w, UIW_TEXT, "instruction", instr, s->body, false, UI_ALIGN_START);
    if (q->hint.s[0]) { /* the set's hint (optional, then in every language) */
        snprintf(id, sizeof id, "hint:%s", q->id);
        uiw *h =
            text_row(u, s, rows, w, UIW_TEXT, id, T(u, &q->hint), s->body, false, UI_ALIGN_START);
        if (h)
            h->clip = q->hint.audio[cur_lang(u)];
    }
    int avail = rows->avail;
    if (tight) {
        rows->tight = true;
        rows->avail -= rows_total(rows, s->gap) + s->gap;
    }
    lay_answers[ty->layout](u, s, rows, w, q);
    rows->avail = avail;
    rows->tight = false;
}

/* The question at heading size; at body size when at heading size not one answer would be
 * whole on the first page (large text on a small panel): the resident sees an answer before
 * they scroll. */
static void build_question(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx)
{
    (void)ctx;
    int first_w = u->wl.n, first_row = rows->n;
    question_rows(u, s, rows, w, s->heading, false);
    if (rows->avail <= 0 || first_answer_end(u, rows, first_row, s->gap) <= rows->avail)
        return;
    int px = s->body < s->heading ? s->body : s->heading;
    if (px < s->heading) {
        u->wl.n = first_w;
        rows->n = first_row;
        question_rows(u, s, rows, w, px, false);
        if (first_answer_end(u, rows, first_row, s->gap) <= rows->avail)
            return;
    }
    /* Still none: the answers as low as targets may be, into the room left, as long as every
     * face or pictogram stays. */
    int icons = icons_from(u, first_w);
    u->wl.n = first_w;
    rows->n = first_row;
    question_rows(u, s, rows, w, px, true);
    int end = first_answer_end(u, rows, first_row, s->gap);
    if (end >= 0 && end <= rows->avail && icons_from(u, first_w) == icons)
        return;
    u->wl.n = first_w;
    rows->n = first_row;
    question_rows(u, s, rows, w, px, false);
}

/* ---------- a matrix: questions sharing their options on one screen ---------- */

/* The geometry of a matrix at content width w: the questions' text in a column at the start
 * side, then one column of answer targets per option under a header of the options' labels. */
typedef struct {
    int n;         /* options (columns) */
    int px;        /* size of the header's labels */
    int cw, tcw;   /* width of an answer column and of the text column */
    int instr_h;   /* the instruction above the header */
    int head_h;    /* the header row */
    bool icons;    /* the header shows the options' icons */
    int rows_h;    /* the rows of every question of the matrix, with their gaps */
    int row_extra; /* height added to every row where the screen has room (up to 30 mm rows) */
} ui_mgeo;

/* A matrix row's targets are as low as A8 allows (a matrix is rows of targets: every row
 * counts on a 10" panel), with half a millimetre to spare. */
#define UI_MATRIX_TARGET_MM 20.5

static int matrix_row_h(ui *u, const qset_question *q, int px, int tcw)
{
    int h = text_h(u, T(u, &q->text), px, false, tcw), least = mm(u, UI_MATRIX_TARGET_MM);
    return h > least ? h : least;
}

/* True when the matrix [first, matrix_last] fits w x avail with its texts at px (every row at
 * once, each target at least tile_min wide with its gap, every word of the labels and questions
 * whole); else false with the reason in why (may be NULL). */
static bool matrix_geo_at(ui *u, const ui_sizes *s, int first, int w, int avail, int px, ui_mgeo *g,
                          char *why, size_t len)
{
    const qset_question *q0 = qset_question_at(u->qs, first);
    bool rtl = lang_rtl(u);
    memset(g, 0, sizeof *g);
    g->n = q0->n_options;
    g->px = px;
    g->cw = s->tile_min;
    for (int i = 0; i < g->n; i++) {
        int ww = word_w(u, T(u, &q0->options[i].text), g->px, false, rtl) + 2 * s->pad;
        if (ww > g->cw)
            g->cw = ww;
        g->icons |= q0->options[i].icon != NULL;
    }
    int tmin = mm(u, 30);
    for (int k = first; k <= q0->matrix_last; k++) {
        int ww = word_w(u, T(u, &qset_question_at(u->qs, k)->text), g->px, false, rtl);
        if (ww > tmin)
            tmin = ww;
    }
    g->tcw = w - g->n * (g->cw + s->gap);
    if (g->tcw < tmin) {
        if (why)
            snprintf(why, len,
                     "too narrow: %d answer columns of %.0f mm and the questions' %.0f mm need "
                     "%.0f mm, the screen has %.0f mm",
                     g->n, g->cw / u->o.px_per_mm, tmin / u->o.px_per_mm,
                     (tmin + g->n * (g->cw + s->gap)) / u->o.px_per_mm, w / u->o.px_per_mm);
        return false;
    }
    /* The questions' column as wide as their longest text on one line (the targets close to
     * the words they answer); room to spare widens the targets up to 45 mm. */
    int want = tmin;
    for (int k = first; k <= q0->matrix_last; k++) {
        int lw = text_w(u, T(u, &qset_question_at(u->qs, k)->text), g->px, false) + mm(u, 4);
        if (lw > want)
            want = lw;
    }
    int extra = (g->tcw - want) / (g->n > 0 ? g->n : 1), most = mm(u, 45) - g->cw;
    if (extra > most)
        extra = most;
    if (extra > 0)
        g->cw += extra;
    g->tcw = w - g->n * (g->cw + s->gap);
    if (g->tcw > want)
        g->tcw = want;
    g->instr_h = text_h(u, S(u, UISTR_CHOOSE_ONE), s->body, false, w);
    for (int i = 0; i < g->n; i++) {
        int h = text_h(u, T(u, &q0->options[i].text), g->px, false, g->cw - 2 * s->pad);
        if (h > g->head_h)
            g->head_h = h;
    }
    if (g->icons)
        g->head_h += s->icon + s->pad;
    int rows = 0;
    for (int k = first; k <= q0->matrix_last; k++, rows++)
        g->rows_h += matrix_row_h(u, qset_question_at(u->qs, k), g->px, g->tcw) + s->gap;
    int total = g->instr_h + s->gap + g->head_h + s->gap + g->rows_h - s->gap;
    if (total > avail) { /* the header says what to do: "choose one" gives way first */
        total -= g->instr_h + s->gap;
        g->instr_h = 0;
    }
    if (total > avail) {
        if (why)
            snprintf(why, len,
                     "too low: the header and %d rows need %.0f mm, the screen has %.0f mm", rows,
                     total / u->o.px_per_mm, avail / u->o.px_per_mm);
        return false;
    }
    /* Room to spare makes the rows taller, up to 30 mm targets: easier to hit. */
    if (rows > 0 && avail > total) {
        g->row_extra = (avail - total) / rows;
        if (g->row_extra > mm(u, 30 - UI_MATRIX_TARGET_MM))
            g->row_extra = mm(u, 30 - UI_MATRIX_TARGET_MM);
    }
    /* Widgets: the instruction, the header, each row's text and targets, the bars' controls. */
    if (1 + g->n + rows * (g->n + 1) > UIW_MAX - 24) {
        if (why)
            snprintf(why, len, "too many answers on one screen (%d rows of %d)", rows, g->n);
        return false;
    }
    return true;
}

/* The matrix's geometry: at the size of a question's heading where the panel has room for it
 * (on large panels the rows then read like the other screens), else at the body size. */
static bool matrix_geo(ui *u, const ui_sizes *s, int first, int w, int avail, ui_mgeo *g, char *why,
                       size_t len)
{
    if (!s->compact && s->heading > s->body &&
        matrix_geo_at(u, s, first, w, avail, s->heading, g, NULL, 0))
        return true;
    return matrix_geo_at(u, s, first, w, avail, s->body, g, why, len);
}

/* The matrix shown together: "choose one", the options' labels (and icons) as a header over
 * their columns, then each visible question as a row: its text, one target per option. Read
 * aloud: each question, then its options (the header is not read: every target says its
 * option). */
static void build_matrix(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx)
{
    (void)ctx;
    int first, last;
    if (!flow_matrix(u->fl, &first, &last))
        return;
    const qset_question *q0 = qset_question_at(u->qs, first);
    ui_mgeo g;
    matrix_geo(u, s, first, w, rows->avail, &g, NULL, 0);
    if (g.instr_h > 0)
        text_row(u, s, rows, w, UIW_TEXT, "instruction", S(u, UISTR_CHOOSE_ONE), s->body, false,
                 UI_ALIGN_START);
    char id[UIW_ID_LEN];
    int x0 = s->margin + g.tcw + s->gap;
    row_begin(u, rows);
    for (int i = 0; i < g.n; i++) {
        snprintf(id, sizeof id, "head:%s", q0->options[i].id);
        uiw *h = add(u, UIW_TEXT, id, T(u, &q0->options[i].text), "", g.px,
                     rect(x0 + i * (g.cw + s->gap), 0, g.cw, g.head_h));
        if (!h)
            continue;
        h->align = UI_ALIGN_CENTER;
        if (g.icons && q0->options[i].icon) {
            h->icon = q0->options[i].icon;
            h->icon_h = s->icon;
        }
    }
    row_end(u, rows, g.head_h);
    for (int k = first; k <= last; k++) {
        if (!flow_visible(u->fl, k))
            continue;
        const qset_question *q = qset_question_at(u->qs, k);
        int h = matrix_row_h(u, q, g.px, g.tcw) + g.row_extra;
        row_begin(u, rows);
        snprintf(id, sizeof id, "question:%s", q->id);
        int th = text_h(u, T(u, &q->text), g.px, false, g.tcw);
        uiw *t = add(u, UIW_TEXT, id, T(u, &q->text), NULL, g.px,
                     rect(s->margin, (h - th) / 2, g.tcw, th));
        if (t)
            t->clip = q->text.audio[cur_lang(u)];
        for (int i = 0; i < g.n; i++) {
            snprintf(id, sizeof id, "option:%s:%s", q->id, q->options[i].id);
            uiw *o = add(u, UIW_OPTION, id, "", T(u, &q->options[i].text), g.px,
                         rect(x0 + i * (g.cw + s->gap), 0, g.cw, h));
            if (!o)
                continue;
            o->look = UIW_TILE;
            o->action = UIA_OPTION;
            o->arg = i;
            o->matrix_q = k + 1;
            o->clip = q->options[i].text.audio[cur_lang(u)];
            o->selected = flow_selected(u->fl, k, i);
            o->align = UI_ALIGN_CENTER;
            o->checkmark = true;
        }
        row_end(u, rows, h);
    }
}

/* The controls behind "more", as a grid in the content area (ctx: a bool, true when the
 * language switch is there too because the bottom bar had no room for it). */
static void build_more(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx)
{
    ui_tool t[UI_TOOLS + 1];
    tools(u, s, t);
    int nt = UI_TOOLS;
    if (ctx && *(const bool *)ctx) {
        ui_tool *l = &t[nt++];
        l->id = "language-switch";
        l->act = UIA_LANG_SWITCH;
        l->toggle = l->on = false;
        l->enabled = true;
        wp_strlcpy(l->label, S(u, UISTR_LANGUAGE), sizeof l->label);
        l->w = language_switch_w(u, s);
    }
    int tw = 0;
    for (int i = 0; i < nt; i++)
        if (t[i].w > tw)
            tw = t[i].w;
    if (tw > w)
        tw = w;
    int cols = (w + s->gap) / (tw + s->gap);
    if (cols < 1)
        cols = 1;
    if (cols > nt)
        cols = nt;
    tw = (w - (cols - 1) * s->gap) / cols;
    for (int r0 = 0; r0 < nt; r0 += cols) {
        row_begin(u, rows);
        int h = s->bar_h;
        for (int i = r0; i < nt && i < r0 + cols; i++) {
            int need = text_h(u, t[i].label, s->small, false,
                              tw - 2 * s->pad - 2 * s->outline - tool_symbol_w(s, &t[i])) +
                       2 * s->pad;
            if (need > h)
                h = need;
        }
        int first = u->wl.n;
        for (int i = r0; i < nt && i < r0 + cols; i++)
            add_tool(u, s, &t[i], rect(s->margin + (i - r0) * (tw + s->gap), 0, tw, h));
        for (int k = first; k < u->wl.n; k++)
            u->wl.w[k].r.h = h;
        row_end(u, rows, h);
    }
}

/* Where a question screen's content goes: [*top, *bottom) (without a hint showing). */
static void question_area(ui *u, const ui_sizes *s, int *top, int *bottom)
{
    ui_bottom b = {.back = true,
                   .next = S(u, UISTR_NEXT),
                   .next_widest = {S(u, UISTR_SKIP), S(u, UISTR_NEXT), S(u, UISTR_FINISH)},
                   .tools = s->one_bar,
                   .language = true};
    ui_bottom_geo g;
    bottom_geo(u, s, &b, &g);
    *top = s->one_bar ? reach_top(u, s) : s->margin / 2 + s->bar_h + s->gap;
    *bottom = g.top - s->gap;
}

static void lay_question(ui *u, const ui_sizes *s, int64_t now, ui_build_fn build)
{
    const qset_question *q = qset_question_at(u->qs, flow_question(u->fl));
    int pos = 0, total = 0;
    flow_progress(u->fl, &pos, &total);
    char progress[32];
    snprintf(progress, sizeof progress, "%d / %d", pos, total);
    flow_next_kind nk = flow_next_kind_now(u->fl);
    char msg[UIW_LABEL_LEN] = "";
    flow_hint hint = flow_hint_now(u->fl, now);
    if (hint == FLOW_HINT_MAX)
        uistr_format(msg, sizeof msg, S(u, UISTR_MAX_REACHED), q->max);
    else if (hint == FLOW_HINT_MIN)
        uistr_format(msg, sizeof msg, S(u, UISTR_CHOOSE_AT_LEAST), q->min);
    else if (hint == FLOW_HINT_REQUIRED)
        wp_strlcpy(msg, S(u, UISTR_REQUIRED), sizeof msg);
    ui_bottom b = {.back = true,
                   .progress = progress,
                   .next = S(u, nk == FLOW_NEXT_SKIP     ? UISTR_SKIP
                                : nk == FLOW_NEXT_FINISH ? UISTR_FINISH
                                                         : UISTR_NEXT),
                   .next_widest = {S(u, UISTR_SKIP), S(u, UISTR_NEXT), S(u, UISTR_FINISH)},
                   .next_enabled = flow_next_enabled(u->fl),
                   .next_secondary = nk == FLOW_NEXT_SKIP,
                   .hint = msg,
                   .tools = s->one_bar,
                   .language = true};
    if (u->more_open) {
        lay_more_open(u, s, true);
        return;
    }
    ui_bottom_geo g;
    bottom_geo(u, s, &b, &g);
    /* A hint goes where there is room for it: the bottom bar's middle, else (same height, so
     * nothing moves) the toolbar's place; on one-bar panels it takes "more" and the language
     * switch's place in the bar. */
    bool has_hint = msg[0] != '\0';
    int top = s->one_bar ? reach_top(u, s) : s->margin / 2 + s->bar_h + s->gap;
    bool taken = lay_content(u, s, top, g.top - s->gap, s->one_bar ? NULL : &g.middle, build, NULL);
    if (has_hint && !s->one_bar && (taken || g.middle.w < mm(u, 50))) {
        lay_top_hint(u, s, msg);
        b.hint = NULL;
    } else if (!s->one_bar) {
        lay_toolbar(u, s, true);
    }
    lay_bottom(u, s, &b, taken);
}

static void build_message(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx)
{
    const ui_message *m = ctx;
    int inset = s->compact || m->px ? 0 : mm(u, 20);
    int first = u->wl.n;
    text_row(u, s, rows, w - 2 * inset, UIW_HEADING, m->px ? "title" : "heading", m->head,
             m->px ? m->px->head : s->title, true, UI_ALIGN_CENTER);
    text_row(u, s, rows, w - 2 * inset, UIW_TEXT, m->px ? "welcome" : "message", m->body,
             m->px        ? m->px->body
             : s->compact ? s->body
                          : s->heading,
             false, UI_ALIGN_CENTER);
    for (int k = first; k < u->wl.n; k++)
        u->wl.w[k].r.x += inset;
    if (m->with_continue) {
        row_begin(u, rows);
        int bw = mm(u, 130), bh = mm(u, s->compact ? 26 : 36);
        if (bw > w)
            bw = w;
        uiw *c = add(u, UIW_BUTTON, "continue", S(u, UISTR_CONTINUE), NULL, s->heading,
                     rect(s->margin + (w - bw) / 2, 0, bw, bh));
        if (c) {
            c->look = UIW_PRIMARY;
            c->action = UIA_CONTINUE;
            c->bold = true;
            c->align = UI_ALIGN_CENTER;
        }
        row_end(u, rows, bh);
    }
}

static void lay_message(ui *u, const ui_sizes *s, const char *head, const char *body,
                        bool with_continue)
{
    /* One-bar panels leave the toolbar off: the message needs the height. */
    if (u->more_open && !s->one_bar) {
        lay_more_open(u, s, false);
        return;
    }
    int top = content_top(u, s, !s->one_bar, false) + (s->compact ? 0 : mm(u, 10));
    ui_message m = {head, body, with_continue, NULL};
    lay_content(u, s, top, content_bottom(u, s, NULL), NULL, build_message, &m);
}

/* Outside opening hours, after a tap: the poll's title, "closed", and the opening hours. No
 * controls: nothing here starts a poll (staff use the corner gesture). */
static void lay_closed(ui *u, const ui_sizes *s)
{
    int inset = s->compact ? 0 : mm(u, 20);
    int w = u->o.width - 2 * s->margin - 2 * inset, x = s->margin + inset;
    int y = s->margin + mm(u, s->compact ? 4 : 30);
    const char *texts[3] = {T(u, qset_title(u->qs)), S(u, UISTR_CLOSED), u->hours};
    static const char *const ids[3] = {"title", "closed", "hours"};
    /* The largest sizes that fit; on a small panel in large text the title gives way. */
    int tpx[] = {s->title, s->heading, s->body, s->small, 0};
    int bpx[] = {s->heading, s->body, s->small, s->small, s->small};
    int k = 0;
    for (; k < 4; k++) {
        int total = y;
        for (int i = 0; i < 3; i++)
            if (texts[i][0] && (i > 0 || tpx[k]))
                total += text_h(u, texts[i], i == 0 ? tpx[k] : bpx[k], i == 0, w) + 2 * s->gap;
        if (total <= u->o.height)
            break;
    }
    if (k == 4)
        texts[0] = "";
    for (int i = 0; i < 3; i++) {
        if (!texts[i][0])
            continue;
        int px = i == 0 ? tpx[k] : bpx[k];
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
    k.attract_round = k.screen == FLOW_ATTRACT && !u->resting ? flow_attract_round(u->fl, now) : 0;
    k.thanks_page = k.screen == FLOW_THANKS ? flow_thanks_page(u->fl, now) : 0;
    k.countdown = flow_countdown(u->fl, now);
    k.hint = flow_hint_now(u->fl, now);
    k.scroll = u->scroll;
    k.volume = volume_now(u);
    k.reading = u->reading;
    k.more_open = u->more_open;
    k.large = u->large;
    k.contrast = u->contrast;
    k.staff = ui_staff_active(u->o.staff);
    k.resting = u->resting;
    k.awake = u->resting && now < u->awake_until;
    int first, last;
    k.matrix = flow_matrix(u->fl, &first, &last);
    return k;
}

/* ---------- the screens: one table ---------- */

/* Each screen's layout: its widgets into u->wl for the key k. */
typedef void (*ui_lay_fn)(ui *u, const ui_sizes *s, const ui_key *k, int64_t now);

static void scr_attract(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)now;
    if (k->resting)
        return; /* blank: the display may sleep */
    if (u->more_open)
        lay_more_open(u, s, false);
    else
        lay_attract(u, s);
}

static void scr_closed(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)k;
    (void)now;
    lay_closed(u, s);
}

static void scr_language(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)k;
    (void)now;
    if (u->more_open)
        lay_more_open(u, s, false);
    else
        lay_language(u, s);
}

static void scr_question(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)k;
    lay_question(u, s, now, build_question);
}

static void scr_matrix(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)k;
    lay_question(u, s, now, build_matrix);
}

static void scr_still_there(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)now;
    char body[UIW_LABEL_LEN];
    uistr_format(body, sizeof body, S(u, UISTR_STILL_THERE_BODY), k->countdown);
    lay_message(u, s, S(u, UISTR_STILL_THERE), body, true);
}

/* The thank-you screen of a set with "thanks_share": the thanks, "You are one of N neighbours
 * who answered this month" (when known: ui_set_one_of) and that question's card. Where they do
 * not fit on one page, the screen has pages: the thanks and "one of N" on the first (or, where
 * even that is too much, the thanks by sentences and "one of N" on as few pages as they fit),
 * then the card's, cut as on the attract screen. */
#define THANKS_STEPS      4 /* text sizes of the thanks, largest first (thanks_words) */
#define THANKS_WORD_PAGES 4 /* pages of the thanks and "one of N" at most */
#define THANKS_SENTENCES  16

/* A page of the thanks' words: the thanks' bytes [from, to) and "one of N" or not. */
typedef struct {
    int from, to;
    bool one_of;
} thanks_words_page;

typedef struct {
    const char *thanks;
    char one_of[UIW_LABEL_LEN];
    ui_card card;
    bool fits; /* build_thanks: the card fitted below the words */
    /* the pages of the words (n_words 0: the words and the card on one page, build_thanks) */
    thanks_words_page words[THANKS_WORD_PAGES];
    int n_words, step, page; /* their text size; the page build_thanks lays (-1: one page) */
} ui_thanks;

/* The thanks' bytes [from, to) and "one of N" (when one_of) at step i: the thanks steps down to
 * the heading size (1), then with "one of N" to body and small text (2), and to small text too
 * (3: the mode's least, a long thanks in large text on a 7" panel). */
static void thanks_words(ui *u, const ui_sizes *s, ui_rows *rows, int w, const ui_thanks *t,
                         const thanks_words_page *p, int i)
{
    int px[] = {s->compact ? s->heading : s->title, s->heading, s->body, s->small};
    int opx[] = {s->body, s->body, s->small, s->small};
    char part[UIW_LABEL_LEN];
    snprintf(part, sizeof part, "%.*s", p->to - p->from, t->thanks + p->from);
    text_row(u, s, rows, w, UIW_HEADING, "heading", part, px[i], true, UI_ALIGN_CENTER);
    if (p->one_of)
        text_row(u, s, rows, w, UIW_TEXT, "one-of", t->one_of, opx[i], false, UI_ALIGN_CENTER);
}

/* All of the thanks and "one of N". */
static thanks_words_page thanks_all(const ui_thanks *t)
{
    return (thanks_words_page){0, (int)strlen(t->thanks), true};
}

/* The thanks and "one of N", then the card in the first look with which all of it fits without
 * scrolling (the thanks stepping down first; fits says whether it did); else (page >= 0) that
 * page of the words alone. */
static void build_thanks(ui *u, const ui_sizes *s, ui_rows *rows, int w, void *ctx)
{
    ui_thanks *t = ctx;
    if (t->page >= 0) {
        thanks_words(u, s, rows, w, t, &t->words[t->page], t->step);
        return;
    }
    int base_w = u->wl.n, base_r = rows->n;
    thanks_words_page all = thanks_all(t);
    t->fits = false;
    for (int i = 0; i < 3; i++) {
        thanks_words(u, s, rows, w, t, &all, i);
        int words_w = u->wl.n, words_r = rows->n;
        for (int l = 0; l < CARD_LOOKS; l++) {
            /* the card as one row, its own rows a quarter gap apart as on the attract screen;
             * words and bars side by side on a landscape panel */
            const card_look *lk = &card_looks[l];
            if (lk->two && u->o.width <= u->o.height)
                continue;
            row_begin(u, rows);
            int h = lk->two ? card_two(u, s, &t->card, lk, 0, w, true)
                            : card_part(u, s, &t->card, CARD_ALL, lk, s->margin, 0, w, true);
            if (h > 0)
                row_end(u, rows, h);
            if (h > 0 && u->wl.n + UI_CARD_RESERVE <= UIW_MAX &&
                rows_total(rows, s->gap) <= rows->avail) {
                t->fits = true;
                return;
            }
            u->wl.n = words_w;
            rows->n = words_r;
        }
        u->wl.n = base_w; /* again, with a smaller thanks */
        rows->n = base_r;
    }
}

/* Whether page p of the words fits w x avail at step i without scrolling (measured). */
static bool thanks_page_fits(ui *u, const ui_sizes *s, int w, int avail, const ui_thanks *t,
                             const thanks_words_page *p, int i)
{
    int base = u->wl.n;
    ui_rows rows = {.avail = avail};
    thanks_words(u, s, &rows, w, t, p, i);
    bool fits = rows_total(&rows, s->gap) <= avail;
    u->wl.n = base;
    return fits;
}

/* The words' pages at step i: the thanks' sentences on as few pages as they fit, "one of N"
 * with the last where it fits there, else on a page of its own; false when a sentence alone
 * does not fit (the pages are then filled all the same: it scrolls). */
static bool thanks_pack(ui *u, const ui_sizes *s, int w, int avail, ui_thanks *t, int i)
{
    /* where the sentences end (after ". ", "! ", "? ", "؟ " and the spaces after them) */
    int ends[THANKS_SENTENCES], n = 0, len = (int)strlen(t->thanks);
    for (int k = 0; k < len && n < THANKS_SENTENCES - 1; k++) {
        bool stop = strchr(".!?", t->thanks[k]) != NULL;
        int after = k + 1;
        if (!stop && !strncmp(t->thanks + k, "\u061F", 2)) /* the Arabic question mark */
            stop = true, after = k + 2;
        if (stop && t->thanks[after] == ' ') {
            while (t->thanks[after] == ' ')
                after++;
            ends[n++] = after;
            k = after - 1;
        }
    }
    ends[n++] = len;
    bool ok = true;
    t->n_words = 0;
    t->step = i;
    int from = 0;
    for (int e = 0; e < n && t->n_words < THANKS_WORD_PAGES;) {
        /* the page from `from` as far as it fits: at least one sentence */
        int to = e;
        thanks_words_page p = {from, ends[e], false};
        ok = ok && thanks_page_fits(u, s, w, avail, t, &p, i);
        while (to + 1 < n) {
            thanks_words_page q = {from, ends[to + 1], false};
            if (!thanks_page_fits(u, s, w, avail, t, &q, i))
                break;
            to++;
        }
        if (t->n_words == THANKS_WORD_PAGES - 1 && to < n - 1) { /* the rest on the last page */
            to = n - 1;
            thanks_words_page r = {from, ends[to], false};
            ok = ok && thanks_page_fits(u, s, w, avail, t, &r, i);
        }
        t->words[t->n_words++] = (thanks_words_page){from, ends[to], false};
        from = ends[to];
        e = to + 1;
    }
    thanks_words_page *last = &t->words[t->n_words - 1];
    last->one_of = true;
    if (t->one_of[0] && !thanks_page_fits(u, s, w, avail, t, last, i)) {
        last->one_of = false;
        if (t->n_words < THANKS_WORD_PAGES)
            t->words[t->n_words++] = (thanks_words_page){len, len, true};
        else
            last->one_of = true, ok = false;
    }
    return ok;
}

/* The words' pages: the fewest at the largest text size (thanks_pack). */
static void thanks_word_pages(ui *u, const ui_sizes *s, int w, int avail, ui_thanks *t)
{
    int best = -1, best_n = THANKS_WORD_PAGES + 1;
    for (int i = 0; i < THANKS_STEPS; i++)
        if (thanks_pack(u, s, w, avail, t, i) && t->n_words < best_n)
            best = i, best_n = t->n_words;
    thanks_pack(u, s, w, avail, t, best >= 0 ? best : THANKS_STEPS - 1);
}

/* The thank-you screen's room for a card on a page of its own, for thanks_try. */
typedef struct {
    int room;
    card_look look;
    int words; /* pages before the card's */
} thanks_tried;

/* Card (as cut into card->parts) on pages of its own below the toolbar: the thank-you screen's
 * pages (the words' and the card's), or 0 when it does not fit. */
static int thanks_try(ui *u, const ui_sizes *s, ui_card *card, void *ctx)
{
    thanks_tried *t = ctx;
    return card_fit(u, s, card, t->room, &t->look) > 0 ? t->words + card->parts : 0;
}

/* What read-aloud reads on a thank-you screen in pages (speak_screen reads u->content): the
 * thanks, "one of N" and the whole card once, whichever page is shown; the page's own content
 * widgets are wl[at, at + shown). */
static void thanks_reading(ui *u, const ui_sizes *s, ui_thanks *t, int at, int shown)
{
    int base = u->wl.n, w = u->o.width - 2 * s->margin;
    ui_rows rows = {.avail = 0}; /* never cut into rows */
    thanks_words_page all = thanks_all(t);
    thanks_words(u, s, &rows, w, t, &all, 0);
    ui_card whole = t->card;
    whole.part = whole.parts = 0;
    whole.lead_only = whole.q_page = whole.q_small = whole.q_bare = false;
    for (int l = 0; l < CARD_LOOKS; l++) /* the first look that lays it, at any height */
        if (!card_looks[l].two &&
            card_part(u, s, &whole, CARD_ALL, &card_looks[l], s->margin, 0, w, true) >= 0)
            break;
    u->content.n = 0;
    for (int i = base; i < u->wl.n; i++)
        uiw_push(&u->content, &u->wl.w[i]);
    u->wl.n = base;
    u->content_at = at;
    u->content_shown = shown;
}

static void scr_thanks(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)now;
    const char *t = T(u, qset_thanks(u->qs));
    int qi = qset_thanks_share(u->qs);
    int ci = qi >= 0 && u->cards
                 ? cards_find(u->cards, qset_id(u->qs), qset_question_at(u->qs, qi)->id)
                 : -1;
    if (!qset_shows_cards(u->qs, lang_code(u))) /* no card words in this language */
        ci = -1;
    u->thanks_pages = 1;
    if (ci < 0 || (u->more_open && !s->one_bar)) {
        lay_message(u, s, *t ? t : S(u, UISTR_THANKS), NULL, false);
        flow_set_thanks_pages(u->fl, 1);
        return;
    }
    ui_thanks th = {.thanks = *t ? t : S(u, UISTR_THANKS), .page = -1};
    th.card.from = u->cards;
    cards_get(u->cards, ci, lang_code(u), &th.card.card);
    if (u->one_of > 0)
        uistr_format(th.one_of, sizeof th.one_of, S(u, UISTR_THANKS_ONE_OF), (long)u->one_of);
    int top = content_top(u, s, !s->one_bar, false), bottom = content_bottom(u, s, NULL);
    int w = u->o.width - 2 * s->margin;
    /* All of it on one page where the card fits below the words (measured as lay_content lays
     * it without scrolling); else the words' pages, then the card's, turning on the flow's
     * timer (flow_thanks_page). */
    int base = u->wl.n;
    ui_rows rows = {.avail = bottom - top};
    build_thanks(u, s, &rows, w, &th);
    u->wl.n = base;
    thanks_tried tried = {.room = bottom - top};
    int pages = 1;
    if (!th.fits) {
        thanks_word_pages(u, s, w, bottom - top, &th);
        tried.words = th.n_words;
        pages = card_cut(u, s, &th.card, thanks_try, &tried);
        if (pages == 0) /* the card fits no way: the words alone */
            pages = th.n_words;
    }
    u->thanks_pages = pages;
    flow_set_thanks_pages(u->fl, pages);
    int page = k->thanks_page < pages ? k->thanks_page : pages - 1;
    if (th.fits || page < th.n_words) {
        th.page = th.fits ? -1 : page;
        lay_content(u, s, top, bottom, NULL, build_thanks, &th);
        if (pages > 1)
            thanks_reading(u, s, &th, u->content_at, u->content_shown);
        return;
    }
    th.card.part = page - th.n_words;
    int at = u->wl.n;
    card_fit(u, s, &th.card, tried.room, &tried.look);
    card_lay(u, s, &th.card, &tried.look, top, true);
    thanks_reading(u, s, &th, at, u->wl.n - at);
}

static void scr_save_error(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)k;
    (void)now;
    lay_message(u, s, S(u, UISTR_SAVE_ERROR), u->last_error, false);
}

/* Staff screens: in the staff language, never mirrored, laid out by the staff module. */
static void scr_staff(ui *u, const ui_sizes *s, const ui_key *k, int64_t now)
{
    (void)k;
    (void)now;
    ui_staff_metrics m = {.width = u->o.width,
                          .height = u->o.height,
                          .px_per_mm = u->o.px_per_mm,
                          .body_px = s->body,
                          .heading_px = s->heading,
                          .small_px = s->small,
                          .gap = s->gap,
                          .margin = s->margin,
                          .pad = s->pad,
                          .text = u->text};
    ui_staff_layout(u->o.staff, &u->wl, &m);
}

typedef struct {
    ui_screen_info info;
    ui_lay_fn lay;
} ui_screen_def;

/* The toolbar's controls and scrolling: on every resident screen that has them. */
#define TOOLS                                                                                      \
    (UI_ACT(UIA_READ_ALOUD) | UI_ACT(UIA_VOLUME_UP) | UI_ACT(UIA_VOLUME_DOWN) |                    \
     UI_ACT(UIA_LARGE_TEXT) | UI_ACT(UIA_HIGH_CONTRAST) | UI_ACT(UIA_MORE) |                       \
     UI_ACT(UIA_SCROLL_UP) | UI_ACT(UIA_SCROLL_DOWN))
#define STAFF_ENTRY(name, steps, then)                                                             \
    {                                                                                              \
        {name,  FLOW_ATTRACT, UI_ACT(UIA_STAFF), NULL, then, UI_SCREEN_ONCE, false, false,         \
         false, steps},                                                                            \
            scr_staff                                                                              \
    }
#define STAFF_IDLE "staff mode is left after 2 minutes without a tap"

/* THE table of screens. A new screen: one entry here and its layout function above; the
 * walker (ui_walk.c), test_a11y and `wijkpeil-qset preview` visit it from this table. The
 * current screen is the first entry that matches: any staff entry while staff mode is active,
 * else the flow's screen (the attract screen's entry with `closed` while resting and woken). */
static const ui_screen_def screens[] = {
    {{"attract", FLOW_ATTRACT, UI_ACT(UIA_START) | UI_ACT(UIA_LANG_SWITCH) | TOOLS, "idle_seconds",
      "display modes a resident left on are reset; the languages cycle", UI_SCREEN_ONCE, false,
      false, true, NULL},
     scr_attract},
    {{"language", FLOW_LANGUAGE, UI_ACT(UIA_LANG) | UI_ACT(UIA_BACK) | TOOLS, "idle_seconds",
      "no tap: still-there", UI_SCREEN_ONCE, false, false, false, NULL},
     scr_language},
    {{"question", FLOW_QUESTION,
      UI_ACT(UIA_OPTION) | UI_ACT(UIA_NEXT) | UI_ACT(UIA_BACK) | UI_ACT(UIA_LANG_SWITCH) | TOOLS,
      "idle_seconds", "no tap: still-there", UI_SCREEN_EACH_QUESTION, false, false, true, NULL},
     scr_question},
    {{"matrix", FLOW_QUESTION,
      UI_ACT(UIA_OPTION) | UI_ACT(UIA_NEXT) | UI_ACT(UIA_BACK) | UI_ACT(UIA_LANG_SWITCH) | TOOLS,
      "idle_seconds", "no tap: still-there", UI_SCREEN_EACH_MATRIX, false, false, true, NULL},
     scr_matrix},
    {{"still-there", FLOW_STILL_THERE, UI_ACT(UIA_CONTINUE) | TOOLS, "still_there_seconds",
      "the answers so far are saved (abandoned) and the attract screen returns", UI_SCREEN_ONCE,
      false, false, false, NULL},
     scr_still_there},
    {{"thanks", FLOW_THANKS, TOOLS, "thanks_seconds", "the attract screen", UI_SCREEN_ONCE, false,
      false, false, NULL},
     scr_thanks},
    {{"save-error", FLOW_SAVE_ERROR, TOOLS, "thanks_seconds",
      "twice thanks_seconds, then the attract screen; the answers wait in memory and are retried",
      UI_SCREEN_ONCE, false, true, false, NULL},
     scr_save_error},
    {{"closed", FLOW_ATTRACT, 0, "idle_seconds", "blank again (outside opening hours)",
      UI_SCREEN_ONCE, true, false, false, NULL},
     scr_closed},
    STAFF_ENTRY("staff-pin", "enter", STAFF_IDLE),
    STAFF_ENTRY("staff-pin-wrong", "enter pin:1111", STAFF_IDLE),
    STAFF_ENTRY("staff", "enter pin", STAFF_IDLE),
    STAFF_ENTRY("staff-message", "enter pin tap:staff-sync", STAFF_IDLE),
    STAFF_ENTRY("staff-import", "enter pin tap:staff-import", STAFF_IDLE),
    STAFF_ENTRY("staff-import-activated", "enter pin tap:staff-import tap:activate:0", STAFF_IDLE),
    STAFF_ENTRY("staff-import-taken", "enter pin tap:staff-import tap:take:0", STAFF_IDLE),
    STAFF_ENTRY("staff-import-no-stick", "no-stick enter pin tap:staff-import", STAFF_IDLE),
    STAFF_ENTRY("staff-switch", "enter pin tap:staff-switch", STAFF_IDLE),
    STAFF_ENTRY("staff-export", "enter pin tap:staff-export", STAFF_IDLE),
    STAFF_ENTRY("staff-export-no-stick", "no-stick enter pin tap:staff-export", STAFF_IDLE),
    STAFF_ENTRY("staff-export-progress", "enter pin tap:staff-export tap:export-all", STAFF_IDLE),
    STAFF_ENTRY("staff-export-done", "enter pin tap:staff-export tap:export-all settle",
                STAFF_IDLE),
    STAFF_ENTRY("staff-export-failed", "enter pin tap:staff-export no-stick tap:export-all settle",
                STAFF_IDLE),
};

#define N_SCREENS (int)(sizeof screens / sizeof screens[0])

int ui_screen_count(void)
{
    return N_SCREENS;
}

const ui_screen_info *ui_screen_at(int i)
{
    return i >= 0 && i < N_SCREENS ? &screens[i].info : NULL;
}

/* The entry of what is showing for key k. */
static const ui_screen_def *current_screen(const ui_key *k)
{
    for (int i = 0; i < N_SCREENS; i++) {
        const ui_screen_info *in = &screens[i].info;
        bool closed = k->screen == FLOW_ATTRACT && k->awake;
        if (k->staff ? in->staff != NULL
                     : !in->staff && in->screen == k->screen && in->closed == closed &&
                           (in->span == UI_SCREEN_EACH_MATRIX) == k->matrix)
            return &screens[i];
    }
    return NULL;
}

/* The sizes of the current mode, with bars tall enough for a line of this language's script
 * (Arabic lines are taller). */
static ui_sizes screen_sizes(ui *u)
{
    ui_sizes s = sizes(u);
    int line = text_h(u, S(u, UISTR_BACK), s.body, true, u->o.width) + 2 * s.pad + 2 * s.outline;
    if (s.bar_h < line)
        s.bar_h = line;
    if (s.bottom_h < line)
        s.bottom_h = line;
    return s;
}

/* Measures which matrices fit in the resident's language and mode (when these changed) and
 * tells the flow which to ask apart. */
static void matrices_fit(ui *u)
{
    flow_screen sc = flow_current(u->fl);
    if (sc != FLOW_QUESTION && sc != FLOW_LANGUAGE && sc != FLOW_STILL_THERE)
        return; /* cur_lang is the resident's language only there */
    ui_matrix_fit *m = &u->mfit;
    int lang = flow_language(u->fl);
    if (m->valid && m->qs == u->qs && m->lang == lang && m->large == u->large)
        return;
    bool all = m->all_apart;
    m->valid = true;
    m->qs = u->qs;
    m->lang = lang;
    m->large = u->large;
    ui_sizes s = screen_sizes(u);
    int top, bottom;
    question_area(u, &s, &top, &bottom);
    for (int i = 0; i < qset_n_questions(u->qs); i++) {
        const qset_question *q = qset_question_at(u->qs, i);
        if (q->matrix_first != i)
            continue;
        ui_mgeo g;
        if (all)
            wp_strlcpy(m->why[i], "every matrix asked apart", sizeof m->why[i]);
        else if (matrix_geo(u, &s, i, u->o.width - 2 * s.margin, bottom - top, &g, m->why[i],
                            sizeof m->why[i]))
            m->why[i][0] = '\0';
        flow_set_matrix_apart(u->fl, i, m->why[i][0] != '\0');
    }
}

const char *ui_matrix_why(ui *u, int question)
{
    if (question < 0 || question >= qset_n_questions(u->qs))
        return NULL;
    int first = qset_question_at(u->qs, question)->matrix_first;
    matrices_fit(u);
    return first >= 0 && u->mfit.valid && u->mfit.why[first][0] ? u->mfit.why[first] : NULL;
}

void ui_set_matrix_apart(ui *u, bool all)
{
    u->mfit.valid = false;
    u->mfit.all_apart = all;
    u->layout_valid = false;
}

static void layout(ui *u, int64_t now)
{
    matrices_fit(u);
    ui_key k = current_key(u, now);
    if (u->layout_valid && !memcmp(&k, &u->key, sizeof k))
        return;
    u->key = k;
    u->wl.n = 0;
    u->max_scroll = 0;
    u->content_at = -1;
    u->content_shown = 0;
    u->peek.n = 0;
    ui_sizes s = screen_sizes(u);
    const ui_screen_def *d = current_screen(&k);
    if (d)
        d->lay(u, &s, &k, now);
    /* A tap triggers only what the screen's entry lists (the walker reports any other). */
    for (int i = 0; i < u->wl.n; i++) {
        uiw *w = &u->wl.w[i];
        w->undeclared = w->action != UIA_NONE && !(d && (d->info.actions & UI_ACT(w->action)));
    }
    /* Measure every label once, inside its padding: drawing and the checks use it. */
    for (int i = 0; i < u->wl.n; i++) {
        uiw *w = &u->wl.w[i];
        w->pad = w->pad_x = w->look == UIW_PLAIN ? 0 : s.pad;
        ui_text_style st = {.px = w->px, .bold = w->bold, .rtl = w->rtl, .align = w->align};
        ui_text_measure(u->text, w->label, &st, w->r.w - 2 * w->pad_x - w->symbol_w, &w->text_w,
                        &w->text_h);
    }
    if (!k.staff && lang_rtl(u)) {
        uiw_mirror(&u->wl, u->o.width);
        uiw_mirror(&u->peek, u->o.width);
    }
    u->layout_valid = true;
}

/* ---------- speech ---------- */

/* How long reading segs aloud takes at most, from its words (UI thread: no clip is opened to
 * look). espeak-ng at SPEECH_RATE_WPM reads the Dutch thank-you screen with its card (~440
 * characters, numbers said as words) in 49 s, 10 characters a second with the pauses:
 * UI_READ_CHARS_PER_S leaves room; a character of three UTF-8 bytes (an Ethiopic syllable)
 * counts as two; each segment's pause, and UI_READ_AFTER_MS to see the screen after the last
 * word (test_ui_speech compares it with what espeak-ng says). */
#define UI_READ_CHARS_PER_S 8
#define UI_READ_AFTER_MS    2000
static int64_t reading_ms(const speech_segment *seg, int n)
{
    int64_t chars = 0;
    for (int i = 0; i < n; i++)
        for (const unsigned char *p = (const unsigned char *)seg[i].text; p && *p; p++)
            if ((*p & 0xC0) != 0x80)
                chars += *p >= 0xE0 ? 2 : 1;
    return chars * 1000 / UI_READ_CHARS_PER_S + (int64_t)n * SPEECH_PAUSE_MS + UI_READ_AFTER_MS;
}

/* Reads the current screen aloud: its heading and texts, then every answer or button, each in
 * its own language (a language tile is read in that language). The thank-you screen stays until
 * it has been read (flow_thanks_hold). */
static void speak_screen(ui *u, int64_t now)
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
                       !strcmp(w->id, "scroll-up") || !strcmp(w->id, "progress") ||
                       !strcmp(w->id, "more");
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
    if (n > 0 && speech_say(u->o.speech, seg, n) == 0)
        flow_thanks_hold(u->fl, now, reading_ms(seg, n));
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

/* Triangles of a drawn shape in one colour (check mark, toolbar symbols). */
#define SHAPE_MAX_VERTICES 384
typedef struct {
    SDL_Vertex v[SHAPE_MAX_VERTICES];
    int n;
    SDL_Color c;
} shape;

static void shape_tri(shape *sh, SDL_FPoint a, SDL_FPoint b, SDL_FPoint c)
{
    if (sh->n + 3 > SHAPE_MAX_VERTICES)
        return;
    SDL_FPoint p[3] = {a, b, c};
    for (int k = 0; k < 3; k++)
        sh->v[sh->n++] = (SDL_Vertex){.position = p[k], .color = sh->c};
}

/* A quadrilateral given by its corners in order around it. */
static void shape_quad(shape *sh, const SDL_FPoint q[4])
{
    shape_tri(sh, q[0], q[1], q[2]);
    shape_tri(sh, q[0], q[2], q[3]);
}

/* A straight stroke from a to b, t thick on each side of the line. */
static void shape_stroke(shape *sh, SDL_FPoint a, SDL_FPoint b, float t)
{
    float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0)
        return;
    float nx = -dy / len * t, ny = dx / len * t;
    SDL_FPoint q[4] = {
        {a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}};
    shape_quad(sh, q);
}

static void shape_disc(shape *sh, SDL_FPoint o, float rad)
{
    const int k = 24;
    for (int i = 0; i < k; i++) {
        float a0 = 6.2831853f * (float)i / k, a1 = 6.2831853f * (float)(i + 1) / k;
        shape_tri(sh, o, (SDL_FPoint){o.x + rad * cosf(a0), o.y + rad * sinf(a0)},
                  (SDL_FPoint){o.x + rad * cosf(a1), o.y + rad * sinf(a1)});
    }
}

/* An arc of radius rad around o from angle a0 to a1 (radians, 0 = towards +x), t wide. */
static void shape_arc(shape *sh, SDL_FPoint o, float rad, float a0, float a1, float t)
{
    const int k = 10;
    float ri = rad - t / 2, ro = rad + t / 2;
    for (int i = 0; i < k; i++) {
        float b0 = a0 + (a1 - a0) * (float)i / k, b1 = a0 + (a1 - a0) * (float)(i + 1) / k;
        SDL_FPoint q[4] = {{o.x + ri * cosf(b0), o.y + ri * sinf(b0)},
                           {o.x + ro * cosf(b0), o.y + ro * sinf(b0)},
                           {o.x + ro * cosf(b1), o.y + ro * sinf(b1)},
                           {o.x + ri * cosf(b1), o.y + ri * sinf(b1)}};
        shape_quad(sh, q);
    }
}

/* A thick check mark in a disc at the tile's top corner on the end side. */
static void checkmark(ui *u, const ui_sizes *s, const uiw *w, SDL_Color bg, SDL_Color fg)
{
    /* The disc and its margin fill the corner square the layout kept (s->check). */
    int m = (int)lround(s->check * UI_CHECK_MARGIN_MM / (UI_CHECK_DISC_MM + UI_CHECK_MARGIN_MM));
    int d = s->check - m;
    int cx = w->rtl ? w->r.x + m + d / 2 : w->r.x + w->r.w - m - d / 2;
    int cy = w->r.y + m + d / 2;
    SDL_Rect disc = {cx - d / 2, cy - d / 2, d, d};
    fill(u->r, disc, bg);
    float t = (float)d * 0.12f;
    SDL_FPoint p[3] = {{(float)cx - d * 0.28f, (float)cy},
                       {(float)cx - d * 0.08f, (float)cy + d * 0.22f},
                       {(float)cx + d * 0.30f, (float)cy - d * 0.22f}};
    shape sh = {.n = 0, .c = fg};
    for (int s = 0; s < 2; s++)
        shape_stroke(&sh, p[s], p[s + 1], t);
    SDL_RenderGeometry(u->r, NULL, sh.v, sh.n, NULL, 0);
}

/* The symbols beside the speech controls' labels, drawn in the label's colour in the square
 * box (facing the reading direction): read-aloud a speaking head (a head and shoulders with
 * straight speech lines before the mouth), volume down a loudspeaker with one wave, volume up
 * a loudspeaker with three waves. */
static void draw_symbol(SDL_Renderer *r, const char *name, bool rtl, SDL_Rect box, SDL_Color c)
{
    const float pi = 3.14159265f;
    float d = (float)box.w, x0 = (float)box.x, y0 = (float)box.y;
#define P(fx, fy) ((SDL_FPoint){x0 + (fx)*d, y0 + (fy)*d})
    shape sh = {.n = 0, .c = c};
    if (!strcmp(name, "read-aloud")) {
        shape_disc(&sh, P(0.28f, 0.32f), 0.22f * d);
        SDL_FPoint body[4] = {P(0.0f, 0.96f), P(0.06f, 0.64f), P(0.50f, 0.64f), P(0.56f, 0.96f)};
        shape_quad(&sh, body);
        for (int k = -1; k <= 1; k++) {
            float a = 0.5f * (float)k;
            SDL_FPoint m = P(0.56f, 0.36f);
            shape_stroke(&sh, (SDL_FPoint){m.x + 0.12f * d * cosf(a), m.y + 0.12f * d * sinf(a)},
                         (SDL_FPoint){m.x + 0.44f * d * cosf(a), m.y + 0.44f * d * sinf(a)},
                         0.045f * d);
        }
    } else {
        SDL_FPoint cone[4] = {P(0.04f, 0.34f), P(0.40f, 0.08f), P(0.40f, 0.92f), P(0.04f, 0.66f)};
        shape_quad(&sh, cone);
        SDL_FPoint rect[4] = {P(0.0f, 0.34f), P(0.20f, 0.34f), P(0.20f, 0.66f), P(0.0f, 0.66f)};
        shape_quad(&sh, rect);
        int waves = !strcmp(name, "volume-up") ? 3 : 1;
        for (int k = 0; k < waves; k++)
            shape_arc(&sh, P(0.40f, 0.5f), (0.24f + 0.16f * (float)k) * d, -pi / 3.5f, pi / 3.5f,
                      0.08f * d);
    }
#undef P
    if (rtl) /* mirrored for right-to-left: it faces the words */
        for (int i = 0; i < sh.n; i++)
            sh.v[i].position.x = 2 * x0 + d - sh.v[i].position.x;
    SDL_RenderGeometry(r, NULL, sh.v, sh.n, NULL, 0);
}

/* A filled triangle of height h with its top at y, pointing up or down, centred on cx. */
static void arrow(SDL_Renderer *r, int cx, int y, int h, bool up, SDL_Color c)
{
    float half = (float)h * 0.6f, top = (float)y, bot = (float)(y + h);
    SDL_Vertex v[3];
    memset(v, 0, sizeof v);
    v[0].position = (SDL_FPoint){(float)cx, up ? top : bot};
    v[1].position = (SDL_FPoint){(float)cx - half, up ? bot : top};
    v[2].position = (SDL_FPoint){(float)cx + half, up ? bot : top};
    for (int i = 0; i < 3; i++)
        v[i].color = c;
    SDL_RenderGeometry(r, NULL, v, 3, NULL, 0);
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
    tb.x += w->pad_x + (w->rtl ? 0 : w->symbol_w);
    tb.w -= 2 * w->pad_x + w->symbol_w;
    if (w->symbol)
        draw_symbol(u->r, w->symbol, w->rtl,
                    (SDL_Rect){w->rtl ? b.x + b.w - w->pad_x - s->symbol : b.x + w->pad_x,
                               b.y + (b.h - s->symbol) / 2, s->symbol, s->symbol},
                    text);
    ui_text_style st = {
        .px = w->px, .bold = w->bold, .rtl = w->rtl, .align = (ui_align)w->align, .color = text};
    int th_ = w->text_h;
    SDL_Texture *icon = w->icon && !w->arrow ? ui_icons_get(u->icons, w->icon) : NULL;
    int icon_h = icon || w->arrow ? w->icon_h : 0;
    if (!w->label[0])
        th_ = 0;
    int block = th_ + (icon_h ? icon_h + (th_ ? s->pad : 0) : 0);
    /* Boxed labels are centred below the band a check mark may need (pad_top). */
    int y = w->look == UIW_PLAIN && w->role != UIW_PROGRESS
                ? b.y
                : b.y + w->pad_top + (b.h - w->pad_top - block) / 2;
    if (icon) {
        SDL_Rect ir = {b.x + (b.w - icon_h) / 2, y, icon_h, icon_h};
        SDL_RenderCopy(u->r, icon, NULL, &ir);
        y += icon_h + s->pad;
    } else if (w->arrow && icon_h) {
        arrow(u->r, b.x + b.w / 2, y, icon_h, w->arrow > 0, text);
        y += icon_h + s->pad;
    } else if (w->arrow) { /* beside the label, at the start side */
        int half = (int)lround(s->arrow * 0.6);
        int cx = w->rtl ? b.x + b.w - s->pad - half : b.x + s->pad + half;
        arrow(u->r, cx, b.y + (b.h - s->arrow) / 2, s->arrow, w->arrow > 0, text);
    }
    tb.y = y;
    tb.h = b.y + b.h - y;
    if (tb.h < th_)
        tb.h = th_;
    ui_text_draw(u->text, w->label, &st, tb);
    if (w->checkmark && w->selected)
        checkmark(u, s, w, th->sel_text, th->sel);
    if (being_heard(u, w)) {
        /* What is being read is framed thickly outside its box: never colour alone. */
        SDL_Rect hb = {b.x - s->gap / 2, b.y - s->gap / 2, b.w + s->gap, b.h + s->gap};
        frame(u->r, hb, s->gap / 3 > 3 ? s->gap / 3 : 3, th->text);
    }
}

void ui_draw(ui *u, int64_t now)
{
    u->drew_blank = ui_blank(u, now);
    layout(u, now);
    bool dark = u->resting && flow_current(u->fl) == FLOW_ATTRACT && !ui_staff_active(u->o.staff);
    /* Blank when resting and not woken: black, nothing drawn (the display may sleep). */
    const ui_theme *th = ui_theme_get(u->contrast || dark);
    ui_sizes s = sizes(u);
    SDL_SetRenderDrawColor(u->r, th->bg.r, th->bg.g, th->bg.b, 255);
    SDL_RenderClear(u->r);
    for (int i = 0; i < u->wl.n; i++) {
        const uiw *w = &u->wl.w[i];
        if (w->role != UIW_PEEK) {
            draw_widget(u, th, &s, w);
            continue;
        }
        SDL_RenderSetClipRect(u->r, &w->r);
        for (int k = 0; k < u->peek.n; k++)
            draw_widget(u, th, &s, &u->peek.w[k]);
        SDL_RenderSetClipRect(u->r, NULL);
    }
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
    bool moved = sc != u->last_screen || q != u->last_question;
    if (moved) {
        u->scroll = 0;
        u->more_open = false;
        /* Back on an answered question: its (first) chosen answer is scrolled into view. */
        u->keep_option = -1;
        if (sc == FLOW_QUESTION)
            for (int i = 0; i < qset_question_at(u->qs, q)->n_options; i++)
                if (flow_selected(u->fl, q, i)) {
                    u->keep_option = i;
                    break;
                }
    }
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
            speak_screen(u, now);
        }
    }
}

/* With read-aloud on, a tapped answer is confirmed in speech ("Chosen: Money", "No longer
 * chosen: Money"); a refused tap says why (A14). The option's recorded clip, if any, is heard
 * in place of its words. */
static void confirm_choice(ui *u, const uiw *w, int qi, bool was, int64_t now)
{
    if (!u->o.speech)
        return;
    const qset_question *q = qset_question_at(u->qs, qi);
    bool is = flow_selected(u->fl, qi, w->arg);
    speech_segment seg[2];
    int n = 0;
    char head[UIW_LABEL_LEN];
    if (is == was && flow_hint_now(u->fl, now) == FLOW_HINT_MAX) {
        uistr_format(head, sizeof head, S(u, UISTR_MAX_REACHED), q->max);
        wp_strlcpy(u->said_text, head, sizeof u->said_text);
    } else {
        const char *verb = S(u, is ? UISTR_CHOSEN : UISTR_NOT_CHOSEN);
        if (w->clip) {
            wp_strlcpy(head, verb, sizeof head);
            seg[1] =
                (speech_segment){.text = w->spoken, .lang = w->lang, .clip = w->clip, .tag = 1};
            n = 1;
        } else {
            snprintf(head, sizeof head, "%s: %s", verb, w->spoken);
        }
        snprintf(u->said_text, sizeof u->said_text, "%s: %s", verb, w->spoken);
    }
    seg[0] = (speech_segment){.text = head, .lang = w->lang, .clip = NULL, .tag = 0};
    n++;
    speech_stop(u->o.speech);
    for (int i = 0; i < n; i++)
        wp_strlcpy(u->said[i], w->id, sizeof u->said[i]);
    u->n_said = n;
    u->heard = -1;
    speech_say(u->o.speech, seg, n);
}

static void activate(ui *u, const uiw *w, int64_t now)
{
    if (w->undeclared)
        return;
    switch (w->action) {
    case UIA_START:
        flow_start(u->fl, now);
        break;
    case UIA_LANG:
        flow_choose_language(u->fl, w->arg, now);
        break;
    case UIA_OPTION: {
        int qi = w->matrix_q > 0 ? w->matrix_q - 1 : flow_question(u->fl);
        bool was = flow_selected(u->fl, qi, w->arg);
        flow_toggle_in(u->fl, qi, w->arg, now);
        if (u->reading)
            confirm_choice(u, w, qi, was, now);
        break;
    }
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
        /* Switches reading on for the rest of the poll; pressed again ("stop reading"), off. */
        u->reading = !u->reading;
        if (u->reading) {
            u->more_open = false; /* read the screen, not the panel */
            u->layout_valid = false;
            layout(u, now);
            speak_screen(u, now);
        } else {
            stop_speech(u);
            flow_thanks_hold(u->fl, now, 0); /* a thank-you screen ends as unread */
        }
        break;
    case UIA_MORE:
        u->more_open = !u->more_open;
        u->scroll = 0;
        break;
    case UIA_SCROLL_UP:
    case UIA_SCROLL_DOWN:
        if (w->action == UIA_SCROLL_UP && u->scroll > 0)
            u->scroll--;
        else if (w->action == UIA_SCROLL_DOWN && u->scroll < u->max_scroll)
            u->scroll++;
        /* a resident reading the attract screen: its language stays while they read */
        flow_attract_hold(u->fl, now, FLOW_ATTRACT_HOLD_MS);
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
        /* A double tap moves one screen on: a second tap on the control that just changed
         * the screen is ignored for a moment (the new screen has a control in its place). */
        if (u->moved_by[0] && now - u->moved_at < u->o.tap_debounce_ms &&
            !strcmp(w->id, u->moved_by))
            return false;
        flow_screen before = flow_current(u->fl);
        int before_q = flow_question(u->fl);
        activate(u, w, now);
        if (flow_current(u->fl) != before || flow_question(u->fl) != before_q) {
            u->moved_at = now;
            wp_strlcpy(u->moved_by, w->id, sizeof u->moved_by);
        }
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
    if (!still && flow_current(u->fl) == FLOW_ATTRACT && u->attract_pages > 1) {
        int64_t turn = flow_attract_next_turn(u->fl, now); /* the next page, one language too */
        d = turn < d ? turn : d;
    }
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
    u->keep_option = -1;
    u->heard = -1;
    if (u->o.tap_debounce_ms < 0)
        u->o.tap_debounce_ms = 0;
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

void ui_set_cards(ui *u, cards *c)
{
    cards_free(u->cards);
    u->cards = c;
    u->one_of = 0;
    u->layout_valid = false;
}

void ui_set_one_of(ui *u, int64_t n)
{
    u->one_of = n > 0 ? n : 0;
    u->layout_valid = false;
}

int ui_attract_pages(const ui *u)
{
    return u->attract_pages > 1 ? u->attract_pages : 1;
}

int ui_thanks_pages(const ui *u)
{
    return u->thanks_pages > 1 ? u->thanks_pages : 1;
}

const cards *ui_cards(const ui *u)
{
    return u->cards;
}

void ui_close(ui *u)
{
    if (!u)
        return;
    cards_free(u->cards);
    flow_free(u->fl);
    ui_icons_free(u->icons);
    ui_text_close(u->text);
    uiw_list_free(&u->wl);
    uiw_list_free(&u->content);
    uiw_list_free(&u->peek);
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

bool ui_set_settings(ui *u, const flow_options *fo, const char *languages)
{
    if (!flow_set_options(u->fl, fo))
        return false;
    u->o.flow = *fo;
    wp_strlcpy(u->languages, languages ? languages : "", sizeof u->languages);
    u->o.languages = u->languages;
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

bool ui_frame_wanted(const ui *u, int64_t now)
{
    return !(u->drew_blank && ui_blank(u, now));
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
    matrices_fit(u); /* the flow shows a matrix as this panel asks it */
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
    case UIW_PEEK:
        return "peek";
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
    int mf, ml; /* a matrix shown together: its id (its questions are the "question:ID" rows) */
    json_object_set_new(root, "matrix",
                        flow_matrix(u->fl, &mf, &ml)
                            ? json_string(qset_question_at(u->qs, mf)->matrix)
                            : json_null());
    json_object_set_new(root, "large_text", json_boolean(u->large));
    json_object_set_new(root, "high_contrast", json_boolean(u->contrast));
    json_object_set_new(root, "px_per_mm", json_real(u->o.px_per_mm));
    json_object_set_new(root, "reading", json_boolean(u->reading));
    json_object_set_new(root, "more_open", json_boolean(u->more_open));
    json_object_set_new(root, "speech", json_string(u->no_speech ? "unavailable" : "available"));
    json_object_set_new(root, "said", json_string(u->said_text));
    json_t *read = json_array(); /* the widgets of what speech is reading, in order */
    for (int i = 0; i < u->n_said; i++)
        json_array_append_new(read, json_string(u->said[i]));
    json_object_set_new(root, "read", read);
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
        json_object_set_new(o, "target",
                            json_boolean(w->action != UIA_NONE && w->role != UIW_PEEK));
        if (w->undeclared)
            json_object_set_new(o, "undeclared", json_true());
        json_object_set_new(o, "lang", json_string(w->lang));
        json_object_set_new(o, "px", json_integer(w->px));
        json_object_set_new(o, "bold", json_boolean(w->bold));
        json_object_set_new(o, "style",
                            json_string(w->look == UIW_PRIMARY   ? "primary"
                                        : w->look == UIW_TILE    ? "secondary"
                                        : w->look == UIW_HINTBOX ? "hint"
                                                                 : "plain"));
        json_object_set_new(o, "rtl", json_boolean(w->rtl));
        json_object_set_new(o, "pad", json_integer(w->pad));
        json_object_set_new(o, "pad_x", json_integer(w->pad_x));
        json_object_set_new(o, "pad_top", json_integer(w->pad_top));
        json_object_set_new(o, "icon_h", json_integer(w->icon ? w->icon_h : 0));
        json_object_set_new(o, "text_w", json_integer(w->text_w));
        json_object_set_new(o, "text_h", json_integer(w->text_h));
        json_object_set_new(o, "icon", w->icon ? json_string(w->icon) : json_null());
        json_object_set_new(o, "symbol", w->symbol ? json_string(w->symbol) : json_null());
        json_object_set_new(o, "symbol_w", json_integer(w->symbol_w));
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

bool ui_widget_enabled(ui *u, const char *id, int64_t now)
{
    layout(u, now);
    const uiw *w = uiw_find(&u->wl, id);
    return w && w->enabled;
}

bool ui_more_open(const ui *u)
{
    return u->more_open;
}

void ui_set_speech_unavailable(ui *u, bool unavailable)
{
    u->no_speech = unavailable;
    if (unavailable)
        u->reading = false;
    u->layout_valid = false;
}
