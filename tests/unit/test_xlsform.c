/* XLSForm CSV to question sets: a realistic LibreOffice export (semicolons, byte-order mark,
 * CRLF, line breaks inside quotes, Arabic) becomes a set that validates; mistakes are reported
 * with file, row and column. */
#include "qset.h"
#include "testlib.h"
#include "util.h"
#include "xlsform.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static qset *load(const char *json, size_t len)
{
    qset *qs = NULL;
    qset_diag d;
    memset(&d, 0, sizeof d);
    uistr *ui = test_strings();
    if (qset_load_buffer(json, len, "out.json", ".", ui, &qs, &d) != 0) {
        for (int i = 0; i < d.n; i++)
            fprintf(stderr, "  %s\n", d.msg[i]);
        qs = NULL;
    }
    uistr_free(ui);
    return qs;
}

static void test_csv_reader(void)
{
    static const char text[] = "\xef\xbb\xbf"
                               "a;b;c\r\n"
                               "1;\"two; with \"\"quotes\"\"\";\"line one\r\nline two\"\r\n"
                               "x; y ;\r\n"
                               ";;\r\n"
                               "last;row;\"\"";
    xlsform_csv *c = NULL;
    char err[WP_ERR_LEN] = "";
    CHECKF(xlsform_csv_parse(text, sizeof text - 1, "t.csv", &c, err, sizeof err) == 0, "%s", err);
    if (!c)
        return;
    CHECK(xlsform_csv_separator(c) == ';');
    CHECK(xlsform_csv_rows(c) == 5);
    CHECK_STR(xlsform_csv_cell(c, 0, 0), "a"); /* no BOM in the first header */
    CHECK_STR(xlsform_csv_cell(c, 1, 1), "two; with \"quotes\"");
    CHECK_STR(xlsform_csv_cell(c, 1, 2), "line one\nline two");
    CHECK_STR(xlsform_csv_cell(c, 2, 1), "y");
    CHECK(xlsform_csv_cols(c, 2) == 3);
    CHECK_STR(xlsform_csv_cell(c, 2, 2), "");
    CHECK_STR(xlsform_csv_cell(c, 4, 2), "");
    CHECK_STR(xlsform_csv_cell(c, 9, 9), "");
    xlsform_csv_free(c);

    /* Comma, LF, no BOM. */
    CHECK(xlsform_csv_parse("a,b\n1,\"2,3\"\n", 12, "t.csv", &c, err, sizeof err) == 0);
    if (c) {
        CHECK(xlsform_csv_separator(c) == ',' && xlsform_csv_rows(c) == 2);
        CHECK_STR(xlsform_csv_cell(c, 1, 1), "2,3");
    }
    xlsform_csv_free(c);
    /* An unclosed quote names the row where the record starts. */
    CHECK(xlsform_csv_parse("a,b\n1,2\n3,\"oops\n4,5\n", 20, "t.csv", &c, err, sizeof err) != 0);
    CHECKF(strstr(err, "t.csv:3:") && strstr(err, "not closed"), "%s", err);
    /* Latin-1 text (a sheet not saved as UTF-8). */
    CHECK(xlsform_csv_parse("name,label::nl\nq,caf\xe9\n", 21, "t.csv", &c, err, sizeof err) != 0);
    CHECKF(strstr(err, "t.csv:2: column \"label::nl\": not valid UTF-8"), "%s", err);
    /* UTF-16 is refused in words. */
    CHECK(xlsform_csv_parse("a\0b\0", 4, "t.csv", &c, err, sizeof err) != 0 &&
          strstr(err, "UTF-8"));
}

static void test_realistic_round_trip(void)
{
    char *sv = test_src("tests/staff/survey.csv"), *ch = test_src("tests/staff/choices.csv");
    char *st = test_src("tests/staff/settings.csv");
    uistr *ui = test_strings();
    xlsform_opts o = {NULL, 0, "wijk.json", NULL, ui, false, NULL};
    qset_diag d;
    memset(&d, 0, sizeof d);
    char *json = NULL;
    size_t len = 0;
    int rc = xlsform_convert_files(sv, ch, st, NULL, &o, &json, &len, &d);
    for (int i = 0; i < d.n; i++)
        fprintf(stderr, "  %s\n", d.msg[i]);
    CHECK(rc == 0 && json && len == strlen(json) && json[len - 1] == '\n');
    qset *qs = json ? load(json, len) : NULL;
    CHECK(qs != NULL);
    if (qs) {
        CHECK_STR(qset_id(qs), "wijkpeil-test-2027");
        CHECK(qset_version(qs) == 3);
        CHECK(qset_n_languages(qs) == 3);
        CHECK_STR(qset_language(qs, 0), "nl");
        CHECK_STR(qset_language(qs, 2), "ar");
        CHECK_STR(qset_title(qs)->s[2], "كيف حال حيّك؟");
        CHECK_STR(qset_welcome(qs)->s[0],
                  "Welkom bij de wijkpeiling!\nHet duurt ongeveer 3 minuten.");
        CHECK_STR(qset_thanks(qs)->s[1], "Thank you!");
        CHECK(qset_n_questions(qs) == 6); /* metadata rows start/end skipped */
        const qset_question *q = qset_question_at(qs, 0);
        CHECK(q->type == QSET_SMILEY && q->required);
        q = qset_question_at(qs, 1);
        CHECK(q->type == QSET_SINGLE && q->n_options == 3 && q->show_if_question == 0);
        CHECK(q->show_if_mask == 0x3); /* smiley "1" and "2" */
        q = qset_question_at(qs, 2);
        CHECK(q->type == QSET_MULTI && q->max == 3 && q->n_options == 4 && !q->required);
        CHECK(q->options[0].icon && !strcmp(q->options[0].icon, "money"));
        q = qset_question_at(qs, 3);
        CHECK(q->type == QSET_SCALE && q->min == 0 && q->max == 10 && q->required);
        q = qset_question_at(qs, 4);
        CHECK_STR(q->text.s[0], "Wilt u hulp bij \"geldzaken\"; zoals een formulier?");
        CHECK(q->show_if_question == 2 && q->show_if_mask == 0x3); /* geld, werk */
        q = qset_question_at(qs, 5);
        CHECK(q->type == QSET_YESNO && q->prefer_not && q->required);
    }
    qset_free(qs);
    free(json);

    /* Without settings: --id and --version; the title falls back to the file name, humanised
     * (never the id, which residents would read). */
    memset(&d, 0, sizeof d);
    o.id = "zonder-settings";
    o.version = 7;
    CHECK(xlsform_convert_files(sv, ch, NULL, NULL, &o, &json, &len, &d) == 0);
    qs = json ? load(json, len) : NULL;
    if (qs) {
        CHECK_STR(qset_id(qs), "zonder-settings");
        CHECK(qset_version(qs) == 7);
        CHECK_STR(qset_title(qs)->s[0], "Survey");
    }
    qset_free(qs);
    free(json);
    free(sv), free(ch), free(st);
    uistr_free(ui);
}

