/* test_yamldoc.c: YAML text to a tree with file lines, the safety limits, and the value helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/util.h"
#include "base/yamldoc.h"

static const yamldoc_options whole_file = {1, 1024, 8, 0, 1};

/* Parse `text` with `opts`; the caller frees the result. */
static yamldoc *parse(const char *text, const yamldoc_options *opts, int *rc)
{
    yamldoc *doc = NULL;
    *rc = yamldoc_parse(text, strlen(text), opts, &doc);
    assert_non_null(doc);
    return doc;
}

static void test_tree_and_lines(void **state)
{
    (void)state;
    int rc;
    yamldoc *doc = parse("title: T\nauthors:\n  - A\n  - \"B\"\nempty:\nq: ''\n", &whole_file, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(doc->error.kind, YAMLDOC_OK);
    const yamldoc_node *root = doc->root;
    assert_non_null(root);
    assert_int_equal(root->kind, YAMLDOC_MAPPING);
    assert_int_equal(root->len, 8); /* four keys, four values */
    assert_string_equal(yamldoc_text(yamldoc_map_get(root, "TITLE")), "T");
    const yamldoc_node *authors = yamldoc_map_get(root, "authors");
    assert_int_equal(authors->kind, YAMLDOC_SEQUENCE);
    assert_int_equal(authors->len, 2);
    assert_int_equal(authors->line, 3);
    assert_string_equal(authors->first->value, "A");
    assert_int_equal(authors->last->line, 4);
    assert_string_equal(yamldoc_text(authors->last), "B");
    assert_null(yamldoc_text(authors)); /* not a scalar */
    assert_true(yamldoc_is_null(yamldoc_map_get(root, "empty")));
    /* a quoted empty string is a value, not null */
    const yamldoc_node *q = yamldoc_map_get(root, "q");
    assert_false(yamldoc_is_null(q));
    assert_string_equal(yamldoc_text(q), "");
    assert_null(yamldoc_map_get(root, "missing"));
    assert_true(yamldoc_is_null(NULL));
    assert_string_equal(yamldoc_kind_name(root), "a mapping");
    assert_string_equal(yamldoc_kind_name(authors), "a list");
    assert_string_equal(yamldoc_kind_name(q), "a text");
    yamldoc_free(doc);
}

static void test_first_line_offsets_lines(void **state)
{
    (void)state;
    yamldoc_options o = whole_file;
    o.first_line = 10;
    int rc;
    yamldoc *doc = parse("a: 1\nb: [x, y\n", &o, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(doc->error.kind, YAMLDOC_ERR_SYNTAX);
    assert_true(doc->error.line >= 11);
    assert_non_null(doc->error.problem);
    assert_null(doc->root);
    yamldoc_free(doc);

    doc = parse("\n\nkey: value\n", &o, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(doc->root->line, 12);
    yamldoc_free(doc);
}

static void test_empty_and_null(void **state)
{
    (void)state;
    int rc;
    yamldoc *doc = parse("", &whole_file, &rc);
    assert_int_equal(rc, 0);
    assert_null(doc->root);
    yamldoc_free(doc);
    doc = parse("~\n", &whole_file, &rc);
    assert_int_equal(rc, 0);
    assert_true(yamldoc_is_null(doc->root));
    yamldoc_free(doc);

    doc = NULL;
    assert_int_equal(yamldoc_parse(NULL, 0, &whole_file, &doc), 0);
    assert_null(doc->root);
    yamldoc_free(doc);
    yamldoc_free(NULL);
}

static void test_limits(void **state)
{
    (void)state;
    int rc;
    yamldoc *doc = parse("a: &x 1\nb: *x\n", &whole_file, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(doc->error.kind, YAMLDOC_ERR_ALIAS);
    assert_int_equal(doc->error.line, 2);
    assert_string_equal(doc->error.anchor, "x");
    yamldoc_free(doc);

    /* depth 8 is allowed, 9 is not */
    doc = parse("[[[[[[[[1]]]]]]]]", &whole_file, &rc);
    assert_int_equal(rc, 0);
    yamldoc_free(doc);
    doc = parse("a:\n - [[[[[[[[1]]]]]]]]\n", &whole_file, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(doc->error.kind, YAMLDOC_ERR_DEPTH);
    assert_int_equal(doc->error.line, 2);
    yamldoc_free(doc);

    char big[1100];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    doc = parse(big, &whole_file, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(doc->error.kind, YAMLDOC_ERR_SIZE);
    assert_int_equal(doc->error.line, 1);
    yamldoc_free(doc);
}

static void test_documents(void **state)
{
    (void)state;
    int rc;
    const char *two = "a: 1\n---\nb: [\n";
    yamldoc *doc = parse(two, &whole_file, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(doc->error.kind, YAMLDOC_ERR_DOCUMENTS);
    assert_int_equal(doc->error.line, 2);
    yamldoc_free(doc);

    /* first_doc_only: the first document is read and the rest not even parsed */
    yamldoc_options o = whole_file;
    o.first_doc_only = 1;
    doc = parse(two, &o, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(yamldoc_text(yamldoc_map_get(doc->root, "a")), "1");
    assert_null(yamldoc_map_get(doc->root, "b"));
    yamldoc_free(doc);
}

static void test_dates(void **state)
{
    (void)state;
    char d[11];
    const int full = YAMLDOC_DATE_TIME | YAMLDOC_DATE_CALENDAR;
    assert_int_equal(yamldoc_date("2024", 0, d), 0);
    assert_string_equal(d, "2024");
    assert_int_equal(yamldoc_date("2024-02", 0, d), 0);
    assert_string_equal(d, "2024-02");
    assert_int_equal(yamldoc_date("2024-02-29", full, d), 0);
    assert_string_equal(d, "2024-02-29");
    assert_int_equal(yamldoc_date("2023-02-29", full, d), -1);
    assert_int_equal(yamldoc_date("2023-04-31", full, d), -1);
    /* without the calendar check any day 01..31 passes */
    assert_int_equal(yamldoc_date("2023-02-30", 0, d), 0);
    assert_int_equal(yamldoc_date("2023-02-32", 0, d), -1);
    assert_int_equal(yamldoc_date("2023-02-00", 0, d), -1);
    assert_int_equal(yamldoc_date("2023-13", 0, d), -1);
    assert_int_equal(yamldoc_date("2023-1", 0, d), -1);
    assert_int_equal(yamldoc_date("23", 0, d), -1);
    assert_int_equal(yamldoc_date("next week", full, d), -1);
    /* date-times only with YAMLDOC_DATE_TIME; the date part is kept */
    assert_int_equal(yamldoc_date("2024-05-06T07:08:09Z", 0, d), -1);
    assert_int_equal(yamldoc_date("2024-05-06T07:08:09Z", full, d), 0);
    assert_string_equal(d, "2024-05-06");
    assert_int_equal(yamldoc_date("2024-05-06 07:08:09.5 +02:00", full, d), 0);
    assert_string_equal(d, "2024-05-06");
    assert_int_equal(yamldoc_date("2024-05-06T25:00", full, d), -1);
    assert_int_equal(yamldoc_date("2024-05-06T07:08junk", full, d), -1);
}

/* Every shape of date Jekyll and Hugo take (Ruby's Time.parse, Go's cast.ToTime) reads, with
 * its date part kept as written; a day not on the calendar and a year before 1000 are told
 * apart from what is not a date at all. */
static void test_dates_loose(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } ok[] = {
        {"2019-04-25", "2019-04-25"},
        {"2019-04-25 9:00:00", "2019-04-25"},
        {"2019-04-25 09:00:00 +0100", "2019-04-25"},
        {"2019-04-25 9:00:00 -07:00", "2019-04-25"},
        {"2019-04-25T09:00:00Z", "2019-04-25"},
        {"2019-04-25T09:00:00.123+02:00", "2019-04-25"},
        {"2019-04-25T09:00:00-0700", "2019-04-25"},
        {"2019-04-25 15:04:05.999999999 -0700 MST", "2019-04-25"},
        {"2019-04-25 23:30 UTC", "2019-04-25"},
        {"2019-4-5", "2019-04-05"},
        {"2019/04/25", "2019-04-25"},
        {"2019-04", "2019-04"},
        {"2019", "2019"},
        {"Jan 2, 2006", "2006-01-02"},
        {"January 2, 2006", "2006-01-02"},
        {"2 January 2006", "2006-01-02"},
        {"02 Jan 2006", "2006-01-02"},
        {"Mon, 02 Jan 2006 15:04:05 MST", "2006-01-02"},
        {"Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02"},
        {"Mon Jan  2 15:04:05 MST 2006", "2006-01-02"},
        {"Sept. 3rd, 2021", "2021-09-03"},
        {"  2019-04-25  ", "2019-04-25"},
    };
    char d[11];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        memset(d, 0, sizeof d);
        if (yamldoc_date_loose(ok[i].in, d) != YAMLDOC_DATE_OK || strcmp(d, ok[i].want) != 0)
            fail_msg("'%s': got '%s'", ok[i].in, d);
    }
    assert_int_equal(yamldoc_date_loose("2021-02-29", d), YAMLDOC_DATE_NO_SUCH_DAY);
    assert_int_equal(yamldoc_date_loose("Feb 30, 2020", d), YAMLDOC_DATE_NO_SUCH_DAY);
    assert_int_equal(yamldoc_date_loose("0000", d), YAMLDOC_DATE_TOO_EARLY);
    assert_int_equal(yamldoc_date_loose("0999-01-01", d), YAMLDOC_DATE_TOO_EARLY);
    static const char *const bad[] = {"next week", "", "2019-13-01", "2019-04-25 junk",
                                      "25/04/2019", "2019-04-25 25:00", "Jan 2006",
                                      "2019-04-25T", "Mon Jan 2 2006 later"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (yamldoc_date_loose(bad[i], d) != YAMLDOC_DATE_UNREADABLE)
            fail_msg("'%s' was read as a date", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates_loose),
        cmocka_unit_test(test_tree_and_lines),
        cmocka_unit_test(test_first_line_offsets_lines),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
