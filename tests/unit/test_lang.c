/* test_lang.c: BCP 47 tag syntax (RFC 5646) and text direction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/lang.h"

#define VALID(t) assert_int_equal(lang_tag_valid(t), 1)
#define INVALID(t) assert_int_equal(lang_tag_valid(t), 0)

static void test_simple_languages(void **state)
{
    (void)state;
    VALID("en");
    VALID("de");
    VALID("fil");     /* 3 letters */
    VALID("EN");      /* case-insensitive */
    /* RFC 5646 reserves 4-letter and 5-8-letter primary subtags, and the IANA registry holds
     * none: refusing them catches "english" or "french" written where a tag belongs. */
    INVALID("qaaa");
    INVALID("abcdefgh");
    INVALID("french");
    INVALID("deutsch-DE");
    INVALID("abcdefghi");
    INVALID("e");
    INVALID("");
    INVALID(NULL);
    INVALID("C");
    INVALID("english");
    INVALID("12");
    INVALID("e1");
}

static void test_separators(void **state)
{
    (void)state;
    INVALID("en_US");
    INVALID("en-");
    INVALID("-en");
    INVALID("en--US");
    INVALID("en US");
    INVALID("en-US ");
    INVALID("en.UTF-8");
    INVALID("C.UTF-8");
    INVALID("fr-\xc3\xa9t\xc3\xa9");
}

static void test_extlang(void **state)
{
    (void)state;
    VALID("zh-yue");
    VALID("zh-yue-HK");
    VALID("ar-aao-bbb-ccc");     /* up to three extlangs */
    INVALID("ar-aao-bbb-ccc-ddd"); /* a fourth is neither extlang nor anything else */
    INVALID("abcd-yue");           /* no extlang after a 4-letter language */
    INVALID("abcde-yue");
}

static void test_script_region(void **state)
{
    (void)state;
    VALID("sr-Latn");
    VALID("sr-latn-rs");
    VALID("zh-Hant-TW");
    VALID("en-US");
    VALID("es-419"); /* 3-digit region */
    VALID("zh-yue-Hant-HK");
    INVALID("es-41");
    VALID("es-4190");    /* digit + 3 alphanumerics is a variant */
    INVALID("en-U");
    VALID("en-usa");      /* 3 letters after the language: an extlang, well-formed */
    INVALID("en-Latn-USA"); /* 3 letters after a script is nothing */
    INVALID("en-US-usa");
    INVALID("en-US-US");
    INVALID("en-Latn-Latn");
    INVALID("en-US-Latn"); /* script after region */
}

static void test_variants(void **state)
{
    (void)state;
    VALID("de-1996");         /* digit + 3 */
    VALID("sl-rozaj");        /* 5 letters */
    VALID("sl-rozaj-biske");  /* two variants */
    VALID("sl-IT-nedis");
    VALID("de-CH-1901");
    VALID("en-scouse-fonipa");
    VALID("hy-Latn-IT-arevela");
    VALID("de-1a2b");          /* digit + 3 alphanumerics */
    INVALID("de-a123");        /* 4 chars starting with a letter is a script only if letters */
    INVALID("sl-rozaj-rozaj"); /* duplicate variant */
    INVALID("sl-rozaj-ROZAJ"); /* duplicates are case-insensitive */
    INVALID("de-1996-CH");     /* region after variant */
    INVALID("de-123456789");
}

static void test_extensions(void **state)
{
    (void)state;
    VALID("de-DE-u-co-phonebk");
    VALID("en-a-bbb-b-ccc");
    VALID("en-a-bbb-ccc");
    VALID("th-TH-u-nu-thai");
    VALID("en-US-u-islamcal");
    VALID("en-0-ab"); /* digit singleton */
    INVALID("en-a");       /* singleton with no subtag */
    INVALID("en-a-b");     /* extension subtags are 2-8 long */
    INVALID("en-a-bbb-a-ccc"); /* duplicate singleton */
    INVALID("en-a-bbb-A-ccc");
    VALID("en-a-bbb-sl-rozaj-1996"); /* all extension subtags */
}