/* Converts inline CSV (comma, LF) and returns the first message, or "" on success. */
static const char *convert_err(const char *survey, const char *choices, const char *id)
{
    static qset_diag d;
    xlsform_csv *s = NULL, *c = NULL;
    char err[WP_ERR_LEN];
    static char first[QSET_DIAG_LEN];
    memset(&d, 0, sizeof d);
    first[0] = '\0';
    if (xlsform_csv_parse(survey, strlen(survey), "survey.csv", &s, err, sizeof err) != 0 ||
        xlsform_csv_parse(choices, strlen(choices), "choices.csv", &c, err, sizeof err) != 0) {
        wp_strlcpy(first, err, sizeof first);
        goto done;
    }
    uistr *ui = test_strings();
    xlsform_opts o = {id, 0, "set.json", NULL, ui, false, NULL};
    char *json = NULL;
    if (xlsform_convert(s, "survey.csv", c, "choices.csv", NULL, NULL, NULL, NULL, &o, &json, NULL,
                        &d) != 0)
        wp_strlcpy(first, d.n > 0 ? d.msg[0] : "(failed without a message)", sizeof first);
    free(json);
    uistr_free(ui);
done:
    xlsform_csv_free(s);
    xlsform_csv_free(c);
    return first;
}

#define HDR     "type,name,label::nl,label::en,relevant,required,parameters\n"
#define CHOICES "list_name,name,label::nl,label::en\nkleur,rood,Rood,Red\nkleur,blauw,Blauw,Blue\n"

static void expect(const char *survey, const char *want)
{
    const char *got = convert_err(survey, CHOICES, "t");
    CHECKF(strstr(got, want) != NULL, "want \"%s\", got \"%s\"", want, got);
}

static void test_errors_name_row_and_column(void)
{
    /* A clean one first: defaults of range, relevant with "or", comma separated. */
    CHECK_STR(convert_err(HDR "select_one kleur,k,Kleur?,Colour?,,yes,\n"
                              "range,r,Cijfer?,Mark?,\"${k} = 'rood' or ${k}='blauw'\",,\n",
                          CHOICES, "t"),
              "");
    expect(HDR "smiley,a,A?,A?,,,\nsmiley,b,B?,B?,${a} > 3,,\n",
           "survey.csv:3: column \"relevant\": cannot express \"${a} > 3\" as show_if");
    expect(HDR "smiley,a,A?,A?,,,\nsmiley,b,B?,B?,,,\nsmiley,c,C?,C?,${a} = '1' or ${b} = '1',,\n",
           "survey.csv:4: column \"relevant\": cannot express");
    expect(HDR "smiley,a,A?,A?,,,\nsmiley,c,C?,C?,${a} = '1' and ${a} = '2',,\n",
           "survey.csv:3: column \"relevant\"");
    expect(HDR "smiley,a,A?,A?,${b} = '1',,\nsmiley,b,B?,B?,,,\n",
           "survey.csv:2: column \"relevant\": ${b} is not a question above this one");
    expect(HDR "select_one kleur,k,K?,K?,,,\nsmiley,b,B?,B?,\"selected(${k}, 'groen')\",,\n",
           "survey.csv:3: column \"relevant\": 'groen' is not a choice of ${k}");
    /* A type the kiosk cannot ask (typing, computing) is skipped with a warning by row; an
     * unknown one (a typo) is an error. */
    expect(HDR "smiley,a,A?,A?,,,\nsmily,b,B?,B?,,,\n",
           "survey.csv:3: column \"type\": \"smily\" is not a question type");
    expect(HDR "smiley,a,A?,A?,,maybe,\n", "survey.csv:2: column \"required\": \"maybe\"");
    expect(HDR "range,a,A?,A?,,,start=0 end=10 step=2\n",
           "survey.csv:2: column \"parameters\": step=2 is not supported");
    expect(HDR "range,a,A?,A?,,,start=zero\n", "survey.csv:2: column \"parameters\": start");
    expect(HDR "select_one dieren,a,A?,A?,,,\n",
           "survey.csv:2: column \"type\": no choices with list_name \"dieren\"");
    expect(HDR "smiley,a,A?,A?,,,\nsmiley,b,B?,,,,\n", "survey.csv:3: column \"label::en\": empty");
    expect(HDR "smiley,,A?,A?,,,\n", "survey.csv:2: column \"name\": empty");
    expect(HDR "smiley,a,A?,A?,,,\nyesno,a,B?,B?,,,\n", "survey.csv:3: column \"name\": \"a\"");
    expect("type,label::nl\nsmiley,A?\n", "survey.csv:1: no column \"name\"");
    expect("type,name,label::Nederlands\nsmiley,a,A?\n",
           "survey.csv:1: column \"label::Nederlands\": put a language code");
    expect("type,name,label\nsmiley,a,A?\n", "survey.csv:1: column \"label\": say which language");
    expect(HDR "smiley,a,\"A?,A?\n", "survey.csv:2: a quoted field is not closed");
    expect(HDR "note,uitleg,Lees dit,Read this,,,\n", "survey.csv: no questions");
    expect(HDR "smiley,a,A?,A?,,,max=3\n", "survey.csv:2: column \"parameters\": \"max\"");
    /* The set loader's own checks still apply (here: too wide a scale). */
    expect(HDR "range,a,A?,A?,,,start=0 end=100\n", "a");
    CHECK(strstr(convert_err(HDR "range,a,A?,A?,,,start=0 end=100\n", CHOICES, "t"), "steps"));
    /* No id anywhere: the file name's stem (here "survey") is used, as pyxform does. */
    CHECK_STR(convert_err(HDR "smiley,a,A?,A?,,,\n", CHOICES, NULL), "");
    /* Choices that lack a language of the survey. */
    CHECK(strstr(convert_err(HDR "select_one kleur,k,K?,K?,,,\n",
                             "list_name,name,label::nl\nkleur,rood,Rood\n", "t"),
                 "choices.csv:1: no column label::en"));
    /* Every message names the file. */
    const char *m = convert_err(HDR "select_one kleur,k,K?,K?,,,\n",
                                "list_name,name,label::nl,label::en\nkleur,rood,Rood,\n", "t");
    CHECKF(strstr(m, "choices.csv:2: column \"label::en\": empty"), "%s", m);
}

