/* Text module: wrapping, bidi runs of mixed Arabic/Latin/digits, shaping, glyph coverage of
 * every demo language, the texture cache, clipping, and robustness against bad input. Renders
 * sample PNGs under $WIJKPEIL_BUILD/text/ for people to look at. */
#include "testlib.h"
#include "ui_png.h"
#include "ui_text.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SCREEN_W 1920
#define SCREEN_H 1080
#define MAX_RUNS 64

static const SDL_Color black = {0, 0, 0, 255};
static const SDL_Color white = {255, 255, 255, 255};

static const char *arabic_mixed = "عمري 25 سنة وأعيش في Nazareth";
#define DUTCH_LONG                                                                                 \
    "Hoe prettig vindt u het om in deze buurt te wonen? Denk aan de straat, de buren, de "         \
    "winkels en de speelplekken. Er zijn geen goede of foute antwoorden: uw mening telt."

/* One software renderer on a surface we can read back. */
typedef struct {
    SDL_Surface *surf;
    SDL_Renderer *r;
    ui_text *t;
} rig;

static int rig_open(rig *g, int w, int h)
{
    memset(g, 0, sizeof *g);
    g->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!g->surf)
        return -1;
    g->r = SDL_CreateSoftwareRenderer(g->surf);
    if (!g->r)
        return -1;
    char *dir = test_src("fonts");
    char err[512] = "";
    int rc = ui_text_open(g->r, dir, &g->t, err, sizeof err);
    CHECKF(rc == 0, "ui_text_open: %s", err);
    free(dir);
    return rc;
}

static void rig_close(rig *g)
{
    ui_text_close(g->t);
    if (g->r)
        SDL_DestroyRenderer(g->r);
    SDL_FreeSurface(g->surf);
}

static void clear(rig *g, SDL_Color c)
{
    SDL_SetRenderDrawColor(g->r, c.r, c.g, c.b, 255);
    SDL_RenderClear(g->r);
}

static Uint32 pixel(rig *g, int x, int y)
{
    return ((Uint32 *)g->surf->pixels)[y * (g->surf->pitch / 4) + x] & 0xFFFFFF;
}

/* Number of pixels in rect that differ from the background colour bg (0xRRGGBB). */
static int ink(rig *g, SDL_Rect a, Uint32 bg)
{
    int n = 0;
    for (int y = a.y; y < a.y + a.h; y++)
        for (int x = a.x; x < a.x + a.w; x++)
            if (pixel(g, x, y) != bg)
                n++;
    return n;
}

/* Leftmost and rightmost column with ink inside a. */
static void ink_span(rig *g, SDL_Rect a, Uint32 bg, int *x0, int *x1)
{
    *x0 = -1;
    *x1 = -1;
    for (int x = a.x; x < a.x + a.w; x++) {
        for (int y = a.y; y < a.y + a.h; y++) {
            if (pixel(g, x, y) != bg) {
                if (*x0 < 0)
                    *x0 = x;
                *x1 = x;
                break;
            }
        }
    }
}

static char *out_path(const char *name)
{
    const char *b = getenv("WIJKPEIL_BUILD");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/text", b && *b ? b : ".");
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return NULL;
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool valid_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        int need;
        if (*u < 0x80)
            need = 0;
        else if (*u >= 0xC2 && *u <= 0xDF)
            need = 1;
        else if (*u >= 0xE0 && *u <= 0xEF)
            need = 2;
        else if (*u >= 0xF0 && *u <= 0xF4)
            need = 3;
        else
            return false;
        u++;
        for (int k = 0; k < need; k++, u++)
            if ((*u & 0xC0) != 0x80)
                return false;
    }
    return true;
}

static ui_text_style style(int px, bool rtl)
{
    ui_text_style st = {
        .px = px, .bold = false, .rtl = rtl, .align = UI_ALIGN_START, .color = black};
    return st;
}

/* (a) Wrapping at the width: narrower means more lines, and no line is wider than max_w. */
static void test_wrap_width(void)
{
    rig g;
    if (rig_open(&g, 1200, 400) != 0)
        goto done;
    ui_text_style st = style(32, false);
    int w1, h1, w2, h2, w3, h3;
    int n1 = ui_text_measure(g.t, DUTCH_LONG, &st, 1000, &w1, &h1);
    int n2 = ui_text_measure(g.t, DUTCH_LONG, &st, 400, &w2, &h2);
    int n3 = ui_text_measure(g.t, DUTCH_LONG, &st, 0, &w3, &h3);
    CHECKF(n3 == 1 && w3 > 1000, "unwrapped: %d lines, w %d", n3, w3);
    CHECKF(n1 >= 2 && n2 > n1, "lines %d at 1000 px, %d at 400 px", n1, n2);
    CHECKF(w1 <= 1000 && w2 <= 400, "widths %d, %d", w1, w2);
    CHECK(n1 > 0 && n2 > 0 && h1 % n1 == 0 && h2 == n2 * (h1 / n1)); /* even line pitch */
    ui_text_run runs[MAX_RUNS];
    int nr = ui_text_debug_runs(g.t, DUTCH_LONG, &st, 400, runs, MAX_RUNS);
    CHECK(nr > 0 && nr <= MAX_RUNS);
    int last_line = -1;
    for (int i = 0; i < nr && i < MAX_RUNS; i++) {
        CHECKF(runs[i].x + runs[i].w <= 400, "run '%s' ends at %d", runs[i].text,
               runs[i].x + runs[i].w);
        CHECK(!runs[i].rtl && !runs[i].arabic_font);
        if (runs[i].line > last_line)
            last_line = runs[i].line;
    }
    CHECK(last_line + 1 == n2);
    /* Hard line breaks make lines of their own; an empty string has none. */
    CHECK(ui_text_measure(g.t, "een\ntwee\n\ndrie", &st, 1000, NULL, NULL) == 4);
    int ew = -1, eh = -1;
    CHECK(ui_text_measure(g.t, "", &st, 1000, &ew, &eh) == 0 && ew == 0 && eh == 0);
    /* Line height: Latin text uses Noto Sans metrics, at most the mixed-script line height. */
    int lh = ui_text_line_height(g.t, 32);
    CHECKF(h1 / n1 <= lh && lh < 32 * 3, "line %d, line_height %d", h1 / n1, lh);
done:
    rig_close(&g);
}

