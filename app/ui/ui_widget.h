/* Widgets of one screen as plain data: every screen is laid out into a list of boxes with an
 * id, a role, the label as shown, the text speech reads, and the action a tap triggers. The same
 * list is drawn, hit-tested, and written out as the JSON tree that tests and checks read. */
#ifndef WP_UI_WIDGET_H
#define WP_UI_WIDGET_H

#include <SDL.h>
#include <stdbool.h>

#define UIW_MAX       72 /* widgets on one screen */
#define UIW_ID_LEN    96
#define UIW_LABEL_LEN 768

typedef enum {
    UIW_TEXT,    /* paragraph */
    UIW_HEADING, /* the screen's main text (question, title) */
    UIW_BUTTON,
    UIW_OPTION,   /* an answer tile */
    UIW_TOGGLE,   /* large text, high contrast, read aloud */
    UIW_PROGRESS, /* "3 / 8" */
    UIW_HINT,     /* a short notice, e.g. "you can choose at most 3" */
    UIW_PEEK      /* the top of the next, scrolled-away row: shows that more follows (no target) */
} uiw_role;

typedef enum {
    UIA_NONE,
    UIA_START,
    UIA_LANG,   /* arg: language index */
    UIA_OPTION, /* arg: option index */
    UIA_NEXT,
    UIA_BACK,
    UIA_LANG_SWITCH,
    UIA_CONTINUE,
    UIA_READ_ALOUD,
    UIA_VOLUME_UP,
    UIA_VOLUME_DOWN,
    UIA_LARGE_TEXT,
    UIA_HIGH_CONTRAST,
    UIA_SCROLL_UP,
    UIA_SCROLL_DOWN,
    UIA_MORE, /* opens or closes the panel of the collapsed toolbar */
    UIA_STAFF /* arg: a staff-mode action (ui_staff) */
} uiw_action;

typedef enum { UIW_PLAIN, UIW_TILE, UIW_PRIMARY, UIW_HINTBOX } uiw_look;

typedef struct {
    char id[UIW_ID_LEN];
    uiw_role role;
    uiw_look look;
    uiw_action action;
    int arg;       /* UIA_LANG: language index; UIA_OPTION: option index; UIA_STAFF: list row */
    int staff_act; /* UIA_STAFF: the staff module's own action (never packed into arg) */
    int matrix_q;  /* UIA_OPTION on a matrix row: 1 + the row's question index; 0: the screen's */
    char label[UIW_LABEL_LEN];  /* as shown */
    char spoken[UIW_LABEL_LEN]; /* what speech reads for it */
    char lang[16];              /* language of the label */
    SDL_Rect r;                 /* window pixels */
    bool selected, enabled;
    bool rtl; /* label is right-to-left */
    bool bold;
    bool undeclared;    /* its action is not one its screen's table entry lists: refused */
    int px;             /* text size in pixels */
    int align;          /* ui_align of the label */
    const char *icon;   /* icon name or NULL */
    const char *clip;   /* recorded clip read instead of synthesis, or NULL */
    bool checkmark;     /* draw a check mark when selected */
    int pad;            /* inner padding of the label */
    int pad_x;          /* horizontal padding */
    int pad_top;        /* band above the label kept for a check mark (0: none needed) */
    int icon_h;         /* height of the icon above the label (0: none) */
    int arrow;          /* a drawn arrow instead of an icon: 1 up, -1 down, 0 none */
    const char *symbol; /* drawn symbol beside the label at the start side, or NULL */
    int symbol_w;       /* room kept for it at the start side (the label is centred in the rest) */
    int text_w, text_h; /* size of the wrapped label block (measured at layout) */
} uiw;

/* A list starts empty ({0}) and takes room for UIW_MAX widgets at its first widget, never
 * moved after (a widget's pointer stays valid while more are added); uiw_list_free gives it
 * back. Screens that never scroll never take room for the scrolled lists, and a list's
 * unused room is never touched (no page of it is faulted in at start-up). */
typedef struct {
    uiw *w;
    int n;
} uiw_list;

/* Appends a widget (zeroed, enabled) and returns it; NULL when the list is full (or no memory
 * could be had for it). */
uiw *uiw_add(uiw_list *l, uiw_role role, const char *id);
/* Appends a copy of w and returns it; NULL as uiw_add. */
uiw *uiw_push(uiw_list *l, const uiw *w);
void uiw_list_free(uiw_list *l);
/* Sets the label (and, when spoken is NULL, the spoken text to the same). */
void uiw_set_label(uiw *w, const char *label, const char *spoken);
/* The topmost actionable widget under x,y, or NULL. */
const uiw *uiw_hit(const uiw_list *l, int x, int y);
const uiw *uiw_find(const uiw_list *l, const char *id);
/* Mirrors every box horizontally within a window width (right-to-left layouts). */
void uiw_mirror(uiw_list *l, int width);

#endif
