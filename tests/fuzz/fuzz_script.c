/* Script files (`wijkpeil --script FILE`, staff previews): running commands needs the SDL
 * screens, so this fuzzes how a file is cut into lines and a line into a command and its
 * arguments (script_split_line), and the check of a line against the command table
 * (script_check_line: the command, its argument count, the numbers in range). */
#include "fuzzlib.h"
#include "ui_script.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char line[2048]; /* as script_run_file reads them */
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (n > sizeof line - 1)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        p += n;
        char copy[sizeof line], msg[WP_ERR_LEN];
        memcpy(copy, line, n + 1);
        if (script_check_line(copy, 800, 480, msg, sizeof msg) != 0 && !msg[0])
            abort(); /* a refused line always says why */
        char *argv[SCRIPT_MAX_ARGS];
        int argc = script_split_line(line, argv, SCRIPT_MAX_ARGS);
        if (argc < 0 || argc > SCRIPT_MAX_ARGS)
            abort();
        for (int i = 0; i < argc; i++) {
            if (argv[i] < line || argv[i] >= line + sizeof line || !*argv[i] ||
                isspace((unsigned char)argv[i][0]))
                abort();
            long v;
            (void)wp_parse_int(argv[i], 0, 365L * 24 * 3600 * 1000, &v);
        }
    }
    return 0;
}