/* (b) Arabic with digits and a Latin word: runs in visual order, each with its direction. */
static void test_bidi_runs(void)
{
    rig g;
    if (rig_open(&g, 1200, 400) != 0)
        goto done;
    ui_text_style st = style(40, true);
    ui_text_run runs[MAX_RUNS];
    int n = ui_text_debug_runs(g.t, arabic_mixed, &st, 0, runs, MAX_RUNS);
    CHECKF(n >= 4 && n <= MAX_RUNS, "%d runs", n);
    int i25 = -1, inaz = -1, iomri = -1, isana = -1;
    for (int i = 0; i < n && i < MAX_RUNS; i++) {
        fprintf(stderr, "  run %d: x=%4d w=%4d %s %s \"%s\"\n", i, runs[i].x, runs[i].w,
                runs[i].rtl ? "RTL" : "LTR", runs[i].arabic_font ? "arabic" : "latin",
                runs[i].text);
        if (strcmp(runs[i].text, "25") == 0)
            i25 = i;
        if (strstr(runs[i].text, "Nazareth"))
            inaz = i;
        if (strstr(runs[i].text, "عمري"))
            iomri = i;
        if (strstr(runs[i].text, "سنة"))
            isana = i;
        if (i > 0)
            CHECKF(runs[i].x == runs[i - 1].x + runs[i - 1].w, "runs touch at %d", i);
        CHECK(runs[i].line == 0);
    }
    CHECKF(i25 >= 0 && inaz >= 0 && iomri >= 0 && isana >= 0, "runs 25=%d Naz=%d omri=%d sana=%d",
           i25, inaz, iomri, isana);
    if (i25 < 0 || inaz < 0 || iomri < 0 || isana < 0)
        goto done;
    /* Digits and the Latin word read left to right, in Noto Sans for the Latin word. */
    CHECK(!runs[i25].rtl);
    CHECK(!runs[inaz].rtl && !runs[inaz].arabic_font);
    CHECK_STR(runs[inaz].text, "Nazareth");
    CHECK(runs[iomri].rtl && runs[iomri].arabic_font);
    CHECK(runs[isana].rtl && runs[isana].arabic_font);
    /* The sentence runs right to left: its first word is rightmost, its last leftmost. */
    CHECKF(runs[iomri].x > runs[i25].x && runs[i25].x > runs[isana].x &&
               runs[isana].x > runs[inaz].x,
           "x: omri %d, 25 %d, sana %d, Nazareth %d", runs[iomri].x, runs[i25].x, runs[isana].x,
           runs[inaz].x);
    CHECK(inaz == 0);

    /* A Latin paragraph with an Arabic word: the Arabic run is RTL inside LTR order. */
    st = style(40, false);
    n = ui_text_debug_runs(g.t, "Ik woon in الناصرة sinds 2019.", &st, 0, runs, MAX_RUNS);
    int iar = -1, iik = -1, iyear = -1;
    for (int i = 0; i < n && i < MAX_RUNS; i++) {
        if (strstr(runs[i].text, "الناصرة"))
            iar = i;
        if (strstr(runs[i].text, "Ik woon"))
            iik = i;
        if (strstr(runs[i].text, "2019"))
            iyear = i;
    }
    CHECKF(iar > 0 && iik >= 0 && iyear >= 0, "runs %d %d %d", iar, iik, iyear);
    if (iar > 0 && iik >= 0 && iyear >= 0) {
        CHECK(runs[iar].rtl && runs[iar].arabic_font && !runs[iik].rtl);
        CHECK(runs[iik].x < runs[iar].x && runs[iar].x < runs[iyear].x);
    }

    /* Arabic letters are shaped (joined forms are narrower than isolated ones). */
    st = style(40, true);
    int w1 = 0, w3 = 0;
    ui_text_measure(g.t, "ب", &st, 0, &w1, NULL);
    ui_text_measure(g.t, "ببب", &st, 0, &w3, NULL);
    CHECKF(w1 > 0 && w3 < 3 * w1 * 8 / 10, "isolated beh %d px, three joined %d px", w1, w3);
done:
    rig_close(&g);
}

static int render_sample(rig *g, const char *name, const char *text, bool rtl, int px)
{
    ui_text_style st = style(px, rtl);
    clear(g, white);
    SDL_Rect box = {20, 20, g->surf->w - 40, g->surf->h - 40};
    SDL_SetRenderDrawColor(g->r, 200, 200, 255, 255);
    SDL_RenderDrawRect(g->r, &box);
    int h = ui_text_draw(g->t, text, &st, box);
    SDL_RenderPresent(g->r);
    char *p = out_path(name);
    char err[256] = "out of memory";
    int rc = p ? ui_png_save(g->surf, p, err, sizeof err) : -1;
    CHECKF(rc == 0, "saving %s: %s", p ? p : name, err);
    if (rc == 0)
        fprintf(stderr, "  wrote %s\n", p);
    free(p);
    return h;
}

