/* Question sets: loading and strict validation of the "wijkpeil/1" JSON format
 * (assets/FORMAT.md). A loaded set is immutable; every string it hands out lives as long as
 * the set. What differs between question types is in the type table (qtype.h). Built-in answer
 * types (smiley, yesno, scale) get synthesised options whose ids are the stored values
 * ("1".."5", "yes"/"no"/"prefer_not", "0".."10") and whose text is empty: the UI labels those
 * from its own per-language strings. A note has no options. */
#ifndef WP_QSET_H
#define WP_QSET_H

#include "qtype.h"
#include "uistr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QSET_FORMAT           "wijkpeil/1"
#define QSET_MAX_LANGS        12                /* languages in one set */
#define QSET_MAX_QUESTIONS    200               /* questions in one set */
#define QSET_MAX_OPTIONS      12                /* options of one question (fits one screen) */
#define QSET_MAX_SCALE_SPAN   11                /* scale max - min + 1, e.g. 0..10 */
#define QSET_MAX_FILE_BYTES   (5 * 1024 * 1024) /* larger files are refused unread */
#define QSET_MAX_DIAG         64                /* messages kept per load */
#define QSET_MAX_FILES        1000              /* entries of "files" */
#define QSET_MAX_FILE_PATH    255               /* a clip path or a path in "files" */
#define QSET_SHA256_HEX_LEN   64                /* hex digits of a SHA-256 in "files" */
#define QSET_MAX_ID_LEN       64                /* set, question and option ids */
#define QSET_MAX_TEXT_CHARS   400  /* one translation: fits one kiosk screen even in large text */
#define QSET_MAX_VERSION_TEXT 64   /* bytes of "version_text" */
#define QSET_DIAG_LEN         1024 /* bytes per message (one may list every interface key) */

/* A translated text: one string per language of the set, indexed like qset_language(). */
typedef struct {
    const char *s[QSET_MAX_LANGS];     /* NULL only when the whole text is absent (optional) */
    const char *audio[QSET_MAX_LANGS]; /* recorded clip (absolute path) or NULL: speech */
} qset_text;

typedef struct {
    const char *id;   /* the value stored for this option */
    qset_text text;   /* empty for smiley/yesno/scale: the UI labels them */
    const char *icon; /* icon name (assets/icons/NAME.png or the set's folder) or NULL */
} qset_option;

typedef struct {
    const char *id;
    qset_type type;
    qset_text text;
    qset_text hint; /* shown under the question and read after it; may be empty */
    bool required;
    int min, max;        /* multi: selection bounds (max 0 = no limit); scale: value range */
    qset_text low, high; /* scale end labels; may be empty */
    bool prefer_not;     /* yesno: offers "prefer not to say" */
    bool share;          /* "share": its counts may be shown back to residents (not on notes) */
    int n_options;
    const qset_option *options;
    int show_if_question;  /* index of an earlier question, or -1 when always shown */
    uint32_t show_if_mask; /* bit i set: options[i] of that question makes this one visible */
    /* A matrix ("matrix": ID): consecutive single-choice questions sharing one list of options,
     * asked on one screen with the options as a shared header where it fits the panel. The
     * indices of the group's first and last question; both -1 when q is in no matrix. */
    const char *matrix; /* the group's id, or NULL */
    int matrix_first, matrix_last;
} qset_question;

/* Every message found by one load, in the order found. */
typedef struct {
    int n;                                  /* messages kept */
    int dropped;                            /* messages beyond QSET_MAX_DIAG */
    char msg[QSET_MAX_DIAG][QSET_DIAG_LEN]; /* "FILE:LINE:COL: ..." or "FILE: QID: ..." */
} qset_diag;

/* A file beside the set that the set uses: a recorded clip or a per-set icon. */
typedef struct {
    const char *path;   /* relative to the set's folder, as written: "clips/q1-nl.wav" */
    const char *sha256; /* 64 lowercase hex digits from "files"; NULL when the set has no
                           "files" list */
} qset_file;

