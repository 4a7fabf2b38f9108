/* wijkpeil-qset preview: a PNG of every screen of a question set in every language and display
 * mode, drawn by the kiosk's own renderer headless, an index.html that shows the languages side
 * by side, and the accessibility check of every screen (the same one the tests run). */
#include "qset.h"
#include "qset_cmds.h"
#include "fsio.h"
#include "matrix_fit.h"
#include "ui_check.h"
#include "ui_walk.h"
#include "uistr.h"
#include "util.h"

#include <SDL.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PREVIEW_PATH_LEN      4096
#define PREVIEW_MAX_SHOTS     50000       /* screens recorded for the index */
#define PREVIEW_HTML_MAX      (64u << 20) /* index.html is never larger than this */
#define PREVIEW_DEFAULT_W     1920
#define PREVIEW_DEFAULT_H     1080
#define PREVIEW_DEFAULT_W_MM  531.0 /* a 24-inch 16:9 kiosk screen */
#define PREVIEW_THUMB_W       384   /* width of the images in the index */
#define PREVIEW_EXIT_FINDINGS 3
#define PREVIEW_MAX_PANELS    16

/* One saved screen. */
typedef struct {
    int mode, lang, number, scroll;
    int selected;  /* 1: the question with answers chosen */
    char rel[160]; /* LANG/NN-NAME[-scrollK][-MODE].png */
    char name[UI_WALK_NAME_LEN];
    int msg0, msg1; /* its findings: report messages [msg0, msg1) */
} shot;

typedef struct {
    const char *dir;
    ui_check_report *rep;
    shot *shots;
    int n, cap;
    char err[WP_ERR_LEN];
    mfit *mfit; /* where the panel asks a matrix apart */
} preview;

/* A growing text buffer for the HTML page. */
typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} buf;

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: wijkpeil-qset preview SET.json -o DIR [--screen WxH@MMmm ...]\n"
        "                             [--viewing-distance-mm MM]\n"
        "Validates the set, then draws every screen (attract, language, every question,\n"
        "still-there, thanks, save-error, closed) in every language and in the four display\n"
        "modes with the kiosk's renderer, on each panel: a window of W x H pixels whose visible\n"
        "width is MM millimetres (repeat --screen for several). Default: the panels kiosks\n"
        "really have (7\" 800x480@155mm and 720x1280@88mm, 10.1\" 1280x800@217mm and\n"
        "1024x600@222mm, 15.6\" 1920x1080@344mm, 21.5\" and 24\" 1920x1080@476mm/@531mm).\n"
        "DIR/PANEL/LANG/NN-SCREEN.png (normal), NN-SCREEN-large.png, NN-SCREEN-contrast.png and\n"
        "NN-SCREEN-large-contrast.png; questions also with answers chosen (-selected), the\n"
        "\"more\" panel (-more) and each scroll position (-scrollK). DIR/index.html links the\n"
        "panels; DIR/PANEL/index.html shows the languages side by side. Every screen is checked\n"
        "for accessibility (target size and spacing, text and outline contrast, text size,\n"
        "clipped text, overlaps, characters the fonts cannot draw, reach); the findings are\n"
        "summarised by kind (a count and one example each), then listed in full (also in\n"
        "DIR/PANEL/findings.txt and the panel's index.html).\n"
        "--size WxH with --screen-width-mm MM is the older form of one --screen (default\n"
        "%dx%d, %.0f mm). Viewing distance 600 mm unless given. Assets come from\n"
        "$WIJKPEIL_DATA (else %s).\n"
        "Exit status: 0 valid and no findings; 3 valid but with accessibility findings;\n"
        "1 the set is invalid (the validator's messages are printed); 2 usage error or\n"
        "the preview could not be drawn or written.\n",
        PREVIEW_DEFAULT_W, PREVIEW_DEFAULT_H, PREVIEW_DEFAULT_W_MM, WIJKPEIL_DATA_DIR);
}

