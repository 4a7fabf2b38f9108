/* The pure poll flow: screens, progress, next/skip/finish, toggling, multi min/max, show_if,
 * back, language switch, idle warning and reset, clean wipe, deadlines, answers JSON. */
#include "flow.h"
#include "qset.h"
#include "testlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T2(nl, en) "{\"nl\": \"" nl "\", \"en\": \"" en "\"}"
#define OPT(id)    "{\"id\": \"" id "\", \"text\": " T2(id, id) "}"

/* Seven questions, two languages:
 *  0 q1 single a b c
 *  1 q2 smiley
 *  2 q3 single x y      show_if q2 in 1,2
 *  3 q4 multi m1..m5    min 2 max 3
 *  4 q5 yesno prefer_not, required
 *  5 q6 scale 1..5      show_if q3 in x (a chain: hidden whenever q3 is)
 *  6 q7 multi n1 n2     (no max) */
static const char POLL[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"flow-test\", \"version\": 7,"
    " \"languages\": [\"nl\", \"en\"],"
    " \"title\": " T2("Titel", "Title") ", \"welcome\": " T2(
        "Welkom",
        "Welcome") ","
                   " \"thanks\": " T2(
                       "Bedankt",
                       "Thanks") ","
                                 " \"questions\": ["
                                 "  {\"id\": \"q1\", \"type\": \"single\", \"text\": " T2(
                                     "V1",
                                     "Q1") ","
                                           "   \"options\": [" OPT("a") ", " OPT("b") ", " OPT(
                                               "c") "]},"
                                                    "  {\"id\": \"q2\", \"type\": \"smiley\", "
                                                    "\"text\": " T2(
                                                        "V2",
                                                        "Q2") "},"
                                                              "  {\"id\": \"q3\", \"type\": "
                                                              "\"single\", \"text\": " T2(
                                                                  "V3",
                                                                  "Q3") ","
                                                                        "   \"show_if\": "
                                                                        "{\"question\": \"q2\", "
                                                                        "\"any_of\": [\"1\", "
                                                                        "\"2\"]},"
                                                                        "   \"options\": [" OPT("x") ", " OPT(
                                                                            "y") "]},"
                                                                                 "  {\"id\": "
                                                                                 "\"q4\", "
                                                                                 "\"type\": "
                                                                                 "\"multi\", "
                                                                                 "\"min\": 2, "
                                                                                 "\"max\": 3, "
                                                                                 "\"text\": " T2(
                                                                                     "V4",
                                                                                     "Q4") ","
                                                                                           "   "
                                                                                           "\"optio"
                                                                                           "ns\": "
                                                                                           "[" OPT("m1") ", " OPT("m2") ", " OPT("m3") ", " OPT("m4") ", " OPT(
                                                                                               "m5") "]},"
                                                                                                     "  {\"id\": \"q5\", \"type\": \"yesno\", \"prefer_not\": true, \"required\": true,"
                                                                                                     "   \"text\": " T2(
                                                                                                         "V5",
                                                                                                         "Q5") "},"
                                                                                                               "  {\"id\": \"q6\", \"type\": \"scale\", \"min\": 1, \"max\": 5, \"text\": " T2(
                                                                                                                   "V6",
                                                                                                                   "Q6") ","
                                                                                                                         "   \"show_if\": {\"question\": \"q3\", \"any_of\": [\"x\"]}},"
                                                                                                                         "  {\"id\": \"q7\", \"type\": \"multi\", \"text\": " T2(
                                                                                                                             "V7",
                                                                                                                             "Q7") ","
                                                                                                                                   "   \"options\": [" OPT(
                                                                                                                                       "n1") ", " OPT("n2") "]}"
                                                                                                                                                            " ]}";

/* One language, two questions; the last one hidden unless the first is "ja". */
static const char SMALL[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"small\", \"version\": 1,"
    " \"languages\": [\"nl\"], \"title\": {\"nl\": \"T\"}, \"welcome\": {\"nl\": \"W\"},"
    " \"thanks\": {\"nl\": \"D\"},"
    " \"questions\": ["
    "  {\"id\": \"s1\", \"type\": \"single\", \"text\": {\"nl\": \"S1\"},"
    "   \"options\": [{\"id\": \"ja\", \"text\": {\"nl\": \"Ja\"}},"
    "                 {\"id\": \"nee\", \"text\": {\"nl\": \"Nee\"}}]},"
    "  {\"id\": \"s2\", \"type\": \"yesno\", \"text\": {\"nl\": \"S2\"},"
    "   \"show_if\": {\"question\": \"s1\", \"any_of\": [\"ja\"]}}"
    " ]}";

enum { Q1, Q2, Q3, Q4, Q5, Q6, Q7 };

#define IDLE   90000
#define STILL  30000
#define THANKS 8000
#define CYCLE  3000
#define HINT   4000
#define T0     1000000 /* the injected clock starts here */

static qset *load(const char *text)
{
    qset *qs = NULL;
    qset_diag *diag = calloc(1, sizeof *diag);
    uistr *ui = test_strings();
    int rc = qset_load_buffer(text, strlen(text), "inline.json", ".", ui, &qs, diag);
    CHECKF(rc == 0, "inline question set loads: %s", diag->n ? diag->msg[0] : "");
    uistr_free(ui);
    free(diag);
    return qs;
}

static flow_options opts(bool keep)
{
    flow_options o;
    flow_default_options(&o);
    o.idle_ms = IDLE;
    o.still_there_ms = STILL;
    o.thanks_ms = THANKS;
    o.attract_cycle_ms = CYCLE;
    o.hint_ms = HINT;
    o.keep_abandoned = keep;
    return o;
}

/* Option index of a value on question q. */
static int opt(const qset *qs, int q, const char *value)
{
    int i = qset_find_option(qset_question_at(qs, q), value);
    CHECKF(i >= 0, "option %s on question %d", value, q);
    return i;
}

static void progress_is(const flow *f, int pos, int total, int line)
{
    int p = -1, t = -1;
    flow_progress(f, &p, &t);
    test_checkf(p == pos && t == total, __FILE__, line, "progress %d / %d, expected %d / %d", p, t,
                pos, total);
}
#define PROGRESS(f, p, t) progress_is(f, p, t, __LINE__)

/* A flow at the first question, language lang, at time *now. */
static flow *started(const qset *qs, bool keep, int lang, int64_t *now)
{
    flow_options o = opts(keep);
    flow *f = flow_new(qs, &o, *now);
    CHECK(f != NULL);
    CHECK(flow_start(f, ++*now));
    CHECK(flow_choose_language(f, lang, ++*now));
    return f;
}

static int n_answered(const flow_response *r)
{
    int n = 0;
    for (int i = 0; i < qset_n_questions(r->qs); i++)
        n += r->answers[i] != 0;
    return n;
}

static void test_defaults(void)
{
    flow_options o;
    flow_default_options(&o);
    CHECK(o.idle_ms == 90000);
    CHECK(o.still_there_ms == 30000);
    CHECK(o.thanks_ms == 8000);
    CHECK(o.keep_abandoned);
    CHECK(o.hint_ms > 0 && o.attract_cycle_ms > 0);
    flow_free(NULL);
    CHECK_STR(flow_screen_name(FLOW_ATTRACT), "attract");
    CHECK_STR(flow_screen_name(FLOW_LANGUAGE), "language");
    CHECK_STR(flow_screen_name(FLOW_QUESTION), "question");
    CHECK_STR(flow_screen_name(FLOW_STILL_THERE), "still-there");
    CHECK_STR(flow_screen_name(FLOW_THANKS), "thanks");
    CHECK_STR(flow_screen_name(FLOW_SAVE_ERROR), "save-error");
}

static void test_start_language_first_question(void)
{
    qset *qs = load(POLL);
    flow_options o = opts(true);
    int64_t now = T0;
    flow *f = flow_new(qs, &o, now);
    CHECK(flow_current(f) == FLOW_ATTRACT);
    CHECK(flow_question(f) == -1);
    CHECK(!flow_busy(f));
    CHECK(flow_language(f) == 0);
    CHECK(flow_qset(f) == qs);
    /* Nothing but start works on the attract screen. */
    CHECK(!flow_next(f, now));
    CHECK(!flow_toggle(f, 0, now));
    CHECK(!flow_choose_language(f, 1, now));
    CHECK(!flow_open_languages(f, now));
    CHECK(!flow_continue(f, now));
    CHECK(!flow_back(f, now));
    CHECK(flow_current(f) == FLOW_ATTRACT);

    CHECK(flow_start(f, now += 10));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    CHECK(flow_busy(f));
    CHECK(flow_question(f) == -1);
    CHECK(!flow_start(f, now)); /* only from attract */
    CHECK(!flow_choose_language(f, 2, now));
    CHECK(!flow_choose_language(f, -1, now));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    CHECK(flow_choose_language(f, 1, now += 10));
    CHECK(flow_current(f) == FLOW_QUESTION);
    CHECK(flow_question(f) == Q1);
    CHECK(flow_language(f) == 1);
    CHECK(flow_can_go_back(f));
    CHECK(flow_hint_now(f, now) == FLOW_HINT_NONE);
    /* q3 and q6 are hidden until q2/q3 are answered; the progress counts them, since those
     * answers may still show them. */
    PROGRESS(f, 1, 7);
    CHECK(flow_visible(f, Q1) && flow_visible(f, Q2) && !flow_visible(f, Q3));
    CHECK(!flow_visible(f, Q6));
    flow_free(f);
    qset_free(qs);
}

static void test_progress_and_next_kinds(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 0, &now);
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_SKIP);
    CHECK(flow_next_enabled(f));
    CHECK(flow_toggle(f, opt(qs, Q1, "b"), ++now));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_NEXT);
    CHECK(flow_current(f) == FLOW_QUESTION && flow_question(f) == Q1); /* never moves by itself */
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q2);
    PROGRESS(f, 2, 7);
    /* Smiley "1" shows q3, which the total counted already: it never grows going forward. */
    CHECK(flow_toggle(f, opt(qs, Q2, "1"), ++now));
    PROGRESS(f, 2, 7);
    CHECK(flow_visible(f, Q3));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q3);
    PROGRESS(f, 3, 7);
    CHECK(flow_toggle(f, opt(qs, Q3, "x"), ++now));
    PROGRESS(f, 3, 7);
    CHECK(flow_visible(f, Q6));
    /* "y" hides q6 again: the total shrinks. */
    CHECK(flow_toggle(f, opt(qs, Q3, "y"), ++now));
    PROGRESS(f, 3, 6);
    CHECK(!flow_visible(f, Q6));
    CHECK(flow_toggle(f, opt(qs, Q3, "x"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q4);
    PROGRESS(f, 4, 7);
    CHECK(flow_next(f, ++now)); /* skip the multi (min applies only when something is chosen) */
    CHECK(flow_question(f) == Q5);
    PROGRESS(f, 5, 7);
    /* Required, unanswered: next disabled, labelled next (not skip). */
    CHECK(!flow_next_enabled(f));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_NEXT);
    CHECK(flow_toggle(f, opt(qs, Q5, "prefer_not"), ++now));
    CHECK(flow_next_enabled(f));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q6);
    PROGRESS(f, 6, 7);
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q7);
    PROGRESS(f, 7, 7);
    /* The last question: skip while empty, finish when answered. */
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_SKIP);
    CHECK(flow_toggle(f, opt(qs, Q7, "n2"), ++now));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_FINISH);
    CHECK(flow_next(f, ++now));
    CHECK(flow_current(f) == FLOW_THANKS);
    flow_response r;
    CHECK(flow_take_response(f, &r));
    CHECK(!r.abandoned);
    CHECK(r.language == 0);
    CHECK(!flow_take_response(f, &r)); /* moved out once */
    flow_free(f);
    qset_free(qs);
}

