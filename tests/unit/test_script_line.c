/* How a script line is cut into a command and its arguments (script_split_line, also fuzzed by
 * tests/fuzz/fuzz_script.c), checked against the command table (script_check_line), and the
 * table as README.md shows it. */
#include "testlib.h"
#include "ui_script.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static void test_split(void)
{
    char line[128];
    char *argv[SCRIPT_MAX_ARGS];
    wp_strlcpy(line, "  \t# a comment\r\n", sizeof line);
    CHECK(script_split_line(line, argv, SCRIPT_MAX_ARGS) == 0);
    wp_strlcpy(line, "   \r\n", sizeof line);
    CHECK(script_split_line(line, argv, SCRIPT_MAX_ARGS) == 0);
    wp_strlcpy(line, "  tap  12\t34 \r\n", sizeof line);
    CHECK(script_split_line(line, argv, SCRIPT_MAX_ARGS) == 3);
    CHECK_STR(argv[0], "tap");
    CHECK_STR(argv[1], "12");
    CHECK_STR(argv[2], "34");
    wp_strlcpy(line, "a b c d e f  \n", sizeof line);
    CHECK(script_split_line(line, argv, SCRIPT_MAX_ARGS) == SCRIPT_MAX_ARGS);
    CHECK_STR(argv[3], "d e f"); /* the last argument takes the rest of the line */
}

/* Every line is checked against the command table: the command known, as many arguments as it
 * takes, numbers in range; the message names the command (or lists the known ones). */
static void test_check_line(void)
{
    static const struct {
        const char *line, *msg; /* msg NULL: the line is good */
    } cases[] = {
        {"tap 0 0", NULL},
        {"tap 799 479", NULL},
        {"tap 800 479", "tap: X \"800\" is not a whole number from 0 to 799"},
        {"tap 799 -1", "tap: Y \"-1\" is not a whole number from 0 to 479"},
        {"tap 1", "tap: an argument is missing (usage: tap X Y)"},
        {"tap 1 2 3", "tap: too many arguments (usage: tap X Y)"},
        {"tap-id start", NULL},
        {"tap-id", "tap-id: an argument is missing (usage: tap-id ID)"},
        {"double-tap-id next 5000", NULL},
        {"double-tap-id next 5001",
         "double-tap-id: MS \"5001\" is not a whole number from 0 to 5000"},
        {"wait 31536000000", NULL},
        {"wait 1.5", "wait: MS \"1.5\" is not a whole number"},
        {"sleep 60000", NULL},
        {"sleep 60001", "sleep: MS \"60001\""},
        {"expect-wake-within x", "expect-wake-within: MS \"x\""},
        {"close-panel", NULL},
        {"quit", NULL},
        {"quit now", "quit: takes no arguments"},
        {"  # a comment", NULL},
        {"", NULL},
        {"Tap 1 2", "unknown command \"Tap\" (the commands: tap, tap-id, double-tap-id, "},
        {"jump-to question", ", expect-wake-within, sleep, quit)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[128], msg[512] = "";
        wp_strlcpy(line, cases[i].line, sizeof line);
        int rc = script_check_line(line, 800, 480, msg, sizeof msg);
        if (!cases[i].msg)
            CHECKF(rc == 0, "%s: %s", cases[i].line, msg);
        else
            CHECKF(rc == -1 && strstr(msg, cases[i].msg), "%s: \"%s\"", cases[i].line, msg);
    }
}

/* README.md's table of script commands is the command table: a command added, removed or
 * changed in ui_script.c and not in README.md (or the other way round) fails here, printing the
 * rows to paste. */
static void test_readme_table_matches(void)
{
    char want[8192];
    int wl = script_commands_markdown(want, sizeof want);
    CHECK(wl > 0);
    test_readme_table("Scripted headless mode", want, "app/ui/ui_script.c");
}

int main(void)
{
    RUN(test_split);
    RUN(test_check_line);
    RUN(test_readme_table_matches);
    return test_main();
}
