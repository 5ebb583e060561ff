/* test_text.c: input cleaning (line endings, UTF-8, XML-forbidden characters), binary
 * detection and heading slugs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/diag.h"
#include "base/text.h"
#include "base/util.h"

#define FFFD "\xEF\xBF\xBD"

/* Clean `in` (length given, so NULs can be inside) and compare with `want`. */
static void check_clean(const char *in, size_t len, const char *want, size_t ndiags,
                        diag_list *diags)
{
    size_t outlen = 12345;
    char *out = text_clean(in, len, "in.md", &outlen, diags);
    assert_non_null(out);
    assert_int_equal(outlen, strlen(want));
    assert_memory_equal(out, want, outlen);
    assert_int_equal(out[outlen], '\0');
    assert_int_equal(diags->len, ndiags);
    free(out);
}

#define CLEAN(lit, want, n)                                                                    \
    do {                                                                                       \
        diag_list d_ = DIAG_LIST_INIT;                                                         \
        check_clean(lit, sizeof(lit) - 1, want, n, &d_);                                       \
        diag_list_clear(&d_);                                                                  \
    } while (0)

static void test_clean_plain(void **state)
{
    (void)state;
    CLEAN("", "", 0);
    CLEAN("hello\nworld\n", "hello\nworld\n", 0);
    CLEAN("tab\there ~ DEL\x7f kept", "tab\there ~ DEL\x7f kept", 0);
    CLEAN("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF",
          "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF", 0);
    /* U+FFFD and U+FEFF in the middle are ordinary characters */
    CLEAN("a" FFFD "b\xEF\xBB\xBF" "c", "a" FFFD "b\xEF\xBB\xBF" "c", 0);
    /* the last valid BMP characters before U+FFFE */
    CLEAN("\xEF\xBF\xBC\xEF\xBF\xBD", "\xEF\xBF\xBC\xEF\xBF\xBD", 0);
}

static void test_clean_line_endings(void **state)
{
    (void)state;
    CLEAN("a\r\nb\r\n", "a\nb\n", 0);
    CLEAN("a\rb\rc", "a\nb\nc", 0);
    CLEAN("a\r\n\r\nb\rc\n\rd", "a\n\nb\nc\n\nd", 0);
    CLEAN("\r", "\n", 0);
    CLEAN("a\r", "a\n", 0);
    CLEAN("\n\r\n", "\n\n", 0);
}

static void test_clean_bom(void **state)
{
    (void)state;
    CLEAN("\xEF\xBB\xBFtitle", "title", 0);
    CLEAN("\xEF\xBB\xBF", "", 0);
    CLEAN("\xEF\xBB\xBF\xEF\xBB\xBFx", "\xEF\xBB\xBFx", 0); /* only the first is a BOM */
    CLEAN("\xEF\xBB", FFFD, 1);                              /* a truncated BOM is invalid */
}

static void test_clean_invalid_utf8(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    check_clean("a\xFF" "b", 3, "a" FFFD "b", 1, &d);
    assert_int_equal(d.items[0].severity, DIAG_WARNING);
    assert_string_equal(d.items[0].file, "in.md");
    assert_int_equal(d.items[0].line, 1);
    assert_non_null(strstr(d.items[0].message, "UTF-8"));
    assert_non_null(strstr(d.items[0].message, "U+FFFD"));
    diag_list_clear(&d);

    /* Latin-1 text: each stray byte is replaced */
    CLEAN("caf\xE9 cr\xE8me", "caf" FFFD " cr" FFFD "me", 1);
    /* continuation bytes alone */
    CLEAN("\x80\xBF", FFFD FFFD, 1);
    /* a lead byte without its continuation, at the end and before ASCII */
    CLEAN("x\xE2\x82", "x" FFFD, 1);
    CLEAN("\xE2\x82x", FFFD "x", 1);
    CLEAN("\xF0\x9F\x98", FFFD, 1);
    CLEAN("\xC3", FFFD, 1);
    CLEAN("\xC3\n", FFFD "\n", 1);
}

