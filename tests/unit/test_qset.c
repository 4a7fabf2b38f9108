/* Question-set loader: the model of a valid set, and one exact message per kind of mistake. */
#include "qset.h"
#include "testlib.h"

#include <jansson.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The inline sets below are written with ' for " so they stay readable; dq() swaps them back. */
static char *dq(const char *s)
{
    char *r = strdup(s);
    for (char *p = r; *p; p++)
        if (*p == '\'')
            *p = '"';
    return r;
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECKF(f != NULL, "cannot write %s", path);
    if (!f)
        return;
    fwrite(data, 1, len, f);
    fclose(f);
}

/* True when some message of diag contains want. */
static bool diag_has(const qset_diag *d, const char *want)
{
    for (int i = 0; i < d->n; i++)
        if (strstr(d->msg[i], want))
            return true;
    return false;
}

static void dump_diag(const qset_diag *d)
{
    for (int i = 0; i < d->n; i++)
        fprintf(stderr, "    | %s\n", d->msg[i]);
}

/* ---- the valid fixture ---- */

static void test_valid_model(void)
{
    uistr *ui = test_strings();
    char *path = test_src("tests/qsets/valid-all.json");
    char *dir = test_src("tests/qsets");
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    int rc = qset_load_file(path, ui, &qs, d);
    CHECKF(rc == 0 && qs != NULL, "valid-all.json did not load (%d messages)", d->n);
    if (rc != 0)
        dump_diag(d);
    CHECK(d->n == 0);
    if (!qs)
        goto done;

    CHECK_STR(qset_id(qs), "test-alle-typen");
    CHECK(qset_version(qs) == 3);
    CHECK(qset_n_languages(qs) == 3);
    CHECK_STR(qset_language(qs, 0), "nl");
    CHECK_STR(qset_language(qs, 2), "ar");
    CHECK(qset_language(qs, 3) == NULL);
    CHECK(qset_language_index(qs, "en") == 1);
    CHECK(qset_language_index(qs, "de") == -1);
    CHECK_STR(qset_title(qs)->s[0], "Wonen in de wijk");
    CHECK_STR(qset_title(qs)->s[2], "السكن في الحي");
    CHECK_STR(qset_thanks(qs)->s[1], "Thank you.");
    CHECK(qset_title(qs)->audio[0] == NULL);
    const char *wa = qset_welcome(qs)->audio[0];
    CHECKF(wa && wa[0] == '/' && strstr(wa, "tests/qsets/clips/welkom-nl.wav"),
           "welcome clip resolved to an absolute path: %s", wa ? wa : "(null)");
    CHECK(qset_welcome(qs)->audio[1] == NULL);

    /* base dir is the absolute folder of the file */
    char real[4096];
    CHECK(realpath(dir, real) != NULL);
    CHECK_STR(qset_base_dir(qs), real);

    CHECK(qset_n_questions(qs) == 9);
    CHECK(qset_question_at(qs, 9) == NULL);
    CHECK(qset_find_question(qs, "cijfer") == 4);
    CHECK(qset_find_question(qs, "nope") == -1);

    const qset_question *q = qset_question_at(qs, 0); /* woonplezier: smiley */
    CHECK_STR(q->id, "woonplezier");
    CHECK(q->type == QSET_SMILEY);
    CHECK(q->n_options == 5);
    CHECK_STR(q->options[0].id, "1");
    CHECK_STR(q->options[4].id, "5");
    CHECK(q->options[0].text.s[0] == NULL && q->options[0].icon == NULL);
    CHECK(q->show_if_question == -1 && q->show_if_mask == 0);
    CHECK(!q->required);
    CHECK_STR(q->text.s[1], "Do you like living here?");
    CHECK(q->text.audio[0] && strstr(q->text.audio[0], "/clips/q1-nl.wav"));
    CHECK(q->text.audio[1] == NULL && q->text.audio[2] == NULL);

    q = qset_question_at(qs, 1); /* waarom: single, show_if woonplezier 1|2 */
    CHECK(q->type == QSET_SINGLE);
    CHECK(q->n_options == 3);
    CHECK_STR(q->options[1].id, "woning");
    CHECK_STR(q->options[1].icon, "house");
    CHECK(q->options[2].icon == NULL);
    CHECK_STR(q->options[0].text.s[2], "الإزعاج");
    CHECK(q->show_if_question == 0);
    CHECK(q->show_if_mask == 0x3u);
    CHECK(qset_find_option(q, "anders") == 2);
    CHECK(qset_find_option(q, "geld") == -1);

    q = qset_question_at(qs, 2); /* zorgen: multi 1..3 */
    CHECK(q->type == QSET_MULTI);
    CHECK(q->min == 1 && q->max == 3);
    CHECK(q->required);
    CHECK(q->n_options == 4);
    CHECK_STR(q->options[2].icon, "health_2");
    CHECK_STR(q->options[0].text.s[0], "Geld");

    q = qset_question_at(qs, 3); /* hulp-geld: yesno, show_if zorgen geld|werk */
    CHECK(q->type == QSET_YESNO && !q->prefer_not);
    CHECK(q->n_options == 2);
    CHECK_STR(q->options[0].id, "yes");
    CHECK_STR(q->options[1].id, "no");
    CHECK(q->show_if_question == 2 && q->show_if_mask == 0x3u);

    q = qset_question_at(qs, 4); /* cijfer: scale 0..10 */
    CHECK(q->type == QSET_SCALE && q->min == 0 && q->max == 10);
    CHECK(q->n_options == 11);
    CHECK_STR(q->options[0].id, "0");
    CHECK_STR(q->options[10].id, "10");
    CHECK_STR(q->low.s[0], "Heel slecht");
    CHECK_STR(q->high.s[2], "جيد جداً");

    q = qset_question_at(qs, 5); /* trots: show_if cijfer 8|9|10 */
    CHECK(q->show_if_question == 4);
    CHECK(q->show_if_mask == ((1u << 8) | (1u << 9) | (1u << 10)));

    q = qset_question_at(qs, 6); /* vertrouwen: yesno + prefer_not, required */
    CHECK(q->type == QSET_YESNO && q->prefer_not && q->required);
    CHECK(q->n_options == 3);
    CHECK_STR(q->options[2].id, "prefer_not");

    q = qset_question_at(qs, 7); /* waarom-niet: show_if vertrouwen no|prefer_not */
    CHECK(q->type == QSET_MULTI && q->min == 0 && q->max == 0);
    CHECK(q->show_if_question == 6 && q->show_if_mask == 0x6u);

    q = qset_question_at(qs, 8); /* stemming: scale -2..2, no end labels */
    CHECK(q->n_options == 5);
    CHECK_STR(q->options[0].id, "-2");
    CHECK_STR(q->options[4].id, "2");
    CHECK(q->low.s[0] == NULL && q->high.s[0] == NULL);

    CHECK_STR(qset_type_name(QSET_SINGLE), "single");
    CHECK_STR(qset_type_name(QSET_SCALE), "scale");
done:
    qset_free(qs);
    qset_free(NULL);
    free(d);
    free(path);
    free(dir);
    uistr_free(ui);
}

/* Strings handed out outlive the bytes they were loaded from. */
static void test_strings_owned_by_set(void)
{
    uistr *ui = test_strings();
    char *json = dq("{'format':'wijkpeil/1','id':'own','version':1,'languages':['nl'],"
                    "'title':{'nl':'Titel'},'questions':[{'id':'q','type':'single',"
                    "'text':{'nl':'Vraag'},'options':[{'id':'o','text':{'nl':'Optie'}}]}]}");
    size_t len = strlen(json);
    qset *qs = NULL;
    CHECK(qset_load_buffer(json, len, "own.json", NULL, ui, &qs, NULL) == 0);
    memset(json, 'x', len);
    free(json);
    if (!qs)
        return;
    CHECK_STR(qset_id(qs), "own");
    CHECK_STR(qset_title(qs)->s[0], "Titel");
    const qset_question *q = qset_question_at(qs, 0);
    CHECK_STR(q->options[0].text.s[0], "Optie");
    CHECK(qset_welcome(qs)->s[0] == NULL); /* optional text absent */
    qset_free(qs);
    uistr_free(ui);
}

