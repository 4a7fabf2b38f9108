/* The kiosk's own words per language: assets/ui-strings.json built in (uistr_load_builtin), or a
 * strings file loaded strictly with jansson (the staff words, tests). */
#include "uistr.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UISTR_MAX_LANGS      32        /* languages in one strings file */
#define UISTR_MAX_FILE_BYTES (1 << 20) /* larger files are refused unread */
#define UISTR_MAX_CODE       16        /* bytes of a language code, with the NUL */
#define UISTR_MAX_STR        1024      /* bytes of one string */
#define UISTR_FALLBACK       "en"      /* used for unknown languages; must be in the file */

typedef struct {
    char code[UISTR_MAX_CODE];
    bool rtl;
    const char *s[UISTR_MAX_KEYS]; /* borrowed from uistr.root or the built-in table */
} uistr_lang;

struct uistr {
    json_t *root; /* owns every string handed out (NULL: the built-in table's) */
    const uistr_schema *schema;
    int n;
    int fallback; /* index of English */
    uistr_lang lang[UISTR_MAX_LANGS];
};

/* JSON key per uistr_key, in enum order; the language's own name is called "name". */
static const char *const key_names[UISTR_COUNT] = {
    [UISTR_LANGUAGE_NAME] = "name",
    [UISTR_TAP_TO_START] = "tap_to_start",
    [UISTR_CHOOSE_LANGUAGE] = "choose_language",
    [UISTR_NEXT] = "next",
    [UISTR_SKIP] = "skip",
    [UISTR_FINISH] = "finish",
    [UISTR_BACK] = "back",
    [UISTR_LANGUAGE] = "language",
    [UISTR_CHOOSE_ONE] = "choose_one",
    [UISTR_CHOOSE_SEVERAL] = "choose_several",
    [UISTR_CHOOSE_UP_TO] = "choose_up_to",
    [UISTR_MAX_REACHED] = "max_reached",
    [UISTR_CHOOSE_AT_LEAST] = "choose_at_least",
    [UISTR_REQUIRED] = "required",
    [UISTR_SMILEY_1] = "smiley_1",
    [UISTR_SMILEY_2] = "smiley_2",
    [UISTR_SMILEY_3] = "smiley_3",
    [UISTR_SMILEY_4] = "smiley_4",
    [UISTR_SMILEY_5] = "smiley_5",
    [UISTR_YES] = "yes",
    [UISTR_NO] = "no",
    [UISTR_PREFER_NOT] = "prefer_not",
    [UISTR_STILL_THERE] = "still_there",
    [UISTR_STILL_THERE_BODY] = "still_there_body",
    [UISTR_CONTINUE] = "continue",
    [UISTR_THANKS] = "thanks",
    [UISTR_SAVE_ERROR] = "save_error",
    [UISTR_READ_ALOUD] = "read_aloud",
    [UISTR_STOP_READING] = "stop_reading",
    [UISTR_VOLUME_UP] = "volume_up",
    [UISTR_VOLUME_DOWN] = "volume_down",
    [UISTR_LARGE_TEXT] = "large_text",
    [UISTR_HIGH_CONTRAST] = "high_contrast",
    [UISTR_SCROLL_UP] = "scroll_up",
    [UISTR_SCROLL_DOWN] = "scroll_down",
    [UISTR_CLOSED] = "closed",
    [UISTR_MORE] = "more",
    [UISTR_CLOSE] = "close",
    [UISTR_MORE_ANSWERS] = "more_answers",
    [UISTR_CHOSEN] = "chosen",
    [UISTR_NOT_CHOSEN] = "not_chosen",
    [UISTR_UNAVAILABLE] = "unavailable",
    [UISTR_CARD_HEADING] = "card_heading",
    [UISTR_CARD_IN_TEN] = "card_in_ten",
    [UISTR_CARD_ANSWERED] = "card_answered",
    [UISTR_CARD_PERIOD] = "card_period",
    [UISTR_CARD_SO_FAR] = "card_so_far",
    [UISTR_CARD_DATE] = "card_date",
    [UISTR_CARD_OTHER] = "card_other",
    [UISTR_THANKS_ONE_OF] = "thanks_one_of",
    [UISTR_CARD_FEWER] = "card_fewer",
    [UISTR_CARD_EXPECTED] = "card_expected",
    [UISTR_CARD_COMPARE] = "card_compare",
    [UISTR_CARD_K_NOTE] = "card_k_note",
    [UISTR_CARD_ANSWER] = "card_answer",
    [UISTR_CARD_SHARE] = "card_share",
    [UISTR_CARD_COUNT] = "card_count",
    [UISTR_CARD_MONTHS] = "card_months",
    [UISTR_CARD_DAYS] = "card_days",
    [UISTR_CARD_DAY] = "card_day",
    [UISTR_CARD_MONTHS_ALONE] = "card_months_alone",
};