static void test_finish_when_rest_hidden(void)
{
    qset *qs = load(SMALL);
    int64_t now = T0;
    flow *f = started(qs, true, 0, &now);
    PROGRESS(f, 1, 2); /* s2 may still be shown */
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_SKIP);
    CHECK(flow_toggle(f, opt(qs, 0, "nee"), ++now));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_FINISH); /* s2 stays hidden */
    PROGRESS(f, 1, 1);
    CHECK(flow_toggle(f, opt(qs, 0, "ja"), ++now));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_NEXT);
    PROGRESS(f, 1, 2);
    CHECK(flow_toggle(f, opt(qs, 0, "nee"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_current(f) == FLOW_THANKS);
    flow_response r;
    CHECK(flow_take_response(f, &r));
    char *js = flow_answers_json(&r);
    CHECK_STR(js, "{\"s1\":\"nee\"}");
    free(js);
    flow_free(f);
    qset_free(qs);
}

static void test_required_hint(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 0, &now);
    for (int i = 0; i < 3; i++) /* q1, q2 skipped (q3 hidden), q4 skipped */
        CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q5);
    CHECK(!flow_next_enabled(f));
    int64_t pressed = ++now;
    CHECK(flow_next(f, pressed)); /* the hint appears */
    CHECK(flow_question(f) == Q5);
    CHECK(flow_current(f) == FLOW_QUESTION);
    CHECK(flow_hint_now(f, pressed) == FLOW_HINT_REQUIRED);
    CHECK(flow_hint_now(f, pressed + HINT - 1) == FLOW_HINT_REQUIRED);
    CHECK(flow_hint_now(f, pressed + HINT) == FLOW_HINT_NONE);
    CHECK(flow_deadline(f, pressed) == pressed + HINT);
    CHECK(!flow_tick(f, pressed + HINT - 1));
    CHECK(flow_tick(f, pressed + HINT));
    CHECK(!flow_tick(f, pressed + HINT));
    CHECK(flow_hint_now(f, pressed + HINT) == FLOW_HINT_NONE);
    /* Answering clears a hint at once. */
    now = pressed + HINT;
    CHECK(flow_next(f, ++now));
    CHECK(flow_hint_now(f, now) == FLOW_HINT_REQUIRED);
    CHECK(flow_toggle(f, opt(qs, Q5, "no"), ++now));
    CHECK(flow_hint_now(f, now) == FLOW_HINT_NONE);
    CHECK(flow_next_enabled(f));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q7); /* q6 hidden */
    flow_free(f);
    qset_free(qs);
}

static void test_single_toggle(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 0, &now);
    int a = opt(qs, Q1, "a"), b = opt(qs, Q1, "b");
    CHECK(flow_toggle(f, a, ++now));
    CHECK(flow_selected(f, Q1, a) && flow_n_selected(f, Q1) == 1);
    CHECK(flow_toggle(f, b, ++now)); /* another option replaces it */
    CHECK(!flow_selected(f, Q1, a) && flow_selected(f, Q1, b));
    CHECK(flow_n_selected(f, Q1) == 1);
    CHECK(flow_toggle(f, b, ++now)); /* tapping it again takes it back */
    CHECK(flow_n_selected(f, Q1) == 0);
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_SKIP);
    CHECK(!flow_toggle(f, 3, ++now)); /* out of range */
    CHECK(!flow_toggle(f, -1, ++now));
    CHECK(!flow_selected(f, Q1, 40) && !flow_selected(f, 99, 0) && flow_n_selected(f, -1) == 0);
    /* Smiley, yesno and scale toggle the same way. */
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q2, "3"), ++now));
    CHECK(flow_toggle(f, opt(qs, Q2, "4"), ++now));
    CHECK(flow_n_selected(f, Q2) == 1 && flow_selected(f, Q2, opt(qs, Q2, "4")));
    CHECK(flow_toggle(f, opt(qs, Q2, "4"), ++now));
    CHECK(flow_n_selected(f, Q2) == 0);
    flow_free(f);
    qset_free(qs);
}

static void test_multi_max_and_min(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 0, &now);
    CHECK(flow_next(f, ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q4);
    /* min 2: one chosen -> next disabled, pressing shows the MIN hint. */
    CHECK(flow_toggle(f, 0, ++now));
    CHECK(!flow_next_enabled(f));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q4);
    CHECK(flow_hint_now(f, now) == FLOW_HINT_MIN);
    CHECK(flow_toggle(f, 1, ++now));
    CHECK(flow_hint_now(f, now) == FLOW_HINT_NONE);
    CHECK(flow_next_enabled(f));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_NEXT);
    CHECK(flow_toggle(f, 2, ++now));
    CHECK(flow_n_selected(f, Q4) == 3);
    /* max 3: the fourth is refused with a hint that expires after hint_ms. */
    int64_t refused = ++now;
    CHECK(flow_toggle(f, 3, refused));
    CHECK(flow_n_selected(f, Q4) == 3);
    CHECK(!flow_selected(f, Q4, 3));
    CHECK(flow_hint_now(f, refused) == FLOW_HINT_MAX);
    CHECK(flow_hint_now(f, refused + HINT - 1) == FLOW_HINT_MAX);
    CHECK(flow_deadline(f, refused) == refused + HINT);
    CHECK(!flow_tick(f, refused + HINT - 1));
    CHECK(flow_tick(f, refused + HINT)); /* the hint went away: redraw */
    CHECK(flow_hint_now(f, refused + HINT) == FLOW_HINT_NONE);
    CHECK(!flow_tick(f, refused + HINT + 1));
    CHECK(flow_deadline(f, refused + HINT) == flow_deadline(f, refused + HINT + 1));
    now = refused + HINT;
    /* Unchoosing one makes room. */
    CHECK(flow_toggle(f, 0, ++now));
    CHECK(flow_n_selected(f, Q4) == 2);
    CHECK(flow_toggle(f, 3, ++now));
    CHECK(flow_n_selected(f, Q4) == 3 && flow_selected(f, Q4, 3));
    CHECK(flow_hint_now(f, now) == FLOW_HINT_NONE);
    /* Unchoose all: an empty multi that is not required can be skipped. */
    CHECK(flow_toggle(f, 1, ++now) && flow_toggle(f, 2, ++now) && flow_toggle(f, 3, ++now));
    CHECK(flow_n_selected(f, Q4) == 0);
    CHECK(flow_next_enabled(f));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_SKIP);
    /* A multi without max takes every option. */
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q5, "yes"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q7);
    CHECK(flow_toggle(f, 0, ++now) && flow_toggle(f, 1, ++now));
    CHECK(flow_n_selected(f, Q7) == 2);
    CHECK(flow_hint_now(f, now) == FLOW_HINT_NONE);
    flow_free(f);
    qset_free(qs);
}

