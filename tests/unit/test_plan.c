/* test_plan.c: reading lists and folders become ordered entries (plan.c).
 * Run from the repository root (fixtures under tests/fixtures/list). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readers/plan.h"

#define LIST "tests/fixtures/list"

/* The diagnostic of severity `sev` at `line` whose message contains `needle`, or NULL. */
static const diag *find_diag(const diag_list *d, diag_severity sev, const char *file, int line,
                             const char *needle)
{
    for (size_t i = 0; i < d->len; i++) {
        const diag *x = &d->items[i];
        if (x->severity == sev && x->line == line && x->file && strcmp(x->file, file) == 0 &&
            strstr(x->message, needle))
            return x;
    }
    return NULL;
}

static void print_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->len; i++)
        print_message("  %s:%d: %s: %s\n", d->items[i].file ? d->items[i].file : "-",
                      d->items[i].line, diag_severity_name(d->items[i].severity),
                      d->items[i].message);
}

static void test_parts_overrides_globs(void **state)
{
    (void)state;
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    int rc = plan_read_list(&p, LIST "/book.yaml", 0, &d);
    print_diags(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(d.len, 0);

    assert_string_equal(p.book.title, "Conversations on Craft");
    assert_string_equal(p.book.subtitle, "Interviews and essays on making small, quiet tools");
    assert_int_equal(p.book.editors.len, 1);
    assert_string_equal(p.book.editors.items[0], "Ana Ruiz");
    assert_string_equal(p.book.date, "2024-06-01");
    assert_string_equal(p.book.lang, "en");
    assert_string_equal(p.book.publisher, "Sheaf Test Press");
    assert_string_equal(p.book.rights, "CC BY 4.0");
    assert_string_equal(p.book.cover, LIST "/cover.png");
    assert_int_equal(p.book.line_title, 1);
    assert_int_equal(p.resource_paths.len, 1);
    assert_string_equal(p.resource_paths.items[0], LIST "/site/static");

    assert_int_equal(p.parts.len, 3);
    assert_string_equal(p.parts.items[0], "Interviews");
    assert_string_equal(p.parts.items[1], "Essays");
    assert_string_equal(p.parts.items[2], "Elsewhere");

    static const struct {
        const char *path;
        int part, line;
    } want[] = {
        {LIST "/interviews/compiler-weekend.md", 0, 14},
        {LIST "/essays/quiet-tools.md", 1, 17},
        /* the glob, in natural order: 1, 2, 10 */
        {LIST "/essays/2024-1-notes.md", 1, 22},
        {LIST "/essays/2024-2-margins.md", 1, 22},
        {LIST "/essays/2024-10-drawings.md", 1, 22},
        {LIST "/intl/zh-craft.md", 2, 25},
        {LIST "/intl/ar-craft.md", 2, 27},
    };
    assert_int_equal(p.len, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < p.len; i++) {
        assert_string_equal(p.entries[i].path, want[i].path);
        assert_int_equal(p.entries[i].part, want[i].part);
        assert_int_equal(p.entries[i].line, want[i].line);
        assert_string_equal(p.entries[i].origin, LIST "/book.yaml");
    }

    const meta *o = &p.entries[1].overrides;
    assert_string_equal(o->title, "Quiet Tools");
    assert_int_equal(o->authors.len, 1);
    assert_string_equal(o->authors.items[0], "Ben Okafor");
    assert_string_equal(o->date, "2023-11-04");
    assert_string_equal(o->source, "https://example.org/quiet-tools");
    assert_null(p.entries[0].overrides.title);
    assert_null(p.entries[2].overrides.title);
    assert_string_equal(p.entries[5].overrides.lang, "zh");
    assert_null(p.entries[5].overrides.dir);
    assert_string_equal(p.entries[6].overrides.lang, "ar");
    assert_string_equal(p.entries[6].overrides.dir, "rtl");
    assert_int_equal(p.skipped.len, 0);

    plan_free(&p);
    diag_list_clear(&d);
}

static void test_flat_list(void **state)
{
    (void)state;
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_list(&p, LIST "/flat.yaml", 0, &d), 0);
    assert_int_equal(d.len, 0);
    assert_string_equal(p.book.title, "手艺对话 — Craft Around the World");
    assert_int_equal(p.book.editors.len, 2);
    assert_string_equal(p.book.editors.items[1], "Karim Haddad");
    assert_null(p.book.cover);
    assert_int_equal(p.parts.len, 0);
    assert_int_equal(p.resource_paths.len, 1);
    assert_int_equal(p.len, 6);
    assert_string_equal(p.entries[0].path, LIST "/interviews/compiler-weekend.md");
    assert_string_equal(p.entries[2].path, LIST "/intl/zh-craft.md");
    assert_string_equal(p.entries[5].path, LIST "/same/b.md");
    for (size_t i = 0; i < p.len; i++)
        assert_int_equal(p.entries[i].part, -1);
    plan_free(&p);
    diag_list_clear(&d);
}

