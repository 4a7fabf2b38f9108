/* The resident's path through a poll as a pure state machine: screens, answers, relevance
 * (show_if), back/skip/next, language switching, idle warning and reset, thank-you timeout.
 * It knows nothing of SDL or storage: events come in with the current monotonic time, and a
 * finished or abandoned session comes out as a flow_response for the caller to store. */
#ifndef WP_FLOW_H
#define WP_FLOW_H

#include "qset.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    FLOW_ATTRACT,
    FLOW_LANGUAGE,
    FLOW_QUESTION,
    FLOW_STILL_THERE,
    FLOW_THANKS,
    FLOW_SAVE_ERROR /* the answers could not be stored: tell staff (never "thank you") */
} flow_screen;

typedef struct {
    int64_t idle_ms;          /* no input this long on a resident screen -> still-there */
    int64_t still_there_ms;   /* countdown on still-there before the reset */
    int64_t thanks_ms;        /* thank-you (and save-error) screen before attract */
    int64_t attract_cycle_ms; /* attract screen switches language this often */
    int64_t hint_ms;          /* a refused tap's hint stays this long */
    bool keep_abandoned;      /* store partial answers of a resident who walked away */
    /* Quality flags (issue 14; flow_response.flags). rapid_repeat: finished at most
     * rapid_repeat_ms after the previous response of this flow (0: never flagged) with at least
     * rapid_repeat_same_pct percent of the questions answered in either answered the same.
     * too_fast: the time on the questions answered is less than the sum of their minimum
     * reading times, each too_fast_ms_per_char per character of the question's text in the
     * language shown, and at least too_fast_min_ms (ms_per_char 0: never flagged). */
    int64_t rapid_repeat_ms;
    int rapid_repeat_same_pct;
    int too_fast_ms_per_char;
    int64_t too_fast_min_ms;
} flow_options;

/* Quality flags of a response: metadata, never a reason to drop it. */
enum { FLOW_FLAG_RAPID_REPEAT = 1u << 0, FLOW_FLAG_TOO_FAST = 1u << 1 };

typedef enum { FLOW_NEXT_NEXT, FLOW_NEXT_SKIP, FLOW_NEXT_FINISH } flow_next_kind;

typedef enum {
    FLOW_HINT_NONE,
    FLOW_HINT_MAX,     /* a multi tap beyond max was refused */
    FLOW_HINT_MIN,     /* next pressed with fewer than min chosen */
    FLOW_HINT_REQUIRED /* next pressed on a required question without an answer */
} flow_hint;

/* A finished or abandoned session, ready to be stored. */
typedef struct {
    const qset *qs; /* the set it answered (id and version) */
    int language;   /* language index at the end */
    bool abandoned;
    int64_t started_mono_ms, finished_mono_ms;
    /* Every language the resident chose, in order of first use (language is the last one). */
    int languages[QSET_MAX_LANGS];
    int n_languages;
    /* The time the resident was there: from the start to the finish (or to walking away)
     * without the idle stretches that led to "still there?" and the time on that screen. */
    int64_t active_ms;
    unsigned flags;                       /* FLOW_FLAG_* */
    uint32_t answers[QSET_MAX_QUESTIONS]; /* chosen option bits per question; 0 = unanswered */
} flow_response;

typedef struct flow flow;

/* Creates a flow on the attract screen. qs must outlive the flow (or be replaced first). */
flow *flow_new(const qset *qs, const flow_options *opt, int64_t now);
void flow_free(flow *f); /* NULL is a no-op */

/* Options with the defaults (90 s idle, 30 s countdown, 8 s thanks; flags: 60 s and 80 %
 * for rapid_repeat, 20 ms a character and 500 ms a question for too_fast). */
void flow_default_options(flow_options *opt);

/* Limits the languages residents are offered (bit i: language i of the set; 0 = all): the
 * attract screen cycles through these, and the first of them is the default. */
void flow_set_offered(flow *f, uint32_t mask);

/* Switches to another question set; only allowed between residents (attract screen).
 * Returns false (and changes nothing) while a resident is busy. */
bool flow_replace_qset(flow *f, const qset *qs);
const qset *flow_qset(const flow *f);
/* New times and choices (the centre's settings document), between residents only, as
 * flow_replace_qset: false while a resident is busy. */
bool flow_set_options(flow *f, const flow_options *opt);

/* --- events (each returns true when what is shown changed) --- */
bool flow_start(flow *f, int64_t now);                     /* attract -> language */
bool flow_choose_language(flow *f, int lang, int64_t now); /* -> first / same question */
bool flow_open_languages(flow *f, int64_t now);            /* question -> language screen */
bool flow_toggle(flow *f, int option, int64_t now);        /* choose / unchoose an option */
/* As flow_toggle, for question (the current one, or a visible question of the matrix shown
 * together: one of its rows). False for any other question. */
bool flow_toggle_in(flow *f, int question, int option, int64_t now);
bool flow_next(flow *f, int64_t now); /* confirm; may finish the poll */
bool flow_back(flow *f, int64_t now);
bool flow_continue(flow *f, int64_t now); /* still-there -> where they were */
void flow_activity(flow *f, int64_t now); /* any touch: restarts the idle timer */
bool flow_tick(flow *f, int64_t now);     /* timeouts; true when screen changed */
/* The kiosk is stopping (SIGTERM, window closed) during a poll: the resident's answers so far
 * are handed over as abandoned (when keep_abandoned and something was answered) and the flow
 * goes back to attract. Returns true when a response is waiting for flow_take_response. */