/* Walks to q6 with q1=a, q2=1, q3=x. */
static flow *to_q6(const qset *qs, bool keep, int64_t *now)
{
    flow *f = started(qs, keep, 0, now);
    CHECK(flow_toggle(f, opt(qs, Q1, "a"), ++*now));
    CHECK(flow_next(f, ++*now));
    CHECK(flow_toggle(f, opt(qs, Q2, "1"), ++*now));
    CHECK(flow_next(f, ++*now));
    CHECK(flow_question(f) == Q3);
    CHECK(flow_toggle(f, opt(qs, Q3, "x"), ++*now));
    CHECK(flow_next(f, ++*now));
    CHECK(flow_toggle(f, 0, ++*now) && flow_toggle(f, 4, ++*now));
    CHECK(flow_next(f, ++*now));
    CHECK(flow_toggle(f, opt(qs, Q5, "yes"), ++*now));
    CHECK(flow_next(f, ++*now));
    CHECK(flow_question(f) == Q6);
    return f;
}

static void test_show_if_drops_hidden_answers(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = to_q6(qs, true, &now);
    CHECK(flow_toggle(f, opt(qs, Q6, "4"), ++now));
    PROGRESS(f, 6, 7);
    /* Back to q2 and change it: q3 and (by the chain) q6 become hidden. */
    CHECK(flow_back(f, ++now) && flow_question(f) == Q5);
    CHECK(flow_back(f, ++now) && flow_question(f) == Q4);
    CHECK(flow_back(f, ++now) && flow_question(f) == Q3);
    CHECK(flow_selected(f, Q3, opt(qs, Q3, "x"))); /* back keeps answers */
    CHECK(flow_back(f, ++now) && flow_question(f) == Q2);
    PROGRESS(f, 2, 7);
    CHECK(flow_toggle(f, opt(qs, Q2, "5"), ++now));
    PROGRESS(f, 2, 5);
    CHECK(!flow_visible(f, Q3) && !flow_visible(f, Q6));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q4); /* q3 skipped */
    PROGRESS(f, 3, 5);
    /* Back across the hidden question lands on q2. */
    CHECK(flow_back(f, ++now));
    CHECK(flow_question(f) == Q2);
    CHECK(flow_next(f, ++now) && flow_question(f) == Q4);
    CHECK(flow_next(f, ++now) && flow_question(f) == Q5);
    CHECK(flow_next(f, ++now) && flow_question(f) == Q7); /* q6 hidden */
    PROGRESS(f, 5, 5);
    CHECK(flow_next(f, ++now)); /* skip q7: finish */
    CHECK(flow_current(f) == FLOW_THANKS);
    flow_response r;
    CHECK(flow_take_response(f, &r));
    CHECK(r.answers[Q3] == 0);
    CHECK(r.answers[Q6] == 0);
    CHECK(r.answers[Q1] != 0 && r.answers[Q2] != 0 && r.answers[Q4] != 0 && r.answers[Q5] != 0);
    char *js = flow_answers_json(&r);
    CHECK_STR(js, "{\"q1\":\"a\",\"q2\":\"5\",\"q4\":[\"m1\",\"m5\"],\"q5\":\"yes\"}");
    free(js);
    flow_free(f);
    qset_free(qs);
}

static void test_back_to_language_and_return(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now);
    CHECK(flow_toggle(f, opt(qs, Q1, "c"), ++now));
    CHECK(flow_back(f, ++now));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    CHECK(flow_question(f) == -1);
    CHECK(flow_busy(f));
    CHECK(flow_choose_language(f, 0, ++now));
    CHECK(flow_current(f) == FLOW_QUESTION && flow_question(f) == Q1);
    CHECK(flow_language(f) == 0);
    CHECK(flow_selected(f, Q1, opt(qs, Q1, "c")));
    /* Back from the language screen (opened from the question) returns to the question. */
    CHECK(flow_back(f, ++now));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    CHECK(flow_back(f, ++now));
    CHECK(flow_current(f) == FLOW_QUESTION && flow_question(f) == Q1);
    CHECK(flow_selected(f, Q1, opt(qs, Q1, "c")));
    flow_free(f);

    /* Back on the language screen right after start: the resident leaves; nothing stored. */
    flow_options o = opts(true);
    f = flow_new(qs, &o, now);
    CHECK(flow_start(f, ++now));
    CHECK(flow_back(f, ++now));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    CHECK(!flow_busy(f));
    flow_response r;
    CHECK(!flow_take_response(f, &r));
    flow_free(f);
    qset_free(qs);
}

static void test_language_switch_keeps_answers(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = to_q6(qs, true, &now);
    CHECK(flow_language(f) == 0);
    CHECK(flow_toggle(f, opt(qs, Q6, "2"), ++now));
    CHECK(flow_open_languages(f, ++now));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    CHECK(flow_question(f) == -1);
    CHECK(flow_choose_language(f, 1, ++now));
    CHECK(flow_current(f) == FLOW_QUESTION);
    CHECK(flow_question(f) == Q6);
    CHECK(flow_language(f) == 1);
    PROGRESS(f, 6, 7);
    CHECK(flow_selected(f, Q6, opt(qs, Q6, "2")));
    CHECK(flow_selected(f, Q1, opt(qs, Q1, "a")));
    CHECK(flow_selected(f, Q3, opt(qs, Q3, "x")));
    CHECK(flow_n_selected(f, Q4) == 2);
    /* Switching again, to the same language, also returns. */
    CHECK(flow_open_languages(f, ++now));
    CHECK(flow_choose_language(f, 1, ++now));
    CHECK(flow_question(f) == Q6);
    CHECK(flow_next(f, ++now) && flow_question(f) == Q7);
    CHECK(flow_next(f, ++now));
    flow_response r;
    CHECK(flow_take_response(f, &r));
    CHECK(r.language == 1);
    CHECK(!r.abandoned);
    CHECK(n_answered(&r) == 6);
    flow_free(f);
    qset_free(qs);
}

static void test_idle_still_there_continue(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 0, &now);
    CHECK(flow_toggle(f, opt(qs, Q1, "b"), ++now));
    CHECK(flow_next(f, ++now));
    int64_t last = now;
    CHECK(flow_deadline(f, last) == last + IDLE);
    CHECK(flow_deadline(f, last + 5000) == last + IDLE);
    /* Nothing due before the idle time: no redraw. */
    CHECK(!flow_tick(f, last + 1));
    CHECK(!flow_tick(f, last + IDLE - 1));
    CHECK(flow_current(f) == FLOW_QUESTION);
    /* A touch restarts the idle timer. */
    flow_activity(f, last + 1000);
    CHECK(!flow_tick(f, last + IDLE));
    CHECK(flow_deadline(f, last + IDLE) == last + 1000 + IDLE);
    last += 1000;
    CHECK(flow_tick(f, last + IDLE));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    CHECK(flow_busy(f));
    CHECK(flow_question(f) == -1);
    int64_t t = last + IDLE;
    CHECK(flow_countdown(f, t) == 30);
    CHECK(flow_countdown(f, t + 1) == 30);
    CHECK(flow_countdown(f, t + 999) == 30);
    CHECK(flow_countdown(f, t + 1000) == 29);
    CHECK(flow_countdown(f, t + 1001) == 29);
    CHECK(flow_countdown(f, t + 29000) == 1);
    CHECK(flow_countdown(f, t + 29999) == 1);
    CHECK(flow_countdown(f, t + STILL) == 0);
    /* The countdown redraws once a second. */
    CHECK(flow_deadline(f, t) == t + 1000);
    CHECK(flow_deadline(f, t + 1) == t + 1000);
    CHECK(flow_deadline(f, t + 1000) == t + 2000);
    CHECK(flow_deadline(f, t + 29500) == t + STILL);
    CHECK(!flow_tick(f, t + 1000));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    CHECK(!flow_tick(f, t + STILL - 1));
    /* Continue: the same question, the same answers. */
    CHECK(flow_continue(f, t + STILL - 1));
    CHECK(flow_current(f) == FLOW_QUESTION);
    CHECK(flow_question(f) == Q2);
    CHECK(flow_selected(f, Q1, opt(qs, Q1, "b")));
    CHECK(!flow_continue(f, t + STILL)); /* only on still-there */
    /* The idle timer starts again from the continue. */
    int64_t c = t + STILL - 1;
    CHECK(!flow_tick(f, c + IDLE - 1));
    CHECK(flow_tick(f, c + IDLE));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    flow_response r;
    CHECK(!flow_take_response(f, &r));
    flow_free(f);

    /* The language screen also times out, and continue returns to it. */
    flow_options o = opts(true);
    now = T0;
    f = flow_new(qs, &o, now);
    CHECK(flow_start(f, now));
    CHECK(!flow_tick(f, now + IDLE - 1));
    CHECK(flow_tick(f, now + IDLE));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    CHECK(flow_continue(f, now + IDLE + 5));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    flow_free(f);
    qset_free(qs);
}

