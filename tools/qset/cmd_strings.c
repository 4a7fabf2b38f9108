/* The kiosk's built-in interface strings, shared by the commands that validate sets. */
#include "qset_cmds.h"
#include "ui_walk.h"
#include "util.h"

#include <stdio.h>

uistr *qset_cmd_strings(const char *cmd)
{
    char path[4096], err[WP_ERR_LEN];
    uistr *u = NULL;
    snprintf(path, sizeof path, "%s/assets/ui-strings.json", ui_walk_data_dir());
    if (uistr_load(path, &u, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset %s: %s\n", cmd, err);
        return NULL;
    }
    return u;
}
