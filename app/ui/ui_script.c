/* The scripted headless driver (see ui_script.h). */
#include "ui_script.h"
#include "ui_png.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRIPT_MAX_LINE       2048
#define SCRIPT_MAX_WAIT_STEPS 1000000 /* guard against a deadline that never moves */
#define SCRIPT_TAP_GAP_MS     600     /* a person's taps are at least this far apart */
#define SCRIPT_SLEEP_STEP_MS  10      /* `sleep` looks for a request to stop this often */

static void draw(script_env *e)
{
    if (e->frames > 0 && !ui_frame_wanted(e->u, e->now))
        return;
    ui_draw(e->u, e->now);
    SDL_RenderPresent(e->renderer);
    if (e->frames++ == 0) {
        e->first_frame_mono = wp_mono_ms();
        if (e->on_first_frame)
            e->on_first_frame(e->ctx);
    }
}

/* The same step the production loop takes (main.c), then a frame if anything changed. */
static void settle(script_env *e, bool changed)
{
    if (e->step ? e->step(e->ctx, e->now) : ui_tick(e->u, e->now))
        changed = true;
    if (ui_speech_changed(e->u))
        changed = true;
    if (changed)
        draw(e);
}

static void wait_ms(script_env *e, int64_t ms);

/* One tap at x,y. Unless quick, a tap on a spot tapped moments ago first waits for a person's
 * pace (so a script's taps are never mistaken for a double tap). */
static void tap_at(script_env *e, int x, int y, bool quick)
{
    for (int i = 0; !quick && i < SCRIPT_RECENT_TAPS; i++) {
        const script_tap *r = &e->recent[i];
        if (r->at > 0 && r->x == x && r->y == y && e->now - r->at < SCRIPT_TAP_GAP_MS)
            wait_ms(e, SCRIPT_TAP_GAP_MS - (e->now - r->at));
    }
    e->recent[e->n_taps++ % SCRIPT_RECENT_TAPS] = (script_tap){e->now, x, y};
    ui_event down = {UI_EV_DOWN, x, y}, up = {UI_EV_UP, x, y};
    bool changed = ui_input(e->u, &down, e->now);
    changed |= ui_input(e->u, &up, e->now);
    settle(e, changed);
}

/* Advances the virtual clock by ms, stopping at every deadline on the way so that timeouts
 * fire in order, exactly as they would in real time. */
static void wait_ms(script_env *e, int64_t ms)
{
    int64_t target = e->now + ms;
    for (long i = 0; i < SCRIPT_MAX_WAIT_STEPS; i++) {
        int64_t d = e->deadline ? e->deadline(e->ctx, e->now) : ui_deadline(e->u, e->now);
        if (d > target || d == INT64_MAX) {
            e->now = target;
            settle(e, false);
            return;
        }
        e->now = d > e->now ? d : e->now + 1;
        settle(e, false);
    }
    e->now = target;
}

int script_shot(script_env *e, const char *png, char *err, size_t errlen)
{
    ui_draw(e->u, e->now);
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, e->width, e->height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        wp_errf(err, errlen, "screenshot: %s", SDL_GetError());
        return -1;
    }
    int rc = SDL_RenderReadPixels(e->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
    if (rc != 0)
        wp_errf(err, errlen, "cannot write %s: %s", png, SDL_GetError());
    else
        rc = ui_png_save(s, png, err, errlen);
    SDL_FreeSurface(s);
    return rc == 0 ? 0 : -1;
}

