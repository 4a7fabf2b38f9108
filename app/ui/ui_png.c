/* PNG files to and from SDL surfaces (see ui_png.h). */
#include "ui_png.h"
#include "util.h"

#include <png.h>
#include <string.h>

SDL_Surface *ui_png_load(const char *path, char *err, size_t errlen)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        wp_errf(err, errlen, "cannot read %s: %s", path, img.message);
        return NULL;
    }
    img.format = PNG_FORMAT_RGBA;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, (int)img.width, (int)img.height, 32,
                                                    SDL_PIXELFORMAT_RGBA32);
    if (!s) {
        wp_errf(err, errlen, "cannot read %s: %s", path, SDL_GetError());
        png_image_free(&img);
        return NULL;
    }
    if (!png_image_finish_read(&img, NULL, s->pixels, s->pitch, NULL)) {
        wp_errf(err, errlen, "cannot read %s: %s", path, img.message);
        SDL_FreeSurface(s);
        return NULL;
    }
    return s;
}

int ui_png_save(SDL_Surface *s, const char *path, char *err, size_t errlen)
{
    SDL_Surface *rgba = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
    if (!rgba) {
        wp_errf(err, errlen, "cannot write %s: %s", path, SDL_GetError());
        return -1;
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)rgba->w;
    img.height = (png_uint_32)rgba->h;
    img.format = PNG_FORMAT_RGBA;
    int ok = png_image_write_to_file(&img, path, 0, rgba->pixels, rgba->pitch, NULL);
    SDL_FreeSurface(rgba);
    if (!ok) {
        wp_errf(err, errlen, "cannot write %s: %s", path, img.message);
        png_image_free(&img);
        return -1;
    }
    return 0;
}
