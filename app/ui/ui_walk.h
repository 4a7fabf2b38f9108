/* The screen walker: draws every resident screen of a question set (attract, language, every
 * question, still-there, thanks) in every language and display mode with the kiosk's own
 * renderer, headless into memory, and hands each one (tree + pixels) to a callback. Used by the
 * accessibility test and by `wijkpeil-qset preview`. */
#ifndef WP_UI_WALK_H
#define WP_UI_WALK_H

#include "qset.h"
#include "ui_text.h"

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#define UI_WALK_MODES      4  /* normal, large, contrast, large-contrast */
#define UI_WALK_MAX_SCROLL 24 /* scroll positions visited on one question screen */
#define UI_WALK_NAME_LEN   96

/* Display modes, as bits for ui_walk_options.modes. */
#define UI_WALK_NORMAL         1u
#define UI_WALK_LARGE          2u
#define UI_WALK_CONTRAST       4u
#define UI_WALK_LARGE_CONTRAST 8u

typedef struct {
    const qset *qs;          /* the set to walk (not owned; must outlive the walker) */
    const char *data_dir;    /* holds assets/ui-strings.json, fonts/ and assets/icons/ */
    int width, height;       /* window size in pixels */
    double px_per_mm;        /* physical scale of the screen */
    int viewing_distance_mm; /* for the large-text size; 0 means 600 */
    unsigned modes;          /* UI_WALK_* bits; 0 means all four */
    bool scroll;             /* also visit every scroll position of long question screens */
    bool states;     /* also visit each question with answers chosen: the first option, or for
                        a multi question as many as allowed plus one refused tap (the hint) */
    bool staff;      /* also visit every staff screen (PIN pad, status, import with a stick, switch,
                        export, messages) in every staff language, on a staff mode of its own with a
                        temporary data folder, stick and PIN */
    bool staff_only; /* with staff: visit only the staff screens */
    bool matrices_only;     /* visit only the matrix screens, and of them only those that do not
                               fit (apart set, nothing drawn): where each matrix is asked apart */
    bool cards_only;        /* visit only the screens with a card of what neighbours said:
                               attract (open) and thanks */
    const char *cards_json; /* the cards document shown (PROTOCOL.md "the cards residents see");
                               NULL: the walker's own, a card per shared question of the set */
} ui_walk_options;

/* One screen as drawn, handed to the callback (valid only during the call). */
typedef struct {
    int number;            /* position in the poll: 0 attract, 1 language, 2.. questions, ... */
    const char *screen;    /* flow screen name: "attract", "language", "question", ... */
    const char *name;      /* for files: "attract", "question-ID", "still-there", "thanks" */
    int question;          /* question index, or -1 */
    int lang;              /* language index in the set */
    const char *lang_code; /* "nl" */
    bool rtl;              /* the language is written right to left */
    int mode;              /* 0 normal, 1 large, 2 contrast, 3 large-contrast */
    const char *mode_name; /* "normal", "large", "contrast", "large-contrast" */
    bool large, contrast;  /* the display modes */
    int scroll;            /* 0, or how many times "scroll-down" was tapped */
    const char *state;     /* "" as previewed, or "selected" (see ui_walk_options.states), "more"
                              (the "more" panel), "page2", ... (the attract screen's further
                              pages: the card on its own, or its parts) */
    const char *tree_json; /* ui_tree_json of the screen */
    SDL_Surface *pixels;   /* the drawn screen (ARGB8888) */
    ui_text *text;         /* the renderer's fonts (for ui_text_missing) */
    int width, height;
    bool staff; /* a staff screen: lang_code is the staff language, lang -1 */
    /* A matrix screen that does not fit this panel in this language and mode: why (the kiosk
     * asks its questions one per screen, which the "question" screens show). Nothing is drawn:
     * tree_json and pixels are NULL. NULL for every screen that is drawn. */
    const char *apart;
} ui_walk_screen;

/* Called once per screen; a non-zero return stops the walk and is returned by ui_walk_run. */
typedef int (*ui_walk_fn)(void *ctx, const ui_walk_screen *s);

typedef struct ui_walk ui_walk;

/* The panels kiosks really have (ACCESSIBILITY.md A13): every one is walked by the tests and
 * drawn by default by `wijkpeil-qset preview`. */
typedef struct {
    const char *name; /* "7in-800x480" */
    int width, height;
    double width_mm; /* visible width */
} ui_walk_panel;

#define UI_WALK_N_PANELS 7
extern const ui_walk_panel ui_walk_panels[UI_WALK_N_PANELS];

/* The data folder the kiosk uses: $WIJKPEIL_DATA, else the compiled WIJKPEIL_DATA_DIR. */
const char *ui_walk_data_dir(void);

/* Names of the display modes (index 0..3) and the file suffix ("" for normal, "-large", ...). */
const char *ui_walk_mode_name(int mode);
const char *ui_walk_mode_suffix(int mode);

/* Opens a software renderer on an off-screen surface, the fonts, icons and ui-strings. Returns
 * 0, or -1 with a message. */
int ui_walk_open(const ui_walk_options *o, ui_walk **out, char *err, size_t errlen);
void ui_walk_close(ui_walk *w); /* NULL is a no-op */

/* Number of screens per language and mode (attract, language, questions, still-there,
 * thanks), not counting extra scroll positions and states. */
int ui_walk_screens_per_language(const ui_walk *w);

/* Number of staff screens per display mode (every staff language), not counting further
 * pages; 0 without ui_walk_options.staff. */
int ui_walk_staff_screens(const ui_walk *w);

/* Visits every screen: for each selected mode, each language, each screen (and, with
 * o.states, each question with answers chosen; with o.scroll, each further scroll position).
 * Returns 0, the callback's non-zero value, or -1 with a message. */
int ui_walk_run(ui_walk *w, ui_walk_fn fn, void *ctx, char *err, size_t errlen);

/* Writes the screen's pixels as a PNG to path (via path.tmp and a rename). */
int ui_walk_save_png(const ui_walk_screen *s, const char *path, char *err, size_t errlen);

#endif