static void test_label_language_forms(void)
{
    /* "label::English (en)", a language column left empty throughout is dropped, and
     * "label::pt_BR" style codes are normalised: to "pt-br", which the kiosk has no interface
     * strings for, so without a ui_strings sheet the result is refused, naming the survey's
     * column (not the JSON that was never written) and the sheet that gives them. */
    const char *survey = "type,name,label::Nederlands (nl),label::English (en),label::fr,"
                         "label::pt_BR\n"
                         "yesno,a,Ja?,Yes?,,Sim?\n";
    const char *known = "type,name,label::Nederlands (nl),label::English (en),label::fr\n"
                        "yesno,a,Ja?,Yes?,\n";
    xlsform_csv *s = NULL, *k = NULL, *c = NULL;
    char err[WP_ERR_LEN];
    uistr *ui = test_strings();
    CHECK(xlsform_csv_parse(survey, strlen(survey), "survey.csv", &s, err, sizeof err) == 0);
    CHECK(xlsform_csv_parse(known, strlen(known), "survey.csv", &k, err, sizeof err) == 0);
    CHECK(xlsform_csv_parse("list_name,name\n", 15, "choices.csv", &c, err, sizeof err) == 0);
    static qset_diag d;
    memset(&d, 0, sizeof d);
    xlsform_opts o = {"lang-test", 0, "set.json", NULL, ui, false, NULL};
    char *json = NULL;
    size_t len = 0;
    CHECK(xlsform_convert(s, "survey.csv", c, "choices.csv", NULL, NULL, NULL, NULL, &o, &json,
                          &len, &d) == -1);
    CHECKF(d.n == 1 &&
               strstr(d.msg[0], "survey.csv:1: column \"label::pt_BR\": the kiosk has no "
                                "interface strings for \"pt-br\"") &&
               strstr(d.msg[0], "--ui-strings"),
           "pt-br refused: %s", d.n ? d.msg[0] : "(no message)");
    free(json);
    json = NULL;
    memset(&d, 0, sizeof d);
    CHECK(xlsform_convert(k, "survey.csv", c, "choices.csv", NULL, NULL, NULL, NULL, &o, &json,
                          &len, &d) == 0);
    for (int i = 0; i < d.n; i++)
        fprintf(stderr, "  %s\n", d.msg[i]);
    qset *qs = json ? load(json, len) : NULL;
    if (qs) {
        CHECK(qset_n_languages(qs) == 2);
        CHECK_STR(qset_language(qs, 1), "en");
    }
    qset_free(qs);
    free(json);
    xlsform_csv_free(s);
    xlsform_csv_free(k);
    xlsform_csv_free(c);
    uistr_free(ui);
}

/* Converts survey/choices/settings/ui_strings text (settings, uisheet may be NULL) with the
 * given survey file name; warnings and errors are returned in *warn and *err (static), the set
 * (or NULL) loaded. */
static qset *convert_sheets(const char *sname, const char *survey, const char *choices,
                            const char *settings, const char *uisheet, bool strict,
                            qset_diag **warn, qset_diag **err)
{
    static qset_diag w, d;
    memset(&w, 0, sizeof w);
    memset(&d, 0, sizeof d);
    *warn = &w;
    *err = &d;
    xlsform_csv *s = NULL, *c = NULL, *t = NULL, *u = NULL;
    char e[WP_ERR_LEN];
    CHECK(xlsform_csv_parse(survey, strlen(survey), sname, &s, e, sizeof e) == 0);
    if (uisheet)
        CHECK(xlsform_csv_parse(uisheet, strlen(uisheet), "ui_strings.csv", &u, e, sizeof e) == 0);
    CHECK(xlsform_csv_parse(choices, strlen(choices), "choices.csv", &c, e, sizeof e) == 0);
    if (settings)
        CHECK(xlsform_csv_parse(settings, strlen(settings), "settings.csv", &t, e, sizeof e) == 0);
    uistr *ui = test_strings();
    char *base = test_src("tests/qsets");
    xlsform_opts o = {NULL, 0, "set.json", base, ui, strict, &w};
    char *json = NULL;
    size_t len = 0;
    qset *qs = NULL;
    if (xlsform_convert(s, sname, c, "choices.csv", t, "settings.csv", u, "ui_strings.csv", &o,
                        &json, &len, &d) == 0)
        CHECK(qset_load_buffer(json, len, "set.json", base, ui, &qs, NULL) == 0);
    free(json);
    free(base);
    uistr_free(ui);
    xlsform_csv_free(s);
    xlsform_csv_free(c);
    xlsform_csv_free(t);
    xlsform_csv_free(u);
    return qs;
}

static qset *convert_named(const char *sname, const char *survey, const char *choices,
                           const char *settings, bool strict, qset_diag **warn, qset_diag **err)
{
    return convert_sheets(sname, survey, choices, settings, NULL, strict, warn, err);
}

static bool diag_has(const qset_diag *d, const char *want);

/* Column "share" and the settings' "thanks_share" become the set's "share" and "thanks_share". */
static void test_share_column(void)
{
    qset_diag *w, *e;
    qset *qs = convert_named("survey.csv",
                             "type,name,label::nl,label::en,share\n"
                             "select_one kleur,k,Kleur?,Colour?,yes\n"
                             "smiley,s,Blij?,Happy?,\n"
                             "note,n,Lees,Read,no\n",
                             CHOICES, "form_id,form_title,thanks_share\nt,T,k\n", false, &w, &e);
    CHECK(qs != NULL);
    if (qs) {
        CHECK(qset_question_at(qs, 0)->share);
        CHECK(!qset_question_at(qs, 1)->share);
        CHECK(qset_thanks_share(qs) == 0);
    }
    qset_free(qs);
    CHECK(strstr(convert_err("type,name,label::nl,label::en,share\nsmiley,a,A?,A?,misschien\n",
                             CHOICES, "t"),
                 "survey.csv:2: column \"share\": \"misschien\" must be yes or no"));
}

static bool diag_has(const qset_diag *d, const char *want)
{
    for (int i = 0; i < d->n; i++)
        if (strstr(d->msg[i], want))
            return true;
    return false;
}

static void dump(const char *what, const qset_diag *d)
{
    for (int i = 0; i < d->n; i++)
        fprintf(stderr, "  %s: %s\n", what, d->msg[i]);
}

#define CHECK_DIAG(d, want)                                                                        \
    do {                                                                                           \
        if (!diag_has((d), (want))) {                                                              \
            CHECKF(false, "no message containing \"%s\"", (want));                                 \
            dump("have", (d));                                                                     \
        }                                                                                          \
    } while (0)

