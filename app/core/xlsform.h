/* XLSForm spreadsheets saved as CSV (by LibreOffice or Excel) turned into "wijkpeil/1" question
 * sets. Reads UTF-8 with or without a byte-order mark, comma, semicolon or tab separated
 * (detected from the header line), quoted fields with doubled quotes and line breaks inside,
 * CRLF or LF line ends.
 *
 * survey.csv columns (names case-insensitive):
 *   type        select_one LIST | select_multiple LIST | range | smiley | yesno
 *               (also: note rows named title, welcome or thanks give the set's texts; other
 *               notes, group labels, metadata rows (start, end, ...) are warned and skipped)
 *   name        question id
 *   label::nl   one column per language; "label::English (en)" takes the code in brackets; a
 *               plain "label" is the default language (settings default_language, by code or
 *               name, else the only language); hint / hint::LANG likewise (shown under the
 *               question when given in every language, else warned)
 *   relevant    about one earlier question: ${q} = 'v', ${q} != 'v', selected(${q}, 'v'),
 *               joined by and / or, not(...) (becomes show_if's set of answers); curly quotes and
 *               non-breaking spaces are straightened first
 *   required    yes/no/true/false/true()/false() (any case), 1/0, or empty (= no)
 *   parameters  range: start=N end=N step=1 (XLSForm defaults start=1 end=10 step=1);
 *               select_multiple: min=N max=N; yesno: prefer_not=yes
 *   audio::LANG / media::audio::LANG  recorded clips (text_audio); on the note rows title,
 *               welcome and thanks: the set's title_audio, welcome_audio, thanks_audio
 *   low::LANG, high::LANG  range only: the words under the ends of the scale (low, high; a
 *               plain low / high is the default language)
 *   low_audio::LANG, high_audio::LANG (also media::low_audio::LANG ...)  their clips
 *   any other column (appearance, constraint, media::image, ...) is warned at its rows.
 * choices.csv columns: list_name, name, label::LANG ..., optional icon, image (NAME.png becomes
 * icon NAME), audio::LANG.
 * settings.csv (optional, one row): form_id (or id_string; else the survey file's name),
 *   form_title (else the file name made readable, never the id), version (a whole number, or any
 *   text kept as version_text with a derived whole number), default_language, and translated
 *   title::LANG, welcome::LANG, thanks::LANG with their clips title_audio::LANG,
 *   welcome_audio::LANG, thanks_audio::LANG (also media::title_audio::LANG ...); other columns
 *   are warned.
 * ui_strings.csv (optional): the set's own interface strings ("ui_strings"), for a language the
 *   kiosk has no words for (every key needed) or to replace some of its words: column key (the
 *   keys of assets/ui-strings.json, and dir = ltr or rtl), one label::LANG column per language,
 *   one row per key; an empty cell keeps the kiosk's own word.
 * Markdown in any text cell is turned into plain text (md.h, libcmark) and warned at its cell.
 * The set's languages are the label languages of the survey in column order (default_language
 * first); a language column left empty in every row is dropped.
 * Every message names the file, the spreadsheet row (1 = the header row, as LibreOffice numbers
 * it) and the column, also for the question-set format's own limits (checked while converting;
 * what only the loader can see is mapped back to the survey row of its question):
 * `survey.csv:7: column "relevant": cannot express "${a} > 3" as show_if`. */
#ifndef WP_XLSFORM_H
#define WP_XLSFORM_H

#include "qset.h"

#include <stdbool.h>
#include <stddef.h>

#define XLSFORM_MAX_FILE_BYTES (4 * 1024 * 1024) /* a CSV file */
#define XLSFORM_MAX_ROWS       5000
#define XLSFORM_MAX_COLS       256
#define XLSFORM_MAX_CELL       (64 * 1024) /* bytes in one cell */

typedef struct xlsform_csv xlsform_csv;

/* Parses CSV text. name is used in messages. Returns 0 and a table in *out, or -1 with
 * "NAME:ROW: message" in err. */
int xlsform_csv_parse(const char *data, size_t len, const char *name, xlsform_csv **out, char *err,
                      size_t errlen);
void xlsform_csv_free(xlsform_csv *c); /* NULL is a no-op */

int xlsform_csv_rows(const xlsform_csv *c);          /* records, the header row included */
int xlsform_csv_cols(const xlsform_csv *c, int row); /* cells in that record */
/* Cell text with surrounding blanks removed; "" when the row is shorter. Never NULL. */
const char *xlsform_csv_cell(const xlsform_csv *c, int row, int col);
char xlsform_csv_separator(const xlsform_csv *c); /* ',', ';' or '\t' */

typedef struct {
    const char *id;       /* overrides settings form_id; NULL = from settings */
    int version;          /* overrides settings version; 0 = from settings, else 1 */
    const char *out_name; /* name of the set in validation messages (e.g. "set.json") */
    const char *base_dir; /* where the set will live (icons); NULL = "." */
    const uistr *strings; /* built-in interface strings the result is validated against */
    bool strict;          /* warnings are errors */
    qset_diag *warnings;  /* what the kiosk cannot honour, "FILE:ROW: column ...: ..."; NULL:
                             not kept */
} xlsform_opts;

/* Converts parsed tables (settings and ui_strings may be NULL) into question-set JSON text
 * (malloc'd, ending in a newline; caller frees) and validates it with the question-set loader.
 * Returns 0, or -1 with every problem found in diag. */
int xlsform_convert(const xlsform_csv *survey, const char *survey_name, const xlsform_csv *choices,
                    const char *choices_name, const xlsform_csv *settings,
                    const char *settings_name, const xlsform_csv *ui_strings,
                    const char *ui_strings_name, const xlsform_opts *opts, char **json_out,
                    size_t *len_out, qset_diag *diag);

/* Reads the files and converts them (settings_path and ui_strings_path may be NULL). Same
 * result as above. */
int xlsform_convert_files(const char *survey_path, const char *choices_path,
                          const char *settings_path, const char *ui_strings_path,
                          const xlsform_opts *opts, char **json_out, size_t *len_out,
                          qset_diag *diag);

#endif