static void bputs(buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = cap <= PREVIEW_HTML_MAX ? realloc(b->s, cap) : NULL;
        if (!p) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void bprintf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bprintf(buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    bputs(b, tmp);
}

/* Appends s with &, <, > and " escaped. */
static void besc(buf *b, const char *s)
{
    char tmp[8];
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            bputs(b, "&amp;");
            break;
        case '<':
            bputs(b, "&lt;");
            break;
        case '>':
            bputs(b, "&gt;");
            break;
        case '"':
            bputs(b, "&quot;");
            break;
        default:
            tmp[0] = *s;
            tmp[1] = '\0';
            bputs(b, tmp);
        }
    }
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        wp_errf(err, errlen, "cannot create folder %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        wp_errf(err, errlen, "%s is not a folder", path);
        return -1;
    }
    return 0;
}

static int on_screen(void *vctx, const ui_walk_screen *s)
{
    preview *p = vctx;
    if (s->apart) { /* a matrix that does not fit here: said per panel, nothing drawn */
        mfit_add(p->mfit, s);
        return 0;
    }
    if (p->n >= PREVIEW_MAX_SHOTS) {
        wp_errf(p->err, sizeof p->err, "more than %d screens: stopped", PREVIEW_MAX_SHOTS);
        return 2;
    }
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 256;
        shot *n = realloc(p->shots, (size_t)cap * sizeof *n);
        if (!n) {
            wp_errf(p->err, sizeof p->err, "out of memory");
            return 2;
        }
        p->shots = n;
        p->cap = cap;
    }
    shot *sh = &p->shots[p->n];
    memset(sh, 0, sizeof *sh);
    sh->mode = s->mode;
    sh->lang = s->lang;
    sh->number = s->number;
    sh->scroll = s->scroll;
    /* a row of the index per variant: answers chosen 1, "more" 2, the attract screen's
     * further pages ("page2", ...) 3, ... */
    sh->selected = !strcmp(s->state, "selected")   ? 1
                   : !strncmp(s->state, "page", 4) ? 1 + (int)strtol(s->state + 4, NULL, 10)
                   : *s->state                     ? 2
                                                   : 0;
    char scroll[40] = "", where[40] = "";
    if (s->scroll) {
        snprintf(scroll, sizeof scroll, "-scroll%d", s->scroll);
        snprintf(where, sizeof where, "scroll %d", s->scroll);
    } else if (*s->state) {
        snprintf(scroll, sizeof scroll, "-%s", s->state);
        snprintf(where, sizeof where, "%s", s->state);
    }
    snprintf(sh->name, sizeof sh->name, "%s%s", s->name, scroll);
    snprintf(sh->rel, sizeof sh->rel, "%s/%02d-%s%s.png", s->lang_code, s->number, sh->name,
             ui_walk_mode_suffix(s->mode));
    char path[PREVIEW_PATH_LEN];
    snprintf(path, sizeof path, "%s/%s", p->dir, sh->rel);
    if (ui_walk_save_png(s, path, p->err, sizeof p->err) != 0)
        return 2;
    sh->msg0 = ui_check_report_kept(p->rep);
    ui_check_input in = {.tree_json = s->tree_json,
                         .pixels = s->pixels,
                         .width = s->width,
                         .height = s->height,
                         .text = s->text,
                         .where = where};
    if (ui_check_screen(&in, p->rep, p->err, sizeof p->err) < 0)
        return 2;
    sh->msg1 = ui_check_report_kept(p->rep);
    p->n++;
    return 0;
}