/* A form as ODK/Kobo users write it: plain label/hint in the default language (given by name),
 * id_string, =NOW() saved as its value, curly quotes and a non-breaking space from Excel's
 * autocorrect, "and"/"!="/not() in relevant, TRUE and true() in required, a note, a group with
 * an instruction, appearance, clips and images. */
#define REAL_SURVEY                                                                                \
    "type,name,label,label::English (en),hint,hint::English (en),relevant,required,appearance,"    \
    "media::image,audio,constraint\n"                                                              \
    "start,start,,,,,,,,,,\n"                                                                      \
    "note,intro,Lees dit eerst,Read this first,,,,,,,,\n"                                          \
    "begin group,g1,1 = slecht; 5 = goed,1 = bad; 5 = good,,,,,field-list,,,\n"                    \
    "select_one kleur,k,Welke kleur?,Which colour?,Kies er een,Choose one,,TRUE,,,"                \
    "clips/q1-nl.wav,\n"                                                                           \
    "smiley,s,Blij?,Happy?,,,\"${k} != \xe2\x80\x98rood\xe2\x80\x99 and${k}\xc2\xa0!= 'groen'\","  \
    "true(),likert,foto.jpg,,. > 2\n"                                                              \
    "yesno,y,Echt?,Really?,Alleen nl,,\"not(selected(${k}, 'rood'))\",yes,,,,\n"                   \
    "end group,,,,,,,,,,,\n"
#define REAL_CHOICES                                                                               \
    "list_name,name,label,label::English (en),media::image\n"                                      \
    "kleur,rood,Rood,Red,money.png\nkleur,groen,Groen,Green,\nkleur,blauw,Blauw,Blue,\n"
#define REAL_SETTINGS                                                                              \
    "id_string,version,default_language\nbiomassa-2024,2024-03-05 14:22:10,Nederlands\n"

static void test_real_form_honoured_and_warned(void)
{
    qset_diag *w, *d;
    qset *qs = convert_named("forms/UCL_Biomass_Plot_Form-survey.csv", REAL_SURVEY, REAL_CHOICES,
                             REAL_SETTINGS, false, &w, &d);
    dump("error", d);
    CHECK(qs != NULL);
    if (qs) {
        CHECK_STR(qset_id(qs), "biomassa-2024");                  /* id_string */
        CHECK_STR(qset_title(qs)->s[0], "UCL Biomass Plot Form"); /* the file, never the id */
        CHECK(qset_version(qs) == 12716063);                      /* minutes since 2000 */
        CHECK(qset_version_text(qs) && !strcmp(qset_version_text(qs), "2024-03-05 14:22:10"));
        CHECK(qset_n_languages(qs) == 2);
        CHECK_STR(qset_language(qs, 0), "nl"); /* plain label = default_language by name */
        CHECK(qset_n_questions(qs) == 4);      /* the note is a screen of its own */
        const qset_question *n = qset_question_at(qs, 0);
        CHECK(n->type == QSET_NOTE && n->n_options == 0 && !n->required);
        CHECK_STR(n->id, "intro");
        CHECK_STR(n->text.s[0], "Lees dit eerst");
        CHECK_STR(n->text.s[1], "Read this first");
        const qset_question *k = qset_question_at(qs, 1);
        CHECK_STR(k->text.s[0], "Welke kleur?");
        CHECK(k->hint.s[0] && !strcmp(k->hint.s[0], "Kies er een"));
        CHECK(k->hint.s[1] && !strcmp(k->hint.s[1], "Choose one"));
        CHECK(k->required);
        CHECK(k->text.audio[0] && strstr(k->text.audio[0], "clips/q1-nl.wav"));
        CHECK(k->options[0].icon && !strcmp(k->options[0].icon, "money"));
        const qset_question *s = qset_question_at(qs, 2);
        CHECK(s->type == QSET_SMILEY); /* likert on a smiley: warned, not honoured */
        CHECK(s->required && s->show_if_question == 1);
        CHECK(s->show_if_mask == 0x4); /* not rood and not groen: blauw */
        const qset_question *y = qset_question_at(qs, 3);
        CHECK(y->required && y->show_if_question == 1 && y->show_if_mask == 0x6);
        CHECK(y->hint.s[0] == NULL); /* only in one language: warned, not shown */
    }
    qset_free(qs);
    /* Each thing the kiosk cannot honour is named with its row. */
    CHECK_DIAG(w, "UCL_Biomass_Plot_Form-survey.csv:2: column \"type\": \"start\" skipped");
    CHECK(!diag_has(w, "survey.csv:3:")); /* the note is honoured */
    CHECK_DIAG(w, "UCL_Biomass_Plot_Form-survey.csv:4: column \"label\": the group's label is "
                  "not shown");
    CHECK_DIAG(w, "UCL_Biomass_Plot_Form-survey.csv:4: column \"appearance\": \"field-list\"");
    CHECK_DIAG(w, "UCL_Biomass_Plot_Form-survey.csv:6: column \"appearance\": \"likert\"");
    CHECK_DIAG(w, "UCL_Biomass_Plot_Form-survey.csv:6: column \"media::image\": not used");
    CHECK_DIAG(w, "UCL_Biomass_Plot_Form-survey.csv:6: column \"constraint\": not used");
    CHECK_DIAG(w, "UCL_Biomass_Plot_Form-survey.csv:7: column \"hint\": the hint is not shown: it "
                  "has no text for en");
    CHECK_DIAG(w, "settings.csv: no form_title: the title residents read is \"UCL Biomass Plot "
                  "Form\"");

    /* --strict: the same warnings are errors and nothing is written. */
    qs = convert_named("forms/UCL_Biomass_Plot_Form-survey.csv", REAL_SURVEY, REAL_CHOICES,
                       REAL_SETTINGS, true, &w, &d);
    CHECK(qs == NULL && w->n == 0);
    CHECK_DIAG(d, "UCL_Biomass_Plot_Form-survey.csv:2: column \"type\": \"start\" skipped (the "
                  "kiosk records no metadata) (an error with --strict)");
    qset_free(qs);
}

/* Markdown in labels, hints and choices (as in the German survey's notes) is parsed with
 * libcmark: residents read plain text, never the markup, and each removal is warned at its
 * row and column; texts without markup stay as written. */
/* A type the kiosk cannot ask (typing, computing) is a warning by row and its row is left out;
 * the rest of the form converts. */
