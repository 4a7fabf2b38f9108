/* Sub-commands of the wijkpeil program besides running the kiosk. Each takes the arguments
 * after its name and returns the process exit code. */
#ifndef WP_CLI_H
#define WP_CLI_H

/* wijkpeil export --db FILE [--format jsonl|csv] [-o FILE] */
int cli_export(int argc, char **argv);
/* wijkpeil sync [--config FILE] [--db FILE] */
int cli_sync(int argc, char **argv);

#endif