static void test_missing_entry(void **state)
{
    (void)state;
    const char *list = LIST "/bad/missing-entry.yaml";
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_list(&p, list, 0, &d), -1);
    assert_non_null(
        find_diag(&d, DIAG_ERROR, list, 4, "'../essays/not-written-yet.md' does not exist"));
    plan_free(&p);
    diag_list_clear(&d);

    /* --keep-going: the other two are kept, the missing one is a warning and listed. */
    plan_init(&p);
    assert_int_equal(plan_read_list(&p, list, 1, &d), 0);
    assert_int_equal(diag_list_count_at_least(&d, DIAG_ERROR), 0);
    assert_non_null(find_diag(&d, DIAG_WARNING, list, 4, "does not exist"));
    assert_int_equal(p.len, 2);
    assert_string_equal(p.entries[1].path, LIST "/bad/../intl/zh-craft.md");
    assert_int_equal(p.skipped.len, 1);
    assert_string_equal(p.skipped.items[0], "../essays/not-written-yet.md");
    plan_free(&p);
    diag_list_clear(&d);
}

static void test_glob_matching_nothing(void **state)
{
    (void)state;
    const char *list = LIST "/bad/glob-nothing.yaml";
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_list(&p, list, 0, &d), -1);
    assert_non_null(find_diag(&d, DIAG_ERROR, list, 4, "'../essays/1999-*.md' matches no file"));
    plan_free(&p);
    diag_list_clear(&d);

    plan_init(&p);
    assert_int_equal(plan_read_list(&p, list, 1, &d), 0);
    assert_int_equal(p.len, 1);
    assert_int_equal(p.skipped.len, 1);
    plan_free(&p);
    diag_list_clear(&d);
}

static void test_duplicate_entry(void **state)
{
    (void)state;
    const char *list = LIST "/bad/duplicate.yaml";
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_list(&p, list, 0, &d), 0);
    assert_non_null(find_diag(&d, DIAG_WARNING, list, 5, "already listed at line 3"));
    assert_int_equal(diag_list_count_at_least(&d, DIAG_ERROR), 0);
    assert_int_equal(p.len, 2);
    assert_int_equal(p.entries[0].line, 3);
    assert_int_equal(p.entries[1].line, 4);
    plan_free(&p);
    diag_list_clear(&d);
}

static void test_unknown_keys(void **state)
{
    (void)state;
    const char *list = LIST "/bad/unknown-keys.yaml";
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_list(&p, list, 0, &d), 0);
    assert_non_null(find_diag(&d, DIAG_WARNING, list, 2, "unknown key 'editr'"));
    assert_non_null(find_diag(&d, DIAG_WARNING, list, 5, "unknown key 'titel'"));
    assert_int_equal(p.book.editors.len, 0);
    assert_int_equal(p.len, 2);
    assert_null(p.entries[0].overrides.title);
    plan_free(&p);
    diag_list_clear(&d);
}

static void expect_error(const char *list, int line, const char *needle)
{
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    int rc = plan_read_list(&p, list, 1, &d);
    if (!find_diag(&d, DIAG_ERROR, list, line, needle)) {
        print_message("expected an error at %s:%d containing \"%s\"; got:\n", list, line, needle);
        print_diags(&d);
        fail();
    }
    assert_int_equal(rc, -1);
    plan_free(&p);
    diag_list_clear(&d);
}

static void test_structural_errors(void **state)
{
    (void)state;
    /* These are errors even with --keep-going: the list itself is wrong. */
    expect_error(LIST "/bad/malformed.yaml", 5, "not valid YAML");
    expect_error(LIST "/bad/alias.yaml", 2, "aliases");
    expect_error(LIST "/bad/both.yaml", 4, "either 'articles' or 'parts'");
    expect_error(LIST "/bad/no-path.yaml", 4, "no 'path'");
    expect_error(LIST "/bad/bad-lang.yaml", 4, "'lang' must be a BCP 47 language tag");
    expect_error(LIST "/no-such-list.yaml", 0, "cannot read the reading list");
}

/* Write `text` to a new file in `dir`; returns its path (caller frees). */
static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_hostile_lists(void **state)
{
    (void)state;
    char dir[] = "/tmp/sheaf-test-plan-XXXXXX";
    assert_non_null(mkdtemp(dir));

    /* 70 nested flow sequences: refused, not parsed. */
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "title: deep\narticles:\n  - ");
    for (int i = 0; i < 70; i++)
        strbuf_addc(&b, '[');
    for (int i = 0; i < 70; i++)
        strbuf_addc(&b, ']');
    strbuf_addc(&b, '\n');
    char *deep = write_file(dir, "deep.yaml", b.data);
    strbuf_release(&b);
    expect_error(deep, 3, "nested more than 64 levels");

    char *big = xasprintf("%s/big.yaml", dir);
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), 17 * 1024 * 1024), 0);
    fclose(f);
    expect_error(big, 0, "larger than 16 MiB");

    char *empty = write_file(dir, "empty.yaml", "# nothing yet\n");
    expect_error(empty, 0, "empty");

    char *none = write_file(dir, "none.yaml", "title: No articles\n");
    expect_error(none, 1, "no 'articles:'");

    unlink(deep);
    unlink(big);
    unlink(empty);
    unlink(none);
    rmdir(dir);
    free(deep);
    free(big);
    free(empty);
    free(none);
}