static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        wp_errf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fputs(text, f);
    fputc('\n', f);
    if (fclose(f) != 0) {
        wp_errf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Splits "cmd arg1 arg2..." in place; the last argument takes the rest of the line. */
static int split(char *line, char **argv, int max)
{
    int n = 0;
    char *p = line;
    while (*p && n < max) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        argv[n++] = p;
        if (n == max)
            break;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

/* Taps id if it is on screen and enabled; false otherwise. */
static bool tap_if(script_env *e, const char *id)
{
    int x, y;
    if (!ui_widget_center(e->u, id, e->now, &x, &y) || !ui_widget_enabled(e->u, id, e->now))
        return false;
    tap_at(e, x, y, false);
    return true;
}

#define SCRIPT_MAX_SCROLL 40 /* scroll taps reach-id tries in one direction */

/* Scrolls until id is on screen: down from here, then up from there. */
static bool scroll_to(script_env *e, const char *id)
{
    int x, y;
    for (int i = 0; i < SCRIPT_MAX_SCROLL; i++) {
        if (ui_widget_center(e->u, id, e->now, &x, &y))
            return true;
        if (!tap_if(e, "scroll-down"))
            break;
    }
    for (int i = 0; i < SCRIPT_MAX_SCROLL; i++) {
        if (ui_widget_center(e->u, id, e->now, &x, &y))
            return true;
        if (!tap_if(e, "scroll-up"))
            break;
    }
    return ui_widget_center(e->u, id, e->now, &x, &y);
}

static bool reach(script_env *e, const char *id)
{
    int x, y;
    if (scroll_to(e, id))
        return true;
    if (!ui_widget_center(e->u, "more", e->now, &x, &y))
        return false;
    tap_at(e, x, y, false);
    return scroll_to(e, id);
}

int script_split_line(char *line, char **argv, int max)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = '\0';
    char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p || *p == '#')
        return 0;
    return split(p, argv, max);
}

/* ---- The commands: one table (script_commands); parsing, errors, --help and README.md's list
 * all come from it. A command is one row and one handler. ---- */

#define SCRIPT_MAX_MS    (365L * 24 * 3600 * 1000) /* a year of virtual time */
#define SCRIPT_MAX_SLEEP 60000                     /* `sleep` is real time: at most a minute */
#define SCRIPT_MAX_GAP   5000                      /* `double-tap-id`: the longest gap */
#define SCRIPT_QUIT      1                         /* a handler's answer: end the script, success */

typedef enum {
    ARG_TEXT, /* one word: an id, a file, a screen name */
    ARG_MS,   /* a whole number of milliseconds, 0 to max */
    ARG_X,    /* a window column, 0 to the width - 1 */
    ARG_Y,    /* a window row, 0 to the height - 1 */
} script_arg_kind;

typedef struct {
    const char *name; /* in the usage: X, ID, MS, FILE.png */
    script_arg_kind kind;
    long max; /* ARG_MS */
} script_arg;

/* A parsed line: the arguments as text, and as numbers where the kind is a number. */
typedef struct {
    const char *text[SCRIPT_MAX_ARGS - 1];
    long num[SCRIPT_MAX_ARGS - 1];
} script_args;

typedef struct {
    const char *word;
    int n_args;
    script_arg args[SCRIPT_MAX_ARGS - 1];
    const char *doc; /* one line of markdown, no '|': README.md's table and --help */
    /* 0, SCRIPT_QUIT, or -1 with a message (the file, line and command are added to it) */
    int (*run)(script_env *e, const script_args *a, char *msg, size_t len);
} script_command;

static int cmd_tap(script_env *e, const script_args *a, char *msg, size_t len)
{
    (void)msg, (void)len;
    tap_at(e, (int)a->num[0], (int)a->num[1], false);
    return 0;
}

/* The centre of widget id, or -1 with a message naming the screen. */
static int widget_at(script_env *e, const char *id, int *x, int *y, char *msg, size_t len)
{
    if (ui_widget_center(e->u, id, e->now, x, y))
        return 0;
    wp_errf(msg, len, "no widget \"%s\" on the %s screen", id, ui_screen_name(e->u));
    return -1;
}

static int cmd_tap_id(script_env *e, const script_args *a, char *msg, size_t len)
{
    int x, y;
    if (widget_at(e, a->text[0], &x, &y, msg, len) != 0)
        return -1;
    tap_at(e, x, y, false);
    return 0;
}

/* Two taps MS apart on the same spot, as an impatient or unsteady finger does. */
static int cmd_double_tap_id(script_env *e, const script_args *a, char *msg, size_t len)
{
    int x, y;
    if (widget_at(e, a->text[0], &x, &y, msg, len) != 0)
        return -1;
    tap_at(e, x, y, false);
    wait_ms(e, a->num[1]);
    tap_at(e, x, y, true);
    return 0;
}

