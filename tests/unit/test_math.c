/* test_math.c: TeX formulas kept intact through cmark (readers/math.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/gfm.h"
#include "model/sem.h"
#include "readers/math.h"

/* Parse as the Markdown reader does; the formulas in order, "i:" inline, "d:" display, "D:" a
 * display block, joined by '|', into *found (caller frees); the whole text in *all. */
static cmark_node *parse(const char *md, arena *a, char **found, char **all)
{
    size_t len = strlen(md), plen = 0;
    char *prot = math_protect(md, len, &plen);
    if (prot) {
        /* the number of lines never changes */
        size_t l1 = 0, l2 = 0;
        for (size_t i = 0; i < len; i++)
            l1 += md[i] == '\n';
        for (size_t i = 0; i < plen; i++)
            l2 += prot[i] == '\n';
        assert_int_equal(l1, l2);
    }
    cmark_node *doc = gfm_parse(prot ? prot : md, prot ? plen : len, CMARK_OPT_SMART, NULL);
    free(prot);
    math_nodes(doc, a);
    strbuf f = STRBUF_INIT, t = STRBUF_INIT;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        sem_node *s = sem_get(n);
        if (s && s->cls && (strstr(s->cls, "math"))) {
            const char *kind = strcmp(s->cls, "math") == 0           ? "i"
                               : strcmp(s->cls, "math display") == 0 ? "d"
                                                                      : "D";
            cmark_node *text = cmark_node_first_child(n);
            if (cmark_node_get_type(text) == CMARK_NODE_PARAGRAPH)
                text = cmark_node_first_child(text);
            strbuf_addf(&f, "%s%s:%s", f.len ? "|" : "", kind, cmark_node_get_literal(text));
        }
        const char *lit = cmark_node_get_literal(n);
        if (lit && (cmark_node_get_type(n) == CMARK_NODE_TEXT ||
                    cmark_node_get_type(n) == CMARK_NODE_CODE))
            strbuf_adds(&t, lit);
    }
    cmark_iter_free(it);
    strbuf_adds(&f, "");
    strbuf_adds(&t, "");
    *found = strbuf_detach(&f, NULL);
    *all = strbuf_detach(&t, NULL);
    return doc;
}

#define EXPECT(md, want)                                                                          \
    do {                                                                                          \
        char *found_, *all_;                                                                      \
        cmark_node *doc_ = parse(md, a, &found_, &all_);                                          \
        assert_string_equal(found_, want);                                                        \
        for (const char *p_ = all_; *p_; p_++)                                                    \
            assert_true((unsigned char)*p_ >= 0x20 || *p_ == '\n' || *p_ == '\t');                 \
        free(found_);                                                                             \
        free(all_);                                                                               \
        cmark_node_free(doc_);                                                                    \
    } while (0)

static void test_inline(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* emphasis rules no longer eat the underscores and stars */
    EXPECT("Let $a_1 * b_2 + c_3 * d$ be.\n", "i:$a_1 * b_2 + c_3 * d$");
    EXPECT("Then \\(x_i * y_i\\) holds.\n", "i:\\(x_i * y_i\\)");
    EXPECT("Two: $x$ and $y$.\n", "i:$x$|i:$y$");
    /* money is no formula */
    EXPECT("It costs $5 and $10, or \\$3.\n", "");
    EXPECT("From $5 to $6.50 a day.\n", "");
    EXPECT("A $ sign and $ another.\n", "");
    EXPECT("Unclosed $x here.\n", "");
    /* transcripts escape their brackets: times and stage directions are no formulas */
    EXPECT("**Ada:** \\[01:12\\] Hi. \\[laughter\\] \\(inaudible\\)\n", "");
    EXPECT("\\[a\\] \\[b\\] then \\(a_1\\)\n", "i:\\(a_1\\)");
    EXPECT("**Break:** \\[18:04\\] to \\[\\\\00:18:51.08\\]\n", "");
    EXPECT("So \\(\\alpha\\) it is.\n", "i:\\(\\alpha\\)");
    /* code spans and code blocks are left alone */
    EXPECT("Code `$a_1$` here.\n", "");
    EXPECT("```\n$a_1$\n```\n", "");
    EXPECT("Para.\n\n    $a_1$ indented code\n", "");
    /* a formula never crosses a blank line */
    EXPECT("Start $a\n\nb$ end.\n", "");
    /* but may run on to the next line of its paragraph, line break kept */
    EXPECT("Run $a +\nb$ on.\n", "i:$a +\nb$");
    arena_free(a);
}

static void test_display(void **state)
{
    (void)state;
    arena *a = arena_new();
    EXPECT("$$\n\\sum_i a_i * b_i\n$$\n", "D:$$\n\\sum_i a_i * b_i\n$$");
    EXPECT("\\[\nx^2 + y^2\n\\]\n", "D:\\[\nx^2 + y^2\n\\]");
    EXPECT("Text $$E = mc^2$$ in a line.\n", "d:$$E = mc^2$$");
    EXPECT("$$E = mc^2$$\n", "D:$$E = mc^2$$");
    /* lines that would start a list, a heading or a table stay in the formula */
    EXPECT("$$\\begin{aligned}\na &= b \\\\\n- d &= e\n# x\n\\end{aligned}$$\n",
           "D:$$\\begin{aligned}\na &= b \\\\\n- d &= e\n# x\n\\end{aligned}$$");
    /* a display block with a backtick run in it */
    EXPECT("$$\n```a```\n$$\n", "D:$$\n```a```\n$$");
    /* an unclosed block is text */
    EXPECT("$$\nx\n\nmore\n", "");
    arena_free(a);
}

static void test_no_math(void **state)
{
    (void)state;
    size_t len = 0;
    assert_null(math_protect("No formula here.\n", 17, &len));
    assert_null(math_protect("Not \\ this (or) [that].\n", 24, &len));
}

/* Many openers without closers, in one paragraph: every byte is looked at a bounded number of
 * times (a search that failed is not repeated). */
static void test_linear(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 200000; i++)
        strbuf_adds(&b, "x $5a \\(b ``c ");
    size_t len = 0;
    char *out = math_protect(b.data, b.len, &len);
    assert_null(out); /* nothing closes */
    strbuf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_no_math),
        cmocka_unit_test(test_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
