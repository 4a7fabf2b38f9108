/* The resident's path through a poll as a pure state machine (see flow.h). */
#include "flow.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct flow {
    const qset *qs;
    flow_options o;
    flow_screen screen;
    flow_screen before_still; /* where "continue" returns to */
    int lang;                 /* language index of the resident */
    int question;             /* current question index, -1 off question screens */
    int lang_return;          /* question the language screen returns to, -1 = from start */
    uint32_t answers[QSET_MAX_QUESTIONS];
    bool in_session;           /* a resident has tapped start and not finished */
    int64_t started;           /* when the resident tapped start */
    int64_t last_activity;     /* last touch, for the idle timer */
    int64_t active;            /* active time of the session up to last_activity (see touch) */
    int langs[QSET_MAX_LANGS]; /* languages chosen in this session, in order of first use */
    int n_langs;
    int64_t spent[QSET_MAX_QUESTIONS]; /* active time on each question's screen */
    bool have_prev;                    /* the previous response, for rapid_repeat */
    const qset *prev_qs;
    int64_t prev_finished;
    uint32_t prev_answers[QSET_MAX_QUESTIONS];
    int64_t screen_since;   /* when the current screen was entered */
    int64_t still_deadline; /* reset time on still-there */
    int64_t attract_epoch;  /* start of the attract language cycle */
    int64_t attract_hold; /* until then the attract screen keeps its language (flow_attract_hold) */
    int64_t held_slot;    /* the turn it keeps */
    int thanks_pages;     /* pages of the thank-you screen (flow_set_thanks_pages), >= 1 */
    int64_t thanks_hold;  /* the thank-you screen stays until then at least (flow_thanks_hold) */
    flow_hint hint;
    int64_t hint_until;
    bool have_response;
    flow_response resp;
    bool preview;     /* shown by flow_preview: never emits a response */
    uint32_t offered; /* languages offered (bits); 0 = all */
    /* By a matrix's first question: its questions are asked one per screen (it does not fit
     * the panel); false: together on one screen. */
    bool apart[QSET_MAX_QUESTIONS];
};

/* The default language: the set's first, or the first one offered. */
static int default_lang(const flow *f)
{
    for (int i = 0; i < qset_n_languages(f->qs); i++)
        if (!f->offered || (f->offered >> i) & 1u)
            return i;
    return 0;
}

void flow_default_options(flow_options *o)
{
    o->idle_ms = 90 * 1000;
    o->still_there_ms = 30 * 1000;
    o->thanks_ms = 8 * 1000;
    o->attract_cycle_ms = 3000;
    o->hint_ms = 4000;
    o->keep_abandoned = true;
    o->rapid_repeat_ms = 60 * 1000;
    o->rapid_repeat_same_pct = 80;
    o->too_fast_ms_per_char = 20;
    o->too_fast_min_ms = 500;
}

