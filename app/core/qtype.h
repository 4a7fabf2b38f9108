/* Question types: one table row per kind of question (qtype.c). Everything that differs between
 * types is a field of its row, and the loader (qset.c), the converter (xlsform.c), the flow, the
 * UI, the walker and the exports read the row instead of testing for a type. Adding a type is
 * one enum value and one row here, plus its drawing function in the UI when it needs a layout
 * of its own (ui.c maps qtype_layout to drawing functions in one table). */
#ifndef WP_QTYPE_H
#define WP_QTYPE_H

#include "uistr.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    QSET_SINGLE,
    QSET_MULTI,
    QSET_SMILEY,
    QSET_YESNO,
    QSET_SCALE,
    QSET_LIKERT, /* single, laid out as one labelled row of choices when it fits */
    QSET_NOTE,   /* an information screen between questions: no answer */
    QSET_N_TYPES
} qset_type;

/* Where a type's answers come from. */
typedef enum {
    QTYPE_ANS_NONE,    /* none: nothing is asked or stored (note) */
    QTYPE_ANS_OPTIONS, /* the set's "options" */
    QTYPE_ANS_FIXED,   /* the fixed values of the row; the kiosk labels them itself */
    QTYPE_ANS_RANGE    /* the whole numbers from "min" to "max" */
} qtype_answers;

/* What is stored for one question: nothing, one value, or a list of values. */
typedef enum { QTYPE_VALUE_NONE, QTYPE_VALUE_ONE, QTYPE_VALUE_LIST } qtype_value;

/* How the UI lays the answers out (ui.c: one drawing function per value). */
typedef enum {
    QTYPE_LAYOUT_NOTE,   /* text and hint only */
    QTYPE_LAYOUT_LIST,   /* a grid of wide tiles, as many columns as the labels allow */
    QTYPE_LAYOUT_ROW,    /* one compact centred row of tiles when it fits (faces, yes/no) */
    QTYPE_LAYOUT_SCALE,  /* a compact row of numbers with the end labels under it */
    QTYPE_LAYOUT_LIKERT, /* one row of labelled tiles across the width, else as LIST */
    QTYPE_N_LAYOUTS
} qtype_layout;

/* How an answer tile is labelled (shown and read aloud). */
typedef enum {
    QTYPE_LABEL_TEXT,   /* the option's text from the set */
    QTYPE_LABEL_SMILEY, /* a face and the kiosk's word for it */
    QTYPE_LABEL_YESNO,  /* the kiosk's yes / no / prefer not */
    QTYPE_LABEL_VALUE   /* the stored value itself (scale numbers) */
} qtype_label;

/* Keys of a question in the set JSON beyond those every type takes (id, type, text, text_audio,
 * hint, hint_audio, show_if and x-...). */
enum {
    QTYPE_KEY_REQUIRED = 1u << 0,   /* "required" */
    QTYPE_KEY_OPTIONS = 1u << 1,    /* "options" (required when taken) */
    QTYPE_KEY_COUNT = 1u << 2,      /* "min"/"max": how many may be chosen (optional) */
    QTYPE_KEY_RANGE = 1u << 3,      /* "min"/"max": the range of values (required) */
    QTYPE_KEY_ENDS = 1u << 4,       /* "low", "high", "low_audio", "high_audio" */
    QTYPE_KEY_PREFER_NOT = 1u << 5, /* "prefer_not": adds the last fixed value */
};

typedef struct {
    const char *name;           /* in the set JSON: "single" */
    const char *xls_type;       /* the XLSForm type it comes from, NULL: none */
    bool xls_list;              /* the XLSForm type is followed by a list name */
    const char *xls_appearance; /* the appearance that selects this row, NULL: any other */
    unsigned keys;              /* QTYPE_KEY_... */
    qtype_answers answers;
    const char *const *fixed; /* QTYPE_ANS_FIXED: the stored values, in order */
    int n_fixed;
    const char *answers_doc; /* the answers in words, for messages */
    qtype_value value;
    qtype_layout layout;
    qtype_label label;
    uistr_key say; /* instruction shown and read aloud under the text; UISTR_COUNT: none */
    int columns;   /* columns in a CSV export (0: the type is exported as nothing) */
} qtype;

/* The row of type t (never NULL: an out-of-range t gets the first row). */
const qtype *qtype_get(int t);
/* The type named name in the set JSON, or -1. */
int qtype_find(const char *name);
/* The type an XLSForm row becomes: kind is its type's first word ("select_one"), appearance
 * its appearance column (may be empty). -1 when no type comes from kind. *appearance_used is
 * true when the appearance chose the type (false: the caller says it is not honoured). */
int qtype_from_xlsform(const char *kind, const char *appearance, bool *appearance_used);
/* The names of the types whose keys include all of keys (0: every type), as "a, b or c". */
void qtype_names(unsigned keys, bool xlsform, char *buf, size_t len);
/* Number of fixed answers of t given prefer_not (the last fixed value needs it). */
int qtype_n_fixed(int t, bool prefer_not);

#endif
