/* Question sets: strict loading of the "wijkpeil/1" JSON format into an immutable model that
 * owns every string it hands out (one arena), collecting every problem it finds. */
#include "qset.h"
#include "util.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QSET_MAX_ICON_LEN 64    /* icon names */
#define QSET_SCALE_LIMIT  1000  /* scale bounds lie in -1000..1000 */
#define QSET_ARENA_BLOCK  16384 /* bytes per arena block */
#define QSET_MAX_SUGGEST  2     /* edit distance for "did you mean" */

/* ---- arena: every string and array of a loaded set lives here ---- */

typedef struct qset_blk {
    struct qset_blk *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
} qset_blk;

struct qset {
    qset_blk *arena;
    const char *id;
    int version;
    const char *version_text; /* the version as the spreadsheet wrote it, or NULL */
    int n_langs;
    const char *langs[QSET_MAX_LANGS];
    qset_text title, welcome, thanks;
    int thanks_share; /* index of the question named by "thanks_share", or -1 */
    int n_questions;
    qset_question *questions;
    const char *base_dir;
    bool lists_files; /* the set has a "files" list */
    int n_files;
    qset_file *files;
    const char *ui[QSET_MAX_LANGS][UISTR_COUNT]; /* "ui_strings" per language, NULL: not given */
    char ui_dir[QSET_MAX_LANGS];                 /* its "dir": 0 not given, 'l' ltr, 'r' rtl */
    bool no_card_words[QSET_MAX_LANGS]; /* a language without the card words: no cards in it */
    int n_warnings;
    const char *warnings[QSET_MAX_LANGS]; /* what loads but is worth saying (qset_warning) */
};

static void *ar_alloc(qset *qs, size_t n)
{
    size_t a = _Alignof(max_align_t);
    n = (n + a - 1) / a * a;
    if (n == 0)
        n = a;
    qset_blk *b = qs->arena;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > QSET_ARENA_BLOCK ? n : QSET_ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = qs->arena;
        b->used = 0;
        b->cap = cap;
        qs->arena = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static const char *ar_strdup(qset *qs, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = ar_alloc(qs, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void qset_free(qset *qs)
{
    if (!qs)
        return;
    qset_blk *b = qs->arena;
    while (b) {
        qset_blk *next = b->next;
        free(b);
        b = next;
    }
    free(qs);
}

/* ---- diagnostics ---- */

void qset_diag_add(qset_diag *diag, const char *fmt, ...)
{
    if (!diag)
        return;
    if (diag->n >= QSET_MAX_DIAG) {
        diag->dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->msg[diag->n], QSET_DIAG_LEN, fmt, ap);
    va_end(ap);
    diag->n++;
}

/* State of one load: where messages go and what is known so far. */
typedef struct {
    const char *name; /* file name used in messages */
    qset_diag *diag;
    int n_err;
    bool oom;
    bool langs_ok; /* the language list is valid: check texts against it */
    qset *qs;
    const uistr *builtin;  /* the kiosk's own interface strings, NULL: none */
    const char *base_real; /* real path of the set's folder, for clips */
    json_t *jfiles;        /* the set's "files" when it is a usable object, else NULL */
    json_t *used_clips;    /* clip paths the set names (keys) */
    json_t *used_icons;    /* icon names the set's options use (keys) */
    char lang_list[QSET_MAX_LANGS * 16];
} loader;

static void lerr(loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lerr(loader *L, const char *fmt, ...)
{
    char buf[QSET_DIAG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    L->n_err++;
    qset_diag_add(L->diag, "%s: %s", L->name, buf);
}

/* ---- small checks ---- */

bool qset_id_valid(const char *s, bool allow_dot)
{
    size_t n = strlen(s);
    if (n == 0 || n > QSET_MAX_ID_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || (allow_dot && c == '.');
        if (!ok)
            return false;
    }
    return true;
}

bool qset_icon_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > QSET_MAX_ICON_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

size_t qset_text_chars(const char *s)
{
    size_t chars = 0;
    for (; *s; s++)
        chars += ((unsigned char)*s & 0xC0) != 0x80; /* count code points, not bytes */
    return chars;
}

/* ISO 639 code in lowercase (2-3 letters) with an optional "-suffix" of 2-8 letters/digits. */
static bool lang_ok(const char *s)
{
    size_t i = 0;
    while (s[i] >= 'a' && s[i] <= 'z')
        i++;
    if (i < 2 || i > 3)
        return false;
    if (s[i] == '\0')
        return true;
    if (s[i] != '-')
        return false;
    size_t j = ++i;
    while ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
           (s[j] >= '0' && s[j] <= '9'))
        j++;
    return s[j] == '\0' && j - i >= 2 && j - i <= 8;
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > QSET_MAX_ID_LEN || lb > QSET_MAX_ID_LEN)
        return SIZE_MAX;
    size_t row[QSET_MAX_ID_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static bool in_list(const char *key, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(key, list[i]))
            return true;
    return false;
}

/* Reports every key of obj that is neither allowed, nor in `special` (keys with their own,
 * more specific message elsewhere), nor an "x-" extension. where is the message prefix. */
static void check_keys(loader *L, json_t *obj, const char *where, const char *const *allowed,
                       const char *const *special)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (in_list(key, allowed) || (special && in_list(key, special)) || !strncmp(key, "x-", 2))
            continue;
        const char *best = NULL;
        size_t bestd = QSET_MAX_SUGGEST + 1;
        for (int i = 0; allowed[i]; i++) {
            size_t d = edit_distance(key, allowed[i]);
            if (d < bestd) {
                bestd = d;
                best = allowed[i];
            }
        }
        if (best)
            lerr(L, "%sunknown key \"%s\" (did you mean \"%s\"?)", where, key, best);
        else
            lerr(L, "%sunknown key \"%s\"", where, key);
    }
}

static int lang_index(loader *L, const char *code)
{
    for (int i = 0; i < L->qs->n_langs; i++)
        if (!strcmp(L->qs->langs[i], code))
            return i;
    return -1;
}

/* ---- recorded clips ---- */

static bool wav_header_ok(const char *path)
{
    unsigned char h[12];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    return n == sizeof h && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WAVE", 4);
}

/* How a path relative to the set's folder is wrong, if it is. */
enum { RP_OK, RP_LENGTH, RP_ABSOLUTE, RP_CHARS, RP_DOTDOT, RP_PARTS };
static const char *const rp_words[] = {
    "",
    "",
    "must be a path relative to the folder of the question set",
    "contains a backslash or control character",
    "must not contain \"..\"",
    ("must be a plain path such as \"clips/q1-nl.wav\" (no empty parts, none starting with "
     "\".\")")};

/* strict (paths in "files") also refuses empty parts and parts starting with ".", so that each
 * file has exactly one spelling. */
static int rel_path_check(const char *rel, bool strict)
{
    size_t n = strlen(rel);
    if (n == 0 || n > QSET_MAX_FILE_PATH)
        return RP_LENGTH;
    if (rel[0] == '/')
        return RP_ABSOLUTE;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)rel[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            return RP_CHARS;
    }
    for (const char *p = rel;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return RP_DOTDOT;
        if (strict && (len == 0 || p[0] == '.'))
            return RP_PARTS;
        if (!slash)
            return RP_OK;
        p = slash + 1;
    }
}

/* Finds rel in the set's folder: 0 with its real path in real, RP_LENGTH when the path is too
 * long, -1 when there is no plain file, -2 when it leads outside the folder. full receives the
 * path looked for. */
static int resolve_in_base(const loader *L, const char *rel, char *full, size_t fulllen,
                           char real[PATH_MAX])
{
    int w = snprintf(full, fulllen, "%s/%s", L->base_real, rel);
    if (w < 0 || (size_t)w >= fulllen)
        return RP_LENGTH;
    struct stat st;
    if (!realpath(full, real) || stat(real, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    size_t bl = strlen(L->base_real);
    bool root = bl == 1 && L->base_real[0] == '/';
    if (!root && (strncmp(real, L->base_real, bl) != 0 || real[bl] != '/'))
        return -2;
    return 0;
}

static void mark_used(loader *L, json_t *set, const char *key)
{
    if (json_object_set_new(set, key, json_true()) != 0)
        L->oom = true;
}

/* Checks one clip path and returns its resolved absolute path (in the arena), or NULL. */
static const char *load_clip(loader *L, const char *where, const char *key, const char *lang,
                             const char *rel)
{
    int rp = rel_path_check(rel, false);
    if (rp == RP_LENGTH) {
        lerr(L, "%s\"%s\" for \"%s\": a clip path must be 1 to %d bytes long", where, key, lang,
             QSET_MAX_FILE_PATH);
        return NULL;
    }
    if (rp != RP_OK) {
        lerr(L, "%s\"%s\" for \"%s\": \"%s\" %s", where, key, lang, rel, rp_words[rp]);
        return NULL;
    }
    size_t n = strlen(rel);
    if (n < 5 || strcasecmp(rel + n - 4, ".wav") != 0) {
        lerr(L, "%s\"%s\" for \"%s\": \"%s\" must name a .wav file", where, key, lang, rel);
        return NULL;
    }
    mark_used(L, L->used_clips, rel);
    char full[PATH_MAX], real[PATH_MAX];
    int r = resolve_in_base(L, rel, full, sizeof full, real);
    if (r == RP_LENGTH) {
        lerr(L, "%s\"%s\" for \"%s\": path too long", where, key, lang);
        return NULL;
    }
    if (r == -1) {
        lerr(L, "%s\"%s\" for \"%s\": clip \"%s\" not found (looked for %s)", where, key, lang, rel,
             full);
        return NULL;
    }
    if (r == -2) {
        lerr(L, "%s\"%s\" for \"%s\": clip \"%s\" points outside the folder of the question set",
             where, key, lang, rel);
        return NULL;
    }
    if (!wav_header_ok(real)) {
        lerr(L, "%s\"%s\" for \"%s\": clip \"%s\" is not a WAV file", where, key, lang, rel);
        return NULL;
    }
    if (L->jfiles && !json_object_get(L->jfiles, rel)) {
        lerr(L,
             "%s\"%s\" for \"%s\": clip \"%s\" is not listed in \"files\", so the signature does "
             "not cover it (sign the set again with wijkpeil-qset sign)",
             where, key, lang, rel);
        return NULL;
    }
    const char *s = ar_strdup(L->qs, real);
    if (!s)
        L->oom = true;
    return s;
}

/* ---- files beside the set ("files": path -> SHA-256) ---- */

static bool sha256_hex_ok(const char *h)
{
    if (strlen(h) != QSET_SHA256_HEX_LEN)
        return false;
    for (; *h; h++)
        if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f') || (*h >= 'A' && *h <= 'F')))
            return false;
    return true;
}

static void load_files(loader *L, json_t *root)
{
    json_t *jf = json_object_get(root, "files");
    if (!jf)
        return;
    if (!json_is_object(jf)) { /* unusable: clips are then not checked against it (noise) */
        lerr(L, "\"files\" must be an object of file -> SHA-256 (64 hex digits), e.g. "
                "{\"clips/q1-nl.wav\": \"9f86d081...\"}; wijkpeil-qset sign fills it in");
        return;
    }
    if (json_object_size(jf) > QSET_MAX_FILES) {
        lerr(L, "too many files in \"files\" (%zu, at most %d)", json_object_size(jf),
             QSET_MAX_FILES);
        return;
    }
    const char *path;
    json_t *v;
    json_object_foreach(jf, path, v)
    {
        int rp = rel_path_check(path, true);
        if (rp == RP_LENGTH)
            lerr(L, "\"files\": a path must be 1 to %d bytes long", QSET_MAX_FILE_PATH);
        else if (rp != RP_OK)
            lerr(L, "\"files\": \"%s\" %s", path, rp_words[rp]);
        if (!json_is_string(v) || !sha256_hex_ok(json_string_value(v)))
            lerr(L, "\"files\": the SHA-256 of \"%s\" must be a string of 64 hex digits", path);
    }
    L->jfiles = jf;
}

/* True when path is "icons/NAME.png" with a valid icon NAME (copied into name). */
static bool icon_file_name(const char *path, char *name, size_t len)
{
    size_t n = strlen(path);
    if (n <= 10 || strncmp(path, "icons/", 6) != 0 || strcmp(path + n - 4, ".png") != 0 ||
        n - 10 >= len)
        return false;
    snprintf(name, len, "%.*s", (int)(n - 10), path + 6);
    return qset_icon_valid(name);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const qset_file *)a)->path, ((const qset_file *)b)->path);
}