static void enter(flow *f, flow_screen s, int64_t now)
{
    f->screen = s;
    f->screen_since = now;
    f->hint = FLOW_HINT_NONE;
    if (s == FLOW_THANKS) {
        f->thanks_pages = 1; /* until the UI lays it out */
        f->thanks_hold = 0;
    }
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* How long each page of the thank-you screen stays: thanks_ms shared by its pages, each at
 * least FLOW_THANKS_PAGE_MS, all of them together at most FLOW_THANKS_MAX_MS (or thanks_ms where
 * that is longer); one page: thanks_ms. */
int64_t flow_thanks_page_ms(const flow *f)
{
    int64_t p = f->thanks_pages > 1 ? f->thanks_pages : 1;
    if (p == 1)
        return f->o.thanks_ms;
    int64_t ms = f->o.thanks_ms / p, most = max64(f->o.thanks_ms, FLOW_THANKS_MAX_MS);
    if (ms < FLOW_THANKS_PAGE_MS)
        ms = FLOW_THANKS_PAGE_MS;
    return ms * p > most ? most / p : ms;
}

/* How long the thank-you screen stays: until each of its pages has been shown once. */
static int64_t thanks_total_ms(const flow *f)
{
    return max64(f->o.thanks_ms,
                 flow_thanks_page_ms(f) * (f->thanks_pages > 1 ? f->thanks_pages : 1));
}

/* When the thank-you screen ends: after each of its pages, or later while it is read aloud. */
static int64_t thanks_end(const flow *f)
{
    int64_t most = f->screen_since + max64(f->o.thanks_ms, FLOW_THANKS_MAX_MS);
    return max64(f->screen_since + thanks_total_ms(f), min64(f->thanks_hold, most));
}

void flow_thanks_hold(flow *f, int64_t now, int64_t ms)
{
    if (f->screen == FLOW_THANKS)
        f->thanks_hold = ms > 0 ? now + ms : 0;
}

/* Starts the session's measures: no language chosen, no active time yet. */
static void measures_reset(flow *f)
{
    f->n_langs = 0;
    f->active = 0;
    memset(f->spent, 0, sizeof f->spent);
}

/* A touch at now: the time since the previous one counts as active, unless it was spent idle
 * into "still there?" (the tick moved the screen there without a touch) or on that screen. */
static void touch(flow *f, int64_t now)
{
    if (f->in_session && f->screen != FLOW_STILL_THERE && now > f->last_activity) {
        f->active += now - f->last_activity;
        if (f->screen == FLOW_QUESTION && f->question >= 0)
            f->spent[f->question] += now - f->last_activity;
    }
    f->last_activity = now;
}

/* Forgets everything of the current resident and shows the attract screen. */
static void wipe(flow *f, int64_t now)
{
    memset(f->answers, 0, sizeof f->answers);
    measures_reset(f);
    f->lang = default_lang(f);
    f->question = -1;
    f->lang_return = -1;
    f->in_session = false;
    f->preview = false;
    f->attract_epoch = now;
    f->attract_hold = 0;
    enter(f, FLOW_ATTRACT, now);
}

flow *flow_new(const qset *qs, const flow_options *opt, int64_t now)
{
    flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->qs = qs;
    if (opt)
        f->o = *opt;
    else
        flow_default_options(&f->o);
    wipe(f, now);
    return f;
}

void flow_free(flow *f)
{
    free(f);
}

bool flow_replace_qset(flow *f, const qset *qs)
{
    if (f->in_session || f->screen != FLOW_ATTRACT)
        return false;
    f->qs = qs;
    f->have_response = false;
    f->have_prev = false; /* rapid_repeat compares responses to one set only */
    memset(f->apart, 0, sizeof f->apart);
    wipe(f, f->screen_since);
    return true;
}

bool flow_set_options(flow *f, const flow_options *opt)
{
    if (f->in_session || f->screen != FLOW_ATTRACT)
        return false;
    f->o = *opt;
    return true;
}

const qset *flow_qset(const flow *f)
{
    return f->qs;
}

static int popcount32(uint32_t v)
{
    return __builtin_popcount(v);
}

/* Whether q is shown by the answers given (show_if only points backwards, so one look back per
 * level settles a chain); open: a question it depends on that is not answered yet from the
 * current one on may still show it (the progress counts it). */
static bool shown(const flow *f, int q, bool open)
{
    while (q >= 0) {
        const qset_question *qq = qset_question_at(f->qs, q);
        int on = qq->show_if_question;
        if (on < 0)
            return true;
        bool undecided = open && on >= f->question && !f->answers[on];
        if (!undecided && !(f->answers[on] & qq->show_if_mask))
            return false;
        q = on;
    }
    return true;
}

bool flow_visible(const flow *f, int q)
{
    return shown(f, q, false);
}

/* True when question q is in a matrix asked together on one screen. */
static bool together(const flow *f, int q)
{
    if (q < 0 || q >= qset_n_questions(f->qs))
        return false;
    const qset_question *qq = qset_question_at(f->qs, q);
    return qq->matrix_first >= 0 && !f->apart[qq->matrix_first];
}

/* The question a step holding q is known by: the first visible question of its matrix when
 * the matrix is asked together, else q itself. */
static int step_of(const flow *f, int q)
{
    if (!together(f, q))
        return q;
    const qset_question *qq = qset_question_at(f->qs, q);
    for (int i = qq->matrix_first; i <= qq->matrix_last; i++)
        if (flow_visible(f, i))
            return i;
    return q;
}

/* The first visible step after the one holding from (-1: from the start), or -1. */
static int next_visible(const flow *f, int from)
{
    int n = qset_n_questions(f->qs);
    if (together(f, from))
        from = qset_question_at(f->qs, from)->matrix_last;
    for (int i = from + 1; i < n; i++)
        if (flow_visible(f, i))
            return step_of(f, i);
    return -1;
}

static int prev_visible(const flow *f, int from)
{
    if (together(f, from))
        from = qset_question_at(f->qs, from)->matrix_first;
    for (int i = from - 1; i >= 0; i--)
        if (flow_visible(f, i))
            return step_of(f, i);
    return -1;
}

static int answered_visible(const flow *f)
{
    int n = 0;
    for (int i = 0; i < qset_n_questions(f->qs); i++)
        if (f->answers[i] && flow_visible(f, i))
            n++;
    return n;
}

/* Characters (UTF-8 code points) of s. */
static int64_t utf8_chars(const char *s)
{
    int64_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* too_fast: less time on the questions answered than it takes to read them (flow_options). */
static bool too_fast(const flow *f, const flow_response *r)
{
    if (f->o.too_fast_ms_per_char <= 0)
        return false;
    int64_t need = 0, spent = 0;
    for (int i = 0; i < qset_n_questions(f->qs); i++) {
        if (!r->answers[i])
            continue;
        const qset_question *q = qset_question_at(f->qs, i);
        int64_t ms = utf8_chars(q->text.s[r->language]) * f->o.too_fast_ms_per_char;
        need += ms > f->o.too_fast_min_ms ? ms : f->o.too_fast_min_ms;
        spent += f->spent[i];
    }
    return need > 0 && spent < need;
}

/* rapid_repeat: soon after the previous response of the same set, mostly the same answers. */
static bool rapid_repeat(const flow *f, const flow_response *r)
{
    if (f->o.rapid_repeat_ms <= 0 || !f->have_prev || f->prev_qs != f->qs ||
        r->finished_mono_ms - f->prev_finished > f->o.rapid_repeat_ms)
        return false;
    int either = 0, same = 0;
    for (int i = 0; i < qset_n_questions(f->qs); i++) {
        if (!r->answers[i] && !f->prev_answers[i])
            continue;
        either++;
        same += r->answers[i] == f->prev_answers[i];
    }
    /* nothing answered in either counts as the same (two empty responses in a row) */
    return (int64_t)same * 100 >= (int64_t)either * f->o.rapid_repeat_same_pct;
}

/* Hands the session over as a response, visible answers only. */
static void emit(flow *f, bool abandoned, int64_t now)
{
    if (f->preview)
        return;
    flow_response *r = &f->resp;
    memset(r, 0, sizeof *r);
    r->qs = f->qs;
    r->language = f->lang;
    r->abandoned = abandoned;
    r->started_mono_ms = f->started;
    r->finished_mono_ms = now;
    memcpy(r->languages, f->langs, sizeof r->languages);
    r->n_languages = f->n_langs;
    r->active_ms = f->active;
    for (int i = 0; i < qset_n_questions(f->qs); i++)
        if (flow_visible(f, i))
            r->answers[i] = f->answers[i];
    r->flags = (rapid_repeat(f, r) ? FLOW_FLAG_RAPID_REPEAT : 0u) |
               (too_fast(f, r) ? FLOW_FLAG_TOO_FAST : 0u);
    f->have_prev = true;
    f->prev_qs = f->qs;
    f->prev_finished = now;
    memcpy(f->prev_answers, r->answers, sizeof f->prev_answers);
    f->have_response = true;
}

/* A resident leaves without finishing: keep what they said when configured, then wipe. */
static void reset_session(flow *f, int64_t now)
{
    if (f->in_session && f->o.keep_abandoned && answered_visible(f) > 0)
        emit(f, true, now);
    wipe(f, now);
}

bool flow_abandon(flow *f, int64_t now)
{
    if (!f->in_session)
        return false;
    touch(f, now);
    reset_session(f, now);
    return f->have_response;
}

bool flow_start(flow *f, int64_t now)
{
    if (f->screen != FLOW_ATTRACT)
        return false;
    f->in_session = true;
    f->preview = false;
    f->started = now;
    f->last_activity = now;
    measures_reset(f);
    /* The language the attract screen showed at the tap: the resident was reading it. */
    f->lang = flow_attract_language(f, now);
    f->lang_return = -1;
    enter(f, FLOW_LANGUAGE, now);
    return true;
}

bool flow_choose_language(flow *f, int lang, int64_t now)
{
    if (f->screen != FLOW_LANGUAGE || lang < 0 || lang >= qset_n_languages(f->qs))
        return false;
    touch(f, now);
    f->lang = lang;
    bool used = false;
    for (int i = 0; i < f->n_langs; i++)
        used |= f->langs[i] == lang;
    if (!used && f->n_langs < QSET_MAX_LANGS)
        f->langs[f->n_langs++] = lang;
    f->question = f->lang_return >= 0 ? f->lang_return : next_visible(f, -1);
    enter(f, FLOW_QUESTION, now);
    return true;
}

bool flow_open_languages(flow *f, int64_t now)
{
    if (f->screen != FLOW_QUESTION)
        return false;
    f->lang_return = f->question;
    touch(f, now);
    enter(f, FLOW_LANGUAGE, now);
    return true;
}

static const qset_question *current_q(const flow *f)
{
    if (f->screen != FLOW_QUESTION || f->question < 0)
        return NULL;
    return qset_question_at(f->qs, f->question);
}

/* True when question qi is answered on the current screen: the current question, or a
 * visible question of the matrix shown together. */
static bool on_screen(const flow *f, int qi)
{
    if (!current_q(f) || qi < 0 || qi >= qset_n_questions(f->qs))
        return false;
    if (qi == f->question)
        return true;
    const qset_question *cur = qset_question_at(f->qs, f->question);
    return together(f, f->question) && qi >= cur->matrix_first && qi <= cur->matrix_last &&
           flow_visible(f, qi);
}

bool flow_toggle(flow *f, int opt, int64_t now)
{
    return flow_toggle_in(f, f->question, opt, now);
}

bool flow_toggle_in(flow *f, int question, int opt, int64_t now)
{
    if (!on_screen(f, question))
        return false;
    const qset_question *q = qset_question_at(f->qs, question);
    if (opt < 0 || opt >= q->n_options)
        return false;
    touch(f, now);
    uint32_t bit = 1u << opt;
    uint32_t *a = &f->answers[question];
    f->hint = FLOW_HINT_NONE;
    if (qtype_get(q->type)->value != QTYPE_VALUE_LIST) {
        /* Tapping the chosen answer again takes it back, so "skip" stays reachable. */
        *a = (*a == bit) ? 0 : bit;
        return true;
    }
    if (*a & bit) {
        *a &= ~bit;
        return true;
    }
    if (q->max > 0 && popcount32(*a) >= q->max) {
        f->hint = FLOW_HINT_MAX;
        f->hint_until = now + f->o.hint_ms;
        return true;
    }
    *a |= bit;
    return true;
}

/* The visible questions of the current screen: [*first, *last] holds them (and hidden ones). */
static void screen_span(const flow *f, int *first, int *last)
{
    *first = *last = f->question;
    if (together(f, f->question)) {
        const qset_question *q = qset_question_at(f->qs, f->question);
        *first = q->matrix_first;
        *last = q->matrix_last;
    }
}

bool flow_next_enabled(const flow *f)
{
    const qset_question *q = current_q(f);
    if (!q)
        return false;
    if (together(f, f->question)) {
        /* A matrix: every required row answered (its rows are single-choice: no minimum). */
        for (int i = q->matrix_first; i <= q->matrix_last; i++)
            if (flow_visible(f, i) && qset_question_at(f->qs, i)->required && !f->answers[i])
                return false;
        return true;
    }
    int n = popcount32(f->answers[f->question]);
    if (n == 0)
        return !q->required;
    if ((qtype_get(q->type)->keys & QTYPE_KEY_COUNT) && q->min > 0 && n < q->min)
        return false;
    return true;
}

flow_next_kind flow_next_kind_now(const flow *f)
{
    const qset_question *q = current_q(f);
    /* Nothing to skip on a screen that asks nothing (a note): its button is "next". A matrix
     * is skipped when none of its rows is answered and none is required. */
    if (q) {
        int first, last;
        bool asked = false, said = false;
        screen_span(f, &first, &last);
        for (int i = first; i <= last; i++) {
            const qset_question *qi = qset_question_at(f->qs, i);
            if (i != f->question && !flow_visible(f, i))
                continue;
            said |= f->answers[i] != 0;
            asked |= qi->required || qtype_get(qi->type)->value == QTYPE_VALUE_NONE;
        }
        if (!said && !asked)
            return FLOW_NEXT_SKIP;
    }
    if (q && next_visible(f, f->question) < 0)
        return FLOW_NEXT_FINISH;
    return FLOW_NEXT_NEXT;
}

bool flow_next(flow *f, int64_t now)
{
    const qset_question *q = current_q(f);
    if (!q)
        return false;
    touch(f, now);
    if (!flow_next_enabled(f)) {
        int n = popcount32(f->answers[f->question]);
        f->hint = n == 0 || together(f, f->question) ? FLOW_HINT_REQUIRED : FLOW_HINT_MIN;
        f->hint_until = now + f->o.hint_ms;
        return true;
    }
    int nxt = next_visible(f, f->question);
    if (nxt >= 0) {
        f->question = nxt;
        enter(f, FLOW_QUESTION, now);
        return true;
    }
    emit(f, false, now);
    /* Clean wipe: nothing of this resident is reachable from the thank-you screen on. The
     * language stays only so "thank you" is said in it. */
    int lang = f->lang;
    memset(f->answers, 0, sizeof f->answers);
    f->in_session = false;
    f->question = -1;
    f->lang = lang;
    enter(f, FLOW_THANKS, now);
    return true;
}

bool flow_back(flow *f, int64_t now)
{
    touch(f, now);
    if (f->screen == FLOW_QUESTION) {
        int prv = prev_visible(f, f->question);
        if (prv >= 0) {
            f->question = prv;
            enter(f, FLOW_QUESTION, now);
        } else {
            f->lang_return = f->question;
            enter(f, FLOW_LANGUAGE, now);
        }
        return true;
    }
    if (f->screen == FLOW_LANGUAGE) {
        if (f->lang_return >= 0 && f->question >= 0) {
            /* Opened from a question: return there unchanged. */
            enter(f, FLOW_QUESTION, now);
            return true;
        }
        reset_session(f, now);
        return true;
    }
    return false;
}

bool flow_can_go_back(const flow *f)
{
    return f->screen == FLOW_QUESTION || f->screen == FLOW_LANGUAGE;
}

bool flow_continue(flow *f, int64_t now)
{
    if (f->screen != FLOW_STILL_THERE)
        return false;
    touch(f, now);
    flow_screen back = f->before_still;
    enter(f, back, now);
    return true;
}

void flow_activity(flow *f, int64_t now)
{
    touch(f, now);
}

void flow_save_failed(flow *f, int64_t now)
{
    f->have_response = false;
    f->in_session = false;
    memset(f->answers, 0, sizeof f->answers);
    enter(f, FLOW_SAVE_ERROR, now);
}

bool flow_tick(flow *f, int64_t now)
{
    bool changed = false;
    switch (f->screen) {
    case FLOW_LANGUAGE:
    case FLOW_QUESTION:
        if (now - f->last_activity >= f->o.idle_ms) {
            f->before_still = f->screen;
            f->still_deadline = now + f->o.still_there_ms;
            enter(f, FLOW_STILL_THERE, now);
            changed = true;
        }
        break;
    case FLOW_STILL_THERE:
        if (now >= f->still_deadline) {
            reset_session(f, now);
            changed = true;
        }
        break;
    case FLOW_THANKS:
        if (now >= thanks_end(f)) {
            wipe(f, now);
            changed = true;
        }
        break;
    case FLOW_SAVE_ERROR:
        if (now - f->screen_since >= 2 * f->o.thanks_ms) {
            wipe(f, now);
            changed = true;
        }
        break;
    case FLOW_ATTRACT:
        break;
    }
    if (f->hint != FLOW_HINT_NONE && now >= f->hint_until) {
        f->hint = FLOW_HINT_NONE;
        changed = true;
    }
    return changed;
}

bool flow_take_response(flow *f, flow_response *out)
{
    if (!f->have_response)
        return false;
    *out = f->resp;
    f->have_response = false;
    return true;
}

flow_screen flow_current(const flow *f)
{
    return f->screen;
}

const char *flow_screen_name(flow_screen s)
{
    switch (s) {
    case FLOW_ATTRACT:
        return "attract";
    case FLOW_LANGUAGE:
        return "language";
    case FLOW_QUESTION:
        return "question";
    case FLOW_STILL_THERE:
        return "still-there";
    case FLOW_THANKS:
        return "thanks";
    case FLOW_SAVE_ERROR:
        return "save-error";
    }
    return "?";
}

int flow_language(const flow *f)
{
    return f->lang;
}

/* The attract screen's turn at now: one language each attract_cycle_ms since attract_epoch,
 * the held one while a hold lasts (-1 without a cycle). */
static int64_t attract_slot(const flow *f, int64_t now)
{
    if (f->o.attract_cycle_ms <= 0)
        return -1;
    if (now < f->attract_hold)
        return f->held_slot;
    return now < f->attract_epoch ? -1 : (now - f->attract_epoch) / f->o.attract_cycle_ms;
}

void flow_attract_hold(flow *f, int64_t now, int64_t ms)
{
    int64_t slot = attract_slot(f, now);
    if (f->screen != FLOW_ATTRACT || slot < 0 || ms <= 0)
        return;
    f->held_slot = slot;
    f->attract_hold = now + ms;
    /* afterwards the next turn begins at once, and the cycle goes on from there */
    f->attract_epoch = f->attract_hold - (slot + 1) * f->o.attract_cycle_ms;
}

int flow_attract_language(const flow *f, int64_t now)
{
    int idx[QSET_MAX_LANGS], n = 0;
    for (int i = 0; i < qset_n_languages(f->qs); i++)
        if (!f->offered || (f->offered >> i) & 1u)
            idx[n++] = i;
    if (n == 0)
        return 0;
    int64_t slot = attract_slot(f, now);
    if (n == 1 || slot < 0)
        return idx[0];
    return idx[slot % n];
}

int flow_attract_round(const flow *f, int64_t now)
{
    int n = 0;
    for (int i = 0; i < qset_n_languages(f->qs); i++)
        n += !f->offered || (f->offered >> i) & 1u;
    int64_t slot = attract_slot(f, now);
    if (n == 0 || slot < 0)
        return 0;
    return (int)((slot / n) % INT32_MAX);
}

int64_t flow_attract_next_turn(const flow *f, int64_t now)
{
    if (f->o.attract_cycle_ms <= 0)
        return INT64_MAX;
    if (now < f->attract_hold)
        return f->attract_hold;
    int64_t since = now - f->attract_epoch;
    return now + (f->o.attract_cycle_ms - since % f->o.attract_cycle_ms);
}

void flow_set_thanks_pages(flow *f, int pages)
{
    f->thanks_pages = pages < 1 ? 1 : pages > FLOW_THANKS_MAX_PAGES ? FLOW_THANKS_MAX_PAGES : pages;
}

int flow_thanks_page(const flow *f, int64_t now)
{
    if (f->screen != FLOW_THANKS || f->thanks_pages <= 1 || now <= f->screen_since)
        return 0;
    int64_t page = (now - f->screen_since) / flow_thanks_page_ms(f);
    return page < f->thanks_pages ? (int)page : f->thanks_pages - 1;
}

void flow_set_offered(flow *f, uint32_t mask)
{
    /* A mask naming none of the set's languages would offer nothing: offer all instead. */
    uint32_t all = qset_n_languages(f->qs) >= 32 ? ~0u : (1u << qset_n_languages(f->qs)) - 1u;
    f->offered = (mask & all) ? (mask & all) : 0;
    if (!f->in_session)
        f->lang = default_lang(f);
}

int flow_question(const flow *f)
{
    return f->screen == FLOW_QUESTION ? f->question : -1;
}

bool flow_selected(const flow *f, int question, int option)
{
    if (question < 0 || question >= qset_n_questions(f->qs) || option < 0 || option >= 32)
        return false;
    return (f->answers[question] >> option) & 1u;
}

int flow_n_selected(const flow *f, int question)
{
    if (question < 0 || question >= qset_n_questions(f->qs))
        return 0;
    return popcount32(f->answers[question]);
}

void flow_progress(const flow *f, int *pos, int *total)
{
    int p = 0, t = 0, matrix = -1; /* a matrix asked together is one step */
    for (int i = 0; i < qset_n_questions(f->qs); i++) {
        if (!shown(f, i, true))
            continue;
        if (together(f, i)) {
            int first = qset_question_at(f->qs, i)->matrix_first;
            if (first == matrix)
                continue;
            matrix = first;
        }
        t++;
        if (i <= f->question)
            p = t;
    }
    *pos = p;
    *total = t;
}

flow_hint flow_hint_now(const flow *f, int64_t now)
{
    return (f->hint != FLOW_HINT_NONE && now < f->hint_until) ? f->hint : FLOW_HINT_NONE;
}

int flow_countdown(const flow *f, int64_t now)
{
    if (f->screen != FLOW_STILL_THERE)
        return 0;
    int64_t left = f->still_deadline - now;
    return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

int64_t flow_deadline(const flow *f, int64_t now)
{
    int64_t d = INT64_MAX;
    switch (f->screen) {
    case FLOW_LANGUAGE:
    case FLOW_QUESTION:
        d = f->last_activity + f->o.idle_ms;
        break;
    case FLOW_STILL_THERE: {
        /* Redraw at each whole second of the countdown, and at the reset itself. */
        int64_t left = f->still_deadline - now;
        int64_t step = left % 1000;
        d = now + (step > 0 ? step : (left > 0 ? 1000 : 0));
        d = min64(d, f->still_deadline);
        break;
    }
    case FLOW_THANKS: {
        /* the next page, else the end */
        int page = flow_thanks_page(f, now);
        d = thanks_end(f);
        if (page + 1 < f->thanks_pages)
            d = min64(d, f->screen_since + (page + 1) * flow_thanks_page_ms(f));
        break;
    }
    case FLOW_SAVE_ERROR:
        d = f->screen_since + 2 * f->o.thanks_ms;
        break;
    case FLOW_ATTRACT:
        if (qset_n_languages(f->qs) > 1)
            d = flow_attract_next_turn(f, now);
        break;
    }
    if (f->hint != FLOW_HINT_NONE)
        d = min64(d, f->hint_until);
    return d;
}

bool flow_language_chosen(const flow *f)
{
    return f->lang_return >= 0;
}

bool flow_busy(const flow *f)
{
    return f->in_session;
}

bool flow_preview(flow *f, flow_screen s, int q, int lang, int64_t now)
{
    if (lang < 0 || lang >= qset_n_languages(f->qs))
        return false;
    if (s == FLOW_QUESTION && (q < 0 || q >= qset_n_questions(f->qs)))
        return false;
    wipe(f, now);
    f->have_response = false;
    if (s == FLOW_ATTRACT)
        return true; /* a real resident may start from here */
    f->preview = true;
    f->in_session = s != FLOW_THANKS && s != FLOW_SAVE_ERROR;
    f->started = now;
    f->last_activity = now;
    f->lang = lang;
    f->question = s == FLOW_QUESTION ? q : next_visible(f, -1);
    /* Satisfy the show_if chain of q, nearest condition first. */
    for (int i = f->question; i >= 0;) {
        const qset_question *qq = qset_question_at(f->qs, i);
        if (qq->show_if_question < 0)
            break;
        f->answers[qq->show_if_question] = qq->show_if_mask & (~qq->show_if_mask + 1u);
        i = qq->show_if_question;
    }
    if (s == FLOW_STILL_THERE) {
        f->before_still = FLOW_QUESTION;
        f->still_deadline = now + f->o.still_there_ms;
    }
    enter(f, s, now);
    return true;
}

char *flow_answers_json(const flow_response *r)
{
    json_t *obj = json_object();
    if (!obj)
        return NULL;
    for (int i = 0; i < qset_n_questions(r->qs); i++) {
        uint32_t a = r->answers[i];
        if (!a)
            continue;
        const qset_question *q = qset_question_at(r->qs, i);
        if (qtype_get(q->type)->value == QTYPE_VALUE_LIST) {
            json_t *arr = json_array();
            for (int o = 0; o < q->n_options; o++)
                if (a & (1u << o))
                    json_array_append_new(arr, json_string(q->options[o].id));
            json_object_set_new(obj, q->id, arr);
        } else {
            int o = __builtin_ctz(a);
            if (o < q->n_options)
                json_object_set_new(obj, q->id, json_string(q->options[o].id));
        }
    }
    char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    return s;
}

bool flow_set_matrix_apart(flow *f, int question, bool apart)
{
    if (question < 0 || question >= qset_n_questions(f->qs))
        return false;
    int first = qset_question_at(f->qs, question)->matrix_first;
    if (first < 0 || f->apart[first] == apart)
        return false;
    f->apart[first] = apart;
    /* Now together: the screen is known by the matrix's first visible question. */
    if (f->question >= 0)
        f->question = step_of(f, f->question);
    if (f->lang_return >= 0)
        f->lang_return = step_of(f, f->lang_return);
    return true;
}

bool flow_matrix(const flow *f, int *first, int *last)
{
    if (f->screen != FLOW_QUESTION || !together(f, f->question))
        return false;
    screen_span(f, first, last);
    return true;
}