/* Keys whose text is a template and must say where the number goes. */
static const char *const key_needs[UISTR_COUNT] = {
    [UISTR_CHOOSE_UP_TO] = "{n}",
    [UISTR_MAX_REACHED] = "{n}",
    [UISTR_CHOOSE_AT_LEAST] = "{n}",
    [UISTR_STILL_THERE_BODY] = "{n}",
    [UISTR_MORE_ANSWERS] = "{n}",
    [UISTR_CARD_IN_TEN] = "{n}",
    [UISTR_CARD_ANSWERED] = "{n}",
    [UISTR_THANKS_ONE_OF] = "{n}",
    [UISTR_CARD_FEWER] = "{n}",
    [UISTR_CARD_EXPECTED] = "{n}{e}",
    [UISTR_CARD_K_NOTE] = "{n}",
    [UISTR_CARD_DAYS] = "{from} {to} {month} {year}",
    [UISTR_CARD_DAY] = "{day} {month} {year}",
};

static const uistr_schema builtin = {key_names, key_needs, UISTR_COUNT};

/* The first placeholder of needs that s lacks, copied into miss; false when none is missing. */
static bool lacks_placeholder(const char *needs, const char *s, char *miss, size_t len)
{
    for (const char *p = needs ? needs : ""; (p = strchr(p, '{'));) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        size_t n = (size_t)(e - p) + 1;
        char ph[64];
        if (n >= sizeof ph)
            n = sizeof ph - 1;
        memcpy(ph, p, n);
        ph[n] = '\0';
        if (!strstr(s, ph)) {
            wp_strlcpy(miss, ph, len);
            return true;
        }
        p = e + 1;
    }
    return false;
}

/* THE table of optional keys: each with the key it falls back to. */
static const struct {
    uistr_key key, fallback;
} optional_keys[] = {
    {UISTR_CARD_MONTHS_ALONE, UISTR_CARD_MONTHS},
};

uistr_key uistr_key_fallback(uistr_key k)
{
    for (size_t i = 0; i < sizeof optional_keys / sizeof optional_keys[0]; i++)
        if (optional_keys[i].key == k)
            return optional_keys[i].fallback;
    return k;
}

bool uistr_key_card(uistr_key k)
{
    return k >= UISTR_CARD_HEADING && k <= UISTR_CARD_DAY;
}

const char *uistr_key_name(uistr_key k)
{
    if ((int)k < 0 || k >= UISTR_COUNT)
        return "?";
    return key_names[k];
}

static int key_index(const uistr_schema *sc, const char *name)
{
    for (int k = 0; k < sc->count; k++)
        if (!strcmp(sc->names[k], name))
            return k;
    return -1;
}

/* key_index, trying *next first: a language's keys mostly come in the schema's order, so each
 * is found with one comparison instead of a scan (488 built-in entries at every start). */
static int key_index_next(const uistr_schema *sc, const char *name, int *next)
{
    int k = *next >= 0 && *next < sc->count && !strcmp(sc->names[*next], name)
                ? *next
                : key_index(sc, name);
    if (k >= 0)
        *next = k + 1;
    return k;
}

bool uistr_key_by_name(const char *name, uistr_key *out)
{
    int k = name ? key_index(&builtin, name) : -1;
    if (k < 0)
        return false;
    *out = (uistr_key)k;
    return true;
}

