/* cover.c: the generated typographic cover (an SVG 1.1 document built as a libxml2 tree).
 *
 * Layout, top to bottom: a solid colour band holding a small ornament rule, the title (large
 * serif), a short accent rule and the subtitle (italic serif); a thin accent stripe; on the paper
 * below, the editors or authors (sans-serif); at the foot the year and the publisher.
 *
 * No font is embedded, so line breaks are decided from estimated glyph widths (generous ones:
 * an e-reader's default serif may be wider than Times). Lines are balanced: once the number of
 * lines is known, the narrowest width that keeps it is used, so a title does not end with one
 * short word on its own line. */
#include "writers/cover.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <libxml/tree.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "writers/coverlib.h"

#define SVG_NS "http://www.w3.org/2000/svg"

#define MARGIN 160
#define TEXT_WIDTH (COVER_WIDTH - 2 * MARGIN)
#define BAND_BOTTOM 1560
/* Without names the band comes down to here: the paper below keeps only the year and the
 * publisher, and no empty third is left under the title. */
#define BAND_BOTTOM_NO_NAMES 2080
#define STRIPE_HEIGHT 16
#define MAX_CODEPOINTS 2000

typedef struct cover_palette {
    const char *band;   /* background of the title band */
    const char *accent; /* rules and stripe */
} cover_palette;

/* Calm, dark bands with a warm accent; light text on the band reads well in a library grid. */
static const cover_palette palettes[] = {
    {"#1f4e5a", "#d8b26e"}, /* teal */
    {"#223a5e", "#e0b45c"}, /* navy */
    {"#6b2737", "#e8c07d"}, /* oxblood */
    {"#2f4f3a", "#d9b36c"}, /* forest */
    {"#4a3b5c", "#e3b76a"}, /* plum */
    {"#5c3d24", "#f0d39a"}, /* umber */
};

/* The fonts the cover names, then the generic family: DejaVu (Debian's fonts-dejavu-core) is
 * what the raster cover is rendered with, so that it is the same everywhere it is built; a
 * reader without DejaVu shows the SVG in its own serif and sans-serif. */
#define SERIF "DejaVu Serif, serif"
#define SANS "DejaVu Sans, sans-serif"

#define PAPER "#f4efe6"
#define INK_ON_BAND "#f8f4ec"
#define SOFT_ON_BAND "#e4dac9"
#define INK "#2a2622"
#define GREY "#6f675c"

/*** Text as code points ***/

typedef struct cp_text {
    uint32_t *cp;
    size_t len;
} cp_text;

/* Decode UTF-8 into code points: invalid sequences become U+FFFD, characters XML forbids are
 * dropped, whitespace runs become one space, and the text is trimmed. The caller frees t->cp. */
static void cp_decode(const char *s, cp_text *t)
{
    size_t n = s ? strlen(s) : 0;
    const unsigned char *p = (const unsigned char *)s;
    t->cp = xmalloc((n + 1) * sizeof *t->cp);
    t->len = 0;
    for (size_t i = 0; i < n && t->len < MAX_CODEPOINTS;) {
        uint32_t c = p[i];
        size_t k = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (k == 0 || i + k > n) {
            c = 0xFFFD;
            k = 1;
        } else if (k > 1) {
            c &= 0xFFu >> (k + 1);
            for (size_t j = 1; j < k; j++) {
                if ((p[i + j] & 0xC0) != 0x80) {
                    c = 0xFFFD;
                    k = j;
                    break;
                }
                c = (c << 6) | (p[i + j] & 0x3F);
            }
            if (c != 0xFFFD &&
                ((k == 2 && c < 0x80) || (k == 3 && c < 0x800) ||
                 (k == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF)))
                c = 0xFFFD;
        }
        i += k;
        if (c == '\t' || c == '\n' || c == '\r')
            c = ' ';
        if (c < 0x20 || c == 0x7F || c == 0xFFFE || c == 0xFFFF)
            continue;
        if (c == ' ' && (t->len == 0 || t->cp[t->len - 1] == ' '))
            continue;
        t->cp[t->len++] = c;
    }
    while (t->len && t->cp[t->len - 1] == ' ')
        t->len--;
}

