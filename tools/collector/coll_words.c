/* The kiosk's words on the collector (see coll_words.h). */
#include "coll_words.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

struct coll_words {
    uistr *builtin;
};

int coll_words_new(coll_words **out, char *err, size_t errlen)
{
    *out = NULL;
    coll_words *w = calloc(1, sizeof *w);
    if (!w) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    if (uistr_load_builtin(&w->builtin, err, errlen) != 0) {
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

void coll_words_free(coll_words *w)
{
    if (!w)
        return;
    uistr_free(w->builtin);
    free(w);
}

/* The set's own "ui_strings" of lang, when lang is one of the set's languages. */
static const json_t *own(const json_t *set, const char *lang)
{
    if (!set || !lang)
        return NULL;
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(set, "languages"), i, l)
    {
        if (json_is_string(l) && strcmp(json_string_value(l), lang) == 0)
            return json_object_get(json_object_get(set, "ui_strings"), lang);
    }
    return NULL;
}

const char *coll_words_get(const coll_words *w, const json_t *set, const char *lang, uistr_key k)
{
    const char *s = json_string_value(json_object_get(own(set, lang), uistr_key_name(k)));
    uistr_key fb = uistr_key_fallback(k);
    if ((!s || !*s) && fb != k &&
        (json_object_get(own(set, lang), uistr_key_name(fb)) ||
         !uistr_has_language(w->builtin, lang))) /* an optional word: as the set's own words */
        return coll_words_get(w, set, lang, fb);
    return s && *s ? s : uistr_get(w->builtin, lang, k);
}

bool coll_words_rtl(const coll_words *w, const json_t *set, const char *lang)
{
    bool rtl;
    if (uistr_parse_dir(json_string_value(json_object_get(own(set, lang), "dir")), &rtl))
        return rtl;
    return uistr_is_rtl(w->builtin, lang);
}

bool coll_words_has(const coll_words *w, const json_t *set, const char *lang)
{
    return uistr_has_language(w->builtin, lang) || own(set, lang) != NULL;
}

const char *coll_words_answer(const coll_words *w, const json_t *set, const char *lang,
                              const char *type, const char *id)
{
    if (!type || !id)
        return NULL;
    if (strcmp(type, "smiley") == 0 && id[0] >= '1' && id[0] <= '5' && !id[1])
        return coll_words_get(w, set, lang, (uistr_key)(UISTR_SMILEY_1 + (id[0] - '1')));
    if (strcmp(type, "yesno") == 0)
        return coll_words_get(w, set, lang,
                              strcmp(id, "yes") == 0  ? UISTR_YES
                              : strcmp(id, "no") == 0 ? UISTR_NO
                                                      : UISTR_PREFER_NOT);
    return NULL;
}
