/* test_charset.c: a page's encoding is found as browsers find it, and its text never comes out
 * garbled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "readers/charset.h"
#include "base/util.h"

/* Decode and compare the UTF-8 text, the encoding and how it was chosen. */
static void expect(const char *raw, size_t len, const char *transport, const char *want_text,
                   const char *want_enc, charset_source want_src)
{
    charset_result r;
    size_t n = 0;
    char *out = charset_decode(raw, len, transport, &n, &r);
    assert_string_equal(out, want_text);
    assert_int_equal(n, strlen(want_text));
    assert_string_equal(r.encoding, want_enc);
    assert_int_equal(r.source, want_src);
    free(out);
}

/* A literal's length, NUL bytes included. */
#define EXPECT(lit, ...) expect(lit, sizeof(lit) - 1, __VA_ARGS__)

static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(charset_from_label(" Latin1 ", 8), "windows-1252");
    assert_string_equal(charset_from_label("ISO-8859-1", 10), "windows-1252");
    assert_string_equal(charset_from_label("us-ascii", 8), "windows-1252");
    assert_string_equal(charset_from_label("gb2312", 6), "GB18030");
    assert_string_equal(charset_from_label("x-sjis", 6), "Shift_JIS");
    assert_string_equal(charset_from_label("utf8", 4), "UTF-8");
    assert_null(charset_from_label("utf-7", 5)); /* not a web encoding */
    assert_null(charset_from_label("", 0));
    assert_string_equal(charset_from_media_type("text/html; charset=\"KOI8-R\""), "KOI8-R");
    assert_string_equal(charset_from_media_type("text/html;charset=windows-1251"),
                        "windows-1251");
    assert_null(charset_from_media_type("text/html"));
}

static void test_bom_and_declarations(void **state)
{
    (void)state;
    /* a byte-order mark wins over everything */
    EXPECT("\xEF\xBB\xBF<meta charset=latin1>caf\xC3\xA9", "windows-1252",
           "<meta charset=latin1>caf\xC3\xA9", "UTF-8", CHARSET_FROM_BOM);
    EXPECT("\xFF\xFE<\0p\0>\0\xE9\0", NULL, "<p>\xC3\xA9", "UTF-16LE", CHARSET_FROM_BOM);
    /* <meta charset> and http-equiv in the first 1024 bytes */
    EXPECT("<meta charset=\"iso-8859-2\"><p>\xB1", NULL,
           "<meta charset=\"iso-8859-2\"><p>\xC4\x85", "ISO-8859-2", CHARSET_FROM_META);
    EXPECT("<!-- <meta charset=koi8-r> --><meta http-equiv=Content-Type "
           "content=\"text/html; charset=windows-1251\">\xC0", NULL,
           "<!-- <meta charset=koi8-r> --><meta http-equiv=Content-Type "
           "content=\"text/html; charset=windows-1251\">\xD0\x90",
           "windows-1251", CHARSET_FROM_META);
    /* content= without http-equiv declares nothing */
    EXPECT("<meta content=\"charset=koi8-r\">\xE9", NULL, "<meta content=\"charset=koi8-r\">\xC3\xA9",
           "windows-1252", CHARSET_FROM_CONTENT);
    /* the transport's charset comes before the page's own */
    EXPECT("<meta charset=koi8-r>\xE9", "windows-1252", "<meta charset=koi8-r>\xC3\xA9",
           "windows-1252", CHARSET_FROM_TRANSPORT);
    /* a page cannot declare UTF-16 in ASCII: UTF-8 */
    EXPECT("<meta charset=utf-16><p>x", NULL, "<meta charset=utf-16><p>x", "UTF-8",
           CHARSET_FROM_META);
}

static void test_late_and_wrong_declarations(void **state)
{
    (void)state;
    /* a declaration past the first 1024 bytes is not read: the bytes decide */
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 1100; i++)
        strbuf_addc(&b, ' ');
    strbuf_adds(&b, "<meta charset=koi8-r>caf\xE9");
    charset_result r;
    size_t n;
    char *out = charset_decode(b.data, b.len, NULL, &n, &r);
    assert_string_equal(r.encoding, "windows-1252");
    assert_non_null(strstr(out, "caf\xC3\xA9"));
    free(out);
    strbuf_release(&b);
    /* declared ISO-8859-1, but valid UTF-8 throughout: read as UTF-8, not as mojibake */
    EXPECT("<meta charset=iso-8859-1><p>Zo\xC3\xAB \xE2\x80\x94 na\xC3\xAFve", NULL,
           "<meta charset=iso-8859-1><p>Zo\xC3\xAB \xE2\x80\x94 na\xC3\xAFve", "UTF-8",
           CHARSET_UTF8_OVERRIDES);
    /* nothing declared, not UTF-8: windows-1252, with its curly quotes */
    EXPECT("<p>\x93quoted\x94 \x80 5", NULL,
           "<p>\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC 5", "windows-1252",
           CHARSET_FROM_CONTENT);
    /* nothing declared, ASCII or UTF-8: UTF-8 */
    EXPECT("<p>plain", NULL, "<p>plain", "UTF-8", CHARSET_FROM_CONTENT);
    /* a byte with no character in the encoding becomes U+FFFD, counted */
    out = charset_decode("<meta charset=windows-1252>\x81", 28, NULL, &n, &r);
    assert_non_null(strstr(out, "\xEF\xBF\xBD"));
    assert_int_equal(r.replaced, 1);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_bom_and_declarations),
        cmocka_unit_test(test_late_and_wrong_declarations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