/* ---- invalid sets: one exact message each ---- */

#define HEAD                                                                                       \
    "{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','en'],"                         \
    "'title':{'nl':'T','en':'T'},"
#define TX       "'text':{'nl':'V','en':'Q'}"
#define SMILEY_A "{'id':'a','type':'smiley'," TX "}"
#define OPT(id)  "{'id':'" id "','text':{'nl':'x','en':'y'}}"
#define SINGLE(id, rest)                                                                           \
    "{'id':'" id "','type':'single'," TX ",'options':[" OPT("x") "," OPT("y") "]" rest "}"
#define Q1(q)    HEAD "'questions':[" q "]}"
#define Q2(a, b) HEAD "'questions':[" a "," b "]}"
/* A question with a clip, and a set with a "files" list (F: entries) */
#define SHA_Q1   "e7531525a8818a3b06dc5c4e09269c351688352352117dc6caa3bba02d876112"
#define CLIP_Q   "{'id':'a','type':'smiley'," TX ",'text_audio':{'nl':'clips/q1-nl.wav'}}"
#define QF(q, f) HEAD "'files':{" f "},'questions':[" q "]}"

static const struct {
    const char *json;
    const char *want;
} bad[] = {
    /* the file as a whole */
    /* sharing back: "share" on answers only, "thanks_share" names a shared question */
    {Q1("{'id':'a','type':'smiley'," TX ",'share':'yes'}"),
     "t.json: a: 'share' must be true or false"},
    {Q2(SMILEY_A, "{'id':'n','type':'note'," TX ",'share':true}"),
     "t.json: n: a note takes no 'share'"},
    {HEAD "'thanks_share':'a','questions':[" SMILEY_A "]}",
     "t.json: 'thanks_share': question 'a' is not shared"},
    {HEAD "'thanks_share':'b','questions':[" SMILEY_A "]}",
     "t.json: 'thanks_share': no question 'b'"},
    {HEAD "'thanks_share':1,'questions':[" SMILEY_A "]}",
     "t.json: 'thanks_share' must be the id of a question"},
    {"[1, 2]", "t.json: the file must hold one JSON object"},
    {"{'id':'t'}", "t.json: 'format' is missing"},
    {"{'format':'wijkpeil/2','id':'t'}", "t.json: unsupported format 'wijkpeil/2'"},
    {"{'format':1}", "t.json: 'format' must be the string 'wijkpeil/1'"},
    {"{'format':'wijkpeil/1','version':1,'languages':['nl'],'title':{'nl':'T'},'questions':["
     "{'id':'a','type':'smiley','text':{'nl':'V'}}]}",
     "t.json: 'id' is missing"},
    {"{'format':'wijkpeil/1','id':'a b','version':1,'languages':['nl'],'title':{'nl':'T'},"
     "'questions':[{'id':'a','type':'smiley','text':{'nl':'V'}}]}",
     "t.json: 'id' must be 1-64 letters"},
    {"{'format':'wijkpeil/1','id':'t','languages':['nl'],'title':{'nl':'T'},'questions':["
     "{'id':'a','type':'smiley','text':{'nl':'V'}}]}",
     "t.json: 'version' is missing"},
    {"{'format':'wijkpeil/1','id':'t','version':0}", "t.json: 'version' must be a positive whole"},
    {"{'format':'wijkpeil/1','id':'t','version':'1'}", "'version' must be a positive whole number"},
    {"{'format':'wijkpeil/1','id':'t','version':1.5}", "'version' must be a positive whole number"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'title':{'nl':'T'}}",
     "t.json: 'languages' is missing"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':[]}",
     "t.json: 'languages' must be a non-empty list"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl',3]}",
     "t.json: languages[2] must be a language code"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','en','nl']}",
     "t.json: language 'nl' is listed twice"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['NL']}",
     "t.json: language code 'NL' is not valid"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','dutch']}",
     "t.json: language code 'dutch' is not valid"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['aa','ab','ac','ad','ae','af',"
     "'ag','ah','ai','aj','ak','al','am']}",
     "t.json: too many languages (13, at most 12)"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languges':['nl']}",
     "t.json: unknown key 'languges' (did you mean 'languages'?)"},
    /* texts of the set */
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl'],'questions':[" SMILEY_A "]}",
     "t.json: 'title' is missing"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','en'],'title':{'nl':'T'}}",
     "t.json: 'title' has no text for 'en'"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','en'],'title':'T'}",
     "t.json: 'title' must be an object with one text per language"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','en'],"
     "'title':{'nl':'T','en':'  '}}",
     "t.json: 'title': the text for 'en' is empty"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','en'],"
     "'title':{'nl':'T','en':'T','de':'T'}}",
     "t.json: 'title': 'de' is not one of the languages of the poll (nl, en)"},
    {HEAD "'welcome':{'nl':'W'},'questions':[" SMILEY_A "]}",
     "t.json: 'welcome' has no text for 'en'"},
    {HEAD "'thanks':{'nl':'D','en':''},'questions':[" SMILEY_A "]}",
     "t.json: 'thanks': the text for 'en' is empty"},
    /* the question list */
    {HEAD "'x':1}", "t.json: 'questions' is missing"},
    {HEAD "'questions':[]}", "t.json: 'questions' is empty: a poll needs at least one question"},
    {HEAD "'questions':{}}", "t.json: 'questions' must be a list of questions"},
    {Q1("'a'"), "t.json: questions[1] must be an object"},
    /* questions */
    {Q1("{'type':'smiley'," TX "}"), "t.json: questions[1]: 'id' is missing"},
    {Q1("{'id':'a b','type':'smiley'," TX "}"), "t.json: questions[1]: id 'a b' is not valid"},
    {Q1("{'id':'a/b','type':'smiley'," TX "}"), "t.json: questions[1]: id 'a/b' is not valid"},
    {Q2(SMILEY_A, SMILEY_A),
     "t.json: a: the question id is used twice (questions[1] and questions[2])"},
    {Q1("{'id':'a','type':'multiple'," TX "}"), "t.json: a: unknown type 'multiple' (use single, "
                                                "multi, smiley, yesno, scale, likert or note)"},
    {Q1("{'id':'a'," TX "}"), "t.json: a: 'type' is missing"},
    {Q1("{'id':'a','type':'smiley'}"), "t.json: a: 'text' is missing"},
    {Q1("{'id':'a','type':'smiley','text':{'nl':'V'}}"),
     "t.json: a: the question has no text for 'en'"},
    {Q1("{'id':'a','type':'smiley','text':{'nl':'V','en':7}}"),
     "t.json: a: the question: the text for 'en' must be a string"},
    {Q1("{'id':'a','type':'smiley'," TX ",'requird':true}"),
     "t.json: a: unknown key 'requird' (did you mean 'required'?)"},
    {Q1("{'id':'a','type':'smiley'," TX ",'required':'yes'}"),
     "t.json: a: 'required' must be true or false"},
    {Q1("{'id':'a','type':'smiley'," TX ",'prefer_not':true}"),
     "t.json: a: 'prefer_not' is only allowed on yesno questions"},
    {Q1("{'id':'a','type':'yesno'," TX ",'prefer_not':1}"),
     "t.json: a: 'prefer_not' must be true or false"},
    /* options */
    {Q1("{'id':'a','type':'single'," TX "}"), "t.json: a: a single question needs 'options'"},
    {Q1("{'id':'a','type':'multi'," TX ",'options':[]}"), "t.json: a: 'options' is empty"},
    {Q1("{'id':'a','type':'single'," TX
        ",'options':[" OPT("a") "," OPT("b") "," OPT("c") "," OPT("d") "," OPT("e") "," OPT("f") "," OPT(
            "g") "," OPT("h") "," OPT("i") "," OPT("j") "," OPT("k") "," OPT("l") "," OPT("m") "]"
                                                                                               "}"),
     "t.json: a: too many options (13, at most 12"},
    {Q1("{'id':'a','type':'single'," TX ",'options':[" OPT("x") "," OPT("x") "]}"),
     "t.json: a: option 'x' is listed twice"},
    {Q1("{'id':'a','type':'single'," TX ",'options':[{'text':{'nl':'x','en':'y'}}]}"),
     "t.json: a: option 1: 'id' is missing"},
    {Q1("{'id':'a','type':'single'," TX ",'options':[" OPT("x") ",{'id':'x y'}]}"),
     "t.json: a: option 2: id 'x y' is not valid"},
    {Q1("{'id':'a','type':'single'," TX ",'options':[{'id':'x'}]}"),
     "t.json: a: option 'x': 'text' is missing"},
    {Q1("{'id':'zorgen','type':'multi'," TX ",'options':[{'id':'geld','text':{'nl':'Geld'}}]}"),
     "t.json: zorgen: option 'geld' has no text for 'en'"},
    {Q1("{'id':'a','type':'single'," TX
        ",'options':[{'id':'x','text':{'nl':'x','en':'y'},'icn':'money'}]}"),
     "t.json: a: option 'x': unknown key 'icn' (did you mean 'icon'?)"},
    {Q1("{'id':'a','type':'single'," TX
        ",'options':[{'id':'x','text':{'nl':'x','en':'y'},'icon':'Money!'}]}"),
     "t.json: a: option 'x': icon 'Money!' is not valid"},
    {Q1("{'id':'a','type':'smiley'," TX ",'options':[" OPT("x") "]}"),
     "t.json: a: a smiley question takes no 'options'"},
    {Q1("{'id':'a','type':'yesno'," TX ",'options':[" OPT("x") "]}"),
     "t.json: a: a yesno question takes no 'options'"},
    /* likert: a single laid out in a row; note: an information screen without answers */
    {Q1("{'id':'a','type':'likert'," TX "}"), "t.json: a: a likert question needs 'options'"},
    {Q1("{'id':'a','type':'likert'," TX ",'max':2,'options':[" OPT("x") "]}"),
     "t.json: a: 'max' is only allowed on multi and scale questions"},
    {Q2(SMILEY_A, "{'id':'n','type':'note'," TX ",'required':true}"),
     "t.json: n: a note takes no 'required' (it has no answer to give)"},
    {Q2(SMILEY_A, "{'id':'n','type':'note'," TX ",'options':[" OPT("x") "]}"),
     "t.json: n: a note question takes no 'options' (its answers are none: a note is not "
     "answered)"},
    {Q2(SMILEY_A, "{'id':'n','type':'note'," TX ",'low':{'nl':'l','en':'l'}}"),
     "t.json: n: 'low' is only allowed on scale questions"},
    {Q2("{'id':'n','type':'note'," TX "}",
        "{'id':'b','type':'smiley'," TX ",'show_if':{'question':'n','any_of':['1']}}"),
     "t.json: b: show_if refers to 'n', a note (it has no answers to look at)"},
    {Q1("{'id':'n','type':'note'," TX "}"),
     "t.json: every question is a note: a poll needs at least one question with answers"},
    /* multi bounds */
    {Q1("{'id':'a','type':'multi'," TX ",'min':2,'max':1,'options':[" OPT("x") "," OPT("y") "]}"),
     "t.json: a: 'min' (2) is greater than 'max' (1)"},
    {Q1("{'id':'a','type':'multi'," TX ",'max':3,'options':[" OPT("x") "," OPT("y") "]}"),
     "t.json: a: 'max' (3) is more than the number of options (2)"},
    {Q1("{'id':'a','type':'multi'," TX ",'min':-1,'options':[" OPT("x") "]}"),
     "t.json: a: 'min' must be a whole number from 0 to 12"},
    {Q1("{'id':'a','type':'multi'," TX ",'max':0,'options':[" OPT("x") "]}"),
     "t.json: a: 'max' must be a whole number from 1 to 12"},
    {Q1(SINGLE("a", ",'max':1")), "t.json: a: 'max' is only allowed on multi and scale questions"},
    /* scale */
    {Q1("{'id':'a','type':'scale'," TX ",'min':5,'max':5}"),
     "t.json: a: 'min' (5) must be less than 'max' (5)"},
    {Q1("{'id':'a','type':'scale'," TX ",'min':0,'max':20}"),
     "t.json: a: the scale 0..20 has 21 steps (at most 11"},
    {Q1("{'id':'a','type':'scale'," TX ",'min':0.5,'max':5}"),
     "t.json: a: 'min' must be a whole number from -1000 to 1000"},
    {Q1("{'id':'a','type':'scale'," TX ",'min':0}"), "t.json: a: a scale question needs 'max'"},
    {Q1("{'id':'a','type':'scale'," TX ",'min':0,'max':10,'low':{'nl':'slecht'}}"),
     "t.json: a: 'low' has no text for 'en'"},
    {Q1("{'id':'a','type':'scale'," TX ",'min':0,'max':10,'high':{'nl':'','en':'good'}}"),
     "t.json: a: 'high': the text for 'nl' is empty"},
    {Q1("{'id':'a','type':'smiley'," TX ",'low':{'nl':'x','en':'y'}}"),
     "t.json: a: 'low' is only allowed on scale questions"},
    /* show_if */
    {Q2(SMILEY_A, SINGLE("b", ",'show_if':{'question':'zz','any_of':['1']}")),
     "t.json: b: show_if refers to question 'zz', which does not exist"},
    {Q1(SINGLE("a", ",'show_if':{'question':'a','any_of':['x']}")),
     "t.json: a: show_if refers to the question itself"},
    {Q2(SINGLE("a", ",'show_if':{'question':'b','any_of':['1']}"),
        "{'id':'b','type':'smiley'," TX "}"),
     "t.json: a: show_if refers to 'b', which comes later in the poll"},
    {Q2("{'id':'b','type':'smiley'," TX "}",
        SINGLE("a", ",'show_if':{'question':'b','any_of':[]}")),
     "t.json: a: show_if: 'any_of' is empty"},
    {Q2(SMILEY_A, SINGLE("b", ",'show_if':{'question':'a','any_of':['6']}")),
     "t.json: b: show_if: 'a' has no answer '6' (its answers are: 1, 2, 3, 4, 5)"},
    {Q2("{'id':'a','type':'yesno'," TX "}",
        SINGLE("b", ",'show_if':{'question':'a','any_of':['prefer_not']}")),
     "t.json: b: show_if: 'a' has no answer 'prefer_not' (its answers are: yes, no)"},
    {Q2("{'id':'a','type':'scale'," TX ",'min':1,'max':10}",
        SINGLE("b", ",'show_if':{'question':'a','any_of':['0']}")),
     "t.json: b: show_if: 'a' has no answer '0'"},
    {Q2(SINGLE("a", ""), SINGLE("b", ",'show_if':{'question':'a','any_of':['z']}")),
     "t.json: b: show_if: 'a' has no answer 'z' (its answers are: x, y)"},
    {Q2(SMILEY_A, SINGLE("b", ",'show_if':{'question':'a','any_of':[1]}")),
     "t.json: b: show_if: 'any_of' must hold answers as strings"},
    {Q2(SMILEY_A, SINGLE("b", ",'show_if':{'questoin':'a','any_of':['1']}")),
     "t.json: b: show_if: unknown key 'questoin' (did you mean 'question'?)"},
    {Q2(SMILEY_A, SINGLE("b", ",'show_if':'a'")), "t.json: b: 'show_if' must be an object"},
    /* recorded clips (base folder tests/qsets) */
    {Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'nl':'/etc/x.wav'}}"),
     "t.json: a: 'text_audio' for 'nl': '/etc/x.wav' must be a path relative to the folder "
     "of the question set"},
    {Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'nl':'clips/../../x.wav'}}"),
     "t.json: a: 'text_audio' for 'nl': 'clips/../../x.wav' must not contain '..'"},
    {Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'de':'clips/q1-nl.wav'}}"),
     "t.json: a: 'text_audio': 'de' is not one of the languages of the poll"},
    {Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'nl':'clips/q1-nl.mp3'}}"),
     "t.json: a: 'text_audio' for 'nl': 'clips/q1-nl.mp3' must name a .wav file"},
    {Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'nl':'clips/none.wav'}}"),
     "t.json: a: 'text_audio' for 'nl': clip 'clips/none.wav' not found"},
    {Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'nl':'clips/not-a-wav.wav'}}"),
     "t.json: a: 'text_audio' for 'nl': clip 'clips/not-a-wav.wav' is not a WAV file"},
    {Q1("{'id':'a','type':'smiley'," TX ",'text_audio':['clips/q1-nl.wav']}"),
     "t.json: a: 'text_audio' must be an object of language code -> clip file"},
    {Q1("{'id':'a','type':'smiley','text_audio':{'nl':'clips/q1-nl.wav'}}"),
     "t.json: a: 'text_audio' is given without 'text'"},
    {Q1("{'id':'a','type':'single'," TX ",'options':[{'id':'x','text':{'nl':'x','en':'y'},"
        "'text_audio':{'en':'clips/none.wav'}}]}"),
     "t.json: a: option 'x': 'text_audio' for 'en': clip 'clips/none.wav' not found"},
    /* "files": the SHA-256 of every file the set uses, inside the signed set */
    {HEAD "'files':['clips/q1-nl.wav'],'questions':[" CLIP_Q "]}",
     "t.json: 'files' must be an object of file -> SHA-256 (64 hex digits)"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'abc'"),
     "t.json: 'files': the SHA-256 of 'clips/q1-nl.wav' must be a string of 64 hex digits"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "0'"),
     "t.json: 'files': the SHA-256 of 'clips/q1-nl.wav' must be a string of 64 hex digits"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "','/etc/passwd':'" SHA_Q1 "'"),
     "t.json: 'files': '/etc/passwd' must be a path relative to the folder of the question set"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "','clips/../x.wav':'" SHA_Q1 "'"),
     "t.json: 'files': 'clips/../x.wav' must not contain '..'"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "','./clips/q1-nl.wav':'" SHA_Q1 "'"),
     "t.json: 'files': './clips/q1-nl.wav' must be a plain path such as"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "','clips//q1-nl.wav':'" SHA_Q1 "'"),
     "t.json: 'files': 'clips//q1-nl.wav' must be a plain path such as"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "','clips\\\\a.wav':'" SHA_Q1 "'"),
     "contains a backslash or control character"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "','clips/welkom-nl.wav':'" SHA_Q1 "'"),
     "t.json: 'files': 'clips/welkom-nl.wav' is not used by the set"},
    {QF(CLIP_Q, "'clips/q1-nl.wav':'" SHA_Q1 "','icons/money.png':'" SHA_Q1 "'"),
     "t.json: 'files': 'icons/money.png' is not used by the set"},
    {QF("{'id':'s','type':'single'," TX ",'options':[{'id':'x','icon':'money','text':{'nl':'x',"
        "'en':'y'}}]}",
        "'icons/money.png':'" SHA_Q1 "'"),
     "t.json: 'files': 'icons/money.png' not found (looked for "},
    {QF(CLIP_Q, "'clips/welkom-nl.wav':'" SHA_Q1 "'"),
     "t.json: a: 'text_audio' for 'nl': clip 'clips/q1-nl.wav' is not listed in 'files', so the "
     "signature does not cover it"},
    {QF(CLIP_Q, ""), "clip 'clips/q1-nl.wav' is not listed in 'files'"},
    /* the set's own interface strings ("ui_strings") */
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':['so']}",
     "t.json: 'ui_strings' must be an object of language code -> interface strings"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'de':{'next':'Weiter'}}}",
     "t.json: 'ui_strings': 'de' is not one of the languages of the poll (nl, en)"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'nl':'Volgende'}}",
     "t.json: 'ui_strings' 'nl': must be an object of interface strings"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'nl':{'nxt':'Volgende'}}}",
     "t.json: 'ui_strings' 'nl': unknown key 'nxt' (did you mean 'next'?)"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'en':{'choose_up_to':'Choose a few'}}}",
     "t.json: 'ui_strings' 'en': 'choose_up_to' must contain '{n}'"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'en':{'still_there_body':'Tap to go on.'}}}",
     "t.json: 'ui_strings' 'en': 'still_there_body' must contain '{n}'"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'nl':{'more_answers':'nog meer'}}}",
     "t.json: 'ui_strings' 'nl': 'more_answers' must contain '{n}'"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'en':{'dir':'down'}}}",
     "t.json: 'ui_strings' 'en': 'dir' must be 'ltr' or 'rtl'"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'en':{'next':' '}}}",
     "t.json: 'ui_strings' 'en': 'next' is empty"},
    {HEAD "'questions':[" SMILEY_A "],'ui_strings':{'en':{'next':3}}}",
     "t.json: 'ui_strings' 'en': 'next' must be a string"},
    {"{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','so'],"
     "'title':{'nl':'T','so':'T'},'questions':[{'id':'a','type':'smiley','text':{'nl':'V',"
     "'so':'S'}}],'ui_strings':{'so':{'name':'Soomaali','dir':'ltr','next':'Xiga'}}}",
     "t.json: 'ui_strings' 'so': the kiosk has no interface strings for 'so', so every key is "
     "needed (the card_* words may be left out; card_months_alone is optional); missing: "
     "tap_to_start, choose_language, skip,"},
    /* JSON syntax: FILE:LINE:COLUMN */
    {"{'format': }", "t.json:1:12: unexpected token near"},
    {"{\n  'format': 'wijkpeil/1',\n  'id': 't',,\n}", "t.json:3:13: string or"},
    {"{'format':'wijkpeil/1','format':'wijkpeil/1'}", "t.json:1:31: duplicate object key"},
    {"", "expected near end of file"},
    {"{'a':'\\u0000'}", "t.json:1:13: \\u0000 is not allowed"},
};