/* After the questions: every listed file must be used by the set (a clip, checked as such, or
 * icons/NAME.png of an icon it uses, which must be there); then the model's list. */
static void finish_files(loader *L)
{
    const char *path;
    json_t *v;
    if (L->jfiles) {
        json_object_foreach(L->jfiles, path, v)
        {
            char name[QSET_MAX_ICON_LEN + 1], full[PATH_MAX], real[PATH_MAX];
            if (rel_path_check(path, true) != RP_OK || json_object_get(L->used_clips, path))
                continue;
            if (!icon_file_name(path, name, sizeof name) || !json_object_get(L->used_icons, name)) {
                lerr(L,
                     "\"files\": \"%s\" is not used by the set (list only its clips, and "
                     "icons/NAME.png for the icons of its options)",
                     path);
                continue;
            }
            int r = resolve_in_base(L, path, full, sizeof full, real);
            if (r == -2)
                lerr(L, "\"files\": \"%s\" points outside the folder of the question set", path);
            else if (r != 0)
                lerr(L, "\"files\": \"%s\" not found (looked for %s)", path, full);
        }
    }
    if (L->n_err || L->oom)
        return;
    json_t *from = L->jfiles ? L->jfiles : L->used_clips;
    size_t n = json_object_size(from);
    L->qs->lists_files = L->jfiles != NULL;
    if (n == 0)
        return;
    qset_file *f = ar_alloc(L->qs, n * sizeof *f);
    if (!f) {
        L->oom = true;
        return;
    }
    size_t i = 0;
    json_object_foreach(from, path, v)
    {
        f[i].path = ar_strdup(L->qs, path);
        if (L->jfiles) {
            char hex[QSET_SHA256_HEX_LEN + 1];
            wp_strlcpy(hex, json_string_value(v), sizeof hex);
            for (char *c = hex; *c; c++)
                if (*c >= 'A' && *c <= 'F')
                    *c = (char)(*c - 'A' + 'a');
            f[i].sha256 = ar_strdup(L->qs, hex);
            if (!f[i].sha256)
                L->oom = true;
        }
        if (!f[i].path)
            L->oom = true;
        i++;
    }
    qsort(f, n, sizeof *f, cmp_file);
    L->qs->files = f;
    L->qs->n_files = (int)n;
}