static void cp_encode(strbuf *b, uint32_t c)
{
    char u[4];
    if (c < 0x80) {
        strbuf_addc(b, (char)c);
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        strbuf_add(b, u, 2);
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        strbuf_add(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        strbuf_add(b, u, 4);
    }
}

static int is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

static int is_rtl_letter(uint32_t c)
{
    return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
           (c >= 0x1E800 && c <= 0x1EFFF);
}

static int is_ltr_letter(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= 0xC0 && c <= 0x058F && c != 0xD7 && c != 0xF7) || (c >= 0x0900 && c <= 0x1FFF) ||
           is_wide(c);
}

/* "rtl" or "ltr" from the first strongly directional letter; `fallback` when there is none. */
static const char *text_direction(const cp_text *t, const char *fallback)
{
    for (size_t i = 0; i < t->len; i++) {
        if (is_rtl_letter(t->cp[i]))
            return "rtl";
        if (is_ltr_letter(t->cp[i]))
            return "ltr";
    }
    return fallback;
}

/* Latin-like scripts: italics and letter-spacing suit them (not CJK, not joined scripts). */
static int takes_latin_styling(const cp_text *t)
{
    for (size_t i = 0; i < t->len; i++)
        if (is_wide(t->cp[i]) || is_rtl_letter(t->cp[i]))
            return 0;
    return 1;
}

/* Estimated advance of one character, in ems, for a serif face; sans faces are close enough. */
static double glyph_width(uint32_t c)
{
    /* Times-like lowercase widths a..z */
    static const double lower[26] = {0.44, 0.50, 0.44, 0.50, 0.44, 0.33, 0.50, 0.50, 0.28,
                                     0.28, 0.50, 0.28, 0.78, 0.50, 0.50, 0.50, 0.50, 0.33,
                                     0.39, 0.28, 0.50, 0.50, 0.72, 0.50, 0.50, 0.44};
    if (c == ' ')
        return 0.25;
    if (c >= 'a' && c <= 'z')
        return lower[c - 'a'];
    if (c >= 'A' && c <= 'Z')
        return c == 'I' ? 0.33 : c == 'J' ? 0.39 : (c == 'M' || c == 'W') ? 0.9 : 0.68;
    if (c >= '0' && c <= '9')
        return 0.5;
    if (strchr(".,:;'|!", (int)c) && c < 0x80)
        return 0.27;
    if (c < 0x80)
        return 0.5;
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
        (c >= 0x06D6 && c <= 0x06ED) || (c >= 0x200B && c <= 0x200F) || c == 0xFEFF)
        return 0; /* combining marks and invisible controls */
    if (c == 0x2014 || c == 0x2026)
        return 1.0;
    if (is_wide(c))
        return 1.0;
    if (c >= 0x0600 && c <= 0x06FF)
        return 0.42;
    return 0.6;
}

/* Generous: wider faces than Times (Georgia, DejaVu Serif) must still fit. */
#define WIDTH_SAFETY 1.15

static double span_width(const cp_text *t, size_t start, size_t end, double size)
{
    double w = 0;
    for (size_t i = start; i < end; i++)
        w += glyph_width(t->cp[i]);
    return w * size * WIDTH_SAFETY;
}

/*** Line breaking ***/

/* No line may start with these (closing punctuation, CJK small marks). */
static int no_break_before(uint32_t c)
{
    static const uint32_t list[] = {0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01,
                                    0xFF1F, 0xFF09, 0x300D, 0x300F, 0x3011, 0x3009, 0x300B,
                                    0x3015, 0x2026, 0x30FC, 0xFF5D, 0x201D, 0x2019, ')',
                                    ',',    '.',    ':',    ';',    '!',    '?',    ']'};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == c)
            return 1;
    return 0;
}