static void test_extension_subtags(void **state)
{
    (void)state;
    /* Everything of length 2-8 after a singleton belongs to the extension. */
    VALID("en-a-bbb-sl-rozaj");
    VALID("en-a-bb-ccccc-12");
    INVALID("en-a-bbb-c");
    INVALID("en-a-bbb-123456789");
}

static void test_private_use(void **state)
{
    (void)state;
    VALID("x-whatever");
    VALID("X-a");
    VALID("x-a-b-c");
    VALID("x-12345678");
    VALID("en-US-x-twain");
    VALID("en-a-bbb-x-a-ccc");
    VALID("en-x-a-x"); /* anything after x is private, even another x */
    VALID("qaa-Qaaa-QM-x-southern");
    INVALID("x");
    INVALID("en-x");
    INVALID("x-123456789");
    INVALID("en-x-");
}

static void test_grandfathered(void **state)
{
    (void)state;
    VALID("i-klingon");
    VALID("I-KLINGON");
    VALID("en-GB-oed");
    VALID("i-default");
    VALID("sgn-BE-FR");
    VALID("art-lojban");
    VALID("zh-min-nan");
    VALID("zh-hakka");
    VALID("cel-gaulish");
    INVALID("i-foo");        /* not a registered irregular tag */
    INVALID("en-GB-oedx");
    INVALID("i");
}

static void test_direction(void **state)
{
    (void)state;
    assert_string_equal(lang_direction("en"), "ltr");
    assert_string_equal(lang_direction("ar"), "rtl");
    assert_string_equal(lang_direction("AR-eg"), "rtl");
    assert_string_equal(lang_direction("he"), "rtl");
    assert_string_equal(lang_direction("he-IL"), "rtl");
    assert_string_equal(lang_direction("fa-IR"), "rtl");
    assert_string_equal(lang_direction("ur"), "rtl");
    assert_string_equal(lang_direction("ps"), "rtl");
    assert_string_equal(lang_direction("yi"), "rtl");
    assert_string_equal(lang_direction("dv"), "rtl");
    assert_string_equal(lang_direction("ckb"), "rtl");
    assert_string_equal(lang_direction("sd"), "rtl");
    assert_string_equal(lang_direction("ug"), "rtl");
    assert_string_equal(lang_direction("az-Arab"), "rtl");
    assert_string_equal(lang_direction("az-arab-IR"), "rtl");
    assert_string_equal(lang_direction("jrb-Hebr"), "rtl");
    assert_string_equal(lang_direction("en-Thaa"), "rtl");
    assert_string_equal(lang_direction("syr-Syrc"), "rtl");
    assert_string_equal(lang_direction("ar-Latn"), "ltr"); /* an explicit script decides */
    assert_string_equal(lang_direction("sd-Deva"), "ltr");
    assert_string_equal(lang_direction("arc"), "ltr");     /* not a prefix match */
    assert_string_equal(lang_direction("hea"), "ltr");
    assert_string_equal(lang_direction("en-x-arab"), "ltr");
    assert_string_equal(lang_direction("zh-Hant"), "ltr");
    assert_string_equal(lang_direction(""), "ltr");
    assert_string_equal(lang_direction(NULL), "ltr");
}

#define DATE(iso, lang, want)                                                                     \
    do {                                                                                          \
        char *got_ = lang_date_text(iso, lang);                                                   \
        assert_string_equal(got_, want);                                                          \
        free(got_);                                                                               \
    } while (0)