/* ---- translated texts ---- */

/* Loads owner[key] as a translated text into out (and owner[key_audio] as its clips).
 * where prefixes key-level messages ("" or "zorgen: " or "zorgen: option \"geld\": ");
 * subject names the text in translation messages ("zorgen: option \"geld\""). */
static void load_text(loader *L, json_t *owner, const char *key, bool required, const char *where,
                      const char *subject, qset_text *out)
{
    memset(out, 0, sizeof *out);
    json_t *t = json_object_get(owner, key);
    char akey[32];
    snprintf(akey, sizeof akey, "%s_audio", key);
    json_t *a = json_object_get(owner, akey);

    if (!t) {
        if (required)
            lerr(L, "%s\"%s\" is missing", where, key);
        if (a)
            lerr(L, "%s\"%s\" is given without \"%s\"", where, akey, key);
        return;
    }
    if (!json_is_object(t)) {
        lerr(L, "%s\"%s\" must be an object with one text per language, e.g. {\"nl\": \"...\"}",
             where, key);
        return;
    }
    const char *lang;
    json_t *v;
    json_object_foreach(t, lang, v)
    {
        int li = L->langs_ok ? lang_index(L, lang) : -1;
        if (L->langs_ok && li < 0) {
            lerr(L, "%s: \"%s\" is not one of the languages of the poll (%s)", subject, lang,
                 L->lang_list);
            continue;
        }
        if (!json_is_string(v)) {
            lerr(L, "%s: the text for \"%s\" must be a string", subject, lang);
            continue;
        }
        const char *s = json_string_value(v);
        if (blank(s)) {
            lerr(L, "%s: the text for \"%s\" is empty", subject, lang);
            continue;
        }
        size_t chars = qset_text_chars(s);
        if (chars > QSET_MAX_TEXT_CHARS) {
            lerr(L,
                 "%s: the text for \"%s\" is too long for one screen (%zu characters, at most "
                 "%d)",
                 subject, lang, chars, QSET_MAX_TEXT_CHARS);
            continue;
        }
        if (li >= 0) {
            out->s[li] = ar_strdup(L->qs, s);
            if (!out->s[li])
                L->oom = true;
        }
    }
    if (L->langs_ok)
        for (int i = 0; i < L->qs->n_langs; i++)
            if (!json_object_get(t, L->qs->langs[i]))
                lerr(L, "%s has no text for \"%s\"", subject, L->qs->langs[i]);

    if (!a)
        return;
    if (!json_is_object(a)) {
        lerr(L,
             "%s\"%s\" must be an object of language code -> clip file, e.g. {\"nl\": "
             "\"clips/q1-nl.wav\"}",
             where, akey);
        return;
    }
    json_object_foreach(a, lang, v)
    {
        int li = L->langs_ok ? lang_index(L, lang) : -1;
        if (L->langs_ok && li < 0) {
            lerr(L, "%s\"%s\": \"%s\" is not one of the languages of the poll (%s)", where, akey,
                 lang, L->lang_list);
            continue;
        }
        if (!json_is_string(v)) {
            lerr(L, "%s\"%s\" for \"%s\" must be a file name (a string)", where, akey, lang);
            continue;
        }
        const char *path = load_clip(L, where, akey, lang, json_string_value(v));
        if (path && li >= 0)
            out->audio[li] = path;
    }
}

/* ---- numbers and flags ---- */

/* Reads an optional integer; returns 1 when present and valid, 0 when absent, -1 on error. */
static int get_int(loader *L, json_t *obj, const char *key, const char *where, long lo, long hi,
                   int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        lerr(L, "%s\"%s\" must be a whole number from %ld to %ld", where, key, lo, hi);
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 1;
}

static bool get_bool(loader *L, json_t *obj, const char *key, const char *where)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return false;
    if (!json_is_boolean(v)) {
        lerr(L, "%s\"%s\" must be true or false", where, key);
        return false;
    }
    return json_is_true(v);
}

/* ---- questions ---- */

const char *qset_type_name(qset_type t)
{
    if ((int)t < 0 || t >= QSET_N_TYPES)
        return "?";
    return qtype_get(t)->name;
}

static const char *const question_keys[] = {
    "id",   "type",       "text",   "text_audio", "required",   "options",    "min",
    "max",  "low",        "high",   "low_audio",  "high_audio", "prefer_not", "show_if",
    "hint", "hint_audio", "matrix", "share",      NULL};
static const char *const option_keys[] = {"id", "text", "text_audio", "icon", NULL};
static const char *const show_if_keys[] = {"question", "any_of", NULL};

static void load_options(loader *L, json_t *jq, qset_question *q, const char *qn, bool *opts_ok)
{
    json_t *opts = json_object_get(jq, "options");
    *opts_ok = false;
    if (!opts) {
        lerr(L, "%s: a %s question needs \"options\"", qn, qset_type_name(q->type));
        return;
    }
    if (!json_is_array(opts)) {
        lerr(L, "%s: \"options\" must be a list of {\"id\": ..., \"text\": {...}}", qn);
        return;
    }
    size_t n = json_array_size(opts);
    if (n == 0) {
        lerr(L, "%s: \"options\" is empty", qn);
        return;
    }
    if (n > QSET_MAX_OPTIONS) {
        lerr(L, "%s: too many options (%zu, at most %d fit on one screen)", qn, n,
             QSET_MAX_OPTIONS);
        return;
    }
    qset_option *o = ar_alloc(L->qs, n * sizeof *o);
    if (!o) {
        L->oom = true;
        return;
    }
    bool ids_ok = true;
    for (size_t i = 0; i < n; i++) {
        json_t *jo = json_array_get(opts, i);
        char where[QSET_DIAG_LEN], subject[QSET_DIAG_LEN / 2];
        if (!json_is_object(jo)) {
            lerr(L, "%s: option %zu must be an object {\"id\": ..., \"text\": {...}}", qn, i + 1);
            ids_ok = false;
            continue;
        }
        json_t *jid = json_object_get(jo, "id");
        const char *oid = json_string_value(jid);
        if (!jid) {
            lerr(L, "%s: option %zu: \"id\" is missing", qn, i + 1);
            ids_ok = false;
            snprintf(subject, sizeof subject, "%s: option %zu", qn, i + 1);
        } else if (!oid || !qset_id_valid(oid, false)) {
            lerr(L,
                 "%s: option %zu: id %s%s%s is not valid (use 1-%d letters, digits, \"-\" or "
                 "\"_\")",
                 qn, i + 1, oid ? "\"" : "", oid ? oid : "(not a string)", oid ? "\"" : "",
                 QSET_MAX_ID_LEN);
            ids_ok = false;
            snprintf(subject, sizeof subject, "%s: option %zu", qn, i + 1);
        } else {
            bool dup = false;
            for (size_t k = 0; k < i; k++)
                if (o[k].id && !strcmp(o[k].id, oid))
                    dup = true;
            if (dup) {
                lerr(L, "%s: option \"%s\" is listed twice", qn, oid);
                ids_ok = false;
            }
            o[i].id = ar_strdup(L->qs, oid);
            snprintf(subject, sizeof subject, "%s: option \"%s\"", qn, oid);
        }
        snprintf(where, sizeof where, "%s: ", subject);
        check_keys(L, jo, where, option_keys, NULL);
        load_text(L, jo, "text", true, where, subject, &o[i].text);
        json_t *ji = json_object_get(jo, "icon");
        if (ji) {
            const char *icon = json_string_value(ji);
            if (!icon || !qset_icon_valid(icon))
                lerr(L,
                     "%sicon %s%s%s is not valid (a name of 1-%d lowercase letters, digits, "
                     "\"-\" or \"_\", e.g. \"money\")",
                     where, icon ? "\"" : "", icon ? icon : "(not a string)", icon ? "\"" : "",
                     QSET_MAX_ICON_LEN);
            else {
                o[i].icon = ar_strdup(L->qs, icon);
                mark_used(L, L->used_icons, icon);
            }
        }
    }
    q->options = o;
    q->n_options = (int)n;
    *opts_ok = ids_ok;
}