bool flow_abandon(flow *f, int64_t now);
/* The caller could not store the response flow_take_response gave: show the error screen. */
void flow_save_failed(flow *f, int64_t now);

/* Moves out a finished/abandoned session, if one is waiting. */
bool flow_take_response(flow *f, flow_response *out);

/* --- queries --- */
flow_screen flow_current(const flow *f);
const char *flow_screen_name(flow_screen s);           /* "attract", "language", ... */
int flow_language(const flow *f);                      /* index into the set's languages */
int flow_attract_language(const flow *f, int64_t now); /* language the attract screen shows */
/* How many times the attract screen has gone through all its languages since it came back (0
 * without a cycle): the UI turns the attract screen's pages by it (a card on a page of its own
 * where it does not fit beside the welcome). */
int flow_attract_round(const flow *f, int64_t now);
/* When the attract screen's next turn begins (INT64_MAX without a cycle). */
int64_t flow_attract_next_turn(const flow *f, int64_t now);
/* A resident scrolls the attract screen to read it: it keeps its language (and page) for ms
 * from now, then goes on with the next. Again from a later scroll; nothing off that screen. */
#define FLOW_ATTRACT_HOLD_MS 20000
void flow_attract_hold(flow *f, int64_t now, int64_t ms);
/* The thank-you screen in pages (the thanks, then the parts of a card of what neighbours said
 * that does not fit below it): the UI says how many it laid out (1..FLOW_THANKS_MAX_PAGES; the
 * thank-you screen starts with 1). The pages turn on a timer, each shown once: thanks_ms
 * shared by them, each at least FLOW_THANKS_PAGE_MS, so the screen stays longer than
 * thanks_ms where its pages need it, but at most FLOW_THANKS_MAX_MS in all (or thanks_ms where
 * that is longer). flow_deadline gives each page turn; a tap does what it does on one page. */
#define FLOW_THANKS_MAX_PAGES 16
#define FLOW_THANKS_PAGE_MS   4000
#define FLOW_THANKS_MAX_MS    60000
void flow_set_thanks_pages(flow *f, int pages);
/* The page of the thank-you screen shown at now (0 off that screen). */
int flow_thanks_page(const flow *f, int64_t now);
/* How long each page of the thank-you screen stays (thanks_ms on one page). */
int64_t flow_thanks_page_ms(const flow *f);
/* Read-aloud reads the thank-you screen: it stays (its last page once all were shown) until at
 * least ms from now, so the reading is heard to its end, but at most FLOW_THANKS_MAX_MS after it
 * began (or thanks_ms where that is longer). A later call replaces it; ms 0: as without reading
 * (the resident stopped it). Nothing off that screen. */
void flow_thanks_hold(flow *f, int64_t now, int64_t ms);
int flow_question(const flow *f); /* question index, or -1 off question screens */
bool flow_selected(const flow *f, int question, int option);
int flow_n_selected(const flow *f, int question);
/* Position (1-based) of the current question among the visible ones, and their number. A
 * question that an answer not given yet (on the current question or later) could still show
 * counts: the total never grows as a resident goes forward ("1 / 10", then "2 / 9" when the
 * answer hides one), it only shrinks when an answer hides a question. */
void flow_progress(const flow *f, int *pos, int *total);
bool flow_visible(const flow *f, int question); /* show_if satisfied by current answers */
flow_next_kind flow_next_kind_now(const flow *f);
bool flow_next_enabled(const flow *f);
bool flow_can_go_back(const flow *f);
flow_hint flow_hint_now(const flow *f, int64_t now);
/* Seconds left on the still-there countdown (rounded up). */
int flow_countdown(const flow *f, int64_t now);
/* The next time flow_tick would change something (INT64_MAX when nothing is due). */
int64_t flow_deadline(const flow *f, int64_t now);
/* True when the language screen was opened from a question (the language is already chosen). */
bool flow_language_chosen(const flow *f);
/* True while a resident is in the middle of a poll (not attract/thanks). */
bool flow_busy(const flow *f);

/* Matrices (qset_question.matrix): consecutive single-choice questions sharing their options.
 * By default the flow asks a matrix as ONE screen (one step: back/next/progress move over it
 * whole, its visible questions are its rows, required rows must be answered). The UI asks one
 * that does not fit its panel and display mode apart: one screen per question, as any other
 * (the same answers stored). question: any question of the matrix. Returns true when that
 * changed something (the current screen then shows the other way). */
bool flow_set_matrix_apart(flow *f, int question, bool apart);
/* True when the current screen is a matrix asked together: its questions are [*first, *last]
 * (the visible ones are its rows; flow_question is the first visible one). */
bool flow_matrix(const flow *f, int *first, int *last);

/* Previews and checks: shows screen s in language lang as a resident would see it; for
 * FLOW_QUESTION, question q with earlier answers chosen so that it is visible (its show_if
 * chain satisfied) and nothing chosen on q itself. Nothing is stored. Returns false when q or
 * lang is out of range. */
bool flow_preview(flow *f, flow_screen s, int q, int lang, int64_t now);

/* The answers of r as a JSON object text (question id -> value, or a list for multi), only
 * questions that were visible and answered, in question order. Caller frees; NULL on OOM. */
char *flow_answers_json(const flow_response *r);

#endif
