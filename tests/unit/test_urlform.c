/* test_urlform.c: links written as browsers write them (WHATWG URL serialisation), so that an
 * EPUB checker finds every href valid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/urlform.h"

static void test_forms(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* what people write, and what browsers request */
        {"https://example.org/a b/c\xC2\xAE.html", "https://example.org/a%20b/c%C2%AE.html"},
        {"https://example.org/#/#100-99", "https://example.org/#/%23100-99"},
        {"http://\xC3\xB8stre.no/", "http://xn--stre-fra.no/"},
        {"https://m\xC3\xBCnchen.de/stra\xC3\x9F" "e", "https://xn--mnchen-3ya.de/stra%C3%9Fe"},
        {"http:/example.org/x", "http://example.org/x"},
        {"http:\\\\example.org\\a\\b", "http://example.org/a/b"},
        {"HTTP://Example.ORG:80/%7Efoo/", "http://example.org/%7Efoo/"},
        {"https://example.org:8443", "https://example.org:8443/"},
        {"https://example.org/?q=a b&x=\xC3\xA9", "https://example.org/?q=a%20b&x=%C3%A9"},
        {"https://example.org/a|b{c}^`[d]", "https://example.org/a%7Cb%7Bc%7D%5E%60%5Bd%5D"},
        {"https://example.org/x\"y<z>", "https://example.org/x%22y%3Cz%3E"},
        {"https://example.org/100%", "https://example.org/100%25"},
        {"https://example.org/%E2%82%AC", "https://example.org/%E2%82%AC"},
        {"  https://example.org/a\n\tb  ", "https://example.org/ab"},
        {"https://user:pa ss@example.org/", "https://user:pa%20ss@example.org/"},
        {"https://[2001:DB8::1]:443/", "https://[2001:db8::1]/"},
        {"mailto:ana ruiz@example.org", "mailto:ana%20ruiz@example.org"},
        {"tel:+1 555 0100", "tel:+1%20555%200100"},
        {"https://example.org/already-fine?x=1#top", "https://example.org/already-fine?x=1#top"},
        /* hosts that are IPv4 addresses, in every shape the standard reads */
        {"http://127.0.0.1/", "http://127.0.0.1/"},
        {"http://0x7f.1/", "http://127.0.0.1/"},
        {"http://2130706433/", "http://127.0.0.1/"},
        {"http://0177.0.0.1/", "http://127.0.0.1/"},
        {"http://\xEF\xBC\x91.2.3.4/", "http://1.2.3.4/"}, /* a full-width digit */
        {"http://example.org./", "http://example.org./"},
        {"http://1x.example/", "http://1x.example/"},
        {"http://[::ffff:1.2.3.4]/", "http://[::ffff:1.2.3.4]/"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = url_form(cases[i].in);
        if (!got || strcmp(got, cases[i].want) != 0)
            fail_msg("'%s': got '%s', expected '%s'", cases[i].in, got ? got : "NULL",
                     cases[i].want);
        free(got);
    }
    /* not addresses at all */
    static const char *const bad[] = {"https://", "https://exa mple.org/", "https://ex.org:99999/",
                                      "https://ex.org:8x/", "no-scheme.org", "https://a<b.org/",
                                      /* hosts no browser or EPUB checker takes: invalid UTF-8
                                       * made U+FFFD, IDNA refusals, empty labels, numbers that
                                       * are no IPv4 address, brackets that hold no IPv6 one */
                                      "http://\xEF\xBF\xBD", "http://\xEF\xBF\xBD/x",
                                      "https://a\xEF\xBF\xBD" "b.org/", "http://\xE2\x80\x8B/",
                                      "http://a..b/", "http://.a/", "http://./",
                                      "http://\xE2\x80\x8D.com/", "http://1.2.3.4.5/",
                                      "http://999.1.1.1/", "http://1.2.3.256/",
                                      "http://4294967296/", "http://0x100000000/",
                                      "http://09.1.1.1/", "http://[zz]/", "http://[1::2::3]/",
                                      "http://[::1/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *got = url_form(bad[i]);
        if (got)
            fail_msg("'%s' gave '%s'", bad[i], got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