static void test_types_not_asked(void)
{
    qset_diag *w, *d;
    qset *qs = convert_sheets("survey.csv",
                              HDR "smiley,a,A?,A?,,,\ntext,opmerking,Nog iets?,Anything else?,,,\n"
                                  "calculate,som,,,,,\ninteger,leeftijd,Leeftijd?,Age?,,yes,\n",
                              CHOICES, "form_id\nt\n", NULL, false, &w, &d);
    dump("error", d);
    CHECK(qs && qset_n_questions(qs) == 1);
    CHECK_DIAG(w, "survey.csv:3: column \"type\": \"text\" skipped, with its question "
                  "\"opmerking\"");
    CHECK_DIAG(w, "survey.csv:4: column \"type\": \"calculate\" skipped");
    CHECK_DIAG(w, "survey.csv:5: column \"type\": \"integer\" skipped");
    qset_free(qs);
}

static void test_markdown_plain_and_warned(void)
{
    qset_diag *w, *d;
    qset *qs =
        convert_named("md-survey.csv",
                      "type,name,label::de,label::en,hint::de,hint::en\n"
                      "select_one j,a,Wie **oft** sind Sie hier?,How *often* are you here?,"
                      "\"Siehe [Webseite](https://example.org)\",Plain hint\n"
                      "smiley,b,\"# Zufrieden?\",Happy?,,\n"
                      "smiley,c,\"1 = gar nicht, 5 = sehr\",\"1 = not at all, 5 = very\",,\n",
                      "list_name,name,label::de,label::en\nj,ja,__Ja__,Yes\nj,nein,Nein,No\n", NULL,
                      false, &w, &d);
    dump("error", d);
    CHECK(qs != NULL);
    if (qs) {
        const qset_question *a = qset_question_at(qs, 0);
        CHECK_STR(a->text.s[0], "Wie oft sind Sie hier?");
        CHECK_STR(a->text.s[1], "How often are you here?");
        CHECK(a->hint.s[0] && !strcmp(a->hint.s[0], "Siehe Webseite"));
        CHECK(a->hint.s[1] && !strcmp(a->hint.s[1], "Plain hint"));
        CHECK_STR(a->options[0].text.s[0], "Ja");
        CHECK_STR(qset_question_at(qs, 1)->text.s[0], "Zufrieden?");
        CHECK_STR(qset_question_at(qs, 2)->text.s[0], "1 = gar nicht, 5 = sehr");
    }
    qset_free(qs);
    CHECK_DIAG(w, "md-survey.csv:2: column \"label::de\": Markdown shown as plain text: emphasis");
    CHECK_DIAG(w, "md-survey.csv:2: column \"label::en\": Markdown shown as plain text: emphasis");
    CHECK_DIAG(w, "md-survey.csv:2: column \"hint::de\": Markdown shown as plain text: a link");
    CHECK_DIAG(w, "md-survey.csv:3: column \"label::de\": Markdown shown as plain text: a heading");
    CHECK_DIAG(w, "choices.csv:2: column \"label::de\": Markdown shown as plain text: emphasis");
    CHECK(!diag_has(w, "md-survey.csv:4:") && !diag_has(w, "hint::en"));
}

/* A broken form: every problem in one run, each in the CSV's row and column, also those the
 * question-set loader finds on the converted JSON. */
static void test_broken_form_all_at_once(void)
{
    char longtext[500];
    memset(longtext, 'x', 450);
    longtext[450] = '\0';
    char survey[4096], choices[4096], settings[1024];
    snprintf(survey, sizeof survey,
             "type,name,label::nl,relevant,parameters\n"
             "select_one veel,\xc3\xbc,Vraag?,,\n"       /* row 2: invalid id */
             "range,r,Cijfer?,,start=0 end=20\n"         /* row 3: 21 steps */
             "smiley,s,%s,,\n"                           /* row 4: too long */
             "smiley,t,T?,${s} = '9',\n"                 /* row 5: no such answer */
             "smiley,u,U?,${s} = '1' and ${r} = '2',\n", /* row 6: two questions */
             longtext);
    size_t n = (size_t)snprintf(choices, sizeof choices, "list_name,name,label::nl,icon\n");
    for (int i = 1; i <= 13; i++)
        n += (size_t)snprintf(choices + n, sizeof choices - n, "veel,o%d,Optie %d,%s\n", i, i,
                              i == 2 ? "Geld!" : "");
    snprintf(settings, sizeof settings, "form_id,version,welcome::nl\nmijn set,1,%s\n", longtext);
    qset_diag *w, *d;
    qset *qs = convert_named("survey.csv", survey, choices, settings, false, &w, &d);
    CHECK(qs == NULL);
    CHECK_DIAG(d, "survey.csv:2: column \"name\": \"\xc3\xbc\" is not a valid name");
    CHECK_DIAG(d, "survey.csv:2: column \"type\": list \"veel\" has 13 choices (choices.csv rows "
                  "2-14), at most 12");
    CHECK_DIAG(d, "choices.csv:3: column \"icon\": \"Geld!\" is not an icon name");
    CHECK_DIAG(d, "survey.csv:3: column \"parameters\": start=0 end=20 has 21 steps");
    CHECK_DIAG(d, "survey.csv:4: column \"label::nl\": too long for one screen (450 characters");
    CHECK_DIAG(d, "survey.csv:5: column \"relevant\": '9' is not an answer of ${s}");
    CHECK_DIAG(d, "survey.csv:6: column \"relevant\": cannot express");
    CHECK_DIAG(d, "settings.csv:2: column \"welcome::nl\": too long for one screen");
    CHECK_DIAG(d, "settings.csv:2: column \"form_id\": \"mijn set\" is not a valid set id");
    for (int i = 0; i < d->n; i++) /* nothing names the JSON that was never written */
        CHECKF(!strstr(d->msg[i], "set.json"), "%s", d->msg[i]);

    /* A question whose name is taken is still checked whole: its list's empty label is found
     * in the same run, not after the name is fixed (a tester's spreadsheet). */
    qs = convert_named("survey.csv",
                       "type,name,label::nl,label::ar\nsmiley,a,A?,أ؟\n"
                       "select_multiple beter,a,B?,ب؟\n",
                       "list_name,name,label::nl,label::ar\nbeter,x,X,س\nbeter,y,Y,\n", NULL, false,
                       &w, &d);
    CHECK(qs == NULL);
    CHECK_DIAG(d, "survey.csv:3: column \"name\": \"a\" is used by an earlier question");
    CHECK_DIAG(d, "choices.csv:3: column \"label::ar\": empty");

    /* A problem only the loader sees (a clip that is not there) is named by its survey row. */
    qs = convert_named("survey.csv",
                       "type,name,label::nl,audio::nl\nsmiley,a,A?,\nsmiley,b,B?,"
                       "clips/nope.wav\n",
                       "list_name,name,label::nl\n", NULL, false, &w, &d);
    CHECK(qs == NULL);
    CHECK_DIAG(d,
               "survey.csv:3: question \"b\": \"text_audio\" for \"nl\": clip \"clips/nope.wav\" "
               "not found");
}