static void synth_options(loader *L, qset_question *q)
{
    const qtype *t = qtype_get(q->type);
    int n = 0;
    const char *const *ids = NULL;
    if (t->answers == QTYPE_ANS_FIXED) {
        n = qtype_n_fixed(q->type, q->prefer_not);
        ids = t->fixed;
    } else if (t->answers == QTYPE_ANS_RANGE) {
        n = q->max - q->min + 1;
    }
    if (n <= 0)
        return;
    qset_option *o = ar_alloc(L->qs, (size_t)n * sizeof *o);
    if (!o) {
        L->oom = true;
        return;
    }
    for (int i = 0; i < n; i++) {
        if (ids) {
            o[i].id = ids[i];
        } else {
            char buf[16];
            snprintf(buf, sizeof buf, "%d", q->min + i);
            o[i].id = ar_strdup(L->qs, buf);
            if (!o[i].id)
                L->oom = true;
        }
    }
    q->options = o;
    q->n_options = n;
}

/* Answers of a question as a comma-separated list, for messages. */
static void answers_list(const qset_question *q, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < q->n_options && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", q->options[i].id);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static void load_show_if(loader *L, json_t *jq, qset_question *q, int qi, const char *qn,
                         json_t *questions, const bool *q_ok)
{
    q->show_if_question = -1;
    json_t *s = json_object_get(jq, "show_if");
    if (!s)
        return;
    if (!json_is_object(s)) {
        lerr(L, "%s: \"show_if\" must be an object {\"question\": ID, \"any_of\": [ANSWERS]}", qn);
        return;
    }
    char where[QSET_DIAG_LEN];
    snprintf(where, sizeof where, "%s: show_if: ", qn);
    check_keys(L, s, where, show_if_keys, NULL);
    json_t *jt = json_object_get(s, "question");
    json_t *ja = json_object_get(s, "any_of");
    const char *target = json_string_value(jt);
    if (!jt) {
        lerr(L, "%s: show_if: \"question\" is missing", qn);
    } else if (!target) {
        lerr(L, "%s: show_if: \"question\" must be a question id (a string)", qn);
    }
    bool any_ok = true;
    if (!ja) {
        lerr(L, "%s: show_if: \"any_of\" is missing", qn);
        any_ok = false;
    } else if (!json_is_array(ja)) {
        lerr(L, "%s: show_if: \"any_of\" must be a list of answers, e.g. [\"1\", \"2\"]", qn);
        any_ok = false;
    } else if (json_array_size(ja) == 0) {
        lerr(L, "%s: show_if: \"any_of\" is empty (name at least one answer)", qn);
        any_ok = false;
    }
    if (!target)
        return;
    int ti = -1;
    size_t nq = json_array_size(questions);
    for (size_t k = 0; k < nq; k++) {
        const char *id = json_string_value(json_object_get(json_array_get(questions, k), "id"));
        if (id && !strcmp(id, target)) {
            ti = (int)k;
            break;
        }
    }
    if (ti < 0) {
        lerr(L, "%s: show_if refers to question \"%s\", which does not exist", qn, target);
        return;
    }
    if (ti == qi) {
        lerr(L, "%s: show_if refers to the question itself", qn);
        return;
    }
    if (ti > qi) {
        lerr(L,
             "%s: show_if refers to \"%s\", which comes later in the poll (show_if may only "
             "look back)",
             qn, target);
        return;
    }
    q->show_if_question = ti;
    if (!any_ok || !q_ok[ti])
        return;
    const qset_question *t = &L->qs->questions[ti];
    if (qtype_get(t->type)->answers == QTYPE_ANS_NONE) {
        lerr(L, "%s: show_if refers to \"%s\", a %s (it has no answers to look at)", qn, target,
             qset_type_name(t->type));
        return;
    }
    size_t na = json_array_size(ja);
    for (size_t k = 0; k < na; k++) {
        json_t *jv = json_array_get(ja, k);
        const char *v = json_string_value(jv);
        if (!v) {
            lerr(L, "%s: show_if: \"any_of\" must hold answers as strings (e.g. \"1\", not 1)", qn);
            continue;
        }
        int oi = qset_find_option(t, v);
        if (oi < 0) {
            char list[200];
            answers_list(t, list, sizeof list);
            lerr(L, "%s: show_if: \"%s\" has no answer \"%s\" (its answers are: %s)", qn, target, v,
                 list);
            continue;
        }
        q->show_if_mask |= (uint32_t)1 << oi;
    }
}

/* "\"KEY\" is only allowed on" the types that take keys, for messages. */
static void key_only(loader *L, const char *qn, const char *key, unsigned keys)
{
    char names[128];
    qtype_names(keys, false, names, sizeof names);
    lerr(L, "%s: \"%s\" is only allowed on %s questions", qn, key, names);
}