/* A note (text and hint, no answers) and a likert question (options stored as a single's). */
static void test_share(void)
{
    uistr *ui = test_strings();
    char *json =
        dq(HEAD "'thanks_share':'b','questions':[" SMILEY_A ",{'id':'b','type':'yesno'," TX
                ",'share':true},{'id':'c','type':'scale'," TX ",'min':0,'max':10,'share':false}]}");
    qset *qs = NULL;
    qset_diag *d = calloc(1, sizeof *d);
    int rc = qset_load_buffer(json, strlen(json), "t.json", NULL, ui, &qs, d);
    if (rc != 0)
        dump_diag(d);
    CHECK(rc == 0 && qs);
    if (qs) {
        CHECK(!qset_question_at(qs, 0)->share);
        CHECK(qset_question_at(qs, 1)->share);
        CHECK(!qset_question_at(qs, 2)->share);
        CHECK(qset_thanks_share(qs) == 1);
    }
    qset_free(qs);
    free(json);
    json = dq(Q1(SMILEY_A));
    rc = qset_load_buffer(json, strlen(json), "t.json", NULL, ui, &qs, d);
    CHECK(rc == 0 && qs && qset_thanks_share(qs) == -1);
    qset_free(qs);
    free(json);
    free(d);
    uistr_free(ui);
}

