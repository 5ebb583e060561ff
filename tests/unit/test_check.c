/* Unit tests for check: the structural EPUB checker, driven through check_epub_memory with
 * books packed in memory by zipwrite. (The broken-EPUB fixtures with exact IDs are in
 * tests/check.bats; here: the API contract, global state, and a few hostile documents.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "checker/check.h"
#include "base/diag.h"
#include "base/util.h"
#include "writers/zipwrite.h"

static const char container[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
    "  <rootfiles><rootfile full-path=\"EPUB/package.opf\" "
    "media-type=\"application/oebps-package+xml\"/></rootfiles>\n</container>\n";

static const char opf[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\">\n"
    "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
    "<dc:identifier id=\"uid\">urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</dc:identifier>\n"
    "<dc:title>T</dc:title><dc:language>en</dc:language>\n"
    "<meta property=\"dcterms:modified\">2024-01-01T00:00:00Z</meta></metadata>\n"
    "<manifest>\n"
    "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" "
    "properties=\"nav\"/>\n"
    "<item id=\"c1\" href=\"c1.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
    "</manifest>\n<spine><itemref idref=\"c1\"/></spine>\n</package>\n";

static const char nav[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" "
    "xml:lang=\"en\"><head><title>C</title></head><body>\n"
    "<nav epub:type=\"toc\"><ol><li><a href=\"c1.xhtml#a\">One</a></li></ol></nav>\n"
    "</body></html>\n";

/* A chapter whose body is `body` (and DOCTYPE `doctype`); caller frees. */
static char *chapter(const char *doctype, const char *body)
{
    return xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n"
                     "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\">"
                     "<head><title>One</title></head><body>\n%s\n</body></html>\n",
                     doctype, body);
}

/* Pack a book with chapter c1 and check it; returns check_epub_memory's result. */
static int check_book(const char *c1, diag_list *out)
{
    zip_entry_spec e[] = {
        {.name = "mimetype",
         .data = (const unsigned char *)"application/epub+zip",
         .len = 20,
         .compress = 0},
        {.name = "META-INF/container.xml",
         .data = (const unsigned char *)container,
         .len = sizeof container - 1,
         .compress = 1},
        {.name = "EPUB/package.opf",
         .data = (const unsigned char *)opf,
         .len = sizeof opf - 1,
         .compress = 1},
        {.name = "EPUB/nav.xhtml",
         .data = (const unsigned char *)nav,
         .len = sizeof nav - 1,
         .compress = 1},
        {.name = "EPUB/c1.xhtml",
         .data = (const unsigned char *)c1,
         .len = strlen(c1),
         .compress = 1},
    };
    unsigned char *zip = NULL;
    size_t len = 0;
    diag_list zd = DIAG_LIST_INIT;
    assert_int_equal(zipwrite_build(e, 5, 1700000000, 1, &zip, &len, &zd), 0);
    diag_list_clear(&zd);
    int ret = check_epub_memory(zip, len, "unit.epub", out);
    free(zip);
    return ret;
}

static int has_id(const diag_list *l, const char *id)
{
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].id && strcmp(l->items[i].id, id) == 0)
            return 1;
    return 0;
}

static void test_valid_book_has_no_findings(void **state)
{
    (void)state;
    diag_list l = DIAG_LIST_INIT;
    char *c1 = chapter("<!DOCTYPE html>", "<h1 id=\"a\">One</h1><p>Text.</p>");
    assert_int_equal(check_book(c1, &l), 0);
    for (size_t i = 0; i < l.len; i++)
        print_message("unexpected: [%s] %s: %s\n", l.items[i].id, l.items[i].file,
                      l.items[i].message);
    assert_int_equal(l.len, 0);
    free(c1);
    diag_list_clear(&l);
}

static void test_unreadable_inputs_return_minus_one_with_fatal(void **state)
{
    (void)state;
    static const unsigned char junk[] = "PK\x03\x04 this is not really a zip";
    diag_list l = DIAG_LIST_INIT;
    assert_int_equal(check_epub_memory(junk, 0, "empty.epub", &l), -1);
    assert_true(l.count[DIAG_FATAL] >= 1);
    assert_true(has_id(&l, "PKG-003"));
    diag_list_clear(&l);
    assert_int_equal(check_epub_memory(junk, sizeof junk - 1, NULL, &l), -1);
    assert_true(l.count[DIAG_FATAL] >= 1);
    assert_true(has_id(&l, "PKG-008"));
    diag_list_clear(&l);
}

static void test_missing_fragment_and_resource(void **state)
{
    (void)state;
    diag_list l = DIAG_LIST_INIT;
    char *c1 =
        chapter("<!DOCTYPE html>", "<h1 id=\"b\">One</h1><p><img src=\"x.png\" alt=\"\"/></p>");
    assert_int_equal(check_book(c1, &l), 0);
    assert_true(has_id(&l, "RSC-012")); /* nav links to c1.xhtml#a */
    assert_true(has_id(&l, "RSC-007")); /* x.png */
    free(c1);
    diag_list_clear(&l);
}