/* Idles out of a flow at *now and returns whether a response was emitted into *r. */
static bool idle_out(flow *f, int64_t *now, flow_response *r)
{
    int64_t t = *now + IDLE;
    CHECK(flow_tick(f, t));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    CHECK(!flow_take_response(f, r)); /* nothing yet: they may come back */
    CHECK(!flow_tick(f, t + STILL - 1));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    CHECK(flow_tick(f, t + STILL));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    *now = t + STILL;
    return flow_take_response(f, r);
}

/* Issue 14: every language the resident chose is recorded, in order of first use, with the last
 * one as the response's language. */
static void test_languages_in_order(void)
{
    qset *qs = load(POLL);
    flow_response r;
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now); /* en */
    CHECK(flow_toggle(f, opt(qs, Q1, "a"), ++now));
    CHECK(flow_open_languages(f, ++now));
    CHECK(flow_choose_language(f, 0, ++now)); /* nl */
    CHECK(flow_open_languages(f, ++now));
    CHECK(flow_choose_language(f, 1, ++now)); /* en again: already used */
    CHECK(flow_abandon(f, ++now));
    CHECK(flow_take_response(f, &r));
    CHECK(r.n_languages == 2);
    CHECK(r.languages[0] == 1 && r.languages[1] == 0);
    CHECK(r.language == 1);
    /* The next resident starts with an empty list. */
    CHECK(flow_start(f, ++now));
    CHECK(flow_choose_language(f, 0, ++now));
    CHECK(flow_toggle(f, opt(qs, Q1, "b"), ++now));
    CHECK(flow_abandon(f, ++now));
    CHECK(flow_take_response(f, &r));
    CHECK(r.n_languages == 1 && r.languages[0] == 0 && r.language == 0);
    flow_free(f);
    qset_free(qs);
}

/* Issue 14: active_ms leaves out the idle stretch that led to "still there?" and the time on
 * that screen; an abandoned response's idle minutes are not counted at all. */
static void test_active_ms(void)
{
    qset *qs = load(SMALL);
    flow_options o = opts(true);
    flow_response r;
    int64_t now = T0;
    flow *f = flow_new(qs, &o, now);
    CHECK(flow_start(f, now));
    int64_t start = now;
    CHECK(flow_choose_language(f, 0, now += 2000));
    CHECK(flow_toggle(f, opt(qs, 0, "nee"), now += 3000));
    CHECK(flow_tick(f, now += IDLE));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    flow_activity(f, now += 4000); /* a touch on the still-there screen */
    CHECK(flow_continue(f, now += 6000));
    CHECK(flow_next(f, now += 1500)); /* s2 hidden: finished */
    CHECK(flow_take_response(f, &r));
    CHECK(!r.abandoned);
    CHECK(r.finished_mono_ms - r.started_mono_ms == now - start);
    CHECKF(r.active_ms == 2000 + 3000 + 1500, "active_ms %lld", (long long)r.active_ms);
    CHECK(flow_tick(f, now += THANKS));

    /* Walked away: the minutes idle and on still-there are all left out. */
    CHECK(flow_start(f, now));
    CHECK(flow_choose_language(f, 0, now += 2000));
    CHECK(flow_toggle(f, opt(qs, 0, "ja"), now += 3000));
    CHECK(idle_out(f, &now, &r));
    CHECK(r.abandoned);
    CHECK(r.finished_mono_ms - r.started_mono_ms == 5000 + IDLE + STILL);
    CHECKF(r.active_ms == 5000, "active_ms %lld", (long long)r.active_ms);

    /* Stopped (SIGTERM) while reading: the reading counts. */
    CHECK(flow_start(f, now));
    CHECK(flow_choose_language(f, 0, now += 1000));
    CHECK(flow_toggle(f, opt(qs, 0, "ja"), now += 1000));
    CHECK(flow_abandon(f, now += 4000));
    CHECK(flow_take_response(f, &r));
    CHECKF(r.active_ms == 6000, "active_ms %lld", (long long)r.active_ms);
    flow_free(f);
    qset_free(qs);
}

/* One resident of SMALL at *now: answers s1 = v1 (and yes on s2 when shown), spending gap ms
 * before each tap; returns the response (after the thank-you screen is gone). */
static flow_response small_resident(flow *f, const qset *qs, const char *v1, int64_t gap,
                                    int64_t *now)
{
    flow_response r;
    memset(&r, 0, sizeof r);
    CHECK(flow_start(f, *now));
    CHECK(flow_choose_language(f, 0, *now += gap));
    CHECK(flow_toggle(f, opt(qs, 0, v1), *now += gap));
    CHECK(flow_next(f, *now += gap));
    if (flow_current(f) == FLOW_QUESTION) {
        CHECK(flow_toggle(f, 0, *now += gap));
        CHECK(flow_next(f, *now += gap));
    }
    CHECK(flow_take_response(f, &r));
    CHECK(flow_tick(f, *now += THANKS));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    return r;
}

/* Issue 14: rapid_repeat (soon after the previous response, mostly the same answers) and
 * too_fast (less time on the answered questions than their minimum reading time) are flags on
 * a response that is still handed over: never a drop. */
static void test_quality_flags(void)
{
    qset *qs = load(SMALL);
    flow_options o = opts(true);
    CHECK(o.rapid_repeat_ms == 60000 && o.rapid_repeat_same_pct == 80);
    CHECK(o.too_fast_ms_per_char == 20 && o.too_fast_min_ms == 500);
    int64_t now = T0;
    flow *f = flow_new(qs, &o, now);
    /* "S1" is 2 characters: 40 ms to read, so the 500 ms minimum per question applies */
    flow_response r = small_resident(f, qs, "nee", 1000, &now);
    CHECKF(r.flags == 0, "first response: flags %u", r.flags);
    r = small_resident(f, qs, "nee", 1000, &now); /* the same again within a minute */
    CHECKF(r.flags == FLOW_FLAG_RAPID_REPEAT, "repeat: flags %u", r.flags);
    CHECK(n_answered(&r) == 1);
    r = small_resident(f, qs, "ja", 1000, &now); /* soon, but other answers */
    CHECKF(r.flags == 0, "other answers: flags %u", r.flags);
    r = small_resident(f, qs, "ja", 100, &now); /* 200 ms on each question: too fast, again */
    CHECKF(r.flags == (FLOW_FLAG_RAPID_REPEAT | FLOW_FLAG_TOO_FAST), "fast repeat: flags %u",
           r.flags);
    now += 60001; /* the same answers, but more than a minute later */
    r = small_resident(f, qs, "ja", 1000, &now);
    CHECKF(r.flags == 0, "a minute later: flags %u", r.flags);
    flow_free(f);

    /* Both switched off: nothing flagged. */
    o.rapid_repeat_ms = 0;
    o.too_fast_ms_per_char = 0;
    f = flow_new(qs, &o, now);
    r = small_resident(f, qs, "ja", 100, &now);
    r = small_resident(f, qs, "ja", 100, &now);
    CHECKF(r.flags == 0, "switched off: flags %u", r.flags);
    flow_free(f);
    qset_free(qs);

    /* The minimum follows the text: 100 characters at 20 ms are 2 s. */
    char longq[1024];
    char text[101];
    memset(text, 'x', 100);
    text[100] = '\0';
    snprintf(longq, sizeof longq,
             "{\"format\": \"wijkpeil/1\", \"id\": \"long\", \"version\": 1,"
             " \"languages\": [\"nl\"], \"title\": {\"nl\": \"T\"}, \"welcome\": {\"nl\": \"W\"},"
             " \"thanks\": {\"nl\": \"D\"}, \"questions\": [{\"id\": \"l1\", \"type\": \"yesno\","
             " \"text\": {\"nl\": \"%s\"}}]}",
             text);
    qs = load(longq);
    o = opts(true);
    o.rapid_repeat_ms = 0;
    f = flow_new(qs, &o, now);
    r = small_resident(f, qs, "yes", 700, &now); /* 1400 ms on the question */
    CHECKF(r.flags == FLOW_FLAG_TOO_FAST, "1.4 s for 100 characters: flags %u", r.flags);
    r = small_resident(f, qs, "yes", 1100, &now); /* 2200 ms */
    CHECKF(r.flags == 0, "2.2 s for 100 characters: flags %u", r.flags);
    flow_free(f);
    qset_free(qs);
}