static void test_note_and_likert(void)
{
    uistr *ui = test_strings();
    char *json = dq(HEAD "'questions':[{'id':'uitleg','type':'note','text':{'nl':'Lees',"
                         "'en':'Read'},'hint':{'nl':'Rustig aan','en':'Take your time'},"
                         "'show_if':{'question':'a','any_of':['2']}},"
                         "{'id':'a','type':'smiley'," TX "},"
                         "{'id':'n2','type':'note'," TX ",'show_if':{'question':'a','any_of':['1',"
                         "'2']}},"
                         "{'id':'eens','type':'likert'," TX ",'required':true,'options':[" OPT(
                             "oneens") "," OPT("neutraal") "," OPT("eens") "]}]}");
    qset *qs = NULL;
    qset_diag *d = calloc(1, sizeof *d);
    int rc = qset_load_buffer(json, strlen(json), "t.json", NULL, ui, &qs, d);
    /* show_if looks back only: the first note's condition on a later question is refused */
    CHECK(rc == -1 && diag_has(d, "uitleg: show_if refers to \"a\", which comes later"));
    free(json);
    json = dq(HEAD "'questions':[{'id':'a','type':'smiley'," TX "},"
                   "{'id':'uitleg','type':'note','text':{'nl':'Lees','en':'Read'},"
                   "'hint':{'nl':'Rustig aan','en':'Take your time'},"
                   "'text_audio':{'nl':'clips/q1-nl.wav'},"
                   "'show_if':{'question':'a','any_of':['1','2']}},"
                   "{'id':'eens','type':'likert'," TX ",'required':true,'options':[" OPT(
                       "oneens") "," OPT("neutraal") "," OPT("eens") "]}]}");
    char *dir = test_src("tests/qsets");
    rc = qset_load_buffer(json, strlen(json), "t.json", dir, ui, &qs, d);
    if (rc != 0)
        dump_diag(d);
    CHECK(rc == 0 && qs);
    if (qs) {
        const qset_question *n = qset_question_at(qs, 1);
        CHECK(n->type == QSET_NOTE && n->n_options == 0 && !n->required);
        CHECK_STR(qset_type_name(n->type), "note");
        CHECK_STR(n->text.s[1], "Read");
        CHECK_STR(n->hint.s[0], "Rustig aan");
        CHECK(n->text.audio[0] && strstr(n->text.audio[0], "clips/q1-nl.wav"));
        CHECK(n->show_if_question == 0 && n->show_if_mask == 0x3);
        const qset_question *l = qset_question_at(qs, 2);
        CHECK(l->type == QSET_LIKERT && l->required && l->n_options == 3);
        CHECK_STR(l->options[2].id, "eens");
        CHECK(qset_find_option(l, "neutraal") == 1);
    }
    qset_free(qs);
    free(dir);
    free(json);
    free(d);
    uistr_free(ui);
}