static void test_bare_sequence(void **state)
{
    (void)state;
    char dir[] = "/tmp/sheaf-test-plan-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *a = write_file(dir, "a.md", "# A\n");
    char *b = write_file(dir, "b.md", "# B\n");
    char *list = write_file(dir, "list.yml", "- b.md\n- a.md\n");
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_list(&p, list, 0, &d), 0);
    assert_int_equal(p.len, 2);
    assert_string_equal(p.entries[0].path, b);
    assert_string_equal(p.entries[1].path, a);
    plan_free(&p);
    diag_list_clear(&d);
    unlink(a);
    unlink(b);
    unlink(list);
    rmdir(dir);
    free(a);
    free(b);
    free(list);
}

static void test_read_dir(void **state)
{
    (void)state;
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_dir(&p, LIST "/folder", &d), 0);
    assert_int_equal(d.len, 0);
    /* 2 before 10; a web page is an article; the hidden file and notes.json (JSON that is not a
     * transcript) are not. */
    assert_int_equal(p.len, 4);
    assert_string_equal(p.entries[0].path, LIST "/folder/1.md");
    assert_string_equal(p.entries[1].path, LIST "/folder/2.md");
    assert_string_equal(p.entries[2].path, LIST "/folder/3.html");
    assert_string_equal(p.entries[3].path, LIST "/folder/10.md");
    assert_int_equal(p.entries[0].part, -1);
    plan_free(&p);

    /* A trailing slash does not double. */
    plan_init(&p);
    assert_int_equal(plan_read_dir(&p, LIST "/folder/", &d), 0);
    assert_string_equal(p.entries[0].path, LIST "/folder/1.md");
    plan_free(&p);

    plan_init(&p);
    assert_int_equal(plan_read_dir(&p, LIST "/bad", &d), -1);
    assert_non_null(find_diag(&d, DIAG_ERROR, LIST "/bad", 0, "no articles in this folder"));
    assert_int_equal(plan_read_dir(&p, LIST "/no-such-folder", &d), -1);
    plan_free(&p);
    diag_list_clear(&d);
}

static void test_natural_order(void **state)
{
    (void)state;
    /* caption files are articles too (a JSON file when it is a transcript); a spreadsheet and
     * settings.json are not */
    static const char *names[] = {"ch10-end.md", "ch2-b.markdown", "Ch2-a.md", "ch1.txt",
                                  "ch02-c.md",   "ch100.md",       "notes.csv", "ch9.MD",
                                  "ch3.vtt",     "ch4.SRT",        "ch5.json",  "settings.json"};
    static const char *want[] = {"ch1.txt", "Ch2-a.md", "ch2-b.markdown", "ch02-c.md",
                                 "ch3.vtt", "ch4.SRT",  "ch5.json",       "ch9.MD",
                                 "ch10-end.md", "ch100.md"};
    char dir[] = "/tmp/sheaf-test-plan-XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        free(write_file(dir, names[i],
                        strstr(names[i], "ch5") ? "{\"segments\": []}\n" : "x\n"));
    plan p;
    diag_list d = DIAG_LIST_INIT;
    plan_init(&p);
    assert_int_equal(plan_read_dir(&p, dir, &d), 0);
    assert_int_equal(p.len, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < p.len; i++) {
        char *expect = xasprintf("%s/%s", dir, want[i]);
        assert_string_equal(p.entries[i].path, expect);
        free(expect);
    }
    plan_free(&p);
    diag_list_clear(&d);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        unlink(path);
        free(path);
    }
    rmdir(dir);
}

static void test_plan_add(void **state)
{
    (void)state;
    plan p;
    plan_init(&p);
    for (int i = 0; i < 40; i++) {
        plan_entry *e = plan_add(&p, "-");
        assert_int_equal(e->part, -1);
        assert_null(e->origin);
    }
    meta_set(&p.entries[39].overrides.title, "Last");
    assert_int_equal(p.len, 40);
    assert_string_equal(p.entries[0].path, "-");
    plan_free(&p);
    plan_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_overrides_globs), cmocka_unit_test(test_flat_list),
        cmocka_unit_test(test_missing_entry),         cmocka_unit_test(test_glob_matching_nothing),
        cmocka_unit_test(test_duplicate_entry),       cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_structural_errors),     cmocka_unit_test(test_hostile_lists),
        cmocka_unit_test(test_bare_sequence),         cmocka_unit_test(test_read_dir),
        cmocka_unit_test(test_natural_order),         cmocka_unit_test(test_plan_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
