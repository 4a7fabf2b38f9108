/* The question-type table (qtype.h). */
#include "qtype.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const smiley_values[] = {"1", "2", "3", "4", "5"};
static const char *const yesno_values[] = {"yes", "no", "prefer_not"};

/* One row per qset_type, in enum order. */
static const qtype types[QSET_N_TYPES] = {
    [QSET_SINGLE] = {.name = "single",
                     .xls_type = "select_one",
                     .xls_list = true,
                     .keys = QTYPE_KEY_REQUIRED | QTYPE_KEY_OPTIONS,
                     .answers = QTYPE_ANS_OPTIONS,
                     .answers_doc = "the ids of its options",
                     .value = QTYPE_VALUE_ONE,
                     .layout = QTYPE_LAYOUT_LIST,
                     .label = QTYPE_LABEL_TEXT,
                     .say = UISTR_CHOOSE_ONE,
                     .columns = 1},
    [QSET_MULTI] = {.name = "multi",
                    .xls_type = "select_multiple",
                    .xls_list = true,
                    .keys = QTYPE_KEY_REQUIRED | QTYPE_KEY_OPTIONS | QTYPE_KEY_COUNT,
                    .answers = QTYPE_ANS_OPTIONS,
                    .answers_doc = "the ids of its options",
                    .value = QTYPE_VALUE_LIST,
                    .layout = QTYPE_LAYOUT_LIST,
                    .label = QTYPE_LABEL_TEXT,
                    .say = UISTR_CHOOSE_SEVERAL,
                    .columns = 1},
    [QSET_SMILEY] = {.name = "smiley",
                     .xls_type = "smiley",
                     .keys = QTYPE_KEY_REQUIRED,
                     .answers = QTYPE_ANS_FIXED,
                     .fixed = smiley_values,
                     .n_fixed = 5,
                     .answers_doc = "\"1\"..\"5\"",
                     .value = QTYPE_VALUE_ONE,
                     .layout = QTYPE_LAYOUT_ROW,
                     .label = QTYPE_LABEL_SMILEY,
                     .say = UISTR_CHOOSE_ONE,
                     .columns = 1},
    [QSET_YESNO] = {.name = "yesno",
                    .xls_type = "yesno",
                    .keys = QTYPE_KEY_REQUIRED | QTYPE_KEY_PREFER_NOT,
                    .answers = QTYPE_ANS_FIXED,
                    .fixed = yesno_values,
                    .n_fixed = 3,
                    .answers_doc = "\"yes\", \"no\" and \"prefer_not\"",
                    .value = QTYPE_VALUE_ONE,
                    .layout = QTYPE_LAYOUT_ROW,
                    .label = QTYPE_LABEL_YESNO,
                    .say = UISTR_CHOOSE_ONE,
                    .columns = 1},
    [QSET_SCALE] = {.name = "scale",
                    .xls_type = "range",
                    .keys = QTYPE_KEY_REQUIRED | QTYPE_KEY_RANGE | QTYPE_KEY_ENDS,
                    .answers = QTYPE_ANS_RANGE,
                    .answers_doc = "the numbers from \"min\" to \"max\"",
                    .value = QTYPE_VALUE_ONE,
                    .layout = QTYPE_LAYOUT_SCALE,
                    .label = QTYPE_LABEL_VALUE,
                    .say = UISTR_CHOOSE_ONE,
                    .columns = 1},
    [QSET_LIKERT] = {.name = "likert",
                     .xls_type = "select_one",
                     .xls_list = true,
                     .xls_appearance = "likert",
                     .keys = QTYPE_KEY_REQUIRED | QTYPE_KEY_OPTIONS,
                     .answers = QTYPE_ANS_OPTIONS,
                     .answers_doc = "the ids of its options",
                     .value = QTYPE_VALUE_ONE,
                     .layout = QTYPE_LAYOUT_LIKERT,
                     .label = QTYPE_LABEL_TEXT,
                     .say = UISTR_CHOOSE_ONE,
                     .columns = 1},
    [QSET_NOTE] = {.name = "note",
                   .xls_type = "note",
                   .keys = 0,
                   .answers = QTYPE_ANS_NONE,
                   .answers_doc = "none: a note is not answered",
                   .value = QTYPE_VALUE_NONE,
                   .layout = QTYPE_LAYOUT_NOTE,
                   .label = QTYPE_LABEL_TEXT,
                   .say = UISTR_COUNT,
                   .columns = 0},
};

const qtype *qtype_get(int t)
{
    return &types[t >= 0 && t < QSET_N_TYPES ? t : 0];
}

int qtype_find(const char *name)
{
    for (int i = 0; name && i < QSET_N_TYPES; i++)
        if (!strcmp(types[i].name, name))
            return i;
    return -1;
}

int qtype_from_xlsform(const char *kind, const char *appearance, bool *appearance_used)
{
    int plain = -1;
    *appearance_used = false;
    for (int i = 0; i < QSET_N_TYPES; i++) {
        const qtype *t = &types[i];
        if (!t->xls_type || strcasecmp(t->xls_type, kind) != 0)
            continue;
        if (!t->xls_appearance) {
            if (plain < 0)
                plain = i;
        } else if (appearance && !strcasecmp(t->xls_appearance, appearance)) {
            *appearance_used = true;
            return i;
        }
    }
    return plain;
}

void qtype_names(unsigned keys, bool xlsform, char *buf, size_t len)
{
    int pick[QSET_N_TYPES], n = 0;
    for (int i = 0; i < QSET_N_TYPES; i++) {
        const qtype *t = &types[i];
        if ((t->keys & keys) != keys)
            continue;
        if (xlsform && (!t->xls_type || t->xls_appearance))
            continue; /* one name per XLSForm type; appearances are documented apart */
        pick[n++] = i;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < len; i++) {
        const qtype *t = &types[pick[i]];
        const char *sep = i == 0 ? "" : (i == n - 1 ? " or " : ", ");
        int w = snprintf(buf + used, len - used, "%s%s%s", sep, xlsform ? t->xls_type : t->name,
                         xlsform && t->xls_list ? " LIST" : "");
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int qtype_n_fixed(int t, bool prefer_not)
{
    const qtype *q = qtype_get(t);
    if (q->answers != QTYPE_ANS_FIXED)
        return 0;
    return (q->keys & QTYPE_KEY_PREFER_NOT) && !prefer_not ? q->n_fixed - 1 : q->n_fixed;
}
