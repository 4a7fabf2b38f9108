/* Where a set's matrices do not fit (matrix_fit.h). */
#include "matrix_fit.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MFIT_WHERE_LEN 512

struct mfit {
    const qset *qs;
    char panel[64];
    char where[QSET_MAX_QUESTIONS][MFIT_WHERE_LEN]; /* by first question: "nl normal, ..." */
    char why[QSET_MAX_QUESTIONS][160];              /* the first reason seen */
};

mfit *mfit_new(const qset *qs, const char *panel)
{
    mfit *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->qs = qs;
    wp_strlcpy(m->panel, panel, sizeof m->panel);
    return m;
}

void mfit_free(mfit *m)
{
    free(m);
}

void mfit_add(mfit *m, const ui_walk_screen *s)
{
    if (!s->apart || s->question < 0 || s->question >= qset_n_questions(m->qs))
        return;
    int q = s->question;
    size_t used = strlen(m->where[q]);
    snprintf(m->where[q] + used, sizeof m->where[q] - used, "%s%s %s", used ? ", " : "",
             s->lang_code, s->mode_name);
    if (!m->why[q][0])
        wp_strlcpy(m->why[q], s->apart, sizeof m->why[q]);
}

int mfit_print(const mfit *m, const char *who, FILE *f)
{
    int n = 0;
    for (int q = 0; q < qset_n_questions(m->qs); q++) {
        if (!m->where[q][0])
            continue;
        const qset_question *qq = qset_question_at(m->qs, q);
        fprintf(f,
                "%s: warning: matrix \"%s\" (%s .. %s) does not fit the %s panel in %s: asked "
                "one question per screen there (%s)\n",
                who, qq->matrix, qq->id, qset_question_at(m->qs, qq->matrix_last)->id, m->panel,
                m->where[q], m->why[q]);
        n++;
    }
    return n;
}

static int on_screen(void *ctx, const ui_walk_screen *s)
{
    mfit_add(ctx, s);
    return 0;
}

int mfit_check_panels(const qset *qs, const char *who, FILE *f, char *err, size_t errlen)
{
    bool any = false;
    for (int q = 0; q < qset_n_questions(qs); q++)
        any |= qset_question_at(qs, q)->matrix_first == q;
    if (!any)
        return 0;
    int n = 0;
    for (int p = 0; p < UI_WALK_N_PANELS; p++) {
        const ui_walk_panel *pn = &ui_walk_panels[p];
        ui_walk_options o = {.qs = qs,
                             .data_dir = ui_walk_data_dir(),
                             .width = pn->width,
                             .height = pn->height,
                             .px_per_mm = pn->width / pn->width_mm,
                             .matrices_only = true};
        ui_walk *wk = NULL;
        mfit *m = mfit_new(qs, pn->name);
        if (!m) {
            wp_errf(err, errlen, "out of memory");
            return -1;
        }
        if (ui_walk_open(&o, &wk, err, errlen) != 0 ||
            ui_walk_run(wk, on_screen, m, err, errlen) != 0) {
            ui_walk_close(wk);
            mfit_free(m);
            return -1;
        }
        n += mfit_print(m, who, f);
        ui_walk_close(wk);
        mfit_free(m);
    }
    return n;
}