/* A matrix: consecutive single-choice questions with one list of options, answered on one
 * screen; each malformed group gets its own message naming the question. */
static void test_matrix(void)
{
    uistr *ui = test_strings();
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    char *json = dq(
        HEAD "'questions':[" SMILEY_A ","
             "{'id':'m1','type':'single'," TX ",'matrix':'tafel','options':[" OPT("x") "," OPT(
                 "y") "],'show_if':{'question':'a','any_of':['1']}},"
                      "{'id':'m2','type':'likert'," TX ",'matrix':'tafel','required':true,"
                      "'options':[" OPT("x") "," OPT(
                          "y") "]},"
                               "{'id':'m3','type':'single'," TX ",'matrix':'tafel','options':[" OPT(
                                   "x") "," OPT("y") "]}," SINGLE("b", "") "]}");
    int rc = qset_load_buffer(json, strlen(json), "t.json", NULL, ui, &qs, d);
    if (rc != 0)
        dump_diag(d);
    CHECK(rc == 0 && qs);
    if (qs) {
        CHECK(qset_question_at(qs, 0)->matrix == NULL &&
              qset_question_at(qs, 0)->matrix_first == -1);
        for (int i = 1; i <= 3; i++) {
            const qset_question *q = qset_question_at(qs, i);
            CHECK_STR(q->matrix, "tafel");
            CHECK(q->matrix_first == 1 && q->matrix_last == 3);
        }
        CHECK(qset_question_at(qs, 4)->matrix_first == -1);
    }
    qset_free(qs);
    qs = NULL;
    free(json);
    /* Every mistake of a group in one load. */
    json = dq(
        HEAD
        "'questions':[" SMILEY_A ","
        "{'id':'alleen','type':'single'," TX ",'matrix':'een','options':[" OPT(
            "x") "]},"
                 "{'id':'m1','type':'single'," TX ",'matrix':'g','options':[" OPT("x") "," OPT(
                     "y") "]},"
                          "{'id':'m2','type':'multi'," TX
                          ",'matrix':'g','options':[" OPT("x") "," OPT(
                              "y") "]},"
                                   "{'id':'m3','type':'single'," TX
                                   ",'matrix':'g','options':[" OPT("x") "," OPT(
                                       "z") "]},"
                                            "{'id':'m4','type':'single'," TX
                                            ",'matrix':'g','hint':{'nl':'h','en':'h'},"
                                            "'options':[" OPT("x") "," OPT(
                                                "y") "]},"
                                                     "{'id':'m5','type':'single'," TX
                                                     ",'matrix':'g','options':[" OPT("x") "," OPT(
                                                         "y") "],'show_if':{'question':'m1','any_"
                                                              "of':['x']}},"
                                                              "{'id':'m6','type':'smiley'," TX
                                                              ",'matrix':'g'}," SINGLE(
                                                                  "b",
                                                                  "") ","
                                                                      "{'id':'m7','type':'single'"
                                                                      "," TX
                                                                      ",'matrix':'g','options':"
                                                                      "[" OPT("x") "," OPT(
                                                                          "y") "]},"
                                                                               "{'id':'m8','type':'"
                                                                               "single'," TX
                                                                               ",'matrix':'g','"
                                                                               "options':[" OPT("x") "," OPT(
                                                                                   "y") "]},"
                                                                                        "{'id':'m9'"
                                                                                        ",'type':'"
                                                                                        "single'"
                                                                                        "," TX
                                                                                        ",'matrix':"
                                                                                        "'no "
                                                                                        "good','"
                                                                                        "options':"
                                                                                        "[" OPT(
                                                                                            "x") "]"
                                                                                                 "}"
                                                                                                 "]"
                                                                                                 "}");
    rc = qset_load_buffer(json, strlen(json), "t.json", NULL, ui, &qs, d);
    CHECK(rc == -1 && qs == NULL);
    static const char *const want[] = {
        "t.json: alleen: matrix \"een\" has only this question (a matrix needs two or more)",
        "t.json: m2: matrix \"g\" holds only questions with one answer from \"options\" (single "
        "or likert), not a multi",
        "t.json: m3: matrix \"g\": its options differ from those of \"m1\"",
        "t.json: m4: matrix \"g\": a question of a matrix has no \"hint\"",
        "t.json: m5: show_if refers to \"m1\" in the same matrix \"g\" (answered on the same "
        "screen",
        "t.json: m6: matrix \"g\" holds only questions with one answer from \"options\" (single "
        "or likert), not a smiley",
        "t.json: m7: matrix \"g\" continues after other questions (the questions of a matrix "
        "follow one another; it began at \"m1\")",
        "t.json: m9: \"matrix\" must be the id of its group",
    };
    bool all = true;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CHECKF(diag_has(d, want[i]), "missing message: %s", want[i]);
        all &= diag_has(d, want[i]);
    }
    if (!all)
        dump_diag(d);
    free(json);
    free(d);
    uistr_free(ui);
}

