/* Text on screen: fonts (Noto Sans + Noto Sans Arabic from fonts/), our own line breaking,
 * bidi with GNU FriBidi (runs placed in visual order, each shaped by SDL_ttf/HarfBuzz with its
 * own direction and script), per-code-point font fallback, and a cache of rendered lines as
 * textures so redrawing an unchanged screen never rasterises text again. */
#ifndef WP_UI_TEXT_H
#define WP_UI_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ui_text ui_text;

typedef enum {
    UI_ALIGN_START, /* left for LTR paragraphs, right for RTL */
    UI_ALIGN_CENTER,
    UI_ALIGN_END
} ui_align;

typedef struct {
    int px; /* font size in pixels (em size; Noto cap height = 0.714 em) */
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

#endif
