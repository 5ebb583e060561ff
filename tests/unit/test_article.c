/* test_article.c: an article's title, chapter cuts and heading ids (article.c), and the
 * utilities they stand on (util.c paths, strmap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/article.h"
#include "passes/passes.h"
#include "readers/reader.h"
#include "base/strmap.h"
#include "base/util.h"

/* Parse Markdown given as a string through the whole of article.c, as from a file. */
static article *article_from(const char *name, const char *markdown, const build_options *o)
{
    char path[] = "/tmp/sheaf-test-article-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, markdown, strlen(markdown)), (ssize_t)strlen(markdown));
    close(fd);
    char *named = xasprintf("%s-%s", path, name);
    assert_int_equal(rename(path, named), 0);
    plan_entry e;
    memset(&e, 0, sizeof e);
    e.path = named;
    e.part = -1;
    meta_init(&e.overrides);
    article *a = article_new(0);
    assert_int_equal(reader_read(a, &e, o), 0);
    assert_int_equal(passes_run(a, o), 0);
    unlink(named);
    free(named);
    return a;
}

static void test_title_sources(void **state)
{
    (void)state;
    build_options o;
    build_options_init(&o);
    article *a =
        article_from("x.md", "---\ntitle: From Front Matter\n---\n# Heading One\n\ntext\n", &o);
    assert_string_equal(a->meta.title, "From Front Matter");
    article_free(a);
    a = article_from("x.md", "# Heading One\n\ntext\n\n## Part\n\nmore\n", &o);
    assert_string_equal(a->meta.title, "Heading One");
    /* The title heading is not also a section. */
    assert_int_equal(a->n_headings, 1);
    assert_string_equal(a->headings[0].text, "Part");
    article_free(a);
    a = article_from("my-great_talk.md", "Just text, no heading at all.\n", &o);
    assert_true(str_ends_with(a->meta.title, "my great talk"));
    article_free(a);
    /* Pasted text: a repeated title line becomes the title, once. */
    a = article_from("p.txt", "A Pasted Title\n\nA Pasted Title\n\nBody text.\n", &o);
    assert_string_equal(a->meta.title, "A Pasted Title");
    article_free(a);
    build_options_free(&o);
}

/* Pasted text: a short line right under the title is the article's deck (its description),
 * not its first paragraph; a long line, a line followed by another title-like line, or an
 * article that has a description already keep the line as text (issue 16). */
static void test_pasted_deck(void **state)
{
    (void)state;
    build_options o;
    build_options_init(&o);
    const char *body = "Mara Holt has fired wood kilns for thirty years and talked with us about "
                       "patience, glaze chemistry and her tools.\n";
    char *md = xasprintf("Slow Kilns\n\nSlow Kilns\n\nA Long Conversation in Three Firings\n\n%s",
                         body);
    article *a = article_from("p.txt", md, &o);
    assert_string_equal(a->meta.title, "Slow Kilns");
    assert_non_null(a->meta.description);
    assert_string_equal(a->meta.description, "A Long Conversation in Three Firings");
    char *first = node_plain_text(cmark_node_first_child(a->doc));
    assert_true(strncmp(first, "Mara Holt", 9) == 0);
    free(first);
    article_free(a);
    free(md);
    /* two title-like lines under the title: the first is a section's title, not a deck */
    md = xasprintf("Slow Kilns\n\nSlow Kilns\n\nA Deck Or Not\n\nThe First Firing\n\n%s", body);
    a = article_from("p.txt", md, &o);
    assert_null(a->meta.description);
    article_free(a);
    free(md);
    /* a description given in front matter stays; the line stays in the text */
    md = xasprintf("---\ndescription: Given.\n---\nSlow Kilns\n\nSlow Kilns\n\nA Line\n\n%s", body);
    a = article_from("p.txt", md, &o);
    assert_string_equal(a->meta.description, "Given.");
    first = node_plain_text(cmark_node_first_child(a->doc));
    assert_string_equal(first, "A Line");
    free(first);
    article_free(a);
    free(md);
    build_options_free(&o);
}

