/* Where a set's matrices do not fit (wijkpeil-qset preview and from-csv): one warning per
 * matrix and panel, naming the languages and display modes in which the kiosk asks it one
 * question per screen, and why. */
#ifndef WP_MATRIX_FIT_H
#define WP_MATRIX_FIT_H

#include "qset.h"
#include "ui_walk.h"

#include <stdio.h>

typedef struct mfit mfit;

/* A collector for one panel's walk of qs (NULL on OOM). */
mfit *mfit_new(const qset *qs, const char *panel);
void mfit_free(mfit *m); /* NULL is a no-op */
/* Notes one screen of a walk (only those with apart set count). */
void mfit_add(mfit *m, const ui_walk_screen *s);
/* Prints the panel's warnings to f as "WHO: warning: ..."; returns how many. */
int mfit_print(const mfit *m, const char *who, FILE *f);

/* Walks only the matrices of qs on every panel kiosks have (ui_walk_panels) and prints where
 * each is asked apart. Returns the number of warnings, or -1 with err. */
int mfit_check_panels(const qset *qs, const char *who, FILE *f, char *err, size_t errlen);

#endif