static void test_reset_and_abandoned(void)
{
    qset *qs = load(POLL);
    flow_response r;

    /* One answer, keep_abandoned: an abandoned response with exactly that answer. */
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now);
    int64_t start = T0 + 1;
    CHECK(flow_toggle(f, opt(qs, Q1, "c"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(idle_out(f, &now, &r));
    CHECK(r.abandoned);
    CHECK(r.qs == qs);
    CHECK(r.language == 1);
    CHECK(r.started_mono_ms == start);
    CHECK(r.finished_mono_ms == now);
    CHECK(n_answered(&r) == 1);
    char *js = flow_answers_json(&r);
    CHECK_STR(js, "{\"q1\":\"c\"}");
    free(js);
    /* Clean wipe. */
    CHECK(flow_language(f) == 0);
    CHECK(flow_question(f) == -1);
    CHECK(!flow_busy(f));
    CHECK(flow_n_selected(f, Q1) == 0);
    CHECK(!flow_back(f, now));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    CHECK(!flow_take_response(f, &r));
    flow_free(f);

    /* The same with keep_abandoned off: nothing. */
    now = T0;
    f = started(qs, false, 1, &now);
    CHECK(flow_toggle(f, opt(qs, Q1, "c"), ++now));
    CHECK(!idle_out(f, &now, &r));
    CHECK(flow_n_selected(f, Q1) == 0);
    flow_free(f);

    /* Nothing answered: nothing. */
    now = T0;
    f = started(qs, true, 0, &now);
    CHECK(flow_next(f, ++now));
    CHECK(!idle_out(f, &now, &r));
    flow_free(f);

    /* Only an answer on a question that is hidden by now: nothing visible answered. */
    now = T0;
    f = started(qs, true, 0, &now);
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q2, "2"), ++now));
    CHECK(flow_next(f, ++now) && flow_question(f) == Q3);
    CHECK(flow_toggle(f, opt(qs, Q3, "y"), ++now));
    CHECK(flow_back(f, ++now) && flow_question(f) == Q2);
    CHECK(flow_toggle(f, opt(qs, Q2, "2"), ++now)); /* unchosen: q3 hidden again */
    CHECK(!flow_visible(f, Q3));
    CHECK(!idle_out(f, &now, &r));
    flow_free(f);

    /* A walk-away from still-there opened on the language screen mid-poll keeps answers. */
    now = T0;
    f = started(qs, true, 0, &now);
    CHECK(flow_toggle(f, opt(qs, Q1, "a"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q2, "4"), ++now));
    CHECK(flow_open_languages(f, ++now));
    CHECK(idle_out(f, &now, &r));
    CHECK(r.abandoned);
    js = flow_answers_json(&r);
    CHECK_STR(js, "{\"q1\":\"a\",\"q2\":\"4\"}");
    free(js);
    flow_free(f);
    qset_free(qs);
}

/* The kiosk is stopped mid-poll (SIGTERM): the answers so far come out as abandoned at once. */
static void test_abandon_on_stop(void)
{
    qset *qs = load(POLL);
    flow_response r;
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now);
    CHECK(flow_toggle(f, opt(qs, Q1, "c"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_abandon(f, ++now));
    CHECK(flow_take_response(f, &r));
    CHECK(r.abandoned && r.language == 1 && r.finished_mono_ms == now);
    char *js = flow_answers_json(&r);
    CHECK_STR(js, "{\"q1\":\"c\"}");
    free(js);
    CHECK(flow_current(f) == FLOW_ATTRACT && !flow_busy(f));
    CHECK(!flow_abandon(f, ++now)); /* nothing in progress */
    flow_free(f);

    /* keep_abandoned off, or nothing answered: nothing, but the poll still ends. */
    now = T0;
    f = started(qs, false, 0, &now);
    CHECK(flow_toggle(f, opt(qs, Q1, "c"), ++now));
    CHECK(!flow_abandon(f, ++now) && !flow_take_response(f, &r));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    flow_free(f);
    now = T0;
    f = started(qs, true, 0, &now);
    CHECK(!flow_abandon(f, ++now) && !flow_take_response(f, &r));
    flow_free(f);
    qset_free(qs);
}

/* A started poll answered up to its last question: Q1 "a", on to Q5, q5 there, on to the last
 * (the next tap finishes it). */
static void answer_to_last(flow *f, const qset *qs, int64_t *now, const char *q5)
{
    CHECK(flow_toggle(f, opt(qs, Q1, "a"), ++*now));
    for (int i = 0; i < 3; i++)
        CHECK(flow_next(f, ++*now));
    CHECK(flow_toggle(f, opt(qs, Q5, q5), ++*now));
    CHECK(flow_next(f, ++*now));
}

static void test_thanks_and_wipe(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now);
    answer_to_last(f, qs, &now, "no");
    CHECK(flow_question(f) == Q7);
    int64_t fin = ++now;
    CHECK(flow_next(f, fin));
    CHECK(flow_current(f) == FLOW_THANKS);
    /* Nothing of the resident is reachable from the thank-you screen. */
    CHECK(!flow_busy(f));
    CHECK(flow_question(f) == -1);
    CHECK(!flow_can_go_back(f));
    CHECK(!flow_back(f, fin + 1));
    CHECK(flow_current(f) == FLOW_THANKS);
    CHECK(!flow_open_languages(f, fin + 1));
    CHECK(!flow_toggle(f, 0, fin + 1));
    CHECK(!flow_next(f, fin + 1));
    for (int q = 0; q < qset_n_questions(qs); q++)
        CHECK(flow_n_selected(f, q) == 0);
    CHECK(flow_language(f) == 1); /* thanks in their language */
    CHECK(flow_deadline(f, fin) == fin + THANKS);
    CHECK(flow_deadline(f, fin + 100) == fin + THANKS);
    CHECK(!flow_tick(f, fin + THANKS - 1));
    CHECK(flow_current(f) == FLOW_THANKS);
    CHECK(flow_tick(f, fin + THANKS));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    CHECK(flow_language(f) == 0);
    CHECK(flow_question(f) == -1);
    CHECK(!flow_back(f, fin + THANKS));
    flow_response r;
    CHECK(flow_take_response(f, &r));
    CHECK(!r.abandoned && r.language == 1);
    CHECK(r.finished_mono_ms == fin);
    /* The next resident starts clean, in the default language on the language screen. */
    CHECK(flow_start(f, fin + THANKS + 10));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    CHECK(flow_language(f) == 0);
    CHECK(flow_choose_language(f, 0, fin + THANKS + 20));
    CHECK(flow_question(f) == Q1);
    PROGRESS(f, 1, 7);
    for (int q = 0; q < qset_n_questions(qs); q++)
        CHECK(flow_n_selected(f, q) == 0);
    CHECK(flow_back(f, fin + THANKS + 30));
    CHECK(flow_current(f) == FLOW_LANGUAGE);
    flow_free(f);
    qset_free(qs);
}

/* A thank-you screen in pages (issue 15: the card of what neighbours said does not fit below
 * the thanks): the pages turn on deadlines, each shown once, THANKS shared by them but each at
 * least FLOW_THANKS_PAGE_MS, all of them at most FLOW_THANKS_MAX_MS; one page as before. */
static void test_thanks_pages(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now);
    answer_to_last(f, qs, &now, "no");
    int64_t fin = ++now;
    CHECK(flow_next(f, fin) && flow_current(f) == FLOW_THANKS);
    CHECK(flow_thanks_page(f, fin + THANKS - 1) == 0);
    /* two pages: THANKS shared */
    flow_set_thanks_pages(f, 2);
    CHECK(flow_thanks_page_ms(f) == THANKS / 2);
    CHECK(flow_thanks_page(f, fin) == 0 && flow_thanks_page(f, fin + THANKS / 2 - 1) == 0);
    CHECK(flow_deadline(f, fin + 10) == fin + THANKS / 2);
    CHECK(flow_thanks_page(f, fin + THANKS / 2) == 1);
    CHECK(flow_deadline(f, fin + THANKS / 2) == fin + THANKS);
    /* five: each its least time, the screen stays longer than THANKS */
    flow_set_thanks_pages(f, 5);
    CHECK(flow_thanks_page_ms(f) == FLOW_THANKS_PAGE_MS);
    for (int p = 0; p < 5; p++) {
        int64_t at = fin + (int64_t)p * FLOW_THANKS_PAGE_MS;
        CHECKF(flow_thanks_page(f, at) == p, "page %d at its start", p);
        CHECKF(flow_deadline(f, at) == at + FLOW_THANKS_PAGE_MS, "page %d's deadline", p);
        CHECK(!flow_tick(f, at) && flow_current(f) == FLOW_THANKS);
    }
    CHECK(!flow_tick(f, fin + 5 * FLOW_THANKS_PAGE_MS - 1));
    /* a tap anywhere changes nothing (no control of the flow on this screen) */
    flow_activity(f, fin + 5 * FLOW_THANKS_PAGE_MS - 1);
    CHECK(flow_current(f) == FLOW_THANKS && flow_thanks_page(f, fin + THANKS + 1) == 2);
    CHECK(flow_tick(f, fin + 5 * FLOW_THANKS_PAGE_MS) && flow_current(f) == FLOW_ATTRACT);
    CHECK(flow_thanks_page(f, fin + 5 * FLOW_THANKS_PAGE_MS) == 0);
    flow_response r;
    CHECK(flow_take_response(f, &r) && !r.abandoned);
    /* many pages: at most FLOW_THANKS_MAX_MS in all; the next thank-you screen starts with one */
    CHECK(flow_preview(f, FLOW_THANKS, 0, 0, now = fin + 100000));
    CHECK(flow_thanks_page_ms(f) == THANKS && flow_deadline(f, now) == now + THANKS);
    flow_set_thanks_pages(f, 99);
    CHECK(flow_thanks_page_ms(f) == FLOW_THANKS_MAX_MS / FLOW_THANKS_MAX_PAGES);
    CHECK(flow_thanks_page(f, now + FLOW_THANKS_MAX_MS - 1) == FLOW_THANKS_MAX_PAGES - 1);
    CHECK(!flow_tick(f, now + FLOW_THANKS_MAX_MS - 1));
    CHECK(flow_tick(f, now + FLOW_THANKS_MAX_MS) && flow_current(f) == FLOW_ATTRACT);
    /* a long thanks_ms (the setting's 120 s) is shared, never cut to FLOW_THANKS_MAX_MS */
    flow_options o = opts(true);
    o.thanks_ms = 120000;
    CHECK(flow_set_options(f, &o));
    CHECK(flow_preview(f, FLOW_THANKS, 0, 0, now += 200000));
    flow_set_thanks_pages(f, 3);
    CHECK(flow_thanks_page_ms(f) == 40000);
    CHECK(!flow_tick(f, now + 119999) && flow_tick(f, now + 120000));
    flow_free(f);
    qset_free(qs);
}

