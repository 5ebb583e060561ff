/* test_gfm.c: GitHub Flavored Markdown in the article model (model/gfm.h): what the parser makes
 * and what a reader building a tree by hand makes are the same nodes to the writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/util.h"
#include "model/gfm.h"

static cmark_node *parse(const char *md)
{
    return gfm_parse(md, strlen(md), CMARK_OPT_SMART, NULL);
}

static void test_parsed_table(void **state)
{
    (void)state;
    cmark_node *doc = parse("| a | b | c | d |\n|:--|--:|:-:|---|\n| 1 | 2 |\n");
    cmark_node *t = cmark_node_first_child(doc);
    assert_true(gfm_is_table(t));
    assert_int_equal(gfm_table_columns(t), 4);
    assert_int_equal(gfm_table_align(t, 0), 'l');
    assert_int_equal(gfm_table_align(t, 1), 'r');
    assert_int_equal(gfm_table_align(t, 2), 'c');
    assert_int_equal(gfm_table_align(t, 3), 0);
    assert_int_equal(gfm_table_align(t, 9), 0); /* past the last column */
    cmark_node *head = cmark_node_first_child(t), *row = cmark_node_next(head);
    assert_true(gfm_is_table_row(head) && gfm_row_is_header(head));
    assert_true(gfm_is_table_row(row) && !gfm_row_is_header(row));
    assert_true(gfm_is_table_cell(cmark_node_first_child(row)));
    assert_false(gfm_is_table(row));
    cmark_node_free(doc);
}

static void test_parsed_inlines_and_tasks(void **state)
{
    (void)state;
    cmark_node *doc = parse("~~gone~~ ~near~ www.example.org\n\n- [x] done\n- [ ] to do\n- plain\n");
    cmark_node *p = cmark_node_first_child(doc);
    cmark_node *strike = cmark_node_first_child(p);
    assert_true(gfm_is_strikethrough(strike));
    /* one tilde is text; the bare domain is a link */
    int strikes = 0, links = 0;
    for (cmark_node *c = cmark_node_first_child(p); c; c = cmark_node_next(c)) {
        strikes += gfm_is_strikethrough(c);
        links += cmark_node_get_type(c) == CMARK_NODE_LINK;
    }
    assert_int_equal(strikes, 1);
    assert_int_equal(links, 1);
    cmark_node *list = cmark_node_next(p);
    cmark_node *i1 = cmark_node_first_child(list), *i2 = cmark_node_next(i1),
               *i3 = cmark_node_next(i2);
    assert_true(gfm_item_is_task(i1) && gfm_item_checked(i1));
    assert_true(gfm_item_is_task(i2) && !gfm_item_checked(i2));
    assert_false(gfm_item_is_task(i3));
    assert_false(gfm_item_checked(i3));
    cmark_node_free(doc);
}

/* A reader that builds a table by hand (an HTML page's <table>) gets the parser's nodes. */
static void test_built_table(void **state)
{
    (void)state;
    const uint8_t align[3] = {'r', 'x', 'c'};
    cmark_node *t = gfm_table_new(3, align);
    assert_true(gfm_is_table(t));
    assert_int_equal(gfm_table_columns(t), 3);
    assert_int_equal(gfm_table_align(t, 0), 'r');
    assert_int_equal(gfm_table_align(t, 1), 0); /* not an alignment */
    assert_int_equal(gfm_table_align(t, 2), 'c');
    cmark_node *head = gfm_table_row_new(1), *row = gfm_table_row_new(0);
    assert_true(cmark_node_append_child(t, head));
    assert_true(cmark_node_append_child(t, row));
    assert_true(gfm_row_is_header(head) && !gfm_row_is_header(row));
    cmark_node *cell = gfm_table_cell_new(), *text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, "x");
    cmark_node *strike = gfm_strikethrough_new();
    assert_true(cmark_node_append_child(strike, text));
    assert_true(cmark_node_append_child(cell, strike));
    assert_true(cmark_node_append_child(row, cell));
    assert_true(gfm_is_table_cell(cell) && gfm_is_strikethrough(strike));
    cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT);
    assert_true(cmark_node_append_child(doc, t));
    cmark_node_free(doc);
    cmark_node_free(gfm_table_new(0, NULL));
}

/* Lines wider than GFM_MAX_CELLS are text; the first is reported; fenced code is left alone. */
static void test_wide_rows(void **state)
{
    (void)state;
    size_t n = GFM_MAX_CELLS + 10;
    char *md = xmalloc(3 * n + 200);
    size_t len = 0;
    len += (size_t)sprintf(md + len, "```\n");
    memset(md + len, '|', n);
    len += n;
    len += (size_t)sprintf(md + len, "\n```\n\n| a |\n|---|\n");
    memset(md + len, '|', n);
    len += n;
    md[len++] = '\n';
    int wide = -1;
    cmark_node *doc = gfm_parse(md, len, 0, &wide);
    assert_int_equal(wide, 7);
    cmark_node *code = cmark_node_first_child(doc);
    assert_int_equal(cmark_node_get_type(code), CMARK_NODE_CODE_BLOCK);
    assert_int_equal(strspn(cmark_node_get_literal(code), "|"), n);
    cmark_node_free(doc);
    doc = gfm_parse("| a |\n|---|\n| 1 |\n", 18, 0, &wide);
    assert_int_equal(wide, 0);
    cmark_node_free(doc);
    free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parsed_table),
        cmocka_unit_test(test_parsed_inlines_and_tasks),
        cmocka_unit_test(test_built_table),
        cmocka_unit_test(test_wide_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
