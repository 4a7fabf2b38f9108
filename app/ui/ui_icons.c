/* Option icons loaded once as textures (see ui_icons.h). */
#include "ui_icons.h"
#include "ui_png.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui_icons {
    SDL_Renderer *r;
    char asset_dir[1024];
    char local_dir[1024];
    int n;
    struct {
        char name[64];
        SDL_Texture *tex; /* NULL remembers that the icon does not exist */
    } e[UI_ICONS_MAX];
};

ui_icons *ui_icons_new(SDL_Renderer *r, const char *asset_dir)
{
    ui_icons *ic = calloc(1, sizeof *ic);
    if (!ic)
        return NULL;
    ic->r = r;
    wp_strlcpy(ic->asset_dir, asset_dir, sizeof ic->asset_dir);
    return ic;
}

void ui_icons_free(ui_icons *ic)
{
    if (!ic)
        return;
    for (int i = 0; i < ic->n; i++)
        if (ic->e[i].tex)
            SDL_DestroyTexture(ic->e[i].tex);
    free(ic);
}

void ui_icons_set_local_dir(ui_icons *ic, const char *dir)
{
    wp_strlcpy(ic->local_dir, dir ? dir : "", sizeof ic->local_dir);
    /* Names may now resolve differently: forget what was loaded. */
    for (int i = 0; i < ic->n; i++)
        if (ic->e[i].tex)
            SDL_DestroyTexture(ic->e[i].tex);
    ic->n = 0;
}

static SDL_Texture *load(ui_icons *ic, const char *dir, const char *name)
{
    if (!dir[0])
        return NULL;
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    char err[WP_ERR_LEN];
    SDL_Surface *s = ui_png_load(path, err, sizeof err); /* missing: text only */
    if (!s)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(ic->r, s);
    SDL_FreeSurface(s);
    return t;
}

SDL_Texture *ui_icons_get(ui_icons *ic, const char *name)
{
    if (!name || !*name)
        return NULL;
    for (int i = 0; i < ic->n; i++)
        if (!strcmp(ic->e[i].name, name))
            return ic->e[i].tex;
    char local[1100];
    snprintf(local, sizeof local, "%s/icons", ic->local_dir);
    SDL_Texture *t = ic->local_dir[0] ? load(ic, local, name) : NULL;
    if (!t)
        t = load(ic, ic->asset_dir, name);
    int slot = ic->n < UI_ICONS_MAX ? ic->n++ : UI_ICONS_MAX - 1;
    if (slot == UI_ICONS_MAX - 1 && ic->e[slot].tex && ic->n == UI_ICONS_MAX)
        SDL_DestroyTexture(ic->e[slot].tex); /* full: the last slot is reused */
    wp_strlcpy(ic->e[slot].name, name, sizeof ic->e[slot].name);
    ic->e[slot].tex = t;
    return t;
}