/* Read aloud, the thank-you screen stays until its reading has been heard (flow_thanks_hold):
 * on its last page, at most FLOW_THANKS_MAX_MS; stopped, as unread; a hold off that screen, or
 * on an earlier one, changes nothing. */
static void test_thanks_hold(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now);
    flow_thanks_hold(f, now, 30000); /* on a question: nothing */
    answer_to_last(f, qs, &now, "no");
    int64_t fin = ++now;
    CHECK(flow_next(f, fin) && flow_current(f) == FLOW_THANKS);
    CHECK(flow_deadline(f, fin) == fin + THANKS);
    /* a reading of 20 s from 1 s on: the deadline follows, THANKS passes without a change */
    flow_thanks_hold(f, fin + 1000, 20000);
    CHECK(flow_deadline(f, fin + 1000) == fin + 21000);
    CHECK(!flow_tick(f, fin + THANKS) && flow_current(f) == FLOW_THANKS);
    flow_thanks_hold(f, fin + 2000, 0); /* reading stopped: as unread */
    CHECK(flow_deadline(f, fin + 2000) == fin + THANKS);
    flow_thanks_hold(f, fin + 2000, 19000); /* read again: a later call replaces it */
    CHECK(flow_deadline(f, fin + 2000) == fin + 21000);
    CHECK(!flow_tick(f, fin + 20999));
    CHECK(flow_tick(f, fin + 21000) && flow_current(f) == FLOW_ATTRACT);
    flow_response r;
    CHECK(flow_take_response(f, &r));
    flow_thanks_hold(f, fin + 21000, 30000); /* on the attract screen: nothing */
    /* pages turn as before; the last one stays; never past FLOW_THANKS_MAX_MS */
    CHECK(flow_preview(f, FLOW_THANKS, 0, 0, now = fin + 100000));
    CHECK(flow_deadline(f, now) == now + THANKS); /* the hold was the last screen's */
    flow_set_thanks_pages(f, 2);
    flow_thanks_hold(f, now, 10 * FLOW_THANKS_MAX_MS);
    CHECK(flow_deadline(f, now) == now + THANKS / 2);
    CHECK(flow_thanks_page(f, now + THANKS) == 1 && !flow_tick(f, now + THANKS));
    CHECK(flow_deadline(f, now + THANKS) == now + FLOW_THANKS_MAX_MS);
    CHECK(!flow_tick(f, now + FLOW_THANKS_MAX_MS - 1) && flow_thanks_page(f, now + 59999) == 1);
    CHECK(flow_tick(f, now + FLOW_THANKS_MAX_MS) && flow_current(f) == FLOW_ATTRACT);
    flow_free(f);
    qset_free(qs);
}

static void test_deadlines_attract(void)
{
    qset *qs = load(POLL);
    flow_options o = opts(true);
    int64_t t = T0;
    flow *f = flow_new(qs, &o, t);
    CHECK(flow_attract_language(f, t) == 0);
    CHECK(flow_attract_language(f, t + CYCLE - 1) == 0);
    CHECK(flow_attract_language(f, t + CYCLE) == 1);
    CHECK(flow_attract_language(f, t + 2 * CYCLE) == 0);
    CHECK(flow_deadline(f, t) == t + CYCLE);
    CHECK(flow_deadline(f, t + 1) == t + CYCLE);
    CHECK(flow_deadline(f, t + CYCLE) == t + 2 * CYCLE);
    CHECK(flow_deadline(f, t + CYCLE + 1500) == t + 2 * CYCLE);
    /* Rounds through the (two) languages turn the attract screen's pages. */
    CHECK(flow_attract_round(f, t) == 0);
    CHECK(flow_attract_round(f, t + 2 * CYCLE - 1) == 0);
    CHECK(flow_attract_round(f, t + 2 * CYCLE) == 1);
    CHECK(flow_attract_round(f, t + 5 * CYCLE) == 2);
    CHECK(flow_attract_next_turn(f, t + CYCLE + 1500) == t + 2 * CYCLE);
    /* The cycle changes only what the UI shows; the flow's own state is unchanged. */
    CHECK(!flow_tick(f, t + CYCLE));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    /* A resident scrolls to read (language 1, round 2): it stays for the hold, nothing is due
     * before its end, then the next turn comes at once and the cycle goes on from there. */
    int64_t s = t + 5 * CYCLE + 100, hold = 20 * CYCLE;
    CHECK(flow_attract_language(f, s) == 1 && flow_attract_round(f, s) == 2);
    flow_attract_hold(f, s, hold);
    CHECK(flow_attract_language(f, s + hold - 1) == 1 && flow_attract_round(f, s + hold - 1) == 2);
    CHECK(flow_deadline(f, s + 1) == s + hold && flow_attract_next_turn(f, s + 1) == s + hold);
    CHECK(flow_attract_language(f, s + hold) == 0 && flow_attract_round(f, s + hold) == 3);
    CHECK(flow_attract_language(f, s + hold + CYCLE) == 1);
    CHECK(flow_deadline(f, s + hold + 1) == s + hold + CYCLE);
    /* scrolling again within a hold holds the same language from then on */
    flow_attract_hold(f, s + hold + CYCLE + 10, hold);
    CHECK(flow_attract_language(f, s + 2 * hold + CYCLE) == 1);
    CHECK(flow_attract_language(f, s + 2 * hold + CYCLE + 10) == 0);
    /* off the attract screen, and after it comes back, no hold */
    CHECK(flow_start(f, s + 3 * hold));
    flow_attract_hold(f, s + 3 * hold, hold);
    CHECK(flow_deadline(f, s + 3 * hold) == s + 3 * hold + IDLE);
    flow_free(f);

    /* One language: nothing is ever due on the attract screen. */
    qset *small = load(SMALL);
    f = flow_new(small, &o, t);
    CHECK(flow_deadline(f, t) == INT64_MAX);
    CHECK(flow_deadline(f, t + 1000000) == INT64_MAX);
    CHECK(flow_attract_language(f, t + 5 * CYCLE) == 0);
    /* ... but its pages still turn, a round per cycle (the UI wakes for them itself). */
    CHECK(flow_attract_round(f, t + 5 * CYCLE) == 5);
    CHECK(flow_attract_next_turn(f, t + 1) == t + CYCLE);
    CHECK(!flow_tick(f, t + 1000000));
    /* Question screen: the idle time. */
    CHECK(flow_start(f, t + 10));
    CHECK(flow_deadline(f, t + 10) == t + 10 + IDLE);
    CHECK(flow_choose_language(f, 0, t + 20));
    CHECK(flow_deadline(f, t + 25) == t + 20 + IDLE);
    CHECK(!flow_tick(f, t + 20 + IDLE - 1));
    flow_free(f);
    qset_free(small);
    qset_free(qs);
}

static void test_answers_json_format(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = to_q6(qs, true, &now);
    CHECK(flow_toggle(f, opt(qs, Q6, "3"), ++now));
    CHECK(flow_back(f, ++now) && flow_back(f, ++now) && flow_question(f) == Q4);
    /* Choose in reverse order: the list keeps option order. */
    CHECK(flow_toggle(f, 0, ++now) && flow_toggle(f, 4, ++now)); /* both taken back */
    CHECK(flow_n_selected(f, Q4) == 0);
    CHECK(flow_toggle(f, 4, ++now) && flow_toggle(f, 2, ++now) && flow_toggle(f, 0, ++now));
    CHECK(flow_back(f, ++now) && flow_question(f) == Q3);
    CHECK(flow_back(f, ++now) && flow_question(f) == Q2);
    CHECK(flow_back(f, ++now) && flow_question(f) == Q1);
    CHECK(flow_toggle(f, opt(qs, Q1, "b"), ++now));
    for (int i = 0; i < 6; i++)
        CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == Q7); /* q7 left unanswered */
    CHECK(flow_next(f, ++now));
    flow_response r;
    CHECK(flow_take_response(f, &r));
    char *js = flow_answers_json(&r);
    CHECK_STR(js, "{\"q1\":\"b\",\"q2\":\"1\",\"q3\":\"x\",\"q4\":[\"m1\",\"m3\",\"m5\"],"
                  "\"q5\":\"yes\",\"q6\":\"3\"}");
    free(js);
    flow_free(f);

    /* prefer_not, scale ends and a full multi without max. */
    now = T0;
    f = started(qs, true, 0, &now);
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q2, "2"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q3, "x"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q5, "prefer_not"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q6, "5"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, 1, ++now) && flow_toggle(f, 0, ++now));
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_FINISH);
    CHECK(flow_next(f, ++now));
    CHECK(flow_take_response(f, &r));
    js = flow_answers_json(&r);
    CHECK_STR(js, "{\"q2\":\"2\",\"q3\":\"x\",\"q5\":\"prefer_not\",\"q6\":\"5\","
                  "\"q7\":[\"n1\",\"n2\"]}");
    free(js);
    /* A response with nothing answered is an empty object. */
    flow_response empty;
    memset(&empty, 0, sizeof empty);
    empty.qs = qs;
    js = flow_answers_json(&empty);
    CHECK_STR(js, "{}");
    free(js);
    flow_free(f);
    qset_free(qs);
}

