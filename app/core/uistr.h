/* The kiosk's own words (buttons, hints, smiley and yes/no labels) in every language it knows,
 * from assets/ui-strings.json (built in: uistr_load_builtin). Templates use "{n}" for a number;
 * never printf formats. A question set may bring its own for its languages ("ui_strings", same
 * keys): the UI looks words up through qset_ui_string/qset_ui_rtl (qset.h), which fall back to
 * these. */
#ifndef WP_UISTR_H
#define WP_UISTR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    UISTR_LANGUAGE_NAME,   /* the language's name in its own script: "Nederlands" */
    UISTR_TAP_TO_START,    /* attract screen */
    UISTR_CHOOSE_LANGUAGE, /* language screen heading */
    UISTR_NEXT,
    UISTR_SKIP,   /* next button when nothing chosen on an optional question */
    UISTR_FINISH, /* next button on the last question */
    UISTR_BACK,
    UISTR_LANGUAGE,        /* language-switch button */
    UISTR_CHOOSE_ONE,      /* instruction under a single/smiley/yesno/scale question */
    UISTR_CHOOSE_SEVERAL,  /* multi without max */
    UISTR_CHOOSE_UP_TO,    /* multi with max: "Choose up to {n}" */
    UISTR_MAX_REACHED,     /* refused tap beyond max: "You can choose at most {n}" */
    UISTR_CHOOSE_AT_LEAST, /* multi with min: "Choose at least {n}" */
    UISTR_REQUIRED,        /* "This question needs an answer" */
    UISTR_SMILEY_1,        /* very unhappy */
    UISTR_SMILEY_2,
    UISTR_SMILEY_3,
    UISTR_SMILEY_4,
    UISTR_SMILEY_5, /* very happy */
    UISTR_YES,
    UISTR_NO,
    UISTR_PREFER_NOT,
    UISTR_STILL_THERE,      /* "Are you still there?" */
    UISTR_STILL_THERE_BODY, /* "Tap the screen to go on. The poll starts again in {n} seconds." */
    UISTR_CONTINUE,
    UISTR_THANKS,     /* default thank-you text when the set has none */
    UISTR_SAVE_ERROR, /* answers could not be saved: tell staff */
    UISTR_READ_ALOUD,
    UISTR_STOP_READING,
    UISTR_VOLUME_UP,
    UISTR_VOLUME_DOWN,
    UISTR_LARGE_TEXT,
    UISTR_HIGH_CONTRAST,
    UISTR_SCROLL_UP,
    UISTR_SCROLL_DOWN,
    UISTR_CLOSED,        /* outside opening hours */
    UISTR_MORE,          /* the collapsed toolbar's button */
    UISTR_CLOSE,         /* the same button while its panel is open */
    UISTR_MORE_ANSWERS,  /* on "down" when answers are below: "{n} more" */
    UISTR_CHOSEN,        /* said when read-aloud is on and an answer is tapped: "Chosen" */
    UISTR_NOT_CHOSEN,    /* ... and tapped again: "No longer chosen" */
    UISTR_UNAVAILABLE,   /* on the speech controls when the kiosk has no audio output */
    UISTR_CARD_HEADING,  /* the first card word: "What your neighbours said" */
    UISTR_CARD_IN_TEN,   /* "{n} in 10 neighbours chose:" (the answer follows) */
    UISTR_CARD_ANSWERED, /* "{n} neighbours answered" */
    UISTR_CARD_PERIOD,   /* "Period:" (the dates follow) */
    UISTR_CARD_SO_FAR,   /* "this month so far" (the period is not a whole month) */
    UISTR_CARD_DATE,     /* "Figures of" (the date the figures were computed follows) */
    UISTR_CARD_OTHER,    /* the bar of answers chosen by too few to show on their own */
    UISTR_THANKS_ONE_OF, /* thanks screen: "You are one of {n} neighbours who answered this month."
                          */
    UISTR_CARD_FEWER,    /* a card not shown: "Fewer than {n} neighbours answered: ..." */
    UISTR_CARD_EXPECTED, /* "Fewer neighbours than usual answered ({n}; usually about {e})." */
    UISTR_CARD_COMPARE,  /* the public page's link: "All neighbourhoods side by side" */
    UISTR_CARD_K_NOTE, /* "Answers chosen by fewer than {n} neighbours are counted together ..." */
    UISTR_CARD_ANSWER, /* the public page's table: column headings "Answer", "Share", "Number" */
    UISTR_CARD_SHARE,
    UISTR_CARD_COUNT,
    UISTR_CARD_MONTHS, /* the twelve months as a date says them, separated by "|" */
    UISTR_CARD_DAYS,   /* days of one month: "{from}–{to} {month} {year}" */
    UISTR_CARD_DAY,    /* one date: "{day} {month} {year}"; the last card word (uistr_key_card) */
    /* Optional words (uistr_key_fallback): a language without one uses the word it stands in for.
     * The twelve months as a month-and-year heading says them ("marzec 2027" where a date says
     * "1 marca 2027"), "|"-separated: the short line of n and the period; else card_months. */
    UISTR_CARD_MONTHS_ALONE,
    UISTR_COUNT
} uistr_key;