static void test_chapters_cut_at_top_sections(void **state)
{
    (void)state;
    build_options o;
    build_options_init(&o);
    /* A short article is one document, whatever its sections (issue 16: it used to be cut at
     * each top-level section, a new page on an e-reader each time). */
    article *a = article_from("x.md", "# T\n\n## One\n\na\n\n### Sub\n\nb\n\n## Two\n\nc\n", &o);
    assert_int_equal(a->n_chapters, 1);
    assert_int_equal(a->n_headings, 3);
    assert_int_equal(a->headings[0].level, 1);
    assert_int_equal(a->headings[1].level, 2);
    assert_int_equal(a->headings[1].chapter, 0);
    assert_int_equal(a->headings[2].chapter, 0);
    article_free(a);
    a = article_from("x.md", "# T\n\nIntro.\n\n## One\n\na\n\n## Two\n\nc\n", &o);
    assert_int_equal(a->n_chapters, 1);
    article_free(a);
    /* Past the size limit, the cut comes at the last top-level section boundary: three
     * sections of ~90 KB make [One, Two] and [Three], not a cut inside Three. */
    strbuf md = STRBUF_INIT;
    strbuf_adds(&md, "# Big\n\n");
    for (int s = 1; s <= 3; s++) {
        strbuf_addf(&md, "## Section %d\n\n", s);
        for (int i = 0; i < 100; i++) {
            for (int k = 0; k < 100; k++)
                strbuf_adds(&md, "words ok ");
            strbuf_adds(&md, "\n\n");
        }
    }
    a = article_from("big.md", md.data, &o);
    assert_int_equal(a->n_chapters, 2);
    assert_int_equal(a->n_headings, 3);
    assert_int_equal(a->headings[0].chapter, 0);
    assert_int_equal(a->headings[1].chapter, 0);
    assert_int_equal(a->headings[2].chapter, 1);
    assert_ptr_equal(a->chapters[1].first, a->headings[2].node);
    article_free(a);
    strbuf_release(&md);
    build_options_free(&o);
}

static void test_large_sections_split_between_blocks(void **state)
{
    (void)state;
    build_options o;
    build_options_init(&o);
    strbuf md = STRBUF_INIT;
    strbuf_adds(&md, "# Big\n\n");
    /* 600 paragraphs of ~1 KB: about three documents' worth, with no headings. */
    for (int i = 0; i < 600; i++) {
        strbuf_addf(&md, "Paragraph %d ", i);
        for (int k = 0; k < 100; k++)
            strbuf_adds(&md, "words ok ");
        strbuf_adds(&md, "\n\n");
    }
    article *a = article_from("big.md", md.data, &o);
    assert_true(a->n_chapters >= 3);
    for (size_t c = 0; c < a->n_chapters; c++) {
        size_t n = 0;
        for (cmark_node *b = a->chapters[c].first; b && b != a->chapters[c].end;
             b = cmark_node_next(b)) {
            assert_int_equal(cmark_node_get_type(b), CMARK_NODE_PARAGRAPH);
            n++;
        }
        assert_true(n > 0);
        assert_true(n * 910 <= ARTICLE_CHAPTER_LIMIT + 1000);
    }
    article_free(a);
    strbuf_release(&md);
    build_options_free(&o);
}

static void test_heading_ids_unique_and_stable(void **state)
{
    (void)state;
    build_options o;
    build_options_init(&o);
    article *a =
        article_from("x.md",
                     "# T\n\n## Intro\n\n## Intro\n\n## 2024 Plans\n\n## Fn 1\n\n## fn-1\n\n"
                     "## Ça va?\n",
                     &o);
    assert_int_equal(a->n_headings, 6);
    assert_string_equal(a->headings[0].id, "intro");
    assert_string_equal(a->headings[1].id, "intro-1");
    assert_string_equal(a->headings[2].id, "h-2024-plans");
    assert_string_equal(a->headings[3].id, "h-fn-1"); /* never the id of a footnote */
    assert_string_not_equal(a->headings[4].id, "fn-1");
    assert_string_equal(a->headings[5].id, "Ça-va");
    article_free(a);
    build_options_free(&o);
}