bool uistr_parse_dir(const char *dir, bool *rtl)
{
    if (!dir || (strcmp(dir, "ltr") && strcmp(dir, "rtl")))
        return false;
    *rtl = !strcmp(dir, "rtl");
    return true;
}

/* The checks every text of every table passes: NULL, or the problem in words. */
static const char *check_text(const char *s, size_t len)
{
    if (!s)
        return "must be a string";
    if (len == 0 || strspn(s, " \t\r\n") == len)
        return "is empty";
    if (len >= UISTR_MAX_STR || strlen(s) != len)
        return "is too long or holds a NUL";
    return NULL;
}

const char *uistr_check_value(uistr_key k, const char *s, size_t len)
{
    const char *problem = check_text(s, len);
    if (problem)
        return problem;
    char miss[64];
    if ((int)k >= 0 && k < UISTR_COUNT && lacks_placeholder(key_needs[k], s, miss, sizeof miss))
        return strcmp(miss, "{e}") == 0 ? "must contain \"{e}\" (where the usual number goes)"
                                        : "must contain \"{n}\" (where the number goes)";
    return NULL;
}

/* A language code: 1-15 of a-z, 0-9 and '-', starting with a letter ("nl", "pt-br"). */
static bool valid_code(const char *c)
{
    size_t n = strlen(c);
    if (n == 0 || n >= UISTR_MAX_CODE || c[0] < 'a' || c[0] > 'z')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9') || c[i] == '-'))
            return false;
    return true;
}

/* Takes one text of a language (s of len bytes, NULL when it is not a string); messages name
 * the file, language and key. */
static int lang_entry(const uistr_schema *sc, const char *path, uistr_lang *l, const char *name,
                      const char *s, size_t len, bool *have_dir, int *next, char *err,
                      size_t errlen)
{
    if (!strcmp(name, "dir")) {
        if (!uistr_parse_dir(s, &l->rtl)) {
            wp_errf(err, errlen, "%s: language \"%s\": \"dir\" must be \"ltr\" or \"rtl\"", path,
                    l->code);
            return -1;
        }
        *have_dir = true;
        return 0;
    }
    int k = key_index_next(sc, name, next);
    if (k < 0) {
        wp_errf(err, errlen, "%s: language \"%s\": unknown key \"%s\"", path, l->code, name);
        return -1;
    }
    const char *problem =
        sc == &builtin ? uistr_check_value((uistr_key)k, s, len) : check_text(s, len);
    if (problem) {
        wp_errf(err, errlen, "%s: language \"%s\": key \"%s\" %s", path, l->code, name, problem);
        return -1;
    }
    char miss[64];
    if (sc->needs && lacks_placeholder(sc->needs[k], s, miss, sizeof miss)) {
        wp_errf(err, errlen, "%s: language \"%s\": key \"%s\" must contain \"%s\"", path, l->code,
                name, miss);
        return -1;
    }
    l->s[k] = s;
    return 0;
}

/* A language is whole: its direction and every key. */
static int lang_finish(const uistr_schema *sc, const char *path, const uistr_lang *l, bool have_dir,
                       char *err, size_t errlen)
{
    if (!have_dir) {
        wp_errf(err, errlen, "%s: language \"%s\": missing key \"dir\" (\"ltr\" or \"rtl\")", path,
                l->code);
        return -1;
    }
    for (int k = 0; k < sc->count; k++) {
        if (!l->s[k] && (sc != &builtin || uistr_key_fallback((uistr_key)k) == (uistr_key)k)) {
            wp_errf(err, errlen, "%s: language \"%s\": missing key \"%s\"", path, l->code,
                    sc->names[k]);
            return -1;
        }
    }
    return 0;
}

/* Fills one language from its JSON object. */
static int load_lang(const uistr_schema *sc, const char *path, const char *code, json_t *obj,
                     uistr_lang *l, char *err, size_t errlen)
{
    const char *name;
    json_t *v;
    bool have_dir = false;
    int next = 0;
    if (!json_is_object(obj)) {
        wp_errf(err, errlen, "%s: language \"%s\" must be an object of strings", path, code);
        return -1;
    }
    wp_strlcpy(l->code, code, sizeof l->code);
    json_object_foreach(obj, name, v)
    {
        if (lang_entry(sc, path, l, name, json_string_value(v), json_string_length(v), &have_dir,
                       &next, err, errlen) != 0)
            return -1;
    }
    return lang_finish(sc, path, l, have_dir, err, errlen);
}

