/* test_pasted.c: pasted bullets become lists, sections are inferred from standalone title
 * lines, real headings are never second-guessed (fixtures in tests/fixtures/interview; run
 * from the repository root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "passes/pasted.h"
#include "readers/pastedtext.h"
#include "base/util.h"

#define FIX "tests/fixtures/interview/"

static char *load(const char *name, size_t *len)
{
    char *path = xasprintf(FIX "%s", name);
    char *data = NULL;
    assert_int_equal(file_read_all(path, 0, &data, len), 0);
    free(path);
    return data;
}

static size_t count_lines(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

/* Normalise, parse and split lists, as the build does for a pasted input. */
static cmark_node *parse_pasted(const char *name)
{
    size_t len = 0, nlen = 0;
    char *data = load(name, &len);
    char *norm = pasted_normalize(data, len, &nlen);
    const char *text = norm ? norm : data;
    size_t tlen = norm ? nlen : len;
    cmark_node *doc = cmark_parse_document(text, tlen, CMARK_OPT_DEFAULT);
    if (norm)
        pasted_split_lists(doc, text, tlen);
    free(norm);
    free(data);
    return doc;
}

static char *plain(cmark_node *root)
{
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "");
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_TEXT)
            strbuf_adds(&b, cmark_node_get_literal(c));
    }
    cmark_iter_free(it);
    return strbuf_detach(&b, NULL);
}

static size_t count_type(cmark_node *doc, cmark_node_type t)
{
    size_t n = 0;
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b))
        n += cmark_node_get_type(b) == t;
    return n;
}

static void test_normalize(void **state)
{
    (void)state;
    size_t len = 0, nlen = 0;
    char *data = load("pasted.txt", &len);
    char *norm = pasted_normalize(data, len, &nlen);
    assert_non_null(norm);
    assert_int_equal(strlen(norm), nlen);
    /* same number of lines, so messages keep their line numbers */
    assert_int_equal(count_lines(norm, nlen), count_lines(data, len));
    /* the "image" placeholder line is left empty (issue 16) */
    assert_non_null(strstr(norm, "It lists a few things:\n\n+ first item\n+ second item\n"
                                 "+ third item\n+ fourth item\n+ fifth item\n\n\nThe paragraph"));
    /* inside a fenced code block the bullet stays */
    assert_non_null(strstr(norm, "```\n\xe2\x80\xa2 not a list inside code\n```"));
    free(norm);
    free(data);

    /* nothing to do: NULL */
    const char *md = "Plain *Markdown*\n\n- a list\n- \xe2\x80\x93 a dash inside an item\n"
                     "\xe2\x80\x94 an em dash is prose\n\xe2\x80\xa2";
    assert_null(pasted_normalize(md, strlen(md), &nlen));
}

static void test_pasted_lists(void **state)
{
    (void)state;
    cmark_node *doc = parse_pasted("pasted.txt");
    /* one list of five items, then the next paragraph (the "image" placeholder line is gone) */
    cmark_node *list = NULL;
    for (cmark_node *b = cmark_node_first_child(doc); b && !list; b = cmark_node_next(b))
        if (cmark_node_get_type(b) == CMARK_NODE_LIST)
            list = b;
    assert_non_null(list);
    size_t items = 0;
    for (cmark_node *i = cmark_node_first_child(list); i; i = cmark_node_next(i))
        items++;
    assert_int_equal(items, 5);
    char *last = plain(cmark_node_last_child(list));
    assert_string_equal(last, "fifth item");
    free(last);
    cmark_node *after = cmark_node_next(list);
    assert_int_equal(cmark_node_get_type(after), CMARK_NODE_PARAGRAPH);
    char *t = plain(after);
    assert_string_equal(t, "The paragraph after the list.");
    free(t);
    cmark_node_free(doc);

    /* a line right after pasted items (CommonMark takes it into the last item) is split out;
     * items after it go on in a list of their own */
    const char *md = "\xe2\x80\xa2 one\ncaption under one\n\xe2\x80\xa2 two\n\xe2\x80\xa2 three\nafter\n";
    size_t nlen = 0;
    char *norm = pasted_normalize(md, strlen(md), &nlen);
    assert_non_null(norm);
    doc = cmark_parse_document(norm, nlen, CMARK_OPT_DEFAULT);
    assert_int_equal(pasted_split_lists(doc, norm, nlen), 2);
    const char *want[] = {"one", "caption under one", "twothree", "after"};
    size_t k = 0;
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b), k++) {
        assert_true(k < 4);
        assert_int_equal(cmark_node_get_type(b), k % 2 ? CMARK_NODE_PARAGRAPH : CMARK_NODE_LIST);
        char *bt = plain(b);
        assert_string_equal(bt, want[k]);
        free(bt);
    }
    assert_int_equal(k, 4);
    cmark_node_free(doc);
    free(norm);
}

