/* The accessibility checker: measures one rendered resident screen, from its widget tree
 * (ui_tree_json) and its pixels, against the numbers of ACCESSIBILITY.md (A5-A8, A12) and
 * reports every finding as one line naming the screen, language, mode, widget and numbers. */
#ifndef WP_UI_CHECK_H
#define WP_UI_CHECK_H

#include "ui_text.h"

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

/* Thresholds, in millimetres or contrast ratios (ACCESSIBILITY.md). */
#define UI_CHECK_TARGET_MM        20.0  /* A8: shortest side of a touch target */
#define UI_CHECK_TARGET_GAP_MM    3.0   /* A8: space between two targets */
#define UI_CHECK_TEXT_CONTRAST    7.0   /* A7: body text */
#define UI_CHECK_LARGE_CONTRAST   4.5   /* A7: large text */
#define UI_CHECK_OUTLINE_CONTRAST 3.0   /* A7: outlines of controls against the screen */
#define UI_CHECK_LARGE_EM_MM      6.35  /* 18 pt = 24 CSS px = 6.35 mm em: large text */
#define UI_CHECK_LARGE_BOLD_EM_MM 4.94  /* 14 pt bold = 18.67 CSS px = 4.94 mm em */
#define UI_CHECK_CAP_EM           0.714 /* Noto Sans cap height as a fraction of the em */
#define UI_CHECK_CAP_MM           4.8   /* A5: capital height, normal modes */
#define UI_CHECK_CAP_LARGE_MM     7.3   /* A6: capital height in large-text mode (600 mm) */
#define UI_CHECK_SCRIPT_RATIO     0.9   /* a script's apparent letter size against Latin's */
#define UI_CHECK_REACH_TOP        0.15  /* A12: essential targets not centred in the top 15% */
#define UI_CHECK_ICON_MM          14.0  /* icon above a tile's label (as ui.c draws it) */
#define UI_CHECK_ICON_LARGE_MM    16.0  /* the same in large-text mode */
#define UI_CHECK_MAX_MESSAGES     4000  /* findings kept as text; more are only counted */
#define UI_CHECK_MSG_LEN          512
#define UI_CHECK_MAX_WIDGETS      128 /* widgets read from one tree */

/* What one screen is checked from. */
typedef struct {
    const char *tree_json; /* ui_tree_json() of the screen */
    SDL_Surface *pixels;   /* the screen as drawn (NULL: skip the pixel checks) */
    int width, height;     /* window size; 0 takes the size of pixels */
    ui_text *text;         /* fonts for the glyph-coverage check (NULL: skip it) */
    const char *where;     /* extra context for messages, e.g. "scroll 1" (may be NULL) */
} ui_check_input;

/* Findings collected over any number of screens. */
typedef struct ui_check_report ui_check_report;

ui_check_report *ui_check_report_new(void);    /* NULL when out of memory */
void ui_check_report_free(ui_check_report *r); /* NULL is a no-op */
/* Number of findings so far (also those beyond UI_CHECK_MAX_MESSAGES). */
int ui_check_report_count(const ui_check_report *r);
/* Number of messages kept, and message i of them (NULL when out of range). */
int ui_check_report_kept(const ui_check_report *r);
const char *ui_check_report_message(const ui_check_report *r, int i);
/* True when some kept message contains needle (for tests). */
bool ui_check_report_has(const ui_check_report *r, const char *needle);

/* The tightest measurements seen over all screens checked (for reports and tests). */
typedef struct {
    int screens, widgets, texts_measured; /* texts whose pixels were measured */
    double min_text_contrast;             /* ratio of the worst text (0 when none measured) */
    char min_text_where[UI_CHECK_MSG_LEN];
    double min_outline_contrast; /* of the worst target outline */
    double min_target_mm;        /* shortest target side */
    double min_gap_mm;           /* smallest gap between two targets */
    double min_cap_mm;           /* smallest capital height, normal modes */
    double min_cap_large_mm;     /* the same in large-text mode */
    double min_script_ratio;     /* smallest apparent size of a non-Latin script against Latin
                                    at the same px (0 when no such text was seen) */
} ui_check_stats;

/* Copies the tightest measurements so far into out. */
void ui_check_report_stats(const ui_check_report *r, ui_check_stats *out);

/* Checks one screen and appends its findings to rep. Each message reads
 *   "screen=SCREEN lang=LANG mode=MODE widget=ID: what, with the numbers"
 * where SCREEN is the screen name (question screens: "question:ID"), MODE one of normal,
 * large, contrast, large-contrast. Checked:
 *   - targets ("target": true): short side >= 20 mm; >= 3 mm from every other target;
 *     outline (outermost pixel ring, most common colour) >= 3:1 against the screen background
 *     (the most common colour of the whole screen);
 *   - text: contrast of the real pixels (background = most common colour in the widget box,
 *     text = the pixel of the text area with the highest contrast against it) >= 7:1, or
 *     >= 4.5:1 for large text (em >= 6.35 mm, or bold and em >= 4.94 mm); capital height
 *     0.714 x px / px_per_mm >= 4.8 mm (>= 7.3 mm in large-text mode); the label block fits
 *     its box inside the padding (and below the icon); no word is wider than the line (the
 *     renderer would break it between letters); no widget reaches outside the window;
 *     every code point of the label is drawable (ui_text_missing); per script (with fonts):
 *     the tall reference letter (Arabic: alef) as drawn meets the capital-height rule, and the
 *     apparent letter size (mean of body and tall letter) is at least 0.9 x Latin's;
 *   - overlapping boxes (except a non-target text lying wholly inside a target);
 *   - wheelchair reach: next, back, continue, start, scroll, option and language targets
 *     are not centred in the top 15% of the screen height (the toolbar is not essential).
 * Returns the number of findings this screen added, or -1 with a message when the tree
 * cannot be read. */
int ui_check_screen(const ui_check_input *in, ui_check_report *rep, char *err, size_t errlen);

/* WCAG 2.2 contrast ratio of two colours (1..21). */
double ui_check_contrast(SDL_Color a, SDL_Color b);

#endif