static void test_clean_overlong_surrogates_range(void **state)
{
    (void)state;
    /* overlong forms: C0/C1 never start a sequence; E0 80..9F and F0 80..8F are overlong */
    CLEAN("\xC0\xAF", FFFD FFFD, 1);
    CLEAN("\xC1\xBF", FFFD FFFD, 1);
    CLEAN("\xE0\x80\xAF", FFFD FFFD FFFD, 1);
    CLEAN("\xE0\x9F\xBF", FFFD FFFD FFFD, 1);
    CLEAN("\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD, 1);
    CLEAN("\xF0\x8F\xBF\xBF", FFFD FFFD FFFD FFFD, 1);
    /* surrogates U+D800..U+DFFF */
    CLEAN("\xED\xA0\x80", FFFD FFFD FFFD, 1);
    CLEAN("\xED\xBF\xBF", FFFD FFFD FFFD, 1);
    CLEAN("\xED\x9F\xBF", "\xED\x9F\xBF", 0); /* U+D7FF is fine */
    /* above U+10FFFF */
    CLEAN("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD, 1);
    CLEAN("\xF5\x80\x80\x80", FFFD FFFD FFFD FFFD, 1);
    CLEAN("\xFE\xFF", FFFD FFFD, 1);
    /* a valid prefix is replaced as one unit (maximal subpart) */
    CLEAN("\xF0\x9F\x98" "a\xE2\x82" "b", FFFD "a" FFFD "b", 1);
    CLEAN("\xE2\x82\xE2\x82\xAC", FFFD "\xE2\x82\xAC", 1);
}

static void test_clean_one_warning_per_line(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    const char in[] = "ok\n\xFF\xFF bad \xFE\r\nfine\r\xC0 again\nend\xFF";
    check_clean(in, sizeof in - 1, "ok\n" FFFD FFFD " bad " FFFD "\nfine\n" FFFD " again\nend" FFFD,
                3, &d);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[1].line, 4); /* CRLF and CR both end a line */
    assert_int_equal(d.items[2].line, 5);
    diag_list_clear(&d);
}

static void test_clean_warning_cap(void **state)
{
    (void)state;
    /* A file in another encoding: 20 lines are named, then one summary. */
    strbuf in = STRBUF_INIT;
    for (int i = 0; i < 25; i++)
        strbuf_adds(&in, "caf\xE9\n");
    diag_list d = DIAG_LIST_INIT;
    size_t outlen = 0;
    char *out = text_clean(in.data, in.len, "latin1.txt", &outlen, &d);
    assert_int_equal(outlen, 25 * 7);
    assert_int_equal(d.len, 21);
    assert_int_equal(d.items[0].line, 1);
    assert_int_equal(d.items[19].line, 20);
    assert_int_equal(d.items[20].line, 21);
    assert_non_null(strstr(d.items[20].message, "5 more lines"));
    assert_string_equal(d.items[20].file, "latin1.txt");
    free(out);
    diag_list_clear(&d);
    strbuf_release(&in);
}

static void test_clean_forbidden_characters(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    const char in[] = "line one\nA\x01" "B\x00" "C\x1F" "D\x0B\x0C\x1B" "E\nx\x00";
    check_clean(in, sizeof in - 1, "line one\nABCDE\nx", 1, &d);
    assert_int_equal(d.items[0].severity, DIAG_WARNING);
    assert_int_equal(d.items[0].line, 2); /* the first one's line */
    assert_string_equal(d.items[0].file, "in.md");
    assert_non_null(strstr(d.items[0].message, "7 control characters"));
    diag_list_clear(&d);

    /* U+FFFE and U+FFFF are dropped too; one of them is "character" */
    check_clean("a\xEF\xBF\xBE" "b\xEF\xBF\xBF", 8, "ab", 1, &d);
    assert_non_null(strstr(d.items[0].message, "2 control characters"));
    diag_list_clear(&d);
    check_clean("\x00", 1, "", 1, &d);
    assert_non_null(strstr(d.items[0].message, "1 control character "));
    assert_int_equal(d.items[0].line, 1);
    diag_list_clear(&d);

    /* both kinds in one file: a warning per bad line, one for the dropped characters */
    check_clean("\xFF\x01\n\x02\xFF", 5, FFFD "\n" FFFD, 3, &d);
    assert_int_equal(diag_list_count_at_least(&d, DIAG_ERROR), 0);
    diag_list_clear(&d);
}

static void test_clean_growth(void **state)
{
    (void)state;
    /* every byte invalid: the output is three times the input */
    size_t n = 100000;
    char *in = malloc(n);
    assert_non_null(in);
    memset(in, 0xFF, n);
    diag_list d = DIAG_LIST_INIT;
    size_t outlen = 0;
    char *out = text_clean(in, n, "x", &outlen, &d);
    assert_int_equal(outlen, 3 * n);
    for (size_t i = 0; i < outlen; i += 3)
        assert_memory_equal(out + i, FFFD, 3);
    assert_int_equal(d.len, 1);
    free(out);
    diag_list_clear(&d);

    /* alternate invalid bytes with text and lines */
    for (size_t i = 0; i < n; i++)
        in[i] = (i % 3 == 0) ? '\xC3' : (i % 3 == 1) ? 'a' : '\n';
    out = text_clean(in, n, NULL, NULL, &d); /* no file name, no length wanted */
    assert_int_equal(strlen(out), (n / 3) * 5 + (n % 3 ? 3 : 0) + (n % 3 == 2 ? 1 : 0));
    assert_int_equal(d.len, 21);
    assert_null(d.items[0].file);
    free(out);
    diag_list_clear(&d);
    free(in);
}


/* Strictly valid UTF-8 with nothing XML forbids and no CR. */
static int clean_text_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n')
                return 0;
            i++;
            continue;
        }
        uint32_t cp;
        size_t len;
        if (c >= 0xC2 && c <= 0xDF) {
            cp = c & 0x1F;
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            cp = c & 0x0F;
            len = 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            cp = c & 0x07;
            len = 4;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
            return 0;
        i += len;
    }
    return 1;
}

