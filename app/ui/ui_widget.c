/* Widgets of one screen as plain data (see ui_widget.h). */
#include "ui_widget.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The next free slot of l (taking the list's room at its first widget), or NULL. */
static uiw *next_slot(uiw_list *l)
{
    if (!l->w && !(l->w = malloc(UIW_MAX * sizeof *l->w)))
        return NULL;
    return l->n < UIW_MAX ? &l->w[l->n++] : NULL;
}

uiw *uiw_push(uiw_list *l, const uiw *w)
{
    uiw *c = next_slot(l);
    if (c)
        *c = *w;
    return c;
}

void uiw_list_free(uiw_list *l)
{
    free(l->w);
    *l = (uiw_list){0};
}

uiw *uiw_add(uiw_list *l, uiw_role role, const char *id)
{
    uiw *w = next_slot(l);
    if (!w)
        return NULL;
    memset(w, 0, sizeof *w);
    w->role = role;
    w->enabled = true;
    wp_strlcpy(w->id, id, sizeof w->id);
    return w;
}

void uiw_set_label(uiw *w, const char *label, const char *spoken)
{
    wp_strlcpy(w->label, label ? label : "", sizeof w->label);
    wp_strlcpy(w->spoken, spoken ? spoken : w->label, sizeof w->spoken);
}

const uiw *uiw_hit(const uiw_list *l, int x, int y)
{
    for (int i = l->n - 1; i >= 0; i--) {
        const uiw *w = &l->w[i];
        if (w->action == UIA_NONE)
            continue;
        if (x >= w->r.x && x < w->r.x + w->r.w && y >= w->r.y && y < w->r.y + w->r.h)
            return w;
    }
    return NULL;
}

const uiw *uiw_find(const uiw_list *l, const char *id)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->w[i].id, id))
            return &l->w[i];
    return NULL;
}

void uiw_mirror(uiw_list *l, int width)
{
    for (int i = 0; i < l->n; i++)
        l->w[i].r.x = width - l->w[i].r.x - l->w[i].r.w;
}