/* No line may end with these (opening brackets and quotes). */
static int no_break_after(uint32_t c)
{
    static const uint32_t list[] = {0xFF08, 0x300C, 0x300E, 0x3010, 0x3008, 0x300A,
                                    0x3014, 0xFF5B, 0x201C, 0x2018, '(',    '['};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == c)
            return 1;
    return 0;
}

/* 1 when a line may break before t->cp[i] (0 < i < len). */
static int may_break_before(const cp_text *t, size_t i)
{
    uint32_t a = t->cp[i - 1], b = t->cp[i];
    if (b == ' ')
        return 0;
    if (a == ' ')
        return 1;
    if (no_break_before(b) || no_break_after(a))
        return 0;
    if (is_wide(a) || is_wide(b))
        return 1;
    return a == 0x2014 || a == '/' || (a == '-' && i >= 2 && t->cp[i - 2] != ' ');
}

typedef struct line_span {
    size_t start, end; /* code point indexes; end excludes trailing spaces */
} line_span;

typedef struct cover_lines {
    line_span *items;
    size_t len, cap;
    int overflow; /* a word wider than the line had to be cut */
} cover_lines;

static void lines_push(cover_lines *l, size_t start, size_t end)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->len].start = start;
    l->items[l->len].end = end;
    l->len++;
}

/* Greedy line filling at `size` within `width`; a word longer than a line is cut between
 * characters (and l->overflow set). */
static void wrap(const cp_text *t, double size, double width, cover_lines *l)
{
    l->len = 0;
    l->overflow = 0;
    size_t start = 0;
    while (start < t->len && t->cp[start] == ' ')
        start++;
    while (start < t->len) {
        size_t last_break = 0, i = start + 1;
        double w = span_width(t, start, i, size);
        for (; i < t->len; i++) {
            if (may_break_before(t, i))
                last_break = i;
            w += glyph_width(t->cp[i]) * size * WIDTH_SAFETY;
            if (w > width && t->cp[i] != ' ')
                break;
        }
        size_t end;
        if (i >= t->len) {
            end = t->len;
        } else if (last_break > start) {
            end = last_break;
        } else {
            end = i > start + 1 ? i : start + 1; /* cut inside a word */
            l->overflow = 1;
        }
        size_t ink = end;
        while (ink > start && t->cp[ink - 1] == ' ')
            ink--;
        lines_push(l, start, ink);
        start = end;
        while (start < t->len && t->cp[start] == ' ')
            start++;
    }
}

/* Wrap at the largest of `sizes` that needs at most max_lines lines, at most max_height high
 * (lines * size * leading), without cutting words (else the smallest size, with cuts), then
 * balance the lines. Returns the size used. Lines
 * past max_lines are dropped and the last kept line ends with an ellipsis (see line_text). */
static double fit(const cp_text *t, const double *sizes, size_t nsizes, size_t max_lines,
                  double width, double leading, double max_height, cover_lines *l, int *truncated)
{
    double size = sizes[nsizes - 1];
    *truncated = 0;
    if (t->len == 0) {
        l->len = 0;
        return size;
    }
    /* First without cutting a word; when some word is wider than a line at every size, the
     * largest size at which the cut text fits (rather than the smallest). */
    for (int allow_cuts = 0, found = 0; allow_cuts < 2 && !found; allow_cuts++) {
        for (size_t i = 0; i < nsizes; i++) {
            wrap(t, sizes[i], width, l);
            if (l->len <= max_lines && (allow_cuts || !l->overflow) &&
                (double)l->len * sizes[i] * leading <= max_height) {
                size = sizes[i];
                found = 1;
                break;
            }
        }
    }
    size_t room = (size_t)(max_height / (size * leading));
    if (room < max_lines)
        max_lines = room ? room : 1;
    wrap(t, size, width, l);
    size_t n = l->len;
    if (n > 1 && n <= max_lines && !l->overflow) {
        /* Balance: the narrowest width that keeps the same number of lines. */
        double lo = width / 2, hi = width;
        for (int k = 0; k < 12; k++) {
            double mid = (lo + hi) / 2;
            wrap(t, size, mid, l);
            if (l->len == n && !l->overflow)
                hi = mid;
            else
                lo = mid;
        }
        wrap(t, size, hi, l);
    }
    if (l->len > max_lines) {
        l->len = max_lines;
        *truncated = 1;
    }
    return size;
}

