/* Text on screen: our own line breaking, FriBidi runs shaped one by one by SDL_ttf/HarfBuzz in
 * the font that covers them, and an LRU cache of laid-out lines as textures (see ui_text.h). */
#include "ui_text.h"

#include "util.h"

#include <SDL_ttf.h>
#include <errno.h>
#include <fcntl.h>
#include <fribidi.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FONT_FILE_MAX_BYTES (16u << 20) /* a Noto TTF is about 0.5 MB */
#define OPEN_PX             24          /* size a font is opened at, before its first use */
#define MIN_PX              4
/* From this size up glyphs are not hinted: FreeType runs neither TrueType bytecode (a third of
 * the first frame's time once) nor its autohinter, whose first use in a face reads the whole
 * character map and whose first use at a size measures the font's reference glyphs (2.6 M of the
 * first frame's 46 M instructions, 5.7%). Every text a resident reads is at least 24 px (a
 * 4.8 mm capital on a 24" panel, ACCESSIBILITY.md A5), and from 20 px up hinting changes
 * nothing the eye sees (toolbar labels at 27 px compared enlarged). Smaller text is hinted
 * lightly (vertically only, FreeType's light mode): crisper at staff-screen sizes. */
#define UNHINTED_PX    20
#define MAX_PX         512
#define CACHE_BUCKETS  1024 /* power of two */
#define ENTRY_OVERHEAD 256  /* bytes charged per cache entry besides its pixels */

enum {
    FACE_LATIN = UI_SCRIPT_LATIN, /* the default face: letters no other row covers */
    FACE_UNDECIDED = UI_SCRIPT_COUNT,
    NFONTS = UI_SCRIPT_COUNT * 2 /* regular and bold of every script */
};
enum { KIND_MEASURE = 1, KIND_DRAW = 2 };

/* 1 / the narrowest average letter width (in em) a paragraph is assumed to have when deciding
 * whether to try it on one line first (wrap_paragraph): only a guess, the breaks stay the same. */
#define NARROW_EMS 4

#define METRIC_PX 1000 /* size the reference letters are measured at (1 px = 1/1000 em) */

#define SCRIPT_MAX_RANGES 6 /* code point ranges in one script row */

/* The scripts, one row each, indexed by face (= ui_script): a new script is one row here (and
 * its name in ui_script) plus its two font files in fonts/. Each script is drawn in its own
 * font, scaled so that its apparent letter size matches Latin and its tall letter reaches
 * Latin's capital height, whichever needs the larger size: the apparent size of a script is the
 * mean ink height of its body letter (Latin x, Arabic sad: the font's own x-height) and its
 * tall letter (Latin H, Arabic alef), because running text mixes both. Measured at open from
 * the fonts (ui_text_open); Noto Sans Regular gives x 536 + H 714, Noto Sans Arabic Regular sad
 * 374 + alef 714 per 1000 em, so Arabic is drawn 625 / 544 = 1.149 times larger (bold: 630 / 586
 * = 1.075). Alef then reaches about Latin ascender height, as bilingual type usually does.
 * Ethiopic has no x-height: its syllables stand as tall as capitals, so they are sized to Latin's
 * capital height (the second rule). Letters of no row's ranges are Latin's (Noto Sans). */
typedef struct {
    const char *name;      /* for messages: "Arabic" */
    const char *tall_name; /* the tall reference letter, for messages: "alef" */
    const char *script;    /* ISO 15924 code for HarfBuzz */
    const char *files[2];  /* regular, bold */
    bool rtl;              /* written right to left: neutrals in an RTL paragraph prefer it */
    uint32_t body, tall;   /* reference letters */
    uint32_t ranges[SCRIPT_MAX_RANGES][2]; /* the code points it draws (first, last); 0,0 ends */
} script_row;