/* (c) Arabic is rendered, right-aligned, and written to a PNG for people to look at. */
static void test_render_arabic_png(void)
{
    rig g;
    if (rig_open(&g, 1000, 400) != 0)
        goto done;
    const char *text = "عمري 25 سنة وأعيش في Nazareth.\n"
                       "هل تشعر بالأمان في حيّك؟ اختر من 0 إلى 10.\n"
                       "الجواب: (نعم) أو [لا] — 100% (Wijkpeil)";
    int h = render_sample(&g, "arabic.png", text, true, 40);
    CHECK(h > 0);
    SDL_Rect box = {21, 21, 958, 358};
    int n = ink(&g, box, 0xFFFFFF);
    CHECKF(n > 2000, "%d inked pixels", n);
    /* START for RTL is the right edge: the first line ends near the right, not the left (it
     * is about 800 px wide: Arabic is drawn 1.149 times the Latin size). */
    int x0, x1;
    ink_span(&g, (SDL_Rect){21, 21, 958, h / 2 - 2}, 0xFFFFFF, &x0, &x1);
    CHECKF(x1 > 960 && x0 > 120, "first line inked from x=%d to x=%d", x0, x1);
    /* Text is anti-aliased: some grey pixels, not only black and white. */
    int grey = 0;
    for (int y = 21; y < 21 + h && y < 379; y++)
        for (int x = 21; x < 979; x++) {
            Uint32 p = pixel(&g, x, y);
            if (p != 0xFFFFFF && p != 0)
                grey++;
        }
    CHECK(grey > 100);

    /* Shaped right to left: in "با" (beh then alef) the tall alef stands on the left. */
    clear(&g, white);
    ui_text_style big = style(120, true);
    ui_text_draw(g.t, "با", &big, (SDL_Rect){0, 0, 1000, 400});
    SDL_Rect all = {0, 0, 1000, 400};
    int bx0, bx1, top_x = -1;
    ink_span(&g, all, 0xFFFFFF, &bx0, &bx1);
    for (int y = 0; y < 400 && top_x < 0; y++)
        for (int x = 0; x < 1000; x++)
            if (pixel(&g, x, y) != 0xFFFFFF) {
                top_x = x;
                break;
            }
    CHECKF(bx0 >= 0 && top_x >= 0 && top_x < (bx0 + bx1) / 2,
           "alef's top at x=%d, ink from %d to %d", top_x, bx0, bx1);
done:
    rig_close(&g);
}

/* The samples people look at: Arabic, Ukrainian, Turkish, Polish, Dutch, bold and centred. */
static void test_sample_pngs(void)
{
    rig g;
    if (rig_open(&g, 1000, 300) != 0)
        goto done;
    static const struct {
        const char *file, *text;
        bool rtl;
    } samples[] = {
        {"sample-ar.png",
         "كيف تشعر في حيّك؟ 1 = سيئ جداً، 5 = جيد جداً. أسكن في Pottenberg منذ 12 سنة.", true},
        {"sample-uk.png",
         "Як вам живеться в цьому районі? Їжа, ґанок, єдність, і ще: "
         "Поттенберг, Маастрихт 2027.",
         false},
        {"sample-tr.png",
         "Mahallenizde yaşamaktan ne kadar memnunsunuz? Iğdır, İstanbul, "
         "şöyle böyle, ğ ş ı İ ç ö ü.",
         false},
        {"sample-pl.png",
         "Jak się żyje w Pańskiej dzielnicy? Zażółć gęślą jaźń — ą ę ł ż ź ć ń ó ś.", false},
        {"sample-nl.png", DUTCH_LONG, false},
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        int h = render_sample(&g, samples[i].file, samples[i].text, samples[i].rtl, 40);
        CHECK(h > 0);
        CHECKF(ink(&g, (SDL_Rect){21, 21, 958, 258}, 0xFFFFFF) > 1000, "%s is empty",
               samples[i].file);
    }
    /* Bold, centred, white on dark: a button label. */
    clear(&g, (SDL_Color){0, 60, 120, 255});
    ui_text_style st = {
        .px = 48, .bold = true, .rtl = true, .align = UI_ALIGN_CENTER, .color = white};
    ui_text_draw(g.t, "التالي ›  Volgende 3 / 8 «نعم»", &st, (SDL_Rect){0, 100, 1000, 100});
    st.rtl = false;
    ui_text_draw(g.t, "Далі · İleri · Dalej", &st, (SDL_Rect){0, 20, 1000, 80});
    char *p = out_path("sample-bold-centre.png");
    char err[256];
    CHECK(p && ui_png_save(g.surf, p, err, sizeof err) == 0);
    free(p);
done:
    rig_close(&g);
}

/* (d) Every demo language is covered by the fonts; Chinese is not. */
static void test_missing_glyphs(void)
{
    rig g;
    if (rig_open(&g, 100, 100) != 0)
        goto done;
    static const char *ok[] = {
        "Hoe prettig vindt u het wonen in uw buurt? Één, ruïne, café, 'ij' & €10,50.",
        "How much do you trust the municipality? (0 = not at all, 10 = completely)",
        "هل تثق في البلدية؟ ٠١٢٣٤٥٦٧٨٩ ، ؛ ؟ ـ «نعم» 2027",
        "Türkçe: ğ Ğ ş Ş ı İ ç Ç ö Ö ü Ü — Mahallenizde güvende hissediyor musunuz?",
        "Polski: ą ę ł ż ź ć ń ó ś Ą Ę Ł Ż Ź Ć Ń Ó Ś — Czy czujesz się bezpiecznie?",
        "Українська: і ї є ґ І Ї Є Ґ ’ — Чи почуваєтеся ви в безпеці?\nДякуємо!",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        for (int b = 0; b < 2; b++) {
            uint32_t first = 0;
            int m = ui_text_missing(g.t, ok[i], b == 1, &first);
            CHECKF(m == 0, "sample %zu (bold %d): %d missing, first U+%04X", i, b, m,
                   (unsigned)first);
        }
    }
    uint32_t first = 0;
    CHECK(ui_text_missing(g.t, "Nederlands 中文", false, &first) == 2 && first == 0x4E2D);
    CHECK(ui_text_missing(g.t, "\xff ok", false, &first) == 1 && first == 0xFFFD);
    CHECK(ui_text_missing(g.t, "", false, NULL) == 0);
    /* Symbols the Noto Sans pair lacks: draw these as icons, not text. */
    CHECK(ui_text_missing(g.t, "← → ✓ ✗ ● ▶ ★ ☺ \u2212", false, &first) == 9 && first == 0x2190);
    CHECK(ui_text_missing(g.t, "‹ › « » … • · — € × № ’", true, NULL) == 0);
done:
    rig_close(&g);
}

