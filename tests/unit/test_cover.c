/* test_cover.c: the generated SVG cover (cover.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "writers/cover.h"

#define SVG_NS "http://www.w3.org/2000/svg"

typedef struct cover_doc {
    unsigned char *bytes;
    size_t len;
    xmlDocPtr doc;
    xmlNodePtr root;
} cover_doc;

/* Make the cover for `m` and parse it strictly (no network, no entities, no recovery). */
static void cover_load(const meta *m, cover_doc *c)
{
    c->bytes = cover_svg_make(m, &c->len);
    assert_non_null(c->bytes);
    assert_true(c->len > 0);
    assert_int_equal(strlen((const char *)c->bytes), c->len);
    c->doc = xmlReadMemory((const char *)c->bytes, (int)c->len, "cover.svg", "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(c->doc); /* well-formed */
    c->root = xmlDocGetRootElement(c->doc);
    assert_non_null(c->root);
    assert_string_equal((const char *)c->root->name, "svg");
    assert_non_null(c->root->ns);
    assert_string_equal((const char *)c->root->ns->href, SVG_NS);
}

static void cover_unload(cover_doc *c)
{
    xmlFreeDoc(c->doc);
    free(c->bytes);
}

static int is_elem(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The i-th <g> child of the root (text groups: title first), or NULL. */
static xmlNodePtr group_at(const cover_doc *c, int i)
{
    for (xmlNodePtr n = c->root->children; n; n = n->next)
        if (is_elem(n, "g") && i-- == 0)
            return n;
    return NULL;
}

/* The lines of a group joined by single spaces (caller frees); *nlines gets their number. */
static char *group_text(xmlNodePtr g, int *nlines)
{
    strbuf b = STRBUF_INIT;
    *nlines = 0;
    for (xmlNodePtr t = g->children; t; t = t->next) {
        if (!is_elem(t, "text"))
            continue;
        xmlChar *s = xmlNodeGetContent(t);
        if ((*nlines)++)
            strbuf_addc(&b, ' ');
        strbuf_adds(&b, (const char *)s);
        xmlFree(s);
    }
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

static char *prop(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, BAD_CAST name);
}

static void assert_prop(xmlNodePtr n, const char *name, const char *want)
{
    char *v = prop(n, name);
    assert_non_null(v);
    assert_string_equal(v, want);
    xmlFree(v);
}

/* Nothing in the document may reach outside it. */
static void assert_self_contained(const cover_doc *c)
{
    const char *s = (const char *)c->bytes;
    assert_null(strstr(s, "href"));
    assert_null(strstr(s, "<image"));
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "url("));
    assert_null(strstr(s, "@font-face"));
    assert_null(strstr(s, "<!DOCTYPE"));
}

static void test_basic_cover(void **state)
{
    (void)state;
    meta m;
    cover_doc c;
    meta_init(&m);
    meta_set(&m.title, "Conversations on Craft");
    meta_set(&m.subtitle, "Interviews and essays");
    strlist_add(&m.editors, "Ana Ruiz");
    meta_set(&m.date, "2024-06-01");
    meta_set(&m.lang, "en");
    meta_set(&m.publisher, "Sheaf Test Press");
    cover_load(&m, &c);

    assert_prop(c.root, "viewBox", "0 0 1600 2560");
    assert_prop(c.root, "version", "1.1");
    char *lang = (char *)xmlNodeGetLang(c.root);
    assert_non_null(lang);
    assert_string_equal(lang, "en");
    xmlFree(lang);
    assert_self_contained(&c);

    int n;
    char *title = group_text(group_at(&c, 0), &n);
    assert_string_equal(title, "Conversations on Craft");
    free(title);
    char *sub = group_text(group_at(&c, 1), &n);
    assert_string_equal(sub, "Interviews and essays");
    free(sub);
    const char *s = (const char *)c.bytes;
    assert_non_null(strstr(s, "<title>Conversations on Craft</title>"));
    assert_non_null(strstr(s, ">Ana Ruiz<"));
    assert_non_null(strstr(s, ">2024<"));
    assert_non_null(strstr(s, ">Sheaf Test Press<"));
    /* the fonts the raster cover is drawn in, then the generic family */
    assert_non_null(strstr(s, "font-family=\"DejaVu Serif, serif\""));
    cover_unload(&c);

    /* The same book always gets the same bytes. */
    size_t len2;
    unsigned char *again = cover_svg_make(&m, &len2);
    unsigned char *first = cover_svg_make(&m, &c.len);
    assert_int_equal(len2, c.len);
    assert_memory_equal(again, first, len2);
    free(again);
    free(first);
    meta_free(&m);
}