/* Notes and likert through the type table: a note row (with hint, relevant and a needless
 * required) becomes an information screen, select_one with appearance likert a likert
 * question; a relevant that looks at a note is an error naming its row. */
static void test_note_and_likert(void)
{
    static const char survey[] =
        "type,name,label::nl,label::en,hint::nl,hint::en,relevant,required,appearance\n"
        "note,intro,Lees dit eerst,Read this first,Rustig aan,Take your time,,,\n"
        "select_one eens,e,Eens?,Agree?,,,,yes,Likert\n"
        "note,jammer,Jammer,Sorry,,,${e} = 'oneens',yes,\n"
        "select_one eens,f,Nog eens?,Again?,,,,,quick\n";
    static const char choices[] =
        "list_name,name,label::nl,label::en\neens,oneens,Oneens,Disagree\n"
        "eens,neutraal,Neutraal,Neutral\neens,eens,Eens,Agree\n";
    qset_diag *w, *d;
    qset *qs = convert_named("survey.csv", survey, choices, NULL, false, &w, &d);
    dump("error", d);
    CHECK(qs != NULL);
    if (qs) {
        CHECK(qset_n_questions(qs) == 4);
        const qset_question *n = qset_question_at(qs, 0);
        CHECK(n->type == QSET_NOTE && n->n_options == 0);
        CHECK_STR(n->text.s[1], "Read this first");
        CHECK(n->hint.s[0] && !strcmp(n->hint.s[0], "Rustig aan"));
        const qset_question *e = qset_question_at(qs, 1);
        CHECK(e->type == QSET_LIKERT && e->n_options == 3 && e->required);
        const qset_question *j = qset_question_at(qs, 2);
        CHECK(j->type == QSET_NOTE && !j->required && j->show_if_question == 1 &&
              j->show_if_mask == 0x1);
        CHECK(qset_question_at(qs, 3)->type == QSET_SINGLE); /* another appearance */
    }
    qset_free(qs);
    CHECK(!diag_has(w, "survey.csv:2:")); /* the note: nothing to warn */
    CHECK(!diag_has(w, "survey.csv:3:")); /* likert honoured */
    CHECK_DIAG(w, "survey.csv:4: column \"required\": ignored (a note has no answer to require)");
    CHECK_DIAG(w, "survey.csv:5: column \"appearance\": \"quick\" is not honoured");

    /* A condition on a note, and a note with a list name: both named by row. */
    qs = convert_named("survey.csv",
                       "type,name,label::nl,label::en,relevant\n"
                       "note,intro,Lees,Read,\n"
                       "smiley,s,Blij?,Happy?,${intro} = 'ja'\n"
                       "note eens,n2,Lees,Read,\n",
                       choices, NULL, false, &w, &d);
    CHECK(qs == NULL);
    CHECK_DIAG(d, "survey.csv:3: column \"relevant\": ${intro} is a note: it has no answer to "
                  "look at");
    CHECK_DIAG(d, "survey.csv:4: column \"type\": \"note eens\": note takes no list name");
    qset_free(qs);
}

/* An ODK table: a "label" row (the header: its list's choices) and "list-nolabel" rows with the
 * same list in a field-list group become one matrix named by the header row; what cannot be
 * one is warned or refused by row and column. */
static void test_table_group(void)
{
    static const char survey[] =
        "type,name,label::nl,label::en,hint::nl,relevant,required,appearance\n"
        "smiley,blij,Blij?,Happy?,,,,\n"
        "begin group,tafel,,,,,,field-list\n"
        "select_one eens,kop,Kies,Choose,,,yes,label\n"
        "select_one eens,licht,Licht,Light,,${blij} = '1',,list-nolabel\n"
        "select_one eens,schoon,Schoon,Clean,,,yes,list-nolabel\n"
        "select_one eens,veilig,Veilig,Safe,,,,list-nolabel\n"
        "end group,,,,,,,\n"
        "begin group,los,,,,,,field-list\n"
        "select_one eens,kop2,,,,,,label\n"
        "select_one eens,alleen,Alleen,Alone,,,,list-nolabel\n"
        "end group,,,,,,,\n"
        "select_one eens,zonder,Zonder,Without,,,,list-nolabel\n";
    static const char choices[] =
        "list_name,name,label::nl,label::en\neens,oneens,Oneens,Disagree\n"
        "eens,neutraal,Neutraal,Neutral\neens,eens,Eens,Agree\n";
    qset_diag *w, *d;
    qset *qs = convert_named("survey.csv", survey, choices, NULL, false, &w, &d);
    dump("error", d);
    CHECK(qs != NULL);
    if (qs) {
        CHECK(qset_n_questions(qs) == 6); /* the header rows are no questions */
        for (int i = 1; i <= 3; i++) {
            const qset_question *q = qset_question_at(qs, i);
            CHECK_STR(q->matrix, "kop");
            CHECK(q->type == QSET_SINGLE && q->matrix_first == 1 && q->matrix_last == 3 &&
                  q->n_options == 3);
        }
        CHECK_STR(qset_question_at(qs, 1)->id, "licht");
        CHECK(qset_question_at(qs, 1)->show_if_question == 0);
        CHECK(qset_question_at(qs, 2)->required);
        CHECK(qset_question_at(qs, 4)->matrix == NULL); /* a table of one: apart */
        CHECK(qset_question_at(qs, 5)->matrix == NULL);
    }
    qset_free(qs);
    CHECK_DIAG(w, "survey.csv:4: column \"label::nl\": not shown (the table's header row shows "
                  "its choices only)");
    CHECK_DIAG(w, "survey.csv:4: column \"required\": ignored on a table's header row");
    CHECK(!diag_has(w, "survey.csv:5:") && !diag_has(w, "survey.csv:6:") &&
          !diag_has(w, "survey.csv:7:")); /* honoured */
    CHECK_DIAG(w, "survey.csv:10: column \"appearance\": \"label\" starts a table, but only one "
                  "row with appearance \"list-nolabel\" and list \"eens\" follows it");
    CHECK_DIAG(w, "survey.csv:13: column \"appearance\": \"list-nolabel\" without a row with "
                  "appearance \"label\" and list \"eens\" before it in its group");

    /* A condition within the table, a hint on a row, a condition on the header: refused at
     * once, by row and column. */
    qs = convert_named("survey.csv",
                       "type,name,label::nl,label::en,hint::nl,relevant,appearance\n"
                       "begin group,g,,,,,field-list\n"
                       "select_one eens,kop,,,,${x} = '1',label\n"
                       "select_one eens,a,A,A,,,list-nolabel\n"
                       "select_one eens,b,B,B,Hint,${a} = 'eens',list-nolabel\n"
                       "end group,,,,,,\n",
                       choices, NULL, false, &w, &d);
    CHECK(qs == NULL);
    CHECK_DIAG(d, "survey.csv:3: column \"relevant\": a table's header row cannot have a "
                  "condition");
    CHECK_DIAG(d, "survey.csv:5: column \"hint::nl\": a row of a table has no hint");
    CHECK_DIAG(d, "survey.csv:5: column \"relevant\": refers to \"a\" in the same table");
    qset_free(qs);
}