static void test_split_list_in_middle(void **state)
{
    (void)state;
    const char *txt = "Intro:\n\n\xe2\x80\xa2 one\nstray line\n\xe2\x80\xa2 two\n";
    size_t nlen = 0;
    char *norm = pasted_normalize(txt, strlen(txt), &nlen);
    assert_non_null(norm);
    cmark_node *doc = cmark_parse_document(norm, nlen, CMARK_OPT_DEFAULT);
    assert_int_equal(pasted_split_lists(doc, norm, nlen), 1);
    /* paragraph, list(one), paragraph(stray line), list(two) */
    cmark_node *b = cmark_node_first_child(doc);
    cmark_node_type want[] = {CMARK_NODE_PARAGRAPH, CMARK_NODE_LIST, CMARK_NODE_PARAGRAPH,
                              CMARK_NODE_LIST};
    for (size_t i = 0; i < 4; i++, b = cmark_node_next(b)) {
        assert_non_null(b);
        assert_int_equal(cmark_node_get_type(b), want[i]);
    }
    assert_null(b);
    cmark_node_free(doc);
    free(norm);

    /* a Markdown list written by hand is left alone */
    const char *md = "- one\n  lazy but indented\n- two\n";
    doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    assert_int_equal(pasted_split_lists(doc, md, strlen(md)), 0);
    cmark_node_free(doc);
}

static void test_infer_after_breaks(void **state)
{
    (void)state;
    cmark_node *doc = parse_pasted("pasted.txt");
    assert_int_equal(pasted_infer_sections(doc, NULL, NULL), 3);
    const char *titles[] = {"What Came First", "A Small Subtitle", "Is This the End?"};
    int levels[] = {2, 3, 2};
    size_t k = 0;
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b)) {
        if (cmark_node_get_type(b) != CMARK_NODE_HEADING)
            continue;
        assert_true(k < 3);
        char *t = plain(b);
        assert_string_equal(t, titles[k]);
        free(t);
        assert_int_equal(cmark_node_get_heading_level(b), levels[k]);
        k++;
    }
    assert_int_equal(k, 3);
    /* the breaks that stood before the titles are gone */
    assert_int_equal(count_type(doc, CMARK_NODE_THEMATIC_BREAK), 0);
    /* the opening line, a sentence and the list stay as they were */
    char *first = plain(cmark_node_first_child(doc));
    assert_string_equal(first, "A Pasted Article Title");
    free(first);
    cmark_node_free(doc);
}

static void test_real_headings(void **state)
{
    (void)state;
    size_t len = 0;
    char *data = load("real-headings.md", &len);
    cmark_node *doc = cmark_parse_document(data, len, CMARK_OPT_DEFAULT);
    size_t headings = count_type(doc, CMARK_NODE_HEADING);
    assert_int_equal(pasted_infer_sections(doc, NULL, NULL), 0);
    assert_int_equal(count_type(doc, CMARK_NODE_HEADING), headings);
    assert_int_equal(count_type(doc, CMARK_NODE_THEMATIC_BREAK), 1);
    cmark_node_free(doc);
    free(data);

    /* the title heading given by the caller does not count as a section */
    const char *md = "# Only a title\n\nSome prose long enough to be a paragraph.\n\n---\n\n"
                     "A Section\n\nIts body, long enough to be read as prose by anyone.\n";
    doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    assert_int_equal(pasted_infer_sections(doc, cmark_node_first_child(doc), NULL), 1);
    cmark_node_free(doc);
}

static void test_titles_between_paragraphs(void **state)
{
    (void)state;
    size_t len = 0;
    char *data = load("pasted-titles-between.md", &len);
    cmark_node *doc = cmark_parse_document(data, len, CMARK_OPT_DEFAULT);
    assert_int_equal(pasted_infer_sections(doc, NULL, NULL), 2);
    assert_int_equal(count_type(doc, CMARK_NODE_HEADING), 2);
    cmark_node *h = cmark_node_next(cmark_node_first_child(doc));
    assert_int_equal(cmark_node_get_type(h), CMARK_NODE_HEADING);
    assert_int_equal(cmark_node_get_heading_level(h), 2);
    cmark_node_free(doc);
    free(data);

    /* a transcript of short replies is no list of titles */
    const char *md = "**Ann Lee:** A long answer that goes on for a while, enough to be prose of "
                     "more than a hundred characters.\n\nRight\n\n"
                     "Another long answer that goes on for a while, enough to be prose of more "
                     "than a hundred characters.\n\n**Bo Kim:** Sure\n\n"
                     "A third long answer that goes on for a while, enough to be prose of more "
                     "than a hundred characters.\n";
    doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    assert_int_equal(pasted_infer_sections(doc, NULL, NULL), 0);
    cmark_node_free(doc);
}

static void test_runon_heading(void **state)
{
    (void)state;
    /* "# " before a long pasted paragraph is not a real heading */
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "Opening prose that is long enough to be a paragraph of an article.\n\n---\n\n"
                    "Real Section Title\n\nSection body that reads as prose, long enough.\n\n# ");
    for (int i = 0; i < 20; i++)
        strbuf_adds(&b, "run-on words ");
    strbuf_adds(&b, "\n");
    cmark_node *doc = cmark_parse_document(b.data, b.len, CMARK_OPT_DEFAULT);
    assert_int_equal(pasted_infer_sections(doc, NULL, NULL), 1);
    assert_int_equal(count_type(doc, CMARK_NODE_HEADING), 1);
    assert_int_equal(cmark_node_get_type(cmark_node_last_child(doc)), CMARK_NODE_PARAGRAPH);
    cmark_node_free(doc);
    strbuf_release(&b);
}

