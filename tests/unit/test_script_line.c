/* How a script line is cut into a command and its arguments (script_split_line, also fuzzed by
 * tests/fuzz/fuzz_script.c). */
#include "testlib.h"
#include "ui_script.h"
#include "util.h"

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

int main(void)
{
    RUN(test_split);
    return test_main();
}
