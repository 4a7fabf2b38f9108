/* The scripted headless driver behind `wijkpeil --script FILE`: one command per line, run
 * against the real screens on a virtual clock that only `wait` advances. Tests and staff
 * previews use it; see README.md for the commands. */
#ifndef WP_UI_SCRIPT_H
#define WP_UI_SCRIPT_H

#include "ui.h"

#include <SDL.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define SCRIPT_RECENT_TAPS 8

typedef struct {
    int64_t at; /* virtual time, 0: none */
    int x, y;
} script_tap;

typedef struct {
    ui *u;
    SDL_Renderer *renderer;
    int width, height;
    int64_t now;                           /* the virtual monotonic clock, advanced by `wait` */
    script_tap recent[SCRIPT_RECENT_TAPS]; /* the last taps (a person's pace on one spot) */
    unsigned n_taps;
    long frames;              /* frames drawn so far */
    int64_t first_frame_mono; /* real monotonic time the first frame was presented */
    /* The kiosk's per-tick work (app_step in main.c: the screens' timeouts, retries, set
     * switches, opening hours), called after every command and at every deadline of `wait`;
     * returns true when the screen must be redrawn. NULL: ui_tick alone. */
    bool (*step)(void *ctx, int64_t now);
    /* The next deadline of that work (NULL: ui_deadline). */
    int64_t (*deadline)(void *ctx, int64_t now);
    /* Called once, right after the first frame is presented (start slow services). */
    void (*on_first_frame)(void *ctx);
    void *ctx;
    /* Set when the script ended early because the kiosk was asked to stop (SIGTERM, SIGINT:
     * SDL turns them into SDL_QUIT), checked after every command and during `sleep`. */
    bool stopped;
} script_env;

#define SCRIPT_MAX_ARGS 4 /* the command and its arguments; the last one takes the rest */

/* Splits one line of a script (modified in place) into the command and its arguments: blanks
 * around it are dropped, the last argument takes the rest of the line. Returns how many (at
 * most max), or 0 for a blank line or a # comment. */
int script_split_line(char *line, char **argv, int max);

/* Checks one line (modified in place) as script_run_file would before running it: the command
 * known, its arguments there and numbers in range for a width x height window. Returns 0 (a
 * blank or comment line too), or -1 with a message naming the command, or listing the known
 * commands when it is unknown. */
int script_check_line(char *line, int width, int height, char *msg, size_t len);

/* README.md's table of the commands (under "### Scripted headless mode"), made from the command
 * table: bytes written, or -1 when it does not fit in len. */
int script_commands_markdown(char *buf, size_t len);

/* The commands, one per line with what they do, for --help. */
void script_commands_help(FILE *f);

/* Runs every command of the file. Returns 0 when all succeeded, or -1 with a message naming
 * the file, line and command in err. `quit` ends the script early with success. */
int script_run_file(const char *path, script_env *env, char *err, size_t errlen);

/* Draws the current screen and saves it as PNG. Returns 0 or -1 with a message. */
int script_shot(script_env *env, const char *png_path, char *err, size_t errlen);

#endif
