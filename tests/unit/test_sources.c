/* test_sources.c: a line of an article's document in the finished book leads back to the line of
 * the article's file it came from (book_sources_find), so that a finding of the build's own
 * check can name the input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "book.h"
#include "readers/plan.h"

/* The text of entry `name` of the zip in data[0..len), NUL-terminated; the caller frees it. */
static char *zip_entry_text(const unsigned char *data, size_t len, const char *name)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
    assert_non_null(src);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &err);
    assert_non_null(za);
    zip_stat_t st;
    assert_int_equal(zip_stat(za, name, 0, &st), 0);
    char *text = xmalloc((size_t)st.size + 1);
    zip_file_t *zf = zip_fopen(za, name, 0);
    assert_non_null(zf);
    assert_int_equal(zip_fread(zf, text, st.size), (zip_int64_t)st.size);
    text[st.size] = '\0';
    zip_fclose(zf);
    zip_discard(za);
    return text;
}

/* The line (from 1) of the first occurrence of needle in text. */
static int line_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    assert_non_null(at);
    int line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

static void test_lines_lead_back(void **state)
{
    (void)state;
    /* front matter (lines 1-3), then blocks on known lines, some holding newlines of their own
     * (a code block, a paragraph of several lines) that move the XHTML lines after them */
    const char *md = "---\n"
                     "title: Lines\n"
                     "---\n"
                     "\n"
                     "First paragraph.\n"           /* 5 */
                     "\n"
                     "```\n"                        /* 7 */
                     "code one\n"
                     "code two\n"
                     "code three\n"
                     "```\n"
                     "\n"
                     "A paragraph\n"                /* 13 */
                     "of three\n"
                     "lines.\n"
                     "\n"
                     "<div class=\"raw\">\n"        /* 17 */
                     "<p>raw one</p>\n"
                     "<p>raw two</p>\n"
                     "</div>\n"
                     "\n"
                     "## A Section\n"               /* 22 */
                     "\n"
                     "Last paragraph, the marker.\n"; /* 24 */
    plan p;
    build_options o;
    diag_list diags = DIAG_LIST_INIT;
    build_stats stats;
    unsigned char *epub = NULL;
    size_t len = 0;
    plan_init(&p);
    build_options_init(&o);
    o.epoch = 1700000000;
    o.threads = 1;
    plan_entry *e = plan_add(&p, "lines.md");
    e->data = md;
    e->data_len = strlen(md);
    assert_int_equal(book_build(&p, &o, -1, &epub, &len, &stats, &diags), 0);
    assert_non_null(stats.sources);
    const char *entry = "EPUB/text/c0001-01.xhtml";
    char *xhtml = zip_entry_text(epub, len, entry);
    const struct {
        const char *needle;
        int want;
    } cases[] = {
        {"First paragraph.", 5},  {"code three", 7},   {"of three", 13}, {"raw two", 17},
        {"A Section</h2>", 22}, {"the marker.", 24},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *file = NULL;
        int src = -1;
        int line = line_of(xhtml, cases[i].needle);
        assert_int_equal(book_sources_find(stats.sources, entry, line, &file, &src), 1);
        assert_string_equal(file, "lines.md");
        if (src != cases[i].want)
            fail_msg("'%s' on XHTML line %d: source line %d, expected %d", cases[i].needle, line,
                     src, cases[i].want);
    }
    /* documents that are not an article's are not found */
    const char *file = NULL;
    int src = 0;
    assert_int_equal(book_sources_find(stats.sources, "EPUB/nav.xhtml", 3, &file, &src), 0);
    free(xhtml);
    free(epub);
    book_sources_free(stats.sources);
    strlist_clear(&stats.left_out);
    diag_list_clear(&diags);
    plan_free(&p);
    build_options_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_lead_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