static void test_clean_random_bytes(void **state)
{
    (void)state;
    /* Whatever comes in, what comes out is clean, and cleaning it again changes nothing. */
    uint32_t seed = 7;
    unsigned char in[256];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % 256);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 16;
            /* favour bytes that make UTF-8 and line endings interesting */
            static const unsigned char pick[] = {'a', '\r', '\n', 0x00, 0x80, 0xBF, 0xC2, 0xE0,
                                                 0xED, 0xEF, 0xF0, 0xF4, 0xBB, 0xBE, 0xFF, 0xA0};
            in[i] = (r & 1) ? pick[(r >> 1) % sizeof pick] : (unsigned char)(r >> 8);
        }
        diag_list d = DIAG_LIST_INIT;
        size_t outlen = 0, again_len = 0;
        char *out = text_clean((const char *)in, n, "r", &outlen, &d);
        if (!clean_text_ok((const unsigned char *)out, outlen))
            fail_msg("round %d: output is not clean", round);
        assert_int_equal(strlen(out) <= outlen, 1);
        diag_list_clear(&d);
        char *again = text_clean(out, outlen, "r", &again_len, &d);
        assert_int_equal(again_len, outlen);
        assert_memory_equal(again, out, outlen);
        assert_int_equal(d.len, 0);
        free(again);
        free(out);
        diag_list_clear(&d);
    }
}

#define LOOKS_BINARY(lit) text_looks_binary(lit, sizeof(lit) - 1)