static void test_escapes_markup(void **state)
{
    (void)state;
    meta m;
    cover_doc c;
    meta_init(&m);
    meta_set(&m.title, "Q&A <script>");
    strlist_add(&m.authors, "A & B <C>");
    cover_load(&m, &c);
    const char *s = (const char *)c.bytes;
    assert_non_null(strstr(s, "&amp;"));
    assert_non_null(strstr(s, "&lt;"));
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "<C>"));
    int n;
    char *title = group_text(group_at(&c, 0), &n);
    assert_string_equal(title, "Q&A <script>");
    free(title);
    cover_unload(&c);
    meta_free(&m);
}

static void test_long_title_wraps(void **state)
{
    (void)state;
    const char *long_title = "The Extraordinarily Long and Winding Title of a Collection of "
                             "Interviews About Compilers, Editors, Terminals and the People "
                             "Who Build Them";
    meta m;
    cover_doc c;
    meta_init(&m);
    meta_set(&m.title, long_title);
    cover_load(&m, &c);
    xmlNodePtr g = group_at(&c, 0);
    int n;
    char *text = group_text(g, &n);
    assert_true(n >= 3);
    assert_string_equal(text, long_title); /* every word kept, in order */
    free(text);
    /* Successive lines go down the page. */
    long prev = -1;
    for (xmlNodePtr t = g->children; t; t = t->next) {
        if (!is_elem(t, "text"))
            continue;
        char *y = prop(t, "y");
        long v = strtol(y, NULL, 10);
        assert_true(v > prev && v < COVER_HEIGHT);
        prev = v;
        xmlFree(y);
    }
    cover_unload(&c);

    /* A short title stays on one line, larger. */
    meta_set(&m.title, "Notes");
    cover_load(&m, &c);
    text = group_text(group_at(&c, 0), &n);
    assert_int_equal(n, 1);
    free(text);
    cover_unload(&c);

    /* A title far too long for the cover is cut with an ellipsis, not drawn off the page. */
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 200; i++)
        strbuf_adds(&b, "word ");
    meta_set(&m.title, b.data);
    strbuf_release(&b);
    cover_load(&m, &c);
    text = group_text(group_at(&c, 0), &n);
    assert_true(n >= 2 && n <= 8);
    assert_non_null(strstr(text, "\xE2\x80\xA6"));
    free(text);
    cover_unload(&c);
    meta_free(&m);
}

static void test_right_to_left_and_cjk(void **state)
{
    (void)state;
    meta m;
    cover_doc c;
    meta_init(&m);
    meta_set(&m.title, "الصنعة والصبر: حوارات عن الأدوات والعادات");
    meta_set(&m.lang, "ar");
    strlist_add(&m.authors, "كريم حداد");
    cover_load(&m, &c);
    assert_prop(group_at(&c, 0), "direction", "rtl");
    int n;
    char *text = group_text(group_at(&c, 0), &n);
    assert_string_equal(text, "الصنعة والصبر: حوارات عن الأدوات والعادات");
    free(text);
    cover_unload(&c);
    meta_free(&m);

    /* Chinese has no spaces: it still wraps, between characters, and stays left to right. */
    meta_init(&m);
    meta_set(&m.title, "慢工出细活：关于手艺与耐心的二十次对话，以及更多的故事");
    meta_set(&m.lang, "zh");
    cover_load(&m, &c);
    xmlNodePtr g = group_at(&c, 0);
    char *dir = prop(g, "direction");
    assert_null(dir);
    text = group_text(g, &n);
    assert_true(n >= 2);
    free(text);
    strbuf joined = STRBUF_INIT;
    for (xmlNodePtr t = g->children; t; t = t->next) {
        if (!is_elem(t, "text"))
            continue;
        xmlChar *s = xmlNodeGetContent(t);
        /* No line starts with closing punctuation. */
        assert_true(strncmp((const char *)s, "\xEF\xBC\x9A", 3) != 0); /* ： */
        assert_true(strncmp((const char *)s, "\xEF\xBC\x8C", 3) != 0); /* ， */
        strbuf_adds(&joined, (const char *)s);
        xmlFree(s);
    }
    assert_string_equal(joined.data, "慢工出细活：关于手艺与耐心的二十次对话，以及更多的故事");
    strbuf_release(&joined);
    char *lang = (char *)xmlNodeGetLang(c.root);
    assert_string_equal(lang, "zh");
    xmlFree(lang);
    cover_unload(&c);
    meta_free(&m);
}