typedef struct qset qset;

/* Loads and validates a file. Returns 0 and sets *out, or -1 with every problem in diag
 * (diag may be NULL). Messages name the file, and the line/column for JSON syntax errors or
 * the question id, option id and language for semantic ones.
 * builtin: the kiosk's own interface strings (assets/ui-strings.json). Every language of the
 * set needs interface strings, built in or from the set's "ui_strings" (then every key but the
 * card words, which only the cards need: qset_shows_cards, qset_warning); a set is refused
 * naming the language and the missing keys. NULL: nothing is built in. */
int qset_load_file(const char *path, const uistr *builtin, qset **out, qset_diag *diag);

/* As qset_load_file, from bytes already in memory (e.g. exactly the bytes a signature was
 * checked on). name is used in messages; base_dir resolves icons and audio clips. */
int qset_load_buffer(const char *data, size_t len, const char *name, const char *base_dir,
                     const uistr *builtin, qset **out, qset_diag *diag);

void qset_free(qset *qs); /* NULL is a no-op */

const char *qset_id(const qset *qs);
int qset_version(const qset *qs);
const char *qset_version_text(const qset *qs); /* "version_text", or NULL */
int qset_n_languages(const qset *qs);
const char *qset_language(const qset *qs, int i);          /* first = default */
int qset_language_index(const qset *qs, const char *code); /* -1 when absent */
const qset_text *qset_title(const qset *qs);
const qset_text *qset_welcome(const qset *qs);
const qset_text *qset_thanks(const qset *qs);
/* "thanks_share": the shared question whose card the thanks screen shows, or -1. */
int qset_thanks_share(const qset *qs);
int qset_n_questions(const qset *qs);
const qset_question *qset_question_at(const qset *qs, int i);
int qset_find_question(const qset *qs, const char *id);          /* -1 when absent */
int qset_find_option(const qset_question *q, const char *value); /* -1 when absent */
const char *qset_base_dir(const qset *qs); /* folder of the file, for icons and clips */

/* The files the set uses, sorted by path. With a "files" list (qset_lists_files): exactly its
 * entries, each with its SHA-256 (every clip the set names is among them, and per-set icons
 * icons/NAME.png). Without one: every clip the set names, without a hash. */
bool qset_lists_files(const qset *qs);
int qset_n_files(const qset *qs);
const qset_file *qset_file_at(const qset *qs, int i);
/* The interface string k in language lang: the set's own ("ui_strings") when it gives one,
 * else builtin's (uistr_get: English for a language it does not know). qs may be NULL. */
const char *qset_ui_string(const qset *qs, const uistr *builtin, const char *lang, uistr_key k);
/* True when lang is written right to left: the set's "dir" for it when given, else builtin's. */
bool qset_ui_rtl(const qset *qs, const uistr *builtin, const char *lang);
/* False for a language whose interface strings come from the set without the words of the
 * cards of what neighbours said (uistr_key_card): no cards are shown in it. qs may be NULL. */
bool qset_shows_cards(const qset *qs, const char *lang);
/* What the load found worth saying that does not make the set invalid ("FILE: ..."), e.g. a
 * language without card words; tools and the kiosk print them as warnings. */
int qset_n_warnings(const qset *qs);
const char *qset_warning(const qset *qs, int i); /* NULL when out of range */

/* Name of a type as written in the format ("single", ...). */
const char *qset_type_name(qset_type t);

/* The format's own checks, for converters that report in their source's terms: an id of
 * 1-QSET_MAX_ID_LEN letters, digits, "-", "_" (and "." for a set id when allow_dot); an icon
 * name (lowercase); the length of a translation in code points (at most QSET_MAX_TEXT_CHARS). */
bool qset_id_valid(const char *s, bool allow_dot);
bool qset_icon_valid(const char *s);
size_t qset_text_chars(const char *s);

/* Appends one message to diag (used by loaders of other formats, e.g. CSV). */
void qset_diag_add(qset_diag *diag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