/* (f) Ethiopic, added as one row of the script table: Tigrinya is drawn with Noto Sans Ethiopic
 * (no missing-glyph boxes, regular and bold), Ethiopic letters form their own runs beside Latin
 * and digits, the script mask names it, and its letters are sized to Latin's capital height. */
static void test_ethiopic(void)
{
    rig g;
    if (rig_open(&g, 1000, 300) != 0)
        goto done;
    const char *ti = "ሰላም! ኣብ Nazareth ከመይ ኣሎ? 2027 ፣ ፡ ።";
    for (int b = 0; b < 2; b++) {
        uint32_t first = 0;
        int m = ui_text_missing(g.t, ti, b == 1, &first);
        CHECKF(m == 0, "Tigrinya (bold %d): %d missing, first U+%04X", b, m, (unsigned)first);
    }
    CHECK(ui_text_scripts_in(ti) == (1u << UI_SCRIPT_ETHIOPIC | 1u << UI_SCRIPT_LATIN));
    CHECK(ui_text_scripts_in("ሰላም") == 1u << UI_SCRIPT_ETHIOPIC);
    CHECK(!strcmp(ui_text_script_name(UI_SCRIPT_ETHIOPIC, false), "Ethiopic"));
    ui_text_style st = style(40, false);
    ui_text_run runs[MAX_RUNS];
    int n = ui_text_debug_runs(g.t, ti, &st, 0, runs, MAX_RUNS);
    CHECKF(n >= 3 && n <= MAX_RUNS, "%d runs", n);
    bool eth = false, lat = false;
    for (int i = 0; i < n && i < MAX_RUNS; i++) {
        if (strstr(runs[i].text, "ሰላም"))
            eth = runs[i].script == UI_SCRIPT_ETHIOPIC && !runs[i].rtl;
        if (strstr(runs[i].text, "Nazareth"))
            lat = runs[i].script == UI_SCRIPT_LATIN;
    }
    CHECK(eth && lat);
    ui_text_letters l, c;
    CHECK(ui_text_letters_at(g.t, UI_SCRIPT_ETHIOPIC, false, &l) == 0);
    CHECK(ui_text_letters_at(g.t, UI_SCRIPT_LATIN, false, &c) == 0);
    printf("# Ethiopic: factor %.3f, body %.3f em, tall %.3f em (Latin capital %.3f em)\n",
           l.factor, l.body_em, l.tall_em, c.tall_em);
    CHECKF(l.tall_em >= c.tall_em * 0.999, "Ethiopic tall %.3f em under Latin capital %.3f em",
           l.tall_em, c.tall_em);
    CHECK((l.body_em + l.tall_em) >= 0.9 * (c.body_em + c.tall_em));
    int h = render_sample(&g, "tigrinya.png", ti, false, 40);
    CHECK(h > 0);
    int inked = ink(&g, (SDL_Rect){21, 21, 958, 258}, 0xFFFFFF);
    CHECKF(inked > 1000, "%d inked pixels", inked);
done:
    rig_close(&g);
}

/* (e) Drawing the same text twice blits the cached texture; nothing is rasterised again. */
static void test_cache(void)
{
    rig g;
    if (rig_open(&g, 800, 300) != 0)
        goto done;
    ui_text_style st = style(32, false);
    SDL_Rect box = {10, 10, 700, 250};
    ui_text_stats s0, s1, s2, s3;
    ui_text_get_stats(g.t, &s0);
    int h1 = ui_text_draw(g.t, DUTCH_LONG, &st, box);
    ui_text_get_stats(g.t, &s1);
    CHECK(s1.textures_created > s0.textures_created && s1.draw_misses == s0.draw_misses + 1);
    int h2 = ui_text_draw(g.t, DUTCH_LONG, &st, box);
    ui_text_get_stats(g.t, &s2);
    CHECK(h1 == h2 && h1 > 0);
    CHECKF(s2.textures_created == s1.textures_created, "created %lu then %lu", s1.textures_created,
           s2.textures_created);
    CHECK(s2.draw_hits == s1.draw_hits + 1);
    /* Another alignment reuses the same textures; another colour does not. */
    st.align = UI_ALIGN_CENTER;
    ui_text_draw(g.t, DUTCH_LONG, &st, box);
    ui_text_get_stats(g.t, &s3);
    CHECK(s3.textures_created == s2.textures_created && s3.draw_hits == s2.draw_hits + 1);
    st.color = (SDL_Color){200, 0, 0, 255};
    ui_text_draw(g.t, DUTCH_LONG, &st, box);
    ui_text_get_stats(g.t, &s3);
    CHECK(s3.textures_created > s2.textures_created);
    /* Measuring is cached too. */
    ui_text_measure(g.t, "Volgende", &st, 300, NULL, NULL);
    ui_text_get_stats(g.t, &s1);
    ui_text_measure(g.t, "Volgende", &st, 300, NULL, NULL);
    ui_text_get_stats(g.t, &s2);
    CHECK(s2.measure_hits == s1.measure_hits + 1 && s2.measure_misses == s1.measure_misses);
    /* The LRU cap holds. */
    ui_text_set_cache_limits(g.t, 8, 0);
    for (int i = 0; i < 40; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "Vraag %d van 40", i);
        ui_text_draw(g.t, buf, &st, box);
    }
    ui_text_get_stats(g.t, &s3);
    CHECKF(s3.entries <= 8 && s3.evictions >= 32, "entries %zu evictions %lu", s3.entries,
           s3.evictions);
    ui_text_set_cache_limits(g.t, 100, 64 * 1024);
    ui_text_get_stats(g.t, &s3);
    CHECK(s3.bytes <= 64 * 1024 || s3.entries == 1);
    ui_text_flush(g.t);
    ui_text_get_stats(g.t, &s3);
    CHECK(s3.entries == 0 && s3.bytes == 0);
    /* Font sizes are capped. */
    for (int px = 10; px < 60; px++)
        ui_text_measure(g.t, "x", &(ui_text_style){.px = px, .color = black}, 0, NULL, NULL);
    ui_text_get_stats(g.t, &s3);
    CHECK(s3.sizes_open <= UI_TEXT_MAX_SIZES && s3.sizes_open > 0);
