/* The kiosk's words for residents on the collector: assets/ui-strings.json, built into the
 * program (embed_strings.cmake), with a question set's own "ui_strings" over them, looked up as
 * the kiosk does (qset_ui_string): the public page and the results name the answers of a
 * smiley or yes/no question with the very words the kiosk shows. */
#ifndef COLL_WORDS_H
#define COLL_WORDS_H

#include "uistr.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct coll_words coll_words;

/* Loads the built-in words. 0, or -1 with err. */
int coll_words_new(coll_words **out, char *err, size_t errlen);
void coll_words_free(coll_words *w); /* NULL is a no-op */

/* Key k in lang: the set's own (set: a question set's JSON, or NULL) when it gives one, else the
 * built-in one (English for a language the kiosk does not know). Never NULL. */
const char *coll_words_get(const coll_words *w, const json_t *set, const char *lang, uistr_key k);
/* True when lang is written right to left (the set's "dir" for it, else the built-in one). */
bool coll_words_rtl(const coll_words *w, const json_t *set, const char *lang);
/* True when lang has words: built in, or the set's own "ui_strings" for it. */
bool coll_words_has(const coll_words *w, const json_t *set, const char *lang);
/* The kiosk's word for a built-in answer: a face of a smiley question ("1" to "5"), yes, no or
 * prefer_not of a yes/no question; NULL for any other (its text comes from the set). */
const char *coll_words_answer(const coll_words *w, const json_t *set, const char *lang,
                              const char *type, const char *id);

#endif
