/* Text on screen: fonts (Noto Sans, Noto Sans Arabic, Noto Sans Ethiopic from fonts/), our own line
 * breaking, bidi with GNU FriBidi (runs placed in visual order, each shaped by SDL_ttf/HarfBuzz
 * with its own direction and script), per-code-point font fallback, and a cache of rendered lines
 * as textures so redrawing an unchanged screen never rasterises text again. */
#ifndef WP_UI_TEXT_H
#define WP_UI_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ui_text ui_text;

/* The scripts the text module draws, each in its own font: one row each in the script table in
 * ui_text.c (fonts, HarfBuzz script tag, direction, code point ranges, reference letters). */
typedef enum { UI_SCRIPT_LATIN, UI_SCRIPT_ARABIC, UI_SCRIPT_ETHIOPIC, UI_SCRIPT_COUNT } ui_script;

/* The script's name for messages ("Arabic"), or with tall_letter its tall reference letter's
 * ("alef"). */
const char *ui_text_script_name(ui_script s, bool tall_letter);

typedef enum {
    UI_ALIGN_START, /* left for LTR paragraphs, right for RTL */
    UI_ALIGN_CENTER,
    UI_ALIGN_END
} ui_align;

typedef struct {
    int px; /* font size in pixels (em size; Noto cap height = 0.714 em); other scripts are
             * drawn larger by their size factor (ui_text_letters_at) */
    bool bold;
    bool rtl; /* paragraph base direction */
    ui_align align;
    SDL_Color color;
} ui_text_style;

/* Opens the fonts in font_dir for renderer r. Returns 0, or -1 with a message. */
int ui_text_open(SDL_Renderer *r, const char *font_dir, ui_text **out, char *err, size_t errlen);
void ui_text_close(ui_text *t); /* NULL is a no-op */

/* Lays utf8 out wrapped at max_w pixels (breaking at spaces; a word wider than max_w is broken
 * between characters). Sets *w and *h of the block; returns the number of lines. */
int ui_text_measure(ui_text *t, const char *utf8, const ui_text_style *st, int max_w, int *w,
                    int *h);

/* Draws the wrapped block inside box: top-aligned, aligned horizontally per st->align, and
 * clipped to box. Returns the block's full height (larger than box.h means it overflowed). */
int ui_text_draw(ui_text *t, const char *utf8, const ui_text_style *st, SDL_Rect box);

/* Height of one line at px (for layout). */
int ui_text_line_height(ui_text *t, int px);

/* Counts the code points of utf8 that no font can draw; the first is stored in *first. */
int ui_text_missing(ui_text *t, const char *utf8, bool bold, uint32_t *first);

/* Drops every cached texture (e.g. when the renderer is recreated). */
void ui_text_flush(ui_text *t);

/* ---- Added by the text module: limits, introspection for tests and benchmarks ---- */

#define UI_TEXT_MAX_BYTES       8192        /* longer input is cut at a character boundary */
#define UI_TEXT_MAX_LINES       128         /* lines beyond this are neither drawn nor counted */
#define UI_TEXT_MAX_SIZES       16          /* font sizes whose line metrics are kept (LRU) */
#define UI_TEXT_CACHE_MAX_ITEMS 512         /* default cap on cached layouts + textures */
#define UI_TEXT_CACHE_MAX_BYTES (16u << 20) /* default cap on cached texture pixels (bytes) */
#define UI_TEXT_RUN_TEXT_MAX    128         /* bytes of run text reported by ui_text_debug_runs */

/* One visual run of a laid-out line (see ui_text_debug_runs). */
typedef struct {
    char text[UI_TEXT_RUN_TEXT_MAX]; /* the run's characters in logical order (UTF-8, may be cut) */
    int line;                        /* line index in the block, from 0 */
    int x, w;                        /* left edge and width within the line, before alignment */
    bool rtl;                        /* shaped right-to-left (odd bidi level) */
    bool arabic_font;                /* drawn with Noto Sans Arabic */
    ui_script script;                /* the script row whose font draws it */
} ui_text_run;

/* Lays utf8 out as ui_text_measure does and stores its visual runs, line by line and left to
 * right, in out[0..max_out). Returns the total number of runs (may exceed max_out), or -1. */
int ui_text_debug_runs(ui_text *t, const char *utf8, const ui_text_style *st, int max_w,
                       ui_text_run *out, int max_out);

/* The scripts whose letters utf8 contains, as a mask of 1 << ui_script (letters in no script
 * row's ranges count as Latin: Noto Sans draws them; digits and punctuation count as none). */
unsigned ui_text_scripts_in(const char *utf8);

/* A script's reference letters as drawn at a nominal size of 1 px (multiply by px): ink height
 * above the baseline of its body letter (Latin x, Arabic sad) and its tall letter (Latin H,
 * Arabic alef), after its size factor; and that factor (1 for Latin). */
typedef struct {
    double body_em, tall_em;
    double factor;
} ui_text_letters;
int ui_text_letters_at(ui_text *t, ui_script s, bool bold, ui_text_letters *out);
/* Overrides script s's measured size factor (for tests: 1 draws it as the fonts come). */
void ui_text_set_size_factor(ui_text *t, ui_script s, double factor);

/* Counters since ui_text_open (for tests and the benchmark). */
typedef struct {
    unsigned long textures_created; /* line textures rasterised */
    unsigned long draw_hits;        /* ui_text_draw served from cached textures */
    unsigned long draw_misses;      /* ui_text_draw that had to lay out and rasterise */
    unsigned long measure_hits;     /* ui_text_measure served from the cache */
    unsigned long measure_misses;
    unsigned long layouts_reused; /* draws that took the lines a measurement kept */
    unsigned long evictions;      /* cache entries dropped to stay within the limits */
    size_t entries;               /* cache entries held now */
    size_t bytes;                 /* texture bytes held now */
    int sizes_open;               /* font sizes in use now (line metrics kept) */
    unsigned long lines_tried;    /* candidate lines shaped to find where a line breaks */
    int fonts_opened;             /* SDL_ttf fonts opened (one per face and weight, resized) */
} ui_text_stats;
void ui_text_get_stats(ui_text *t, ui_text_stats *out);

/* Changes the cache limits (0 keeps the current value); evicts at once to fit. */
void ui_text_set_cache_limits(ui_text *t, size_t max_items, size_t max_bytes);

#endif
