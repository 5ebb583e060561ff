/* test_notes.c: footnotes ([^1]) and numbered references (Dia[1]) on fixtures written for the
 * project (tests/fixtures/interview; run from the repository root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "readers/notes.h"

#define FIX "tests/fixtures/interview/"

typedef struct fixture {
    cmark_node *doc;
    arena *a;
    diag_list diags;
    note *notes;
    size_t n_notes;
} fixture;

static void fixture_parse(fixture *f, const char *md, size_t len)
{
    memset(f, 0, sizeof *f);
    f->doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT);
    f->a = arena_new();
    assert_int_equal(notes_collect(f->doc, f->a, "t.md", &f->notes, &f->n_notes, &f->diags), 0);
}

static void fixture_load(fixture *f, const char *name)
{
    char *path = xasprintf(FIX "%s", name);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(file_read_all(path, 0, &data, &len), 0);
    fixture_parse(f, data, len);
    free(data);
    free(path);
}

static void fixture_free(fixture *f)
{
    for (size_t i = 0; i < f->n_notes; i++)
        cmark_node_free(f->notes[i].body);
    free(f->notes);
    cmark_node_free(f->doc);
    arena_free(f->a);
    diag_list_clear(&f->diags);
}

/* Every node of the given sem kind, in document order. */
static size_t sem_nodes(cmark_node *root, sem_kind k, cmark_node **out, size_t max)
{
    size_t n = 0;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        sem_node *s = ev == CMARK_EVENT_ENTER ? sem_get(c) : NULL;
        if (s && s->kind == k && n < max)
            out[n++] = c;
    }
    cmark_iter_free(it);
    return n;
}

/* All text of a subtree, concatenated. The caller frees it. */
static char *all_text(cmark_node *root)
{
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "");
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_TEXT)
            strbuf_adds(&b, cmark_node_get_literal(c));
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK)
            strbuf_addc(&b, '\n');
    }
    cmark_iter_free(it);
    return strbuf_detach(&b, NULL);
}

static void test_footnotes(void **state)
{
    (void)state;
    fixture f;
    fixture_load(&f, "footnotes.md");
    /* numbered in order of first reference: src, 2, url; "unused" is dropped */
    assert_int_equal(f.n_notes, 3);
    assert_int_equal(f.notes[0].number, 1);
    assert_string_equal(f.notes[0].label, "src");
    assert_string_equal(f.notes[1].label, "2");
    assert_string_equal(f.notes[2].label, "url");
    for (size_t i = 0; i < 3; i++) {
        sem_node *s = sem_get(f.notes[i].body);
        assert_non_null(s);
        assert_int_equal(s->kind, SEM_DIV);
        assert_null(cmark_node_parent(f.notes[i].body));
    }
    /* the note keeps its inline markup and its indented second paragraph */
    cmark_node *p1 = cmark_node_first_child(f.notes[0].body);
    assert_int_equal(cmark_node_get_type(p1), CMARK_NODE_PARAGRAPH);
    assert_int_equal(cmark_node_get_type(cmark_node_next(cmark_node_first_child(p1))),
                     CMARK_NODE_EMPH);
    cmark_node *p2 = cmark_node_next(p1);
    assert_non_null(p2);
    assert_int_equal(cmark_node_get_type(p2), CMARK_NODE_PARAGRAPH);
    char *t2 = all_text(p2);
    assert_string_equal(t2, "A second paragraph of the same note.");
    free(t2);
    char *short_note = all_text(f.notes[1].body);
    assert_string_equal(short_note, "Short note");
    free(short_note);
    /* a definition cmark took as a link reference definition: the note links to the URL */
    cmark_node *link = cmark_node_first_child(cmark_node_first_child(f.notes[2].body));
    assert_int_equal(cmark_node_get_type(link), CMARK_NODE_LINK);
    assert_string_equal(cmark_node_get_url(link), "https://example.org/page");

    /* references: 1, 2, 3, then 1 again (with its own id) */
    cmark_node *refs[8];
    size_t n = sem_nodes(f.doc, SEM_NOTEREF, refs, 8);
    assert_int_equal(n, 4);
    int numbers[] = {1, 2, 3, 1};
    const char *ids[] = {"fnref-1", "fnref-2", "fnref-3", "fnref-1-2"};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(sem_get(refs[i])->number, numbers[i]);
        assert_string_equal(sem_get(refs[i])->id, ids[i]);
    }
    /* definitions are gone from the text; the undefined reference stays as text */
    char *text = all_text(f.doc);
    assert_null(strstr(text, "[^src]"));
    assert_null(strstr(text, "Nobody refers"));
    assert_non_null(strstr(text, "missing.[^nope]"));
    assert_string_equal(text, "The first claim needs a source. The second one too."
                              "See the page. A sentence cites the first source again. "
                              "And one note is missing.[^nope]");
    free(text);
    assert_int_equal(cmark_node_get_type(cmark_node_last_child(f.doc)), CMARK_NODE_PARAGRAPH);
    /* two warnings a person can act on: the missing definition and the unused note */
    assert_int_equal(f.diags.len, 2);
    int saw_missing = 0, saw_unused = 0;
    for (size_t i = 0; i < f.diags.len; i++) {
        const diag *d = &f.diags.items[i];
        assert_int_equal(d->severity, DIAG_WARNING);
        assert_string_equal(d->file, "t.md");
        if (strstr(d->message, "[^nope]")) {
            saw_missing = 1;
            assert_int_equal(d->line, 3);
        }
        if (strstr(d->message, "[^unused]")) {
            saw_unused = 1;
            assert_int_equal(d->line, 10);
        }
    }
    assert_true(saw_missing && saw_unused);
    fixture_free(&f);
}