static void test_hostile_xml_is_refused_and_global_state_restored(void **state)
{
    (void)state;
    diag_list l = DIAG_LIST_INIT;
    xmlExternalEntityLoader before = xmlGetExternalEntityLoader();
    char *c1 = chapter("<!DOCTYPE html [<!ENTITY a \"aaaaaaaaaaaaaaaa\">"
                       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                       "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                       "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                       "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
                       "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
                       "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>",
                       "<h1 id=\"a\">&g;</h1>");
    assert_int_equal(check_book(c1, &l), 0);
    assert_true(has_id(&l, "RSC-016"));
    assert_ptr_equal(xmlGetExternalEntityLoader(), before);
    free(c1);
    diag_list_clear(&l);

    strbuf deep = STRBUF_INIT;
    strbuf_adds(&deep, "<h1 id=\"a\">x</h1>");
    for (int i = 0; i < 3000; i++)
        strbuf_adds(&deep, "<span>");
    for (int i = 0; i < 3000; i++)
        strbuf_adds(&deep, "</span>");
    /* deep nesting is parsed without recursion (push parser, explicit stacks): checked, and
     * nothing to say about it */
    c1 = chapter("<!DOCTYPE html>", deep.data);
    assert_int_equal(check_book(c1, &l), 0);
    assert_false(has_id(&l, "RSC-016"));
    assert_false(has_id(&l, "RSC-005"));
    free(c1);
    strbuf_release(&deep);
    diag_list_clear(&l);

    c1 = chapter("<!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
                 "<h1 id=\"a\">&x;</h1>");
    assert_int_equal(check_book(c1, &l), 0);
    assert_true(has_id(&l, "HTM-003"));
    for (size_t i = 0; i < l.len; i++)
        assert_null(strstr(l.items[i].message, "root:"));
    free(c1);
    diag_list_clear(&l);
}

/* A book of n chapters, each with a few faults that differ from chapter to chapter (missing
 * images, duplicate ids, links to missing fragments of other chapters, a bad language tag),
 * a nav document and an NCX that disagree on one entry. The caller frees *zip. */