/* Loads question qi; returns true when its answers (options) are known and valid. */
static bool load_question(loader *L, json_t *questions, int qi, const bool *q_ok)
{
    json_t *jq = json_array_get(questions, (size_t)qi);
    qset_question *q = &L->qs->questions[qi];
    q->show_if_question = -1;
    q->matrix_first = q->matrix_last = -1;
    char qn[QSET_MAX_ID_LEN + 32];
    snprintf(qn, sizeof qn, "questions[%d]", qi + 1);
    if (!json_is_object(jq)) {
        lerr(L, "%s must be an object {\"id\": ..., \"type\": ..., \"text\": {...}}", qn);
        return false;
    }
    json_t *jid = json_object_get(jq, "id");
    const char *id = json_string_value(jid);
    if (!jid) {
        lerr(L, "%s: \"id\" is missing", qn);
    } else if (!id || !qset_id_valid(id, false)) {
        lerr(L, "%s: id %s%s%s is not valid (use 1-%d letters, digits, \"-\" or \"_\")", qn,
             id ? "\"" : "", id ? id : "(not a string)", id ? "\"" : "", QSET_MAX_ID_LEN);
    } else {
        for (int k = 0; k < qi; k++) {
            const char *other =
                json_string_value(json_object_get(json_array_get(questions, (size_t)k), "id"));
            if (other && !strcmp(other, id)) {
                lerr(L, "%s: the question id is used twice (questions[%d] and questions[%d])", id,
                     k + 1, qi + 1);
                break;
            }
        }
        snprintf(qn, sizeof qn, "%s", id);
        q->id = ar_strdup(L->qs, id);
    }
    if (!q->id)
        q->id = ar_strdup(L->qs, qn);
    if (!q->id)
        L->oom = true;

    char where[QSET_DIAG_LEN], subject[QSET_DIAG_LEN / 2];
    snprintf(where, sizeof where, "%s: ", qn);
    check_keys(L, jq, where, question_keys, NULL);

    bool type_ok = false;
    char all_types[128];
    qtype_names(0, false, all_types, sizeof all_types);
    json_t *jt = json_object_get(jq, "type");
    if (!jt)
        lerr(L, "%s: \"type\" is missing (%s)", qn, all_types);
    else if (!json_is_string(jt))
        lerr(L, "%s: \"type\" must be one of %s", qn, all_types);
    else {
        int ti = qtype_find(json_string_value(jt));
        type_ok = ti >= 0;
        q->type = type_ok ? (qset_type)ti : QSET_SINGLE;
        if (!type_ok)
            lerr(L, "%s: unknown type \"%s\" (use %s)", qn, json_string_value(jt), all_types);
    }
    /* What the type takes; before the type is known, everything (one message per real
     * problem). */
    const qtype *ty = qtype_get(q->type);
    unsigned keys = type_ok ? ty->keys : ~0u;

    snprintf(subject, sizeof subject, "%s: the question", qn);
    load_text(L, jq, "text", true, where, subject, &q->text);
    snprintf(subject, sizeof subject, "%s: \"hint\"", qn);
    load_text(L, jq, "hint", false, where, subject, &q->hint);
    if (keys & QTYPE_KEY_REQUIRED)
        q->required = get_bool(L, jq, "required", where);
    else if (json_object_get(jq, "required"))
        lerr(L, "%s: a %s takes no \"required\" (it has no answer to give)", qn,
             qset_type_name(q->type));

    bool has_pn = json_object_get(jq, "prefer_not") != NULL;
    if (has_pn && !(keys & QTYPE_KEY_PREFER_NOT))
        key_only(L, qn, "prefer_not", QTYPE_KEY_PREFER_NOT);
    else if (has_pn)
        q->prefer_not = get_bool(L, jq, "prefer_not", where);

    if (json_object_get(jq, "share") && type_ok && ty->answers == QTYPE_ANS_NONE)
        lerr(L, "%s: a %s takes no \"share\" (it has no answers to show back)", qn,
             qset_type_name(q->type));
    else
        q->share = get_bool(L, jq, "share", where);

    bool scale = type_ok && (keys & QTYPE_KEY_RANGE);
    bool multi = type_ok && (keys & QTYPE_KEY_COUNT);
    if (!(keys & QTYPE_KEY_ENDS)) {
        if (json_object_get(jq, "low") || json_object_get(jq, "low_audio"))
            key_only(L, qn, "low", QTYPE_KEY_ENDS);
        if (json_object_get(jq, "high") || json_object_get(jq, "high_audio"))
            key_only(L, qn, "high", QTYPE_KEY_ENDS);
    }
    if (!(keys & (QTYPE_KEY_RANGE | QTYPE_KEY_COUNT))) {
        char a[64], b[64], both[160];
        qtype_names(QTYPE_KEY_COUNT, false, a, sizeof a);
        qtype_names(QTYPE_KEY_RANGE, false, b, sizeof b);
        snprintf(both, sizeof both, "%s and %s", a, b);
        if (json_object_get(jq, "min"))
            lerr(L, "%s: \"min\" is only allowed on %s questions", qn, both);
        if (json_object_get(jq, "max"))
            lerr(L, "%s: \"max\" is only allowed on %s questions", qn, both);
    }
    bool answers_ok = type_ok;
    if (type_ok && (keys & QTYPE_KEY_OPTIONS)) {
        bool opts_ok;
        load_options(L, jq, q, qn, &opts_ok);
        answers_ok = opts_ok;
    } else if (type_ok && json_object_get(jq, "options")) {
        lerr(L, "%s: a %s question takes no \"options\" (its answers are %s)", qn,
             qset_type_name(q->type), ty->answers_doc);
    }

    if (multi) {
        int n = q->n_options;
        int mn = 0, mx = 0;
        int rmn = get_int(L, jq, "min", where, 0, QSET_MAX_OPTIONS, &mn);
        int rmx = get_int(L, jq, "max", where, 1, QSET_MAX_OPTIONS, &mx);
        if (rmn == 1 && n > 0 && mn > n) {
            lerr(L, "%s: \"min\" (%d) is more than the number of options (%d)", qn, mn, n);
            rmn = -1;
        }
        if (rmx == 1 && n > 0 && mx > n) {
            lerr(L, "%s: \"max\" (%d) is more than the number of options (%d)", qn, mx, n);
            rmx = -1;
        }
        if (rmn == 1 && rmx == 1 && mn > mx)
            lerr(L, "%s: \"min\" (%d) is greater than \"max\" (%d)", qn, mn, mx);
        q->min = rmn == 1 ? mn : 0;
        q->max = rmx == 1 ? mx : 0;
    } else if (scale) {
        int mn = 0, mx = 0;
        int rmn = get_int(L, jq, "min", where, -QSET_SCALE_LIMIT, QSET_SCALE_LIMIT, &mn);
        int rmx = get_int(L, jq, "max", where, -QSET_SCALE_LIMIT, QSET_SCALE_LIMIT, &mx);
        if (rmn == 0)
            lerr(L, "%s: a scale question needs \"min\" (e.g. 0)", qn);
        if (rmx == 0)
            lerr(L, "%s: a scale question needs \"max\" (e.g. 10)", qn);
        if (rmn == 1 && rmx == 1) {
            if (mn >= mx) {
                lerr(L, "%s: \"min\" (%d) must be less than \"max\" (%d)", qn, mn, mx);
                answers_ok = false;
            } else if (mx - mn + 1 > QSET_MAX_SCALE_SPAN) {
                lerr(L, "%s: the scale %d..%d has %d steps (at most %d fit on one screen)", qn, mn,
                     mx, mx - mn + 1, QSET_MAX_SCALE_SPAN);
                answers_ok = false;
            } else {
                q->min = mn;
                q->max = mx;
            }
        } else {
            answers_ok = false;
        }
        snprintf(subject, sizeof subject, "%s: \"low\"", qn);
        load_text(L, jq, "low", false, where, subject, &q->low);
        snprintf(subject, sizeof subject, "%s: \"high\"", qn);
        load_text(L, jq, "high", false, where, subject, &q->high);
    }
    if (answers_ok && type_ok && !(keys & QTYPE_KEY_OPTIONS))
        synth_options(L, q);

    load_show_if(L, jq, q, qi, qn, questions, q_ok);
    json_t *jm = json_object_get(jq, "matrix");
    if (jm && (!json_is_string(jm) || !qset_id_valid(json_string_value(jm), false)))
        lerr(L,
             "%s: \"matrix\" must be the id of its group (1-%d letters, digits, \"-\" or "
             "\"_\")",
             qn, QSET_MAX_ID_LEN);
    else if (jm && !(q->matrix = ar_strdup(L->qs, json_string_value(jm))))
        L->oom = true;
    return answers_ok;
}

/* True when options a and b are the same list: ids, texts in every language and icons. */
static bool same_options(const qset *qs, const qset_question *a, const qset_question *b)
{
    if (a->n_options != b->n_options)
        return false;
    for (int i = 0; i < a->n_options; i++) {
        const qset_option *x = &a->options[i], *y = &b->options[i];
        if (strcmp(x->id, y->id) || (!x->icon != !y->icon) || (x->icon && strcmp(x->icon, y->icon)))
            return false;
        for (int l = 0; l < qs->n_langs; l++)
            if ((!x->text.s[l] != !y->text.s[l]) ||
                (x->text.s[l] && strcmp(x->text.s[l], y->text.s[l])))
                return false;
    }
    return true;
}

