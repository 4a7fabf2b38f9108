/* Renders the answer icons and smiley faces (assets/icons/NAME.png, 128x128, transparent) from
 * the Noto Color Emoji font; run by hand, see assets/icons/README.md for the command. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICON_SIZE     128 /* output width and height in pixels */
#define ICON_MARGIN   4   /* transparent pixels kept around the drawing on every side */
#define EMOJI_PT      109 /* the colour bitmap strike of Noto Color Emoji (136x128 px) */
#define ICON_PATH_MAX 1024
#define DEFAULT_FONT  "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"

typedef struct {
    const char *name;  /* file name without .png; the "icon" value in a question set */
    const char *emoji; /* UTF-8, possibly with a variation selector */
    const char *what;  /* what it stands for, for the README table */
} icon_def;

static const icon_def icons[] = {
    /* smiley faces, 1 = very unhappy ... 5 = very happy */
    {"smiley-1", "\xF0\x9F\x98\xA2", "very bad (crying face)"},
    {"smiley-2", "\xF0\x9F\x99\x81", "bad (slightly frowning face)"},
    {"smiley-3", "\xF0\x9F\x98\x90", "okay (neutral face)"},
    {"smiley-4", "\xF0\x9F\x99\x82", "good (slightly smiling face)"},
    {"smiley-5", "\xF0\x9F\x98\x80", "very good (grinning face)"},
    /* worries */
    {"money", "\xF0\x9F\x92\xB6", "money (euro banknote)"},
    {"work", "\xF0\x9F\x92\xBC", "work (briefcase)"},
    {"house", "\xF0\x9F\x8F\xA0", "housing, my home (house)"},
    {"health", "\xF0\x9F\xA9\xBA", "health (stethoscope)"},
    {"lonely", "\xF0\x9F\x91\xA4", "loneliness (bust in silhouette)"},
    {"children", "\xF0\x9F\xA7\x92", "children, upbringing (child)"},
    {"safety", "\xF0\x9F\x9B\xA1\xEF\xB8\x8F", "safety (shield)"},
    {"none", "\xF0\x9F\x91\x8D", "no worries (thumbs up)"},
    /* reasons for not liking the neighbourhood */
    {"litter", "\xF0\x9F\x97\x91\xEF\xB8\x8F", "litter (wastebasket)"},
    {"neighbours", "\xF0\x9F\x8F\x98\xEF\xB8\x8F", "neighbours (houses)"},
    {"shop", "\xF0\x9F\x9B\x92", "shops (shopping cart)"},
    {"noise", "\xF0\x9F\x94\x8A", "noise (loud speaker)"},
    {"other", "\xF0\x9F\x92\xAC", "something else (speech balloon)"},
    /* what would make the neighbourhood better */
    {"tree", "\xF0\x9F\x8C\xB3", "more green (deciduous tree)"},
    {"meeting", "\xF0\x9F\x91\xA5", "places to meet (busts in silhouette)"},
    {"street", "\xF0\x9F\x9A\xA6", "safer streets (traffic light)"},
    {"youth", "\xE2\x9A\xBD", "activities for young people (football)"},
    {"play", "\xF0\x9F\x9B\x9D", "places to play (playground slide)"},
    {"help", "\xF0\x9F\xA4\x9D", "help with money matters (handshake)"},
    {"clean", "\xF0\x9F\xA7\xB9", "cleaner streets (broom)"},
};
#define N_ICONS (sizeof icons / sizeof icons[0])

/* Bounding box of the pixels with any alpha; false when the surface is fully transparent. */
static bool alpha_bbox(SDL_Surface *s, SDL_Rect *box)
{
    int x0 = s->w, y0 = s->h, x1 = -1, y1 = -1;
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * s->pitch);
        for (int x = 0; x < s->w; x++) {
            Uint8 r, g, b, a;
            SDL_GetRGBA(row[x], s->format, &r, &g, &b, &a);
            if (a) {
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
            }
        }
    }
    if (x1 < 0)
        return false;
    *box = (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    return true;
}

/* Area-averaging resample of box in src (RGBA8888) onto dst at dr, with premultiplied alpha
 * so transparent pixels do not darken the edges. */