static const script_row script_table[UI_SCRIPT_COUNT] = {
    [UI_SCRIPT_LATIN] = {"Latin",
                         "capital",
                         "Latn",
                         {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"},
                         false,
                         'x',
                         'H',
                         {{0, 0}}},
    [UI_SCRIPT_ARABIC] = {"Arabic",
                          "alef",
                          "Arab",
                          {"NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"},
                          true,
                          0x0635,
                          0x0627,
                          {{0x0600, 0x06FF},
                           {0x0750, 0x077F},
                           {0x0870, 0x08FF},
                           {0xFB50, 0xFDFF},
                           {0xFE70, 0xFEFE}}},
    [UI_SCRIPT_ETHIOPIC] = {"Ethiopic",
                            "tall letter",
                            "Ethi",
                            {"NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"},
                            false,
                            0x1200, /* ሀ ha */
                            0x1208, /* ለ le */
                            {{0x1200, 0x139F}, {0x2D80, 0x2DDF}, {0xAB00, 0xAB2F}}},
};

/* Line metrics of the sizes in use (the fonts themselves are resized, see set_font_px). */
typedef struct {
    int px;                         /* 0 = free slot */
    unsigned long last_use;         /* for LRU eviction of sizes */
    bool known[NFONTS];             /* asc and below measured, indexed by face * 2 + bold */
    int asc[NFONTS], below[NFONTS]; /* line metrics of each font at the nominal px */
} size_slot;

typedef struct {
    SDL_Texture *tex; /* NULL for an empty line */
    int w;            /* width of the line (and texture) */
} line_tex;

typedef struct entry {
    struct entry *hnext;       /* hash chain */
    struct entry *prev, *next; /* LRU list, most recent first */
    uint64_t hash;
    int kind;
    char *text;
    size_t tlen;
    int px, max_w;
    bool bold, rtl;
    SDL_Color color;
    int w, h, nlines, line_h;
    line_tex *lines;     /* KIND_DRAW only: nlines textures */
    struct layout *kept; /* KIND_MEASURE only: its layout, until a draw of the text takes it */
    size_t kept_bytes;   /* what kept holds, counted in bytes */
    size_t bytes;
} entry;

struct ui_text {
    SDL_Renderer *r;
    int max_tex_w;      /* renderer limit, 0 = none */
    void *data[NFONTS]; /* font files in memory */
    size_t len[NFONTS];
    /* One font per face and weight, resized to each size drawn: SDL_ttf gives every TTF_Font
     * its own HarfBuzz face, which loads and checks the font's GSUB and GPOS tables again on
     * its first shaping (a font per size made that a fifth of the first frame's work). */
    TTF_Font *font[NFONTS];
    int font_px[NFONTS];             /* the pixel size font[i] is set to now */
    ui_text_letters letters[NFONTS]; /* measured reference letters, indexed like font */
    double factor[NFONTS];           /* size factor of each face and weight against Latin */
    size_slot sizes[UI_TEXT_MAX_SIZES];
    unsigned long tick;
    entry *buckets[CACHE_BUCKETS];
    entry *lru_head, *lru_tail;
    size_t max_items, max_bytes;
    ui_text_stats st;
};

/* ---------- UTF-8 ---------- */

/* Decodes one code point at s[*i] (n bytes total). Invalid or truncated sequences yield
 * U+FFFD and consume one byte. Returns false for such a replacement. */
static bool utf8_next(const unsigned char *s, size_t n, size_t *i, uint32_t *out)
{
    unsigned char c = s[*i];
    uint32_t cp;
    int need;
    if (c < 0x80) {
        *out = c;
        (*i)++;
        return true;
    } else if (c >= 0xC2 && c <= 0xDF) {
        cp = c & 0x1F;
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        cp = c & 0x0F;
        need = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
        cp = c & 0x07;
        need = 3;
    } else {
        goto bad;
    }
    if (*i + (size_t)need >= n)
        goto bad;
    for (int k = 1; k <= need; k++) {
        unsigned char d = s[*i + (size_t)k];
        if ((d & 0xC0) != 0x80)
            goto bad;
        cp = (cp << 6) | (d & 0x3F);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        goto bad;
    *out = cp;
    *i += (size_t)need + 1;
    return true;
bad:
    *out = 0xFFFD;
    (*i)++;
    return false;
}

static size_t utf8_put(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of utf8 capped at UI_TEXT_MAX_BYTES, cut back to a character boundary. */
static size_t capped_len(const char *utf8)
{
    size_t n = strnlen(utf8, UI_TEXT_MAX_BYTES + 1);
    if (n > UI_TEXT_MAX_BYTES) {
        n = UI_TEXT_MAX_BYTES;
        while (n > 0 && ((unsigned char)utf8[n] & 0xC0) == 0x80)
            n--;
    }
    return n;
}

/* ---------- character classes ---------- */

/* The script whose row's ranges hold c, or FACE_UNDECIDED. */
static int script_of(uint32_t c)
{
    for (int s = 0; s < UI_SCRIPT_COUNT; s++) {
        const script_row *row = &script_table[s];
        for (int k = 0; k < SCRIPT_MAX_RANGES && row->ranges[k][1] != 0; k++)
            if (c >= row->ranges[k][0] && c <= row->ranges[k][1])
                return s;
    }
    return FACE_UNDECIDED;
}

static bool is_cyrillic_cp(uint32_t c)
{
    return c >= 0x0400 && c <= 0x052F;
}

/* Invisible characters that no font needs to draw (HarfBuzz hides default ignorables). */
static bool is_invisible(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x00AD || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF ||
           (c >= 0xFE00 && c <= 0xFE0F);
}

/* A line may not be broken before c (it belongs to the previous character). */
static bool no_break_before(uint32_t c)
{
    return fribidi_get_bidi_type(c) == FRIBIDI_TYPE_NSM || c == 0x200D || c == 0x200C ||
           (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F3FB && c <= 0x1F3FF);
}

/* ---------- fonts ---------- */

static int hinting_at(int px)
{
    return px >= UNHINTED_PX ? TTF_HINTING_NONE : TTF_HINTING_LIGHT;
}

static TTF_Font *open_mem_font(ui_text *t, int idx, int px)
{
    SDL_RWops *rw = SDL_RWFromConstMem(t->data[idx], (int)t->len[idx]);
    if (!rw)
        return NULL;
    TTF_Font *f = TTF_OpenFontRW(rw, 1, px);
    if (f) {
        TTF_SetFontHinting(f, hinting_at(px));
        t->st.fonts_opened++;
    }
    return f;
}

/* Sets font idx to px (and the hinting of that size). Each change empties SDL_ttf's glyph
 * cache of that font; drawn text is cached as textures, so a glyph is rarely loaded twice.
 * Returns the font, or NULL. */
static TTF_Font *set_font_px(ui_text *t, int idx, int px)
{
    TTF_Font *f = t->font[idx];
    if (!f || t->font_px[idx] == px)
        return f;
    if (hinting_at(px) != hinting_at(t->font_px[idx]))
        TTF_SetFontHinting(f, hinting_at(px));
    if (TTF_SetFontSize(f, px) != 0) {
        t->font_px[idx] = 0;
        return NULL;
    }
    t->font_px[idx] = px;
    return f;
}

/* The pixel size face idx (face * 2 + bold) is opened at for a nominal px. */
static int scaled_px(const ui_text *t, int idx, int px)
{
    int s = (int)(px * t->factor[idx] + 0.5);
    return s < MIN_PX ? MIN_PX : s;
}

/* The font of face (a ui_script) and weight, set to the size it draws nominal px at (valid
 * until the next get_font of that face and weight at another px). */
static TTF_Font *get_font(ui_text *t, int px, int face, bool bold)
{
    int idx = face * 2 + (bold ? 1 : 0);
    size_slot *slot = NULL, *lru = NULL;
    for (int i = 0; i < UI_TEXT_MAX_SIZES && !slot; i++) {
        size_slot *s = &t->sizes[i];
        if (s->px == px)
            slot = s;
        else if (!lru || (lru->px != 0 && (s->px == 0 || s->last_use < lru->last_use)))
            lru = s; /* a free slot wins, else the least recently used size */
    }
    if (!slot) {
        slot = lru;
        memset(slot->known, 0, sizeof slot->known);
        if (slot->px == 0)
            t->st.sizes_open++;
        slot->px = px;
    }
    slot->last_use = ++t->tick;
    if (!slot->known[idx]) {
        TTF_Font *nominal = set_font_px(t, idx, px);
        if (!nominal)
            return NULL;
        slot->asc[idx] = TTF_FontAscent(nominal);
        slot->below[idx] = TTF_FontLineSkip(nominal) - TTF_FontAscent(nominal);
        slot->known[idx] = true;
    }
    return set_font_px(t, idx, scaled_px(t, idx, px));
}

/* Ascent and line height of text at px: Latin's, and the larger ascents and depths of the other
 * scripts in faces (a mask of 1 << face). Taken from the fonts at the nominal px, not the
 * scaled one: Noto Sans Arabic's line box (1.374 em up, 0.738 em down) is far larger than its
 * letters need, and the letters scaled by 1.149 still fit (fully vowelled words measure at most
 * 1.11 em up and 0.46 em down, 1.27 and 0.53 em scaled), so Arabic lines stay as tall as
 * before. */
static int line_metrics(ui_text *t, int px, bool bold, unsigned faces, int *ascent, int *line_h)
{
    int asc = 0, below = 0;
    faces |= 1u << FACE_LATIN;
    for (int face = 0; face < UI_SCRIPT_COUNT; face++) {
        if (!(faces & (1u << face)))
            continue;
        int idx = face * 2 + (bold ? 1 : 0);
        if (!get_font(t, px, face, bold))
            return -1;
        const size_slot *slot = NULL;
        for (int i = 0; i < UI_TEXT_MAX_SIZES && !slot; i++)
            if (t->sizes[i].px == px)
                slot = &t->sizes[i];
        if (slot->asc[idx] > asc)
            asc = slot->asc[idx];
        if (slot->below[idx] > below)
            below = slot->below[idx];
    }
    *ascent = asc;
    *line_h = asc + below;
    return 0;
}

static bool provides(ui_text *t, int face, bool bold, uint32_t c)
{
    TTF_Font *f = t->font[face * 2 + (bold ? 1 : 0)];
    return f && TTF_GlyphIsProvided32(f, c) != 0;
}

/* ---------- layout ---------- */

typedef struct {
    int start, len; /* logical code point range */
    int x, w;       /* within the line */
    int level;      /* bidi embedding level */
    int face;
} lrun;

typedef struct {
    int start, len; /* logical code point range */
    int w;
    int run0, nruns; /* into layout.runs */
} lline;

typedef struct layout {
    ui_text *t;
    int px;
    bool bold, rtl;
    TTF_Font *font[UI_SCRIPT_COUNT]; /* of the faces in use, else NULL */
    uint32_t *cp;                    /* whole text, decoded */
    uint8_t *face;
    int n;
    unsigned faces; /* the faces drawing visible characters, 1 << face */
    lline *lines;
    int nlines;
    lrun *runs;
    int nruns, cap_runs;
    int w, line_h, ascent;
    /* scratch for one line */
    FriBidiCharType *types;
    FriBidiBracketType *btypes;
    FriBidiLevel *levels;
    FriBidiStrIndex *map;
    char *u8; /* encoded run text */
    size_t u8cap;
} layout;

static void layout_free(layout *L)
{
    free(L->cp);
    free(L->face);
    free(L->lines);
    free(L->runs);
    free(L->types);
    free(L->btypes);
    free(L->levels);
    free(L->map);
    free(L->u8);
    memset(L, 0, sizeof *L);
}

/* Encodes cp[start..start+len) into L->u8 (NUL-terminated). */
static const char *run_utf8(layout *L, int start, int len)
{
    size_t o = 0;
    for (int i = 0; i < len; i++)
        o += utf8_put(L->cp[start + i], L->u8 + o);
    L->u8[o] = '\0';
    return L->u8;
}

static void set_run_font(layout *L, const lrun *r, TTF_Font *f)
{
    const char *script = script_table[r->face].script;
    if (r->face == FACE_LATIN) {
        for (int i = 0; i < r->len; i++) {
            if (is_cyrillic_cp(L->cp[r->start + i])) {
                script = "Cyrl";
                break;
            }
        }
    }
    TTF_SetFontDirection(f, (r->level & 1) ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(f, script);
}

static int push_run(layout *L, const lrun *r)
{
    if (L->nruns == L->cap_runs) {
        int cap = L->cap_runs ? L->cap_runs * 2 : 32;
        lrun *n = realloc(L->runs, (size_t)cap * sizeof *n);
        if (!n)
            return -1;
        L->runs = n;
        L->cap_runs = cap;
    }
    L->runs[L->nruns++] = *r;
    return 0;
}

/* Lays out the line cp[start..start+len): bidi levels, visual runs split by font, widths.
 * Appends the runs to L->runs from index *run0 and returns the line width, or -1. */
static int layout_line(layout *L, int start, int len, int *run0)
{
    *run0 = L->nruns;
    if (len <= 0)
        return 0;
    const FriBidiChar *s = L->cp + start;
    fribidi_get_bidi_types(s, len, L->types);
    fribidi_get_bracket_types(s, len, L->types, L->btypes);
    FriBidiParType base = L->rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    if (!fribidi_get_par_embedding_levels_ex(L->types, L->btypes, len, &base, L->levels)) {
        for (int i = 0; i < len; i++)
            L->levels[i] = L->rtl ? 1 : 0;
    }
    for (int i = 0; i < len; i++)
        L->map[i] = i;
    if (!fribidi_reorder_line(0, L->types, len, 0, base, L->levels, NULL, L->map)) {
        for (int i = 0; i < len; i++)
            L->map[i] = L->rtl ? len - 1 - i : i;
    }
    /* Walk visual order; a run continues while level and font stay and the logical index
     * moves by one in the run's direction. */
    int x = 0;
    int v = 0;
    while (v < len) {
        int l0 = L->map[v];
        int lev = L->levels[l0];
        int face = L->face[start + l0];
        int lo = l0, hi = l0, prev = l0;
        int step = (lev & 1) ? -1 : 1;
        v++;
        while (v < len) {
            int l = L->map[v];
            if (L->levels[l] != lev || L->face[start + l] != face || l != prev + step)
                break;
            prev = l;
            if (l < lo)
                lo = l;
            if (l > hi)
                hi = l;
            v++;
        }
        lrun r = {.start = start + lo, .len = hi - lo + 1, .x = x, .level = lev, .face = face};
        TTF_Font *f = L->font[face];
        int w = 0, h = 0;
        if (f) {
            set_run_font(L, &r, f);
            if (TTF_SizeUTF8(f, run_utf8(L, r.start, r.len), &w, &h) != 0)
                w = 0;
        }
        r.w = w;
        x += w;
        if (push_run(L, &r) != 0)
            return -1;
    }
    return x;
}

/* Measures a candidate line without keeping its runs. */
static int line_width(layout *L, int start, int len)
{
    int run0;
    int w = layout_line(L, start, len, &run0);
    L->nruns = run0;
    L->t->st.lines_tried++;
    return w;
}

/* Keeps the runs from run0 on, laid out by layout_line, as the next line (w wide). */
static int keep_line(layout *L, int start, int len, int w, int run0)
{
    if (L->nlines >= UI_TEXT_MAX_LINES) {
        L->nruns = run0;
        return 1; /* full: stop quietly */
    }
    L->lines[L->nlines++] =
        (lline){.start = start, .len = len, .w = w, .run0 = run0, .nruns = L->nruns - run0};
    if (w > L->w)
        L->w = w;
    return 0;
}

static int add_line(layout *L, int start, int len)
{
    if (L->nlines >= UI_TEXT_MAX_LINES)
        return 1; /* full: stop quietly */
    int run0;
    int w = layout_line(L, start, len, &run0);
    if (w < 0)
        return -1;
    return keep_line(L, start, len, w, run0);
}

/* The first face after `not` that has c, else `not`. */
static int other_face(ui_text *t, int not, bool bold, uint32_t c)
{
    for (int f = 0; f < UI_SCRIPT_COUNT; f++)
        if (f != not &&provides(t, f, bold, c))
            return f;
    return not ;
}

/* Chooses the font of every code point: a letter in a script row's ranges -> that row's font,
 * other letters -> Noto Sans (each falling back to a font that has it); digits, punctuation
 * and spaces follow the neighbouring letter's font when that font has them. */
static void assign_faces(layout *L)
{
    ui_text *t = L->t;
    for (int i = 0; i < L->n; i++) {
        uint32_t c = L->cp[i];
        int f = script_of(c);
        if (f == FACE_UNDECIDED && FRIBIDI_IS_LETTER(fribidi_get_bidi_type(c)))
            f = FACE_LATIN;
        if (f != FACE_UNDECIDED && !provides(t, f, L->bold, c))
            f = other_face(t, f, L->bold, c);
        L->face[i] = (uint8_t)f;
    }
    for (int i = 0; i < L->n; i++) {
        if (L->face[i] != FACE_UNDECIDED)
            continue;
        uint32_t c = L->cp[i];
        int before = -1, after = -1;
        for (int j = i - 1; j >= 0 && L->cp[j] != '\n'; j--) {
            if (L->face[j] != FACE_UNDECIDED && !(L->face[j] & 0x80)) {
                before = L->face[j];
                break;
            }
        }
        for (int j = i + 1; j < L->n && L->cp[j] != '\n'; j++) {
            if (L->face[j] != FACE_UNDECIDED) {
                after = L->face[j] & 0x7F;
                break;
            }
        }
        int f = FACE_UNDECIDED;
        if (before >= 0 && provides(t, before, L->bold, c))
            f = before;
        else if (after >= 0 && provides(t, after, L->bold, c))
            f = after;
        else if (L->rtl && !provides(t, FACE_LATIN, L->bold, c))
            for (int s = 0; s < UI_SCRIPT_COUNT && f == FACE_UNDECIDED; s++)
                if (script_table[s].rtl && provides(t, s, L->bold, c))
                    f = s;
        if (f == FACE_UNDECIDED)
            f = other_face(t, FACE_UNDECIDED, L->bold, c);
        if (f == FACE_UNDECIDED)
            f = FACE_LATIN;
        /* Mark as resolved-from-neighbour so later neutrals look at letters only. */
        L->face[i] = (uint8_t)(f | 0x80);
    }
    for (int i = 0; i < L->n; i++) {
        L->face[i] &= 0x7F;
        if (L->cp[i] != '\n' && L->cp[i] != ' ')
            L->faces |= 1u << L->face[i];
    }
}

/* The end of the k-th word (k >= 1) of cp[from..p1), words being separated by spaces, with its
 * start in *start (may be NULL); k beyond the last word: the number of words. */
static int word_end(const layout *L, int from, int p1, int k, int *start)
{
    int n = 0, i = from;
    while (i < p1) {
        while (i < p1 && L->cp[i] == ' ')
            i++;
        if (i == p1)
            break;
        int ws = i;
        while (i < p1 && L->cp[i] != ' ')
            i++;
        if (++n == k) {
            if (start)
                *start = ws;
            return i;
        }
    }
    return n;
}

/* Breaks one paragraph cp[p0..p1) into lines of at most max_w pixels (max_w <= 0: no limit). */
static int wrap_paragraph(layout *L, int p0, int p1, int max_w)
{
    if (p0 == p1)
        return add_line(L, p0, 0);
    int pos = p0, guess = 1; /* words on the line before */
    while (pos < p1) {
        if (pos > p0) {
            while (pos < p1 && L->cp[pos] == ' ')
                pos++;
            if (pos == p1)
                break;
        }
        int line_start = pos, line_end = pos;
        int scan = pos;
        /* Leading spaces of the paragraph belong to the first word. */
        while (scan < p1 && L->cp[scan] == ' ')
            scan++;
        /* As many words as fit. A line only grows with each word added (every advance is
         * positive), so searching the count finds the same break as adding one word at a time:
         * first the previous line's count, then one more, doubling the step while they fit,
         * then halving. About three candidate lines per line instead of one per word (the
         * first frame shaped 3.8 KB of text for its 0.3 KB). */
        int total = word_end(L, scan, p1, INT_MAX, NULL), fit = 0, over = total + 1;
        if (max_w <= 0)
            fit = total;
        int end = total > 0 ? word_end(L, scan, p1, total, NULL) : scan;
        if (pos == p0 && total > 0 && max_w > 0 &&
            (long)(end - line_start) * L->px <= (long)max_w * NARROW_EMS) {
            /* Most labels fit on one line: a paragraph that could (were its letters a quarter
             * em wide) is tried whole first and, when it fits, that shaping is the line: one
             * shaping instead of a search and then the line. */
            int run0;
            int w = layout_line(L, line_start, end - line_start, &run0);
            L->t->st.lines_tried++;
            if (w < 0)
                return -1;
            if (w <= max_w)
                return keep_line(L, line_start, end - line_start, w, run0);
            L->nruns = run0;
            over = total;
        }
        for (int k = guess < total ? guess : total, step = 1; fit < total && over > total;) {
            if (line_width(L, line_start, word_end(L, scan, p1, k, NULL) - line_start) > max_w)
                over = k;
            else
                fit = k;
            k = fit + step < total ? fit + step : total;
            step *= 2;
        }
        while (over - fit > 1 && over <= total) {
            int k = fit + (over - fit) / 2;
            if (line_width(L, line_start, word_end(L, scan, p1, k, NULL) - line_start) > max_w)
                over = k;
            else
                fit = k;
        }
        if (fit > 0)
            line_end = word_end(L, scan, p1, fit, NULL);
        guess = fit > 0 ? fit : 1;
        if (fit < total)
            word_end(L, scan, p1, fit + 1, &scan); /* the first word that did not fit */
        else
            scan = p1;
        if (line_end == line_start && scan == p1) {
            /* Only spaces left: an empty line. */
            return add_line(L, line_start, 0);
        }
        if (line_end == line_start) {
            /* The first word alone is too wide: take as many characters as fit (at least
             * one), never splitting a character from its combining marks. */
            int we = scan;
            while (we < p1 && L->cp[we] != ' ')
                we++;
            int lo = 1, hi = we - line_start, best = 1;
            /* No glyph is narrower than 1/8 em: bounds the search on junk input. */
            int most = max_w * 8 / (L->px > 0 ? L->px : 1) + 16;
            if (hi > most)
                hi = most;
            while (lo <= hi) {
                int mid = (lo + hi) / 2;
                if (line_width(L, line_start, mid) <= max_w) {
                    best = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            int end = line_start + best;
            while (end > line_start + 1 && end < p1 && no_break_before(L->cp[end]))
                end--;
            while (end < p1 && no_break_before(L->cp[end]))
                end++;
            line_end = end;
        }
        int rc = add_line(L, line_start, line_end - line_start);
        if (rc != 0)
            return rc;
        pos = line_end;
    }
    return 0;
}

/* Lays out utf8 completely: decode, choose fonts, wrap, runs. Returns 0 or -1. */
static int layout_text(ui_text *t, const char *utf8, const ui_text_style *st, int max_w, layout *L)
{
    memset(L, 0, sizeof *L);
    L->t = t;
    L->px = st->px < MIN_PX ? MIN_PX : st->px > MAX_PX ? MAX_PX : st->px;
    L->bold = st->bold;
    L->rtl = st->rtl;
    size_t n = utf8 ? capped_len(utf8) : 0;
    size_t cap = n + 1;
    L->cp = malloc(cap * sizeof *L->cp);
    L->face = malloc(cap);
    L->types = malloc(cap * sizeof *L->types);
    L->btypes = malloc(cap * sizeof *L->btypes);
    L->levels = malloc(cap * sizeof *L->levels);
    L->map = malloc(cap * sizeof *L->map);
    L->u8cap = cap * 4 + 1;
    L->u8 = malloc(L->u8cap);
    L->lines = malloc(UI_TEXT_MAX_LINES * sizeof *L->lines);
    if (!L->cp || !L->face || !L->types || !L->btypes || !L->levels || !L->map || !L->u8 ||
        !L->lines)
        goto fail;
    const unsigned char *s = (const unsigned char *)utf8;
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        utf8_next(s, n, &i, &c);
        if (c == '\r')
            continue;
        if (c == '\t')
            c = ' ';
        else if (c != '\n' && (c < 0x20 || (c >= 0x7F && c <= 0x9F)))
            continue;
        L->cp[L->n++] = c;
    }
    assign_faces(L);
    /* Spaces and line ends keep the face of their neighbours: open every face a character
     * was given, not only those in L->faces. */
    unsigned used = 1u << FACE_LATIN;
    for (int k = 0; k < L->n; k++)
        used |= 1u << L->face[k];
    for (int face = 0; face < UI_SCRIPT_COUNT; face++)
        if ((used & (1u << face)) && !(L->font[face] = get_font(t, L->px, face, L->bold)))
            goto fail;
    if (line_metrics(t, L->px, L->bold, L->faces, &L->ascent, &L->line_h) != 0)
        goto fail;
    if (L->n == 0)
        return 0;
    int p0 = 0;
    for (int k = 0; k <= L->n; k++) {
        if (k == L->n || L->cp[k] == '\n') {
            int rc = wrap_paragraph(L, p0, k, max_w);
            if (rc < 0)
                goto fail;
            if (rc > 0)
                break;
            p0 = k + 1;
        }
    }
    return 0;
fail:
    layout_free(L);
    return -1;
}

/* ---------- cache ---------- */

static uint64_t key_hash(int kind, const char *text, size_t tlen, int px, bool bold, bool rtl,
                         SDL_Color c, int max_w)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < tlen; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ull;
    }
    uint32_t extra[4] = {(uint32_t)kind | (bold ? 0x100u : 0) | (rtl ? 0x200u : 0), (uint32_t)px,
                         (uint32_t)max_w,
                         (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a};
    for (int k = 0; k < 4; k++) {
        h ^= extra[k];
        h *= 1099511628211ull;
    }
    return h;
}

static void lru_unlink(ui_text *t, entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        t->lru_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        t->lru_tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(ui_text *t, entry *e)
{
    e->prev = NULL;
    e->next = t->lru_head;
    if (t->lru_head)
        t->lru_head->prev = e;
    t->lru_head = e;
    if (!t->lru_tail)
        t->lru_tail = e;
}

static void entry_destroy(entry *e)
{
    if (!e)
        return;
    if (e->lines) {
        for (int i = 0; i < e->nlines; i++) {
            if (e->lines[i].tex)
                SDL_DestroyTexture(e->lines[i].tex);
        }
        free(e->lines);
    }
    if (e->kept) {
        layout_free(e->kept);
        free(e->kept);
    }
    free(e->text);
    free(e);
}

static void cache_remove(ui_text *t, entry *e)
{
    entry **pp = &t->buckets[e->hash & (CACHE_BUCKETS - 1)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    lru_unlink(t, e);
    t->st.entries--;
    t->st.bytes -= e->bytes;
    entry_destroy(e);
}

/* Evicts least recently used entries until the limits hold (keeping `keep`). */
static void cache_trim(ui_text *t, const entry *keep)
{
    entry *e = t->lru_tail;
    while (e && (t->st.entries > t->max_items || t->st.bytes > t->max_bytes)) {
        entry *prev = e->prev;
        if (e != keep) {
            cache_remove(t, e);
            t->st.evictions++;
        }
        e = prev;
    }
}

static entry *cache_find(ui_text *t, int kind, const char *text, size_t tlen,
                         const ui_text_style *st, int px, int max_w)
{
    SDL_Color c = kind == KIND_DRAW ? st->color : (SDL_Color){0, 0, 0, 0};
    uint64_t h = key_hash(kind, text, tlen, px, st->bold, st->rtl, c, max_w);
    for (entry *e = t->buckets[h & (CACHE_BUCKETS - 1)]; e; e = e->hnext) {
        if (e->hash == h && e->kind == kind && e->tlen == tlen && e->px == px &&
            e->max_w == max_w && e->bold == st->bold && e->rtl == st->rtl &&
            (kind != KIND_DRAW ||
             (e->color.r == c.r && e->color.g == c.g && e->color.b == c.b && e->color.a == c.a)) &&
            memcmp(e->text, text, tlen) == 0) {
            lru_unlink(t, e);
            lru_push_front(t, e);
            return e;
        }
    }
    return NULL;
}

static entry *cache_new(int kind, const char *text, size_t tlen, const ui_text_style *st, int px,
                        int max_w)
{
    entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->text = malloc(tlen + 1);
    if (!e->text) {
        free(e);
        return NULL;
    }
    memcpy(e->text, text, tlen);
    e->text[tlen] = '\0';
    e->tlen = tlen;
    e->kind = kind;
    e->px = px;
    e->max_w = max_w;
    e->bold = st->bold;
    e->rtl = st->rtl;
    e->color = kind == KIND_DRAW ? st->color : (SDL_Color){0, 0, 0, 0};
    e->hash = key_hash(kind, text, tlen, px, st->bold, st->rtl, e->color, max_w);
    e->bytes = ENTRY_OVERHEAD + tlen;
    return e;
}

static void cache_insert(ui_text *t, entry *e)
{
    entry **b = &t->buckets[e->hash & (CACHE_BUCKETS - 1)];
    e->hnext = *b;
    *b = e;
    lru_push_front(t, e);
    t->st.entries++;
    t->st.bytes += e->bytes;
    cache_trim(t, e);
}

/* ---------- rendering ---------- */

/* Rasterises line ln of L into a new texture (NULL for an empty line). */
static SDL_Texture *render_line(ui_text *t, layout *L, const lline *ln, SDL_Color color, int *out_w)
{
    SDL_Texture *tex = NULL;
    SDL_Surface *surf = NULL;
    int w = ln->w;
    if (t->max_tex_w > 0 && w > t->max_tex_w)
        w = t->max_tex_w;
    *out_w = w;
    if (w <= 0 || L->line_h <= 0)
        return NULL;
    if (ln->nruns == 1) {
        /* One run (most lines): when SDL_ttf's surface is the line exactly, it becomes the
         * texture itself, without a second surface to clear, blit into and free (the same
         * pixels: the blit would copy them unblended onto transparent black). */
        const lrun *r = &L->runs[ln->run0];
        TTF_Font *f = L->font[r->face];
        if (f && r->w > 0 && r->x == 0 && L->ascent == TTF_FontAscent(f)) {
            set_run_font(L, r, f);
            surf = TTF_RenderUTF8_Blended(f, run_utf8(L, r->start, r->len), color);
            if (surf && surf->w == w && surf->h == L->line_h)
                goto texture;
            SDL_FreeSurface(surf); /* another size: composed below as any line */
            surf = NULL;
        }
    }
    surf = SDL_CreateRGBSurfaceWithFormat(0, w, L->line_h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf)
        goto done;
    SDL_FillRect(surf, NULL, 0);
    for (int k = 0; k < ln->nruns; k++) {
        const lrun *r = &L->runs[ln->run0 + k];
        TTF_Font *f = L->font[r->face];
        if (!f || r->w <= 0 || r->x >= w)
            continue;
        set_run_font(L, r, f);
        SDL_Surface *rs = TTF_RenderUTF8_Blended(f, run_utf8(L, r->start, r->len), color);
        if (!rs)
            continue; /* e.g. a run of spaces: nothing to draw */
        SDL_SetSurfaceBlendMode(rs, SDL_BLENDMODE_NONE);
        SDL_Rect dst = {r->x, L->ascent - TTF_FontAscent(f), rs->w, rs->h};
        SDL_BlitSurface(rs, NULL, surf, &dst);
        SDL_FreeSurface(rs);
    }
texture:
    tex = SDL_CreateTextureFromSurface(t->r, surf);
    if (tex) {
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
        t->st.textures_created++;
    }
done:
    SDL_FreeSurface(surf);
    return tex;
}

/* Most text is measured for the layout before it is drawn, with the same width: the measurement
 * keeps its lines (ui_text_measure) and the first draw takes them instead of laying the text
 * out again (the fonts are shared between sizes, so each is set to this size again). Returns 0
 * with *L filled, or -1 when there is no kept layout. */
static int take_kept_layout(ui_text *t, const char *utf8, size_t tlen, const ui_text_style *st,
                            int px, int max_w, layout *L)
{
    entry *m = cache_find(t, KIND_MEASURE, utf8, tlen, st, px, max_w);
    if (!m || !m->kept)
        return -1;
    *L = *m->kept;
    free(m->kept);
    m->kept = NULL;
    m->bytes -= m->kept_bytes;
    t->st.bytes -= m->kept_bytes;
    m->kept_bytes = 0;
    for (int face = 0; face < UI_SCRIPT_COUNT; face++)
        if (L->font[face] && !(L->font[face] = get_font(t, L->px, face, L->bold))) {
            layout_free(L);
            return -1;
        }
    t->st.layouts_reused++;
    return 0;
}

static entry *build_draw_entry(ui_text *t, const char *utf8, size_t tlen, const ui_text_style *st,
                               int px, int max_w)
{
    layout L;
    entry *e = NULL;
    if (take_kept_layout(t, utf8, tlen, st, px, max_w, &L) != 0 &&
        layout_text(t, utf8, st, max_w, &L) != 0)
        return NULL;
    e = cache_new(KIND_DRAW, utf8, tlen, st, px, max_w);
    if (!e)
        goto done;
    e->nlines = L.nlines;
    e->w = L.w;
    e->line_h = L.line_h;
    e->h = L.nlines * L.line_h;
    if (L.nlines > 0) {
        e->lines = calloc((size_t)L.nlines, sizeof *e->lines);
        if (!e->lines) {
            entry_destroy(e);
            e = NULL;
            goto done;
        }
    }
    for (int i = 0; i < L.nlines; i++) {
        int w = 0;
        e->lines[i].tex = render_line(t, &L, &L.lines[i], st->color, &w);
        e->lines[i].w = w;
        if (e->lines[i].tex)
            e->bytes += (size_t)w * (size_t)L.line_h * 4;
    }
    cache_insert(t, e);
done:
    layout_free(&L);
    return e;
}

/* ---------- public ---------- */

/* Ink heights above the baseline of face idx's reference letters, in em. Returns 0 or -1. */
static int measure_letters(ui_text *t, int idx, ui_text_letters *out)
{
    TTF_Font *f = set_font_px(t, idx, METRIC_PX);
    const script_row *row = &script_table[idx / 2];
    int minx, maxx, miny, body = 0, tall = 0, adv;
    int rc = -1;
    if (f && TTF_GlyphIsProvided32(f, row->body) && TTF_GlyphIsProvided32(f, row->tall) &&
        TTF_GlyphMetrics32(f, row->body, &minx, &maxx, &miny, &body, &adv) == 0 &&
        TTF_GlyphMetrics32(f, row->tall, &minx, &maxx, &miny, &tall, &adv) == 0 && body > 0 &&
        tall > 0) {
        out->body_em = (double)body / METRIC_PX;
        out->tall_em = (double)tall / METRIC_PX;
        rc = 0;
    }
    return rc;
}

/* Maps a font file read-only. Returns 0, or -1 with a message. */
static int map_font(const char *path, void **out, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        wp_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (size_t)st.st_size > FONT_FILE_MAX_BYTES) {
        wp_errf(err, errlen, "%s: not a font file of a usable size", path);
        goto done;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
        wp_errf(err, errlen, "%s: cannot map: %s", path, strerror(errno));
        goto done;
    }
    *out = m;
    *len = (size_t)st.st_size;
    rc = 0;
done:
    close(fd);
    return rc;
}

int ui_text_open(SDL_Renderer *r, const char *font_dir, ui_text **out, char *err, size_t errlen)
{
    ui_text *t = NULL;
    bool ttf = false;
    *out = NULL;
    if (!r || !font_dir) {
        wp_errf(err, errlen, "ui_text_open: no renderer or font folder given");
        return -1;
    }
    if (TTF_Init() != 0) {
        wp_errf(err, errlen, "cannot start the font engine (SDL_ttf): %s", TTF_GetError());
        return -1;
    }
    ttf = true;
    t = calloc(1, sizeof *t);
    if (!t) {
        wp_errf(err, errlen, "out of memory opening fonts");
        goto fail;
    }
    t->r = r;
    t->max_items = UI_TEXT_CACHE_MAX_ITEMS;
    t->max_bytes = UI_TEXT_CACHE_MAX_BYTES;
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(r, &info) == 0)
        t->max_tex_w = info.max_texture_width;
    for (int i = 0; i < NFONTS; i++) {
        char path[4096];
        char ferr[WP_ERR_LEN];
        if (!script_table[i / 2].files[i % 2]) {
            wp_errf(err, errlen, "script %d has no row in the script table of ui_text.c", i / 2);
            goto fail;
        }
        int n = snprintf(path, sizeof path, "%s/%s", font_dir, script_table[i / 2].files[i % 2]);
        if (n < 0 || (size_t)n >= sizeof path) {
            wp_errf(err, errlen, "font folder path too long: %s", font_dir);
            goto fail;
        }
        /* Mapped, not read: FreeType touches only the tables and glyphs it needs, so start-up
         * pays for a few pages instead of copying every font file. */
        void *buf = NULL;
        size_t len = 0;
        if (map_font(path, &buf, &len, ferr, sizeof ferr) != 0) {
            wp_errf(err, errlen, "cannot load font %s (install the fonts/ folder): %s", path, ferr);
            goto fail;
        }
        t->data[i] = buf;
        t->len[i] = len;
        t->font[i] = open_mem_font(t, i, OPEN_PX);
        t->font_px[i] = OPEN_PX;
        if (!t->font[i]) {
            wp_errf(err, errlen, "%s is not a usable TrueType font: %s", path, TTF_GetError());
            goto fail;
        }
        if (measure_letters(t, i, &t->letters[i]) != 0) {
            wp_errf(err, errlen, "%s lacks the reference letters U+%04X and U+%04X", path,
                    (unsigned)script_table[i / 2].body, (unsigned)script_table[i / 2].tall);
            goto fail;
        }
    }
    for (int i = 0; i < NFONTS; i++) {
        const ui_text_letters *own = &t->letters[i], *lat = &t->letters[FACE_LATIN * 2 + i % 2];
        double apparent = (lat->body_em + lat->tall_em) / (own->body_em + own->tall_em);
        double tall = lat->tall_em / own->tall_em;
        t->factor[i] = i / 2 == FACE_LATIN ? 1.0 : apparent > tall ? apparent : tall;
    }
    *out = t;
    return 0;
fail:
    if (t) {
        ui_text_close(t);
    } else if (ttf) {
        TTF_Quit();
    }
    return -1;
}

void ui_text_flush(ui_text *t)
{
    if (!t)
        return;
    while (t->lru_head)
        cache_remove(t, t->lru_head);
}

void ui_text_close(ui_text *t)
{
    if (!t)
        return;
    ui_text_flush(t);
    for (int i = 0; i < NFONTS; i++) {
        if (t->font[i])
            TTF_CloseFont(t->font[i]);
        if (t->data[i])
            munmap(t->data[i], t->len[i]);
    }
    free(t);
    TTF_Quit();
}

static int clamp_px(int px)
{
    return px < MIN_PX ? MIN_PX : px > MAX_PX ? MAX_PX : px;
}

/* Moves *L into measure entry e (for take_kept_layout); *L is left empty. */
static void keep_layout(entry *e, layout *L)
{
    layout *k = malloc(sizeof *k);
    if (!k)
        return;
    *k = *L;
    memset(L, 0, sizeof *L);
    e->kept = k;
    e->kept_bytes =
        sizeof *k + (size_t)k->n * (sizeof *k->cp + sizeof *k->face) +
        (size_t)k->nlines * sizeof *k->lines + (size_t)k->cap_runs * sizeof *k->runs +
        (size_t)k->n * (sizeof *k->types + sizeof *k->btypes + sizeof *k->levels + sizeof *k->map) +
        k->u8cap;
    e->bytes += e->kept_bytes;
}

int ui_text_measure(ui_text *t, const char *utf8, const ui_text_style *st, int max_w, int *w,
                    int *h)
{
    int lines = 0, bw = 0, bh = 0;
    if (!t || !st)
        goto done;
    if (!utf8)
        utf8 = "";
    if (max_w < 0)
        max_w = 0;
    size_t tlen = capped_len(utf8);
    int px = clamp_px(st->px);
    entry *e = cache_find(t, KIND_MEASURE, utf8, tlen, st, px, max_w);
    if (!e)
        e = cache_find(t, KIND_DRAW, utf8, tlen, st, px, max_w);
    if (e) {
        t->st.measure_hits++;
    } else {
        layout L;
        t->st.measure_misses++;
        if (layout_text(t, utf8, st, max_w, &L) != 0)
            goto done;
        e = cache_new(KIND_MEASURE, utf8, tlen, st, px, max_w);
        if (e) {
            e->w = L.w;
            e->nlines = L.nlines;
            e->line_h = L.line_h;
            e->h = L.nlines * L.line_h;
            keep_layout(e, &L);
            cache_insert(t, e);
        } else {
            bw = L.w;
            lines = L.nlines;
            bh = L.nlines * L.line_h;
        }
        layout_free(&L);
    }
    if (e) {
        bw = e->w;
        bh = e->h;
        lines = e->nlines;
    }
done:
    if (w)
        *w = bw;
    if (h)
        *h = bh;
    return lines;
}

int ui_text_draw(ui_text *t, const char *utf8, const ui_text_style *st, SDL_Rect box)
{
    if (!t || !st)
        return 0;
    if (!utf8)
        utf8 = "";
    size_t tlen = capped_len(utf8);
    int px = clamp_px(st->px);
    int max_w = box.w > 0 ? box.w : 0;
    entry *e = cache_find(t, KIND_DRAW, utf8, tlen, st, px, max_w);
    if (e) {
        t->st.draw_hits++;
    } else {
        t->st.draw_misses++;
        e = build_draw_entry(t, utf8, tlen, st, px, max_w);
        if (!e)
            return 0;
    }
    if (e->nlines == 0)
        return 0;
    SDL_Rect old;
    bool had_clip = SDL_RenderIsClipEnabled(t->r);
    SDL_RenderGetClipRect(t->r, &old);
    SDL_Rect clip = box;
    if (had_clip && !SDL_IntersectRect(&old, &box, &clip))
        clip = (SDL_Rect){box.x, box.y, 0, 0};
    if (clip.w <= 0 || clip.h <= 0)
        goto restore;
    SDL_RenderSetClipRect(t->r, &clip);
    for (int i = 0; i < e->nlines; i++) {
        int y = box.y + i * e->line_h;
        if (y >= clip.y + clip.h)
            break;
        if (!e->lines[i].tex || y + e->line_h <= clip.y)
            continue;
        int lw = e->lines[i].w;
        int free_w = box.w - lw;
        int x;
        switch (st->align) {
        case UI_ALIGN_CENTER:
            x = free_w / 2;
            break;
        case UI_ALIGN_END:
            x = st->rtl ? 0 : free_w;
            break;
        case UI_ALIGN_START:
        default:
            x = st->rtl ? free_w : 0;
            break;
        }
        SDL_Rect dst = {box.x + x, y, lw, e->line_h};
        SDL_RenderCopy(t->r, e->lines[i].tex, NULL, &dst);
    }
restore:
    SDL_RenderSetClipRect(t->r, had_clip ? &old : NULL);
    return e->h;
}

int ui_text_line_height(ui_text *t, int px)
{
    if (!t)
        return 0;
    int asc, h;
    if (line_metrics(t, clamp_px(px), false, (1u << UI_SCRIPT_COUNT) - 1, &asc, &h) != 0)
        return clamp_px(px) * 2;
    return h;
}

int ui_text_missing(ui_text *t, const char *utf8, bool bold, uint32_t *first)
{
    int missing = 0;
    if (first)
        *first = 0;
    if (!t || !utf8)
        return 0;
    size_t n = capped_len(utf8);
    const unsigned char *s = (const unsigned char *)utf8;
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        bool ok = utf8_next(s, n, &i, &c);
        if (ok && is_invisible(c))
            continue;
        if (!ok || other_face(t, FACE_UNDECIDED, bold, c) == FACE_UNDECIDED) {
            if (missing == 0 && first)
                *first = c;
            missing++;
        }
    }
    return missing;
}

int ui_text_debug_runs(ui_text *t, const char *utf8, const ui_text_style *st, int max_w,
                       ui_text_run *out, int max_out)
{
    layout L;
    if (!t || !st)
        return -1;
    if (layout_text(t, utf8 ? utf8 : "", st, max_w < 0 ? 0 : max_w, &L) != 0)
        return -1;
    int total = 0;
    for (int li = 0; li < L.nlines; li++) {
        const lline *ln = &L.lines[li];
        for (int k = 0; k < ln->nruns; k++, total++) {
            if (!out || total >= max_out)
                continue;
            const lrun *r = &L.runs[ln->run0 + k];
            ui_text_run *o = &out[total];
            memset(o, 0, sizeof *o);
            size_t p = 0;
            for (int c = 0; c < r->len; c++) {
                char tmp[4];
                size_t m = utf8_put(L.cp[r->start + c], tmp);
                if (p + m >= sizeof o->text)
                    break;
                memcpy(o->text + p, tmp, m);
                p += m;
            }
            o->text[p] = '\0';
            o->line = li;
            o->x = r->x;
            o->w = r->w;
            o->rtl = (r->level & 1) != 0;
            o->arabic_font = r->face == UI_SCRIPT_ARABIC;
            o->script = (ui_script)r->face;
        }
    }
    layout_free(&L);
    return total;
}

unsigned ui_text_scripts_in(const char *utf8)
{
    unsigned mask = 0;
    size_t n = utf8 ? capped_len(utf8) : 0, i = 0;
    while (i < n) {
        uint32_t c;
        utf8_next((const unsigned char *)utf8, n, &i, &c);
        int s = script_of(c);
        if (s != FACE_UNDECIDED)
            mask |= 1u << s;
        else if (FRIBIDI_IS_LETTER(fribidi_get_bidi_type(c)))
            mask |= 1u << UI_SCRIPT_LATIN;
    }
    return mask;
}

int ui_text_letters_at(ui_text *t, ui_script s, bool bold, ui_text_letters *out)
{
    if (!t || !out || s < 0 || s >= UI_SCRIPT_COUNT)
        return -1;
    int idx = (int)s * 2 + (bold ? 1 : 0);
    *out = t->letters[idx];
    out->factor = t->factor[idx];
    out->body_em *= out->factor;
    out->tall_em *= out->factor;
    return 0;
}

void ui_text_set_size_factor(ui_text *t, ui_script s, double factor)
{
    if (!t || s < 0 || s >= UI_SCRIPT_COUNT || !(factor > 0))
        return;
    t->factor[s * 2] = t->factor[s * 2 + 1] = factor;
    ui_text_flush(t); /* get_font sets the new scaled size on the next layout */
}

void ui_text_get_stats(ui_text *t, ui_text_stats *out)
{
    if (!out)
        return;
    if (!t) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = t->st;
}

void ui_text_set_cache_limits(ui_text *t, size_t max_items, size_t max_bytes)
{
    if (!t)
        return;
    if (max_items)
        t->max_items = max_items;
    if (max_bytes)
        t->max_bytes = max_bytes;
    cache_trim(t, NULL);
}

const char *ui_text_script_name(ui_script s, bool tall_letter)
{
    if (s < 0 || s >= UI_SCRIPT_COUNT)
        return "?";
    return tall_letter ? script_table[s].tall_name : script_table[s].name;
}
