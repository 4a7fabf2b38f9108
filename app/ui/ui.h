/* The kiosk's resident screens: layout in millimetres, drawing, input and the widget tree, on
 * top of the poll flow. Event-driven: callers draw only when ui_input/ui_tick say something
 * changed, and sleep until ui_deadline. Input arrives already translated from SDL. */
#ifndef WP_UI_H
#define WP_UI_H

#include "flow.h"
#include "speech.h"
#include "uistr.h"

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Check mark of a chosen tile: a disc in the tile's top corner on the end side. */
#define UI_CHECK_DISC_MM   8.0
#define UI_CHECK_MARGIN_MM 1.5
/* Icon above a tile's label. */
#define UI_ICON_MM       14.0
#define UI_ICON_LARGE_MM 16.0
/* Arrow drawn on a scroll button. */
#define UI_ARROW_MM 7.0
#define UI_PEEK_MM  6.0 /* least height of a next row's top shown below the last whole row */
/* The smallest panel the layout is checked on (7" portrait is 88 mm wide, 7" landscape 93 mm
 * high): below it the kiosk starts and says so (ACCESSIBILITY.md A13). */
#define UI_SMALLEST_W_MM 88.0
#define UI_SMALLEST_H_MM 93.0
/* The screens of the kiosk, resident and staff (save-error and closed too): ONE table in ui.c,
 * the place a new screen is added (one entry plus its layout function). Layout dispatch, the
 * actions a tap may trigger, the documented timeouts and the screen walker (ui_walk.c, the
 * accessibility test and `wijkpeil-qset preview`) all read it. */
typedef enum {
    UI_SCREEN_ONCE,
    UI_SCREEN_EACH_QUESTION,
    UI_SCREEN_EACH_MATRIX /* once per matrix (qset_question.matrix), where it fits the panel */
} ui_screen_span;

#define UI_ACT(a) (1u << (a)) /* a uiw_action as a bit of ui_screen_info.actions */

typedef struct {
    const char *name;    /* report and file name ("question" becomes "question-ID") */
    flow_screen screen;  /* the flow state it shows (staff screens lie over the attract) */
    unsigned actions;    /* UI_ACT bits of the actions its widgets may carry; others are refused */
    const char *timeout; /* the setting after which it ends by itself, or NULL */
    const char *then;    /* what a timeout (or the lack of one) leads to, for people */
    ui_screen_span span; /* walker: once, or once per question */
    bool closed;         /* walker: outside opening hours, woken by a tap */
    bool save_error;     /* walker: with a storage problem to show */
    bool more;           /* walker: also with the collapsed toolbar's panel open */
    const char *staff;   /* a staff screen: the walker's steps reaching it from the attract
                            screen (ui_walk.c staff_steps); NULL for a resident screen */
} ui_screen_info;

int ui_screen_count(void);
const ui_screen_info *ui_screen_at(int i);

/* Default of the tap_debounce_ms setting. */
#define UI_TAP_DEBOUNCE_MS 400

typedef struct ui ui;

typedef enum { UI_EV_DOWN, UI_EV_MOVE, UI_EV_UP, UI_EV_CANCEL } ui_ev_type;

/* One pointer event (finger or mouse) in window pixels. */
typedef struct {
    ui_ev_type type;
    int x, y;
} ui_event;

/* Stores a finished/abandoned session; returns 0 only when it is durable. */
typedef int (*ui_save_fn)(void *ctx, const flow_response *r, char *err, size_t errlen);

typedef struct {
    SDL_Renderer *renderer;
    int width, height;       /* window size in pixels */
    double px_per_mm;        /* physical scale of the screen */
    int viewing_distance_mm; /* for the large-text size */
    const char *font_dir;
    const char *icon_dir;
    const uistr *strings;
    flow_options flow;
    ui_save_fn save;
    void *save_ctx;
    speech *speech;         /* read-aloud; NULL when the kiosk has no speech */
    struct ui_staff *staff; /* staff mode (ui_staff.h); NULL = none */
    int default_volume;     /* speech volume step each resident starts with */
    const char *languages;  /* languages offered, comma separated ("" or NULL: all) */
    int tap_debounce_ms;    /* a second tap on the control that just changed the screen, this
                               soon, is ignored (a double tap moves one question on); 0: off */
} ui_options;

/* Opens the UI on qs (which must outlive it or be replaced with ui_set_qset). */
int ui_open(const ui_options *o, const qset *qs, int64_t now, ui **out, char *err, size_t errlen);
void ui_close(ui *u); /* NULL is a no-op */

