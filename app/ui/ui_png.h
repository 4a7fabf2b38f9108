/* PNG files to and from SDL surfaces with libpng's simplified API. The kiosk reads its option
 * icons and the tests and the walker write screenshots; libpng is already in the process
 * (FreeType needs it), whereas SDL2_image would load libtiff, libwebp, libjpeg and, through
 * libtiff, libstdc++: eleven more libraries and thousands of symbol look-ups at every start. */
#ifndef WP_UI_PNG_H
#define WP_UI_PNG_H

#include <SDL.h>
#include <stddef.h>

/* Reads path into a new surface (SDL_PIXELFORMAT_RGBA32, straight alpha; grey, palette and
 * 16-bit files are converted). Returns NULL with a message when the file is missing or is not a
 * PNG. The caller frees the surface. */
SDL_Surface *ui_png_load(const char *path, char *err, size_t errlen);

/* Writes s (any pixel format) to path as an 8-bit RGBA PNG. Returns 0, or -1 with a message. */
int ui_png_save(SDL_Surface *s, const char *path, char *err, size_t errlen);

#endif