static void test_missing_fields(void **state)
{
    (void)state;
    meta m;
    cover_doc c;
    meta_init(&m);
    cover_load(&m, &c); /* nothing at all: still a valid, self-contained picture */
    assert_self_contained(&c);
    assert_null(xmlNodeGetLang(c.root));
    assert_null(group_at(&c, 0));
    cover_unload(&c);

    /* An invalid language tag is not written; bad UTF-8 and control bytes do not break XML. */
    meta_set(&m.title, "Broken \xff\xfe bytes\x01 here");
    meta_set(&m.lang, "C");
    meta_set(&m.date, "20\x06\xff-01"); /* not a date: no year shown, no bad bytes written */
    cover_load(&m, &c);
    assert_null(xmlNodeGetLang(c.root));
    int n;
    char *text = group_text(group_at(&c, 0), &n);
    assert_non_null(strstr(text, "Broken"));
    assert_non_null(strstr(text, "here"));
    free(text);
    cover_unload(&c);
    meta_free(&m);
}

/* The height of the band, the first full-width rect after the paper. */
static long band_height(const cover_doc *c)
{
    int k = 0;
    for (xmlNodePtr n = c->root->children; n; n = n->next) {
        if (!is_elem(n, "rect"))
            continue;
        if (k++ == 1) {
            char *h = prop(n, "height");
            long v = strtol(h, NULL, 10);
            xmlFree(h);
            return v;
        }
    }
    return -1;
}

/* Without an author or editor the band comes down the page: no empty third under the title. */
static void test_fills_page_without_names(void **state)
{
    (void)state;
    meta m;
    cover_doc c;
    meta_init(&m);
    meta_set(&m.title, "Notes From the Kiln");
    meta_set(&m.date, "2024-05-01");
    cover_load(&m, &c);
    long without = band_height(&c);
    cover_unload(&c);
    strlist_add(&m.authors, "Ana Ruiz");
    cover_load(&m, &c);
    long with = band_height(&c);
    cover_unload(&c);
    assert_true(with > COVER_HEIGHT / 2);
    assert_true(without >= COVER_HEIGHT * 3 / 4);
    assert_true(without > with);
    meta_free(&m);
}

/* Width and height from a JPEG's start-of-frame marker, 0 when there is none. */
static void jpeg_size(const unsigned char *j, size_t len, int *w, int *h)
{
    *w = *h = 0;
    for (size_t i = 2; i + 9 < len;) {
        if (j[i] != 0xFF)
            return;
        unsigned char marker = j[i + 1];
        size_t seg = (size_t)j[i + 2] << 8 | j[i + 3];
        if (marker == 0xC0 || marker == 0xC2) {
            *h = j[i + 5] << 8 | j[i + 6];
            *w = j[i + 7] << 8 | j[i + 8];
            return;
        }
        i += 2 + seg;
    }
}

static void test_jpeg(void **state)
{
    (void)state;
    meta m;
    meta_init(&m);
    meta_set(&m.title, "Conversations on Craft");
    strlist_add(&m.authors, "Ana Ruiz");
    size_t svg_len = 0, len = 0, len2 = 0;
    char *why = NULL;
    unsigned char *svg = cover_svg_make(&m, &svg_len);
    unsigned char *jpeg = cover_jpeg_make(&m, svg, svg_len, &len, &why);
    assert_non_null(jpeg);
    assert_null(why);
    assert_true(len > 10000 && len < 1000000);
    assert_memory_equal(jpeg, "\xFF\xD8\xFF", 3);
    assert_memory_equal(jpeg + len - 2, "\xFF\xD9", 2);
    int w, h;
    jpeg_size(jpeg, len, &w, &h);
    assert_int_equal(w, COVER_WIDTH);
    assert_int_equal(h, COVER_HEIGHT);
    /* the same cover, the same bytes */
    unsigned char *again = cover_jpeg_make(&m, svg, svg_len, &len2, &why);
    assert_non_null(again);
    assert_int_equal(len, len2);
    assert_memory_equal(jpeg, again, len);
    free(again);
    free(jpeg);
    free(svg);

    /* A character no font has (U+0378 is unassigned) would be a box: no JPEG, and why. */
    meta_set(&m.title, "Craft \xCD\xB8");
    svg = cover_svg_make(&m, &svg_len);
    jpeg = cover_jpeg_make(&m, svg, svg_len, &len, &why);
    assert_null(jpeg);
    assert_non_null(why);
    assert_non_null(strstr(why, "U+0378"));
    free(why);
    free(svg);
    meta_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fills_page_without_names),
        cmocka_unit_test(test_jpeg),
        cmocka_unit_test(test_basic_cover),      cmocka_unit_test(test_escapes_markup),
        cmocka_unit_test(test_long_title_wraps), cmocka_unit_test(test_right_to_left_and_cjk),
        cmocka_unit_test(test_missing_fields),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