static void test_invalid_sets(void)
{
    uistr *ui = test_strings();
    char *dir = test_src("tests/qsets");
    qset_diag *d = calloc(1, sizeof *d);
    int n = (int)(sizeof bad / sizeof bad[0]);
    CHECKF(n >= 30, "only %d invalid cases", n);
    for (int i = 0; i < n; i++) {
        char *json = dq(bad[i].json);
        char *want = dq(bad[i].want);
        qset *qs = (qset *)1;
        int rc = qset_load_buffer(json, strlen(json), "t.json", dir, ui, &qs, d);
        CHECKF(rc == -1 && qs == NULL, "case %d was accepted: %s", i, json);
        CHECKF(diag_has(d, want), "case %d: no message containing \"%s\" for %s", i, want, json);
        if (!diag_has(d, want))
            dump_diag(d);
        free(json);
        free(want);
    }
    free(d);
    free(dir);
    uistr_free(ui);
}

/* ---- invalid fixture files ---- */

static const struct {
    const char *file;
    const char *want;
} bad_files[] = {
    {"invalid-syntax-comma.json", "invalid-syntax-comma.json:6:23: string or '}' expected"},
    {"invalid-syntax-missing-comma.json",
     "invalid-syntax-missing-comma.json:4:11: '}' expected near"},
    {"invalid-duplicate-key.json", "invalid-duplicate-key.json:4:6: duplicate object key"},
    {"invalid-utf8.json", "invalid-utf8.json:3:12: unable to decode byte 0xe9"},
    {"invalid-no-arabic.json", "invalid-no-arabic.json: zorgen: option \"geld\" has no text for "
                               "\"ar\""},
    {"invalid-show-if-forward.json",
     "invalid-show-if-forward.json: waarom: show_if refers to \"woonplezier\", which comes later"},
    {"invalid-typo.json", "invalid-typo.json: vertrouwen: unknown key \"requird\" (did you mean "
                          "\"required\"?)"},
    {"invalid-empty-poll.json", "invalid-empty-poll.json: \"questions\" is empty"},
    {"invalid-clip-escape.json", "must not contain \"..\""},
    {"invalid-no-ui-strings.json",
     "invalid-no-ui-strings.json: language \"sw\" has no interface strings (built in: nl, en, "
     "ar, tr, pl, uk, de, fr; none in \"ui_strings\"): add \"ui_strings\": {\"sw\": {...}} with "
     "every key of assets/ui-strings.json: dir, name, tap_to_start, choose_language, next,"},
};

static void test_invalid_files(void)
{
    uistr *ui = test_strings();
    qset_diag *d = calloc(1, sizeof *d);
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        char *path = path_in("tests/qsets", bad_files[i].file);
        char *full = test_src(path);
        qset *qs = NULL;
        CHECKF(qset_load_file(full, ui, &qs, d) == -1 && !qs, "%s was accepted", bad_files[i].file);
        CHECKF(diag_has(d, bad_files[i].want), "%s: no message containing \"%s\"",
               bad_files[i].file, bad_files[i].want);
        if (!diag_has(d, bad_files[i].want))
            dump_diag(d);
        free(path);
        free(full);
    }
    free(d);
    uistr_free(ui);
}

/* Every problem is reported, not only the first. */
static void test_collects_all_errors(void)
{
    uistr *ui = test_strings();
    char *path = test_src("tests/qsets/invalid-many.json");
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    CHECK(qset_load_file(path, ui, &qs, d) == -1);
    const char *want[] = {
        "\"version\" must be a positive whole number",
        "\"title\" has no text for \"en\"",
        "a: unknown type \"multiple\"",
        "b: the question id is used twice",
        "c: \"min\" (3) is greater than \"max\" (2)",
        "d: show_if refers to question \"nope\", which does not exist",
        "d: option \"x\" has no text for \"en\"",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECKF(diag_has(d, want[i]), "invalid-many.json: missing \"%s\"", want[i]);
    CHECKF(d->n == (int)(sizeof want / sizeof want[0]), "expected %zu messages, got %d",
           sizeof want / sizeof want[0], d->n);
    if (d->n != (int)(sizeof want / sizeof want[0]))
        dump_diag(d);
    CHECK(d->dropped == 0);
    free(d);
    free(path);
    uistr_free(ui);
}

/* More problems than QSET_MAX_DIAG: the first are kept, the rest counted. */
static void test_diag_cap(void)
{
    uistr *ui = test_strings();
    size_t cap = 64 * 1024;
    char *json = malloc(cap);
    size_t used = (size_t)snprintf(json, cap,
                                   "{\"format\":\"wijkpeil/1\",\"id\":\"t\",\"version\":1,"
                                   "\"languages\":[\"nl\",\"en\"],\"title\":{\"nl\":\"T\",\"en\":"
                                   "\"T\"},\"questions\":[");
    for (int i = 0; i < 100; i++)
        used += (size_t)snprintf(json + used, cap - used,
                                 "%s{\"id\":\"q%d\",\"type\":\"smiley\",\"text\":{\"nl\":\"V\"}}",
                                 i ? "," : "", i);
    used += (size_t)snprintf(json + used, cap - used, "]}");
    qset_diag *d = calloc(1, sizeof *d);
    CHECK(qset_load_buffer(json, used, "cap.json", NULL, ui, NULL, d) == -1);
    CHECK(d->n == QSET_MAX_DIAG);
    CHECK(d->dropped == 100 - QSET_MAX_DIAG);
    CHECK(diag_has(d, "cap.json: q0: the question has no text for \"en\""));
    /* a second load starts with an empty diag */
    char *ok = dq(Q1(SMILEY_A));
    qset *qs = NULL;
    CHECK(qset_load_buffer(ok, strlen(ok), "ok.json", NULL, ui, &qs, d) == 0 && qs);
    CHECK(d->n == 0 && d->dropped == 0);
    qset_free(qs);
    free(ok);
    free(json);
    free(d);
    uistr_free(ui);
}

/* More than QSET_MAX_QUESTIONS questions is refused; exactly the limit loads. */
static void test_question_limit(void)
{
    uistr *ui = test_strings();
    size_t cap = 64 * 1024;
    char *json = malloc(cap);
    qset_diag *d = calloc(1, sizeof *d);
    for (int count = QSET_MAX_QUESTIONS; count <= QSET_MAX_QUESTIONS + 1; count++) {
        size_t used = (size_t)snprintf(json, cap,
                                       "{\"format\":\"wijkpeil/1\",\"id\":\"t\",\"version\":1,"
                                       "\"languages\":[\"nl\"],\"title\":{\"nl\":\"T\"},"
                                       "\"questions\":[");
        for (int i = 0; i < count; i++)
            used += (size_t)snprintf(
                json + used, cap - used,
                "%s{\"id\":\"q%d\",\"type\":\"yesno\",\"text\":{\"nl\":\"V\"}}", i ? "," : "", i);
        used += (size_t)snprintf(json + used, cap - used, "]}");
        qset *qs = NULL;
        int rc = qset_load_buffer(json, used, "lim.json", NULL, ui, &qs, d);
        if (count == QSET_MAX_QUESTIONS) {
            CHECK(rc == 0 && qs && qset_n_questions(qs) == QSET_MAX_QUESTIONS);
        } else {
            CHECK(rc == -1 && !qs);
            CHECK(diag_has(d, "lim.json: too many questions (201, at most 200)"));
        }
        qset_free(qs);
    }
    free(d);
    free(json);
    uistr_free(ui);
}

/* Files over QSET_MAX_FILE_BYTES are refused without being parsed; missing files say so. */
static void test_size_and_missing(void)
{
    uistr *ui = test_strings();
    char *dir = test_tmpdir("qset");
    char *big = path_in(dir, "big.json");
    size_t n = QSET_MAX_FILE_BYTES + 1;
    char *data = malloc(n);
    memset(data, ' ', n);
    data[0] = '{';
    data[n - 1] = '}';
    write_file(big, data, n);
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    CHECK(qset_load_file(big, ui, &qs, d) == -1 && !qs);
    CHECKF(d->n == 1 && strstr(d->msg[0], "big.json: file is too large"), "got: %s",
           d->n ? d->msg[0] : "(nothing)");
    CHECK(qset_load_buffer(data, n, "buf.json", NULL, ui, &qs, d) == -1);
    CHECK(diag_has(d, "buf.json: file is too large"));

    char *none = path_in(dir, "none.json");
    CHECK(qset_load_file(none, ui, &qs, d) == -1);
    CHECK(d->n == 1 && strstr(d->msg[0], "none.json: cannot open"));
    CHECK(qset_load_file(none, ui, &qs, NULL) == -1); /* diag is optional */

    unlink(big);
    rmdir(dir);
    free(none);
    free(data);
    free(big);
    free(dir);
    free(d);
    uistr_free(ui);
}

/* A clip that is a symlink out of the set's folder is refused; one inside resolves. */
static void test_clip_symlink(void)
{
    uistr *ui = test_strings();
    char *dir = test_tmpdir("qsetclip");
    char *src = test_src("tests/qsets/clips/q1-nl.wav");
    char *inside = path_in(dir, "in.wav");
    char *outside = path_in(dir, "out.wav");
    CHECK(symlink(src, outside) == 0);
    FILE *f = fopen(src, "rb");
    char buf[512];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    write_file(inside, buf, n);

    char *json =
        dq(Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'nl':'in.wav','en':'out.wav'}}"));
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    CHECK(qset_load_buffer(json, strlen(json), "s.json", dir, ui, &qs, d) == -1);
    CHECK(diag_has(
        d, "s.json: a: \"text_audio\" for \"en\": clip \"out.wav\" points outside the folder "
           "of the question set"));
    CHECK(d->n == 1);
    free(json);

    json = dq(Q1("{'id':'a','type':'smiley'," TX ",'text_audio':{'en':'in.wav'}}"));
    CHECK(qset_load_buffer(json, strlen(json), "s.json", dir, ui, &qs, d) == 0 && qs);
    if (qs) {
        const char *a = qset_question_at(qs, 0)->text.audio[1];
        char real[4096];
        CHECK(realpath(inside, real) != NULL);
        CHECK_STR(a, real);
        CHECK(qset_question_at(qs, 0)->text.audio[0] == NULL);
    }
    qset_free(qs);
    unlink(inside);
    unlink(outside);
    rmdir(dir);
    free(json);
    free(d);
    free(src);
    free(inside);
    free(outside);
    free(dir);
    uistr_free(ui);
}

