/* Option icons: PNG files loaded once (ui_png.h) and kept as textures. A set may bring its
 * own icons in its folder (icons/NAME.png); otherwise assets/icons/NAME.png is used. */
#ifndef WP_UI_ICONS_H
#define WP_UI_ICONS_H

#include <SDL.h>

#define UI_ICONS_MAX 64 /* distinct icons kept */

typedef struct ui_icons ui_icons;

ui_icons *ui_icons_new(SDL_Renderer *r, const char *asset_dir);
void ui_icons_free(ui_icons *ic); /* NULL is a no-op */
/* Folder searched first (the active question set's folder); NULL for none. */
void ui_icons_set_local_dir(ui_icons *ic, const char *dir);
/* The texture for name, or NULL when there is no such icon (the tile then shows text only). */
SDL_Texture *ui_icons_get(ui_icons *ic, const char *name);

#endif
