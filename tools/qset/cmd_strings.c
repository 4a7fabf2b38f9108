/* The kiosk's built-in interface strings, shared by the commands that validate sets. */
#include "qset_cmds.h"
#include "uistr.h"
#include "util.h"

#include <stdio.h>

uistr *qset_cmd_strings(const char *cmd)
{
    char err[WP_ERR_LEN];
    uistr *u = NULL;
    if (uistr_load_builtin(&u, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset %s: %s\n", cmd, err);
        return NULL;
    }
    return u;
}
