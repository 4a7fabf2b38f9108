/* Colours of the resident screens in the normal and the high-contrast theme. Every text colour
 * is at least 7:1 against the fill it is drawn on, and every outline at least 3:1 against the
 * screen background (ACCESSIBILITY.md A7); the a11y test measures the rendered pixels. */
#ifndef WP_UI_THEME_H
#define WP_UI_THEME_H

#include <SDL.h>
#include <stdbool.h>

typedef struct {
    SDL_Color bg;    /* screen background */
    SDL_Color text;  /* body text on bg */
    SDL_Color muted; /* secondary text on bg (progress, instructions) */
    SDL_Color tile;  /* option / button fill */
    SDL_Color tile_text;
    SDL_Color outline; /* control outlines */
    SDL_Color sel;     /* chosen option fill */
    SDL_Color sel_text;
    SDL_Color sel_outline;
    SDL_Color primary; /* next / continue / start */
    SDL_Color primary_text;
    SDL_Color disabled; /* disabled button fill */
    SDL_Color disabled_text;
    SDL_Color hint; /* hint box fill */
    SDL_Color hint_text;
    SDL_Color toggle_on; /* a11y toggle switched on */
    SDL_Color toggle_on_text;
} ui_theme;

/* The theme for a display mode. */
const ui_theme *ui_theme_get(bool high_contrast);

/* WCAG relative-luminance contrast ratio of two colours (1..21). */
double ui_theme_contrast(SDL_Color a, SDL_Color b);

#endif
