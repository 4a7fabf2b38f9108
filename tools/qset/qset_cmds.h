/* Sub-commands of wijkpeil-qset, one file each (cmd_NAME.c). Each takes the arguments after
 * its name (argv[0] is the command name) and returns the process exit code. */
#ifndef WP_QSET_CMDS_H
#define WP_QSET_CMDS_H

#include "uistr.h"

int cmd_validate(int argc, char **argv); /* validate FILE... */
int cmd_from_csv(int argc, char **argv); /* from-csv SURVEY.csv CHOICES.csv -o SET.json */
int cmd_preview(int argc, char **argv);  /* preview SET.json -o DIR */
int cmd_keygen(int argc, char **argv);   /* keygen -o NAME */
int cmd_sign(int argc, char **argv);     /* sign SET.json --key NAME.secret */
int cmd_verify(int argc, char **argv);   /* verify SET.json --key NAME.public */
int cmd_pin_hash(int argc, char **argv); /* pin-hash: reads a PIN, prints staff_pin_hash line */

/* Loads the kiosk's built-in interface strings (assets/ui-strings.json under $WIJKPEIL_DATA,
 * else the install folder) that question sets are validated against; NULL after printing why
 * on stderr, prefixed with "wijkpeil-qset CMD: ". Free with uistr_free. */
uistr *qset_cmd_strings(const char *cmd);

#endif