done:
    rig_close(&g);
}

/* ui_text_draw clips to its box and restores the caller's clip. */
static void test_clip(void)
{
    rig g;
    if (rig_open(&g, 600, 400) != 0)
        goto done;
    clear(&g, white);
    ui_text_style st = style(32, false);
    SDL_Rect box = {10, 10, 300, 60};
    int h = ui_text_draw(g.t, DUTCH_LONG, &st, box);
    CHECKF(h > box.h, "full height %d", h);
    CHECK(ink(&g, box, 0xFFFFFF) > 100);
    CHECK(ink(&g, (SDL_Rect){0, 72, 600, 328}, 0xFFFFFF) == 0);
    CHECK(ink(&g, (SDL_Rect){312, 0, 288, 400}, 0xFFFFFF) == 0);
    CHECK(!SDL_RenderIsClipEnabled(g.r));
    SDL_Rect outer = {0, 200, 600, 100};
    SDL_RenderSetClipRect(g.r, &outer);
    ui_text_draw(g.t, DUTCH_LONG, &st, (SDL_Rect){10, 150, 580, 250});
    SDL_Rect now;
    SDL_RenderGetClipRect(g.r, &now);
    CHECK(SDL_RenderIsClipEnabled(g.r) && SDL_RectEquals(&now, &outer));
    CHECK(ink(&g, (SDL_Rect){0, 150, 600, 50}, 0xFFFFFF) == 0); /* outside the caller's clip */
    CHECK(ink(&g, (SDL_Rect){0, 200, 600, 100}, 0xFFFFFF) > 100);
done:
    rig_close(&g);
}

/* (f) A word wider than the box is broken between characters; bad input does not crash. */
static void test_long_word_and_bad_input(void)
{
    rig g;
    if (rig_open(&g, 600, 600) != 0)
        goto done;
    const char *word = "Arbeidsongeschiktheidsverzekeringsmaatschappijmedewerkersvakbond";
    ui_text_style st = style(32, false);
    int w = 0, h = 0;
    int n = ui_text_measure(g.t, word, &st, 200, &w, &h);
    CHECKF(n >= 4 && w <= 200, "%d lines, width %d", n, w);
    ui_text_run runs[MAX_RUNS];
    char joined[256] = "";
    int nr = ui_text_debug_runs(g.t, word, &st, 200, runs, MAX_RUNS);
    for (int i = 0; i < nr && i < MAX_RUNS; i++) {
        CHECK(runs[i].x + runs[i].w <= 200);
        CHECK(valid_utf8(runs[i].text));
        size_t used = strlen(joined);
        snprintf(joined + used, sizeof joined - used, "%s", runs[i].text);
    }
    CHECK_STR(joined, word); /* nothing lost or doubled at the breaks */
    /* Multi-byte characters and combining marks stay whole. */
    const char *uk = "Найненавидітьіїєґ\xcc\x81ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ";
    nr = ui_text_debug_runs(g.t, uk, &st, 150, runs, MAX_RUNS);
    CHECK(nr > 3);
    for (int i = 0; i < nr && i < MAX_RUNS; i++) {
        CHECKF(valid_utf8(runs[i].text), "run %d not valid UTF-8", i);
        CHECK(runs[i].x + runs[i].w <= 150);
        CHECK(strncmp(runs[i].text, "\xcc\x81", 2) != 0); /* no line starts with a mark */
    }
    /* Arabic long word too. */
    n = ui_text_measure(g.t,
                        "ـــــــــــــــــــــــــــــــــــــــــــــــــــــــــــــــــــــــــ",
                        &(ui_text_style){.px = 32, .rtl = true, .color = black}, 120, &w, &h);
    CHECK(n >= 2 && w <= 120);
    /* Invalid UTF-8 and other junk. */
    static const char *bad[] = {"\xff\xfe\xfd",
                                "abc\xc3",
                                "\xe2\x82",
                                "\xed\xa0\x80 surrogate",
                                "\xf4\x90\x80\x80 too big",
                                "\xc0\xaf overlong",
                                "\x01\x02\x7f\t\r\n",
                                "   ",
                                "\n\n\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = ui_text_measure(g.t, bad[i], &st, 200, &w, &h);
        CHECK(n >= 0 && w <= 200);
        ui_text_draw(g.t, bad[i], &st, (SDL_Rect){0, 0, 200, 100});
        nr = ui_text_debug_runs(g.t, bad[i], &st, 200, runs, MAX_RUNS);
        for (int k = 0; k < nr && k < MAX_RUNS; k++)
            CHECK(valid_utf8(runs[k].text));
    }
    /* Huge input is capped, zero and tiny boxes are harmless. */
    size_t big = 100000;
    char *huge = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        huge[i] = (i % 7 == 6) ? ' ' : (char)('a' + i % 26);
    huge[big] = '\0';
    n = ui_text_measure(g.t, huge, &st, 500, &w, &h);
    CHECK(n > 0 && n <= UI_TEXT_MAX_LINES && w <= 500);
    ui_text_draw(g.t, huge, &st, (SDL_Rect){0, 0, 500, 600});
    free(huge);
    ui_text_draw(g.t, "abc", &st, (SDL_Rect){0, 0, 0, 0});
    ui_text_draw(g.t, "abc", &st, (SDL_Rect){0, 0, 1, 1});
    CHECK(ui_text_measure(g.t, NULL, &st, 100, &w, &h) == 0);
    ui_text_close(NULL);
    /* Opening a folder without fonts fails with a message naming the file. */
    ui_text *t2 = NULL;
    char err[512] = "";
    CHECK(ui_text_open(g.r, "/nonexistent", &t2, err, sizeof err) == -1 && t2 == NULL);
    CHECKF(strstr(err, "/nonexistent/NotoSans-Regular.ttf") != NULL, "%s", err);
done:
    rig_close(&g);
}