static void many_faults_book(int n, unsigned char **zip, size_t *len)
{
    strbuf man = STRBUF_INIT, spine = STRBUF_INIT, navb = STRBUF_INIT, ncx = STRBUF_INIT;
    zip_entry_spec *e = xcalloc((size_t)n + 5, sizeof *e);
    char **texts = xcalloc((size_t)n + 5, sizeof *texts);
    size_t k = 0;
    diag_list zd = DIAG_LIST_INIT;
    strbuf_adds(&navb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                       "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                       "xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"en\">"
                       "<head><title>C</title></head><body><nav epub:type=\"toc\"><ol>\n");
    strbuf_adds(&ncx, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\">"
                      "<head><meta name=\"dtb:uid\" "
                      "content=\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\"/></head>"
                      "<docTitle><text>T</text></docTitle><navMap>\n");
    for (int i = 1; i <= n; i++) {
        char *item = xasprintf("<item id=\"c%d\" href=\"c%d.xhtml\" "
                               "media-type=\"application/xhtml+xml\"/>\n",
                               i, i);
        strbuf_adds(&man, item);
        free(item);
        char *ref = xasprintf("<itemref idref=\"c%d\"/>\n", i);
        strbuf_adds(&spine, ref);
        free(ref);
        char *li = xasprintf("<li><a href=\"c%d.xhtml#h%d\">Chapter %d</a></li>\n", i,
                             i % 7 == 0 ? 0 : i, i);
        strbuf_adds(&navb, li);
        free(li);
        char *np = xasprintf("<navPoint id=\"n%d\" playOrder=\"%d\"><navLabel><text>C%d</text>"
                             "</navLabel><content src=\"c%d.xhtml%s\"/></navPoint>\n",
                             i, i, i, i, i == 3 ? "#nowhere" : "");
        strbuf_adds(&ncx, np);
        free(np);
        strbuf body = STRBUF_INIT;
        char *h = xasprintf("<h1 id=\"h%d\">Chapter %d</h1>\n", i, i);
        strbuf_adds(&body, h);
        free(h);
        for (int j = 0; j < i % 5; j++) {
            char *img = xasprintf("<p><img src=\"missing-%d-%d.png\" alt=\"\"/></p>\n", i, j);
            strbuf_adds(&body, img);
            free(img);
        }
        if (i % 3 == 0)
            strbuf_adds(&body, "<p id=\"twice\">a</p><p id=\"twice\">b</p>\n");
        char *link = xasprintf("<p><a href=\"c%d.xhtml#h%d\">next</a> <a "
                               "href=\"c%d.xhtml#gone\">gone</a></p>\n",
                               i % n + 1, i % n + 1, (i + 2) % n + 1);
        strbuf_adds(&body, link);
        free(link);
        if (i % 4 == 0)
            strbuf_adds(&body, "<p xml:lang=\"C\" style=\"background: url(nope.png)\">x</p>\n");
        if (i == n / 2)
            strbuf_adds(&body, "<p>not closed\n");
        texts[k] = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                             "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\">"
                             "<head><title>C</title></head><body>\n%s</body></html>\n",
                             body.data);
        strbuf_release(&body);
        e[k].name = xasprintf("EPUB/c%d.xhtml", i);
        e[k].data = (const unsigned char *)texts[k];
        e[k].len = strlen(texts[k]);
        e[k].compress = i % 2 ? 1 : 0; /* stored and deflated chapters */
        k++;
    }
    strbuf_adds(&navb, "</ol></nav></body></html>\n");
    strbuf_adds(&ncx, "</navMap></ncx>\n");
    texts[k] = xasprintf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
        "unique-identifier=\"uid\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        "<dc:identifier id=\"uid\">urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</dc:identifier>\n"
        "<dc:title>T</dc:title><dc:language>en</dc:language><dc:creator></dc:creator>\n"
        "<meta property=\"dcterms:modified\">2024-01-01T00:00:00Z</meta></metadata>\n"
        "<manifest>\n<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" "
        "properties=\"nav\"/>\n<item id=\"ncx\" href=\"toc.ncx\" "
        "media-type=\"application/x-dtbncx+xml\"/>\n%s</manifest>\n"
        "<spine toc=\"ncx\">%s</spine>\n</package>\n",
        man.data, spine.data);
    e[k++] = (zip_entry_spec){.name = xstrdup("EPUB/package.opf"),
                              .data = (const unsigned char *)texts[k - 1],
                              .len = strlen(texts[k - 1]),
                              .compress = 1};
    texts[k] = strbuf_detach(&navb, NULL);
    e[k] = (zip_entry_spec){.name = xstrdup("EPUB/nav.xhtml"),
                            .data = (const unsigned char *)texts[k],
                            .len = strlen(texts[k]),
                            .compress = 1};
    k++;
    texts[k] = strbuf_detach(&ncx, NULL);
    e[k] = (zip_entry_spec){.name = xstrdup("EPUB/toc.ncx"),
                            .data = (const unsigned char *)texts[k],
                            .len = strlen(texts[k]),
                            .compress = 1};
    k++;
    /* mimetype and container.xml first */
    zip_entry_spec *all = xcalloc(k + 2, sizeof *all);
    all[0] = (zip_entry_spec){.name = "mimetype",
                              .data = (const unsigned char *)"application/epub+zip",
                              .len = 20,
                              .compress = 0};
    all[1] = (zip_entry_spec){.name = "META-INF/container.xml",
                              .data = (const unsigned char *)container,
                              .len = sizeof container - 1,
                              .compress = 1};
    memcpy(all + 2, e, k * sizeof *e);
    assert_int_equal(zipwrite_build(all, k + 2, 1700000000, 1, zip, len, &zd), 0);
    diag_list_clear(&zd);
    for (size_t i = 0; i < k; i++) {
        free((char *)e[i].name);
        free(texts[i]);
    }
    free(all);
    free(e);
    free(texts);
    strbuf_release(&man);
    strbuf_release(&spine);
}

static void test_findings_do_not_depend_on_threads(void **state)
{
    (void)state;
    unsigned char *zip = NULL;
    size_t len = 0;
    many_faults_book(60, &zip, &len);
    diag_list one = DIAG_LIST_INIT;
    xmlGenericErrorFunc generic_before = xmlGenericError;
    assert_int_equal(check_epub_memory_threads(zip, len, "faults.epub", &one, 1), 0);
    assert_ptr_equal(xmlGenericError, generic_before);
    /* the book's faults are all found */
    static const char *const want[] = {"RSC-005", "RSC-007", "RSC-012", "RSC-016", "SHF-008"};
    for (size_t w = 0; w < sizeof want / sizeof *want; w++)
        assert_true(has_id(&one, want[w]));
    assert_true(one.len > 100);
    static const int threads[] = {2, 3, 8, 0};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        diag_list many = DIAG_LIST_INIT;
        assert_int_equal(check_epub_memory_threads(zip, len, "faults.epub", &many, threads[t]), 0);
        assert_int_equal(many.len, one.len);
        for (size_t i = 0; i < one.len; i++) {
            const diag *a = &one.items[i], *b = &many.items[i];
            assert_int_equal(a->severity, b->severity);
            assert_string_equal(a->id ? a->id : "", b->id ? b->id : "");
            assert_string_equal(a->file ? a->file : "", b->file ? b->file : "");
            assert_int_equal(a->line, b->line);
            assert_string_equal(a->message, b->message);
        }
        diag_list_clear(&many);
    }
    diag_list_clear(&one);
    free(zip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_book_has_no_findings),
        cmocka_unit_test(test_unreadable_inputs_return_minus_one_with_fatal),
        cmocka_unit_test(test_missing_fragment_and_resource),
        cmocka_unit_test(test_hostile_xml_is_refused_and_global_state_restored),
        cmocka_unit_test(test_findings_do_not_depend_on_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