static int cmp_rows(const void *a, const void *b)
{
    const int *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

static const char *mode_title(int m)
{
    static const char *const t[UI_WALK_MODES] = {"Normal", "Large text", "High contrast",
                                                 "Large text and high contrast"};
    return m >= 0 && m < UI_WALK_MODES ? t[m] : "?";
}

static void html_findings(buf *b, const ui_check_report *rep, int m0, int m1)
{
    if (m1 <= m0)
        return;
    bputs(b, "<ul class=\"findings\">\n");
    for (int i = m0; i < m1; i++) {
        bputs(b, "<li>");
        besc(b, ui_check_report_message(rep, i));
        bputs(b, "</li>\n");
    }
    bputs(b, "</ul>\n");
}

static int write_index(const preview *p, const qset *qs, const uistr *strings, int W, int H,
                       double ppm, char *err, size_t errlen)
{
    buf b = {0};
    int nl = qset_n_languages(qs);
    const char *title = qset_title(qs)->s[0];
    int count = ui_check_report_count(p->rep);
    bputs(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    besc(&b, title);
    bprintf(&b, " (%s v%d): preview</title>\n", qset_id(qs), qset_version(qs));
    bputs(&b,
          "<style>\nbody{font-family:sans-serif;margin:1em}\n"
          "table{border-collapse:collapse}\n"
          "th,td{border:1px solid #888;padding:4px;vertical-align:top}\n"
          "thead th{position:sticky;top:0;background:#eee}\n"
          "img{display:block;border:1px solid #444}\n"
          ".findings{color:#8b0000;font-size:85%;max-width:24em;margin:4px 0;padding-left:1.2em}\n"
          ".bad{color:#8b0000;font-weight:bold}.good{color:#064}\n</style>\n</head>\n<body>\n");
    bputs(&b, "<h1>");
    besc(&b, title);
    bputs(&b, "</h1>\n<p>Question set <code>");
    besc(&b, qset_id(qs));
    bprintf(&b, "</code>, version %d, %d question%s, languages:", qset_version(qs),
            qset_n_questions(qs), qset_n_questions(qs) == 1 ? "" : "s");
    for (int l = 0; l < nl; l++) {
        bputs(&b, " <code>");
        besc(&b, qset_language(qs, l));
        bputs(&b, "</code>");
    }
    bprintf(&b, ". Drawn at %dx%d pixels, %.2f px/mm (a screen %.0f mm wide).</p>\n", W, H, ppm,
            W / ppm);
    bputs(&b, "<p>Modes: ");
    for (int m = 0; m < UI_WALK_MODES; m++)
        bprintf(&b, "%s<a href=\"#mode-%s\">%s</a>", m ? " | " : "", ui_walk_mode_name(m),
                mode_title(m));
    bputs(&b, "</p>\n<h2 id=\"findings\">Accessibility check</h2>\n");
    if (count == 0)
        bprintf(&b, "<p class=\"good\">No findings on %d screens.</p>\n", p->n);
    else {
        bprintf(&b,
                "<p class=\"bad\">%d finding%s on %d screens: fix these before the set goes "
                "on a stick.</p>\n",
                count, count == 1 ? "" : "s", p->n);
        html_findings(&b, p->rep, 0, ui_check_report_kept(p->rep));
        if (count > ui_check_report_kept(p->rep))
            bprintf(&b, "<p>(only the first %d are listed)</p>\n", ui_check_report_kept(p->rep));
    }
    int(*rows)[3] = calloc((size_t)(p->n ? p->n : 1), sizeof *rows);
    if (!rows) {
        free(b.s);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    for (int m = 0; m < UI_WALK_MODES; m++) {
        int nr = 0;
        for (int i = 0; i < p->n; i++) {
            const shot *s = &p->shots[i];
            if (s->mode != m)
                continue;
            bool seen = false;
            for (int r = 0; r < nr && !seen; r++)
                seen =
                    rows[r][0] == s->number && rows[r][1] == s->selected && rows[r][2] == s->scroll;
            if (!seen) {
                rows[nr][0] = s->number;
                rows[nr][1] = s->selected;
                rows[nr][2] = s->scroll;
                nr++;
            }
        }
        if (!nr)
            continue;
        qsort(rows, (size_t)nr, sizeof *rows, cmp_rows);
        bprintf(&b, "<h2 id=\"mode-%s\">%s</h2>\n<table>\n<thead><tr><th>Screen</th>",
                ui_walk_mode_name(m), mode_title(m));
        for (int l = 0; l < nl; l++) {
            const char *code = qset_language(qs, l);
            bool rtl = qset_ui_rtl(qs, strings, code);
            bputs(&b, "<th lang=\"");
            besc(&b, code);
            bprintf(&b, "\"%s>", rtl ? " dir=\"rtl\"" : "");
            besc(&b, qset_ui_string(qs, strings, code, UISTR_LANGUAGE_NAME));
            bputs(&b, " (");
            besc(&b, code);
            bputs(&b, ")</th>");
        }
        bputs(&b, "</tr></thead>\n<tbody>\n");
        int th = (int)((double)PREVIEW_THUMB_W * H / W);
        for (int r = 0; r < nr; r++) {
            const shot *first = NULL;
            for (int i = 0; i < p->n && !first; i++)
                if (p->shots[i].mode == m && p->shots[i].number == rows[r][0] &&
                    p->shots[i].selected == rows[r][1] && p->shots[i].scroll == rows[r][2])
                    first = &p->shots[i];
            bprintf(&b, "<tr><th>%02d ", rows[r][0]);
            besc(&b, first ? first->name : "");
            bputs(&b, "</th>");
            for (int l = 0; l < nl; l++) {
                const shot *s = NULL;
                for (int i = 0; i < p->n && !s; i++)
                    if (p->shots[i].mode == m && p->shots[i].lang == l &&
                        p->shots[i].number == rows[r][0] && p->shots[i].selected == rows[r][1] &&
                        p->shots[i].scroll == rows[r][2])
                        s = &p->shots[i];
                bputs(&b, "<td>");
                if (s) {
                    bputs(&b, "<a href=\"");
                    besc(&b, s->rel);
                    bputs(&b, "\"><img src=\"");
                    besc(&b, s->rel);
                    bprintf(&b, "\" width=\"%d\" height=\"%d\" loading=\"lazy\" alt=\"",
                            PREVIEW_THUMB_W, th);
                    besc(&b, s->name);
                    bputs(&b, ", ");
                    besc(&b, qset_language(qs, l));
                    bputs(&b, "\"></a>\n");
                    html_findings(&b, p->rep, s->msg0, s->msg1);
                }
                bputs(&b, "</td>");
            }
            bputs(&b, "</tr>\n");
        }
        bputs(&b, "</tbody>\n</table>\n");
    }
    free(rows);
    bputs(&b, "</body>\n</html>\n");
    int rc = -1;
    char path[PREVIEW_PATH_LEN];
    snprintf(path, sizeof path, "%s/index.html", p->dir);
    if (b.failed)
        wp_errf(err, errlen, "index.html would be larger than %u bytes", PREVIEW_HTML_MAX);
    else
        rc = fsio_write_file(NULL, FSIO_DISK, path, b.s, b.len, 0644, err, errlen);
    free(b.s);
    return rc;
}

/* One panel to draw: its folder name, window and visible width. */
typedef struct {
    char name[64];
    int w, h;
    double mm;
} panel;

/* Parses "WxH@MMmm" (e.g. 800x480@155mm). */
static bool parse_screen(const char *s, panel *out)
{
    int used = 0;
    double mm = 0;
    if (sscanf(s, "%dx%d@%lfmm%n", &out->w, &out->h, &mm, &used) != 3 || s[used] || out->w < 320 ||
        out->h < 240 || out->w > 8192 || out->h > 8192 || !(mm >= 50) || mm > 5000)
        return false;
    out->mm = mm;
    snprintf(out->name, sizeof out->name, "%dx%d-%.0fmm", out->w, out->h, mm);
    return true;
}

/* The kinds of finding, for the summary: what the checker's message says after the widget. */
static const struct {
    const char *needle, *kind;
} finding_kinds[] = {
    {"short side", "target smaller than 20 mm"},
    {"only ", "targets closer than 3 mm"},
    {"outline contrast", "outline contrast under 3:1"},
    {"text contrast", "text contrast too low"},
    {"capital height", "text too small"},
    {"text clipped", "text clipped"},
    {"text overflows", "text overflows its box"},
    {"broken between letters", "word wider than its line"},
    {"outside the", "outside the window"},
    {"overlaps", "boxes overlap"},
    {"no font can draw", "characters no font can draw"},
    {"out of reach", "out of reach from a wheelchair"},
    {"table of screens", "action not listed for its screen"},
};
#define N_KINDS (int)(sizeof finding_kinds / sizeof finding_kinds[0])

static int kind_of(const char *msg)
{
    for (int k = 0; k < N_KINDS; k++)
        if (strstr(msg, finding_kinds[k].needle))
            return k;
    return N_KINDS; /* other */
}

/* Draws and checks every screen at one panel into dir; adds its findings to the summary. */
static int preview_panel(const qset *qs, const uistr *strings, const char *dir, const panel *pn,
                         long vd, int *count, int kinds[N_KINDS + 1],
                         char examples[N_KINDS + 1][UI_CHECK_MSG_LEN + 80], int *pngs, char *err,
                         size_t errlen)
{
    char path[PREVIEW_PATH_LEN];
    preview p = {.dir = dir};
    ui_walk *wk = NULL;
    int rc = -1;
    if (make_dir(dir, err, errlen) != 0)
        return -1;
    for (int l = 0; l < qset_n_languages(qs); l++) {
        snprintf(path, sizeof path, "%s/%s", dir, qset_language(qs, l));
        if (make_dir(path, err, errlen) != 0)
            return -1;
    }
    p.rep = ui_check_report_new();
    p.mfit = mfit_new(qs, pn->name);
    if (!p.rep || !p.mfit) {
        ui_check_report_free(p.rep);
        mfit_free(p.mfit);
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    double ppm = pn->w / pn->mm;
    ui_walk_options o = {.qs = qs,
                         .data_dir = ui_walk_data_dir(),
                         .width = pn->w,
                         .height = pn->h,
                         .px_per_mm = ppm,
                         .viewing_distance_mm = (int)vd,
                         .scroll = true,
                         .states = true};
    if (ui_walk_open(&o, &wk, err, errlen) != 0)
        goto done;
    if (ui_walk_run(wk, on_screen, &p, err, errlen) != 0) {
        if (p.err[0])
            wp_strlcpy(err, p.err, errlen);
        goto done;
    }
    if (write_index(&p, qs, strings, pn->w, pn->h, ppm, err, errlen) != 0)
        goto done;
    for (int i = 0; i < ui_check_report_kept(p.rep); i++) {
        const char *m = ui_check_report_message(p.rep, i);
        int k = kind_of(m);
        if (kinds[k]++ == 0)
            snprintf(examples[k], sizeof examples[k], "panel=%s %s", pn->name, m);
    }
    *count += ui_check_report_count(p.rep);
    *pngs += p.n;
    printf("%s: %d screens x %d languages x %d modes (%d PNG files with answers chosen, the "
           "\"more\" panel and scroll positions) in %s; %d finding%s\n",
           pn->name, ui_walk_screens_per_language(wk), qset_n_languages(qs), UI_WALK_MODES, p.n,
           dir, ui_check_report_count(p.rep), ui_check_report_count(p.rep) == 1 ? "" : "s");
    mfit_print(p.mfit, "wijkpeil-qset preview", stdout);
    fflush(stdout); /* each panel's summary as it is done, also into a pipe */
    rc = 0;
done:
    /* The full list, after the summary: kept in the panel's report file. */
    if (rc == 0) {
        buf b = {0};
        for (int i = 0; i < ui_check_report_kept(p.rep); i++)
            bprintf(&b, "panel=%s %s\n", pn->name, ui_check_report_message(p.rep, i));
        snprintf(path, sizeof path, "%s/findings.txt", dir);
        if (b.failed ||
            fsio_write_file(NULL, FSIO_DISK, path, b.s ? b.s : "", b.len, 0644, err, errlen) != 0)
            rc = -1;
        free(b.s);
    }
    ui_walk_close(wk);
    ui_check_report_free(p.rep);
    mfit_free(p.mfit);
    free(p.shots);
    return rc;
}

int cmd_preview(int argc, char **argv)
{
    const char *set = NULL, *dir = NULL;
    int W = 0, H = 0;
    double width_mm = 0;
    long vd = 600;
    panel panels[PREVIEW_MAX_PANELS];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-o") && has) {
            dir = argv[++i];
        } else if (!strcmp(a, "--screen") && has) {
            if (np == PREVIEW_MAX_PANELS || !parse_screen(argv[++i], &panels[np])) {
                fprintf(stderr,
                        "wijkpeil-qset preview: --screen wants WIDTHxHEIGHT@MMmm (window "
                        "320x240 to 8192x8192, visible width 50 to 5000 mm), e.g. "
                        "800x480@155mm; at most %d\n",
                        PREVIEW_MAX_PANELS);
                return 2;
            }
            np++;
        } else if (!strcmp(a, "--size") && has) {
            int used = 0;
            if (sscanf(argv[++i], "%dx%d%n", &W, &H, &used) != 2 || argv[i][used] || W < 320 ||
                H < 240 || W > 8192 || H > 8192) {
                fprintf(stderr, "wijkpeil-qset preview: --size wants WIDTHxHEIGHT from 320x240 to "
                                "8192x8192, e.g. 1920x1080\n");
                return 2;
            }
        } else if (!strcmp(a, "--screen-width-mm") && has) {
            char *end = NULL;
            width_mm = strtod(argv[++i], &end);
            if (!end || *end || !(width_mm >= 50 && width_mm <= 5000)) {
                fprintf(stderr, "wijkpeil-qset preview: --screen-width-mm wants the visible "
                                "width in millimetres, 50 to 5000\n");
                return 2;
            }
        } else if (!strcmp(a, "--viewing-distance-mm") && has) {
            if (!wp_parse_int(argv[++i], 200, 2000, &vd)) {
                fprintf(stderr, "wijkpeil-qset preview: --viewing-distance-mm wants 200 to 2000\n");
                return 2;
            }
        } else if (a[0] != '-' && !set) {
            set = a;
        } else {
            fprintf(stderr, "wijkpeil-qset preview: unexpected argument \"%s\"\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!set || !dir) {
        usage(stderr);
        return 2;
    }
    if ((W || width_mm) && np < PREVIEW_MAX_PANELS) {
        /* The older form: one panel from --size and --screen-width-mm. */
        panel *pn = &panels[np++];
        pn->w = W ? W : PREVIEW_DEFAULT_W;
        pn->h = H ? H : PREVIEW_DEFAULT_H;
        pn->mm = width_mm ? width_mm : PREVIEW_DEFAULT_W_MM;
        snprintf(pn->name, sizeof pn->name, "%dx%d-%.0fmm", pn->w, pn->h, pn->mm);
    }
    if (np == 0) /* the panels kiosks really have */
        for (int k = 0; k < UI_WALK_N_PANELS; k++, np++) {
            wp_strlcpy(panels[np].name, ui_walk_panels[k].name, sizeof panels[np].name);
            panels[np].w = ui_walk_panels[k].width;
            panels[np].h = ui_walk_panels[k].height;
            panels[np].mm = ui_walk_panels[k].width_mm;
        }

    int rc = 2;
    char err[WP_ERR_LEN] = "", path[PREVIEW_PATH_LEN];
    qset *qs = NULL;
    uistr *strings = NULL;
    qset_diag *diag = calloc(1, sizeof *diag);
    char(*examples)[UI_CHECK_MSG_LEN + 80] = calloc(N_KINDS + 1, sizeof *examples);
    int kinds[N_KINDS + 1] = {0}, count = 0, pngs = 0;
    if (!diag || !examples) {
        fprintf(stderr, "wijkpeil-qset preview: out of memory\n");
        free(diag);
        free(examples);
        return 2;
    }
    strings = qset_cmd_strings("preview");
    if (!strings)
        goto done;
    if (qset_load_file(set, strings, &qs, diag) != 0) {
        for (int i = 0; i < diag->n; i++)
            printf("%s\n", diag->msg[i]);
        if (diag->dropped > 0)
            printf("%s: ... and %d more problems\n", set, diag->dropped);
        fflush(stdout);
        fprintf(stderr, "%s: INVALID (%d problem%s): no preview drawn\n", set,
                diag->n + diag->dropped, diag->n + diag->dropped == 1 ? "" : "s");
        rc = 1;
        goto done;
    }
    if (make_dir(dir, err, sizeof err) != 0)
        goto fail;
    buf top = {0};
    bputs(&top, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<title>Preview by panel</title>\n</head>\n<body>\n<h1>");
    besc(&top, qset_title(qs)->s[0]);
    bputs(&top, "</h1>\n<ul>\n");
    for (int k = 0; k < np; k++) {
        char pdir[PREVIEW_PATH_LEN];
        snprintf(pdir, sizeof pdir, "%s/%s", dir, panels[k].name);
        int before = count;
        /* a panel takes minutes: say which one is being drawn (stderr, unbuffered) */
        fprintf(stderr, "panel %d of %d: %s, %d languages ...\n", k + 1, np, panels[k].name,
                qset_n_languages(qs));
        if (preview_panel(qs, strings, pdir, &panels[k], vd, &count, kinds, examples, &pngs, err,
                          sizeof err) != 0) {
            free(top.s);
            goto fail;
        }
        bputs(&top, "<li><a href=\"");
        besc(&top, panels[k].name);
        bputs(&top, "/index.html\">");
        besc(&top, panels[k].name);
        bprintf(&top, "</a> (%dx%d, %.0f mm wide): %d finding%s</li>\n", panels[k].w, panels[k].h,
                panels[k].mm, count - before, count - before == 1 ? "" : "s");
    }
    bputs(&top, "</ul>\n</body>\n</html>\n");
    snprintf(path, sizeof path, "%s/index.html", dir);
    int wr = top.failed
                 ? -1
                 : fsio_write_file(NULL, FSIO_DISK, path, top.s, top.len, 0644, err, sizeof err);
    free(top.s);
    if (wr != 0)
        goto fail;
    /* The summary first (a count and one example per kind), then the full list. */
    if (count) {
        printf("Findings by kind:\n");
        for (int k = 0; k <= N_KINDS; k++)
            if (kinds[k])
                printf("  %5d  %s, e.g. %s\n", kinds[k],
                       k < N_KINDS ? finding_kinds[k].kind : "other", examples[k]);
        printf("All findings:\n");
        for (int k = 0; k < np; k++) {
            char pf[PREVIEW_PATH_LEN];
            snprintf(pf, sizeof pf, "%s/%s/findings.txt", dir, panels[k].name);
            FILE *f = fopen(pf, "r");
            char line[UI_CHECK_MSG_LEN + 128];
            while (f && fgets(line, sizeof line, f))
                fputs(line, stdout);
            if (f)
                fclose(f);
        }
    }
    printf("%s: %d panel%s, %d PNG files in %s; %d accessibility finding%s; see %s/index.html\n",
           set, np, np == 1 ? "" : "s", pngs, dir, count, count == 1 ? "" : "s", dir);
    rc = count ? PREVIEW_EXIT_FINDINGS : 0;
    goto done;
fail:
    fprintf(stderr, "wijkpeil-qset preview: %s\n", err);
    rc = 2;
done:
    fflush(stdout);
    uistr_free(strings);
    qset_free(qs);
    free(diag);
    free(examples);
    return rc;
}