static void test_paths(void **state)
{
    (void)state;
    char *p;
    p = path_normalize("a/./b/../c");
    assert_string_equal(p, "a/c");
    free(p);
    p = path_normalize("../x/../../y.md");
    assert_string_equal(p, "../../y.md");
    free(p);
    assert_null(path_normalize("/a/../../b"));
    p = path_join("../samples", "img/x.png");
    assert_string_equal(p, "../samples/img/x.png");
    free(p);
    p = path_relative("text/c0001-01.xhtml", "images/a.png");
    assert_string_equal(p, "../images/a.png");
    free(p);
    p = path_relative("text/c0001-01.xhtml", "text/c0002-01.xhtml");
    assert_string_equal(p, "c0002-01.xhtml");
    free(p);
    p = path_relative("nav.xhtml", "text/c0001-01.xhtml");
    assert_string_equal(p, "text/c0001-01.xhtml");
    free(p);
}

static void test_strmap(void **state)
{
    (void)state;
    /* an empty map (no slots yet) answers lookups and takes its first keys */
    strmap *e = strmap_new();
    assert_null(strmap_get(e, "a"));
    assert_int_equal(strmap_has(e, ""), 0);
    assert_int_equal(strmap_count(e), 0);
    assert_null(strmap_put(e, "", (void *)1));
    assert_int_equal(strmap_has(e, ""), 1);
    assert_int_equal(strmap_add(e, "b", (void *)2), 1);
    assert_int_equal(strmap_add(e, "c", (void *)3), 1);
    assert_int_equal(strmap_add(e, "d", (void *)4), 1); /* past the first slots */
    assert_int_equal((intptr_t)strmap_get(e, "b"), 2);
    assert_int_equal((intptr_t)strmap_get(e, "d"), 4);
    assert_int_equal((intptr_t)strmap_put(e, "", (void *)5), 1);
    assert_int_equal(strmap_count(e), 4);
    strmap_free(e);
    strmap_free(NULL);

    strmap *m = strmap_new();
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(strmap_add(m, key, (void *)(intptr_t)(i + 1)), 1);
    }
    assert_int_equal(strmap_add(m, "k42", NULL), 0);
    assert_int_equal((intptr_t)strmap_get(m, "k42"), 43);
    assert_int_equal((intptr_t)strmap_get(m, "k4999"), 5000);
    assert_null(strmap_get(m, "nope"));
    assert_int_equal(strmap_count(m), 5000);
    strmap_free(m);
}

static void test_mem_find(void **state)
{
    (void)state;
    const unsigned char hay[] = "ab<?x?>cd<?x?>\0<?y?>";
    size_t n = sizeof hay - 1;
    assert_ptr_equal(mem_find(hay, n, "<?x?>", 5), hay + 2);
    assert_ptr_equal(mem_find(hay + 3, n - 3, "<?x?>", 5), hay + 9);
    assert_ptr_equal(mem_find(hay, n, "<?y?>", 5), hay + 15); /* past a NUL byte */
    assert_null(mem_find(hay, n, "<?z?>", 5));
    assert_null(mem_find(hay, 6, "<?x?>", 5)); /* cut short: not all of it is there */
    assert_ptr_equal(mem_find(hay, 7, "<?x?>", 5), hay + 2);
    assert_null(mem_find(hay, 0, "a", 1));
}

static void test_atomic_write_keeps_old_file_on_failure(void **state)
{
    (void)state;
    char dir[] = "/tmp/sheaf-test-dir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/book.epub", dir);
    assert_int_equal(file_write_atomic(path, "first", 5), 0);
    char *bad = xasprintf("%s/missing/book.epub", dir);
    assert_int_equal(file_write_atomic(bad, "x", 1), -1);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(file_read_all(path, 0, &data, &len), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "first", 5);
    free(data);
    unlink(path);
    rmdir(dir);
    free(path);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_sources),
        cmocka_unit_test(test_pasted_deck),
        cmocka_unit_test(test_chapters_cut_at_top_sections),
        cmocka_unit_test(test_large_sections_split_between_blocks),
        cmocka_unit_test(test_heading_ids_unique_and_stable),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_mem_find),
        cmocka_unit_test(test_atomic_write_keeps_old_file_on_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