/* Notes: shown between questions with "next" (never "skip"), skipped by show_if like a
 * question, nothing to choose and nothing stored; a likert question answers like a single. */
static const char NOTES[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"notes\", \"version\": 1, \"languages\": [\"nl\", "
    "\"en\"], \"title\": " T2(
        "T",
        "T") ", \"questions\": ["
             " {\"id\": \"intro\", \"type\": \"note\", \"text\": " T2(
                 "Welkom",
                 "Welcome") "},"
                            " {\"id\": \"a\", \"type\": \"smiley\", \"text\": " T2(
                                "A",
                                "A") "},"
                                     " {\"id\": \"uitleg\", \"type\": \"note\", \"text\": " T2(
                                         "Jammer",
                                         "Sorry") ","
                                                  "  \"show_if\": {\"question\": \"a\", "
                                                  "\"any_of\": [\"1\", \"2\"]}},"
                                                  " {\"id\": \"b\", \"type\": \"likert\", "
                                                  "\"required\": true, \"text\": " T2(
                                                      "B",
                                                      "B") ","
                                                           "  \"options\": [" OPT("x") ", " OPT(
                                                               "y") ", " OPT("z") "]},"
                                                                                  " {\"id\": "
                                                                                  "\"slot\", "
                                                                                  "\"type\": "
                                                                                  "\"note\", "
                                                                                  "\"text\": " T2(
                                                                                      "Einde",
                                                                                      "End") "}]}";

static void test_notes(void)
{
    qset *qs = load(NOTES);
    if (!qs)
        return;
    int64_t now = T0;
    flow *f = started(qs, true, 0, &now);
    CHECK(flow_question(f) == 0); /* the first screen is the note */
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_NEXT && flow_next_enabled(f));
    CHECK(!flow_toggle(f, 0, ++now)); /* nothing to choose */
    PROGRESS(f, 1, 5);                /* "uitleg" may still be shown */
    CHECK(flow_next(f, ++now) && flow_question(f) == 1);
    CHECK(flow_toggle(f, opt(qs, 1, "5"), ++now));
    CHECK(flow_next(f, ++now));
    CHECK(flow_question(f) == 3); /* "uitleg" hidden by its show_if */
    CHECK(!flow_next_enabled(f)); /* likert: required like any question */
    CHECK(flow_toggle(f, opt(qs, 3, "x"), ++now) && flow_toggle(f, opt(qs, 3, "y"), ++now));
    CHECK(flow_n_selected(f, 3) == 1 && flow_selected(f, 3, opt(qs, 3, "y"))); /* one answer */
    CHECK(flow_next(f, ++now) && flow_question(f) == 4);
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_FINISH); /* a last note finishes */
    /* Back to "a": an unhappy face shows the note. */
    CHECK(flow_back(f, ++now) && flow_back(f, ++now) && flow_question(f) == 1);
    CHECK(flow_toggle(f, opt(qs, 1, "1"), ++now));
    PROGRESS(f, 2, 5);
    CHECK(flow_next(f, ++now) && flow_question(f) == 2);
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_NEXT);
    CHECK(flow_next(f, ++now) && flow_question(f) == 3);
    CHECK(flow_next(f, ++now) && flow_question(f) == 4);
    CHECK(flow_next(f, ++now) && flow_current(f) == FLOW_THANKS);
    flow_response r;
    CHECK(flow_take_response(f, &r));
    CHECK(r.answers[0] == 0 && r.answers[2] == 0 && r.answers[4] == 0);
    char *js = flow_answers_json(&r);
    CHECK_STR(js, "{\"a\":\"1\",\"b\":\"y\"}");
    free(js);
    flow_free(f);

    /* A resident who only read the first note and walked away left no answers: nothing kept. */
    now = T0;
    f = started(qs, true, 0, &now);
    CHECK(flow_abandon(f, ++now) == false);
    flow_free(f);
    qset_free(qs);
}

/* A matrix of three single questions (m1 shown only after a "1" on a, m2 required) between a
 * smiley and a single. */
static const char MATRIX[] =
    "{\"format\": \"wijkpeil/1\", \"id\": \"matrix-test\", \"version\": 1,"
    " \"languages\": [\"nl\", \"en\"], \"title\": " T2(
        "T",
        "T") ", \"questions\": ["
             " {\"id\": \"a\", \"type\": \"smiley\", \"text\": " T2(
                 "A",
                 "A") "},"
                      " {\"id\": \"m1\", \"type\": \"single\", \"matrix\": \"t\", \"text\": " T2(
                          "M1",
                          "M1") ","
                                "  \"show_if\": {\"question\": \"a\", \"any_of\": [\"1\"]},"
                                "  \"options\": [" OPT("x") ", " OPT(
                                    "y") "]},"
                                         " {\"id\": \"m2\", \"type\": \"single\", \"matrix\": "
                                         "\"t\", \"required\": true,"
                                         "  \"text\": " T2("M2", "M2") ", \"options\": [" OPT("x") ", " OPT(
                                             "y") "]},"
                                                  " {\"id\": \"m3\", \"type\": \"likert\", "
                                                  "\"matrix\": \"t\", \"text\": " T2(
                                                      "M3",
                                                      "M3") ","
                                                            "  \"options\": [" OPT("x") ", " OPT(
                                                                "y") "]},"
                                                                     " {\"id\": \"b\", \"type\": "
                                                                     "\"single\", \"text\": " T2(
                                                                         "B",
                                                                         "B") ","
                                                                              "  \"options\": "
                                                                              "[" OPT("x") ", " OPT(
                                                                                  "y") "]}]}";

/* A matrix is one step (progress, next, back, required rows) with one answer per visible row;
 * asked apart it is one screen per question; the answers are stored as separate questions. */
static void test_matrix(void)
{
    qset *qs = load(MATRIX);
    if (!qs)
        return;
    int64_t now = T0;
    int first = -1, last = -1;
    flow *f = started(qs, true, 0, &now);
    CHECK(flow_question(f) == 0 && !flow_matrix(f, &first, &last));
    PROGRESS(f, 1, 3); /* a, the matrix, b */
    CHECK(flow_toggle(f, opt(qs, 0, "1"), ++now) && flow_next(f, ++now));
    CHECK(flow_question(f) == 1 && flow_matrix(f, &first, &last) && first == 1 && last == 3);
    PROGRESS(f, 2, 3);
    /* m2 is required: "next" (not "skip") and refused with the required hint. */
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_NEXT && !flow_next_enabled(f));
    CHECK(flow_next(f, ++now) && flow_question(f) == 1);
    CHECK(flow_hint_now(f, now) == FLOW_HINT_REQUIRED);
    CHECK(flow_toggle_in(f, 3, opt(qs, 3, "y"), ++now));
    CHECK(!flow_next_enabled(f));
    CHECK(flow_toggle_in(f, 2, opt(qs, 2, "x"), ++now) && flow_next_enabled(f));
    CHECK(flow_toggle_in(f, 2, opt(qs, 2, "y"), ++now)); /* one answer per row */
    CHECK(flow_selected(f, 2, opt(qs, 2, "y")) && flow_n_selected(f, 2) == 1);
    CHECK(!flow_toggle_in(f, 4, 0, ++now)); /* b is not on this screen */
    CHECK(!flow_toggle_in(f, 0, 0, ++now));
    CHECK(flow_next(f, ++now) && flow_question(f) == 4);
    CHECK(flow_next_kind_now(f) == FLOW_NEXT_SKIP);
    PROGRESS(f, 3, 3);
    CHECK(flow_back(f, ++now) && flow_question(f) == 1 && flow_matrix(f, &first, &last));
    /* An unhappy face hides m1: the matrix's rows are m2 and m3, known by m2. */
    CHECK(flow_back(f, ++now) && flow_question(f) == 0);
    CHECK(flow_toggle(f, opt(qs, 0, "2"), ++now) && flow_next(f, ++now));
    CHECK(flow_question(f) == 2 && flow_matrix(f, &first, &last) && first == 1);
    CHECK(!flow_toggle_in(f, 1, 0, ++now)); /* hidden row */
    /* Asked apart (it does not fit the panel): one screen per question, the same answers. */
    CHECK(flow_set_matrix_apart(f, 3, true) && !flow_set_matrix_apart(f, 1, true));
    CHECK(flow_question(f) == 2 && !flow_matrix(f, &first, &last));
    PROGRESS(f, 2, 4);
    CHECK(!flow_toggle_in(f, 3, 0, ++now));
    CHECK(flow_next(f, ++now) && flow_question(f) == 3);
    CHECK(flow_selected(f, 3, opt(qs, 3, "y")));
    CHECK(flow_back(f, ++now) && flow_question(f) == 2);
    /* Together again while on a row: the screen is the matrix again, known by its first. */
    CHECK(flow_next(f, ++now) && flow_question(f) == 3);
    CHECK(flow_set_matrix_apart(f, 1, false) && flow_question(f) == 2);
    CHECK(flow_next(f, ++now) && flow_question(f) == 4);
    CHECK(flow_next(f, ++now) && flow_current(f) == FLOW_THANKS);
    flow_response r;
    CHECK(flow_take_response(f, &r));
    char *js = flow_answers_json(&r);
    CHECK_STR(js, "{\"a\":\"2\",\"m2\":\"y\",\"m3\":\"y\"}");
    free(js);
    flow_free(f);
    qset_free(qs);
}

