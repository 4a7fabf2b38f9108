/* wijkpeil sync: runs the uploader once in the foreground, for staff and scripts. */
#include "cli.h"

#include "config.h"
#include "sync.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int cli_sync(int argc, char **argv)
{
    const char *config_path = NULL, *db = NULL;
    /* main passes argv from the sub-command's own name on; tolerate both conventions */
    int first = argc > 0 && strcmp(argv[0], "sync") == 0 ? 1 : 0;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else {
            fprintf(stderr, "usage: wijkpeil sync [--config FILE] [--db FILE]\n");
            return 2;
        }
    }
    config cfg;
    config_sources src;
    char err[WP_ERR_LEN];
    /* The kiosk's own loader: settings staff saved from a stick apply here too. */
    if (config_load_kiosk(&cfg, config_path, db, &src, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil sync: %s\n", err);
        return 2;
    }
    if (src.warning[0])
        fprintf(stderr, "wijkpeil sync: WARNING: %s\n", src.warning);
    db = cfg.db;
    sync_report rep;
    int rc = sync_run_once(&cfg, db, &rep, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "wijkpeil sync: %s\n", err);
        return 2;
    }
    printf("wijkpeil sync: %s\n", rep.summary);
    return rc == 0 ? 0 : 1;
}