/* The matrices: each one run of consecutive questions with the same "matrix", two or more,
 * single-choice, one shared list of options, no hint, and no show_if on a question of the
 * same matrix (its rows are answered together). Sets matrix_first/matrix_last. */
static void check_matrices(loader *L, const bool *q_ok)
{
    qset *qs = L->qs;
    for (int i = 0; i < qs->n_questions;) {
        qset_question *q = &qs->questions[i];
        if (!q->matrix) {
            i++;
            continue;
        }
        int end = i + 1;
        while (end < qs->n_questions && qs->questions[end].matrix &&
               !strcmp(qs->questions[end].matrix, q->matrix))
            end++;
        for (int k = 0; k < i; k++)
            if (qs->questions[k].matrix && !strcmp(qs->questions[k].matrix, q->matrix)) {
                lerr(L,
                     "%s: matrix \"%s\" continues after other questions (the questions of a "
                     "matrix follow one another; it began at \"%s\")",
                     q->id, q->matrix, qs->questions[k].id);
                break;
            }
        if (end - i < 2)
            lerr(L, "%s: matrix \"%s\" has only this question (a matrix needs two or more)", q->id,
                 q->matrix);
        bool ok = end - i >= 2;
        for (int k = i; k < end; k++) {
            qset_question *m = &qs->questions[k];
            const qtype *ty = qtype_get(m->type);
            if (ty->answers != QTYPE_ANS_OPTIONS || ty->value != QTYPE_VALUE_ONE) {
                lerr(L,
                     "%s: matrix \"%s\" holds only questions with one answer from \"options\" "
                     "(single or likert), not a %s",
                     m->id, q->matrix, qset_type_name(m->type));
                ok = false;
            } else if (k > i && q_ok[i] && q_ok[k] && !same_options(qs, q, m)) {
                lerr(L,
                     "%s: matrix \"%s\": its options differ from those of \"%s\" (every "
                     "question of a matrix has the same options: ids, texts and icons)",
                     m->id, q->matrix, q->id);
                ok = false;
            }
            if (m->hint.s[0]) {
                lerr(L,
                     "%s: matrix \"%s\": a question of a matrix has no \"hint\" (its row shows "
                     "its text only)",
                     m->id, q->matrix);
                ok = false;
            }
            if (m->show_if_question >= i && m->show_if_question < end) {
                lerr(L,
                     "%s: show_if refers to \"%s\" in the same matrix \"%s\" (answered on the "
                     "same screen: refer to a question before the matrix)",
                     m->id, qs->questions[m->show_if_question].id, q->matrix);
                ok = false;
            }
        }
        for (int k = i; ok && k < end; k++) {
            qs->questions[k].matrix_first = i;
            qs->questions[k].matrix_last = end - 1;
        }
        i = end;
    }
}

/* ---- the whole set ---- */

static void load_thanks_share(loader *L, json_t *root);

static const char *const top_keys[] = {"format",       "id",
                                       "version",      "languages",
                                       "title",        "welcome",
                                       "thanks",       "questions",
                                       "title_audio",  "welcome_audio",
                                       "thanks_audio", "files",
                                       "ui_strings",   "version_text",
                                       "thanks_share", NULL};

static void load_languages(loader *L, json_t *root)
{
    qset *qs = L->qs;
    json_t *jl = json_object_get(root, "languages");
    if (!jl) {
        lerr(L, "\"languages\" is missing (a list of language codes, the default first, e.g. "
                "[\"nl\", \"en\"])");
        return;
    }
    if (!json_is_array(jl) || json_array_size(jl) == 0) {
        lerr(L, "\"languages\" must be a non-empty list of language codes, e.g. [\"nl\", \"en\"]");
        return;
    }
    size_t n = json_array_size(jl);
    bool ok = true;
    if (n > QSET_MAX_LANGS) {
        lerr(L, "too many languages (%zu, at most %d)", n, QSET_MAX_LANGS);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *code = json_string_value(json_array_get(jl, i));
        if (!code) {
            lerr(L, "languages[%zu] must be a language code (a string)", i + 1);
            ok = false;
            continue;
        }
        if (!lang_ok(code)) {
            lerr(L,
                 "language code \"%s\" is not valid (use lowercase ISO 639 codes such as \"nl\", "
                 "\"ar\" or \"pt-br\")",
                 code);
            ok = false;
            continue;
        }
        bool dup = false;
        for (int k = 0; k < qs->n_langs; k++)
            if (!strcmp(qs->langs[k], code))
                dup = true;
        if (dup) {
            lerr(L, "language \"%s\" is listed twice", code);
            ok = false;
            continue;
        }
        qs->langs[qs->n_langs] = ar_strdup(qs, code);
        if (!qs->langs[qs->n_langs]) {
            L->oom = true;
            return;
        }
        qs->n_langs++;
    }
    if (!ok)
        return;
    L->langs_ok = true;
    size_t used = 0;
    for (int i = 0; i < qs->n_langs; i++) {
        int w = snprintf(L->lang_list + used, sizeof L->lang_list - used, "%s%s", i ? ", " : "",
                         qs->langs[i]);
        if (w < 0 || (size_t)w >= sizeof L->lang_list - used)
            break;
        used += (size_t)w;
    }
}

/* One language of "ui_strings": known keys, valid texts ({n} kept in templates), "dir". */
static void load_ui_lang(loader *L, const char *lang, json_t *jl, int li)
{
    char where[QSET_DIAG_LEN / 4];
    snprintf(where, sizeof where, "\"ui_strings\" \"%s\": ", lang);
    if (!json_is_object(jl)) {
        lerr(L,
             "%smust be an object of interface strings, e.g. {\"name\": \"Soomaali\", "
             "\"dir\": \"ltr\", ...}",
             where);
        return;
    }
    const char *allowed[UISTR_COUNT + 2];
    for (int k = 0; k < UISTR_COUNT; k++)
        allowed[k] = uistr_key_name((uistr_key)k);
    allowed[UISTR_COUNT] = "dir";
    allowed[UISTR_COUNT + 1] = NULL;
    check_keys(L, jl, where, allowed, NULL);
    const char *key;
    json_t *v;
    json_object_foreach(jl, key, v)
    {
        uistr_key k;
        bool rtl;
        if (!strcmp(key, "dir")) {
            if (!uistr_parse_dir(json_string_value(v), &rtl))
                lerr(L, "%s\"dir\" must be \"ltr\" or \"rtl\"", where);
            else if (li >= 0)
                L->qs->ui_dir[li] = rtl ? 'r' : 'l';
            continue;
        }
        if (!uistr_key_by_name(key, &k))
            continue; /* check_keys said so */
        const char *problem = uistr_check_value(k, json_string_value(v), json_string_length(v));
        if (problem) {
            lerr(L, "%s\"%s\" %s", where, key, problem);
            continue;
        }
        if (li >= 0 && !(L->qs->ui[li][k] = ar_strdup(L->qs, json_string_value(v))))
            L->oom = true;
    }
}

/* "ui_strings": the set's own interface strings per language, over the kiosk's built-in ones.
 * A language of the set the kiosk has no strings for needs every key here but the card words
 * (without them: a warning, and no cards in it); the message names the language and every
 * missing key. */