/* Handles one pointer event. Returns true when the screen must be redrawn. */
bool ui_input(ui *u, const ui_event *ev, int64_t now);
/* Handles timeouts. Returns true when the screen must be redrawn. */
bool ui_tick(ui *u, int64_t now);
/* The next time ui_tick has work (INT64_MAX when nothing is due). */
int64_t ui_deadline(ui *u, int64_t now);
/* Draws the current screen into the renderer (the caller presents it). */
void ui_draw(ui *u, int64_t now);

/* Switches the question set between residents; false while a resident is busy. */
bool ui_set_qset(ui *u, const qset *qs);
/* New screen times and offered languages (the centre's settings document), between residents
 * only: false while a resident is busy. languages is copied. */
bool ui_set_settings(ui *u, const flow_options *fo, const char *languages);
const char *ui_screen_name(const ui *u);
flow *ui_flow(ui *u);

/* The current screen as JSON (see the README's tree format). Caller frees. */
char *ui_tree_json(ui *u, int64_t now);
/* Centre of the widget with this id; false when it is not on screen. */
bool ui_widget_center(ui *u, const char *id, int64_t now, int *x, int *y);
/* True while the collapsed toolbar's panel ("more") is open. */
bool ui_more_open(const ui *u);
/* True when the widget with this id is on screen and enabled. */
bool ui_widget_enabled(ui *u, const char *id, int64_t now);

/* Last storage error shown to staff ("" when none). */
const char *ui_last_error(const ui *u);
/* Outside opening hours the screen is blank (no frames at all) and no poll can be started; a
 * tap wakes it for idle_ms to a "closed" screen showing hours (e.g. "08:30-17:00"), from which
 * staff can open staff mode. Uploads are not affected. */
void ui_set_resting(ui *u, bool resting, const char *hours);
/* True while the screen shows nothing at all (resting and not woken): the panel may sleep. */
bool ui_blank(const ui *u, int64_t now);
/* Whether a frame drawn now could show anything: false while the screen is blank and the last
 * frame drawn was that same blank screen (a voice becoming ready, say, changes nothing there).
 * Both loops (main.c, ui_script.c) draw only then, unless the window lost its pixels. */
bool ui_frame_wanted(const ui *u, int64_t now);

/* Shows a storage problem on the attract screen until a response is stored again. */
void ui_set_error(ui *u, const char *msg);

/* Display modes (issue 5): both reset for the next resident. */
void ui_set_modes(ui *u, bool large_text, bool high_contrast);

/* The speech worker reported that another segment is being heard (or speech ended): returns
 * true when the highlight must be redrawn. */
bool ui_speech_changed(ui *u);
/* The kiosk has no working audio output: the speech controls say "unavailable" and do nothing
 * (never a toggle that pretends to speak). */
void ui_set_speech_unavailable(ui *u, bool unavailable);
/* Sets or replaces the speech handle (opened after the first frame, so start-up stays fast). */
void ui_set_speech(ui *u, speech *sp);

/* Matrices: each is asked on one screen (the "matrix" entry of the screens table) where it
 * fits the panel in the current language and display mode: every answer target at least the
 * size of any target (A8) beside the questions' text, every row on the screen at once. Where
 * it does not, one screen per question (the same answers). ui_matrix_why: why the matrix
 * holding question is asked apart now (NULL: on one screen, or question is in no matrix). */
const char *ui_matrix_why(ui *u, int question);
/* Asks every matrix one question per screen (true), or each where it fits (false, the
 * default): the walker visits both. */
void ui_set_matrix_apart(ui *u, bool all);

/* Shows a screen directly, for previews and checks (see flow_preview). */
bool ui_preview(ui *u, flow_screen s, int question, int lang, int64_t now);

/* The cards of what neighbours said (cards.h), shown on the attract screen (one at a time,
 * taking turns with the languages) and, when the set has "thanks_share", on the thank-you
 * screen. The UI takes c over (and frees the previous one); NULL: no cards are shown. */
struct cards;
void ui_set_cards(ui *u, struct cards *c);
const struct cards *ui_cards(const ui *u);
/* The pages of the attract screen as last drawn: 1, or where the card does not fit beside the
 * welcome, the welcome's page and the card's (or its parts'); they turn a page each round
 * through the languages (flow_attract_round). */
int ui_attract_pages(const ui *u);
/* The pages of the thank-you screen as last drawn: 1, or where the card of the set's
 * thanks_share question does not fit below the thanks, the thanks' page and the card's (or its
 * parts', cut as on the attract screen); they turn on the flow's timer (flow_thanks_page). */
int ui_thanks_pages(const ui *u);
/* "You are one of N neighbours who answered this month" on the thank-you screen (N from
 * cards_one_of); 0: the line is left out (ui_set_cards also leaves it out until this is set). */
void ui_set_one_of(ui *u, int64_t n);

/* The text renderer the screens use (for glyph-coverage checks). */
struct ui_text *ui_get_text(ui *u);

#endif