/* One language more in u (code checked), or -1 with a message. */
static uistr_lang *add_lang(uistr *u, const char *path, const char *code, char *err, size_t errlen)
{
    if (!valid_code(code)) {
        wp_errf(err, errlen, "%s: \"%s\" is not a language code (like \"nl\" or \"pt-br\")", path,
                code);
        return NULL;
    }
    if (u->n >= UISTR_MAX_LANGS) {
        wp_errf(err, errlen, "%s: more than %d languages", path, UISTR_MAX_LANGS);
        return NULL;
    }
    return &u->lang[u->n];
}

/* The last step of every load: English is there, as the fallback. */
static int find_fallback(uistr *u, const char *path, char *err, size_t errlen)
{
    for (int i = 0; i < u->n; i++)
        if (!strcmp(u->lang[i].code, UISTR_FALLBACK))
            u->fallback = i;
    if (u->fallback < 0) {
        wp_errf(err, errlen, "%s: language \"%s\" is missing (it is the fallback)", path,
                UISTR_FALLBACK);
        return -1;
    }
    return 0;
}

int uistr_load_builtin(uistr **out, char *err, size_t errlen)
{
    static const char path[] = "assets/ui-strings.json (built in)";
    *out = NULL;
    uistr *u = calloc(1, sizeof *u);
    if (!u) {
        wp_errf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    u->fallback = -1;
    u->schema = &builtin;
    for (int i = 0; i < uistr_builtin_nlangs; i++) {
        const uistr_table_lang *t = &uistr_builtin_langs[i];
        uistr_lang *l = add_lang(u, path, t->code, err, errlen);
        if (!l)
            goto fail;
        wp_strlcpy(l->code, t->code, sizeof l->code);
        bool have_dir = false;
        int next = 0;
        for (int k = 0; k < t->n; k++)
            if (lang_entry(&builtin, path, l, t->pairs[k].name, t->pairs[k].value,
                           strlen(t->pairs[k].value), &have_dir, &next, err, errlen) != 0)
                goto fail;
        if (lang_finish(&builtin, path, l, have_dir, err, errlen) != 0)
            goto fail;
        u->n++;
    }
    if (find_fallback(u, path, err, errlen) != 0)
        goto fail;
    *out = u;
    return 0;
fail:
    uistr_free(u);
    return -1;
}

int uistr_load(const char *path, uistr **out, char *err, size_t errlen)
{
    return uistr_load_schema(path, &builtin, out, err, errlen);
}

static int load_buffer(const char *path, const char *data, size_t len, const uistr_schema *schema,
                       uistr **out, char *err, size_t errlen);

int uistr_load_schema(const char *path, const uistr_schema *schema, uistr **out, char *err,
                      size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    if (!schema || schema->count < 1 || schema->count > UISTR_MAX_KEYS) {
        wp_errf(err, errlen, "%s: a strings table has 1 to %d keys", path, UISTR_MAX_KEYS);
        return -1;
    }
    if (wp_read_file(path, UISTR_MAX_FILE_BYTES, &data, &len, err, errlen) != 0)
        return -1;
    int rc = load_buffer(path, data, len, schema, out, err, errlen);
    free(data);
    return rc;
}

int uistr_load_buffer(const char *name, const char *data, size_t len, uistr **out, char *err,
                      size_t errlen)
{
    *out = NULL;
    if (len > UISTR_MAX_FILE_BYTES) {
        wp_errf(err, errlen, "%s: larger than %d bytes", name, UISTR_MAX_FILE_BYTES);
        return -1;
    }
    return load_buffer(name, data, len, &builtin, out, err, errlen);
}

static int load_buffer(const char *path, const char *data, size_t len, const uistr_schema *schema,
                       uistr **out, char *err, size_t errlen)
{
    int rc = -1;
    uistr *u = NULL;
    json_error_t je;
    const char *code;
    json_t *obj;

    u = calloc(1, sizeof *u);
    if (!u) {
        wp_errf(err, errlen, "%s: out of memory", path);
        goto done;
    }
    u->fallback = -1;
    u->schema = schema;
    u->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!u->root) {
        wp_errf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        goto done;
    }
    if (!json_is_object(u->root)) {
        wp_errf(err, errlen, "%s: expected an object of languages, e.g. {\"en\": {...}}", path);
        goto done;
    }
    json_object_foreach(u->root, code, obj)
    {
        uistr_lang *l = add_lang(u, path, code, err, errlen);
        if (!l || load_lang(schema, path, code, obj, l, err, errlen) != 0)
            goto done;
        u->n++;
    }
    if (find_fallback(u, path, err, errlen) != 0)
        goto done;
    *out = u;
    u = NULL;
    rc = 0;
done:
    uistr_free(u);
    return rc;
}

