/* The cards document residents see: parsed whole, texts per language, malformed ones refused. */
#include "cards.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

/* written with ' for " (swapped back by dq) */
static char *dq(const char *s)
{
    char *r = strdup(s);
    for (char *p = r; *p; p++)
        if (*p == '\'')
            *p = '"';
    return r;
}

#define DOC(cards)                                                                                 \
    "{'version':'v1','location':'pottenberg','computed_at':'2027-04-01T09:00:00.000Z',"            \
    "'period':{'from':'2027-03-01','to':'2027-03-31','whole_month':true},'k':10,'cards':[" cards   \
    "]}"
#define CARD                                                                                       \
    "{'questionset':'s','question':'buurt','type':'single','languages':['nl','ar'],"               \
    "'text':{'nl':'Wat?','ar':'ماذا؟'},'n':53,'responses':60,'answers':["                     \
    "{'id':'schoon','text':{'nl':'Schoon','ar':'نظيف'},'count':31,'percent':58},"              \
    "{'id':'','other':true,'count':22,'percent':42}]}"
#define YESNO                                                                                      \
    "{'questionset':'s','question':'kent','type':'yesno','languages':['nl','ar'],"                 \
    "'text':{'nl':'Kent u?','ar':'هل؟'},'n':20,'answers':["                                     \
    "{'id':'yes','count':8,'percent':40},{'id':'no','count':12,'percent':60}]}"

static void test_parse_and_get(void)
{
    char *j = dq(DOC(CARD "," YESNO));
    char err[256];
    cards *c = NULL;
    CHECKF(cards_parse(j, strlen(j), &c, err, sizeof err) == 0, "%s", err);
    if (c) {
        CHECK_STR(cards_version(c), "v1");
        CHECK(cards_count(c) == 2);
        CHECK_STR(cards_period_from(c), "2027-03-01");
        CHECK_STR(cards_period_to(c), "2027-03-31");
        CHECK(cards_whole_month(c));
        CHECK_STR(cards_date(c), "2027-04-01");
        cards_card k;
        cards_get(c, 0, "ar", &k);
        CHECK_STR(k.text, "ماذا؟");
        CHECK(k.n == 53 && k.responses == 60 && k.n_answers == 2);
        CHECK_STR(k.answers[0].text, "نظيف");
        CHECK(k.answers[1].other && k.answers[1].percent == 42);
        CHECK(cards_top(&k) == 0);
        cards_get(c, 0, "en", &k); /* not a language of the card: its first */
        CHECK_STR(k.text, "Wat?");
        cards_get(c, 1, "nl", &k);
        CHECK(k.answers[0].text == NULL); /* the kiosk labels yes and no itself */
        CHECK(cards_top(&k) == 1);
        CHECK(cards_find(c, "s", "kent") == 1 && cards_find(c, "s", "nee") == -1);
    }
    cards_free(c);
    free(j);
}

static void test_refused(void)
{
    static const char *const bad[] = {
        "[]",
        "{'version':'v','cards':[]}", /* no period */
        DOC("{'questionset':'s','question':'q','type':'single','text':{'nl':'x'},'n':1,"
            "'answers':[{'id':'a','count':1,'percent':101}]}"),
        DOC("{'questionset':'s','question':'q','type':'single','text':{'nl':'x'},'n':1,"
            "'answers':[]}"),
        DOC("{'questionset':'s','question':'q','type':'single','text':'x','n':1,"
            "'answers':[{'id':'a','count':1,'percent':1}]}"),
        "{'version':",
        /* a malformed this_month or expected */
        "{'version':'v','period':{'from':'2027-03-01','to':'2027-03-31'},'cards':[],"
        "'this_month':{'from':'2027-04-02','responses':5}}",
        "{'version':'v','period':{'from':'2027-03-01','to':'2027-03-31'},'cards':[],"
        "'this_month':{'from':'2027-04-01','responses':'5'}}",
        "{'version':'v','period':{'from':'2027-03-01','to':'2027-03-31'},'cards':[],"
        "'this_month':{'from':'2027-4-01','responses':5}}",
        DOC("{'questionset':'s','question':'q','type':'single','text':{'nl':'x'},'n':1,"
            "'expected':'80','answers':[{'id':'a','count':1,'percent':100}]}"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *j = dq(bad[i]);
        char err[256] = "";
        cards *c = (cards *)1;
        CHECKF(cards_parse(j, strlen(j), &c, err, sizeof err) == -1 && c == NULL && err[0],
               "case %zu accepted", i);
        free(j);
    }
}

/* "this_month" and a card's "expected" (issue 15): "You are one of N+M" in the month they are of,
 * "fewer neighbours than usual" when expected is there. */
static void test_this_month_and_expected(void)
{
    char *j = dq(
        "{'version':'v2','computed_at':'2027-04-10T09:20:00.250Z',"
        "'period':{'from':'2027-03-01','to':'2027-03-31','whole_month':true},"
        "'this_month':{'from':'2027-04-01','responses':41},'cards':["
        "{'questionset':'s','question':'q','type':'single','text':{'nl':'x'},'n':53,"
        "'responses':53,'expected':80,'answers':[{'id':'a','count':53,'percent':100}]}," CARD "]}");
    char err[256];
    cards *c = NULL;
    CHECKF(cards_parse(j, strlen(j), &c, err, sizeof err) == 0, "%s", err);
    if (c) {
        CHECK(cards_computed_ms(c) == 1807348800250LL); /* 2027-04-10T09:20:00.250Z */
        CHECK(cards_one_of(c, "2027-04-23", 3) == 44);  /* 41 at the collector, 3 since here */
        CHECK(cards_one_of(c, "2027-04-01", 0) == 41);
        CHECK(cards_one_of(c, "2027-05-01", 3) == -1); /* a new month: not known */
        CHECK(cards_one_of(c, "2027-04-23", -1) == -1);
        cards_card k;
        cards_get(c, 0, "nl", &k);
        CHECK(k.expected == 80 && k.responses == 53);
        cards_get(c, 1, "nl", &k);
        CHECK(k.expected == 0); /* not given */
    }
    cards_free(c);
    free(j);
    /* Without this_month: never a count. */
    j = dq(DOC(CARD));
    c = NULL;
    CHECKF(cards_parse(j, strlen(j), &c, err, sizeof err) == 0, "%s", err);
    if (c)
        CHECK(cards_one_of(c, "2027-04-01", 3) == -1 && cards_computed_ms(c) > 0);
    cards_free(c);
    free(j);
}

int main(void)
{
    RUN(test_parse_and_get);
    RUN(test_this_month_and_expected);
    RUN(test_refused);
    return test_main();
}