/* YAML escapes can make any character; the ones XML forbids go, the rest stay as they were. */
static void test_strip_xml_forbidden(void **state)
{
    (void)state;
    char s[] = "a\x01" "b\tc\nd\re\x00" "f\x1fg\xef\xbf\xbeh\xef\xbf\xbfi\xef\xbf\xbdj\x7f\xc2\x85k";
    size_t len = sizeof s - 1;
    assert_int_equal(text_strip_xml_forbidden(s, &len), 5);
    const char want[] = "ab\tc\nd\refg" "hi\xef\xbf\xbdj\x7f\xc2\x85k";
    assert_int_equal(len, sizeof want - 1);
    assert_memory_equal(s, want, len);
    len = 0;
    assert_int_equal(text_strip_xml_forbidden(s, &len), 0);
    assert_true(text_xml_allowed("caf\xc3\xa9 \t ok"));
    assert_false(text_xml_allowed("bell\a"));
    assert_false(text_xml_allowed("\xef\xbf\xbf"));
}

static void test_looks_binary(void **state)
{
    (void)state;
    assert_int_equal(LOOKS_BINARY(""), 0);
    assert_int_equal(LOOKS_BINARY("# Title\n\nText.\n"), 0);
    assert_int_equal(LOOKS_BINARY("caf\xC3\xA9 \xE2\x80\x94"), 0);
    assert_int_equal(LOOKS_BINARY("caf\xE9 cr\xE8me"), 0); /* Latin-1 is text */
    assert_int_equal(LOOKS_BINARY("a\0b"), 1);
    assert_int_equal(LOOKS_BINARY("\x89PNG\r\n\x1a\n\x00\x00"), 1);
    assert_int_equal(LOOKS_BINARY("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), 1);
    assert_int_equal(LOOKS_BINARY("PK\x03\x04\x14"), 1);
    assert_int_equal(LOOKS_BINARY("\xFF\xD8\xFF\xE0"), 1);
    assert_int_equal(LOOKS_BINARY("GIF89a"), 1);
    assert_int_equal(LOOKS_BINARY("\x7F" "ELF\x02"), 1);
    assert_int_equal(LOOKS_BINARY("\x1F\x8B\x08"), 1);
    assert_int_equal(LOOKS_BINARY("RIFF\x10\x20\x30\x40WEBPVP8 "), 1);
    assert_int_equal(LOOKS_BINARY("\x10\x20\x30\x40" "ftypisom"), 1);
    assert_int_equal(LOOKS_BINARY("BZh91AY&SY"), 1);
    assert_int_equal(LOOKS_BINARY("BZh is not bzip2"), 0);
    assert_int_equal(LOOKS_BINARY("PDF- and PK are letters"), 0);
    /* terminal colours and form feeds are text */
    assert_int_equal(LOOKS_BINARY("\x1b[1mbold\x1b[0m\f\v\r\n"), 0);

    /* control bytes: one in a long text is an accident, one in five is binary */
    char buf[1000];
    memset(buf, 'a', sizeof buf);
    buf[500] = '\x01';
    assert_int_equal(text_looks_binary(buf, sizeof buf), 0);
    for (size_t i = 0; i < sizeof buf; i += 5)
        buf[i] = '\x02';
    assert_int_equal(text_looks_binary(buf, sizeof buf), 1);

    /* only the first 8 KiB are scanned for NULs */
    size_t n = 20000;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'x', n);
    big[10000] = '\0';
    assert_int_equal(text_looks_binary(big, n), 0);
    big[8191] = '\0';
    assert_int_equal(text_looks_binary(big, n), 1);
    free(big);
}

/*** slugs ***/

#define SLUG(in, want)                                                                         \
    do {                                                                                       \
        char *s_ = text_slug(in);                                                              \
        assert_string_equal(s_, want);                                                         \
        free(s_);                                                                              \
    } while (0)

static void test_slug_ascii(void **state)
{
    (void)state;
    SLUG("Hello World", "hello-world");
    SLUG("What's new?", "whats-new");
    SLUG("C++ & Rust: a comparison", "c--rust-a-comparison");
    SLUG("foo_bar-baz", "foo_bar-baz");
    SLUG("Version 2.0 (beta)", "version-20-beta");
    SLUG("Tab\there", "tab-here");
    SLUG("line\nbreak", "line-break");
    SLUG("  two  spaces ", "h---two--spaces-"); /* each space is one '-', as on GitHub */
    SLUG("`code` and *stars*", "code-and-stars");
    SLUG("a/b\\c|d<e>f\"g'h", "abcdefgh");
    SLUG("_private", "_private");
    SLUG("ABC", "abc");
}

static void test_slug_prefix_and_empty(void **state)
{
    (void)state;
    SLUG("1. Introduction", "h-1-introduction");
    SLUG("2024", "h-2024");
    SLUG("-dash", "h--dash");
    SLUG("...dots", "dots");
    SLUG("\xCC\x81" "accent first", "h-\xCC\x81" "accent-first"); /* U+0301 combining */
    SLUG("", "section");
    SLUG("!!!", "section");
    SLUG("?", "section");
    SLUG("\xF0\x9F\x8E\x89", "section"); /* only an emoji */
    SLUG(NULL, "section");
}

static void test_slug_scripts(void **state)
{
    (void)state;
    /* non-ASCII letters are kept as they are (not lowercased) */
    SLUG("\xC3\x9Cn\xC3\xAF" "c\xC3\xB6" "d\xC3\xA9 Stra\xC3\x9F" "e",
         "\xC3\x9Cn\xC3\xAF" "c\xC3\xB6" "d\xC3\xA9-stra\xC3\x9F" "e");
    SLUG("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80",
         "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82-\xD0\xBC\xD0\xB8\xD1\x80");
    /* 日本語の見出し。 : the ideographic full stop goes */
    SLUG("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE8\xA6\x8B\xE5\x87\xBA\xE3\x81\x97"
         "\xE3\x80\x82",
         "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE8\xA6\x8B\xE5\x87\xBA\xE3\x81\x97");
    /* مرحبا بالعالم؟ : the Arabic question mark goes */
    SLUG("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9"
         "\x84\xD9\x85\xD8\x9F",
         "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7-\xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9"
         "\x84\xD9\x85");
    /* combining marks inside a word stay: e + U+0301 */
    SLUG("Cafe\xCC\x81", "cafe\xCC\x81");
    /* Roman numeral Ⅻ (a letter number) stays; fullwidth letters stay, fullwidth ! goes */
    SLUG("\xE2\x85\xAB", "\xE2\x85\xAB");
    SLUG("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x81", "\xEF\xBC\xA1\xEF\xBC\xA2");
}

static void test_slug_punctuation_and_symbols(void **state)
{
    (void)state;
    SLUG("Emoji \xF0\x9F\x8E\x89 party", "emoji--party");
    SLUG("\xC2\xAB" "Quoted\xC2\xBB \xE2\x80\x94 dash\xE2\x80\xA6", "quoted--dash"); /* « » — … */
    SLUG("\xE2\x80\x9CSmart\xE2\x80\x9D quotes", "smart-quotes");
    SLUG("Brand\xE2\x84\xA2 \xC2\xA9 2024", "brand--2024"); /* ™ © */
    SLUG("Price \xE2\x82\xAC" "5", "price-5");               /* € */
    SLUG("a\xC2\xA0" "b", "a-b");                             /* no-break space */
    SLUG("In\xE2\x80\x91" "Depth", "in-depth");                /* non-breaking hyphen */
    SLUG("In\xE2\x80\x90" "Depth", "in-depth");                /* hyphen */
    SLUG("a\xE3\x80\x80" "b", "a-b");                         /* ideographic space */
    SLUG("a\xC2\xB7" "b", "ab");                              /* middle dot */
    SLUG("x \xC3\x97 y", "x--y");                             /* multiplication sign */
    SLUG("a\xE2\x80\x8D" "b", "ab");                          /* zero-width joiner */
    SLUG("a\xFF" "b\xC3", "ab");                              /* invalid UTF-8 is skipped */
}

/* XML 1.0 fifth edition NCName, written out independently of text.c. */
static int ncname_start(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z') ||
           (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
           (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) ||
           (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
           (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
           (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0xEFFFF);
}

static int ncname_char(uint32_t c)
{
    return ncname_start(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 ||
           (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

static int is_ncname(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int first = 1;
    while (*p) {
        uint32_t c;
        int n;
        if (*p < 0x80) {
            c = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            c = *p & 0x1F;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            c = *p & 0x0F;
            n = 3;
        } else {
            c = *p & 0x07;
            n = 4;
        }
        for (int k = 1; k < n; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (p[k] & 0x3F);
        }
        if (first ? !ncname_start(c) : !ncname_char(c))
            return 0;
        first = 0;
        p += n;
    }
    return !first;
}

static void test_slug_always_ncname(void **state)
{
    (void)state;
    /* Random byte strings, random valid code points, and every code point up to U+FFFF as the
     * first character: the slug is always a non-empty NCName. */
    uint32_t seed = 12345;
    char in[64];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        while (n < 40) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 8;
            if (round % 2 == 0) {
                in[n++] = (char)(r & 0xFF ? r & 0xFF : 'a');
                continue;
            }
            uint32_t c = r % 0x110000;
            if (c == 0 || (c >= 0xD800 && c <= 0xDFFF))
                continue;
            if (c < 0x80) {
                in[n++] = (char)c;
            } else if (c < 0x800) {
                in[n++] = (char)(0xC0 | (c >> 6));
                in[n++] = (char)(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                in[n++] = (char)(0xE0 | (c >> 12));
                in[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
                in[n++] = (char)(0x80 | (c & 0x3F));
            } else {
                in[n++] = (char)(0xF0 | (c >> 18));
                in[n++] = (char)(0x80 | ((c >> 12) & 0x3F));
                in[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
                in[n++] = (char)(0x80 | (c & 0x3F));
            }
        }
        in[n] = '\0';
        char *s = text_slug(in);
        if (!is_ncname(s))
            fail_msg("slug \"%s\" is not an NCName", s);
        free(s);
    }
    for (uint32_t c = 0x80; c < 0x10000; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        char buf[8];
        if (c < 0x800) {
            buf[0] = (char)(0xC0 | (c >> 6));
            buf[1] = (char)(0x80 | (c & 0x3F));
            buf[2] = 'x';
            buf[3] = '\0';
        } else {
            buf[0] = (char)(0xE0 | (c >> 12));
            buf[1] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[2] = (char)(0x80 | (c & 0x3F));
            buf[3] = 'x';
            buf[4] = '\0';
        }
        char *s = text_slug(buf);
        if (!is_ncname(s))
            fail_msg("slug of U+%04X is \"%s\", not an NCName", (unsigned)c, s);
        free(s);
    }
}

static void test_slug_long(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *in = malloc(n + 1);
    assert_non_null(in);
    for (size_t i = 0; i < n; i++)
        in[i] = (i % 2) ? 'A' : ' ';
    in[n] = '\0';
    char *s = text_slug(in);
    assert_int_equal(strlen(s), n + 2); /* starts with '-': "h-" in front */
    assert_memory_equal(s, "h--a-a", 6);
    free(s);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_plain),
        cmocka_unit_test(test_clean_line_endings),
        cmocka_unit_test(test_clean_bom),
        cmocka_unit_test(test_clean_invalid_utf8),
        cmocka_unit_test(test_clean_overlong_surrogates_range),
        cmocka_unit_test(test_clean_one_warning_per_line),
        cmocka_unit_test(test_clean_warning_cap),
        cmocka_unit_test(test_clean_forbidden_characters),
        cmocka_unit_test(test_clean_growth),
        cmocka_unit_test(test_clean_random_bytes),
        cmocka_unit_test(test_looks_binary),
        cmocka_unit_test(test_strip_xml_forbidden),
        cmocka_unit_test(test_slug_ascii),
        cmocka_unit_test(test_slug_prefix_and_empty),
        cmocka_unit_test(test_slug_scripts),
        cmocka_unit_test(test_slug_punctuation_and_symbols),
        cmocka_unit_test(test_slug_always_ncname),
        cmocka_unit_test(test_slug_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