/* Counts strings in v (recursively) with a code point no font draws; reports each. */
static int check_json_strings(rig *g, const json_t *v, const char *where)
{
    int bad = 0;
    if (json_is_string(v)) {
        for (int b = 0; b < 2; b++) {
            uint32_t first = 0;
            int m = ui_text_missing(g->t, json_string_value(v), b == 1, &first);
            if (m > 0) {
                fprintf(stderr, "  %s: %d missing glyph(s), first U+%04X, in \"%s\"\n", where, m,
                        (unsigned)first, json_string_value(v));
                bad++;
            }
        }
    } else if (json_is_object(v)) {
        const char *k;
        const json_t *x;
        json_object_foreach((json_t *)v, k, x) bad += check_json_strings(g, x, where);
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x) bad += check_json_strings(g, x, where);
    }
    return bad;
}

/* No missing-glyph boxes in any string of the demo poll or the interface strings. */
static void test_shipped_strings_covered(void)
{
    rig g;
    if (rig_open(&g, 100, 100) != 0)
        goto done;
    static const char *files[] = {"assets/ui-strings.json", "assets/demo/nazareth-pottenberg.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = test_src(files[i]);
        json_error_t je;
        json_t *root = json_load_file(p, 0, &je);
        if (!root) {
            fprintf(stderr, "  skipped %s: %s\n", files[i], je.text);
        } else {
            int bad = check_json_strings(&g, root, files[i]);
            CHECKF(bad == 0, "%s: %d strings with missing glyphs", files[i], bad);
            json_decref(root);
        }
        free(p);
    }
done:
    rig_close(&g);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Figures, not a timed test: first draw and cached redraw of a screenful of text at 1080p. */
static void test_redraw_figures(void)
{
    rig g;
    if (rig_open(&g, SCREEN_W, SCREEN_H) != 0)
        goto done;
    static const char *texts[] = {
        "Hoe prettig vindt u het om in deze buurt te wonen?",
        "Heel slecht",
        "Slecht",
        "Gaat wel",
        "Goed",
        "Heel goed",
        "Volgende",
        "Terug",
        "3 / 8",
        "Taal",
        "كيف تشعر في حيّك؟ اختر وجهًا واحدًا.",
        "سيئ جداً",
        "جيد جداً",
    };
    enum { N = sizeof texts / sizeof texts[0], ROUNDS = 200 };
    double ms[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        Uint64 t0 = SDL_GetPerformanceCounter();
        clear(&g, white);
        for (int i = 0; i < N; i++) {
            ui_text_style st = {.px = i == 0 || i == 10 ? 56 : 40,
                                .bold = i == 0,
                                .rtl = i >= 10,
                                .align = UI_ALIGN_START,
                                .color = black};
            ui_text_draw(g.t, texts[i], &st, (SDL_Rect){40, 40 + i * 75, 1800, 75});
        }
        Uint64 t1 = SDL_GetPerformanceCounter();
        ms[round] = (double)(t1 - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency();
    }
    double first = ms[0];
    qsort(ms + 1, ROUNDS - 1, sizeof ms[0], cmp_double);
    ui_text_stats s;
    ui_text_get_stats(g.t, &s);
    fprintf(stderr,
            "  1920x1080 screen of %d texts (clear + text): first %.2f ms, cached median %.3f ms, "
            "p99 %.3f ms; %lu textures, %zu bytes cached\n",
            N, first, ms[1 + (ROUNDS - 1) / 2], ms[1 + (ROUNDS - 1) * 99 / 100], s.textures_created,
            s.bytes);
    CHECK(s.textures_created <= (unsigned long)(N * 2)); /* redraws made none */
done:
    rig_close(&g);
}

/* Text from UNHINTED_PX (20 px) up is laid out unhinted (no TrueType bytecode: a third of the
 * first frame), smaller text hinted lightly: the widths match SDL_ttf's with those settings,
 * and differ from the font's full hinting, so the check can tell them apart. */
static void test_hinting_by_size(void)
{
    static const char *text = "Hoe woont u in de wijk? Wij willen het graag weten.";
    rig g;
    char *path = test_src("fonts/NotoSans-Regular.ttf");
    if (rig_open(&g, 64, 64) != 0)
        goto done;
    int px[] = {48, 16}, want_hinting[] = {TTF_HINTING_NONE, TTF_HINTING_LIGHT};
    for (int i = 0; i < 2; i++) {
        int width[2] = {0, 0}, h = 0;
        for (int k = 0; k < 2; k++) {
            TTF_Font *f = TTF_OpenFont(path, px[i]);
            CHECK(f != NULL);
            if (!f)
                continue;
            TTF_SetFontHinting(f, k ? want_hinting[i] : TTF_HINTING_NORMAL);
            TTF_SizeUTF8(f, text, &width[k], &h);
            TTF_CloseFont(f);
        }
        int w = 0;
        ui_text_style st = style(px[i], false);
        ui_text_measure(g.t, text, &st, 0, &w, &h);
        CHECKF(w == width[1], "%d px: width %d, want %d (fully hinted: %d)", px[i], w, width[1],
               width[0]);
        CHECKF(width[0] != width[1], "%d px: full hinting gives another width (%d)", px[i],
               width[0]);
    }
done:
    rig_close(&g);
    free(path);
}

/* Wrapping finds the most words that fit by doubling and halving the count, not by shaping
 * the line again for every word added: the same breaks as adding one word at a time (checked
 * against that, through the public measure), with fewer candidate lines shaped than words. */
static void test_wrap_few_shapings(void)
{
    static const char *words[] = {
        "Welkom!", "Hoe",      "gaat",      "het",      "met",    "u",           "en",
        "met",     "uw",       "wijk?",     "Dat",      "vragen", "we",          "aan",
        "de",      "mensen",   "in",        "Nazareth", "en",     "Pottenberg.", "Het",
        "duurt",   "ongeveer", "3",         "minuten.", "We",     "vragen",      "niet",
        "naar",    "uw",       "naam,",     "adres",    "of",     "leeftijd",    "en",
        "wat",     "u",        "antwoordt", "blijft",   "bij",    "ons.",        "Tik",
        "op",      "het",      "scherm",    "om",       "te",     "beginnen",    "of",
        "kies",    "eerst",    "een",       "andere",   "taal."};
    int nw = (int)(sizeof words / sizeof words[0]);
    char text[1024] = "", line[1024];
    size_t used = 0;
    for (int i = 0; i < nw && used < sizeof text; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", i ? " " : "", words[i]);
    rig g;
    if (rig_open(&g, 64, 64) != 0)
        goto done;
    ui_text_style st = style(40, false);
    int widths[] = {300, 555, 800, 1234};
    for (int k = 0; k < 4; k++) {
        ui_text_flush(g.t);
        ui_text_stats before, after;
        ui_text_get_stats(g.t, &before);
        int w = 0, h = 0;
        int lines = ui_text_measure(g.t, text, &st, widths[k], &w, &h);
        ui_text_get_stats(g.t, &after);
        unsigned long tried = after.lines_tried - before.lines_tried;
        CHECKF(tried < (unsigned long)nw, "%d px: %lu candidate lines shaped for %d words",
               widths[k], tried, nw);
        /* The reference: add one word at a time while the line fits. */
        ui_text_run runs[64];
        int nr = ui_text_debug_runs(g.t, text, &st, widths[k], runs, 64);
        CHECK(nr == lines && nr <= 64);
        int word = 0;
        for (int l = 0; l < lines && l < nr && word < nw; l++) {
            snprintf(line, sizeof line, "%s", words[word++]);
            while (word < nw) {
                char cand[1024];
                int cw = 0, ch = 0;
                snprintf(cand, sizeof cand, "%s %s", line, words[word]);
                ui_text_measure(g.t, cand, &st, 0, &cw, &ch);
                if (cw > widths[k])
                    break;
                memcpy(line, cand, sizeof line);
                word++;
            }
            CHECKF(!strcmp(runs[l].text, line), "%d px, line %d: \"%s\", want \"%s\"", widths[k], l,
                   runs[l].text, line);
        }
        CHECKF(word == nw, "%d px: %d of %d words placed", widths[k], word, nw);
    }
done:
    rig_close(&g);
}

/* One font per face and weight, resized for each size drawn: SDL_ttf gives every font its own
 * HarfBuzz face, which reads and checks the font's layout tables again. Text drawn at several
 * sizes, in every script, back and forth, opens no further fonts, and a size drawn after others
 * looks exactly as it does from a fresh start (the glyphs and hinting follow the size). */
static void test_one_font_per_face(void)
{
    const char *texts[] = {"Hoe woont u in de wijk?", arabic_mixed, "ሰላም እንዴት ነዎት?"};
    rig g;
    if (rig_open(&g, 700, 80) != 0)
        goto done;
    ui_text_stats s0;
    ui_text_get_stats(g.t, &s0);
    CHECKF(s0.fonts_opened == UI_SCRIPT_COUNT * 2, "%d fonts opened by ui_text_open",
           s0.fonts_opened);
    int sizes[] = {40, 20, 64, 13, 40};
    SDL_Rect box = {0, 0, 700, 80};
    for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 3; k++) {
            for (int bold = 0; bold < 2; bold++) {
                ui_text_style st = style(sizes[i], k == 1);
                st.bold = bold != 0;
                clear(&g, white);
                ui_text_draw(g.t, texts[k], &st, box);
            }
        }
    }
    ui_text_stats s1;
    ui_text_get_stats(g.t, &s1);
    CHECKF(s1.fonts_opened == s0.fonts_opened, "%d fonts opened after drawing 5 sizes",
           s1.fonts_opened);
    /* 16 px (hinted lightly) after 40 (unhinted) and the other way round: the same pixels as
     * SDL_ttf draws with a font opened at that size and hinting. */
    char *path = test_src("fonts/NotoSans-Regular.ttf");
    int order[] = {16, 40, 16},
        hinting[] = {TTF_HINTING_LIGHT, TTF_HINTING_NONE, TTF_HINTING_LIGHT};
    for (int i = 0; i < 3; i++) {
        ui_text_style st = style(order[i], false);
        ui_text_flush(g.t);
        clear(&g, white);
        ui_text_draw(g.t, texts[0], &st, box);
        TTF_Font *f = TTF_OpenFont(path, order[i]);
        CHECK(f != NULL);
        if (!f)
            continue;
        TTF_SetFontHinting(f, hinting[i]);
        SDL_Surface *ref =
            SDL_CreateRGBSurfaceWithFormat(0, box.w, box.h, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Surface *line = TTF_RenderUTF8_Blended(f, texts[0], black);
        CHECK(ref && line);
        int differ = -1;
        if (ref && line) {
            SDL_FillRect(ref, NULL, SDL_MapRGB(ref->format, 255, 255, 255));
            SDL_BlitSurface(line, NULL, ref, NULL);
            differ = 0;
            for (int y = 0; y < box.h; y++)
                for (int x = 0; x < box.w; x++)
                    differ += (((Uint32 *)ref->pixels)[y * (ref->pitch / 4) + x] & 0xFFFFFF) !=
                              pixel(&g, x, y);
        }
        CHECKF(differ == 0, "%d px after other sizes: %d pixels differ from SDL_ttf's own",
               order[i], differ);
        SDL_FreeSurface(line);
        SDL_FreeSurface(ref);
        TTF_CloseFont(f);
    }
    free(path);
done:
    rig_close(&g);
}

/* A paragraph that fits on one line (most labels) is shaped once, not searched word by word. */
static void test_one_line_shaped_once(void)
{
    rig g;
    if (rig_open(&g, 64, 64) != 0)
        goto done;
    ui_text_style st = style(40, false);
    ui_text_stats before, after;
    ui_text_get_stats(g.t, &before);
    int w = 0,
        lines = ui_text_measure(g.t, "Tik op het scherm om te beginnen", &st, 1900, &w, NULL);
    ui_text_get_stats(g.t, &after);
    CHECK(lines == 1 && w > 0 && w <= 1900);
    CHECKF(after.lines_tried - before.lines_tried == 1, "%lu candidate lines shaped",
           after.lines_tried - before.lines_tried);
done:
    rig_close(&g);
}

/* A text measured for the layout and then drawn at that width is laid out once: the draw takes
 * the measurement's lines. It must draw the same pixels as a text drawn without measuring,
 * also when other sizes of the same fonts were used in between (the fonts are resized). */
static void test_measure_then_draw(void)
{
    const char *texts[] = {DUTCH_LONG, arabic_mixed, "ሰላም እንዴት ነዎት? Hoe gaat het?"};
    rig g;
    if (rig_open(&g, 600, 400) != 0)
        goto done;
    SDL_Rect box = {0, 0, 600, 400};
    for (int k = 0; k < 3; k++) {
        ui_text_style st = style(30, k == 1), other = style(61, k != 1);
        /* Drawn without a measurement first: the reference pixels. */
        ui_text_flush(g.t);
        clear(&g, white);
        ui_text_draw(g.t, texts[k], &st, box);
        size_t n = (size_t)g.surf->pitch * (size_t)g.surf->h;
        unsigned char *ref = malloc(n);
        if (!ref)
            break;
        memcpy(ref, g.surf->pixels, n);
        /* Measured, other sizes used, then drawn. */
        ui_text_flush(g.t);
        int w = 0, h = 0;
        ui_text_measure(g.t, texts[k], &st, box.w, &w, &h);
        ui_text_measure(g.t, texts[(k + 1) % 3], &other, 300, NULL, NULL);
        clear(&g, white);
        ui_text_draw(g.t, texts[(k + 2) % 3], &other, box);
        ui_text_stats before, after;
        ui_text_get_stats(g.t, &before);
        clear(&g, white);
        int drawn_h = ui_text_draw(g.t, texts[k], &st, box);
        ui_text_get_stats(g.t, &after);
        CHECKF(after.layouts_reused - before.layouts_reused == 1 &&
                   after.lines_tried == before.lines_tried,
               "text %d: %lu layouts reused, %lu lines shaped again", k,
               after.layouts_reused - before.layouts_reused,
               after.lines_tried - before.lines_tried);
        CHECKF(drawn_h == h, "text %d: drawn %d px high, measured %d", k, drawn_h, h);
        CHECKF(memcmp(ref, g.surf->pixels, n) == 0,
               "text %d: drawn after a measurement and other sizes, the pixels differ", k);
        free(ref);
    }
done:
    rig_close(&g);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    RUN(test_wrap_width);
    RUN(test_bidi_runs);
    RUN(test_render_arabic_png);
    RUN(test_sample_pngs);
    RUN(test_missing_glyphs);
    RUN(test_ethiopic);
    RUN(test_cache);
    RUN(test_clip);
    RUN(test_long_word_and_bad_input);
    RUN(test_shipped_strings_covered);
    RUN(test_redraw_figures);
    RUN(test_hinting_by_size);
    RUN(test_wrap_few_shapings);
    RUN(test_one_font_per_face);
    RUN(test_one_line_shaped_once);
    RUN(test_measure_then_draw);
    SDL_Quit();
    return test_main();
}