/* "files": the model lists exactly the files the set uses, with their SHA-256; without the list,
 * the clips it names (so that a stick can refuse a set whose clips are not signed). */
static void test_files_model(void)
{
    char *dir = test_tmpdir("qsetfiles");
    char *clips = path_in(dir, "clips"), *icons = path_in(dir, "icons");
    char *clip = path_in(dir, "clips/q1-nl.wav"), *icon = path_in(dir, "icons/money.png");
    char *src = test_src("tests/qsets/clips/q1-nl.wav");
    char buf[512];
    FILE *f = fopen(src, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK(mkdir(clips, 0755) == 0 && mkdir(icons, 0755) == 0);
    write_file(clip, buf, n);
    write_file(icon, "png", 3);
    qset_diag *d = calloc(1, sizeof *d);
    uistr *ui = test_strings();
    qset *qs = NULL;
    char *json = dq(QF(CLIP_Q ",{'id':'s','type':'single'," TX
                              ",'options':[{'id':'x','icon':'money','text':{'nl':'x','en':'y'}}]}",
                       "'icons/money.png':'" SHA_Q1 "','clips/q1-nl.wav':'E7531525A8818A3B06DC5C4E"
                       "09269C351688352352117DC6CAA3BBA02D876112'"));
    CHECK(qset_load_buffer(json, strlen(json), "s.json", dir, ui, &qs, d) == 0 && qs);
    if (!qs)
        dump_diag(d);
    if (qs) {
        CHECK(qset_lists_files(qs));
        CHECK(qset_n_files(qs) == 2);
        CHECK_STR(qset_file_at(qs, 0)->path, "clips/q1-nl.wav");
        CHECK_STR(qset_file_at(qs, 0)->sha256, SHA_Q1);
        CHECK_STR(qset_file_at(qs, 1)->path, "icons/money.png");
        CHECK(qset_file_at(qs, 2) == NULL);
    }
    qset_free(qs);
    free(json);
    json = dq(Q1(CLIP_Q));
    CHECK(qset_load_buffer(json, strlen(json), "s.json", dir, ui, &qs, d) == 0 && qs);
    if (qs) {
        CHECK(!qset_lists_files(qs) && qset_n_files(qs) == 1);
        CHECK_STR(qset_file_at(qs, 0)->path, "clips/q1-nl.wav");
        CHECK(qset_file_at(qs, 0)->sha256 == NULL);
    }
    qset_free(qs);
    free(json);
    json = dq(Q1(SMILEY_A));
    CHECK(qset_load_buffer(json, strlen(json), "s.json", dir, ui, &qs, d) == 0 && qs);
    if (qs)
        CHECK(!qset_lists_files(qs) && qset_n_files(qs) == 0);
    qset_free(qs);
    unlink(clip), unlink(icon), rmdir(clips), rmdir(icons), rmdir(dir);
    free(json), free(d), free(src), free(clip), free(icon), free(clips), free(icons), free(dir);
    uistr_free(ui);
}

/* Every demo poll shipped in assets/demo/ validates. */
static void test_demo_polls(void)
{
    uistr *ui = test_strings();
    char *dir = test_src("assets/demo");
    qset_diag *d = calloc(1, sizeof *d);
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char *p = path_in(dir, e->d_name);
        qset *qs = NULL;
        int rc = qset_load_file(p, ui, &qs, d);
        CHECKF(rc == 0, "assets/demo/%s does not validate", e->d_name);
        if (rc != 0)
            dump_diag(d);
        qset_free(qs);
        free(p);
    }
    if (dh)
        closedir(dh);
    free(d);
    free(dir);
    uistr_free(ui);
}

/* A language the kiosk has no interface strings for is refused, naming it and every key it
 * needs; each such language is one message, with the set's other problems, in one run. */
