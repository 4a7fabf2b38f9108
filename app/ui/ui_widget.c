/* Widgets of one screen as plain data (see ui_widget.h). */
#include "ui_widget.h"
#include "util.h"

#include <string.h>

uiw *uiw_add(uiw_list *l, uiw_role role, const char *id)
{
    if (l->n >= UIW_MAX)
        return NULL;
    uiw *w = &l->w[l->n++];
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
