/* test_media.c: image sniffing, the media store (dedup, names, warnings) and SVG cleaning.
 *
 * Every image is made here, byte by byte from the format specifications: a 1x1 GIF, 1x1 PNGs
 * (stored deflate, computed CRCs), the 20-byte signature head of a JPEG and a 1x1 lossless WebP,
 * and SVG documents written for these tests. Files go to a fresh temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "writers/media.h"
#include "base/util.h"

/*** images made for the tests ***/

/* GIF89a, 1x1, two-colour global table, transparent pixel (GIF89a spec: header, logical screen
 * descriptor, colour table, graphic control extension, image descriptor, LZW data, trailer). */
static const unsigned char gif1[] = {
    'G',  'I',  'F',  '8',  '9',  'a',  0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
/* sha256 of gif1, computed independently (python3 hashlib). */
#define GIF1_SHA8 "693d949d"

/* The start of a JFIF file: SOI, APP0 "JFIF". Sniffing needs no more. */
static const unsigned char jpeg_head[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
                                          'F',  'I',  'F',  0x00, 0x01, 0x01, 0x00,
                                          0x00, 0x01, 0x00, 0x01, 0x00, 0x00};

/* RIFF container, "WEBP", a VP8L (lossless) chunk of 13 bytes: signature 0x2f, 14-bit
 * width-1 and height-1 (0 = 1 pixel), then a tiny bitstream. */
static const unsigned char webp1[] = {'R',  'I',  'F',  'F',  0x1a, 0x00, 0x00, 0x00, 'W',
                                      'E',  'B',  'P',  'V',  'P',  '8',  'L',  0x0d, 0x00,
                                      0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10,
                                      0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00};

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static void put32(strbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    strbuf_add(b, x, 4);
}

static void png_chunk(strbuf *b, const char *type, const unsigned char *data, size_t n)
{
    size_t start;
    put32(b, (uint32_t)n);
    start = b->len;
    strbuf_add(b, type, 4);
    strbuf_add(b, data, n);
    put32(b, crc32_png((const unsigned char *)b->data + start, n + 4));
}

/* A valid 1x1 RGB PNG of colour (r, g, b); the caller frees *out. */
static size_t png1(unsigned char r, unsigned char g, unsigned char bl, unsigned char **out)
{
    strbuf b = STRBUF_INIT;
    const unsigned char ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    /* zlib header, one stored block of 4 bytes (filter byte + RGB), Adler-32 */
    unsigned char raw[4] = {0, r, g, bl};
    uint32_t s1 = 1, s2 = 0;
    for (int i = 0; i < 4; i++) {
        s1 = (s1 + raw[i]) % 65521u;
        s2 = (s2 + s1) % 65521u;
    }
    unsigned char idat[15] = {0x78,
                              0x01,
                              0x01,
                              0x04,
                              0x00,
                              0xfb,
                              0xff,
                              raw[0],
                              raw[1],
                              raw[2],
                              raw[3],
                              (unsigned char)(s2 >> 8),
                              (unsigned char)s2,
                              (unsigned char)(s1 >> 8),
                              (unsigned char)s1};
    strbuf_add(&b, "\x89PNG\r\n\x1a\n", 8);
    png_chunk(&b, "IHDR", ihdr, sizeof ihdr);
    png_chunk(&b, "IDAT", idat, sizeof idat);
    png_chunk(&b, "IEND", NULL, 0);
    size_t len = b.len;
    *out = (unsigned char *)strbuf_detach(&b, NULL);
    return len;
}

static const char *svg_plain =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>Dot</title>"
    "<circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"#333\"/></svg>\n";

/*** temporary files ***/

static char tmpdir[64];

static char *write_tmp(const char *rel, const void *data, size_t len)
{
    char *path = xasprintf("%s/%s", tmpdir, rel);
    char *dir = path_dirname(path);
    mkdir(dir, 0700);
    free(dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/sheaf-test-media-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

/*** sniffing ***/

static void test_sniff_each_type(void **state)
{
    (void)state;
    unsigned char *png = NULL;
    size_t plen = png1(1, 2, 3, &png);
    assert_int_equal(media_sniff(png, plen), MEDIA_PNG);
    assert_int_equal(media_sniff(gif1, sizeof gif1), MEDIA_GIF);
    assert_int_equal(media_sniff(jpeg_head, sizeof jpeg_head), MEDIA_JPEG);
    assert_int_equal(media_sniff(webp1, sizeof webp1), MEDIA_WEBP);
    assert_int_equal(media_sniff((const unsigned char *)svg_plain, strlen(svg_plain)), MEDIA_SVG);
    free(png);

#define SNIFF(s) media_sniff((const unsigned char *)(s), strlen(s))
    /* SVG with a BOM, comments, a DOCTYPE with an internal subset, a prefix */
    assert_int_equal(SNIFF("\xEF\xBB\xBF<!-- a > b --><!DOCTYPE svg [<!ENTITY x \"y\">]>\n"
                           "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
                     MEDIA_SVG);
    assert_int_equal(SNIFF("<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"/>"), MEDIA_SVG);
    assert_int_equal(SNIFF("<svg>"), MEDIA_SVG);
    /* not images */
    assert_int_equal(SNIFF("<html><svg/></html>"), MEDIA_UNKNOWN);
    assert_int_equal(SNIFF("<svgx/>"), MEDIA_UNKNOWN);
    assert_int_equal(SNIFF("hello <svg/>"), MEDIA_UNKNOWN);
    assert_int_equal(SNIFF("GIF8"), MEDIA_UNKNOWN);
    assert_int_equal(SNIFF("RIFF\x10\0\0\0WAVEfmt "), MEDIA_UNKNOWN);
    assert_int_equal(SNIFF(""), MEDIA_UNKNOWN);
    assert_int_equal(media_sniff(NULL, 0), MEDIA_UNKNOWN);
    assert_int_equal(media_sniff(jpeg_head, 2), MEDIA_UNKNOWN);
#undef SNIFF
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(media_kind_mime(MEDIA_JPEG), "image/jpeg");
    assert_string_equal(media_kind_mime(MEDIA_PNG), "image/png");
    assert_string_equal(media_kind_mime(MEDIA_GIF), "image/gif");
    assert_string_equal(media_kind_mime(MEDIA_WEBP), "image/webp");
    assert_string_equal(media_kind_mime(MEDIA_SVG), "image/svg+xml");
    assert_null(media_kind_mime(MEDIA_UNKNOWN));
    assert_string_equal(media_kind_ext(MEDIA_JPEG), "jpg");
    assert_string_equal(media_kind_ext(MEDIA_SVG), "svg");
    assert_null(media_kind_ext(MEDIA_UNKNOWN));
    assert_int_equal(media_kind_from_href("../images/a-1.webp"), MEDIA_WEBP);
    assert_int_equal(media_kind_from_href("x.JPEG?v=2"), MEDIA_JPEG);
    assert_int_equal(media_kind_from_href("dir.png/file"), MEDIA_UNKNOWN);
    assert_int_equal(media_kind_from_href("noext"), MEDIA_UNKNOWN);
}

/*** the store ***/

static void test_store_file_and_name(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    char *path = write_tmp("My Pixel (1).GIF", gif1, sizeof gif1);
    const char *href = media_store_add_file(s, path, "post.md", 3, &d);
    assert_non_null(href);
    /* named by the content's hash (so the same bytes always get the same name, whichever file
     * name they came under), with the extension from the bytes */
    assert_true(str_starts_with(href, "images/" GIF1_SHA8));
    assert_true(str_ends_with(href, ".gif"));
    assert_int_equal(strlen(href), strlen("images/") + 16 + strlen(".gif"));
    assert_int_equal(media_store_count(s), 1);
    const media_item *it = media_store_get(s, 0);
    assert_string_equal(it->href, href);
    assert_true(str_starts_with(it->id, "img-" GIF1_SHA8));
    assert_string_equal(it->mime, "image/gif");
    assert_int_equal(it->is_svg, 0);
    assert_int_equal(it->len, sizeof gif1);
    assert_memory_equal(it->data, gif1, sizeof gif1);
    assert_ptr_equal(media_store_find(s, href), it);
    assert_null(media_store_get(s, 1));
    assert_int_equal(d.len, 0);
    free(path);
    media_store_free(s);
    media_store_free(NULL);
}

static void test_store_dedup_identical_bytes(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    unsigned char *png = NULL;
    size_t plen = png1(10, 20, 30, &png);
    char *p1 = write_tmp("one/cat.png", png, plen);
    char *p2 = write_tmp("two/kitten.png", png, plen);
    const char *h1 = media_store_add_file(s, p1, "a.md", 1, &d);
    const char *h2 = media_store_add_file(s, p2, "b.md", 9, &d);
    const char *h3 = media_store_add_bytes(s, png, plen, "again.png", "c.md", 2, &d);
    assert_non_null(h1);
    assert_ptr_equal(h1, h2);
    assert_ptr_equal(h1, h3);
    assert_null(strstr(h1, "cat"));
    assert_int_equal(media_store_count(s), 1);
    assert_int_equal(d.len, 0);
    free(p1);
    free(p2);
    free(png);
    media_store_free(s);
}

static void test_store_same_name_different_images(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    unsigned char *red = NULL, *blue = NULL;
    size_t rl = png1(255, 0, 0, &red), bl = png1(0, 0, 255, &blue);
    char *p1 = write_tmp("red/photo.png", red, rl);
    char *p2 = write_tmp("blue/photo.png", blue, bl);
    const char *h1 = media_store_add_file(s, p1, "a.md", 1, &d);
    const char *h2 = media_store_add_file(s, p2, "b.md", 1, &d);
    assert_non_null(h1);
    assert_non_null(h2);
    assert_string_not_equal(h1, h2);
    assert_true(str_starts_with(h1, "images/"));
    assert_true(str_starts_with(h2, "images/"));
    assert_string_not_equal(media_store_get(s, 0)->id, media_store_get(s, 1)->id);
    /* insertion order */
    assert_string_equal(media_store_get(s, 0)->href, h1);
    assert_string_equal(media_store_get(s, 1)->href, h2);
    assert_memory_equal(media_store_get(s, 1)->data, blue, bl);
    assert_int_equal(d.len, 0);
    free(p1);
    free(p2);
    free(red);
    free(blue);
    media_store_free(s);
}

static void test_store_names_are_safe(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    const char *h = media_store_add_bytes(s, gif1, sizeof gif1, "Caf\xC3\xA9 & cr\xC3\xA8me.gif",
                                          "a.md", 1, &d);
    assert_true(str_starts_with(h, "images/" GIF1_SHA8));
    assert_true(str_ends_with(h, ".gif"));
    media_store_free(s);
    s = media_store_new();
    /* the extension comes from the bytes, never from the name; no name at all is fine */
    h = media_store_add_bytes(s, gif1, sizeof gif1, "..", "a.md", 1, &d);
    assert_true(str_starts_with(h, "images/" GIF1_SHA8));
    media_store_free(s);
    s = media_store_new();
    h = media_store_add_bytes(s, webp1, sizeof webp1, "picture.jpg", "a.md", 1, &d);
    assert_true(str_starts_with(h, "images/"));
    assert_true(str_ends_with(h, ".webp"));
    assert_string_equal(media_store_get(s, 0)->mime, "image/webp");
    assert_int_equal(d.len, 0);
    media_store_free(s);
}

static void test_store_warnings(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    char *missing = xasprintf("%s/nope/cat.png", tmpdir);
    assert_null(media_store_add_file(s, missing, "interview.md", 12, &d));
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].severity, DIAG_WARNING);
    assert_string_equal(d.items[0].file, "interview.md");
    assert_int_equal(d.items[0].line, 12);
    char *want = xasprintf("image '%s' not found; its alt text is kept (check the path, "
                           "relative to the article)",
                           missing);
    assert_string_equal(d.items[0].message, want);
    free(want);
    free(missing);
    diag_list_clear(&d);

    char *text = write_tmp("notes.png", "just text\n", 10);
    assert_null(media_store_add_file(s, text, "a.md", 4, &d));
    assert_int_equal(d.len, 1);
    assert_non_null(strstr(d.items[0].message, "notes.png' is not a JPEG, PNG, GIF, WebP or SVG"));
    assert_int_equal(d.items[0].line, 4);
    free(text);
    diag_list_clear(&d);

    assert_null(media_store_add_file(s, tmpdir, "a.md", 5, &d));
    assert_int_equal(d.len, 1);
    assert_non_null(strstr(d.items[0].message, "is a directory"));
    diag_list_clear(&d);

    char *empty = write_tmp("empty.jpg", "", 0);
    assert_null(media_store_add_file(s, empty, "a.md", 6, &d));
    assert_int_equal(d.len, 1);
    free(empty);
    diag_list_clear(&d);

    assert_int_equal(media_store_count(s), 0);
    media_store_free(s);
}

/*** SVG ***/

static const char *svg_hostile =
    "<?xml version=\"1.0\"?>\n"
    "<?xml-stylesheet href=\"https://evil.example/x.css\"?>\n"
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
    "xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" viewBox=\"0 0 10 10\" "
    "onload=\"alert(1)\" inkscape:version=\"1.0\">"
    "<script>alert(2)</script>"
    "<style>@import url(https://evil.example/a.css);</style>"
    "<style>.a{fill:url(#g)}</style>"
    "<defs><linearGradient id=\"g\"><stop offset=\"0\"/></linearGradient></defs>"
    "<foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\">html</div></foreignObject>"
    "<a xlink:href=\"javascript:alert(3)\"><rect id=\"r\" width=\"1\" height=\"1\" "
    "OnClick=\"x()\"/></a>"
    "<a href=\"https://example.org/\" target=\"_blank\"><circle r=\"1\"/></a>"
    "<use xlink:href=\"https://evil.example/sprites.svg#icon\"/>"
    "<use href=\"#r\"/>"
    "<image href=\"file:///etc/passwd\" width=\"1\" height=\"1\"/>"
    "<image xlink:href=\"data:image/png;base64,iVBORw0KGgo=\" width=\"1\" height=\"1\"/>"
    "<rect width=\"1\" height=\"1\" style=\"fill:url(https://evil.example/p.svg#x)\" "
    "fill=\"url(#g)\"/>"
    "<set attributeName=\"href\" to=\"javascript:alert(4)\"/>"
    "<!-- comment -->"
    "</svg>\n";

static void test_svg_cleaned(void **state)
{
    (void)state;
    size_t len = 0;
    int removed = -1, renamed = -1;
    const char *why = NULL;
    unsigned char *out = media_svg_clean((const unsigned char *)svg_hostile, strlen(svg_hostile),
                                         &len, &removed, &renamed, &why);
    assert_non_null(out);
    char *text = xstrndup((const char *)out, len);
    assert_null(why);
    assert_string_equal(
        text,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        "xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" viewBox=\"0 0 10 10\">"
        "<style>.a{fill:url(#g)}</style>"
        "<defs><linearGradient id=\"g\"><stop offset=\"0\"/></linearGradient></defs>"
        "<g><rect id=\"r\" width=\"1\" height=\"1\"/></g><g><circle r=\"1\"/></g>"
        "<use xlink:href=\"#r\"/>"
        "<image xlink:href=\"data:image/png;base64,iVBORw0KGgo=\" width=\"1\" height=\"1\"/>"
        "<rect width=\"1\" height=\"1\" fill=\"url(#g)\"/></svg>\n");
    /* onload, script, @import style, foreignObject, javascript: href, OnClick, remote use,
     * file: image, remote style url, set on href, the xml-stylesheet */
    assert_int_equal(removed, 11);
    free(text);
    free(out);
}

static void test_svg_store_warns_once_and_keeps(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    char *path = write_tmp("hostile.svg", svg_hostile, strlen(svg_hostile));
    const char *href = media_store_add_file(s, path, "essay.md", 8, &d);
    assert_non_null(href);
    assert_true(str_starts_with(href, "images/"));
    assert_true(str_ends_with(href, ".svg"));
    assert_int_equal(media_store_get(s, 0)->is_svg, 1);
    assert_string_equal(media_store_get(s, 0)->mime, "image/svg+xml");
    assert_null(strstr((const char *)media_store_get(s, 0)->data, "script"));
    assert_int_equal(d.len, 1);
    assert_non_null(strstr(d.items[0].message, "removed 11 unsafe parts"));
    assert_int_equal(d.items[0].line, 8);
    diag_list_clear(&d);
    /* a clean SVG: no warning, the bytes keep their meaning */
    href = media_store_add_bytes(s, (const unsigned char *)svg_plain, strlen(svg_plain),
                                 "cover.svg", "list.yaml", 1, &d);
    assert_true(str_starts_with(href, "images/") && str_ends_with(href, ".svg"));
    assert_int_equal(d.len, 0);
    assert_non_null(strstr((const char *)media_store_get(s, 1)->data, "<circle cx=\"5\""));
    free(path);
    media_store_free(s);
}

/* Returns the reason a document is refused, or NULL if it was accepted (then freed). */
static const char *svg_refused(const char *svg)
{
    size_t len;
    int removed, renamed;
    const char *why = NULL;
    unsigned char *out =
        media_svg_clean((const unsigned char *)svg, strlen(svg), &len, &removed, &renamed, &why);
    if (out) {
        free(out);
        return NULL;
    }
    assert_non_null(why);
    return why;
}

static void test_svg_refused(void **state)
{
    (void)state;
    /* external entity (XXE) */
    assert_string_equal(svg_refused("<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text>"
                                    "</svg>"),
                        "it uses external or nested entities");
    /* nested entities (the start of a billion laughs) */
    assert_non_null(svg_refused("<!DOCTYPE svg [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;\">]>"
                                "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&b;</text>"
                                "</svg>"));
    assert_string_equal(svg_refused("<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>"),
                        "it is not well-formed XML");
    assert_string_equal(svg_refused("<svg xmlns=\"http://example.org/not-svg\"/>"),
                        "its root element is not <svg>");
    /* HTML-ish SVG: unquoted attribute */
    assert_non_null(svg_refused("<svg width=10></svg>"));

    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    const char *bad = "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>";
    assert_null(media_store_add_bytes(s, (const unsigned char *)bad, strlen(bad), "broken.svg",
                                      "a.md", 2, &d));
    assert_int_equal(d.len, 1);
    assert_string_equal(d.items[0].message,
                        "SVG image 'broken.svg' was left out because it is not well-formed XML; "
                        "its alt text is kept (fix the file or export it again as plain SVG)");
    diag_list_clear(&d);
    media_store_free(s);
}

static void test_svg_entities_and_namespace(void **state)
{
    (void)state;
    /* Illustrator declares plain-text entities for its namespaces: expanded, DOCTYPE gone */
    const char *ai = "<!DOCTYPE svg [<!ENTITY w \"wide\">]>"
                     "<svg xmlns=\"http://www.w3.org/2000/svg\"><text class=\"&w;\">&w; "
                     "text</text></svg>";
    size_t len;
    int removed, renamed;
    const char *why;
    unsigned char *out =
        media_svg_clean((const unsigned char *)ai, strlen(ai), &len, &removed, &renamed, &why);
    assert_non_null(out);
    char *text = xstrndup((const char *)out, len);
    assert_string_equal(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\"><text class=\"wide\">"
                              "wide text</text></svg>\n");
    assert_int_equal(removed, 0);
    free(text);
    free(out);
    /* no namespace: given the SVG namespace, as a browser would need */
    const char *bare = "<svg viewBox=\"0 0 1 1\"><rect width=\"1\"/></svg>";
    out = media_svg_clean((const unsigned char *)bare, strlen(bare), &len, &removed, &renamed, &why);
    assert_non_null(out);
    text = xstrndup((const char *)out, len);
    assert_string_equal(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\">"
                              "<rect width=\"1\"/></svg>\n");
    free(text);
    free(out);
}

static void test_svg_no_local_file_read(void **state)
{
    (void)state;
    /* a parameter entity or external subset pointing at a local file must not be loaded */
    char *dtd = write_tmp("secret.dtd", "<!ENTITY leak \"SECRET\">", 23);
    char *pe = xasprintf("<!DOCTYPE svg [<!ENTITY %% p SYSTEM \"file://%s\"> %%p;]>"
                         "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&leak;</text></svg>",
                         dtd);
    char *ext = xasprintf("<!DOCTYPE svg SYSTEM \"file://%s\">"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&leak;</text></svg>",
                          dtd);
    assert_non_null(svg_refused(pe));
    assert_non_null(svg_refused(ext));
    free(dtd);
    free(pe);
    free(ext);
}

/* The fixture files shipped for the end-to-end tests behave as their README says. */
static void test_fixture_files(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    media_store *s = media_store_new();
    const char *dir = "tests/fixtures/media/";
    static const struct {
        const char *name;
        int stored;
        size_t warnings;
        const char *mime;
    } cases[] = {
        {"red.png", 1, 0, "image/png"},
        {"blue.png", 1, 0, "image/png"},
        {"pixel.gif", 1, 0, "image/gif"},
        {"pixel.webp", 1, 0, "image/webp"},
        {"drawing.svg", 1, 0, "image/svg+xml"},
        {"hostile.svg", 1, 1, "image/svg+xml"},
        {"xxe.svg", 0, 1, NULL},
        {"broken.svg", 0, 1, NULL},
        {"not-an-image.png", 0, 1, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = xasprintf("%s%s", dir, cases[i].name);
        const char *href = media_store_add_file(s, path, "list.yaml", 1, &d);
        if (!!href != cases[i].stored || d.len != cases[i].warnings)
            fail_msg("%s: stored %d, %zu warnings (run the tests from the repository root)", path,
                     href != NULL, d.len);
        if (href)
            assert_string_equal(media_store_find(s, href)->mime, cases[i].mime);
        diag_list_clear(&d);
        free(path);
    }
    assert_int_equal(media_store_count(s), 6);
    media_store_free(s);
}

/*** showing images ***/

static void test_append_image(void **state)
{
    (void)state;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr p = xmlNewDocNode(doc, NULL, (const xmlChar *)"p", NULL);
    xmlDocSetRootElement(doc, p);
    xmlNsPtr ns = xmlNewNs(p, (const xmlChar *)"http://www.w3.org/1999/xhtml", NULL);
    xmlSetNs(p, ns);
    media_append_image(p, "../images/a-1.png", "A & B");
    media_append_image(p, "../images/b-2.webp", "A photo");
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, p, 0, 0);
    assert_string_equal((const char *)xmlBufferContent(buf),
                        "<p xmlns=\"http://www.w3.org/1999/xhtml\">"
                        "<img src=\"../images/a-1.png\" alt=\"A &amp; B\"/>"
                        "<object data=\"../images/b-2.webp\" type=\"image/webp\">A photo</object>"
                        "</p>");
    assert_ptr_equal(p->children->ns, ns);
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
}

int main(void)
{
    xmlInitParser();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_each_type),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_store_file_and_name),
        cmocka_unit_test(test_store_dedup_identical_bytes),
        cmocka_unit_test(test_store_same_name_different_images),
        cmocka_unit_test(test_store_names_are_safe),
        cmocka_unit_test(test_store_warnings),
        cmocka_unit_test(test_svg_cleaned),
        cmocka_unit_test(test_svg_store_warns_once_and_keeps),
        cmocka_unit_test(test_svg_refused),
        cmocka_unit_test(test_svg_entities_and_namespace),
        cmocka_unit_test(test_svg_no_local_file_read),
        cmocka_unit_test(test_fixture_files),
        cmocka_unit_test(test_append_image),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    xmlCleanupParser();
    return rc;
}
