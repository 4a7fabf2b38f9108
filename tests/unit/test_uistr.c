/* UI strings: the shipped file is complete in every language, and broken files are refused
 * with a message naming the file, language and key. */
#include "uistr.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const poll_langs[] = {"nl", "en", "ar", "tr", "pl", "uk", "de", "fr"};
#define N_POLL_LANGS (sizeof poll_langs / sizeof poll_langs[0])

static char *write_tmp(const char *name, const char *text)
{
    char *dir = test_tmpdir("uistr");
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    free(dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* Every key's text in lang_json: with every placeholder any template needs. */
#define LANG_TEXT "x {n} {e} {from} {to} {day} {month} {year}"

/* A complete language object as JSON text, with one key left out (or NULL for none) and one
 * key given a replacement value (or NULL). */
static void lang_json(char *buf, size_t len, const char *dir, const char *omit, const char *key,
                      const char *value)
{
    size_t o = (size_t)snprintf(buf, len, "{\"dir\": \"%s\"", dir);
    for (int k = 0; k < UISTR_COUNT && o < len; k++) {
        const char *name = uistr_key_name((uistr_key)k);
        if (omit && !strcmp(name, omit))
            continue;
        const char *v = (key && !strcmp(name, key)) ? value : LANG_TEXT;
        o += (size_t)snprintf(buf + o, len - o, ", \"%s\": \"%s\"", name, v);
    }
    if (o < len)
        snprintf(buf + o, len - o, "}");
}

static void test_shipped_file_complete(void)
{
    char *path = test_src("assets/ui-strings.json");
    char err[512] = "";
    uistr *u = NULL;
    CHECKF(uistr_load(path, &u, err, sizeof err) == 0, "%s", err);
    free(path);
    if (!u)
        return;
    for (size_t i = 0; i < N_POLL_LANGS; i++) {
        const char *l = poll_langs[i];
        CHECKF(uistr_has_language(u, l), "language %s present", l);
        for (int k = 0; k < UISTR_COUNT; k++) {
            const char *s = uistr_get(u, l, (uistr_key)k);
            CHECKF(s && s[0], "%s/%s non-empty", l, uistr_key_name((uistr_key)k));
            /* Only the language name may be the same as in English; a copied English string
             * in another language is almost always a forgotten translation. */
            if (strcmp(l, "en") && k != UISTR_LANGUAGE_NAME) {
                const char *en = uistr_get(u, "en", (uistr_key)k);
                bool same = !strcmp(s, en);
                /* a date's order is often the same as in English */
                CHECKF(!same || k == UISTR_HIGH_CONTRAST || k == UISTR_NO || k == UISTR_CARD_DAYS ||
                           k == UISTR_CARD_DAY,
                       "%s/%s is not translated: \"%s\"", l, uistr_key_name((uistr_key)k), s);
            }
        }
        CHECKF(strstr(uistr_get(u, l, UISTR_CHOOSE_UP_TO), "{n}") != NULL, "%s choose_up_to", l);
        CHECKF(strstr(uistr_get(u, l, UISTR_STILL_THERE_BODY), "{n}") != NULL,
               "%s still_there_body", l);
    }
    CHECK_STR(uistr_get(u, "nl", UISTR_LANGUAGE_NAME), "Nederlands");
    CHECK_STR(uistr_get(u, "en", UISTR_LANGUAGE_NAME), "English");
    CHECK_STR(uistr_get(u, "ar", UISTR_LANGUAGE_NAME), "العربية");
    CHECK_STR(uistr_get(u, "tr", UISTR_LANGUAGE_NAME), "Türkçe");
    CHECK_STR(uistr_get(u, "pl", UISTR_LANGUAGE_NAME), "Polski");
    CHECK_STR(uistr_get(u, "uk", UISTR_LANGUAGE_NAME), "Українська");
    CHECK_STR(uistr_get(u, "nl", UISTR_NEXT), "Verder");
    CHECK_STR(uistr_get(u, "en", UISTR_SMILEY_1), "Very bad");
    CHECK_STR(uistr_get(u, "en", UISTR_SMILEY_5), "Very good");
    uistr_free(u);
}

static void test_fallback_and_rtl(void)
{
    char *path = test_src("assets/ui-strings.json");
    char err[512] = "";
    uistr *u = NULL;
    CHECKF(uistr_load(path, &u, err, sizeof err) == 0, "%s", err);
    free(path);
    if (!u)
        return;
    CHECK(!uistr_has_language(u, "xx"));
    CHECK(!uistr_has_language(u, NULL));
    CHECK_STR(uistr_get(u, "xx", UISTR_BACK), "Back");
    CHECK_STR(uistr_get(u, NULL, UISTR_YES), "Yes");
    CHECK_STR(uistr_get(u, "en", UISTR_COUNT), "");
    CHECK(uistr_is_rtl(u, "ar"));
    for (size_t i = 0; i < N_POLL_LANGS; i++)
        if (strcmp(poll_langs[i], "ar"))
            CHECKF(!uistr_is_rtl(u, poll_langs[i]), "%s is ltr", poll_langs[i]);
    CHECK(!uistr_is_rtl(u, "xx"));
    CHECK_STR(uistr_get(NULL, "en", UISTR_YES), "");
    uistr_free(u);
    uistr_free(NULL);
}

/* An optional word (card_months_alone): Polish and Ukrainian have their own (a month-and-year
 * heading's "marzec", not a date's "marca"); every other language, built in or loaded from the
 * file, falls back to card_months; no other key is optional. */
static void test_optional_months_alone(void)
{
    char *path = test_src("assets/ui-strings.json");
    char err[512] = "";
    uistr *files = NULL, *built = NULL;
    CHECKF(uistr_load(path, &files, err, sizeof err) == 0, "%s", err);
    CHECKF(uistr_load_builtin(&built, err, sizeof err) == 0, "%s", err);
    free(path);
    uistr *both[] = {files, built};
    for (int i = 0; i < 2 && files && built; i++) {
        CHECK(strstr(uistr_get(both[i], "pl", UISTR_CARD_MONTHS_ALONE), "|marzec|kwiecień|"));
        CHECK(strstr(uistr_get(both[i], "pl", UISTR_CARD_MONTHS), "|marca|kwietnia|"));
        CHECK(strstr(uistr_get(both[i], "uk", UISTR_CARD_MONTHS_ALONE), "|березень|"));
        for (size_t l = 0; l < N_POLL_LANGS; l++)
            if (strcmp(poll_langs[l], "pl") && strcmp(poll_langs[l], "uk"))
                CHECK_STR(uistr_get(both[i], poll_langs[l], UISTR_CARD_MONTHS_ALONE),
                          uistr_get(both[i], poll_langs[l], UISTR_CARD_MONTHS));
    }
    for (int k = 0; k < UISTR_COUNT; k++)
        CHECKF((uistr_key_fallback((uistr_key)k) != (uistr_key)k) == (k == UISTR_CARD_MONTHS_ALONE),
               "%s optional", uistr_key_name((uistr_key)k));
    CHECK(uistr_key_fallback(UISTR_CARD_MONTHS_ALONE) == UISTR_CARD_MONTHS);
    uistr_free(files);
    uistr_free(built);
}

static void test_key_names(void)
{
    CHECK_STR(uistr_key_name(UISTR_LANGUAGE_NAME), "name");
    CHECK_STR(uistr_key_name(UISTR_TAP_TO_START), "tap_to_start");
    CHECK_STR(uistr_key_name(UISTR_SMILEY_3), "smiley_3");
    CHECK_STR(uistr_key_name(UISTR_SCROLL_DOWN), "scroll_down");
    CHECK_STR(uistr_key_name(UISTR_COUNT), "?");
    for (int a = 0; a < UISTR_COUNT; a++)
        for (int b = a + 1; b < UISTR_COUNT; b++)
            CHECKF(strcmp(uistr_key_name((uistr_key)a), uistr_key_name((uistr_key)b)) != 0,
                   "key names %d and %d differ", a, b);
}

static void test_format(void)
{
    char buf[64];
    uistr_format(buf, sizeof buf, "Choose up to {n} answers", 3);
    CHECK_STR(buf, "Choose up to 3 answers");
    uistr_format(buf, sizeof buf, "{n}/{n} and {n}", -12);
    CHECK_STR(buf, "-12/-12 and -12");
    uistr_format(buf, sizeof buf, "no number {x} {", 5);
    CHECK_STR(buf, "no number {x} {");
    uistr_format(buf, sizeof buf, "الثواني المتبقية: {n}", 30);
    CHECK_STR(buf, "الثواني المتبقية: 30");
    uistr_format(buf, 8, "abcdef{n}", 1234);
    CHECK_STR(buf, "abcdef1");
    /* Truncation never leaves half a UTF-8 character: "éé" is 4 bytes, room for 3. */
    uistr_format(buf, 4, "éé", 0);
    CHECK_STR(buf, "é");
    uistr_format(buf, 1, "x{n}", 1);
    CHECK_STR(buf, "");
    uistr_format(buf, sizeof buf, NULL, 1);
    CHECK_STR(buf, "");
}

static void expect_error(const char *name, const char *json, const char *want1, const char *want2)
{
    char *path = write_tmp(name, json);
    char err[512] = "";
    /* *out must be reset to NULL on failure, whatever it held before. */
    char *good = test_src("assets/ui-strings.json");
    uistr *keep = NULL, *u;
    CHECK(uistr_load(good, &keep, err, sizeof err) == 0);
    free(good);
    u = keep;
    CHECKF(uistr_load(path, &u, err, sizeof err) == -1, "%s refused", name);
    CHECK(u == NULL);
    uistr_free(keep);
    CHECKF(strstr(err, path) != NULL, "message names the file: %s", err);
    CHECKF(strstr(err, want1) != NULL, "message has '%s': %s", want1, err);
    if (want2)
        CHECKF(strstr(err, want2) != NULL, "message has '%s': %s", want2, err);
    free(path);
}

static void test_broken_files(void)
{
    static char en[8192], other[8192], doc[20000];

    lang_json(en, sizeof en, "ltr", NULL, NULL, NULL);
    lang_json(other, sizeof other, "rtl", "still_there", NULL, NULL);
    snprintf(doc, sizeof doc, "{\"en\": %s, \"ar\": %s}", en, other);
    expect_error("missing.json", doc, "\"ar\"", "missing key \"still_there\"");

    lang_json(other, sizeof other, "ltr", NULL, "next", "  ");
    snprintf(doc, sizeof doc, "{\"en\": %s, \"nl\": %s}", en, other);
    expect_error("empty.json", doc, "\"nl\"", "\"next\" is empty");

    lang_json(other, sizeof other, "sideways", NULL, NULL, NULL);
    snprintf(doc, sizeof doc, "{\"en\": %s, \"tr\": %s}", en, other);
    expect_error("dir.json", doc, "\"tr\"", "\"dir\" must be \"ltr\" or \"rtl\"");

    lang_json(other, sizeof other, "ltr", NULL, "choose_up_to", "Kies er een paar");
    snprintf(doc, sizeof doc, "{\"en\": %s, \"nl\": %s}", en, other);
    expect_error("template.json", doc, "\"choose_up_to\"", "{n}");

    lang_json(other, sizeof other, "ltr", NULL, NULL, NULL);
    other[strlen(other) - 1] = '\0'; /* reopen pl's object to add an unknown key */
    snprintf(doc, sizeof doc, "{\"en\": %s, \"pl\": %s, \"nxet\": \"Dalej\"}}", en, other);
    expect_error("unknown.json", doc, "\"pl\"", "unknown key \"nxet\"");

    lang_json(other, sizeof other, "ltr", NULL, NULL, NULL);
    snprintf(doc, sizeof doc, "{\"nl\": %s}", other);
    expect_error("noenglish.json", doc, "\"en\" is missing", NULL);

    expect_error("syntax.json", "{\"en\": {\n  \"next\": \"Next\",,\n}}", ":2:", NULL);
    expect_error("array.json", "[1, 2]", "object of languages", NULL);
    expect_error("badcode.json", "{\"EN GB\": {}}", "not a language code", NULL);
    expect_error("notobj.json", "{\"en\": \"English\"}", "\"en\"", "must be an object");
    expect_error("dup.json", "{\"en\": {}, \"en\": {}}", "duplicate", NULL);

    char err[256] = "";
    uistr *u = NULL;
    CHECK(uistr_load("/nonexistent/ui-strings.json", &u, err, sizeof err) == -1);
    CHECK(u == NULL);
    CHECKF(strstr(err, "/nonexistent/ui-strings.json") != NULL, "%s", err);

    /* The minimal complete file loads, and "ar" here is rtl because the file says so. */
    lang_json(other, sizeof other, "rtl", NULL, NULL, NULL);
    snprintf(doc, sizeof doc, "{\"en\": %s, \"ar\": %s}", en, other);
    char *path = write_tmp("good.json", doc);
    CHECKF(uistr_load(path, &u, err, sizeof err) == 0, "%s", err);
    CHECK(uistr_is_rtl(u, "ar") && !uistr_is_rtl(u, "en"));
    CHECK_STR(uistr_get(u, "ar", UISTR_NEXT), LANG_TEXT);
    uistr_free(u);
    free(path);
}

/* The pieces question sets use to check their own strings ("ui_strings") with the same rules. */
static void test_checks_for_sets(void)
{
    uistr_key k = UISTR_COUNT;
    CHECK(uistr_key_by_name("tap_to_start", &k) && k == UISTR_TAP_TO_START);
    CHECK(uistr_key_by_name("name", &k) && k == UISTR_LANGUAGE_NAME);
    CHECK(!uistr_key_by_name("dir", &k) && !uistr_key_by_name("nxt", &k));
    CHECK(!uistr_key_by_name(NULL, &k));
    for (int i = 0; i < UISTR_COUNT; i++)
        CHECK(uistr_key_by_name(uistr_key_name((uistr_key)i), &k) && (int)k == i);

    CHECK(uistr_check_value(UISTR_NEXT, "Xiga", 4) == NULL);
    CHECK_STR(uistr_check_value(UISTR_NEXT, NULL, 0), "must be a string");
    CHECK_STR(uistr_check_value(UISTR_NEXT, " \t", 2), "is empty");
    CHECK_STR(uistr_check_value(UISTR_NEXT, "a\0b", 3), "is too long or holds a NUL");
    CHECK(strstr(uistr_check_value(UISTR_CHOOSE_UP_TO, "Dooro ilaa", 10), "{n}") != NULL);
    CHECK(uistr_check_value(UISTR_CHOOSE_UP_TO, "Dooro ilaa {n}", 14) == NULL);
    CHECK(strstr(uistr_check_value(UISTR_STILL_THERE_BODY, "Taabo", 5), "{n}") != NULL);
    CHECK(strstr(uistr_check_value(UISTR_MAX_REACHED, "x", 1), "{n}") != NULL);
    CHECK(strstr(uistr_check_value(UISTR_CHOOSE_AT_LEAST, "x", 1), "{n}") != NULL);
    CHECK(strstr(uistr_check_value(UISTR_MORE_ANSWERS, "kale", 4), "{n}") != NULL);
    /* two numbers: this month's and the usual one */
    CHECK(strstr(uistr_check_value(UISTR_CARD_EXPECTED, "ka yar ({n})", 12), "{e}") != NULL);
    CHECK(strstr(uistr_check_value(UISTR_CARD_EXPECTED, "ka yar ({e})", 12), "{n}") != NULL);
    CHECK(uistr_check_value(UISTR_CARD_EXPECTED, "({n}; {e})", 10) == NULL);

    bool rtl = false;
    CHECK(uistr_parse_dir("rtl", &rtl) && rtl);
    CHECK(uistr_parse_dir("ltr", &rtl) && !rtl);
    CHECK(!uistr_parse_dir("RTL", &rtl) && !uistr_parse_dir(NULL, &rtl));

    char *path = test_src("assets/ui-strings.json");
    char err[512];
    uistr *u = NULL;
    CHECKF(uistr_load(path, &u, err, sizeof err) == 0, "%s", err);
    CHECK(uistr_n_languages(u) >= 6);
    CHECK_STR(uistr_language(u, 0), "nl");
    CHECK(uistr_language(u, uistr_n_languages(u)) == NULL && uistr_language(u, -1) == NULL);
    CHECK(uistr_n_languages(NULL) == 0 && uistr_language(NULL, 0) == NULL);
    uistr_free(u);
    free(path);
}

/* The collector's copy: the same file from memory, the same checks, the name in messages. */
static void test_load_buffer(void)
{
    char *path = test_src("assets/ui-strings.json");
    char *data = NULL, err[512] = "";
    size_t len = 0;
    CHECKF(wp_read_file(path, 1 << 20, &data, &len, err, sizeof err) == 0, "%s", err);
    free(path);
    uistr *u = NULL;
    CHECKF(uistr_load_buffer("built in", data, len, &u, err, sizeof err) == 0, "%s", err);
    CHECK_STR(uistr_get(u, "nl", UISTR_SMILEY_2), "Slecht");
    CHECK(uistr_has_language(u, "uk") && uistr_is_rtl(u, "ar"));
    uistr_free(u);
    free(data);
    u = NULL;
    CHECK(uistr_load_buffer("built in", "{\"en\": {\"dir\": \"ltr\"}}", 22, &u, err, sizeof err) ==
              -1 &&
          u == NULL);
    CHECKF(strstr(err, "built in: language \"en\": missing key") != NULL, "%s", err);
}

/* The words built into the programs are the shipped file's, language by language and key by
 * key, in the file's order; a table that breaks a rule is refused as the file would be. */
static void test_builtin_is_the_file(void)
{
    char *path = test_src("assets/ui-strings.json");
    char err[512] = "";
    uistr *f = NULL, *b = NULL;
    CHECKF(uistr_load(path, &f, err, sizeof err) == 0, "%s", err);
    CHECKF(uistr_load_builtin(&b, err, sizeof err) == 0, "%s", err);
    free(path);
    if (f && b) {
        CHECKF(uistr_n_languages(b) == uistr_n_languages(f), "%d languages built in, %d in file",
               uistr_n_languages(b), uistr_n_languages(f));
        for (int i = 0; i < uistr_n_languages(f); i++) {
            const char *l = uistr_language(f, i);
            CHECK_STR(uistr_language(b, i), l);
            CHECKF(uistr_is_rtl(b, l) == uistr_is_rtl(f, l), "%s dir", l);
            for (int k = 0; k < UISTR_COUNT; k++)
                CHECKF(!strcmp(uistr_get(b, l, (uistr_key)k), uistr_get(f, l, (uistr_key)k)),
                       "%s/%s differs from the file", l, uistr_key_name((uistr_key)k));
        }
    }
    uistr_free(f);
    uistr_free(b);
}

int main(void)
{
    RUN(test_shipped_file_complete);
    RUN(test_fallback_and_rtl);
    RUN(test_key_names);
    RUN(test_optional_months_alone);
    RUN(test_format);
    RUN(test_broken_files);
    RUN(test_checks_for_sets);
    RUN(test_load_buffer);
    RUN(test_builtin_is_the_file);
    return test_main();
}