static void test_no_notes(void **state)
{
    (void)state;
    fixture f;
    const char *md = "Plain text with [brackets] and a [link](https://example.org).\n";
    fixture_parse(&f, md, strlen(md));
    assert_int_equal(f.n_notes, 0);
    assert_null(f.notes);
    assert_int_equal(f.diags.len, 0);
    fixture_free(&f);
}

static void test_duplicate_definition(void **state)
{
    (void)state;
    fixture f;
    const char *md = "Text.[^a]\n\n[^a]: First one.\n\n[^a]: Second one.\n";
    fixture_parse(&f, md, strlen(md));
    assert_int_equal(f.n_notes, 1);
    char *t = all_text(f.notes[0].body);
    assert_string_equal(t, "First one.");
    free(t);
    assert_int_equal(f.diags.len, 1);
    assert_int_equal(f.diags.items[0].line, 5);
    assert_non_null(strstr(f.diags.items[0].message, "twice"));
    fixture_free(&f);
}

static void test_notes_in_quote(void **state)
{
    (void)state;
    fixture f;
    const char *md = "> A quoted claim.[^q]\n>\n> [^q]: Where the quote comes from.\n";
    fixture_parse(&f, md, strlen(md));
    assert_int_equal(f.n_notes, 1);
    char *text = all_text(f.doc);
    assert_string_equal(text, "A quoted claim.");
    free(text);
    fixture_free(&f);
}

static void test_numbered_references(void **state)
{
    (void)state;
    fixture f;
    fixture_load(&f, "references.md");
    /* anchors ref-1..3 at the start of each item */
    cmark_node *anchors[8];
    size_t n = sem_nodes(f.doc, SEM_ANCHOR, anchors, 8);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "ref-%d", (int)i + 1);
        assert_string_equal(sem_get(anchors[i])->id, id);
        assert_null(cmark_node_previous(anchors[i]));
        assert_int_equal(cmark_node_get_type(cmark_node_parent(cmark_node_parent(anchors[i]))),
                         CMARK_NODE_ITEM);
    }
    /* Dia[1] and Comet[2] link to them; [4] (no such item) and [note] stay text */
    cmark_node *p = cmark_node_first_child(f.doc);
    const char *urls[4];
    size_t k = 0;
    for (cmark_node *c = cmark_node_first_child(p); c; c = cmark_node_next(c))
        if (cmark_node_get_type(c) == CMARK_NODE_LINK && k < 4)
            urls[k++] = cmark_node_get_url(c);
    assert_int_equal(k, 2);
    assert_string_equal(urls[0], "#ref-1");
    assert_string_equal(urls[1], "#ref-2");
    char *text = all_text(f.doc);
    assert_non_null(strstr(text, "Dia[1] and Comet[2]"));
    assert_non_null(strstr(text, "see also [4]"));
    assert_non_null(strstr(text, "bracketed [note] that"));
    free(text);
    /* [^x] has no definition */
    assert_int_equal(f.diags.len, 1);
    fixture_free(&f);
}

static void test_no_reference_list(void **state)
{
    (void)state;
    fixture f;
    const char *md = "Dia[1] is a browser.\n\n- not\n- numbered\n";
    fixture_parse(&f, md, strlen(md));
    cmark_node *anchors[2];
    assert_int_equal(sem_nodes(f.doc, SEM_ANCHOR, anchors, 2), 0);
    char *text = all_text(f.doc);
    assert_non_null(strstr(text, "Dia[1] is"));
    free(text);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_footnotes),
        cmocka_unit_test(test_no_notes),
        cmocka_unit_test(test_duplicate_definition),
        cmocka_unit_test(test_notes_in_quote),
        cmocka_unit_test(test_numbered_references),
        cmocka_unit_test(test_no_reference_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