/* A scale's end words and their clips (low::LANG, high::LANG, low_audio::LANG, ...), and clips
 * on the poll's own texts (audio::LANG on the title/welcome/thanks note rows, or
 * title_audio::LANG ... on the settings): converted, not dropped; misplaced ones warned or
 * refused by row and column. */
#define ENDS_SURVEY                                                                                \
    "type,name,label::nl,label::en,audio::nl,low::nl,low::en,high,high::en,low_audio::nl,"         \
    "media::high_audio::nl\n"                                                                      \
    "note,title,Titel,Title,clips/q1-nl.wav,,,,,,\n"                                               \
    "note,welcome,Welkom,Welcome,clips/welkom-nl.wav,,,,,,\n"                                      \
    "range,cijfer,Cijfer?,Score?,,Slecht,Bad,Goed,Good,clips/q1-nl.wav,clips/welkom-nl.wav\n"      \
    "smiley,blij,Blij?,Happy?,,Niet,,,,,\n"                                                        \
    "note,thanks,Dank,Thanks,clips/welkom-nl.wav,,,,,,\n"

static void test_scale_ends_and_own_clips(void)
{
    qset_diag *w, *d;
    const char *settings = "form_id,default_language,instance_name\nends,nl,${naam}\n";
    qset *qs = convert_sheets("survey.csv", ENDS_SURVEY, "list_name,name\n", settings, NULL, false,
                              &w, &d);
    dump("error", d);
    CHECK(qs != NULL);
    if (qs) {
        const qset_question *q = qset_question_at(qs, 0);
        CHECK(q->type == QSET_SCALE);
        CHECK_STR(q->low.s[0], "Slecht");
        CHECK_STR(q->low.s[1], "Bad");
        CHECK_STR(q->high.s[0], "Goed"); /* plain "high": the default language */
        CHECK_STR(q->high.s[1], "Good");
        CHECK(q->low.audio[0] && strstr(q->low.audio[0], "clips/q1-nl.wav"));
        CHECK(q->high.audio[0] && strstr(q->high.audio[0], "clips/welkom-nl.wav"));
        CHECK(q->low.audio[1] == NULL);
        CHECK(qset_n_questions(qs) == 2);
        CHECK(qset_question_at(qs, 1)->low.s[0] == NULL);
        CHECK(qset_title(qs)->audio[0] && strstr(qset_title(qs)->audio[0], "clips/q1-nl.wav"));
        CHECK(qset_welcome(qs)->audio[0] &&
              strstr(qset_welcome(qs)->audio[0], "clips/welkom-nl.wav"));
        CHECK(qset_thanks(qs)->audio[0] && qset_thanks(qs)->audio[1] == NULL);
    }
    qset_free(qs);
    /* End words on a smiley, and a settings column the kiosk does not use: warned at the row. */
    CHECK_DIAG(w, "survey.csv:5: column \"low::nl\": ignored (only a range question has words "
                  "under its ends; this is a smiley)");
    CHECK_DIAG(w, "settings.csv:2: column \"instance_name\": not used by the kiosk");
    CHECK(w->n == 2);

    /* The settings' clips replace the note rows'; a clip for a text that is not there, a clip
     * without its words and a word missing in one language: all in one run, by row and column. */
    qs = convert_sheets("survey.csv",
                        "type,name,label::nl,label::en,low::nl,low::en,high_audio::nl\n"
                        "range,a,A?,A?,Laag,,clips/q1-nl.wav\n"
                        "note,title,Titel,Title,,,\n",
                        "list_name,name\n",
                        "form_id,title_audio::nl,welcome_audio::nl\n"
                        "ends,clips/welkom-nl.wav,clips/welkom-nl.wav\n",
                        NULL, false, &w, &d);
    CHECK(qs == NULL);
    CHECK_DIAG(d, "survey.csv:2: column \"low::en\": empty");
    CHECK_DIAG(d, "survey.csv:2: column \"high_audio::nl\": a clip without the words it reads");
    CHECK_DIAG(d, "settings.csv:2: column \"welcome_audio::nl\": a clip without the words it "
                  "reads");
    CHECK(d->n == 3);
    qset_free(qs);
    qs = convert_sheets("survey.csv",
                        "type,name,label::nl\nsmiley,a,A?\nnote,title,Titel\n"
                        "note,welcome,Welkom\n",
                        "list_name,name\n", "form_id,title_audio::nl\nends,clips/welkom-nl.wav\n",
                        NULL, false, &w, &d);
    CHECK(qs && qset_title(qs)->audio[0] && strstr(qset_title(qs)->audio[0], "welkom-nl.wav"));
    CHECK(qs && qset_welcome(qs)->audio[0] == NULL);
    qset_free(qs);
    /* A hint on the welcome note has nowhere to go: warned at its cell. */
    qs = convert_sheets(
        "survey.csv", "type,name,label::nl,hint::nl\nnote,welcome,Welkom,Lees dit\nsmiley,a,A?,\n",
        "list_name,name\n", "form_id\nends\n", NULL, false, &w, &d);
    CHECK(qs != NULL);
    CHECK_DIAG(w, "survey.csv:2: column \"hint::nl\": not shown (the welcome screen has no hint)");
    qset_free(qs);
    /* hint_audio::LANG: the hint's clip (read instead of speech), not a column warned away. */
    qs = convert_sheets("survey.csv",
                        "type,name,label::nl,hint::nl,hint_audio::nl\n"
                        "smiley,a,A?,Kies een gezicht,clips/q1-nl.wav\n",
                        "list_name,name\n", "form_id\nends\n", NULL, false, &w, &d);
    dump("error", d);
    CHECK(qs != NULL);
    CHECK(qs && qset_question_at(qs, 0)->hint.audio[0] &&
          strstr(qset_question_at(qs, 0)->hint.audio[0], "clips/q1-nl.wav"));
    CHECK(w->n == 1); /* no form_title only: no column warned */
    CHECK(w->n == 0 || !strstr(w->msg[0], "hint_audio"));
    qset_free(qs);
    qs = convert_sheets("survey.csv",
                        "type,name,label::nl,hint_audio::nl\nsmiley,a,A?,clips/q1-nl.wav\n",
                        "list_name,name\n", "form_id\nends\n", NULL, false, &w, &d);
    CHECK(qs == NULL);
    CHECK(d->n == 1);
    CHECK_DIAG(d, "survey.csv:2: question \"a\": \"hint_audio\" is given without \"hint\"");
    qset_free(qs);
}