static void test_save_failed(void)
{
    qset *qs = load(POLL);
    int64_t now = T0;
    flow *f = started(qs, true, 1, &now);
    answer_to_last(f, qs, &now, "yes");
    int64_t fin = ++now;
    CHECK(flow_next(f, fin));
    flow_response r;
    CHECK(flow_take_response(f, &r)); /* the caller tries to store it, and fails */
    flow_save_failed(f, fin);
    CHECK(flow_current(f) == FLOW_SAVE_ERROR);
    CHECK_STR(flow_screen_name(flow_current(f)), "save-error");
    CHECK(!flow_busy(f));
    CHECK(flow_question(f) == -1);
    CHECK(!flow_take_response(f, &r));
    CHECK(!flow_back(f, fin + 1));
    for (int q = 0; q < qset_n_questions(qs); q++)
        CHECK(flow_n_selected(f, q) == 0);
    /* Staff get longer than a thank-you; it never turns into "thanks". */
    CHECK(flow_deadline(f, fin) == fin + 2 * THANKS);
    CHECK(!flow_tick(f, fin + THANKS));
    CHECK(flow_current(f) == FLOW_SAVE_ERROR);
    CHECK(!flow_tick(f, fin + 2 * THANKS - 1));
    CHECK(flow_current(f) == FLOW_SAVE_ERROR);
    CHECK(flow_tick(f, fin + 2 * THANKS));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    CHECK(flow_language(f) == 0);
    CHECK(!flow_take_response(f, &r));
    flow_free(f);
    qset_free(qs);
}

static void test_replace_qset(void)
{
    qset *qs = load(POLL), *small = load(SMALL);
    flow_options o = opts(true);
    int64_t now = T0;
    flow *f = flow_new(qs, &o, now);
    CHECK(flow_start(f, ++now));
    CHECK(!flow_replace_qset(f, small)); /* language screen: a resident is busy */
    CHECK(flow_qset(f) == qs);
    CHECK(flow_choose_language(f, 1, ++now));
    CHECK(flow_toggle(f, 0, ++now));
    CHECK(!flow_replace_qset(f, small));
    CHECK(flow_qset(f) == qs);
    CHECK(flow_current(f) == FLOW_QUESTION && flow_question(f) == Q1);
    CHECK(flow_selected(f, Q1, 0) && flow_language(f) == 1);
    /* Still-there is mid-session too. */
    CHECK(flow_tick(f, now + IDLE));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    CHECK(!flow_replace_qset(f, small));
    CHECK(flow_continue(f, now + IDLE + 1));
    now += IDLE + 1;
    for (int i = 0; i < 3; i++)
        CHECK(flow_next(f, ++now));
    CHECK(flow_toggle(f, opt(qs, Q5, "yes"), ++now));
    CHECK(flow_next(f, ++now) && flow_next(f, ++now));
    CHECK(flow_current(f) == FLOW_THANKS);
    CHECK(!flow_replace_qset(f, small)); /* thank-you screen still shows this set */
    CHECK(flow_tick(f, now + THANKS));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    CHECK(flow_replace_qset(f, small));
    CHECK(flow_qset(f) == small);
    CHECK(flow_current(f) == FLOW_ATTRACT);
    CHECK(flow_start(f, now + THANKS + 1));
    CHECK(flow_choose_language(f, 0, now + THANKS + 2));
    PROGRESS(f, 1, 2);
    flow_free(f);
    qset_free(small);
    qset_free(qs);
}

static void test_preview(void)
{
    qset *qs = load(POLL);
    flow_options o = opts(true);
    int64_t now = T0;
    flow *f = flow_new(qs, &o, now);
    /* q6 needs q3 = x, which needs q2 in 1,2: the chain is chosen, q6 itself is not. */
    CHECK(flow_preview(f, FLOW_QUESTION, Q6, 1, now));
    CHECK(flow_current(f) == FLOW_QUESTION);
    CHECK(flow_question(f) == Q6);
    CHECK(flow_language(f) == 1);
    CHECK(flow_visible(f, Q6) && flow_visible(f, Q3));
    CHECK(flow_n_selected(f, Q6) == 0);
    CHECK(flow_selected(f, Q3, opt(qs, Q3, "x")));
    CHECK(flow_n_selected(f, Q2) == 1);
    CHECK(flow_selected(f, Q2, opt(qs, Q2, "1")) || flow_selected(f, Q2, opt(qs, Q2, "2")));
    flow_response r;
    CHECK(!flow_take_response(f, &r));
    /* Out of range. */
    CHECK(!flow_preview(f, FLOW_QUESTION, 7, 0, now));
    CHECK(!flow_preview(f, FLOW_QUESTION, -1, 0, now));
    CHECK(!flow_preview(f, FLOW_LANGUAGE, 0, 2, now));
    CHECK(!flow_preview(f, FLOW_ATTRACT, 0, -1, now));
    /* Every screen. */
    CHECK(flow_preview(f, FLOW_ATTRACT, 0, 0, now) && flow_current(f) == FLOW_ATTRACT);
    CHECK(flow_preview(f, FLOW_LANGUAGE, 0, 1, now) && flow_current(f) == FLOW_LANGUAGE);
    CHECK(flow_preview(f, FLOW_THANKS, 0, 1, now) && flow_current(f) == FLOW_THANKS);
    CHECK(flow_language(f) == 1);
    CHECK(flow_preview(f, FLOW_SAVE_ERROR, 0, 0, now));
    CHECK(flow_current(f) == FLOW_SAVE_ERROR);
    CHECK(flow_preview(f, FLOW_STILL_THERE, 0, 1, now));
    CHECK(flow_current(f) == FLOW_STILL_THERE);
    CHECK(flow_countdown(f, now) == STILL / 1000);
    CHECK(flow_continue(f, now + 1));
    CHECK(flow_current(f) == FLOW_QUESTION);
    CHECK(flow_preview(f, FLOW_QUESTION, Q1, 0, now));
    CHECK(flow_n_selected(f, Q2) == 0 && flow_n_selected(f, Q3) == 0);
    CHECK(!flow_take_response(f, &r));
    flow_free(f);
    qset_free(qs);
}

/* flow.h: a preview stores nothing, also when the previewed screen is left to time out. */
static void test_preview_stores_nothing(void)
{
    qset *qs = load(POLL);
    flow_options o = opts(true);
    int64_t now = T0;
    flow *f = flow_new(qs, &o, now);
    CHECK(flow_preview(f, FLOW_QUESTION, Q6, 0, now));
    CHECK(flow_tick(f, now + IDLE));
    CHECK(flow_tick(f, now + IDLE + STILL));
    CHECK(flow_current(f) == FLOW_ATTRACT);
    flow_response r;
    bool emitted = flow_take_response(f, &r);
    CHECKF(!emitted, "a preview of q6 left idle emitted an abandoned response with the "
                     "synthesised show_if answers (flow_preview sets in_session)");
    flow_free(f);
    qset_free(qs);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_start_language_first_question);
    RUN(test_progress_and_next_kinds);
    RUN(test_finish_when_rest_hidden);
    RUN(test_required_hint);
    RUN(test_single_toggle);
    RUN(test_multi_max_and_min);
    RUN(test_show_if_drops_hidden_answers);
    RUN(test_back_to_language_and_return);
    RUN(test_language_switch_keeps_answers);
    RUN(test_idle_still_there_continue);
    RUN(test_reset_and_abandoned);
    RUN(test_thanks_and_wipe);
    RUN(test_thanks_pages);
    RUN(test_thanks_hold);
    RUN(test_deadlines_attract);
    RUN(test_abandon_on_stop);
    RUN(test_answers_json_format);
    RUN(test_notes);
    RUN(test_languages_in_order);
    RUN(test_active_ms);
    RUN(test_quality_flags);
    RUN(test_matrix);
    RUN(test_save_failed);
    RUN(test_replace_qset);
    RUN(test_preview);
    RUN(test_preview_stores_nothing);
    return test_main();
}