static void load_ui_strings(loader *L, json_t *root)
{
    qset *qs = L->qs;
    json_t *ju = json_object_get(root, "ui_strings");
    if (ju && !json_is_object(ju)) {
        lerr(L, "\"ui_strings\" must be an object of language code -> interface strings, e.g. "
                "{\"so\": {\"name\": \"Soomaali\", \"dir\": \"ltr\", ...}}");
        ju = NULL;
    }
    const char *lang;
    json_t *jl;
    if (ju)
        json_object_foreach(ju, lang, jl)
        {
            int li = L->langs_ok ? lang_index(L, lang) : -1;
            if (L->langs_ok && li < 0)
                lerr(L, "\"ui_strings\": \"%s\" is not one of the languages of the poll (%s)", lang,
                     L->lang_list);
            else
                load_ui_lang(L, lang, jl, li);
        }
    if (!L->langs_ok)
        return;
    char builtin[QSET_DIAG_LEN / 4] = "";
    size_t bused = 0;
    for (int i = 0; i < uistr_n_languages(L->builtin); i++)
        wp_list_add(builtin, sizeof builtin, &bused, uistr_language(L->builtin, i));
    for (int li = 0; li < qs->n_langs; li++) {
        const char *code = qs->langs[li];
        if (uistr_has_language(L->builtin, code))
            continue;
        json_t *given = ju ? json_object_get(ju, code) : NULL;
        if (given && !json_is_object(given))
            continue; /* said above */
        char missing[QSET_DIAG_LEN] = "", cards[QSET_DIAG_LEN] = "";
        size_t used = 0, cused = 0;
        int n = 0, nc = 0;
        if (!json_object_get(given, "dir") && wp_list_add(missing, sizeof missing, &used, "dir"))
            n++;
        for (int k = 0; k < UISTR_COUNT; k++) {
            const char *name = uistr_key_name((uistr_key)k);
            if (json_object_get(given, name) || uistr_key_fallback((uistr_key)k) != (uistr_key)k)
                continue; /* given, or optional */
            if (wp_list_add(missing, sizeof missing, &used, name))
                n++;
            if (uistr_key_card((uistr_key)k) && wp_list_add(cards, sizeof cards, &cused, name))
                nc++;
        }
        if (n == 0)
            continue;
        if (n == nc) {
            /* Only the card words are missing (a set older than the cards): it loads, and the
             * kiosk shows no cards in this language; said as a warning, never silently. */
            char w[QSET_DIAG_LEN];
            snprintf(w, sizeof w,
                     "%s: \"ui_strings\" \"%s\": no words for the cards of what neighbours "
                     "said, so the kiosk shows no cards in \"%s\" (the other screens work); "
                     "add them to show cards: %s",
                     L->name, code, code, cards);
            qs->no_card_words[li] = true;
            if (qs->n_warnings < QSET_MAX_LANGS &&
                !(qs->warnings[qs->n_warnings++] = ar_strdup(qs, w)))
                L->oom = true;
            continue;
        }
        if (!given)
            lerr(L,
                 "language \"%s\" has no interface strings (built in: %s; none in "
                 "\"ui_strings\"): add \"ui_strings\": {\"%s\": {...}} with every key of "
                 "assets/ui-strings.json: %s",
                 code, bused ? builtin : "none", code, missing);
        else
            lerr(L,
                 "\"ui_strings\" \"%s\": the kiosk has no interface strings for \"%s\", so "
                 "every key is needed (the card_* words may be left out; card_months_alone is "
                 "optional); missing: %s",
                 code, code, missing);
    }
}

static void load_root(loader *L, json_t *root)
{
    qset *qs = L->qs;
    if (!json_is_object(root)) {
        lerr(L, "the file must hold one JSON object {\"format\": \"%s\", ...}", QSET_FORMAT);
        return;
    }
    json_t *jf = json_object_get(root, "format");
    if (!jf) {
        lerr(L, "\"format\" is missing (it should be \"format\": \"%s\")", QSET_FORMAT);
    } else if (!json_is_string(jf)) {
        lerr(L, "\"format\" must be the string \"%s\"", QSET_FORMAT);
    } else if (strcmp(json_string_value(jf), QSET_FORMAT) != 0) {
        lerr(L, "unsupported format \"%s\" (this program reads \"%s\")", json_string_value(jf),
             QSET_FORMAT);
        return; /* another format: the rest would only be noise */
    }
    check_keys(L, root, "", top_keys, NULL);
    load_files(L, root); /* before the texts: their clips must be listed */

    json_t *jid = json_object_get(root, "id");
    const char *id = json_string_value(jid);
    if (!jid)
        lerr(L,
             "\"id\" is missing (the name of the question set, e.g. \"nazareth-2027-voorjaar\")");
    else if (!id || !qset_id_valid(id, true))
        lerr(L, "\"id\" must be 1-%d letters, digits, \"-\", \"_\" or \".\"", QSET_MAX_ID_LEN);
    else
        qs->id = ar_strdup(qs, id);

    json_t *jv = json_object_get(root, "version");
    if (!jv)
        lerr(L, "\"version\" is missing (a whole number, raised with every change)");
    else if (!json_is_integer(jv) || json_integer_value(jv) < 1 || json_integer_value(jv) > INT_MAX)
        lerr(L, "\"version\" must be a positive whole number (1, 2, ...)");
    else
        qs->version = (int)json_integer_value(jv);
    json_t *jvt = json_object_get(root, "version_text");
    const char *vt = json_string_value(jvt);
    if (jvt && (!vt || blank(vt) || strlen(vt) > QSET_MAX_VERSION_TEXT))
        lerr(L,
             "\"version_text\" must be a text of 1-%d bytes (the version as written, e.g. "
             "\"2024-03-05 14:22\")",
             QSET_MAX_VERSION_TEXT);
    else if (vt && !(qs->version_text = ar_strdup(qs, vt)))
        L->oom = true;

    load_languages(L, root);
    load_text(L, root, "title", true, "", "\"title\"", &qs->title);
    load_text(L, root, "welcome", false, "", "\"welcome\"", &qs->welcome);
    load_text(L, root, "thanks", false, "", "\"thanks\"", &qs->thanks);
    load_ui_strings(L, root);

    json_t *jq = json_object_get(root, "questions");
    if (!jq) {
        lerr(L, "\"questions\" is missing");
        return;
    }
    if (!json_is_array(jq)) {
        lerr(L, "\"questions\" must be a list of questions");
        return;
    }
    size_t nq = json_array_size(jq);
    if (nq == 0) {
        lerr(L, "\"questions\" is empty: a poll needs at least one question");
        return;
    }
    if (nq > QSET_MAX_QUESTIONS) {
        lerr(L, "too many questions (%zu, at most %d)", nq, QSET_MAX_QUESTIONS);
        return;
    }
    qs->questions = ar_alloc(qs, nq * sizeof *qs->questions);
    bool *q_ok = calloc(nq, sizeof *q_ok);
    if (!qs->questions || !q_ok) {
        free(q_ok);
        L->oom = true;
        return;
    }
    qs->n_questions = (int)nq;
    bool asks = false;
    for (size_t i = 0; i < nq; i++) {
        q_ok[i] = load_question(L, jq, (int)i, q_ok);
        json_t *jt = json_object_get(json_array_get(jq, i), "type");
        int t = qtype_find(json_string_value(jt));
        asks |= !jt || t < 0 || qtype_get(t)->answers != QTYPE_ANS_NONE;
    }
    check_matrices(L, q_ok);
    free(q_ok);
    if (!asks)
        lerr(L, "every question is a note: a poll needs at least one question with answers");
    load_thanks_share(L, root);
    finish_files(L);
}