/* Lines that only say where a picture was are emptied, whatever their case, brackets or script;
 * a line that says more than that, and a line inside code, stay (issue 16). */
static void test_placeholder_lines(void **state)
{
    (void)state;
    const char *in = "Title\n\nimage\nImage\n  [image]  \n(IMAGE)\n\xe5\x9b\xbe\xe7\x89\x87\n"
                     "[\xe5\x9b\xbe\xe7\x89\x87]\n\xe5\x9c\x96\xe7\x89\x87\n"
                     "image of a kiln\nImages\nan image\n```\nimage\n```\nend\n";
    size_t nlen = 0;
    char *norm = pasted_normalize(in, strlen(in), &nlen);
    assert_non_null(norm);
    assert_int_equal(count_lines(norm, nlen), count_lines(in, strlen(in)));
    assert_string_equal(norm, "Title\n\n\n\n\n\n\n\n\n"
                              "image of a kiln\nImages\nan image\n```\nimage\n```\nend\n");
    free(norm);
    /* in a paragraph of words, "image" is a word */
    const char *prose = "The image\nimage text\n";
    assert_null(pasted_normalize(prose, strlen(prose), &nlen));
}

/* The body of a run-on heading: blocks after the opening paragraph, as "type:text" lines. */
static char *blocks_of(cmark_node *doc)
{
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "");
    for (cmark_node *n = cmark_node_next(cmark_node_first_child(doc)); n; n = cmark_node_next(n)) {
        char *t = plain(n);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_HEADING:
            strbuf_addf(&b, "h%d:%s\n", cmark_node_get_heading_level(n), t);
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            strbuf_adds(&b, "hr\n");
            break;
        case CMARK_NODE_PARAGRAPH:
            strbuf_addf(&b, "p:%.20s\n", t);
            break;
        default:
            strbuf_addf(&b, "%s\n", cmark_node_get_type_string(n));
        }
        free(t);
    }
    return strbuf_detach(&b, NULL);
}

/* Markdown that pasting ran into one line ("# Title --- ## Overview long text...") comes apart
 * into a heading, a thematic break and the rest, whether cmark left the "---" as it was or
 * made an em dash of it; no '#' is left in the text. */
static void test_runon_markdown_split(void **state)
{
    (void)state;
    const char *tail = "Readers who wrote in after the first part asked mostly about ash glazes, "
                       "about the cost of wood, and about whether a small electric kiln can ever "
                       "give the same surfaces as a wood firing.";
    char *md = xasprintf("Opening prose that is long enough to be a paragraph of an article.\n\n"
                         "# Notes from a Reader \xe5\x8e\x9f\xe5\x88\x9b \xc2\xb7 2024-05-02 --- "
                         "## Overview %s ### Ash %s\n",
                         tail, tail);
    const int opts[] = {CMARK_OPT_DEFAULT, CMARK_OPT_SMART};
    for (size_t i = 0; i < 2; i++) {
        cmark_node *doc = cmark_parse_document(md, strlen(md), opts[i]);
        pasted_infer_sections(doc, NULL, NULL);
        char *got = blocks_of(doc);
        assert_string_equal(got, "h2:Notes from a Reader \xe5\x8e\x9f\xe5\x88\x9b \xc2\xb7 "
                                 "2024-05-02\nhr\np:Overview Readers who\np:Ash Readers who wrot\n");
        char *text = plain(doc);
        assert_null(strchr(text, '#'));
        free(text);
        free(got);
        cmark_node_free(doc);
    }
    free(md);
    /* run-on Markdown whose pieces are all short stays a heading each */
    const char *shortmd = "Opening prose that is long enough to be a paragraph of an article.\n\n"
                          "# A Title Run Into Its Sections --- ## First Section ## Second Section "
                          "## Third Section ## Fourth Section ## Fifth Section ## Sixth Section "
                          "## Seventh Section ## Eighth\n";
    cmark_node *doc = cmark_parse_document(shortmd, strlen(shortmd), CMARK_OPT_DEFAULT);
    pasted_infer_sections(doc, NULL, NULL);
    char *got = blocks_of(doc);
    assert_string_equal(got, "h2:A Title Run Into Its Sections\nhr\nh2:First Section\n"
                             "h2:Second Section\nh2:Third Section\nh2:Fourth Section\n"
                             "h2:Fifth Section\nh2:Sixth Section\nh2:Seventh Section\n"
                             "h2:Eighth\n");
    free(got);
    cmark_node_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_pasted_lists),
        cmocka_unit_test(test_split_list_in_middle),
        cmocka_unit_test(test_infer_after_breaks),
        cmocka_unit_test(test_real_headings),
        cmocka_unit_test(test_titles_between_paragraphs),
        cmocka_unit_test(test_runon_heading),
        cmocka_unit_test(test_placeholder_lines),
        cmocka_unit_test(test_runon_markdown_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
