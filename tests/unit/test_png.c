/* ui_png: PNG files read and written with libpng instead of SDL2_image (issue 11: start-up).
 * A written screenshot reads back pixel for pixel, alpha included; a shipped icon loads and is
 * drawn by the UI as a texture; a missing or broken file is an error that names it. */
#include "testlib.h"
#include "ui_icons.h"
#include "ui_png.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Uint32 pixel_at(SDL_Surface *s, int x, int y)
{
    return ((const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch))[x];
}

static void test_round_trip(void)
{
    char *dir = test_tmpdir("png");
    char path[1024], err[256] = "";
    snprintf(path, sizeof path, "%s/shot.png", dir);
    /* Written from the renderer's format (ARGB8888), as the script's and walker's shots are. */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 7, 5, 32, SDL_PIXELFORMAT_ARGB8888);
    CHECK(s != NULL);
    if (!s)
        goto done;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x] =
                SDL_MapRGBA(s->format, (Uint8)(x * 36), (Uint8)(y * 60), 200, (Uint8)(255 - x * y));
    CHECKF(ui_png_save(s, path, err, sizeof err) == 0, "save: %s", err);
    SDL_Surface *back = ui_png_load(path, err, sizeof err);
    CHECKF(back != NULL, "load: %s", err);
    if (back) {
        CHECK(back->w == 7 && back->h == 5);
        int wrong = 0;
        for (int y = 0; y < s->h; y++)
            for (int x = 0; x < s->w; x++) {
                Uint8 r, g, b, a, r2, g2, b2, a2;
                SDL_GetRGBA(pixel_at(s, x, y), s->format, &r, &g, &b, &a);
                SDL_GetRGBA(pixel_at(back, x, y), back->format, &r2, &g2, &b2, &a2);
                wrong += r != r2 || g != g2 || b != b2 || a != a2;
            }
        CHECKF(wrong == 0, "%d pixels differ after a round trip", wrong);
        SDL_FreeSurface(back);
    }
    SDL_FreeSurface(s);
done:
    remove(path);
    remove(dir);
    free(dir);
}

static void test_errors(void)
{
    char *dir = test_tmpdir("png-bad");
    char path[1024], err[256] = "";
    snprintf(path, sizeof path, "%s/missing.png", dir);
    CHECK(ui_png_load(path, err, sizeof err) == NULL);
    CHECKF(strstr(err, "missing.png") != NULL, "error names the file: %s", err);
    snprintf(path, sizeof path, "%s/not.png", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("GIF89a, not a PNG at all", f);
        fclose(f);
    }
    err[0] = '\0';
    CHECK(ui_png_load(path, err, sizeof err) == NULL);
    CHECKF(strstr(err, "not.png") != NULL, "error names the file: %s", err);
    remove(path);
    snprintf(path, sizeof path, "%s/no-such-folder/shot.png", dir);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 2, 2, 32, SDL_PIXELFORMAT_ARGB8888);
    err[0] = '\0';
    CHECK(s && ui_png_save(s, path, err, sizeof err) != 0);
    CHECKF(strstr(err, "shot.png") != NULL, "error names the file: %s", err);
    SDL_FreeSurface(s);
    remove(dir);
    free(dir);
}

/* Every shipped icon loads with colour in it, and the UI's icon cache hands it out as a
 * texture of the file's size (a missing name gives none: the tile shows text only). */
static void test_shipped_icons(void)
{
    char *icons = test_src("assets/icons");
    char path[1200], err[256] = "";
    snprintf(path, sizeof path, "%s/house.png", icons);
    SDL_Surface *s = ui_png_load(path, err, sizeof err);
    CHECKF(s != NULL, "house.png: %s", err);
    int opaque = 0, w = 0, h = 0;
    if (s) {
        for (int y = 0; y < s->h; y++)
            for (int x = 0; x < s->w; x++) {
                Uint8 r, g, b, a;
                SDL_GetRGBA(pixel_at(s, x, y), s->format, &r, &g, &b, &a);
                opaque += a == 255 && (r != g || g != b);
            }
        w = s->w;
        h = s->h;
        SDL_FreeSurface(s);
    }
    CHECKF(opaque > 0, "house.png has %d opaque coloured pixels", opaque);
    SDL_Surface *screen = SDL_CreateRGBSurfaceWithFormat(0, 64, 64, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = screen ? SDL_CreateSoftwareRenderer(screen) : NULL;
    CHECK(r != NULL);
    ui_icons *ic = r ? ui_icons_new(r, icons) : NULL;
    if (ic) {
        SDL_Texture *t = ui_icons_get(ic, "house");
        int tw = 0, th = 0;
        CHECK(t && SDL_QueryTexture(t, NULL, NULL, &tw, &th) == 0);
        CHECKF(tw == w && th == h, "texture %dx%d, file %dx%d", tw, th, w, h);
        CHECK(ui_icons_get(ic, "no-such-icon") == NULL);
        ui_icons_free(ic);
    }
    if (r)
        SDL_DestroyRenderer(r);
    SDL_FreeSurface(screen);
    free(icons);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    RUN(test_round_trip);
    RUN(test_errors);
    RUN(test_shipped_icons);
    SDL_Quit();
    return test_main();
}