/* As a resident finds a control: scroll down (then up) through the screen, and look behind
 * "more" when the toolbar is collapsed; fails when it is nowhere. */
static int cmd_reach_id(script_env *e, const script_args *a, char *msg, size_t len)
{
    int x, y;
    if (!reach(e, a->text[0])) {
        wp_errf(msg, len, "widget \"%s\" cannot be reached on the %s screen", a->text[0],
                ui_screen_name(e->u));
        return -1;
    }
    return widget_at(e, a->text[0], &x, &y, msg, len);
}

/* Closes the "more" panel if it is open (a resident's second tap on "more"). */
static int cmd_close_panel(script_env *e, const script_args *a, char *msg, size_t len)
{
    (void)a, (void)msg, (void)len;
    if (ui_more_open(e->u))
        tap_if(e, "more");
    return 0;
}

static int cmd_wait(script_env *e, const script_args *a, char *msg, size_t len)
{
    (void)msg, (void)len;
    wait_ms(e, a->num[0]);
    return 0;
}

static int cmd_shot(script_env *e, const script_args *a, char *msg, size_t len)
{
    return script_shot(e, a->text[0], msg, len);
}

static int cmd_tree(script_env *e, const script_args *a, char *msg, size_t len)
{
    char *json = ui_tree_json(e->u, e->now);
    if (!json) {
        wp_errf(msg, len, "cannot make the widget tree (out of memory)");
        return -1;
    }
    int rc = write_text(a->text[0], json, msg, len);
    free(json);
    return rc;
}

static int cmd_expect_screen(script_env *e, const script_args *a, char *msg, size_t len)
{
    if (strcmp(ui_screen_name(e->u), a->text[0]) == 0)
        return 0;
    wp_errf(msg, len, "expected screen \"%s\", but it is \"%s\"", a->text[0], ui_screen_name(e->u));
    return -1;
}

static int expect_widget(script_env *e, const char *id, bool want, char *msg, size_t len)
{
    int x, y;
    bool there = ui_widget_center(e->u, id, e->now, &x, &y);
    if (there == want)
        return 0;
    wp_errf(msg, len, "widget \"%s\" is %son the %s screen", id, there ? "" : "not ",
            ui_screen_name(e->u));
    return -1;
}

static int cmd_expect_widget(script_env *e, const script_args *a, char *msg, size_t len)
{
    return expect_widget(e, a->text[0], true, msg, len);
}

static int cmd_expect_no_widget(script_env *e, const script_args *a, char *msg, size_t len)
{
    return expect_widget(e, a->text[0], false, msg, len);
}

/* The loop's next deadline (what it sleeps until without input) is at most MS away: a screen
 * that must change on its own (a page turning, a timeout) wakes the loop. */
static int cmd_expect_wake_within(script_env *e, const script_args *a, char *msg, size_t len)
{
    long ms = a->num[0];
    int64_t d = e->deadline ? e->deadline(e->ctx, e->now) : ui_deadline(e->u, e->now);
    if (d == INT64_MAX)
        wp_errf(msg, len, "the loop does not wake on the %s screen, not within %ld ms",
                ui_screen_name(e->u), ms);
    else if (d - e->now > ms)
        wp_errf(msg, len, "the loop wakes in %lld ms on the %s screen, not within %ld ms",
                (long long)(d - e->now), ui_screen_name(e->u), ms);
    else
        return 0;
    return -1;
}

/* Real time, for what runs on other threads (speech); the virtual clock stays. In steps, so
 * that a request to stop (SIGTERM) ends the sleep. */
static int cmd_sleep(script_env *e, const script_args *a, char *msg, size_t len)
{
    (void)msg, (void)len;
    for (int64_t end = wp_mono_ms() + a->num[0]; !e->stopped && wp_mono_ms() < end;) {
        int64_t left = end - wp_mono_ms();
        SDL_Delay((Uint32)(left < SCRIPT_SLEEP_STEP_MS ? left : SCRIPT_SLEEP_STEP_MS));
        e->stopped = SDL_QuitRequested();
    }
    settle(e, false);
    return 0;
}

