/* test_uri.c: a page's links and images resolve against its address as a browser resolves
 * them (RFC 3986's examples). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/uri.h"

static void expect(const char *base, const char *ref, const char *want)
{
    char *got = uri_resolve(base, ref);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_rfc3986_examples(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"g", "http://a/b/c/g"}, {"./g", "http://a/b/c/g"}, {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"}, {"//g", "http://g"}, {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"}, {"#s", "http://a/b/c/d;p?q#s"}, {"g#s", "http://a/b/c/g#s"},
        {"g?y#s", "http://a/b/c/g?y#s"}, {";x", "http://a/b/c/;x"}, {"g;x", "http://a/b/c/g;x"},
        {"", "http://a/b/c/d;p?q"}, {".", "http://a/b/c/"}, {"./", "http://a/b/c/"},
        {"..", "http://a/b/"}, {"../", "http://a/b/"}, {"../g", "http://a/b/g"},
        {"../..", "http://a/"}, {"../../", "http://a/"}, {"../../g", "http://a/g"},
        {"../../../g", "http://a/g"}, {"/./g", "http://a/g"}, {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."}, {"..g", "http://a/b/c/..g"}, {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"}, {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"}, {"g;x=1/../y", "http://a/b/c/y"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect("http://a/b/c/d;p?q", cases[i][0], cases[i][1]);
}

static void test_pages(void **state)
{
    (void)state;
    expect("https://example.org", "img/a.png", "https://example.org/img/a.png");
    expect("https://example.org/news/story.html", " \tphotos/\n1.jpg ",
           "https://example.org/news/photos/1.jpg");
    expect("https://example.org/a/", "..\\b\\c.png", "https://example.org/b/c.png");
    expect(NULL, "img/a.png", NULL);            /* no base: stays the caller's to decide */
    expect(NULL, "https://x.org/a", "https://x.org/a"); /* absolute needs none */
    expect("https://example.org/", "mailto:a@b.org", "mailto:a@b.org");
    assert_true(uri_is_web("HTTPS://x.org"));
    assert_false(uri_is_web("javascript:alert(1)"));
    assert_false(uri_is_web("c:/photos/a.png"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3986_examples),
        cmocka_unit_test(test_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
