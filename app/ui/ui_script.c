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

static int run_command(script_env *e, int argc, char **argv, bool *quit, char *msg, size_t len)
{
    const char *cmd = argv[0];
    long a, b;
    if (!strcmp(cmd, "tap")) {
        if (argc != 3 || !wp_parse_int(argv[1], 0, e->width - 1, &a) ||
            !wp_parse_int(argv[2], 0, e->height - 1, &b)) {
            wp_errf(msg, len, "usage: tap X Y (inside the %dx%d window)", e->width, e->height);
            return -1;
        }
        tap_at(e, (int)a, (int)b, false);
        return 0;
    }
    if (!strcmp(cmd, "tap-id")) {
        int x, y;
        if (argc != 2) {
            wp_errf(msg, len, "usage: tap-id ID");
            return -1;
        }
        if (!ui_widget_center(e->u, argv[1], e->now, &x, &y)) {
            wp_errf(msg, len, "no widget \"%s\" on the %s screen", argv[1], ui_screen_name(e->u));
            return -1;
        }
        tap_at(e, x, y, false);
        return 0;
    }
    if (!strcmp(cmd, "double-tap-id")) {
        /* Two taps MS apart on the same spot, as an impatient or unsteady finger does. */
        int x, y;
        if (argc != 3 || !wp_parse_int(argv[2], 0, 5000, &a)) {
            wp_errf(msg, len, "usage: double-tap-id ID MS");
            return -1;
        }
        if (!ui_widget_center(e->u, argv[1], e->now, &x, &y)) {
            wp_errf(msg, len, "no widget \"%s\" on the %s screen", argv[1], ui_screen_name(e->u));
            return -1;
        }
        tap_at(e, x, y, false);
        wait_ms(e, a);
        tap_at(e, x, y, true);
        return 0;
    }
    if (!strcmp(cmd, "wait")) {
        if (argc != 2 || !wp_parse_int(argv[1], 0, 365L * 24 * 3600 * 1000, &a)) {
            wp_errf(msg, len, "usage: wait MS");
            return -1;
        }
        wait_ms(e, a);
        return 0;
    }
    if (!strcmp(cmd, "sleep")) {
        /* Real time, for what runs on other threads (speech); the virtual clock stays. */
        if (argc != 2 || !wp_parse_int(argv[1], 0, 60000, &a)) {
            wp_errf(msg, len, "usage: sleep MS (at most 60000)");
            return -1;
        }
        /* in steps, so that a request to stop (SIGTERM) ends the sleep */
        for (int64_t end = wp_mono_ms() + a; !e->stopped && wp_mono_ms() < end;) {
            int64_t left = end - wp_mono_ms();
            SDL_Delay((Uint32)(left < SCRIPT_SLEEP_STEP_MS ? left : SCRIPT_SLEEP_STEP_MS));
            e->stopped = SDL_QuitRequested();
        }
        settle(e, false);
        return 0;
    }
    if (!strcmp(cmd, "shot")) {
        if (argc != 2) {
            wp_errf(msg, len, "usage: shot FILE.png");
            return -1;
        }
        return script_shot(e, argv[1], msg, len);
    }
    if (!strcmp(cmd, "tree")) {
        if (argc != 2) {
            wp_errf(msg, len, "usage: tree FILE.json");
            return -1;
        }
        char *json = ui_tree_json(e->u, e->now);
        int rc = json ? write_text(argv[1], json, msg, len) : -1;
        free(json);
        return rc;
    }
    if (!strcmp(cmd, "expect-screen")) {
        if (argc != 2) {
            wp_errf(msg, len, "usage: expect-screen NAME");
            return -1;
        }
        if (strcmp(ui_screen_name(e->u), argv[1]) != 0) {
            wp_errf(msg, len, "expected screen \"%s\", but it is \"%s\"", argv[1],
                    ui_screen_name(e->u));
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "expect-wake-within")) {
        /* The loop's next deadline (what it sleeps until without input) is at most MS away: a
         * screen that must change on its own (a page turning, a timeout) wakes the loop. */
        if (argc != 2 || !wp_parse_int(argv[1], 0, 365L * 24 * 3600 * 1000, &a)) {
            wp_errf(msg, len, "usage: expect-wake-within MS");
            return -1;
        }
        int64_t d = e->deadline ? e->deadline(e->ctx, e->now) : ui_deadline(e->u, e->now);
        if (d == INT64_MAX || d - e->now > a) {
            if (d == INT64_MAX)
                wp_errf(msg, len, "the loop does not wake on the %s screen, not within %lld ms",
                        ui_screen_name(e->u), (long long)a);
            else
                wp_errf(msg, len, "the loop wakes in %lld ms on the %s screen, not within %lld ms",
                        (long long)(d - e->now), ui_screen_name(e->u), (long long)a);
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "expect-widget") || !strcmp(cmd, "expect-no-widget")) {
        int x, y;
        if (argc != 2) {
            wp_errf(msg, len, "usage: %s ID", cmd);
            return -1;
        }
        bool there = ui_widget_center(e->u, argv[1], e->now, &x, &y);
        if (there != !strcmp(cmd, "expect-widget")) {
            wp_errf(msg, len, "widget \"%s\" is %son the %s screen", argv[1], there ? "" : "not ",
                    ui_screen_name(e->u));
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "close-panel")) {
        /* Closes the "more" panel if it is open (a resident's second tap on "more"). */
        if (ui_more_open(e->u))
            tap_if(e, "more");
        return 0;
    }
    if (!strcmp(cmd, "reach-id")) {
        /* As a resident finds a control: scroll down (then up) through the screen, and look
         * behind "more" when the toolbar is collapsed; fails when it is nowhere. */
        int x, y;
        if (argc != 2) {
            wp_errf(msg, len, "usage: reach-id ID");
            return -1;
        }
        if (!reach(e, argv[1])) {
            wp_errf(msg, len, "widget \"%s\" cannot be reached on the %s screen", argv[1],
                    ui_screen_name(e->u));
            return -1;
        }
        if (!ui_widget_center(e->u, argv[1], e->now, &x, &y))
            return -1;
        return 0;
    }
    if (!strcmp(cmd, "quit")) {
        *quit = true;
        return 0;
    }
    wp_errf(msg, len, "unknown command \"%s\"", cmd);
    return -1;
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
            wp_errf(err, errlen, "%s:%d: line too long", path, lineno);
            rc = -1;
            break;
        }
        char *argv[SCRIPT_MAX_ARGS];
        int argc = script_split_line(line, argv, SCRIPT_MAX_ARGS);
        if (argc == 0)
            continue;
        char msg[WP_ERR_LEN];
        if (run_command(e, argc, argv, &quit, msg, sizeof msg) != 0) {
            wp_errf(err, errlen, "%s:%d: %s", path, lineno, msg);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}
