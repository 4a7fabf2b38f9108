/* wijkpeil-qset pin-hash: reads a staff PIN from stdin and prints its config line. */
#include "pin.h"
#include "qset_cmds.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int cmd_pin_hash(int argc, char **argv)
{
    char line[64], hash[PIN_HASH_LEN], err[WP_ERR_LEN];
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: echo PIN | wijkpeil-qset pin-hash\n");
        return 2;
    }
    if (tty) {
        fprintf(stderr, "staff PIN (%d-%d digits): ", PIN_MIN_DIGITS, PIN_MAX_DIGITS);
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *got = fgets(line, sizeof line, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got) {
        fprintf(stderr, "wijkpeil-qset pin-hash: no PIN on standard input\n");
        return 1;
    }
    line[strcspn(line, "\r\n")] = '\0';
    int rc = pin_hash(line, hash, sizeof hash, err, sizeof err);
    memset(line, 0, sizeof line);
    if (rc != 0) {
        fprintf(stderr, "wijkpeil-qset pin-hash: %s\n", err);
        return 1;
    }
    printf("staff_pin_hash = %s\n", hash);
    return 0;
}