/* The text of one line (UTF-8, caller frees); with `ellipsis`, shortened to end with "…". */
static char *line_text(const cp_text *t, line_span s, int ellipsis, double size, double width)
{
    strbuf b = STRBUF_INIT;
    size_t end = s.end;
    if (ellipsis) {
        double room = width - glyph_width(0x2026) * size * WIDTH_SAFETY;
        while (end > s.start && span_width(t, s.start, end, size) > room)
            end--;
        while (end > s.start && t->cp[end - 1] == ' ')
            end--;
    }
    for (size_t i = s.start; i < end; i++)
        cp_encode(&b, t->cp[i]);
    if (ellipsis)
        cp_encode(&b, 0x2026);
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/*** SVG building ***/

static void set_num(xmlNodePtr n, const char *name, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.0f", v);
    xmlSetProp(n, BAD_CAST name, BAD_CAST buf);
}

static xmlNodePtr add_rect(xmlNodePtr parent, double x, double y, double w, double h,
                           const char *fill)
{
    xmlNodePtr r = xmlNewChild(parent, NULL, BAD_CAST "rect", NULL);
    set_num(r, "x", x);
    set_num(r, "y", y);
    set_num(r, "width", w);
    set_num(r, "height", h);
    xmlSetProp(r, BAD_CAST "fill", BAD_CAST fill);
    return r;
}

/* A group of centred text lines. `style` holds attribute name/value pairs ending with NULL. */
static xmlNodePtr add_group(xmlNodePtr parent, const char *dir, const char *const *style)
{
    xmlNodePtr g = xmlNewChild(parent, NULL, BAD_CAST "g", NULL);
    xmlSetProp(g, BAD_CAST "text-anchor", BAD_CAST "middle");
    for (size_t i = 0; style[i]; i += 2)
        xmlSetProp(g, BAD_CAST style[i], BAD_CAST style[i + 1]);
    if (strcmp(dir, "rtl") == 0) {
        xmlSetProp(g, BAD_CAST "direction", BAD_CAST "rtl");
        xmlSetProp(g, BAD_CAST "unicode-bidi", BAD_CAST "embed");
    }
    return g;
}

static void add_line(xmlNodePtr group, double y, const char *text)
{
    xmlNodePtr t = xmlNewChild(group, NULL, BAD_CAST "text", NULL);
    set_num(t, "x", COVER_WIDTH / 2.0);
    set_num(t, "y", y);
    /* A text node: the serialiser escapes '<' and '&'. */
    xmlAddChild(t, xmlNewDocText(group->doc, BAD_CAST text));
}

/* A wrapped block of text laid out from `top`; returns its height. With group == NULL only
 * the height is computed. */
typedef struct text_block {
    cp_text text;
    cover_lines lines;
    double size, leading;
    int truncated;
} text_block;

static void block_fit(text_block *b, const char *s, const double *sizes, size_t nsizes,
                      size_t max_lines, double width, double leading, double max_height)
{
    memset(b, 0, sizeof *b);
    cp_decode(s, &b->text);
    b->size = fit(&b->text, sizes, nsizes, max_lines, width, leading, max_height, &b->lines,
                  &b->truncated);
    b->leading = leading;
}

static double block_height(const text_block *b)
{
    return (double)b->lines.len * b->size * b->leading;
}

static void block_emit(const text_block *b, xmlNodePtr group, double top, double width)
{
    double lh = b->size * b->leading;
    for (size_t i = 0; i < b->lines.len; i++) {
        int last = i + 1 == b->lines.len;
        char *s = line_text(&b->text, b->lines.items[i], last && b->truncated, b->size, width);
        /* The baseline sits about 0.8 em below the top of the line box's text. */
        add_line(group, top + (double)i * lh + (lh - b->size) / 2 + 0.8 * b->size, s);
        free(s);
    }
}

/* Lay out block `b` from `top` in a group set in `family` at the block's size in `fill`; when
 * `latin_attr` is set and the text takes Latin styling, the group also gets latin_attr=latin_value
 * (italics, letter-spacing). */
static void block_emit_styled(xmlNodePtr svg, const text_block *b, const char *book_dir,
                              const char *family, const char *fill, const char *latin_attr,
                              const char *latin_value, double top, double width)
{
    char sz[16];
    snprintf(sz, sizeof sz, "%.0f", b->size);
    const char *st[] = {"font-family",
                        family,
                        "font-size",
                        sz,
                        "fill",
                        fill,
                        latin_attr && takes_latin_styling(&b->text) ? latin_attr : NULL,
                        latin_value,
                        NULL};
    block_emit(b, add_group(svg, text_direction(&b->text, book_dir), st), top, width);
}

static void block_free(text_block *b)
{
    free(b->text.cp);
    free(b->lines.items);
}

static char *join_names(const strlist *names)
{
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < names->len; i++) {
        if (i)
            strbuf_adds(&b, " \xC2\xB7 "); /* middle dot */
        strbuf_adds(&b, names->items[i]);
    }
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

static int lang_is_english(const char *lang)
{
    return !lang || !*lang || str_casecmp_ascii(lang, "en") == 0 ||
           (str_starts_with(lang, "en-") || str_starts_with(lang, "EN-"));
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

unsigned char *cover_svg_make(const meta *book, size_t *len)
{
    static const double title_sizes[] = {176, 160, 144, 132, 120, 108, 96, 86, 76, 68};
    static const double subtitle_sizes[] = {64, 58, 52, 46};
    static const double name_sizes[] = {68, 60, 52, 46};
    const char *book_dir = book->dir ? book->dir : book->lang ? lang_direction(book->lang) : "ltr";
    const cover_palette *pal =
        &palettes[fnv1a(book->title) % (sizeof palettes / sizeof palettes[0])];
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr svg = xmlNewNode(NULL, BAD_CAST "svg");
    text_block title, subtitle, names, extra;
    char *names_text = NULL, *extra_text = NULL, *year = NULL;
    const char *label = NULL;
    xmlChar *out = NULL;
    int outlen = 0;
    unsigned char *result;

    xmlDocSetRootElement(doc, svg);
    xmlSetNs(svg, xmlNewNs(svg, BAD_CAST SVG_NS, NULL));
    xmlSetProp(svg, BAD_CAST "version", BAD_CAST "1.1");
    set_num(svg, "width", COVER_WIDTH);
    set_num(svg, "height", COVER_HEIGHT);
    char viewbox[64];
    snprintf(viewbox, sizeof viewbox, "0 0 %d %d", COVER_WIDTH, COVER_HEIGHT);
    xmlSetProp(svg, BAD_CAST "viewBox", BAD_CAST viewbox);
    if (book->lang && lang_tag_valid(book->lang))
        xmlNodeSetLang(svg, BAD_CAST book->lang);

    /* The accessible name, from the cleaned title (the raw one may hold bytes XML forbids). */
    cp_text clean;
    cp_decode(book->title, &clean);
    char *name = line_text(&clean, (line_span){0, clean.len}, 0, 0, 0);
    xmlNodePtr svg_title = xmlNewChild(svg, NULL, BAD_CAST "title", NULL);
    xmlAddChild(svg_title, xmlNewDocText(doc, BAD_CAST(*name ? name : "Cover")));
    free(name);
    free(clean.cp);

    /* The names (authors, else editors with a label) go on the paper under the band; without
     * them the band comes further down. */
    if (book->authors.len) {
        names_text = join_names(&book->authors);
        if (book->editors.len) {
            char *ed = join_names(&book->editors);
            extra_text = lang_is_english(book->lang) ? xasprintf("Edited by %s", ed) : xstrdup(ed);
            free(ed);
        }
    } else if (book->editors.len) {
        names_text = join_names(&book->editors);
        if (lang_is_english(book->lang))
            label = "EDITED BY";
    }
    block_fit(&names, names_text, name_sizes, sizeof name_sizes / sizeof name_sizes[0], 3,
              TEXT_WIDTH, 1.3, 1e9);
    block_fit(&extra, extra_text, subtitle_sizes + 2, 2, 2, TEXT_WIDTH, 1.3, 1e9);
    double band_bottom = names.lines.len ? BAND_BOTTOM : BAND_BOTTOM_NO_NAMES;

    add_rect(svg, 0, 0, COVER_WIDTH, COVER_HEIGHT, PAPER);
    add_rect(svg, 0, 0, COVER_WIDTH, band_bottom, pal->band);
    add_rect(svg, 0, band_bottom, COVER_WIDTH, STRIPE_HEIGHT, pal->accent);
    add_rect(svg, COVER_WIDTH / 2.0 - 60, 200, 120, 4, pal->accent); /* ornament */

    /* The band: title, rule, subtitle, centred vertically between 300 and its bottom - 100. */
    double rule_gap = 64, rule_h = 6, area_top = 300, area_bottom = band_bottom - 100;
    block_fit(&subtitle, book->subtitle, subtitle_sizes,
              sizeof subtitle_sizes / sizeof subtitle_sizes[0], 4, TEXT_WIDTH - 80, 1.35, 1e9);
    block_fit(&title, book->title, title_sizes, sizeof title_sizes / sizeof title_sizes[0], 6,
              TEXT_WIDTH, 1.18,
              area_bottom - area_top - block_height(&subtitle) - 2 * rule_gap - rule_h);
    double block = block_height(&title) + block_height(&subtitle);
    if (title.lines.len)
        block += 2 * rule_gap + rule_h;
    double top = area_top + (area_bottom - area_top - block) / 2;
    if (top < area_top)
        top = area_top;
    if (title.lines.len) {
        block_emit_styled(svg, &title, book_dir, SERIF, INK_ON_BAND, NULL, NULL, top, TEXT_WIDTH);
        top += block_height(&title) + rule_gap;
        add_rect(svg, COVER_WIDTH / 2.0 - 80, top, 160, rule_h, pal->accent);
        top += rule_h + rule_gap;
    }
    if (subtitle.lines.len) {
        /* Chinese, Japanese, Korean and Arabic have no italics; a slanted fake looks wrong. */
        block_emit_styled(svg, &subtitle, book_dir, SERIF, SOFT_ON_BAND, "font-style", "italic",
                          top, TEXT_WIDTH - 80);
    }

    double names_block =
        block_height(&names) + block_height(&extra) + (label ? 80 : 0) + (extra.lines.len ? 30 : 0);
    top = BAND_BOTTOM + STRIPE_HEIGHT + 140 + (560 - names_block) / 2;
    if (label && names.lines.len) {
        const char *st[] = {"font-family", SANS, "font-size", "34", "letter-spacing",
                            "8",           "fill",       GREY,        NULL};
        xmlNodePtr g = add_group(svg, "ltr", st);
        add_line(g, top + 34, label);
        top += 80;
    }
    if (names.lines.len) {
        block_emit_styled(svg, &names, book_dir, SANS, INK, "letter-spacing", "1", top,
                          TEXT_WIDTH);
        top += block_height(&names) + 30;
    }
    if (extra.lines.len)
        block_emit_styled(svg, &extra, book_dir, SANS, GREY, NULL, NULL, top, TEXT_WIDTH);

    /* The year is enough on a cover; anything but YYYY... is left out. */
    if (book->date && strspn(book->date, "0123456789") >= 4)
        year = xstrndup(book->date, 4);
    double foot = COVER_HEIGHT - 190;
    if (book->publisher && *book->publisher) {
        text_block pub;
        static const double pub_sizes[] = {40, 34};
        block_fit(&pub, book->publisher, pub_sizes, 2, 1, TEXT_WIDTH, 1.2, 1e9);
        /* fit() picks one of pub_sizes, so the size is written "40" or "34" */
        block_emit_styled(svg, &pub, book_dir, SANS, GREY, "letter-spacing", "6", foot,
                          TEXT_WIDTH);
        block_free(&pub);
        foot -= 100;
    }
    if (year) {
        const char *st[] = {"font-family", SERIF, "font-size", "52", "letter-spacing",
                            "4",           "fill",  pal->band,   NULL};
        add_line(add_group(svg, "ltr", st), foot + 46, year);
    }

    xmlDocDumpFormatMemoryEnc(doc, &out, &outlen, "UTF-8", 1);
    if (!out)
        abort(); /* libxml2 serialises into memory; only out-of-memory fails */
    result = xmalloc((size_t)outlen + 1);
    memcpy(result, out, (size_t)outlen);
    result[outlen] = '\0';
    *len = (size_t)outlen;

    xmlFree(out);
    xmlFreeDoc(doc);
    block_free(&title);
    block_free(&subtitle);
    block_free(&names);
    block_free(&extra);
    free(names_text);
    free(extra_text);
    free(year);
    return result;
}

/*** The raster cover ***/

/* The first character of `text` that no font fontconfig would use for `family` has, or 0. */
static uint32_t font_missing_char(const coverlib *lib, FcConfig *fc, const char *family, const char *text)
{
    uint32_t missing = 0;
    cp_text t;
    cp_decode(text, &t);
    FcPattern *pat = lib->FcNameParse((const FcChar8 *)family);
    FcCharSet *cs = NULL;
    FcResult res;
    FcFontSet *set = NULL;
    if (pat) {
        lib->FcConfigSubstitute(fc, pat, FcMatchPattern);
        lib->FcDefaultSubstitute(pat);
        set = lib->FcFontSort(fc, pat, FcTrue, &cs, &res);
    }
    for (size_t i = 0; i < t.len && !missing; i++) {
        uint32_t c = t.cp[i];
        if (c == ' ' || glyph_width(c) == 0) /* invisible controls and marks draw nothing */
            continue;
        if (!cs || !lib->FcCharSetHasChar(cs, c))
            missing = c;
    }
    if (set)
        lib->FcFontSetDestroy(set);
    if (cs)
        lib->FcCharSetDestroy(cs);
    if (pat)
        lib->FcPatternDestroy(pat);
    free(t.cp);
    return missing;
}

typedef struct jpeg_fail {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
} jpeg_fail;

static void jpeg_fail_exit(j_common_ptr c)
{
    longjmp(((jpeg_fail *)c->err)->jump, 1);
}

/* Encode an RGB24 cairo surface as a baseline JPEG (quality 85, optimised Huffman tables: about
 * 160 KB for a 1600x2560 cover). Returns malloc'd bytes or NULL. */
static unsigned char *jpeg_encode(const coverlib *lib, cairo_surface_t *s, size_t *len)
{
    int w = lib->cairo_image_surface_get_width(s), h = lib->cairo_image_surface_get_height(s);
    int stride = lib->cairo_image_surface_get_stride(s);
    const unsigned char *px = lib->cairo_image_surface_get_data(s);
    struct jpeg_compress_struct c;
    jpeg_fail fail;
    unsigned char *mem = NULL, *out = NULL;
    unsigned long mem_len = 0;
    JSAMPLE *volatile row = xmalloc((size_t)w * 3);

    c.err = jpeg_std_error(&fail.mgr);
    fail.mgr.error_exit = jpeg_fail_exit;
    if (setjmp(fail.jump)) {
        jpeg_destroy_compress(&c);
        free(mem);
        free(row);
        return NULL;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &mem, &mem_len);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 85, TRUE);
    c.optimize_coding = TRUE; /* a quarter smaller, for 50 ms */
    jpeg_start_compress(&c, TRUE);
    for (int y = 0; y < h; y++) {
        const uint32_t *p = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (JSAMPLE)((p[x] >> 16) & 0xff);
            row[3 * x + 1] = (JSAMPLE)((p[x] >> 8) & 0xff);
            row[3 * x + 2] = (JSAMPLE)(p[x] & 0xff);
        }
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    out = xmalloc(mem_len ? mem_len : 1);
    memcpy(out, mem, mem_len);
    *len = mem_len;
    free(mem);
    free(row);
    return out;
}

unsigned char *cover_jpeg_make(const meta *book, const unsigned char *svg, size_t svg_len,
                               size_t *len, char **why)
{
    unsigned char *out = NULL;
    RsvgHandle *h = NULL;
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    GError *err = NULL;
    const char *unloaded = NULL;
    const coverlib *lib = coverlib_get(&unloaded);
    *why = NULL;

    if (!lib) {
        *why = xstrdup(unloaded);
        goto out;
    }
    /* Missing glyphs would be drawn as boxes: say which font is wanted rather than draw them. */
    /* The configuration librsvg (through pango) uses too; it is fontconfig's to free. */
    FcConfig *fc = lib->FcInit() ? lib->FcConfigGetCurrent() : NULL;
    if (!fc) {
        *why = xstrdup("fontconfig found no fonts on this machine");
        goto out;
    }
    const char *texts[] = {book->title, book->subtitle, book->publisher};
    uint32_t missing = 0;
    for (size_t i = 0; i < 3 && !missing; i++)
        if (texts[i])
            missing = font_missing_char(lib, fc, i == 2 ? "DejaVu Sans" : "DejaVu Serif", texts[i]);
    for (size_t i = 0; i < book->authors.len && !missing; i++)
        missing = font_missing_char(lib, fc, "DejaVu Sans", book->authors.items[i]);
    for (size_t i = 0; i < book->editors.len && !missing; i++)
        missing = font_missing_char(lib, fc, "DejaVu Sans", book->editors.items[i]);
    if (missing) {
        strbuf b = STRBUF_INIT;
        cp_encode(&b, missing);
        strbuf_adds(&b, "");
        *why = xasprintf("no font on this machine has '%s' (U+%04X); install one that does "
                         "(e.g. fonts-noto-cjk for Chinese, Japanese and Korean)",
                         b.data, (unsigned)missing);
        strbuf_release(&b);
        goto out;
    }
    h = lib->rsvg_handle_new_from_data(svg, svg_len, &err);
    if (!h)
        goto fail;
    surface = lib->cairo_image_surface_create(CAIRO_FORMAT_RGB24, COVER_WIDTH, COVER_HEIGHT);
    cr = lib->cairo_create(surface);
    if (lib->cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        oom_abort();
    RsvgRectangle viewport = {0, 0, COVER_WIDTH, COVER_HEIGHT};
    if (!lib->rsvg_handle_render_document(h, cr, &viewport, &err))
        goto fail;
    lib->cairo_surface_flush(surface);
    out = jpeg_encode(lib, surface, len);
    if (!out)
        *why = xstrdup("the JPEG encoder failed");
    goto out;
fail:
    *why = xasprintf("librsvg could not render the cover: %s", err ? err->message : "unknown error");
out:
    if (err)
        lib->g_error_free(err);
    if (cr)
        lib->cairo_destroy(cr);
    if (surface)
        lib->cairo_surface_destroy(surface);
    if (h)
        lib->g_object_unref(h);
    return out;
}