static int cmd_quit(script_env *e, const script_args *a, char *msg, size_t len)
{
    (void)e, (void)a, (void)msg, (void)len;
    return SCRIPT_QUIT;
}

/* clang-format off */
#define TEXT(name) {name, ARG_TEXT, 0}
#define MS(max)    {"MS", ARG_MS, max}
#define NONE       {{0}}

static const script_command script_commands[] = {
    {"tap", 2, {{"X", ARG_X, 0}, {"Y", ARG_Y, 0}},
     "finger down and up at window pixel X,Y", cmd_tap},
    {"tap-id", 1, {TEXT("ID")},
     "tap the centre of the widget with that id (a second tap on a spot tapped moments ago "
     "first waits 600 ms of virtual time: a person's pace, never a double tap)", cmd_tap_id},
    {"double-tap-id", 2, {TEXT("ID"), MS(SCRIPT_MAX_GAP)},
     "tap the widget twice, MS milliseconds apart (at most 5000)", cmd_double_tap_id},
    {"reach-id", 1, {TEXT("ID")},
     "find the widget as a resident would: scroll down, then up, then look behind `more`; "
     "fails when it is nowhere", cmd_reach_id},
    {"close-panel", 0, NONE, "close the `more` panel if it is open", cmd_close_panel},
    {"wait", 1, {MS(SCRIPT_MAX_MS)},
     "advance the virtual clock, firing every timeout on the way", cmd_wait},
    {"shot", 1, {TEXT("FILE.png")}, "save the screen as PNG", cmd_shot},
    {"tree", 1, {TEXT("FILE.json")}, "save the widget tree (below)", cmd_tree},
    {"expect-screen", 1, {TEXT("NAME")}, "fail unless the screen is NAME", cmd_expect_screen},
    {"expect-widget", 1, {TEXT("ID")}, "fail unless the widget is on screen", cmd_expect_widget},
    {"expect-no-widget", 1, {TEXT("ID")}, "fail unless the widget is not on screen",
     cmd_expect_no_widget},
    {"expect-wake-within", 1, {MS(SCRIPT_MAX_MS)},
     "fail unless the loop's next deadline (what it sleeps until without input: a language or "
     "page turning, a timeout) is at most MS away (`tests/scripts/ui_wake.sh`)",
     cmd_expect_wake_within},
    {"sleep", 1, {MS(SCRIPT_MAX_SLEEP)},
     "real time (at most 60000 ms), for work on other threads (speech); ends early when the "
     "kiosk is asked to stop (SIGTERM)", cmd_sleep},
    {"quit", 0, NONE, "end the script successfully", cmd_quit},
};

#undef TEXT
#undef MS
#undef NONE
/* clang-format on */

#define SCRIPT_N_COMMANDS (sizeof script_commands / sizeof script_commands[0])

/* "tap X Y": the command and its arguments' names. */
static void usage_of(const script_command *c, char *buf, size_t len)
{
    size_t used = 0;
    bool full = len == 0;
    wp_appendf(buf, len, &used, &full, "%s", c->word);
    for (int i = 0; i < c->n_args; i++)
        wp_appendf(buf, len, &used, &full, " %s", c->args[i].name);
}

static const script_command *find_command(const char *word)
{
    for (size_t i = 0; i < SCRIPT_N_COMMANDS; i++)
        if (!strcmp(script_commands[i].word, word))
            return &script_commands[i];
    return NULL;
}

/* Finds the command of argv[0] and checks its arguments into *out. NULL with a message (not
 * yet naming the file and line) when the command is unknown or an argument is missing, extra
 * or not a number in range. */