typedef struct uistr uistr;

/* The word an optional key falls back to where a language has none (the kiosk's own words, or a
 * set's "ui_strings" for a language), or k itself for a key every language must have. */
uistr_key uistr_key_fallback(uistr_key k);

/* Loads the strings file; every language in it must define every key. Returns 0, or -1 with a
 * message naming the file, language and key. */
int uistr_load(const char *path, uistr **out, char *err, size_t errlen);
/* As uistr_load, from the file's bytes in memory (name in messages). */
int uistr_load_buffer(const char *name, const char *data, size_t len, uistr **out, char *err,
                      size_t errlen);
void uistr_free(uistr *u); /* NULL is a no-op */

/* The kiosk's words as a table of texts per language, in the file's order. */
typedef struct {
    const char *name, *value;
} uistr_pair;
typedef struct {
    const char *code;
    const uistr_pair *pairs;
    int n;
} uistr_table_lang;
/* assets/ui-strings.json built into every program (tools/uistr_table.py writes this table at
 * build time): nothing to read or parse at start. */
extern const uistr_table_lang uistr_builtin_langs[];
extern const int uistr_builtin_nlangs;
/* Loads the built-in words, checked as strictly as uistr_load checks the file. */
int uistr_load_builtin(uistr **out, char *err, size_t errlen);

/* The string for lang, falling back to English when lang is unknown. Never NULL. */
const char *uistr_get(const uistr *u, const char *lang, uistr_key k);
bool uistr_has_language(const uistr *u, const char *lang);
/* True for right-to-left languages (the file's "dir": "rtl"). */
bool uistr_is_rtl(const uistr *u, const char *lang);
/* The languages of the file, in file order (for messages). */
int uistr_n_languages(const uistr *u);
const char *uistr_language(const uistr *u, int i); /* NULL when out of range */

/* JSON key name of k ("tap_to_start"), for messages. */
const char *uistr_key_name(uistr_key k);
/* True for the words of the cards of what neighbours said (the card_* keys and thanks_one_of):
 * a set's "ui_strings" may leave them out for a language; the kiosk then shows no cards in it. */
bool uistr_key_card(uistr_key k);
/* The key with this JSON name; false when there is none ("dir" is not a key). */
bool uistr_key_by_name(const char *name, uistr_key *out);
/* Checks one text for key k (s of len bytes, NULL when it is not a string), as the strings file
 * and a question set's own "ui_strings" need it: NULL when it is fine, else the problem in
 * words, to follow the key's name ("is empty", "must contain \"{n}\" ..."). */
const char *uistr_check_value(uistr_key k, const char *s, size_t len);
/* Reads a "dir" value: true with *rtl set for "ltr" or "rtl", false for anything else. */
bool uistr_parse_dir(const char *dir, bool *rtl);

/* Copies tmpl into buf with every "{n}" replaced by n. */
void uistr_format(char *buf, size_t len, const char *tmpl, long n);

/* Copies tmpl into buf with every "{NAME}" replaced by the value of that name (names[i] is
 * "NAME", values[i] its text; a placeholder not among them is copied as it is). Cuts at a
 * character boundary when buf is full. */
void uistr_fill(char *buf, size_t len, const char *tmpl, const char *const *names,
                const char *const *values, int n);

/* Another table of strings with its own keys (the staff screens' words: ui_staff.h), loaded by
 * the same rules as the kiosk's: every language defines every key and "dir", "en" is the
 * fallback, and a key's text must hold each placeholder listed for it. */
#define UISTR_MAX_KEYS 160
typedef struct {
    const char *const *names; /* JSON key of each index */
    const char *const *needs; /* placeholders each text must hold ("{n}", "{a}{b}"); NULL or
                                 NULL entries: none */
    int count;                /* 1..UISTR_MAX_KEYS */
} uistr_schema;

/* Like uistr_load with the keys of schema (which must outlive the table). */
int uistr_load_schema(const char *path, const uistr_schema *schema, uistr **out, char *err,
                      size_t errlen);
/* The string of key index k (0..schema count - 1) for lang, English when lang is unknown. */
const char *uistr_get_at(const uistr *u, const char *lang, int k);

#endif