static void test_language_without_strings(void)
{
    uistr *ui = test_strings();
    char *path = test_src("tests/qsets/invalid-no-ui-strings.json");
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    CHECK(qset_load_file(path, ui, &qs, d) == -1 && !qs);
    CHECKF(d->n == 1, "one message, got %d", d->n);
    int last = UISTR_COUNT - 1; /* the last key every language needs */
    while (last > 0 && uistr_key_fallback((uistr_key)last) != (uistr_key)last)
        last--;
    for (int k = 0; k < UISTR_COUNT; k++) {
        char want[64];
        bool optional = uistr_key_fallback((uistr_key)k) != (uistr_key)k;
        snprintf(want, sizeof want, " %s%s", uistr_key_name((uistr_key)k), k == last ? "" : ",");
        CHECKF(d->n == 1 && !strstr(d->msg[0], want) == optional, "the message %s \"%s\"",
               optional ? "lists the optional" : "lacks", want);
    }
    if (d->n != 1)
        dump_diag(d);

    char *json = dq("{'format':'wijkpeil/1','id':'t','version':1,'languages':['nl','sw','so',"
                    "'ti'],'title':{'nl':'T','sw':'T','so':'T','ti':'T'},'questions':["
                    "{'id':'a','type':'smiley','text':{'nl':'V','sw':'S','so':'S','ti':'S'},"
                    "'required':1}]}");
    CHECK(qset_load_buffer(json, strlen(json), "t.json", NULL, ui, &qs, d) == -1);
    CHECK(diag_has(d, "t.json: language \"sw\" has no interface strings"));
    CHECK(diag_has(d, "t.json: language \"so\" has no interface strings"));
    CHECK(diag_has(d, "t.json: language \"ti\" has no interface strings"));
    CHECK(diag_has(d, "t.json: a: \"required\" must be true or false"));
    CHECKF(d->n == 4, "four messages, got %d", d->n);
    if (d->n != 4)
        dump_diag(d);

    /* Without built-in strings every language needs its own. */
    CHECK(qset_load_buffer(json, strlen(json), "t.json", NULL, NULL, &qs, d) == -1);
    CHECK(diag_has(d, "t.json: language \"nl\" has no interface strings (built in: none;"));
    free(json);
    free(d);
    free(path);
    uistr_free(ui);
}

/* A set older than the cards: its own language ("so") brings every interface string but the
 * 18 card words. It loads (the card words are optional); the kiosk shows no cards in "so"
 * (qset_shows_cards), and the load says so in one warning naming the language and each missing
 * key. The set with the card words warns about nothing. */
static void test_set_without_card_words(void)
{
    uistr *ui = test_strings();
    char *path = test_src("tests/qsets/valid-somali-no-card-words.json");
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    CHECK(qset_load_file(path, ui, &qs, d) == 0 && qs);
    if (d->n)
        dump_diag(d);
    CHECK(d->n == 0);
    if (qs) {
        CHECK(!qset_shows_cards(qs, "so"));
        CHECK(qset_shows_cards(qs, "nl"));
        CHECK_STR(qset_ui_string(qs, ui, "so", UISTR_NEXT), "Xiga");
        CHECK(qset_n_warnings(qs) == 1);
        const char *w = qset_warning(qs, 0);
        CHECK(w && strstr(w, "valid-somali-no-card-words.json: \"ui_strings\" \"so\": no words "
                             "for the cards of what neighbours said, so the kiosk shows no cards "
                             "in \"so\""));
        int named = 0;
        for (int k = 0; k < UISTR_COUNT; k++) {
            bool card = uistr_key_card((uistr_key)k);
            bool in = w && strstr(w, uistr_key_name((uistr_key)k));
            named += card && in;
            CHECKF(!card || in, "card word %s not named", uistr_key_name((uistr_key)k));
        }
        CHECK(named == 18);
        CHECK(qset_warning(qs, 1) == NULL);
    }
    qset_free(qs);
    free(path);
    /* With every card word: no warning, cards in "so". */
    path = test_src("tests/qsets/valid-somali.json");
    qs = NULL;
    CHECK(qset_load_file(path, ui, &qs, d) == 0 && qs);
    CHECK(qs && qset_n_warnings(qs) == 0 && qset_shows_cards(qs, "so"));
    /* without the optional card_months_alone: its own card_months, never the fallback
     * language's words */
    CHECK_STR(qset_ui_string(qs, ui, "so", UISTR_CARD_MONTHS_ALONE),
              qset_ui_string(qs, ui, "so", UISTR_CARD_MONTHS));
    CHECK(strstr(qset_ui_string(qs, ui, "so", UISTR_CARD_MONTHS_ALONE), "Maarso"));
    CHECK(strstr(qset_ui_string(qs, ui, "pl", UISTR_CARD_MONTHS_ALONE), "marzec"));
    qset_free(qs);
    free(path);
    free(d);
    uistr_free(ui);
}

/* Strings from the set: a new language with all of them, and an override of a built-in one. */
static void test_set_strings(void)
{
    uistr *ui = test_strings();
    char *path = test_src("tests/qsets/valid-somali.json");
    qset_diag *d = calloc(1, sizeof *d);
    qset *qs = NULL;
    CHECK(qset_load_file(path, ui, &qs, d) == 0 && qs);
    if (d->n)
        dump_diag(d);
    if (qs) {
        CHECK_STR(qset_ui_string(qs, ui, "so", UISTR_LANGUAGE_NAME), "Soomaali");
        CHECK_STR(qset_ui_string(qs, ui, "so", UISTR_CHOOSE_UP_TO), "Dooro ilaa {n} jawaabood");
        CHECK_STR(qset_ui_string(qs, ui, "so", UISTR_MORE_ANSWERS), "{n} kale");
        CHECK(!qset_ui_rtl(qs, ui, "so"));
        CHECK_STR(qset_ui_string(qs, ui, "nl", UISTR_LANGUAGE_NAME), "Nederlands");
        CHECK_STR(qset_ui_string(qs, ui, "nl", UISTR_THANKS), "Bedankt! Mahadsanid!");
        CHECK_STR(qset_ui_string(qs, ui, "nl", UISTR_NEXT), "Verder"); /* built in */
        CHECK_STR(qset_ui_string(qs, ui, "nl", UISTR_COUNT), "");
    }
    /* No set, or a language the set lacks: the built-in strings. */
    CHECK_STR(qset_ui_string(NULL, ui, "nl", UISTR_NEXT), "Verder");
    CHECK_STR(qset_ui_string(qs, ui, "ar", UISTR_LANGUAGE_NAME), "العربية");
    CHECK(qset_ui_rtl(qs, ui, "ar") && qset_ui_rtl(NULL, ui, "ar"));
    qset_free(qs);

    /* A right-to-left language from the set: Persian, with a copy of the Arabic keys. */
    char *strings = test_src("assets/ui-strings.json");
    json_t *all = json_load_file(strings, 0, NULL);
    free(strings);
    json_t *fa = json_deep_copy(json_object_get(all, "ar"));
    json_object_set_new(fa, "name", json_string("فارسی"));
    json_t *set = json_pack("{s:s, s:s, s:i, s:[s,s], s:{s:s, s:s}, s:[{s:s, s:s, s:{s:s, s:s}}], "
                            "s:{s:o}}",
                            "format", "wijkpeil/1", "id", "fa", "version", 1, "languages", "nl",
                            "fa", "title", "nl", "T", "fa", "T", "questions", "id", "a", "type",
                            "yesno", "text", "nl", "V", "fa", "S", "ui_strings", "fa", fa);
    char *text = json_dumps(set, 0);
    CHECK(text && qset_load_buffer(text, strlen(text), "fa.json", NULL, ui, &qs, d) == 0 && qs);
    if (d->n)
        dump_diag(d);
    if (qs) {
        CHECK(qset_ui_rtl(qs, ui, "fa") && !qset_ui_rtl(qs, ui, "nl"));
        CHECK_STR(qset_ui_string(qs, ui, "fa", UISTR_LANGUAGE_NAME), "فارسی");
    }
    qset_free(qs);
    free(text);
    json_decref(set);
    json_decref(all);
    free(d);
    free(path);
    uistr_free(ui);
}

int main(void)
{
    RUN(test_valid_model);
    RUN(test_strings_owned_by_set);
    RUN(test_note_and_likert);
    RUN(test_matrix);
    RUN(test_share);
    RUN(test_invalid_sets);
    RUN(test_invalid_files);
    RUN(test_collects_all_errors);
    RUN(test_diag_cap);
    RUN(test_question_limit);
    RUN(test_size_and_missing);
    RUN(test_clip_symlink);
    RUN(test_files_model);
    RUN(test_demo_polls);
    RUN(test_language_without_strings);
    RUN(test_set_strings);
    RUN(test_set_without_card_words);
    return test_main();
}