static const script_command *parse(int argc, char **argv, int width, int height, script_args *out,
                                   char *msg, size_t len)
{
    const script_command *c = find_command(argv[0]);
    if (!c) {
        char known[WP_ERR_LEN];
        size_t used = 0;
        known[0] = '\0';
        for (size_t i = 0; i < SCRIPT_N_COMMANDS; i++)
            if (!wp_list_add(known, sizeof known, &used, script_commands[i].word))
                break;
        wp_errf(msg, len, "unknown command \"%s\" (the commands: %s)", argv[0], known);
        return NULL;
    }
    char usage[128];
    usage_of(c, usage, sizeof usage);
    if (argc - 1 != c->n_args) {
        if (c->n_args == 0)
            wp_errf(msg, len, "%s: takes no arguments", c->word);
        else
            wp_errf(msg, len, "%s: %s (usage: %s)", c->word,
                    argc - 1 < c->n_args ? "an argument is missing" : "too many arguments", usage);
        return NULL;
    }
    for (int i = 0; i < c->n_args; i++) {
        const script_arg *k = &c->args[i];
        out->text[i] = argv[i + 1];
        out->num[i] = 0;
        long max = k->kind == ARG_X ? width - 1 : k->kind == ARG_Y ? height - 1 : k->max;
        if (k->kind == ARG_TEXT)
            continue;
        if (!wp_parse_int(argv[i + 1], 0, max, &out->num[i])) {
            wp_errf(msg, len, "%s: %s \"%s\" is not a whole number from 0 to %ld%s (usage: %s)",
                    c->word, k->name, argv[i + 1], max,
                    k->kind == ARG_MS  ? ""
                    : k->kind == ARG_X ? " (the window's width)"
                                       : " (the window's height)",
                    usage);
            return NULL;
        }
    }
    return c;
}

int script_check_line(char *line, int width, int height, char *msg, size_t len)
{
    char *argv[SCRIPT_MAX_ARGS];
    int argc = script_split_line(line, argv, SCRIPT_MAX_ARGS);
    script_args a;
    if (argc == 0)
        return 0;
    return parse(argc, argv, width, height, &a, msg, len) ? 0 : -1;
}

int script_commands_markdown(char *buf, size_t len)
{
    size_t used = 0;
    bool full = len == 0;
    wp_appendf(buf, len, &used, &full, "| command | effect |\n|---|---|\n");
    for (size_t i = 0; i < SCRIPT_N_COMMANDS; i++) {
        char usage[128];
        usage_of(&script_commands[i], usage, sizeof usage);
        wp_appendf(buf, len, &used, &full, "| `%s` | %s |\n", usage, script_commands[i].doc);
    }
    return full ? -1 : (int)used;
}

void script_commands_help(FILE *f)
{
    for (size_t i = 0; i < SCRIPT_N_COMMANDS; i++) {
        char usage[128];
        usage_of(&script_commands[i], usage, sizeof usage);
        fprintf(f, "  %-24s %s\n", usage, script_commands[i].doc);
    }
}

int script_run_file(const char *path, script_env *e, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        wp_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char line[SCRIPT_MAX_LINE];
    int lineno = 0, rc = 0;
    bool quit = false;
    e->stopped = false;
    draw(e); /* the first frame, as the kiosk shows it */
    while (!quit && !e->stopped && fgets(line, sizeof line, f)) {
        if (SDL_QuitRequested()) {
            e->stopped = true; /* the rest of the script is not run */
            break;
        }
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            wp_errf(err, errlen, "%s:%d: line too long (at most %d characters)", path, lineno,
                    SCRIPT_MAX_LINE - 2);
            rc = -1;
            break;
        }
        char *argv[SCRIPT_MAX_ARGS];
        int argc = script_split_line(line, argv, SCRIPT_MAX_ARGS);
        if (argc == 0)
            continue;
        char msg[WP_ERR_LEN] = "";
        script_args a;
        const script_command *c = parse(argc, argv, e->width, e->height, &a, msg, sizeof msg);
        int r = c ? c->run(e, &a, msg, sizeof msg) : -1;
        if (r < 0) {
            if (c) /* the parser's messages name the command already */
                wp_errf(err, errlen, "%s:%d: %s: %s", path, lineno, c->word, msg);
            else
                wp_errf(err, errlen, "%s:%d: %s", path, lineno, msg);
            rc = -1;
            break;
        }
        quit = r == SCRIPT_QUIT;
    }
    fclose(f);
    return rc;
}
