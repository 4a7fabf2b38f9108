/* The staff import screen's row of a settings document from the centre shows which document
 * staff take over: its whole name (a long name is broken over lines, never shortened with "…")
 * and when it is in use, on the 7" panels as on 24", in Dutch and English; where the row with
 * its Take over button does not fit a page, the button stands in a row of its own beside the
 * whole name, at least 20 mm each way, overlapping nothing. Walks the staff screens with the
 * walker's stick (ui_walk.c: a document named "c-openingstijden-wijkcentrum-voorjaar.conf"). */
#include "testlib.h"
#include "testwalk.h"
#include "ui_walk.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS_NAME "\"c-openingstijden-wijkcentrum-voorjaar.conf\""
#define ROWS_MAX  16 /* import screens (state x language) of one walk */

typedef struct {
    char key[64]; /* "nl staff-import-taken" */
    bool text;    /* settings:0 with the whole name and when it is in use */
    bool take;    /* take:0 on a page that names the document whole */
} rows_seen;

typedef struct {
    double ppm;
    int n;
    rows_seen seen[ROWS_MAX];
} rows_ctx;

/* The label as read: the line breaks the layout put into a long word taken out. */
static void joined(const char *label, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = label; *p && o + 1 < len; p++)
        if (*p != '\n')
            out[o++] = *p;
    out[o] = '\0';
}

static bool overlap(json_t *a, json_t *b)
{
    int ax = (int)json_integer_value(json_object_get(a, "x")),
        ay = (int)json_integer_value(json_object_get(a, "y")),
        aw = (int)json_integer_value(json_object_get(a, "w")),
        ah = (int)json_integer_value(json_object_get(a, "h"));
    int bx = (int)json_integer_value(json_object_get(b, "x")),
        by = (int)json_integer_value(json_object_get(b, "y")),
        bw = (int)json_integer_value(json_object_get(b, "w")),
        bh = (int)json_integer_value(json_object_get(b, "h"));
    return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

static int on_screen(void *vctx, const ui_walk_screen *s)
{
    rows_ctx *c = vctx;
    if (!s->staff || !strstr(s->name, "import") || !s->tree_json)
        return 0;
    json_t *tree = json_loads(s->tree_json, 0, NULL);
    CHECK(tree != NULL);
    if (!tree)
        return 0;
    char key[64];
    snprintf(key, sizeof key, "%s %s", s->lang_code, s->name);
    rows_seen *r = NULL;
    for (int i = 0; i < c->n && !r; i++)
        if (!strcmp(c->seen[i].key, key))
            r = &c->seen[i];
    if (!r && c->n < ROWS_MAX) {
        r = &c->seen[c->n++];
        wp_strlcpy(r->key, key, sizeof r->key);
    }
    bool nl = !strcmp(s->lang_code, "nl");
    char got[1024];
    json_t *row = test_tree_widget(tree, "settings:0"),
           *name = test_tree_widget(tree, "settings:0:name"),
           *take = test_tree_widget(tree, "take:0");
    if (row && r) {
        joined(json_string_value(json_object_get(row, "label")), got, sizeof got);
        const char *in_use =
            nl ? ROWS_NAME ", in gebruik van 2027-" : ROWS_NAME ", in use from 2027-";
        const char *until = nl ? " tot 2027-03-" : " until 2027-03-";
        r->text = r->text || (strstr(got, in_use) && strstr(got, until));
        CHECKF(!strstr(got, "\xE2\x80\xA6"), "%s %s: the row is shortened: %s", key, s->state, got);
    }
    if (take && r) {
        json_t *named = name ? name : row;
        joined(named ? json_string_value(json_object_get(named, "label")) : "", got, sizeof got);
        r->take = r->take || strstr(got, ROWS_NAME);
        double wmm = (double)json_integer_value(json_object_get(take, "w")) / c->ppm,
               hmm = (double)json_integer_value(json_object_get(take, "h")) / c->ppm;
        CHECKF(wmm >= 20 && hmm >= 20, "%s: Take over is %.1f x %.1f mm", key, wmm, hmm);
        CHECKF(!named || !overlap(named, take), "%s: the name and Take over overlap", key);
    }
    json_decref(tree);
    return 0;
}

static void test_rows_whole(void)
{
    qset *qs = test_demo_qset();
    if (!qs)
        return;
    static const struct {
        int w, h;
        double mm;
    } panels[] = {{800, 480, 155}, {720, 1280, 88}, {1920, 1080, 527}};
    for (size_t p = 0; p < sizeof panels / sizeof panels[0]; p++) {
        rows_ctx c = {.ppm = panels[p].w / panels[p].mm};
        ui_walk_options o = {.qs = qs,
                             .width = panels[p].w,
                             .height = panels[p].h,
                             .px_per_mm = c.ppm,
                             .modes = UI_WALK_NORMAL,
                             .staff = true,
                             .staff_only = true};
        test_walk(&o, on_screen, &c);
        int with_rows = 0;
        for (int i = 0; i < c.n; i++) {
            if (strstr(c.seen[i].key, "no-stick"))
                continue;
            with_rows++;
            CHECKF(c.seen[i].text, "%dx%d %s: no page shows the whole name and when it is in use",
                   panels[p].w, panels[p].h, c.seen[i].key);
            CHECKF(c.seen[i].take, "%dx%d %s: Take over is not beside the whole name", panels[p].w,
                   panels[p].h, c.seen[i].key);
        }
        CHECKF(with_rows >= 2, "%dx%d: %d import screens with the stick", panels[p].w, panels[p].h,
               with_rows);
    }
    qset_free(qs);
}

int main(void)
{
    RUN(test_rows_whole);
    return test_main();
}