void uistr_free(uistr *u)
{
    if (!u)
        return;
    json_decref(u->root);
    free(u);
}

static const uistr_lang *find_lang(const uistr *u, const char *lang)
{
    if (!u || !lang)
        return NULL;
    for (int i = 0; i < u->n; i++)
        if (!strcmp(u->lang[i].code, lang))
            return &u->lang[i];
    return NULL;
}

const char *uistr_get(const uistr *u, const char *lang, uistr_key k)
{
    return uistr_get_at(u, lang, (int)k);
}

const char *uistr_get_at(const uistr *u, const char *lang, int k)
{
    if (!u || k < 0 || k >= u->schema->count)
        return "";
    const uistr_lang *l = find_lang(u, lang);
    if (!l)
        l = &u->lang[u->fallback];
    if (!l->s[k] && u->schema == &builtin) /* an optional word the language lacks */
        return l->s[uistr_key_fallback((uistr_key)k)];
    return l->s[k];
}

int uistr_n_languages(const uistr *u)
{
    return u ? u->n : 0;
}

const char *uistr_language(const uistr *u, int i)
{
    return u && i >= 0 && i < u->n ? u->lang[i].code : NULL;
}

bool uistr_has_language(const uistr *u, const char *lang)
{
    return find_lang(u, lang) != NULL;
}

bool uistr_is_rtl(const uistr *u, const char *lang)
{
    const uistr_lang *l = find_lang(u, lang);
    return l && l->rtl;
}

/* Length of the longest prefix of s[0..n) that does not end inside a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return n;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return (n - (i - 1) >= need) ? n : i - 1;
}

void uistr_format(char *buf, size_t len, const char *tmpl, long n)
{
    char num[24];
    snprintf(num, sizeof num, "%ld", n);
    const char *names[] = {"n"}, *values[] = {num};
    uistr_fill(buf, len, tmpl, names, values, 1);
}

/* The value whose "{NAME}" starts at p (its length in *plen), or NULL. */
static const char *placeholder_at(const char *p, const char *const *names,
                                  const char *const *values, int n, size_t *plen)
{
    if (*p != '{')
        return NULL;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (!strncmp(p + 1, names[i], l) && p[1 + l] == '}') {
            *plen = l + 2;
            return values[i] ? values[i] : "";
        }
    }
    return NULL;
}

void uistr_fill(char *buf, size_t len, const char *tmpl, const char *const *names,
                const char *const *values, int n)
{
    size_t o = 0;
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (!tmpl)
        return;
    for (const char *p = tmpl; *p;) {
        size_t skip = 1;
        const char *piece = placeholder_at(p, names, values, n, &skip);
        size_t plen = piece ? strlen(piece) : 1;
        if (!piece)
            piece = p;
        p += skip;
        if (o + plen >= len) {
            /* Out of room: keep what fits, never half a character. */
            size_t room = len - 1 - o;
            memcpy(buf + o, piece, room);
            o = utf8_cut(buf, o + room);
            break;
        }
        memcpy(buf + o, piece, plen);
        o += plen;
    }
    buf[o] = '\0';
}