/* "thanks_share": the id of a question that has "share": true. */
static void load_thanks_share(loader *L, json_t *root)
{
    qset *qs = L->qs;
    json_t *jt = json_object_get(root, "thanks_share");
    if (!jt)
        return;
    const char *id = json_string_value(jt);
    int qi = id ? qset_find_question(qs, id) : -1;
    if (!id)
        lerr(L, "\"thanks_share\" must be the id of a question with \"share\": true");
    else if (qi < 0)
        lerr(L, "\"thanks_share\": no question \"%s\"", id);
    else if (!qs->questions[qi].share)
        lerr(L, "\"thanks_share\": question \"%s\" is not shared (give it \"share\": true)", id);
    else
        qs->thanks_share = qi;
}

static void fill_base_dir(loader *L, const char *base_dir, char *buf, size_t len)
{
    char real[PATH_MAX];
    if (!base_dir || !*base_dir)
        base_dir = ".";
    if (realpath(base_dir, real))
        wp_strlcpy(buf, real, len);
    else
        wp_strlcpy(buf, base_dir, len);
    L->base_real = buf;
}

int qset_load_buffer(const char *data, size_t len, const char *name, const char *base_dir,
                     const uistr *builtin, qset **out, qset_diag *diag)
{
    int rc = -1;
    json_t *root = NULL;
    char base[PATH_MAX];
    loader L;
    memset(&L, 0, sizeof L);
    L.name = name ? name : "(question set)";
    L.builtin = builtin;
    L.diag = diag;
    if (diag) {
        diag->n = 0;
        diag->dropped = 0;
    }
    if (out)
        *out = NULL;
    L.qs = calloc(1, sizeof *L.qs);
    L.used_clips = json_object();
    L.used_icons = json_object();
    if (L.qs)
        L.qs->thanks_share = -1;
    if (!L.qs || !L.used_clips || !L.used_icons) {
        lerr(&L, "out of memory");
        goto done;
    }
    fill_base_dir(&L, base_dir, base, sizeof base);
    L.qs->base_dir = ar_strdup(L.qs, base);

    if (len > QSET_MAX_FILE_BYTES) {
        lerr(&L, "file is too large (%zu bytes, at most %d allowed)", len, QSET_MAX_FILE_BYTES);
        goto done;
    }
    bool bom = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3); /* editors on Windows add one */
    json_error_t je;
    root = json_loadb(bom ? data + 3 : data, bom ? len - 3 : len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        int col = je.column + (bom && je.line == 1 ? 1 : 0);
        L.n_err++;
        bool utf8 = !strncmp(je.text, "unable to decode byte", 21);
        qset_diag_add(diag, "%s:%d:%d: %s%s", L.name, je.line, col, je.text,
                      utf8 ? " (the file is not valid UTF-8: save it as UTF-8)" : "");
        goto done;
    }
    load_root(&L, root);
    if (L.oom)
        lerr(&L, "out of memory");
    if (L.n_err)
        goto done;
    if (out) {
        *out = L.qs;
        L.qs = NULL;
    }
    rc = 0;
done:
    json_decref(root);
    json_decref(L.used_clips);
    json_decref(L.used_icons);
    qset_free(L.qs);
    return rc;
}

int qset_load_file(const char *path, const uistr *builtin, qset **out, qset_diag *diag)
{
    char err[WP_ERR_LEN];
    char *data = NULL;
    size_t len = 0;
    if (out)
        *out = NULL;
    if (wp_read_file(path, QSET_MAX_FILE_BYTES, &data, &len, err, sizeof err) != 0) {
        if (diag) {
            diag->n = 0;
            diag->dropped = 0;
        }
        qset_diag_add(diag, "%s", err);
        return -1;
    }
    char dir[PATH_MAX];
    wp_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (!slash)
        wp_strlcpy(dir, ".", sizeof dir);
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int rc = qset_load_buffer(data, len, path, dir, builtin, out, diag);
    free(data);
    return rc;
}

/* ---- accessors ---- */

const char *qset_id(const qset *qs)
{
    return qs->id;
}

const char *qset_version_text(const qset *qs)
{
    return qs->version_text;
}

int qset_version(const qset *qs)
{
    return qs->version;
}

int qset_n_languages(const qset *qs)
{
    return qs->n_langs;
}

const char *qset_language(const qset *qs, int i)
{
    return i >= 0 && i < qs->n_langs ? qs->langs[i] : NULL;
}

int qset_language_index(const qset *qs, const char *code)
{
    for (int i = 0; code && i < qs->n_langs; i++)
        if (!strcmp(qs->langs[i], code))
            return i;
    return -1;
}

const qset_text *qset_title(const qset *qs)
{
    return &qs->title;
}

const qset_text *qset_welcome(const qset *qs)
{
    return &qs->welcome;
}

const qset_text *qset_thanks(const qset *qs)
{
    return &qs->thanks;
}

int qset_thanks_share(const qset *qs)
{
    return qs->thanks_share;
}

int qset_n_questions(const qset *qs)
{
    return qs->n_questions;
}

const qset_question *qset_question_at(const qset *qs, int i)
{
    return i >= 0 && i < qs->n_questions ? &qs->questions[i] : NULL;
}

int qset_find_question(const qset *qs, const char *id)
{
    for (int i = 0; id && i < qs->n_questions; i++)
        if (qs->questions[i].id && !strcmp(qs->questions[i].id, id))
            return i;
    return -1;
}

int qset_find_option(const qset_question *q, const char *value)
{
    for (int i = 0; value && i < q->n_options; i++)
        if (q->options[i].id && !strcmp(q->options[i].id, value))
            return i;
    return -1;
}

const char *qset_base_dir(const qset *qs)
{
    return qs->base_dir;
}

bool qset_lists_files(const qset *qs)
{
    return qs->lists_files;
}

int qset_n_files(const qset *qs)
{
    return qs->n_files;
}

const qset_file *qset_file_at(const qset *qs, int i)
{
    return i >= 0 && i < qs->n_files ? &qs->files[i] : NULL;
}

const char *qset_ui_string(const qset *qs, const uistr *builtin, const char *lang, uistr_key k)
{
    int li = qs ? qset_language_index(qs, lang) : -1;
    if (li >= 0 && (int)k >= 0 && k < UISTR_COUNT && qs->ui[li][k])
        return qs->ui[li][k];
    /* an optional word the set's own words for this language lack: the word it stands in for,
     * from the same words (never the kiosk's fallback language's) */
    uistr_key fb = (int)k >= 0 && k < UISTR_COUNT ? uistr_key_fallback(k) : k;
    if (fb != k && li >= 0 && (qs->ui[li][fb] || !uistr_has_language(builtin, lang)))
        return qset_ui_string(qs, builtin, lang, fb);
    return uistr_get(builtin, lang, k);
}

bool qset_shows_cards(const qset *qs, const char *lang)
{
    int li = qs ? qset_language_index(qs, lang) : -1;
    return li < 0 || !qs->no_card_words[li];
}

int qset_n_warnings(const qset *qs)
{
    return qs ? qs->n_warnings : 0;
}

const char *qset_warning(const qset *qs, int i)
{
    return qs && i >= 0 && i < qs->n_warnings ? qs->warnings[i] : NULL;
}

bool qset_ui_rtl(const qset *qs, const uistr *builtin, const char *lang)
{
    int li = qs ? qset_language_index(qs, lang) : -1;
    if (li >= 0 && qs->ui_dir[li])
        return qs->ui_dir[li] == 'r';
    return uistr_is_rtl(builtin, lang);
}