static void test_dates(void **state)
{
    (void)state;
    DATE("2015-05-21", "en", "21 May 2015");
    DATE("2015-05-21", "en-GB", "21 May 2015");
    DATE("2015-05-21", "EN-us", "21 May 2015");
    DATE("2015-05", "en", "May 2015");
    DATE("2015", "en", "2015");
    DATE("2021-09-30", "de", "30. September 2021");
    DATE("2021-03-04", "de-AT", "4. M\xC3\xA4rz 2021");
    DATE("2021-05-20", "it", "20 maggio 2021");
    DATE("2021-12-01", "fr", "1 d\xC3\xA9" "cembre 2021");
    DATE("2021-05-20", "es", "20 de mayo de 2021");
    DATE("2021-03-02", "pt-BR", "2 de mar\xC3\xA7o de 2021");
    DATE("2021-05-20", "nl", "20 mei 2021");
    DATE("2015-05-21", "ja", "2015\xE5\xB9\xB4" "5\xE6\x9C\x88" "21\xE6\x97\xA5");
    DATE("2015-05-21", "zh-Hans", "2015\xE5\xB9\xB4" "5\xE6\x9C\x88" "21\xE6\x97\xA5");
    DATE("2015-05-21", "ko", "2015\xEB\x85\x84 5\xEC\x9B\x94 21\xEC\x9D\xBC");
    /* a language whose form is not known here, or none: ISO */
    DATE("2015-05-21", "tlh", "2015-05-21");
    DATE("2015-05-21", "fi", "2015-05-21");
    DATE("2015-05-21", NULL, "2015-05-21");
    DATE("2015-05-21", "C", "2015-05-21");
    /* not such a date: as given */
    DATE("2015-13-01", "en", "2015-13-01");
    DATE("2015-00", "en", "2015-00");
    DATE("2015-05-00", "en", "2015-05-00");
    DATE("May 2015", "en", "May 2015");
    DATE("2015-5-1", "en", "2015-5-1");
    DATE("", "en", "");
    assert_null(lang_date_text(NULL, "en"));
}

static void test_script_guess(void **state)
{
    (void)state;
    const char *t;
#define GUESS(text) lang_script_guess(text, strlen(text))
    assert_null(GUESS("Plain English text."));
    assert_null(GUESS(""));
    assert_null(GUESS("12345 -- !!"));
    assert_null(GUESS("Caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e")); /* Latin with accents */
    /* an English sentence with one Chinese name stays English */
    assert_null(GUESS("We met the potter in Jingdezhen (\xE6\x99\xAF\xE5\xBE\xB7\xE9\x95\x87) last spring, at her studio."));
    t = GUESS("ChatGPT Atlas \xE5\x8F\x91\xE5\xB8\x83,AI \xE6\xB5\x8F\xE8\xA7\x88\xE5\x99\xA8");
    assert_string_equal(t, "zh");
    t = GUESS("\xE9\x99\xB6\xE8\x8A\xB8\xE5\xAE\xB6\xE3\x81\xAE\xE4\xBB\x95\xE4\xBA\x8B"); /* 陶芸家の仕事 */
    assert_string_equal(t, "ja");
    t = GUESS("\xEB\x8F\x84\xEC\x98\x88\xEA\xB0\x80\xEB\x8A\x94"); /* 도예가는 */
    assert_string_equal(t, "ko");
    t = GUESS("\xD8\xA7\xD9\x84\xD9\x81\xD8\xAE\xD8\xA7\xD8\xB1 ok"); /* الفخار ok: more Arabic letters than Latin */
    assert_string_equal(t, "ar");
    t = GUESS("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
    assert_string_equal(t, "he");
    /* invalid UTF-8 is no script at all */
    assert_null(GUESS("\xFF\xFE\xE6\x99"));
#undef GUESS
    assert_true(lang_same_script("zh-Hant", "zh"));
    assert_true(lang_same_script("ja", "zh"));   /* kanji alone in a Japanese book */
    assert_false(lang_same_script("zh", "ja"));  /* kana: Japanese in a Chinese book */
    assert_false(lang_same_script("en", "zh"));
    assert_true(lang_same_script("fa", "ar"));
    assert_false(lang_same_script("en", "ar"));
    assert_true(lang_same_script("yi", "he"));
    assert_false(lang_same_script(NULL, "zh"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_script_guess),
        cmocka_unit_test(test_simple_languages), cmocka_unit_test(test_separators),
        cmocka_unit_test(test_extlang),          cmocka_unit_test(test_script_region),
        cmocka_unit_test(test_variants),         cmocka_unit_test(test_extensions),
        cmocka_unit_test(test_extension_subtags), cmocka_unit_test(test_private_use),
        cmocka_unit_test(test_grandfathered),    cmocka_unit_test(test_direction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