static void resample(SDL_Surface *src, SDL_Rect box, SDL_Surface *dst, const double dr[4])
{
    double sx = box.w / dr[2], sy = box.h / dr[3];
    for (int y = 0; y < dst->h; y++) {
        Uint32 *out = (Uint32 *)((Uint8 *)dst->pixels + (size_t)y * dst->pitch);
        for (int x = 0; x < dst->w; x++) {
            /* The source area this output pixel covers. */
            double ax0 = box.x + (x - dr[0]) * sx, ax1 = ax0 + sx;
            double ay0 = box.y + (y - dr[1]) * sy, ay1 = ay0 + sy;
            double acc[4] = {0, 0, 0, 0}, area = 0;
            for (int v = (int)SDL_floor(ay0); v < (int)SDL_ceil(ay1); v++) {
                if (v < box.y || v >= box.y + box.h)
                    continue;
                double wy = SDL_min(ay1, v + 1.0) - SDL_max(ay0, (double)v);
                const Uint32 *row =
                    (const Uint32 *)((const Uint8 *)src->pixels + (size_t)v * src->pitch);
                for (int u = (int)SDL_floor(ax0); u < (int)SDL_ceil(ax1); u++) {
                    if (u < box.x || u >= box.x + box.w)
                        continue;
                    double w = wy * (SDL_min(ax1, u + 1.0) - SDL_max(ax0, (double)u));
                    Uint8 r, g, b, a;
                    SDL_GetRGBA(row[u], src->format, &r, &g, &b, &a);
                    acc[0] += w * r * a;
                    acc[1] += w * g * a;
                    acc[2] += w * b * a;
                    acc[3] += w * a;
                }
            }
            area = sx * sy;
            Uint8 r = 0, g = 0, b = 0, a = 0;
            if (acc[3] > 0) {
                r = (Uint8)SDL_min(255.0, acc[0] / acc[3] + 0.5);
                g = (Uint8)SDL_min(255.0, acc[1] / acc[3] + 0.5);
                b = (Uint8)SDL_min(255.0, acc[2] / acc[3] + 0.5);
                a = (Uint8)SDL_min(255.0, acc[3] / area + 0.5);
            }
            out[x] = SDL_MapRGBA(dst->format, r, g, b, a);
        }
    }
}

/* Checks that the font has every code point of s (skipping variation selectors). */
static bool font_has(TTF_Font *font, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        Uint32 c;
        int n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
        c = n == 1 ? *p : (Uint32)(*p & (0x7F >> n));
        for (int i = 1; i < n; i++)
            c = (c << 6) | (p[i] & 0x3F);
        p += n;
        if (c == 0xFE0F || c == 0x200D)
            continue;
        if (!TTF_GlyphIsProvided32(font, c))
            return false;
    }
    return true;
}

static int make_one(TTF_Font *font, const icon_def *d, const char *outdir)
{
    int rc = -1;
    SDL_Surface *glyph = NULL, *rgba = NULL, *out = NULL;
    SDL_Rect box;
    char path[ICON_PATH_MAX];

    if (!font_has(font, d->emoji)) {
        fprintf(stderr, "%s: the font has no glyph for this emoji\n", d->name);
        goto done;
    }
    glyph = TTF_RenderUTF8_Blended(font, d->emoji, (SDL_Color){0, 0, 0, 255});
    if (!glyph) {
        fprintf(stderr, "%s: cannot render: %s\n", d->name, TTF_GetError());
        goto done;
    }
    rgba = SDL_ConvertSurfaceFormat(glyph, SDL_PIXELFORMAT_RGBA32, 0);
    out = SDL_CreateRGBSurfaceWithFormat(0, ICON_SIZE, ICON_SIZE, 32, SDL_PIXELFORMAT_RGBA32);
    if (!rgba || !out) {
        fprintf(stderr, "%s: out of memory: %s\n", d->name, SDL_GetError());
        goto done;
    }
    if (!alpha_bbox(rgba, &box)) {
        fprintf(stderr, "%s: rendered nothing (is this a colour emoji font?)\n", d->name);
        goto done;
    }
    /* Fit the drawing (not the 136x128 cell) into the icon, keeping its proportions. */
    double room = ICON_SIZE - 2 * ICON_MARGIN;
    double scale = SDL_min(room / box.w, room / box.h);
    double dr[4] = {0, 0, box.w * scale, box.h * scale};
    dr[0] = (ICON_SIZE - dr[2]) / 2;
    dr[1] = (ICON_SIZE - dr[3]) / 2;
    resample(rgba, box, out, dr);
    if (snprintf(path, sizeof path, "%s/%s.png", outdir, d->name) >= (int)sizeof path) {
        fprintf(stderr, "%s: output path too long\n", d->name);
        goto done;
    }
    if (IMG_SavePNG(out, path) != 0) {
        fprintf(stderr, "%s: %s\n", path, IMG_GetError());
        goto done;
    }
    printf("%-11s %dx%d drawing (cell %dx%d) scaled %.3f -> %s\n", d->name, box.w, box.h, glyph->w,
           glyph->h, scale, path);
    rc = 0;
done:
    SDL_FreeSurface(out);
    SDL_FreeSurface(rgba);
    SDL_FreeSurface(glyph);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 1;
    TTF_Font *font = NULL;
    bool ttf = false;
    const char *outdir = argc > 1 ? argv[1] : "assets/icons";
    const char *fontpath = argc > 2 ? argv[2] : DEFAULT_FONT;

    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < N_ICONS; i++)
            printf("| %s | %s | %s |\n", icons[i].name, icons[i].emoji, icons[i].what);
        return 0;
    }
    if (argc > 3 || (argc > 1 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: make_icons [OUTDIR [EMOJI_FONT.ttf]] | make_icons --list\n");
        return 2;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "TTF_Init: %s\n", TTF_GetError());
        goto done;
    }
    ttf = true;
    font = TTF_OpenFont(fontpath, EMOJI_PT);
    if (!font) {
        fprintf(stderr, "%s: %s (apt-get install fonts-noto-color-emoji)\n", fontpath,
                TTF_GetError());
        goto done;
    }
    rc = 0;
    for (size_t i = 0; i < N_ICONS; i++)
        if (make_one(font, &icons[i], outdir) != 0)
            rc = 1;
done:
    TTF_CloseFont(font);
    if (ttf)
        TTF_Quit();
    return rc;
}