/* The ui_strings sheet: column key, one label::LANG column per language. A language the kiosk
 * has no words for (here "so") gets all of them from it; a built-in language may replace a
 * few; mistakes come in one run by row and column. */
static char *ui_sheet(const uistr *ui, const char *skip, const char *broken, const char *extra)
{
    size_t cap = 16384, used = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    used += (size_t)snprintf(b + used, cap - used, "key,label::so,label::nl\nname,Soomaali,\n");
    used += (size_t)snprintf(b + used, cap - used, "dir,ltr,\n");
    for (int k = 1; k < UISTR_COUNT; k++) {
        const char *name = uistr_key_name((uistr_key)k);
        if (skip && !strcmp(name, skip))
            continue;
        bool br = broken && !strcmp(name, broken); /* its text lacks "{n}" */
        used += (size_t)snprintf(b + used, cap - used, "%s,\"%s\",%s\n", name,
                                 br ? "Dooro" : uistr_get(ui, "en", (uistr_key)k),
                                 k == UISTR_NEXT ? "Verder" : "");
    }
    snprintf(b + used, cap - used, "%s", extra);
    return b;
}

static void test_ui_strings_sheet(void)
{
    static const char survey[] = "type,name,label::nl,label::so\nyesno,a,Ja?,Haa?\n";
    uistr *ui = test_strings();
    if (!ui)
        return;
    qset_diag *w, *d;
    char *sheet = ui_sheet(ui, NULL, NULL, "");
    qset *qs = convert_sheets("survey.csv", survey, "list_name,name\n", NULL, sheet, false, &w, &d);
    dump("error", d);
    CHECK(qs != NULL);
    if (qs) {
        CHECK_STR(qset_ui_string(qs, ui, "so", UISTR_LANGUAGE_NAME), "Soomaali");
        CHECK_STR(qset_ui_string(qs, ui, "so", UISTR_YES), uistr_get(ui, "en", UISTR_YES));
        CHECK_STR(qset_ui_string(qs, ui, "nl", UISTR_NEXT), "Verder"); /* replaced */
        CHECK_STR(qset_ui_string(qs, ui, "nl", UISTR_BACK), uistr_get(ui, "nl", UISTR_BACK));
    }
    qset_free(qs);
    free(sheet);

    /* Every mistake in one run: an unknown key, a key twice, a bad dir, a template without
     * {n}, a language that is not the poll's, a key missing for "so", an unused column. */
    sheet = ui_sheet(ui, "thanks", "choose_up_to", "tap_to_strat,Taabo,\nyes,Haa,\n");
    char *p = strstr(sheet, "dir,ltr");
    if (p)
        memcpy(p, "dir,lr ", 7);
    char *q = strstr(sheet, "key,label::so,label::nl\n");
    if (q)
        memcpy(q, "key,label::so,label::fr\n", 24);
    char *bad = malloc(strlen(sheet) + 64);
    if (bad && q) {
        /* a column of notes for the translator: not used, warned */
        snprintf(bad, strlen(sheet) + 64, "%s", sheet);
        char *nl = strchr(bad, '\n');
        memmove(nl + 6, nl, strlen(nl) + 1);
        memcpy(nl, ",notes", 6);
        char *r2 = strchr(nl + 7, '\n');
        memmove(r2 + 8, r2, strlen(r2) + 1);
        memcpy(r2, ",in Somali", 8);
    }
    qs = convert_sheets("survey.csv", survey, "list_name,name\n", NULL, bad ? bad : sheet, false,
                        &w, &d);
    CHECK(qs == NULL);
    int n = UISTR_COUNT + 2; /* the first extra row: after header, name, dir and the keys */
    char want[256];
    CHECK_DIAG(d, "ui_strings.csv:1: column \"label::fr\": \"fr\" is not one of the languages");
    CHECK_DIAG(d, "ui_strings.csv:3: column \"label::so\": dir must be ltr or rtl, not \"lr\"");
    snprintf(want, sizeof want,
             "ui_strings.csv:%d: column \"key\": \"tap_to_strat\" is not an interface string", n);
    CHECK_DIAG(d, want);
    snprintf(want, sizeof want, "ui_strings.csv:%d: column \"key\": \"yes\" is given in an earlier",
             n + 1);
    CHECK_DIAG(d, want);
    snprintf(want, sizeof want,
             "ui_strings.csv:%d: column \"label::so\": choose_up_to must contain \"{n}\"",
             3 + UISTR_CHOOSE_UP_TO);
    CHECK_DIAG(d, want);
    CHECK_DIAG(d, "ui_strings.csv:1: column \"label::so\": the kiosk has no interface strings "
                  "for \"so\", so every key needs a text here; missing: thanks");
    CHECK_DIAG(w, "ui_strings.csv:2: column \"notes\": not used by the kiosk");
    CHECK(d->n == 6);
    qset_free(qs);
    free(bad);
    free(sheet);

    /* No column "key". */
    qs = convert_sheets("survey.csv", survey, "list_name,name\n", NULL, "name,label::so\n", false,
                        &w, &d);
    CHECK(qs == NULL);
    CHECK_DIAG(d, "ui_strings.csv:1: no column \"key\"");
    qset_free(qs);
    uistr_free(ui);
}

int main(void)
{
    RUN(test_csv_reader);
    RUN(test_realistic_round_trip);
    RUN(test_errors_name_row_and_column);
    RUN(test_label_language_forms);
    RUN(test_real_form_honoured_and_warned);
    RUN(test_broken_form_all_at_once);
    RUN(test_types_not_asked);
    RUN(test_markdown_plain_and_warned);
    RUN(test_note_and_likert);
    RUN(test_table_group);
    RUN(test_scale_ends_and_own_clips);
    RUN(test_ui_strings_sheet);
    RUN(test_share_column);
    return test_main();
}
